//! Apache DevLake (docs/importers.md): its incoming webhook payloads (deployments and
//! incidents), DevLake's "neutral" format.
//!
//! * DevLake `POST /plugins/webhook/connections/:id/deployments` bodies
//!   ([`Format::DevlakeDeployments`]) and `.../issues` bodies ([`Format::DevlakeIncidents`]),
//!   one per record (a list, concatenated documents or JSON Lines). The docs spell keys in
//!   snake_case, DevLake's request structs in camelCase; both are accepted.

use serde_json::Value;

use super::fields::{self, FieldError};
use super::{Ctx, Format, ImportError, Reader};
use crate::model::{CommitRef, DeployStatus, DeploymentRecord, Incident, Instant};

const DL_ID: &[&str] = &["pipeline_id", "pipelineId", "id"];
const DL_COMMIT: &[&str] = &["commit_sha", "commitSha"];
const DL_REF: &[&str] = &["ref_name", "refName"];
const DL_COMMITS: &[&str] = &["deployment_commits", "deploymentCommits"];
const DL_START: &[&str] = &["start_time", "startedDate"];
const DL_END: &[&str] = &["end_time", "finishedDate"];
/// Keys that, with a start time, make a record a DevLake deployment.
const DL_DEPLOYMENT: &[&str] = &[
    "commit_sha",
    "commitSha",
    "pipeline_id",
    "pipelineId",
    "deployment_commits",
    "deploymentCommits",
];
const DL_ISSUE_KEY: &[&str] = &["issue_key", "issueKey"];
const DL_CREATED: &[&str] = &["created_date", "createdDate"];
const DL_RESOLVED: &[&str] = &["resolution_date", "resolutionDate"];

/// Whether the record has one of these top-level keys (present, even if null).
fn has_any(v: Option<&Value>, keys: &[&str]) -> bool {
    v.and_then(Value::as_object)
        .is_some_and(|o| keys.iter().any(|k| o.contains_key(*k)))
}

/// Detects this module's formats.
///
/// * Deployments: `commit_sha` / `commitSha`, `pipeline_id` / `pipelineId` or
///   `deployment_commits` / `deploymentCommits`, together with `start_time` / `startedDate`.
/// * Incidents: `issue_key` / `issueKey` together with `created_date` / `createdDate`.
pub fn sniff(_doc: &Value, first: Option<&Value>) -> Option<Format> {
    if has_any(first, DL_ISSUE_KEY) && has_any(first, DL_CREATED) {
        return Some(Format::DevlakeIncidents);
    }
    if has_any(first, DL_DEPLOYMENT) && has_any(first, DL_START) {
        return Some(Format::DevlakeDeployments);
    }
    None
}

/// The reader for one of this module's formats.
pub fn reader(format: Format, _envelope: Option<&Value>) -> Box<dyn Reader> {
    match format {
        Format::DevlakeIncidents => Box::new(DevlakeIncidents { format }),
        // Only the two DevLake formats are dispatched here; any other is read as deployments,
        // whose reader reports every record it cannot read as a problem.
        _ => Box::new(DevlakeDeployments { format }),
    }
}

/// The first of several spellings of a key that has a value, and its spelling.
fn pick<'a, 'p>(r: &'a Value, names: &[&'p str]) -> Option<(&'a Value, &'p str)> {
    fields::get_any(r, names)
}

/// A required timestamp under one of several spellings.
fn req_time_any(r: &Value, names: &[&str], ctx: &Ctx<'_>) -> Result<(Instant, String), FieldError> {
    match pick(r, names) {
        Some((_, name)) => Ok((fields::req_time(r, name, ctx.zone())?, name.to_owned())),
        None => Err(FieldError::new(
            names[0],
            format!(
                "missing (expected a date and time; also read as {})",
                names[1..].join(", ")
            ),
        )),
    }
}

/// An optional timestamp under one of several spellings.
fn time_any(r: &Value, names: &[&str], ctx: &Ctx<'_>) -> Result<Option<(Instant, String)>, FieldError> {
    match pick(r, names) {
        Some((_, name)) => Ok(fields::time(r, name, ctx.zone())?.map(|t| (t, name.to_owned()))),
        None => Ok(None),
    }
}

