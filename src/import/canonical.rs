//! dorascope's own simple formats (`docs/canonical.md`), for tools without a dedicated
//! importer (Argo CD, hand-kept spreadsheets, scripts): CSV, or JSON / JSON Lines with the same
//! keys. Column names are matched case-insensitively and several common aliases are accepted.

use serde_json::{Map, Value};

use super::fields::{self, FieldError};
use super::{Ctx, Format, ImportError, Reader};
use crate::model::{CommitRef, DeployStatus, DeploymentRecord, Incident};

const DEPLOY_TIME: &[&str] = &["finished_at", "deployed_at", "time", "end_time", "finished"];
const DEPLOY_COMMIT: &[&str] = &["sha", "commit", "commit_sha", "revision", "ref", "tag"];
const INCIDENT_START: &[&str] = &[
    "started_at",
    "created_at",
    "opened_at",
    "detected_at",
    "start_time",
];
const INCIDENT_END: &[&str] = &["resolved_at", "closed_at", "ended_at", "end_time", "restored_at"];

/// Keys of a git commit record (GitLab's and others'), never of an incident.
const COMMIT_ONLY: &[&str] = &[
    "short_id",
    "authored_date",
    "committed_date",
    "committer_name",
    "committer_email",
];

fn norm(key: &str) -> String {
    key.trim().to_ascii_lowercase().replace([' ', '-'], "_")
}

fn has(keys: &[String], any: &[&str]) -> bool {
    keys.iter().any(|k| any.contains(&k.as_str()))
}

fn sniff_keys(keys: &[String], json: bool) -> Option<Format> {
    let keys: Vec<String> = keys.iter().map(|k| norm(k)).collect();
    if !keys.iter().any(|k| k == "id") {
        return None;
    }
    if has(&keys, DEPLOY_COMMIT) && has(&keys, DEPLOY_TIME) {
        return Some(if json {
            Format::CanonicalDeploymentsJson
        } else {
            Format::CanonicalDeploymentsCsv
        });
    }
    // A git commit (an `id` and a `created_at`, as GitLab's commits have) is no incident.
    if has(&keys, INCIDENT_START) && !has(&keys, COMMIT_ONLY) {
        return Some(if json {
            Format::CanonicalIncidentsJson
        } else {
            Format::CanonicalIncidentsCsv
        });
    }
    None
}

/// Detects the canonical CSV formats from a header row.
pub fn sniff_csv(headers: &[String]) -> Option<Format> {
    sniff_keys(headers, false)
}

/// Detects the canonical JSON formats from the first record.
pub fn sniff_json(_doc: &Value, first: Option<&Value>) -> Option<Format> {
    let keys: Vec<String> = first?.as_object()?.keys().cloned().collect();
    sniff_keys(&keys, true)
}

/// The reader for a canonical format.
pub fn reader(format: Format) -> Box<dyn Reader> {
    Box::new(Canonical {
        incidents: matches!(
            format,
            Format::CanonicalIncidentsCsv | Format::CanonicalIncidentsJson
        ),
        format,
    })
}

struct Canonical {
    format: Format,
    incidents: bool,
}

fn first_of<'a>(obj: &'a Value, names: &[&'static str]) -> Option<(&'a Value, &'static str)> {
    names.iter().find_map(|n| fields::get(obj, n).map(|v| (v, *n)))
}

