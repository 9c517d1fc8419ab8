//! One validated, immutable value per command, built once from the parsed command line
//! (`cli`) before any file is read. Everything after reads these typed settings; nothing
//! parses a flag again or changes a setting once it is built.

use std::io::IsTerminal;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use crate::cli::{ChangesArgs, ExportArgs, FailureArgs, InputArgs, ReportArgs, TableArgs};
use crate::error::{Error, Result};
use crate::exports::ExportFiles;
use crate::git::{ExportedDeployment, GitOptions, RepoInput, TagFilter};
use crate::glob::GlobMatcher;
use crate::import::{ImportOptions, Zone};
use crate::metrics::{Baseline, Options as EngineOptions};
use crate::model::FailureMethod;
use crate::model::ReferenceMethod;
use crate::model::{CommitTime, LeadRule};
use crate::periods::PeriodSpec;
use crate::report::Format;
use crate::report::bundle::ReportFormat;
use crate::time::{Bound, Range, parse_bound};

/// Where the history and deployments come from (every command that reads them).
#[derive(Debug, Clone)]
pub struct Input {
    /// Repositories with their labels.
    pub repos: Vec<RepoInput>,
    /// Whether `--repo` was given (otherwise the current directory is tried).
    pub repo_given: bool,
    /// Which tags are deployments.
    pub tags: TagFilter,
    /// Which commit time a change's lead time starts from.
    pub commit_time: CommitTime,
    /// Which changes count for lead time.
    pub lead_rule: LeadRule,
    /// `--since` and `--until`.
    pub range: Range,
    /// Export files and how to read them.
    pub exports: ExportFiles,
}

impl Input {
    /// Checks every value and resolves repository labels.
    pub fn new(args: &InputArgs) -> Result<Input> {
        let tags = TagFilter::new(&args.deploy_tags, &args.exclude_tags).map_err(Error::Usage)?;
        let since = args
            .since
            .as_deref()
            .map(|t| parse_bound(t, Bound::Start).map_err(|e| Error::Usage(format!("--since: {e}"))))
            .transpose()?;
        let until = args
            .until
            .as_deref()
            .map(|t| parse_bound(t, Bound::End).map_err(|e| Error::Usage(format!("--until: {e}"))))
            .transpose()?;
        if let (Some(s), Some(u)) = (since, until)
            && s >= u
        {
            return Err(Error::Usage("--since must be before --until".into()));
        }
        let repo_given = !args.repos.is_empty();
        let repos = if repo_given {
            args.repos.clone()
        } else {
            vec![PathBuf::from(".")]
        };
        Ok(Input {
            exports: export_files(&args.exports)?,
            repo_given,
            repos: label_repos(&repos),
            tags,
            commit_time: args.commit_time,
            lead_rule: LeadRule {
                include_merges: args.include_merges,
                include_backlog: args.include_backlog,
            },
            range: Range { since, until },
        })
    }

    /// The attribution's options: deployments reported in `range`, per-change records only
    /// when `collect_changes`, deployments from `exports` instead of tags when given.
    pub fn git(
        &self,
        range: Range,
        collect_changes: bool,
        exports: Option<Arc<Vec<ExportedDeployment>>>,
    ) -> GitOptions {
        GitOptions {
            tags: self.tags.clone(),
            commit_time: self.commit_time,
            lead: self.lead_rule,
            range,
            collect_changes,
            exports,
        }
    }
}

/// Validated export settings.
fn export_files(args: &ExportArgs) -> Result<ExportFiles> {
    let zone = args
        .timezone
        .as_deref()
        .map(|t| Zone::parse(t).map_err(|e| Error::Usage(format!("--timezone: {e}"))))
        .transpose()?;
    Ok(ExportFiles {
        deployments: args.deployments.clone(),
        deployments_format: args.deployments_format,
        incidents: args.incidents.clone(),
        incidents_format: args.incidents_format,
        merge_requests: args.merge_requests.clone(),
        merge_request_commits: args.merge_request_commits.clone(),
        environments: args.environments.clone(),
        options: ImportOptions {
            zone,
            strict: args.strict,
        },
    })
}

/// How failed deployments are recognised.
#[derive(Debug, Clone)]
pub struct Failure {
    /// `--failure-method`.
    pub method: FailureMethod,
    /// `--failure-window`, seconds.
    pub window: i64,
    /// `--fix-tags` as typed, and compiled.
    pub fix_tags: Option<(String, GlobMatcher)>,
}

