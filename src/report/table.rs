//! A typed, column-oriented table: the one shape every writer understands, so CSV, JSON and
//! Parquet always carry the same columns in the same order with the same types.

use std::sync::Arc;

use crate::metrics::{MetricRow, Summary};
use crate::model::{Change, Deployment, Incident};

/// The values of one column. `None` is a missing value (empty in CSV, null elsewhere).
#[derive(Debug, Clone, PartialEq)]
pub enum Values {
    /// Text; shared strings, so a repository or deployment name repeated over a million
    /// rows is stored once.
    Str(Vec<Option<Arc<str>>>),
    /// An instant, seconds since the Unix epoch, written as UTC.
    Time(Vec<Option<i64>>),
    /// A whole number.
    Int(Vec<Option<i64>>),
    /// A real number (companion hours columns).
    Float(Vec<Option<f64>>),
    /// A flag.
    Bool(Vec<Option<bool>>),
}

impl Values {
    /// Number of rows.
    pub fn len(&self) -> usize {
        match self {
            Values::Str(v) => v.len(),
            Values::Time(v) | Values::Int(v) => v.len(),
            Values::Float(v) => v.len(),
            Values::Bool(v) => v.len(),
        }
    }

    /// Whether the column has no rows.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }
}

/// A named column.
#[derive(Debug, Clone, PartialEq)]
pub struct Column {
    /// Stable snake_case name (part of the output contract).
    pub name: &'static str,
    /// The values.
    pub values: Values,
}

/// A table with equally long columns.
#[derive(Debug, Clone, PartialEq)]
pub struct Table {
    /// Columns in output order.
    pub columns: Vec<Column>,
}

impl Table {
    /// Number of rows.
    pub fn rows(&self) -> usize {
        self.columns.first().map_or(0, |c| c.values.len())
    }
}

fn col(name: &'static str, values: Values) -> Column {
    Column { name, values }
}

/// Hours with two decimals, for people reading a seconds column.
fn hours(seconds: Option<i64>) -> Option<f64> {
    seconds.map(|s| (s as f64 / 36.0).round() / 100.0)
}

/// The per-change table (docs/tables.md).
pub fn changes_table(changes: &[Change]) -> Table {
    let s = |f: fn(&Change) -> Option<Arc<str>>| Values::Str(changes.iter().map(f).collect());
    let lead: Vec<Option<i64>> = changes.iter().map(|c| c.lead_time_seconds).collect();
    Table {
        columns: vec![
            col("repo", s(|c| Some(c.repo.clone()))),
            col("sha", s(|c| sha_text(&c.sha))),
            col(
                "author_time",
                Values::Time(changes.iter().map(|c| Some(c.author_time)).collect()),
            ),
            col(
                "commit_time",
                Values::Time(changes.iter().map(|c| Some(c.commit_time)).collect()),
            ),
            col(
                "is_merge",
                Values::Bool(changes.iter().map(|c| Some(c.is_merge)).collect()),
            ),
            col("deployment", s(|c| c.deployment.clone())),
            col(
                "deployed_at",
                Values::Time(changes.iter().map(|c| c.deployed_at).collect()),
            ),
            col("lead_time_seconds", Values::Int(lead.clone())),
            col(
                "lead_time_hours",
                Values::Float(lead.into_iter().map(hours).collect()),
            ),
            col(
                "backlog",
                Values::Bool(changes.iter().map(|c| Some(c.backlog)).collect()),
            ),
            col("services", joined(changes.iter().map(|c| &c.services[..]))),
            col("teams", joined(changes.iter().map(|c| &c.teams[..]))),
            col(
                "meaningful",
                Values::Bool(changes.iter().map(|c| Some(c.meaningful)).collect()),
            ),
            col("shipped_via", s(|c| c.shipped_via.as_ref().and_then(sha_text))),
        ],
    }
}

/// A commit id's text as a shared string, in one allocation.
fn sha_text(sha: &crate::model::Sha) -> Option<Arc<str>> {
    std::str::from_utf8(&sha.hex()).ok().map(Arc::from)
}

