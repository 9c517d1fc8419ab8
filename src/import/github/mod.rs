//! GitHub REST API exports (docs/importers.md): deployments, deployment statuses, Actions
//! workflow runs, pull requests and issues (of which only incidents are kept), plus the
//! camelCase `gh pr list --json` / `gh run list --json` variants. Bare arrays, the
//! `{total_count, workflow_runs}` wrapper, `gh api --paginate` output (documents one after
//! another) and JSON Lines are split by `envelope`.
//!
//! A record that is none of these but an object holding lists of them (e.g. a file that keeps
//! a list response and single-object responses under their own keys, like
//! `github-pulls.json`) is read as those lists (see `nested`).

use std::collections::HashMap;

use serde_json::Value;

use super::fields::{self, FieldError};
use super::{Ctx, Format, ImportError, Reader};
use crate::model::{CommitRef, DeployStatus, DeploymentRecord, Incident, Instant, Location, MergeRequest};

/// The formats a single record can be, most specific first.
const FORMATS: &[Format] = &[
    Format::GithubDeployments,
    Format::GithubDeploymentStatuses,
    Format::GithubActionsRuns,
    Format::GithubPulls,
    Format::GithubIssues,
];

/// Whether a record is an item of `format`, from its keys.
fn is_item(format: Format, r: &Value) -> bool {
    let has = |keys: &[&str]| fields::has_keys(Some(r), keys);
    let any = |keys: &[&str]| keys.iter().any(|k| has(&[k]));
    match format {
        Format::GithubDeployments => {
            has(&["task", "environment"]) && any(&["statuses_url", "production_environment"])
        }
        Format::GithubDeploymentStatuses => {
            has(&["state"])
                && (has(&["deployment_url"]) || (has(&["environment"]) && any(&["target_url", "log_url"])))
        }
        Format::GithubActionsRuns => {
            has(&["run_number", "head_sha", "conclusion"]) || has(&["databaseId", "headSha", "conclusion"])
        }
        Format::GithubPulls => {
            has(&["number", "head", "base", "merged_at"])
                || (has(&["number", "mergedAt"]) && any(&["headRefOid", "mergeCommit", "baseRefName"]))
        }
        Format::GithubIssues => {
            let labels_are_objects = r
                .get("labels")
                .and_then(Value::as_array)
                .is_some_and(|l| l.iter().all(Value::is_object));
            has(&["number", "labels"])
                && labels_are_objects
                && any(&["state_reason", "pull_request", "stateReason"])
        }
        _ => false,
    }
}

/// The arrays of an object that hold items of `format`, with their keys: the items of a
/// record that wraps lists under keys `envelope` does not know. `None` when there are none.
fn nested(format: Format, r: &Value) -> Option<Vec<(String, Vec<Value>)>> {
    let lists: Vec<(String, Vec<Value>)> = r
        .as_object()?
        .iter()
        .filter_map(|(k, v)| {
            let items = v.as_array()?;
            items
                .first()
                .is_some_and(|first| is_item(format, first))
                .then(|| (k.clone(), items.clone()))
        })
        .collect();
    if lists.is_empty() { None } else { Some(lists) }
}

/// Detects this module's formats from the keys of the first record (or, for a record that only
/// wraps lists, of the first item of those lists). GitHub's only wrapper, `workflow_runs`, is
/// removed by `envelope` before this is called, so `doc` says nothing more than `first`.
pub fn sniff(_doc: &Value, first: Option<&Value>) -> Option<Format> {
    let first = first?;
    if let Some(f) = FORMATS.iter().copied().find(|f| is_item(*f, first)) {
        return Some(f);
    }
    FORMATS.iter().copied().find(|f| nested(*f, first).is_some())
}

/// The reader for one of this module's formats.
pub fn reader(format: Format, _envelope: Option<&Value>) -> Box<dyn Reader> {
    Box::new(GitHub {
        format,
        statuses: Vec::new(),
        groups: HashMap::new(),
        seq: 0,
    })
}

/// One deployment status, kept until all are seen.
struct Status {
    /// The status's own id (for ordering and for deployments without a known id).
    id: String,
    state: String,
    created_at: Instant,
    environment: Option<String>,
    location: Location,
    /// Position in the file, for ordering statuses created in the same second.
    seq: u64,
}

