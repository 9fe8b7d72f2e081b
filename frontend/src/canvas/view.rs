//! The SVG canvas: draws nodes, ports and edges, and turns pointer events into gestures.
//!
//! Every gesture captures the pointer on the `<svg>` element, so moves and the release reach
//! the canvas wherever the pointer goes (also when a drag starts in the palette). Pointer
//! events, not HTML5 drag-and-drop: they work for mouse, pen and touch alike, and WebDriver
//! can drive them.

use leptos::ev::PointerEvent;
use leptos::prelude::*;
use shared::workflow::{Edge, EdgeKind, NodeKind, Point, Severity};

use super::drag::Gesture;
use super::geometry::{NODE_H, NODE_W, PORT_R, edge_path, has_outputs, in_port, out_port};
use crate::state::{EditorState, Selection};

/// The pointer in canvas coordinates, and whether it is over the canvas.
pub(crate) fn canvas_point(state: &EditorState, ev: &PointerEvent) -> (Point, bool) {
    let Some(svg) = state.canvas.get_untracked() else {
        return (Point::default(), false);
    };
    let rect = svg.get_bounding_client_rect();
    let p = Point {
        x: f64::from(ev.client_x()) - rect.left(),
        y: f64::from(ev.client_y()) - rect.top(),
    };
    let inside = p.x >= 0.0 && p.y >= 0.0 && p.x <= rect.width() && p.y <= rect.height();
    (p, inside)
}

fn client_point(ev: &PointerEvent) -> Point {
    Point {
        x: f64::from(ev.client_x()),
        y: f64::from(ev.client_y()),
    }
}

/// Starts a gesture: from now on the canvas receives this pointer's events.
pub(crate) fn begin(state: &EditorState, ev: &PointerEvent, gesture: Gesture) {
    ev.prevent_default();
    ev.stop_propagation();
    if let Some(svg) = state.canvas.get_untracked() {
        let _ = svg.set_pointer_capture(ev.pointer_id());
    }
    state.notice.set(None);
    state.gesture.set(gesture);
}

#[component]
pub fn Canvas(state: EditorState) -> impl IntoView {
    let workflow = state.workflow;
    let gesture = state.gesture;

    let on_move = move |ev: PointerEvent| {
        if gesture.with_untracked(|g| *g == Gesture::Idle) {
            return;
        }
        let (p, _) = canvas_point(&state, &ev);
        let mut g = gesture.get_untracked();
        let current = match &g {
            Gesture::Move { node, .. } => {
                workflow.with_untracked(|w| w.node(node).map(|n| n.position))
            }
            _ => None,
        };
        let step = g.pointer_moved(p, client_point(&ev), current);
        gesture.set(g);
        if let Some((node, to)) = step {
            state.move_node(&node, to);
        }
    };
    let on_up = move |ev: PointerEvent| {
        let g = gesture.get_untracked();
        if g == Gesture::Idle {
            return;
        }
        gesture.set(Gesture::Idle);
        let (p, inside) = canvas_point(&state, &ev);
        let outcome = workflow.with_untracked(|w| g.released(p, inside, w));
        state.apply(outcome);
    };
    let on_background = move |_: PointerEvent| state.selection.set(Selection::None);

    let errors = Memo::new(move |_| state.flagged_nodes(Severity::Error));
    let warnings = Memo::new(move |_| state.flagged_nodes(Severity::Warning));
    let bad_edges = Memo::new(move |_| state.flagged_edges());

    let node_names =
        move || workflow.with(|w| w.nodes.iter().map(|n| n.name.clone()).collect::<Vec<_>>());
    let edges = move || workflow.with(|w| w.edges.clone());

    let draft = move || match gesture.get() {
        Gesture::Connect {
            from,
            kind,
            pointer,
        } => workflow.with(|w| {
            w.node(&from).map(|n| {
                let d = edge_path(out_port(n.position, kind), pointer, kind);
                view! { <path class="edge draft" d=d/> }
            })
        }),
        _ => None,
    };

    view! {
        <svg
            class="canvas"
            data-testid="canvas"
            node_ref=state.canvas
            on:pointerdown=on_background
            on:pointermove=on_move
            on:pointerup=on_up
            on:pointercancel=move |_| gesture.set(Gesture::Idle)
        >
            <defs>
                <marker id="arrow-ok" class="arrow ok" viewBox="0 0 10 10" refX="9" refY="5"
                    markerWidth="7" markerHeight="7" orient="auto-start-reverse">
                    <path d="M0,0 L10,5 L0,10 z"/>
                </marker>
                <marker id="arrow-error" class="arrow error" viewBox="0 0 10 10" refX="9" refY="5"
                    markerWidth="7" markerHeight="7" orient="auto-start-reverse">
                    <path d="M0,0 L10,5 L0,10 z"/>
                </marker>
            </defs>
            <g class="edges">
                <For each=edges key=|e| e.clone() let:edge>
                    <EdgeView state edge bad_edges/>
                </For>
            </g>
            <g class="nodes">
                <For each=node_names key=|n| n.clone() let:name>
                    <NodeView state name errors warnings/>
                </For>
            </g>
            {draft}
        </svg>
    }
}

