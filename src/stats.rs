//! Statistics on plain numbers: order statistics for durations, Wilson intervals for ratios,
//! and bootstrap intervals for medians. Pure functions with hand-checked tests; the metrics
//! engine applies them per period after grouping.

/// The interpolated median (mean of the two middle values for an even count), rounded to
/// the nearest whole second with halves away from zero. Sorts `values` in place.
pub fn median_i64(values: &mut [i64]) -> Option<i64> {
    if values.is_empty() {
        return None;
    }
    values.sort_unstable();
    let n = values.len();
    if n % 2 == 1 {
        return Some(values[n / 2]);
    }
    let (a, b) = (values[n / 2 - 1] as i128, values[n / 2] as i128);
    let sum = a + b;
    // Round half away from zero without going through floating point.
    let half = if sum >= 0 { (sum + 1) / 2 } else { (sum - 1) / 2 };
    Some(half as i64)
}

/// The `p` quantile (0 ≤ p ≤ 1) of sorted values, linearly interpolated between closest
/// ranks: Hyndman & Fan type 7, the default of numpy, pandas, R and polars' `linear`.
pub fn quantile_sorted(sorted: &[f64], p: f64) -> Option<f64> {
    if sorted.is_empty() || !(0.0..=1.0).contains(&p) {
        return None;
    }
    let h = (sorted.len() - 1) as f64 * p;
    let lo = h.floor() as usize;
    let hi = h.ceil() as usize;
    Some(sorted[lo] + (h - lo as f64) * (sorted[hi] - sorted[lo]))
}

/// Count, mean and the quantiles every duration metric reports.
#[derive(Debug, Clone, Copy, PartialEq, serde::Serialize)]
pub struct Summary {
    /// Number of values.
    pub count: usize,
    /// Median (interpolated).
    pub median: f64,
    /// 75th percentile.
    pub p75: f64,
    /// 90th percentile.
    pub p90: f64,
    /// 95th percentile.
    pub p95: f64,
    /// Arithmetic mean.
    pub mean: f64,
}

/// Summarizes values (NaNs are ignored); `None` when there are none.
pub fn summarize(values: &[f64]) -> Option<Summary> {
    let mut v: Vec<f64> = values.iter().copied().filter(|x| !x.is_nan()).collect();
    v.sort_by(f64::total_cmp);
    summarize_sorted(&v)
}

/// Summarizes values already sorted ascending, without NaNs; `None` when there are none.
pub fn summarize_sorted(v: &[f64]) -> Option<Summary> {
    if v.is_empty() {
        return None;
    }
    let q = |p| quantile_sorted(v, p).unwrap_or(f64::NAN);
    Some(Summary {
        count: v.len(),
        median: q(0.5),
        p75: q(0.75),
        p90: q(0.9),
        p95: q(0.95),
        mean: v.iter().sum::<f64>() / v.len() as f64,
    })
}

/// The z value of a two-sided 95% interval.
pub const Z95: f64 = 1.959_963_984_540_054;

/// Wilson score interval for `successes` out of `trials` at normal quantile `z`. Unlike the
/// textbook p ± z·se it stays inside [0, 1] and behaves at 0 and at small counts, which is
/// where change failure rates live.
pub fn wilson(successes: u64, trials: u64, z: f64) -> Option<(f64, f64)> {
    if trials == 0 || successes > trials {
        return None;
    }
    let n = trials as f64;
    let p = successes as f64 / n;
    let z2 = z * z;
    let denom = 1.0 + z2 / n;
    let center = (p + z2 / (2.0 * n)) / denom;
    let half = z * (p * (1.0 - p) / n + z2 / (4.0 * n * n)).sqrt() / denom;
    // At 0 and n the bound is exactly 0 or 1; rounding must not move it.
    let lo = if successes == 0 {
        0.0
    } else {
        (center - half).max(0.0)
    };
    let hi = if successes == trials {
        1.0
    } else {
        (center + half).min(1.0)
    };
    Some((lo, hi))
}

/// splitmix64: a small, fast generator whose sequence is fixed forever, so a bootstrap with
/// the same seed gives the same interval on every machine and in every version.
#[derive(Debug, Clone)]
pub struct SplitMix(pub u64);

impl SplitMix {
    /// The next 64 random bits.
    pub fn next_u64(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    /// Uniform in `0..n` (n > 0), by rejection so there is no modulo bias.
    pub fn below(&mut self, n: u64) -> u64 {
        let zone = u64::MAX - u64::MAX % n;
        loop {
            let x = self.next_u64();
            if x < zone {
                return x % n;
            }
        }
    }
}

/// The interpolated median of a non-empty slice, by selection rather than a full sort
/// (the bootstrap's inner loop); the slice is reordered.
fn median_unsorted(v: &mut [f64]) -> f64 {
    let n = v.len();
    let (lower, mid, _) = v.select_nth_unstable_by(n / 2, f64::total_cmp);
    let hi = *mid;
    if n % 2 == 1 {
        return hi;
    }
    let lo = lower.iter().copied().max_by(f64::total_cmp).unwrap_or(hi);
    lo + 0.5 * (hi - lo)
}

/// The seed every bootstrap uses unless told otherwise.
pub const BOOTSTRAP_SEED: u64 = 0x0D0A_5C09_E000_0001;

/// Percentile bootstrap 95% interval of the median: `resamples` resamples with replacement,
/// the 2.5th and 97.5th percentiles of their medians. Deterministic for a given seed.
pub fn bootstrap_median_ci(values: &[f64], resamples: usize, seed: u64) -> Option<(f64, f64)> {
    let v: Vec<f64> = values.iter().copied().filter(|x| !x.is_nan()).collect();
    if v.is_empty() || resamples == 0 {
        return None;
    }
    let mut rng = SplitMix(seed);
    let mut sample = vec![0.0; v.len()];
    let mut medians = Vec::with_capacity(resamples);
    for _ in 0..resamples {
        for s in sample.iter_mut() {
            *s = v[rng.below(v.len() as u64) as usize];
        }
        medians.push(median_unsorted(&mut sample));
    }
    medians.sort_by(f64::total_cmp);
    Some((
        quantile_sorted(&medians, 0.025)?,
        quantile_sorted(&medians, 0.975)?,
    ))
}

/// Below this many values a cell is reported with a small-sample warning.
pub const MIN_SAMPLE: usize = 5;

#[cfg(test)]
mod tests {
    use super::*;

