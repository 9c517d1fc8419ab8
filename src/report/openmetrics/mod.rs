//! `dora.om`: the per-period and whole-range metrics as OpenMetrics 1.0 text with timestamps,
//! for `promtool tsdb create-blocks-from openmetrics` (docs/openmetrics.md lists every series).
//!
//! Each sample is stamped with the start of the range it summarizes, so a period is one point
//! per series and never a label: a `period="2024-07"` label would make every month a series of
//! its own, which Prometheus stores as churn and Grafana cannot draw as a line. The `period`
//! label holds the period *length* (`month`, `week`, `7d`) or `all` for the whole range, so
//! reports with different lengths loaded into one Prometheus stay apart. With `--group-by`,
//! each group's series carry a `group` label; the whole report's carry none.

use crate::model::Metric;
use std::fmt::Write as _;

use crate::metrics::{MetricRow, Summary};

/// Successful production deployments per day.
pub const DEPLOYMENT_FREQUENCY: &str = "dora_deployment_frequency_per_day";
/// Successful production deployments (the count behind the frequency).
pub const DEPLOYMENTS: &str = "dora_deployments";
/// Distinct local calendar days with a deployment, per week.
pub const DEPLOYMENT_DAYS_PER_WEEK: &str = "dora_deployment_days_per_week";
/// Distinct local calendar days with a deployment.
pub const DEPLOYMENT_DAYS: &str = "dora_deployment_days";
/// Change lead time statistics.
pub const LEAD_TIME: &str = "dora_lead_time_seconds";
/// 95% interval of the lead-time median.
pub const LEAD_TIME_CI: &str = "dora_lead_time_median_ci95_seconds";
/// Lead times behind the statistics.
pub const LEAD_TIME_SAMPLES: &str = "dora_lead_time_samples";
/// Time to restore statistics.
pub const TIME_TO_RESTORE: &str = "dora_time_to_restore_seconds";
/// 95% interval of the time-to-restore median.
pub const TIME_TO_RESTORE_CI: &str = "dora_time_to_restore_median_ci95_seconds";
/// Restore times behind the statistics.
pub const TIME_TO_RESTORE_SAMPLES: &str = "dora_time_to_restore_samples";
/// Change failure rate.
pub const CHANGE_FAILURE: &str = "dora_change_failure_ratio";
/// Wilson 95% interval of the change failure rate.
pub const CHANGE_FAILURE_CI: &str = "dora_change_failure_ci95_ratio";
/// Failed deployments (the rate's numerator).
pub const FAILED_DEPLOYMENTS: &str = "dora_failed_deployments";
/// Deployments the rate counts (its denominator).
pub const CHANGE_FAILURE_SAMPLES: &str = "dora_change_failure_samples";
/// Deployment rework rate.
pub const REWORK: &str = "dora_deployment_rework_ratio";
/// Wilson 95% interval of the rework rate.
pub const REWORK_CI: &str = "dora_deployment_rework_ci95_ratio";
/// Unplanned deployments (the rework rate's numerator).
pub const UNPLANNED_DEPLOYMENTS: &str = "dora_unplanned_deployments";
/// Deployments the rework rate counts.
pub const REWORK_SAMPLES: &str = "dora_deployment_rework_samples";

/// One metric family's metadata. Every family is a gauge: each sample is a finished
/// measurement of one range, not a running total.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Family {
    /// Name; ends with `_<unit>` when there is a unit (the OpenMetrics rule).
    pub name: &'static str,
    /// OpenMetrics unit (`seconds`, `ratio`), or none for counts and per-day rates, which
    /// have no base unit: per second would turn 0.13 deployments a day into 1.5e-6.
    pub unit: Option<&'static str>,
    /// `# HELP` text.
    pub help: &'static str,
}

const fn family(name: &'static str, unit: Option<&'static str>, help: &'static str) -> Family {
    Family { name, unit, help }
}

const SECONDS: Option<&str> = Some("seconds");
const RATIO: Option<&str> = Some("ratio");

