//! The command line: formats, ranges, exit codes and one-line errors.

use crate::util::{HOUR, Repo, T0, dorascope, stderr, stdout};

fn small_repo() -> Repo {
    let r = Repo::new();
    let c1 = r.commit("one", T0);
    r.annotated_tag("v1.0.0", &c1, T0 + HOUR);
    let c2 = r.commit("=cmd|' /C calc'!A0", T0 + 2 * HOUR);
    r.annotated_tag("v1.1.0", &c2, T0 + 3 * HOUR);
    let c3 = r.commit("three", T0 + 30 * 24 * HOUR);
    r.lightweight_tag("v1.2.0", &c3);
    r.lightweight_tag("build-7", &c3);
    r
}

fn repo_arg(r: &Repo) -> String {
    r.path.display().to_string()
}

/// A one-line message on stderr starting with `error:`, and the expected exit code.
fn assert_fails(args: &[&str], code: i32, needle: &str) {
    let out = dorascope(args);
    let err = stderr(&out);
    assert_eq!(out.status.code(), Some(code), "{args:?}: {err}");
    assert!(
        err.starts_with("error: ") && err.trim_end().lines().count() == 1,
        "{args:?}: {err:?}"
    );
    assert!(err.contains(needle), "{args:?}: {err:?} lacks {needle:?}");
    assert!(out.stdout.is_empty(), "no data on failure");
}

#[test]
fn deployments_csv_to_stdout() {
    let r = small_repo();
    let out = dorascope(&["deployments", "--repo", &repo_arg(&r)]);
    assert!(out.status.success(), "{}", stderr(&out));
    let text = stdout(&out);
    let mut lines = text.lines();
    assert_eq!(
        lines.next().unwrap(),
        "repo,deployment,sha,source,environment,deployed_at,kind,changes,lead_time_median_seconds,\
         lead_time_median_hours,lead_time_max_seconds,lead_time_max_hours,previous_deployment,rollback,failed,\
         failure_reason,service,services,teams,meaningful,line,maintenance"
    );
    let v11 = lines.find(|l| l.contains(",v1.1.0,")).unwrap();
    assert!(
        v11.contains(",2024-01-01T03:00:00Z,annotated,1,3600,1,3600,1,v1.0.0,false,"),
        "{v11}"
    );
    assert!(!text.contains("build-7"));
}

#[test]
fn changes_csv_neutralizes_nothing_it_does_not_write_and_formats_times() {
    let r = small_repo();
    let out = dorascope(&["changes", "--repo", &repo_arg(&r), "--include-backlog"]);
    assert!(out.status.success(), "{}", stderr(&out));
    let text = stdout(&out);
    assert_eq!(text.lines().count(), 4, "{text}");
    assert!(text.lines().nth(1).unwrap().contains("2024-01-01T00:00:00Z"));
    assert!(
        text.contains(",v1.0.0,2024-01-01T01:00:00Z,3600,1,true"),
        "{text}"
    );
}

#[test]
fn json_and_parquet_outputs() {
    let r = small_repo();
    let dir = tempfile::tempdir().unwrap();
    let json = dir.path().join("d.json");
    let out = dorascope(&[
        "deployments",
        "--repo",
        &repo_arg(&r),
        "--format",
        "json",
        "-o",
        json.to_str().unwrap(),
    ]);
    assert!(out.status.success(), "{}", stderr(&out));
    assert!(out.stdout.is_empty());
    let v: serde_json::Value = serde_json::from_slice(&std::fs::read(&json).unwrap()).unwrap();
    assert_eq!(v.as_array().unwrap().len(), 3);
    assert_eq!(v[1]["deployment"], "v1.1.0");
    assert_eq!(v[1]["lead_time_median_seconds"], 3600);
    assert_eq!(v[1]["rollback"], false);
    assert!(v[1]["failed"].is_null());
    assert_eq!(v[2]["kind"], "lightweight");

    let pq = dir.path().join("c.parquet");
    let out = dorascope(&[
        "changes",
        "--repo",
        &repo_arg(&r),
        "--format",
        "parquet",
        "-o",
        pq.to_str().unwrap(),
    ]);
    assert!(out.status.success(), "{}", stderr(&out));
    let bytes = std::fs::read(&pq).unwrap();
    assert_eq!(&bytes[..4], b"PAR1");
    assert_eq!(&bytes[bytes.len() - 4..], b"PAR1");
    // No temporary files are left beside the output.
    let names: Vec<_> = std::fs::read_dir(dir.path())
        .unwrap()
        .map(|e| e.unwrap().file_name())
        .collect();
    assert_eq!(names.len(), 2, "{names:?}");
}

