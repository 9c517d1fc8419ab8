//! The DORA survey's answer buckets, and where a team stands among the survey's industries
//! (the DORA Quick Check's published means and standard deviations, embedded with their
//! source). Measured values are mapped to the answer a respondent would have picked, then to
//! the Quick Check's 0–10 score, so the comparison is on the survey's own scale.

use serde::{Deserialize, Serialize};

/// One of the six answers of the survey's lead-time, deployment-frequency and recovery-time
/// questions: 1 is the worst, 6 the best.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct Answer {
    /// 1 (worst) to 6 (best), as the survey codes it.
    pub index: u8,
    /// The answer's wording (2024 and 2025 surveys).
    pub label: &'static str,
}

const DAY: f64 = 86_400.0;
/// The average Gregorian month and half-year, for the "one month" and "six months" bounds.
const MONTH: f64 = 30.436_875 * DAY;
const HALF_YEAR: f64 = 6.0 * MONTH;

/// The deployment-frequency answer for an average of `per_day` deployments a day.
///
/// The survey's top two answers overlap ("between once per hour and once per day", "on
/// demand (multiple deploys per day)"); dorascope reads "multiple per day" as at least two a
/// day on average and gives one to two a day the hourly-to-daily answer.
pub fn deployment_frequency(per_day: f64) -> Answer {
    let (index, label) = if per_day >= 2.0 {
        (6, "On demand (multiple deploys per day)")
    } else if per_day >= 1.0 {
        (5, "Between once per hour and once per day")
    } else if per_day >= 1.0 / 7.0 {
        (4, "Between once per day and once per week")
    } else if per_day >= DAY / MONTH {
        (3, "Between once per week and once per month")
    } else if per_day >= DAY / HALF_YEAR {
        (2, "Between once per month and once every six months")
    } else {
        (1, "Fewer than once per six months")
    };
    Answer { index, label }
}

/// The answer for a duration (lead time or recovery time) of `seconds`. A value on a bound
/// belongs to the slower answer: exactly one hour is not "less than one hour".
pub fn duration(seconds: f64) -> Answer {
    let (index, label) = if seconds < 3_600.0 {
        (6, "Less than one hour")
    } else if seconds < DAY {
        (5, "Less than one day")
    } else if seconds < 7.0 * DAY {
        (4, "Between one day and one week")
    } else if seconds < MONTH {
        (3, "Between one week and one month")
    } else if seconds < HALF_YEAR {
        (2, "Between one month and six months")
    } else {
        (1, "More than six months")
    };
    Answer { index, label }
}

/// The Quick Check score (0–10, 10 best) of an answer: 1..6 mapped linearly onto 0..10.
pub fn answer_score(a: Answer) -> f64 {
    f64::from(a.index - 1) * 2.0
}

/// The Quick Check score of a rate (0–1): 0% scores 10, 100% scores 0.
pub fn rate_score(rate: f64) -> f64 {
    10.0 - 10.0 * rate.clamp(0.0, 1.0)
}

/// A mean and standard deviation on the 0–10 scale.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct Spread {
    /// Mean score.
    pub mean: f64,
    /// Standard deviation.
    pub std: f64,
}

/// One industry's Quick Check baseline.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Industry {
    /// The key (`financial_services`); `--industry` also takes it with hyphens.
    pub key: String,
    /// Display name.
    pub name: String,
    /// Mean of the four scores.
    pub performance_average: Spread,
    /// Change lead time.
    pub leadtime: Spread,
    /// Deployment frequency.
    pub deployfreq: Spread,
    /// Change failure rate (inverted: 10 is 0%).
    pub changefailure: Spread,
    /// Failed deployment recovery time.
    pub failurerecovery: Spread,
}

/// The embedded industry data and its source.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Industries {
    /// Data set name.
    pub name: String,
    /// Title.
    pub title: String,
    /// Survey year.
    pub year: u16,
    /// Where the numbers come from.
    pub source: String,
    /// The industries, `all` first.
    pub industries: Vec<Industry>,
}

/// The embedded Quick Check industry baselines.
pub fn industries() -> Result<Industries, String> {
    serde_json::from_str(include_str!("quick-check-2024.json"))
        .map_err(|e| format!("embedded industry data: {e}"))
}

/// The industry `name` names (`financial-services`, `Financial Services`, `financial_services`).
pub fn industry(name: &str) -> Result<Industry, String> {
    let all = industries()?;
    let norm = |s: &str| {
        s.chars()
            .filter(|c| c.is_ascii_alphanumeric())
            .collect::<String>()
            .to_ascii_lowercase()
    };
    let want = norm(name);
    let keys: Vec<String> = all.industries.iter().map(|i| i.key.replace('_', "-")).collect();
    all.industries
        .into_iter()
        .find(|i| norm(&i.key) == want || norm(&i.name) == want)
        .ok_or_else(|| format!("no industry '{name}' (available: {})", keys.join(", ")))
}

