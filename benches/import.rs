//! Import benchmark (issue 3): a 1M-row canonical deployments CSV and a 100k-record JSON
//! export, read by `dorascope check`, side by side with Python's own parsers reading the same
//! files (csv.reader / json.load: parsing only, no timestamps or validation).
//!
//! ```text
//! cargo bench --bench import -- [--rows N] [--json-records M] [--runs R]
//! ```

use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::Instant;

fn data_dir() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("target/bench-data")
}

/// A deterministic canonical deployments CSV with `rows` rows.
fn write_csv(path: &Path, rows: u64) {
    let mut f = std::io::BufWriter::new(std::fs::File::create(path).expect("create csv"));
    writeln!(f, "id,sha,environment,status,finished_at").unwrap();
    let mut x: u64 = 0x2545_F491_4F6C_DD1D;
    for i in 0..rows {
        x ^= x << 13;
        x ^= x >> 7;
        x ^= x << 17;
        let t = 1_546_300_800 + i * 97;
        let env = if i % 5 == 0 { "staging" } else { "production" };
        let status = if i % 17 == 0 { "failed" } else { "success" };
        let secs = t % 86_400;
        let day = chrono_free_date(t / 86_400);
        writeln!(
            f,
            "{},{:016x}{:016x}{:08x},{env},{status},{day}T{:02}:{:02}:{:02}Z",
            i + 1,
            x,
            x.rotate_left(17),
            (x >> 32) as u32,
            secs / 3600,
            secs / 60 % 60,
            secs % 60
        )
        .unwrap();
    }
}

/// Days since the epoch to YYYY-MM-DD (civil-from-days, Howard Hinnant).
fn chrono_free_date(days: u64) -> String {
    let z = days as i64 + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z.rem_euclid(146_097);
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let y = yoe + era * 400;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = doy - (153 * mp + 2) / 5 + 1;
    let m = if mp < 10 { mp + 3 } else { mp - 9 };
    format!("{:04}-{:02}-{:02}", if m <= 2 { y + 1 } else { y }, m, d)
}

/// A PagerDuty-style wrapped JSON export with `n` incidents.
fn write_json(path: &Path, n: u64) {
    let mut f = std::io::BufWriter::new(std::fs::File::create(path).expect("create json"));
    write!(f, "{{\"incidents\": [").unwrap();
    for i in 0..n {
        let t = 1_546_300_800 + i * 3_600;
        let day = chrono_free_date(t / 86_400);
        let h = t % 86_400 / 3600;
        write!(
            f,
            "{}{{\"id\": \"P{i:07}\", \"incident_number\": {i}, \"title\": \"Incident {i}\", \"status\": \"resolved\", \
             \"urgency\": \"high\", \"created_at\": \"{day}T{h:02}:00:00Z\", \"resolved_at\": \"{day}T{h:02}:30:00Z\", \
             \"incident_key\": \"k{i}\", \"html_url\": \"https://example.pagerduty.com/incidents/P{i:07}\", \
             \"service\": {{\"id\": \"S1\", \"summary\": \"shop\"}}, \"priority\": {{\"summary\": \"P2\"}}}}",
            if i == 0 { "" } else { "," }
        )
        .unwrap();
    }
    write!(f, "], \"limit\": 100, \"offset\": 0, \"more\": false}}").unwrap();
}

fn time(cmd: &mut Command) -> f64 {
    let start = Instant::now();
    let ok = cmd.stdout(Stdio::null()).status().expect("spawn").success();
    assert!(ok, "{cmd:?} failed");
    start.elapsed().as_secs_f64()
}

fn median(mut v: Vec<f64>) -> f64 {
    v.sort_by(|a, b| a.total_cmp(b));
    let n = v.len();
    if n % 2 == 1 {
        v[n / 2]
    } else {
        (v[n / 2 - 1] + v[n / 2]) / 2.0
    }
}

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
