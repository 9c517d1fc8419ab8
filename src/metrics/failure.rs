//! Which deployments failed (each method of docs/metrics.md), which were unplanned (rework),
//! and how long each failed deployment took to recover.

use std::collections::HashMap;

use crate::glob::GlobMatcher;

use super::attribution::{self, Attributed};
use crate::model::{Deployment, FailureMethod, Incident, Revert};

/// The `failure_reason` of a run its tool reported failed, under every method.
pub const REPORTED_FAILED: &str = "reported failed";

impl FailureMethod {
    /// Whether the method has what it needs to decide anything: a repository for `rollback`,
    /// incident exports for the incident methods (given, even if they hold no incident: then
    /// none failed); `status` reads the deployment records alone.
    pub fn decides(self, has_repo: bool, has_incidents: bool) -> bool {
        match self {
            FailureMethod::Status => true,
            FailureMethod::Rollback => has_repo,
            _ => has_incidents,
        }
    }

    /// Whether the method reads incidents.
    pub fn uses_incidents(self) -> bool {
        matches!(
            self,
            FailureMethod::Window | FailureMethod::AnyInWindow | FailureMethod::Linked
        )
    }
}

/// The outcome of one failure method over all deployments and incidents.
#[derive(Debug, Clone)]
pub struct Failures {
    /// Per deployment: why it failed, or `None`.
    pub failed: Vec<Option<String>>,
    /// Per deployment: whether it is in the rate's denominator (successful deployments; for
    /// `status` also the runs the tool reported failed).
    pub counted: Vec<bool>,
    /// Per incident: its deployment and why. Methods that do not read incidents still
    /// attribute them by `window`, for the per-incident table.
    pub incidents: Vec<Attributed>,
    /// The method read incidents, so recovery is measured to their resolution.
    pub by_incidents: bool,
    /// Successful deployments in time order (see [`attribution::timeline`]).
    pub timeline: Vec<usize>,
}

/// Applies `method`.
pub fn classify(
    method: FailureMethod,
    deployments: &[Deployment],
    incidents: &[Incident],
    reverts: &[Revert],
    fix_tags: Option<&GlobMatcher>,
    window: i64,
) -> Failures {
    classify_from(method, deployments, incidents, reverts, fix_tags, window, None)
}

/// Applies `method` again, reusing what `prior` (a classification of the same records with
/// the same window) already worked out: the timeline, and the window attribution of incidents
/// when both methods attribute by window. The side-by-side rates of every method would
/// otherwise sort a million deployments and join every incident once per method.
pub fn reclassify(
    method: FailureMethod,
    deployments: &[Deployment],
    incidents: &[Incident],
    reverts: &[Revert],
    fix_tags: Option<&GlobMatcher>,
    window: i64,
    (prior, prior_method): (&Failures, FailureMethod),
) -> Failures {
    let by_window = |m: FailureMethod| !matches!(m, FailureMethod::AnyInWindow | FailureMethod::Linked);
    let attributed = (by_window(method) && by_window(prior_method)).then(|| prior.incidents.clone());
    classify_from(
        method,
        deployments,
        incidents,
        reverts,
        fix_tags,
        window,
        Some((prior.timeline.clone(), attributed)),
    )
}

type Prior = (Vec<usize>, Option<Vec<Attributed>>);

fn classify_from(
    method: FailureMethod,
    deployments: &[Deployment],
    incidents: &[Incident],
    reverts: &[Revert],
    fix_tags: Option<&GlobMatcher>,
    window: i64,
    prior: Option<Prior>,
) -> Failures {
    let n = deployments.len();
    let mut failed: Vec<Option<String>> = vec![None; n];
    let successful: Vec<bool> = deployments.iter().map(|d| d.failed != Some(true)).collect();
    let (line, known) = match prior {
        Some((line, known)) => (line, known),
        None => (attribution::timeline(deployments), None),
    };
    let attributed = match known {
        Some(a) => a,
        None => match method {
            FailureMethod::AnyInWindow => attribution::by_service(deployments, &line, incidents, |l, i| {
                attribution::any_in_window(deployments, l, i, window)
            }),
            FailureMethod::Linked => attribution::linked(deployments, &line, incidents),
            _ => attribution::by_service(deployments, &line, incidents, |l, i| {
                attribution::window(deployments, l, i, window)
            }),
        },
    };
    match method {
        FailureMethod::Window | FailureMethod::AnyInWindow | FailureMethod::Linked => {
            // Several incidents on one deployment count once; the first one names the reason.
            for (a, inc) in attributed.iter().zip(incidents) {
                for &d in &a.failed {
                    failed[d].get_or_insert_with(|| format!("incident {}", inc.id));
                }
            }
        }
        FailureMethod::Rollback => rollback_failures(deployments, &line, reverts, fix_tags, &mut failed),
        FailureMethod::Status => {
            for (d, f) in deployments.iter().zip(failed.iter_mut()) {
                if d.failed == Some(true) {
                    *f = Some(REPORTED_FAILED.into());
                }
            }
        }
    }
    // A deployment that shipped only ignored paths is in no denominator.
    let counted = match method {
        FailureMethod::Status => deployments.iter().map(|d| d.meaningful).collect(),
        _ => successful
            .iter()
            .zip(deployments)
            .map(|(&ok, d)| ok && d.meaningful)
            .collect(),
    };
    Failures {
        failed,
        counted,
        incidents: attributed,
        by_incidents: method.uses_incidents(),
        timeline: line,
    }
}

