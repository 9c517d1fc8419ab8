//! Opsgenie: `GET /v1/incidents` and `GET /v2/alerts` (docs/importers.md). Both are wrapped in
//! `{"data": [...], "paging", "took", "requestId"}`; timestamps are UTC with a varying number
//! of fractional digits (`.17Z`), or epoch milliseconds in webhook payloads.

use chrono::TimeDelta;
use serde_json::Value;

use super::{Outcome, after_start, first_text, not_an_object, store};
use crate::import::fields::{self, FieldError};
use crate::import::{Ctx, Format, ImportError, Reader};
use crate::model::{Incident, Instant};

/// The id: `id` (a UUID; `tinyId` is short and reused, so only a fallback).
fn id(r: &Value) -> Result<String, FieldError> {
    fields::text(r, "id")
        .or_else(|| fields::text(r, "tinyId"))
        .ok_or_else(|| FieldError::new("id", "missing (expected the id or tinyId)"))
}

/// Incidents. The incident object has no `resolvedAt`:
///
/// - start: `impactStartDate`, else `createdAt`;
/// - resolution: `impactEndDate`, which is absent while the impact lasts. `status` is not
///   used for the time (an incident can be `resolved` or `closed` with or without it);
/// - severity: `priority` (`P1`..`P5`); service: the first of `impactedServices` (ids).
pub(super) struct Incidents;

