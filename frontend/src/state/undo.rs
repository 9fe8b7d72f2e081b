//! The undo history: whole snapshots of the workflow, because every edit (a drag, a paste,
//! a layout, a keystroke) then undoes the same way and no edit can forget to record its
//! inverse. Memory is bounded by the nodes held, not the step count, so a small drawing
//! keeps many steps and a 5,000-node one still keeps dozens.

use std::collections::VecDeque;

use shared::workflow::Workflow;

/// Steps kept at most, and nodes held across all of them at most.
const MAX_STEPS: usize = 200;
const MAX_NODES: usize = 250_000;

#[derive(Default)]
pub struct Undo {
    /// Older states, oldest first, each with the content version it had.
    past: VecDeque<(Workflow, u64)>,
    future: Vec<(Workflow, u64)>,
    /// The field the last edit typed into, if it was typing.
    typing: Option<String>,
    nodes_held: usize,
}

impl Undo {
    pub fn can_undo(&self) -> bool {
        !self.past.is_empty()
    }

    pub fn can_redo(&self) -> bool {
        !self.future.is_empty()
    }

    /// Whether an edit typing into `field` continues the last step.
    pub fn continues(&self, field: Option<&str>) -> bool {
        field.is_some() && self.typing.as_deref() == field
    }

    /// Records the state before a new step; the redo branch is gone.
    pub fn record(&mut self, before: Workflow, version: u64, typing: Option<String>) {
        self.future.clear();
        self.nodes_held += before.nodes.len();
        self.past.push_back((before, version));
        self.typing = typing;
        while self.past.len() > MAX_STEPS || (self.nodes_held > MAX_NODES && self.past.len() > 1) {
            if let Some((old, _)) = self.past.pop_front() {
                self.nodes_held -= old.nodes.len();
            }
        }
    }

    pub fn undo(&mut self, current: (Workflow, u64)) -> Option<(Workflow, u64)> {
        let previous = self.past.pop_back()?;
        self.nodes_held -= previous.0.nodes.len();
        self.future.push(current);
        self.typing = None;
        Some(previous)
    }

    pub fn redo(&mut self, current: (Workflow, u64)) -> Option<(Workflow, u64)> {
        let next = self.future.pop()?;
        self.nodes_held += current.0.nodes.len();
        self.past.push_back(current);
        self.typing = None;
        Some(next)
    }

    pub fn clear(&mut self) {
        *self = Undo::default();
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use shared::workflow::{Node, NodeKind, Point};

    fn wf(nodes: usize) -> Workflow {
        let mut w = Workflow::new("w");
        w.nodes = (0..nodes)
            .map(|i| Node {
                name: format!("n{i}"),
                position: Point::default(),
                kind: NodeKind::End,
            })
            .collect();
        w
    }

    #[test]
    fn big_drawings_keep_fewer_steps_but_always_one() {
        let mut h = Undo::default();
        for v in 0..10 {
            h.record(wf(100_000), v, None);
        }
        assert_eq!(h.past.len(), 2);
        let mut h = Undo::default();
        h.record(wf(MAX_NODES + 1), 0, None);
        assert!(h.can_undo());
        for v in 0..300 {
            h.record(wf(0), v, None);
        }
        assert_eq!(h.past.len(), MAX_STEPS);
    }

    #[test]
    fn typing_continues_only_in_the_same_field_and_until_an_undo() {
        let mut h = Undo::default();
        h.record(wf(0), 0, Some("a".into()));
        assert!(h.continues(Some("a")));
        assert!(!h.continues(Some("b")));
        assert!(!h.continues(None));
        h.undo((wf(0), 1));
        assert!(!h.continues(Some("a")));
    }
}
