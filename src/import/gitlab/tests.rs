use crate::import::testutil::{example, import_text, lenient, strict, utc_parts as utc};

use serde_json::{Value, json};

use super::*;
use crate::import::ImportOptions;

fn sha_ref(s: &str) -> Option<CommitRef> {
    Some(CommitRef::Sha(s.to_owned()))
}

#[test]
fn deployments_example_is_two_running_deployments_timed_by_their_deploy_job() {
    let out = example("gitlab-deployments.json");
    assert_eq!(out.format, Some(Format::GitlabDeployments));
    assert_eq!(
        (out.records, out.ignored, out.problems.len()),
        (2, 0, 0),
        "{:?}",
        out.problems
    );
    let got: Vec<_> = out
        .deployments
        .iter()
        .map(|d| {
            (
                d.id.as_str(),
                d.source,
                d.commit.clone(),
                d.environment.as_deref(),
                d.status,
                d.started_at,
                d.finished_at,
            )
        })
        .collect();
    assert_eq!(
        got,
        vec![
            (
                "3107",
                "gitlab-deployments",
                sha_ref("6741a1e814ae9f73240562d3ce72fd09f33b54f9"),
                Some("production"),
                // The top-level status is `created` although the job succeeded.
                DeployStatus::Running,
                // The job's `started_at` is null: no start time.
                None,
                Some(utc(2025, 11, 18, 9, 14, 51, 276)),
            ),
            (
                "3112",
                "gitlab-deployments",
                sha_ref("c1943c981bf745a9b00861eb0466d609bc39e4e7"),
                Some("production"),
                DeployStatus::Running,
                None,
                Some(utc(2025, 11, 19, 14, 41, 7, 993)),
            ),
        ]
    );
    assert_eq!(out.deployments[1].location.record, 2);
    assert_eq!(out.deployments[0].service, None);
}

#[test]
fn merge_requests_example_fast_forward_lands_the_head_sha() {
    let out = example("gitlab-merge-requests.json");
    assert_eq!(out.format, Some(Format::GitlabMergeRequests));
    assert_eq!((out.records, out.problems.len()), (1, 0));
    // merge_commit_sha and squash_commit_sha are null: the head `sha` is what landed.
    let head = "de6e2126f796d0d0e3a970744f0e158bec8525eb".to_owned();
    assert_eq!(
        out.merge_requests,
        vec![MergeRequest {
            id: "214".into(),
            source: "gitlab-merge-requests",
            // `created_at` has no fraction, `merged_at` has milliseconds.
            created_at: utc(2025, 9, 2, 13, 27, 5, 0),
            merged_at: Some(utc(2025, 9, 3, 8, 12, 44, 731)),
            merge_sha: Some(head.clone()),
            head_sha: Some(head),
            target_branch: Some("main".into()),
            first_commit_at: None,
            updated_at: Some(utc(2025, 9, 3, 8, 12, 46, 0)),
            commit_created_at: Vec::new(),
            location: out.merge_requests[0].location.clone(),
        }]
    );
}

#[test]
fn merge_request_commits_example_converts_the_plus_three_offset_to_utc() {
    let out = example("gitlab-merge-request-commits.json");
    assert_eq!(out.format, Some(Format::GitlabMergeRequestCommits));
    assert_eq!((out.records, out.problems.len()), (2, 0));
    let got: Vec<_> = out
        .mr_commits
        .iter()
        .map(|c| (c.merge_request.clone(), c.sha.as_str(), c.authored_at))
        .collect();
    assert_eq!(
        got,
        vec![
            // 15:48:31 at +03:00 is 12:48:31 UTC.
            (
                None,
                "de6e2126f796d0d0e3a970744f0e158bec8525eb",
                utc(2025, 9, 2, 12, 48, 31, 0)
            ),
            // 10:19:54 at +03:00 is 07:19:54 UTC.
            (
                None,
                "9cc84f44b90a8a15e84d6d5a3b9f18617eee664d",
                utc(2025, 9, 2, 7, 19, 54, 0)
            ),
        ]
    );
}

#[test]
fn issues_example_plain_issue_is_ignored_not_an_incident() {
    let out = example("gitlab-issues.json");
    assert_eq!(out.format, Some(Format::GitlabIssues));
    assert_eq!(
        (out.records, out.ignored, out.incidents.len(), out.problems.len()),
        (1, 1, 0, 0)
    );
}