/// Sorted names `;`-joined (empty when none); one shared string per distinct set, so a
/// million rows of one service hold it once.
fn joined<'a>(rows: impl Iterator<Item = &'a [Arc<str>]>) -> Values {
    let mut seen: std::collections::HashMap<&'a [Arc<str>], Arc<str>> = std::collections::HashMap::new();
    Values::Str(
        rows.map(|names| {
            if names.is_empty() {
                return None;
            }
            if let [one] = names {
                return Some(one.clone());
            }
            Some(
                seen.entry(names)
                    .or_insert_with(|| names.iter().map(|n| &**n).collect::<Vec<_>>().join(";").into())
                    .clone(),
            )
        })
        .collect(),
    )
}

/// The per-deployment table (docs/tables.md).
pub fn deployments_table(deployments: &[Deployment]) -> Table {
    let d = deployments;
    let s =
        |f: fn(&Deployment) -> Option<String>| Values::Str(d.iter().map(|x| f(x).map(Arc::from)).collect());
    let median: Vec<Option<i64>> = d.iter().map(|x| x.lead_time_median_seconds).collect();
    let max: Vec<Option<i64>> = d.iter().map(|x| x.lead_time_max_seconds).collect();
    Table {
        columns: vec![
            col("repo", s(|x| Some(x.repo.clone()))),
            col("deployment", s(|x| Some(x.name.clone()))),
            col("sha", s(|x| Some(x.sha.clone()))),
            col("source", s(|x| Some(x.source.clone()))),
            col("environment", s(|x| Some(x.environment.clone()))),
            col(
                "deployed_at",
                Values::Time(d.iter().map(|x| Some(x.deployed_at)).collect()),
            ),
            col("kind", s(|x| Some(x.kind.as_str().to_owned()))),
            col(
                "changes",
                Values::Int(d.iter().map(|x| x.changes.map(|c| c as i64)).collect()),
            ),
            col("lead_time_median_seconds", Values::Int(median.clone())),
            col(
                "lead_time_median_hours",
                Values::Float(median.into_iter().map(hours).collect()),
            ),
            col("lead_time_max_seconds", Values::Int(max.clone())),
            col(
                "lead_time_max_hours",
                Values::Float(max.into_iter().map(hours).collect()),
            ),
            col("previous_deployment", s(|x| x.previous_deployment.clone())),
            col(
                "rollback",
                Values::Bool(d.iter().map(|x| Some(x.rollback)).collect()),
            ),
            col("failed", Values::Bool(d.iter().map(|x| x.failed).collect())),
        ],
    }
}

/// The per-deployment table with why each failed deployment failed (`failure_reason`).
pub fn deployments_table_with_reasons(deployments: &[Deployment], reasons: &[Option<String>]) -> Table {
    let mut t = deployments_table(deployments);
    t.columns.push(col(
        "failure_reason",
        Values::Str(
            (0..deployments.len())
                .map(|i| reasons.get(i).cloned().flatten().map(Arc::from))
                .collect(),
        ),
    ));
    // Last, so that adding it moved no column a script reads by position.
    t.columns.push(col(
        "service",
        Values::Str(
            deployments
                .iter()
                .map(|d| d.service.as_deref().map(Arc::from))
                .collect(),
        ),
    ));
    t.columns.push(col(
        "services",
        joined(deployments.iter().map(|d| &d.services[..])),
    ));
    t.columns
        .push(col("teams", joined(deployments.iter().map(|d| &d.teams[..]))));
    t.columns.push(col(
        "meaningful",
        Values::Bool(deployments.iter().map(|d| Some(d.meaningful)).collect()),
    ));
    // Release lines (docs/definitions.md): one shared string per line.
    let mut lines: std::collections::HashMap<&str, Arc<str>> = std::collections::HashMap::new();
    t.columns.push(col(
        "line",
        Values::Str(
            deployments
                .iter()
                .map(|d| {
                    Some(
                        lines
                            .entry(&d.line)
                            .or_insert_with(|| Arc::from(d.line.as_str()))
                            .clone(),
                    )
                })
                .collect(),
        ),
    ));
    t.columns.push(col(
        "maintenance",
        Values::Bool(deployments.iter().map(|d| Some(d.maintenance)).collect()),
    ));
    t
}

