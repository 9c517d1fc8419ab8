//! The groups section (`--group-by`): every metric of the summary over the whole range, a
//! row for the whole report then one per group, so that a reader compares them at a glance.

use std::fmt::Write as _;

use super::value_text;
use crate::metrics::{MetricRow, Summary};
use crate::model::Metric;
use crate::report::charts;
use crate::report::markup::escape;
use crate::report::summary::{change_arrow, change_text, metric_label};

/// One cell: the value in bold with its category badge, then the sample size and the change
/// against the baseline (an arrow; the sentence in its tooltip). `missing`: why the group's
/// records cannot give the metric, if they cannot.
fn cell(r: Option<&MetricRow>, missing: Option<&str>) -> String {
    let Some(r) = r.filter(|r| r.value.is_some_and(f64::is_finite)) else {
        return match missing {
            Some(why) => format!("<td class=\"num\" title=\"{}\">–</td>", escape(why)),
            None => "<td class=\"num\">–</td>".into(),
        };
    };
    let mut c = format!("<td class=\"num\"><b>{}</b>", escape(&value_text(r)));
    if let Some(k) = r.category {
        let n = charts::category_name(k);
        let _ = write!(c, " <span class=\"badge {n}\">{n}</span>");
    }
    c.push_str("<div class=\"method\">");
    match &r.warning {
        Some(w) => {
            let _ = write!(
                c,
                "<span class=\"warn\" title=\"{}\">n={} !</span>",
                escape(w),
                r.sample_size
            );
        }
        None => {
            let _ = write!(c, "n={}", r.sample_size);
        }
    }
    if let (Some(arrow), Some(d)) = (change_arrow(r), r.direction) {
        // Coloured only beyond noise, as on the terminal: the eye goes where the news is.
        let noise = if r.significant == Some(true) { "" } else { " noise" };
        let _ = write!(
            c,
            " <span class=\"chg {}{noise}\" title=\"vs baseline: {}\">{arrow}</span>",
            d.as_str(),
            escape(&change_text(r))
        );
    }
    c.push_str("</div></td>");
    c
}

/// The group's reason a metric is unavailable (`metric: why` entries).
fn why_missing(list: &[String], metric: Metric) -> Option<&str> {
    list.iter().find_map(|u| {
        u.split_once(':')
            .filter(|(m, _)| *m == metric.name())
            .map(|(_, why)| why.trim())
    })
}

pub(super) fn groups(o: &mut String, s: &Summary) {
    if s.groups.is_empty() {
        return;
    }
    let by = s.group_by.map_or("group", |g| g.name());
    let metrics = s.group_metrics();
    let _ = writeln!(
        o,
        "<section id=\"groups\">\n<h2>Groups: by {by}</h2>\n<p class=\"note\">Each metric over the whole range: the whole report (<b>all</b>), then each {by}'s records alone. Under each value its sample size and, with a baseline, which way it moved (coloured when beyond noise; the tooltip says by how much). periods.csv has every period of every {by} (column <code>group</code>).</p>"
    );
    let _ = write!(
        o,
        "<div class=\"wide\">\n<table class=\"groups\">\n<thead><tr><th>{by}</th>"
    );
    for m in &metrics {
        let _ = write!(o, "<th class=\"num\">{}</th>", escape(metric_label(*m)));
    }
    o.push_str("</tr></thead>\n<tbody>\n");
    let rows = std::iter::once(("all", &s.overall, &s.unavailable, " class=\"all\"")).chain(
        s.groups
            .iter()
            .map(|g| (g.group.as_str(), &g.overall, &g.unavailable, "")),
    );
    for (name, overall, unavailable, class) in rows {
        let _ = write!(o, "<tr{class}><th scope=\"row\">{}</th>", escape(name));
        for m in &metrics {
            o.push_str(&cell(
                overall.iter().find(|r| r.metric == *m),
                why_missing(unavailable, *m),
            ));
        }
        o.push_str("</tr>\n");
    }
    o.push_str("</tbody>\n</table>\n</div>\n</section>\n");
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::report::openmetrics::fixture::{grouped, three_months};

    fn section(s: &Summary) -> String {
        let mut o = String::new();
        groups(&mut o, s);
        o
    }

    #[test]
    fn nothing_without_groups() {
        assert_eq!(section(&three_months()), "");
    }

    #[test]
    fn a_row_for_the_whole_then_each_group_and_a_column_per_metric() {
        let s = grouped();
        let html = section(&s);
        assert!(html.contains("<h2>Groups: by service</h2>"), "{html}");
        let body = &html[html.find("<tbody>").unwrap()..];
        let rows: Vec<&str> = body.lines().filter(|l| l.starts_with("<tr")).collect();
        assert_eq!(rows.len(), 3);
        assert!(rows[0].starts_with("<tr class=\"all\"><th scope=\"row\">all</th>"));
        // Names are escaped.
        assert!(rows[1].contains("<th scope=\"row\">web &quot;shop&quot;</th>"));
        assert!(!html.contains("web \"shop\""));
        assert!(rows[2].contains(">api</th>"));
        // The summary's metrics, per week and per month left out: 6 columns.
        let heads = html[..html.find("</thead>").unwrap()]
            .matches("<th class=\"num\">")
            .count();
        assert_eq!(heads, 6);
        for r in &rows {
            assert_eq!(r.matches("<td").count(), 6, "{r}");
        }
        // Values, badges and sample sizes as the summary has them.
        assert!(rows[0].contains("<b>2h 0m</b> <span class=\"badge elite\">elite</span>"));
        assert!(rows[1].contains("<b>3h 0m</b>"), "{}", rows[1]);
        assert!(rows[1].contains("<span class=\"badge low\">low</span>"));
        assert!(rows[1].contains("n=12"));
        // The baseline change: an arrow, coloured as beyond noise, the sentence as tooltip.
        assert!(
            rows[1].contains(
                "<span class=\"chg better\" title=\"vs baseline: ↓ 3h 0m better (beyond noise)\">↓</span>"
            ),
            "{}",
            rows[1]
        );
        assert!(!rows[0].contains("chg"), "no baseline, no arrow");
        // api has no time to restore: a dash, the reason as tooltip.
        assert!(
            rows[2].contains("<td class=\"num\" title=\"no incident names this service\">–</td>"),
            "{}",
            rows[2]
        );
    }

    #[test]
    fn the_page_has_the_section_after_the_summary() {
        let s = grouped();
        let provenance = serde_json::json!({});
        let subjects = std::collections::HashMap::new();
        let page = super::super::render(&super::super::HtmlInput {
            summary: &s,
            changes: &[],
            deployments: &[],
            failure_reasons: &[],
            incidents: &[],
            incident_attribution: &[],
            subjects: &subjects,
            provenance: &provenance,
            generated_at: None,
        });
        let summary = page.find("<h2>Summary</h2>").unwrap();
        let groups = page.find("<h2>Groups: by service</h2>").unwrap();
        let trends = page.find("<h2>Trends").unwrap_or(page.len());
        assert!(summary < groups && groups < trends);
    }
}
