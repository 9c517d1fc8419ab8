//! The shares of elite / high / medium / low teams per industry that the article the project
//! started from publishes (`article-industry-shares.json`, with its source line). No DORA report
//! carries that table, so it is never the default and never unlabelled: `--industry-shares NAME`
//! places the team's categories in one of its rows, and every output says where the numbers
//! come from beside them.

use serde::{Deserialize, Serialize};

use super::Category;

/// One industry's row: percentages of teams per category, as the article prints them.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Row {
    /// The name `--industry-shares` takes (`software-technology`).
    pub key: String,
    /// The article's name for it.
    pub name: String,
    /// Other names `--industry-shares` takes (the Quick Check's keys among them).
    #[serde(default)]
    pub aliases: Vec<String>,
    /// Percentage of elite teams.
    pub elite: u8,
    /// Percentage of high teams.
    pub high: u8,
    /// Percentage of medium teams.
    pub medium: u8,
    /// Percentage of low teams.
    pub low: u8,
}

impl Row {
    /// The percentage of teams in `c`.
    pub fn share(&self, c: Category) -> u8 {
        match c {
            Category::Elite => self.elite,
            Category::High => self.high,
            Category::Medium => self.medium,
            Category::Low => self.low,
        }
    }

    fn sum(&self, keep: impl Fn(Category) -> bool) -> u8 {
        [Category::Elite, Category::High, Category::Medium, Category::Low]
            .into_iter()
            .filter(|c| keep(*c))
            .map(|c| self.share(c))
            .sum()
    }
}

/// The embedded table and its source.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Shares {
    /// Table name.
    pub name: String,
    /// Title.
    pub title: String,
    /// The article's year.
    pub year: u16,
    /// Where the numbers come from, exactly.
    pub source: String,
    /// What the table can say.
    pub can_say: String,
    /// What it cannot say.
    pub cannot_say: String,
    /// What the article's categories are, and how dorascope reads them.
    pub categories: String,
    /// The rows, in the article's order.
    pub industries: Vec<Row>,
}

/// The embedded table.
pub fn table() -> Result<Shares, String> {
    serde_json::from_str(include_str!("article-industry-shares.json"))
        .map_err(|e| format!("embedded industry shares: {e}"))
}

/// The row `name` names: its key, the article's name or an alias (`technology`, `Financial
/// Services`, `retail`), case, spaces and punctuation aside.
pub fn industry(name: &str) -> Result<Row, String> {
    let all = table()?;
    let norm = |s: &str| {
        s.chars()
            .filter(|c| c.is_ascii_alphanumeric())
            .collect::<String>()
            .to_ascii_lowercase()
    };
    let want = norm(name);
    let keys: Vec<String> = all.industries.iter().map(|r| r.key.clone()).collect();
    all.industries
        .into_iter()
        .find(|r| {
            std::iter::once(&r.key)
                .chain(std::iter::once(&r.name))
                .chain(&r.aliases)
                .any(|n| norm(n) == want)
        })
        .ok_or_else(|| {
            format!(
                "no industry '{name}' in {} (available: {})",
                all.name,
                keys.join(", ")
            )
        })
}

/// One metric's category placed in a row.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Place {
    /// Metric name (`lead_time`).
    pub metric: &'static str,
    /// The team's category for it (from `--benchmark`).
    pub category: Category,
    /// Percentage of the row's teams in that category.
    pub share: u8,
    /// Percentage in better categories.
    pub better: u8,
    /// Percentage in worse categories.
    pub worse: u8,
}

/// Where the team's categories stand in one row of the article's table.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Placement {
    /// The table's name (`article-2026-industry-shares`).
    pub table: String,
    /// The row's key.
    pub industry: String,
    /// The row's name.
    pub name: String,
    /// The table's source line, to print beside the numbers.
    pub source: String,
    /// The row as published: elite, high, medium, low percentages.
    pub shares: [u8; 4],
    /// One per metric that has a category.
    pub places: Vec<Place>,
}

/// Places each `(metric, category)` in `row`.
pub fn place(row: &Row, categories: impl IntoIterator<Item = (&'static str, Category)>) -> Placement {
    let t = table().ok();
    let places = categories
        .into_iter()
        .map(|(metric, category)| Place {
            metric,
            category,
            share: row.share(category),
            better: row.sum(|c| c < category),
            worse: row.sum(|c| c > category),
        })
        .collect();
    Placement {
        table: t.as_ref().map(|t| t.name.clone()).unwrap_or_default(),
        industry: row.key.clone(),
        name: row.name.clone(),
        source: t.map(|t| t.source).unwrap_or_default(),
        shares: [row.elite, row.high, row.medium, row.low],
        places,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_table_says_its_source_and_every_row_sums_to_100() {
        let t = table().unwrap();
        assert_eq!(t.name, "article-2026-industry-shares");
        assert!(t.source.contains("Bits Lovers, 2026"));
        assert!(t.source.contains("Not traceable to a DORA report"));
        assert_eq!(t.industries.len(), 6);
        for r in &t.industries {
            assert_eq!(
                u16::from(r.elite) + u16::from(r.high) + u16::from(r.medium) + u16::from(r.low),
                100,
                "{}",
                r.key
            );
        }
    }

    #[test]
    fn rows_are_the_articles_first_and_last() {
        let first = industry("software-technology").unwrap();
        assert_eq!(
            (first.elite, first.high, first.medium, first.low),
            (21, 34, 32, 13)
        );
        let last = industry("Government/Public Sector").unwrap();
        assert_eq!((last.elite, last.high, last.medium, last.low), (7, 19, 47, 27));
        assert_eq!(industry("technology").unwrap().key, "software-technology");
        assert_eq!(industry("consumer").unwrap().key, "retail-e-commerce");
        assert_eq!(industry("Financial Services").unwrap().key, "financial-services");
    }

    #[test]
    fn unknown_names_list_the_rows() {
        let e = industry("shipping").unwrap_err();
        assert!(
            e.contains("no industry 'shipping' in article-2026-industry-shares"),
            "{e}"
        );
        assert!(
            e.contains(
                "available: software-technology, financial-services, retail-e-commerce, manufacturing, \
                 healthcare, government"
            ),
            "{e}"
        );
    }

    #[test]
    fn every_category_splits_the_row_at_its_edges() {
        let row = industry("software-technology").unwrap();
        let p = place(
            &row,
            [
                ("lead_time", Category::Elite),
                ("deployment_frequency", Category::High),
                ("change_failure_rate", Category::Medium),
                ("time_to_restore", Category::Low),
            ],
        );
        let got: Vec<(u8, u8, u8)> = p.places.iter().map(|q| (q.better, q.share, q.worse)).collect();
        assert_eq!(got, [(0, 21, 79), (21, 34, 45), (55, 32, 13), (87, 13, 0)]);
        assert_eq!(p.shares, [21, 34, 32, 13]);
        assert_eq!(p.table, "article-2026-industry-shares");
        assert!(p.source.contains("Not traceable to a DORA report"));
    }
}
