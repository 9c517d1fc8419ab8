//! Small constructors for the metrics tests.

use std::sync::Arc;

use chrono::{DateTime, Utc};

use crate::model::{DeployStatus, Deployment, DeploymentKind, DeploymentRecord, Incident, Instant, Location};

/// An instant `seconds` after the epoch.
pub fn at(seconds: i64) -> DateTime<Utc> {
    DateTime::from_timestamp(seconds, 0).expect("test time in range")
}

/// A successful tag deployment in repository `r`.
pub fn deployment(name: &str, time: i64) -> Deployment {
    Deployment {
        repo: "r".into(),
        name: name.into(),
        sha: String::new(),
        source: "tag".into(),
        environment: "production".into(),
        deployed_at: time,
        kind: DeploymentKind::Annotated,
        changes: Some(1),
        lead_time_median_seconds: None,
        lead_time_max_seconds: None,
        previous_deployment: None,
        rollback: false,
        failed: None,
        service: None,
        shipped: None,
    }
}

/// An incident from `start` to `end` (open when `None`).
pub fn incident(id: &str, start: i64, end: Option<i64>) -> Incident {
    Incident {
        labels: Vec::new(),
        id: id.into(),
        source: "canonical-csv",
        title: None,
        started_at: at(start),
        resolved_at: end.map(at),
        severity: None,
        service: None,
        deployment: None,
        location: Location {
            file: Arc::from("incidents.csv"),
            line: Some(2),
            record: 1,
        },
    }
}

/// An incident from `start` to `end` at exact instants.
pub fn incident_at(id: &str, start: Instant, end: Option<Instant>) -> Incident {
    Incident {
        started_at: start,
        resolved_at: end,
        ..incident(id, 0, None)
    }
}

/// A successful production deployment record finished at `finished`.
pub fn record_at(id: &str, finished: Instant) -> DeploymentRecord {
    DeploymentRecord {
        id: id.into(),
        source: "canonical-csv",
        commit: None,
        environment: Some("production".into()),
        status: DeployStatus::Success,
        started_at: None,
        finished_at: Some(finished),
        service: None,
        created_at: None,
        updated_at: None,
        location: Location {
            file: Arc::from("deployments.csv"),
            line: Some(2),
            record: 1,
        },
    }
}

/// A successful deployment of `service` (none for `None`).
pub fn deployment_of(name: &str, time: i64, service: Option<&str>) -> Deployment {
    Deployment {
        service: service.map(str::to_owned),
        ..deployment(name, time)
    }
}

/// An incident on `service` (none for `None`), from `start` to `end`.
pub fn incident_on(id: &str, start: i64, end: Option<i64>, service: Option<&str>) -> Incident {
    Incident {
        service: service.map(str::to_owned),
        ..incident(id, start, end)
    }
}

/// The same deployments with no service named.
pub fn without_services(deployments: &[Deployment]) -> Vec<Deployment> {
    deployments
        .iter()
        .map(|d| Deployment {
            service: None,
            ..d.clone()
        })
        .collect()
}
