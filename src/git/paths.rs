//! The paths each change touches: a commit's tree diffed against its only parent's.
//!
//! Only tree objects are read, never blobs: two entries with the same id are the same, so
//! identical subtrees are skipped without being opened. The diff is a merge-walk of two
//! entry lists in git's tree order (a directory sorts as if its name ended in `/`), which is
//! also the byte order of the full paths it produces. There is no rename detection: a
//! rename is a deletion and an addition. Merge commits carry no paths of their own.
//!
//! Work is split in two parallel passes: first every needed commit's root tree id (from the
//! commit-graph file where it covers the commit, else from the commit object), then the
//! diffs, newest commit first, each thread with its own repository handle and caches working
//! through runs of commits that are neighbours in time and so share most trees and their
//! delta bases.

use std::cmp::Ordering;
use std::path::Path;

use gix::ObjectId;
use gix::objs::Find;
use gix::objs::tree::EntryRef;
use indicatif::ProgressBar;
use rayon::prelude::*;

use super::graph::CommitGraph;
use crate::error::GitError;

/// Changes per parallel work item (neighbours in time, see [`per_commit`]). Between 128 and
/// 4096 made no measurable difference on git/git (docs/performance.md).
const CHUNK: usize = 512;

/// Bytes of decoded objects each thread keeps: the trees of the last few commits, so that a
/// tree read as a commit's new side is found again as its child's old side.
const OBJECT_CACHE: usize = 8 << 20;

/// Bytes of delta bases each thread keeps at most. Trees are stored as deltas against each
/// other; gix's default (a 64-slot list) made the diffs 30% slower on git/git than a
/// memory-capped map of this size, which is git's own `core.deltaBaseCacheLimit` default
/// (96 MiB) scaled down: 32 to 256 MiB measured the same.
const DELTA_CACHE: usize = 64 << 20;

/// Bytes all threads' caches may hold together, so that memory does not grow with the
/// number of cores: each thread gets its share, between 4 MiB and the sizes above.
const CACHE_BUDGET: usize = 160 << 20;

/// The object and delta-base cache sizes of one of `threads` threads.
fn cache_sizes(threads: usize) -> (usize, usize) {
    let share = CACHE_BUDGET / threads.max(1);
    let object = (share / 9).clamp(1 << 20, OBJECT_CACHE);
    let delta = (share - object).clamp(4 << 20, DELTA_CACHE);
    (object, delta)
}

