//! Attribution compared with git's own answer: for each deployment tag in (time, name)
//! order, `git rev-list TAG --not <earlier tags>` is exactly the set it ships first.

use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;

use dorascope::git::{self, GitOptions, RepoAnalysis, RepoInput, TagFilter};
use dorascope::model::CommitTime;
use dorascope::progress::Progress;
use proptest::prelude::*;

use crate::util::{HOUR, Repo, T0, git_in, ok};

/// The attribution and the per-deployment lead-time columns, as the commands compute them.
fn analyze_with(input: &RepoInput, opts: &GitOptions) -> RepoAnalysis {
    let mut a = git::analyze(input, opts, &Progress::hidden()).expect("analyze");
    dorascope::metrics::lead::deployment_columns(&mut a.deployments, opts.lead);
    a
}

fn options() -> GitOptions {
    GitOptions {
        tags: TagFilter::new("v*", &[]).unwrap(),
        commit_time: CommitTime::Author,
        lead: Default::default(),
        range: Default::default(),
        collect_changes: true,
        exports: None,
        paths: None,
        release_line_depth: 2,
        match_patches: false,
    }
}

pub fn analyze(path: &Path) -> RepoAnalysis {
    let input = RepoInput {
        path: path.to_owned(),
        label: "fixture".into(),
    };
    analyze_with(&input, &options())
}

/// Deployment order and shipped sets according to git alone.
fn oracle(path: &Path) -> (Vec<String>, BTreeMap<String, BTreeSet<String>>) {
    let run = |args: &[&str]| ok(git_in(path).args(args));
    let refs = run(&[
        "for-each-ref",
        "--format=%(creatordate:unix) %(refname:short)",
        "refs/tags/v*",
    ]);
    let mut tags: Vec<(i64, String)> = refs
        .lines()
        .map(|l| {
            let (t, name) = l.split_once(' ').unwrap();
            (t.parse().unwrap(), name.to_owned())
        })
        .collect();
    tags.sort();
    let mut shipped = BTreeMap::new();
    let mut earlier: Vec<String> = Vec::new();
    for (_, tag) in &tags {
        let mut args = vec!["rev-list".to_owned(), tag.clone(), "--not".to_owned()];
        args.extend(earlier.iter().cloned());
        let args: Vec<&str> = args.iter().map(String::as_str).collect();
        let set: BTreeSet<String> = run(&args).lines().map(str::to_owned).collect();
        shipped.insert(tag.clone(), set);
        earlier.push(tag.clone());
    }
    (tags.into_iter().map(|(_, n)| n).collect(), shipped)
}

/// Checks order, shipped sets, merge flags, rollback flags and backlog against git.
pub fn check_against_git(repo: &Repo) -> RepoAnalysis {
    check_path_against_git(&repo.path)
}

/// [`check_against_git`] for any repository path.
pub fn check_path_against_git(path: &Path) -> RepoAnalysis {
    let ours = analyze(path);
    let (order, shipped) = oracle(path);
    let our_order: Vec<String> = ours.deployments.iter().map(|d| d.name.clone()).collect();
    assert_eq!(our_order, order, "deployment order");

    let mut ours_by_dep: BTreeMap<String, BTreeSet<String>> =
        order.iter().map(|n| (n.clone(), BTreeSet::new())).collect();
    for c in &ours.changes {
        if let Some(d) = &c.deployment {
            ours_by_dep
                .get_mut(&**d)
                .expect("known deployment")
                .insert(c.sha.to_string());
        }
    }
    assert_eq!(ours_by_dep, shipped, "shipped sets");

    let merges: BTreeSet<String> = ok(git_in(path).args(["rev-list", "--merges", "--all"]))
        .lines()
        .map(str::to_owned)
        .collect();
    for c in &ours.changes {
        assert_eq!(
            c.is_merge,
            merges.contains(&c.sha.to_string()),
            "is_merge of {}",
            c.sha
        );
        assert_eq!(
            c.backlog,
            c.deployment.as_deref() == order.first().map(String::as_str)
        );
    }
    for (k, d) in ours.deployments.iter().enumerate() {
        let new = &shipped[&d.name];
        // A deployment whose commit git shipped earlier is a rollback when an earlier tag of
        // its own release line has that commit in its history, else a maintenance release.
        let redeploy = !new.contains(&d.sha);
        let rollback = redeploy
            && ours.deployments[..k].iter().any(|e| {
                e.line == d.line
                    && git_in(path)
                        .args(["merge-base", "--is-ancestor", &d.sha, &e.sha])
                        .status()
                        .expect("spawn git")
                        .success()
            });
        assert_eq!(d.rollback, rollback, "rollback flag of {}", d.name);
        assert_eq!(
            d.maintenance,
            redeploy && !rollback,
            "maintenance flag of {}",
            d.name
        );
        let non_merges = new.iter().filter(|s| !merges.contains(*s)).count() as u64;
        assert_eq!(d.changes, Some(non_merges), "change count of {}", d.name);
    }
    ours
}

