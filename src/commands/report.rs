//! `dorascope report`: load everything, compute the metrics, and write the report's files.

use std::borrow::Cow;
use std::collections::HashMap;

use super::load::{check_output_dir, load};
use crate::error::{Error, Result};
use crate::model::{Change, Deployment, GroupBy, Sha};
use crate::progress::Progress;
use crate::report::bundle::{self, ReportData, ReportFormat};
use crate::report::provenance;
use crate::settings::Report;
use crate::time::Range;
use crate::{metrics, report};

/// `dorascope report`: the metrics engine over everything given.
pub(crate) fn run(settings: &Report, config: Option<&std::path::Path>, progress: &Progress) -> Result<()> {
    let (json, text) = files(settings, config, progress)?;
    if settings.json {
        report::write::write_stdout(&json)
    } else if settings.formats.contains(&ReportFormat::Table) {
        report::write::write_stdout(text.as_bytes())
    } else {
        Ok(())
    }
}

/// Computes the report, writes its files, and returns summary.json and the terminal text.
pub(crate) fn files(
    settings: &Report,
    config: Option<&std::path::Path>,
    progress: &Progress,
) -> Result<(Vec<u8>, String)> {
    check_output_dir(&settings.out)?;
    // The repositories are read whole: the range is the engine's, and the baseline may lie
    // before --since.
    let mut loaded = load(&settings.input, Range::default(), true, false, "report", progress)?;
    let has_incidents = !settings.input.exports.incidents.is_empty();
    let inputs = metrics::Inputs {
        changes: metrics::Changes::All(&loaded.analysis.changes),
        deployments: &loaded.analysis.deployments,
        incidents: &loaded.exports.incidents,
        merge_requests: &loaded.exports.merge_requests,
        reverts: &loaded.analysis.reverts,
        has_repo: loaded.has_repo,
        // Incident files given: zero incidents in them (or in a group) means none failed,
        // not "unknown".
        has_incidents,
    };
    let bar = progress.spinner("computing metrics");
    let mut outcome = metrics::compute(inputs, &settings.engine).map_err(|e| Error::Input(e.to_string()))?;
    if let Some((method, since, until)) = settings.reference {
        let refs = metrics::reference::RefInputs {
            deployments: &loaded.exports.deployments,
            merge_requests: &loaded.exports.merge_requests,
            incidents: &loaded.exports.incidents,
            aws: &loaded.exports.aws,
            changes: &loaded.analysis.changes,
        };
        outcome.summary.reference =
            Some(metrics::reference::compute(method, refs, since, until).map_err(Error::Usage)?);
    }
    if let Some(by) = settings.group_by {
        let names = group_names(by, settings, &loaded.analysis)?;
        outcome.summary.groups = metrics::groups::compute_groups(
            inputs,
            &settings.engine,
            by,
            &names,
            &outcome.summary,
            &outcome.failures,
        )
        .map_err(|e| Error::Input(e.to_string()))?;
        outcome.summary.group_by = Some(by);
    }
    bar.finish_and_clear();
    for u in &outcome.summary.unavailable {
        progress.warn(u);
    }
    let q = &mut outcome.summary.data_quality;
    q.skipped_records = loaded.exports.files.iter().map(|f| f.problems.len() as u64).sum();
    q.unresolved_deployments = loaded
        .analysis
        .per_repo
        .iter()
        .map(|r| r.unresolved_deployments.len() as u64)
        .sum();
    q.files_owned_by_individuals_only = loaded
        .analysis
        .per_repo
        .iter()
        .filter_map(|r| r.ownership.as_ref())
        .map(|o| o.individual_only)
        .sum();

    let method = settings.failure.method;
    let reasons = if method.decides(loaded.has_repo, has_incidents) {
        metrics::failure::apply_failures(&mut loaded.analysis.deployments, &outcome.failures.failed, method)
    } else {
        metrics::failure::reported_failures(&loaded.analysis.deployments)
    };

    // The tables hold the report's range: deployments and incidents in it, the changes those
    // deployments shipped, and the changes not deployed yet.
    let range = crate::time::Range::new(outcome.summary.since, outcome.summary.until);
    let in_range = |t: i64| range.contains(t);
    let all = &loaded.analysis.deployments;
    let keep: Vec<usize> = (0..all.len()).filter(|&i| in_range(all[i].deployed_at)).collect();
    // Usually every deployment is in the range: then the tables borrow them rather than copy
    // (a million deployments from exports are 260 MB).
    let (deployments, failure_reasons): (Cow<'_, [Deployment]>, Cow<'_, [Option<String>]>) =
        if keep.len() == all.len() {
            (Cow::Borrowed(all), Cow::Borrowed(&reasons))
        } else {
            (
                keep.iter().map(|&i| all[i].clone()).collect(),
                keep.iter().map(|&i| reasons[i].clone()).collect(),
            )
        };
    // Nothing reads the whole list again: filtered in place rather than copied (a million
    // changes are 176 MB).
    let mut changes: Vec<Change> = std::mem::take(&mut loaded.analysis.changes);
    changes.retain(|c| c.deployed_at.is_none_or(in_range));
    let (incidents, incident_attribution) = metrics::attribution::incidents_in_range(
        &loaded.exports.incidents,
        Some(&outcome.failures.incidents),
        all,
        in_range,
    );
    let incident_attribution = incident_attribution.unwrap_or_default();

    let subjects = if settings.formats.contains(&ReportFormat::Html) {
        subjects(
            &settings.input.repos,
            &changes,
            &report::html::shown_changes(&outcome.summary, &changes),
        )
    } else {
        HashMap::new()
    };
    let bar = progress.spinner("hashing inputs");
    let read: Vec<provenance::ReadFile> = loaded
        .exports
        .files
        .iter()
        .map(|f| provenance::ReadFile {
            path: f.file.clone(),
            format: f.format.map(|x| x.name()),
            records: f.records,
            skipped: f.problems.len() as u64,
        })
        .collect();
    let inputs = provenance::input_files(&read)?;
    bar.finish_and_clear();
    let repos: Vec<(String, String)> = settings
        .input
        .repos
        .iter()
        .map(|r| (r.label.clone(), r.path.display().to_string()))
        .collect();
    let repositories = provenance::repositories(
        &repos,
        &loaded.analysis.per_repo,
        &loaded.analysis.deployments,
        &settings.tag_globs.0,
        &settings.tag_globs.1,
    );
    let config = config
        .map(|p| {
            provenance::hash_file(p)
                .map(|(bytes, sha256)| serde_json::json!({"path": p.display().to_string(), "bytes": bytes, "sha256": sha256}))
                .map_err(|e| Error::Input(format!("{}: cannot read it again to hash it: {e}", p.display())))
        })
        .transpose()?;
    let provenance = provenance::document(
        config,
        settings.echo.clone(),
        &inputs,
        repositories,
        &outcome.summary,
        settings.generated_at.as_deref(),
    );

    let data = ReportData {
        summary: &outcome.summary,
        changes: &changes,
        deployments: &deployments,
        failure_reasons: &failure_reasons,
        incidents: &incidents,
        incident_attribution: &incident_attribution,
        subjects: &subjects,
        provenance: &provenance,
        generated_at: settings.generated_at.as_deref(),
    };
    let bar = progress.spinner("writing the report");
    let json = bundle::summary_json(&outcome.summary)?;
    let names = bundle::write(&settings.out, &data, &json, &settings.formats)?;
    bar.finish_and_clear();
    let names: Vec<&str> = names.iter().map(String::as_str).collect();
    let text = report::summary::metrics_text(&outcome.summary, &settings.out, &names, settings.color);
    Ok((json, text))
}

