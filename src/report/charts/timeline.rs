//! The incident timeline: deployment ticks above incident bars on one time axis.

use super::axis::time_ticks;
use super::{CHAR_W, WIDTH};
use crate::report::svg::{Anchor, PathData, Svg};
use crate::time::Range;

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
        if Range::new(since, until).contains(t) {
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
