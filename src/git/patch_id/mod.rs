//! Patch ids: which commits make the same change, whatever commit they sit on
//! (`--match-patches`, issue 13).
//!
//! A commit's patch id is what `git patch-id --stable` prints for it when reading
//! `git -c diff.renames=false log --no-merges -p`: the diff against its only parent (or the
//! empty tree for a root commit) as `git log -p` prints it, every whitespace byte removed from
//! every line, hunk headers and `index` lines left out, each file's lines hashed on their own
//! and the file hashes added up bytewise with carry, so that the order of the files does not
//! matter. Two commits with the same id make the same change: a cherry-pick has its original's
//! id even when it landed at other line numbers.
//!
//! Rather than printing the diff and parsing it back, the lines `git log -p` would print are
//! generated and fed one by one to [`PatchId`], a line-for-line port of `get_one_patchid` in
//! git's `builtin/patch-id.c`, quirks included: a file whose header has no `---` line (a mode
//! change alone, an empty new file) is hashed together with the next file; a binary file
//! hashes its abbreviated blob ids from the `index` line, and the `diff` line of the file after
//! it is dropped; the final flush adds the hash of whatever is left, even nothing.
//!
//! The diff is git's: Myers with git's preprocessing and indent heuristic (gix's port of
//! imara-diff, made to agree with git's xdiff), three lines of context, removals before
//! additions, no rename detection, a type change (file, symlink, submodule) as a deletion and
//! an addition, a submodule as its `Subproject commit <id>` line, a file with a NUL byte in its
//! first 8000 bytes (or above 512 MiB) as binary. Not followed: `.gitattributes` (`binary`,
//! `-diff`, `diff=<driver>` with `textconv` or `algorithm`), and user configuration that changes
//! `git log -p`'s output (`diff.algorithm`, `diff.noprefix`, `diff.mnemonicPrefix`,
//! `core.quotePath=false`, `diff.indentHeuristic=false`, `diff.context`).

mod hash;

use hash::PatchId;
use std::path::Path;

use gix::ObjectId;
use gix::objs::tree::EntryKind;
use gix_imara_diff::{Algorithm, Diff, InternedInput};
use rayon::prelude::*;

use super::graph::CommitGraph;
use super::tree_diff::{Side, TreeDiff, read_object, thread_handles};
use crate::error::GitError;

/// Changes per parallel work item: neighbours in time, which share trees and blobs.
const CHUNK: usize = 256;

/// Bytes of decoded objects each thread keeps (trees and blobs of neighbouring commits).
const OBJECT_CACHE: usize = 16 << 20;

/// git's `FIRST_FEW_BYTES`: a NUL byte among these makes a file binary.
const FIRST_FEW_BYTES: usize = 8000;

/// git's `core.bigFileThreshold` default: a larger blob is binary without being looked at.
const BIG_FILE: usize = 512 << 20;

/// Lines of context around each change (git's default `-U3`).
const CONTEXT: u32 = 3;

/// The patch id of every node in `nodes` (indexed by node; every other node gets `None`):
/// what `git patch-id --stable` prints for the commit from
/// `git -c diff.renames=false log --no-merges -p` (see the module documentation). `None` for
/// a merge, a missing commit and a commit whose diff is empty (an empty commit). Runs on
/// rayon's threads, newest commit first, each thread with its own repository handle; a
/// commit, tree or blob that cannot be read is an error naming the commit.
pub fn patch_ids(
    repo: &gix::Repository,
    graph: &CommitGraph,
    nodes: &[u32],
    path: &Path,
) -> Result<Vec<Option<ObjectId>>, GitError> {
    graph.require_trees(path, "computing patch ids")?;
    let n = graph.len();
    let abbrev = auto_abbrev(repo);
    let local = thread_handles(repo, OBJECT_CACHE);

    let mut order: Vec<u32> = nodes
        .iter()
        .copied()
        .filter(|&i| graph.is_diffable(i as usize))
        .collect();
    order.sort_unstable();
    order.dedup();
    graph.newest_first(&mut order);
    let done: Vec<Vec<(u32, Option<ObjectId>)>> = order
        .par_chunks(CHUNK)
        .map_init(
            || Worker::new(local(), abbrev),
            |w, nodes| {
                let mut done = Vec::with_capacity(nodes.len());
                for &node in nodes {
                    let i = node as usize;
                    let corrupt = |reason: String| GitError::CorruptObject {
                        path: path.to_owned(),
                        id: graph.ids[i].to_string(),
                        reason,
                    };
                    let parent = graph.dag.parents(i).first().and_then(|&p| graph.tree(p as usize));
                    let tree = graph
                        .tree(i)
                        .ok_or_else(|| corrupt("the commit's tree was not recorded".into()))?;
                    let id = w.patch_id(parent.as_ref(), &tree).map_err(corrupt)?;
                    done.push((node, id));
                }
                Ok(done)
            },
        )
        .collect::<Result<_, GitError>>()?;
    let mut out = vec![None; n];
    for (node, id) in done.into_iter().flatten() {
        out[node as usize] = id;
    }
    Ok(out)
}

