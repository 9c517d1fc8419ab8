//! The engine end to end, by hand: every metric, method and setting on small records.

use super::testutil::{Records, change, deployment, incident, merge_request, options};
use super::*;
use crate::model::{Change, CommitTime, Deployment, Incident};

const HOUR: i64 = 3_600;
const DAY: i64 = 86_400;
/// 2024-05-01T00:00:00Z, a Wednesday.
const MAY_1: i64 = 1_714_521_600;

fn close(a: f64, b: f64) -> bool {
    (a - b).abs() < 1e-9
}

fn assert_close(got: Option<f64>, want: f64, what: &str) {
    let v = got.unwrap_or_else(|| panic!("{what}: no value"));
    assert!(close(v, want), "{what}: {v} != {want}");
}

// --- reported_range ---------------------------------------------------------------

/// Deployments at 1000 and 5000, an incident at 500, a merge request merged at 7000 and
/// one never merged (opened at 0, which must not count).
fn spread_out() -> Records {
    Records {
        deployments: vec![deployment("v1", 1_000), deployment("v2", 5_000)],
        incidents: vec![incident("i", 500, Some(600))],
        merge_requests: vec![
            merge_request("1", None, Some(7_000), None),
            merge_request("2", None, None, None),
        ],
        ..Default::default()
    }
}

#[test]
fn reported_range_as_given() {
    let r = spread_out();
    let opts = Options {
        since: Some(100),
        until: Some(200),
        ..options()
    };
    // Both ends given: taken as they are, even though nothing happened inside.
    assert_eq!(reported_range(r.inputs(), &opts), Ok((100, 200)));
    // Both given and no records at all: still the range asked for.
    assert_eq!(reported_range(Records::default().inputs(), &opts), Ok((100, 200)));
}

#[test]
fn reported_range_from_the_data() {
    let r = spread_out();
    // First event: the incident at 500; last: the merge at 7000, so until = 7001.
    assert_eq!(reported_range(r.inputs(), &options()), Ok((500, 7_001)));
    // One end given, the other from the data.
    let since = Options {
        since: Some(2_000),
        ..options()
    };
    assert_eq!(reported_range(r.inputs(), &since), Ok((2_000, 7_001)));
    let until = Options {
        until: Some(3_000),
        ..options()
    };
    assert_eq!(reported_range(r.inputs(), &until), Ok((500, 3_000)));
    // A failed run is a record of the data too: it moves the start to 100.
    let mut with_failed = spread_out();
    with_failed.deployments.push(Deployment {
        failed: Some(true),
        ..deployment("bad", 100)
    });
    assert_eq!(reported_range(with_failed.inputs(), &options()), Ok((100, 7_001)));
    // The last event itself is inside: since = 7000 gives the one second 7000..7001.
    let last = Options {
        since: Some(7_000),
        ..options()
    };
    assert_eq!(reported_range(r.inputs(), &last), Ok((7_000, 7_001)));
}

#[test]
fn reported_range_empty_when_the_bounds_exclude_everything() {
    let r = spread_out();
    // --since after the last event: 7001 is not before until = 7001.
    let after = Options {
        since: Some(7_001),
        ..options()
    };
    assert_eq!(reported_range(r.inputs(), &after), Err(MetricsError::EmptyRange));
    // --until at the first event (exclusive): 500..500 is empty.
    let before = Options {
        until: Some(500),
        ..options()
    };
    assert_eq!(reported_range(r.inputs(), &before), Err(MetricsError::EmptyRange));
    // Both given, the wrong way round.
    let inverted = Options {
        since: Some(300),
        until: Some(200),
        ..options()
    };
    assert_eq!(
        reported_range(r.inputs(), &inverted),
        Err(MetricsError::EmptyRange)
    );
}

