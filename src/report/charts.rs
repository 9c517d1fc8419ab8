//! The report's charts as inline SVG: metric trends with category bands, the lead-time
//! histogram, the deployment calendar, the incident timeline and the industry comparison.
//! Every chart draws aggregates (one mark per period, bin, day or pixel column), never one
//! mark per record, so a million changes cost no more markup than a hundred.

use std::collections::BTreeMap;

use chrono::{Datelike, Months, NaiveDate};

use super::summary::human_duration;
use super::svg::{Anchor, PathData, Scale, Svg};
use crate::benchmarks::survey::Standing;
use crate::benchmarks::{Better, Category, Thresholds};
use crate::metrics::MetricRow;

/// Width of every chart, in user units (the page scales it down on narrow screens).
pub const WIDTH: f64 = 900.0;

/// Average character width of the chart font at 11px, for laying out labels.
const CHAR_W: f64 = 6.4;

/// The lowercase name of a category, which is also its CSS class.
pub fn category_name(c: Category) -> &'static str {
    match c {
        Category::Elite => "elite",
        Category::High => "high",
        Category::Medium => "medium",
        Category::Low => "low",
    }
}

/// How a metric's values are read and drawn.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    /// Seconds, on a log axis.
    Duration,
    /// 0..1, linear.
    Ratio,
    /// Events per day, on a log axis.
    PerDay,
    /// Anything else, linear from 0.
    Plain,
}

impl Kind {
    /// The kind of a row's unit.
    pub fn of(unit: &str) -> Kind {
        match unit {
            "seconds" => Kind::Duration,
            "ratio" => Kind::Ratio,
            "per day" => Kind::PerDay,
            _ => Kind::Plain,
        }
    }

    /// A value as people read it.
    pub fn text(self, v: f64) -> String {
        match self {
            Kind::Duration => human_duration(v),
            Kind::Ratio => format!("{:.1}%", v * 100.0),
            Kind::PerDay => format!("{v:.2}/day"),
            Kind::Plain => format!("{v:.2}"),
        }
    }
}

const DURATION_TICKS: &[(f64, &str)] = &[
    (1.0, "1s"),
    (60.0, "1m"),
    (600.0, "10m"),
    (3_600.0, "1h"),
    (21_600.0, "6h"),
    (86_400.0, "1d"),
    (604_800.0, "1w"),
    (2_629_746.0, "1mo"),
    (31_556_952.0, "1y"),
    (315_569_520.0, "10y"),
];

const PER_DAY_TICKS: &[(f64, &str)] = &[
    (1.0 / 365.2425, "1/year"),
    (1.0 / 30.436_875, "1/month"),
    (1.0 / 7.0, "1/week"),
    (1.0, "1/day"),
    (10.0, "10/day"),
    (100.0, "100/day"),
    (1_000.0, "1000/day"),
];

/// The y scale and its labelled ticks for a metric's values (and its thresholds, so every
/// band the data comes near is on the chart).
fn value_scale(kind: Kind, values: &[f64], thresholds: Option<&Thresholds>) -> (Scale, Vec<(f64, String)>) {
    let mut all: Vec<f64> = values.iter().copied().filter(|v| v.is_finite()).collect();
    if let Some(t) = thresholds {
        all.extend([t.elite, t.high, t.medium]);
    }
    let max = all.iter().copied().fold(f64::NAN, f64::max);
    match kind {
        Kind::Duration | Kind::PerDay => {
            let pos_min = all.iter().copied().filter(|&v| v > 0.0).fold(f64::NAN, f64::min);
            let (default_lo, default_hi, ticks) = match kind {
                Kind::Duration => (60.0, 2_629_746.0, DURATION_TICKS),
                _ => (0.01, 10.0, PER_DAY_TICKS),
            };
            let mut lo = if pos_min.is_finite() {
                pos_min / 2.0
            } else {
                default_lo
            };
            let mut hi = if max.is_finite() && max > 0.0 {
                max * 2.0
            } else {
                default_hi
            };
            if kind == Kind::Duration {
                lo = lo.max(1.0);
            }
            if hi <= lo * 1.5 {
                hi = lo * 10.0;
            }
            // Widen to the ticks just outside, so both ends carry a label.
            if let Some(t) = ticks.iter().rev().find(|t| t.0 <= lo) {
                lo = t.0;
            }
            if let Some(t) = ticks.iter().find(|t| t.0 >= hi) {
                hi = t.0;
            }
            let s = Scale::Log { lo, hi };
            let t = ticks
                .iter()
                .filter(|t| s.contains(t.0))
                .map(|&(v, l)| (v, l.to_owned()))
                .collect();
            (s, t)
        }
        Kind::Ratio => {
            let top = if max.is_finite() { max * 1.1 } else { 0.1 };
            let step = if top <= 0.3 {
                0.05
            } else if top <= 0.6 {
                0.1
            } else {
                0.2
            };
            // The top is a whole number of steps, so the last tick is the axis' end.
            let steps = (top / step).ceil().clamp(2.0, (1.0 / step).round());
            let hi = steps * step;
            let s = Scale::Linear { lo: 0.0, hi };
            let t = (0..=steps as i64)
                .map(|i| {
                    let v = i as f64 * step;
                    (v, format!("{:.0}%", v * 100.0))
                })
                .collect();
            (s, t)
        }
        Kind::Plain => {
            let hi = if max.is_finite() && max > 0.0 {
                nice_ceil(max * 1.1)
            } else {
                1.0
            };
            let s = Scale::Linear { lo: 0.0, hi };
            let t = (0..=4)
                .map(|i| {
                    let v = hi * f64::from(i) / 4.0;
                    (v, trim_float(v))
                })
                .collect();
            (s, t)
        }
    }
}

