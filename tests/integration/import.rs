//! Exports through the command line: `check`, `incidents`, `--deployments` instead of tags,
//! and broken input (one-line errors, exit code 3, no output file).

use std::path::{Path, PathBuf};

use crate::util::{HOUR, Repo, T0, dorascope, stderr, stdout};

/// An example export file (`tests/fixtures/formats`).
fn example(name: &str) -> String {
    format!("{}/tests/fixtures/formats/{name}", env!("CARGO_MANIFEST_DIR"))
}

fn write(dir: &Path, name: &str, body: &[u8]) -> PathBuf {
    let p = dir.join(name);
    std::fs::write(&p, body).unwrap();
    p
}

fn s(p: &Path) -> &str {
    p.to_str().unwrap()
}

/// A one-line error naming `needle`, exit code 3, nothing on stdout, no output file.
fn assert_input_error(args: &[&str], needle: &str, out_file: Option<&Path>) {
    let out = dorascope(args);
    let err = stderr(&out);
    assert_eq!(out.status.code(), Some(3), "{args:?}: {err}");
    assert!(
        err.starts_with("error: ") && err.trim_end().lines().count() == 1,
        "{args:?}: {err:?}"
    );
    assert!(err.contains(needle), "{args:?}: {err:?} lacks {needle:?}");
    assert!(out.stdout.is_empty());
    if let Some(f) = out_file {
        assert!(!f.exists(), "{} was written", f.display());
    }
}

/// GitLab's DORA API output holds GitLab's own daily figures, not events: check says which
/// exports to take instead.
#[test]
fn gitlab_dora_metrics_are_refused_with_what_to_export_instead() {
    let out = dorascope(&["check", &example("gitlab-dora-metrics.json")]);
    assert_eq!(out.status.code(), Some(3));
    let text = format!("{}{}", stdout(&out), stderr(&out));
    assert!(
        text.contains("GitLab's DORA metrics API") && text.contains("/deployments"),
        "{text}"
    );
}

#[test]
fn check_reports_every_example_file() {
    let mut args = vec!["check".to_owned(), "--json".to_owned()];
    let mut names: Vec<String> = std::fs::read_dir(example(""))
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|n| n.ends_with(".json") && n != "gitlab-dora-metrics.json")
        .collect();
    names.sort();
    args.extend(names.iter().map(|n| example(n)));
    let refs: Vec<&str> = args.iter().map(String::as_str).collect();
    let out = dorascope(&refs);
    assert!(out.status.success(), "{}\n{}", stderr(&out), stdout(&out));
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let reports = v.as_array().unwrap();
    assert_eq!(reports.len(), names.len());
    for r in reports {
        assert!(r["format"].is_string(), "no format detected for {}", r["file"]);
        assert!(r["error"].is_null(), "{}", r["error"]);
        let records = r["deployments"].as_u64().unwrap()
            + r["incidents"].as_u64().unwrap()
            + r["merge_requests"].as_u64().unwrap()
            + r["merge_request_commits"].as_u64().unwrap()
            + r["reference_records"].as_u64().unwrap()
            + r["ignored"].as_u64().unwrap()
            + r["problems"].as_array().unwrap().len() as u64;
        assert!(records > 0, "nothing read from {}", r["file"]);
    }
}

#[test]
fn check_text_lists_problems_with_locations() {
    let dir = tempfile::tempdir().unwrap();
    let f = write(
        dir.path(),
        "incidents.csv",
        b"id,started_at,resolved_at\nINC-1,2024-05-01T10:00:00Z,2024-05-01T11:00:00Z\nINC-2,2024-05-02T10:00:00Z,2024-13-01\nINC-3,2024-05-03T10:00:00Z,\n",
    );
    let out = dorascope(&["check", s(&f)]);
    assert!(out.status.success(), "{}", stderr(&out));
    let text = stdout(&out);
    assert!(text.contains("canonical-incidents-csv"), "{text}");
    assert!(
        text.contains("3 read, 0 ignored (not relevant), 1 skipped (problems); 2 incidents, 1 still open"),
        "{text}"
    );
    assert!(
        text.contains("time range: 2024-05-01T10:00:00Z to 2024-05-03T10:00:00Z"),
        "{text}"
    );
    assert!(
        text.contains("incidents.csv:3: resolved_at: '2024-13-01' is not a date"),
        "{text}"
    );
}

