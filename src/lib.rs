//! dorascope: offline DORA metrics from a git repository and the files teams export.
//!
//! `main.rs` only parses arguments and maps errors to exit codes; everything else is here so
//! that tests and benchmarks call the same code.

#![warn(missing_docs)]

pub mod benchmarks;
pub mod cli;
pub mod commands;
pub mod config;
pub mod error;
pub mod exports;
pub mod git;
pub mod glob;
pub mod import;
pub mod metrics;
pub mod model;
pub mod paths;
pub mod periods;
pub mod progress;
pub mod report;
pub mod settings;
pub mod stats;
pub mod time;

use cli::{Cli, Command};
use error::{Error, Result};
use progress::Progress;
use settings::{Changes, Report, Table};

/// Runs one command line.
pub fn run(cli: Cli) -> Result<()> {
    let progress = Progress::new(cli.quiet);
    match cli.command {
        Command::Changes(args) => commands::tables::changes(&Changes::new(&args)?, &progress),
        Command::Deployments(args) => commands::tables::deployments(&Table::new(&args)?, &progress),
        Command::Incidents(args) => commands::incidents::incidents_command(&Table::new(&args)?, &progress),
        Command::Report(args) => {
            commands::report::run(&Report::new(&args)?, cli.config.as_deref(), &progress)
        }
        Command::Check(args) => commands::check::run(&args),
        Command::Benchmarks => {
            let text = benchmarks::listing().map_err(Error::Internal)?;
            report::write::write_stdout(text.as_bytes())
        }
        Command::Demo(args) => commands::demo::demo(args.dir, &progress),
    }
}
