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
pub(super) fn measure(s: &Samples, ranges: &[Period], seed: u64) -> Vec<Cells> {
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
    let lead = aggregate::by_period(&tag(&s.lead), ranges.len(), seed);
    let restore = aggregate::by_period(&tag(&s.restore), ranges.len(), seed);
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
    let mut standings = Vec::new();
    if let Some(v) = value(Metric::LeadTime) {
        standings.push(survey::standing(
            "leadtime",
            survey::answer_score(survey::duration(v)),
            ind.leadtime,
        ));
    }
    if let Some(v) = value(Metric::DeploymentFrequency) {
        standings.push(survey::standing(
            "deployfreq",
            survey::answer_score(survey::deployment_frequency(v)),
            ind.deployfreq,
        ));
    }
    if let Some(v) = value(Metric::ChangeFailureRate) {
        standings.push(survey::standing(
            "changefailure",
            survey::rate_score(v),
            ind.changefailure,
        ));
    }
    if let Some(v) = value(Metric::TimeToRestore) {
        standings.push(survey::standing(
            "failurerecovery",
            survey::answer_score(survey::duration(v)),
            ind.failurerecovery,
        ));
    }
    if standings.len() == 4 {
        let mean = standings.iter().map(|s| s.score).sum::<f64>() / 4.0;
        standings.push(survey::standing(
            "performance_average",
            mean,
            ind.performance_average,
        ));
    }
    let source = survey::industries().map(|i| i.source).unwrap_or_default();
    IndustryStanding {
        industry: ind.key.clone(),
        name: ind.name.clone(),
        source,
        standings,
    }
}
