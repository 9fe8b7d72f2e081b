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

use std::borrow::Cow;

use foldhash::{HashMap, HashSet, HashSetExt};

use super::validate::{ControlGraph, ControlKind, OozieError, is_known_action_type};
use crate::workflow::{
    DEFAULT_KILL_MESSAGE, EdgeKind, Issue, NodeKind, NodeType, Severity, Workflow,
};

/// A node of the plan, as an index into [`Plan::names`]: the drawn nodes keep their
/// positions in `workflow.nodes`; the nodes the export adds (forks, joins, an end or a
/// kill the drawing lacks) come after them. Planning works on these numbers and never
/// copies a name, which keeps validating a large drawing cheap.
pub type NodeId = usize;

/// One node of the Oozie workflow to write, in document order.
#[derive(Debug, Clone, PartialEq)]
pub struct PlanNode<'a> {
    pub id: NodeId,
    pub kind: PlanKind<'a>,
}

#[derive(Debug, Clone, PartialEq)]
pub enum PlanKind<'a> {
    /// The action drawn as `workflow.nodes[source]`, of type `action_type` (`shell`, …).
    Action {
        source: usize,
        action_type: &'a str,
        ok: NodeId,
        error: NodeId,
    },
    /// Cases (predicate, target) in order, then the default target.
    Decision {
        cases: Vec<(&'a str, NodeId)>,
        default: NodeId,
    },
    Fork {
        paths: Vec<NodeId>,
    },
    Join {
        to: NodeId,
    },
    Kill {
        message: &'a str,
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
/// `before` (both as positions in `workflow.nodes`). `count` of those pairs were not
/// implied by the drawing (the others are drawn edges); each of the `count` is
/// parallelism Oozie loses. When there are only a few, they are listed in `orderings`,
/// as (before, after).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AddedCut {
    pub before: Vec<usize>,
    pub after: Vec<usize>,
    pub count: u64,
    pub orderings: Vec<(usize, usize)>,
}

/// Cuts adding at most this many orderings list them one by one.
const LISTED_ORDERINGS: u64 = 16;

#[derive(Debug, Clone, PartialEq)]
pub struct Plan<'a> {
    pub start: NodeId,
    pub nodes: Vec<PlanNode<'a>>,
    /// The name of every [`NodeId`].
    pub names: Vec<Cow<'a, str>>,
    /// The cuts the export had to force (empty for a series-parallel drawing).
    pub added: Vec<AddedCut>,
}

impl<'a> Plan<'a> {
    pub fn name(&self, id: NodeId) -> &str {
        &self.names[id]
    }

    /// The plan as Oozie's validator sees it, transitions already resolved.
    pub fn control_graph(&self) -> Result<ControlGraph<'_>, OozieError> {
        // Position in the graph of each plan node (start is at 0).
        let mut position = vec![usize::MAX; self.names.len()];
        for (i, node) in self.nodes.iter().enumerate() {
            position[node.id] = i + 1;
        }
        let at = |id: &NodeId| position[*id];
        let mut graph = ControlGraph::resolved(at(&self.start));
        for node in &self.nodes {
            let name = self.name(node.id);
            match &node.kind {
                PlanKind::Action {
                    action_type,
                    ok,
                    error,
                    ..
                } => graph.push_resolved(
                    name,
                    // A kept action of a type a stock Oozie lacks is a warning of its own
                    // (S2006); the walk checks its transitions like any action's.
                    ControlKind::Action(if is_known_action_type(action_type) {
                        action_type
                    } else {
                        "java"
                    }),
                    [at(ok), at(error)],
                ),
                PlanKind::Decision { cases, default } => graph.push_resolved(
                    name,
                    ControlKind::Decision,
                    cases.iter().map(|(_, to)| at(to)).chain([at(default)]),
                ),
                PlanKind::Fork { paths } => {
                    graph.push_resolved(name, ControlKind::Fork, paths.iter().map(at))
                }
                PlanKind::Join { to } => graph.push_resolved(name, ControlKind::Join, [at(to)]),
                PlanKind::Kill { .. } => graph.push_resolved(name, ControlKind::Kill, []),
                PlanKind::End => graph.push_resolved(name, ControlKind::End, []),
            }?;
        }
        Ok(graph)
    }

    /// Every ordering the export adds, one by one: each cut's `before` × `after` pairs that
    /// are not ok edges of the drawing. (Meant for small drawings and tests: a cut between
    /// two layers of 100 actions is 10,000 pairs.)
    pub fn added_orderings(&self, wf: &Workflow) -> Vec<AddedOrdering> {
        let drawn: HashSet<(&str, &str)> = wf
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
                    .flat_map(|&b| cut.after.iter().map(move |&a| (self.name(b), self.name(a))))
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
        let names = |ids: &[usize]| -> Vec<&str> { ids.iter().map(|&i| self.name(i)).collect() };
        self.added
            .iter()
            .map(|cut| {
                let (message, nodes) = if cut.orderings.is_empty() {
                    let (before, after) = (names(&cut.before), names(&cut.after));
                    let message = format!(
                        "To export as Oozie fork/join, {} now wait for {} ({} orderings the drawing did not have; this parallelism is lost in Oozie)",
                        list(&after),
                        list(&before),
                        cut.count
                    );
                    let nodes = before.iter().chain(&after).map(|n| (*n).to_owned()).collect();
                    (message, nodes)
                } else {
                    let pairs: Vec<String> = cut
                        .orderings
                        .iter()
                        .map(|&(b, a)| format!("'{}' also waits for '{}'", self.name(a), self.name(b)))
                        .collect();
                    let mut ids: Vec<usize> =
                        cut.orderings.iter().flat_map(|&(b, a)| [b, a]).collect();
                    crate::order::sort_by_key(&mut ids, |&i| self.name(i));
                    ids.dedup();
                    let message = format!(
                        "To export as Oozie fork/join, {} (this parallelism is lost in Oozie)",
                        pairs.join("; ")
                    );
                    (message, ids.iter().map(|&i| self.name(i).to_owned()).collect())
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
fn list(names: &[&str]) -> String {
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

/// The names the plan makes up start with one of these: an end and a kill the drawing
/// lacks (`end`, `fail`, then `end-2`, …), fork/join pairs (`fork-1`/`join-1`, …).
const END: &str = "end";
const FAIL: &str = "fail";
const FORK: &str = "fork-";
const JOIN: &str = "join-";

/// The names of the plan's nodes: the drawn ones, then those the plan adds, each one not
/// used by any node of the workflow nor already taken by the plan.
struct Names<'a> {
    ids: Vec<Cow<'a, str>>,
    /// The drawn names a name the plan makes up could clash with (see `could_clash`).
    drawn: HashSet<&'a str>,
    taken: HashSet<String>,
}

impl<'a> Names<'a> {
    /// Whether a drawn name could be one the plan makes up. Only those are hashed, not
    /// every name.
    fn could_clash(name: &str) -> bool {
        [END, FAIL, FORK, JOIN]
            .iter()
            .any(|base| name.starts_with(base))
    }

    /// A fork and its join (`join == fork + 1`), named once the document order is known.
    fn placeholder_pair(&mut self) -> (NodeId, NodeId) {
        let fork = self.ids.len();
        self.ids.extend([Cow::Borrowed(""), Cow::Borrowed("")]);
        (fork, fork + 1)
    }

    /// Real names for the fork/join pairs, numbered in document order (`fork-1`/`join-1` is
    /// the first fork of the document and its join), skipping numbers a drawn node uses.
    fn name_pairs(&mut self, nodes: &[PlanNode<'_>]) {
        let mut number = 0usize;
        for node in nodes {
            if let PlanKind::Fork { .. } = node.kind {
                let (fork, join) = loop {
                    number += 1;
                    let (f, j) = (format!("{FORK}{number}"), format!("{JOIN}{number}"));
                    if self.is_free(&f) && self.is_free(&j) {
                        break (f, j);
                    }
                };
                self.taken.insert(fork.clone());
                self.taken.insert(join.clone());
                self.ids[node.id] = Cow::Owned(fork);
                self.ids[node.id + 1] = Cow::Owned(join);
            }
        }
    }

    fn is_free(&self, name: &str) -> bool {
        debug_assert!(
            Names::could_clash(name),
            "'{name}' escapes the clash filter"
        );
        !self.drawn.contains(name) && !self.taken.contains(name)
    }

    /// A new node named `base` (or `base-2`, `base-3`, … if that is taken).
    fn fresh(&mut self, base: &str) -> NodeId {
        let candidates =
            std::iter::once(base.to_owned()).chain((2..).map(|i| format!("{base}-{i}")));
        for candidate in candidates {
            if self.is_free(&candidate) {
                self.taken.insert(candidate.clone());
                self.ids.push(Cow::Owned(candidate));
                return self.ids.len() - 1;
            }
        }
        unreachable!("an unbounded range always yields a free name")
    }
}

/// One way out of a decision: a case (with its predicate) or the default, and where it
/// leads. A case drawn to several nodes (an imported case that led to a fork) starts them
/// in parallel.
#[derive(Clone)]
struct Branch<'a> {
    predicate: Option<&'a str>,
    /// Actions and decisions.
    units: Vec<usize>,
    /// Kill and end nodes.
    exits: Vec<usize>,
}

/// A decision's cases (predicate, target) and its default target.
type DecisionTargets<'a> = (Vec<(&'a str, NodeId)>, NodeId);

/// Plans one branch of a decision; returns the branch's first node.
type BranchPlanner<'f, 'a> =
    dyn FnMut(&mut Planner<'a>, &Branch<'a>) -> Result<NodeId, Vec<Issue>> + 'f;

/// Plans the Oozie graph of a workflow that passed the model checks (names, edges, no loops).
pub fn plan(wf: &Workflow) -> Result<Plan<'_>, Vec<Issue>> {
    let index = wf.name_index();
    let ends: Vec<_> = wf.edge_ends(&index).collect();
    plan_resolved(wf, &ends)
}

/// [`plan`], with each edge's ends already looked up (positions in `wf.nodes`, in the
/// order of `wf.edges`), as validation has them.
pub(crate) fn plan_resolved<'a>(
    wf: &'a Workflow,
    ends: &[(Option<usize>, Option<usize>)],
) -> Result<Plan<'a>, Vec<Issue>> {
    Planner::new(wf, ends)?.run()
}

