//! Every `--lead-time` method on one small repository with merge requests, computed by hand.
//!
//! Hours after T0 (2024-01-01T00:00:00Z), committer time = author time:
//! ```text
//! main:  c0 (0h) ── v1 tag (1h)
//!   feature-a: a1 (2h), a2 (3h)      merged as Ma (5h)
//!   feature-b: b1 (4h)               merged as Mb (8h) ── v2 tag (10h)
//!   feature-c: x1 (11h)              merged as Mc (12h), never deployed
//! ```
//! Merge requests: !1 = feature-a (merge Ma), !2 = feature-b (Mb), !3 = feature-c (Mc),
//! !4 still open. Their commits files give the branch commits' times.

use std::process::Command;

use serde_json::{Value, json};

use crate::util::{HOUR, Repo, T0};

fn at(hours: f64) -> String {
    chrono::DateTime::from_timestamp(T0 + (hours * HOUR as f64) as i64, 0)
        .unwrap()
        .to_rfc3339_opts(chrono::SecondsFormat::Secs, true)
}

struct Fixture {
    repo: Repo,
    exports: tempfile::TempDir,
}

fn fixture() -> Fixture {
    let repo = Repo::new();
    let h = |x: i64| T0 + x * HOUR;
    let c0 = repo.commit("c0", h(0));
    repo.annotated_tag("v1", &c0, h(1));
    let mut commits = Vec::new();
    let mut merges = Vec::new();
    for (branch, times, merged) in [("feature-a", vec![2, 3], 5), ("feature-b", vec![4], 8)] {
        repo.run(&["checkout", "-q", "-b", branch, &c0]);
        let shas: Vec<(String, i64)> = times.iter().map(|&t| (repo.commit(branch, h(t)), t)).collect();
        commits.push(shas);
        repo.run(&["checkout", "-q", "main"]);
        merges.push(repo.merge(branch, h(merged)));
    }
    repo.annotated_tag("v2", &merges[1], h(10));
    repo.run(&["checkout", "-q", "-b", "feature-c"]);
    commits.push(vec![(repo.commit("x1", h(11)), 11)]);
    repo.run(&["checkout", "-q", "main"]);
    merges.push(repo.merge("feature-c", h(12)));

    let exports = tempfile::tempdir().unwrap();
    let dir = exports.path().join("merge_request_commits");
    std::fs::create_dir(&dir).unwrap();
    let mut mrs = Vec::new();
    for (i, (shas, merge)) in commits.iter().zip(&merges).enumerate() {
        let iid = i + 1;
        let merged_hours = [5.0, 8.0, 12.0][i];
        mrs.push(json!({
            "id": 100 + iid, "iid": iid, "state": "merged",
            "source_branch": format!("b{iid}"), "target_branch": "main",
            "created_at": at(shas[0].1 as f64 + 0.5), "updated_at": at(merged_hours),
            "merged_at": at(merged_hours), "merge_commit_sha": merge, "sha": shas.last().unwrap().0,
        }));
        let list: Vec<Value> = shas
            .iter()
            .map(|(sha, t)| {
                let when = at(*t as f64);
                json!({"id": sha, "short_id": &sha[..8], "authored_date": when,
                       "committed_date": when, "created_at": when})
            })
            .collect();
        std::fs::write(
            dir.join(format!("{iid}.json")),
            serde_json::to_vec(&list).unwrap(),
        )
        .unwrap();
    }
    mrs.push(json!({
        "id": 104, "iid": 4, "state": "opened", "source_branch": "b4", "target_branch": "main",
        "created_at": at(3.0), "updated_at": at(3.0), "merged_at": null, "sha": "4".repeat(40),
    }));
    std::fs::write(
        exports.path().join("merge_requests.json"),
        serde_json::to_vec(&mrs).unwrap(),
    )
    .unwrap();
    Fixture { repo, exports }
}

