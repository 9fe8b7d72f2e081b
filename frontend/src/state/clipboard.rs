//! Copied nodes as clipboard text: JSON with a marker, so a paste can tell Sluice nodes
//! from any other text, and so nodes travel between workflows and browser tabs through
//! the system clipboard. A paste is untrusted input: its size and node count are capped
//! and every node and edge goes through the model's own checks.

use std::collections::{HashMap, HashSet};

use serde::{Deserialize, Serialize};
use shared::workflow::{Edge, MAX_NODE_NAME_LEN, Node, Point, Workflow};

use crate::canvas::geometry::snap;

const MARKER: &str = "sluice/nodes";
/// Larger pastes are refused rather than freezing the tab.
const MAX_TEXT: usize = 8 * 1024 * 1024;
const MAX_NODES: usize = 10_000;
/// Where a paste lands, from the originals, when the pointer is not over the canvas.
const NUDGE: f64 = 40.0;

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Clipboard {
    sluice: String,
    nodes: Vec<Node>,
    edges: Vec<Edge>,
}

impl Clipboard {
    /// The named nodes and the edges among them.
    pub fn take(wf: &Workflow, names: &[String]) -> Clipboard {
        let set: HashSet<&str> = names.iter().map(String::as_str).collect();
        Clipboard {
            sluice: MARKER.to_owned(),
            nodes: wf
                .nodes
                .iter()
                .filter(|n| set.contains(n.name.as_str()))
                .cloned()
                .collect(),
            edges: wf
                .edges
                .iter()
                .filter(|e| set.contains(e.from.as_str()) && set.contains(e.to.as_str()))
                .cloned()
                .collect(),
        }
    }

    pub fn to_text(&self) -> String {
        serde_json::to_string(self).unwrap_or_default()
    }

    pub fn from_text(text: &str) -> Result<Clipboard, String> {
        const NOT_OURS: &str = "The clipboard holds no Sluice nodes (copy some with Ctrl+C first).";
        if text.len() > MAX_TEXT {
            return Err(format!(
                "The clipboard holds {} MB; pastes are limited to {} MB.",
                text.len() / (1024 * 1024),
                MAX_TEXT / (1024 * 1024)
            ));
        }
        let clip: Clipboard = serde_json::from_str(text).map_err(|_| NOT_OURS.to_owned())?;
        if clip.sluice != MARKER {
            return Err(NOT_OURS.to_owned());
        }
        if clip.nodes.len() > MAX_NODES {
            return Err(format!(
                "The clipboard holds {} nodes; a paste takes at most {MAX_NODES}.",
                clip.nodes.len()
            ));
        }
        Ok(clip)
    }

    /// Adds the nodes under names free in `wf` (`extract` becomes `extract-copy`, then
    /// `extract-copy-2`…), with their edges; the group's top-left goes to `at` when given,
    /// else a little below-right of where it was. Returns the new names.
    pub fn paste_into(&self, wf: &mut Workflow, at: Option<Point>) -> Vec<String> {
        let mut taken: HashSet<String> = wf.nodes.iter().map(|n| n.name.clone()).collect();
        let mut renamed: HashMap<&str, String> = HashMap::new();
        let left = self
            .nodes
            .iter()
            .map(|n| n.position.x)
            .fold(f64::INFINITY, f64::min);
        let top = self
            .nodes
            .iter()
            .map(|n| n.position.y)
            .fold(f64::INFINITY, f64::min);
        let shift = match at {
            Some(p) if left.is_finite() => {
                let to = snap(p);
                Point {
                    x: to.x - left,
                    y: to.y - top,
                }
            }
            _ => Point { x: NUDGE, y: NUDGE },
        };
        let mut added = Vec::new();
        for node in &self.nodes {
            if renamed.contains_key(node.name.as_str()) {
                continue;
            }
            let name = free_name(&node.name, &taken);
            taken.insert(name.clone());
            renamed.insert(&node.name, name.clone());
            let mut copy = node.clone();
            copy.name.clone_from(&name);
            copy.position.x += shift.x;
            copy.position.y += shift.y;
            wf.nodes.push(copy);
            added.push(name);
        }
        for edge in &self.edges {
            if let (Some(from), Some(to)) = (
                renamed.get(edge.from.as_str()),
                renamed.get(edge.to.as_str()),
            ) {
                let mut copy = edge.clone();
                copy.from.clone_from(from);
                copy.to.clone_from(to);
                if !wf.edges.contains(&copy) {
                    wf.edges.push(copy);
                }
            }
        }
        added
    }
}

fn free_name(name: &str, taken: &HashSet<String>) -> String {
    if !taken.contains(name) {
        return name.to_owned();
    }
    // Room for "-copy-NNNNN" within Oozie's name limit.
    let base: String = name.chars().take(MAX_NODE_NAME_LEN - 12).collect();
    (1..)
        .map(|i| {
            if i == 1 {
                format!("{base}-copy")
            } else {
                format!("{base}-copy-{i}")
            }
        })
        .find(|candidate| !taken.contains(candidate))
        .expect("an unbounded range always yields a free name")
}

#[cfg(test)]
mod tests {
    use super::*;
    use shared::workflow::{EdgeKind, NodeType};

    #[test]
    fn names_stay_free_and_within_oozie_limits() {
        let taken: HashSet<String> = ["a", "a-copy"].map(String::from).into();
        assert_eq!(free_name("b", &taken), "b");
        assert_eq!(free_name("a", &taken), "a-copy-2");
        let long = "x".repeat(128);
        let taken: HashSet<String> = [long.clone()].into();
        assert!(free_name(&long, &taken).len() <= MAX_NODE_NAME_LEN);
    }

    #[test]
    fn a_paste_lands_at_the_pointer_and_keeps_inner_edges_only() {
        let mut wf = Workflow::new("w");
        wf.add_node(NodeType::Action("shell"), Point { x: 100.0, y: 100.0 });
        wf.add_node(NodeType::Action("shell"), Point { x: 400.0, y: 100.0 });
        wf.add_node(NodeType::End, Point { x: 700.0, y: 100.0 });
        wf.connect("shell-1", "shell-2", EdgeKind::Ok).unwrap();
        wf.connect("shell-2", "end-1", EdgeKind::Ok).unwrap();
        let clip = Clipboard::take(&wf, &["shell-1".into(), "shell-2".into()]);
        let clip = Clipboard::from_text(&clip.to_text()).unwrap();
        let mut other = Workflow::new("other");
        let added = clip.paste_into(&mut other, Some(Point { x: 10.0, y: 20.0 }));
        assert_eq!(added, ["shell-1", "shell-2"]);
        assert_eq!(other.nodes[0].position, Point { x: 8.0, y: 24.0 });
        assert_eq!(other.nodes[1].position, Point { x: 308.0, y: 24.0 });
        assert_eq!(other.edges, [Edge::new("shell-1", "shell-2", EdgeKind::Ok)]);
    }

    #[test]
    fn other_text_and_huge_pastes_are_refused_with_a_reason() {
        assert!(
            Clipboard::from_text("hello")
                .unwrap_err()
                .contains("no Sluice nodes")
        );
        assert!(Clipboard::from_text(r#"{"sluice":"x","nodes":[],"edges":[]}"#).is_err());
        let huge = "x".repeat(MAX_TEXT + 1);
        assert!(Clipboard::from_text(&huge).unwrap_err().contains("limited"));
    }
}
