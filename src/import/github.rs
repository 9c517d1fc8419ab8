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
            oldest_commit_created_at: None,
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
mod tests {
    use crate::import::testutil::{example, import_text, lenient, strict, utc_parts as utc};

    use serde_json::{Value, json};

    use super::*;
    use crate::import::Imported;

    fn with(mut base: Value, extra: Value) -> Value {
        for (k, v) in extra.as_object().expect("object") {
            if v.is_null() && k.starts_with('-') {
                base.as_object_mut().expect("object").remove(&k[1..]);
            } else {
                base[k] = v.clone();
            }
        }
        base
    }

    fn sha_ref(s: &str) -> Option<CommitRef> {
        Some(CommitRef::Sha(s.to_owned()))
    }

    /// Deployment fields worth comparing.
    type Dep<'a> = (
        &'a str,
        Option<CommitRef>,
        Option<&'a str>,
        DeployStatus,
        Option<Instant>,
        Option<Instant>,
    );

    fn deps(out: &Imported) -> Vec<Dep<'_>> {
        out.deployments
            .iter()
            .map(|d| {
                (
                    d.id.as_str(),
                    d.commit.clone(),
                    d.environment.as_deref(),
                    d.status,
                    d.started_at,
                    d.finished_at,
                )
            })
            .collect()
    }

    #[test]
    fn deployments_example_is_recorded_successful_at_created_at() {
        let out = example("github-deployments.json");
        assert_eq!(out.format, Some(Format::GithubDeployments));
        assert_eq!((out.records, out.ignored, out.problems.len()), (2, 0, 0));
        // `ref` holds the same SHA as `sha`.
        let sha = sha_ref("e890dd2c6e19bc4abda8c927ef6fa8009cda4fba");
        assert_eq!(
            deps(&out),
            vec![
                (
                    "1893452210",
                    sha.clone(),
                    Some("qa"),
                    DeployStatus::Success,
                    None,
                    Some(utc(2025, 6, 12, 9, 31, 47, 0))
                ),
                // `production_environment` is false: the environment is taken by its name.
                (
                    "1893417765",
                    sha,
                    Some("production"),
                    DeployStatus::Success,
                    None,
                    Some(utc(2025, 6, 12, 9, 27, 5, 0))
                ),
            ]
        );
        assert!(
            out.deployments
                .iter()
                .all(|d| d.source == "github-deployments" && d.service.is_none())
        );
    }

    #[test]
    fn statuses_example_all_queued_is_one_running_deployment() {
        let out = example("github-deployment-statuses.json");
        assert_eq!(out.format, Some(Format::GithubDeploymentStatuses));
        assert_eq!((out.records, out.ignored, out.problems.len()), (3, 0, 0));
        assert_eq!(
            deps(&out),
            vec![("1893452210", None, Some("qa"), DeployStatus::Running, None, None)]
        );
        assert_eq!(out.deployments[0].source, "github-deployment-statuses");
        // The latest status (first in the file) decides, and is where the deployment was read.
        assert_eq!(out.deployments[0].location.record, 1);
    }

    #[test]
    fn actions_runs_example_completed_runs_timed_by_updated_at() {
        let out = example("github-actions-workflow-runs.json");
        assert_eq!(out.format, Some(Format::GithubActionsRuns));
        assert_eq!((out.records, out.ignored, out.problems.len()), (2, 0, 0));
        let sha = sha_ref("488e799e49309f3782a4cc85b93299befdceb25a");
        // Both runs were created at 08:47:20; each starts at its own `run_started_at`.
        assert_eq!(
            deps(&out),
            vec![
                (
                    "15482097731",
                    sha.clone(),
                    None,
                    DeployStatus::Success,
                    Some(utc(2025, 4, 16, 8, 47, 58, 0)),
                    Some(utc(2025, 4, 16, 9, 2, 41, 0)),
                ),
                (
                    "15482097726",
                    sha,
                    None,
                    DeployStatus::Success,
                    Some(utc(2025, 4, 16, 9, 1, 3, 0)),
                    Some(utc(2025, 4, 16, 9, 39, 26, 0)),
                ),
            ]
        );
        let services: Vec<_> = out.deployments.iter().map(|d| d.service.as_deref()).collect();
        assert_eq!(services, vec![Some("Deploy web"), Some("Deploy workers")]);
    }

    #[test]
    fn pulls_example_merged_only_with_merged_at_and_test_merge_shas_dropped() {
        let out = example("github-pulls.json");
        assert_eq!(out.format, Some(Format::GithubPulls));
        // The file is one object holding two lists: its five pulls are the records.
        assert_eq!(
            (out.records, out.ignored, out.problems.len()),
            (5, 0, 0),
            "{:?}",
            out.problems
        );
        let got: Vec<_> = out
            .merge_requests
            .iter()
            .map(|m| {
                (
                    m.id.as_str(),
                    m.created_at,
                    m.merged_at,
                    m.merge_sha.as_deref(),
                    m.head_sha.as_deref(),
                    m.target_branch.as_deref(),
                )
            })
            .collect();
        assert_eq!(
            got,
            vec![
                // The list item: no `merged` key, merged by its `merged_at`.
                (
                    "4127",
                    utc(2025, 4, 14, 15, 2, 39, 0),
                    Some(utc(2025, 4, 16, 8, 47, 11, 0)),
                    Some("488e799e49309f3782a4cc85b93299befdceb25a"),
                    Some("555dbfec37eb6f7dddf15af778ea85ec6f7d7bf8"),
                    Some("main"),
                ),
                // Closed unmerged: its merge_commit_sha is a test merge, not a landed commit.
                (
                    "1",
                    utc(2025, 5, 6, 10, 12, 4, 0),
                    None,
                    None,
                    Some("b5652e4c8e09a40f298495309c0554f0bcac3c42"),
                    Some("main"),
                ),
                // Merged with head.sha == merge_commit_sha (fast-forward or rebase).
                (
                    "2",
                    utc(2025, 5, 6, 10, 15, 40, 0),
                    Some(utc(2025, 5, 6, 10, 16, 33, 0)),
                    Some("8c39944d693ab915be949210cd678aa9c1729996"),
                    Some("8c39944d693ab915be949210cd678aa9c1729996"),
                    Some("main"),
                ),
                // Open, with a non-null merge_commit_sha: dropped too.
                (
                    "3",
                    utc(2025, 5, 6, 10, 18, 22, 0),
                    None,
                    None,
                    Some("2a0718766bb36057d01fb81efb995507fbf28797"),
                    Some("main"),
                ),
                // Another repository's #2, open.
                (
                    "2",
                    utc(2025, 7, 21, 16, 44, 9, 0),
                    None,
                    None,
                    Some("c364680fe67ca35cc2c84823764f49a73b3d80f1"),
                    Some("main"),
                ),
            ]
        );
        assert!(
            out.merge_requests
                .iter()
                .all(|m| m.source == "github-pulls" && m.first_commit_at.is_none())
        );
    }

    #[test]
    fn issue_example_without_incident_label_is_ignored() {
        let out = example("github-issue.json");
        assert_eq!(out.format, Some(Format::GithubIssues));
        assert_eq!(
            (out.records, out.ignored, out.incidents.len(), out.problems.len()),
            (1, 1, 0, 0)
        );
    }

    fn status(deployment: u64, id: u64, state: &str, at: &str) -> Value {
        json!({
            "url": format!("https://api.github.com/repos/o/r/deployments/{deployment}/statuses/{id}"),
            "id": id, "state": state, "environment": "production",
            "target_url": "", "log_url": "https://example.com/log",
            "created_at": at, "updated_at": at,
            "deployment_url": format!("https://api.github.com/repos/o/r/deployments/{deployment}")
        })
    }

    #[test]
    fn statuses_first_success_is_deploy_time_latest_failure_fails_inactive_is_not_failure() {
        // Two pages as `gh api --paginate` prints them, newest first.
        let page1 = json!([
            status(1, 19, "inactive", "2024-05-01T12:00:00Z"),
            status(2, 18, "failure", "2024-05-01T11:00:00Z"),
            status(2, 17, "success", "2024-05-01T10:30:00Z"),
            status(1, 16, "success", "2024-05-01T10:20:00Z"),
            status(1, 15, "success", "2024-05-01T10:10:00Z"),
        ]);
        let page2 = json!([
            // Same second: the higher id is the later status.
            status(1, 14, "in_progress", "2024-05-01T10:00:00Z"),
            status(1, 13, "queued", "2024-05-01T10:00:00Z"),
            status(2, 12, "in_progress", "2024-05-01T10:05:00Z"),
            status(3, 11, "in_progress", "2024-05-01T09:00:00Z"),
            status(4, 10, "inactive", "2024-05-01T08:30:00Z"),
            status(4, 9, "queued", "2024-05-01T08:00:00Z"),
        ]);
        let out = lenient(&format!("{page1}{page2}"));
        assert_eq!(out.format, Some(Format::GithubDeploymentStatuses));
        assert_eq!((out.records, out.problems.len()), (11, 0));
        let env = Some("production");
        assert_eq!(
            deps(&out),
            vec![
                (
                    "1",
                    None,
                    env,
                    DeployStatus::Success,
                    Some(utc(2024, 5, 1, 10, 0, 0, 0)),
                    Some(utc(2024, 5, 1, 10, 10, 0, 0)),
                ),
                (
                    "2",
                    None,
                    env,
                    DeployStatus::Failed,
                    Some(utc(2024, 5, 1, 10, 5, 0, 0)),
                    Some(utc(2024, 5, 1, 11, 0, 0, 0)),
                ),
                (
                    "3",
                    None,
                    env,
                    DeployStatus::Running,
                    Some(utc(2024, 5, 1, 9, 0, 0, 0)),
                    None
                ),
                (
                    "4",
                    None,
                    env,
                    DeployStatus::Cancelled,
                    None,
                    Some(utc(2024, 5, 1, 8, 30, 0, 0))
                ),
            ]
        );
    }

    #[test]
    fn statuses_without_deployment_url_or_url_are_one_deployment_named_by_its_oldest_status() {
        let strip = |v: Value| with(v, json!({"-deployment_url": null, "-url": null}));
        let text = json!([
            strip(status(0, 302, "success", "2024-05-02T10:03:00Z")),
            strip(status(0, 301, "in_progress", "2024-05-02T10:01:00Z")),
            strip(status(0, 300, "queued", "2024-05-02T10:00:00Z")),
        ]);
        let out = lenient(&text.to_string());
        assert_eq!(out.format, Some(Format::GithubDeploymentStatuses));
        assert_eq!(
            deps(&out),
            vec![(
                "300",
                None,
                Some("production"),
                DeployStatus::Success,
                Some(utc(2024, 5, 2, 10, 1, 0, 0)),
                Some(utc(2024, 5, 2, 10, 3, 0, 0)),
            )]
        );
    }

    #[test]
    fn status_with_unknown_state_or_no_time_is_skipped_leniently_and_fatal_when_strict() {
        let text = json!([
            status(1, 3, "exploded", "2024-05-01T10:00:00Z"),
            with(status(1, 2, "success", "x"), json!({"created_at": null})),
            status(1, 1, "queued", "2024-05-01T09:00:00Z"),
        ])
        .to_string();
        let out = lenient(&text);
        let fields: Vec<_> = out.problems.iter().map(|p| p.field.as_str()).collect();
        assert_eq!(fields, vec!["state", "created_at"]);
        assert_eq!(
            deps(&out),
            vec![("1", None, Some("production"), DeployStatus::Running, None, None)]
        );
        let err = import_text(&text, &strict()).expect_err("strict");
        assert!(err.0.contains("record 1: state: 'exploded'"), "{err}");
    }

    fn run(extra: Value) -> Value {
        with(
            json!({
                "id": 900, "name": "Deploy", "run_number": 7, "run_attempt": 1, "event": "push",
                "status": "completed", "conclusion": "success",
                "head_sha": "962D82A002BF70E1AA0026D3DB9254AAFEF0F228",
                "created_at": "2024-06-01T10:00:00Z", "run_started_at": "2024-06-01T10:00:30Z",
                "updated_at": "2024-06-01T10:12:00Z"
            }),
            extra,
        )
    }

    #[test]
    fn runs_only_completed_count_conclusions_map_and_reruns_get_an_attempt_suffix() {
        let text = json!({"total_count": 7, "workflow_runs": [
            run(json!({})),
            run(json!({"id": 901, "conclusion": "failure"})),
            run(json!({"id": 902, "conclusion": "cancelled"})),
            run(json!({"id": 903, "status": "in_progress", "conclusion": null})),
            run(json!({"id": 904, "conclusion": "neutral"})),
            run(json!({"id": 905, "run_attempt": 3, "conclusion": "timed_out"})),
            run(json!({"id": 906, "conclusion": "skipped", "run_started_at": null})),
        ]});
        let out = lenient(&text.to_string());
        assert_eq!(out.format, Some(Format::GithubActionsRuns));
        assert_eq!(
            (out.records, out.ignored, out.problems.len()),
            (7, 2, 0),
            "{:?}",
            out.problems
        );
        let sha = sha_ref("962d82a002bf70e1aa0026d3db9254aafef0f228");
        let (start, end) = (
            Some(utc(2024, 6, 1, 10, 0, 30, 0)),
            Some(utc(2024, 6, 1, 10, 12, 0, 0)),
        );
        assert_eq!(
            deps(&out),
            vec![
                ("900", sha.clone(), None, DeployStatus::Success, start, end),
                ("901", sha.clone(), None, DeployStatus::Failed, start, end),
                ("902", sha.clone(), None, DeployStatus::Cancelled, start, end),
                (
                    "905-attempt-3",
                    sha.clone(),
                    None,
                    DeployStatus::Failed,
                    start,
                    end
                ),
                ("906", sha, None, DeployStatus::Cancelled, None, end),
            ]
        );
    }

    #[test]
    fn completed_run_without_conclusion_is_a_problem_and_strict_names_the_field() {
        let text =
            json!({"workflow_runs": [run(json!({"conclusion": null})), run(json!({"id": 2}))]}).to_string();
        let out = lenient(&text);
        assert_eq!(out.deployments.len(), 1);
        assert_eq!(out.problems.len(), 1);
        assert_eq!(out.problems[0].field, "conclusion");
        let err = import_text(&text, &strict()).expect_err("strict");
        assert!(err.0.contains("conclusion: missing"), "{err}");
    }

    #[test]
    fn gh_run_list_json_camel_case_runs() {
        let text = json!([
            {"databaseId": 11, "attempt": 2, "name": "deploy.yml", "workflowName": "Deploy", "number": 4,
             "status": "completed", "conclusion": "success", "headSha": "abcdef1",
             "startedAt": "2024-06-01T10:00:00Z", "updatedAt": "2024-06-01T10:05:00Z", "createdAt": "2024-06-01T09:59:00Z"},
            {"databaseId": 12, "attempt": 1, "workflowName": "Deploy", "number": 5, "status": "queued",
             "conclusion": "", "headSha": "abcdef2", "startedAt": "2024-06-01T11:00:00Z", "updatedAt": "2024-06-01T11:00:00Z"}
        ]);
        let out = lenient(&text.to_string());
        assert_eq!(out.format, Some(Format::GithubActionsRuns));
        assert_eq!((out.ignored, out.problems.len()), (1, 0));
        assert_eq!(
            deps(&out),
            vec![(
                "11-attempt-2",
                sha_ref("abcdef1"),
                None,
                DeployStatus::Success,
                Some(utc(2024, 6, 1, 10, 0, 0, 0)),
                Some(utc(2024, 6, 1, 10, 5, 0, 0)),
            )]
        );
        assert_eq!(out.deployments[0].service.as_deref(), Some("Deploy"));
    }

    fn pull(extra: Value) -> Value {
        with(
            json!({
                "number": 40, "state": "closed", "created_at": "2024-04-01T08:00:00Z",
                "closed_at": "2024-04-02T08:00:00Z", "merged_at": "2024-04-02T08:00:00Z",
                "merge_commit_sha": "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa",
                "head": {"ref": "feature", "sha": "bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb"},
                "base": {"ref": "main", "sha": "cccccccccccccccccccccccccccccccccccccccc"}
            }),
            extra,
        )
    }

    #[test]
    fn unmerged_pull_with_merge_commit_sha_is_not_merged_json_lines_and_odd_offset() {
        let text = [
            pull(json!({})),
            pull(json!({"number": 41, "merged_at": null})),
            pull(json!({"number": 42, "merged_at": "2024-04-02T04:30:00-03:30"})),
        ]
        .map(|v| v.to_string())
        .join("\n");
        let out = lenient(&text);
        assert_eq!(out.format, Some(Format::GithubPulls));
        let got: Vec<_> = out
            .merge_requests
            .iter()
            .map(|m| (m.id.as_str(), m.merged_at, m.merge_sha.as_deref()))
            .collect();
        let a = Some("a".repeat(40));
        assert_eq!(
            got,
            vec![
                ("40", Some(utc(2024, 4, 2, 8, 0, 0, 0)), a.as_deref()),
                ("41", None, None),
                ("42", Some(utc(2024, 4, 2, 8, 0, 0, 0)), a.as_deref()),
            ]
        );
        let b = "b".repeat(40);
        assert!(
            out.merge_requests
                .iter()
                .all(|m| m.head_sha.as_deref() == Some(b.as_str()))
        );
        assert!(
            out.merge_requests
                .iter()
                .all(|m| m.target_branch.as_deref() == Some("main"))
        );
    }

    #[test]
    fn pull_missing_created_at_is_skipped_leniently_and_fatal_when_strict() {
        let text = format!(
            "{}{}",
            json!([pull(json!({"created_at": null}))]),
            json!([pull(json!({"number": 2}))])
        );
        let out = lenient(&text);
        assert_eq!(out.records, 2);
        assert_eq!(
            out.merge_requests
                .iter()
                .map(|m| m.id.as_str())
                .collect::<Vec<_>>(),
            vec!["2"]
        );
        assert_eq!(out.problems.len(), 1);
        assert_eq!(out.problems[0].field, "created_at");
        let err = import_text(&text, &strict()).expect_err("strict");
        assert!(err.0.contains("record 1: created_at: missing"), "{err}");
    }

    #[test]
    fn wrapped_lists_of_pulls_name_problems_by_their_path() {
        let text = json!({"_note": "x", "a": [pull(json!({}))], "b": [pull(json!({"number": 5})), pull(json!({"head": {"sha": "main"}}))]});
        let out = lenient(&text.to_string());
        assert_eq!(out.format, Some(Format::GithubPulls));
        assert_eq!(out.records, 3);
        assert_eq!(out.merge_requests.len(), 2);
        assert_eq!(out.problems.len(), 1);
        assert_eq!(out.problems[0].field, "b.1.head.sha");
    }

    #[test]
    fn gh_pr_list_json_camel_case_pulls() {
        let text = json!([
            {"number": 7, "state": "MERGED", "createdAt": "2024-04-01T08:00:00Z", "mergedAt": "2024-04-03T09:00:00Z",
             "mergeCommit": {"oid": "DDDDDDDDDDDDDDDDDDDDDDDDDDDDDDDDDDDDDDDD"}, "headRefOid": "eeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeee",
             "baseRefName": "main"},
            {"number": 8, "state": "OPEN", "createdAt": "2024-04-01T08:00:00Z", "mergedAt": null,
             "mergeCommit": null, "headRefOid": "ffffffffffffffffffffffffffffffffffffffff", "baseRefName": "release"},
            {"number": 9, "state": "CLOSED", "createdAt": "2024-04-01T08:00:00Z", "mergedAt": "0001-01-01T00:00:00Z",
             "mergeCommit": {"oid": "1111111111111111111111111111111111111111"}, "headRefOid": "2222222",
             "baseRefName": "main"}
        ]);
        let out = lenient(&text.to_string());
        assert_eq!(out.format, Some(Format::GithubPulls));
        assert_eq!(out.problems.len(), 0, "{:?}", out.problems);
        let got: Vec<_> = out
            .merge_requests
            .iter()
            .map(|m| {
                (
                    m.id.as_str(),
                    m.merged_at,
                    m.merge_sha.as_deref(),
                    m.head_sha.as_deref(),
                    m.target_branch.as_deref(),
                )
            })
            .collect();
        assert_eq!(
            got,
            vec![
                (
                    "7",
                    Some(utc(2024, 4, 3, 9, 0, 0, 0)),
                    Some("dddddddddddddddddddddddddddddddddddddddd"),
                    Some("eeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeee"),
                    Some("main"),
                ),
                (
                    "8",
                    None,
                    None,
                    Some("ffffffffffffffffffffffffffffffffffffffff"),
                    Some("release")
                ),
                ("9", None, None, Some("2222222"), Some("main")),
            ]
        );
    }

    fn gh_issue(extra: Value) -> Value {
        with(
            json!({
                "number": 70, "title": "Checkout down", "state": "open", "state_reason": null,
                "labels": [{"id": 1, "name": "Incident"}, {"id": 2, "name": "sev1"}],
                "created_at": "2024-07-01T10:00:00Z", "closed_at": null
            }),
            extra,
        )
    }

    #[test]
    fn issues_incident_label_open_closed_and_pull_requests_ignored() {
        let text = json!([
            gh_issue(json!({})),
            gh_issue(
                json!({"number": 71, "state": "closed", "state_reason": "completed",
                            "closed_at": "2024-07-01T12:34:56+01:00"})
            ),
            gh_issue(json!({"number": 72, "pull_request": {"url": "x"}})),
            gh_issue(json!({"number": 73, "labels": [{"name": "bug"}, {"name": "incidents"}]})),
            gh_issue(
                json!({"number": 74, "state": "open", "closed_at": "2024-07-02T00:00:00Z", "state_reason": "reopened"})
            ),
        ]);
        let out = lenient(&text.to_string());
        assert_eq!(out.format, Some(Format::GithubIssues));
        assert_eq!((out.records, out.ignored, out.problems.len()), (5, 2, 0));
        let got: Vec<_> = out
            .incidents
            .iter()
            .map(|i| (i.id.as_str(), i.started_at, i.resolved_at, i.title.as_deref()))
            .collect();
        let start = utc(2024, 7, 1, 10, 0, 0, 0);
        assert_eq!(
            got,
            vec![
                ("70", start, None, Some("Checkout down")),
                (
                    "71",
                    start,
                    Some(utc(2024, 7, 1, 11, 34, 56, 0)),
                    Some("Checkout down")
                ),
                ("74", start, None, Some("Checkout down")),
            ]
        );
        assert!(out.incidents.iter().all(|i| i.source == "github-issues"));
    }

    #[test]
    fn closed_incident_without_closed_at_is_a_problem() {
        let text = json!([gh_issue(json!({"state": "closed"}))]).to_string();
        let out = lenient(&text);
        assert!(out.incidents.is_empty());
        assert_eq!(out.problems[0].field, "closed_at");
        assert!(
            import_text(&text, &strict())
                .expect_err("strict")
                .0
                .contains("closed_at")
        );
    }

    #[test]
    fn deployment_without_sha_uses_its_ref_and_bad_sha_is_a_problem() {
        let dep = json!({"id": 5, "ref": "v1.2.0", "task": "deploy", "environment": "production",
                         "production_environment": true, "created_at": "2024-01-01T00:00:00Z"});
        let text = json!([dep, with(dep.clone(), json!({"id": 6, "sha": "not-a-sha"}))]);
        let out = lenient(&text.to_string());
        assert_eq!(out.format, Some(Format::GithubDeployments));
        assert_eq!(
            deps(&out),
            vec![(
                "5",
                Some(CommitRef::Ref("v1.2.0".into())),
                Some("production"),
                DeployStatus::Success,
                None,
                Some(utc(2024, 1, 1, 0, 0, 0, 0)),
            )]
        );
        assert_eq!(out.problems.len(), 1);
        assert_eq!(out.problems[0].field, "sha");
    }
}