struct GitHub {
    format: Format,
    /// Deployment statuses grouped by deployment, in order of first appearance.
    statuses: Vec<(Option<String>, Vec<Status>)>,
    /// Index into `statuses` by deployment id.
    groups: HashMap<Option<String>, usize>,
    seq: u64,
}

/// An optional timestamp; `0001-01-01T00:00:00Z`, Go's zero time that `gh` may print for an
/// unset date, counts as absent.
fn time(r: &Value, path: &str, ctx: &Ctx<'_>) -> Result<Option<Instant>, FieldError> {
    if fields::text(r, path).is_some_and(|t| t.starts_with("0001-01-01")) {
        return Ok(None);
    }
    fields::time(r, path, ctx.zone())
}

/// A required timestamp.
fn req_time(r: &Value, path: &str, ctx: &Ctx<'_>) -> Result<Instant, FieldError> {
    time(r, path, ctx)?.ok_or_else(|| FieldError::new(path, "missing (expected a date and time)"))
}

/// The deployment a status belongs to: the last path segment of `deployment_url`, else the
/// segment after `deployments/` in the status's own `url`
/// (`.../deployments/{id}/statuses/{status_id}`).
fn status_deployment(r: &Value) -> Option<String> {
    if let Some(url) = fields::text(r, "deployment_url") {
        let id = url.trim_end_matches('/').rsplit('/').next().unwrap_or_default();
        if !id.is_empty() {
            return Some(id.to_owned());
        }
    }
    let url = fields::text(r, "url")?;
    let (_, rest) = url.split_once("/deployments/")?;
    let (id, _) = rest.split_once("/statuses")?;
    (!id.is_empty()).then(|| id.to_owned())
}

/// The state of a status as a [`DeployStatus`] (`inactive` is [`DeployStatus::Cancelled`]).
fn status_state(state: &str) -> Option<DeployStatus> {
    fields::deploy_status(state)
}

fn is_failure(state: &str) -> bool {
    matches!(state, "failure" | "error")
}

/// The field names of a workflow run: REST or `gh run list --json`.
struct RunKeys {
    id: &'static str,
    attempt: &'static str,
    status: &'static str,
    conclusion: &'static str,
    head_sha: &'static str,
    started_at: &'static str,
    updated_at: &'static str,
    name: &'static [&'static str],
}

const REST_RUN: RunKeys = RunKeys {
    id: "id",
    attempt: "run_attempt",
    status: "status",
    conclusion: "conclusion",
    head_sha: "head_sha",
    started_at: "run_started_at",
    updated_at: "updated_at",
    name: &["name"],
};

const GH_RUN: RunKeys = RunKeys {
    id: "databaseId",
    attempt: "attempt",
    status: "status",
    conclusion: "conclusion",
    head_sha: "headSha",
    started_at: "startedAt",
    updated_at: "updatedAt",
    name: &["workflowName", "name"],
};

/// A completed run's conclusion as an outcome; `Ok(None)` for conclusions that are no
/// outcome of a deployment (`neutral`, `stale`, `action_required`).
fn run_outcome(conclusion: &str) -> Result<Option<DeployStatus>, FieldError> {
    Ok(Some(match conclusion.to_ascii_lowercase().as_str() {
        "success" => DeployStatus::Success,
        "failure" | "timed_out" | "startup_failure" => DeployStatus::Failed,
        "cancelled" | "skipped" => DeployStatus::Cancelled,
        "neutral" | "stale" | "action_required" => return Ok(None),
        other => fields::deploy_status(other).ok_or_else(|| {
            FieldError::new(
                "conclusion",
                format!(
                    "'{conclusion}' is not a run conclusion (expected success, failure, cancelled, skipped, timed_out, startup_failure, neutral, stale or action_required)"
                ),
            )
        })?,
    }))
}

/// Whether an issue carries a label named `incident` (any case); labels are objects with a
/// `name`, or plain names.
fn has_incident_label(r: &Value) -> bool {
    r.get("labels").and_then(Value::as_array).is_some_and(|labels| {
        labels.iter().any(|l| {
            let name = l.get("name").and_then(Value::as_str).or_else(|| l.as_str());
            name.is_some_and(|n| n.trim().eq_ignore_ascii_case("incident"))
        })
    })
}

