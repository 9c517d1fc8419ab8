//! Metrics engine benchmark (issue 4): 1M deployment records (800k production, of which
//! about 6% failed runs) and 100k incidents through `dorascope report` (import, as-of
//! attribution, every failure method, rework, recovery, weekly periods, baseline), side by
//! side with `dorascope check` reading the same two files (the import alone), so the ratio
//! is the engine's cost on top of parsing.
//!
//! ```text
//! cargo bench --bench metrics -- [--rows N] [--incidents M] [--runs R]
//! ```

#[allow(dead_code)] // each benchmark uses part of the shared helpers
mod common;

use std::process::Command;

use common::{data_dir, median, time, write_csv, write_json};

fn main() {
    let (mut rows, mut incidents, mut runs) = (1_000_000u64, 100_000u64, 5usize);
    let mut args = std::env::args().skip(1);
    while let Some(a) = args.next() {
        match a.as_str() {
            "--rows" => rows = args.next().and_then(|v| v.parse().ok()).expect("--rows N"),
            "--incidents" => incidents = args.next().and_then(|v| v.parse().ok()).expect("--incidents M"),
            "--runs" => runs = args.next().and_then(|v| v.parse().ok()).expect("--runs R"),
            "--bench" => {}
            other => panic!("unknown argument {other}"),
        }
    }
    std::fs::create_dir_all(data_dir()).expect("data dir");
    let csv = data_dir().join(format!("deployments-{rows}.csv"));
    let json = data_dir().join(format!("incidents-{incidents}.json"));
    if !csv.exists() {
        write_csv(&csv, rows);
    }
    if !json.exists() {
        write_json(&json, incidents);
    }
    let out = data_dir().join("metrics-report");
    let bin = env!("CARGO_BIN_EXE_dorascope");
    let report = |formats: &str| {
        let mut c = Command::new(bin);
        // Outside any repository (the clone holds target/): deployments come from the export.
        c.current_dir(std::env::temp_dir())
            .args([
                "report",
                "-q",
                "--period",
                "week",
                "--format",
                formats,
                "--deployments",
            ])
            .arg(&csv)
            .arg("--incidents")
            .arg(&json)
            .arg("--out")
            .arg(&out);
        c
    };
    let check = || {
        let mut c = Command::new(bin);
        c.current_dir(std::env::temp_dir())
            .arg("check")
            .arg(&csv)
            .arg(&json);
        c
    };
    let (mut engine, mut files, mut import) = (Vec::new(), Vec::new(), Vec::new());
    for i in 0..runs {
        // Rotated so that no command always runs first (or right after another).
        for k in 0..3 {
            match (i + k) % 3 {
                0 => engine.push(time(&mut report("table"))),
                1 => files.push(time(&mut report("table,csv,parquet,json,html,openmetrics"))),
                _ => import.push(time(&mut check())),
            }
        }
    }
    let (e, f, c) = (median(engine), median(files), median(import));
    println!("rows={rows} incidents={incidents} runs={runs}");
    println!("report --format table (engine):     median {e:.2} s");
    println!("report, every file (engine + files): median {f:.2} s");
    println!("check (import only):                median {c:.2} s");
    println!("ratio engine / check:      {:.2}x", e / c);
    println!("ratio every file / check:  {:.2}x", f / c);
}
