//! Incident-management tools: PagerDuty (REST incidents and Analytics raw incidents), Opsgenie
//! (incidents and alerts), ServiceNow (incident table) and the Jira issue navigator CSV export
//! (docs/importers.md).
//!
//! Every record becomes one [`Incident`] with `source` set to the format's name. What each tool
//! calls the start and the resolution of an incident, and which zone its timestamps are in, is
//! documented on each reader. Durations the tools store themselves (PagerDuty's
//! `seconds_to_resolve`, ServiceNow's `calendar_stc`) are never used: they are recomputed from
//! the timestamps, and a resolution before the start is a problem with the record (negative
//! duration) in every format.

mod jira;
mod opsgenie;
mod pagerduty;
mod servicenow;

use serde_json::Value;

use super::fields::{self, FieldError};
use super::{Ctx, Format, ImportError, Reader};
use crate::model::{Incident, Instant};
use crate::time::parse::{self as time, TimeError, Zone};

/// Detects this module's JSON formats from the envelope (`doc`, or `Null`) and the first record.
pub fn sniff(doc: &Value, first: Option<&Value>) -> Option<Format> {
    let has = |keys: &[&str]| fields::has_keys(first, keys);
    let has_any = |keys: &[&str]| keys.iter().any(|k| has(&[k]));
    let envelope_has_any = |keys: &[&str]| keys.iter().any(|k| fields::has_keys(Some(doc), &[k]));
    if has(&["incident_number"]) {
        // Analytics rows carry flat `service_name` and the stored durations; their envelope
        // names the zone and the order. REST incidents carry a `service` reference object.
        if has_any(&["seconds_to_resolve", "service_name"]) || envelope_has_any(&["time_zone", "order_by"]) {
            return Some(Format::PagerdutyAnalytics);
        }
        let service_object = first.and_then(|f| f.get("service")).is_some_and(Value::is_object);
        if service_object || has_any(&["html_url", "incident_key"]) {
            return Some(Format::PagerdutyIncidents);
        }
    }
    if has(&["tinyId"]) {
        if has_any(&["impactStartDate", "impactedServices"]) {
            return Some(Format::OpsgenieIncidents);
        }
        if has(&["alias"]) {
            return Some(Format::OpsgenieAlerts);
        }
    }
    // Other task tables (change_request, problem) share these keys; their class says so.
    let other_class = first
        .and_then(|f| fields::text(f, "sys_class_name"))
        .is_some_and(|c| !c.eq_ignore_ascii_case("incident"));
    if has(&["sys_id", "opened_at", "number"]) && !other_class {
        return Some(Format::ServicenowIncidents);
    }
    None
}

/// The reader for one of this module's formats; `envelope` is the wrapper object around the
/// records (PagerDuty Analytics keeps its `time_zone` there).
pub fn reader(format: Format, envelope: Option<&Value>) -> Box<dyn Reader> {
    match format {
        Format::PagerdutyIncidents => Box::new(pagerduty::Rest),
        Format::PagerdutyAnalytics => Box::new(pagerduty::Analytics::new(envelope)),
        Format::OpsgenieIncidents => Box::new(opsgenie::Incidents),
        Format::OpsgenieAlerts => Box::new(opsgenie::Alerts),
        Format::ServicenowIncidents => Box::new(servicenow::Incidents),
        // The framework reads Jira files as CSV; without a header every column is assumed present.
        Format::JiraCsv => Box::new(jira::Csv::new(&[])),
        other => Box::new(NotMine(other)),
    }
}

/// Detects the Jira CSV export from its header: `Issue key` and `Created`.
pub fn sniff_csv(headers: &[String]) -> Option<Format> {
    let has = |name: &str| headers.iter().any(|h| h.trim().eq_ignore_ascii_case(name));
    (has("Issue key") && has("Created")).then_some(Format::JiraCsv)
}

/// The reader for a CSV format of this module (the Jira export).
pub fn csv_reader(format: Format, headers: &[String]) -> Box<dyn Reader> {
    match format {
        Format::JiraCsv => Box::new(jira::Csv::new(headers)),
        other => Box::new(NotMine(other)),
    }
}

