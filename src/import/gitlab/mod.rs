//! GitLab REST API v4 exports (docs/importers.md): deployments, merge requests, the commits of a
//! merge request, and issues (of which only incidents are kept). Every list endpoint returns a
//! bare array; `glab api --paginate` output (arrays one after another) and JSON Lines are split
//! by `envelope`.

use serde_json::Value;

use super::fields::{self, FieldError};
use super::{Ctx, Format, ImportError, MrCommit, Reader};
use crate::model::{CommitRef, DeployStatus, DeploymentRecord, Incident, MergeRequest};

/// Detects this module's formats from the keys of the first record. GitLab wraps nothing, so
/// the envelope (`doc`) says nothing and is not looked at.
pub fn sniff(_doc: &Value, first: Option<&Value>) -> Option<Format> {
    let has = |keys: &[&str]| fields::has_keys(first, keys);
    if has(&["iid", "deployable", "environment"]) {
        return Some(Format::GitlabDeployments);
    }
    if has(&["iid", "source_branch", "target_branch"]) {
        return Some(Format::GitlabMergeRequests);
    }
    if has(&["id", "short_id", "authored_date"]) {
        return Some(Format::GitlabMergeRequestCommits);
    }
    if has(&["iid", "issue_type"]) || (has(&["iid", "closed_at"]) && labels_are_text(first?)) {
        return Some(Format::GitlabIssues);
    }
    None
}

/// GitLab's `labels` is a list of names (unless `with_labels_details=true`); GitHub's is a list
/// of objects.
fn labels_are_text(record: &Value) -> bool {
    record
        .get("labels")
        .and_then(Value::as_array)
        .is_some_and(|l| l.iter().all(Value::is_string))
}

/// The reader for one of this module's formats.
pub fn reader(format: Format, _envelope: Option<&Value>) -> Box<dyn Reader> {
    Box::new(GitLab { format })
}

struct GitLab {
    format: Format,
}

impl GitLab {
    /// `GET /projects/:id/deployments`. The entity has no top-level `finished_at`: the time is
    /// the deploy job's `deployable.finished_at`, else (a deployment created through the API,
    /// `deployable: null`) `updated_at`, which is only taken as a finish time once the
    /// top-level `status` says the deployment is over. The status is the deployment's own
    /// top-level `status`, never the job's `deployable.status` (GitLab's documented example has
    /// `created` beside a successful job).
    fn deployment(&self, r: &Value, ctx: &Ctx<'_>) -> Result<DeploymentRecord, FieldError> {
        let id = fields::req_text(r, "id")?;
        let commit = fields::req_sha(r, "sha")?;
        let word = fields::req_text(r, "status")?;
        let status = fields::deploy_status(&word).ok_or_else(|| {
            FieldError::new(
                "status",
                format!("'{word}' is not a deployment status (expected created, running, success, failed, canceled or blocked)"),
            )
        })?;
        let started_at = fields::time(r, "deployable.started_at", ctx.zone())?;
        let (finished_at, finished_field) = match fields::time(r, "deployable.finished_at", ctx.zone())? {
            Some(t) => (Some(t), "deployable.finished_at"),
            None if status == DeployStatus::Running => (None, ""),
            None => (Some(fields::req_time(r, "updated_at", ctx.zone())?), "updated_at"),
        };
        if let (Some(s), Some(f)) = (started_at, finished_at)
            && f < s
        {
            return Err(FieldError::new(
                finished_field,
                "is before deployable.started_at (negative duration)",
            ));
        }
        Ok(DeploymentRecord {
            created_at: fields::time(r, "created_at", ctx.zone())?,
            updated_at: fields::time(r, "updated_at", ctx.zone())?,
            id,
            source: self.format.name(),
            commit: Some(CommitRef::Sha(commit)),
            environment: fields::text(r, "environment.name").or_else(|| fields::text(r, "environment")),
            status,
            started_at,
            finished_at,
            service: None,
            location: ctx.location.clone(),
        })
    }

    /// `GET /projects/:id/merge_requests`. Merged only when `state` is `merged`; the landed
    /// commit is `merge_commit_sha`, else `squash_commit_sha`, else `sha` (fast-forward).
    fn merge_request(&self, r: &Value, ctx: &Ctx<'_>) -> Result<MergeRequest, FieldError> {
        let id = fields::req_text(r, "iid")?;
        let created_at = fields::req_time(r, "created_at", ctx.zone())?;
        let state = fields::req_text(r, "state")?;
        let head_sha = fields::sha(r, "sha")?;
        let merged = state.eq_ignore_ascii_case("merged");
        let (merged_at, merge_sha) = if merged {
            let at = fields::time(r, "merged_at", ctx.zone())?.ok_or_else(|| {
                FieldError::new(
                    "merged_at",
                    "missing although state is merged (expected the merge time)",
                )
            })?;
            let landed = match fields::sha(r, "merge_commit_sha")? {
                Some(s) => Some(s),
                None => fields::sha(r, "squash_commit_sha")?.or_else(|| head_sha.clone()),
            };
            (Some(at), landed)
        } else {
            (None, None)
        };
        Ok(MergeRequest {
            updated_at: fields::time(r, "updated_at", ctx.zone())?,
            commit_created_at: Vec::new(),
            id,
            source: self.format.name(),
            created_at,
            merged_at,
            merge_sha,
            head_sha,
            target_branch: fields::text(r, "target_branch"),
            first_commit_at: None,
            location: ctx.location.clone(),
        })
    }