struct Planner<'a> {
    wf: &'a Workflow,
    names: Names<'a>,
    end: NodeId,
    default_kill: NodeId,
    kills: Vec<usize>,
    /// Ok edges of actions and all edges of decisions, to actions and decisions.
    succ: Adjacency,
    kill_on_ok: Vec<Option<usize>>,
    error_to: Vec<Option<usize>>,
    branches: Vec<Vec<Branch<'a>>>,
    main: Vec<bool>,
    /// For each decision of the main flow: the nodes of its block (its region) and where
    /// the block continues (its exits, where its branches meet again).
    region: Vec<Vec<usize>>,
    exits: Vec<Vec<usize>>,
    added: Vec<AddedCut>,
    /// Plan nodes in depth-first order, each with the drawn node it comes from.
    out: Vec<(Option<usize>, PlanNode<'a>)>,
    /// Scratch for [`Dag::new`].
    local: Vec<usize>,
}

impl<'a> Planner<'a> {
    fn new(wf: &'a Workflow, ends: &[(Option<usize>, Option<usize>)]) -> Result<Self, Vec<Issue>> {
        let mut names = Names {
            ids: wf
                .nodes
                .iter()
                .map(|n| Cow::Borrowed(n.name.as_str()))
                .collect(),
            drawn: wf
                .nodes
                .iter()
                .map(|n| n.name.as_str())
                .filter(|n| Names::could_clash(n))
                .collect(),
            taken: HashSet::new(),
        };
        let node_type = |i: usize| wf.nodes[i].kind.node_type();
        let end = (0..wf.nodes.len())
            .find(|&i| node_type(i) == NodeType::End)
            .unwrap_or_else(|| names.fresh(END));
        let kills: Vec<usize> = (0..wf.nodes.len())
            .filter(|&i| node_type(i) == NodeType::Kill)
            .collect();
        let default_kill = match kills.as_slice() {
            [only] => *only,
            _ => names.fresh(FAIL),
        };
        let n = wf.nodes.len();
        let mut succ_pairs: Vec<(usize, usize)> = Vec::with_capacity(wf.edges.len());
        let mut has_incoming = vec![false; n];
        let mut kill_on_ok: Vec<Option<usize>> = vec![None; n];
        let mut error_to: Vec<Option<usize>> = vec![None; n];
        let mut branches: Vec<Vec<Branch>> = (0..n).map(|_| Vec::new()).collect();
        let mut issues = Vec::new();
        for (edge, &ends) in wf.edges.iter().zip(ends) {
            let (Some(from), Some(to)) = ends else {
                continue;
            };
            has_incoming[to] = true;
            let unit = node_type(to).has_outputs();
            match edge.kind {
                EdgeKind::Error => {
                    error_to[from].get_or_insert(to);
                }
                EdgeKind::Ok => match node_type(to) {
                    _ if unit => succ_pairs.push((from, to)),
                    NodeType::Kill => kill_on_ok[from] = Some(to),
                    _ => {} // the end comes after everything anyway
                },
                EdgeKind::Case | EdgeKind::Default => {
                    let predicate = (edge.kind == EdgeKind::Case).then(|| edge.predicate.trim());
                    let list = &mut branches[from];
                    let branch = match list.iter().position(|b| b.predicate == predicate) {
                        Some(i) => &mut list[i],
                        None => {
                            list.push(Branch {
                                predicate,
                                units: Vec::new(),
                                exits: Vec::new(),
                            });
                            list.last_mut().expect("just pushed")
                        }
                    };
                    if unit {
                        branch.units.push(to);
                        succ_pairs.push((from, to));
                    } else {
                        branch.exits.push(to);
                    }
                }
            }
        }
        let succ = Adjacency::new(n, &succ_pairs);
        for (d, list) in branches.iter_mut().enumerate() {
            // The default goes last, as Oozie writes it.
            crate::order::sort_by_key(list, |b| b.predicate.is_none());
            for b in list.iter() {
                if !b.exits.is_empty() && (!b.units.is_empty() || b.exits.len() > 1) {
                    issues.push(
                        Issue::error(
                            "S1012",
                            format!(
                                "A case of '{}' leads both to a kill or end node and elsewhere; a case has one target, or several actions to start in parallel",
                                wf.nodes[d].name
                            ),
                        )
                        .on_nodes([wf.nodes[d].name.clone()]),
                    );
                }
            }
        }
        for a in (0..n).filter(|&a| node_type(a).is_action()) {
            if kill_on_ok[a].is_some() && !succ[a].is_empty() {
                issues.push(
                    Issue::error(
                        "S1006",
                        format!(
                            "'{}' leads on success both to a kill node and to other actions; choose one",
                            wf.nodes[a].name
                        ),
                    )
                    .on_nodes([wf.nodes[a].name.clone()]),
                );
            }
        }

        // The main flow: what runs from the entries on, through ok edges and decisions.
        let mut main = vec![false; n];
        let mut stack: Vec<usize> = (0..n)
            .filter(|&v| node_type(v).has_outputs() && !has_incoming[v])
            .collect();
        while let Some(v) = stack.pop() {
            if !std::mem::replace(&mut main[v], true) {
                stack.extend(&succ[v]);
            }
        }
        for v in (0..n).filter(|&v| node_type(v).has_outputs() && !main[v]) {
            let parallel = if node_type(v) == NodeType::Decision {
                branches[v].iter().any(|b| b.units.len() > 1)
            } else {
                succ[v].len() > 1
            };
            if parallel {
                let targets: Vec<&str> =
                    succ[v].iter().map(|&t| wf.nodes[t].name.as_str()).collect();
                issues.push(
                    Issue::error(
                        "S1005",
                        format!(
                            "'{}' handles an error and then starts {} nodes at once ({}); error-handling paths cannot branch in parallel yet",
                            wf.nodes[v].name,
                            targets.len(),
                            targets.join(", ")
                        ),
                    )
                    .on_nodes([wf.nodes[v].name.clone()]),
                );
            }
        }
        if !issues.is_empty() {
            return Err(issues);
        }
        let mut planner = Planner {
            wf,
            names,
            end,
            default_kill,
            kills,
            succ,
            kill_on_ok,
            error_to,
            branches,
            main,
            region: vec![Vec::new(); n],
            exits: vec![Vec::new(); n],
            added: Vec::new(),
            out: Vec::new(),
            local: vec![NONE; n],
        };
        planner.decision_regions()?;
        Ok(planner)
    }

