//! The property panel: the selected node's fields, or the selected edge, or the workflow.
//!
//! Action forms are generated from the action tables of `shared` (the same tables the XML
//! reader and writer use), so every field of every action type is editable and a field
//! added to a table shows up here without UI work. Test hooks are `prop-<field key>`.
//!
//! Inputs are filled when the selection changes and write to the model as the user types,
//! except the node name, which is applied on change (Enter or leaving the field): renaming
//! on every keystroke would re-key the node and refuse half-typed duplicates.

use leptos::prelude::*;
use shared::workflow::action::{FieldKind, FieldSpec, GLOBAL, Names, Property, lines};
use shared::workflow::{
    Action, EdgeKind, EditError, Fields, JobProperty, NodeKind, SchemaVersion, Value, Workflow,
};

use crate::components::{ElField, PropertyTable, Values};
use crate::i18n::{t, tf};
use crate::state::{EditorState, Selection};

/// The names an expression may use here: parameters and job properties.
fn defined_names(state: EditorState) -> Signal<Vec<String>> {
    Memo::new(move |_| {
        state
            .workflow
            .with(|w| w.defined_names().map(str::to_owned).collect::<Vec<_>>())
    })
    .into()
}

#[component]
pub fn Properties(state: EditorState) -> impl IntoView {
    // Forms are filled once; they are built again when the selection changes or the
    // workflow is replaced under them (undo, redo, paste).
    move || {
        state.reloads.track();
        match state.selection.get() {
            Selection::Nodes(set) if set.len() == 1 => {
                let name = set.into_iter().next().unwrap_or_default();
                view! { <NodeForm state name/> }.into_any()
            }
            Selection::Nodes(set) => {
                let count = set.len();
                view! {
                    <section data-testid="multi-selection">
                        <h3>{format!("{count} nodes selected")}</h3>
                        <p class="hint">{t("Drag one to move them all; Delete removes them; Ctrl+C copies them, with the edges between them.")}</p>
                        <button class="danger" data-testid="delete-selection" on:click=move |_| state.delete_selection()>
                            {tf("Delete {} nodes", &[&count])}
                        </button>
                    </section>
                }
                .into_any()
            }
            Selection::Edge(edge) => view! { <EdgeForm state edge/> }.into_any(),
            Selection::None => view! { <WorkflowForm state/> }.into_any(),
        }
    }
}

#[component]
fn EdgeForm(state: EditorState, edge: shared::workflow::Edge) -> impl IntoView {
    let text = format!(
        "{} path from '{}' to '{}'",
        edge.kind.id(),
        edge.from,
        edge.to
    );
    let predicate = (edge.kind == EdgeKind::Case).then(|| {
        let current = edge.predicate.clone();
        let set = move |ev| {
            let value = event_target_value(&ev);
            let Selection::Edge(selected) = state.selection.get_untracked() else {
                return;
            };
            let mut updated = selected.clone();
            updated.predicate = value;
            let applied = state.edit_typing("prop-predicate", |w| {
                let slot = w
                    .edges
                    .iter_mut()
                    .find(|e| **e == selected)
                    .ok_or_else(|| EditError::NoSuchNode(selected.from.clone()))?;
                slot.clone_from(&updated);
                Ok::<_, EditError>(())
            });
            if applied.is_ok() {
                state.select(Selection::Edge(updated));
            }
        };
        // Applied when the field is left (a change event bubbling from it): the edge is
        // keyed by its predicate, so re-keying it on every keystroke would redraw it.
        view! {
            <label for="prop-predicate">{t("Predicate (EL that must be true)")}</label>
            <div on:change=set>
                <ElField id="prop-predicate".to_owned() initial=current multiline=true
                    names=defined_names(state) on_text=Callback::new(|_| {})/>
            </div>
            <p class="hint">"Cases are tried in the order drawn; the first true one wins, else the default, e.g. ${wf:conf('mode') eq 'full'}."</p>
        }
    });
    view! {
        <section>
            <h3>{t("Edge")}</h3>
            <p>{text}</p>
            {predicate}
            <button class="danger" data-testid="delete-edge" on:click=move |_| state.delete_selection()>
                {t("Delete edge")}
            </button>
        </section>
    }
}

