//! The editor's state: the workflow being edited, what is selected, the gesture in progress,
//! the undo history and the live validation derived from them. Edits go through
//! [`EditorState`] so that undo, "unsaved changes" and selection bookkeeping stay right
//! whatever made the edit.

mod clipboard;
mod scene;
mod undo;

use std::collections::{BTreeSet, HashSet};

use leptos::prelude::*;
use shared::api::WorkflowRecord;
use shared::workflow::layout::{Direction, LayoutOptions, layout};
use shared::workflow::{Edge, EditError, Issue, NodeType, Point, Severity, Workflow, validate};

pub use clipboard::Clipboard;
pub use scene::{EdgeCell, Flag, NodeCell};
use scene::{Flags, Scene};
use undo::Undo;

use crate::canvas::drag::{Click, Gesture, Outcome};
use crate::canvas::geometry::{Guide, NODE_H, NODE_W, Rect, Viewport, bounds};

#[derive(Debug, Clone, PartialEq, Default)]
pub enum Selection {
    #[default]
    None,
    /// One or more nodes (sorted, so the same set compares equal however it was made).
    Nodes(BTreeSet<String>),
    Edge(Edge),
}

impl Selection {
    /// These nodes, or nothing when there are none.
    pub fn of(nodes: BTreeSet<String>) -> Self {
        if nodes.is_empty() {
            Selection::None
        } else {
            Selection::Nodes(nodes)
        }
    }

    pub fn node(name: impl Into<String>) -> Self {
        Selection::Nodes(BTreeSet::from([name.into()]))
    }

    pub fn has_node(&self, name: &str) -> bool {
        matches!(self, Selection::Nodes(set) if set.contains(name))
    }

    pub fn nodes(&self) -> Vec<String> {
        match self {
            Selection::Nodes(set) => set.iter().cloned().collect(),
            _ => Vec::new(),
        }
    }
}

/// A line in the toolbar telling what just happened.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Status {
    pub text: String,
    pub error: bool,
}

impl Status {
    pub fn info(text: impl Into<String>) -> Self {
        Status {
            text: text.into(),
            error: false,
        }
    }
    pub fn error(text: impl Into<String>) -> Self {
        Status {
            text: text.into(),
            error: true,
        }
    }
}

#[derive(Clone, Copy)]
pub struct EditorState {
    pub id: i64,
    /// Changed only through the methods here, which keep the scene in step with it.
    pub workflow: RwSignal<Workflow>,
    /// The node names and the edges, in order: what the canvas has a view for. Set only
    /// when they change, not on every edit.
    pub names: RwSignal<Vec<String>>,
    pub edges: RwSignal<Vec<Edge>>,
    /// The stored revision this edit started from (sent with a save to detect conflicts).
    pub revision: RwSignal<i64>,
    /// Identifies the content: every edit makes a new one, undo and redo bring back the
    /// one they restore. "Unsaved" means it differs from the one last saved.
    pub version: RwSignal<u64>,
    pub saved_version: RwSignal<u64>,
    /// Bumped when the workflow is replaced as a whole (undo, redo, paste, load), so open
    /// forms read it again.
    pub reloads: RwSignal<u64>,
    /// Changed through [`EditorState::select`], which marks the cells too.
    pub selection: ReadSignal<Selection>,
    set_selection: WriteSignal<Selection>,
    pub gesture: RwSignal<Gesture>,
    /// The nodes being dragged and how far from their stored positions they are drawn.
    pub moving: ReadSignal<HashSet<String>>,
    set_moving: WriteSignal<HashSet<String>>,
    pub offset: RwSignal<Point>,
    pub guides: RwSignal<Vec<Guide>>,
    pub view: RwSignal<Viewport>,
    /// The canvas element's size in pixels.
    pub size: RwSignal<(f64, f64)>,
    /// Whether the canvas draws the workflow yet: not before the empty canvas is measured
    /// and the view fitted, so that thousands of nodes are laid out once, where they will
    /// be seen, and measuring does not force a layout of all of them.
    pub shown: RwSignal<bool>,
    pub status: RwSignal<Status>,
    /// A short-lived message about a refused gesture.
    pub notice: RwSignal<Option<String>>,
    /// Live validation: the shared crate's `validate`, running in wasm on every edit.
    pub issues: Memo<Vec<Issue>>,
    pub canvas: NodeRef<leptos::svg::Svg>,
    /// Whether undo and redo have something to do (for the buttons).
    pub can_undo: RwSignal<bool>,
    pub can_redo: RwSignal<bool>,
    /// Where the pointer last was on the canvas: where a paste lands.
    pub pointer: RwSignal<Option<Point>>,
    undo: StoredValue<Undo>,
    next_version: StoredValue<u64>,
    scene: StoredValue<Scene>,
}

