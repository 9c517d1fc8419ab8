//! Everything that touches gix: opening repositories, loading the commit graph, reading
//! tags, and turning first-deployment attribution into [`Change`] and [`Deployment`] records.
//! No gix type leaves this module.

pub mod attribute;
pub mod backports;
mod codeowners;
pub mod graph;
mod lines;
pub mod patch_id;
pub mod paths;
pub mod tags;
#[cfg(test)]
mod testutil;
mod tree_diff;

use std::path::{Path, PathBuf};
use std::sync::Arc;

use crate::error::GitError;
use crate::model::{Change, CommitTime, Deployment, DeploymentKind, LeadRule, RepoQuality, Sha, Shipped};
use crate::paths::{PathClass, PathRules};
use crate::progress::Progress;
use crate::time::Range;
pub use tags::TagFilter;

/// Settings that shape attribution and the records it produces.
#[derive(Debug, Clone)]
pub struct GitOptions {
    /// Which tags are deployments.
    pub tags: TagFilter,
    /// Which commit time is the change's time.
    pub commit_time: CommitTime,
    /// Which changes count (merges), for the data-quality counts.
    pub lead: LeadRule,
    /// Report deployments in this range.
    pub range: Range,
    /// Build per-change records (the `changes` table); counts and statistics are computed
    /// either way.
    pub collect_changes: bool,
    /// Deployments from exports; `None` means deployments are the release tags.
    pub exports: Option<Arc<Vec<ExportedDeployment>>>,
    /// Services, teams and ignored paths; `None`: no tree diffs, no path columns.
    pub paths: Option<Arc<PathOptions>>,
    /// How many version components name a tag's release line (`--release-line-depth`).
    pub release_line_depth: u8,
    /// Match cherry-picks without a `-x` trailer by patch id (`--match-patches`).
    pub match_patches: bool,
}

/// What the paths of a change are read for (`--service`, `--codeowners`, `--ignore-paths`).
#[derive(Debug, Clone)]
pub struct PathOptions {
    /// Services and their globs.
    pub services: Vec<crate::paths::Service>,
    /// Globs of paths whose changes are not meaningful.
    pub ignore: Vec<String>,
    /// Where the CODEOWNERS file is, if teams are asked for.
    pub codeowners: Option<Codeowners>,
}

/// Where teams come from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Codeowners {
    /// The first of `.github/CODEOWNERS`, `CODEOWNERS`, `docs/CODEOWNERS` and
    /// `.gitlab/CODEOWNERS` in the repository's HEAD.
    InRepository,
    /// A file on disk, or if there is none at that path, at that path in HEAD.
    File(PathBuf),
}

/// A finished production deployment from an export, not yet mapped to a commit.
#[derive(Debug, Clone, PartialEq)]
pub struct ExportedDeployment {
    /// Its id in the export (the `deployment` column).
    pub name: String,
    /// The deployed commit as the export names it.
    pub commit: crate::model::CommitRef,
    /// Finish time, seconds since the epoch.
    pub time: i64,
    /// The export format.
    pub source: String,
    /// Environment name.
    pub environment: String,
    /// The tool reported it failed (it then ships nothing, but counts for `status`).
    pub failed: bool,
    /// Service or application, if the export names one.
    pub service: Option<String>,
}

/// The records from one repository.
#[derive(Debug, Default)]
pub struct RepoAnalysis {
    /// Per-change rows, in deployment order, then change time, then sha.
    pub changes: Vec<Change>,
    /// Per-deployment rows in deployment order.
    pub deployments: Vec<Deployment>,
    /// Revert commits, by revert time then sha.
    pub reverts: Vec<crate::model::Revert>,
    /// What makes this repository's numbers partial.
    pub quality: RepoQuality,
    /// Every repository's quality, in the order given, when several were merged.
    pub per_repo: Vec<RepoQuality>,
}

/// A repository to analyse and the label its rows carry.
#[derive(Debug, Clone)]
pub struct RepoInput {
    /// The path given with `--repo`.
    pub path: PathBuf,
    /// The `repo` column value.
    pub label: String,
}

/// Whether `path` opens as a git repository.
pub fn is_repository(path: &Path) -> bool {
    open(path).is_ok()
}

