//! Attribution benchmark on synthetic histories (targets in docs/performance.md), run side by side with the
//! reference commands so the figures are ratios, not absolute times on a noisy machine.
//!
//! ```text
//! cargo bench --bench attribution -- [--commits N] [--runs R] [--oracle-runs K] [--data DIR]
//! ```
//!
//! For each run it times, alternating the order, `git log --all --format='%H %at %P'` and
//! `dorascope deployments` (open, read every commit, attribute, write the table) on the same
//! repository; then the per-tag `git rev-list` oracle K times (0 skips it: at 1M commits it
//! takes very long). It prints the medians, the
//! ratios and the peak RSS of each command (GNU time's %M). The repository is written once
//! with `benches/scripts/synth-history.py` and reused; the oracle is
//! `benches/scripts/oracle-first-release.sh`.

use std::path::PathBuf;
use std::process::{Command, Stdio};

#[allow(dead_code)] // each benchmark uses part of the shared helpers
mod common;

use common::{measure, median, quote};

struct Opts {
    commits: u64,
    runs: usize,
    oracle_runs: usize,
    data: PathBuf,
    commit_graph: bool,
}

fn parse() -> Opts {
    let mut o = Opts {
        commits: 100_000,
        runs: 5,
        oracle_runs: 1,
        data: common::data_dir(),
        commit_graph: false,
    };
    common::options(|name, value| {
        match name {
            "--commits" => o.commits = value().parse().expect("--commits N"),
            "--runs" => o.runs = value().parse().expect("--runs R"),
            "--oracle-runs" => o.oracle_runs = value().parse().expect("--oracle-runs K"),
            "--data" => o.data = PathBuf::from(value()),
            "--commit-graph" => o.commit_graph = true,
            _ => return false,
        }
        true
    });
    o
}

/// The generator and oracle scripts (`benches/scripts`).
fn scripts() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("benches/scripts")
}

fn ensure_repo(o: &Opts) -> PathBuf {
    let repo = common::synth_history(&o.data, o.commits).join("repo.git");
    let graph = repo.join("objects/info/commit-graph");
    if o.commit_graph && !graph.exists() {
        run_quiet(Command::new("git").arg("--git-dir").arg(&repo).args([
            "commit-graph",
            "write",
            "--reachable",
        ]));
    } else if !o.commit_graph && graph.exists() {
        std::fs::remove_file(&graph).expect("remove commit-graph");
    }
    repo
}

fn run_quiet(cmd: &mut Command) {
    let ok = cmd.stdout(Stdio::null()).status().expect("spawn").success();
    assert!(ok, "{cmd:?} failed");
}

fn main() {
    let o = parse();
    let repo = ensure_repo(&o);
    let bin = env!("CARGO_BIN_EXE_dorascope");
    let git_log = format!("git --git-dir {} log --all --format='%H %at %P'", quote(&repo));
    let ours = format!("{bin} deployments -q --repo {} -o /dev/null", quote(&repo));
    let oracle = format!(
        "bash {} {}",
        quote(&scripts().join("oracle-first-release.sh")),
        quote(&repo)
    );

    // One untimed run each so the pack files are in the page cache for both.
    measure(&git_log);
    measure(&ours);
    let (mut t_git, mut t_ours, mut m_git, mut m_ours) = (vec![], vec![], vec![], vec![]);
    for i in 0..o.runs {
        let order: [&str; 2] = if i % 2 == 0 {
            [&git_log, &ours]
        } else {
            [&ours, &git_log]
        };
        for script in order {
            let (t, m) = measure(script);
            if script == git_log {
                t_git.push(t);
                m_git.push(m);
            } else {
                t_ours.push(t);
                m_ours.push(m);
            }
        }
    }
    let (mut t_oracle, mut m_oracle) = (vec![], vec![]);
    for _ in 0..o.oracle_runs {
        let (t, m) = measure(&oracle);
        t_oracle.push(t);
        m_oracle.push(m);
    }
    let (g, d) = (median(t_git.clone()), median(t_ours.clone()));
    println!(
        "history: {} commits ({}), {} runs (median), oracle {} runs",
        o.commits,
        if o.commit_graph {
            "with commit-graph"
        } else {
            "no commit-graph"
        },
        o.runs,
        o.oracle_runs
    );
    println!(
        "git log --all           {g:8.3} s   peak RSS {:7.1} MB",
        median(m_git.clone())
    );
    println!(
        "dorascope deployments   {d:8.3} s   peak RSS {:7.1} MB",
        median(m_ours.clone())
    );
    println!("dorascope / git log     {:8.2}x  (target <= 1.0)", d / g);
    if !t_oracle.is_empty() {
        let r = median(t_oracle.clone());
        println!(
            "oracle (rev-list/tag)   {r:8.3} s   peak RSS {:7.1} MB",
            median(m_oracle.clone())
        );
        println!("oracle / dorascope      {:8.1}x  (target >= 50)", r / d);
    }
}
