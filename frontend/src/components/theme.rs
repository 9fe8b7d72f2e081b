//! Light, dark, or whatever the system prefers: chosen in the top bar, remembered in this
//! browser. The stylesheet's colours are `light-dark()` pairs, so the choice is one
//! `data-theme` attribute on `<html>` (set before the app starts by `index.html`, so a
//! reload never flashes the other theme).

use leptos::prelude::*;

use crate::dom::storage;

const KEY: &str = "sluice.theme";

/// `light` or `dark`, or `system` for none.
fn apply(theme: &str) {
    let Some(root) = document().document_element() else {
        return;
    };
    match theme {
        "light" | "dark" => {
            let _ = root.set_attribute("data-theme", theme);
        }
        _ => {
            let _ = root.remove_attribute("data-theme");
        }
    }
}

#[component]
pub fn ThemeSwitch() -> impl IntoView {
    let initial = storage::get(KEY).unwrap_or_else(|| "system".to_owned());
    let change = move |ev: leptos::ev::Event| {
        let theme = event_target_value(&ev);
        apply(&theme);
        if theme == "system" {
            storage::remove(KEY);
        } else {
            storage::set(KEY, &theme);
        }
    };
    let option = move |value: &'static str, label: &'static str| {
        view! { <option value=value selected=initial == value>{label}</option> }
    };
    view! {
        <select class="theme" data-testid="theme" aria-label="Theme" title="Theme" on:change=change>
            {option("system", "System theme")}
            {option("light", "Light")}
            {option("dark", "Dark")}
        </select>
    }
}
