//! Layered ("Sugiyama") layout of a workflow drawing: the designer's Auto-layout button and
//! the positions of an imported app, which has none in its XML.
//!
//! The steps are the textbook ones, each chosen for being predictable on workflow shapes
//! (long chains, wide fans, error paths to a few kill nodes):
//! 1. cycles are broken by reversing the back edges of a depth-first walk in node order,
//!    so a drawing that is not yet valid still lays out;
//! 2. layers by longest path from the entries, with the `end` nodes pulled to the last
//!    layer, where users expect them;
//! 3. edges longer than one layer get a chain of virtual nodes, so they take part in
//!    crossing reduction and keep a lane free;
//! 4. order within layers by alternating median/barycenter sweeps, keeping the order with
//!    the fewest crossings seen (counted exactly, Barth–Jünger–Mutzel with a Fenwick tree);
//! 5. positions across a layer pulled towards the neighbours' average, without overlap.
//!
//! Deterministic: the same graph always lands on the same positions.

use super::{NodeKind, Point, Workflow};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Direction {
    /// Layers are columns: the flow reads left to right.
    #[default]
    LeftToRight,
    /// Layers are rows: the flow reads top to bottom.
    TopToBottom,
}

#[derive(Debug, Clone, Copy, PartialEq)]
pub struct LayoutOptions {
    pub direction: Direction,
    /// Node box size (width, height) in canvas units.
    pub node: (f64, f64),
    /// Free space between consecutive layers.
    pub layer_gap: f64,
    /// Free space between neighbours within a layer.
    pub node_gap: f64,
    /// Where the drawing's top-left corner goes.
    pub origin: Point,
}

impl Default for LayoutOptions {
    fn default() -> Self {
        LayoutOptions {
            direction: Direction::LeftToRight,
            node: (168.0, 56.0),
            layer_gap: 96.0,
            node_gap: 32.0,
            origin: Point { x: 40.0, y: 40.0 },
        }
    }
}

/// Sweeps of crossing reduction; more rarely helps on workflow-shaped graphs.
const SWEEPS: usize = 12;

/// Gives every node a position. Returns the number of edge crossings between adjacent
/// layers in the result (virtual nodes included), which tests and the bench report.
pub fn layout(wf: &mut Workflow, options: &LayoutOptions) -> usize {
    let n = wf.nodes.len();
    if n == 0 {
        return 0;
    }
    let index = wf.name_index();
    let mut edges: Vec<(usize, usize)> = wf
        .edge_ends(&index)
        .filter_map(|(a, b)| Some((a?, b?)))
        .filter(|(a, b)| a != b)
        .collect();
    crate::order::sort(&mut edges);
    edges.dedup();
    let is_end: Vec<bool> = wf.nodes.iter().map(|n| n.kind == NodeKind::End).collect();
    let edges = break_cycles(n, &edges);
    let layer = layers(n, &edges, &is_end);
    let mut graph = Layered::new(n, &layer, &edges);
    let crossings = graph.order();
    let across = graph.place(options);

    let (w, h) = options.node;
    let along_step = match options.direction {
        Direction::LeftToRight => w + options.layer_gap,
        Direction::TopToBottom => h + options.layer_gap,
    };
    let min_across = across[..n].iter().copied().fold(f64::INFINITY, f64::min);
    for (v, node) in wf.nodes.iter_mut().enumerate() {
        let along = layer[v] as f64 * along_step;
        let side = across[v] - min_across;
        let (x, y) = match options.direction {
            Direction::LeftToRight => (along, side),
            Direction::TopToBottom => (side, along),
        };
        node.position = Point {
            x: options.origin.x + x,
            y: options.origin.y + y,
        };
    }
    crossings
}

