//! The page's header (team, range, benchmark, baseline) and the `--reference` section.

use std::fmt::Write as _;

use super::{HtmlInput, team};
use crate::metrics::Summary;
use crate::report::charts;
use crate::report::markup::escape;
use crate::report::summary::{metric_label, unit_text};
use crate::time::rfc3339;

pub(super) fn header(o: &mut String, input: &HtmlInput<'_>) {
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
pub(super) fn reference(o: &mut String, s: &Summary) {
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