#[test]
fn reported_range_with_nothing_to_measure() {
    let none = Records::default();
    assert_eq!(
        reported_range(none.inputs(), &options()),
        Err(MetricsError::NothingToMeasure)
    );
    // One end is not enough without data for the other.
    let since = Options {
        since: Some(100),
        ..options()
    };
    assert_eq!(
        reported_range(none.inputs(), &since),
        Err(MetricsError::NothingToMeasure)
    );
    // A merge request that was never merged has no time.
    let unmerged = Records {
        merge_requests: vec![merge_request("1", Some(10), None, None)],
        ..Default::default()
    };
    assert_eq!(
        reported_range(unmerged.inputs(), &options()),
        Err(MetricsError::NothingToMeasure)
    );
    // compute says the same.
    assert_eq!(
        compute(none.inputs(), &options()).err(),
        Some(MetricsError::NothingToMeasure)
    );
}

// --- unavailable ------------------------------------------------------------------

fn unavailable_with(
    r: &Records,
    lead_time: LeadTimeMethod,
    failure: FailureMethod,
    restore: RestoreMethod,
) -> Vec<(Metric, String)> {
    let opts = Options {
        lead_time,
        failure,
        restore,
        ..options()
    };
    unavailable(r.inputs(), &opts)
}

const NEED_MRS: &str = "the merge-request methods need --merge-requests";
const NEED_REPO: &str = "needs a repository (--repo), or merge-request exports with --lead-time mr-merge";

#[test]
fn unavailable_lead_time_reasons() {
    use FailureMethod::Window;
    use LeadTimeMethod::*;
    use RestoreMethod::Incident;
    let with_incidents = |has_repo: bool, mrs: bool| Records {
        incidents: vec![incident("i", 0, Some(1))],
        merge_requests: if mrs {
            vec![merge_request("1", Some(0), Some(1), None)]
        } else {
            Vec::new()
        },
        has_repo,
        ..Default::default()
    };
    let lead = |why: &str| vec![(Metric::LeadTime, why.to_owned())];
    let need_repo_for = |m: &str| {
        format!(
            "--lead-time {m} needs a repository (--repo) to find the deployment that first shipped each merge commit; mr-merge needs none"
        )
    };

    // Everything there: nothing missing, whatever the method.
    for &m in LeadTimeMethod::ALL {
        assert_eq!(
            unavailable_with(&with_incidents(true, true), m, Window, Incident),
            vec![],
            "{m}"
        );
    }
    // A merge-request method without merge requests.
    let repo_no_mrs = with_incidents(true, false);
    for m in [MrMerge, MrDeploy, MrTotal] {
        assert_eq!(
            unavailable_with(&repo_no_mrs, m, Window, Incident),
            lead(NEED_MRS),
            "{m}"
        );
    }
    assert_eq!(unavailable_with(&repo_no_mrs, Commit, Window, Incident), vec![]);
    // No repository: commit and pipeline cannot measure; mr-merge can.
    let mrs_no_repo = with_incidents(false, true);
    assert_eq!(
        unavailable_with(&mrs_no_repo, Commit, Window, Incident),
        lead(NEED_REPO)
    );
    assert_eq!(
        unavailable_with(&mrs_no_repo, Pipeline, Window, Incident),
        lead(NEED_REPO)
    );
    assert_eq!(unavailable_with(&mrs_no_repo, MrMerge, Window, Incident), vec![]);
    assert_eq!(
        unavailable_with(&mrs_no_repo, MrDeploy, Window, Incident),
        lead(&need_repo_for("mr-deploy"))
    );
    assert_eq!(
        unavailable_with(&mrs_no_repo, MrTotal, Window, Incident),
        lead(&need_repo_for("mr-total"))
    );
    // Neither: both reasons, merge requests first.
    let bare = with_incidents(false, false);
    assert_eq!(
        unavailable_with(&bare, MrDeploy, Window, Incident),
        vec![
            (Metric::LeadTime, NEED_MRS.to_owned()),
            (Metric::LeadTime, need_repo_for("mr-deploy")),
        ]
    );
    assert_eq!(unavailable_with(&bare, MrMerge, Window, Incident), lead(NEED_MRS));
}