/// Every family, in the order `dora.om` declares them. All are declared even when a report
/// has no samples for them, so the file's schema does not depend on the data.
pub const FAMILIES: [Family; 18] = [
    family(
        DEPLOYMENT_FREQUENCY,
        None,
        "Successful production deployments per day in the range starting at the sample's timestamp.",
    ),
    family(
        DEPLOYMENTS,
        None,
        "Successful production deployments in the range.",
    ),
    family(
        DEPLOYMENT_DAYS_PER_WEEK,
        None,
        "Distinct local calendar days with a deployment, per week of the range.",
    ),
    family(
        DEPLOYMENT_DAYS,
        None,
        "Distinct local calendar days with a deployment in the range.",
    ),
    family(
        LEAD_TIME,
        SECONDS,
        "Change lead time of the changes deployed in the range, by statistic.",
    ),
    family(
        LEAD_TIME_CI,
        SECONDS,
        "95% interval of the change lead time median (order statistics at binomial ranks).",
    ),
    family(
        LEAD_TIME_SAMPLES,
        None,
        "Lead times behind the lead time statistics of the range.",
    ),
    family(
        TIME_TO_RESTORE,
        SECONDS,
        "Time to restore of the incidents (or failed deployments) started in the range, by statistic.",
    ),
    family(
        TIME_TO_RESTORE_CI,
        SECONDS,
        "95% interval of the time to restore median (order statistics at binomial ranks).",
    ),
    family(
        TIME_TO_RESTORE_SAMPLES,
        None,
        "Restore times behind the time to restore statistics of the range.",
    ),
    family(
        CHANGE_FAILURE,
        RATIO,
        "Change failure rate: failed deployments / deployments in the range.",
    ),
    family(
        CHANGE_FAILURE_CI,
        RATIO,
        "Wilson 95% interval of the change failure rate.",
    ),
    family(
        FAILED_DEPLOYMENTS,
        None,
        "Failed deployments in the range (the change failure rate's numerator).",
    ),
    family(
        CHANGE_FAILURE_SAMPLES,
        None,
        "Deployments counted by the change failure rate in the range (its denominator).",
    ),
    family(
        REWORK,
        RATIO,
        "Deployment rework rate: unplanned deployments / deployments in the range.",
    ),
    family(
        REWORK_CI,
        RATIO,
        "Wilson 95% interval of the deployment rework rate.",
    ),
    family(
        UNPLANNED_DEPLOYMENTS,
        None,
        "Unplanned deployments in the range (the rework rate's numerator).",
    ),
    family(
        REWORK_SAMPLES,
        None,
        "Deployments counted by the rework rate in the range (its denominator).",
    ),
];

/// A sample value: counts print as integers, measurements as the shortest round-trip float.
#[derive(Debug, Clone, Copy)]
enum Num {
    Count(u64),
    Real(f64),
}

/// A series' labels, sorted by name.
type Labels = Vec<(&'static str, String)>;

/// One series: its labels and its points in time order.
#[derive(Debug, Default)]
struct Series {
    labels: Labels,
    points: Vec<(i64, Num)>,
}

#[derive(Debug)]
struct Families {
    series: Vec<Vec<Series>>,
    /// (family, labels) → position in `series[family]`: with `--group-by` a family has a
    /// series per group, too many to search one by one for every sample.
    index: std::collections::HashMap<(usize, Labels), usize>,
}

impl Families {
    fn put(&mut self, name: &str, mut labels: Labels, t: i64, v: Num) {
        if let Num::Real(x) = v
            && !x.is_finite()
        {
            return;
        }
        let Some(f) = FAMILIES.iter().position(|f| f.name == name) else {
            return;
        };
        labels.sort_by_key(|l| l.0);
        let list = &mut self.series[f];
        // Series keep the order of their first sample: the map is only an index.
        let i = *self.index.entry((f, labels)).or_insert_with_key(|(_, labels)| {
            list.push(Series {
                labels: labels.clone(),
                points: Vec::new(),
            });
            list.len() - 1
        });
        list[i].points.push((t, v));
    }
}

/// Escapes a label value or HELP text (OpenMetrics: backslash, double quote, line feed).
pub fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '\\' => out.push_str("\\\\"),
            '"' => out.push_str("\\\""),
            '\n' => out.push_str("\\n"),
            c => out.push(c),
        }
    }
    out
}

/// The method a row was computed with: `median (commit)` → `commit`, `window` → `window`.
fn method_of(row: &MetricRow) -> String {
    row.method
        .strip_prefix("median (")
        .and_then(|m| m.strip_suffix(')'))
        .unwrap_or(&row.method)
        .to_owned()
}

/// Whether the engine declared `metric` unavailable (`summary.unavailable` entries read
/// `metric: why`). Its rows are blank, and a zero sample size would read as "measured, none".
/// A group's own list says the same of the group's records.
fn unavailable(list: &[String], metric: Metric) -> bool {
    list.iter()
        .any(|u| u.split_once(':').is_some_and(|(m, _)| m == metric.name()))
}

