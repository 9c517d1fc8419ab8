//! `dora.om`: the per-period and whole-range metrics as OpenMetrics 1.0 text with timestamps,
//! for `promtool tsdb create-blocks-from openmetrics` (docs/openmetrics.md lists every series).
//!
//! Each sample is stamped with the start of the range it summarizes, so a period is one point
//! per series and never a label: a `period="2024-07"` label would make every month a series of
//! its own, which Prometheus stores as churn and Grafana cannot draw as a line. The `period`
//! label holds the period *length* (`month`, `week`, `7d`) or `all` for the whole range, so
//! reports with different lengths loaded into one Prometheus stay apart.

use std::fmt::Write as _;

use crate::metrics::{MetricRow, Summary};

/// Successful production deployments per day.
pub const DEPLOYMENT_FREQUENCY: &str = "dora_deployment_frequency_per_day";
/// Successful production deployments (the count behind the frequency).
pub const DEPLOYMENTS: &str = "dora_deployments";
/// Distinct local calendar days with a deployment, per week.
pub const DEPLOYMENT_DAYS_PER_WEEK: &str = "dora_deployment_days_per_week";
/// Distinct local calendar days with a deployment.
pub const DEPLOYMENT_DAYS: &str = "dora_deployment_days";
/// Change lead time statistics.
pub const LEAD_TIME: &str = "dora_lead_time_seconds";
/// 95% interval of the lead-time median.
pub const LEAD_TIME_CI: &str = "dora_lead_time_median_ci95_seconds";
/// Lead times behind the statistics.
pub const LEAD_TIME_SAMPLES: &str = "dora_lead_time_samples";
/// Time to restore statistics.
pub const TIME_TO_RESTORE: &str = "dora_time_to_restore_seconds";
/// 95% interval of the time-to-restore median.
pub const TIME_TO_RESTORE_CI: &str = "dora_time_to_restore_median_ci95_seconds";
/// Restore times behind the statistics.
pub const TIME_TO_RESTORE_SAMPLES: &str = "dora_time_to_restore_samples";
/// Change failure rate.
pub const CHANGE_FAILURE: &str = "dora_change_failure_ratio";
/// Wilson 95% interval of the change failure rate.
pub const CHANGE_FAILURE_CI: &str = "dora_change_failure_ci95_ratio";
/// Failed deployments (the rate's numerator).
pub const FAILED_DEPLOYMENTS: &str = "dora_failed_deployments";
/// Deployments the rate counts (its denominator).
pub const CHANGE_FAILURE_SAMPLES: &str = "dora_change_failure_samples";
/// Deployment rework rate.
pub const REWORK: &str = "dora_deployment_rework_ratio";
/// Wilson 95% interval of the rework rate.
pub const REWORK_CI: &str = "dora_deployment_rework_ci95_ratio";
/// Unplanned deployments (the rework rate's numerator).
pub const UNPLANNED_DEPLOYMENTS: &str = "dora_unplanned_deployments";
/// Deployments the rework rate counts.
pub const REWORK_SAMPLES: &str = "dora_deployment_rework_samples";

/// One metric family's metadata. Every family is a gauge: each sample is a finished
/// measurement of one range, not a running total.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Family {
    /// Name; ends with `_<unit>` when there is a unit (the OpenMetrics rule).
    pub name: &'static str,
    /// OpenMetrics unit (`seconds`, `ratio`), or none for counts and per-day rates, which
    /// have no base unit: per second would turn 0.13 deployments a day into 1.5e-6.
    pub unit: Option<&'static str>,
    /// `# HELP` text.
    pub help: &'static str,
}

const fn family(name: &'static str, unit: Option<&'static str>, help: &'static str) -> Family {
    Family { name, unit, help }
}

const SECONDS: Option<&str> = Some("seconds");
const RATIO: Option<&str> = Some("ratio");

