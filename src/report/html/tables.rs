//! The record tables: the longest change lead times, the worst incidents and the failed
//! deployments.

use std::fmt::Write as _;

use super::{
    FAILED_DEPLOYMENTS, HtmlInput, WORST_INCIDENTS, in_range, incidents_in_range, restore_text, shown_changes,
};
use crate::report::markup::escape;
use crate::report::summary::human_duration;
use crate::time::rfc3339;

pub(super) fn worst_changes_table(o: &mut String, input: &HtmlInput<'_>) {
    let rows = shown_changes(input.summary, input.changes);
    o.push_str("<section>\n<h2>Longest change lead times</h2>\n");
    if rows.is_empty() {
        o.push_str("<p class=\"empty\">No change with a lead time in the range.</p>\n</section>\n");
        return;
    }
    let _ = writeln!(
        o,
        "<p class=\"note\">The {} longest of the changes that count for lead time (deployed in the range; backlog, merges and negative lead times left out unless the settings include them).</p>",
        rows.len()
    );
    o.push_str("<table>\n<thead><tr><th class=\"num\">#</th><th class=\"num\">lead time</th><th>commit</th><th>subject</th><th>deployment</th><th>deployed</th><th>repo</th></tr></thead>\n<tbody>\n");
    for (rank, &i) in rows.iter().enumerate() {
        let c = &input.changes[i];
        let sha = c.sha.to_string();
        let _ = writeln!(
            o,
            "<tr><td class=\"num\">{}</td><td class=\"num\">{}</td><td><code title=\"{}\">{}</code></td><td class=\"text\">{}</td><td>{}</td><td class=\"nowrap\">{}</td><td>{}</td></tr>",
            rank + 1,
            escape(&human_duration(c.lead_time_seconds.unwrap_or(0) as f64)),
            escape(&sha),
            escape(&sha[..12.min(sha.len())]),
            escape(input.subjects.get(&c.sha).map_or("", String::as_str)),
            escape(c.deployment.as_deref().unwrap_or("")),
            escape(&c.deployed_at.map(rfc3339).unwrap_or_default()),
            escape(&c.repo)
        );
    }
    o.push_str("</tbody>\n</table>\n</section>\n");
}

pub(super) fn incidents_table(o: &mut String, input: &HtmlInput<'_>) {
    let s = input.summary;
    let mut idx = incidents_in_range(input);
    let total = idx.len();
    // Worst first: open incidents (still costing time), then the longest restores.
    let cost = |i: usize| {
        let inc = &input.incidents[i];
        match inc.resolved_at {
            Some(r) => (1u8, std::cmp::Reverse((r - inc.started_at).num_seconds())),
            None => (0u8, std::cmp::Reverse(s.until - inc.started_at.timestamp())),
        }
    };
    idx.sort_by_key(|&i| (cost(i), input.incidents[i].started_at, &input.incidents[i].id, i));
    idx.truncate(WORST_INCIDENTS);
    o.push_str("<section>\n<h2>Incidents</h2>\n");
    if total == 0 {
        o.push_str("<p class=\"empty\">No incident started in the range.</p>\n</section>\n");
        return;
    }
    let _ = writeln!(
        o,
        "<p class=\"note\">{} of {total} incidents started in the range: open ones first, then the longest to restore.</p>",
        idx.len()
    );
    o.push_str("<table>\n<thead><tr><th>id</th><th>title</th><th>severity</th><th>started</th><th>resolved</th><th class=\"num\">time to restore</th><th>deployment</th><th>attribution</th></tr></thead>\n<tbody>\n");
    for &i in &idx {
        let inc = &input.incidents[i];
        let (dep, why) = input
            .incident_attribution
            .get(i)
            .map_or((None, ""), |(d, w)| (d.as_deref(), w.as_str()));
        let _ = writeln!(
            o,
            "<tr><td class=\"nowrap\"><code>{}</code></td><td class=\"text\">{}</td><td>{}</td><td class=\"nowrap\">{}</td><td class=\"nowrap\">{}</td><td class=\"num\">{}</td><td>{}</td><td>{}</td></tr>",
            escape(&inc.id),
            escape(inc.title.as_deref().unwrap_or("")),
            escape(inc.severity.as_deref().unwrap_or("")),
            escape(&rfc3339(inc.started_at.timestamp())),
            escape(
                &inc.resolved_at
                    .map(|r| rfc3339(r.timestamp()))
                    .unwrap_or_else(|| "open".into())
            ),
            escape(&restore_text(inc)),
            escape(dep.unwrap_or("–")),
            escape(why)
        );
    }
    o.push_str("</tbody>\n</table>\n</section>\n");
}

pub(super) fn failed_deployments_table(o: &mut String, input: &HtmlInput<'_>) {
    let s = input.summary;
    let mut idx: Vec<usize> = (0..input.deployments.len())
        .filter(|&i| {
            input.failure_reasons.get(i).is_some_and(|r| r.is_some())
                && in_range(s, input.deployments[i].deployed_at)
        })
        .collect();
    let total = idx.len();
    // Latest first: the recent failures are the ones a reader acts on.
    idx.sort_by(|&a, &b| {
        let (x, y) = (&input.deployments[a], &input.deployments[b]);
        (y.deployed_at, &y.name, b).cmp(&(x.deployed_at, &x.name, a))
    });
    idx.truncate(FAILED_DEPLOYMENTS);
    let method = s.settings.failure_method.name();
    o.push_str("<section>\n<h2>Failed deployments</h2>\n");
    if total == 0 {
        let _ = writeln!(
            o,
            "<p class=\"empty\">No deployment in the range failed under the <code>{}</code> method.</p>\n</section>",
            escape(method)
        );
        return;
    }
    let _ = writeln!(
        o,
        "<p class=\"note\">{} of {total} deployments failed under the <code>{}</code> method, latest first.</p>",
        idx.len(),
        escape(method)
    );
    o.push_str("<table>\n<thead><tr><th>deployment</th><th>deployed</th><th>why</th><th class=\"num\">changes</th><th>repo</th></tr></thead>\n<tbody>\n");
    for &i in &idx {
        let d = &input.deployments[i];
        let why = input
            .failure_reasons
            .get(i)
            .and_then(|r| r.as_deref())
            .unwrap_or("");
        let _ = writeln!(
            o,
            "<tr><td>{}</td><td class=\"nowrap\">{}</td><td class=\"text\">{}</td><td class=\"num\">{}</td><td>{}</td></tr>",
            escape(&d.name),
            escape(&rfc3339(d.deployed_at)),
            escape(why),
            d.changes.map_or_else(|| "–".to_owned(), |c| c.to_string()),
            escape(&d.repo)
        );
    }
    o.push_str("</tbody>\n</table>\n</section>\n");
}
