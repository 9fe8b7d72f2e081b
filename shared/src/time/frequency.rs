//! A coordinator's or dataset's frequency: a count of calendar units, or a cron.
//!
//! Oozie keeps `(frequency, timeunit, end_of_duration)`, never "minutes": `coord:days(1)`
//! is one DAY (a local day, 23 to 25 hours long), while `coord:hours(24)` is 1440 MINUTEs
//! (always 24 hours). Folding either into minutes is the classic mistake that moves a
//! daily job by an hour twice a year.

use chrono::{DateTime, Utc};

use super::Zone;
use super::calendar::{self, EndOf, Unit};
use super::cron::Cron;

/// `N` units, optionally moved to the end of a day, week or month first.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Every {
    /// Always > 0.
    pub n: i64,
    pub unit: Unit,
    pub end_of: Option<EndOf>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Frequency {
    Every(Every),
    Cron(Cron),
}

impl Every {
    pub fn new(n: i64, unit: Unit) -> Every {
        Every {
            n,
            unit,
            end_of: None,
        }
    }

    /// The `k`-th step from `origin`, computed in one `Calendar.add` (not `k` steps), as
    /// Oozie does: monthly from Jan 31 gives Feb 28, then Mar 31.
    pub fn step(&self, origin: DateTime<Utc>, zone: &Zone, k: i64) -> Option<DateTime<Utc>> {
        calendar::add(origin, zone, self.unit, k.checked_mul(self.n)?)
    }

    /// Where the first step lands: `start` itself, or the end of its day, week or month.
    pub fn origin(&self, start: DateTime<Utc>, zone: &Zone) -> Option<DateTime<Utc>> {
        match self.end_of {
            None => Some(start),
            Some(end) => calendar::move_to_end(start, zone, end),
        }
    }

    /// The unit Oozie reports (`MINUTE`, `DAY`, `END_OF_DAY`, …).
    pub fn unit_name(&self) -> &'static str {
        match (self.end_of, self.unit) {
            (Some(EndOf::Day), _) => "END_OF_DAY",
            (Some(EndOf::Week), _) => "END_OF_WEEK",
            (Some(EndOf::Month), _) => "END_OF_MONTH",
            (None, unit) => unit.name(),
        }
    }
}
