//! Routes.

use leptos::prelude::*;
use leptos_router::components::{Route, Router, Routes};
use leptos_router::path;

use crate::pages::{Editor, NotFound, WorkflowList};

#[component]
pub fn App() -> impl IntoView {
    view! {
        <Router>
            <div class="app">
                <Routes fallback=NotFound>
                    <Route path=path!("/") view=WorkflowList/>
                    <Route path=path!("/workflows/:id") view=Editor/>
                </Routes>
            </div>
        </Router>
    }
}
