//! `--reference gitlab-script`: the common scripts against the GitLab REST API.

use super::{FAILURE_WINDOW_SECONDS, RefInputs, Reference, ReferenceRow, instant, median, seconds};
use crate::model::{
    DeployStatus, DeploymentRecord, Incident, Instant, MergeRequest, Metric, ReferenceMethod,
};

/// The script's page: `per_page=100` on its three list calls, one call each, never paged.
const PAGE: usize = 100;
/// A merge request's commits call passes no `per_page`: the API's default page of 20.
const COMMITS_PAGE: usize = 20;

/// GitLab's tie-breaker after the sort column: the numeric id (or iid), text when it is not
/// a number.
fn id_key(id: &str) -> (Option<u64>, &str) {
    (id.trim().parse().ok(), id)
}

/// The first `PAGE` of `records`, already in the API's order; a note when the page left
/// records out.
fn first_page<T>(
    mut records: Vec<T>,
    notes: &mut Vec<String>,
    what: &str,
    order: &str,
    rest: &str,
) -> Vec<T> {
    let n = records.len();
    if n > PAGE {
        notes.push(format!(
            "the {what} call returned the first {PAGE} of {n} matching {what} ({order}): {} {rest} not counted",
            n - PAGE
        ));
        records.truncate(PAGE);
    }
    records
}

