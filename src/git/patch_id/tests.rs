use super::*;
use crate::git::testutil::{git, new_repo, run, text, write};
use proptest::prelude::*;
use std::collections::HashMap;
use std::io::Write;
use std::process::Stdio;

fn chmod(dir: &Path, file: &str, mode: u32) {
    use std::os::unix::fs::PermissionsExt;
    std::fs::set_permissions(dir.join(file), std::fs::Permissions::from_mode(mode)).unwrap();
}

/// Commits everything with author and committer time `t`; returns the commit id.
fn commit_at(dir: &Path, msg: &str, t: i64) -> String {
    run(dir, &["add", "-A"]);
    commit_index(dir, msg, t)
}

/// Commits the index as it is.
fn commit_index(dir: &Path, msg: &str, t: i64) -> String {
    let date = format!("{t} +0000");
    let out = git(dir)
        .args(["commit", "-q", "--allow-empty", "--no-verify", "-m", msg])
        .env("GIT_AUTHOR_DATE", &date)
        .env("GIT_COMMITTER_DATE", &date)
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    text(dir, &["rev-parse", "HEAD"])
}

/// The oracle: commit → patch id, from
/// `git -c diff.renames=false log --all --no-merges -p --format='commit %H' | git patch-id --stable`.
fn oracle(dir: &Path) -> HashMap<ObjectId, ObjectId> {
    let log = run(
        dir,
        &[
            "-c",
            "diff.renames=false",
            "log",
            "--all",
            "--no-merges",
            "-p",
            "--format=commit %H",
        ],
    );
    let mut child = git(dir)
        .args(["patch-id", "--stable"])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .spawn()
        .unwrap();
    let mut stdin = child.stdin.take().unwrap();
    let writer = std::thread::spawn(move || stdin.write_all(&log).unwrap());
    let out = child.wait_with_output().unwrap();
    writer.join().unwrap();
    assert!(out.status.success());
    String::from_utf8(out.stdout)
        .unwrap()
        .lines()
        .map(|l| {
            let (id, commit) = l.split_once(' ').unwrap();
            (
                ObjectId::from_hex(commit.as_bytes()).unwrap(),
                ObjectId::from_hex(id.as_bytes()).unwrap(),
            )
        })
        .collect()
}

/// Ours for every commit (indexed by node), with the graph.
fn ours(dir: &Path) -> (CommitGraph, Vec<Option<ObjectId>>) {
    let (repo, graph) = crate::git::graph::load_all(dir).unwrap();
    let nodes = graph.newest_changes();
    let ids = patch_ids(&repo, &graph, &nodes, dir).unwrap();
    (graph, ids)
}

/// Compares every commit with the oracle; returns the number of commits with an id.
fn check(dir: &Path) -> usize {
    let want = oracle(dir);
    let (graph, got) = ours(dir);
    let mut with = 0;
    for (i, id) in graph.ids.iter().enumerate() {
        if graph.dag.parents(i).len() > 1 {
            assert_eq!(got[i], None, "merge {id}");
            continue;
        }
        let subject = text(dir, &["log", "-1", "--format=%s", &id.to_string()]);
        assert_eq!(got[i], want.get(id).copied(), "commit {id} ({subject})");
        with += usize::from(got[i].is_some());
    }
    assert_eq!(with, want.len());
    with
}

fn lines(n: usize, tag: &str) -> String {
    (0..n).map(|i| format!("{tag} line {i}\n")).collect()
}

