//! Duration statistics per period: the samples are grouped by period in one pass, then
//! `stats` gives count, median, p75, p90, p95 (linear interpolation between closest ranks,
//! type 7), mean and the median's distribution-free interval of each group.

use rayon::prelude::*;
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

/// The 95% interval of the median of values sorted ascending: the distribution-free
/// order-statistic interval (binomial ranks, [`stats::quantile_interval`]).
pub fn median_interval(sorted: &[f64]) -> Option<(f64, f64)> {
    stats::quantile_interval(sorted, 0.5)
}

/// The statistics of values sorted ascending; `None` when there are none.
pub fn of_sorted(sorted: &[f64]) -> Option<DurationStats> {
    let s = stats::summarize_sorted(sorted)?;
    Some(DurationStats {
        count: s.count as u64,
        median: s.median,
        p75: s.p75,
        p90: s.p90,
        p95: s.p95,
        mean: s.mean,
        interval: median_interval(sorted),
    })
}

/// Groups `(period, value)` samples and returns, per period `0..periods`, the statistics of
/// its values (`None` for a period without any). Samples outside `0..periods` are ignored.
/// Each period's values are sorted once, in parallel across periods; every statistic reads
/// that order.
pub fn by_period(samples: &[(u32, i64)], periods: usize) -> Vec<Option<DurationStats>> {
    let mut values: Vec<Vec<i64>> = vec![Vec::new(); periods];
    for &(p, v) in samples {
        if let Some(slot) = values.get_mut(p as usize) {
            slot.push(v);
        }
    }
    values
        .into_par_iter()
        .map(|mut v| {
            v.sort_unstable();
            // i64 → f64 keeps the order (it is monotone), so the converted values stay sorted.
            let sorted: Vec<f64> = v.iter().map(|&x| x as f64).collect();
            of_sorted(&sorted)
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
        let got = by_period(&samples, 3);
        let s = got[0].as_ref().unwrap();
        assert_eq!(s.count, 10);
        assert_eq!((s.median, s.p75, s.mean), (5.5, 7.75, 5.5));
        assert!((s.p90 - 9.1).abs() < 1e-9 && (s.p95 - 9.55).abs() < 1e-9);
        // Ranks 2 and 9 of ten (see stats::tests::order_statistic_ranks_by_hand).
        assert_eq!(s.interval, Some((2.0, 9.0)));
        assert_eq!(got[1], None);
        let one = got[2].as_ref().unwrap();
        assert_eq!((one.count, one.median, one.p95), (1, 42.0, 42.0));
        assert_eq!(one.interval, None, "one value has no interval");
    }

    #[test]
    fn identical_values() {
        let samples: Vec<(u32, i64)> = vec![(0, 7); 6];
        let s = by_period(&samples, 1)[0].clone().unwrap();
        assert_eq!(
            (s.median, s.p95, s.mean, s.interval),
            (7.0, 7.0, 7.0, Some((7.0, 7.0)))
        );
    }

    #[test]
    fn large_samples_use_the_same_order_statistics() {
        let v: Vec<f64> = (0..10_001).map(f64::from).collect();
        let (l, u) = stats::quantile_ranks(v.len(), 0.5, stats::LEVEL).unwrap();
        assert_eq!(median_interval(&v), Some((v[l - 1], v[u - 1])));
        // n = 10001: 5000.5 ± 1.96 · √10001 / 2 = ± 98.0, as ranks.
        assert!((4901..=4904).contains(&l) && u == 10_002 - l, "{l} {u}");
    }
}
