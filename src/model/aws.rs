//! AWS export records as written, for `--reference aws-script` (docs/metrics.md, "aws-script"):
//! the fields the seed's `AWSDORAMetrics` script read, before dorascope's own reading turns
//! them into deployments and incidents. Kept in file order, one list per file.

use chrono::NaiveDateTime;
use serde::Serialize;

use super::{Instant, Location};

/// How a `lastUpdateTime` was written, which decides the wall clock boto3 gave the script.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub enum WallClock {
    /// Text with an offset (CLI v2, `str(datetime)`): its own wall clock.
    Zoned,
    /// Text without a zone, read in `--timezone`.
    Naive,
    /// Epoch seconds (CLI v1, wire): boto3 gives them in the script machine's local zone;
    /// read in `--timezone`, UTC without one.
    Epoch,
}

/// One `pipelineExecutionSummaries[]` item of `aws codepipeline list-pipeline-executions`.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct AwsExecution {
    /// `status`, as written (`None` when missing or not text).
    pub status: Option<String>,
    /// Whether `sourceRevisions` is a non-empty list.
    pub has_revisions: bool,
    /// `sourceRevisions[0].revisionId`, as written; `None` when missing or empty.
    pub revision: Option<String>,
    /// `lastUpdateTime` as a wall clock with its zone dropped; `None` when missing or unreadable.
    pub last_update: Option<NaiveDateTime>,
    /// How `last_update` was written.
    pub wall_clock: WallClock,
    /// `lastUpdateTime` as an instant (to say how far dropping the zone moved a lead time).
    pub last_update_at: Option<Instant>,
    /// Where it was read.
    pub location: Location,
}

/// One `AlarmHistoryItems[]` item of `aws cloudwatch describe-alarm-history`.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct AwsAlarmItem {
    /// `AlarmName`.
    pub alarm: Option<String>,
    /// `HistoryItemType`.
    pub item_type: Option<String>,
    /// `Timestamp`; `None` when missing or unreadable.
    pub at: Option<Instant>,
    /// `HistoryData`, the text as written (`""` when missing, as `item.get('HistoryData', '')`).
    pub history_data: String,
    /// Where it was read.
    pub location: Location,
}

/// One `aws cloudwatch get-metric-statistics` output.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct AwsMetricStatistics {
    /// `Label`: the metric name (`DeploymentCount`, `DeploymentFailure`).
    pub label: String,
    /// `Datapoints[]` in file order: `Timestamp` and `Sum` (`None` when the export asked for
    /// other statistics).
    pub datapoints: Vec<(Instant, Option<f64>)>,
    /// Where it was read.
    pub location: Location,
}

/// One commit of `aws codecommit get-commit` (or `batch-get-commits`).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct AwsCommit {
    /// `commitId`.
    pub commit_id: String,
    /// `committer.date` as written (`1484167798 -0800` from CodeCommit); `None` when missing.
    pub committer_date: Option<String>,
    /// Where it was read.
    pub location: Location,
}

/// Every AWS record the reference reads.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct AwsRecords {
    /// Pipeline executions, in file order.
    pub executions: Vec<AwsExecution>,
    /// Alarm history items, in file order.
    pub alarm_items: Vec<AwsAlarmItem>,
    /// Metric statistics outputs.
    pub metrics: Vec<AwsMetricStatistics>,
    /// CodeCommit commits.
    pub commits: Vec<AwsCommit>,
}

impl AwsRecords {
    /// No records at all (none to serialise).
    pub fn is_empty(&self) -> bool {
        self.executions.is_empty()
            && self.alarm_items.is_empty()
            && self.metrics.is_empty()
            && self.commits.is_empty()
    }

    /// Moves `other`'s records to the end of these.
    pub fn append(&mut self, other: &mut AwsRecords) {
        self.executions.append(&mut other.executions);
        self.alarm_items.append(&mut other.alarm_items);
        self.metrics.append(&mut other.metrics);
        self.commits.append(&mut other.commits);
    }
}
