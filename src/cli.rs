//! Command-line definitions (clap derive) only: what users can type and its help.
//! `settings` validates them into typed settings, once, before any file is read.

use std::path::PathBuf;

use clap::{Args, Parser, Subcommand};

use crate::import::Format as ExportFormat;
use crate::model::{Choice, CommitTime};
use crate::model::{FailureMethod, LeadTimeMethod, RestoreMethod};
use crate::report::Format;

/// Clap value enums from the model's named choices: the names and help come from their
/// `choice!` declarations, so clap and the outputs cannot disagree.
macro_rules! value_enums {
    ($($ty:ty),+ $(,)?) => {$(
        impl clap::ValueEnum for $ty {
            fn value_variants<'a>() -> &'a [Self] {
                <$ty as Choice>::ALL
            }
            fn to_possible_value(&self) -> Option<clap::builder::PossibleValue> {
                Some(clap::builder::PossibleValue::new(Choice::name(*self)).help(Choice::help(*self)))
            }
        }
    )+};
}

value_enums!(
    CommitTime,
    FailureMethod,
    LeadTimeMethod,
    RestoreMethod,
    crate::model::ReferenceMethod,
    crate::model::GroupBy,
    ExportFormat,
    Format,
    crate::report::bundle::ReportFormat,
);

/// Offline DORA metrics from a git repository and the files teams export from their tools.
#[derive(Debug, Parser)]
#[command(name = "dorascope", version, about, max_term_width = 100)]
pub struct Cli {
    /// What to compute.
    #[command(subcommand)]
    pub command: Command,
    /// No progress bars and no warnings: errors only (bars are drawn only when stderr is a
    /// terminal anyway).
    #[arg(long, short, global = true)]
    pub quiet: bool,
    /// Read settings from this TOML file (keys are the long option names; docs/config.md).
    /// Default: dorascope.toml in the current directory, when there is one. Options given on
    /// the command line win.
    #[arg(long, global = true, value_name = "FILE")]
    pub config: Option<PathBuf>,
}

/// The subcommands.
#[derive(Debug, Subcommand)]
pub enum Command {
    /// The per-change table: every commit, the deployment that first shipped it, its lead time.
    Changes(ChangesArgs),
    /// The per-deployment table: what each deployment shipped, its lead times, rollbacks.
    Deployments(TableArgs),
    /// The per-incident table, from incident and alarm exports (--incidents).
    Incidents(TableArgs),
    /// The DORA metrics per period against a baseline and a benchmark: a terminal summary,
    /// summary.json and the per-period table. (Boxed: its many options would make every
    /// other command as large.)
    Report(Box<ReportArgs>),
    /// Read export files and report, per file: format, record counts, time range, problems.
    Check(CheckArgs),
    /// List every benchmark table (profiles, Quick Check baselines, industry shares) with its
    /// source and what it can and cannot say.
    Benchmarks,
    /// Build the bundled sample repository and compute the tables on it.
    Demo(DemoArgs),
}

/// Where the history and deployments come from.
#[derive(Debug, Clone, Args, serde::Serialize)]
#[command(next_help_heading = "Input")]
pub struct InputArgs {
    /// A git repository (work tree or bare); repeat for several, analysed in parallel.
    /// Default: the current directory.
    #[arg(long = "repo", value_name = "DIR")]
    pub repos: Vec<PathBuf>,
    /// Tags that are production deployments.
    #[arg(long, value_name = "GLOB", default_value = "v*")]
    pub deploy_tags: String,
    /// Tags to drop even if they match --deploy-tags (e.g. '*-rc*'); repeatable.
    #[arg(long, value_name = "GLOB")]
    pub exclude_tags: Vec<String>,
    /// How many version components after the --deploy-tags glob's literal prefix name a tag's
    /// release line (2: v2.40.4 is on line 2.40); re-deploying a commit is a rollback only on a
    /// line that shipped it, else a maintenance release. 0 puts every tag on one line.
    #[arg(long, value_name = "N", default_value_t = 2)]
    pub release_line_depth: u8,
    /// Also match cherry-picks made without `git cherry-pick -x` by patch id (`git patch-id
    /// --stable`): a change then ships with the first deployment of any copy. Reads every
    /// change's diff, about the cost of one `git log -p` pass.
    #[arg(long)]
    pub match_patches: bool,
    /// Report deployments from this time on (YYYY-MM-DD or a time; UTC unless an offset is given).
    #[arg(long, value_name = "TIME")]
    pub since: Option<String>,
    /// Report deployments before this time; a date includes that whole day.
    #[arg(long, value_name = "TIME")]
    pub until: Option<String>,
    /// Which commit time a change's lead time starts from.
    #[arg(long, value_enum, default_value_t = CommitTime::Author)]
    pub commit_time: CommitTime,
    /// Count merge commits as changes in statistics.
    #[arg(long)]
    pub include_merges: bool,
    /// Keep the history shipped by the first deployment in lead-time statistics.
    #[arg(long)]
    pub include_backlog: bool,
    /// A file of repositories, one `DIR` or `LABEL=DIR` a line (`#` comments); added to --repo.
    #[arg(long, value_name = "FILE")]
    pub repos_from: Option<PathBuf>,
    /// Services, teams and meaningful changes.
    #[command(flatten)]
    pub paths: PathArgs,
    /// Exports options.
    #[command(flatten)]
    pub exports: ExportArgs,
}

