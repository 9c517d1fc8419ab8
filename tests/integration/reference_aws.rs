//! `report --reference aws-script` against an independent implementation of the seed's AWS
//! collector (tests/reference/aws_dora_script.py, plain Python with a fake boto3 answering from
//! the same files) over generated AWS exports: more than 100 executions of every status, with
//! and without source revisions, lastUpdateTime as epoch floats, CLI v2 ISO text in a local
//! offset and boto3 `str(datetime)` text; CodeCommit-style and ISO commit dates (zoned and
//! naive) and missing get-commit outputs; alarm histories newest first with ALARM→OK, OK→ALARM
//! and INSUFFICIENT_DATA transitions and other item types, more than 100 in the window; daily
//! DeploymentCount and DeploymentFailure datapoints out of order and beyond the window.

use std::path::Path;

use chrono::{DateTime, FixedOffset, Utc};
use serde_json::{Value, json};

use crate::reference_util::{BASE, DAY_MS, Rng, SINCE, UNTIL, oracle, reference, row, write};

const SPAN_MS: i64 = 45 * DAY_MS;

fn at(ms: i64) -> DateTime<Utc> {
    DateTime::from_timestamp_millis(BASE * 1000 + ms).unwrap()
}

/// A CodePipeline time as the three export paths write it.
fn pipeline_time(rng: &mut Rng, ms: i64) -> Value {
    let t = at(ms);
    match rng.below(3) {
        0 => json!((BASE * 1000 + ms) as f64 / 1000.0),
        1 => json!(
            t.with_timezone(&FixedOffset::west_opt(7 * 3600).unwrap())
                .format("%Y-%m-%dT%H:%M:%S%.6f%:z")
                .to_string()
        ),
        _ => json!(t.format("%Y-%m-%d %H:%M:%S%.6f+00:00").to_string()),
    }
}

/// A commit date as get-commit might hold it: CodeCommit's own form, or ISO text.
fn commit_date(rng: &mut Rng, ms: i64) -> String {
    let t = at(ms);
    match rng.below(4) {
        0 => format!("{} -0800", t.timestamp()),
        1 => t.format("%Y-%m-%dT%H:%M:%S%.3fZ").to_string(),
        2 => t
            .with_timezone(&FixedOffset::east_opt(5 * 3600 + 1800).unwrap())
            .format("%Y-%m-%dT%H:%M:%S%:z")
            .to_string(),
        _ => t.format("%Y-%m-%dT%H:%M:%S").to_string(),
    }
}

