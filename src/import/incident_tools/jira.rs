//! Jira: the issue navigator CSV export, "Export CSV (all fields / current fields)"
//! (docs/importers.md).

use serde_json::{Map, Value};

use super::{Outcome, after_start, first_text, not_an_object, store};
use crate::import::fields::{self, FieldError};
use crate::import::{Ctx, Format, ImportError, Reader};
use crate::model::{Incident, Instant};
use crate::time::parse::{self as time, TimeError, Zone};

/// Jira's display date formats: the default `dd/MMM/yy h:mm a` (`12/Mar/24 9:41 AM`), its
/// 24-hour variant, and what an Excel round trip leaves (`6/21/2025 16:14`).
const DATE_FORMATS: &[&str] = &[
    "%d/%b/%y %I:%M %p",
    "%d/%b/%y %H:%M",
    "%m/%d/%Y %H:%M",
    "%Y-%m-%d %H:%M",
];

/// Rows of the CSV export (the framework turns each into an object keyed by header; repeated
/// headers such as `Labels` become lists).
///
/// Only incidents count: rows whose `Issue Type` is `Incident` or whose `Labels` include
/// `incident` (both case-insensitive); other rows are counted as ignored. An export with
/// neither column cannot tell them apart, and each row is a problem.
///
/// **Zone.** The dates are shown in the exporting user's profile zone and carry no zone, so
/// they need `--timezone`; without it every incident is a problem that says so.
///
/// - id: `Issue key`; title: `Summary`; severity: `Priority`; service: the first
///   `Component/s`;
/// - start: `Created`; resolution: `Resolved` (empty while unresolved).
pub(super) struct Csv {
    /// The header has an `Issue Type` or a `Labels` column (or is unknown).
    can_tell_incidents: bool,
}

impl Csv {
    pub(super) fn new(headers: &[String]) -> Self {
        let has = |name: &str| headers.iter().any(|h| h.trim().eq_ignore_ascii_case(name));
        Csv {
            can_tell_incidents: headers.is_empty() || has("Issue Type") || has("Labels"),
        }
    }

    fn incident(&self, record: Value, ctx: &Ctx<'_>) -> Result<Outcome, FieldError> {
        let r = match record {
            // Keys in lower case, so that `Issue Key` and `Issue key` both match.
            Value::Object(o) => Value::Object(
                o.into_iter()
                    .map(|(k, v)| (k.trim().to_lowercase(), v))
                    .collect::<Map<_, _>>(),
            ),
            other => return Err(not_an_object(&other)),
        };
        if !self.can_tell_incidents {
            return Err(FieldError::new(
                "Issue Type",
                "the export has neither an Issue Type nor a Labels column, so incidents cannot be told from \
                 other issues (export all fields, or add the Issue Type column)",
            ));
        }
        let is_incident = fields::text(&r, "issue type").is_some_and(|t| t.eq_ignore_ascii_case("incident"))
            || labels(&r).iter().any(|l| l.eq_ignore_ascii_case("incident"));
        if !is_incident {
            return Ok(Outcome::Ignored);
        }
        let id = fields::text(&r, "issue key")
            .ok_or_else(|| FieldError::new("Issue key", "missing (expected the issue key, like OPS-12)"))?;
        let started_at = date(&r, "created", "Created", ctx.zone())?
            .ok_or_else(|| FieldError::new("Created", "missing (expected the date the issue was created)"))?;
        let resolved = date(&r, "resolved", "Resolved", ctx.zone())?.map(|t| (t, "Resolved"));
        let resolved_at = after_start(started_at, "Created", resolved)?;
        Ok(Outcome::Incident(Incident {
            labels: Vec::new(),
            id,
            source: Format::JiraCsv.name(),
            title: fields::text(&r, "summary"),
            started_at,
            resolved_at,
            severity: fields::text(&r, "priority"),
            service: first_text(&r, "component/s"),
            deployment: None,
            location: ctx.location.clone(),
        }))
    }
}

/// The labels: one per `Labels` column (a list when the column repeats), split on spaces in
/// case a single cell holds several (Jira labels contain no spaces).
fn labels(r: &Value) -> Vec<String> {
    let cells: Vec<&str> = match fields::get(r, "labels") {
        Some(Value::Array(items)) => items.iter().filter_map(Value::as_str).collect(),
        Some(Value::String(s)) => vec![s.as_str()],
        _ => Vec::new(),
    };
    cells
        .iter()
        .flat_map(|c| c.split_whitespace())
        .map(str::to_owned)
        .collect()
}

