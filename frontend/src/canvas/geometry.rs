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

/// The cubic Bézier an edge is drawn with, from an output port to an input port: leaving
/// in the port's direction (right for ok, down for error) and arriving from the left. A
/// backward edge (target left of source) keeps its handles short so the loop stays near
/// the two nodes instead of swinging across the canvas. Start, two handles, end.
fn curve(from: Point, to: Point, kind: EdgeKind) -> [Point; 4] {
    let forward = to.x >= from.x;
    let reach = if forward {
        ((to.x - from.x) / 2.0).max(48.0)
    } else {
        64.0
    };
    let c1 = match kind {
        EdgeKind::Ok | EdgeKind::Case => Point {
            x: from.x + reach,
            y: from.y,
        },
        EdgeKind::Error | EdgeKind::Default => Point {
            x: from.x,
            y: from.y + reach.min(96.0),
        },
    };
    let c2 = Point {
        x: to.x - reach,
        y: to.y,
    };
    [from, c1, c2, to]
}

/// The SVG path of an edge's [`curve`].
pub fn edge_path(from: Point, to: Point, kind: EdgeKind) -> String {
    let [a, b, c, d] = curve(from, to, kind);
    format!(
        "M{:.1},{:.1} C{:.1},{:.1} {:.1},{:.1} {:.1},{:.1}",
        a.x, a.y, b.x, b.y, c.x, c.y, d.x, d.y
    )
}

/// Whether a node type is drawn with output ports.
pub fn has_outputs(node_type: NodeType) -> bool {
    node_type.has_outputs()
}

/// An axis-aligned box in canvas coordinates.
#[derive(Debug, Clone, Copy, PartialEq, Default)]
pub struct Rect {
    pub x: f64,
    pub y: f64,
    pub w: f64,
    pub h: f64,
}

impl Rect {
    /// The box spanned by two corners in any order (a rubber band).
    pub fn spanning(a: Point, b: Point) -> Rect {
        Rect {
            x: a.x.min(b.x),
            y: a.y.min(b.y),
            w: (a.x - b.x).abs(),
            h: (a.y - b.y).abs(),
        }
    }

    pub fn node(pos: Point) -> Rect {
        Rect {
            x: pos.x,
            y: pos.y,
            w: NODE_W,
            h: NODE_H,
        }
    }

    pub fn contains(&self, o: &Rect) -> bool {
        o.x >= self.x
            && o.y >= self.y
            && o.x + o.w <= self.x + self.w
            && o.y + o.h <= self.y + self.h
    }

    pub fn intersects(&self, o: &Rect) -> bool {
        self.x < o.x + o.w && o.x < self.x + self.w && self.y < o.y + o.h && o.y < self.y + self.h
    }

    pub fn union(&self, o: &Rect) -> Rect {
        let x = self.x.min(o.x);
        let y = self.y.min(o.y);
        Rect {
            x,
            y,
            w: (self.x + self.w).max(o.x + o.w) - x,
            h: (self.y + self.h).max(o.y + o.h) - y,
        }
    }
}

/// The box around every node, if there is any node.
pub fn bounds<'a>(positions: impl IntoIterator<Item = &'a Point>) -> Option<Rect> {
    positions
        .into_iter()
        .map(|p| Rect::node(*p))
        .reduce(|a, b| a.union(&b))
}

pub const MIN_ZOOM: f64 = 0.05;
pub const MAX_ZOOM: f64 = 3.0;

/// What part of the canvas the screen shows: a canvas point `p` is drawn at
/// `p * zoom + (x, y)` in the canvas element's own pixels.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Viewport {
    pub x: f64,
    pub y: f64,
    pub zoom: f64,
}

impl Default for Viewport {
    fn default() -> Self {
        Viewport {
            x: 0.0,
            y: 0.0,
            zoom: 1.0,
        }
    }
}

impl Viewport {
    /// Below this zoom text is a few pixels high and ports a dot: the canvas leaves out
    /// text, ports and arrowheads, which is most of what it costs Chromium to paint a
    /// large drawing seen whole.
    pub const DETAIL: f64 = 0.4;

    pub fn detailed(self) -> bool {
        self.zoom >= Self::DETAIL
    }

    pub fn to_canvas(self, screen: Point) -> Point {
        Point {
            x: (screen.x - self.x) / self.zoom,
            y: (screen.y - self.y) / self.zoom,
        }
    }

    #[cfg(test)]
    pub fn to_screen(self, p: Point) -> Point {
        Point {
            x: p.x * self.zoom + self.x,
            y: p.y * self.zoom + self.y,
        }
    }

