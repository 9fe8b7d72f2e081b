//! Dataset instances (`CoordELFunctions`): which instance is "current" for an action, the
//! ranges around it, and the URI of each.
//!
//! Oozie's algorithms are followed step for step, including where they step cumulatively
//! (`getCurrentInstance` and `currentRange` add the frequency one step at a time from a
//! jump point, so a monthly dataset that starts on the 31st drifts to the 28th after
//! February, as in Oozie). One shortcut: `coord:offset` rewinds with the same jump-then-
//! step walk instead of Oozie's walk from the initial instance, which gives the same
//! instance except for month-end drift in monthly datasets. Lists are newest first, as
//! Oozie stores them.

use chrono::{DateTime, Datelike, Days, TimeDelta, Timelike, Utc};

use crate::time::calendar::{self, EndOf, Unit, midnight};
use crate::time::frequency::Every;
use crate::time::{Zone, format_oozie_time, push_padded};

/// What marks an instance as available (`done-flag`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum DoneFlag {
    /// No `<done-flag>`: the instance is ready when `<uri>/_SUCCESS` exists.
    Default,
    /// An empty `<done-flag/>`: the directory itself.
    Directory,
    /// `<done-flag>f</done-flag>`: `<uri>/f`.
    File(String),
}

/// A dataset with its attributes evaluated.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Dataset {
    pub name: String,
    pub every: Every,
    /// As written (the end-of move is applied by [`Self::initial`]).
    pub initial_instance: DateTime<Utc>,
    pub zone: Zone,
    /// Job properties already substituted; `${YEAR}` … `${MINUTE}` remain.
    pub uri_template: String,
    pub done_flag: DoneFlag,
}

/// An instance request that cannot be met (E1010).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("E1010: Invalid data in coordinator xml. [{0}]")]
pub struct InstanceError(pub String);

/// The most instances one data-in may span, and the most steps any instance search takes:
/// `coord:current(-1000000000)` is a typo, not a request to list a billion URIs.
pub const MAX_INSTANCES: i64 = 100_000;

fn too_many() -> InstanceError {
    err(format!(
        "the range spans more than {MAX_INSTANCES} dataset instances"
    ))
}

fn err(message: impl Into<String>) -> InstanceError {
    InstanceError(message.into())
}

impl Dataset {
    /// The first instance: `initial-instance`, moved to the end of its period for
    /// `coord:endOfDays/Weeks/Months` frequencies.
    pub fn initial(&self) -> DateTime<Utc> {
        self.every
            .origin(self.initial_instance, &self.zone)
            .unwrap_or(self.initial_instance)
    }

    /// `Calendar.add(unit, k × frequency)` in the dataset's zone.
    fn step(&self, t: DateTime<Utc>, k: i64) -> Option<DateTime<Utc>> {
        self.every.step(t, &self.zone, k)
    }

    /// `getCurrentInstance`: the latest instance at or before `t`, and its number
    /// (0 = the initial instance); `None` if `t` is before the initial instance.
    pub fn current(&self, t: DateTime<Utc>) -> Option<(DateTime<Utc>, i64)> {
        let init = self.initial();
        if init > t {
            return None;
        }
        let n = self.every.n;
        let elapsed = (t - init).num_milliseconds();
        // Minutes and hours are fixed lengths, so Oozie's jump-then-step walk lands on
        // the same instance as one division (and the scheduler calls this per action).
        let fixed = match self.every.unit {
            Unit::Minute => Some(60_000),
            Unit::Hour => Some(3_600_000),
            _ => None,
        };
        if let Some(unit_ms) = fixed {
            let step_ms = unit_ms * n;
            let k = elapsed / step_ms;
            let at = init.checked_add_signed(TimeDelta::try_milliseconds(k * step_ms)?)?;
            return Some((at, k));
        }
        let estimate = match self.every.unit {
            Unit::Minute => elapsed / 60_000,
            Unit::Hour => elapsed / 3_600_000,
            Unit::Day => elapsed / 86_400_000,
            Unit::Week => elapsed / 604_800_000,
            Unit::Month | Unit::Year => {
                let (a, b) = (self.zone.local(init), self.zone.local(t));
                let years = i64::from(b.year() - a.year());
                if self.every.unit == Unit::Year {
                    years
                } else {
                    years * 12 + i64::from(b.month()) - i64::from(a.month())
                }
            }
        };
        let mut count = if estimate > 2 { estimate / n } else { 0 };
        let mut cur = self.step(init, count)?;
        while cur <= t {
            cur = self.step(cur, 1)?;
            count += 1;
        }
        Some((self.step(cur, -1)?, count - 1))
    }