/// A date in Jira's display format, or any shape `time::parse_text` reads.
fn parse_date(text: &str, zone: Option<&Zone>) -> Result<Instant, TimeError> {
    match time::parse_with_formats(text, DATE_FORMATS, zone) {
        Err(TimeError::Invalid) => time::parse_text(text, zone),
        other => other,
    }
}

/// An optional date column; `key` is the lower-case key, `column` the header for messages.
fn date(r: &Value, key: &str, column: &str, zone: Option<&Zone>) -> Result<Option<Instant>, FieldError> {
    let Some(text) = fields::text(r, key) else {
        return Ok(None);
    };
    parse_date(&text, zone).map(Some).map_err(|e| {
        let message = match e {
            TimeError::NeedsZone => format!(
                "'{text}' has no time zone: Jira CSV dates are in the exporting user's profile zone; \
                 give it with --timezone (e.g. --timezone Europe/Berlin)"
            ),
            TimeError::Invalid => format!(
                "'{text}' is not a date (expected Jira's display format like 12/Mar/24 9:41 AM, \
                 or 6/21/2025 16:14, or YYYY-MM-DD HH:MM)"
            ),
            other => format!("'{text}' {}", other.explain()),
        };
        FieldError::new(column, message)
    })
}

impl Reader for Csv {
    fn record(&mut self, record: Value, ctx: &mut Ctx<'_>) -> Result<(), ImportError> {
        let result = self.incident(record, ctx);
        store(result, ctx)
    }
}

#[cfg(test)]
mod tests {
    use super::super::tests::{by_id, import, strict_error, temp, utc};
    use crate::import::{Format, ImportOptions, Imported, Zone, import_file};

    /// A realistic export: BOM, CRLF, a quoted newline (and quotes) in Description, repeated
    /// Labels and Watchers columns, Jira's display dates, and an Excel-mangled date.
    const EXPORT: &str = concat!(
        "\u{feff}Summary,Issue key,Issue id,Issue Type,Status,Priority,Created,Updated,Resolved,",
        "Labels,Labels,Labels,Description,Watchers,Watchers,Component/s\r\n",
        "Checkout down,INC-1,10001,Incident,Done,Highest,12/Mar/24 9:41 AM,12/Mar/24 11:05 AM,",
        "12/Mar/24 11:05 AM,outage,prod,,\"Payments failed.\r\nRolled back \"\"v2.3\"\", see INC-0\",alice,bob,checkout\r\n",
        "Search slow,OPS-7,10007,Task,In Progress,Medium,11/May/24 03:26 PM,11/May/24 04:00 PM,,",
        "perf,Incident,,,carol,,search\r\n",
        "Rename button,OPS-8,10008,Task,Done,Low,11/May/24 03:27 PM,,11/May/24 05:00 PM,,,,plain,,,\r\n",
        "Disk full,OPS-9,10009,INCIDENT,Done,High,6/21/2025 16:14,,2025-06-21 18:00,,,,,,,\r\n",
    );

    fn berlin() -> ImportOptions {
        ImportOptions {
            zone: Some(Zone::parse("Europe/Berlin").unwrap()),
            ..Default::default()
        }
    }

    fn import_berlin(csv: &str) -> (tempfile::NamedTempFile, Imported) {
        let f = temp(".csv", csv.as_bytes());
        let out = import_file(f.path(), None, &berlin()).unwrap_or_else(|e| panic!("{e}"));
        (f, out)
    }

    #[test]
    fn export_with_timezone_gives_incidents_at_the_right_instants() {
        let (_f, out) = import_berlin(EXPORT);
        assert_eq!(out.format, Some(Format::JiraCsv));
        assert!(out.problems.is_empty(), "{:?}", out.problems);
        assert_eq!((out.records, out.ignored, out.incidents.len()), (4, 1, 3));
        let inc = by_id(&out, "INC-1");
        assert_eq!(inc.source, "jira-csv");
        assert_eq!(inc.title.as_deref(), Some("Checkout down"));
        assert_eq!(inc.started_at, utc("2024-03-12T08:41:00Z"), "CET is UTC+1");
        assert_eq!(inc.resolved_at, Some(utc("2024-03-12T10:05:00Z")));
        assert_eq!(inc.severity.as_deref(), Some("Highest"));
        assert_eq!(inc.service.as_deref(), Some("checkout"));
        assert_eq!(inc.location.record, 1);
        let labelled = by_id(&out, "OPS-7");
        assert_eq!(
            labelled.started_at,
            utc("2024-05-11T13:26:00Z"),
            "CEST (summer time) is UTC+2"
        );
        assert_eq!(labelled.resolved_at, None, "empty Resolved is open");
        assert_eq!(
            labelled.location.record, 2,
            "the quoted newline does not split a record"
        );
        let upper = by_id(&out, "OPS-9");
        assert_eq!(
            upper.started_at,
            utc("2025-06-21T14:14:00Z"),
            "Excel's M/D/YYYY H:MM"
        );
        assert_eq!(upper.resolved_at, Some(utc("2025-06-21T16:00:00Z")));
        assert_eq!(upper.service, None);
        assert!(
            !out.incidents.iter().any(|i| i.id == "OPS-8"),
            "a task without the label is not an incident"
        );
    }

