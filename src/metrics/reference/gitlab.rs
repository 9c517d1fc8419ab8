//! `--reference gitlab-script`: the common scripts against the GitLab REST API.

use super::{FAILURE_WINDOW_SECONDS, RefInputs, Reference, ReferenceRow, instant, median, seconds};
use crate::benchmarks::Category;
use crate::model::{
    DeployStatus, DeploymentRecord, Incident, Instant, MergeRequest, Metric, ReferenceMethod,
};

/// The script's four numbers over `[since, until]`; `category` places a value in the
/// `four-tier` profile, as the script does.
pub(super) fn compute(
    inputs: RefInputs<'_>,
    since: i64,
    until: i64,
    category: &dyn Fn(Metric, Option<f64>) -> Option<Category>,
) -> Result<Reference, String> {
    let method = ReferenceMethod::GitlabScript;
    let (lo, hi) = (instant(since)?, instant(until)?);
    let days = (until - since) as f64 / 86_400.0;
    let mut notes = Vec::new();
    let in_window = |t: Option<Instant>| t.is_some_and(|t| lo <= t && t <= hi);

    let deployments: Vec<&DeploymentRecord> = inputs
        .deployments
        .iter()
        .filter(|d| {
            d.status == DeployStatus::Success
                && d.environment.as_deref() == Some("production")
                && in_window(d.updated_at)
        })
        .collect();
    let no_updated = inputs
        .deployments
        .iter()
        .filter(|d| d.updated_at.is_none())
        .count();
    if no_updated > 0 {
        notes.push(format!(
            "{no_updated} deployment records have no updated_at (not a GitLab deployments export): not counted"
        ));
    }
    let frequency = deployments.len() as f64 / days;

    let merged: Vec<&MergeRequest> = inputs
        .merge_requests
        .iter()
        .filter(|m| m.merged_at.is_some() && in_window(m.updated_at))
        .collect();
    let mut lead: Vec<f64> = merged
        .iter()
        .filter_map(|m| Some(seconds(m.merged_at? - m.oldest_commit_created_at?)))
        .collect();
    if lead.len() < merged.len() {
        notes.push(format!(
            "{} merged merge requests in the window have no commits with created_at (give the merge-request commits): not counted",
            merged.len() - lead.len()
        ));
    }

    let labelled: Vec<&Incident> = inputs
        .incidents
        .iter()
        .filter(|i| i.labels.iter().any(|l| l == "incident"))
        .collect();
    let mut restore: Vec<f64> = labelled
        .iter()
        .filter(|i| in_window(Some(i.started_at)))
        .filter_map(|i| Some(seconds(i.resolved_at? - i.started_at)))
        .collect();

    let mut opened: Vec<Instant> = labelled.iter().map(|i| i.started_at).collect();
    opened.sort_unstable();
    let window = chrono::Duration::seconds(FAILURE_WINDOW_SECONDS);
    let mut without_created = 0;
    let failed = deployments
        .iter()
        .filter(|d| match d.created_at {
            Some(c) => {
                let first = opened.partition_point(|&t| t < c);
                opened.get(first).is_some_and(|&t| t <= c + window)
            }
            None => {
                without_created += 1;
                false
            }
        })
        .count() as u64;
    if without_created > 0 {
        notes.push(format!(
            "{without_created} deployments have no created_at: never counted as failed"
        ));
    }
    let total = deployments.len() as u64;
    let rate = (total > 0).then(|| failed as f64 / total as f64);
    let (lead_n, restore_n) = (lead.len() as u64, restore.len() as u64);
    let (lead_median, restore_median) = (median(&mut lead), median(&mut restore));
    let rows = vec![
        ReferenceRow {
            metric: Metric::DeploymentFrequency,
            definition: "successful deployments to production with updated_at in the window / days",
            unit: "per day",
            value: Some(frequency),
            sample_size: total,
            numerator: None,
            denominator: None,
            category: category(Metric::DeploymentFrequency, Some(frequency)),
        },
        ReferenceRow {
            metric: Metric::LeadTime,
            definition: "median of merged_at - oldest commit created_at over merged merge requests with updated_at in the window",
            unit: "seconds",
            value: lead_median,
            sample_size: lead_n,
            numerator: None,
            denominator: None,
            category: category(Metric::LeadTime, lead_median),
        },
        ReferenceRow {
            metric: Metric::TimeToRestore,
            definition: "median of closed_at - created_at over closed issues labelled incident created in the window",
            unit: "seconds",
            value: restore_median,
            sample_size: restore_n,
            numerator: None,
            denominator: None,
            category: category(Metric::TimeToRestore, restore_median),
        },
        ReferenceRow {
            metric: Metric::ChangeFailureRate,
            definition: "deployments (as above) with an issue labelled incident created 0-48 h after the deployment's created_at / deployments",
            unit: "ratio",
            value: rate,
            sample_size: total,
            numerator: Some(failed),
            denominator: Some(total),
            category: category(Metric::ChangeFailureRate, rate),
        },
    ];
    Ok(Reference {
        method: method.name(),
        since: crate::time::rfc3339(since),
        until: crate::time::rfc3339(until),
        days,
        rows,
        notes,
    })
}
