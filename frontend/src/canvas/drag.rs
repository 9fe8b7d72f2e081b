//! The pointer gesture state machine: what a press, a move and a release mean, decided
//! without the DOM. The view feeds it canvas coordinates and applies what it returns.
//!
//! A move never edits the workflow while the pointer is down: it only grows an offset
//! that the view draws the moving nodes with. The release turns the whole drag into one
//! edit, so a drag is one undo step and validation does not run on every frame.

use std::collections::HashSet;

use shared::workflow::{Edge, EdgeKind, NodeType, Point, Workflow};

use super::geometry::{
    Guide, Rect, Viewport, align, connect_target, drop_position, edge_distance, snap,
};

/// The gesture in progress.
#[derive(Debug, Clone, PartialEq, Default)]
pub enum Gesture {
    #[default]
    Idle,
    /// A palette item is being dragged; `client` is the pointer in page coordinates (for the
    /// ghost that follows it); `into` is the edge it would be dropped into.
    Palette {
        node_type: NodeType,
        client: Point,
        into: Option<Edge>,
    },
    /// Nodes are being moved together; `anchor` is the one under the pointer, `start` its
    /// position when pressed and `grab` the pointer's offset from it. `offset` is how far
    /// every moving node is drawn from where it is stored.
    Move {
        anchor: String,
        start: Point,
        grab: Point,
        nodes: Vec<String>,
        offset: Point,
        moved: bool,
        /// What a release without moving does to the selection.
        click: Click,
    },
    /// An edge is being drawn from an output port; `pointer` is where its loose end is,
    /// `target` the node it would connect to and `refusal` why it would not.
    Connect {
        from: String,
        kind: EdgeKind,
        pointer: Point,
        target: Option<String>,
        refusal: Option<String>,
    },
    /// The background is being dragged: the view follows the pointer.
    Pan { client: Point, view: Viewport },
    /// A selection rectangle between two canvas points.
    Band {
        start: Point,
        end: Point,
        additive: bool,
    },
}

/// What a pointer move changed.
#[derive(Debug, Clone, PartialEq)]
pub enum Step {
    Nothing,
    /// Moving nodes are now drawn this far from their stored positions.
    Offset {
        offset: Point,
        guides: Vec<Guide>,
    },
    View(Viewport),
}

/// What a finished gesture asks the editor to do.
#[derive(Debug, Clone, PartialEq)]
pub enum Outcome {
    Nothing,
    /// A new node; `into` is an edge to split with it.
    AddNode {
        node_type: NodeType,
        at: Point,
        into: Option<Edge>,
    },
    /// Move these nodes by `offset` (one edit).
    Moved {
        nodes: Vec<String>,
        offset: Point,
    },
    /// A press and release without movement.
    Click {
        node: String,
        click: Click,
    },
    Connect {
        from: String,
        to: String,
        kind: EdgeKind,
    },
    /// A click on the background.
    Deselect,
    /// Select the nodes touching this rectangle.
    SelectBox {
        area: Rect,
        additive: bool,
    },
    /// The gesture was refused, with the reason to show.
    Refused(String),
}

/// What a click on a node (a press and release without moving) does to the selection.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Click {
    /// Select it alone.
    Only,
    /// Take it out of the selection or put it in (Shift or Ctrl/Cmd on a selected node).
    Toggle,
    /// Leave the selection as the press made it (Shift or Ctrl/Cmd on an unselected node:
    /// the press already added it).
    Keep,
}

/// Pointer travel below which a press on a node is a click, not a drag.
const CLICK_SLOP: f64 = 3.0;
/// How near (canvas units) a palette drop must be to an edge to go into it.
pub const EDGE_DROP: f64 = 12.0;

/// The pointer during a gesture: on the canvas and on the page.
#[derive(Debug, Clone, Copy, PartialEq, Default)]
pub struct Pointer {
    pub canvas: Point,
    pub client: Point,
}

impl Gesture {
    /// Starts moving `nodes` (the selection, which includes `anchor`).
    pub fn begin_move(
        wf: &Workflow,
        anchor: &str,
        nodes: Vec<String>,
        pointer: Point,
        click: Click,
    ) -> Self {
        let start = wf.node(anchor).map(|n| n.position).unwrap_or_default();
        Gesture::Move {
            anchor: anchor.to_owned(),
            start,
            grab: Point {
                x: pointer.x - start.x,
                y: pointer.y - start.y,
            },
            nodes,
            offset: Point::default(),
            moved: false,
            click,
        }
    }

