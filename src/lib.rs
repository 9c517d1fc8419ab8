//! dorascope: offline DORA metrics from a git repository and the files teams export.
//!
//! `main.rs` only parses arguments and maps errors to exit codes; everything else is here so
//! that tests and benchmarks call the same code.

#![warn(missing_docs)]

pub mod benchmarks;
pub mod check;
pub mod cli;
pub mod demo;
pub mod error;
pub mod exports;
pub mod git;
pub mod import;
pub mod metrics;
pub mod model;
pub mod periods;
pub mod progress;
pub mod report;
pub mod stats;
pub mod time;

use std::path::{Path, PathBuf};

use rayon::prelude::*;

use cli::{Cli, Command, Settings, TableArgs};
use error::{Error, Result};
use git::RepoAnalysis;
use progress::Progress;

/// Runs one command line.
pub fn run(cli: Cli) -> Result<()> {
    let progress = Progress::new(cli.quiet);
    match cli.command {
        Command::Changes(args) => {
            table_command(&args, true, &progress, |a| report::changes_table(&a.changes))
        }
        Command::Deployments(args) => table_command(&args, false, &progress, |a| {
            report::deployments_table(&a.deployments)
        }),
        Command::Incidents(args) => incidents_command(&args),
        Command::Check(args) => check::run(&args),
        Command::Benchmarks => {
            let text = benchmarks::listing().map_err(Error::Internal)?;
            report::write::write_stdout(text.as_bytes())
        }
        Command::Demo(args) => demo(args.dir, &progress),
    }
}

fn table_command(
    args: &TableArgs,
    needs_changes: bool,
    progress: &Progress,
    table: impl Fn(&RepoAnalysis) -> report::Table,
) -> Result<()> {
    let mut settings = args.input.settings()?;
    settings.git.collect_changes = needs_changes;
    if let Some(out) = args.output.as_deref() {
        check_output_dir(out)?;
    }
    // Exports are read and checked before any history is walked.
    let exports = settings.exports.read()?;
    warn_exports(&exports, progress);
    if !settings.repo_given && !settings.exports.deployments.is_empty() && !git::is_repository(Path::new("."))
    {
        // Exports alone: list the deployments; what needs commits needs a repository.
        if needs_changes {
            return Err(Error::Usage(
                "dorascope changes needs a repository: give --repo DIR (the current directory is not one)"
                    .into(),
            ));
        }
        progress.warn("no repository (--repo): deployments are listed without their changes and lead times");
        let rows = exports.deployment_rows(settings.git.since, settings.git.until);
        return report::write_table(
            &report::deployments_table(&rows),
            args.format,
            args.output.as_deref(),
        );
    }
    if !settings.exports.deployments.is_empty() {
        let (deployments, no_commit) = exports.for_attribution();
        for w in no_commit.iter().take(5) {
            progress.warn(w);
        }
        if deployments.is_empty() {
            return Err(Error::Input(
                "no production deployment in the --deployments files names a commit".into(),
            ));
        }
        settings.git.exports = Some(std::sync::Arc::new(deployments));
    }
    let analysis = analyze_all(&settings, progress)?;
    report::write_table(&table(&analysis), args.format, args.output.as_deref())
}

/// Fails before the long work if the output's directory does not exist.
fn check_output_dir(out: &Path) -> Result<()> {
    if out == Path::new("-") {
        return Ok(());
    }
    match out.parent() {
        Some(dir) if !dir.as_os_str().is_empty() && !dir.is_dir() => Err(Error::output(
            out,
            format!("directory {} does not exist", dir.display()),
        )),
        _ => Ok(()),
    }
}

/// Reads every repository (in parallel), prints their data-quality warnings, and merges the
/// records in the order the repositories were given.
pub fn analyze_all(settings: &Settings, progress: &Progress) -> Result<RepoAnalysis> {
    let results: Vec<_> = settings
        .repos
        .par_iter()
        .map(|r| git::analyze(r, &settings.git, progress))
        .collect();
    let mut all = RepoAnalysis::default();
    for result in results {
        let a = result?;
        warn_quality(&a, progress);
        all.changes.extend(a.changes);
        all.deployments.extend(a.deployments);
        all.reverts.extend(a.reverts);
    }
    Ok(all)
}