#[test]
fn unavailable_without_incidents() {
    use LeadTimeMethod::Commit;
    let no_incidents = Records {
        has_repo: true,
        ..Default::default()
    };
    let cfr = |m: &str| {
        (
            Metric::ChangeFailureRate,
            format!("the {m} method needs incident exports (--incidents)"),
        )
    };
    let ttr = (
        Metric::TimeToRestore,
        "needs incident exports (--incidents)".to_owned(),
    );
    for (m, name) in [
        (FailureMethod::Window, "window"),
        (FailureMethod::AnyInWindow, "any-in-window"),
        (FailureMethod::Linked, "linked"),
    ] {
        assert_eq!(
            unavailable_with(&no_incidents, Commit, m, RestoreMethod::Incident),
            vec![cfr(name), ttr.clone()]
        );
        assert_eq!(
            unavailable_with(&no_incidents, Commit, m, RestoreMethod::Deployment),
            vec![cfr(name)]
        );
    }
    // rollback and status read no incidents; deployment recovery can use the next deployment.
    for m in [FailureMethod::Rollback, FailureMethod::Status] {
        assert_eq!(
            unavailable_with(&no_incidents, Commit, m, RestoreMethod::Incident),
            vec![ttr.clone()]
        );
        assert_eq!(
            unavailable_with(&no_incidents, Commit, m, RestoreMethod::Deployment),
            vec![]
        );
    }
}

#[test]
fn unavailable_reasons_in_order() {
    // Nothing but a deployment: every reason at once, lead time (merge requests, then the
    // repository), then the failure rate, then restore.
    let bare = Records {
        deployments: vec![deployment("v1", 0)],
        ..Default::default()
    };
    let got = unavailable_with(
        &bare,
        LeadTimeMethod::MrTotal,
        FailureMethod::Linked,
        RestoreMethod::Incident,
    );
    let metrics: Vec<Metric> = got.iter().map(|m| m.0).collect();
    assert_eq!(
        metrics,
        [
            Metric::LeadTime,
            Metric::LeadTime,
            Metric::ChangeFailureRate,
            Metric::TimeToRestore
        ]
    );
    assert_eq!(got[0].1, NEED_MRS);
    assert!(
        got[1].1.starts_with("--lead-time mr-total needs a repository"),
        "{}",
        got[1].1
    );
    assert_eq!(got[2].1, "the linked method needs incident exports (--incidents)");
    assert_eq!(got[3].1, "needs incident exports (--incidents)");
}

// --- failure_methods --------------------------------------------------------------

/// Six deployment records and three incidents (window 1000 s) on which the five methods
/// disagree:
///
/// | record    | time | notes                              |
/// |-----------|------|------------------------------------|
/// | v1        |    0 |                                    |
/// | v2        | 1000 |                                    |
/// | v3        | 1500 |                                    |
/// | v5        | 5000 |                                    |
/// | v5-bad    | 6000 | failed run (the tool said so)      |
/// | v6        | 9000 | rollback (redeploys an old commit) |
///
/// i1 starts at 1600 and links v1; i2 starts at 5100 and links v2; i3 starts at 9500
/// (open) and links nothing.
fn disagreeing() -> Records {
    Records {
        deployments: vec![
            deployment("v1", 0),
            deployment("v2", 1_000),
            deployment("v3", 1_500),
            deployment("v5", 5_000),
            Deployment {
                failed: Some(true),
                ..deployment("v5-bad", 6_000)
            },
            Deployment {
                rollback: true,
                ..deployment("v6", 9_000)
            },
        ],
        incidents: vec![
            Incident {
                deployment: Some("v1".into()),
                ..incident("i1", 1_600, Some(1_700))
            },
            Incident {
                deployment: Some("v2".into()),
                ..incident("i2", 5_100, Some(6_000))
            },
            incident("i3", 9_500, None),
        ],
        has_repo: true,
        ..Default::default()
    }
}

fn rates(r: &Records, opts: &Options, range: (i64, i64)) -> Vec<(FailureMethod, u64, u64, Option<f64>)> {
    let i = r.inputs();
    let f = failure::classify(
        opts.failure,
        i.deployments,
        i.incidents,
        i.reverts,
        None,
        opts.failure_window,
    );
    failure_methods(i, opts, &f, range)
        .into_iter()
        .map(|m| (m.method, m.failed, m.deployments, m.rate))
        .collect()
}