/// Reads DevLake webhook deployment payloads.
///
/// * Keys in snake_case (the docs) or camelCase (DevLake's request structs): `pipeline_id` /
///   `pipelineId` / `id`, `commit_sha` / `commitSha`, `ref_name` / `refName`, `start_time` /
///   `startedDate`, `end_time` / `finishedDate`, `deployment_commits` / `deploymentCommits`.
/// * With a non-empty `deployment_commits` list, one deployment per entry, with the id
///   `<pipeline_id>@<commit_sha>`; otherwise one for `commit_sha`, with the id `pipeline_id`.
///   Without a pipeline id (DevLake then makes one from the first commit), the first commit's
///   sha stands in for it. The commit is `commit_sha` (which must look like a commit id), else
///   `ref_name` as a tag or branch name; neither is a problem, as it is for DevLake.
/// * `result`: `SUCCESS` → success, `FAILURE` → failed, `ABORT` → cancelled, absent →
///   success (DevLake's default). `MANUAL` → running: the deployment waits for someone to
///   start it (GitLab's `manual` job status) and has not happened; DevLake's DORA queries
///   likewise count only `SUCCESS` deployments, so it is neither a success nor a failure.
/// * `started_at` = `start_time` (required, as in DevLake); `finished_at` = `end_time`.
///   DevLake stamps a payload without `end_time` with the time it received it, which a file
///   does not record: a finished deployment without `end_time` is a problem.
/// * `environment` as given (`PRODUCTION`, `STAGING`, ...), `None` when absent (DevLake would
///   assume `PRODUCTION`).
/// * Not represented: `repo_url` of each commit (a deployment spanning several repositories
///   gives commits of all of them), `name`, `display_title`, `commit_msg`, `create_time`.
struct DevlakeDeployments {
    format: Format,
}

fn devlake_result(word: &str) -> Option<DeployStatus> {
    Some(match word.to_ascii_uppercase().as_str() {
        "SUCCESS" => DeployStatus::Success,
        "FAILURE" => DeployStatus::Failed,
        "ABORT" => DeployStatus::Cancelled,
        "MANUAL" => DeployStatus::Running,
        _ => return None,
    })
}

/// The commit of a payload or of one of its `deployment_commits`; `prefix` is the entry's
/// path for messages (`deployment_commits.1.`).
fn devlake_commit(r: &Value, prefix: &str) -> Result<Option<CommitRef>, FieldError> {
    if let Some((_, name)) = pick(r, DL_COMMIT) {
        let field = format!("{prefix}{name}");
        let sha = fields::req_text(r, name).map_err(|e| FieldError::new(&field, e.message))?;
        if !fields::is_sha(&sha) {
            return Err(FieldError::new(
                &field,
                format!("'{sha}' is not a commit id (expected 7 to 40 hex digits)"),
            ));
        }
        return Ok(Some(CommitRef::Sha(sha.to_ascii_lowercase())));
    }
    Ok(pick(r, DL_REF)
        .and_then(|(_, name)| fields::text(r, name))
        .map(CommitRef::Ref))
}

fn commit_text(c: &CommitRef) -> &str {
    match c {
        CommitRef::Sha(s) | CommitRef::Ref(s) => s,
    }
}

