//! Python's `datetime.fromisoformat` (CPython 3.11 and later, `_datetimemodule.c`), ported
//! byte for byte so that a reference accepts and rejects exactly the text the script did. The
//! result has its zone dropped, as the script's `.replace(tzinfo=None)` does; the offset comes
//! back beside it.

use chrono::{NaiveDate, NaiveDateTime};

/// A parsed value: the wall clock as written, and its UTC offset in seconds when it had one.
pub(super) type Parsed = (NaiveDateTime, Option<i64>);

fn invalid(text: &str) -> String {
    format!("Invalid isoformat string: '{text}'")
}

/// The byte at `i`, or NUL past the end (the C code reads a NUL-terminated buffer).
fn at(b: &[u8], i: usize) -> u8 {
    b.get(i).copied().unwrap_or(0)
}

/// `parse_digits`: exactly `n` ASCII digits from `p`.
fn digits(b: &[u8], p: usize, n: usize) -> Option<(usize, i64)> {
    let mut v = 0i64;
    for k in 0..n {
        let c = at(b, p + k);
        if !c.is_ascii_digit() {
            return None;
        }
        v = v * 10 + i64::from(c - b'0');
    }
    Some((p + n, v))
}

/// `_find_isoformat_datetime_separator`.
fn separator(b: &[u8]) -> usize {
    let len = b.len();
    if len == 7 {
        return 7;
    }
    if at(b, 4) == b'-' {
        if at(b, 5) == b'W' {
            if len < 8 {
                return usize::MAX;
            }
            if len > 8 && at(b, 8) == b'-' {
                if len == 9 {
                    return usize::MAX;
                }
                if len > 10 && at(b, 10).is_ascii_digit() {
                    return 8;
                }
                return 10;
            }
            return 8;
        }
        return 10;
    }
    if at(b, 4) == b'W' {
        let mut idx = 7;
        while idx < len && at(b, idx).is_ascii_digit() {
            idx += 1;
        }
        if idx < 9 {
            return idx;
        }
        return if idx % 2 == 0 { 7 } else { 8 };
    }
    8
}

/// `parse_isoformat_date` over `b[..len]` (the C code reads on past `len` like we do).
fn date(b: &[u8], len: usize) -> Result<(i64, u32, u32), ()> {
    let (mut p, year) = digits(b, 0, 4).ok_or(())?;
    let sep = at(b, p) == b'-';
    if sep {
        p += 1;
    }
    if at(b, p) == b'W' {
        p += 1;
        let (q, week) = digits(b, p, 2).ok_or(())?;
        p = q;
        let day = if p < len {
            if sep {
                if at(b, p) != b'-' {
                    return Err(());
                }
                p += 1;
            }
            digits(b, p, 1).ok_or(())?.1
        } else {
            1
        };
        let d = NaiveDate::from_isoywd_opt(
            year as i32,
            week as u32,
            chrono::Weekday::try_from((day as u8).wrapping_sub(1)).map_err(|_| ())?,
        )
        .ok_or(())?;
        return Ok((
            i64::from(chrono::Datelike::year(&d)),
            chrono::Datelike::month(&d),
            chrono::Datelike::day(&d),
        ));
    }
    let (q, month) = digits(b, p, 2).ok_or(())?;
    p = q;
    if sep {
        if at(b, p) != b'-' {
            return Err(());
        }
        p += 1;
    }
    let (_, day) = digits(b, p, 2).ok_or(())?;
    Ok((year, month as u32, day as u32))
}

/// `parse_hh_mm_ss_ff` over `b[p..end]`: returns (hms+µs, whether text follows the end of
/// the whole string).
fn hh_mm_ss_ff(b: &[u8], mut p: usize, end: usize) -> Result<([i64; 4], bool), ()> {
    let mut v = [0i64; 4];
    let mut has_sep = true;
    let mut broke = false;
    for (i, slot) in v.iter_mut().take(3).enumerate() {
        let (q, x) = digits(b, p, 2).ok_or(())?;
        *slot = x;
        p = q;
        let c = at(b, p);
        p += 1;
        if i == 0 {
            has_sep = c == b':';
        }
        if p >= end {
            return Ok((v, c != 0));
        } else if has_sep && c == b':' {
            continue;
        } else if c == b'.' || c == b',' {
            broke = true;
            break;
        } else if !has_sep {
            p -= 1;
        } else {
            return Err(());
        }
    }
    let _ = broke;
    let remains = end.saturating_sub(p);
    let to_parse = remains.min(6);
    let (q, mut us) = digits(b, p, to_parse).ok_or(())?;
    p = q;
    if (1..6).contains(&to_parse) {
        us *= 10i64.pow(6 - to_parse as u32);
    }
    while at(b, p).is_ascii_digit() {
        p += 1;
    }
    v[3] = us;
    Ok((v, at(b, p) != 0))
}

