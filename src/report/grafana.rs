//! `grafana-dashboard.json`: a Grafana dashboard over the series of `dora.om`, for teams that
//! load the report into Prometheus (docs/openmetrics.md).
//!
//! dora.om holds one sample per range, stamped with the range's start, so the usual
//! `rate(...)`-style queries do not apply. Stat panels read the whole-range value
//! (`period="all"`) with `last_over_time(...[$__range])` in an instant query at the end of the
//! dashboard's range; trend panels use `last_over_time(...[$__interval] offset -1ms)`, whose
//! windows partition the range, so each period's sample shows at exactly one step and lines
//! connect them. Without the offset, Prometheus 2 (closed range windows) shows a sample that
//! falls on a step boundary at two steps, and period starts at midnight usually do; a plain
//! selector (5 minute lookback) would miss samples between steps. Negative offsets are on by
//! default since Prometheus 2.33.

use serde_json::{Value, json};

use crate::metrics::Summary;
use crate::report::openmetrics as om;

/// The dashboard's uid: stable, so importing a newer report replaces the older dashboard.
pub const UID: &str = "dorascope-dora";

/// Grafana's dashboard JSON schema version (Grafana 10.4 / 11.0).
pub const SCHEMA_VERSION: u32 = 39;

/// Margin around the report's range: the whole-range samples sit exactly at `since`, and
/// Prometheus 3 range selectors exclude their left end.
const MARGIN: i64 = 86_400;

fn datasource() -> Value {
    json!({"type": "prometheus", "uid": "${datasource}"})
}

/// Grafana's own spelling of an absolute time (`2024-07-01T00:00:00.000Z`).
fn grafana_time(t: i64) -> String {
    let s = crate::time::rfc3339(t);
    match s.strip_suffix('Z') {
        Some(head) => format!("{head}.000Z"),
        None => s,
    }
}

fn grid(x: u32, y: u32, w: u32, h: u32) -> Value {
    json!({"x": x, "y": y, "w": w, "h": h})
}

fn stat(id: u32, x: u32, title: &str, description: &str, expr: String, unit: &str) -> Value {
    json!({
        "id": id,
        "type": "stat",
        "title": title,
        "description": description,
        "datasource": datasource(),
        "gridPos": grid(x, 0, 6, 5),
        "targets": [{
            "refId": "A",
            "datasource": datasource(),
            "expr": expr,
            "instant": true,
            "range": false,
            "legendFormat": "__auto",
        }],
        "fieldConfig": {
            "defaults": {
                "unit": unit,
                "decimals": 2,
                "color": {"mode": "thresholds"},
                "thresholds": {"mode": "absolute", "steps": [{"color": "blue", "value": null}]},
            },
            "overrides": [],
        },
        "options": {
            "reduceOptions": {"calcs": ["lastNotNull"], "fields": "", "values": false},
            "colorMode": "value",
            "graphMode": "none",
            "justifyMode": "auto",
            "orientation": "auto",
            "textMode": "auto",
            "wideLayout": true,
            "showPercentChange": false,
        },
    })
}

struct Trend<'a> {
    id: u32,
    x: u32,
    y: u32,
    title: &'a str,
    description: &'a str,
    targets: Vec<(String, &'a str)>,
    unit: &'a str,
    max: Option<f64>,
}