/// The edges with each back edge of a depth-first walk (in node order) reversed: the
/// result is acyclic and keeps every connection.
fn break_cycles(n: usize, edges: &[(usize, usize)]) -> Vec<(usize, usize)> {
    let mut succ: Vec<Vec<usize>> = vec![Vec::new(); n];
    for &(a, b) in edges {
        succ[a].push(b);
    }
    // 0 = unseen, 1 = on the stack, 2 = done.
    let mut state = vec![0u8; n];
    let mut back = std::collections::HashSet::new();
    for root in 0..n {
        if state[root] != 0 {
            continue;
        }
        let mut stack = vec![(root, 0usize)];
        state[root] = 1;
        while let Some(&mut (v, ref mut next)) = stack.last_mut() {
            if let Some(&w) = succ[v].get(*next) {
                *next += 1;
                match state[w] {
                    0 => {
                        state[w] = 1;
                        stack.push((w, 0));
                    }
                    1 => {
                        back.insert((v, w));
                    }
                    _ => {}
                }
            } else {
                state[v] = 2;
                stack.pop();
            }
        }
    }
    let mut out: Vec<(usize, usize)> = edges
        .iter()
        .map(|&(a, b)| {
            if back.contains(&(a, b)) {
                (b, a)
            } else {
                (a, b)
            }
        })
        .collect();
    crate::order::sort(&mut out);
    out.dedup();
    out
}

/// Longest-path layers of an acyclic graph; `end` nodes go to the last layer.
fn layers(n: usize, edges: &[(usize, usize)], is_end: &[bool]) -> Vec<usize> {
    let mut succ: Vec<Vec<usize>> = vec![Vec::new(); n];
    let mut indegree = vec![0usize; n];
    for &(a, b) in edges {
        succ[a].push(b);
        indegree[b] += 1;
    }
    let mut layer = vec![0usize; n];
    let mut queue: Vec<usize> = (0..n).filter(|&v| indegree[v] == 0).collect();
    let mut i = 0;
    while let Some(&v) = queue.get(i) {
        i += 1;
        for &w in &succ[v] {
            layer[w] = layer[w].max(layer[v] + 1);
            indegree[w] -= 1;
            if indegree[w] == 0 {
                queue.push(w);
            }
        }
    }
    let last = layer.iter().copied().max().unwrap_or(0);
    // An end node with no way out is only pulled down when something leads to it, so a
    // lone end node stays near the start where it was dropped.
    let has_pred: Vec<bool> = {
        let mut p = vec![false; n];
        for &(_, b) in edges {
            p[b] = true;
        }
        p
    };
    for v in 0..n {
        if is_end[v] && succ[v].is_empty() && has_pred[v] {
            layer[v] = last;
        }
    }
    layer
}

/// The layered graph with virtual nodes: real nodes keep their index, virtual ones follow.
struct Layered {
    real: usize,
    layers: Vec<Vec<usize>>,
    /// Neighbours in the layer above (`up`) and below (`down`).
    up: Vec<Vec<usize>>,
    down: Vec<Vec<usize>>,
    /// Each node's layer and its rank within it.
    layer: Vec<usize>,
    rank: Vec<usize>,
}

impl Layered {
    fn new(n: usize, layer: &[usize], edges: &[(usize, usize)]) -> Self {
        let mut layer = layer.to_vec();
        let mut up: Vec<Vec<usize>> = vec![Vec::new(); n];
        let mut down: Vec<Vec<usize>> = vec![Vec::new(); n];
        for &(a, b) in edges {
            // Every edge points to a later layer, except one into an end node pulled down
            // past its source's successors; both directions are handled the same way.
            let (a, b) = if layer[a] <= layer[b] { (a, b) } else { (b, a) };
            let mut prev = a;
            for l in layer[a] + 1..layer[b] {
                let v = layer.len();
                layer.push(l);
                up.push(vec![prev]);
                down.push(Vec::new());
                down[prev].push(v);
                prev = v;
            }
            if layer[prev] < layer[b] {
                down[prev].push(b);
                up[b].push(prev);
            }
        }
        let depth = layer.iter().copied().max().unwrap_or(0) + 1;
        let mut layers: Vec<Vec<usize>> = vec![Vec::new(); depth];
        // Initial order: a depth-first walk from the entries, so chains start out together.
        let total = layer.len();
        let mut seen = vec![false; total];
        let mut roots: Vec<usize> = (0..n).filter(|&v| up[v].is_empty()).collect();
        roots.extend(0..total);
        for root in roots {
            let mut stack = vec![root];
            while let Some(v) = stack.pop() {
                if seen[v] {
                    continue;
                }
                seen[v] = true;
                layers[layer[v]].push(v);
                stack.extend(down[v].iter().rev().copied());
            }
        }
        let mut rank = vec![0; total];
        for row in &layers {
            for (i, &v) in row.iter().enumerate() {
                rank[v] = i;
            }
        }
        Layered {
            real: n,
            layers,
            up,
            down,
            layer,
            rank,
        }
    }

