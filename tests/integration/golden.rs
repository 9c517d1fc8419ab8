//! The demo's report files: byte-identical whatever the thread count, equal to the reviewed
//! golden copies in tests/golden/demo/ (Parquet included, byte for byte), and their Parquet tables read back by pyarrow (a
//! reader that shares no code with the writer) with the types and values of the JSON tables.
//!
//! After an intended change: `DORASCOPE_UPDATE_GOLDEN=1 cargo test golden`, then review the
//! diff of tests/golden/ before committing it.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::OnceLock;

use serde_json::Value;

/// Runs the demo into a fresh directory under the test target's temporary directory.
fn demo(name: &str, threads: &str) -> PathBuf {
    let dir = Path::new(env!("CARGO_TARGET_TMPDIR")).join(name);
    let _ = std::fs::remove_dir_all(&dir);
    let out = Command::new(env!("CARGO_BIN_EXE_dorascope"))
        .arg("demo")
        .arg(&dir)
        .env("RAYON_NUM_THREADS", threads)
        .env("NO_COLOR", "1")
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    dir
}

/// The demo run once for all tests here.
fn shared_demo() -> &'static Path {
    static DIR: OnceLock<PathBuf> = OnceLock::new();
    DIR.get_or_init(|| demo("golden-demo-2", "2"))
}

fn report_files(dir: &Path) -> BTreeMap<String, Vec<u8>> {
    std::fs::read_dir(dir.join("report"))
        .unwrap()
        .map(|e| {
            let e = e.unwrap();
            (
                e.file_name().to_string_lossy().into_owned(),
                std::fs::read(e.path()).unwrap(),
            )
        })
        .collect()
}

/// Text with the demo's directory replaced, so that files can be compared across runs.
fn portable(bytes: &[u8], dir: &Path) -> Vec<u8> {
    String::from_utf8(bytes.to_vec())
        .unwrap()
        .replace(&dir.display().to_string(), "<demo>")
        .into_bytes()
}

fn is_text(name: &str) -> bool {
    !name.ends_with(".parquet")
}

/// Text files with the demo's directory replaced; Parquet as written (it holds no paths, and
/// polars is pinned, so its bytes only change when what it encodes changes).
fn comparable(name: &str, bytes: &[u8], dir: &Path) -> Vec<u8> {
    if is_text(name) {
        portable(bytes, dir)
    } else {
        bytes.to_vec()
    }
}

#[test]
fn same_bytes_whatever_the_thread_count() {
    let two = shared_demo();
    let one = demo("golden-demo-1", "1");
    let (a, b) = (report_files(&one), report_files(two));
    assert_eq!(a.keys().collect::<Vec<_>>(), b.keys().collect::<Vec<_>>());
    for (name, bytes) in &a {
        let (x, y) = if is_text(name) {
            (portable(bytes, &one), portable(&b[name], two))
        } else {
            (bytes.clone(), b[name].clone())
        };
        assert!(x == y, "{name} differs between 1 and 2 threads");
    }
}

#[test]
fn report_files_match_the_golden_copies() {
    let dir = shared_demo();
    let golden = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/golden/demo");
    let files = report_files(dir);
    if std::env::var_os("DORASCOPE_UPDATE_GOLDEN").is_some() {
        let _ = std::fs::remove_dir_all(&golden);
        std::fs::create_dir_all(&golden).unwrap();
        for (name, bytes) in &files {
            std::fs::write(golden.join(name), comparable(name, bytes, dir)).unwrap();
        }
    }
    let want: BTreeMap<String, Vec<u8>> = std::fs::read_dir(&golden)
        .unwrap_or_else(|e| panic!("{}: {e} (DORASCOPE_UPDATE_GOLDEN=1 writes it)", golden.display()))
        .map(|e| {
            let e = e.unwrap();
            (
                e.file_name().to_string_lossy().into_owned(),
                std::fs::read(e.path()).unwrap(),
            )
        })
        .collect();
    let got: BTreeMap<&String, Vec<u8>> = files.iter().map(|(n, b)| (n, comparable(n, b, dir))).collect();
    assert_eq!(
        got.keys().map(|k| k.as_str()).collect::<Vec<_>>(),
        want.keys().map(|k| k.as_str()).collect::<Vec<_>>(),
        "the report's files are not the golden set"
    );
    for (name, bytes) in got {
        if bytes != want[name] && !is_text(name) {
            panic!(
                "{name} differs from tests/golden/demo/{name} ({} bytes, want {}); the pyarrow test \
                 shows its content (DORASCOPE_UPDATE_GOLDEN=1 cargo test golden rewrites the copies)",
                bytes.len(),
                want[name].len()
            );
        }
        if bytes != want[name] {
            let (g, w) = (
                String::from_utf8_lossy(&bytes),
                String::from_utf8_lossy(&want[name]),
            );
            let line = g.lines().zip(w.lines()).position(|(a, b)| a != b);
            panic!(
                "{name} differs from tests/golden/demo/{name} at line {:?}:\n  got:  {:?}\n  want: {:?}\n\
                 (DORASCOPE_UPDATE_GOLDEN=1 cargo test golden rewrites the copies; review the diff)",
                line.map(|l| l + 1),
                line.and_then(|l| g.lines().nth(l)),
                line.and_then(|l| w.lines().nth(l)),
            );
        }
    }
}

