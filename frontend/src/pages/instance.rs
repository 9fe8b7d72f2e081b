//! One workflow instance, live: its status, its tasks as a Gantt chart and a table (with
//! why waiting ones wait), the properties it runs with, the operations an operator may do
//! now (each confirmed after its dry run: start, suspend, resume, kill, rerun whole, what
//! failed or from a node, mark a node), the log of the chosen node followed while its try
//! runs, and the instance's audit trail.

use std::collections::BTreeMap;
use std::time::Duration;

use leptos::prelude::*;
use leptos::task::spawn_local;
use shared::api::{
    InstanceDetail, InstanceEvent, InstanceState, JobStatus, MarkKind, MarkRequest, RerunReport,
    RerunRequest, RerunScope, Role,
};

use crate::api;
use crate::canvas::Still;
use crate::canvas::compare::compare;
use crate::components::Confirm;
use crate::dom::time;
use crate::i18n::{t, tf};
use crate::pages::live::{
    AuditTrail, Operations, RunsTopbar, instance_changes as changes, live_tick, op_name, route_id,
};
use crate::pages::login::has_role;
use crate::pages::timeline::{duration, gantt, parse_properties};

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
    let known = Memo::new(move |_| detail.get().and_then(Result::ok));
    let selected = RwSignal::new(None::<String>);
    let ops = Operations::new(tick);
    let trail = Signal::derive(move || format!("instances/{}", id.get()));
    view! {
        <RunsTopbar/>
        <main class="page wide">
            <Transition fallback=|| view! { <p class="empty">{t("Loading…")}</p> }>
                {move || detail.get().map(|result| match result {
                    Ok(d) => view! { <Header detail=d/> }.into_any(),
                    Err(err) => view! { <p class="status error">{err.to_string()}</p> }.into_any(),
                })}
            </Transition>
            <Controls known ops/>
            <Dag id known/>
            {move || known.get().map(|d| view! { <Body detail=d selected/> })}
            {move || selected.get().map(|node| view! {
                <NodePanel id=id.get() node=node.clone() known ops/>
                <Log id=id.get() node tick known/>
            })}
            <AuditTrail path=trail tick/>
            <Confirm pending=ops.pending/>
        </main>
    }
}

/// The workflow as drawn, each node coloured by its status as the instance runs.
#[component]
fn Dag(id: Memo<i64>, known: Memo<Option<InstanceDetail>>) -> impl IntoView {
    let drawing = LocalResource::new(move || api::instance_definition(id.get()));
    move || {
        let wf = drawing.get().and_then(Result::ok)?;
        let status: BTreeMap<String, String> = known.with(|d| {
            d.iter()
                .flat_map(|d| &d.nodes)
                .filter_map(|n| n.status.map(|s| (n.name.clone(), s.id().to_owned())))
                .collect()
        });
        let comparison = compare(&wf, None);
        Some(view! {
            <div class="still-frame dag" data-testid="instance-dag"><Still comparison status/></div>
        })
    }
}

#[component]
fn Header(detail: InstanceDetail) -> impl IntoView {
    let s = &detail.summary;
    let status = s.status;
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
    }
}

