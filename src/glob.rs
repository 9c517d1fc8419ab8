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