/// Opens a repository (work tree or bare), with an error naming the path.
pub fn open(path: &Path) -> Result<gix::Repository, GitError> {
    if !path.exists() {
        return Err(GitError::NotARepository {
            path: path.to_owned(),
            reason: "no such directory".into(),
        });
    }
    gix::open(path).map_err(|e| GitError::NotARepository {
        path: path.to_owned(),
        reason: first_line(&e.to_string()),
    })
}

/// The id as our own type (only SHA-1 repositories are compiled in: 20 bytes).
fn sha_of(id: &gix::ObjectId) -> Sha {
    let mut bytes = [0u8; 20];
    for (b, v) in bytes.iter_mut().zip(id.as_slice()) {
        *b = *v;
    }
    Sha(bytes)
}

fn first_line(s: &str) -> String {
    s.lines().next().unwrap_or(s).trim().to_owned()
}

/// A deployment with its commit and time resolved, before ranking.
struct Candidate {
    name: Arc<str>,
    commit: gix::ObjectId,
    kind: DeploymentKind,
    /// Known for tags only after loading (lightweight tags take the commit's time).
    time: Option<i64>,
    source: String,
    environment: String,
    failed: Option<bool>,
    service: Option<String>,
    /// Its release line (docs/definitions.md, "Release lines").
    line: String,
}

/// A candidate placed in the graph.
struct Placed {
    c: Candidate,
    node: u32,
    time: i64,
}

/// Resolves each exported deployment's commit (full or abbreviated sha, tag or branch).
fn resolve_exports(
    repo: &gix::Repository,
    exports: &[ExportedDeployment],
    unresolved: &mut Vec<String>,
) -> Vec<Candidate> {
    use crate::model::CommitRef;
    let mut out = Vec::with_capacity(exports.len());
    for e in exports {
        let spec = match &e.commit {
            CommitRef::Sha(s) | CommitRef::Ref(s) => s.as_str(),
        };
        let resolved = repo
            .rev_parse_single(format!("{spec}^{{commit}}").as_str())
            .map(|id| id.detach())
            .map_err(|err| first_line(&err.to_string()));
        match resolved {
            Ok(commit) => out.push(Candidate {
                name: e.name.as_str().into(),
                commit,
                kind: DeploymentKind::Export,
                time: Some(e.time),
                source: e.source.clone(),
                environment: e.environment.clone(),
                failed: Some(e.failed),
                service: e.service.clone(),
                line: crate::model::line::export_line(e.service.as_deref(), &e.environment),
            }),
            Err(reason) => unresolved.push(format!("deployment {} ({spec}): {reason}", e.name)),
        }
    }
    out
}

