//! Release lines (docs/definitions.md, "Release lines"): two interleaved maintained lines on a
//! generated history, with maintenance releases tagged before and after the newer line and a
//! real single-line rollback; every `line`, `rollback` and `maintenance` value, the rollback
//! failure method's rate and the per-line metrics are computed by hand below.
//!
//! ```text
//! hours  main                       maint-1.0          maint-1.1
//!  0     c0 ─────────────────────┬──────────────────┐                v1.0.0 (h1)
//!  2     c1 ─────────────────────┼──────────┐       │                v1.1.0 (h4)
//!  5                             │          │       m1               v1.0.1 (h6)
//!  7     M1 = merge maint-1.0    │          │       │
//!  8     c2                      │          │       │                v2.0.0 (h11)
//! 12                             │          n1      │                v1.1.1 (h16)
//! 17                             │                  m2
//! 18     M2 = merge maint-1.0                                        v2.1.0 (h22)
//!        then v1.0.2 on m2 (h23): shipped by v2.1.0, never by line 1.0 → maintenance
//!        then v1.1.2 on c1 (h24): line 1.1 shipped c1 (v1.1.0)     → rollback
//! ```

use serde_json::Value;

use crate::util::{HOUR, Repo, T0, csv_rows, dorascope, overall, stderr, stdout};

fn history() -> Repo {
    let r = Repo::new();
    let h = |n: i64| T0 + n * HOUR;
    let c0 = r.commit("c0", h(0));
    r.annotated_tag("v1.0.0", &c0, h(1));
    let c1 = r.commit("c1", h(2));
    r.annotated_tag("v1.1.0", &c1, h(4));
    r.run(&["branch", "maint-1.0", &c0]);
    r.run(&["branch", "maint-1.1", &c1]);
    r.run(&["checkout", "-q", "maint-1.0"]);
    let m1 = r.commit("m1: fix on 1.0", h(5));
    r.annotated_tag("v1.0.1", &m1, h(6));
    r.run(&["checkout", "-q", "main"]);
    r.merge("maint-1.0", h(7));
    let c2 = r.commit("c2", h(8));
    r.annotated_tag("v2.0.0", &c2, h(11));
    r.run(&["checkout", "-q", "maint-1.1"]);
    let n1 = r.commit("n1: fix on 1.1", h(12));
    r.annotated_tag("v1.1.1", &n1, h(16));
    r.run(&["checkout", "-q", "maint-1.0"]);
    let m2 = r.commit("m2: security fix on 1.0", h(17));
    r.run(&["checkout", "-q", "main"]);
    let m2_merged = r.merge("maint-1.0", h(18));
    r.annotated_tag("v2.1.0", &m2_merged, h(22));
    r.annotated_tag("v1.0.2", &m2, h(23));
    r.annotated_tag("v1.1.2", &c1, h(24));
    r
}

fn run(args: &[&str]) -> String {
    let out = dorascope(args);
    assert!(out.status.success(), "{args:?}: {}", stderr(&out));
    stdout(&out)
}

/// (deployment, line, changes, rollback, maintenance) in deployment order.
fn deployments(repo: &Repo, extra: &[&str]) -> Vec<(String, String, String, String, String)> {
    let mut args = vec!["deployments", "--repo", repo.path.to_str().unwrap()];
    args.extend(extra);
    csv_rows(&run(&args))
        .into_iter()
        .map(|d| {
            (
                d["deployment"].clone(),
                d["line"].clone(),
                d["changes"].clone(),
                d["rollback"].clone(),
                d["maintenance"].clone(),
            )
        })
        .collect()
}

fn row(
    name: &str,
    line: &str,
    changes: u32,
    rollback: bool,
    maintenance: bool,
) -> (String, String, String, String, String) {
    (
        name.into(),
        line.into(),
        changes.to_string(),
        rollback.to_string(),
        maintenance.to_string(),
    )
}

