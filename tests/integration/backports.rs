//! Backports: fixes cherry-picked with `git cherry-pick -x` onto release branches. An original
//! change's lead time ends at the first deployment of either commit; the cherry-pick itself
//! is a copy (listed, no lead time of its own). Every lead time below is computed by hand.
//!
//! Hours after T0 (2024-01-01T00:00:00Z); a cherry-pick keeps its original's author time:
//! ```text
//! main:        c0 (0) ── f1 (2) ── a1 (5) ── h1 (11) ── k1 (17) ── g1 (21)   HEAD
//!              v1.0.0@1            v1.1.0@10            v1.2.0@18   (never tagged on main)
//! release/1.0: c0 ── p1 = pick f1 (3) ── q2 = pick q1 (13) ── p3 = pick g1 (22)
//!                    v1.0.1@4            v1.0.2@14            v1.0.3@23
//! release/1.1: a1 ── q1 = pick h1 (12) ── r1 = pick k1 (19)
//!                    v1.1.1@16            v1.1.2@20
//! ```
//! - f1 shipped first via p1 (v1.0.1): lead 4 − 2 = 2 h, not v1.1.0's 10 − 2 = 8 h.
//! - h1 was picked to release/1.1 (q1), and q1 again to release/1.0 (q2, whose message names
//!   both h1 and q1). q2's v1.0.2 (14) comes before q1's v1.1.1 (16) and main's v1.2.0 (18):
//!   h1's lead is 14 − 11 = 3 h, via q2.
//! - k1 shipped on main (v1.2.0, lead 1 h) before its pick r1 (v1.1.2): nothing moves.
//! - g1 is never deployed on main; its pick p3 ships it in v1.0.3: lead 23 − 21 = 2 h.
//! - The picks p1, q1, q2, r1 and p3 are copies: listed with their own deployment, no lead
//!   time, not counted; v1.1.1 and v1.1.2 ship no change of their own.

use std::collections::BTreeMap;

use dorascope::git::{self, GitOptions, RepoAnalysis, RepoInput, TagFilter};
use dorascope::model::{Change, CommitTime};
use dorascope::progress::Progress;

use crate::util::{HOUR, Repo, T0, dorascope, ok, stderr, stdout};

fn h(x: i64) -> i64 {
    T0 + x * HOUR
}

/// `git cherry-pick -x` of `sha` onto the current branch at committer time `t`; the author
/// (and author time) stay the original's.
fn pick(repo: &Repo, sha: &str, t: i64) -> String {
    ok(repo.git().env("GIT_COMMITTER_DATE", format!("@{t} +0000")).args([
        "cherry-pick",
        "-x",
        "--allow-empty",
        sha,
    ]));
    repo.run(&["rev-parse", "HEAD"])
}

struct Fixture {
    repo: Repo,
    /// Commit name → sha.
    sha: BTreeMap<&'static str, String>,
}

