//! One component per route.

mod editor;
mod login;
mod workflow_list;

pub use editor::Editor;
pub use login::{ChangePassword, Login, UserMenu};
pub use workflow_list::WorkflowList;

use leptos::prelude::*;

#[component]
pub fn NotFound() -> impl IntoView {
    view! {
        <header class="topbar"><a class="brand" href="/">"Sluice"</a><span class="spacer"></span><UserMenu/></header>
        <main class="page"><h1>"Not found"</h1><p><a href="/">"Back to the workflows"</a></p></main>
    }
}