/// A deployment failed if the next deployment of its repository and release line rolls back
/// (redeploys a commit that line already shipped) or matches `--fix-tags`, or if a later
/// deployment ships a revert of one of its changes. A maintenance release of an older line
/// (`maintenance`: its commit was shipped by another line only) is no rollback: it fails
/// nothing.
fn rollback_failures(
    deployments: &[Deployment],
    line: &[usize],
    reverts: &[Revert],
    fix_tags: Option<&GlobMatcher>,
    failed: &mut [Option<String>],
) {
    let mut previous: HashMap<(&str, &str), usize> = HashMap::new();
    for &d in line {
        let dep = &deployments[d];
        let key = (dep.repo.as_str(), dep.line.as_str());
        if let Some(&p) = previous.get(&key) {
            if dep.rollback {
                failed[p].get_or_insert_with(|| format!("rolled back by {}", dep.name));
            } else if fix_tags.is_some_and(|g| g.is_match(&dep.name)) {
                failed[p].get_or_insert_with(|| format!("fixed by {}", dep.name));
            }
        }
        previous.insert(key, d);
    }
    let by_name: HashMap<(&str, &str), usize> = line
        .iter()
        .map(|&d| ((deployments[d].repo.as_str(), deployments[d].name.as_str()), d))
        .collect();
    for r in reverts {
        let (Some(shipped), Some(reverted)) = (&r.deployment, &r.reverted_deployment) else {
            continue;
        };
        if shipped == reverted {
            continue; // reverted before it ever reached production
        }
        if let Some(&d) = by_name.get(&(r.repo.as_str(), reverted.as_str())) {
            let short: String = r.reverted.to_string().chars().take(12).collect();
            failed[d].get_or_insert_with(|| format!("change {short} reverted in {shipped}"));
        }
    }
}

/// Per successful deployment: why it was unplanned (rework), or `None`. Unplanned means it
/// matches `--fix-tags`, or was made while an incident was open (after its start) or within
/// `window` after one was resolved.
///
/// When deployments name their service, a deployment of a service is unplanned only for that
/// service's incidents and incidents that name no service (as in [`attribution::by_service`]).
pub fn unplanned(
    deployments: &[Deployment],
    incidents: &[Incident],
    fix_tags: Option<&GlobMatcher>,
    window: i64,
) -> Vec<Option<String>> {
    let key = attribution::service_key;
    if !attribution::names_services(deployments) {
        let all: Vec<usize> = (0..deployments.len()).collect();
        return unplanned_among(deployments, &all, incidents, fix_tags, window);
    }
    let mut groups: std::collections::BTreeMap<Option<String>, Vec<usize>> = Default::default();
    for (i, d) in deployments.iter().enumerate() {
        groups.entry(key(&d.service)).or_default().push(i);
    }
    let mut out = vec![None; deployments.len()];
    for (service, members) in groups {
        let relevant: Vec<Incident> = incidents
            .iter()
            .filter(|inc| {
                let k = key(&inc.service);
                service.is_none() || k.is_none() || k == service
            })
            .cloned()
            .collect();
        for (&i, why) in members.iter().zip(unplanned_among(
            deployments,
            &members,
            &relevant,
            fix_tags,
            window,
        )) {
            out[i] = why;
        }
    }
    out
}