    /// `GET /projects/:id/merge_requests/:iid/commits`. The body does not say which merge
    /// request it is about, so `merge_request` stays `None`. The commit's time is its
    /// `authored_date`, else its `created_at` (GitLab's committed date, the field the common
    /// scripts read): a commit with either counts.
    fn mr_commit(&self, r: &Value, ctx: &Ctx<'_>) -> Result<MrCommit, FieldError> {
        let sha = fields::req_sha(r, "id")?;
        let created_at = fields::time(r, "created_at", ctx.zone())?;
        let authored_at = match fields::time(r, "authored_date", ctx.zone())? {
            Some(t) => t,
            None => created_at.ok_or_else(|| {
                FieldError::new(
                    "authored_date",
                    "missing, and so is created_at (expected the commit's time in either)",
                )
            })?,
        };
        Ok(MrCommit {
            created_at,
            merge_request: None,
            sha,
            authored_at,
            location: ctx.location.clone(),
        })
    }

    /// `GET /projects/:id/issues`. `None` for an issue that is not an incident. An incident is
    /// resolved at `closed_at`, and only while `state` is `closed` (a reopened incident is
    /// open again).
    fn incident(&self, r: &Value, ctx: &Ctx<'_>) -> Result<Option<Incident>, FieldError> {
        if !is_incident(r) {
            return Ok(None);
        }
        let id = fields::req_text(r, "iid")?;
        let started_at = fields::req_time(r, "created_at", ctx.zone())?;
        let closed = match fields::text(r, "state") {
            Some(s) => s.eq_ignore_ascii_case("closed"),
            None => fields::get(r, "closed_at").is_some(),
        };
        let resolved_at = if closed {
            let t = fields::time(r, "closed_at", ctx.zone())?.ok_or_else(|| {
                FieldError::new(
                    "closed_at",
                    "missing although state is closed (expected the close time)",
                )
            })?;
            if t < started_at {
                return Err(FieldError::new(
                    "closed_at",
                    "is before created_at (negative duration)",
                ));
            }
            Some(t)
        } else {
            None
        };
        Ok(Some(Incident {
            labels: label_names(r),
            id,
            source: self.format.name(),
            title: fields::text(r, "title"),
            started_at,
            resolved_at,
            severity: fields::text(r, "severity"),
            service: None,
            deployment: None,
            location: ctx.location.clone(),
        }))
    }
}

/// Label names: GitLab gives names, or objects with a `name` when exported
/// `with_labels_details`.
fn label_names(r: &Value) -> Vec<String> {
    r.get("labels")
        .and_then(Value::as_array)
        .map(|labels| {
            labels
                .iter()
                .filter_map(|l| l.as_str().or_else(|| l.get("name").and_then(Value::as_str)))
                .map(str::to_owned)
                .collect()
        })
        .unwrap_or_default()
}

/// `issue_type: incident`, `type: INCIDENT`, or a label named `incident` (any case; labels
/// are names, or objects with a `name` when exported `with_labels_details`).
fn is_incident(r: &Value) -> bool {
    let is = |path: &str| fields::text(r, path).is_some_and(|t| t.eq_ignore_ascii_case("incident"));
    if is("issue_type") || is("type") {
        return true;
    }
    label_names(r)
        .iter()
        .any(|n| n.trim().eq_ignore_ascii_case("incident"))
}

impl Reader for GitLab {
    fn record(&mut self, record: Value, ctx: &mut Ctx<'_>) -> Result<(), ImportError> {
        if !ctx.expect_object(&record, "an object")? {
            return Ok(());
        }
        let r = &record;
        let result = match self.format {
            Format::GitlabDeployments => self.deployment(r, ctx).map(|d| ctx.out.deployments.push(d)),
            Format::GitlabMergeRequests => self.merge_request(r, ctx).map(|m| ctx.out.merge_requests.push(m)),
            Format::GitlabMergeRequestCommits => self.mr_commit(r, ctx).map(|c| ctx.out.mr_commits.push(c)),
            Format::GitlabIssues => self.incident(r, ctx).map(|i| match i {
                Some(i) => ctx.out.incidents.push(i),
                None => ctx.out.ignored += 1,
            }),
            other => {
                return Err(ctx.fatal(
                    "",
                    format!("{} is not a GitLab format (internal error)", other.name()),
                ));
            }
        };
        match result {
            Ok(()) => Ok(()),
            Err(e) => ctx.skip(e),
        }
    }
}

#[cfg(test)]
mod tests;