    /// Zooms by `factor` keeping the canvas point under `screen` where it is (the pointer
    /// for the wheel and pinch, the centre for the buttons).
    pub fn zoom_at(&self, screen: Point, factor: f64) -> Viewport {
        let zoom = (self.zoom * factor).clamp(MIN_ZOOM, MAX_ZOOM);
        let anchor = self.to_canvas(screen);
        Viewport {
            x: screen.x - anchor.x * zoom,
            y: screen.y - anchor.y * zoom,
            zoom,
        }
    }

    /// Shows all of `area` centred in a screen of `size`, with `margin` pixels around it,
    /// never magnified beyond 1:1 (a three-node drawing should not fill the screen).
    pub fn fit(area: Rect, size: (f64, f64), margin: f64) -> Viewport {
        let (w, h) = size;
        let zoom = ((w - 2.0 * margin) / area.w.max(1.0))
            .min((h - 2.0 * margin) / area.h.max(1.0))
            .clamp(MIN_ZOOM, 1.0);
        Viewport {
            x: (w - area.w * zoom) / 2.0 - area.x * zoom,
            y: (h - area.h * zoom) / 2.0 - area.y * zoom,
            zoom,
        }
    }

    /// The scale that shows all of `area` within `size` (the minimap's).
    pub fn scale_to(area: Rect, size: (f64, f64)) -> f64 {
        (size.0 / area.w.max(1.0)).min(size.1 / area.h.max(1.0))
    }

    /// Centres the screen on a canvas point at the current zoom.
    pub fn centred_on(&self, p: Point, size: (f64, f64)) -> Viewport {
        Viewport {
            x: size.0 / 2.0 - p.x * self.zoom,
            y: size.1 / 2.0 - p.y * self.zoom,
            zoom: self.zoom,
        }
    }

    /// The canvas area on screen.
    pub fn visible(&self, size: (f64, f64)) -> Rect {
        let tl = self.to_canvas(Point::default());
        Rect {
            x: tl.x,
            y: tl.y,
            w: size.0 / self.zoom,
            h: size.1 / self.zoom,
        }
    }
}

/// A guide line drawn while a node lines up with another: vertical at `x` or horizontal
/// at `y`, spanning `from..to` on the other axis.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Guide {
    Vertical { x: f64, from: f64, to: f64 },
    Horizontal { y: f64, from: f64, to: f64 },
}

/// How close (canvas units) an edge or centre must come to another's to line up with it.
pub const ALIGN_SLACK: f64 = 6.0;

/// Lines a moving node's box up with the other nodes: if its left edge, centre or right
/// edge comes within [`ALIGN_SLACK`] of another node's, it moves onto it (and the same for
/// top, middle, bottom). Returns the adjusted top-left and the guides to draw. Only the
/// closest match on each axis counts, so the node never jumps between two candidates.
pub fn align(moving: Point, others: impl IntoIterator<Item = Point>) -> (Point, Vec<Guide>) {
    let lines = |v: f64, size: f64| [v, v + size / 2.0, v + size];
    let mine_x = lines(moving.x, NODE_W);
    let mine_y = lines(moving.y, NODE_H);
    // (distance, shift, line, other's position)
    let mut best_x: Option<(f64, f64, f64, Point)> = None;
    let mut best_y: Option<(f64, f64, f64, Point)> = None;
    for other in others {
        for (mine, theirs) in mine_x.iter().zip(lines(other.x, NODE_W)) {
            let d = (theirs - mine).abs();
            if d <= ALIGN_SLACK && best_x.is_none_or(|b| d < b.0) {
                best_x = Some((d, theirs - mine, theirs, other));
            }
        }
        for (mine, theirs) in mine_y.iter().zip(lines(other.y, NODE_H)) {
            let d = (theirs - mine).abs();
            if d <= ALIGN_SLACK && best_y.is_none_or(|b| d < b.0) {
                best_y = Some((d, theirs - mine, theirs, other));
            }
        }
    }
    let mut at = moving;
    let mut guides = Vec::new();
    if let Some((_, shift, x, other)) = best_x {
        at.x += shift;
        let (a, b) = (at.y.min(other.y), (at.y + NODE_H).max(other.y + NODE_H));
        guides.push(Guide::Vertical { x, from: a, to: b });
    }
    if let Some((_, shift, y, other)) = best_y {
        at.y += shift;
        let (a, b) = (at.x.min(other.x), (at.x + NODE_W).max(other.x + NODE_W));
        guides.push(Guide::Horizontal { y, from: a, to: b });
    }
    (at, guides)
}

