//! Any text as a cron (Oozie's five fields and Quartz's six or seven): parse errors are
//! fine; a cron that parses must give increasing fire times, each one a fire time.
#![no_main]

use chrono::{DateTime, TimeDelta, Utc};
use libfuzzer_sys::fuzz_target;
use shared::time::cron::{Cron, from_quartz};

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    let _ = from_quartz(text);
    let Ok(cron) = Cron::parse(text) else {
        return;
    };
    let start = DateTime::<Utc>::from_timestamp(1_262_304_000, 0).unwrap();
    let mut prev = start;
    for t in cron.iter_after(start).take(20) {
        assert!(t > prev, "{text}: {t} after {prev}");
        assert_eq!(cron.next_after(t - TimeDelta::minutes(1)), Some(t), "{text}");
        prev = t;
    }
});