/// Reads one repository and attributes every change to its first deployment.
pub fn analyze(input: &RepoInput, opts: &GitOptions, progress: &Progress) -> Result<RepoAnalysis, GitError> {
    let path = input.path.as_path();
    let mut repo = open(path)?;
    repo.object_cache_size_if_unset(4 << 20);
    let head = repo.head_id().ok().map(|id| id.detach());
    let mut skipped = Vec::new();
    let mut unresolved = Vec::new();
    let candidates = match &opts.exports {
        None => {
            let tags = tags::deployment_tags(&repo, &opts.tags, path)?;
            if head.is_none() && tags.deployments.is_empty() && tags.total == 0 {
                return Err(GitError::NoCommits {
                    path: path.to_owned(),
                });
            }
            if tags.deployments.is_empty() {
                return Err(no_matching_tags(path, opts, &tags));
            }
            skipped = tags.skipped;
            let prefix = crate::glob::literal_prefix(&opts.tags.include_glob);
            tags.deployments
                .into_iter()
                .map(|t| Candidate {
                    name: t.name.as_str().into(),
                    commit: t.commit,
                    kind: t.kind,
                    time: t.tagger_time,
                    source: "tag".into(),
                    environment: "production".into(),
                    failed: None,
                    service: None,
                    line: crate::model::line::release_line(&t.name, prefix, opts.release_line_depth),
                })
                .collect()
        }
        Some(exports) => {
            if head.is_none() {
                return Err(GitError::NoCommits {
                    path: path.to_owned(),
                });
            }
            resolve_exports(&repo, exports, &mut unresolved)
        }
    };
    let mut tips: Vec<gix::ObjectId> = candidates.iter().map(|c| c.commit).collect();
    tips.extend(head);
    let shallow = repo.is_shallow().unwrap_or(false);

    let bar = progress.counter(&format!("{}: reading commits", input.label));
    let trees = if opts.paths.is_some() || opts.match_patches {
        graph::Trees::Keep
    } else {
        graph::Trees::Skip
    };
    let graph = graph::load(&repo, &tips, trees, path, &bar)?;
    bar.finish_and_clear();

    let classified = match &opts.paths {
        Some(p) => Some(classify(&repo, p, &graph, input, progress)?),
        None => None,
    };

    // Cherry-picks made without `-x`: every later copy of a patch carries the oldest one.
    let patch_pairs = if opts.match_patches {
        let bar = progress.counter(&format!("{}: matching patches", input.label));
        let nodes = graph.newest_changes();
        let ids = patch_id::patch_ids(&repo, &graph, &nodes, path)?;
        bar.finish_and_clear();
        patch_id::matches(&graph, &ids)
    } else {
        Vec::new()
    };

    // Nothing below reads objects: closing the repository unmaps its packs, which would
    // otherwise stay resident beside the records attribution builds.
    drop(repo);
    let bar = progress.spinner(&format!("{}: attributing", input.label));
    let mut analysis = attribute_records(
        input,
        opts,
        &graph,
        candidates,
        skipped,
        shallow,
        Contents {
            classified: classified.as_ref(),
            patch_pairs: &patch_pairs,
        },
    )?;
    analysis.quality.ownership = classified.and_then(|c| c.ownership);
    analysis.quality.unresolved_deployments = unresolved;
    analysis.quality.head = head.map(|h| h.to_string());
    bar.finish_and_clear();
    Ok(analysis)
}

/// What reading the commits' contents added to the graph: each change's paths classified
/// (`--service`, `--codeowners`, `--ignore-paths`) and copies found by patch id
/// (`--match-patches`, as (carrier, original) nodes).
struct Contents<'a> {
    classified: Option<&'a Classified>,
    patch_pairs: &'a [(u32, u32)],
}

/// Every change's services, teams and meaningfulness, from the paths it touches.
struct Classified {
    /// Service names by index.
    services: Vec<Arc<str>>,
    /// Team names by index.
    teams: Vec<Arc<str>>,
    /// By node.
    classes: Vec<PathClass>,
    /// Who owns HEAD's files, when teams were asked for.
    ownership: Option<crate::model::Ownership>,
}

fn classify(
    repo: &gix::Repository,
    p: &PathOptions,
    graph: &graph::CommitGraph,
    input: &RepoInput,
    progress: &Progress,
) -> Result<Classified, GitError> {
    let path = input.path.as_path();
    let (owners, ownership) = match &p.codeowners {
        Some(source) => match codeowners::read(repo, source, path)? {
            Some((o, ownership)) => (Some(o), Some(ownership)),
            // Teams asked for, but no file: every change belongs to no team.
            None => (None, Some(crate::model::Ownership::default())),
        },
        None => (None, None),
    };
    let rules =
        PathRules::new(p.services.clone(), p.ignore.clone(), owners).map_err(|reason| GitError::Read {
            path: path.to_owned(),
            what: "reading the path rules",
            reason,
        })?;
    let bar = progress.counter(&format!("{}: reading paths", input.label));
    let classes = paths::per_commit(repo, graph, |_, touched| rules.classify(touched), path, &bar)?;
    bar.finish_and_clear();
    Ok(Classified {
        services: rules.service_names().to_vec(),
        // `@org/team` is written `org/team`: a name, not a mention (and no spreadsheet
        // formula guard in CSV).
        teams: rules
            .team_names()
            .iter()
            .map(|t| Arc::from(t.strip_prefix('@').unwrap_or(t)))
            .collect(),
        classes,
        ownership,
    })
}

