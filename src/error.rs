//! Error types and the exit codes they map to (README.md, "Exit codes": 0 ok, 1 internal, 2 usage,
//! 3 input, 4 output). Every variant says what went wrong and where, so the one-line message
//! printed by `main` is enough to act on.

use std::path::PathBuf;

/// Exit code for success.
pub const EXIT_OK: u8 = 0;
/// Exit code for an unexpected internal error (a bug).
pub const EXIT_INTERNAL: u8 = 1;
/// Exit code for invalid command-line usage.
pub const EXIT_USAGE: u8 = 2;
/// Exit code for bad input: a bad repository, a bad file, nothing to measure.
pub const EXIT_INPUT: u8 = 3;
/// Exit code for a failure to write output.
pub const EXIT_OUTPUT: u8 = 4;

/// Errors raised while reading a git repository.
#[derive(Debug, thiserror::Error)]
pub enum GitError {
    /// The path does not exist or is not a git repository.
    #[error("{path}: not a git repository ({reason})")]
    NotARepository {
        /// The path given with `--repo`.
        path: PathBuf,
        /// Why opening failed.
        reason: String,
    },
    /// The repository has no commits reachable from HEAD or any tag.
    #[error("{path}: the repository has no commits")]
    NoCommits {
        /// The repository path.
        path: PathBuf,
    },
    /// No tag matches the deployment glob.
    #[error(
        "{path}: no tag matches --deploy-tags '{glob}'{excluded} ({total} tags in the repository{examples})"
    )]
    NoMatchingTags {
        /// The repository path.
        path: PathBuf,
        /// The glob that matched nothing.
        glob: String,
        /// A note on excluded tags, if any were dropped by `--exclude-tags`.
        excluded: String,
        /// How many tags the repository has.
        total: usize,
        /// A few tag names to hint at the right glob.
        examples: String,
    },
    /// An object exists but cannot be read or decoded.
    #[error("{path}: object {id} is corrupt or unreadable: {reason}")]
    CorruptObject {
        /// The repository path.
        path: PathBuf,
        /// The object id.
        id: String,
        /// The underlying error.
        reason: String,
    },
    /// Any other failure reading the repository.
    #[error("{path}: {what}: {reason}")]
    Read {
        /// The repository path.
        path: PathBuf,
        /// What was being read.
        what: &'static str,
        /// The underlying error.
        reason: String,
    },
}

/// The top-level error of a dorascope run.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// Invalid combination or value of command-line options.
    #[error("{0}")]
    Usage(String),
    /// A repository could not be read.
    #[error(transparent)]
    Git(#[from] GitError),
    /// An input that is not a repository is unusable.
    #[error("{0}")]
    Input(String),
    /// An output could not be written.
    #[error("cannot write {path}: {reason}")]
    Output {
        /// The file or directory being written (`-` for stdout).
        path: PathBuf,
        /// The underlying error.
        reason: String,
    },
    /// A bug: something that should not happen.
    #[error("internal error: {0}")]
    Internal(String),
}

impl Error {
    /// The documented process exit code for this error.
    pub fn exit_code(&self) -> u8 {
        match self {
            Error::Usage(_) => EXIT_USAGE,
            Error::Git(_) | Error::Input(_) => EXIT_INPUT,
            Error::Output { .. } => EXIT_OUTPUT,
            Error::Internal(_) => EXIT_INTERNAL,
        }
    }

    /// Builds an output error from an I/O error.
    pub fn output(path: impl Into<PathBuf>, err: impl std::fmt::Display) -> Self {
        Error::Output {
            path: path.into(),
            reason: err.to_string(),
        }
    }
}

/// The result type used across the crate.
pub type Result<T, E = Error> = std::result::Result<T, E>;
