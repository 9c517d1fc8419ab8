//! Defects found trying dorascope as a new user would (issue 14, defects 3 to 6), through the
//! binary, in a directory that is not a repository (deployments come from the exports).

use std::path::Path;
use std::process::Output;

use serde_json::{Value, json};

use crate::util::{run_in, stderr, stdout};

fn ok_in(dir: &Path, args: &[&str]) -> Output {
    let out = run_in(dir, args);
    assert!(out.status.success(), "{args:?}: {}", stderr(&out));
    out
}

/// Two successful deployments (May 1 and 3) and one run its tool reported failed (May 4),
/// in dorascope's canonical CSV.
fn deployments(dir: &Path) {
    std::fs::write(
        dir.join("deployments.csv"),
        "id,sha,finished_at,status\n\
         d1,aaaaaaa1,2024-05-01T10:00:00Z,success\n\
         d2,bbbbbbb2,2024-05-03T10:00:00Z,success\n\
         d3,ccccccc3,2024-05-04T10:00:00Z,failed\n",
    )
    .unwrap();
}

fn summary(dir: &Path, extra: &[&str]) -> Value {
    let mut args = vec![
        "report",
        "--deployments",
        "deployments.csv",
        "--json",
        "--out",
        "out",
    ];
    args.extend_from_slice(extra);
    let out = ok_in(dir, &args);
    serde_json::from_slice(&out.stdout).unwrap()
}

fn rows<'a>(s: &'a Value, key: &str, metric: &str) -> Vec<&'a Value> {
    s[key]
        .as_array()
        .unwrap()
        .iter()
        .filter(|r| r["metric"] == metric)
        .collect()
}

fn method<'a>(s: &'a Value, name: &str) -> &'a Value {
    s["failure_methods"]
        .as_array()
        .unwrap()
        .iter()
        .find(|m| m["method"] == name)
        .unwrap()
}

/// Defect 3: incident exports that parse to no incident (a header-only CSV, an empty array)
/// give a 0% failure rate with its Wilson interval, overall and per period.
#[test]
fn incident_exports_without_incidents_give_a_zero_failure_rate() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path();
    deployments(dir);
    std::fs::write(dir.join("incidents.csv"), "id,started_at,resolved_at\n").unwrap();
    std::fs::write(dir.join("incidents.json"), "[]\n").unwrap();
    let header_only: &[&str] = &["--incidents", "incidents.csv"];
    let empty_array: &[&str] = &[
        "--incidents",
        "incidents.json",
        "--incidents-format",
        "canonical-incidents-json",
    ];
    for given in [header_only, empty_array] {
        let s = summary(dir, given);
        let cfr: Vec<&Value> = rows(&s, "overall", "change_failure_rate")
            .into_iter()
            .chain(rows(&s, "periods", "change_failure_rate"))
            .collect();
        assert_eq!(cfr.len(), 2, "{given:?}");
        for r in cfr {
            // 0 of 2: Wilson (0, 0.657620).
            assert_eq!(
                (&r["numerator"], &r["denominator"]),
                (&json!(0), &json!(2)),
                "{r}"
            );
            assert_eq!(r["value"].as_f64(), Some(0.0), "{r}");
            assert_eq!(r["interval_low"].as_f64(), Some(0.0), "{r}");
            assert!(
                (r["interval_high"].as_f64().unwrap() - 0.657_620).abs() < 1e-6,
                "{r}"
            );
        }
        let unavailable = s["unavailable"].to_string();
        assert!(
            !unavailable.contains("incident exports"),
            "{given:?}: {unavailable}"
        );
        let window = method(&s, "window");
        assert_eq!(window["rate"].as_f64(), Some(0.0), "{window}");
        assert!(window.get("unavailable").is_none(), "{window}");
    }
}

