//! PagerDuty: REST `GET /incidents` and Analytics `POST /analytics/raw/incidents`
//! (docs/importers.md).

use serde_json::Value;

use super::{Outcome, after_start, not_an_object, store, time_or_hint};
use crate::import::fields::{self, FieldError};
use crate::import::{Ctx, Format, ImportError, Reader};
use crate::model::Incident;
use crate::time::parse::Zone;

/// The id: `id`, else `incident_number`.
fn id(r: &Value) -> Result<String, FieldError> {
    fields::text(r, "id")
        .or_else(|| fields::text(r, "incident_number"))
        .ok_or_else(|| FieldError::new("id", "missing (expected the incident's id or incident_number)"))
}

fn is_resolved(r: &Value) -> bool {
    fields::text(r, "status").is_some_and(|s| s.eq_ignore_ascii_case("resolved"))
}

/// REST incidents (`{"incidents": [...], "limit", "offset", "more"}`).
///
/// - start: `created_at` ("the time the incident was first triggered");
/// - resolution: `resolved_at`; exports older than its addition (2023-05-08) only have
///   `last_status_change_at`, which is the resolution time when `status` is `resolved`; any
///   other status without `resolved_at` is an open incident;
/// - severity: `priority.summary` (`P2`), else `urgency` (`high`, `low`);
/// - service: `service.summary`.
///
/// The timestamps carry their zone (`Z`, or an offset when the export asked for a
/// `time_zone`).
pub(super) struct Rest;

impl Rest {
    fn incident(r: &Value, ctx: &Ctx<'_>) -> Result<Outcome, FieldError> {
        if !r.is_object() {
            return Err(not_an_object(r));
        }
        let id = id(r)?;
        let started_at = fields::req_time(r, "created_at", ctx.zone())?;
        let resolved = match fields::time(r, "resolved_at", ctx.zone())? {
            Some(t) => Some((t, "resolved_at")),
            None if is_resolved(r) => match fields::time(r, "last_status_change_at", ctx.zone())? {
                Some(t) => Some((t, "last_status_change_at")),
                None => {
                    return Err(FieldError::new(
                        "resolved_at",
                        "missing although status is resolved (expected resolved_at or last_status_change_at)",
                    ));
                }
            },
            None => None,
        };
        let resolved_at = after_start(started_at, "created_at", resolved)?;
        Ok(Outcome::Incident(Incident {
            labels: Vec::new(),
            id,
            source: Format::PagerdutyIncidents.name(),
            title: fields::text(r, "title").or_else(|| fields::text(r, "summary")),
            started_at,
            resolved_at,
            severity: fields::text(r, "priority.summary").or_else(|| fields::text(r, "urgency")),
            service: fields::text(r, "service.summary"),
            deployment: None,
            location: ctx.location.clone(),
        }))
    }
}

impl Reader for Rest {
    fn record(&mut self, record: Value, ctx: &mut Ctx<'_>) -> Result<(), ImportError> {
        let result = Self::incident(&record, ctx);
        store(result, ctx)
    }
}

/// Where the zone of the Analytics timestamps comes from.
enum ZoneSource {
    /// The envelope's `time_zone` (`Etc/UTC`): the zone PagerDuty rendered them in.
    Envelope(Zone),
    /// The envelope's `time_zone` is not a zone: every record is a problem.
    Invalid(String),
    /// No envelope zone: the user's `--timezone`, if any.
    User,
}

/// Analytics raw incidents (`{"data": [...], "time_zone": "Etc/UTC", "order_by", ...}`).
///
/// The timestamps are naive (`2023-05-31T10:05:00`): they are wall-clock times in the
/// envelope's `time_zone`, an IANA name. That zone wins over `--timezone`, which is only used
/// when the file has no envelope (rows saved as a bare array or JSON Lines); with neither, the
/// record is a problem. `seconds_to_resolve` is never used (the official example contradicts
/// its own timestamps): the resolution is `resolved_at`, and a `resolved_at` before
/// `created_at` is a problem with the record (the official example has one).
///
/// - severity: `priority_name`, else `urgency`;
/// - service: `service_name`; title: `description`.
pub(super) struct Analytics {
    zone: ZoneSource,
}