#[test]
fn since_and_until_limit_reported_deployments() {
    let r = small_repo();
    let out = dorascope(&[
        "deployments",
        "--repo",
        &repo_arg(&r),
        "--since",
        "2024-01-01T02:00:00Z",
        "--until",
        "2024-01-15",
    ]);
    assert!(out.status.success(), "{}", stderr(&out));
    let text = stdout(&out);
    assert_eq!(text.lines().count(), 2, "{text}");
    // Attribution still sees v1.0.0: v1.1.0 ships one change and names its predecessor.
    assert!(text.contains(",v1.1.0,") && text.contains(",1,v1.0.0,"), "{text}");
}

#[test]
fn exclude_tags() {
    let r = small_repo();
    let out = dorascope(&["deployments", "--repo", &repo_arg(&r), "--exclude-tags", "v1.2*"]);
    assert!(out.status.success());
    assert!(!stdout(&out).contains("v1.2.0"));
}

#[test]
fn several_repositories_carry_their_label() {
    let (a, b) = (small_repo(), small_repo());
    let dir = tempfile::tempdir().unwrap();
    let other = dir.path().join("other");
    std::fs::rename(&b.path, &other).unwrap();
    let out = dorascope(&[
        "deployments",
        "--repo",
        &repo_arg(&a),
        "--repo",
        other.to_str().unwrap(),
    ]);
    assert!(out.status.success(), "{}", stderr(&out));
    let text = stdout(&out);
    assert_eq!(
        text.lines().filter(|l| l.starts_with("repo,v")).count(),
        3,
        "{text}"
    );
    assert_eq!(
        text.lines().filter(|l| l.starts_with("other,")).count(),
        3,
        "{text}"
    );
}

#[test]
fn errors_are_one_line_with_exit_codes() {
    let r = small_repo();
    let repo = repo_arg(&r);
    let tmp = tempfile::tempdir().unwrap();
    let plain = tmp.path().to_str().unwrap();
    assert_fails(&["deployments", "--repo", plain], 3, "not a git repository");
    assert_fails(&["deployments", "--repo", "/no/such/dir"], 3, "no such directory");
    assert_fails(
        &["deployments", "--repo", &repo, "--deploy-tags", "v[1"],
        2,
        "invalid tag glob 'v[1'",
    );
    assert_fails(
        &["deployments", "--repo", &repo, "--deploy-tags", "release-*"],
        3,
        "no tag matches --deploy-tags 'release-*'",
    );
    assert_fails(
        &["deployments", "--repo", &repo, "--since", "2024-13-01"],
        2,
        "--since: '2024-13-01' is not a date",
    );
    assert_fails(
        &["deployments", "--repo", &repo, "-o", "/no/such/dir/out.csv"],
        4,
        "does not exist",
    );
    let empty = Repo::new();
    assert_fails(&["changes", "--repo", &repo_arg(&empty)], 3, "has no commits");
    let usage = dorascope(&["deployments", "--format", "xml"]);
    assert_eq!(usage.status.code(), Some(2));
}

#[test]
fn output_to_a_device_writes_in_place() {
    // Renaming a temporary file over /dev/null would replace the device with a regular file.
    let r = small_repo();
    let out = dorascope(&["deployments", "--repo", &repo_arg(&r), "-o", "/dev/null"]);
    assert!(out.status.success(), "{}", stderr(&out));
    let meta = std::fs::metadata("/dev/null").unwrap();
    assert!(!meta.is_file(), "/dev/null is still a device");
    assert_eq!(std::fs::read("/dev/null").unwrap().len(), 0);
}

#[test]
fn benchmarks_lists_profiles_with_sources() {
    let out = dorascope(&["benchmarks"]);
    assert!(out.status.success(), "{}", stderr(&out));
    let text = stdout(&out);
    assert!(text.starts_with("four-tier"), "{text}");
    assert!(text.contains("  source: "), "{text}");
    assert!(
        text.contains("change_failure_rate: elite <= 0.15, high <= 0.3, medium <= 0.45, else low"),
        "{text}"
    );
    assert!(
        text.contains("lead_time_seconds: elite < 3600, high < 86400, medium < 604800, else low"),
        "{text}"
    );
}
