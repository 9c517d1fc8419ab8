//! `--reference aws-script`: the seed article's "Complete" AWS collector,
//! `AWSDORAMetrics.get_all_metrics(days)`, run at `until` with `days` = the window's length
//! (docs/metrics.md, "aws-script"). Every call it made is one export:
//!
//! * deployment frequency: `cloudwatch.get_metric_statistics(Namespace='DORA',
//!   MetricName='DeploymentCount', StartTime=now-days, EndTime=now, Period=86400,
//!   Statistics=['Sum'])`, the `Sum`s added up and divided by `days`;
//! * lead time: `codepipeline.list_pipeline_executions(maxResults=100)` (one call, never paged),
//!   `Succeeded` executions, `sourceRevisions[0].revisionId`, `codecommit.get_commit` for its
//!   `committer.date`, read with `datetime.fromisoformat(date.replace('Z', '+00:00'))`;
//!   `lastUpdateTime` minus that, both with their zone dropped; any exception prints an error
//!   and skips the execution; the `since_date` it computes is never used; the median;
//! * time to restore: `cloudwatch.describe_alarm_history(HistoryItemType='StateUpdate',
//!   StartDate=now-days, MaxRecords=100)`, items in the API's order (newest first); an item
//!   whose `HistoryData` text contains `ALARM` opens an incident when none is open, else one
//!   containing `OK` closes it; the median of close minus open;
//! * change failure rate: `Datapoints[0]['Sum']` of `DeploymentFailure` over that of
//!   `DeploymentCount`, each asked for with one period covering the whole window.

use std::collections::HashMap;

use super::{RefInputs, Reference, ReferenceRow, instant, median, pyiso, seconds};
use crate::model::aws::{AwsAlarmItem, AwsCommit, AwsExecution, AwsMetricStatistics, WallClock};
use crate::model::{Instant, Metric, ReferenceMethod};

/// `maxResults=100` and `MaxRecords=100`: one call each, never paged.
const PAGE: usize = 100;

/// Items grouped by a key in order of first appearance, each group in file order.
fn groups<T, K: PartialEq>(items: &[T], key: impl Fn(&T) -> K) -> Vec<Vec<&T>> {
    let mut keys: Vec<K> = Vec::new();
    let mut out: Vec<Vec<&T>> = Vec::new();
    for item in items {
        let k = key(item);
        match keys.iter().position(|x| *x == k) {
            Some(i) => out[i].push(item),
            None => {
                keys.push(k);
                out.push(vec![item]);
            }
        }
    }
    out
}

fn hours(s: f64) -> String {
    format!("{:.2} h", s / 3600.0)
}

/// The sum of `Sum` over one metric's datapoints in `[lo, hi)` (CloudWatch's `StartTime` is
/// inclusive, `EndTime` exclusive), in file order as Python's `sum` adds them; `None` when no
/// output of that metric was given.
fn metric_sum(
    outputs: &[AwsMetricStatistics],
    label: &str,
    lo: Instant,
    hi: Instant,
    notes: &mut Vec<String>,
) -> Option<(f64, usize)> {
    let given: Vec<&AwsMetricStatistics> = outputs.iter().filter(|m| m.label == label).collect();
    if given.is_empty() {
        notes.push(format!(
            "no {label} statistics given (aws cloudwatch get-metric-statistics --namespace DORA --metric-name {label} --statistics Sum, as --reference-data): the script's number that needs it is unknown"
        ));
        return None;
    }
    if given.len() > 1 {
        notes.push(format!(
            "{} {label} outputs given: their datapoints are added up as one call's (give one output per metric)",
            given.len()
        ));
    }
    let (mut total, mut n, mut outside, mut no_sum) = (0.0, 0, 0, 0);
    for (t, sum) in given.iter().flat_map(|m| &m.datapoints) {
        if *t < lo || *t >= hi {
            outside += 1;
        } else if let Some(s) = sum {
            total += s;
            n += 1;
        } else {
            no_sum += 1;
        }
    }
    if outside > 0 {
        notes.push(format!(
            "{outside} {label} datapoints lie outside the window (the call's StartTime = --until minus the window, EndTime = --until, exclusive): not counted"
        ));
    }
    if no_sum > 0 {
        notes.push(format!(
            "{no_sum} {label} datapoints have no Sum (the export asked for other statistics; the script's dp['Sum'] would have failed): not counted"
        ));
    }
    Some((total, n))
}

