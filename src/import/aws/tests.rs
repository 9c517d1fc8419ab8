use crate::import::testutil::{example, import_text, lenient, strict, utc};

use serde_json::json;

use super::*;
use crate::import::{ImportOptions, Imported, Zone};

#[test]
fn codepipeline_example_gives_three_successes_with_exact_epoch_milliseconds() {
    let out = example("aws-codepipeline-list-pipeline-executions.json");
    assert_eq!(out.format, Some(Format::AwsCodepipeline));
    assert_eq!((out.records, out.ignored), (3, 0));
    assert!(out.problems.is_empty(), "{:?}", out.problems);
    assert!(out.incidents.is_empty());
    let got: Vec<_> = out
        .deployments
        .iter()
        .map(|d| (d.id.as_str(), d.status, d.started_at, d.finished_at))
        .collect();
    let ok = DeployStatus::Success;
    assert_eq!(
        got,
        vec![
            (
                "5e2b90ad-71c4-48qk-b3x0-f9a1cSAMPLE",
                ok,
                Some(utc("2025-09-15T08:12:33.187Z")),
                Some(utc("2025-09-15T08:19:51.904Z"))
            ),
            (
                "a07d33f1-9e5b4kt2-61pq-c0d8-bw2vSAMPLE",
                ok,
                Some(utc("2025-09-17T14:40:02.391Z")),
                Some(utc("2025-09-17T14:52:47.058Z"))
            ),
            (
                "d86e1fa4-3c0b-702w-x519-b2ce5SAMPLE",
                ok,
                Some(utc("2025-09-22T21:05:18.7312Z")),
                Some(utc("2025-09-22T21:13:40.2087Z"))
            ),
        ]
    );
    let d = &out.deployments[0];
    // Exact decimals: 1757924391.904 - 1757923953.187 is 438.717 s, not 438.71700000763 s.
    assert_eq!(
        d.finished_at
            .zip(d.started_at)
            .map(|(f, s)| (f - s).num_nanoseconds()),
        Some(Some(438_717_000_000))
    );
    for d in &out.deployments {
        assert_eq!(
            (d.source, &d.commit, &d.environment, &d.service),
            ("aws-codepipeline", &None, &None, &None)
        );
        assert_eq!(d.location.line, None);
    }
    assert_eq!(
        out.deployments
            .iter()
            .map(|d| d.location.record)
            .collect::<Vec<_>>(),
        vec![1, 2, 3]
    );
}

#[test]
fn cloudwatch_example_gives_one_episode_from_alarm_to_ok() {
    let out = example("aws-cloudwatch-describe-alarm-history.json");
    assert_eq!(out.format, Some(Format::AwsCloudwatchAlarms));
    assert_eq!((out.records, out.ignored), (2, 0));
    assert!(out.problems.is_empty(), "{:?}", out.problems);
    assert!(out.deployments.is_empty());
    assert_eq!(out.incidents.len(), 1);
    let i = &out.incidents[0];
    assert_eq!(i.id, "checkout-api-5xx-rate@2026-02-03T09:41:17.268Z");
    assert_eq!(i.source, "aws-cloudwatch-alarms");
    assert_eq!(i.title.as_deref(), Some("checkout-api-5xx-rate"));
    assert_eq!(i.started_at, utc("2026-02-03T09:41:17.268Z"));
    assert_eq!(i.resolved_at, Some(utc("2026-02-03T10:07:52.915Z")));
    // 26 min 35.647 s.
    assert_eq!(
        i.resolved_at.map(|r| (r - i.started_at).num_milliseconds()),
        Some(1_595_647)
    );
    assert_eq!((&i.severity, &i.service, &i.deployment), (&None, &None, &None));
    // Located at the ALARM item, the second (older) one in the file.
    assert_eq!(i.location.record, 2);
}