/// `shared`: the labels every series of the row's range carries besides `period` (`team`,
/// `group`).
fn add_row(fam: &mut Families, row: &MetricRow, period: &str, shared: &[(&'static str, &str)]) {
    let t = row.start;
    let base = || {
        let mut l = vec![("period", period.to_owned())];
        l.extend(shared.iter().map(|&(k, v)| (k, v.to_owned())));
        l
    };
    let with_method = || {
        let mut l = base();
        l.push(("method", method_of(row)));
        l
    };
    let with = |mut l: Labels, k: &'static str, v: &str| {
        l.push((k, v.to_owned()));
        l
    };
    let real = |v: Option<f64>| v.map(Num::Real);
    let mut put = |name: &str, labels: Labels, v: Option<Num>| {
        if let Some(v) = v {
            fam.put(name, labels, t, v);
        }
    };
    match row.metric {
        Metric::DeploymentFrequency => {
            put(DEPLOYMENT_FREQUENCY, base(), real(row.value));
            put(DEPLOYMENTS, base(), row.numerator.map(Num::Count));
        }
        Metric::DeploymentDaysPerWeek => {
            put(DEPLOYMENT_DAYS_PER_WEEK, base(), real(row.value));
            put(DEPLOYMENT_DAYS, base(), Some(Num::Count(row.sample_size)));
        }
        Metric::LeadTime | Metric::TimeToRestore => {
            let (stats, ci, samples) = if row.metric == Metric::LeadTime {
                (LEAD_TIME, LEAD_TIME_CI, LEAD_TIME_SAMPLES)
            } else {
                (TIME_TO_RESTORE, TIME_TO_RESTORE_CI, TIME_TO_RESTORE_SAMPLES)
            };
            for (statistic, v) in [
                ("median", row.value),
                ("p75", row.p75),
                ("p90", row.p90),
                ("p95", row.p95),
                ("mean", row.mean),
            ] {
                put(stats, with(with_method(), "statistic", statistic), real(v));
            }
            put(ci, with(with_method(), "bound", "low"), real(row.interval_low));
            put(ci, with(with_method(), "bound", "high"), real(row.interval_high));
            put(samples, with_method(), Some(Num::Count(row.sample_size)));
        }
        Metric::ChangeFailureRate | Metric::DeploymentReworkRate => {
            // Rework has one definition, so no method label; failure has five.
            let (value, ci, numerator, samples, labels): (_, _, _, _, &dyn Fn() -> Labels) =
                if row.metric == Metric::ChangeFailureRate {
                    (
                        CHANGE_FAILURE,
                        CHANGE_FAILURE_CI,
                        FAILED_DEPLOYMENTS,
                        CHANGE_FAILURE_SAMPLES,
                        &with_method,
                    )
                } else {
                    (REWORK, REWORK_CI, UNPLANNED_DEPLOYMENTS, REWORK_SAMPLES, &base)
                };
            put(value, labels(), real(row.value));
            put(ci, with(labels(), "bound", "low"), real(row.interval_low));
            put(ci, with(labels(), "bound", "high"), real(row.interval_high));
            put(numerator, labels(), row.numerator.map(Num::Count));
            put(samples, labels(), row.denominator.map(Num::Count));
        }
        // Per week and per month are the per-day rate times 7 and 30.436875: a query
        // multiplies, a second series would only add storage.
        _ => {}
    }
}

/// Renders `dora.om`. The text depends only on `summary` (no clock, no hash order), so the
/// same inputs give the same bytes.
pub fn render(summary: &Summary) -> String {
    let mut fam = Families {
        series: FAMILIES.iter().map(|_| Vec::new()).collect(),
        index: std::collections::HashMap::new(),
    };
    // The period length as `--period` spelled it; a summary without it still gets one
    // label value, so the series stay well-formed.
    let length = summary.settings.period.clone();
    let team = summary.settings.team.as_deref();
    // The whole report's series have no `group` label (Prometheus reads an absent label as
    // empty: `group=""` selects them), so queries written before `--group-by` still work;
    // each group's carry `group="NAME"`.
    let whole = (None, &summary.overall, &summary.periods, &summary.unavailable);
    let groups = summary
        .groups
        .iter()
        .map(|g| (Some(g.group.as_str()), &g.overall, &g.periods, &g.unavailable));
    for (group, overall, periods, missing) in std::iter::once(whole).chain(groups) {
        let shared: Vec<(&'static str, &str)> = team
            .map(|t| ("team", t))
            .into_iter()
            .chain(group.map(|g| ("group", g)))
            .collect();
        for (rows, period) in [(overall, "all"), (periods, length.as_str())] {
            for row in rows {
                if !unavailable(missing, row.metric) {
                    add_row(&mut fam, row, period, &shared);
                }
            }
        }
    }

    let mut out = String::new();
    for (f, series) in FAMILIES.iter().zip(&mut fam.series) {
        let _ = writeln!(out, "# TYPE {} gauge", f.name);
        if let Some(unit) = f.unit {
            let _ = writeln!(out, "# UNIT {} {unit}", f.name);
        }
        let _ = writeln!(out, "# HELP {} {}", f.name, escape(f.help));
        for s in series.iter_mut() {
            // promtool rejects a series whose samples go back in time or repeat a timestamp.
            // Periods come sorted and disjoint; this keeps the file loadable for any summary.
            s.points.sort_by_key(|p| p.0);
            s.points.dedup_by_key(|p| p.0);
            let labels: Vec<String> = s
                .labels
                .iter()
                .map(|(k, v)| format!("{k}=\"{}\"", escape(v)))
                .collect();
            let labels = if labels.is_empty() {
                String::new()
            } else {
                format!("{{{}}}", labels.join(","))
            };
            for (t, v) in &s.points {
                let v = match v {
                    Num::Count(n) => n.to_string(),
                    Num::Real(x) => x.to_string(),
                };
                let _ = writeln!(out, "{}{labels} {v} {t}", f.name);
            }
        }
    }
    out.push_str("# EOF\n");
    out
}

#[cfg(test)]
pub(crate) mod fixture;
#[cfg(test)]
pub(crate) mod strict;
#[cfg(test)]
mod tests;