/// A format this module does not read (a dispatch mistake): every record is a fatal error.
struct NotMine(Format);

impl Reader for NotMine {
    fn record(&mut self, _record: Value, ctx: &mut Ctx<'_>) -> Result<(), ImportError> {
        Err(ctx.fatal(
            "",
            format!("{} is not read by the incident-tool importers", self.0.name()),
        ))
    }
}

/// What one record turned into.
// Lives for one record and moves straight into the list: boxing would cost an allocation
// per incident for nothing.
#[allow(clippy::large_enum_variant)]
enum Outcome {
    /// An incident to keep.
    Incident(Incident),
    /// Not an incident (a Jira task): counted in `ignored`.
    Ignored,
}

/// Stores what a record turned into: the incident, an ignored record, or a problem (which
/// skips the record, or stops the run with `--strict`).
fn store(result: Result<Outcome, FieldError>, ctx: &mut Ctx<'_>) -> Result<(), ImportError> {
    match result {
        Ok(Outcome::Incident(i)) => ctx.out.incidents.push(i),
        Ok(Outcome::Ignored) => ctx.out.ignored += 1,
        Err(e) => ctx.skip(e)?,
    }
    Ok(())
}

/// The problem of a record that is not a JSON object.
fn not_an_object(record: &Value) -> FieldError {
    FieldError::new("", format!("expected an object, found {}", fields::kind(record)))
}

/// The resolution time, checked against the start: before it is a negative duration.
fn after_start(
    started: Instant,
    start_field: &str,
    resolved: Option<(Instant, &str)>,
) -> Result<Option<Instant>, FieldError> {
    match resolved {
        Some((t, field)) if t < started => Err(FieldError::new(
            field,
            format!(
                "is before {start_field} (negative duration: {} s)",
                (t - started).num_seconds()
            ),
        )),
        Some((t, _)) => Ok(Some(t)),
        None => Ok(None),
    }
}

/// An optional timestamp like [`fields::time`], with `hint` added when a naive value has no
/// zone (to say where the zone should have come from).
fn time_or_hint(
    r: &Value,
    path: &str,
    zone: Option<&Zone>,
    hint: &str,
) -> Result<Option<Instant>, FieldError> {
    match fields::get(r, path) {
        None => Ok(None),
        Some(v) => time::parse_json(v, zone).map(Some).map_err(|e| {
            let mut message = format!("{} {}", fields::shown(v), e.explain());
            if e == TimeError::NeedsZone {
                message.push_str(hint);
            }
            FieldError::new(path, message)
        }),
    }
}

/// The first text of a field that is a list (`impactedServices`, repeated CSV columns) or a
/// single value.
fn first_text(r: &Value, path: &str) -> Option<String> {
    match fields::get(r, path)? {
        Value::Array(items) => items.iter().find_map(|v| match v {
            Value::String(s) if !s.trim().is_empty() => Some(s.trim().to_owned()),
            Value::Number(n) => Some(n.to_string()),
            _ => None,
        }),
        _ => fields::text(r, path),
    }
}

#[cfg(test)]
mod tests {
    use std::io::Write;
    use std::path::Path;

    use super::*;
    pub(super) use crate::import::testutil::{example_path as example, utc};
    use crate::import::{ImportOptions, Imported, import_file};

    /// A temporary file with these bytes (kept until the handle drops).
    pub(super) fn temp(suffix: &str, bytes: &[u8]) -> tempfile::NamedTempFile {
        let mut f = tempfile::Builder::new()
            .suffix(suffix)
            .tempfile()
            .expect("temp file");
        f.write_all(bytes).expect("write temp file");
        f.flush().expect("flush temp file");
        f
    }

    /// Imports a file, lenient, with no --timezone.
    pub(super) fn import(path: &Path) -> Imported {
        import_file(path, None, &ImportOptions::default())
            .unwrap_or_else(|e| panic!("{}: {e}", path.display()))
    }