    fn is_decision(&self, v: usize) -> bool {
        self.wf.nodes[v].kind.node_type() == NodeType::Decision
    }

    fn name(&self, v: usize) -> String {
        self.wf.nodes[v].name.clone()
    }

    /// Each decision's block: the nodes between it and where its branches meet again (its
    /// immediate post-dominator in the main flow; paths into kill or end nodes end there and
    /// do not count), minus those something outside the block also leads to. In Oozie the
    /// block is the decision and its branches, all continuing to the block's exits.
    fn decision_regions(&mut self) -> Result<(), Vec<Issue>> {
        let n = self.wf.nodes.len();
        let decisions: Vec<usize> = (0..n)
            .filter(|&v| self.main[v] && self.is_decision(v))
            .collect();
        if decisions.is_empty() {
            return Ok(());
        }
        // Reverse topological order of the main flow (it is acyclic).
        let mut indegree = vec![0usize; n];
        for v in (0..n).filter(|&v| self.main[v]) {
            for &w in &self.succ[v] {
                indegree[w] += 1;
            }
        }
        let mut order: Vec<usize> = (0..n)
            .filter(|&v| self.main[v] && indegree[v] == 0)
            .collect();
        let mut i = 0;
        while i < order.len() {
            let v = order[i];
            i += 1;
            for &w in &self.succ[v] {
                indegree[w] -= 1;
                if indegree[w] == 0 {
                    order.push(w);
                }
            }
        }
        const SINK: usize = usize::MAX;
        let mut pdom = vec![SINK; n];
        let mut depth = vec![0usize; n];
        let up = |v: usize, pdom: &[usize], depth: &[usize]| -> (usize, usize) {
            let p = pdom[v];
            (p, if p == SINK { 0 } else { depth[p] })
        };
        for &v in order.iter().rev() {
            let mut succ = self.succ[v].iter().copied();
            let Some(first) = succ.next() else {
                continue;
            };
            let mut lca = first;
            for s in succ {
                let (mut a, mut b) = (lca, s);
                let d = |x: usize| if x == SINK { 0 } else { depth[x] + 1 };
                while a != b {
                    if d(a) >= d(b) {
                        a = if a == SINK {
                            SINK
                        } else {
                            up(a, &pdom, &depth).0
                        };
                    } else {
                        b = if b == SINK {
                            SINK
                        } else {
                            up(b, &pdom, &depth).0
                        };
                    }
                }
                lca = a;
                if lca == SINK {
                    break;
                }
            }
            pdom[v] = lca;
            depth[v] = if lca == SINK { 0 } else { depth[lca] + 1 };
        }
        // Main-flow predecessors, counted per edge (a decision may reach a node twice).
        let mut preds = vec![0usize; n];
        for v in (0..n).filter(|&v| self.main[v]) {
            for &w in &self.succ[v] {
                preds[w] += 1;
            }
        }
        for &d in &decisions {
            let merge = (pdom[d] != SINK).then_some(pdom[d]);
            let mut before_merge = HashSet::new();
            let mut stack: Vec<usize> = self.succ[d].to_vec();
            while let Some(v) = stack.pop() {
                if Some(v) != merge && before_merge.insert(v) {
                    stack.extend(&self.succ[v]);
                }
            }
            // The region: what lies before the merge and is entered only from the decision
            // or the region itself. A node something else also leads to is where the
            // decision's block ends, like the merge.
            let mut missing: HashMap<usize, usize> =
                before_merge.iter().map(|&v| (v, preds[v])).collect();
            let mut region = Vec::new();
            let mut queue = vec![d];
            while let Some(v) = queue.pop() {
                for &w in &self.succ[v] {
                    if let Some(m) = missing.get_mut(&w) {
                        *m -= 1;
                        if *m == 0 {
                            region.push(w);
                            queue.push(w);
                        }
                    }
                }
            }
            // Nodes two branches both reach are where they meet: outside the block too.
            let closure: HashSet<usize> = region.iter().copied().collect();
            let mut reached: HashMap<usize, usize> = HashMap::default();
            for b in &self.branches[d] {
                for v in self.reach_within(&b.units, &closure) {
                    *reached.entry(v).or_default() += 1;
                }
            }
            region.retain(|v| reached.get(v) == Some(&1));
            let inside: HashSet<usize> = region.iter().copied().collect();
            let mut exits: Vec<usize> = std::iter::once(d)
                .chain(region.iter().copied())
                .flat_map(|v| self.succ[v].iter().copied())
                .filter(|w| !inside.contains(w))
                .collect();
            crate::order::sort(&mut exits);
            exits.dedup();
            crate::order::sort(&mut region);
            self.exits[d] = exits;
            self.region[d] = region;
        }
        Ok(())
    }

