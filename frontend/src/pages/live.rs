//! What the pages about runs share: the route's id, reading again when the server's
//! events say something changed, their top bar, and operations confirmed after their
//! dry run.

use std::future::Future;

use leptos::prelude::*;
use leptos::task::spawn_local;
use leptos_router::hooks::use_params_map;
use serde::de::DeserializeOwned;

use shared::api::{InstanceState, StatusChange};

use crate::api::{self, ApiError};
use crate::components::Pending;
use crate::dom::EventStream;
use crate::i18n::{fill, t};
use crate::pages::UserMenu;

/// The route's `:id`; 0 when it is not a number (the server then answers 404).
pub fn route_id() -> Memo<i64> {
    let params = use_params_map();
    Memo::new(move |_| {
        params
            .read()
            .get("id")
            .and_then(|s| s.parse::<i64>().ok())
            .unwrap_or(0)
    })
}

/// A counter bumped by each event named `event` that `wanted` accepts, while the page
/// lives: resources that track it read again.
pub fn live_tick<T: DeserializeOwned + 'static>(
    event: &str,
    wanted: impl Fn(&T) -> bool + 'static,
) -> RwSignal<u64> {
    let tick = RwSignal::new(0_u64);
    let stream = EventStream::open(event, move |ev: T| {
        if wanted(&ev) {
            tick.update(|t| *t += 1);
        }
    });
    let stream = StoredValue::new_local(stream);
    on_cleanup(move || stream.update_value(|s| drop(s.take())));
    tick
}

#[component]
pub fn RunsTopbar() -> impl IntoView {
    view! {
        <header class="topbar">
            <a class="brand" href="/">{t("Sluice")}</a>
            <a href="/runs" data-testid="nav-runs">{t("Runs")}</a>
            <span class="spacer"></span>
            <UserMenu/>
        </header>
    }
}

/// Where an operation's outcome goes: the confirmation waiting for a yes, the message
/// after it (`true` for an error), and the page's counter, bumped once it is done.
#[derive(Clone, Copy)]
pub struct Operations {
    pub pending: RwSignal<Option<Pending>>,
    pub message: RwSignal<Option<(bool, String)>>,
    pub tick: RwSignal<u64>,
}

impl Operations {
    pub fn new(tick: RwSignal<u64>) -> Self {
        Operations {
            pending: RwSignal::new(None),
            message: RwSignal::new(None),
            tick,
        }
    }

    /// Asks for the dry run (`run(true)`), shows what it says would change, and once
    /// confirmed does the operation (`run(false)`), showing what it answers.
    pub fn confirm<R, Fut>(
        self,
        title: String,
        run: impl Fn(bool) -> Fut + Clone + Send + Sync + 'static,
        lines: fn(&R) -> Vec<String>,
        done: impl Fn(&R) -> String + Clone + Send + Sync + 'static,
    ) where
        R: 'static,
        Fut: Future<Output = Result<R, ApiError>> + 'static,
    {
        let Operations {
            pending,
            message,
            tick,
        } = self;
        let fail = move |e: ApiError| message.set(Some((true, e.to_string())));
        spawn_local(async move {
            match run(true).await {
                Ok(report) => pending.set(Some(Pending {
                    title,
                    lines: lines(&report),
                    confirm: Callback::new(move |()| {
                        let (run, done) = (run.clone(), done.clone());
                        spawn_local(async move {
                            match run(false).await {
                                Ok(r) => message.set(Some((false, done(&r)))),
                                Err(e) => fail(e),
                            }
                            tick.update(|t| *t += 1);
                        });
                    }),
                })),
                Err(e) => fail(e),
            }
        });
    }
}

