//! Integration tests: one binary with shared helpers (ripgrep's layout).

mod cli;
mod degraded;
mod demo;
mod import;
mod openmetrics;
mod oracle;
mod report;
mod util;