#[test]
fn incidents_table_from_canonical_csv() {
    let dir = tempfile::tempdir().unwrap();
    let f = write(
        dir.path(),
        "incidents.csv",
        "\u{feff}id,created_at,resolved_at,severity,title\r\nINC-1,2024-05-01T10:00:00Z,2024-05-01T11:30:00Z,sev1,\"=cmd()\nsecond line\"\r\nINC-2,2024-05-02 10:00:00,,sev2,open one\r\n"
            .as_bytes(),
    );
    let out = dorascope(&["incidents", "--incidents", s(&f), "--timezone", "Europe/Berlin"]);
    assert!(out.status.success(), "{}", stderr(&out));
    let text = stdout(&out);
    let mut lines = text.lines();
    assert_eq!(
        lines.next().unwrap(),
        "id,source,started_at,resolved_at,restore_seconds,restore_hours,deployment,attribution,severity,service,title"
    );
    assert!(text.contains("INC-1,canonical-incidents-csv,2024-05-01T10:00:00Z,2024-05-01T11:30:00Z,5400,1.5,,,sev1,,\"'=cmd()\nsecond line\""), "{text}");
    // Naive time read in Berlin summer time (UTC+2); still open.
    assert!(
        text.contains("INC-2,canonical-incidents-csv,2024-05-02T08:00:00Z,,,,,,sev2,,open one"),
        "{text}"
    );
}

#[test]
fn naive_times_without_timezone_are_refused() {
    let dir = tempfile::tempdir().unwrap();
    let f = write(dir.path(), "i.csv", b"id,started_at\nA,2024-05-02 10:00:00\n");
    let out_file = dir.path().join("out.csv");
    assert_input_error(
        &["incidents", "--incidents", s(&f), "--strict", "-o", s(&out_file)],
        "i.csv:2: started_at: '2024-05-02 10:00:00' has no time zone; give --timezone",
        Some(&out_file),
    );
}

#[test]
fn broken_inputs_are_one_line_errors() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    let out_file = d.join("out.csv");
    let o = s(&out_file).to_owned();
    let cases: Vec<(PathBuf, &str, bool)> = vec![
        (write(d, "empty.json", b""), "the file is empty", false),
        (
            write(d, "binary.bin", b"\x00\x01\x02PK\x03\x04garbage"),
            "binary file",
            false,
        ),
        (
            write(
                d,
                "trunc.json",
                b"[{\"id\": \"1\", \"started_at\": \"2024-05-01T10:00:00Z\"}, {\"id\": ",
            ),
            "the JSON ends early",
            false,
        ),
        (
            write(d, "unknown.json", b"[{\"foo\": 1, \"bar\": 2}]"),
            "unknown export format (first record's fields: bar, foo)",
            false,
        ),
        (
            write(d, "unknown.csv", b"a,b\n1,2\n"),
            "unknown CSV format (header: a, b)",
            false,
        ),
        (
            write(
                d,
                "types.json",
                b"[{\"id\": {\"x\": 1}, \"started_at\": \"2024-05-01T10:00:00Z\"}]",
            ),
            "types.json: record 1: id: expected text or a number, found an object",
            true,
        ),
        (
            write(d, "range.csv", b"id,started_at\nA,1900-01-01T00:00:00Z\n"),
            "range.csv:2: started_at: '1900-01-01T00:00:00Z' is out of range",
            true,
        ),
        (
            write(
                d,
                "negative.csv",
                b"id,started_at,resolved_at\nA,2024-05-02T10:00:00Z,2024-05-01T10:00:00Z\n",
            ),
            "negative.csv:2: resolved_at: is before started_at (negative duration)",
            true,
        ),
    ];
    for (file, needle, strict_only) in cases {
        let mut args = vec!["incidents", "--incidents", s(&file), "-o", &o];
        if strict_only {
            // Lenient: the record is skipped and counted, the table is written.
            let out = dorascope(&args);
            assert!(out.status.success(), "{}: {}", file.display(), stderr(&out));
            assert!(stderr(&out).contains("skipped 1 bad records"), "{}", stderr(&out));
            std::fs::remove_file(&out_file).unwrap();
            args.push("--strict");
        }
        assert_input_error(&args, needle, Some(&out_file));
    }
}

#[test]
fn huge_field_is_read() {
    let dir = tempfile::tempdir().unwrap();
    let title = "x".repeat(8 << 20);
    let body =
        format!("[{{\"id\": \"A\", \"started_at\": \"2024-05-01T10:00:00Z\", \"title\": \"{title}\"}}]");
    let f = write(dir.path(), "huge.json", body.as_bytes());
    let out = dorascope(&["incidents", "--incidents", s(&f), "--format", "json"]);
    assert!(out.status.success(), "{}", stderr(&out));
    assert!(out.stdout.len() > 8 << 20);
}