    /// `coord:currentRange(start, end)` around `nominal`: newest first, instances before
    /// the initial one dropped.
    pub fn current_range(
        &self,
        nominal: DateTime<Utc>,
        start: i64,
        end: i64,
    ) -> Vec<DateTime<Utc>> {
        let Some((_, k)) = self.current(nominal) else {
            return Vec::new();
        };
        let init = self.initial();
        let mut out = Vec::new();
        let Some(mut cal) = k.checked_add(start).and_then(|s| self.step(init, s)) else {
            return out;
        };
        for i in start..=end {
            if cal >= init {
                out.push(cal);
            }
            if i == end {
                break;
            }
            match self.step(cal, 1) {
                Some(next) => cal = next,
                None => break,
            }
        }
        out.reverse();
        out
    }

    /// `coord:current(n)` alone: the one instance, or `None` when it would be before the
    /// initial instance.
    pub fn current_one(&self, nominal: DateTime<Utc>, n: i64) -> Option<DateTime<Utc>> {
        let (_, k) = self.current(nominal)?;
        let t = self.step(self.initial(), k.checked_add(n)?)?;
        (t >= self.initial()).then_some(t)
    }

    /// `coord:offset(n, unit)`: the current instance moved by `n` units, then rewound to the
    /// instance at or before it; `None` when that is before the initial instance.
    pub fn offset(&self, nominal: DateTime<Utc>, n: i64, unit: Unit) -> Option<DateTime<Utc>> {
        let (cur, _) = self.current(nominal)?;
        let raw = calendar::add(cur, &self.zone, unit, n)?;
        self.rewind(raw)
    }

    /// The latest instance at or before `raw`, walking from the initial instance as
    /// `coord_offset_sync` does.
    fn rewind(&self, raw: DateTime<Utc>) -> Option<DateTime<Utc>> {
        let init = self.initial();
        if raw < init {
            return None;
        }
        // Forward from the initial instance: Oozie walks one step at a time; the jump to
        // the current instance is the same walk done by `current`.
        self.current(raw).map(|(t, _)| t)
    }

    /// `start-instance` `coord:offset(sn, su)` to `end-instance` `coord:offset(en, eu)`.
    pub fn offset_range(
        &self,
        nominal: DateTime<Utc>,
        (sn, su): (i64, Unit),
        (en, eu): (i64, Unit),
    ) -> Result<Vec<DateTime<Utc>>, InstanceError> {
        if java_calendar_field(su) * sn > java_calendar_field(eu) * en {
            return Err(err(
                "start-instance should be equal or earlier than the end-instance",
            ));
        }
        let Some((cur, _)) = self.current(nominal) else {
            return Ok(Vec::new());
        };
        let (Some(start), Some(end)) = (
            calendar::add(cur, &self.zone, su, sn),
            calendar::add(cur, &self.zone, eu, en),
        ) else {
            return Err(err("offset out of range"));
        };
        // expandOffsetTimes: the first instance at or after `start`, then each to `end`.
        let mut cal = cur;
        let mut total = 0i64;
        let mut steps = 0;
        let mut step_once = || {
            steps += 1;
            if steps > MAX_INSTANCES {
                Err(too_many())
            } else {
                Ok(())
            }
        };
        if start < cal {
            while cal > start {
                step_once()?;
                cal = self
                    .step(cal, -1)
                    .ok_or_else(|| err("offset out of range"))?;
                total -= 1;
            }
            if cal < start {
                cal = self
                    .step(cal, 1)
                    .ok_or_else(|| err("offset out of range"))?;
                total += 1;
            }
        } else {
            while cal < start {
                step_once()?;
                cal = self
                    .step(cal, 1)
                    .ok_or_else(|| err("offset out of range"))?;
                total += 1;
            }
        }
        let mut offsets = Vec::new();
        while cal <= end {
            step_once()?;
            offsets.push(total);
            cal = self
                .step(cal, 1)
                .ok_or_else(|| err("offset out of range"))?;
            total += 1;
        }
        // Newest first; stop at the first one before the initial instance.
        let mut out = Vec::new();
        for k in offsets.into_iter().rev() {
            let units = k
                .checked_mul(self.every.n)
                .ok_or_else(|| err("offset out of range"))?;
            match self.offset(nominal, units, self.every.unit) {
                Some(t) => out.push(t),
                None => break,
            }
        }
        Ok(out)
    }

