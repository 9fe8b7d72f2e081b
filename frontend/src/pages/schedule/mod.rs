//! Schedule a workflow: a coordinator that runs its saved version every N minutes, hours,
//! days or months, at the end of every N days, weeks or months, or on a cron (typed, or
//! built a field at a time), from a start to an end, in a time zone. The frequency is said
//! in words, in the UI's language, and the next runs are computed here, in the browser, by
//! the same code the server's scheduler runs: in the job's zone and in UTC, with the
//! clock changes marked, each with the data it reads and writes and the configuration it
//! runs with. The Schedule button stores the coordinator, submits a job of it, and opens
//! the job.

mod data;
mod instance;

use std::collections::BTreeMap;

use leptos::prelude::*;
use leptos::task::spawn_local;
use leptos_router::hooks::use_navigate;
use shared::api::SessionInfo;
use shared::coord::Coordinator;
use shared::coord::materialize::PREVIEW_JOB_ID;

use crate::api;
use crate::components::CronBuilder;
use crate::dom::{clock, day};
use crate::i18n::{Lang, lang, t, tf};
use crate::state::EditorState;

/// How many runs the preview may show.
const PREVIEW_COUNTS: [usize; 4] = [5, 10, 25, 50];

/// One run of the preview: its number, its time in the job's zone and in UTC, and the
/// job zone's new offset when the clocks changed since the run before.
#[derive(Clone, PartialEq)]
struct PreviewRow {
    number: u64,
    local: String,
    utc: String,
    clock_change: Option<String>,
    /// Each event's URIs and each configuration value, by name.
    inputs: Vec<(String, String)>,
    outputs: Vec<(String, String)>,
    configuration: Vec<(String, String)>,
}

/// `now` (milliseconds since the epoch) as Oozie writes times, to the minute.
fn oozie_time(ms: f64) -> String {
    chrono::DateTime::<chrono::Utc>::from_timestamp_millis(ms as i64)
        .map(|t| format!("{}T{}Z", day(&t), clock(&t, false)))
        .unwrap_or_default()
}

/// The frequency attribute for every `n` of `unit` (`days`, `endOfWeeks`…), or the cron
/// as written.
fn frequency(unit: &str, n: &str, cron: &str) -> String {
    match unit {
        "cron" | "written" => cron.trim().to_owned(),
        unit => format!("${{coord:{unit}({})}}", n.trim()),
    }
}

/// The units the builders offer.
const UNITS: [&str; 7] = [
    "minutes",
    "hours",
    "days",
    "months",
    "endOfDays",
    "endOfWeeks",
    "endOfMonths",
];

/// A frequency attribute as the builder's (unit, every, text): `${coord:days(2)}` is every
/// 2 days, a plain number is minutes; anything else (a cron, EL) is text, under `other`.
fn frequency_parts(f: &str, other: &str) -> (String, String, String) {
    let f = f.trim();
    if let Ok(n) = f.parse::<u32>() {
        return ("minutes".to_owned(), n.to_string(), String::new());
    }
    match instance::coord_call(f) {
        Some((unit, n)) if UNITS.contains(&unit) && n.len() == 1 && n[0].parse::<u32>().is_ok() => {
            (unit.to_owned(), n[0].to_owned(), String::new())
        }
        _ => (other.to_owned(), "1".to_owned(), f.to_owned()),
    }
}

/// A time as text, and a picker beside it for the same time: the text says what the
/// coordinator will say (EL included); the picker fills it.
fn time_field(label: &'static str, testid: &'static str, value: RwSignal<String>) -> impl IntoView {
    // The picker shows the text's time when it is a plain one, `2026-11-21T10:00Z`.
    let picked = move || {
        value.with(|v| {
            let v = v.trim();
            shared::time::parse_oozie_time(v)
                .ok()
                .map(|t| t.format("%Y-%m-%dT%H:%M").to_string())
                .unwrap_or_default()
        })
    };
    view! {
        <label class="field">{label}
            <input data-testid=testid bind:value=value/>
            <input type="datetime-local" class="picker" data-testid=format!("{testid}-pick")
                aria-label=label prop:value=picked
                on:input=move |ev| {
                    let v = event_target_value(&ev);
                    if !v.is_empty() {
                        value.set(format!("{}Z", &v[..v.len().min(16)]));
                    }
                }/>
        </label>
    }
}