/// The smallest round number (1, 1.2, 1.5, 2, 2.5, 3, 4, 5, 6, 8 × 10^k) at or above `x`,
/// fine enough that the largest bar fills most of its chart.
fn nice_ceil(x: f64) -> f64 {
    if !(x.is_finite() && x > 0.0) {
        return 1.0;
    }
    let p = 10f64.powf(x.log10().floor());
    [1.0, 1.2, 1.5, 2.0, 2.5, 3.0, 4.0, 5.0, 6.0, 8.0, 10.0]
        .iter()
        .map(|m| m * p)
        .find(|&v| v >= x)
        .unwrap_or(10.0 * p)
}

fn trim_float(v: f64) -> String {
    let s = format!("{v:.2}");
    s.trim_end_matches('0').trim_end_matches('.').to_owned()
}

/// The value ranges of each category on a metric's axis, best first.
fn bands(t: &Thresholds, lo: f64, hi: f64) -> Vec<(Category, f64, f64)> {
    let cats = [Category::Elite, Category::High, Category::Medium, Category::Low];
    let edges = match t.better {
        Better::Lower => [lo, t.elite, t.high, t.medium, hi],
        Better::Higher => [hi, t.elite, t.high, t.medium, lo],
    };
    cats.iter()
        .enumerate()
        .filter_map(|(i, &c)| {
            let (a, b) = (edges[i].min(edges[i + 1]), edges[i].max(edges[i + 1]));
            let (a, b) = (a.max(lo), b.min(hi));
            (b > a).then_some((c, a, b))
        })
        .collect()
}

/// Above this many periods a trend draws its line and a band of intervals, no markers.
pub const DENSE_PERIODS: usize = 100;

