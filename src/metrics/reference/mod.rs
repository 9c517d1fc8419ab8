//! Reference computations: the numbers of scripts teams already trust, reproduced exactly so
//! that a user can reconcile dorascope with them before switching (docs/metrics.md, "Reference computations"). Each is a
//! named method with its own record selection and timestamps; none of dorascope's own
//! choices (attribution, periods, baselines) apply.

mod aws;
mod gitlab;
mod pyiso;

use serde::Serialize;

use crate::benchmarks::{self, Category};
use crate::model::{DeploymentRecord, Incident, Instant, MergeRequest};
use crate::model::{Metric, ReferenceMethod};

/// One number of a reference computation.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ReferenceRow {
    /// Metric name, as in the per-period table.
    pub metric: Metric,
    /// How the script computes it, in a phrase.
    pub definition: &'static str,
    /// Unit of `value`.
    pub unit: &'static str,
    /// The value; `None` when the script would have nothing to take a median of.
    pub value: Option<f64>,
    /// Records behind the value.
    pub sample_size: u64,
    /// Ratio numerator (failure rate).
    pub numerator: Option<u64>,
    /// Ratio denominator.
    pub denominator: Option<u64>,
    /// Category by the `four-tier` thresholds, as the scripts do.
    pub category: Option<Category>,
}

impl ReferenceRow {
    /// A row of a value and the records behind it, in the metric's unit; the category is
    /// placed later, once for every script.
    pub(super) fn new(
        metric: Metric,
        definition: &'static str,
        value: Option<f64>,
        sample_size: u64,
    ) -> Self {
        let unit = match metric {
            Metric::DeploymentFrequency => "per day",
            Metric::ChangeFailureRate => "ratio",
            _ => "seconds",
        };
        ReferenceRow {
            metric,
            definition,
            unit,
            value,
            sample_size,
            numerator: None,
            denominator: None,
            category: None,
        }
    }

    /// The row with the ratio's numerator and denominator.
    pub(super) fn of(mut self, numerator: Option<u64>, denominator: Option<u64>) -> Self {
        self.numerator = numerator;
        self.denominator = denominator;
        self
    }
}

/// A reference computation's numbers over its window.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Reference {
    /// Method name.
    pub method: &'static str,
    /// Window start (inclusive, as the API's `updated_after`).
    pub since: String,
    /// Window end (inclusive): when the script ran.
    pub until: String,
    /// Window length in days (the scripts' N).
    pub days: f64,
    /// The four numbers.
    pub rows: Vec<ReferenceRow>,
    /// Records the script would not have seen, and why.
    pub notes: Vec<String>,
}

/// The records a reference computation reads: the exports as imported, before dorascope's
/// own environment and deduplication choices turn them into deployments.
#[derive(Debug, Clone, Copy)]
pub struct RefInputs<'a> {
    /// Deployment records (production environments, finished).
    pub deployments: &'a [DeploymentRecord],
    /// Merge requests, with their commits' `created_at` (in the export's order) when the
    /// commits were given.
    pub merge_requests: &'a [MergeRequest],
    /// Incidents (GitLab issues keep their labels).
    pub incidents: &'a [Incident],
    /// AWS exports as written (aws-script).
    pub aws: &'a crate::model::aws::AwsRecords,
    /// The repositories' changes (aws-script: commits without a get-commit export).
    pub changes: &'a [crate::model::Change],
}

const FAILURE_WINDOW_SECONDS: i64 = 48 * 3600;

/// Computes `method` over the window `[since, until]` (Unix seconds, both inclusive).
pub fn compute(
    method: ReferenceMethod,
    inputs: RefInputs<'_>,
    since: i64,
    until: i64,
) -> Result<Reference, String> {
    if until <= since {
        return Err("the reference window is empty: --until must be after --since".into());
    }
    let profile = benchmarks::profile("four-tier")?;
    let category = |metric: Metric, v: Option<f64>| {
        let t = profile.metrics.get(metric.profile_key()?)?;
        t.categorize(v?)
    };
    let mut reference = match method {
        ReferenceMethod::GitlabScript => gitlab::compute(inputs, since, until)?,
        ReferenceMethod::AwsScript => aws::compute(inputs, since, until)?,
    };
    // Every script's numbers are placed in the `four-tier` profile, as the scripts do.
    for row in &mut reference.rows {
        row.category = category(row.metric, row.value);
    }
    Ok(reference)
}

