//! Splitting a file into records, whatever its envelope: one JSON array, a wrapper object
//! around the list (`{"incidents": [...], "more": true}`), several JSON documents one after
//! another (`gh api --paginate`), JSON Lines, or CSV (with a BOM, CRLF, quoted newlines and
//! repeated header names). Files are read as a stream; only one JSON document is held at a
//! time.

use std::io::{BufRead, BufReader, Read};
use std::path::Path;
use std::sync::Arc;

use serde_json::{Map, Value};

use super::{Ctx, Format, ImportError, ImportOptions, Imported, Reader};
use crate::model::Location;

/// The keys under which wrapper objects keep their list of records.
pub const LIST_KEYS: &[&str] = &[
    "workflow_runs",
    "incidents",
    "data",
    "result",
    "pipelineExecutionSummaries",
    "AlarmHistoryItems",
    "deployments",
    "statuses",
    "builds",
    "items",
    "values",
    "issues",
];

/// The records of a JSON document and the envelope around them.
pub fn split(doc: Value) -> (Option<Value>, Vec<Value>) {
    match doc {
        Value::Array(items) => (None, items),
        Value::Object(mut obj) => {
            let key = LIST_KEYS
                .iter()
                .find(|k| obj.get(**k).is_some_and(Value::is_array));
            match key {
                Some(k) => {
                    let items = match obj.remove(*k) {
                        Some(Value::Array(items)) => items,
                        _ => Vec::new(),
                    };
                    (Some(Value::Object(obj)), items)
                }
                None => (None, vec![Value::Object(obj)]),
            }
        }
        other => (None, vec![other]),
    }
}

fn err(file: &str, message: impl std::fmt::Display) -> ImportError {
    ImportError(format!("{file}: {message}"))
}

/// Reads `path` into `out`.
pub fn read_file(
    path: &Path,
    file: Arc<str>,
    forced: Option<Format>,
    options: &ImportOptions,
    out: &mut Imported,
) -> Result<(), ImportError> {
    let f = std::fs::File::open(path).map_err(|e| err(&file, format!("cannot read: {e}")))?;
    read_stream(BufReader::with_capacity(1 << 16, f), file, forced, options, out)
}

/// Reads an export from any buffered stream (a file, or bytes in memory for fuzzing).
pub fn read_stream(
    mut reader: impl BufRead,
    file: Arc<str>,
    forced: Option<Format>,
    options: &ImportOptions,
    out: &mut Imported,
) -> Result<(), ImportError> {
    // Look at the start: empty, binary, JSON or CSV?
    let head = reader
        .fill_buf()
        .map_err(|e| err(&file, format!("cannot read: {e}")))?;
    let head = head.strip_prefix(b"\xEF\xBB\xBF".as_slice()).unwrap_or(head);
    if head.iter().all(|b| b.is_ascii_whitespace()) {
        return Err(err(&file, "the file is empty (expected a JSON or CSV export)"));
    }
    if head.contains(&0)
        || std::str::from_utf8(&head[..head.len().min(1024)]).is_err_and(|e| e.error_len().is_some())
    {
        return Err(err(&file, "this is a binary file, not a JSON or CSV export"));
    }
    let first = head.iter().find(|b| !b.is_ascii_whitespace()).copied();
    // The csv crate counts a CRLF record's line break only when it reads the next record, so
    // in CRLF files its line numbers run one behind.
    let crlf = head.windows(2).any(|w| w == b"\r\n");
    let is_json = matches!(first, Some(b'[' | b'{'));
    let forced_csv = matches!(
        forced,
        Some(Format::JiraCsv | Format::CanonicalDeploymentsCsv | Format::CanonicalIncidentsCsv)
    );
    if is_json && !forced_csv {
        read_json(reader, &file, forced, options, out)
    } else {
        read_csv(reader, &file, forced, crlf, options, out)
    }
}

fn read_json(
    reader: impl Read,
    file: &Arc<str>,
    forced: Option<Format>,
    options: &ImportOptions,
    out: &mut Imported,
) -> Result<(), ImportError> {
    let docs = serde_json::Deserializer::from_reader(SkipBom::new(reader)).into_iter::<Value>();
    let mut active: Option<(Format, Box<dyn Reader>)> = None;
    let mut record = 0u64;
    let mut last_location = Location {
        file: file.clone(),
        line: None,
        record: 0,
    };
    for doc in docs {
        let doc = doc.map_err(|e| {
            let what = if e.is_eof() {
                "the JSON ends early (truncated file?)".to_owned()
            } else {
                format!("invalid JSON: {e}")
            };
            ImportError(format!("{file}:{}:{}: {what}", e.line(), e.column()))
        })?;
        let (envelope, items) = split(doc);
        if active.is_none() {
            let format = match forced {
                Some(f) => f,
                None => super::sniff_json(envelope.as_ref().unwrap_or(&Value::Null), items.first())
                    .or_else(|| items.first().and_then(|r| super::sniff_json(r, Some(r))))
                    .ok_or_else(|| err(file, unknown_format(items.first())))?,
            };
            out.format = Some(format);
            active = Some((format, super::json_reader(format, envelope.as_ref())));
        }
        let Some((_, reader)) = active.as_mut() else { break };
        for item in items {
            record += 1;
            out.records += 1;
            let location = Location {
                file: file.clone(),
                line: None,
                record,
            };
            last_location = location.clone();
            let mut ctx = Ctx {
                options,
                location,
                out,
            };
            reader.record(item, &mut ctx)?;
        }
    }
    match active {
        Some((_, mut reader)) => {
            let mut ctx = Ctx {
                options,
                location: last_location,
                out,
            };
            reader.finish(&mut ctx)
        }
        None => Err(err(file, "no records")),
    }
}

