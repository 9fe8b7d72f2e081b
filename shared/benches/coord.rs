//! Coordinator time-core speed (issue 4 targets): materialize a year of a 5-minute
//! frequency, each action with one resolved dataset instance, in < 50 ms; the next 100
//! fire times of a cron in a DST zone in < 1 ms.
//!
//! Run: `cargo bench -p shared --bench coord`.

use std::hint::black_box;

use criterion::{Criterion, criterion_group, criterion_main};

mod fixtures;

fn benches(c: &mut Criterion) {
    let job = fixtures::five_minute_year();
    let count = job.schedule.iter().count();
    assert_eq!(count, 105_120);
    // What the scheduler does: each action made, handed on (stored), dropped.
    c.bench_function(
        "materialize a year of 5-minute actions with one instance each",
        |b| {
            b.iter(|| {
                let mut uris = 0;
                for slot in job.schedule.iter() {
                    let action = job.materialize(&slot, slot.nominal, "j").unwrap();
                    uris += action.inputs["in"].len();
                    black_box(&action);
                }
                assert_eq!(uris, 105_120);
            })
        },
    );
    // The same, all 105,120 kept in memory at once.
    c.bench_function("materialize a year of 5-minute actions, all kept", |b| {
        b.iter(|| {
            let mut actions = Vec::with_capacity(105_120);
            actions.extend(
                job.schedule
                    .iter()
                    .map(|s| job.materialize(&s, s.nominal, "j").unwrap()),
            );
            black_box(actions)
        })
    });
    c.bench_function("nominal times only, a year of 5 minutes", |b| {
        b.iter(|| black_box(job.schedule.iter().count()))
    });
    let cron = fixtures::weekday_cron_la();
    c.bench_function(
        "next 100 fire times of a weekday cron in Los Angeles",
        |b| b.iter(|| black_box(cron.materialize(cron.first_cursor(), cron.end, 100))),
    );
}

criterion_group! {
    name = coord;
    config = Criterion::default().sample_size(10);
    targets = benches
}
criterion_main!(coord);
