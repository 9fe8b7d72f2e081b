//! From the graph users draw to the graph Oozie runs.
//!
//! Users draw dependencies: an action with several ok edges starts parallel branches, an
//! action with several incoming ok edges waits for all of them, and several actions with no
//! incoming edge all start at once. Oozie only knows properly nested fork/join pairs. The
//! plan turns the first into the second:
//!
//! - The main flow (actions reachable by ok edges from the entry actions) is decomposed into
//!   series and parallel blocks; each parallel block becomes a fork/join pair.
//! - A block that is not series-parallel (say a→c, a→d, b→d with a and b parallel) cannot be
//!   written as nested fork/joins without extra orderings. The plan cuts it in two at the
//!   place that needs the fewest new orderings and reports each one: they are parallelism
//!   the exported workflow loses. The choice is the cheapest single cut at each step (over
//!   two topological orders), not a proven global minimum.
//! - Actions reached only through error edges (error handlers) keep their edges as drawn.
//!
//! Why cuts are cheap to price: for a downset A of a block and the rest B, every node of A
//! precedes every node of B exactly when each maximal node of A has a direct edge to each
//! minimal node of B (a path into a minimal node of B must end with an edge from A, and a
//! maximal node of A reaches no other node of A). So a cut costs the missing
//! maximal-to-minimal edges, a cut of cost zero is a series split, and sliding the cut
//! along a topological order updates the cost in time linear in the edges.

use std::collections::HashMap;

use super::validate::{ControlGraph, ControlKind, OozieError};
use crate::workflow::{EdgeKind, Issue, NodeKind, NodeType, Severity, Workflow};

pub const DEFAULT_KILL_MESSAGE: &str =
    "Action failed, error message[${wf:errorMessage(wf:lastErrorNode())}]";

/// One node of the Oozie workflow to write, in document order.
#[derive(Debug, Clone, PartialEq)]
pub struct PlanNode {
    pub name: String,
    pub kind: PlanKind,
}

#[derive(Debug, Clone, PartialEq)]
pub enum PlanKind {
    /// The action drawn as `workflow.nodes[source]`, of type `action_type` (`shell`, …).
    Action {
        source: usize,
        action_type: &'static str,
        ok: String,
        error: String,
    },
    Fork {
        paths: Vec<String>,
    },
    Join {
        to: String,
    },
    Kill {
        message: String,
    },
    End,
}

/// An ordering the export adds that the drawing did not have: `after` waits for `before`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AddedOrdering {
    pub before: String,
    pub after: String,
}

/// A cut the export had to force: every action of `after` now waits for every action of
/// `before`. `count` of those pairs were not implied by the drawing (the others are drawn
/// edges); each of the `count` is parallelism Oozie loses. When there are only a few, they
/// are listed in `orderings`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AddedCut {
    pub before: Vec<String>,
    pub after: Vec<String>,
    pub count: u64,
    pub orderings: Vec<AddedOrdering>,
}

/// Cuts adding at most this many orderings list them one by one.
const LISTED_ORDERINGS: u64 = 16;

#[derive(Debug, Clone, PartialEq)]
pub struct Plan {
    pub start: String,
    pub nodes: Vec<PlanNode>,
    /// The cuts the export had to force (empty for a series-parallel drawing).
    pub added: Vec<AddedCut>,
}