    fn set_rank(&mut self, l: usize) {
        for (i, &v) in self.layers[l].iter().enumerate() {
            self.rank[v] = i;
        }
    }

    /// Reorders every layer by the median of its neighbours in the layer just swept,
    /// down then up, and keeps the best order found. Returns its crossing count.
    fn order(&mut self) -> usize {
        let mut best = self.layers.clone();
        let mut best_crossings = self.crossings();
        if best_crossings == 0 {
            return 0;
        }
        for sweep in 0..SWEEPS {
            let downward = sweep % 2 == 0;
            let depth = self.layers.len();
            let order: Vec<usize> = if downward {
                (1..depth).collect()
            } else {
                (0..depth.saturating_sub(1)).rev().collect()
            };
            for l in order {
                let mut keyed: Vec<(f64, usize, usize)> = self.layers[l]
                    .iter()
                    .enumerate()
                    .map(|(i, &v)| {
                        let fixed = if downward { &self.up[v] } else { &self.down[v] };
                        (self.median(fixed).unwrap_or(i as f64), i, v)
                    })
                    .collect();
                // Ties keep the current order, which lets later sweeps settle.
                crate::order::sort_by(&mut keyed, |a, b| a.0.total_cmp(&b.0).then(a.1.cmp(&b.1)));
                self.layers[l] = keyed.into_iter().map(|(_, _, v)| v).collect();
                self.set_rank(l);
            }
            let c = self.crossings();
            if c < best_crossings {
                best_crossings = c;
                best.clone_from(&self.layers);
                if c == 0 {
                    break;
                }
            }
        }
        self.layers = best;
        for l in 0..self.layers.len() {
            self.set_rank(l);
        }
        best_crossings
    }

    /// The median rank of `neighbours` (the mean of the middle two for an even count).
    fn median(&self, neighbours: &[usize]) -> Option<f64> {
        if neighbours.is_empty() {
            return None;
        }
        let mut ranks: Vec<usize> = neighbours.iter().map(|&v| self.rank[v]).collect();
        crate::order::sort(&mut ranks);
        let m = ranks.len() / 2;
        Some(if ranks.len() % 2 == 1 {
            ranks[m] as f64
        } else {
            (ranks[m - 1] + ranks[m]) as f64 / 2.0
        })
    }

    /// Crossings between every pair of adjacent layers.
    fn crossings(&self) -> usize {
        (1..self.layers.len())
            .map(|l| {
                let mut pairs: Vec<(usize, usize)> = self.layers[l - 1]
                    .iter()
                    .flat_map(|&a| self.down[a].iter().map(move |&b| (a, b)))
                    .map(|(a, b)| (self.rank[a], self.rank[b]))
                    .collect();
                crate::order::sort(&mut pairs);
                bilayer_crossings(&pairs, self.layers[l].len())
            })
            .sum()
    }

    /// Positions across the layers (the y of a left-to-right layout): each node pulled
    /// towards the average of its neighbours', in the layer order, at least one node size
    /// plus the gap apart. A few alternating passes settle long chains into straight lines.
    fn place(&self, options: &LayoutOptions) -> Vec<f64> {
        let (w, h) = options.node;
        let size = match options.direction {
            Direction::LeftToRight => h,
            Direction::TopToBottom => w,
        };
        let step = size + options.node_gap;
        // Virtual nodes are thin: only a lane for the edge passing through.
        let extent = |v: usize| if v < self.real { step } else { step / 2.0 };
        let mut pos = vec![0.0; self.layer.len()];
        for row in &self.layers {
            let mut at = 0.0;
            for &v in row {
                pos[v] = at;
                at += extent(v);
            }
        }
        for pass in 0..8 {
            let downward = pass % 2 == 0;
            let rows: Vec<usize> = if downward {
                (0..self.layers.len()).collect()
            } else {
                (0..self.layers.len()).rev().collect()
            };
            for l in rows {
                let row = &self.layers[l];
                let wanted: Vec<f64> = row
                    .iter()
                    .map(|&v| {
                        let ns = if downward { &self.up[v] } else { &self.down[v] };
                        if ns.is_empty() {
                            pos[v]
                        } else {
                            ns.iter().map(|&u| pos[u]).sum::<f64>() / ns.len() as f64
                        }
                    })
                    .collect();
                let placed = pack(row, &wanted, &extent);
                for (&v, p) in row.iter().zip(placed) {
                    pos[v] = p;
                }
            }
        }
        pos
    }
}