impl EditorState {
    pub fn new(record: WorkflowRecord) -> Self {
        let workflow = RwSignal::new(record.definition);
        let (selection, set_selection) = signal(Selection::None);
        let (moving, set_moving) = signal(HashSet::new());
        let state = EditorState {
            id: record.id,
            workflow,
            names: RwSignal::new(Vec::new()),
            edges: RwSignal::new(Vec::new()),
            revision: RwSignal::new(record.revision),
            version: RwSignal::new(0),
            saved_version: RwSignal::new(0),
            reloads: RwSignal::new(0),
            selection,
            set_selection,
            gesture: RwSignal::new(Gesture::Idle),
            moving,
            set_moving,
            offset: RwSignal::new(Point::default()),
            guides: RwSignal::new(Vec::new()),
            view: RwSignal::new(Viewport::default()),
            size: RwSignal::new((1000.0, 700.0)),
            shown: RwSignal::new(false),
            status: RwSignal::new(Status::default()),
            notice: RwSignal::new(None),
            issues: Memo::new(move |_| workflow.with(validate)),
            canvas: NodeRef::new(),
            can_undo: RwSignal::new(false),
            can_redo: RwSignal::new(false),
            pointer: RwSignal::new(None),
            undo: StoredValue::new(Undo::default()),
            next_version: StoredValue::new(1),
            scene: StoredValue::new(Scene::default()),
        };
        state.redraw();
        state
    }

    /// Brings what the canvas draws in line with the workflow, after every change to it:
    /// views re-run only for the nodes and edges that differ (see `scene`).
    fn redraw(&self) {
        self.workflow.with_untracked(|w| {
            self.scene.update_value(|s| s.sync(w));
            let same_names = self.names.with_untracked(|n| {
                n.len() == w.nodes.len() && n.iter().zip(&w.nodes).all(|(a, b)| *a == b.name)
            });
            if !same_names {
                self.names
                    .set(w.nodes.iter().map(|n| n.name.clone()).collect());
            }
            if self.edges.with_untracked(|e| *e != w.edges) {
                self.edges.set(w.edges.clone());
            }
        });
        let flags = self.issues.with_untracked(|issues| {
            let mut flags = Flags::default();
            for issue in issues {
                let nodes = if issue.severity == Severity::Error {
                    flags.edges.extend(issue.edges.iter().cloned());
                    &mut flags.errors
                } else {
                    &mut flags.warnings
                };
                nodes.extend(issue.nodes.iter().cloned());
            }
            flags
        });
        self.scene.with_value(|s| s.flag(&flags));
        self.mark_selection();
    }

    fn mark_selection(&self) {
        self.selection.with_untracked(|sel| {
            let edge = match sel {
                Selection::Edge(e) => Some(e),
                _ => None,
            };
            self.scene
                .with_value(|s| s.select(&|name| sel.has_node(name), edge));
        });
    }

    /// Selects nodes or an edge (and marks them on the canvas).
    pub fn select(&self, selection: Selection) {
        if self.selection.with_untracked(|s| *s != selection) {
            self.set_selection.set(selection);
            self.mark_selection();
        }
    }

    /// A node's cell: what its view draws.
    pub fn cell(&self, name: &str) -> Option<NodeCell> {
        self.scene.with_value(|s| s.node(name))
    }