#[component]
fn WorkflowForm(state: EditorState) -> impl IntoView {
    let (name, schema, properties, parameters) = state.workflow.with_untracked(|w| {
        (
            w.name.clone(),
            w.schema,
            w.job_properties
                .iter()
                .map(|p| Property {
                    name: p.name.clone(),
                    value: Some(p.value.clone()),
                    description: None,
                })
                .collect::<Vec<_>>(),
            w.parameters.clone(),
        )
    });
    let set_properties = Callback::new(move |list: Vec<Property>| {
        let _ = state.edit_typing("job-properties", |w| {
            w.job_properties = list
                .into_iter()
                .map(|p| JobProperty {
                    name: p.name,
                    value: p.value.unwrap_or_default(),
                })
                .collect();
            Ok::<_, EditError>(())
        });
    });
    let set_parameters = Callback::new(move |list: Vec<Property>| {
        let _ = state.edit_typing("parameters", |w| {
            w.parameters = list;
            Ok::<_, EditError>(())
        });
    });
    let set = move |key: &'static str, apply: fn(&mut Workflow, String)| {
        move |ev| {
            let value = event_target_value(&ev);
            let _ = state.edit_typing(key, |w| {
                apply(w, value);
                Ok::<_, EditError>(())
            });
        }
    };
    let global = state.workflow.with_untracked(|w| w.global.clone());
    let versions = SchemaVersion::ALL.map(|v| {
        view! { <option value=v.id() selected=v == schema>{format!("workflow {}", v.id())}</option> }
    });
    view! {
        <section>
            <h3>{t("Workflow")}</h3>
            <label for="prop-workflow-name">{t("Name")}</label>
            <input id="prop-workflow-name" data-testid="prop-workflow-name" prop:value=name
                on:input=set("workflow-name", |w, v| w.name = v)/>
            <label for="prop-schema">{t("Oozie schema for export")}</label>
            <select id="prop-schema" data-testid="prop-schema"
                on:change=set("schema", |w, v| w.schema = SchemaVersion::parse(&v).unwrap_or_default())>
                {versions}
            </select>
            <h4>{t("Job properties (job.properties)")}</h4>
            <PropertyTable testid="prop-job-properties" initial=properties values=Values::Required
                names=defined_names(state) on_change=set_properties/>
            <h4>{t("Parameters")}</h4>
            <PropertyTable testid="prop-parameters" initial=parameters values=Values::Optional described=true
                names=defined_names(state) on_change=set_parameters/>
            <h4>{t("Defaults for every action (global)")}</h4>
            {field_inputs(state, FieldTarget::Global, GLOBAL, &global)}
            <p class="hint">{t("Select a node or an edge to edit it.")}</p>
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
        NodeKind::Action(action) => action_form(state, &name, &action),
        NodeKind::Kill { message } => {
            let node = name.clone();
            let set_message = move |value: String| {
                let _ = state.edit_typing("message", |w| match w.node_mut(&node).map(|n| &mut n.kind) {
                    Some(NodeKind::Kill { message }) => {
                        *message = value;
                        Ok(())
                    }
                    _ => Err(EditError::NoSuchNode(node.clone())),
                });
            };
            view! {
                <label for="prop-message">{t("Message")}</label>
                <ElField id="prop-message".to_owned() initial=message multiline=true
                    names=defined_names(state) on_text=Callback::new(set_message)/>
            }
            .into_any()
        }
        NodeKind::Decision => view! {
            <p class="hint">{t("Draw cases from the green port and the default from the red one; select a case to edit its predicate.")}</p>
        }
        .into_any(),
        NodeKind::End => view! {
            <p class="hint">{t("Reaching the end node finishes the workflow successfully.")}</p>
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
            <label for="prop-name">{t("Name")}</label>
            <input id="prop-name" data-testid="prop-name" prop:value=name.clone() on:change=rename
                on:input=move |_| name_error.set(None)/>
            {move || name_error.get().map(|e| view! { <p class="field-error" data-testid="prop-name-error">{e}</p> })}
            {fields}
            <p>
                <button class="danger" data-testid="delete-node" on:click=move |_| state.delete_selection()>
                    {t("Delete node")}
                </button>
            </p>
        </section>
    }
    .into_any()
}

/// Where a field form writes: a node's action fields (or a group inside them), or the
/// workflow's global defaults.
#[derive(Clone, PartialEq)]
enum FieldTarget {
    Node {
        node: String,
        group: Option<&'static str>,
    },
    Global,
}

