//! A short human-readable overview of deployments for the terminal (the demo's output).

mod groups;

use crate::model::Metric;
use anstyle::{AnsiColor, Style};
use std::fmt::Write as _;

use crate::model::{Change, Deployment};
use crate::time::rfc3339;

fn hours(s: Option<i64>) -> String {
    s.map_or_else(|| "-".into(), |s| format!("{:.1}", s as f64 / 3600.0))
}

/// One line per deployment, then totals.
pub fn deployments_text(deployments: &[Deployment], changes: &[Change]) -> String {
    let mut out = String::new();
    let _ = writeln!(
        out,
        "{:<12} {:<20} {:<11} {:>7} {:>12} {:>12}  note",
        "deployment", "deployed_at", "kind", "changes", "median_h", "max_h"
    );
    for d in deployments {
        let note = if d.rollback {
            "rollback/redeploy: ships nothing new"
        } else if d.maintenance {
            "maintenance release of an older line: ships nothing new"
        } else if d.previous_deployment.is_none() {
            "first deployment: its changes are backlog"
        } else {
            ""
        };
        let _ = writeln!(
            out,
            "{:<12} {:<20} {:<11} {:>7} {:>12} {:>12}  {note}",
            d.name,
            rfc3339(d.deployed_at),
            d.kind.as_str(),
            d.changes.map_or_else(|| "-".to_owned(), |c| c.to_string()),
            hours(d.lead_time_median_seconds),
            hours(d.lead_time_max_seconds),
        );
    }
    let deployed = changes.iter().filter(|c| c.deployment.is_some()).count();
    let _ = writeln!(
        out,
        "\n{} deployments, {} commits shipped ({} backlog), {} not deployed yet",
        deployments.len(),
        deployed,
        changes.iter().filter(|c| c.backlog).count(),
        changes.len() - deployed
    );
    out
}

/// A duration for people: `3d 4h`, `5h 10m`, `12m`, `40s`.
pub fn human_duration(seconds: f64) -> String {
    let s = seconds.round() as i64;
    let (d, h, m) = (s / 86_400, (s % 86_400) / 3_600, (s % 3_600) / 60);
    match (d, h, m) {
        (0, 0, 0) => format!("{s}s"),
        (0, 0, m) => format!("{m}m"),
        (0, h, m) => format!("{h}h {m}m"),
        (d, h, _) => format!("{d}d {h}h"),
    }
}

/// A metric row's value as people read it (`4d 17h`, `13.8%`, `0.13/day`), `-` without one.
pub fn value_text(r: &crate::metrics::MetricRow) -> String {
    r.value.map_or_else(|| "-".into(), |v| unit_text(r.unit, v))
}

/// A value in a metric's unit as people read it.
pub fn unit_text(unit: &str, v: f64) -> String {
    match unit {
        "seconds" => human_duration(v),
        "ratio" => format!("{:.1}%", v * 100.0),
        "per day" => format!("{v:.2}/day"),
        "days per week" => format!("{v:.2}/week"),
        _ => format!("{v:.2} {unit}"),
    }
}

/// Which way the value moved from the baseline's (`↑`, `↓`, `=`), when compared.
pub fn change_arrow(r: &crate::metrics::MetricRow) -> Option<&'static str> {
    let (Some(c), Some(_)) = (r.change, r.direction) else {
        return None;
    };
    Some(if c > 0.0 {
        "↑"
    } else if c < 0.0 {
        "↓"
    } else {
        "="
    })
}

/// The change against the baseline: arrow, amount, better/worse, and whether beyond noise.
pub fn change_text(r: &crate::metrics::MetricRow) -> String {
    let (Some(c), Some(d), Some(arrow)) = (r.change, r.direction, change_arrow(r)) else {
        return "-".into();
    };
    let amount = match r.unit {
        "seconds" => human_duration(c.abs()),
        "ratio" => format!("{:.1} pts", c.abs() * 100.0),
        _ => format!("{:.2}", c.abs()),
    };
    let noise = match r.significant {
        Some(true) => "beyond noise",
        Some(false) => "within noise",
        None => "untested",
    };
    format!("{arrow} {amount} {} ({noise})", d.as_str())
}