/// For every loaded, non-missing commit with at most one parent, calls `classify(node, paths)`
/// with the full paths (repository-root relative, `/`-separated, raw bytes, sorted bytewise
/// as `git diff-tree` prints them, each once) in which its tree differs from its parent's
/// tree, or from the empty tree for a root commit: added, deleted and modified files, type
/// changes (file, executable, symlink, submodule), submodule (gitlink) updates. A path that
/// changed from a file to a directory counts both as the file and as every file below it;
/// there is no rename detection. A commit whose only parent is missing (never fetched) is
/// treated like a shallow boundary, i.e. as a root commit, as `git log` in a shallow clone
/// does.
///
/// Merge commits (two or more parents) and missing commits get `T::default()` without a
/// call. Runs on rayon's threads, one repository handle each, reading only tree objects.
/// A commit or tree that cannot be read is an error naming the commit.
pub fn per_commit<T, F>(
    repo: &gix::Repository,
    graph: &CommitGraph,
    classify: F,
    path: &Path,
    bar: &ProgressBar,
) -> Result<Vec<T>, GitError>
where
    T: Send + Default,
    F: Fn(u32, &[&[u8]]) -> T + Sync,
{
    let n = graph.len();
    let hash = repo.object_hash();
    let changes = |i: usize| !graph.missing[i] && graph.dag.parents(i).len() <= 1;
    // Root trees were recorded while loading the graph (from the commit objects or the
    // commit-graph file); a missing parent has none, and its child is diffed as a root.
    let tree_of = |i: usize| Some(graph.trees[i]).filter(|t| !graph.missing[i] && !t.is_null());
    let shared = repo.clone().into_sync();
    let (object_cache, delta_cache) = cache_sizes(rayon::current_num_threads());
    let local = || {
        let mut local = shared.to_thread_local();
        local.object_cache_size(object_cache);
        local.objects.set_pack_cache(move || {
            Box::new(gix::odb::pack::cache::lru::MemoryCappedHashmap::new(delta_cache))
        });
        local
    };

    // Newest first, as `git log` goes: neighbours in time share most of their trees, so a
    // thread working through a run of them finds the trees, and their delta bases, cached.
    let mut order: Vec<u32> = (0..n).filter(|&i| changes(i)).map(|i| i as u32).collect();
    order.sort_unstable_by_key(|&i| std::cmp::Reverse(graph.commit_time[i as usize]));
    let done: Vec<Vec<(u32, T)>> = order
        .par_chunks(CHUNK)
        .map_init(
            || Differ::new(local(), hash),
            |d, nodes| {
                let mut done = Vec::with_capacity(nodes.len());
                for &node in nodes {
                    let i = node as usize;
                    let parent = graph.dag.parents(i).first().and_then(|&p| tree_of(p as usize));
                    let tree = tree_of(i).ok_or_else(|| GitError::CorruptObject {
                        path: path.to_owned(),
                        id: graph.ids[i].to_string(),
                        reason: "the commit's tree was not recorded".into(),
                    })?;
                    d.clear();
                    d.diff(parent.as_ref(), Some(&tree))
                        .map_err(|reason| GitError::CorruptObject {
                            path: path.to_owned(),
                            id: graph.ids[i].to_string(),
                            reason,
                        })?;
                    done.push((node, classify(node, &d.paths())));
                }
                bar.inc(nodes.len() as u64);
                Ok(done)
            },
        )
        .collect::<Result<_, GitError>>()?;
    let mut out: Vec<T> = Vec::with_capacity(n);
    out.resize_with(n, T::default);
    for (node, t) in done.into_iter().flatten() {
        out[node as usize] = t;
    }
    Ok(out)
}

/// One thread's tree differ: its repository handle, spare buffers and the paths found.
struct Differ {
    repo: gix::Repository,
    hash: gix::hash::Kind,
    /// Object buffers not in use (one pair per directory level being compared).
    spare: Vec<Vec<u8>>,
    /// The directory being compared, with a trailing `/` unless at the root.
    prefix: Vec<u8>,
    /// The paths found, back to back.
    bytes: Vec<u8>,
    /// The end of each path in `bytes`.
    ends: Vec<usize>,
}

impl Differ {
    fn new(repo: gix::Repository, hash: gix::hash::Kind) -> Self {
        Differ {
            repo,
            hash,
            spare: Vec::new(),
            prefix: Vec::new(),
            bytes: Vec::new(),
            ends: Vec::new(),
        }
    }

    fn clear(&mut self) {
        self.prefix.clear();
        self.bytes.clear();
        self.ends.clear();
    }

    /// The paths found since [`Differ::clear`], sorted bytewise and each once.
    fn paths(&self) -> Vec<&[u8]> {
        let mut out = Vec::with_capacity(self.ends.len());
        let mut start = 0;
        for &end in &self.ends {
            out.push(&self.bytes[start..end]);
            start = end;
        }
        // The walk emits in order; only malformed (unsorted or duplicated) trees need this.
        if !out.windows(2).all(|w| w[0] < w[1]) {
            out.sort_unstable();
            out.dedup();
        }
        out
    }

