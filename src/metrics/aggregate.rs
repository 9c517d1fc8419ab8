//! Duration statistics per period: the samples are grouped by period in one pass, then
//! `stats` gives count, median, p75, p90, p95 (linear interpolation between closest ranks,
//! type 7), mean and the median's interval of each group.

use serde::Serialize;

use crate::stats;

/// The statistics of one period's durations.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct DurationStats {
    /// Number of values.
    pub count: u64,
    /// Median (interpolated).
    pub median: f64,
    /// 75th percentile.
    pub p75: f64,
    /// 90th percentile.
    pub p90: f64,
    /// 95th percentile.
    pub p95: f64,
    /// Mean.
    pub mean: f64,
    /// 95% interval of the median.
    pub interval: Option<(f64, f64)>,
}

/// Bootstrap resamples per interval.
pub const RESAMPLES: usize = 2_000;

/// Above this many values, the median's interval comes from order statistics instead of the
/// bootstrap: the bootstrap's cost grows with n times resamples, and at this size both give
/// the same interval to well under a second of duration.
pub const BOOTSTRAP_MAX: usize = 5_000;

/// The 95% interval of the median of `values`: a seeded percentile bootstrap up to
/// [`BOOTSTRAP_MAX`] values, the distribution-free order-statistic interval above.
pub fn median_interval(values: &mut [f64], seed: u64) -> Option<(f64, f64)> {
    if values.len() < 2 {
        return None;
    }
    if values.len() <= BOOTSTRAP_MAX {
        return stats::bootstrap_median_ci(values, RESAMPLES, seed);
    }
    values.sort_by(f64::total_cmp);
    let n = values.len() as f64;
    let half = stats::Z95 * n.sqrt() / 2.0;
    let lo = ((n / 2.0 - half).floor() as usize).min(values.len() - 1);
    let hi = ((n / 2.0 + half).ceil() as usize).min(values.len() - 1);
    Some((values[lo], values[hi]))
}

/// Groups `(period, value)` samples and returns, per period `0..periods`, the statistics of
/// its values (`None` for a period without any). Samples outside `0..periods` are ignored.
pub fn by_period(samples: &[(u32, i64)], periods: usize, seed: u64) -> Vec<Option<DurationStats>> {
    // The values of each period in sample order: the bootstrap resamples them in this order.
    let mut values: Vec<Vec<f64>> = vec![Vec::new(); periods];
    for &(p, v) in samples {
        if let Some(slot) = values.get_mut(p as usize) {
            slot.push(v as f64);
        }
    }
    values
        .iter_mut()
        .map(|v| {
            // Above BOOTSTRAP_MAX the interval comes from order statistics and sorts `v` in
            // place; the statistics then read that order instead of sorting a copy again.
            // Below it, the bootstrap needs sample order, and the statistics sort a copy.
            let interval = median_interval(v, seed);
            let s = if v.len() > BOOTSTRAP_MAX {
                stats::summarize_sorted(v)?
            } else {
                stats::summarize(v)?
            };
            Some(DurationStats {
                count: s.count as u64,
                median: s.median,
                p75: s.p75,
                p90: s.p90,
                p95: s.p95,
                mean: s.mean,
                interval,
            })
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn periods_agree_with_the_hand_checked_statistics() {
        // Period 0: 1..=10 (see stats::tests::summary_by_hand); period 1 empty; period 2: one value.
        let mut samples: Vec<(u32, i64)> = (1..=10).rev().map(|v| (0, v)).collect();
        samples.push((2, 42));
        let got = by_period(&samples, 3, 1);
        let s = got[0].as_ref().unwrap();
        assert_eq!(s.count, 10);
        assert_eq!((s.median, s.p75, s.mean), (5.5, 7.75, 5.5));
        assert!((s.p90 - 9.1).abs() < 1e-9 && (s.p95 - 9.55).abs() < 1e-9);
        let (lo, hi) = s.interval.unwrap();
        assert!(lo <= 5.5 && 5.5 <= hi);
        assert_eq!(got[1], None);
        let one = got[2].as_ref().unwrap();
        assert_eq!((one.count, one.median, one.p95), (1, 42.0, 42.0));
        assert_eq!(one.interval, None, "one value has no interval");
    }

    #[test]
    fn identical_values() {
        let samples: Vec<(u32, i64)> = vec![(0, 7); 6];
        let s = by_period(&samples, 1, 1)[0].clone().unwrap();
        assert_eq!(
            (s.median, s.p95, s.mean, s.interval),
            (7.0, 7.0, 7.0, Some((7.0, 7.0)))
        );
    }

    #[test]
    fn large_samples_use_order_statistics() {
        let mut v: Vec<f64> = (0..10_001).map(f64::from).collect();
        let (lo, hi) = median_interval(&mut v, 1).unwrap();
        // n = 10001: 5000.5 ± 1.96 * sqrt(10001) / 2 = ± 98.0
        assert_eq!((lo, hi), (4902.0, 5099.0));
    }
}