    pub fn edge_cell(&self, edge: &Edge) -> Option<EdgeCell> {
        self.scene.with_value(|s| s.edge(edge))
    }

    /// Starts drawing these nodes at the drag offset (and in the drag layer).
    pub fn start_moving(&self, nodes: HashSet<String>) {
        self.offset.set(Point::default());
        self.scene.with_value(|s| s.set_moving(&nodes));
        self.set_moving.set(nodes);
    }

    pub fn stop_moving(&self) {
        if self.moving.with_untracked(|m| !m.is_empty()) {
            let none = HashSet::new();
            self.scene.with_value(|s| s.set_moving(&none));
            self.set_moving.set(none);
            self.offset.set(Point::default());
        }
    }

    /// Replaces what is edited with a stored record (after a restore): nothing unsaved,
    /// nothing selected that may no longer exist, and nothing to undo into another version.
    pub fn load(&self, record: WorkflowRecord) {
        self.select(Selection::None);
        self.gesture.set(Gesture::Idle);
        self.workflow.set(record.definition);
        self.redraw();
        self.revision.set(record.revision);
        let v = self.fresh_version();
        self.version.set(v);
        self.saved_version.set(v);
        self.undo.update_value(Undo::clear);
        self.sync_undo();
        self.reloads.update(|n| *n += 1);
    }

    pub fn dirty(&self) -> bool {
        self.version.get() != self.saved_version.get()
    }

    /// Where a node is drawn (tracked): where it is stored, plus the drag offset while it
    /// moves. Only the moving nodes' readers listen to the offset.
    pub fn drawn(&self, cell: &NodeCell) -> Point {
        let at = cell.at.get();
        if cell.moving.get() {
            let o = self.offset.get();
            Point {
                x: at.x + o.x,
                y: at.y + o.y,
            }
        } else {
            at
        }
    }

    /// Where a node is drawn, by name (tracked).
    pub fn position(&self, name: &str) -> Option<Point> {
        self.cell(name).map(|c| self.drawn(&c))
    }

    fn fresh_version(&self) -> u64 {
        let v = self.next_version.get_value();
        self.next_version.set_value(v + 1);
        v
    }

    fn sync_undo(&self) {
        let (u, r) = self.undo.with_value(|h| (h.can_undo(), h.can_redo()));
        self.can_undo.set(u);
        self.can_redo.set(r);
    }

    /// Applies an edit that may be refused; a successful one is one undo step.
    pub fn edit<T>(
        &self,
        f: impl FnOnce(&mut Workflow) -> Result<T, EditError>,
    ) -> Result<T, EditError> {
        self.edit_as(None, f)
    }

    /// An edit made by typing into the field `key`: consecutive keystrokes in the same
    /// field are one undo step, as in a text editor.
    pub fn edit_typing<T>(
        &self,
        key: &str,
        f: impl FnOnce(&mut Workflow) -> Result<T, EditError>,
    ) -> Result<T, EditError> {
        self.edit_as(Some(key), f)
    }

    fn edit_as<T>(
        &self,
        typing: Option<&str>,
        f: impl FnOnce(&mut Workflow) -> Result<T, EditError>,
    ) -> Result<T, EditError> {
        let continues = self.undo.with_value(|h| h.continues(typing));
        let before = (!continues).then(|| self.workflow.get_untracked());
        let mut result = None;
        self.workflow.maybe_update(|wf| {
            let r = f(wf);
            let changed = r.is_ok();
            result = Some(r);
            changed
        });
        let result = result.expect("maybe_update runs the closure");
        if result.is_ok() {
            self.redraw();
            let version = self.version.get_untracked();
            if let Some(before) = before {
                self.undo
                    .update_value(|h| h.record(before, version, typing.map(str::to_owned)));
            }
            self.version.set(self.fresh_version());
            self.sync_undo();
        }
        result
    }

    pub fn undo(&self) {
        self.step_history(true);
    }

    pub fn redo(&self) {
        self.step_history(false);
    }

