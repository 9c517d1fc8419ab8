//! The tables `dorascope benchmarks` lists, and the report options that use them: the DORA
//! Quick Check's industry and organization-size baselines per edition (`--industry
//! NAME@EDITION`, `--org-size`) and the source article's industry shares (`--industry-shares`).
//!
//! The workspace: seven deployments, one a day at 10:00 from 2024-01-01, no incidents, no
//! repository: 1.0 deployment a day, exactly the four-tier elite threshold (≥ 1 a day), and the
//! Quick Check answer "between once per hour and once per day" (5 of 6, score 8).

use std::path::Path;
use std::process::{Command, Output};

use serde_json::Value;

use crate::util::{dorascope, stderr, stdout};

fn workspace() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    let mut deployments = String::from("id,sha,environment,status,finished_at\n");
    for day in 1..=7 {
        deployments.push_str(&format!(
            "d{day},{:040x},production,success,2024-01-{day:02}T10:00:00Z\n",
            day
        ));
    }
    std::fs::write(dir.path().join("deployments.csv"), deployments).unwrap();
    dir
}

fn run_in(dir: &Path, extra: &[&str]) -> Output {
    let mut args = vec![
        "report",
        "--deployments",
        "deployments.csv",
        "--since",
        "2024-01-01",
        "--until",
        "2024-01-07",
        "--baseline",
        "none",
    ];
    args.extend_from_slice(extra);
    Command::new(env!("CARGO_BIN_EXE_dorascope"))
        .current_dir(dir)
        .args(&args)
        .output()
        .expect("run dorascope")
}

fn summary(dir: &Path, extra: &[&str]) -> Value {
    let mut args = extra.to_vec();
    args.push("--json");
    let out = run_in(dir, &args);
    assert!(out.status.success(), "{}", stderr(&out));
    serde_json::from_slice(&out.stdout).unwrap()
}