impl GitHub {
    /// `GET /repos/{o}/{r}/deployments`. A deployment has no outcome of its own: that is in its
    /// statuses, a separate export (one per deployment). Read alone, a deployment is recorded
    /// as **successful at its `created_at`**, an approximation: failed deployments count as
    /// successes and the time is when it was requested, not when it finished. For the exact
    /// outcome, import the statuses (`github-deployment-statuses`).
    fn deployment(&self, r: &Value, ctx: &Ctx<'_>) -> Result<DeploymentRecord, FieldError> {
        let id = fields::req_text(r, "id")?;
        let commit = match fields::get(r, "sha") {
            Some(_) => CommitRef::Sha(fields::req_sha(r, "sha")?),
            None => {
                let reference = fields::text(r, "ref").ok_or_else(|| {
                    FieldError::new("sha", "missing (expected the deployed commit, or a ref)")
                })?;
                if fields::is_sha(&reference) {
                    CommitRef::Sha(reference.to_ascii_lowercase())
                } else {
                    CommitRef::Ref(reference)
                }
            }
        };
        let created_at = req_time(r, "created_at", ctx)?;
        Ok(DeploymentRecord {
            created_at: Some(created_at),
            updated_at: fields::time(r, "updated_at", ctx.zone())?,
            id,
            source: self.format.name(),
            commit: Some(commit),
            environment: fields::text(r, "environment"),
            status: DeployStatus::Success,
            started_at: None,
            finished_at: Some(created_at),
            service: None,
            location: ctx.location.clone(),
        })
    }

    /// `GET .../deployments/{id}/statuses`: one status, kept for [`GitHub::emit_statuses`].
    fn status(&mut self, r: &Value, ctx: &Ctx<'_>) -> Result<(), FieldError> {
        let id = fields::req_text(r, "id")?;
        let state = fields::req_text(r, "state")?.to_ascii_lowercase();
        if status_state(&state).is_none() {
            return Err(FieldError::new(
                "state",
                format!(
                    "'{state}' is not a deployment state (expected error, failure, inactive, in_progress, queued, pending or success)"
                ),
            ));
        }
        let created_at = req_time(r, "created_at", ctx)?;
        let deployment = status_deployment(r);
        self.seq += 1;
        let status = Status {
            id,
            state,
            created_at,
            environment: fields::text(r, "environment"),
            location: ctx.location.clone(),
            seq: self.seq,
        };
        let next = self.statuses.len();
        let index = *self.groups.entry(deployment.clone()).or_insert(next);
        if index == next {
            self.statuses.push((deployment, Vec::new()));
        }
        self.statuses[index].1.push(status);
        Ok(())
    }

    /// One deployment per deployment seen in a statuses export (docs/importers.md):
    /// - failed at the latest status when that is `failure` or `error`;
    /// - else successful at the `created_at` of the first (oldest) `success` status;
    /// - else the latest status says it: `inactive` (never successful) is cancelled at that
    ///   status, `queued` / `pending` / `in_progress` are running.
    ///
    /// Statuses are ordered by `created_at` (then by their position in the file, newest first
    /// as GitHub lists them), not by file order alone, so pages in any order give the same
    /// result. `started_at` is the oldest `in_progress` status. A status carries no commit, so
    /// `commit` is `None`: join with the deployments export by id.
    ///
    /// Statuses that name no deployment (no `deployment_url` and no `url`) are taken to be of
    /// one deployment, since the endpoint lists one deployment's statuses; its id is then the
    /// id of its oldest status, which stays the same as newer statuses are added.
    fn emit_statuses(&mut self, ctx: &mut Ctx<'_>) {
        for (deployment, mut statuses) in std::mem::take(&mut self.statuses) {
            // Status ids grow over time, so they order statuses created in the same second.
            statuses.sort_by_key(|s| (s.created_at, s.id.parse::<u64>().ok(), std::cmp::Reverse(s.seq)));
            let (Some(oldest), Some(latest)) = (statuses.first(), statuses.last()) else {
                continue;
            };
            let first_success = statuses.iter().find(|s| s.state == "success");
            let (status, finished_at) = if is_failure(&latest.state) {
                (DeployStatus::Failed, Some(latest.created_at))
            } else if let Some(s) = first_success {
                (DeployStatus::Success, Some(s.created_at))
            } else {
                match status_state(&latest.state) {
                    Some(DeployStatus::Running) | None => (DeployStatus::Running, None),
                    Some(other) => (other, Some(latest.created_at)),
                }
            };
            let started_at = statuses
                .iter()
                .find(|s| s.state == "in_progress")
                .map(|s| s.created_at)
                .filter(|t| finished_at.is_none_or(|f| *t <= f));
            ctx.out.deployments.push(DeploymentRecord {
                created_at: None,
                updated_at: None,
                id: deployment.unwrap_or_else(|| oldest.id.clone()),
                source: self.format.name(),
                commit: None,
                environment: statuses.iter().rev().find_map(|s| s.environment.clone()),
                status,
                started_at,
                finished_at,
                service: None,
                location: latest.location.clone(),
            });
        }
        self.groups.clear();
    }

