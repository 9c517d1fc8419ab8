//! Every timestamp shape the exports use (docs/canonical.md, "Times"), parsed to an exact UTC instant.
//!
//! Zoned text (RFC 3339 and its common relatives: a space for `T`, offsets without a colon,
//! a space before the offset, a literal `UTC`) needs nothing else. Naive text (no zone at all)
//! needs `--timezone`; without one it is an error, never a guess. Epoch numbers are parsed
//! from their decimal digits, so `1496380678.648` is exactly 648 ms past the second.

use chrono::{DateTime, FixedOffset, NaiveDate, NaiveDateTime, TimeZone, Utc};

use super::Instant;

/// The zone that naive timestamps are in (`--timezone`).
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Zone {
    /// An IANA zone (`Europe/Berlin`), with its daylight-saving rules.
    Named(chrono_tz::Tz),
    /// A fixed offset (`+02:00`, `UTC`).
    Fixed(FixedOffset),
}

impl Zone {
    /// Parses `UTC`, `Z`, an IANA name, or an offset like `+02:00` / `-0500`.
    pub fn parse(text: &str) -> Result<Zone, String> {
        let t = text.trim();
        if t.eq_ignore_ascii_case("utc") || t == "Z" {
            return Ok(Zone::Fixed(FixedOffset::east_opt(0).ok_or("bad offset")?));
        }
        if let Some(off) = parse_offset(t) {
            return Ok(Zone::Fixed(off));
        }
        t.parse::<chrono_tz::Tz>().map(Zone::Named).map_err(|_| {
            format!("'{t}' is not a time zone (expected an IANA name like Europe/Berlin, UTC, or an offset like +02:00)")
        })
    }

    /// The instant of a local wall-clock time in this zone. A time that does not exist
    /// (skipped by a daylight-saving change) is an error; an ambiguous one (repeated when the
    /// clocks go back) takes the earlier instant.
    pub fn resolve(&self, local: NaiveDateTime) -> Result<Instant, TimeError> {
        let r = match self {
            Zone::Named(tz) => tz
                .from_local_datetime(&local)
                .earliest()
                .map(|t| t.with_timezone(&Utc)),
            Zone::Fixed(off) => off
                .from_local_datetime(&local)
                .earliest()
                .map(|t| t.with_timezone(&Utc)),
        };
        r.ok_or(TimeError::NonexistentLocal)
    }
}

/// Why a timestamp was rejected.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum TimeError {
    /// Not a timestamp in any known shape.
    Invalid,
    /// A naive timestamp and no `--timezone`.
    NeedsZone,
    /// A local time that a daylight-saving change skipped.
    NonexistentLocal,
    /// Before 1970 or after 2099: no deployment or incident happened then.
    OutOfRange,
}

impl TimeError {
    /// What was expected, for the error message.
    pub fn explain(&self) -> &'static str {
        match self {
            TimeError::Invalid => {
                "is not a date (expected RFC 3339, YYYY-MM-DD HH:MM:SS, or epoch seconds / milliseconds)"
            }
            TimeError::NeedsZone => {
                "has no time zone; give --timezone (e.g. --timezone UTC or --timezone Europe/Berlin)"
            }
            TimeError::NonexistentLocal => {
                "does not exist in the --timezone (skipped by a daylight-saving change)"
            }
            TimeError::OutOfRange => "is out of range (expected a year from 1970 to 2099)",
        }
    }
}

fn in_range(t: Instant) -> Result<Instant, TimeError> {
    let year = chrono::Datelike::year(&t);
    if (1970..2100).contains(&year) {
        Ok(t)
    } else {
        Err(TimeError::OutOfRange)
    }
}

/// `+02:00`, `+0200`, `-05`, with the sign required.
fn parse_offset(t: &str) -> Option<FixedOffset> {
    let (sign, rest) = match t.as_bytes().first()? {
        b'+' => (1, &t[1..]),
        b'-' => (-1, &t[1..]),
        _ => return None,
    };
    let digits: String = rest.chars().filter(|c| *c != ':').collect();
    if !digits.chars().all(|c| c.is_ascii_digit()) || !matches!(digits.len(), 2 | 4) || rest.len() > 5 {
        return None;
    }
    let h: i32 = digits[..2].parse().ok()?;
    let m: i32 = if digits.len() == 4 {
        digits[2..].parse().ok()?
    } else {
        0
    };
    if h > 23 || m > 59 {
        return None;
    }
    FixedOffset::east_opt(sign * (h * 3600 + m * 60))
}

