//! Which actions a coordinator creates, and with which nominal times
//! (`CoordMaterializeTransitionXCommand.materializeActions`).
//!
//! - Nominal time `k` is `origin + k × frequency`, one `Calendar.add` in the job's zone, so
//!   days and months keep the local wall clock across DST and minutes keep a fixed UTC step.
//! - `end` and the pause time are exclusive.
//! - A cron's fire times are UTC. A fire time that comes a day or more after the previous
//!   one is moved by the job's DST difference (`addDSTChangeToNominalTime`), which is what
//!   keeps a daily cron at its local time; `end` and pause are tested on the unmoved time.
//!
//! **The multi-pass caution (SEMANTICS B.5).** Oozie measures that "day or more" from the
//! previous fire time *of the same materialization pass*, and starts every pass one minute
//! before its first slot, so on a long-running server the first action of each pass never
//! gets the correction; only a catch-up pass applies it as Oozie's tests show. Sluice
//! measures the gap to the true previous fire time (or to `start − 1 minute` for the
//! first action), whatever pass it is in. The nominal times are then a function of the
//! definition alone: the preview, a catch-up and a steady-state scheduler all agree, and
//! they equal what Oozie's tests assert. The price is a difference from a long-running Oozie
//! server, whose nominal times for such crons depend on when its passes happened to run.

use chrono::{DateTime, TimeDelta, Utc};
use serde::{Deserialize, Serialize};

use super::cron::Cron;
use super::frequency::{Every, Frequency};
use super::{Zone, format_oozie_time};

/// The definition of a schedule, times as Oozie stores them.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Schedule {
    pub start: DateTime<Utc>,
    /// Exclusive.
    pub end: DateTime<Utc>,
    pub zone: Zone,
    pub frequency: Frequency,
    /// Exclusive: no action with a nominal time at or after it.
    pub pause: Option<DateTime<Utc>>,
}

/// Where materialization stands: Oozie's `lastActionNumber` and `nextMaterializedTime`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct Cursor {
    /// How many actions exist already (the next one is `number + 1`).
    pub number: u64,
    /// The earliest time the next action's slot can have; `None` once the schedule has no
    /// more slots at all.
    pub next: Option<DateTime<Utc>>,
}

/// One materialized action.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct Slot {
    /// 1-based, as Oozie numbers actions (`jobId@number`).
    pub number: u64,
    /// The nominal time the action carries (`coord:nominalTime()`).
    pub nominal: DateTime<Utc>,
    /// The schedule's own time for it: the nominal time, except for a DST-corrected
    /// cron, where it is the UTC fire time before the correction. `end`, pause and the
    /// materialization window are tested on this.
    pub at: DateTime<Utc>,
}

/// What Oozie rejects at submit time (`CoordSubmitXCommand.validateCoordinatorJob`).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error, Serialize, Deserialize)]
#[error("{code}: Invalid coordinator application attributes, {message}")]
pub struct ScheduleError {
    pub code: &'static str,
    pub message: String,
}

fn e1003(message: String) -> ScheduleError {
    ScheduleError {
        code: "E1003",
        message,
    }
}

impl Schedule {
    /// Oozie's submit-time checks, in its order. `max_frequency` is
    /// `oozie.service.coord.check.maximum.frequency` (true by default).
    pub fn check(&self, max_frequency: bool) -> Result<(), ScheduleError> {
        if self.start >= self.end {
            return Err(e1003(
                "Coordinator Start Time must be earlier than End Time.".into(),
            ));
        }
        match &self.frequency {
            Frequency::Every(every) => {
                if max_frequency && every.unit == super::Unit::Minute && every.n < 5 {
                    return Err(e1003(format!(
                        "Coordinator job with frequency [{}] minutes is faster than allowed maximum of 5 minutes (oozie.service.coord.check.maximum.frequency is set to true)",
                        every.n
                    )));
                }
                if every.origin(self.start, &self.zone).is_none() {
                    return Err(e1003(
                        "the start time cannot be moved to the end of its period".into(),
                    ));
                }
            }
            Frequency::Cron(cron) => {
                let first = cron
                    .next_after(self.start - TimeDelta::minutes(1))
                    .ok_or_else(|| {
                        e1003(format!(
                            "Invalid coordinator cron frequency: {}",
                            cron.as_str()
                        ))
                    })?;
                if first >= self.end {
                    return Err(e1003(format!(
                        "Coordinator job with frequency '{}' materializes no actions between start and end time.",
                        cron.as_str()
                    )));
                }
            }
        }
        Ok(())
    }

    /// Before any action exists.
    pub fn first_cursor(&self) -> Cursor {
        Cursor {
            number: 0,
            next: Some(self.start),
        }
    }

    /// The actions after `cursor` whose slot is before `until` (and before `end` and the
    /// pause time), at most `limit` of them (Oozie's throttle), and the cursor after them.
    ///
    /// Materializing in pieces gives exactly what one call gives: the nominal times depend
    /// only on the definition (see the module docs on the multi-pass caution).
    pub fn materialize(
        &self,
        cursor: Cursor,
        until: DateTime<Utc>,
        limit: usize,
    ) -> (Vec<Slot>, Cursor) {
        let mut out = Vec::new();
        let cursor = self.materialize_into(cursor, until, limit, &mut out);
        (out, cursor)
    }

    /// [`Self::materialize`] into a caller's buffer (for the scheduler's batches).
    pub fn materialize_into(
        &self,
        cursor: Cursor,
        until: DateTime<Utc>,
        limit: usize,
        out: &mut Vec<Slot>,
    ) -> Cursor {
        let bound = self.bound(until);
        match &self.frequency {
            Frequency::Every(every) => self.every(every, cursor, bound, limit, out),
            Frequency::Cron(cron) => self.cron(cron, cursor, bound, limit, out),
        }
    }

