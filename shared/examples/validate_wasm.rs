//! Times `validate` on the benchmark's 10,000-node drawing where it is compiled: built for
//! `wasm32-wasip1` and run under Node's WASI, it measures the same V8 WebAssembly engine
//! the designer runs in (issue target: < 25 ms).
//!
//! `cargo xtask bench-wasm` builds and runs it; natively: `cargo run --release -p shared
//! --example validate_wasm`.
// A timing harness around the library, not part of it: it may read the clock.
#![allow(clippy::disallowed_methods)]

use std::time::{Duration, Instant};

use shared::workflow::{Workflow, validate};

#[path = "../benches/graphs/mod.rs"]
mod graphs;

fn main() {
    time("layered", &graphs::layered(100, 100, 3));
    time("chain", &graphs::chain(10_000));
}

fn time(what: &str, wf: &Workflow) {
    let runs = 30;
    let mut times: Vec<Duration> = (0..runs)
        .map(|_| {
            let start = Instant::now();
            let issues = validate(std::hint::black_box(wf));
            let took = start.elapsed();
            std::hint::black_box(issues);
            took
        })
        .collect();
    times.sort_unstable();
    let ms = |d: Duration| d.as_secs_f64() * 1000.0;
    println!(
        "validate {what} {} nodes, {} edges: median {:.2} ms, min {:.2} ms, max {:.2} ms ({runs} runs)",
        wf.nodes.len(),
        wf.edges.len(),
        ms(times[runs / 2]),
        ms(times[0]),
        ms(times[runs - 1]),
    );
}