/// The Parquet type class a JSON table column's values call for.
fn expected_class(column: &str, values: &[&Value]) -> &'static str {
    let present: Vec<&&Value> = values.iter().filter(|v| !v.is_null()).collect();
    let rfc3339 = |v: &&&Value| {
        v.as_str()
            .is_some_and(|s| chrono::DateTime::parse_from_rfc3339(s).is_ok() && s.ends_with('Z'))
    };
    let time_name =
        column.ends_with("_at") || column.ends_with("_time") || column == "start" || column == "end";
    if time_name && present.iter().all(rfc3339) {
        "timestamp"
    } else if present.iter().all(|v| v.is_boolean()) && !present.is_empty() {
        "bool"
    } else if present.iter().all(|v| v.is_i64() || v.is_u64()) && !present.is_empty() {
        "int64"
    } else if present.iter().all(|v| v.is_number()) && !present.is_empty() {
        "double"
    } else {
        "string"
    }
}

#[test]
#[ignore = "needs python3 with pyarrow; .ci/run runs it"]
fn parquet_reads_back_with_pyarrow_with_real_types() {
    let dir = shared_demo().join("report");
    let script = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/reference/read_parquet.py");
    let tables = ["changes", "deployments", "incidents", "periods"];
    let paths: Vec<PathBuf> = tables.iter().map(|t| dir.join(format!("{t}.parquet"))).collect();
    let out = Command::new("python3")
        .arg(&script)
        .args(&paths)
        .output()
        .expect("python3 with pyarrow is needed (.ci/run installs it)");
    assert!(
        out.status.success(),
        "pyarrow could not read the Parquet files (.ci/run installs pyarrow): {}",
        String::from_utf8_lossy(&out.stderr)
    );
    let read: Value = serde_json::from_slice(&out.stdout).unwrap();
    for (table, path) in tables.iter().zip(&paths) {
        let got = &read[path.display().to_string()];
        let json: Value =
            serde_json::from_slice(&std::fs::read(dir.join(format!("{table}.json"))).unwrap()).unwrap();
        let rows = json.as_array().unwrap();
        assert!(!rows.is_empty(), "{table}: the demo should fill every table");
        // Same rows, same values, in the same order as the JSON table.
        assert_eq!(&got["rows"], &json, "{table}: Parquet and JSON disagree");
        let schema = got["schema"].as_object().unwrap();
        let columns: Vec<&String> = rows[0].as_object().unwrap().keys().collect();
        assert_eq!(schema.len(), columns.len(), "{table}: {schema:?}");
        for c in columns {
            let values: Vec<&Value> = rows.iter().map(|r| &r[c]).collect();
            let ty = schema[c].as_str().unwrap();
            let ok = match expected_class(c, &values) {
                "timestamp" => ty == "timestamp[ms, tz=UTC]",
                "bool" => ty == "bool",
                "int64" => ty == "int64",
                "double" => ty == "double",
                _ => matches!(ty, "string" | "large_string" | "string_view"),
            };
            assert!(ok, "{table}.{c}: pyarrow reads {ty}");
        }
    }
    // Spot checks of the types the issue names.
    let schema = |t: &str, c: &str| {
        read[dir.join(format!("{t}.parquet")).display().to_string()]["schema"][c]
            .as_str()
            .unwrap()
            .to_owned()
    };
    assert_eq!(schema("deployments", "deployed_at"), "timestamp[ms, tz=UTC]");
    assert_eq!(schema("changes", "lead_time_seconds"), "int64");
    assert_eq!(schema("changes", "backlog"), "bool");
    assert_eq!(schema("incidents", "restore_seconds"), "int64");
}
