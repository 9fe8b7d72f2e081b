//! Oozie's cron: five fields, read by Quartz's `CronExpression`, evaluated in UTC.
//!
//! Why not a cron crate: Oozie's semantics are Quartz's, with Oozie's own twist, and the
//! crates differ exactly where it matters (croner treats `?` as `*` and has no `L-n`; the
//! others lack `L`/`W`/`#` or number weekdays from 0). The rules here:
//! - fields `minute hour day-of-month month day-of-week`, Quartz syntax `, - * / ? L W #`,
//!   `JAN`–`DEC` and `SUN`–`SAT` in any case, day-of-week `1`–`7` = Sunday–Saturday,
//!   ranges that wrap (`22-2`), `/n` meaning `*/n`;
//! - Oozie splits day-of-month and day-of-week as `CoordCommandUtils` does: when neither
//!   is `?`, a `*` one becomes `?`; when both are concrete, two expressions are evaluated
//!   and the earlier time wins, which is classic cron's "either day matches";
//! - times are UTC, to the minute; the search gives up 100 years after its start.
//!
//! The DST correction Oozie applies to crons with gaps of a day or more belongs to
//! materialization ([`super::schedule`]), not to the expression.

use chrono::{DateTime, Datelike, NaiveDate, TimeDelta, Timelike, Utc, Weekday};
use serde::{Deserialize, Serialize};

use super::calendar::{midnight, month_length};
use super::{DAY_NAMES, MONTH_NAMES};

/// A cron string Oozie would refuse, with the 0-based character column of the problem.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, thiserror::Error)]
#[error("invalid cron frequency [{cron}]: {message} (column {column})")]
pub struct CronError {
    pub cron: String,
    pub column: usize,
    pub message: String,
}

/// How far ahead a search looks before concluding that a cron never fires again.
const HORIZON_YEARS: i32 = 100;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum DaySpec {
    /// `?`: the other day field decides.
    Unspecified,
    /// Days of the month, bit `d` for day `d`.
    Dom(u32),
    /// `L` or `L-n`: the last day of the month, less `n` days.
    LastDay(u32),
    /// `LW`: the last weekday (Monday–Friday) of the month.
    LastWeekday,
    /// `nW`: the weekday nearest to day `n`, without leaving the month.
    NearestWeekday(u32),
    /// Days of the week, bit `d` for Quartz day `d` (1 = Sunday).
    Dow(u8),
    /// `nL`: the last day-of-week `n` of the month.
    LastDow(u32),
    /// `n#k`: the `k`-th day-of-week `n` of the month.
    NthDow(u32, u32),
}

/// One Quartz expression with its seconds fixed at 0 (Oozie prepends `"0 "`).
#[derive(Debug, Clone, PartialEq, Eq)]
struct Quartz {
    minutes: u64,
    hours: u32,
    months: u16,
    dom: DaySpec,
    dow: DaySpec,
}

/// A cron frequency as Oozie evaluates it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Cron {
    source: String,
    /// One expression, or two (day-of-month only, day-of-week only) whose earlier time wins.
    exprs: Vec<Quartz>,
}

/// The five fields, in the order a cron writes them. The builder
/// ([`super::cron_builder`]) edits the same fields.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum CronField {
    Minute,
    Hour,
    DayOfMonth,
    Month,
    DayOfWeek,
}

impl CronField {
    /// The smallest and largest value (day-of-week 1–7 is Sunday–Saturday, as in Quartz).
    pub fn range(self) -> (u32, u32) {
        match self {
            CronField::Minute => (0, 59),
            CronField::Hour => (0, 23),
            CronField::DayOfMonth => (1, 31),
            CronField::Month => (1, 12),
            CronField::DayOfWeek => (1, 7),
        }
    }