/// Who did what to a resource (`instances/7`), newest first, read again on each change.
#[component]
pub fn AuditTrail(#[prop(into)] path: Signal<String>, tick: RwSignal<u64>) -> impl IntoView {
    let entries = LocalResource::new(move || {
        tick.track();
        api::audit(path.get())
    });
    let rows = move || {
        entries.get().map(|r| match r {
            Ok(list) if list.is_empty() => {
                view! { <p class="empty">{t("Nobody has done anything to it yet.")}</p> }.into_any()
            }
            Ok(list) => view! {
                <table class="list compact" data-testid="audit-trail">
                    <thead><tr><th>{t("When (UTC)")}</th><th>{t("Who")}</th><th>{t("What")}</th><th>{t("Answer")}</th></tr></thead>
                    <tbody>
                        {list.into_iter().map(|e| {
                            // `POST /api/v1/instances/{id}/kill` reads as `kill`.
                            let what = e.action.rsplit('/').next().unwrap_or(&e.action).to_owned();
                            view! {
                                <tr data-testid=format!("audit-{}", e.id)>
                                    <td>{e.at.replace('T', " ")}</td>
                                    <td>{e.actor.unwrap_or_default()}</td>
                                    <td>{what}</td>
                                    <td>{e.status}</td>
                                </tr>
                            }
                        }).collect_view()}
                    </tbody>
                </table>
            }
            .into_any(),
            Err(e) => view! { <p class="status error">{e.to_string()}</p> }.into_any(),
        })
    };
    view! {
        <section class="audit">
            <h3>{t("Audit trail")}</h3>
            <Transition fallback=|| ()>{rows}</Transition>
        </section>
    }
}

/// What a dry run says changes, one line each: the whole thing's status (`what`, a
/// template of the two statuses, when it changes), then each item's (`each`, a template
/// of its name and statuses; `absent` for an item that had no status), then `more`; or
/// that nothing would. The templates come translated by the caller (whose literals the
/// strings test checks); this only fills them in.
pub fn change_lines(
    what: &'static str,
    (was, now): (&str, &str),
    (each, absent, items): (&'static str, &str, &[StatusChange]),
    more: impl IntoIterator<Item = String>,
) -> Vec<String> {
    let mut lines = Vec::new();
    if was != now {
        lines.push(fill(what, &[&was, &now]));
    }
    for c in items {
        let from = c.from.as_deref().unwrap_or(absent);
        lines.push(fill(each, &[&c.item, &from, &c.to]));
    }
    lines.extend(more);
    if lines.is_empty() {
        lines.push(t("Nothing would change.").to_owned());
    }
    lines
}

/// An operation's name, as a button and a question say it.
pub fn op_name(op: &str) -> &'static str {
    match op {
        "start" => t("start"),
        "suspend" => t("suspend"),
        "resume" => t("resume"),
        "kill" => t("kill"),
        _ => t("change"),
    }
}

/// An instance operation's dry run.
pub fn instance_changes(report: &InstanceState) -> Vec<String> {
    let now = report.status.id();
    change_lines(
        t("The instance: {} → {}"),
        (report.was.map_or(now, |w| w.id()), now),
        (t("{}: {} → {}"), t("not started"), &report.nodes),
        [],
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use shared::api::JobStatus;

    #[test]
    fn a_dry_run_reads_as_its_changes_or_says_nothing_changes() {
        let change = |item: &str, from: Option<&str>, to: &str| StatusChange {
            item: item.into(),
            from: from.map(Into::into),
            to: to.into(),
        };
        let killed = InstanceState {
            id: 1,
            status: JobStatus::Killed,
            run: 0,
            dry_run: true,
            was: Some(JobStatus::Running),
            nodes: vec![
                change("a", Some("RUNNING"), "KILLED"),
                change("b", None, "KILLED"),
            ],
        };
        assert_eq!(
            instance_changes(&killed),
            [
                "The instance: RUNNING → KILLED",
                "a: RUNNING → KILLED",
                "b: not started → KILLED"
            ]
        );
        let same = InstanceState {
            was: None,
            nodes: Vec::new(),
            ..killed
        };
        assert_eq!(instance_changes(&same), ["Nothing would change."]);
        let lines = change_lines(
            "The job: {} → {}",
            ("RUNNING", "RUNNING"),
            ("Action {}: {} → {}", "new", &[change("3", None, "WAITING")]),
            ["Deleted first: /out".to_owned()],
        );
        assert_eq!(lines, ["Action 3: new → WAITING", "Deleted first: /out"]);
    }
}
