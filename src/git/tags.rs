//! Release tags as deployments: which tags match, what commit they ship and when.
//!
//! Annotated tags take the tagger time (the moment of release); lightweight tags carry no
//! time of their own, so they take the tagged commit's committer time. Nested tags are
//! peeled to the commit; tags that end at a tree, a blob or a missing object are skipped
//! and reported.

use std::path::Path;

use crate::glob::GlobMatcher;
use gix::ObjectId;

use crate::error::GitError;
use crate::model::DeploymentKind;

/// Which tags are deployments (`--deploy-tags`, `--exclude-tags`).
#[derive(Debug, Clone)]
pub struct TagFilter {
    /// The glob as the user wrote it, for messages.
    pub include_glob: String,
    /// Tags must match this.
    pub include: GlobMatcher,
    /// Tags matching any of these are dropped.
    pub exclude: Vec<GlobMatcher>,
}

impl TagFilter {
    /// Compiles the globs; the error names the offending glob.
    pub fn new(include: &str, exclude: &[String]) -> Result<Self, String> {
        let compile = |g: &str| crate::glob::compile(g).map_err(|e| format!("invalid tag glob {e}"));
        Ok(TagFilter {
            include_glob: include.to_owned(),
            include: compile(include)?,
            exclude: exclude.iter().map(|g| compile(g)).collect::<Result<_, _>>()?,
        })
    }

    fn excludes(&self, name: &str) -> bool {
        self.exclude.iter().any(|g| g.is_match(name))
    }
}

/// A tag that ships a commit.
#[derive(Debug, Clone)]
pub struct TagRecord {
    /// Short tag name (`v1.2.0`).
    pub name: String,
    /// The commit the tag peels to.
    pub commit: ObjectId,
    /// Annotated or lightweight (of the outermost tag object).
    pub kind: DeploymentKind,
    /// The tagger time of an annotated tag, if it has a tagger.
    pub tagger_time: Option<i64>,
}

/// Tags in the repository, split into those that are deployments and those skipped.
#[derive(Debug, Default)]
pub struct Tags {
    /// Matching tags that peel to a commit.
    pub deployments: Vec<TagRecord>,
    /// Matching tags that were skipped, each with the reason.
    pub skipped: Vec<String>,
    /// Number of tags in the repository.
    pub total: usize,
    /// Number of tags that matched the include glob but also an exclude glob.
    pub excluded: usize,
    /// A few tag names that did not match, as a hint when nothing matched.
    pub other_examples: Vec<String>,
}

/// Peels a tag target to a commit, returning the commit and the outermost tag's tagger time.
fn peel(
    repo: &gix::Repository,
    mut target: ObjectId,
    buf: &mut Vec<u8>,
) -> Result<(ObjectId, DeploymentKind, Option<i64>), String> {
    use gix::objs::Find;
    let mut kind = DeploymentKind::Lightweight;
    let mut tagger_time = None;
    for depth in 0..32 {
        let data = match repo.objects.try_find(&target, buf) {
            Ok(Some(data)) => data,
            Ok(None) => return Err(format!("points at {target}, which is not in the repository")),
            Err(e) => return Err(format!("cannot read {target}: {e}")),
        };
        match data.kind {
            gix::objs::Kind::Commit => return Ok((target, kind, tagger_time)),
            gix::objs::Kind::Tag => {
                let tag = gix::objs::TagRef::from_bytes(data.data, data.object_hash)
                    .map_err(|e| format!("tag object {target} is corrupt: {e}"))?;
                if depth == 0 {
                    kind = DeploymentKind::Annotated;
                    tagger_time = tag.tagger().ok().flatten().map(|s| s.seconds());
                }
                target = gix::ObjectId::from_hex(tag.target)
                    .map_err(|e| format!("tag object {target} has a bad target: {e}"))?;
            }
            other => return Err(format!("points at a {other}, not a commit")),
        }
    }
    Err("tag chain is too deep".into())
}

/// Lists the tags that are deployments.
pub fn deployment_tags(repo: &gix::Repository, filter: &TagFilter, path: &Path) -> Result<Tags, GitError> {
    let read_err = |e: gix::Error| GitError::Read {
        path: path.to_owned(),
        what: "listing tags",
        reason: e.to_string(),
    };
    let refs = repo.references().map_err(read_err)?;
    let mut tags = Tags::default();
    let mut buf = Vec::new();
    for r in refs.tags().map_err(read_err)? {
        let r = r.map_err(read_err)?;
        tags.total += 1;
        let name = r.name().shorten().to_string();
        if !filter.include.is_match(&name) {
            if tags.other_examples.len() < 5 {
                tags.other_examples.push(name);
            }
            continue;
        }
        if filter.excludes(&name) {
            tags.excluded += 1;
            continue;
        }
        let target = match &r.inner.target {
            gix::refs::Target::Object(id) => *id,
            gix::refs::Target::Symbolic(to) => {
                tags.skipped
                    .push(format!("tag {name}: symbolic reference to {}", to.as_bstr()));
                continue;
            }
        };
        match peel(repo, target, &mut buf) {
            Ok((commit, kind, tagger_time)) => tags.deployments.push(TagRecord {
                name,
                commit,
                kind,
                tagger_time,
            }),
            Err(reason) => tags.skipped.push(format!("tag {name}: {reason}")),
        }
    }
    Ok(tags)
}