    /// The names a field takes besides numbers; cron uses their first three letters.
    pub(crate) fn names(self) -> &'static [&'static str] {
        match self {
            CronField::Month => &MONTH_NAMES,
            CronField::DayOfWeek => &DAY_NAMES,
            _ => &[],
        }
    }

    fn name(self) -> &'static str {
        match self {
            CronField::Minute => "minute",
            CronField::Hour => "hour",
            CronField::DayOfMonth => "day-of-month",
            CronField::Month => "month",
            CronField::DayOfWeek => "day-of-week",
        }
    }
}

struct FieldParser<'a> {
    cron: &'a str,
    text: &'a str,
    /// Column of `text` in `cron`.
    column: usize,
    field: CronField,
}

impl FieldParser<'_> {
    fn error(&self, at: usize, message: impl Into<String>) -> CronError {
        CronError {
            cron: self.cron.to_owned(),
            column: self.column + at,
            message: format!("{} field: {}", self.field.name(), message.into()),
        }
    }

    /// A number or (for months and weekdays) a three-letter name, at `at`; returns the
    /// value and the length read.
    fn value(&self, at: usize) -> Result<(u32, usize), CronError> {
        let rest = &self.text[at..];
        let digits = rest.bytes().take_while(u8::is_ascii_digit).count();
        let (value, len) = if digits > 0 {
            let v = rest[..digits]
                .parse::<u32>()
                .map_err(|_| self.error(at, "number too large"))?;
            (v, digits)
        } else {
            let names = self.field.names();
            let word = rest.get(..3).unwrap_or(rest);
            let found = names
                .iter()
                .position(|n| n[..3].eq_ignore_ascii_case(word))
                .ok_or_else(|| {
                    if names.is_empty() {
                        self.error(at, format!("expected a number, found [{rest}]"))
                    } else {
                        self.error(
                            at,
                            format!(
                                "expected a number or a name such as {}, found [{rest}]",
                                names[0][..3].to_ascii_uppercase()
                            ),
                        )
                    }
                })?;
            (u32::try_from(found).expect("index below 12") + 1, 3)
        };
        let (lo, hi) = self.field.range();
        if !(lo..=hi).contains(&value) {
            return Err(self.error(at, format!("{value} is outside {lo}-{hi}")));
        }
        Ok((value, len))
    }

    fn parse(&self) -> Result<ParsedField, CronError> {
        let upper = self.text.to_ascii_uppercase();
        if upper == "?" {
            return match self.field {
                CronField::DayOfMonth | CronField::DayOfWeek => Ok(ParsedField::Unspecified),
                _ => Err(self.error(0, "'?' is only allowed for day-of-month or day-of-week")),
            };
        }
        if let Some(special) = self.special(&upper)? {
            return Ok(special);
        }
        let mut bits = 0u64;
        let mut at = 0;
        for item in self.text.split(',') {
            if item.is_empty() {
                return Err(self.error(at, "empty list item"));
            }
            bits |= self.item(item, at)?;
            at += item.len() + 1;
        }
        Ok(ParsedField::Bits(bits))
    }

    /// `L`, `L-n`, `LW`, `nW`, `nL`, `n#k`: only alone in their field, as in Quartz.
    fn special(&self, upper: &str) -> Result<Option<ParsedField>, CronError> {
        let has = |c: char| upper.contains(c);
        if !(has('L') || has('W') || has('#')) || self.is_name_list(upper) {
            return Ok(None);
        }
        let alone =
            |what: &str| self.error(0, format!("'{what}' cannot be combined with other values"));
        match self.field {
            CronField::DayOfMonth => {
                if upper == "L" {
                    return Ok(Some(ParsedField::Day(DaySpec::LastDay(0))));
                }
                if upper == "LW" {
                    return Ok(Some(ParsedField::Day(DaySpec::LastWeekday)));
                }
                if let Some(n) = upper.strip_prefix("L-") {
                    let offset = n
                        .parse::<u32>()
                        .ok()
                        .filter(|n| *n <= 30)
                        .ok_or_else(|| self.error(2, "'L-n' needs n from 0 to 30"))?;
                    return Ok(Some(ParsedField::Day(DaySpec::LastDay(offset))));
                }
                if let Some(n) = upper.strip_suffix('W')
                    && !n.is_empty()
                    && n.bytes().all(|b| b.is_ascii_digit())
                {
                    let (day, _) = self.value(0)?;
                    return Ok(Some(ParsedField::Day(DaySpec::NearestWeekday(day))));
                }
                if has('#') {
                    return Err(self.error(0, "'#' is only allowed for day-of-week"));
                }
                Err(alone(if has('W') { "W" } else { "L" }))
            }
            CronField::DayOfWeek => {
                if upper == "L" {
                    return Ok(Some(ParsedField::Bits(1 << 7)));
                }
                if let Some(day) = upper.strip_suffix('L')
                    && !day.contains([',', '-', '/', '#'])
                {
                    let (d, len) = self.value(0)?;
                    if len != day.len() {
                        return Err(alone("L"));
                    }
                    return Ok(Some(ParsedField::Day(DaySpec::LastDow(d))));
                }
                if let Some((day, nth)) = upper.split_once('#')
                    && !day.contains([',', '-', '/'])
                {
                    let (d, len) = self.value(0)?;
                    if len != day.len() {
                        return Err(alone("#"));
                    }
                    let k = nth
                        .parse::<u32>()
                        .ok()
                        .filter(|k| (1..=5).contains(k))
                        .ok_or_else(|| {
                            self.error(day.len() + 1, "'#' needs a number from 1 to 5")
                        })?;
                    return Ok(Some(ParsedField::Day(DaySpec::NthDow(d, k))));
                }
                if has('W') {
                    return Err(self.error(0, "'W' is only allowed for day-of-month"));
                }
                Err(alone(if has('#') { "#" } else { "L" }))
            }
            _ => Err(self.error(0, "'L', 'W' and '#' are only allowed for day fields")),
        }
    }

    /// Whether the letters are all month or day names (`JUL`, `WED`), not specials.
    fn is_name_list(&self, upper: &str) -> bool {
        let names = self.field.names();
        !names.is_empty()
            && upper.split([',', '-', '/']).all(|w| {
                w.bytes().all(|b| b.is_ascii_digit())
                    || names.iter().any(|n| n[..3].eq_ignore_ascii_case(w))
            })
    }

    /// One list item: `*`, `n`, `n-m`, each optionally `/step`, or `/step` alone.
    fn item(&self, item: &str, at: usize) -> Result<u64, CronError> {
        let (lo, hi) = self.field.range();
        let (range, step) = match item.split_once('/') {
            Some((r, s)) => {
                let step_at = at + r.len() + 1;
                if s.is_empty() || !s.bytes().all(|b| b.is_ascii_digit()) {
                    return Err(self.error(step_at, "'/' must be followed by a number"));
                }
                let step: u32 = s
                    .parse()
                    .map_err(|_| self.error(step_at, "step too large"))?;
                if step == 0 || step > hi {
                    return Err(self.error(step_at, format!("step must be from 1 to {hi}")));
                }
                (r, step)
            }
            None => (item, 1),
        };
        let (start, stop) = if range == "*" || range.is_empty() {
            (lo, hi)
        } else if range == "?" {
            return Err(self.error(at, "'?' cannot be combined with other values"));
        } else {
            let (first, len) = self.value(at)?;
            let rest = &range[len..];
            if rest.is_empty() {
                // `n/step` runs to the end of the field; a bare `n` is just n.
                (
                    first,
                    if step > 1 || item.contains('/') {
                        hi
                    } else {
                        first
                    },
                )
            } else if let Some(end) = rest.strip_prefix('-') {
                let end_at = at + len + 1;
                let (last, end_len) = self.value(end_at)?;
                if end_len != end.len() {
                    return Err(self.error(
                        end_at + end_len,
                        format!("unexpected [{}]", &end[end_len..]),
                    ));
                }
                (first, last)
            } else {
                return Err(self.error(at + len, format!("unexpected [{rest}]")));
            }
        };
        // A range that wraps (`22-2`) continues past the field's end, as Quartz's addToSet.
        let span = hi - lo + 1;
        let stop = if stop < start { stop + span } else { stop };
        let mut bits = 0u64;
        let mut v = start;
        while v <= stop {
            let real = if v > hi { v - span } else { v };
            bits |= 1 << real;
            v += step;
        }
        Ok(bits)
    }
}