/// Places a row in order as close to `wanted` as it can without overlap: blocks of nodes
/// pushed together sit at their members' average wish (the classic pool-adjacent merge).
fn pack(row: &[usize], wanted: &[f64], extent: &dyn Fn(usize) -> f64) -> Vec<f64> {
    // Offsets of each node from the first node of the row when packed tight.
    let mut offset = Vec::with_capacity(row.len());
    let mut at = 0.0;
    for &v in row {
        offset.push(at);
        at += extent(v);
    }
    // Blocks: (first index, count, sum of (wanted - offset)); a block's start is the mean.
    let mut blocks: Vec<(usize, usize, f64)> = Vec::new();
    for i in 0..row.len() {
        blocks.push((i, 1, wanted[i] - offset[i]));
        while blocks.len() > 1 {
            let (_, cb, sb) = blocks[blocks.len() - 1];
            let (_, ca, sa) = blocks[blocks.len() - 2];
            if sa / ca as f64 > sb / cb as f64 {
                blocks.pop();
                let last = blocks.last_mut().expect("two blocks");
                last.1 += cb;
                last.2 += sb;
            } else {
                break;
            }
        }
    }
    let mut out = vec![0.0; row.len()];
    for (first, count, sum) in blocks {
        let start = sum / count as f64;
        for i in first..first + count {
            out[i] = start + offset[i];
        }
    }
    out
}

