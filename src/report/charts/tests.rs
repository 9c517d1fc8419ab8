use super::axis::{bands, time_ticks};
use super::*;
use crate::benchmarks::{Better, Thresholds};

#[test]
fn lead_bins_follow_the_edges() {
    assert_eq!(lead_bin(0), 0);
    assert_eq!(lead_bin(59), 0);
    assert_eq!(lead_bin(60), 1);
    assert_eq!(lead_bin(3_599), 4);
    assert_eq!(lead_bin(3_600), 5);
    assert_eq!(lead_bin(i64::MAX), LEAD_EDGES.len());
}

#[test]
fn bands_cover_the_axis_best_first() {
    let t = Thresholds {
        better: Better::Lower,
        elite: 3_600.0,
        high: 86_400.0,
        medium: 604_800.0,
        inclusive: false,
    };
    let b = bands(&t, 60.0, 2_629_746.0);
    assert_eq!(b.len(), 4);
    assert_eq!((b[0].0, b[0].1, b[0].2), (Category::Elite, 60.0, 3_600.0));
    assert_eq!((b[3].0, b[3].1, b[3].2), (Category::Low, 604_800.0, 2_629_746.0));
    let up = Thresholds {
        better: Better::Higher,
        elite: 1.0,
        high: 0.23,
        medium: 0.03,
        inclusive: false,
    };
    let b = bands(&up, 0.01, 10.0);
    assert_eq!((b[0].0, b[0].1, b[0].2), (Category::Elite, 1.0, 10.0));
    assert_eq!((b[3].0, b[3].1, b[3].2), (Category::Low, 0.01, 0.03));
    // An axis inside one band draws only that band.
    assert_eq!(bands(&t, 100.0, 200.0).len(), 1);
}

#[test]
fn time_ticks_stay_apart_and_inside() {
    for (since, until) in [
        (1_700_000_000, 1_700_000_001),
        (1_700_000_000, 1_700_000_000 + 86_400 * 20),
        (1_700_000_000, 1_700_000_000 + 86_400 * 400),
        (0, 1_700_000_000),
    ] {
        let t = time_ticks(since, until, 860.0);
        assert!(t.len() <= 13, "{} ticks for {since}..{until}", t.len());
        assert!(t.iter().all(|&(x, _)| x >= since && x < until));
    }
}