/// The history above; with `commit_graph`, a commit-graph file is written after v1.1.2, so
/// that most commits load from it and g1 and p3 from their objects.
fn fixture(commit_graph: bool) -> Fixture {
    let repo = Repo::new();
    let mut sha = BTreeMap::new();
    let c0 = repo.commit("c0", h(0));
    repo.annotated_tag("v1.0.0", &c0, h(1));
    let f1 = repo.commit("Fix the crash on an empty cart", h(2));
    repo.run(&["checkout", "-q", "-b", "release/1.0", &c0]);
    let p1 = pick(&repo, &f1, h(3));
    repo.annotated_tag("v1.0.1", &p1, h(4));
    repo.run(&["checkout", "-q", "main"]);
    let a1 = repo.commit("Add search", h(5));
    repo.annotated_tag("v1.1.0", &a1, h(10));
    let h1 = repo.commit("Fix rounding of totals", h(11));
    repo.run(&["checkout", "-q", "-b", "release/1.1", &a1]);
    let q1 = pick(&repo, &h1, h(12));
    repo.run(&["checkout", "-q", "release/1.0"]);
    let q2 = pick(&repo, &q1, h(13));
    repo.annotated_tag("v1.0.2", &q2, h(14));
    repo.annotated_tag("v1.1.1", &q1, h(16));
    repo.run(&["checkout", "-q", "main"]);
    let k1 = repo.commit("Fix the login redirect", h(17));
    repo.annotated_tag("v1.2.0", &k1, h(18));
    repo.run(&["checkout", "-q", "release/1.1"]);
    let r1 = pick(&repo, &k1, h(19));
    repo.annotated_tag("v1.1.2", &r1, h(20));
    if commit_graph {
        repo.run(&["commit-graph", "write", "--reachable"]);
    }
    repo.run(&["checkout", "-q", "main"]);
    let g1 = repo.commit("Fix the invoice footer", h(21));
    repo.run(&["checkout", "-q", "release/1.0"]);
    let p3 = pick(&repo, &g1, h(22));
    repo.annotated_tag("v1.0.3", &p3, h(23));
    repo.run(&["checkout", "-q", "main"]);
    for (name, s) in [
        ("c0", c0),
        ("f1", f1),
        ("p1", p1),
        ("a1", a1),
        ("h1", h1),
        ("q1", q1),
        ("q2", q2),
        ("k1", k1),
        ("r1", r1),
        ("g1", g1),
        ("p3", p3),
    ] {
        sha.insert(name, s);
    }
    Fixture { repo, sha }
}

fn options(commit_time: CommitTime) -> GitOptions {
    GitOptions {
        tags: TagFilter::new("v*", &[]).unwrap(),
        commit_time,
        lead: Default::default(),
        range: Default::default(),
        collect_changes: true,
        exports: None,
        paths: None,
        release_line_depth: 2,
        match_patches: false,
    }
}

fn analyze(f: &Fixture, commit_time: CommitTime) -> RepoAnalysis {
    let input = RepoInput {
        path: f.repo.path.clone(),
        label: "fixture".into(),
    };
    let opts = options(commit_time);
    let mut a = git::analyze(&input, &opts, &Progress::hidden()).expect("analyze");
    dorascope::metrics::lead::deployment_columns(&mut a.deployments, opts.lead);
    a
}

fn change<'a>(a: &'a RepoAnalysis, f: &Fixture, name: &str) -> &'a Change {
    let sha = &f.sha[name];
    a.changes
        .iter()
        .find(|c| c.sha == *sha.as_str())
        .unwrap_or_else(|| panic!("{name} listed"))
}

/// (deployment, deployed_at hour, lead hours, shipped_via) of every commit, by name.
type Row = (Option<String>, Option<i64>, Option<i64>, Option<&'static str>);

fn rows(a: &RepoAnalysis, f: &Fixture) -> BTreeMap<&'static str, Row> {
    let name_of = |sha: String| *f.sha.iter().find(|(_, s)| **s == sha).expect("known sha").0;
    f.sha
        .keys()
        .map(|&name| {
            let c = change(a, f, name);
            let row = (
                c.deployment.as_deref().map(str::to_owned),
                c.deployed_at.map(|t| (t - T0) / HOUR),
                c.lead_time_seconds.map(|l| {
                    assert_eq!(l % HOUR, 0, "{name}: whole hours");
                    l / HOUR
                }),
                c.shipped_via.map(|s| name_of(s.to_string())),
            );
            (name, row)
        })
        .collect()
}

fn expected() -> BTreeMap<&'static str, Row> {
    let row = |dep: &str, at: i64, lead: Option<i64>, via: Option<&'static str>| {
        (Some(dep.to_owned()), Some(at), lead, via)
    };
    BTreeMap::from([
        ("c0", row("v1.0.0", 1, Some(1), None)),
        ("f1", row("v1.0.1", 4, Some(2), Some("p1"))),
        ("p1", row("v1.0.1", 4, None, None)),
        ("a1", row("v1.1.0", 10, Some(5), None)),
        ("h1", row("v1.0.2", 14, Some(3), Some("q2"))),
        ("q1", row("v1.1.1", 16, None, None)),
        ("q2", row("v1.0.2", 14, None, None)),
        ("k1", row("v1.2.0", 18, Some(1), None)),
        ("r1", row("v1.1.2", 20, None, None)),
        ("g1", row("v1.0.3", 23, Some(2), Some("p3"))),
        ("p3", row("v1.0.3", 23, None, None)),
    ])
}

