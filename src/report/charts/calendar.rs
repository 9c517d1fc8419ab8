//! The deployment calendar: a cell per day, shaded by deployments, failed days outlined.

use std::collections::BTreeMap;

use chrono::{Datelike, NaiveDate};

use super::WIDTH;
use crate::report::svg::{Anchor, PathData, Svg};

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
