use super::*;
use crate::model::Location;
use crate::model::aws::AwsRecords;

fn loc(file: &str, record: u64) -> Location {
    Location {
        file: file.into(),
        line: None,
        record,
    }
}

fn at(s: &str) -> Instant {
    chrono::DateTime::parse_from_rfc3339(s).unwrap().to_utc()
}

fn t(s: &str) -> i64 {
    at(s).timestamp()
}

fn wall(s: &str) -> chrono::NaiveDateTime {
    chrono::NaiveDateTime::parse_from_str(s, "%Y-%m-%dT%H:%M:%S").unwrap()
}

fn execution(status: &str, revision: Option<&str>, last: &str, offset_h: i64, record: u64) -> AwsExecution {
    let w = wall(last);
    AwsExecution {
        status: Some(status.into()),
        has_revisions: revision.is_some(),
        revision: revision.map(str::to_owned),
        last_update: Some(w),
        wall_clock: WallClock::Zoned,
        last_update_at: Some(w.and_utc() - chrono::Duration::hours(offset_h)),
        location: loc("executions.json", record),
    }
}

fn commit(id: &str, date: Option<&str>) -> AwsCommit {
    AwsCommit {
        commit_id: id.into(),
        committer_date: date.map(str::to_owned),
        location: loc("commits.json", 1),
    }
}

fn item(kind: &str, ts: &str, old: &str, new: &str, record: u64) -> AwsAlarmItem {
    AwsAlarmItem {
        alarm: Some("high-error-rate".into()),
        item_type: Some(kind.into()),
        at: Some(at(ts)),
        history_data: format!(
            r#"{{"version":"1.0","oldState":{{"stateValue":"{old}"}},"newState":{{"stateValue":"{new}"}}}}"#
        ),
        location: loc("alarms.json", record),
    }
}

fn stats(label: &str, points: &[(&str, f64)]) -> AwsMetricStatistics {
    AwsMetricStatistics {
        label: label.into(),
        datapoints: points.iter().map(|(ts, s)| (at(ts), Some(*s))).collect(),
        location: loc(label, 1),
    }
}

fn run(aws: &AwsRecords) -> Reference {
    super::super::compute(
        ReferenceMethod::AwsScript,
        RefInputs {
            deployments: &[],
            merge_requests: &[],
            incidents: &[],
            aws,
            changes: &[],
        },
        t("2026-01-01T00:00:00Z"),
        t("2026-01-11T00:00:00Z"),
    )
    .unwrap()
}

fn row(r: &Reference, m: Metric) -> &ReferenceRow {
    r.rows.iter().find(|x| x.metric == m).unwrap()
}

fn noted(r: &Reference, text: &str) -> bool {
    r.notes.iter().any(|n| n.contains(text))
}

