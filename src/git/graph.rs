//! Loading the part of a history that deployments and HEAD reach into compact arrays.
//!
//! The walk assigns each commit an index in discovery order and records its parents as
//! indices, so everything after loading works on plain integer arrays. Where a commit-graph
//! file covers a commit, its parents and committer time come from that file without
//! decoding the object; the author times of those commits are then decoded in parallel.

use std::path::Path;

use gix::ObjectId;
use gix::objs::commit::ref_iter::Token;
use indicatif::ProgressBar;
use rayon::prelude::*;

use super::attribute::Dag;
use crate::error::GitError;

/// The loaded history: node `i` is commit `ids[i]`.
#[derive(Debug, Default)]
pub struct CommitGraph {
    /// Commit ids by node index.
    pub ids: Vec<ObjectId>,
    /// Parent edges by node index.
    pub dag: Dag,
    /// Author time by node index (seconds since the epoch).
    pub author_time: Vec<i64>,
    /// Committer time by node index.
    pub commit_time: Vec<i64>,
    /// Nodes whose object is absent (a parent that was never fetched).
    pub missing: Vec<bool>,
    /// Whether the commit-graph file supplied any commits.
    pub used_commit_graph: bool,
    /// Node index by commit id.
    index: gix::hashtable::HashMap<ObjectId, u32>,
}

impl CommitGraph {
    /// Number of nodes, including missing ones.
    pub fn len(&self) -> usize {
        self.ids.len()
    }

    /// Whether no commit was loaded.
    pub fn is_empty(&self) -> bool {
        self.ids.is_empty()
    }

    /// The node of a loaded commit.
    pub fn node(&self, id: &ObjectId) -> Option<u32> {
        self.index.get(id).copied()
    }

    /// The node of `id`, added (without parents yet) if new.
    fn add(&mut self, id: ObjectId) -> u32 {
        *self.index.entry(id).or_insert_with(|| {
            self.ids.push(id);
            self.author_time.push(0);
            self.commit_time.push(0);
            self.missing.push(false);
            (self.ids.len() - 1) as u32
        })
    }
}

/// What decoding one commit object yields.
struct Decoded {
    parents: Vec<ObjectId>,
    author: i64,
    committer: i64,
}

fn decode_commit(data: &[u8], hash: gix::hash::Kind) -> Result<Decoded, String> {
    let mut parents = Vec::new();
    let mut author = None;
    for token in gix::objs::CommitRefIter::from_bytes(data, hash) {
        match token.map_err(|e| e.to_string())? {
            Token::Tree { .. } => {}
            Token::Parent { id } => parents.push(id),
            Token::Author { signature } => author = Some(signature.seconds()),
            Token::Committer { signature } => {
                let committer = signature.seconds();
                return Ok(Decoded {
                    parents,
                    author: author.unwrap_or(committer),
                    committer,
                });
            }
            _ => break,
        }
    }
    Err("commit has no committer line".into())
}

/// Reads one commit; `Ok(None)` if the object is absent.
fn read_commit(
    objects: &impl gix::objs::Find,
    id: &ObjectId,
    buf: &mut Vec<u8>,
    path: &Path,
) -> Result<Option<Decoded>, GitError> {
    let corrupt = |reason: String| GitError::CorruptObject {
        path: path.to_owned(),
        id: id.to_string(),
        reason,
    };
    match objects.try_find(id, buf) {
        Ok(None) => Ok(None),
        Ok(Some(data)) if data.kind == gix::objs::Kind::Commit => decode_commit(data.data, data.object_hash)
            .map(Some)
            .map_err(corrupt),
        Ok(Some(data)) => Err(corrupt(format!("expected a commit, found a {}", data.kind))),
        Err(e) => Err(corrupt(e.to_string())),
    }
}

/// Loads every commit reachable from `tips`.
pub fn load(
    repo: &gix::Repository,
    tips: &[ObjectId],
    path: &Path,
    progress: &ProgressBar,
) -> Result<CommitGraph, GitError> {
    let read_err = |what: &'static str| {
        move |e: gix::Error| GitError::Read {
            path: path.to_owned(),
            what,
            reason: e.to_string(),
        }
    };
    let shallow: gix::hashtable::HashSet<ObjectId> = repo
        .shallow_commits()
        .map_err(read_err("reading the shallow file"))?
        .map(|commits| commits.iter().copied().collect())
        .unwrap_or_default();
    // A broken or stale commit-graph file must not stop the analysis: fall back to objects.
    let cg = repo.commit_graph_if_enabled().ok().flatten();

    let mut g = CommitGraph::default();
    for &tip in tips {
        g.add(tip);
    }
    g.dag = Dag::new();
    let mut needs_author: Vec<u32> = Vec::new();
    let mut buf = Vec::new();
    let mut parents: Vec<ObjectId> = Vec::new();
    let mut parent_nodes: Vec<u32> = Vec::new();
    let mut i = 0usize;
    while i < g.ids.len() {
        let id = g.ids[i];
        parents.clear();
        let in_graph = cg.as_ref().and_then(|cg| cg.commit_by_id(id).map(|c| (cg, c)));
        if let Some((cg, c)) = in_graph {
            g.commit_time[i] = c.committer_timestamp() as i64;
            for p in c.iter_parents() {
                let pos = p.map_err(|e| GitError::Read {
                    path: path.to_owned(),
                    what: "reading the commit-graph file",
                    reason: e.to_string(),
                })?;
                parents.push(cg.id_at(pos).to_owned());
            }
            needs_author.push(i as u32);
            g.used_commit_graph = true;
        } else {
            match read_commit(&repo.objects, &id, &mut buf, path)? {
                Some(d) => {
                    g.author_time[i] = d.author;
                    g.commit_time[i] = d.committer;
                    parents = d.parents;
                }
                None => g.missing[i] = true,
            }
        }
        if shallow.contains(&id) {
            parents.clear();
        }
        parent_nodes.clear();
        for p in parents.drain(..) {
            parent_nodes.push(g.add(p));
        }
        g.dag.push_node(parent_nodes.iter().copied());
        i += 1;
        if i % 8192 == 0 {
            progress.set_position(i as u64);
        }
    }
    progress.set_position(g.ids.len() as u64);
    fill_author_times(repo, &mut g, &needs_author, path)?;
    Ok(g)
}

/// Decodes, in parallel, the author times of commits whose topology came from the
/// commit-graph file (which stores only committer times).
fn fill_author_times(
    repo: &gix::Repository,
    g: &mut CommitGraph,
    nodes: &[u32],
    path: &Path,
) -> Result<(), GitError> {
    if nodes.is_empty() {
        return Ok(());
    }
    let shared = repo.clone().into_sync();
    let ids = &g.ids;
    let times: Vec<Vec<i64>> = nodes
        .par_chunks(2048)
        .map_init(
            || {
                let mut local = shared.to_thread_local();
                local.object_cache_size_if_unset(4 << 20);
                (local, Vec::new())
            },
            |(local, buf), chunk| {
                chunk
                    .iter()
                    .map(|&n| {
                        let id = &ids[n as usize];
                        match read_commit(&local.objects, id, buf, path)? {
                            Some(d) => Ok(d.author),
                            None => Err(GitError::CorruptObject {
                                path: path.to_owned(),
                                id: id.to_string(),
                                reason: "listed in the commit-graph file but missing".into(),
                            }),
                        }
                    })
                    .collect::<Result<Vec<i64>, GitError>>()
            },
        )
        .collect::<Result<_, _>>()?;
    for (&n, t) in nodes.iter().zip(times.into_iter().flatten()) {
        g.author_time[n as usize] = t;
    }
    Ok(())
}