/// One metric per period: the value with its 95% interval, the category bands behind it and
/// the baseline as a dashed line.
pub fn trend(
    label: &str,
    rows: &[&MetricRow],
    baseline: Option<f64>,
    thresholds: Option<&Thresholds>,
) -> String {
    let h = 250.0;
    let (x0, x1, y0, y1) = (70.0, WIDTH - 70.0, 12.0, h - 40.0);
    let kind = rows.first().map_or(Kind::Plain, |r| Kind::of(r.unit));
    let mut values: Vec<f64> = Vec::new();
    for r in rows {
        values.extend(r.value);
        values.extend(r.interval_low);
        values.extend(r.interval_high);
    }
    values.extend(baseline);
    let (scale, ticks) = value_scale(kind, &values, thresholds);
    let y = |v: f64| y1 - scale.frac(v) * (y1 - y0);
    let mut s = Svg::new(WIDTH, h, label);
    let (lo, hi) = scale.domain();
    if let Some(t) = thresholds {
        for (c, a, b) in bands(t, lo, hi) {
            let name = category_name(c);
            let (top, bottom) = (y(b), y(a));
            s.rect(x0, top, x1 - x0, bottom - top, &format!("band {name}"), None);
            if bottom - top >= 12.0 {
                s.text(
                    x1 + 6.0,
                    (top + bottom) / 2.0 + 4.0,
                    Anchor::Start,
                    "band-label",
                    name,
                );
            }
        }
    }
    for (v, l) in &ticks {
        s.line(x0, y(*v), x1, y(*v), "grid");
        s.text(x0 - 6.0, y(*v) + 4.0, Anchor::End, "tick", l);
    }
    s.rect(x0, y0, x1 - x0, y1 - y0, "frame", None);
    if let Some(b) = baseline {
        s.line(x0, y(b), x1, y(b), "baseline");
    }
    let n = rows.len().max(1) as f64;
    let step = (x1 - x0) / n;
    let cx = |i: usize| x0 + (i as f64 + 0.5) * step;
    let longest = rows.iter().map(|r| r.period.chars().count()).max().unwrap_or(0) as f64;
    let every = ((longest * CHAR_W + 10.0) / step).ceil().max(1.0) as usize;
    for (i, r) in rows.iter().enumerate() {
        if i % every == 0 {
            s.text(cx(i), y1 + 16.0, Anchor::Middle, "tick", &r.period);
        }
    }
    let dense = rows.len() > DENSE_PERIODS;
    let mut segment: Vec<(f64, f64)> = Vec::new();
    let draw = |segment: &mut Vec<(f64, f64)>, s: &mut Svg| {
        s.polyline(segment, "series");
        // A lone value has no line; dense charts have no markers, so it gets a dot.
        if let ([(x, y)], true) = (segment.as_slice(), dense) {
            s.circle(*x, *y, 1.5, "pt", None);
        }
        segment.clear();
    };
    for (i, r) in rows.iter().enumerate() {
        match r.value.filter(|v| v.is_finite()) {
            Some(v) => segment.push((cx(i), y(v))),
            None => draw(&mut segment, &mut s),
        }
    }
    draw(&mut segment, &mut s);
    if dense {
        // Too many periods for a marker each: the intervals become a shaded band, one
        // polygon per run of periods that have one.
        let mut run: Vec<(f64, f64, f64)> = Vec::new();
        let flush = |run: &mut Vec<(f64, f64, f64)>, s: &mut Svg| {
            let mut pts: Vec<(f64, f64)> = run.iter().map(|&(x, hi, _)| (x, hi)).collect();
            pts.extend(run.iter().rev().map(|&(x, _, lo)| (x, lo)));
            s.polygon(&pts, "interval");
            run.clear();
        };
        for (i, row) in rows.iter().enumerate() {
            match (row.interval_low, row.interval_high) {
                (Some(a), Some(b)) if a.is_finite() && b.is_finite() => run.push((cx(i), y(b), y(a))),
                _ => flush(&mut run, &mut s),
            }
        }
        flush(&mut run, &mut s);
    } else {
        let r = if step < 8.0 { 1.5 } else { 3.5 };
        for (i, row) in rows.iter().enumerate() {
            let Some(v) = row.value.filter(|v| v.is_finite()) else {
                continue;
            };
            if let (Some(a), Some(b)) = (row.interval_low, row.interval_high) {
                s.line(cx(i), y(a), cx(i), y(b), "whisker");
            }
            let class = if row.partial { "pt partial" } else { "pt" };
            let tip = format!(
                "{}{}: {} (n = {})",
                row.period,
                if row.partial { " (partial)" } else { "" },
                kind.text(v),
                row.sample_size
            );
            s.circle(cx(i), y(v), r, class, Some(&tip));
        }
    }
    if rows.iter().all(|r| r.value.is_none()) {
        s.text(
            (x0 + x1) / 2.0,
            (y0 + y1) / 2.0,
            Anchor::Middle,
            "empty",
            "no data in any period",
        );
    }
    s.finish()
}

/// Lead-time bin edges in seconds: near-logarithmic, on the boundaries people think in.
pub const LEAD_EDGES: [i64; 17] = [
    60, 300, 900, 1_800, 3_600, 7_200, 14_400, 28_800, 86_400, 172_800, 345_600, 604_800, 1_209_600,
    2_592_000, 7_776_000, 15_552_000, 31_536_000,
];
const LEAD_EDGE_LABELS: [&str; 17] = [
    "1m", "5m", "15m", "30m", "1h", "2h", "4h", "8h", "1d", "2d", "4d", "1w", "2w", "30d", "90d", "180d",
    "1y",
];

