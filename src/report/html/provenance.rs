//! The methods and provenance section: the benchmark, the settings and provenance.json as
//! key/value tables.

use std::fmt::Write as _;

use super::HtmlInput;
use crate::report::markup::escape;

/// Array items and rows the provenance table shows, so ten thousand tags stay a note.
const PROVENANCE_ITEMS: usize = 50;
const PROVENANCE_ROWS: usize = 2_000;

/// Flattens JSON to (path, value) rows in the value's own order, arrays capped.
fn flatten(v: &serde_json::Value, path: &str, out: &mut Vec<(String, String)>) {
    use serde_json::Value;
    if out.len() >= PROVENANCE_ROWS {
        return;
    }
    match v {
        Value::Object(map) if !map.is_empty() => {
            for (k, x) in map {
                let p = if path.is_empty() {
                    k.clone()
                } else {
                    format!("{path}.{k}")
                };
                flatten(x, &p, out);
            }
        }
        Value::Array(items) if !items.is_empty() => {
            for (i, x) in items.iter().take(PROVENANCE_ITEMS).enumerate() {
                flatten(x, &format!("{path}[{i}]"), out);
            }
            if items.len() > PROVENANCE_ITEMS {
                out.push((
                    format!("{path}[…]"),
                    format!(
                        "{} more items (provenance.json has them all)",
                        items.len() - PROVENANCE_ITEMS
                    ),
                ));
            }
        }
        // An empty document is "nothing recorded", not a row with an empty key.
        Value::Object(_) | Value::Array(_) if path.is_empty() => {}
        Value::String(s) => out.push((path.to_owned(), s.clone())),
        Value::Null => out.push((path.to_owned(), "–".into())),
        other => out.push((path.to_owned(), other.to_string())),
    }
}

fn key_value_table(o: &mut String, v: &serde_json::Value) {
    let mut rows = Vec::new();
    flatten(v, "", &mut rows);
    if rows.is_empty() {
        o.push_str("<p class=\"empty\">Nothing recorded.</p>\n");
        return;
    }
    o.push_str("<table class=\"kv\">\n<tbody>\n");
    for (k, v) in &rows {
        let _ = writeln!(
            o,
            "<tr><th><code>{}</code></th><td class=\"text\">{}</td></tr>",
            escape(k),
            escape(v)
        );
    }
    o.push_str("</tbody>\n</table>\n");
    if rows.len() >= PROVENANCE_ROWS {
        o.push_str("<p class=\"note\">Cut short; provenance.json has everything.</p>\n");
    }
}

pub(super) fn provenance(o: &mut String, input: &HtmlInput<'_>) {
    let s = input.summary;
    o.push_str("<section>\n<h2>Methods and provenance</h2>\n");
    let _ = writeln!(
        o,
        "<p class=\"note\">Benchmark <b>{}</b>: {}. {}</p>",
        escape(&s.benchmark.0),
        escape(&s.benchmark.1),
        escape(&s.benchmark.2)
    );
    o.push_str("<h3>Settings</h3>\n");
    key_value_table(o, &serde_json::to_value(&s.settings).unwrap_or_default());
    o.push_str("<h3>Inputs and tool</h3>\n");
    key_value_table(o, input.provenance);
    o.push_str("</section>\n");
}
