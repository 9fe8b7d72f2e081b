//! The palette: node types to drag onto the canvas.

use leptos::ev::PointerEvent;
use leptos::prelude::*;
use shared::workflow::{NodeType, Point};

use crate::canvas::drag::Gesture;
use crate::state::EditorState;

#[component]
pub fn Palette(state: EditorState) -> impl IntoView {
    let items = NodeType::palette().map(|node_type| {
        let press = move |ev: PointerEvent| {
            let client = Point {
                x: f64::from(ev.client_x()),
                y: f64::from(ev.client_y()),
            };
            crate::canvas::begin_gesture(&state, &ev, Gesture::Palette { node_type, client });
        };
        view! {
            <div
                class="palette-item"
                data-testid=format!("palette-{}", node_type.id())
                title=format!("Drag onto the canvas to add a {} node", node_type.label())
                on:pointerdown=press
            >
                {node_type.label()}
            </div>
        }
    });
    let ghost = move || match state.gesture.get() {
        Gesture::Palette { node_type, client } => Some(view! {
            <div class="ghost" style=format!("left:{}px;top:{}px", client.x, client.y)>
                {node_type.label()}
            </div>
        }),
        _ => None,
    };
    view! {
        <aside class="palette">
            <h3>"Nodes"</h3>
            <div class="palette-items">{items.collect_view()}</div>
            <p class="hint">"Drag a node onto the canvas. Drag from a green port for the ok path, from a red one for the error path; on a decision, green draws a case and red the default."</p>
            {ghost}
        </aside>
    }
}
