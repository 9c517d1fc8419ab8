//! What the engine answers: the [`Summary`] (summary.json) with its rows, failure-rate
//! comparison, data quality and industry standing, and the per-record decisions ([`Outcome`]).

use serde::{Serialize, Serializer};

use super::compare::Direction;
use super::{Baseline, Failures, reference};
use crate::benchmarks::Category;
use crate::benchmarks::survey::Standing;
use crate::model::{CommitTime, FailureMethod, GroupBy, LeadRule, LeadTimeMethod, Metric, RestoreMethod};
use crate::time::Range;

pub(super) fn rfc<S: Serializer>(t: &i64, s: S) -> Result<S::Ok, S::Error> {
    s.serialize_str(&crate::time::rfc3339(*t))
}

impl MetricRow {
    /// A row without a value: the period (label, start, end, partial), the metric, its
    /// method and unit, everything else empty.
    pub fn blank(
        (period, start, end, partial): (String, i64, i64, bool),
        metric: Metric,
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
    pub metric: Metric,
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
    /// 95% interval (Wilson for ratios, order statistics at binomial ranks for medians).
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

/// The failure rate under one method, for side-by-side comparison.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct MethodRate {
    /// Method.
    pub method: FailureMethod,
    /// Failed deployments.
    pub failed: u64,
    /// Deployments.
    pub deployments: u64,
    /// failed / deployments; `None` without deployments, or when the method cannot decide.
    pub rate: Option<f64>,
    /// Why the method cannot decide (an incident method without incident exports): then
    /// `rate` is `None` and `failed` is 0, not a measured zero. Left out of the JSON otherwise.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub unavailable: Option<String>,
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
    /// Changes left out of lead time because every path they touch is ignored
    /// (`--ignore-paths`).
    pub not_meaningful_changes: u64,
    /// Successful deployments left out of deployment frequency and the failure rate because
    /// they shipped only such changes.
    pub not_meaningful_deployments: u64,
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
    /// Files at HEAD that CODEOWNERS gives to individuals only (`--codeowners`): their
    /// changes belong to no team.
    pub files_owned_by_individuals_only: u64,
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
    /// The baseline table, when it is not the default (`quick-check-2024`, industries):
    /// `quick-check-2025`, `quick-check-2024-organization-size`, ... (`--industry NAME@EDITION`,
    /// `--org-size`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub table: Option<String>,
    /// Metrics the table has but does not back, and why they are not placed.
    #[serde(skip_serializing_if = "std::collections::BTreeMap::is_empty")]
    pub withheld: std::collections::BTreeMap<String, String>,
    /// Industries or organization sizes (in `table`).
    #[serde(skip)]
    pub kind: crate::benchmarks::survey::Kind,
    /// The Quick Check edition (in `table`).
    #[serde(skip)]
    pub edition: u16,
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
    pub settings: Methods,
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
    /// The team's categories in the article's industry shares (`--industry-shares`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub industry_shares: Option<crate::benchmarks::shares::Placement>,
    /// Data quality.
    pub data_quality: Quality,
    /// Metrics the inputs cannot give, and why.
    pub unavailable: Vec<String>,
    /// A reference computation (`--reference`), when asked for.
    pub reference: Option<reference::Reference>,
    /// What the groups are (`--group-by`), if any.
    pub group_by: Option<GroupBy>,
    /// Every metric per group (`--group-by`), over the same range and periods.
    pub groups: Vec<GroupSummary>,
}

/// One group's numbers (`--group-by`): the same rows as the whole report's, over the
/// records that belong to the group.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct GroupSummary {
    /// The repository label, service or team.
    pub group: String,
    /// Each metric over the whole range.
    pub overall: Vec<MetricRow>,
    /// Each metric per period.
    pub periods: Vec<MetricRow>,
    /// The failure rate under every method, over the whole range.
    pub failure_methods: Vec<MethodRate>,
    /// Data quality over the group's records.
    pub data_quality: Quality,
    /// Metrics the group's records cannot give, and why.
    pub unavailable: Vec<String>,
}

impl Summary {
    /// The metrics a table of groups compares: the overall section's, less the per-week and
    /// per-month restatements of deployment frequency.
    pub fn group_metrics(&self) -> Vec<Metric> {
        self.overall
            .iter()
            .map(|r| r.metric)
            .filter(|m| !matches!(m, Metric::DeploymentsPerWeek | Metric::DeploymentsPerMonth))
            .collect()
    }

    /// The reported range.
    pub fn range(&self) -> Range {
        Range::new(self.since, self.until)
    }
}

/// The methods and settings a summary was computed with: summary.json's `settings`,
/// provenance.json's `methods`. Fields in alphabetical order, the order those files have
/// always listed them in.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Methods {
    /// `--baseline`.
    pub baseline: Baseline,
    /// `--commit-time`.
    pub commit_time: CommitTime,
    /// `--failure-method`.
    pub failure_method: FailureMethod,
    /// `--failure-window`, seconds.
    pub failure_window_seconds: i64,
    /// `--fix-tags` as typed.
    pub fix_tags: Option<String>,
    /// `--include-backlog`.
    pub include_backlog: bool,
    /// `--include-merges`.
    pub include_merges: bool,
    /// How intervals are computed.
    pub intervals: Intervals,
    /// `--lead-time`.
    pub lead_time: LeadTimeMethod,
    /// What "median" means.
    pub median: &'static str,
    /// Cells with fewer values carry a small-sample warning.
    pub min_sample: usize,
    /// `--period` as a name (`month`, `30d`).
    pub period: String,
    /// What the percentiles mean.
    pub quantiles: &'static str,
    /// `--restore-time`.
    pub restore_time: RestoreMethod,
    /// `--team`, when given.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub team: Option<String>,
}

impl Methods {
    /// Which changes counted for lead time.
    pub fn lead_rule(&self) -> LeadRule {
        LeadRule {
            include_merges: self.include_merges,
            include_backlog: self.include_backlog,
        }
    }
}

/// How intervals are computed (fields in alphabetical order, as written).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Intervals {
    /// Two-sided confidence level.
    pub level: f64,
    /// The interval of a median.
    pub median: &'static str,
    /// The interval of a ratio.
    pub ratios: &'static str,
}

impl Intervals {
    /// The methods this version uses (docs/metrics.md, "Intervals").
    pub const USED: Intervals = Intervals {
        level: crate::stats::LEVEL,
        median: "order statistics at binomial ranks (distribution-free, at least the level)",
        ratios: "Wilson score",
    };
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
