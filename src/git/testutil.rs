//! Fixture repositories for the git room's tests, built with the git CLI under a pinned
//! environment (fixed names, no user or system config).

use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

/// `git` in `dir`, with nothing from the machine's configuration.
pub fn git(dir: &Path) -> Command {
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

/// Runs `git args` in `dir`, which must succeed; its stdout.
pub fn run(dir: &Path, args: &[&str]) -> Vec<u8> {
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

/// [`run`]'s stdout as trimmed text.
pub fn text(dir: &Path, args: &[&str]) -> String {
    String::from_utf8(run(dir, args)).unwrap().trim().to_owned()
}

/// An empty repository on branch `main`, in a temporary directory dropped with the guard.
pub fn new_repo() -> (tempfile::TempDir, PathBuf) {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path().join("repo");
    std::fs::create_dir(&dir).unwrap();
    run(&dir, &["init", "-q", "-b", "main"]);
    (tmp, dir)
}

/// Writes `file` under `dir`, creating its directories.
pub fn write(dir: &Path, file: &str, content: impl AsRef<[u8]>) {
    let p = dir.join(file);
    std::fs::create_dir_all(p.parent().unwrap()).unwrap();
    std::fs::write(p, content).unwrap();
}
