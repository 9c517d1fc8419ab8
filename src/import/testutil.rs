//! Helpers shared by the importers' tests: the example export files, instants, temp files,
//! deployments as rows.

use std::io::Write;
use std::path::{Path, PathBuf};

use chrono::{DateTime, Duration, TimeZone, Utc};

use super::{ImportError, ImportOptions, Imported, import_file};
use crate::model::{CommitRef, DeployStatus, Instant};

/// An RFC 3339 text as an instant.
pub fn utc(s: &str) -> Instant {
    DateTime::parse_from_rfc3339(s)
        .map(|d| d.with_timezone(&Utc))
        .unwrap_or_else(|e| panic!("{s}: {e}"))
}

/// An instant from its UTC parts and milliseconds.
pub fn utc_parts(y: i32, mo: u32, d: u32, h: u32, mi: u32, s: u32, ms: i64) -> Instant {
    Utc.with_ymd_and_hms(y, mo, d, h, mi, s)
        .single()
        .expect("a valid time")
        + Duration::milliseconds(ms)
}

/// The path of an example export file (`tests/fixtures/formats`).
pub fn example_path(name: &str) -> PathBuf {
    Path::new(concat!(env!("CARGO_MANIFEST_DIR"), "/tests/fixtures/formats")).join(name)
}

/// An example export file, imported with detection and default options.
pub fn example(name: &str) -> Imported {
    import_file(&example_path(name), None, &ImportOptions::default())
        .unwrap_or_else(|e| panic!("{name}: {e}"))
}

/// A temporary `.json` file holding `text`.
pub fn temp_json(text: &str) -> tempfile::NamedTempFile {
    let mut f = tempfile::Builder::new()
        .suffix(".json")
        .tempfile()
        .expect("tempfile");
    f.write_all(text.as_bytes()).expect("write");
    f
}

/// `text` imported from a temporary `.json` file, with detection and `options`.
pub fn import_text(text: &str, options: &ImportOptions) -> Result<Imported, ImportError> {
    let f = temp_json(text);
    import_file(f.path(), None, options)
}

/// `text` imported in lenient mode (the default).
pub fn lenient(text: &str) -> Imported {
    import_text(text, &ImportOptions::default()).unwrap_or_else(|e| panic!("{e}"))
}

/// Options that make every problem fatal.
pub fn strict() -> ImportOptions {
    ImportOptions {
        strict: true,
        ..Default::default()
    }
}

/// A commit id as a deployment's commit.
pub fn sha(s: &str) -> Option<CommitRef> {
    Some(CommitRef::Sha(s.to_owned()))
}

/// A deployment's id, status, start, end and commit.
pub type Row<'a> = (
    &'a str,
    DeployStatus,
    Option<Instant>,
    Option<Instant>,
    Option<CommitRef>,
);

/// The deployments read, as [`Row`]s.
pub fn rows(out: &Imported) -> Vec<Row<'_>> {
    out.deployments
        .iter()
        .map(|d| {
            (
                d.id.as_str(),
                d.status,
                d.started_at,
                d.finished_at,
                d.commit.clone(),
            )
        })
        .collect()
}
