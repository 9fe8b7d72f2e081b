//! The editor's state: the workflow being edited, what is selected, the gesture in progress,
//! and the live validation derived from them. Edits go through [`EditorState`] so that
//! "unsaved changes" and selection bookkeeping stay right whatever made the edit.

use std::collections::HashSet;

use leptos::prelude::*;
use shared::api::WorkflowRecord;
use shared::workflow::{Edge, EditError, Issue, NodeType, Point, Severity, Workflow, validate};

use crate::canvas::drag::{Gesture, Outcome};

#[derive(Debug, Clone, PartialEq, Default)]
pub enum Selection {
    #[default]
    None,
    Node(String),
    Edge(Edge),
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
    pub workflow: RwSignal<Workflow>,
    /// The stored revision this edit started from (sent with a save to detect conflicts).
    pub revision: RwSignal<i64>,
    /// Counts edits; a save clears "unsaved" only if no edit happened while it was in flight.
    pub edits: RwSignal<u64>,
    pub saved_at_edit: RwSignal<u64>,
    pub selection: RwSignal<Selection>,
    pub gesture: RwSignal<Gesture>,
    pub status: RwSignal<Status>,
    /// A short-lived message about a refused gesture.
    pub notice: RwSignal<Option<String>>,
    /// Live validation: the shared crate's `validate`, running in wasm on every edit.
    pub issues: Memo<Vec<Issue>>,
    pub canvas: NodeRef<leptos::svg::Svg>,
}

impl EditorState {
    pub fn new(record: WorkflowRecord) -> Self {
        let workflow = RwSignal::new(record.definition);
        EditorState {
            id: record.id,
            workflow,
            revision: RwSignal::new(record.revision),
            edits: RwSignal::new(0),
            saved_at_edit: RwSignal::new(0),
            selection: RwSignal::new(Selection::None),
            gesture: RwSignal::new(Gesture::Idle),
            status: RwSignal::new(Status::default()),
            notice: RwSignal::new(None),
            issues: Memo::new(move |_| workflow.with(validate)),
            canvas: NodeRef::new(),
        }
    }

    /// Replaces what is edited with a stored record (after a restore): nothing unsaved, and
    /// nothing selected that may no longer exist.
    pub fn load(&self, record: WorkflowRecord) {
        self.selection.set(Selection::None);
        self.gesture.set(Gesture::Idle);
        self.workflow.set(record.definition);
        self.revision.set(record.revision);
        self.saved_at_edit.set(self.edits.get_untracked());
    }

    pub fn dirty(&self) -> bool {
        self.edits.get() != self.saved_at_edit.get()
    }

    /// Applies an edit that may be refused; only a successful one counts as a change.
    pub fn edit<T>(
        &self,
        f: impl FnOnce(&mut Workflow) -> Result<T, EditError>,
    ) -> Result<T, EditError> {
        let mut result = None;
        self.workflow.maybe_update(|wf| {
            let r = f(wf);
            let changed = r.is_ok();
            result = Some(r);
            changed
        });
        let result = result.expect("maybe_update runs the closure");
        if result.is_ok() {
            self.edits.update(|n| *n += 1);
        }
        result
    }

    pub fn add_node(&self, node_type: NodeType, at: Point) {
        if let Ok(name) = self.edit(|wf| Ok(wf.add_node(node_type, at))) {
            self.selection.set(Selection::Node(name));
        }
    }

    pub fn move_node(&self, name: &str, to: Point) {
        let _ = self.edit(|wf| {
            let node = wf
                .node_mut(name)
                .ok_or_else(|| EditError::NoSuchNode(name.to_owned()))?;
            node.position = to;
            Ok(())
        });
    }

    pub fn rename(&self, old: &str, new: &str) -> Result<(), EditError> {
        self.edit(|wf| wf.rename_node(old, new))?;
        if self.selection.get_untracked() == Selection::Node(old.to_owned()) {
            self.selection.set(Selection::Node(new.to_owned()));
        }
        Ok(())
    }

    pub fn delete_selection(&self) {
        match self.selection.get_untracked() {
            Selection::None => {}
            Selection::Node(name) => {
                let _ = self.edit(|wf| wf.remove_node(&name));
            }
            Selection::Edge(edge) => {
                let _ = self.edit(|wf| {
                    wf.disconnect(&edge);
                    Ok(())
                });
            }
        }
        self.selection.set(Selection::None);
    }

    /// Carries out what a finished gesture asks for.
    pub fn apply(&self, outcome: Outcome) {
        match outcome {
            Outcome::Nothing | Outcome::Moved { .. } => {}
            Outcome::AddNode { node_type, at } => self.add_node(node_type, at),
            Outcome::Select { node } => self.selection.set(Selection::Node(node)),
            Outcome::Connect { from, to, kind } => {
                if let Err(err) = self.edit(|wf| wf.connect(&from, &to, kind)) {
                    self.notice.set(Some(err.to_string()));
                }
            }
            Outcome::Refused(why) => self.notice.set(Some(why)),
        }
    }

    /// Nodes and edges named by issues of a severity, for highlighting.
    pub fn flagged_nodes(&self, severity: Severity) -> HashSet<String> {
        self.issues.with(|issues| {
            issues
                .iter()
                .filter(|i| i.severity == severity)
                .flat_map(|i| i.nodes.iter().cloned())
                .collect()
        })
    }

    pub fn flagged_edges(&self) -> HashSet<Edge> {
        self.issues.with(|issues| {
            issues
                .iter()
                .filter(|i| i.is_error())
                .flat_map(|i| i.edges.iter().cloned())
                .collect()
        })
    }
}
