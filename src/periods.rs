//! Reporting periods (`--period week|month|quarter|year|<N>d`): calendar periods start at
//! local midnight in the chosen zone (weeks on Monday), so a month in Europe/Berlin is the
//! Berlin month, daylight-saving changes included. `<N>d` periods are fixed lengths counted
//! from the start of the range. Periods are clipped to the range and say when they are.

use chrono::{Datelike, Duration, NaiveDate, NaiveDateTime, NaiveTime};

use crate::model::Instant;
use crate::time::parse::Zone;

/// How to cut a range into periods.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PeriodSpec {
    /// Monday to Sunday.
    Week,
    /// Calendar month.
    Month,
    /// Calendar quarter.
    Quarter,
    /// Calendar year.
    Year,
    /// Fixed length in days, from the start of the range.
    Days(u32),
}

impl PeriodSpec {
    /// Parses `week`, `month`, `quarter`, `year` or `<N>d` (N from 1 to 3660).
    pub fn parse(text: &str) -> Result<PeriodSpec, String> {
        let t = text.trim().to_ascii_lowercase();
        Ok(match t.as_str() {
            "week" | "weekly" | "w" => PeriodSpec::Week,
            "month" | "monthly" | "m" => PeriodSpec::Month,
            "quarter" | "quarterly" | "q" => PeriodSpec::Quarter,
            "year" | "yearly" | "y" => PeriodSpec::Year,
            _ => match t.strip_suffix('d').and_then(|n| n.parse::<u32>().ok()) {
                Some(n) if (1..=3660).contains(&n) => PeriodSpec::Days(n),
                _ => {
                    return Err(format!(
                        "'{text}' is not a period (expected week, month, quarter, year, or a number of days like 30d)"
                    ));
                }
            },
        })
    }
}

/// One reporting period: `[start, end)`.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct Period {
    /// Stable label: `2024-W19`, `2024-05`, `2024-Q2`, `2024`, or `2024-05-01+30d`.
    pub label: String,
    /// First instant (inclusive).
    pub start: Instant,
    /// End (exclusive).
    pub end: Instant,
    /// The range cuts this period short (it starts before `since` or ends after `until`).
    pub partial: bool,
}

/// Local midnight of `day` in `zone`; where midnight does not exist (a daylight-saving jump
/// at midnight), the first minute that does.
fn local_midnight(zone: &Zone, day: NaiveDate) -> Option<Instant> {
    let mut t = NaiveDateTime::new(day, NaiveTime::MIN);
    for _ in 0..180 {
        if let Ok(i) = zone.resolve(t) {
            return Some(i);
        }
        t += Duration::minutes(1);
    }
    None
}

/// The calendar date of `t` in `zone`.
pub fn local_date(zone: &Zone, t: Instant) -> NaiveDate {
    match zone {
        Zone::Named(tz) => t.with_timezone(tz).date_naive(),
        Zone::Fixed(off) => t.with_timezone(off).date_naive(),
    }
}

/// The first day of the calendar period containing `day`, and of the next one.
fn calendar_bounds(spec: PeriodSpec, day: NaiveDate) -> Option<(NaiveDate, NaiveDate, String)> {
    match spec {
        PeriodSpec::Week => {
            let start = day - Duration::days(i64::from(day.weekday().num_days_from_monday()));
            let iso = start.iso_week();
            Some((
                start,
                start + Duration::days(7),
                format!("{}-W{:02}", iso.year(), iso.week()),
            ))
        }
        PeriodSpec::Month => {
            let start = day.with_day(1)?;
            let next = if start.month() == 12 {
                NaiveDate::from_ymd_opt(start.year() + 1, 1, 1)?
            } else {
                NaiveDate::from_ymd_opt(start.year(), start.month() + 1, 1)?
            };
            Some((start, next, format!("{}-{:02}", start.year(), start.month())))
        }
        PeriodSpec::Quarter => {
            let q = (day.month() - 1) / 3;
            let start = NaiveDate::from_ymd_opt(day.year(), q * 3 + 1, 1)?;
            let next = if q == 3 {
                NaiveDate::from_ymd_opt(day.year() + 1, 1, 1)?
            } else {
                NaiveDate::from_ymd_opt(day.year(), q * 3 + 4, 1)?
            };
            Some((start, next, format!("{}-Q{}", day.year(), q + 1)))
        }
        PeriodSpec::Year => Some((
            NaiveDate::from_ymd_opt(day.year(), 1, 1)?,
            NaiveDate::from_ymd_opt(day.year() + 1, 1, 1)?,
            day.year().to_string(),
        )),
        PeriodSpec::Days(_) => None,
    }
}

/// The periods covering `[since, until)`, in order, each clipped to the range.
pub fn periods(spec: PeriodSpec, zone: &Zone, since: Instant, until: Instant) -> Vec<Period> {
    let mut out = Vec::new();
    if since >= until {
        return out;
    }
    if let PeriodSpec::Days(n) = spec {
        let mut start = since;
        while start < until {
            let end = (start + Duration::days(i64::from(n))).min(until);
            let full_end = start + Duration::days(i64::from(n));
            out.push(Period {
                label: format!("{}+{n}d", local_date(zone, start)),
                start,
                end,
                partial: end < full_end,
            });
            start = full_end;
        }
        return out;
    }
    let mut day = local_date(zone, since);
    while let Some((first, next, label)) = calendar_bounds(spec, day) {
        let (Some(a), Some(b)) = (local_midnight(zone, first), local_midnight(zone, next)) else {
            break;
        };
        if a >= until {
            break;
        }
        out.push(Period {
            label,
            start: a.max(since),
            end: b.min(until),
            partial: a < since || b > until,
        });
        day = next;
    }
    out
}