#[test]
fn failure_methods_by_hand() {
    use FailureMethod::*;
    let r = disagreeing();
    let opts = Options {
        failure_window: 1_000,
        ..options()
    };
    let range = reported_range(r.inputs(), &opts).unwrap();
    assert_eq!(range, (0, 9_501));
    // Successful deployments (every method but status counts these): v1 v2 v3 v5 v6 = 5.
    // window: the latest successful deployment at most 1000 s before each start:
    //   i1 (1600) -> v3 (1500), i2 (5100) -> v5, i3 (9500) -> v6: 3 of 5.
    // any-in-window: every one in [start - 1000, start]:
    //   i1 -> v2 (1000), v3 (1500); i2 -> v5; i3 -> v6: 4 of 5.
    // linked: i1 -> v1, i2 -> v2, i3 names nothing: 2 of 5.
    // rollback: v6 redeploys, so the deployment before it fails; the failed run v5-bad
    //   is not on the timeline, so that is v5: 1 of 5.
    // status: the runs the tool reported failed, out of all six: v5-bad, 1 of 6.
    let want = vec![
        (Window, 3, 5, Some(0.6)),
        (AnyInWindow, 4, 5, Some(0.8)),
        (Linked, 2, 5, Some(0.4)),
        (Rollback, 1, 5, Some(0.2)),
        (Status, 1, 6, Some(1.0 / 6.0)),
    ];
    // The same side by side whichever method was chosen (its decisions are reused).
    for &m in FailureMethod::ALL {
        let chosen = Options {
            failure: m,
            ..opts.clone()
        };
        assert_eq!(rates(&r, &chosen, range), want, "chosen {m}");
    }
}

#[test]
fn failure_methods_count_only_the_range() {
    use FailureMethod::*;
    let r = disagreeing();
    let opts = Options {
        failure_window: 1_000,
        ..options()
    };
    // 1000..6000: v2, v3, v5 (v5-bad at 6000 is at the exclusive end).
    // window: v3 and v5 failed: 2 of 3. any-in-window: v2, v3, v5: 3 of 3.
    // linked: v2 (v1 is before the range): 1 of 3. rollback: v5 (rolled back by v6,
    // which is after the range: the decision is over all data): 1 of 3. status: 0 of 3.
    assert_eq!(
        rates(&r, &opts, (1_000, 6_000)),
        vec![
            (Window, 2, 3, Some(2.0 / 3.0)),
            (AnyInWindow, 3, 3, Some(1.0)),
            (Linked, 1, 3, Some(1.0 / 3.0)),
            (Rollback, 1, 3, Some(1.0 / 3.0)),
            (Status, 0, 3, Some(0.0)),
        ]
    );
    // No deployment in range: no rate rather than zero.
    let empty = rates(&r, &opts, (20_000, 30_000));
    assert!(
        empty.iter().all(|&(_, f, n, rate)| (f, n, rate) == (0, 0, None)),
        "{empty:?}"
    );
}

/// Two deployments in May 2024 (May 1 and May 3), no incident, over May 1 to 11.
fn two_quiet_deployments() -> (Records, Options) {
    let r = Records {
        deployments: vec![deployment("v1", MAY_1), deployment("v2", MAY_1 + 2 * DAY)],
        has_repo: true,
        ..Default::default()
    };
    let opts = Options {
        since: Some(MAY_1),
        until: Some(MAY_1 + 10 * DAY),
        ..options()
    };
    (r, opts)
}