/// The bin of a lead time (0 is under a minute, the last is a year or more).
pub fn lead_bin(seconds: i64) -> usize {
    LEAD_EDGES.partition_point(|&e| e <= seconds)
}

/// The lead-time histogram: counts per bin, bars coloured by the category of the bin's
/// lower edge, with the median and p90 marked.
pub fn lead_histogram(counts: &[u64], markers: &[(&str, f64)], thresholds: Option<&Thresholds>) -> String {
    let h = 240.0;
    let (x0, x1, y0, y1) = (50.0, WIDTH - 20.0, 44.0, h - 30.0);
    let bins = LEAD_EDGES.len() + 1;
    let bw = (x1 - x0) / bins as f64;
    let max = counts.iter().copied().max().unwrap_or(0);
    let top = nice_ceil(max.max(1) as f64);
    let y = |c: f64| y1 - (c / top).clamp(0.0, 1.0) * (y1 - y0);
    let mut s = Svg::new(WIDTH, h, "Change lead time distribution");
    for i in 0..=4 {
        let v = top * f64::from(i) / 4.0;
        s.line(x0, y(v), x1, y(v), "grid");
        s.text(x0 - 6.0, y(v) + 4.0, Anchor::End, "tick", &trim_float(v));
    }
    // Markers first, so bars and counts sit on top of their lines.
    for (row, (name, v)) in markers.iter().enumerate() {
        if !v.is_finite() || *v < 0.0 {
            continue;
        }
        let x = lead_x(*v, x0, bw);
        let ty = 12.0 + 14.0 * row as f64;
        s.line(x, ty + 3.0, x, y1, "marker");
        let text = format!("{name} {}", human_duration(*v));
        if x > x1 - 140.0 {
            s.text(x - 4.0, ty, Anchor::End, "marker-label", &text);
        } else {
            s.text(x + 4.0, ty, Anchor::Start, "marker-label", &text);
        }
    }
    for b in 0..bins {
        let c = counts.get(b).copied().unwrap_or(0);
        let lower = if b == 0 { 0.0 } else { LEAD_EDGES[b - 1] as f64 };
        let cat = thresholds
            .and_then(|t| t.categorize(lower))
            .map_or("", category_name);
        let x = x0 + b as f64 * bw;
        let range = match b {
            0 => "under 1m".to_owned(),
            b if b == bins - 1 => "1y or more".to_owned(),
            b => format!("{}–{}", LEAD_EDGE_LABELS[b - 1], LEAD_EDGE_LABELS[b]),
        };
        s.rect(
            x + 1.0,
            y(c as f64),
            bw - 2.0,
            y1 - y(c as f64),
            &format!("bar {cat}"),
            Some(&format!("{range}: {c} changes")),
        );
        if c > 0 {
            s.text(
                x + bw / 2.0,
                y(c as f64) - 3.0,
                Anchor::Middle,
                "count",
                &c.to_string(),
            );
        }
    }
    s.line(x0, y1, x1, y1, "axis");
    for (i, l) in LEAD_EDGE_LABELS.iter().enumerate() {
        let x = x0 + (i + 1) as f64 * bw;
        s.line(x, y1, x, y1 + 4.0, "axis");
        s.text(x, y1 + 16.0, Anchor::Middle, "tick", l);
    }
    s.finish()
}

/// Where a lead time falls on the histogram's axis: its bin, and within it on a log scale.
fn lead_x(v: f64, x0: f64, bw: f64) -> f64 {
    let b = lead_bin(v as i64);
    let within = if b == 0 {
        v / LEAD_EDGES[0] as f64
    } else if b == LEAD_EDGES.len() {
        // The open last bin: a decade wide.
        (v / LEAD_EDGES[b - 1] as f64).ln() / 10f64.ln()
    } else {
        let (a, c) = (LEAD_EDGES[b - 1] as f64, LEAD_EDGES[b] as f64);
        (v / a).ln() / (c / a).ln()
    };
    let within = if within.is_finite() {
        within.clamp(0.0, 1.0)
    } else {
        0.0
    };
    x0 + (b as f64 + within) * bw
}

