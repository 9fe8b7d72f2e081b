//! Property tests for schedules: materializing in pieces equals materializing at once;
//! results are sorted and inside their window; `days(n)` keeps the local wall clock across
//! DST; `hours(n)` keeps a fixed UTC step; a cron's slots are its fire times.

use chrono::{DateTime, TimeDelta, Timelike, Utc};
use proptest::prelude::*;
use shared::time::cron::Cron;
use shared::time::frequency::{Every, Frequency};
use shared::time::schedule::{Schedule, Slot};
use shared::time::{EndOf, Unit, Zone};

const ZONES: [&str; 5] = [
    "UTC",
    "America/Los_Angeles",
    "Europe/London",
    "Australia/Sydney",
    "Asia/Kolkata",
];

const CRONS: [&str; 8] = [
    "10 1 * * *",
    "*/30 * * * *",
    "0 9-17 * * MON-FRI",
    "15 2 1,15 * *",
    "0 0 L * ?",
    "10 */20 5-7 11 *",
    "30 6 ? * 6#2",
    "0 12 10 1-12 2,4",
];

/// 2000-01-01 plus up to ~30 years, on whole minutes.
fn arb_time() -> impl Strategy<Value = DateTime<Utc>> {
    (0i64..30 * 525_600).prop_map(|m| {
        DateTime::<Utc>::from_timestamp(946_684_800, 0).unwrap() + TimeDelta::minutes(m)
    })
}

fn arb_frequency() -> impl Strategy<Value = Frequency> {
    prop_oneof![
        (5i64..2000).prop_map(|n| Frequency::Every(Every::new(n, Unit::Minute))),
        (1i64..48).prop_map(|n| Frequency::Every(Every::new(n, Unit::Hour))),
        (1i64..40).prop_map(|n| Frequency::Every(Every::new(n, Unit::Day))),
        (1i64..14).prop_map(|n| Frequency::Every(Every::new(n, Unit::Month))),
        (1i64..5, 0usize..3).prop_map(|(n, e)| {
            let (unit, end) = [
                (Unit::Day, EndOf::Day),
                (Unit::Week, EndOf::Week),
                (Unit::Month, EndOf::Month),
            ][e];
            Frequency::Every(Every {
                n,
                unit,
                end_of: Some(end),
            })
        }),
        (0..CRONS.len()).prop_map(|i| Frequency::Cron(Cron::parse(CRONS[i]).unwrap())),
    ]
}

fn arb_schedule() -> impl Strategy<Value = Schedule> {
    (
        arb_time(),
        1i64..400 * 24 * 60,
        0..ZONES.len(),
        arb_frequency(),
    )
        .prop_map(|(start, minutes, zone, frequency)| Schedule {
            start,
            end: start + TimeDelta::minutes(minutes),
            zone: Zone::parse(ZONES[zone]).unwrap(),
            frequency,
            pause: None,
        })
}

fn all(s: &Schedule, until: DateTime<Utc>) -> Vec<Slot> {
    s.materialize(s.first_cursor(), until, usize::MAX).0
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(300))]

    #[test]
    fn materializing_in_pieces_equals_materializing_at_once(
        s in arb_schedule(),
        cut in 0.0f64..1.0,
        throttle in 1usize..40,
    ) {
        let span = (s.end - s.start).num_minutes();
        let b = s.start + TimeDelta::minutes((span as f64 * cut) as i64);
        let whole = all(&s, s.end);
        // [start, b) then [b, end), each pass throttled, as a scheduler would run it.
        let mut pieces = Vec::new();
        let mut cursor = s.first_cursor();
        for until in [b, s.end] {
            loop {
                let (batch, next) = s.materialize(cursor, until, throttle);
                cursor = next;
                let done = batch.len() < throttle;
                pieces.extend(batch);
                if done {
                    break;
                }
            }
        }
        prop_assert_eq!(pieces, whole);
    }

    #[test]
    fn slots_are_sorted_numbered_and_inside_the_window(s in arb_schedule(), cut in 0.0f64..1.0) {
        let span = (s.end - s.start).num_minutes();
        let until = s.start + TimeDelta::minutes((span as f64 * cut) as i64);
        let slots = all(&s, until);
        for (i, w) in slots.windows(2).enumerate() {
            prop_assert!(w[0].at < w[1].at, "slot times increase at {}", i);
            // Oozie's DST correction can move a cron's first fire after a weekend by an
            // hour onto (or past) the next one: only frequencies promise ordered nominals.
            if matches!(s.frequency, Frequency::Every(_)) {
                prop_assert!(w[0].nominal < w[1].nominal, "nominal times increase at {}", i);
            }
        }
        for (i, slot) in slots.iter().enumerate() {
            prop_assert_eq!(slot.number, i as u64 + 1);
            prop_assert!(slot.at < until && slot.at < s.end);
            match &s.frequency {
                Frequency::Every(e) if e.end_of.is_none() => prop_assert!(slot.at >= s.start),
                // endOf* moves the first slot to the end of its period.
                Frequency::Every(_) => prop_assert!(slot.at > s.start),
                Frequency::Cron(c) => {
                    prop_assert!(slot.at >= s.start);
                    // The slot is a fire time: the one right after the minute before it.
                    prop_assert_eq!(c.next_after(slot.at - TimeDelta::minutes(1)), Some(slot.at));
                    // Corrections move a time by at most the DST difference (an hour;
                    // Lord Howe-like half hours are not among these zones).
                    prop_assert!((slot.nominal - slot.at).num_minutes().abs() <= 60);
                }
            }
        }
    }

    #[test]
    fn days_keep_the_local_wall_clock_across_dst(
        start in arb_time(),
        n in 1i64..10,
        zone in 0..ZONES.len(),
        hour in 4u32..24,
    ) {
        let zone = Zone::parse(ZONES[zone]).unwrap();
        // A start at a local hour no DST switch of these zones skips or repeats.
        let local = zone.local(start);
        let local = local.with_hour(hour).unwrap();
        let start = zone.resolve_wall(local);
        let s = Schedule {
            start,
            end: start + TimeDelta::days(n * 60),
            zone,
            frequency: Frequency::Every(Every::new(n, Unit::Day)),
            pause: None,
        };
        let wall = zone.local(start).time();
        for slot in all(&s, s.end) {
            prop_assert_eq!(zone.local(slot.nominal).time(), wall);
        }
    }

    #[test]
    fn hours_keep_a_fixed_utc_step(start in arb_time(), n in 1i64..72, zone in 0..ZONES.len()) {
        let s = Schedule {
            start,
            end: start + TimeDelta::hours(n * 50),
            zone: Zone::parse(ZONES[zone]).unwrap(),
            frequency: Frequency::Every(Every::new(n, Unit::Hour)),
            pause: None,
        };
        let slots = all(&s, s.end);
        prop_assert_eq!(slots.len(), 50);
        for w in slots.windows(2) {
            prop_assert_eq!(w[1].nominal - w[0].nominal, TimeDelta::hours(n));
        }
    }
}