/// `parse_isoformat_time` over `b[start..]`: the time and the offset in seconds, if any.
fn time(b: &[u8], start: usize) -> Result<([i64; 4], Option<i64>), ()> {
    let end = b.len();
    let mut tz = start;
    while tz < end && !matches!(b[tz], b'Z' | b'+' | b'-') {
        tz += 1;
    }
    let (hms, more) = hh_mm_ss_ff(b, start, tz)?;
    if tz == end {
        return if more { Err(()) } else { Ok((hms, None)) };
    }
    if b[tz] == b'Z' {
        return if tz + 1 != end {
            Err(())
        } else {
            Ok((hms, Some(0)))
        };
    }
    let sign = if b[tz] == b'-' { -1 } else { 1 };
    let (off, more) = hh_mm_ss_ff(b, tz + 1, end)?;
    if more {
        return Err(());
    }
    // Sub-second offsets exist in Python; they do not in exports, and would only shift by µs.
    Ok((hms, Some(sign * (off[0] * 3600 + off[1] * 60 + off[2]))))
}

/// `datetime.fromisoformat(text)`, zone dropped; the error is the text Python's `ValueError`
/// would print (for the shapes exports have).
pub(super) fn fromisoformat(text: &str) -> Result<Parsed, String> {
    let b = text.as_bytes();
    if !text.is_ascii() {
        // Non-ASCII separators are allowed by Python; exports do not have them.
        return Err(invalid(text));
    }
    let sep = separator(b);
    if sep == usize::MAX {
        return Err(invalid(text));
    }
    let (year, month, day) = date(b, sep).map_err(|_| invalid(text))?;
    let (hms, offset) = if b.len() > sep {
        time(b, sep + 1).map_err(|_| invalid(text))?
    } else {
        ([0; 4], None)
    };
    if !(1..=9999).contains(&year) {
        return Err(format!("year {year} is out of range"));
    }
    if !(1..=12).contains(&month) {
        return Err("month must be in 1..12".into());
    }
    let d = NaiveDate::from_ymd_opt(year as i32, month, day)
        .ok_or_else(|| "day is out of range for month".to_owned())?;
    if hms[0] > 23 {
        return Err("hour must be in 0..23".into());
    }
    if hms[1] > 59 {
        return Err("minute must be in 0..59".into());
    }
    if hms[2] > 59 {
        return Err("second must be in 0..59".into());
    }
    if let Some(o) = offset
        && o.abs() >= 86_400
    {
        return Err(
            "offset must be a timedelta strictly between -timedelta(hours=24) and timedelta(hours=24)".into(),
        );
    }
    let t = d
        .and_hms_micro_opt(hms[0] as u32, hms[1] as u32, hms[2] as u32, hms[3] as u32)
        .ok_or_else(|| invalid(text))?;
    Ok((t, offset))
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Each case as CPython 3.11.7 answers it (`datetime.fromisoformat(s)`).
    #[test]
    fn agrees_with_cpython() {
        let ok: &[(&str, &str, Option<i64>)] = &[
            ("2024-01-02T03:04:05+00:00", "2024-01-02T03:04:05", Some(0)),
            (
                "2024-01-02 03:04:05.1234567-08:00",
                "2024-01-02T03:04:05.123456",
                Some(-28_800),
            ),
            ("20240102T030405", "2024-01-02T03:04:05", None),
            ("2024-W01-2T10:00", "2024-01-02T10:00:00", None),
            ("2024-01-02", "2024-01-02T00:00:00", None),
            ("2024-01-02T10", "2024-01-02T10:00:00", None),
            ("2024-01-02T1000", "2024-01-02T10:00:00", None),
            ("2024-01-02T10:00:00+0530", "2024-01-02T10:00:00", Some(19_800)),
            (
                "2017-02-08T10:49:51.107000-08:00",
                "2017-02-08T10:49:51.107",
                Some(-28_800),
            ),
            ("2024-01-02X10:00", "2024-01-02T10:00:00", None),
            ("2024-01-02T10:00:00,5", "2024-01-02T10:00:00.500", None),
            ("2024-01-02T10:00:00Z", "2024-01-02T10:00:00", Some(0)),
            ("2024-01-02T10:00:00.+01:00", "2024-01-02T10:00:00", Some(3600)),
        ];
        for (s, want, off) in ok {
            let (t, o) = fromisoformat(s).unwrap_or_else(|e| panic!("{s}: {e}"));
            assert_eq!(t.format("%Y-%m-%dT%H:%M:%S%.f").to_string(), *want, "{s}");
            assert_eq!(o, *off, "{s}");
        }
        let err: &[(&str, &str)] = &[
            ("1484167798 -0800", "Invalid isoformat string: '1484167798 -0800'"),
            ("2024-01-02T24:00:00", "hour must be in 0..23"),
            ("2024-13-01", "month must be in 1..12"),
            ("2024-01-02T10:00:00+01:00x", "Invalid isoformat string"),
            ("2024-1-02", "Invalid isoformat string"),
        ];
        for (s, want) in err {
            let e = fromisoformat(s).unwrap_err();
            assert!(e.starts_with(want), "{s}: {e}");
        }
    }
}
