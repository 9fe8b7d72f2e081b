//! The editor's keyboard, clipboard and leave-page handling, installed on the window for
//! as long as the editor is open.
//!
//! Copy, cut and paste use the browser's clipboard events rather than the async Clipboard
//! API: the events need no permission prompt, carry plain text between tabs and other
//! workflows, and fire for Ctrl/Cmd+C, X and V as for the browser's own menu.

use leptos::ev;
use leptos::prelude::*;

use crate::dom::in_text_field;
use crate::i18n::tf;
use crate::state::{EditorState, Selection, Status};

/// What the page's toolbar exposes to the keyboard.
#[derive(Clone, Copy)]
pub struct Hooks {
    pub space: RwSignal<bool>,
    pub sheet_open: RwSignal<bool>,
    pub find: NodeRef<leptos::html::Input>,
}

pub fn install(state: EditorState, hooks: Hooks) {
    let Hooks {
        space,
        sheet_open,
        find,
    } = hooks;
    let zoom = move |factor: f64| state.zoom_centre(factor);
    let down = window_event_listener(ev::keydown, move |e| {
        let cmd = e.ctrl_key() || e.meta_key();
        let key = e.key();
        if cmd && key.eq_ignore_ascii_case("f") {
            e.prevent_default();
            if let Some(input) = find.get_untracked() {
                let _ = input.focus();
                input.select();
            }
            return;
        }
        if in_text_field(e.target()) {
            return;
        }
        let handled = match (cmd, key.as_str()) {
            (true, k) if k.eq_ignore_ascii_case("z") => {
                if e.shift_key() {
                    state.redo();
                } else {
                    state.undo();
                }
                true
            }
            (true, k) if k.eq_ignore_ascii_case("y") => {
                state.redo();
                true
            }
            (true, k) if k.eq_ignore_ascii_case("a") => {
                state.select_all();
                true
            }
            (false, "Delete" | "Backspace") => {
                state.delete_selection();
                true
            }
            (false, "Escape") => {
                sheet_open.set(false);
                state.select(Selection::None);
                true
            }
            (false, "?") => {
                sheet_open.update(|o| *o = !*o);
                true
            }
            (false, " ") => {
                space.set(true);
                true
            }
            (false, "+" | "=") => {
                zoom(1.25);
                true
            }
            (false, "-" | "_") => {
                zoom(1.0 / 1.25);
                true
            }
            (false, "f" | "F") => {
                state.fit();
                true
            }
            _ => false,
        };
        if handled {
            e.prevent_default();
        }
    });
    let up = window_event_listener(ev::keyup, move |e| {
        if e.key() == " " {
            space.set(false);
        }
    });
    // A window that loses focus never sees the key go up.
    let blur = window_event_listener(ev::blur, move |_| space.set(false));

    let copy = window_event_listener(ev::copy, move |e| {
        if in_text_field(e.target()) {
            return;
        }
        if let (Some(text), Some(data)) = (state.copy(), e.clipboard_data()) {
            let _ = data.set_data("text/plain", &text);
            e.prevent_default();
            let n = state.selection.with_untracked(|s| s.nodes().len());
            state
                .status
                .set(Status::info(tf("Copied {} node(s).", &[&n])));
        }
    });
    let cut = window_event_listener(ev::cut, move |e| {
        if in_text_field(e.target()) {
            return;
        }
        let Some(data) = e.clipboard_data() else {
            return;
        };
        let n = state.selection.with_untracked(|s| s.nodes().len());
        if let Some(text) = state.cut() {
            let _ = data.set_data("text/plain", &text);
            e.prevent_default();
            state.status.set(Status::info(tf("Cut {} node(s).", &[&n])));
        }
    });
    let paste = window_event_listener(ev::paste, move |e| {
        if in_text_field(e.target()) {
            return;
        }
        let Some(text) = e
            .clipboard_data()
            .and_then(|d| d.get_data("text/plain").ok())
        else {
            return;
        };
        e.prevent_default();
        match state.paste(&text) {
            Ok(n) => state
                .status
                .set(Status::info(tf("Pasted {} node(s).", &[&n]))),
            Err(why) => state.notice.set(Some(why)),
        }
    });
    // Closing or reloading the tab with unsaved changes asks first. (The draft is kept
    // in local storage either way; this is the second line of defence.)
    let leave = window_event_listener_untyped("beforeunload", move |e| {
        if state.version.get_untracked() != state.saved_version.get_untracked() {
            e.prevent_default();
            if let Some(e) = wasm_bindgen::JsCast::dyn_ref::<web_sys::BeforeUnloadEvent>(&e) {
                e.set_return_value("unsaved changes");
            }
        }
    });
    let resize = window_event_listener(ev::resize, move |_| crate::canvas::measure(&state));
    on_cleanup(move || {
        for handle in [down, up, blur, copy, cut, paste, leave, resize] {
            handle.remove();
        }
    });
}
