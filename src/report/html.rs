//! `report.html`: one self-contained page (no script, no network, no external fonts) with the
//! summary, SVG charts, the worst changes and incidents, and the provenance. Every text that
//! comes from an input is escaped; the same inputs give the same bytes.

use std::collections::{BTreeMap, HashMap};
use std::fmt::Write as _;

use super::charts::{self, Day, IncidentBar};
use super::markup::escape;
use super::summary::{change_text, human_duration, metric_label, unit_text};
use crate::benchmarks::{Profile, Thresholds};
use crate::metrics::{MetricRow, Summary};
use crate::model::{Change, Deployment, Incident, Sha};
use crate::time::rfc3339;

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
/// Array items and rows the provenance table shows, so ten thousand tags stay a note.
const PROVENANCE_ITEMS: usize = 50;
const PROVENANCE_ROWS: usize = 2_000;

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
fn is_shown(d: &Deployment, reason: Option<&Option<String>>) -> bool {
    d.failed != Some(true) || reason.is_some_and(|r| r.is_some())
}

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
    s.settings.get("team").and_then(|t| t.as_str())
}

fn header(o: &mut String, input: &HtmlInput<'_>) {
    let s = input.summary;
    match team(s) {
        Some(t) => {
            let _ = writeln!(o, "<header>\n<h1>DORA metrics: {}</h1>", escape(t));
        }
        None => {
            let _ = writeln!(o, "<header>\n<h1>DORA metrics</h1>");
        }
    }
    let _ = writeln!(
        o,
        "<p class=\"meta\">{} → {} (end exclusive) · periods in {} · benchmark <b>{}</b> · dorascope {}</p>",
        escape(&rfc3339(s.since)),
        escape(&rfc3339(s.until)),
        escape(&s.timezone),
        escape(&s.benchmark.0),
        escape(s.version)
    );
    let baseline = match &s.baseline {
        Some((a, b)) => format!("baseline {} → {}", escape(a), escape(b)),
        None => "no baseline".into(),
    };
    let _ = writeln!(o, "<p class=\"meta\">{baseline}</p>");
    if let Some(g) = input.generated_at {
        let _ = writeln!(o, "<p class=\"meta\">generated {}</p>", escape(g));
    }
    o.push_str("</header>\n");
}

/// `--reference`: the numbers of the script the team used before, beside dorascope's own.
fn reference(o: &mut String, s: &Summary) {
    let Some(r) = &s.reference else {
        return;
    };
    let _ = writeln!(
        o,
        "<section>\n<h2>Reference: {}</h2>\n<p class=\"note\">Computed exactly as that script does, over {} → {} (both inclusive, {} days), with its own record selection: compare with the summary above to reconcile (docs/metrics.md).</p>",
        escape(r.method),
        escape(&r.since),
        escape(&r.until),
        r.days
    );
    o.push_str("<table>\n<thead><tr><th>metric</th><th class=\"num\">value</th><th>category</th><th class=\"num\">n</th><th>as the script computes it</th></tr></thead>\n<tbody>\n");
    for row in &r.rows {
        let value = row
            .value
            .filter(|v| v.is_finite())
            .map_or_else(|| "–".to_owned(), |v| unit_text(row.unit, v));
        let ratio = match (row.numerator, row.denominator) {
            (Some(a), Some(b)) => format!(" ({a}/{b})"),
            _ => String::new(),
        };
        let category = row.category.map_or_else(
            || "–".to_owned(),
            |c| {
                let n = charts::category_name(c);
                format!("<span class=\"badge {n}\">{n}</span>")
            },
        );
        let _ = writeln!(
            o,
            "<tr><td>{}</td><td class=\"num\"><b>{}</b>{}</td><td>{category}</td><td class=\"num\">{}</td><td class=\"text\">{}</td></tr>",
            escape(metric_label(row.metric)),
            escape(&value),
            escape(&ratio),
            row.sample_size,
            escape(row.definition)
        );
    }
    o.push_str("</tbody>\n</table>\n");
    if !r.notes.is_empty() {
        o.push_str("<ul>\n");
        for n in &r.notes {
            let _ = writeln!(o, "<li class=\"warn\">{}</li>", escape(n));
        }
        o.push_str("</ul>\n");
    }
    o.push_str("</section>\n");
}

