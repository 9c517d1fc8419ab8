//! The bundled demo: a realistic, deterministic sample repository, built with
//! `git fast-import` from a stream generated here, and the tables computed on it.
//!
//! The history is a small web shop's main line over about thirteen months: short feature
//! branches merged with merge commits or squashed, weekly-ish releases tagged annotated (most)
//! or lightweight (some), CI build tags that are not releases, a hotfix released from a release
//! branch and cherry-picked back, a rollback (an old release redeployed under a new tag)
//! followed by a revert commit, and one commit whose author clock ran ahead (negative lead
//! time). Everything is derived from a fixed seed, so the commit ids are the same everywhere.

use std::collections::HashMap;
use std::fmt::Write as _;
use std::io::Write as _;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

use crate::error::{Error, Result};

/// 2024-01-08T09:00:00Z, a Monday.
const START: i64 = 1_704_704_400;
const HOUR: i64 = 3600;
const DAY: i64 = 24 * HOUR;

const TEAM: [(&str, &str, &str); 6] = [
    ("Amara Okafor", "amara@shop.example", "+0100"),
    ("Bruno Costa", "bruno@shop.example", "-0300"),
    ("Chen Wei", "chen@shop.example", "+0800"),
    ("Dana Levi", "dana@shop.example", "+0200"),
    ("Eero Virtanen", "eero@shop.example", "+0200"),
    ("Farah Haddad", "farah@shop.example", "+0000"),
];
const RELEASER: (&str, &str, &str) = ("Release Bot", "release-bot@shop.example", "+0000");

const TOPICS: [&str; 24] = [
    "cart",
    "checkout",
    "search",
    "catalog",
    "pricing",
    "inventory",
    "auth",
    "profile",
    "wishlist",
    "reviews",
    "shipping",
    "tax",
    "coupons",
    "emails",
    "analytics",
    "admin",
    "recommendations",
    "returns",
    "payments",
    "i18n",
    "accessibility",
    "logging",
    "cache",
    "api",
];
const VERBS: [&str; 8] = [
    "Add", "Improve", "Refactor", "Fix", "Speed up", "Simplify", "Validate", "Document",
];

/// splitmix64: tiny, well-distributed and stable across platforms and versions, which a
/// demo that must produce the same commit ids everywhere needs.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    /// Uniform in `lo..=hi`.
    fn range(&mut self, lo: i64, hi: i64) -> i64 {
        lo + (self.next() % (hi - lo + 1) as u64) as i64
    }

    fn chance(&mut self, percent: u64) -> bool {
        self.next() % 100 < percent
    }
}

/// Builds the fast-import stream in segments; a segment may refer to the commit id of an
/// earlier mark as `@@MARK:n@@`, resolved from the marks the previous import exported.
struct Stream {
    segments: Vec<String>,
    cur: String,
    mark: u32,
    file: u32,
}

impl Stream {
    fn new() -> Self {
        Stream {
            segments: Vec::new(),
            cur: String::new(),
            mark: 0,
            file: 0,
        }
    }

    #[allow(clippy::too_many_arguments)]
    fn commit(
        &mut self,
        branch: &str,
        parents: &[u32],
        author: (&str, &str, &str),
        author_at: i64,
        committer_at: i64,
        message: &str,
        path: &str,
    ) -> u32 {
        self.mark += 1;
        self.file += 1;
        let (name, email, tz) = author;
        let c = &mut self.cur;
        let _ = writeln!(c, "commit refs/heads/{branch}\nmark :{}", self.mark);
        let _ = writeln!(c, "author {name} <{email}> {author_at} {tz}");
        let _ = writeln!(c, "committer {name} <{email}> {committer_at} {tz}");
        // Delimited data: a message may still hold a mark placeholder whose length changes.
        let _ = writeln!(c, "data <<EOM\n{message}\nEOM");
        if let Some((first, rest)) = parents.split_first() {
            let _ = writeln!(c, "from :{first}");
            for p in rest {
                let _ = writeln!(c, "merge :{p}");
            }
        }
        let subject = message.lines().next().unwrap_or_default();
        let content = format!("{subject}\nchange {}\n", self.file);
        let _ = writeln!(c, "M 100644 inline {path}\ndata {}\n{content}", content.len());
        self.mark
    }

    fn annotated_tag(&mut self, name: &str, target: u32, at: i64, message: &str) {
        let (who, email, tz) = RELEASER;
        let c = &mut self.cur;
        let _ = writeln!(c, "tag {name}\nfrom :{target}\ntagger {who} <{email}> {at} {tz}");
        let _ = writeln!(c, "data {}\n{message}", message.len());
    }

    fn lightweight_tag(&mut self, name: &str, target: u32) {
        let _ = writeln!(self.cur, "reset refs/tags/{name}\nfrom :{target}\n");
    }

    fn cut(&mut self) {
        self.segments.push(std::mem::take(&mut self.cur));
    }
}

