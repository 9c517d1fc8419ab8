//! The report's charts as inline SVG: metric trends with category bands, the lead-time
//! histogram, the deployment calendar, the incident timeline and the industry comparison.
//! Every chart draws aggregates (one mark per period, bin, day or pixel column), never one
//! mark per record, so a million changes cost no more markup than a hundred.

use super::summary::human_duration;
use crate::benchmarks::Category;

mod axis;
mod calendar;
mod industry;
mod lead_histogram;
mod timeline;
mod trend;

pub use calendar::{CALENDAR_YEARS, Day, calendar};
pub use industry::industry;
pub use lead_histogram::{LEAD_EDGES, lead_bin, lead_histogram};
pub use timeline::{IncidentBar, TIMELINE_BARS, timeline};
pub use trend::trend;

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

#[cfg(test)]
mod tests;