fn category_cell(r: &MetricRow) -> String {
    match r.category {
        Some(c) => {
            let n = charts::category_name(c);
            format!("<span class=\"badge {n}\">{n}</span>")
        }
        None => "–".into(),
    }
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

fn interval_text(r: &MetricRow) -> String {
    match (r.interval_low, r.interval_high) {
        (Some(a), Some(b)) if a.is_finite() && b.is_finite() => {
            format!("{} – {}", unit_text(r.unit, a), unit_text(r.unit, b))
        }
        _ => "–".into(),
    }
}

fn overview(o: &mut String, s: &Summary) {
    o.push_str("<section>\n<h2>Summary</h2>\n<table>\n<thead><tr><th>metric</th><th class=\"num\">value</th><th>95% interval</th><th>category</th><th class=\"num\">baseline</th><th>vs baseline</th><th class=\"num\">n</th><th>note</th></tr></thead>\n<tbody>\n");
    for r in &s.overall {
        if matches!(r.metric, "deployments_per_week" | "deployments_per_month") {
            continue;
        }
        let baseline = shown(r, r.baseline_value);
        let change = match r.change {
            Some(c) if c.is_finite() => change_text(r),
            _ => "–".into(),
        };
        let _ = writeln!(
            o,
            "<tr><td>{}<div class=\"method\">{}</div></td><td class=\"num\"><b>{}</b></td><td>{}</td><td>{}</td><td class=\"num\">{}</td><td>{}</td><td class=\"num\">{}</td><td class=\"warn\">{}</td></tr>",
            escape(metric_label(r.metric)),
            escape(&r.method),
            escape(&value_text(r)),
            escape(&interval_text(r)),
            category_cell(r),
            escape(&baseline),
            escape(&change),
            r.sample_size,
            escape(r.warning.as_deref().unwrap_or(""))
        );
    }
    o.push_str("</tbody>\n</table>\n");
    o.push_str("<h3>Change failure rate by method</h3>\n<table class=\"narrow\">\n<thead><tr><th>method</th><th class=\"num\">failed</th><th class=\"num\">deployments</th><th class=\"num\">rate</th></tr></thead>\n<tbody>\n");
    let chosen = s.settings.get("failure_method").and_then(|v| v.as_str());
    for m in &s.failure_methods {
        let mark = if chosen == Some(m.method) { " (chosen)" } else { "" };
        let _ = writeln!(
            o,
            "<tr><td>{}{mark}</td><td class=\"num\">{}</td><td class=\"num\">{}</td><td class=\"num\">{}</td></tr>",
            escape(m.method),
            m.failed,
            m.deployments,
            m.rate
                .map_or_else(|| "–".to_owned(), |r| format!("{:.1}%", r * 100.0))
        );
    }
    o.push_str("</tbody>\n</table>\n</section>\n");
}

/// The metrics with a trend chart, in the order the page shows them.
const TREND_METRICS: [&str; 5] = [
    "deployment_frequency",
    "lead_time",
    "time_to_restore",
    "change_failure_rate",
    "deployment_rework_rate",
];

fn thresholds<'p>(profile: Option<&'p Profile>, metric: &str) -> Option<&'p Thresholds> {
    let key = crate::metrics::profile_key(metric)?;
    profile?.metrics.get(key)
}

fn trends(o: &mut String, s: &Summary, profile: Option<&Profile>) {
    o.push_str("<section>\n<h2>Trends per period</h2>\n");
    let _ = writeln!(
        o,
        "<p class=\"legend\"><span class=\"key line\"></span> value per period (hollow: partial period) <span class=\"key whisker\"></span> 95% interval <span class=\"key dashed\"></span> baseline{} · bands: <span class=\"badge elite\">elite</span> <span class=\"badge high\">high</span> <span class=\"badge medium\">medium</span> <span class=\"badge low\">low</span> ({})</p>",
        s.baseline
            .as_ref()
            .map(|(a, b)| format!(" ({} → {})", escape(a), escape(b)))
            .unwrap_or_default(),
        escape(&s.benchmark.0)
    );
    for metric in TREND_METRICS {
        let mut rows: Vec<&MetricRow> = s.periods.iter().filter(|r| r.metric == metric).collect();
        let skipped = rows.len().saturating_sub(TREND_PERIODS);
        rows.drain(..skipped);
        let overall = s.overall.iter().find(|r| r.metric == metric);
        let label = metric_label(metric);
        let _ = writeln!(o, "<figure>\n<figcaption><b>{}</b>", escape(label));
        if let Some(r) = overall {
            let _ = write!(
                o,
                " · whole range {} ({})",
                escape(&value_text(r)),
                escape(&r.method)
            );
            if let Some(w) = &r.warning {
                let _ = write!(o, " · <span class=\"warn\">{}</span>", escape(w));
            }
        }
        if skipped > 0 {
            let _ = write!(
                o,
                " · the latest {TREND_PERIODS} periods (periods.csv has all {})",
                skipped + rows.len()
            );
        }
        o.push_str("</figcaption>\n");
        let unavailable = overall.is_some_and(|r| r.value.is_none() && r.sample_size == 0)
            && rows.iter().all(|r| r.value.is_none());
        if unavailable {
            o.push_str("<p class=\"empty\">No data for this metric in the range.</p>\n");
        } else {
            let baseline = overall.and_then(|r| r.baseline_value);
            o.push_str(&charts::trend(
                label,
                &rows,
                baseline,
                thresholds(profile, metric),
            ));
            o.push('\n');
        }
        o.push_str("</figure>\n");
    }
    o.push_str("</section>\n");
}