    pub fn connect(from: &str, kind: EdgeKind, pointer: Point) -> Self {
        Gesture::Connect {
            from: from.to_owned(),
            kind,
            pointer,
            target: None,
            refusal: None,
        }
    }

    /// Follows the pointer.
    pub fn pointer_moved(&mut self, at: Pointer, wf: &Workflow) -> Step {
        match self {
            Gesture::Idle => Step::Nothing,
            Gesture::Palette { client, into, .. } => {
                *client = at.client;
                *into = edge_under(wf, at.canvas);
                Step::Nothing
            }
            Gesture::Connect {
                from,
                kind,
                pointer,
                target,
                refusal,
            } => {
                *pointer = at.canvas;
                let hit = connect_target(wf, at.canvas).map(|n| n.name.clone());
                if hit != *target {
                    *refusal = hit.as_deref().and_then(|to| why_not(wf, from, to, *kind));
                    *target = hit;
                }
                Step::Nothing
            }
            Gesture::Pan { client, view } => Step::View(Viewport {
                x: view.x + at.client.x - client.x,
                y: view.y + at.client.y - client.y,
                zoom: view.zoom,
            }),
            Gesture::Band { end, .. } => {
                *end = at.canvas;
                Step::Nothing
            }
            Gesture::Move {
                start,
                grab,
                nodes,
                offset,
                moved,
                ..
            } => {
                let wanted = Point {
                    x: at.canvas.x - grab.x,
                    y: at.canvas.y - grab.y,
                };
                if !*moved
                    && (wanted.x - start.x).abs() < CLICK_SLOP
                    && (wanted.y - start.y).abs() < CLICK_SLOP
                {
                    return Step::Nothing;
                }
                *moved = true;
                let moving: HashSet<&str> = nodes.iter().map(String::as_str).collect();
                let others = wf
                    .nodes
                    .iter()
                    .filter(|n| !moving.contains(n.name.as_str()))
                    .map(|n| n.position);
                // Lining up wins over the grid on the axes where a guide shows.
                let (lined, guides) = align(wanted, others);
                let grid = snap(wanted);
                let x_lined = guides.iter().any(|g| matches!(g, Guide::Vertical { .. }));
                let y_lined = guides.iter().any(|g| matches!(g, Guide::Horizontal { .. }));
                let to = Point {
                    x: if x_lined { lined.x } else { grid.x },
                    y: if y_lined { lined.y } else { grid.y },
                };
                let next = Point {
                    x: to.x - start.x,
                    y: to.y - start.y,
                };
                if next == *offset && guides.is_empty() {
                    return Step::Nothing;
                }
                *offset = next;
                Step::Offset {
                    offset: next,
                    guides,
                }
            }
        }
    }

    /// The pointer was released at `at` (`inside` says whether over the canvas).
    pub fn released(self, at: Pointer, inside: bool, wf: &Workflow) -> Outcome {
        let canvas = at.canvas;
        match self {
            Gesture::Idle => Outcome::Nothing,
            // A press on the background that did not pan is a click on nothing.
            Gesture::Pan { client, .. } => {
                if (at.client.x - client.x).abs() < CLICK_SLOP
                    && (at.client.y - client.y).abs() < CLICK_SLOP
                {
                    Outcome::Deselect
                } else {
                    Outcome::Nothing
                }
            }
            Gesture::Palette { node_type, .. } => {
                if inside {
                    Outcome::AddNode {
                        node_type,
                        at: drop_position(canvas),
                        into: edge_under(wf, canvas),
                    }
                } else {
                    Outcome::Nothing
                }
            }
            Gesture::Move {
                anchor,
                nodes,
                offset,
                moved,
                click,
                ..
            } => {
                if !moved {
                    Outcome::Click {
                        node: anchor,
                        click,
                    }
                } else if offset == Point::default() {
                    Outcome::Nothing
                } else {
                    Outcome::Moved { nodes, offset }
                }
            }
            Gesture::Band {
                start,
                end,
                additive,
            } => Outcome::SelectBox {
                area: Rect::spanning(start, end),
                additive,
            },
            Gesture::Connect { from, kind, .. } => match connect_target(wf, canvas) {
                None => Outcome::Nothing,
                Some(target) => {
                    let to = target.name.clone();
                    match why_not(wf, &from, &to, kind) {
                        Some(why) => Outcome::Refused(why),
                        None => Outcome::Connect { from, to, kind },
                    }
                }
            },
        }
    }
}