/// The names of `idx`, sorted.
fn names(all: &[Arc<str>], idx: &[u16]) -> Vec<Arc<str>> {
    let mut out: Vec<Arc<str>> = idx.iter().map(|&k| all[k as usize].clone()).collect();
    out.sort_unstable();
    out.dedup();
    out
}

fn no_matching_tags(path: &Path, opts: &GitOptions, tags: &tags::Tags) -> GitError {
    let examples = if tags.other_examples.is_empty() {
        String::new()
    } else {
        format!(", e.g. {}", tags.other_examples.join(", "))
    };
    let excluded = match (tags.excluded, tags.skipped.len()) {
        (0, 0) => String::new(),
        (e, 0) => format!(" after --exclude-tags dropped {e}"),
        (_, s) => format!(
            " that peels to a commit ({s} skipped: {})",
            tags.skipped.join("; ")
        ),
    };
    GitError::NoMatchingTags {
        path: path.to_owned(),
        glob: opts.tags.include_glob.clone(),
        excluded,
        total: tags.total,
        examples,
    }
}

fn attribute_records(
    input: &RepoInput,
    opts: &GitOptions,
    graph: &graph::CommitGraph,
    all: Vec<Candidate>,
    skipped_tags: Vec<String>,
    shallow: bool,
    contents: Contents<'_>,
) -> Result<RepoAnalysis, GitError> {
    let Contents {
        classified,
        patch_pairs,
    } = contents;
    let meaningful_default = PathClass::default();
    let class_of = |i: usize| {
        classified
            .and_then(|c| c.classes.get(i))
            .unwrap_or(&meaningful_default)
    };
    let path = input.path.as_path();
    let mut candidates = Vec::with_capacity(all.len());
    let mut failed = Vec::new();
    for c in all {
        let node = graph.node(&c.commit).ok_or_else(|| GitError::Read {
            path: path.to_owned(),
            what: "loading deployed commits",
            reason: format!("deployment {} was not loaded", c.name),
        })?;
        let time = c.time.unwrap_or(graph.commit_time[node as usize]);
        // A failed deployment shipped nothing: it is listed, but takes no part in attribution.
        let target = if c.failed == Some(true) {
            &mut failed
        } else {
            &mut candidates
        };
        target.push(Placed { c, node, time });
    }
    candidates.sort_by(|a, b| a.time.cmp(&b.time).then_with(|| a.c.name.cmp(&b.c.name)));
    let deployed: Vec<(u32, u32)> = candidates
        .iter()
        .enumerate()
        .map(|(rank, c)| (c.node, rank as u32))
        .collect();
    let first = attribute::first_deployment(&graph.dag, &deployed).ok_or_else(|| GitError::Read {
        path: path.to_owned(),
        what: "ordering commits",
        reason: "the commit graph has a cycle".into(),
    })?;
    // Rollback or maintenance release: by what the deployment's own line shipped before it.
    let redeploys = {
        let mut line_ids: std::collections::HashMap<&str, u32> = std::collections::HashMap::new();
        let placed: Vec<(u32, u32)> = candidates
            .iter()
            .map(|c| {
                let next = line_ids.len() as u32;
                (c.node, *line_ids.entry(c.c.line.as_str()).or_insert(next))
            })
            .collect();
        lines::redeploys(&graph.dag, &placed, &first).ok_or_else(|| GitError::Read {
            path: path.to_owned(),
            what: "ordering commits",
            reason: "the commit graph has a cycle".into(),
        })?
    };
    // Backports: an original change shipped first through a copy of it takes the copy's
    // deployment (`shipped`, the change columns); `first` stays the commit-level answer for
    // rollbacks and reverts. More (carrier, original) pairs (patch ids) join `pairs`.
    let mut pairs = backports::trailer_pairs(graph);
    pairs.extend_from_slice(patch_pairs);
    let backports = backports::attribute(&first, &pairs, |n| graph.ids[n as usize]);
    let shipped_first = backports.ranks(&first);

    let mut quality = RepoQuality {
        repo: input.label.clone(),
        shallow,
        missing_commits: graph.missing.iter().filter(|&&m| m).count() as u64,
        skipped_tags,
        used_commit_graph: graph.used_commit_graph,
        commits: graph.missing.iter().filter(|&&m| !m).count() as u64,
        ..Default::default()
    };
    let in_range = |t: i64| opts.range.contains(t);
    let change_time = |i: usize| opts.commit_time.pick(graph.author_time[i], graph.commit_time[i]);

    // Group nodes by rank (a counting sort keeps this linear).
    let n_dep = candidates.len();
    let mut per_rank: Vec<Vec<u32>> = vec![Vec::new(); n_dep + 1];
    for (node, &rank) in shipped_first.iter().enumerate() {
        if graph.missing[node] {
            continue;
        }
        let slot = if rank == attribute::UNDEPLOYED {
            n_dep
        } else {
            rank as usize
        };
        per_rank[slot].push(node as u32);
    }

    let mut out = RepoAnalysis::default();
    let label: Arc<str> = input.label.as_str().into();
    if opts.collect_changes {
        out.changes.reserve_exact(graph.len());
    }
    for (rank, nodes) in per_rank.iter_mut().enumerate() {
        nodes.sort_by(|&a, &b| {
            change_time(a as usize)
                .cmp(&change_time(b as usize))
                .then_with(|| graph.ids[a as usize].cmp(&graph.ids[b as usize]))
        });
        let dep = candidates.get(rank);
        let backlog = rank == 0;
        let reported = dep.is_none_or(|d| in_range(d.time));
        let mut shipped = Vec::new();
        // The deployment's services and teams: those of the meaningful changes it shipped.
        let (mut dep_services, mut dep_teams) = (Vec::<u16>::new(), Vec::<u16>::new());
        let (mut plain_changes, mut meaningful_changes) = (0u64, 0u64);
        for &node in nodes.iter() {
            let i = node as usize;
            let is_merge = graph.dag.parents(i).len() > 1;
            let class = class_of(i);
            // A copy of another loaded commit (a cherry-pick) is listed, but its change is
            // the original's: no lead time, no count (docs/definitions.md, "Backports").
            let copy = backports.is_copy(node);
            if !is_merge && !copy {
                plain_changes += 1;
                if class.meaningful {
                    meaningful_changes += 1;
                    dep_services.extend_from_slice(&class.services);
                    dep_teams.extend_from_slice(&class.teams);
                }
            }
            let lead = dep.map(|d| d.time - change_time(i)).filter(|_| !copy);
            if let Some(lead) = lead {
                if reported {
                    shipped.push(Shipped {
                        lead_seconds: lead,
                        is_merge,
                        backlog,
                        meaningful: class.meaningful,
                    });
                }
                if opts.lead.is_change(is_merge) {
                    quality.negative_lead_times += u64::from(lead < 0);
                    quality.backlog_changes += u64::from(backlog);
                }
            } else if opts.lead.is_change(is_merge) && !copy {
                quality.undeployed_changes += 1;
            }
            let listed = opts.collect_changes
                && match dep {
                    Some(_) => reported,
                    None => opts.range.until.is_none(),
                };
            if listed {
                out.changes.push(Change {
                    repo: label.clone(),
                    sha: sha_of(&graph.ids[i]),
                    author_time: graph.author_time[i],
                    commit_time: graph.commit_time[i],
                    is_merge,
                    deployment: dep.map(|d| d.c.name.clone()),
                    deployed_at: dep.map(|d| d.time),
                    lead_time_seconds: lead,
                    backlog: dep.is_some() && backlog,
                    services: classified
                        .map(|c| names(&c.services, &class.services))
                        .unwrap_or_default(),
                    teams: classified
                        .map(|c| names(&c.teams, &class.teams))
                        .unwrap_or_default(),
                    meaningful: class.meaningful,
                    shipped_via: backports
                        .shipped_via(node)
                        .map(|c| sha_of(&graph.ids[c as usize])),
                });
            }
        }
        if let Some(d) = dep.filter(|_| reported) {
            dep_services.sort_unstable();
            dep_services.dedup();
            dep_teams.sort_unstable();
            dep_teams.dedup();
            let services = match (&d.c.service, classified) {
                (Some(s), _) => vec![Arc::from(s.as_str())],
                (None, Some(c)) => names(&c.services, &dep_services),
                (None, None) => Vec::new(),
            };
            out.deployments.push(Deployment {
                repo: input.label.clone(),
                name: d.c.name.to_string(),
                sha: d.c.commit.to_string(),
                source: d.c.source.clone(),
                environment: d.c.environment.clone(),
                deployed_at: d.time,
                kind: d.c.kind,
                changes: None,
                lead_time_median_seconds: None,
                lead_time_max_seconds: None,
                previous_deployment: rank.checked_sub(1).map(|p| candidates[p].c.name.to_string()),
                rollback: redeploys[rank] == lines::Redeploy::Rollback,
                maintenance: redeploys[rank] == lines::Redeploy::Maintenance,
                line: d.c.line.clone(),
                failed: d.c.failed,
                service: d.c.service.clone(),
                shipped: Some(shipped),
                services,
                teams: classified
                    .map(|c| names(&c.teams, &dep_teams))
                    .unwrap_or_default(),
                // Not meaningful: it shipped changes, and every one of them touched ignored
                // paths only (merge commits carry no paths of their own).
                meaningful: plain_changes == 0 || meaningful_changes > 0,
            });
        }
    }
    for f in failed.into_iter().filter(|f| in_range(f.time)) {
        let before = candidates.partition_point(|c| (c.time, &c.c.name) < (f.time, &f.c.name));
        out.deployments.push(Deployment {
            repo: input.label.clone(),
            name: f.c.name.to_string(),
            sha: f.c.commit.to_string(),
            source: f.c.source.clone(),
            environment: f.c.environment.clone(),
            deployed_at: f.time,
            kind: f.c.kind,
            changes: None,
            lead_time_median_seconds: None,
            lead_time_max_seconds: None,
            previous_deployment: before.checked_sub(1).map(|p| candidates[p].c.name.to_string()),
            rollback: false,
            maintenance: false,
            line: f.c.line.clone(),
            failed: Some(true),
            service: f.c.service.clone(),
            shipped: Some(Vec::new()),
            services: f.c.service.iter().map(|s| Arc::from(s.as_str())).collect(),
            teams: Vec::new(),
            meaningful: true,
        });
    }
    let deployment_of = |node: u32| {
        let rank = first[node as usize];
        (rank != attribute::UNDEPLOYED).then(|| candidates[rank as usize].c.name.to_string())
    };
    let mut reverts: Vec<_> = graph
        .reverts
        .iter()
        .map(|&(node, reverted)| {
            (
                change_time(node as usize),
                crate::model::Revert {
                    repo: input.label.clone(),
                    sha: sha_of(&graph.ids[node as usize]),
                    reverted: sha_of(&reverted),
                    deployment: deployment_of(node),
                    reverted_deployment: graph
                        .node(&reverted)
                        .filter(|&n| !graph.missing[n as usize])
                        .and_then(deployment_of),
                },
            )
        })
        .collect();
    reverts.sort_by(|a, b| a.0.cmp(&b.0).then_with(|| a.1.sha.cmp(&b.1.sha)));
    out.reverts = reverts.into_iter().map(|(_, r)| r).collect();
    out.deployments.sort_by(|a, b| {
        a.deployed_at
            .cmp(&b.deployed_at)
            .then_with(|| a.name.cmp(&b.name))
    });
    out.quality = quality;
    Ok(out)
}

/// The subject line (first line of the message) of each of `shas` in the repository at
/// `path`; commits that cannot be read are left out. For the few commits a report names
/// (the slowest changes), not for whole histories: one object lookup each.
pub fn subjects(
    path: &Path,
    shas: &[crate::model::Sha],
) -> Result<Vec<(crate::model::Sha, String)>, GitError> {
    let repo = open(path)?;
    let mut out = Vec::with_capacity(shas.len());
    for sha in shas {
        let id = gix::ObjectId::from(sha.0);
        let Ok(commit) = repo.find_commit(id) else {
            continue;
        };
        let Ok(message) = commit.message_raw() else {
            continue;
        };
        let text = String::from_utf8_lossy(message.as_ref());
        let subject = text.lines().next().unwrap_or_default().trim().to_owned();
        out.push((*sha, subject));
    }
    Ok(out)
}