impl Plan {
    /// The plan as Oozie's validator sees it.
    pub fn control_graph(&self) -> Result<ControlGraph<'_>, OozieError> {
        let mut graph = ControlGraph::new(&self.start);
        for node in &self.nodes {
            let name = node.name.as_str();
            match &node.kind {
                PlanKind::Action {
                    action_type,
                    ok,
                    error,
                    ..
                } => graph.add(
                    name,
                    ControlKind::Action(action_type),
                    vec![ok.as_str(), error.as_str()],
                ),
                PlanKind::Fork { paths } => graph.add(
                    name,
                    ControlKind::Fork,
                    paths.iter().map(String::as_str).collect(),
                ),
                PlanKind::Join { to } => graph.add(name, ControlKind::Join, vec![to.as_str()]),
                PlanKind::Kill { .. } => graph.add(name, ControlKind::Kill, vec![]),
                PlanKind::End => graph.add(name, ControlKind::End, vec![]),
            }?;
        }
        Ok(graph)
    }

    /// Every ordering the export adds, one by one: each cut's `before` × `after` pairs that
    /// are not ok edges of the drawing. (Meant for small drawings and tests: a cut between
    /// two layers of 100 actions is 10,000 pairs.)
    pub fn added_orderings(&self, wf: &Workflow) -> Vec<AddedOrdering> {
        let drawn: std::collections::HashSet<(&str, &str)> = wf
            .edges
            .iter()
            .filter(|e| e.kind == EdgeKind::Ok)
            .map(|e| (e.from.as_str(), e.to.as_str()))
            .collect();
        self.added
            .iter()
            .flat_map(|cut| {
                cut.before
                    .iter()
                    .flat_map(|b| cut.after.iter().map(move |a| (b.as_str(), a.as_str())))
            })
            .filter(|pair| !drawn.contains(pair))
            .map(|(b, a)| AddedOrdering {
                before: b.to_owned(),
                after: a.to_owned(),
            })
            .collect()
    }

    /// One warning per forced cut: which actions now wait for which.
    pub fn ordering_warnings(&self) -> Vec<Issue> {
        self.added
            .iter()
            .map(|cut| {
                let (message, nodes) = if cut.orderings.is_empty() {
                    let mut nodes = cut.before.clone();
                    nodes.extend(cut.after.iter().cloned());
                    let message = format!(
                        "To export as Oozie fork/join, {} now wait for {} ({} orderings the drawing did not have; this parallelism is lost in Oozie)",
                        list(&cut.after),
                        list(&cut.before),
                        cut.count
                    );
                    (message, nodes)
                } else {
                    let pairs: Vec<String> = cut
                        .orderings
                        .iter()
                        .map(|o| format!("'{}' also waits for '{}'", o.after, o.before))
                        .collect();
                    let mut nodes: Vec<String> = cut
                        .orderings
                        .iter()
                        .flat_map(|o| [o.before.clone(), o.after.clone()])
                        .collect();
                    nodes.sort_unstable();
                    nodes.dedup();
                    let message = format!(
                        "To export as Oozie fork/join, {} (this parallelism is lost in Oozie)",
                        pairs.join("; ")
                    );
                    (message, nodes)
                };
                Issue {
                    code: "S2002".to_owned(),
                    severity: Severity::Warning,
                    message,
                    nodes,
                    edges: Vec::new(),
                }
            })
            .collect()
    }
}

/// "a, b and c" or "a, b, c and 12 more".
fn list(names: &[String]) -> String {
    const SHOWN: usize = 4;
    match names {
        [] => String::new(),
        [one] => format!("'{one}'"),
        _ if names.len() <= SHOWN => {
            let quoted: Vec<String> = names.iter().map(|n| format!("'{n}'")).collect();
            format!(
                "{} and {}",
                quoted[..quoted.len() - 1].join(", "),
                quoted[quoted.len() - 1]
            )
        }
        _ => {
            let quoted: Vec<String> = names[..SHOWN].iter().map(|n| format!("'{n}'")).collect();
            format!("{} and {} more", quoted.join(", "), names.len() - SHOWN)
        }
    }
}

/// A name not used by any node of the workflow nor already taken by the plan.
struct Names<'a> {
    drawn: std::collections::HashSet<&'a str>,
    taken: std::collections::HashSet<String>,
}

impl Names<'_> {
    fn fresh(&mut self, base: &str, numbered: bool) -> String {
        let candidates = std::iter::once(base.to_owned())
            .filter(|_| !numbered)
            .chain((if numbered { 1 } else { 2 }..).map(|i| format!("{base}-{i}")));
        for candidate in candidates {
            if !self.drawn.contains(candidate.as_str()) && !self.taken.contains(&candidate) {
                self.taken.insert(candidate.clone());
                return candidate;
            }
        }
        unreachable!("an unbounded range always yields a free name")
    }
}

