//! `report --reference gitlab-script` end to end on small hand-made GitLab exports: what the
//! script read (one page of each list, as it ran at `--until`) and the commits it read them
//! from. Window: 2024-03-01 .. 2024-03-31 (30 days).

use std::path::Path;
use std::process::Command;

use serde_json::{Value, json};

const SINCE: &str = "2024-03-01T00:00:00Z";
const UNTIL: &str = "2024-03-31T00:00:00Z";

/// 2024-03-01T00:00:00Z plus `hours`, as GitLab writes it.
fn at(hours: i64) -> String {
    chrono::DateTime::from_timestamp(1_709_251_200 + hours * 3600, 0)
        .unwrap()
        .format("%Y-%m-%dT%H:%M:%S%.3fZ")
        .to_string()
}

/// The window's end is 720 h after its start.
const END: i64 = 30 * 24;

fn write(path: &Path, v: &Value) {
    std::fs::write(path, serde_json::to_vec_pretty(v).unwrap()).unwrap();
}

fn deployment(id: i64, created: i64, updated: i64) -> Value {
    json!({
        "id": id, "iid": id, "ref": "main", "sha": format!("{id:040x}"),
        "created_at": at(created), "updated_at": at(updated), "status": "success",
        "environment": {"id": 1, "name": "production"}, "deployable": null,
    })
}

fn issue(iid: i64, created: i64, closed: Option<i64>) -> Value {
    json!({
        "id": 9000 + iid, "iid": iid, "title": format!("outage {iid}"), "labels": ["incident"],
        "state": if closed.is_some() { "closed" } else { "opened" },
        "created_at": at(created), "closed_at": closed.map(at),
    })
}

fn merge_request(iid: i64, created: i64, merged: i64) -> Value {
    json!({
        "id": 5000 + iid, "iid": iid, "state": "merged", "source_branch": format!("b{iid}"),
        "target_branch": "main", "created_at": at(created), "updated_at": at(merged),
        "merged_at": at(merged), "sha": format!("{iid:040x}"),
    })
}

/// Commits newest first, as the API lists them, with `created_at` only (no `authored_date`).
fn commits(dir: &Path, iid: i64, created: &[i64]) {
    let list: Vec<Value> = created
        .iter()
        .enumerate()
        .map(|(k, &t)| {
            json!({"id": format!("{:040x}", iid * 1000 + k as i64), "short_id": "abc",
                   "title": "change", "created_at": at(t)})
        })
        .collect();
    std::fs::create_dir_all(dir.join("merge_request_commits")).unwrap();
    write(
        &dir.join("merge_request_commits").join(format!("{iid}.json")),
        &Value::Array(list),
    );
}

/// `report --reference gitlab-script --json` over the files present in `dir`.
fn report(dir: &Path, extra: &[&str]) -> Value {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_dorascope"));
    cmd.current_dir(dir).arg("report");
    for (flag, file) in [
        ("--deployments", "deployments.json"),
        ("--incidents", "issues.json"),
        ("--merge-requests", "merge_requests.json"),
    ] {
        if dir.join(file).exists() {
            cmd.args([flag, file]);
        }
    }
    let out = cmd
        .args(["--since", SINCE, "--until", UNTIL, "--reference", "gitlab-script"])
        .args(extra)
        .args(["--json", "-q", "--out", "report"])
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    serde_json::from_slice(&out.stdout).unwrap()
}

fn row<'a>(summary: &'a Value, metric: &str) -> &'a Value {
    summary["reference"]["rows"]
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["metric"] == metric)
        .unwrap()
}

fn notes(summary: &Value) -> Vec<String> {
    summary["reference"]["notes"]
        .as_array()
        .unwrap()
        .iter()
        .map(|n| n.as_str().unwrap().to_owned())
        .collect()
}

fn has_note(summary: &Value, text: &str) -> bool {
    notes(summary).iter().any(|n| n.contains(text))
}

/// Issue 14, defect 1: commits exported with `created_at` and no `authored_date` were
/// skipped, so neither the reference nor `--lead-time mr-merge` had a lead time, and the note
/// blamed missing `created_at`.
#[test]
fn commits_with_created_at_only_give_both_lead_times() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path();
    write(
        &dir.join("merge_requests.json"),
        &json!([merge_request(1, 100, 110), merge_request(2, 200, 204)]),
    );
    // !1: newest first, the script reads the last (102 h): 8 h. !2: one commit: 3 h.
    commits(dir, 1, &[106, 102]);
    commits(dir, 2, &[201]);
    let s = report(dir, &["--lead-time", "mr-merge", "--baseline", "none"]);
    let lead = row(&s, "lead_time");
    assert_eq!(lead["value"].as_f64(), Some(5.5 * 3600.0), "{lead}");
    assert_eq!(lead["sample_size"], 2);
    assert!(!has_note(&s, "no commits"), "{:?}", notes(&s));
    assert!(!has_note(&s, "no created_at"), "{:?}", notes(&s));
    // dorascope's own mr-merge lead time reads the same commits (authored_date missing:
    // created_at).
    let own = s["overall"]
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["metric"] == "lead_time")
        .unwrap();
    assert!(own["value"].as_f64().is_some(), "{own}");
    assert_eq!(s["data_quality"]["merge_requests_without_first_commit"], 0);
    assert_eq!(s["data_quality"]["skipped_records"], 0);
}

