//! A short human-readable overview of deployments for the terminal (the demo's output).

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
