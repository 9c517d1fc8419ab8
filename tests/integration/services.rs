//! Services, teams and meaningful deployments (`--service`, `--codeowners`, `--ignore-paths`,
//! `--group-by`) on a generated monorepo whose every number is computed by hand below, and
//! two repositories in one report against two separate reports.
//!
//! Times are hours after T0 = 2024-01-01T00:00:00Z. Services: api = `services/api/**`,
//! web = `services/web/**,libs/ui/**`, billing = `services/billing/**`; ignored:
//! `docs/**`, `*.md`, `.github/**`. CODEOWNERS (`.github/CODEOWNERS`):
//! `*` @acme/platform, `/services/api/` @acme/api-team, `/services/web/` @alice (an
//! individual: no team), `/services/billing/` @acme/billing @bob, `/libs/ui/` @acme/web-team.
//!
//! | commit | hour | paths | services | teams | meaningful |
//! |---|---|---|---|---|---|
//! | c1 | 0 | every file (root commit) | api, billing, web | api-team, billing, platform, web-team | yes |
//! | c2 | 10 | services/api/main.rs | api | api-team | yes |
//! | c3 | 12 | services/web/app.js | web | – | yes |
//! | c4 | 30 | docs/guide.md | – | platform | no |
//! | c5 | 50 | .github/workflows/ci.yml | – | platform | no |
//! | c6 | 70 | services/billing/bill.py → services/api/bill.py | api, billing | api-team, billing | yes |
//! | c7 | 75 | libs/ui/button.js, docs/ui.md | web | platform, web-team | yes |
//!
//! Tags: v1.0 at 1h (c1: backlog), v1.1 at 20h (c2 10h, c3 8h), v1.2 at 40h (c4: docs
//! only, not meaningful), v1.3 at 60h (c5: CI only, not meaningful), v1.4 at 80h (c6 10h,
//! c7 5h). Incidents: i1 22h–24h names no service (the latest meaningful deployment is v1.1),
//! i2 85h–86h names billing (v1.4 is billing's latest).

use serde_json::Value;

use crate::util::{HOUR, Repo, T0, csv_rows, dorascope, ok, overall, stderr, stdout};

const CODEOWNERS: &str = "\
# Owners of everything not listed below.
*                     @acme/platform

/services/api/        @acme/api-team
/services/web/        @alice          # an individual: never a team
/services/billing/    @acme/billing @bob
/libs/ui/             @acme/web-team
";

fn write(repo: &Repo, path: &str, text: &str) {
    let full = repo.path.join(path);
    std::fs::create_dir_all(full.parent().unwrap()).unwrap();
    std::fs::write(full, text).unwrap();
}

fn commit_all(repo: &Repo, msg: &str, hour: i64) -> String {
    repo.run(&["add", "-A"]);
    repo.commit(msg, T0 + hour * HOUR)
}

fn monorepo() -> (Repo, tempfile::TempDir) {
    let r = Repo::new();
    write(&r, ".github/CODEOWNERS", CODEOWNERS);
    write(&r, ".github/workflows/ci.yml", "on: push\n");
    write(&r, "README.md", "# shop\n");
    write(&r, "services/api/main.rs", "fn main() {}\n");
    write(&r, "services/web/app.js", "app()\n");
    write(&r, "services/billing/bill.py", "bill()\n");
    write(&r, "libs/ui/button.js", "button()\n");
    let c1 = commit_all(&r, "c1", 0);
    r.annotated_tag("v1.0", &c1, T0 + HOUR);
    write(&r, "services/api/main.rs", "fn main() { api() }\n");
    commit_all(&r, "c2", 10);
    write(&r, "services/web/app.js", "app(2)\n");
    let c3 = commit_all(&r, "c3", 12);
    r.annotated_tag("v1.1", &c3, T0 + 20 * HOUR);
    write(&r, "docs/guide.md", "# guide\n");
    let c4 = commit_all(&r, "c4", 30);
    r.annotated_tag("v1.2", &c4, T0 + 40 * HOUR);
    write(&r, ".github/workflows/ci.yml", "on: [push, pull_request]\n");
    let c5 = commit_all(&r, "c5", 50);
    r.annotated_tag("v1.3", &c5, T0 + 60 * HOUR);
    r.run(&["mv", "services/billing/bill.py", "services/api/bill.py"]);
    commit_all(&r, "c6", 70);
    write(&r, "libs/ui/button.js", "button(2)\n");
    write(&r, "docs/ui.md", "# ui\n");
    let c7 = commit_all(&r, "c7", 75);
    r.annotated_tag("v1.4", &c7, T0 + 80 * HOUR);

    let dir = tempfile::tempdir().unwrap();
    let at = |h: i64| {
        chrono::DateTime::from_timestamp(T0 + h * HOUR, 0)
            .unwrap()
            .to_rfc3339_opts(chrono::SecondsFormat::Secs, true)
    };
    let incidents = format!(
        "id,started_at,resolved_at,service\ni1,{},{},\ni2,{},{},billing\n",
        at(22),
        at(24),
        at(85),
        at(86)
    );
    std::fs::write(dir.path().join("incidents.csv"), incidents).unwrap();
    (r, dir)
}