#[test]
fn zero_incidents_given_is_a_zero_failure_rate() {
    // Incident exports that parse to no incident: no deployment failed. The rate is 0 of 2
    // with its Wilson interval: z^2 = 3.841459, 1 + z^2/2 = 2.920730; centre and
    // half-width both (z^2/4) / 2.920730 = 0.328810: (0, 0.657620). Per period too.
    let (r, opts) = two_quiet_deployments();
    let given = Inputs {
        has_incidents: true,
        ..r.inputs()
    };
    let s = compute(given, &opts).unwrap().summary;
    assert_eq!(s.unavailable, Vec::<String>::new());
    let cfr: Vec<&MetricRow> = s
        .overall
        .iter()
        .chain(&s.periods)
        .filter(|r| r.metric == Metric::ChangeFailureRate)
        .collect();
    assert_eq!(cfr.len(), 2);
    for row in cfr {
        assert_eq!(
            (row.numerator, row.denominator, row.value),
            (Some(0), Some(2), Some(0.0)),
            "{row:?}"
        );
        assert_eq!(row.interval_low, Some(0.0), "{row:?}");
        assert!((row.interval_high.unwrap() - 0.657_620).abs() < 1e-6, "{row:?}");
        assert_eq!(row.warning.as_deref(), Some("small sample: 2 (fewer than 5)"));
    }
    // Time to restore: nothing was restored, so no value, but not "needs incident exports".
    let ttr = s
        .overall
        .iter()
        .find(|r| r.metric == Metric::TimeToRestore)
        .unwrap();
    assert_eq!((ttr.value, ttr.sample_size), (None, 0));
    assert_eq!(ttr.warning.as_deref(), Some("small sample: 0 (fewer than 5)"));
    // Every method decides: the incident methods find nothing, 0 of 2.
    for m in &s.failure_methods {
        assert_eq!(
            (m.failed, m.deployments, m.rate, m.unavailable.as_deref()),
            (0, 2, Some(0.0), None),
            "{m:?}"
        );
    }
}

#[test]
fn incident_methods_cannot_decide_without_incident_exports() {
    use FailureMethod::*;
    let (mut r, opts) = two_quiet_deployments();
    r.deployments.push(Deployment {
        rollback: true,
        ..deployment("v3", MAY_1 + 4 * DAY)
    });
    let s = compute(r.inputs(), &opts).unwrap().summary;
    type Side<'a> = (FailureMethod, u64, u64, Option<f64>, Option<&'a str>);
    let side: Vec<Side> = s
        .failure_methods
        .iter()
        .map(|m| {
            (
                m.method,
                m.failed,
                m.deployments,
                m.rate,
                m.unavailable.as_deref(),
            )
        })
        .collect();
    let cannot = Some("needs incident exports (--incidents)");
    assert_eq!(
        side,
        [
            (Window, 0, 3, None, cannot),
            (AnyInWindow, 0, 3, None, cannot),
            (Linked, 0, 3, None, cannot),
            (Rollback, 1, 3, Some(1.0 / 3.0), None), // v3 rolls v2 back
            (Status, 0, 3, Some(0.0), None),
        ]
    );
    // In summary.json: the rate null, with the reason; a method that decides has none.
    let json = serde_json::to_value(&s.failure_methods).unwrap();
    assert_eq!(
        json[0],
        serde_json::json!({"method": "window", "failed": 0, "deployments": 3, "rate": null,
                           "unavailable": "needs incident exports (--incidents)"})
    );
    assert_eq!(
        json[4],
        serde_json::json!({"method": "status", "failed": 0, "deployments": 3, "rate": 0.0})
    );
}

// --- methods ----------------------------------------------------------------------

