//! The metrics engine: the five DORA metrics per period, against a baseline and a benchmark
//! profile (docs/metrics.md, docs/definitions.md). Records come in, a [`Summary`] comes out;
//! `attribution` does the as-of joins; `aggregate` and `stats` the per-period statistics.

pub mod aggregate;
pub mod attribution;
pub mod compare;
pub mod failure;
pub mod lead;
pub mod reference;
#[cfg(test)]
pub mod testutil;

use std::collections::HashMap;

use crate::glob::GlobMatcher;
use chrono::DateTime;
use serde::{Serialize, Serializer};

use crate::benchmarks::survey::{self, Industry, Standing};
use crate::benchmarks::{Better, Category, Profile};
use crate::model::{
    Change, CommitTime, Deployment, Excluded, Incident, Instant, LeadRule, MergeRequest, Revert,
};
pub use crate::model::{FailureMethod, LeadTimeMethod, RestoreMethod};
use crate::periods::{Period, PeriodSpec, period_of};
use crate::time::Range;
use crate::time::parse::Zone;
use aggregate::DurationStats;
use compare::Direction;
pub use failure::Failures;

/// The baseline each metric is compared with (`--baseline`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case", tag = "kind")]
pub enum Baseline {
    /// No comparison.
    None,
    /// The range of equal length just before; per period, the period before.
    Previous,
    /// The first `seconds` of the data.
    First {
        /// Length.
        seconds: i64,
    },
    /// An explicit range.
    Range {
        /// Start (inclusive), seconds since the epoch.
        since: i64,
        /// End (exclusive).
        until: i64,
    },
}

impl Baseline {
    /// Parses `previous`, `none`, `first:<duration>` or `<since>..<until>`.
    pub fn parse(text: &str) -> Result<Baseline, String> {
        let t = text.trim();
        if t.eq_ignore_ascii_case("previous") {
            return Ok(Baseline::Previous);
        }
        if t.eq_ignore_ascii_case("none") {
            return Ok(Baseline::None);
        }
        if let Some(d) = t.strip_prefix("first:") {
            let seconds = crate::time::parse_duration(d)?;
            if seconds == 0 {
                return Err("first:<duration> needs a duration above zero".into());
            }
            return Ok(Baseline::First { seconds });
        }
        if let Some((a, b)) = t.split_once("..") {
            use crate::time::{Bound, parse_bound};
            let since = parse_bound(a, Bound::Start)?;
            let until = parse_bound(b, Bound::End)?;
            if since >= until {
                return Err(format!("baseline '{t}': the start must be before the end"));
            }
            return Ok(Baseline::Range { since, until });
        }
        Err(format!(
            "'{t}' is not a baseline (expected previous, none, first:90d, or 2024-01-01..2024-03-31)"
        ))
    }
}

/// Every setting of the engine.
#[derive(Debug, Clone)]
pub struct Options {
    /// Failure method.
    pub failure: FailureMethod,
    /// Failure window, seconds.
    pub failure_window: i64,
    /// Fix-tag glob as typed, and compiled.
    pub fix_tags: Option<(String, GlobMatcher)>,
    /// Restore method.
    pub restore: RestoreMethod,
    /// Lead-time method.
    pub lead_time: LeadTimeMethod,
    /// Which changes count for lead time.
    pub lead_rule: LeadRule,
    /// Which commit time starts a change (for `pipeline`).
    pub commit_time: CommitTime,
    /// Period length.
    pub period: PeriodSpec,
    /// Zone of calendar periods and deployment days, and its name.
    pub zone: (String, Zone),
    /// Range start; default: the first deployment or incident.
    pub since: Option<i64>,
    /// Range end (exclusive); default: just after the last deployment or incident.
    pub until: Option<i64>,
    /// Baseline.
    pub baseline: Baseline,
    /// Benchmark profile.
    pub benchmark: Profile,
    /// Industry to compare with.
    pub industry: Option<Industry>,
    /// Bootstrap seed.
    pub seed: u64,
}