fn period_table(o: &mut String, s: &Summary) {
    let mut by_period: BTreeMap<(i64, &str), BTreeMap<&str, &MetricRow>> = BTreeMap::new();
    for r in &s.periods {
        by_period
            .entry((r.start, r.period.as_str()))
            .or_default()
            .insert(r.metric, r);
    }
    o.push_str("<section>\n<h2>Values per period</h2>\n");
    let skip = by_period.len().saturating_sub(PERIOD_ROWS);
    if skip > 0 {
        let _ = writeln!(
            o,
            "<p class=\"note\">The latest {PERIOD_ROWS} of {} periods; periods.csv has them all.</p>",
            by_period.len()
        );
    }
    o.push_str("<table class=\"periods\">\n<thead><tr><th>period</th>");
    for h in [
        "deployments",
        "lead time",
        "time to restore",
        "failure rate",
        "rework rate",
    ] {
        let _ = write!(o, "<th class=\"num\">{h}</th>");
    }
    o.push_str("</tr></thead>\n<tbody>\n");
    for ((_, label), metrics) in by_period.iter().skip(skip) {
        let partial = metrics.values().any(|r| r.partial);
        let _ = write!(
            o,
            "<tr><td>{}{}</td>",
            escape(label),
            if partial {
                " <span class=\"note\">(partial)</span>"
            } else {
                ""
            }
        );
        for m in TREND_METRICS {
            let cell = metrics.get(m).map_or_else(
                || "–".to_owned(),
                |r| {
                    let v = value_text(r);
                    if r.unit == "ratio" {
                        if let (Some(x), Some(n)) = (r.numerator, r.denominator) {
                            return format!("{v} ({x}/{n})");
                        }
                    }
                    if r.unit == "seconds" && r.sample_size > 0 {
                        return format!("{v} (n={})", r.sample_size);
                    }
                    v
                },
            );
            let _ = write!(o, "<td class=\"num\">{}</td>", escape(&cell));
        }
        o.push_str("</tr>\n");
    }
    o.push_str("</tbody>\n</table>\n</section>\n");
}

fn lead_distribution(o: &mut String, input: &HtmlInput<'_>, profile: Option<&Profile>) {
    let s = input.summary;
    let rules = Counted::of(s);
    let mut counts = vec![0u64; charts::LEAD_EDGES.len() + 1];
    let mut total = 0u64;
    for c in input.changes {
        if let Some(v) = rules.lead(c) {
            counts[charts::lead_bin(v)] += 1;
            total += 1;
        }
    }
    o.push_str("<section>\n<h2>Change lead time distribution</h2>\n");
    let method = s
        .settings
        .get("lead_time")
        .and_then(|v| v.as_str())
        .unwrap_or("commit");
    if total == 0 {
        o.push_str("<p class=\"empty\">No change with a lead time in the range (lead times need a repository).</p>\n</section>\n");
        return;
    }
    let overall = s.overall.iter().find(|r| r.metric == "lead_time");
    // The overall row's median and p90 describe these very changes only under `commit`.
    let markers: Vec<(&str, f64)> = match overall {
        Some(r) if method == "commit" => [("median", r.value), ("p90", r.p90)]
            .into_iter()
            .filter_map(|(n, v)| v.map(|v| (n, v)))
            .collect(),
        _ => Vec::new(),
    };
    let _ = writeln!(
        o,
        "<figure>\n<figcaption>{total} changes deployed in the range, commit to first deployment, by lead time (bins widen with time; colour: category of the bin's lower edge){}</figcaption>",
        if method == "commit" {
            String::new()
        } else {
            format!(
                "; the lead-time metric uses <code>{}</code>, so its median is not marked here",
                escape(method)
            )
        }
    );
    o.push_str(&charts::lead_histogram(
        &counts,
        &markers,
        thresholds(profile, "lead_time"),
    ));
    o.push_str("\n</figure>\n</section>\n");
}