/// Every family, in the order `dora.om` declares them. All are declared even when a report
/// has no samples for them, so the file's schema does not depend on the data.
pub const FAMILIES: [Family; 18] = [
    family(
        DEPLOYMENT_FREQUENCY,
        None,
        "Successful production deployments per day in the range starting at the sample's timestamp.",
    ),
    family(
        DEPLOYMENTS,
        None,
        "Successful production deployments in the range.",
    ),
    family(
        DEPLOYMENT_DAYS_PER_WEEK,
        None,
        "Distinct local calendar days with a deployment, per week of the range.",
    ),
    family(
        DEPLOYMENT_DAYS,
        None,
        "Distinct local calendar days with a deployment in the range.",
    ),
    family(
        LEAD_TIME,
        SECONDS,
        "Change lead time of the changes deployed in the range, by statistic.",
    ),
    family(
        LEAD_TIME_CI,
        SECONDS,
        "95% interval of the change lead time median (bootstrap or order statistics).",
    ),
    family(
        LEAD_TIME_SAMPLES,
        None,
        "Lead times behind the lead time statistics of the range.",
    ),
    family(
        TIME_TO_RESTORE,
        SECONDS,
        "Time to restore of the incidents (or failed deployments) started in the range, by statistic.",
    ),
    family(
        TIME_TO_RESTORE_CI,
        SECONDS,
        "95% interval of the time to restore median (bootstrap or order statistics).",
    ),
    family(
        TIME_TO_RESTORE_SAMPLES,
        None,
        "Restore times behind the time to restore statistics of the range.",
    ),
    family(
        CHANGE_FAILURE,
        RATIO,
        "Change failure rate: failed deployments / deployments in the range.",
    ),
    family(
        CHANGE_FAILURE_CI,
        RATIO,
        "Wilson 95% interval of the change failure rate.",
    ),
    family(
        FAILED_DEPLOYMENTS,
        None,
        "Failed deployments in the range (the change failure rate's numerator).",
    ),
    family(
        CHANGE_FAILURE_SAMPLES,
        None,
        "Deployments counted by the change failure rate in the range (its denominator).",
    ),
    family(
        REWORK,
        RATIO,
        "Deployment rework rate: unplanned deployments / deployments in the range.",
    ),
    family(
        REWORK_CI,
        RATIO,
        "Wilson 95% interval of the deployment rework rate.",
    ),
    family(
        UNPLANNED_DEPLOYMENTS,
        None,
        "Unplanned deployments in the range (the rework rate's numerator).",
    ),
    family(
        REWORK_SAMPLES,
        None,
        "Deployments counted by the rework rate in the range (its denominator).",
    ),
];

/// A sample value: counts print as integers, measurements as the shortest round-trip float.
#[derive(Debug, Clone, Copy)]
enum Num {
    Count(u64),
    Real(f64),
}

/// A series' labels, sorted by name.
type Labels = Vec<(&'static str, String)>;

/// One series: its labels and its points in time order.
#[derive(Debug, Default)]
struct Series {
    labels: Labels,
    points: Vec<(i64, Num)>,
}

#[derive(Debug)]
struct Families {
    series: Vec<Vec<Series>>,
}

impl Families {
    fn put(&mut self, name: &str, mut labels: Labels, t: i64, v: Num) {
        if let Num::Real(x) = v
            && !x.is_finite()
        {
            return;
        }
        let Some(f) = FAMILIES.iter().position(|f| f.name == name) else {
            return;
        };
        labels.sort_by_key(|l| l.0);
        let list = &mut self.series[f];
        let i = match list.iter().position(|s| s.labels == labels) {
            Some(i) => i,
            None => {
                list.push(Series {
                    labels,
                    points: Vec::new(),
                });
                list.len() - 1
            }
        };
        list[i].points.push((t, v));
    }
}

/// Escapes a label value or HELP text (OpenMetrics: backslash, double quote, line feed).
pub fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '\\' => out.push_str("\\\\"),
            '"' => out.push_str("\\\""),
            '\n' => out.push_str("\\n"),
            c => out.push(c),
        }
    }
    out
}

/// The method a row was computed with: `median (commit)` → `commit`, `window` → `window`.
fn method_of(row: &MetricRow) -> String {
    row.method
        .strip_prefix("median (")
        .and_then(|m| m.strip_suffix(')'))
        .unwrap_or(&row.method)
        .to_owned()
}

/// Whether the engine declared `metric` unavailable (`summary.unavailable` entries read
/// `metric: why`). Its rows are blank, and a zero sample size would read as "measured, none".
fn unavailable(summary: &Summary, metric: &str) -> bool {
    summary
        .unavailable
        .iter()
        .any(|u| u.split_once(':').is_some_and(|(m, _)| m == metric))
}