/// Commits that make the same change as an older commit: `(carrier, original)` for every
/// commit (the carrier) whose patch id in `ids` (indexed by node, as [`patch_ids`] returns
/// them) another commit shares, paired with the oldest commit of that id by author time, then
/// committer time, then commit id. The oldest commit is no carrier; every later copy is a
/// carrier of it. Sorted by carrier.
pub fn matches(graph: &CommitGraph, ids: &[Option<ObjectId>]) -> Vec<(u32, u32)> {
    let mut by_id: Vec<(ObjectId, u32)> = ids
        .iter()
        .enumerate()
        .filter_map(|(i, id)| id.map(|id| (id, i as u32)))
        .collect();
    let age = |i: u32| {
        let i = i as usize;
        (graph.author_time[i], graph.commit_time[i], graph.ids[i])
    };
    by_id.sort_unstable_by(|a, b| a.0.cmp(&b.0).then_with(|| age(a.1).cmp(&age(b.1))));
    let mut out = Vec::new();
    for group in by_id.chunk_by(|a, b| a.0 == b.0) {
        let original = group[0].1;
        out.extend(group[1..].iter().map(|&(_, carrier)| (carrier, original)));
    }
    out.sort_unstable();
    out
}

/// The abbreviation length `git log -p` uses for the blob ids of its `index` lines where
/// `core.abbrev` is unset (or `auto`): enough hex digits for about the square root of the
/// number of packed objects, at least 7 (`find_unique_abbrev_r` in git's `object-name.c`),
/// then more where another object shares the prefix. `None`: the full id (`core.abbrev=no`).
fn auto_abbrev(repo: &gix::Repository) -> Option<usize> {
    let hex = repo.object_hash().len_in_hex();
    let config = repo.config_snapshot();
    match config
        .string("core.abbrev")
        .map(|v| v.to_string().to_ascii_lowercase())
    {
        Some(v) if v == "no" || v == "false" || v == "off" => return None,
        Some(v) => {
            if let Ok(n) = v.parse::<usize>() {
                return Some(n.clamp(4, hex));
            }
        }
        None => {}
    }
    let count = repo.objects.packed_object_count().unwrap_or(0);
    let bits = 64 - count.leading_zeros() as usize;
    Some(bits.div_ceil(2).clamp(7, hex))
}

impl Side {
    /// The mode `git log -p` prints (git's canonical modes).
    fn mode(&self) -> u32 {
        match self.kind {
            EntryKind::Tree => 0o040000,
            EntryKind::Blob => 0o100644,
            EntryKind::BlobExecutable => 0o100755,
            EntryKind::Link => 0o120000,
            EntryKind::Commit => 0o160000,
        }
    }

    /// `S_IFMT`: regular file, symlink or submodule. A file pair whose format differs is
    /// shown as a deletion and an addition.
    fn format(&self) -> u8 {
        match self.kind {
            EntryKind::Blob | EntryKind::BlobExecutable => 0,
            EntryKind::Link => 1,
            EntryKind::Commit => 2,
            EntryKind::Tree => 3,
        }
    }
}

/// A path whose entry differs between the two trees (at least one side present).
struct Change {
    /// The end of its path in [`Worker::paths`].
    end: usize,
    old: Option<Side>,
    new: Option<Side>,
}

/// One thread's work: its repository handle, buffers and the hasher.
struct Worker {
    tree: TreeDiff,
    hash: gix::hash::Kind,
    abbrev: Option<usize>,
    /// The paths of `changes`, back to back.
    paths: Vec<u8>,
    changes: Vec<Change>,
    old: Vec<u8>,
    new: Vec<u8>,
    line: Vec<u8>,
    id: PatchId,
}

impl Worker {
    fn new(repo: gix::Repository, abbrev: Option<usize>) -> Self {
        let hash = repo.object_hash();
        Worker {
            tree: TreeDiff::new(repo),
            hash,
            abbrev,
            paths: Vec::new(),
            changes: Vec::new(),
            old: Vec::new(),
            new: Vec::new(),
            line: Vec::new(),
            id: PatchId::new(hash),
        }
    }