fn issue(extra: Value) -> Value {
    let mut base = json!({
        "id": 900, "iid": 7, "state": "opened", "title": "API down",
        "created_at": "2024-03-01T10:00:00.000Z", "closed_at": null,
        "labels": [], "type": "ISSUE", "issue_type": "issue", "severity": "CRITICAL"
    });
    for (k, v) in extra.as_object().expect("object") {
        base[k] = v.clone();
    }
    base
}

#[test]
fn incidents_by_issue_type_type_or_label_open_ones_stay_unresolved() {
    let text = [
        issue(json!({"iid": 1, "issue_type": "incident", "type": "INCIDENT"})),
        issue(json!({"iid": 2, "labels": ["bug", "Incident"], "state": "closed",
                     "closed_at": "2024-03-01T16:15:30.5+05:45"})),
        issue(json!({"iid": 3, "type": "INCIDENT", "issue_type": null, "state": "closed",
                     "closed_at": "2024-03-01T12:00:00Z"})),
        issue(json!({"iid": 4, "labels": ["incident-review"]})),
        issue(json!({"iid": 5, "state": "opened", "closed_at": "2024-03-02T00:00:00Z", "issue_type": "incident"})),
    ]
    .map(|v| v.to_string())
    .join("\n");
    let out = lenient(&text);
    assert_eq!(out.format, Some(Format::GitlabIssues));
    assert_eq!(
        (out.records, out.ignored, out.problems.len()),
        (5, 1, 0),
        "{:?}",
        out.problems
    );
    let got: Vec<_> = out
        .incidents
        .iter()
        .map(|i| {
            (
                i.id.as_str(),
                i.started_at,
                i.resolved_at,
                i.severity.as_deref(),
                i.title.as_deref(),
            )
        })
        .collect();
    let start = utc(2024, 3, 1, 10, 0, 0, 0);
    assert_eq!(
        got,
        vec![
            ("1", start, None, Some("CRITICAL"), Some("API down")),
            // 16:15:30.5 at +05:45 is 10:30:30.5 UTC.
            (
                "2",
                start,
                Some(utc(2024, 3, 1, 10, 30, 30, 500)),
                Some("CRITICAL"),
                Some("API down")
            ),
            (
                "3",
                start,
                Some(utc(2024, 3, 1, 12, 0, 0, 0)),
                Some("CRITICAL"),
                Some("API down")
            ),
            // Reopened: a closed_at left over while opened does not resolve it.
            ("5", start, None, Some("CRITICAL"), Some("API down")),
        ]
    );
    // JSON Lines: each record knows its line? Records are numbered at least.
    assert_eq!(out.incidents[3].location.record, 5);
}

#[test]
fn incident_closed_before_it_was_created_is_a_problem() {
    let text = json!([issue(
        json!({"issue_type": "incident", "state": "closed", "closed_at": "2024-03-01T09:59:59Z"})
    )]);
    let out = lenient(&text.to_string());
    assert!(out.incidents.is_empty());
    assert_eq!(out.problems.len(), 1);
    assert_eq!(out.problems[0].field, "closed_at");
    assert!(
        out.problems[0].message.contains("before created_at"),
        "{}",
        out.problems[0].message
    );
}

fn deployment(extra: Value) -> Value {
    let mut base = json!({
        "id": 100, "iid": 1, "ref": "main", "sha": "ABCDEF0123456789abcdef0123456789abcdef01",
        "created_at": "2024-01-01T00:00:00Z", "updated_at": "2024-01-01T00:10:00Z",
        "status": "success", "environment": {"id": 1, "name": "production"},
        "deployable": {"id": 5, "status": "success", "started_at": "2024-01-01T00:01:00Z",
                       "finished_at": "2024-01-01T00:05:00.25Z"}
    });
    for (k, v) in extra.as_object().expect("object") {
        base[k] = v.clone();
    }
    base
}

