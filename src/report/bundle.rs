//! The files of `dorascope report --out DIR`: every one is encoded in memory first, so a
//! failure while encoding writes nothing, and then each is written atomically.

use std::collections::HashMap;
use std::path::Path;

use serde::Serialize;

use super::table::{self, Table};
use super::write::{Format, encode, write_atomic};
use crate::error::{Error, Result};
use crate::metrics::Summary;
use crate::model::{Change, Deployment, Incident, Sha};

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

/// Everything a report's files are made from. Records are those of the report's range.
pub struct ReportData<'a> {
    /// The numbers.
    pub summary: &'a Summary,
    /// Changes shipped in range, and those not deployed yet.
    pub changes: &'a [Change],
    /// Deployments in range, `failed` decided by the chosen method.
    pub deployments: &'a [Deployment],
    /// Why each deployment failed (parallel to `deployments`).
    pub failure_reasons: &'a [Option<String>],
    /// Incidents started in range.
    pub incidents: &'a [Incident],
    /// Each incident's deployment and why (parallel to `incidents`).
    pub incident_attribution: &'a [(Option<String>, String)],
    /// Subjects of the commits the HTML report names.
    pub subjects: &'a HashMap<Sha, String>,
    /// provenance.json's content.
    pub provenance: &'a serde_json::Value,
    /// `--generated-at`, as given.
    pub generated_at: Option<&'a str>,
}

fn json_bytes(v: &impl Serialize, what: &str) -> Result<Vec<u8>> {
    let mut out = serde_json::to_vec_pretty(v).map_err(|e| Error::Internal(format!("{what}: {e}")))?;
    out.push(b'\n');
    Ok(out)
}

/// Encodes every file `formats` asks for: (file name, bytes), in a fixed order.
pub fn render(data: &ReportData<'_>, formats: &[ReportFormat]) -> Result<Vec<(String, Vec<u8>)>> {
    let mut files = vec![
        (
            "summary.json".to_owned(),
            json_bytes(data.summary, "summary.json")?,
        ),
        (
            "provenance.json".to_owned(),
            json_bytes(data.provenance, "provenance.json")?,
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
    for (format, ext) in [
        (ReportFormat::Csv, Format::Csv),
        (ReportFormat::Parquet, Format::Parquet),
        (ReportFormat::Json, Format::Json),
    ] {
        if !formats.contains(&format) {
            continue;
        }
        let suffix = match ext {
            Format::Csv => "csv",
            Format::Parquet => "parquet",
            Format::Json => "json",
        };
        for (name, t) in &tables {
            files.push((format!("{name}.{suffix}"), encode(t, ext)?));
        }
    }
    if formats.contains(&ReportFormat::Html) {
        let page = super::html::render(&super::html::HtmlInput {
            summary: data.summary,
            changes: data.changes,
            deployments: data.deployments,
            failure_reasons: data.failure_reasons,
            incidents: data.incidents,
            incident_attribution: data.incident_attribution,
            subjects: data.subjects,
            provenance: data.provenance,
            generated_at: data.generated_at,
        });
        files.push(("report.html".to_owned(), page.into_bytes()));
    }
    if formats.contains(&ReportFormat::Openmetrics) {
        files.push((
            "dora.om".to_owned(),
            super::openmetrics::render(data.summary).into_bytes(),
        ));
        files.push((
            "grafana-dashboard.json".to_owned(),
            super::grafana::dashboard(data.summary).into_bytes(),
        ));
    }
    Ok(files)
}

/// Writes the rendered files into `dir` (created if missing), each atomically.
pub fn write(dir: &Path, files: &[(String, Vec<u8>)]) -> Result<()> {
    std::fs::create_dir_all(dir).map_err(|e| Error::output(dir, e))?;
    for (name, bytes) in files {
        write_atomic(&dir.join(name), |w| w.write_all(bytes))?;
    }
    Ok(())
}
