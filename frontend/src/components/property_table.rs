//! A table of name/value properties with add and remove: parameters (a default or none),
//! job.properties and an action's configuration. A row per property keeps what a text
//! area could not: a parameter without a default (Oozie asks for it at submission) and
//! each property's description. Values are EL fields.

use leptos::prelude::*;
use shared::el::catalog::{Function, WORKFLOW_FUNCTIONS};
use shared::workflow::action::Property;

use crate::components::ElField;
use crate::i18n::t;

/// A row being edited; `id` keys it while rows come and go.
#[derive(Debug, Clone, PartialEq)]
struct Row {
    id: u64,
    name: String,
    value: String,
    description: String,
}

/// What a table's value column means.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Values {
    /// Every property has a value (empty is a value).
    Required,
    /// Empty means none: a parameter without a default.
    Optional,
}

/// The properties the rows say: unnamed rows are still being typed and say nothing.
fn properties(rows: &[Row], values: Values) -> Vec<Property> {
    rows.iter()
        .filter(|r| !r.name.trim().is_empty())
        .map(|r| Property {
            name: r.name.trim().to_owned(),
            value: match values {
                Values::Optional if r.value.is_empty() => None,
                _ => Some(r.value.clone()),
            },
            description: (!r.description.trim().is_empty())
                .then(|| r.description.trim().to_owned()),
        })
        .collect()
}

#[component]
pub fn PropertyTable(
    #[prop(into)] testid: String,
    initial: Vec<Property>,
    values: Values,
    /// Whether rows have a description column.
    #[prop(optional)]
    described: bool,
    /// Names the values' expressions may use.
    names: Signal<Vec<String>>,
    /// The functions they may call: a workflow's, unless said otherwise.
    #[prop(default = WORKFLOW_FUNCTIONS)]
    functions: &'static [Function],
    on_change: Callback<Vec<Property>>,
) -> impl IntoView {
    let next = StoredValue::new(initial.len() as u64);
    let rows = RwSignal::new(
        initial
            .into_iter()
            .enumerate()
            .map(|(i, p)| Row {
                id: i as u64,
                name: p.name,
                value: p.value.unwrap_or_default(),
                description: p.description.unwrap_or_default(),
            })
            .collect::<Vec<_>>(),
    );
    let emit = move || on_change.run(rows.with_untracked(|r| properties(r, values)));
    let set = move |id: u64, f: Box<dyn FnOnce(&mut Row)>| {
        rows.update(|r| {
            if let Some(row) = r.iter_mut().find(|row| row.id == id) {
                f(row);
            }
        });
        emit();
    };
    let add = move |_| {
        let id = next.get_value();
        next.set_value(id + 1);
        rows.update(|r| {
            r.push(Row {
                id,
                name: String::new(),
                value: String::new(),
                description: String::new(),
            })
        });
    };
    let value_hint = match values {
        Values::Optional => t("Default (empty: none, to be given at submission)"),
        Values::Required => t("Value"),
    };
    let each = move || rows.get().into_iter().enumerate().collect::<Vec<_>>();
    let add_id = format!("{testid}-add");
    let table_id = testid.clone();
    view! {
        <div class="property-table" data-testid=table_id>
            <For each=each key=|(i, r)| (*i, r.id) let:item>
                {
                    let (i, row) = item;
                    let testid = testid.clone();
                    let id = row.id;
                    view! {
                        <div class="property-row">
                            <input class="name" data-testid=format!("{testid}-name-{i}") placeholder=t("Name")
                                aria-label=t("Name") prop:value=row.name.clone()
                                on:input=move |ev| {
                                    let v = event_target_value(&ev);
                                    set(id, Box::new(move |r| r.name = v));
                                }/>
                            <ElField id=format!("{testid}-value-{i}") initial=row.value.clone() names functions
                                on_text=Callback::new(move |v: String| set(id, Box::new(move |r| r.value = v)))/>
                            {described.then(|| view! {
                                <input class="description" data-testid=format!("{testid}-description-{i}")
                                    placeholder=t("Description") aria-label=t("Description")
                                    prop:value=row.description.clone()
                                    on:input=move |ev| {
                                        let v = event_target_value(&ev);
                                        set(id, Box::new(move |r| r.description = v));
                                    }/>
                            })}
                            <button class="link" data-testid=format!("{testid}-remove-{i}") aria-label=t("Remove")
                                title=t("Remove") on:click=move |_| {
                                    rows.update(|r| r.retain(|row| row.id != id));
                                    emit();
                                }>"×"</button>
                        </div>
                    }
                }
            </For>
            <p class="hint">{value_hint}</p>
            <button data-testid=add_id on:click=add>{t("Add")}</button>
        </div>
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn row(name: &str, value: &str) -> Row {
        Row {
            id: 0,
            name: name.into(),
            value: value.into(),
            description: String::new(),
        }
    }

    #[test]
    fn rows_say_what_they_hold_and_an_empty_default_is_none() {
        let rows = [row("a", ""), row(" ", "x"), row("b", "1")];
        let params = properties(&rows, Values::Optional);
        assert_eq!(params.len(), 2, "the unnamed row says nothing");
        assert_eq!(params[0].value, None);
        assert_eq!(params[1].value.as_deref(), Some("1"));
        let props = properties(&rows, Values::Required);
        assert_eq!(props[0].value.as_deref(), Some(""));
    }
}