    fn run(mut self) -> Result<Plan<'a>, Vec<Issue>> {
        let n = self.wf.nodes.len();
        let main: Vec<usize> = (0..n).filter(|&v| self.main[v]).collect();
        let end = self.end;
        let start = self.plan_flow(&main, end)?;
        // Error handlers: as drawn; without an ok edge they continue to the end.
        let handlers: Vec<usize> = (0..n)
            .filter(|&v| self.wf.nodes[v].kind.node_type().has_outputs() && !self.main[v])
            .collect();
        for v in handlers {
            let node = if self.is_decision(v) {
                let (cases, default) = self.decision_targets(v, &mut |_, b| Ok(b.units[0]), end)?;
                PlanKind::Decision { cases, default }
            } else {
                let ok = self.succ[v]
                    .first()
                    .or(self.kill_on_ok[v].as_ref())
                    .map_or(end, |&t| t);
                self.action_kind(v, ok)
            };
            self.out.push((Some(v), PlanNode { id: v, kind: node }));
        }
        let wf = self.wf;
        for &k in &self.kills {
            if let NodeKind::Kill { message } = &wf.nodes[k].kind {
                self.out.push((
                    Some(k),
                    PlanNode {
                        id: k,
                        kind: PlanKind::Kill { message },
                    },
                ));
            }
        }
        let needs_default_kill = self.kills.len() != 1
            && self.out.iter().any(
                |(_, n)| matches!(&n.kind, PlanKind::Action { error, .. } if *error == self.default_kill),
            );
        // Document order: the drawing's order, each fork just before its first branch and
        // each join just after its last, so an imported workflow exports in its own order.
        let mut keys: Vec<(usize, u8)> = Vec::with_capacity(self.out.len());
        let mut last_source = 0;
        for (i, (source, node)) in self.out.iter().enumerate() {
            keys.push(match (source, &node.kind) {
                (Some(s), _) => {
                    last_source = *s;
                    (*s, 1)
                }
                // The first drawn node after a fork is at most its nesting depth away.
                (None, PlanKind::Fork { .. }) => {
                    let next = self.out[i..]
                        .iter()
                        .find_map(|(s, _)| *s)
                        .unwrap_or(last_source);
                    (next, 0)
                }
                (None, _) => (last_source, 2),
            });
        }
        let mut keyed: Vec<((usize, u8), PlanNode<'a>)> = keys
            .into_iter()
            .zip(
                std::mem::take(&mut self.out)
                    .into_iter()
                    .map(|(_, node)| node),
            )
            .collect();
        crate::order::sort_by_key(&mut keyed, |(key, _)| *key);
        let mut nodes: Vec<PlanNode<'a>> = keyed.into_iter().map(|(_, node)| node).collect();
        self.names.name_pairs(&nodes);
        if needs_default_kill {
            nodes.push(PlanNode {
                id: self.default_kill,
                kind: PlanKind::Kill {
                    message: DEFAULT_KILL_MESSAGE,
                },
            });
        }
        nodes.push(PlanNode {
            id: end,
            kind: PlanKind::End,
        });
        Ok(Plan {
            start,
            nodes,
            names: self.names.ids,
            added: self.added,
        })
    }

