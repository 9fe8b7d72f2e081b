//! One workflow instance, live: its status and every node's (with why waiting ones wait),
//! the operations an operator may do now (each confirmed after its dry run), and the log
//! of the chosen node, followed while its try runs.

use std::time::Duration;

use leptos::prelude::*;
use leptos::task::spawn_local;
use shared::api::{
    InstanceDetail, InstanceEvent, InstanceState, JobStatus, RerunReport, RerunRequest, RerunScope,
    Role,
};

use crate::api;
use crate::components::Confirm;
use crate::dom::time;
use crate::i18n::t;
use crate::pages::live::{Operations, RunsTopbar, live_tick, route_id};
use crate::pages::login::has_role;

#[component]
pub fn InstancePage() -> impl IntoView {
    let id = route_id();
    // Bumped by every event about this instance: the page reads it again.
    let tick = live_tick("instance", move |ev: &InstanceEvent| {
        ev.instance == id.get_untracked()
    });
    let detail = LocalResource::new(move || {
        let id = id.get();
        tick.track();
        api::instance(id)
    });

    let selected = RwSignal::new(None::<String>);
    view! {
        <RunsTopbar/>
        <main class="page wide">
            <Transition fallback=|| view! { <p class="empty">{t("Loading…")}</p> }>
                {move || detail.get().map(|result| match result {
                    Ok(d) => view! { <Body detail=d tick selected/> }.into_any(),
                    Err(err) => view! { <p class="status error">{err.to_string()}</p> }.into_any(),
                })}
            </Transition>
            {move || selected.get().map(|node| view! { <Log id=id.get() node tick/> })}
        </main>
    }
}

#[component]
fn Body(
    detail: InstanceDetail,
    tick: RwSignal<u64>,
    selected: RwSignal<Option<String>>,
) -> impl IntoView {
    let id = detail.summary.id;
    let status = detail.summary.status;
    let can_operate = has_role(Role::Operator);
    let ops = Operations::new(tick);
    let Operations {
        pending, message, ..
    } = ops;
    let operate = move |op: &'static str| {
        ops.confirm(
            format!("{} instance {id}?", capitalized(op)),
            move |dry_run| api::instance_op(id, op, dry_run),
            changes,
            |done| format!("Now {}.", done.status.id()),
        );
    };
    let rerun_failed = move || {
        let request = RerunRequest {
            scope: RerunScope::Failed,
            properties: Default::default(),
            version: None,
            dry_run: true,
        };
        ops.confirm(
            format!("Rerun the failed nodes of instance {id}?"),
            move |dry_run| {
                let request = RerunRequest {
                    dry_run,
                    ..request.clone()
                };
                async move { api::rerun(id, &request).await }
            },
            rerun_lines,
            |done| format!("Rerun as run {}.", done.run),
        );
    };

    let live = !status.is_terminal();
    let button = move |op: &'static str, label: &'static str, enabled: bool| {
        view! {
            <button data-testid=format!("op-{op}") disabled=move || !enabled || !can_operate.get()
                on:click=move |_| operate(op)>{label}</button>
        }
    };
    let s = &detail.summary;
    let workflow = s
        .workflow_id
        .map(|w| view! { <a href=format!("/workflows/{w}")>{s.name.clone()}</a> }.into_any())
        .unwrap_or_else(|| s.name.clone().into_any());
    let error = s
        .error_message
        .clone()
        .map(|e| view! { <p class="status error" data-testid="instance-error">{e}</p> });
    view! {
        <h1>
            {workflow} " · " {s.job_id.clone()} " "
            <span class=format!("badge s-{}", status.id()) data-testid="instance-status">{status.id()}</span>
        </h1>
        <p class="status">
            {format!("run {} · by {} · created {} · started {} · ended {}",
                s.run, s.created_by, time(Some(s.created_at)), time(s.started_at), time(s.ended_at))}
        </p>
        {error}
        <div class="toolbar">
            {button("start", "Start", status == JobStatus::Prep)}
            {button("suspend", "Suspend", status == JobStatus::Running)}
            {button("resume", "Resume", status == JobStatus::Suspended)}
            {button("kill", "Kill", live)}
            <button data-testid="op-rerun-failed" disabled=move || live || !can_operate.get()
                on:click=move |_| rerun_failed()>{t("Rerun failed")}</button>
        </div>
        {move || message.get().map(|(error, text)| view! {
            <p class="status" class:error=error data-testid="op-message">{text}</p>
        })}
        <table class="list" data-testid="nodes">
            <thead><tr>
                <th>{t("Node")}</th><th>{t("Type")}</th><th>{t("Status")}</th><th>{t("Tries")}</th>
                <th>{t("Exit")}</th><th>{t("Started")}</th><th>{t("Ended")}</th><th>{t("Note")}</th>
            </tr></thead>
            <tbody>
                {detail.nodes.into_iter().map(|n| {
                    let name = n.name.clone();
                    let chosen = name.clone();
                    let is_selected = {
                        let name = name.clone();
                        move || selected.with(|s| s.as_deref() == Some(name.as_str()))
                    };
                    let shown = n.status.map_or("", |s| s.id());
                    let note = match (n.waiting, n.mark.as_deref(), &n.error_message) {
                        (Some(w), _, _) => format!("waiting: {}", serde_json::to_value(w).ok().and_then(|v| v.as_str().map(str::to_owned)).unwrap_or_default()),
                        (_, Some(mark), _) => format!("marked {mark}"),
                        (_, _, Some(e)) => e.clone(),
                        _ => String::new(),
                    };
                    view! {
                        <tr data-testid=format!("node-row-{name}") class:selected=is_selected
                            on:click=move |_| selected.set(Some(chosen.clone()))>
                            <td>{name.clone()}</td>
                            <td>{n.kind.clone()}</td>
                            <td><span class=format!("badge s-{shown}") data-testid=format!("node-status-{name}")>{shown}</span></td>
                            <td data-testid=format!("node-tries-{name}")>{n.attempts}</td>
                            <td>{n.exit_code.map(|c| c.to_string()).unwrap_or_default()}</td>
                            <td>{time(n.started_at)}</td>
                            <td>{time(n.ended_at)}</td>
                            <td class="note">{note}</td>
                        </tr>
                    }
                }).collect_view()}
            </tbody>
        </table>
        <Confirm pending/>
    }
}