fn add_row(fam: &mut Families, row: &MetricRow, period: &str, team: Option<&str>) {
    let t = row.start;
    let base = || {
        let mut l = vec![("period", period.to_owned())];
        l.extend(team.map(|t| ("team", t.to_owned())));
        l
    };
    let with_method = || {
        let mut l = base();
        l.push(("method", method_of(row)));
        l
    };
    let with = |mut l: Labels, k: &'static str, v: &str| {
        l.push((k, v.to_owned()));
        l
    };
    let real = |v: Option<f64>| v.map(Num::Real);
    let mut put = |name: &str, labels: Labels, v: Option<Num>| {
        if let Some(v) = v {
            fam.put(name, labels, t, v);
        }
    };
    match row.metric {
        "deployment_frequency" => {
            put(DEPLOYMENT_FREQUENCY, base(), real(row.value));
            put(DEPLOYMENTS, base(), row.numerator.map(Num::Count));
        }
        "deployment_days_per_week" => {
            put(DEPLOYMENT_DAYS_PER_WEEK, base(), real(row.value));
            put(DEPLOYMENT_DAYS, base(), Some(Num::Count(row.sample_size)));
        }
        "lead_time" | "time_to_restore" => {
            let (stats, ci, samples) = if row.metric == "lead_time" {
                (LEAD_TIME, LEAD_TIME_CI, LEAD_TIME_SAMPLES)
            } else {
                (TIME_TO_RESTORE, TIME_TO_RESTORE_CI, TIME_TO_RESTORE_SAMPLES)
            };
            for (statistic, v) in [
                ("median", row.value),
                ("p75", row.p75),
                ("p90", row.p90),
                ("p95", row.p95),
                ("mean", row.mean),
            ] {
                put(stats, with(with_method(), "statistic", statistic), real(v));
            }
            put(ci, with(with_method(), "bound", "low"), real(row.interval_low));
            put(ci, with(with_method(), "bound", "high"), real(row.interval_high));
            put(samples, with_method(), Some(Num::Count(row.sample_size)));
        }
        "change_failure_rate" | "deployment_rework_rate" => {
            // Rework has one definition, so no method label; failure has five.
            let (value, ci, numerator, samples, labels): (_, _, _, _, &dyn Fn() -> Labels) =
                if row.metric == "change_failure_rate" {
                    (
                        CHANGE_FAILURE,
                        CHANGE_FAILURE_CI,
                        FAILED_DEPLOYMENTS,
                        CHANGE_FAILURE_SAMPLES,
                        &with_method,
                    )
                } else {
                    (REWORK, REWORK_CI, UNPLANNED_DEPLOYMENTS, REWORK_SAMPLES, &base)
                };
            put(value, labels(), real(row.value));
            put(ci, with(labels(), "bound", "low"), real(row.interval_low));
            put(ci, with(labels(), "bound", "high"), real(row.interval_high));
            put(numerator, labels(), row.numerator.map(Num::Count));
            put(samples, labels(), row.denominator.map(Num::Count));
        }
        // Per week and per month are the per-day rate times 7 and 30.436875: a query
        // multiplies, a second series would only add storage.
        _ => {}
    }
}

/// Renders `dora.om`. The text depends only on `summary` (no clock, no hash order), so the
/// same inputs give the same bytes.
pub fn render(summary: &Summary) -> String {
    let mut fam = Families {
        series: FAMILIES.iter().map(|_| Vec::new()).collect(),
    };
    // The period length as `--period` spelled it; a summary without it still gets one
    // label value, so the series stay well-formed.
    let length = summary
        .settings
        .get("period")
        .and_then(|p| p.as_str())
        .unwrap_or("period")
        .to_owned();
    let team = summary.settings.get("team").and_then(|t| t.as_str());
    for (rows, period) in [(&summary.overall, "all"), (&summary.periods, length.as_str())] {
        for row in rows {
            if !unavailable(summary, row.metric) {
                add_row(&mut fam, row, period, team);
            }
        }
    }

    let mut out = String::new();
    for (f, series) in FAMILIES.iter().zip(&mut fam.series) {
        let _ = writeln!(out, "# TYPE {} gauge", f.name);
        if let Some(unit) = f.unit {
            let _ = writeln!(out, "# UNIT {} {unit}", f.name);
        }
        let _ = writeln!(out, "# HELP {} {}", f.name, escape(f.help));
        for s in series.iter_mut() {
            // promtool rejects a series whose samples go back in time or repeat a timestamp.
            // Periods come sorted and disjoint; this keeps the file loadable for any summary.
            s.points.sort_by_key(|p| p.0);
            s.points.dedup_by_key(|p| p.0);
            let labels: Vec<String> = s
                .labels
                .iter()
                .map(|(k, v)| format!("{k}=\"{}\"", escape(v)))
                .collect();
            let labels = if labels.is_empty() {
                String::new()
            } else {
                format!("{{{}}}", labels.join(","))
            };
            for (t, v) in &s.points {
                let v = match v {
                    Num::Count(n) => n.to_string(),
                    Num::Real(x) => x.to_string(),
                };
                let _ = writeln!(out, "{}{labels} {v} {t}", f.name);
            }
        }
    }
    out.push_str("# EOF\n");
    out
}