fn workspace(seed: u64, dir: &Path) {
    let mut rng = Rng(seed);
    let commits = dir.join("commits");
    std::fs::create_dir_all(&commits).unwrap();
    let mut executions = Vec::new();
    for n in 0..130u64 {
        let end = rng.below(SPAN_MS as u64) as i64;
        let start = end - rng.below(3_600_000) as i64;
        let sha = format!("{:040x}", rng.next() as u128 * 7919 + n as u128);
        let status = rng.pick(&[
            "Succeeded",
            "Succeeded",
            "Succeeded",
            "Succeeded",
            "Failed",
            "InProgress",
            "Stopped",
            "Superseded",
        ]);
        let mut e = json!({
            "pipelineExecutionId": format!("exec-{seed}-{n}"), "status": status,
            "startTime": pipeline_time(&mut rng, start), "lastUpdateTime": pipeline_time(&mut rng, end),
            "trigger": {"triggerType": "Webhook"},
        });
        match rng.below(10) {
            0 => {}
            1 => e["sourceRevisions"] = json!([]),
            _ => {
                e["sourceRevisions"] = json!([{"actionName": "Source", "revisionId": sha,
                    "revisionSummary": "change", "revisionUrl": "https://example.com"}]);
                // One commit in eight has no get-commit output.
                if rng.below(8) != 0 {
                    let committed = end - 3_600_000 - rng.below(5 * DAY_MS as u64) as i64;
                    let date = commit_date(&mut rng, committed);
                    let who = json!({"name": "Dev", "email": "dev@example.com", "date": date});
                    write(
                        &commits.join(format!("{sha}.json")),
                        &json!({"commit": {"commitId": sha, "treeId": "t", "parents": [], "message": "m",
                                           "author": who, "committer": who, "additionalData": ""}}),
                    );
                }
            }
        }
        executions.push((end, e));
    }
    // Newest first, as the API lists them.
    executions.sort_by_key(|(end, _)| -end);
    let executions: Vec<Value> = executions.into_iter().map(|(_, e)| e).collect();
    write(
        &dir.join("executions.json"),
        &json!({ "pipelineExecutionSummaries": executions }),
    );

    let mut items = Vec::new();
    let mut state = "OK";
    let mut t = 0i64;
    for _ in 0..220 {
        t += 1 + rng.below(SPAN_MS as u64 / 110) as i64;
        if t >= SPAN_MS {
            break;
        }
        let next = match state {
            "OK" => rng.pick(&["ALARM", "ALARM", "INSUFFICIENT_DATA"]),
            "ALARM" => rng.pick(&["OK", "OK", "INSUFFICIENT_DATA"]),
            _ => rng.pick(&["OK", "ALARM"]),
        };
        let stamp = at(t).format("%Y-%m-%dT%H:%M:%S%.3fZ").to_string();
        let data = json!({"version": "1.0",
            "oldState": {"stateValue": state, "stateReason": "Threshold Crossed"},
            "newState": {"stateValue": next, "stateReason": "Threshold Crossed",
                         "stateReasonData": {"queryDate": at(t).format("%Y-%m-%dT%H:%M:%S%.3f+0000").to_string()}}});
        items.push(json!({"AlarmName": "high-error-rate", "Timestamp": stamp, "HistoryItemType": "StateUpdate",
            "HistoryData": data.to_string(), "HistorySummary": format!("Alarm updated from {state} to {next}")}));
        if rng.below(6) == 0 {
            let kind = rng.pick(&["ConfigurationUpdate", "Action"]);
            items.push(json!({"AlarmName": "high-error-rate", "Timestamp": stamp, "HistoryItemType": kind,
                "HistoryData": "{\"type\":\"Update\",\"version\":\"1.0\"}", "HistorySummary": "Alarm \"high-error-rate\" updated"}));
        }
        state = next;
    }
    items.reverse();
    write(&dir.join("alarms.json"), &json!({ "AlarmHistoryItems": items }));

    for (file, label, most) in [
        ("count.json", "DeploymentCount", 7),
        ("failure.json", "DeploymentFailure", 2),
    ] {
        let mut points: Vec<(u64, Value)> = Vec::new();
        for d in 0..45 {
            if rng.below(5) == 0 {
                continue;
            }
            let stamp = at(d * DAY_MS).format("%Y-%m-%dT%H:%M:%S+00:00").to_string();
            let sum = rng.below(most) as f64;
            points.push((
                rng.next(),
                json!({"Timestamp": stamp, "Sum": sum, "Unit": "Count"}),
            ));
        }
        // CloudWatch does not sort the datapoints.
        points.sort_by_key(|(k, _)| *k);
        let points: Vec<Value> = points.into_iter().map(|(_, p)| p).collect();
        write(&dir.join(file), &json!({"Label": label, "Datapoints": points}));
    }
}

