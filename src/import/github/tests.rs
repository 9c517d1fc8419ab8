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