/// The local calendar day of `t` in the summary's zone (UTC if the name does not parse).
fn local_day(zone: Option<&crate::time::parse::Zone>, t: i64) -> chrono::NaiveDate {
    let i = chrono::DateTime::from_timestamp(t, 0).unwrap_or_default();
    match zone {
        Some(z) => crate::periods::local_date(z, i),
        None => i.date_naive(),
    }
}

fn calendar(o: &mut String, input: &HtmlInput<'_>) {
    let s = input.summary;
    let z = crate::time::parse::Zone::parse(&s.timezone).ok();
    let date = |t: i64| local_day(z.as_ref(), t);
    let mut days: BTreeMap<chrono::NaiveDate, Day> = BTreeMap::new();
    for (i, d) in input.deployments.iter().enumerate() {
        let reason = input.failure_reasons.get(i);
        if !is_shown(d, reason) || d.deployed_at < s.since || d.deployed_at >= s.until {
            continue;
        }
        let e = days.entry(date(d.deployed_at)).or_default();
        e.deployments += 1;
        e.failed += u64::from(reason.is_some_and(|r| r.is_some()));
    }
    let (first, last) = (date(s.since), date(s.until - 1));
    o.push_str("<section>\n<h2>Deployment calendar</h2>\n<figure>\n");
    let years = chrono::Datelike::year(&last) - chrono::Datelike::year(&first) + 1;
    let _ = writeln!(
        o,
        "<figcaption>Deployments per day ({}){} <span class=\"swatch d1\"></span> 1 <span class=\"swatch d2\"></span> 2–3 <span class=\"swatch d3\"></span> 4–7 <span class=\"swatch d4\"></span> 8+ <span class=\"swatch d0 fail\"></span> a deployment that day failed <span class=\"swatch out\"></span> outside the range</figcaption>",
        escape(&s.timezone),
        if years > charts::CALENDAR_YEARS {
            format!("; the latest {} years of {years}", charts::CALENDAR_YEARS)
        } else {
            String::new()
        }
    );
    o.push_str(&charts::calendar(&days, first, last));
    o.push_str("\n</figure>\n</section>\n");
}

