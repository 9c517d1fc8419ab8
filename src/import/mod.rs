//! Reading the files teams export from their tools into the records of `model`.
//!
//! Every file goes through the same steps: detect the format from its content (or take the
//! one forced on the command line), split it into records (a bare array, a wrapper object,
//! concatenated JSON documents, JSON Lines, or CSV rows), and hand each record to the
//! format's [`Reader`]. Readers push records and problems into a [`Ctx`]; in lenient mode a
//! problem skips the record and is counted, with `--strict` it is fatal.

pub mod aws;
pub mod canonical;
pub mod devlake;
pub mod envelope;
pub mod fields;
pub mod github;
pub mod gitlab;
pub mod incident_tools;
pub mod jenkins;
#[cfg(test)]
pub(crate) mod testutil;

use std::path::Path;
use std::sync::Arc;

use serde_json::Value;

use crate::model::{DeploymentRecord, Incident, Instant, Location, MergeRequest};
pub use crate::time::parse::Zone;

crate::model::choice! {
    /// Every format dorascope reads. The names are what `--deployments-format` and friends take
    /// and what `dorascope check` prints.
    #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
    pub enum Format {
        GitlabDeployments = "gitlab-deployments", "GitLab `GET /projects/:id/deployments`";
        GitlabMergeRequests = "gitlab-merge-requests", "GitLab `GET /projects/:id/merge_requests`";
        GitlabMergeRequestCommits = "gitlab-merge-request-commits",
            "GitLab `GET /projects/:id/merge_requests/:iid/commits`";
        GitlabIssues = "gitlab-issues",
            "GitLab `GET /projects/:id/issues` (incidents: label `incident` or `issue_type: incident`)";
        GithubDeployments = "github-deployments", "GitHub `GET /repos/{o}/{r}/deployments`";
        GithubDeploymentStatuses = "github-deployment-statuses",
            "GitHub `GET /repos/{o}/{r}/deployments/{id}/statuses`";
        GithubActionsRuns = "github-actions-runs", "GitHub `GET /repos/{o}/{r}/actions/runs`";
        GithubPulls = "github-pulls", "GitHub `GET /repos/{o}/{r}/pulls`, or `gh pr list --json`";
        GithubIssues = "github-issues", "GitHub `GET /repos/{o}/{r}/issues` (pull requests skipped)";
        AwsCodepipeline = "aws-codepipeline", "`aws codepipeline list-pipeline-executions`";
        AwsCloudwatchAlarms = "aws-cloudwatch-alarms",
            "`aws cloudwatch describe-alarm-history` (ALARM → OK episodes are incidents)";
        AwsCloudwatchMetricStatistics = "aws-cloudwatch-metric-statistics",
            "`aws cloudwatch get-metric-statistics` (for `--reference aws-script`)";
        AwsCodecommitCommits = "aws-codecommit-commits",
            "`aws codecommit get-commit` / `batch-get-commits` (for `--reference aws-script`)";
        PagerdutyIncidents = "pagerduty-incidents", "PagerDuty REST `GET /incidents`";
        PagerdutyAnalytics = "pagerduty-analytics", "PagerDuty `POST /analytics/raw/incidents`";
        OpsgenieIncidents = "opsgenie-incidents", "Opsgenie `GET /v1/incidents`";
        OpsgenieAlerts = "opsgenie-alerts", "Opsgenie `GET /v2/alerts`";
        JiraCsv = "jira-csv", "Jira issue navigator CSV export";
        ServicenowIncidents = "servicenow-incidents", "ServiceNow `GET /api/now/table/incident`";
        JenkinsBuilds = "jenkins-builds", "Jenkins `/job/<j>/api/json` (one build or `builds[]`)";
        DevlakeDeployments = "devlake-deployments", "Apache DevLake webhook deployment payloads";
        DevlakeIncidents = "devlake-incidents", "Apache DevLake webhook incident payloads";
        CanonicalDeploymentsCsv = "canonical-deployments-csv",
            "dorascope's canonical deployments CSV (`docs/canonical.md`)";
        CanonicalIncidentsCsv = "canonical-incidents-csv", "dorascope's canonical incidents CSV";
        CanonicalDeploymentsJson = "canonical-deployments-json",
            "dorascope's canonical deployments as JSON (Lines)";
        CanonicalIncidentsJson = "canonical-incidents-json",
            "dorascope's canonical incidents as JSON (Lines)";
    }
}

