//! What the `--reference` tests share: a small generator, the window they measure, and runs
//! of the Python oracle and of `dorascope report --reference` on the same files.

use std::path::Path;
use std::process::Command;

use serde_json::Value;

/// A small deterministic generator: the tests need variety, not a dependency.
pub struct Rng(pub u64);

impl Rng {
    pub fn next(&mut self) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0
    }
    pub fn below(&mut self, n: u64) -> u64 {
        self.next() % n
    }
    pub fn pick<'a>(&mut self, xs: &[&'a str]) -> &'a str {
        xs[self.below(xs.len() as u64) as usize]
    }
}

/// 2024-03-01T00:00:00Z.
pub const BASE: i64 = 1_709_251_200;
pub const SINCE: &str = "2024-03-10T00:00:00Z";
pub const UNTIL: &str = "2024-04-09T00:00:00Z";
pub const DAY_MS: i64 = 86_400_000;

pub fn write(path: &Path, v: &Value) {
    std::fs::write(path, serde_json::to_vec_pretty(v).unwrap()).unwrap();
}

/// Runs `tests/reference/SCRIPT ARGS` with python3 in `dir`; its JSON output.
pub fn oracle(script: &str, args: &[&str], dir: &Path) -> Value {
    let script = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/reference")
        .join(script);
    // CI images name it python3; the scripts need nothing beyond the standard library.
    let out = Command::new("python3")
        .arg(&script)
        .args(args)
        .current_dir(dir)
        .output()
        .expect("python3 is needed for the reference oracle");
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    serde_json::from_slice(&out.stdout).unwrap()
}

/// `dorascope report ARGS --reference METHOD --json --out report` in `dir`: summary.json's
/// `reference`, which must be METHOD's.
pub fn reference(dir: &Path, args: &[&str], method: &str) -> Value {
    let out = Command::new(env!("CARGO_BIN_EXE_dorascope"))
        .current_dir(dir)
        .arg("report")
        .args(args)
        .args(["--reference", method, "--json", "--out", "report"])
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let got: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(got["reference"]["method"], method);
    got["reference"].clone()
}

/// The row of `metric` in a reference.
pub fn row(reference: &Value, metric: &str) -> Value {
    reference["rows"]
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["metric"] == metric)
        .unwrap()
        .clone()
}
