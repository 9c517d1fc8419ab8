//! The normalized records that cross module boundaries. They carry no gix or polars types:
//! the git module produces them, the report module writes them.

pub mod aws;
mod choice;
mod lead;
pub mod line;
mod methods;
mod metric;

use std::sync::Arc;

pub use choice::Choice;
pub(crate) use choice::choice;
pub use lead::{Excluded, LeadRule, Shipped};
pub use methods::{FailureMethod, GroupBy, LeadTimeMethod, ReferenceMethod, RestoreMethod};
pub use metric::Metric;

use serde::Serialize;

/// A commit id: 20 bytes, written as 40 lowercase hex digits. Kept as bytes so that a
/// million changes do not mean a million small string allocations.
#[derive(Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Sha(pub [u8; 20]);

impl Sha {
    /// The 40 lower-case hex digits, without allocating.
    pub fn hex(&self) -> [u8; 40] {
        const DIGITS: &[u8; 16] = b"0123456789abcdef";
        let mut out = [0u8; 40];
        for (pair, b) in out.chunks_exact_mut(2).zip(self.0) {
            pair[0] = DIGITS[usize::from(b >> 4)];
            pair[1] = DIGITS[usize::from(b & 0xf)];
        }
        out
    }
}

impl std::fmt::Display for Sha {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let hex = self.hex();
        // Hex digits are ASCII.
        f.write_str(std::str::from_utf8(&hex).map_err(|_| std::fmt::Error)?)
    }
}

impl std::fmt::Debug for Sha {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{self}")
    }
}

impl PartialEq<str> for Sha {
    fn eq(&self, other: &str) -> bool {
        other.len() == 40
            && self.0.iter().zip(other.as_bytes().chunks(2)).all(|(b, hex)| {
                std::str::from_utf8(hex)
                    .ok()
                    .and_then(|h| u8::from_str_radix(h, 16).ok())
                    == Some(*b)
            })
    }
}

impl std::str::FromStr for Sha {
    type Err = String;

    /// 40 hex digits, either case.
    fn from_str(text: &str) -> Result<Sha, String> {
        let bad = || format!("'{text}' is not a full commit id (40 hex digits)");
        if text.len() != 40 {
            return Err(bad());
        }
        let mut bytes = [0u8; 20];
        for (b, hex) in bytes.iter_mut().zip(text.as_bytes().chunks(2)) {
            let h = std::str::from_utf8(hex).map_err(|_| bad())?;
            *b = u8::from_str_radix(h, 16).map_err(|_| bad())?;
        }
        Ok(Sha(bytes))
    }
}

impl PartialEq<String> for Sha {
    fn eq(&self, other: &String) -> bool {
        self == other.as_str()
    }
}

impl Serialize for Sha {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_str(self)
    }
}

crate::model::choice! {
    /// Which commit timestamp counts as a change's time (`--commit-time`).
    #[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
    pub enum CommitTime {
        #[default]
        Author = "author", "When the change was written (git's author date); the DORA default";
        Committer = "committer",
            "When the commit was last rewritten (git's committer date: rebases, cherry-picks)";
    }
}

impl CommitTime {
    /// The chosen one of a commit's author and committer times.
    pub fn pick(self, author: i64, committer: i64) -> i64 {
        match self {
            CommitTime::Author => author,
            CommitTime::Committer => committer,
        }
    }
}

/// Where a deployment record came from and how its time was taken.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum DeploymentKind {
    /// An annotated tag: the tagger time.
    Annotated,
    /// A lightweight tag: the tagged commit's committer time.
    Lightweight,
    /// A record from a deployment export: its finish time.
    Export,
}

impl DeploymentKind {
    /// The stable name written in tables.
    pub fn as_str(self) -> &'static str {
        match self {
            DeploymentKind::Annotated => "annotated",
            DeploymentKind::Lightweight => "lightweight",
            DeploymentKind::Export => "export",
        }
    }
}

/// One commit of the analysed history with its first deployment, if any.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Change {
    /// Repository label (the `repo` column), shared by all its rows.
    pub repo: Arc<str>,
    /// Full commit id.
    pub sha: Sha,
    /// Author time, seconds since the Unix epoch.
    pub author_time: i64,
    /// Committer time, seconds since the Unix epoch.
    pub commit_time: i64,
    /// More than one parent.
    pub is_merge: bool,
    /// Name of the deployment that first shipped it; `None` while undeployed.
    pub deployment: Option<Arc<str>>,
    /// Time of that deployment.
    pub deployed_at: Option<i64>,
    /// Deployment time minus the change time chosen by `--commit-time`; negative on clock skew.
    /// `None` while undeployed, and for a copy of another commit of the history (a
    /// cherry-pick): its change, and lead time, is the original's.
    pub lead_time_seconds: Option<i64>,
    /// Shipped by the first deployment in the data, so its lead time mostly measures how old
    /// the history is rather than the delivery process.
    pub backlog: bool,
    /// The services (`--service`) one of its paths belongs to, sorted; empty when none are
    /// defined or none matches.
    pub services: Vec<Arc<str>>,
    /// The teams (`--codeowners`) owning one of its paths, sorted.
    pub teams: Vec<Arc<str>>,
    /// False when it touches at least one path and every path it touches is ignored
    /// (`--ignore-paths`): it then leaves lead time.
    pub meaningful: bool,
    /// The copy of this commit (a cherry-pick onto a release branch) whose deployment shipped
    /// this change first, earlier than this commit's own: `deployment`, `deployed_at` and the
    /// lead time are then that copy's. `None` when the change shipped itself.
    pub shipped_via: Option<Sha>,
}