/// [`unplanned`] for the deployments at `which`, against `incidents`.
fn unplanned_among(
    deployments: &[Deployment],
    which: &[usize],
    incidents: &[Incident],
    fix_tags: Option<&GlobMatcher>,
    window: i64,
) -> Vec<Option<String>> {
    let mut order: Vec<usize> = (0..incidents.len()).collect();
    order.sort_by_key(|&i| incidents[i].started_at);
    let starts: Vec<i64> = order
        .iter()
        .map(|&i| incidents[i].started_at.timestamp())
        .collect();
    // Running maxima over incidents sorted by start: the latest resolution (open = never) and
    // the latest end of the after-window, with the incident that holds each.
    let mut open_max: Vec<(i64, usize)> = Vec::with_capacity(order.len());
    let mut after_max: Vec<(i64, usize)> = Vec::with_capacity(order.len());
    for &i in &order {
        let resolved = incidents[i].resolved_at.map_or(i64::MAX, |r| r.timestamp());
        let after = resolved.saturating_add(window);
        let o = open_max
            .last()
            .copied()
            .filter(|&(t, _)| t >= resolved)
            .unwrap_or((resolved, i));
        let a = after_max
            .last()
            .copied()
            .filter(|&(t, _)| t >= after)
            .unwrap_or((after, i));
        open_max.push(o);
        after_max.push(a);
    }
    which
        .iter()
        .map(|&d| {
            let d = &deployments[d];
            if d.failed == Some(true) {
                return None;
            }
            if fix_tags.is_some_and(|g| g.is_match(&d.name)) {
                return Some("fix tag".to_owned());
            }
            let t = d.deployed_at;
            let k = starts.partition_point(|&s| s < t);
            if k == 0 {
                return None;
            }
            let (open_until, i) = open_max[k - 1];
            if t < open_until {
                return Some(format!("during incident {}", incidents[i].id));
            }
            let (after_until, j) = after_max[k - 1];
            (t <= after_until).then(|| format!("after incident {}", incidents[j].id))
        })
        .collect()
}

/// How long a failed deployment took to recover (DORA's failed deployment recovery time).
#[derive(Debug, Clone, PartialEq)]
pub struct Recovery {
    /// The failed deployment.
    pub deployment: usize,
    /// Seconds from the deployment to recovery; `None` while not recovered.
    pub seconds: Option<i64>,
    /// `incident` (its incidents' latest resolution) or `next deployment`.
    pub via: &'static str,
}

/// Recovery of every failed deployment: when incidents mark it failed, the latest resolution
/// among them (open while any is open); otherwise the next successful, not failed deployment
/// of its repository.
pub fn recoveries(deployments: &[Deployment], incidents: &[Incident], f: &Failures) -> Vec<Recovery> {
    let mut resolution: HashMap<usize, Option<i64>> = HashMap::new();
    for (a, inc) in f.incidents.iter().zip(incidents).filter(|_| f.by_incidents) {
        for &d in &a.failed {
            if f.failed[d].is_none() {
                continue;
            }
            let r = inc.resolved_at.map(|r| r.timestamp());
            let slot = resolution.entry(d).or_insert(r);
            *slot = match (*slot, r) {
                (Some(a), Some(b)) => Some(a.max(b)),
                _ => None,
            };
        }
    }
    let line = &f.timeline;
    let mut out = Vec::new();
    for (i, dep) in deployments.iter().enumerate() {
        if f.failed[i].is_none() {
            continue;
        }
        if let Some(&r) = resolution.get(&i) {
            out.push(Recovery {
                deployment: i,
                seconds: r.map(|r| (r - dep.deployed_at).max(0)),
                via: "incident",
            });
            continue;
        }
        let at = line.partition_point(|&j| {
            let d = &deployments[j];
            (d.deployed_at, d.name.as_str()) <= (dep.deployed_at, dep.name.as_str())
        });
        let next = line[at..]
            .iter()
            .find(|&&j| deployments[j].repo == dep.repo && f.failed[j].is_none() && j != i);
        out.push(Recovery {
            deployment: i,
            seconds: next.map(|&j| deployments[j].deployed_at - dep.deployed_at),
            via: "next deployment",
        });
    }
    out
}

/// Writes a classification's decisions into the deployments' `failed`, and returns each
/// deployment's `failure_reason`. A run its tool reported failed stays failed under every
/// method (under `status`, that report is the decision); a method that has no reason of its
/// own for it gives `reported failed`.
pub fn apply_failures(
    d: &mut [crate::model::Deployment],
    failed: &[Option<String>],
    method: super::FailureMethod,
) -> Vec<Option<String>> {
    d.iter_mut()
        .zip(failed)
        .map(|(dep, why)| {
            let reported = dep.failed == Some(true);
            if !reported || method == super::FailureMethod::Status {
                dep.failed = Some(why.is_some());
            }
            why.clone()
                .or_else(|| reported.then(|| REPORTED_FAILED.to_owned()))
        })
        .collect()
}

