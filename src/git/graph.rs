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
    /// Root tree by node index (the null id for a missing commit): what `paths` and patch
    /// ids diff. Empty unless loaded with [`Trees::Keep`]: 20 bytes a commit that only those
    /// need.
    pub trees: Vec<ObjectId>,
    /// Nodes whose object is absent (a parent that was never fetched).
    pub missing: Vec<bool>,
    /// Whether the commit-graph file supplied any commits.
    pub used_commit_graph: bool,
    /// Revert commits (`This reverts commit <sha>.` in the message): the reverting node and
    /// the reverted commit's id, which may lie outside the loaded history.
    pub reverts: Vec<(u32, ObjectId)>,
    /// Cherry-picks made with `git cherry-pick -x` (`(cherry picked from commit <sha>)` in
    /// the message): the carrying node and the original commit's id, which may lie outside
    /// the loaded history. A message with several such lines (a cherry-pick of a cherry-pick)
    /// gives one pair per line.
    pub cherry_picks: Vec<(u32, ObjectId)>,
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

    /// An error unless the root trees were loaded ([`Trees::Keep`]): reading paths from a
    /// graph without them is a caller's mistake, which must not pass for "touches no path".
    pub fn require_trees(&self, path: &Path, what: &'static str) -> Result<(), GitError> {
        if self.trees.len() == self.ids.len() {
            return Ok(());
        }
        Err(GitError::Read {
            path: path.to_owned(),
            what,
            reason: "the history was loaded without its root trees".into(),
        })
    }

    /// The root tree of node `i`, recorded while loading (from the commit object or the
    /// commit-graph file); `None` for a missing commit, whose child is diffed as a root.
    pub fn tree(&self, i: usize) -> Option<ObjectId> {
        Some(self.trees[i]).filter(|t| !self.missing[i] && !t.is_null())
    }

    /// Whether node `i` is a change with a diff of its own: loaded, and not a merge.
    pub fn is_diffable(&self, i: usize) -> bool {
        i < self.len() && !self.missing[i] && self.dag.parents(i).len() <= 1
    }

    /// Every diffable node, newest first by committer time (as `git log` lists them, up to
    /// ties): neighbours in time share most of their trees, so a thread working through a
    /// run of them finds the trees, and their delta bases, cached.
    pub fn newest_changes(&self) -> Vec<u32> {
        let mut nodes: Vec<u32> = (0..self.len() as u32)
            .filter(|&i| self.is_diffable(i as usize))
            .collect();
        self.newest_first(&mut nodes);
        nodes
    }

    /// Sorts nodes newest first by committer time (stable).
    pub fn newest_first(&self, nodes: &mut [u32]) {
        nodes.sort_by_key(|&i| std::cmp::Reverse(self.commit_time[i as usize]));
    }

    /// The node of `id`, added (without parents yet) if new.
    fn add(&mut self, id: ObjectId, trees: Trees) -> u32 {
        *self.index.entry(id).or_insert_with(|| {
            self.ids.push(id);
            self.author_time.push(0);
            self.commit_time.push(0);
            if trees == Trees::Keep {
                self.trees.push(ObjectId::null(id.kind()));
            }
            self.missing.push(false);
            (self.ids.len() - 1) as u32
        })
    }
}

/// Whether loading keeps each commit's root tree id (for paths and patch ids).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Trees {
    /// Keep them.
    Keep,
    /// Leave them out.
    Skip,
}

/// What decoding one commit object yields.
struct Decoded {
    tree: ObjectId,
    parents: Vec<ObjectId>,
    author: i64,
    committer: i64,
    reverts: Option<ObjectId>,
    cherry_picks: Vec<ObjectId>,
}

/// A substring searcher built once (building one per commit was 2% of a walk).
type Finder = std::sync::OnceLock<memchr::memmem::Finder<'static>>;

static REVERTS: Finder = Finder::new();
static PICKED: Finder = Finder::new();
static BLANK_LINE: Finder = Finder::new();

