//! One coordinator job, live: its status and a progress bar, its actions as a calendar
//! grid coloured by status (one row per UTC day), the chosen action's inputs,
//! configuration and instance, the operations an operator may do (suspend, resume, kill,
//! change, rerun or ignore the chosen actions, backfill past periods), each confirmed
//! after its dry run, and the job's audit trail.

use leptos::ev::MouseEvent;
use leptos::prelude::*;
use leptos_router::hooks::use_navigate;
use shared::api::{
    BackfillReport, BackfillRequest, CoordActionState, CoordActionStatus, CoordChangeRequest,
    CoordEvent, CoordJobDetail, CoordJobSummary, CoordOpReport, CoordProgress, CoordStatus, Role,
};
use shared::time::format_oozie_time;

use crate::api;
use crate::components::Confirm;
use crate::dom::{day, time};
use crate::i18n::{t, tf};
use crate::pages::live::{
    AuditTrail, Operations, RunsTopbar, change_lines, live_tick, op_name, route_id,
};
use crate::pages::login::has_role;
use crate::pages::timeline::{by_day, ranges, span};

/// The form open under the toolbar.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Form {
    Change,
    Rerun,
    Backfill,
}

/// The actions chosen in the grid (for rerun and ignore), and the one whose details show.
#[derive(Clone, Copy)]
struct Choice {
    chosen: RwSignal<Vec<i64>>,
    focus: RwSignal<Option<i64>>,
}

#[component]
pub fn CoordJobPage() -> impl IntoView {
    let id = route_id();
    let tick = live_tick("coordinator", move |ev: &CoordEvent| {
        ev.job == id.get_untracked()
    });
    let detail = LocalResource::new(move || {
        let id = id.get();
        tick.track();
        api::coord_job(id)
    });
    let summary = Memo::new(move |_| {
        detail
            .get()
            .and_then(Result::ok)
            .map(|d| (d.summary, d.progress))
    });
    let choice = Choice {
        chosen: RwSignal::new(Vec::new()),
        focus: RwSignal::new(None),
    };
    // A new job (a backfill just made) is another page: start it with nothing chosen.
    Effect::new(move |_| {
        id.track();
        choice.chosen.set(Vec::new());
        choice.focus.set(None);
    });
    let ops = Operations::new(tick);
    let trail = Signal::derive(move || format!("coordinator-jobs/{}", id.get()));
    view! {
        <RunsTopbar/>
        <main class="page wide">
            {move || summary.get().map(|(s, p)| view! { <Header summary=s progress=p/> })}
            <Controls summary ops choice/>
            <Transition fallback=|| view! { <p class="empty">{t("Loading…")}</p> }>
                {move || detail.get().map(|result| match result {
                    Ok(d) => view! { <Actions detail=d choice/> }.into_any(),
                    Err(err) => view! { <p class="status error">{err.to_string()}</p> }.into_any(),
                })}
            </Transition>
            <AuditTrail path=trail tick/>
            <Confirm pending=ops.pending/>
        </main>
    }
}

#[component]
fn Header(summary: CoordJobSummary, progress: CoordProgress) -> impl IntoView {
    let s = summary;
    let p = progress;
    let status = s.status;
    let done = p.succeeded + p.failed + p.skipped;
    let of = p.planned.unwrap_or(p.actions).max(done);
    let share = |n: i64| {
        if of == 0 {
            0.0
        } else {
            n as f64 * 100.0 / of as f64
        }
    };
    let percent = if of == 0 { 0 } else { done * 100 / of };
    let kind = if s.kind == "backfill" {
        t("backfill")
    } else {
        t("schedule")
    };
    view! {
        <h1>
            {s.name.clone()} " · " {s.job_id.clone()} " "
            <span class=format!("badge s-{}", status.id()) data-testid="coord-status">{status.id()}</span>
            " " <span class="badge">{kind}</span>
        </h1>
        <div class="progress-line">
            <div class="progress" role="progressbar" aria-label=t("Done")
                aria-valuemin="0" aria-valuemax="100" aria-valuenow=percent data-testid="coord-progress-bar">
                <span class="part s-SUCCEEDED" style=format!("width:{}%", share(p.succeeded))></span>
                <span class="part s-FAILED" style=format!("width:{}%", share(p.failed))></span>
                <span class="part s-SKIPPED" style=format!("width:{}%", share(p.skipped))></span>
                <span class="part s-RUNNING" style=format!("width:{}%", share(p.running))></span>
            </div>
            <span data-testid="coord-progress-percent">{format!("{percent}%")}</span>
        </div>
        <p class="status" data-testid="coord-progress">
            {format!("{} made · {} waiting · {} running · {} succeeded · {} failed · {} skipped · next {}",
                p.actions, p.waiting, p.running, p.succeeded, p.failed, p.skipped,
                time(s.next_materialized_at))}
        </p>
    }
}