/// The toolbar and the rerun form, outside the live part of the page so what an operator
/// types survives the events that redraw it.
#[component]
fn Controls(known: Memo<Option<InstanceDetail>>, ops: Operations) -> impl IntoView {
    let can_operate = has_role(Role::Operator);
    let facts = move || known.with(|d| d.as_ref().map(|d| (d.summary.id, d.summary.status)));
    let status = move || facts().map(|(_, s)| s);
    let operate = move |op: &'static str| {
        let Some((id, _)) = facts() else { return };
        ops.confirm(
            tf("{} instance {}?", &[&op_name(op), &id]),
            move |dry_run| api::instance_op(id, op, dry_run),
            changes,
            |done: &InstanceState| tf("Now {}.", &[&done.status.id()]),
        );
    };
    let rerun_failed = move || {
        let Some((id, _)) = facts() else { return };
        rerun(ops, id, RerunScope::Failed, Default::default());
    };
    let live = move || status().is_some_and(|s| !s.is_terminal());
    let button = move |op: &'static str, label: &'static str, when: fn(JobStatus) -> bool| {
        view! {
            <button data-testid=format!("op-{op}") disabled=move || !status().is_some_and(when) || !can_operate.get()
                on:click=move |_| operate(op)>{label}</button>
        }
    };
    let form = RwSignal::new(false);
    view! {
        <div class="toolbar">
            {button("start", "Start", |s| s == JobStatus::Prep)}
            {button("suspend", "Suspend", |s| s == JobStatus::Running)}
            {button("resume", "Resume", |s| s == JobStatus::Suspended)}
            {button("kill", "Kill", |s| !s.is_terminal())}
            <span class="sep"></span>
            <button data-testid="op-rerun-failed" disabled=move || live() || status().is_none() || !can_operate.get()
                on:click=move |_| rerun_failed()>{t("Rerun failed")}</button>
            <button data-testid="op-rerun" class:active=move || form.get()
                disabled=move || live() || status().is_none() || !can_operate.get()
                on:click=move |_| form.update(|f| *f = !*f)>{t("Rerun…")}</button>
        </div>
        {move || (form.get() && !live()).then(|| view! { <RerunForm known ops/> })}
        {move || ops.message.get().map(|(error, text)| view! {
            <p class="status" class:error=error data-testid="op-message">{text}</p>
        })}
    }
}

/// A rerun: what it keeps, and properties over the run before's.
#[component]
fn RerunForm(known: Memo<Option<InstanceDetail>>, ops: Operations) -> impl IntoView {
    let scope = RwSignal::new("failed".to_owned());
    let from = RwSignal::new(String::new());
    let properties = RwSignal::new(String::new());
    let error = RwSignal::new(None::<String>);
    let actions = move || {
        known.with(|d| {
            d.as_ref()
                .map(|d| {
                    d.nodes
                        .iter()
                        .filter(|n| n.status.is_some())
                        .map(|n| n.name.clone())
                        .collect::<Vec<_>>()
                })
                .unwrap_or_default()
        })
    };
    let preview = move |_| {
        let Some(id) = known.with_untracked(|d| d.as_ref().map(|d| d.summary.id)) else {
            return;
        };
        let props = match parse_properties(&properties.get_untracked()) {
            Ok(p) => p,
            Err(e) => {
                error.set(Some(e));
                return;
            }
        };
        let scope = match scope.get_untracked().as_str() {
            "all" => RerunScope::All,
            "from" if from.with_untracked(String::is_empty) => {
                error.set(Some("choose the node to run again from".to_owned()));
                return;
            }
            "from" => RerunScope::From {
                node: from.get_untracked(),
            },
            _ => RerunScope::Failed,
        };
        error.set(None);
        rerun(ops, id, scope, props);
    };
    view! {
        <section class="card op-form" data-testid="rerun-form">
            <label class="field"><span>{t("Run again")}</span>
                <select data-testid="rerun-scope" on:change=move |ev| scope.set(event_target_value(&ev))>
                    <option value="failed" selected=true>{t("what failed (keep what succeeded)")}</option>
                    <option value="all">{t("everything")}</option>
                    <option value="from">{t("from a node on")}</option>
                </select></label>
            <Show when=move || scope.get() == "from">
                <label class="field"><span>{t("From node")}</span>
                    <select data-testid="rerun-from" on:change=move |ev| from.set(event_target_value(&ev))>
                        <option value="">"—"</option>
                        {actions().into_iter().map(|n| view! { <option value=n.clone()>{n.clone()}</option> }).collect_view()}
                    </select></label>
            </Show>
            <label class="field"><span>{t("Properties (name=value, one a line)")}</span>
                <textarea data-testid="rerun-properties" rows="3" prop:value=move || properties.get()
                    on:input=move |ev| properties.set(event_target_value(&ev))></textarea></label>
            {move || error.get().map(|e| view! { <p class="field-error" data-testid="rerun-error">{e}</p> })}
            <button class="primary" data-testid="rerun-preview" on:click=preview>{t("Preview the rerun")}</button>
        </section>
    }
}

