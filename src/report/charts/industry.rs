//! The industry comparison: Quick Check scores against the industry's mean and spread.

use super::WIDTH;
use crate::benchmarks::survey::Standing;
use crate::report::svg::{Anchor, Svg};

/// The survey's metric keys as people read them.
fn standing_name(metric: &str) -> &str {
    match metric {
        "leadtime" => "lead time",
        "deployfreq" => "deployment frequency",
        "changefailure" => "change failure rate",
        "failurerecovery" => "time to restore",
        "performance_average" => "overall (mean of four)",
        m => m,
    }
}

/// Each score on the Quick Check's 0–10 scale against the industry's mean ± one standard
/// deviation.
pub fn industry(standings: &[Standing]) -> String {
    let row_h = 30.0;
    let (x0, x1) = (180.0, 560.0);
    let top = 8.0;
    let h = top + standings.len() as f64 * row_h + 30.0;
    let sx = |v: f64| x0 + (v / 10.0).clamp(0.0, 1.0) * (x1 - x0);
    let mut s = Svg::new(WIDTH, h, "Industry comparison");
    let bottom = top + standings.len() as f64 * row_h;
    for i in 0..=5 {
        let v = f64::from(i) * 2.0;
        s.line(sx(v), top, sx(v), bottom, "grid");
        s.text(sx(v), bottom + 16.0, Anchor::Middle, "tick", &format!("{v:.0}"));
    }
    for (i, st) in standings.iter().enumerate() {
        let cy = top + i as f64 * row_h + row_h / 2.0;
        s.text(
            x0 - 10.0,
            cy + 4.0,
            Anchor::End,
            "row-label",
            standing_name(st.metric),
        );
        let (a, b) = (
            st.industry_mean - st.industry_std,
            st.industry_mean + st.industry_std,
        );
        s.rect(sx(a), cy - 7.0, sx(b) - sx(a), 14.0, "spread", None);
        s.line(
            sx(st.industry_mean),
            cy - 9.0,
            sx(st.industry_mean),
            cy + 9.0,
            "mean",
        );
        s.circle(
            sx(st.score),
            cy,
            5.0,
            "score",
            Some(&format!("score {:.1}", st.score)),
        );
        s.text(
            x1 + 14.0,
            cy + 4.0,
            Anchor::Start,
            "row-note",
            &format!(
                "{:.1} vs {:.1} ± {:.1}: above about {:.0}%",
                st.score,
                st.industry_mean,
                st.industry_std,
                st.percentile * 100.0
            ),
        );
    }
    s.finish()
}
