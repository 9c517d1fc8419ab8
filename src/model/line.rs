//! Release lines (docs/definitions.md, "Release lines"): the maintained line a deployment
//! belongs to, so that re-deploying an already shipped commit is a rollback only on a line
//! that shipped it, and a maintenance release of an older line otherwise.

use std::cmp::Ordering;

/// The line of a tag without a version (and of every tag at `--release-line-depth 0`).
pub const UNVERSIONED: &str = "unversioned";

/// The default `--release-line-depth`: major.minor.
pub const DEFAULT_DEPTH: u8 = 2;

/// The release line of the tag `name`: its numeric version components right after `prefix`
/// (the deploy-tags glob's literal prefix, see [`crate::glob::literal_prefix`]; one `v` or
/// `V` may come first), the first `depth` of them as written, padded with `0` when the tag
/// has fewer, joined with `.`. Components are digit runs separated by single dots; anything
/// else ends the version (`v2.47.0-rc1` is 2.47.0). [`UNVERSIONED`] when there is no digit
/// right after the prefix, or `depth` is 0.
///
/// `release_line("v2.40.4", "v", 2)` is `2.40`; `release_line("api/v3", "api/v", 2)` is `3.0`.
pub fn release_line(name: &str, prefix: &str, depth: u8) -> String {
    let rest = name.strip_prefix(prefix).unwrap_or(name);
    let starts_with_digit = |s: &str| s.as_bytes().first().is_some_and(u8::is_ascii_digit);
    let rest = match rest.strip_prefix(['v', 'V']) {
        Some(r) if starts_with_digit(r) => r,
        _ => rest,
    };
    let mut parts: Vec<&str> = Vec::with_capacity(usize::from(depth));
    let mut text = rest;
    while parts.len() < usize::from(depth) && starts_with_digit(text) {
        let end = text
            .bytes()
            .position(|b| !b.is_ascii_digit())
            .unwrap_or(text.len());
        parts.push(&text[..end]);
        text = &text[end..];
        match text.strip_prefix('.') {
            Some(next) if starts_with_digit(next) => text = next,
            _ => break,
        }
    }
    if parts.is_empty() {
        return UNVERSIONED.to_owned();
    }
    parts.resize(usize::from(depth), "0");
    parts.join(".")
}

/// The line of a deployment from an export: its service and environment
/// (`service/environment`, or the environment alone when the export names no service). The
/// environment is lower-cased, as environments are compared without case (`Production` and
/// `production` are one environment, so one line).
pub fn export_line(service: Option<&str>, environment: &str) -> String {
    let environment = environment.to_lowercase();
    match service {
        Some(s) => format!("{s}/{environment}"),
        None => environment,
    }
}

/// Lines in version order: dot-separated components compared numerically when both are
/// numbers (leading zeros ignored), numbers before text, text by bytes; a line that is a
/// prefix of another comes first. `1.9` < `1.10` < `2.0` < `api/production` < `unversioned`.
pub fn compare_lines(a: &str, b: &str) -> Ordering {
    let numeric = |s: &str| !s.is_empty() && s.bytes().all(|b| b.is_ascii_digit());
    let mut pa = a.split('.');
    let mut pb = b.split('.');
    loop {
        let ord = match (pa.next(), pb.next()) {
            (None, None) => return Ordering::Equal,
            (None, Some(_)) => return Ordering::Less,
            (Some(_), None) => return Ordering::Greater,
            (Some(x), Some(y)) => match (numeric(x), numeric(y)) {
                (true, true) => {
                    let (x, y) = (x.trim_start_matches('0'), y.trim_start_matches('0'));
                    x.len().cmp(&y.len()).then_with(|| x.cmp(y))
                }
                (true, false) => Ordering::Less,
                (false, true) => Ordering::Greater,
                (false, false) => x.cmp(y),
            },
        };
        if ord != Ordering::Equal {
            return ord;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lines_of_tags_by_prefix_and_depth() {
        let cases: &[(&str, &str, u8, &str)] = &[
            ("v2.40.4", "v", 2, "2.40"),
            ("v2.40.4", "v", 1, "2"),
            ("v2.40.4", "v", 3, "2.40.4"),
            ("v2.47.0-rc1", "v", 2, "2.47"),
            ("v2.47.0-rc1", "v", 3, "2.47.0"),
            ("v2.47.0-rc1", "v", 4, "2.47.0.0"),
            ("v3", "v", 2, "3.0"),
            ("v1.2", "v", 3, "1.2.0"),
            ("release-1.4.2", "release-", 2, "1.4"),
            ("release-v1.4.2", "release-", 2, "1.4"),
            ("api/v1.2.3", "api/v", 2, "1.2"),
            ("api/v1.2.3", "api/v", 1, "1"),
            ("v1.2.3", "", 2, "1.2"),
            ("1.2.3", "", 2, "1.2"),
            ("v2.05.1", "v", 2, "2.05"),
            ("v1.2.", "v", 3, "1.2.0"),
            ("v1..2", "v", 2, "1.0"),
            ("v1.2.3", "v", 0, UNVERSIONED),
            ("vnext", "v", 2, UNVERSIONED),
            ("latest", "", 2, UNVERSIONED),
            ("release-candidate", "release-", 2, UNVERSIONED),
            ("app2-v1.3", "app2-v", 2, "1.3"),
            ("v", "v", 2, UNVERSIONED),
        ];
        for &(tag, prefix, depth, line) in cases {
            assert_eq!(
                release_line(tag, prefix, depth),
                line,
                "{tag} after {prefix:?} at depth {depth}"
            );
        }
    }

    #[test]
    fn export_lines_are_service_and_environment() {
        assert_eq!(export_line(Some("api"), "production"), "api/production");
        assert_eq!(export_line(None, "production"), "production");
        assert_eq!(export_line(Some("api"), "Production"), "api/production");
    }

    #[test]
    fn lines_sort_by_version() {
        let mut lines = vec![
            "2.0",
            UNVERSIONED,
            "1.10",
            "api/production",
            "1.9",
            "10.1",
            "1.09",
            "1",
            "0.9",
        ];
        lines.sort_by(|a, b| compare_lines(a, b));
        assert_eq!(
            lines,
            [
                "0.9",
                "1",
                "1.9",
                "1.09",
                "1.10",
                "2.0",
                "10.1",
                "api/production",
                UNVERSIONED
            ]
        );
    }
}
