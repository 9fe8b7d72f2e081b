//! Start an instance of the saved workflow now, with parameters: each `<parameters>`
//! entry with its default (those without one must be given, as Oozie asks at
//! submission), more properties as `name=value` lines, and whether to hold it in PREP. What
//! it will run with is shown before it starts.

use std::collections::BTreeMap;

use leptos::prelude::*;
use leptos::task::spawn_local;
use leptos_router::hooks::use_navigate;
use shared::api::RunRequest;

use crate::api;
use crate::i18n::{t, tf};
use crate::pages::timeline::parse_properties;
use crate::state::EditorState;

#[component]
pub fn RunPanel(state: EditorState, on_close: Callback<()>) -> impl IntoView {
    let parameters = state.workflow.with_untracked(|w| w.parameters.clone());
    let values: Vec<(String, Option<String>, RwSignal<String>)> = parameters
        .iter()
        .map(|p| {
            (
                p.name.clone(),
                p.description.clone(),
                RwSignal::new(p.value.clone().unwrap_or_default()),
            )
        })
        .collect();
    let required: Vec<String> = parameters
        .iter()
        .filter(|p| p.value.is_none())
        .map(|p| p.name.clone())
        .collect();
    let extra = RwSignal::new(String::new());
    let hold = RwSignal::new(false);
    let busy = RwSignal::new(false);
    let message = RwSignal::new(None::<(bool, String)>);
    // The request the summary shows, waiting for Start.
    let planned = RwSignal::new(None::<RunRequest>);

    let request = {
        let values = values.clone();
        move || -> Result<RunRequest, String> {
            if state.dirty() {
                return Err(t("Save the workflow first: a run uses its saved version.").to_owned());
            }
            let mut properties = BTreeMap::new();
            for (name, _, value) in &values {
                let v = value.get_untracked();
                if v.is_empty() && required.contains(name) {
                    return Err(tf("{} has no default: give it a value.", &[name]));
                }
                if !v.is_empty() {
                    properties.insert(name.clone(), v);
                }
            }
            properties.extend(parse_properties(&extra.get_untracked())?);
            Ok(RunRequest {
                version: Some(state.revision.get_untracked()),
                properties,
                hold: hold.get_untracked(),
            })
        }
    };
    let review = move |_| match request() {
        Ok(r) => {
            message.set(None);
            planned.set(Some(r));
        }
        Err(e) => message.set(Some((true, e))),
    };
    let navigate = use_navigate();
    let start = move |_| {
        let Some(request) = planned.get_untracked() else {
            return;
        };
        let navigate = navigate.clone();
        busy.set(true);
        spawn_local(async move {
            match api::run_workflow(state.id, &request).await {
                Ok(instance) => {
                    navigate(&format!("/instances/{}", instance.id), Default::default())
                }
                Err(e) => {
                    message.set(Some((true, tf("Not started: {}", &[&e]))));
                    planned.set(None);
                }
            }
            busy.set(false);
        });
    };
    view! {
        <section class="schedule" data-testid="run-panel">
            <h3>{t("Run now")} <button class="link" data-testid="run-close" on:click=move |_| on_close.run(())>"×"</button></h3>
            {values.into_iter().map(|(name, description, value)| view! {
                <label class="field">{name.clone()}
                    <input data-testid=format!("run-param-{name}") bind:value=value/>
                    {description.map(|d| view! { <span class="hint">{d}</span> })}
                </label>
            }).collect_view()}
            <label class="field">{t("More properties (name=value, one a line)")}
                <textarea data-testid="run-properties" rows="3" bind:value=extra></textarea>
            </label>
            <label class="check"><input type="checkbox" data-testid="run-hold" bind:checked=hold/>
                {t("Hold it in PREP, to start later")}</label>
            <button data-testid="run-review" on:click=review disabled=move || busy.get()>{t("Review")}</button>
            {move || planned.get().map(|r| view! {
                <div class="card" data-testid="run-summary">
                    <p>{tf("Runs version {} with:", &[&r.version.unwrap_or_default()])}</p>
                    <ul>
                        {r.properties.iter().map(|(k, v)| view! { <li><code>{format!("{k}={v}")}</code></li> }).collect_view()}
                        {r.properties.is_empty().then(|| view! { <li>{t("no properties but the defaults")}</li> })}
                    </ul>
                    {r.hold.then(|| view! { <p>{t("It is held in PREP until someone starts it.")}</p> })}
                    <button class="primary" data-testid="run-start" on:click=start.clone() disabled=move || busy.get()>{t("Start")}</button>
                </div>
            })}
            {move || message.get().map(|(error, text)| view! {
                <p class="status" class:error=error data-testid="run-message">{text}</p>
            })}
        </section>
    }
}