/// One production deployment.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Deployment {
    /// Repository label.
    pub repo: String,
    /// Deployment name: the tag name.
    pub name: String,
    /// The deployed commit.
    pub sha: String,
    /// Where the record came from (`tag`).
    pub source: String,
    /// Environment name (`production` for tags).
    pub environment: String,
    /// Deployment time, seconds since the Unix epoch.
    pub deployed_at: i64,
    /// Tag kind, which says where the time came from.
    pub kind: DeploymentKind,
    /// Number of changes this deployment shipped first (merges only with `--include-merges`);
    /// `None` when there is no repository to count them in.
    pub changes: Option<u64>,
    /// Median lead time over the changes that count for statistics.
    pub lead_time_median_seconds: Option<i64>,
    /// Longest lead time over the changes that count for statistics.
    pub lead_time_max_seconds: Option<i64>,
    /// The deployment before this one in time order (whatever the reporting range).
    pub previous_deployment: Option<String>,
    /// It re-deploys a commit an earlier deployment of its own release line already shipped
    /// (`line`): a rollback or a redeploy. It ships nothing new.
    pub rollback: bool,
    /// Its commit was already shipped, but only by other release lines: a maintenance
    /// release of an older line. It ships nothing new and, unlike a rollback, fails nothing.
    pub maintenance: bool,
    /// Its release line: the tag's version cut at `--release-line-depth` (`2.40`), `unversioned` for
    /// a tag without a version, or `service/environment` (the environment alone) for an export.
    pub line: String,
    /// Whether the deployment failed; `None` until a failure method has data to decide.
    pub failed: Option<bool>,
    /// Service or application, when the export names one (tags name none).
    pub service: Option<String>,
    /// The services it belongs to, sorted: the one its export names, else those of the
    /// meaningful changes it shipped first.
    pub services: Vec<Arc<str>>,
    /// The teams owning the meaningful changes it shipped first, sorted.
    pub teams: Vec<Arc<str>>,
    /// False when it shipped changes and none of them is meaningful (`--ignore-paths`): it
    /// then leaves deployment frequency and the failure-rate denominators.
    pub meaningful: bool,
    /// What it shipped first, from the attribution; `None` without a repository. Not a
    /// column: the engine turns it into `changes` and the lead-time columns
    /// (`metrics::lead::deployment_columns`).
    #[serde(skip)]
    pub shipped: Option<Vec<Shipped>>,
}

/// A revert commit (`git revert`) and the deployments that shipped it and the reverted change.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Revert {
    /// Repository label.
    pub repo: String,
    /// The revert commit.
    pub sha: Sha,
    /// The commit it reverts.
    pub reverted: Sha,
    /// The deployment that first shipped the revert; `None` while undeployed.
    pub deployment: Option<String>,
    /// The deployment that first shipped the reverted commit; `None` if it was never
    /// deployed or is not in the history.
    pub reverted_deployment: Option<String>,
}

/// Who owns the files at a repository's HEAD, by its CODEOWNERS file (`--codeowners`).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct Ownership {
    /// Where the CODEOWNERS file was read (`HEAD:.github/CODEOWNERS` or a path on disk).
    pub file: String,
    /// Files at HEAD.
    pub files: u64,
    /// Of them, owned by at least one team: their changes belong to those teams.
    pub team_owned: u64,
    /// Owned by individuals only: their changes belong to no team.
    pub individual_only: u64,
    /// Matched by no line, or by a line without owners.
    pub unowned: u64,
    /// Lines of the file that were skipped, with why.
    pub warnings: Vec<String>,
}

/// What happened while reading one repository that makes its numbers partial or doubtful.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct RepoQuality {
    /// Repository label.
    pub repo: String,
    /// The commit HEAD pointed at when the history was read (provenance).
    pub head: Option<String>,
    /// The repository is a shallow clone: history stops at its boundary.
    pub shallow: bool,
    /// Commits referenced as parents but absent from the object database (not shallow).
    pub missing_commits: u64,
    /// Tags matching the glob that were skipped, with the reason.
    pub skipped_tags: Vec<String>,
    /// Changes with a negative lead time (clock skew), excluded from statistics.
    pub negative_lead_times: u64,
    /// Changes shipped by the first deployment (backlog).
    pub backlog_changes: u64,
    /// Changes reachable from HEAD that no deployment has shipped yet.
    pub undeployed_changes: u64,
    /// Export deployments whose commit is not in this repository, with the reason.
    pub unresolved_deployments: Vec<String>,
    /// Whether a commit-graph file was used to read the history.
    pub used_commit_graph: bool,
    /// Team ownership from CODEOWNERS, when teams were asked for.
    pub ownership: Option<Ownership>,
    /// Commits read.
    pub commits: u64,
}