/// The per-incident table (docs/tables.md). `deployment` is the deployment the export links
/// the incident to, with `attribution = linked`; empty when the export names none.
pub fn incidents_table(incidents: &[Incident]) -> Table {
    incidents_table_attributed(incidents, None)
}

/// The per-incident table; `attribution` gives, per incident, the deployment a failure
/// method attributed it to and why (without it, the export's own link).
pub fn incidents_table_attributed(
    incidents: &[Incident],
    attribution: Option<&[(Option<String>, String)]>,
) -> Table {
    let i = incidents;
    let s = |f: fn(&Incident) -> Option<String>| Values::Str(i.iter().map(|x| f(x).map(Arc::from)).collect());
    let restore: Vec<Option<i64>> = i
        .iter()
        .map(|x| x.resolved_at.map(|r| (r - x.started_at).num_seconds()))
        .collect();
    Table {
        columns: vec![
            col("id", s(|x| Some(x.id.clone()))),
            col("source", s(|x| Some(x.source.to_owned()))),
            col(
                "started_at",
                Values::Time(i.iter().map(|x| Some(x.started_at.timestamp())).collect()),
            ),
            col(
                "resolved_at",
                Values::Time(i.iter().map(|x| x.resolved_at.map(|t| t.timestamp())).collect()),
            ),
            col("restore_seconds", Values::Int(restore.clone())),
            col(
                "restore_hours",
                Values::Float(restore.into_iter().map(hours).collect()),
            ),
            col(
                "deployment",
                match attribution {
                    Some(a) => Values::Str(a.iter().map(|x| x.0.as_deref().map(Arc::from)).collect()),
                    None => s(|x| x.deployment.clone()),
                },
            ),
            col(
                "attribution",
                match attribution {
                    Some(a) => Values::Str(a.iter().map(|x| Some(Arc::from(x.1.as_str()))).collect()),
                    None => s(|x| x.deployment.as_ref().map(|_| "linked".to_owned())),
                },
            ),
            col("severity", s(|x| x.severity.clone())),
            col("service", s(|x| x.service.clone())),
            col("title", s(|x| x.title.clone())),
        ],
    }
}

/// The per-period table: one row per (period, metric) (docs/tables.md): the whole report's
/// rows, then each group's (`--group-by`), groups in the summary's order. The last column,
/// `group`, is empty for the whole report's rows and names the group on the others; it is
/// last so that readers of the columns by position are not disturbed.
pub fn periods_table(summary: &Summary) -> Table {
    let tagged: Vec<(Option<Arc<str>>, &MetricRow)> = summary
        .periods
        .iter()
        .map(|r| (None, r))
        .chain(summary.groups.iter().flat_map(|g| {
            // One shared string per group, however many rows it has.
            let name: Arc<str> = Arc::from(g.group.as_str());
            g.periods.iter().map(move |r| (Some(name.clone()), r))
        }))
        .collect();
    let rows: Vec<&MetricRow> = tagged.iter().map(|t| t.1).collect();
    let mut t = metric_rows_table(&rows);
    t.columns.push(col(
        "group",
        Values::Str(tagged.into_iter().map(|t| t.0).collect()),
    ));
    t
}