/// The overall lead-time row for `method`.
fn lead_time(f: &Fixture, method: &str) -> (Value, Value) {
    let out_dir = f.exports.path().join(format!("out-{method}"));
    let mrs = f.exports.path().join("merge_requests.json");
    let out = Command::new(env!("CARGO_BIN_EXE_dorascope"))
        .arg("report")
        .arg("--repo")
        .arg(&f.repo.path)
        .arg("--merge-requests")
        .arg(&mrs)
        .args([
            "--lead-time",
            method,
            "--since",
            "2024-01-01",
            "--until",
            "2024-01-02",
        ])
        .args(["--baseline", "none", "--json", "--out"])
        .arg(&out_dir)
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{method}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    let s: Value = serde_json::from_slice(&out.stdout).unwrap();
    let row = s["overall"]
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["metric"] == "lead_time")
        .unwrap()
        .clone();
    (row, s["data_quality"].clone())
}

fn hours(v: &Value) -> f64 {
    v.as_f64().unwrap() / HOUR as f64
}

#[test]
fn every_lead_time_method_by_hand() {
    let f = fixture();
    // commit: a1 10-2 = 8h, a2 7h, b1 6h (c0 is v1's backlog; merges are left out).
    let (row, q) = lead_time(&f, "commit");
    assert_eq!(
        (hours(&row["value"]), row["sample_size"].as_u64()),
        (7.0, Some(3))
    );
    assert_eq!(
        (q["backlog_changes"].as_u64(), q["merge_commits"].as_u64()),
        (Some(1), Some(2))
    );

    // mr-merge: first commit to merge: !1 5-2 = 3h, !2 8-4 = 4h, !3 12-11 = 1h.
    let (row, _) = lead_time(&f, "mr-merge");
    assert_eq!(
        (hours(&row["value"]), row["sample_size"].as_u64()),
        (3.0, Some(3))
    );
    assert_eq!(hours(&row["mean"]), 8.0 / 3.0);

    // mr-deploy: merge to v2 (10h): !1 5h, !2 2h; !3 was never deployed.
    let (row, q) = lead_time(&f, "mr-deploy");
    assert_eq!(
        (hours(&row["value"]), row["sample_size"].as_u64()),
        (3.5, Some(2))
    );
    assert_eq!(q["merge_requests_not_deployed"].as_u64(), Some(1));

    // mr-total: first commit to v2: !1 8h, !2 6h.
    let (row, q) = lead_time(&f, "mr-total");
    assert_eq!(
        (hours(&row["value"]), row["sample_size"].as_u64()),
        (7.0, Some(2))
    );
    assert_eq!(q["merge_requests_not_deployed"].as_u64(), Some(1));

    // pipeline: the deployed commit's time to its deployment: v1 c0 1h, v2 Mb 2h.
    let (row, _) = lead_time(&f, "pipeline");
    assert_eq!(
        (hours(&row["value"]), row["sample_size"].as_u64()),
        (1.5, Some(2))
    );
}

#[test]
fn merge_request_methods_without_commits_count_what_is_missing() {
    let f = fixture();
    std::fs::remove_dir_all(f.exports.path().join("merge_request_commits")).unwrap();
    // Without commits only mr-deploy can be computed; mr-merge names what is missing.
    let (row, q) = lead_time(&f, "mr-merge");
    assert!(row["value"].is_null(), "{row}");
    assert_eq!(q["merge_requests_without_first_commit"].as_u64(), Some(3));
    let (row, _) = lead_time(&f, "mr-deploy");
    assert_eq!(hours(&row["value"]), 3.5);
}

#[test]
fn merge_request_deploy_methods_without_a_repository_say_what_they_need() {
    let f = fixture();
    let out_dir = f.exports.path().join("no-repo");
    let out = Command::new(env!("CARGO_BIN_EXE_dorascope"))
        .current_dir(f.exports.path())
        .args([
            "report",
            "--merge-requests",
            "merge_requests.json",
            "--lead-time",
            "mr-total",
            "--json",
        ])
        .arg("--out")
        .arg(&out_dir)
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let s: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert!(
        s["unavailable"]
            .to_string()
            .contains("mr-total needs a repository"),
        "{}",
        s["unavailable"]
    );
    let row = s["overall"]
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["metric"] == "lead_time")
        .unwrap();
    assert_eq!(row["warning"], "not available from these inputs");
}
