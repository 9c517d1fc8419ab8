//! `report --reference gitlab-script` against an independent implementation of the script
//! (tests/reference/gitlab_dora_script.py, plain Python on the same JSON files) over generated
//! GitLab exports: every record kind the script filters on (status, environment name, window
//! edges, labels, open issues, merge requests without commits, time-zone offsets), and busy
//! exports where each of the script's single pages leaves records out.

use std::path::Path;
use std::process::Command;

use serde_json::{Value, json};

use crate::reference_util::{BASE, DAY_MS, Rng, SINCE, UNTIL, oracle, reference, row, write};

/// A GitLab time `ms` milliseconds after BASE, written in one of the offsets GitLab uses.
fn time(rng: &mut Rng, ms: i64) -> String {
    let t = chrono::DateTime::from_timestamp_millis(BASE * 1000 + ms).unwrap();
    match rng.below(3) {
        0 => t.format("%Y-%m-%dT%H:%M:%S%.3fZ").to_string(),
        1 => t
            .with_timezone(&chrono::FixedOffset::east_opt(3 * 3600).unwrap())
            .format("%Y-%m-%dT%H:%M:%S%.3f%:z")
            .to_string(),
        _ => t.format("%Y-%m-%dT%H:%M:%SZ").to_string().replace('Z', ".000Z"),
    }
}

const SPAN_MS: i64 = 50 * DAY_MS;

fn workspace(seed: u64, dir: &Path) {
    workspace_scaled(seed, dir, 1);
}

/// `scale` times the records; from 12 on, every list the script reads is longer than its one
/// page (100), and some merge requests have more than the 20 commits of theirs.
fn workspace_scaled(seed: u64, dir: &Path, scale: u64) {
    let mut rng = Rng(seed);
    let mut deployments = Vec::new();
    for n in 1..=60 * scale {
        let created = rng.below(SPAN_MS as u64) as i64;
        let updated = created + rng.below(3 * 3_600_000) as i64;
        // Some land exactly on the window's edges (9 and 39 days after BASE).
        let (created, updated) = match n % 20 {
            0 => (9 * DAY_MS - 1000, 9 * DAY_MS),
            1 => (39 * DAY_MS - 5000, 39 * DAY_MS),
            2 => (39 * DAY_MS - 5000, 39 * DAY_MS + 1),
            _ => (created, updated),
        };
        let sha = format!("{:040x}", rng.next() as u128 * 7919 + n as u128);
        deployments.push(json!({
            "id": 1000 + n, "iid": n, "ref": "main", "sha": sha,
            "created_at": time(&mut rng, created), "updated_at": time(&mut rng, updated),
            "status": rng.pick(&["success", "success", "success", "failed", "canceled"]),
            "environment": {"id": 1, "name": rng.pick(&["production", "production", "staging", "prod"])},
            "deployable": null,
        }));
    }
    let commits_dir = dir.join("merge_request_commits");
    std::fs::create_dir_all(&commits_dir).unwrap();
    let mut mrs = Vec::new();
    for iid in 1..=40 * scale {
        let first = rng.below(SPAN_MS as u64) as i64;
        let merged = first + rng.below(5 * DAY_MS as u64) as i64 + 1;
        let updated = merged + rng.below(DAY_MS as u64) as i64;
        let state = rng.pick(&["merged", "merged", "merged", "opened", "closed"]);
        mrs.push(json!({
            "id": 5000 + iid, "iid": iid, "state": state,
            "source_branch": format!("feature-{iid}"), "target_branch": "main",
            "created_at": time(&mut rng, first + 1000),
            "updated_at": time(&mut rng, updated),
            "merged_at": if state == "merged" { json!(time(&mut rng, merged)) } else { Value::Null },
            "sha": format!("{:040x}", iid), "merge_commit_sha": null, "squash_commit_sha": null,
        }));
        // One merged request in eight has no commits file: the script skips it.
        if iid % 8 != 0 {
            let most = if scale > 1 { 30 } else { 4 };
            let mut commits: Vec<Value> = (0..1 + rng.below(most))
                .map(|k| {
                    let at = time(&mut rng, first + k as i64 * 600_000);
                    json!({"id": format!("{:040x}", iid * 100 + k), "short_id": "x",
                           "authored_date": at, "committed_date": at, "created_at": at})
                })
                .collect();
            // The API lists them newest first; one export in seven is in another order.
            if iid % 7 != 0 {
                commits.reverse();
            }
            write(&commits_dir.join(format!("{iid}.json")), &Value::Array(commits));
        }
    }
    let mut issues = Vec::new();
    for iid in 1..=50 * scale {
        let created = rng.below(SPAN_MS as u64) as i64;
        let closed = rng.below(4) != 0;
        let restore = rng.below(2 * DAY_MS as u64) as i64;
        let labels: &[&str] = match rng.below(5) {
            0 => &["bug"],
            1 => &["Incident"],
            2 => &["incident", "sev1"],
            _ => &["incident"],
        };
        issues.push(json!({
            "id": 9000 + iid, "iid": iid, "issue_type": "incident", "title": format!("outage {iid}"),
            "state": if closed { "closed" } else { "opened" },
            "created_at": time(&mut rng, created),
            "closed_at": if closed { json!(time(&mut rng, created + restore)) } else { Value::Null },
            "labels": labels,
        }));
    }
    write(&dir.join("deployments.json"), &Value::Array(deployments));
    write(&dir.join("merge_requests.json"), &Value::Array(mrs));
    write(&dir.join("issues.json"), &Value::Array(issues));
}

