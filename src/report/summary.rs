//! A short human-readable overview of deployments for the terminal (the demo's output).

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

/// The change against the baseline: arrow, amount, better/worse, and whether beyond noise.
pub fn change_text(r: &crate::metrics::MetricRow) -> String {
    let (Some(c), Some(d)) = (r.change, r.direction) else {
        return "-".into();
    };
    let arrow = if c > 0.0 {
        "↑"
    } else if c < 0.0 {
        "↓"
    } else {
        "="
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
    use crate::benchmarks::Category::*;
    let Some(c) = c else {
        return format!("{:<width$}", "-");
    };
    let name = format!("{:<width$}", format!("{c:?}").to_ascii_lowercase());
    if !color {
        return name;
    }
    let style = match c {
        Elite => GOOD.bold(),
        High => GOOD,
        Medium => FAIR,
        Low => BAD,
    };
    styled(style, &name)
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
    let _ = writeln!(o);
    let rates: Vec<String> = s
        .failure_methods
        .iter()
        .map(|m| match m.rate {
            Some(r) => format!("{} {:.1}% ({}/{})", m.method, r * 100.0, m.failed, m.deployments),
            None => format!("{} -", m.method),
        })
        .collect();
    let _ = writeln!(o, "change failure rate by method: {}", rates.join(", "));
    if let Some(ind) = &s.industry {
        let _ = writeln!(o, "\nindustry: {} (DORA Quick Check 2024, scores 0-10)", ind.name);
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
