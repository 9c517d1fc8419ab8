//! Name globs, a leaf every module may use: tag and deployment names (`--deploy-tags`,
//! `--exclude-tags`, `--fix-tags`) are matched with one compiler, so that a glob means the
//! same wherever a user types it.

pub use globset::GlobMatcher;

/// Compiles a tag-name glob (`*` crosses `/`, as tag names like `release/1.2` expect); the
/// error is `'GLOB': why`.
pub fn compile(g: &str) -> Result<GlobMatcher, String> {
    globset::GlobBuilder::new(g)
        .literal_separator(false)
        .build()
        .map(|g| g.compile_matcher())
        .map_err(|e| format!("'{g}': {}", e.kind()))
}

/// The literal text a glob's matches all start with: everything before its first `*`, `?`,
/// `[`, `{` or `\` (`v*` → `v`, `api/v*` → `api/v`, `{v,r}*` → empty). Release lines read a
/// tag's version right after it (`model::line::release_line`).
pub fn literal_prefix(g: &str) -> &str {
    let end = g.find(['*', '?', '[', '{', '\\']).unwrap_or(g.len());
    &g[..end]
}

#[cfg(test)]
mod tests {
    use super::literal_prefix;

    #[test]
    fn literal_prefixes() {
        assert_eq!(literal_prefix("v*"), "v");
        assert_eq!(literal_prefix("api/v*"), "api/v");
        assert_eq!(literal_prefix("release-[0-9]*"), "release-");
        assert_eq!(literal_prefix("{v,release-}*"), "");
        assert_eq!(literal_prefix("*"), "");
        assert_eq!(literal_prefix("v1.2.3"), "v1.2.3");
    }
}