/// The same two executions as CLI v1 epoch floats, CLI v2 ISO text written on a PDT host,
/// and boto3 `str(datetime)` text with a space separator.
#[test]
fn cli_v2_local_offset_and_boto3_space_form_give_the_same_instants_as_epoch_floats() {
    let v1 = lenient(
        r#"{"pipelineExecutionSummaries": [
                {"pipelineExecutionId": "a", "status": "Succeeded", "startTime": 1496380258.243, "lastUpdateTime": 1496380678.648},
                {"pipelineExecutionId": "b", "status": "Failed", "startTime": 1496380258, "lastUpdateTime": 1496380678.6}]}"#,
    );
    let v2 = lenient(
        r#"{"pipelineExecutionSummaries": [
                {"pipelineExecutionId": "a", "status": "Succeeded", "startTime": "2017-06-01T22:10:58.243000-07:00", "lastUpdateTime": "2017-06-01T22:17:58.648000-07:00"},
                {"pipelineExecutionId": "b", "status": "Failed", "startTime": "2017-06-01T22:10:58-07:00", "lastUpdateTime": "2017-06-01T22:17:58.600000-07:00"}]}"#,
    );
    let boto3 = lenient(
        r#"{"pipelineExecutionSummaries": [
                {"pipelineExecutionId": "a", "status": "Succeeded", "startTime": "2017-06-02 05:10:58.243000+00:00", "lastUpdateTime": "2017-06-02 05:17:58.648000+00:00"},
                {"pipelineExecutionId": "b", "status": "Failed", "startTime": "2017-06-02 05:10:58+00:00", "lastUpdateTime": "2017-06-02 05:17:58.600000+00:00"}]}"#,
    );
    let times = |o: &Imported| {
        o.deployments
            .iter()
            .map(|d| (d.id.clone(), d.status, d.started_at, d.finished_at))
            .collect::<Vec<_>>()
    };
    let want = vec![
        (
            "a".to_owned(),
            DeployStatus::Success,
            Some(utc("2017-06-02T05:10:58.243Z")),
            Some(utc("2017-06-02T05:17:58.648Z")),
        ),
        (
            "b".to_owned(),
            DeployStatus::Failed,
            Some(utc("2017-06-02T05:10:58Z")),
            Some(utc("2017-06-02T05:17:58.600Z")),
        ),
    ];
    for (name, out) in [("v1", &v1), ("v2", &v2), ("boto3", &boto3)] {
        assert_eq!(out.format, Some(Format::AwsCodepipeline), "{name}");
        assert!(out.problems.is_empty(), "{name}: {:?}", out.problems);
        assert_eq!(times(out), want, "{name}");
    }
}

#[test]
fn codepipeline_statuses_running_has_no_finish_and_commit_is_the_first_git_revision() {
    let out = lenient(
        r#"{"pipelineExecutionSummaries": [
                {"pipelineExecutionId": "run", "status": "InProgress", "startTime": 1700000000.5, "lastUpdateTime": 1700000100.25,
                 "sourceRevisions": [{"actionName": "Source", "revisionId": "0123456789ABCDEF0123456789abcdef01234567"}]},
                {"pipelineExecutionId": "s3-then-git", "status": "Stopped", "startTime": 1700000000, "lastUpdateTime": 1700000060,
                 "sourceRevisions": [{"actionName": "Artifacts", "revisionId": "3sL4kqtJlcpXroDTDmJ+rmSpXd3dIbrHY"},
                                     {"actionName": "Code", "revisionId": "feedbeef12"}]},
                {"pipelineExecutionId": "s3-only", "status": "Superseded", "startTime": 1700000000, "lastUpdateTime": 1700000001,
                 "sourceRevisions": [{"actionName": "Artifacts", "revisionId": "not-a-commit"}]},
                {"pipelineExecutionId": "stopping", "status": "Stopping", "startTime": 1700000000, "lastUpdateTime": 1700000002},
                {"pipelineExecutionId": "cancelled", "status": "Cancelled", "startTime": 1700000000, "lastUpdateTime": 1700000003},
                {"pipelineExecutionId": "rollback", "status": "Succeeded", "startTime": 1700000000, "lastUpdateTime": 1700000004,
                 "executionType": "ROLLBACK", "trigger": {"triggerType": "AutomatedRollback"},
                 "rollbackMetadata": {"rollbackTargetPipelineExecutionId": "s3-only"}}]}"#,
    );
    assert!(out.problems.is_empty(), "{:?}", out.problems);
    let got: Vec<_> = out
        .deployments
        .iter()
        .map(|d| (d.id.as_str(), d.status, d.finished_at, d.commit.clone()))
        .collect();
    let sha = |s: &str| Some(CommitRef::Sha(s.to_owned()));
    assert_eq!(
        got,
        vec![
            (
                "run",
                DeployStatus::Running,
                None,
                sha("0123456789abcdef0123456789abcdef01234567")
            ),
            (
                "s3-then-git",
                DeployStatus::Cancelled,
                Some(utc("2023-11-14T22:14:20Z")),
                sha("feedbeef12")
            ),
            (
                "s3-only",
                DeployStatus::Cancelled,
                Some(utc("2023-11-14T22:13:21Z")),
                None
            ),
            (
                "stopping",
                DeployStatus::Cancelled,
                Some(utc("2023-11-14T22:13:22Z")),
                None
            ),
            (
                "cancelled",
                DeployStatus::Cancelled,
                Some(utc("2023-11-14T22:13:23Z")),
                None
            ),
            (
                "rollback",
                DeployStatus::Success,
                Some(utc("2023-11-14T22:13:24Z")),
                None
            ),
        ]
    );
    assert_eq!(
        out.deployments[0].started_at,
        Some(utc("2023-11-14T22:13:20.500Z"))
    );
}