/// Plans the Oozie graph of a workflow that passed the model checks (names, edges, no loops).
pub fn plan(wf: &Workflow) -> Result<Plan, Vec<Issue>> {
    let mut names = Names {
        drawn: wf.nodes.iter().map(|n| n.name.as_str()).collect(),
        taken: Default::default(),
    };
    let index: HashMap<&str, usize> = wf
        .nodes
        .iter()
        .enumerate()
        .map(|(i, n)| (n.name.as_str(), i))
        .collect();
    let node_type = |i: usize| wf.nodes[i].kind.node_type();
    let end = wf
        .nodes
        .iter()
        .find(|n| n.kind.node_type() == NodeType::End)
        .map_or_else(|| names.fresh("end", false), |n| n.name.clone());
    let kills: Vec<usize> = (0..wf.nodes.len())
        .filter(|&i| node_type(i) == NodeType::Kill)
        .collect();
    let actions: Vec<usize> = (0..wf.nodes.len())
        .filter(|&i| node_type(i).is_action())
        .collect();

    // Ok edges between actions (the dependency DAG), and actions whose success kills.
    let mut succ: Vec<Vec<usize>> = vec![Vec::new(); wf.nodes.len()];
    let mut has_incoming = vec![false; wf.nodes.len()];
    let mut kill_on_ok: Vec<Option<usize>> = vec![None; wf.nodes.len()];
    let mut error_to: Vec<Option<usize>> = vec![None; wf.nodes.len()];
    let mut issues = Vec::new();
    for edge in &wf.edges {
        let (Some(&from), Some(&to)) = (index.get(edge.from.as_str()), index.get(edge.to.as_str()))
        else {
            continue;
        };
        has_incoming[to] = true;
        if edge.kind != EdgeKind::Ok {
            error_to[from].get_or_insert(to);
            continue;
        }
        match node_type(to) {
            t if t.is_action() => succ[from].push(to),
            NodeType::Kill => kill_on_ok[from] = Some(to),
            _ => {} // an ok edge to the end node: the end comes after everything anyway
        }
    }
    for &a in &actions {
        if kill_on_ok[a].is_some() && !succ[a].is_empty() {
            issues.push(Issue::error(
                "S1006",
                format!(
                    "'{}' leads on success both to a kill node and to other actions; choose one",
                    wf.nodes[a].name
                ),
            )
            .on_nodes([wf.nodes[a].name.clone()]));
        }
    }

    // The main flow: actions reachable by ok edges from the entries.
    let mut main = vec![false; wf.nodes.len()];
    let mut stack: Vec<usize> = actions
        .iter()
        .copied()
        .filter(|&a| !has_incoming[a])
        .collect();
    while let Some(a) = stack.pop() {
        if !std::mem::replace(&mut main[a], true) {
            stack.extend(&succ[a]);
        }
    }
    for &a in actions.iter().filter(|&&a| !main[a]) {
        if succ[a].len() > 1 {
            let targets: Vec<&str> = succ[a].iter().map(|&t| wf.nodes[t].name.as_str()).collect();
            issues.push(Issue::error(
                "S1005",
                format!(
                    "'{}' handles an error and then starts {} actions at once ({}); error-handling paths cannot branch in parallel yet",
                    wf.nodes[a].name,
                    targets.len(),
                    targets.join(", ")
                ),
            )
            .on_nodes([wf.nodes[a].name.clone()]));
        }
    }
    if !issues.is_empty() {
        return Err(issues);
    }

    let default_kill = match kills.as_slice() {
        [only] => wf.nodes[*only].name.clone(),
        _ => names.fresh("fail", false),
    };
    let error_target = |a: usize| -> String {
        error_to[a].map_or_else(|| default_kill.clone(), |t| wf.nodes[t].name.clone())
    };

    let flow: Vec<usize> = actions.iter().copied().filter(|&a| main[a]).collect();
    let mut dag = Dag::new(&flow, &succ, &kill_on_ok);
    let tree = dag.decompose();
    let name_of = |l: &usize| wf.nodes[flow[*l]].name.clone();
    let added = dag
        .cuts
        .iter()
        .map(|cut| AddedCut {
            before: cut.before.iter().map(name_of).collect(),
            after: cut.after.iter().map(name_of).collect(),
            count: cut.count,
            orderings: cut
                .pairs
                .iter()
                .map(|(b, a)| AddedOrdering {
                    before: name_of(b),
                    after: name_of(a),
                })
                .collect(),
        })
        .collect();
    let action = |a: usize, ok: String| PlanNode {
        name: wf.nodes[a].name.clone(),
        kind: PlanKind::Action {
            source: a,
            action_type: wf.nodes[a].kind.node_type().id(),
            ok,
            error: error_target(a),
        },
    };
    let mut nodes = Vec::new();
    let start = match tree.root() {
        None => end.clone(),
        Some(_) => {
            let leaf_names: Vec<String> = flow.iter().map(|&a| wf.nodes[a].name.clone()).collect();
            let emitted = tree.emit(&mut names, &end, &leaf_names, &dag.terminal)?;
            for step in emitted.order {
                match step {
                    Emit::Leaf(local, next) => {
                        let a = flow[local];
                        let ok = kill_on_ok[a].map_or(next, |k| wf.nodes[k].name.clone());
                        nodes.push(action(a, ok));
                    }
                    Emit::Fork(name, paths) => nodes.push(PlanNode {
                        name,
                        kind: PlanKind::Fork { paths },
                    }),
                    Emit::Join(name, to) => nodes.push(PlanNode {
                        name,
                        kind: PlanKind::Join { to },
                    }),
                }
            }
            emitted.start
        }
    };
    // Error handlers: as drawn; without an ok edge they continue to the end.
    for &a in actions.iter().filter(|&&a| !main[a]) {
        let ok = succ[a]
            .first()
            .or(kill_on_ok[a].as_ref())
            .map_or_else(|| end.clone(), |&t| wf.nodes[t].name.clone());
        nodes.push(action(a, ok));
    }
    for &k in &kills {
        if let NodeKind::Kill { message } = &wf.nodes[k].kind {
            nodes.push(PlanNode {
                name: wf.nodes[k].name.clone(),
                kind: PlanKind::Kill {
                    message: message.clone(),
                },
            });
        }
    }
    let needs_default_kill = kills.len() != 1
        && nodes
            .iter()
            .any(|n| matches!(&n.kind, PlanKind::Action { error, .. } if *error == default_kill));
    if needs_default_kill {
        nodes.push(PlanNode {
            name: default_kill.clone(),
            kind: PlanKind::Kill {
                message: DEFAULT_KILL_MESSAGE.to_owned(),
            },
        });
    }
    nodes.push(PlanNode {
        name: end,
        kind: PlanKind::End,
    });
    Ok(Plan {
        start,
        nodes,
        added,
    })
}