#[test]
fn methods_serialize_alphabetically() {
    let json = serde_json::to_string(&methods(&options())).unwrap();
    assert_eq!(
        json,
        concat!(
            r#"{"baseline":{"kind":"none"},"#,
            r#""commit_time":"author","failure_method":"window","failure_window_seconds":172800,"#,
            r#""fix_tags":null,"include_backlog":false,"include_merges":false,"#,
            r#""intervals":{"level":0.95,"median":"order statistics at binomial ranks (distribution-free, at least the level)","ratios":"Wilson score"},"#,
            r#""lead_time":"commit","#,
            r#""median":"interpolated (mean of the two middle values)","min_sample":5,"period":"month","#,
            r#""quantiles":"linear interpolation between closest ranks (type 7)","restore_time":"incident"}"#
        )
    );

    // Every setting moved, and a team: it comes last.
    let opts = Options {
        failure: FailureMethod::AnyInWindow,
        failure_window: 3_600,
        fix_tags: Some(("*-hotfix".into(), crate::glob::compile("*-hotfix").unwrap())),
        restore: RestoreMethod::Deployment,
        lead_time: LeadTimeMethod::MrTotal,
        lead_rule: crate::model::LeadRule {
            include_merges: true,
            include_backlog: true,
        },
        commit_time: CommitTime::Committer,
        period: PeriodSpec::Days(30),
        baseline: Baseline::First { seconds: 7_776_000 },
        team: Some("payments".into()),
        ..options()
    };
    let json = serde_json::to_string(&methods(&opts)).unwrap();
    assert_eq!(
        json,
        concat!(
            r#"{"baseline":{"kind":"first","seconds":7776000},"#,
            r#""commit_time":"committer","failure_method":"any-in-window","failure_window_seconds":3600,"#,
            r#""fix_tags":"*-hotfix","include_backlog":true,"include_merges":true,"#,
            r#""intervals":{"level":0.95,"median":"order statistics at binomial ranks (distribution-free, at least the level)","ratios":"Wilson score"},"#,
            r#""lead_time":"mr-total","#,
            r#""median":"interpolated (mean of the two middle values)","min_sample":5,"period":"30d","#,
            r#""quantiles":"linear interpolation between closest ranks (type 7)","restore_time":"deployment","#,
            r#""team":"payments"}"#
        )
    );
    let range = Options {
        baseline: Baseline::Range {
            since: 1_000,
            until: 2_000,
        },
        ..options()
    };
    let json = serde_json::to_value(methods(&range)).unwrap();
    assert_eq!(
        json["baseline"],
        serde_json::json!({"kind": "range", "since": 1000, "until": 2000})
    );
    let previous = serde_json::to_value(methods(&Options {
        baseline: Baseline::Previous,
        ..options()
    }))
    .unwrap();
    assert_eq!(previous["baseline"], serde_json::json!({"kind": "previous"}));
    for (p, name) in [
        (PeriodSpec::Week, "week"),
        (PeriodSpec::Month, "month"),
        (PeriodSpec::Quarter, "quarter"),
        (PeriodSpec::Year, "year"),
        (PeriodSpec::Days(7), "7d"),
    ] {
        assert_eq!(period_name(p), name);
    }
}

// --- compute, end to end ----------------------------------------------------------

/// Four deployments and two incidents in May 2024 (window 48h), reported over
/// May 1 to May 11 (10 days):
///
/// - v1 May 1 00:00, v2 May 3 00:00, v3 May 6 00:00, v4 May 7 00:00;
/// - i1 May 3 02:00 to 05:00 (3h): 2h after v2, so v2 failed;
/// - i2 May 6 01:00 to 03:00 (2h): 1h after v3, so v3 failed;
/// - v4 comes 21h after i2 was resolved, within the 48h after it: unplanned (rework);
///   v3 comes 2 days 19h after i1 was resolved: planned;
/// - changes: v1 ships the backlog (left out), v2 two changes of 2h and 5h, v3 one of
///   1h, v4 a merge commit (left out) and a change of 10h.
fn may() -> Records {
    let on = |n: u8, t: i64, lead: i64| change(n, Some(t), lead);
    Records {
        deployments: vec![
            deployment("v1", MAY_1),
            deployment("v2", MAY_1 + 2 * DAY),
            deployment("v3", MAY_1 + 5 * DAY),
            deployment("v4", MAY_1 + 6 * DAY),
        ],
        incidents: vec![
            incident("i1", MAY_1 + 2 * DAY + 2 * HOUR, Some(MAY_1 + 2 * DAY + 5 * HOUR)),
            incident("i2", MAY_1 + 5 * DAY + HOUR, Some(MAY_1 + 5 * DAY + 3 * HOUR)),
        ],
        changes: vec![
            Change {
                backlog: true,
                ..on(1, MAY_1, 1_000_000)
            },
            on(2, MAY_1 + 2 * DAY, 2 * HOUR),
            on(3, MAY_1 + 2 * DAY, 5 * HOUR),
            on(4, MAY_1 + 5 * DAY, HOUR),
            Change {
                is_merge: true,
                ..on(5, MAY_1 + 6 * DAY, 500)
            },
            on(6, MAY_1 + 6 * DAY, 10 * HOUR),
        ],
        has_repo: true,
        ..Default::default()
    }
}