/// Worked by hand over a 10-day window, 2026-01-01 .. 2026-01-11.
#[test]
fn aws_script_by_hand() {
    let a = "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa";
    let b = "bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb";
    let c = "cccccccccccccccccccccccccccccccccccccccc";
    let aws = AwsRecords {
        executions: vec![
            // 10:00 (-08:00 wall clock) minus 06:00 (+01:00 wall clock): 4 h, zones dropped
            // (really 13 h).
            execution("Succeeded", Some(a), "2026-01-05T10:00:00", -8, 1),
            // CodeCommit's own date form: rejected, skipped.
            execution("Succeeded", Some(b), "2026-01-06T10:00:00", 0, 2),
            execution("Failed", Some(a), "2026-01-06T11:00:00", 0, 3),
            execution("Succeeded", None, "2026-01-06T12:00:00", 0, 4),
            // Before the window: the date filter is never applied, so it counts: 2 h.
            execution("Succeeded", Some(c), "2025-12-01T12:00:00", 0, 5),
        ],
        commits: vec![
            commit(a, Some("2026-01-05T06:00:00+01:00")),
            commit(b, Some("1767603600 -0800")),
            commit(c, Some("2025-12-01T10:00:00Z")),
        ],
        alarm_items: vec![
            // Newest first. ALARM→OK at 12:00 opens (contains ALARM), OK→ALARM at 11:00
            // closes (contains OK): -1 h. Then INSUFFICIENT_DATA→ALARM opens at 09:00, and
            // ALARM→INSUFFICIENT_DATA at 08:30 ... contains no OK: stays open.
            item("StateUpdate", "2026-01-03T12:00:00Z", "ALARM", "OK", 1),
            item("StateUpdate", "2026-01-03T11:00:00Z", "OK", "ALARM", 2),
            item("ConfigurationUpdate", "2026-01-03T10:30:00Z", "OK", "OK", 3),
            item(
                "StateUpdate",
                "2026-01-03T09:00:00Z",
                "INSUFFICIENT_DATA",
                "ALARM",
                4,
            ),
            item(
                "StateUpdate",
                "2026-01-03T08:30:00Z",
                "ALARM",
                "INSUFFICIENT_DATA",
                5,
            ),
            // Before the window's StartDate: not returned.
            item("StateUpdate", "2025-12-20T08:00:00Z", "OK", "ALARM", 6),
        ],
        metrics: vec![
            stats(
                "DeploymentCount",
                &[
                    ("2026-01-02T00:00:00Z", 3.0),
                    ("2026-01-01T00:00:00Z", 2.0),
                    // EndTime is exclusive.
                    ("2026-01-11T00:00:00Z", 7.0),
                ],
            ),
            stats("DeploymentFailure", &[("2026-01-01T00:00:00Z", 1.0)]),
        ],
    };
    let r = run(&aws);
    assert_eq!(r.method, "aws-script");
    assert_eq!(row(&r, Metric::DeploymentFrequency).value, Some(0.5));
    let lt = row(&r, Metric::LeadTime);
    assert_eq!((lt.value, lt.sample_size), (Some(3.0 * 3600.0), 2));
    let ttr = row(&r, Metric::TimeToRestore);
    assert_eq!((ttr.value, ttr.sample_size), (Some(-3600.0), 1));
    let cfr = row(&r, Metric::ChangeFailureRate);
    assert_eq!((cfr.numerator, cfr.denominator), (Some(1), Some(5)));
    assert_eq!(cfr.value, Some(0.2));
    for text in [
        "rejected by datetime.fromisoformat (first: Invalid isoformat string: '1767603600 -0800')",
        "1 lead times are of executions outside the window",
        "1 lead times were moved by dropping the zones",
        "by up to 9.00 h",
        "1 of 1 restore times are negative",
        "1 alarm history items are not StateUpdate",
        "1 alarm history items are before the window",
        "1 alarms end with an 'incident' the script left open",
        "1 DeploymentCount datapoints lie outside the window",
        "1 of the executions read did not have status Succeeded",
        "1 Succeeded executions have no sourceRevisions",
    ] {
        assert!(noted(&r, text), "{text}: {:#?}", r.notes);
    }
}

#[test]
fn only_the_newest_hundred_executions_are_read() {
    let mut executions = Vec::new();
    let mut commits = Vec::new();
    for n in 0..130u64 {
        let sha = format!("{n:040x}");
        // The newest 100 are 1 h each; the 30 older ones would be 100 h.
        let h = if n < 100 { 1 } else { 100 };
        let end = chrono::NaiveDate::from_ymd_opt(2026, 1, 5)
            .unwrap()
            .and_hms_opt(0, 0, 0)
            .unwrap()
            + chrono::Duration::hours(200);
        let start = end - chrono::Duration::hours(h);
        let mut e = execution("Succeeded", Some(&sha), "2026-01-01T00:00:00", 0, n + 1);
        e.last_update = Some(end);
        executions.push(e);
        commits.push(commit(&sha, Some(&start.format("%Y-%m-%dT%H:%M:%S").to_string())));
    }
    let r = run(&AwsRecords {
        executions,
        commits,
        ..Default::default()
    });
    let lt = row(&r, Metric::LeadTime);
    assert_eq!((lt.value, lt.sample_size), (Some(3600.0), 100));
    assert!(noted(&r, "30 older executions not read"), "{:#?}", r.notes);
}

#[test]
fn codecommit_dates_leave_no_lead_time_and_missing_metrics_no_number() {
    let a = "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa";
    let r = run(&AwsRecords {
        executions: vec![execution("Succeeded", Some(a), "2026-01-05T10:00:00", 0, 1)],
        commits: vec![commit(a, Some("1484167798 -0800"))],
        ..Default::default()
    });
    assert_eq!(row(&r, Metric::LeadTime).value, None);
    assert!(noted(&r, "lead time is none at all"));
    assert_eq!(row(&r, Metric::DeploymentFrequency).value, None);
    assert_eq!(row(&r, Metric::ChangeFailureRate).value, None);
    assert!(noted(&r, "no DeploymentCount statistics given"));
    assert!(noted(&r, "no describe-alarm-history export given"));
}