/// Where one score stands against an industry's mean and spread.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Standing {
    /// Metric key (`leadtime`, `deployfreq`, `changefailure`, `failurerecovery`,
    /// `performance_average`).
    pub metric: &'static str,
    /// The team's score, 0–10.
    pub score: f64,
    /// The industry's mean score.
    pub industry_mean: f64,
    /// The industry's standard deviation.
    pub industry_std: f64,
    /// (score − mean) / std.
    pub z: f64,
    /// Share of the industry's respondents scoring lower, if scores were normally
    /// distributed (an approximation: the survey publishes only mean and spread).
    pub percentile: f64,
}

/// Compares a score with an industry spread.
pub fn standing(metric: &'static str, score: f64, spread: Spread) -> Standing {
    let z = if spread.std > 0.0 {
        (score - spread.mean) / spread.std
    } else {
        0.0
    };
    Standing {
        metric,
        score,
        industry_mean: spread.mean,
        industry_std: spread.std,
        z,
        percentile: normal_cdf(z),
    }
}

/// The standard normal distribution function, via erf (Abramowitz & Stegun 7.1.26, absolute
/// error below 1.5e-7: far finer than the survey's one-decimal means).
pub fn normal_cdf(z: f64) -> f64 {
    let x = z.abs() / std::f64::consts::SQRT_2;
    let t = 1.0 / (1.0 + 0.327_591_1 * x);
    let poly = t
        * (0.254_829_592
            + t * (-0.284_496_736 + t * (1.421_413_741 + t * (-1.453_152_027 + t * 1.061_405_429))));
    let erf = 1.0 - poly * (-x * x).exp();
    if z >= 0.0 {
        0.5 * (1.0 + erf)
    } else {
        0.5 * (1.0 - erf)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn frequency_answers_at_every_bound() {
        let i = |v: f64| deployment_frequency(v).index;
        assert_eq!(i(2.0), 6);
        assert_eq!(i(1.999), 5);
        assert_eq!(i(1.0), 5);
        assert_eq!(i(0.999), 4);
        assert_eq!(i(1.0 / 7.0), 4);
        assert_eq!(i(1.0 / 7.0 - 1e-9), 3);
        assert_eq!(i(1.0 / 30.436_875), 3);
        assert_eq!(i(1.0 / 30.436_875 - 1e-9), 2);
        assert_eq!(i(1.0 / 182.621_25), 2);
        assert_eq!(i(1.0 / 182.621_25 - 1e-9), 1);
        assert_eq!(i(0.0), 1);
    }

    #[test]
    fn duration_answers_at_every_bound() {
        let i = |v: f64| duration(v).index;
        assert_eq!(i(0.0), 6);
        assert_eq!(i(3_599.0), 6);
        assert_eq!(i(3_600.0), 5);
        assert_eq!(i(86_399.0), 5);
        assert_eq!(i(86_400.0), 4);
        assert_eq!(i(604_799.0), 4);
        assert_eq!(i(604_800.0), 3);
        assert_eq!(i(MONTH - 1.0), 3);
        assert_eq!(i(MONTH), 2);
        assert_eq!(i(HALF_YEAR - 1.0), 2);
        assert_eq!(i(HALF_YEAR), 1);
    }

    #[test]
    fn scores_follow_the_quick_check() {
        assert_eq!(answer_score(duration(10.0)), 10.0);
        assert_eq!(answer_score(duration(1e9)), 0.0);
        assert_eq!(answer_score(duration(100_000.0)), 6.0);
        assert_eq!(rate_score(0.0), 10.0);
        assert!((rate_score(0.17) - 8.3).abs() < 1e-12);
        assert_eq!(rate_score(1.5), 0.0);
    }

    #[test]
    fn industries_are_embedded_with_their_source() {
        let all = industries().unwrap();
        assert_eq!(all.industries.len(), 14);
        assert_eq!(all.industries[0].key, "all");
        assert!(all.source.contains("6641837da6f8660c86c512a57da5492b880033bd"));
        let f = industry("financial-services").unwrap();
        assert_eq!(f.name, "Financial Services");
        assert_eq!((f.leadtime.mean, f.leadtime.std), (4.9, 2.4));
        assert_eq!(industry("Retail/Consumer/e-Commerce").unwrap().key, "consumer");
        assert!(industry("shipping").unwrap_err().contains("financial-services"));
    }

    #[test]
    fn normal_cdf_reference_values() {
        assert!((normal_cdf(0.0) - 0.5).abs() < 1e-7);
        assert!((normal_cdf(1.959_964) - 0.975).abs() < 1e-6);
        assert!((normal_cdf(-1.0) - 0.158_655_3).abs() < 1e-6);
        let s = standing("leadtime", 8.0, Spread { mean: 5.0, std: 2.0 });
        assert!((s.z - 1.5).abs() < 1e-12 && (s.percentile - 0.933_192_8).abs() < 1e-6);
    }
}