/// What the paths a change touches say about it.
#[derive(Debug, Clone, Default, Args, serde::Serialize)]
#[command(next_help_heading = "Services and teams")]
pub struct PathArgs {
    /// A service and the paths that are its code: NAME=GLOB[,GLOB...], globs from the
    /// repository root ('*' within a directory, '**/' any directories, 'dir/**' a whole
    /// directory); repeatable. A change belongs to every service one of its paths matches.
    #[arg(long = "service", value_name = "NAME=GLOB")]
    pub services: Vec<String>,
    /// Teams from a CODEOWNERS file (team owners like @org/team only; individuals never
    /// become teams). Without FILE: .github/CODEOWNERS, CODEOWNERS, docs/CODEOWNERS or
    /// .gitlab/CODEOWNERS at each repository's HEAD.
    #[arg(long, value_name = "FILE", num_args = 0..=1, default_missing_value = "")]
    pub codeowners: Option<String>,
    /// Paths whose changes are not meaningful (docs, CI config: 'docs/**', '*.md'); repeatable.
    /// A change touching only such paths leaves lead time; a deployment shipping only such
    /// changes leaves deployment frequency and the failure rate.
    #[arg(long = "ignore-paths", value_name = "GLOB")]
    pub ignore_paths: Vec<String>,
}

/// Export files and how to read them.
#[derive(Debug, Clone, Default, Args, serde::Serialize)]
#[command(next_help_heading = "Exports")]
pub struct ExportArgs {
    /// A deployment export (GitLab, GitHub, CodePipeline, Jenkins, DevLake, canonical CSV/JSON);
    /// repeatable. Deployments then come from exports instead of tags.
    #[arg(long = "deployments", value_name = "FILE")]
    pub deployments: Vec<PathBuf>,
    /// Read every --deployments file as this format instead of detecting it.
    #[arg(long, value_name = "FORMAT")]
    pub deployments_format: Option<ExportFormat>,
    /// An incident or alarm export (PagerDuty, Opsgenie, Jira CSV, ServiceNow, GitLab/GitHub
    /// issues, CloudWatch alarm history, canonical CSV/JSON); repeatable.
    #[arg(long = "incidents", value_name = "FILE")]
    pub incidents: Vec<PathBuf>,
    /// Read every --incidents file as this format instead of detecting it.
    #[arg(long, value_name = "FORMAT")]
    pub incidents_format: Option<ExportFormat>,
    /// A merge-request export (GitLab merge requests or commits, GitHub pulls); repeatable.
    #[arg(long = "merge-requests", value_name = "FILE")]
    pub merge_requests: Vec<PathBuf>,
    /// Merge-request commits: a directory of `<iid>.json` files, or one JSON object keyed by
    /// iid. Default: a `merge_request_commits/` directory beside the merge-request export.
    #[arg(long, value_name = "PATH")]
    pub merge_request_commits: Option<PathBuf>,
    /// A file only `--reference` reads, or a directory of them (`*.json`); repeatable:
    /// `aws cloudwatch get-metric-statistics` and `aws codecommit get-commit` outputs for
    /// aws-script.
    #[arg(long = "reference-data", value_name = "PATH")]
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub reference_data: Vec<PathBuf>,
    /// Production environment names (case-insensitive); repeatable.
    #[arg(long = "environment", value_name = "NAME", default_values_t = ["production".to_string(), "prod".to_string()])]
    pub environments: Vec<String>,
    /// Time zone of timestamps that carry none (IANA name like Europe/Berlin, UTC, or +02:00).
    /// Without it such timestamps are an error, never a guess.
    #[arg(long, value_name = "TZ")]
    pub timezone: Option<String>,
    /// Stop at the first bad record instead of skipping and counting it.
    #[arg(long)]
    pub strict: bool,
}

