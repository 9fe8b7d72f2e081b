//! Where things are on the canvas: node boxes, ports, edge curves, hit-testing, snapping.
//! Positions are canvas coordinates (pixels at zoom 1); a node's position is its top-left.

use shared::workflow::{EdgeKind, Node, NodeType, Point, Workflow};

pub const NODE_W: f64 = 168.0;
pub const NODE_H: f64 = 56.0;
pub const PORT_R: f64 = 7.0;
/// How close (in pixels) a drop must land to a port to hit it.
pub const PORT_HIT: f64 = 16.0;
pub const GRID: f64 = 8.0;

pub fn snap(p: Point) -> Point {
    Point {
        x: (p.x / GRID).round() * GRID,
        y: (p.y / GRID).round() * GRID,
    }
}

/// The top-left that centers a new node on the pointer, on the grid.
pub fn drop_position(pointer: Point) -> Point {
    snap(Point {
        x: pointer.x - NODE_W / 2.0,
        y: pointer.y - NODE_H / 2.0,
    })
}

pub fn in_port(pos: Point) -> Point {
    Point {
        x: pos.x,
        y: pos.y + NODE_H / 2.0,
    }
}

/// A decision's cases leave from the success port, its default from the failure port.
pub fn out_port(pos: Point, kind: EdgeKind) -> Point {
    match kind {
        EdgeKind::Ok | EdgeKind::Case => Point {
            x: pos.x + NODE_W,
            y: pos.y + NODE_H / 2.0,
        },
        EdgeKind::Error | EdgeKind::Default => Point {
            x: pos.x + NODE_W / 2.0,
            y: pos.y + NODE_H,
        },
    }
}

fn contains(pos: Point, p: Point, margin: f64) -> bool {
    p.x >= pos.x - margin
        && p.x <= pos.x + NODE_W + margin
        && p.y >= pos.y - margin
        && p.y <= pos.y + NODE_H + margin
}

fn distance(a: Point, b: Point) -> f64 {
    (a.x - b.x).hypot(a.y - b.y)
}

/// Where an edge dragged to `p` would connect: a node whose input port is near `p`, or whose
/// box contains it (dropping anywhere on a node is easier than hitting a 14-pixel port).
pub fn connect_target(wf: &Workflow, p: Point) -> Option<&Node> {
    wf.nodes
        .iter()
        .rev()
        .find(|n| distance(in_port(n.position), p) <= PORT_HIT)
        .or_else(|| {
            wf.nodes
                .iter()
                .rev()
                .find(|n| contains(n.position, p, PORT_R))
        })
}

/// An SVG path from an output port to an input port: a cubic curve leaving in the port's
/// direction (right for ok, down for error) and arriving from the left. A backward edge
/// (target left of source) keeps its handles short so the loop stays near the two nodes
/// instead of swinging across the canvas.
pub fn edge_path(from: Point, to: Point, kind: EdgeKind) -> String {
    let forward = to.x >= from.x;
    let reach = if forward {
        ((to.x - from.x) / 2.0).max(48.0)
    } else {
        64.0
    };
    let (c1x, c1y) = match kind {
        EdgeKind::Ok | EdgeKind::Case => (from.x + reach, from.y),
        EdgeKind::Error | EdgeKind::Default => (from.x, from.y + reach.min(96.0)),
    };
    format!(
        "M{:.1},{:.1} C{:.1},{:.1} {:.1},{:.1} {:.1},{:.1}",
        from.x,
        from.y,
        c1x,
        c1y,
        to.x - reach,
        to.y,
        to.x,
        to.y
    )
}

/// Whether a node type is drawn with output ports.
pub fn has_outputs(node_type: NodeType) -> bool {
    node_type.has_outputs()
}

#[cfg(test)]
pub(super) mod tests {
    use super::*;
    use shared::workflow::NodeType;

    fn p(x: f64, y: f64) -> Point {
        Point { x, y }
    }

    /// Two shell actions, `shell-1` at (0, 0) and `shell-2` at (300, 0).
    pub(in crate::canvas) fn two_nodes() -> Workflow {
        let mut wf = Workflow::new("g");
        wf.add_node(NodeType::Action("shell"), p(0.0, 0.0));
        wf.add_node(NodeType::Action("shell"), p(300.0, 0.0));
        wf
    }

    #[test]
    fn snapping_and_drop_centering() {
        assert_eq!(snap(p(3.9, 4.1)), p(0.0, 8.0));
        assert_eq!(drop_position(p(400.0, 300.0)), p(320.0, 272.0));
    }

    #[test]
    fn ports_sit_on_the_box() {
        let pos = p(10.0, 20.0);
        assert_eq!(in_port(pos), p(10.0, 48.0));
        assert_eq!(out_port(pos, EdgeKind::Ok), p(178.0, 48.0));
        assert_eq!(out_port(pos, EdgeKind::Error), p(94.0, 76.0));
    }

    #[test]
    fn connect_target_accepts_port_or_box() {
        let wf = two_nodes();
        // Just left of the second node's input port.
        assert_eq!(connect_target(&wf, p(288.0, 28.0)).unwrap().name, "shell-2");
        // Anywhere on its box.
        assert_eq!(connect_target(&wf, p(400.0, 50.0)).unwrap().name, "shell-2");
        assert!(connect_target(&wf, p(230.0, 200.0)).is_none());
    }

    #[test]
    fn edge_paths_start_and_end_on_the_ports() {
        let d = edge_path(p(0.0, 0.0), p(200.0, 50.0), EdgeKind::Ok);
        assert!(d.starts_with("M0.0,0.0 C100.0,0.0"), "{d}");
        assert!(d.ends_with("200.0,50.0"), "{d}");
        let d = edge_path(p(0.0, 0.0), p(10.0, 200.0), EdgeKind::Error);
        assert!(d.starts_with("M0.0,0.0 C0.0,48.0"), "{d}");
        // Backward: the handles stay within 64 px of the ports.
        let d = edge_path(p(500.0, 0.0), p(0.0, 0.0), EdgeKind::Ok);
        assert_eq!(d, "M500.0,0.0 C564.0,0.0 -64.0,0.0 0.0,0.0");
    }
}
