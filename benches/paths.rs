//! Paths-per-change benchmark (issue 12, docs/performance.md): `git::paths::per_commit` over a
//! whole repository against one `git log` pass that lists the same paths.
//!
//! ```text
//! cargo bench --bench paths -- [--repo PATH] [--runs R]
//! ```
//!
//! For each run it times, alternating the order, `git log --all --no-merges --no-renames
//! --name-only --format=%H > /dev/null` and, in this process, opening the repository, loading
//! every commit reachable from HEAD and the references, and diffing every change
//! (`dorascope::git::paths::count_paths`). It prints the medians and their ratio. One untimed
//! run of each first warms the page cache and checks that both find the same number of
//! changes and paths. `--repo` defaults to this checkout.

#[allow(dead_code)] // each benchmark uses part of the shared helpers
mod common;

use common::median;
use common::time;
use std::path::PathBuf;
use std::process::{Command, Stdio};
use std::time::Instant;

struct Opts {
    repo: PathBuf,
    runs: usize,
}

fn parse() -> Opts {
    let mut o = Opts {
        repo: PathBuf::from(env!("CARGO_MANIFEST_DIR")),
        runs: 5,
    };
    common::options(|name, value| {
        match name {
            "--repo" => o.repo = PathBuf::from(value()),
            "--runs" => o.runs = value().parse().expect("--runs R"),
            _ => return false,
        }
        true
    });
    assert!(o.runs > 0, "--runs must be at least 1");
    o
}

fn git_log(repo: &std::path::Path) -> Command {
    let mut c = Command::new("git");
    c.arg("-C").arg(repo).args([
        "log",
        "--all",
        "--no-merges",
        "--no-renames",
        "--name-only",
        "--format=%H",
    ]);
    c
}

/// Changes and paths as `git log` lists them (a marker line per commit, then its paths).
fn git_counts(repo: &std::path::Path) -> (u64, u64) {
    let mut c = git_log(repo);
    c.arg("--format=%x01");
    let out = c.stderr(Stdio::inherit()).output().expect("spawn git");
    assert!(out.status.success(), "git log failed");
    let (mut changes, mut paths) = (0, 0);
    for line in out.stdout.split(|&b| b == b'\n').filter(|l| !l.is_empty()) {
        if line == b"\x01" {
            changes += 1;
        } else {
            paths += 1;
        }
    }
    (changes, paths)
}

fn time_git(repo: &std::path::Path) -> f64 {
    time(&mut git_log(repo))
}

fn time_ours(repo: &std::path::Path) -> (f64, (u64, u64)) {
    let start = Instant::now();
    let counts = dorascope::git::paths::count_paths(repo).expect("dorascope paths");
    (start.elapsed().as_secs_f64(), counts)
}

fn main() {
    let o = parse();
    let repo = o.repo.as_path();
    let (want_changes, want_paths) = git_counts(repo);
    let (_, (changes, paths)) = time_ours(repo);
    println!(
        "{}: {changes} changes, {paths} paths (git log: {want_changes} changes, {want_paths} paths), {} threads",
        repo.display(),
        rayon::current_num_threads()
    );
    assert_eq!(
        (changes, paths),
        (want_changes, want_paths),
        "dorascope and git log disagree"
    );
    let (mut t_git, mut t_ours) = (Vec::new(), Vec::new());
    for i in 0..o.runs {
        if i % 2 == 0 {
            t_git.push(time_git(repo));
            t_ours.push(time_ours(repo).0);
        } else {
            t_ours.push(time_ours(repo).0);
            t_git.push(time_git(repo));
        }
    }
    let (g, d) = (median(t_git.clone()), median(t_ours.clone()));
    let fmt = |v: &[f64]| v.iter().map(|t| format!("{t:.2}")).collect::<Vec<_>>().join(" ");
    println!("git log --name-only     {g:8.3} s  (runs: {})", fmt(&t_git));
    println!("dorascope paths         {d:8.3} s  (runs: {})", fmt(&t_ours));
    println!("dorascope / git log     {:8.2}x  (target <= 1.0)", d / g);
}