    fn close(a: f64, b: f64) -> bool {
        (a - b).abs() < 1e-4
    }

    #[test]
    fn medians() {
        assert_eq!(median_i64(&mut []), None);
        assert_eq!(median_i64(&mut [7]), Some(7));
        assert_eq!(median_i64(&mut [3, 1, 2]), Some(2));
        assert_eq!(median_i64(&mut [1, 2]), Some(2)); // 1.5 rounds up
        assert_eq!(median_i64(&mut [10, 20, 30, 40]), Some(25));
        assert_eq!(median_i64(&mut [-3, -2]), Some(-3)); // -2.5 rounds away from zero
        assert_eq!(median_i64(&mut [i64::MAX, i64::MAX]), Some(i64::MAX));
    }

    #[test]
    fn quantiles_are_type_7() {
        let v = [1.0, 2.0, 3.0, 4.0];
        // h = (n - 1) p: 0.75 -> 2.25 -> 3 + 0.25 * (4 - 3)
        assert_eq!(quantile_sorted(&v, 0.75), Some(3.25));
        assert_eq!(quantile_sorted(&v, 0.5), Some(2.5));
        assert_eq!(quantile_sorted(&v, 0.0), Some(1.0));
        assert_eq!(quantile_sorted(&v, 1.0), Some(4.0));
        assert_eq!(quantile_sorted(&[5.0], 0.9), Some(5.0));
        assert_eq!(quantile_sorted(&[], 0.5), None);
        assert_eq!(quantile_sorted(&v, 1.5), None);
    }

    #[test]
    fn summary_by_hand() {
        // 1..=10: median 5.5; p75: h = 6.75 -> 7.75; p90: h = 8.1 -> 9.1; p95: h = 8.55 -> 9.55
        let v: Vec<f64> = (1..=10).rev().map(f64::from).collect();
        let s = summarize(&v).unwrap();
        assert_eq!(s.count, 10);
        assert!(close(s.median, 5.5) && close(s.p75, 7.75) && close(s.p90, 9.1) && close(s.p95, 9.55));
        assert!(close(s.mean, 5.5));
        assert_eq!(summarize(&[]), None);
        assert_eq!(summarize(&[f64::NAN]), None);
    }

    #[test]
    fn wilson_by_hand() {
        // 5 of 20: p = 0.25, known interval (0.1119, 0.4687).
        let (lo, hi) = wilson(5, 20, Z95).unwrap();
        assert!(close(lo, 0.11186) && close(hi, 0.46871), "{lo} {hi}");
        // 0 of 10: (0, 0.2775); the upper bound is not zero even with no failures.
        let (lo, hi) = wilson(0, 10, Z95).unwrap();
        assert!(lo == 0.0 && close(hi, 0.27753), "{lo} {hi}");
        // 10 of 10 mirrors it.
        let (lo, hi) = wilson(10, 10, Z95).unwrap();
        assert!(close(lo, 0.72247) && hi == 1.0, "{lo} {hi}");
        assert_eq!(wilson(0, 0, Z95), None);
        assert_eq!(wilson(3, 2, Z95), None);
    }

    #[test]
    fn bootstrap_is_deterministic_and_sane() {
        let v: Vec<f64> = [3.0, 1.0, 4.0, 1.0, 5.0, 9.0, 2.0, 6.0, 5.0, 3.0, 5.0].to_vec();
        let a = bootstrap_median_ci(&v, 2000, BOOTSTRAP_SEED).unwrap();
        assert_eq!(Some(a), bootstrap_median_ci(&v, 2000, BOOTSTRAP_SEED));
        let median = summarize(&v).unwrap().median;
        assert!(a.0 <= median && median <= a.1, "{a:?} around {median}");
        assert!(a.0 >= 1.0 && a.1 <= 9.0);
        assert_eq!(bootstrap_median_ci(&[4.0; 6], 500, 1), Some((4.0, 4.0)));
        assert_eq!(bootstrap_median_ci(&[], 500, 1), None);
    }

    #[test]
    fn selection_median_equals_the_sorted_one() {
        let mut rng = SplitMix(7);
        for n in 1..40 {
            let mut v: Vec<f64> = (0..n).map(|_| (rng.below(50) as f64) - 10.0).collect();
            let mut sorted = v.clone();
            sorted.sort_by(f64::total_cmp);
            assert_eq!(
                Some(median_unsorted(&mut v)),
                quantile_sorted(&sorted, 0.5),
                "n = {n}"
            );
        }
    }

    #[test]
    fn splitmix_reference_values() {
        // The published first outputs of splitmix64 seeded with 0.
        let mut r = SplitMix(0);
        assert_eq!(r.next_u64(), 0xE220_A839_7B1D_CDAF);
        assert_eq!(r.next_u64(), 0x6E78_9E6A_A1B9_65F4);
        let mut r = SplitMix(1);
        assert!((0..1000).all(|_| r.below(7) < 7));
    }
}