/// A node's log: the newest try's, read on while it runs.
#[component]
fn Log(id: i64, node: String, tick: RwSignal<u64>) -> impl IntoView {
    let text = RwSignal::new(String::new());
    // The try being read, where the next read starts, and whether it has ended.
    let at = RwSignal::new((None::<(i64, u32)>, 0_u64, false));
    let busy = StoredValue::new(false);
    let read = {
        let node = node.clone();
        move || {
            let (_, offset, complete) = at.get_untracked();
            if complete || busy.get_value() {
                return;
            }
            busy.set_value(true);
            let node = node.clone();
            spawn_local(async move {
                if let Ok(chunk) = api::log(id, &node, offset).await {
                    let (tried, _, _) = at.get_untracked();
                    let this = Some((chunk.run, chunk.attempt));
                    if tried.is_some() && tried != this {
                        // A new try (a retry or a rerun): start its log from the top.
                        text.set(String::new());
                        at.set((this, 0, false));
                    } else {
                        text.update(|t| t.push_str(&chunk.text));
                        at.set((this, chunk.next_offset, chunk.complete));
                    }
                }
                busy.set_value(false);
            });
        }
    };
    read();
    // A change of the instance may start a new try: look again.
    Effect::new({
        let read = read.clone();
        move |_| {
            tick.track();
            at.update(|a| a.2 = false);
            read();
        }
    });
    let interval = set_interval_with_handle(read, Duration::from_millis(500)).ok();
    on_cleanup(move || {
        if let Some(h) = interval {
            h.clear();
        }
    });
    view! {
        <section class="log">
            <h3>{format!("Log of {node}")}
                <span class="status">{move || match at.get() {
                    (Some((run, attempt)), _, done) => format!(" run {run}, try {attempt}{}", if done { "" } else { " · following" }),
                    _ => String::new(),
                }}</span>
            </h3>
            <pre data-testid="log">{move || text.get()}</pre>
        </section>
    }
}

fn capitalized(op: &str) -> String {
    let mut chars = op.chars();
    chars
        .next()
        .map(|c| c.to_uppercase().chain(chars).collect())
        .unwrap_or_default()
}

/// A dry run's answer, one line per change.
fn changes(report: &InstanceState) -> Vec<String> {
    let mut lines = Vec::new();
    if let Some(was) = report.was
        && was != report.status
    {
        lines.push(format!(
            "The instance: {} → {}",
            was.id(),
            report.status.id()
        ));
    }
    for change in &report.nodes {
        lines.push(format!(
            "{}: {} → {}",
            change.item,
            change.from.as_deref().unwrap_or("not started"),
            change.to
        ));
    }
    if lines.is_empty() {
        lines.push("Nothing would change.".to_owned());
    }
    lines
}

fn rerun_lines(report: &RerunReport) -> Vec<String> {
    let mut lines = vec![format!(
        "It becomes run {}; {} node{} run again: {}",
        report.run,
        report.again.len(),
        if report.again.len() == 1 { "" } else { "s" },
        report.again.join(", ")
    )];
    if !report.kept.is_empty() {
        lines.push(format!(
            "Kept from the run before: {}",
            report.kept.join(", ")
        ));
    }
    lines
}
