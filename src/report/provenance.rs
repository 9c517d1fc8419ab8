//! `provenance.json`: everything needed to re-run a report and to tell whether two reports
//! measured the same thing: the tool version, every setting, the SHA-256 of every input file,
//! each repository's HEAD and the deployments (tags) used, and the methods chosen.

use std::path::Path;

use rayon::prelude::*;
use serde::Serialize;
use serde_json::{Value, json};
use sha2::{Digest, Sha256};

use crate::error::{Error, Result};
use crate::metrics::Summary;
use crate::model::{Deployment, RepoQuality};

/// One input file as read.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct InputFile {
    /// The path as the user gave it (or as found beside a merge-request export).
    pub path: String,
    /// The detected or forced format.
    pub format: Option<String>,
    /// Size in bytes.
    pub bytes: u64,
    /// SHA-256 of the content, lowercase hex.
    pub sha256: String,
    /// Records read, and records skipped as problems.
    pub records: u64,
    /// Records skipped (lenient mode).
    pub skipped: u64,
}

/// SHA-256 and size of a file, streamed (exports can be gigabytes).
pub fn hash_file(path: &Path) -> std::io::Result<(u64, String)> {
    // Read in 64 KiB blocks: io::copy alone reads a file 8 KiB at a time.
    let mut f = std::io::BufReader::with_capacity(1 << 16, std::fs::File::open(path)?);
    let mut hasher = Sha256::new();
    let bytes = std::io::copy(&mut f, &mut hasher)?;
    Ok((bytes, hex(&hasher.finalize())))
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

/// An export file as it was read, before it is hashed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ReadFile {
    /// The path as the user gave it.
    pub path: String,
    /// The detected or forced format's name.
    pub format: Option<&'static str>,
    /// Records read.
    pub records: u64,
    /// Records skipped as problems.
    pub skipped: u64,
}

/// Hashes every file the exports were read from, in the order they were read.
pub fn input_files(files: &[ReadFile]) -> Result<Vec<InputFile>> {
    files
        .par_iter()
        .map(|f| {
            let (bytes, sha256) = hash_file(Path::new(&f.path))
                .map_err(|e| Error::Input(format!("{}: cannot read it again to hash it: {e}", f.path)))?;
            Ok(InputFile {
                path: f.path.clone(),
                format: f.format.map(str::to_owned),
                bytes,
                sha256,
                records: f.records,
                skipped: f.skipped,
            })
        })
        .collect()
}

/// The repositories read: label, path, HEAD, and the deployments taken from their tags.
pub fn repositories(
    repos: &[(String, String)],
    quality: &[RepoQuality],
    deployments: &[Deployment],
    deploy_tags: &str,
    exclude_tags: &[String],
) -> Value {
    let list: Vec<Value> = repos
        .iter()
        .map(|(label, path)| {
            let q = quality.iter().find(|q| &q.repo == label);
            let tags: Vec<Value> = deployments
                .iter()
                .filter(|d| &d.repo == label && d.source == "tag")
                .map(|d| json!({"name": d.name, "sha": d.sha}))
                .collect();
            json!({
                "label": label,
                "path": path,
                "head": q.and_then(|q| q.head.clone()),
                "commits_read": q.map(|q| q.commits),
                "shallow": q.map(|q| q.shallow),
                "deploy_tags": deploy_tags,
                "exclude_tags": exclude_tags,
                "tags_used": tags,
            })
        })
        .collect();
    Value::Array(list)
}

/// The whole provenance document.
pub fn document(
    config: Option<Value>,
    settings: Value,
    inputs: &[InputFile],
    repositories: Value,
    summary: &Summary,
    generated_at: Option<&str>,
) -> Value {
    json!({
        "tool": {"name": "dorascope", "version": env!("CARGO_PKG_VERSION")},
        "generated_at": generated_at,
        "command": "report",
        "config_file": config,
        "settings": settings,
        "range": {
            "since": crate::time::rfc3339(summary.since),
            "until": crate::time::rfc3339(summary.until),
            "timezone": summary.timezone,
        },
        "methods": summary.settings,
        "benchmark": {
            "name": summary.benchmark.0,
            "title": summary.benchmark.1,
            "source": summary.benchmark.2,
        },
        "definitions": format!(
            "docs/metrics.md of dorascope {}: every metric, method and edge decision",
            env!("CARGO_PKG_VERSION")
        ),
        "inputs": inputs,
        "repositories": repositories,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sha256_of_known_content() {
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().join("x");
        std::fs::write(&p, b"abc").unwrap();
        // FIPS 180-2 example.
        assert_eq!(
            hash_file(&p).unwrap(),
            (
                3,
                "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad".to_owned()
            )
        );
        std::fs::write(&p, vec![b'a'; 200_000]).unwrap();
        let (n, h) = hash_file(&p).unwrap();
        assert_eq!(n, 200_000);
        assert_ne!(h, hash_file(Path::new("Cargo.toml")).unwrap().1);
    }
}