    /// The tree object `id` in a spare buffer (empty for `None` and the empty tree).
    fn load(&mut self, id: Option<&ObjectId>) -> Result<Vec<u8>, String> {
        let mut buf = self.spare.pop().unwrap_or_default();
        buf.clear();
        let Some(id) = id.filter(|id| !id.is_empty_tree()) else {
            return Ok(buf);
        };
        let found = self
            .repo
            .objects
            .try_find(id, &mut buf)
            .map_err(|e| format!("tree {id}: {e}"))?;
        let Some(data) = found else {
            return Err(format!("tree {id} is missing"));
        };
        if data.kind != gix::objs::Kind::Tree {
            return Err(format!("{id}: expected a tree, found a {}", data.kind));
        }
        let (at, len) = (data.data.as_ptr() as usize, data.data.len());
        if at == buf.as_ptr() as usize && len <= buf.len() {
            buf.truncate(len);
        } else {
            // The stores write into the start of the buffer; should one ever not, copy.
            let mut other = Vec::new();
            let found = self
                .repo
                .objects
                .try_find(id, &mut other)
                .map_err(|e| format!("tree {id}: {e}"))?;
            buf = found.map(|d| d.data.to_vec()).unwrap_or_default();
        }
        Ok(buf)
    }

    fn emit(&mut self, name: &[u8]) {
        self.bytes.extend_from_slice(&self.prefix);
        self.bytes.extend_from_slice(name);
        self.ends.push(self.bytes.len());
    }

    /// Every path in which tree `old` and tree `new` differ (`None`: the empty tree).
    fn diff(&mut self, old: Option<&ObjectId>, new: Option<&ObjectId>) -> Result<(), String> {
        if old == new {
            return Ok(());
        }
        let a = self.load(old)?;
        let b = self.load(new)?;
        let result = self.walk(&a, &b);
        self.spare.push(a);
        self.spare.push(b);
        result
    }

    fn walk(&mut self, a: &[u8], b: &[u8]) -> Result<(), String> {
        let mut ia = gix::objs::TreeRefIter::from_bytes(a, self.hash);
        let mut ib = gix::objs::TreeRefIter::from_bytes(b, self.hash);
        fn next<'a>(it: &mut gix::objs::TreeRefIter<'a>) -> Result<Option<EntryRef<'a>>, String> {
            it.next().transpose().map_err(|e| format!("a tree: {e}"))
        }
        let (mut x, mut y) = (next(&mut ia)?, next(&mut ib)?);
        loop {
            let order = match (&x, &y) {
                (None, None) => return Ok(()),
                (Some(_), None) => Ordering::Less,
                (None, Some(_)) => Ordering::Greater,
                (Some(x), Some(y)) => {
                    gix::objs::tree::name_order(x.filename, x.mode.is_tree(), y.filename, y.mode.is_tree())
                }
            };
            match order {
                Ordering::Less => {
                    self.side(x.as_ref().expect("ordered"))?;
                    x = next(&mut ia)?;
                }
                Ordering::Greater => {
                    self.side(y.as_ref().expect("ordered"))?;
                    y = next(&mut ib)?;
                }
                Ordering::Equal => {
                    let (old, new) = (x.as_ref().expect("equal"), y.as_ref().expect("equal"));
                    if old.oid != new.oid || old.mode.kind() != new.mode.kind() {
                        if new.mode.is_tree() {
                            self.subtree(new.filename, Some(&old.oid.to_owned()), new.oid)?;
                        } else {
                            self.emit(new.filename);
                        }
                    }
                    x = next(&mut ia)?;
                    y = next(&mut ib)?;
                }
            }
        }
    }

    /// An entry present on one side only: itself, or every file below it.
    fn side(&mut self, e: &EntryRef<'_>) -> Result<(), String> {
        if e.mode.is_tree() {
            self.subtree(e.filename, None, e.oid)
        } else {
            self.emit(e.filename);
            Ok(())
        }
    }

    fn subtree(&mut self, name: &[u8], old: Option<&ObjectId>, new: &gix::oid) -> Result<(), String> {
        let len = self.prefix.len();
        self.prefix.extend_from_slice(name);
        self.prefix.push(b'/');
        let new = new.to_owned();
        let result = match old {
            // One side only: the same walk against nothing lists every file.
            None => self.diff(None, Some(&new)),
            Some(old) => self.diff(Some(old), Some(&new)),
        };
        self.prefix.truncate(len);
        result
    }
}