#[test]
fn deployment_time_is_job_finish_else_updated_at_and_status_is_top_level() {
    let text = json!([
        deployment(json!({})),
        deployment(json!({"id": 101, "deployable": null, "status": "failed"})),
        deployment(json!({"id": 102, "deployable": null, "status": "running"})),
        deployment(json!({"id": 103, "status": "canceled", "environment": {"name": "staging"}})),
    ]);
    let out = lenient(&text.to_string());
    assert_eq!(out.problems.len(), 0, "{:?}", out.problems);
    let got: Vec<_> = out
        .deployments
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
        .collect();
    let sha = sha_ref("abcdef0123456789abcdef0123456789abcdef01");
    let started = Some(utc(2024, 1, 1, 0, 1, 0, 0));
    let job_end = Some(utc(2024, 1, 1, 0, 5, 0, 250));
    assert_eq!(
        got,
        vec![
            (
                "100",
                sha.clone(),
                Some("production"),
                DeployStatus::Success,
                started,
                job_end
            ),
            (
                "101",
                sha.clone(),
                Some("production"),
                DeployStatus::Failed,
                None,
                Some(utc(2024, 1, 1, 0, 10, 0, 0))
            ),
            (
                "102",
                sha.clone(),
                Some("production"),
                DeployStatus::Running,
                None,
                None
            ),
            (
                "103",
                sha,
                Some("staging"),
                DeployStatus::Cancelled,
                started,
                job_end
            ),
        ]
    );
}

#[test]
fn deployment_missing_sha_is_skipped_leniently_and_fatal_when_strict() {
    let text = json!([deployment(json!({"sha": null})), deployment(json!({"id": 2}))]).to_string();
    let out = lenient(&text);
    assert_eq!(out.records, 2);
    assert_eq!(
        out.deployments.iter().map(|d| d.id.as_str()).collect::<Vec<_>>(),
        vec!["2"]
    );
    assert_eq!(out.problems.len(), 1);
    assert_eq!(out.problems[0].field, "sha");
    assert_eq!(out.problems[0].location.record, 1);
    let err = import_text(&text, &strict()).expect_err("strict mode stops");
    assert!(err.0.contains("record 1: sha: missing"), "{err}");
}

#[test]
fn deployment_with_bad_status_bad_sha_or_negative_duration_is_a_problem() {
    let text = json!([
        deployment(json!({"status": "exploded"})),
        deployment(json!({"sha": "main"})),
        deployment(
            json!({"deployable": {"started_at": "2024-01-01T00:06:00Z", "finished_at": "2024-01-01T00:05:00Z"}})
        ),
        deployment(json!({"updated_at": "2024-01-01 00:10:00", "deployable": null})),
    ]);
    let out = lenient(&text.to_string());
    assert!(out.deployments.is_empty());
    let fields: Vec<_> = out.problems.iter().map(|p| p.field.as_str()).collect();
    assert_eq!(
        fields,
        vec!["status", "sha", "deployable.finished_at", "updated_at"]
    );
    assert!(out.problems[0].message.contains("'exploded'"));
    assert!(
        out.problems[3].message.contains("--timezone"),
        "{}",
        out.problems[3].message
    );
}

#[test]
fn naive_time_is_read_in_the_given_zone() {
    let text = json!([deployment(
        json!({"updated_at": "2024-07-01 12:00:00", "deployable": null})
    )]);
    let options = ImportOptions {
        zone: Some(crate::import::Zone::parse("Europe/Berlin").expect("zone")),
        strict: true,
    };
    let out = import_text(&text.to_string(), &options).expect("imports");
    assert_eq!(out.deployments[0].finished_at, Some(utc(2024, 7, 1, 10, 0, 0, 0)));
}

fn mr(extra: Value) -> Value {
    let mut base = json!({
        "id": 501, "iid": 12, "state": "merged", "created_at": "2024-02-01T08:00:00Z",
        "merged_at": "2024-02-02T09:30:00.125Z", "source_branch": "feature", "target_branch": "main",
        "sha": "1111111111111111111111111111111111111111",
        "merge_commit_sha": "2222222222222222222222222222222222222222",
        "squash_commit_sha": "3333333333333333333333333333333333333333"
    });
    for (k, v) in extra.as_object().expect("object") {
        base[k] = v.clone();
    }
    base
}