    fn action_kind(&self, a: usize, ok: NodeId) -> PlanKind<'a> {
        let wf = self.wf;
        let NodeKind::Action(action) = &wf.nodes[a].kind else {
            unreachable!("only actions get action nodes")
        };
        PlanKind::Action {
            source: a,
            action_type: &action.action,
            ok,
            error: self.error_to[a].unwrap_or(self.default_kill),
        }
    }

    /// A decision's case targets and default target: kills and the end by name, a branch
    /// that goes straight to where the branches meet by `next`, others as `branch` plans
    /// them.
    fn decision_targets(
        &mut self,
        d: usize,
        branch: &mut BranchPlanner<'_, 'a>,
        next: NodeId,
    ) -> Result<DecisionTargets<'a>, Vec<Issue>> {
        let branches: Vec<Branch<'a>> = self.branches[d].clone();
        let mut cases = Vec::new();
        let mut default = next;
        let mut result = Ok(());
        for b in &branches {
            let target = if let Some(&exit) = b.exits.first() {
                Ok(exit)
            } else if b.units.iter().all(|u| self.exits[d].contains(u)) {
                Ok(next)
            } else {
                branch(self, b)
            };
            let target = match target {
                Ok(t) => t,
                Err(e) => {
                    result = Err(e);
                    break;
                }
            };
            match b.predicate {
                Some(p) => cases.push((p, target)),
                None => default = target,
            }
        }
        result.map(|()| (cases, default))
    }

    /// Plans a flow (the main flow or one branch of a decision): its own decisions stand for
    /// their whole regions, the rest is decomposed into series and parallel blocks. Returns
    /// the name of the flow's first node; its last nodes continue to `next`.
    fn plan_flow(&mut self, units: &[usize], next: NodeId) -> Result<NodeId, Vec<Issue>> {
        if units.is_empty() {
            return Ok(next);
        }
        let hidden: HashSet<usize> = units
            .iter()
            .filter(|&&v| self.is_decision(v))
            .flat_map(|&d| self.region[d].iter().copied())
            .collect();
        let top: Vec<usize> = units
            .iter()
            .copied()
            .filter(|v| !hidden.contains(v))
            .collect();
        let mut local = std::mem::take(&mut self.local);
        // A decision stands for its whole region: it leads to where its branches meet.
        let succ = |v: usize| -> &[usize] {
            if self.is_decision(v) {
                &self.exits[v]
            } else {
                &self.succ[v]
            }
        };
        let terminal: Vec<bool> = top
            .iter()
            .map(|&v| {
                if self.is_decision(v) {
                    let kills = |b: &Branch| {
                        b.units.is_empty()
                            && b.exits
                                .iter()
                                .all(|&e| self.wf.nodes[e].kind.node_type() == NodeType::Kill)
                    };
                    self.branches[v].iter().all(kills)
                } else {
                    self.kill_on_ok[v].is_some()
                }
            })
            .collect();
        let mut dag = Dag::new(&top, succ, terminal, &mut local);
        self.local = local;
        let tree = dag.decompose();
        // Warnings in drawing order, not in the order the decomposition happened on them.
        crate::order::sort_by_key(&mut dag.cuts, |cut| {
            (
                cut.before.iter().min().copied(),
                cut.after.iter().min().copied(),
            )
        });
        let cuts = dag.cuts.iter().map(|cut| AddedCut {
            before: cut.before.iter().map(|&l| top[l]).collect(),
            after: cut.after.iter().map(|&l| top[l]).collect(),
            count: cut.count,
            orderings: cut.pairs.iter().map(|&(b, a)| (top[b], top[a])).collect(),
        });
        self.added.extend(cuts);
        let emitted = tree.emit(&mut self.names, next, &top, &dag.terminal)?;
        for step in emitted.order {
            match step {
                Emit::Leaf(local, next) => {
                    let v = top[local];
                    if self.is_decision(v) {
                        let slot = self.out.len();
                        self.out.push((
                            Some(v),
                            PlanNode {
                                id: v,
                                kind: PlanKind::End,
                            },
                        ));
                        let (cases, default) = self.decision_targets(
                            v,
                            &mut |planner, b| planner.plan_branch(v, b, next),
                            next,
                        )?;
                        self.out[slot].1.kind = PlanKind::Decision { cases, default };
                    } else {
                        let ok = self.kill_on_ok[v].unwrap_or(next);
                        let kind = self.action_kind(v, ok);
                        self.out.push((Some(v), PlanNode { id: v, kind }));
                    }
                }
                Emit::Fork(id, paths) => self.out.push((
                    None,
                    PlanNode {
                        id,
                        kind: PlanKind::Fork { paths },
                    },
                )),
                Emit::Join(id, to) => self.out.push((
                    None,
                    PlanNode {
                        id,
                        kind: PlanKind::Join { to },
                    },
                )),
            }
        }
        Ok(emitted.start)
    }

    /// The nodes of `within` that `from` leads to (`from` itself included) without leaving it.
    fn reach_within(&self, from: &[usize], within: &HashSet<usize>) -> HashSet<usize> {
        let mut seen = HashSet::new();
        let mut stack: Vec<usize> = from
            .iter()
            .copied()
            .filter(|u| within.contains(u))
            .collect();
        while let Some(v) = stack.pop() {
            if seen.insert(v) {
                stack.extend(self.succ[v].iter().filter(|w| within.contains(*w)));
            }
        }
        seen
    }

    /// One branch of decision `d`: the nodes of its region reachable from the branch's
    /// targets, which no other branch may reach.
    fn plan_branch(
        &mut self,
        d: usize,
        b: &Branch<'a>,
        next: NodeId,
    ) -> Result<NodeId, Vec<Issue>> {
        let region: HashSet<usize> = self.region[d].iter().copied().collect();
        let seen = self.reach_within(&b.units, &region);
        for other in self.branches[d]
            .iter()
            .filter(|o| o.predicate != b.predicate)
        {
            if let Some(&shared) = other.units.iter().find(|u| seen.contains(*u)) {
                return Err(vec![Issue::error(
                    "S1009",
                    format!(
                        "Two branches of decision '{}' both lead to '{}' before they meet again; Oozie needs the branches of a decision to stay apart",
                        self.wf.nodes[d].name, self.wf.nodes[shared].name
                    ),
                )
                .on_nodes([self.name(d), self.name(shared)])]);
            }
        }
        let mut units: Vec<usize> = seen.into_iter().collect();
        crate::order::sort(&mut units);
        self.plan_flow(&units, next)
    }
}

/// Adjacency lists in one block: node `v`'s list is `to[first[v]..first[v + 1]]`, so a
/// graph of 10,000 nodes is two allocations, not 10,000.
struct Adjacency {
    first: Vec<usize>,
    to: Vec<usize>,
}

impl Adjacency {
    /// From `(from, to)` pairs over nodes `0..n`; each list keeps the pairs' order.
    fn new(n: usize, pairs: &[(usize, usize)]) -> Self {
        let mut first = vec![0; n + 1];
        for &(a, _) in pairs {
            first[a + 1] += 1;
        }
        for v in 0..n {
            first[v + 1] += first[v];
        }
        let mut fill = first.clone();
        let mut to = vec![0; pairs.len()];
        for &(a, b) in pairs {
            to[fill[a]] = b;
            fill[a] += 1;
        }
        Adjacency { first, to }
    }
}

impl std::ops::Index<usize> for Adjacency {
    type Output = [usize];

    fn index(&self, v: usize) -> &[usize] {
        &self.to[self.first[v]..self.first[v + 1]]
    }
}

/// The main flow's dependency DAG over local indices `0..flow.len()`.
struct Dag {
    succ: Adjacency,
    pred: Adjacency,
    /// Success of this action kills the workflow: nothing may be ordered after it.
    terminal: Vec<bool>,
    /// Generation-stamped marks: `member[v] == stamp` means v is in the current block.
    member: Vec<u32>,
    seen: Vec<u32>,
    stamp: u32,
    /// Scratch per node: its position in the current block's depth order.
    pos: Vec<usize>,
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
    Leaf(usize, NodeId),
    Fork(NodeId, Vec<NodeId>),
    Join(NodeId, NodeId),
}

struct Emitted {
    start: NodeId,
    order: Vec<Emit>,
}