fn finder(cell: &'static Finder, needle: &'static [u8]) -> &'static memchr::memmem::Finder<'static> {
    cell.get_or_init(|| memchr::memmem::Finder::new(needle))
}

/// The commit a revert commit names: git's own `git revert` message
/// (`This reverts commit <full sha>.`). The first such line counts.
fn reverted_commit(data: &[u8], hash: gix::hash::Kind) -> Option<ObjectId> {
    const MARK: &[u8] = b"This reverts commit ";
    let at = finder(&REVERTS, MARK).find(data)? + MARK.len();
    let hex = data.get(at..at + hash.len_in_hex())?;
    ObjectId::from_hex(hex).ok()
}

/// The commits a cherry-pick names: `git cherry-pick -x` appends
/// `(cherry picked from commit <full sha>)` to the message, once per pick, so a cherry-pick
/// of a cherry-pick names both. Only the message is read (not the headers); abbreviated ids
/// and lines without the closing parenthesis are not trusted; a repeated id counts once.
fn cherry_picked_from(data: &[u8], hash: gix::hash::Kind) -> Vec<ObjectId> {
    const MARK: &[u8] = b"(cherry picked from commit ";
    let message = finder(&BLANK_LINE, b"\n\n")
        .find(data)
        .map_or(&data[..0], |at| &data[at + 2..]);
    let mut out = Vec::new();
    for at in finder(&PICKED, MARK).find_iter(message) {
        let at = at + MARK.len();
        let Some(hex) = message.get(at..at + hash.len_in_hex()) else {
            continue;
        };
        if message.get(at + hash.len_in_hex()) != Some(&b')') {
            continue;
        }
        if let Ok(id) = ObjectId::from_hex(hex)
            && !out.contains(&id)
        {
            out.push(id);
        }
    }
    out
}

