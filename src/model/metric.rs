//! The metrics dorascope reports, by name: the one place their names are spelled.

/// A metric of the per-period table (`metric` column), in the order reports list them.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Metric {
    /// Deployments per day.
    DeploymentFrequency,
    /// Deployments per week (the same count, another scale).
    DeploymentsPerWeek,
    /// Deployments per average month.
    DeploymentsPerMonth,
    /// Distinct local days with a deployment, per week.
    DeploymentDaysPerWeek,
    /// Change lead time (median).
    LeadTime,
    /// Time to restore (median).
    TimeToRestore,
    /// Change failure rate.
    ChangeFailureRate,
    /// Deployment rework rate.
    DeploymentReworkRate,
}

impl Metric {
    /// Every metric, in the order reports list them.
    pub const ALL: [Metric; 8] = [
        Metric::DeploymentFrequency,
        Metric::DeploymentsPerWeek,
        Metric::DeploymentsPerMonth,
        Metric::DeploymentDaysPerWeek,
        Metric::LeadTime,
        Metric::TimeToRestore,
        Metric::ChangeFailureRate,
        Metric::DeploymentReworkRate,
    ];

    /// The name tables, summary.json and dora.om write.
    pub fn name(self) -> &'static str {
        match self {
            Metric::DeploymentFrequency => "deployment_frequency",
            Metric::DeploymentsPerWeek => "deployments_per_week",
            Metric::DeploymentsPerMonth => "deployments_per_month",
            Metric::DeploymentDaysPerWeek => "deployment_days_per_week",
            Metric::LeadTime => "lead_time",
            Metric::TimeToRestore => "time_to_restore",
            Metric::ChangeFailureRate => "change_failure_rate",
            Metric::DeploymentReworkRate => "deployment_rework_rate",
        }
    }

    /// The metric named `name`.
    pub fn from_name(name: &str) -> Option<Metric> {
        Metric::ALL.into_iter().find(|m| m.name() == name)
    }

    /// Whether a higher value is better (deployment counts) rather than lower (durations,
    /// rates).
    pub fn higher_is_better(self) -> bool {
        matches!(
            self,
            Metric::DeploymentFrequency
                | Metric::DeploymentsPerWeek
                | Metric::DeploymentsPerMonth
                | Metric::DeploymentDaysPerWeek
        )
    }

    /// The key benchmark profiles categorize it under, if they do.
    pub fn profile_key(self) -> Option<&'static str> {
        Some(match self {
            Metric::DeploymentFrequency => "deployment_frequency_per_day",
            Metric::LeadTime => "lead_time_seconds",
            Metric::TimeToRestore => "time_to_restore_seconds",
            Metric::ChangeFailureRate => "change_failure_rate",
            Metric::DeploymentReworkRate => "deployment_rework_rate",
            _ => return None,
        })
    }
}

impl std::fmt::Display for Metric {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.name())
    }
}

impl serde::Serialize for Metric {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(self.name())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_are_unique_and_read_back() {
        for m in Metric::ALL {
            assert_eq!(Metric::from_name(m.name()), Some(m));
        }
        assert_eq!(Metric::from_name("lead time"), None);
    }
}