/// What happened to the executions the lead time passed over, for the notes.
#[derive(Default)]
struct LeadCounts {
    beyond_page: usize,
    files: usize,
    not_succeeded: usize,
    no_revision: usize,
    rejected: usize,
    rejected_example: Option<String>,
    from_repo: usize,
    unknown_commit: usize,
    no_date: usize,
    no_last_update: usize,
    outside_window: usize,
    epoch: usize,
    zone_moved: usize,
    max_shift: f64,
}

/// The lead times the script computed, in its order.
fn lead_times(inputs: &RefInputs<'_>, lo: Instant, hi: Instant, c: &mut LeadCounts) -> Vec<f64> {
    let mut commits: HashMap<String, &AwsCommit> = HashMap::new();
    for commit in &inputs.aws.commits {
        commits
            .entry(commit.commit_id.to_ascii_lowercase())
            .or_insert(commit);
    }
    let repository: HashMap<String, i64> = inputs
        .changes
        .iter()
        .map(|ch| (ch.sha.to_string(), ch.commit_time))
        .collect();
    let files = groups(&inputs.aws.executions, |e: &AwsExecution| e.location.file.clone());
    c.files = files.len();
    let mut lead = Vec::new();
    for file in files {
        c.beyond_page += file.len().saturating_sub(PAGE);
        for e in file.into_iter().take(PAGE) {
            if e.status.as_deref() != Some("Succeeded") {
                c.not_succeeded += 1;
                continue;
            }
            let Some(revision) = e.revision.as_deref().filter(|_| e.has_revisions) else {
                c.no_revision += 1;
                continue;
            };
            // get_commit(repositoryName='my-repo', commitId=...)['commit']['committer']['date']
            let text = match commits.get(&revision.to_ascii_lowercase()) {
                Some(commit) => match &commit.committer_date {
                    Some(d) => d.clone(),
                    None => {
                        c.no_date += 1;
                        continue;
                    }
                },
                None => match repository.get(&revision.to_ascii_lowercase()) {
                    // CodeCommit answers with git's own form; the offset does not change
                    // what fromisoformat makes of it.
                    Some(t) => {
                        c.from_repo += 1;
                        format!("{t} +0000")
                    }
                    None => {
                        c.unknown_commit += 1;
                        continue;
                    }
                },
            };
            let (commit_time, offset) = match pyiso::fromisoformat(&text.replace('Z', "+00:00")) {
                Ok(p) => p,
                Err(err) => {
                    c.rejected += 1;
                    c.rejected_example.get_or_insert(err);
                    continue;
                }
            };
            let Some(end) = e.last_update else {
                c.no_last_update += 1;
                continue;
            };
            let value = seconds(end - commit_time);
            if e.wall_clock == WallClock::Epoch {
                c.epoch += 1;
            }
            if let Some(at) = e.last_update_at {
                if at < lo || at > hi {
                    c.outside_window += 1;
                }
                if let Some(off) = offset {
                    let commit_at = commit_time.and_utc() - chrono::Duration::seconds(off);
                    let shift = (value - seconds(at - commit_at)).abs();
                    if shift > 1e-6 {
                        c.zone_moved += 1;
                        c.max_shift = c.max_shift.max(shift);
                    }
                }
            }
            lead.push(value);
        }
    }
    lead
}

