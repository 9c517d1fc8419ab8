//! One validated, immutable value per command, built once from the parsed command line
//! (`cli`) before any file is read. Everything after reads these typed settings; nothing
//! parses a flag again or changes a setting once it is built.

use std::io::IsTerminal;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use crate::cli::{ChangesArgs, ExportArgs, FailureArgs, InputArgs, PathArgs, ReportArgs, TableArgs};
use crate::error::{Error, Result};
use crate::exports::ExportFiles;
use crate::git::{Codeowners, ExportedDeployment, GitOptions, PathOptions, RepoInput, TagFilter};
use crate::glob::GlobMatcher;
use crate::import::{ImportOptions, Zone};
use crate::metrics::{Baseline, Options as EngineOptions};
use crate::model::FailureMethod;
use crate::model::{CommitTime, LeadRule};
use crate::model::{GroupBy, ReferenceMethod};
use crate::paths::Service;
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
    /// Services, teams and ignored paths; `None` when none is asked for (no tree diffs).
    pub paths: Option<Arc<PathOptions>>,
    /// Version components that name a tag's release line (`--release-line-depth`).
    pub release_line_depth: u8,
    /// `--match-patches`.
    pub match_patches: bool,
}

impl Input {
    /// Checks every value and resolves repository labels.
    pub fn new(args: &InputArgs) -> Result<Input> {
        let tags = TagFilter::new(&args.deploy_tags, &args.exclude_tags).map_err(Error::Usage)?;
        if args.release_line_depth > 9 {
            return Err(Error::Usage(format!(
                "--release-line-depth: {} version components is more than any tag has (at most 9)",
                args.release_line_depth
            )));
        }
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
        let mut listed: Vec<(Option<String>, PathBuf)> =
            args.repos.iter().map(|p| (None, p.clone())).collect();
        if let Some(file) = &args.repos_from {
            listed.extend(repos_from(file)?);
        }
        let repo_given = !listed.is_empty();
        if !repo_given {
            listed.push((None, PathBuf::from(".")));
        }
        Ok(Input {
            paths: path_options(&args.paths)?,
            exports: export_files(&args.exports)?,
            repo_given,
            repos: label_repos(&listed)?,
            tags,
            commit_time: args.commit_time,
            lead_rule: LeadRule {
                include_merges: args.include_merges,
                include_backlog: args.include_backlog,
            },
            range: Range { since, until },
            release_line_depth: args.release_line_depth,
            match_patches: args.match_patches,
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
            paths: self.paths.clone(),
            release_line_depth: self.release_line_depth,
            match_patches: self.match_patches,
        }
    }
}

/// `--service`, `--codeowners` and `--ignore-paths`, checked; `None` when none is given.
fn path_options(args: &PathArgs) -> Result<Option<Arc<PathOptions>>> {
    if args.services.is_empty() && args.codeowners.is_none() && args.ignore_paths.is_empty() {
        return Ok(None);
    }
    let mut services: Vec<Service> = Vec::with_capacity(args.services.len());
    for spec in &args.services {
        let s = Service::parse(spec).map_err(|e| Error::Usage(format!("--service: {e}")))?;
        if services.iter().any(|t| t.name == s.name) {
            return Err(Error::Usage(format!(
                "--service: '{}' is given twice (list every glob of a service in one NAME=GLOB,GLOB)",
                s.name
            )));
        }
        services.push(s);
    }
    for g in &args.ignore_paths {
        crate::paths::compile_path_glob(g).map_err(|e| Error::Usage(format!("--ignore-paths: {e}")))?;
    }
    let codeowners = args.codeowners.as_ref().map(|f| {
        if f.is_empty() {
            Codeowners::InRepository
        } else {
            Codeowners::File(PathBuf::from(f))
        }
    });
    Ok(Some(Arc::new(PathOptions {
        services,
        ignore: args.ignore_paths.clone(),
        codeowners,
    })))
}

/// The repositories listed in a `--repos-from` file: one `DIR` or `LABEL=DIR` a line, blank
/// lines and `#` comments skipped; relative directories are read from the file's directory.
fn repos_from(file: &Path) -> Result<Vec<(Option<String>, PathBuf)>> {
    let text = std::fs::read_to_string(file)
        .map_err(|e| Error::Usage(format!("--repos-from {}: cannot read it: {e}", file.display())))?;
    let base = file.parent().unwrap_or(Path::new(""));
    let mut out = Vec::new();
    for (n, line) in text.lines().enumerate() {
        let line = line.trim();
        if line.is_empty() || line.starts_with('#') {
            continue;
        }
        let (label, dir) = match line.split_once('=') {
            Some((l, d)) if !l.contains('/') && !l.contains('\\') => (Some(l.trim().to_owned()), d.trim()),
            _ => (None, line),
        };
        if dir.is_empty() || label.as_deref() == Some("") {
            return Err(Error::Usage(format!(
                "--repos-from {} line {}: expected DIR or LABEL=DIR, found '{line}'",
                file.display(),
                n + 1
            )));
        }
        let dir = Path::new(dir);
        let dir = if dir.is_relative() {
            base.join(dir)
        } else {
            dir.to_owned()
        };
        out.push((label, dir));
    }
    if out.is_empty() {
        return Err(Error::Usage(format!(
            "--repos-from {}: lists no repository (one DIR or LABEL=DIR a line)",
            file.display()
        )));
    }
    Ok(out)
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
        reference_data: args.reference_data.clone(),
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
    /// `--group-by`.
    pub group_by: Option<GroupBy>,
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
        let industry = match (industry, args.org_size.as_deref()) {
            (None, Some(size)) => {
                Some(crate::benchmarks::survey::org_size(size).map_err(usage("--org-size"))?)
            }
            (industry, _) => industry,
        };
        let industry_shares = args
            .industry_shares
            .as_deref()
            .map(crate::benchmarks::shares::industry)
            .transpose()
            .map_err(usage("--industry-shares"))?;
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
            industry_shares,
            team: args.team.clone(),
        };
        let paths = input.paths.as_deref();
        let group_by = args.group_by;
        match group_by {
            Some(GroupBy::Service)
                if paths.is_none_or(|p| p.services.is_empty()) && input.exports.deployments.is_empty() =>
            {
                return Err(Error::Usage(
                    "--group-by service: define the services with --service NAME=GLOB (or [services] in the config file), \
                     or give --deployments exports that name them"
                        .into(),
                ));
            }
            Some(GroupBy::Team) if paths.is_none_or(|p| p.codeowners.is_none()) => {
                return Err(Error::Usage(
                    "--group-by team: teams come from CODEOWNERS; give --codeowners (or --codeowners FILE)"
                        .into(),
                ));
            }
            _ => {}
        }
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
            group_by,
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
/// Labels the repositories: a label given in `--repos-from` as is, otherwise the directory's
/// name, or its path where two names clash. Two repositories with one label are an error.
fn label_repos(listed: &[(Option<String>, PathBuf)]) -> Result<Vec<RepoInput>> {
    let names: Vec<String> = listed
        .iter()
        .map(|(l, p)| l.clone().unwrap_or_else(|| label_of(p)))
        .collect();
    let repos: Vec<RepoInput> = listed
        .iter()
        .zip(&names)
        .map(|((given, path), name)| {
            let clash = given.is_none() && names.iter().filter(|l| *l == name).count() > 1;
            RepoInput {
                path: path.clone(),
                label: if clash {
                    path.display().to_string()
                } else {
                    name.clone()
                },
            }
        })
        .collect();
    for (i, r) in repos.iter().enumerate() {
        if let Some(other) = repos[..i].iter().find(|o| o.label == r.label) {
            return Err(Error::Usage(format!(
                "two repositories are labelled '{}' ({} and {}): give them distinct labels (LABEL=DIR in --repos-from)",
                r.label,
                other.path.display(),
                r.path.display()
            )));
        }
    }
    Ok(repos)
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
            (None, PathBuf::from("/a/shop.git")),
            (None, PathBuf::from("/b/api")),
            (None, PathBuf::from("/c/api")),
            (Some("web".into()), PathBuf::from("/d/api")),
        ])
        .unwrap();
        assert_eq!(l[0].label, "shop");
        assert_eq!(l[1].label, "/b/api");
        assert_eq!(l[2].label, "/c/api");
        assert_eq!(l[3].label, "web");
        // A directory's name yields to a label given for another repository.
        let yields = label_repos(&[
            (Some("shop".into()), PathBuf::from("/x")),
            (None, PathBuf::from("/a/shop")),
        ]);
        assert_eq!(yields.unwrap()[1].label, "/a/shop");
        let twice = label_repos(&[
            (Some("shop".into()), PathBuf::from("/x")),
            (Some("shop".into()), PathBuf::from("/y")),
        ]);
        assert!(
            twice
                .unwrap_err()
                .to_string()
                .contains("two repositories are labelled 'shop'")
        );
    }

    #[test]
    fn repos_from_lists_labels_and_directories() {
        let dir = tempfile::tempdir().unwrap();
        let file = dir.path().join("repos.txt");
        std::fs::write(
            &file,
            "# the platform\n\napi=services/api\n/abs/web\n  billing = ../billing  \n",
        )
        .unwrap();
        let got = repos_from(&file).unwrap();
        assert_eq!(
            got,
            vec![
                (Some("api".into()), dir.path().join("services/api")),
                (None, PathBuf::from("/abs/web")),
                (Some("billing".into()), dir.path().join("../billing")),
            ]
        );
        std::fs::write(&file, "api=\n").unwrap();
        let e = repos_from(&file).unwrap_err().to_string();
        assert!(e.contains("line 1: expected DIR or LABEL=DIR"), "{e}");
        std::fs::write(&file, "# nothing\n").unwrap();
        assert!(
            repos_from(&file)
                .unwrap_err()
                .to_string()
                .contains("lists no repository")
        );
    }
}
