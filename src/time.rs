//! Parsing the times users type (`--since`, `--until`) and formatting instants for tables.

use chrono::{DateTime, NaiveDate, SecondsFormat, Utc};

/// Formats seconds since the epoch as RFC 3339 UTC with a `Z` (`2024-05-01T12:00:00Z`).
pub fn rfc3339(seconds: i64) -> String {
    match DateTime::<Utc>::from_timestamp(seconds, 0) {
        Some(t) => t.to_rfc3339_opts(SecondsFormat::Secs, true),
        // Outside chrono's range (±262,000 years): keep the raw number rather than lie.
        None => seconds.to_string(),
    }
}

/// Which end of a range a user-typed time bounds; a bare date means the whole day.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Bound {
    /// `--since`: inclusive, a date means its first second.
    Start,
    /// `--until`: exclusive, a date means the end of that day (the next midnight).
    End,
}

/// Parses `YYYY-MM-DD`, `YYYY-MM-DDTHH:MM[:SS]` (UTC) or RFC 3339 with an offset.
pub fn parse_bound(text: &str, bound: Bound) -> Result<i64, String> {
    let t = text.trim();
    if let Ok(d) = NaiveDate::parse_from_str(t, "%Y-%m-%d") {
        let d = match bound {
            Bound::Start => d,
            Bound::End => d.succ_opt().ok_or_else(|| format!("'{t}' is out of range"))?,
        };
        return Ok(d.and_time(chrono::NaiveTime::MIN).and_utc().timestamp());
    }
    // Any other shape the importers accept, with times that carry no zone taken as UTC.
    let utc = crate::import::time::Zone::Fixed(chrono::FixedOffset::east_opt(0).ok_or("offset")?);
    crate::import::time::parse_text(t, Some(&utc)).map(|i| i.timestamp()).map_err(|_| {
        format!(
            "'{t}' is not a date or time (expected YYYY-MM-DD, YYYY-MM-DDTHH:MM:SS in UTC, or RFC 3339 with an offset)"
        )
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn formats_utc_with_z() {
        assert_eq!(rfc3339(0), "1970-01-01T00:00:00Z");
        assert_eq!(rfc3339(-1), "1969-12-31T23:59:59Z");
        assert_eq!(rfc3339(1_714_564_800), "2024-05-01T12:00:00Z");
    }

    #[test]
    fn parses_bounds() {
        assert_eq!(parse_bound("2024-05-01", Bound::Start), Ok(1_714_521_600));
        assert_eq!(parse_bound("2024-05-01", Bound::End), Ok(1_714_608_000));
        assert_eq!(parse_bound("2024-05-01T12:00:00Z", Bound::End), Ok(1_714_564_800));
        assert_eq!(
            parse_bound("2024-05-01T14:00:00+02:00", Bound::Start),
            Ok(1_714_564_800)
        );
        assert_eq!(parse_bound("2024-05-01 12:00", Bound::Start), Ok(1_714_564_800));
        assert!(
            parse_bound("2024-13-01", Bound::Start)
                .unwrap_err()
                .contains("'2024-13-01'")
        );
        assert!(parse_bound("yesterday", Bound::Start).is_err());
    }
}
