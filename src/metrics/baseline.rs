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