/// The toolbar and its forms. They live outside the live part of the page, so what an
/// operator types survives the events that redraw it.
#[component]
fn Controls(
    summary: Memo<Option<(CoordJobSummary, CoordProgress)>>,
    ops: Operations,
    choice: Choice,
) -> impl IntoView {
    let can_operate = has_role(Role::Operator);
    let form = RwSignal::new(None::<Form>);
    let job = move || summary.with(|s| s.as_ref().map(|(s, _)| (s.id, s.status)));
    let status = move || job().map(|(_, s)| s);
    let operate = move |op: &'static str| {
        let Some((id, _)) = job() else { return };
        ops.confirm(
            tf("{} coordinator job {}?", &[&op_name(op), &id]),
            move |dry_run| async move {
                api::coord_op(id, op, &serde_json::json!({}), dry_run).await
            },
            changes,
            |done: &CoordOpReport| tf("Now {}.", &[&done.status.id()]),
        );
    };
    let live = move || status().is_some_and(|s| !s.is_terminal());
    let suspended = move || {
        status().is_some_and(|s| matches!(s, CoordStatus::Suspended | CoordStatus::PrepSuspended))
    };
    let button = move |op: &'static str, label: &'static str, enabled: Signal<bool>| {
        view! {
            <button data-testid=format!("coord-op-{op}") disabled=move || !enabled.get() || !can_operate.get()
                on:click=move |_| operate(op)>{label}</button>
        }
    };
    let toggle = move |f: Form| form.update(|open| *open = (*open != Some(f)).then_some(f));
    let ignore = move || {
        let Some((id, _)) = job() else { return };
        let actions = ranges(&choice.chosen.get_untracked());
        ops.confirm(
            tf("Ignore actions {} of job {}?", &[&actions, &id]),
            move |dry_run| {
                let body = shared::api::CoordActionsRequest {
                    actions: Some(actions.clone()),
                    ..Default::default()
                };
                async move { api::coord_op(id, "ignore", &body, dry_run).await }
            },
            changes,
            |done: &CoordOpReport| format!("{} actions ignored.", done.actions.len()),
        );
    };
    let backfillable = move || {
        summary.with(|s| {
            s.as_ref()
                .is_some_and(|(s, _)| s.kind != "backfill" && s.coordinator_id.is_some())
        })
    };
    view! {
        <div class="toolbar">
            {button("suspend", "Suspend", Signal::derive(move || live() && !suspended()))}
            {button("resume", "Resume", Signal::derive(suspended))}
            {button("kill", "Kill", Signal::derive(live))}
            <span class="sep"></span>
            <button data-testid="coord-op-change" class:active=move || form.get() == Some(Form::Change)
                disabled=move || !live() || !can_operate.get()
                on:click=move |_| toggle(Form::Change)>{t("Change…")}</button>
            <button data-testid="coord-op-rerun" class:active=move || form.get() == Some(Form::Rerun)
                disabled=move || !can_operate.get()
                on:click=move |_| toggle(Form::Rerun)>{t("Rerun…")}</button>
            <button data-testid="coord-op-ignore"
                disabled=move || choice.chosen.with(Vec::is_empty) || !can_operate.get()
                on:click=move |_| ignore()>{t("Ignore chosen")}</button>
            <Show when=backfillable>
                <button data-testid="coord-op-backfill" class:active=move || form.get() == Some(Form::Backfill)
                    disabled=move || !can_operate.get()
                    on:click=move |_| toggle(Form::Backfill)>{t("Backfill…")}</button>
            </Show>
        </div>
        {move || match (form.get(), summary.get()) {
            (Some(Form::Change), Some((s, _))) => view! { <ChangeForm summary=s ops/> }.into_any(),
            (Some(Form::Rerun), Some((s, _))) => view! { <RerunForm id=s.id ops choice/> }.into_any(),
            (Some(Form::Backfill), Some((s, _))) => view! { <BackfillForm summary=s ops/> }.into_any(),
            _ => ().into_any(),
        }}
        {move || ops.message.get().map(|(error, text)| view! {
            <p class="status" class:error=error data-testid="op-message">{text}</p>
        })}
    }
}