/// One day of the calendar: deployments and failed deployments.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Day {
    /// Deployments that day.
    pub deployments: u64,
    /// Of them, failed.
    pub failed: u64,
}

/// Years the calendar draws at most; earlier years are left out and the caption says so.
pub const CALENDAR_YEARS: i32 = 10;

/// Days with deployments that get a tooltip each, at most; above it the calendar draws every
/// cell of a shade as one path (ten busy years would otherwise cost a megabyte of markup).
const CALENDAR_TIPS: usize = 400;

/// A year per row block, a column per week, a row per weekday (Monday first); shade by the
/// number of deployments, a red outline where one failed. Days outside the range are blank.
pub fn calendar(days: &BTreeMap<NaiveDate, Day>, first: NaiveDate, last: NaiveDate) -> String {
    let (cell, pitch, left) = (11.0, 13.0, 36.0);
    let first_year = first.year().max(last.year() - (CALENDAR_YEARS - 1));
    let years: Vec<i32> = (first_year..=last.year()).collect();
    let block = 7.0 * pitch + 26.0;
    let h = years.len() as f64 * block + 4.0;
    let tips = days.values().filter(|d| d.deployments > 0).count() <= CALENDAR_TIPS;
    let mut s = Svg::new(WIDTH, h, "Deployment calendar");
    // Shapes by class: outside the range, shades d0..d4, failed outlines.
    let mut shapes: [PathData; 7] = Default::default();
    const CLASSES: [&str; 7] = [
        "day out", "day d0", "day d1", "day d2", "day d3", "day d4", "fail",
    ];
    let mut tipped: Vec<(f64, f64, usize, String)> = Vec::new();
    for (yi, &year) in years.iter().enumerate() {
        let top = yi as f64 * block;
        let (Some(jan1), Some(dec31)) = (
            NaiveDate::from_ymd_opt(year, 1, 1),
            NaiveDate::from_ymd_opt(year, 12, 31),
        ) else {
            continue;
        };
        let monday = jan1 - chrono::Duration::days(i64::from(jan1.weekday().num_days_from_monday()));
        let grid_top = top + 18.0;
        s.text(0.0, top + 11.0, Anchor::Start, "year", &year.to_string());
        for (row, name) in [(0, "Mon"), (2, "Wed"), (4, "Fri")] {
            let y = grid_top + row as f64 * pitch + 9.0;
            s.text(left - 6.0, y, Anchor::End, "tick", name);
        }
        for m in 1..=12 {
            let Some(d) = NaiveDate::from_ymd_opt(year, m, 1) else {
                continue;
            };
            let col = (d - monday).num_days() / 7;
            let label = d.format("%b").to_string();
            s.text(
                left + col as f64 * pitch,
                top + 11.0,
                Anchor::Start,
                "tick",
                &label,
            );
        }
        let mut d = jan1;
        while d <= dec31 {
            let col = (d - monday).num_days() / 7;
            let row = d.weekday().num_days_from_monday();
            let (x, y) = (left + col as f64 * pitch, grid_top + f64::from(row) * pitch);
            if d < first || d > last {
                shapes[0].rect(x, y, cell, cell);
            } else {
                let day = days.get(&d).copied().unwrap_or_default();
                let shade = match day.deployments {
                    0 => 1,
                    1 => 2,
                    2..=3 => 3,
                    4..=7 => 4,
                    _ => 5,
                };
                if day.failed > 0 {
                    shapes[6].rect(x, y, cell, cell);
                }
                if tips && day.deployments > 0 {
                    let failed = if day.failed > 0 {
                        format!(", {} failed", day.failed)
                    } else {
                        String::new()
                    };
                    let plural = if day.deployments == 1 { "" } else { "s" };
                    let tip = format!("{d}: {} deployment{plural}{failed}", day.deployments);
                    tipped.push((x, y, shade, tip));
                } else {
                    shapes[shade].rect(x, y, cell, cell);
                }
            }
            let Some(next) = d.succ_opt() else { break };
            d = next;
        }
    }
    for (d, class) in shapes.iter().zip(CLASSES).take(6) {
        s.path(d, class);
    }
    for (x, y, shade, tip) in &tipped {
        s.rect(*x, *y, cell, cell, CLASSES[*shade], Some(tip));
    }
    // Outlines last, over the cells they mark.
    s.path(&shapes[6], CLASSES[6]);
    s.finish()
}

