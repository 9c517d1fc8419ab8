//! From samples to rows: what each range holds ([`Cells`]), and the per-metric rows with
//! their benchmark category, survey answer and comparison with the baseline.

use super::aggregate::{self, DurationStats};
use super::samples::Samples;
use super::{IndustryStanding, MetricRow, Options, compare, instant};
use crate::benchmarks::Better;
use crate::benchmarks::survey::{self, Industry};
use crate::model::Metric;
use crate::periods::{Period, period_of};

/// What one range holds, before it becomes rows.
#[derive(Debug, Clone, Default)]
pub(super) struct Cells {
    pub(super) days: f64,
    pub(super) deployments: u64,
    pub(super) deployment_days: u64,
    pub(super) lead: Option<DurationStats>,
    pub(super) restore: Option<DurationStats>,
    pub(super) failed: (u64, u64),
    pub(super) rework: (u64, u64),
}

/// Measures every metric in each of `ranges` (sorted, disjoint).
pub(super) fn measure(s: &Samples, ranges: &[Period]) -> Vec<Cells> {
    let place = |t: i64| period_of(ranges, instant(t)).map(|p| p as u32);
    let mut cells: Vec<Cells> = ranges
        .iter()
        .map(|p| Cells {
            days: (p.end - p.start).num_seconds() as f64 / 86_400.0,
            ..Default::default()
        })
        .collect();
    let mut last_day: Vec<Option<i64>> = vec![None; ranges.len()];
    for &(t, day) in &s.deploys {
        if let Some(p) = place(t) {
            let c = &mut cells[p as usize];
            c.deployments += 1;
            // Deployments are in time order, so a new day shows as a change of day number.
            if last_day[p as usize] != Some(day) {
                c.deployment_days += 1;
                last_day[p as usize] = Some(day);
            }
        }
    }
    for &(t, failed) in &s.failed {
        if let Some(p) = place(t) {
            let c = &mut cells[p as usize];
            c.failed.1 += 1;
            c.failed.0 += u64::from(failed);
        }
    }
    for &(t, unplanned) in &s.rework {
        if let Some(p) = place(t) {
            let c = &mut cells[p as usize];
            c.rework.1 += 1;
            c.rework.0 += u64::from(unplanned);
        }
    }
    let tag = |v: &[(i64, i64)]| -> Vec<(u32, i64)> {
        v.iter().filter_map(|&(t, x)| place(t).map(|p| (p, x))).collect()
    };
    let (lead, restore) = rayon::join(
        || aggregate::by_period(&tag(&s.lead), ranges.len()),
        || aggregate::by_period(&tag(&s.restore), ranges.len()),
    );
    for ((c, l), r) in cells.iter_mut().zip(lead).zip(restore) {
        c.lead = l;
        c.restore = r;
    }
    cells
}

/// Days in an average Gregorian month.
pub(super) const MONTH_DAYS: f64 = 30.436_875;

fn better_of(metric: Metric) -> Better {
    if metric.higher_is_better() {
        Better::Higher
    } else {
        Better::Lower
    }
}

pub(super) fn small(n: u64) -> Option<String> {
    (n < crate::stats::MIN_SAMPLE as u64)
        .then(|| format!("small sample: {n} (fewer than {})", crate::stats::MIN_SAMPLE))
}