fn lead_notes(c: &LeadCounts, notes: &mut Vec<String>) {
    if c.files > 1 {
        notes.push(format!(
            "{} list-pipeline-executions files given; the script read one pipeline ('my-app-pipeline'): each file is taken as one call's answer and their lead times pooled",
            c.files
        ));
    }
    if c.beyond_page > 0 {
        notes.push(format!(
            "list_pipeline_executions(maxResults=100) returned at most the newest 100 executions and the script never asked for the next page: {} older executions not read",
            c.beyond_page
        ));
    }
    if c.not_succeeded > 0 {
        notes.push(format!(
            "{} of the executions read did not have status Succeeded: skipped",
            c.not_succeeded
        ));
    }
    if c.no_revision > 0 {
        notes.push(format!(
            "{} Succeeded executions have no sourceRevisions[0].revisionId: skipped",
            c.no_revision
        ));
    }
    if c.rejected > 0 {
        notes.push(format!(
            "{} commit dates were rejected by datetime.fromisoformat (first: {}); the script printed \"Error getting commit details\" and skipped those executions. CodeCommit's get-commit returns committer.date as git writes it, Unix seconds and an offset ('1484167798 -0800'), which is not ISO 8601: on real CodeCommit exports every execution is skipped and the script's lead time is none at all",
            c.rejected,
            c.rejected_example.as_deref().unwrap_or("")
        ));
    }
    if c.from_repo > 0 {
        notes.push(format!(
            "{} deployed commits have no get-commit export: their committer dates were taken from the repository in the form CodeCommit returns them ('<Unix seconds> <offset>'), which the script's fromisoformat rejects, so they are skipped as it skipped them",
            c.from_repo
        ));
    }
    if c.unknown_commit > 0 {
        notes.push(format!(
            "{} deployed commits are in neither a get-commit export (--reference-data) nor the repositories given: get_commit failed for them (CommitDoesNotExistException, e.g. a GitHub source) and the script skipped them",
            c.unknown_commit
        ));
    }
    if c.no_date > 0 {
        notes.push(format!(
            "{} get-commit exports have no committer.date: the script's lookup failed and skipped them",
            c.no_date
        ));
    }
    if c.no_last_update > 0 {
        notes.push(format!(
            "{} executions have no readable lastUpdateTime: the script failed on them and skipped them",
            c.no_last_update
        ));
    }
    if c.outside_window > 0 {
        notes.push(format!(
            "{} lead times are of executions outside the window: the script computes since_date but never passes it to the call, so they count",
            c.outside_window
        ));
    }
    if c.epoch > 0 {
        notes.push(format!(
            "{} lastUpdateTime values are epoch seconds (CLI v1): boto3 gave them to the script in its machine's local zone, read here in --timezone (UTC without it)",
            c.epoch
        ));
    }
    if c.zone_moved > 0 {
        notes.push(format!(
            "{} lead times were moved by dropping the zones (replace(tzinfo=None) on both ends, each in its own offset), by up to {}",
            c.zone_moved,
            hours(c.max_shift)
        ));
    }
}

/// What happened to the alarm history items, for the notes.
#[derive(Default)]
struct RestoreCounts {
    alarms: usize,
    not_state: usize,
    no_time: usize,
    outside: usize,
    beyond_page: usize,
    both_words: usize,
    negative: usize,
    still_open: usize,
}

/// The restore times the script computed: per alarm (it asked for one), in the API's order.
fn restore_times(items: &[AwsAlarmItem], lo: Instant, hi: Instant, c: &mut RestoreCounts) -> Vec<f64> {
    let alarms = groups(items, |i: &AwsAlarmItem| {
        (i.location.file.clone(), i.alarm.clone())
    });
    c.alarms = alarms.len();
    let mut out = Vec::new();
    for alarm in alarms {
        let mut answered = Vec::new();
        for item in alarm {
            if item.item_type.as_deref() != Some("StateUpdate") {
                c.not_state += 1;
                continue;
            }
            let Some(at) = item.at else {
                c.no_time += 1;
                continue;
            };
            if at < lo || at > hi {
                c.outside += 1;
                continue;
            }
            answered.push((at, item.history_data.as_str()));
        }
        c.beyond_page += answered.len().saturating_sub(PAGE);
        let mut open: Option<Instant> = None;
        for &(at, data) in answered.iter().take(PAGE) {
            let (alarm_word, ok_word) = (data.contains("ALARM"), data.contains("OK"));
            if alarm_word && ok_word {
                c.both_words += 1;
            }
            if alarm_word && open.is_none() {
                open = Some(at);
            } else if let (true, Some(start)) = (ok_word, open) {
                let d = seconds(at - start);
                if d < 0.0 {
                    c.negative += 1;
                }
                out.push(d);
                open = None;
            }
        }
        if open.is_some() {
            c.still_open += 1;
        }
    }
    out
}

