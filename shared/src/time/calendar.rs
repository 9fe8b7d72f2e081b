//! `java.util.GregorianCalendar` arithmetic, which is what Oozie's schedules are made of.
//!
//! Oozie steps every schedule and dataset with `Calendar.add` in a time zone, and the JDK's
//! rules for DST are particular (read from `GregorianCalendar.add` and `computeTime`):
//! - minutes and hours are a fixed number of milliseconds;
//! - days and weeks keep the wall-clock time, using the offset the calendar had before the
//!   step to place it, then correcting by the offset change unless that changes the date;
//! - months and years set the wall-clock fields (the day pinned to the month's length) and
//!   resolve them as [`Zone::resolve_wall`] does.
//!
//! Every function returns `None` instead of overflowing, so a hostile amount in an EL
//! expression is an error, never a panic.

use chrono::{DateTime, Datelike, Days, Months, NaiveDate, NaiveDateTime, TimeDelta, Utc};

use super::Zone;

/// The calendar fields Oozie steps by (`TimeUnit.getCalendarUnit`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum Unit {
    Minute,
    Hour,
    Day,
    Week,
    Month,
    Year,
}

impl Unit {
    /// The name Oozie's `TimeUnit.valueOf` accepts (`coord:offset(n, "DAY")`).
    pub fn parse(name: &str) -> Option<Unit> {
        Some(match name {
            "MINUTE" => Unit::Minute,
            "HOUR" => Unit::Hour,
            "DAY" => Unit::Day,
            "WEEK" => Unit::Week,
            "MONTH" => Unit::Month,
            "YEAR" => Unit::Year,
            _ => return None,
        })
    }

    pub fn name(self) -> &'static str {
        match self {
            Unit::Minute => "MINUTE",
            Unit::Hour => "HOUR",
            Unit::Day => "DAY",
            Unit::Week => "WEEK",
            Unit::Month => "MONTH",
            Unit::Year => "YEAR",
        }
    }
}

/// Where `coord:endOfDays/Weeks/Months` move a start before stepping.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum EndOf {
    Day,
    Week,
    Month,
}

/// `Calendar.add(unit, amount)` in `zone`.
pub fn add(t: DateTime<Utc>, zone: &Zone, unit: Unit, amount: i64) -> Option<DateTime<Utc>> {
    match unit {
        Unit::Minute => t.checked_add_signed(TimeDelta::try_minutes(amount)?),
        Unit::Hour => t.checked_add_signed(TimeDelta::try_hours(amount)?),
        Unit::Day => add_days(t, zone, amount),
        Unit::Week => add_days(t, zone, amount.checked_mul(7)?),
        Unit::Month => add_months(t, zone, amount),
        Unit::Year => add_months(t, zone, amount.checked_mul(12)?),
    }
}

fn shift_date(date: NaiveDate, days: i64) -> Option<NaiveDate> {
    if days >= 0 {
        date.checked_add_days(Days::new(days.unsigned_abs()))
    } else {
        date.checked_sub_days(Days::new(days.unsigned_abs()))
    }
}

fn add_days(t: DateTime<Utc>, zone: &Zone, days: i64) -> Option<DateTime<Utc>> {
    let before = zone.offset_at(t);
    let local = t.naive_utc().checked_add_offset(before)?;
    let date = shift_date(local.date(), days)?;
    let first = date
        .and_time(local.time())
        .checked_sub_offset(before)?
        .and_utc();
    let change = TimeDelta::seconds(i64::from(
        before.local_minus_utc() - zone.offset_at(first).local_minus_utc(),
    ));
    if change.is_zero() {
        return Some(first);
    }
    let adjusted = first.checked_add_signed(change)?;
    Some(if zone.local(adjusted).date() == date {
        adjusted
    } else {
        first
    })
}

fn add_months(t: DateTime<Utc>, zone: &Zone, months: i64) -> Option<DateTime<Utc>> {
    let local = zone.local(t);
    let months32 = u32::try_from(months.unsigned_abs()).ok()?;
    // chrono clamps the day to the month's length, as Java's pinDayOfMonth does.
    let moved = if months >= 0 {
        local.checked_add_months(Months::new(months32))
    } else {
        local.checked_sub_months(Months::new(months32))
    }?;
    Some(zone.resolve_wall(moved))
}

/// `DateUtils.moveToEnd`: one unit forward, then back to the start of that day, week
/// (Sunday, as in the US locale Oozie runs with) or month, at 00:00 local time. A start
/// already at midnight still moves a whole unit.
pub fn move_to_end(t: DateTime<Utc>, zone: &Zone, end: EndOf) -> Option<DateTime<Utc>> {
    let date = match end {
        EndOf::Day => zone.local(add(t, zone, Unit::Day, 1)?).date(),
        EndOf::Week => {
            let d = zone.local(add(t, zone, Unit::Week, 1)?).date();
            d - Days::new(u64::from(d.weekday().num_days_from_sunday()))
        }
        EndOf::Month => zone
            .local(add(t, zone, Unit::Month, 1)?)
            .date()
            .with_day(1)?,
    };
    Some(zone.resolve_wall(date.and_hms_opt(0, 0, 0)?))
}

/// `DateUtils.hoursInDay`: 23, 24 or 25, for the local day that contains `t`.
pub fn hours_in_day(t: DateTime<Utc>, zone: &Zone) -> u32 {
    let date = zone.local(t).date();
    let half_past = zone.resolve_wall(date.and_hms_opt(0, 30, 0).expect("valid time"));
    let next = zone.local(half_past + TimeDelta::hours(24));
    match chrono::Timelike::hour(&next) {
        1 => 23,
        23 => 25,
        _ => 24,
    }
}

