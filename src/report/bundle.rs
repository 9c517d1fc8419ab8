//! The files of `dorascope report --out DIR`, written all or nothing.

use std::io::Write;
use std::path::{Path, PathBuf};

use serde::Serialize;

use super::table::{self, Table};
use super::write::{Format, encode_to};
use crate::error::{Error, Result};
use crate::metrics::Summary;

/// What `--format` can ask for.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, clap::ValueEnum, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum ReportFormat {
    /// The terminal summary on stdout.
    Table,
    /// The four tables as CSV.
    Csv,
    /// The four tables as Parquet.
    Parquet,
    /// The four tables as JSON.
    Json,
    /// report.html.
    Html,
    /// dora.om and grafana-dashboard.json.
    Openmetrics,
}

/// Everything a report's files are made from (the HTML page reads all of it). Records are
/// those of the report's range.
pub use super::html::HtmlInput as ReportData;

/// summary.json's bytes: pretty JSON and a final newline (also what `--json` prints).
pub fn summary_json(summary: &Summary) -> Result<Vec<u8>> {
    json_bytes(summary, "summary.json")
}

fn json_bytes(v: &impl Serialize, what: &str) -> Result<Vec<u8>> {
    let mut out = serde_json::to_vec_pretty(v).map_err(|e| Error::Internal(format!("{what}: {e}")))?;
    out.push(b'\n');
    Ok(out)
}

/// One file of the report: small ones are rendered whole, tables stream into their file.
enum Content<'t> {
    Bytes(Vec<u8>),
    Table(&'t Table, Format),
}

/// Writes every file `formats` asks for into `dir` (created if missing) and returns their
/// names in a fixed order. Every file is first written in full to a temporary file beside
/// its place; only when all are complete are they renamed into place, so an error leaves
/// the previous report (or nothing), never a mix or a half-written file. Tables stream to
/// disk: a million-row table is never held encoded in memory.
pub fn write(dir: &Path, data: &ReportData<'_>, formats: &[ReportFormat]) -> Result<Vec<String>> {
    let mut files: Vec<(String, Content<'_>)> = vec![
        (
            "summary.json".to_owned(),
            Content::Bytes(summary_json(data.summary)?),
        ),
        (
            "provenance.json".to_owned(),
            Content::Bytes(json_bytes(data.provenance, "provenance.json")?),
        ),
    ];
    let tables: Vec<(&str, Table)> = if formats
        .iter()
        .any(|f| matches!(f, ReportFormat::Csv | ReportFormat::Parquet | ReportFormat::Json))
    {
        vec![
            ("changes", table::changes_table(data.changes)),
            (
                "deployments",
                table::deployments_table_with_reasons(data.deployments, data.failure_reasons),
            ),
            (
                "incidents",
                table::incidents_table_attributed(data.incidents, Some(data.incident_attribution)),
            ),
            ("periods", table::periods_table(&data.summary.periods)),
        ]
    } else {
        Vec::new()
    };
    for (format, ext, suffix) in [
        (ReportFormat::Csv, Format::Csv, "csv"),
        (ReportFormat::Parquet, Format::Parquet, "parquet"),
        (ReportFormat::Json, Format::Json, "json"),
    ] {
        if formats.contains(&format) {
            for (name, t) in &tables {
                files.push((format!("{name}.{suffix}"), Content::Table(t, ext)));
            }
        }
    }
    if formats.contains(&ReportFormat::Html) {
        let page = super::html::render(data);
        files.push(("report.html".to_owned(), Content::Bytes(page.into_bytes())));
    }
    if formats.contains(&ReportFormat::Openmetrics) {
        files.push((
            "dora.om".to_owned(),
            Content::Bytes(super::openmetrics::render(data.summary).into_bytes()),
        ));
        files.push((
            "grafana-dashboard.json".to_owned(),
            Content::Bytes(super::grafana::dashboard(data.summary).into_bytes()),
        ));
    }

    std::fs::create_dir_all(dir).map_err(|e| Error::output(dir, e))?;
    let mut staged: Vec<(PathBuf, PathBuf)> = Vec::with_capacity(files.len());
    let discard = |staged: &[(PathBuf, PathBuf)]| {
        for (tmp, _) in staged {
            let _ = std::fs::remove_file(tmp);
        }
    };
    for (name, content) in &files {
        let path = dir.join(name);
        let tmp = dir.join(format!(".{name}.tmp-{}", std::process::id()));
        if path.is_dir() {
            // Found now rather than at the rename, when earlier files would already be in place.
            discard(&staged);
            return Err(Error::output(&path, "is a directory"));
        }
        let written = std::fs::File::create(&tmp).and_then(|f| {
            let mut w = std::io::BufWriter::with_capacity(1 << 16, f);
            match content {
                Content::Bytes(b) => w.write_all(b)?,
                Content::Table(t, format) => encode_to(t, *format, &mut w)?,
            }
            w.into_inner().map_err(|e| e.into_error())?.sync_all()
        });
        staged.push((tmp, path.clone()));
        if let Err(e) = written {
            discard(&staged);
            return Err(Error::output(&path, e));
        }
    }
    for (i, (tmp, path)) in staged.iter().enumerate() {
        if let Err(e) = std::fs::rename(tmp, path) {
            discard(&staged[i..]);
            return Err(Error::output(path, e));
        }
    }
    Ok(files.into_iter().map(|(n, _)| n).collect())
}
