//! The export files given on the command line, read (in parallel, one file per task) and
//! merged: environment filtering, deduplication across overlapping exports, and the counts
//! the data-quality section reports.

use std::collections::HashSet;
use std::path::{Path, PathBuf};

use rayon::prelude::*;

use crate::error::{Error, Result};
use crate::git::ExportedDeployment;
use crate::import::{self, Format, ImportOptions, Imported, MrCommit};
use crate::model::{DeployStatus, DeploymentRecord, Incident, MergeRequest};

/// Which export files to read and how.
#[derive(Debug, Clone, Default)]
pub struct ExportFiles {
    /// Deployment exports.
    pub deployments: Vec<PathBuf>,
    /// Force this format for every deployment export.
    pub deployments_format: Option<Format>,
    /// Incident and alarm exports.
    pub incidents: Vec<PathBuf>,
    /// Force this format for every incident export.
    pub incidents_format: Option<Format>,
    /// Merge-request exports.
    pub merge_requests: Vec<PathBuf>,
    /// Merge-request commits: a directory of `<iid>.json` files or one JSON object keyed by
    /// iid. Without it, a `merge_request_commits/` directory beside a merge-request export is
    /// used when there is one.
    pub merge_request_commits: Option<PathBuf>,
    /// Files only a reference computation reads (`--reference-data`: CloudWatch
    /// get-metric-statistics and CodeCommit get-commit outputs), or directories of them.
    pub reference_data: Vec<PathBuf>,
    /// Production environment names, compared case-insensitively.
    pub environments: Vec<String>,
    /// Parsing options (time zone, strictness).
    pub options: ImportOptions,
}

/// Everything read from the export files, filtered and deduplicated.
#[derive(Debug, Default)]
pub struct Exports {
    /// Per-file results, in the order given (records moved out; counts and problems kept).
    pub files: Vec<Imported>,
    /// Production deployments, finished (successful or failed), in file order.
    pub deployments: Vec<DeploymentRecord>,
    /// Incidents, deduplicated.
    pub incidents: Vec<Incident>,
    /// Merge requests, deduplicated.
    pub merge_requests: Vec<MergeRequest>,
    /// Merge-request commits.
    pub mr_commits: Vec<MrCommit>,
    /// AWS records as written, in file order, for `--reference aws-script`.
    pub aws: crate::model::aws::AwsRecords,
    /// Deployments dropped because their environment is not production.
    pub other_environments: u64,
    /// Deployments dropped because they did not finish (running, cancelled).
    pub unfinished: u64,
    /// Records dropped as duplicates of one already read.
    pub duplicates: u64,
}

impl ExportFiles {
    /// Whether any export was given.
    pub fn is_empty(&self) -> bool {
        self.deployments.is_empty() && self.incidents.is_empty() && self.merge_requests.is_empty()
    }

    fn is_production(&self, env: Option<&str>) -> bool {
        // An export without environments (a hand-kept sheet of releases) is about production.
        env.is_none_or(|e| self.environments.iter().any(|p| p.eq_ignore_ascii_case(e.trim())))
    }

    /// Reads every file; the first fatal error (in the order given) stops the run.
    pub fn read(&self) -> Result<Exports> {
        let jobs: Vec<(PathBuf, Option<Format>)> = self
            .deployments
            .iter()
            .map(|p| (p.clone(), self.deployments_format))
            .chain(self.incidents.iter().map(|p| (p.clone(), self.incidents_format)))
            .chain(self.merge_requests.iter().map(|p| (p.clone(), None)))
            .chain(
                reference_files(&self.reference_data)?
                    .into_iter()
                    .map(|p| (p, None)),
            )
            .collect();
        let results: Vec<_> = jobs
            .par_iter()
            .map(|(path, forced)| import::import_file(path, *forced, &self.options))
            .collect();
        let mut out = Exports::default();
        let mut seen_deploys = HashSet::new();
        let mut seen_incidents = HashSet::new();
        let mut seen_mrs = HashSet::new();
        for result in results {
            let mut file = result.map_err(|e| Error::Input(e.0))?;
            out.deployments.reserve(file.deployments.len());
            for d in std::mem::take(&mut file.deployments) {
                if !self.is_production(d.environment.as_deref()) {
                    out.other_environments += 1;
                } else if !matches!(d.status, DeployStatus::Success | DeployStatus::Failed)
                    || d.finished_at.is_none()
                {
                    out.unfinished += 1;
                } else if !seen_deploys.insert((d.source, d.id.clone(), d.finished_at)) {
                    out.duplicates += 1;
                } else {
                    out.deployments.push(d);
                }
            }
            for i in std::mem::take(&mut file.incidents) {
                if seen_incidents.insert((i.source, i.id.clone())) {
                    out.incidents.push(i);
                } else {
                    out.duplicates += 1;
                }
            }
            for m in std::mem::take(&mut file.merge_requests) {
                if seen_mrs.insert((m.source, m.id.clone())) {
                    out.merge_requests.push(m);
                } else {
                    out.duplicates += 1;
                }
            }
            out.mr_commits.append(&mut file.mr_commits);
            out.aws.append(&mut file.aws);
            out.files.push(file);
        }
        for source in self.commit_sources() {
            let (files, commits) = read_mr_commits(&source, &self.options)?;
            out.files.extend(files);
            out.mr_commits.extend(commits);
        }
        out.link_first_commits();
        Ok(out)
    }