/// A labelled text box bound to `value`.
fn field(
    label: &'static str,
    testid: &'static str,
    value: RwSignal<String>,
    hint: &'static str,
) -> impl IntoView {
    view! {
        <label class="field">
            <span>{label}</span>
            <input data-testid=testid prop:value=move || value.get() placeholder=hint
                on:input=move |ev| value.set(event_target_value(&ev))/>
        </label>
    }
}

/// Oozie's `-change`: a new end, concurrency or pause time; what is left blank stays.
#[component]
fn ChangeForm(summary: CoordJobSummary, ops: Operations) -> impl IntoView {
    let id = summary.id;
    let oozie = |ms: i64| {
        chrono::DateTime::from_timestamp_millis(ms)
            .map(format_oozie_time)
            .unwrap_or_default()
    };
    let end = RwSignal::new(oozie(summary.end));
    let concurrency = RwSignal::new(summary.concurrency.to_string());
    let pause = RwSignal::new(summary.pause.map(oozie).unwrap_or_default());
    let error = RwSignal::new(None::<String>);
    let preview = move |_| {
        let concurrency = match concurrency.get_untracked().trim() {
            "" => None,
            n => match n.parse::<i64>() {
                Ok(n) => Some(n),
                Err(_) => {
                    error.set(Some(format!("concurrency '{n}' is not a whole number")));
                    return;
                }
            },
        };
        error.set(None);
        let body = CoordChangeRequest {
            end: Some(end.get_untracked()).filter(|e| !e.trim().is_empty()),
            concurrency,
            pause: Some(pause.get_untracked()),
        };
        ops.confirm(
            tf("Change coordinator job {}?", &[&id]),
            move |dry_run| {
                let body = body.clone();
                async move { api::coord_op(id, "change", &body, dry_run).await }
            },
            changes,
            |_: &CoordOpReport| "Changed.".to_owned(),
        );
    };
    view! {
        <section class="card op-form" data-testid="change-form">
            <p class="hint">{t("End: no action after this time. Concurrency: how many actions may run at once (-1: no limit). Pause: no action is made from this time until it is cleared.")}</p>
            {field(t("End (UTC)"), "change-end", end, "2026-12-31T00:00Z")}
            {field(t("Concurrency"), "change-concurrency", concurrency, "1")}
            {field(t("Pause (UTC)"), "change-pause", pause, "")}
            {move || error.get().map(|e| view! { <p class="field-error">{e}</p> })}
            <button class="primary" data-testid="change-preview" on:click=preview>{t("Preview the change")}</button>
        </section>
    }
}

/// Oozie's `-rerun`: the chosen actions (or those typed, by number or nominal time) run
/// again, whole or only their workflows' failed nodes.
#[component]
fn RerunForm(id: i64, ops: Operations, choice: Choice) -> impl IntoView {
    let actions = RwSignal::new(ranges(&choice.chosen.get_untracked()));
    // The grid's choice fills the box; typing overrides it.
    Effect::new(move |_| actions.set(ranges(&choice.chosen.get())));
    let dates = RwSignal::new(String::new());
    let failed = RwSignal::new(false);
    let refresh = RwSignal::new(false);
    let nocleanup = RwSignal::new(false);
    let check = |label: &'static str, testid: &'static str, value: RwSignal<bool>| {
        view! {
            <label class="check"><input type="checkbox" data-testid=testid prop:checked=move || value.get()
                on:change=move |ev| value.set(event_target_checked(&ev))/>{label}</label>
        }
    };
    let preview = move |_| {
        let (a, d) = (actions.get_untracked(), dates.get_untracked());
        let body = shared::api::CoordActionsRequest {
            actions: Some(a.trim().to_owned()).filter(|a| !a.is_empty()),
            dates: Some(d.trim().to_owned()).filter(|d| !d.is_empty()),
            failed: failed.get_untracked(),
            refresh: refresh.get_untracked(),
            nocleanup: nocleanup.get_untracked(),
        };
        ops.confirm(
            tf("Rerun actions of coordinator job {}?", &[&id]),
            move |dry_run| {
                let body = body.clone();
                async move { api::coord_op(id, "rerun", &body, dry_run).await }
            },
            changes,
            |done: &CoordOpReport| format!("{} actions rerun.", done.actions.len()),
        );
    };
    view! {
        <section class="card op-form" data-testid="rerun-form">
            <p class="hint">{t("Choose actions in the grid (Ctrl-click adds one, Shift-click a range), or type their numbers or nominal times.")}</p>
            {field(t("Actions"), "rerun-actions", actions, "1,3-5")}
            {field(t("Or nominal times (UTC)"), "rerun-dates", dates, "2026-01-01T00:00Z::2026-01-02T00:00Z")}
            {check(t("Only their failed nodes"), "rerun-failed", failed)}
            {check(t("Resolve inputs and configuration again"), "rerun-refresh", refresh)}
            {check(t("Keep output directories"), "rerun-nocleanup", nocleanup)}
            <button class="primary" data-testid="rerun-preview" on:click=preview>{t("Preview the rerun")}</button>
        </section>
    }
}

