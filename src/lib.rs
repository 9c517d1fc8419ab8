//! dorascope: offline DORA metrics from a git repository and the files teams export.
//!
//! `main.rs` only parses arguments and maps errors to exit codes; everything else is here so
//! that tests and benchmarks call the same code.

#![warn(missing_docs)]

pub mod cli;
pub mod demo;
pub mod error;
pub mod git;
pub mod model;
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
    }
    Ok(all)
}

fn warn_quality(a: &RepoAnalysis, progress: &Progress) {
    let q = &a.quality;
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
    let args = cli::InputArgs {
        repos: vec![repo.clone()],
        deploy_tags: "v*".into(),
        exclude_tags: Vec::new(),
        since: None,
        until: None,
        commit_time: model::CommitTime::Author,
        include_merges: false,
        include_backlog: false,
    };
    let analysis = analyze_all(&args.settings()?, progress)?;
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
    let text = report::summary::deployments_text(&analysis.deployments, &analysis.changes);
    let text = format!(
        "{text}\nrepository:  {}\nchanges:     {}\ndeployments: {}\n\nTry: dorascope deployments --repo {}\n",
        repo.display(),
        changes.display(),
        deployments.display(),
        repo.display()
    );
    report::write::write_stdout(text.as_bytes())
}