impl Failure {
    /// The window in seconds and the compiled fix-tag glob.
    pub fn new(args: &FailureArgs) -> Result<Failure> {
        let window = crate::time::parse_duration(&args.failure_window)
            .map_err(|e| Error::Usage(format!("--failure-window: {e}")))?;
        let fix_tags = args
            .fix_tags
            .as_deref()
            .map(|g| {
                crate::glob::compile(g)
                    .map(|m| (g.to_owned(), m))
                    .map_err(|e| Error::Usage(format!("--fix-tags: invalid glob {e}")))
            })
            .transpose()?;
        Ok(Failure {
            method: args.failure_method,
            window,
            fix_tags,
        })
    }

    /// The compiled fix-tag glob.
    pub fn fix(&self) -> Option<&GlobMatcher> {
        self.fix_tags.as_ref().map(|(_, g)| g)
    }
}

/// `dorascope changes`: no failure rules, as none of its columns depends on them.
#[derive(Debug, Clone)]
pub struct Changes {
    /// Inputs.
    pub input: Input,
    /// Output file; `None` or `-` is stdout.
    pub output: Option<PathBuf>,
    /// Table format.
    pub format: Format,
}

impl Changes {
    /// Validates `changes`' arguments.
    pub fn new(args: &ChangesArgs) -> Result<Changes> {
        Ok(Changes {
            input: Input::new(&args.input)?,
            output: args.output.clone(),
            format: args.format,
        })
    }
}

/// `dorascope deployments` and `incidents`.
#[derive(Debug, Clone)]
pub struct Table {
    /// Inputs.
    pub input: Input,
    /// Failure rules (the `failed` column, incident attribution).
    pub failure: Failure,
    /// Output file; `None` or `-` is stdout.
    pub output: Option<PathBuf>,
    /// Table format.
    pub format: Format,
}

impl Table {
    /// Validates a table command's arguments.
    pub fn new(args: &TableArgs) -> Result<Table> {
        Ok(Table {
            input: Input::new(&args.input)?,
            failure: Failure::new(&args.failure)?,
            output: args.output.clone(),
            format: args.format,
        })
    }
}

/// `dorascope report`.
#[derive(Debug, Clone)]
pub struct Report {
    /// Inputs; their `range` is the engine's (repositories are read whole, as the baseline
    /// may lie before `--since`).
    pub input: Input,
    /// Failure rules.
    pub failure: Failure,
    /// The engine's options.
    pub engine: EngineOptions,
    /// `--reference` with its window (both ends required).
    pub reference: Option<(ReferenceMethod, i64, i64)>,
    /// Output directory.
    pub out: PathBuf,
    /// What to produce.
    pub formats: Vec<ReportFormat>,
    /// Print summary.json instead of the terminal summary.
    pub json: bool,
    /// Colour the terminal summary (decided from `--color`, the terminal and `NO_COLOR`).
    pub color: bool,
    /// `--generated-at`, RFC 3339.
    pub generated_at: Option<String>,
    /// `--deploy-tags` and `--exclude-tags` as typed (provenance).
    pub tag_globs: (String, Vec<String>),
    /// The arguments as the user gave them, for provenance.json.
    pub echo: serde_json::Value,
}