/// What one run reads, writes and is configured with, under its row of the preview.
fn resolved(
    n: u64,
    inputs: Vec<(String, String)>,
    outputs: Vec<(String, String)>,
    configuration: Vec<(String, String)>,
) -> Option<impl IntoView> {
    if inputs.is_empty() && outputs.is_empty() && configuration.is_empty() {
        return None;
    }
    let entries = |kind: &'static str, label: &'static str, list: Vec<(String, String)>| {
        list.into_iter()
            .map(|(name, value)| {
                let waits = value.contains("${coord:");
                view! {
                    <dt>{label}" "<code>{name.clone()}</code></dt>
                    <dd data-testid=format!("preview-{kind}-{n}-{name}")><code>{value}</code>
                        {waits.then(|| view! { <span class="muted">" "{t("(known when the action checks which data exists)")}</span> })}
                    </dd>
                }
            })
            .collect_view()
    };
    Some(view! {
        <tr class="resolved" data-testid=format!("preview-data-{n}")>
            <td colspan="3">
                <dl>
                    {entries("in", t("in"), inputs)}
                    {entries("out", t("out"), outputs)}
                    {entries("conf", t("conf"), configuration)}
                </dl>
            </td>
        </tr>
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_frequency_reads_back_as_the_builder_wrote_it() {
        for (unit, n) in [("days", "2"), ("endOfMonths", "1"), ("minutes", "15")] {
            let f = frequency(unit, n, "");
            assert_eq!(
                frequency_parts(&f, "cron"),
                (unit.into(), n.into(), String::new())
            );
        }
        assert_eq!(
            frequency_parts("60", "cron"),
            ("minutes".into(), "60".into(), String::new())
        );
        assert_eq!(
            frequency_parts("0 2 * * *", "cron"),
            ("cron".into(), "1".into(), "0 2 * * *".into())
        );
        assert_eq!(
            frequency_parts("${coord:days(freq)}", "written"),
            ("written".into(), "1".into(), "${coord:days(freq)}".into()),
            "EL the builder cannot say is kept as written"
        );
        assert_eq!(frequency("written", "1", " ${f} "), "${f}");
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
    // Blank: Oozie's defaults (timeout 120 min, concurrency 1, FIFO, throttle 12).
    let timeout = RwSignal::new(String::new());
    let concurrency = RwSignal::new(String::new());
    let execution = RwSignal::new(String::new());
    let throttle = RwSignal::new(String::new());
    let data = data::Data::new();
    // A stored schedule being edited: its id and revision, and what it holds that this
    // panel does not edit (parameters, includes, SLA, job.properties), kept as it was.
    let editing = RwSignal::new(None::<(i64, i64)>);
    let base = RwSignal::new(None::<Coordinator>);
    // `coord:user()` is whoever schedules it, as on the server.
    let user = use_context::<RwSignal<Option<SessionInfo>>>()
        .and_then(|u| u.with_untracked(|u| u.as_ref().map(|u| u.name.clone())))
        .unwrap_or_default();

    let app_path = workflow_name.clone();
    let coordinator = move || {
        let mut c = base
            .get()
            .unwrap_or_else(|| Coordinator::new("", &app_path, "", ""));
        c.name = name.get().trim().to_owned();
        c.start = start.get().trim().to_owned();
        c.end = end.get().trim().to_owned();
        c.frequency = frequency(&unit.get(), &every.get(), &cron.get());
        c.timezone = timezone.get().trim().to_owned();
        let given = |v: RwSignal<String>| Some(v.get().trim().to_owned()).filter(|v| !v.is_empty());
        c.controls.timeout = given(timeout);
        c.controls.concurrency = given(concurrency);
        c.controls.execution = given(execution);
        c.controls.throttle = given(throttle);
        data.apply(&mut c);
        c
    };
    let coordinator = Memo::new(move |_| coordinator());
    // The next runs, by the shared crate: what the server will make.
    let zones = use_context::<api::Zones>().map(|z| z.0);
    let count = RwSignal::new(PREVIEW_COUNTS[1]);
    let preview = Memo::new(move |_| {
        if zones.is_some_and(|z| !z.get()) {
            return Err(t("Loading the time-zone rules…").to_owned());
        }
        let c = coordinator.get();
        let job = shared::coord::resolve::resolve(&c, &[], &BTreeMap::new(), &user)
            .map_err(|e| format!("{}: {}", e.code, e.message))?;
        let actions = job
            .preview(count.get(), PREVIEW_JOB_ID)
            .map_err(|e| format!("{}: {}", e.code, e.message))?;
        let schedule = &job.schedule;
        let words = shared::time::describe::describe(
            &schedule.frequency,
            &schedule.zone,
            schedule.start,
            match lang() {
                Lang::En => shared::time::describe::Lang::En,
                Lang::Zh => shared::time::describe::Lang::Zh,
            },
        );
        let walls = schedule
            .zone
            .wall_times(schedule.start, actions.iter().map(|a| a.nominal));
        let rows = actions
            .iter()
            .zip(walls)
            .map(|(a, w)| PreviewRow {
                number: a.number,
                local: format!("{} {}", w.wall.format("%Y-%m-%d %H:%M"), w.offset),
                utc: a.nominal.format("%Y-%m-%dT%H:%MZ").to_string(),
                clock_change: w
                    .changed_from
                    .map(|was| tf("clocks changed: {} → {}", &[&was, &w.offset])),
                inputs: a
                    .inputs
                    .0
                    .iter()
                    .map(|(n, uris)| (n.to_string(), uris.join(", ")))
                    .collect(),
                outputs: a
                    .outputs
                    .0
                    .iter()
                    .map(|(n, uris)| (n.to_string(), uris.join(", ")))
                    .collect(),
                configuration: a
                    .configuration
                    .0
                    .iter()
                    .map(|(n, v)| (n.to_string(), v.clone()))
                    .collect(),
            })
            .collect::<Vec<_>>();
        Ok((words, schedule.zone.id(), rows))
    });

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
                let (id, revision) = match editing.get_untracked() {
                    Some(known) => known,
                    None => {
                        let record = api::create_coordinator(definition.name.clone()).await?;
                        (record.id, record.revision)
                    }
                };
                let saved =
                    api::save_coordinator(id, revision, definition, "scheduled from the designer")
                        .await?;
                editing.set(Some((id, saved.record.revision)));
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
                let job = api::run_coordinator(id, saved.record.revision).await?;
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

    // Saving an edit stores a new version; jobs already running keep the version they were
    // submitted with, as in Oozie, until the schedule is submitted again.
    let save = move |_| {
        let Some((id, revision)) = editing.get_untracked() else {
            return;
        };
        let definition = coordinator.get_untracked();
        busy.set(true);
        spawn_local(async move {
            let done =
                api::save_coordinator(id, revision, definition, "edited in the designer").await;
            busy.set(false);
            match done {
                Ok(saved) => {
                    editing.set(Some((id, saved.record.revision)));
                    message.set(Some((
                        !saved.validation.valid,
                        tf("Saved as version {}.", &[&saved.record.revision]),
                    )));
                }
                Err(e) => message.set(Some((true, tf("Not saved: {}", &[&e])))),
            }
        });
    };
    // This workflow's stored schedules, to open one for editing.
    let saved = {
        let workflow_name = workflow_name.clone();
        LocalResource::new(move || {
            let workflow_name = workflow_name.clone();
            async move {
                let mut mine = Vec::new();
                for s in api::coordinators()
                    .await
                    .map(|p| p.items)
                    .unwrap_or_default()
                {
                    if let Ok(record) = api::coordinator(s.id).await
                        && record.definition.app_path == workflow_name
                    {
                        mine.push(record);
                    }
                }
                mine
            }
        })
    };
    let open = move |id: i64| {
        let Some(record) = saved
            .get()
            .and_then(|list| list.into_iter().find(|r| r.id == id))
        else {
            editing.set(None);
            base.set(None);
            return;
        };
        let c = record.definition;
        let (u, n, text) = frequency_parts(&c.frequency, "cron");
        name.set(c.name.clone());
        unit.set(u);
        every.set(n);
        if !text.is_empty() {
            cron.set(text);
        }
        start.set(c.start.clone());
        end.set(c.end.clone());
        timezone.set(c.timezone.clone());
        let or_blank = |v: &Option<String>| v.clone().unwrap_or_default();
        timeout.set(or_blank(&c.controls.timeout));
        concurrency.set(or_blank(&c.controls.concurrency));
        execution.set(or_blank(&c.controls.execution));
        throttle.set(or_blank(&c.controls.throttle));
        data.load(&c);
        editing.set(Some((record.id, record.revision)));
        base.set(Some(c));
        message.set(None);
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
            {move || saved.get().filter(|list| !list.is_empty()).map(|list| view! {
                <label class="field">{t("Edit a saved schedule")}
                    <select data-testid="schedule-open" on:change=move |ev| open(event_target_value(&ev).parse().unwrap_or(0))>
                        <option value="">{t("A new schedule")}</option>
                        {list.into_iter().map(|r| view! {
                            <option value=r.id.to_string() selected=move || editing.get().is_some_and(|(id, _)| id == r.id)>
                                {r.definition.name.clone()}
                            </option>
                        }).collect_view()}
                    </select>
                </label>
            })}
            {field(t("Name"), "schedule-name", name)}
            <label class="field">{t("Every")}
                <span class="row">
                    <input data-testid="schedule-every" type="number" min="1" bind:value=every
                        class:hidden=move || unit.get() == "cron"/>
                    <select data-testid="schedule-unit" aria-label=t("Unit") prop:value=move || unit.get()
                        on:change=move |ev| unit.set(event_target_value(&ev))>
                        <option value="minutes">{t("minutes")}</option>
                        <option value="hours">{t("hours")}</option>
                        <option value="days">{t("days")}</option>
                        <option value="months">{t("months")}</option>
                        <option value="endOfDays">{t("days, at the end of the day")}</option>
                        <option value="endOfWeeks">{t("weeks, at the end of the week")}</option>
                        <option value="endOfMonths">{t("months, at the end of the month")}</option>
                        <option value="cron">{t("cron")}</option>
                    </select>
                </span>
            </label>
            <Show when=move || unit.get() == "cron">
                {field(t("Cron (minute hour day month weekday)"), "schedule-cron", cron)}
                <CronBuilder cron/>
            </Show>
            {time_field(t("Start (UTC, 2026-11-21T10:00Z)"), "schedule-start", start)}
            {time_field(t("End (UTC)"), "schedule-end", end)}
            <label class="field">{t("Time zone")}
                <input data-testid="schedule-timezone" list="schedule-zones" bind:value=timezone
                    placeholder=t("Type to search: Asia/Shanghai, America/New_York…")/>
            </label>
            <datalist id="schedule-zones">
                {move || zones.is_some_and(|z| z.get()).then(|| {
                    shared::time::zonedb::installed().map(|db| {
                        db.names.iter().map(|(name, _)| view! { <option value=name.clone()/> }).collect_view()
                    })
                })}
            </datalist>
            <details class="controls" data-testid="schedule-controls">
                <summary>{t("Controls")}</summary>
                <label class="field">{t("Timeout (minutes)")}
                    <input data-testid="schedule-timeout" bind:value=timeout placeholder="120"/>
                    <span class="hint">{t("How long an action waits for its input data before it times out; Oozie caps it at 60 days (and -1 means that cap).")}</span>
                </label>
                <label class="field">{t("Concurrency")}
                    <input data-testid="schedule-concurrency" bind:value=concurrency placeholder="1"/>
                    <span class="hint">{t("How many actions may run at once; -1 for no limit.")}</span>
                </label>
                <label class="field">{t("Execution")}
                    <select data-testid="schedule-execution" prop:value=move || execution.get()
                        on:change=move |ev| execution.set(event_target_value(&ev))>
                        <option value="">{t("FIFO: oldest ready action first (default)")}</option>
                        <option value="LIFO">{t("LIFO: newest ready action first")}</option>
                        <option value="LAST_ONLY">{t("LAST_ONLY: skip an action once the next one is due")}</option>
                        <option value="NONE">{t("NONE: skip an action more than a minute late")}</option>
                    </select>
                </label>
                <label class="field">{t("Throttle")}
                    <input data-testid="schedule-throttle" bind:value=throttle placeholder="12"/>
                    <span class="hint">{t("How many actions may wait for data at once (1 to 500).")}</span>
                </label>
            </details>
            <data::DataEditor data start timezone/>
            <h4>{t("Next runs")}
                <select class="inline" data-testid="schedule-count" aria-label=t("How many runs to show")
                    on:change=move |ev| if let Ok(n) = event_target_value(&ev).parse() { count.set(n) }>
                    {PREVIEW_COUNTS.into_iter().map(|n| view! {
                        <option value=n.to_string() selected=n == count.get_untracked()>{n}</option>
                    }).collect_view()}
                </select>
            </h4>
            {move || match preview.get() {
                Ok((words, _, rows)) if rows.is_empty() => view! {
                    <p class="describe" data-testid="schedule-describe">{words}</p>
                    <p class="hint" data-testid="schedule-preview">{t("No run between the start and the end.")}</p>
                }.into_any(),
                Ok((words, zone, rows)) => view! {
                    <p class="describe" data-testid="schedule-describe">{words}</p>
                    <table class="list preview" data-testid="schedule-preview">
                        <thead><tr><th>"#"</th><th>{zone}</th><th>"UTC"</th></tr></thead>
                        <tbody>
                            {rows.into_iter().map(|r| { let changed = r.clock_change.is_some(); let n = r.number; view! {
                                <tr data-testid=format!("preview-row-{n}") class:clock-change=changed>
                                    <td>{n}</td>
                                    <td data-testid=format!("preview-local-{n}")>
                                        {r.local}
                                        {r.clock_change.map(|c| view! { <span class="badge warn" data-testid=format!("preview-dst-{n}")>{c}</span> })}
                                    </td>
                                    <td data-testid=format!("preview-utc-{n}")><code>{r.utc}</code></td>
                                </tr>
                                {resolved(n, r.inputs, r.outputs, r.configuration)}
                            }}).collect_view()}
                        </tbody>
                    </table>
                }.into_any(),
                Err(e) => view! { <p class="field-error" data-testid="schedule-preview">{e}</p> }.into_any(),
            }}
            <Show when=move || editing.get().is_some()>
                <button data-testid="schedule-save" on:click=save
                    disabled=move || busy.get()>{t("Save")}</button>
            </Show>
            <button class="primary" data-testid="schedule-submit" on:click=schedule
                disabled=move || busy.get() || preview.with(Result::is_err)>{t("Schedule")}</button>
            {move || message.get().map(|(error, text)| view! {
                <p class="status" class:error=error data-testid="schedule-message">{text}</p>
            })}
            <details class="controls" data-testid="schedule-alerts">
                <summary>{t("Alerts")}</summary>
                <p class="hint">{t("Runs of this schedule follow its policy when it tells a group, else the workflow's.")}</p>
                <crate::pages::alerts::PolicyForm kind=shared::api::DefinitionKind::Coordinator
                    id=Signal::derive(move || editing.get().map(|(id, _)| id))/>
            </details>
        </section>
    }
}