impl Analytics {
    pub(super) fn new(envelope: Option<&Value>) -> Self {
        let zone = match envelope.and_then(|e| fields::text(e, "time_zone")) {
            None => ZoneSource::User,
            Some(name) => match Zone::parse(&name) {
                Ok(z) => ZoneSource::Envelope(z),
                Err(e) => ZoneSource::Invalid(format!("the export's {e}")),
            },
        };
        Analytics { zone }
    }

    fn incident(&self, r: &Value, ctx: &Ctx<'_>) -> Result<Outcome, FieldError> {
        if !r.is_object() {
            return Err(not_an_object(r));
        }
        let zone = match &self.zone {
            ZoneSource::Envelope(z) => Some(z),
            ZoneSource::Invalid(message) => return Err(FieldError::new("time_zone", message.clone())),
            ZoneSource::User => ctx.zone(),
        };
        let hint = " (PagerDuty Analytics names the zone in the envelope's time_zone, which this file does not have)";
        let id = id(r)?;
        let started_at = time_or_hint(r, "created_at", zone, hint)?
            .ok_or_else(|| FieldError::new("created_at", "missing (expected a date and time)"))?;
        let resolved = match time_or_hint(r, "resolved_at", zone, hint)? {
            Some(t) => Some((t, "resolved_at")),
            None if is_resolved(r) => {
                return Err(FieldError::new(
                    "resolved_at",
                    "missing although status is resolved",
                ));
            }
            None => None,
        };
        let resolved_at = after_start(started_at, "created_at", resolved)?;
        Ok(Outcome::Incident(Incident {
            labels: Vec::new(),
            id,
            source: Format::PagerdutyAnalytics.name(),
            title: fields::text(r, "description"),
            started_at,
            resolved_at,
            severity: fields::text(r, "priority_name").or_else(|| fields::text(r, "urgency")),
            service: fields::text(r, "service_name"),
            deployment: None,
            location: ctx.location.clone(),
        }))
    }
}

impl Reader for Analytics {
    fn record(&mut self, record: Value, ctx: &mut Ctx<'_>) -> Result<(), ImportError> {
        let result = self.incident(&record, ctx);
        store(result, ctx)
    }
}

#[cfg(test)]
mod tests {
    use super::super::tests::{by_id, example, import, strict_error, temp, utc};
    use crate::import::{Format, ImportOptions, Zone, import_file};

    #[test]
    fn rest_example_gives_the_resolved_incident_with_priority_and_service() {
        let out = import(&example("pagerduty-incidents.json"));
        assert_eq!(out.format, Some(Format::PagerdutyIncidents));
        assert_eq!(
            (out.records, out.ignored, out.problems.len(), out.incidents.len()),
            (1, 0, 0, 1)
        );
        let i = &out.incidents[0];
        assert_eq!(i.id, "PX8N2TQ");
        assert_eq!(i.source, "pagerduty-incidents");
        assert_eq!(
            i.title.as_deref(),
            Some("Checkout API returning 502s from the eu-west load balancer")
        );
        assert_eq!(i.started_at, utc("2025-11-18T03:12:09Z"));
        assert_eq!(i.resolved_at, Some(utc("2025-11-18T03:47:31Z")));
        // 35 min 22 s.
        assert_eq!(
            i.resolved_at.map(|r| (r - i.started_at).num_seconds()),
            Some(2122)
        );
        assert_eq!(i.severity.as_deref(), Some("P2"));
        assert_eq!(i.service.as_deref(), Some("Checkout API"));
        assert_eq!(i.deployment, None);
        assert_eq!(i.location.record, 1);
    }

