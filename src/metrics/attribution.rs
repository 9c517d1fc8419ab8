//! Incident → deployment attribution. The `window` rule is a sorted as-of join (the latest
//! deployment at or before the incident's start, within the failure window);
//! `any-in-window` is two binary searches per incident; `linked` looks the export's link up
//! by deployment name or commit. None of them is a nested loop.

use std::collections::HashMap;

use crate::model::{Deployment, Incident};

/// Which deployment an incident is attributed to, and why (the per-incident table's
/// `deployment` and `attribution` columns).
#[derive(Debug, Clone, PartialEq)]
pub struct Attributed {
    /// Index into the deployments slice.
    pub deployment: Option<usize>,
    /// Deployments the incident marks as failed (one for `window` and `linked`, every
    /// deployment in the window for `any-in-window`).
    pub failed: Vec<usize>,
    /// Why: `window`, `any-in-window`, `linked`, or `none: <reason>`.
    pub why: String,
}

/// Successful, meaningful deployments (not reported failed by their tool, not shipping only
/// ignored paths) in time order, ties by name: the timeline incidents are matched against.
/// Computed once per classification ([`crate::metrics::Failures::timeline`]) and handed to
/// every rule.
pub fn timeline(deployments: &[Deployment]) -> Vec<usize> {
    let mut idx: Vec<usize> = (0..deployments.len())
        .filter(|&i| deployments[i].failed != Some(true) && deployments[i].meaningful)
        .collect();
    idx.sort_by(|&a, &b| {
        let (x, y) = (&deployments[a], &deployments[b]);
        x.deployed_at
            .cmp(&y.deployed_at)
            .then_with(|| x.name.cmp(&y.name))
    });
    idx
}

/// For each incident, the position in `times` (sorted ascending) of the latest time at or
/// before the incident's start, if it is at most `window` seconds earlier; among equal times,
/// the last (deployments are ordered by name within a second). A backward as-of join: one
/// binary search per incident.
pub fn asof_backward(times: &[i64], starts: &[i64], window: i64) -> Vec<Option<usize>> {
    debug_assert!(times.is_sorted(), "as-of join needs sorted times");
    starts
        .iter()
        .map(|&start| {
            // The number of times at or before the start; the last of them is the latest.
            let at_or_before = times.partition_point(|&t| t <= start);
            let p = at_or_before.checked_sub(1)?;
            (start - times[p] <= window).then_some(p)
        })
        .collect()
}

/// Applies a window rule service by service. When deployments name their service, an
/// incident that names one (compared case-insensitively) is matched only against deployments
/// of that service (named by the export, or by `--service` from the paths they shipped): a payments outage is not blamed on a search release. Incidents without a
/// service, and all incidents when no deployment names one, are matched against every
/// deployment.
pub fn by_service(
    deployments: &[Deployment],
    line: &[usize],
    incidents: &[Incident],
    rule: impl Fn(&[usize], &[Incident]) -> Vec<Attributed>,
) -> Vec<Attributed> {
    let key = service_key;
    if !names_services(deployments) {
        return rule(line, incidents);
    }
    // Groups in a fixed order (BTreeMap) so that results never depend on hashing.
    let mut groups: std::collections::BTreeMap<Option<String>, Vec<usize>> = Default::default();
    for (i, inc) in incidents.iter().enumerate() {
        groups.entry(key(&inc.service)).or_default().push(i);
    }
    let mut out: Vec<Option<Attributed>> = vec![None; incidents.len()];
    for (service, members) in groups {
        let sub_line: Vec<usize> = match &service {
            Some(s) => line
                .iter()
                .copied()
                .filter(|&d| serves(&deployments[d], s))
                .collect(),
            None => line.to_vec(),
        };
        let subset: Vec<Incident> = members.iter().map(|&i| incidents[i].clone()).collect();
        for (&i, mut a) in members.iter().zip(rule(&sub_line, &subset)) {
            if let (Some(s), None) = (&service, a.deployment) {
                a.why = format!("{} (service {s})", a.why);
            }
            out[i] = Some(a);
        }
    }
    out.into_iter()
        .map(|a| {
            a.unwrap_or_else(|| Attributed {
                deployment: None,
                failed: Vec::new(),
                why: "none".into(),
            })
        })
        .collect()
}

/// A service name as matched: trimmed and lowercased; `None` for no or an empty name.
pub fn service_key(service: &Option<String>) -> Option<String> {
    service
        .as_deref()
        .map(|s| s.trim().to_lowercase())
        .filter(|s| !s.is_empty())
}