/// The columns of [`MetricRow`]s, in the order docs/tables.md lists them.
fn metric_rows_table(rows: &[&MetricRow]) -> Table {
    let st = |f: &dyn Fn(&MetricRow) -> Option<String>| {
        Values::Str(rows.iter().map(|r| f(r).map(Arc::from)).collect())
    };
    let fl = |f: &dyn Fn(&MetricRow) -> Option<f64>| Values::Float(rows.iter().map(|r| f(r)).collect());
    let int = |f: &dyn Fn(&MetricRow) -> Option<u64>| {
        Values::Int(rows.iter().map(|r| f(r).map(|v| v as i64)).collect())
    };
    Table {
        columns: vec![
            col("period", st(&|r| Some(r.period.clone()))),
            col(
                "start",
                Values::Time(rows.iter().map(|r| Some(r.start)).collect()),
            ),
            col("end", Values::Time(rows.iter().map(|r| Some(r.end)).collect())),
            col(
                "partial",
                Values::Bool(rows.iter().map(|r| Some(r.partial)).collect()),
            ),
            col("metric", st(&|r| Some(r.metric.name().to_owned()))),
            col("method", st(&|r| Some(r.method.clone()))),
            col("unit", st(&|r| Some(r.unit.to_owned()))),
            col("value", fl(&|r| r.value)),
            col("sample_size", int(&|r| Some(r.sample_size))),
            col("numerator", int(&|r| r.numerator)),
            col("denominator", int(&|r| r.denominator)),
            col("interval_low", fl(&|r| r.interval_low)),
            col("interval_high", fl(&|r| r.interval_high)),
            col("p75", fl(&|r| r.p75)),
            col("p90", fl(&|r| r.p90)),
            col("p95", fl(&|r| r.p95)),
            col("mean", fl(&|r| r.mean)),
            col(
                "category",
                st(&|r| r.category.map(|c| format!("{c:?}").to_ascii_lowercase())),
            ),
            col("survey_answer", st(&|r| r.survey_answer.map(str::to_owned))),
            col("baseline_value", fl(&|r| r.baseline_value)),
            col("change", fl(&|r| r.change)),
            col("direction", st(&|r| r.direction.map(|d| d.as_str().to_owned()))),
            col(
                "significant",
                Values::Bool(rows.iter().map(|r| r.significant).collect()),
            ),
            col("warning", st(&|r| r.warning.clone())),
        ],
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::report::openmetrics::fixture::{grouped, three_months};

    fn column<'a>(t: &'a Table, name: &str) -> &'a Values {
        &t.columns.iter().find(|c| c.name == name).unwrap().values
    }

    fn head(v: &Values, n: usize) -> String {
        match v {
            Values::Str(x) => format!("{:?}", &x[..n]),
            Values::Time(x) | Values::Int(x) => format!("{:?}", &x[..n]),
            Values::Float(x) => format!("{:?}", &x[..n]),
            Values::Bool(x) => format!("{:?}", &x[..n]),
        }
    }

    #[test]
    fn periods_table_adds_each_groups_rows_after_the_whole_reports() {
        let plain = periods_table(&three_months());
        let s = grouped();
        let n = s.periods.len();
        assert_eq!(
            plain.columns.last().unwrap().name,
            "group",
            "last: positions stay"
        );
        assert_eq!(column(&plain, "group"), &Values::Str(vec![None; n]));
        let t = periods_table(&s);
        let names: Vec<&str> = t.columns.iter().map(|c| c.name).collect();
        let old: Vec<&str> = plain.columns.iter().map(|c| c.name).collect();
        assert_eq!(names, old);
        assert!(t.columns.iter().all(|c| c.values.len() == 3 * n));
        let Values::Str(groups) = column(&t, "group") else {
            panic!("group is text")
        };
        let groups: Vec<Option<&str>> = groups.iter().map(|g| g.as_deref()).collect();
        let expected: Vec<Option<&str>> = [None, Some("web \"shop\""), Some("api")]
            .into_iter()
            .flat_map(|g| std::iter::repeat_n(g, n))
            .collect();
        assert_eq!(groups, expected, "the whole first, then the groups in order");
        let Values::Float(values) = column(&t, "value") else {
            panic!("value is a float")
        };
        assert_eq!(values[n], s.groups[0].periods[0].value);
        assert_eq!(values[2 * n], s.groups[1].periods[0].value);
        assert_ne!(values[n], values[0]);
        // The whole report's rows are what they were without groups.
        for (a, b) in plain.columns.iter().zip(&t.columns) {
            assert_eq!(head(&a.values, n), head(&b.values, n), "{}", a.name);
        }
    }
}