/// A backfill of the coordinator's own past periods, in a job of its own; the page goes
/// to that job once it is made.
#[component]
fn BackfillForm(summary: CoordJobSummary, ops: Operations) -> impl IntoView {
    let Some(coordinator) = summary.coordinator_id else {
        return ().into_any();
    };
    let from = RwSignal::new(String::new());
    let to = RwSignal::new(String::new());
    let parallel = RwSignal::new("1".to_owned());
    let newest_first = RwSignal::new(false);
    let made = RwSignal::new(None::<i64>);
    let navigate = use_navigate();
    Effect::new(move |_| {
        if let Some(job) = made.get() {
            navigate(&format!("/coordinator-jobs/{job}"), Default::default());
        }
    });
    let preview = move |_| {
        let request = BackfillRequest {
            from: from.get_untracked(),
            to: to.get_untracked(),
            parallel: parallel.get_untracked().trim().parse().ok(),
            newest_first: newest_first.get_untracked(),
            version: summary.coordinator_version,
            properties: Default::default(),
        };
        ops.confirm(
            tf("Backfill {} to {}?", &[&request.from, &request.to]),
            move |dry_run| {
                let request = request.clone();
                async move { api::backfill(coordinator, &request, dry_run).await }
            },
            slots,
            move |done: &BackfillReport| {
                made.set(done.job.as_ref().map(|j| j.id));
                tf("Backfill of {} periods started.", &[&done.slots.len()])
            },
        );
    };
    view! {
        <section class="card op-form" data-testid="backfill-form">
            <p class="hint">{t("Runs the schedule's own periods between two nominal times (both included) in a job of their own, below live runs.")}</p>
            {field(t("From (UTC)"), "backfill-from", from, "2026-11-01T00:00Z")}
            {field(t("To (UTC)"), "backfill-to", to, "2026-11-03T00:00Z")}
            <label class="field"><span>{t("At a time")}</span>
                <input type="number" min="1" max="100" data-testid="backfill-parallel" prop:value=move || parallel.get()
                    on:input=move |ev| parallel.set(event_target_value(&ev))/></label>
            <label class="field"><span>{t("Order")}</span>
                <select data-testid="backfill-order" on:change=move |ev| newest_first.set(event_target_value(&ev) == "newest")>
                    <option value="oldest">{t("Oldest first")}</option>
                    <option value="newest">{t("Newest first")}</option>
                </select></label>
            <button class="primary" data-testid="backfill-preview" on:click=preview>{t("Preview the backfill")}</button>
        </section>
    }
    .into_any()
}

