//! `dorascope changes` and `dorascope deployments`: the per-change and per-deployment tables.

use super::load::{check_output_dir, load};
use crate::cli::TableArgs;
use crate::error::Result;
use crate::progress::Progress;
use crate::{metrics, report};

pub(crate) fn table_command(args: &TableArgs, needs_changes: bool, progress: &Progress) -> Result<()> {
    let mut settings = args.input.settings()?;
    let (window, fix) = args.failure.parse()?;
    if let Some(out) = args.output.as_deref() {
        check_output_dir(out)?;
    }
    let name = if needs_changes { "changes" } else { "deployments" };
    let mut loaded = load(&mut settings, needs_changes, needs_changes, name, progress)?;
    let table = if needs_changes {
        report::changes_table(&loaded.analysis.changes)
    } else {
        let method = args.failure.failure_method;
        let decides = method.decides(loaded.has_repo, !loaded.exports.incidents.is_empty());
        let d = &mut loaded.analysis.deployments;
        let mut reasons = vec![None; d.len()];
        if decides {
            let f = metrics::failure::classify(
                method,
                d,
                &loaded.exports.incidents,
                &loaded.analysis.reverts,
                fix.as_ref().map(|(_, g)| g),
                window,
            );
            metrics::failure::apply_failures(d, &f.failed, method);
            reasons = f.failed;
        }
        report::table::deployments_table_with_reasons(d, &reasons)
    };
    report::write_table(&table, args.format, args.output.as_deref())
}
