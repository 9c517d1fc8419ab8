//! Jenkins (docs/importers.md): builds as deployments.
//!
//! * Jenkins `/job/<j>/api/json` ([`Format::JenkinsBuilds`]): one build object, or a job with
//!   `builds[]` (`?tree=fullName,builds[number,result,timestamp,duration,building,
//!   actions[lastBuiltRevision[SHA1]]]`).

use serde_json::Value;

use super::fields::{self, FieldError};
use super::{Ctx, Format, ImportError, Reader};
use crate::model::{CommitRef, DeployStatus, DeploymentRecord};
use crate::time::parse as time;

/// Whether a `_class` names a Jenkins class (`hudson.model.FreeStyleBuild`,
/// `org.jenkinsci.plugins.workflow.job.WorkflowRun`).
fn jenkins_class(v: Option<&Value>) -> bool {
    v.and_then(|v| v.get("_class"))
        .and_then(Value::as_str)
        .is_some_and(|c| {
            let c = c.to_ascii_lowercase();
            c.contains("hudson") || c.contains("jenkins")
        })
}

/// Detects this module's format: a `_class` naming a Jenkins class on the job (envelope) or the
/// build, or a build with `number`, `result`, `timestamp` and `duration`.
pub fn sniff(doc: &Value, first: Option<&Value>) -> Option<Format> {
    if jenkins_class(Some(doc))
        || jenkins_class(first)
        || fields::has_keys(first, &["number", "result", "timestamp", "duration"])
    {
        return Some(Format::JenkinsBuilds);
    }
    None
}

/// The reader for this module's format. The envelope is the job object around `builds[]`: its
/// `fullName` (else `name`) prefixes the build numbers.
pub fn reader(format: Format, envelope: Option<&Value>) -> Box<dyn Reader> {
    Box::new(Jenkins {
        format,
        job: envelope.and_then(|e| fields::text(e, "fullName").or_else(|| fields::text(e, "name"))),
    })
}

/// Reads Jenkins build objects.
///
/// * `id` = `number`, as `<job>#<number>` when the job object around `builds[]` has a
///   `fullName` or `name` (a single build object has no job around it: then just `number`).
/// * `started_at` = `timestamp` (epoch milliseconds, always: Jenkins writes nothing else).
/// * `status`: `building: true` → running, whatever `result` already says (Jenkins can set a
///   result before the build has finished its post-build steps); else `result` `SUCCESS` →
///   success, `FAILURE` and `UNSTABLE` → failed, `ABORTED` and `NOT_BUILT` → cancelled, and
///   `null` → running (a `tree=` query without `building` shows a running build only this
///   way). Another word is a problem.
/// * `finished_at` = `timestamp + duration` (milliseconds) once finished; `None` while running.
/// * `commit`: the first `actions[]` entry with `lastBuiltRevision.SHA1` (the git plugin's
///   `BuildData`), else `None`.
/// * The legacy build `id` (`2025-11-04_08-08-31`) is server-local time and is not used.
struct Jenkins {
    format: Format,
    job: Option<String>,
}

fn jenkins_status(word: &str) -> Option<DeployStatus> {
    Some(match word {
        "SUCCESS" => DeployStatus::Success,
        "FAILURE" | "UNSTABLE" => DeployStatus::Failed,
        "ABORTED" | "NOT_BUILT" => DeployStatus::Cancelled,
        _ => return None,
    })
}

/// A whole number of milliseconds.
fn millis(r: &Value, name: &str, what: &str) -> Result<i64, FieldError> {
    match fields::get(r, name) {
        None => Err(FieldError::new(name, format!("missing (expected {what})"))),
        Some(v) => v
            .as_i64()
            .ok_or_else(|| FieldError::new(name, format!("{} is not {what}", fields::shown(v)))),
    }
}

