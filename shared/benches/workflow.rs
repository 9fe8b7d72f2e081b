//! Validation and export speed on large drawings (issue targets: validate a 10,000-node,
//! 30,000-edge DAG in < 5 ms native; export a 1,000-node workflow in < 10 ms).
//!
//! Run: `cargo bench -p shared --bench workflow`.

use std::hint::black_box;

use criterion::{Criterion, criterion_group, criterion_main};
use shared::oozie::to_workflow_xml;
use shared::workflow::{Edge, EdgeKind, Node, NodeKind, Point, ShellAction, Workflow, validate};

/// A deterministic pseudo-random generator (no dependency, same graph every run).
struct Lcg(u64);

impl Lcg {
    fn next(&mut self, bound: usize) -> usize {
        self.0 = self
            .0
            .wrapping_mul(6_364_136_223_846_793_005)
            .wrapping_add(1_442_695_040_888_963_407);
        ((self.0 >> 33) as usize) % bound
    }
}

fn shell(i: usize) -> Node {
    Node {
        name: format!("task-{i}"),
        position: Point::default(),
        kind: NodeKind::Shell(ShellAction {
            exec: "true".into(),
            arguments: vec![],
        }),
    }
}

/// `layers` layers of `width` actions; each action depends on `fan_in` random actions of
/// the layer before (a typical wide ETL shape, far from series-parallel).
fn layered(layers: usize, width: usize, fan_in: usize) -> Workflow {
    let mut rng = Lcg(7);
    let nodes: Vec<Node> = (0..layers * width).map(shell).collect();
    let mut edges = Vec::new();
    for layer in 1..layers {
        for i in 0..width {
            let to = layer * width + i;
            let mut from: Vec<usize> = (0..fan_in)
                .map(|_| (layer - 1) * width + rng.next(width))
                .collect();
            from.sort_unstable();
            from.dedup();
            for f in from {
                edges.push(Edge {
                    from: format!("task-{f}"),
                    to: format!("task-{to}"),
                    kind: EdgeKind::Ok,
                });
            }
        }
    }
    Workflow {
        name: "bench".into(),
        nodes,
        edges,
    }
}

/// A chain of `n` actions.
fn chain(n: usize) -> Workflow {
    Workflow {
        name: "chain".into(),
        nodes: (0..n).map(shell).collect(),
        edges: (1..n)
            .map(|i| Edge {
                from: format!("task-{}", i - 1),
                to: format!("task-{i}"),
                kind: EdgeKind::Ok,
            })
            .collect(),
    }
}

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
}

criterion_group! {
    name = workflow;
    config = Criterion::default().sample_size(10);
    targets = benches
}
criterion_main!(workflow);
