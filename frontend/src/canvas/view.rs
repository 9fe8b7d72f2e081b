//! The SVG canvas: draws nodes, ports and edges inside the viewport's transform, and turns
//! pointer and wheel events into gestures. The only part of the canvas that touches the DOM.
//!
//! Every gesture captures the pointer on the `<svg>` element, so moves and the release reach
//! the canvas wherever the pointer goes (also when a drag starts in the palette). Pointer
//! events, not HTML5 drag-and-drop: they work for mouse, pen and touch alike, and WebDriver
//! can drive them.
//!
//! What each piece listens to decides the speed at thousands of nodes. Node and edge views
//! read only their own cells (`state::scene`), so an edit re-runs the views of what it
//! changed. What changes while the pointer moves lives in the drag layer, a second SVG
//! over the canvas, so a drag frame repaints that small layer and not the whole drawing.
//! `cargo xtask bench-ui` measures both.

use leptos::ev::{PointerEvent, WheelEvent};
use leptos::prelude::*;
use shared::workflow::{Edge, EdgeKind, Point};

use super::drag::{Click, Gesture, Pointer, Step};
use super::geometry::{
    Guide, NODE_H, NODE_W, PORT_R, Rect, Viewport, bounds, edge_path, has_outputs, in_port,
    out_port,
};
use crate::i18n::t;
use crate::state::{EditorState, Flag, Selection};

/// The pointer on the canvas (through the viewport) and on the page, and whether it is
/// over the canvas.
pub(crate) fn pointer(state: &EditorState, ev: &PointerEvent) -> (Pointer, bool) {
    let client = Point {
        x: f64::from(ev.client_x()),
        y: f64::from(ev.client_y()),
    };
    let Some(svg) = state.canvas.get_untracked() else {
        return (
            Pointer {
                canvas: Point::default(),
                client,
            },
            false,
        );
    };
    let rect = svg.get_bounding_client_rect();
    let screen = Point {
        x: client.x - rect.left(),
        y: client.y - rect.top(),
    };
    let inside =
        screen.x >= 0.0 && screen.y >= 0.0 && screen.x <= rect.width() && screen.y <= rect.height();
    let canvas = state.view.with_untracked(|v| v.to_canvas(screen));
    (Pointer { canvas, client }, inside)
}

/// Reads the canvas element's size into the state (for fit, find and the minimap).
pub(crate) fn measure(state: &EditorState) {
    if let Some(svg) = state.canvas.get_untracked() {
        let rect = svg.get_bounding_client_rect();
        if rect.width() > 0.0 {
            state.size.set((rect.width(), rect.height()));
        }
    }
}

/// Starts a gesture: from now on the canvas receives this pointer's events.
pub(crate) fn begin(state: &EditorState, ev: &PointerEvent, gesture: Gesture) {
    ev.prevent_default();
    ev.stop_propagation();
    // Preventing the default also keeps focus where it was: let a text field go (which
    // commits it), so the keys pressed next reach the canvas.
    if let Some(field) = document()
        .active_element()
        .and_then(|el| wasm_bindgen::JsCast::dyn_into::<web_sys::HtmlElement>(el).ok())
    {
        field.blur().ok();
    }
    if let Some(svg) = state.canvas.get_untracked() {
        let _ = svg.set_pointer_capture(ev.pointer_id());
    }
    state.notice.set(None);
    if let Gesture::Move { nodes, .. } = &gesture {
        state.start_moving(nodes.iter().cloned().collect());
    }
    state.gesture.set(gesture);
}

fn end_move(state: &EditorState) {
    state.stop_moving();
    if state.guides.with_untracked(|g| !g.is_empty()) {
        state.guides.set(Vec::new());
    }
}

/// Shift, or Ctrl/Cmd: the modifiers that add to a selection.
fn additive(ev: &PointerEvent) -> bool {
    ev.shift_key() || ev.ctrl_key() || ev.meta_key()
}