#[component]
fn EdgeView(
    state: EditorState,
    edge: Edge,
    bad_edges: Memo<std::collections::HashSet<Edge>>,
) -> impl IntoView {
    let workflow = state.workflow;
    let d = {
        let edge = edge.clone();
        move || {
            workflow
                .with(|w| {
                    let from = w.node(&edge.from)?.position;
                    let to = w.node(&edge.to)?.position;
                    Some(edge_path(out_port(from, edge.kind), in_port(to), edge.kind))
                })
                .unwrap_or_default()
        }
    };
    let selected = {
        let edge = edge.clone();
        move || {
            state
                .selection
                .with(|s| *s == Selection::Edge(edge.clone()))
        }
    };
    let invalid = {
        let edge = edge.clone();
        move || bad_edges.with(|b| b.contains(&edge))
    };
    let kind = edge.kind.id();
    // Defaults look like error paths (the "otherwise" way out), cases like ok paths.
    let failure_like = matches!(edge.kind, EdgeKind::Error | EdgeKind::Default);
    let marker = if failure_like { "error" } else { "ok" };
    let label = (edge.kind == EdgeKind::Case).then(|| {
        let mut text = edge.predicate.clone();
        if text.chars().count() > 28 {
            text = text.chars().take(27).collect::<String>() + "…";
        }
        text
    });
    let label_at = {
        let edge = edge.clone();
        move || {
            state.workflow.with(|w| {
                let from = w.node(&edge.from).map(|n| n.position).unwrap_or_default();
                let to = w.node(&edge.to).map(|n| n.position).unwrap_or_default();
                ((from.x + to.x) / 2.0 + 84.0, (from.y + to.y) / 2.0 + 20.0)
            })
        }
    };
    let testid = format!("edge-{}-{}", edge.from, edge.to);
    let select = move |ev: PointerEvent| {
        ev.stop_propagation();
        state.selection.set(Selection::Edge(edge.clone()));
    };
    view! {
        <g data-testid=testid data-kind=kind>
            <path
                class="edge"
                class:error=failure_like
                class:selected=selected
                class:invalid=invalid
                marker-end=format!("url(#arrow-{marker})")
                d=d.clone()
            />
            <path class="edge-hit" d=d on:pointerdown=select/>
            {label.map(|text| {
                let (at_x, at_y) = (label_at.clone(), label_at.clone());
                view! {
                    <text class="edge-label" x=move || at_x().0 y=move || at_y().1>{text}</text>
                }
            })}
        </g>
    }
}

#[component]
fn NodeView(
    state: EditorState,
    name: String,
    errors: Memo<std::collections::HashSet<String>>,
    warnings: Memo<std::collections::HashSet<String>>,
) -> impl IntoView {
    let workflow = state.workflow;
    let position = {
        let name = name.clone();
        move || workflow.with(|w| w.node(&name).map(|n| n.position).unwrap_or_default())
    };
    let node_type = workflow.with_untracked(|w| w.node(&name).map(|n| n.kind.node_type()));
    let Some(node_type) = node_type else {
        return ().into_any();
    };
    let subtitle = {
        let name = name.clone();
        move || {
            workflow.with(|w| match w.node(&name).map(|n| &n.kind) {
                Some(NodeKind::Action(action)) if action.summary().is_some() => {
                    let summary = action.summary().unwrap_or_default();
                    let mut line = format!("{} · {summary}", action.action);
                    if line.chars().count() > 24 {
                        line = line.chars().take(23).collect::<String>() + "…";
                    }
                    line
                }
                Some(kind) => kind.node_type().label().to_lowercase(),
                None => String::new(),
            })
        }
    };
    let transform = {
        let position = position.clone();
        move || {
            let p = position();
            format!("translate({},{})", p.x, p.y)
        }
    };
    let selected = {
        let name = name.clone();
        move || {
            state
                .selection
                .with(|s| matches!(s, Selection::Node(n) if *n == name))
        }
    };
    let invalid = {
        let name = name.clone();
        move || errors.with(|e| e.contains(&name))
    };
    let warning = {
        let name = name.clone();
        move || warnings.with(|w| w.contains(&name))
    };
    let press = {
        let name = name.clone();
        let position = position.clone();
        move |ev: PointerEvent| {
            let (p, _) = canvas_point(&state, &ev);
            state.selection.set(Selection::Node(name.clone()));
            begin(&state, &ev, Gesture::begin_move(&name, p, position()));
        }
    };
    let port_owner = name.clone();
    let port = move |kind: EdgeKind| {
        let name = port_owner.clone();
        let anchor = out_port(Point::default(), kind);
        let press = {
            let name = name.clone();
            move |ev: PointerEvent| {
                let (p, _) = canvas_point(&state, &ev);
                begin(
                    &state,
                    &ev,
                    Gesture::Connect {
                        from: name.clone(),
                        kind,
                        pointer: p,
                    },
                );
            }
        };
        view! {
            <circle
                class=format!("port {}", kind.id())
                data-testid=format!("port-{}-{name}", kind.id())
                cx=anchor.x
                cy=anchor.y
                r=PORT_R
                on:pointerdown=press
            >
                <title>{format!("drag to connect the {} path", kind.id())}</title>
            </circle>
        }
    };
    let outputs = has_outputs(node_type).then(|| (port(EdgeKind::Ok), port(EdgeKind::Error)));
    let in_anchor = in_port(Point::default());
    view! {
        <g
            class="node"
            class:terminal=!node_type.is_action()
            class:selected=selected
            class:invalid=invalid
            class:warning=warning
            data-testid=format!("node-{name}")
            data-type=node_type.id()
            transform=transform
            on:pointerdown=press
        >
            <rect class="body" width=NODE_W height=NODE_H rx="8"/>
            <text x="14" y="24" font-weight="600">{name.clone()}</text>
            <text class="kind" x="14" y="42">{subtitle}</text>
            <circle
                class="port in"
                data-testid=format!("port-in-{name}")
                cx=in_anchor.x
                cy=in_anchor.y
                r=PORT_R
            />
            {outputs}
        </g>
    }
    .into_any()
}