    /// The patch id of the change from tree `old` (`None`: the empty tree) to tree `new`.
    fn patch_id(&mut self, old: Option<&ObjectId>, new: &ObjectId) -> Result<Option<ObjectId>, String> {
        self.paths.clear();
        self.changes.clear();
        let (paths, changes) = (&mut self.paths, &mut self.changes);
        self.tree.diff(old, Some(new), &mut |dir, name, old, new| {
            paths.extend_from_slice(dir);
            paths.extend_from_slice(name);
            changes.push(Change {
                end: paths.len(),
                old,
                new,
            });
        })?;
        self.id.reset();
        let changes = std::mem::take(&mut self.changes);
        let mut start = 0;
        let mut result = Ok(());
        for c in &changes {
            let path = self.paths[start..c.end].to_vec();
            start = c.end;
            result = match (c.old, c.new) {
                (Some(o), Some(n)) if o.format() != n.format() => self
                    .file_pair(&path, Some(o), None)
                    .and_then(|()| self.file_pair(&path, None, Some(n))),
                (o, n) => self.file_pair(&path, o, n),
            };
            if result.is_err() {
                break;
            }
        }
        self.changes = changes;
        result?;
        self.id.finish()
    }

    /// Reads blob (or symlink) `id` into `buf`, or writes a submodule's line.
    fn read(&mut self, side: Option<Side>, into_new: bool) -> Result<(), String> {
        let mut buf = std::mem::take(if into_new { &mut self.new } else { &mut self.old });
        buf.clear();
        let result = match side {
            None => Ok(()),
            Some(Side {
                kind: EntryKind::Commit,
                id,
            }) => {
                buf.extend_from_slice(format!("Subproject commit {id}\n").as_bytes());
                Ok(())
            }
            Some(Side { id, .. }) => read_object(&self.tree.repo, &id, gix::objs::Kind::Blob, &mut buf),
        };
        *(if into_new { &mut self.new } else { &mut self.old }) = buf;
        result
    }

    /// The lines `git log -p` prints for one file pair (`builtin_diff` in git's `diff.c`), fed
    /// to the hasher.
    fn file_pair(&mut self, path: &[u8], old: Option<Side>, new: Option<Side>) -> Result<(), String> {
        let a = quote_two(b"a/", path);
        let b = quote_two(b"b/", path);
        self.emit(&[b"diff --git ", &a, b" ", &b, b"\n"]);
        match (old, new) {
            (None, Some(n)) => self.emit(&[format!("new file mode {:06o}\n", n.mode()).as_bytes()]),
            (Some(o), None) => self.emit(&[format!("deleted file mode {:06o}\n", o.mode()).as_bytes()]),
            (Some(o), Some(n)) if o.mode() != n.mode() => {
                self.emit(&[format!("old mode {:06o}\n", o.mode()).as_bytes()]);
                self.emit(&[format!("new mode {:06o}\n", n.mode()).as_bytes()]);
            }
            _ => {}
        }
        let null = ObjectId::null(self.hash);
        let (old_id, new_id) = (old.map_or(null, |s| s.id), new.map_or(null, |s| s.id));
        if old_id == new_id {
            // A mode change alone: its header only.
            return Ok(());
        }
        self.read(old, false)?;
        self.read(new, true)?;
        let binary =
            |d: &[u8]| d.len() > BIG_FILE || memchr::memchr(0, &d[..d.len().min(FIRST_FEW_BYTES)]).is_some();
        if binary(&self.old) || binary(&self.new) {
            // The `index` line matters for binary files only: their id is its blob ids.
            let pre = self.abbreviate(&old_id);
            let post = self.abbreviate(&new_id);
            self.id.index(&pre, &post);
            let lbl0: &[u8] = if old.is_some() { &a } else { b"/dev/null" };
            let lbl1: &[u8] = if new.is_some() { &b } else { b"/dev/null" };
            self.emit(&[b"Binary files ", lbl0, b" and ", lbl1, b" differ\n"]);
            return Ok(());
        }
        let old_data = std::mem::take(&mut self.old);
        let new_data = std::mem::take(&mut self.new);
        self.text(
            &old_data,
            &new_data,
            old.is_some().then_some(&a[..]),
            new.is_some().then_some(&b[..]),
        );
        self.old = old_data;
        self.new = new_data;
        Ok(())
    }