enum ParsedField {
    Unspecified,
    Bits(u64),
    Day(DaySpec),
}

impl Cron {
    /// Parses Oozie's five-field cron (`ParamChecker.checkFrequency`: exactly five fields
    /// separated by single spaces).
    pub fn parse(cron: &str) -> Result<Cron, CronError> {
        if cron.len() > 256 {
            return Err(CronError {
                cron: cron.chars().take(64).collect::<String>() + "…",
                column: 256,
                message: "longer than 256 characters".into(),
            });
        }
        let fields: Vec<&str> = cron.split(' ').collect();
        if fields.len() != 5 || fields.iter().any(|f| f.is_empty()) {
            return Err(CronError {
                cron: cron.to_owned(),
                column: 0,
                message: format!(
                    "a cron frequency has five fields separated by single spaces (minute hour day-of-month month day-of-week), found {}",
                    fields.iter().filter(|f| !f.is_empty()).count()
                ),
            });
        }
        let mut column = 0;
        let mut parsed = Vec::with_capacity(5);
        for (text, field) in fields.iter().zip(CronField::ALL) {
            let p = FieldParser {
                cron,
                text: text.trim(),
                column,
                field,
            };
            parsed.push((p.parse()?, column));
            column += text.len() + 1;
        }
        let bits = |i: usize| match parsed[i].0 {
            ParsedField::Bits(b) => b,
            _ => unreachable!("only day fields are special or unspecified"),
        };
        let (minutes, hours, months) = (bits(0), bits(1) as u32, bits(3) as u16);
        let day = |p: &ParsedField, dom: bool| match p {
            ParsedField::Unspecified => DaySpec::Unspecified,
            ParsedField::Bits(b) if dom => DaySpec::Dom(*b as u32),
            ParsedField::Bits(b) => DaySpec::Dow(*b as u8),
            ParsedField::Day(d) => *d,
        };
        let (dom, dow) = (day(&parsed[2].0, true), day(&parsed[4].0, false));
        let expr = |dom, dow| Quartz {
            minutes,
            hours,
            months,
            dom,
            dow,
        };
        let star = |i: usize| fields[i].trim() == "*";
        let exprs = match (dom, dow) {
            (DaySpec::Unspecified, DaySpec::Unspecified) => {
                return Err(CronError {
                    cron: cron.to_owned(),
                    column: parsed[4].1,
                    message: "'?' can be given for day-of-month or day-of-week, not both".into(),
                });
            }
            (DaySpec::Unspecified, _) | (_, DaySpec::Unspecified) => vec![expr(dom, dow)],
            // Oozie turns a `*` into `?`, day-of-month first.
            _ if star(2) => vec![expr(DaySpec::Unspecified, dow)],
            _ if star(4) => vec![expr(dom, DaySpec::Unspecified)],
            _ => vec![
                expr(dom, DaySpec::Unspecified),
                expr(DaySpec::Unspecified, dow),
            ],
        };
        Ok(Cron {
            source: cron.to_owned(),
            exprs,
        })
    }

