//! ServiceNow: Table API `GET /api/now/table/incident` (docs/importers.md), wrapped in
//! `{"result": [...]}`.

use chrono::{Offset, Utc};
use serde_json::Value;

use super::{Outcome, after_start, not_an_object, store};
use crate::import::fields::{self, FieldError};
use crate::import::{Ctx, Format, ImportError, Reader};
use crate::model::Incident;
use crate::time::parse::Zone;

/// Incidents of the `incident` table.
///
/// Every value is a string and `""` means null; reference fields are `{link, value}` objects
/// (or plain strings with `sysparm_exclude_reference_link=true`).
///
/// **Zone.** Timestamps are `YYYY-MM-DD HH:MM:SS` with no zone. Exported with
/// `sysparm_display_value=false`, the Table API's default, they are the values as stored,
/// which ServiceNow keeps in UTC; so they are read as UTC. Only an export made with
/// `sysparm_display_value=true` (or a list-view export) shows them in the exporting user's
/// zone, and then the user says so with `--timezone`, which replaces UTC here.
///
/// - id: `number` (`INC0000060`), else `sys_id`; title: `short_description`;
/// - start: `opened_at`; resolution: `resolved_at`, else `closed_at`. The stored durations
///   (`calendar_stc`, `business_stc`, `*_duration`) are never used;
/// - severity: `severity`, else `priority` (the codes as stored: `1` is the highest);
/// - service: `business_service`, else `cmdb_ci` (sys_ids);
/// - deployment: the change that `rfc` or `caused_by` links, when present.
pub(super) struct Incidents;

/// A reference field's sys_id: `{"link", "value"}` or plain text.
fn reference(r: &Value, key: &str) -> Option<String> {
    fields::text(r, &format!("{key}.value")).or_else(|| fields::text(r, key))
}

impl Incidents {
    fn incident(r: &Value, ctx: &Ctx<'_>) -> Result<Outcome, FieldError> {
        if !r.is_object() {
            return Err(not_an_object(r));
        }
        let utc = Zone::Fixed(Utc.fix());
        let zone = Some(ctx.zone().unwrap_or(&utc));
        let id = fields::text(r, "number")
            .or_else(|| fields::text(r, "sys_id"))
            .ok_or_else(|| FieldError::new("number", "missing (expected the incident number or sys_id)"))?;
        let started_at = fields::req_time(r, "opened_at", zone)?;
        let end = match fields::time(r, "resolved_at", zone)? {
            Some(t) => Some((t, "resolved_at")),
            None => fields::time(r, "closed_at", zone)?.map(|t| (t, "closed_at")),
        };
        let resolved_at = after_start(started_at, "opened_at", end)?;
        Ok(Outcome::Incident(Incident {
            labels: Vec::new(),
            id,
            source: Format::ServicenowIncidents.name(),
            title: fields::text(r, "short_description"),
            started_at,
            resolved_at,
            severity: fields::text(r, "severity").or_else(|| fields::text(r, "priority")),
            service: reference(r, "business_service").or_else(|| reference(r, "cmdb_ci")),
            deployment: reference(r, "rfc").or_else(|| reference(r, "caused_by")),
            location: ctx.location.clone(),
        }))
    }
}

impl Reader for Incidents {
    fn record(&mut self, record: Value, ctx: &mut Ctx<'_>) -> Result<(), ImportError> {
        let result = Self::incident(&record, ctx);
        store(result, ctx)
    }
}

#[cfg(test)]
mod tests {
    use super::super::tests::{by_id, example, import, strict_error, temp, utc};
    use crate::import::{Format, ImportOptions, Zone, import_file};