    #[test]
    fn export_without_timezone_is_a_problem_per_incident_only() {
        let f = temp(".csv", EXPORT.as_bytes());
        let out = import(f.path());
        assert_eq!(out.format, Some(Format::JiraCsv));
        assert_eq!(
            (out.records, out.ignored, out.incidents.len(), out.problems.len()),
            (4, 1, 0, 3)
        );
        for p in &out.problems {
            assert_eq!(p.field, "Created");
            assert!(
                p.message.contains("has no time zone") && p.message.contains("--timezone"),
                "{}",
                p.message
            );
        }
        // Record numbers, not lines: with CRLF the framework's CSV lines are one too early (the
        // csv crate counts a record's `\n` only when it reads the next record).
        let records: Vec<u64> = out.problems.iter().map(|p| p.location.record).collect();
        assert_eq!(records, [1, 2, 4]);
    }

    #[test]
    fn strict_without_timezone_names_file_line_and_column() {
        let f = temp(".csv", EXPORT.as_bytes());
        let e = strict_error(f.path());
        let file = f.path().display().to_string();
        // The line itself is the framework's (see above); the file, column and value are ours.
        assert!(e.starts_with(&format!("{file}:")), "{e}");
        assert!(
            e.contains(": Created: '12/Mar/24 9:41 AM' has no time zone"),
            "{e}"
        );
        assert!(e.contains("--timezone"), "{e}");
    }

    #[test]
    fn single_labels_column_bad_dates_missing_key_and_negative_duration() {
        let csv = concat!(
            "Issue key,Summary,Created,Resolved,Labels\n",
            "A-1,one,01/Feb/24 12:05 AM,01/Feb/24 12:35 PM,incident sev1\n",
            "A-2,two,yesterday,,INCIDENT\n",
            ",three,01/Feb/24 10:00,,incident\n",
            "A-4,four,01/Feb/24 10:00,01/Feb/24 09:00,incident\n",
            "A-5,five,2024-02-01T10:00:00+00:00,,\n",
        );
        let (_f, out) = import_berlin(csv);
        assert_eq!(out.format, Some(Format::JiraCsv));
        assert_eq!((out.records, out.ignored, out.incidents.len()), (5, 1, 1));
        let a = by_id(&out, "A-1");
        assert_eq!(
            a.started_at,
            utc("2024-01-31T23:05:00Z"),
            "12:05 AM is just after midnight"
        );
        assert_eq!(a.resolved_at, Some(utc("2024-02-01T11:35:00Z")));
        let problems: Vec<(Option<u64>, &str)> = out
            .problems
            .iter()
            .map(|p| (p.location.line, p.field.as_str()))
            .collect();
        assert_eq!(
            problems,
            [
                (Some(3), "Created"),
                (Some(4), "Issue key"),
                (Some(5), "Resolved")
            ]
        );
        assert!(
            out.problems[0].message.contains("'yesterday' is not a date"),
            "{}",
            out.problems[0].message
        );
        assert!(
            out.problems[2].message.contains("negative duration"),
            "{}",
            out.problems[2].message
        );
    }

    #[test]
    fn export_that_cannot_tell_incidents_apart_is_a_problem() {
        let csv = "Issue key,Summary,Created,Resolved\r\nA-1,one,01/Feb/24 10:00 AM,\r\n";
        let (_f, out) = import_berlin(csv);
        assert_eq!(out.format, Some(Format::JiraCsv));
        assert_eq!((out.incidents.len(), out.ignored, out.problems.len()), (0, 0, 1));
        assert_eq!(out.problems[0].field, "Issue Type");
    }
}