/// The records the engine measures. Deployments include failed tool runs (`failed = Some(true)`).
#[derive(Debug, Clone, Copy)]
pub struct Inputs<'a> {
    /// Changes with their first deployment (empty without a repository).
    pub changes: &'a [Change],
    /// Deployments.
    pub deployments: &'a [Deployment],
    /// Incidents.
    pub incidents: &'a [Incident],
    /// Merge requests.
    pub merge_requests: &'a [MergeRequest],
    /// Revert commits.
    pub reverts: &'a [Revert],
    /// Whether a repository was read.
    pub has_repo: bool,
}

fn rfc<S: Serializer>(t: &i64, s: S) -> Result<S::Ok, S::Error> {
    s.serialize_str(&crate::time::rfc3339(*t))
}

impl MetricRow {
    /// A row without a value: the period (label, start, end, partial), the metric, its
    /// method and unit, everything else empty.
    pub fn blank(
        (period, start, end, partial): (String, i64, i64, bool),
        metric: &'static str,
        method: String,
        unit: &'static str,
    ) -> MetricRow {
        MetricRow {
            period,
            start,
            end,
            partial,
            metric,
            method,
            unit,
            value: None,
            sample_size: 0,
            numerator: None,
            denominator: None,
            interval_low: None,
            interval_high: None,
            p75: None,
            p90: None,
            p95: None,
            mean: None,
            category: None,
            survey_answer: None,
            baseline_value: None,
            change: None,
            direction: None,
            significant: None,
            warning: None,
        }
    }
}

/// One metric in one period: a row of the per-period table.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct MetricRow {
    /// Period label (`2024-05`), or `all` for the whole range.
    pub period: String,
    /// Period start.
    #[serde(serialize_with = "rfc")]
    pub start: i64,
    /// Period end (exclusive).
    #[serde(serialize_with = "rfc")]
    pub end: i64,
    /// The range cuts the period short.
    pub partial: bool,
    /// Metric name.
    pub metric: &'static str,
    /// Method or statistic (`median`, `window`, ...).
    pub method: String,
    /// Unit of `value`.
    pub unit: &'static str,
    /// The value; `None` without data.
    pub value: Option<f64>,
    /// Values or deployments behind it.
    pub sample_size: u64,
    /// Ratio numerator.
    pub numerator: Option<u64>,
    /// Ratio denominator.
    pub denominator: Option<u64>,
    /// 95% interval (Wilson for ratios, bootstrap or order statistics for medians).
    pub interval_low: Option<f64>,
    /// Upper end of the interval.
    pub interval_high: Option<f64>,
    /// 75th percentile (durations).
    pub p75: Option<f64>,
    /// 90th percentile.
    pub p90: Option<f64>,
    /// 95th percentile.
    pub p95: Option<f64>,
    /// Mean.
    pub mean: Option<f64>,
    /// Benchmark category.
    pub category: Option<Category>,
    /// The DORA survey answer this value corresponds to.
    pub survey_answer: Option<&'static str>,
    /// The baseline's value.
    pub baseline_value: Option<f64>,
    /// value − baseline.
    pub change: Option<f64>,
    /// better / worse / same, for this metric's direction.
    pub direction: Option<Direction>,
    /// Whether the change is beyond noise (see `compare`).
    pub significant: Option<bool>,
    /// Why the cell deserves caution (small sample).
    pub warning: Option<String>,
}

/// What one range holds, before it becomes rows.
#[derive(Debug, Clone, Default)]
struct Cells {
    days: f64,
    deployments: u64,
    deployment_days: u64,
    lead: Option<DurationStats>,
    restore: Option<DurationStats>,
    failed: (u64, u64),
    rework: (u64, u64),
}

/// The samples every range is measured from, each tagged with the time that places it.
#[derive(Debug, Default)]
struct Samples {
    /// Successful deployments: time and local day number.
    deploys: Vec<(i64, i64)>,
    lead: Vec<(i64, i64)>,
    restore: Vec<(i64, i64)>,
    /// Counted deployments (the failure rate's denominator) and whether each failed.
    failed: Vec<(i64, bool)>,
    rework: Vec<(i64, bool)>,
}

