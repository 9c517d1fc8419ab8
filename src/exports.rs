//! The export files given on the command line, read (in parallel, one file per task) and
//! merged: environment filtering, deduplication across overlapping exports, and the counts
//! the data-quality section reports.

use std::collections::HashSet;
use std::path::PathBuf;

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
            out.files.push(file);
        }
        Ok(out)
    }
}

impl Exports {
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
            });
        }
        (ok, no_commit)
    }
}