#[component]
pub fn Canvas(
    state: EditorState,
    /// Space is held: any press pans.
    space: RwSignal<bool>,
) -> impl IntoView {
    let workflow = state.workflow;
    let gesture = state.gesture;

    let on_move = move |ev: PointerEvent| {
        let (at, inside) = pointer(&state, &ev);
        if inside {
            state.pointer.set(Some(at.canvas));
        }
        if gesture.with_untracked(|g| *g == Gesture::Idle) {
            return;
        }
        let mut g = gesture.get_untracked();
        let step = workflow.with_untracked(|w| g.pointer_moved(at, w));
        gesture.set(g);
        match step {
            Step::Nothing => {}
            Step::Offset { offset, guides } => {
                state.offset.set(offset);
                state.guides.set(guides);
            }
            Step::View(v) => state.view.set(v),
        }
    };
    let on_up = move |ev: PointerEvent| {
        let g = gesture.get_untracked();
        if g == Gesture::Idle {
            return;
        }
        gesture.set(Gesture::Idle);
        let (at, inside) = pointer(&state, &ev);
        let outcome = workflow.with_untracked(|w| g.released(at, inside, w));
        end_move(&state);
        state.apply(outcome);
    };
    let on_cancel = move |_: PointerEvent| {
        gesture.set(Gesture::Idle);
        end_move(&state);
    };
    // A press on the background pans (or, with Shift, draws a selection band).
    let on_background = move |ev: PointerEvent| {
        if ev.button() != 0 {
            return;
        }
        let (at, _) = pointer(&state, &ev);
        let g = if ev.shift_key() && !space.get_untracked() {
            Gesture::Band {
                start: at.canvas,
                end: at.canvas,
                additive: true,
            }
        } else {
            Gesture::Pan {
                client: at.client,
                view: state.view.get_untracked(),
            }
        };
        begin(&state, &ev, g);
    };
    let on_wheel = move |ev: WheelEvent| {
        ev.prevent_default();
        let Some(svg) = state.canvas.get_untracked() else {
            return;
        };
        let rect = svg.get_bounding_client_rect();
        let at = Point {
            x: f64::from(ev.client_x()) - rect.left(),
            y: f64::from(ev.client_y()) - rect.top(),
        };
        // A pinch arrives as a wheel event with Ctrl held and small deltas.
        let rate = if ev.ctrl_key() { 0.01 } else { 0.0015 };
        let factor = (-ev.delta_y() * rate).exp();
        state.view.update(|v| *v = v.zoom_at(at, factor));
    };

    let grid_scale = move || state.view.with(|v| v.zoom);
    // The dot grid moves and scales with the drawing (thinned out when zoomed far out).
    let grid = move || {
        state.view.with(|v| {
            let mut step = 16.0 * v.zoom;
            while step < 8.0 {
                step *= 2.0;
            }
            format!(
                "background-size:{step:.2}px {step:.2}px;background-position:{:.1}px {:.1}px",
                v.x, v.y
            )
        })
    };

    view! {
        <svg
            class="canvas"
            class:panning=move || space.get() || matches!(gesture.get(), Gesture::Pan { .. })
            // One class on the canvas, not a signal every node reads (see the module doc).
            class:far=move || !state.view.with(|v| v.detailed())
            data-testid="canvas"
            role="application"
            aria-label=t("Workflow canvas")
            node_ref=state.canvas
            on:pointerdown=on_background
            on:pointermove=on_move
            on:pointerup=on_up
            on:pointercancel=on_cancel
            on:wheel=on_wheel
            data-zoom=move || format!("{:.3}", grid_scale())
            style=grid
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
            <g class="viewport" data-testid="viewport" transform=move || viewport_transform(&state)>
                <g class="edges">
                    <For each=move || if state.shown.get() { state.edges.get() } else { Vec::new() }
                        key=|e| e.clone() let:edge>
                        <EdgeView state edge layer=Layer::Canvas/>
                    </For>
                </g>
                <g class="nodes">
                    <For each=move || if state.shown.get() { state.names.get() } else { Vec::new() }
                        key=|n| n.clone() let:name>
                        <NodeView state name space lifted=false/>
                    </For>
                </g>
            </g>
        </svg>
        <DragLayer state/>
    }
}

fn viewport_transform(state: &EditorState) -> String {
    let v = state.view.get();
    format!("translate({},{}) scale({})", v.x, v.y, v.zoom)
}

/// Where an edge is drawn: on the canvas (hidden while an end is dragged), or in the drag
/// layer, between two dragged nodes (moved with them as one group) or from a dragged node
/// to one that stays (redrawn every frame).
#[derive(Clone, Copy, PartialEq)]
enum Layer {
    Canvas,
    Within,
    Stretched,
}

