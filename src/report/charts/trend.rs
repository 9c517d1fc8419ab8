//! The trend chart: one metric per period with its interval, category bands and baseline.

use super::axis::{bands, value_scale};
use super::{CHAR_W, Kind, WIDTH, category_name};
use crate::benchmarks::Thresholds;
use crate::metrics::MetricRow;
use crate::report::svg::{Anchor, Svg};

/// Above this many periods a trend draws its line and a band of intervals, no markers.
const DENSE_PERIODS: usize = 100;

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
