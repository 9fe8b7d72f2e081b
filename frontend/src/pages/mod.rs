//! One component per route.

pub(crate) mod alerts;
mod coord_job;
mod datasources;
mod editor;
mod import;
mod instance;
mod live;
mod login;
mod run;
mod runs;
mod schedule;
mod timeline;
mod workflow_list;

pub use alerts::AlertsPage;
pub use coord_job::CoordJobPage;
pub use datasources::DatasourcesPage;
pub use editor::Editor;
pub use instance::InstancePage;
pub use login::{ChangePassword, Login, UserMenu};
pub use runs::Runs;
pub use workflow_list::WorkflowList;

use leptos::prelude::*;

use crate::i18n::t;

#[component]
pub fn NotFound() -> impl IntoView {
    view! {
        <header class="topbar"><a class="brand" href="/">{t("Sluice")}</a><span class="spacer"></span><UserMenu/></header>
        <main class="page"><h1>{t("Not found")}</h1><p><a href="/">{t("Back to the workflows")}</a></p></main>
    }
}
