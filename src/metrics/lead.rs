//! The per-deployment lead-time columns (`changes`, `lead_time_median_seconds`,
//! `lead_time_max_seconds`), from what the attribution says each deployment shipped and the
//! [`LeadRule`] the user chose.

use crate::model::{Deployment, LeadRule};
use crate::stats::median_i64;

/// Fills each deployment's change count and lead-time median and maximum from its
/// [`Deployment::shipped`] list, which it then drops. Deployments without a list (no
/// repository) keep empty columns.
pub fn deployment_columns(deployments: &mut [Deployment], rule: LeadRule) {
    for d in deployments {
        let Some(shipped) = d.shipped.take() else {
            continue;
        };
        let mut leads: Vec<i64> = shipped
            .iter()
            .filter(|s| {
                rule.excluded(s.is_merge, s.meaningful, s.backlog, s.lead_seconds)
                    .is_none()
            })
            .map(|s| s.lead_seconds)
            .collect();
        d.changes = Some(shipped.iter().filter(|s| rule.is_change(s.is_merge)).count() as u64);
        d.lead_time_median_seconds = median_i64(&mut leads);
        d.lead_time_max_seconds = leads.iter().copied().max();
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::metrics::testutil::deployment;
    use crate::model::Shipped;

    fn shipped(lead_seconds: i64, is_merge: bool, backlog: bool) -> Shipped {
        Shipped {
            lead_seconds,
            is_merge,
            backlog,
            meaningful: true,
        }
    }

    #[test]
    fn columns_follow_the_rule() {
        let mut d = vec![deployment("a", 100), deployment("b", 200), deployment("c", 300)];
        d[0].shipped = Some(vec![shipped(10, false, true), shipped(30, false, true)]);
        d[1].shipped = Some(vec![
            shipped(40, false, false),
            shipped(10, false, false),
            shipped(-5, false, false),
            shipped(99, true, false),
            shipped(20, false, false),
        ]);
        d[2].changes = None;
        let mut all = d.clone();
        deployment_columns(&mut d, LeadRule::default());
        // Backlog: counted as changes, no lead-time statistics.
        assert_eq!(
            (
                d[0].changes,
                d[0].lead_time_median_seconds,
                d[0].lead_time_max_seconds
            ),
            (Some(2), None, None)
        );
        // The merge is no change; the negative lead time counts as a change but not in the statistics.
        assert_eq!(
            (
                d[1].changes,
                d[1].lead_time_median_seconds,
                d[1].lead_time_max_seconds
            ),
            (Some(4), Some(20), Some(40))
        );
        assert!(d.iter().all(|x| x.shipped.is_none()));
        // No list (no repository): columns left as they were.
        assert_eq!(d[2].changes, None);
        let rule = LeadRule {
            include_merges: true,
            include_backlog: true,
        };
        deployment_columns(&mut all, rule);
        assert_eq!(
            (all[0].changes, all[0].lead_time_median_seconds),
            (Some(2), Some(20))
        );
        assert_eq!(
            (
                all[1].changes,
                all[1].lead_time_median_seconds,
                all[1].lead_time_max_seconds
            ),
            (Some(5), Some(30), Some(99))
        );
    }
}