fn metrics(standing: &Value) -> Vec<&str> {
    standing["standings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| s["metric"].as_str().unwrap())
        .collect()
}

#[test]
fn benchmarks_lists_every_table_with_its_source_and_what_it_can_say() {
    let out = dorascope(&["benchmarks"]);
    assert!(out.status.success(), "{}", stderr(&out));
    let text = stdout(&out);
    for (table, source) in [
        ("four-tier", "dorascope's default"),
        (
            "quick-check-2024",
            "svelte/quick-check/src/lib/data/industry_metrics.json at commit 6641837da6f8660c86c512a57da5492b880033bd",
        ),
        (
            "quick-check-2025",
            "svelte/quick-check/src/lib/data/editions/2025/industry_metrics.json at commit \
             fcaf07b49791e8a16e39b85dbf92610520bf80b6",
        ),
        (
            "quick-check-2024-organization-size",
            "svelte/quick-check/src/lib/data/editions/2024/organization_size_metrics.json at commit \
             fcaf07b49791e8a16e39b85dbf92610520bf80b6",
        ),
        (
            "quick-check-2025-organization-size",
            "svelte/quick-check/src/lib/data/editions/2025/organization_size_metrics.json at commit \
             fcaf07b49791e8a16e39b85dbf92610520bf80b6",
        ),
        ("article-2026-industry-shares", "Not traceable to a DORA report"),
    ] {
        let block = text
            .split("\n\n")
            .find(|b| b.starts_with(&format!("{table} — ")))
            .unwrap_or_else(|| panic!("{table} not listed:\n{text}"));
        let source_line = block.lines().find(|l| l.starts_with("  source: ")).unwrap();
        assert!(source_line.contains(source), "{table}: {source_line}");
        assert!(
            block.contains("\n  can say: ") && block.contains("\n  cannot say: "),
            "{block}"
        );
    }
    assert!(text.contains(
        "--industry NAME[@EDITION], or --org-size SIZE[@EDITION]; editions 2024, 2025, default 2024"
    ));
    assert!(text.contains("  government                   Government/Public Sector       elite 7%, high 19%, medium 47%, low 27%"));
}

#[test]
fn industry_without_an_edition_is_2024_as_before() {
    let dir = workspace();
    let s = summary(dir.path(), &["--industry", "technology"]);
    let ind = &s["industry"];
    assert!(
        ind.get("table").is_none() && ind.get("withheld").is_none(),
        "{ind}"
    );
    assert!(
        ind["source"]
            .as_str()
            .unwrap()
            .contains("6641837da6f8660c86c512a57da5492b880033bd")
    );
    let df = &ind["standings"][0];
    assert_eq!(df["metric"], "deployfreq");
    assert_eq!(
        (df["score"].as_f64(), df["industry_mean"].as_f64()),
        (Some(8.0), Some(5.5))
    );
    assert_eq!(
        s["industry"],
        summary(dir.path(), &["--industry", "technology@2024"])["industry"]
    );
    assert!(s.get("industry_shares").is_none());
}

#[test]
fn industry_at_2025_places_its_metrics_and_says_why_there_is_no_overall() {
    let dir = workspace();
    let s = summary(dir.path(), &["--industry", "Technology@2025"]);
    let ind = &s["industry"];
    assert_eq!(ind["table"], "quick-check-2025");
    assert!(
        ind["source"]
            .as_str()
            .unwrap()
            .contains("editions/2025/industry_metrics.json")
    );
    assert!(!metrics(ind).contains(&"performance_average"), "{ind}");
    assert_eq!(ind["standings"][0]["industry_mean"].as_f64(), Some(4.9));
    assert!(
        ind["withheld"]["performance_average"]
            .as_str()
            .unwrap()
            .contains("4.36")
    );
}

#[test]
fn org_size_is_a_baseline_of_its_own_and_withholds_what_its_file_cannot_back() {
    let dir = workspace();
    let s = summary(dir.path(), &["--org-size", "20-99@2025"]);
    let ind = &s["industry"];
    assert_eq!(
        (&ind["industry"], &ind["name"], &ind["table"]),
        (
            &Value::from("fewer_than_100"),
            &Value::from("20 to 99 employees"),
            &Value::from("quick-check-2025-organization-size")
        )
    );
    assert_eq!(ind["standings"][0]["industry_mean"].as_f64(), Some(4.4));
    assert!(!metrics(ind).contains(&"failurerecovery"));
    assert!(
        ind["withheld"]["failurerecovery"]
            .as_str()
            .unwrap()
            .contains("mirrored")
    );

    let out_dir = dir.path().join("out");
    let out = run_in(
        dir.path(),
        &["--org-size", "10000+", "--out", out_dir.to_str().unwrap()],
    );
    assert!(out.status.success(), "{}", stderr(&out));
    let text = stdout(&out);
    assert!(
        text.contains("\norganization size: 10000 or more employees (DORA Quick Check 2024, scores 0-10)\n"),
        "{text}"
    );
    let html = std::fs::read_to_string(out_dir.join("report.html")).unwrap();
    assert!(html.contains("10000 or more employees: scores 0–10 (DORA Quick Check 2024), the team's score"));
    assert!(html.contains("against the organization size's mean"));

    let both = run_in(dir.path(), &["--industry", "technology", "--org-size", "20-99"]);
    assert_eq!(both.status.code(), Some(2), "{}", stderr(&both));
}

#[test]
fn industry_shares_place_the_categories_beside_their_source() {
    let dir = workspace();
    let s = summary(dir.path(), &["--industry-shares", "technology"]);
    let sh = &s["industry_shares"];
    assert_eq!(sh["table"], "article-2026-industry-shares");
    assert_eq!(sh["industry"], "software-technology");
    assert_eq!(sh["shares"], serde_json::json!([21, 34, 32, 13]));
    // 1.0 a day is exactly the elite threshold: elite, 21% of the row, none better.
    assert_eq!(
        sh["places"],
        serde_json::json!([{"metric": "deployment_frequency", "category": "elite", "share": 21, "better": 0, "worse": 79}])
    );
    assert!(
        sh["source"]
            .as_str()
            .unwrap()
            .contains("Not traceable to a DORA report")
    );
    assert!(s["industry"].is_null());

    let out_dir = dir.path().join("out");
    let out = run_in(
        dir.path(),
        &[
            "--industry-shares",
            "Government/Public Sector",
            "--out",
            out_dir.to_str().unwrap(),
        ],
    );
    assert!(out.status.success(), "{}", stderr(&out));
    let text = stdout(&out);
    assert!(
        text.contains(
            "\nindustry shares: Government/Public Sector (elite 7%, high 19%, medium 47%, low 27% of teams)\n  \
             deployment_frequency elite     7% of its teams, 0% in better categories, 93% in worse\n  \
             source (article-2026-industry-shares): The article \"DORA Metrics for DevOps Teams"
        ),
        "{text}"
    );
    let html = std::fs::read_to_string(out_dir.join("report.html")).unwrap();
    assert!(html.contains("<h3>Industry shares: Government/Public Sector</h3>"));
    assert!(
        html.contains(
            "<tr><td>deployment_frequency</td><td>elite</td><td>7%</td><td>0%</td><td>93%</td></tr>"
        )
    );
    assert!(html.contains("Not traceable to a DORA report"));
    assert!(!html.contains("No industry given"));
}

#[test]
fn unknown_names_and_editions_say_what_exists() {
    let dir = workspace();
    for (args, want) in [
        (
            &["--industry", "shipping@2025"][..],
            "--industry: no industry 'shipping' in the 2025 edition (available: all, consumer,",
        ),
        (
            &["--industry", "technology@2023"],
            "--industry: no edition '2023' (editions: 2024, 2025; default 2024)",
        ),
        (
            &["--org-size", "10-19@2025"],
            "--org-size: no organization size '10-19' in the 2025 edition (available: all, 1, 2-9, 20-99,",
        ),
        (
            &["--industry-shares", "mining"],
            "--industry-shares: no industry 'mining' in article-2026-industry-shares (available: \
             software-technology, financial-services, retail-e-commerce, manufacturing, healthcare, government)",
        ),
    ] {
        let out = run_in(dir.path(), args);
        assert_eq!(out.status.code(), Some(2), "{args:?}");
        assert!(stderr(&out).contains(want), "{args:?}: {}", stderr(&out));
    }
}
