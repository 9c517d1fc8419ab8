//! Every metric per group (`--group-by repo|service|team|line`): the engine run again over
//! the records that belong to each group, with the whole report's range and periods, so that
//! every group's rows line up with the whole's.

use std::collections::{HashMap, HashSet};

use rayon::prelude::*;

use super::{Failures, GroupSummary, Inputs, MetricsError, Options, Summary, compute};
use crate::model::{Change, Deployment, GroupBy, Incident, MergeRequest, Revert};

/// What `record` belongs to under `by`.
fn member(
    by: GroupBy,
    group: &str,
    repo: &str,
    services: &[std::sync::Arc<str>],
    teams: &[std::sync::Arc<str>],
    line: Option<&str>,
) -> bool {
    match by {
        GroupBy::Repo => repo == group,
        GroupBy::Service => services.iter().any(|s| &**s == group),
        GroupBy::Team => teams.iter().any(|t| &**t == group),
        GroupBy::Line => line == Some(group),
    }
}

/// The release line of each deployment, by repository and name: a change belongs to the line
/// of the deployment that first shipped it (undeployed changes belong to no line).
type Lines<'a> = HashMap<(&'a str, &'a str), &'a str>;

fn deployment_in(by: GroupBy, group: &str, d: &Deployment) -> bool {
    member(by, group, &d.repo, &d.services, &d.teams, Some(&d.line))
}

fn change_in(by: GroupBy, group: &str, c: &Change, lines: &Lines<'_>) -> bool {
    let line = || {
        let d = c.deployment.as_deref()?;
        lines.get(&(&*c.repo, d)).copied()
    };
    member(
        by,
        group,
        &c.repo,
        &c.services,
        &c.teams,
        if by == GroupBy::Line { line() } else { None },
    )
}

/// The groups of an incident: the service its export names (grouping by service), else the
/// groups of the deployment the whole report attributed it to; `None` means every group
/// (nothing places it).
fn incident_groups<'a>(
    by: GroupBy,
    inc: &'a Incident,
    attributed: Option<&'a Deployment>,
    known: &HashSet<&str>,
) -> Option<Vec<&'a str>> {
    if by == GroupBy::Service
        && let Some(s) = inc.service.as_deref().filter(|s| known.contains(s))
    {
        return Some(vec![s]);
    }
    let d = attributed?;
    Some(match by {
        GroupBy::Repo => vec![d.repo.as_str()],
        GroupBy::Service => d.services.iter().map(|s| &**s).collect(),
        GroupBy::Team => d.teams.iter().map(|s| &**s).collect(),
        GroupBy::Line => vec![d.line.as_str()],
    })
}

/// Every metric for each of `groups` (in that order), over the range and periods of
/// `whole`. `failures` is the whole report's classification (it places the incidents).
pub fn compute_groups(
    inputs: Inputs<'_>,
    opts: &Options,
    by: GroupBy,
    groups: &[String],
    whole: &Summary,
    failures: &Failures,
) -> Result<Vec<GroupSummary>, MetricsError> {
    let opts = Options {
        since: Some(whole.since),
        until: Some(whole.until),
        ..opts.clone()
    };
    let known: HashSet<&str> = groups.iter().map(String::as_str).collect();
    let incident_groups: Vec<Option<Vec<&str>>> = inputs
        .incidents
        .iter()
        .enumerate()
        .map(|(k, inc)| {
            let d = failures
                .incidents
                .get(k)
                .and_then(|a| a.deployment)
                .map(|i| &inputs.deployments[i]);
            incident_groups(by, inc, d, &known)
        })
        .collect();
    let lines: Lines<'_> = if by == GroupBy::Line {
        inputs
            .deployments
            .iter()
            .map(|d| ((d.repo.as_str(), d.name.as_str()), d.line.as_str()))
            .collect()
    } else {
        HashMap::new()
    };
    let change_by_sha: HashMap<crate::model::Sha, &Change> =
        inputs.changes.iter().map(|c| (c.sha, c)).collect();
    let change_of = |sha: &str| -> Option<&Change> {
        let sha: crate::model::Sha = sha.parse().ok()?;
        change_by_sha.get(&sha).copied()
    };
    groups
        .par_iter()
        .map(|group| {
            let g = group.as_str();
            let changes: Vec<&Change> = inputs
                .changes
                .iter()
                .filter(|c| change_in(by, g, c, &lines))
                .collect();
            let deployments: Vec<Deployment> = inputs
                .deployments
                .iter()
                .filter(|d| deployment_in(by, g, d))
                .cloned()
                .collect();
            let incidents: Vec<Incident> = inputs
                .incidents
                .iter()
                .zip(&incident_groups)
                .filter(|(_, gs)| gs.as_ref().is_none_or(|gs| gs.contains(&g)))
                .map(|(i, _)| i.clone())
                .collect();
            // A merge request belongs where its merge commit does.
            let merge_requests: Vec<MergeRequest> = inputs
                .merge_requests
                .iter()
                .filter(|m| {
                    m.merge_sha
                        .as_deref()
                        .and_then(change_of)
                        .is_some_and(|c| change_in(by, g, c, &lines))
                })
                .cloned()
                .collect();
            // A revert belongs where the revert commit does.
            let reverts: Vec<Revert> = inputs
                .reverts
                .iter()
                .filter(|r| match by {
                    GroupBy::Repo => r.repo == g,
                    _ => change_by_sha
                        .get(&r.sha)
                        .is_some_and(|c| change_in(by, g, c, &lines)),
                })
                .cloned()
                .collect();
            let sub = Inputs {
                changes: super::Changes::Picked(&changes),
                deployments: &deployments,
                incidents: &incidents,
                merge_requests: &merge_requests,
                reverts: &reverts,
                has_repo: inputs.has_repo,
                has_incidents: inputs.has_incidents,
            };
            let out = compute(sub, &opts)?;
            let s = out.summary;
            Ok(GroupSummary {
                group: group.clone(),
                overall: s.overall,
                periods: s.periods,
                failure_methods: s.failure_methods,
                data_quality: s.data_quality,
                unavailable: s.unavailable,
            })
        })
        .collect()
}
