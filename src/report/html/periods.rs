//! The values-per-period table (the numbers behind the trend charts).

use std::collections::BTreeMap;
use std::fmt::Write as _;

use super::trends::TREND_METRICS;
use super::{PERIOD_ROWS, value_text};
use crate::metrics::{MetricRow, Summary};
use crate::model::Metric;
use crate::report::markup::escape;

pub(super) fn period_table(o: &mut String, s: &Summary) {
    let mut by_period: BTreeMap<(i64, &str), BTreeMap<Metric, &MetricRow>> = BTreeMap::new();
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
            let cell = metrics.get(&m).map_or_else(
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
