//! Fixture repositories built with the git CLI under a pinned environment (fixed names,
//! dates and no user or system config), and a runner for the built binary.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

/// 2024-01-01T00:00:00Z.
pub const T0: i64 = 1_704_067_200;
pub const HOUR: i64 = 3600;

pub struct Repo {
    _tmp: tempfile::TempDir,
    pub path: PathBuf,
}

pub fn git_in(dir: &Path) -> Command {
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

pub fn ok(cmd: &mut Command) -> String {
    let out = cmd.output().expect("spawn git");
    assert!(
        out.status.success(),
        "{cmd:?}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout).expect("utf-8").trim().to_owned()
}

impl Repo {
    pub fn new() -> Repo {
        let tmp = tempfile::tempdir().expect("tempdir");
        let path = tmp.path().join("repo");
        std::fs::create_dir(&path).unwrap();
        ok(git_in(&path).args(["init", "-q", "-b", "main"]));
        Repo { _tmp: tmp, path }
    }

    pub fn git(&self) -> Command {
        git_in(&self.path)
    }

    pub fn run(&self, args: &[&str]) -> String {
        ok(self.git().args(args))
    }

    fn dated(&self, author: i64, committer: i64) -> Command {
        let mut c = self.git();
        c.env("GIT_AUTHOR_DATE", format!("@{author} +0000"))
            .env("GIT_COMMITTER_DATE", format!("@{committer} +0000"));
        c
    }

    /// A commit on the current branch; returns its sha.
    pub fn commit(&self, msg: &str, t: i64) -> String {
        self.commit_at(msg, t, t)
    }

    pub fn commit_at(&self, msg: &str, author: i64, committer: i64) -> String {
        ok(self
            .dated(author, committer)
            .args(["commit", "-q", "--allow-empty", "-m", msg]));
        self.run(&["rev-parse", "HEAD"])
    }

    /// A commit with any parents, without touching branches (plumbing).
    pub fn commit_tree(&self, msg: &str, parents: &[String], author: i64, committer: i64) -> String {
        let tree = self.run(&["hash-object", "-t", "tree", "-w", "/dev/null"]);
        let mut c = self.dated(author, committer);
        c.args(["commit-tree", &tree, "-m", msg]);
        for p in parents {
            c.args(["-p", p]);
        }
        ok(&mut c)
    }

    pub fn merge(&self, branch: &str, t: i64) -> String {
        ok(self
            .dated(t, t)
            .args(["merge", "-q", "--no-ff", "-m", &format!("Merge {branch}"), branch]));
        self.run(&["rev-parse", "HEAD"])
    }

    pub fn annotated_tag(&self, name: &str, target: &str, t: i64) {
        ok(self.dated(t, t).args(["tag", "-a", "-m", name, name, target]));
    }

    pub fn lightweight_tag(&self, name: &str, target: &str) {
        self.run(&["tag", name, target]);
    }
}

/// Runs the built binary.
pub fn dorascope(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_dorascope"))
        .args(args)
        .output()
        .expect("run dorascope")
}

/// Runs the binary in `dir` (not a repository, no config file: deployments come from the
/// exports alone).
pub fn run_in(dir: &Path, args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_dorascope"))
        .current_dir(dir)
        .args(args)
        .output()
        .expect("run dorascope")
}

pub fn stdout(o: &Output) -> String {
    String::from_utf8_lossy(&o.stdout).into_owned()
}

pub fn stderr(o: &Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned()
}

/// A CSV table's rows as column name → value.
pub fn csv_rows(text: &str) -> Vec<std::collections::HashMap<String, String>> {
    let mut r = csv::Reader::from_reader(text.as_bytes());
    let headers = r.headers().unwrap().clone();
    r.records()
        .map(|rec| {
            headers
                .iter()
                .zip(rec.unwrap().iter())
                .map(|(h, v)| (h.to_owned(), v.to_owned()))
                .collect()
        })
        .collect()
}

/// The row of `metric` over the whole range (`period` "all") in summary.json's rows.
pub fn overall<'a>(rows: &'a serde_json::Value, metric: &str) -> &'a serde_json::Value {
    rows.as_array()
        .unwrap()
        .iter()
        .find(|r| r["metric"] == metric && r["period"] == "all")
        .unwrap_or_else(|| panic!("no {metric}"))
}
