//! The CODEOWNERS file teams come from (`--codeowners`): read from disk or from a
//! repository's HEAD, and how much of HEAD it gives to teams.

use std::path::Path;

use super::Codeowners;
use crate::error::GitError;
use crate::model::Ownership;
use crate::paths::CodeOwners;

/// Where GitHub and GitLab look for the file, in the order GitHub searches.
const LOCATIONS: &[&str] = &[
    ".github/CODEOWNERS",
    "CODEOWNERS",
    "docs/CODEOWNERS",
    ".gitlab/CODEOWNERS",
];

/// The parsed file and where it came from; `None` when the repository has none.
pub(super) fn read(
    repo: &gix::Repository,
    source: &Codeowners,
    path: &Path,
) -> Result<Option<(CodeOwners, Ownership)>, GitError> {
    let found = match source {
        Codeowners::File(file) if file.is_file() => {
            let text = std::fs::read(file).map_err(|e| GitError::Read {
                path: path.to_owned(),
                what: "reading --codeowners",
                reason: format!("{}: {e}", file.display()),
            })?;
            Some((file.display().to_string(), text))
        }
        Codeowners::File(file) => {
            let inside = file.to_string_lossy().replace('\\', "/");
            match at_head(repo, &inside, path)? {
                Some(text) => Some((format!("HEAD:{inside}"), text)),
                None => {
                    return Err(GitError::Read {
                        path: path.to_owned(),
                        what: "reading --codeowners",
                        reason: format!(
                            "{}: no such file on disk, nor at HEAD in the repository",
                            file.display()
                        ),
                    });
                }
            }
        }
        Codeowners::InRepository => {
            let mut found = None;
            for loc in LOCATIONS {
                if let Some(text) = at_head(repo, loc, path)? {
                    found = Some((format!("HEAD:{loc}"), text));
                    break;
                }
            }
            found
        }
    };
    let Some((file, text)) = found else {
        return Ok(None);
    };
    let (owners, warnings) = CodeOwners::parse(&String::from_utf8_lossy(&text));
    let mut ownership = Ownership {
        file: file.clone(),
        warnings: warnings.into_iter().map(|w| format!("{file}: {w}")).collect(),
        ..Default::default()
    };
    count_files(repo, &owners, &mut ownership, path)?;
    Ok(Some((owners, ownership)))
}

/// The blob at `inside` in HEAD's tree, if there is one.
fn at_head(repo: &gix::Repository, inside: &str, path: &Path) -> Result<Option<Vec<u8>>, GitError> {
    let Ok(commit) = repo.head_commit() else {
        return Ok(None);
    };
    let err = |e: String| GitError::Read {
        path: path.to_owned(),
        what: "reading CODEOWNERS at HEAD",
        reason: e,
    };
    let tree = commit.tree().map_err(|e| err(e.to_string()))?;
    let Some(entry) = tree
        .lookup_entry_by_path(inside)
        .map_err(|e| err(e.to_string()))?
    else {
        return Ok(None);
    };
    if !entry.mode().is_blob() {
        return Ok(None);
    }
    let object = entry.object().map_err(|e| err(e.to_string()))?;
    Ok(Some(object.data.clone()))
}

/// Counts the files at HEAD by who owns them.
fn count_files(
    repo: &gix::Repository,
    owners: &CodeOwners,
    out: &mut Ownership,
    path: &Path,
) -> Result<(), GitError> {
    let Ok(commit) = repo.head_commit() else {
        return Ok(());
    };
    let err = |e: String| GitError::Read {
        path: path.to_owned(),
        what: "listing the files at HEAD",
        reason: e,
    };
    let tree = commit.tree().map_err(|e| err(e.to_string()))?;
    let entries = tree
        .traverse()
        .breadthfirst
        .files()
        .map_err(|e| err(e.to_string()))?;
    for e in entries.iter().filter(|e| !e.mode.is_tree()) {
        let o = owners.owners_of(e.filepath.as_ref());
        out.files += 1;
        if !o.teams.is_empty() {
            out.team_owned += 1;
        } else if o.individuals > 0 {
            out.individual_only += 1;
        } else {
            out.unowned += 1;
        }
    }
    Ok(())
}
