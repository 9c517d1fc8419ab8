//! Benchmark profiles: embedded data files, each with its source, that place a metric value in
//! a category (elite / high / medium / low). Only values a source backs are shipped; the
//! profile says which source and how sure it is.

pub mod shares;
pub mod survey;

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

/// Which way is better for a metric.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Better {
    /// More is better (deployment frequency).
    Higher,
    /// Less is better (lead time, restore time, failure and rework rates).
    Lower,
}

/// A metric's category thresholds: the boundary values of elite, high and medium.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Thresholds {
    /// Direction.
    pub better: Better,
    /// Boundary of elite.
    pub elite: f64,
    /// Boundary of high.
    pub high: f64,
    /// Boundary of medium; beyond it is low.
    pub medium: f64,
    /// Whether a value equal to a boundary is in the better category (`≤ 15%`); otherwise the
    /// boundary belongs to the worse one (`< 1 hour`, and for higher-is-better `≥` always).
    #[serde(default)]
    pub inclusive: bool,
}

/// A category, best first.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Category {
    /// Best.
    Elite,
    /// Second.
    High,
    /// Third.
    Medium,
    /// Worst.
    Low,
}

impl Category {
    /// The name reports print (`elite`).
    pub fn name(self) -> &'static str {
        match self {
            Category::Elite => "elite",
            Category::High => "high",
            Category::Medium => "medium",
            Category::Low => "low",
        }
    }
}

impl Thresholds {
    /// The category of `value`, or `None` for a value that is not a number.
    pub fn categorize(&self, value: f64) -> Option<Category> {
        if value.is_nan() {
            return None;
        }
        let within = |bound: f64| match (self.better, self.inclusive) {
            (Better::Higher, _) => value >= bound,
            (Better::Lower, true) => value <= bound,
            (Better::Lower, false) => value < bound,
        };
        Some(if within(self.elite) {
            Category::Elite
        } else if within(self.high) {
            Category::High
        } else if within(self.medium) {
            Category::Medium
        } else {
            Category::Low
        })
    }
}

/// A benchmark profile.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Profile {
    /// The name `--benchmark` takes.
    pub name: String,
    /// A one-line title.
    pub title: String,
    /// The report year, when the profile is one report's.
    pub year: Option<u16>,
    /// Where the numbers come from, and how sure that is.
    pub source: String,
    /// What the profile can say.
    #[serde(default)]
    pub can_say: String,
    /// What it cannot say.
    #[serde(default)]
    pub cannot_say: String,
    /// Thresholds by metric name.
    pub metrics: BTreeMap<String, Thresholds>,
}

const EMBEDDED: &[&str] = &[include_str!("four-tier.json")];

/// Every embedded profile.
pub fn profiles() -> Result<Vec<Profile>, String> {
    EMBEDDED
        .iter()
        .map(|text| serde_json::from_str(text).map_err(|e| format!("embedded benchmark profile: {e}")))
        .collect()
}

/// The profile named `name`.
pub fn profile(name: &str) -> Result<Profile, String> {
    let all = profiles()?;
    let names: Vec<String> = all.iter().map(|p| p.name.clone()).collect();
    if let Some(year) = name.strip_prefix("dora-") {
        if !names.iter().any(|n| n == name) {
            return Err(format!(
                "the DORA {year} report's cluster table is not shipped: its values could not be checked \
                 against the report itself (available: {}; `dorascope benchmarks` says why)",
                names.join(", ")
            ));
        }
    }
    all.into_iter()
        .find(|p| p.name == name)
        .ok_or_else(|| format!("no benchmark profile '{name}' (available: {})", names.join(", ")))
}