/// Subjects of the changes the HTML report lists (`shown`, indices into `changes`). A repository that
/// cannot be read again leaves its changes without a subject (the sha is shown).
fn subjects(repos: &[crate::git::RepoInput], changes: &[Change], shown: &[usize]) -> HashMap<Sha, String> {
    let mut out = HashMap::new();
    for r in repos {
        let shas: Vec<Sha> = shown
            .iter()
            .map(|&i| &changes[i])
            .filter(|c| *c.repo == *r.label)
            .map(|c| c.sha)
            .collect();
        if shas.is_empty() {
            continue;
        }
        if let Ok(found) = crate::git::subjects(&r.path, &shas) {
            out.extend(found);
        }
    }
    out
}

/// The groups of `--group-by`, in the order a reader expects: repositories as given;
/// services as defined, then those only the exports name, by name; teams by name (those that
/// own a change or a deployment); release lines by version (`1.9` before `1.10`, lines
/// without a version last). None is an error: the user asked for a breakdown.
fn group_names(by: GroupBy, settings: &Report, analysis: &crate::git::RepoAnalysis) -> Result<Vec<String>> {
    let names: Vec<String> = match by {
        GroupBy::Repo => settings.input.repos.iter().map(|r| r.label.clone()).collect(),
        GroupBy::Service => {
            let defined: Vec<String> = settings
                .input
                .paths
                .iter()
                .flat_map(|p| p.services.iter().map(|s| s.name.to_string()))
                .collect();
            let named: std::collections::BTreeSet<&str> = analysis
                .deployments
                .iter()
                .flat_map(|d| d.services.iter())
                .map(|s| &**s)
                .filter(|s| !defined.iter().any(|d| d == s))
                .collect();
            defined
                .iter()
                .cloned()
                .chain(named.into_iter().map(str::to_owned))
                .collect()
        }
        GroupBy::Team => {
            let teams: std::collections::BTreeSet<&str> = analysis
                .changes
                .iter()
                .flat_map(|c| c.teams.iter())
                .chain(analysis.deployments.iter().flat_map(|d| d.teams.iter()))
                .map(|t| &**t)
                .collect();
            teams.into_iter().map(str::to_owned).collect()
        }
        GroupBy::Line => {
            let lines: std::collections::BTreeSet<&str> =
                analysis.deployments.iter().map(|d| d.line.as_str()).collect();
            let mut lines: Vec<String> = lines.into_iter().map(str::to_owned).collect();
            lines.sort_by(|a, b| crate::model::line::compare_lines(a, b).then_with(|| a.cmp(b)));
            lines
        }
    };
    if names.is_empty() {
        return Err(Error::Input(match by {
            GroupBy::Team => "--group-by team: no change belongs to a team: the CODEOWNERS file names no \
                              @org/team owner of a changed path (individual owners are never teams)"
                .into(),
            _ => format!(
                "--group-by {}: the inputs give no {} to group by",
                by.name(),
                by.name()
            ),
        }));
    }
    Ok(names)
}

#[cfg(test)]
mod tests {

    #[test]
    fn no_color_is_honoured_only_in_auto() {
        use crate::cli::ColorChoice::*;
        let set = Some(std::ffi::OsStr::new("1"));
        let empty = Some(std::ffi::OsStr::new(""));
        assert!(Auto.enabled(true, None));
        assert!(!Auto.enabled(true, set));
        assert!(Auto.enabled(true, empty));
        assert!(!Auto.enabled(false, None));
        assert!(Always.enabled(false, set));
        assert!(!Never.enabled(true, None));
    }
}