/// The main flow's dependency DAG over local indices `0..flow.len()`.
struct Dag {
    succ: Vec<Vec<usize>>,
    pred: Vec<Vec<usize>>,
    /// Success of this action kills the workflow: nothing may be ordered after it.
    terminal: Vec<bool>,
    /// Generation-stamped marks: `member[v] == stamp` means v is in the current block.
    member: Vec<u32>,
    seen: Vec<u32>,
    mark: Vec<u32>,
    stamp: u32,
    /// Scratch per node: predecessors not yet placed, and depth in the current block.
    remaining: Vec<usize>,
    level: Vec<usize>,
    /// The forced cuts, in the order they were made.
    cuts: Vec<Cut>,
}

/// A forced cut in local indices: the maximal nodes of the first part, the minimal nodes of
/// the second, and how many of their pairs had no edge.
struct Cut {
    before: Vec<usize>,
    after: Vec<usize>,
    count: u64,
    /// The missing pairs themselves, when there are few.
    pairs: Vec<(usize, usize)>,
}

#[derive(Debug)]
enum Tree {
    Leaf(usize),
    Series(Vec<usize>),
    Parallel(Vec<usize>),
}

/// Blocks in creation order: children always come after their parent.
struct Arena(Vec<Tree>);

enum Emit {
    Leaf(usize, String),
    Fork(String, Vec<String>),
    Join(String, String),
}

struct Emitted {
    start: String,
    order: Vec<Emit>,
}