fn trend(t: Trend<'_>) -> Value {
    let refs = ["A", "B", "C", "D"];
    let targets: Vec<Value> = t
        .targets
        .into_iter()
        .zip(refs)
        .map(|((expr, legend), r)| {
            json!({
                "refId": r,
                "datasource": datasource(),
                "expr": expr,
                "range": true,
                "instant": false,
                "legendFormat": legend,
            })
        })
        .collect();
    let mut defaults = json!({
        "unit": t.unit,
        "min": 0,
        "color": {"mode": "palette-classic"},
        "custom": {
            "drawStyle": "line",
            "lineWidth": 2,
            "showPoints": "always",
            "pointSize": 6,
            // A period's sample appears at one step only: the steps between are gaps.
            "spanNulls": true,
            "fillOpacity": 0,
            "axisSoftMin": 0,
        },
    });
    if let (Some(max), Some(d)) = (t.max, defaults.as_object_mut()) {
        d.insert("max".into(), json!(max));
    }
    json!({
        "id": t.id,
        "type": "timeseries",
        "title": t.title,
        "description": t.description,
        "datasource": datasource(),
        "gridPos": grid(t.x, t.y, 12, 9),
        "targets": targets,
        "fieldConfig": {"defaults": defaults, "overrides": []},
        "options": {
            "legend": {"displayMode": "list", "placement": "bottom", "showLegend": true},
            "tooltip": {"mode": "multi", "sort": "none"},
        },
    })
}

/// The `group` variable's `All`: the whole report, whose series have no `group` label
/// (`--group-by`; Prometheus anchors the regex, and an absent label is empty).
pub const WHOLE_REPORT: &str = "^$";

/// Whole-range value of a family, as a stat panel reads it.
fn whole(family: &str, selector: &str) -> String {
    format!(
        "last_over_time({family}{{period=\"all\",team=~\"$team\",group=~\"$group\"{selector}}}[$__range])"
    )
}

/// Per-period values of a family, as a trend panel reads them.
fn per_period(family: &str, selector: &str) -> String {
    format!(
        "last_over_time({family}{{period!=\"all\",team=~\"$team\",group=~\"$group\"{selector}}}[$__interval] offset -1ms)"
    )
}

/// The `group` variable's values: the groups of the chosen team's reports.
const GROUP_VALUES: &str = "label_values(dora_deployments{team=~\"$team\"}, group)";

