//! The trend charts: one per metric, value per period against the category bands.

use std::fmt::Write as _;

use super::{TREND_PERIODS, thresholds, value_text};
use crate::benchmarks::Profile;
use crate::metrics::{MetricRow, Summary};
use crate::model::Metric;
use crate::report::charts;
use crate::report::markup::escape;
use crate::report::summary::metric_label;

/// The metrics with a trend chart, in the order the page shows them.
pub(super) const TREND_METRICS: [Metric; 5] = [
    Metric::DeploymentFrequency,
    Metric::LeadTime,
    Metric::TimeToRestore,
    Metric::ChangeFailureRate,
    Metric::DeploymentReworkRate,
];

pub(super) fn trends(o: &mut String, s: &Summary, profile: Option<&Profile>) {
    o.push_str("<section>\n<h2>Trends per period</h2>\n");
    let _ = writeln!(
        o,
        "<p class=\"legend\"><span class=\"key line\"></span> value per period (hollow: partial period) <span class=\"key whisker\"></span> 95% interval <span class=\"key dashed\"></span> baseline{} · bands: <span class=\"badge elite\">elite</span> <span class=\"badge high\">high</span> <span class=\"badge medium\">medium</span> <span class=\"badge low\">low</span> ({})</p>",
        s.baseline
            .as_ref()
            .map(|(a, b)| format!(" ({} → {})", escape(a), escape(b)))
            .unwrap_or_default(),
        escape(&s.benchmark.0)
    );
    for metric in TREND_METRICS {
        let mut rows: Vec<&MetricRow> = s.periods.iter().filter(|r| r.metric == metric).collect();
        let skipped = rows.len().saturating_sub(TREND_PERIODS);
        rows.drain(..skipped);
        let overall = s.overall.iter().find(|r| r.metric == metric);
        let label = metric_label(metric);
        let _ = writeln!(o, "<figure>\n<figcaption><b>{}</b>", escape(label));
        if let Some(r) = overall {
            let _ = write!(
                o,
                " · whole range {} ({})",
                escape(&value_text(r)),
                escape(&r.method)
            );
            if let Some(w) = &r.warning {
                let _ = write!(o, " · <span class=\"warn\">{}</span>", escape(w));
            }
        }
        if skipped > 0 {
            let _ = write!(
                o,
                " · the latest {TREND_PERIODS} periods (periods.csv has all {})",
                skipped + rows.len()
            );
        }
        o.push_str("</figcaption>\n");
        let unavailable = overall.is_some_and(|r| r.value.is_none() && r.sample_size == 0)
            && rows.iter().all(|r| r.value.is_none());
        if unavailable {
            o.push_str("<p class=\"empty\">No data for this metric in the range.</p>\n");
        } else {
            let baseline = overall.and_then(|r| r.baseline_value);
            o.push_str(&charts::trend(
                label,
                &rows,
                baseline,
                thresholds(profile, metric),
            ));
            o.push('\n');
        }
        o.push_str("</figure>\n");
    }
    o.push_str("</section>\n");
}