impl Dag {
    fn new(flow: &[usize], succ: &[Vec<usize>], kill_on_ok: &[Option<usize>]) -> Self {
        let local: HashMap<usize, usize> = flow.iter().enumerate().map(|(l, &g)| (g, l)).collect();
        let mut dag = Dag {
            succ: vec![Vec::new(); flow.len()],
            pred: vec![Vec::new(); flow.len()],
            terminal: flow.iter().map(|&g| kill_on_ok[g].is_some()).collect(),
            member: vec![0; flow.len()],
            seen: vec![0; flow.len()],
            mark: vec![0; flow.len()],
            stamp: 0,
            remaining: vec![0; flow.len()],
            level: vec![0; flow.len()],
            cuts: Vec::new(),
        };
        for (l, &g) in flow.iter().enumerate() {
            for t in &succ[g] {
                if let Some(&lt) = local.get(t)
                    && !dag.succ[l].contains(&lt)
                {
                    dag.succ[l].push(lt);
                    dag.pred[lt].push(l);
                }
            }
        }
        dag
    }

    fn next_stamp(&mut self) -> u32 {
        self.stamp += 1;
        self.stamp
    }

    /// Series-parallel decomposition of the whole flow, with an explicit work stack.
    fn decompose(&mut self) -> Arena {
        let mut arena = Arena(Vec::new());
        if self.succ.is_empty() {
            return arena;
        }
        arena.0.push(Tree::Leaf(0));
        let mut work: Vec<(Vec<usize>, usize)> = vec![((0..self.succ.len()).collect(), 0)];
        while let Some((block, slot)) = work.pop() {
            if let [only] = block.as_slice() {
                arena.0[slot] = Tree::Leaf(*only);
                continue;
            }
            let parts = self.components(&block);
            let (parts, parallel) = if parts.len() > 1 {
                (parts, true)
            } else {
                (self.series(&block), false)
            };
            let mut children = Vec::with_capacity(parts.len());
            for part in parts {
                children.push(arena.0.len());
                arena.0.push(Tree::Leaf(usize::MAX));
                work.push((part, *children.last().expect("just pushed")));
            }
            arena.0[slot] = if parallel {
                Tree::Parallel(children)
            } else {
                Tree::Series(children)
            };
        }
        arena
    }

    /// Weakly connected components of a block, each in ascending order.
    fn components(&mut self, block: &[usize]) -> Vec<Vec<usize>> {
        let member = self.next_stamp();
        for &v in block {
            self.member[v] = member;
        }
        let seen = member;
        let mut parts = Vec::new();
        for &v in block {
            if self.seen[v] == seen {
                continue;
            }
            self.seen[v] = seen;
            let mut part = vec![v];
            let mut i = 0;
            while i < part.len() {
                let u = part[i];
                i += 1;
                for &w in self.succ[u].iter().chain(&self.pred[u]) {
                    if self.member[w] == member && self.seen[w] != seen {
                        self.seen[w] = seen;
                        part.push(w);
                    }
                }
            }
            part.sort_unstable();
            parts.push(part);
        }
        parts
    }

    /// Splits a connected block in series: at every cut of cost zero if there is one;
    /// otherwise at the cheapest boundary between depth layers (ties: the one nearest the
    /// middle), adding the orderings it needs. Only layer boundaries are candidates: a cut
    /// inside a layer would peel nodes off one at a time, each cut cheap, the sum ruinous.
    fn series(&mut self, block: &[usize]) -> Vec<Vec<usize>> {
        let member = self.next_stamp();
        for &v in block {
            self.member[v] = member;
        }
        let order = self.topological(block, member);
        let costs = self.cut_costs(&order, member);
        let zero: Vec<usize> = (1..order.len()).filter(|&k| costs[k] == Some(0)).collect();
        let cuts = if zero.is_empty() {
            let middle = order.len() / 2;
            let (count, _, best) = (1..order.len())
                .filter(|&k| self.level[order[k - 1]] != self.level[order[k]])
                .filter_map(|k| costs[k].map(|c| (c, k.abs_diff(middle), k)))
                .min()
                .expect("a connected block of two or more actions has a valid layer boundary");
            self.record_cut(&order[..best], &order[best..], member, count);
            vec![best]
        } else {
            zero
        };
        let mut parts = Vec::with_capacity(cuts.len() + 1);
        let mut from = 0;
        for k in cuts.into_iter().chain([order.len()]) {
            let mut part = order[from..k].to_vec();
            part.sort_unstable();
            parts.push(part);
            from = k;
        }
        parts
    }

