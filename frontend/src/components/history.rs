//! The version list of a workflow, newest first: view any version, compare it with the
//! drawing, or restore it. The page loads the versions and does the rest; this only shows
//! them.

use leptos::prelude::*;
use shared::api::VersionSummary;

use crate::i18n::t;

#[component]
pub fn History(
    /// `None` while loading; `Err` with a message when loading failed.
    versions: Signal<Option<Result<Vec<VersionSummary>, String>>>,
    /// The newest version (restoring it would change nothing).
    current: Signal<i64>,
    /// Unsaved edits: restoring now would throw them away, so it waits for a save.
    dirty: Signal<bool>,
    can_restore: Signal<bool>,
    on_restore: Callback<i64>,
    on_view: Callback<i64>,
    on_compare: Callback<i64>,
    on_close: Callback<()>,
) -> impl IntoView {
    let rows = move || {
        versions.get().map(|loaded| match loaded {
            Err(e) => view! { <p class="status error">{e}</p> }.into_any(),
            Ok(list) => view! {
                <ol class="versions" data-testid="version-list">
                    {list.into_iter().map(|v| {
                        let n = v.version;
                        let when = v.created_at.replace('T', " ");
                        let when = when.get(..16).unwrap_or(&when).to_owned();
                        let who = v.author.clone().unwrap_or_else(|| "unknown".to_owned());
                        let comment = (!v.comment.is_empty()).then(|| v.comment.clone());
                        let disabled = move || n == current.get() || dirty.get() || !can_restore.get();
                        let title = move || if n == current.get() {
                            "This is the current version"
                        } else if dirty.get() {
                            "Save or undo your changes first"
                        } else {
                            "Make this version the newest one (a new version; nothing is lost)"
                        };
                        view! {
                            <li data-testid=format!("version-{n}") class:current=move || n == current.get()>
                                <div class="version-head">
                                    <strong>{format!("v{n}")}</strong>
                                    <span class="status">{format!("{who} · {when} UTC · {} nodes", v.size)}</span>
                                </div>
                                {comment.map(|c| view! { <div class="comment">{c}</div> })}
                                <div class="version-actions">
                                    <button data-testid=format!("view-{n}") title=t("See this version, read-only")
                                        on:click=move |_| on_view.run(n)>{t("View")}</button>
                                    <button data-testid=format!("compare-{n}") title=t("What changed from this version to the drawing now")
                                        on:click=move |_| on_compare.run(n)>{t("Compare")}</button>
                                    <button data-testid=format!("restore-{n}") disabled=disabled title=title
                                        on:click=move |_| on_restore.run(n)>{t("Restore")}</button>
                                </div>
                            </li>
                        }
                    }).collect_view()}
                </ol>
            }.into_any(),
        })
    };
    view! {
        <section data-testid="history">
            <h3>{t("History")} <button class="link" data-testid="history-close" on:click=move |_| on_close.run(())>"×"</button></h3>
            {rows}
        </section>
    }
}
