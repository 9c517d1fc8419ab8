//! AWS exports (docs/importers.md): CodePipeline executions as deployments, CloudWatch alarm
//! history as incidents.
//!
//! * `aws codepipeline list-pipeline-executions` ([`Format::AwsCodepipeline`]): one
//!   [`DeploymentRecord`] per execution summary. The timestamps take whatever shape the export
//!   path gave them: epoch floats (CLI v1, or v2 with `cli_timestamp_format = wire`), parsed
//!   exactly from their decimal digits; ISO text in the exporting machine's local offset (CLI
//!   v2 default); or Python `str(datetime)` with a space separator (boto3 with
//!   `json.dumps(default=str)`). All of them name an instant, so no `--timezone` is needed.
//! * `aws cloudwatch describe-alarm-history` ([`Format::AwsCloudwatchAlarms`]): the
//!   `StateUpdate` items of each alarm are replayed oldest first; every episode in the `ALARM`
//!   state becomes an [`Incident`]. Items come newest first, so episodes are only built in
//!   [`Reader::finish`].
//! * `aws cloudwatch get-metric-statistics` ([`Format::AwsCloudwatchMetricStatistics`],
//!   `metric_statistics.rs`) and `aws codecommit get-commit` ([`Format::AwsCodecommitCommits`],
//!   `codecommit.rs`): read only for `--reference aws-script`.
//!
//! Beside their records, the CodePipeline and CloudWatch readers keep every item as written
//! ([`crate::model::aws::AwsRecords`]) for `--reference aws-script`, which needs what the
//! records drop: the raw status, the first source revision, the wall clock of
//! `lastUpdateTime`, the `HistoryData` text, and the file order.

use std::collections::BTreeMap;

use chrono::SecondsFormat;
use serde_json::Value;

use super::fields::{self, FieldError};
use super::{Ctx, Format, ImportError, Reader};
use crate::model::aws::{AwsAlarmItem, AwsExecution, WallClock};
use crate::model::{CommitRef, DeployStatus, DeploymentRecord, Incident, Instant, Location};

mod codecommit;
mod metric_statistics;

/// Detects this module's formats from the first record: CodePipeline execution summaries have
/// `pipelineExecutionId` and `status`, CloudWatch alarm history items `AlarmName` and
/// `HistoryItemType`. The envelope (`nextToken`, `NextToken`) says nothing specific. A
/// get-metric-statistics output is one object with `Label` and `Datapoints`; a get-commit output
/// one object with `commit.commitId`, a batch-get-commits output `commits` and `errors`.
pub fn sniff(_doc: &Value, first: Option<&Value>) -> Option<Format> {
    if fields::has_keys(first, &["pipelineExecutionId", "status"]) {
        Some(Format::AwsCodepipeline)
    } else if fields::has_keys(first, &["AlarmName", "HistoryItemType"]) {
        Some(Format::AwsCloudwatchAlarms)
    } else if fields::has_keys(first, &["Label", "Datapoints"]) {
        Some(Format::AwsCloudwatchMetricStatistics)
    } else if first.is_some_and(|f| f.get("commit").is_some_and(|c| c.get("commitId").is_some()))
        || fields::has_keys(first, &["commits", "errors"])
    {
        Some(Format::AwsCodecommitCommits)
    } else {
        None
    }
}

/// The reader for one of this module's formats. The envelope carries nothing the records need
/// (`list-pipeline-executions` does not repeat the pipeline name).
pub fn reader(format: Format, _envelope: Option<&Value>) -> Box<dyn Reader> {
    match format {
        Format::AwsCloudwatchAlarms => Box::new(AlarmHistory {
            transitions: Vec::new(),
        }),
        Format::AwsCloudwatchMetricStatistics => Box::new(metric_statistics::MetricStatistics),
        Format::AwsCodecommitCommits => Box::new(codecommit::CodeCommit),
        // Only the two AWS formats are dispatched here; any other is read as CodePipeline,
        // whose reader reports every record it cannot read as a problem.
        other => Box::new(CodePipeline { format: other }),
    }
}