/// The script's four numbers over `[since, until]`, as it ran at `until`: one API call per
/// list (docs/metrics.md, "Reference computations"); categories are the caller's.
pub(super) fn compute(inputs: RefInputs<'_>, since: i64, until: i64) -> Result<Reference, String> {
    let method = ReferenceMethod::GitlabScript;
    let (lo, hi) = (instant(since)?, instant(until)?);
    let days = (until - since) as f64 / 86_400.0;
    let mut notes = Vec::new();
    let in_window = |t: Option<Instant>| t.is_some_and(|t| lo <= t && t <= hi);

    // `GET /deployments?environment=production&status=success&updated_after=..&per_page=100`:
    // with an updated_at filter GitLab orders by updated_at, then id, ascending.
    let mut deployments: Vec<&DeploymentRecord> = inputs
        .deployments
        .iter()
        .filter(|d| {
            d.status == DeployStatus::Success
                && d.environment.as_deref() == Some("production")
                && in_window(d.updated_at)
        })
        .collect();
    deployments.sort_by(|a, b| (a.updated_at, id_key(&a.id)).cmp(&(b.updated_at, id_key(&b.id))));
    let deployments = first_page(
        deployments,
        &mut notes,
        "deployments",
        "oldest updated_at first",
        "later ones",
    );
    let no_updated = inputs
        .deployments
        .iter()
        .filter(|d| d.updated_at.is_none())
        .count();
    if no_updated > 0 {
        notes.push(format!(
            "{no_updated} deployment records have no updated_at (not a GitLab deployments export): not counted"
        ));
    }
    let frequency = deployments.len() as f64 / days;

    // `GET /merge_requests?state=merged&updated_after=..&per_page=100`: newest created first.
    let mut merged: Vec<&MergeRequest> = inputs
        .merge_requests
        .iter()
        .filter(|m| m.merged_at.is_some() && in_window(m.updated_at))
        .collect();
    merged.sort_by(|a, b| (b.created_at, id_key(&b.id)).cmp(&(a.created_at, id_key(&a.id))));
    let merged = first_page(
        merged,
        &mut notes,
        "merged merge requests",
        "newest created first",
        "older ones",
    );
    // `GET /merge_requests/:iid/commits` (20 a page, newest first): `commits[-1]['created_at']`.
    let (mut without_commits, mut without_created, mut cut, mut shortened) = (0, 0, 0, 0.0);
    let mut lead = Vec::new();
    for m in &merged {
        let all = &m.commit_created_at;
        let page = &all[..all.len().min(COMMITS_PAGE)];
        let (Some(&last), Some(merged_at)) = (page.last(), m.merged_at) else {
            without_commits += 1;
            continue;
        };
        let Some(last) = last else {
            without_created += 1;
            continue;
        };
        lead.push(seconds(merged_at - last));
        if all.len() > COMMITS_PAGE {
            cut += 1;
            if let Some(oldest) = all.iter().flatten().min() {
                shortened += seconds(last - *oldest);
            }
        }
    }
    if without_commits > 0 {
        notes.push(format!(
            "{without_commits} merged merge requests the script read have no commits in the commits exports (give the merge-request commits; the script skips a merge request whose commits call returns none): not counted"
        ));
    }
    if without_created > 0 {
        notes.push(format!(
            "{without_created} merged merge requests the script read have no created_at on the commit it reads (the last of the first {COMMITS_PAGE}; the script would stop there): not counted"
        ));
    }
    if cut > 0 {
        notes.push(format!(
            "{cut} merged merge requests have more than {COMMITS_PAGE} commits: their commits call returned the newest {COMMITS_PAGE} (the API's default page), so the script's lead time starts at the {COMMITS_PAGE}th newest commit, not the oldest ({:.1} hours shorter in all)",
            shortened / 3600.0
        ));
    }

    // `GET /issues?labels=incident&created_after=..&per_page=100`, run at `until`: only
    // issues created by then, newest created first; open ones were open at `until`.
    let labelled = |i: &&Incident| i.labels.iter().any(|l| l == "incident");
    let mut incidents: Vec<&Incident> = inputs
        .incidents
        .iter()
        .filter(labelled)
        .filter(|i| in_window(Some(i.started_at)))
        .collect();
    incidents.sort_by(|a, b| (b.started_at, id_key(&b.id)).cmp(&(a.started_at, id_key(&a.id))));
    let incidents = first_page(
        incidents,
        &mut notes,
        "incidents",
        "newest created first",
        "older ones (for time to restore and failures)",
    );
    let window = chrono::Duration::seconds(FAILURE_WINDOW_SECONDS);
    let later = inputs
        .incidents
        .iter()
        .filter(labelled)
        .filter(|i| hi < i.started_at && i.started_at <= hi + window)
        .count();
    if later > 0 {
        notes.push(format!(
            "{later} incidents created in the 48 h after the window's end are not counted as failures: the script run then had not seen them"
        ));
    }
    let closed_later = incidents
        .iter()
        .filter(|i| i.resolved_at.is_some_and(|t| t > hi))
        .count();
    if closed_later > 0 {
        notes.push(format!(
            "{closed_later} incidents closed after the window's end were still open when the script ran: no restore time"
        ));
    }
    let mut restore: Vec<f64> = incidents
        .iter()
        .filter_map(|i| {
            i.resolved_at
                .filter(|&t| t <= hi)
                .map(|t| seconds(t - i.started_at))
        })
        .collect();

    let mut opened: Vec<Instant> = incidents.iter().map(|i| i.started_at).collect();
    opened.sort_unstable();
    let mut without_created = 0;
    let failed = deployments
        .iter()
        .filter(|d| match d.created_at {
            Some(c) => {
                let first = opened.partition_point(|&t| t < c);
                opened.get(first).is_some_and(|&t| t <= c + window)
            }
            None => {
                without_created += 1;
                false
            }
        })
        .count() as u64;
    if without_created > 0 {
        notes.push(format!(
            "{without_created} deployments have no created_at: never counted as failed"
        ));
    }
    let total = deployments.len() as u64;
    let rate = (total > 0).then(|| failed as f64 / total as f64);
    let (lead_n, restore_n) = (lead.len() as u64, restore.len() as u64);
    let (lead_median, restore_median) = (median(&mut lead), median(&mut restore));
    let rows = vec![
        ReferenceRow::new(
            Metric::DeploymentFrequency,
            "successful deployments to production with updated_at in the window, the first 100 by updated_at / days",
            Some(frequency),
            total,
        ),
        ReferenceRow::new(
            Metric::LeadTime,
            "median of merged_at - created_at of the last of the newest 20 commits, over the 100 newest created merged merge requests with updated_at in the window",
            lead_median,
            lead_n,
        ),
        ReferenceRow::new(
            Metric::TimeToRestore,
            "median of closed_at - created_at over the closed ones of the 100 newest issues labelled incident created in the window",
            restore_median,
            restore_n,
        ),
        ReferenceRow::new(
            Metric::ChangeFailureRate,
            "deployments (as above) with one of those 100 incidents created 0-48 h after the deployment's created_at / deployments",
            rate,
            total,
        )
        .of(Some(failed), Some(total)),
    ];
    Ok(Reference {
        method: method.name(),
        since: crate::time::rfc3339(since),
        until: crate::time::rfc3339(until),
        days,
        rows,
        notes,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::metrics::reference::compute as reference;
    use crate::metrics::testutil::{at, incident_at, merge_request, record_at};

    /// 2024-03-01T00:00:00Z; the window is 30 days from it.
    const T: i64 = 1_709_251_200;
    const H: i64 = 3600;
    const UNTIL: i64 = T + 30 * 24 * H;

    fn deployment(id: &str, created: i64, updated: i64) -> DeploymentRecord {
        let mut d = record_at(id, at(updated));
        d.created_at = Some(at(created));
        d.updated_at = Some(at(updated));
        d.environment = Some("production".into());
        d.status = DeployStatus::Success;
        d
    }

    fn incident(id: &str, created: i64, closed: Option<i64>) -> Incident {
        let mut i = incident_at(id, at(created), closed.map(at));
        i.labels = vec!["incident".into()];
        i
    }

    /// Merged `lead` hours after its only commit; created at `created`.
    fn merged(id: &str, created: i64, commits: &[i64], merged: i64) -> MergeRequest {
        let mut m = merge_request(id, None, Some(merged), None);
        m.created_at = at(created);
        m.updated_at = Some(at(merged));
        m.commit_created_at = commits.iter().map(|&t| Some(at(t))).collect();
        m
    }

    fn run(d: &[DeploymentRecord], m: &[MergeRequest], i: &[Incident]) -> Reference {
        let inputs = RefInputs {
            deployments: d,
            merge_requests: m,
            incidents: i,
            aws: &Default::default(),
            changes: &[],
        };
        reference(ReferenceMethod::GitlabScript, inputs, T, UNTIL).unwrap()
    }

    fn row(r: &Reference, metric: Metric) -> &ReferenceRow {
        r.rows.iter().find(|x| x.metric == metric).unwrap()
    }

    fn note<'a>(r: &'a Reference, start: &str) -> &'a str {
        r.notes
            .iter()
            .find(|n| n.starts_with(start))
            .unwrap_or_else(|| panic!("no note {start:?} in {:#?}", r.notes))
    }

    /// Issue 14, defect 7: one call per list, one page each.
    #[test]
    fn the_script_reads_the_first_page_of_each_list() {
        // 101 deployments updated at the same instant: GitLab breaks the tie by id, as a
        // number ("99" before "100"), so "101" is the one left out. They were created 49 h
        // apart, so an incident fails at most one.
        let created = |n: i64| T + (700 - (102 - n) * 49) * H;
        let deployments: Vec<_> = (1..=101)
            .rev()
            .map(|n| deployment(&n.to_string(), created(n), T + 700 * H))
            .collect();
        // The 50 newest created merged in 1 h, the 51 older in 3 h: the page holds 50 of each.
        let mrs: Vec<_> = (1..=101)
            .map(|n| {
                let created = T + n * H;
                let lead = if n > 51 { 1 } else { 3 };
                merged(&n.to_string(), created, &[created], created + lead * H)
            })
            .collect();
        // 101 incidents 30 s apart in an hour that fails no deployment (more than 48 h after
        // "89", before "90"), 50 newest restored in 1 h, 51 older in 3 h; and "500", the
        // newest, an hour after "101" was created, restored in 3 h. The page holds "500",
        // then "101" down to "3": 50 restored in 1 h, 50 in 3 h.
        let incidents: Vec<_> = (1..=101)
            .map(|n| {
                let at = T + 111 * H + n * 30;
                let restore = if n > 51 { 1 } else { 3 };
                incident(&n.to_string(), at, Some(at + restore * H))
            })
            .chain([incident("500", created(101) + H, Some(created(101) + 4 * H))])
            .collect();
        let r = run(&deployments, &mrs, &incidents);
        assert_eq!(row(&r, Metric::DeploymentFrequency).sample_size, 100);
        assert_eq!(row(&r, Metric::DeploymentFrequency).value, Some(100.0 / 30.0));
        assert_eq!(
            note(&r, "the deployments call"),
            "the deployments call returned the first 100 of 101 matching deployments (oldest updated_at first): 1 later ones not counted"
        );
        let lead = row(&r, Metric::LeadTime);
        assert_eq!((lead.value, lead.sample_size), (Some(2.0 * 3600.0), 100));
        note(&r, "the merged merge requests call returned the first 100 of 101");
        let restore = row(&r, Metric::TimeToRestore);
        assert_eq!((restore.value, restore.sample_size), (Some(2.0 * 3600.0), 100));
        assert_eq!(
            note(&r, "the incidents call"),
            "the incidents call returned the first 100 of 102 matching incidents (newest created first): 2 older ones (for time to restore and failures) not counted"
        );
        // "500" fails "101" only, which is not on the page.
        let cfr = row(&r, Metric::ChangeFailureRate);
        assert_eq!((cfr.numerator, cfr.denominator), (Some(0), Some(100)));
    }

    /// Issue 14, defect 7: a merge request's commits come 20 a page, newest first, and the
    /// script reads the last of them, not the oldest of all.
    #[test]
    fn the_script_reads_the_last_of_twenty_commits() {
        let merged_at = T + 100 * H;
        // 25 commits, newest first, one an hour: the 20th newest is 20 h before the merge.
        let long: Vec<i64> = (1..=25).map(|k| merged_at - k * H).collect();
        // Out of order: the last listed, not the oldest, is what the script reads.
        let shuffled = [merged_at - H, merged_at - 9 * H, merged_at - 4 * H];
        let mut no_created = merged("3", T, &[merged_at - H], merged_at);
        no_created.commit_created_at.push(None);
        let mrs = [
            merged("1", T, &long, merged_at),
            merged("2", T, &shuffled, merged_at),
            no_created,
            merged("4", T, &[], merged_at),
        ];
        let r = run(&[], &mrs, &[]);
        let lead = row(&r, Metric::LeadTime);
        assert_eq!((lead.value, lead.sample_size), (Some(12.0 * 3600.0), 2));
        assert_eq!(
            note(&r, "1 merged merge requests have more than 20"),
            "1 merged merge requests have more than 20 commits: their commits call returned the newest 20 (the API's default page), so the script's lead time starts at the 20th newest commit, not the oldest (5.0 hours shorter in all)"
        );
        note(&r, "1 merged merge requests the script read have no created_at");
        note(&r, "1 merged merge requests the script read have no commits");
    }

    /// Issue 14, defect 2: the script run at `until` saw no incident created later, and an
    /// incident closed later was open.
    #[test]
    fn the_script_run_at_until_sees_nothing_later() {
        let deployments = [deployment("1", UNTIL - H, UNTIL - H)];
        let incidents = [
            incident("1", UNTIL + H, Some(UNTIL + 2 * H)),
            incident("2", UNTIL - 10 * H, Some(UNTIL + H)),
            incident("3", UNTIL - 20 * H, Some(UNTIL - 18 * H)),
        ];
        let r = run(&deployments, &[], &incidents);
        let cfr = row(&r, Metric::ChangeFailureRate);
        assert_eq!((cfr.numerator, cfr.denominator), (Some(0), Some(1)));
        let restore = row(&r, Metric::TimeToRestore);
        assert_eq!((restore.value, restore.sample_size), (Some(2.0 * 3600.0), 1));
        note(&r, "1 incidents created in the 48 h after the window's end");
        note(&r, "1 incidents closed after the window's end");
    }
}