#[test]
fn compute_end_to_end_by_hand() {
    use crate::benchmarks::Category;
    let r = may();
    let opts = Options {
        since: Some(MAY_1),
        until: Some(MAY_1 + 10 * DAY),
        ..options()
    };
    let out = compute(r.inputs(), &opts).unwrap();
    let s = &out.summary;
    assert_eq!((s.since, s.until), (MAY_1, MAY_1 + 10 * DAY));
    assert_eq!(s.timezone, "UTC");
    assert_eq!(s.baseline, None);
    assert_eq!(s.unavailable, Vec::<String>::new());
    assert_eq!(s.settings, methods(&opts));

    let failed: Vec<Option<&str>> = out.failures.failed.iter().map(|f| f.as_deref()).collect();
    assert_eq!(failed, [None, Some("incident i1"), Some("incident i2"), None]);
    let unplanned: Vec<Option<&str>> = out.unplanned.iter().map(|u| u.as_deref()).collect();
    assert_eq!(unplanned, [None, None, None, Some("after incident i2")]);

    let metrics: Vec<Metric> = s.overall.iter().map(|r| r.metric).collect();
    assert_eq!(metrics, Metric::ALL);
    assert!(s.overall.iter().all(|r| r.period == "all" && !r.partial));
    let row = |m: Metric| &s.overall[Metric::ALL.iter().position(|&x| x == m).unwrap()];

    // 4 deployments in 10 days: 0.4 a day (four-tier: high, at least 0.23), 2.8 a week,
    // 0.4 x 30.436875 = 12.17475 a month; on 4 distinct days: 4 / (10 / 7) = 2.8 days a week.
    let df = row(Metric::DeploymentFrequency);
    assert_close(df.value, 0.4, "per day");
    assert_eq!((df.sample_size, df.numerator), (4, Some(4)));
    assert_eq!(df.category, Some(Category::High));
    assert_eq!(df.survey_answer, Some("Between once per day and once per week"));
    assert_eq!(df.warning.as_deref(), Some("small sample: 4 (fewer than 5)"));
    assert_close(row(Metric::DeploymentsPerWeek).value, 2.8, "per week");
    assert_close(row(Metric::DeploymentsPerMonth).value, 12.174_75, "per month");
    let days = row(Metric::DeploymentDaysPerWeek);
    assert_close(days.value, 2.8, "days per week");
    assert_eq!(days.sample_size, 4);

    // Lead times 2h, 5h, 1h, 10h (backlog and merge left out): sorted 3600, 7200, 18000,
    // 36000. Median (7200 + 18000) / 2 = 12600; p75 at rank 2.25: 18000 + 0.25 x 18000 =
    // 22500; p90 at 2.7: 18000 + 0.7 x 18000 = 30600; p95 at 2.85: 33300; mean 64800 / 4
    // = 16200. Under a day, over an hour: high.
    let lead = row(Metric::LeadTime);
    assert_eq!(lead.method, "median (commit)");
    assert_eq!(lead.value, Some(12_600.0));
    assert_eq!(lead.sample_size, 4);
    assert_eq!((lead.p75, lead.mean), (Some(22_500.0), Some(16_200.0)));
    assert_close(lead.p90, 30_600.0, "lead p90");
    assert_close(lead.p95, 33_300.0, "lead p95");
    assert_eq!(lead.category, Some(Category::High));
    assert_eq!(lead.survey_answer, Some("Less than one day"));
    // Four values cannot bound a median at 95% (the widest, smallest to largest, covers it
    // 87.5% of the time), so there is no interval rather than a narrow, false one.
    assert_eq!((lead.interval_low, lead.interval_high), (None, None));

    // Restore: 3h and 2h, median and mean 9000; p75 7200 + 0.75 x 3600 = 9900.
    let ttr = row(Metric::TimeToRestore);
    assert_eq!(ttr.method, "median (incident)");
    assert_eq!(
        (ttr.value, ttr.mean, ttr.p75),
        (Some(9_000.0), Some(9_000.0), Some(9_900.0))
    );
    assert_eq!(ttr.sample_size, 2);
    assert_eq!(ttr.category, Some(Category::High));
    assert_eq!(ttr.warning.as_deref(), Some("small sample: 2 (fewer than 5)"));

    // Failure rate 2 of 4 = 0.5 (four-tier: low, above 45%). Wilson at z = 1.959964,
    // z^2 = 3.841459: denominator 1 + z^2/4 = 1.960365; centre (0.5 + z^2/8) / 1.960365
    // = 0.5; half-width z sqrt(0.25/4 + z^2/64) / 1.960365 = 1.959964 x 0.350033 /
    // 1.960365 = 0.349961: (0.150039, 0.849961).
    let cfr = row(Metric::ChangeFailureRate);
    assert_eq!(cfr.method, "window");
    assert_eq!(
        (cfr.numerator, cfr.denominator, cfr.value),
        (Some(2), Some(4), Some(0.5))
    );
    assert_eq!(cfr.category, Some(Category::Low));
    assert!((cfr.interval_low.unwrap() - 0.150_039).abs() < 1e-6, "{cfr:?}");
    assert!((cfr.interval_high.unwrap() - 0.849_961).abs() < 1e-6, "{cfr:?}");

    // Rework: v4 of 4 = 0.25; no four-tier threshold, so no category.
    let rework = row(Metric::DeploymentReworkRate);
    assert_eq!(
        (rework.numerator, rework.denominator, rework.value),
        (Some(1), Some(4), Some(0.25))
    );
    assert_eq!(rework.category, None);

    // No baseline: nothing compared.
    assert!(
        s.overall
            .iter()
            .all(|r| r.baseline_value.is_none() && r.direction.is_none())
    );

    // One month period, cut short by the range: the same numbers.
    assert_eq!(s.periods.len(), Metric::ALL.len());
    for (p, o) in s.periods.iter().zip(&s.overall) {
        assert_eq!((p.period.as_str(), p.partial), ("2024-05", true));
        assert_eq!(
            (p.metric, p.value, p.sample_size),
            (o.metric, o.value, o.sample_size)
        );
    }

    // Side by side: any-in-window finds the same two (v1 is more than 48h before i1);
    // nothing is linked, rolled back or reported failed.
    let side: Vec<(FailureMethod, u64, u64)> = s
        .failure_methods
        .iter()
        .map(|m| (m.method, m.failed, m.deployments))
        .collect();
    assert_eq!(
        side,
        [
            (FailureMethod::Window, 2, 4),
            (FailureMethod::AnyInWindow, 2, 4),
            (FailureMethod::Linked, 0, 4),
            (FailureMethod::Rollback, 0, 4),
            (FailureMethod::Status, 0, 4),
        ]
    );

    assert_eq!(
        s.data_quality,
        Quality {
            deployments: 4,
            backlog_changes: 1,
            merge_commits: 1,
            incidents: 2,
            ..Default::default()
        }
    );
}

