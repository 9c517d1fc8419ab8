//! What a path means: the services it belongs to (`--service`), the teams that own it
//! (CODEOWNERS) and whether changing it alone is not meaningful (`--ignore-paths`).
//!
//! A leaf of pure functions on path bytes: paths are `/`-separated and relative to the
//! repository root, as git stores them. Every glob here is a path glob: it is matched against
//! the whole path, `*` and `?` stay within one segment, `**/` is zero or more directories and
//! `/**` everything below (a directory is written `dir/**`).

pub mod codeowners;
pub mod service;

#[cfg(test)]
mod tests;

use std::cell::RefCell;
use std::sync::Arc;

use globset::{Candidate, Glob, GlobSet, GlobSetBuilder};

pub use codeowners::{CodeOwners, Owners};
pub use service::Service;

/// Compiles a path glob (`--service`, `--ignore-paths`); the error is `'GLOB': why`.
///
/// Globs always start at the repository root, so a leading `/` is allowed and changes nothing.
/// A glob ending in `/` is refused: git paths name files, never directories, so it could match
/// nothing; the error suggests `dir/**`.
pub fn compile_path_glob(g: &str) -> Result<Glob, String> {
    let body = g.strip_prefix('/').unwrap_or(g);
    if body.is_empty() {
        return Err(format!("'{g}': an empty glob matches no path"));
    }
    if let Some(dir) = body.strip_suffix('/') {
        return Err(format!(
            "'{g}': matches no file (paths name files, not directories); write '{dir}/**' for everything below"
        ));
    }
    path_glob(body).map_err(|why| format!("'{g}': {why}"))
}

/// The one path-glob compiler of this module (CODEOWNERS patterns are translated to it).
fn path_glob(g: &str) -> Result<Glob, String> {
    globset::GlobBuilder::new(g)
        .literal_separator(true)
        .backslash_escape(true)
        .build()
        .map_err(|e| e.kind().to_string())
}

thread_local! {
    /// Glob indices of one match, reused: `classify` runs once per commit.
    static SCRATCH: RefCell<Vec<usize>> = const { RefCell::new(Vec::new()) };
}

/// Runs `f` with this thread's scratch buffer for `GlobSet::matches_candidate_into`.
fn with_scratch<R>(f: impl FnOnce(&mut Vec<usize>) -> R) -> R {
    SCRATCH.with_borrow_mut(f)
}

/// Everything path-aware that was asked for, compiled once.
#[derive(Debug, Clone)]
pub struct PathRules {
    /// Service names, in the order given; `PathClass::services` indexes them.
    names: Vec<Arc<str>>,
    /// Every service's globs in one set.
    services: GlobSet,
    /// The service of each glob of `services`.
    service_of_glob: Vec<u16>,
    /// `--ignore-paths`; empty when none is given.
    ignore: GlobSet,
    owners: Option<CodeOwners>,
}

/// What one change is, from the paths it touches.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PathClass {
    /// Indices into [`PathRules::service_names`], sorted and unique.
    pub services: Vec<u16>,
    /// Indices into [`PathRules::team_names`], sorted and unique.
    pub teams: Vec<u16>,
    /// False when the change touches at least one path and every one is ignored.
    pub meaningful: bool,
    /// How many of the paths are owned by individuals only: the winning CODEOWNERS rules name
    /// owners, none of them a team.
    pub individual_only: u32,
}

impl Default for PathClass {
    /// No services, no teams, meaningful.
    fn default() -> Self {
        PathClass {
            services: Vec::new(),
            teams: Vec::new(),
            meaningful: true,
            individual_only: 0,
        }
    }
}

impl PathRules {
    /// Compiles the services, the ignore globs and the CODEOWNERS file. Errors name the
    /// service given twice, the ignore glob that does not compile, or too many names.
    pub fn new(
        services: Vec<Service>,
        ignore: Vec<String>,
        owners: Option<CodeOwners>,
    ) -> Result<Self, String> {
        let too_many = |what: &str, n: usize| format!("{n} {what}: at most {} are supported", u16::MAX);
        if services.len() > usize::from(u16::MAX) {
            return Err(too_many("services", services.len()));
        }
        let teams = owners.as_ref().map_or(0, |o| o.team_names().len());
        if teams > usize::from(u16::MAX) {
            return Err(too_many("CODEOWNERS teams", teams));
        }
        let mut names: Vec<Arc<str>> = Vec::with_capacity(services.len());
        let mut set = GlobSetBuilder::new();
        let mut service_of_glob = Vec::new();
        for (i, s) in services.into_iter().enumerate() {
            if names.contains(&s.name) {
                return Err(format!("service '{}' is given twice", s.name));
            }
            for g in s.compiled() {
                set.add(g.clone());
                service_of_glob.push(i as u16);
            }
            names.push(s.name);
        }
        let services = set.build().map_err(|e| format!("services: {e}"))?;
        let mut set = GlobSetBuilder::new();
        for g in &ignore {
            set.add(compile_path_glob(g).map_err(|e| format!("--ignore-paths {e}"))?);
        }
        let ignore = set.build().map_err(|e| format!("--ignore-paths: {e}"))?;
        Ok(PathRules {
            names,
            services,
            service_of_glob,
            ignore,
            owners,
        })
    }

    /// Nothing path-aware was asked for: callers can skip reading the paths of changes.
    pub fn is_empty(&self) -> bool {
        self.names.is_empty() && self.ignore.is_empty() && self.owners.is_none()
    }

    /// The services, in the order given.
    pub fn service_names(&self) -> &[Arc<str>] {
        &self.names
    }

    /// Every team the CODEOWNERS file names, sorted; empty without a file.
    pub fn team_names(&self) -> &[Arc<str>] {
        self.owners.as_ref().map_or(&[], |o| o.team_names())
    }

    /// The CODEOWNERS file, if one was given.
    pub fn owners(&self) -> Option<&CodeOwners> {
        self.owners.as_ref()
    }

    /// The classification of one change from its paths (raw bytes, `/`-separated, relative to
    /// the repository root; bytes that are not UTF-8 match only glob wildcards).
    ///
    /// A change belongs to every service one of its paths is in, and to every team owning one
    /// of its paths, ignored or not. It is not meaningful when it touches at least one path and
    /// every path matches an ignore glob; a change touching none (a merge) is meaningful.
    pub fn classify(&self, paths: &[&[u8]]) -> PathClass {
        let mut class = PathClass::default();
        if paths.is_empty() {
            return class;
        }
        let mut all_ignored = !self.ignore.is_empty();
        with_scratch(|scratch| {
            for path in paths {
                let candidate = Candidate::from_bytes(path);
                if !self.services.is_empty() {
                    self.services.matches_candidate_into(&candidate, scratch);
                    class
                        .services
                        .extend(scratch.iter().map(|&g| self.service_of_glob[g]));
                }
                if all_ignored && !self.ignore.is_match_candidate(&candidate) {
                    all_ignored = false;
                }
                if let Some(owners) = &self.owners {
                    let mut named = false;
                    let mut team = false;
                    owners.winners(&candidate, scratch, |entry| {
                        named |= entry.has_owners();
                        team |= !entry.teams.is_empty();
                        class.teams.extend(entry.teams.iter().map(|&t| t as u16));
                    });
                    if named && !team {
                        class.individual_only += 1;
                    }
                }
            }
        });
        class.meaningful = !all_ignored;
        for v in [&mut class.services, &mut class.teams] {
            v.sort_unstable();
            v.dedup();
        }
        class
    }
}
