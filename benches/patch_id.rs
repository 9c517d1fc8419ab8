//! Patch-id benchmark (issue 13, docs/performance.md): `git::patch_id::patch_ids` over a
//! repository's non-merge commits against the pipeline users run for the same ids.
//!
//! ```text
//! cargo bench --bench patch_id -- [--repo PATH] [--runs R] [--max N]
//! ```
//!
//! For each run it times, alternating the order,
//! `git -c diff.renames=false log --all --no-merges -p --format='commit %H' [-n N] | git
//! patch-id --stable > /dev/null` and, in this process, opening the repository, loading every
//! commit reachable from HEAD and the references, and computing the patch id of every
//! non-merge commit, or of the newest N by committer time
//! (`dorascope::git::patch_id::list_patch_ids`). It prints the medians and their ratio. One
//! untimed run of each first warms the page cache and compares the ids commit by commit
//! (`--max` may pick slightly different commits where committer times tie or go backwards:
//! the ids are compared on the commits both computed). `--repo` defaults to this checkout.

#[allow(dead_code)] // each benchmark uses part of the shared helpers
mod common;

use common::median;
use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::Instant;

struct Opts {
    repo: PathBuf,
    runs: usize,
    max: Option<usize>,
}

fn parse() -> Opts {
    let mut o = Opts {
        repo: PathBuf::from(env!("CARGO_MANIFEST_DIR")),
        runs: 5,
        max: None,
    };
    common::options(|name, value| {
        match name {
            "--repo" => o.repo = PathBuf::from(value()),
            "--runs" => o.runs = value().parse().expect("--runs R"),
            "--max" => o.max = Some(value().parse().expect("--max N")),
            _ => return false,
        }
        true
    });
    assert!(o.runs > 0, "--runs must be at least 1");
    o
}

/// `git log -p | git patch-id --stable`: its output, or nothing (to /dev/null).
fn git_pipeline(repo: &Path, max: Option<usize>, keep: bool) -> Vec<u8> {
    let mut log = Command::new("git");
    log.arg("-C").arg(repo).args([
        "-c",
        "diff.renames=false",
        "log",
        "--all",
        "--no-merges",
        "-p",
        "--format=commit %H",
    ]);
    if let Some(n) = max {
        log.arg(format!("-n{n}"));
    }
    let mut log = log.stdout(Stdio::piped()).spawn().expect("spawn git log");
    let mut id = Command::new("git");
    id.arg("-C").arg(repo).args(["patch-id", "--stable"]);
    id.stdin(Stdio::from(log.stdout.take().expect("piped")));
    id.stdout(if keep { Stdio::piped() } else { Stdio::null() });
    let out = id.output().expect("spawn git patch-id");
    assert!(log.wait().expect("git log").success(), "git log failed");
    assert!(out.status.success(), "git patch-id failed");
    out.stdout
}

fn time_git(repo: &Path, max: Option<usize>) -> f64 {
    let start = Instant::now();
    git_pipeline(repo, max, false);
    start.elapsed().as_secs_f64()
}

fn ours(repo: &Path, max: Option<usize>) -> Vec<(String, String)> {
    dorascope::git::patch_id::list_patch_ids(repo, max).expect("dorascope patch ids")
}

fn time_ours(repo: &Path, max: Option<usize>) -> f64 {
    let start = Instant::now();
    let ids = ours(repo, max);
    std::hint::black_box(ids);
    start.elapsed().as_secs_f64()
}

fn main() {
    let o = parse();
    let repo = o.repo.as_path();
    let git_out = String::from_utf8(git_pipeline(repo, o.max, true)).expect("hex");
    let want: HashMap<&str, &str> = git_out
        .lines()
        .map(|l| {
            let (id, commit) = l.split_once(' ').expect("<patch id> <commit>");
            (commit, id)
        })
        .collect();
    let got = ours(repo, o.max);
    let both: Vec<_> = got
        .iter()
        .filter(|(c, _)| want.contains_key(c.as_str()))
        .collect();
    let differ: Vec<_> = both
        .iter()
        .filter(|(c, id)| want[c.as_str()] != id.as_str())
        .map(|(c, _)| c.as_str())
        .collect();
    println!(
        "{}: {} ids (git: {}), {} commits in both, {} differ, {} threads",
        repo.display(),
        got.len(),
        want.len(),
        both.len(),
        differ.len(),
        rayon::current_num_threads()
    );
    for c in differ.iter().take(20) {
        println!("  differs: {c}");
    }
    let (mut t_git, mut t_ours) = (Vec::new(), Vec::new());
    for i in 0..o.runs {
        if i % 2 == 0 {
            t_git.push(time_git(repo, o.max));
            t_ours.push(time_ours(repo, o.max));
        } else {
            t_ours.push(time_ours(repo, o.max));
            t_git.push(time_git(repo, o.max));
        }
    }
    let (g, d) = (median(t_git.clone()), median(t_ours.clone()));
    let fmt = |v: &[f64]| v.iter().map(|t| format!("{t:.2}")).collect::<Vec<_>>().join(" ");
    println!("git log -p | git patch-id  {g:8.3} s  (runs: {})", fmt(&t_git));
    println!("dorascope patch_ids        {d:8.3} s  (runs: {})", fmt(&t_ours));
    println!("dorascope / git            {:8.2}x", d / g);
}