impl DevlakeDeployments {
    fn deployments(&self, r: &Value, ctx: &Ctx<'_>) -> Result<Vec<DeploymentRecord>, FieldError> {
        let status = match fields::text(r, "result") {
            None => DeployStatus::Success,
            Some(word) => devlake_result(&word).ok_or_else(|| {
                FieldError::new(
                    "result",
                    format!("'{word}' is not a DevLake result (expected SUCCESS, FAILURE, ABORT or MANUAL)"),
                )
            })?,
        };
        let (started_at, start_name) = req_time_any(r, DL_START, ctx)?;
        let finished_at = match (status, time_any(r, DL_END, ctx)?) {
            (DeployStatus::Running, _) => None,
            (_, Some((end, name))) => {
                if end < started_at {
                    return Err(FieldError::new(
                        &name,
                        format!("is before {start_name} (negative duration)"),
                    ));
                }
                Some(end)
            }
            (_, None) => {
                return Err(FieldError::new(
                    DL_END[0],
                    "missing (expected the time the deployment finished; also read as finishedDate)",
                ));
            }
        };
        // (commit, suffix for the id)
        let mut commits: Vec<(CommitRef, bool)> = Vec::new();
        match pick(r, DL_COMMITS) {
            Some((Value::Array(list), name)) if !list.is_empty() => {
                for (i, entry) in list.iter().enumerate() {
                    let prefix = format!("{name}.{i}.");
                    match devlake_commit(entry, &prefix)? {
                        Some(c) => commits.push((c, true)),
                        None => {
                            return Err(FieldError::new(
                                &format!("{prefix}commit_sha"),
                                "missing (expected the deployed commit: commit_sha or ref_name)",
                            ));
                        }
                    }
                }
            }
            Some((Value::Array(_), _)) => {}
            Some((other, name)) => {
                return Err(FieldError::new(
                    name,
                    format!("expected a list of commits, found {}", fields::kind(other)),
                ));
            }
            None => {}
        }
        if commits.is_empty() {
            match devlake_commit(r, "")? {
                Some(c) => commits.push((c, false)),
                None => {
                    return Err(FieldError::new(
                        DL_COMMIT[0],
                        "missing (expected the deployed commit: commit_sha, ref_name or deployment_commits)",
                    ));
                }
            }
        }
        let base = match pick(r, DL_ID) {
            Some((_, name)) => fields::req_text(r, name)?,
            None => commits
                .first()
                .map(|(c, _)| commit_text(c).to_owned())
                .unwrap_or_default(),
        };
        let environment = fields::text(r, "environment");
        Ok(commits
            .into_iter()
            .map(|(commit, per_commit)| DeploymentRecord {
                created_at: None,
                updated_at: None,
                id: if per_commit {
                    format!("{base}@{}", commit_text(&commit))
                } else {
                    base.clone()
                },
                source: self.format.name(),
                commit: Some(commit),
                environment: environment.clone(),
                status,
                started_at: Some(started_at),
                finished_at,
                service: None,
                location: ctx.location.clone(),
            })
            .collect())
    }
}

impl Reader for DevlakeDeployments {
    fn record(&mut self, record: Value, ctx: &mut Ctx<'_>) -> Result<(), ImportError> {
        if !ctx.expect_object(&record, "a deployment payload object")? {
            return Ok(());
        }
        match self.deployments(&record, ctx) {
            Ok(d) => ctx.out.deployments.extend(d),
            Err(e) => ctx.skip(e)?,
        }
        Ok(())
    }
}

/// Reads DevLake webhook issue payloads; only `type: INCIDENT` ones are incidents, the others
/// (`REQUIREMENT`, `BUG`, or no type) are counted as ignored.
///
/// * `id` = `issue_key` / `issueKey`; `title` as given.
/// * `started_at` = `created_date` / `createdDate` (required); `resolved_at` =
///   `resolution_date` / `resolutionDate`. An issue whose `status` is `DONE` but that has no
///   resolution date stays open: `updated_date` is not a resolution time.
/// * `severity` = `severity`, else `priority` (empty text counts as absent).
struct DevlakeIncidents {
    format: Format,
}

impl DevlakeIncidents {
    fn incident(&self, r: &Value, ctx: &Ctx<'_>) -> Result<Incident, FieldError> {
        let id = match pick(r, DL_ISSUE_KEY) {
            Some((_, name)) => fields::req_text(r, name)?,
            None => {
                return Err(FieldError::new(
                    DL_ISSUE_KEY[0],
                    "missing (expected the issue key; also read as issueKey)",
                ));
            }
        };
        let (started_at, start_name) = req_time_any(r, DL_CREATED, ctx)?;
        let resolved_at = match time_any(r, DL_RESOLVED, ctx)? {
            Some((end, name)) if end < started_at => {
                return Err(FieldError::new(
                    &name,
                    format!("is before {start_name} (negative duration)"),
                ));
            }
            other => other.map(|(end, _)| end),
        };
        Ok(Incident {
            labels: Vec::new(),
            id,
            source: self.format.name(),
            title: fields::text(r, "title"),
            started_at,
            resolved_at,
            severity: fields::text(r, "severity").or_else(|| fields::text(r, "priority")),
            service: None,
            deployment: None,
            location: ctx.location.clone(),
        })
    }
}

