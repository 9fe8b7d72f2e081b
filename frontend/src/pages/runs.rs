//! Runs: the coordinator jobs, and the workflow instances filtered by status, workflow
//! and creation day, a page at a time, newest first, with operations on the chosen ones;
//! all updated live as the server's events arrive.

use leptos::prelude::*;
use shared::api::{CoordEvent, InstanceEvent, JobStatus, RerunRequest, RerunScope, Role};

use crate::api::{self, ApiError, InstanceFilter};
use crate::components::Confirm;
use crate::dom::time;
use crate::i18n::{t, tf};
use crate::pages::live::{Operations, RunsTopbar, instance_changes, live_tick, op_name};
use crate::pages::login::has_role;

/// Instances a page shows.
const PAGE: i64 = 50;

#[component]
pub fn Runs() -> impl IntoView {
    // Node changes do not change the lists; an instance's own status does.
    let instance_tick = live_tick("instance", |ev: &InstanceEvent| ev.node.is_none());
    let job_tick = live_tick("coordinator", |_: &CoordEvent| true);
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
                    <thead><tr><th>{t("Job")}</th><th>{t("Name")}</th><th>{t("Kind")}</th><th>{t("Status")}</th><th>{t("Actions")}</th><th>{t("Last run (UTC)")}</th><th>{t("Next (UTC)")}</th></tr></thead>
                    <tbody>
                        {page.items.into_iter().map(|j| {
                            let p = j.progress.clone().unwrap_or_default();
                            let of = p.planned.unwrap_or(p.actions).max(1) as f64;
                            let part = |n: i64, status: &str| view! {
                                <span class=format!("part s-{status}") style=format!("width:{}%", n as f64 * 100.0 / of)></span>
                            };
                            view! {
                                <tr>
                                    <td><a href=format!("/coordinator-jobs/{}", j.id) data-testid=format!("coord-job-{}", j.id)>{j.job_id.clone()}</a></td>
                                    <td>{j.name.clone()}</td>
                                    <td>{j.kind.clone()}</td>
                                    <td><span class=format!("badge s-{}", j.status.id())>{j.status.id()}</span></td>
                                    <td class="counts" data-testid=format!("coord-counts-{}", j.id)>
                                        <span class="progress mini">
                                            {part(p.succeeded, "SUCCEEDED")}{part(p.failed, "FAILED")}
                                            {part(p.skipped, "SKIPPED")}{part(p.running, "RUNNING")}
                                        </span>
                                        {format!("{} ✓ · {} ✗ · {} skipped · {} running · {} waiting", p.succeeded, p.failed, p.skipped, p.running, p.waiting)}
                                    </td>
                                    <td>{time(j.last_run_at)}</td>
                                    <td>{time(j.next_materialized_at)}</td>
                                </tr>
                            }
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
            <Instances tick=instance_tick/>
        </main>
    }
}

/// `2026-11-21` (a date input's value) and the day after, as Oozie times: a day's bounds.
fn day_bounds(date: &str) -> Option<(String, String)> {
    let mut parts = date.splitn(3, '-').map(|p| p.parse::<u32>().ok());
    let (y, m, d) = (parts.next()??, parts.next()??, parts.next()??);
    let day = chrono::NaiveDate::from_ymd_opt(i32::try_from(y).ok()?, m, d)?;
    let oozie = |d: chrono::NaiveDate| format!("{d}T00:00Z");
    Some((oozie(day), oozie(day.succ_opt()?)))
}

#[component]
fn Instances(tick: RwSignal<u64>) -> impl IntoView {
    let filter = RwSignal::new(InstanceFilter {
        limit: PAGE,
        ..Default::default()
    });
    let (first_day, last_day) = (RwSignal::new(String::new()), RwSignal::new(String::new()));
    let instances = LocalResource::new(move || {
        tick.track();
        let f = filter.get();
        async move { api::instances(&f).await }
    });
    let workflows = LocalResource::new(|| api::list_workflows(String::new(), 0, 500));
    let chosen = RwSignal::new(Vec::<i64>::new());
    let ops = Operations::new(tick);
    let can_operate = has_role(Role::Operator);
    // A change of filter starts again at the first page, with nothing chosen.
    let refine = move |change: &dyn Fn(&mut InstanceFilter)| {
        filter.update(|f| {
            change(f);
            f.offset = 0;
        });
        chosen.set(Vec::new());
    };
    let set_days = move || {
        let since = day_bounds(&first_day.get_untracked()).map(|(s, _)| s);
        let until = day_bounds(&last_day.get_untracked()).map(|(_, u)| u);
        refine(&|f| {
            f.since = since.clone().unwrap_or_default();
            f.until = until.clone().unwrap_or_default();
        });
    };
    let bulk = move |op: &'static str| {
        let ids = chosen.get_untracked();
        confirm_each(
            ops,
            tf("{} {} instances?", &[&op_name(op), &ids.len()]),
            ids,
            move |id, dry_run| api::instance_op(id, op, dry_run),
            instance_changes,
        );
    };
    // Each chosen instance again from what failed, as its own page's "Rerun failed" does.
    let bulk_rerun = move || {
        let ids = chosen.get_untracked();
        let request = RerunRequest {
            scope: RerunScope::Failed,
            properties: Default::default(),
            version: None,
            dry_run: false,
        };
        confirm_each(
            ops,
            tf("Rerun what failed in {} instances?", &[&ids.len()]),
            ids,
            move |id, dry_run| {
                let request = request.clone();
                async move { api::rerun(id, &request, dry_run).await }
            },
            super::instance::rerun_lines,
        );
    };
    let rows = move || {
        instances.get().map(|r| match r {
            Ok(page) if page.items.is_empty() => {
                view! { <p class="empty">{t("No instances.")}</p> }.into_any()
            }
            Ok(page) => {
                let on_page: Vec<i64> = page.items.iter().map(|i| i.id).collect();
                let all_chosen = {
                    let on_page = on_page.clone();
                    move || chosen.with(|c| on_page.iter().all(|id| c.contains(id)))
                };
                let (from, total) = (page.offset, page.total);
                let to = (from + page.items.len() as i64).min(total);
                view! {
                    <table class="list" data-testid="instances">
                        <thead><tr>
                            <th><input type="checkbox" data-testid="pick-all" aria-label=t("Choose every instance of this page")
                                prop:checked=all_chosen on:change=move |ev| {
                                    let on = event_target_checked(&ev);
                                    chosen.update(|c| {
                                        c.retain(|id| !on_page.contains(id));
                                        if on { c.extend(on_page.iter().copied()); }
                                    });
                                }/></th>
                            <th>{t("Instance")}</th><th>{t("Workflow")}</th><th>{t("Status")}</th><th>{t("Run")}</th><th>{t("Started (UTC)")}</th><th>{t("Ended")}</th>
                        </tr></thead>
                        <tbody>
                            {page.items.into_iter().map(|i| {
                                let id = i.id;
                                view! {
                                    <tr>
                                        <td><input type="checkbox" data-testid=format!("pick-{id}") aria-label=t("Choose")
                                            prop:checked=move || chosen.with(|c| c.contains(&id))
                                            on:change=move |ev| {
                                                let on = event_target_checked(&ev);
                                                chosen.update(|c| {
                                                    c.retain(|x| *x != id);
                                                    if on { c.push(id); }
                                                });
                                            }/></td>
                                        <td><a href=format!("/instances/{id}") data-testid=format!("instance-{id}")>{i.job_id.clone()}</a></td>
                                        <td>{i.name.clone()}</td>
                                        <td><span class=format!("badge s-{}", i.status.id()) data-testid=format!("instance-status-{id}")>{i.status.id()}</span></td>
                                        <td>{i.run}</td>
                                        <td>{time(i.started_at)}</td>
                                        <td>{time(i.ended_at)}</td>
                                    </tr>
                                }
                            }).collect_view()}
                        </tbody>
                    </table>
                    <div class="pager">
                        <button data-testid="page-prev" disabled={from == 0}
                            on:click=move |_| filter.update(|f| f.offset = (f.offset - PAGE).max(0))>{t("Newer")}</button>
                        <span data-testid="page-info">{format!("{}–{to} of {total}", from + 1)}</span>
                        <button data-testid="page-next" disabled={to >= total}
                            on:click=move |_| filter.update(|f| f.offset += PAGE)>{t("Older")}</button>
                    </div>
                }
                .into_any()
            }
            Err(e) => view! { <p class="status error">{e.to_string()}</p> }.into_any(),
        })
    };
    view! {
        <div class="filters">
            <select data-testid="instance-status-filter" aria-label=t("Only instances in this status")
                on:change=move |ev| { let s = event_target_value(&ev); refine(&|f| f.status = s.clone()) }>
                <option value="">{t("Any status")}</option>
                {JobStatus::ALL.into_iter().map(|s| view! { <option value=s.id()>{s.id()}</option> }).collect_view()}
            </select>
            <select data-testid="instance-workflow-filter" aria-label=t("Only instances of this workflow")
                on:change=move |ev| { let w = event_target_value(&ev).parse().ok(); refine(&|f| f.workflow = w) }>
                <option value="">{t("Any workflow")}</option>
                {move || workflows.get().and_then(Result::ok).map(|page| page.items.into_iter().map(|w| view! {
                    <option value=w.id.to_string()>{w.name}</option>
                }).collect_view())}
            </select>
            <label>{t("Created from")}
                <input type="date" data-testid="instance-since" on:change=move |ev| { first_day.set(event_target_value(&ev)); set_days() }/></label>
            <label>{t("to")}
                <input type="date" data-testid="instance-until" on:change=move |ev| { last_day.set(event_target_value(&ev)); set_days() }/></label>
        </div>
        <Show when=move || !chosen.with(Vec::is_empty)>
            <div class="toolbar bulk" data-testid="bulk">
                <span>{move || tf("{} chosen", &[&chosen.with(Vec::len)])}</span>
                {["suspend", "resume", "kill"].map(|op| view! {
                    <button data-testid=format!("bulk-{op}") disabled=move || !can_operate.get()
                        on:click=move |_| bulk(op)>{op_name(op)}</button>
                })}
                <button data-testid="bulk-rerun-failed" disabled=move || !can_operate.get()
                    on:click=move |_| bulk_rerun()>{t("Rerun failed")}</button>
                <button class="link" data-testid="bulk-clear" on:click=move |_| chosen.set(Vec::new())>{t("Choose none")}</button>
            </div>
        </Show>
        {move || ops.message.get().map(|(error, text)| view! {
            <p class="status" class:error=error data-testid="op-message">{text}</p>
        })}
        <Transition fallback=|| view! { <p class="empty">{t("Loading…")}</p> }>{rows}</Transition>
        <Confirm pending=ops.pending/>
    }
}

/// Does `call` to every chosen instance, one after another, once the user has seen what
/// each one's dry run says (`lines` of its answer).
fn confirm_each<T, Fut>(
    ops: Operations,
    question: String,
    ids: Vec<i64>,
    call: impl Fn(i64, bool) -> Fut + Clone + Send + Sync + 'static,
    lines: fn(&T) -> Vec<String>,
) where
    T: 'static,
    Fut: std::future::Future<Output = Result<T, ApiError>> + 'static,
{
    ops.confirm(
        question,
        move |dry_run| {
            let (ids, call) = (ids.clone(), call.clone());
            async move {
                let mut answers = Vec::new();
                for id in ids {
                    let answer = call(id, dry_run).await;
                    answers.push((id, answer.map_err(|e| e.to_string())));
                }
                Ok(Bulk { answers, lines })
            }
        },
        Bulk::<T>::dry_run,
        Bulk::<T>::done,
    );
}

/// Each chosen instance's answer to a bulk operation, and how to say one.
struct Bulk<T> {
    answers: Vec<(i64, Result<T, String>)>,
    lines: fn(&T) -> Vec<String>,
}

impl<T> Bulk<T> {
    /// The dry run: each instance's lines, or why it is refused.
    fn dry_run(&self) -> Vec<String> {
        self.answers
            .iter()
            .flat_map(|(id, answer)| match answer {
                Ok(a) => (self.lines)(a)
                    .into_iter()
                    .map(|line| tf("Instance {}: {}", &[id, &line]))
                    .collect::<Vec<_>>(),
                Err(e) => vec![tf("Instance {}: refused: {}", &[id, e])],
            })
            .collect()
    }

    fn done(&self) -> String {
        let done = self.answers.iter().filter(|(_, a)| a.is_ok()).count();
        tf("Done for {} of {}.", &[&done, &self.answers.len()])
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_date_is_a_day_of_oozie_times() {
        assert_eq!(
            day_bounds("2026-12-31"),
            Some(("2026-12-31T00:00Z".into(), "2027-01-01T00:00Z".into()))
        );
        assert_eq!(day_bounds(""), None);
        assert_eq!(day_bounds("2026-02-30"), None);
    }
}