impl Dag {
    /// `succ(g)` lists the successors of global node `g`; those outside `flow` are
    /// ignored, and so are repeats. `local` is scratch indexed by global node, all
    /// [`NONE`], and left so.
    fn new<'s>(
        flow: &[usize],
        succ: impl Fn(usize) -> &'s [usize],
        terminal: Vec<bool>,
        local: &mut [usize],
    ) -> Self {
        let n = flow.len();
        for (l, &g) in flow.iter().enumerate() {
            local[g] = l;
        }
        let mut pairs = Vec::new();
        // `last[t] == l`: the edge l -> t is already in.
        let mut last = vec![NONE; n];
        for (l, &g) in flow.iter().enumerate() {
            for &t in succ(g) {
                let lt = local[t];
                if lt != NONE && last[lt] != l {
                    last[lt] = l;
                    pairs.push((l, lt));
                }
            }
        }
        for &g in flow {
            local[g] = NONE;
        }
        let reversed: Vec<(usize, usize)> = pairs.iter().map(|&(a, b)| (b, a)).collect();
        Dag {
            succ: Adjacency::new(n, &pairs),
            pred: Adjacency::new(n, &reversed),
            terminal,
            member: vec![0; n],
            seen: vec![0; n],
            pos: vec![0; n],
            stamp: 0,
            remaining: vec![0; n],
            level: vec![0; n],
            cuts: Vec::new(),
        }
    }

    fn next_stamp(&mut self) -> u32 {
        self.stamp += 1;
        self.stamp
    }

    /// Series-parallel decomposition of the whole flow, with an explicit work stack.
    fn decompose(&mut self) -> Arena {
        let mut arena = Arena(Vec::new());
        let n = self.member.len();
        if n == 0 {
            return arena;
        }
        arena.0.push(Tree::Leaf(0));
        let mut work: Vec<(Vec<usize>, usize)> = vec![((0..n).collect(), 0)];
        while let Some((block, slot)) = work.pop() {
            if let [only] = block.as_slice() {
                arena.0[slot] = Tree::Leaf(*only);
                continue;
            }
            let parts = self.components(&block);
            if parts.len() > 1 {
                let children = parts
                    .into_iter()
                    .map(|p| arena.child(p, &mut work))
                    .collect();
                arena.0[slot] = Tree::Parallel(children);
            } else {
                self.series(&block, slot, &mut arena, &mut work);
            }
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
            crate::order::sort(&mut part);
            parts.push(part);
        }
        parts
    }

    /// Splits a connected block in series: at every cut of cost zero if there is one;
    /// otherwise at the cheapest boundary between depth layers (ties: the one nearest the
    /// middle), adding the orderings it needs. Only layer boundaries are candidates: a cut
    /// inside a layer would peel nodes off one at a time, each cut cheap, the sum ruinous.
    ///
    /// After a forced cut, what follows is decomposed right here rather than by the caller,
    /// for as long as its largest component has no free cut: its depth order is the tail of
    /// this block's, so its cut costs are this block's minus what the nodes left behind
    /// contributed. A layered drawing peels one layer per cut, and each cut strands the
    /// sinks of the layer before as parallel branches; redoing the scan and the component
    /// search for every layer would be quadratic. The result is the same as recursing.
    fn series(
        &mut self,
        block: &[usize],
        mut slot: usize,
        arena: &mut Arena,
        work: &mut Vec<(Vec<usize>, usize)>,
    ) {
        let member = self.next_stamp();
        for &v in block {
            self.member[v] = member;
        }
        let order = self.topological(block, member);
        let mut scan = Scan::new(self, &order, member);
        let free: Vec<usize> = scan.free_cuts(0).collect();
        if !free.is_empty() {
            let mut children = Vec::with_capacity(free.len() + 1);
            let mut from = 0;
            for k in free.into_iter().chain([order.len()]) {
                let mut part = order[from..k].to_vec();
                crate::order::sort(&mut part);
                children.push(arena.child(part, work));
                from = k;
            }
            arena.0[slot] = Tree::Series(children);
            return;
        }
        let mut series = Vec::new();
        let mut from = 0;
        loop {
            let b = scan
                .cheapest(from)
                .expect("a connected block of two or more actions has a valid layer boundary");
            let to = scan.bounds[b];
            self.record_cut(&scan, &order, from, b);
            let before = scan.take((from..to).collect(), self, &order);
            series.push(arena.child(before, work));
            from = to;
            let mut parts = scan.tail_components(from);
            if parts.len() > 1 {
                // The tail falls apart: parallel branches, the largest one peeled on here.
                let tail = arena.placeholder();
                series.push(tail);
                arena.0[slot] = Tree::Series(std::mem::take(&mut series));
                let largest = (0..parts.len())
                    .max_by_key(|&i| (scan.size[parts[i]], std::cmp::Reverse(i)))
                    .expect("two or more parts");
                let kept = parts.swap_remove(largest);
                scan.big = kept;
                let mut branches: Vec<(usize, usize)> = parts
                    .into_iter()
                    .map(|root| {
                        let low = scan.low[root];
                        let nodes = scan.take(scan.members(root), self, &order);
                        (low, arena.child(nodes, work))
                    })
                    .collect();
                slot = arena.placeholder();
                branches.push((scan.low[kept], slot));
                crate::order::sort(&mut branches);
                arena.0[tail] = Tree::Parallel(branches.into_iter().map(|(_, c)| c).collect());
            }
            if scan.live == 1 || scan.free_cuts(from).next().is_some() {
                let rest = scan.remaining(&order);
                if series.is_empty() {
                    work.push((rest, slot));
                } else {
                    series.push(arena.child(rest, work));
                    arena.0[slot] = Tree::Series(series);
                }
                return;
            }
        }
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
        crate::order::sort_by_key(&mut order, |&v| (self.level[v], v));
        order
    }

    /// Records the forced cut at boundary `b` of what is left from position `from` on. Its
    /// orderings are not added to the graph: the two parts are decomposed separately from
    /// here on, and the series block that joins them already puts one after the other.
    fn record_cut(&mut self, scan: &Scan, order: &[usize], from: usize, b: usize) {
        let at = scan.bounds[b];
        let layer_end = scan.bounds.get(b + 1).copied().unwrap_or(order.len());
        let before: Vec<usize> = (from..at)
            .filter(|&p| scan.alive[p] && scan.first_succ[p] >= at)
            .map(|p| order[p])
            .collect();
        // Only the layer right after the boundary can have all its predecessors before it.
        let after: Vec<usize> = (at..layer_end)
            .filter(|&p| scan.alive[p] && scan.last_pred[p].is_none_or(|l| l < at))
            .map(|p| order[p])
            .collect();
        let count = scan.cost(b).expect("a chosen cut is valid");
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

/// No node: the end of a member list.
const NONE: usize = usize::MAX;

/// A connected block in depth order (positions `0..n`), with the cut cost of every layer
/// boundary, kept right while nodes are taken away: the part before a cut, or a component
/// the tail no longer reaches.
///
/// A node at position `p` is maximal before a cut at `j` when `p < j <= first_succ[p]`, and
/// minimal after it when `last_pred[p] < j <= p`; an edge counts when its source is maximal
/// and its target minimal. So every count is a sum over intervals of boundaries, updated
/// with difference arrays when nodes leave.
///
/// The components of each tail come from a union-find built from the back (each node
/// joined to its successors, all later) and undone from the front as the tail shrinks: no
/// path compression, union by size, and a log of the merges to undo them in reverse.
struct Scan {
    /// Positions where the depth changes.
    bounds: Vec<usize>,
    /// `below[p]`: how many boundaries are at or before position `p`.
    below: Vec<usize>,
    first_succ: Vec<usize>,
    last_pred: Vec<Option<usize>>,
    /// Per boundary: maximal nodes before, minimal nodes after, edges between them, and
    /// terminal nodes among the maximal ones (no cut may come after those).
    max: Vec<u64>,
    min: Vec<u64>,
    cross: Vec<u64>,
    terminal: Vec<u64>,
    alive: Vec<bool>,
    live: usize,
    /// Alive nodes per position, as a Fenwick tree: a boundary's position in what is left.
    counts: Vec<u64>,
    /// Union-find over positions; `next`/`last` chain each set's members from its root.
    parent: Vec<usize>,
    size: Vec<usize>,
    /// The lowest node (local index) of each set: parallel parts come in that order.
    low: Vec<usize>,
    next: Vec<usize>,
    last: Vec<usize>,
    merges: Vec<Merge>,
    /// A node of the part still being peeled.
    big: usize,
}

/// One union, to be undone: `child`'s root was hung under `root` when position `time` was
/// added.
struct Merge {
    time: usize,
    child: usize,
    root: usize,
    size: usize,
    low: usize,
    last: usize,
}

impl Scan {
    fn new(dag: &mut Dag, order: &[usize], member: u32) -> Self {
        let n = order.len();
        for (p, &v) in order.iter().enumerate() {
            dag.pos[v] = p;
        }
        let bounds: Vec<usize> = (1..n)
            .filter(|&k| dag.level[order[k - 1]] != dag.level[order[k]])
            .collect();
        let mut below = vec![0; n + 1];
        let mut seen = 0;
        for (p, slot) in below.iter_mut().enumerate() {
            if bounds.get(seen) == Some(&p) {
                seen += 1;
            }
            *slot = seen;
        }
        let inside = |w: &&usize| dag.member[**w] == member;
        let first_succ = order
            .iter()
            .map(|&u| dag.succ[u].iter().filter(inside).map(|&w| dag.pos[w]).min())
            .map(|p| p.unwrap_or(n))
            .collect();
        let last_pred = order
            .iter()
            .map(|&w| dag.pred[w].iter().filter(inside).map(|&u| dag.pos[u]).max())
            .collect();
        let nb = bounds.len();
        let mut counts = vec![0; n + 1];
        for p in 1..=n {
            counts[p] += 1;
            let up = p + (p & p.wrapping_neg());
            if up <= n {
                counts[up] += counts[p];
            }
        }
        let mut scan = Scan {
            bounds,
            below,
            first_succ,
            last_pred,
            max: vec![0; nb],
            min: vec![0; nb],
            cross: vec![0; nb],
            terminal: vec![0; nb],
            alive: vec![true; n],
            live: n,
            counts,
            parent: (0..n).collect(),
            size: vec![1; n],
            low: order.to_vec(),
            next: vec![NONE; n],
            last: (0..n).collect(),
            merges: Vec::new(),
            big: 0,
        };
        scan.count((0..n).collect(), dag, order, 1);
        for p in (0..n).rev() {
            for &w in &dag.succ[order[p]] {
                if dag.member[w] == member {
                    scan.union(p, dag.pos[w]);
                }
            }
        }
        scan
    }

    /// Adds (`by` = 1) or removes (`by` = -1) what the nodes at `positions` contribute to
    /// the boundary counts.
    fn count(&mut self, positions: Vec<usize>, dag: &Dag, order: &[usize], by: i64) {
        let nb = self.bounds.len();
        let mut max = vec![0i64; nb + 1];
        let mut min = vec![0i64; nb + 1];
        let mut cross = vec![0i64; nb + 1];
        let mut terminal = vec![0i64; nb + 1];
        let member = dag.member[order[0]];
        for p in positions {
            let (lo, hi) = (self.below[p], self.below[self.first_succ[p]]);
            add(&mut max, lo, hi, by);
            if dag.terminal[order[p]] {
                add(&mut terminal, lo, hi, by);
            }
            let after = |l: Option<usize>| l.map_or(0, |l| self.below[l]);
            add(&mut min, after(self.last_pred[p]), self.below[p], by);
            for &w in &dag.succ[order[p]] {
                if dag.member[w] == member {
                    add(&mut cross, after(self.last_pred[dag.pos[w]]), hi, by);
                }
            }
        }
        settle(&mut self.max, &max);
        settle(&mut self.min, &min);
        settle(&mut self.cross, &cross);
        settle(&mut self.terminal, &terminal);
    }

    fn cost(&self, b: usize) -> Option<u64> {
        let proper = self.max[b] > 0 && self.min[b] > 0 && self.terminal[b] == 0;
        proper.then(|| self.max[b] * self.min[b] - self.cross[b])
    }

    /// Positions of the boundaries after `from` that cost nothing.
    fn free_cuts(&self, from: usize) -> impl Iterator<Item = usize> + '_ {
        (self.below[from]..self.bounds.len())
            .filter(|&b| self.cost(b) == Some(0))
            .map(|b| self.bounds[b])
    }

    /// The cheapest boundary after `from`; ties go to the one nearest the middle of what
    /// is left, then to the earlier one.
    fn cheapest(&self, from: usize) -> Option<usize> {
        let middle = self.live / 2;
        (self.below[from]..self.bounds.len())
            .filter_map(|b| {
                let k = self.alive_before(self.bounds[b]);
                self.cost(b).map(|c| (c, k.abs_diff(middle), b))
            })
            .min()
            .map(|(_, _, b)| b)
    }

    fn alive_before(&self, mut p: usize) -> usize {
        let mut sum = 0;
        while p > 0 {
            sum += self.counts[p];
            p &= p - 1;
        }
        sum as usize
    }

    /// Takes the alive nodes among `positions` away; returns them as sorted local indices.
    fn take(&mut self, positions: Vec<usize>, dag: &Dag, order: &[usize]) -> Vec<usize> {
        let positions: Vec<usize> = positions.into_iter().filter(|&p| self.alive[p]).collect();
        let mut nodes = Vec::with_capacity(positions.len());
        for &p in &positions {
            self.alive[p] = false;
            self.live -= 1;
            let mut i = p + 1;
            while i < self.counts.len() {
                self.counts[i] -= 1;
                i += i & i.wrapping_neg();
            }
            nodes.push(order[p]);
        }
        self.count(positions, dag, order, -1);
        crate::order::sort(&mut nodes);
        nodes
    }

    /// The components of what is left from `from` on, by their roots. Undoes the merges
    /// made by the nodes before `from`; only the sets they split can be new components.
    fn tail_components(&mut self, from: usize) -> Vec<usize> {
        let mut roots = vec![self.big];
        while let Some(m) = self.merges.last().filter(|m| m.time < from) {
            let (child, root) = (m.child, m.root);
            self.size[root] = m.size;
            self.low[root] = m.low;
            self.next[m.last] = NONE;
            self.last[root] = m.last;
            self.parent[child] = child;
            self.merges.pop();
            roots.extend([child, root]);
        }
        let mut roots: Vec<usize> = roots.into_iter().map(|r| self.find(r)).collect();
        crate::order::sort(&mut roots);
        roots.dedup();
        roots.retain(|&r| r >= from && self.alive[r]);
        if let [only] = roots.as_slice() {
            self.big = *only;
        }
        roots
    }

    fn find(&self, mut p: usize) -> usize {
        while self.parent[p] != p {
            p = self.parent[p];
        }
        p
    }

    fn union(&mut self, time: usize, q: usize) {
        let (a, b) = (self.find(time), self.find(q));
        if a == b {
            return;
        }
        let (child, root) = if self.size[a] < self.size[b] {
            (a, b)
        } else {
            (b, a)
        };
        self.merges.push(Merge {
            time,
            child,
            root,
            size: self.size[root],
            low: self.low[root],
            last: self.last[root],
        });
        self.parent[child] = root;
        self.size[root] += self.size[child];
        self.low[root] = self.low[root].min(self.low[child]);
        self.next[self.last[root]] = child;
        self.last[root] = self.last[child];
    }

    /// The positions of the set rooted at `root`.
    fn members(&self, root: usize) -> Vec<usize> {
        let mut out = Vec::with_capacity(self.size[root]);
        let mut p = root;
        while p != NONE {
            out.push(p);
            p = self.next[p];
        }
        out
    }

    /// The part still being peeled, as sorted local indices.
    fn remaining(&self, order: &[usize]) -> Vec<usize> {
        let mut nodes: Vec<usize> = self
            .members(self.find(self.big))
            .into_iter()
            .map(|p| order[p])
            .collect();
        crate::order::sort(&mut nodes);
        nodes
    }
}

