use std::process::ExitCode;

use clap::Parser;

fn main() -> ExitCode {
    let cli = dorascope::cli::Cli::parse();
    match dorascope::run(cli) {
        Ok(()) => ExitCode::from(dorascope::error::EXIT_OK),
        Err(e) => {
            eprintln!("error: {e}");
            ExitCode::from(e.exit_code())
        }
    }
}