impl FieldTarget {
    fn fields_mut<'a>(&self, w: &'a mut Workflow) -> Option<&'a mut Fields> {
        let fields = match self {
            FieldTarget::Global => return Some(&mut w.global),
            FieldTarget::Node { node, .. } => &mut w.node_mut(node)?.kind.as_action_mut()?.fields,
        };
        match self {
            FieldTarget::Node {
                group: Some(group), ..
            } => {
                if !matches!(fields.0.get(*group), Some(Value::Group(_))) {
                    fields
                        .0
                        .insert((*group).to_owned(), Value::Group(Fields::default()));
                }
                match fields.0.get_mut(*group) {
                    Some(Value::Group(inner)) => Some(inner),
                    _ => None,
                }
            }
            _ => Some(fields),
        }
    }

    /// Writes one field; an emptied group disappears with its last field. Keystrokes in
    /// one field are one undo step.
    fn write(&self, state: EditorState, key: &'static str, value: Value) {
        let target = self.clone();
        let field = match &target {
            FieldTarget::Global => format!("global/{key}"),
            FieldTarget::Node { node, group } => format!("{node}/{}/{key}", group.unwrap_or("")),
        };
        let _ = state.edit_typing(&field, |w| {
            let fields = target
                .fields_mut(w)
                .ok_or_else(|| EditError::NoSuchNode(String::new()))?;
            fields.set(key, value);
            if let FieldTarget::Node {
                node,
                group: Some(group),
            } = &target
                && let Some(action) = w.node_mut(node).and_then(|n| n.kind.as_action_mut())
                && action.fields.group(group).is_none()
            {
                action.fields.0.remove(*group);
            }
            Ok::<_, EditError>(())
        });
    }
}

fn action_form(state: EditorState, name: &str, action: &Action) -> AnyView {
    let attrs = action_attributes(state, name, action);
    let Some(spec) = action.spec() else {
        let node = name.to_owned();
        let set_xml = move |ev| {
            let value = event_target_value(&ev);
            let _ = state.edit(|w| {
                let action = w
                    .node_mut(&node)
                    .and_then(|n| n.kind.as_action_mut())
                    .ok_or_else(|| EditError::NoSuchNode(node.clone()))?;
                action.xml = Some(value);
                Ok::<_, EditError>(())
            });
        };
        return view! {
            <p class="hint">{tf("A {} action, kept exactly as written in the XML:", &[&action.action])}</p>
            <textarea id="prop-xml" data-testid="prop-xml" class="code"
                prop:value=action.xml.clone().unwrap_or_default() on:change=set_xml></textarea>
            {attrs}
        }
        .into_any();
    };
    let target = FieldTarget::Node {
        node: name.to_owned(),
        group: None,
    };
    let hint =
        task_hint(spec.id).map(|h| view! { <p class="hint" data-testid="task-hint">{h}</p> });
    view! {
        {hint}
        {field_inputs(state, target, spec.fields, &action.fields)}
        {attrs}
    }
    .into_any()
}

/// What a Sluice task does here and what Oozie gets instead.
fn task_hint(id: &str) -> Option<&'static str> {
    Some(match id {
        "python" => t(
            "Runs the script with the server's Python; printed name=value lines become wf:actionData with capture output. The script is not EL. Oozie gets a shell action and the script as <node>.py.",
        ),
        "sql" => t(
            "Runs the statement (EL resolved) against a datasource an admin set up; the last SELECT's row count and first rows become wf:actionData. Oozie gets a hive2 action whose JDBC URL you must set.",
        ),
        "dependent" => t(
            "Waits until the named workflow has a SUCCEEDED run for the same period (or offset periods back), looking every interval seconds, failing after timeout minutes. In Oozie the wait belongs to the coordinator: see dependencies.xml in the export.",
        ),
        _ => return None,
    })
}

