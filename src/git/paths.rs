//! The paths each change touches: a commit's tree diffed against its only parent's.
//!
//! Only tree objects are read, never blobs ([`super::tree_diff`]): identical subtrees are
//! skipped without being opened, and the paths come out in git's order, which is also their
//! byte order. There is no rename detection: a rename is a deletion and an addition. Merge
//! commits carry no paths of their own.
//!
//! The diffs run newest commit first, each thread with its own repository handle and caches
//! working through runs of commits that are neighbours in time and so share most trees and
//! their delta bases. The root tree ids come from loading the graph.

use std::path::Path;

use gix::ObjectId;
use indicatif::ProgressBar;
use rayon::prelude::*;

use super::graph::CommitGraph;
use super::tree_diff::{TreeDiff, thread_handles};
use crate::error::GitError;

/// Changes per parallel work item (neighbours in time, see [`per_commit`]). Between 128 and
/// 4096 made no measurable difference on git/git (docs/performance.md).
const CHUNK: usize = 512;

/// Bytes of decoded objects each thread keeps: the trees of the last few commits, so that a
/// tree read as a commit's new side is found again as its child's old side.
const OBJECT_CACHE: usize = 8 << 20;

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
    graph.require_trees(path, "reading the paths of commits")?;
    let n = graph.len();
    let local = thread_handles(repo, OBJECT_CACHE);
    let order = graph.newest_changes();
    let done: Vec<Vec<(u32, T)>> = order
        .par_chunks(CHUNK)
        .map_init(
            || Differ::new(local()),
            |d, nodes| {
                let mut done = Vec::with_capacity(nodes.len());
                for &node in nodes {
                    let i = node as usize;
                    let parent = graph.dag.parents(i).first().and_then(|&p| graph.tree(p as usize));
                    let tree = graph.tree(i).ok_or_else(|| GitError::CorruptObject {
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

/// One thread's tree differ and the paths it found.
struct Differ {
    tree: TreeDiff,
    /// The paths found, back to back.
    bytes: Vec<u8>,
    /// The end of each path in `bytes`.
    ends: Vec<usize>,
}

impl Differ {
    fn new(repo: gix::Repository) -> Self {
        Differ {
            tree: TreeDiff::new(repo),
            bytes: Vec::new(),
            ends: Vec::new(),
        }
    }

    fn clear(&mut self) {
        self.bytes.clear();
        self.ends.clear();
    }

    /// Every path in which tree `old` and tree `new` differ (`None`: the empty tree).
    fn diff(&mut self, old: Option<&ObjectId>, new: Option<&ObjectId>) -> Result<(), String> {
        let (bytes, ends) = (&mut self.bytes, &mut self.ends);
        self.tree.diff(old, new, &mut |dir, name, _, _| {
            bytes.extend_from_slice(dir);
            bytes.extend_from_slice(name);
            ends.push(bytes.len());
        })
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
}

/// Opens the repository at `path`, loads the history reachable from HEAD and every
/// reference that peels to a commit (like `git log --all`), and diffs every change.
/// Returns (changes diffed, paths found). For the benchmark (`benches/paths.rs`).
#[doc(hidden)]
pub fn count_paths(path: &Path) -> Result<(u64, u64), GitError> {
    let (repo, graph) = super::graph::load_all(path)?;
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
    use crate::git::testutil::{git, new_repo, run, text, write};
    use proptest::prelude::*;
    use std::process::Stdio;

    /// What [`per_commit`] reports per node: `None` where it made no call.
    fn ours(dir: &Path) -> (super::super::graph::CommitGraph, Vec<Option<Vec<Vec<u8>>>>) {
        let (repo, graph) = super::super::graph::load_all(dir).unwrap();
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
        let (repo, graph) = super::super::graph::load_all(d).unwrap();
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
        let (repo, graph) = super::super::graph::load_all(d).unwrap();
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