#[test]
fn merge_sha_prefers_merge_then_squash_then_head_and_only_when_merged() {
    // `glab api --paginate` prints one array per page, one after another.
    let text = format!(
        "{}\n{}",
        json!([mr(json!({})), mr(json!({"iid": 13, "merge_commit_sha": null}))]),
        json!([
            mr(json!({"iid": 14, "merge_commit_sha": null, "squash_commit_sha": ""})),
            mr(json!({"iid": 15, "state": "closed", "merged_at": null})),
            mr(json!({"iid": 16, "state": "opened", "merged_at": "2024-02-03T00:00:00Z"})),
        ])
    );
    let out = lenient(&text);
    assert_eq!(out.format, Some(Format::GitlabMergeRequests));
    assert_eq!((out.records, out.problems.len()), (5, 0));
    let got: Vec<_> = out
        .merge_requests
        .iter()
        .map(|m| (m.id.as_str(), m.merged_at, m.merge_sha.clone()))
        .collect();
    let merged = Some(utc(2024, 2, 2, 9, 30, 0, 125));
    let s = |c: char| Some(c.to_string().repeat(40));
    assert_eq!(
        got,
        vec![
            ("12", merged, s('2')),
            ("13", merged, s('3')),
            ("14", merged, s('1')),
            ("15", None, None),
            ("16", None, None),
        ]
    );
    assert!(out.merge_requests.iter().all(|m| m.head_sha == s('1')));
    assert_eq!(out.merge_requests[4].location.record, 5);
}

#[test]
fn merged_merge_request_without_merged_at_is_a_problem() {
    let text = json!([mr(json!({"merged_at": null}))]).to_string();
    let out = lenient(&text);
    assert!(out.merge_requests.is_empty());
    assert_eq!(out.problems[0].field, "merged_at");
    let err = import_text(&text, &strict()).expect_err("strict");
    assert!(err.0.contains("merged_at"), "{err}");
}

#[test]
fn commits_as_json_lines_with_an_odd_offset_and_a_missing_date() {
    let text = concat!(
        r#"{"id": "14d674ec4dd35e9ad19825bfbcd6df4ee8a47a04", "short_id": "14d674ec", "authored_date": "2024-03-10T23:59:59.999-09:30"}"#,
        "\n",
        r#"{"id": "9646c8e658fbb838d70ce5eb2d0610020287fb52", "short_id": "9646c8e", "authored_date": null}"#,
        "\n"
    );
    let out = lenient(text);
    assert_eq!(out.format, Some(Format::GitlabMergeRequestCommits));
    assert_eq!(out.mr_commits.len(), 1);
    assert_eq!(out.mr_commits[0].authored_at, utc(2024, 3, 11, 9, 29, 59, 999));
    assert_eq!(out.problems.len(), 1);
    assert_eq!(out.problems[0].field, "authored_date");
    let err = import_text(text, &strict()).expect_err("strict");
    assert!(err.0.contains("authored_date: missing"), "{err}");
}

/// Issue 14, defect 1: a commits export with `created_at` and no `authored_date` (what the
/// common GitLab script reads) was skipped record by record, leaving no lead time.
#[test]
fn commits_without_authored_date_take_their_created_at() {
    let text = json!([
        {"id": "14d674ec4dd35e9ad19825bfbcd6df4ee8a47a04", "short_id": "14d674ec",
         "created_at": "2024-03-10T12:00:00+03:00"},
        {"id": "9646c8e658fbb838d70ce5eb2d0610020287fb52", "short_id": "9646c8e",
         "authored_date": "2024-03-09T08:00:00Z", "created_at": "2024-03-10T08:00:00Z"},
    ])
    .to_string();
    let out = import_text(&text, &strict()).expect("created_at is enough");
    assert_eq!(out.format, Some(Format::GitlabMergeRequestCommits));
    assert!(out.problems.is_empty(), "{:?}", out.problems);
    let got: Vec<_> = out
        .mr_commits
        .iter()
        .map(|c| (c.authored_at, c.created_at))
        .collect();
    assert_eq!(
        got,
        vec![
            (utc(2024, 3, 10, 9, 0, 0, 0), Some(utc(2024, 3, 10, 9, 0, 0, 0))),
            // Both: authored_date stays the commit's time, created_at is kept beside it.
            (utc(2024, 3, 9, 8, 0, 0, 0), Some(utc(2024, 3, 10, 8, 0, 0, 0))),
        ]
    );
}

#[test]
fn a_record_that_is_not_an_object_is_a_problem() {
    let out = import_text(
        &json!([mr(json!({})), 42]).to_string(),
        &ImportOptions {
            strict: false,
            ..Default::default()
        },
    )
    .expect("lenient");
    assert_eq!(out.merge_requests.len(), 1);
    assert_eq!(out.problems.len(), 1);
    assert!(out.problems[0].message.contains("a number"));
}
