//! Validation, export and import speed on large drawings (issue targets: validate a
//! 10,000-node, 30,000-edge DAG in < 5 ms native; export and re-import a 1,000-node
//! workflow in < 10 ms).
//!
//! Run: `cargo bench -p shared --bench workflow`.

use std::hint::black_box;

use criterion::{Criterion, criterion_group, criterion_main};
use shared::oozie::{from_workflow_xml, to_workflow_xml};
use shared::workflow::{Action, Edge, EdgeKind, Node, NodeKind, Point, Value, Workflow, validate};

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
        kind: NodeKind::Action(Action::new("shell").with_text("exec", "true")),
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
                edges.push(Edge::new(
                    format!("task-{f}"),
                    format!("task-{to}"),
                    EdgeKind::Ok,
                ));
            }
        }
    }
    with_cluster("bench", nodes, edges)
}

fn with_cluster(name: &str, nodes: Vec<Node>, edges: Vec<Edge>) -> Workflow {
    let mut wf = Workflow::new(name);
    wf.global
        .set("resource-manager", Value::Text("localhost:8032".into()));
    wf.global
        .set("name-node", Value::Text("hdfs://localhost:8020".into()));
    wf.nodes = nodes;
    wf.edges = edges;
    wf
}

/// A chain of `n` actions.
fn chain(n: usize) -> Workflow {
    with_cluster(
        "chain",
        (0..n).map(shell).collect(),
        (1..n)
            .map(|i| Edge::new(format!("task-{}", i - 1), format!("task-{i}"), EdgeKind::Ok))
            .collect(),
    )
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
