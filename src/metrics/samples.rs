//! The samples every range is measured from: each deployment, lead time, restore time and
//! failure decision, tagged with the time that places it, and the data-quality counts met on the way.

use std::collections::HashMap;

use super::{Failures, Inputs, LeadTimeMethod, Options, Quality, RestoreMethod, day_number, failure};
use crate::model::{Change, CommitTime, Excluded};
use crate::time::Range;

/// The samples every range is measured from, each tagged with the time that places it.
#[derive(Debug, Default)]
pub(super) struct Samples {
    /// Successful deployments: time and local day number.
    pub(super) deploys: Vec<(i64, i64)>,
    pub(super) lead: Vec<(i64, i64)>,
    pub(super) restore: Vec<(i64, i64)>,
    /// Counted deployments (the failure rate's denominator) and whether each failed.
    pub(super) failed: Vec<(i64, bool)>,
    pub(super) rework: Vec<(i64, bool)>,
}

/// The samples of every metric under the chosen methods, and the data-quality counts over
/// the reported range `since..until` met on the way.
pub(super) fn samples(
    inputs: Inputs<'_>,
    opts: &Options,
    failures: &Failures,
    unplanned: &[Option<String>],
    (since, until): (i64, i64),
) -> (Samples, Quality) {
    let in_range = |t: i64| Range::new(since, until).contains(t);
    let d = inputs.deployments;
    let mut s = Samples::default();
    let mut quality = Quality::default();
    let q = &mut quality;
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
    (s, quality)
}