#[test]
fn matches_git_patch_id() {
    let (_tmp, d) = new_repo();
    let d = d.as_path();
    let mut t = 1_700_000_000;
    let mut tick = || {
        t += 60;
        t
    };
    let code = "int main(void)\n{\n\tint x = 1;\n\tif (x) {\n\t\treturn 1;\n\t}\n\treturn 0;\n}\n";
    write(d, "a.txt", lines(40, "a"));
    write(d, "src/main.c", code);
    write(d, "bin.dat", b"\x00\x01binary\x00data");
    write(d, "script.sh", "#!/bin/sh\necho hi\n");
    write(d, "empty", "");
    write(d, "name with spaces.txt", "spaces\n");
    write(d, "caf\u{e9}/\u{fc}ber \"q\"\\.txt", "quoted\n");
    write(d, "tab\there", "tab\n");
    commit_at(d, "root", tick());

    // Whitespace only: indentation and trailing blanks.
    write(
        d,
        "src/main.c",
        code.replace("\tint x", "    int x")
            .replace("return 0;", "return 0;  "),
    );
    commit_at(d, "whitespace only", tick());
    // Additions, deletions and several hunks in one file, and two files.
    let mut a: Vec<String> = lines(40, "a").lines().map(str::to_owned).collect();
    a.insert(2, "inserted near the top".into());
    a.remove(20);
    a[35] = "changed near the end".into();
    write(d, "a.txt", a.join("\n") + "\n");
    write(d, "script.sh", "#!/bin/sh\necho hello\necho again\n");
    commit_at(d, "three hunks and a second file", tick());
    // Binary: modified, then followed by a text file; added; deleted.
    write(d, "bin.dat", b"\x00\x02binary\x00other");
    write(d, "bin2.dat", b"new\x00binary");
    write(d, "c.txt", "after a binary file\n");
    commit_at(d, "binary changes", tick());
    std::fs::remove_file(d.join("bin2.dat")).unwrap();
    commit_at(d, "binary deleted", tick());
    // A NUL byte after git's first 8000 bytes: still text.
    let mut late = "x\n".repeat(5000).into_bytes();
    late.extend_from_slice(b"nul\x00here\nend\n");
    write(d, "late-nul.txt", &late);
    commit_at(d, "late NUL", tick());
    // Mode changes: alone, then with content, then alone before another file.
    chmod(d, "script.sh", 0o755);
    commit_at(d, "mode only", tick());
    write(d, "script.sh", "#!/bin/sh\necho bye\n");
    chmod(d, "script.sh", 0o644);
    commit_at(d, "mode and content", tick());
    chmod(d, "a.txt", 0o755);
    write(d, "z.txt", "last\n");
    commit_at(d, "mode only, then a file", tick());
    // Empty files: added before another file, deleted.
    write(d, "b-empty", "");
    write(d, "b.txt", "b\n");
    commit_at(d, "empty new file", tick());
    std::fs::remove_file(d.join("empty")).unwrap();
    commit_at(d, "empty file deleted", tick());
    commit_at(d, "empty commit", tick());
    // Missing newline at the end, CRLF lines.
    write(d, "c.txt", "after a binary file\nno newline");
    write(d, "crlf.txt", "one\r\ntwo\r\n");
    commit_at(d, "no newline, CRLF", tick());
    write(d, "c.txt", "after a binary file\nno newline\n");
    write(d, "crlf.txt", "one\r\n2\r\n");
    commit_at(d, "newline added", tick());
    // Symlink, a file becoming a symlink, a file becoming a directory.
    std::os::unix::fs::symlink("a.txt", d.join("link")).unwrap();
    commit_at(d, "symlink", tick());
    std::fs::remove_file(d.join("z.txt")).unwrap();
    std::os::unix::fs::symlink("b.txt", d.join("z.txt")).unwrap();
    commit_at(d, "file becomes a symlink", tick());
    std::fs::remove_file(d.join("b.txt")).unwrap();
    write(d, "b.txt/inner", "inside\n");
    commit_at(d, "file becomes a directory", tick());
    // Submodule (gitlink) added and updated.
    let root = text(d, &["rev-list", "--max-parents=0", "HEAD"]);
    run(
        d,
        &[
            "update-index",
            "--add",
            "--cacheinfo",
            &format!("160000,{root},vendor/sub"),
        ],
    );
    commit_index(d, "gitlink", tick());
    let head = text(d, &["rev-parse", "HEAD"]);
    run(
        d,
        &[
            "update-index",
            "--cacheinfo",
            &format!("160000,{head},vendor/sub"),
        ],
    );
    commit_index(d, "gitlink update", tick());
    // Renames are a deletion and an addition.
    run(d, &["mv", "a.txt", "renamed.txt"]);
    commit_at(d, "rename", tick());
    // A file whose lines slide: a repeated block inserted (indent heuristic).
    let body = "def f():\n    a = 1\n\n    return a\n\ndef g():\n    return 2\n";
    write(d, "slide.py", body);
    commit_at(d, "python", tick());
    write(
        d,
        "slide.py",
        body.replace("\ndef g", "\ndef h():\n    return 3\n\ndef g"),
    );
    commit_at(d, "slider", tick());

    // A release branch from the root, where main's change lands at other line numbers.
    let fix_base = text(d, &["rev-parse", "HEAD"]);
    let mut big: Vec<String> = lines(30, "f").lines().map(str::to_owned).collect();
    write(d, "fix.txt", big.join("\n") + "\n");
    commit_at(d, "fix.txt", tick());
    big[15] = "the fix".into();
    write(d, "fix.txt", big.join("\n") + "\n");
    let fix = commit_at(d, "the fix", tick());
    run(d, &["checkout", "-q", "-b", "release", &fix_base]);
    let mut old = big.clone();
    old[15] = "f line 15".into();
    old.splice(0..0, ["release 1".to_owned(), "release 2".into()]);
    write(d, "fix.txt", old.join("\n") + "\n");
    commit_at(d, "release-only lines", tick());
    run(d, &["cherry-pick", &fix]);
    let picked = text(d, &["rev-parse", "HEAD"]);
    run(d, &["checkout", "-q", "main"]);
    run(d, &["merge", "-q", "-s", "ours", "--no-edit", "release"]);

    assert_eq!(check(d), 25);
    // With packed objects and a longer abbreviation, binary files hash other ids.
    run(d, &["gc", "-q"]);
    run(d, &["config", "core.abbrev", "11"]);
    assert_eq!(check(d), 25);

    let (graph, ids) = ours(d);
    let node = |hex: &str| graph.node(&ObjectId::from_hex(hex.as_bytes()).unwrap()).unwrap();
    let (fix, picked) = (node(&fix), node(&picked));
    assert_eq!(ids[fix as usize], ids[picked as usize]);
    assert_eq!(matches(&graph, &ids), vec![(picked, fix)]);
}

