//! What every command starts from: the exports (read and checked first), then the
//! repositories in parallel, or, without a repository, deployments from the exports alone;
//! and the warnings about what was read.

use std::path::Path;

use rayon::prelude::*;

use crate::error::{Error, Result};
use crate::exports;
use crate::git::{self, GitOptions, RepoAnalysis, RepoInput};
use crate::progress::Progress;
use crate::settings::Input;
use crate::time::Range;

/// The records every command starts from.
pub(crate) struct Loaded {
    pub(crate) analysis: RepoAnalysis,
    pub(crate) exports: exports::Exports,
    pub(crate) has_repo: bool,
}

/// Reads the exports (first: they are checked before any history is walked), then the
/// repositories, or, without a repository, takes deployments from the exports alone;
/// deployments in `range` are reported.
pub(crate) fn load(
    input: &Input,
    range: Range,
    needs_changes: bool,
    needs_repo: bool,
    command: &str,
    progress: &Progress,
) -> Result<Loaded> {
    let exports = input.exports.read()?;
    warn_exports(&exports, progress);
    let e = &input.exports;
    let any_export = !e.deployments.is_empty() || !e.incidents.is_empty() || !e.merge_requests.is_empty();
    if !input.repo_given && any_export && !git::is_repository(Path::new(".")) {
        if needs_repo {
            return Err(Error::Usage(format!(
                "dorascope {command} needs a repository: give --repo DIR (the current directory is not one)"
            )));
        }
        progress.warn(
            "no repository (--repo): deployments come from the exports, without their changes and lead times",
        );
        let analysis = RepoAnalysis {
            deployments: exports.deployment_rows(range),
            ..Default::default()
        };
        return Ok(Loaded {
            analysis,
            exports,
            has_repo: false,
        });
    }
    let mut from_exports = None;
    if !input.exports.deployments.is_empty() {
        let (deployments, no_commit) = exports.for_attribution();
        progress.warn_alike(&no_commit);
        if deployments.is_empty() {
            return Err(Error::Input(
                "no production deployment in the --deployments files names a commit".into(),
            ));
        }
        from_exports = Some(std::sync::Arc::new(deployments));
    }
    let git = input.git(range, needs_changes, from_exports);
    let analysis = analyze_all(&input.repos, &git, progress)?;
    Ok(Loaded {
        analysis,
        exports,
        has_repo: true,
    })
}

/// Fails before the long work if the output's directory does not exist.
pub(crate) fn check_output_dir(out: &Path) -> Result<()> {
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
pub fn analyze_all(repos: &[RepoInput], git: &GitOptions, progress: &Progress) -> Result<RepoAnalysis> {
    // One repository shows its steps; several show one bar over the repositories.
    let results: Vec<_> = if repos.len() == 1 {
        vec![git::analyze(&repos[0], git, progress)]
    } else {
        let bar = progress.bar(repos.len() as u64, "reading repositories");
        let quiet = Progress::hidden();
        let results = repos
            .par_iter()
            .map(|r| {
                let a = git::analyze(r, git, &quiet);
                bar.inc(1);
                a
            })
            .collect();
        bar.finish_and_clear();
        results
    };
    let mut all = RepoAnalysis::default();
    for result in results {
        let a = result?;
        warn_quality(&a, progress);
        all.per_repo.push(a.quality);
        // The first repository's records move in whole: extending an empty vector would
        // copy a million changes into a second allocation of the same size.
        append(&mut all.changes, a.changes);
        append(&mut all.deployments, a.deployments);
        append(&mut all.reverts, a.reverts);
    }
    // The attribution lists what each deployment shipped; the columns follow the lead rule.
    crate::metrics::lead::deployment_columns(&mut all.deployments, git.lead);
    Ok(all)
}

fn append<T>(all: &mut Vec<T>, more: Vec<T>) {
    if all.is_empty() {
        *all = more;
    } else {
        all.extend(more);
    }
}

/// Warns about the exports' skipped and duplicate records: one line per file with problems,
/// files of one format summarised (a merge-request commits directory is a file per merge
/// request).
pub(crate) fn warn_exports(e: &exports::Exports, progress: &Progress) {
    let mut by_format: Vec<(Option<crate::import::Format>, Vec<String>)> = Vec::new();
    for f in e.files.iter().filter(|f| !f.problems.is_empty()) {
        let line = format!(
            "{}: skipped {} bad records (first: {}); `dorascope check {}` lists them all, --strict stops at the first",
            f.file,
            f.problems.len(),
            f.problems[0],
            f.file
        );
        match by_format.iter_mut().find(|(format, _)| *format == f.format) {
            Some((_, lines)) => lines.push(line),
            None => by_format.push((f.format, vec![line])),
        }
    }
    for (_, lines) in by_format {
        progress.warn_alike(&lines);
    }
    if e.duplicates > 0 {
        progress.warn(&format!(
            "{} duplicate records across the exports were read once",
            e.duplicates
        ));
    }
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
    if let Some(o) = &q.ownership {
        for w in o.warnings.iter().take(SHOWN) {
            progress.warn(&format!("{}: {w}", q.repo));
        }
        if o.file.is_empty() {
            progress.warn(&format!(
                "{}: no CODEOWNERS file at HEAD (.github/, the root, docs/ or .gitlab/): no change belongs to a team",
                q.repo
            ));
        } else if o.individual_only > 0 {
            progress.warn(&format!(
                "{}: {} of {} files at HEAD are owned by individuals only in {}: their changes belong to no team",
                q.repo, o.individual_only, o.files, o.file
            ));
        }
    }
    if q.negative_lead_times > 0 {
        progress.warn(&format!(
            "{}: {} changes have a negative lead time (commit clock ahead of the deployment); \
             kept in tables, excluded from statistics",
            q.repo, q.negative_lead_times
        ));
    }
}