    fn step_history(&self, back: bool) {
        let current = (self.workflow.get_untracked(), self.version.get_untracked());
        let restored = self.undo.try_update_value(|h| {
            if back {
                h.undo(current)
            } else {
                h.redo(current)
            }
        });
        let Some(Some((wf, version))) = restored else {
            return;
        };
        // Keep only what still exists selected.
        let keep: BTreeSet<String> = self.selection.with_untracked(|s| {
            s.nodes()
                .into_iter()
                .filter(|n| wf.node(n).is_some())
                .collect()
        });
        self.workflow.set(wf);
        self.version.set(version);
        self.set_selection.set(Selection::of(keep));
        self.redraw();
        self.sync_undo();
        self.reloads.update(|n| *n += 1);
    }

    /// Adds a node of a type; dropped onto an edge, it goes between that edge's ends
    /// ([`Workflow::split_edge`]). One undo step either way.
    pub fn add_node(&self, node_type: NodeType, at: Point, into: Option<Edge>) {
        let added = self.edit(|wf| {
            let name = wf.add_node(node_type, at);
            if let Some(edge) = &into {
                wf.split_edge(edge, &name)?;
            }
            Ok(name)
        });
        if let Ok(name) = added {
            self.select(Selection::node(name));
        }
    }

    pub fn move_nodes(&self, nodes: &[String], by: Point) {
        let _ = self.edit(|wf| {
            for name in nodes {
                if let Some(node) = wf.node_mut(name) {
                    node.position.x += by.x;
                    node.position.y += by.y;
                }
            }
            Ok(())
        });
    }

    pub fn rename(&self, old: &str, new: &str) -> Result<(), EditError> {
        self.edit(|wf| wf.rename_node(old, new))?;
        if let Selection::Nodes(mut set) = self.selection.get_untracked()
            && set.remove(old)
        {
            set.insert(new.to_owned());
            self.select(Selection::Nodes(set));
        }
        Ok(())
    }

    /// Deletes the selected nodes (with their edges) or edge, as one undo step.
    pub fn delete_selection(&self) {
        match self.selection.get_untracked() {
            Selection::None => return,
            Selection::Nodes(names) => {
                let _ = self.edit(|wf| {
                    wf.remove_nodes(|n| names.contains(n));
                    Ok(())
                });
            }
            Selection::Edge(edge) => {
                let _ = self.edit(|wf| {
                    wf.disconnect(&edge);
                    Ok(())
                });
            }
        }
        self.select(Selection::None);
    }

    pub fn select_all(&self) {
        let all: BTreeSet<String> = self
            .workflow
            .with_untracked(|w| w.nodes.iter().map(|n| n.name.clone()).collect());
        self.select(Selection::of(all));
    }

    /// A click on a node: select it alone, or with Shift/Ctrl add or remove it.
    pub fn click(&self, node: String, click: Click) {
        match click {
            Click::Keep => return,
            Click::Only => {
                self.select(Selection::node(node));
                return;
            }
            Click::Toggle => {}
        }
        let mut set = match self.selection.get_untracked() {
            Selection::Nodes(set) => set,
            _ => BTreeSet::new(),
        };
        if !set.remove(&node) {
            set.insert(node);
        }
        self.select(Selection::of(set));
    }

    pub fn select_box(&self, area: Rect, additive: bool) {
        let hit: BTreeSet<String> = self.workflow.with_untracked(|w| {
            w.nodes
                .iter()
                .filter(|n| Rect::node(n.position).intersects(&area))
                .map(|n| n.name.clone())
                .collect()
        });
        let mut set = if additive {
            match self.selection.get_untracked() {
                Selection::Nodes(s) => s,
                _ => BTreeSet::new(),
            }
        } else {
            BTreeSet::new()
        };
        set.extend(hit);
        self.select(Selection::of(set));
    }