    /// The first of `end`, pause and `until`: slots must be strictly before it.
    fn bound(&self, until: DateTime<Utc>) -> DateTime<Utc> {
        let mut bound = self.end.min(until);
        if let Some(pause) = self.pause {
            bound = bound.min(pause);
        }
        bound
    }

    fn every(
        &self,
        every: &Every,
        cursor: Cursor,
        bound: DateTime<Utc>,
        limit: usize,
        out: &mut Vec<Slot>,
    ) -> Cursor {
        let Some(origin) = every.origin(self.start, &self.zone) else {
            return Cursor {
                number: cursor.number,
                next: None,
            };
        };
        let mut number = cursor.number;
        let mut taken = 0;
        loop {
            let Some(at) = i64::try_from(number)
                .ok()
                .and_then(|k| every.step(origin, &self.zone, k))
            else {
                return Cursor { number, next: None };
            };
            if at >= bound || taken == limit {
                return Cursor {
                    number,
                    next: Some(at),
                };
            }
            number += 1;
            taken += 1;
            out.push(Slot {
                number,
                nominal: at,
                at,
            });
        }
    }

    fn cron(
        &self,
        cron: &Cron,
        cursor: Cursor,
        bound: DateTime<Utc>,
        limit: usize,
        out: &mut Vec<Slot>,
    ) -> Cursor {
        let Some(next) = cursor.next else {
            return cursor;
        };
        // The previous fire time, if known; found again for the first slot of this call.
        let mut previous: Option<DateTime<Utc>> = None;
        let mut at = cron.next_after(next - TimeDelta::minutes(1));
        let mut number = cursor.number;
        let mut taken = 0;
        while let Some(t) = at {
            if t >= bound || taken == limit {
                break;
            }
            let corrected = match previous {
                Some(p) => t - p >= TimeDelta::days(1),
                None => self.day_gap_before(cron, t),
            };
            let nominal = if corrected { t + self.dst_change(t) } else { t };
            number += 1;
            taken += 1;
            out.push(Slot {
                number,
                nominal,
                at: t,
            });
            previous = Some(t);
            at = cron.next_after(t);
        }
        Cursor { number, next: at }
    }

    /// Whether a day or more passed between `t` and the fire time before it (or, for the
    /// first action, `start − 1 minute`).
    fn day_gap_before(&self, cron: &Cron, t: DateTime<Utc>) -> bool {
        let day_before = t - TimeDelta::days(1);
        t - (self.start - TimeDelta::minutes(1)) >= TimeDelta::days(1)
            && cron.next_after(day_before) == Some(t)
    }

    /// `DaylightOffsetCalculator.getDSTOffset(zone, start, t)`.
    fn dst_change(&self, t: DateTime<Utc>) -> TimeDelta {
        let (at_start, at_t) = (self.zone.dst_at(self.start), self.zone.dst_at(t));
        match (at_start.is_zero(), at_t.is_zero()) {
            (false, true) => at_start,
            (true, false) => -at_t,
            _ => TimeDelta::zero(),
        }
    }

    /// A warning for crons Oozie's DST correction treats unevenly: one whose fire times are
    /// sometimes under a day apart and sometimes a day or more (`0 9-17 * * MON-FRI`), in a
    /// zone with DST. After each long gap the first action is moved by the DST difference
    /// in part of the year, onto or past the next action's time (Monday 09:00 UTC becomes
    /// 10:00, next to the real 10:00). Sluice does what Oozie does; this says so up front.
    pub fn dst_caveat(&self) -> Option<String> {
        let Frequency::Cron(cron) = &self.frequency else {
            return None;
        };
        let dst_used = (0..12).any(|m| {
            !self
                .zone
                .dst_at(self.start + TimeDelta::days(30 * m))
                .is_zero()
        });
        if !dst_used {
            return None;
        }
        // Two weeks of fire times show both kinds of gap if the cron has them.
        let times: Vec<_> = cron
            .iter_after(self.start)
            .take(2000)
            .take_while(|t| *t < self.start + TimeDelta::days(15))
            .collect();
        let day = TimeDelta::days(1);
        let short = times.windows(2).any(|w| w[1] - w[0] < day);
        let long = times.windows(2).any(|w| w[1] - w[0] >= day);
        (short && long).then(|| {
            format!(
                "the cron '{}' fires both less and more than a day apart; Oozie (and Sluice, to match it) moves the first action after each gap of a day or more by the DST difference of {} in part of the year, which can put it on or after the next action's time",
                cron.as_str(),
                self.zone.id()
            )
        })
    }

    /// Every action from the start, oldest first, to `end` or the pause time.
    pub fn iter(&self) -> impl Iterator<Item = Slot> + '_ {
        const BATCH: usize = 256;
        let mut cursor = Some(self.first_cursor());
        let mut buffer = std::collections::VecDeque::<Slot>::new();
        std::iter::from_fn(move || {
            if buffer.is_empty() {
                let c = cursor.take()?;
                let mut batch = Vec::with_capacity(BATCH);
                let next = self.materialize_into(c, DateTime::<Utc>::MAX_UTC, BATCH, &mut batch);
                if batch.len() == BATCH {
                    cursor = Some(next);
                }
                buffer.extend(batch);
            }
            buffer.pop_front()
        })
    }
}

impl Slot {
    /// A slot for a given nominal time, for tests and tools that start from a time.
    pub fn at(number: u64, nominal: DateTime<Utc>) -> Slot {
        Slot {
            number,
            nominal,
            at: nominal,
        }
    }

    /// The nominal time as Oozie prints it.
    pub fn nominal_text(&self) -> String {
        format_oozie_time(self.nominal)
    }
}
