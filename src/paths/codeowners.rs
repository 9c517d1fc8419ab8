//! CODEOWNERS, as GitHub and GitLab read it: who owns a path, and which of its owners are teams.
//!
//! Patterns follow gitignore: a leading `/`, or a `/` anywhere but at the end, anchors the
//! pattern at the root, otherwise it matches at any depth; a trailing `/` matches everything
//! below a directory; without one, a pattern matches a file of that name or everything below a
//! directory of that name, except that a last segment `*` matches direct children only
//! (GitHub's `docs/*`). The last matching line wins; a line without owners leaves the path
//! unowned. GitLab sections (`[Name]`, `^[Optional]`, `[Name][2]`, `[Name] @default-owners`)
//! each pick their own last matching line, and a path's owners are those of every section's
//! line; the lines before the first section are a section of their own. `!pattern` (GitLab's
//! exclusion) is a line without owners.
//!
//! Owners: `@org/team` (and GitLab's `@group/subgroup`) is a team; `@user`, `@@role` and
//! `user@example.com` are individuals, which never become teams.

use std::collections::HashMap;
use std::sync::Arc;

use globset::{Candidate, GlobSet, GlobSetBuilder};

use super::{path_glob, with_scratch};

/// A parsed CODEOWNERS file.
#[derive(Debug, Clone, Default)]
pub struct CodeOwners {
    /// Every team named, sorted; entries index it.
    teams: Vec<Arc<str>>,
    sections: Vec<Section>,
}

/// Who owns one path: the owners of every section's winning line.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Owners {
    /// The teams, sorted.
    pub teams: Vec<Arc<str>>,
    /// How many individuals (users, roles, email addresses), counted once each.
    pub individuals: usize,
}

/// One section's lines, matched together.
#[derive(Debug, Clone)]
struct Section {
    /// Every glob of every entry, in the order of the lines.
    set: GlobSet,
    /// The entry of each glob: the highest matching glob is the last matching line.
    entry_of_glob: Vec<u32>,
    entries: Vec<Entry>,
}

/// The owners one line gives.
#[derive(Debug, Clone)]
pub(super) struct Entry {
    /// Indices into `CodeOwners::teams`.
    pub(super) teams: Box<[u32]>,
    /// Ids of the individuals (deduplicated, case-insensitively, across the file).
    individuals: Box<[u32]>,
    /// The line number, from 1.
    line: u32,
}

impl Entry {
    /// Whether the line names owners at all.
    pub(super) fn has_owners(&self) -> bool {
        !self.teams.is_empty() || !self.individuals.is_empty()
    }
}

impl CodeOwners {
    /// Parses a CODEOWNERS file. Lines that cannot be understood are skipped, as GitHub does,
    /// and each gives a warning `line N: what`.
    pub fn parse(text: &str) -> (CodeOwners, Vec<String>) {
        let mut p = Parser::default();
        p.sections.push(SectionBuilder::default());
        let text = text.strip_prefix('\u{feff}').unwrap_or(text);
        for (i, line) in text.lines().enumerate() {
            let line = line.trim();
            if line.is_empty() || line.starts_with('#') {
                continue;
            }
            let n = u32::try_from(i + 1).unwrap_or(u32::MAX);
            if line.starts_with('[') || line.starts_with("^[") {
                p.header(n, line);
            } else {
                p.entry(n, line);
            }
        }
        p.finish()
    }

    /// Every team the file names, sorted (the first spelling of names equal but for case).
    pub fn team_names(&self) -> &[Arc<str>] {
        &self.teams
    }

    /// Whether the file has no rule at all.
    pub fn is_empty(&self) -> bool {
        self.sections.is_empty()
    }

    /// Who owns `path` (`/`-separated, relative to the repository root).
    pub fn owners_of(&self, path: &[u8]) -> Owners {
        let candidate = Candidate::from_bytes(path);
        let (mut teams, mut individuals) = (Vec::new(), Vec::new());
        with_scratch(|scratch| {
            self.winners(&candidate, scratch, |e| {
                teams.extend_from_slice(&e.teams);
                individuals.extend_from_slice(&e.individuals);
            });
        });
        for v in [&mut teams, &mut individuals] {
            v.sort_unstable();
            v.dedup();
        }
        Owners {
            teams: teams.iter().map(|&t| self.teams[t as usize].clone()).collect(),
            individuals: individuals.len(),
        }
    }

    /// The line numbers (from 1) of the lines that decide `path`'s owners, one per section
    /// with a matching line: what a user reads to see why a path has its owners.
    pub fn lines_of(&self, path: &[u8]) -> Vec<usize> {
        let candidate = Candidate::from_bytes(path);
        let mut lines = Vec::new();
        with_scratch(|scratch| self.winners(&candidate, scratch, |e| lines.push(e.line as usize)));
        lines
    }

