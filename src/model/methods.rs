//! The methods users choose for each metric (`--lead-time`, `--restore-time`,
//! `--failure-method`, `--reference`): names and help only; the engine owns what they do.

crate::model::choice! {
    /// How time to restore is measured (`--restore-time`).
    #[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
    pub enum RestoreMethod {
        #[default]
        Incident = "incident", "Incident start to resolution, per incident";
        Deployment = "deployment",
            "Failed deployment to recovery (DORA 2023+ failed deployment recovery time)";
    }
}

crate::model::choice! {
    /// Where change lead time starts and ends (`--lead-time`).
    #[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
    pub enum LeadTimeMethod {
        #[default]
        Commit = "commit", "Each change's commit time to its first deployment (the git graph)";
        MrMerge = "mr-merge", "Merge request: first commit to merge (time to merge)";
        MrDeploy = "mr-deploy", "Merge request: merge to the first deployment of the merge commit";
        MrTotal = "mr-total", "Merge request: first commit to the first deployment of the merge commit";
        Pipeline = "pipeline",
            "Per deployment: the deployed commit's time to the deployment (CodePipeline's view)";
    }
}

crate::model::choice! {
    /// How a deployment is judged failed (`--failure-method`).
    #[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
    pub enum FailureMethod {
        #[default]
        Window = "window", "The latest deployment before an incident started, within `--failure-window`";
        AnyInWindow = "any-in-window", "Every deployment within `--failure-window` before an incident";
        Linked = "linked", "The deployment the incident export names";
        Rollback = "rollback",
            "Deployments rolled back, followed by a fix tag, or whose changes were reverted";
        Status = "status", "Deployments their CI/CD tool reported as failed";
    }
}

crate::model::choice! {
    /// A reference computation (`--reference`).
    #[derive(Debug, Clone, Copy, PartialEq, Eq)]
    pub enum ReferenceMethod {
        GitlabScript = "gitlab-script",
            "The common scripts against the GitLab REST API: successful `production` deployments and merged \
            merge requests whose `updated_at` is in the window, issues labelled `incident` created in it, \
            incidents 0-48 h after a deployment's `created_at`";
        AwsScript = "aws-script",
            "The seed article's AWS collector: CodePipeline executions (at most 100, `Succeeded`) and \
            CodeCommit commit dates, CloudWatch alarm history, and the `DORA` namespace's \
            `DeploymentCount` / `DeploymentFailure` sums (get-metric-statistics)";
    }
}

crate::model::choice! {
    /// What the report breaks its numbers down by (`--group-by`).
    #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
    pub enum GroupBy {
        Repo = "repo", "Each repository (--repo, --repos-from)";
        Service = "service", "Each service (--service)";
        Team = "team", "Each team (--codeowners)";
        Line = "line", "Each release line (--release-line-depth; exports: service and environment)";
    }
}
