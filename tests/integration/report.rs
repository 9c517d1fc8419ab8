//! `dorascope report` on small exports whose every number is computed by hand below.
//!
//! Times are hours after T0 = 2024-01-01T00:00:00Z (a Monday). Deployments:
//! d1 10h, d2 30h, d3 30h (same second as d2), d4 100h (the tool reported it failed),
//! d5 200h, d6 400h (redeploys d1's commit: a rollback). Incidents:
//! i0 5h–6h (before the first deployment), i1 31h–33h (links d2), i2 32h–36h,
//! i3 248h–258h (exactly 48h after d5), i4 401h, still open.

use std::path::Path;
use std::process::Command;

use serde_json::Value;

use crate::util::{HOUR, T0, run_in, stderr};

fn at(hours: i64) -> String {
    chrono::DateTime::from_timestamp(T0 + hours * HOUR, 0)
        .unwrap()
        .to_rfc3339_opts(chrono::SecondsFormat::Secs, true)
}

fn workspace() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    let sha = |c: char| c.to_string().repeat(40);
    let mut deployments = String::from("id,sha,environment,status,finished_at\n");
    for (id, c, h, status) in [
        ("d1", 'a', 10, "success"),
        ("d2", 'b', 30, "success"),
        ("d3", 'c', 30, "success"),
        ("d4", 'd', 100, "failed"),
        ("d5", 'e', 200, "success"),
        ("d6", 'a', 400, "success"),
    ] {
        deployments.push_str(&format!("{id},{},production,{status},{}\n", sha(c), at(h)));
    }
    let mut incidents = String::from("id,started_at,resolved_at,deployment\n");
    for (id, start, end, link) in [
        ("i0", 5, Some(6), ""),
        ("i1", 31, Some(33), "d2"),
        ("i2", 32, Some(36), ""),
        ("i3", 248, Some(258), ""),
        ("i4", 401, None, ""),
    ] {
        let end = end.map(at).unwrap_or_default();
        incidents.push_str(&format!("{id},{},{end},{link}\n", at(start)));
    }
    std::fs::write(dir.path().join("deployments.csv"), deployments).unwrap();
    std::fs::write(dir.path().join("incidents.csv"), incidents).unwrap();
    dir
}

fn report(dir: &Path, extra: &[&str]) -> Value {
    let mut args = vec![
        "report",
        "--deployments",
        "deployments.csv",
        "--incidents",
        "incidents.csv",
        "--since",
        "2024-01-01",
        "--until",
        "2024-01-21",
        "--period",
        "week",
        "--json",
    ];
    args.extend_from_slice(extra);
    let out = run_in(dir, &args);
    assert!(out.status.success(), "{}", stderr(&out));
    serde_json::from_slice(&out.stdout).unwrap()
}

fn row<'a>(rows: &'a Value, period: &str, metric: &str) -> &'a Value {
    rows.as_array()
        .unwrap()
        .iter()
        .find(|r| r["period"] == period && r["metric"] == metric)
        .unwrap_or_else(|| panic!("no row {period} {metric}"))
}

fn close(v: &Value, want: f64) -> bool {
    v.as_f64().is_some_and(|x| (x - want).abs() < 1e-9)
}