/// A strict reader of the OpenMetrics text this module writes: the parts of the spec that
/// `dora.om` uses, with every rule the spec states about them (tests only).
#[cfg(test)]
pub(crate) mod strict {
    /// A parsed sample: name, labels (unescaped, in file order), value, timestamp.
    #[derive(Debug, Clone, PartialEq)]
    pub struct Sample {
        pub name: String,
        pub labels: Vec<(String, String)>,
        pub value: f64,
        pub timestamp: i64,
    }

    /// What a file declares and holds.
    #[derive(Debug, Default)]
    pub struct Parsed {
        /// Family names in declaration order.
        pub families: Vec<String>,
        /// Family name → unit.
        pub units: Vec<(String, String)>,
        pub samples: Vec<Sample>,
    }

    fn is_name(s: &str, colon: bool) -> bool {
        let mut c = s.chars();
        c.next()
            .is_some_and(|f| f.is_ascii_alphabetic() || f == '_' || (colon && f == ':'))
            && c.all(|x| x.is_ascii_alphanumeric() || x == '_' || (colon && x == ':'))
    }

    /// Unescapes an escaped-string, refusing the escapes the spec says not to use.
    fn unescape(s: &str) -> Result<String, String> {
        let mut out = String::new();
        let mut it = s.chars();
        while let Some(c) = it.next() {
            match c {
                '\\' => match it.next() {
                    Some('\\') => out.push('\\'),
                    Some('"') => out.push('"'),
                    Some('n') => out.push('\n'),
                    other => return Err(format!("undefined escape \\{other:?} in {s:?}")),
                },
                '"' | '\n' => return Err(format!("unescaped {c:?} in {s:?}")),
                c => out.push(c),
            }
        }
        Ok(out)
    }

    fn realnumber(s: &str) -> Result<f64, String> {
        let body = s.strip_prefix(['-', '+']).unwrap_or(s);
        let (mantissa, exp) = match body.split_once('e') {
            Some((m, e)) => (m, Some(e)),
            None => (body, None),
        };
        let (int, frac) = match mantissa.split_once('.') {
            Some((i, f)) => (i, Some(f)),
            None => (mantissa, None),
        };
        let digits = |d: &str| d.chars().all(|c| c.is_ascii_digit());
        let ok = digits(int)
            && frac.is_none_or(digits)
            && (!int.is_empty() || frac.is_some_and(|f| !f.is_empty()))
            && exp.is_none_or(|e| {
                let e = e.strip_prefix(['-', '+']).unwrap_or(e);
                !e.is_empty() && digits(e)
            });
        if !ok {
            return Err(format!("not a realnumber: {s:?}"));
        }
        s.parse().map_err(|e| format!("{s:?}: {e}"))
    }

    type Labels = Vec<(String, String)>;

    /// Splits `{a="x",b="y"}` into pairs; `rest` is what follows the closing brace.
    fn labels(s: &str) -> Result<(Labels, &str), String> {
        let mut out: Vec<(String, String)> = Vec::new();
        let mut rest = s.strip_prefix('{').ok_or("labels must start with {")?;
        if let Some(r) = rest.strip_prefix('}') {
            return Ok((out, r));
        }
        loop {
            let (name, r) = rest.split_once("=\"").ok_or(format!("bad label in {s:?}"))?;
            if !is_name(name, false) {
                return Err(format!("bad label name {name:?}"));
            }
            // The value ends at the first quote not escaped by a backslash.
            let mut end = None;
            let mut escaped = false;
            for (i, c) in r.char_indices() {
                match (escaped, c) {
                    (false, '\\') => escaped = true,
                    (false, '"') => {
                        end = Some(i);
                        break;
                    }
                    _ => escaped = false,
                }
            }
            let end = end.ok_or(format!("unterminated label value in {s:?}"))?;
            if out.iter().any(|(n, _)| n == name) {
                return Err(format!("label {name:?} twice"));
            }
            out.push((name.to_owned(), unescape(&r[..end])?));
            let r = &r[end + 1..];
            if let Some(r) = r.strip_prefix(',') {
                rest = r;
            } else if let Some(r) = r.strip_prefix('}') {
                return Ok((out, r));
            } else {
                return Err(format!("expected , or }} in {s:?}"));
            }
        }
    }

