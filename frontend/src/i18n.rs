//! The UI in English or Simplified Chinese.
//!
//! The language is read once at start (from this browser's choice, else its preferred
//! languages) and a change reloads the page, so translated text is plain text rather than
//! thousands of views listening to a language signal. The Chinese table
//! (`assets/zh.tsv`, English tab Chinese, sorted by the English) is a file of its own,
//! fetched before the app starts in Chinese: English sessions do not download it with the
//! wasm. Strings are looked up by their
//! English text: the source stays readable, and a test checks that every string the
//! source passes to [`t`] has a translation. What the shared crate says (validation
//! messages with their Oozie codes, EL errors) stays in English, as Oozie says it.

use std::cell::Cell;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Lang {
    En,
    Zh,
}

impl Lang {
    pub fn id(self) -> &'static str {
        match self {
            Lang::En => "en",
            Lang::Zh => "zh-CN",
        }
    }
}

const KEY: &str = "sluice.lang";

thread_local! {
    static LANG: Cell<Lang> = const { Cell::new(Lang::En) };
}

pub fn lang() -> Lang {
    LANG.with(Cell::get)
}

/// Reads the language: the one chosen here, else the browser's first preference.
pub fn init() {
    let chosen = crate::dom::storage::get(KEY)
        .or_else(|| web_sys::window().map(|w| w.navigator().language().unwrap_or_default()));
    let lang = match chosen.as_deref() {
        Some(l) if l.to_ascii_lowercase().starts_with("zh") => Lang::Zh,
        _ => Lang::En,
    };
    LANG.with(|c| c.set(lang));
    if let Some(root) = leptos::prelude::document().document_element() {
        let _ = root.set_attribute("lang", lang.id());
    }
}

/// Keeps the choice and reloads the page in it.
pub fn choose(lang: Lang) {
    crate::dom::storage::set(KEY, lang.id());
    if let Some(w) = web_sys::window() {
        let _ = w.location().reload();
    }
}

/// `en` in the current language.
pub fn t(en: &'static str) -> &'static str {
    match lang() {
        Lang::En => en,
        Lang::Zh => zh(en).unwrap_or(en),
    }
}

/// `en` with `{}` replaced by `args` in order, in the current language.
pub fn tf(en: &'static str, args: &[&dyn std::fmt::Display]) -> String {
    fill(t(en), args)
}

/// `template` (already in the current language) with `{}` replaced by `args` in order.
pub fn fill(template: &str, args: &[&dyn std::fmt::Display]) -> String {
    let mut out = String::new();
    let mut parts = template.split("{}");
    if let Some(first) = parts.next() {
        out.push_str(first);
    }
    for (part, arg) in parts.zip(
        args.iter()
            .map(|a| a.to_string())
            .chain(std::iter::repeat(String::new())),
    ) {
        out.push_str(&arg);
        out.push_str(part);
    }
    out
}

/// Whether `en` has its Chinese (for strings kept in tables and translated when drawn).
#[cfg(test)]
pub fn translated(en: &str) -> bool {
    tests::table();
    zh(en).is_some()
}

/// The Chinese table once loaded; English until then (and if it cannot be read).
static ZH: std::sync::OnceLock<Vec<(&'static str, &'static str)>> = std::sync::OnceLock::new();

fn zh(en: &str) -> Option<&'static str> {
    let table = ZH.get()?;
    table
        .binary_search_by(|(k, _)| (*k).cmp(en))
        .ok()
        .map(|i| table[i].1)
}

/// The table's lines as (English, Chinese); lines without a tab are skipped.
fn parse(text: &'static str) -> Vec<(&'static str, &'static str)> {
    text.lines().filter_map(|l| l.split_once('\t')).collect()
}

/// Fetches the Chinese table the page names, when the UI is in Chinese. It is read once
/// per page load and kept for its life, hence leaked.
pub async fn load() {
    if lang() != Lang::Zh {
        return;
    }
    let href = leptos::prelude::document()
        .query_selector("meta[name=sluice-zh]")
        .ok()
        .flatten()
        .and_then(|m| m.get_attribute("content"));
    let Some(href) = href else { return };
    let text = match gloo_net::http::Request::get(&href).send().await {
        Ok(resp) if resp.ok() => resp.text().await.ok(),
        _ => None,
    };
    match text {
        Some(text) => {
            let _ = ZH.set(parse(Box::leak(text.into_boxed_str())));
        }
        None => leptos::logging::error!("the Chinese strings did not load: showing English"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Every `t("…")` and `tf("…", …)` literal in the app's source, with its file.
    fn keys() -> Vec<(String, String)> {
        fn walk(dir: &std::path::Path, out: &mut Vec<(String, String)>) {
            for entry in std::fs::read_dir(dir).unwrap() {
                let path = entry.unwrap().path();
                if path.is_dir() {
                    walk(&path, out);
                } else if path.extension().is_some_and(|e| e == "rs") && !path.ends_with("i18n.rs")
                {
                    let text = std::fs::read_to_string(&path).unwrap();
                    for marker in ["t(", "tf("] {
                        for (i, _) in text.match_indices(marker) {
                            let before = text[..i].chars().last();
                            if before.is_some_and(|c| c.is_alphanumeric() || c == '_') {
                                continue;
                            }
                            // The literal may start on the next line.
                            let Some(rest) =
                                text[i + marker.len()..].trim_start().strip_prefix('"')
                            else {
                                continue;
                            };
                            let end = rest.find('"').unwrap();
                            out.push((rest[..end].to_owned(), path.display().to_string()));
                        }
                    }
                }
            }
        }
        let mut out = Vec::new();
        walk(
            &std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("src"),
            &mut out,
        );
        out
    }

    /// All of the app's source but this file, as one text.
    fn sources() -> String {
        fn walk(dir: &std::path::Path, out: &mut String) {
            for entry in std::fs::read_dir(dir).unwrap() {
                let path = entry.unwrap().path();
                if path.is_dir() {
                    walk(&path, out);
                } else if path.extension().is_some_and(|e| e == "rs") && !path.ends_with("i18n.rs")
                {
                    out.push_str(&std::fs::read_to_string(&path).unwrap());
                }
            }
        }
        let mut out = String::new();
        walk(
            &std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("src"),
            &mut out,
        );
        out
    }

    /// The table as the browser would load it.
    pub(super) fn table() -> &'static [(&'static str, &'static str)] {
        ZH.get_or_init(|| parse(include_str!("../../assets/zh.tsv")))
    }

    #[test]
    fn every_string_of_the_ui_has_its_chinese() {
        let table = table();
        let keys = keys();
        assert!(keys.len() > 100, "found {} strings", keys.len());
        let missing: Vec<_> = keys.iter().filter(|(k, _)| zh(k).is_none()).collect();
        assert!(missing.is_empty(), "no translation for: {missing:#?}");
        for pair in table.windows(2) {
            assert!(
                pair[0].0 < pair[1].0,
                "out of order or twice: {:?} {:?}",
                pair[0].0,
                pair[1].0
            );
        }
        // And nothing is translated that the UI no longer says (as a call or in a table).
        let sources = sources();
        let stale: Vec<&str> = table
            .iter()
            .map(|(k, _)| *k)
            .filter(|k| !sources.contains(&format!("\"{}\"", k.replace('"', "\\\""))))
            .collect();
        assert!(stale.is_empty(), "translated but unused: {stale:?}");
    }

    #[test]
    fn placeholders_take_their_arguments_in_order() {
        assert_eq!(tf("{} of {}", &[&1, &"x"]), "1 of x");
    }
}