/// HEAD and every reference that peels to a commit (what `git log --all` starts from).
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

/// Opens the repository at `path`, loads the history reachable from HEAD and every
/// reference that peels to a commit (like `git log --all`), and diffs every change.
/// Returns (changes diffed, paths found). For the benchmark (`benches/paths.rs`).
#[doc(hidden)]
pub fn count_paths(path: &Path) -> Result<(u64, u64), GitError> {
    let mut repo = super::open(path)?;
    repo.object_cache_size_if_unset(OBJECT_CACHE);
    let tips = all_tips(&repo, path)?;
    let graph = super::graph::load(&repo, &tips, path, &ProgressBar::hidden())?;
    let changes = std::sync::atomic::AtomicU64::new(0);
    let counts = per_commit(
        &repo,
        &graph,
        |_, paths| {
            changes.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
            paths.len() as u64
        },
        path,
        &ProgressBar::hidden(),
    )?;
    Ok((changes.into_inner(), counts.iter().sum()))
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;
    use std::path::PathBuf;
    use std::process::{Command, Stdio};

    fn git(dir: &Path) -> Command {
        let mut c = Command::new("git");
        c.current_dir(dir)
            .env_clear()
            .env("PATH", std::env::var_os("PATH").unwrap_or_default())
            .env("HOME", dir)
            .env("GIT_CONFIG_NOSYSTEM", "1")
            .env("GIT_CONFIG_GLOBAL", "/dev/null")
            .env("GIT_AUTHOR_NAME", "Dev")
            .env("GIT_AUTHOR_EMAIL", "dev@example.com")
            .env("GIT_COMMITTER_NAME", "Dev")
            .env("GIT_COMMITTER_EMAIL", "dev@example.com");
        c
    }

    fn run(dir: &Path, args: &[&str]) -> Vec<u8> {
        let out = git(dir)
            .args(args)
            .stderr(Stdio::piped())
            .output()
            .expect("spawn git");
        assert!(
            out.status.success(),
            "git {args:?}: {}",
            String::from_utf8_lossy(&out.stderr)
        );
        out.stdout
    }

    fn text(dir: &Path, args: &[&str]) -> String {
        String::from_utf8(run(dir, args)).unwrap().trim().to_owned()
    }

    fn new_repo() -> (tempfile::TempDir, PathBuf) {
        let tmp = tempfile::tempdir().unwrap();
        let dir = tmp.path().join("repo");
        std::fs::create_dir(&dir).unwrap();
        run(&dir, &["init", "-q", "-b", "main"]);
        (tmp, dir)
    }

    /// What [`per_commit`] reports per node: `None` where it made no call.
    fn ours(dir: &Path) -> (super::super::graph::CommitGraph, Vec<Option<Vec<Vec<u8>>>>) {
        let repo = crate::git::open(dir).unwrap();
        let tips = all_tips(&repo, dir).unwrap();
        let graph = super::super::graph::load(&repo, &tips, dir, &ProgressBar::hidden()).unwrap();
        let got = per_commit(
            &repo,
            &graph,
            |_, paths| Some(paths.iter().map(|p| p.to_vec()).collect()),
            dir,
            &ProgressBar::hidden(),
        )
        .unwrap();
        (graph, got)
    }

    /// Compares every commit with `git diff-tree`; returns the number of changes compared.
    fn check(dir: &Path) -> (usize, bool) {
        let (graph, got) = ours(dir);
        let mut compared = 0;
        for (i, id) in graph.ids.iter().enumerate() {
            let merge = graph.dag.parents(i).len() > 1;
            if merge || graph.missing[i] {
                assert_eq!(got[i], None, "merge {id} got paths");
                continue;
            }
            let hex = id.to_string();
            let out = run(
                dir,
                &[
                    "diff-tree",
                    "--root",
                    "--no-renames",
                    "--name-only",
                    "-r",
                    "--no-commit-id",
                    "-z",
                    &hex,
                ],
            );
            let want: Vec<Vec<u8>> = out
                .split(|&b| b == 0)
                .filter(|p| !p.is_empty())
                .map(<[u8]>::to_vec)
                .collect();
            let got = got[i].as_ref().unwrap_or_else(|| panic!("no call for {id}"));
            assert_eq!(
                got.iter().map(|p| String::from_utf8_lossy(p)).collect::<Vec<_>>(),
                want.iter()
                    .map(|p| String::from_utf8_lossy(p))
                    .collect::<Vec<_>>(),
                "commit {id}"
            );
            compared += 1;
        }
        (compared, graph.used_commit_graph)
    }

    /// Without, then with a commit-graph file.
    fn check_both(dir: &Path) -> usize {
        let (n, used) = check(dir);
        assert!(!used);
        run(dir, &["commit-graph", "write", "--reachable"]);
        let (m, used) = check(dir);
        assert!(used, "the commit-graph file was not used");
        assert_eq!(n, m);
        n
    }

    fn write(dir: &Path, file: &str, content: &str) {
        let p = dir.join(file);
        std::fs::create_dir_all(p.parent().unwrap()).unwrap();
        std::fs::write(p, content).unwrap();
    }

    fn commit(dir: &Path, msg: &str) -> String {
        run(dir, &["add", "-A"]);
        run(dir, &["commit", "-q", "--allow-empty", "--no-verify", "-m", msg]);
        text(dir, &["rev-parse", "HEAD"])
    }

    #[test]
    fn matches_git_diff_tree() {
        let (_tmp, d) = new_repo();
        let d = d.as_path();
        for (f, c) in [
            ("README", "r"),
            ("src/a.rs", "a"),
            ("src/lib/deep/x/y/z.txt", "z"),
            ("docs/guide.md", "g"),
            ("tool.sh", "t"),
            ("a.txt", "1"),
            ("a-b", "2"),
            ("a0", "3"),
            ("a/inner", "4"),
            ("thing", "file"),
        ] {
            write(d, f, c);
        }
        let root = commit(d, "root");
        write(d, "src/a.rs", "a2");
        std::fs::remove_file(d.join("docs/guide.md")).unwrap();
        write(d, "new/n.txt", "n");
        commit(d, "modify, delete, add");
        std::fs::create_dir(d.join("lib")).unwrap();
        run(d, &["mv", "src/a.rs", "lib/a.rs"]);
        commit(d, "rename across directories");
        let before_merge = text(d, &["rev-parse", "HEAD"]);
        std::fs::remove_file(d.join("thing")).unwrap();
        write(d, "thing/inner.txt", "now a directory");
        write(d, "thing/deeper/more.txt", "m");
        commit(d, "a file becomes a directory");
        run(d, &["update-index", "--chmod=+x", "tool.sh"]);
        run(d, &["commit", "-q", "-m", "executable"]);
        std::os::unix::fs::symlink("README", d.join("link")).unwrap();
        commit(d, "symlink");
        commit(d, "empty");
        run(d, &["checkout", "-q", "-b", "side", &before_merge]);
        write(d, "src/lib/deep/x/y/z.txt", "side");
        write(d, "side.txt", "s");
        commit(d, "side change");
        run(d, &["checkout", "-q", "main"]);
        run(d, &["merge", "-q", "--no-ff", "--no-edit", "side"]);
        run(
            d,
            &[
                "update-index",
                "--add",
                "--cacheinfo",
                &format!("160000,{root},vendor/sub"),
            ],
        );
        run(d, &["commit", "-q", "-m", "gitlink"]);
        run(
            d,
            &[
                "update-index",
                "--cacheinfo",
                &format!("160000,{before_merge},vendor/sub"),
            ],
        );
        run(d, &["commit", "-q", "-m", "gitlink update"]);
        std::fs::remove_dir_all(d.join("thing")).unwrap();
        write(d, "thing", "a file again");
        commit(d, "a directory becomes a file");
        std::fs::remove_file(d.join("link")).unwrap();
        write(d, "link", "a regular file");
        commit(d, "symlink becomes a file");
        std::fs::remove_dir_all(d.join("src")).unwrap();
        commit(d, "delete a deep directory");
        run(d, &["checkout", "-q", "--orphan", "other"]);
        run(d, &["rm", "-rq", "--cached", "."]);
        write(d, "only/here.txt", "o");
        run(d, &["add", "only"]);
        run(d, &["commit", "-q", "-m", "second root"]);
        run(d, &["checkout", "-q", "-f", "main"]);
        assert_eq!(check_both(d), 14);
    }

    #[test]
    fn caches_share_one_budget() {
        // Two cores get the measured sizes; many cores share the budget.
        assert_eq!(cache_sizes(2), (OBJECT_CACHE, DELTA_CACHE));
        let (o, d) = cache_sizes(64);
        assert!(64 * (o + d) <= CACHE_BUDGET + 64 * (5 << 20), "{o} {d}");
        assert!(o >= 1 << 20 && d >= 4 << 20);
    }

    #[test]
    fn merges_and_calls() {
        let (_tmp, d) = new_repo();
        let d = d.as_path();
        write(d, "a", "1");
        commit(d, "root");
        run(d, &["checkout", "-q", "-b", "side"]);
        write(d, "b", "2");
        commit(d, "side");
        run(d, &["checkout", "-q", "main"]);
        write(d, "c", "3");
        commit(d, "main");
        run(d, &["merge", "-q", "--no-edit", "side"]);
        let repo = crate::git::open(d).unwrap();
        let tips = all_tips(&repo, d).unwrap();
        let graph = super::super::graph::load(&repo, &tips, d, &ProgressBar::hidden()).unwrap();
        let calls = std::sync::Mutex::new(Vec::new());
        let got = per_commit(
            &repo,
            &graph,
            |node, paths| {
                calls.lock().unwrap().push(node);
                paths.len() + 100
            },
            d,
            &ProgressBar::hidden(),
        )
        .unwrap();
        let mut calls = calls.into_inner().unwrap();
        calls.sort_unstable();
        let merges: Vec<usize> = (0..graph.len())
            .filter(|&i| graph.dag.parents(i).len() > 1)
            .collect();
        assert_eq!(merges.len(), 1);
        assert_eq!(got[merges[0]], 0, "a merge gets the default");
        assert_eq!(calls.len(), 3);
        assert!(!calls.contains(&(merges[0] as u32)));
        assert!(got.iter().enumerate().all(|(i, &n)| i == merges[0] || n == 101));
    }

    #[test]
    fn a_missing_tree_names_the_commit() {
        let (_tmp, d) = new_repo();
        let d = d.as_path();
        write(d, "a", "1");
        commit(d, "root");
        write(d, "dir/b", "2");
        let head = commit(d, "add dir");
        let sub = text(d, &["rev-parse", "HEAD:dir"]);
        std::fs::remove_file(d.join(".git/objects").join(&sub[..2]).join(&sub[2..])).unwrap();
        let repo = crate::git::open(d).unwrap();
        let tips = all_tips(&repo, d).unwrap();
        let graph = super::super::graph::load(&repo, &tips, d, &ProgressBar::hidden()).unwrap();
        let err = per_commit(&repo, &graph, |_, p| p.len(), d, &ProgressBar::hidden()).unwrap_err();
        let msg = err.to_string();
        assert!(msg.contains(&head) && msg.contains(&sub), "{msg}");
    }

    /// One file operation of a generated history.
    #[derive(Debug, Clone)]
    enum Op {
        /// Write path `0` as kind `1` (file, executable, symlink, gitlink) with content `2`.
        Put(usize, u8, u8),
        /// Delete path `0` (a file or a whole directory).
        Delete(usize),
    }

    /// Names chosen so that git's tree order (directories as if with a trailing `/`) and
    /// plain byte order are both exercised, and files and directories trade places.
    const PATHS: [&str; 12] = [
        "a",
        "a/b",
        "a/b/c",
        "a/b/c/d/e/f",
        "a.b",
        "a-b",
        "a0",
        "ab/c",
        "b",
        "b/a",
        "b/a/x",
        "z z/q",
    ];

    /// A commit: its parents (indices of earlier commits) and its operations.
    type Spec = (Vec<usize>, Vec<Op>);

    fn arb_history() -> impl Strategy<Value = Vec<Spec>> {
        let op = prop_oneof![
            3 => (0..PATHS.len(), 0u8..4, 0u8..3).prop_map(|(p, k, c)| Op::Put(p, k, c)),
            1 => (0..PATHS.len()).prop_map(Op::Delete),
        ];
        proptest::collection::vec(
            (any::<u8>(), any::<u8>(), proptest::collection::vec(op, 0..5)),
            1..12,
        )
        .prop_map(|raw| {
            raw.into_iter()
                .enumerate()
                .map(|(i, (p, q, ops))| {
                    let mut parents = Vec::new();
                    if i > 0 && p % 8 != 0 {
                        parents.push(i - 1 - usize::from(p) % i);
                        if q % 4 == 0 && i > 1 {
                            let other = usize::from(q / 4) % i;
                            if other != parents[0] {
                                parents.push(other);
                            }
                        }
                    }
                    (parents, ops)
                })
                .collect()
        })
    }

    /// Writes the history with one `git fast-import`; commit `i` is `refs/heads/c<i>`.
    /// A commit starts from its first parent's tree.
    fn fast_import(dir: &Path, history: &[Spec]) {
        use std::io::Write;
        let mut s = String::new();
        for (i, (parents, ops)) in history.iter().enumerate() {
            s += &format!(
                "commit refs/heads/c{i}\nmark :{}\ncommitter Dev <dev@example.com> {} +0000\ndata 2\nc\n",
                i + 1,
                1_700_000_000 + i
            );
            for (k, p) in parents.iter().enumerate() {
                s += &format!("{} :{}\n", if k == 0 { "from" } else { "merge" }, p + 1);
            }
            for op in ops {
                match op {
                    Op::Delete(p) => s += &format!("D {}\n", PATHS[*p]),
                    Op::Put(p, 3, c) => {
                        s += &format!("M 160000 {:040x} {}\n", u32::from(*c) + 1, PATHS[*p]);
                    }
                    Op::Put(p, k, c) => {
                        let mode = ["100644", "100755", "120000"][usize::from(*k)];
                        s += &format!("M {mode} inline {}\ndata 1\n{c}\n", PATHS[*p]);
                    }
                }
            }
        }
        let mut child = git(dir)
            .args(["fast-import", "--quiet"])
            .stdin(Stdio::piped())
            .stdout(Stdio::null())
            .spawn()
            .unwrap();
        child.stdin.take().unwrap().write_all(s.as_bytes()).unwrap();
        assert!(child.wait().unwrap().success(), "fast-import failed on\n{s}");
    }

    proptest! {
        #![proptest_config(ProptestConfig { cases: 16, ..ProptestConfig::default() })]
        #[test]
        fn random_histories_match_git(history in arb_history()) {
            let (_tmp, d) = new_repo();
            fast_import(&d, &history);
            let changes = history.iter().filter(|(parents, _)| parents.len() <= 1).count();
            prop_assert_eq!(check_both(&d), changes);
        }
    }
}