/// How a choice reads in the form (a Dependent task's period).
fn choice_label(choice: &'static str) -> &'static str {
    match choice {
        "hour" => t("the same hour"),
        "day" => t("the same day"),
        "week" => t("the same week (Monday to Monday)"),
        "month" => t("the same month"),
        other => other,
    }
}

/// The names a [`FieldKind::Named`] field suggests. Read once per form; a name not
/// listed may still be typed.
fn suggestions(of: Names) -> RwSignal<Vec<String>> {
    let names = RwSignal::new(Vec::new());
    leptos::task::spawn_local(async move {
        let found: Vec<String> = match of {
            Names::Datasources => crate::api::datasources::names().await.unwrap_or_default(),
            Names::Workflows => crate::api::list_workflows(String::new(), 0, 500)
                .await
                .map(|p| p.items.into_iter().map(|w| w.name).collect())
                .unwrap_or_default(),
        };
        names.set(found);
    });
    names
}

/// Retry and credentials: attributes of the `<action>` element.
fn action_attributes(state: EditorState, name: &str, action: &Action) -> impl IntoView + use<> {
    let attr = |label: &'static str, key: &'static str, value: Option<String>| {
        let node = name.to_owned();
        let set = move |ev| {
            let value = event_target_value(&ev);
            let value = (!value.trim().is_empty()).then(|| value.trim().to_owned());
            let _ = state.edit_typing(&format!("{node}/@{key}"), |w| {
                let action = w
                    .node_mut(&node)
                    .and_then(|n| n.kind.as_action_mut())
                    .ok_or_else(|| EditError::NoSuchNode(node.clone()))?;
                match key {
                    "retry-max" => action.retry_max = value,
                    "retry-interval" => action.retry_interval = value,
                    "retry-policy" => action.retry_policy = value,
                    _ => action.cred = value,
                }
                Ok::<_, EditError>(())
            });
        };
        let id = format!("prop-{key}");
        view! {
            <label for=id.clone()>{label}</label>
            <input id=id.clone() data-testid=id prop:value=value.unwrap_or_default() on:input=set/>
        }
    };
    view! {
        <details class="attributes">
            <summary>{t("Retries and credentials")}</summary>
            {attr("Retry max", "retry-max", action.retry_max.clone())}
            {attr("Retry interval (minutes)", "retry-interval", action.retry_interval.clone())}
            {attr("Retry policy (periodic or exponential)", "retry-policy", action.retry_policy.clone())}
            {attr("Credentials (comma-separated)", "cred", action.cred.clone())}
        </details>
    }
}

/// One input per field of a table, in schema order.
fn field_inputs(
    state: EditorState,
    target: FieldTarget,
    specs: &'static [FieldSpec],
    values: &Fields,
) -> impl IntoView + use<> {
    specs
        .iter()
        .map(|spec| field_input(state, target.clone(), spec, values))
        .collect_view()
}

fn label_of(spec: &FieldSpec) -> String {
    let mut label = spec.key.replace(['-', '_', '.'], " ");
    if let Some(first) = label.get_mut(0..1) {
        first.make_ascii_uppercase();
    }
    if spec.required {
        label.push_str(" *");
    }
    label
}

fn field_input(
    state: EditorState,
    target: FieldTarget,
    spec: &'static FieldSpec,
    values: &Fields,
) -> AnyView {
    let key = spec.key;
    let id = match &target {
        FieldTarget::Node {
            group: Some(group), ..
        } => format!("prop-{group}-{key}"),
        FieldTarget::Global => format!("prop-global-{key}"),
        FieldTarget::Node { .. } => format!("prop-{key}"),
    };
    let label = label_of(spec);
    match spec.kind {
        FieldKind::Code => {
            let current = values.text(key).unwrap_or_default().to_owned();
            let set = move |ev| {
                let v = event_target_value(&ev);
                let value = if v.is_empty() {
                    Value::Texts(Vec::new())
                } else {
                    Value::Text(v)
                };
                target.write(state, key, value);
            };
            view! {
                <label for=id.clone()>{label}</label>
                <textarea id=id.clone() data-testid=id class="code" spellcheck="false"
                    prop:value=current on:input=set></textarea>
            }
            .into_any()
        }
        FieldKind::Choice(choices) => {
            let current = values.text(key).unwrap_or(choices[0]).to_owned();
            let set = move |ev| target.write(state, key, Value::Text(event_target_value(&ev)));
            view! {
                <label for=id.clone()>{label}</label>
                <select id=id.clone() data-testid=id prop:value=current on:change=set>
                    {choices.iter().map(|c| view! { <option value=*c>{choice_label(c)}</option> }).collect_view()}
                </select>
            }
            .into_any()
        }
        FieldKind::Named(of) => {
            let current = values.text(key).unwrap_or_default().to_owned();
            let names = suggestions(of);
            let list = format!("{id}-names");
            let set = move |ev| {
                let v = event_target_value(&ev);
                let value = if v.trim().is_empty() {
                    Value::Texts(Vec::new())
                } else {
                    Value::Text(v.trim().to_owned())
                };
                target.write(state, key, value);
            };
            view! {
                <label for=id.clone()>{label}</label>
                <input id=id.clone() data-testid=id list=list.clone() prop:value=current on:input=set autocomplete="off"/>
                <datalist id=list>
                    {move || names.get().into_iter().map(|n| view! { <option value=n/> }).collect_view()}
                </datalist>
            }
            .into_any()
        }
        FieldKind::Text => {
            let current = values.text(key).unwrap_or_default().to_owned();
            let empty = RwSignal::new(current.trim().is_empty());
            let set = move |v: String| {
                empty.set(v.trim().is_empty());
                let value = if v.is_empty() {
                    Value::Texts(Vec::new())
                } else {
                    Value::Text(v)
                };
                target.write(state, key, value);
            };
            let required = spec.required;
            let hook = format!("{id}-required");
            view! {
                <label for=id.clone()>{label}</label>
                <ElField id=id.clone() initial=current names=defined_names(state) on_text=Callback::new(set)/>
                {move || (required && empty.get()).then(|| view! {
                    <p class="field-warning" data-testid=hook.clone()>{t("Required: Oozie rejects the action without it.")}</p>
                })}
            }
            .into_any()
        }
        FieldKind::Texts => {
            let current = values.texts(key).join("\n");
            let set = move |v: String| {
                let list = v
                    .lines()
                    .map(str::trim)
                    .filter(|l| !l.is_empty())
                    .map(str::to_owned)
                    .collect();
                target.write(state, key, Value::Texts(list));
            };
            view! {
                <label for=id.clone()>{format!("{label} (one per line)")}</label>
                <ElField id=id.clone() initial=current multiline=true names=defined_names(state)
                    on_text=Callback::new(set)/>
            }
            .into_any()
        }
        FieldKind::Flag => {
            let current = values.flag(key);
            let set = move |ev| {
                let checked = event_target_checked(&ev);
                target.write(state, key, Value::Flag(checked));
            };
            view! {
                <label class="check">
                    <input type="checkbox" data-testid=id prop:checked=current on:change=set/>
                    {label}
                </label>
            }
            .into_any()
        }
        FieldKind::Config => {
            let current = values.properties(key).to_vec();
            let set = move |list: Vec<Property>| target.write(state, key, Value::Properties(list));
            view! {
                <label>{label}</label>
                <PropertyTable testid=id initial=current values=Values::Required described=true
                    names=defined_names(state) on_change=Callback::new(set)/>
            }
            .into_any()
        }
        FieldKind::Prepare | FieldKind::FsOps => {
            let current = values
                .ops(key)
                .iter()
                .map(lines::op_to_line)
                .collect::<Vec<_>>()
                .join("\n");
            let error = RwSignal::new(None::<String>);
            let set = move |ev| {
                let v = event_target_value(&ev);
                let parsed: Result<Vec<_>, String> = v
                    .lines()
                    .map(str::trim)
                    .filter(|l| !l.is_empty())
                    .map(lines::op_from_line)
                    .collect();
                match parsed {
                    Ok(ops) => {
                        error.set(None);
                        target.write(state, key, Value::Ops(ops));
                    }
                    Err(e) => error.set(Some(e)),
                }
            };
            view! {
                <label for=id.clone()>{format!("{label} (one operation per line: delete PATH, mkdir PATH, move A B, …)")}</label>
                <textarea id=id.clone() data-testid=id prop:value=current on:change=set></textarea>
                {move || error.get().map(|e| view! { <p class="field-error">{e}</p> })}
            }
            .into_any()
        }
        FieldKind::Group(inner) => {
            let FieldTarget::Node { node, .. } = target else {
                // Global's launcher: edited as part of an action group in 1.0 only; keep
                // the global form short.
                return ().into_any();
            };
            let group_values = values.group(key).cloned().unwrap_or_default();
            let inner_target = FieldTarget::Node {
                node,
                group: Some(key),
            };
            view! {
                <details class="group" open=values.group(key).is_some()>
                    <summary>{label}</summary>
                    {field_inputs(state, inner_target, inner, &group_values)}
                </details>
            }
            .into_any()
        }
    }
}