/// The number of days in the local month that contains `t`.
pub fn days_in_month(t: DateTime<Utc>, zone: &Zone) -> u32 {
    let d = zone.local(t).date();
    month_length(d.year(), d.month())
}

pub fn month_length(year: i32, month: u32) -> u32 {
    let first = NaiveDate::from_ymd_opt(year, month, 1).expect("valid month");
    let next = first
        .checked_add_months(Months::new(1))
        .expect("within chrono's range");
    u32::try_from((next - first).num_days()).expect("28 to 31")
}

/// A wall-clock time at 00:00 of `date`.
pub(crate) fn midnight(date: NaiveDate) -> NaiveDateTime {
    date.and_hms_opt(0, 0, 0).expect("midnight exists")
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::time::parse_oozie_time as t;

    fn la() -> Zone {
        Zone::parse("America/Los_Angeles").unwrap()
    }

    fn fmt(d: Option<DateTime<Utc>>) -> String {
        crate::time::format_oozie_time(d.unwrap())
    }

    #[test]
    fn days_keep_the_wall_clock_and_hours_do_not() {
        let start = t("2016-03-12T23:10Z").unwrap();
        assert_eq!(fmt(add(start, &la(), Unit::Day, 1)), "2016-03-13T22:10Z");
        assert_eq!(fmt(add(start, &la(), Unit::Hour, 24)), "2016-03-13T23:10Z");
    }

    #[test]
    fn a_day_step_into_the_spring_gap_keeps_the_old_offset_as_the_jdk_does() {
        // From 02:30 PST on Mar 7 one day on is 02:30 on Mar 8, which does not exist.
        // GregorianCalendar.add places it with PST (10:30Z = 03:30 PDT), sees the offset
        // change, moves back an hour to 09:30Z (01:30 PST), and keeps that: same date.
        let start = t("2009-03-07T10:30Z").unwrap();
        assert_eq!(fmt(add(start, &la(), Unit::Day, 1)), "2009-03-08T09:30Z");
        // A month step resolves the wall time instead: 02:30 read as PST.
        let start = t("2009-02-08T10:30Z").unwrap();
        assert_eq!(fmt(add(start, &la(), Unit::Month, 1)), "2009-03-08T10:30Z");
    }

    #[test]
    fn months_pin_the_day_to_the_month() {
        let utc = Zone::UTC;
        let jan31 = t("2009-01-31T08:00Z").unwrap();
        assert_eq!(fmt(add(jan31, &utc, Unit::Month, 1)), "2009-02-28T08:00Z");
        assert_eq!(fmt(add(jan31, &utc, Unit::Month, 3)), "2009-04-30T08:00Z");
        assert_eq!(fmt(add(jan31, &utc, Unit::Month, -2)), "2008-11-30T08:00Z");
        let feb29 = t("2008-02-29T00:00Z").unwrap();
        assert_eq!(fmt(add(feb29, &utc, Unit::Year, 1)), "2009-02-28T00:00Z");
    }

    #[test]
    fn huge_amounts_are_none_not_a_panic() {
        let start = t("2009-01-31T08:00Z").unwrap();
        for unit in [
            Unit::Minute,
            Unit::Hour,
            Unit::Day,
            Unit::Week,
            Unit::Month,
            Unit::Year,
        ] {
            assert_eq!(add(start, &la(), unit, i64::MAX), None, "{unit:?}");
            assert_eq!(add(start, &la(), unit, i64::MIN), None, "{unit:?}");
        }
    }

    #[test]
    fn end_of_moves_a_whole_unit_even_from_the_boundary() {
        let utc = Zone::UTC;
        let cases = [
            ("2009-01-01T00:00Z", EndOf::Month, "2009-02-01T00:00Z"),
            ("2009-01-31T08:00Z", EndOf::Month, "2009-02-01T00:00Z"),
            ("2009-01-01T08:00Z", EndOf::Day, "2009-01-02T00:00Z"),
            ("2017-01-04T00:00Z", EndOf::Week, "2017-01-08T00:00Z"),
            ("2017-01-08T00:00Z", EndOf::Week, "2017-01-15T00:00Z"),
            // The Sunday of the week after may lie in the month before.
            ("2017-01-25T12:00Z", EndOf::Week, "2017-01-29T00:00Z"),
        ];
        for (start, end, want) in cases {
            assert_eq!(
                fmt(move_to_end(t(start).unwrap(), &utc, end)),
                want,
                "{start}"
            );
        }
        assert_eq!(
            fmt(move_to_end(
                t("2009-01-01T18:00Z").unwrap(),
                &la(),
                EndOf::Day
            )),
            "2009-01-02T08:00Z"
        );
    }

    #[test]
    fn hours_in_day_sees_both_switches() {
        assert_eq!(hours_in_day(t("2009-03-08T08:00Z").unwrap(), &la()), 23);
        assert_eq!(hours_in_day(t("2009-11-01T08:00Z").unwrap(), &la()), 25);
        assert_eq!(
            hours_in_day(t("2009-03-08T08:00Z").unwrap(), &Zone::UTC),
            24
        );
        assert_eq!(month_length(2008, 2), 29);
        assert_eq!(
            days_in_month(t("2009-02-01T11:00Z").unwrap(), &Zone::UTC),
            28
        );
    }
}