    /// Where merge-request commits are: the option, else `merge_request_commits/` directories
    /// beside the merge-request exports.
    fn commit_sources(&self) -> Vec<PathBuf> {
        if let Some(p) = &self.merge_request_commits {
            return vec![p.clone()];
        }
        let mut dirs: Vec<PathBuf> = self
            .merge_requests
            .iter()
            .filter_map(|f| f.parent().map(|d| d.join("merge_request_commits")))
            .filter(|d| d.is_dir())
            .collect();
        dirs.dedup();
        dirs
    }
}

/// The `--reference-data` files: each file as given, each directory's `*.json` files in name
/// order (one `aws codecommit get-commit` output per commit is the usual layout).
fn reference_files(paths: &[PathBuf]) -> Result<Vec<PathBuf>> {
    let mut files = Vec::new();
    for path in paths {
        if !path.is_dir() {
            files.push(path.clone());
            continue;
        }
        files.extend(json_files(path)?);
    }
    Ok(files)
}

/// The `*.json` files of a directory, in name order.
fn json_files(dir: &Path) -> Result<Vec<PathBuf>> {
    let mut entries: Vec<PathBuf> = std::fs::read_dir(dir)
        .map_err(|e| Error::Input(format!("{}: cannot list: {e}", dir.display())))?
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.extension().is_some_and(|x| x == "json"))
        .collect();
    entries.sort();
    Ok(entries)
}

/// Reads merge-request commits saved the way people save them: one `<iid>.json` per merge
/// request in a directory, one JSON object keyed by iid, or a plain commits export (then the
/// merge request is unknown).
fn read_mr_commits(
    path: &std::path::Path,
    options: &ImportOptions,
) -> Result<(Vec<Imported>, Vec<MrCommit>)> {
    let mut files = Vec::new();
    let mut commits = Vec::new();
    let mut take = |mut imported: Imported, iid: Option<&str>| {
        for mut c in std::mem::take(&mut imported.mr_commits) {
            if c.merge_request.is_none() {
                c.merge_request = iid.map(str::to_owned);
            }
            commits.push(c);
        }
        files.push(imported);
    };
    if path.is_dir() {
        for p in json_files(path)? {
            let iid = p.file_stem().map(|s| s.to_string_lossy().into_owned());
            let imported = import::import_file(&p, Some(Format::GitlabMergeRequestCommits), options)
                .map_err(|e| Error::Input(e.0))?;
            take(imported, iid.as_deref());
        }
        return Ok((files, commits));
    }
    let text =
        std::fs::read(path).map_err(|e| Error::Input(format!("{}: cannot read: {e}", path.display())))?;
    let keyed = serde_json::from_slice::<serde_json::Map<String, serde_json::Value>>(&text)
        .ok()
        .filter(|m| !m.is_empty() && m.values().all(serde_json::Value::is_array));
    match keyed {
        Some(map) => {
            for (iid, commits_json) in map {
                let name = format!("{}[{iid}]", path.display());
                let bytes = serde_json::to_vec(&commits_json).map_err(|e| Error::Internal(e.to_string()))?;
                let imported =
                    import::import_bytes(&name, &bytes, Some(Format::GitlabMergeRequestCommits), options)
                        .map_err(|e| Error::Input(e.0))?;
                take(imported, Some(&iid));
            }
        }
        None => {
            let imported = import::import_file(path, Some(Format::GitlabMergeRequestCommits), options)
                .map_err(|e| Error::Input(e.0))?;
            take(imported, None);
        }
    }
    Ok((files, commits))
}