/// The demo history as fast-import segments.
fn history() -> Vec<String> {
    let mut rng = Rng(0x00D0_7A5C_0BE5_2024);
    let mut s = Stream::new();
    let mut t = START;
    let first = s.commit(
        "main",
        &[],
        TEAM[0],
        t - 90 * DAY,
        t - 90 * DAY,
        "Initial shop skeleton",
        "README.md",
    );
    let mut main = s.commit(
        "main",
        &[first],
        TEAM[1],
        t - 60 * DAY,
        t - 60 * DAY,
        "Add product pages",
        "src/catalog.rs",
    );
    let mut release = 0u32;
    let mut merges_since_release = 0;
    let mut next_release_after = 3;
    let mut feature = 0usize;
    let mut last_release: Option<u32> = None;
    let mut pending_cherry_pick: Option<(i64, String)> = None;
    let end = START + 400 * DAY;
    while t < end {
        t += rng.range(30 * HOUR, 100 * HOUR);
        feature += 1;
        let topic = TOPICS[(rng.next() % TOPICS.len() as u64) as usize];
        let verb = VERBS[(rng.next() % VERBS.len() as u64) as usize];
        let who = TEAM[(rng.next() % TEAM.len() as u64) as usize];
        let title = if release == 19 && merges_since_release == 0 {
            "Switch to the new payment provider".to_owned()
        } else {
            format!("{verb} {topic}")
        };
        let path = format!("src/{topic}/part{}.rs", feature % 7);

        if let Some((author_at, msg)) = pending_cherry_pick.take() {
            // The hotfix comes back to main as a cherry-pick: same author time, new commit.
            main = s.commit(
                "main",
                &[main],
                TEAM[3],
                author_at,
                t,
                &msg,
                "src/checkout/fix.rs",
            );
            t += rng.range(HOUR, 5 * HOUR);
        }

        let n = rng.range(1, 4);
        let began = t - rng.range(4 * HOUR, 4 * DAY);
        let mut times: Vec<i64> = (0..n).map(|_| rng.range(began, t - 600)).collect();
        times.sort_unstable();
        if release == 30 && merges_since_release == 1 {
            // A laptop whose clock ran two weeks ahead: the change looks younger than its release.
            times[0] = t + 14 * DAY;
        }
        let squash = rng.chance(30) || title.starts_with("Switch");
        if squash {
            let msg = format!("{title} (#{feature})");
            main = s.commit("main", &[main], who, times[0], t, &msg, &path);
        } else {
            let mut tip = main;
            for (i, &at) in times.iter().enumerate() {
                let msg = format!("{title}: step {}", i + 1);
                tip = s.commit("topic", &[tip], who, at, at, &msg, &path);
            }
            let msg = format!("Merge branch 'feature/{feature}-{topic}'");
            main = s.commit(
                "main",
                &[main, tip],
                who,
                t,
                t,
                &msg,
                &format!("merges/{feature}.txt"),
            );
        }
        if feature % 9 == 0 {
            s.lightweight_tag(&format!("build-{feature}"), main);
        }
        merges_since_release += 1;
        if merges_since_release < next_release_after {
            continue;
        }

        // A release.
        merges_since_release = 0;
        next_release_after = rng.range(2, 4);
        release += 1;
        t += rng.range(HOUR, 6 * HOUR);
        let name = format!("v1.{release}.0");
        if release % 4 == 3 {
            s.lightweight_tag(&name, main);
        } else {
            s.annotated_tag(&name, main, t, &format!("Release {name}\n"));
        }
        if release == 8 {
            // Hotfix on a release branch, released the next day, cherry-picked to main later.
            let at = t + 20 * HOUR;
            let msg = "Fix checkout crash on empty cart";
            let fix = s.commit(
                "release/1.8",
                &[main],
                TEAM[3],
                at,
                at,
                msg,
                "src/checkout/fix.rs",
            );
            t += 22 * HOUR;
            s.annotated_tag("v1.8.1", fix, t, "Hotfix v1.8.1\n");
            pending_cherry_pick = Some((at, format!("{msg}\n\n(cherry picked from release/1.8)")));
        }
        if release == 20 {
            // The payment switch broke checkout: redeploy v1.19.0 under a new tag, then revert.
            let (Some(previous), squashed) = (last_release, main) else {
                continue;
            };
            t += 3 * HOUR;
            s.annotated_tag("v1.20.1", previous, t, "Roll back to v1.19.0\n");
            s.cut();
            t += 2 * HOUR;
            let msg = "Revert \"Switch to the new payment provider\"\n\nThis reverts commit @@MARK:SWITCH@@.";
            let reverted = find_switch_commit(&s, squashed);
            let msg = msg.replace("SWITCH", &reverted.to_string());
            main = s.commit("main", &[main], TEAM[1], t, t, &msg, "src/payments/provider.rs");
        }
        last_release = Some(main);
    }
    // Work merged after the last release: changes that are not deployed yet.
    t += 20 * HOUR;
    main = s.commit(
        "main",
        &[main],
        TEAM[2],
        t - 5 * HOUR,
        t,
        "Rank search results by margin (#999)",
        "src/search/rank.rs",
    );
    s.commit(
        "main",
        &[main],
        TEAM[4],
        t + HOUR,
        t + 2 * HOUR,
        "Add margin column to catalog export",
        "src/catalog/export.rs",
    );
    s.cut();
    s.segments
}