    pub fn as_str(&self) -> &str {
        &self.source
    }

    /// The parsed fields, for describing the cron: minutes, hours and months as bit sets,
    /// and the day rules (one, or two that are OR-ed).
    pub(crate) fn shape(&self) -> (u64, u32, u16, Vec<DaySpec>) {
        let first = &self.exprs[0];
        let days = self
            .exprs
            .iter()
            .map(|e| {
                if e.dom == DaySpec::Unspecified {
                    e.dow
                } else {
                    e.dom
                }
            })
            .collect();
        (first.minutes, first.hours, first.months, days)
    }

    /// The first fire time strictly after `t`, or `None` if there is none within a
    /// century (`0 0 30 2 *` never fires).
    pub fn next_after(&self, t: DateTime<Utc>) -> Option<DateTime<Utc>> {
        let from = t.with_second(0)?.with_nanosecond(0)? + TimeDelta::minutes(1);
        self.exprs.iter().filter_map(|e| e.next_from(from)).min()
    }

    /// The fire times strictly after `t`, in order.
    pub fn iter_after(&self, t: DateTime<Utc>) -> impl Iterator<Item = DateTime<Utc>> + '_ {
        std::iter::successors(self.next_after(t), move |prev| self.next_after(*prev))
    }
}

fn lowest(bits: u64, from: u32) -> Option<u32> {
    let masked = bits.checked_shr(from).map(|b| b << from).unwrap_or(0) & bits;
    (masked != 0).then(|| masked.trailing_zeros())
}