#[test]
fn codepipeline_bad_records_are_problems_and_fatal_when_strict() {
    let text = r#"{"pipelineExecutionSummaries": [
            {"pipelineExecutionId": "ok", "status": "Succeeded", "startTime": 1700000000, "lastUpdateTime": 1700000001},
            {"pipelineExecutionId": "odd", "status": "Exploded", "startTime": 1700000000, "lastUpdateTime": 1700000001},
            {"pipelineExecutionId": "naive", "status": "Succeeded", "startTime": "2023-11-14 22:13:20", "lastUpdateTime": 1700000001},
            {"pipelineExecutionId": "nofinish", "status": "Failed", "startTime": 1700000000},
            {"pipelineExecutionId": "backwards", "status": "Failed", "startTime": 1700000009, "lastUpdateTime": 1700000001}]}"#;
    let out = lenient(text);
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
            (2, "status"),
            (3, "startTime"),
            (4, "lastUpdateTime"),
            (5, "lastUpdateTime")
        ]
    );
    assert!(
        out.problems[0].message.contains("'Exploded'"),
        "{}",
        out.problems[0].message
    );
    assert!(
        out.problems[1].message.contains("--timezone"),
        "{}",
        out.problems[1].message
    );
    // With a zone the naive time is read.
    let zoned = import_text(
        text,
        &ImportOptions {
            zone: Zone::parse("UTC").ok(),
            strict: false,
        },
    )
    .unwrap();
    assert_eq!(
        zoned
            .deployments
            .iter()
            .map(|d| d.id.as_str())
            .collect::<Vec<_>>(),
        vec!["ok", "naive"]
    );
    let err = import_text(text, &strict()).unwrap_err();
    assert!(err.0.contains("record 2") && err.0.contains("status"), "{err}");
}

fn item(alarm: &str, at: &str, old: &str, new: &str) -> Value {
    let data = json!({"version": "1.0", "oldState": {"stateValue": old}, "newState": {"stateValue": new}});
    json!({"AlarmName": alarm, "Timestamp": at, "HistoryItemType": "StateUpdate",
           "HistoryData": data.to_string(), "HistorySummary": format!("Alarm updated from {old} to {new}")})
}

fn history(items: Vec<Value>) -> String {
    json!({"AlarmHistoryItems": items, "NextToken": "abc"}).to_string()
}