/// A commit of a merge request (from a merge-request commits export).
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct MrCommit {
    /// The merge request's number (`iid`), when the export says it (file name or key).
    pub merge_request: Option<String>,
    /// The commit id.
    pub sha: String,
    /// When it was written: `authored_date`, else `created_at` (docs/importers.md).
    pub authored_at: Instant,
    /// GitLab's `created_at` of the commit, when the export has it.
    pub created_at: Option<Instant>,
    /// Where it was read.
    pub location: Location,
}

/// A recoverable problem with one record: the record was skipped (lenient mode).
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct Problem {
    /// Where.
    pub location: Location,
    /// The field (dotted path), or empty for the whole record.
    pub field: String,
    /// What was wrong and what was expected.
    pub message: String,
}

impl std::fmt::Display for Problem {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        if self.field.is_empty() {
            write!(f, "{}: {}", self.location, self.message)
        } else {
            write!(f, "{}: {}: {}", self.location, self.field, self.message)
        }
    }
}

/// A fatal import error: one line naming file, line or record, field and expectation.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{0}")]
pub struct ImportError(pub String);

impl From<Problem> for ImportError {
    fn from(p: Problem) -> Self {
        ImportError(p.to_string())
    }
}

/// How to read files.
#[derive(Debug, Clone, Default)]
pub struct ImportOptions {
    /// The zone of naive timestamps (`--timezone`); `None` makes them an error.
    pub zone: Option<Zone>,
    /// Make recoverable problems fatal (`--strict`).
    pub strict: bool,
}

/// Everything read from one file.
#[derive(Debug, Clone, Default, serde::Serialize)]
pub struct Imported {
    /// The file as named.
    pub file: String,
    /// The detected (or forced) format.
    pub format: Option<Format>,
    /// Records seen (including skipped ones).
    pub records: u64,
    /// Records that were not relevant (e.g. issues that are not incidents, pull requests in an
    /// issues export, non-state-change alarm history items).
    pub ignored: u64,
    /// Deployments read.
    pub deployments: Vec<DeploymentRecord>,
    /// Incidents read.
    pub incidents: Vec<Incident>,
    /// Merge requests read.
    pub merge_requests: Vec<MergeRequest>,
    /// Merge-request commits read.
    pub mr_commits: Vec<MrCommit>,
    /// AWS records as written, for `--reference aws-script`.
    #[serde(skip_serializing_if = "crate::model::aws::AwsRecords::is_empty")]
    pub aws: crate::model::aws::AwsRecords,
    /// Skipped records and why.
    pub problems: Vec<Problem>,
}

/// The context a [`Reader`] works in: the current record's location, the options, and the
/// output.
pub struct Ctx<'a> {
    /// Options.
    pub options: &'a ImportOptions,
    /// The current record's location.
    pub location: Location,
    /// The output.
    pub out: &'a mut Imported,
}

impl Ctx<'_> {
    /// Records a problem with the current record: fatal with `--strict`, else counted.
    /// Readers return right after a problem, skipping the record.
    pub fn problem(&mut self, field: &str, message: impl Into<String>) -> Result<(), ImportError> {
        let p = Problem {
            location: self.location.clone(),
            field: field.to_owned(),
            message: message.into(),
        };
        if self.options.strict {
            return Err(p.into());
        }
        self.out.problems.push(p);
        Ok(())
    }

    /// Skips the current record for a bad field (fatal with `--strict`).
    pub fn skip(&mut self, e: fields::FieldError) -> Result<(), ImportError> {
        self.problem(&e.field, e.message)
    }

    /// Whether `record` is a JSON object; if not, records the problem ("expected `what`").
    pub fn expect_object(&mut self, record: &Value, what: &str) -> Result<bool, ImportError> {
        if record.is_object() {
            return Ok(true);
        }
        self.problem("", format!("expected {what}, found {}", fields::kind(record)))?;
        Ok(false)
    }

    /// A fatal problem with the current record (a file that cannot be this format at all).
    pub fn fatal(&self, field: &str, message: impl Into<String>) -> ImportError {
        Problem {
            location: self.location.clone(),
            field: field.to_owned(),
            message: message.into(),
        }
        .into()
    }

    /// The zone for naive timestamps.
    pub fn zone(&self) -> Option<&Zone> {
        self.options.zone.as_ref()
    }
}