#[test]
fn deployments_from_an_export_instead_of_tags() {
    let r = Repo::new();
    let c1 = r.commit("one", T0);
    let c2 = r.commit("two", T0 + HOUR);
    let c3 = r.commit("three", T0 + 2 * HOUR);
    r.annotated_tag("v3", &c3, T0 + 3 * HOUR);
    let dir = tempfile::tempdir().unwrap();
    let csv = format!(
        "id,sha,ref,environment,status,finished_at\n\
         d1,{c1},,production,success,2024-01-01T00:30:00Z\n\
         d2,{},,production,failed,2024-01-01T01:30:00Z\n\
         d3,,v3,Production,success,2024-01-01T04:00:00Z\n\
         s1,{c3},,staging,success,2024-01-01T03:30:00Z\n\
         d4,deadbeef,,production,success,2024-01-01T05:00:00Z\n\
         d1,{c1},,production,success,2024-01-01T00:30:00Z\n",
        &c2[..10]
    );
    let f = write(dir.path(), "deploys.csv", csv.as_bytes());
    let out = dorascope(&[
        "deployments",
        "--repo",
        r.path.to_str().unwrap(),
        "--deployments",
        s(&f),
    ]);
    assert!(out.status.success(), "{}", stderr(&out));
    let text = stdout(&out);
    let rows: Vec<&str> = text.lines().skip(1).collect();
    assert_eq!(rows.len(), 3, "{text}");
    assert!(
        rows[0].starts_with(&format!(
            "repo,d1,{c1},canonical-deployments-csv,production,2024-01-01T00:30:00Z,export,1,"
        )),
        "{text}"
    );
    assert!(
        rows[1].starts_with(&format!(
            "repo,d2,{c2},canonical-deployments-csv,production,2024-01-01T01:30:00Z,export,0,"
        )),
        "{text}"
    );
    assert!(
        rows[1].ends_with(",d1,false,true,reported failed,,,,true,production,false"),
        "a failed deployment ships nothing: {text}"
    );
    assert!(
        rows[2].starts_with(&format!(
            "repo,d3,{c3},canonical-deployments-csv,Production,2024-01-01T04:00:00Z,export,2,"
        )),
        "{text}"
    );
    assert!(
        rows[2].ends_with(",d1,false,false,,,,,true,production,false"),
        "{text}"
    );
    let err = stderr(&out);
    assert!(
        err.contains("deployment d4 (deadbeef)"),
        "unresolved sha reported: {err}"
    );
    assert!(err.contains("1 duplicate records"), "{err}");
}

fn merge_requests_with(commits_layout: &dyn Fn(&Path)) -> dorascope::exports::Exports {
    let dir = tempfile::tempdir().unwrap();
    let mrs = dir.path().join("merge_requests.json");
    std::fs::copy(example("gitlab-merge-requests.json"), &mrs).unwrap();
    commits_layout(dir.path());
    let files = dorascope::exports::ExportFiles {
        merge_requests: vec![mrs],
        merge_request_commits: std::fs::read_dir(dir.path())
            .unwrap()
            .map(|e| e.unwrap().path())
            .find(|p| p.file_name().is_some_and(|n| n == "keyed.json")),
        environments: vec!["production".into()],
        ..Default::default()
    };
    files.read().unwrap()
}

#[test]
fn merge_request_commits_beside_the_list_give_the_oldest_commit() {
    // The older of the two commits: 2025-09-02T10:19:54+03:00.
    let oldest = chrono::DateTime::parse_from_rfc3339("2025-09-02T07:19:54Z").unwrap();
    // One file per merge request, named by iid, in merge_request_commits/ beside the list.
    let e = merge_requests_with(&|d| {
        std::fs::create_dir(d.join("merge_request_commits")).unwrap();
        std::fs::copy(
            example("gitlab-merge-request-commits.json"),
            d.join("merge_request_commits/214.json"),
        )
        .unwrap();
    });
    assert_eq!(e.merge_requests.len(), 1);
    assert_eq!(e.merge_requests[0].first_commit_at, Some(oldest.into()));
    assert_eq!(e.mr_commits.len(), 2);
    assert!(
        e.mr_commits
            .iter()
            .all(|c| c.merge_request.as_deref() == Some("214"))
    );

    // One JSON object keyed by iid.
    let e = merge_requests_with(&|d| {
        let commits: serde_json::Value = serde_json::from_str(
            &std::fs::read_to_string(example("gitlab-merge-request-commits.json")).unwrap(),
        )
        .unwrap();
        std::fs::write(
            d.join("keyed.json"),
            serde_json::json!({ "214": commits, "215": [] }).to_string(),
        )
        .unwrap();
    });
    assert_eq!(e.merge_requests[0].first_commit_at, Some(oldest.into()));

    // No commits given: the merge request stays without a first commit time.
    let e = merge_requests_with(&|_| {});
    assert_eq!(e.merge_requests[0].first_commit_at, None);
    assert!(e.merge_requests[0].merged_at.is_some());
}

