//! The summary section: the overall table (value, interval, category, baseline) and the
//! change failure rate under each failure method.

use std::fmt::Write as _;

use super::{shown, value_text};
use crate::metrics::{MetricRow, Summary};
use crate::model::Metric;
use crate::report::charts;
use crate::report::markup::escape;
use crate::report::summary::{change_text, metric_label, unit_text};

fn category_cell(r: &MetricRow) -> String {
    match r.category {
        Some(c) => {
            let n = charts::category_name(c);
            format!("<span class=\"badge {n}\">{n}</span>")
        }
        None => "–".into(),
    }
}

fn interval_text(r: &MetricRow) -> String {
    match (r.interval_low, r.interval_high) {
        (Some(a), Some(b)) if a.is_finite() && b.is_finite() => {
            format!("{} – {}", unit_text(r.unit, a), unit_text(r.unit, b))
        }
        _ => "–".into(),
    }
}

pub(super) fn overview(o: &mut String, s: &Summary) {
    o.push_str("<section>\n<h2>Summary</h2>\n<table>\n<thead><tr><th>metric</th><th class=\"num\">value</th><th>95% interval</th><th>category</th><th class=\"num\">baseline</th><th>vs baseline</th><th class=\"num\">n</th><th>note</th></tr></thead>\n<tbody>\n");
    for r in &s.overall {
        if matches!(r.metric, Metric::DeploymentsPerWeek | Metric::DeploymentsPerMonth) {
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
    let chosen = s.settings.failure_method;
    for m in &s.failure_methods {
        let mark = if chosen == m.method { " (chosen)" } else { "" };
        // A method that cannot decide shows why instead of a count that reads as zero.
        if let Some(why) = &m.unavailable {
            let _ = writeln!(
                o,
                "<tr><td>{}{mark}</td><td class=\"num\" colspan=\"3\" title=\"{why}\">cannot decide: {why}</td></tr>",
                escape(m.method.name()),
                why = escape(why),
            );
            continue;
        }
        let _ = writeln!(
            o,
            "<tr><td>{}{mark}</td><td class=\"num\">{}</td><td class=\"num\">{}</td><td class=\"num\">{}</td></tr>",
            escape(m.method.name()),
            m.failed,
            m.deployments,
            m.rate
                .map_or_else(|| "–".to_owned(), |r| format!("{:.1}%", r * 100.0))
        );
    }
    o.push_str("</tbody>\n</table>\n</section>\n");
}
