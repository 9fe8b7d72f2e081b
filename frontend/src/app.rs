//! Routes, behind the login.
//!
//! The routes mount once someone has signed in and then stay mounted: when a session ends
//! mid-edit (it expired, or was ended elsewhere), the login form covers the page instead of
//! replacing it, so logging in again keeps the unsaved work.

use leptos::prelude::*;
use leptos::task::spawn_local;
use leptos_router::components::{Route, Router, Routes};
use leptos_router::{Lazy, LazyRoute, lazy_route, path};
use shared::api::SessionInfo;

use crate::api;
use crate::i18n::t;
use crate::pages::{
    ChangePassword, CoordJobPage, Editor, InstancePage, Login, NotFound, Runs, WorkflowList,
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
    // Most sessions go on to the designer, the largest piece of the app: fetch it while the
    // list is being read, so opening a workflow does not wait for the download.
    Effect::new(move |fetched: Option<bool>| {
        // Once fetched, the effect reads no signal and never runs again.
        if fetched == Some(true) || !ever_in.get() {
            return fetched.unwrap_or(false);
        }
        spawn_local(<EditorRoute as LazyRoute>::preload());
        true
    });
    view! {
        <Router>
            <div class="app">
                <Show when=move || ever_in.get()>
                    <Routes fallback=NotFound>
                        <Route path=path!("/") view=WorkflowList/>
                        <Route path=path!("/workflows/:id") view={Lazy::<EditorRoute>::new()}/>
                        <Route path=path!("/runs") view={Lazy::<RunsRoute>::new()}/>
                        <Route path=path!("/instances/:id") view={Lazy::<InstanceRoute>::new()}/>
                        <Route
                            path=path!("/coordinator-jobs/:id")
                            view={Lazy::<CoordJobRoute>::new()}
                        />
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

// Each page but the list is a piece of wasm of its own (split out by `cargo xtask dist`),
// fetched the first time the page is shown: signing in and listing workflows does not wait
// for the designer, and the designer does not wait for the operations pages.
macro_rules! lazy_page {
    ($route:ident, $page:ident) => {
        struct $route;

        #[lazy_route]
        impl LazyRoute for $route {
            fn data() -> Self {
                $route
            }

            fn view(_this: Self) -> AnyView {
                view! { <$page/> }.into_any()
            }
        }
    };
}

lazy_page!(EditorRoute, Editor);
lazy_page!(RunsRoute, Runs);
lazy_page!(InstanceRoute, InstancePage);
lazy_page!(CoordJobRoute, CoordJobPage);