    /// The hunks of a text diff, with their `---`/`+++` lines (none when nothing differs).
    fn text(&mut self, old: &[u8], new: &[u8], a: Option<&[u8]>, b: Option<&[u8]>) {
        let input = InternedInput::new(old, new);
        let mut diff = Diff::compute(Algorithm::Myers, &input);
        diff.postprocess_lines(&input);
        let hunks: Vec<_> = diff.hunks().collect();
        if hunks.is_empty() {
            return;
        }
        let line = |t: gix_imara_diff::Token| input.interner[t];
        let (before, after) = (&input.before, &input.after);
        self.emit(&[b"--- ", a.unwrap_or(b"/dev/null"), b"\n"]);
        self.emit(&[b"+++ ", b.unwrap_or(b"/dev/null"), b"\n"]);
        let n_old = before.len() as u32;
        let mut i = 0;
        while i < hunks.len() {
            // Changes at most 2 * CONTEXT lines apart share a hunk (`xdl_get_hunk`).
            let mut j = i;
            while j + 1 < hunks.len() && hunks[j + 1].before.start - hunks[j].before.end <= 2 * CONTEXT {
                j += 1;
            }
            let (first, last) = (&hunks[i], &hunks[j]);
            let lead = first.before.start.min(CONTEXT);
            let trail = (n_old - last.before.end).min(CONTEXT);
            let start = first.before.start - lead;
            let end = last.before.end + trail;
            let new_len = (last.after.end + trail) - (first.after.start - lead);
            self.id.hunk(i64::from(end - start), i64::from(new_len));
            let mut at = start;
            for h in &hunks[i..=j] {
                for k in at..h.before.start {
                    self.emit(&[b" ", line(before[k as usize])]);
                }
                for k in h.before.clone() {
                    self.emit(&[b"-", line(before[k as usize])]);
                }
                for k in h.after.clone() {
                    self.emit(&[b"+", line(after[k as usize])]);
                }
                at = h.before.end;
            }
            for k in at..end {
                self.emit(&[b" ", line(before[k as usize])]);
            }
            i = j + 1;
        }
    }

    /// The id as `git log -p` abbreviates it in `index` lines.
    fn abbreviate(&self, id: &ObjectId) -> String {
        let Some(len) = self.abbrev else {
            return id.to_string();
        };
        if !id.is_null() {
            let candidate = gix::odb::store::prefix::disambiguate::Candidate::new(*id, len);
            if let Ok(Ok(Some(prefix))) = candidate.map(|c| self.tree.repo.objects.disambiguate_prefix(c)) {
                return prefix.to_string();
            }
        }
        id.to_hex_with_len(len).to_string()
    }

    /// Feeds the line made of `parts` to the hasher.
    fn emit(&mut self, parts: &[&[u8]]) {
        self.line.clear();
        for p in parts {
            self.line.extend_from_slice(p);
        }
        self.id.line(&self.line);
    }
}

/// `quote_two(prefix, name)` of git's `diff.c`: `prefix` and `name` joined, C-quoted as a
/// whole (`core.quotePath`'s default: control characters, `"`, `\` and every byte above
/// 0x7f escaped) when `name` needs it.
fn quote_two(prefix: &[u8], name: &[u8]) -> Vec<u8> {
    let must = |c: u8| c < 0x20 || c == b'"' || c == b'\\' || c >= 0x7f;
    let mut out = Vec::with_capacity(prefix.len() + name.len() + 2);
    if !name.iter().any(|&c| must(c)) && !prefix.iter().any(|&c| must(c)) {
        out.extend_from_slice(prefix);
        out.extend_from_slice(name);
        return out;
    }
    out.push(b'"');
    for &c in prefix.iter().chain(name) {
        if !must(c) {
            out.push(c);
            continue;
        }
        out.push(b'\\');
        match c {
            7 => out.push(b'a'),
            8 => out.push(b'b'),
            9 => out.push(b't'),
            10 => out.push(b'n'),
            11 => out.push(b'v'),
            12 => out.push(b'f'),
            13 => out.push(b'r'),
            b'"' => out.push(b'"'),
            b'\\' => out.push(b'\\'),
            _ => out.extend_from_slice(&[b'0' + (c >> 6), b'0' + ((c >> 3) & 7), b'0' + (c & 7)]),
        }
    }
    out.push(b'"');
    out
}

/// Opens the repository at `path`, loads the history reachable from HEAD and every
/// reference (like `git log --all`), and computes the patch id of its newest `max` non-merge
/// commits (all with `None`). Returns (commit, patch id) in hex, for the commits with an id.
/// For the benchmark (`benches/patch_id.rs`).
#[doc(hidden)]
pub fn list_patch_ids(path: &Path, max: Option<usize>) -> Result<Vec<(String, String)>, GitError> {
    let (repo, graph) = super::graph::load_all(path)?;
    let mut nodes = graph.newest_changes();
    if let Some(max) = max {
        nodes.truncate(max);
    }
    let ids = patch_ids(&repo, &graph, &nodes, path)?;
    Ok(ids
        .iter()
        .enumerate()
        .filter_map(|(i, id)| id.map(|id| (graph.ids[i].to_string(), id.to_string())))
        .collect())
}

#[cfg(test)]
mod tests;
