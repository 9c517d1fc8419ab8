//! The whole report on a synthetic history, side by side with one `git log` pass over the
//! same repository (targets in docs/performance.md: every file ≤ 1.0× git log,
//! `--format table` ≤ 0.8×, peak RSS ≤ 1.0×).
//!
//! ```text
//! cargo bench --bench report -- [--commits N] [--runs R] [--data DIR] [--split]
//! ```
//!
//! Each run times, in an order that rotates from run to run, `git log --all
//! --format='%H %at %P'`, `dorascope report --format table` (the engine, no table written)
//! and `dorascope report` (every file), all on the history of
//! `benches/scripts/synth-history.py` with its incidents; `--split` adds `changes` alone and
//! the report with each table format alone. It prints the medians, their ratios to git log
//! and the peak RSS of each (GNU time's %M). The history is written once and reused.

use std::path::PathBuf;

#[allow(dead_code)] // each benchmark uses part of the shared helpers
mod common;

use common::{data_dir, measure, median, quote, synth_history};

struct Opts {
    commits: u64,
    runs: usize,
    data: PathBuf,
    split: bool,
}

fn parse() -> Opts {
    let mut o = Opts {
        commits: 1_000_000,
        runs: 5,
        data: data_dir(),
        split: false,
    };
    common::options(|name, value| {
        match name {
            "--commits" => o.commits = value().parse().expect("--commits N"),
            "--runs" => o.runs = value().parse().expect("--runs R"),
            "--data" => o.data = PathBuf::from(value()),
            "--split" => o.split = true,
            _ => return false,
        }
        true
    });
    o
}

fn main() {
    let o = parse();
    let dir = synth_history(&o.data, o.commits);
    let repo = quote(&dir.join("repo.git"));
    let incidents = quote(&dir.join("incidents.csv"));
    let out = dir.join("report-out");
    let bin = env!("CARGO_BIN_EXE_dorascope");
    let report = |formats: Option<&str>| {
        let f = formats.map(|f| format!(" --format {f}")).unwrap_or_default();
        // The directory is emptied first, so every run writes every file anew.
        format!(
            "rm -rf {o} && {bin} report -q --repo {repo} --incidents {incidents}{f} --out {o}",
            o = quote(&out)
        )
    };
    let mut commands: Vec<(&str, String)> = vec![
        (
            "git log --all",
            format!("git --git-dir {repo} log --all --format='%H %at %P'"),
        ),
        ("report --format table", report(Some("table"))),
        ("report (every file)", report(None)),
    ];
    if o.split {
        commands.extend([
            (
                "changes -o /dev/null",
                format!("{bin} changes -q --repo {repo} -o /dev/null"),
            ),
            ("report table,csv", report(Some("table,csv"))),
            ("report table,parquet", report(Some("table,parquet"))),
            ("report table,json", report(Some("table,json"))),
        ]);
    }

    // One untimed run each, so that the pack file is in the page cache for all.
    for (_, c) in &commands {
        measure(c);
    }
    let mut times = vec![Vec::new(); commands.len()];
    let mut peaks = vec![Vec::new(); commands.len()];
    for run in 0..o.runs {
        for k in 0..commands.len() {
            let i = (k + run) % commands.len();
            let (t, m) = measure(&commands[i].1);
            times[i].push(t);
            peaks[i].push(m);
        }
    }
    println!(
        "history: {} commits with its incidents, {} runs (median), rotating order",
        o.commits, o.runs
    );
    let git = median(times[0].clone());
    let git_rss = median(peaks[0].clone());
    for (i, (name, _)) in commands.iter().enumerate() {
        let (t, m) = (median(times[i].clone()), median(peaks[i].clone()));
        println!(
            "{name:24} {t:8.3} s  {:5.2}x git log   peak RSS {m:7.1} MB  {:5.2}x",
            t / git,
            m / git_rss
        );
    }
    let _ = std::fs::remove_dir_all(&out);
}