    /// `coord:absoluteRange(start, end)`: from a fixed instance to `coord:current(end)`.
    pub fn absolute_range(
        &self,
        nominal: DateTime<Utc>,
        start: DateTime<Utc>,
        end: i64,
    ) -> Result<Vec<DateTime<Utc>>, InstanceError> {
        let init = format_oozie_time(self.initial());
        let Some((at_start, start_count)) = self.current(start) else {
            return Err(err(format!(
                "initial-instance should be equal or earlier than the start-instance. initial-instance is {init} and start-instance is {}",
                format_oozie_time(start)
            )));
        };
        if at_start != start {
            return Err(err(format!(
                "initial-instance is not in phase with start-instance. initial-instance is {init} and start-instance is {}",
                format_oozie_time(start)
            )));
        }
        let Some((_, nominal_count)) = self.current(nominal) else {
            return Err(err(format!(
                "initial-instance should be equal or earlier than the nominal time. initial-instance is {init} and nominal time is {}",
                format_oozie_time(nominal)
            )));
        };
        let first = start_count - nominal_count;
        if end.saturating_sub(first) >= MAX_INSTANCES {
            return Err(too_many());
        }
        if first > end {
            return Err(err(format!(
                "start-instance should be equal or earlier than the end-instance. startInstance is {} which is equivalent to current ({start_count}) but end is specified as current ({end})",
                format_oozie_time(start)
            )));
        }
        Ok(self.current_range(nominal, first, end))
    }

    /// `coord:endOfMonths/Weeks/Days(n)` as start-instance: from the start of the
    /// (n+1)-th month, week (Sunday) or day after the one holding `nominal`, in the
    /// dataset's zone, to `coord:current(end)`.
    pub fn end_of_range(
        &self,
        nominal: DateTime<Utc>,
        period: EndOf,
        n: i64,
        end: i64,
    ) -> Result<Vec<DateTime<Utc>>, InstanceError> {
        let local = self.zone.local(nominal).date();
        let (base, unit) = match period {
            EndOf::Day => (local, Unit::Day),
            EndOf::Week => (
                local - Days::new(u64::from(local.weekday().num_days_from_sunday())),
                Unit::Week,
            ),
            EndOf::Month => (local.with_day(1).expect("day 1 exists"), Unit::Month),
        };
        let base = self.zone.resolve_wall(midnight(base));
        let start = n
            .checked_add(1)
            .and_then(|k| calendar::add(base, &self.zone, unit, k))
            .ok_or_else(|| err("start-instance out of range"))?;
        self.absolute_range(nominal, start, end)
    }

    /// `coord:latest(n)` (n ≤ 0): the (−n+1)-th available instance going back from the
    /// instance current at `actual` (the action's creation time), never before the initial
    /// instance. `exists` says whether an instance's data is there (done-flag included).
    pub fn latest(
        &self,
        actual: DateTime<Utc>,
        n: i64,
        exists: &dyn Fn(&str) -> bool,
    ) -> Option<DateTime<Utc>> {
        let (mut t, mut k) = self.current(actual)?;
        let init = self.initial();
        let mut wanted = -n;
        for _ in 0..MAX_INSTANCES {
            if exists(&self.uri(t)) {
                if wanted == 0 {
                    return Some(t);
                }
                wanted -= 1;
            }
            k -= 1;
            if k < 0 {
                return None;
            }
            t = self.step(init, k)?;
        }
        None
    }

    /// `coord:future(n, limit)`: the (n+1)-th available instance from the one current at
    /// `nominal` onwards, looking at no more than `limit` instances.
    pub fn future(
        &self,
        nominal: DateTime<Utc>,
        n: i64,
        limit: i64,
        exists: &dyn Fn(&str) -> bool,
    ) -> Option<DateTime<Utc>> {
        let (mut t, _) = self.current(nominal)?;
        let mut wanted = n;
        for _ in 0..limit.min(MAX_INSTANCES) {
            if exists(&self.uri(t)) {
                if wanted == 0 {
                    return Some(t);
                }
                wanted -= 1;
            }
            t = self.step(t, 1)?;
        }
        None
    }

    /// `getEffectiveNominalTime` moved by `n` dataset steps: the nominal time itself (not
    /// its instance), or `None` before the initial instance.
    fn effective(&self, nominal: DateTime<Utc>, n: i64) -> Option<DateTime<Utc>> {
        (self.initial() <= nominal).then_some(())?;
        self.step(nominal, n)
    }

    /// What must exist for an instance's data to count as there: `<uri>/_SUCCESS` by
    /// default, the directory itself for an empty done-flag, `<uri>/<flag>` otherwise.
    pub fn done_path(&self, uri: &str) -> String {
        match &self.done_flag {
            DoneFlag::Default => format!("{uri}/_SUCCESS"),
            DoneFlag::Directory => uri.to_owned(),
            DoneFlag::File(f) => format!("{uri}/{f}"),
        }
    }

