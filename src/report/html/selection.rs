//! Which changes and deployments the page counts and lists: the lead-time rules, the
//! worst-changes selection, and the deployments the charts show.

use super::WORST_CHANGES;
use crate::metrics::Summary;
use crate::model::{Change, Deployment, LeadRule};
use crate::time::Range;

/// Which changes count for lead-time statistics: the engine's rule, deployed in the range.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Counted {
    /// `--include-merges`, `--include-backlog`.
    pub rule: LeadRule,
    /// When they were deployed.
    pub range: Range,
}

impl Counted {
    /// The rules `summary` was computed with: its settings and its range.
    pub fn of(summary: &Summary) -> Counted {
        Counted {
            rule: summary.settings.lead_rule(),
            range: Range::new(summary.since, summary.until),
        }
    }

    /// The change's lead time if it counts.
    pub fn lead(&self, c: &Change) -> Option<i64> {
        self.rule
            .lead(c)
            .filter(|_| c.deployed_at.is_some_and(|t| self.range.contains(t)))
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
