//! `report.html`: one self-contained page (no script, no network, no external fonts) with the
//! summary, SVG charts, the worst changes and incidents, and the provenance. Every text that
//! comes from an input is escaped; the same inputs give the same bytes.

use std::collections::HashMap;
use std::fmt::Write as _;

use super::markup::escape;
use super::summary::{human_duration, unit_text};
use crate::benchmarks::{Profile, Thresholds};
use crate::metrics::{MetricRow, Summary};
use crate::model::Metric;
use crate::model::{Change, Deployment, Incident, Sha};
use crate::time::rfc3339;

mod calendar;
mod groups;
mod header;
mod industry;
mod lead_distribution;
mod overview;
mod periods;
mod provenance;
mod quality;
mod selection;
mod tables;
mod timeline;
mod trends;

use calendar::calendar;
use groups::groups;
use header::{header, reference};
use industry::industry;
use lead_distribution::lead_distribution;
use overview::overview;
use periods::period_table;
use provenance::provenance;
use quality::quality;
pub use selection::{Counted, shown_changes, worst_changes, worst_changes_by};
use tables::{failed_deployments_table, incidents_table, worst_changes_table};
use timeline::timeline;
use trends::trends;

/// Everything the page shows.
pub struct HtmlInput<'a> {
    /// Overall rows, per-period rows, failure methods, industry, data quality, baseline,
    /// benchmark.
    pub summary: &'a Summary,
    /// Every change read (the page keeps those deployed within the summary's range).
    pub changes: &'a [Change],
    /// Deployments, `failed` already filled by the chosen failure method.
    pub deployments: &'a [Deployment],
    /// Parallel to `deployments`: why each failed under the chosen method, or `None`.
    pub failure_reasons: &'a [Option<String>],
    /// Incidents.
    pub incidents: &'a [Incident],
    /// Parallel to `incidents`: (deployment name, why).
    pub incident_attribution: &'a [(Option<String>, String)],
    /// Commit subjects of the changes in the worst-changes table ([`shown_changes`]); a
    /// missing one shows the sha alone.
    pub subjects: &'a HashMap<Sha, String>,
    /// `provenance.json`'s content, shown as a key/value table.
    pub provenance: &'a serde_json::Value,
    /// When the report was generated; shown only when given (`--generated-at`), so that the
    /// same inputs give the same bytes.
    pub generated_at: Option<&'a str>,
}

/// Rows of the worst-changes table.
pub const WORST_CHANGES: usize = 20;
/// Rows of the incidents table.
pub const WORST_INCIDENTS: usize = 20;
/// Rows of the failed-deployments table.
pub const FAILED_DEPLOYMENTS: usize = 30;
/// Periods a trend chart draws (the latest): five years of weeks.
pub const TREND_PERIODS: usize = 260;
/// Periods the per-period table lists (the latest); the charts show them all.
pub const PERIOD_ROWS: usize = 60;

/// The page.
pub fn render(input: &HtmlInput<'_>) -> String {
    let s = input.summary;
    let profile = crate::benchmarks::profile(&s.benchmark.0).ok();
    let mut o = String::with_capacity(128 * 1024);
    o.push_str("<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n");
    o.push_str("<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n");
    let _ = writeln!(
        o,
        "<title>DORA metrics{} {} to {}</title>",
        team(s).map(|t| format!(": {}", escape(t))).unwrap_or_default(),
        escape(&day(s.since)),
        escape(&day(s.until - 1))
    );
    o.push_str("<style>\n");
    o.push_str(CSS);
    o.push_str("</style>\n</head>\n<body>\n<main>\n");
    header(&mut o, input);
    overview(&mut o, s);
    groups(&mut o, s);
    reference(&mut o, s);
    trends(&mut o, s, profile.as_ref());
    period_table(&mut o, s);
    lead_distribution(&mut o, input, profile.as_ref());
    calendar(&mut o, input);
    timeline(&mut o, input);
    industry(&mut o, s);
    worst_changes_table(&mut o, input);
    incidents_table(&mut o, input);
    failed_deployments_table(&mut o, input);
    quality(&mut o, s);
    provenance(&mut o, input);
    o.push_str("</main>\n</body>\n</html>\n");
    o
}

fn day(t: i64) -> String {
    rfc3339(t).chars().take(10).collect()
}

/// `--team`, as the summary's settings record it.
fn team(s: &Summary) -> Option<&str> {
    s.settings.team.as_deref()
}

/// A value in the row's unit, `–` when missing or not a number (the terminal summary's
/// wording, guarded: a NaN must not reach the page).
fn shown(r: &MetricRow, v: Option<f64>) -> String {
    v.filter(|v| v.is_finite())
        .map_or_else(|| "–".to_owned(), |v| unit_text(r.unit, v))
}

fn value_text(r: &MetricRow) -> String {
    shown(r, r.value)
}

fn thresholds(profile: Option<&Profile>, metric: Metric) -> Option<&Thresholds> {
    let key = metric.profile_key()?;
    profile?.metrics.get(key)
}

fn in_range(s: &Summary, t: i64) -> bool {
    s.range().contains(t)
}

/// Incidents started in the range, in start order (ties by id, then position).
fn incidents_in_range(input: &HtmlInput<'_>) -> Vec<usize> {
    let mut idx: Vec<usize> = (0..input.incidents.len())
        .filter(|&i| in_range(input.summary, input.incidents[i].started_at.timestamp()))
        .collect();
    idx.sort_by(|&a, &b| {
        let (x, y) = (&input.incidents[a], &input.incidents[b]);
        (x.started_at, &x.id, a).cmp(&(y.started_at, &y.id, b))
    });
    idx
}

fn restore_text(inc: &Incident) -> String {
    match inc.resolved_at {
        Some(r) => human_duration((r - inc.started_at).num_seconds() as f64),
        None => "open".into(),
    }
}

const CSS: &str = include_str!("report.css");

#[cfg(test)]
mod tests;
