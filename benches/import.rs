//! Import benchmark (issue 3): a 1M-row canonical deployments CSV and a 100k-record JSON
//! export, read by `dorascope check`, side by side with Python's own parsers reading the same
//! files (csv.reader / json.load: parsing only, no timestamps or validation).
//!
//! ```text
//! cargo bench --bench import -- [--rows N] [--json-records M] [--runs R]
//! ```

use std::process::Command;

#[allow(dead_code)] // each benchmark uses part of the shared helpers
mod common;

use common::{data_dir, median, time, write_csv, write_json};

fn main() {
    let (mut rows, mut records, mut runs) = (1_000_000u64, 100_000u64, 5usize);
    let mut args = std::env::args().skip(1);
    while let Some(a) = args.next() {
        match a.as_str() {
            "--rows" => rows = args.next().and_then(|v| v.parse().ok()).expect("--rows N"),
            "--json-records" => {
                records = args
                    .next()
                    .and_then(|v| v.parse().ok())
                    .expect("--json-records M")
            }
            "--runs" => runs = args.next().and_then(|v| v.parse().ok()).expect("--runs R"),
            "--bench" => {}
            other => panic!("unknown argument {other}"),
        }
    }
    std::fs::create_dir_all(data_dir()).expect("data dir");
    let csv = data_dir().join(format!("deployments-{rows}.csv"));
    let json = data_dir().join(format!("incidents-{records}.json"));
    if !csv.exists() {
        write_csv(&csv, rows);
    }
    if !json.exists() {
        write_json(&json, records);
    }
    let bin = env!("CARGO_BIN_EXE_dorascope");
    let py_csv = "import csv,sys; n=sum(1 for _ in csv.reader(open(sys.argv[1], newline='')))";
    let py_json = "import json,sys; d=json.load(open(sys.argv[1]))";
    let mut results = Vec::new();
    for (label, file, py) in [("csv", &csv, py_csv), ("json", &json, py_json)] {
        let (mut ours, mut theirs) = (Vec::new(), Vec::new());
        for i in 0..runs {
            let mut a = Command::new(bin);
            a.args(["check"]).arg(file);
            let mut b = Command::new("python3");
            b.args(["-c", py]).arg(file);
            if i % 2 == 0 {
                ours.push(time(&mut a));
                theirs.push(time(&mut b));
            } else {
                theirs.push(time(&mut b));
                ours.push(time(&mut a));
            }
        }
        results.push((label, file.clone(), median(ours), median(theirs)));
    }
    for (label, file, ours, theirs) in results {
        let size = std::fs::metadata(&file).map(|m| m.len()).unwrap_or(0) as f64 / 1e6;
        println!(
            "{label}: {} ({size:.0} MB): dorascope check {ours:.3} s, python parse only {theirs:.3} s, ratio {:.2}x",
            file.display(),
            ours / theirs
        );
    }
}
