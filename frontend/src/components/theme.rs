//! The top bar's preferences, remembered in this browser: the language (see `i18n`), and
//! light, dark, or whatever the system prefers. The stylesheet's colours are `light-dark()` pairs, so the choice is one
//! `data-theme` attribute on `<html>` (set before the app starts by `index.html`, so a
//! reload never flashes the other theme).

use leptos::prelude::*;

use crate::dom::storage;
use crate::i18n::t;

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
        <select class="theme" data-testid="theme" aria-label=t("Theme") title=t("Theme") on:change=change>
            {option("system", t("System theme"))}
            {option("light", t("Light"))}
            {option("dark", t("Dark"))}
        </select>
    }
}

/// English or 简体中文; choosing reloads the page in it (unsaved work stays in the local
/// draft, and leaving asks first).
#[component]
pub fn LanguageSwitch() -> impl IntoView {
    use crate::i18n::{Lang, choose, lang};
    let current = lang();
    let change = move |ev: leptos::ev::Event| {
        let chosen = if event_target_value(&ev) == "zh-CN" {
            Lang::Zh
        } else {
            Lang::En
        };
        if chosen != current {
            choose(chosen);
        }
    };
    view! {
        <select class="theme" data-testid="language" aria-label="Language / 语言" on:change=change>
            <option value="en" selected=current == Lang::En>"English"</option>
            <option value="zh-CN" selected=current == Lang::Zh>"简体中文"</option>
        </select>
    }
}
