//! Integration tests: one binary with shared helpers (ripgrep's layout).

mod cli;
mod degraded;
mod demo;
mod golden;
mod import;
mod lead_time;
mod openmetrics;
mod oracle;
mod reference;
mod report;
mod services;
mod util;