/// Whether the deployments name services at all. Decided over every record, failed runs too,
/// so that the rule does not change with which runs happened to fail.
pub fn names_services(deployments: &[Deployment]) -> bool {
    deployments
        .iter()
        .any(|d| service_key(&d.service).is_some() || !d.services.is_empty())
}

/// Whether a deployment belongs to the service `key` (lower case): the one its export
/// names, or one its changes' paths belong to (`--service`).
fn serves(d: &Deployment, key: &str) -> bool {
    // Compared as `service_key` would lower-case them, without a string per comparison.
    let same = |s: &str| s.trim().chars().flat_map(char::to_lowercase).eq(key.chars());
    d.service.as_deref().is_some_and(same) || d.services.iter().any(|s| same(s))
}

/// The `window` rule: the latest successful deployment that finished at or before the
/// incident started, if no more than `window` seconds before.
pub fn window(
    deployments: &[Deployment],
    line: &[usize],
    incidents: &[Incident],
    window: i64,
) -> Vec<Attributed> {
    let times: Vec<i64> = line.iter().map(|&i| deployments[i].deployed_at).collect();
    let starts: Vec<i64> = incidents.iter().map(|i| i.started_at.timestamp()).collect();
    asof_backward(&times, &starts, window)
        .into_iter()
        .zip(&starts)
        .map(|(pos, &start)| match pos {
            Some(p) => Attributed {
                deployment: Some(line[p]),
                failed: vec![line[p]],
                why: "window".into(),
            },
            None => Attributed {
                deployment: None,
                failed: Vec::new(),
                why: none_reason(&times, start, window),
            },
        })
        .collect()
}

fn none_reason(times: &[i64], start: i64, window: i64) -> String {
    if times.first().is_none_or(|&t| start < t) {
        "none: before the first deployment".into()
    } else {
        format!(
            "none: no deployment in the {} before it started",
            crate::time::duration_text(window)
        )
    }
}

/// The `any-in-window` rule: every successful deployment in `[start - window, start]` failed;
/// the incident is attributed to the latest of them.
pub fn any_in_window(
    deployments: &[Deployment],
    line: &[usize],
    incidents: &[Incident],
    window: i64,
) -> Vec<Attributed> {
    let times: Vec<i64> = line.iter().map(|&i| deployments[i].deployed_at).collect();
    incidents
        .iter()
        .map(|inc| {
            let start = inc.started_at.timestamp();
            let lo = times.partition_point(|&t| t < start.saturating_sub(window));
            let hi = times.partition_point(|&t| t <= start);
            if lo < hi {
                Attributed {
                    deployment: Some(line[hi - 1]),
                    failed: line[lo..hi].to_vec(),
                    why: "any-in-window".into(),
                }
            } else {
                Attributed {
                    deployment: None,
                    failed: Vec::new(),
                    why: none_reason(&times, start, window),
                }
            }
        })
        .collect()
}

/// The `linked` rule: the incident's export names the deployment by id or tag, or by its
/// commit (full or abbreviated to at least 7 hex digits). A commit deployed more than once
/// means its first successful deployment.
pub fn linked(deployments: &[Deployment], line: &[usize], incidents: &[Incident]) -> Vec<Attributed> {
    let mut by_name: HashMap<&str, usize> = HashMap::new();
    let mut shas: Vec<(&str, usize)> = Vec::new();
    for &i in line.iter().rev() {
        by_name.insert(deployments[i].name.as_str(), i);
        if !deployments[i].sha.is_empty() {
            shas.push((deployments[i].sha.as_str(), i));
        }
    }
    // Sorted by sha, first deployment first within a sha, for prefix lookup.
    shas.reverse();
    shas.sort_by(|a, b| a.0.cmp(b.0));
    let find_sha = |key: &str| -> Option<usize> {
        if key.len() < 7 || !key.bytes().all(|b| b.is_ascii_hexdigit()) {
            return None;
        }
        let key = key.to_ascii_lowercase();
        let at = shas.partition_point(|(s, _)| *s < key.as_str());
        let (s, i) = shas.get(at)?;
        if !s.starts_with(&key) {
            return None;
        }
        // An abbreviation that fits two different commits names neither.
        let other = shas[at..]
            .iter()
            .take_while(|(x, _)| x.starts_with(&key))
            .any(|(x, _)| x != s);
        (!other).then_some(*i)
    };
    incidents
        .iter()
        .map(|inc| match inc.deployment.as_deref().map(str::trim) {
            None | Some("") => Attributed {
                deployment: None,
                failed: Vec::new(),
                why: "none: the export names no deployment".into(),
            },
            Some(link) => match by_name.get(link).copied().or_else(|| find_sha(link)) {
                Some(d) => Attributed {
                    deployment: Some(d),
                    failed: vec![d],
                    why: "linked".into(),
                },
                None => Attributed {
                    deployment: None,
                    failed: Vec::new(),
                    why: format!("none: '{link}' names no known deployment"),
                },
            },
        })
        .collect()
}