/// Defect 3, the reverse: without incident exports, the incident methods cannot decide,
/// and the by-method line and summary.json say so instead of 0%.
#[test]
fn without_incident_exports_the_incident_methods_say_they_cannot_decide() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path();
    deployments(dir);
    let s = summary(dir, &[]);
    for name in ["window", "any-in-window", "linked"] {
        let m = method(&s, name);
        assert!(m["rate"].is_null(), "{m}");
        assert_eq!(m["unavailable"], "needs incident exports (--incidents)", "{m}");
    }
    let status = method(&s, "status");
    assert!(
        (status["rate"].as_f64().unwrap() - 1.0 / 3.0).abs() < 1e-12,
        "{status}"
    );

    let out = ok_in(
        dir,
        &["report", "--deployments", "deployments.csv", "--out", "out2"],
    );
    let text = stdout(&out);
    let line = text
        .lines()
        .find(|l| l.starts_with("change failure rate by method:"))
        .unwrap_or_else(|| panic!("{text}"));
    assert!(line.contains("window –, any-in-window –, linked –,"), "{line}");
    assert!(!line.contains("window 0.0%"), "{line}");
    assert!(
        text.contains(
            "  – window, any-in-window, linked cannot decide: needs incident exports (--incidents)"
        ),
        "{text}"
    );
}

/// Four commits as GitLab's `GET /projects/:id/merge_requests/:iid/commits` returns them
/// (docs/importers.md; tests/fixtures/formats/), without the
/// keys in `without`.
fn mr_commits(without: &[&str]) -> Value {
    let commits: Vec<Value> = (0..4)
        .map(|i| {
            let sha = format!("{:040x}", 0xabc0 + i);
            let when = format!("2025-09-02T1{i}:19:54+03:00");
            let mut c = json!({
                "id": sha, "short_id": &sha[..11], "created_at": when,
                "parent_ids": [], "title": format!("Change {i}"), "message": format!("Change {i}\n"),
                "author_name": "Jonas Eklund", "author_email": "jonas.eklund@example.org",
                "authored_date": when, "committer_name": "Jonas Eklund",
                "committer_email": "jonas.eklund@example.org", "committed_date": when,
                "trailers": {}, "extended_trailers": {},
                "web_url": format!("https://gitlab.example.org/retail/checkout-api/-/commit/{sha}"),
            });
            for k in without {
                c.as_object_mut().unwrap().remove(*k);
            }
            c
        })
        .collect();
    Value::Array(commits)
}

/// Defect 4: `check` on a merge-request commits file names it, never canonical incidents.
#[test]
fn check_detects_merge_request_commits_not_incidents() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path().join("merge_request_commits");
    std::fs::create_dir(&dir).unwrap();
    for (n, without) in [(1, &[][..]), (2, &["authored_date"][..])] {
        let body = serde_json::to_vec_pretty(&mr_commits(without)).unwrap();
        std::fs::write(dir.join(format!("{n}.json")), body).unwrap();
        let file = format!("merge_request_commits/{n}.json");
        let out = run_in(tmp.path(), &["check", &file]);
        let text = stdout(&out);
        assert!(
            text.starts_with(&format!("{file}: gitlab-merge-request-commits\n")),
            "without {without:?}: {text}{}",
            stderr(&out)
        );
        assert!(!text.contains("incident"), "without {without:?}: {text}");
        assert!(text.contains("records: 4 read"), "{text}");
    }
}