#[test]
fn every_metric_by_hand() {
    let dir = workspace();
    let s = report(dir.path(), &["--baseline", "none"]);
    let all = &s["overall"];
    // 5 successful deployments over 21 days; the failed run d4 is not a deployment.
    let df = row(all, "all", "deployment_frequency");
    assert!(close(&df["value"], 5.0 / 21.0), "{df}");
    assert_eq!(df["category"], "high");
    assert_eq!(df["survey_answer"], "Between once per day and once per week");
    // Deployment days: Jan 1, 2, 9, 17 over three weeks.
    assert!(close(
        &row(all, "all", "deployment_days_per_week")["value"],
        4.0 / 3.0
    ));
    // window: i1 and i2 both land on d3 (d2 and d3 share the second; the later name is the
    // latest), i3 exactly 48h after d5 is inside the window, i4 on d6; i0 precedes everything.
    let cfr = row(all, "all", "change_failure_rate");
    assert_eq!(
        (cfr["numerator"].as_u64(), cfr["denominator"].as_u64()),
        (Some(3), Some(5))
    );
    assert!(close(&cfr["value"], 0.6));
    assert_eq!(cfr["category"], "low");
    // Restore: the resolved incidents 1h, 2h, 4h, 10h: median 3h; four values warn.
    let ttr = row(all, "all", "time_to_restore");
    assert!(close(&ttr["value"], 3.0 * 3600.0), "{ttr}");
    assert_eq!(ttr["sample_size"], 4);
    assert!(ttr["warning"].as_str().unwrap().contains("small sample"));
    assert!(close(&ttr["mean"], 4.25 * 3600.0));
    // Rework: d1, d2, d3 come within 48h of i0's resolution; d5 and d6 are planned.
    let rework = row(all, "all", "deployment_rework_rate");
    assert_eq!(rework["numerator"], 3);
    assert!(close(&rework["value"], 0.6));
    // Every method side by side.
    let by: Vec<(String, u64, u64)> = s["failure_methods"]
        .as_array()
        .unwrap()
        .iter()
        .map(|m| {
            (
                m["method"].as_str().unwrap().to_owned(),
                m["failed"].as_u64().unwrap(),
                m["deployments"].as_u64().unwrap(),
            )
        })
        .collect();
    let want = [
        ("window", 3, 5),
        ("any-in-window", 5, 5), // i1 and i2 reach back to d1; i3 to d5; i4 to d6
        ("linked", 1, 5),        // only i1 names its deployment
        ("rollback", 1, 5),      // d6 redeploys d1's commit: d5 is rolled back
        ("status", 1, 6),        // d4, out of every run
    ];
    let want: Vec<(String, u64, u64)> = want.iter().map(|(m, f, d)| (m.to_string(), *f, *d)).collect();
    assert_eq!(by, want);
    let q = &s["data_quality"];
    assert_eq!(
        (q["deployments"].as_u64(), q["failed_runs"].as_u64()),
        (Some(5), Some(1))
    );
    assert_eq!(
        (q["incidents"].as_u64(), q["open_incidents"].as_u64()),
        (Some(5), Some(1))
    );
    assert_eq!(
        q["unattributed_incidents"][0][0],
        "none: before the first deployment"
    );
    assert!(
        s["unavailable"][0]
            .as_str()
            .unwrap()
            .starts_with("lead_time: needs a repository")
    );
    assert!(
        all.as_array()
            .unwrap()
            .iter()
            .find(|r| r["metric"] == "lead_time")
            .unwrap()["value"]
            .is_null()
    );

    // Per week.
    let p = &s["periods"];
    assert!(close(
        &row(p, "2024-W01", "deployment_frequency")["value"],
        3.0 / 7.0
    ));
    assert_eq!(row(p, "2024-W01", "change_failure_rate")["numerator"], 1);
    assert_eq!(row(p, "2024-W01", "change_failure_rate")["denominator"], 3);
    assert!(close(
        &row(p, "2024-W01", "time_to_restore")["value"],
        2.0 * 3600.0
    ));
    // A period with one sample: a value, a warning, no interval.
    let one = row(p, "2024-W02", "time_to_restore");
    assert!(close(&one["value"], 10.0 * 3600.0));
    assert_eq!(one["sample_size"], 1);
    assert!(one["interval_low"].is_null() && one["warning"].is_string());
    // A week without a resolved incident has no restore time, not a zero.
    assert!(row(p, "2024-W03", "time_to_restore")["value"].is_null());
    assert_eq!(row(p, "2024-W03", "change_failure_rate")["numerator"], 1);
}

