//! The metrics engine: the five DORA metrics per period, against a baseline and a benchmark
//! profile (docs/metrics.md, docs/definitions.md). Records come in ([`Inputs`]), a
//! [`Summary`] comes out. [`compute`] is a sequence of named steps, each in its own room:
//! `failure` decides which deployments failed and which were rework, `samples` tags every
//! value with its time, `rows` measures ranges and writes rows, `baseline` picks what they
//! are compared with; `attribution` does the as-of joins, `aggregate` and `stats` the
//! statistics, `lead` the per-deployment lead-time columns.

pub mod aggregate;
pub mod attribution;
pub mod compare;
pub mod failure;
pub mod groups;
pub mod lead;
mod options;
pub mod reference;
mod rows;
mod samples;
mod summary;
#[cfg(test)]
pub mod testutil;

mod baseline;

use chrono::DateTime;

use crate::model::{FailureMethod, Instant, LeadTimeMethod, Metric, RestoreMethod};
use crate::periods::{Period, PeriodSpec};
use crate::time::Range;
use crate::time::parse::Zone;
pub use failure::Failures;
pub use options::{Baseline, Changes, Inputs, Options};
use rows::Cells;
use samples::Samples;
pub use summary::{
    GroupSummary, IndustryStanding, Intervals, MethodRate, Methods, MetricRow, Outcome, Quality, Summary,
};

/// Why the engine cannot measure: always the inputs (the engine itself has no failure of
/// its own: every step is total over well-formed records).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum MetricsError {
    /// The range comes out empty: `--since` at or after the end of the data, or `--until`
    /// at or before its start (a range given whole is never empty, even without events).
    #[error("the range is empty: every deployment and incident is outside --since/--until")]
    EmptyRange,
    /// No deployment, incident or merge request at all.
    #[error("nothing to measure: no deployments, incidents or merge requests")]
    NothingToMeasure,
}

fn instant(t: i64) -> Instant {
    DateTime::from_timestamp(t, 0).unwrap_or_default()
}

fn day_number(zone: &Zone, t: i64) -> i64 {
    use chrono::Datelike;
    i64::from(crate::periods::local_date(zone, instant(t)).num_days_from_ce())
}

/// Computes everything: decide failures and rework, fix the range, sample, measure the
/// periods, the whole range and the baseline, and write the rows.
pub fn compute(inputs: Inputs<'_>, opts: &Options) -> Result<Outcome, MetricsError> {
    let fix = opts.fix_tags.as_ref().map(|(_, g)| g);
    let d = inputs.deployments;
    let failures = failure::classify(
        opts.failure,
        d,
        inputs.incidents,
        inputs.reverts,
        fix,
        opts.failure_window,
    );
    let unplanned = failure::unplanned(d, inputs.incidents, fix, opts.failure_window);
    let range = reported_range(inputs, opts)?;
    let missing = unavailable(inputs, opts);
    let (samples, data_quality) = samples::samples(inputs, opts, &failures, &unplanned, range);

    let (since, until) = range;
    let periods = crate::periods::periods(opts.period, &opts.zone.1, instant(since), instant(until));
    let whole = Period {
        label: "all".into(),
        start: instant(since),
        end: instant(until),
        partial: false,
    };
    let base = baseline::resolve(inputs, opts, range);
    // Three independent measurements of plain data, side by side.
    let ((per_period, overall), base_cells) = rayon::join(
        || {
            rayon::join(
                || rows::measure(&samples, &periods),
                || rows::measure(&samples, std::slice::from_ref(&whole)).remove(0),
            )
        },
        || base.range.map(|r| measure_one(&samples, r)),
    );

    let missing_metrics: Vec<Metric> = missing.iter().map(|m| m.0).collect();
    let overall_rows = rows::rows(&whole, &overall, base_cells.as_ref(), &missing_metrics, opts);
    let mut period_rows = Vec::new();
    for (i, (p, c)) in periods.iter().zip(&per_period).enumerate() {
        let base = match opts.baseline {
            Baseline::None => None,
            Baseline::Previous => i.checked_sub(1).map(|j| &per_period[j]),
            _ => base_cells.as_ref(),
        };
        period_rows.extend(rows::rows(p, c, base, &missing_metrics, opts));
    }
    let mut unavailable: Vec<String> = missing.iter().map(|(m, why)| format!("{m}: {why}")).collect();
    unavailable.extend(base.note);

    let summary = Summary {
        version: env!("CARGO_PKG_VERSION"),
        since,
        until,
        timezone: opts.zone.0.clone(),
        settings: methods(opts),
        baseline: base
            .range
            .map(|(a, b)| (crate::time::rfc3339(a), crate::time::rfc3339(b))),
        benchmark: (
            opts.benchmark.name.clone(),
            opts.benchmark.title.clone(),
            opts.benchmark.source.clone(),
        ),
        failure_methods: failure_methods(inputs, opts, &failures, range),
        industry: opts
            .industry
            .as_ref()
            .map(|ind| rows::industry_standing(ind, &overall_rows)),
        industry_shares: opts.industry_shares.as_ref().map(|row| {
            let categories = overall_rows
                .iter()
                .filter_map(|r| Some((r.metric.name(), r.category?)));
            crate::benchmarks::shares::place(row, categories)
        }),
        overall: overall_rows,
        periods: period_rows,
        data_quality,
        unavailable,
        reference: None,
        group_by: None,
        groups: Vec::new(),
    };
    Ok(Outcome {
        summary,
        failures,
        unplanned,
    })
}