#[test]
fn alarm_still_in_alarm_is_an_open_incident_and_history_is_replayed_oldest_first() {
    let text = history(vec![
        // newest first
        item("cpu", "2024-05-01T12:00:00.000Z", "OK", "ALARM"),
        json!({"AlarmName": "cpu", "Timestamp": "2024-05-01T11:30:00Z", "HistoryItemType": "ConfigurationUpdate",
               "HistoryData": "{\"type\":\"Update\"}", "HistorySummary": "Alarm \"cpu\" updated"}),
        item("disk", "2024-05-01T11:00:00+0000", "INSUFFICIENT_DATA", "OK"),
        item("disk", "2024-05-01T10:30:00+0000", "ALARM", "INSUFFICIENT_DATA"),
        item("cpu", "2024-05-01T10:20:00Z", "ALARM", "OK"),
        item(
            "disk",
            "2024-05-01T10:10:00.250+0000",
            "INSUFFICIENT_DATA",
            "ALARM",
        ),
        item("cpu", "2024-05-01T10:00:00Z", "OK", "ALARM"),
        json!({"AlarmName": "cpu", "Timestamp": "2024-05-01T09:59:00Z", "HistoryItemType": "Action",
               "HistoryData": "{}", "HistorySummary": "Published a notification"}),
        // The oldest item closes an episode whose start is not in the history.
        item("cpu", "2024-05-01T09:00:00Z", "ALARM", "OK"),
    ]);
    let out = lenient(&text);
    assert_eq!(out.format, Some(Format::AwsCloudwatchAlarms));
    assert_eq!((out.records, out.ignored), (9, 2));
    assert!(out.problems.is_empty(), "{:?}", out.problems);
    let got: Vec<_> = out
        .incidents
        .iter()
        .map(|i| (i.id.as_str(), i.started_at, i.resolved_at, i.location.record))
        .collect();
    assert_eq!(
        got,
        vec![
            (
                "cpu@2024-05-01T10:00:00Z",
                utc("2024-05-01T10:00:00Z"),
                Some(utc("2024-05-01T10:20:00Z")),
                7
            ),
            ("cpu@2024-05-01T12:00:00Z", utc("2024-05-01T12:00:00Z"), None, 1),
            // INSUFFICIENT_DATA in between does not close the episode; the next OK does.
            (
                "disk@2024-05-01T10:10:00.250Z",
                utc("2024-05-01T10:10:00.250Z"),
                Some(utc("2024-05-01T11:00:00Z")),
                6
            ),
        ]
    );
    assert_eq!(
        out.incidents
            .iter()
            .map(|i| i.title.as_deref())
            .collect::<Vec<_>>(),
        vec![Some("cpu"), Some("cpu"), Some("disk")]
    );
}

#[test]
fn history_data_that_is_not_json_is_a_problem_lenient_and_an_error_strict() {
    let mut broken = item("cpu", "2024-05-01T10:20:00Z", "ALARM", "OK");
    broken["HistoryData"] = json!("{\"version\":\"1.0\",\"newState\":");
    let text = history(vec![broken, item("cpu", "2024-05-01T10:00:00Z", "OK", "ALARM")]);
    let out = lenient(&text);
    assert_eq!(out.records, 2);
    assert_eq!(out.problems.len(), 1);
    assert_eq!(
        (out.problems[0].location.record, out.problems[0].field.as_str()),
        (1, "HistoryData")
    );
    assert!(
        out.problems[0].message.contains("is not JSON"),
        "{}",
        out.problems[0].message
    );
    // The closing item was skipped, so the episode stays open.
    assert_eq!(out.incidents.len(), 1);
    assert_eq!(out.incidents[0].resolved_at, None);

    let err = import_text(&text, &strict()).unwrap_err();
    assert!(err.0.contains(": record 1: HistoryData: "), "{err}");
    assert!(err.0.contains("is not JSON"), "{err}");
}

#[test]
fn history_data_without_new_state_or_with_a_bad_timestamp_is_a_problem() {
    let mut no_state = item("cpu", "2024-05-01T10:20:00Z", "ALARM", "OK");
    no_state["HistoryData"] = json!("{\"version\":\"1.0\"}");
    let mut bad_time = item("cpu", "2024-05-01T10:00:00Z", "OK", "ALARM");
    bad_time["Timestamp"] = json!("yesterday");
    let out = lenient(&history(vec![no_state, bad_time]));
    let problems: Vec<_> = out
        .problems
        .iter()
        .map(|p| (p.location.record, p.field.as_str()))
        .collect();
    assert_eq!(
        problems,
        vec![(1, "HistoryData.newState.stateValue"), (2, "Timestamp")]
    );
    assert!(out.incidents.is_empty());
}

