//! The metrics engine: the five DORA metrics per period, against a baseline and a benchmark
//! profile (docs/metrics.md, docs/definitions.md). Records come in, a [`Summary`] comes out;
//! `attribution` does the as-of joins; `aggregate` and `stats` the per-period statistics.

pub mod aggregate;
pub mod attribution;
pub mod compare;
pub mod failure;
pub mod lead;
mod options;
pub mod reference;
mod rows;
mod samples;
mod summary;
#[cfg(test)]
pub mod testutil;

use chrono::DateTime;

use crate::model::Instant;
pub use crate::model::{FailureMethod, LeadTimeMethod, RestoreMethod};
use crate::periods::{Period, PeriodSpec};
use crate::time::Range;
use crate::time::parse::Zone;
pub use failure::Failures;
pub use options::{Baseline, Inputs, Options};
pub use rows::profile_key;
use rows::{industry_standing, measure, rows};
use samples::{Samples, samples};
pub use summary::{IndustryStanding, MethodRate, MetricRow, Outcome, Quality, Summary};

fn instant(t: i64) -> Instant {
    DateTime::from_timestamp(t, 0).unwrap_or_default()
}

fn day_number(zone: &Zone, t: i64) -> i64 {
    use chrono::Datelike;
    i64::from(crate::periods::local_date(zone, instant(t)).num_days_from_ce())
}