/// Everything that changes while the pointer moves, in an SVG of its own over the canvas:
/// the dragged nodes and their edges, guides, the edge being drawn, the band and the hover
/// marks. Chromium then repaints this small layer on each frame, not the canvas with its
/// thousands of nodes, which a drag leaves alone except when it starts and ends.
#[component]
fn DragLayer(state: EditorState) -> impl IntoView {
    let gesture = state.gesture;
    // The dragged nodes and, computed once per drag, the edges that go with them.
    let lifted = Memo::new(move |_| {
        let mut names: Vec<String> = state.moving.with(|m| m.iter().cloned().collect());
        shared::order::sort(&mut names);
        names
    });
    let lifted_edges = Memo::new(move |_| {
        state.moving.with(|m| {
            if m.is_empty() {
                return (Vec::new(), Vec::new());
            }
            state.edges.with(|edges| {
                let touching = edges
                    .iter()
                    .filter(|e| m.contains(&e.from) || m.contains(&e.to));
                touching
                    .cloned()
                    .partition::<Vec<_>, _>(|e| m.contains(&e.from) && m.contains(&e.to))
            })
        })
    });
    let offset = move || {
        let o = state.offset.get();
        format!("translate({},{})", o.x, o.y)
    };

    // What a drag hovers: a connection's target (and whether it is refused), a palette
    // item's edge.
    let hover = Memo::new(move |_| match gesture.get() {
        Gesture::Connect {
            target: Some(t),
            refusal,
            ..
        } => Some((t, refusal.is_some())),
        _ => None,
    });
    let drop_edge = Memo::new(move |_| match gesture.get() {
        Gesture::Palette { into, .. } => into,
        _ => None,
    });
    let hover_mark = move || {
        hover.get().and_then(|(target, refused)| {
            let at = state.position(&target)?;
            Some(view! {
                <rect class="hover-mark" class:refuses=refused class:accepts=!refused
                    data-testid=format!("hover-{target}")
                    x=at.x - 3.0 y=at.y - 3.0 width=NODE_W + 6.0 height=NODE_H + 6.0 rx="10"/>
            })
        })
    };
    let drop_mark = move || {
        drop_edge.get().and_then(|edge| {
            let (from, to) = (state.position(&edge.from)?, state.position(&edge.to)?);
            let d = edge_path(out_port(from, edge.kind), in_port(to), edge.kind);
            Some(view! { <path class="edge drop-target" data-testid="drop-edge" d=d/> })
        })
    };
    let draft = move || {
        match gesture.get() {
        Gesture::Connect {
            from,
            kind,
            pointer,
            refusal,
            ..
        } => state.position(&from).map(|at| {
            let d = edge_path(out_port(at, kind), pointer, kind);
            let why = refusal.clone().map(|why| {
                view! {
                    <text class="refusal" data-testid="connect-refusal" x=pointer.x + 12.0 y=pointer.y - 12.0>{why}</text>
                }
            });
            view! {
                <path class="edge draft" class:refused=refusal.is_some() d=d/>
                {why}
            }
        }),
        _ => None,
    }
    };
    let band = move || match gesture.get() {
        Gesture::Band { start, end, .. } => {
            let r = Rect::spanning(start, end);
            Some(view! {
                <rect class="band" data-testid="selection-band" x=r.x y=r.y width=r.w height=r.h/>
            })
        }
        _ => None,
    };
    let guides = move || {
        state.guides.with(|guides| {
            guides
                .iter()
                .map(|g| match *g {
                    Guide::Vertical { x, from, to } => format!("M{x},{from} V{to} "),
                    Guide::Horizontal { y, from, to } => format!("M{from},{y} H{to} "),
                })
                .collect::<String>()
        })
    };
    // Never `space` held here: the layer takes no pointer events.
    let space = RwSignal::new(false);
    view! {
        <svg class="drag-layer" aria-hidden="true" class:far=move || !state.view.with(|v| v.detailed())>
            <g transform=move || viewport_transform(&state)>
                <g class="edges">
                    <For each=move || lifted_edges.get().1 key=|e| e.clone() let:edge>
                        <EdgeView state edge layer=Layer::Stretched/>
                    </For>
                </g>
                <g data-testid="lifted" transform=offset>
                    <g class="edges">
                        <For each=move || lifted_edges.get().0 key=|e| e.clone() let:edge>
                            <EdgeView state edge layer=Layer::Within/>
                        </For>
                    </g>
                    <For each=move || lifted.get() key=|n| n.clone() let:name>
                        <NodeView state name space lifted=true/>
                    </For>
                </g>
                {hover_mark}
                {drop_mark}
                <path class="guides" data-testid="guides" d=guides/>
                {draft}
                {band}
            </g>
        </svg>
    }
}