fn dep<'a>(a: &'a RepoAnalysis, name: &str) -> &'a dorascope::model::Deployment {
    a.deployments.iter().find(|d| d.name == name).expect(name)
}

#[test]
fn linear_history() {
    let r = Repo::new();
    let c1 = r.commit("one", T0);
    r.commit("two", T0 + HOUR);
    let c3 = r.commit("three", T0 + 2 * HOUR);
    r.annotated_tag("v1", &c1, T0 + 3 * HOUR);
    r.annotated_tag("v2", &c3, T0 + 5 * HOUR);
    r.commit("four (not deployed)", T0 + 6 * HOUR);
    let a = check_against_git(&r);
    let v2 = dep(&a, "v2");
    assert_eq!(v2.changes, Some(2));
    // Lead times 4h and 3h: the median of two is their mean.
    assert_eq!(v2.lead_time_median_seconds, Some(3 * HOUR + HOUR / 2));
    assert_eq!(v2.lead_time_max_seconds, Some(4 * HOUR));
    assert_eq!(v2.previous_deployment.as_deref(), Some("v1"));
    // The first deployment's changes are backlog: no lead-time statistics.
    assert_eq!(dep(&a, "v1").lead_time_median_seconds, None);
    let undeployed: Vec<_> = a.changes.iter().filter(|c| c.deployment.is_none()).collect();
    assert_eq!(undeployed.len(), 1);
    assert_eq!(undeployed[0].lead_time_seconds, None);
}

#[test]
fn merges_and_feature_branches() {
    let r = Repo::new();
    let base = r.commit("base", T0);
    r.annotated_tag("v1.0.0", &base, T0 + HOUR);
    r.run(&["checkout", "-q", "-b", "feature"]);
    r.commit("feature a", T0 + 2 * HOUR);
    r.commit("feature b", T0 + 3 * HOUR);
    r.run(&["checkout", "-q", "main"]);
    r.commit("main work", T0 + 4 * HOUR);
    let m = r.merge("feature", T0 + 5 * HOUR);
    r.annotated_tag("v1.1.0", &m, T0 + 6 * HOUR);
    let a = check_against_git(&r);
    let v = dep(&a, "v1.1.0");
    assert_eq!(v.changes, Some(3), "the merge commit is not a change");
    let merge = a.changes.iter().find(|c| c.sha == m).unwrap();
    assert!(merge.is_merge);
}

#[test]
fn tag_on_a_side_branch() {
    let r = Repo::new();
    let base = r.commit("base", T0);
    r.annotated_tag("v1.0.0", &base, T0 + HOUR);
    r.run(&["checkout", "-q", "-b", "release/1.0"]);
    let fix = r.commit("hotfix", T0 + 2 * HOUR);
    r.annotated_tag("v1.0.1", &fix, T0 + 3 * HOUR);
    r.run(&["checkout", "-q", "main"]);
    r.commit("main work", T0 + 4 * HOUR);
    r.merge("release/1.0", T0 + 5 * HOUR);
    let head = r.run(&["rev-parse", "HEAD"]);
    r.annotated_tag("v1.1.0", &head, T0 + 6 * HOUR);
    let a = check_against_git(&r);
    let hotfix = a.changes.iter().find(|c| c.sha == fix).unwrap();
    assert_eq!(
        hotfix.deployment.as_deref(),
        Some("v1.0.1"),
        "the hotfix ships with v1.0.1, not v1.1.0"
    );
    assert_eq!(dep(&a, "v1.1.0").changes, Some(1));
}

