//! The Sluice designer, a Leptos app rendered in the browser.
//!
//! - `pages`: one component per route, owning its data loading.
//! - `components`: pieces of the editor that receive state, never call the API.
//! - `canvas`: the SVG workflow canvas; its geometry and gestures are pure.
//! - `api`: the typed REST client.
//! - `state`: the editor's state and the edits it applies.

// A binary crate has no public API: `pub` here only means "used by other modules".
#![allow(unreachable_pub)]

mod api;
mod app;
mod canvas;
mod components;
mod dom;
mod i18n;
mod pages;
mod state;

fn main() {
    console_error_panic_hook::set_once();
    i18n::init();
    wasm_bindgen_futures::spawn_local(async {
        i18n::load().await;
        leptos::mount::mount_to_body(app::App);
    });
}