/// Terminal colours: green for good news, yellow for middling, red for bad.
const GOOD: Style = AnsiColor::Green.on_default();
const FAIR: Style = AnsiColor::Yellow.on_default();
const BAD: Style = AnsiColor::Red.on_default();

/// `text` in `style`, then a reset.
fn styled(style: Style, text: &str) -> String {
    format!("{}{text}{}", style.render(), style.render_reset())
}

/// [`change_text`] padded to `width` for the terminal, coloured when `color` is on.
fn change_cell(r: &crate::metrics::MetricRow, width: usize, color: bool) -> String {
    // Padded before colouring: escape codes would count towards the column width.
    let text = format!("{:<width$}", change_text(r));
    // Only a change beyond noise is worth a colour: the eye should go where the news is.
    let style = match (color, r.significant, r.direction.map(|d| d.as_str())) {
        (true, Some(true), Some("better")) => GOOD,
        (true, Some(true), Some("worse")) => BAD,
        _ => return text,
    };
    styled(style, &text)
}

/// The data-quality section as sentences, for the terminal and the HTML report alike:
/// what was left out of the numbers, and why. Lines for things that did not happen are left
/// out, except the first two, which give the counts behind every number.
pub fn quality_lines(s: &crate::metrics::Summary) -> Vec<String> {
    let q = &s.data_quality;
    let mut out = vec![
        format!(
            "{} deployments ({} runs their tool reported failed), {} incidents ({} still open)",
            q.deployments, q.failed_runs, q.incidents, q.open_incidents
        ),
        format!(
            "lead time leaves out {} backlog changes, {} merge commits and {} negative lead times (clock skew)",
            q.backlog_changes, q.merge_commits, q.negative_lead_times
        ),
    ];
    if q.not_meaningful_deployments + q.not_meaningful_changes > 0 {
        out.push(format!(
            "--ignore-paths leaves out {} deployments and {} changes that touched ignored paths only",
            q.not_meaningful_deployments, q.not_meaningful_changes
        ));
    }
    if q.files_owned_by_individuals_only > 0 {
        out.push(format!(
            "{} files at HEAD are owned by individuals only (CODEOWNERS): their changes belong to no team",
            q.files_owned_by_individuals_only
        ));
    }
    for (why, n) in &q.unattributed_incidents {
        out.push(format!("{n} incidents attributed to no deployment ({why})"));
    }
    if q.unrecovered_deployments > 0 {
        out.push(format!(
            "{} failed deployments not recovered by the end of the data",
            q.unrecovered_deployments
        ));
    }
    if q.merge_requests_without_first_commit + q.merge_requests_not_deployed > 0 {
        out.push(format!(
            "merge requests: {} without their first commit, {} not deployed",
            q.merge_requests_without_first_commit, q.merge_requests_not_deployed
        ));
    }
    if q.skipped_records > 0 {
        out.push(format!(
            "{} export records skipped as bad (`dorascope check` lists them; --strict stops at the first)",
            q.skipped_records
        ));
    }
    if q.unresolved_deployments > 0 {
        out.push(format!(
            "{} deployments name commits that are not in the repository",
            q.unresolved_deployments
        ));
    }
    out.extend(s.unavailable.iter().map(|u| format!("note: {u}")));
    out
}

/// A metric's name as people read it.
pub fn metric_label(metric: Metric) -> &'static str {
    match metric {
        Metric::DeploymentFrequency => "deployment frequency",
        Metric::DeploymentsPerWeek => "deployments per week",
        Metric::DeploymentsPerMonth => "deployments per month",
        Metric::DeploymentDaysPerWeek => "deployment days/week",
        Metric::LeadTime => "lead time (median)",
        Metric::TimeToRestore => "time to restore (median)",
        Metric::ChangeFailureRate => "change failure rate",
        Metric::DeploymentReworkRate => "deployment rework rate",
    }
}