    /// A topological order of the block by depth (longest path from its sources), kept in
    /// `self.level`.
    fn topological(&mut self, block: &[usize], member: u32) -> Vec<usize> {
        for &v in block {
            self.remaining[v] = self.pred[v]
                .iter()
                .filter(|&&u| self.member[u] == member)
                .count();
            self.level[v] = 0;
        }
        let mut order: Vec<usize> = block
            .iter()
            .copied()
            .filter(|&v| self.remaining[v] == 0)
            .collect();
        let mut i = 0;
        while i < order.len() {
            let v = order[i];
            i += 1;
            for k in 0..self.succ[v].len() {
                let w = self.succ[v][k];
                if self.member[w] != member {
                    continue;
                }
                self.level[w] = self.level[w].max(self.level[v] + 1);
                self.remaining[w] -= 1;
                if self.remaining[w] == 0 {
                    order.push(w);
                }
            }
        }
        order.sort_unstable_by_key(|&v| (self.level[v], v));
        order
    }

    /// `costs[k]`: orderings needed to put the first k nodes of `order` before the rest
    /// (`None` when a node whose success kills would have to come first).
    fn cut_costs(&mut self, order: &[usize], member: u32) -> Vec<Option<u64>> {
        let n = order.len();
        // Marks for this scan: max(A) and min(B) membership.
        let in_max = self.next_stamp();
        let in_min = self.next_stamp();
        let mut n_min = 0u64;
        for &v in order {
            self.remaining[v] = self.pred[v]
                .iter()
                .filter(|&&u| self.member[u] == member)
                .count();
            if self.remaining[v] == 0 {
                self.seen[v] = in_min;
                n_min += 1;
            }
        }
        let mut n_max = 0u64;
        let mut cross = 0u64;
        let mut terminal_in_max = 0usize;
        let mut costs = vec![None; n + 1];
        for (k, &v) in order.iter().enumerate() {
            // v leaves min(B): drop its edges from max(A).
            self.seen[v] = 0;
            n_min -= 1;
            for &u in &self.pred[v] {
                if self.member[u] == member && self.mark[u] == in_max {
                    cross -= 1;
                }
            }
            // Its predecessors in max(A) are no longer maximal.
            for i in 0..self.pred[v].len() {
                let u = self.pred[v][i];
                if self.member[u] == member && self.mark[u] == in_max {
                    self.mark[u] = 0;
                    n_max -= 1;
                    terminal_in_max -= usize::from(self.terminal[u]);
                    cross -= self.succ[u]
                        .iter()
                        .filter(|&&w| self.seen[w] == in_min)
                        .count() as u64;
                }
            }
            // Successors whose predecessors are now all in A become minimal in B.
            for i in 0..self.succ[v].len() {
                let w = self.succ[v][i];
                if self.member[w] != member {
                    continue;
                }
                self.remaining[w] -= 1;
                if self.remaining[w] == 0 {
                    self.seen[w] = in_min;
                    n_min += 1;
                    cross += self.pred[w]
                        .iter()
                        .filter(|&&u| self.mark[u] == in_max)
                        .count() as u64;
                }
            }
            // v is maximal in A.
            self.mark[v] = in_max;
            n_max += 1;
            terminal_in_max += usize::from(self.terminal[v]);
            cross += self.succ[v]
                .iter()
                .filter(|&&w| self.seen[w] == in_min)
                .count() as u64;
            if k + 1 < n && terminal_in_max == 0 {
                costs[k + 1] = Some(n_max * n_min - cross);
            }
        }
        costs
    }

    /// Records a forced cut. Its orderings are not added to the graph: the two parts are
    /// decomposed separately from here on, and the series block that joins them already
    /// puts one after the other.
    fn record_cut(&mut self, a: &[usize], b: &[usize], member: u32, count: u64) {
        let side = self.next_stamp();
        for &v in a {
            self.seen[v] = side;
        }
        let before: Vec<usize> = a
            .iter()
            .copied()
            .filter(|&v| !self.succ[v].iter().any(|&w| self.seen[w] == side))
            .collect();
        let after: Vec<usize> = b
            .iter()
            .copied()
            .filter(|&v| {
                !self.pred[v]
                    .iter()
                    .any(|&u| self.member[u] == member && self.seen[u] != side)
            })
            .collect();
        let pairs = if count <= LISTED_ORDERINGS {
            before
                .iter()
                .flat_map(|&u| after.iter().map(move |&w| (u, w)))
                .filter(|&(u, w)| !self.succ[u].contains(&w))
                .collect()
        } else {
            Vec::new()
        };
        self.cuts.push(Cut {
            before,
            after,
            count,
            pairs,
        });
    }
}

