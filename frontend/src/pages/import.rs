//! Importing Oozie apps from the workflow list: pick a file, or drop one onto the page.
//!
//! Nothing is saved until the user has seen what the import would do: the file goes to the
//! server as a dry run first, and the report says, per definition, whether it is new or a
//! new version of one of the same name, what was changed on the way (fork/joins, orderings,
//! parts kept verbatim, job.properties read), what validation finds, and which files were
//! skipped and why. Only "Import" saves, and the report then links to what was stored.

use leptos::prelude::*;
use leptos::task::spawn_local;
use shared::api::{DefinitionKind, ImportReport};

use crate::api;
use crate::i18n::{t, tf};

/// The server's own limit is the one that counts; this one spares uploading a file that
/// it would refuse anyway.
const MAX_BYTES: f64 = 64.0 * 1024.0 * 1024.0;

#[derive(Clone)]
enum Step {
    Idle,
    Working(String),
    /// What the import would do, waiting for a yes.
    Preview {
        file: String,
        bytes: std::sync::Arc<Vec<u8>>,
        report: ImportReport,
    },
    Done(ImportReport),
    Failed(String),
}

async fn read(file: &web_sys::File) -> Result<Vec<u8>, String> {
    if file.size() > MAX_BYTES {
        return Err(format!(
            "{} is {:.0} MB; imports are limited to {:.0} MB.",
            file.name(),
            file.size() / 1_048_576.0,
            MAX_BYTES / 1_048_576.0
        ));
    }
    let buffer = wasm_bindgen_futures::JsFuture::from(file.array_buffer())
        .await
        .map_err(|e| format!("{} could not be read: {e:?}", file.name()))?;
    Ok(js_sys::Uint8Array::new(&buffer).to_vec())
}

#[component]
pub fn Import(
    /// Called after something was saved, so the list shows it.
    on_imported: Callback<()>,
) -> impl IntoView {
    let step = RwSignal::new(Step::Idle);
    let dragging = RwSignal::new(false);
    let input = NodeRef::<leptos::html::Input>::new();

    let check = move |file: web_sys::File| {
        let name = file.name();
        step.set(Step::Working(tf("Reading {}…", &[&name])));
        spawn_local(async move {
            let result = async {
                let bytes = read(&file).await?;
                let report = api::import(&bytes, &name, true)
                    .await
                    .map_err(|e| format!("{name}: {e}"))?;
                Ok::<_, String>((bytes, report))
            }
            .await;
            step.set(match result {
                Ok((bytes, report)) => Step::Preview {
                    file: name,
                    bytes: std::sync::Arc::new(bytes),
                    report,
                },
                Err(why) => Step::Failed(why),
            });
        });
    };
    let confirm = move |_| {
        let Step::Preview { file, bytes, .. } = step.get_untracked() else {
            return;
        };
        step.set(Step::Working(tf("Importing {}…", &[&file])));
        spawn_local(async move {
            match api::import(&bytes, &file, false).await {
                Ok(report) => {
                    step.set(Step::Done(report));
                    on_imported.run(());
                }
                Err(e) => step.set(Step::Failed(format!("{file}: {e}"))),
            }
        });
    };
    let picked = move |_| {
        let file = input
            .get_untracked()
            .and_then(|i| i.files())
            .and_then(|files| files.get(0));
        if let Some(file) = file {
            check(file);
        }
        // The same file can be picked again after a cancel.
        if let Some(i) = input.get_untracked() {
            i.set_value("");
        }
    };
    // Files dropped anywhere on the page.
    let over = move |ev: web_sys::DragEvent| {
        if ev
            .data_transfer()
            .is_some_and(|d| d.types().includes(&"Files".into(), 0))
        {
            ev.prevent_default();
            dragging.set(true);
        }
    };
    let drop = move |ev: web_sys::DragEvent| {
        ev.prevent_default();
        dragging.set(false);
        if let Some(file) = ev
            .data_transfer()
            .and_then(|d| d.files())
            .and_then(|f| f.get(0))
        {
            check(file);
        }
    };
    let _over = window_event_listener(leptos::ev::dragover, over);
    let _drop = window_event_listener(leptos::ev::drop, drop);
    let _leave = window_event_listener(leptos::ev::dragleave, move |ev: web_sys::DragEvent| {
        // Leaving the window, not just one element for another.
        if ev.related_target().is_none() {
            dragging.set(false);
        }
    });
    on_cleanup(move || {
        _over.remove();
        _drop.remove();
        _leave.remove();
    });

    let body = move || {
        match step.get() {
        Step::Idle => ().into_any(),
        Step::Working(what) => view! { <p class="status" data-testid="import-status">{what}</p> }.into_any(),
        Step::Failed(why) => view! {
            <p class="status error" data-testid="import-status">{why}</p>
        }
        .into_any(),
        Step::Preview { file, report, .. } => {
            let count = report.imported.len();
            view! {
                <div class="import-report" data-testid="import-preview">
                    <p>{tf("{}: this is what importing it would do. Nothing is saved yet.", &[&file])}</p>
                    <Report report/>
                    <div class="actions">
                        <button class="primary" data-testid="import-confirm" disabled=count == 0 on:click=confirm>
                            {if count == 1 { t("Import it").to_owned() } else { tf("Import these {}", &[&count]) }}
                        </button>
                        <button data-testid="import-cancel" on:click=move |_| step.set(Step::Idle)>{t("Cancel")}</button>
                    </div>
                </div>
            }
            .into_any()
        }
        Step::Done(report) => view! {
            <div class="import-report" data-testid="import-done">
                <p>{t("Imported.")}</p>
                <Report report/>
                <button data-testid="import-close" on:click=move |_| step.set(Step::Idle)>{t("Close")}</button>
            </div>
        }
        .into_any(),
    }
    };
    view! {
        <section class="import" class:dragging=move || dragging.get()>
            <input type="file" accept=".xml,.zip,application/xml,application/zip" class="visually-hidden"
                node_ref=input data-testid="import-file" aria-label=t("Oozie app to import") on:change=picked/>
            <button data-testid="import" on:click=move |_| {
                if let Some(i) = input.get_untracked() {
                    i.click();
                }
            }>{t("Import Oozie app…")}</button>
            <span class="hint">{t("workflow.xml, coordinator.xml, or a zip of app directories; or drop one here")}</span>
            {body}
        </section>
    }
}

