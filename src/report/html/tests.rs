use crate::model::Metric;
use std::collections::HashMap;
use std::sync::Arc;

use super::*;
use crate::metrics::testutil::{deployment, incident};
use crate::metrics::{Baseline, Inputs, Options};
use crate::model::CommitTime;
use crate::model::{FailureMethod, LeadTimeMethod, RestoreMethod};
use crate::periods::PeriodSpec;
use crate::time::parse::Zone;

const DAY: i64 = 86_400;
const T0: i64 = 1_719_792_000; // 2024-07-01T00:00:00Z

fn options(period: PeriodSpec) -> Options {
    Options {
        failure: FailureMethod::Window,
        failure_window: 2 * DAY,
        fix_tags: None,
        restore: RestoreMethod::Incident,
        lead_time: LeadTimeMethod::Commit,
        lead_rule: Default::default(),
        commit_time: CommitTime::Author,
        period,
        zone: ("UTC".into(), Zone::parse("UTC").unwrap()),
        since: None,
        until: None,
        baseline: Baseline::Previous,
        benchmark: crate::benchmarks::profile("four-tier").unwrap(),
        industry: Some(crate::benchmarks::survey::industry("technology").unwrap()),
        industry_shares: None,
        team: None,
    }
}

fn sha(n: u8) -> Sha {
    let mut b = [0u8; 20];
    b[0] = n;
    b[19] = n;
    Sha(b)
}

fn change(n: u8, lead: i64, deployed_at: i64, dep: &str) -> Change {
    Change {
        repo: Arc::from("app"),
        sha: sha(n),
        author_time: deployed_at - lead,
        commit_time: deployed_at - lead,
        is_merge: false,
        deployment: Some(Arc::from(dep)),
        deployed_at: Some(deployed_at),
        lead_time_seconds: Some(lead),
        backlog: false,
        services: Vec::new(),
        teams: Vec::new(),
        meaningful: true,
        shipped_via: None,
    }
}

/// Everything a page needs, owned, so each test can vary one part.
struct Fixture {
    summary: Summary,
    changes: Vec<Change>,
    deployments: Vec<Deployment>,
    reasons: Vec<Option<String>>,
    incidents: Vec<Incident>,
    attribution: Vec<(Option<String>, String)>,
    subjects: HashMap<Sha, String>,
    provenance: serde_json::Value,
}

impl Fixture {
    fn build(
        changes: Vec<Change>,
        deployments: Vec<Deployment>,
        incidents: Vec<Incident>,
        period: PeriodSpec,
    ) -> Fixture {
        let inputs = Inputs {
            changes: crate::metrics::Changes::All(&changes),
            deployments: &deployments,
            incidents: &incidents,
            merge_requests: &[],
            reverts: &[],
            has_repo: !changes.is_empty(),
            has_incidents: !incidents.is_empty(),
        };
        let out = crate::metrics::compute(inputs, &options(period)).unwrap();
        let attribution = out
            .failures
            .incidents
            .iter()
            .map(|a| (a.deployment.map(|d| deployments[d].name.clone()), a.why.clone()))
            .collect();
        let mut deployments = deployments;
        for (d, why) in deployments.iter_mut().zip(&out.failures.failed) {
            d.failed = Some(why.is_some());
        }
        Fixture {
            summary: out.summary,
            changes,
            deployments,
            reasons: out.failures.failed,
            incidents,
            attribution,
            subjects: HashMap::new(),
            provenance: serde_json::json!({}),
        }
    }

    /// Three months of weekly deployments, changes with varied lead times, four incidents.
    fn typical() -> Fixture {
        let mut deployments = Vec::new();
        let mut changes = Vec::new();
        for w in 0..13u8 {
            let t = T0 + i64::from(w) * 7 * DAY + 3_600;
            let name = format!("v1.{w}.0");
            deployments.push(deployment(&name, t));
            for k in 0..4u8 {
                let lead = 600 * 6i64.pow(u32::from(k)) + i64::from(w) * 60;
                changes.push(change(w * 4 + k + 1, lead, t, &name));
            }
        }
        let mut incidents = vec![
            incident("INC-1", T0 + 7 * DAY + 7_200, Some(T0 + 7 * DAY + 10_800)),
            incident("INC-2", T0 + 30 * DAY, Some(T0 + 31 * DAY)),
            incident("INC-3", T0 + 50 * DAY + 3_700, Some(T0 + 50 * DAY + 5_000)),
            incident("INC-4", T0 + 80 * DAY, None),
        ];
        incidents[0].title = Some("Checkout fails".into());
        Fixture::build(changes, deployments, incidents, PeriodSpec::Month)
    }

