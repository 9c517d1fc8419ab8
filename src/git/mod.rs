//! Everything that touches gix: opening repositories, loading the commit graph, reading
//! tags, and turning first-deployment attribution into [`Change`] and [`Deployment`] records.
//! No gix type leaves this module.

pub mod attribute;
pub mod graph;
pub mod tags;

use std::path::{Path, PathBuf};
use std::sync::Arc;

use crate::error::GitError;
use crate::model::{Change, CommitTime, Deployment, RepoQuality, Sha};
use crate::progress::Progress;
use crate::stats::median_i64;
pub use tags::TagFilter;

/// Settings that shape attribution and the records it produces.
#[derive(Debug, Clone)]
pub struct GitOptions {
    /// Which tags are deployments.
    pub tags: TagFilter,
    /// Which commit time is the change's time.
    pub commit_time: CommitTime,
    /// Count merge commits as changes in statistics.
    pub include_merges: bool,
    /// Keep the first deployment's backlog in lead-time statistics.
    pub include_backlog: bool,
    /// Report deployments at or after this time (seconds since the epoch).
    pub since: Option<i64>,
    /// Report deployments strictly before this time.
    pub until: Option<i64>,
    /// Build per-change records (the `changes` table); counts and statistics are computed
    /// either way.
    pub collect_changes: bool,
}

/// The records from one repository.
#[derive(Debug, Default)]
pub struct RepoAnalysis {
    /// Per-change rows, in deployment order, then change time, then sha.
    pub changes: Vec<Change>,
    /// Per-deployment rows in deployment order.
    pub deployments: Vec<Deployment>,
    /// What makes this repository's numbers partial.
    pub quality: RepoQuality,
}

/// A repository to analyse and the label its rows carry.
#[derive(Debug, Clone)]
pub struct RepoInput {
    /// The path given with `--repo`.
    pub path: PathBuf,
    /// The `repo` column value.
    pub label: String,
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

/// A deployment candidate with its resolved time, before ranking.
struct Candidate {
    name: Arc<str>,
    tag: tags::TagRecord,
    node: u32,
    time: i64,
}

/// Reads one repository and attributes every change to its first deployment.
pub fn analyze(input: &RepoInput, opts: &GitOptions, progress: &Progress) -> Result<RepoAnalysis, GitError> {
    let path = input.path.as_path();
    let mut repo = open(path)?;
    repo.object_cache_size_if_unset(4 << 20);
    let tags = tags::deployment_tags(&repo, &opts.tags, path)?;
    let head = repo.head_id().ok().map(|id| id.detach());
    let mut tips: Vec<gix::ObjectId> = tags.deployments.iter().map(|t| t.commit).collect();
    tips.extend(head);
    if tips.is_empty() && tags.total == 0 {
        return Err(GitError::NoCommits {
            path: path.to_owned(),
        });
    }
    if tags.deployments.is_empty() {
        return Err(no_matching_tags(path, opts, &tags));
    }
    let shallow = repo.is_shallow().unwrap_or(false);

    let bar = progress.counter(&format!("{}: reading commits", input.label));
    let graph = graph::load(&repo, &tips, path, &bar)?;
    bar.finish_and_clear();

    let bar = progress.spinner(&format!("{}: attributing", input.label));
    let analysis = attribute_records(input, opts, &graph, tags, shallow)?;
    bar.finish_and_clear();
    Ok(analysis)
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
    tags: tags::Tags,
    shallow: bool,
) -> Result<RepoAnalysis, GitError> {
    let path = input.path.as_path();
    let mut candidates = Vec::with_capacity(tags.deployments.len());
    for tag in tags.deployments {
        let node = graph.node(&tag.commit).ok_or_else(|| GitError::Read {
            path: path.to_owned(),
            what: "loading tagged commits",
            reason: format!("tag {} was not loaded", tag.name),
        })?;
        let time = tag.tagger_time.unwrap_or(graph.commit_time[node as usize]);
        candidates.push(Candidate {
            name: tag.name.as_str().into(),
            tag,
            node,
            time,
        });
    }
    candidates.sort_by(|a, b| a.time.cmp(&b.time).then_with(|| a.tag.name.cmp(&b.tag.name)));
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

    let mut quality = RepoQuality {
        repo: input.label.clone(),
        shallow,
        missing_commits: graph.missing.iter().filter(|&&m| m).count() as u64,
        skipped_tags: tags.skipped,
        used_commit_graph: graph.used_commit_graph,
        commits: graph.missing.iter().filter(|&&m| !m).count() as u64,
        ..Default::default()
    };
    let in_range = |t: i64| opts.since.is_none_or(|s| t >= s) && opts.until.is_none_or(|u| t < u);
    let change_time = |i: usize| match opts.commit_time {
        CommitTime::Author => graph.author_time[i],
        CommitTime::Committer => graph.commit_time[i],
    };

    // Group nodes by rank (a counting sort keeps this linear).
    let n_dep = candidates.len();
    let mut per_rank: Vec<Vec<u32>> = vec![Vec::new(); n_dep + 1];
    for (node, &rank) in first.iter().enumerate() {
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
        let mut leads = Vec::new();
        let mut counted = 0u64;
        for &node in nodes.iter() {
            let i = node as usize;
            let is_merge = graph.dag.parents(i).len() > 1;
            let lead = dep.map(|d| d.time - change_time(i));
            if let Some(lead) = lead {
                if !is_merge || opts.include_merges {
                    counted += 1;
                    if lead < 0 {
                        quality.negative_lead_times += 1;
                    } else if !backlog || opts.include_backlog {
                        leads.push(lead);
                    }
                    if backlog {
                        quality.backlog_changes += 1;
                    }
                }
            } else if !is_merge || opts.include_merges {
                quality.undeployed_changes += 1;
            }
            let listed = opts.collect_changes
                && match dep {
                    Some(_) => reported,
                    None => opts.until.is_none(),
                };
            if listed {
                out.changes.push(Change {
                    repo: label.clone(),
                    sha: sha_of(&graph.ids[i]),
                    author_time: graph.author_time[i],
                    commit_time: graph.commit_time[i],
                    is_merge,
                    deployment: dep.map(|d| d.name.clone()),
                    deployed_at: dep.map(|d| d.time),
                    lead_time_seconds: lead,
                    backlog: dep.is_some() && backlog,
                });
            }
        }
        if let Some(d) = dep.filter(|_| reported) {
            out.deployments.push(Deployment {
                repo: input.label.clone(),
                name: d.tag.name.clone(),
                sha: d.tag.commit.to_string(),
                source: "tag".into(),
                environment: "production".into(),
                deployed_at: d.time,
                kind: d.tag.kind,
                changes: counted,
                lead_time_median_seconds: median_i64(&mut leads),
                lead_time_max_seconds: leads.iter().copied().max(),
                previous_deployment: rank.checked_sub(1).map(|p| candidates[p].tag.name.clone()),
                rollback: first[d.node as usize] < rank as u32,
                failed: None,
            });
        }
    }
    out.quality = quality;
    Ok(out)
}
