//! Which changes and deployments the page counts and lists: the lead-time rules, the
//! worst-changes selection, and the deployments the charts show.

use super::WORST_CHANGES;
use crate::metrics::Summary;
use crate::model::{Change, Deployment};

/// Which changes count for lead-time statistics.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Counted {
    /// `--include-merges`.
    pub include_merges: bool,
    /// `--include-backlog`.
    pub include_backlog: bool,
    /// Deployed at or after (seconds).
    pub since: Option<i64>,
    /// Deployed before.
    pub until: Option<i64>,
}

impl Counted {
    /// The rules `summary` was computed with: its settings and its range.
    pub fn of(summary: &Summary) -> Counted {
        let flag = |k: &str| summary.settings.get(k).and_then(|v| v.as_bool()) == Some(true);
        Counted {
            include_merges: flag("include_merges"),
            include_backlog: flag("include_backlog"),
            since: Some(summary.since),
            until: Some(summary.until),
        }
    }

    /// The change's lead time if it counts.
    pub fn lead(&self, c: &Change) -> Option<i64> {
        let (t, v) = (c.deployed_at?, c.lead_time_seconds?);
        let counts = v >= 0
            && (self.include_merges || !c.is_merge)
            && (self.include_backlog || !c.backlog)
            && self.since.is_none_or(|s| t >= s)
            && self.until.is_none_or(|u| t < u);
        counts.then_some(v)
    }
}

/// Indices of the `n` longest lead times that count for statistics by default (deployed, not
/// backlog, not a merge, not negative), longest first; ties by deployment time, repository,
/// sha, then position, so the order never depends on how the slice was sorted before.
pub fn worst_changes(changes: &[Change], n: usize) -> Vec<usize> {
    worst_changes_by(changes, n, Counted::default())
}

/// The rows of the page's worst-changes table: [`worst_changes`] with the summary's settings
/// and range. Look subjects up for these.
pub fn shown_changes(summary: &Summary, changes: &[Change]) -> Vec<usize> {
    worst_changes_by(changes, WORST_CHANGES, Counted::of(summary))
}

/// [`worst_changes`] under explicit rules.
pub fn worst_changes_by(changes: &[Change], n: usize, rules: Counted) -> Vec<usize> {
    let mut idx: Vec<usize> = (0..changes.len())
        .filter(|&i| rules.lead(&changes[i]).is_some())
        .collect();
    let key = |&i: &usize| {
        let c = &changes[i];
        (
            std::cmp::Reverse(c.lead_time_seconds),
            c.deployed_at,
            &*c.repo,
            c.sha,
            i,
        )
    };
    let cmp = |a: &usize, b: &usize| key(a).cmp(&key(b));
    if n == 0 {
        return Vec::new();
    }
    if idx.len() > n {
        idx.select_nth_unstable_by(n - 1, cmp);
        idx.truncate(n);
    }
    idx.sort_unstable_by(cmp);
    idx
}

/// A deployment the charts count: successful, or (for `status`) failed by the method; a run
/// its tool reported failed is not a deployment under the other methods.
pub(super) fn is_shown(d: &Deployment, reason: Option<&Option<String>>) -> bool {
    d.failed != Some(true) || reason.is_some_and(|r| r.is_some())
}