fn instant(seconds: i64) -> Result<Instant, String> {
    chrono::DateTime::from_timestamp(seconds, 0)
        .ok_or_else(|| format!("{seconds} is not a representable time"))
}

/// Exact to the nanosecond, as Python's `timedelta.total_seconds()` is to the microsecond.
fn seconds(d: chrono::Duration) -> f64 {
    d.num_nanoseconds()
        .map_or(d.num_seconds() as f64, |n| n as f64 / 1e9)
}

/// The interpolated median of Python's `statistics.median` and numpy.
fn median(values: &mut [f64]) -> Option<f64> {
    values.sort_unstable_by(f64::total_cmp);
    crate::stats::quantile_sorted(values, 0.5)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::metrics::testutil::{incident_at, record_at};
    use crate::model::DeployStatus;

    fn t(s: &str) -> i64 {
        chrono::DateTime::parse_from_rfc3339(s).unwrap().timestamp()
    }

    fn at(s: &str) -> Instant {
        chrono::DateTime::parse_from_rfc3339(s).unwrap().to_utc()
    }

    fn deployment(
        id: &str,
        created: &str,
        updated: &str,
        env: &str,
        status: DeployStatus,
    ) -> DeploymentRecord {
        let mut d = record_at(id, at(updated));
        d.created_at = Some(at(created));
        d.updated_at = Some(at(updated));
        d.environment = Some(env.into());
        d.status = status;
        d
    }

    fn issue(id: &str, created: &str, closed: Option<&str>, labels: &[&str]) -> Incident {
        let mut i = incident_at(id, at(created), closed.map(at));
        i.labels = labels.iter().map(|l| l.to_string()).collect();
        i
    }

    fn mr(id: &str, first: Option<&str>, merged: Option<&str>, updated: &str) -> MergeRequest {
        MergeRequest {
            id: id.into(),
            source: "gitlab-merge-requests",
            created_at: at("2024-01-01T00:00:00Z"),
            merged_at: merged.map(at),
            merge_sha: None,
            head_sha: None,
            target_branch: None,
            first_commit_at: None,
            updated_at: Some(at(updated)),
            commit_created_at: first.map(|f| vec![Some(at(f))]).unwrap_or_default(),
            location: crate::model::Location {
                file: "mrs.json".into(),
                line: None,
                record: 1,
            },
        }
    }

    fn value(r: &Reference, metric: &str) -> Option<f64> {
        r.rows.iter().find(|x| x.metric.name() == metric).unwrap().value
    }

    /// Worked by hand: window 2024-03-01 .. 2024-03-11 (10 days, both ends inclusive).
    #[test]
    fn gitlab_script_by_hand() {
        use DeployStatus::*;
        let deployments = [
            // In: updated exactly at the window's start and end.
            deployment(
                "1",
                "2024-03-01T00:00:00Z",
                "2024-03-01T00:00:00Z",
                "production",
                Success,
            ),
            deployment(
                "2",
                "2024-03-05T10:00:00Z",
                "2024-03-05T10:30:00Z",
                "production",
                Success,
            ),
            deployment(
                "3",
                "2024-03-10T23:00:00Z",
                "2024-03-11T00:00:00Z",
                "production",
                Success,
            ),
            // Out: updated after the window, although created in it.
            deployment(
                "4",
                "2024-03-10T00:00:00Z",
                "2024-03-11T00:00:01Z",
                "production",
                Success,
            ),
            // Out: failed, another environment's name, `prod` (the script asks for `production`).
            deployment(
                "5",
                "2024-03-02T00:00:00Z",
                "2024-03-02T00:00:00Z",
                "production",
                Failed,
            ),
            deployment(
                "6",
                "2024-03-02T00:00:00Z",
                "2024-03-02T00:00:00Z",
                "prod",
                Success,
            ),
        ];
        let incidents = [
            // 48 h exactly after deployment 2's created_at: fails it.
            issue(
                "10",
                "2024-03-07T10:00:00Z",
                Some("2024-03-07T13:00:00Z"),
                &["incident"],
            ),
            // Open, 1 s after deployment 3 was created: fails it; no restore time.
            issue("11", "2024-03-10T23:00:01Z", None, &["incident"]),
            // Before the window: fails nothing in it, restore not counted.
            issue(
                "12",
                "2024-02-01T00:00:00Z",
                Some("2024-02-01T01:00:00Z"),
                &["incident"],
            ),
            // Not labelled `incident` exactly: ignored by the script.
            issue(
                "13",
                "2024-03-01T00:00:01Z",
                Some("2024-03-01T00:00:02Z"),
                &["Incident"],
            ),
            issue(
                "14",
                "2024-03-04T00:00:00Z",
                Some("2024-03-04T02:00:00Z"),
                &["bug", "incident"],
            ),
        ];
        let mrs = [
            mr(
                "1",
                Some("2024-03-01T00:00:00Z"),
                Some("2024-03-01T06:00:00Z"),
                "2024-03-02T00:00:00Z",
            ),
            mr(
                "2",
                Some("2024-03-03T00:00:00Z"),
                Some("2024-03-03T01:00:00Z"),
                "2024-03-03T01:00:00Z",
            ),
            mr("3", None, Some("2024-03-03T01:00:00Z"), "2024-03-03T01:00:00Z"),
            mr("4", Some("2024-03-03T00:00:00Z"), None, "2024-03-03T01:00:00Z"),
            mr(
                "5",
                Some("2024-01-03T00:00:00Z"),
                Some("2024-01-03T01:00:00Z"),
                "2024-01-03T01:00:00Z",
            ),
        ];
        let r = compute(
            ReferenceMethod::GitlabScript,
            RefInputs {
                deployments: &deployments,
                merge_requests: &mrs,
                incidents: &incidents,
                aws: &Default::default(),
                changes: &[],
            },
            t("2024-03-01T00:00:00Z"),
            t("2024-03-11T00:00:00Z"),
        )
        .unwrap();
        assert_eq!(r.days, 10.0);
        assert_eq!(value(&r, "deployment_frequency"), Some(0.3));
        // MRs 1 and 2: 6 h and 1 h, median 3.5 h; MR 3 has no commits (noted).
        assert_eq!(value(&r, "lead_time"), Some(3.5 * 3600.0));
        // Issues 10 and 14 closed, created in the window: 3 h and 2 h.
        assert_eq!(value(&r, "time_to_restore"), Some(2.5 * 3600.0));
        let cfr = r
            .rows
            .iter()
            .find(|x| x.metric == Metric::ChangeFailureRate)
            .unwrap();
        assert_eq!((cfr.numerator, cfr.denominator), (Some(2), Some(3)));
        assert_eq!(cfr.category, Some(Category::Low));
        assert!(
            r.notes.iter().any(|n| n.starts_with("1 merged merge requests")),
            "{:?}",
            r.notes
        );
    }

    #[test]
    fn empty_window_has_no_medians_and_no_rate() {
        let r = compute(
            ReferenceMethod::GitlabScript,
            RefInputs {
                deployments: &[],
                merge_requests: &[],
                incidents: &[],
                aws: &Default::default(),
                changes: &[],
            },
            0,
            86_400,
        )
        .unwrap();
        assert_eq!(value(&r, "deployment_frequency"), Some(0.0));
        assert_eq!(value(&r, "lead_time"), None);
        assert_eq!(value(&r, "change_failure_rate"), None);
        assert!(
            compute(
                ReferenceMethod::GitlabScript,
                RefInputs {
                    deployments: &[],
                    merge_requests: &[],
                    incidents: &[],
                    aws: &Default::default(),
                    changes: &[],
                },
                5,
                5
            )
            .is_err()
        );
    }
}