/// Rewrites the zoned relatives of RFC 3339 into RFC 3339: `T` for a space separator,
/// `Z` for ` UTC`, a colon in `+0000`, no space before the offset.
fn normalize_zoned(t: &str) -> Option<String> {
    let mut s = t.trim().to_owned();
    // Every zoned shape is ASCII; checking first also keeps the byte slicing below on
    // character boundaries (the fuzzer found a multi-byte character at index 19).
    if s.len() < 19 || !s.is_ascii() {
        return None;
    }
    if s.as_bytes()[10] == b' ' {
        s.replace_range(10..11, "T");
    }
    for suffix in [" UTC", " GMT", "UTC"] {
        if let Some(stripped) = s.strip_suffix(suffix) {
            s = format!("{stripped}Z");
        }
    }
    if s.ends_with('Z') || s.ends_with('z') {
        return Some(s);
    }
    // The offset is the last '+' or '-' after the time part.
    let pos = s[19..].rfind(['+', '-']).map(|p| p + 19)?;
    let off = parse_offset(&s[pos..])?;
    let body = s[..pos].trim_end();
    Some(format!("{body}{off}"))
}

/// Parses zoned or naive text. Naive text is interpreted in `zone` and refused without one.
pub fn parse_text(text: &str, zone: Option<&Zone>) -> Result<Instant, TimeError> {
    let t = text.trim();
    if t.is_empty() {
        return Err(TimeError::Invalid);
    }
    if t.bytes().all(|b| b.is_ascii_digit() || b == b'.') {
        return parse_epoch_text(t);
    }
    if let Some(z) = normalize_zoned(t)
        && let Ok(dt) = DateTime::parse_from_rfc3339(&z)
    {
        return in_range(dt.with_timezone(&Utc));
    }
    let naive = parse_naive(t).ok_or(TimeError::Invalid)?;
    let zone = zone.ok_or(TimeError::NeedsZone)?;
    in_range(zone.resolve(naive)?)
}

/// Naive shapes: ISO with `T` or a space, optional fraction, unpadded fields, or a date.
pub fn parse_naive(t: &str) -> Option<NaiveDateTime> {
    for fmt in [
        "%Y-%m-%dT%H:%M:%S%.f",
        "%Y-%m-%d %H:%M:%S%.f",
        "%Y-%m-%dT%H:%M",
        "%Y-%m-%d %H:%M",
    ] {
        if let Ok(dt) = NaiveDateTime::parse_from_str(t, fmt) {
            return Some(dt);
        }
    }
    NaiveDate::parse_from_str(t, "%Y-%m-%d")
        .ok()
        .map(|d| d.and_time(chrono::NaiveTime::MIN))
}

/// Naive text in one of the given `chrono` formats (e.g. Jira's `%d/%b/%y %I:%M %p`).
pub fn parse_with_formats(text: &str, formats: &[&str], zone: Option<&Zone>) -> Result<Instant, TimeError> {
    let t = text.trim();
    let naive = formats
        .iter()
        .find_map(|f| NaiveDateTime::parse_from_str(t, f).ok())
        .ok_or(TimeError::Invalid)?;
    let zone = zone.ok_or(TimeError::NeedsZone)?;
    in_range(zone.resolve(naive)?)
}

/// Epoch text: seconds (with an optional fraction) when the integer part has at most 11
/// digits, milliseconds when it has 12 to 14.
pub fn parse_epoch_text(t: &str) -> Result<Instant, TimeError> {
    let (int, frac) = t.split_once('.').unwrap_or((t, ""));
    if int.is_empty() || !int.bytes().all(|b| b.is_ascii_digit()) || !frac.bytes().all(|b| b.is_ascii_digit())
    {
        return Err(TimeError::Invalid);
    }
    match int.len() {
        1..=11 => epoch_seconds_decimal(t),
        12..=14 if frac.is_empty() => {
            let ms: i64 = int.parse().map_err(|_| TimeError::Invalid)?;
            epoch_millis(ms)
        }
        _ => Err(TimeError::OutOfRange),
    }
}