    /// Carries out what a finished gesture asks for.
    pub fn apply(&self, outcome: Outcome) {
        match outcome {
            Outcome::Nothing => {}
            Outcome::Deselect => self.select(Selection::None),
            Outcome::AddNode {
                node_type,
                at,
                into,
            } => self.add_node(node_type, at, into),
            Outcome::Moved { nodes, offset } => self.move_nodes(&nodes, offset),
            Outcome::Click { node, click } => self.click(node, click),
            Outcome::SelectBox { area, additive } => self.select_box(area, additive),
            Outcome::Connect { from, to, kind } => {
                match self.edit(|wf| wf.connect(&from, &to, kind)) {
                    Ok(()) => {
                        let edge = self.workflow.with_untracked(|w| w.edges.last().cloned());
                        if let Some(edge) = edge {
                            self.select(Selection::Edge(edge));
                        }
                    }
                    Err(err) => self.notice.set(Some(err.to_string())),
                }
            }
            Outcome::Refused(why) => self.notice.set(Some(why)),
        }
    }

    /// Lays the whole drawing out again (one undo step) and shows all of it.
    pub fn auto_layout(&self, direction: Direction) {
        let options = LayoutOptions {
            direction,
            node: (NODE_W, NODE_H),
            ..LayoutOptions::default()
        };
        let _ = self.edit(|wf| {
            layout(wf, &options);
            Ok(())
        });
        self.fit();
    }

    /// Zooms by `factor` about the middle of the canvas (buttons and keys).
    pub fn zoom_centre(&self, factor: f64) {
        let (w, h) = self.size.get_untracked();
        let centre = Point {
            x: w / 2.0,
            y: h / 2.0,
        };
        self.view.update(|v| *v = v.zoom_at(centre, factor));
    }

    /// Fits the drawing when some node is outside the current view (on opening).
    pub fn fit_if_hidden(&self) {
        let area = self
            .workflow
            .with_untracked(|w| bounds(w.nodes.iter().map(|n| &n.position)));
        let visible = self
            .view
            .with_untracked(|v| v.visible(self.size.get_untracked()));
        if area.is_some_and(|a| !visible.contains(&a)) {
            self.fit();
        }
    }

    /// Shows every node.
    pub fn fit(&self) {
        let area = self
            .workflow
            .with_untracked(|w| bounds(w.nodes.iter().map(|n| &n.position)));
        if let Some(area) = area {
            self.view
                .set(Viewport::fit(area, self.size.get_untracked(), 40.0));
        }
    }

    /// Selects a node and brings it to the middle of the screen.
    pub fn focus(&self, name: &str) {
        let Some(at) = self
            .workflow
            .with_untracked(|w| w.node(name).map(|n| n.position))
        else {
            return;
        };
        self.select(Selection::node(name));
        let centre = Point {
            x: at.x + NODE_W / 2.0,
            y: at.y + NODE_H / 2.0,
        };
        self.view.update(|v| {
            *v = v.centred_on(centre, self.size.get_untracked());
        });
    }

    /// The selected nodes and the edges between them, as clipboard text.
    pub fn copy(&self) -> Option<String> {
        let names = self.selection.with_untracked(Selection::nodes);
        if names.is_empty() {
            return None;
        }
        Some(
            self.workflow
                .with_untracked(|w| Clipboard::take(w, &names).to_text()),
        )
    }

    pub fn cut(&self) -> Option<String> {
        let text = self.copy()?;
        self.delete_selection();
        Some(text)
    }