impl Quartz {
    /// The first matching minute at or after `from` (a whole minute).
    fn next_from(&self, from: DateTime<Utc>) -> Option<DateTime<Utc>> {
        let first_hour = lowest(u64::from(self.hours), 0)?;
        let first_minute = lowest(self.minutes, 0)?;
        let mut date = from.date_naive();
        let mut time = Some((from.hour(), from.minute()));
        let limit = date.year() + HORIZON_YEARS;
        while date.year() <= limit {
            if self.months & (1 << date.month()) == 0 {
                date = next_month(date)?;
                time = None;
                continue;
            }
            let days = self.days(date.year(), date.month()) & !((1u32 << date.day()) - 1);
            for day in (date.day()..=31).filter(|d| days & (1 << d) != 0) {
                let found = match time.filter(|_| day == date.day()) {
                    None => Some((first_hour, first_minute)),
                    Some((h, m)) => self.time_from(h, m, first_minute),
                };
                if let Some((h, m)) = found {
                    let d = NaiveDate::from_ymd_opt(date.year(), date.month(), day)?;
                    return Some(
                        (midnight(d) + TimeDelta::minutes(i64::from(h * 60 + m))).and_utc(),
                    );
                }
            }
            date = next_month(date)?;
            time = None;
        }
        None
    }

    /// The first (hour, minute) at or after `h:m` on the same day.
    fn time_from(&self, h: u32, m: u32, first_minute: u32) -> Option<(u32, u32)> {
        let hour = lowest(u64::from(self.hours), h)?;
        if hour == h
            && let Some(minute) = lowest(self.minutes, m)
        {
            return Some((h, minute));
        }
        let later = if hour == h {
            lowest(u64::from(self.hours), h + 1)?
        } else {
            hour
        };
        Some((later, first_minute))
    }

    /// The days of this month that match, bit `d` for day `d`.
    fn days(&self, year: i32, month: u32) -> u32 {
        let spec = if self.dom == DaySpec::Unspecified {
            self.dow
        } else {
            self.dom
        };
        let len = month_length(year, month);
        let all = ((1u64 << (len + 1)) - 2) as u32;
        let first = NaiveDate::from_ymd_opt(year, month, 1).expect("valid month");
        // Quartz weekday (1 = Sunday) of day `d`.
        let first_dow = first.weekday().num_days_from_sunday() + 1;
        let dow_of = |d: u32| (first_dow - 1 + d - 1) % 7 + 1;
        let weekday = |d: u32| NaiveDate::from_ymd_opt(year, month, d).map(|x| x.weekday());
        let bit = |d: u32| if (1..=len).contains(&d) { 1u32 << d } else { 0 };
        match spec {
            DaySpec::Unspecified => 0,
            DaySpec::Dom(bits) => bits & all,
            DaySpec::LastDay(offset) => len.checked_sub(offset).map_or(0, bit),
            DaySpec::LastWeekday => match weekday(len) {
                Some(Weekday::Sat) => bit(len - 1),
                Some(Weekday::Sun) => bit(len - 2),
                _ => bit(len),
            },
            DaySpec::NearestWeekday(n) => match weekday(n) {
                None => 0,
                Some(Weekday::Sat) if n == 1 => bit(3),
                Some(Weekday::Sat) => bit(n - 1),
                Some(Weekday::Sun) if n == len => bit(n - 2),
                Some(Weekday::Sun) => bit(n + 1),
                Some(_) => bit(n),
            },
            DaySpec::Dow(bits) => (1..=len)
                .filter(|d| bits & (1 << dow_of(*d)) != 0)
                .fold(0, |acc, d| acc | (1 << d)),
            DaySpec::LastDow(w) => (1..=len).rev().find(|d| dow_of(*d) == w).map_or(0, bit),
            DaySpec::NthDow(w, k) => (1..=len)
                .filter(|d| dow_of(*d) == w)
                .nth(k as usize - 1)
                .map_or(0, bit),
        }
    }
}

