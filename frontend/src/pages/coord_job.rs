//! One coordinator job, live: its status and progress, its actions with their nominal
//! times, what waiting ones wait for and the instance each runs, and suspend, resume and
//! kill, each confirmed after its dry run.

use leptos::prelude::*;
use shared::api::{CoordEvent, CoordJobDetail, CoordOpReport, CoordStatus, Role};

use crate::api;
use crate::components::Confirm;
use crate::dom::time;
use crate::i18n::t;
use crate::pages::live::{Operations, RunsTopbar, live_tick, route_id};
use crate::pages::login::has_role;

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
    view! {
        <RunsTopbar/>
        <main class="page wide">
            <Transition fallback=|| view! { <p class="empty">{t("Loading…")}</p> }>
                {move || detail.get().map(|result| match result {
                    Ok(d) => view! { <Body detail=d tick/> }.into_any(),
                    Err(err) => view! { <p class="status error">{err.to_string()}</p> }.into_any(),
                })}
            </Transition>
        </main>
    }
}

#[component]
fn Body(detail: CoordJobDetail, tick: RwSignal<u64>) -> impl IntoView {
    let s = detail.summary;
    let id = s.id;
    let status = s.status;
    let can_operate = has_role(Role::Operator);
    let ops = Operations::new(tick);
    let Operations {
        pending, message, ..
    } = ops;
    let operate = move |op: &'static str| {
        ops.confirm(
            format!("{op} coordinator job {id}?"),
            move |dry_run| api::coord_op(id, op, dry_run),
            changes,
            |done| format!("Now {}.", done.status.id()),
        );
    };
    let suspended = matches!(status, CoordStatus::Suspended | CoordStatus::PrepSuspended);
    let button = move |op: &'static str, label: &'static str, enabled: bool| {
        view! {
            <button data-testid=format!("coord-op-{op}") disabled=move || !enabled || !can_operate.get()
                on:click=move |_| operate(op)>{label}</button>
        }
    };
    let p = detail.progress;
    view! {
        <h1>
            {s.name.clone()} " · " {s.job_id.clone()} " "
            <span class=format!("badge s-{}", status.id()) data-testid="coord-status">{status.id()}</span>
        </h1>
        <p class="status" data-testid="coord-progress">
            {format!("{} made · {} waiting · {} running · {} succeeded · {} failed · {} skipped · next {}",
                p.actions, p.waiting, p.running, p.succeeded, p.failed, p.skipped,
                time(s.next_materialized_at))}
        </p>
        <div class="toolbar">
            {button("suspend", "Suspend", !status.is_terminal() && !suspended)}
            {button("resume", "Resume", suspended)}
            {button("kill", "Kill", !status.is_terminal())}
        </div>
        {move || message.get().map(|(error, text)| view! {
            <p class="status" class:error=error data-testid="op-message">{text}</p>
        })}
        <table class="list" data-testid="coord-actions">
            <thead><tr><th>"#"</th><th>{t("Nominal time (UTC)")}</th><th>{t("Status")}</th><th>{t("Instance")}</th><th>{t("Note")}</th></tr></thead>
            <tbody>
                {detail.actions.into_iter().map(|a| view! {
                    <tr data-testid=format!("coord-action-{}", a.number)>
                        <td>{a.number}</td>
                        <td>{time(Some(a.nominal_time))}</td>
                        <td><span class=format!("badge s-{}", a.status.id())>{a.status.id()}</span></td>
                        <td>{a.instance.map(|i| view! {
                            <a href=format!("/instances/{i}") data-testid=format!("action-instance-{}", a.number)>{i}</a>
                        })}</td>
                        <td class="note">{a.missing.clone().or(a.error_message.clone()).unwrap_or_default()}</td>
                    </tr>
                }).collect_view()}
            </tbody>
        </table>
        <Confirm pending/>
    }
}

fn changes(report: &CoordOpReport) -> Vec<String> {
    let mut lines = Vec::new();
    if report.was != report.status {
        lines.push(format!(
            "The job: {} → {}",
            report.was.id(),
            report.status.id()
        ));
    }
    for a in &report.actions {
        lines.push(format!(
            "Action {}: {} → {}",
            a.item,
            a.from.as_deref().unwrap_or("new"),
            a.to
        ));
    }
    for i in &report.instances {
        lines.push(format!("Instance {}: {}", i.item, i.to));
    }
    if lines.is_empty() {
        lines.push("Nothing would change.".to_owned());
    }
    lines
}