#[test]
fn methods_and_baselines() {
    let dir = workspace();
    let s = report(
        dir.path(),
        &["--failure-method", "any-in-window", "--baseline", "first:7d"],
    );
    let cfr = row(&s["overall"], "all", "change_failure_rate");
    assert_eq!(
        (cfr["numerator"].as_u64(), cfr["denominator"].as_u64()),
        (Some(5), Some(5))
    );
    // The baseline is the first 7 days from the first event (i0 at 5h): d1, d2, d3 at 3/7 a day;
    // the whole range has 5/21: fewer, so worse, but not beyond noise with so few.
    let df = row(&s["overall"], "all", "deployment_frequency");
    assert!(close(&df["baseline_value"], 3.0 / 7.0), "{df}");
    assert_eq!(df["direction"], "worse");
    assert_eq!(df["significant"], false);
    assert_eq!(s["baseline"][0], "2024-01-01T05:00:00Z");

    // Failed deployment recovery time: d3 recovers when i2 (the later of its incidents)
    // resolves at 36h; d5 at 258h; d6's incident is open.
    let s = report(
        dir.path(),
        &["--restore-time", "deployment", "--baseline", "none"],
    );
    let ttr = row(&s["overall"], "all", "time_to_restore");
    assert!(close(&ttr["value"], ((6 + 58) as f64 / 2.0) * 3600.0), "{ttr}");
    assert_eq!(s["data_quality"]["unrecovered_deployments"], 1);

    // The period before the range holds no event: nothing is compared, and the report says so.
    let s = report(dir.path(), &["--baseline", "previous"]);
    assert!(row(&s["overall"], "all", "deployment_frequency")["baseline_value"].is_null());
    assert!(
        s["unavailable"]
            .to_string()
            .contains("baseline: no deployments or incidents")
    );
    // Without --since the range starts with the data: the report says what to do instead.
    let o = run_in(
        dir.path(),
        &[
            "report",
            "--deployments",
            "deployments.csv",
            "--json",
            "--out",
            "no-since",
        ],
    );
    let whole: Value = serde_json::from_slice(&o.stdout).unwrap();
    assert!(
        whole["unavailable"].to_string().contains("give --since"),
        "{}",
        whole["unavailable"]
    );
    // Per week, `previous` compares with the week before.
    let w2 = row(&s["periods"], "2024-W02", "deployment_frequency");
    assert!(close(&w2["baseline_value"], 3.0 / 7.0));
    assert_eq!(w2["direction"], "worse");
}

#[test]
fn incidents_table_names_the_deployment_and_why() {
    let dir = workspace();
    let out = run_in(
        dir.path(),
        &[
            "incidents",
            "--deployments",
            "deployments.csv",
            "--incidents",
            "incidents.csv",
        ],
    );
    assert!(out.status.success(), "{}", stderr(&out));
    let text = String::from_utf8(out.stdout).unwrap();
    let line = |id: &str| {
        text.lines()
            .find(|l| l.starts_with(&format!("{id},")))
            .unwrap()
            .to_owned()
    };
    assert!(
        line("i0").contains(",,none: before the first deployment,"),
        "{text}"
    );
    assert!(line("i1").contains(",d3,window,"), "{text}");
    assert!(line("i3").contains(",d5,window,"), "{text}");
    let out = run_in(
        dir.path(),
        &[
            "incidents",
            "--deployments",
            "deployments.csv",
            "--incidents",
            "incidents.csv",
            "--failure-method",
            "linked",
        ],
    );
    let text = String::from_utf8(out.stdout).unwrap();
    assert!(
        text.lines()
            .any(|l| l.starts_with("i1,") && l.contains(",d2,linked,")),
        "{text}"
    );
    assert!(text.contains("none: the export names no deployment"));
}