fn decode_commit(data: &[u8], hash: gix::hash::Kind) -> Result<Decoded, String> {
    let mut parents = Vec::new();
    let mut author = None;
    let mut tree = ObjectId::null(hash);
    for token in gix::objs::CommitRefIter::from_bytes(data, hash) {
        match token.map_err(|e| e.to_string())? {
            Token::Tree { id } => tree = id,
            Token::Parent { id } => parents.push(id),
            Token::Author { signature } => author = Some(signature.seconds()),
            Token::Committer { signature } => {
                let committer = signature.seconds();
                return Ok(Decoded {
                    tree,
                    parents,
                    author: author.unwrap_or(committer),
                    committer,
                    reverts: reverted_commit(data, hash),
                    cherry_picks: cherry_picked_from(data, hash),
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

/// Loads every commit reachable from `tips`, with their root trees if `trees` says so.
pub fn load(
    repo: &gix::Repository,
    tips: &[ObjectId],
    trees: Trees,
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
    if cg.is_none() {
        return walk_parallel(repo, tips, trees, &shallow, path, progress);
    }

    let mut g = CommitGraph::default();
    for &tip in tips {
        g.add(tip, trees);
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
            if trees == Trees::Keep {
                g.trees[i] = c.root_tree_id().to_owned();
            }
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
                    if trees == Trees::Keep {
                        g.trees[i] = d.tree;
                    }
                    if let Some(r) = d.reverts {
                        g.reverts.push((i as u32, r));
                    }
                    g.cherry_picks
                        .extend(d.cherry_picks.iter().map(|&o| (i as u32, o)));
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
            parent_nodes.push(g.add(p, trees));
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
    type Read = (i64, Option<ObjectId>, Vec<ObjectId>);
    let times: Vec<Vec<Read>> = nodes
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
                            Some(d) => Ok((d.author, d.reverts, d.cherry_picks)),
                            None => Err(GitError::CorruptObject {
                                path: path.to_owned(),
                                id: id.to_string(),
                                reason: "listed in the commit-graph file but missing".into(),
                            }),
                        }
                    })
                    .collect::<Result<Vec<_>, GitError>>()
            },
        )
        .collect::<Result<_, _>>()?;
    for (&n, (t, reverts, picks)) in nodes.iter().zip(times.into_iter().flatten()) {
        g.author_time[n as usize] = t;
        if let Some(r) = reverts {
            g.reverts.push((n, r));
        }
        g.cherry_picks.extend(picks.into_iter().map(|o| (n, o)));
    }
    Ok(())
}

/// One decoded commit, as a worker of [`walk_parallel`] records it: 24 bytes, since a
/// million of them sit beside the mapped pack at the walk's peak. The rare and the optional
/// (reverts, cherry-picks, trees) go in a worker's side lists.
struct Visited {
    author: i64,
    committer: i64,
    node: u32,
    missing: bool,
    parents: u8,
}

/// What one worker of [`walk_parallel`] found.
#[derive(Default)]
struct Found {
    visited: Vec<Visited>,
    /// The parents of `visited`, in order, as nodes.
    parents: Vec<u32>,
    trees: Vec<(u32, ObjectId)>,
    reverts: Vec<(u32, ObjectId)>,
    cherry_picks: Vec<(u32, ObjectId)>,
}

/// The walk's shared state, behind one lock taken once per commit.
struct Walk {
    index: gix::hashtable::HashMap<ObjectId, u32>,
    queue: std::collections::VecDeque<(u32, ObjectId)>,
    in_flight: usize,
    /// Workers waiting for the queue: a wake-up is a system call, made only for them.
    waiting: usize,
    failed: bool,
}

/// Loads the history by decoding every commit, on all of rayon's threads at once.
///
/// Without a commit-graph, parents are only known once a commit is decoded, so the walk is a
/// shared work queue: each worker decodes a commit, registers its parents (giving new ones a
/// node index) and takes the next. Feature branches and merges keep the queue wider than one,
/// which is where the second core helps. Node numbering depends on scheduling; nothing
/// downstream does.
fn walk_parallel(
    repo: &gix::Repository,
    tips: &[ObjectId],
    trees: Trees,
    shallow: &gix::hashtable::HashSet<ObjectId>,
    path: &Path,
    progress: &ProgressBar,
) -> Result<CommitGraph, GitError> {
    use std::sync::atomic::{AtomicUsize, Ordering};
    use std::sync::{Condvar, Mutex};

    let mut walk = Walk {
        index: Default::default(),
        queue: Default::default(),
        in_flight: 0,
        waiting: 0,
        failed: false,
    };
    for &tip in tips {
        if !walk.index.contains_key(&tip) {
            let next = walk.index.len() as u32;
            walk.index.insert(tip, next);
            walk.queue.push_back((next, tip));
        }
    }
    let state = Mutex::new(walk);
    let wake = Condvar::new();
    let done = AtomicUsize::new(0);
    let shared = repo.clone().into_sync();
    let workers = rayon::current_num_threads().max(1);
    let poisoned = || GitError::Read {
        path: path.to_owned(),
        what: "walking commits",
        reason: "a worker thread panicked".into(),
    };

    type WorkerOut = Result<Found, GitError>;
    let outputs: Vec<WorkerOut> = std::thread::scope(|scope| {
        let handles: Vec<_> = (0..workers)
            .map(|_| {
                scope.spawn(|| -> WorkerOut {
                    let mut local = shared.to_thread_local();
                    local.object_cache_size_if_unset(4 << 20);
                    let mut buf = Vec::new();
                    let mut found = Found::default();
                    let mut decoded: Option<(u32, ObjectId, Option<Decoded>)> = None;
                    loop {
                        // Register the last commit's parents and take the next one, in one lock.
                        let (node, id) = {
                            let mut w = state.lock().map_err(|_| poisoned())?;
                            if let Some((node, id, d)) = decoded.take() {
                                let parents = match &d {
                                    Some(d) if !shallow.contains(&id) => d.parents.as_slice(),
                                    _ => &[],
                                };
                                for p in parents {
                                    let next = w.index.len() as u32;
                                    let n = *w.index.entry(*p).or_insert_with(|| next);
                                    if n == next {
                                        w.queue.push_back((n, *p));
                                        if w.waiting > 0 {
                                            wake.notify_one();
                                        }
                                    }
                                    found.parents.push(n);
                                }
                                w.in_flight -= 1;
                                found.visited.push(Visited {
                                    node,
                                    author: d.as_ref().map_or(0, |d| d.author),
                                    committer: d.as_ref().map_or(0, |d| d.committer),
                                    missing: d.is_none(),
                                    parents: parents.len().min(u8::MAX as usize) as u8,
                                });
                                if let Some(d) = d {
                                    if trees == Trees::Keep {
                                        found.trees.push((node, d.tree));
                                    }
                                    if let Some(r) = d.reverts {
                                        found.reverts.push((node, r));
                                    }
                                    found
                                        .cherry_picks
                                        .extend(d.cherry_picks.iter().map(|&o| (node, o)));
                                }
                            }
                            loop {
                                if w.failed {
                                    return Ok(found);
                                }
                                if let Some(next) = w.queue.pop_front() {
                                    w.in_flight += 1;
                                    break next;
                                }
                                if w.in_flight == 0 {
                                    wake.notify_all();
                                    return Ok(found);
                                }
                                w.waiting += 1;
                                w = wake.wait(w).map_err(|_| poisoned())?;
                                w.waiting -= 1;
                            }
                        };
                        match read_commit(&local.objects, &id, &mut buf, path) {
                            Ok(d) => decoded = Some((node, id, d)),
                            Err(e) => {
                                if let Ok(mut w) = state.lock() {
                                    w.failed = true;
                                }
                                wake.notify_all();
                                return Err(e);
                            }
                        }
                        let n = done.fetch_add(1, Ordering::Relaxed) + 1;
                        if n % 8192 == 0 {
                            progress.set_position(n as u64);
                        }
                    }
                })
            })
            .collect();
        handles
            .into_iter()
            .map(|h| h.join().unwrap_or_else(|_| Err(poisoned())))
            .collect()
    });

    let walk = state.into_inner().map_err(|_| poisoned())?;
    let n = walk.index.len();
    let mut g = CommitGraph {
        ids: vec![ObjectId::null(repo.object_hash()); n],
        author_time: vec![0; n],
        commit_time: vec![0; n],
        trees: match trees {
            Trees::Keep => vec![ObjectId::null(repo.object_hash()); n],
            Trees::Skip => Vec::new(),
        },
        missing: vec![false; n],
        ..Default::default()
    };
    for (id, &node) in &walk.index {
        g.ids[node as usize] = *id;
    }
    g.index = walk.index;
    // Parents in node order (compressed sparse rows), from the workers' lists.
    let mut degree = vec![0u32; n];
    let mut outs = Vec::with_capacity(outputs.len());
    for out in outputs {
        let mut found = out?;
        for v in &found.visited {
            let i = v.node as usize;
            degree[i] = u32::from(v.parents);
            g.author_time[i] = v.author;
            g.commit_time[i] = v.committer;
            g.missing[i] = v.missing;
        }
        for &(node, tree) in &found.trees {
            g.trees[node as usize] = tree;
        }
        g.reverts.append(&mut found.reverts);
        g.cherry_picks.append(&mut found.cherry_picks);
        found.trees = Vec::new();
        outs.push((found.visited, found.parents));
    }
    let mut start = vec![0u32; n + 1];
    for i in 0..n {
        start[i + 1] = start[i] + degree[i];
    }
    let mut flat = vec![0u32; start[n] as usize];
    for (visited, parents) in &outs {
        let mut at = 0usize;
        for v in visited {
            let k = usize::from(v.parents);
            let s = start[v.node as usize] as usize;
            flat[s..s + k].copy_from_slice(&parents[at..at + k]);
            at += k;
        }
    }
    g.dag = Dag::from_csr(start, flat);
    progress.set_position(n as u64);
    Ok(g)
}

/// HEAD and every reference that peels to a commit: where `git log --all` starts.
fn all_tips(repo: &gix::Repository, path: &Path) -> Result<Vec<ObjectId>, GitError> {
    let read = |e: &dyn std::fmt::Display| GitError::Read {
        path: path.to_owned(),
        what: "listing references",
        reason: e.to_string(),
    };
    let mut tips: Vec<ObjectId> = repo.head_id().ok().map(|id| id.detach()).into_iter().collect();
    let refs = repo.references().map_err(|e| read(&e))?;
    for r in refs.all().map_err(|e| read(&e))? {
        let mut r = r.map_err(|e| read(&e))?;
        let Ok(id) = r.peel_to_id() else { continue };
        if repo
            .find_header(id)
            .is_ok_and(|h| h.kind() == gix::objs::Kind::Commit)
        {
            tips.push(id.detach());
        }
    }
    tips.sort_unstable();
    tips.dedup();
    Ok(tips)
}

/// The repository at `path` and the history reachable from HEAD and every reference (what
/// `git log --all` walks), for the benchmarks of what runs on a whole history.
pub(super) fn load_all(path: &Path) -> Result<(gix::Repository, CommitGraph), GitError> {
    let repo = super::open(path)?;
    let tips = all_tips(&repo, path)?;
    let graph = load(&repo, &tips, Trees::Keep, path, &ProgressBar::hidden())?;
    Ok((repo, graph))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn revert_messages() {
        let kind = gix::hash::Kind::Sha1;
        let sha = "0123456789abcdef0123456789abcdef01234567";
        let msg = format!("tree x\n\nRevert \"Switch\"\n\nThis reverts commit {sha}.\n");
        assert_eq!(
            reverted_commit(msg.as_bytes(), kind).map(|i| i.to_string()),
            Some(sha.to_owned())
        );
        // Abbreviated or truncated ids are not trusted; ordinary messages have none.
        assert_eq!(reverted_commit(b"This reverts commit 0123456.", kind), None);
        assert_eq!(reverted_commit(b"This reverts commit ", kind), None);
        assert_eq!(reverted_commit(b"Fix the revert of the checkout", kind), None);
    }

    #[test]
    fn cherry_pick_trailers() {
        let kind = gix::hash::Kind::Sha1;
        let a = "0123456789abcdef0123456789abcdef01234567";
        let b = "89abcdef0123456789abcdef0123456789abcdef";
        let ids = |msg: &str| -> Vec<String> {
            cherry_picked_from(msg.as_bytes(), kind)
                .iter()
                .map(|i| i.to_string())
                .collect()
        };
        let header = "tree 4b825dc642cb6eb9a060e54bf8d69288fbee4904\nauthor A <a> 1 +0000\n\n";
        // `git cherry-pick -x`: one line.
        assert_eq!(
            ids(&format!(
                "{header}Fix the crash\n\n(cherry picked from commit {a})\n"
            )),
            [a]
        );
        // A cherry-pick of a cherry-pick: both lines, in message order; a repeat counts once.
        assert_eq!(
            ids(&format!(
                "{header}Fix\n\n(cherry picked from commit {a})\n(cherry picked from commit {b})\n\
                 (cherry picked from commit {a})\n"
            )),
            [a, b]
        );
        // Abbreviated, truncated or unclosed ids, a branch name, no message: nothing.
        assert!(ids(&format!("{header}(cherry picked from commit 0123456)\n")).is_empty());
        assert!(ids(&format!("{header}(cherry picked from commit {})", &a[..39])).is_empty());
        assert!(ids(&format!("{header}(cherry picked from commit {a}\n")).is_empty());
        assert!(ids(&format!("{header}(cherry picked from release/1.8)\n")).is_empty());
        assert!(ids(&format!("tree x\nnote (cherry picked from commit {a})\n")).is_empty());
    }
}