/// The index of the period containing `t`, by binary search.
pub fn period_of(periods: &[Period], t: Instant) -> Option<usize> {
    let i = periods.partition_point(|p| p.end <= t);
    periods.get(i).filter(|p| p.start <= t).map(|_| i)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn utc(s: &str) -> Instant {
        chrono::DateTime::parse_from_rfc3339(s)
            .map(|d| d.with_timezone(&chrono::Utc))
            .unwrap_or_else(|e| panic!("{s}: {e}"))
    }

    fn zone(z: &str) -> Zone {
        Zone::parse(z).unwrap_or_else(|e| panic!("{e}"))
    }

    #[test]
    fn parse_specs() {
        assert_eq!(PeriodSpec::parse("month"), Ok(PeriodSpec::Month));
        assert_eq!(PeriodSpec::parse("30d"), Ok(PeriodSpec::Days(30)));
        assert!(PeriodSpec::parse("0d").is_err());
        assert!(
            PeriodSpec::parse("fortnight")
                .unwrap_err()
                .contains("'fortnight'")
        );
    }

    #[test]
    fn months_in_berlin_follow_daylight_saving() {
        let p = periods(
            PeriodSpec::Month,
            &zone("Europe/Berlin"),
            utc("2024-02-29T23:00:00Z"),
            utc("2024-04-30T22:00:00Z"),
        );
        let got: Vec<(&str, Instant, Instant, bool)> = p
            .iter()
            .map(|p| (p.label.as_str(), p.start, p.end, p.partial))
            .collect();
        assert_eq!(
            got,
            vec![
                // March starts at +01:00 and ends at +02:00 (the clocks went forward on the 31st).
                (
                    "2024-03",
                    utc("2024-02-29T23:00:00Z"),
                    utc("2024-03-31T22:00:00Z"),
                    false
                ),
                (
                    "2024-04",
                    utc("2024-03-31T22:00:00Z"),
                    utc("2024-04-30T22:00:00Z"),
                    false
                ),
            ]
        );
    }

    #[test]
    fn weeks_start_on_monday_and_clip_to_the_range() {
        // 2024-05-01 is a Wednesday.
        let p = periods(
            PeriodSpec::Week,
            &zone("UTC"),
            utc("2024-05-01T12:00:00Z"),
            utc("2024-05-15T00:00:00Z"),
        );
        let labels: Vec<&str> = p.iter().map(|p| p.label.as_str()).collect();
        assert_eq!(labels, vec!["2024-W18", "2024-W19", "2024-W20"]);
        assert_eq!(
            (p[0].start, p[0].end, p[0].partial),
            (utc("2024-05-01T12:00:00Z"), utc("2024-05-06T00:00:00Z"), true)
        );
        assert!(!p[1].partial);
        assert_eq!((p[2].end, p[2].partial), (utc("2024-05-15T00:00:00Z"), true));
    }

    #[test]
    fn quarters_years_and_fixed_days() {
        let z = zone("UTC");
        let q = periods(
            PeriodSpec::Quarter,
            &z,
            utc("2023-11-15T00:00:00Z"),
            utc("2024-04-01T00:00:00Z"),
        );
        assert_eq!(
            q.iter().map(|p| p.label.as_str()).collect::<Vec<_>>(),
            vec!["2023-Q4", "2024-Q1"]
        );
        let y = periods(
            PeriodSpec::Year,
            &z,
            utc("2024-01-01T00:00:00Z"),
            utc("2026-01-01T00:00:00Z"),
        );
        assert_eq!(y.len(), 2);
        assert!(y.iter().all(|p| !p.partial));
        let d = periods(
            PeriodSpec::Days(30),
            &z,
            utc("2024-01-01T00:00:00Z"),
            utc("2024-03-01T00:00:00Z"),
        );
        assert_eq!(d.len(), 2);
        assert_eq!(
            (d[1].start, d[1].end, d[1].partial),
            (utc("2024-01-31T00:00:00Z"), utc("2024-03-01T00:00:00Z"), false)
        );
        assert_eq!(d[0].label, "2024-01-01+30d");
    }

    #[test]
    fn midnight_that_does_not_exist() {
        // Havana moved its clocks forward at midnight on 2024-03-10 (00:00 -> 01:00 CDT, UTC-4):
        // that day starts at 01:00 local.
        let havana = zone("America/Havana");
        let day = NaiveDate::from_ymd_opt(2024, 3, 10).unwrap();
        assert_eq!(local_midnight(&havana, day), Some(utc("2024-03-10T05:00:00Z")));
        let p = periods(
            PeriodSpec::Days(1),
            &havana,
            utc("2024-03-09T05:00:00Z"),
            utc("2024-03-11T04:00:00Z"),
        );
        assert_eq!(p.len(), 2);
        assert_eq!(p[0].end, p[1].start);
    }

    #[test]
    fn lookup() {
        let z = zone("UTC");
        let p = periods(
            PeriodSpec::Month,
            &z,
            utc("2024-01-01T00:00:00Z"),
            utc("2024-04-01T00:00:00Z"),
        );
        assert_eq!(period_of(&p, utc("2024-01-01T00:00:00Z")), Some(0));
        assert_eq!(period_of(&p, utc("2024-01-31T23:59:59Z")), Some(0));
        assert_eq!(
            period_of(&p, utc("2024-02-01T00:00:00Z")),
            Some(1),
            "the end is exclusive"
        );
        assert_eq!(period_of(&p, utc("2024-04-01T00:00:00Z")), None);
        assert_eq!(period_of(&p, utc("2023-12-31T23:59:59Z")), None);
    }
}