impl Canonical {
    fn deployment(&self, r: &Value, ctx: &Ctx<'_>) -> Result<DeploymentRecord, FieldError> {
        let id = fields::req_text(r, "id")?;
        let commit = match first_of(r, DEPLOY_COMMIT) {
            Some((v, name)) => {
                let t = fields::req_text(r, name).map_err(|_| {
                    FieldError::new(name, format!("expected text, found {}", fields::kind(v)))
                })?;
                if matches!(name, "ref" | "tag") {
                    CommitRef::Ref(t)
                } else if fields::is_sha(&t) {
                    CommitRef::Sha(t.to_ascii_lowercase())
                } else {
                    return Err(FieldError::new(
                        name,
                        format!(
                            "'{t}' is not a commit id (expected 7 to 40 hex digits; use a `ref` or `tag` column for names)"
                        ),
                    ));
                }
            }
            None => {
                return Err(FieldError::new(
                    "sha",
                    "missing (expected a sha, ref or tag column with a value)",
                ));
            }
        };
        let status = match fields::text(r, "status") {
            None => DeployStatus::Success,
            Some(s) => fields::deploy_status(&s).ok_or_else(|| {
                FieldError::new(
                    "status",
                    format!("'{s}' is not a status (expected success, failed, cancelled or running)"),
                )
            })?,
        };
        let finished_at = match first_of(r, DEPLOY_TIME) {
            Some((_, name)) => fields::time(r, name, ctx.zone())?,
            None if status == DeployStatus::Running => None,
            None => {
                return Err(FieldError::new(
                    "finished_at",
                    "missing (expected the time the deployment finished)",
                ));
            }
        };
        let started_at = fields::time(r, "started_at", ctx.zone())?;
        if let (Some(s), Some(f)) = (started_at, finished_at)
            && f < s
        {
            return Err(FieldError::new(
                "finished_at",
                "is before started_at (negative duration)",
            ));
        }
        Ok(DeploymentRecord {
            created_at: None,
            updated_at: None,
            id,
            source: self.format.name(),
            commit: Some(commit),
            environment: fields::text(r, "environment").or_else(|| fields::text(r, "env")),
            status,
            started_at,
            finished_at,
            service: fields::text(r, "service").or_else(|| fields::text(r, "application")),
            location: ctx.location.clone(),
        })
    }

    fn incident(&self, r: &Value, ctx: &Ctx<'_>) -> Result<Incident, FieldError> {
        let id = fields::req_text(r, "id")?;
        let (_, start_name) = first_of(r, INCIDENT_START).ok_or_else(|| {
            FieldError::new("started_at", "missing (expected the time the incident started)")
        })?;
        let started_at = fields::req_time(r, start_name, ctx.zone())?;
        let resolved_at = match first_of(r, INCIDENT_END) {
            Some((_, name)) => {
                let t = fields::time(r, name, ctx.zone())?;
                if t.is_some_and(|t| t < started_at) {
                    return Err(FieldError::new(
                        name,
                        format!("is before {start_name} (negative duration)"),
                    ));
                }
                t
            }
            None => None,
        };
        Ok(Incident {
            labels: Vec::new(),
            id,
            source: self.format.name(),
            title: fields::text(r, "title").or_else(|| fields::text(r, "summary")),
            started_at,
            resolved_at,
            severity: fields::text(r, "severity").or_else(|| fields::text(r, "priority")),
            service: fields::text(r, "service"),
            deployment: fields::text(r, "deployment").or_else(|| fields::text(r, "deployment_id")),
            location: ctx.location.clone(),
        })
    }
}

/// The record with its keys normalized (case, spaces, dashes), so aliases match.
fn normalized(record: Value) -> Value {
    match record {
        Value::Object(o) => Value::Object(o.into_iter().map(|(k, v)| (norm(&k), v)).collect::<Map<_, _>>()),
        other => other,
    }
}

impl Reader for Canonical {
    fn record(&mut self, record: Value, ctx: &mut Ctx<'_>) -> Result<(), ImportError> {
        if !ctx.expect_object(&record, "an object")? {
            return Ok(());
        }
        let r = normalized(record);
        if self.incidents {
            match self.incident(&r, ctx) {
                Ok(i) => ctx.out.incidents.push(i),
                Err(e) => ctx.skip(e)?,
            }
        } else {
            match self.deployment(&r, ctx) {
                Ok(d) => ctx.out.deployments.push(d),
                Err(e) => ctx.skip(e)?,
            }
        }
        Ok(())
    }
}