fn restore_notes(c: &RestoreCounts, n: usize, notes: &mut Vec<String>) {
    if c.alarms > 1 {
        notes.push(format!(
            "{} alarm histories given (per file and AlarmName); the script asked for one alarm's ('high-error-rate'): each is read on its own and their restore times pooled",
            c.alarms
        ));
    }
    if c.not_state > 0 {
        notes.push(format!(
            "{} alarm history items are not StateUpdate: the script's call asked for HistoryItemType='StateUpdate' only",
            c.not_state
        ));
    }
    if c.no_time > 0 {
        notes.push(format!(
            "{} alarm history items have no readable Timestamp (the script would have failed on them): not read",
            c.no_time
        ));
    }
    if c.outside > 0 {
        notes.push(format!(
            "{} alarm history items are before the window (StartDate = --until minus the window) or after --until: the API did not return them",
            c.outside
        ));
    }
    if c.beyond_page > 0 {
        notes.push(format!(
            "describe_alarm_history(MaxRecords=100) returned the newest 100 items of an alarm and the script never paged: {} older items not read",
            c.beyond_page
        ));
    }
    if c.negative > 0 || c.both_words > 0 {
        notes.push(format!(
            "{} of {n} restore times are negative: the script tests HistoryData for the text ALARM and OK, which every OK→ALARM and ALARM→OK update contains on both sides (oldState and newState; {} items held both), and reads the items newest first as the API returns them, so an update opens an 'incident' and the next, older one closes it: the time is older minus newer. dorascope's own time to restore replays each alarm oldest first on newState alone",
            c.negative, c.both_words
        ));
    }
    if c.still_open > 0 {
        notes.push(format!(
            "{} alarms end with an 'incident' the script left open: not counted",
            c.still_open
        ));
    }
}

/// The script's four numbers over `[since, until]` (categories are the caller's).
pub(super) fn compute(inputs: RefInputs<'_>, since: i64, until: i64) -> Result<Reference, String> {
    let (lo, hi) = (instant(since)?, instant(until)?);
    let days = (until - since) as f64 / 86_400.0;
    let mut notes = Vec::new();
    let aws = inputs.aws;

    let count = metric_sum(&aws.metrics, "DeploymentCount", lo, hi, &mut notes);
    let failed = metric_sum(&aws.metrics, "DeploymentFailure", lo, hi, &mut notes);
    if let Some((_, n)) = count.filter(|&(_, n)| n > 1) {
        notes.push(format!(
            "the failure rate's calls ask for one period covering the whole window and take Datapoints[0]; the {n} DeploymentCount datapoints given (a daily export) are added up to stand for it (and likewise DeploymentFailure's)"
        ));
    }
    let frequency = count.map(|(total, _)| total / days);
    let total = count.map_or(0.0, |(t, _)| t);
    let rate = match (count, failed) {
        (Some((t, _)), Some((f, _))) if t > 0.0 => Some(f / t),
        _ => None,
    };

    let mut lc = LeadCounts::default();
    let mut lead = lead_times(&inputs, lo, hi, &mut lc);
    lead_notes(&lc, &mut notes);
    let mut rc = RestoreCounts::default();
    let mut restore = restore_times(&aws.alarm_items, lo, hi, &mut rc);
    restore_notes(&rc, restore.len(), &mut notes);
    if aws.executions.is_empty() {
        notes.push("no list-pipeline-executions export given (--deployments): no lead time".into());
    }
    if aws.alarm_items.is_empty() {
        notes.push("no describe-alarm-history export given (--incidents): no time to restore".into());
    }

    let (lead_n, restore_n) = (lead.len() as u64, restore.len() as u64);
    let (lead_median, restore_median) = (median(&mut lead), median(&mut restore));
    let whole = |x: f64| x.max(0.0).round() as u64;
    let rows = vec![
        ReferenceRow::new(
            Metric::DeploymentFrequency,
            "sum of the DORA namespace's DeploymentCount datapoints in the window / days",
            frequency,
            whole(total),
        ),
        ReferenceRow::new(
            Metric::LeadTime,
            "median of lastUpdateTime - the first source revision's CodeCommit committer date (zones dropped) over Succeeded executions among the newest 100",
            lead_median,
            lead_n,
        ),
        ReferenceRow::new(
            Metric::TimeToRestore,
            "median of the time from an alarm history item containing ALARM to the next containing OK, newest first, over the newest 100 StateUpdate items in the window",
            restore_median,
            restore_n,
        ),
        ReferenceRow::new(
            Metric::ChangeFailureRate,
            "DeploymentFailure sum / DeploymentCount sum over the window (none when the count is 0)",
            rate,
            whole(total),
        )
        .of(failed.map(|(f, _)| whole(f)), count.map(|(t, _)| whole(t))),
    ];
    Ok(Reference {
        method: ReferenceMethod::AwsScript.name(),
        since: crate::time::rfc3339(since),
        until: crate::time::rfc3339(until),
        days,
        rows,
        notes,
    })
}

#[cfg(test)]
mod tests;