/// The failure rate under one method, for side-by-side comparison.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct MethodRate {
    /// Method name.
    pub method: &'static str,
    /// Failed deployments.
    pub failed: u64,
    /// Deployments.
    pub deployments: u64,
    /// failed / deployments.
    pub rate: Option<f64>,
}

/// Counts that make the numbers partial or doubtful, over the reported range.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct Quality {
    /// Successful deployments in range.
    pub deployments: u64,
    /// Deployment runs their tool reported failed, in range.
    pub failed_runs: u64,
    /// Changes left out of lead time as the first deployment's backlog.
    pub backlog_changes: u64,
    /// Changes left out for a negative lead time (clock skew).
    pub negative_lead_times: u64,
    /// Merge commits left out of lead time.
    pub merge_commits: u64,
    /// Incidents started in range.
    pub incidents: u64,
    /// Of them, still open (no resolution): counted, not in restore statistics.
    pub open_incidents: u64,
    /// Of them, attributed to no deployment, by reason.
    pub unattributed_incidents: Vec<(String, u64)>,
    /// Failed deployments not recovered by the end of the data.
    pub unrecovered_deployments: u64,
    /// Merge requests without their first commit's time (needs the commits export).
    pub merge_requests_without_first_commit: u64,
    /// Merged merge requests whose merge commit no deployment has shipped.
    pub merge_requests_not_deployed: u64,
    /// Export records skipped as bad (lenient mode), over all files.
    pub skipped_records: u64,
    /// Export deployments whose commit is not in any repository given.
    pub unresolved_deployments: u64,
}

/// Where the team stands in an industry.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct IndustryStanding {
    /// Industry key.
    pub industry: String,
    /// Industry name.
    pub name: String,
    /// Data source.
    pub source: String,
    /// Per metric, and overall when all four are known.
    pub standings: Vec<Standing>,
}

/// The engine's result: what `summary.json` holds.
#[derive(Debug, Clone, Serialize)]
pub struct Summary {
    /// dorascope version.
    pub version: &'static str,
    /// Range start.
    #[serde(serialize_with = "rfc")]
    pub since: i64,
    /// Range end (exclusive).
    #[serde(serialize_with = "rfc")]
    pub until: i64,
    /// Time zone of periods.
    pub timezone: String,
    /// Methods and settings.
    pub settings: serde_json::Value,
    /// The baseline range, if any.
    pub baseline: Option<(String, String)>,
    /// Benchmark profile name, title and source.
    pub benchmark: (String, String, String),
    /// Each metric over the whole range.
    pub overall: Vec<MetricRow>,
    /// Each metric per period.
    pub periods: Vec<MetricRow>,
    /// The failure rate under every method, over the whole range.
    pub failure_methods: Vec<MethodRate>,
    /// Industry comparison.
    pub industry: Option<IndustryStanding>,
    /// Data quality.
    pub data_quality: Quality,
    /// Metrics the inputs cannot give, and why.
    pub unavailable: Vec<String>,
    /// A reference computation (`--reference`), when asked for.
    pub reference: Option<reference::Reference>,
}

/// The engine's full output: the summary and the per-record decisions behind it.
#[derive(Debug, Clone)]
pub struct Outcome {
    /// Numbers.
    pub summary: Summary,
    /// Failure decisions per deployment and attribution per incident.
    pub failures: Failures,
    /// Rework decision per deployment.
    pub unplanned: Vec<Option<String>>,
}

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

