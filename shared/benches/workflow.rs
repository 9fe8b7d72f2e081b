//! Validation, export and import speed on large drawings (issue targets: validate a
//! 10,000-node, 30,000-edge DAG in < 5 ms native; export and re-import a 1,000-node
//! workflow in < 10 ms; auto-layout of a 1,000-node workflow in < 200 ms in the browser,
//! where wasm runs it a few times slower than this native figure).
//!
//! Run: `cargo bench -p shared --bench workflow`.

use std::hint::black_box;

use criterion::{Criterion, criterion_group, criterion_main};
use shared::oozie::{from_workflow_xml, to_workflow_xml};
use shared::workflow::layout::{LayoutOptions, layout};
use shared::workflow::validate;

mod graphs;

use graphs::{chain, layered};

fn benches(c: &mut Criterion) {
    let big = layered(100, 100, 3);
    eprintln!(
        "layered: {} nodes, {} edges",
        big.nodes.len(),
        big.edges.len()
    );
    c.bench_function("validate layered 10k nodes ~30k edges", |b| {
        b.iter(|| validate(black_box(&big)))
    });
    let long = chain(10_000);
    c.bench_function("validate chain 10k", |b| {
        b.iter(|| validate(black_box(&long)))
    });
    let medium = layered(40, 25, 3);
    c.bench_function("export layered 1k nodes", |b| {
        b.iter(|| to_workflow_xml(black_box(&medium)).unwrap())
    });
    for (label, layers, width) in [("1k", 40, 25), ("5k", 100, 50)] {
        let mut wf = layered(layers, width, 3);
        let crossings = layout(&mut wf, &LayoutOptions::default());
        eprintln!("layout {label}: {crossings} crossings left");
        c.bench_function(&format!("layout layered {label} nodes"), |b| {
            b.iter(|| layout(black_box(&mut wf), &LayoutOptions::default()))
        });
    }
    let xml = to_workflow_xml(&medium).unwrap();
    c.bench_function("import layered 1k nodes", |b| {
        b.iter(|| from_workflow_xml(black_box(&xml)).unwrap())
    });
}

criterion_group! {
    name = workflow;
    config = Criterion::default().sample_size(10);
    targets = benches
}
criterion_main!(workflow);