#[component]
fn EdgeView(state: EditorState, edge: Edge, layer: Layer) -> impl IntoView {
    let (Some(from), Some(to), Some(cell)) = (
        state.cell(&edge.from),
        state.cell(&edge.to),
        state.edge_cell(&edge),
    ) else {
        return ().into_any();
    };
    let lifted = {
        let (from, to) = (from.moving.clone(), to.moving.clone());
        move || layer == Layer::Canvas && (from.get() || to.get())
    };
    let ends = move || {
        if layer == Layer::Stretched {
            (state.drawn(&from), state.drawn(&to))
        } else {
            (from.at.get(), to.at.get())
        }
    };
    let kind = edge.kind;
    let d = {
        let ends = ends.clone();
        move || {
            let (from, to) = ends();
            edge_path(out_port(from, kind), in_port(to), kind)
        }
    };
    // Defaults look like error paths (the "otherwise" way out), cases like ok paths.
    let failure_like = matches!(edge.kind, EdgeKind::Error | EdgeKind::Default);
    let marker = if failure_like { "error" } else { "ok" };
    let label = (edge.kind == EdgeKind::Case).then(|| {
        let mut text = edge.predicate.clone();
        if text.chars().count() > 28 {
            text = text.chars().take(27).collect::<String>() + "…";
        }
        let middle = move || {
            let (from, to) = ends();
            ((from.x + to.x) / 2.0 + 84.0, (from.y + to.y) / 2.0 + 20.0)
        };
        let middle_y = middle.clone();
        view! { <text class="edge-label" x=move || middle().0 y=move || middle_y().1>{text}</text> }
    });
    let testid = (layer == Layer::Canvas).then(|| format!("edge-{}-{}", edge.from, edge.to));
    let select = move |ev: PointerEvent| {
        ev.stop_propagation();
        state.select(Selection::Edge(edge.clone()));
    };
    let (selected, invalid) = (cell.selected, cell.invalid);
    view! {
        <g data-testid=testid data-kind=kind.id() class:lifted=lifted>
            <path
                class="edge"
                class:error=failure_like
                class:selected=move || selected.get()
                class:invalid=move || invalid.get()
                marker-end=format!("url(#arrow-{marker})")
                d=d.clone()
            />
            <path class="edge-hit" d=d on:pointerdown=select/>
            {label}
        </g>
    }
    .into_any()
}

