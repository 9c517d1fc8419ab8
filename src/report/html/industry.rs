//! The industry comparison: the team's Quick Check scores against the industry's (or the
//! organization size's), and its categories in the article's industry shares when asked for.

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
                "<figure>\n<figcaption>{}: scores 0–10 (DORA Quick Check {}), the team's score <span class=\"swatch score\"></span> against the {}'s mean <span class=\"swatch mean\"></span> ± one standard deviation <span class=\"swatch spread\"></span>. \"Above about N%\" assumes normally distributed scores.</figcaption>",
                escape(&ind.name),
                ind.edition,
                ind.kind.label()
            );
            o.push_str(&charts::industry(&ind.standings));
            withheld(o, &ind.withheld);
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
            withheld(o, &ind.withheld);
        }
        None if s.industry_shares.is_none() => {
            o.push_str("<p class=\"empty\">No industry given (<code>--industry</code>).</p>\n")
        }
        None => {}
    }
    if let Some(sh) = &s.industry_shares {
        shares(o, sh);
    }
    o.push_str("</section>\n");
}

fn withheld(o: &mut String, withheld: &std::collections::BTreeMap<String, String>) {
    for (metric, why) in withheld {
        let _ = writeln!(
            o,
            "<p class=\"note\">{} not placed: {}</p>",
            escape(metric),
            escape(why)
        );
    }
}

fn shares(o: &mut String, sh: &crate::benchmarks::shares::Placement) {
    let [elite, high, medium, low] = sh.shares;
    let _ = writeln!(
        o,
        "<h3>Industry shares: {}</h3>\n<p>The article's shares of {} teams: elite {elite}%, high {high}%, medium {medium}%, low {low}%. Each of the team's categories (from the benchmark profile) placed in them:</p>",
        escape(&sh.name),
        escape(&sh.name)
    );
    if sh.places.is_empty() {
        o.push_str("<p class=\"empty\">No metric has a category to place.</p>\n");
    } else {
        o.push_str(
            "<table>\n<thead><tr><th>metric</th><th>category</th><th>teams in it</th><th>in better categories</th><th>in worse</th></tr></thead>\n<tbody>\n",
        );
        for p in &sh.places {
            let _ = writeln!(
                o,
                "<tr><td>{}</td><td>{}</td><td>{}%</td><td>{}%</td><td>{}%</td></tr>",
                escape(p.metric),
                p.category.name(),
                p.share,
                p.better,
                p.worse
            );
        }
        o.push_str("</tbody>\n</table>\n");
    }
    let _ = writeln!(
        o,
        "<p class=\"note\">Source ({}): {}</p>",
        escape(&sh.table),
        escape(&sh.source)
    );
}
