use super::fixture::{DAY, T0, grouped, rows, summary, three_months};
use super::strict::{Sample, parse};
use super::*;
use crate::model::Metric;

fn find<'a>(samples: &'a [Sample], name: &str, labels: &[(&str, &str)]) -> Vec<&'a Sample> {
    samples
        .iter()
        .filter(|s| {
            s.name == name
                && labels.len() == s.labels.len()
                && labels
                    .iter()
                    .all(|(k, v)| s.labels.iter().any(|(a, b)| a == k && b == v))
        })
        .collect()
}

#[test]
fn every_family_is_declared_in_order_with_its_unit() {
    let p = parse(&render(&three_months())).unwrap();
    let names: Vec<&str> = FAMILIES.iter().map(|f| f.name).collect();
    assert_eq!(p.families, names);
    for f in FAMILIES {
        assert!(f.name.starts_with("dora_"), "{}", f.name);
        match f.unit {
            Some(u) => assert!(p.units.contains(&(f.name.into(), u.into()))),
            // Unitless names must not pretend to a unit.
            None => assert!(!f.name.ends_with("_seconds") && !f.name.ends_with("_ratio")),
        }
    }
}

#[test]
fn samples_carry_the_rows_values_at_each_ranges_start() {
    let s = three_months();
    let p = parse(&render(&s)).unwrap();
    let medians = find(
        &p.samples,
        LEAD_TIME,
        &[("method", "commit"), ("period", "month"), ("statistic", "median")],
    );
    let got: Vec<(i64, f64)> = medians.iter().map(|m| (m.timestamp, m.value)).collect();
    assert_eq!(
        got,
        vec![(T0, 3600.0), (T0 + 31 * DAY, 7200.0), (T0 + 60 * DAY, 10800.0)]
    );
    let all = find(
        &p.samples,
        LEAD_TIME,
        &[("method", "commit"), ("period", "all"), ("statistic", "p95")],
    );
    assert_eq!(all.len(), 1);
    assert_eq!((all[0].timestamp, all[0].value), (T0, 2e5));
    let ci = find(
        &p.samples,
        LEAD_TIME_CI,
        &[("bound", "high"), ("method", "commit"), ("period", "month")],
    );
    assert_eq!(
        ci.iter().map(|c| c.value).collect::<Vec<_>>(),
        [5400.0, 10800.0, 16200.0]
    );
    let cfr = find(
        &p.samples,
        CHANGE_FAILURE,
        &[("method", "window"), ("period", "all")],
    );
    assert_eq!(cfr[0].value, 2.0 / 7.0, "full precision survives the text");
    assert_eq!(
        find(
            &p.samples,
            FAILED_DEPLOYMENTS,
            &[("method", "window"), ("period", "all")]
        )[0]
        .value,
        2.0
    );
    assert_eq!(find(&p.samples, REWORK, &[("period", "month")]).len(), 3);
    assert_eq!(find(&p.samples, DEPLOYMENTS, &[("period", "all")])[0].value, 7.0);
    // No interval was computed for time to restore: no sample, not a NaN or a zero.
    assert!(p.samples.iter().all(|s| s.name != TIME_TO_RESTORE_CI));
    // Per week and per month are multiples of the per-day rate, not series.
    assert!(
        !p.samples
            .iter()
            .any(|s| s.name.contains("per_week") && s.value == 3.5)
    );
    // 3 ranges per series, 1 for `all`; every sample is one of them.
    assert!(
        p.samples
            .iter()
            .all(|s| [T0, T0 + 31 * DAY, T0 + 60 * DAY].contains(&s.timestamp))
    );
}

#[test]
fn empty_summary_is_valid_and_declares_every_family() {
    let text = render(&summary(Vec::new(), Vec::new()));
    let p = parse(&text).unwrap();
    assert_eq!(p.families.len(), FAMILIES.len());
    assert!(p.samples.is_empty());
    assert!(text.ends_with("\n# EOF\n"));
}

