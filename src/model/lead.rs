//! Which changes count for lead time: the one rule that the attribution's data-quality
//! counts, the engine's samples, the per-deployment columns and the report's lists share.

use super::Change;

/// The user's choices about what lead time measures (`--include-merges`,
/// `--include-backlog`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct LeadRule {
    /// Count merge commits as changes.
    pub include_merges: bool,
    /// Keep the history the first deployment shipped in lead-time statistics.
    pub include_backlog: bool,
}

/// Why a deployed change's lead time is left out of the statistics.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Excluded {
    /// A merge commit, without `--include-merges`.
    Merge,
    /// Every path it touches is ignored (`--ignore-paths`).
    NotMeaningful,
    /// Shipped by the first deployment in the data, without `--include-backlog`: its lead
    /// time mostly measures how old the history is.
    Backlog,
    /// Negative: the change is dated after its deployment (clock skew).
    Negative,
}

/// What a deployment shipped first, one entry per change: enough for the lead-time columns
/// without keeping every change record.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Shipped {
    /// Deployment time minus the change's time.
    pub lead_seconds: i64,
    /// A merge commit.
    pub is_merge: bool,
    /// Shipped by the first deployment in the data.
    pub backlog: bool,
    /// Not every path it touches is ignored (`--ignore-paths`).
    pub meaningful: bool,
}

impl LeadRule {
    /// Whether a commit counts as a change at all (merge commits only with `--include-merges`).
    pub fn is_change(self, is_merge: bool) -> bool {
        !is_merge || self.include_merges
    }

    /// Why a deployed change with lead time `lead` is left out, if it is; asked in this
    /// order: merge, not meaningful, backlog, negative.
    pub fn excluded(self, is_merge: bool, meaningful: bool, backlog: bool, lead: i64) -> Option<Excluded> {
        if !self.is_change(is_merge) {
            Some(Excluded::Merge)
        } else if !meaningful {
            Some(Excluded::NotMeaningful)
        } else if backlog && !self.include_backlog {
            Some(Excluded::Backlog)
        } else if lead < 0 {
            Some(Excluded::Negative)
        } else {
            None
        }
    }

    /// The change's lead time, if it is deployed and counts.
    pub fn lead(self, c: &Change) -> Option<i64> {
        let v = c.lead_time_seconds.filter(|_| c.deployed_at.is_some())?;
        self.excluded(c.is_merge, c.meaningful, c.backlog, v)
            .is_none()
            .then_some(v)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn exclusions_in_order() {
        let default = LeadRule::default();
        assert_eq!(default.excluded(true, false, true, -5), Some(Excluded::Merge));
        assert_eq!(
            default.excluded(false, false, true, -5),
            Some(Excluded::NotMeaningful)
        );
        assert_eq!(default.excluded(false, true, true, -5), Some(Excluded::Backlog));
        assert_eq!(default.excluded(false, true, false, -5), Some(Excluded::Negative));
        assert_eq!(default.excluded(false, true, false, 0), None);
        let all = LeadRule {
            include_merges: true,
            include_backlog: true,
        };
        assert_eq!(all.excluded(true, true, true, 7), None);
        assert_eq!(all.excluded(true, false, true, 7), Some(Excluded::NotMeaningful));
        assert_eq!(all.excluded(true, true, true, -1), Some(Excluded::Negative));
        assert!(all.is_change(true) && !default.is_change(true) && default.is_change(false));
    }
}
