//! `dorascope demo`: builds the sample repository (`repository`), writes the tables and the
//! full report from it and the bundled sample exports, and prints where everything is.

pub mod repository;

use std::path::PathBuf;

use super::load::analyze_all;
use crate::cli::{Cli, Command};
use crate::error::{Error, Result};
use crate::progress::Progress;
use crate::{exports, report};

/// `dorascope demo`: builds the sample repository, writes both tables next to it, and
/// prints where everything is.
pub(crate) fn demo(dir: Option<PathBuf>, progress: &Progress) -> Result<()> {
    let dir = match dir {
        Some(d) => d,
        None => std::env::temp_dir().join(format!("dorascope-demo-{}", std::process::id())),
    };
    std::fs::create_dir_all(&dir).map_err(|e| Error::output(&dir, e))?;
    let bar = progress.spinner("building the demo repository");
    let repo = repository::build_repository(&dir)?;
    bar.finish_and_clear();
    // The demo runs exactly what `dorascope changes --repo DIR/repo` runs.
    let repo_arg = repo.display().to_string();
    let parsed = <Cli as clap::Parser>::try_parse_from(["dorascope", "changes", "--repo", repo_arg.as_str()])
        .map_err(|e| Error::Internal(format!("demo arguments: {e}")))?;
    let Command::Changes(args) = parsed.command else {
        return Err(Error::Internal("demo arguments: not the changes command".into()));
    };
    let input = crate::settings::Input::new(&args.input)?;
    let analysis = analyze_all(&input.repos, &input.git(input.range, true, None), progress)?;
    let changes = dir.join("changes.csv");
    let deployments = dir.join("deployments.csv");
    report::write_table(
        &report::changes_table(&analysis.changes),
        report::Format::Csv,
        Some(&changes),
    )?;
    report::write_table(
        &report::deployments_table(&analysis.deployments),
        report::Format::Csv,
        Some(&deployments),
    )?;
    // The sample exports a deploy tool and an incident tracker would have written for this
    // history (samples/demo/), and the incident table read from them.
    let exports_dir = dir.join("exports");
    std::fs::create_dir_all(&exports_dir).map_err(|e| Error::output(&exports_dir, e))?;
    for (name, body) in [
        (
            "deployments.csv",
            include_str!("../../samples/demo/deployments.csv"),
        ),
        ("incidents.csv", include_str!("../../samples/demo/incidents.csv")),
    ] {
        report::write::write_atomic(&exports_dir.join(name), |w| w.write_all(body.as_bytes()))?;
    }
    let incidents_path = dir.join("incidents.csv");
    let files = exports::ExportFiles {
        incidents: vec![exports_dir.join("incidents.csv")],
        environments: vec!["production".into()],
        ..Default::default()
    };
    let read = files.read()?;
    report::write_table(
        &report::incidents_table(&read.incidents),
        report::Format::Csv,
        Some(&incidents_path),
    )?;
    // The full report, as `dorascope report` computes it from the same inputs.
    let report_dir = dir.join("report");
    let incidents_arg = exports_dir.join("incidents.csv").display().to_string();
    let report_arg = report_dir.display().to_string();
    let parsed = <Cli as clap::Parser>::try_parse_from([
        "dorascope",
        "report",
        "--repo",
        repo_arg.as_str(),
        "--incidents",
        incidents_arg.as_str(),
        "--fix-tags",
        "v*.*.[1-9]*",
        "--industry",
        "technology",
        "--since",
        "2024-07-01",
        "--out",
        report_arg.as_str(),
    ])
    .map_err(|e| Error::Internal(format!("demo arguments: {e}")))?;
    let Command::Report(report_args) = parsed.command else {
        return Err(Error::Internal("demo arguments: not the report command".into()));
    };
    let report_settings = crate::settings::Report::new(&report_args)?;
    let (_, report_text) = super::report::files(&report_settings, None, &Progress::new(true))?;
    let text = report::summary::deployments_text(&analysis.deployments, &analysis.changes);
    let text = format!("{text}\n{report_text}");
    let text = format!(
        "{text}\nrepository:  {}\nchanges:     {}\ndeployments: {}\nincidents:   {}\nexports:     {}\n\n\
         Try: dorascope deployments --repo {} --deployments {}\n",
        repo.display(),
        changes.display(),
        deployments.display(),
        incidents_path.display(),
        exports_dir.display(),
        repo.display(),
        exports_dir.join("deployments.csv").display()
    );
    report::write::write_stdout(text.as_bytes())
}