/// Issue 14, defect 2: the script run at `--until` could not see incidents created later;
/// one closed later was open then.
#[test]
fn incidents_after_until_fail_no_deployment_and_restore_nothing() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path();
    write(
        &dir.join("deployments.json"),
        &json!([deployment(1, END - 2, END - 1), deployment(2, 100, 101)]),
    );
    write(
        &dir.join("issues.json"),
        &json!([
            // 3 h after deployment 1 was created, but after --until.
            issue(1, END + 1, Some(END + 2)),
            // Fails deployment 2; restored in 2 h.
            issue(2, 105, Some(107)),
            // Created in the window, closed after it: open when the script ran.
            issue(3, END - 100, Some(END + 24)),
        ]),
    );
    let s = report(dir, &[]);
    let cfr = row(&s, "change_failure_rate");
    assert_eq!(
        (cfr["numerator"].as_u64(), cfr["denominator"].as_u64()),
        (Some(1), Some(2))
    );
    let ttr = row(&s, "time_to_restore");
    assert_eq!(ttr["value"].as_f64(), Some(2.0 * 3600.0), "{ttr}");
    assert_eq!(ttr["sample_size"], 1);
    assert!(
        has_note(&s, "1 incidents created in the 48 h after the window's end"),
        "{:?}",
        notes(&s)
    );
    assert!(
        has_note(&s, "1 incidents closed after the window's end"),
        "{:?}",
        notes(&s)
    );
}

/// Issue 14, defect 7: one call per list, never paged: the first 100 deployments (oldest
/// updated first), merge requests and incidents (newest created first), the first 20 commits
/// of each merge request; the notes say what was left out.
#[test]
fn the_script_sees_one_page_of_each_list_and_the_notes_say_what_it_missed() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path();
    // 143 deployments, written newest first; deployment 1 was updated last of all.
    let deployments: Vec<Value> = (1..=143)
        .rev()
        .map(|id| {
            let updated = if id == 1 { END - 1 } else { 24 + id * 4 };
            deployment(id, updated - 1, updated)
        })
        .collect();
    write(&dir.join("deployments.json"), &Value::Array(deployments));
    // 120 merged merge requests; the 20 oldest took 100 h, the rest 2 h, except !120: 25
    // commits, of which the script reads the 20th newest (20 h before the merge).
    let mrs: Vec<Value> = (1..=120)
        .map(|iid| merge_request(iid, iid * 5, iid * 5 + 1))
        .collect();
    for iid in 1..=120 {
        let merged = iid * 5 + 1;
        match iid {
            120 => commits(dir, iid, &(1..=25).map(|k| merged - k).collect::<Vec<_>>()),
            1..=20 => commits(dir, iid, &[merged - 100]),
            _ => commits(dir, iid, &[merged - 2]),
        }
    }
    write(&dir.join("merge_requests.json"), &Value::Array(mrs));
    // 130 incidents; the 30 oldest restored in 1 h, the rest in 3 h.
    let issues: Vec<Value> = (1..=130)
        .map(|iid| {
            let created = 6 + iid * 5;
            issue(iid, created, Some(created + if iid <= 30 { 1 } else { 3 }))
        })
        .collect();
    write(&dir.join("issues.json"), &Value::Array(issues));

    let s = report(dir, &[]);
    let df = row(&s, "deployment_frequency");
    assert_eq!(df["sample_size"], 100);
    assert_eq!(df["value"].as_f64(), Some(100.0 / 30.0));
    assert!(
        has_note(
            &s,
            "the deployments call returned the first 100 of 143 matching deployments (oldest updated_at first): 43 later ones not counted"
        ),
        "{:?}",
        notes(&s)
    );
    let lead = row(&s, "lead_time");
    assert_eq!(lead["sample_size"], 100);
    assert_eq!(lead["value"].as_f64(), Some(2.0 * 3600.0));
    assert!(
        has_note(
            &s,
            "the merged merge requests call returned the first 100 of 120 matching merged merge requests (newest created first): 20 older ones not counted"
        ),
        "{:?}",
        notes(&s)
    );
    assert!(
        has_note(
            &s,
            "1 merged merge requests have more than 20 commits: their commits call returned the newest 20 (the API's default page), so the script's lead time starts at the 20th newest commit, not the oldest (5.0 hours shorter in all)"
        ),
        "{:?}",
        notes(&s)
    );
    let ttr = row(&s, "time_to_restore");
    assert_eq!(ttr["sample_size"], 100);
    assert_eq!(ttr["value"].as_f64(), Some(3.0 * 3600.0));
    assert!(
        has_note(
            &s,
            "the incidents call returned the first 100 of 130 matching incidents (newest created first): 30 older ones (for time to restore and failures) not counted"
        ),
        "{:?}",
        notes(&s)
    );
}

/// Issue 14, defect 8: `--merge-request-commits` and the `merge_request_commits/` lookup were
/// in `--help` only.
#[test]
fn merge_request_commits_are_documented_where_users_look() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let readme = std::fs::read_to_string(root.join("README.md")).unwrap();
    assert!(
        readme.lines().any(
            |l| l.starts_with("| `--merge-request-commits PATH`") && l.contains("merge_request_commits/")
        ),
        "README.md: no option-table row for --merge-request-commits"
    );
    let importers = std::fs::read_to_string(root.join("docs/importers.md")).unwrap();
    let section = importers
        .split("\n## ")
        .find(|s| s.starts_with("Merge-request commits"))
        .expect("docs/importers.md: a Merge-request commits section");
    for text in [
        "--merge-request-commits",
        "merge_request_commits/",
        "authored_date",
        "created_at",
    ] {
        assert!(section.contains(text), "docs/importers.md: {text}");
    }
}