/// The dashboard for `summary`, as pretty JSON. Its time range is the report's range (with a
/// day either side); everything else is fixed, so the same summary gives the same bytes.
pub fn dashboard(summary: &Summary) -> String {
    let median = ",statistic=\"median\"";
    let panels = vec![
        stat(
            1,
            0,
            "Deployment frequency",
            "Successful production deployments per day over the report's whole range.",
            whole(om::DEPLOYMENT_FREQUENCY, ""),
            "suffix:/day",
        ),
        stat(
            2,
            6,
            "Lead time for changes (median)",
            "Median change lead time over the report's whole range.",
            whole(om::LEAD_TIME, median),
            "s",
        ),
        stat(
            3,
            12,
            "Change failure rate",
            "Failed deployments / deployments over the report's whole range (label method: how failures were attributed).",
            whole(om::CHANGE_FAILURE, ""),
            "percentunit",
        ),
        stat(
            4,
            18,
            "Time to restore (median)",
            "Median time to restore over the report's whole range.",
            whole(om::TIME_TO_RESTORE, median),
            "s",
        ),
        trend(Trend {
            id: 5,
            x: 0,
            y: 5,
            title: "Deployment frequency per period",
            description: "Deployments per day in each period, plotted at the period's start.",
            targets: vec![(per_period(om::DEPLOYMENT_FREQUENCY, ""), "{{period}}")],
            unit: "suffix:/day",
            max: None,
        }),
        trend(Trend {
            id: 6,
            x: 12,
            y: 5,
            title: "Lead time for changes per period",
            description: "Median and 95th percentile of change lead time in each period, plotted at the period's start.",
            targets: vec![(
                per_period(om::LEAD_TIME, ",statistic=~\"median|p95\""),
                "{{statistic}} ({{period}}, {{method}})",
            )],
            unit: "s",
            max: None,
        }),
        trend(Trend {
            id: 7,
            x: 0,
            y: 14,
            title: "Change failure rate per period",
            description: "Failed deployments / deployments in each period, plotted at the period's start.",
            targets: vec![(per_period(om::CHANGE_FAILURE, ""), "{{period}} ({{method}})")],
            unit: "percentunit",
            max: Some(1.0),
        }),
        trend(Trend {
            id: 8,
            x: 12,
            y: 14,
            title: "Time to restore per period (median)",
            description: "Median time to restore in each period, plotted at the period's start.",
            targets: vec![(per_period(om::TIME_TO_RESTORE, median), "{{period}} ({{method}})")],
            unit: "s",
            max: None,
        }),
    ];
    let description = format!(
        "dorascope {} report, {} to {} ({}), benchmark {}",
        summary.version,
        crate::time::rfc3339(summary.since),
        crate::time::rfc3339(summary.until),
        summary.timezone,
        summary.benchmark.0
    );
    let d = json!({
        "title": "DORA metrics (dorascope)",
        "uid": UID,
        "description": description,
        "tags": ["dora", "dorascope"],
        "editable": true,
        "graphTooltip": 1,
        "schemaVersion": SCHEMA_VERSION,
        "version": 1,
        "timezone": "utc",
        "refresh": "",
        "time": {
            "from": grafana_time(summary.since.saturating_sub(MARGIN)),
            "to": grafana_time(summary.until.saturating_add(MARGIN)),
        },
        "timepicker": {},
        "links": [],
        "annotations": {"list": []},
        // A datasource variable rather than an `__inputs` placeholder: it works both through
        // the import dialog and with file provisioning, which does not substitute inputs.
        "templating": {"list": [{
            "name": "datasource",
            "label": "Prometheus",
            "type": "datasource",
            "query": "prometheus",
            "current": {},
            "hide": 0,
            "includeAll": false,
            "multi": false,
            "options": [],
            "refresh": 1,
            "regex": "",
        }, {
            // Reports written with --team carry a `team` label; `All` (.*) also matches the
            // series of reports written without one.
            "name": "team",
            "label": "Team",
            "type": "query",
            "datasource": datasource(),
            "definition": "label_values(dora_deployments, team)",
            "query": {"query": "label_values(dora_deployments, team)", "refId": "team"},
            "current": {"selected": true, "text": "All", "value": "$__all"},
            "hide": 0,
            "includeAll": true,
            "allValue": ".*",
            "multi": false,
            "options": [],
            "refresh": 2,
            "regex": "",
            "sort": 1,
        }, {
            // Reports written with --group-by carry each group's series beside the whole
            // report's, which have no `group` label: `All` selects those (not every group),
            // so the panels show one value whatever was loaded.
            "name": "group",
            "label": "Group",
            "description": "All: the whole report; a name: that group's numbers (--group-by).",
            "type": "query",
            "datasource": datasource(),
            "definition": GROUP_VALUES,
            "query": {"query": GROUP_VALUES, "refId": "group"},
            "current": {"selected": true, "text": "All", "value": "$__all"},
            "hide": 0,
            "includeAll": true,
            "allValue": WHOLE_REPORT,
            "multi": false,
            "options": [],
            "refresh": 2,
            "regex": "",
            "sort": 1,
        }]},
        "panels": panels,
    });
    // Value's alternate Display is pretty JSON and cannot fail, unlike to_string_pretty.
    format!("{d:#}\n")
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::report::openmetrics::{fixture, render, strict};

    fn panels(d: &Value) -> &Vec<Value> {
        d["panels"].as_array().unwrap()
    }

    /// `(label, operator, value)`.
    type Matcher = (String, String, String);

    /// `(family, matchers)` for every `dora_` selector in a PromQL expression.
    fn selectors(expr: &str) -> Vec<(String, Vec<Matcher>)> {
        let mut out = Vec::new();
        let mut rest = expr;
        while let Some(i) = rest.find("dora_") {
            let tail = &rest[i..];
            let end = tail
                .find(|c: char| !(c.is_ascii_alphanumeric() || c == '_'))
                .unwrap_or(tail.len());
            let name = tail[..end].to_owned();
            let mut matchers = Vec::new();
            let after = &tail[end..];
            if let Some(body) = after.strip_prefix('{') {
                let close = body.find('}').unwrap();
                for m in body[..close].split(',').filter(|m| !m.is_empty()) {
                    let op_at = m.find(['=', '!']).unwrap();
                    let op_len = if m[op_at..].starts_with("=~") || m[op_at..].starts_with("!=") {
                        2
                    } else {
                        1
                    };
                    let value = m[op_at + op_len..].trim_matches('"');
                    matchers.push((
                        m[..op_at].to_owned(),
                        m[op_at..op_at + op_len].to_owned(),
                        value.to_owned(),
                    ));
                }
            }
            out.push((name, matchers));
            rest = &tail[end..];
        }
        out
    }

    /// Whether every selector of `expr` selects some series of `parsed`, the `group`
    /// variable set to `group` (`None`: its `All`, the whole report).
    fn selects(parsed: &strict::Parsed, expr: &str, group: Option<&str>) -> bool {
        let sel = selectors(expr);
        assert!(!sel.is_empty(), "{expr}");
        sel.into_iter().all(|(family, matchers)| {
            assert!(parsed.families.contains(&family), "{expr}: no family {family}");
            // Some series of the family passes every matcher (regexes as alternations).
            parsed.samples.iter().filter(|x| x.name == family).any(|x| {
                matchers.iter().all(|(k, op, v)| {
                    let got = x.labels.iter().find(|l| &l.0 == k).map(|l| l.1.as_str());
                    match op.as_str() {
                        "=" => got == Some(v.as_str()),
                        "!=" => got != Some(v.as_str()),
                        // The team variable's All value is `.*`: any series.
                        "=~" if v == "$team" => true,
                        // The group variable's All value is `^$`: no group label.
                        "=~" if v == "$group" => got == group,
                        "=~" => got.is_some_and(|g| v.split('|').any(|a| a == g)),
                        other => panic!("operator {other}"),
                    }
                })
            })
        })
    }

    fn exprs(d: &Value) -> Vec<String> {
        panels(d)
            .iter()
            .flat_map(|p| p["targets"].as_array().unwrap())
            .map(|t| t["expr"].as_str().unwrap().to_owned())
            .collect()
    }

    #[test]
    fn every_query_selects_series_that_dora_om_holds() {
        let s = fixture::three_months();
        let d: Value = serde_json::from_str(&dashboard(&s)).unwrap();
        let parsed = strict::parse(&render(&s)).unwrap();
        let exprs = exprs(&d);
        for expr in &exprs {
            assert!(selects(&parsed, expr, None), "{expr}: selects nothing in dora.om");
        }
        assert_eq!(exprs.len(), 8);
    }

    #[test]
    fn the_group_variable_picks_the_whole_report_or_one_group() {
        let s = fixture::grouped();
        let d: Value = serde_json::from_str(&dashboard(&s)).unwrap();
        let parsed = strict::parse(&render(&s)).unwrap();
        let var = d["templating"]["list"]
            .as_array()
            .unwrap()
            .iter()
            .find(|v| v["name"] == "group")
            .unwrap();
        assert_eq!(var["allValue"], WHOLE_REPORT);
        assert_eq!(var["includeAll"], true);
        assert_eq!(var["current"]["value"], "$__all", "the whole report by default");
        assert!(var["definition"].as_str().unwrap().contains(", group)"));
        let exprs = exprs(&d);
        for expr in &exprs {
            assert!(expr.contains("group=~\"$group\""), "{expr}: every panel filters");
            assert!(selects(&parsed, expr, None), "{expr}: whole report");
            assert!(selects(&parsed, expr, Some("web \"shop\"")), "{expr}: web");
            // api has no time to restore: its panels are empty, the others are not.
            let restore = expr.contains(om::TIME_TO_RESTORE);
            assert_eq!(selects(&parsed, expr, Some("api")), !restore, "{expr}: api");
            assert!(!selects(&parsed, expr, Some("nope")), "{expr}");
        }
    }

    #[test]
    fn the_selector_reader_sees_names_and_matchers() {
        // The check above is only as good as this reader.
        let sel = selectors(&per_period(om::LEAD_TIME, ",statistic=~\"median|p95\""));
        assert_eq!(sel.len(), 1);
        assert_eq!(sel[0].0, "dora_lead_time_seconds");
        assert_eq!(
            sel[0].1,
            [
                ("period".into(), "!=".into(), "all".into()),
                ("team".into(), "=~".into(), "$team".into()),
                ("group".into(), "=~".into(), "$group".into()),
                ("statistic".into(), "=~".into(), "median|p95".into())
            ]
        );
    }

    #[test]
    fn panels_are_the_promised_ones_with_unique_ids_and_units() {
        let s = fixture::three_months();
        let text = dashboard(&s);
        assert_eq!(text, dashboard(&s), "deterministic");
        let d: Value = serde_json::from_str(&text).unwrap();
        assert_eq!(d["schemaVersion"], 39);
        assert_eq!(d["uid"], UID);
        let ps = panels(&d);
        let mut ids: Vec<u64> = ps.iter().map(|p| p["id"].as_u64().unwrap()).collect();
        ids.sort_unstable();
        ids.dedup();
        assert_eq!(ids.len(), ps.len(), "panel ids are unique");
        let kind = |t: &str| ps.iter().filter(|p| p["type"] == t).count();
        assert_eq!((kind("stat"), kind("timeseries")), (4, 4));
        for p in ps {
            assert_eq!(p["datasource"]["uid"], "${datasource}");
            assert!(
                p["fieldConfig"]["defaults"]["unit"]
                    .as_str()
                    .is_some_and(|u| !u.is_empty())
            );
            for t in p["targets"].as_array().unwrap() {
                assert_eq!(t["datasource"]["uid"], "${datasource}");
            }
        }
        let unit_of = |title: &str| {
            ps.iter()
                .find(|p| p["title"] == title)
                .map(|p| p["fieldConfig"]["defaults"]["unit"].clone())
        };
        assert_eq!(unit_of("Change failure rate"), Some(json!("percentunit")));
        assert_eq!(unit_of("Lead time for changes (median)"), Some(json!("s")));
        // The lead-time trend shows the median and the 95th percentile.
        let lt = ps
            .iter()
            .find(|p| p["title"] == "Lead time for changes per period")
            .unwrap();
        let expr = lt["targets"][0]["expr"].as_str().unwrap();
        assert!(expr.contains("median|p95"), "{expr}");
        let vars = d["templating"]["list"].as_array().unwrap();
        assert!(
            vars.iter()
                .any(|v| v["name"] == "datasource" && v["query"] == "prometheus")
        );
        // Panels on the grid do not overlap.
        for (i, a) in ps.iter().enumerate() {
            for b in &ps[i + 1..] {
                let r = |p: &Value, k: &str| p["gridPos"][k].as_u64().unwrap();
                let apart = r(a, "x") + r(a, "w") <= r(b, "x")
                    || r(b, "x") + r(b, "w") <= r(a, "x")
                    || r(a, "y") + r(a, "h") <= r(b, "y")
                    || r(b, "y") + r(b, "h") <= r(a, "y");
                assert!(apart, "{} overlaps {}", a["title"], b["title"]);
            }
        }
    }

    #[test]
    fn time_range_covers_the_report() {
        let s = fixture::three_months();
        let d: Value = serde_json::from_str(&dashboard(&s)).unwrap();
        let parse = |k: &str| {
            chrono::DateTime::parse_from_rfc3339(d["time"][k].as_str().unwrap())
                .unwrap()
                .timestamp()
        };
        assert!(parse("from") < s.since);
        assert!(parse("to") >= s.until);
        assert_eq!(d["time"]["from"], "2023-12-31T00:00:00.000Z");
    }
}