#[test]
#[ignore = "needs python3; .ci/run runs it"]
fn gitlab_script_matches_an_independent_implementation() {
    // The last two are busy: every page cut bites.
    for (seed, scale) in [
        (1u64, 1),
        (7, 1),
        (42, 1),
        (1234, 1),
        (99_991, 1),
        (5, 12),
        (77, 12),
    ] {
        let tmp = tempfile::tempdir().unwrap();
        let dir = tmp.path();
        workspace_scaled(seed, dir, scale);
        let want = oracle(
            "gitlab_dora_script.py",
            &[
                "deployments.json",
                "merge_requests.json",
                "merge_request_commits",
                "issues.json",
                SINCE,
                UNTIL,
            ],
            dir,
        );
        let reference = reference(
            dir,
            &[
                "--deployments",
                "deployments.json",
                "--incidents",
                "issues.json",
                "--merge-requests",
                "merge_requests.json",
                "--since",
                SINCE,
                "--until",
                UNTIL,
            ],
            "gitlab-script",
        );
        let reference = &reference;
        let row = |m: &str| row(reference, m);
        let close = |a: &Value, b: &Value, what: &str| match (a.as_f64(), b.as_f64()) {
            (Some(x), Some(y)) => assert!((x - y).abs() < 1e-6, "seed {seed}: {what}: {x} vs {y}"),
            _ => assert_eq!(a, b, "seed {seed}: {what}"),
        };
        let df = row("deployment_frequency");
        close(
            &df["value"],
            &want["deployment_frequency"],
            "deployment frequency",
        );
        assert_eq!(df["sample_size"], want["deployments"], "seed {seed}");
        let lt = row("lead_time");
        close(&lt["value"], &want["lead_time"], "lead time");
        assert_eq!(lt["sample_size"], want["lead_time_n"], "seed {seed}");
        let ttr = row("time_to_restore");
        close(&ttr["value"], &want["time_to_restore"], "time to restore");
        assert_eq!(ttr["sample_size"], want["time_to_restore_n"], "seed {seed}");
        let cfr = row("change_failure_rate");
        assert_eq!(cfr["numerator"], want["failed"], "seed {seed}");
        // report.html shows the same numbers beside dorascope's own.
        let html = std::fs::read_to_string(dir.join("report/report.html")).unwrap();
        assert!(html.contains("<h2>Reference: gitlab-script</h2>"), "seed {seed}");
        assert!(
            html.contains(&format!("({}/{})", want["failed"], want["deployments"])),
            "seed {seed}: the failure ratio in report.html"
        );
        assert_eq!(cfr["denominator"], want["deployments"], "seed {seed}");
        // The oracle must see something in every category, or the comparison proves little.
        assert!(want["deployments"].as_u64().unwrap() > 3, "seed {seed}: {want}");
        assert!(want["lead_time_n"].as_u64().unwrap() > 3, "seed {seed}: {want}");
        assert!(
            want["time_to_restore_n"].as_u64().unwrap() > 3,
            "seed {seed}: {want}"
        );
        assert!(want["failed"].as_u64().unwrap() > 0, "seed {seed}: {want}");
        if scale > 1 {
            // Busy: every page cut bit, and the notes say so.
            let notes = reference["notes"].to_string();
            for what in ["deployments", "merged merge requests", "incidents"] {
                let cut = format!("the {what} call returned the first 100 of");
                assert!(notes.contains(&cut), "seed {seed}: {what}: {notes}");
            }
            assert!(
                notes.contains("have more than 20 commits"),
                "seed {seed}: {notes}"
            );
        }
    }
}

#[test]
fn reference_needs_a_window() {
    let tmp = tempfile::tempdir().unwrap();
    workspace(3, tmp.path());
    let out = Command::new(env!("CARGO_BIN_EXE_dorascope"))
        .current_dir(tmp.path())
        .args([
            "report",
            "--deployments",
            "deployments.json",
            "--reference",
            "gitlab-script",
        ])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("--since and --until"));
}