/// The rows of one range, compared with `base`.
pub(super) fn rows(
    p: &Period,
    c: &Cells,
    base: Option<&Cells>,
    missing: &[Metric],
    opts: &Options,
) -> Vec<MetricRow> {
    let row = |metric: Metric, method: String, unit: &'static str| {
        MetricRow::blank(
            (p.label.clone(), p.start.timestamp(), p.end.timestamp(), p.partial),
            metric,
            method,
            unit,
        )
    };
    let per = |c: &Cells, scale: f64| (c.days > 0.0).then(|| c.deployments as f64 / c.days * scale);
    let mut out = Vec::new();

    for (metric, scale, unit) in [
        (Metric::DeploymentFrequency, 1.0, "per day"),
        (Metric::DeploymentsPerWeek, 7.0, "per week"),
        (Metric::DeploymentsPerMonth, MONTH_DAYS, "per month"),
    ] {
        let mut r = row(metric, "count / days".into(), unit);
        r.value = per(c, scale);
        r.sample_size = c.deployments;
        r.numerator = Some(c.deployments);
        if let Some(b) = base {
            r.baseline_value = per(b, scale);
            r.significant = compare::counts_differ(c.deployments, c.days, b.deployments, b.days);
        }
        if metric == Metric::DeploymentFrequency {
            r.survey_answer = r.value.map(|v| survey::deployment_frequency(v).label);
            r.warning = small(c.deployments);
        }
        out.push(r);
    }
    let mut r = row(
        Metric::DeploymentDaysPerWeek,
        "distinct local days / weeks".into(),
        "days per week",
    );
    fn days_per_week(c: &Cells) -> Option<f64> {
        (c.days > 0.0).then(|| c.deployment_days as f64 / (c.days / 7.0))
    }
    r.value = days_per_week(c);
    r.sample_size = c.deployment_days;
    r.baseline_value = base.and_then(days_per_week);
    out.push(r);

    let lead_method = opts.lead_time.name();
    let restore_method = opts.restore.name();
    for (metric, method, stats, bstats) in [
        (Metric::LeadTime, lead_method, &c.lead, base.map(|b| &b.lead)),
        (
            Metric::TimeToRestore,
            restore_method,
            &c.restore,
            base.map(|b| &b.restore),
        ),
    ] {
        let mut r = row(metric, format!("median ({method})"), "seconds");
        if let Some(s) = stats {
            r.value = Some(s.median);
            r.sample_size = s.count;
            r.interval_low = s.interval.map(|i| i.0);
            r.interval_high = s.interval.map(|i| i.1);
            r.p75 = Some(s.p75);
            r.p90 = Some(s.p90);
            r.p95 = Some(s.p95);
            r.mean = Some(s.mean);
            r.survey_answer = Some(survey::duration(s.median).label);
        }
        r.warning = small(r.sample_size);
        if let Some(Some(b)) = bstats {
            r.baseline_value = Some(b.median);
            r.significant = compare::intervals_apart(stats.as_ref().and_then(|s| s.interval), b.interval);
        }
        out.push(r);
    }

    for (metric, method, (x, n), bx) in [
        (
            Metric::ChangeFailureRate,
            opts.failure.name().to_owned(),
            c.failed,
            base.map(|b| b.failed),
        ),
        (
            Metric::DeploymentReworkRate,
            "unplanned / deployments".to_owned(),
            c.rework,
            base.map(|b| b.rework),
        ),
    ] {
        let mut r = row(metric, method, "ratio");
        r.numerator = Some(x);
        r.denominator = Some(n);
        r.sample_size = n;
        if n > 0 {
            r.value = Some(x as f64 / n as f64);
            if let Some((lo, hi)) = crate::stats::wilson(x, n, crate::stats::Z95) {
                r.interval_low = Some(lo);
                r.interval_high = Some(hi);
            }
        }
        r.warning = small(n);
        if let Some((bx, bn)) = bx {
            r.baseline_value = (bn > 0).then(|| bx as f64 / bn as f64);
            r.significant = compare::rates_differ(x, n, bx, bn);
        }
        out.push(r);
    }

    for r in &mut out {
        if missing.contains(&r.metric) {
            // Without the data a metric needs, a zero would be a lie: an empty row says so.
            *r = MetricRow {
                warning: Some("not available from these inputs".into()),
                ..row(r.metric, std::mem::take(&mut r.method), r.unit)
            };
            continue;
        }
        if let Some(key) = r.metric.profile_key() {
            r.category = opts
                .benchmark
                .metrics
                .get(key)
                .and_then(|t| r.value.and_then(|v| t.categorize(v)));
        }
        if let (Some(v), Some(b)) = (r.value, r.baseline_value) {
            r.change = Some(v - b);
            r.direction = Some(compare::direction(v, b, better_of(r.metric)));
        } else {
            r.significant = None;
        }
    }
    out
}