/// Computes everything.
pub fn compute(inputs: Inputs<'_>, opts: &Options) -> Result<Outcome, String> {
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
    let (since, until) = range(inputs, opts)?;
    let mut quality = Quality::default();
    let mut missing: Vec<(&'static str, String)> = Vec::new();
    let samples = samples(
        inputs,
        opts,
        &failures,
        &unplanned,
        (since, until),
        &mut quality,
        &mut missing,
    );
    if !inputs.has_repo && matches!(opts.lead_time, LeadTimeMethod::Commit | LeadTimeMethod::Pipeline) {
        missing.push((
            "lead_time",
            "needs a repository (--repo), or merge-request exports with --lead-time mr-merge".into(),
        ));
    }
    if !inputs.has_repo && matches!(opts.lead_time, LeadTimeMethod::MrDeploy | LeadTimeMethod::MrTotal) {
        missing.push((
            "lead_time",
            format!(
                "--lead-time {} needs a repository (--repo) to find the deployment that first shipped each merge commit; mr-merge needs none",
                if opts.lead_time == LeadTimeMethod::MrDeploy { "mr-deploy" } else { "mr-total" }
            ),
        ));
    }
    if inputs.incidents.is_empty() {
        if opts.failure.uses_incidents() {
            missing.push((
                "change_failure_rate",
                format!(
                    "the {} method needs incident exports (--incidents)",
                    opts.failure.name()
                ),
            ));
        }
        if opts.restore == RestoreMethod::Incident {
            missing.push(("time_to_restore", "needs incident exports (--incidents)".into()));
        }
    }
    let missing_metrics: Vec<&str> = missing.iter().map(|m| m.0).collect();

    let periods = crate::periods::periods(opts.period, &opts.zone.1, instant(since), instant(until));
    let whole = Period {
        label: "all".into(),
        start: instant(since),
        end: instant(until),
        partial: false,
    };
    let per_period = measure(&samples, &periods, opts.seed);
    let overall = measure(&samples, std::slice::from_ref(&whole), opts.seed).remove(0);
    let data_start = d
        .iter()
        .filter(|x| x.failed != Some(true))
        .map(|x| x.deployed_at)
        .chain(inputs.incidents.iter().map(|i| i.started_at.timestamp()))
        .min()
        .unwrap_or(since);
    let base_range = match opts.baseline {
        Baseline::None => None,
        Baseline::Previous => Some((since - (until - since), since)),
        Baseline::First { seconds } => Some((data_start, data_start.saturating_add(seconds))),
        Baseline::Range { since, until } => Some((since, until)),
    };
    // A baseline without a single event would compare with zeros that mean "no data".
    let has_events = |(a, b): (i64, i64)| {
        let inside = |t: i64| Range::new(a, b).contains(t);
        d.iter().any(|x| inside(x.deployed_at))
            || inputs.incidents.iter().any(|i| inside(i.started_at.timestamp()))
            || inputs
                .merge_requests
                .iter()
                .any(|m| m.merged_at.is_some_and(|t| inside(t.timestamp())))
    };
    let mut notes = Vec::new();
    if let Some(r) = base_range.filter(|&r| !has_events(r)) {
        // The usual case of `previous` without --since: the range starts with the data, so
        // the range before it is empty by construction. Say what to do, not the empty dates.
        let before_data = opts.baseline == Baseline::Previous && opts.since.is_none();
        notes.push(if before_data {
            "baseline: the whole range is compared with nothing, as it starts with the data; \
             give --since to compare it with the range of equal length before (each period is \
             still compared with the one before)"
                .to_owned()
        } else {
            format!(
                "baseline: no deployments or incidents from {} to {}, so nothing is compared with it",
                crate::time::rfc3339(r.0),
                crate::time::rfc3339(r.1)
            )
        });
    }
    let base_range = base_range.filter(|&r| has_events(r));
    let base_cells = match base_range {
        Some((a, b)) => {
            let p = Period {
                label: "baseline".into(),
                start: instant(a),
                end: instant(b),
                partial: false,
            };
            Some(measure(&samples, &[p], opts.seed).remove(0))
        }
        None => None,
    };

    let mut overall_rows = rows(&whole, &overall, base_cells.as_ref(), &missing_metrics, opts);
    let mut unavailable: Vec<String> = missing.iter().map(|(m, why)| format!("{m}: {why}")).collect();
    unavailable.extend(notes);
    let mut period_rows = Vec::new();
    for (i, (p, c)) in periods.iter().zip(&per_period).enumerate() {
        let base = match opts.baseline {
            Baseline::None => None,
            Baseline::Previous => i.checked_sub(1).map(|j| &per_period[j]),
            _ => base_cells.as_ref(),
        };
        period_rows.extend(rows(p, c, base, &missing_metrics, opts));
    }
    let failure_methods = FailureMethod::ALL
        .iter()
        .map(|&m| {
            let other;
            let f = if m == opts.failure {
                &failures
            } else {
                other = failure::reclassify(
                    m,
                    d,
                    inputs.incidents,
                    inputs.reverts,
                    fix,
                    opts.failure_window,
                    (&failures, opts.failure),
                );
                &other
            };
            let mut failed = 0;
            let mut total = 0;
            for (i, dep) in d.iter().enumerate() {
                if f.counted[i] && Range::new(since, until).contains(dep.deployed_at) {
                    total += 1;
                    failed += u64::from(f.failed[i].is_some());
                }
            }
            Ok(MethodRate {
                method: m.name(),
                failed,
                deployments: total,
                rate: (total > 0).then(|| failed as f64 / total as f64),
            })
        })
        .collect::<Result<Vec<_>, String>>()?;

    let industry = opts
        .industry
        .as_ref()
        .map(|ind| industry_standing(ind, &overall_rows));
    let settings = serde_json::json!({
        "failure_method": opts.failure.name(),
        "failure_window_seconds": opts.failure_window,
        "fix_tags": opts.fix_tags.as_ref().map(|(g, _)| g.clone()),
        "restore_time": opts.restore,
        "lead_time": opts.lead_time,
        "include_merges": opts.lead_rule.include_merges,
        "include_backlog": opts.lead_rule.include_backlog,
        "commit_time": opts.commit_time,
        "period": period_name(opts.period),
        "baseline": opts.baseline,
        "median": "interpolated (mean of the two middle values)",
        "quantiles": "linear interpolation between closest ranks (type 7)",
        "bootstrap": {"resamples": aggregate::RESAMPLES, "seed": opts.seed, "above": aggregate::BOOTSTRAP_MAX, "then": "order-statistic interval"},
        "min_sample": crate::stats::MIN_SAMPLE,
    });
    let summary = Summary {
        version: env!("CARGO_PKG_VERSION"),
        since,
        until,
        timezone: opts.zone.0.clone(),
        settings,
        baseline: base_range.map(|(a, b)| (crate::time::rfc3339(a), crate::time::rfc3339(b))),
        benchmark: (
            opts.benchmark.name.clone(),
            opts.benchmark.title.clone(),
            opts.benchmark.source.clone(),
        ),
        overall: std::mem::take(&mut overall_rows),
        periods: period_rows,
        failure_methods,
        industry,
        data_quality: quality,
        unavailable,
        reference: None,
    };
    Ok(Outcome {
        summary,
        failures,
        unplanned,
    })
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

/// The reported range: as given, else from the first to just after the last event.
fn range(inputs: Inputs<'_>, opts: &Options) -> Result<(i64, i64), String> {
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
        (Some(_), Some(_)) => {
            Err("the range is empty: every deployment and incident is outside --since/--until".into())
        }
        _ => Err("nothing to measure: no deployments, incidents or merge requests".into()),
    }
}
