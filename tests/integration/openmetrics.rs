//! dora.om read by a real reader: Prometheus' promtool turns it into TSDB blocks, and every
//! sample in the file must come back out of them. promtool drops some malformed samples
//! silently (a series going back in time loses the sample, the exit code stays 0), so exit
//! codes alone prove little: the test compares the dump with the file.
//!
//! The promtool test is ignored by a plain `cargo test` (a fresh clone has only Rust and git);
//! `.ci/run` installs promtool (Debian package `prometheus`) and runs it with
//! `--include-ignored`, where a missing promtool fails the test rather than skipping it.

use std::path::Path;
use std::process::{Command, Output};

use crate::util::{stderr, stdout};

/// (name, labels sorted, value bits, timestamp in ms).
type Point = (String, Vec<(String, String)>, u64, i64);

fn promtool(args: &[&str]) -> Output {
    match Command::new("promtool").args(args).output() {
        Ok(o) => o,
        Err(e) => panic!(
            "promtool is needed to check dora.om ({e}): install Prometheus' promtool, e.g. \
             `apt-get install -y --no-install-recommends prometheus` (.ci/run does)"
        ),
    }
}

/// `{a="x", b="y"}` with Go-quoted values (promtool dump) or OpenMetrics-escaped ones: both
/// escape `\`, `"` and newline the same way, which is all dora.om's values can need.
fn labels(body: &str) -> Vec<(String, String)> {
    let mut out = Vec::new();
    let mut chars = body.chars().peekable();
    loop {
        while chars.peek().is_some_and(|c| *c == ',' || *c == ' ') {
            chars.next();
        }
        let name: String = chars.by_ref().take_while(|c| *c != '=').collect();
        if name.is_empty() {
            break;
        }
        assert_eq!(chars.next(), Some('"'), "{body}");
        let mut value = String::new();
        while let Some(c) = chars.next() {
            match c {
                '\\' => match chars.next() {
                    Some('n') => value.push('\n'),
                    Some(c) => value.push(c),
                    None => panic!("{body}"),
                },
                '"' => break,
                c => value.push(c),
            }
        }
        out.push((name, value));
    }
    out.sort();
    out
}

/// One sample line: `name{labels} value timestamp` (name may also sit inside the braces as
/// `__name__`, the dump's way).
fn point(line: &str, timestamp_scale: i64) -> Point {
    let (head, tail) = match line.rfind('}') {
        Some(i) => (&line[..=i], line[i + 1..].trim()),
        None => line.split_once(' ').unwrap(),
    };
    let (name, mut labels) = match head.split_once('{') {
        Some((n, body)) => (n.to_owned(), labels(body.strip_suffix('}').unwrap())),
        None => (head.to_owned(), Vec::new()),
    };
    let name = match labels.iter().position(|l| l.0 == "__name__") {
        Some(i) => labels.remove(i).1,
        None => name,
    };
    let mut fields = tail.split_whitespace();
    let value: f64 = fields.next().unwrap().parse().unwrap();
    let t: i64 = fields.next().unwrap().parse().unwrap();
    (name, labels, value.to_bits(), t * timestamp_scale)
}

fn demo(dir: &Path, threads: Option<&str>) {
    let mut c = Command::new(env!("CARGO_BIN_EXE_dorascope"));
    c.args(["demo", dir.to_str().unwrap()]);
    if let Some(n) = threads {
        c.env("RAYON_NUM_THREADS", n).env("POLARS_MAX_THREADS", n);
    }
    let out = c.output().expect("run dorascope");
    assert!(out.status.success(), "{}{}", stdout(&out), stderr(&out));
}

#[test]
#[ignore = "needs promtool (Debian package prometheus); .ci/run runs it"]
fn promtool_loads_every_sample_of_the_demo_report() {
    let dir = tempfile::tempdir().unwrap();
    demo(dir.path(), None);
    let om = dir.path().join("report/dora.om");
    let text = std::fs::read_to_string(&om).unwrap();
    let tsdb = dir.path().join("tsdb");

    let out = promtool(&[
        "tsdb",
        "create-blocks-from",
        "openmetrics",
        om.to_str().unwrap(),
        tsdb.to_str().unwrap(),
    ]);
    assert!(out.status.success(), "{}{}", stdout(&out), stderr(&out));
    // `tsdb dump` (promtool 2.42) wants a WAL directory, which backfilled blocks lack.
    std::fs::create_dir_all(tsdb.join("wal")).unwrap();
    let out = promtool(&["tsdb", "dump", tsdb.to_str().unwrap()]);
    assert!(out.status.success(), "{}", stderr(&out));

    let mut dumped: Vec<Point> = stdout(&out)
        .lines()
        .filter(|l| !l.trim().is_empty())
        .map(|l| point(l, 1))
        .collect();
    let mut written: Vec<Point> = text
        .lines()
        .filter(|l| !l.starts_with('#'))
        .map(|l| point(l, 1000))
        .collect();
    dumped.sort();
    written.sort();
    assert!(written.len() > 100, "{} samples", written.len());
    assert_eq!(dumped.len(), written.len(), "promtool dropped samples");
    assert_eq!(dumped, written);

    // The headline series are there.
    let has = |name: &str, label: (&str, &str)| {
        written
            .iter()
            .any(|p| p.0 == name && p.1.iter().any(|l| l.0 == label.0 && l.1 == label.1))
    };
    assert!(has("dora_lead_time_seconds", ("statistic", "p95")));
    assert!(has("dora_change_failure_ratio", ("method", "window")));
    assert!(has("dora_deployment_frequency_per_day", ("period", "month")));
    assert!(has("dora_time_to_restore_seconds", ("period", "all")));

    // The dashboard names only families the file declares.
    let dashboard = std::fs::read_to_string(dir.path().join("report/grafana-dashboard.json")).unwrap();
    let d: serde_json::Value = serde_json::from_str(&dashboard).unwrap();
    for p in d["panels"].as_array().unwrap() {
        let expr = p["targets"][0]["expr"].as_str().unwrap();
        let family = &expr[expr.find("dora_").unwrap()..expr.find('{').unwrap()];
        assert!(text.contains(&format!("# TYPE {family} gauge\n")), "{expr}");
    }
}

#[test]
fn dora_om_and_the_dashboard_do_not_depend_on_the_thread_count() {
    let (one, many) = (tempfile::tempdir().unwrap(), tempfile::tempdir().unwrap());
    demo(one.path(), Some("1"));
    demo(many.path(), Some("4"));
    for f in ["report/dora.om", "report/grafana-dashboard.json"] {
        let a = std::fs::read(one.path().join(f)).unwrap();
        let b = std::fs::read(many.path().join(f)).unwrap();
        assert!(a == b, "{f} differs between 1 and 4 threads");
    }
}
