//! `aws cloudwatch get-metric-statistics` ([`Format::AwsCloudwatchMetricStatistics`]): one
//! output is one record, `{"Label": "DeploymentCount", "Datapoints": [{"Timestamp", "Sum",
//! "Unit"}, ...]}`, kept as written for `--reference aws-script` (the seed script's
//! `DORA` namespace metrics). It holds no deployments or incidents of its own.
//!
//! * `Label` is required text (the metric name).
//! * `Datapoints` is a required list (empty when the metric had no data); each datapoint needs
//!   a `Timestamp`; `Sum` is a number when present (an output asked for other statistics has
//!   none, and the script's `dp['Sum']` would fail on it).
//! * The datapoints keep the output's order: CloudWatch does not sort them.

use serde_json::Value;

use super::super::fields::{self, FieldError};
use super::super::{Ctx, ImportError, Reader};
use crate::model::aws::AwsMetricStatistics;

/// Reads get-metric-statistics outputs (one per JSON document).
pub(super) struct MetricStatistics;

fn statistics(r: &Value, ctx: &Ctx<'_>) -> Result<AwsMetricStatistics, FieldError> {
    let label = fields::req_text(r, "Label")?;
    let points = match r.get("Datapoints") {
        Some(Value::Array(a)) => a,
        None | Some(Value::Null) => {
            return Err(FieldError::new(
                "Datapoints",
                "missing (expected the list of datapoints, [] when there are none)",
            ));
        }
        Some(other) => {
            return Err(FieldError::new(
                "Datapoints",
                format!("expected a list of datapoints, found {}", fields::kind(other)),
            ));
        }
    };
    let mut datapoints = Vec::with_capacity(points.len());
    for (i, p) in points.iter().enumerate() {
        let at = |name: &str| format!("Datapoints.{i}.{name}");
        if !p.is_object() {
            return Err(FieldError::new(
                &format!("Datapoints.{i}"),
                format!("expected a datapoint object, found {}", fields::kind(p)),
            ));
        }
        let t = fields::req_time(p, "Timestamp", ctx.zone())
            .map_err(|e| FieldError::new(&at("Timestamp"), e.message))?;
        let sum = match p.get("Sum") {
            None | Some(Value::Null) => None,
            Some(Value::Number(n)) => n.as_f64(),
            Some(other) => {
                return Err(FieldError::new(
                    &at("Sum"),
                    format!("expected a number, found {}", fields::shown(other)),
                ));
            }
        };
        datapoints.push((t, sum));
    }
    Ok(AwsMetricStatistics {
        label,
        datapoints,
        location: ctx.location.clone(),
    })
}

impl Reader for MetricStatistics {
    fn record(&mut self, record: Value, ctx: &mut Ctx<'_>) -> Result<(), ImportError> {
        if !ctx.expect_object(&record, "a get-metric-statistics output object")? {
            return Ok(());
        }
        match statistics(&record, ctx) {
            Ok(s) => ctx.out.aws.metrics.push(s),
            Err(e) => ctx.skip(e)?,
        }
        Ok(())
    }
}