    /// Inputs that try to break out of the markup.
    fn hostile() -> Fixture {
        let mut f = Fixture::typical();
        let evil = r#"<script>alert("x")</script> & 'q' <img src=x onerror=alert(1)>"#;
        f.incidents[0].title = Some(format!("title {evil}"));
        f.incidents[1].id = format!("id {evil}");
        f.incidents[1].severity = Some(evil.into());
        for c in &f.changes {
            f.subjects.insert(c.sha, format!("subject {evil}"));
        }
        f.deployments[1].name = format!("dep {evil}");
        f.reasons[1] = Some(format!("reason {evil}"));
        f.attribution[0].1 = format!("why {evil}");
        f.provenance = serde_json::json!({
            "inputs": [{"path": format!("file {evil}"), "sha256": "ab"}],
            format!("key {evil}"): true,
        });
        f
    }

    fn render(&self, generated_at: Option<&str>) -> String {
        render(&HtmlInput {
            summary: &self.summary,
            changes: &self.changes,
            deployments: &self.deployments,
            failure_reasons: &self.reasons,
            incidents: &self.incidents,
            incident_attribution: &self.attribution,
            subjects: &self.subjects,
            provenance: &self.provenance,
            generated_at,
        })
    }
}

/// The name of every tag in `html` (input text is escaped, so every `<` is markup).
fn tags(html: &str) -> Vec<&str> {
    html.split('<')
        .skip(1)
        .map(|t| t.split('>').next().unwrap_or(""))
        .collect()
}

const ALLOWED: &[&str] = &[
    "!DOCTYPE",
    "html",
    "head",
    "meta",
    "title",
    "style",
    "body",
    "main",
    "header",
    "section",
    "h1",
    "h2",
    "h3",
    "p",
    "b",
    "span",
    "div",
    "table",
    "thead",
    "tbody",
    "tr",
    "th",
    "td",
    "code",
    "ul",
    "li",
    "figure",
    "figcaption",
    "svg",
    "rect",
    "line",
    "circle",
    "polyline",
    "polygon",
    "path",
    "text",
];

