//! The export dialog: the drawing as Oozie will get it, made in the browser by the same
//! shared code the server exports with. It shows workflow.xml highlighted and
//! job.properties, says what the export added to the drawing (`export_with_notes`), and
//! downloads either file, or the stored app as a zip.

use leptos::prelude::*;
use shared::oozie::{export_with_notes, to_job_properties};
use shared::workflow::Workflow;

use crate::components::{Modal, XmlView};
use crate::i18n::{t, tf};
use crate::state::{EditorState, Status};

/// What exporting a drawing gives: both files and what was added on the way.
#[derive(Debug, Clone, PartialEq)]
pub struct Exported {
    pub xml: String,
    pub properties: String,
    pub notes: Vec<String>,
}

/// The export of `wf`, or why there is none (Oozie would reject it).
pub fn export(wf: &Workflow) -> Result<Exported, String> {
    let (xml, notes) = export_with_notes(wf).map_err(|e| e.to_string())?;
    Ok(Exported {
        xml,
        properties: to_job_properties(wf),
        notes,
    })
}

#[component]
pub fn ExportDialog(state: EditorState, open: RwSignal<bool>) -> impl IntoView {
    let tab = RwSignal::new("xml");
    let result = Memo::new(move |_| open.get().then(|| state.workflow.with(export)));
    // Not exporting is said in the toolbar too, where the other outcomes are.
    Effect::new(move |_| {
        if let Some(Err(why)) = result.get() {
            state
                .status
                .set(Status::error(tf("Not exported: {}", &[&why])));
        }
    });
    let download = move |name: &'static str| {
        let Some(Ok(done)) = result.get_untracked() else {
            return;
        };
        let (text, mime) = if name == "workflow.xml" {
            (done.xml, "application/xml")
        } else {
            (done.properties, "text/plain")
        };
        match crate::dom::download(name, mime, &text) {
            Ok(()) => state.status.set(Status::info(tf("Exported {}.", &[&name]))),
            Err(e) => state
                .status
                .set(Status::error(tf("Download failed: {}", &[&e]))),
        }
    };
    let zip = format!("/api/v1/workflows/{}/export?format=zip", state.id);
    let body = move || {
        result.get().map(|r| match r {
            Err(why) => view! { <p class="status error" data-testid="export-refused">{tf("Not exported: {}", &[&why])}</p> }.into_any(),
            Ok(done) => {
                let notes = if done.notes.is_empty() {
                    view! { <p class="hint" data-testid="export-notes">{t("Exported as drawn: nothing was added.")}</p> }.into_any()
                } else {
                    view! {
                        <ul class="notes" data-testid="export-notes">
                            {done.notes.into_iter().map(|n| view! { <li>{n}</li> }).collect_view()}
                        </ul>
                    }
                    .into_any()
                };
                let shown = move |which: &'static str| tab.get() == which;
                view! {
                    {notes}
                    <div class="tabs" role="tablist">
                        <button role="tab" class:active=move || shown("xml") data-testid="export-tab-xml"
                            on:click=move |_| tab.set("xml")>{t("workflow.xml")}</button>
                        <button role="tab" class:active=move || shown("properties") data-testid="export-tab-properties"
                            on:click=move |_| tab.set("properties")>{t("job.properties")}</button>
                    </div>
                    <div class:hidden=move || !shown("xml")><XmlView xml=done.xml testid="export-xml"/></div>
                    <div class:hidden=move || !shown("properties")>
                        <pre class="xml" data-testid="export-properties">{done.properties}</pre>
                    </div>
                }
                .into_any()
            }
        })
    };
    let valid = move || matches!(result.get(), Some(Ok(_)));
    view! {
        <Modal open on_close=Callback::new(move |()| open.set(false))
            title=t("Export to Oozie").to_owned() testid="export-dialog" wide=true>
                    {body}
                    <div class="actions">
                        <button class="primary" data-testid="export-download-xml" disabled=move || !valid()
                            on:click=move |_| download("workflow.xml")>{t("Download workflow.xml")}</button>
                        <button data-testid="export-download-properties" disabled=move || !valid()
                            on:click=move |_| download("job.properties")>{t("Download job.properties")}</button>
                        <a class="button" data-testid="export-download-zip" href=zip.clone() download
                            class:disabled=move || state.dirty()
                            title=t("The app directory as a zip: workflow.xml and job.properties of the saved version")>
                            {t("Download app zip")}
                        </a>
                        {move || state.dirty().then(|| view! {
                            <span class="hint">{t("The zip holds the saved version: save to include your changes.")}</span>
                        })}
                    </div>
        </Modal>
    }
}
