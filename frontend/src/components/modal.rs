//! A dialog over the page, closed by its ×, a press beside it, or whoever owns `open`.
//! Its hooks derive from `testid` without a `-dialog` suffix: `export-dialog` has
//! `export-title` and `export-close`.

use leptos::prelude::*;

use crate::i18n::t;

#[component]
pub fn Modal(
    #[prop(into)] open: Signal<bool>,
    on_close: Callback<()>,
    #[prop(into)] title: Signal<String>,
    testid: &'static str,
    /// Most of the window's width, for drawings and code.
    #[prop(optional)]
    wide: bool,
    children: ChildrenFn,
) -> impl IntoView {
    let base = testid.trim_end_matches("-dialog");
    let title_id = format!("{base}-title");
    view! {
        <Show when=move || open.get()>
            <div class="modal-backdrop" on:click=move |_| on_close.run(())>
                <div class="modal" class:wide=wide role="dialog" aria-modal="true"
                    aria-labelledby=title_id.clone() data-testid=testid on:click=|ev| ev.stop_propagation()>
                    <h3 id=title_id.clone() data-testid=title_id.clone()>{move || title.get()}
                        <button class="link" aria-label=t("Close") data-testid=format!("{base}-close")
                            on:click=move |_| on_close.run(())>"×"</button>
                    </h3>
                    {children()}
                </div>
            </div>
        </Show>
    }
}
