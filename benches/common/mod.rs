//! Data and timing helpers shared by the benchmarks that run the built binary.

use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::Instant;

pub fn data_dir() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("target/bench-data")
}

/// A deterministic canonical deployments CSV with `rows` rows.
pub fn write_csv(path: &Path, rows: u64) {
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
pub fn chrono_free_date(days: u64) -> String {
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
pub fn write_json(path: &Path, n: u64) {
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

pub fn time(cmd: &mut Command) -> f64 {
    let start = Instant::now();
    let ok = cmd.stdout(Stdio::null()).status().expect("spawn").success();
    assert!(ok, "{cmd:?} failed");
    start.elapsed().as_secs_f64()
}

pub fn median(mut v: Vec<f64>) -> f64 {
    v.sort_by(|a, b| a.total_cmp(b));
    let n = v.len();
    if n % 2 == 1 {
        v[n / 2]
    } else {
        (v[n / 2 - 1] + v[n / 2]) / 2.0
    }
}

/// Runs `sh -c script` under GNU time; returns (seconds, peak RSS in MB).
pub fn measure(script: &str) -> (f64, f64) {
    let rss_file = std::env::temp_dir().join(format!("dorascope-bench-rss-{}", std::process::id()));
    let start = Instant::now();
    let status = Command::new("/usr/bin/time")
        .args(["-f", "%M", "-o"])
        .arg(&rss_file)
        .args(["sh", "-c", script])
        .stdout(Stdio::null())
        .status()
        .expect("/usr/bin/time");
    let secs = start.elapsed().as_secs_f64();
    assert!(status.success(), "{script} failed");
    let kb: f64 = std::fs::read_to_string(&rss_file)
        .ok()
        .and_then(|s| s.lines().last().and_then(|l| l.trim().parse().ok()))
        .unwrap_or(f64::NAN);
    (secs, kb / 1024.0)
}

/// A path quoted for `sh -c`.
pub fn quote(p: &Path) -> String {
    format!("'{}'", p.display().to_string().replace('\'', "'\\''"))
}

/// The synthetic history of `commits` commits (`benches/scripts/synth-history.py`, with
/// its deployments.csv and incidents.csv) under `data`, written once and reused.
pub fn synth_history(data: &Path, commits: u64) -> PathBuf {
    let dir = data.join(format!("synth-{commits}"));
    if !dir.join("repo.git").exists() || !dir.join("incidents.csv").exists() {
        eprintln!(
            "writing a {commits}-commit synthetic history to {}",
            dir.display()
        );
        let script = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("benches/scripts/synth-history.py");
        let _ = std::fs::remove_dir_all(&dir);
        let ok = Command::new("python3")
            .arg(script)
            .arg(&dir)
            .args(["--commits", &commits.to_string()])
            .status()
            .expect("python3")
            .success();
        assert!(ok, "synth-history.py failed");
    }
    dir
}

/// Reads the benchmark's command line: `set(name, value)` takes each option, calling
/// `value()` for the word after it when it has one, and says whether it knew the name (an
/// unknown option is a panic). `--bench`, which cargo adds, is skipped.
pub fn options(mut set: impl FnMut(&str, &mut dyn FnMut() -> String) -> bool) {
    let mut args = std::env::args().skip(1);
    while let Some(a) = args.next() {
        if a == "--bench" {
            continue;
        }
        let mut value = || args.next().unwrap_or_else(|| panic!("{a} needs a value"));
        if !set(&a, &mut value) {
            panic!("unknown argument {a}");
        }
    }
}
