//! Routes, behind the login.
//!
//! The routes mount once someone has signed in and then stay mounted: when a session ends
//! mid-edit (it expired, or was ended elsewhere), the login form covers the page instead of
//! replacing it, so logging in again keeps the unsaved work.

use leptos::lazy;
use leptos::prelude::*;
use leptos::task::spawn_local;
use leptos_router::components::{Route, Router, Routes};
use leptos_router::path;
use shared::api::SessionInfo;

use crate::api;
use crate::i18n::t;
use crate::pages::{
    AlertsPage, ChangePassword, CoordJobPage, DatasourcesPage, Editor, InstancePage, Login,
    NotFound, Runs, WorkflowList,
};

#[component]
pub fn App() -> impl IntoView {
    let user = RwSignal::new(None::<SessionInfo>);
    api::track_session(user);
    provide_context(user);
    // The time-zone rules arrive beside the app; schedules read them once they are here.
    let zones = RwSignal::new(shared::time::Zone::regions_known());
    provide_context(api::Zones(zones));
    spawn_local(async move {
        match api::load_zones().await {
            Ok(_) => zones.set(true),
            Err(err) => leptos::logging::error!("time zones did not load: {err}"),
        }
    });
    let checked = RwSignal::new(false);
    let error = RwSignal::new(None::<String>);
    spawn_local(async move {
        if let Err(err) = api::session().await {
            error.set(Some(err.to_string()));
        }
        checked.set(true);
    });
    let signed_in = Memo::new(move |_| user.with(Option::is_some));
    let must_change =
        Memo::new(move |_| user.with(|u| u.as_ref().is_some_and(|u| u.must_change_password)));
    let ever_in = Memo::new(move |was: Option<&bool>| {
        was.copied().unwrap_or(false) || (signed_in.get() && !must_change.get())
    });
    view! {
        <Router>
            <div class="app">
                <Show when=move || ever_in.get()>
                    <Routes fallback=NotFound>
                        <Route path=path!("/") view=WorkflowList/>
                        <Route path=path!("/workflows/:id") view=Editor/>
                        <Route path=path!("/runs") view=|| ops(OpsPage::Runs)/>
                        <Route path=path!("/instances/:id") view=|| ops(OpsPage::Instance)/>
                        <Route path=path!("/coordinator-jobs/:id") view=|| ops(OpsPage::CoordJob)/>
                        <Route path=path!("/alerts") view=|| ops(OpsPage::Alerts)/>
                        <Route path=path!("/datasources") view=|| ops(OpsPage::Datasources)/>
                    </Routes>
                </Show>
                {move || match (checked.get(), signed_in.get(), must_change.get()) {
                    (false, _, _) => view! { <p class="empty page">{t("Loading…")}</p> }.into_any(),
                    (true, false, _) => view! {
                        {move || error.get().map(|e| view! { <p class="status error page">{e}</p> })}
                        <Login/>
                    }.into_any(),
                    (true, true, true) => view! { <ChangePassword/> }.into_any(),
                    (true, true, false) => ().into_any(),
                }}
            </div>
        </Router>
    }
}

// The designer is in the main module with the list: most sessions go on to it, and split
// apart it cost more than it saved (each piece keeps imports and exports for linking, and
// wasm-opt cannot optimize across pieces: 541 KB gzipped to open the designer as a piece,
// 509 KB in the main module). What is opened now and then is a piece of its own, fetched
// the first time it is needed: the pages about runs here, the designer's dialogs and
// panels in `pages::editor`.

/// The pages about runs.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum OpsPage {
    Runs,
    Instance,
    CoordJob,
    Alerts,
    Datasources,
}

// The pages about runs share most of their code (tables, forms, the live updates), so they
// are one piece rather than three: fewer pieces means fewer chunks of code shared with the
// designer, each of which the designer would fetch as a file of its own.
fn ops(page: OpsPage) -> impl IntoView {
    move || Suspend::new(ops_page(page))
}

#[lazy]
fn ops_page(page: OpsPage) -> AnyView {
    match page {
        OpsPage::Runs => view! { <Runs/> }.into_any(),
        OpsPage::Instance => view! { <InstancePage/> }.into_any(),
        OpsPage::CoordJob => view! { <CoordJobPage/> }.into_any(),
        OpsPage::Alerts => view! { <AlertsPage/> }.into_any(),
        OpsPage::Datasources => view! { <DatasourcesPage/> }.into_any(),
    }
}