/// An incident as the timeline draws it.
#[derive(Debug, Clone, PartialEq)]
pub struct IncidentBar {
    /// Start, seconds.
    pub start: i64,
    /// Resolution; `None` while open.
    pub end: Option<i64>,
    /// The label drawn beside the bar (id, and the deployment it is attributed to).
    pub label: String,
    /// Tooltip.
    pub tip: String,
    /// Attributed to a deployment.
    pub attributed: bool,
}

/// Incidents drawn one by one up to this many; above it, their starts are counted per column.
pub const TIMELINE_BARS: usize = 80;
const LANES: usize = 14;

/// Deployments as ticks (failed ones red and tall) above the incidents, on one time axis.
/// `deploys` are (time, failed); times outside `since..until` are not drawn.
pub fn timeline(
    since: i64,
    until: i64,
    deploys: &[(i64, bool)],
    incidents: &[IncidentBar],
) -> (String, usize) {
    // Margins of half a date label, so the first and last tick labels fit.
    let (x0, x1) = (40.0, WIDTH - 40.0);
    let span = (until - since).max(1) as f64;
    let x = |t: i64| x0 + ((t - since) as f64 / span).clamp(0.0, 1.0) * (x1 - x0);
    let columns = ((x1 - x0) / 2.0) as usize;
    let col = |t: i64| (((t - since) as f64 / span).clamp(0.0, 1.0) * (columns - 1) as f64) as usize;
    let mut per_col = vec![(0u64, 0u64); columns];
    for &(t, failed) in deploys {
        if t >= since && t < until {
            let c = &mut per_col[col(t)];
            c.0 += 1;
            c.1 += u64::from(failed);
        }
    }
    // Lanes: each incident takes the first lane free at its start, the label included, so
    // bars and labels never overlap.
    let mut lanes_end: Vec<f64> = Vec::new();
    let mut placed: Vec<(usize, f64, f64, bool, &IncidentBar)> = Vec::new();
    let mut left_out = 0;
    let individual = incidents.len() <= TIMELINE_BARS;
    if individual {
        for inc in incidents {
            let a = x(inc.start);
            let b = x(inc.end.unwrap_or(until)).max(a + 3.0);
            let label_w = inc.label.chars().count() as f64 * CHAR_W;
            // The label goes right of the bar, or left of it where it would leave the chart.
            let right = b + 4.0 + label_w <= WIDTH - 4.0;
            let (from, to) = if right {
                (a, b + 4.0 + label_w + 8.0)
            } else {
                (a - 4.0 - label_w - 8.0, b + 8.0)
            };
            let lane = match lanes_end.iter().position(|&e| e <= from) {
                Some(l) => l,
                None if lanes_end.len() < LANES => {
                    lanes_end.push(f64::NEG_INFINITY);
                    lanes_end.len() - 1
                }
                None => {
                    left_out += 1;
                    continue;
                }
            };
            lanes_end[lane] = to;
            placed.push((lane, a, b, right, inc));
        }
    }
    let lane_h = 18.0;
    let inc_top = 78.0;
    let inc_h = if individual {
        lanes_end.len().max(1) as f64 * lane_h
    } else {
        50.0
    };
    let axis_y = inc_top + inc_h + 8.0;
    let h = axis_y + 24.0;
    let mut s = Svg::new(WIDTH, h, "Deployments and incidents over time");
    s.text(
        x0,
        12.0,
        Anchor::Start,
        "lane-label",
        "deployments (red: the share that failed)",
    );
    s.line(x0, 56.0, x1, 56.0, "axis");
    let busiest = per_col.iter().map(|c| c.0).max().unwrap_or(0).max(1) as f64;
    let (mut ok, mut bad) = (PathData::default(), PathData::default());
    for (i, &(n, failed)) in per_col.iter().enumerate() {
        if n == 0 {
            continue;
        }
        let cx = x0 + (i as f64 + 0.5) * (x1 - x0) / columns as f64;
        // Height grows with the count (square root: one busy day must not flatten the rest).
        let len = 8.0 + 24.0 * ((n as f64).sqrt() / busiest.sqrt());
        ok.vline(cx, 56.0, -len);
        if failed > 0 {
            // The red part is the failed share, at least a visible stub: where every column
            // holds a failure, the lane still shows how large a share failed.
            bad.vline(cx, 56.0, -(len * failed as f64 / n as f64).max(4.0));
        }
    }
    s.path(&ok, "tick-deploy");
    s.path(&bad, "tick-fail");
    s.text(
        x0,
        inc_top - 8.0,
        Anchor::Start,
        "lane-label",
        "incidents (bar: start to resolution)",
    );
    if individual {
        for (lane, a, b, right, inc) in &placed {
            let yy = inc_top + *lane as f64 * lane_h;
            let mut class = String::from("inc");
            if inc.attributed {
                class.push_str(" attributed");
            }
            if inc.end.is_none() {
                class.push_str(" open");
            }
            s.rect(*a, yy + 2.0, b - a, 10.0, &class, Some(&inc.tip));
            if *right {
                s.text(b + 4.0, yy + 11.0, Anchor::Start, "inc-label", &inc.label);
            } else {
                s.text(a - 4.0, yy + 11.0, Anchor::End, "inc-label", &inc.label);
            }
        }
        if incidents.is_empty() {
            s.text(
                x0,
                inc_top + 12.0,
                Anchor::Start,
                "empty",
                "no incidents in the range",
            );
        }
    } else {
        let mut starts = vec![0u64; columns];
        for inc in incidents {
            starts[col(inc.start)] += 1;
        }
        let most = starts.iter().copied().max().unwrap_or(0).max(1) as f64;
        let mut bars = PathData::default();
        for (i, &n) in starts.iter().enumerate() {
            if n > 0 {
                let cx = x0 + i as f64 * (x1 - x0) / columns as f64;
                let len = 4.0 + 42.0 * (n as f64 / most);
                bars.rect(cx, inc_top + 48.0 - len, 2.0, len);
            }
        }
        s.path(&bars, "inc-count");
    }
    s.line(x0, axis_y, x1, axis_y, "axis");
    for (t, label) in time_ticks(since, until, x1 - x0) {
        s.line(x(t), axis_y, x(t), axis_y + 4.0, "axis");
        s.text(x(t), axis_y + 16.0, Anchor::Middle, "tick", &label);
    }
    (s.finish(), left_out)
}

