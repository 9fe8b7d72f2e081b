//! Times the coordinator time core where it is compiled: built for `wasm32-wasip1` and run
//! under Node's WASI, it measures the V8 WebAssembly engine the designer's schedule
//! preview runs in (issue target: the next 100 fire times of a cron in a DST zone in
//! < 5 ms).
//!
//! `cargo xtask bench-wasm` builds and runs it; natively: `cargo run --release -p shared
//! --example coord_wasm`.
// A timing harness around the library, not part of it: it may read the clock.
#![allow(clippy::disallowed_methods)]

use std::hint::black_box;
use std::time::{Duration, Instant};

#[path = "../benches/fixtures/mod.rs"]
mod fixtures;

fn main() {
    let cron = fixtures::weekday_cron_la();
    report(
        "next 100 fire times of a weekday cron in Los Angeles",
        200,
        || {
            black_box(cron.materialize(cron.first_cursor(), cron.end, 100));
        },
    );
    let job = fixtures::five_minute_year();
    report(
        "materialize a year of 5-minute actions with one instance each",
        5,
        || {
            for slot in job.schedule.iter() {
                black_box(job.materialize(&slot, slot.nominal, "j").unwrap());
            }
        },
    );
}

fn report(what: &str, runs: usize, mut f: impl FnMut()) {
    let mut times: Vec<Duration> = (0..runs)
        .map(|_| {
            let start = Instant::now();
            f();
            start.elapsed()
        })
        .collect();
    times.sort_unstable();
    let ms = |d: Duration| d.as_secs_f64() * 1000.0;
    println!(
        "{what}: median {:.3} ms, min {:.3} ms, max {:.3} ms ({runs} runs)",
        ms(times[runs / 2]),
        ms(times[0]),
        ms(times[runs - 1]),
    );
}