#[test]
fn calendar_weeks_follow_the_time_zone_across_daylight_saving() {
    let dir = tempfile::tempdir().unwrap();
    // Berlin moves to summer time on 2024-03-31. 21:30Z is Sunday 23:30 local (week 13),
    // 22:30Z is Monday 00:30 local (week 14).
    std::fs::write(
        dir.path().join("deployments.csv"),
        "id,sha,environment,status,finished_at\n\
         a,aaaaaaa,production,success,2024-03-31T21:30:00Z\n\
         b,bbbbbbb,production,success,2024-03-31T22:30:00Z\n",
    )
    .unwrap();
    let out = run_in(
        dir.path(),
        &[
            "report",
            "--deployments",
            "deployments.csv",
            "--since",
            "2024-03-25T00:00:00+01:00",
            "--until",
            "2024-04-08T00:00:00+02:00",
            "--period",
            "week",
            "--timezone",
            "Europe/Berlin",
            "--json",
        ],
    );
    assert!(out.status.success(), "{}", stderr(&out));
    let s: Value = serde_json::from_slice(&out.stdout).unwrap();
    let w13 = row(&s["periods"], "2024-W13", "deployment_frequency");
    let w14 = row(&s["periods"], "2024-W14", "deployment_frequency");
    assert_eq!(
        (w13["sample_size"].as_u64(), w14["sample_size"].as_u64()),
        (Some(1), Some(1))
    );
    // The week with the change is an hour short: 6 days 23 hours.
    assert_eq!(w13["end"], "2024-03-31T22:00:00Z");
    assert!(close(&w13["value"], 1.0 / (7.0 - 1.0 / 24.0)));
}

#[test]
fn bad_report_options_are_usage_errors() {
    let dir = workspace();
    for (flag, value, says) in [
        ("--period", "fortnight", "--period:"),
        ("--baseline", "last-year", "--baseline:"),
        ("--benchmark", "dora-2024", "not shipped"),
        ("--industry", "shipping", "available:"),
        ("--failure-window", "2 days", "--failure-window:"),
    ] {
        let out = run_in(
            dir.path(),
            &["report", "--deployments", "deployments.csv", flag, value],
        );
        assert_eq!(out.status.code(), Some(2), "{flag} {value}");
        assert!(stderr(&out).contains(says), "{flag}: {}", stderr(&out));
    }
    // Nothing was written for a failed run.
    assert!(!dir.path().join("dorascope-report").exists());
}

/// Deployments and incidents that name their service are matched service by service.
#[test]
fn incidents_are_attributed_within_their_service() {
    let dir = tempfile::tempdir().unwrap();
    let sha = |c: char| c.to_string().repeat(40);
    std::fs::write(
        dir.path().join("deployments.csv"),
        format!(
            "id,sha,environment,status,finished_at,service\n\
             pay-1,{},production,success,{},payments\n\
             search-1,{},production,success,{},search\n",
            sha('a'),
            at(10),
            sha('b'),
            at(11)
        ),
    )
    .unwrap();
    std::fs::write(
        dir.path().join("incidents.csv"),
        format!(
            "id,started_at,resolved_at,service\ni1,{},{},Payments\ni2,{},{},\n",
            at(12),
            at(13),
            at(12),
            at(13)
        ),
    )
    .unwrap();
    let out = run_in(
        dir.path(),
        &[
            "incidents",
            "--deployments",
            "deployments.csv",
            "--incidents",
            "incidents.csv",
        ],
    );
    assert!(out.status.success(), "{}", stderr(&out));
    let text = String::from_utf8_lossy(&out.stdout).into_owned();
    let rows: Vec<&str> = text.lines().skip(1).collect();
    // i1 names payments: pay-1, although search-1 is later; i2 names none: the latest.
    assert!(
        rows[0].starts_with("i1,") && rows[0].contains(",pay-1,window,"),
        "{text}"
    );
    assert!(
        rows[1].starts_with("i2,") && rows[1].contains(",search-1,window,"),
        "{text}"
    );
    let out = run_in(
        dir.path(),
        &[
            "deployments",
            "--deployments",
            "deployments.csv",
            "--incidents",
            "incidents.csv",
        ],
    );
    let text = String::from_utf8_lossy(&out.stdout).into_owned();
    assert!(
        text.lines()
            .nth(1)
            .unwrap()
            .ends_with(",true,incident i1,payments,payments,,true,payments/production,false"),
        "{text}"
    );
    assert!(
        text.lines()
            .nth(2)
            .unwrap()
            .ends_with(",true,incident i2,search,search,,true,search/production,false"),
        "{text}"
    );
}