/// Each deployment's `failure_reason` when the method cannot decide (no incident exports for
/// the incident methods, no repository for `rollback`): only the runs their tool reported
/// failed have one.
pub fn reported_failures(d: &[crate::model::Deployment]) -> Vec<Option<String>> {
    d.iter()
        .map(|dep| (dep.failed == Some(true)).then(|| REPORTED_FAILED.to_owned()))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::metrics::testutil::{deployment, deployment_of, incident, incident_on, without_services};

    fn reasons(f: &Failures) -> Vec<Option<&str>> {
        f.failed.iter().map(|r| r.as_deref()).collect()
    }

    #[test]
    fn rework_counts_only_incidents_of_the_deployments_service() {
        let with = deployment_of;
        let on = |id: &str, start: i64, end: i64, s: Option<&str>| incident_on(id, start, Some(end), s);
        let deps = vec![
            with("pay-1", 150, Some("payments")),
            with("search-1", 150, Some("search")),
            with("untagged", 150, None),
            with("search-2", 400, Some("Search")),
        ];
        let incs = vec![
            on("pay-down", 100, 200, Some("payments")),
            on("all-down", 350, 360, None),
        ];
        let why = unplanned(&deps, &incs, None, 100);
        assert_eq!(
            why.iter().map(|w| w.as_deref()).collect::<Vec<_>>(),
            [
                Some("during incident pay-down"),
                None, // a payments incident is not search's rework
                Some("during incident pay-down"),
                Some("after incident all-down"), // an incident without a service counts for all
            ]
        );
        // Without services on deployments, every incident counts for every deployment.
        let plain = without_services(&deps);
        assert_eq!(
            unplanned(&plain, &incs, None, 100)[1].as_deref(),
            Some("during incident pay-down")
        );
    }

    #[test]
    fn reclassifying_from_any_method_equals_classifying_afresh() {
        let mut deps: Vec<Deployment> = (0..40)
            .map(|i| {
                let mut d = deployment(&format!("v{i:02}"), (i * 7_919 % 50_000) as i64);
                d.failed = (i % 9 == 0).then_some(true);
                d.rollback = i % 11 == 0;
                d
            })
            .collect();
        deps[3].name = "v03-hotfix".into();
        let incs: Vec<Incident> = (0..25)
            .map(|i| {
                let mut inc = incident(&format!("i{i}"), (i * 3_571 % 52_000) as i64, None);
                inc.deployment = (i % 4 == 0).then(|| format!("v{:02}", i % 40));
                inc
            })
            .collect();
        let fix = crate::glob::compile("*-hotfix").unwrap();
        for &prior_m in FailureMethod::ALL {
            let prior = classify(prior_m, &deps, &incs, &[], Some(&fix), 4_000);
            for &m in FailureMethod::ALL {
                let fresh = classify(m, &deps, &incs, &[], Some(&fix), 4_000);
                let again = reclassify(m, &deps, &incs, &[], Some(&fix), 4_000, (&prior, prior_m));
                assert_eq!(again.failed, fresh.failed, "{prior_m:?} -> {m:?}");
                assert_eq!(again.counted, fresh.counted, "{prior_m:?} -> {m:?}");
                assert_eq!(again.incidents, fresh.incidents, "{prior_m:?} -> {m:?}");
            }
        }
    }

    #[test]
    fn window_counts_a_deployment_once() {
        let deps = vec![deployment("v1", 0), deployment("v2", 10_000)];
        let incs = vec![incident("a", 10_100, Some(11_000)), incident("b", 10_200, None)];
        let f = classify(FailureMethod::Window, &deps, &incs, &[], None, 3_600);
        assert_eq!(reasons(&f), vec![None, Some("incident a")]);
        assert_eq!(f.counted, vec![true, true]);
    }

    #[test]
    fn status_counts_tool_failures_in_the_denominator() {
        let mut deps = vec![deployment("ok", 0), deployment("bad", 10), deployment("ok2", 20)];
        deps[1].failed = Some(true);
        let f = classify(FailureMethod::Status, &deps, &[], &[], None, 3_600);
        assert_eq!(reasons(&f), vec![None, Some("reported failed"), None]);
        assert_eq!(f.counted, vec![true, true, true]);
        let w = classify(FailureMethod::Window, &deps, &[], &[], None, 3_600);
        assert_eq!(w.counted, vec![true, false, true]);
    }

    #[test]
    fn runs_reported_failed_say_so_under_every_method() {
        // v1, then a run its tool reported failed, then v2 with an incident an hour later
        // (naming v2, for `linked`): every method gives the failed run `reported failed` (and
        // keeps it failed); the incident methods give v2 its incident; v1 has no reason.
        let mut deps = vec![deployment("v1", 0), deployment("bad", 100), deployment("v2", 200)];
        deps[1].failed = Some(true);
        let incs = vec![Incident {
            deployment: Some("v2".into()),
            ..incident("i", 3_800, Some(4_000))
        }];
        for &m in FailureMethod::ALL {
            let f = classify(m, &deps, &incs, &[], None, 3_600);
            let mut table = deps.clone();
            let why = apply_failures(&mut table, &f.failed, m);
            assert_eq!(why[0], None, "{m}");
            assert_eq!(why[1].as_deref(), Some(REPORTED_FAILED), "{m}");
            assert_eq!(table[1].failed, Some(true), "{m}");
            let v2 = if m.uses_incidents() {
                Some("incident i")
            } else {
                None
            };
            assert_eq!(why[2].as_deref(), v2, "{m}");
            assert_eq!(table[2].failed, Some(v2.is_some()), "{m}");
        }
        // A method that cannot decide leaves only the tool's own report.
        assert_eq!(
            reported_failures(&deps),
            vec![None, Some(REPORTED_FAILED.to_owned()), None]
        );
    }

    #[test]
    fn rollback_fix_tags_and_reverts() {
        let mut deps = vec![
            deployment("v1", 0),
            deployment("v2", 100),
            deployment("v2-rollback", 200),
            deployment("v3", 300),
            deployment("v3-hotfix", 400),
            deployment("v4", 500),
            deployment("v5", 600),
        ];
        deps[2].rollback = true;
        let fix = globset::Glob::new("*-hotfix").unwrap().compile_matcher();
        let revert = |shipped: &str, reverted: &str| Revert {
            repo: "r".into(),
            sha: crate::model::Sha([1; 20]),
            reverted: crate::model::Sha([2; 20]),
            deployment: Some(shipped.into()),
            reverted_deployment: Some(reverted.into()),
        };
        let reverts = vec![revert("v5", "v4"), revert("v4", "v4")];
        let f = classify(FailureMethod::Rollback, &deps, &[], &reverts, Some(&fix), 0);
        assert_eq!(
            reasons(&f),
            vec![
                None,
                Some("rolled back by v2-rollback"),
                None,
                Some("fixed by v3-hotfix"),
                None,
                Some("change 020202020202 reverted in v5"),
                None
            ]
        );
    }

    #[test]
    fn rework_during_and_after_incidents() {
        let deps = vec![
            deployment("before", 50),
            deployment("at-start", 100), // the incident's cause, not its fix
            deployment("during", 150),
            deployment("after", 260),
            deployment("late", 400),
            deployment("v9-hotfix", 1_000),
            deployment("open", 2_100),
        ];
        let incs = vec![incident("i1", 100, Some(200)), incident("i2", 2_000, None)];
        let fix = globset::Glob::new("*-hotfix").unwrap().compile_matcher();
        let u = unplanned(&deps, &incs, Some(&fix), 100);
        let u: Vec<Option<&str>> = u.iter().map(|r| r.as_deref()).collect();
        assert_eq!(
            u,
            vec![
                None,
                None,
                Some("during incident i1"),
                Some("after incident i1"),
                None,
                Some("fix tag"),
                Some("during incident i2")
            ]
        );
    }

    #[test]
    fn recovery_by_incident_or_next_deployment() {
        let mut deps = vec![
            deployment("v1", 0),
            deployment("v2", 1_000),
            deployment("v3", 5_000),
        ];
        deps[2].rollback = true;
        let incs = vec![
            incident("a", 1_100, Some(3_000)),
            incident("b", 1_200, Some(4_000)),
        ];
        let f = classify(FailureMethod::Window, &deps, &incs, &[], None, 3_600);
        let r = recoveries(&deps, &incs, &f);
        assert_eq!(
            r,
            vec![Recovery {
                deployment: 1,
                seconds: Some(3_000),
                via: "incident"
            }]
        );
        let f = classify(FailureMethod::Rollback, &deps, &incs, &[], None, 3_600);
        let r = recoveries(&deps, &incs, &f);
        assert_eq!(r[0].deployment, 1);
        assert_eq!((r[0].seconds, r[0].via), (Some(4_000), "next deployment"));
        let open = vec![incident("a", 1_100, None)];
        let f = classify(FailureMethod::Window, &deps, &open, &[], None, 3_600);
        assert_eq!(recoveries(&deps, &open, &f)[0].seconds, None);
    }
}