/// Asks what a rerun would do, then does it once confirmed.
fn rerun(ops: Operations, id: i64, scope: RerunScope, properties: BTreeMap<String, String>) {
    let request = RerunRequest {
        scope,
        properties,
        version: None,
        dry_run: false,
    };
    ops.confirm(
        tf("Rerun instance {}?", &[&id]),
        move |dry_run| {
            let request = request.clone();
            async move { api::rerun(id, &request, dry_run).await }
        },
        rerun_lines,
        |done: &RerunReport| tf("Rerun as run {}.", &[&done.run]),
    );
}

#[component]
fn Body(detail: InstanceDetail, selected: RwSignal<Option<String>>) -> impl IntoView {
    let now = js_sys::Date::now() as i64;
    let spans: Vec<_> = detail
        .nodes
        .iter()
        .map(|n| (n.started_at, n.ended_at))
        .collect();
    let (from, to, bars) = gantt(&spans, now);
    let chart = (from < to).then(|| {
        view! {
            <section class="gantt" data-testid="gantt" aria-label=t("Tasks over time")>
                <div class="gantt-axis"><span>{time(Some(from))}</span><span>{duration(to - from)}</span><span>{time(Some(to))}</span></div>
                {detail.nodes.iter().zip(bars).filter_map(|(n, bar)| bar.map(|b| (n, b))).map(|(n, b)| {
                    let shown = n.status.map_or("", |s| s.id());
                    let took = duration(n.ended_at.unwrap_or(now) - n.started_at.unwrap_or(now));
                    view! {
                        <div class="gantt-row">
                            <span class="gantt-name">{n.name.clone()}</span>
                            <span class="gantt-track">
                                <span class=format!("gantt-bar s-{shown}") data-testid=format!("gantt-bar-{}", n.name)
                                    style=format!("left:{:.2}%;width:{:.2}%", b.left, b.width)
                                    title=format!("{} · {shown} · {took}", n.name)></span>
                            </span>
                            <span class="gantt-took">{took}</span>
                        </div>
                    }
                }).collect_view()}
            </section>
        }
    });
    let properties = detail.properties;
    view! {
        {chart}
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
        <details class="properties" data-testid="instance-properties">
            <summary>{format!("{} ({})", t("Properties it runs with"), properties.len())}</summary>
            <table class="list compact">
                <tbody>
                    {properties.into_iter().map(|(k, v)| view! {
                        <tr data-testid=format!("property-{k}")><td>{k.clone()}</td><td>{v}</td></tr>
                    }).collect_view()}
                </tbody>
            </table>
        </details>
    }
}

/// What can be done to the chosen node: mark it, or run again from it.
#[component]
fn NodePanel(
    id: i64,
    node: String,
    known: Memo<Option<InstanceDetail>>,
    ops: Operations,
) -> impl IntoView {
    let can_operate = has_role(Role::Operator);
    // Whether the node is an action (controls cannot be marked or rerun from), and whether
    // the instance has ended (a rerun needs that).
    let facts = {
        let node = node.clone();
        Memo::new(move |_| {
            known.with(|d| {
                let d = d.as_ref()?;
                let kind = &d.nodes.iter().find(|n| n.name == node)?.kind;
                let control = ["start", "end", "kill", "fork", "join", "decision"];
                Some((
                    !control.contains(&kind.as_str()),
                    d.summary.status.is_terminal(),
                ))
            })
        })
    };
    let actionable = move || can_operate.get() && facts.get().is_some_and(|(action, _)| action);
    let ended = move || facts.get().is_some_and(|(_, ended)| ended);
    let mark = {
        let node = node.clone();
        Callback::new(move |kind: MarkKind| {
            let request = MarkRequest {
                node: node.clone(),
                mark: kind,
            };
            let question = if kind == MarkKind::Succeeded {
                tf("Mark {} succeeded?", &[&node])
            } else {
                tf("Mark {} skipped?", &[&node])
            };
            ops.confirm(
                question,
                move |dry_run| {
                    let request = request.clone();
                    async move { api::mark(id, &request, dry_run).await }
                },
                changes,
                |done: &InstanceState| tf("Marked; the instance is {}.", &[&done.status.id()]),
            );
        })
    };
    let from = node.clone();
    view! {
        <div class="toolbar node-tools">
            <b>{node}</b>
            <button data-testid="op-mark-succeeded" disabled=move || !actionable()
                on:click=move |_| mark.run(MarkKind::Succeeded)>{t("Mark succeeded")}</button>
            <button data-testid="op-mark-skipped" disabled=move || !actionable()
                on:click=move |_| mark.run(MarkKind::Skipped)>{t("Mark skipped")}</button>
            <button data-testid="op-rerun-from" disabled=move || !actionable() || !ended()
                on:click=move |_| rerun(ops, id, RerunScope::From { node: from.clone() }, Default::default())>
                {t("Rerun from here")}</button>
        </div>
    }
}