/// Calendar ticks (UTC) spaced at least ~70 units apart across `width`.
fn time_ticks(since: i64, until: i64, width: f64) -> Vec<(i64, String)> {
    let (Some(a), Some(b)) = (
        chrono::DateTime::from_timestamp(since, 0),
        chrono::DateTime::from_timestamp(until, 0),
    ) else {
        return Vec::new();
    };
    let (a, b) = (a.date_naive(), b.date_naive());
    let days = (b - a).num_days().max(1) as f64;
    let fits = |count: f64| count * 70.0 <= width;
    let at = |d: NaiveDate| d.and_hms_opt(0, 0, 0).map(|t| t.and_utc().timestamp());
    let mut out = Vec::new();
    if let Some(step) = [1u32, 2, 3, 6, 12, 24, 60, 120]
        .into_iter()
        .find(|&m| fits(days / (30.44 * f64::from(m))))
        .filter(|_| days > 60.0)
    {
        let Some(mut d) = NaiveDate::from_ymd_opt(a.year(), a.month(), 1) else {
            return out;
        };
        while d <= b {
            let aligned = if step >= 12 {
                d.month() == 1 && d.year() % (step as i32 / 12) == 0
            } else {
                (d.month() - 1) % step == 0
            };
            if aligned {
                if let Some(t) = at(d).filter(|&t| t >= since && t < until) {
                    let label = if step >= 12 {
                        d.format("%Y").to_string()
                    } else {
                        d.format("%Y-%m").to_string()
                    };
                    out.push((t, label));
                }
            }
            let Some(next) = d.checked_add_months(Months::new(1)) else {
                break;
            };
            d = next;
        }
    } else {
        let step = [1i64, 2, 7, 14, 28]
            .into_iter()
            .find(|&s| fits(days / s as f64 * 1.4))
            .unwrap_or(28);
        let mut d = a;
        while d <= b {
            if let Some(t) = at(d).filter(|&t| t >= since && t < until) {
                out.push((t, d.format("%Y-%m-%d").to_string()));
            }
            d += chrono::Duration::days(step);
        }
    }
    out
}