impl Jenkins {
    fn build(&self, r: &Value, ctx: &Ctx<'_>) -> Result<DeploymentRecord, FieldError> {
        let number = fields::req_text(r, "number")?;
        let id = match &self.job {
            Some(job) => format!("{job}#{number}"),
            None => number,
        };
        let ms = millis(r, "timestamp", "the build's start in epoch milliseconds")?;
        let started_at = time::epoch_millis(ms)
            .map_err(|e| FieldError::new("timestamp", format!("{ms} {}", e.explain())))?;
        let building = r.get("building").and_then(Value::as_bool).unwrap_or(false);
        let status = match fields::text(r, "result") {
            _ if building => DeployStatus::Running,
            None => DeployStatus::Running,
            Some(word) => jenkins_status(&word).ok_or_else(|| {
                FieldError::new(
                    "result",
                    format!("'{word}' is not a Jenkins build result (expected SUCCESS, FAILURE, UNSTABLE, ABORTED, NOT_BUILT or null)"),
                )
            })?,
        };
        let finished_at = match status {
            DeployStatus::Running => None,
            _ => {
                let duration = millis(r, "duration", "the build's duration in milliseconds")?;
                if duration < 0 {
                    return Err(FieldError::new(
                        "duration",
                        format!("{duration} is negative (expected milliseconds)"),
                    ));
                }
                let end = started_at
                    .checked_add_signed(chrono::Duration::milliseconds(duration))
                    .ok_or_else(|| FieldError::new("duration", format!("{duration} is out of range")))?;
                Some(end)
            }
        };
        let commit = r
            .get("actions")
            .and_then(Value::as_array)
            .into_iter()
            .flatten()
            .find_map(|a| fields::text(a, "lastBuiltRevision.SHA1"))
            .map(|sha| {
                if fields::is_sha(&sha) {
                    Ok(CommitRef::Sha(sha.to_ascii_lowercase()))
                } else {
                    Err(FieldError::new(
                        "actions.lastBuiltRevision.SHA1",
                        format!("'{sha}' is not a commit id (expected 7 to 40 hex digits)"),
                    ))
                }
            })
            .transpose()?;
        Ok(DeploymentRecord {
            created_at: None,
            updated_at: None,
            id,
            source: self.format.name(),
            commit,
            environment: None,
            status,
            started_at: Some(started_at),
            finished_at,
            service: None,
            location: ctx.location.clone(),
        })
    }
}