/// The grid and the chosen action's details: drawn again from each read of the job.
#[component]
fn Actions(detail: CoordJobDetail, choice: Choice) -> impl IntoView {
    let actions = detail.actions;
    let numbers = StoredValue::new(actions.iter().map(|a| a.number).collect::<Vec<i64>>());
    let pick = move |n: i64, ev: &MouseEvent| {
        let anchor = choice.focus.get_untracked();
        choice.chosen.update(|chosen| {
            if ev.shift_key()
                && let Some(a) = anchor
            {
                let added: Vec<i64> = numbers.with_value(|all| {
                    span(a, n)
                        .filter(|x| all.contains(x) && !chosen.contains(x))
                        .collect()
                });
                chosen.extend(added);
            } else if ev.ctrl_key() || ev.meta_key() {
                match chosen.iter().position(|&x| x == n) {
                    Some(i) => {
                        chosen.remove(i);
                    }
                    None => chosen.push(n),
                }
            } else {
                *chosen = vec![n];
            }
        });
        choice.focus.set(Some(n));
    };
    // The chosen cells are marked by one effect that changes only the cells whose choice
    // changed: ten thousand cells each watching the choice cost a tenth of a second to
    // draw.
    let grid = NodeRef::<leptos::html::Div>::new();
    let marked = StoredValue::new(Vec::<i64>::new());
    Effect::new(move |_| {
        let mut chosen = choice.chosen.get();
        let Some(grid) = grid.get() else { return };
        shared::order::sort(&mut chosen);
        marked.update_value(|was| {
            let mark = |n: i64, on: bool| {
                if let Ok(Some(cell)) = grid.query_selector(&format!("[data-n='{n}']")) {
                    let _ = if on {
                        cell.set_attribute("data-chosen", "")
                    } else {
                        cell.remove_attribute("data-chosen")
                    };
                }
            };
            for &n in was.iter() {
                if chosen.binary_search(&n).is_err() {
                    mark(n, false);
                }
            }
            for &n in &chosen {
                if was.binary_search(&n).is_err() {
                    mark(n, true);
                }
            }
            *was = chosen;
        });
    });
    let focused = {
        let actions = actions.clone();
        move || {
            let n = choice.focus.get()?;
            actions.iter().find(|a| a.number == n).cloned()
        }
    };
    let failed: Vec<i64> = actions
        .iter()
        .filter(|a| {
            matches!(
                a.status,
                CoordActionStatus::Failed | CoordActionStatus::Killed | CoordActionStatus::TimedOut
            )
        })
        .map(|a| a.number)
        .collect();
    let legend: Vec<(CoordActionStatus, usize)> = CoordActionStatus::ALL
        .into_iter()
        .map(|s| (s, actions.iter().filter(|a| a.status == s).count()))
        .filter(|(_, n)| *n > 0)
        .collect();
    if actions.is_empty() {
        return view! { <p class="empty">{t("No actions yet: the first is made at its nominal time.")}</p> }
            .into_any();
    }
    view! {
        <div class="grid-tools">
            <span class="legend">
                {legend.into_iter().map(|(s, n)| view! {
                    <span class=format!("badge s-{}", s.id())>{format!("{} {n}", s.id())}</span>
                }).collect_view()}
            </span>
            <span class="spacer"></span>
            <button class="link" data-testid="choose-failed" disabled=failed.is_empty()
                on:click=move |_| choice.chosen.set(failed.clone())>{t("Choose the failed")}</button>
            <button class="link" data-testid="choose-none"
                on:click=move |_| choice.chosen.set(Vec::new())>{t("Choose none")}</button>
            <span data-testid="chosen-count">{move || match choice.chosen.with(Vec::len) {
                0 => String::new(),
                n => format!("{n} chosen"),
            }}</span>
        </div>
        <div class="action-grid" data-testid="action-grid" node_ref=grid inner_html=grid_html(&actions)
            on:click=move |ev: MouseEvent| {
                // One listener for every cell: each cell names its action.
                let n = ev
                    .target()
                    .and_then(|t| wasm_bindgen::JsCast::dyn_into::<web_sys::Element>(t).ok())
                    .and_then(|el| el.get_attribute("data-n"))
                    .and_then(|n| n.parse().ok());
                if let Some(n) = n {
                    pick(n, &ev);
                }
            }>
        </div>
        {move || focused().map(|a| view! { <ActionDetail action=a/> })}
    }
    .into_any()
}

/// The grid's rows, one per UTC day, as HTML: ten thousand cells are drawn by the
/// browser's parser from one string in a fraction of the time it takes to make them one
/// by one. Every part is a number, a time or a status name, so nothing needs escaping.
fn grid_html(actions: &[CoordActionState]) -> String {
    use std::fmt::Write as _;
    let times: Vec<i64> = actions.iter().map(|a| a.nominal_time).collect();
    let mut html = String::with_capacity(actions.len() * 160);
    for (d, items) in by_day(&times) {
        let label = chrono::DateTime::from_timestamp_millis(d)
            .map(|d| day(&d))
            .unwrap_or_default();
        let _ = write!(
            html,
            r#"<div class="grid-row"><span class="grid-day">{label}</span><div class="cells">"#
        );
        for i in items {
            let a = &actions[i];
            let (n, status) = (a.number, a.status.id());
            let _ = write!(
                html,
                r##"<button class="cell s-{status}" data-testid="coord-action-{n}" data-status="{status}" data-n="{n}" title="#{n} · {} · {status}"></button>"##,
                time(Some(a.nominal_time))
            );
        }
        html.push_str("</div></div>");
    }
    html
}