#[test]
fn maintenance_releases_of_older_lines_are_not_rollbacks() {
    let repo = history();
    let want = [
        row("v1.0.0", "1.0", 1, false, false),
        row("v1.1.0", "1.1", 1, false, false),
        // A new commit on the 1.0 branch, before the newer line: a release like any other.
        row("v1.0.1", "1.0", 1, false, false),
        // c2 (M1 is a merge and m1 was shipped by v1.0.1).
        row("v2.0.0", "2.0", 1, false, false),
        row("v1.1.1", "1.1", 1, false, false),
        // m2 (M2 is a merge).
        row("v2.1.0", "2.1", 1, false, false),
        // m2 again: v2.1.0 shipped it, line 1.0 (c0, m1) never did.
        row("v1.0.2", "1.0", 0, false, true),
        // c1 again: line 1.1 shipped it with v1.1.0 (and v1.1.1 reaches it).
        row("v1.1.2", "1.1", 0, true, false),
    ];
    assert_eq!(deployments(&repo, &[]), want);

    // One component: lines 1 and 2. Line 1 (c0, c1, m1, n1) still never reached m2.
    let depth1: Vec<(String, String, String)> = deployments(&repo, &["--release-line-depth", "1"])
        .into_iter()
        .map(|(name, line, _, rollback, maintenance)| (name, line, format!("{rollback}/{maintenance}")))
        .collect();
    let lines: Vec<&str> = depth1.iter().map(|d| d.1.as_str()).collect();
    assert_eq!(lines, ["1", "1", "1", "2", "1", "2", "1", "1"]);
    assert_eq!(depth1[6].2, "false/true");
    assert_eq!(depth1[7].2, "true/false");

    // Three components: every tag is its own line but v1.1.2 re-deploys c1, which line 1.1.2
    // never shipped: both are maintenance releases.
    let depth3 = deployments(&repo, &["--release-line-depth", "3"]);
    assert_eq!(depth3[6], row("v1.0.2", "1.0.2", 0, false, true));
    assert_eq!(depth3[7], row("v1.1.2", "1.1.2", 0, false, true));

    // Depth 0: one line, the rule before release lines: both re-deploys are rollbacks.
    let depth0 = deployments(&repo, &["--release-line-depth", "0"]);
    assert!(depth0.iter().all(|d| d.1 == "unversioned"));
    assert_eq!(depth0[6], row("v1.0.2", "unversioned", 0, true, false));
    assert_eq!(depth0[7], row("v1.1.2", "unversioned", 0, true, false));

    let out = dorascope(&[
        "deployments",
        "--repo",
        repo.path.to_str().unwrap(),
        "--release-line-depth",
        "10",
    ]);
    assert_eq!(out.status.code(), Some(2));
    assert!(stderr(&out).contains("--release-line-depth"), "{}", stderr(&out));
}

fn report(repo: &Repo, dir: &std::path::Path, extra: &[&str]) -> Value {
    let out = dir.join("out");
    let mut args = vec![
        "report",
        "--repo",
        repo.path.to_str().unwrap(),
        "--failure-method",
        "rollback",
        "--since",
        "2024-01-01",
        "--until",
        "2024-01-04",
        "--baseline",
        "none",
        "--json",
        "--out",
        out.to_str().unwrap(),
    ];
    args.extend(extra);
    serde_json::from_str(&run(&args)).unwrap()
}

/// Deployment frequency (per day over 4 days), median lead time (hours), failed/counted.
fn check(rows: &Value, what: &str, df: f64, lead: f64, failed: (u64, u64)) {
    let close = |v: &Value, want: f64| v.as_f64().is_some_and(|x| (x - want).abs() < 1e-9);
    let d = overall(rows, "deployment_frequency");
    assert!(close(&d["value"], df), "{what}: {d}");
    let l = overall(rows, "lead_time");
    assert!(close(&l["value"], lead * 3600.0), "{what}: {l}");
    let c = overall(rows, "change_failure_rate");
    let got = (
        c["numerator"].as_u64().unwrap(),
        c["denominator"].as_u64().unwrap(),
    );
    assert_eq!(got, failed, "{what}: {c}");
}

fn failures(dir: &std::path::Path) -> Vec<(String, String)> {
    let text = std::fs::read_to_string(dir.join("out/deployments.csv")).unwrap();
    csv_rows(&text)
        .into_iter()
        .filter(|d| d["failed"] == "true")
        .map(|d| (d["deployment"].clone(), d["failure_reason"].clone()))
        .collect()
}

