//! What each metric is compared with: the baseline range `--baseline` names, kept only when
//! something happened in it (a baseline without events would compare with zeros that mean
//! "no data"), and a note saying why when it is dropped.

use super::{Baseline, Inputs, Options};
use crate::time::Range;

/// The baseline of a computation.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) struct Resolved {
    /// The range the whole range is compared with, if any.
    pub(super) range: Option<(i64, i64)>,
    /// Why a baseline the user asked for compares with nothing.
    pub(super) note: Option<String>,
}

/// The baseline range for the reported range `since..until`.
pub(super) fn resolve(inputs: Inputs<'_>, opts: &Options, (since, until): (i64, i64)) -> Resolved {
    let d = inputs.deployments;
    let data_start = d
        .iter()
        .filter(|x| x.failed != Some(true))
        .map(|x| x.deployed_at)
        .chain(inputs.incidents.iter().map(|i| i.started_at.timestamp()))
        .min()
        .unwrap_or(since);
    let asked = match opts.baseline {
        Baseline::None => None,
        Baseline::Previous => Some((since - (until - since), since)),
        Baseline::First { seconds } => Some((data_start, data_start.saturating_add(seconds))),
        Baseline::Range { since, until } => Some((since, until)),
    };
    let has_events = |(a, b): (i64, i64)| {
        let inside = |t: i64| Range::new(a, b).contains(t);
        d.iter().any(|x| inside(x.deployed_at))
            || inputs.incidents.iter().any(|i| inside(i.started_at.timestamp()))
            || inputs
                .merge_requests
                .iter()
                .any(|m| m.merged_at.is_some_and(|t| inside(t.timestamp())))
    };
    match asked {
        Some(r) if !has_events(r) => {
            // The usual case of `previous` without --since: the range starts with the data, so
            // the range before it is empty by construction. Say what to do, not the empty dates.
            let before_data = opts.baseline == Baseline::Previous && opts.since.is_none();
            let note = if before_data {
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
            };
            Resolved {
                range: None,
                note: Some(note),
            }
        }
        range => Resolved { range, note: None },
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::metrics::testutil::{Records, deployment, incident, merge_request, options};
    use crate::model::Deployment;

    /// A failed run at 100, an incident at 300, deployments at 500 and 1500.
    fn records() -> Records {
        Records {
            deployments: vec![
                Deployment {
                    failed: Some(true),
                    ..deployment("bad", 100)
                },
                deployment("v1", 500),
                deployment("v2", 1_500),
            ],
            incidents: vec![incident("i", 300, Some(400))],
            ..Default::default()
        }
    }

    fn resolve_with(r: &Records, baseline: Baseline, since: Option<i64>, range: (i64, i64)) -> Resolved {
        let opts = Options {
            baseline,
            since,
            ..options()
        };
        resolve(r.inputs(), &opts, range)
    }

    fn kept(range: (i64, i64)) -> Resolved {
        Resolved {
            range: Some(range),
            note: None,
        }
    }

    fn dropped(note: &str) -> Resolved {
        Resolved {
            range: None,
            note: Some(note.to_owned()),
        }
    }

    #[test]
    fn previous_is_the_range_of_equal_length_before() {
        // 1000..2000 is 1000 long: the baseline is 0..1000, which holds v1 (and more).
        let r = records();
        assert_eq!(
            resolve_with(&r, Baseline::Previous, Some(1_000), (1_000, 2_000)),
            kept((0, 1_000))
        );
    }

    #[test]
    fn first_starts_at_the_first_successful_deployment_or_incident() {
        // The failed run at 100 is not where the data starts: the incident at 300 is.
        let r = records();
        assert_eq!(
            resolve_with(&r, Baseline::First { seconds: 600 }, None, (300, 1_501)),
            kept((300, 900))
        );
        // Without the incident, the first successful deployment (500).
        let no_incident = Records {
            incidents: Vec::new(),
            ..records()
        };
        assert_eq!(
            resolve_with(&no_incident, Baseline::First { seconds: 600 }, None, (100, 1_501)),
            kept((500, 1_100))
        );
    }

    #[test]
    fn range_is_taken_as_given_and_none_is_none() {
        let r = records();
        assert_eq!(
            resolve_with(
                &r,
                Baseline::Range {
                    since: 1_200,
                    until: 1_800
                },
                None,
                (0, 2_000)
            ),
            kept((1_200, 1_800))
        );
        assert_eq!(
            resolve_with(&r, Baseline::None, None, (0, 2_000)),
            Resolved {
                range: None,
                note: None
            }
        );
    }

    #[test]
    fn a_merged_merge_request_is_an_event() {
        let r = Records {
            merge_requests: vec![merge_request("1", None, Some(2_500), None)],
            ..records()
        };
        let asked = Baseline::Range {
            since: 2_000,
            until: 3_000,
        };
        assert_eq!(resolve_with(&r, asked, None, (0, 4_000)), kept((2_000, 3_000)));
    }

    #[test]
    fn previous_before_the_data_says_to_give_since() {
        // The range from the data is 500..1501; the range before it, -501..500, ends just
        // before the first deployment (half-open), so it is empty by construction.
        let r = Records {
            deployments: vec![deployment("v1", 500), deployment("v2", 1_500)],
            ..Default::default()
        };
        assert_eq!(
            resolve_with(&r, Baseline::Previous, None, (500, 1_501)),
            dropped(
                "baseline: the whole range is compared with nothing, as it starts with the data; \
                 give --since to compare it with the range of equal length before (each period is \
                 still compared with the one before)"
            )
        );
        // The same range with --since given: the dated note. -501 s is 23:51:39 the day
        // before the epoch; 500 s is 00:08:20.
        assert_eq!(
            resolve_with(&r, Baseline::Previous, Some(500), (500, 1_501)),
            dropped(
                "baseline: no deployments or incidents from 1969-12-31T23:51:39Z to \
                 1970-01-01T00:08:20Z, so nothing is compared with it"
            )
        );
    }

    #[test]
    fn an_empty_explicit_or_first_baseline_gets_the_dated_note() {
        let r = records();
        // 600..1200 holds nothing (v1 at 500, v2 at 1500).
        let asked = Baseline::Range {
            since: 600,
            until: 1_200,
        };
        assert_eq!(
            resolve_with(&r, asked, None, (0, 2_000)),
            dropped(
                "baseline: no deployments or incidents from 1970-01-01T00:10:00Z to \
                 1970-01-01T00:20:00Z, so nothing is compared with it"
            )
        );
        // first:100 from the incident at 300: 300..400 holds the incident itself.
        assert_eq!(
            resolve_with(&r, Baseline::First { seconds: 100 }, None, (0, 2_000)),
            kept((300, 400))
        );
        // No successful deployment or incident: the data starts at the range's start (1000),
        // and 1000..1100 holds nothing.
        let only_failed = Records {
            deployments: vec![Deployment {
                failed: Some(true),
                ..deployment("bad", 100)
            }],
            ..Default::default()
        };
        assert_eq!(
            resolve_with(
                &only_failed,
                Baseline::First { seconds: 100 },
                None,
                (1_000, 2_000)
            ),
            dropped(
                "baseline: no deployments or incidents from 1970-01-01T00:16:40Z to \
                 1970-01-01T00:18:20Z, so nothing is compared with it"
            )
        );
    }
}