    /// Imports a file with --strict and returns the error it must give.
    pub(super) fn strict_error(path: &Path) -> String {
        let options = ImportOptions {
            strict: true,
            ..Default::default()
        };
        match import_file(path, None, &options) {
            Ok(out) => panic!("expected an error with --strict, got {out:?}"),
            Err(e) => e.to_string(),
        }
    }

    /// The incident with this id.
    pub(super) fn by_id<'a>(out: &'a Imported, id: &str) -> &'a Incident {
        out.incidents
            .iter()
            .find(|i| i.id == id)
            .unwrap_or_else(|| panic!("no incident {id} in {out:?}"))
    }

    #[test]
    fn sniff_tells_the_formats_apart_by_their_keys() {
        let v = |s: &str| -> Value { serde_json::from_str(s).expect("json") };
        let null = Value::Null;
        let rest = v(r#"{"id":"P1","incident_number":1,"service":{"summary":"x"}}"#);
        assert_eq!(sniff(&null, Some(&rest)), Some(Format::PagerdutyIncidents));
        let rest_old = v(r#"{"id":"P1","incident_number":1,"incident_key":"k"}"#);
        assert_eq!(sniff(&null, Some(&rest_old)), Some(Format::PagerdutyIncidents));
        let row = v(r#"{"id":"P1","incident_number":1,"created_at":"2023-05-31T10:05:00"}"#);
        assert_eq!(
            sniff(&v(r#"{"time_zone":"Etc/UTC"}"#), Some(&row)),
            Some(Format::PagerdutyAnalytics)
        );
        assert_eq!(
            sniff(&null, Some(&row)),
            None,
            "an incident_number alone is not enough"
        );
        let og = v(r#"{"tinyId":"3","impactedServices":[]}"#);
        assert_eq!(sniff(&null, Some(&og)), Some(Format::OpsgenieIncidents));
        let alert = v(r#"{"tinyId":"3","alias":"a"}"#);
        assert_eq!(sniff(&null, Some(&alert)), Some(Format::OpsgenieAlerts));
        assert_eq!(sniff(&null, Some(&v(r#"{"tinyId":"3"}"#))), None);
        let sn = v(r#"{"sys_id":"s","opened_at":"","number":"INC1"}"#);
        assert_eq!(sniff(&null, Some(&sn)), Some(Format::ServicenowIncidents));
        assert_eq!(sniff(&null, Some(&v(r#"{"sys_id":"s","number":"CHG1"}"#))), None);
        let change = v(r#"{"sys_id":"s","opened_at":"","number":"CHG1","sys_class_name":"change_request"}"#);
        assert_eq!(
            sniff(&null, Some(&change)),
            None,
            "a change_request export is not incidents"
        );
        assert_eq!(sniff(&null, None), None);
    }

    #[test]
    fn sniff_csv_needs_issue_key_and_created() {
        let h = |s: &str| s.split(',').map(str::to_owned).collect::<Vec<_>>();
        assert_eq!(
            sniff_csv(&h("Summary,Issue key,Issue id,Created,Labels,Labels")),
            Some(Format::JiraCsv)
        );
        assert_eq!(sniff_csv(&h("Summary,Issue key,Updated")), None);
        assert_eq!(sniff_csv(&h("id,started_at,resolved_at")), None);
    }

    #[test]
    fn a_resolution_before_the_start_is_a_negative_duration() {
        let start = utc("2024-01-01T10:00:00Z");
        let e = after_start(
            start,
            "created_at",
            Some((utc("2024-01-01T09:59:00Z"), "resolved_at")),
        )
        .unwrap_err();
        assert_eq!(e.field, "resolved_at");
        assert!(
            e.message
                .contains("is before created_at (negative duration: -60 s)"),
            "{}",
            e.message
        );
        assert_eq!(after_start(start, "c", Some((start, "r"))), Ok(Some(start)));
        assert_eq!(after_start(start, "c", None), Ok(None));
    }
}