/// A report that cannot be written completely changes nothing: the previous files stay, and
/// no temporary file is left behind.
#[test]
fn a_report_that_fails_to_write_leaves_the_previous_one() {
    let dir = workspace();
    let out = dir.path().join("out");
    std::fs::create_dir_all(out.join("deployments.csv")).unwrap();
    std::fs::write(out.join("summary.json"), "previous\n").unwrap();
    let o = run_in(
        dir.path(),
        &[
            "report",
            "--deployments",
            "deployments.csv",
            "--incidents",
            "incidents.csv",
            "--out",
            "out",
        ],
    );
    assert_eq!(o.status.code(), Some(4), "{}", stderr(&o));
    assert!(stderr(&o).contains("deployments.csv"), "{}", stderr(&o));
    assert_eq!(
        std::fs::read_to_string(out.join("summary.json")).unwrap(),
        "previous\n"
    );
    let mut left: Vec<String> = std::fs::read_dir(&out)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    left.sort();
    assert_eq!(left, ["deployments.csv", "summary.json"]);
}

/// Text from inputs reaches people as text: a commit subject or an incident title that looks
/// like markup stays escaped in report.html, and one that looks like a formula is defused in
/// CSV; --generated-at is the only time written, and --color always colours categories.
#[test]
fn hostile_text_stays_text_in_html_and_csv() {
    let repo = crate::util::Repo::new();
    let c0 = repo.commit("initial", T0);
    repo.annotated_tag("v1", &c0, T0 + HOUR);
    repo.commit("<script>alert('subject')</script> & \"quotes\"", T0 + 2 * HOUR);
    let c2 = repo.commit("=HYPERLINK(\"http://evil\")", T0 + 3 * HOUR);
    repo.annotated_tag("v2", &c2, T0 + 10 * HOUR);
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(
        dir.path().join("incidents.csv"),
        format!(
            "id,started_at,resolved_at,title\ni1,{},{},\"<img src=x onerror=alert(1)>\"\ni2,{},{},=cmd|' /C calc'!A0\n",
            at(11),
            at(12),
            at(13),
            at(14)
        ),
    )
    .unwrap();
    let out = dir.path().join("out");
    let o = Command::new(env!("CARGO_BIN_EXE_dorascope"))
        .arg("report")
        .arg("--repo")
        .arg(&repo.path)
        .arg("--incidents")
        .arg(dir.path().join("incidents.csv"))
        .args([
            "--generated-at",
            "2024-02-01T12:00:00+01:00",
            "--color",
            "always",
            "--team",
            "<b>payments</b>",
            "--out",
        ])
        .arg(&out)
        .output()
        .unwrap();
    assert!(o.status.success(), "{}", stderr(&o));
    assert!(
        String::from_utf8_lossy(&o.stdout).contains("\x1b["),
        "--color always colours"
    );
    let html = std::fs::read_to_string(out.join("report.html")).unwrap();
    assert!(
        html.contains("&lt;script&gt;alert("),
        "the subject is shown, escaped"
    );
    assert!(html.contains("&lt;img src=x onerror=alert(1)&gt;"));
    assert!(
        !html.contains("<script") && !html.contains("<img"),
        "no markup from inputs"
    );
    assert!(html.contains("2024-02-01T11:00:00Z"), "--generated-at, in UTC");
    assert!(html.contains("<h1>DORA metrics: &lt;b&gt;payments&lt;/b&gt;</h1>"));
    let om = std::fs::read_to_string(out.join("dora.om")).unwrap();
    assert!(
        om.contains("team=\"<b>payments</b>\""),
        "OpenMetrics label values are not HTML"
    );
    let incidents = std::fs::read_to_string(out.join("incidents.csv")).unwrap();
    assert!(incidents.contains(",'=cmd|' /C calc'!A0"), "{incidents}");
    let provenance: Value =
        serde_json::from_slice(&std::fs::read(out.join("provenance.json")).unwrap()).unwrap();
    assert_eq!(provenance["generated_at"], "2024-02-01T11:00:00Z");
    assert_eq!(provenance["repositories"][0]["head"], c2.as_str());
    assert_eq!(provenance["inputs"][0]["records"], 2);
    assert_eq!(provenance["inputs"][0]["sha256"].as_str().unwrap().len(), 64);
    // Without --generated-at, no wall-clock time anywhere.
    let o = Command::new(env!("CARGO_BIN_EXE_dorascope"))
        .arg("report")
        .arg("--repo")
        .arg(&repo.path)
        .args(["--format", "html", "--out"])
        .arg(&out)
        .output()
        .unwrap();
    assert!(o.status.success(), "{}", stderr(&o));
    let provenance: Value =
        serde_json::from_slice(&std::fs::read(out.join("provenance.json")).unwrap()).unwrap();
    assert!(provenance["generated_at"].is_null());
}