#[test]
fn escape_covers_markup_and_quotes() {
    assert_eq!(
        escape(r#"<script>a && "b" 'c'</script>"#),
        "&lt;script&gt;a &amp;&amp; &quot;b&quot; &#39;c&#39;&lt;/script&gt;"
    );
    assert_eq!(escape("tab\tnl\nnul\0"), "tab\tnl\nnul\u{fffd}");
}

#[test]
fn input_text_stays_text() {
    let f = Fixture::hostile();
    let html = f.render(None);
    assert!(!html.contains("<script"), "a script tag got through");
    assert!(!html.contains("<img"), "an img tag got through");
    let escaped = "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; &amp; &#39;q&#39; &lt;img src=x";
    for what in [
        "subject ", "title ", "id ", "dep ", "reason ", "why ", "file ", "key ",
    ] {
        assert!(
            html.contains(&format!("{what}{escaped}")),
            "{what}text is not shown escaped"
        );
    }
    for t in tags(&html) {
        let name = t.trim_start_matches('/').split([' ', '/']).next().unwrap_or("");
        assert!(ALLOWED.contains(&name), "unexpected tag <{t}>");
        for bad in ["src=", "href=", "url(", "http", "on"] {
            let attrs = t.split_once(' ').map_or("", |(_, a)| a);
            let hit = attrs
                .split(' ')
                .any(|a| a.starts_with(bad) && (bad != "on" || a.contains('=')));
            assert!(!hit, "<{t}> carries {bad}");
        }
    }
}

#[test]
fn no_external_references() {
    let html = Fixture::typical().render(Some("2025-01-01T00:00:00Z"));
    for bad in [
        "http://",
        "https://",
        "src=",
        "href=",
        "@import",
        "url(",
        "<script",
        "<link",
        "xmlns",
        "@font-face",
    ] {
        assert!(!html.contains(bad), "the page contains {bad}");
    }
    assert!(html.contains("@media print"));
}

#[test]
fn same_inputs_same_bytes() {
    let mut a = Fixture::hostile();
    let first = a.render(None);
    assert_eq!(first, a.render(None));
    // The subjects map's iteration order must not leak into the page.
    let mut pairs: Vec<(Sha, String)> = a.subjects.drain().collect();
    pairs.reverse();
    a.subjects = pairs.into_iter().collect();
    assert_eq!(first, a.render(None));
    assert!(!first.contains("generated "));
    let stamped = a.render(Some("2025-01-01T00:00:00Z"));
    assert!(stamped.contains("generated 2025-01-01T00:00:00Z"));
}

#[test]
fn worst_changes_longest_first_with_ties_broken() {
    let mut v = vec![
        change(1, 100, 5_000, "a"),
        change(2, 300, 6_000, "b"),
        change(3, 300, 5_000, "a"), // ties with 2, deployed earlier: first
        change(4, 300, 5_000, "a"), // ties with 3 on time too: by sha
        change(5, 10_000, 5_000, "a"),
        change(6, -5, 5_000, "a"),
        change(7, 20_000, 5_000, "a"),
        change(8, 30_000, 5_000, "a"),
        change(9, 40_000, 5_000, "a"),
    ];
    v[4].backlog = true;
    v[6].is_merge = true;
    v[7].deployed_at = None;
    v[7].lead_time_seconds = None;
    let shas = |v: &[Change], idx: Vec<usize>| idx.into_iter().map(|i| v[i].sha).collect::<Vec<_>>();
    assert_eq!(
        shas(&v, worst_changes(&v, 4)),
        vec![sha(9), sha(3), sha(4), sha(2)]
    );
    assert_eq!(
        shas(&v, worst_changes(&v, 100)),
        vec![sha(9), sha(3), sha(4), sha(2), sha(1)],
        "backlog, merges, negative and undeployed changes do not count"
    );
    assert!(worst_changes(&v, 0).is_empty());
    assert!(worst_changes(&[], 5).is_empty());
    let mut reversed = v.clone();
    reversed.reverse();
    assert_eq!(
        shas(&reversed, worst_changes(&reversed, 3)),
        vec![sha(9), sha(3), sha(4)],
        "the order does not depend on the input order"
    );
    let rules = Counted {
        rule: crate::model::LeadRule {
            include_merges: true,
            include_backlog: true,
        },
        ..Counted::default()
    };
    assert_eq!(
        shas(&v, worst_changes_by(&v, 3, rules)),
        vec![sha(9), sha(7), sha(5)]
    );
}

#[test]
fn the_table_shows_the_summarys_range() {
    let f = Fixture::typical();
    let shown = shown_changes(&f.summary, &f.changes);
    assert_eq!(shown.len(), WORST_CHANGES);
    let longest = f.changes.iter().filter_map(|c| c.lead_time_seconds).max();
    assert_eq!(f.changes[shown[0]].lead_time_seconds, longest);
}

/// Every numeric attribute of the SVG markup parses as a finite number.
fn assert_finite_svg(html: &str) {
    assert!(!html.contains("NaN"), "NaN in the page");
    for t in tags(html) {
        for attr in t.split(' ').skip(1) {
            let Some((name, value)) = attr.split_once('=') else {
                continue;
            };
            let value = value.trim_end_matches('/').trim_matches('"');
            if [
                "x", "y", "width", "height", "cx", "cy", "r", "x1", "y1", "x2", "y2",
            ]
            .contains(&name)
            {
                let n: f64 = value.parse().unwrap_or_else(|_| panic!("<{t}>: {name}={value}"));
                assert!(n.is_finite(), "<{t}>");
            }
            if name == "d" {
                assert!(
                    value.chars().all(|c| c.is_ascii_digit() || " .-Mhvz".contains(c)),
                    "<{t}>"
                );
            }
            if name == "points" {
                for p in value.split([' ', ',']) {
                    assert!(p.parse::<f64>().is_ok_and(f64::is_finite), "<{t}>");
                }
            }
        }
    }
}

#[test]
fn odd_data_renders_without_nan() {
    // Incidents only: no deployment, no change, no lead time.
    let only_incidents = Fixture::build(
        Vec::new(),
        Vec::new(),
        vec![incident("I", T0, Some(T0 + 60)), incident("J", T0 + 90, None)],
        PeriodSpec::Month,
    );
    // One deployment, no incident, one period.
    let one = Fixture::build(
        Vec::new(),
        vec![deployment("v1", T0)],
        Vec::new(),
        PeriodSpec::Year,
    );
    // Everything empty that a summary can hold.
    let mut empty = Fixture::build(
        Vec::new(),
        vec![deployment("v1", T0)],
        Vec::new(),
        PeriodSpec::Year,
    );
    empty.summary.overall.clear();
    empty.summary.periods.clear();
    empty.summary.failure_methods.clear();
    empty.summary.industry = None;
    empty.deployments.clear();
    empty.reasons.clear();
    // A NaN that reached the summary somehow.
    let mut nan = Fixture::typical();
    for r in nan
        .summary
        .periods
        .iter_mut()
        .chain(nan.summary.overall.iter_mut())
    {
        r.value = Some(f64::NAN);
        r.baseline_value = Some(f64::INFINITY);
    }
    for f in [&only_incidents, &one, &empty, &nan] {
        let html = f.render(None);
        assert_finite_svg(&html);
        assert!(html.ends_with("</html>\n"));
    }
    assert!(only_incidents.render(None).contains("No change with a lead time"));
}

/// The markup of the figure whose caption starts with `caption`.
fn figure<'a>(html: &'a str, caption: &str) -> &'a str {
    html.split("<figure>")
        .find(|f| f.contains(&format!("<figcaption><b>{caption}</b>")))
        .and_then(|f| f.split("</figure>").next())
        .unwrap_or_else(|| panic!("no figure {caption}"))
}