/// Adds `by` to the boundaries `lo..hi` of a difference array.
fn add(diff: &mut [i64], lo: usize, hi: usize, by: i64) {
    if lo < hi {
        diff[lo] += by;
        diff[hi] -= by;
    }
}

/// Applies a difference array.
fn settle(values: &mut [u64], diff: &[i64]) {
    let mut run = 0i64;
    for (b, value) in values.iter_mut().enumerate() {
        run += diff[b];
        *value = value
            .checked_add_signed(run)
            .expect("a count never goes below zero");
    }
}

impl Arena {
    /// A slot for a block still to decompose.
    fn child(&mut self, block: Vec<usize>, work: &mut Vec<(Vec<usize>, usize)>) -> usize {
        let slot = self.placeholder();
        work.push((block, slot));
        slot
    }

    fn placeholder(&mut self) -> usize {
        self.0.push(Tree::Leaf(usize::MAX));
        self.0.len() - 1
    }

    /// Oozie nodes in document order (a fork, its branches, its join), with each action's
    /// continuation, and the first node of the flow. `leaf_ids[v]` is leaf `v`'s node;
    /// `terminal[v]`: the success of leaf `v` kills the workflow.
    fn emit(
        &self,
        names: &mut Names<'_>,
        end: NodeId,
        leaf_ids: &[NodeId],
        terminal: &[bool],
    ) -> Result<Emitted, Vec<Issue>> {
        let n = self.0.len();
        let mut forks: Vec<(NodeId, NodeId)> = vec![(NONE, NONE); n];
        for (i, t) in self.0.iter().enumerate() {
            if matches!(t, Tree::Parallel(_)) {
                forks[i] = names.placeholder_pair();
            }
        }
        // Bottom-up (children come after their parent in the arena): each block's first
        // node, and whether its success always ends in a kill.
        let mut entry = vec![NONE; n];
        let mut kills = vec![false; n];
        let mut issues = Vec::new();
        for i in (0..n).rev() {
            (entry[i], kills[i]) = match &self.0[i] {
                Tree::Leaf(v) => (leaf_ids[*v], terminal[*v]),
                Tree::Series(children) => (
                    entry[children[0]],
                    kills[*children.last().expect("a series has parts")],
                ),
                Tree::Parallel(children) => {
                    let all_kill = children.iter().all(|&c| kills[c]);
                    if all_kill {
                        let ends: Vec<String> = children
                            .iter()
                            .map(|&c| names.ids[entry[c]].clone().into_owned())
                            .collect();
                        issues.push(Issue::error(
                            "S1007",
                            format!(
                                "The parallel branches starting at {} all end in a kill node; Oozie needs at least one of them to continue",
                                ends.join(", ")
                            ),
                        )
                        .on_nodes(ends));
                    }
                    (forks[i].0, all_kill)
                }
            };
        }
        if !issues.is_empty() {
            return Err(issues);
        }
        let mut next = vec![NONE; n];
        next[0] = end;
        for i in 0..n {
            match &self.0[i] {
                Tree::Leaf(_) => {}
                Tree::Series(children) => {
                    for pair in children.windows(2) {
                        next[pair[0]] = entry[pair[1]];
                    }
                    next[*children.last().expect("a series has parts")] = next[i];
                }
                Tree::Parallel(children) => {
                    for &c in children {
                        next[c] = forks[i].1;
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
                    Tree::Leaf(v) => order.push(Emit::Leaf(*v, next[i])),
                    Tree::Series(children) => {
                        stack.extend(children.iter().rev().map(|&c| Step::Visit(c)));
                    }
                    Tree::Parallel(children) => {
                        let paths = children.iter().map(|&c| entry[c]).collect();
                        order.push(Emit::Fork(forks[i].0, paths));
                        stack.push(Step::Join(i));
                        stack.extend(children.iter().rev().map(|&c| Step::Visit(c)));
                    }
                },
                Step::Join(i) => order.push(Emit::Join(forks[i].1, next[i])),
            }
        }
        Ok(Emitted {
            start: entry[0],
            order,
        })
    }
}