impl Exports {
    /// Sets each merge request's oldest commit time (`authored_date`, else `created_at`) and
    /// its commits' `created_at` in the order the commits export lists them.
    fn link_first_commits(&mut self) {
        type Commits = (crate::model::Instant, Vec<Option<crate::model::Instant>>);
        let mut by_mr: std::collections::HashMap<&str, Commits> = Default::default();
        for c in &self.mr_commits {
            if let Some(mr) = c.merge_request.as_deref() {
                let slot = by_mr.entry(mr).or_insert((c.authored_at, Vec::new()));
                slot.0 = slot.0.min(c.authored_at);
                slot.1.push(c.created_at);
            }
        }
        for m in &mut self.merge_requests {
            if let Some((authored, created)) = by_mr.get(m.id.as_str()) {
                m.first_commit_at = m.first_commit_at.or(Some(*authored));
                if m.commit_created_at.is_empty() {
                    m.commit_created_at.clone_from(created);
                }
            }
        }
    }
}

impl Exports {
    /// The per-deployment rows when there is no repository: no changes or lead times, and a
    /// redeploy is only recognised when it names exactly the same commit as an earlier one:
    /// a rollback when that one was of the same line (service and environment), a maintenance
    /// release otherwise.
    pub fn deployment_rows<'a>(&'a self, range: crate::time::Range) -> Vec<crate::model::Deployment> {
        let mut finished: Vec<&'a DeploymentRecord> = self
            .deployments
            .iter()
            .filter(|d| d.finished_at.is_some())
            .collect();
        finished.sort_by(|a, b| a.finished_at.cmp(&b.finished_at).then_with(|| a.id.cmp(&b.id)));
        let commit_text = |d: &'a DeploymentRecord| match &d.commit {
            Some(crate::model::CommitRef::Sha(s) | crate::model::CommitRef::Ref(s)) => s.as_str(),
            None => "",
        };
        // Borrowed from the records: a million deployments need no copy of their commits here.
        let mut shipped: HashSet<&str> = HashSet::with_capacity(finished.len());
        let mut shipped_on: HashSet<(Option<&str>, &str, &str)> = HashSet::with_capacity(finished.len());
        let mut previous: Option<&str> = None;
        let mut rows = Vec::with_capacity(finished.len());
        for d in finished {
            let t = d.finished_at.map_or(0, |t| t.timestamp());
            let failed = d.status == DeployStatus::Failed;
            let commit = commit_text(d);
            let environment = d.environment.as_deref().unwrap_or("production");
            let on_line = (d.service.as_deref(), environment, commit);
            let redeploy = !failed && !commit.is_empty() && shipped.contains(commit);
            let rollback = redeploy && shipped_on.contains(&on_line);
            if range.contains(t) {
                rows.push(crate::model::Deployment {
                    repo: String::new(),
                    name: d.id.clone(),
                    sha: commit.to_owned(),
                    source: d.source.to_owned(),
                    environment: environment.to_owned(),
                    deployed_at: t,
                    kind: crate::model::DeploymentKind::Export,
                    changes: None,
                    lead_time_median_seconds: None,
                    lead_time_max_seconds: None,
                    previous_deployment: previous.map(str::to_owned),
                    rollback,
                    maintenance: redeploy && !rollback,
                    line: crate::model::line::export_line(d.service.as_deref(), environment),
                    failed: Some(failed),
                    service: d.service.clone(),
                    shipped: None,
                    services: d
                        .service
                        .iter()
                        .map(|s| std::sync::Arc::from(s.as_str()))
                        .collect(),
                    teams: Vec::new(),
                    meaningful: true,
                });
            }
            if !failed {
                shipped.insert(commit);
                shipped_on.insert(on_line);
                previous = Some(d.id.as_str());
            }
        }
        rows
    }

    /// The deployments as attribution inputs. Records without a commit cannot be placed in
    /// a history and are returned separately, described for the warning.
    pub fn for_attribution(&self) -> (Vec<ExportedDeployment>, Vec<String>) {
        let mut ok = Vec::new();
        let mut no_commit = Vec::new();
        for d in &self.deployments {
            let (Some(commit), Some(t)) = (d.commit.clone(), d.finished_at) else {
                no_commit.push(format!("{}: deployment {} names no commit", d.location, d.id));
                continue;
            };
            ok.push(ExportedDeployment {
                name: d.id.clone(),
                commit,
                time: t.timestamp(),
                source: d.source.to_owned(),
                environment: d.environment.clone().unwrap_or_else(|| "production".into()),
                failed: d.status == DeployStatus::Failed,
                service: d.service.clone(),
            });
        }
        (ok, no_commit)
    }
}