fn path_args(repo: &Repo) -> Vec<String> {
    [
        "--repo",
        repo.path.to_str().unwrap(),
        "--service",
        "api=services/api/**",
        "--service",
        "web=services/web/**,libs/ui/**",
        "--service",
        "billing=services/billing/**",
        "--ignore-paths",
        "docs/**",
        "--ignore-paths",
        "*.md",
        "--ignore-paths",
        ".github/**",
        "--codeowners",
    ]
    .iter()
    .map(|s| s.to_string())
    .collect()
}

fn run(args: &[String]) -> String {
    let args: Vec<&str> = args.iter().map(String::as_str).collect();
    let out = dorascope(&args);
    assert!(out.status.success(), "{args:?}: {}", stderr(&out));
    stdout(&out)
}

#[test]
fn changes_and_deployments_carry_services_teams_and_meaningful() {
    let (repo, _dir) = monorepo();
    let mut args = vec!["changes".to_string()];
    args.extend(path_args(&repo));
    let changes = csv_rows(&run(&args));
    let by_time: Vec<(String, String, String)> = {
        let mut rows: Vec<_> = changes
            .iter()
            .map(|c| {
                (
                    c["author_time"].clone(),
                    (c["services"].clone(), c["teams"].clone(), c["meaningful"].clone()),
                )
            })
            .collect();
        rows.sort();
        rows.into_iter().map(|(_, v)| v).collect()
    };
    let want = [
        (
            "api;billing;web",
            "acme/api-team;acme/billing;acme/platform;acme/web-team",
            "true",
        ),
        ("api", "acme/api-team", "true"),
        ("web", "", "true"),
        ("", "acme/platform", "false"),
        ("", "acme/platform", "false"),
        ("api;billing", "acme/api-team;acme/billing", "true"),
        ("web", "acme/platform;acme/web-team", "true"),
    ];
    let want: Vec<(String, String, String)> = want
        .iter()
        .map(|(s, t, m)| (s.to_string(), t.to_string(), m.to_string()))
        .collect();
    assert_eq!(by_time, want);

    let mut args = vec!["deployments".to_string()];
    args.extend(path_args(&repo));
    let deployments = csv_rows(&run(&args));
    let got: Vec<(&str, &str, &str, &str)> = deployments
        .iter()
        .map(|d| {
            (
                &d["deployment"][..],
                &d["services"][..],
                &d["teams"][..],
                &d["meaningful"][..],
            )
        })
        .collect();
    let everyone = "acme/api-team;acme/billing;acme/platform;acme/web-team";
    assert_eq!(
        got,
        vec![
            ("v1.0", "api;billing;web", everyone, "true"),
            ("v1.1", "api;web", "acme/api-team", "true"),
            ("v1.2", "", "", "false"),
            ("v1.3", "", "", "false"),
            ("v1.4", "api;billing;web", everyone, "true"),
        ]
    );
}