/// Reads `pipelineExecutionSummaries[]` items.
///
/// * `id` = `pipelineExecutionId`.
/// * `status`: `Succeeded` → success, `Failed` → failed, `Cancelled`, `Stopped`, `Stopping`
///   and `Superseded` → cancelled, `InProgress` → running. Any other word is a problem.
/// * `started_at` = `startTime`; `finished_at` = `lastUpdateTime`, except while `InProgress`
///   (then `None`: the execution has not finished, its last update is not a deployment time).
/// * `commit`: the first `sourceRevisions[].revisionId` that looks like a commit id. A
///   pipeline whose first source action is S3 or ECR has an object version or image digest
///   there, which is skipped in favour of a later git source; with no git source the commit
///   is `None`.
///
/// Not yet represented: rollbacks. An execution with `executionType: ROLLBACK`, or triggered
/// by `ManualRollback` / `AutomatedRollback`, is imported like any other execution;
/// [`DeploymentRecord`] has no field to mark it, and the rollback target
/// (`rollbackMetadata.rollbackTargetPipelineExecutionId`) is not kept either.
struct CodePipeline {
    format: Format,
}

fn pipeline_status(word: &str) -> Option<DeployStatus> {
    Some(match word {
        "Succeeded" => DeployStatus::Success,
        "Failed" => DeployStatus::Failed,
        "Cancelled" | "Stopped" | "Stopping" | "Superseded" => DeployStatus::Cancelled,
        "InProgress" => DeployStatus::Running,
        _ => return None,
    })
}

impl CodePipeline {
    fn execution(&self, r: &Value, ctx: &Ctx<'_>) -> Result<DeploymentRecord, FieldError> {
        let id = fields::req_text(r, "pipelineExecutionId")?;
        let word = fields::req_text(r, "status")?;
        let status = pipeline_status(&word).ok_or_else(|| {
            FieldError::new(
                "status",
                format!(
                    "'{word}' is not a CodePipeline execution status (expected Succeeded, Failed, Cancelled, Stopped, Stopping, Superseded or InProgress)"
                ),
            )
        })?;
        let started_at = fields::time(r, "startTime", ctx.zone())?;
        let finished_at = match status {
            DeployStatus::Running => None,
            _ => Some(fields::req_time(r, "lastUpdateTime", ctx.zone())?),
        };
        if let (Some(s), Some(f)) = (started_at, finished_at)
            && f < s
        {
            return Err(FieldError::new(
                "lastUpdateTime",
                "is before startTime (negative duration)",
            ));
        }
        let commit = r
            .get("sourceRevisions")
            .and_then(Value::as_array)
            .into_iter()
            .flatten()
            .filter_map(|rev| fields::text(rev, "revisionId"))
            .find(|rev| fields::is_sha(rev))
            .map(|sha| CommitRef::Sha(sha.to_ascii_lowercase()));
        Ok(DeploymentRecord {
            created_at: None,
            updated_at: None,
            id,
            source: self.format.name(),
            commit,
            environment: None,
            status,
            started_at,
            finished_at,
            service: None,
            location: ctx.location.clone(),
        })
    }
}

impl Reader for CodePipeline {
    fn record(&mut self, record: Value, ctx: &mut Ctx<'_>) -> Result<(), ImportError> {
        if !ctx.expect_object(&record, "an execution summary object")? {
            return Ok(());
        }
        ctx.out.aws.executions.push(raw_execution(&record, ctx));
        match self.execution(&record, ctx) {
            Ok(d) => ctx.out.deployments.push(d),
            Err(e) => ctx.skip(e)?,
        }
        Ok(())
    }
}

/// An execution summary as the seed's AWS script read it (see [`AwsExecution`]).
fn raw_execution(r: &Value, ctx: &Ctx<'_>) -> AwsExecution {
    let revisions = r.get("sourceRevisions").and_then(Value::as_array);
    let (last_update, wall_clock, last_update_at) = wall_clock(r.get("lastUpdateTime"), ctx.zone());
    AwsExecution {
        status: match r.get("status") {
            Some(Value::String(s)) => Some(s.clone()),
            _ => None,
        },
        has_revisions: revisions.is_some_and(|a| !a.is_empty()),
        revision: revisions
            .and_then(|a| a.first())
            .and_then(|rev| rev.get("revisionId"))
            .and_then(Value::as_str)
            .filter(|s| !s.is_empty())
            .map(str::to_owned),
        last_update,
        wall_clock,
        last_update_at,
        location: ctx.location.clone(),
    }
}