/// (name, changes, median lead hours, max lead hours, rollback).
type DepRow = (String, Option<u64>, Option<i64>, Option<i64>, bool);

/// Every deployment's row, in deployment order.
fn deployment_rows(a: &RepoAnalysis) -> Vec<DepRow> {
    a.deployments
        .iter()
        .map(|d| {
            (
                d.name.clone(),
                d.changes,
                d.lead_time_median_seconds.map(|s| s / HOUR),
                d.lead_time_max_seconds.map(|s| s / HOUR),
                d.rollback,
            )
        })
        .collect()
}

fn expected_deployments() -> Vec<DepRow> {
    let d = |n: &str, changes: u64, lead: Option<i64>| (n.to_owned(), Some(changes), lead, lead, false);
    vec![
        // c0 is backlog: counted, no statistics.
        d("v1.0.0", 1, None),
        d("v1.0.1", 1, Some(2)),
        d("v1.1.0", 1, Some(5)),
        d("v1.0.2", 1, Some(3)),
        d("v1.1.1", 0, None),
        d("v1.2.0", 1, Some(1)),
        d("v1.1.2", 0, None),
        d("v1.0.3", 1, Some(2)),
    ]
}

#[test]
fn cherry_picks_ship_their_originals_first() {
    let f = fixture(false);
    // `git cherry-pick -x` of a cherry-pick names both commits.
    let message = f.repo.run(&["log", "-1", "--format=%B", &f.sha["q2"]]);
    assert!(
        message.contains(&format!("(cherry picked from commit {})", f.sha["h1"]))
            && message.contains(&format!("(cherry picked from commit {})", f.sha["q1"])),
        "{message}"
    );
    let a = analyze(&f, CommitTime::Author);
    assert!(!a.quality.used_commit_graph);
    assert_eq!(rows(&a, &f), expected());
    assert_eq!(deployment_rows(&a), expected_deployments());
    // Every change is deployed, and nothing is counted twice: 6 changes, 11 commits.
    assert_eq!(a.quality.undeployed_changes, 0);
    assert_eq!(a.quality.backlog_changes, 1);
    assert_eq!(a.changes.len(), 11);
    let counted: u64 = a.deployments.iter().filter_map(|d| d.changes).sum();
    assert_eq!(counted, 6);
}

#[test]
fn cherry_picks_read_from_a_commit_graph_file() {
    let f = fixture(true);
    let a = analyze(&f, CommitTime::Author);
    assert!(a.quality.used_commit_graph);
    assert_eq!(rows(&a, &f), expected());
    assert_eq!(deployment_rows(&a), expected_deployments());
}

#[test]
fn committer_time_lead_runs_from_the_originals_commit() {
    // Committer time = author time for the originals here; the picks' own (later) committer
    // times do not matter, since their change is the original's.
    let f = fixture(false);
    let a = analyze(&f, CommitTime::Committer);
    assert_eq!(rows(&a, &f), expected());
}

#[test]
fn reverts_and_rollbacks_keep_the_commit_level_attribution() {
    // Reverting f1 on main: the revert names the deployment that shipped the f1 *commit*
    // (v1.1.0), not the one that shipped its change first via p1 (v1.0.1).
    let f = fixture(false);
    let revert = f.repo.commit(
        &format!("Revert \"Fix the crash\"\n\nThis reverts commit {}.", f.sha["f1"]),
        h(24),
    );
    let a = analyze(&f, CommitTime::Author);
    let r = a
        .reverts
        .iter()
        .find(|r| r.sha == *revert.as_str())
        .expect("revert listed");
    assert_eq!(r.reverted_deployment.as_deref(), Some("v1.1.0"));
    assert!(a.deployments.iter().all(|d| !d.rollback));
}