#[test]
fn two_tags_on_one_commit() {
    let r = Repo::new();
    r.commit("one", T0);
    let c2 = r.commit("two", T0 + HOUR);
    r.annotated_tag("v2.0.0", &c2, T0 + 2 * HOUR);
    r.annotated_tag("v2.0.0-final", &c2, T0 + 2 * HOUR);
    let a = check_against_git(&r);
    assert_eq!(dep(&a, "v2.0.0").changes, Some(2));
    let second = dep(&a, "v2.0.0-final");
    assert!(
        second.rollback && second.changes == Some(0),
        "same commit, same time: the later name ships nothing"
    );
}

#[test]
fn tags_created_out_of_topological_order() {
    let r = Repo::new();
    let c1 = r.commit("one", T0);
    let c2 = r.commit("two", T0 + HOUR);
    let c3 = r.commit("three", T0 + 2 * HOUR);
    // The newest commit was released first; the older ones were tagged afterwards.
    r.annotated_tag("v3", &c3, T0 + 3 * HOUR);
    r.annotated_tag("v1", &c1, T0 + 4 * HOUR);
    r.annotated_tag("v2", &c2, T0 + 5 * HOUR);
    let a = check_against_git(&r);
    assert_eq!(dep(&a, "v3").changes, Some(3));
    // v3 shipped their commits, but lines 1.0 and 2.0 never did: maintenance releases of
    // older lines, not rollbacks (docs/definitions.md, "Release lines").
    for name in ["v1", "v2"] {
        let d = dep(&a, name);
        assert!(d.maintenance && !d.rollback && d.changes == Some(0), "{name}");
    }
}

#[test]
fn lightweight_and_annotated_tags() {
    let r = Repo::new();
    r.commit("one", T0);
    let c2 = r.commit_at("two", T0 + HOUR, T0 + 2 * HOUR);
    r.lightweight_tag("v1", &c2);
    let c3 = r.commit("three", T0 + 3 * HOUR);
    r.annotated_tag("v2", &c3, T0 + 10 * HOUR);
    let a = check_against_git(&r);
    let v1 = dep(&a, "v1");
    assert_eq!(v1.kind, dorascope::model::DeploymentKind::Lightweight);
    assert_eq!(
        v1.deployed_at,
        T0 + 2 * HOUR,
        "a lightweight tag takes the commit's committer time"
    );
    let v2 = dep(&a, "v2");
    assert_eq!(v2.kind, dorascope::model::DeploymentKind::Annotated);
    assert_eq!(
        v2.deployed_at,
        T0 + 10 * HOUR,
        "an annotated tag takes the tagger time"
    );
    assert_eq!(v2.lead_time_median_seconds, Some(7 * HOUR));
}

#[test]
fn nested_tag_is_peeled() {
    let r = Repo::new();
    let c1 = r.commit("one", T0);
    r.annotated_tag("inner", &c1, T0 + HOUR);
    r.annotated_tag("v1", "inner", T0 + 2 * HOUR);
    let a = check_against_git(&r);
    assert_eq!(dep(&a, "v1").sha, c1);
    assert_eq!(dep(&a, "v1").deployed_at, T0 + 2 * HOUR, "the outer tag's time");
}

#[test]
fn rollback_redeploys_an_old_commit() {
    let r = Repo::new();
    let c1 = r.commit("one", T0);
    r.annotated_tag("v1.0.0", &c1, T0 + HOUR);
    let c2 = r.commit("two", T0 + 2 * HOUR);
    r.annotated_tag("v1.1.0", &c2, T0 + 3 * HOUR);
    r.annotated_tag("v1.1.1", &c1, T0 + 4 * HOUR); // back to v1.0.0's commit
    let c3 = r.commit("fix", T0 + 5 * HOUR);
    r.annotated_tag("v1.2.0", &c3, T0 + 6 * HOUR);
    let a = check_against_git(&r);
    let rb = dep(&a, "v1.1.1");
    assert!(rb.rollback);
    assert_eq!(rb.changes, Some(0));
    assert_eq!(rb.lead_time_median_seconds, None);
    assert!(!dep(&a, "v1.2.0").rollback);
}