/// `dorascope check`.
#[derive(Debug, Clone, Args)]
pub struct CheckArgs {
    /// Export files to check.
    #[arg(value_name = "FILE", required = true)]
    pub files: Vec<PathBuf>,
    /// Read every file as this format instead of detecting it.
    #[arg(long = "as", value_name = "FORMAT")]
    pub format: Option<ExportFormat>,
    /// Time zone of timestamps that carry none.
    #[arg(long, value_name = "TZ")]
    pub timezone: Option<String>,
    /// Print the report as JSON instead of text.
    #[arg(long)]
    pub json: bool,
}

/// How failed deployments are recognised.
#[derive(Debug, Clone, Args, serde::Serialize)]
#[command(next_help_heading = "Failures")]
pub struct FailureArgs {
    /// Which deployments count as failed (docs/definitions.md).
    #[arg(long, value_enum, default_value_t = FailureMethod::Window)]
    pub failure_method: FailureMethod,
    /// How long after a deployment an incident is blamed on it (window methods), and after an
    /// incident's resolution a deployment still counts as rework.
    #[arg(long, value_name = "DURATION", default_value = "48h")]
    pub failure_window: String,
    /// Tags or deployment names that are fixes (e.g. '*-hotfix*', 'v*.*.[1-9]'): the deployment
    /// before a fix failed (rollback method), and a fix is unplanned work (rework rate).
    #[arg(long, value_name = "GLOB")]
    pub fix_tags: Option<String>,
}

/// `dorascope report`.
#[derive(Debug, Clone, Args, serde::Serialize)]
pub struct ReportArgs {
    /// Inputs.
    #[command(flatten)]
    pub input: InputArgs,
    /// Failure options.
    #[command(flatten)]
    pub failure: FailureArgs,
    /// Reporting periods: week, month, quarter, year, or a number of days like 30d. Calendar
    /// periods follow --timezone (default UTC); weeks start on Monday.
    #[arg(
        long,
        value_name = "PERIOD",
        default_value = "month",
        help_heading = "Metrics"
    )]
    pub period: String,
    /// Every metric per repository, service (--service), team (--codeowners) or release line
    /// (--release-line-depth) too, beside the numbers for all together.
    #[arg(long, value_name = "GROUP", help_heading = "Metrics")]
    pub group_by: Option<crate::model::GroupBy>,
    /// What each metric is compared with: previous (the range of equal length before, and per
    /// period the period before), first:<duration> (the first 90d of data, say), a range
    /// 2024-01-01..2024-03-31, or none.
    #[arg(
        long,
        value_name = "BASELINE",
        default_value = "previous",
        help_heading = "Metrics"
    )]
    pub baseline: String,
    /// Benchmark profile for categories (`dorascope benchmarks` lists them).
    #[arg(
        long,
        value_name = "NAME",
        default_value = "four-tier",
        help_heading = "Metrics"
    )]
    pub benchmark: String,
    /// Compare with an industry of the DORA Quick Check, `NAME` or `NAME@EDITION` (2024, the
    /// default, or 2025; `dorascope benchmarks` lists them).
    #[arg(long, value_name = "NAME[@EDITION]", help_heading = "Metrics")]
    pub industry: Option<String>,
    /// Compare with an organization size of the DORA Quick Check instead of an industry:
    /// `20-99`, `10000+@2025` (one baseline at a time, as in the Quick Check).
    #[arg(
        long,
        value_name = "SIZE[@EDITION]",
        conflicts_with = "industry",
        help_heading = "Metrics"
    )]
    // Recorded in provenance.json when given (older reports have no such key).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub org_size: Option<String>,
    /// Place the team's categories in one industry row of the source article's shares of
    /// elite / high / medium / low teams (not from a DORA report; printed with its source).
    #[arg(long, value_name = "NAME", help_heading = "Metrics")]
    // Recorded in provenance.json when given (older reports have no such key).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub industry_shares: Option<String>,
    /// Time to restore: per incident (start to resolution), or per failed deployment
    /// (deployment to recovery, DORA's failed deployment recovery time).
    #[arg(long, value_enum, default_value_t = RestoreMethod::Incident, help_heading = "Metrics")]
    pub restore_time: RestoreMethod,
    /// Where lead time starts and ends: commit (git graph), mr-merge, mr-deploy, mr-total
    /// (merge-request exports), pipeline (deployed commit to deployment).
    #[arg(long, value_enum, default_value_t = LeadTimeMethod::Commit, help_heading = "Metrics")]
    pub lead_time: LeadTimeMethod,
    /// Also compute the numbers a script you already use computes, exactly its way, over
    /// --since..--until (both required, both inclusive), to reconcile before switching:
    /// gitlab-script (GitLab API exports), aws-script (CodePipeline, CloudWatch and CodeCommit
    /// exports, with --reference-data; see docs/metrics.md).
    #[arg(long, value_enum, value_name = "METHOD", help_heading = "Metrics")]
    pub reference: Option<crate::model::ReferenceMethod>,
    /// The team the report is about: shown in report.html and summary.json, and a `team`
    /// label on every dora.om series, so that several teams' files can share one Prometheus.
    #[arg(long, value_name = "NAME", help_heading = "Output")]
    pub team: Option<String>,
    /// Directory for the report's files (created if missing).
    #[arg(
        long,
        value_name = "DIR",
        default_value = "dorascope-report",
        help_heading = "Output"
    )]
    pub out: PathBuf,
    /// What to produce, comma-separated: table (the terminal summary), csv, parquet, json
    /// (the per-change, per-deployment, per-incident and per-period tables), html
    /// (report.html), openmetrics (dora.om and grafana-dashboard.json). summary.json and
    /// provenance.json are always written.
    #[arg(
        long,
        value_enum,
        value_delimiter = ',',
        value_name = "LIST",
        default_value = "table,csv,parquet,json,html,openmetrics",
        help_heading = "Output"
    )]
    pub format: Vec<crate::report::bundle::ReportFormat>,
    /// Print summary.json on stdout instead of the terminal summary.
    #[arg(long, help_heading = "Output")]
    pub json: bool,
    /// Colour the terminal summary: auto (when stdout is a terminal and NO_COLOR is unset),
    /// always, never.
    #[arg(long, value_enum, default_value_t = ColorChoice::Auto, value_name = "WHEN", help_heading = "Output")]
    pub color: ColorChoice,
    /// The report's generation time, written into provenance.json and report.html. Without
    /// it no wall-clock time is written, so the same inputs give byte-identical files.
    #[arg(long, value_name = "TIME", help_heading = "Output")]
    pub generated_at: Option<String>,
}

