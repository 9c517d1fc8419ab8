//! A typed, column-oriented table: the one shape every writer understands, so CSV, JSON and
//! Parquet always carry the same columns in the same order with the same types.

use std::sync::Arc;

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

/// The per-change table (DESIGN.md §5).
pub fn changes_table(changes: &[Change]) -> Table {
    let s = |f: fn(&Change) -> Option<Arc<str>>| Values::Str(changes.iter().map(f).collect());
    let lead: Vec<Option<i64>> = changes.iter().map(|c| c.lead_time_seconds).collect();
    Table {
        columns: vec![
            col("repo", s(|c| Some(c.repo.clone()))),
            col("sha", s(|c| Some(c.sha.to_string().into()))),
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
        ],
    }
}

/// The per-deployment table (DESIGN.md §5).
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

/// The per-incident table (DESIGN.md §5). `deployment` is the deployment the export links
/// the incident to, with `attribution = linked`; empty when the export names none.
pub fn incidents_table(incidents: &[Incident]) -> Table {
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
            col("deployment", s(|x| x.deployment.clone())),
            col(
                "attribution",
                s(|x| x.deployment.as_ref().map(|_| "linked".to_owned())),
            ),
            col("severity", s(|x| x.severity.clone())),
            col("service", s(|x| x.service.clone())),
            col("title", s(|x| x.title.clone())),
        ],
    }
}