/// Per definition: what it becomes, what was changed on the way, what validation finds.
#[component]
fn Report(report: ImportReport) -> impl IntoView {
    let stored = !report.dry_run;
    let rows = report
        .imported
        .into_iter()
        .map(|d| {
            let errors = d.validation.issues.iter().filter(|i| i.is_error()).count();
            let warnings = d.validation.issues.len() - errors;
            let fate = match (d.created, d.version) {
                (true, _) => t("new").to_owned(),
                (false, Some(v)) => tf("version {} of the one of that name", &[&v]),
                (false, None) => t("a new version of the one of that name").to_owned(),
            };
            let kind = match d.kind {
                DefinitionKind::Workflow => "workflow",
                DefinitionKind::Coordinator => "coordinator",
            };
            let name = match (stored, d.kind, d.id) {
                (true, DefinitionKind::Workflow, Some(id)) => view! {
                    <a href=format!("/workflows/{id}") data-testid=format!("imported-{}", d.name)>{d.name.clone()}</a>
                }
                .into_any(),
                _ => view! { <strong>{d.name.clone()}</strong> }.into_any(),
            };
            let check = match (errors, warnings) {
                (0, 0) => t("valid").to_owned(),
                (0, w) => tf("valid, {} warning(s)", &[&w]),
                (e, _) => tf("{} error(s) to fix before it can run", &[&e]),
            };
            let issues = d
                .validation
                .issues
                .iter()
                .map(|i| view! { <li class:error=i.is_error()>{format!("{} {}", i.code, i.message)}</li> })
                .collect_view();
            let notes = d.notes.into_iter().map(|n| view! { <li>{n}</li> }).collect_view();
            view! {
                <li data-testid=format!("import-item-{}", d.name)>
                    {name}" "<span class="muted">{format!("{kind} from {} · {fate} · {check}", d.path)}</span>
                    <ul class="notes" data-testid="import-notes">{notes}</ul>
                    <ul class="issues">{issues}</ul>
                </li>
            }
        })
        .collect_view();
    let skipped = report
        .skipped
        .into_iter()
        .map(|s| view! { <li data-testid="import-skipped">{format!("{}: {}", s.path, s.reason)}</li> })
        .collect_view();
    view! {
        <ul class="imported">{rows}</ul>
        <ul class="skipped">{skipped}</ul>
    }
}