/// A node: on the canvas (hidden while dragged) or, while dragged, in the drag layer.
#[component]
fn NodeView(
    state: EditorState,
    name: String,
    space: RwSignal<bool>,
    lifted: bool,
) -> impl IntoView {
    let workflow = state.workflow;
    let Some(cell) = state.cell(&name) else {
        return ().into_any();
    };
    let node_type = cell.node_type;
    let transform = {
        let at = cell.at.clone();
        move || at.with(|p| format!("translate({},{})", p.x, p.y))
    };
    let hidden = {
        let moving = cell.moving.clone();
        move || !lifted && moving.get()
    };
    let (selected, flag, subtitle) = (cell.selected, cell.flag, cell.subtitle);
    let (invalid, warning) = (flag.clone(), flag);
    let press = {
        let name = name.clone();
        move |ev: PointerEvent| {
            if ev.button() != 0 {
                return;
            }
            let (at, _) = pointer(&state, &ev);
            if space.get_untracked() {
                let pan = Gesture::Pan {
                    client: at.client,
                    view: state.view.get_untracked(),
                };
                begin(&state, &ev, pan);
                return;
            }
            let add = additive(&ev);
            // Pressing a node outside the selection selects it alone (or, with a modifier,
            // adds it); pressing one inside keeps the selection, so the whole group can be
            // dragged, and a modifier-click on it without moving takes it out.
            let was_selected = state.selection.with_untracked(|s| s.has_node(&name));
            if !was_selected {
                if add {
                    state.click(name.clone(), Click::Toggle);
                } else {
                    state.select(Selection::node(name.clone()));
                }
            }
            let click = match (add, was_selected) {
                (false, _) => Click::Only,
                (true, true) => Click::Toggle,
                (true, false) => Click::Keep,
            };
            let nodes = state.selection.with_untracked(Selection::nodes);
            let nodes = if nodes.contains(&name) {
                nodes
            } else {
                vec![name.clone()]
            };
            let g =
                workflow.with_untracked(|w| Gesture::begin_move(w, &name, nodes, at.canvas, click));
            begin(&state, &ev, g);
        }
    };
    let port_owner = name.clone();
    let port = move |kind: EdgeKind| {
        let name = port_owner.clone();
        let anchor = out_port(Point::default(), kind);
        let press = {
            let name = name.clone();
            move |ev: PointerEvent| {
                let (at, _) = pointer(&state, &ev);
                begin(&state, &ev, Gesture::connect(&name, kind, at.canvas));
            }
        };
        let label = match kind {
            EdgeKind::Ok | EdgeKind::Case => "ok",
            EdgeKind::Error | EdgeKind::Default => "error",
        };
        view! {
            // A label, not a <title> element: two fewer DOM nodes per node to build.
            <circle
                class=format!("port {}", kind.id())
                data-testid=(!lifted).then(|| format!("port-{}-{name}", kind.id()))
                aria-label=format!("drag to connect the {label} path of {name}")
                cx=anchor.x
                cy=anchor.y
                r=PORT_R
                on:pointerdown=press
            />
        }
    };
    let outputs = has_outputs(node_type).then(|| (port(EdgeKind::Ok), port(EdgeKind::Error)));
    let in_anchor = in_port(Point::default());
    let label = format!("{} node {name}", node_type.label());
    let testid = if lifted {
        format!("lifted-{name}")
    } else {
        format!("node-{name}")
    };
    view! {
        <g
            class="node"
            class:terminal=!node_type.is_action()
            class:selected=move || selected.get()
            class:invalid=move || invalid.get() == Flag::Error
            class:warning=move || warning.get() == Flag::Warning
            class:lifted=hidden
            data-testid=testid
            data-type=node_type.id()
            role="button"
            aria-label=label
            transform=transform
            on:pointerdown=press
        >
            <rect class="body" width=NODE_W height=NODE_H rx="8"/>
            <text x="14" y="24" font-weight="600">{name.clone()}</text>
            <text class="kind" x="14" y="42">{move || subtitle.get()}</text>
            <circle
                class="port in"
                data-testid=(!lifted).then(|| format!("port-in-{name}"))
                cx=in_anchor.x
                cy=in_anchor.y
                r=PORT_R
            />
            {outputs}
        </g>
    }
    .into_any()
}

/// The whole drawing in miniature with the visible area framed; pressing or dragging on it
/// moves the view there. One `<path>` holds every node, so it stays cheap at 5,000 nodes.
#[component]
pub fn Minimap(state: EditorState) -> impl IntoView {
    const W: f64 = 200.0;
    const H: f64 = 130.0;
    let area = Memo::new(move |_| {
        state
            .workflow
            .with(|w| bounds(w.nodes.iter().map(|n| &n.position)))
            .map(|r| Rect {
                x: r.x - 40.0,
                y: r.y - 40.0,
                w: r.w + 80.0,
                h: r.h + 80.0,
            })
    });
    let scale = move || area.get().map(|a| (W / a.w).min(H / a.h)).unwrap_or(1.0);
    let nodes = move || {
        let Some(a) = area.get() else {
            return String::new();
        };
        let s = (W / a.w).min(H / a.h);
        state.workflow.with(|w| {
            let mut d = String::with_capacity(w.nodes.len() * 24);
            for n in &w.nodes {
                use std::fmt::Write;
                let _ = write!(
                    d,
                    "M{:.1},{:.1}h{:.1}v{:.1}h{:.1}z",
                    (n.position.x - a.x) * s,
                    (n.position.y - a.y) * s,
                    NODE_W * s,
                    NODE_H * s,
                    -NODE_W * s
                );
            }
            d
        })
    };
    let frame = move || {
        let a = area.get()?;
        let s = scale();
        let v = state.view.get().visible(state.size.get());
        Some(Rect {
            x: (v.x - a.x) * s,
            y: (v.y - a.y) * s,
            w: v.w * s,
            h: v.h * s,
        })
    };
    let dragging = RwSignal::new(false);
    let go = move |ev: &PointerEvent| {
        let (Some(a), Some(el)) = (
            area.get_untracked(),
            ev.current_target()
                .and_then(|t| wasm_bindgen::JsCast::dyn_into::<web_sys::Element>(t).ok()),
        ) else {
            return;
        };
        let r = el.get_bounding_client_rect();
        let s = Viewport::scale_to(a, (W, H));
        let p = Point {
            x: a.x + (f64::from(ev.client_x()) - r.left()) / s,
            y: a.y + (f64::from(ev.client_y()) - r.top()) / s,
        };
        let size = state.size.get_untracked();
        state.view.update(|v| *v = v.centred_on(p, size));
    };
    view! {
        <svg class="minimap" data-testid="minimap" width=W height=H role="img"
            aria-label=t("Overview of the whole workflow; press to move there")
            on:pointerdown=move |ev: PointerEvent| {
                ev.stop_propagation();
                dragging.set(true);
                if let Some(el) = ev.current_target().and_then(|t| wasm_bindgen::JsCast::dyn_into::<web_sys::Element>(t).ok()) {
                    let _ = el.set_pointer_capture(ev.pointer_id());
                }
                go(&ev);
            }
            on:pointermove=move |ev: PointerEvent| if dragging.get_untracked() { go(&ev) }
            on:pointerup=move |_| dragging.set(false)
        >
            <path class="minimap-nodes" d=nodes/>
            {move || frame().map(|f| view! {
                <rect class="minimap-frame" data-testid="minimap-frame" x=f.x y=f.y width=f.w.max(2.0) height=f.h.max(2.0)/>
            })}
        </svg>
    }
}