    const REST_EDGES: &str = r#"{"incidents": [
      {"id": "POLD", "incident_number": 1, "title": "old export", "status": "resolved",
       "created_at": "2015-10-06T21:30:42Z", "last_status_change_at": "2015-10-06T22:00:00Z",
       "service": {"summary": "Mail"}, "priority": null, "urgency": "low"},
      {"id": "POPEN", "incident_number": 2, "status": "acknowledged", "resolved_at": null,
       "created_at": "2015-10-07T08:00:00+02:00", "last_status_change_at": "2015-10-07T06:10:00Z",
       "html_url": "https://x.pagerduty.com/incidents/POPEN"},
      {"incident_number": 3, "status": "triggered", "created_at": "2015-10-08T00:00:00Z",
       "incident_key": "k"},
      {"id": "PNOSTART", "incident_number": 4, "status": "triggered", "incident_key": "k"},
      {"id": "PNOEND", "incident_number": 5, "status": "resolved", "created_at": "2015-10-08T00:00:00Z"}
    ], "limit": 5, "offset": 0, "more": false}"#;

    #[test]
    fn rest_falls_back_to_last_status_change_only_when_resolved() {
        let f = temp(".json", REST_EDGES.as_bytes());
        let out = import(f.path());
        assert_eq!(out.format, Some(Format::PagerdutyIncidents));
        assert_eq!(out.records, 5);
        let old = by_id(&out, "POLD");
        assert_eq!(old.resolved_at, Some(utc("2015-10-06T22:00:00Z")));
        assert_eq!(
            old.severity.as_deref(),
            Some("low"),
            "urgency when priority is null"
        );
        assert_eq!(old.service.as_deref(), Some("Mail"));
        let open = by_id(&out, "POPEN");
        assert_eq!(open.started_at, utc("2015-10-07T06:00:00Z"));
        assert_eq!(
            open.resolved_at, None,
            "acknowledged is open whatever last_status_change_at says"
        );
        let numbered = by_id(&out, "3");
        assert_eq!(numbered.resolved_at, None);
        assert_eq!(out.incidents.len(), 3);
        let problems: Vec<(u64, &str)> = out
            .problems
            .iter()
            .map(|p| (p.location.record, p.field.as_str()))
            .collect();
        assert_eq!(problems, [(4, "created_at"), (5, "resolved_at")]);
        assert!(
            out.problems[0].message.contains("missing"),
            "{}",
            out.problems[0].message
        );
        assert!(
            out.problems[1].message.contains("status is resolved"),
            "{}",
            out.problems[1].message
        );
    }

    #[test]
    fn rest_strict_names_file_record_and_field() {
        let f = temp(".json", REST_EDGES.as_bytes());
        let e = strict_error(f.path());
        let file = f.path().display().to_string();
        assert!(
            e.starts_with(&format!("{file}: record 4: created_at: missing")),
            "{e}"
        );
    }

    #[test]
    fn analytics_example_recomputes_durations_and_rejects_the_negative_one() {
        let out = import(&example("pagerduty-analytics-raw-incidents.json"));
        assert_eq!(out.format, Some(Format::PagerdutyAnalytics));
        assert_eq!(
            (out.records, out.ignored, out.incidents.len(), out.problems.len()),
            (2, 0, 1, 1)
        );
        let i = &out.incidents[0];
        assert_eq!(i.id, "PQ4ZL7M");
        assert_eq!(i.source, "pagerduty-analytics");
        assert_eq!(i.title.as_deref(), Some("Order export job stuck in a retry loop"));
        assert_eq!(i.started_at, utc("2025-10-07T14:22:00Z"));
        assert_eq!(i.resolved_at, Some(utc("2025-10-07T14:49:00Z")));
        // 1620 s from the timestamps, not the 4410 s of seconds_to_resolve.
        assert_eq!(
            i.resolved_at.map(|r| (r - i.started_at).num_seconds()),
            Some(1620)
        );
        assert_eq!(
            i.severity.as_deref(),
            Some("low"),
            "priority_name is null: urgency"
        );
        assert_eq!(i.service.as_deref(), Some("Order Pipeline"));
        let p = &out.problems[0];
        assert_eq!((p.location.record, p.field.as_str()), (2, "resolved_at"));
        assert!(p.message.contains("negative duration"), "{}", p.message);
    }

    #[test]
    fn analytics_strict_stops_at_the_negative_duration() {
        let e = strict_error(&example("pagerduty-analytics-raw-incidents.json"));
        assert!(
            e.contains("pagerduty-analytics-raw-incidents.json: record 2: resolved_at: is before created_at"),
            "{e}"
        );
    }

    #[test]
    fn analytics_reads_naive_times_in_the_envelope_zone_over_the_users() {
        let json = r#"{"data": [
          {"id": "PA", "incident_number": 1, "created_at": "2023-05-31T10:05:00",
           "resolved_at": "2023-05-31T11:00:00", "status": "resolved", "seconds_to_resolve": 1,
           "priority_name": "SEV-1", "service_name": "Web"},
          {"id": "PB", "incident_number": 2, "created_at": "2023-12-01T09:00:00", "resolved_at": null,
           "status": "triggered", "service_name": "Web"}
        ], "more": false, "order_by": "created_at", "time_zone": "America/New_York"}"#;
        let f = temp(".json", json.as_bytes());
        let options = ImportOptions {
            zone: Some(Zone::parse("Europe/Berlin").unwrap()),
            ..Default::default()
        };
        let out = import_file(f.path(), None, &options).unwrap();
        assert_eq!(out.format, Some(Format::PagerdutyAnalytics));
        assert!(out.problems.is_empty(), "{:?}", out.problems);
        let a = by_id(&out, "PA");
        assert_eq!(a.started_at, utc("2023-05-31T14:05:00Z"), "EDT is UTC-4");
        assert_eq!(a.resolved_at, Some(utc("2023-05-31T15:00:00Z")));
        assert_eq!(a.severity.as_deref(), Some("SEV-1"));
        let b = by_id(&out, "PB");
        assert_eq!(b.started_at, utc("2023-12-01T14:00:00Z"), "EST is UTC-5");
        assert_eq!(b.resolved_at, None);
    }

    #[test]
    fn analytics_without_envelope_zone_needs_timezone() {
        let rows = concat!(
            r#"{"id": "PA", "incident_number": 1, "created_at": "2023-05-31T10:05:00", "resolved_at": "2023-05-31T10:15:00", "service_name": "Web"}"#,
            "\n",
            r#"{"id": "PB", "incident_number": 2, "created_at": "2023-05-31T12:00:00+00:00", "service_name": "Web"}"#,
            "\n"
        );
        let f = temp(".jsonl", rows.as_bytes());
        let out = import(f.path());
        assert_eq!(out.format, Some(Format::PagerdutyAnalytics));
        assert_eq!(out.incidents.len(), 1, "a zoned row needs no zone");
        assert_eq!(by_id(&out, "PB").started_at, utc("2023-05-31T12:00:00Z"));
        assert_eq!(out.problems.len(), 1);
        let p = &out.problems[0];
        assert_eq!(p.field, "created_at");
        assert!(
            p.message.contains("--timezone") && p.message.contains("time_zone"),
            "{}",
            p.message
        );

        let options = ImportOptions {
            zone: Some(Zone::parse("Europe/Berlin").unwrap()),
            ..Default::default()
        };
        let out = import_file(f.path(), None, &options).unwrap();
        assert!(out.problems.is_empty(), "{:?}", out.problems);
        assert_eq!(
            by_id(&out, "PA").started_at,
            utc("2023-05-31T08:05:00Z"),
            "Berlin summer time"
        );
    }

    #[test]
    fn analytics_with_a_bad_envelope_zone_is_a_problem_per_record() {
        let json = r#"{"data": [{"id": "PA", "incident_number": 1, "created_at": "2023-05-31T10:05:00"}],
                       "time_zone": "Mars/Olympus"}"#;
        let f = temp(".json", json.as_bytes());
        let out = import(f.path());
        assert_eq!(out.format, Some(Format::PagerdutyAnalytics));
        assert_eq!(out.incidents.len(), 0);
        assert_eq!(out.problems.len(), 1);
        assert_eq!(out.problems[0].field, "time_zone");
        assert!(
            out.problems[0]
                .message
                .contains("'Mars/Olympus' is not a time zone"),
            "{}",
            out.problems[0].message
        );
    }
}
