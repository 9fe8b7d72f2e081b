//! The drawings the benchmarks time, shared by the criterion benchmark and the wasm
//! measurement (`examples/validate_wasm.rs`).

use shared::workflow::{Action, Edge, EdgeKind, Node, NodeKind, Point, Value, Workflow};

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
pub(crate) fn layered(layers: usize, width: usize, fan_in: usize) -> Workflow {
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
pub(crate) fn chain(n: usize) -> Workflow {
    with_cluster(
        "chain",
        (0..n).map(shell).collect(),
        (1..n)
            .map(|i| Edge::new(format!("task-{}", i - 1), format!("task-{i}"), EdgeKind::Ok))
            .collect(),
    )
}