#[test]
fn missing_values_and_unavailable_metrics_give_no_samples() {
    let mut s = three_months();
    for r in s.periods.iter_mut().chain(&mut s.overall) {
        if r.metric == Metric::DeploymentFrequency {
            r.value = Some(f64::NAN);
        }
        if r.metric == Metric::ChangeFailureRate {
            r.value = None;
        }
    }
    s.unavailable = vec!["time_to_restore: needs incident exports (--incidents)".into()];
    let p = parse(&render(&s)).unwrap();
    let names = |n: &str| p.samples.iter().filter(|s| s.name == n).count();
    assert_eq!(names(DEPLOYMENT_FREQUENCY), 0, "NaN is not a measurement");
    assert_eq!(names(DEPLOYMENTS), 4);
    assert_eq!(names(CHANGE_FAILURE), 0);
    assert_eq!(names(FAILED_DEPLOYMENTS), 4);
    for n in [TIME_TO_RESTORE, TIME_TO_RESTORE_CI, TIME_TO_RESTORE_SAMPLES] {
        assert_eq!(names(n), 0, "{n}");
    }
    assert_eq!(names(LEAD_TIME_SAMPLES), 4);
}

#[test]
fn a_team_labels_every_sample() {
    let mut s = three_months();
    let plain = parse(&render(&s)).unwrap();
    assert!(
        plain
            .samples
            .iter()
            .all(|x| x.labels.iter().all(|l| l.0 != "team"))
    );
    s.settings.team = Some("pay\"ments".into());
    let p = parse(&render(&s)).unwrap();
    assert_eq!(p.samples.len(), plain.samples.len());
    assert!(
        p.samples
            .iter()
            .all(|x| x.labels.iter().any(|l| l.0 == "team" && l.1 == "pay\"ments"))
    );
}

