//! Small order statistics used while building records (per-deployment lead times). The
//! period-level statistics of the metrics engine live in `metrics`.

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

#[cfg(test)]
mod tests {
    use super::median_i64;

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
}
