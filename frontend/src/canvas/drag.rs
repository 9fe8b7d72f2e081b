//! The pointer gesture state machine: what a press, a move and a release mean, decided
//! without the DOM. The view feeds it canvas coordinates and applies what it returns.

use shared::workflow::{EdgeKind, NodeType, Point, Workflow};

use super::geometry::{connect_target, drop_position, snap};

/// The gesture in progress.
#[derive(Debug, Clone, PartialEq, Default)]
pub enum Gesture {
    #[default]
    Idle,
    /// A palette item is being dragged; `client` is the pointer in page coordinates (for the
    /// ghost that follows it).
    Palette { node_type: NodeType, client: Point },
    /// A node is being moved; `grab` is the pointer's offset from the node's top-left.
    Move {
        node: String,
        grab: Point,
        moved: bool,
    },
    /// An edge is being drawn from an output port; `pointer` is where its loose end is.
    Connect {
        from: String,
        kind: EdgeKind,
        pointer: Point,
    },
}

/// What a finished gesture asks the editor to do.
#[derive(Debug, Clone, PartialEq)]
pub enum Outcome {
    Nothing,
    AddNode {
        node_type: NodeType,
        at: Point,
    },
    /// A move ended; the node is already at its final place (moves apply live).
    Moved {
        node: String,
    },
    /// A press and release without movement: select the node.
    Select {
        node: String,
    },
    Connect {
        from: String,
        to: String,
        kind: EdgeKind,
    },
    /// The gesture was refused, with the reason to show.
    Refused(String),
}

/// Pointer travel below which a press on a node is a click, not a drag.
const CLICK_SLOP: f64 = 3.0;

impl Gesture {
    pub fn begin_move(node: &str, pointer: Point, node_pos: Point) -> Self {
        Gesture::Move {
            node: node.to_owned(),
            grab: Point {
                x: pointer.x - node_pos.x,
                y: pointer.y - node_pos.y,
            },
            moved: false,
        }
    }

    /// A pointer move. For a node move, returns the node's new (snapped) position.
    pub fn pointer_moved(
        &mut self,
        canvas: Point,
        client: Point,
        current: Option<Point>,
    ) -> Option<(String, Point)> {
        match self {
            Gesture::Idle => None,
            Gesture::Palette { client: c, .. } => {
                *c = client;
                None
            }
            Gesture::Connect { pointer, .. } => {
                *pointer = canvas;
                None
            }
            Gesture::Move { node, grab, moved } => {
                let target = snap(Point {
                    x: canvas.x - grab.x,
                    y: canvas.y - grab.y,
                });
                let current = current?;
                if !*moved
                    && (target.x - current.x).abs() < CLICK_SLOP
                    && (target.y - current.y).abs() < CLICK_SLOP
                {
                    return None;
                }
                *moved = true;
                (target != current).then(|| (node.clone(), target))
            }
        }
    }

    /// The pointer was released at `canvas` (`inside` says whether over the canvas).
    pub fn released(self, canvas: Point, inside: bool, wf: &Workflow) -> Outcome {
        match self {
            Gesture::Idle => Outcome::Nothing,
            Gesture::Palette { node_type, .. } => {
                if inside {
                    Outcome::AddNode {
                        node_type,
                        at: drop_position(canvas),
                    }
                } else {
                    Outcome::Nothing
                }
            }
            Gesture::Move { node, moved, .. } => {
                if moved {
                    Outcome::Moved { node }
                } else {
                    Outcome::Select { node }
                }
            }
            Gesture::Connect { from, kind, .. } => match connect_target(wf, canvas) {
                None => Outcome::Nothing,
                Some(target) if target.name == from => {
                    Outcome::Refused(format!("'{from}' cannot lead to itself"))
                }
                Some(target) => {
                    let to = target.name.clone();
                    let drawn = wf
                        .node(&from)
                        .map_or(kind, |n| kind.for_port(n.kind.node_type()));
                    if wf
                        .edges
                        .iter()
                        .any(|e| e.from == from && e.to == to && e.kind == drawn)
                    {
                        Outcome::Refused(format!(
                            "'{from}' already has an {} edge to '{to}'",
                            drawn.id()
                        ))
                    } else {
                        Outcome::Connect { from, to, kind }
                    }
                }
            },
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn p(x: f64, y: f64) -> Point {
        Point { x, y }
    }

    use crate::canvas::geometry::tests::two_nodes as wf;

    #[test]
    fn palette_drop_inside_adds_a_centered_node() {
        let mut g = Gesture::Palette {
            node_type: NodeType::Action("shell"),
            client: p(0.0, 0.0),
        };
        g.pointer_moved(p(400.0, 300.0), p(600.0, 350.0), None);
        assert_eq!(
            g,
            Gesture::Palette {
                node_type: NodeType::Action("shell"),
                client: p(600.0, 350.0)
            }
        );
        assert_eq!(
            g.clone().released(p(400.0, 300.0), true, &wf()),
            Outcome::AddNode {
                node_type: NodeType::Action("shell"),
                at: p(320.0, 272.0)
            }
        );
        assert_eq!(g.released(p(-5.0, 0.0), false, &wf()), Outcome::Nothing);
    }

    #[test]
    fn a_press_without_travel_selects() {
        let g = Gesture::begin_move("shell-1", p(10.0, 10.0), p(0.0, 0.0));
        let mut moving = g.clone();
        assert_eq!(
            moving.pointer_moved(p(11.0, 11.0), p(0.0, 0.0), Some(p(0.0, 0.0))),
            None
        );
        assert_eq!(
            moving.released(p(11.0, 11.0), true, &wf()),
            Outcome::Select {
                node: "shell-1".into()
            }
        );
    }

    #[test]
    fn moving_keeps_the_grab_offset_and_snaps() {
        let mut g = Gesture::begin_move("shell-1", p(10.0, 10.0), p(0.0, 0.0));
        let step = g.pointer_moved(p(111.0, 59.0), p(0.0, 0.0), Some(p(0.0, 0.0)));
        assert_eq!(step, Some(("shell-1".into(), p(104.0, 48.0))));
        assert_eq!(
            g.released(p(111.0, 59.0), true, &wf()),
            Outcome::Moved {
                node: "shell-1".into()
            }
        );
    }

    #[test]
    fn connecting_hits_nodes_and_refuses_self_loops_and_duplicates() {
        let mut w = wf();
        let start = || Gesture::Connect {
            from: "shell-1".into(),
            kind: EdgeKind::Ok,
            pointer: p(168.0, 28.0),
        };
        assert_eq!(
            start().released(p(300.0, 28.0), true, &w),
            Outcome::Connect {
                from: "shell-1".into(),
                to: "shell-2".into(),
                kind: EdgeKind::Ok
            }
        );
        assert!(matches!(
            start().released(p(50.0, 28.0), true, &w),
            Outcome::Refused(_)
        ));
        assert_eq!(
            start().released(p(250.0, 300.0), true, &w),
            Outcome::Nothing
        );
        w.connect("shell-1", "shell-2", EdgeKind::Ok).unwrap();
        assert!(matches!(
            start().released(p(300.0, 28.0), true, &w),
            Outcome::Refused(_)
        ));
    }
}
