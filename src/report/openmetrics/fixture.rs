//! Summaries shared by the tests of `dora.om` and of the Grafana dashboard (`report::grafana`).

use crate::benchmarks::Category;
use crate::metrics::compare::Direction;
use crate::metrics::{Baseline, GroupSummary, Intervals, Methods, MetricRow, Quality, Summary};
use crate::model::{CommitTime, FailureMethod, GroupBy, LeadTimeMethod, Metric, RestoreMethod};

/// 2024-01-01T00:00:00Z.
pub const T0: i64 = 1_704_067_200;
pub const DAY: i64 = 86_400;

pub fn row(metric: Metric, method: &str, unit: &'static str, start: i64, end: i64) -> MetricRow {
    let period = if end - start > 40 * DAY { "all" } else { "p" };
    MetricRow::blank((period.into(), start, end, false), metric, method.into(), unit)
}

/// The six metric rows of one range, with `k` shifting the values apart.
pub fn rows(start: i64, end: i64, k: f64, lead_method: &str) -> Vec<MetricRow> {
    let mut f = row(Metric::DeploymentFrequency, "count / days", "per day", start, end);
    f.value = Some(0.25 * k);
    f.numerator = Some(7);
    f.sample_size = 7;
    let mut w = row(Metric::DeploymentsPerWeek, "count / days", "per week", start, end);
    w.value = Some(1.75 * k);
    let mut days = row(
        Metric::DeploymentDaysPerWeek,
        "distinct local days / weeks",
        "days per week",
        start,
        end,
    );
    days.value = Some(1.5);
    days.sample_size = 6;
    let mut lead = row(
        Metric::LeadTime,
        &format!("median ({lead_method})"),
        "seconds",
        start,
        end,
    );
    lead.value = Some(3600.0 * k);
    lead.p75 = Some(7200.0 * k);
    lead.p90 = Some(9000.5 * k);
    lead.p95 = Some(1e5 * k);
    lead.mean = Some(4000.0 * k);
    lead.interval_low = Some(1800.0);
    lead.interval_high = Some(5400.0 * k);
    lead.sample_size = 12;
    let mut restore = row(Metric::TimeToRestore, "median (incident)", "seconds", start, end);
    restore.value = Some(600.0 * k);
    restore.p75 = Some(700.0);
    restore.p90 = Some(800.0);
    restore.p95 = Some(900.0);
    restore.mean = Some(650.0);
    restore.sample_size = 3;
    let mut cfr = row(Metric::ChangeFailureRate, "window", "ratio", start, end);
    cfr.value = Some(2.0 / 7.0);
    cfr.numerator = Some(2);
    cfr.denominator = Some(7);
    cfr.sample_size = 7;
    cfr.interval_low = Some(0.08);
    cfr.interval_high = Some(0.64);
    let mut rework = row(
        Metric::DeploymentReworkRate,
        "unplanned / deployments",
        "ratio",
        start,
        end,
    );
    rework.value = Some(0.0);
    rework.numerator = Some(0);
    rework.denominator = Some(7);
    rework.sample_size = 7;
    vec![f, w, days, lead, restore, cfr, rework]
}

/// Monthly periods, every other setting its default.
pub fn methods() -> Methods {
    Methods {
        baseline: Baseline::Previous,
        commit_time: CommitTime::Author,
        failure_method: FailureMethod::Window,
        failure_window_seconds: 2 * DAY,
        fix_tags: None,
        include_backlog: false,
        include_merges: false,
        intervals: Intervals::USED,
        lead_time: LeadTimeMethod::Commit,
        median: "",
        min_sample: 5,
        period: "month".into(),
        quantiles: "",
        restore_time: RestoreMethod::Incident,
        team: None,
    }
}

pub fn summary(overall: Vec<MetricRow>, periods: Vec<MetricRow>) -> Summary {
    Summary {
        version: "0.0.0-test",
        since: T0,
        until: T0 + 91 * DAY,
        timezone: "UTC".into(),
        settings: methods(),
        baseline: None,
        benchmark: ("four-tier".into(), String::new(), String::new()),
        overall,
        periods,
        failure_methods: Vec::new(),
        industry: None,
        industry_shares: None,
        data_quality: Quality::default(),
        unavailable: Vec::new(),
        reference: None,
        group_by: None,
        groups: Vec::new(),
    }
}

/// Three months and the whole range.
pub fn three_months() -> Summary {
    let starts = [T0, T0 + 31 * DAY, T0 + 60 * DAY, T0 + 91 * DAY];
    let periods = (0..3)
        .flat_map(|i| rows(starts[i], starts[i + 1], (i + 1) as f64, "commit"))
        .collect();
    summary(rows(T0, T0 + 91 * DAY, 2.0, "commit"), periods)
}

/// The whole range and three months of one group, `k` shifting its values apart.
fn group(name: &str, k: f64) -> GroupSummary {
    let starts = [T0, T0 + 31 * DAY, T0 + 60 * DAY, T0 + 91 * DAY];
    GroupSummary {
        group: name.into(),
        overall: rows(T0, T0 + 91 * DAY, k, "commit"),
        periods: (0..3)
            .flat_map(|i| rows(starts[i], starts[i + 1], k * (i + 1) as f64, "commit"))
            .collect(),
        failure_methods: Vec::new(),
        data_quality: Quality::default(),
        unavailable: Vec::new(),
    }
}

/// [`three_months`] by service, with categories on the whole-range rows: `web "shop"`
/// (an odd name; its lead time better than the baseline, beyond noise) and `api` (whose
/// records give no time to restore).
pub fn grouped() -> Summary {
    let mut s = three_months();
    s.group_by = Some(GroupBy::Service);
    let mut web = group("web \"shop\"", 3.0);
    let mut api = group("api", 0.5);
    for r in s
        .overall
        .iter_mut()
        .chain(&mut web.overall)
        .chain(&mut api.overall)
    {
        r.category = match r.metric {
            Metric::DeploymentFrequency => Some(Category::Medium),
            Metric::LeadTime => Some(Category::Elite),
            Metric::ChangeFailureRate => Some(Category::Low),
            Metric::TimeToRestore => Some(Category::High),
            _ => None,
        };
    }
    for r in &mut web.overall {
        if r.metric == Metric::LeadTime {
            r.baseline_value = Some(7200.0 * 3.0);
            r.change = Some(-3600.0 * 3.0);
            r.direction = Some(Direction::Better);
            r.significant = Some(true);
        }
    }
    for r in api.overall.iter_mut().chain(&mut api.periods) {
        if r.metric == Metric::TimeToRestore {
            *r = MetricRow::blank(
                (r.period.clone(), r.start, r.end, r.partial),
                r.metric,
                r.method.clone(),
                r.unit,
            );
        }
    }
    api.unavailable = vec!["time_to_restore: no incident names this service".into()];
    s.groups = vec![web, api];
    s
}
