//! Time as Oozie computes it: zones, calendar steps, cron, frequencies and the nominal
//! times a coordinator materializes.
//!
//! Nothing here reads a clock. "Now" is always an argument, so the browser's preview and
//! the server's schedule loop run this very code on the same inputs and get the same
//! answer (a preview that disagrees with the scheduler is the bug DolphinScheduler and
//! Airflow users keep reporting).
//!
//! Oozie's processing time zone is UTC (its default; Sluice does not offer the
//! `GMT±hhmm` alternative), so every datetime Oozie prints or parses is
//! `yyyy-MM-dd'T'HH:mm'Z'`.

pub mod calendar;
pub mod cron;
pub mod cron_builder;
pub mod describe;
pub mod frequency;
pub mod java_format;
pub mod schedule;
mod zone;
pub mod zonedb;

use chrono::{DateTime, Datelike, NaiveDate, Timelike, Utc};

pub use calendar::{EndOf, Unit};

/// English month and weekday names (Java's US locale), for formats and descriptions.
pub(crate) const MONTH_NAMES: [&str; 12] = [
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
];
pub(crate) const DAY_NAMES: [&str; 7] = [
    "Sunday",
    "Monday",
    "Tuesday",
    "Wednesday",
    "Thursday",
    "Friday",
    "Saturday",
];
pub use zone::{UnknownZone, WallTime, Zone};

/// A datetime that is not `yyyy-MM-dd'T'HH:mm'Z'` (Oozie's strict `SimpleDateFormat`).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error(
    "[{0}] is not a datetime Oozie accepts: write yyyy-MM-ddTHH:mmZ in UTC, e.g. 2009-01-01T08:00Z"
)]
pub struct BadDatetime(pub String);

/// Parses a datetime as Oozie's `DateUtils.parseDateOozieTZ` does: surrounding whitespace
/// trimmed, the mask `yyyy-MM-dd'T'HH:mm'Z'` with `setLenient(false)`, so numbers may
/// have fewer digits but not be out of range: no 24:00, no February 30th, no seconds and
/// nothing after the `Z`.
pub fn parse_oozie_time(text: &str) -> Result<DateTime<Utc>, BadDatetime> {
    let bad = || BadDatetime(text.to_owned());
    let s = text.trim_matches(|c: char| c <= ' ');
    let mut rest = s.as_bytes();
    let mut number = |max_digits: usize, then: Option<u8>| -> Option<u32> {
        let digits = rest.iter().take_while(|b| b.is_ascii_digit()).count();
        if digits == 0 || digits > max_digits {
            return None;
        }
        let value = rest[..digits]
            .iter()
            .fold(0u32, |n, b| n * 10 + u32::from(b - b'0'));
        rest = &rest[digits..];
        if let Some(sep) = then {
            if rest.first() != Some(&sep) {
                return None;
            }
            rest = &rest[1..];
        }
        Some(value)
    };
    let year = number(9, Some(b'-')).ok_or_else(bad)?;
    let month = number(9, Some(b'-')).ok_or_else(bad)?;
    let day = number(9, Some(b'T')).ok_or_else(bad)?;
    let hour = number(9, Some(b':')).ok_or_else(bad)?;
    let minute = number(9, Some(b'Z')).ok_or_else(bad)?;
    if !rest.is_empty() || hour > 23 || minute > 59 {
        return Err(bad());
    }
    let year = i32::try_from(year).map_err(|_| bad())?;
    NaiveDate::from_ymd_opt(year, month, day)
        .and_then(|d| d.and_hms_opt(hour, minute, 0))
        .map(|t| t.and_utc())
        .ok_or_else(bad)
}

/// Formats an instant as Oozie prints it: `2009-01-01T08:00Z`.
pub fn format_oozie_time(t: DateTime<Utc>) -> String {
    let mut out = String::with_capacity(17);
    push_oozie_time(&mut out, t);
    out
}

/// Appends `n` with at least `width` digits (the scheduler formats a time per action, so
/// this avoids `format!`'s machinery).
pub(crate) fn push_padded(out: &mut String, n: u32, width: usize) {
    let digit = |d: u32| char::from(b'0' + (d % 10) as u8);
    if width == 2 && n < 100 {
        out.push(digit(n / 10));
        out.push(digit(n));
        return;
    }
    if width == 4 && n < 10_000 {
        out.extend([digit(n / 1000), digit(n / 100), digit(n / 10), digit(n)]);
        return;
    }
    let mut digits = [0u8; 10];
    let mut len = 0;
    let mut v = n;
    loop {
        digits[len] = b'0' + (v % 10) as u8;
        len += 1;
        v /= 10;
        if v == 0 {
            break;
        }
    }
    for _ in len..width {
        out.push('0');
    }
    for d in digits[..len].iter().rev() {
        out.push(char::from(*d));
    }
}

/// [`format_oozie_time`] into a buffer.
pub fn push_oozie_time(out: &mut String, t: DateTime<Utc>) {
    let year = t.year();
    if year < 0 {
        out.push('-');
    }
    push_padded(out, year.unsigned_abs(), 4);
    out.push('-');
    push_padded(out, t.month(), 2);
    out.push('-');
    push_padded(out, t.day(), 2);
    out.push('T');
    push_padded(out, t.hour(), 2);
    out.push(':');
    push_padded(out, t.minute(), 2);
    out.push('Z');
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn strict_like_oozie() {
        let ok = parse_oozie_time("2009-01-01T08:00Z").unwrap();
        assert_eq!(format_oozie_time(ok), "2009-01-01T08:00Z");
        let early = NaiveDate::from_ymd_opt(7, 3, 4)
            .unwrap()
            .and_hms_opt(5, 6, 0)
            .unwrap()
            .and_utc();
        assert_eq!(format_oozie_time(early), "0007-03-04T05:06Z");
        assert_eq!(parse_oozie_time(" 2009-1-1T8:00Z\n").unwrap(), ok);
        for bad in [
            "2009-01-01T24:00Z",
            "2011-12-50T01:00Z",
            "2009-02-29T00:00Z",
            "2009-01-01T08:00:00Z",
            "2009-01-01T08:00Zx",
            "2009-01-01T08:00",
            "2009-01-01 08:00Z",
            "2009-01-01T08:60Z",
            "",
            "-1-01-01T00:00Z",
            "99999999999-01-01T00:00Z",
        ] {
            assert!(parse_oozie_time(bad).is_err(), "{bad}");
        }
    }
}
