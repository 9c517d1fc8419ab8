//! The files of `dorascope report --out DIR`, written all or nothing.

use std::io::Write;
use std::path::{Path, PathBuf};

use serde::Serialize;
use tempfile::TempPath;

use super::table::{self, Table};
use super::write::{Format, encode_to, write_temp};
use crate::error::{Error, Result};
use crate::metrics::Summary;

crate::model::choice! {
    /// What `--format` can ask for.
    #[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
    pub enum ReportFormat {
        Table = "table", "The terminal summary on stdout";
        Csv = "csv", "The four tables as CSV";
        Parquet = "parquet", "The four tables as Parquet";
        Json = "json", "The four tables as JSON";
        Html = "html", "report.html";
        Openmetrics = "openmetrics", "dora.om and grafana-dashboard.json";
    }
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

/// Files written to temporary names beside their places, renamed together at the end. Those
/// not renamed are deleted when the stage is dropped.
struct Stage<'d> {
    dir: &'d Path,
    staged: Vec<(TempPath, PathBuf)>,
    names: Vec<String>,
}

impl Stage<'_> {
    fn file(&mut self, name: &str, fill: impl FnOnce(&mut dyn Write) -> std::io::Result<()>) -> Result<()> {
        let path = self.dir.join(name);
        if path.is_dir() {
            // Found now rather than at the rename, when earlier files would already be in place.
            return Err(Error::output(&path, "is a directory"));
        }
        let tmp = write_temp(self.dir, name.as_ref(), fill).map_err(|e| Error::output(&path, e))?;
        self.staged.push((tmp, path));
        self.names.push(name.to_owned());
        Ok(())
    }

    fn commit(self) -> Result<Vec<String>> {
        // On an error, the files not yet renamed are dropped with the iterator, which deletes them.
        for (tmp, path) in self.staged {
            tmp.persist(&path).map_err(|e| Error::output(&path, e.error))?;
        }
        Ok(self.names)
    }
}

/// Writes every file `formats` asks for into `dir` (created if missing) and returns their
/// names in the order written. Every file is first written in full to a temporary file beside
/// its place; only when all are complete are they renamed into place, so an error leaves the
/// previous report (or nothing), never a mix or a half-written file. Tables stream to disk and
/// are built one at a time, each dropped once its files are written: a million-row table is
/// never held encoded in memory, nor four tables at once.
///
/// `summary` is summary.json's content ([`summary_json`]), encoded once by the caller, which
/// also prints it for `--json`.
pub fn write(
    dir: &Path,
    data: &ReportData<'_>,
    summary: &[u8],
    formats: &[ReportFormat],
) -> Result<Vec<String>> {
    std::fs::create_dir_all(dir).map_err(|e| Error::output(dir, e))?;
    let mut stage = Stage {
        dir,
        staged: Vec::new(),
        names: Vec::new(),
    };
    // On an error the stage is dropped, and its temporary files with it.
    stage_all(&mut stage, data, summary, formats)?;
    stage.commit()
}

fn stage_all(
    stage: &mut Stage<'_>,
    data: &ReportData<'_>,
    summary: &[u8],
    formats: &[ReportFormat],
) -> Result<()> {
    stage.file("summary.json", |w| w.write_all(summary))?;
    let provenance = json_bytes(data.provenance, "provenance.json")?;
    stage.file("provenance.json", |w| w.write_all(&provenance))?;
    let table_formats: Vec<(Format, &str)> = [
        (ReportFormat::Csv, Format::Csv, "csv"),
        (ReportFormat::Parquet, Format::Parquet, "parquet"),
        (ReportFormat::Json, Format::Json, "json"),
    ]
    .into_iter()
    .filter(|(f, _, _)| formats.contains(f))
    .map(|(_, format, suffix)| (format, suffix))
    .collect();
    if !table_formats.is_empty() {
        let builders: [(&str, &dyn Fn() -> Table); 4] = [
            ("changes", &|| table::changes_table(data.changes)),
            ("deployments", &|| {
                table::deployments_table_with_reasons(data.deployments, data.failure_reasons)
            }),
            ("incidents", &|| {
                table::incidents_table_attributed(data.incidents, Some(data.incident_attribution))
            }),
            ("periods", &|| table::periods_table(data.summary)),
        ];
        for (name, build) in builders {
            let t = build();
            for &(format, suffix) in &table_formats {
                stage.file(&format!("{name}.{suffix}"), |w| encode_to(&t, format, w))?;
            }
        }
    }
    if formats.contains(&ReportFormat::Html) {
        let page = super::html::render(data);
        stage.file("report.html", |w| w.write_all(page.as_bytes()))?;
    }
    if formats.contains(&ReportFormat::Openmetrics) {
        let om = super::openmetrics::render(data.summary);
        stage.file("dora.om", |w| w.write_all(om.as_bytes()))?;
        let dashboard = super::grafana::dashboard(data.summary);
        stage.file("grafana-dashboard.json", |w| w.write_all(dashboard.as_bytes()))?;
    }
    Ok(())
}
