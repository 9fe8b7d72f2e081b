//! Helpers for the shared crate's integration tests. Put builders here that more than one
//! test file needs; keep file-specific fixtures in their file.

use shared::workflow::{Edge, EdgeKind, Node, NodeKind, Point, ShellAction, Workflow};

/// `n` shell actions named `n0`, `n1`, … (command `true`), with the given edges between
/// them by index.
pub(crate) fn shells(
    n: usize,
    edges: impl IntoIterator<Item = (usize, usize, EdgeKind)>,
) -> Workflow {
    Workflow {
        name: "p".to_owned(),
        nodes: (0..n)
            .map(|i| Node {
                name: format!("n{i}"),
                position: Point::default(),
                kind: NodeKind::Shell(ShellAction {
                    exec: "true".to_owned(),
                    arguments: vec![],
                }),
            })
            .collect(),
        edges: edges
            .into_iter()
            .map(|(a, b, kind)| Edge {
                from: format!("n{a}"),
                to: format!("n{b}"),
                kind,
            })
            .collect(),
    }
}
