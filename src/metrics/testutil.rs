//! Small constructors for the metrics tests.

use std::sync::Arc;

use chrono::{DateTime, Utc};

use crate::model::{Deployment, DeploymentKind, Incident, Location};

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
    }
}

/// An incident from `start` to `end` (open when `None`).
pub fn incident(id: &str, start: i64, end: Option<i64>) -> Incident {
    Incident {
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