#[test]
fn incidents_since_and_until_select_by_start() {
    let dir = tempfile::tempdir().unwrap();
    let f = write(
        dir.path(),
        "i.csv",
        b"id,started_at,resolved_at\nA,2024-04-30T23:59:59Z,2024-05-01T01:00:00Z\nB,2024-05-01T00:00:00Z,\nC,2024-05-31T23:00:00Z,2024-06-01T01:00:00Z\nD,2024-06-01T00:00:00Z,\n",
    );
    let out = dorascope(&[
        "incidents",
        "--incidents",
        s(&f),
        "--since",
        "2024-05-01",
        "--until",
        "2024-05-31",
    ]);
    assert!(out.status.success(), "{}", stderr(&out));
    let ids: Vec<String> = stdout(&out)
        .lines()
        .skip(1)
        .map(|l| l.split(',').next().unwrap().to_owned())
        .collect();
    assert_eq!(ids, vec!["B", "C"], "--until as a date includes that whole day");
}

#[test]
fn deployments_from_exports_alone_without_a_repository() {
    let dir = tempfile::tempdir().unwrap();
    let f = write(
        dir.path(),
        "d.csv",
        b"id,sha,status,finished_at\nd1,abc1234,success,2024-05-01T10:00:00Z\nd2,def5678,failed,2024-05-02T10:00:00Z\nd3,abc1234,success,2024-05-03T10:00:00Z\n",
    );
    let run = |cmd: &str| {
        std::process::Command::new(env!("CARGO_BIN_EXE_dorascope"))
            .args([cmd, "--deployments", "d.csv"])
            .current_dir(dir.path())
            .output()
            .unwrap()
    };
    let out = run("deployments");
    assert!(out.status.success(), "{}", stderr(&out));
    assert!(stderr(&out).contains("no repository"), "{}", stderr(&out));
    let text = stdout(&out);
    let rows: Vec<&str> = text.lines().skip(1).collect();
    assert_eq!(
        rows,
        vec![
            ",d1,abc1234,canonical-deployments-csv,production,2024-05-01T10:00:00Z,export,,,,,,,false,false,,,,,true,production,false",
            ",d2,def5678,canonical-deployments-csv,production,2024-05-02T10:00:00Z,export,,,,,,d1,false,true,reported failed,,,,true,production,false",
            ",d3,abc1234,canonical-deployments-csv,production,2024-05-03T10:00:00Z,export,,,,,,d1,true,false,,,,,true,production,false",
        ],
        "changes unknown without a repository; d3 redeploys d1's commit"
    );
    let changes = run("changes");
    assert_eq!(changes.status.code(), Some(2), "{}", stderr(&changes));
    assert!(stderr(&changes).contains("needs a repository"));
    let _ = f;
}

/// Inputs that once crashed a fuzz target (tests/fuzz-regressions), fed to every importer the
/// way the fuzz targets do. They must give results or errors, never a panic.
#[test]
fn fuzz_regressions() {
    use clap::ValueEnum;
    use dorascope::import::{Format, ImportOptions, Zone, import_bytes};
    use dorascope::time::parse::parse_text;
    let dir = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/fuzz-regressions");
    let mut files = 0;
    for entry in std::fs::read_dir(dir).unwrap() {
        let data = std::fs::read(entry.unwrap().path()).unwrap();
        files += 1;
        if let Ok(text) = std::str::from_utf8(&data) {
            let _ = parse_text(text, Some(&Zone::parse("America/New_York").unwrap()));
        }
        let body = data.get(1..).unwrap_or_default();
        let forced = std::iter::once(None).chain(Format::value_variants().iter().copied().map(Some));
        for format in forced {
            for strict in [false, true] {
                let _ = import_bytes("regression", body, format, &ImportOptions { zone: None, strict });
            }
        }
    }
    assert!(files >= 2);
}
