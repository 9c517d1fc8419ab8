//! Statistics on plain numbers: order statistics for durations and their distribution-free
//! intervals, Wilson intervals for ratios. Pure functions with hand-checked tests; the metrics
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

/// The two-sided level of every interval dorascope reports.
pub const LEVEL: f64 = 0.95;

/// The 1-based ranks `(l, u)` of the distribution-free confidence interval for the `p`
/// quantile of a continuous distribution from `n` values: `[X(l), X(u)]` covers the true
/// quantile with probability at least `level`, whatever the distribution. The number of
/// values below the quantile is Binomial(n, p), so `l` is the largest rank with
/// P(B ≤ l − 1) ≤ α/2 and `u` the smallest with P(B ≥ u) ≤ α/2 (equal tails, α = 1 − level).
/// `None` when `n` is too small for either bound (fewer than 6 values for a 95% median
/// interval: at 5, even the smallest and largest value cover the median only 93.75% of the
/// time).
///
/// The binomial weights are summed outwards from the mode until they fall below 10⁻³⁰ of
/// it, so the cost grows with √n, not n, and nothing under- or overflows.
pub fn quantile_ranks(n: usize, p: f64, level: f64) -> Option<(usize, usize)> {
    if n == 0 || !(p > 0.0 && p < 1.0) || !(level > 0.0 && level < 1.0) {
        return None;
    }
    const NEGLIGIBLE: f64 = 1e-30;
    let odds = p / (1.0 - p);
    let mode = ((((n + 1) as f64) * p).floor() as usize).min(n);
    // Weights of k = mode − 1, mode − 2, … relative to the mode's.
    let mut below = Vec::new();
    let (mut w, mut k) = (1.0, mode);
    while k > 0 && w > NEGLIGIBLE {
        w *= k as f64 / ((n - k + 1) as f64 * odds);
        below.push(w);
        k -= 1;
    }
    let lo = mode - below.len(); // the window's first k
    let mut weights: Vec<f64> = below.into_iter().rev().collect();
    weights.push(1.0);
    let (mut w, mut k) = (1.0, mode);
    while k < n && w > NEGLIGIBLE {
        w *= (n - k) as f64 * odds / (k + 1) as f64;
        weights.push(w);
        k += 1;
    }
    let limit = (1.0 - level) / 2.0 * weights.iter().sum::<f64>();
    // l − 1 is the largest k with P(B ≤ k) ≤ α/2 (k = lo − 1 holds only negligible mass).
    let (mut cum, mut l) = (0.0, lo);
    for (i, w) in weights.iter().enumerate() {
        cum += w;
        if cum > limit {
            break;
        }
        l = lo + i + 1;
    }
    // u is the smallest rank with P(B ≥ u) ≤ α/2 (above the window the mass is negligible).
    let (mut cum, mut u) = (0.0, lo + weights.len());
    for (i, w) in weights.iter().enumerate().rev() {
        cum += w;
        if cum > limit {
            break;
        }
        u = lo + i;
    }
    (l >= 1 && u <= n).then_some((l, u))
}

/// The 95% distribution-free interval of the `p` quantile of values sorted ascending: the
/// order statistics at [`quantile_ranks`]. At least 95% coverage for any continuous
/// distribution (ties only widen it), deterministic, and free once the values are sorted.
pub fn quantile_interval(sorted: &[f64], p: f64) -> Option<(f64, f64)> {
    let (l, u) = quantile_ranks(sorted.len(), p, LEVEL)?;
    Some((sorted[l - 1], sorted[u - 1]))
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
    fn order_statistic_ranks_by_hand() {
        // Exact binomial sums in rational arithmetic (Python's fractions and math.comb).
        let r = |n, p| quantile_ranks(n, p, LEVEL);
        assert_eq!(r(5, 0.5), None, "at 5 values (X1, X5) covers only 93.75%");
        assert_eq!(r(6, 0.5), Some((1, 6)));
        assert_eq!(r(10, 0.5), Some((2, 9)));
        assert_eq!(r(20, 0.5), Some((6, 15)));
        assert_eq!(r(100, 0.5), Some((40, 61)));
        assert_eq!(r(101, 0.5), Some((41, 61)));
        assert_eq!(r(1000, 0.5), Some((469, 532)));
        assert_eq!(r(100, 0.9), Some((84, 96)));
        assert_eq!(r(100, 0.75), Some((66, 84)));
        assert_eq!(r(50, 0.95), None, "no upper bound for p95 from 50 values");
        assert_eq!(r(71, 0.95), None);
        assert_eq!(
            r(72, 0.95),
            Some((64, 72)),
            "p95's first interval (docs/metrics.md)"
        );
        assert_eq!(r(30, 0.9), None);
        assert_eq!(r(0, 0.5), None);
        assert_eq!(r(10, 0.0), None);
        assert_eq!(r(10, 1.0), None);
    }

    #[test]
    fn order_statistic_ranks_approach_the_normal_ones_at_scale() {
        // Far out, the binomial is normal: ranks n/2 ± 1.96·√n/2, to within one or two.
        for n in [10_001usize, 1_000_000, 10_000_000] {
            let (l, u) = quantile_ranks(n, 0.5, LEVEL).unwrap();
            let want = n as f64 / 2.0 - Z95 * (n as f64).sqrt() / 2.0;
            assert!((l as f64 - want).abs() <= 1.5, "n = {n}: l = {l}, about {want}");
            assert_eq!(u, n + 1 - l, "n = {n}: the median's ranks are symmetric");
        }
    }

    #[test]
    fn intervals_are_order_statistics() {
        let v: Vec<f64> = (1..=10).map(f64::from).collect();
        assert_eq!(quantile_interval(&v, 0.5), Some((2.0, 9.0)));
        assert_eq!(quantile_interval(&[4.0; 6], 0.5), Some((4.0, 4.0)));
        assert_eq!(quantile_interval(&v[..5], 0.5), None);
        assert_eq!(quantile_interval(&[], 0.5), None);
    }

    /// Uniform in [0, 1) from splitmix64, for the simulation.
    struct Rng(u64);
    impl Rng {
        fn unit(&mut self) -> f64 {
            self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
            let mut z = self.0;
            z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
            z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
            ((z ^ (z >> 31)) >> 11) as f64 / (1u64 << 53) as f64
        }
    }

    #[test]
    fn intervals_cover_the_true_quantile_at_least_95_percent_of_the_time() {
        // Durations are skewed: draw from an exponential (median ln 2, p90 ln 10), 2,000
        // samples at each size from the smallest that has an interval.
        let mut rng = Rng(20_261_201);
        for (p, truth) in [(0.5, std::f64::consts::LN_2), (0.9, 10f64.ln())] {
            for n in [6usize, 7, 13, 40, 101, 500] {
                if quantile_ranks(n, p, LEVEL).is_none() {
                    continue;
                }
                let draws = 2_000;
                let mut covered = 0;
                for _ in 0..draws {
                    let mut v: Vec<f64> = (0..n).map(|_| -(1.0 - rng.unit()).ln()).collect();
                    v.sort_by(f64::total_cmp);
                    let (lo, hi) = quantile_interval(&v, p).unwrap();
                    covered += usize::from(lo <= truth && truth <= hi);
                }
                let share = covered as f64 / draws as f64;
                assert!(share >= 0.94, "p = {p}, n = {n}: covered {share}");
            }
        }
    }
}