#[test]
fn sniff_claims_only_aws_records() {
    let pipeline = json!({"pipelineExecutionId": "x", "status": "Succeeded"});
    let alarm = json!({"AlarmName": "x", "HistoryItemType": "StateUpdate"});
    assert_eq!(
        sniff(&json!({"nextToken": "t"}), Some(&pipeline)),
        Some(Format::AwsCodepipeline)
    );
    assert_eq!(
        sniff(&Value::Null, Some(&alarm)),
        Some(Format::AwsCloudwatchAlarms)
    );
    for other in [
        json!({"number": 1, "result": "SUCCESS", "timestamp": 1, "duration": 2}),
        json!({"id": 1, "status": "success", "sha": "abc"}),
        json!({"AlarmName": "x", "StateValue": "OK"}),
        json!({"pipeline_id": "p", "start_time": "2020-01-01T00:00:00Z"}),
    ] {
        assert_eq!(sniff(&Value::Null, Some(&other)), None, "{other}");
    }
    assert_eq!(sniff(&Value::Null, None), None);
}

#[test]
fn metric_statistics_example_keeps_label_and_unsorted_datapoints() {
    let out = example("aws-cloudwatch-get-metric-statistics.json");
    assert_eq!(out.format, Some(Format::AwsCloudwatchMetricStatistics));
    assert_eq!((out.records, out.ignored), (1, 0));
    assert!(out.problems.is_empty(), "{:?}", out.problems);
    assert!(out.deployments.is_empty() && out.incidents.is_empty());
    assert_eq!(out.aws.metrics.len(), 1);
    let m = &out.aws.metrics[0];
    assert_eq!(m.label, "DeploymentCount");
    assert_eq!(
        m.datapoints,
        vec![
            (utc("2026-01-14T00:00:00Z"), Some(3.0)),
            (utc("2026-01-12T00:00:00Z"), Some(1.0)),
            (utc("2026-01-13T00:00:00Z"), Some(0.0)),
        ]
    );
    assert_eq!(m.location.record, 1);
}

#[test]
fn codecommit_example_keeps_the_committer_date_as_written() {
    let out = example("aws-codecommit-get-commit.json");
    assert_eq!(out.format, Some(Format::AwsCodecommitCommits));
    assert!(out.problems.is_empty(), "{:?}", out.problems);
    assert_eq!(out.aws.commits.len(), 1);
    let c = &out.aws.commits[0];
    assert_eq!(
        (c.commit_id.as_str(), c.committer_date.as_deref()),
        ("4c925148EXAMPLE", Some("1768391142 +0100"))
    );
}

#[test]
fn batch_get_commits_reads_every_commit_and_counts_errors_as_ignored() {
    let out = lenient(
        r#"{"commits": [
              {"commitId": "aaaa", "committer": {"date": "2026-01-02T03:04:05Z"}},
              {"commitId": "bbbb", "committer": {"name": "no date"}}],
            "errors": [{"commitId": "cccc", "errorCode": "CommitDoesNotExistException"}]}"#,
    );
    assert_eq!(out.format, Some(Format::AwsCodecommitCommits));
    assert_eq!(out.ignored, 1);
    let got: Vec<_> = out
        .aws
        .commits
        .iter()
        .map(|c| (c.commit_id.as_str(), c.committer_date.as_deref()))
        .collect();
    assert_eq!(got, vec![("aaaa", Some("2026-01-02T03:04:05Z")), ("bbbb", None)]);
}

