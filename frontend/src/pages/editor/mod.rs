//! The editor page: loads a workflow, then hosts the palette, canvas, property panel and
//! issues, with Save, Validate and Export in the toolbar.

mod draft;
mod export;
mod input;
mod versions;

use leptos::prelude::*;
use leptos::task::spawn_local;
use leptos_router::hooks::use_params_map;
use shared::api::Role;

use crate::api::{self, ApiError};
use crate::i18n::{t, tf};
use shared::workflow::layout::Direction;

use crate::canvas::{Canvas, Minimap, ZoomControls};
use crate::components::{Find, HistoryProps, Issues, Palette, Properties};
use crate::pages::UserMenu;
use crate::pages::login::has_role;
use crate::pages::schedule::Schedule;
use crate::state::{EditorState, Status};

#[component]
pub fn Editor() -> impl IntoView {
    let params = use_params_map();
    let id = move || params.read().get("id").and_then(|s| s.parse::<i64>().ok());
    let record = LocalResource::new(move || {
        let id = id();
        async move {
            match id {
                Some(id) => api::get_workflow(id).await,
                None => Err(ApiError::Network("not a workflow address".to_owned())),
            }
        }
    });
    view! {
        <Suspense fallback=|| view! { <p class="empty page">{t("Loading…")}</p> }>
            {move || record.get().map(|result| match result {
                Ok(record) => view! { <Workspace state=EditorState::new(record)/> }.into_any(),
                Err(err) => view! {
                    <header class="topbar"><a class="brand" href="/">{t("Sluice")}</a><span class="spacer"></span><UserMenu/></header>
                    <main class="page"><p class="status error">{err.to_string()}</p></main>
                }
                .into_any(),
            })}
        </Suspense>
    }
}