#[test]
fn groups_label_their_samples_and_leave_the_whole_reports_alone() {
    let whole = parse(&render(&three_months())).unwrap();
    let s = grouped();
    let text = render(&s);
    let p = parse(&text).unwrap();
    let group_of = |x: &Sample| x.labels.iter().find(|l| l.0 == "group").map(|l| l.1.clone());
    // The whole report's samples are exactly those of the same report without groups.
    let ungrouped: Vec<&Sample> = p.samples.iter().filter(|x| group_of(x).is_none()).collect();
    assert_eq!(ungrouped, whole.samples.iter().collect::<Vec<_>>());
    // Every group's series: the whole's label names, plus `group`.
    let web: Vec<&Sample> = p
        .samples
        .iter()
        .filter(|x| group_of(x).as_deref() == Some("web \"shop\""))
        .collect();
    assert_eq!(web.len(), whole.samples.len());
    assert!(text.contains(r#"group="web \"shop\"""#), "escaped");
    let median = |group: &str| {
        find(
            &p.samples,
            LEAD_TIME,
            &[
                ("group", group),
                ("method", "commit"),
                ("period", "all"),
                ("statistic", "median"),
            ],
        )
        .iter()
        .map(|x| x.value)
        .collect::<Vec<_>>()
    };
    assert_eq!(median("web \"shop\""), [3.0 * 3600.0]);
    assert_eq!(median("api"), [0.5 * 3600.0]);
    // A metric unavailable for one group: none of that group's series, the others' kept.
    let restore = |group: &str| {
        p.samples
            .iter()
            .filter(|x| x.name.starts_with("dora_time_to_restore"))
            .filter(|x| group_of(x).as_deref() == Some(group))
            .count()
    };
    assert_eq!(restore("api"), 0);
    assert!(restore("web \"shop\"") > 0);
    assert_eq!(
        p.samples
            .iter()
            .filter(|x| group_of(x).as_deref() == Some("api"))
            .count(),
        whole.samples.len()
            - whole
                .samples
                .iter()
                .filter(|x| x.name.starts_with("dora_time_to_restore"))
                .count()
    );
    // With --team, both labels.
    let mut s = s;
    s.settings.team = Some("pay".into());
    let p = parse(&render(&s)).unwrap();
    assert!(p.samples.iter().all(|x| x.labels.iter().any(|l| l.0 == "team")));
    assert!(
        find(
            &p.samples,
            DEPLOYMENTS,
            &[("group", "api"), ("period", "all"), ("team", "pay")]
        )
        .len()
            == 1
    );
}

#[test]
fn label_values_are_escaped_and_read_back() {
    let odd = "a\"b\\c\nd é";
    let s = summary(rows(T0, T0 + 91 * DAY, 1.0, odd), Vec::new());
    let text = render(&s);
    assert!(text.contains(r#"method="a\"b\\c\nd é""#), "{text}");
    let p = parse(&text).unwrap();
    assert_eq!(
        find(
            &p.samples,
            LEAD_TIME,
            &[("method", odd), ("period", "all"), ("statistic", "median")]
        )
        .len(),
        1
    );
}

#[test]
fn output_is_the_same_whatever_the_row_order() {
    let s = three_months();
    let mut reversed = s.clone();
    reversed.periods.reverse();
    let text = render(&s);
    assert_eq!(text, render(&s));
    assert_eq!(text, render(&reversed));
    parse(&render(&reversed)).unwrap();
}

#[test]
fn the_strict_reader_refuses_what_the_spec_forbids() {
    let bad = [
        ("# TYPE a gauge\na 1 1\n", "EOF"),
        ("# TYPE a gauge\na 1 1\n# EOF\nx", "EOF"),
        ("# TYPE a gauge\n# TYPE a gauge\n# EOF\n", "twice"),
        ("# TYPE a gauge\n# UNIT a seconds\n# EOF\n", "suffix"),
        ("# TYPE a gauge\n# HELP a x\n# UNIT a ratio\n# EOF\n", "order"),
        ("# TYPE a gauge\na 1 1\n# HELP a x\n# EOF\n", "after samples"),
        ("# TYPE a gauge\nb 1 1\n# EOF\n", "inside family"),
        ("a 1 1\n# EOF\n", "before any TYPE"),
        ("# TYPE a gauge\na 1 2\na 1 1\n# EOF\n", "increase"),
        ("# TYPE a gauge\na 1 1\na 1 1\n# EOF\n", "increase"),
        (
            "# TYPE a gauge\na{x=\"1\"} 1 1\na{x=\"2\"} 1 1\na{x=\"1\"} 1 2\n# EOF\n",
            "interleaved",
        ),
        ("# TYPE a gauge\na{x=\"a\"b\"} 1 1\n# EOF\n", ""),
        ("# TYPE a gauge\na{x=\"\\a\"} 1 1\n# EOF\n", "escape"),
        ("# TYPE a gauge\na{x=\"1\",x=\"2\"} 1 1\n# EOF\n", "twice"),
        ("# TYPE a gauge\na NaN 1\n# EOF\n", "realnumber"),
        ("# TYPE a gauge\na 1\n# EOF\n", "timestamp"),
        ("# TYPE a gauge\na 1e 1\n# EOF\n", "realnumber"),
        ("# TYPE a gauge\na . 1\n# EOF\n", "realnumber"),
        ("# TYPE a counter\n# EOF\n", "gauges"),
        ("# TYPE a gauge\r\n# EOF\n", "carriage"),
    ];
    for (text, why) in bad {
        let e = parse(text).expect_err(text);
        assert!(e.contains(why), "{text:?}: {e}");
    }
    // And accepts what it should.
    parse("# TYPE a_seconds gauge\n# UNIT a_seconds seconds\n# HELP a_seconds x \\\" y\na_seconds{b=\"\\n\"} -1.5e-3 5\na_seconds{b=\"\\n\"} .5 6\n# EOF\n")
        .unwrap();
}