/// A point on an edge's [`curve`], `t` in 0..=1.
fn edge_point(from: Point, to: Point, kind: EdgeKind, t: f64) -> Point {
    let [p0, p1, p2, p3] = curve(from, to, kind);
    let u = 1.0 - t;
    let (a, b, c, d) = (u * u * u, 3.0 * u * u * t, 3.0 * u * t * t, t * t * t);
    Point {
        x: a * p0.x + b * p1.x + c * p2.x + d * p3.x,
        y: a * p0.y + b * p1.y + c * p2.y + d * p3.y,
    }
}

/// How far `p` is from an edge drawn between two node positions (sampled along the curve,
/// which is plenty for a hit test with a tolerance of several pixels).
pub fn edge_distance(from_node: Point, to_node: Point, kind: EdgeKind, p: Point) -> f64 {
    let (a, b) = (out_port(from_node, kind), in_port(to_node));
    (0..=32)
        .map(|i| distance(edge_point(a, b, kind, f64::from(i) / 32.0), p))
        .fold(f64::INFINITY, f64::min)
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
    fn viewport_round_trips_and_zooms_about_the_pointer() {
        let v = Viewport {
            x: 100.0,
            y: 50.0,
            zoom: 2.0,
        };
        let c = p(10.0, 20.0);
        assert_eq!(v.to_canvas(v.to_screen(c)), c);
        let screen = p(300.0, 200.0);
        let under = v.to_canvas(screen);
        let z = v.zoom_at(screen, 0.5);
        assert_eq!(z.zoom, 1.0);
        assert_eq!(z.to_canvas(screen), under);
        assert_eq!(v.zoom_at(screen, 100.0).zoom, MAX_ZOOM);
    }

    #[test]
    fn fit_shows_everything_centred_and_never_magnifies() {
        let area = Rect {
            x: 0.0,
            y: 0.0,
            w: 2000.0,
            h: 500.0,
        };
        let v = Viewport::fit(area, (1000.0, 600.0), 0.0);
        assert_eq!(v.zoom, 0.5);
        assert_eq!(v.to_screen(p(0.0, 0.0)), p(0.0, 175.0));
        assert_eq!(v.to_screen(p(2000.0, 500.0)), p(1000.0, 425.0));
        let small = Rect {
            x: 10.0,
            y: 10.0,
            w: 100.0,
            h: 100.0,
        };
        assert_eq!(Viewport::fit(small, (1000.0, 600.0), 40.0).zoom, 1.0);
    }

    #[test]
    fn alignment_snaps_to_the_nearest_line_and_draws_a_guide() {
        let others = [p(0.0, 0.0), p(500.0, 300.0)];
        // 4 px right of the first node's column, far from everything vertically.
        let (at, guides) = align(p(4.0, 200.0), others);
        assert_eq!(at, p(0.0, 200.0));
        assert_eq!(
            guides,
            vec![Guide::Vertical {
                x: 0.0,
                from: 0.0,
                to: 256.0
            }]
        );
        // Centres line up: 500 + 84 = 584 against 503 + 84.
        let (at, guides) = align(p(503.0, 100.0), others);
        assert_eq!(at.x, 500.0);
        assert_eq!(guides.len(), 1);
        // Nothing near: unchanged.
        assert_eq!(align(p(250.0, 150.0), others), (p(250.0, 150.0), vec![]));
    }

    #[test]
    fn edges_are_hit_along_their_curve() {
        let (a, b) = (p(0.0, 0.0), p(400.0, 0.0));
        // The ok edge runs from (168, 28) to (400, 28).
        assert!(edge_distance(a, b, EdgeKind::Ok, p(284.0, 30.0)) < 3.0);
        assert!(edge_distance(a, b, EdgeKind::Ok, p(284.0, 80.0)) > 40.0);
    }

    #[test]
    fn boxes_intersect_and_bound() {
        let band = Rect::spanning(p(200.0, 100.0), p(-10.0, -10.0));
        assert_eq!(band.x, -10.0);
        assert!(band.intersects(&Rect::node(p(150.0, 60.0))));
        assert!(!band.intersects(&Rect::node(p(201.0, 0.0))));
        let b = bounds(&[p(0.0, 0.0), p(300.0, 100.0)]).unwrap();
        assert_eq!((b.w, b.h), (468.0, 156.0));
        assert!(band.contains(&Rect::node(p(0.0, 0.0))));
        assert!(!band.contains(&Rect::node(p(150.0, 60.0))));
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