    #[test]
    fn example_reads_stored_times_as_utc_and_ignores_stored_durations() {
        let out = import(&example("servicenow-incident.json"));
        assert_eq!(out.format, Some(Format::ServicenowIncidents));
        assert_eq!(
            (out.records, out.ignored, out.problems.len(), out.incidents.len()),
            (1, 0, 0, 1)
        );
        let i = &out.incidents[0];
        assert_eq!(i.id, "INC0010427");
        assert_eq!(i.source, "servicenow-incidents");
        assert_eq!(
            i.title.as_deref(),
            Some("VPN client drops connection every few minutes")
        );
        assert_eq!(i.started_at, utc("2025-12-02T08:41:26Z"));
        assert_eq!(
            i.resolved_at,
            Some(utc("2025-12-03T13:15:09Z")),
            "resolved_at, not closed_at"
        );
        // From the timestamps: 102,823 s, not calendar_stc's 95,623 s.
        assert_eq!(
            i.resolved_at.map(|r| (r - i.started_at).num_seconds()),
            Some(102_823)
        );
        assert_eq!(i.severity.as_deref(), Some("2"), "severity, not priority");
        assert_eq!(
            i.service.as_deref(),
            Some("5b9e3d71c04a4f2e8a6d17c3e90b42f8"),
            "business_service first"
        );
        assert_eq!(i.deployment, None, "rfc and caused_by are empty strings");
    }

    #[test]
    fn example_with_timezone_reads_display_values_in_that_zone() {
        let options = ImportOptions {
            zone: Some(Zone::parse("Europe/Berlin").unwrap()),
            ..Default::default()
        };
        let out = import_file(&example("servicenow-incident.json"), None, &options).unwrap();
        // December: Berlin is UTC+1.
        assert_eq!(out.incidents[0].started_at, utc("2025-12-02T07:41:26Z"));
        assert_eq!(out.incidents[0].resolved_at, Some(utc("2025-12-03T12:15:09Z")));
    }

    const EDGES: &str = r#"{"result": [
      {"number": "INC1", "sys_id": "a", "opened_at": "2024-07-01 10:00:00", "resolved_at": "",
       "closed_at": "2024-07-01 12:30:00", "severity": "", "priority": "1",
       "business_service": "", "cmdb_ci": {"link": "l", "value": "ci1"},
       "rfc": {"link": "l", "value": "chg1"}, "caused_by": {"link": "l", "value": "chg2"}},
      {"number": "INC2", "sys_id": "b", "opened_at": "2024-07-02 10:00:00", "resolved_at": "",
       "closed_at": "", "state": "2", "caused_by": "chg3", "business_service": "svc"},
      {"number": "INC3", "sys_id": "c", "opened_at": "", "resolved_at": "2024-07-02 10:00:00"},
      {"number": "INC4", "sys_id": "d", "opened_at": "2024-07-02 10:00:00", "resolved_at": "2024-07-02 09:00:00"},
      {"number": "INC5", "sys_id": "e", "opened_at": "07/02/2024 10:00:00 AM"}
    ]}"#;

    #[test]
    fn edge_cases_closed_at_fallback_open_links_and_problems() {
        let f = temp(".json", EDGES.as_bytes());
        let out = import(f.path());
        assert_eq!(out.format, Some(Format::ServicenowIncidents));
        let one = by_id(&out, "INC1");
        assert_eq!(
            one.resolved_at,
            Some(utc("2024-07-01T12:30:00Z")),
            "closed_at when resolved_at is empty"
        );
        assert_eq!(
            one.severity.as_deref(),
            Some("1"),
            "priority when severity is empty"
        );
        assert_eq!(
            one.service.as_deref(),
            Some("ci1"),
            "cmdb_ci when business_service is empty"
        );
        assert_eq!(one.deployment.as_deref(), Some("chg1"), "rfc before caused_by");
        let two = by_id(&out, "INC2");
        assert_eq!(two.resolved_at, None, "open");
        assert_eq!(two.deployment.as_deref(), Some("chg3"), "caused_by as plain text");
        assert_eq!(two.service.as_deref(), Some("svc"));
        assert_eq!(out.incidents.len(), 2);
        let problems: Vec<(u64, &str)> = out
            .problems
            .iter()
            .map(|p| (p.location.record, p.field.as_str()))
            .collect();
        assert_eq!(problems, [(3, "opened_at"), (4, "resolved_at"), (5, "opened_at")]);
        assert!(
            out.problems[1].message.contains("negative duration"),
            "{}",
            out.problems[1].message
        );
        assert!(
            out.problems[2].message.contains("is not a date"),
            "{}",
            out.problems[2].message
        );
    }

    #[test]
    fn strict_names_file_record_and_field() {
        let f = temp(".json", EDGES.as_bytes());
        let e = strict_error(f.path());
        let file = f.path().display().to_string();
        assert!(
            e.starts_with(&format!("{file}: record 3: opened_at: missing")),
            "{e}"
        );
    }
}