/// The mark of the squashed "Switch to the new payment provider" commit.
fn find_switch_commit(s: &Stream, fallback: u32) -> u32 {
    let all: String = s.segments.concat();
    let mut mark = fallback;
    let mut last_mark = 0;
    for line in all.lines() {
        if let Some(m) = line.strip_prefix("mark :") {
            last_mark = m.parse().unwrap_or(last_mark);
        } else if line.starts_with("Switch to the new payment provider (#") {
            mark = last_mark;
        }
    }
    mark
}

fn git(dir: &Path) -> Command {
    let mut c = Command::new("git");
    c.current_dir(dir)
        .env("GIT_CONFIG_NOSYSTEM", "1")
        .env("GIT_CONFIG_GLOBAL", "/dev/null")
        .stdin(Stdio::null());
    c
}

fn run(cmd: &mut Command, what: &str) -> Result<String> {
    let out = cmd.output().map_err(|e| {
        Error::Input(format!(
            "{what}: cannot run git ({e}); the demo needs the git command"
        ))
    })?;
    if !out.status.success() {
        return Err(Error::Input(format!(
            "{what}: {}",
            String::from_utf8_lossy(&out.stderr).trim()
        )));
    }
    Ok(String::from_utf8_lossy(&out.stdout).into_owned())
}

/// Builds the demo repository at `dir/repo` (which must not exist yet) and returns its path.
pub fn build_repository(dir: &Path) -> Result<PathBuf> {
    // git runs inside the repository, so a relative directory would resolve against it.
    let dir = &std::fs::canonicalize(dir).map_err(|e| Error::output(dir, e))?;
    let repo = dir.join("repo");
    if repo.exists() {
        return Err(Error::Usage(format!(
            "{} already exists: give the demo an empty or new directory",
            repo.display()
        )));
    }
    std::fs::create_dir_all(&repo).map_err(|e| Error::output(&repo, e))?;
    run(git(&repo).args(["init", "-q", "-b", "main"]), "git init")?;
    let marks = dir.join(".demo-marks");
    let mut resolved: HashMap<String, String> = HashMap::new();
    for segment in history() {
        let mut text = segment;
        while let Some(start) = text.find("@@MARK:") {
            let rest = &text[start + 7..];
            let Some(len) = rest.find("@@") else { break };
            let mark = rest[..len].to_owned();
            let sha = resolved
                .get(&format!(":{mark}"))
                .cloned()
                .ok_or_else(|| Error::Internal(format!("demo: mark {mark} not exported")))?;
            text.replace_range(start..start + 7 + len + 2, &sha);
        }
        let mut child = git(&repo)
            .args(["fast-import", "--quiet"])
            .arg(format!("--export-marks={}", marks.display()))
            .arg(format!("--import-marks-if-exists={}", marks.display()))
            .stdin(Stdio::piped())
            .stdout(Stdio::null())
            .stderr(Stdio::piped())
            .spawn()
            .map_err(|e| Error::Input(format!("git fast-import: cannot run git ({e})")))?;
        // A write error means fast-import stopped early; its stderr below says why.
        let written = child
            .stdin
            .take()
            .map(|mut stdin| stdin.write_all(text.as_bytes()));
        let out = child
            .wait_with_output()
            .map_err(|e| Error::Internal(format!("demo: git fast-import: {e}")))?;
        if !out.status.success() || matches!(written, Some(Err(_))) {
            return Err(Error::Internal(format!(
                "demo: git fast-import failed: {}",
                String::from_utf8_lossy(&out.stderr).trim()
            )));
        }
        let text = std::fs::read_to_string(&marks).map_err(|e| Error::output(&marks, e))?;
        resolved = text
            .lines()
            .filter_map(|l| l.split_once(' '))
            .map(|(m, sha)| (m.to_owned(), sha.to_owned()))
            .collect();
    }
    let _ = std::fs::remove_file(&marks);
    run(git(&repo).args(["reset", "-q", "--hard", "main"]), "git reset")?;
    Ok(repo)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn history_is_deterministic_and_sized() {
        let a = history();
        assert_eq!(a, history());
        let commits = a
            .iter()
            .map(|s| s.matches("\ncommit refs/").count() + usize::from(s.starts_with("commit ")))
            .sum::<usize>();
        assert!((200..=600).contains(&commits), "{commits} commits");
        assert!(a.concat().contains("This reverts commit @@MARK:"));
    }
}