    /// `coord:hoursInDay(n)`: 23, 24 or 25 for the day `n` dataset steps from the nominal
    /// time, in the dataset's zone; -1 before the initial instance.
    pub fn hours_in_day(&self, nominal: DateTime<Utc>, n: i64) -> i64 {
        self.effective(nominal, n)
            .map_or(-1, |t| i64::from(calendar::hours_in_day(t, &self.zone)))
    }

    /// `coord:daysInMonth(n)`, likewise for the month.
    pub fn days_in_month(&self, nominal: DateTime<Utc>, n: i64) -> i64 {
        self.effective(nominal, n)
            .map_or(-1, |t| i64::from(calendar::days_in_month(t, &self.zone)))
    }

    /// `coord:tzOffset()`: the dataset's offset minus the job's, in minutes, at `nominal`.
    pub fn tz_offset(&self, job_zone: &Zone, nominal: DateTime<Utc>) -> i64 {
        let d = self.zone.offset_at(nominal).local_minus_utc()
            - job_zone.offset_at(nominal).local_minus_utc();
        i64::from(d / 60)
    }

    /// The URI of an instance: `${YEAR}` … `${MINUTE}` from the instance in UTC (Oozie's
    /// processing zone, not the dataset's).
    pub fn uri(&self, instance: DateTime<Utc>) -> String {
        resolve_template(&self.uri_template, instance)
    }
}

/// Oozie compares offsets by `TimeUnit.getCalendarUnit() × n`, i.e. by the numeric value of
/// `java.util.Calendar`'s field constants (MINUTE 12, HOUR 10, DAY 5, WEEK 3, MONTH 2,
/// YEAR 1). It is a strange yardstick (`offset(-1, "DAY")` counts as less than
/// `offset(-1, "MINUTE")`), but it is the one that decides E1010.
fn java_calendar_field(u: Unit) -> i64 {
    match u {
        Unit::Minute => 12,
        Unit::Hour => 10,
        Unit::Day => 5,
        Unit::Week => 3,
        Unit::Month => 2,
        Unit::Year => 1,
    }
}

/// Substitutes the date variables of a URI template.
pub fn resolve_template(template: &str, t: DateTime<Utc>) -> String {
    let mut out = String::with_capacity(template.len() + 8);
    let mut rest = template;
    while let Some(i) = rest.find('$') {
        out.push_str(&rest[..i]);
        let Some(after) = rest[i + 1..].strip_prefix('{') else {
            out.push('$');
            rest = &rest[i + 1..];
            continue;
        };
        let (value, width, len) = if after.starts_with("YEAR}") {
            (t.year().unsigned_abs(), 4, 5)
        } else if after.starts_with("MONTH}") {
            (t.month(), 2, 6)
        } else if after.starts_with("DAY}") {
            (t.day(), 2, 4)
        } else if after.starts_with("HOUR}") {
            (t.hour(), 2, 5)
        } else if after.starts_with("MINUTE}") {
            (t.minute(), 2, 7)
        } else {
            out.push_str("${");
            rest = after;
            continue;
        };
        push_padded(&mut out, value, width);
        rest = &after[len..];
    }
    out.push_str(rest);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn done_flags() {
        let mut d = Dataset {
            name: "d".into(),
            every: Every::new(1, Unit::Day),
            initial_instance: crate::time::parse_oozie_time("2009-01-01T00:00Z").unwrap(),
            zone: Zone::UTC,
            uri_template: String::new(),
            done_flag: DoneFlag::Default,
        };
        assert_eq!(d.done_path("hdfs:///a"), "hdfs:///a/_SUCCESS");
        d.done_flag = DoneFlag::Directory;
        assert_eq!(d.done_path("hdfs:///a"), "hdfs:///a");
        d.done_flag = DoneFlag::File("done".into());
        assert_eq!(d.done_path("hdfs:///a"), "hdfs:///a/done");
    }

    #[test]
    fn templates_use_utc_digits() {
        let t = crate::time::parse_oozie_time("2009-08-09T23:59Z").unwrap();
        assert_eq!(
            resolve_template("hdfs://p1/p2/${YEAR}/${MONTH}/${DAY}/${HOUR}/${MINUTE}/", t),
            "hdfs://p1/p2/2009/08/09/23/59/"
        );
        assert_eq!(
            resolve_template("x/${market}/${YEAR}", t),
            "x/${market}/2009"
        );
    }
}
