//! Integration tests: one binary with shared helpers (ripgrep's layout).

mod backports;
mod benchmarks;
mod cli;
mod defects;
mod degraded;
mod demo;
mod gitlab_reference;
mod golden;
mod import;
mod lead_time;
mod openmetrics;
mod oracle;
mod reference;
mod reference_aws;
mod reference_util;
mod release_lines;
mod report;
mod services;
mod util;
