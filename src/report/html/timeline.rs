//! Incidents on the deployment timeline: deployment ticks above incident bars.

use std::fmt::Write as _;

use super::selection::is_shown;
use super::{HtmlInput, incidents_in_range, restore_text};
use crate::report::charts::{self, IncidentBar};
use crate::time::rfc3339;

pub(super) fn timeline(o: &mut String, input: &HtmlInput<'_>) {
    let s = input.summary;
    let deploys: Vec<(i64, bool)> = input
        .deployments
        .iter()
        .enumerate()
        .filter(|(i, d)| is_shown(d, input.failure_reasons.get(*i)))
        .map(|(i, d)| {
            let failed = input.failure_reasons.get(i).is_some_and(|r| r.is_some());
            (d.deployed_at, failed)
        })
        .collect();
    let bars: Vec<IncidentBar> = incidents_in_range(input)
        .into_iter()
        .map(|i| {
            let inc = &input.incidents[i];
            let dep = input.incident_attribution.get(i).and_then(|a| a.0.as_deref());
            let short: String = inc.id.chars().take(24).collect();
            let label = match dep {
                Some(d) => format!("{short} → {}", d.chars().take(24).collect::<String>()),
                None => short,
            };
            IncidentBar {
                start: inc.started_at.timestamp(),
                end: inc.resolved_at.map(|r| r.timestamp()),
                tip: format!(
                    "{}: {} ({} → {}, {})",
                    inc.id,
                    inc.title.as_deref().unwrap_or(""),
                    rfc3339(inc.started_at.timestamp()),
                    inc.resolved_at
                        .map_or_else(|| "open".to_owned(), |r| rfc3339(r.timestamp())),
                    restore_text(inc)
                ),
                label,
                attributed: dep.is_some(),
            }
        })
        .collect();
    let (svg, left_out) = charts::timeline(s.since, s.until, &deploys, &bars);
    o.push_str("<section>\n<h2>Incidents on the deployment timeline</h2>\n<figure>\n");
    let _ = writeln!(
        o,
        "<figcaption>Ticks: deployments (taller where more fall on the same column; the red part is the share that failed). Bars: incidents from start to resolution, labelled with the deployment they are attributed to <span class=\"swatch inc attributed\"></span> attributed <span class=\"swatch inc\"></span> not attributed <span class=\"swatch inc open\"></span> still open{}. Times in UTC.</figcaption>",
        if bars.len() > charts::TIMELINE_BARS {
            format!(
                "; {} incidents are too many to draw one by one, so their starts are counted instead",
                bars.len()
            )
        } else if left_out > 0 {
            format!("; {left_out} incidents did not fit and are left out of the chart")
        } else {
            String::new()
        }
    );
    o.push_str(&svg);
    o.push_str("\n</figure>\n</section>\n");
}