/// When to colour terminal output.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum, serde::Serialize)]
#[serde(rename_all = "lowercase")]
pub enum ColorChoice {
    /// When stdout is a terminal and `NO_COLOR` is not set.
    Auto,
    /// Always.
    Always,
    /// Never.
    Never,
}

impl ColorChoice {
    /// Whether to colour, given whether stdout is a terminal and the `NO_COLOR` convention
    /// (no-color.org: set and not empty disables colour).
    pub fn enabled(self, terminal: bool, no_color: Option<&std::ffi::OsStr>) -> bool {
        match self {
            ColorChoice::Always => true,
            ColorChoice::Never => false,
            ColorChoice::Auto => terminal && no_color.is_none_or(|v| v.is_empty()),
        }
    }
}

/// A table command's arguments.
#[derive(Debug, Clone, Args)]
pub struct TableArgs {
    /// Inputs.
    #[command(flatten)]
    pub input: InputArgs,
    /// Failure options (the `failed` column of deployments, the attribution of incidents).
    #[command(flatten)]
    pub failure: FailureArgs,
    /// Write to this file instead of stdout (`-` is stdout).
    #[arg(long, short, value_name = "FILE", help_heading = "Output")]
    pub output: Option<PathBuf>,
    /// Table format.
    #[arg(long, value_enum, default_value_t = Format::Csv, help_heading = "Output")]
    pub format: Format,
}

/// `dorascope changes`: no failure options, as no column of its depends on them.
#[derive(Debug, Clone, Args)]
pub struct ChangesArgs {
    /// Inputs.
    #[command(flatten)]
    pub input: InputArgs,
    /// Write to this file instead of stdout (`-` is stdout).
    #[arg(long, short, value_name = "FILE", help_heading = "Output")]
    pub output: Option<PathBuf>,
    /// Table format.
    #[arg(long, value_enum, default_value_t = Format::Csv, help_heading = "Output")]
    pub format: Format,
}

/// `dorascope demo`.
#[derive(Debug, Clone, Args)]
pub struct DemoArgs {
    /// Directory to build the demo in (created if missing; must not hold a previous demo).
    /// Default: a new directory under the system's temporary directory.
    #[arg(value_name = "DIR")]
    pub dir: Option<PathBuf>,
}

#[cfg(test)]
mod tests {
    use super::*;
    use clap::CommandFactory;

    #[test]
    fn cli_is_consistent() {
        Cli::command().debug_assert();
    }
}