#[test]
fn changes_table_names_the_carrier_last() {
    let f = fixture(false);
    let out = dorascope(&["changes", "--repo", f.repo.path.to_str().unwrap()]);
    assert!(out.status.success(), "{}", stderr(&out));
    let text = stdout(&out);
    let header = text.lines().next().unwrap();
    assert!(header.ends_with(",meaningful,shipped_via"), "{header}");
    let line = |name: &str| {
        text.lines()
            .find(|l| l.contains(&f.sha[name]) && l.split(',').nth(1) == Some(f.sha[name].as_str()))
            .unwrap_or_else(|| panic!("{name} in {text}"))
            .to_owned()
    };
    assert!(
        line("f1").ends_with(&format!(
            ",v1.0.1,2024-01-01T04:00:00Z,7200,2,false,,,true,{}",
            f.sha["p1"]
        )),
        "{}",
        line("f1")
    );
    assert!(
        line("p1").ends_with(",v1.0.1,2024-01-01T04:00:00Z,,,false,,,true,"),
        "{}",
        line("p1")
    );
    assert!(line("k1").ends_with(",true,"), "{}", line("k1"));
}

/// `--match-patches`: a fix picked to a release branch without `-x` (so no trailer) and
/// released there first ships its original only when patches are matched.
///
/// main: c0 (0, v1.0.0@1) ── fix (2) ── v1.1.0@10; release/1.0: c0 ── pick of fix (3, no
/// `-x`) ── v1.0.1@4. Matched: fix ships via the pick in v1.0.1, lead 4 − 2 = 2 h; unmatched:
/// in v1.1.0, lead 8 h.
#[test]
fn cherry_picks_without_the_trailer_match_by_patch_id() {
    let r = Repo::new();
    std::fs::write(r.path.join("app.txt"), "one\ntwo\nthree\n").unwrap();
    r.run(&["add", "-A"]);
    let c0 = r.commit("c0", T0);
    r.annotated_tag("v1.0.0", &c0, T0 + HOUR);
    std::fs::write(r.path.join("app.txt"), "one\ntwo fixed\nthree\n").unwrap();
    r.run(&["add", "-A"]);
    let fix = r.commit("fix", T0 + 2 * HOUR);
    r.annotated_tag("v1.1.0", &fix, T0 + 10 * HOUR);
    r.run(&["checkout", "-q", "-b", "release/1.0", &c0]);
    let mut pick = r.git();
    pick.env("GIT_COMMITTER_DATE", format!("@{} +0000", T0 + 3 * HOUR))
        .args(["cherry-pick", &fix]);
    ok(&mut pick);
    let carrier = r.run(&["rev-parse", "HEAD"]);
    r.annotated_tag("v1.0.1", &carrier, T0 + 4 * HOUR);
    r.run(&["checkout", "-q", "main"]);

    let input = RepoInput {
        path: r.path.clone(),
        label: "fixture".into(),
    };
    for (matched, deployment, lead, via) in [
        (false, "v1.1.0", 8, None),
        (true, "v1.0.1", 2, Some(carrier.clone())),
    ] {
        let opts = GitOptions {
            match_patches: matched,
            ..options(CommitTime::Author)
        };
        let a = git::analyze(&input, &opts, &Progress::hidden()).expect("analyze");
        let c = a
            .changes
            .iter()
            .find(|c| c.sha == *fix.as_str())
            .expect("fix listed");
        assert_eq!(c.deployment.as_deref(), Some(deployment), "matched: {matched}");
        assert_eq!(c.lead_time_seconds, Some(lead * HOUR), "matched: {matched}");
        assert_eq!(c.shipped_via.map(|s| s.to_string()), via, "matched: {matched}");
    }
    // The command line switch.
    let out = dorascope(&["changes", "--repo", r.path.to_str().unwrap(), "--match-patches"]);
    assert!(out.status.success(), "{}", stderr(&out));
    assert!(stdout(&out).contains(&carrier), "shipped_via names the pick");
}
