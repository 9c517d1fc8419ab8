use std::process::ExitCode;

use clap::CommandFactory;

use dorascope::cli::Cli;
use dorascope::error::Error;

fn main() -> ExitCode {
    let args = std::env::args_os().collect();
    let (args, config) = match dorascope::config::expand(args, &Cli::command()) {
        Ok(expanded) => expanded,
        Err(e) => {
            eprintln!("error: {e}");
            return ExitCode::from(e.exit_code());
        }
    };
    // A value that came from the config file is reported by clap as if typed: say where.
    let from_config = |config: &Option<std::path::PathBuf>| {
        if let Some(p) = config {
            eprintln!("note: the command line included the settings of {}", p.display());
        }
    };
    let mut cli = match <Cli as clap::Parser>::try_parse_from(args) {
        Ok(cli) => cli,
        Err(e) if e.use_stderr() => {
            let _ = e.print();
            from_config(&config);
            return ExitCode::from(dorascope::error::EXIT_USAGE);
        }
        Err(e) => e.exit(),
    };
    cli.config = config.clone();
    match dorascope::run(cli) {
        Ok(()) => ExitCode::from(dorascope::error::EXIT_OK),
        Err(e) => {
            eprintln!("error: {e}");
            if matches!(e, Error::Usage(_)) {
                from_config(&config);
            }
            ExitCode::from(e.exit_code())
        }
    }
}