    /// `GET /repos/{o}/{r}/actions/runs` (or `gh run list --json`). Only completed runs are
    /// deployments (others count as ignored, as do the conclusions `neutral`, `stale` and
    /// `action_required`). A run has no `completed_at`: `finished_at` is its `updated_at`,
    /// an approximation (a later re-run or log deletion also moves it). The service is the
    /// workflow's name; a re-run is told apart by `-attempt-N` after the id.
    fn run(&self, r: &Value, ctx: &Ctx<'_>) -> Result<Option<DeploymentRecord>, FieldError> {
        let k = if fields::get(r, "databaseId").is_some() || fields::get(r, "headSha").is_some() {
            &GH_RUN
        } else {
            &REST_RUN
        };
        let status = fields::req_text(r, k.status)?;
        if !status.eq_ignore_ascii_case("completed") {
            return Ok(None);
        }
        let conclusion = fields::req_text(r, k.conclusion)
            .map_err(|e| FieldError::new(&e.field, format!("{} although status is completed", e.message)))?;
        let Some(outcome) = run_outcome(&conclusion).map_err(|e| FieldError::new(k.conclusion, e.message))?
        else {
            return Ok(None);
        };
        let mut id = fields::req_text(r, k.id)?;
        let attempt = match fields::get(r, k.attempt) {
            None => 1,
            Some(v) => v
                .as_u64()
                .or_else(|| v.as_str().and_then(|s| s.trim().parse().ok()))
                .ok_or_else(|| {
                    FieldError::new(
                        k.attempt,
                        format!("expected a whole number, found {}", fields::shown(v)),
                    )
                })?,
        };
        if attempt > 1 {
            id = format!("{id}-attempt-{attempt}");
        }
        let commit = fields::req_sha(r, k.head_sha)?;
        let started_at = time(r, k.started_at, ctx)?;
        let finished_at = req_time(r, k.updated_at, ctx)?;
        if started_at.is_some_and(|s| finished_at < s) {
            return Err(FieldError::new(
                k.updated_at,
                format!("is before {} (negative duration)", k.started_at),
            ));
        }
        Ok(Some(DeploymentRecord {
            created_at: None,
            updated_at: None,
            id,
            source: self.format.name(),
            commit: Some(CommitRef::Sha(commit)),
            environment: None,
            status: outcome,
            started_at,
            finished_at: Some(finished_at),
            service: k.name.iter().find_map(|n| fields::text(r, n)),
            location: ctx.location.clone(),
        }))
    }

    /// `GET /repos/{o}/{r}/pulls` (or `gh pr list --json`). Merged only when `merged_at` is
    /// set: `merge_commit_sha` is set on open and closed-unmerged pulls too (the test merge
    /// commit), so it is kept only for merged ones.
    fn pull(&self, r: &Value, ctx: &Ctx<'_>) -> Result<MergeRequest, FieldError> {
        let gh = fields::get(r, "head").is_none() && r.get("mergedAt").is_some();
        let (created, merged, merge_sha, head, base) = if gh {
            (
                "createdAt",
                "mergedAt",
                "mergeCommit.oid",
                "headRefOid",
                "baseRefName",
            )
        } else {
            (
                "created_at",
                "merged_at",
                "merge_commit_sha",
                "head.sha",
                "base.ref",
            )
        };
        let id = fields::req_text(r, "number")?;
        let created_at = req_time(r, created, ctx)?;
        let merged_at = time(r, merged, ctx)?;
        let merge_sha = if merged_at.is_some() {
            fields::sha(r, merge_sha)?
        } else {
            None
        };
        Ok(MergeRequest {
            updated_at: None,
            commit_created_at: Vec::new(),
            id,
            source: self.format.name(),
            created_at,
            merged_at,
            merge_sha,
            head_sha: fields::sha(r, head)?,
            target_branch: fields::text(r, base),
            first_commit_at: None,
            location: ctx.location.clone(),
        })
    }

