//! `aws codecommit get-commit` and `batch-get-commits` ([`Format::AwsCodecommitCommits`]):
//! `{"commit": {...}}` or `{"commits": [...], "errors": [...]}`, kept as written for
//! `--reference aws-script`, which read each deployed commit's `committer.date` with
//! `get_commit`.
//!
//! * `commitId` is required text.
//! * `committer.date` is kept as the text CodeCommit wrote (`1484167798 -0800`: Unix seconds
//!   and the committer's offset, git's own form), not parsed here: what the script made of it
//!   is the reference's business. Missing is allowed (the script then failed on that commit);
//!   anything but text is a problem.
//! * `errors[]` of `batch-get-commits` (ids CodeCommit did not find) are counted as ignored.

use serde_json::Value;

use super::super::fields::{self, FieldError};
use super::super::{Ctx, ImportError, Reader};
use crate::model::aws::AwsCommit;

/// Reads get-commit and batch-get-commits outputs.
pub(super) struct CodeCommit;

fn commit(c: &Value, prefix: &str, ctx: &Ctx<'_>) -> Result<AwsCommit, FieldError> {
    let named = |f: &str| format!("{prefix}{f}");
    if !c.is_object() {
        return Err(FieldError::new(
            prefix.trim_end_matches('.'),
            format!("expected a commit object, found {}", fields::kind(c)),
        ));
    }
    let commit_id = match fields::get(c, "commitId") {
        Some(Value::String(s)) => s.trim().to_owned(),
        None => {
            return Err(FieldError::new(
                &named("commitId"),
                "missing (expected the commit id)",
            ));
        }
        Some(other) => {
            return Err(FieldError::new(
                &named("commitId"),
                format!("expected the commit id as text, found {}", fields::kind(other)),
            ));
        }
    };
    let committer_date = match fields::get(c, "committer.date") {
        None => None,
        Some(Value::String(s)) => Some(s.clone()),
        Some(other) => {
            return Err(FieldError::new(
                &named("committer.date"),
                format!(
                    "expected text like '1484167798 -0800', found {}",
                    fields::shown(other)
                ),
            ));
        }
    };
    Ok(AwsCommit {
        commit_id,
        committer_date,
        location: ctx.location.clone(),
    })
}

impl Reader for CodeCommit {
    fn record(&mut self, record: Value, ctx: &mut Ctx<'_>) -> Result<(), ImportError> {
        if !ctx.expect_object(&record, "a get-commit or batch-get-commits output object")? {
            return Ok(());
        }
        if let Some(c) = record.get("commit") {
            match commit(c, "commit.", ctx) {
                Ok(c) => ctx.out.aws.commits.push(c),
                Err(e) => ctx.skip(e)?,
            }
            return Ok(());
        }
        let Some(Value::Array(list)) = record.get("commits") else {
            return ctx.problem(
                "commit",
                "missing (expected a get-commit output {\"commit\": {...}} or batch-get-commits {\"commits\": [...]})",
            );
        };
        for (i, c) in list.iter().enumerate() {
            match commit(c, &format!("commits.{i}."), ctx) {
                Ok(c) => ctx.out.aws.commits.push(c),
                Err(e) => ctx.skip(e)?,
            }
        }
        if let Some(Value::Array(errors)) = record.get("errors") {
            ctx.out.ignored += errors.len() as u64;
        }
        Ok(())
    }
}
