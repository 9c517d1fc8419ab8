//! The bundled demo: it builds, it is deterministic, it has the scenarios it promises, and
//! its attribution agrees with git.

use crate::oracle::check_path_against_git;
use crate::util::{dorascope, stderr, stdout};

#[test]
fn demo_builds_the_promised_history() {
    let dir = tempfile::tempdir().unwrap();
    let out = dorascope(&["demo", dir.path().to_str().unwrap()]);
    assert!(out.status.success(), "{}", stderr(&out));
    assert!(stdout(&out).contains("rollback/redeploy"), "{}", stdout(&out));
    assert!(
        stderr(&out).contains("1 changes have a negative lead time"),
        "{}",
        stderr(&out)
    );

    let repo = dir.path().join("repo");
    let a = check_path_against_git(&repo);
    let dep = |n: &str| {
        a.deployments
            .iter()
            .find(|d| d.name == n)
            .unwrap_or_else(|| panic!("{n}"))
    };
    assert!(
        (40..=60).contains(&a.deployments.len()),
        "{} deployments",
        a.deployments.len()
    );
    assert!(
        (300..=500).contains(&a.changes.len()),
        "{} changes",
        a.changes.len()
    );
    assert!(dep("v1.20.1").rollback);
    assert_eq!(
        dep("v1.8.1").changes,
        Some(1),
        "the hotfix ships one change from its release branch"
    );
    assert_eq!(dep("v1.3.0").kind, dorascope::model::DeploymentKind::Lightweight);
    assert!(a.changes.iter().any(|c| c.is_merge));
    assert_eq!(a.changes.iter().filter(|c| c.deployment.is_none()).count(), 2);
    assert!(!a.deployments.iter().any(|d| d.name.starts_with("build-")));

    // Same commit ids in a second build: the demo is deterministic.
    let again = tempfile::tempdir().unwrap();
    assert!(
        dorascope(&["demo", again.path().to_str().unwrap()])
            .status
            .success()
    );
    let read = |d: &std::path::Path| std::fs::read_to_string(d.join("deployments.csv")).unwrap();
    assert_eq!(read(dir.path()), read(again.path()));
    // Its tables are what the table commands write for the same repository, lead-time
    // columns included.
    for table in ["changes", "deployments"] {
        let cmd = dorascope(&[table, "--repo", repo.to_str().unwrap()]);
        assert!(cmd.status.success(), "{}", stderr(&cmd));
        let written = std::fs::read_to_string(dir.path().join(format!("{table}.csv"))).unwrap();
        // `deployments` adds the failure columns (failure_reason, service), the path
        // columns (services, teams, meaningful) and the release-line columns (line,
        // maintenance) at the end.
        let expected: String = stdout(&cmd)
            .lines()
            .map(|l| match table {
                "deployments" => format!("{}\n", l.rsplitn(8, ',').nth(7).unwrap()),
                _ => format!("{l}\n"),
            })
            .collect();
        assert_eq!(written, expected, "{table}.csv");
    }
    assert!(read(dir.path()).contains(",6,521686,144.91,694955,193.04,v1.1.0,"));

    // A second demo into the same directory refuses instead of mixing histories.
    let twice = dorascope(&["demo", dir.path().to_str().unwrap()]);
    assert_eq!(twice.status.code(), Some(2), "{}", stderr(&twice));
}

#[test]
fn demo_sample_exports_match_the_demo_history() {
    let dir = tempfile::tempdir().unwrap();
    let out = dorascope(&["demo", dir.path().to_str().unwrap()]);
    assert!(out.status.success(), "{}", stderr(&out));
    let repo = dir.path().join("repo");
    let exports = dir.path().join("exports/deployments.csv");
    let out = dorascope(&[
        "deployments",
        "--repo",
        repo.to_str().unwrap(),
        "--deployments",
        exports.to_str().unwrap(),
        "--format",
        "json",
    ]);
    assert!(out.status.success(), "{}", stderr(&out));
    assert!(
        !stderr(&out).contains("warning: repo: deployment"),
        "every sample sha resolves: {}",
        stderr(&out)
    );
    let rows: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let rows = rows.as_array().unwrap();
    // One production deployment per release tag, plus one failed attempt; staging is left out.
    assert_eq!(rows.iter().filter(|r| r["failed"] == false).count(), 48);
    assert_eq!(rows.iter().filter(|r| r["failed"] == true).count(), 1);
    assert!(rows.iter().all(|r| r["environment"] == "production"));
    let incidents = std::fs::read_to_string(dir.path().join("incidents.csv")).unwrap();
    assert_eq!(incidents.lines().count(), 7, "{incidents}");
    assert!(
        incidents.contains("INC-101,canonical-incidents-csv,2024-07-15T16:27:24Z,2024-07-15T17:24:50Z,3446,")
    );
    assert!(
        incidents.contains("INC-131,canonical-incidents-csv,2025-01-30T01:23:54Z,,,"),
        "open incident stays open"
    );
}