impl Arena {
    fn root(&self) -> Option<&Tree> {
        self.0.first()
    }

    /// Oozie nodes in document order (a fork, its branches, its join), with each action's
    /// continuation, and the first node of the flow. `terminal[v]`: the success of leaf `v`
    /// kills the workflow.
    fn emit(
        &self,
        names: &mut Names<'_>,
        end: &str,
        leaf_names: &[String],
        terminal: &[bool],
    ) -> Result<Emitted, Vec<Issue>> {
        let n = self.0.len();
        let mut forks: Vec<Option<(String, String)>> = vec![None; n];
        for (i, t) in self.0.iter().enumerate() {
            if matches!(t, Tree::Parallel(_)) {
                forks[i] = Some((names.fresh("fork", true), names.fresh("join", true)));
            }
        }
        // Bottom-up (children come after their parent in the arena): each block's first
        // node, and whether its success always ends in a kill.
        let mut entry = vec![String::new(); n];
        let mut kills = vec![false; n];
        let mut issues = Vec::new();
        for i in (0..n).rev() {
            (entry[i], kills[i]) = match &self.0[i] {
                Tree::Leaf(v) => (leaf_names[*v].clone(), terminal[*v]),
                Tree::Series(children) => (
                    entry[children[0]].clone(),
                    kills[*children.last().expect("a series has parts")],
                ),
                Tree::Parallel(children) => {
                    let all_kill = children.iter().all(|&c| kills[c]);
                    if all_kill {
                        let ends: Vec<String> =
                            children.iter().map(|&c| entry[c].clone()).collect();
                        issues.push(Issue::error(
                            "S1007",
                            format!(
                                "The parallel branches starting at {} all end in a kill node; Oozie needs at least one of them to continue",
                                ends.join(", ")
                            ),
                        )
                        .on_nodes(ends));
                    }
                    (forks[i].as_ref().expect("named above").0.clone(), all_kill)
                }
            };
        }
        if !issues.is_empty() {
            return Err(issues);
        }
        let mut next = vec![String::new(); n];
        next[0] = end.to_owned();
        for i in 0..n {
            match &self.0[i] {
                Tree::Leaf(_) => {}
                Tree::Series(children) => {
                    for pair in children.windows(2) {
                        next[pair[0]] = entry[pair[1]].clone();
                    }
                    next[*children.last().expect("a series has parts")] = next[i].clone();
                }
                Tree::Parallel(children) => {
                    let join = &forks[i].as_ref().expect("named above").1;
                    for &c in children {
                        next[c] = join.clone();
                    }
                }
            }
        }
        enum Step {
            Visit(usize),
            Join(usize),
        }
        let mut order = Vec::new();
        let mut stack = vec![Step::Visit(0)];
        while let Some(step) = stack.pop() {
            match step {
                Step::Visit(i) => match &self.0[i] {
                    Tree::Leaf(v) => order.push(Emit::Leaf(*v, next[i].clone())),
                    Tree::Series(children) => {
                        stack.extend(children.iter().rev().map(|&c| Step::Visit(c)));
                    }
                    Tree::Parallel(children) => {
                        let (fork, _) = forks[i].as_ref().expect("named above");
                        let paths = children.iter().map(|&c| entry[c].clone()).collect();
                        order.push(Emit::Fork(fork.clone(), paths));
                        stack.push(Step::Join(i));
                        stack.extend(children.iter().rev().map(|&c| Step::Visit(c)));
                    }
                },
                Step::Join(i) => {
                    let (_, join) = forks[i].as_ref().expect("named above");
                    order.push(Emit::Join(join.clone(), next[i].clone()));
                }
            }
        }
        Ok(Emitted {
            start: entry[0].clone(),
            order,
        })
    }
}
