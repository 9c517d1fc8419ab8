//! The terminal's table of groups by metrics (`report --group-by`).

use super::*;

/// The column heading of a metric in the groups table.
fn short_label(metric: Metric) -> &'static str {
    match metric {
        Metric::DeploymentFrequency => "deploy freq",
        Metric::DeploymentDaysPerWeek => "days/week",
        Metric::LeadTime => "lead time",
        Metric::TimeToRestore => "restore",
        Metric::ChangeFailureRate => "failure rate",
        Metric::DeploymentReworkRate => "rework rate",
        m => metric_label(m),
    }
}

/// One cell of the groups table: value, category and sample size, unstyled.
struct Cell {
    value: String,
    category: Option<crate::benchmarks::Category>,
    n: String,
}

impl Cell {
    fn of(row: Option<&crate::metrics::MetricRow>) -> Cell {
        match row.filter(|r| r.value.is_some_and(f64::is_finite)) {
            Some(r) => Cell {
                value: value_text(r),
                category: r.category,
                n: r.sample_size.to_string(),
            },
            None => Cell {
                value: "–".into(),
                category: None,
                n: String::new(),
            },
        }
    }
}

/// Widest the groups table gets, in columns.
const GROUPS_WIDTH: usize = 100;

fn chars(s: &str) -> usize {
    s.chars().count()
}

/// A name for one cell of `width` columns: control characters replaced (names come from the
/// inputs and must not drive the terminal), cut with `…` when longer.
fn fit(name: &str, width: usize) -> String {
    let clean: String = name
        .chars()
        .map(|c| if c.is_control() { '\u{fffd}' } else { c })
        .collect();
    if chars(&clean) <= width {
        return clean;
    }
    let mut cut: String = clean.chars().take(width.saturating_sub(1)).collect();
    cut.push('…');
    cut
}

/// With `--group-by`: one table, a row for the whole report (`all`) then one per group, a
/// column per metric of the overall section (same order, same value text), each cell the
/// value, its category's initial (coloured when `color` is on) and its sample size. At most
/// [`GROUPS_WIDTH`] columns wide: long names are cut, and if that is not enough the sample
/// sizes are left out.
pub(super) fn groups_text(o: &mut String, s: &crate::metrics::Summary, color: bool) {
    if s.groups.is_empty() {
        return;
    }
    let metrics = s.group_metrics();
    let heading = format!("by {}", s.group_by.map_or("group", |g| g.name()));
    let rows: Vec<(&str, Vec<Cell>)> = std::iter::once(("all", &s.overall[..]))
        .chain(s.groups.iter().map(|g| (g.group.as_str(), &g.overall[..])))
        .map(|(name, rows)| {
            let cells = metrics
                .iter()
                .map(|m| Cell::of(rows.iter().find(|r| r.metric == *m)))
                .collect();
            (name, cells)
        })
        .collect();
    // Per column: value width, whether any cell has a category, sample-size width.
    let column = |k: usize| {
        let value = rows.iter().map(|r| chars(&r.1[k].value)).max().unwrap_or(0);
        let category = rows.iter().any(|r| r.1[k].category.is_some());
        let n = rows.iter().map(|r| r.1[k].n.len()).max().unwrap_or(0);
        (value, category, n)
    };
    let columns: Vec<(usize, bool, usize)> = (0..metrics.len()).map(column).collect();
    let cell_width = |(value, category, n): (usize, bool, usize), with_n: bool| {
        value + if category { 2 } else { 0 } + if with_n && n > 0 { 1 + n } else { 0 }
    };
    let longest = rows.iter().map(|r| chars(r.0)).max().unwrap_or(0);
    let layout = |with_n: bool| {
        let widths: Vec<usize> = columns
            .iter()
            .zip(&metrics)
            .map(|(&c, &m)| cell_width(c, with_n).max(chars(short_label(m))))
            .collect();
        let rest: usize = widths.iter().map(|w| w + 2).sum();
        let name = longest
            .max(chars(&heading))
            .min(GROUPS_WIDTH.saturating_sub(rest))
            .max(chars(&heading));
        (widths, name)
    };
    let (mut widths, mut name_width) = layout(true);
    let mut with_n = true;
    if name_width + widths.iter().map(|w| w + 2).sum::<usize>() > GROUPS_WIDTH {
        with_n = false;
        (widths, name_width) = layout(false);
    }
    let _ = writeln!(o);
    let _ = write!(o, "{heading:<name_width$}");
    for (m, w) in metrics.iter().zip(&widths) {
        let _ = write!(o, "  {:>w$}", short_label(*m));
    }
    let _ = writeln!(o);
    for (name, cells) in &rows {
        let mut line = format!("{:<name_width$}", fit(name, name_width));
        for (k, cell) in cells.iter().enumerate() {
            let (value_w, has_category, n_w) = columns[k];
            // Padded before colouring: escape codes would count towards the width.
            let mut graded = format!("{:>value_w$}", cell.value);
            if has_category {
                let initial = cell.category.map_or(" ", |c| match c {
                    crate::benchmarks::Category::Elite => "E",
                    crate::benchmarks::Category::High => "H",
                    crate::benchmarks::Category::Medium => "M",
                    crate::benchmarks::Category::Low => "L",
                });
                graded.push(' ');
                graded.push_str(initial);
            }
            let plain_w = chars(&graded);
            let graded = match (color, cell.category) {
                (true, Some(c)) => styled(category_style(c), &graded),
                _ => graded,
            };
            let n = if with_n && n_w > 0 {
                format!(" {:>n_w$}", cell.n)
            } else {
                String::new()
            };
            let pad = widths[k].saturating_sub(plain_w + chars(&n));
            line.push_str(&format!("  {:pad$}{graded}{n}", ""));
        }
        let _ = writeln!(o, "{}", line.trim_end());
    }
    let _ = writeln!(
        o,
        "  E elite, H high, M medium, L low{}; – not available",
        if with_n { "; then the sample size n" } else { "" }
    );
}
