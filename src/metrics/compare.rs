//! Change against a baseline: direction-aware, and whether it is beyond noise.
//!
//! - rates (failure, rework): Newcombe's hybrid score interval for the difference of two
//!   proportions (built from the two Wilson intervals); beyond noise when it excludes zero;
//! - deployment frequency: counts over exposure times; given both counts, the current one is
//!   binomial with p = t1 / (t1 + t2) if the rates are equal; beyond noise when the Wilson
//!   interval of the observed share excludes that p;
//! - medians: beyond noise when the two 95% intervals do not overlap (conservative: it
//!   misses some real changes, never reports noise as one).

use serde::Serialize;

use crate::benchmarks::Better;
use crate::stats::{Z95, wilson};

/// Which way a change went.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Direction {
    /// Better than the baseline.
    Better,
    /// Worse than the baseline.
    Worse,
    /// Equal.
    Same,
}

impl Direction {
    /// The stable name.
    pub fn as_str(self) -> &'static str {
        match self {
            Direction::Better => "better",
            Direction::Worse => "worse",
            Direction::Same => "same",
        }
    }
}

/// Which way `current - baseline` went for a metric where `better` is good.
pub fn direction(current: f64, baseline: f64, better: Better) -> Direction {
    match (current.partial_cmp(&baseline), better) {
        (Some(std::cmp::Ordering::Greater), Better::Higher)
        | (Some(std::cmp::Ordering::Less), Better::Lower) => Direction::Better,
        (Some(std::cmp::Ordering::Equal), _) | (None, _) => Direction::Same,
        _ => Direction::Worse,
    }
}

/// Newcombe's 95% interval for p1 − p2 (method 10, from Wilson score intervals).
pub fn rate_difference(x1: u64, n1: u64, x2: u64, n2: u64) -> Option<(f64, f64)> {
    let (l1, u1) = wilson(x1, n1, Z95)?;
    let (l2, u2) = wilson(x2, n2, Z95)?;
    let (p1, p2) = (x1 as f64 / n1 as f64, x2 as f64 / n2 as f64);
    let d = p1 - p2;
    Some((
        d - ((p1 - l1).powi(2) + (u2 - p2).powi(2)).sqrt(),
        d + ((u1 - p1).powi(2) + (p2 - l2).powi(2)).sqrt(),
    ))
}

/// Whether two proportions differ beyond noise.
pub fn rates_differ(x1: u64, n1: u64, x2: u64, n2: u64) -> Option<bool> {
    rate_difference(x1, n1, x2, n2).map(|(lo, hi)| lo > 0.0 || hi < 0.0)
}

/// Whether `c1` events over `t1` and `c2` events over `t2` are different rates beyond noise.
pub fn counts_differ(c1: u64, t1: f64, c2: u64, t2: f64) -> Option<bool> {
    if t1 <= 0.0 || t2 <= 0.0 || c1 + c2 == 0 {
        return None;
    }
    let expected = t1 / (t1 + t2);
    let (lo, hi) = wilson(c1, c1 + c2, Z95)?;
    Some(expected < lo || expected > hi)
}

/// Whether two medians differ beyond noise: their intervals do not overlap.
pub fn intervals_apart(a: Option<(f64, f64)>, b: Option<(f64, f64)>) -> Option<bool> {
    let ((a0, a1), (b0, b1)) = (a?, b?);
    Some(a1 < b0 || b1 < a0)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn directions() {
        assert_eq!(direction(2.0, 1.0, Better::Higher), Direction::Better);
        assert_eq!(direction(2.0, 1.0, Better::Lower), Direction::Worse);
        assert_eq!(direction(1.0, 2.0, Better::Lower), Direction::Better);
        assert_eq!(direction(1.0, 1.0, Better::Lower), Direction::Same);
    }

    #[test]
    fn newcombe_reference_example() {
        // Newcombe (1998), table II example (a): 56/70 vs 48/80, interval 0.0524 to 0.3339.
        let (lo, hi) = rate_difference(56, 70, 48, 80).unwrap();
        assert!(
            (lo - 0.0524).abs() < 1e-4 && (hi - 0.3339).abs() < 1e-4,
            "{lo} {hi}"
        );
        assert_eq!(rates_differ(56, 70, 48, 80), Some(true));
        // 2 of 10 vs 3 of 12: noise.
        assert_eq!(rates_differ(2, 10, 3, 12), Some(false));
        assert_eq!(rates_differ(1, 0, 3, 12), None);
    }

    #[test]
    fn deployment_counts() {
        // 60 deployments in 30 days against 30 in 30 days: twice the rate, beyond noise.
        assert_eq!(counts_differ(60, 30.0, 30, 30.0), Some(true));
        // 11 against 9 over the same time: noise.
        assert_eq!(counts_differ(11, 30.0, 9, 30.0), Some(false));
        // Same rate over different lengths: 20 in 20 days against 10 in 10 days.
        assert_eq!(counts_differ(20, 20.0, 10, 10.0), Some(false));
        assert_eq!(counts_differ(0, 30.0, 0, 30.0), None);
    }

    #[test]
    fn overlapping_intervals_are_noise() {
        assert_eq!(intervals_apart(Some((1.0, 3.0)), Some((2.0, 4.0))), Some(false));
        assert_eq!(intervals_apart(Some((1.0, 2.0)), Some((2.5, 4.0))), Some(true));
        assert_eq!(intervals_apart(None, Some((2.5, 4.0))), None);
    }
}