/// Per incident: the name of the deployment it is attributed to, and why.
pub type IncidentAttribution = Vec<(Option<String>, String)>;

/// The incidents that started in range, and, when they were attributed, each one's
/// deployment (by name) and why: the rows of the per-incident table.
pub fn incidents_in_range(
    incidents: &[crate::model::Incident],
    attributed: Option<&[Attributed]>,
    deployments: &[crate::model::Deployment],
    in_range: impl Fn(i64) -> bool,
) -> (Vec<crate::model::Incident>, Option<IncidentAttribution>) {
    let keep: Vec<usize> = (0..incidents.len())
        .filter(|&i| in_range(incidents[i].started_at.timestamp()))
        .collect();
    let rows = keep.iter().map(|&i| incidents[i].clone()).collect();
    let names = attributed.map(|a| {
        keep.iter()
            .map(|&i| {
                (
                    a[i].deployment.map(|d| deployments[d].name.clone()),
                    a[i].why.clone(),
                )
            })
            .collect()
    });
    (rows, names)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::metrics::testutil::{deployment, deployment_of, incident, incident_on, without_services};
    use proptest::prelude::*;

    /// The definition, checked deployment by deployment.
    fn brute_force(times: &[i64], starts: &[i64], window: i64) -> Vec<Option<usize>> {
        starts
            .iter()
            .map(|&s| {
                let mut best = None;
                for (p, &t) in times.iter().enumerate() {
                    if t <= s && s - t <= window {
                        best = Some(p);
                    }
                }
                best
            })
            .collect()
    }

    #[test]
    fn incidents_match_deployments_of_their_service() {
        let with = deployment_of;
        let on = |id: &str, t: i64, s: Option<&str>| incident_on(id, t, None, s);
        let deps = vec![
            with("pay-1", 1_000, Some("payments")),
            with("search-1", 2_000, Some("Search")),
            with("pay-2", 3_000, Some("payments")),
            with("search-2", 3_500, Some("search")),
        ];
        let incs = vec![
            on("pay-outage", 3_600, Some(" Payments ")),
            on("search-slow", 3_000, Some("SEARCH")),
            on("unknown", 3_600, None),
            on("billing", 3_600, Some("billing")),
        ];
        let line = timeline(&deps);
        let got = by_service(&deps, &line, &incs, |l, i| window(&deps, l, i, 10_000));
        let names: Vec<Option<&str>> = got
            .iter()
            .map(|a| a.deployment.map(|d| deps[d].name.as_str()))
            .collect();
        // Not search-2 (later, other service); search-1 (pay-2 is later but another service);
        // without a service, the latest of all; a service without deployments, none.
        assert_eq!(names, [Some("pay-2"), Some("search-1"), Some("search-2"), None]);
        assert_eq!(got[3].why, "none: before the first deployment (service billing)");
        let any = by_service(&deps, &line, &incs, |l, i| any_in_window(&deps, l, i, 10_000));
        let failed: Vec<&str> = any[0].failed.iter().map(|&d| deps[d].name.as_str()).collect();
        assert_eq!(failed, ["pay-1", "pay-2"]);
        // Without services on deployments, nothing changes.
        let plain = without_services(&deps);
        let got = by_service(&plain, &line, &incs, |l, i| window(&plain, l, i, 10_000));
        assert_eq!(got, window(&plain, &line, &incs, 10_000));
    }

    #[test]
    fn window_edges_by_hand() {
        let deps = vec![
            deployment("v1", 1_000),
            deployment("v2", 5_000),
            deployment("v3", 5_000), // same second as v2: the later name wins
        ];
        let incs = vec![
            incident("before-first", 500, Some(600)),
            incident("same-second", 1_000, Some(2_000)),
            incident("at-boundary", 1_000 + 3_600, None),
            incident("past-boundary", 1_000 + 3_601, None),
            incident("two-on-v3-a", 5_100, Some(6_000)),
            incident("two-on-v3-b", 5_200, Some(6_000)),
        ];
        let got = window(&deps, &timeline(&deps), &incs, 3_600);
        let d: Vec<Option<usize>> = got.iter().map(|a| a.deployment).collect();
        assert_eq!(d, vec![None, Some(0), Some(0), None, Some(2), Some(2)]);
        assert_eq!(got[0].why, "none: before the first deployment");
        assert_eq!(got[3].why, "none: no deployment in the 1h before it started");
        assert_eq!(got[1].why, "window");
    }

    #[test]
    fn failed_tool_runs_are_not_on_the_timeline() {
        let mut deps = vec![deployment("v1", 1_000), deployment("broken", 2_000)];
        deps[1].failed = Some(true);
        let got = window(&deps, &timeline(&deps), &[incident("i", 2_100, None)], 7_200);
        assert_eq!(got[0].deployment, Some(0));
    }

    #[test]
    fn any_in_window_marks_every_deployment() {
        let deps = vec![
            deployment("a", 0),
            deployment("b", 100),
            deployment("c", 200),
            deployment("d", 400),
        ];
        let got = any_in_window(
            &deps,
            &timeline(&deps),
            &[incident("i", 300, None), incident("j", 50, None)],
            200,
        );
        assert_eq!(got[0].failed, vec![1, 2]);
        assert_eq!(got[0].deployment, Some(2));
        assert_eq!(got[1].failed, vec![0]);
    }

    #[test]
    fn links_by_name_and_sha() {
        let mut deps = vec![
            deployment("v1", 0),
            deployment("v2", 10),
            deployment("v2-again", 20),
        ];
        deps[0].sha = "abcdef0123456789abcdef0123456789abcdef01".into();
        deps[1].sha = "1234567890123456789012345678901234567890".into();
        deps[2].sha = deps[1].sha.clone();
        let mut incs: Vec<Incident> = ["v1", "ABCDEF0", "1234567", "12345", "nope", ""]
            .iter()
            .map(|l| {
                let mut i = incident("x", 30, None);
                i.deployment = Some((*l).into());
                i
            })
            .collect();
        incs.push(incident("unlinked", 30, None));
        let got: Vec<Option<usize>> = linked(&deps, &timeline(&deps), &incs)
            .into_iter()
            .map(|a| a.deployment)
            .collect();
        assert_eq!(got, vec![Some(0), Some(0), Some(1), None, None, None, None]);
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(64))]
        #[test]
        fn asof_join_equals_brute_force(
            mut times in proptest::collection::vec(0i64..500, 0..40),
            starts in proptest::collection::vec(-50i64..600, 0..40),
            window in 0i64..200,
        ) {
            times.sort_unstable();
            let got = asof_backward(&times, &starts, window);
            let want = brute_force(&times, &starts, window);
            prop_assert_eq!(got, want);
        }

        /// Service matching, against its definition checked deployment by deployment: the
        /// latest successful deployment at or before the start, within the window, of the
        /// incident's service when deployments name services and the incident names one.
        #[test]
        fn window_by_service_equals_brute_force(
            deps in proptest::collection::vec((0i64..300, 0usize..4, proptest::bool::weighted(0.1)), 0..30),
            incs in proptest::collection::vec((-20i64..350, 0usize..4), 0..30),
            span in 0i64..120,
        ) {
            // Service 0 is "none"; the others differ in case and spacing only where they match.
            let names = [None, Some("pay"), Some(" PAY "), Some("search")];
            let deployments: Vec<Deployment> = deps
                .iter()
                .enumerate()
                .map(|(i, &(t, s, failed))| Deployment {
                    service: names[s].map(str::to_owned),
                    failed: failed.then_some(true),
                    ..deployment(&format!("d{i:02}"), t)
                })
                .collect();
            let incidents: Vec<Incident> = incs
                .iter()
                .enumerate()
                .map(|(i, &(t, s))| Incident {
                    service: names[s].map(str::to_owned),
                    ..incident(&format!("i{i}"), t, None)
                })
                .collect();
            let line = timeline(&deployments);
            let got = by_service(&deployments, &line, &incidents, |l, i| super::window(&deployments, l, i, span));
            let key = |s: &Option<String>| s.as_deref().map(|s| s.trim().to_lowercase());
            let any_service = deployments.iter().any(|d| d.service.is_some());
            for (inc, a) in incidents.iter().zip(&got) {
                let start = inc.started_at.timestamp();
                let mut best: Option<usize> = None;
                for (i, d) in deployments.iter().enumerate() {
                    let same = !any_service || inc.service.is_none() || key(&d.service) == key(&inc.service);
                    let ok = d.failed != Some(true) && same && d.deployed_at <= start && start - d.deployed_at <= span;
                    let later = best.is_none_or(|b| {
                        (d.deployed_at, &d.name) > (deployments[b].deployed_at, &deployments[b].name)
                    });
                    if ok && later {
                        best = Some(i);
                    }
                }
                prop_assert_eq!(a.deployment, best, "{:?}", inc.id);
            }
        }
    }
}