    /// Checks `text` and returns what it holds; every sample must carry a timestamp.
    pub fn parse(text: &str) -> Result<Parsed, String> {
        if text.contains('\r') {
            return Err("carriage return".into());
        }
        let body = text.strip_suffix("# EOF\n").ok_or("must end with \"# EOF\\n\"")?;
        if !(body.is_empty() || body.ends_with('\n')) {
            return Err("# EOF must be a line of its own".into());
        }
        let mut p = Parsed::default();
        // Per family: which metadata has been seen, the series seen, and the open series.
        let mut seen_meta: Vec<&str> = Vec::new();
        let mut has_samples = false;
        let mut closed: Vec<Vec<(String, String)>> = Vec::new();
        let mut open: Option<(Vec<(String, String)>, i64)> = None;
        for (n, line) in body.lines().enumerate() {
            let at = |e: String| format!("line {}: {e}: {line:?}", n + 1);
            if let Some(meta) = line.strip_prefix("# ") {
                let mut parts = meta.splitn(3, ' ');
                let (kind, name, arg) = (parts.next(), parts.next(), parts.next());
                let (Some(kind), Some(name), Some(arg)) = (kind, name, arg) else {
                    return Err(at("metadata needs a kind, a name and a value".into()));
                };
                if kind == "TYPE" {
                    if p.families.iter().any(|f| f == name) {
                        return Err(at("family declared twice".into()));
                    }
                    if !is_name(name, true) {
                        return Err(at("bad family name".into()));
                    }
                    if arg != "gauge" {
                        return Err(at("dora.om has gauges only".into()));
                    }
                    p.families.push(name.to_owned());
                    seen_meta = vec!["TYPE"];
                    has_samples = false;
                    closed.clear();
                    open = None;
                    continue;
                }
                if p.families.last().map(String::as_str) != Some(name) {
                    return Err(at("metadata for a family other than the current one".into()));
                }
                if has_samples {
                    return Err(at("metadata after samples".into()));
                }
                let order = ["TYPE", "UNIT", "HELP"];
                let Some(pos) = order.iter().position(|k| *k == kind) else {
                    return Err(at(format!("unknown metadata {kind}")));
                };
                if seen_meta
                    .iter()
                    .any(|k| order.iter().position(|o| o == k).is_some_and(|q| q >= pos))
                {
                    return Err(at("metadata repeated or out of TYPE, UNIT, HELP order".into()));
                }
                seen_meta.push(order[pos]);
                if kind == "UNIT" {
                    if !name.ends_with(&format!("_{arg}")) {
                        return Err(at("the unit must be the name's suffix".into()));
                    }
                    p.units.push((name.to_owned(), arg.to_owned()));
                } else {
                    unescape(arg).map_err(at)?;
                }
                continue;
            }
            if line.starts_with('#') {
                return Err(at("only TYPE, UNIT, HELP and EOF lines may start with #".into()));
            }
            let family = p
                .families
                .last()
                .ok_or_else(|| at("sample before any TYPE".into()))?
                .clone();
            let name_end = line.find(['{', ' ']).ok_or_else(|| at("no value".into()))?;
            let name = &line[..name_end];
            if name != family {
                return Err(at(format!("sample of {name} inside family {family}")));
            }
            let (labels, rest) = if line[name_end..].starts_with('{') {
                labels(&line[name_end..]).map_err(at)?
            } else {
                (Vec::new(), &line[name_end..])
            };
            let rest = rest.strip_prefix(' ').ok_or_else(|| at("no value".into()))?;
            let mut fields = rest.split(' ');
            let (Some(v), Some(t), None) = (fields.next(), fields.next(), fields.next()) else {
                return Err(at("expected a value and a timestamp".into()));
            };
            let value = realnumber(v).map_err(at)?;
            if !value.is_finite() {
                return Err(at("not finite".into()));
            }
            let timestamp: i64 = t.parse().map_err(|e| at(format!("timestamp: {e}")))?;
            let mut key = labels.clone();
            key.sort();
            match &mut open {
                Some((k, last)) if *k == key => {
                    if timestamp <= *last {
                        return Err(at("timestamps must increase within a series".into()));
                    }
                    *last = timestamp;
                }
                _ => {
                    if closed.contains(&key) {
                        return Err(at("series interleaved with another".into()));
                    }
                    if let Some((k, _)) = open.take() {
                        closed.push(k);
                    }
                    open = Some((key, timestamp));
                }
            }
            has_samples = true;
            p.samples.push(Sample {
                name: name.to_owned(),
                labels,
                value,
                timestamp,
            });
        }
        Ok(p)
    }
}

