//! The property panel: the selected node's fields, or the selected edge, or the workflow.
//!
//! Inputs are filled when the selection changes and write to the model as the user types,
//! except the node name, which is applied on change (Enter or leaving the field): renaming
//! on every keystroke would re-key the node and refuse half-typed duplicates.

use leptos::prelude::*;
use shared::workflow::{EditError, NodeKind};

use crate::state::{EditorState, Selection};

#[component]
pub fn Properties(state: EditorState) -> impl IntoView {
    move || match state.selection.get() {
        Selection::Node(name) => view! { <NodeForm state name/> }.into_any(),
        Selection::Edge(edge) => {
            let text = format!(
                "{} path from '{}' to '{}'",
                edge.kind.id(),
                edge.from,
                edge.to
            );
            view! {
                <section>
                    <h3>"Edge"</h3>
                    <p>{text}</p>
                    <button class="danger" data-testid="delete-edge" on:click=move |_| state.delete_selection()>
                        "Delete edge"
                    </button>
                </section>
            }
            .into_any()
        }
        Selection::None => view! { <WorkflowForm state/> }.into_any(),
    }
}

#[component]
fn WorkflowForm(state: EditorState) -> impl IntoView {
    let name = state.workflow.with_untracked(|w| w.name.clone());
    let set_name = move |ev| {
        let value = event_target_value(&ev);
        let _ = state.edit(|w| {
            w.name = value;
            Ok::<_, EditError>(())
        });
    };
    view! {
        <section>
            <h3>"Workflow"</h3>
            <label for="prop-workflow-name">"Name"</label>
            <input id="prop-workflow-name" data-testid="prop-workflow-name" prop:value=name on:input=set_name/>
            <p class="hint">"Select a node or an edge to edit it."</p>
        </section>
    }
}

#[component]
fn NodeForm(state: EditorState, name: String) -> impl IntoView {
    let Some(kind) = state
        .workflow
        .with_untracked(|w| w.node(&name).map(|n| n.kind.clone()))
    else {
        return ().into_any();
    };
    let name_error = RwSignal::new(None::<String>);
    let rename = {
        let name = name.clone();
        move |ev| {
            let input = event_target::<web_sys::HtmlInputElement>(&ev);
            let new = input.value().trim().to_owned();
            let refused = if new.is_empty() {
                Some("a node needs a name".to_owned())
            } else {
                state.rename(&name, &new).err().map(|e| e.to_string())
            };
            if let Some(why) = refused {
                name_error.set(Some(why));
                input.set_value(&name);
            }
        }
    };
    let fields = match kind {
        NodeKind::Shell(shell) => {
            let set_exec = edit_kind(state, &name, |kind, value| match kind {
                NodeKind::Shell(s) => {
                    s.exec = value;
                    Some(())
                }
                _ => None,
            });
            let set_args = edit_kind(state, &name, |kind, value| match kind {
                NodeKind::Shell(s) => {
                    s.arguments = value
                        .lines()
                        .map(str::trim)
                        .filter(|l| !l.is_empty())
                        .map(str::to_owned)
                        .collect();
                    Some(())
                }
                _ => None,
            });
            view! {
                <label for="prop-exec">"Command (exec)"</label>
                <input id="prop-exec" data-testid="prop-exec" placeholder="e.g. ${script} or echo"
                    prop:value=shell.exec on:input=set_exec/>
                <label for="prop-arguments">"Arguments, one per line"</label>
                <textarea id="prop-arguments" data-testid="prop-arguments"
                    prop:value=shell.arguments.join("\n") on:input=set_args></textarea>
            }
            .into_any()
        }
        NodeKind::Kill { message } => {
            let set_message = edit_kind(state, &name, |kind, value| match kind {
                NodeKind::Kill { message } => {
                    *message = value;
                    Some(())
                }
                _ => None,
            });
            view! {
                <label for="prop-message">"Message"</label>
                <textarea id="prop-message" data-testid="prop-message" prop:value=message on:input=set_message></textarea>
            }
            .into_any()
        }
        NodeKind::End => view! {
            <p class="hint">"Reaching the end node finishes the workflow successfully."</p>
        }
        .into_any(),
    };
    let node_type = state
        .workflow
        .with_untracked(|w| w.node(&name).map(|n| n.kind.node_type().label()))
        .unwrap_or_default();
    view! {
        <section>
            <h3>{format!("{node_type} node")}</h3>
            <label for="prop-name">"Name"</label>
            <input id="prop-name" data-testid="prop-name" prop:value=name.clone() on:change=rename
                on:input=move |_| name_error.set(None)/>
            {move || name_error.get().map(|e| view! { <p class="field-error" data-testid="prop-name-error">{e}</p> })}
            {fields}
            <p>
                <button class="danger" data-testid="delete-node" on:click=move |_| state.delete_selection()>
                    "Delete node"
                </button>
            </p>
        </section>
    }
    .into_any()
}

/// An input handler that writes the field's value into the named node's kind with `apply`,
/// which returns `None` when the node is not of the kind the form was made for.
fn edit_kind(
    state: EditorState,
    name: &str,
    apply: impl Fn(&mut NodeKind, String) -> Option<()> + Copy + 'static,
) -> impl Fn(leptos::ev::Event) + 'static {
    let name = name.to_owned();
    move |ev| {
        let value = event_target_value(&ev);
        let _ = state.edit(|w| {
            w.node_mut(&name)
                .and_then(|n| apply(&mut n.kind, value))
                .ok_or_else(|| EditError::NoSuchNode(name.clone()))
        });
    }
}