#[component]
fn Workspace(state: EditorState) -> impl IntoView {
    let busy = RwSignal::new(false);
    let can_edit = has_role(Role::Editor);
    let comment = RwSignal::new(String::new());
    // The version list, loaded while it is open and again after each save or restore.
    let history_open = RwSignal::new(false);
    let alerts_open = RwSignal::new(false);
    let schedule_open = RwSignal::new(false);
    let run_open = RwSignal::new(false);
    let can_operate = has_role(Role::Operator);
    let history = LocalResource::new(move || {
        let open = history_open.get();
        let _after = state.revision.get();
        async move {
            if !open {
                return None;
            }
            Some(api::versions(state.id).await.map_err(|e| e.to_string()))
        }
    });
    let restore = Callback::new(move |version: i64| {
        state
            .status
            .set(Status::info(tf("Restoring version {}…", &[&version])));
        spawn_local(async move {
            match api::restore(state.id, version, state.revision.get_untracked()).await {
                Ok(saved) => {
                    state.load(saved.record);
                    state.status.set(Status::info(tf(
                        "Restored version {} as version {}.",
                        &[&version, &state.revision.get_untracked()],
                    )));
                }
                Err(err) => state
                    .status
                    .set(Status::error(tf("Not restored: {}", &[&err]))),
            }
        });
    });

    let save = move |_| {
        busy.set(true);
        state.status.set(Status::info(t("Saving…")));
        let at_edit = state.version.get_untracked();
        let definition = state.workflow.get_untracked();
        let why = Some(comment.get_untracked().trim().to_owned()).filter(|c| !c.is_empty());
        spawn_local(async move {
            match api::save_workflow(state.id, state.revision.get_untracked(), definition, why)
                .await
            {
                Ok(saved) => {
                    state.revision.set(saved.record.revision);
                    state.saved_version.set(at_edit);
                    comment.set(String::new());
                    let errors = saved
                        .validation
                        .issues
                        .iter()
                        .filter(|i| i.is_error())
                        .count();
                    state.status.set(Status::info(if errors == 0 {
                        t("Saved.").to_owned()
                    } else {
                        tf(
                            "Saved, with {} validation error(s) to fix before export.",
                            &[&errors],
                        )
                    }));
                }
                Err(err) if err.is_conflict() => state.status.set(Status::error(tf(
                    "Not saved: {}. Reload to see their version (copy your changes first).",
                    &[&err],
                ))),
                Err(err) => state
                    .status
                    .set(Status::error(tf("Not saved: {}", &[&err]))),
            }
            busy.set(false);
        });
    };

    let validate = move |_| {
        let definition = state.workflow.get_untracked();
        state
            .status
            .set(Status::info(t("Validating on the server…")));
        spawn_local(async move {
            match api::validate(&definition).await {
                Ok(report) => {
                    let errors = report.issues.iter().filter(|i| i.is_error()).count();
                    state.status.set(if report.valid {
                        Status::info(t("Server check: valid."))
                    } else {
                        Status::error(tf(
                            "Server check: {} error(s), listed on the right.",
                            &[&errors],
                        ))
                    });
                }
                Err(err) => state
                    .status
                    .set(Status::error(tf("Validation failed: {}", &[&err]))),
            }
        });
    };

    let export_open = RwSignal::new(false);
    let shown_version = RwSignal::new(None::<versions::Shown>);

    // Someone else saving this workflow: say so at once, rather than at a refused save.
    let me = crate::pages::login::use_user();
    let target = format!("/api/v1/workflows/{}", state.id);
    let stream = crate::dom::EventStream::open(
        "change",
        move |change: shared::api::ChangeEvent| {
            let mine = me.with_untracked(|u| u.as_ref().is_some_and(|u| u.name == change.actor));
            let saved = change.action == "PUT /api/v1/workflows/{id}"
                || change.action.ends_with("/restore");
            let this = change.target == target || change.target.starts_with(&format!("{target}/"));
            if saved && this && !mine {
                state.status.set(Status::error(tf(
                    "{} saved this workflow just now; your next save would conflict. Copy your changes and reload to see theirs.",
                    &[&change.actor],
                )));
            }
        },
    );
    let stream = StoredValue::new_local(stream);
    on_cleanup(move || stream.update_value(|s| drop(s.take())));

    let space = RwSignal::new(false);
    let sheet_open = RwSignal::new(false);
    let find = NodeRef::<leptos::html::Input>::new();
    input::install(
        state,
        input::Hooks {
            space,
            sheet_open,
            find,
        },
    );

    // A draft left by an earlier session, offered back until used or thrown away.
    let draft = RwSignal::new(
        state
            .workflow
            .with_untracked(|w| draft::pending(state.id, w)),
    );
    draft::keep(state);
    let restore_draft = move |_| {
        if let Some(d) = draft.get_untracked() {
            let _ = state.edit(|w| {
                *w = d.workflow;
                Ok(())
            });
            state.reloads.update(|n| *n += 1);
            state
                .status
                .set(Status::info("Draft restored: Save to keep it, or Undo."));
        }
        draft.set(None);
    };
    let discard_draft = move |_| {
        draft::discard(state.id);
        draft.set(None);
    };
    let draft_banner = move || {
        draft.get().map(|d| {
            let when = format!("{} UTC", crate::dom::time(Some(d.saved_at_ms as i64)));
            let newer = d.revision != state.revision.get_untracked();
            let text = if newer {
                format!(
                    "You have unsaved changes from {when}, made on version {}; version {} was saved since. Restoring puts your changes on top of it.",
                    d.revision,
                    state.revision.get_untracked()
                )
            } else {
                tf("You have unsaved changes from {} that were never saved.", &[&when])
            };
            view! {
                <div class="banner" data-testid="draft-banner" role="alert">
                    <span>{text}</span>
                    <button class="primary" data-testid="draft-restore" on:click=restore_draft>{t("Restore them")}</button>
                    <button data-testid="draft-discard" on:click=discard_draft>{t("Discard")}</button>
                </div>
            }
        })
    };

    // Measure the empty canvas, bring a drawing that would not be in view into view, then
    // draw it (see `EditorState::shown`).
    request_animation_frame(move || {
        crate::canvas::measure(&state);
        state.fit_if_hidden();
        state.shown.set(true);
    });
    // In-app links ask before leaving unsaved changes (the draft would keep them anyway).
    let guard = move |ev: leptos::ev::MouseEvent| {
        if state.dirty()
            && !window()
                .confirm_with_message(
                    "Leave the editor? Your unsaved changes stay in a local draft.",
                )
                .unwrap_or(true)
        {
            ev.prevent_default();
        }
    };

    let title = move || state.workflow.with(|w| w.name.clone());
    let status = move || state.status.get();
    let dirty = move || state.dirty();
    view! {
        <header class="topbar">
            <a class="brand" href="/" on:click=guard>{t("Sluice")}</a>
            <a href="/runs" data-testid="nav-runs" on:click=guard>{t("Runs")}</a>
            <span class="title" data-testid="workflow-title">{title}</span>
            <button data-testid="undo" title=t("Undo (Ctrl+Z)") aria-label=t("Undo")
                disabled=move || !state.can_undo.get() on:click=move |_| state.undo()>"↶"</button>
            <button data-testid="redo" title=t("Redo (Shift+Ctrl+Z)") aria-label=t("Redo")
                disabled=move || !state.can_redo.get() on:click=move |_| state.redo()>"↷"</button>
            <button data-testid="layout-lr" title=t("Auto-layout, left to right")
                on:click=move |_| state.auto_layout(Direction::LeftToRight)>{t("Layout →")}</button>
            <button data-testid="layout-tb" title=t("Auto-layout, top to bottom")
                on:click=move |_| state.auto_layout(Direction::TopToBottom)>{t("Layout ↓")}</button>
            <Find state input=find/>
            <span class="status" data-testid="dirty">{move || if dirty() { "● unsaved changes" } else { "" }}</span>
            <span class="spacer"></span>
            <span class="status" class:error=move || status().error data-testid="save-status">{move || status().text}</span>
            <button data-testid="validate" on:click=validate>{t("Validate")}</button>
            <button data-testid="export" on:click=move |_| export_open.set(true)>{t("Export…")}</button>
            <button data-testid="run-toggle" class:active=move || run_open.get()
                disabled=move || !can_operate.get()
                title=move || if can_operate.get() { "Start an instance of the saved workflow now" } else { "Only operators run" }
                on:click=move |_| run_open.update(|o| *o = !*o)>{t("Run…")}</button>
            <button data-testid="schedule-toggle" class:active=move || schedule_open.get()
                disabled=move || !can_operate.get()
                title=move || if can_operate.get() { "Run the saved workflow on a schedule" } else { "Only operators schedule" }
                on:click=move |_| schedule_open.update(|o| *o = !*o)>{t("Schedule…")}</button>
            <button data-testid="alerts-toggle" class:active=move || alerts_open.get()
                title=t("Who is told when a run fails, succeeds or runs late")
                on:click=move |_| alerts_open.update(|o| *o = !*o)>{t("Alerts…")}</button>
            <button data-testid="history-toggle" class:active=move || history_open.get()
                on:click=move |_| history_open.update(|o| *o = !*o)>{t("History")}</button>
            <input class="comment" data-testid="save-comment" placeholder=t("What changed? (optional)")
                aria-label=t("Comment for this version") maxlength="2000" bind:value=comment
                disabled=move || !can_edit.get()/>
            <button class="primary" data-testid="save" on:click=save
                disabled=move || busy.get() || !can_edit.get()
                title=move || if can_edit.get() { "Save a new version" } else { "Viewers cannot save" }>{t("Save")}</button>
            <button data-testid="shortcuts-toggle" title=t("Keyboard shortcuts (?)") aria-label=t("Keyboard shortcuts")
                on:click=move |_| sheet_open.update(|o| *o = !*o)>"?"</button>
            <UserMenu/>
        </header>
        {draft_banner}
        <Show when=move || sheet_open.get()>
            {move || Suspend::new(extra(state, Extra::Shortcuts(sheet_open)))}
        </Show>
        <Show when=move || export_open.get()>
            {move || Suspend::new(extra(state, Extra::Export(export_open)))}
        </Show>
        <Show when=move || shown_version.with(Option::is_some)>
            {move || Suspend::new(extra(state, Extra::Version(shown_version, can_edit, restore)))}
        </Show>
        <div class="editor">
            <Palette state/>
            <div class="canvas-wrap">
                <Canvas state space/>
                <Minimap state/>
                <ZoomControls state/>
                {move || state.notice.get().map(|n| view! { <div class="toast" data-testid="notice" role="status">{n}</div> })}
            </div>
            <aside class="side">
                <Show when=move || run_open.get()>
                    {move || Suspend::new(extra(state, Extra::Run(Callback::new(move |()| run_open.set(false)))))}
                </Show>
                <Show when=move || schedule_open.get()>
                    {move || Suspend::new(extra(state, Extra::Schedule(Callback::new(move |()| schedule_open.set(false)))))}
                </Show>
                <Show when=move || alerts_open.get()>
                    {move || Suspend::new(extra(state, Extra::Alerts(Callback::new(move |()| alerts_open.set(false)))))}
                </Show>
                <Show when=move || history_open.get()>
                    {move || Suspend::new(extra(state, Extra::History(HistoryProps {
                        versions: Signal::derive(move || history.get().flatten()),
                        current: state.revision.into(),
                        dirty: Signal::derive(move || state.dirty()),
                        can_restore: can_edit,
                        on_restore: restore,
                        on_view: Callback::new(move |n| shown_version.set(Some(versions::Shown::View(n)))),
                        on_compare: Callback::new(move |n| shown_version.set(Some(versions::Shown::Compare(n)))),
                        on_close: Callback::new(move |()| history_open.set(false)),
                    })))}
                </Show>
                <Properties state/>
                <Issues state/>
            </aside>
        </div>
    }
}