#[test]
fn compute_compares_each_period_with_the_one_before() {
    // The same data by 5-day periods (May 1-5, May 6-10) against the previous period;
    // the whole range starts with the data, so it is compared with nothing, and says so.
    let r = may();
    let opts = Options {
        since: None,
        until: Some(MAY_1 + 10 * DAY),
        period: PeriodSpec::Days(5),
        baseline: Baseline::Previous,
        ..options()
    };
    let s = compute(r.inputs(), &opts).unwrap().summary;
    assert_eq!(s.baseline, None);
    assert_eq!(s.unavailable.len(), 1);
    assert!(s.unavailable[0].starts_with("baseline: the whole range is compared with nothing"));
    let df: Vec<&MetricRow> = s
        .periods
        .iter()
        .filter(|r| r.metric == Metric::DeploymentFrequency)
        .collect();
    // May 1-5: v1, v2 (2 in 5 days, 0.4 a day); May 6-10: v3, v4 (also 0.4): same.
    assert_eq!(df.len(), 2);
    assert_eq!((df[0].baseline_value, df[0].direction), (None, None));
    assert_close(df[1].value, 0.4, "second period");
    assert_close(df[1].baseline_value, 0.4, "first period");
    assert_eq!(df[1].direction, Some(compare::Direction::Same));
    let cfr: Vec<&MetricRow> = s
        .periods
        .iter()
        .filter(|r| r.metric == Metric::ChangeFailureRate)
        .collect();
    // May 1-5: v2 of v1, v2 failed (0.5); May 6-10: v3 of v3, v4 (0.5).
    assert_eq!(
        (cfr[1].value, cfr[1].baseline_value, cfr[1].change),
        (Some(0.5), Some(0.5), Some(0.0))
    );
}