/// The services of every non-merge change equal those git's own diff gives, matched with
/// the documented glob rules by hand.
#[test]
fn services_follow_git_diff_tree() {
    let (repo, _dir) = monorepo();
    let mut args = vec!["changes".to_string()];
    args.extend(path_args(&repo));
    for c in csv_rows(&run(&args)) {
        let paths = ok(repo.git().args([
            "diff-tree",
            "--root",
            "--no-renames",
            "--name-only",
            "-r",
            "--no-commit-id",
            &c["sha"],
        ]));
        let mut services: Vec<&str> = Vec::new();
        for p in paths.lines() {
            if p.starts_with("services/api/") {
                services.push("api");
            }
            if p.starts_with("services/web/") || p.starts_with("libs/ui/") {
                services.push("web");
            }
            if p.starts_with("services/billing/") {
                services.push("billing");
            }
        }
        services.sort();
        services.dedup();
        let ignored = |p: &str| {
            p.starts_with("docs/") || p.starts_with(".github/") || (p.ends_with(".md") && !p.contains('/'))
        };
        let meaningful = paths.lines().count() == 0 || !paths.lines().all(ignored);
        assert_eq!(c["services"], services.join(";"), "{}: {paths}", c["sha"]);
        assert_eq!(c["meaningful"], meaningful.to_string(), "{}: {paths}", c["sha"]);
    }
}

fn report(repo: &Repo, dir: &std::path::Path, extra: &[&str]) -> Value {
    let mut args = vec!["report".to_string()];
    args.extend(path_args(repo));
    for a in [
        "--incidents",
        dir.join("incidents.csv").to_str().unwrap(),
        "--since",
        "2024-01-01",
        "--until",
        "2024-01-04",
        "--baseline",
        "none",
        "--json",
        "--out",
        dir.join("out").to_str().unwrap(),
    ] {
        args.push(a.to_string());
    }
    args.extend(extra.iter().map(|s| s.to_string()));
    serde_json::from_str(&run(&args)).unwrap()
}

fn close(v: &Value, want: f64) -> bool {
    v.as_f64().is_some_and(|x| (x - want).abs() < 1e-9)
}

/// Deployment frequency (per day over 4 days), median lead time (hours), failed/counted
/// deployments, median restore (hours).
fn check(rows: &Value, what: &str, df: f64, lead: f64, failed: (u64, u64), restore: Option<f64>) {
    let d = overall(rows, "deployment_frequency");
    assert!(close(&d["value"], df), "{what}: {d}");
    let l = overall(rows, "lead_time");
    assert!(close(&l["value"], lead * 3600.0), "{what}: {l}");
    let c = overall(rows, "change_failure_rate");
    assert_eq!(
        (
            c["numerator"].as_u64().unwrap(),
            c["denominator"].as_u64().unwrap()
        ),
        failed,
        "{what}: {c}"
    );
    let t = overall(rows, "time_to_restore");
    match restore {
        Some(h) => assert!(close(&t["value"], h * 3600.0), "{what}: {t}"),
        None => assert!(t["value"].is_null(), "{what}: {t}"),
    }
}

#[test]
fn every_metric_per_service_and_team_by_hand() {
    let (repo, dir) = monorepo();
    let s = report(&repo, dir.path(), &["--group-by", "service"]);
    // All together: v1.0, v1.1, v1.4 (v1.2 and v1.3 ship ignored paths only) over 4 days;
    // lead 10, 8, 10, 5 h (c1 is backlog, c4 and c5 not meaningful); v1.1 (i1) and v1.4
    // (i2) failed; restores 2 h and 1 h.
    check(&s["overall"], "all", 0.75, 9.0, (2, 3), Some(1.5));
    let q = &s["data_quality"];
    assert_eq!(q["not_meaningful_deployments"], 2);
    assert_eq!(q["not_meaningful_changes"], 2);
    assert_eq!(q["backlog_changes"], 1);
    assert_eq!(q["files_owned_by_individuals_only"], 1);
    assert_eq!(s["group_by"], "service");
    let groups = s["groups"].as_array().unwrap();
    let names: Vec<&str> = groups.iter().map(|g| g["group"].as_str().unwrap()).collect();
    assert_eq!(names, ["api", "web", "billing"]);
    // api: v1.0, v1.1, v1.4; c2 10 h, c6 10 h; i1 (v1.1's) fails v1.1.
    check(&groups[0]["overall"], "api", 0.75, 10.0, (1, 3), Some(2.0));
    // web: v1.0, v1.1, v1.4; c3 8 h, c7 5 h; i1 fails v1.1.
    check(&groups[1]["overall"], "web", 0.75, 6.5, (1, 3), Some(2.0));
    // billing: v1.0, v1.4; c6 10 h; i2 names billing and fails v1.4.
    check(&groups[2]["overall"], "billing", 0.5, 10.0, (1, 2), Some(1.0));

    let s = report(&repo, dir.path(), &["--group-by", "team"]);
    let groups = s["groups"].as_array().unwrap();
    let names: Vec<&str> = groups.iter().map(|g| g["group"].as_str().unwrap()).collect();
    assert_eq!(
        names,
        ["acme/api-team", "acme/billing", "acme/platform", "acme/web-team"]
    );
    // api-team: v1.0, v1.1, v1.4; c2, c6 10 h; i1 on v1.1 (its only team), i2 on v1.4 (every
    // team's): both fail.
    check(&groups[0]["overall"], "api-team", 0.75, 10.0, (2, 3), Some(1.5));
    // billing: v1.0, v1.4; c6 10 h; i2 fails v1.4.
    check(
        &groups[1]["overall"],
        "billing team",
        0.5,
        10.0,
        (1, 2),
        Some(1.0),
    );
    // platform: v1.0, v1.4 (v1.2 and v1.3 are not meaningful, so no team's); c7 5 h.
    check(&groups[2]["overall"], "platform", 0.5, 5.0, (1, 2), Some(1.0));
    assert_eq!(groups[2]["data_quality"]["not_meaningful_changes"], 2);
    check(&groups[3]["overall"], "web-team", 0.5, 5.0, (1, 2), Some(1.0));
}

