//! `dorascope changes` and `dorascope deployments`: the per-change and per-deployment tables.

use super::load::{check_output_dir, load};
use crate::error::Result;
use crate::progress::Progress;
use crate::settings::{Changes, Table};
use crate::{metrics, report};

/// `dorascope changes`.
pub(crate) fn changes(settings: &Changes, progress: &Progress) -> Result<()> {
    if let Some(out) = settings.output.as_deref() {
        check_output_dir(out)?;
    }
    let input = &settings.input;
    let loaded = load(input, input.range, true, true, "changes", progress)?;
    let table = report::changes_table(&loaded.analysis.changes);
    report::write_table(&table, settings.format, settings.output.as_deref())
}

/// `dorascope deployments`.
pub(crate) fn deployments(settings: &Table, progress: &Progress) -> Result<()> {
    if let Some(out) = settings.output.as_deref() {
        check_output_dir(out)?;
    }
    let input = &settings.input;
    let mut loaded = load(input, input.range, false, false, "deployments", progress)?;
    let method = settings.failure.method;
    // Incident files given decide even when they hold no incident: then none failed.
    let decides = method.decides(loaded.has_repo, !input.exports.incidents.is_empty());
    let d = &mut loaded.analysis.deployments;
    let reasons = if decides {
        let f = metrics::failure::classify(
            method,
            d,
            &loaded.exports.incidents,
            &loaded.analysis.reverts,
            settings.failure.fix(),
            settings.failure.window,
        );
        metrics::failure::apply_failures(d, &f.failed, method)
    } else {
        metrics::failure::reported_failures(d)
    };
    let table = report::table::deployments_table_with_reasons(d, &reasons);
    report::write_table(&table, settings.format, settings.output.as_deref())
}