/// Why an edge from `from`'s `kind` port to `to` may not be drawn, if it may not (the
/// model's own rule: [`Workflow::check_drawn`]).
pub fn why_not(wf: &Workflow, from: &str, to: &str, kind: EdgeKind) -> Option<String> {
    wf.check_drawn(from, to, kind).err().map(|e| e.to_string())
}

/// The edge a node dropped at `p` would be inserted into: the nearest within
/// [`EDGE_DROP`], unless the pointer is over a node (dropping there means "beside it").
pub fn edge_under(wf: &Workflow, p: Point) -> Option<Edge> {
    if wf
        .nodes
        .iter()
        .any(|n| Rect::node(n.position).intersects(&Rect::spanning(p, p)))
    {
        return None;
    }
    let index = wf.name_index();
    wf.edges
        .iter()
        .filter_map(|e| {
            let a = wf.nodes[*index.get(e.from.as_str())?].position;
            let b = wf.nodes[*index.get(e.to.as_str())?].position;
            // Cheap rejection first: outside the box around both nodes.
            let around = Rect::node(a).union(&Rect::node(b));
            let reach = Rect {
                x: around.x - 120.0,
                y: around.y - 120.0,
                w: around.w + 240.0,
                h: around.h + 240.0,
            };
            if !reach.intersects(&Rect::spanning(p, p)) {
                return None;
            }
            let d = edge_distance(a, b, e.kind, p);
            (d <= EDGE_DROP).then_some((d, e))
        })
        .min_by(|x, y| x.0.total_cmp(&y.0))
        .map(|(_, e)| e.clone())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn p(x: f64, y: f64) -> Point {
        Point { x, y }
    }

    fn at(x: f64, y: f64) -> Pointer {
        Pointer {
            canvas: p(x, y),
            client: p(x + 200.0, y + 50.0),
        }
    }

    use crate::canvas::geometry::tests::two_nodes as wf;

    /// Pressing shell-1 alone at `grab` to move it.
    fn move_shell_1(w: &Workflow, grab: Point) -> Gesture {
        Gesture::begin_move(w, "shell-1", vec!["shell-1".into()], grab, Click::Only)
    }

    #[test]
    fn palette_drop_inside_adds_a_centred_node_and_can_split_an_edge() {
        let mut w = wf();
        let mut g = Gesture::Palette {
            node_type: NodeType::Action("shell"),
            client: p(0.0, 0.0),
            into: None,
        };
        g.pointer_moved(at(400.0, 300.0), &w);
        assert!(
            matches!(&g, Gesture::Palette { client, into: None, .. } if *client == p(600.0, 350.0))
        );
        assert_eq!(
            g.clone().released(at(400.0, 300.0), true, &w),
            Outcome::AddNode {
                node_type: NodeType::Action("shell"),
                at: p(320.0, 272.0),
                into: None,
            }
        );
        assert_eq!(g.released(at(-5.0, 0.0), false, &w), Outcome::Nothing);

        // On the ok edge between the two nodes (from (168, 28) to (300, 28)).
        w.connect("shell-1", "shell-2", EdgeKind::Ok).unwrap();
        let mut g = Gesture::Palette {
            node_type: NodeType::Action("shell"),
            client: p(0.0, 0.0),
            into: None,
        };
        g.pointer_moved(at(234.0, 30.0), &w);
        let edge = Edge::new("shell-1", "shell-2", EdgeKind::Ok);
        assert!(matches!(&g, Gesture::Palette { into: Some(e), .. } if *e == edge));
        assert!(matches!(
            g.released(at(234.0, 30.0), true, &w),
            Outcome::AddNode { into: Some(e), .. } if e == edge
        ));
    }

    #[test]
    fn a_press_without_travel_is_a_click() {
        let w = wf();
        let mut g = Gesture::begin_move(
            &w,
            "shell-1",
            vec!["shell-1".into()],
            p(10.0, 10.0),
            Click::Toggle,
        );
        assert_eq!(g.pointer_moved(at(11.0, 11.0), &w), Step::Nothing);
        assert_eq!(
            g.released(at(11.0, 11.0), true, &w),
            Outcome::Click {
                node: "shell-1".into(),
                click: Click::Toggle
            }
        );
    }

    #[test]
    fn moving_keeps_the_grab_offset_snaps_and_moves_the_whole_selection() {
        let w = wf();
        let both = vec!["shell-1".to_owned(), "shell-2".to_owned()];
        let mut g = Gesture::begin_move(&w, "shell-1", both.clone(), p(10.0, 10.0), Click::Only);
        let step = g.pointer_moved(at(111.0, 159.0), &w);
        assert_eq!(
            step,
            Step::Offset {
                offset: p(104.0, 152.0),
                guides: vec![]
            }
        );
        assert_eq!(
            g.released(at(111.0, 159.0), true, &w),
            Outcome::Moved {
                nodes: both,
                offset: p(104.0, 152.0)
            }
        );
    }

    #[test]
    fn a_moving_node_lines_up_with_a_standing_one() {
        let w = wf();
        let mut g = move_shell_1(&w, p(10.0, 10.0));
        // Dragged to about 296, 200: within the slack of shell-2's left edge at 300.
        match g.pointer_moved(at(306.0, 210.0), &w) {
            Step::Offset { offset, guides } => {
                assert_eq!(offset, p(300.0, 200.0));
                assert!(matches!(guides[..], [Guide::Vertical { x, .. }] if x == 300.0));
            }
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn a_guide_beats_the_grid_on_its_axis() {
        let w = wf();
        let mut g = move_shell_1(&w, p(0.0, 0.0));
        // 5 px below shell-2's row: the grid alone would say 8, the guide says 0. Across,
        // nothing lines up, so x stays on the grid.
        match g.pointer_moved(at(603.0, 5.0), &w) {
            Step::Offset { offset, guides } => {
                assert_eq!(offset, p(600.0, 0.0));
                assert!(matches!(guides[..], [Guide::Horizontal { y, .. }] if y == 0.0));
            }
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn panning_follows_the_pointer_on_the_page() {
        let w = wf();
        let mut g = Gesture::Pan {
            client: p(100.0, 100.0),
            view: Viewport::default(),
        };
        let moved = g.pointer_moved(
            Pointer {
                canvas: p(0.0, 0.0),
                client: p(130.0, 90.0),
            },
            &w,
        );
        assert_eq!(
            moved,
            Step::View(Viewport {
                x: 30.0,
                y: -10.0,
                zoom: 1.0
            })
        );
        // Pressed and released in place: a click on the background.
        let still = Pointer {
            canvas: p(0.0, 0.0),
            client: p(101.0, 100.0),
        };
        assert_eq!(g.released(still, true, &w), Outcome::Deselect);
    }

    #[test]
    fn a_band_selects_the_rectangle_between_press_and_release() {
        let w = wf();
        let mut g = Gesture::Band {
            start: p(400.0, 100.0),
            end: p(400.0, 100.0),
            additive: false,
        };
        g.pointer_moved(at(-10.0, -10.0), &w);
        assert_eq!(
            g.released(at(-10.0, -10.0), true, &w),
            Outcome::SelectBox {
                area: Rect {
                    x: -10.0,
                    y: -10.0,
                    w: 410.0,
                    h: 110.0
                },
                additive: false
            }
        );
    }

    #[test]
    fn connecting_refuses_self_loops_duplicates_and_cycles_while_dragging() {
        let mut w = wf();
        let start = |from: &str| Gesture::connect(from, EdgeKind::Ok, p(168.0, 28.0));
        assert_eq!(
            start("shell-1").released(at(300.0, 28.0), true, &w),
            Outcome::Connect {
                from: "shell-1".into(),
                to: "shell-2".into(),
                kind: EdgeKind::Ok
            }
        );
        assert!(matches!(
            start("shell-1").released(at(50.0, 28.0), true, &w),
            Outcome::Refused(_)
        ));
        assert_eq!(
            start("shell-1").released(at(250.0, 300.0), true, &w),
            Outcome::Nothing
        );
        w.connect("shell-1", "shell-2", EdgeKind::Ok).unwrap();
        assert!(matches!(
            start("shell-1").released(at(300.0, 28.0), true, &w),
            Outcome::Refused(_)
        ));
        // Hovering shell-1 while drawing from shell-2 says why before the release.
        let mut g = start("shell-2");
        g.pointer_moved(at(20.0, 28.0), &w);
        match &g {
            Gesture::Connect {
                target: Some(t),
                refusal: Some(why),
                ..
            } => {
                assert_eq!(t, "shell-1");
                assert!(why.contains("loop"), "{why}");
            }
            other => panic!("{other:?}"),
        }
        assert!(matches!(
            g.released(at(20.0, 28.0), true, &w),
            Outcome::Refused(_)
        ));
    }
}
