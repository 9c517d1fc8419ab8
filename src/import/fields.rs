//! Typed access to fields of a JSON record (or a CSV row turned into one), with errors that
//! name the field and say what was expected.

use serde_json::Value;

use crate::model::Instant;
use crate::time::parse::{self as time, Zone};

/// A field that is missing or malformed; the record is skipped (or the run stops with
/// `--strict`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FieldError {
    /// Dotted path of the field.
    pub field: String,
    /// What was wrong and what was expected.
    pub message: String,
}

impl FieldError {
    /// A new error.
    pub fn new(field: &str, message: impl Into<String>) -> Self {
        FieldError {
            field: field.to_owned(),
            message: message.into(),
        }
    }
}

/// The value at a dotted path (`deployable.finished_at`); `null` and `""` count as absent.
pub fn get<'a>(v: &'a Value, path: &str) -> Option<&'a Value> {
    let mut cur = v;
    for key in path.split('.') {
        cur = match cur {
            Value::Object(o) => o.get(key)?,
            Value::Array(a) => a.get(key.parse::<usize>().ok()?)?,
            _ => return None,
        };
    }
    match cur {
        Value::Null => None,
        Value::String(s) if s.trim().is_empty() => None,
        other => Some(other),
    }
}

/// The first of several paths that is present, with the path that matched.
pub fn get_any<'a, 'p>(v: &'a Value, paths: &[&'p str]) -> Option<(&'a Value, &'p str)> {
    paths.iter().find_map(|p| get(v, p).map(|x| (x, *p)))
}

/// Text at a path: strings as they are (trimmed), numbers and booleans as written.
pub fn text(v: &Value, path: &str) -> Option<String> {
    match get(v, path)? {
        Value::String(s) => Some(s.trim().to_owned()),
        Value::Number(n) => Some(n.to_string()),
        Value::Bool(b) => Some(b.to_string()),
        _ => None,
    }
}

/// Required text.
pub fn req_text(v: &Value, path: &str) -> Result<String, FieldError> {
    match get(v, path) {
        None => Err(FieldError::new(path, "missing (expected a value)")),
        Some(Value::String(s)) => Ok(s.trim().to_owned()),
        Some(Value::Number(n)) => Ok(n.to_string()),
        Some(other) => Err(FieldError::new(
            path,
            format!("expected text or a number, found {}", kind(other)),
        )),
    }
}

/// An optional timestamp.
pub fn time(v: &Value, path: &str, zone: Option<&Zone>) -> Result<Option<Instant>, FieldError> {
    match get(v, path) {
        None => Ok(None),
        Some(x) => time::parse_json(x, zone)
            .map(Some)
            .map_err(|e| FieldError::new(path, format!("{} {}", shown(x), e.explain()))),
    }
}

/// A required timestamp.
pub fn req_time(v: &Value, path: &str, zone: Option<&Zone>) -> Result<Instant, FieldError> {
    time(v, path, zone)?.ok_or_else(|| FieldError::new(path, "missing (expected a date and time)"))
}

/// A value as it appears in the file, shortened for messages.
pub fn shown(v: &Value) -> String {
    let s = match v {
        Value::String(s) => format!("'{s}'"),
        other => other.to_string(),
    };
    if s.chars().count() > 60 {
        format!("{}…", s.chars().take(60).collect::<String>())
    } else {
        s
    }
}

/// The JSON type of a value, for messages.
pub fn kind(v: &Value) -> &'static str {
    match v {
        Value::Null => "null",
        Value::Bool(_) => "a boolean",
        Value::Number(_) => "a number",
        Value::String(_) => "text",
        Value::Array(_) => "a list",
        Value::Object(_) => "an object",
    }
}

/// Whether the record has all these top-level keys (for format detection).
pub fn has_keys(v: Option<&Value>, keys: &[&str]) -> bool {
    v.and_then(Value::as_object)
        .is_some_and(|o| keys.iter().all(|k| o.contains_key(*k)))
}

/// A CI/CD status word, whatever tool wrote it, as a [`DeployStatus`].
pub fn deploy_status(word: &str) -> Option<crate::model::DeployStatus> {
    use crate::model::DeployStatus::*;
    let w = word.trim().to_ascii_lowercase().replace([' ', '-'], "_");
    Some(match w.as_str() {
        "success" | "succeeded" | "successful" | "ok" | "deployed" | "passed" | "done" | "completed" => {
            Success
        }
        "failed" | "failure" | "error" | "errored" | "broken" | "unstable" | "timed_out"
        | "startup_failure" => Failed,
        "cancelled" | "canceled" | "aborted" | "abort" | "stopped" | "stopping" | "superseded"
        | "skipped" | "not_built" | "inactive" => Cancelled,
        "running" | "in_progress" | "inprogress" | "pending" | "queued" | "started" | "created"
        | "waiting" | "blocked" | "requested" | "building" => Running,
        _ => return None,
    })
}

/// Whether text looks like a full or abbreviated commit id (7 to 64 hex digits).
pub fn is_sha(text: &str) -> bool {
    (7..=64).contains(&text.len()) && text.bytes().all(|b| b.is_ascii_hexdigit())
}

/// A required commit id, lowercased.
pub fn req_sha(r: &Value, path: &str) -> Result<String, FieldError> {
    let t = req_text(r, path)?;
    if is_sha(&t) {
        Ok(t.to_ascii_lowercase())
    } else {
        Err(FieldError::new(
            path,
            format!("'{t}' is not a commit id (expected 7 to 64 hex digits)"),
        ))
    }
}

/// An optional commit id, lowercased; present but malformed is an error.
pub fn sha(r: &Value, path: &str) -> Result<Option<String>, FieldError> {
    match get(r, path) {
        None => Ok(None),
        Some(_) => req_sha(r, path).map(Some),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn access() {
        let v = json!({"a": {"b": "x", "n": 3, "e": "", "z": null}, "l": [{"c": 1}]});
        assert_eq!(text(&v, "a.b").as_deref(), Some("x"));
        assert_eq!(text(&v, "a.n").as_deref(), Some("3"));
        assert_eq!(text(&v, "a.e"), None);
        assert_eq!(text(&v, "a.z"), None);
        assert_eq!(text(&v, "l.0.c").as_deref(), Some("1"));
        assert_eq!(req_text(&v, "a.q").unwrap_err().field, "a.q");
        assert!(req_text(&v, "a").unwrap_err().message.contains("an object"));
        let t = json!({"at": "2024-13-01T00:00:00Z"});
        let e = time(&t, "at", None).unwrap_err();
        assert!(
            e.message.starts_with("'2024-13-01T00:00:00Z' is not a date"),
            "{}",
            e.message
        );
        assert!(has_keys(Some(&v), &["a", "l"]));
    }
}