#[test]
fn group_by_needs_its_definitions() {
    let out = dorascope(&["report", "--group-by", "service"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(stderr(&out).contains("--group-by service: define the services with --service"));
    let out = dorascope(&["report", "--group-by", "team"]);
    assert!(stderr(&out).contains("--codeowners"));
    let out = dorascope(&["changes", "--service", "api"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(stderr(&out).contains("--service"), "{}", stderr(&out));
}

fn small_repo(seed: i64) -> Repo {
    let r = Repo::new();
    let mut last = String::new();
    for i in 0..6 {
        last = r.commit(&format!("c{i}"), T0 + (seed + i * 7) * HOUR);
        if i % 2 == 1 {
            r.annotated_tag(&format!("v{i}"), &last, T0 + (seed + i * 7 + 3) * HOUR);
        }
    }
    let _ = last;
    r
}

/// Per-repository numbers equal separate reports', and the whole equals the merged report.
#[test]
fn two_repositories_in_one_report() {
    let a = small_repo(0);
    let b = small_repo(5);
    let out = tempfile::tempdir().unwrap();
    let report = |repos: &[&Repo], extra: &[&str]| -> Value {
        let mut args: Vec<String> = Vec::new();
        args.push("report".into());
        for r in repos {
            args.push("--repo".into());
            args.push(r.path.to_str().unwrap().into());
        }
        for x in [
            "--since",
            "2024-01-01",
            "--until",
            "2024-01-03",
            "--baseline",
            "none",
            "--json",
            "--out",
        ] {
            args.push(x.into());
        }
        args.push(out.path().join("r").to_str().unwrap().into());
        args.extend(extra.iter().map(|s| s.to_string()));
        serde_json::from_str(&run(&args)).unwrap()
    };
    // Both repositories are called "repo": labelled by their paths.
    let both = report(&[&a, &b], &["--group-by", "repo"]);
    let merged = report(&[&a, &b], &[]);
    assert_eq!(both["overall"], merged["overall"]);
    let groups = both["groups"].as_array().unwrap();
    assert_eq!(groups.len(), 2);
    for (g, r) in groups.iter().zip([&a, &b]) {
        assert_eq!(g["group"], r.path.to_str().unwrap());
        let alone = report(&[r], &[]);
        assert_eq!(g["overall"], alone["overall"], "{}", g["group"]);
    }
}

#[test]
fn repos_from_lists_the_repositories() {
    let a = small_repo(0);
    let b = small_repo(5);
    let dir = tempfile::tempdir().unwrap();
    let list = dir.path().join("repos.txt");
    std::fs::write(
        &list,
        format!("# two\nshop={}\n{}\n", a.path.display(), b.path.display()),
    )
    .unwrap();
    let out = dorascope(&["deployments", "--repos-from", list.to_str().unwrap()]);
    assert!(out.status.success(), "{}", stderr(&out));
    let rows = csv_rows(&stdout(&out));
    let repos: std::collections::BTreeSet<&str> = rows.iter().map(|r| &r["repo"][..]).collect();
    assert_eq!(repos, ["repo", "shop"].into_iter().collect());
    assert_eq!(rows.len(), 6);
}

/// What the documented glob rules give for the property test's services and ignore globs,
/// written out by hand: `a/**` everything below `a/`; `b/*.txt` `.txt` files directly in `b/`;
/// `**/*.md` Markdown anywhere; ignored `docs/**` and `*.cfg` (at the root only).
fn expected(paths: &[&str]) -> (String, bool) {
    let mut services = Vec::new();
    if paths.iter().any(|p| p.starts_with("a/")) {
        services.push("alpha");
    }
    if paths.iter().any(|p| {
        p.strip_prefix("b/")
            .is_some_and(|rest| !rest.contains('/') && rest.ends_with(".txt"))
    }) {
        services.push("beta");
    }
    if paths.iter().any(|p| p.ends_with(".md")) {
        services.push("notes");
    }
    let ignored = |p: &&str| p.starts_with("docs/") || (!p.contains('/') && p.ends_with(".cfg"));
    let meaningful = paths.is_empty() || !paths.iter().all(ignored);
    (services.join(";"), meaningful)
}

const FILES: [&str; 12] = [
    "a/x.rs",
    "a/deep/y.rs",
    "b/one.txt",
    "b/sub/two.txt",
    "b/three.rs",
    "docs/guide.md",
    "docs/img/logo.svg",
    "README.md",
    "setup.cfg",
    "sub/setup.cfg",
    "c/notes.md",
    "top.txt",
];

#[derive(Debug, Clone)]
enum Op {
    /// Write (create or change) these files, then commit.
    Write(Vec<usize>),
    /// Delete a file if present, then commit.
    Delete(usize),
    /// Rename a file if present to another name, then commit.
    Rename(usize, usize),
    /// Commit on a side branch and merge it back.
    Merge(usize),
    /// Tag the current commit.
    Tag,
}

fn op() -> impl proptest::strategy::Strategy<Value = Op> {
    use proptest::prelude::*;
    prop_oneof![
        4 => proptest::collection::vec(0..FILES.len(), 1..4).prop_map(Op::Write),
        1 => (0..FILES.len()).prop_map(Op::Delete),
        1 => (0..FILES.len(), 0..FILES.len()).prop_map(|(a, b)| Op::Rename(a, b)),
        1 => (0..FILES.len()).prop_map(Op::Merge),
        2 => Just(Op::Tag),
    ]
}

fn replay(ops: &[Op]) -> Repo {
    let r = Repo::new();
    let mut t = 0;
    let mut tick = || {
        t += 1;
        t
    };
    let mut tags = 0;
    write(&r, "a/x.rs", "0\n");
    commit_all(&r, "root", tick());
    for (k, op) in ops.iter().enumerate() {
        match op {
            Op::Write(files) => {
                for &f in files {
                    write(&r, FILES[f], &format!("{k}\n"));
                }
                commit_all(&r, "write", tick());
            }
            Op::Delete(f) => {
                if r.path.join(FILES[*f]).exists() {
                    r.run(&["rm", "-q", FILES[*f]]);
                    commit_all(&r, "delete", tick());
                }
            }
            Op::Rename(a, b) => {
                if a != b && r.path.join(FILES[*a]).exists() && !r.path.join(FILES[*b]).exists() {
                    std::fs::create_dir_all(r.path.join(FILES[*b]).parent().unwrap()).unwrap();
                    r.run(&["mv", FILES[*a], FILES[*b]]);
                    commit_all(&r, "rename", tick());
                }
            }
            Op::Merge(f) => {
                r.run(&["checkout", "-q", "-b", &format!("side{k}")]);
                write(&r, FILES[*f], &format!("side {k}\n"));
                commit_all(&r, "side", tick());
                r.run(&["checkout", "-q", "main"]);
                write(&r, "m/main.log", &format!("main {k}\n"));
                commit_all(&r, "main", tick());
                r.merge(&format!("side{k}"), T0 + tick() * HOUR);
            }
            Op::Tag => {
                tags += 1;
                let head = r.run(&["rev-parse", "HEAD"]);
                r.annotated_tag(&format!("v{tags}"), &head, T0 + tick() * HOUR);
            }
        }
    }
    let head = r.run(&["rev-parse", "HEAD"]);
    r.annotated_tag("v999", &head, T0 + tick() * HOUR);
    r
}

proptest::proptest! {
    #![proptest_config(proptest::prelude::ProptestConfig { cases: 12, ..Default::default() })]

    /// On random histories (writes, deletions, renames across services, merges), every
    /// change's services and meaningfulness equal those one `git log --name-only` pass and the
    /// documented glob rules give; merge commits touch no paths.
    #[test]
    fn services_and_meaningful_follow_git_log(ops in proptest::collection::vec(op(), 1..14)) {
        let r = replay(&ops);
        let args: Vec<String> = [
            "changes", "--repo", r.path.to_str().unwrap(),
            "--service", "alpha=a/**", "--service", "beta=b/*.txt", "--service", "notes=**/*.md",
            "--ignore-paths", "docs/**", "--ignore-paths", "*.cfg",
        ]
        .iter()
        .map(|s| s.to_string())
        .collect();
        let rows = csv_rows(&run(&args));
        let log = ok(r.git().args(["log", "--all", "--no-renames", "--name-only", "--format=%x00%H %P"]));
        let mut want = std::collections::HashMap::new();
        for entry in log.split('\0').filter(|e| !e.trim().is_empty()) {
            let mut lines = entry.lines();
            let head: Vec<&str> = lines.next().unwrap().split_whitespace().collect();
            let paths: Vec<&str> = lines.filter(|l| !l.is_empty()).collect();
            let merge = head.len() > 2;
            want.insert(head[0].to_owned(), if merge { (String::new(), true) } else { expected(&paths) });
        }
        proptest::prop_assert_eq!(rows.len(), want.len());
        for c in &rows {
            let (services, meaningful) = &want[&c["sha"]];
            proptest::prop_assert_eq!(&c["services"], services, "{}", c["sha"]);
            proptest::prop_assert_eq!(&c["meaningful"], &meaningful.to_string(), "{}", c["sha"]);
        }
    }
}

/// Without a repository, the services the deployment export names are the groups; an
/// incident naming a service fails that service's latest deployment only.
#[test]
fn exports_name_the_services_to_group_by() {
    let dir = tempfile::tempdir().unwrap();
    let at = |h: i64| {
        chrono::DateTime::from_timestamp(T0 + h * HOUR, 0)
            .unwrap()
            .to_rfc3339_opts(chrono::SecondsFormat::Secs, true)
    };
    let mut d = String::from("id,sha,environment,status,finished_at,service\n");
    for (id, h, service) in [
        ("a1", 1, "web"),
        ("p1", 2, "pay"),
        ("a2", 30, "web"),
        ("p2", 40, "pay"),
        ("p3", 50, "pay"),
    ] {
        d.push_str(&format!(
            "{id},{},production,success,{},{service}\n",
            "a".repeat(40),
            at(h)
        ));
    }
    std::fs::write(dir.path().join("d.csv"), d).unwrap();
    let i = format!(
        "id,started_at,resolved_at,service\ni1,{},{},web\n",
        at(41),
        at(43)
    );
    std::fs::write(dir.path().join("i.csv"), i).unwrap();
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_dorascope"))
        .current_dir(dir.path())
        .args([
            "report",
            "--deployments",
            "d.csv",
            "--incidents",
            "i.csv",
            "--since",
            "2024-01-01",
            "--until",
            "2024-01-04",
            "--baseline",
            "none",
            "--group-by",
            "service",
            "--json",
            "--out",
            "out",
        ])
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", stderr(&out));
    let s: Value = serde_json::from_slice(&out.stdout).unwrap();
    let groups = s["groups"].as_array().unwrap();
    let names: Vec<&str> = groups.iter().map(|g| g["group"].as_str().unwrap()).collect();
    assert_eq!(names, ["pay", "web"]);
    // i1 names web: web's latest deployment before it is a2 (11 h earlier), not p2 (1 h).
    let cfr = |rows: &Value| {
        let c = overall(rows, "change_failure_rate");
        (
            c["numerator"].as_u64().unwrap(),
            c["denominator"].as_u64().unwrap(),
        )
    };
    assert_eq!(cfr(&s["overall"]), (1, 5));
    assert_eq!(cfr(&groups[0]["overall"]), (0, 3));
    assert_eq!(cfr(&groups[1]["overall"]), (1, 2));
    assert!(close(
        &overall(&groups[0]["overall"], "deployment_frequency")["value"],
        3.0 / 4.0
    ));
}
