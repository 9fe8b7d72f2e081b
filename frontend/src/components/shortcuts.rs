//! The keyboard shortcut sheet, opened with `?`.

use leptos::prelude::*;

use crate::i18n::t;

/// Every shortcut the editor has, as (keys, what it does).
pub const SHORTCUTS: &[(&str, &str)] = &[
    ("Ctrl/⌘ Z", "Undo"),
    ("Shift Ctrl/⌘ Z, Ctrl Y", "Redo"),
    ("Delete, Backspace", "Delete the selection"),
    (
        "Ctrl/⌘ C, X, V",
        "Copy, cut, paste nodes (also between workflows and tabs)",
    ),
    ("Ctrl/⌘ A", "Select every node"),
    (
        "Shift or Ctrl/⌘ click",
        "Add a node to the selection, or take it out",
    ),
    (
        "Shift drag on the background",
        "Select the nodes in a rectangle",
    ),
    ("Drag the background, Space drag", "Pan"),
    ("Wheel, pinch, + and −", "Zoom"),
    ("F", "Fit the whole workflow on screen"),
    ("Ctrl/⌘ F", "Find a node by name"),
    ("Escape", "Clear the selection"),
    ("?", "Show or hide this sheet"),
];

#[component]
pub fn Shortcuts(open: RwSignal<bool>) -> impl IntoView {
    view! {
        <super::Modal open on_close=Callback::new(move |()| open.set(false))
            title=t("Keyboard shortcuts").to_owned() testid="shortcuts">
            <table class="shortcuts">
                {SHORTCUTS.iter().map(|(keys, what)| view! {
                    <tr><td><kbd>{*keys}</kbd></td><td>{t(what)}</td></tr>
                }).collect_view()}
            </table>
        </super::Modal>
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn the_sheet_is_translated() {
        for (_, what) in super::SHORTCUTS {
            assert!(crate::i18n::translated(what), "{what}");
        }
    }
}