fn warn_exports(e: &exports::Exports, progress: &Progress) {
    for f in &e.files {
        if !f.problems.is_empty() {
            progress.warn(&format!(
                "{}: skipped {} bad records (first: {}); `dorascope check {}` lists them all, --strict stops at the first",
                f.file,
                f.problems.len(),
                f.problems[0],
                f.file
            ));
        }
    }
    if e.duplicates > 0 {
        progress.warn(&format!(
            "{} duplicate records across the exports were read once",
            e.duplicates
        ));
    }
}

/// `dorascope incidents`: the per-incident table from the incident exports.
fn incidents_command(args: &TableArgs) -> Result<()> {
    let settings = args.input.settings()?;
    if settings.exports.incidents.is_empty() {
        return Err(Error::Usage(
            "dorascope incidents needs at least one --incidents FILE".into(),
        ));
    }
    if let Some(out) = args.output.as_deref() {
        check_output_dir(out)?;
    }
    let exports = settings.exports.read()?;
    warn_exports(&exports, &Progress::new(true));
    // --since / --until select incidents by when they started, as deployments by when they
    // finished.
    let (since, until) = (settings.git.since, settings.git.until);
    let incidents: Vec<model::Incident> = exports
        .incidents
        .into_iter()
        .filter(|i| {
            let t = i.started_at.timestamp();
            since.is_none_or(|s| t >= s) && until.is_none_or(|u| t < u)
        })
        .collect();
    report::write_table(
        &report::incidents_table(&incidents),
        args.format,
        args.output.as_deref(),
    )
}

fn warn_quality(a: &RepoAnalysis, progress: &Progress) {
    let q = &a.quality;
    const SHOWN_UNRESOLVED: usize = 5;
    for u in q.unresolved_deployments.iter().take(SHOWN_UNRESOLVED) {
        progress.warn(&format!("{}: {u}", q.repo));
    }
    if q.unresolved_deployments.len() > SHOWN_UNRESOLVED {
        progress.warn(&format!(
            "{}: {} more deployments name commits that are not in the repository",
            q.repo,
            q.unresolved_deployments.len() - SHOWN_UNRESOLVED
        ));
    }
    if q.shallow {
        progress.warn(&format!(
            "{}: shallow clone: history stops at the clone's boundary, so the first deployment's backlog \
             and its lead times are partial (git fetch --unshallow gives the full history)",
            q.repo
        ));
    }
    if q.missing_commits > 0 {
        progress.warn(&format!(
            "{}: {} commits are referenced but missing from the object database; history behind them is not counted",
            q.repo, q.missing_commits
        ));
    }
    const SHOWN: usize = 5;
    for s in q.skipped_tags.iter().take(SHOWN) {
        progress.warn(&format!("{}: skipped {s}", q.repo));
    }
    if q.skipped_tags.len() > SHOWN {
        progress.warn(&format!(
            "{}: skipped {} more tags",
            q.repo,
            q.skipped_tags.len() - SHOWN
        ));
    }
    if q.negative_lead_times > 0 {
        progress.warn(&format!(
            "{}: {} changes have a negative lead time (commit clock ahead of the deployment); \
             kept in tables, excluded from statistics",
            q.repo, q.negative_lead_times
        ));
    }
}

/// `dorascope demo`: builds the sample repository, writes both tables next to it, and
/// prints where everything is.
fn demo(dir: Option<PathBuf>, progress: &Progress) -> Result<()> {
    let dir = match dir {
        Some(d) => d,
        None => std::env::temp_dir().join(format!("dorascope-demo-{}", std::process::id())),
    };
    std::fs::create_dir_all(&dir).map_err(|e| Error::output(&dir, e))?;
    let bar = progress.spinner("building the demo repository");
    let repo = demo::build_repository(&dir)?;
    bar.finish_and_clear();
    // The demo runs exactly what `dorascope changes --repo DIR/repo` runs.
    let repo_arg = repo.display().to_string();
    let parsed = <Cli as clap::Parser>::try_parse_from(["dorascope", "changes", "--repo", repo_arg.as_str()])
        .map_err(|e| Error::Internal(format!("demo arguments: {e}")))?;
    let Command::Changes(args) = parsed.command else {
        return Err(Error::Internal("demo arguments: not the changes command".into()));
    };
    let analysis = analyze_all(&args.input.settings()?, progress)?;
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
        ("deployments.csv", include_str!("../samples/demo/deployments.csv")),
        ("incidents.csv", include_str!("../samples/demo/incidents.csv")),
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
    let text = report::summary::deployments_text(&analysis.deployments, &analysis.changes);
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