/// Defect 5: one warning per merge-request commits file becomes the first few and a count;
/// `-q` leaves none (errors only).
#[test]
fn warnings_about_many_commit_files_are_summarised_and_quiet_silences_them() {
    const MRS: usize = 30;
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path();
    let commits = dir.join("merge_request_commits");
    std::fs::create_dir(&commits).unwrap();
    let mut mrs = Vec::new();
    for iid in 1..=MRS {
        let merged = format!("2024-05-{:02}T12:00:00Z", iid % 28 + 1);
        mrs.push(json!({
            "id": 1000 + iid, "iid": iid, "state": "merged",
            "source_branch": format!("b{iid}"), "target_branch": "main",
            "created_at": "2024-05-01T00:00:00Z", "updated_at": merged, "merged_at": merged,
            "merge_commit_sha": format!("{iid:040x}"), "sha": format!("{:040x}", iid + 500),
        }));
        // One good commit, one whose id is no commit id: every file has a skipped record.
        let mut list = mr_commits(&[]);
        list[1]["id"] = json!("not-a-sha");
        std::fs::write(
            commits.join(format!("{iid}.json")),
            serde_json::to_vec(&list).unwrap(),
        )
        .unwrap();
    }
    std::fs::write(dir.join("merge_requests.json"), serde_json::to_vec(&mrs).unwrap()).unwrap();
    let args = [
        "report",
        "--merge-requests",
        "merge_requests.json",
        "--lead-time",
        "mr-merge",
        "--out",
        "out",
    ];
    let loud = ok_in(dir, &args);
    let err = stderr(&loud);
    let skipped = err
        .lines()
        .filter(|l| l.starts_with("warning: merge_request_commits/") && l.contains("skipped 1 bad records"))
        .count();
    assert_eq!(skipped, 5, "{err}");
    assert_eq!(
        err.lines()
            .filter(|l| *l == format!("warning: … and {} more like it", MRS - 5))
            .count(),
        1,
        "{err}"
    );
    assert!(err.lines().count() < 12, "{err}");

    let mut quiet = vec!["-q"];
    quiet.extend_from_slice(&args[..args.len() - 1]);
    quiet.push("out-quiet");
    let out = ok_in(dir, &quiet);
    assert_eq!(stderr(&out), "", "-q leaves errors only");
    assert!(stdout(&out).contains("change failure rate by method"));
}

/// Defect 6: a run its tool reported failed reads `reported failed` under every method, in
/// the deployments table and the report's.
#[test]
fn runs_reported_failed_have_their_reason_under_every_method() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path();
    deployments(dir);
    // An incident an hour after d2 (window: d2 failed), naming d2 (linked).
    std::fs::write(
        dir.join("incidents.csv"),
        "id,started_at,resolved_at,deployment\nINC-1,2024-05-03T11:00:00Z,2024-05-03T12:00:00Z,d2\n",
    )
    .unwrap();
    let reasons = |rows: &Value| -> Vec<(String, bool, String)> {
        rows.as_array()
            .unwrap()
            .iter()
            .map(|r| {
                (
                    r["deployment"].as_str().unwrap().to_owned(),
                    r["failed"].as_bool().unwrap_or(false),
                    r["failure_reason"].as_str().unwrap_or("").to_owned(),
                )
            })
            .collect()
    };
    for m in ["window", "any-in-window", "linked", "rollback", "status"] {
        let out = ok_in(
            dir,
            &[
                "deployments",
                "--deployments",
                "deployments.csv",
                "--incidents",
                "incidents.csv",
                "--failure-method",
                m,
                "--format",
                "json",
            ],
        );
        let rows: Value = serde_json::from_slice(&out.stdout).unwrap();
        let got = reasons(&rows);
        assert_eq!(
            got[2],
            ("d3".to_owned(), true, "reported failed".to_owned()),
            "{m}: {got:?}"
        );
        if ["window", "any-in-window", "linked"].contains(&m) {
            assert_eq!(
                got[1],
                ("d2".to_owned(), true, "incident INC-1".to_owned()),
                "{m}"
            );
        }
    }
    // The report's deployments table too.
    ok_in(
        dir,
        &[
            "report",
            "--deployments",
            "deployments.csv",
            "--incidents",
            "incidents.csv",
            "--out",
            "out",
        ],
    );
    let table: Value =
        serde_json::from_slice(&std::fs::read(dir.join("out/deployments.json")).unwrap()).unwrap();
    let got = reasons(&table);
    assert_eq!(
        got[2],
        ("d3".to_owned(), true, "reported failed".to_owned()),
        "{got:?}"
    );
    assert_eq!(
        got[1],
        ("d2".to_owned(), true, "incident INC-1".to_owned()),
        "{got:?}"
    );
}