/// The cells of one range outside the periods (the baseline).
fn measure_one(samples: &Samples, (a, b): (i64, i64)) -> Cells {
    let p = Period {
        label: "baseline".into(),
        start: instant(a),
        end: instant(b),
        partial: false,
    };
    rows::measure(samples, &[p]).remove(0)
}

/// The reported range: as given, else from the first to just after the last event.
fn reported_range(inputs: Inputs<'_>, opts: &Options) -> Result<(i64, i64), MetricsError> {
    let times = inputs
        .deployments
        .iter()
        .map(|d| d.deployed_at)
        .chain(inputs.incidents.iter().map(|i| i.started_at.timestamp()))
        .chain(
            inputs
                .merge_requests
                .iter()
                .filter_map(|m| m.merged_at.map(|t| t.timestamp())),
        );
    let (mut lo, mut hi) = (i64::MAX, i64::MIN);
    for t in times {
        lo = lo.min(t);
        hi = hi.max(t);
    }
    let since = opts.since.or((lo != i64::MAX).then_some(lo));
    let until = opts.until.or((hi != i64::MIN).then_some(hi + 1));
    match (since, until) {
        (Some(s), Some(u)) if s < u => Ok((s, u)),
        (Some(_), Some(_)) => Err(MetricsError::EmptyRange),
        _ => Err(MetricsError::NothingToMeasure),
    }
}

/// Why a method that reads incidents cannot decide without incident exports.
const NEEDS_INCIDENTS: &str = "needs incident exports (--incidents)";