/// Lines that repeat, slide and differ in whitespace only.
const LINES: [&str; 12] = [
    "",
    "x",
    "    x",
    "\ty",
    "{",
    "}",
    "def f():",
    "    return 1",
    "a b",
    "a  b",
    "  ",
    "end",
];

/// One edit of a file's lines: operation, position, line or length.
type Edit = (u8, usize, usize);

fn apply(lines: &mut Vec<&'static str>, (op, at, what): Edit) {
    let at = if lines.is_empty() {
        0
    } else {
        at % (lines.len() + 1)
    };
    match op % 4 {
        0 => lines.insert(at, LINES[what % LINES.len()]),
        1 if at < lines.len() => {
            lines.remove(at);
        }
        2 if at < lines.len() => lines[at] = LINES[what % LINES.len()],
        // A copy of a block elsewhere: sliders for the indent heuristic.
        _ => {
            let from = what % (lines.len() + 1);
            let block: Vec<_> = lines[from..(from + 4).min(lines.len())].to_vec();
            lines.splice(at..at, block);
        }
    }
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 12, ..ProptestConfig::default() })]
    #[test]
    fn random_edits_match_git(
        start in proptest::collection::vec(0..LINES.len(), 0..40),
        commits in proptest::collection::vec(
            (proptest::collection::vec((any::<u8>(), 0..64usize, 0..64usize), 1..6), any::<bool>()),
            1..8,
        ),
    ) {
        let (_tmp, d) = new_repo();
        let mut files: [Vec<&'static str>; 2] = [start.iter().map(|&i| LINES[i]).collect(), vec!["g"]];
        let mut s = String::new();
        let blob = |lines: &[&str], eol: bool| {
            let mut body = lines.join("\n");
            if eol && !lines.is_empty() {
                body.push('\n');
            }
            format!("data {}\n{body}\n", body.len())
        };
        for (i, (edits, second)) in std::iter::once((Vec::new(), true)).chain(commits).enumerate() {
            for (k, e) in edits.iter().enumerate() {
                let f = usize::from(second && k % 2 == 1);
                apply(&mut files[f], *e);
            }
            s += &format!(
                "commit refs/heads/main\nmark :{}\ncommitter Dev <dev@example.com> {} +0000\ndata 2\nc\n",
                i + 1,
                1_700_000_000 + i
            );
            if i > 0 {
                s += &format!("from :{i}\n");
            }
            s += &format!("M 100644 inline f.py\n{}", blob(&files[0], true));
            // The second file sometimes ends without a newline.
            s += &format!("M 100644 inline g.txt\n{}", blob(&files[1], i % 3 != 2));
        }
        let mut child = git(&d)
            .args(["fast-import", "--quiet"])
            .stdin(Stdio::piped())
            .stdout(Stdio::null())
            .spawn()
            .unwrap();
        child.stdin.take().unwrap().write_all(s.as_bytes()).unwrap();
        prop_assert!(child.wait().unwrap().success(), "fast-import failed on\n{}", s);
        check(&d);
    }
}