#[cfg(test)]
pub(crate) mod fixture {
    use crate::metrics::{MetricRow, Quality, Summary};

    /// 2024-01-01T00:00:00Z.
    pub const T0: i64 = 1_704_067_200;
    pub const DAY: i64 = 86_400;

    pub fn row(metric: &'static str, method: &str, unit: &'static str, start: i64, end: i64) -> MetricRow {
        let period = if end - start > 40 * DAY { "all" } else { "p" };
        MetricRow::blank((period.into(), start, end, false), metric, method.into(), unit)
    }

    /// The six metric rows of one range, with `k` shifting the values apart.
    pub fn rows(start: i64, end: i64, k: f64, lead_method: &str) -> Vec<MetricRow> {
        let mut f = row("deployment_frequency", "count / days", "per day", start, end);
        f.value = Some(0.25 * k);
        f.numerator = Some(7);
        f.sample_size = 7;
        let mut w = row("deployments_per_week", "count / days", "per week", start, end);
        w.value = Some(1.75 * k);
        let mut days = row(
            "deployment_days_per_week",
            "distinct local days / weeks",
            "days per week",
            start,
            end,
        );
        days.value = Some(1.5);
        days.sample_size = 6;
        let mut lead = row(
            "lead_time",
            &format!("median ({lead_method})"),
            "seconds",
            start,
            end,
        );
        lead.value = Some(3600.0 * k);
        lead.p75 = Some(7200.0 * k);
        lead.p90 = Some(9000.5 * k);
        lead.p95 = Some(1e5 * k);
        lead.mean = Some(4000.0 * k);
        lead.interval_low = Some(1800.0);
        lead.interval_high = Some(5400.0 * k);
        lead.sample_size = 12;
        let mut restore = row("time_to_restore", "median (incident)", "seconds", start, end);
        restore.value = Some(600.0 * k);
        restore.p75 = Some(700.0);
        restore.p90 = Some(800.0);
        restore.p95 = Some(900.0);
        restore.mean = Some(650.0);
        restore.sample_size = 3;
        let mut cfr = row("change_failure_rate", "window", "ratio", start, end);
        cfr.value = Some(2.0 / 7.0);
        cfr.numerator = Some(2);
        cfr.denominator = Some(7);
        cfr.sample_size = 7;
        cfr.interval_low = Some(0.08);
        cfr.interval_high = Some(0.64);
        let mut rework = row(
            "deployment_rework_rate",
            "unplanned / deployments",
            "ratio",
            start,
            end,
        );
        rework.value = Some(0.0);
        rework.numerator = Some(0);
        rework.denominator = Some(7);
        rework.sample_size = 7;
        vec![f, w, days, lead, restore, cfr, rework]
    }

    pub fn summary(overall: Vec<MetricRow>, periods: Vec<MetricRow>) -> Summary {
        Summary {
            version: "0.0.0-test",
            since: T0,
            until: T0 + 91 * DAY,
            timezone: "UTC".into(),
            settings: serde_json::json!({"period": "month"}),
            baseline: None,
            benchmark: ("four-tier".into(), String::new(), String::new()),
            overall,
            periods,
            failure_methods: Vec::new(),
            industry: None,
            data_quality: Quality::default(),
            unavailable: Vec::new(),
            reference: None,
        }
    }

    /// Three months and the whole range.
    pub fn three_months() -> Summary {
        let starts = [T0, T0 + 31 * DAY, T0 + 60 * DAY, T0 + 91 * DAY];
        let periods = (0..3)
            .flat_map(|i| rows(starts[i], starts[i + 1], (i + 1) as f64, "commit"))
            .collect();
        summary(rows(T0, T0 + 91 * DAY, 2.0, "commit"), periods)
    }
}

#[cfg(test)]
mod tests {
    use super::fixture::{DAY, T0, rows, summary, three_months};
    use super::strict::{Sample, parse};
    use super::*;

