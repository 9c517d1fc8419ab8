//! What the engine is asked: its settings ([`Options`], [`Baseline`]) and the records it measures ([`Inputs`]).

use crate::glob::GlobMatcher;
use serde::Serialize;

use super::*;
use crate::benchmarks::Profile;
use crate::benchmarks::survey::Industry;
use crate::model::{Change, CommitTime, Deployment, Incident, LeadRule, MergeRequest, Revert};
use crate::periods::PeriodSpec;
use crate::time::parse::Zone;

/// The baseline each metric is compared with (`--baseline`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case", tag = "kind")]
pub enum Baseline {
    /// No comparison.
    None,
    /// The range of equal length just before; per period, the period before.
    Previous,
    /// The first `seconds` of the data.
    First {
        /// Length.
        seconds: i64,
    },
    /// An explicit range.
    Range {
        /// Start (inclusive), seconds since the epoch.
        since: i64,
        /// End (exclusive).
        until: i64,
    },
}

impl Baseline {
    /// Parses `previous`, `none`, `first:<duration>` or `<since>..<until>`.
    pub fn parse(text: &str) -> Result<Baseline, String> {
        let t = text.trim();
        if t.eq_ignore_ascii_case("previous") {
            return Ok(Baseline::Previous);
        }
        if t.eq_ignore_ascii_case("none") {
            return Ok(Baseline::None);
        }
        if let Some(d) = t.strip_prefix("first:") {
            let seconds = crate::time::parse_duration(d)?;
            if seconds == 0 {
                return Err("first:<duration> needs a duration above zero".into());
            }
            return Ok(Baseline::First { seconds });
        }
        if let Some((a, b)) = t.split_once("..") {
            use crate::time::{Bound, parse_bound};
            let since = parse_bound(a, Bound::Start)?;
            let until = parse_bound(b, Bound::End)?;
            if since >= until {
                return Err(format!("baseline '{t}': the start must be before the end"));
            }
            return Ok(Baseline::Range { since, until });
        }
        Err(format!(
            "'{t}' is not a baseline (expected previous, none, first:90d, or 2024-01-01..2024-03-31)"
        ))
    }
}

/// Every setting of the engine.
#[derive(Debug, Clone)]
pub struct Options {
    /// Failure method.
    pub failure: FailureMethod,
    /// Failure window, seconds.
    pub failure_window: i64,
    /// Fix-tag glob as typed, and compiled.
    pub fix_tags: Option<(String, GlobMatcher)>,
    /// Restore method.
    pub restore: RestoreMethod,
    /// Lead-time method.
    pub lead_time: LeadTimeMethod,
    /// Which changes count for lead time.
    pub lead_rule: LeadRule,
    /// Which commit time starts a change (for `pipeline`).
    pub commit_time: CommitTime,
    /// Period length.
    pub period: PeriodSpec,
    /// Zone of calendar periods and deployment days, and its name.
    pub zone: (String, Zone),
    /// Range start; default: the first deployment or incident.
    pub since: Option<i64>,
    /// Range end (exclusive); default: just after the last deployment or incident.
    pub until: Option<i64>,
    /// Baseline.
    pub baseline: Baseline,
    /// Benchmark profile.
    pub benchmark: Profile,
    /// Industry (or organization size) to compare with.
    pub industry: Option<Industry>,
    /// The row of the article's industry shares to place the team's categories in.
    pub industry_shares: Option<crate::benchmarks::shares::Row>,
    /// The team the report is about (`--team`), echoed in the summary's settings.
    pub team: Option<String>,
}

/// The changes the engine measures: all of a list, or some of it picked by reference (a
/// group's share, without copying a million changes per group).
#[derive(Debug, Clone, Copy)]
pub enum Changes<'a> {
    /// Every change in the list.
    All(&'a [Change]),
    /// These changes.
    Picked(&'a [&'a Change]),
}

impl<'a> Changes<'a> {
    /// The changes, in order.
    pub fn iter(self) -> impl Iterator<Item = &'a Change> {
        let (all, picked) = match self {
            Changes::All(v) => (v, &[][..]),
            Changes::Picked(v) => (&[][..], v),
        };
        all.iter().chain(picked.iter().copied())
    }
}

/// The records the engine measures. Deployments include failed tool runs (`failed = Some(true)`).
#[derive(Debug, Clone, Copy)]
pub struct Inputs<'a> {
    /// Changes with their first deployment (empty without a repository).
    pub changes: Changes<'a>,
    /// Deployments.
    pub deployments: &'a [Deployment],
    /// Incidents.
    pub incidents: &'a [Incident],
    /// Merge requests.
    pub merge_requests: &'a [MergeRequest],
    /// Revert commits.
    pub reverts: &'a [Revert],
    /// Whether a repository was read.
    pub has_repo: bool,
    /// Whether incident exports were given (they may hold no incident in a range or a group:
    /// then no deployment failed, which is not the same as not knowing).
    pub has_incidents: bool,
}