impl Incidents {
    fn incident(r: &Value, ctx: &Ctx<'_>) -> Result<Outcome, FieldError> {
        if !r.is_object() {
            return Err(not_an_object(r));
        }
        let id = id(r)?;
        let start_field = if fields::get(r, "impactStartDate").is_some() {
            "impactStartDate"
        } else {
            "createdAt"
        };
        let started_at = fields::req_time(r, start_field, ctx.zone())?;
        let end = fields::time(r, "impactEndDate", ctx.zone())?.map(|t| (t, "impactEndDate"));
        let resolved_at = after_start(started_at, start_field, end)?;
        Ok(Outcome::Incident(Incident {
            labels: Vec::new(),
            id,
            source: Format::OpsgenieIncidents.name(),
            title: fields::text(r, "message"),
            started_at,
            resolved_at,
            severity: fields::text(r, "priority"),
            service: first_text(r, "impactedServices"),
            deployment: None,
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

/// Alerts. An alert has no close timestamp; `report.closeTime` is a **duration in
/// milliseconds** from `createdAt` to the close (like `report.ackTime`), not a time.
///
/// - start: `createdAt`;
/// - resolution: `createdAt + report.closeTime` when `status` is `closed` and `closeTime` is
///   given; otherwise the alert counts as open;
/// - severity: `priority`; no service (alerts name none).
pub(super) struct Alerts;

/// `report.closeTime`: whole milliseconds, as a number or digits.
fn close_time(r: &Value) -> Result<Option<TimeDelta>, FieldError> {
    let Some(v) = fields::get(r, "report.closeTime") else {
        return Ok(None);
    };
    let ms = match v {
        Value::Number(n) => n.as_i64(),
        Value::String(s) => s.trim().parse::<i64>().ok(),
        _ => None,
    };
    match ms.filter(|ms| *ms >= 0).and_then(TimeDelta::try_milliseconds) {
        Some(d) => Ok(Some(d)),
        None => Err(FieldError::new(
            "report.closeTime",
            format!(
                "{} is not a duration (expected whole milliseconds since createdAt)",
                fields::shown(v)
            ),
        )),
    }
}

impl Alerts {
    fn incident(r: &Value, ctx: &Ctx<'_>) -> Result<Outcome, FieldError> {
        if !r.is_object() {
            return Err(not_an_object(r));
        }
        let id = id(r)?;
        let started_at = fields::req_time(r, "createdAt", ctx.zone())?;
        let closed = fields::text(r, "status").is_some_and(|s| s.eq_ignore_ascii_case("closed"));
        let resolved_at: Option<Instant> = match close_time(r)? {
            Some(d) if closed => Some(started_at.checked_add_signed(d).ok_or_else(|| {
                FieldError::new(
                    "report.closeTime",
                    "is too long (the close would be out of range)",
                )
            })?),
            _ => None,
        };
        Ok(Outcome::Incident(Incident {
            labels: Vec::new(),
            id,
            source: Format::OpsgenieAlerts.name(),
            title: fields::text(r, "message"),
            started_at,
            resolved_at,
            severity: fields::text(r, "priority"),
            service: None,
            deployment: None,
            location: ctx.location.clone(),
        }))
    }
}

impl Reader for Alerts {
    fn record(&mut self, record: Value, ctx: &mut Ctx<'_>) -> Result<(), ImportError> {
        let result = Self::incident(&record, ctx);
        store(result, ctx)
    }
}

#[cfg(test)]
mod tests {
    use super::super::tests::{by_id, example, import, strict_error, temp, utc};
    use crate::import::Format;

    #[test]
    fn incidents_example_gives_one_resolved_and_one_open() {
        let out = import(&example("opsgenie-incidents.json"));
        assert_eq!(out.format, Some(Format::OpsgenieIncidents));
        assert_eq!(
            (out.records, out.ignored, out.problems.len(), out.incidents.len()),
            (2, 0, 0, 2)
        );
        let a = &out.incidents[0];
        assert_eq!(a.id, "b7e31c52-9d40-4f6a-8c21-53a9e0d4f718");
        assert_eq!(a.source, "opsgenie-incidents");
        assert_eq!(a.title.as_deref(), Some("Search API degraded"));
        assert_eq!(a.started_at, utc("2026-01-14T09:27:43.518Z"));
        assert_eq!(
            a.resolved_at,
            Some(utc("2026-01-14T10:18:39.402Z")),
            "impactEndDate although status is open"
        );
        assert_eq!(a.severity.as_deref(), Some("P3"));
        assert_eq!(a.service.as_deref(), Some("e2f0a9c4-6b13-4d7e-a5f8-0c9b1d3e7a26"));
        let b = &out.incidents[1];
        assert_eq!(b.id, "3f9d6a08-c2e5-4b71-9a3d-e8047b5c21f9");
        assert_eq!(b.started_at, utc("2026-01-09T16:02:11.093Z"));
        assert_eq!(b.resolved_at, None);
        assert_eq!(b.severity.as_deref(), Some("P2"));
        assert_eq!(
            b.service.as_deref(),
            Some("71c8e2d5-0a4f-4e96-b3d7-2f5a8c19e640"),
            "the first impacted service"
        );
    }

    #[test]
    fn incidents_fall_back_to_created_at_and_reject_an_end_before_the_start() {
        let json = r#"{"data": [
          {"id": "a", "tinyId": "1", "message": "m", "createdAt": "2023-09-26T17:06:16.8Z",
           "impactedServices": [], "impactEndDate": "2023-09-26T18:00:00Z", "status": "resolved"},
          {"id": "b", "tinyId": "2", "impactStartDate": "2023-09-26T17:00:00Z",
           "impactEndDate": "2023-09-26T16:00:00Z"},
          {"id": "c", "tinyId": "3", "impactedServices": ["s"]},
          {"id": "d", "tinyId": "4", "createdAt": 1695748000000, "status": "closed"}
        ], "paging": {}, "took": 0.1, "requestId": "r"}"#;
        let f = temp(".json", json.as_bytes());
        let out = import(f.path());
        assert_eq!(out.format, Some(Format::OpsgenieIncidents));
        let a = by_id(&out, "a");
        assert_eq!(a.started_at, utc("2023-09-26T17:06:16.800Z"));
        assert_eq!(a.resolved_at, Some(utc("2023-09-26T18:00:00Z")));
        assert_eq!(a.service, None);
        let d = by_id(&out, "d");
        assert_eq!(d.started_at, utc("2023-09-26T17:06:40Z"), "epoch milliseconds");
        assert_eq!(d.resolved_at, None, "closed without impactEndDate stays open");
        assert_eq!(out.incidents.len(), 2);
        let problems: Vec<(u64, &str)> = out
            .problems
            .iter()
            .map(|p| (p.location.record, p.field.as_str()))
            .collect();
        assert_eq!(problems, [(2, "impactEndDate"), (3, "createdAt")]);
        assert!(
            out.problems[0].message.contains("negative duration"),
            "{}",
            out.problems[0].message
        );
        let e = strict_error(f.path());
        assert!(
            e.contains(": record 2: impactEndDate: is before impactStartDate"),
            "{e}"
        );
        assert!(e.starts_with(&f.path().display().to_string()), "{e}");
    }

    #[test]
    fn alert_example_is_open_and_ack_time_is_not_a_resolution() {
        let out = import(&example("opsgenie-alert.json"));
        assert_eq!(out.format, Some(Format::OpsgenieAlerts));
        assert_eq!((out.records, out.problems.len(), out.incidents.len()), (1, 0, 1));
        let a = &out.incidents[0];
        assert_eq!(a.id, "d4a17f3e-82b9-4c05-9e6a-1b7c3f20d58a-174118290347");
        assert_eq!(a.source, "opsgenie-alerts");
        assert_eq!(a.title.as_deref(), Some("Disk usage above 90% on db-replica-2"));
        // Two fractional digits: .41 is 410 ms.
        assert_eq!(a.started_at, utc("2026-03-05T13:51:30.410Z"));
        assert_eq!(a.resolved_at, None);
        assert_eq!(a.severity.as_deref(), Some("P2"));
        assert_eq!(a.service, None);
    }

    #[test]
    fn alert_close_time_is_milliseconds_after_creation_when_closed() {
        let json = r#"{"data": [
          {"id": "closed", "tinyId": "1", "alias": "x", "status": "closed", "priority": "P1",
           "createdAt": "2023-04-21T08:36:18.46Z", "report": {"ackTime": 5000, "closeTime": 4852912663}},
          {"id": "closed-no-report", "tinyId": "2", "alias": "y", "status": "closed",
           "createdAt": "2023-04-21T08:00:00Z"},
          {"id": "open-with-close", "tinyId": "3", "alias": "z", "status": "open",
           "createdAt": "2023-04-21T08:00:00Z", "report": {"closeTime": 1000}},
          {"id": "bad", "tinyId": "4", "alias": "w", "status": "closed",
           "createdAt": "2023-04-21T08:00:00Z", "report": {"closeTime": -5}},
          {"id": "no-start", "tinyId": "5", "alias": "v", "status": "open"}
        ]}"#;
        let f = temp(".json", json.as_bytes());
        let out = import(f.path());
        assert_eq!(out.format, Some(Format::OpsgenieAlerts));
        // 4852912663 ms = 56 d 4 h 01 min 52.663 s.
        assert_eq!(
            by_id(&out, "closed").resolved_at,
            Some(utc("2023-06-16T12:38:11.123Z"))
        );
        assert_eq!(by_id(&out, "closed").severity.as_deref(), Some("P1"));
        assert_eq!(by_id(&out, "closed-no-report").resolved_at, None);
        assert_eq!(by_id(&out, "open-with-close").resolved_at, None);
        assert_eq!(out.incidents.len(), 3);
        let problems: Vec<(u64, &str)> = out
            .problems
            .iter()
            .map(|p| (p.location.record, p.field.as_str()))
            .collect();
        assert_eq!(problems, [(4, "report.closeTime"), (5, "createdAt")]);
        assert!(
            out.problems[0].message.contains("-5 is not a duration"),
            "{}",
            out.problems[0].message
        );
    }
}