    /// Pastes clipboard text: the nodes come in under fresh names where theirs are taken,
    /// placed at the pointer (or beside the originals), selected, as one undo step.
    /// Returns how many nodes came in, or why nothing did.
    pub fn paste(&self, text: &str) -> Result<usize, String> {
        let clip = Clipboard::from_text(text)?;
        let at = self.pointer.get_untracked();
        let names = self
            .edit(|wf| Ok(clip.paste_into(wf, at)))
            .map_err(|e| e.to_string())?;
        let count = names.len();
        self.select(Selection::of(names.into_iter().collect()));
        self.reloads.update(|n| *n += 1);
        Ok(count)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use shared::api::WorkflowRecord;
    use shared::workflow::EdgeKind;

    fn state() -> EditorState {
        let mut wf = Workflow::new("t");
        wf.add_node(NodeType::Action("shell"), Point::default());
        wf.add_node(NodeType::Action("shell"), Point { x: 300.0, y: 0.0 });
        wf.connect("shell-1", "shell-2", EdgeKind::Ok).unwrap();
        EditorState::new(WorkflowRecord {
            id: 1,
            revision: 1,
            updated_at: String::new(),
            definition: wf,
            published_version: None,
        })
    }

    fn names(s: &EditorState) -> Vec<String> {
        s.workflow
            .with_untracked(|w| w.nodes.iter().map(|n| n.name.clone()).collect())
    }

    #[test]
    fn every_edit_undoes_and_redoes_and_unsaved_follows_the_content() {
        let owner = Owner::new();
        owner.with(|| {
            let s = state();
            assert!(!s.dirty());
            s.add_node(NodeType::End, Point::default(), None);
            s.move_nodes(&["shell-1".into()], Point { x: 8.0, y: 8.0 });
            assert!(s.dirty());
            assert_eq!(names(&s), ["shell-1", "shell-2", "end-1"]);
            s.undo();
            assert_eq!(s.position("shell-1"), Some(Point::default()));
            s.undo();
            assert_eq!(names(&s), ["shell-1", "shell-2"]);
            assert!(!s.dirty(), "back to what was loaded");
            assert!(!s.can_undo.get_untracked());
            s.redo();
            s.redo();
            assert_eq!(s.position("shell-1"), Some(Point { x: 8.0, y: 8.0 }));
            assert!(!s.can_redo.get_untracked());
            // A new edit after an undo drops the redo branch.
            s.undo();
            s.select_all();
            s.delete_selection();
            assert!(names(&s).is_empty());
            assert!(!s.can_redo.get_untracked());
        });
    }

    #[test]
    fn the_scene_follows_edits_and_marks_only_what_changed() {
        let owner = Owner::new();
        owner.with(|| {
            let s = state();
            let one = s.cell("shell-1").unwrap();
            let two = s.cell("shell-2").unwrap();
            assert_eq!(s.names.get_untracked(), ["shell-1", "shell-2"]);
            // Moving one node sets that node's cell only.
            s.move_nodes(&["shell-1".into()], Point { x: 8.0, y: 0.0 });
            assert_eq!(one.at.get_untracked(), Point { x: 8.0, y: 0.0 });
            assert_eq!(two.at.get_untracked(), Point { x: 300.0, y: 0.0 });
            // Selection marks cells, nodes and edges alike.
            s.click("shell-2".into(), Click::Only);
            assert!(two.selected.get_untracked() && !one.selected.get_untracked());
            let edge = Edge::new("shell-1", "shell-2", EdgeKind::Ok);
            s.select(Selection::Edge(edge.clone()));
            assert!(!two.selected.get_untracked());
            assert!(s.edge_cell(&edge).unwrap().selected.get_untracked());
            // A renamed node gets a new cell; the selection follows it.
            s.select(Selection::node("shell-2"));
            s.rename("shell-2", "last").unwrap();
            assert!(s.cell("shell-2").is_none());
            assert!(s.cell("last").unwrap().selected.get_untracked());
            assert_eq!(s.names.get_untracked(), ["shell-1", "last"]);
            assert_eq!(s.scene.with_value(Scene::len), (2, 1));
            // Validation flags cells: a node nothing leads to is an error here.
            s.add_node(NodeType::Action("shell"), Point::default(), None);
            let added = s.selection.get_untracked().nodes().remove(0);
            let flag = s.cell(&added).unwrap().flag.get_untracked();
            assert_ne!(flag, Flag::Clean, "{:?}", s.issues.get_untracked());
            s.undo();
            assert!(s.cell(&added).is_none());
            // A drag draws the moving nodes at the offset, the others where they are.
            s.start_moving(HashSet::from(["shell-1".to_owned()]));
            s.offset.set(Point { x: 0.0, y: 16.0 });
            assert_eq!(s.position("shell-1"), Some(Point { x: 8.0, y: 16.0 }));
            assert_eq!(s.position("last"), Some(Point { x: 300.0, y: 0.0 }));
            s.stop_moving();
            assert_eq!(s.position("shell-1"), Some(Point { x: 8.0, y: 0.0 }));
        });
    }

    #[test]
    fn typing_in_one_field_is_one_step() {
        let owner = Owner::new();
        owner.with(|| {
            let s = state();
            for text in ["a", "ab", "abc"] {
                let _ = s.edit_typing("prop-workflow-name", |w| {
                    w.name = text.to_owned();
                    Ok(())
                });
            }
            s.undo();
            assert_eq!(s.workflow.with_untracked(|w| w.name.clone()), "t");
        });
    }

    #[test]
    fn dropping_onto_an_edge_splits_it() {
        let owner = Owner::new();
        owner.with(|| {
            let s = state();
            let edge = Edge::new("shell-1", "shell-2", EdgeKind::Ok);
            s.add_node(NodeType::Action("shell"), Point::default(), Some(edge));
            let edges: Vec<(String, String)> = s.workflow.with_untracked(|w| {
                w.edges
                    .iter()
                    .map(|e| (e.from.clone(), e.to.clone()))
                    .collect()
            });
            assert_eq!(
                edges,
                [
                    ("shell-1".to_owned(), "shell-3".to_owned()),
                    ("shell-3".to_owned(), "shell-2".to_owned())
                ]
            );
            assert_eq!(s.selection.get_untracked(), Selection::node("shell-3"));
            s.undo();
            assert_eq!(s.workflow.with_untracked(|w| w.edges.len()), 1);
        });
    }

    #[test]
    fn clicks_and_bands_select() {
        let owner = Owner::new();
        owner.with(|| {
            let s = state();
            s.click("shell-1".into(), Click::Only);
            s.click("shell-2".into(), Click::Toggle);
            assert_eq!(s.selection.get_untracked().nodes(), ["shell-1", "shell-2"]);
            s.click("shell-1".into(), Click::Toggle);
            assert_eq!(s.selection.get_untracked(), Selection::node("shell-2"));
            s.select_box(
                Rect {
                    x: -5.0,
                    y: -5.0,
                    w: 20.0,
                    h: 20.0,
                },
                true,
            );
            assert_eq!(s.selection.get_untracked().nodes(), ["shell-1", "shell-2"]);
        });
    }

    #[test]
    fn opening_fits_only_a_drawing_that_is_not_all_in_view() {
        let owner = Owner::new();
        owner.with(|| {
            let s = state();
            s.fit_if_hidden();
            assert_eq!(s.view.get_untracked(), Viewport::default());
            s.move_nodes(&["shell-2".into()], Point { x: 3000.0, y: 0.0 });
            s.fit_if_hidden();
            assert!(s.view.get_untracked().zoom < 1.0);
        });
    }

    #[test]
    fn cut_and_paste_bring_nodes_back_under_free_names() {
        let owner = Owner::new();
        owner.with(|| {
            let s = state();
            s.select_all();
            let text = s.copy().unwrap();
            assert_eq!(s.paste(&text), Ok(2));
            assert_eq!(
                names(&s),
                ["shell-1", "shell-2", "shell-1-copy", "shell-2-copy"]
            );
            // The edge between the copies came along.
            assert!(s.workflow.with_untracked(|w| w.edges.contains(&Edge::new(
                "shell-1-copy",
                "shell-2-copy",
                EdgeKind::Ok
            ))));
            s.undo();
            assert_eq!(names(&s), ["shell-1", "shell-2"]);
            s.select(Selection::node("shell-2"));
            let text = s.cut().unwrap();
            assert_eq!(names(&s), ["shell-1"]);
            assert_eq!(s.paste(&text), Ok(1));
            assert_eq!(names(&s), ["shell-1", "shell-2"]);
            assert!(s.paste("not ours").is_err());
        });
    }
}
