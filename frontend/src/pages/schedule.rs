//! Schedule a workflow: a coordinator that runs its saved version every N minutes, hours,
//! days or months (or on a cron), from a start to an end, in a time zone. The next runs
//! are computed here, in the browser, by the same code the server's scheduler runs; the
//! Schedule button stores the coordinator, submits a job of it, and opens the job.

use std::collections::BTreeMap;

use leptos::prelude::*;
use leptos::task::spawn_local;
use leptos_router::hooks::use_navigate;
use shared::coord::Coordinator;

use crate::api;
use crate::dom::{clock, day};
use crate::i18n::{t, tf};
use crate::state::EditorState;

/// Runs shown in the preview.
const PREVIEW: usize = 5;

/// `now` (milliseconds since the epoch) as Oozie writes times, to the minute.
fn oozie_time(ms: f64) -> String {
    chrono::DateTime::<chrono::Utc>::from_timestamp_millis(ms as i64)
        .map(|t| format!("{}T{}Z", day(&t), clock(&t, false)))
        .unwrap_or_default()
}

/// The frequency attribute for every `n` of `unit`, or the cron as written.
fn frequency(unit: &str, n: &str, cron: &str) -> String {
    match unit {
        "cron" => cron.trim().to_owned(),
        unit => format!("${{coord:{unit}({})}}", n.trim()),
    }
}

#[component]
pub fn Schedule(state: EditorState, on_close: Callback<()>) -> impl IntoView {
    let workflow_name = state.workflow.with_untracked(|w| w.name.clone());
    let now = js_sys::Date::now();
    let name = RwSignal::new(format!("{workflow_name}-schedule"));
    let unit = RwSignal::new("days".to_owned());
    let every = RwSignal::new("1".to_owned());
    let cron = RwSignal::new("0 2 * * *".to_owned());
    let start = RwSignal::new(oozie_time(now));
    let end = RwSignal::new(oozie_time(now + 365.0 * 86_400_000.0));
    let timezone = RwSignal::new("UTC".to_owned());
    let message = RwSignal::new(None::<(bool, String)>);
    let busy = RwSignal::new(false);

    let coordinator = move || {
        let mut c = Coordinator::new(
            &name.get(),
            &workflow_name,
            start.get().trim(),
            end.get().trim(),
        );
        c.frequency = frequency(&unit.get(), &every.get(), &cron.get());
        c.timezone = timezone.get().trim().to_owned();
        c
    };
    let coordinator = Memo::new(move |_| coordinator());
    // The next runs, by the shared crate: what the server will make.
    let zones = use_context::<api::Zones>().map(|z| z.0);
    let preview = move || {
        if zones.is_some_and(|z| !z.get()) {
            return Err(t("Loading the time-zone rules…").to_owned());
        }
        let c = coordinator.get();
        shared::coord::resolve::resolve(&c, &[], &BTreeMap::new(), "preview")
            .and_then(|job| job.preview(PREVIEW, "preview"))
            .map(|actions| {
                actions
                    .iter()
                    .map(|a| format!("{} {} UTC", day(&a.nominal), clock(&a.nominal, false)))
                    .collect::<Vec<_>>()
            })
            .map_err(|e| format!("{}: {}", e.code, e.message))
    };

    let navigate = use_navigate();
    let schedule = move |_| {
        if state.dirty() {
            message.set(Some((
                true,
                t("Save the workflow first: the schedule runs its saved version.").to_owned(),
            )));
            return;
        }
        let definition = coordinator.get_untracked();
        let navigate = navigate.clone();
        busy.set(true);
        message.set(Some((false, t("Scheduling…").to_owned())));
        spawn_local(async move {
            let done = async {
                let record = api::create_coordinator(definition.name.clone()).await?;
                let saved = api::save_coordinator(record.id, record.revision, definition).await?;
                if !saved.validation.valid {
                    let why: Vec<String> = saved
                        .validation
                        .issues
                        .iter()
                        .filter(|i| i.is_error())
                        .map(|i| format!("{} {}", i.code, i.message))
                        .collect();
                    return Ok(Err(why.join("; ")));
                }
                let job = api::run_coordinator(record.id, saved.record.revision).await?;
                Ok::<_, api::ApiError>(Ok(job.id))
            }
            .await;
            busy.set(false);
            match done {
                Ok(Ok(job)) => navigate(&format!("/coordinator-jobs/{job}"), Default::default()),
                Ok(Err(why)) => message.set(Some((true, tf("Not scheduled: {}", &[&why])))),
                Err(e) => message.set(Some((true, tf("Not scheduled: {}", &[&e])))),
            }
        });
    };

    let field = |label: &'static str, testid: &'static str, value: RwSignal<String>| {
        view! {
            <label class="field">{label}
                <input data-testid=testid bind:value=value/>
            </label>
        }
    };
    view! {
        <section class="schedule" data-testid="schedule-panel">
            <h3>{t("Schedule")} <button class="link" data-testid="schedule-close" on:click=move |_| on_close.run(())>"×"</button></h3>
            {field("Name", "schedule-name", name)}
            <label class="field">{t("Every")}
                <span class="row">
                    <input data-testid="schedule-every" type="number" min="1" bind:value=every
                        class:hidden=move || unit.get() == "cron"/>
                    <select data-testid="schedule-unit" aria-label=t("Unit") on:change=move |ev| unit.set(event_target_value(&ev))>
                        <option value="minutes">{t("minutes")}</option>
                        <option value="hours">{t("hours")}</option>
                        <option value="days" selected>{t("days")}</option>
                        <option value="months">{t("months")}</option>
                        <option value="cron">{t("cron")}</option>
                    </select>
                </span>
            </label>
            <Show when=move || unit.get() == "cron">{field("Cron (minute hour day month weekday)", "schedule-cron", cron)}</Show>
            {field("Start (UTC, 2026-11-21T10:00Z)", "schedule-start", start)}
            {field("End", "schedule-end", end)}
            {field("Time zone", "schedule-timezone", timezone)}
            <h4>{t("Next runs")}</h4>
            {move || match preview() {
                Ok(times) if times.is_empty() => view! { <p class="hint" data-testid="schedule-preview">{t("No run between the start and the end.")}</p> }.into_any(),
                Ok(times) => view! {
                    <ol data-testid="schedule-preview">{times.into_iter().map(|t| view! { <li>{t}</li> }).collect_view()}</ol>
                }.into_any(),
                Err(e) => view! { <p class="field-error" data-testid="schedule-preview">{e}</p> }.into_any(),
            }}
            <button class="primary" data-testid="schedule-submit" on:click=schedule
                disabled=move || busy.get() || preview().is_err()>{t("Schedule")}</button>
            {move || message.get().map(|(error, text)| view! {
                <p class="status" class:error=error data-testid="schedule-message">{text}</p>
            })}
        </section>
    }
}
