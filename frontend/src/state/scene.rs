//! What the canvas draws, as small signals of its own per node and per edge.
//!
//! Why not let each node's view read the workflow: reactive_graph keeps a signal's
//! subscribers in an ordered set and a re-running view leaves each source in time
//! proportional to that source's subscriber count. With every view reading the one
//! workflow signal, one edit re-ran every view at O(n) each: O(n²), four seconds for a
//! layout of 5,000 nodes. Here one O(n) pass after each change (`Scene::sync`) compares
//! the workflow with what is drawn and sets only the cells that differ, so an edit re-runs
//! the views of what it changed and nothing else.
//!
//! Cells are `Arc` signals held by this map and by the views, not by a reactive owner, so
//! a cell lives exactly as long as its node and is not disposed with whatever effect
//! happened to create it.

use std::collections::{HashMap, HashSet};

use leptos::prelude::*;
use shared::workflow::{Edge, Node, NodeKind, NodeType, Point, Workflow};

/// How validation marks a node.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Flag {
    #[default]
    Clean,
    Warning,
    Error,
}

/// One node's drawing: where it is stored, its second line, and its marks.
#[derive(Clone)]
pub struct NodeCell {
    /// Fixed for a name: a node's type never changes in place.
    pub node_type: NodeType,
    pub at: ArcRwSignal<Point>,
    pub subtitle: ArcRwSignal<String>,
    pub selected: ArcRwSignal<bool>,
    pub flag: ArcRwSignal<Flag>,
    /// Part of a drag in progress: drawn at the drag offset, in the drag layer.
    pub moving: ArcRwSignal<bool>,
}

impl NodeCell {
    fn new(node: &Node) -> Self {
        NodeCell {
            node_type: node.kind.node_type(),
            at: ArcRwSignal::new(node.position),
            subtitle: ArcRwSignal::new(subtitle(node)),
            selected: ArcRwSignal::new(false),
            flag: ArcRwSignal::new(Flag::Clean),
            moving: ArcRwSignal::new(false),
        }
    }
}

#[derive(Clone)]
pub struct EdgeCell {
    pub selected: ArcRwSignal<bool>,
    pub invalid: ArcRwSignal<bool>,
}

/// Sets a cell only when the value differs, so its views hear of real changes only.
fn put<T: PartialEq + Send + Sync + 'static>(cell: &ArcRwSignal<T>, value: T) {
    if cell.with_untracked(|v| *v != value) {
        cell.set(value);
    }
}

/// The second line of a node on the canvas: what an action does, or what a control node is.
pub fn subtitle(node: &Node) -> String {
    match &node.kind {
        NodeKind::Action(action) => match action.summary() {
            Some(summary) => {
                let line = format!("{} · {summary}", action.action);
                if line.chars().count() > 24 {
                    line.chars().take(23).collect::<String>() + "…"
                } else {
                    line
                }
            }
            None => node.kind.node_type().label().to_lowercase(),
        },
        kind => kind.node_type().label().to_lowercase(),
    }
}

#[derive(Default)]
pub(crate) struct Scene {
    nodes: HashMap<String, NodeCell>,
    edges: HashMap<Edge, EdgeCell>,
}

/// What validation marks, by node and by edge.
#[derive(Default)]
pub(crate) struct Flags {
    pub errors: HashSet<String>,
    pub warnings: HashSet<String>,
    pub edges: HashSet<Edge>,
}

impl Scene {
    /// Brings the cells in line with the workflow: new nodes and edges get cells, removed
    /// ones lose theirs, and changed positions and subtitles are set.
    pub fn sync(&mut self, wf: &Workflow) {
        let mut seen = HashSet::with_capacity(wf.nodes.len());
        for node in &wf.nodes {
            seen.insert(node.name.as_str());
            match self.nodes.get(&node.name) {
                Some(cell) => {
                    put(&cell.at, node.position);
                    put(&cell.subtitle, subtitle(node));
                }
                None => {
                    self.nodes.insert(node.name.clone(), NodeCell::new(node));
                }
            }
        }
        if seen.len() != self.nodes.len() {
            self.nodes.retain(|name, _| seen.contains(name.as_str()));
        }
        let edges: HashSet<&Edge> = wf.edges.iter().collect();
        self.edges.retain(|e, _| edges.contains(e));
        for edge in edges {
            if !self.edges.contains_key(edge) {
                self.edges.insert(
                    edge.clone(),
                    EdgeCell {
                        selected: ArcRwSignal::new(false),
                        invalid: ArcRwSignal::new(false),
                    },
                );
            }
        }
    }

    pub fn flag(&self, flags: &Flags) {
        for (name, cell) in &self.nodes {
            let flag = if flags.errors.contains(name) {
                Flag::Error
            } else if flags.warnings.contains(name) {
                Flag::Warning
            } else {
                Flag::Clean
            };
            put(&cell.flag, flag);
        }
        for (edge, cell) in &self.edges {
            put(&cell.invalid, flags.edges.contains(edge));
        }
    }

    /// Marks what is selected: `nodes`, or the one edge.
    pub fn select(&self, nodes: &dyn Fn(&str) -> bool, edge: Option<&Edge>) {
        for (name, cell) in &self.nodes {
            put(&cell.selected, nodes(name));
        }
        for (e, cell) in &self.edges {
            put(&cell.selected, Some(e) == edge);
        }
    }

    pub fn set_moving(&self, moving: &HashSet<String>) {
        for (name, cell) in &self.nodes {
            put(&cell.moving, moving.contains(name));
        }
    }

    pub fn node(&self, name: &str) -> Option<NodeCell> {
        self.nodes.get(name).cloned()
    }

    pub fn edge(&self, edge: &Edge) -> Option<EdgeCell> {
        self.edges.get(edge).cloned()
    }

    #[cfg(test)]
    pub fn len(&self) -> (usize, usize) {
        (self.nodes.len(), self.edges.len())
    }
}