pub use crate::time::Instant;

/// Where a record was read, for messages: `file:line` or `file: record N`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Location {
    /// The file as the user named it.
    pub file: Arc<str>,
    /// 1-based line, where the format has lines (CSV, JSON Lines).
    pub line: Option<u64>,
    /// 1-based record number within the file.
    pub record: u64,
}

impl std::fmt::Display for Location {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self.line {
            Some(line) => write!(f, "{}:{line}", self.file),
            None => write!(f, "{}: record {}", self.file, self.record),
        }
    }
}

/// How an export names the deployed commit.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(tag = "by", content = "value", rename_all = "lowercase")]
pub enum CommitRef {
    /// A full or abbreviated commit id.
    Sha(String),
    /// A tag or branch name (resolved in the repository).
    Ref(String),
}

/// The outcome a CI/CD tool reported for a deployment.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum DeployStatus {
    /// Finished successfully.
    Success,
    /// Finished and failed (error, failure).
    Failed,
    /// Stopped before finishing (cancelled, aborted, superseded).
    Cancelled,
    /// Not finished yet (queued, running, pending).
    Running,
}

/// A deployment read from an export, before it is mapped to a commit.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct DeploymentRecord {
    /// The tool's id for the deployment (or run, execution, build).
    pub id: String,
    /// The format it came from (`gitlab-deployments`, `canonical-csv`, ...).
    pub source: &'static str,
    /// The deployed commit, if the export names one.
    pub commit: Option<CommitRef>,
    /// Environment name as the export gives it.
    pub environment: Option<String>,
    /// Outcome.
    pub status: DeployStatus,
    /// When it started, if known.
    pub started_at: Option<Instant>,
    /// When it finished (the deployment time); `None` only while running.
    pub finished_at: Option<Instant>,
    /// Service or application name, if given.
    pub service: Option<String>,
    /// When the tool created the record (GitLab, GitHub), if the export says; kept for the
    /// reference computations, which window and attribute by it.
    pub created_at: Option<Instant>,
    /// When the tool last changed the record, if the export says (the scripts' window).
    pub updated_at: Option<Instant>,
    /// Where it was read.
    pub location: Location,
}

/// An incident (or an alarm episode) read from an export.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Incident {
    /// The tool's id.
    pub id: String,
    /// The format it came from.
    pub source: &'static str,
    /// Title or summary, if any (text from the export: escape before display).
    pub title: Option<String>,
    /// When it started (was opened, triggered, detected).
    pub started_at: Instant,
    /// When it was resolved; `None` while open.
    pub resolved_at: Option<Instant>,
    /// Severity or priority as the tool names it.
    pub severity: Option<String>,
    /// Service, if given.
    pub service: Option<String>,
    /// A deployment the export links it to: a deployment id, a sha or a tag.
    pub deployment: Option<String>,
    /// Labels as the tool names them (GitLab issues), for the reference computations.
    pub labels: Vec<String>,
    /// Where it was read.
    pub location: Location,
}

/// A merge request (pull request) read from an export.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct MergeRequest {
    /// The number users see (`iid` on GitLab, `number` on GitHub).
    pub id: String,
    /// The format it came from.
    pub source: &'static str,
    /// Opened.
    pub created_at: Instant,
    /// Merged; `None` unless the source says it was merged.
    pub merged_at: Option<Instant>,
    /// The commit that landed on the target branch, when merged (merge, squash or head).
    pub merge_sha: Option<String>,
    /// The head commit of the source branch.
    pub head_sha: Option<String>,
    /// Target branch.
    pub target_branch: Option<String>,
    /// Time of the oldest commit, when a commits export is given.
    pub first_commit_at: Option<Instant>,
    /// When the tool last changed the merge request, if the export says (the scripts' window).
    pub updated_at: Option<Instant>,
    /// GitLab's `created_at` of each commit, in the order the commits export lists them (the
    /// API's order, newest first); empty without a commits export. The scripts' start.
    pub commit_created_at: Vec<Option<Instant>>,
    /// Where it was read.
    pub location: Location,
}

#[cfg(test)]
mod sha_tests {
    use super::Sha;

    #[test]
    fn sha_text_is_lower_case_hex_and_parses_back() {
        let mut x: u8 = 7;
        for _ in 0..200 {
            let mut bytes = [0u8; 20];
            for b in &mut bytes {
                x = x.wrapping_mul(31).wrapping_add(17);
                *b = x;
            }
            let sha = Sha(bytes);
            let want: String = bytes.iter().map(|b| format!("{b:02x}")).collect();
            assert_eq!(sha.to_string(), want);
            assert_eq!(want.parse::<Sha>(), Ok(sha));
            assert_eq!(want.to_uppercase().parse::<Sha>(), Ok(sha));
        }
    }
}