/// The metrics these inputs cannot give under these methods, and why; their rows stay
/// empty rather than show a zero.
fn unavailable(inputs: Inputs<'_>, opts: &Options) -> Vec<(Metric, String)> {
    let mut missing = Vec::new();
    let mr_method = matches!(
        opts.lead_time,
        LeadTimeMethod::MrMerge | LeadTimeMethod::MrDeploy | LeadTimeMethod::MrTotal
    );
    if mr_method && inputs.merge_requests.is_empty() {
        missing.push((
            Metric::LeadTime,
            "the merge-request methods need --merge-requests".into(),
        ));
    }
    if !inputs.has_repo && matches!(opts.lead_time, LeadTimeMethod::Commit | LeadTimeMethod::Pipeline) {
        missing.push((
            Metric::LeadTime,
            "needs a repository (--repo), or merge-request exports with --lead-time mr-merge".into(),
        ));
    }
    if !inputs.has_repo && matches!(opts.lead_time, LeadTimeMethod::MrDeploy | LeadTimeMethod::MrTotal) {
        missing.push((
            Metric::LeadTime,
            format!(
                "--lead-time {} needs a repository (--repo) to find the deployment that first shipped each merge commit; mr-merge needs none",
                opts.lead_time.name()
            ),
        ));
    }
    // Incident exports that hold no incident (at all, or in a group) are not missing: no
    // deployment failed (0%), and no incident was there to restore (no value, sample 0).
    if !inputs.has_incidents {
        if opts.failure.uses_incidents() {
            missing.push((
                Metric::ChangeFailureRate,
                format!("the {} method {NEEDS_INCIDENTS}", opts.failure.name()),
            ));
        }
        if opts.restore == RestoreMethod::Incident {
            missing.push((Metric::TimeToRestore, NEEDS_INCIDENTS.into()));
        }
    }
    missing
}

/// The failure rate over the range under every method, the chosen one's decisions reused.
/// An incident method without incident exports cannot decide: no rate, and why (the
/// classification would find no failure, which is not a 0% rate).
fn failure_methods(
    inputs: Inputs<'_>,
    opts: &Options,
    failures: &Failures,
    (since, until): (i64, i64),
) -> Vec<MethodRate> {
    let fix = opts.fix_tags.as_ref().map(|(_, g)| g);
    let d = inputs.deployments;
    let range = Range::new(since, until);
    FailureMethod::ALL
        .iter()
        .map(|&m| {
            let other;
            let f = if m == opts.failure {
                failures
            } else {
                other = failure::reclassify(
                    m,
                    d,
                    inputs.incidents,
                    inputs.reverts,
                    fix,
                    opts.failure_window,
                    (failures, opts.failure),
                );
                &other
            };
            let mut failed = 0;
            let mut total = 0;
            for (i, dep) in d.iter().enumerate() {
                if f.counted[i] && range.contains(dep.deployed_at) {
                    total += 1;
                    failed += u64::from(f.failed[i].is_some());
                }
            }
            if m.uses_incidents() && !inputs.has_incidents {
                return MethodRate {
                    method: m,
                    failed: 0,
                    deployments: total,
                    rate: None,
                    unavailable: Some(NEEDS_INCIDENTS.into()),
                };
            }
            MethodRate {
                method: m,
                failed,
                deployments: total,
                rate: (total > 0).then(|| failed as f64 / total as f64),
                unavailable: None,
            }
        })
        .collect()
}

/// The settings the summary records.
fn methods(opts: &Options) -> Methods {
    Methods {
        baseline: opts.baseline.clone(),
        commit_time: opts.commit_time,
        failure_method: opts.failure,
        failure_window_seconds: opts.failure_window,
        fix_tags: opts.fix_tags.as_ref().map(|(g, _)| g.clone()),
        include_backlog: opts.lead_rule.include_backlog,
        include_merges: opts.lead_rule.include_merges,
        intervals: Intervals::USED,
        lead_time: opts.lead_time,
        median: "interpolated (mean of the two middle values)",
        min_sample: crate::stats::MIN_SAMPLE,
        period: period_name(opts.period),
        quantiles: "linear interpolation between closest ranks (type 7)",
        restore_time: opts.restore,
        team: opts.team.clone(),
    }
}

fn period_name(p: PeriodSpec) -> String {
    match p {
        PeriodSpec::Week => "week".into(),
        PeriodSpec::Month => "month".into(),
        PeriodSpec::Quarter => "quarter".into(),
        PeriodSpec::Year => "year".into(),
        PeriodSpec::Days(n) => format!("{n}d"),
    }
}

#[cfg(test)]
mod tests;