#[allow(clippy::too_many_arguments)]
fn samples(
    inputs: Inputs<'_>,
    opts: &Options,
    failures: &Failures,
    unplanned: &[Option<String>],
    (since, until): (i64, i64),
    q: &mut Quality,
    missing: &mut Vec<(&'static str, String)>,
) -> Samples {
    let in_range = |t: i64| Range::new(since, until).contains(t);
    let d = inputs.deployments;
    let mut s = Samples::default();
    let line = &failures.timeline;
    for &i in line {
        s.deploys
            .push((d[i].deployed_at, day_number(&opts.zone.1, d[i].deployed_at)));
        s.rework.push((d[i].deployed_at, unplanned[i].is_some()));
        if in_range(d[i].deployed_at) {
            q.deployments += 1;
        }
    }
    q.failed_runs = d
        .iter()
        .filter(|x| x.failed == Some(true) && in_range(x.deployed_at))
        .count() as u64;
    for (i, dep) in d.iter().enumerate() {
        if failures.counted[i] {
            s.failed.push((dep.deployed_at, failures.failed[i].is_some()));
        }
    }

    // Lead time.
    let change_time = |c: &Change| match opts.commit_time {
        CommitTime::Author => c.author_time,
        CommitTime::Committer => c.commit_time,
    };
    let push_lead = |t: i64, v: i64, q: &mut Quality, s: &mut Samples| {
        if v < 0 {
            if in_range(t) {
                q.negative_lead_times += 1;
            }
        } else {
            s.lead.push((t, v));
        }
    };
    match opts.lead_time {
        LeadTimeMethod::Commit => {
            for c in inputs.changes {
                let (Some(t), Some(v)) = (c.deployed_at, c.lead_time_seconds) else {
                    continue;
                };
                let counted = u64::from(in_range(t));
                match opts.lead_rule.excluded(c.is_merge, c.backlog, v) {
                    Some(Excluded::Merge) => q.merge_commits += counted,
                    Some(Excluded::Backlog) => q.backlog_changes += counted,
                    Some(Excluded::Negative) => q.negative_lead_times += counted,
                    None => s.lead.push((t, v)),
                }
            }
        }
        LeadTimeMethod::Pipeline => {
            let by_sha: HashMap<String, i64> = inputs
                .changes
                .iter()
                .map(|c| (c.sha.to_string(), change_time(c)))
                .collect();
            for &i in line {
                if let Some(&ct) = by_sha.get(&d[i].sha) {
                    push_lead(d[i].deployed_at, d[i].deployed_at - ct, q, &mut s);
                }
            }
        }
        LeadTimeMethod::MrMerge | LeadTimeMethod::MrDeploy | LeadTimeMethod::MrTotal => {
            if inputs.merge_requests.is_empty() {
                missing.push((
                    "lead_time",
                    "the merge-request methods need --merge-requests".into(),
                ));
            }
            let deployed: HashMap<String, i64> = inputs
                .changes
                .iter()
                .filter_map(|c| c.deployed_at.map(|t| (c.sha.to_string(), t)))
                .collect();
            for mr in inputs.merge_requests {
                let Some(merged) = mr.merged_at.map(|t| t.timestamp()) else {
                    continue;
                };
                let first = mr.first_commit_at.map(|t| t.timestamp());
                let shipped = mr
                    .merge_sha
                    .as_ref()
                    .and_then(|s| deployed.get(&s.to_ascii_lowercase()).copied());
                let (t, v) = match opts.lead_time {
                    LeadTimeMethod::MrMerge => match first {
                        Some(f) => (merged, merged - f),
                        None => {
                            q.merge_requests_without_first_commit += u64::from(in_range(merged));
                            continue;
                        }
                    },
                    LeadTimeMethod::MrDeploy => match shipped {
                        Some(t) => (t, t - merged),
                        None => {
                            q.merge_requests_not_deployed += u64::from(in_range(merged));
                            continue;
                        }
                    },
                    _ => match (first, shipped) {
                        (Some(f), Some(t)) => (t, t - f),
                        (None, _) => {
                            q.merge_requests_without_first_commit += u64::from(in_range(merged));
                            continue;
                        }
                        (_, None) => {
                            q.merge_requests_not_deployed += u64::from(in_range(merged));
                            continue;
                        }
                    },
                };
                push_lead(t, v, q, &mut s);
            }
        }
    }

    // Time to restore.
    let mut unattributed: std::collections::BTreeMap<String, u64> = Default::default();
    for (inc, a) in inputs.incidents.iter().zip(&failures.incidents) {
        let t = inc.started_at.timestamp();
        if !in_range(t) {
            continue;
        }
        q.incidents += 1;
        if inc.resolved_at.is_none() {
            q.open_incidents += 1;
        }
        if a.deployment.is_none() {
            let reason = a
                .why
                .split(" before it started")
                .next()
                .unwrap_or(&a.why)
                .to_owned();
            *unattributed.entry(reason).or_default() += 1;
        }
    }
    q.unattributed_incidents = unattributed.into_iter().collect();
    match opts.restore {
        RestoreMethod::Incident => {
            for inc in inputs.incidents {
                if let Some(r) = inc.resolved_at {
                    s.restore
                        .push((inc.started_at.timestamp(), (r - inc.started_at).num_seconds()));
                }
            }
        }
        RestoreMethod::Deployment => {
            for r in failure::recoveries(d, inputs.incidents, failures) {
                let t = d[r.deployment].deployed_at;
                match r.seconds {
                    Some(v) => s.restore.push((t, v)),
                    None => q.unrecovered_deployments += u64::from(in_range(t)),
                }
            }
        }
    }
    s
}

/// Measures every metric in each of `ranges` (sorted, disjoint).
fn measure(s: &Samples, ranges: &[Period], seed: u64) -> Vec<Cells> {
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
const MONTH_DAYS: f64 = 30.436_875;

fn better_of(metric: &str) -> Better {
    match metric {
        "deployment_frequency"
        | "deployments_per_week"
        | "deployments_per_month"
        | "deployment_days_per_week" => Better::Higher,
        _ => Better::Lower,
    }
}

/// The benchmark profile's key for a metric, if profiles categorize it.
pub fn profile_key(metric: &str) -> Option<&'static str> {
    Some(match metric {
        "deployment_frequency" => "deployment_frequency_per_day",
        "lead_time" => "lead_time_seconds",
        "time_to_restore" => "time_to_restore_seconds",
        "change_failure_rate" => "change_failure_rate",
        "deployment_rework_rate" => "deployment_rework_rate",
        _ => return None,
    })
}

fn small(n: u64) -> Option<String> {
    (n < crate::stats::MIN_SAMPLE as u64)
        .then(|| format!("small sample: {n} (fewer than {})", crate::stats::MIN_SAMPLE))
}

/// The rows of one range, compared with `base`.
fn rows(p: &Period, c: &Cells, base: Option<&Cells>, missing: &[&str], opts: &Options) -> Vec<MetricRow> {
    let row = |metric: &'static str, method: String, unit: &'static str| {
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
        ("deployment_frequency", 1.0, "per day"),
        ("deployments_per_week", 7.0, "per week"),
        ("deployments_per_month", MONTH_DAYS, "per month"),
    ] {
        let mut r = row(metric, "count / days".into(), unit);
        r.value = per(c, scale);
        r.sample_size = c.deployments;
        r.numerator = Some(c.deployments);
        if let Some(b) = base {
            r.baseline_value = per(b, scale);
            r.significant = compare::counts_differ(c.deployments, c.days, b.deployments, b.days);
        }
        if metric == "deployment_frequency" {
            r.survey_answer = r.value.map(|v| survey::deployment_frequency(v).label);
            r.warning = small(c.deployments);
        }
        out.push(r);
    }
    let mut r = row(
        "deployment_days_per_week",
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
        ("lead_time", lead_method, &c.lead, base.map(|b| &b.lead)),
        (
            "time_to_restore",
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
            "change_failure_rate",
            opts.failure.name().to_owned(),
            c.failed,
            base.map(|b| b.failed),
        ),
        (
            "deployment_rework_rate",
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
        if let Some(key) = profile_key(r.metric) {
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

fn industry_standing(ind: &Industry, overall: &[MetricRow]) -> IndustryStanding {
    let value = |m: &str| overall.iter().find(|r| r.metric == m).and_then(|r| r.value);
    let mut standings = Vec::new();
    if let Some(v) = value("lead_time") {
        standings.push(survey::standing(
            "leadtime",
            survey::answer_score(survey::duration(v)),
            ind.leadtime,
        ));
    }
    if let Some(v) = value("deployment_frequency") {
        standings.push(survey::standing(
            "deployfreq",
            survey::answer_score(survey::deployment_frequency(v)),
            ind.deployfreq,
        ));
    }
    if let Some(v) = value("change_failure_rate") {
        standings.push(survey::standing(
            "changefailure",
            survey::rate_score(v),
            ind.changefailure,
        ));
    }
    if let Some(v) = value("time_to_restore") {
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
