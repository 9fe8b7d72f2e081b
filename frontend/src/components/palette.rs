//! The palette: every node type of the model, grouped and searchable, to drag onto the
//! canvas (or onto an edge, to insert the node into it).

use leptos::ev::PointerEvent;
use leptos::prelude::*;
use shared::workflow::{NodeType, Point};

use crate::canvas::drag::Gesture;
use crate::i18n::{t, tf};
use crate::state::EditorState;

/// The palette's groups, in the order shown. Fork and join are not nodes in Sluice's
/// model (several ok edges out of a node run in parallel; several into one wait for all),
/// so control flow is decision, end and kill.
const GROUPS: [(&str, &str); 3] = [
    ("control", "Control flow"),
    ("general", "General"),
    ("hadoop", "Hadoop"),
];

fn group_of(node_type: NodeType) -> &'static str {
    match node_type {
        NodeType::Decision | NodeType::End | NodeType::Kill => "control",
        NodeType::Action(
            "map-reduce" | "pig" | "hive" | "hive2" | "sqoop" | "distcp" | "spark" | "streaming",
        ) => "hadoop",
        _ => "general",
    }
}

/// Whether a palette entry matches what was typed in the search box (label or type id,
/// any case).
fn matches(node_type: NodeType, query: &str) -> bool {
    let q = query.trim().to_lowercase();
    q.is_empty() || node_type.label().to_lowercase().contains(&q) || node_type.id().contains(&q)
}

#[component]
pub fn Palette(state: EditorState) -> impl IntoView {
    let query = RwSignal::new(String::new());
    let item = move |node_type: NodeType| {
        let press = move |ev: PointerEvent| {
            let client = Point {
                x: f64::from(ev.client_x()),
                y: f64::from(ev.client_y()),
            };
            crate::canvas::begin_gesture(
                &state,
                &ev,
                Gesture::Palette {
                    node_type,
                    client,
                    into: None,
                },
            );
        };
        view! {
            <div
                class="palette-item"
                data-testid=format!("palette-{}", node_type.id())
                role="button"
                aria-label=format!("{} node: drag onto the canvas", node_type.label())
                title=tf("Drag onto the canvas to add a {} node, or onto an edge to insert it there", &[&node_type.label()])
                on:pointerdown=press
                style:display=move || if query.with(|q| matches(node_type, q)) { "" } else { "none" }
            >
                {node_type.label()}
            </div>
        }
    };
    let groups = GROUPS.map(|(id, title)| {
        let members: Vec<NodeType> = NodeType::palette().filter(|t| group_of(*t) == id).collect();
        let any = {
            let members = members.clone();
            move || query.with(|q| members.iter().any(|t| matches(*t, q)))
        };
        view! {
            <div class="palette-group" data-testid=format!("palette-group-{id}") style:display=move || if any() { "" } else { "none" }>
                <h4>{t(title)}</h4>
                <div class="palette-items">{members.into_iter().map(item).collect_view()}</div>
            </div>
        }
    });
    let ghost = move || match state.gesture.get() {
        Gesture::Palette {
            node_type,
            client,
            into,
        } => Some({
            let splits = into.is_some();
            let into = into.map(|e| tf(" → between {} and {}", &[&e.from, &e.to]));
            view! {
                <div class="ghost" class:into=splits data-testid="palette-ghost" style=format!("left:{}px;top:{}px", client.x, client.y)>
                    {node_type.label()}
                    {into}
                </div>
            }
        }),
        _ => None,
    };
    let none = move || {
        query
            .with(|q| !NodeType::palette().any(|t| matches(t, q)))
            .then(|| {
                view! { <p class="hint" data-testid="palette-none">{t("No node type matches.")}</p> }
            })
    };
    view! {
        <aside class="palette" aria-label=t("Node types")>
            <h3>{t("Nodes")}</h3>
            <input type="search" class="palette-search" data-testid="palette-search"
                placeholder=t("Search node types") aria-label=t("Search node types")
                bind:value=query/>
            {groups}
            {none}
            <p class="hint">{t("Drag a node onto the canvas, or onto an edge to insert it. Drag from a green port for the ok path, from a red one for the error path; on a decision, green draws a case and red the default. Several ok edges out of a node run in parallel (a fork); several into one wait for all (a join).")}</p>
            {ghost}
        </aside>
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn the_group_titles_are_translated() {
        for (_, title) in super::GROUPS {
            assert!(crate::i18n::translated(title), "{title}");
        }
    }

    use super::*;

    #[test]
    fn every_node_type_is_in_a_group_and_search_finds_by_label_or_id() {
        for t in NodeType::palette() {
            assert!(GROUPS.iter().any(|(id, _)| *id == group_of(t)), "{t:?}");
        }
        assert_eq!(group_of(NodeType::Action("hive")), "hadoop");
        assert_eq!(group_of(NodeType::Action("shell")), "general");
        assert_eq!(group_of(NodeType::Kill), "control");
        assert!(matches(NodeType::Action("map-reduce"), "MAP"));
        assert!(matches(NodeType::Action("sub-workflow"), "sub"));
        assert!(!matches(NodeType::Action("shell"), "hive"));
        assert!(matches(NodeType::End, " "));
    }
}