/// A node's log: the newest try's, followed while it runs, or any earlier try's.
#[component]
fn Log(
    id: i64,
    node: String,
    tick: RwSignal<u64>,
    known: Memo<Option<InstanceDetail>>,
) -> impl IntoView {
    // `None`: the newest try, followed; else a run and (none: its last) try.
    let pick = RwSignal::new(None::<(i64, Option<u32>)>);
    // The current run's tries of this node, newest first, then the runs before it.
    let tries = {
        let node = node.clone();
        move || {
            known.with(|d| {
                let Some(d) = d else { return Vec::new() };
                let run = d.summary.run;
                let attempts = d
                    .nodes
                    .iter()
                    .find(|n| n.name == node)
                    .map_or(0, |n| n.attempts);
                let current = (1..=attempts)
                    .rev()
                    .map(|a| (format!("{run}:{a}"), tf("run {}, try {}", &[&run, &a])));
                let before = (0..run)
                    .rev()
                    .map(|r| (format!("{r}:"), tf("run {}, last try", &[&r])));
                current.chain(before).collect::<Vec<_>>()
            })
        }
    };
    let picked = move || {
        pick.get()
            .map(|(r, a)| format!("{r}:{}", a.map(|a| a.to_string()).unwrap_or_default()))
            .unwrap_or_default()
    };
    let choose = move |value: String| {
        pick.set(
            value
                .split_once(':')
                .and_then(|(r, a)| Some((r.parse().ok()?, a.parse().ok()))),
        );
    };
    view! {
        <section class="log">
            <h3>{tf("Log of {} ", &[&node])}
                <select class="inline" data-testid="log-try" aria-label=t("Which try")
                    on:change=move |ev| choose(event_target_value(&ev))>
                    <option value="">{t("newest, followed")}</option>
                    {move || tries().into_iter().map(|(value, label)| {
                        // Options are drawn again as the instance changes: keep the choice.
                        let chosen = picked() == value;
                        view! { <option value=value selected=chosen>{label}</option> }
                    }).collect_view()}
                </select>
            </h3>
            {move || {
                let node = node.clone();
                view! { <LogText id node tick pick=pick.get()/> }
            }}
        </section>
    }
}

/// The text of one log, read on while its try runs.
#[component]
fn LogText(
    id: i64,
    node: String,
    tick: RwSignal<u64>,
    pick: Option<(i64, Option<u32>)>,
) -> impl IntoView {
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
                if let Ok(chunk) = api::log(id, &node, offset, pick).await {
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
        <p class="status" data-testid="log-at">{move || match at.get() {
            (Some((run, attempt)), _, true) => tf("run {}, try {}", &[&run, &attempt]),
            (Some((run, attempt)), _, false) => tf("run {}, try {} · following", &[&run, &attempt]),
            _ => String::new(),
        }}</p>
        <pre data-testid="log">{move || text.get()}</pre>
    }
}

pub(super) fn rerun_lines(report: &RerunReport) -> Vec<String> {
    let again = report.again.join(", ");
    let mut lines = vec![if report.again.len() == 1 {
        tf(
            "It becomes run {}; 1 node runs again: {}",
            &[&report.run, &again],
        )
    } else {
        tf(
            "It becomes run {}; {} nodes run again: {}",
            &[&report.run, &report.again.len(), &again],
        )
    }];
    if !report.kept.is_empty() {
        lines.push(tf(
            "Kept from the run before: {}",
            &[&report.kept.join(", ")],
        ));
    }
    lines
}
