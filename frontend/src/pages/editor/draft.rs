//! The local draft: while a workflow has unsaved changes, the editor keeps a copy in the
//! browser's local storage after every edit, and drops it once saved. Reopening the
//! workflow after a crash, a closed tab or a lost connection offers the draft back.

use leptos::prelude::*;
use serde::{Deserialize, Serialize};
use shared::workflow::Workflow;

use crate::dom::storage;
use crate::state::EditorState;

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Draft {
    /// The stored revision the draft's edits started from.
    pub revision: i64,
    /// When it was last written (milliseconds since the epoch, the browser's clock).
    pub saved_at_ms: f64,
    pub workflow: Workflow,
}

fn key(id: i64) -> String {
    format!("sluice.draft.{id}")
}

/// The draft kept for a workflow, if it differs from what was loaded.
pub fn pending(id: i64, loaded: &Workflow) -> Option<Draft> {
    let draft: Draft = serde_json::from_str(&storage::get(&key(id))?).ok()?;
    (draft.workflow != *loaded).then_some(draft)
}

pub fn discard(id: i64) {
    storage::remove(&key(id));
}

/// Writes the draft after every edit while there are unsaved changes; removes it when
/// there are none.
pub fn keep(state: EditorState) {
    Effect::new(move |_| {
        let dirty = state.version.get() != state.saved_version.get();
        if dirty {
            let draft = Draft {
                revision: state.revision.get_untracked(),
                saved_at_ms: js_sys::Date::now(),
                workflow: state.workflow.get_untracked(),
            };
            if let Ok(text) = serde_json::to_string(&draft) {
                storage::set(&key(state.id), &text);
            }
        } else {
            discard(state.id);
        }
    });
}
