//! The confirmation of an operation: what its dry run says it would change, then Confirm
//! or Cancel. Nothing is done until Confirm.

use leptos::prelude::*;

use crate::i18n::t;

/// An operation waiting for a yes.
#[derive(Clone)]
pub struct Pending {
    pub title: String,
    /// What would change, one line each, as the dry run answered.
    pub lines: Vec<String>,
    pub confirm: Callback<()>,
}

#[component]
pub fn Confirm(pending: RwSignal<Option<Pending>>) -> impl IntoView {
    move || {
        pending.get().map(|p| {
            let confirm = p.confirm;
            view! {
                <div class="overlay">
                    <div class="card confirm" role="dialog" aria-modal="true" data-testid="confirm">
                        <h3>{p.title}</h3>
                        <ul data-testid="dry-run">
                            {p.lines.into_iter().map(|l| view! { <li>{l}</li> }).collect_view()}
                        </ul>
                        <div class="buttons">
                            <button data-testid="confirm-cancel" on:click=move |_| pending.set(None)>{t("Cancel")}</button>
                            <button class="primary" data-testid="confirm-ok" on:click=move |_| {
                                pending.set(None);
                                confirm.run(());
                            }>{t("Confirm")}</button>
                        </div>
                    </div>
                </div>
            }
        })
    }
}
