//! Benchmark profiles: embedded data files, each with its source, that place a metric value in
//! a category (elite / high / medium / low). Only values a source backs are shipped; the
//! profile says which source and how sure it is.

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

/// The listing `dorascope benchmarks` prints.
pub fn listing() -> Result<String, String> {
    use std::fmt::Write as _;
    let mut out = String::new();
    for p in profiles()? {
        let _ = writeln!(out, "{} — {}", p.name, p.title);
        let _ = writeln!(out, "  source: {}", p.source);
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
    let ind = survey::industries()?;
    let _ = writeln!(out, "\nIndustries (--industry): {}", ind.title);
    let _ = writeln!(out, "  source: {}", ind.source);
    for i in &ind.industries {
        let _ = writeln!(
            out,
            "  {:<28} {:<30} overall {:.1} ± {:.1}",
            i.key.replace('_', "-"),
            i.name,
            i.performance_average.mean,
            i.performance_average.std
        );
    }
    out.push_str(
        "\nNot shipped, for want of a primary source: the DORA 2023 and 2024 reports' cluster tables \
         (known only from secondary summaries), the 2025 report (seven team profiles, no tiers), and \
         shares of elite/high/medium/low teams per industry.\n",
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
}
