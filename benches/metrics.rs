//! Metrics engine benchmark (issue 4): 1M deployment records (800k production, of which
//! about 6% failed runs) and 100k incidents through `dorascope report` (import, as-of
//! attribution, every failure method, rework, recovery, weekly periods, baseline), side by
//! side with `dorascope check` reading the same two files (the import alone), so the ratio
//! is the engine's cost on top of parsing.
//!
//! ```text
//! cargo bench --bench metrics -- [--rows N] [--incidents M] [--runs R]
//! ```

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
    let (mut engine, mut import) = (Vec::new(), Vec::new());
    for i in 0..runs {
        // Outside any repository (the clone holds target/): deployments come from the export.
        let mut a = Command::new(bin);
        a.current_dir(std::env::temp_dir())
            .args(["report", "-q", "--period", "week", "--deployments"])
            .arg(&csv)
            .arg("--incidents")
            .arg(&json)
            .arg("--out")
            .arg(&out);
        let mut b = Command::new(bin);
        b.current_dir(std::env::temp_dir())
            .args(["check"])
            .arg(&csv)
            .arg(&json);
        if i % 2 == 0 {
            engine.push(time(&mut a));
            import.push(time(&mut b));
        } else {
            import.push(time(&mut b));
            engine.push(time(&mut a));
        }
    }
    let (e, c) = (median(engine), median(import));
    println!("rows={rows} incidents={incidents} runs={runs}");
    println!("report (whole engine): median {e:.2} s");
    println!("check (import only):   median {c:.2} s");
    println!("ratio report / check:  {:.2}x", e / c);
}
