//! Axes shared by the charts: value scales and their ticks, category bands, round numbers
//! and calendar ticks on a time axis.

use crate::time::Range;
use chrono::{Datelike, Months, NaiveDate};

use super::Kind;
use crate::benchmarks::{Better, Category, Thresholds};
use crate::report::svg::Scale;

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
pub(super) fn value_scale(
    kind: Kind,
    values: &[f64],
    thresholds: Option<&Thresholds>,
) -> (Scale, Vec<(f64, String)>) {
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
pub(super) fn nice_ceil(x: f64) -> f64 {
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

pub(super) fn trim_float(v: f64) -> String {
    let s = format!("{v:.2}");
    s.trim_end_matches('0').trim_end_matches('.').to_owned()
}

/// The value ranges of each category on a metric's axis, best first.
pub(super) fn bands(t: &Thresholds, lo: f64, hi: f64) -> Vec<(Category, f64, f64)> {
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

/// Calendar ticks (UTC) spaced at least ~70 units apart across `width`.
pub(super) fn time_ticks(since: i64, until: i64, width: f64) -> Vec<(i64, String)> {
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
                if let Some(t) = at(d).filter(|&t| Range::new(since, until).contains(t)) {
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
            if let Some(t) = at(d).filter(|&t| Range::new(since, until).contains(t)) {
                out.push((t, d.format("%Y-%m-%d").to_string()));
            }
            d += chrono::Duration::days(step);
        }
    }
    out
}