/// Crossings of straight edges between two layers, given as (upper rank, lower rank)
/// sorted by upper then lower rank: counts, for each edge, the earlier edges ending
/// strictly further along the lower layer.
fn bilayer_crossings(pairs: &[(usize, usize)], lower: usize) -> usize {
    let mut tree = vec![0usize; lower + 1];
    let mut crossings = 0;
    for (seen, &(_, b)) in pairs.iter().enumerate() {
        // Earlier edges ending at or before b.
        let mut i = b + 1;
        let mut at_or_before = 0;
        while i > 0 {
            at_or_before += tree[i];
            i &= i - 1;
        }
        crossings += seen - at_or_before;
        let mut i = b + 1;
        while i <= lower {
            tree[i] += 1;
            i += i & i.wrapping_neg();
        }
    }
    crossings
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::workflow::{EdgeKind, NodeType};

    fn chain(names: &[&str]) -> Workflow {
        let mut wf = Workflow::new("t");
        for name in names {
            let n = wf.add_node(NodeType::Action("shell"), Point::default());
            wf.rename_node(&n, name).unwrap();
        }
        wf
    }

    fn at(wf: &Workflow, name: &str) -> Point {
        wf.node(name).unwrap().position
    }

    #[test]
    fn a_chain_is_a_straight_line_in_either_direction() {
        let mut wf = chain(&["a", "b", "c"]);
        wf.connect("a", "b", EdgeKind::Ok).unwrap();
        wf.connect("b", "c", EdgeKind::Ok).unwrap();
        let opts = LayoutOptions::default();
        assert_eq!(layout(&mut wf, &opts), 0);
        assert_eq!(at(&wf, "a"), Point { x: 40.0, y: 40.0 });
        assert_eq!(
            at(&wf, "b"),
            Point {
                x: 40.0 + 264.0,
                y: 40.0
            }
        );
        assert_eq!(
            at(&wf, "c"),
            Point {
                x: 40.0 + 528.0,
                y: 40.0
            }
        );
        let down = LayoutOptions {
            direction: Direction::TopToBottom,
            ..opts
        };
        layout(&mut wf, &down);
        assert_eq!(
            at(&wf, "c"),
            Point {
                x: 40.0,
                y: 40.0 + 2.0 * 152.0
            }
        );
    }

    #[test]
    fn a_fan_out_is_centred_on_its_source_and_does_not_overlap() {
        let mut wf = chain(&["s", "x", "y", "z", "j"]);
        for t in ["x", "y", "z"] {
            wf.connect("s", t, EdgeKind::Ok).unwrap();
            wf.connect(t, "j", EdgeKind::Ok).unwrap();
        }
        layout(&mut wf, &LayoutOptions::default());
        let ys: Vec<f64> = ["x", "y", "z"].iter().map(|n| at(&wf, n).y).collect();
        assert!(ys[1] - ys[0] >= 88.0 && ys[2] - ys[1] >= 88.0, "{ys:?}");
        assert_eq!(at(&wf, "s").y, ys[1]);
        assert_eq!(at(&wf, "j").y, ys[1]);
    }

    #[test]
    fn crossings_are_removed_where_an_order_without_them_exists() {
        // a→d and b→c drawn crossed in node order; the layout uncrosses them.
        let mut wf = chain(&["a", "b", "c", "d"]);
        wf.connect("a", "d", EdgeKind::Ok).unwrap();
        wf.connect("b", "c", EdgeKind::Ok).unwrap();
        wf.connect("a", "c", EdgeKind::Ok).unwrap();
        assert_eq!(layout(&mut wf, &LayoutOptions::default()), 0);
    }

    #[test]
    fn cycles_and_self_loops_still_lay_out() {
        let mut wf = chain(&["a", "b", "c"]);
        wf.connect("a", "b", EdgeKind::Ok).unwrap();
        wf.connect("b", "c", EdgeKind::Ok).unwrap();
        wf.connect("c", "a", EdgeKind::Ok).unwrap();
        wf.connect("b", "b", EdgeKind::Error).unwrap();
        layout(&mut wf, &LayoutOptions::default());
        assert!(at(&wf, "a").x < at(&wf, "b").x && at(&wf, "b").x < at(&wf, "c").x);
    }

    #[test]
    fn end_nodes_sit_in_the_last_layer() {
        let mut wf = chain(&["a", "b", "c"]);
        let end = wf.add_node(NodeType::End, Point::default());
        wf.connect("a", "b", EdgeKind::Ok).unwrap();
        wf.connect("b", "c", EdgeKind::Ok).unwrap();
        wf.connect("a", &end, EdgeKind::Error).unwrap();
        layout(&mut wf, &LayoutOptions::default());
        assert_eq!(at(&wf, &end).x, at(&wf, "c").x);
    }

    #[test]
    fn bilayer_crossings_are_counted_exactly() {
        // Upper 0→lower 2, upper 1→lower 0, upper 1→lower 1: the first crosses both others.
        assert_eq!(bilayer_crossings(&[(0, 2), (1, 0), (1, 1)], 3), 2);
        assert_eq!(bilayer_crossings(&[(0, 0), (1, 1), (2, 2)], 3), 0);
        // Edges sharing an end do not cross.
        assert_eq!(bilayer_crossings(&[(0, 1), (1, 1)], 2), 0);
    }

    #[test]
    fn no_two_nodes_overlap_on_a_random_graph() {
        let mut wf = Workflow::new("r");
        let names: Vec<String> = (0..200)
            .map(|_| wf.add_node(NodeType::Action("shell"), Point::default()))
            .collect();
        let mut seed = 7u64;
        for i in 1..names.len() {
            for _ in 0..2 {
                seed = seed.wrapping_mul(6364136223846793005).wrapping_add(1);
                let j = (seed >> 33) as usize % i;
                let _ = wf.connect(&names[j], &names[i], EdgeKind::Ok);
            }
        }
        layout(&mut wf, &LayoutOptions::default());
        let mut boxes: Vec<(i64, i64)> = wf
            .nodes
            .iter()
            .map(|n| (n.position.x as i64, n.position.y as i64))
            .collect();
        crate::order::sort(&mut boxes);
        for w in boxes.windows(2) {
            if w[0].0 == w[1].0 {
                assert!(w[1].1 - w[0].1 >= 56, "{w:?}");
            }
        }
    }
}