/// What the designer opens now and then, with what each needs.
enum Extra {
    /// The export dialog, open while the signal holds.
    Export(RwSignal<bool>),
    /// A version shown or compared, whether it may be restored, and the restore.
    Version(
        RwSignal<Option<versions::Shown>>,
        Signal<bool>,
        Callback<i64>,
    ),
    /// The run and schedule panels, with their close.
    Run(Callback<()>),
    Schedule(Callback<()>),
    /// The workflow's alert policy, with its close.
    Alerts(Callback<()>),
    /// The version list beside the drawing.
    History(HistoryProps),
    /// The keyboard shortcut sheet, open while the signal holds.
    Shortcuts(RwSignal<bool>),
}

// What is opened now and then, and carries code of its own (the Oozie export plan and XML
// writer, the version diff, the coordinator's resolution and schedule maths), is fetched on
// first use, so opening the designer does not wait for it. It is one piece rather than one
// each: every piece apart adds chunks of the code it shares with the designer, and the
// designer fetches each chunk as a file of its own (four pieces cost the designer 14 KB
// gzipped more than one).
#[lazy]
fn extra(state: EditorState, which: Extra) -> AnyView {
    match which {
        Extra::Export(open) => view! { <export::ExportDialog state open/> }.into_any(),
        Extra::Version(shown, can_restore, on_restore) => {
            view! { <versions::VersionDialog state shown can_restore on_restore/> }.into_any()
        }
        Extra::Run(on_close) => view! { <crate::pages::run::RunPanel state on_close/> }.into_any(),
        Extra::Schedule(on_close) => view! { <Schedule state on_close/> }.into_any(),
        Extra::Alerts(on_close) => {
            view! { <crate::pages::alerts::AlertPanel id=state.id on_close/> }.into_any()
        }
        Extra::History(props) => crate::components::History(props).into_any(),
        Extra::Shortcuts(open) => view! { <crate::components::Shortcuts open/> }.into_any(),
    }
}