#[test]
fn rollback_failures_and_metrics_per_line_by_hand() {
    let repo = history();
    let dir = tempfile::tempdir().unwrap();
    let s = report(&repo, dir.path(), &["--group-by", "line"]);
    // Lead times (c0 is backlog, merges do not count): c1 2 h, m1 1 h, c2 3 h, n1 4 h,
    // m2 5 h: median 3 h. Eight deployments over 4 days. The maintenance release v1.0.2 fails
    // nothing; the rollback v1.1.2 fails the previous deployment of line 1.1, v1.1.1 (not
    // v1.0.2, the previous one in time): 1 of 8.
    check(&s["overall"], "all", 2.0, 3.0, (1, 8));
    assert_eq!(
        failures(dir.path()),
        [("v1.1.1".to_owned(), "rolled back by v1.1.2".to_owned())]
    );
    assert_eq!(s["group_by"], "line");
    let groups = s["groups"].as_array().unwrap();
    let names: Vec<&str> = groups.iter().map(|g| g["group"].as_str().unwrap()).collect();
    assert_eq!(names, ["1.0", "1.1", "2.0", "2.1"]);
    // 1.0: v1.0.0, v1.0.1, v1.0.2; m1 1 h.
    check(&groups[0]["overall"], "1.0", 0.75, 1.0, (0, 3));
    // 1.1: v1.1.0, v1.1.1, v1.1.2; c1 2 h, n1 4 h; v1.1.1 rolled back.
    check(&groups[1]["overall"], "1.1", 0.75, 3.0, (1, 3));
    // 2.0: v2.0.0; c2 3 h. 2.1: v2.1.0; m2 5 h.
    check(&groups[2]["overall"], "2.0", 0.25, 3.0, (0, 1));
    check(&groups[3]["overall"], "2.1", 0.25, 5.0, (0, 1));

    // Fix tags fail the previous deployment of their own line: v1.0.1 fails v1.0.0, v1.1.1
    // fails v1.1.0, v1.0.2 fails v1.0.1; v1.1.2's rollback fails v1.1.1: 4 of 8.
    let dir = tempfile::tempdir().unwrap();
    let s = report(&repo, dir.path(), &["--fix-tags", "v*.*.[1-9]"]);
    check(&s["overall"], "fix tags", 2.0, 3.0, (4, 8));
    let want = [
        ("v1.0.0", "fixed by v1.0.1"),
        ("v1.1.0", "fixed by v1.1.1"),
        ("v1.0.1", "fixed by v1.0.2"),
        ("v1.1.1", "rolled back by v1.1.2"),
    ]
    .map(|(a, b)| (a.to_owned(), b.to_owned()));
    assert_eq!(failures(dir.path()), want);
}

/// From exports without a repository, a line is a service and environment: re-deploying a
/// commit is a rollback only when the same service deployed exactly that commit before.
#[test]
fn export_lines_are_service_and_environment() {
    let dir = tempfile::tempdir().unwrap();
    let sha = |c: char| c.to_string().repeat(40);
    let time = |h: i64| {
        chrono::DateTime::from_timestamp(T0 + h * HOUR, 0)
            .unwrap()
            .format("%Y-%m-%dT%H:%M:%SZ")
            .to_string()
    };
    // api ships a, then b; web ships b (api shipped it first: maintenance), then api
    // re-deploys a (its own: rollback), then web re-deploys b (its own: rollback).
    let rows = [
        ("api-1", 'a', "api", 1),
        ("api-2", 'b', "api", 2),
        ("web-1", 'b', "web", 3),
        ("api-3", 'a', "api", 4),
        ("web-2", 'b', "web", 5),
    ];
    let mut text = String::from("id,sha,environment,status,finished_at,service\n");
    for (id, c, service, h) in rows {
        text.push_str(&format!(
            "{id},{},production,success,{},{service}\n",
            sha(c),
            time(h)
        ));
    }
    std::fs::write(dir.path().join("deployments.csv"), text).unwrap();
    // Run outside any repository: the exports are all there is.
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_dorascope"))
        .current_dir(dir.path())
        .args(["deployments", "--deployments", "deployments.csv"])
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", stderr(&out));
    let got: Vec<(String, String, String, String)> = csv_rows(&stdout(&out))
        .into_iter()
        .map(|d| {
            (
                d["deployment"].clone(),
                d["line"].clone(),
                d["rollback"].clone(),
                d["maintenance"].clone(),
            )
        })
        .collect();
    let want = [
        ("api-1", "api/production", false, false),
        ("api-2", "api/production", false, false),
        ("web-1", "web/production", false, true),
        ("api-3", "api/production", true, false),
        ("web-2", "web/production", true, false),
    ]
    .map(|(d, l, r, m)| (d.to_owned(), l.to_owned(), r.to_string(), m.to_string()));
    assert_eq!(got, want);
}
