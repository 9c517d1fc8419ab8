//! The samples every range is measured from: each deployment, lead time, restore time and
//! failure decision, tagged with the time that places it, and the data-quality counts met on the way.

use std::collections::HashMap;

use super::{Failures, Inputs, LeadTimeMethod, Options, Quality, RestoreMethod, day_number, failure};
use crate::model::{Change, Excluded, Sha};
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
    q.not_meaningful_deployments = d
        .iter()
        .filter(|x| !x.meaningful && in_range(x.deployed_at))
        .count() as u64;
    for (i, dep) in d.iter().enumerate() {
        if failures.counted[i] {
            s.failed.push((dep.deployed_at, failures.failed[i].is_some()));
        }
    }

    // Lead time.
    let change_time = |c: &Change| opts.commit_time.pick(c.author_time, c.commit_time);
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
            for c in inputs.changes.iter() {
                let (Some(t), Some(v)) = (c.deployed_at, c.lead_time_seconds) else {
                    continue;
                };
                let counted = u64::from(in_range(t));
                match opts.lead_rule.excluded(c.is_merge, c.meaningful, c.backlog, v) {
                    Some(Excluded::Merge) => q.merge_commits += counted,
                    Some(Excluded::NotMeaningful) => q.not_meaningful_changes += counted,
                    Some(Excluded::Backlog) => q.backlog_changes += counted,
                    Some(Excluded::Negative) => q.negative_lead_times += counted,
                    None => s.lead.push((t, v)),
                }
            }
        }
        LeadTimeMethod::Pipeline => {
            // Keyed by the 20 bytes, not their text: a million changes would otherwise be a
            // million strings.
            let by_sha: HashMap<Sha, i64> = inputs.changes.iter().map(|c| (c.sha, change_time(c))).collect();
            for &i in line {
                let sha = d[i].sha.parse::<Sha>().ok();
                if let Some(&ct) = sha.and_then(|s| by_sha.get(&s)) {
                    push_lead(d[i].deployed_at, d[i].deployed_at - ct, q, &mut s);
                }
            }
        }
        LeadTimeMethod::MrMerge | LeadTimeMethod::MrDeploy | LeadTimeMethod::MrTotal => {
            let deployed: HashMap<Sha, i64> = inputs
                .changes
                .iter()
                .filter_map(|c| c.deployed_at.map(|t| (c.sha, t)))
                .collect();
            for mr in inputs.merge_requests {
                let Some(merged) = mr.merged_at.map(|t| t.timestamp()) else {
                    continue;
                };
                let first = mr.first_commit_at.map(|t| t.timestamp());
                let shipped = mr
                    .merge_sha
                    .as_ref()
                    .and_then(|s| s.parse::<Sha>().ok())
                    .and_then(|s| deployed.get(&s).copied());
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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::metrics::testutil::{Records, change, deployment, incident, merge_request, options, sha};
    use crate::model::{CommitTime, Deployment, LeadRule};

    /// 1970-01-01 is day 719,163 counted from 0001-01-01 (day 1).
    const EPOCH_DAY: i64 = 719_163;

    /// The steps before `samples`, as `compute` runs them.
    fn run(r: &Records, opts: &Options, range: (i64, i64)) -> (Samples, Quality) {
        let i = r.inputs();
        let f = failure::classify(
            opts.failure,
            i.deployments,
            i.incidents,
            i.reverts,
            None,
            opts.failure_window,
        );
        let u = failure::unplanned(i.deployments, i.incidents, None, opts.failure_window);
        samples(i, opts, &f, &u, range)
    }

    fn with(lead_time: LeadTimeMethod) -> Options {
        Options {
            lead_time,
            ..options()
        }
    }

    #[test]
    fn deployments_failures_and_rework_in_time_order() {
        // Given out of order; the failed run is not a deployment; a and c share a second
        // (name order: a first). The incident 120..130 falls on c (the last at or before 120)
        // and makes b (200, within 48h after 130) and late (90000, also within) rework.
        let r = Records {
            deployments: vec![
                deployment("b", 200),
                deployment("a", 100),
                Deployment {
                    failed: Some(true),
                    ..deployment("bad", 150)
                },
                deployment("c", 100),
                deployment("late", 90_000),
            ],
            incidents: vec![incident("i", 120, Some(130))],
            ..Default::default()
        };
        let (s, q) = run(&r, &options(), (0, 1_000));
        // 90000 s is 1970-01-02 01:00 UTC, the day after.
        assert_eq!(
            s.deploys,
            [
                (100, EPOCH_DAY),
                (100, EPOCH_DAY),
                (200, EPOCH_DAY),
                (90_000, EPOCH_DAY + 1)
            ]
        );
        assert_eq!(
            s.rework,
            [(100, false), (100, false), (200, true), (90_000, true)]
        );
        // Counted (successful) deployments in input order, c failed.
        assert_eq!(
            s.failed,
            [(200, false), (100, false), (100, true), (90_000, false)]
        );
        // In 0..1000: a, b, c; one failed run.
        assert_eq!((q.deployments, q.failed_runs), (3, 1));
        assert_eq!((q.incidents, q.open_incidents), (1, 0));

        // Under status the failed run is in the denominator, and it is the one failure.
        let status = Options {
            failure: crate::model::FailureMethod::Status,
            ..options()
        };
        let (s, _) = run(&r, &status, (0, 1_000));
        assert_eq!(
            s.failed,
            [
                (200, false),
                (100, false),
                (150, true),
                (100, false),
                (90_000, false)
            ]
        );
    }

    #[test]
    fn day_numbers_are_local_days() {
        // 23:30 UTC on the epoch is 00:30 on the next day at +01:00 and 22:30 on the same day
        // at -01:00; 90000 s (Jan 2, 01:00 UTC) is exactly midnight of Jan 2 at -01:00.
        let r = Records {
            deployments: vec![deployment("a", 84_600), deployment("b", 90_000)],
            ..Default::default()
        };
        let at = |z: &str| {
            let opts = Options {
                zone: crate::metrics::testutil::zone(z),
                ..options()
            };
            run(&r, &opts, (0, 100_000)).0.deploys
        };
        assert_eq!(at("+01:00"), [(84_600, EPOCH_DAY + 1), (90_000, EPOCH_DAY + 1)]);
        assert_eq!(at("-01:00"), [(84_600, EPOCH_DAY), (90_000, EPOCH_DAY + 1)]);
        assert_eq!(at("UTC"), [(84_600, EPOCH_DAY), (90_000, EPOCH_DAY + 1)]);
    }

    /// Changes for the commit method, range 0..3000:
    ///
    /// | change | deployed | lead | merge | backlog | default rule         |
    /// |--------|----------|------|-------|---------|----------------------|
    /// | 1      | 1000     | 100  |       |         | sample               |
    /// | 2      | 1000     | 200  | yes   |         | merge, counted       |
    /// | 3      | 1000     | 300  |       | yes     | backlog, counted     |
    /// | 4      | 2000     | -50  |       |         | negative, counted    |
    /// | 5      | 5000     | 400  | yes   |         | merge, out of range  |
    /// | 6      | 5000     | -60  |       |         | negative, out of range |
    /// | 7      | 5000     | 70   |       |         | sample (placed later) |
    /// | 8      | never    |      |       |         | skipped              |
    /// | 9      | 1000     | -10  | yes   | yes     | merge (asked first)  |
    fn commit_changes() -> Records {
        let merge = |c: Change| Change { is_merge: true, ..c };
        let backlog = |c: Change| Change { backlog: true, ..c };
        Records {
            changes: vec![
                change(1, Some(1_000), 100),
                merge(change(2, Some(1_000), 200)),
                backlog(change(3, Some(1_000), 300)),
                change(4, Some(2_000), -50),
                merge(change(5, Some(5_000), 400)),
                change(6, Some(5_000), -60),
                change(7, Some(5_000), 70),
                change(8, None, 0),
                merge(backlog(change(9, Some(1_000), -10))),
            ],
            has_repo: true,
            ..Default::default()
        }
    }

    #[test]
    fn commit_lead_time_leaves_out_merges_backlog_and_negatives() {
        let r = commit_changes();
        let (s, q) = run(&r, &with(LeadTimeMethod::Commit), (0, 3_000));
        assert_eq!(s.lead, [(1_000, 100), (5_000, 70)]);
        // Counted only when deployed in range: 2 and 9 (merges), 3, 4.
        assert_eq!(
            (q.merge_commits, q.backlog_changes, q.negative_lead_times),
            (2, 1, 1)
        );

        // With merges and backlog: 2 and 3 count, 5 counts (out of range, still a sample),
        // 9 is now negative.
        let all = Options {
            lead_rule: LeadRule {
                include_merges: true,
                include_backlog: true,
            },
            ..with(LeadTimeMethod::Commit)
        };
        let (s, q) = run(&r, &all, (0, 3_000));
        assert_eq!(
            s.lead,
            [
                (1_000, 100),
                (1_000, 200),
                (1_000, 300),
                (5_000, 400),
                (5_000, 70)
            ]
        );
        assert_eq!(
            (q.merge_commits, q.backlog_changes, q.negative_lead_times),
            (0, 0, 2)
        );
    }

    #[test]
    fn pipeline_takes_the_deployed_commits_time() {
        // Commit 1: author time 100, committer time 400, deployed by v1 at 1000 (and by a
        // failed run at 1500, which is no deployment). Commit 2 is dated 2500 and deployed at
        // 2000: negative. v3 deploys a commit outside the history; v4 (out of range) has a
        // negative lead time that is not counted.
        let dep = |name: &str, t: i64, n: u8| Deployment {
            sha: sha(n).to_string(),
            ..deployment(name, t)
        };
        let commit = |n: u8, author: i64, committer: i64| Change {
            author_time: author,
            commit_time: committer,
            // The commit method's own fields must not matter here.
            is_merge: true,
            backlog: true,
            ..change(n, None, 0)
        };
        let r = Records {
            deployments: vec![
                dep("v1", 1_000, 1),
                Deployment {
                    failed: Some(true),
                    ..dep("bad", 1_500, 1)
                },
                dep("v2", 2_000, 2),
                dep("v3", 3_000, 9),
                dep("v4", 9_000, 3),
            ],
            changes: vec![
                commit(1, 100, 400),
                commit(2, 2_500, 2_500),
                commit(3, 9_500, 9_500),
            ],
            has_repo: true,
            ..Default::default()
        };
        let (s, q) = run(&r, &with(LeadTimeMethod::Pipeline), (0, 5_000));
        // Author: 1000 - 100 = 900.
        assert_eq!(s.lead, [(1_000, 900)]);
        assert_eq!(
            (q.negative_lead_times, q.merge_commits, q.backlog_changes),
            (1, 0, 0)
        );
        let committer = Options {
            commit_time: CommitTime::Committer,
            ..with(LeadTimeMethod::Pipeline)
        };
        let (s, q) = run(&r, &committer, (0, 5_000));
        // Committer: 1000 - 400 = 600.
        assert_eq!(s.lead, [(1_000, 600)]);
        assert_eq!(q.negative_lead_times, 1);
    }

    /// Merge requests over changes sha(10) deployed at 5000, sha(11) at 6000 and sha(12)
    /// never; range 0..10000.
    ///
    /// | mr | first | merged | merge commit        |
    /// |----|-------|--------|---------------------|
    /// | 1  | 1000  | 2000   | sha(10), upper case |
    /// | 2  | -     | 3000   | sha(11)             |
    /// | 3  | 2500  | 4000   | sha(12)             |
    /// | 4  | 100   | -      | sha(10)             |
    /// | 5  | -     | 4500   | -                   |
    /// | 6  | -     | 20000  | - (out of range)    |
    /// | 7  | 7000  | 6500   | sha(11)             |
    fn merge_requests() -> Records {
        let upper = sha(10).to_string().to_ascii_uppercase();
        let s11 = sha(11).to_string();
        let s12 = sha(12).to_string();
        Records {
            changes: vec![
                change(10, Some(5_000), 1),
                change(11, Some(6_000), 1),
                change(12, None, 0),
            ],
            merge_requests: vec![
                merge_request("1", Some(1_000), Some(2_000), Some(&upper)),
                merge_request("2", None, Some(3_000), Some(&s11)),
                merge_request("3", Some(2_500), Some(4_000), Some(&s12)),
                merge_request("4", Some(100), None, Some(&sha(10).to_string())),
                merge_request("5", None, Some(4_500), None),
                merge_request("6", None, Some(20_000), None),
                merge_request("7", Some(7_000), Some(6_500), Some(&s11)),
            ],
            has_repo: true,
            ..Default::default()
        }
    }

    #[test]
    fn mr_merge_is_first_commit_to_merge() {
        let (s, q) = run(&merge_requests(), &with(LeadTimeMethod::MrMerge), (0, 10_000));
        // 1: 2000 - 1000; 3: 4000 - 2500; 7: 6500 - 7000 < 0. Without a first commit: 2, 5
        // (6 is out of range). Placed at the merge.
        assert_eq!(s.lead, [(2_000, 1_000), (4_000, 1_500)]);
        assert_eq!(
            (
                q.merge_requests_without_first_commit,
                q.merge_requests_not_deployed,
                q.negative_lead_times
            ),
            (2, 0, 1)
        );
    }

    #[test]
    fn mr_deploy_is_merge_to_first_deployment() {
        let (s, q) = run(&merge_requests(), &with(LeadTimeMethod::MrDeploy), (0, 10_000));
        // 1: 5000 - 2000 (the upper-case sha matches); 2: 6000 - 3000; 7: 6000 - 6500 < 0.
        // Not deployed: 3 (never shipped), 5 (no merge commit). Placed at the deployment.
        assert_eq!(s.lead, [(5_000, 3_000), (6_000, 3_000)]);
        assert_eq!(
            (
                q.merge_requests_without_first_commit,
                q.merge_requests_not_deployed,
                q.negative_lead_times
            ),
            (0, 2, 1)
        );
    }

    #[test]
    fn mr_total_is_first_commit_to_first_deployment() {
        let (s, q) = run(&merge_requests(), &with(LeadTimeMethod::MrTotal), (0, 10_000));
        // 1: 5000 - 1000; 7: 6000 - 7000 < 0. Without a first commit (asked first): 2, 5.
        // Not deployed: 3.
        assert_eq!(s.lead, [(5_000, 4_000)]);
        assert_eq!(
            (
                q.merge_requests_without_first_commit,
                q.merge_requests_not_deployed,
                q.negative_lead_times
            ),
            (2, 1, 1)
        );
    }

    /// Deployments at 10000, 20000, 40000; window 1h; range 0..50000.
    ///
    /// | incident | start  | end    | window attribution             |
    /// |----------|--------|--------|--------------------------------|
    /// | a        | 5000   | 6000   | none: before the first          |
    /// | b        | 20100  | 20400  | v2                              |
    /// | c        | 20200  | 21900  | v2                              |
    /// | d        | 30000  | 31000  | none: v2 is 10000 s before (>1h) |
    /// | e        | 40500  | open   | v3                              |
    /// | f        | 100000 | 100050 | out of range                    |
    fn incidents() -> Records {
        Records {
            deployments: vec![
                deployment("v1", 10_000),
                deployment("v2", 20_000),
                deployment("v3", 40_000),
            ],
            incidents: vec![
                incident("a", 5_000, Some(6_000)),
                incident("b", 20_100, Some(20_400)),
                incident("c", 20_200, Some(21_900)),
                incident("d", 30_000, Some(31_000)),
                incident("e", 40_500, None),
                incident("f", 100_000, Some(100_050)),
            ],
            ..Default::default()
        }
    }

    fn restore(method: RestoreMethod) -> Options {
        Options {
            restore: method,
            failure_window: 3_600,
            ..options()
        }
    }

    #[test]
    fn incident_counts_and_unattributed_reasons() {
        let (_, q) = run(&incidents(), &restore(RestoreMethod::Incident), (0, 50_000));
        assert_eq!((q.incidents, q.open_incidents), (5, 1));
        // The window reason loses its "before it started"; sorted by reason.
        assert_eq!(
            q.unattributed_incidents,
            [
                ("none: before the first deployment".to_owned(), 1),
                ("none: no deployment in the 1h".to_owned(), 1)
            ]
        );
        assert_eq!(q.unrecovered_deployments, 0);
    }

    #[test]
    fn restore_by_incident() {
        let (s, _) = run(&incidents(), &restore(RestoreMethod::Incident), (0, 50_000));
        // Start to resolution of every resolved incident, placed at its start (f too: the
        // range is measured later); e is open.
        assert_eq!(
            s.restore,
            [
                (5_000, 1_000),
                (20_100, 300),
                (20_200, 1_700),
                (30_000, 1_000),
                (100_000, 50)
            ]
        );
    }

    #[test]
    fn restore_by_deployment() {
        let (s, q) = run(&incidents(), &restore(RestoreMethod::Deployment), (0, 50_000));
        // v2 failed by b and c: recovered at the later resolution, 21900 - 20000 = 1900.
        // v3 failed by e, still open: unrecovered.
        assert_eq!(s.restore, [(20_000, 1_900)]);
        assert_eq!(q.unrecovered_deployments, 1);
        // The same out of range: not counted.
        let (_, q) = run(&incidents(), &restore(RestoreMethod::Deployment), (0, 30_000));
        assert_eq!(q.unrecovered_deployments, 0);

        // Under rollback, recovery is the next good deployment: v3 rolls back, so v2 failed
        // and recovered at v3, 20000 s later.
        let mut r = incidents();
        r.deployments[2].rollback = true;
        let rollback = Options {
            failure: crate::model::FailureMethod::Rollback,
            ..restore(RestoreMethod::Deployment)
        };
        let (s, q) = run(&r, &rollback, (0, 50_000));
        assert_eq!(s.restore, [(20_000, 20_000)]);
        assert_eq!(q.unrecovered_deployments, 0);
    }
}
