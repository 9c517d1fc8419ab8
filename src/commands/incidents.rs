//! `dorascope incidents`: the per-incident table.

use super::load::{Loaded, check_output_dir, load, warn_exports};
use crate::error::{Error, Result};
use crate::git::RepoAnalysis;
use crate::progress::Progress;
use crate::settings::Table;
use crate::time::Range;
use crate::{metrics, report};

/// `dorascope incidents`: the per-incident table from the incident exports; with a
/// repository or deployment exports, each incident's deployment and why.
pub(crate) fn incidents_command(settings: &Table, progress: &Progress) -> Result<()> {
    let input = &settings.input;
    if input.exports.incidents.is_empty() {
        return Err(Error::Usage(
            "dorascope incidents needs at least one --incidents FILE".into(),
        ));
    }
    if let Some(out) = settings.output.as_deref() {
        check_output_dir(out)?;
    }
    // --since / --until select incidents by when they started, as deployments by when they
    // finished; deployments are read whole, so an incident early in the range still finds
    // the deployment before it.
    let range = input.range;
    let with_deployments = input.repo_given || !input.exports.deployments.is_empty();
    let loaded = if with_deployments {
        load(input, Range::default(), false, false, "incidents", progress)?
    } else {
        let exports = input.exports.read()?;
        warn_exports(&exports, progress);
        Loaded {
            analysis: RepoAnalysis::default(),
            exports,
            has_repo: false,
        }
    };
    let deployments = &loaded.analysis.deployments;
    let incidents = &loaded.exports.incidents;
    let attributed = if with_deployments {
        let f = metrics::failure::classify(
            settings.failure.method,
            deployments,
            incidents,
            &loaded.analysis.reverts,
            settings.failure.fix(),
            settings.failure.window,
        );
        Some(f.incidents)
    } else {
        None
    };
    let (rows, attribution) =
        metrics::attribution::incidents_in_range(incidents, attributed.as_deref(), deployments, |t| {
            range.contains(t)
        });
    report::write_table(
        &report::table::incidents_table_attributed(&rows, attribution.as_deref()),
        settings.format,
        settings.output.as_deref(),
    )
}