/// The wall clock boto3 would have handed the script for a timestamp written this way, with
/// its zone dropped (`.replace(tzinfo=None)`): text with an offset keeps its own wall clock,
/// epoch seconds are read in `zone` (the script machine's local zone; UTC without one).
fn wall_clock(
    v: Option<&Value>,
    zone: Option<&crate::time::parse::Zone>,
) -> (Option<chrono::NaiveDateTime>, WallClock, Option<Instant>) {
    use crate::time::parse::{self, Zone};
    let Some(v) = v else {
        return (None, WallClock::Zoned, None);
    };
    let text = match v {
        Value::Number(n) => n.to_string(),
        Value::String(s) => s.trim().to_owned(),
        _ => return (None, WallClock::Zoned, None),
    };
    let local = |t: Instant, zone: Option<&Zone>| match zone {
        Some(Zone::Named(tz)) => t.with_timezone(tz).naive_local(),
        Some(Zone::Fixed(off)) => t.with_timezone(off).naive_local(),
        None => t.naive_utc(),
    };
    if !text.is_empty() && text.bytes().all(|b| b.is_ascii_digit() || b == b'.') {
        let at = parse::parse_epoch_text(&text).ok();
        return (at.map(|t| local(t, zone)), WallClock::Epoch, at);
    }
    if let Some(naive) = parse::parse_naive(&text) {
        return (
            Some(naive),
            WallClock::Naive,
            zone.and_then(|z| z.resolve(naive).ok()),
        );
    }
    let Ok(at) = parse::parse_text(&text, zone) else {
        return (None, WallClock::Zoned, None);
    };
    // The offset is the text after the time: `Z`, `UTC`, or `±HH[:]MM`.
    let upper = text.to_ascii_uppercase();
    let offset = if upper.ends_with('Z') || upper.ends_with("UTC") {
        Some(Zone::Fixed(chrono::Offset::fix(&chrono::Utc)))
    } else {
        text.rfind(['+', '-'])
            .filter(|&i| i > 10)
            .and_then(|i| Zone::parse(&text[i..]).ok())
    };
    (Some(local(at, offset.as_ref())), WallClock::Zoned, Some(at))
}

/// One `StateUpdate` of an alarm.
struct Transition {
    alarm: String,
    at: Instant,
    new_state: String,
    location: Location,
}

/// Reads `AlarmHistoryItems[]` and turns the state changes of each alarm into incidents.
///
/// * Only `HistoryItemType: StateUpdate` items matter; `ConfigurationUpdate` and `Action`
///   items are counted as ignored.
/// * `HistoryData` is JSON inside a JSON string and is decoded a second time (an object that
///   was already decoded is taken as it is). Text that is not JSON, or that has no
///   `newState.stateValue`, is a problem with that item.
/// * Per `AlarmName`, the transitions are replayed oldest first. An episode opens when the
///   alarm enters `ALARM` (from `OK`, or from `INSUFFICIENT_DATA`) and closes at the next
///   transition into `OK`; `INSUFFICIENT_DATA` in between neither closes nor reopens it. An
///   episode still open after the newest item is an open incident (`resolved_at: None`). A
///   transition into `OK` with no episode open (the episode began before the oldest item of
///   the history, which CloudWatch keeps for two weeks) yields nothing: its start is unknown.
/// * The incident: `id` = `<AlarmName>@<start as RFC 3339 UTC, with milliseconds when
///   nonzero>`, `title` = `AlarmName`, located at its `ALARM` item.
/// * Times: the item's `Timestamp` on both ends, i.e. when CloudWatch changed the state. The
///   `stateReasonData.startDate` inside `HistoryData` is not used: it is the start of the
///   evaluated metric period (15 minutes before the change in the AWS example), and it is
///   absent for state changes made with `set-alarm-state`; `queryDate` is likewise absent
///   there.
/// * Incidents come out grouped by alarm name (in name order), chronological within an alarm.
struct AlarmHistory {
    transitions: Vec<Transition>,
}

