//! Small constructors for the metrics tests.

use std::sync::Arc;

use chrono::{DateTime, Utc};

use crate::metrics::{Baseline, Changes, FailureMethod, Inputs, LeadTimeMethod, Options, RestoreMethod};
use crate::model::{
    Change, CommitTime, DeployStatus, Deployment, DeploymentKind, DeploymentRecord, Incident, Instant,
    Location, MergeRequest, Revert, Sha,
};
use crate::periods::PeriodSpec;
use crate::time::parse::Zone;

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
        maintenance: false,
        line: crate::model::line::UNVERSIONED.into(),
        failed: None,
        service: None,
        shipped: None,
        services: Vec::new(),
        teams: Vec::new(),
        meaningful: true,
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

/// The engine's defaults as the command line gives them (window, 48h, incident restore,
/// commit lead time, author time, monthly periods in UTC, no range), with no baseline, the
/// `four-tier` benchmark, no industry and seed 7.
pub fn options() -> Options {
    Options {
        failure: FailureMethod::Window,
        failure_window: 48 * 3_600,
        fix_tags: None,
        restore: RestoreMethod::Incident,
        lead_time: LeadTimeMethod::Commit,
        lead_rule: Default::default(),
        commit_time: CommitTime::Author,
        period: PeriodSpec::Month,
        zone: ("UTC".into(), Zone::parse("UTC").expect("UTC is a zone")),
        since: None,
        until: None,
        baseline: Baseline::None,
        benchmark: crate::benchmarks::profile("four-tier").expect("four-tier is shipped"),
        industry: None,
        industry_shares: None,
        team: None,
    }
}

/// A zone by name or offset (`Europe/Berlin`, `+02:00`), as `Options::zone` holds it.
pub fn zone(name: &str) -> (String, Zone) {
    (name.into(), Zone::parse(name).expect("test zone parses"))
}

/// A commit id made of byte `n` (written `nnnn...` in hex).
pub fn sha(n: u8) -> Sha {
    Sha([n; 20])
}

/// Change `sha(n)` of repository `r`, first shipped at `deployed_at` (`None`: undeployed),
/// written `lead` seconds before it (author and committer time alike).
pub fn change(n: u8, deployed_at: Option<i64>, lead: i64) -> Change {
    let time = deployed_at.unwrap_or(0) - lead;
    Change {
        repo: Arc::from("r"),
        sha: sha(n),
        author_time: time,
        commit_time: time,
        is_merge: false,
        deployment: deployed_at.map(|_| Arc::from("d")),
        deployed_at,
        lead_time_seconds: deployed_at.map(|_| lead),
        backlog: false,
        services: Vec::new(),
        teams: Vec::new(),
        meaningful: true,
        shipped_via: None,
    }
}

/// A merge request opened at 0 with its first commit at `first`, merged at `merged` (`None`:
/// not merged) as commit `merge_sha`.
pub fn merge_request(
    id: &str,
    first: Option<i64>,
    merged: Option<i64>,
    merge_sha: Option<&str>,
) -> MergeRequest {
    MergeRequest {
        id: id.into(),
        source: "canonical-csv",
        created_at: at(0),
        merged_at: merged.map(at),
        merge_sha: merge_sha.map(str::to_owned),
        head_sha: None,
        target_branch: Some("main".into()),
        first_commit_at: first.map(at),
        updated_at: None,
        commit_created_at: Vec::new(),
        location: Location {
            file: Arc::from("merge_requests.csv"),
            line: Some(2),
            record: 1,
        },
    }
}

/// The records of one engine run, owned, so that a test can lend them as [`Inputs`].
#[derive(Debug, Clone, Default)]
pub struct Records {
    /// Changes with their first deployment.
    pub changes: Vec<Change>,
    /// Deployments, failed runs included.
    pub deployments: Vec<Deployment>,
    /// Incidents.
    pub incidents: Vec<Incident>,
    /// Merge requests.
    pub merge_requests: Vec<MergeRequest>,
    /// Revert commits.
    pub reverts: Vec<Revert>,
    /// Whether a repository was read.
    pub has_repo: bool,
}

impl Records {
    /// The records as the engine reads them.
    pub fn inputs(&self) -> Inputs<'_> {
        Inputs {
            changes: Changes::All(&self.changes),
            deployments: &self.deployments,
            incidents: &self.incidents,
            merge_requests: &self.merge_requests,
            reverts: &self.reverts,
            has_repo: self.has_repo,
            has_incidents: !self.incidents.is_empty(),
        }
    }
}