#[test]
fn committer_time_option() {
    let r = Repo::new();
    r.commit("one", T0);
    let c2 = r.commit_at("rebased", T0 + HOUR, T0 + 5 * HOUR);
    r.annotated_tag("v1", &c2, T0 + 6 * HOUR);
    let mut opts = options();
    let input = RepoInput {
        path: r.path.clone(),
        label: "x".into(),
    };
    let author = analyze_with(&input, &opts);
    opts.commit_time = CommitTime::Committer;
    opts.lead.include_backlog = true;
    let committer = analyze_with(&input, &opts);
    let lead = |a: &RepoAnalysis| a.changes.iter().find(|c| c.sha == c2).unwrap().lead_time_seconds;
    assert_eq!(lead(&author), Some(5 * HOUR));
    assert_eq!(lead(&committer), Some(HOUR));
    assert_eq!(committer.deployments[0].lead_time_max_seconds, Some(6 * HOUR));
}

#[test]
fn commit_graph_file_gives_the_same_answer() {
    let r = Repo::new();
    let mut last = String::new();
    for i in 0..30 {
        last = r.commit_at(&format!("c{i}"), T0 + i * HOUR, T0 + i * HOUR + 60);
        if i % 7 == 6 {
            r.annotated_tag(&format!("v{i}"), &last, T0 + i * HOUR + 120);
        }
    }
    let without = check_against_git(&r);
    r.run(&["commit-graph", "write", "--reachable"]);
    // New commits after the commit-graph was written are read from objects.
    for i in 30..35 {
        last = r.commit(&format!("c{i}"), T0 + i * HOUR);
    }
    r.annotated_tag("v99", &last, T0 + 40 * HOUR);
    let with = check_against_git(&r);
    assert!(!without.quality.used_commit_graph);
    assert!(with.quality.used_commit_graph);
    for c in &without.changes {
        let w = with.changes.iter().find(|x| x.sha == c.sha).unwrap();
        assert_eq!(
            (w.author_time, w.commit_time, w.is_merge),
            (c.author_time, c.commit_time, c.is_merge)
        );
    }
}

/// A random DAG: node i's parents are earlier nodes; tags on random nodes at random times
/// (often out of topological order, sometimes tied).
/// Parents per node, and tags as (node, time slot, annotated).
type History = (Vec<Vec<usize>>, Vec<(usize, i64, bool)>);

fn arb_history() -> impl Strategy<Value = History> {
    (2usize..25).prop_flat_map(|n| {
        let parents: Vec<_> = (0..n)
            .map(|i| {
                if i == 0 {
                    Just(vec![]).boxed()
                } else {
                    proptest::collection::btree_set(0..i, 1..=2)
                        .prop_map(|s| s.into_iter().collect::<Vec<_>>())
                        .boxed()
                }
            })
            .collect();
        let tags = proptest::collection::vec((0..n, 0i64..6, any::<bool>()), 1..6);
        (parents, tags)
    })
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 16, ..ProptestConfig::default() })]
    #[test]
    fn random_histories_match_git((parents, tags) in arb_history()) {
        let r = Repo::new();
        let mut shas: Vec<String> = Vec::new();
        for (i, ps) in parents.iter().enumerate() {
            let ps: Vec<String> = ps.iter().map(|&p| shas[p].clone()).collect();
            let t = T0 + i as i64 * 600;
            shas.push(r.commit_tree(&format!("c{i}"), &ps, t, t));
        }
        r.run(&["update-ref", "refs/heads/main", shas.last().unwrap()]);
        for (k, (node, slot, annotated)) in tags.iter().enumerate() {
            let name = format!("v{k}");
            if *annotated {
                r.annotated_tag(&name, &shas[*node], T0 + 100_000 + slot * 60);
            } else {
                r.lightweight_tag(&name, &shas[*node]);
            }
        }
        check_against_git(&r);
    }
}
