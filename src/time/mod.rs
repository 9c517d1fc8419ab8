//! Time, the leaf every module may use: the times users type (`--since`, `--until`),
//! durations, and instants formatted for tables; `parse` reads every timestamp shape the
//! exports use, and the zones naive ones are in.

pub mod parse;

use chrono::{DateTime, NaiveDate, SecondsFormat, Utc};

/// An instant from an export: exact to the nanosecond, always UTC.
pub type Instant = chrono::DateTime<chrono::Utc>;

/// A half-open range of seconds since the epoch, `since <= t < until`; a missing end is open.
/// Every "is it in the reported range" question asks this one type.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Range {
    /// First second inside (inclusive); `None`: no lower bound.
    pub since: Option<i64>,
    /// First second after (exclusive); `None`: no upper bound.
    pub until: Option<i64>,
}

impl Range {
    /// The range `since..until`, both ends given.
    pub fn new(since: i64, until: i64) -> Range {
        Range {
            since: Some(since),
            until: Some(until),
        }
    }

    /// Whether `t` lies inside.
    pub fn contains(&self, t: i64) -> bool {
        self.since.is_none_or(|s| t >= s) && self.until.is_none_or(|u| t < u)
    }
}

/// Formats seconds since the epoch as RFC 3339 UTC with a `Z` (`2024-05-01T12:00:00Z`).
pub fn rfc3339(seconds: i64) -> String {
    let mut out = Vec::with_capacity(20);
    push_rfc3339(seconds, &mut out);
    String::from_utf8(out).unwrap_or_default()
}

/// Appends [`rfc3339`]'s text to `out` without allocating: the table writers format a
/// million instants this way. Years 0 to 9999 are formatted here (days to a civil date by
/// Hinnant's algorithm); the rest, which chrono writes with a sign, go through chrono.
pub fn push_rfc3339(seconds: i64, out: &mut Vec<u8>) {
    // 0000-01-01T00:00:00Z and 9999-12-31T23:59:59Z.
    const FIRST: i64 = -62_167_219_200;
    const LAST: i64 = 253_402_300_799;
    if !(FIRST..=LAST).contains(&seconds) {
        match DateTime::<Utc>::from_timestamp(seconds, 0) {
            Some(t) => out.extend_from_slice(t.to_rfc3339_opts(SecondsFormat::Secs, true).as_bytes()),
            // Outside chrono's range (±262,000 years): keep the raw number rather than lie.
            None => out.extend_from_slice(seconds.to_string().as_bytes()),
        }
        return;
    }
    let (days, secs) = (seconds.div_euclid(86_400), seconds.rem_euclid(86_400));
    // Howard Hinnant's days_from_civil, inverted: eras of 400 years from 0000-03-01.
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z.rem_euclid(146_097);
    let yoe = (doe - doe / 1_460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let day = doy - (153 * mp + 2) / 5 + 1;
    let month = if mp < 10 { mp + 3 } else { mp - 9 };
    let year = yoe + era * 400 + i64::from(month <= 2);
    let digits = |v: i64, n: usize, out: &mut Vec<u8>| {
        let mut buf = [b'0'; 4];
        let mut v = v;
        for d in buf[..n].iter_mut().rev() {
            *d = b'0' + (v % 10) as u8;
            v /= 10;
        }
        out.extend_from_slice(&buf[..n]);
    };
    digits(year, 4, out);
    out.push(b'-');
    digits(month, 2, out);
    out.push(b'-');
    digits(day, 2, out);
    out.push(b'T');
    digits(secs / 3_600, 2, out);
    out.push(b':');
    digits(secs / 60 % 60, 2, out);
    out.push(b':');
    digits(secs % 60, 2, out);
    out.push(b'Z');
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
    let utc = crate::time::parse::Zone::Fixed(chrono::FixedOffset::east_opt(0).ok_or("offset")?);
    crate::time::parse::parse_text(t, Some(&utc)).map(|i| i.timestamp()).map_err(|_| {
        format!(
            "'{t}' is not a date or time (expected YYYY-MM-DD, YYYY-MM-DDTHH:MM:SS in UTC, or RFC 3339 with an offset)"
        )
    })
}

/// Writes a duration of whole seconds in its largest exact unit: `48h`, `90m`, `45s`.
pub fn duration_text(seconds: i64) -> String {
    match seconds {
        s if s != 0 && s % 3600 == 0 => format!("{}h", s / 3600),
        s if s != 0 && s % 60 == 0 => format!("{}m", s / 60),
        s => format!("{s}s"),
    }
}

/// Parses a duration: a number followed by `s`, `m`, `h`, `d` or `w` (`48h`, `90d`, `2w`).
pub fn parse_duration(text: &str) -> Result<i64, String> {
    let t = text.trim();
    let bad = || format!("'{t}' is not a duration (expected a number and a unit: 30m, 48h, 90d, 2w)");
    let unit = t.chars().last().ok_or_else(bad)?;
    let scale = match unit.to_ascii_lowercase() {
        's' => 1,
        'm' => 60,
        'h' => 3_600,
        'd' => 86_400,
        'w' => 604_800,
        _ => return Err(bad()),
    };
    let n: i64 = t[..t.len() - 1].trim().parse().map_err(|_| bad())?;
    if n < 0 {
        return Err(bad());
    }
    n.checked_mul(scale)
        .filter(|&s| s <= 100 * 366 * 86_400)
        .ok_or_else(bad)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rfc3339_agrees_with_chrono_everywhere() {
        let chrono = |t: i64| match DateTime::<Utc>::from_timestamp(t, 0) {
            Some(d) => d.to_rfc3339_opts(SecondsFormat::Secs, true),
            None => t.to_string(),
        };
        let mut edges = vec![
            0,
            -1,
            1,
            86_399,
            86_400,
            951_782_400, // 2000-02-29
            -62_167_219_200,
            -62_167_219_201,
            253_402_300_799,
            253_402_300_800,
            i64::MIN,
            i64::MAX,
            -2_208_988_800, // 1900-01-01
            4_107_542_400,  // 2100-03-01
        ];
        // And a spread over and past the four-digit years (splitmix64).
        let mut x: u64 = 15;
        for _ in 0..200_000 {
            x = x.wrapping_add(0x9E37_79B9_7F4A_7C15);
            let mut z = x;
            z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
            z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
            z ^= z >> 31;
            edges.push((z % 700_000_000_000) as i64 - 350_000_000_000);
        }
        for t in edges {
            assert_eq!(rfc3339(t), chrono(t), "{t}");
        }
    }

    #[test]
    fn durations() {
        assert_eq!(parse_duration("48h"), Ok(172_800));
        assert_eq!(parse_duration("90d"), Ok(90 * 86_400));
        assert_eq!(parse_duration(" 2w "), Ok(1_209_600));
        assert_eq!(parse_duration("30m"), Ok(1_800));
        assert!(parse_duration("48").is_err());
        assert!(parse_duration("-1h").is_err());
        assert!(parse_duration("h").is_err());
        assert!(parse_duration("").is_err());
        assert!(parse_duration("99999999999w").is_err());
        assert_eq!(duration_text(172_800), "48h");
        assert_eq!(duration_text(5_400), "90m");
        assert_eq!(duration_text(45), "45s");
        assert_eq!(duration_text(0), "0s");
    }

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
