//! One drawing of two versions: what a version looked like, or what changed between two.
//! Pure, so the marking is tested natively; `components::versions` draws it.
//!
//! The drawing is the newer version plus what it lost (removed nodes at their old places,
//! removed edges between wherever their ends are drawn), each node and edge marked by the
//! structural diff of `shared::workflow::diff`.

use std::collections::{HashMap, HashSet};

use shared::workflow::diff::WorkflowDiff;
use shared::workflow::{Edge, EdgeKind, NodeType, Point, Workflow};

use super::geometry::{Rect, bounds};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Mark {
    Same,
    Added,
    Removed,
    /// Something Oozie sees changed (a field, the kind, a retry…).
    Changed,
    /// Only its place on the drawing.
    Moved,
}

impl Mark {
    pub fn class(self) -> &'static str {
        match self {
            Mark::Same => "same",
            Mark::Added => "added",
            Mark::Removed => "removed",
            Mark::Changed => "changed",
            Mark::Moved => "moved",
        }
    }
}

#[derive(Debug, Clone, PartialEq)]
pub struct DrawnNode {
    pub name: String,
    pub node_type: NodeType,
    pub at: Point,
    pub mark: Mark,
}

#[derive(Debug, Clone, PartialEq)]
pub struct DrawnEdge {
    pub from: Point,
    pub to: Point,
    pub kind: EdgeKind,
    pub mark: Mark,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Comparison {
    pub nodes: Vec<DrawnNode>,
    pub edges: Vec<DrawnEdge>,
    /// Everything drawn, for the SVG's view box.
    pub area: Option<Rect>,
}

/// `after` alone (every mark `Same`) or, with `before` and their diff, both at once.
pub fn compare(after: &Workflow, before: Option<(&Workflow, &WorkflowDiff)>) -> Comparison {
    let mut marks: HashMap<&str, Mark> = HashMap::new();
    let (mut added_edges, mut removed_edges) = (HashSet::new(), Vec::new());
    if let Some((_, d)) = before {
        for n in &d.nodes_added {
            marks.insert(n, Mark::Added);
        }
        for c in &d.nodes_changed {
            let mark = if c.moved && c.changes.is_empty() && !c.kind_changed {
                Mark::Moved
            } else {
                Mark::Changed
            };
            marks.insert(&c.name, mark);
        }
        added_edges.extend(d.edges_added.iter());
        removed_edges.extend(d.edges_removed.iter());
    }
    let mut nodes: Vec<DrawnNode> = after
        .nodes
        .iter()
        .map(|n| DrawnNode {
            name: n.name.clone(),
            node_type: n.kind.node_type(),
            at: n.position,
            mark: marks.get(n.name.as_str()).copied().unwrap_or(Mark::Same),
        })
        .collect();
    if let Some((old, d)) = before {
        let gone: HashSet<&str> = d.nodes_removed.iter().map(String::as_str).collect();
        nodes.extend(
            old.nodes
                .iter()
                .filter(|n| gone.contains(n.name.as_str()))
                .map(|n| DrawnNode {
                    name: n.name.clone(),
                    node_type: n.kind.node_type(),
                    at: n.position,
                    mark: Mark::Removed,
                }),
        );
    }
    let at: HashMap<&str, Point> = nodes.iter().map(|n| (n.name.as_str(), n.at)).collect();
    let drawn = |e: &Edge, mark: Mark| {
        Some(DrawnEdge {
            from: *at.get(e.from.as_str())?,
            to: *at.get(e.to.as_str())?,
            kind: e.kind,
            mark,
        })
    };
    let mut edges: Vec<DrawnEdge> = after
        .edges
        .iter()
        .filter_map(|e| {
            let mark = if added_edges.contains(e) {
                Mark::Added
            } else {
                Mark::Same
            };
            drawn(e, mark)
        })
        .collect();
    edges.extend(removed_edges.iter().filter_map(|e| drawn(e, Mark::Removed)));
    let area = bounds(nodes.iter().map(|n| &n.at));
    Comparison { nodes, edges, area }
}

#[cfg(test)]
mod tests {
    use super::*;
    use shared::workflow::diff::diff;

    fn chain(names: &[&str]) -> Workflow {
        let mut wf = Workflow::new_drawing("wf");
        for (i, name) in names.iter().enumerate() {
            let n = wf.add_node(
                NodeType::Action("shell"),
                Point {
                    x: i as f64 * 300.0,
                    y: 0.0,
                },
            );
            wf.rename_node(&n, name).unwrap();
        }
        for pair in names.windows(2) {
            wf.connect(pair[0], pair[1], EdgeKind::Ok).unwrap();
        }
        wf
    }

    fn mark_of(c: &Comparison, name: &str) -> Mark {
        c.nodes.iter().find(|n| n.name == name).unwrap().mark
    }

    #[test]
    fn both_versions_in_one_drawing_each_part_marked() {
        let old = chain(&["a", "b", "c"]);
        let mut new = chain(&["a", "b", "d"]);
        new.node_mut("a").unwrap().position.y = 80.0;
        if let Some(action) = new.node_mut("b").and_then(|n| n.kind.as_action_mut()) {
            *action = action.clone().with_text("exec", "echo changed");
        }
        let d = diff(&old, &new);
        let c = compare(&new, Some((&old, &d)));
        assert_eq!(mark_of(&c, "a"), Mark::Moved);
        assert_eq!(mark_of(&c, "b"), Mark::Changed);
        assert_eq!(mark_of(&c, "d"), Mark::Added);
        // The removed node is drawn where it was, and so is its removed edge.
        assert_eq!(mark_of(&c, "c"), Mark::Removed);
        let marks: Vec<Mark> = c.edges.iter().map(|e| e.mark).collect();
        assert_eq!(marks, [Mark::Same, Mark::Added, Mark::Removed]);
        assert_eq!(c.edges[2].to, Point { x: 600.0, y: 0.0 });
        assert!(c.area.is_some());
        // One version alone: nothing marked.
        let alone = compare(&old, None);
        assert!(alone.nodes.iter().all(|n| n.mark == Mark::Same));
        assert_eq!(alone.edges.len(), 2);
    }
}
