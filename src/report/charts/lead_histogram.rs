//! The lead-time histogram: the bins, and the chart with its median and p90 markers.

use super::axis::{nice_ceil, trim_float};
use super::{WIDTH, category_name};
use crate::benchmarks::Thresholds;
use crate::report::summary::human_duration;
use crate::report::svg::{Anchor, Svg};

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
