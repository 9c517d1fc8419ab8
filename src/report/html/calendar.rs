//! The deployment calendar: deployments per local day, failed days outlined.

use std::collections::BTreeMap;
use std::fmt::Write as _;

use super::HtmlInput;
use super::selection::is_shown;
use crate::report::charts::{self, Day};
use crate::report::markup::escape;

/// The local calendar day of `t` in the summary's zone (UTC if the name does not parse).
fn local_day(zone: Option<&crate::time::parse::Zone>, t: i64) -> chrono::NaiveDate {
    let i = chrono::DateTime::from_timestamp(t, 0).unwrap_or_default();
    match zone {
        Some(z) => crate::periods::local_date(z, i),
        None => i.date_naive(),
    }
}

pub(super) fn calendar(o: &mut String, input: &HtmlInput<'_>) {
    let s = input.summary;
    let z = crate::time::parse::Zone::parse(&s.timezone).ok();
    let date = |t: i64| local_day(z.as_ref(), t);
    let mut days: BTreeMap<chrono::NaiveDate, Day> = BTreeMap::new();
    for (i, d) in input.deployments.iter().enumerate() {
        let reason = input.failure_reasons.get(i);
        if !is_shown(d, reason) || !s.range().contains(d.deployed_at) {
            continue;
        }
        let e = days.entry(date(d.deployed_at)).or_default();
        e.deployments += 1;
        e.failed += u64::from(reason.is_some_and(|r| r.is_some()));
    }
    let (first, last) = (date(s.since), date(s.until - 1));
    o.push_str("<section>\n<h2>Deployment calendar</h2>\n<figure>\n");
    let years = chrono::Datelike::year(&last) - chrono::Datelike::year(&first) + 1;
    let _ = writeln!(
        o,
        "<figcaption>Deployments per day ({}){} <span class=\"swatch d1\"></span> 1 <span class=\"swatch d2\"></span> 2–3 <span class=\"swatch d3\"></span> 4–7 <span class=\"swatch d4\"></span> 8+ <span class=\"swatch d0 fail\"></span> a deployment that day failed <span class=\"swatch out\"></span> outside the range</figcaption>",
        escape(&s.timezone),
        if years > charts::CALENDAR_YEARS {
            format!("; the latest {} years of {years}", charts::CALENDAR_YEARS)
        } else {
            String::new()
        }
    );
    o.push_str(&charts::calendar(&days, first, last));
    o.push_str("\n</figure>\n</section>\n");
}