/// The listing `dorascope benchmarks` prints: every table dorascope ships, with its source and
/// what it can and cannot say.
pub fn listing() -> Result<String, String> {
    use std::fmt::Write as _;
    let mut out = String::new();
    for (n, p) in profiles()?.into_iter().enumerate() {
        // The first line names the first profile (scripts read it); the others follow a blank.
        let _ = writeln!(out, "{}{} — {}", if n == 0 { "" } else { "\n" }, p.name, p.title);
        let _ = writeln!(out, "  use: --benchmark {} (a category per metric)", p.name);
        let _ = writeln!(out, "  source: {}", p.source);
        let _ = writeln!(out, "  can say: {}", p.can_say);
        let _ = writeln!(out, "  cannot say: {}", p.cannot_say);
        for (metric, t) in &p.metrics {
            let (lt, le) = match (t.better, t.inclusive) {
                (Better::Higher, _) => (">=", ">="),
                (Better::Lower, true) => ("<=", "<="),
                (Better::Lower, false) => ("<", "<"),
            };
            let _ = writeln!(
                out,
                "  {metric}: elite {lt} {}, high {le} {}, medium {le} {}, else low",
                t.elite, t.high, t.medium
            );
        }
    }
    let _ = writeln!(
        out,
        "\nDORA Quick Check baselines (--industry NAME[@EDITION], or --org-size SIZE[@EDITION]; \
         editions {}, default {}): mean ± standard deviation on the Quick Check's 0-10 scale, 10 best",
        survey::EDITIONS
            .iter()
            .map(u16::to_string)
            .collect::<Vec<_>>()
            .join(", "),
        survey::DEFAULT_EDITION
    );
    for t in survey::tables()? {
        let _ = writeln!(out, "\n{} — {}", t.name, t.title);
        let _ = writeln!(out, "  source: {}", t.source);
        let _ = writeln!(out, "  can say: {}", t.can_say);
        let _ = writeln!(out, "  cannot say: {}", t.cannot_say);
        for (metric, why) in &t.withheld {
            let _ = writeln!(out, "  not placed: {metric}: {why}");
        }
        for i in &t.industries {
            let name = i.short.clone().unwrap_or_else(|| i.key.replace('_', "-"));
            let mut line = format!(
                "  {:<28} {:<30} lead {:.1} ± {:.1}, deploy {:.1} ± {:.1}, failure {:.1} ± {:.1}, recovery {:.1} ± {:.1}",
                name,
                i.name,
                i.leadtime.mean,
                i.leadtime.std,
                i.deployfreq.mean,
                i.deployfreq.std,
                i.changefailure.mean,
                i.changefailure.std,
                i.failurerecovery.mean,
                i.failurerecovery.std
            );
            if let Some(r) = i.rework {
                let _ = write!(line, ", rework {:.1} ± {:.1}", r.mean, r.std);
            }
            if !t.withheld.contains_key("performance_average") {
                let _ = write!(
                    line,
                    ", overall {:.1} ± {:.1}",
                    i.performance_average.mean, i.performance_average.std
                );
            }
            let _ = writeln!(out, "{}", line.trim_end());
        }
    }
    let s = shares::table()?;
    let _ = writeln!(
        out,
        "\nIndustry shares (--industry-shares NAME): never the default, always printed with its source"
    );
    let _ = writeln!(out, "\n{} — {}", s.name, s.title);
    let _ = writeln!(out, "  source: {}", s.source);
    let _ = writeln!(out, "  can say: {}", s.can_say);
    let _ = writeln!(out, "  cannot say: {}", s.cannot_say);
    let _ = writeln!(out, "  categories: {}", s.categories);
    for r in &s.industries {
        let _ = writeln!(
            out,
            "  {:<28} {:<30} elite {}%, high {}%, medium {}%, low {}%",
            r.key, r.name, r.elite, r.high, r.medium, r.low
        );
    }
    out.push_str(
        "\nNot shipped, for want of a primary source: the DORA 2023 and 2024 reports' cluster tables \
         (known only from secondary summaries), the 2025 report (seven team profiles, no tiers), and \
         shares of elite/high/medium/low teams per industry from any DORA source.\n",
    );
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn four_tier() -> Profile {
        profile("four-tier").unwrap_or_else(|e| panic!("{e}"))
    }

    fn cat(metric: &str, v: f64) -> Option<Category> {
        four_tier().metrics[metric].categorize(v)
    }

    #[test]
    fn embedded_profiles_parse_and_say_their_source() {
        let all = profiles().unwrap();
        assert!(all.iter().all(|p| !p.source.is_empty() && !p.metrics.is_empty()));
        assert!(profile("dora-1999").unwrap_err().contains("available: four-tier"));
        assert!(profile("dora-2024").unwrap_err().contains("not shipped"));
        assert!(profile("elite").unwrap_err().starts_with("no benchmark profile"));
    }

    #[test]
    fn lead_and_restore_boundaries_belong_to_the_worse_category() {
        for m in ["lead_time_seconds", "time_to_restore_seconds"] {
            assert_eq!(cat(m, 3599.0), Some(Category::Elite));
            assert_eq!(
                cat(m, 3600.0),
                Some(Category::High),
                "< 1 hour is elite, 1 hour is not"
            );
            assert_eq!(cat(m, 86_399.0), Some(Category::High));
            assert_eq!(cat(m, 86_400.0), Some(Category::Medium));
            assert_eq!(cat(m, 604_799.0), Some(Category::Medium));
            assert_eq!(cat(m, 604_800.0), Some(Category::Low));
        }
    }

    #[test]
    fn failure_rate_boundaries_are_inclusive() {
        let m = "change_failure_rate";
        assert_eq!(cat(m, 0.0), Some(Category::Elite));
        assert_eq!(cat(m, 0.15), Some(Category::Elite), "≤ 15% is elite");
        assert_eq!(cat(m, 0.1501), Some(Category::High));
        assert_eq!(cat(m, 0.30), Some(Category::High));
        assert_eq!(cat(m, 0.45), Some(Category::Medium));
        assert_eq!(cat(m, 0.4501), Some(Category::Low));
        assert_eq!(cat(m, f64::NAN), None);
    }

    #[test]
    fn deployment_frequency_boundaries_count_as_reached() {
        let m = "deployment_frequency_per_day";
        assert_eq!(cat(m, 1.0), Some(Category::Elite));
        assert_eq!(cat(m, 0.9999), Some(Category::High));
        assert_eq!(cat(m, 0.23), Some(Category::High));
        assert_eq!(cat(m, 0.2299), Some(Category::Medium));
        assert_eq!(cat(m, 0.03), Some(Category::Medium));
        assert_eq!(cat(m, 0.0299), Some(Category::Low));
        assert_eq!(cat(m, 0.0), Some(Category::Low));
    }

    #[test]
    fn the_listing_names_every_table_with_its_source_and_limits() {
        let text = listing().unwrap();
        for name in [
            "four-tier — ",
            "quick-check-2024 — ",
            "quick-check-2025 — ",
            "quick-check-2024-organization-size — ",
            "quick-check-2025-organization-size — ",
            "article-2026-industry-shares — ",
        ] {
            let at = text.find(name).unwrap_or_else(|| panic!("{name} missing"));
            assert!(at == 0 || text[..at].ends_with('\n'), "{name}");
            let block: Vec<&str> = text[at..]
                .lines()
                .filter(|l| !l.starts_with("  use: "))
                .take(4)
                .collect();
            assert!(block[1].starts_with("  source: "), "{name}: {block:?}");
            assert!(block[2].len() > "  can say: ".len() && block[2].starts_with("  can say: "));
            assert!(block[3].len() > "  cannot say: ".len() && block[3].starts_with("  cannot say: "));
        }
        assert!(text.contains("editions 2024, 2025, default 2024"));
        assert!(text.contains("  not placed: failurerecovery: The organization-size file's recovery means"));
        assert!(text.contains(
            "  software-technology          Software & Technology          elite 21%, high 34%, medium 32%, low 13%"
        ));
        assert!(text.contains("Not traceable to a DORA report"));
        assert!(text.contains(
            "  20-99                        20 to 99 employees             lead 5.8 ± 2.3, deploy 4.4 ± 2.4, \
             failure 8.3 ± 1.8, recovery 2.4 ± 1.9, rework 7.7 ± 2.1"
        ));
    }
}
