//! Find a node by name: the matches as you type; Enter or a click selects one and brings
//! it to the middle of the screen.

use leptos::prelude::*;

use crate::i18n::t;
use crate::state::EditorState;

/// Shown at most, so typing one letter in a 5,000-node workflow stays instant.
const SHOWN: usize = 8;

/// Names containing the query (any case), those starting with it first.
pub fn find(names: impl Iterator<Item = String>, query: &str) -> Vec<String> {
    let q = query.trim().to_lowercase();
    if q.is_empty() {
        return Vec::new();
    }
    let mut hits: Vec<(bool, String)> = names
        .filter_map(|n| {
            let lower = n.to_lowercase();
            lower.contains(&q).then(|| (!lower.starts_with(&q), n))
        })
        .collect();
    shared::order::sort(&mut hits);
    hits.into_iter().take(SHOWN).map(|(_, n)| n).collect()
}

#[component]
pub fn Find(state: EditorState, input: NodeRef<leptos::html::Input>) -> impl IntoView {
    let query = RwSignal::new(String::new());
    let hits = Memo::new(move |_| {
        let q = query.get();
        state
            .workflow
            .with(|w| find(w.nodes.iter().map(|n| n.name.clone()), &q))
    });
    let go = move |name: String| {
        state.focus(&name);
        query.set(String::new());
    };
    let on_key = move |ev: leptos::ev::KeyboardEvent| match ev.key().as_str() {
        "Enter" => {
            if let Some(first) = hits.get_untracked().into_iter().next() {
                go(first);
            }
        }
        "Escape" => query.set(String::new()),
        _ => {}
    };
    view! {
        <div class="find">
            <input type="search" node_ref=input data-testid="find" placeholder=t("Find a node (Ctrl+F)")
                aria-label=t("Find a node by name") bind:value=query on:keydown=on_key/>
            <Show when=move || !query.with(String::is_empty)>
                <ul class="find-results" data-testid="find-results" role="listbox">
                    {move || {
                        let list = hits.get();
                        if list.is_empty() {
                            return view! { <li class="empty">{t("No node matches.")}</li> }.into_any();
                        }
                        list.into_iter().map(|name| {
                            let target = name.clone();
                            let testid = format!("find-{name}");
                            view! {
                                <li role="option" data-testid=testid
                                    on:mousedown=move |ev| { ev.prevent_default(); go(target.clone()); }>{name}</li>
                            }
                        }).collect_view().into_any()
                    }}
                </ul>
            </Show>
        </div>
    }
}

#[cfg(test)]
mod tests {
    use super::find;

    #[test]
    fn prefix_matches_come_first_and_the_list_is_short() {
        let names = ["load", "extract", "reload", "Loader"].map(String::from);
        assert_eq!(
            find(names.clone().into_iter(), "LOAD"),
            ["Loader", "load", "reload"]
        );
        assert!(find(names.into_iter(), "  ").is_empty());
        let many = (0..100).map(|i| format!("n{i}"));
        assert_eq!(find(many, "n").len(), 8);
    }
}