/// Zoom out, the zoom level (a click goes back to 100 %), zoom in, and fit.
#[component]
pub fn ZoomControls(state: EditorState) -> impl IntoView {
    let zoom_by = move |factor: f64| state.zoom_centre(factor);
    let actual = move |_| {
        let factor = 1.0 / state.view.with_untracked(|v| v.zoom);
        state.zoom_centre(factor);
    };
    let percent = move || format!("{:.0} %", state.view.with(|v| v.zoom * 100.0));
    view! {
        <div class="zoom-controls" role="toolbar" aria-label=t("Zoom")>
            <button data-testid="zoom-out" title=t("Zoom out (-)") aria-label=t("Zoom out") on:click=move |_| zoom_by(1.0 / 1.25)>"−"</button>
            <button data-testid="zoom-level" title=t("Back to 100 %") on:click=actual>{percent}</button>
            <button data-testid="zoom-in" title=t("Zoom in (+)") aria-label=t("Zoom in") on:click=move |_| zoom_by(1.25)>"+"</button>
            <button data-testid="fit" title=t("Fit the whole workflow (F)") on:click=move |_| state.fit()>{t("Fit")}</button>
        </div>
    }
}

/// A drawing that is only looked at: a stored version, or two versions compared (see
/// `compare`). Scaled to fit by its view box, so it needs no viewport of its own.
#[component]
pub fn Still(
    comparison: super::compare::Comparison,
    /// Each node's run status, when it shows an instance: the node takes its colour.
    #[prop(optional)]
    status: Option<std::collections::BTreeMap<String, String>>,
) -> impl IntoView {
    let view_box = comparison
        .area
        .map(|a| {
            format!(
                "{} {} {} {}",
                a.x - 40.0,
                a.y - 40.0,
                a.w + 80.0,
                a.h + 80.0
            )
        })
        .unwrap_or_else(|| "0 0 400 200".to_owned());
    let edges = comparison
        .edges
        .into_iter()
        .map(|e| {
            let d = edge_path(out_port(e.from, e.kind), in_port(e.to), e.kind);
            let failure_like = matches!(e.kind, EdgeKind::Error | EdgeKind::Default);
            view! { <path class=format!("edge {}", e.mark.class()) class:error=failure_like d=d/> }
        })
        .collect_view();
    let nodes = comparison
        .nodes
        .into_iter()
        .map(|n| {
            let testid = format!("still-{}", n.name);
            let ran = status.as_ref().and_then(|s| s.get(&n.name)).cloned();
            let class = match &ran {
                Some(s) => format!("node {} s-{s}", n.mark.class()),
                None => format!("node {}", n.mark.class()),
            };
            view! {
                <g class=class class:terminal=!n.node_type.is_action()
                    data-testid=testid data-mark=n.mark.class() data-status=ran
                    transform=format!("translate({},{})", n.at.x, n.at.y)>
                    <rect class="body" width=NODE_W height=NODE_H rx="8"/>
                    <text x="14" y="24" font-weight="600">{n.name}</text>
                    <text class="kind" x="14" y="42">{n.node_type.label().to_lowercase()}</text>
                </g>
            }
        })
        .collect_view();
    view! {
        <svg class="still" viewBox=view_box preserveAspectRatio="xMidYMid meet" role="img"
            aria-label=t("The workflow as drawn in this version")>
            <g class="edges">{edges}</g>
            <g class="nodes">{nodes}</g>
        </svg>
    }
}