fn unknown_format(first: Option<&Value>) -> String {
    // GitLab's DORA API answers with its own daily figures, not the events behind them: say
    // which exports dorascope needs instead of listing formats.
    let gitlab_dora = first
        .and_then(Value::as_object)
        .is_some_and(|o| o.len() == 2 && o.contains_key("date") && o.contains_key("value"));
    if gitlab_dora {
        return "this looks like GitLab's DORA metrics API (GET /projects/:id/dora/metrics): daily figures \
                GitLab computed, not the deployments and incidents behind them, so there is nothing to \
                re-measure; export GET /projects/:id/deployments and /issues (incidents) instead"
            .into();
    }
    let keys = first
        .and_then(Value::as_object)
        .map(|o| o.keys().take(8).cloned().collect::<Vec<_>>().join(", "))
        .unwrap_or_default();
    format!(
        "unknown export format (first record's fields: {}); see `dorascope check --help` for the formats, or force one with --deployments-format / --incidents-format",
        if keys.is_empty() { "none".into() } else { keys }
    )
}

/// Turns a CSV row into a JSON object keyed by header; a header that repeats (Jira's
/// `Labels,Labels,Labels`) becomes an array of its non-empty values.
pub fn row_object(headers: &[String], row: &csv::StringRecord) -> Value {
    let mut obj = Map::new();
    for (h, v) in headers.iter().zip(row.iter()) {
        let repeated = headers.iter().filter(|x| *x == h).count() > 1;
        if repeated {
            let entry = obj.entry(h.clone()).or_insert_with(|| Value::Array(Vec::new()));
            if let Value::Array(a) = entry
                && !v.is_empty()
            {
                a.push(Value::String(v.to_owned()));
            }
        } else {
            obj.insert(h.clone(), Value::String(v.to_owned()));
        }
    }
    Value::Object(obj)
}

fn read_csv(
    reader: impl Read,
    file: &Arc<str>,
    forced: Option<Format>,
    crlf: bool,
    options: &ImportOptions,
    out: &mut Imported,
) -> Result<(), ImportError> {
    let mut csv = csv::ReaderBuilder::new()
        .flexible(true)
        .has_headers(true)
        .from_reader(SkipBom::new(reader));
    let headers: Vec<String> = csv
        .headers()
        .map_err(|e| err(file, format!("cannot read the CSV header: {e}")))?
        .iter()
        .map(|h| h.trim().to_owned())
        .collect();
    let format = match forced {
        Some(f) => f,
        None => super::canonical::sniff_csv(&headers)
            .or_else(|| super::incident_tools::sniff_csv(&headers))
            .ok_or_else(|| {
                err(
                    file,
                    format!(
                        "unknown CSV format (header: {}); the canonical CSV needs e.g. id, sha, finished_at (deployments) or id, started_at, resolved_at (incidents)",
                        headers.iter().take(8).cloned().collect::<Vec<_>>().join(", ")
                    ),
                )
            })?,
    };
    out.format = Some(format);
    let mut reader = match format {
        Format::JiraCsv => super::incident_tools::csv_reader(format, &headers),
        Format::CanonicalDeploymentsCsv | Format::CanonicalIncidentsCsv => super::canonical::reader(format),
        other => return Err(err(file, format!("{} is not a CSV format", other.name()))),
    };
    let mut row = csv::StringRecord::new();
    let mut record = 0u64;
    let mut last = Location {
        file: file.clone(),
        line: Some(1),
        record: 0,
    };
    loop {
        match csv.read_record(&mut row) {
            Ok(false) => break,
            Ok(true) => {}
            Err(e) => {
                let line = e.position().map_or(0, |p| p.line());
                return Err(ImportError(format!("{file}:{line}: invalid CSV: {e}")));
            }
        }
        record += 1;
        out.records += 1;
        let line = row.position().map(|p| p.line() + u64::from(crlf));
        let location = Location {
            file: file.clone(),
            line,
            record,
        };
        last = location.clone();
        let mut ctx = Ctx {
            options,
            location,
            out,
        };
        reader.record(row_object(&headers, &row), &mut ctx)?;
    }
    let mut ctx = Ctx {
        options,
        location: last,
        out,
    };
    reader.finish(&mut ctx)
}

/// Drops a UTF-8 byte-order mark at the start of a stream.
struct SkipBom<R> {
    inner: R,
    checked: bool,
    pending: Vec<u8>,
}

impl<R: Read> SkipBom<R> {
    fn new(inner: R) -> Self {
        SkipBom {
            inner,
            checked: false,
            pending: Vec::new(),
        }
    }
}

impl<R: Read> Read for SkipBom<R> {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        if !self.checked {
            self.checked = true;
            let mut start = [0u8; 3];
            let mut n = 0;
            while n < 3 {
                let k = self.inner.read(&mut start[n..])?;
                if k == 0 {
                    break;
                }
                n += k;
            }
            if &start[..n] != b"\xEF\xBB\xBF" {
                self.pending.extend_from_slice(&start[..n]);
            }
        }
        if !self.pending.is_empty() {
            let k = self.pending.len().min(buf.len());
            buf[..k].copy_from_slice(&self.pending[..k]);
            self.pending.drain(..k);
            return Ok(k);
        }
        self.inner.read(buf)
    }
}
