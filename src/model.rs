//! The normalized records that cross module boundaries. They carry no gix or polars types:
//! the git module produces them, the report module writes them.

use std::sync::Arc;

use serde::Serialize;

/// A commit id: 20 bytes, written as 40 lowercase hex digits. Kept as bytes so that a
/// million changes do not mean a million small string allocations.
#[derive(Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Sha(pub [u8; 20]);

impl std::fmt::Display for Sha {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        for b in self.0 {
            write!(f, "{b:02x}")?;
        }
        Ok(())
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

/// Which commit timestamp counts as a change's time (`--commit-time`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, clap::ValueEnum)]
#[serde(rename_all = "lowercase")]
pub enum CommitTime {
    /// When the change was written (git's author date); the DORA default.
    #[default]
    Author,
    /// When the commit was last rewritten (git's committer date: rebases, cherry-picks).
    Committer,
}

/// Where a deployment record came from and how its time was taken.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum DeploymentKind {
    /// An annotated tag: the tagger time.
    Annotated,
    /// A lightweight tag: the tagged commit's committer time.
    Lightweight,
}

impl DeploymentKind {
    /// The stable name written in tables.
    pub fn as_str(self) -> &'static str {
        match self {
            DeploymentKind::Annotated => "annotated",
            DeploymentKind::Lightweight => "lightweight",
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
    pub lead_time_seconds: Option<i64>,
    /// Shipped by the first deployment in the data, so its lead time mostly measures how old
    /// the history is rather than the delivery process.
    pub backlog: bool,
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
    /// Number of changes this deployment shipped first (merges only with `--include-merges`).
    pub changes: u64,
    /// Median lead time over the changes that count for statistics.
    pub lead_time_median_seconds: Option<i64>,
    /// Longest lead time over the changes that count for statistics.
    pub lead_time_max_seconds: Option<i64>,
    /// The deployment before this one in time order (whatever the reporting range).
    pub previous_deployment: Option<String>,
    /// The deployed commit had already been shipped: a rollback or a redeploy.
    pub rollback: bool,
    /// Whether the deployment failed; `None` until a failure method has data to decide.
    pub failed: Option<bool>,
}

/// What happened while reading one repository that makes its numbers partial or doubtful.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct RepoQuality {
    /// Repository label.
    pub repo: String,
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
    /// Whether a commit-graph file was used to read the history.
    pub used_commit_graph: bool,
    /// Commits read.
    pub commits: u64,
}