/// The survey's metric keys as people read them.
pub fn standing_name(metric: &str) -> &str {
    match metric {
        "leadtime" => "lead time",
        "deployfreq" => "deployment frequency",
        "changefailure" => "change failure rate",
        "failurerecovery" => "time to restore",
        "performance_average" => "overall (mean of four)",
        m => m,
    }
}

/// Each score on the Quick Check's 0–10 scale against the industry's mean ± one standard
/// deviation.
pub fn industry(standings: &[Standing]) -> String {
    let row_h = 30.0;
    let (x0, x1) = (180.0, 560.0);
    let top = 8.0;
    let h = top + standings.len() as f64 * row_h + 30.0;
    let sx = |v: f64| x0 + (v / 10.0).clamp(0.0, 1.0) * (x1 - x0);
    let mut s = Svg::new(WIDTH, h, "Industry comparison");
    let bottom = top + standings.len() as f64 * row_h;
    for i in 0..=5 {
        let v = f64::from(i) * 2.0;
        s.line(sx(v), top, sx(v), bottom, "grid");
        s.text(sx(v), bottom + 16.0, Anchor::Middle, "tick", &format!("{v:.0}"));
    }
    for (i, st) in standings.iter().enumerate() {
        let cy = top + i as f64 * row_h + row_h / 2.0;
        s.text(
            x0 - 10.0,
            cy + 4.0,
            Anchor::End,
            "row-label",
            standing_name(st.metric),
        );
        let (a, b) = (
            st.industry_mean - st.industry_std,
            st.industry_mean + st.industry_std,
        );
        s.rect(sx(a), cy - 7.0, sx(b) - sx(a), 14.0, "spread", None);
        s.line(
            sx(st.industry_mean),
            cy - 9.0,
            sx(st.industry_mean),
            cy + 9.0,
            "mean",
        );
        s.circle(
            sx(st.score),
            cy,
            5.0,
            "score",
            Some(&format!("score {:.1}", st.score)),
        );
        s.text(
            x1 + 14.0,
            cy + 4.0,
            Anchor::Start,
            "row-note",
            &format!(
                "{:.1} vs {:.1} ± {:.1}: above about {:.0}%",
                st.score,
                st.industry_mean,
                st.industry_std,
                st.percentile * 100.0
            ),
        );
    }
    s.finish()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lead_bins_follow_the_edges() {
        assert_eq!(lead_bin(0), 0);
        assert_eq!(lead_bin(59), 0);
        assert_eq!(lead_bin(60), 1);
        assert_eq!(lead_bin(3_599), 4);
        assert_eq!(lead_bin(3_600), 5);
        assert_eq!(lead_bin(i64::MAX), LEAD_EDGES.len());
    }

    #[test]
    fn bands_cover_the_axis_best_first() {
        let t = Thresholds {
            better: Better::Lower,
            elite: 3_600.0,
            high: 86_400.0,
            medium: 604_800.0,
            inclusive: false,
        };
        let b = bands(&t, 60.0, 2_629_746.0);
        assert_eq!(b.len(), 4);
        assert_eq!((b[0].0, b[0].1, b[0].2), (Category::Elite, 60.0, 3_600.0));
        assert_eq!((b[3].0, b[3].1, b[3].2), (Category::Low, 604_800.0, 2_629_746.0));
        let up = Thresholds {
            better: Better::Higher,
            elite: 1.0,
            high: 0.23,
            medium: 0.03,
            inclusive: false,
        };
        let b = bands(&up, 0.01, 10.0);
        assert_eq!((b[0].0, b[0].1, b[0].2), (Category::Elite, 1.0, 10.0));
        assert_eq!((b[3].0, b[3].1, b[3].2), (Category::Low, 0.01, 0.03));
        // An axis inside one band draws only that band.
        assert_eq!(bands(&t, 100.0, 200.0).len(), 1);
    }

    #[test]
    fn time_ticks_stay_apart_and_inside() {
        for (since, until) in [
            (1_700_000_000, 1_700_000_001),
            (1_700_000_000, 1_700_000_000 + 86_400 * 20),
            (1_700_000_000, 1_700_000_000 + 86_400 * 400),
            (0, 1_700_000_000),
        ] {
            let t = time_ticks(since, until, 860.0);
            assert!(t.len() <= 13, "{} ticks for {since}..{until}", t.len());
            assert!(t.iter().all(|&(x, _)| x >= since && x < until));
        }
    }
}