/// dorascope.toml in the working directory holds the settings; the command line wins; the
/// file's hash is in the provenance; a bad value names the file.
#[test]
fn the_config_file_holds_the_settings() {
    let dir = workspace();
    std::fs::write(
        dir.path().join("dorascope.toml"),
        "deployments = [\"deployments.csv\"]\nincidents = [\"incidents.csv\"]\n\n[report]\nperiod = \"week\"\nfailure-method = \"linked\"\nformat = [\"table\"]\nout = \"audit\"\n",
    )
    .unwrap();
    let o = run_in(dir.path(), &["report", "--json", "--failure-method", "window"]);
    assert!(o.status.success(), "{}", stderr(&o));
    let s: Value = serde_json::from_slice(&o.stdout).unwrap();
    assert_eq!(s["settings"]["period"], "week", "from the file");
    assert_eq!(s["settings"]["failure_method"], "window", "the command line wins");
    let p: Value =
        serde_json::from_slice(&std::fs::read(dir.path().join("audit/provenance.json")).unwrap()).unwrap();
    assert_eq!(p["config_file"]["path"], "dorascope.toml");
    assert_eq!(p["config_file"]["sha256"].as_str().unwrap().len(), 64);
    assert_eq!(p["inputs"].as_array().unwrap().len(), 2);
    assert!(
        !dir.path().join("audit/deployments.csv").exists(),
        "format from the file"
    );

    std::fs::write(dir.path().join("bad.toml"), "[report]\nperiod = \"fortnight\"\n").unwrap();
    let o = run_in(
        dir.path(),
        &[
            "report",
            "--config",
            "bad.toml",
            "--deployments",
            "deployments.csv",
        ],
    );
    assert_eq!(o.status.code(), Some(2), "{}", stderr(&o));
    assert!(
        stderr(&o).contains("fortnight") && stderr(&o).contains("settings of bad.toml"),
        "{}",
        stderr(&o)
    );
    std::fs::write(dir.path().join("typo.toml"), "deploy-tag = \"v*\"\n").unwrap();
    let o = run_in(dir.path(), &["deployments", "--config", "typo.toml"]);
    assert_eq!(o.status.code(), Some(3), "{}", stderr(&o));
    assert!(
        stderr(&o).contains("typo.toml: deploy-tag: not a dorascope option"),
        "{}",
        stderr(&o)
    );
}