#[component]
fn ActionDetail(action: CoordActionState) -> impl IntoView {
    let a = action;
    let n = a.number;
    let note = a.missing.clone().or(a.error_message.clone());
    view! {
        <section class="card action-detail" data-testid="coord-action-detail">
            <h3>
                {format!("#{n} · {} ", time(Some(a.nominal_time)))}
                <span class=format!("badge s-{}", a.status.id()) data-testid="coord-action-status">{a.status.id()}</span>
            </h3>
            <p class="status">
                {a.action_id.clone()} {format!(" · tries {}", a.tries)}
                {a.instance.map(|i| view! {
                    " · " <a href=format!("/instances/{i}") data-testid=format!("action-instance-{n}")>{format!("instance {i}")}</a>
                })}
            </p>
            {note.map(|n| view! { <p class="note">{n}</p> })}
            {(!a.inputs.is_empty()).then(|| view! {
                <h4>{t("Inputs")}</h4>
                <ul class="uris">
                    {a.inputs.iter().map(|(name, uris)| view! {
                        <li><b>{name.clone()}</b> " " {uris.join(", ")}</li>
                    }).collect_view()}
                </ul>
            })}
            {(!a.configuration.is_empty()).then(|| view! {
                <h4>{t("Configuration")}</h4>
                <table class="list compact">
                    <tbody>
                        {a.configuration.iter().map(|(k, v)| view! {
                            <tr><td>{k.clone()}</td><td>{v.clone()}</td></tr>
                        }).collect_view()}
                    </tbody>
                </table>
            })}
        </section>
    }
}

fn changes(report: &CoordOpReport) -> Vec<String> {
    let instances = report
        .instances
        .iter()
        .map(|i| tf("Instance {}: {}", &[&i.item, &i.to]));
    let removed = (!report.removed.is_empty())
        .then(|| tf("Taken back: actions {}", &[&ranges(&report.removed)]));
    let cleanup = report.cleanup.iter().map(|p| tf("Deleted first: {}", &[p]));
    let kept = report
        .not_cleaned
        .iter()
        .map(|p| tf("Not deleted (not reachable from here): {}", &[p]));
    change_lines(
        t("The job: {} → {}"),
        (report.was.id(), report.status.id()),
        (t("Action {}: {} → {}"), t("new"), &report.actions),
        instances.chain(removed).chain(cleanup).chain(kept),
    )
}

fn slots(report: &BackfillReport) -> Vec<String> {
    let mut lines = vec![format!(
        "{} periods will run in a backfill job:",
        report.slots.len()
    )];
    lines.extend(
        report
            .slots
            .iter()
            .map(|(n, at)| format!("#{n} at {}", time(Some(*at)))),
    );
    lines
}

#[cfg(test)]
mod tests {
    use super::*;

    fn action(number: i64, nominal_time: i64, status: CoordActionStatus) -> CoordActionState {
        CoordActionState {
            number,
            action_id: format!("0000001-sluice-C@{number}"),
            nominal_time,
            created_at: nominal_time,
            status,
            missing: None,
            instance: None,
            tries: 0,
            error_code: None,
            error_message: None,
            inputs: Default::default(),
            configuration: Default::default(),
        }
    }

    #[test]
    fn the_grid_has_a_row_per_day_and_a_cell_per_action_in_time_order() {
        let day = 20_000 * 86_400_000;
        let html = grid_html(&[
            action(2, day + 3_600_000, CoordActionStatus::Failed),
            action(1, day, CoordActionStatus::Succeeded),
            action(3, day + 86_400_000, CoordActionStatus::Waiting),
        ]);
        assert_eq!(html.matches(r#"class="grid-row""#).count(), 2);
        let first = html.find(r#"data-n="1""#).unwrap();
        let second = html.find(r#"data-n="2""#).unwrap();
        assert!(first < second, "time order within the day");
        assert!(html.contains(
            r##"<button class="cell s-FAILED" data-testid="coord-action-2" data-status="FAILED" data-n="2" title="#2 · 2024-10-04 01:00:00 · FAILED"></button>"##
        ), "{html}");
        assert!(html.contains(r#"<span class="grid-day">2024-10-05</span>"#));
        assert_eq!(grid_html(&[]), "");
    }
}
