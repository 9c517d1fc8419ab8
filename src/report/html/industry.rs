//! The industry comparison: the team's Quick Check scores against the industry's.

use std::fmt::Write as _;

use crate::metrics::Summary;
use crate::report::charts;
use crate::report::markup::escape;

pub(super) fn industry(o: &mut String, s: &Summary) {
    o.push_str("<section>\n<h2>Industry comparison</h2>\n");
    match &s.industry {
        Some(ind) if !ind.standings.is_empty() => {
            let _ = writeln!(
                o,
                "<figure>\n<figcaption>{}: scores 0–10 (DORA Quick Check 2024), the team's score <span class=\"swatch score\"></span> against the industry's mean <span class=\"swatch mean\"></span> ± one standard deviation <span class=\"swatch spread\"></span>. \"Above about N%\" assumes normally distributed scores.</figcaption>",
                escape(&ind.name)
            );
            o.push_str(&charts::industry(&ind.standings));
            let _ = writeln!(
                o,
                "\n<p class=\"note\">Source: {}</p>\n</figure>",
                escape(&ind.source)
            );
        }
        Some(ind) => {
            let _ = writeln!(
                o,
                "<p class=\"empty\">{}: no metric could be compared.</p>",
                escape(&ind.name)
            );
        }
        None => o.push_str("<p class=\"empty\">No industry given (<code>--industry</code>).</p>\n"),
    }
    o.push_str("</section>\n");
}