/// A category name, coloured by how good it is when `color` is on.
fn category_text(c: Option<crate::benchmarks::Category>, width: usize, color: bool) -> String {
    let Some(c) = c else {
        return format!("{:<width$}", "-");
    };
    let name = format!("{:<width$}", format!("{c:?}").to_ascii_lowercase());
    if !color {
        return name;
    }
    styled(category_style(c), &name)
}

/// How a category is coloured on the terminal.
fn category_style(c: crate::benchmarks::Category) -> Style {
    use crate::benchmarks::Category::*;
    match c {
        Elite => GOOD.bold(),
        High => GOOD,
        Medium => FAIR,
        Low => BAD,
    }
}

/// The terminal summary of `dorascope report`: one line per metric, then data quality, then
/// the files written (`files`, names inside `out`). `color` adds ANSI colours.
pub fn metrics_text(
    s: &crate::metrics::Summary,
    out: &std::path::Path,
    files: &[&str],
    color: bool,
) -> String {
    let mut o = String::new();
    let _ = writeln!(
        o,
        "DORA metrics {} → {} ({}), benchmark {}",
        rfc3339(s.since),
        rfc3339(s.until),
        s.timezone,
        s.benchmark.0
    );
    match &s.baseline {
        Some((a, b)) => {
            let _ = writeln!(o, "baseline {a} → {b}");
        }
        None => {
            let _ = writeln!(o, "no baseline");
        }
    }
    let _ = writeln!(o);
    let _ = writeln!(
        o,
        "{:<26} {:>16} {:<9} {:<44} {:>7}",
        "metric", "value", "category", "vs baseline", "n"
    );
    for r in &s.overall {
        if matches!(r.metric, Metric::DeploymentsPerWeek | Metric::DeploymentsPerMonth) {
            continue;
        }
        let name = match r.metric {
            Metric::DeploymentDaysPerWeek => "  deployment days/week",
            m => metric_label(m),
        };
        let cat = category_text(r.category, 9, color);
        let warn = r
            .warning
            .as_deref()
            .map(|w| format!("  ! {w}"))
            .unwrap_or_default();
        let _ = writeln!(
            o,
            "{name:<26} {:>16} {cat} {} {:>7}{warn}",
            value_text(r),
            change_cell(r, 44, color),
            r.sample_size
        );
    }
    groups::groups_text(&mut o, s, color);
    let _ = writeln!(o);
    let rates: Vec<String> = s
        .failure_methods
        .iter()
        .map(|m| match (m.rate, &m.unavailable) {
            (_, Some(_)) => format!("{} –", m.method),
            (Some(r), None) => format!("{} {:.1}% ({}/{})", m.method, r * 100.0, m.failed, m.deployments),
            (None, None) => format!("{} -", m.method),
        })
        .collect();
    let _ = writeln!(o, "change failure rate by method: {}", rates.join(", "));
    // The methods that cannot decide, grouped by why: never a made-up 0%.
    let mut undecided: Vec<(&str, Vec<&str>)> = Vec::new();
    for m in &s.failure_methods {
        if let Some(why) = m.unavailable.as_deref() {
            match undecided.iter_mut().find(|(w, _)| *w == why) {
                Some((_, methods)) => methods.push(m.method.name()),
                None => undecided.push((why, vec![m.method.name()])),
            }
        }
    }
    for (why, methods) in undecided {
        let _ = writeln!(o, "  – {} cannot decide: {why}", methods.join(", "));
    }
    if let Some(ind) = &s.industry {
        let _ = writeln!(
            o,
            "\n{}: {} (DORA Quick Check {}, scores 0-10)",
            ind.kind.label(),
            ind.name,
            ind.edition
        );
        for st in &ind.standings {
            let _ = writeln!(
                o,
                "  {:<20} {:>4.1} vs {:.1} ± {:.1}: above about {:.0}% of respondents",
                st.metric,
                st.score,
                st.industry_mean,
                st.industry_std,
                st.percentile * 100.0
            );
        }
        for (metric, why) in &ind.withheld {
            let _ = writeln!(o, "  {metric:<20} not placed: {why}");
        }
    }
    if let Some(sh) = &s.industry_shares {
        let [elite, high, medium, low] = sh.shares;
        let _ = writeln!(
            o,
            "\nindustry shares: {} (elite {elite}%, high {high}%, medium {medium}%, low {low}% of teams)",
            sh.name
        );
        if sh.places.is_empty() {
            let _ = writeln!(o, "  no metric has a category to place");
        }
        for p in &sh.places {
            let _ = writeln!(
                o,
                "  {:<20} {:<7} {:>3}% of its teams, {}% in better categories, {}% in worse",
                p.metric,
                p.category.name(),
                p.share,
                p.better,
                p.worse
            );
        }
        let _ = writeln!(o, "  source ({}): {}", sh.table, sh.source);
    }
    if let Some(r) = &s.reference {
        let _ = writeln!(
            o,
            "\nreference {}: {} → {} inclusive ({} days), its own record selection",
            r.method, r.since, r.until, r.days
        );
        for row in &r.rows {
            let cat = category_text(row.category, 9, color);
            let ratio = match (row.numerator, row.denominator) {
                (Some(a), Some(b)) => format!(" ({a}/{b})"),
                _ => String::new(),
            };
            let _ = writeln!(
                o,
                "  {:<22} {:>16}{ratio} {cat} n={}",
                row.metric,
                row.value.map_or_else(|| "-".into(), |v| unit_text(row.unit, v)),
                row.sample_size
            );
        }
        for n in &r.notes {
            let _ = writeln!(o, "  note: {n}");
        }
    }
    let _ = writeln!(o, "\ndata quality:");
    for line in quality_lines(s) {
        let _ = writeln!(o, "  {line}");
    }
    let _ = writeln!(o, "\nwrote {}: {}", out.display(), files.join(", "));
    o
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::benchmarks::Category;

    /// The groups table of `text`: its heading line, rows and legend.
    fn groups_table(text: &str) -> Vec<&str> {
        let lines: Vec<&str> = text.lines().collect();
        let start = lines.iter().position(|l| l.starts_with("by ")).unwrap();
        let end = start + lines[start..].iter().position(|l| l.is_empty()).unwrap();
        lines[start..end].to_vec()
    }

    fn strip_ansi(s: &str) -> String {
        let mut out = String::new();
        let mut it = s.chars();
        while let Some(c) = it.next() {
            if c == '\x1b' {
                for d in it.by_ref() {
                    if d == 'm' {
                        break;
                    }
                }
            } else {
                out.push(c);
            }
        }
        out
    }

    #[test]
    fn methods_that_cannot_decide_say_so_in_the_by_method_line() {
        use crate::metrics::MethodRate;
        use crate::model::FailureMethod;
        let mut s = crate::report::openmetrics::fixture::three_months();
        let cannot = "needs incident exports (--incidents)";
        s.failure_methods = FailureMethod::ALL
            .iter()
            .map(|&method| {
                let decides = !method.uses_incidents();
                let failed = u64::from(method == FailureMethod::Rollback);
                MethodRate {
                    method,
                    failed,
                    deployments: 2,
                    rate: decides.then_some(failed as f64 / 2.0),
                    unavailable: (!decides).then(|| cannot.to_owned()),
                }
            })
            .collect();
        let text = metrics_text(&s, std::path::Path::new("out"), &[], false);
        let lines: Vec<&str> = text.lines().collect();
        let at = lines
            .iter()
            .position(|l| l.starts_with("change failure rate by method:"))
            .unwrap();
        assert_eq!(
            lines[at..at + 2],
            [
                "change failure rate by method: window –, any-in-window –, linked –, rollback 50.0% (1/2), status 0.0% (0/2)",
                "  – window, any-in-window, linked cannot decide: needs incident exports (--incidents)",
            ]
        );
        assert!(!text.contains("window 0.0%"), "{text}");
    }

    #[test]
    fn groups_get_one_compact_table_after_the_overall_block() {
        use crate::report::openmetrics::fixture::{grouped, three_months};
        let out = std::path::Path::new("out");
        let plain = metrics_text(&three_months(), out, &[], false);
        assert!(!plain.lines().any(|l| l.starts_with("by ")), "{plain}");
        let s = grouped();
        let text = metrics_text(&s, out, &[], false);
        let table = groups_table(&text);
        assert!(text.find("metric ").unwrap() < text.find("by service").unwrap());
        assert!(text.find("by service").unwrap() < text.find("change failure rate by method").unwrap());
        let [head, all, web, api, legend] = table[..] else {
            panic!("{text}")
        };
        assert!(head.starts_with("by service"), "{head}");
        for (h, m) in [
            "deploy freq",
            "days/week",
            "lead time",
            "restore",
            "failure rate",
            "rework rate",
        ]
        .windows(2)
        .map(|w| (w[0], w[1]))
        {
            assert!(
                head.find(h).unwrap() < head.find(m).unwrap(),
                "{head}: overall order"
            );
        }
        assert!(all.starts_with("all "));
        assert!(web.starts_with("web \"shop\""));
        assert!(api.starts_with("api "));
        // Value (the overall section's text), category initial, sample size.
        assert!(all.contains("2h 0m E 12"), "{all}");
        assert!(web.contains("3h 0m E 12"), "{web}");
        assert!(web.contains("28.6% L 7"), "{web}");
        assert!(all.contains("0.50/day M 7"), "{all}");
        let end = |l: &str, what: &str| l[..l.find(what).unwrap() + what.len()].chars().count();
        // Unavailable: a dash, no category, no n.
        assert!(api.contains("– "), "{api}");
        let restore = end(head, "restore");
        assert_eq!(
            api.chars()
                .take(restore)
                .collect::<String>()
                .trim_end()
                .chars()
                .last(),
            Some('–'),
            "{api}"
        );
        assert!(legend.contains("E elite"));
        // Aligned: cells end where their heading ends (columns of chars, not bytes).
        assert_eq!(end(head, "lead time"), end(all, "2h 0m E 12"));
        assert_eq!(end(head, "lead time"), end(web, "3h 0m E 12"));
        assert_eq!(end(head, "failure rate"), end(web, "28.6% L 7"));
        for row in [all, web, api] {
            assert_eq!(row.chars().count(), head.chars().count(), "{row}\n{head}");
            assert!(row.chars().count() <= 100);
        }
        // With colour: the same text once the escape codes are out.
        let coloured = metrics_text(&s, out, &[], true);
        assert!(groups_table(&coloured)[1].contains("\x1b[33m"));
        assert_eq!(strip_ansi(&coloured), text);
    }

    #[test]
    fn the_groups_table_stays_within_100_columns() {
        use crate::report::openmetrics::fixture::grouped;
        let mut s = grouped();
        s.groups[1].group = "a-very-long-service-name-that-goes-on-and-on-and-on".into();
        for r in s.groups[1].overall.iter_mut() {
            r.sample_size = 123_456_789;
        }
        let text = metrics_text(&s, std::path::Path::new("out"), &[], false);
        let table = groups_table(&text);
        for l in &table {
            assert!(l.chars().count() <= 100, "{l}");
        }
        assert!(
            table
                .iter()
                .any(|l| l.starts_with("a-very-long") && l.contains('…')),
            "{text}"
        );
    }

    #[test]
    fn categories_are_padded_then_coloured() {
        assert_eq!(category_text(Some(Category::High), 6, false), "high  ");
        assert_eq!(category_text(None, 3, true), "-  ");
        assert_eq!(
            category_text(Some(Category::High), 6, true),
            "\x1b[32mhigh  \x1b[0m"
        );
        assert_eq!(
            category_text(Some(Category::Medium), 6, true),
            "\x1b[33mmedium\x1b[0m"
        );
        assert_eq!(category_text(Some(Category::Low), 3, true), "\x1b[31mlow\x1b[0m");
        assert_eq!(
            category_text(Some(Category::Elite), 5, true),
            "\x1b[1m\x1b[32melite\x1b[0m"
        );
    }
}