/// Epoch seconds written as a decimal (`1496380678.648`), exact to the nanosecond.
pub fn epoch_seconds_decimal(t: &str) -> Result<Instant, TimeError> {
    let t = t.trim();
    let (int, frac) = t.split_once('.').unwrap_or((t, ""));
    if int.is_empty() || int.len() > 12 || frac.len() > 9 {
        return Err(if frac.len() > 9 {
            TimeError::Invalid
        } else {
            TimeError::OutOfRange
        });
    }
    let secs: i64 = int.parse().map_err(|_| TimeError::Invalid)?;
    let mut nanos: u32 = 0;
    if !frac.is_empty() {
        let digits: u32 = frac.parse().map_err(|_| TimeError::Invalid)?;
        nanos = digits * 10u32.pow(9 - frac.len() as u32);
    }
    in_range(DateTime::from_timestamp(secs, nanos).ok_or(TimeError::OutOfRange)?)
}

/// Epoch milliseconds (`1348334873796`).
pub fn epoch_millis(ms: i64) -> Result<Instant, TimeError> {
    in_range(DateTime::from_timestamp_millis(ms).ok_or(TimeError::OutOfRange)?)
}

/// A JSON value holding a timestamp: a string in any shape above, or a number that is epoch
/// seconds (≤ 11 integer digits) or epoch milliseconds.
pub fn parse_json(v: &serde_json::Value, zone: Option<&Zone>) -> Result<Instant, TimeError> {
    match v {
        serde_json::Value::String(s) => parse_text(s, zone),
        // Display of a JSON number is the shortest text that reads back to the same double,
        // which is the exporter's own text for the ≤ 15 significant digits epoch values have.
        serde_json::Value::Number(n) => parse_epoch_text(&n.to_string()),
        _ => Err(TimeError::Invalid),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn utc(s: &str) -> Instant {
        DateTime::parse_from_rfc3339(s)
            .map(|d| d.with_timezone(&Utc))
            .unwrap_or_else(|e| panic!("{s}: {e}"))
    }

    #[test]
    fn every_shape_of_formats_md() {
        let berlin = Zone::parse("Europe/Berlin").unwrap();
        let z = Some(&berlin);
        let cases: &[(&str, &str)] = &[
            ("2020-08-26T11:44:53Z", "2020-08-26T11:44:53Z"),          // 1
            ("2016-08-11T07:36:40.222Z", "2016-08-11T07:36:40.222Z"),  // 2
            ("2023-09-26T17:49:10.17Z", "2023-09-26T17:49:10.170Z"),   // 3
            ("2012-09-20T11:50:22+03:00", "2012-09-20T08:50:22Z"),     // 4
            ("2016-08-11T09:36:01.000+02:00", "2016-08-11T07:36:01Z"), // 4
            ("2017-06-01T22:17:58.648000-07:00", "2017-06-02T05:17:58.648Z"), // 5
            ("2017-06-02 05:17:58.648000+00:00", "2017-06-02T05:17:58.648Z"), // 6
            ("2024-06-01T12:00:00.000+0000", "2024-06-01T12:00:00Z"),  // 7
            ("2014-04-09T18:59:06.419+0000", "2014-04-09T18:59:06.419Z"), // 7
            ("2022-01-05 04:36:28 -0800", "2022-01-05T12:36:28Z"),     // 8
            ("2022-01-05 04:36:28 UTC", "2022-01-05T04:36:28Z"),       // 8
            ("2023-05-31T10:05:00", "2023-05-31T08:05:00Z"),           // 9 (Berlin, summer)
            ("2016-12-12 15:19:57", "2016-12-12T14:19:57Z"),           // 10 (Berlin, winter)
            ("2021-02-01 03:38:39.923909", "2021-02-01T02:38:39.923909Z"), // 10
            ("2023-4-10 6:51:47", "2023-04-10T04:51:47Z"),             // 11
            ("1496380678.648", "2017-06-02T05:17:58.648Z"),            // 13
            ("1496946071.6456", "2017-06-08T18:21:11.6456Z"),          // 13
            ("1348334873796", "2012-09-22T17:27:53.796Z"),             // 14
            ("2021-03-01", "2021-02-28T23:00:00Z"),                    // 15 (Berlin midnight)
        ];
        for (text, want) in cases {
            assert_eq!(parse_text(text, z), Ok(utc(want)), "{text}");
        }
    }

    #[test]
    fn jira_display_formats() {
        let z = Zone::parse("UTC").unwrap();
        let f = ["%d/%b/%y %I:%M %p", "%m/%d/%Y %H:%M"];
        assert_eq!(
            parse_with_formats("12/Mar/24 9:41 AM", &f, Some(&z)),
            Ok(utc("2024-03-12T09:41:00Z"))
        );
        assert_eq!(
            parse_with_formats("11/May/24 03:26 PM", &f, Some(&z)),
            Ok(utc("2024-05-11T15:26:00Z"))
        );
        assert_eq!(
            parse_with_formats("6/21/2025 16:14", &f, Some(&z)),
            Ok(utc("2025-06-21T16:14:00Z"))
        );
        assert_eq!(
            parse_with_formats("6/21/2025 16:14", &f, None),
            Err(TimeError::NeedsZone)
        );
    }

    #[test]
    fn epoch_floats_are_exact() {
        let a = parse_text("1496380678.648", None).unwrap();
        let b = parse_text("1496380258.243", None).unwrap();
        assert_eq!((a - b).num_nanoseconds(), Some(420_405_000_000));
        let n: serde_json::Value = serde_json::from_str("1496380678.648").unwrap();
        assert_eq!(parse_json(&n, None), Ok(a));
        let ms: serde_json::Value = serde_json::from_str("1348334873796").unwrap();
        assert_eq!(parse_json(&ms, None), Ok(utc("2012-09-22T17:27:53.796Z")));
    }

    #[test]
    fn fuzz_regressions_do_not_panic() {
        // Found by `cargo fuzz run timestamps` and `... gitlab`: a multi-byte character where
        // the offset search starts.
        for text in [
            "\u{feff}i5sxaT14:0&*:0\u{4a5}",
            "rsur/87854/avatar.\u{feff}\"",
            "2024-05-01T10:00:0\u{e9}+02:00",
        ] {
            assert_eq!(parse_text(text, None), Err(TimeError::Invalid), "{text:?}");
        }
    }

    #[test]
    fn refusals() {
        assert_eq!(parse_text("2016-12-12 15:19:57", None), Err(TimeError::NeedsZone));
        assert_eq!(parse_text("2024-13-01T00:00:00Z", None), Err(TimeError::Invalid));
        assert_eq!(parse_text("not a date", None), Err(TimeError::Invalid));
        assert_eq!(parse_text("", None), Err(TimeError::Invalid));
        assert_eq!(
            parse_text("1900-01-01T00:00:00Z", None),
            Err(TimeError::OutOfRange)
        );
        assert_eq!(
            parse_text("9999-01-01T00:00:00Z", None),
            Err(TimeError::OutOfRange)
        );
        assert_eq!(parse_text("99999999999999999", None), Err(TimeError::OutOfRange));
        let berlin = Zone::parse("Europe/Berlin").unwrap();
        // 02:30 on 2024-03-31 does not exist in Berlin (clocks jump from 02:00 to 03:00).
        assert_eq!(
            parse_text("2024-03-31 02:30:00", Some(&berlin)),
            Err(TimeError::NonexistentLocal)
        );
        // 02:30 on 2024-10-27 happens twice; the earlier (summer time, +02:00) is taken.
        assert_eq!(
            parse_text("2024-10-27 02:30:00", Some(&berlin)),
            Ok(utc("2024-10-27T00:30:00Z"))
        );
        assert!(Zone::parse("Mars/Olympus").is_err());
        assert_eq!(
            Zone::parse("+05:30").unwrap(),
            Zone::Fixed(FixedOffset::east_opt(19800).unwrap())
        );
    }
}