impl AlarmHistory {
    fn transition(r: &Value, ctx: &Ctx<'_>) -> Result<Transition, FieldError> {
        let alarm = fields::req_text(r, "AlarmName")?;
        let at = fields::req_time(r, "Timestamp", ctx.zone())?;
        let decoded;
        let data = match fields::get(r, "HistoryData") {
            None => {
                return Err(FieldError::new(
                    "HistoryData",
                    "missing (expected the state change as JSON text)",
                ));
            }
            Some(Value::String(s)) => {
                decoded = serde_json::from_str::<Value>(s).map_err(|e| {
                    FieldError::new(
                        "HistoryData",
                        format!(
                            "{} is not JSON ({e}); expected the state change as JSON text",
                            fields::shown(&Value::String(s.clone()))
                        ),
                    )
                })?;
                &decoded
            }
            Some(v @ Value::Object(_)) => v,
            Some(other) => {
                return Err(FieldError::new(
                    "HistoryData",
                    format!(
                        "expected the state change as JSON text, found {}",
                        fields::kind(other)
                    ),
                ));
            }
        };
        let new_state = fields::text(data, "newState.stateValue").ok_or_else(|| {
            FieldError::new(
                "HistoryData.newState.stateValue",
                "missing (expected OK, ALARM or INSUFFICIENT_DATA)",
            )
        })?;
        Ok(Transition {
            alarm,
            at,
            new_state,
            location: ctx.location.clone(),
        })
    }
}

impl Reader for AlarmHistory {
    fn record(&mut self, record: Value, ctx: &mut Ctx<'_>) -> Result<(), ImportError> {
        if !ctx.expect_object(&record, "an alarm history item")? {
            return Ok(());
        }
        ctx.out.aws.alarm_items.push(AwsAlarmItem {
            alarm: fields::text(&record, "AlarmName"),
            item_type: fields::text(&record, "HistoryItemType"),
            at: fields::time(&record, "Timestamp", ctx.zone()).ok().flatten(),
            history_data: match record.get("HistoryData") {
                Some(Value::String(s)) => s.clone(),
                None => String::new(),
                Some(other) => other.to_string(),
            },
            location: ctx.location.clone(),
        });
        match fields::text(&record, "HistoryItemType") {
            Some(t) if t == "StateUpdate" => {}
            Some(_) => {
                ctx.out.ignored += 1;
                return Ok(());
            }
            None => {
                return ctx.problem(
                    "HistoryItemType",
                    "missing (expected StateUpdate, ConfigurationUpdate or Action)",
                );
            }
        }
        match Self::transition(&record, ctx) {
            Ok(t) => self.transitions.push(t),
            Err(e) => ctx.skip(e)?,
        }
        Ok(())
    }

    fn finish(&mut self, ctx: &mut Ctx<'_>) -> Result<(), ImportError> {
        let mut by_alarm: BTreeMap<String, Vec<Transition>> = BTreeMap::new();
        // The file is newest first: reversing it makes equal timestamps keep their real order
        // under the stable sort below.
        for t in std::mem::take(&mut self.transitions).into_iter().rev() {
            by_alarm.entry(t.alarm.clone()).or_default().push(t);
        }
        let source = Format::AwsCloudwatchAlarms.name();
        for (alarm, mut transitions) in by_alarm {
            transitions.sort_by_key(|t| t.at);
            let mut open: Option<(Instant, Location)> = None;
            let close =
                |start: Instant, location: Location, end: Option<Instant>, out: &mut Vec<Incident>| {
                    out.push(Incident {
                        labels: Vec::new(),
                        id: format!("{alarm}@{}", start.to_rfc3339_opts(SecondsFormat::AutoSi, true)),
                        source,
                        title: Some(alarm.clone()),
                        started_at: start,
                        resolved_at: end,
                        severity: None,
                        service: None,
                        deployment: None,
                        location,
                    });
                };
            for t in transitions {
                match t.new_state.as_str() {
                    "ALARM" if open.is_none() => open = Some((t.at, t.location)),
                    "OK" => {
                        if let Some((start, location)) = open.take() {
                            close(start, location, Some(t.at), &mut ctx.out.incidents);
                        }
                    }
                    _ => {}
                }
            }
            if let Some((start, location)) = open {
                close(start, location, None, &mut ctx.out.incidents);
            }
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests;