    /// `GET /repos/{o}/{r}/issues`. `None` for a pull request (the endpoint lists them too) or
    /// an issue without an `incident` label. Resolved at `closed_at` only while closed.
    fn incident(&self, r: &Value, ctx: &Ctx<'_>) -> Result<Option<Incident>, FieldError> {
        if r.get("pull_request").is_some() || !has_incident_label(r) {
            return Ok(None);
        }
        let id = fields::req_text(r, "number")?;
        let (created, closed) = if r.get("createdAt").is_some() {
            ("createdAt", "closedAt")
        } else {
            ("created_at", "closed_at")
        };
        let started_at = req_time(r, created, ctx)?;
        let is_closed = match fields::text(r, "state") {
            Some(s) => s.eq_ignore_ascii_case("closed"),
            None => fields::get(r, closed).is_some(),
        };
        let resolved_at = if is_closed {
            let t = time(r, closed, ctx)?.ok_or_else(|| {
                FieldError::new(
                    closed,
                    "missing although state is closed (expected the close time)",
                )
            })?;
            if t < started_at {
                return Err(FieldError::new(
                    closed,
                    format!("is before {created} (negative duration)"),
                ));
            }
            Some(t)
        } else {
            None
        };
        Ok(Some(Incident {
            labels: Vec::new(),
            id,
            source: self.format.name(),
            title: fields::text(r, "title"),
            started_at,
            resolved_at,
            severity: None,
            service: None,
            deployment: None,
            location: ctx.location.clone(),
        }))
    }

    /// Reads one item; `Err` is a problem with the item.
    fn item(&mut self, r: &Value, ctx: &mut Ctx<'_>) -> Result<(), FieldError> {
        match self.format {
            Format::GithubDeployments => {
                let d = self.deployment(r, ctx)?;
                ctx.out.deployments.push(d);
            }
            Format::GithubDeploymentStatuses => self.status(r, ctx)?,
            Format::GithubActionsRuns => match self.run(r, ctx)? {
                Some(d) => ctx.out.deployments.push(d),
                None => ctx.out.ignored += 1,
            },
            Format::GithubPulls => {
                let m = self.pull(r, ctx)?;
                ctx.out.merge_requests.push(m);
            }
            Format::GithubIssues => match self.incident(r, ctx)? {
                Some(i) => ctx.out.incidents.push(i),
                None => ctx.out.ignored += 1,
            },
            other => {
                return Err(FieldError::new(
                    "",
                    format!("{} is not a GitHub format (internal error)", other.name()),
                ));
            }
        }
        Ok(())
    }
}

impl Reader for GitHub {
    fn record(&mut self, record: Value, ctx: &mut Ctx<'_>) -> Result<(), ImportError> {
        if !ctx.expect_object(&record, "an object")? {
            return Ok(());
        }
        if !is_item(self.format, &record)
            && let Some(lists) = nested(self.format, &record)
        {
            // A wrapper around lists of items: count the items as the records, not the wrapper,
            // and name problems by their path in it (`single_pr_responses.2.created_at`).
            let items: u64 = lists.iter().map(|(_, l)| l.len() as u64).sum();
            ctx.out.records = ctx.out.records.saturating_sub(1) + items;
            for (key, list) in lists {
                for (i, item) in list.iter().enumerate() {
                    if !item.is_object() {
                        ctx.problem(
                            &format!("{key}.{i}"),
                            format!("expected an object, found {}", fields::kind(item)),
                        )?;
                        continue;
                    }
                    if let Err(e) = self.item(item, ctx) {
                        let field = if e.field.is_empty() {
                            format!("{key}.{i}")
                        } else {
                            format!("{key}.{i}.{}", e.field)
                        };
                        ctx.problem(&field, e.message)?;
                    }
                }
            }
            return Ok(());
        }
        match self.item(&record, ctx) {
            Ok(()) => Ok(()),
            Err(e) => ctx.skip(e),
        }
    }

    fn finish(&mut self, ctx: &mut Ctx<'_>) -> Result<(), ImportError> {
        if self.format == Format::GithubDeploymentStatuses {
            self.emit_statuses(ctx);
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests;