    fn find<'a>(samples: &'a [Sample], name: &str, labels: &[(&str, &str)]) -> Vec<&'a Sample> {
        samples
            .iter()
            .filter(|s| {
                s.name == name
                    && labels.len() == s.labels.len()
                    && labels
                        .iter()
                        .all(|(k, v)| s.labels.iter().any(|(a, b)| a == k && b == v))
            })
            .collect()
    }

    #[test]
    fn every_family_is_declared_in_order_with_its_unit() {
        let p = parse(&render(&three_months())).unwrap();
        let names: Vec<&str> = FAMILIES.iter().map(|f| f.name).collect();
        assert_eq!(p.families, names);
        for f in FAMILIES {
            assert!(f.name.starts_with("dora_"), "{}", f.name);
            match f.unit {
                Some(u) => assert!(p.units.contains(&(f.name.into(), u.into()))),
                // Unitless names must not pretend to a unit.
                None => assert!(!f.name.ends_with("_seconds") && !f.name.ends_with("_ratio")),
            }
        }
    }

    #[test]
    fn samples_carry_the_rows_values_at_each_ranges_start() {
        let s = three_months();
        let p = parse(&render(&s)).unwrap();
        let medians = find(
            &p.samples,
            LEAD_TIME,
            &[("method", "commit"), ("period", "month"), ("statistic", "median")],
        );
        let got: Vec<(i64, f64)> = medians.iter().map(|m| (m.timestamp, m.value)).collect();
        assert_eq!(
            got,
            vec![(T0, 3600.0), (T0 + 31 * DAY, 7200.0), (T0 + 60 * DAY, 10800.0)]
        );
        let all = find(
            &p.samples,
            LEAD_TIME,
            &[("method", "commit"), ("period", "all"), ("statistic", "p95")],
        );
        assert_eq!(all.len(), 1);
        assert_eq!((all[0].timestamp, all[0].value), (T0, 2e5));
        let ci = find(
            &p.samples,
            LEAD_TIME_CI,
            &[("bound", "high"), ("method", "commit"), ("period", "month")],
        );
        assert_eq!(
            ci.iter().map(|c| c.value).collect::<Vec<_>>(),
            [5400.0, 10800.0, 16200.0]
        );
        let cfr = find(
            &p.samples,
            CHANGE_FAILURE,
            &[("method", "window"), ("period", "all")],
        );
        assert_eq!(cfr[0].value, 2.0 / 7.0, "full precision survives the text");
        assert_eq!(
            find(
                &p.samples,
                FAILED_DEPLOYMENTS,
                &[("method", "window"), ("period", "all")]
            )[0]
            .value,
            2.0
        );
        assert_eq!(find(&p.samples, REWORK, &[("period", "month")]).len(), 3);
        assert_eq!(find(&p.samples, DEPLOYMENTS, &[("period", "all")])[0].value, 7.0);
        // No interval was computed for time to restore: no sample, not a NaN or a zero.
        assert!(p.samples.iter().all(|s| s.name != TIME_TO_RESTORE_CI));
        // Per week and per month are multiples of the per-day rate, not series.
        assert!(
            !p.samples
                .iter()
                .any(|s| s.name.contains("per_week") && s.value == 3.5)
        );
        // 3 ranges per series, 1 for `all`; every sample is one of them.
        assert!(
            p.samples
                .iter()
                .all(|s| [T0, T0 + 31 * DAY, T0 + 60 * DAY].contains(&s.timestamp))
        );
    }

    #[test]
    fn empty_summary_is_valid_and_declares_every_family() {
        let text = render(&summary(Vec::new(), Vec::new()));
        let p = parse(&text).unwrap();
        assert_eq!(p.families.len(), FAMILIES.len());
        assert!(p.samples.is_empty());
        assert!(text.ends_with("\n# EOF\n"));
    }

    #[test]
    fn missing_values_and_unavailable_metrics_give_no_samples() {
        let mut s = three_months();
        for r in s.periods.iter_mut().chain(&mut s.overall) {
            if r.metric == "deployment_frequency" {
                r.value = Some(f64::NAN);
            }
            if r.metric == "change_failure_rate" {
                r.value = None;
            }
        }
        s.unavailable = vec!["time_to_restore: needs incident exports (--incidents)".into()];
        let p = parse(&render(&s)).unwrap();
        let names = |n: &str| p.samples.iter().filter(|s| s.name == n).count();
        assert_eq!(names(DEPLOYMENT_FREQUENCY), 0, "NaN is not a measurement");
        assert_eq!(names(DEPLOYMENTS), 4);
        assert_eq!(names(CHANGE_FAILURE), 0);
        assert_eq!(names(FAILED_DEPLOYMENTS), 4);
        for n in [TIME_TO_RESTORE, TIME_TO_RESTORE_CI, TIME_TO_RESTORE_SAMPLES] {
            assert_eq!(names(n), 0, "{n}");
        }
        assert_eq!(names(LEAD_TIME_SAMPLES), 4);
    }

    #[test]
    fn a_team_labels_every_sample() {
        let mut s = three_months();
        let plain = parse(&render(&s)).unwrap();
        assert!(
            plain
                .samples
                .iter()
                .all(|x| x.labels.iter().all(|l| l.0 != "team"))
        );
        s.settings["team"] = "pay\"ments".into();
        let p = parse(&render(&s)).unwrap();
        assert_eq!(p.samples.len(), plain.samples.len());
        assert!(
            p.samples
                .iter()
                .all(|x| x.labels.iter().any(|l| l.0 == "team" && l.1 == "pay\"ments"))
        );
    }

    #[test]
    fn label_values_are_escaped_and_read_back() {
        let odd = "a\"b\\c\nd é";
        let s = summary(rows(T0, T0 + 91 * DAY, 1.0, odd), Vec::new());
        let text = render(&s);
        assert!(text.contains(r#"method="a\"b\\c\nd é""#), "{text}");
        let p = parse(&text).unwrap();
        assert_eq!(
            find(
                &p.samples,
                LEAD_TIME,
                &[("method", odd), ("period", "all"), ("statistic", "median")]
            )
            .len(),
            1
        );
    }

    #[test]
    fn output_is_the_same_whatever_the_row_order() {
        let s = three_months();
        let mut reversed = s.clone();
        reversed.periods.reverse();
        let text = render(&s);
        assert_eq!(text, render(&s));
        assert_eq!(text, render(&reversed));
        parse(&render(&reversed)).unwrap();
    }

    #[test]
    fn the_strict_reader_refuses_what_the_spec_forbids() {
        let bad = [
            ("# TYPE a gauge\na 1 1\n", "EOF"),
            ("# TYPE a gauge\na 1 1\n# EOF\nx", "EOF"),
            ("# TYPE a gauge\n# TYPE a gauge\n# EOF\n", "twice"),
            ("# TYPE a gauge\n# UNIT a seconds\n# EOF\n", "suffix"),
            ("# TYPE a gauge\n# HELP a x\n# UNIT a ratio\n# EOF\n", "order"),
            ("# TYPE a gauge\na 1 1\n# HELP a x\n# EOF\n", "after samples"),
            ("# TYPE a gauge\nb 1 1\n# EOF\n", "inside family"),
            ("a 1 1\n# EOF\n", "before any TYPE"),
            ("# TYPE a gauge\na 1 2\na 1 1\n# EOF\n", "increase"),
            ("# TYPE a gauge\na 1 1\na 1 1\n# EOF\n", "increase"),
            (
                "# TYPE a gauge\na{x=\"1\"} 1 1\na{x=\"2\"} 1 1\na{x=\"1\"} 1 2\n# EOF\n",
                "interleaved",
            ),
            ("# TYPE a gauge\na{x=\"a\"b\"} 1 1\n# EOF\n", ""),
            ("# TYPE a gauge\na{x=\"\\a\"} 1 1\n# EOF\n", "escape"),
            ("# TYPE a gauge\na{x=\"1\",x=\"2\"} 1 1\n# EOF\n", "twice"),
            ("# TYPE a gauge\na NaN 1\n# EOF\n", "realnumber"),
            ("# TYPE a gauge\na 1\n# EOF\n", "timestamp"),
            ("# TYPE a gauge\na 1e 1\n# EOF\n", "realnumber"),
            ("# TYPE a gauge\na . 1\n# EOF\n", "realnumber"),
            ("# TYPE a counter\n# EOF\n", "gauges"),
            ("# TYPE a gauge\r\n# EOF\n", "carriage"),
        ];
        for (text, why) in bad {
            let e = parse(text).expect_err(text);
            assert!(e.contains(why), "{text:?}: {e}");
        }
        // And accepts what it should.
        parse("# TYPE a_seconds gauge\n# UNIT a_seconds seconds\n# HELP a_seconds x \\\" y\na_seconds{b=\"\\n\"} -1.5e-3 5\na_seconds{b=\"\\n\"} .5 6\n# EOF\n")
            .unwrap();
    }
}
