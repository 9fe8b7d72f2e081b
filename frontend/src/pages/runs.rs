//! Runs: the coordinator jobs and the workflow instances, newest first, updated live as
//! the server's events arrive.

use leptos::prelude::*;
use shared::api::{CoordEvent, InstanceEvent, JobStatus};

use crate::api;
use crate::dom::time;
use crate::i18n::t;
use crate::pages::live::{RunsTopbar, live_tick};

#[component]
pub fn Runs() -> impl IntoView {
    let status = RwSignal::new(String::new());
    // Node changes do not change the lists; an instance's own status does.
    let instance_tick = live_tick("instance", |ev: &InstanceEvent| ev.node.is_none());
    let job_tick = live_tick("coordinator", |_: &CoordEvent| true);
    let instances = LocalResource::new(move || {
        instance_tick.track();
        api::instances(status.get())
    });
    let jobs = LocalResource::new(move || {
        job_tick.track();
        api::coord_jobs()
    });

    let job_rows = move || {
        jobs.get().map(|r| match r {
            Ok(page) if page.items.is_empty() => {
                view! { <p class="empty">{t("No schedules yet: open a workflow and choose Schedule.")}</p> }.into_any()
            }
            Ok(page) => view! {
                <table class="list" data-testid="coord-jobs">
                    <thead><tr><th>{t("Job")}</th><th>{t("Name")}</th><th>{t("Kind")}</th><th>{t("Status")}</th><th>{t("Actions")}</th><th>{t("Next (UTC)")}</th></tr></thead>
                    <tbody>
                        {page.items.into_iter().map(|j| view! {
                            <tr>
                                <td><a href=format!("/coordinator-jobs/{}", j.id) data-testid=format!("coord-job-{}", j.id)>{j.job_id.clone()}</a></td>
                                <td>{j.name.clone()}</td>
                                <td>{j.kind.clone()}</td>
                                <td><span class=format!("badge s-{}", j.status.id())>{j.status.id()}</span></td>
                                <td>{j.last_action_number}</td>
                                <td>{time(j.next_materialized_at)}</td>
                            </tr>
                        }).collect_view()}
                    </tbody>
                </table>
            }.into_any(),
            Err(e) => view! { <p class="status error">{e.to_string()}</p> }.into_any(),
        })
    };
    let instance_rows = move || {
        instances.get().map(|r| match r {
            Ok(page) if page.items.is_empty() => {
                view! { <p class="empty">{t("No instances.")}</p> }.into_any()
            }
            Ok(page) => view! {
                <table class="list" data-testid="instances">
                    <thead><tr><th>{t("Instance")}</th><th>{t("Workflow")}</th><th>{t("Status")}</th><th>{t("Run")}</th><th>{t("Started (UTC)")}</th><th>{t("Ended")}</th></tr></thead>
                    <tbody>
                        {page.items.into_iter().map(|i| view! {
                            <tr>
                                <td><a href=format!("/instances/{}", i.id) data-testid=format!("instance-{}", i.id)>{i.job_id.clone()}</a></td>
                                <td>{i.name.clone()}</td>
                                <td><span class=format!("badge s-{}", i.status.id())>{i.status.id()}</span></td>
                                <td>{i.run}</td>
                                <td>{time(i.started_at)}</td>
                                <td>{time(i.ended_at)}</td>
                            </tr>
                        }).collect_view()}
                    </tbody>
                </table>
            }.into_any(),
            Err(e) => view! { <p class="status error">{e.to_string()}</p> }.into_any(),
        })
    };
    view! {
        <RunsTopbar/>
        <main class="page wide">
            <h1>{t("Schedules")}</h1>
            <Transition fallback=|| view! { <p class="empty">{t("Loading…")}</p> }>{job_rows}</Transition>
            <h1>{t("Workflow instances")}</h1>
            <select data-testid="instance-status-filter" aria-label=t("Only instances in this status")
                on:change=move |ev| status.set(event_target_value(&ev))>
                <option value="">{t("Any status")}</option>
                {JobStatus::ALL.into_iter().map(|s| view! { <option value=s.id()>{s.id()}</option> }).collect_view()}
            </select>
            <Transition fallback=|| view! { <p class="empty">{t("Loading…")}</p> }>{instance_rows}</Transition>
        </main>
    }
}