impl Report {
    /// Validates `report`'s arguments, in the order a user reads them.
    pub fn new(args: &ReportArgs) -> Result<Report> {
        fn usage(flag: &'static str) -> impl Fn(String) -> Error {
            move |e| Error::Usage(format!("{flag}: {e}"))
        }
        let input = Input::new(&args.input)?;
        let period = PeriodSpec::parse(&args.period).map_err(usage("--period"))?;
        let baseline = Baseline::parse(&args.baseline).map_err(usage("--baseline"))?;
        let benchmark = crate::benchmarks::profile(&args.benchmark).map_err(usage("--benchmark"))?;
        let industry = args
            .industry
            .as_deref()
            .map(crate::benchmarks::survey::industry)
            .transpose()
            .map_err(usage("--industry"))?;
        let zone_name = args
            .input
            .exports
            .timezone
            .clone()
            .unwrap_or_else(|| "UTC".into());
        let zone = Zone::parse(&zone_name).map_err(usage("--timezone"))?;
        let failure = Failure::new(&args.failure)?;
        let engine = EngineOptions {
            failure: failure.method,
            failure_window: failure.window,
            fix_tags: failure.fix_tags.clone(),
            restore: args.restore_time,
            lead_time: args.lead_time,
            lead_rule: input.lead_rule,
            commit_time: input.commit_time,
            period,
            zone: (zone_name, zone),
            since: input.range.since,
            until: input.range.until,
            baseline,
            benchmark,
            industry,
            seed: crate::stats::BOOTSTRAP_SEED,
            team: args.team.clone(),
        };
        let reference = match (args.reference, input.range.since, input.range.until) {
            (None, ..) => None,
            (Some(method), Some(since), Some(until)) => Some((method, since, until)),
            (Some(method), ..) => {
                return Err(Error::Usage(format!(
                    "--reference {}: give the window with --since and --until (the script's N days ending at T)",
                    method.name()
                )));
            }
        };
        let generated_at = args
            .generated_at
            .as_deref()
            .map(|t| {
                parse_bound(t, Bound::Start)
                    .map(crate::time::rfc3339)
                    .map_err(|e| Error::Usage(format!("--generated-at: {e}")))
            })
            .transpose()?;
        let echo = serde_json::to_value(args).map_err(|e| Error::Internal(format!("settings: {e}")))?;
        Ok(Report {
            input,
            failure,
            engine,
            reference,
            out: args.out.clone(),
            formats: args.format.clone(),
            json: args.json,
            color: args.color.enabled(
                std::io::stdout().is_terminal(),
                std::env::var_os("NO_COLOR").as_deref(),
            ),
            generated_at,
            tag_globs: (args.input.deploy_tags.clone(), args.input.exclude_tags.clone()),
            echo,
        })
    }
}

/// A readable label for a repository path: its directory name without `.git`.
fn label_of(path: &Path) -> String {
    let full = std::fs::canonicalize(path).unwrap_or_else(|_| path.to_owned());
    let mut name = full
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    if name == ".git" {
        name = full
            .parent()
            .and_then(|p| p.file_name())
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_default();
    }
    let name = name.strip_suffix(".git").map(str::to_owned).unwrap_or(name);
    if name.is_empty() {
        path.display().to_string()
    } else {
        name
    }
}

/// Labels repositories by directory name, falling back to the path as given where two
/// repositories would share a name.
fn label_repos(paths: &[PathBuf]) -> Vec<RepoInput> {
    let labels: Vec<String> = paths.iter().map(|p| label_of(p)).collect();
    paths
        .iter()
        .zip(&labels)
        .map(|(path, label)| {
            let clash = labels.iter().filter(|l| *l == label).count() > 1;
            RepoInput {
                path: path.clone(),
                label: if clash {
                    path.display().to_string()
                } else {
                    label.clone()
                },
            }
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::cli::{Cli, Command};
    use clap::Parser;

    #[test]
    fn defaults_and_validation() {
        let cli = Cli::try_parse_from(["dorascope", "changes"]).unwrap();
        let Command::Changes(args) = cli.command else {
            panic!("not changes")
        };
        let s = Input::new(&args.input).unwrap();
        assert_eq!(s.tags.include_glob, "v*");
        assert!(s.tags.include.is_match("v1.2.0"));
        assert!(!s.tags.include.is_match("build-1"));
        assert_eq!(s.repos.len(), 1);

        let bad = |args: &[&str]| {
            let cli = Cli::try_parse_from(args).unwrap();
            let Command::Deployments(a) = cli.command else {
                panic!()
            };
            Input::new(&a.input).unwrap_err()
        };
        assert!(
            bad(&["d", "deployments", "--deploy-tags", "v[1"])
                .to_string()
                .contains("invalid tag glob 'v[1'")
        );
        assert!(
            bad(&["d", "deployments", "--since", "2024-02-30"])
                .to_string()
                .starts_with("--since:")
        );
        assert!(
            bad(&[
                "d",
                "deployments",
                "--since",
                "2024-03-01",
                "--until",
                "2024-02-01"
            ])
            .to_string()
            .contains("before")
        );
        assert!(Cli::try_parse_from(["d", "changes", "--format", "xml"]).is_err());
    }

    #[test]
    fn labels_do_not_clash() {
        let l = label_repos(&[
            PathBuf::from("/a/shop.git"),
            PathBuf::from("/b/api"),
            PathBuf::from("/c/api"),
        ]);
        assert_eq!(l[0].label, "shop");
        assert_eq!(l[1].label, "/b/api");
        assert_eq!(l[2].label, "/c/api");
    }
}