pub(super) fn industry_standing(ind: &Industry, overall: &[MetricRow]) -> IndustryStanding {
    let value = |m: Metric| overall.iter().find(|r| r.metric == m).and_then(|r| r.value);
    let placed = |key: &str| !ind.withheld.contains_key(key);
    let mut standings = Vec::new();
    let scores = [
        (Metric::LeadTime, "leadtime", Some(ind.leadtime)),
        (Metric::DeploymentFrequency, "deployfreq", Some(ind.deployfreq)),
        (
            Metric::ChangeFailureRate,
            "changefailure",
            Some(ind.changefailure),
        ),
        (
            Metric::TimeToRestore,
            "failurerecovery",
            Some(ind.failurerecovery),
        ),
        (Metric::DeploymentReworkRate, "rework", ind.rework),
    ];
    for (metric, key, spread) in scores {
        let (Some(v), Some(spread)) = (value(metric), spread) else {
            continue;
        };
        if !placed(key) {
            continue;
        }
        let score = match metric {
            Metric::DeploymentFrequency => survey::answer_score(survey::deployment_frequency(v)),
            Metric::ChangeFailureRate | Metric::DeploymentReworkRate => survey::rate_score(v),
            _ => survey::answer_score(survey::duration(v)),
        };
        standings.push(survey::standing(key, score, spread));
    }
    // The overall score is the mean of the four (2024) scores, as the Quick Check's was.
    if standings.len() == 4 && ind.rework.is_none() && placed("performance_average") {
        let mean = standings.iter().map(|s| s.score).sum::<f64>() / 4.0;
        standings.push(survey::standing(
            "performance_average",
            mean,
            ind.performance_average,
        ));
    }
    let default = ind.kind == survey::Kind::Industry && ind.edition == survey::DEFAULT_EDITION;
    IndustryStanding {
        industry: ind.key.clone(),
        name: ind.name.clone(),
        source: ind.source.clone(),
        standings,
        table: (!default).then(|| ind.table.clone()),
        withheld: ind.withheld.clone(),
        kind: ind.kind,
        edition: ind.edition,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::benchmarks::Category;
    use crate::metrics::compare::Direction;
    use crate::metrics::testutil::{Records, at, deployment, options, zone};

    const DAY: i64 = 86_400;
    /// 2024-05-01T00:00:00Z.
    const MAY_1: i64 = 1_714_521_600;
    /// 2024-05-01 counted from 0001-01-01 (day 1): 719,163 (the epoch) + 19,844.
    const MAY_1_DAY: i64 = 739_007;

    fn close(a: f64, b: f64) -> bool {
        (a - b).abs() < 1e-9
    }

    fn assert_close(got: Option<f64>, want: f64, what: &str) {
        let v = got.unwrap_or_else(|| panic!("{what}: no value"));
        assert!(close(v, want), "{what}: {v} != {want}");
    }

    fn period(label: &str, start: i64, end: i64) -> Period {
        Period {
            label: label.into(),
            start: at(start),
            end: at(end),
            partial: false,
        }
    }

    fn stats(count: u64, median: f64, interval: Option<(f64, f64)>) -> DurationStats {
        DurationStats {
            count,
            median,
            p75: median + 10.0,
            p90: median + 20.0,
            p95: median + 30.0,
            mean: median + 1.0,
            interval,
        }
    }

    fn row(rows: &[MetricRow], m: Metric) -> &MetricRow {
        let found: Vec<&MetricRow> = rows.iter().filter(|r| r.metric == m).collect();
        assert_eq!(found.len(), 1, "{m}");
        found[0]
    }

    // --- measure ----------------------------------------------------------------------

    #[test]
    fn measure_counts_per_period() {
        // Three periods: day 0, day 1, and half of day 2 (days 1, 1 and 0.5).
        let ranges = [
            period("p0", 0, DAY),
            period("p1", DAY, 2 * DAY),
            period("p2", 2 * DAY, 2 * DAY + DAY / 2),
        ];
        let s = Samples {
            // Day numbers as samples gives them; the last deployment is after every period.
            deploys: vec![
                (100, 0),
                (200, 0),
                (DAY, 1), // on the boundary: the later period (ends are exclusive)
                (170_000, 1),
                (180_000, 2),
                (300_000, 3),
            ],
            lead: vec![(100, 50), (200, 150), (DAY, 10)],
            restore: vec![(300_000, 5)],
            failed: vec![
                (100, true),
                (200, false),
                (150, true),
                (DAY, false),
                (170_000, true),
                (180_000, false),
            ],
            rework: vec![
                (100, false),
                (200, true),
                (DAY, true),
                (170_000, true),
                (180_000, false),
            ],
        };
        let c = measure(&s, &ranges);
        assert_eq!(c.len(), 3);
        let got: Vec<_> = c
            .iter()
            .map(|c| (c.days, c.deployments, c.deployment_days, c.failed, c.rework))
            .collect();
        assert_eq!(
            got,
            [
                // p0: 100, 200 on day 0; failed 100 and 150 of three; rework 200 of two.
                (1.0, 2, 1, (2, 3), (1, 2)),
                // p1: 86400 and 170000, both day 1; failed 170000 of two; rework both.
                (1.0, 2, 1, (1, 2), (2, 2)),
                // p2: 180000 alone.
                (0.5, 1, 1, (0, 1), (0, 1)),
            ]
        );
        // Lead: p0 has 50 and 150 (median and mean 100), p1 has 10, p2 nothing.
        let l0 = c[0].lead.as_ref().unwrap();
        assert_eq!((l0.count, l0.median, l0.mean), (2, 100.0, 100.0));
        let l1 = c[1].lead.as_ref().unwrap();
        assert_eq!((l1.count, l1.median, l1.interval), (1, 10.0, None));
        assert_eq!(c[2].lead, None);
        // The restore sample is after every period.
        assert!(c.iter().all(|c| c.restore.is_none()));
    }

    /// Four deployments: May 1 21:30 and 22:30 UTC (one UTC day), May 2 21:00 and 23:00
    /// UTC (the next). At +02:00 they are May 1 23:30, May 2 00:30, May 2 23:00 and May 3
    /// 01:00: three local days.
    fn evening_deployments() -> Records {
        Records {
            deployments: vec![
                deployment("a", MAY_1 + 77_400),
                deployment("b", MAY_1 + 81_000),
                deployment("c", MAY_1 + DAY + 75_600),
                deployment("d", MAY_1 + DAY + 82_800),
            ],
            ..Default::default()
        }
    }

    #[test]
    fn deployment_days_are_local_days() {
        let whole = [period("all", MAY_1, MAY_1 + 3 * DAY)];
        // By hand, the day numbers at +02:00: May 1, May 2, May 2, May 3.
        let s = Samples {
            deploys: vec![
                (MAY_1 + 77_400, MAY_1_DAY),
                (MAY_1 + 81_000, MAY_1_DAY + 1),
                (MAY_1 + DAY + 75_600, MAY_1_DAY + 1),
                (MAY_1 + DAY + 82_800, MAY_1_DAY + 2),
            ],
            ..Default::default()
        };
        let c = &measure(&s, &whole)[0];
        assert_eq!((c.days, c.deployments, c.deployment_days), (3.0, 4, 3));

        // The same through the samples step, in a named zone (Berlin is +02:00 in May) and
        // in UTC, where the four fall on two days.
        let r = evening_deployments();
        for (z, days) in [("Europe/Berlin", 3), ("UTC", 2)] {
            let opts = crate::metrics::Options {
                zone: zone(z),
                ..options()
            };
            let i = r.inputs();
            let f = crate::metrics::failure::classify(opts.failure, i.deployments, &[], &[], None, 0);
            let u = vec![None; i.deployments.len()];
            let (s, _) = crate::metrics::samples::samples(i, &opts, &f, &u, (MAY_1, MAY_1 + 3 * DAY));
            let c = &measure(&s, &whole)[0];
            assert_eq!((c.deployments, c.deployment_days), (4, days), "{z}");
        }
    }

    // --- rows -------------------------------------------------------------------------

    fn cells(days: f64, deployments: u64, deployment_days: u64) -> Cells {
        Cells {
            days,
            deployments,
            deployment_days,
            ..Default::default()
        }
    }

    fn rows_of(c: &Cells, base: Option<&Cells>, missing: &[Metric]) -> Vec<MetricRow> {
        rows(&period("p", 0, 20 * DAY), c, base, missing, &options())
    }

    #[test]
    fn rows_in_order_with_methods_and_units() {
        let r = rows_of(&cells(20.0, 10, 6), None, &[]);
        let got: Vec<(Metric, &str, &str)> =
            r.iter().map(|r| (r.metric, r.method.as_str(), r.unit)).collect();
        assert_eq!(
            got,
            [
                (Metric::DeploymentFrequency, "count / days", "per day"),
                (Metric::DeploymentsPerWeek, "count / days", "per week"),
                (Metric::DeploymentsPerMonth, "count / days", "per month"),
                (
                    Metric::DeploymentDaysPerWeek,
                    "distinct local days / weeks",
                    "days per week"
                ),
                (Metric::LeadTime, "median (commit)", "seconds"),
                (Metric::TimeToRestore, "median (incident)", "seconds"),
                (Metric::ChangeFailureRate, "window", "ratio"),
                (Metric::DeploymentReworkRate, "unplanned / deployments", "ratio"),
            ]
        );
        assert!(
            r.iter()
                .all(|r| (r.period.as_str(), r.start, r.end) == ("p", 0, 20 * DAY))
        );
    }

    #[test]
    fn deployment_frequency_scales_by_day_week_and_month() {
        let r = rows_of(&cells(20.0, 10, 6), None, &[]);
        // 10 in 20 days: 0.5 a day (four-tier: high, from 0.23), 3.5 a week,
        // 0.5 x 30.436875 = 15.2184375 a month.
        let df = row(&r, Metric::DeploymentFrequency);
        assert_eq!(df.value, Some(0.5));
        assert_eq!(
            (df.sample_size, df.numerator, df.denominator),
            (10, Some(10), None)
        );
        assert_eq!(df.category, Some(Category::High));
        assert_eq!(df.survey_answer, Some("Between once per day and once per week"));
        assert_eq!(df.warning, None);
        let week = row(&r, Metric::DeploymentsPerWeek);
        assert_eq!((week.value, week.numerator), (Some(3.5), Some(10)));
        let month = row(&r, Metric::DeploymentsPerMonth);
        assert_close(month.value, 15.218_437_5, "per month");
        // Only the daily rate has a category and a survey answer.
        assert_eq!((week.category, week.survey_answer), (None, None));
        assert_eq!((month.category, month.survey_answer), (None, None));
        // 6 distinct days in 20 / 7 weeks: 6 x 7 / 20 = 2.1.
        let days = row(&r, Metric::DeploymentDaysPerWeek);
        assert_close(days.value, 2.1, "days per week");
        assert_eq!((days.sample_size, days.numerator), (6, None));

        // A range of no length has no rate.
        let r = rows_of(&cells(0.0, 0, 0), None, &[]);
        assert_eq!(row(&r, Metric::DeploymentFrequency).value, None);
        assert_eq!(row(&r, Metric::DeploymentDaysPerWeek).value, None);
    }

    #[test]
    fn durations_carry_their_statistics() {
        let c = Cells {
            lead: Some(stats(8, 100.0, Some((90.0, 110.0)))),
            restore: Some(stats(6, 90_000.0, None)),
            ..cells(20.0, 10, 6)
        };
        let r = rows_of(&c, None, &[]);
        let lead = row(&r, Metric::LeadTime);
        assert_eq!(
            (
                lead.value,
                lead.sample_size,
                lead.interval_low,
                lead.interval_high
            ),
            (Some(100.0), 8, Some(90.0), Some(110.0))
        );
        assert_eq!(
            (lead.p75, lead.p90, lead.p95, lead.mean),
            (Some(110.0), Some(120.0), Some(130.0), Some(101.0))
        );
        // 100 s: under an hour, elite.
        assert_eq!(lead.category, Some(Category::Elite));
        assert_eq!(lead.survey_answer, Some("Less than one hour"));
        let ttr = row(&r, Metric::TimeToRestore);
        // 90000 s, just over a day: medium (a day to a week).
        assert_eq!((ttr.value, ttr.interval_low), (Some(90_000.0), None));
        assert_eq!(ttr.category, Some(Category::Medium));
        assert_eq!(ttr.survey_answer, Some("Between one day and one week"));
    }

    #[test]
    fn ratios_with_wilson_intervals() {
        let c = Cells {
            failed: (2, 10),
            rework: (0, 10),
            ..cells(20.0, 10, 6)
        };
        let r = rows_of(&c, None, &[]);
        // 2 of 10 at z = 1.959964 (z^2 = 3.841459, z^2/n = 0.384146):
        //   denominator 1 + 0.384146 = 1.384146;
        //   centre (0.2 + z^2/(2n)) / 1.384146 = (0.2 + 0.192073) / 1.384146 = 0.283260;
        //   half-width z sqrt(0.2 x 0.8 / 10 + z^2 / 400) / 1.384146
        //     = 1.959964 x sqrt(0.016 + 0.009604) / 1.384146 = 1.959964 x 0.160011 / 1.384146
        //     = 0.226578;
        //   interval (0.056682, 0.509838).
        let cfr = row(&r, Metric::ChangeFailureRate);
        assert_eq!(cfr.value, Some(0.2));
        assert_eq!(
            (cfr.numerator, cfr.denominator, cfr.sample_size),
            (Some(2), Some(10), 10)
        );
        assert!((cfr.interval_low.unwrap() - 0.056_682).abs() < 1e-6, "{cfr:?}");
        assert!((cfr.interval_high.unwrap() - 0.509_838).abs() < 1e-6, "{cfr:?}");
        // Four-tier: at most 15% elite, at most 30% high.
        assert_eq!(cfr.category, Some(Category::High));
        assert_eq!(cfr.warning, None);
        // 0 of 10: the lower end is exactly 0, the upper (z^2/n) / (1 + z^2/n) =
        // 0.384146 / 1.384146 = 0.277533. Rework has no four-tier thresholds.
        let rework = row(&r, Metric::DeploymentReworkRate);
        assert_eq!((rework.value, rework.interval_low), (Some(0.0), Some(0.0)));
        assert!(
            (rework.interval_high.unwrap() - 0.277_533).abs() < 1e-6,
            "{rework:?}"
        );
        assert_eq!(rework.category, None);
    }

    #[test]
    fn small_samples_are_flagged() {
        let small_cells = Cells {
            lead: Some(stats(3, 100.0, Some((90.0, 110.0)))),
            failed: (1, 4),
            ..cells(7.0, 4, 2)
        };
        let r = rows_of(&small_cells, None, &[]);
        let warning = |m: Metric| row(&r, m).warning.as_deref();
        assert_eq!(
            warning(Metric::DeploymentFrequency),
            Some("small sample: 4 (fewer than 5)")
        );
        assert_eq!(warning(Metric::LeadTime), Some("small sample: 3 (fewer than 5)"));
        // No restore values at all: no value and a sample of 0.
        assert_eq!(
            warning(Metric::TimeToRestore),
            Some("small sample: 0 (fewer than 5)")
        );
        assert_eq!(row(&r, Metric::TimeToRestore).value, None);
        assert_eq!(
            warning(Metric::ChangeFailureRate),
            Some("small sample: 4 (fewer than 5)")
        );
        // No deployments counted for rework: no value, no interval, 0 of 0 shown.
        assert_eq!(
            warning(Metric::DeploymentReworkRate),
            Some("small sample: 0 (fewer than 5)")
        );
        let rework = row(&r, Metric::DeploymentReworkRate);
        assert_eq!(
            (
                rework.value,
                rework.interval_low,
                rework.numerator,
                rework.denominator
            ),
            (None, None, Some(0), Some(0))
        );
        // The other scales of the same count carry no warning of their own.
        for m in [
            Metric::DeploymentsPerWeek,
            Metric::DeploymentsPerMonth,
            Metric::DeploymentDaysPerWeek,
        ] {
            assert_eq!(warning(m), None, "{m}");
        }

        // At MIN_SAMPLE (5) there is no warning.
        assert_eq!(crate::stats::MIN_SAMPLE, 5);
        let five = Cells {
            lead: Some(stats(5, 100.0, None)),
            restore: Some(stats(5, 100.0, None)),
            failed: (1, 5),
            rework: (0, 5),
            ..cells(7.0, 5, 2)
        };
        assert!(rows_of(&five, None, &[]).iter().all(|r| r.warning.is_none()));
    }

    fn current() -> Cells {
        Cells {
            lead: Some(stats(8, 100.0, Some((90.0, 110.0)))),
            restore: Some(stats(6, 500.0, Some((400.0, 600.0)))),
            failed: (2, 10),
            rework: (1, 10),
            ..cells(20.0, 10, 6)
        }
    }

    fn previous() -> Cells {
        Cells {
            lead: Some(stats(8, 200.0, Some((150.0, 250.0)))),
            restore: None,
            failed: (1, 10),
            rework: (1, 10),
            ..cells(20.0, 5, 5)
        }
    }

    #[test]
    fn missing_metrics_give_empty_rows() {
        let missing = [Metric::LeadTime, Metric::ChangeFailureRate];
        let r = rows_of(&current(), Some(&previous()), &missing);
        for (m, method, unit) in [
            (Metric::LeadTime, "median (commit)", "seconds"),
            (Metric::ChangeFailureRate, "window", "ratio"),
        ] {
            // Nothing but the period, metric, method, unit and the warning: no value, no
            // numerator, no baseline, no category.
            let want = MetricRow {
                warning: Some("not available from these inputs".into()),
                ..MetricRow::blank(("p".into(), 0, 20 * DAY, false), m, method.into(), unit)
            };
            assert_eq!(row(&r, m), &want);
        }
        // The others are untouched.
        assert_eq!(row(&r, Metric::TimeToRestore).value, Some(500.0));
        assert_eq!(row(&r, Metric::DeploymentReworkRate).value, Some(0.1));
    }

    #[test]
    fn change_and_direction_against_the_baseline() {
        let r = rows_of(&current(), Some(&previous()), &[]);
        let got = |m: Metric| {
            let r = row(&r, m);
            (r.value, r.baseline_value, r.change, r.direction, r.significant)
        };
        // 0.5 a day against 5 / 20 = 0.25: more is better. Noise: under equal rates the
        // current share of the 15 deployments is p = 20 / 40 = 0.5; the Wilson interval of
        // 10 of 15 (centre (0.666667 + 0.128049) / 1.256097 = 0.632687, half-width
        // 1.959964 x sqrt(0.014815 + 0.004268) / 1.256097 = 0.215551) is (0.417136,
        // 0.848238), which holds 0.5.
        assert_eq!(
            got(Metric::DeploymentFrequency),
            (
                Some(0.5),
                Some(0.25),
                Some(0.25),
                Some(Direction::Better),
                Some(false)
            )
        );
        assert_eq!(
            got(Metric::DeploymentsPerWeek),
            (
                Some(3.5),
                Some(1.75),
                Some(1.75),
                Some(Direction::Better),
                Some(false)
            )
        );
        // Days per week: 2.1 against 5 x 7 / 20 = 1.75; no significance test.
        let days = row(&r, Metric::DeploymentDaysPerWeek);
        assert_close(days.baseline_value, 1.75, "baseline days per week");
        assert_close(days.change, 0.35, "change in days per week");
        assert_eq!(
            (days.direction, days.significant),
            (Some(Direction::Better), None)
        );
        // Lead 100 against 200: shorter is better; the intervals (90, 110) and (150, 250) do
        // not overlap.
        assert_eq!(
            got(Metric::LeadTime),
            (
                Some(100.0),
                Some(200.0),
                Some(-100.0),
                Some(Direction::Better),
                Some(true)
            )
        );
        // No restore values in the baseline: nothing to compare.
        assert_eq!(got(Metric::TimeToRestore), (Some(500.0), None, None, None, None));
        // 2 of 10 against 1 of 10: higher is worse. Newcombe: d = 0.1; the lower end
        // 0.1 - sqrt((0.2 - 0.056682)^2 + (0.404150 - 0.1)^2) = 0.1 - 0.336225 < 0, the upper
        // 0.1 + sqrt((0.509838 - 0.2)^2 + (0.1 - 0.017876)^2) = 0.1 + 0.320536 > 0: noise.
        let cfr = row(&r, Metric::ChangeFailureRate);
        assert_eq!((cfr.value, cfr.baseline_value), (Some(0.2), Some(0.1)));
        assert_close(cfr.change, 0.1, "change in failure rate");
        assert_eq!(
            (cfr.direction, cfr.significant),
            (Some(Direction::Worse), Some(false))
        );
        // 1 of 10 against 1 of 10.
        assert_eq!(
            got(Metric::DeploymentReworkRate),
            (
                Some(0.1),
                Some(0.1),
                Some(0.0),
                Some(Direction::Same),
                Some(false)
            )
        );

        // Fewer deployments than the baseline: worse; and a rate the current range cannot
        // give is not compared (its significance is dropped with it).
        let fewer = Cells {
            failed: (0, 0),
            ..cells(20.0, 2, 2)
        };
        let r = rows_of(&fewer, Some(&previous()), &[]);
        let df = row(&r, Metric::DeploymentFrequency);
        assert_eq!((df.value, df.direction), (Some(0.1), Some(Direction::Worse)));
        let cfr = row(&r, Metric::ChangeFailureRate);
        assert_eq!(
            (
                cfr.value,
                cfr.baseline_value,
                cfr.change,
                cfr.direction,
                cfr.significant
            ),
            (None, Some(0.1), None, None, None)
        );
    }
}
