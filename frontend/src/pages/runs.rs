//! Runs: the coordinator jobs and the workflow instances, newest first, updated live as
//! the server's events arrive.

use leptos::prelude::*;
use shared::api::{CoordEvent, InstanceEvent, JobStatus};

use crate::api;
use crate::dom::{EventStream, time};
use crate::pages::UserMenu;

#[component]
pub fn Runs() -> impl IntoView {
    let status = RwSignal::new(String::new());
    let tick = RwSignal::new(0_u64);
    let instances = LocalResource::new(move || {
        tick.track();
        api::instances(status.get())
    });
    let jobs = LocalResource::new(move || {
        tick.track();
        api::coord_jobs()
    });
    let bump = move || tick.update(|t| *t += 1);
    let streams = (
        EventStream::open("instance", move |ev: InstanceEvent| {
            // Node changes do not change the lists; the instance's own status does.
            if ev.node.is_none() {
                bump();
            }
        }),
        EventStream::open("coordinator", move |_: CoordEvent| bump()),
    );
    let streams = StoredValue::new_local(Some(streams));
    on_cleanup(move || streams.update_value(|s| drop(s.take())));

    let job_rows = move || {
        jobs.get().map(|r| match r {
            Ok(page) if page.items.is_empty() => {
                view! { <p class="empty">"No schedules yet: open a workflow and choose Schedule."</p> }.into_any()
            }
            Ok(page) => view! {
                <table class="list" data-testid="coord-jobs">
                    <thead><tr><th>"Job"</th><th>"Name"</th><th>"Kind"</th><th>"Status"</th><th>"Actions"</th><th>"Next (UTC)"</th></tr></thead>
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
                view! { <p class="empty">"No instances."</p> }.into_any()
            }
            Ok(page) => view! {
                <table class="list" data-testid="instances">
                    <thead><tr><th>"Instance"</th><th>"Workflow"</th><th>"Status"</th><th>"Run"</th><th>"Started (UTC)"</th><th>"Ended"</th></tr></thead>
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
        <header class="topbar">
            <a class="brand" href="/">"Sluice"</a>
            <a href="/runs" data-testid="nav-runs">"Runs"</a>
            <span class="spacer"></span>
            <UserMenu/>
        </header>
        <main class="page wide">
            <h1>"Schedules"</h1>
            <Transition fallback=|| view! { <p class="empty">"Loading…"</p> }>{job_rows}</Transition>
            <h1>"Workflow instances"</h1>
            <select data-testid="instance-status-filter" aria-label="Only instances in this status"
                on:change=move |ev| status.set(event_target_value(&ev))>
                <option value="">"Any status"</option>
                {JobStatus::ALL.into_iter().map(|s| view! { <option value=s.id()>{s.id()}</option> }).collect_view()}
            </select>
            <Transition fallback=|| view! { <p class="empty">"Loading…"</p> }>{instance_rows}</Transition>
        </main>
    }
}