impl Reader for Jenkins {
    fn record(&mut self, record: Value, ctx: &mut Ctx<'_>) -> Result<(), ImportError> {
        if !ctx.expect_object(&record, "a build object")? {
            return Ok(());
        }
        match self.build(&record, ctx) {
            Ok(d) => ctx.out.deployments.push(d),
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

    #[test]
    fn jenkins_single_build_example_ends_timestamp_plus_duration() {
        let out = example("jenkins-build.json");
        assert_eq!(out.format, Some(Format::JenkinsBuilds));
        assert_eq!((out.records, out.ignored), (1, 0));
        assert!(out.problems.is_empty(), "{:?}", out.problems);
        assert_eq!(
            rows(&out),
            // The legacy id "2025-11-04_08-08-31" is server-local time (UTC-6) and is not
            // used: the start is the epoch-ms timestamp, the end adds 212,847 ms.
            vec![(
                "57",
                DeployStatus::Success,
                Some(utc("2025-11-04T14:08:31.552Z")),
                Some(utc("2025-11-04T14:12:04.399Z")),
                None
            )]
        );
        let d = &out.deployments[0];
        assert_eq!(
            (d.source, &d.environment, &d.service),
            ("jenkins-builds", &None, &None)
        );
    }

    #[test]
    fn jenkins_job_builds_tree_example_gives_two_builds_success_and_failure() {
        let out = example("jenkins-job-builds-tree.json");
        assert_eq!(out.format, Some(Format::JenkinsBuilds));
        assert_eq!((out.records, out.ignored), (2, 0));
        assert!(out.problems.is_empty(), "{:?}", out.problems);
        assert_eq!(
            rows(&out),
            vec![
                (
                    "1288",
                    DeployStatus::Success,
                    Some(utc("2026-03-10T11:22:19.804Z")),
                    Some(utc("2026-03-10T11:22:56.396Z")),
                    None
                ),
                (
                    "1287",
                    DeployStatus::Failed,
                    Some(utc("2026-03-10T11:20:45.318Z")),
                    Some(utc("2026-03-10T11:21:26.525Z")),
                    None
                ),
            ]
        );
        assert_eq!(
            out.deployments
                .iter()
                .map(|d| d.location.record)
                .collect::<Vec<_>>(),
            vec![1, 2]
        );
    }

    #[test]
    fn jenkins_building_build_is_running_and_job_name_prefixes_ids_and_git_sha_is_the_commit() {
        let text = json!({
            "_class": "hudson.model.FreeStyleProject",
            "fullName": "team/app",
            "builds": [
                {"_class": "hudson.model.FreeStyleBuild", "number": 44, "result": null, "building": true,
                 "timestamp": 1700000000000_i64, "duration": 0,
                 "actions": [null, {}, {"_class": "hudson.plugins.git.util.BuildData",
                                        "lastBuiltRevision": {"SHA1": "ABCDEF0123456789abcdef0123456789ABCDEF01"}}]},
                {"number": 43, "result": "UNSTABLE", "building": false, "timestamp": 1699999000000_i64, "duration": 1500},
                {"number": 42, "result": "ABORTED", "timestamp": 1699998000000_i64, "duration": 250},
                {"number": 41, "result": "NOT_BUILT", "timestamp": 1699997000000_i64, "duration": 0},
                // Result already set, but the build is still in its post-build steps.
                {"number": 40, "result": "SUCCESS", "building": true, "timestamp": 1699996000000_i64, "duration": 0},
                // A tree query without `building`: null result means still running.
                {"number": 39, "result": null, "timestamp": 1699995000000_i64, "duration": 0}
            ]
        });
        let out = lenient(&text.to_string());
        assert_eq!(out.format, Some(Format::JenkinsBuilds));
        assert!(out.problems.is_empty(), "{:?}", out.problems);
        assert_eq!(
            rows(&out),
            vec![
                (
                    "team/app#44",
                    DeployStatus::Running,
                    Some(utc("2023-11-14T22:13:20Z")),
                    None,
                    sha("abcdef0123456789abcdef0123456789abcdef01")
                ),
                (
                    "team/app#43",
                    DeployStatus::Failed,
                    Some(utc("2023-11-14T21:56:40Z")),
                    Some(utc("2023-11-14T21:56:41.500Z")),
                    None
                ),
                (
                    "team/app#42",
                    DeployStatus::Cancelled,
                    Some(utc("2023-11-14T21:40:00Z")),
                    Some(utc("2023-11-14T21:40:00.250Z")),
                    None
                ),
                (
                    "team/app#41",
                    DeployStatus::Cancelled,
                    Some(utc("2023-11-14T21:23:20Z")),
                    Some(utc("2023-11-14T21:23:20Z")),
                    None
                ),
                (
                    "team/app#40",
                    DeployStatus::Running,
                    Some(utc("2023-11-14T21:06:40Z")),
                    None,
                    None
                ),
                (
                    "team/app#39",
                    DeployStatus::Running,
                    Some(utc("2023-11-14T20:50:00Z")),
                    None,
                    None
                ),
            ]
        );
    }

    #[test]
    fn jenkins_bad_builds_are_problems_and_fatal_when_strict() {
        let text = json!({"builds": [
            {"number": 5, "result": "SUCCESS", "timestamp": 1700000000000_i64, "duration": 10},
            {"number": 4, "result": "EXPLODED", "timestamp": 1700000000000_i64, "duration": 10},
            {"number": 3, "result": "SUCCESS", "timestamp": "yesterday", "duration": 10},
            {"number": 2, "result": "FAILURE", "timestamp": 1700000000000_i64},
            {"number": 1, "result": "SUCCESS", "timestamp": 1700000000000_i64, "duration": 10,
             "actions": [{"lastBuiltRevision": {"SHA1": "not-a-sha"}}]}
        ]})
        .to_string();
        let out = lenient(&text);
        assert_eq!(out.format, Some(Format::JenkinsBuilds));
        assert_eq!(
            out.deployments.iter().map(|d| d.id.as_str()).collect::<Vec<_>>(),
            vec!["5"]
        );
        let problems: Vec<_> = out
            .problems
            .iter()
            .map(|p| (p.location.record, p.field.as_str()))
            .collect();
        assert_eq!(
            problems,
            vec![
                (2, "result"),
                (3, "timestamp"),
                (4, "duration"),
                (5, "actions.lastBuiltRevision.SHA1")
            ]
        );
        let err = import_text(&text, &strict()).unwrap_err();
        assert!(err.0.contains("record 2: result: 'EXPLODED'"), "{err}");
    }
}
