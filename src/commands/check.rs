//! `dorascope check FILE...`: what each export holds and what is wrong with it, before it is
//! used for numbers. Text for people, `--json` for scripts.

use std::fmt::Write as _;

use rayon::prelude::*;
use serde::Serialize;

use crate::cli::CheckArgs;
use crate::error::{Error, Result};
use crate::import::{self, ImportOptions, Imported, Zone};
use crate::model::Instant;
use crate::time::rfc3339;

/// One file's report.
#[derive(Debug, Serialize)]
struct FileReport {
    file: String,
    format: Option<&'static str>,
    error: Option<String>,
    records: u64,
    deployments: usize,
    incidents: usize,
    open_incidents: usize,
    merge_requests: usize,
    merge_request_commits: usize,
    /// Records only a reference computation reads (metric statistics outputs, CodeCommit commits).
    reference_records: usize,
    ignored: u64,
    first: Option<String>,
    last: Option<String>,
    problems: Vec<String>,
}

fn instants(i: &Imported) -> impl Iterator<Item = Instant> + '_ {
    i.deployments
        .iter()
        .filter_map(|d| d.finished_at.or(d.started_at))
        .chain(
            i.incidents
                .iter()
                .flat_map(|x| std::iter::once(x.started_at).chain(x.resolved_at)),
        )
        .chain(
            i.merge_requests
                .iter()
                .flat_map(|m| std::iter::once(m.created_at).chain(m.merged_at)),
        )
        .chain(i.mr_commits.iter().map(|c| c.authored_at))
}

fn report(file: String, result: std::result::Result<Imported, import::ImportError>) -> FileReport {
    match result {
        Err(e) => FileReport {
            file,
            format: None,
            error: Some(e.0),
            records: 0,
            deployments: 0,
            incidents: 0,
            open_incidents: 0,
            merge_requests: 0,
            merge_request_commits: 0,
            reference_records: 0,
            ignored: 0,
            first: None,
            last: None,
            problems: Vec::new(),
        },
        Ok(i) => FileReport {
            format: i.format.map(|f| f.name()),
            error: None,
            records: i.records,
            deployments: i.deployments.len(),
            incidents: i.incidents.len(),
            open_incidents: i.incidents.iter().filter(|x| x.resolved_at.is_none()).count(),
            merge_requests: i.merge_requests.len(),
            merge_request_commits: i.mr_commits.len(),
            reference_records: i.aws.metrics.len() + i.aws.commits.len(),
            ignored: i.ignored,
            first: instants(&i).min().map(|t| rfc3339(t.timestamp())),
            last: instants(&i).max().map(|t| rfc3339(t.timestamp())),
            problems: i.problems.iter().map(ToString::to_string).collect(),
            file,
        },
    }
}

fn text(r: &FileReport) -> String {
    let mut out = String::new();
    if let Some(e) = &r.error {
        let _ = writeln!(out, "{}: unreadable\n  error: {e}", r.file);
        return out;
    }
    let _ = writeln!(out, "{}: {}", r.file, r.format.unwrap_or("unknown"));
    let mut counts = Vec::new();
    for (n, what) in [
        (r.deployments, "deployments"),
        (r.incidents, "incidents"),
        (r.merge_requests, "merge requests"),
        (r.merge_request_commits, "merge-request commits"),
        (r.reference_records, "reference records"),
    ] {
        if n > 0 {
            let what = if n == 1 { what.trim_end_matches('s') } else { what };
            counts.push(format!("{n} {what}"));
        }
    }
    if r.open_incidents > 0 {
        counts.push(format!("{} still open", r.open_incidents));
    }
    let _ = writeln!(
        out,
        "  records: {} read, {} ignored (not relevant), {} skipped (problems){}{}",
        r.records,
        r.ignored,
        r.problems.len(),
        if counts.is_empty() { "" } else { "; " },
        counts.join(", ")
    );
    if let (Some(a), Some(b)) = (&r.first, &r.last) {
        let _ = writeln!(out, "  time range: {a} to {b}");
    }
    const SHOWN: usize = 50;
    for p in r.problems.iter().take(SHOWN) {
        let _ = writeln!(out, "  problem: {p}");
    }
    if r.problems.len() > SHOWN {
        let _ = writeln!(
            out,
            "  ... and {} more problems (--json lists all)",
            r.problems.len() - SHOWN
        );
    }
    out
}

/// Runs `dorascope check`.
pub fn run(args: &CheckArgs) -> Result<()> {
    let zone = args
        .timezone
        .as_deref()
        .map(|t| Zone::parse(t).map_err(|e| Error::Usage(format!("--timezone: {e}"))))
        .transpose()?;
    let options = ImportOptions { zone, strict: false };
    let reports: Vec<FileReport> = args
        .files
        .par_iter()
        .map(|p| {
            report(
                p.display().to_string(),
                import::import_file(p, args.format, &options),
            )
        })
        .collect();
    let body = if args.json {
        let mut v = serde_json::to_vec_pretty(&reports).map_err(|e| Error::Internal(e.to_string()))?;
        v.push(b'\n');
        v
    } else {
        reports
            .iter()
            .map(text)
            .collect::<Vec<_>>()
            .join("\n")
            .into_bytes()
    };
    crate::report::write::write_stdout(&body)?;
    let unreadable = reports.iter().filter(|r| r.error.is_some()).count();
    if unreadable > 0 {
        return Err(Error::Input(format!(
            "{unreadable} of {} files could not be read",
            reports.len()
        )));
    }
    Ok(())
}