impl Reader for DevlakeIncidents {
    fn record(&mut self, record: Value, ctx: &mut Ctx<'_>) -> Result<(), ImportError> {
        if !ctx.expect_object(&record, "an issue payload object")? {
            return Ok(());
        }
        if !fields::text(&record, "type").is_some_and(|t| t.eq_ignore_ascii_case("INCIDENT")) {
            ctx.out.ignored += 1;
            return Ok(());
        }
        match self.incident(&record, ctx) {
            Ok(i) => ctx.out.incidents.push(i),
            Err(e) => ctx.skip(e)?,
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use crate::import::testutil::{example, import_text, lenient, rows, sha, strict, utc};

    use serde_json::json;

    use super::*;
    use crate::import::jenkins;

    #[test]
    fn devlake_deployment_example_is_one_failed_production_deployment() {
        let out = example("devlake-webhook-deployment.json");
        assert_eq!(out.format, Some(Format::DevlakeDeployments));
        assert_eq!((out.records, out.ignored), (1, 0));
        assert!(out.problems.is_empty(), "{:?}", out.problems);
        assert_eq!(
            rows(&out),
            vec![(
                "checkout-deploy-20251014-3",
                DeployStatus::Failed,
                Some(utc("2025-10-14T19:30:05Z")),
                Some(utc("2025-10-14T19:52:48Z")),
                sha("7c3e91a04bf28d65e1a9c0f4d7b25e83a6f1c09d")
            )]
        );
        let d = &out.deployments[0];
        assert_eq!(
            (d.source, d.environment.as_deref(), &d.service),
            ("devlake-deployments", Some("PRODUCTION"), &None)
        );
    }

    #[test]
    fn devlake_incident_example_is_one_open_incident_without_severity() {
        let out = example("devlake-webhook-incident.json");
        assert_eq!(out.format, Some(Format::DevlakeIncidents));
        assert_eq!((out.records, out.ignored), (1, 0));
        assert!(out.problems.is_empty(), "{:?}", out.problems);
        assert!(out.deployments.is_empty());
        assert_eq!(out.incidents.len(), 1);
        let i = &out.incidents[0];
        assert_eq!(i.id, "OPS-2291");
        assert_eq!(i.source, "devlake-incidents");
        assert_eq!(i.title.as_deref(), Some("Checkout latency above SLO in eu-west"));
        assert_eq!(i.started_at, utc("2026-02-19T06:47:12Z"));
        assert_eq!(
            (i.resolved_at, &i.severity, &i.service, &i.deployment),
            (None, &None, &None, &None)
        );
    }

    #[test]
    fn devlake_camel_case_payloads_with_deployment_commits_and_offsets_without_colon() {
        // JSON Lines, camelCase keys as in DevLake's request structs, CircleCI-style `+0000`.
        let text = [
            json!({"id": "pipe-7", "environment": "STAGING", "startedDate": "2024-03-01T10:00:00+0000",
                   "finishedDate": "2024-03-01T11:05:30.5+0100", "result": "ABORT",
                   "deploymentCommits": [
                       {"repoUrl": "https://example.com/a", "commitSha": "AAAAAAA1111111"},
                       {"repoUrl": "https://example.com/b", "refName": "v1.2.3"}]}),
            json!({"pipelineId": "pipe-8", "commitSha": "bbbbbbb", "startedDate": "2024-03-02 09:00:00 -0800",
                   "result": "MANUAL", "finishedDate": "2024-03-02 09:01:00 -0800"}),
            json!({"commitSha": "ccccccc", "refName": "main", "startedDate": "2024-03-03T00:00:00Z",
                   "finishedDate": "2024-03-03T00:00:01Z"}),
            json!({"refName": "release-9", "pipeline_id": "p9", "start_time": "2024-03-04T00:00:00Z",
                   "end_time": "2024-03-04T00:00:02Z", "result": "success", "deployment_commits": []}),
        ]
        .iter()
        .map(Value::to_string)
        .collect::<Vec<_>>()
        .join("\n");
        let out = lenient(&text);
        assert_eq!(out.format, Some(Format::DevlakeDeployments));
        assert_eq!(out.records, 4);
        assert!(out.problems.is_empty(), "{:?}", out.problems);
        let ended = Some(utc("2024-03-01T10:05:30.500Z"));
        let started = Some(utc("2024-03-01T10:00:00Z"));
        assert_eq!(
            rows(&out),
            vec![
                (
                    "pipe-7@aaaaaaa1111111",
                    DeployStatus::Cancelled,
                    started,
                    ended,
                    sha("aaaaaaa1111111")
                ),
                (
                    "pipe-7@v1.2.3",
                    DeployStatus::Cancelled,
                    started,
                    ended,
                    Some(CommitRef::Ref("v1.2.3".into()))
                ),
                (
                    "pipe-8",
                    DeployStatus::Running,
                    Some(utc("2024-03-02T17:00:00Z")),
                    None,
                    sha("bbbbbbb")
                ),
                (
                    "ccccccc",
                    DeployStatus::Success,
                    Some(utc("2024-03-03T00:00:00Z")),
                    Some(utc("2024-03-03T00:00:01Z")),
                    sha("ccccccc")
                ),
                (
                    "p9",
                    DeployStatus::Success,
                    Some(utc("2024-03-04T00:00:00Z")),
                    Some(utc("2024-03-04T00:00:02Z")),
                    Some(CommitRef::Ref("release-9".into()))
                ),
            ]
        );
        let envs: Vec<_> = out.deployments.iter().map(|d| d.environment.as_deref()).collect();
        assert_eq!(envs, vec![Some("STAGING"), Some("STAGING"), None, None, None]);
        assert_eq!(
            out.deployments
                .iter()
                .map(|d| d.location.line)
                .collect::<Vec<_>>(),
            vec![None; 5]
        );
        assert_eq!(
            out.deployments
                .iter()
                .map(|d| d.location.record)
                .collect::<Vec<_>>(),
            vec![1, 1, 2, 3, 4]
        );
    }

    #[test]
    fn devlake_deployment_problems_name_the_field_and_strict_stops() {
        let text = json!([
            {"pipeline_id": "ok", "commit_sha": "abcdef1", "start_time": "2024-01-01T00:00:00Z", "end_time": "2024-01-01T00:01:00Z"},
            {"pipeline_id": "nostart", "commit_sha": "abcdef1", "end_time": "2024-01-01T00:01:00Z"},
            {"pipeline_id": "noend", "commit_sha": "abcdef1", "start_time": "2024-01-01T00:00:00Z", "result": "SUCCESS"},
            {"pipeline_id": "badsha", "commit_sha": "release-1", "start_time": "2024-01-01T00:00:00Z", "end_time": "2024-01-01T00:01:00Z"},
            {"pipeline_id": "badresult", "commit_sha": "abcdef1", "start_time": "2024-01-01T00:00:00Z", "end_time": "2024-01-01T00:01:00Z", "result": "MAYBE"},
            {"pipeline_id": "backwards", "commit_sha": "abcdef1", "start_time": "2024-01-01T00:00:00Z", "end_time": "2023-01-01T00:00:00Z"},
            {"pipeline_id": "entry", "start_time": "2024-01-01T00:00:00Z", "end_time": "2024-01-01T00:01:00Z",
             "deployment_commits": [{"commit_sha": "abcdef1"}, {"repo_url": "x"}]},
            {"pipeline_id": "naive", "commit_sha": "abcdef1", "start_time": "2024-01-01 00:00:00", "end_time": "2024-01-01T00:01:00Z"}
        ])
        .to_string();
        let out = lenient(&text);
        assert_eq!(out.format, Some(Format::DevlakeDeployments));
        assert_eq!(
            out.deployments.iter().map(|d| d.id.as_str()).collect::<Vec<_>>(),
            vec!["ok"]
        );
        let problems: Vec<_> = out
            .problems
            .iter()
            .map(|p| (p.location.record, p.field.as_str()))
            .collect();
        assert_eq!(
            problems,
            vec![
                (2, "start_time"),
                (3, "end_time"),
                (4, "commit_sha"),
                (5, "result"),
                (6, "end_time"),
                (7, "deployment_commits.1.commit_sha"),
                (8, "start_time"),
            ]
        );
        let err = import_text(&text, &strict()).unwrap_err();
        assert!(err.0.contains("record 2: start_time: missing"), "{err}");
    }

    #[test]
    fn devlake_incidents_only_type_incident_counts_and_camel_case_is_read() {
        let text = [
            json!({"issueKey": "OPS-1", "title": "db down", "type": "INCIDENT", "status": "DONE",
                   "createdDate": "2024-02-01T08:00:00+0000", "resolutionDate": "2024-02-01T09:30:00.125+0000",
                   "priority": "P1", "severity": ""}),
            json!({"issue_key": "DEV-2", "title": "a bug", "type": "BUG", "created_date": "2024-02-01T08:00:00Z"}),
            json!({"issue_key": "DEV-3", "title": "no type", "created_date": "2024-02-01T08:00:00Z"}),
            json!({"issue_key": "OPS-4", "type": "incident", "created_date": "2024-02-02T08:00:00+02:00",
                   "severity": "SEV2", "priority": "P3"}),
            json!({"issue_key": "OPS-5", "type": "INCIDENT", "created_date": "2024-02-02T08:00:00Z",
                   "resolution_date": "2024-02-01T08:00:00Z"}),
            json!({"issue_key": "OPS-6", "type": "INCIDENT"}),
        ]
        .iter()
        .map(Value::to_string)
        .collect::<Vec<_>>()
        .join("\n");
        let out = lenient(&text);
        assert_eq!(out.format, Some(Format::DevlakeIncidents));
        assert_eq!((out.records, out.ignored), (6, 2));
        let got: Vec<_> = out
            .incidents
            .iter()
            .map(|i| {
                (
                    i.id.as_str(),
                    i.title.as_deref(),
                    i.started_at,
                    i.resolved_at,
                    i.severity.as_deref(),
                )
            })
            .collect();
        assert_eq!(
            got,
            vec![
                (
                    "OPS-1",
                    Some("db down"),
                    utc("2024-02-01T08:00:00Z"),
                    Some(utc("2024-02-01T09:30:00.125Z")),
                    Some("P1")
                ),
                ("OPS-4", None, utc("2024-02-02T06:00:00Z"), None, Some("SEV2")),
            ]
        );
        let problems: Vec<_> = out
            .problems
            .iter()
            .map(|p| (p.location.record, p.field.as_str()))
            .collect();
        assert_eq!(problems, vec![(5, "resolution_date"), (6, "created_date")]);
        let err = import_text(&text, &strict()).unwrap_err();
        assert!(
            err.0
                .contains("record 5: resolution_date: is before created_date"),
            "{err}"
        );
    }
    #[test]
    fn sniff_tells_jenkins_and_devlake_apart_and_leaves_other_records_alone() {
        // Jenkins first, then DevLake, as the detection chain (`import::sniff_json`) asks them.
        let sniff = |doc: &Value, first: Option<&Value>| {
            jenkins::sniff(doc, first).or_else(|| super::sniff(doc, first))
        };
        let build = json!({"number": 1, "result": null, "timestamp": 1, "duration": 0});
        let job = json!({"_class": "org.jenkinsci.plugins.workflow.job.WorkflowJob"});
        let run = json!({"_class": "hudson.model.FreeStyleBuild", "number": 1});
        assert_eq!(sniff(&Value::Null, Some(&build)), Some(Format::JenkinsBuilds));
        assert_eq!(
            sniff(&job, Some(&json!({"number": 1}))),
            Some(Format::JenkinsBuilds)
        );
        assert_eq!(sniff(&Value::Null, Some(&run)), Some(Format::JenkinsBuilds));
        let camel = json!({"commitSha": "abc1234", "startedDate": "2024-01-01T00:00:00Z"});
        let snake = json!({"pipeline_id": "p", "start_time": "2024-01-01T00:00:00Z"});
        assert_eq!(
            sniff(&Value::Null, Some(&camel)),
            Some(Format::DevlakeDeployments)
        );
        assert_eq!(
            sniff(&Value::Null, Some(&snake)),
            Some(Format::DevlakeDeployments)
        );
        let issue = json!({"issueKey": "X-1", "createdDate": "2024-01-01T00:00:00Z"});
        assert_eq!(sniff(&Value::Null, Some(&issue)), Some(Format::DevlakeIncidents));
        for other in [
            json!({"pipelineExecutionId": "x", "status": "Succeeded", "startTime": 1}),
            json!({"id": 1, "sha": "abcdef1", "ref": "main", "status": "success", "created_at": "2024-01-01T00:00:00Z"}),
            json!({"id": "x", "commit_sha": "abcdef1", "finished_at": "2024-01-01T00:00:00Z"}),
            json!({"key": "OPS-1", "created": "2024-01-01T00:00:00Z"}),
            json!({"number": 1, "result": "SUCCESS"}),
        ] {
            assert_eq!(sniff(&Value::Null, Some(&other)), None, "{other}");
        }
        assert_eq!(sniff(&Value::Null, None), None);
    }
}