fn next_month(date: NaiveDate) -> Option<NaiveDate> {
    let (y, m) = if date.month() == 12 {
        (date.year() + 1, 1)
    } else {
        (date.year(), date.month() + 1)
    };
    NaiveDate::from_ymd_opt(y, m, 1)
}

/// A Quartz cron with seconds (`0 10 1 * * ?`, optionally a seventh year field), as
/// DolphinScheduler users write it, turned into Oozie's five fields when it means the
/// same thing; otherwise an explanation of why it cannot.
pub fn from_quartz(expr: &str) -> Result<String, CronError> {
    let err = |column: usize, message: &str| CronError {
        cron: expr.to_owned(),
        column,
        message: message.to_owned(),
    };
    let fields: Vec<&str> = expr.split_whitespace().collect();
    match fields.len() {
        5 => return Cron::parse(&fields.join(" ")).map(|c| c.source),
        6 | 7 => {}
        n => {
            return Err(err(
                0,
                &format!("a Quartz cron has 6 or 7 fields (seconds first), found {n}"),
            ));
        }
    }
    let column_of = |i: usize| {
        let mut col = 0;
        let mut rest = expr;
        for (k, f) in fields.iter().enumerate() {
            let at = rest.find(f).unwrap_or(0);
            col += at;
            if k == i {
                return col;
            }
            col += f.len();
            rest = &rest[at + f.len()..];
        }
        col
    };
    if !fields[0].trim_start_matches('0').is_empty() || fields[0].is_empty() {
        return Err(err(
            0,
            "Oozie schedules to the minute: the seconds field must be 0",
        ));
    }
    if let Some(year) = fields.get(6)
        && *year != "*"
    {
        return Err(err(
            column_of(6),
            "Oozie's cron has no year field: limit the years with the coordinator's start and end instead",
        ));
    }
    let five = fields[1..6].join(" ");
    Cron::parse(&five).map(|c| c.source).map_err(|mut e| {
        // Point at the column in the text that was given.
        e.cron = expr.to_owned();
        e.column += column_of(1);
        e
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::time::{format_oozie_time, parse_oozie_time};

    fn next(cron: &str, after: &str) -> String {
        let c = Cron::parse(cron).unwrap();
        format_oozie_time(c.next_after(parse_oozie_time(after).unwrap()).unwrap())
    }

    #[test]
    fn the_quartz_features() {
        // 2013-07 starts on a Monday.
        assert_eq!(next("0 0 L * ?", "2013-07-01T00:00Z"), "2013-07-31T00:00Z");
        assert_eq!(
            next("0 0 L-3 * ?", "2013-07-01T00:00Z"),
            "2013-07-28T00:00Z"
        );
        // 2013-08-31 is a Saturday: the last weekday is Friday the 30th.
        assert_eq!(next("0 0 LW 8 ?", "2013-07-01T00:00Z"), "2013-08-30T00:00Z");
        // The 1st of June 2013 is a Saturday: nearest weekday without leaving is Monday 3rd.
        assert_eq!(next("0 0 1W 6 ?", "2013-01-01T00:00Z"), "2013-06-03T00:00Z");
        // 15th of June 2013 is a Saturday -> Friday 14th.
        assert_eq!(
            next("0 0 15W 6 ?", "2013-01-01T00:00Z"),
            "2013-06-14T00:00Z"
        );
        // Last Friday (6L) and third Friday (6#3) of July 2013.
        assert_eq!(next("0 0 ? 7 6L", "2013-07-01T00:00Z"), "2013-07-26T00:00Z");
        assert_eq!(
            next("0 0 ? 7 FRI#3", "2013-07-01T00:00Z"),
            "2013-07-19T00:00Z"
        );
        // 'L' alone for day-of-week is Saturday.
        assert_eq!(next("0 0 ? * L", "2013-07-01T00:00Z"), "2013-07-06T00:00Z");
        // A fifth Monday that some months lack.
        assert_eq!(
            next("0 0 ? * 2#5", "2013-07-01T00:00Z"),
            "2013-07-29T00:00Z"
        );
        assert_eq!(
            next("0 0 ? * 2#5", "2013-07-30T00:00Z"),
            "2013-09-30T00:00Z"
        );
        // Wrapping ranges and names in any case.
        assert_eq!(
            next("0 22-2 * * ?", "2013-07-01T03:00Z"),
            "2013-07-01T22:00Z"
        );
        assert_eq!(
            next("0 22-2 * * ?", "2013-07-01T23:00Z"),
            "2013-07-02T00:00Z"
        );
        assert_eq!(
            next("0 0 ? nov-feb sun", "2013-03-01T00:00Z"),
            "2013-11-03T00:00Z"
        );
        assert_eq!(
            next("/20 * * * *", "2013-07-01T00:00Z"),
            "2013-07-01T00:20Z"
        );
        // Leap day.
        assert_eq!(next("0 0 29 2 ?", "2013-03-01T00:00Z"), "2016-02-29T00:00Z");
    }

    #[test]
    fn never_is_none() {
        let c = Cron::parse("0 0 30 2 *").unwrap();
        assert_eq!(
            c.next_after(parse_oozie_time("2013-01-01T00:00Z").unwrap()),
            None
        );
    }

    #[test]
    fn errors_say_what_and_where() {
        let cases = [
            ("0 0 * *", 0, "five fields"),
            ("0  0 * * *", 0, "five fields"),
            ("60 * * * *", 0, "60 is outside 0-59"),
            ("0 24 * * *", 2, "hour field: 24 is outside 0-23"),
            ("0 0 ? * ?", 8, "not both"),
            ("0 0 * * 0", 8, "0 is outside 1-7"),
            ("0 0 * FOO *", 6, "name such as JAN"),
            ("*/0 * * * *", 2, "step must be"),
            ("0 0 L,5 * ?", 4, "'L' cannot be combined"),
            ("0 0 ? * 2#6", 10, "'#' needs a number from 1 to 5"),
            ("0 0 5# * ?", 4, "'#' is only allowed for day-of-week"),
            ("0 ? * * *", 2, "'?' is only allowed"),
            ("0 0 1- * ?", 6, "expected a number"),
            ("L * * * *", 0, "only allowed for day fields"),
        ];
        for (cron, column, msg) in cases {
            let e = Cron::parse(cron).unwrap_err();
            assert!(e.message.contains(msg), "{cron}: {e}");
            assert_eq!(e.column, column, "{cron}: {e}");
        }
    }

    #[test]
    fn quartz_with_seconds_converts_when_it_means_the_same() {
        assert_eq!(from_quartz("0 10 1 * * ?").unwrap(), "10 1 * * ?");
        assert_eq!(from_quartz("0 0/15 * * * ? *").unwrap(), "0/15 * * * ?");
        assert_eq!(from_quartz("10 1 * * *").unwrap(), "10 1 * * *");
        let e = from_quartz("30 10 1 * * ?").unwrap_err();
        assert!(e.message.contains("seconds field must be 0"), "{e}");
        let e = from_quartz("0 10 1 * * ? 2027").unwrap_err();
        assert!(e.message.contains("no year field"), "{e}");
        assert_eq!(e.column, 13);
        let e = from_quartz("0 10 25 * * ?").unwrap_err();
        assert_eq!(e.column, 5, "{e}");
    }
}