    /// Calls `f` with each section's last matching entry.
    pub(super) fn winners(
        &self,
        candidate: &Candidate<'_>,
        scratch: &mut Vec<usize>,
        mut f: impl FnMut(&Entry),
    ) {
        for s in &self.sections {
            s.set.matches_candidate_into(candidate, scratch);
            if let Some(&g) = scratch.last() {
                f(&s.entries[s.entry_of_glob[g] as usize]);
            }
        }
    }
}

/// What owners look like, for warnings.
const OWNERS: &str = "expected @user, @org/team or an email address";

/// An owner token.
enum Owner<'a> {
    Team(&'a str),
    Individual(&'a str),
}

/// `@org/team` is a team; `@user`, `@@role` and `user@host` are individuals.
fn owner(token: &str) -> Option<Owner<'_>> {
    if let Some(name) = token.strip_prefix('@') {
        return match name.split_once('/') {
            Some((org, team)) if !org.is_empty() && !team.is_empty() && !org.starts_with('@') => {
                Some(Owner::Team(token))
            }
            None if !name.is_empty() => Some(Owner::Individual(token)),
            _ => None,
        };
    }
    match token.split_once('@') {
        Some((user, host)) if !user.is_empty() && !host.is_empty() && !host.contains('@') => {
            Some(Owner::Individual(token))
        }
        _ => None,
    }
}

/// The path globs a CODEOWNERS pattern means (see the module documentation).
fn globs_of(pattern: &str) -> Result<Vec<String>, String> {
    let dir_only = pattern.ends_with('/');
    let body = pattern.trim_end_matches('/');
    let rooted = body.starts_with('/');
    let body = body.trim_start_matches('/');
    if body.is_empty() {
        return Err("matches no path".into());
    }
    let anchored = rooted || body.contains('/');
    if !anchored && !dir_only && (body == "*" || body == "**") {
        return Ok(vec!["**".into()]);
    }
    let base = if anchored {
        body.to_owned()
    } else {
        format!("**/{body}")
    };
    let last = base.rsplit('/').next().unwrap_or_default();
    Ok(if dir_only {
        vec![format!("{base}/**")]
    } else if last == "*" || last == "**" {
        vec![base]
    } else {
        let below = format!("{base}/**");
        vec![base, below]
    })
}

/// Splits a line into its pattern (up to the first blank not escaped by `\`) and the rest.
fn split_pattern(line: &str) -> (&str, &str) {
    let bytes = line.as_bytes();
    let mut i = 0;
    while i < bytes.len() {
        match bytes[i] {
            b'\\' => i += 2,
            b if b.is_ascii_whitespace() => return (&line[..i], &line[i..]),
            _ => i += 1,
        }
    }
    (line, "")
}

/// The owner tokens of the rest of a line, up to an inline `#` comment.
fn owner_tokens(rest: &str) -> impl Iterator<Item = &str> {
    rest.split_whitespace().take_while(|t| !t.starts_with('#'))
}

struct SectionBuilder {
    set: GlobSetBuilder,
    entry_of_glob: Vec<u32>,
    entries: Vec<Entry>,
}

impl Default for SectionBuilder {
    fn default() -> Self {
        SectionBuilder {
            set: GlobSetBuilder::new(),
            entry_of_glob: Vec::new(),
            entries: Vec::new(),
        }
    }
}

/// Owners as ids, while parsing.
#[derive(Default, Clone)]
struct Named {
    teams: Vec<u32>,
    individuals: Vec<u32>,
}

#[derive(Default)]
struct Parser {
    /// Teams in the order first seen, and their ids by lower-case name.
    teams: Vec<Arc<str>>,
    team_ids: HashMap<String, u32>,
    individual_ids: HashMap<String, u32>,
    sections: Vec<SectionBuilder>,
    /// Section index by lower-case name (GitLab merges sections of the same name).
    section_ids: HashMap<String, usize>,
    current: usize,
    /// The current section's default owners.
    defaults: Named,
    warnings: Vec<String>,
}

impl Parser {
    /// Interns owner tokens (checked by the caller: others are passed over).
    fn owners(&mut self, tokens: &[&str]) -> Named {
        let mut named = Named::default();
        for t in tokens {
            match owner(t) {
                Some(Owner::Team(name)) => {
                    let next = self.teams.len() as u32;
                    let id = *self.team_ids.entry(name.to_lowercase()).or_insert(next);
                    if id == next {
                        self.teams.push(Arc::from(name));
                    }
                    named.teams.push(id);
                }
                Some(Owner::Individual(name)) => {
                    let next = self.individual_ids.len() as u32;
                    named
                        .individuals
                        .push(*self.individual_ids.entry(name.to_lowercase()).or_insert(next));
                }
                None => {}
            }
        }
        named
    }