/// A format's record reader. `record` is called once per record in file order; `finish` once
/// at the end (for formats whose records only make sense together, like alarm histories).
pub trait Reader {
    /// Reads one record.
    fn record(&mut self, record: Value, ctx: &mut Ctx<'_>) -> Result<(), ImportError>;
    /// Called after the last record.
    fn finish(&mut self, _ctx: &mut Ctx<'_>) -> Result<(), ImportError> {
        Ok(())
    }
}

/// Detects the format of a JSON document from its shape. `first` is its first record.
pub fn sniff_json(doc: &Value, first: Option<&Value>) -> Option<Format> {
    gitlab::sniff(doc, first)
        .or_else(|| gitlab_commit(first))
        .or_else(|| github::sniff(doc, first))
        .or_else(|| aws::sniff(doc, first))
        .or_else(|| incident_tools::sniff(doc, first))
        .or_else(|| jenkins::sniff(doc, first))
        .or_else(|| devlake::sniff(doc, first))
        .or_else(|| canonical::sniff_json(doc, first))
}

/// A GitLab commit that `gitlab::sniff` leaves (it has no `authored_date`): `id` and
/// `short_id` with one of GitLab's commit times. Its `id` and `created_at` would otherwise
/// make it canonical incidents, one "still open" incident per commit.
fn gitlab_commit(first: Option<&Value>) -> Option<Format> {
    let times = ["created_at", "committed_date", "authored_date"];
    (fields::has_keys(first, &["id", "short_id"]) && times.iter().any(|t| fields::has_keys(first, &[t])))
        .then_some(Format::GitlabMergeRequestCommits)
}

/// The reader for a JSON format; `envelope` is the wrapper object around the records, if any.
pub fn json_reader(format: Format, envelope: Option<&Value>) -> Box<dyn Reader> {
    use Format::*;
    match format {
        GitlabDeployments | GitlabMergeRequests | GitlabMergeRequestCommits | GitlabIssues => {
            gitlab::reader(format, envelope)
        }
        GithubDeployments | GithubDeploymentStatuses | GithubActionsRuns | GithubPulls | GithubIssues => {
            github::reader(format, envelope)
        }
        AwsCodepipeline | AwsCloudwatchAlarms | AwsCloudwatchMetricStatistics | AwsCodecommitCommits => {
            aws::reader(format, envelope)
        }
        PagerdutyIncidents | PagerdutyAnalytics | OpsgenieIncidents | OpsgenieAlerts
        | ServicenowIncidents | JiraCsv => incident_tools::reader(format, envelope),
        JenkinsBuilds => jenkins::reader(format, envelope),
        DevlakeDeployments | DevlakeIncidents => devlake::reader(format, envelope),
        CanonicalDeploymentsCsv
        | CanonicalIncidentsCsv
        | CanonicalDeploymentsJson
        | CanonicalIncidentsJson => canonical::reader(format),
    }
}

/// Reads one export file.
pub fn import_file(
    path: &Path,
    forced: Option<Format>,
    options: &ImportOptions,
) -> Result<Imported, ImportError> {
    let file: Arc<str> = path.display().to_string().into();
    let mut out = Imported {
        file: file.to_string(),
        ..Default::default()
    };
    envelope::read_file(path, file, forced, options, &mut out)?;
    Ok(out)
}

/// Reads an export held in memory; `name` stands for the file name in messages.
pub fn import_bytes(
    name: &str,
    bytes: &[u8],
    forced: Option<Format>,
    options: &ImportOptions,
) -> Result<Imported, ImportError> {
    let file: Arc<str> = name.into();
    let mut out = Imported {
        file: file.to_string(),
        ..Default::default()
    };
    envelope::read_stream(bytes, file, forced, options, &mut out)?;
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;
    use clap::ValueEnum;

    /// Every example export file and the format it is, `None` for files that are not imported.
    const EXAMPLES: &[(&str, Option<Format>)] = &[
        (
            "aws-cloudwatch-describe-alarm-history.json",
            Some(Format::AwsCloudwatchAlarms),
        ),
        (
            "aws-cloudwatch-get-metric-statistics.json",
            Some(Format::AwsCloudwatchMetricStatistics),
        ),
        (
            "aws-codecommit-get-commit.json",
            Some(Format::AwsCodecommitCommits),
        ),
        (
            "aws-codepipeline-list-pipeline-executions.json",
            Some(Format::AwsCodepipeline),
        ),
        (
            "devlake-webhook-deployment.json",
            Some(Format::DevlakeDeployments),
        ),
        ("devlake-webhook-incident.json", Some(Format::DevlakeIncidents)),
        (
            "github-actions-workflow-runs.json",
            Some(Format::GithubActionsRuns),
        ),
        (
            "github-deployment-statuses.json",
            Some(Format::GithubDeploymentStatuses),
        ),
        ("github-deployments.json", Some(Format::GithubDeployments)),
        ("github-issue.json", Some(Format::GithubIssues)),
        ("github-pulls.json", Some(Format::GithubPulls)),
        ("gitlab-deployments.json", Some(Format::GitlabDeployments)),
        ("gitlab-dora-metrics.json", None),
        ("gitlab-issues.json", Some(Format::GitlabIssues)),
        (
            "gitlab-merge-request-commits.json",
            Some(Format::GitlabMergeRequestCommits),
        ),
        ("gitlab-merge-requests.json", Some(Format::GitlabMergeRequests)),
        ("jenkins-build.json", Some(Format::JenkinsBuilds)),
        ("jenkins-job-builds-tree.json", Some(Format::JenkinsBuilds)),
        ("opsgenie-alert.json", Some(Format::OpsgenieAlerts)),
        ("opsgenie-incidents.json", Some(Format::OpsgenieIncidents)),
        (
            "pagerduty-analytics-raw-incidents.json",
            Some(Format::PagerdutyAnalytics),
        ),
        ("pagerduty-incidents.json", Some(Format::PagerdutyIncidents)),
        ("servicenow-incident.json", Some(Format::ServicenowIncidents)),
    ];

    type Sniff = fn(&Value, Option<&Value>) -> Option<Format>;

    /// Detection as `envelope::read_json` does it: the envelope, then the first record alone.
    fn detect(sniff: Sniff, file: &str) -> Option<Format> {
        let path = testutil::example_path(file).display().to_string();
        let text = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{path}: {e}"));
        let doc: Value = serde_json::from_str(&text).unwrap_or_else(|e| panic!("{path}: {e}"));
        let (envelope, items) = envelope::split(doc);
        let first = items.first();
        sniff(envelope.as_ref().unwrap_or(&Value::Null), first)
            .or_else(|| first.and_then(|r| sniff(r, Some(r))))
    }

    #[test]
    fn every_example_file_is_covered_by_this_table() {
        let dir = testutil::example_path("");
        let mut on_disk: Vec<String> = std::fs::read_dir(&dir)
            .expect("tests/fixtures/formats")
            .map(|e| e.expect("entry").file_name().to_string_lossy().into_owned())
            .filter(|n| n.ends_with(".json"))
            .collect();
        on_disk.sort();
        let listed: Vec<&str> = EXAMPLES.iter().map(|(f, _)| *f).collect();
        assert_eq!(on_disk, listed);
    }

    #[test]
    fn each_module_claims_exactly_its_own_examples() {
        let modules: [(&str, Sniff, &[Format]); 6] = [
            (
                "gitlab",
                gitlab::sniff,
                &[
                    Format::GitlabDeployments,
                    Format::GitlabMergeRequests,
                    Format::GitlabMergeRequestCommits,
                    Format::GitlabIssues,
                ],
            ),
            (
                "github",
                github::sniff,
                &[
                    Format::GithubDeployments,
                    Format::GithubDeploymentStatuses,
                    Format::GithubActionsRuns,
                    Format::GithubPulls,
                    Format::GithubIssues,
                ],
            ),
            (
                "aws",
                aws::sniff,
                &[
                    Format::AwsCodepipeline,
                    Format::AwsCloudwatchAlarms,
                    Format::AwsCloudwatchMetricStatistics,
                    Format::AwsCodecommitCommits,
                ],
            ),
            (
                "incident_tools",
                incident_tools::sniff,
                &[
                    Format::PagerdutyIncidents,
                    Format::PagerdutyAnalytics,
                    Format::OpsgenieIncidents,
                    Format::OpsgenieAlerts,
                    Format::ServicenowIncidents,
                ],
            ),
            ("jenkins", jenkins::sniff, &[Format::JenkinsBuilds]),
            (
                "devlake",
                devlake::sniff,
                &[Format::DevlakeDeployments, Format::DevlakeIncidents],
            ),
        ];
        for (module, sniff, own) in modules {
            for (file, want) in EXAMPLES {
                let expected = want.filter(|f| own.contains(f));
                assert_eq!(detect(sniff, file), expected, "{module} on {file}");
            }
        }
    }

    #[test]
    fn the_detection_chain_names_every_example() {
        for (file, want) in EXAMPLES {
            assert_eq!(detect(sniff_json, file), *want, "{file}");
        }
    }

    /// GitLab's merge-request commits as documented (`id`, `short_id`, `created_at`, `title`,
    /// `message`, `author_*`, `authored_date`, `committer_*`, `committed_date`, `trailers`,
    /// `web_url`), as saved in `merge_request_commits/1.json`; `without` drops keys.
    fn mr_commits_file(without: &[&str]) -> Vec<u8> {
        let path = testutil::example_path("gitlab-merge-request-commits.json");
        let mut doc: Value = serde_json::from_slice(&std::fs::read(&path).unwrap()).unwrap();
        for c in doc.as_array_mut().unwrap() {
            for k in without {
                c.as_object_mut().unwrap().remove(*k);
            }
        }
        serde_json::to_vec(&doc).unwrap()
    }

    #[test]
    fn gitlab_merge_request_commits_are_never_canonical_incidents() {
        let name = "merge_request_commits/1.json";
        let opts = ImportOptions::default();
        for without in [&[][..], &["authored_date"], &["authored_date", "committed_date"]] {
            let read = import_bytes(name, &mr_commits_file(without), None, &opts).unwrap();
            assert_eq!(
                read.format,
                Some(Format::GitlabMergeRequestCommits),
                "without {without:?}"
            );
            assert!(
                read.incidents.is_empty(),
                "without {without:?}: {:?}",
                read.incidents
            );
            assert_eq!(read.records, 2);
        }
        let full = import_bytes(name, &mr_commits_file(&[]), None, &opts).unwrap();
        assert_eq!(full.mr_commits.len(), 2);
        // The canonical sniffer alone no longer takes a commit's `id` and `created_at` for
        // an incident's; a real canonical incident still is one.
        let commit: Value = serde_json::from_slice::<Value>(&mr_commits_file(&["authored_date", "short_id"]))
            .unwrap()[0]
            .clone();
        assert_eq!(canonical::sniff_json(&commit, Some(&commit)), None);
        let incident = serde_json::json!({"id": "INC-1", "created_at": "2024-05-01T00:00:00Z"});
        assert_eq!(
            canonical::sniff_json(&incident, Some(&incident)),
            Some(Format::CanonicalIncidentsJson)
        );
    }

    #[test]
    fn names_match_the_command_line() {
        for f in Format::value_variants() {
            assert_eq!(
                f.to_possible_value().map(|v| v.get_name().to_owned()).as_deref(),
                Some(f.name())
            );
        }
    }
}