#[test]
#[ignore = "needs python3; .ci/run runs it"]
fn aws_script_matches_an_independent_implementation() {
    for seed in [1u64, 7, 42, 1234, 99_991] {
        let tmp = tempfile::tempdir().unwrap();
        let dir = tmp.path();
        workspace(seed, dir);
        let want = oracle(
            "aws_dora_script.py",
            &[
                "executions.json",
                "commits",
                "alarms.json",
                "count.json",
                "failure.json",
                SINCE,
                UNTIL,
            ],
            dir,
        );
        let reference = reference(
            dir,
            &[
                "--deployments",
                "executions.json",
                "--incidents",
                "alarms.json",
                "--reference-data",
                "commits",
                "--reference-data",
                "count.json",
                "--reference-data",
                "failure.json",
                "--since",
                SINCE,
                "--until",
                UNTIL,
            ],
            "aws-script",
        );
        let reference = &reference;
        let row = |m: &str| row(reference, m);
        let close = |a: Option<f64>, b: Option<f64>, what: &str| match (a, b) {
            (Some(x), Some(y)) => assert!((x - y).abs() < 1e-6, "seed {seed}: {what}: {x} vs {y}"),
            _ => assert_eq!(a, b, "seed {seed}: {what}"),
        };
        let hours = |v: &Value| v.as_f64().map(|h| h * 3600.0);
        let df = row("deployment_frequency");
        close(
            df["value"].as_f64(),
            want["deployment_frequency"].as_f64(),
            "deployment frequency",
        );
        assert_eq!(
            df["sample_size"].as_f64(),
            want["total_deployments"].as_f64(),
            "seed {seed}"
        );
        // Seconds against hours * 3600: equal to well under a microsecond.
        let median = |metric: &str, hours_key: &str, n_key: &str| {
            let r = row(metric);
            let value = r["value"].as_f64();
            assert!(
                match (value, hours(&want[hours_key])) {
                    (Some(x), Some(y)) => (x - y).abs() < 1e-3,
                    (x, y) => x == y,
                },
                "seed {seed}: {metric} {value:?} vs {want}"
            );
            assert_eq!(r["sample_size"], want[n_key], "seed {seed}");
        };
        median("lead_time", "lead_time_hours", "lead_time_n");
        median("time_to_restore", "mttr_hours", "mttr_n");
        let cfr = row("change_failure_rate");
        close(
            cfr["value"].as_f64().map(|r| r * 100.0),
            want["failure_rate_percent"].as_f64(),
            "failure rate",
        );
        assert_eq!(
            cfr["numerator"].as_f64(),
            want["failed_deployments"].as_f64(),
            "seed {seed}"
        );
        // The generated cases hit every branch, and the notes explain the quirks they hit.
        assert!(want["lead_time_n"].as_u64().unwrap() > 3, "seed {seed}: {want}");
        assert!(want["mttr_n"].as_u64().unwrap() > 3, "seed {seed}: {want}");
        assert!(
            want["failed_deployments"].as_f64().unwrap() > 0.0,
            "seed {seed}: {want}"
        );
        let notes = reference["notes"].to_string();
        for text in [
            "rejected by datetime.fromisoformat",
            "older executions not read",
            "restore times are negative",
            "are not StateUpdate",
            "older items not read",
            "were moved by dropping the zones",
            "lie outside the window",
            "nor the repositories given",
        ] {
            assert!(notes.contains(text), "seed {seed}: no note '{text}': {notes}");
        }
        let html = std::fs::read_to_string(dir.join("report/report.html")).unwrap();
        assert!(html.contains("<h2>Reference: aws-script</h2>"), "seed {seed}");
    }
}

#[test]
fn aws_script_reads_codecommit_exports_and_explains_why_no_lead_time() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path();
    let sha = "0123456789abcdef0123456789abcdef01234567";
    write(
        &dir.join("executions.json"),
        &json!({"pipelineExecutionSummaries": [{"pipelineExecutionId": "e1", "status": "Succeeded",
            "startTime": 1710000000.5, "lastUpdateTime": 1710000600.25,
            "sourceRevisions": [{"actionName": "Source", "revisionId": sha}]}]}),
    );
    let who = json!({"name": "Dev", "email": "dev@example.com", "date": "1709990000 -0800"});
    write(
        &dir.join("commit.json"),
        &json!({"commit": {"commitId": sha, "treeId": "t", "parents": [], "message": "m",
            "author": who, "committer": who, "additionalData": ""}}),
    );
    let reference = reference(
        dir,
        &[
            "--deployments",
            "executions.json",
            "--reference-data",
            "commit.json",
            "--since",
            "2024-03-01T00:00:00Z",
            "--until",
            "2024-03-31T00:00:00Z",
        ],
        "aws-script",
    );
    let lead = row(&reference, "lead_time");
    assert_eq!(lead["value"], Value::Null);
    let notes = reference["notes"].to_string();
    assert!(
        notes.contains("Invalid isoformat string: '1709990000 -0800'") && notes.contains("none at all"),
        "{notes}"
    );
}