fn in_range(s: &Summary, t: i64) -> bool {
    t >= s.since && t < s.until
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

fn timeline(o: &mut String, input: &HtmlInput<'_>) {
    let s = input.summary;
    let deploys: Vec<(i64, bool)> = input
        .deployments
        .iter()
        .enumerate()
        .filter(|(i, d)| is_shown(d, input.failure_reasons.get(*i)))
        .map(|(i, d)| {
            let failed = input.failure_reasons.get(i).is_some_and(|r| r.is_some());
            (d.deployed_at, failed)
        })
        .collect();
    let bars: Vec<IncidentBar> = incidents_in_range(input)
        .into_iter()
        .map(|i| {
            let inc = &input.incidents[i];
            let dep = input.incident_attribution.get(i).and_then(|a| a.0.as_deref());
            let short: String = inc.id.chars().take(24).collect();
            let label = match dep {
                Some(d) => format!("{short} → {}", d.chars().take(24).collect::<String>()),
                None => short,
            };
            IncidentBar {
                start: inc.started_at.timestamp(),
                end: inc.resolved_at.map(|r| r.timestamp()),
                tip: format!(
                    "{}: {} ({} → {}, {})",
                    inc.id,
                    inc.title.as_deref().unwrap_or(""),
                    rfc3339(inc.started_at.timestamp()),
                    inc.resolved_at
                        .map_or_else(|| "open".to_owned(), |r| rfc3339(r.timestamp())),
                    restore_text(inc)
                ),
                label,
                attributed: dep.is_some(),
            }
        })
        .collect();
    let (svg, left_out) = charts::timeline(s.since, s.until, &deploys, &bars);
    o.push_str("<section>\n<h2>Incidents on the deployment timeline</h2>\n<figure>\n");
    let _ = writeln!(
        o,
        "<figcaption>Ticks: deployments (taller where more fall on the same column; the red part is the share that failed). Bars: incidents from start to resolution, labelled with the deployment they are attributed to <span class=\"swatch inc attributed\"></span> attributed <span class=\"swatch inc\"></span> not attributed <span class=\"swatch inc open\"></span> still open{}. Times in UTC.</figcaption>",
        if bars.len() > charts::TIMELINE_BARS {
            format!(
                "; {} incidents are too many to draw one by one, so their starts are counted instead",
                bars.len()
            )
        } else if left_out > 0 {
            format!("; {left_out} incidents did not fit and are left out of the chart")
        } else {
            String::new()
        }
    );
    o.push_str(&svg);
    o.push_str("\n</figure>\n</section>\n");
}

fn industry(o: &mut String, s: &Summary) {
    o.push_str("<section>\n<h2>Industry comparison</h2>\n");
    match &s.industry {
        Some(ind) if !ind.standings.is_empty() => {
            let _ = writeln!(
                o,
                "<figure>\n<figcaption>{}: scores 0–10 (DORA Quick Check 2024), the team's score <span class=\"swatch score\"></span> against the industry's mean <span class=\"swatch mean\"></span> ± one standard deviation <span class=\"swatch spread\"></span>. \"Above about N%\" assumes normally distributed scores.</figcaption>",
                escape(&ind.name)
            );
            o.push_str(&charts::industry(&ind.standings));
            let _ = writeln!(
                o,
                "\n<p class=\"note\">Source: {}</p>\n</figure>",
                escape(&ind.source)
            );
        }
        Some(ind) => {
            let _ = writeln!(
                o,
                "<p class=\"empty\">{}: no metric could be compared.</p>",
                escape(&ind.name)
            );
        }
        None => o.push_str("<p class=\"empty\">No industry given (<code>--industry</code>).</p>\n"),
    }
    o.push_str("</section>\n");
}

fn worst_changes_table(o: &mut String, input: &HtmlInput<'_>) {
    let rows = shown_changes(input.summary, input.changes);
    o.push_str("<section>\n<h2>Longest change lead times</h2>\n");
    if rows.is_empty() {
        o.push_str("<p class=\"empty\">No change with a lead time in the range.</p>\n</section>\n");
        return;
    }
    let _ = writeln!(
        o,
        "<p class=\"note\">The {} longest of the changes that count for lead time (deployed in the range; backlog, merges and negative lead times left out unless the settings include them).</p>",
        rows.len()
    );
    o.push_str("<table>\n<thead><tr><th class=\"num\">#</th><th class=\"num\">lead time</th><th>commit</th><th>subject</th><th>deployment</th><th>deployed</th><th>repo</th></tr></thead>\n<tbody>\n");
    for (rank, &i) in rows.iter().enumerate() {
        let c = &input.changes[i];
        let sha = c.sha.to_string();
        let _ = writeln!(
            o,
            "<tr><td class=\"num\">{}</td><td class=\"num\">{}</td><td><code title=\"{}\">{}</code></td><td class=\"text\">{}</td><td>{}</td><td class=\"nowrap\">{}</td><td>{}</td></tr>",
            rank + 1,
            escape(&human_duration(c.lead_time_seconds.unwrap_or(0) as f64)),
            escape(&sha),
            escape(&sha[..12.min(sha.len())]),
            escape(input.subjects.get(&c.sha).map_or("", String::as_str)),
            escape(c.deployment.as_deref().unwrap_or("")),
            escape(&c.deployed_at.map(rfc3339).unwrap_or_default()),
            escape(&c.repo)
        );
    }
    o.push_str("</tbody>\n</table>\n</section>\n");
}

fn incidents_table(o: &mut String, input: &HtmlInput<'_>) {
    let s = input.summary;
    let mut idx = incidents_in_range(input);
    let total = idx.len();
    // Worst first: open incidents (still costing time), then the longest restores.
    let cost = |i: usize| {
        let inc = &input.incidents[i];
        match inc.resolved_at {
            Some(r) => (1u8, std::cmp::Reverse((r - inc.started_at).num_seconds())),
            None => (0u8, std::cmp::Reverse(s.until - inc.started_at.timestamp())),
        }
    };
    idx.sort_by_key(|&i| (cost(i), input.incidents[i].started_at, &input.incidents[i].id, i));
    idx.truncate(WORST_INCIDENTS);
    o.push_str("<section>\n<h2>Incidents</h2>\n");
    if total == 0 {
        o.push_str("<p class=\"empty\">No incident started in the range.</p>\n</section>\n");
        return;
    }
    let _ = writeln!(
        o,
        "<p class=\"note\">{} of {total} incidents started in the range: open ones first, then the longest to restore.</p>",
        idx.len()
    );
    o.push_str("<table>\n<thead><tr><th>id</th><th>title</th><th>severity</th><th>started</th><th>resolved</th><th class=\"num\">time to restore</th><th>deployment</th><th>attribution</th></tr></thead>\n<tbody>\n");
    for &i in &idx {
        let inc = &input.incidents[i];
        let (dep, why) = input
            .incident_attribution
            .get(i)
            .map_or((None, ""), |(d, w)| (d.as_deref(), w.as_str()));
        let _ = writeln!(
            o,
            "<tr><td class=\"nowrap\"><code>{}</code></td><td class=\"text\">{}</td><td>{}</td><td class=\"nowrap\">{}</td><td class=\"nowrap\">{}</td><td class=\"num\">{}</td><td>{}</td><td>{}</td></tr>",
            escape(&inc.id),
            escape(inc.title.as_deref().unwrap_or("")),
            escape(inc.severity.as_deref().unwrap_or("")),
            escape(&rfc3339(inc.started_at.timestamp())),
            escape(
                &inc.resolved_at
                    .map(|r| rfc3339(r.timestamp()))
                    .unwrap_or_else(|| "open".into())
            ),
            escape(&restore_text(inc)),
            escape(dep.unwrap_or("–")),
            escape(why)
        );
    }
    o.push_str("</tbody>\n</table>\n</section>\n");
}

fn failed_deployments_table(o: &mut String, input: &HtmlInput<'_>) {
    let s = input.summary;
    let mut idx: Vec<usize> = (0..input.deployments.len())
        .filter(|&i| {
            input.failure_reasons.get(i).is_some_and(|r| r.is_some())
                && in_range(s, input.deployments[i].deployed_at)
        })
        .collect();
    let total = idx.len();
    // Latest first: the recent failures are the ones a reader acts on.
    idx.sort_by(|&a, &b| {
        let (x, y) = (&input.deployments[a], &input.deployments[b]);
        (y.deployed_at, &y.name, b).cmp(&(x.deployed_at, &x.name, a))
    });
    idx.truncate(FAILED_DEPLOYMENTS);
    let method = s
        .settings
        .get("failure_method")
        .and_then(|v| v.as_str())
        .unwrap_or("");
    o.push_str("<section>\n<h2>Failed deployments</h2>\n");
    if total == 0 {
        let _ = writeln!(
            o,
            "<p class=\"empty\">No deployment in the range failed under the <code>{}</code> method.</p>\n</section>",
            escape(method)
        );
        return;
    }
    let _ = writeln!(
        o,
        "<p class=\"note\">{} of {total} deployments failed under the <code>{}</code> method, latest first.</p>",
        idx.len(),
        escape(method)
    );
    o.push_str("<table>\n<thead><tr><th>deployment</th><th>deployed</th><th>why</th><th class=\"num\">changes</th><th>repo</th></tr></thead>\n<tbody>\n");
    for &i in &idx {
        let d = &input.deployments[i];
        let why = input
            .failure_reasons
            .get(i)
            .and_then(|r| r.as_deref())
            .unwrap_or("");
        let _ = writeln!(
            o,
            "<tr><td>{}</td><td class=\"nowrap\">{}</td><td class=\"text\">{}</td><td class=\"num\">{}</td><td>{}</td></tr>",
            escape(&d.name),
            escape(&rfc3339(d.deployed_at)),
            escape(why),
            d.changes.map_or_else(|| "–".to_owned(), |c| c.to_string()),
            escape(&d.repo)
        );
    }
    o.push_str("</tbody>\n</table>\n</section>\n");
}

fn quality(o: &mut String, s: &Summary) {
    o.push_str("<section>\n<h2>Data quality</h2>\n<ul>\n");
    for line in super::summary::quality_lines(s) {
        let class = if line.starts_with("note: ") {
            " class=\"warn\""
        } else {
            ""
        };
        let _ = writeln!(o, "<li{class}>{}</li>", escape(&line));
    }
    o.push_str("</ul>\n</section>\n");
}

/// Flattens JSON to (path, value) rows in the value's own order, arrays capped.
fn flatten(v: &serde_json::Value, path: &str, out: &mut Vec<(String, String)>) {
    use serde_json::Value;
    if out.len() >= PROVENANCE_ROWS {
        return;
    }
    match v {
        Value::Object(map) if !map.is_empty() => {
            for (k, x) in map {
                let p = if path.is_empty() {
                    k.clone()
                } else {
                    format!("{path}.{k}")
                };
                flatten(x, &p, out);
            }
        }
        Value::Array(items) if !items.is_empty() => {
            for (i, x) in items.iter().take(PROVENANCE_ITEMS).enumerate() {
                flatten(x, &format!("{path}[{i}]"), out);
            }
            if items.len() > PROVENANCE_ITEMS {
                out.push((
                    format!("{path}[…]"),
                    format!(
                        "{} more items (provenance.json has them all)",
                        items.len() - PROVENANCE_ITEMS
                    ),
                ));
            }
        }
        // An empty document is "nothing recorded", not a row with an empty key.
        Value::Object(_) | Value::Array(_) if path.is_empty() => {}
        Value::String(s) => out.push((path.to_owned(), s.clone())),
        Value::Null => out.push((path.to_owned(), "–".into())),
        other => out.push((path.to_owned(), other.to_string())),
    }
}

fn key_value_table(o: &mut String, v: &serde_json::Value) {
    let mut rows = Vec::new();
    flatten(v, "", &mut rows);
    if rows.is_empty() {
        o.push_str("<p class=\"empty\">Nothing recorded.</p>\n");
        return;
    }
    o.push_str("<table class=\"kv\">\n<tbody>\n");
    for (k, v) in &rows {
        let _ = writeln!(
            o,
            "<tr><th><code>{}</code></th><td class=\"text\">{}</td></tr>",
            escape(k),
            escape(v)
        );
    }
    o.push_str("</tbody>\n</table>\n");
    if rows.len() >= PROVENANCE_ROWS {
        o.push_str("<p class=\"note\">Cut short; provenance.json has everything.</p>\n");
    }
}

fn provenance(o: &mut String, input: &HtmlInput<'_>) {
    let s = input.summary;
    o.push_str("<section>\n<h2>Methods and provenance</h2>\n");
    let _ = writeln!(
        o,
        "<p class=\"note\">Benchmark <b>{}</b>: {}. {}</p>",
        escape(&s.benchmark.0),
        escape(&s.benchmark.1),
        escape(&s.benchmark.2)
    );
    o.push_str("<h3>Settings</h3>\n");
    key_value_table(o, &s.settings);
    o.push_str("<h3>Inputs and tool</h3>\n");
    key_value_table(o, input.provenance);
    o.push_str("</section>\n");
}

const CSS: &str = r#":root { --elite: #1a9850; --high: #91cf60; --medium: #fee08b; --low: #fc8d59; --ink: #1f2328; --muted: #59636e; --line: #d0d7de; }
* { box-sizing: border-box; }
body { margin: 0; color: var(--ink); background: #fff; font: 14px/1.45 system-ui, -apple-system, "Segoe UI", Roboto, "Helvetica Neue", Arial, sans-serif; }
main { max-width: 960px; margin: 0 auto; padding: 24px 20px 48px; }
h1 { font-size: 26px; margin: 0 0 4px; }
h2 { font-size: 19px; margin: 32px 0 10px; padding-bottom: 4px; border-bottom: 1px solid var(--line); }
h3 { font-size: 15px; margin: 18px 0 6px; }
.meta, .note, .legend, figcaption { color: var(--muted); font-size: 13px; margin: 4px 0; }
.empty { color: var(--muted); font-style: italic; }
.warn { color: #9a3412; font-size: 12px; }
.method { color: var(--muted); font-size: 11px; }
table { border-collapse: collapse; width: 100%; font-size: 13px; margin: 6px 0 12px; }
table.narrow { width: auto; min-width: 50%; }
th, td { text-align: left; padding: 4px 8px; border-bottom: 1px solid var(--line); vertical-align: top; }
thead th { border-bottom: 2px solid var(--line); font-weight: 600; white-space: nowrap; }
.num { text-align: right; font-variant-numeric: tabular-nums; white-space: nowrap; }
td.text { overflow-wrap: break-word; min-width: 10em; }
.nowrap { white-space: nowrap; }
table.periods td:first-child, table.periods th:first-child { white-space: nowrap; }
table.kv th { width: 34%; font-weight: normal; overflow-wrap: anywhere; }
code { font: 12px ui-monospace, SFMono-Regular, Menlo, Consolas, monospace; }
.badge { display: inline-block; padding: 0 7px; border-radius: 9px; font-size: 12px; color: #1f2328; }
.badge.elite { background: var(--elite); color: #fff; } .badge.high { background: var(--high); } .badge.medium { background: var(--medium); } .badge.low { background: var(--low); }
figure { margin: 14px 0 22px; break-inside: avoid; page-break-inside: avoid; }
svg.chart { display: block; max-width: 100%; height: auto; margin-top: 4px; font-family: system-ui, -apple-system, "Segoe UI", Roboto, Arial, sans-serif; }
svg.chart text { font-size: 11px; fill: var(--ink); paint-order: stroke; stroke: #fff; stroke-width: 3px; stroke-linejoin: round; }
svg.chart .tick, svg.chart .lane-label, svg.chart .row-note { fill: var(--muted); }
svg.chart .year, svg.chart .row-label { font-weight: 600; font-size: 12px; }
svg.chart .band { opacity: 0.22; } svg.chart .band.elite { fill: var(--elite); } svg.chart .band.high { fill: var(--high); } svg.chart .band.medium { fill: var(--medium); } svg.chart .band.low { fill: var(--low); }
svg.chart .band-label { fill: var(--muted); font-style: italic; }
svg.chart .frame { fill: none; stroke: var(--line); }
svg.chart .grid { stroke: #000; stroke-opacity: 0.08; }
svg.chart .axis { stroke: var(--muted); }
svg.chart .baseline { stroke: #6f42c1; stroke-width: 1.5; stroke-dasharray: 6 4; }
svg.chart .series { fill: none; stroke: #0b4f8a; stroke-width: 2; }
svg.chart .interval { fill: #0b4f8a; fill-opacity: 0.18; }
svg.chart .whisker { stroke: #0b4f8a; stroke-opacity: 0.45; stroke-width: 3; }
svg.chart .pt { fill: #0b4f8a; stroke: #fff; stroke-width: 1; } svg.chart .pt.partial { fill: #fff; stroke: #0b4f8a; stroke-width: 1.5; }
svg.chart .empty { fill: var(--muted); font-style: italic; }
svg.chart .bar { fill: #8c959f; } svg.chart .bar.elite { fill: var(--elite); } svg.chart .bar.high { fill: var(--high); } svg.chart .bar.medium { fill: #e9c46a; } svg.chart .bar.low { fill: var(--low); }
svg.chart .count { font-size: 10px; fill: var(--muted); }
svg.chart .marker { stroke: #1f2328; stroke-dasharray: 3 3; } svg.chart .marker-label { font-weight: 600; }
svg.chart .day { fill: #ebedf0; } svg.chart .day.out { fill: #fff; stroke: #eef0f2; }
svg.chart .d1 { fill: #9be9a8; } svg.chart .d2 { fill: #40c463; } svg.chart .d3 { fill: #30a14e; } svg.chart .d4 { fill: #216e39; }
svg.chart .fail { fill: none; stroke: #cf222e; stroke-width: 2; }
svg.chart .tick-deploy { fill: none; stroke: #0b4f8a; stroke-width: 1.5; } svg.chart .tick-fail { fill: none; stroke: #cf222e; stroke-width: 2.5; }
svg.chart .inc { fill: #afb8c1; } svg.chart .inc.attributed { fill: #cf222e; } svg.chart .inc.open { fill-opacity: 0.35; stroke: #9a3412; stroke-dasharray: 3 2; }
svg.chart .inc-label { font-size: 10px; } svg.chart .inc-count { fill: #cf222e; }
svg.chart .spread { fill: #0b4f8a; opacity: 0.15; } svg.chart .mean { stroke: #0b4f8a; stroke-width: 2; } svg.chart .score { fill: #e36209; stroke: #fff; stroke-width: 1.5; }
.key, .swatch { display: inline-block; vertical-align: middle; margin: 0 3px 0 8px; }
.key.line { width: 18px; border-top: 2px solid #0b4f8a; } .key.whisker { width: 4px; height: 12px; background: #0b4f8a; opacity: .45; } .key.dashed { width: 18px; border-top: 2px dashed #6f42c1; }
.swatch { width: 11px; height: 11px; background: #ebedf0; }
.swatch.d1 { background: #9be9a8; } .swatch.d2 { background: #40c463; } .swatch.d3 { background: #30a14e; } .swatch.d4 { background: #216e39; } .swatch.fail { outline: 2px solid #cf222e; outline-offset: -2px; } .swatch.out { background: #fff; border: 1px solid #eef0f2; }
.swatch.inc { background: #afb8c1; height: 8px; } .swatch.inc.attributed { background: #cf222e; } .swatch.inc.open { background: rgba(207, 34, 46, .35); border: 1px dashed #9a3412; }
.swatch.score { background: #e36209; border-radius: 50%; } .swatch.mean { width: 2px; background: #0b4f8a; } .swatch.spread { background: rgba(11, 79, 138, .15); }
@media print {
  @page { margin: 14mm; }
  body { font-size: 11px; -webkit-print-color-adjust: exact; print-color-adjust: exact; }
  main { max-width: none; padding: 0; }
  h2 { break-after: avoid; page-break-after: avoid; margin-top: 18px; }
  section { break-inside: auto; }
  table { font-size: 10px; }
  tr { break-inside: avoid; page-break-inside: avoid; }
  .nowrap { white-space: normal; }
  svg.chart { width: 100%; }
}
"#;

#[cfg(test)]
mod tests;