#[test]
fn reference_formats_broken_input_names_file_record_field_and_expectation() {
    let cases: &[(&str, &str, &str)] = &[
        (
            r#"{"Label": "DeploymentCount", "Datapoints": [{"Timestamp": "2026-01-01T00:00:00Z", "Sum": 1.0}, {"Timestamp": "soon", "Sum": 2.0}]}"#,
            "Datapoints.1.Timestamp",
            "'soon'",
        ),
        (
            r#"{"Label": "DeploymentCount", "Datapoints": [{"Timestamp": "2026-01-01T00:00:00Z", "Sum": "3"}]}"#,
            "Datapoints.0.Sum",
            "expected a number",
        ),
        (
            r#"{"Label": "DeploymentCount", "Datapoints": {"Timestamp": "2026-01-01T00:00:00Z"}}"#,
            "Datapoints",
            "expected a list of datapoints",
        ),
        (
            r#"{"commit": {"commitId": "aaaa", "committer": {"date": 1484167798}}}"#,
            "commit.committer.date",
            "expected text like '1484167798 -0800'",
        ),
        (
            r#"{"commit": {"commitId": 12, "committer": {"date": "1484167798 -0800"}}}"#,
            "commit.commitId",
            "expected the commit id as text",
        ),
        (
            r#"{"commits": [{"commitId": "a"}, "b"], "errors": []}"#,
            "commits.1",
            "expected a commit object",
        ),
    ];
    for (text, field, expected) in cases {
        let out = lenient(text);
        assert_eq!(out.problems.len(), 1, "{text}: {:?}", out.problems);
        let p = &out.problems[0];
        assert_eq!(p.field, *field, "{text}");
        assert!(p.message.contains(expected), "{text}: {}", p.message);
        let err = import_text(text, &strict()).unwrap_err().0;
        assert!(
            err.contains(".json: record 1: ") && err.contains(field) && err.contains(expected),
            "{err}"
        );
    }
    // A Label without Datapoints is still this format, and says what it needs.
    let out = lenient(r#"{"Label": "DeploymentCount", "Datapoints": null}"#);
    assert_eq!(out.problems[0].field, "Datapoints");
    assert!(out.problems[0].message.contains("[] when there are none"));
}

#[test]
fn readers_keep_raw_items_for_the_reference_in_file_order() {
    let out = lenient(
        r#"{"pipelineExecutionSummaries": [
            {"pipelineExecutionId": "a", "status": "Succeeded", "startTime": "2017-06-01T22:10:58-07:00", "lastUpdateTime": "2017-06-01T22:17:58.648000-07:00",
             "sourceRevisions": [{"actionName": "Image", "revisionId": "sha256:abc"}, {"actionName": "Source", "revisionId": "0123456789abcdef0123456789abcdef01234567"}]},
            {"pipelineExecutionId": "b", "status": "Exploded", "startTime": 1496380258, "lastUpdateTime": 1496380678.6456, "sourceRevisions": []},
            {"pipelineExecutionId": "c", "status": "InProgress", "startTime": "2017-06-02 05:10:58"}]}"#,
    );
    let e = &out.aws.executions;
    assert_eq!(e.len(), 3);
    assert_eq!(e[0].status.as_deref(), Some("Succeeded"));
    // The script reads sourceRevisions[0], whatever it is.
    assert_eq!(e[0].revision.as_deref(), Some("sha256:abc"));
    assert_eq!(
        e[0].last_update.map(|t| t.to_string()).as_deref(),
        Some("2017-06-01 22:17:58.648")
    );
    assert_eq!(e[0].wall_clock, crate::model::aws::WallClock::Zoned);
    assert_eq!(e[0].last_update_at, Some(utc("2017-06-02T05:17:58.648Z")));
    // Kept although the importer refuses its status; epoch seconds in UTC without --timezone.
    assert_eq!(
        (e[1].status.as_deref(), e[1].has_revisions),
        (Some("Exploded"), false)
    );
    assert_eq!(
        e[1].last_update.map(|t| t.to_string()).as_deref(),
        Some("2017-06-02 05:17:58.645600")
    );
    assert_eq!(e[1].wall_clock, crate::model::aws::WallClock::Epoch);
    assert_eq!((e[2].last_update, e[2].location.record), (None, 3));

    let text = history(vec![
        item("cpu", "2024-05-01T10:20:00Z", "ALARM", "OK"),
        json!({"AlarmName": "cpu", "Timestamp": "2024-05-01T10:10:00Z", "HistoryItemType": "ConfigurationUpdate",
               "HistoryData": "{}"}),
        item("cpu", "2024-05-01T10:00:00Z", "OK", "ALARM"),
    ]);
    let out = lenient(&text);
    let got: Vec<_> = out
        .aws
        .alarm_items
        .iter()
        .map(|i| (i.item_type.as_deref(), i.at, i.history_data.contains("ALARM")))
        .collect();
    assert_eq!(
        got,
        vec![
            (Some("StateUpdate"), Some(utc("2024-05-01T10:20:00Z")), true),
            (
                Some("ConfigurationUpdate"),
                Some(utc("2024-05-01T10:10:00Z")),
                false
            ),
            (Some("StateUpdate"), Some(utc("2024-05-01T10:00:00Z")), true),
        ]
    );
    // The importer's own reading is unchanged: one episode.
    assert_eq!(out.incidents.len(), 1);
}
