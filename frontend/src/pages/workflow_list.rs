//! The workflow list: a page of stored workflows at a time, found by name, a form to
//! create one, and the import of Oozie apps.

use leptos::ev::SubmitEvent;
use leptos::prelude::*;
use leptos::task::spawn_local;
use leptos_router::hooks::use_navigate;

use shared::api::Role;

use crate::api;
use crate::i18n::t;
use crate::pages::UserMenu;
use crate::pages::login::has_role;

/// Rows per page: a screenful, so the page never scrolls through thousands.
const PAGE: i64 = 50;

#[component]
pub fn WorkflowList() -> impl IntoView {
    let search = RwSignal::new(String::new());
    let offset = RwSignal::new(0_i64);
    let list = LocalResource::new(move || api::list_workflows(search.get(), offset.get(), PAGE));
    let name = RwSignal::new(String::new());
    let error = RwSignal::new(None::<String>);
    let navigate = use_navigate();
    let can_edit = has_role(Role::Editor);
    let create = move |ev: SubmitEvent| {
        ev.prevent_default();
        let navigate = navigate.clone();
        let wanted = name.get_untracked();
        spawn_local(async move {
            match api::create_workflow(wanted).await {
                Ok(record) => navigate(&format!("/workflows/{}", record.id), Default::default()),
                Err(err) => error.set(Some(err.to_string())),
            }
        });
    };
    let rows = move || {
        list.get().map(|result| match result {
            Ok(page) if page.total == 0 && search.with(String::is_empty) => view! {
                <p class="empty">{t("No workflows yet. Name one above to start.")}</p>
            }
            .into_any(),
            Ok(page) if page.items.is_empty() => view! {
                <p class="empty" data-testid="no-match">{t("No workflow name contains that.")}</p>
            }
            .into_any(),
            Ok(page) => {
                let first = page.offset + 1;
                let last = page.offset + page.items.len() as i64;
                let more = last < page.total;
                let items = page.items;
                view! {
                <table class="list" data-testid="workflow-list">
                    <thead><tr><th>{t("Name")}</th><th>{t("Nodes")}</th><th>{t("Last saved (UTC)")}</th></tr></thead>
                    <tbody>
                        {items.into_iter().map(|w| view! {
                            <tr>
                                <td><a href=format!("/workflows/{}", w.id) data-testid=format!("open-{}", w.name)>{w.name.clone()}</a></td>
                                <td>{w.size}</td>
                                <td>{w.updated_at.replace('T', " ").trim_end_matches('Z').to_owned()}</td>
                            </tr>
                        }).collect_view()}
                    </tbody>
                </table>
                <nav class="pager" aria-label=t("Pages")>
                    <button
                        data-testid="previous-page"
                        disabled=first == 1
                        on:click=move |_| offset.update(|o| *o = (*o - PAGE).max(0))
                    >{t("Previous")}</button>
                    <span class="status" data-testid="page-range">{format!("{first}–{last} of {}", page.total)}</span>
                    <button
                        data-testid="next-page"
                        disabled=!more
                        on:click=move |_| offset.update(|o| *o += PAGE)
                    >{t("Next")}</button>
                </nav>
                }
                .into_any()
            }
            Err(err) => view! { <p class="status error">{err.to_string()}</p> }.into_any(),
        })
    };
    view! {
        <header class="topbar"><a class="brand" href="/">{t("Sluice")}</a><a href="/runs" data-testid="nav-runs">{t("Runs")}</a><span class="spacer"></span><UserMenu/></header>
        <main class="page">
            <h1>{t("Workflows")}</h1>
            <form class="create" on:submit=create class:hidden=move || !can_edit.get()>
                <input
                    data-testid="new-workflow-name"
                    aria-label=t("Name of a new workflow")
                    placeholder=t("Name of a new workflow")
                    required
                    bind:value=name
                />
                <button class="primary" type="submit" data-testid="create-workflow">{t("Create")}</button>
            </form>
            {move || error.get().map(|e| view! { <p class="status error" data-testid="create-error">{e}</p> })}
            <Show when=move || can_edit.get()>
                <super::import::Import on_imported=Callback::new(move |()| list.refetch())/>
            </Show>
            <input
                class="search"
                type="search"
                data-testid="search-workflows"
                aria-label=t("Find workflows by name")
                placeholder=t("Find by name")
                on:input=move |ev| {
                    search.set(event_target_value(&ev));
                    offset.set(0);
                }
            />
            <Suspense fallback=|| view! { <p class="empty">{t("Loading…")}</p> }>{rows}</Suspense>
        </main>
    }
}