    fn warn(&mut self, n: u32, what: String) {
        self.warnings.push(format!("line {n}: {what}"));
    }

    /// `[Name]`, `^[Name]`, `[Name][2]`, each optionally followed by default owners.
    fn header(&mut self, n: u32, line: &str) {
        let rest = line.strip_prefix('^').unwrap_or(line);
        let Some((name, after)) = rest[1..].split_once(']') else {
            return self.warn(
                n,
                format!("'{line}' is an unterminated section header (expected [Section name])"),
            );
        };
        let name = name.trim();
        if name.is_empty() {
            return self.warn(n, format!("'{line}': a section needs a name"));
        }
        let mut after = after;
        if let Some(count) = after.strip_prefix('[') {
            let (digits, rest) = count.split_once(']').unwrap_or((count, ""));
            if digits.is_empty() || !digits.bytes().all(|b| b.is_ascii_digit()) {
                self.warn(
                    n,
                    format!("'{line}': expected a number of approvals like [2]; ignored"),
                );
            }
            after = rest;
        }
        let mut tokens = Vec::new();
        for t in owner_tokens(after) {
            match owner(t) {
                Some(_) => tokens.push(t),
                None => self.warn(n, format!("'{t}' is not an owner ({OWNERS}); ignored")),
            }
        }
        let defaults = self.owners(&tokens);
        let next = self.sections.len();
        self.current = *self.section_ids.entry(name.to_lowercase()).or_insert(next);
        if self.current == next {
            self.sections.push(SectionBuilder::default());
        }
        self.defaults = defaults;
    }

    /// `PATTERN [OWNER...]` or `!PATTERN`.
    fn entry(&mut self, n: u32, line: &str) {
        let (pattern, rest) = split_pattern(line);
        let (excluded, pattern) = match pattern.strip_prefix('!') {
            Some(p) => (true, p),
            None => (false, pattern),
        };
        let globs = match globs_of(pattern)
            .and_then(|gs| gs.iter().map(|g| path_glob(g)).collect::<Result<Vec<_>, _>>())
        {
            Ok(globs) => globs,
            Err(why) => return self.warn(n, format!("'{pattern}': {why}; line skipped")),
        };
        let tokens: Vec<&str> = owner_tokens(rest).collect();
        if let Some(bad) = tokens.iter().find(|t| owner(t).is_none()) {
            return self.warn(n, format!("'{bad}' is not an owner ({OWNERS}); line skipped"));
        }
        let named = if excluded {
            Named::default()
        } else if tokens.is_empty() {
            self.defaults.clone()
        } else {
            self.owners(&tokens)
        };
        let (mut teams, mut individuals) = (named.teams, named.individuals);
        for v in [&mut teams, &mut individuals] {
            v.sort_unstable();
            v.dedup();
        }
        let section = &mut self.sections[self.current];
        let entry = section.entries.len() as u32;
        for g in globs {
            section.set.add(g);
            section.entry_of_glob.push(entry);
        }
        section.entries.push(Entry {
            teams: teams.into(),
            individuals: individuals.into(),
            line: n,
        });
    }

    fn finish(mut self) -> (CodeOwners, Vec<String>) {
        // Sorted team names, and each entry's ids renumbered into them.
        let mut order: Vec<u32> = (0..self.teams.len() as u32).collect();
        order.sort_by(|&a, &b| self.teams[a as usize].cmp(&self.teams[b as usize]));
        let mut rank = vec![0; order.len()];
        for (sorted, &id) in order.iter().enumerate() {
            rank[id as usize] = sorted as u32;
        }
        let teams = order.iter().map(|&id| self.teams[id as usize].clone()).collect();
        let mut sections = Vec::with_capacity(self.sections.len());
        for s in self.sections.into_iter().filter(|s| !s.entries.is_empty()) {
            let mut entries = s.entries;
            for e in &mut entries {
                for t in e.teams.iter_mut() {
                    *t = rank[*t as usize];
                }
                e.teams.sort_unstable();
            }
            match s.set.build() {
                Ok(set) => sections.push(Section {
                    set,
                    entry_of_glob: s.entry_of_glob,
                    entries,
                }),
                Err(e) => self
                    .warnings
                    .push(format!("a section could not be compiled: {e}")),
            }
        }
        (CodeOwners { teams, sections }, self.warnings)
    }
}