#[test]
fn bands_where_the_benchmark_has_a_category() {
    let html = Fixture::typical().render(None);
    for m in [
        "deployment frequency",
        "lead time (median)",
        "time to restore (median)",
        "change failure rate",
    ] {
        let f = figure(&html, m);
        assert!(f.contains("class=\"band elite\""), "{m}: no elite band");
        assert!(f.contains("class=\"band low\""), "{m}: no low band");
    }
    assert!(!figure(&html, "deployment rework rate").contains("class=\"band "));
}

#[test]
fn chart_numbers_match_the_summary() {
    let f = Fixture::typical();
    let html = f.render(None);
    let lead = f
        .summary
        .overall
        .iter()
        .find(|r| r.metric == Metric::LeadTime)
        .unwrap();
    assert!(
        html.contains(&format!("{} changes deployed in the range", lead.sample_size)),
        "the histogram counts the changes the median is over"
    );
    let bars: u64 = html
        .split("<title>")
        .filter_map(|t| t.split(" changes</title>").next())
        .filter_map(|t| t.rsplit(": ").next()?.parse::<u64>().ok())
        .sum();
    assert_eq!(bars, lead.sample_size);
    let median = super::super::summary::human_duration(lead.value.unwrap());
    assert!(html.contains(&format!("median {median}")));
    // One point per period with a value, its tooltip the table's value.
    let cfr: Vec<&MetricRow> = f
        .summary
        .periods
        .iter()
        .filter(|r| r.metric == Metric::ChangeFailureRate)
        .collect();
    let fig = figure(&html, "change failure rate");
    for r in cfr {
        let partial = if r.partial { " (partial)" } else { "" };
        let v = format!("{}{partial}: {:.1}%", r.period, r.value.unwrap() * 100.0);
        assert!(fig.contains(&v), "no point {v}");
    }
}

#[test]
fn many_records_stay_small() {
    let mut deployments = Vec::new();
    let mut changes = Vec::new();
    for i in 0..3_000i64 {
        let t = T0 + i * 3 * 3_600;
        let name = format!("d{i}");
        deployments.push(deployment(&name, t));
        for k in 0..20 {
            let mut c = change(0, 60 * (k * k + 1) + i, t, &name);
            c.sha.0[1..9].copy_from_slice(&(i * 100 + k).to_le_bytes());
            changes.push(c);
        }
    }
    let incidents = (0..400)
        .map(|i| incident(&format!("I{i}"), T0 + i * DAY / 3, Some(T0 + i * DAY / 3 + 600)))
        .collect();
    let f = Fixture::build(changes, deployments, incidents, PeriodSpec::Days(1));
    let html = f.render(None);
    assert!(html.len() < 300_000, "{} bytes", html.len());
    assert_finite_svg(&html);
    assert!(
        html.contains("the latest 260 periods"),
        "daily periods over a year are cut"
    );
    assert!(
        html.contains("class=\"interval\""),
        "dense trends draw an interval band"
    );
}

#[test]
fn methods_that_cannot_decide_say_why() {
    let typical = Fixture::typical();
    // The same deployments without any incident export: the incident methods cannot decide.
    let f = Fixture::build(
        typical.changes.clone(),
        typical.deployments.clone(),
        Vec::new(),
        PeriodSpec::Month,
    );
    let html = f.render(None);
    assert!(
        html.contains("<td>window (chosen)</td><td class=\"num\" colspan=\"3\""),
        "window should say it cannot decide"
    );
    assert!(html.contains("cannot decide: needs incident exports (--incidents)"));
    // With incidents it shows counts.
    assert!(!typical.render(None).contains("cannot decide"));
}
