//! The change lead time distribution: the histogram of the lead times that count, with the
//! median and p90 marked.

use std::fmt::Write as _;

use super::selection::Counted;
use super::{HtmlInput, thresholds};
use crate::benchmarks::Profile;
use crate::model::Metric;
use crate::report::charts;
use crate::report::markup::escape;

pub(super) fn lead_distribution(o: &mut String, input: &HtmlInput<'_>, profile: Option<&Profile>) {
    let s = input.summary;
    let rules = Counted::of(s);
    let mut counts = vec![0u64; charts::LEAD_EDGES.len() + 1];
    let mut total = 0u64;
    for c in input.changes {
        if let Some(v) = rules.lead(c) {
            counts[charts::lead_bin(v)] += 1;
            total += 1;
        }
    }
    o.push_str("<section>\n<h2>Change lead time distribution</h2>\n");
    let method = s.settings.lead_time.name();
    if total == 0 {
        o.push_str("<p class=\"empty\">No change with a lead time in the range (lead times need a repository).</p>\n</section>\n");
        return;
    }
    let overall = s.overall.iter().find(|r| r.metric == Metric::LeadTime);
    // The overall row's median and p90 describe these very changes only under `commit`.
    let markers: Vec<(&str, f64)> = match overall {
        Some(r) if method == "commit" => [("median", r.value), ("p90", r.p90)]
            .into_iter()
            .filter_map(|(n, v)| v.map(|v| (n, v)))
            .collect(),
        _ => Vec::new(),
    };
    let _ = writeln!(
        o,
        "<figure>\n<figcaption>{total} changes deployed in the range, commit to first deployment, by lead time (bins widen with time; colour: category of the bin's lower edge){}</figcaption>",
        if method == "commit" {
            String::new()
        } else {
            format!(
                "; the lead-time metric uses <code>{}</code>, so its median is not marked here",
                escape(method)
            )
        }
    );
    o.push_str(&charts::lead_histogram(
        &counts,
        &markers,
        thresholds(profile, Metric::LeadTime),
    ));
    o.push_str("\n</figure>\n</section>\n");
}
