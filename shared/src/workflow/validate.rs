//! Validation of the editing model: the checks Oozie makes at submit time, with Oozie's
//! error codes where Oozie has one, plus Sluice's own (codes `S1xxx`) for what the export of
//! this model needs and for warnings Oozie does not give.
//!
//! Every issue names the nodes and edges involved so the designer can highlight them. The
//! same function runs live in the browser and authoritatively on the server.

use std::collections::VecDeque;

use foldhash::{HashMap, HashMapExt, HashSet, HashSetExt};

use petgraph::algo::kosaraju_scc;
use petgraph::graph::{DiGraph, NodeIndex};
use serde::{Deserialize, Serialize};

use super::action::{self, Cluster};
use super::{
    Edge, EdgeKind, Fields, FsOp, MAX_NODE_NAME_LEN, NodeKind, NodeType, Value, Workflow,
    is_valid_node_name,
};
use crate::oozie::plan::Plan;
use crate::oozie::validate::{ForkJoinCheck, is_known_action_type, validate_graph};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    /// Oozie would reject the workflow, or Sluice cannot export it.
    Error,
    /// Accepted, but probably not what the user meant.
    Warning,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct Issue {
    /// Oozie's error code (`E07xx`) or Sluice's own (`S1xxx`).
    pub code: String,
    pub severity: Severity,
    pub message: String,
    /// Nodes to highlight, in a meaningful order (a cycle's nodes in path order).
    #[serde(default)]
    pub nodes: Vec<String>,
    /// Edges to highlight.
    #[serde(default)]
    pub edges: Vec<Edge>,
}

impl Issue {
    pub fn error(code: &str, message: String) -> Self {
        Issue {
            code: code.to_owned(),
            severity: Severity::Error,
            message,
            nodes: Vec::new(),
            edges: Vec::new(),
        }
    }

    pub fn warning(code: &str, message: String) -> Self {
        Issue {
            severity: Severity::Warning,
            ..Issue::error(code, message)
        }
    }

    pub fn on_nodes<I: IntoIterator<Item = S>, S: Into<String>>(mut self, nodes: I) -> Self {
        self.nodes = nodes.into_iter().map(Into::into).collect();
        self
    }

    pub fn on_edges(mut self, edges: Vec<Edge>) -> Self {
        self.edges = edges;
        self
    }

    pub fn is_error(&self) -> bool {
        self.severity == Severity::Error
    }
}

/// All issues of the workflow, errors first, each group in a stable order so the list does
/// not jump around while the user edits.
pub fn validate(wf: &Workflow) -> Vec<Issue> {
    validate_and_plan(wf).0
}

/// [`validate`], and the fork/join plan the export writes when the drawing has no error:
/// the export checks and plans a drawing once, not twice.
pub(crate) fn validate_and_plan(wf: &Workflow) -> (Vec<Issue>, Option<Plan<'_>>) {
    let mut issues = Vec::new();
    let graph = NameGraph::new(wf);
    check_names(wf, &graph, &mut issues);
    check_edges(wf, &graph, &mut issues);
    check_fields(wf, &graph, &mut issues);
    check_shape(wf, &mut issues);
    check_parameters(wf, &mut issues);
    check_cycles(wf, &graph, &mut issues);
    let plan = if issues.iter().any(Issue::is_error) {
        None
    } else {
        check_plan(wf, &graph, &mut issues)
    };
    check_reachability(wf, &graph, &mut issues);
    // Stable: keeps the order of discovery inside each severity.
    crate::order::sort_by_key(&mut issues, |i| i.severity != Severity::Error);
    (issues, plan)
}

fn check_names(wf: &Workflow, graph: &NameGraph<'_>, issues: &mut Vec<Issue>) {
    if wf.name.trim().is_empty() {
        issues.push(Issue::error(
            "E0701",
            "XML schema error, the workflow needs a name".to_owned(),
        ));
    }
    for (i, node) in wf.nodes.iter().enumerate() {
        if !is_valid_node_name(&node.name) {
            issues.push(
                Issue::error(
                    "E0724",
                    format!(
                        "Invalid node name, [{}]: a name has 1 to {MAX_NODE_NAME_LEN} characters, \
                         starts with a letter or '_' and continues with letters, digits, '_' or '-'",
                        node.name
                    ),
                )
                .on_nodes([node.name.clone()]),
            );
        }
        if graph.first[i] != i {
            issues.push(
                Issue::error(
                    "E0705",
                    format!("Node already defined, node [{}]", node.name),
                )
                .on_nodes([node.name.clone()]),
            );
        }
    }
}

fn check_edges(wf: &Workflow, graph: &NameGraph<'_>, issues: &mut Vec<Issue>) {
    for (edge, &(from, to)) in wf.edges.iter().zip(&graph.ends) {
        let Some(from) = from else {
            issues.push(
                Issue::error(
                    "E0708",
                    format!(
                        "Invalid transition, node [{}] does not exist (transition to [{}])",
                        edge.from, edge.to
                    ),
                )
                .on_edges(vec![edge.clone()]),
            );
            continue;
        };
        if to.is_none() {
            issues.push(
                Issue::error(
                    "E0708",
                    format!(
                        "Invalid transition, node [{}] transition [{}]",
                        edge.from, edge.to
                    ),
                )
                .on_nodes([edge.from.clone()])
                .on_edges(vec![edge.clone()]),
            );
        }
        let source_type = wf.nodes[from].kind.node_type();
        if !edge.kind.fits(source_type) {
            let message = if source_type.has_outputs() {
                format!(
                    "'{}' is a {} node and has no {} output",
                    edge.from,
                    source_type.id(),
                    edge.kind.id()
                )
            } else {
                format!(
                    "'{}' is a {} node and cannot lead anywhere",
                    edge.from,
                    source_type.id()
                )
            };
            issues.push(
                Issue::error("S1001", message)
                    .on_nodes([edge.from.clone()])
                    .on_edges(vec![edge.clone()]),
            );
        }
        if edge.kind == EdgeKind::Case && edge.predicate.trim().is_empty() {
            issues.push(
                Issue::error(
                    "S1011",
                    format!(
                        "The case from '{}' to '{}' has no predicate",
                        edge.from, edge.to
                    ),
                )
                .on_nodes([edge.from.clone()])
                .on_edges(vec![edge.clone()]),
            );
        }
        if to == Some(from) {
            issues.push(
                Issue::error(
                    "E0706",
                    format!("Node cannot transition to itself node [{}]", edge.from),
                )
                .on_nodes([edge.from.clone()])
                .on_edges(vec![edge.clone()]),
            );
        }
    }
    // An edge drawn twice: compared within its source's edges only, which are few; a source
    // with many gets a set of its own (one set shared by all sources would be cleared for
    // each, and clearing costs its whole capacity).
    const FEW: usize = 32;
    for out in &graph.edges_from {
        let mut many = (out.len() > FEW).then(|| HashSet::with_capacity(out.len()));
        for (k, &e) in out.iter().enumerate() {
            let (edge, to) = (&wf.edges[e], graph.ends[e].1);
            // Edges to unknown nodes are reported above; duplicates among those add nothing.
            let Some(to) = to else { continue };
            let twice = match &mut many {
                Some(seen) => !seen.insert((to, edge.kind, edge.predicate.as_str())),
                None => out[..k].iter().any(|&d| {
                    let other = &wf.edges[d];
                    graph.ends[d].1 == Some(to)
                        && other.kind == edge.kind
                        && other.predicate == edge.predicate
                }),
            };
            if twice {
                issues.push(
                    Issue::error(
                        "S1002",
                        format!(
                            "The {} edge from '{}' to '{}' is drawn twice",
                            edge.kind.id(),
                            edge.from,
                            edge.to
                        ),
                    )
                    .on_edges(vec![edge.clone()]),
                );
            }
        }
    }
}

/// Each action's fields against its type's schema, and what Oozie's parser adds: a
/// name-node and a resource manager for every action that runs on the cluster.
fn check_fields(wf: &Workflow, graph: &NameGraph<'_>, issues: &mut Vec<Issue>) {
    for key in wf.global.0.keys() {
        if !action::GLOBAL.iter().any(|f| f.key == key) {
            issues.push(Issue::error(
                "E0701",
                format!("XML schema error, <global> has no field '{key}'"),
            ));
        }
    }
    if let Some(Err(problem)) = wf.sla.as_deref().map(parse_kept) {
        issues.push(Issue::error(
            "E0701",
            format!("XML schema error, the workflow's SLA: {problem}"),
        ));
    }
    let global_has = |key: &str| wf.global.get(key).is_some();
    for node in &wf.nodes {
        let NodeKind::Action(action) = &node.kind else {
            continue;
        };
        let mut problems = Vec::new();
        match action.spec() {
            Some(spec) => {
                problems = action::check_fields(spec, &action.fields, wf.schema);
                let has = |key: &str| action.fields.get(key).is_some() || global_has(key);
                if spec.cluster != Cluster::None && !has("name-node") {
                    problems.push("No name-node defined".to_owned());
                }
                if spec.cluster == Cluster::Both && !has("resource-manager") {
                    problems.push("No job-tracker or resource-manager defined".to_owned());
                }
            }
            None => match action.xml.as_deref().map(parse_kept) {
                None => problems.push(format!(
                    "'{}' is not an action type Sluice knows",
                    action.action
                )),
                Some(Err(problem)) => problems.push(problem),
                Some(Ok(element)) if element.name != action.action => problems.push(format!(
                    "the kept element is <{}>, not <{}>",
                    element.name, action.action
                )),
                Some(Ok(_)) if !is_known_action_type(&action.action) => issues.push(
                    Issue::warning(
                        "S2006",
                        format!(
                            "'{}' is a {} action, which a stock Oozie does not know (E0723); its server must register that action type",
                            node.name, action.action
                        ),
                    )
                    .on_nodes([node.name.clone()]),
                ),
                Some(Ok(_)) => {}
            },
        }
        if let Some(Err(problem)) = action.sla.as_deref().map(parse_kept) {
            problems.push(format!("its SLA: {problem}"));
        }
        for problem in problems {
            issues.push(
                Issue::error(
                    "E0701",
                    format!(
                        "XML schema error, {} action [{}]: {problem}",
                        action.action, node.name
                    ),
                )
                .on_nodes([node.name.clone()]),
            );
        }
    }
    for (i, node) in wf.nodes.iter().enumerate() {
        if node.kind != NodeKind::Decision || graph.first[i] != i {
            continue;
        }
        let out = |kind: EdgeKind| {
            graph.edges_from[i]
                .iter()
                .filter(|&&e| wf.edges[e].kind == kind)
                .count()
        };
        let (cases, defaults) = (out(EdgeKind::Case), out(EdgeKind::Default));
        let problem = if cases == 0 {
            Some("needs at least one case".to_owned())
        } else if defaults == 0 {
            // Several default edges start their targets in parallel, like several ok edges.
            Some("needs a default".to_owned())
        } else {
            None
        };
        if let Some(problem) = problem {
            issues.push(
                Issue::error(
                    "E0701",
                    format!("XML schema error, decision [{}] {problem}", node.name),
                )
                .on_nodes([node.name.clone()]),
            );
        }
    }
}

/// A part kept verbatim (unknown action, `sla:info`), which the export writes back.
fn parse_kept(text: &str) -> Result<crate::xml::Element, String> {
    crate::xml::parse(text, &crate::xml::Limits::default())
        .map_err(|e| format!("the kept XML does not parse ({e})"))
}

/// `<parameters>` as Oozie's `ParameterVerifier` checks them against the job properties
/// (E0739, E0738), and `${name}` references nothing defines (S2003).
fn check_parameters(wf: &Workflow, issues: &mut Vec<Issue>) {
    let defined: HashSet<&str> = wf.defined_names().collect();
    if wf.parameters.iter().any(|p| p.name.trim().is_empty()) {
        issues.push(Issue::error(
            "E0739",
            "Parameter name cannot be empty".to_owned(),
        ));
    }
    let supplied: HashSet<&str> = wf.job_properties.iter().map(|p| p.name.as_str()).collect();
    let missing: Vec<&str> = wf
        .parameters
        .iter()
        .filter(|p| !p.name.trim().is_empty() && p.value.is_none())
        .map(|p| p.name.as_str())
        .filter(|n| !supplied.contains(n))
        .collect();
    if !missing.is_empty() {
        issues.push(Issue::warning(
            "E0738",
            format!(
                "Oozie rejects the submission unless its job properties define them: the following {} parameters are required but were not defined and no default values are available: {}",
                missing.len(),
                missing.join(", ")
            ),
        ));
    }
    let mut undefined: Vec<(String, Vec<String>)> = Vec::new();
    let mut note = |var: &str, node: Option<&str>| {
        if defined.contains(var) || crate::el::catalog::CONSTANTS.contains(&var) {
            return;
        }
        let entry = match undefined.iter_mut().position(|(v, _)| v == var) {
            Some(i) => &mut undefined[i],
            None => {
                undefined.push((var.to_owned(), Vec::new()));
                undefined.last_mut().expect("just pushed")
            }
        };
        if let Some(node) = node
            && !entry.1.iter().any(|n| n == node)
        {
            entry.1.push(node.to_owned());
        }
    };
    for_each_text(&wf.global, &mut |t| {
        variables(t, &mut |v| note(v, None));
    });
    for node in &wf.nodes {
        let name = Some(node.name.as_str());
        match &node.kind {
            NodeKind::Action(a) => {
                for_each_text(&a.fields, &mut |t| variables(t, &mut |v| note(v, name)));
                for t in [&a.retry_max, &a.retry_interval, &a.retry_policy]
                    .into_iter()
                    .flatten()
                {
                    variables(t, &mut |v| note(v, name));
                }
            }
            NodeKind::Kill { message } => variables(message, &mut |v| note(v, name)),
            _ => {}
        }
    }
    for edge in wf.edges.iter().filter(|e| e.kind == EdgeKind::Case) {
        variables(&edge.predicate, &mut |v| note(v, Some(edge.from.as_str())));
    }
    for (var, nodes) in undefined {
        issues.push(
            Issue::warning(
                "S2003",
                format!("${{{var}}} is used but neither a parameter nor a job property defines it"),
            )
            .on_nodes(nodes),
        );
    }
}

/// Every text a field set holds, including nested groups and properties' values.
fn for_each_text(fields: &Fields, f: &mut dyn FnMut(&str)) {
    for value in fields.0.values() {
        match value {
            Value::Text(t) => f(t),
            Value::Texts(ts) => ts.iter().for_each(|t| f(t)),
            Value::Properties(ps) => ps
                .iter()
                .filter_map(|p| p.value.as_deref())
                .for_each(&mut *f),
            Value::Group(g) => for_each_text(g, f),
            Value::Flag(_) | Value::Ops(_) => {}
        }
        if let Value::Ops(ops) = value {
            for op in ops {
                match op {
                    FsOp::Move { source, target } => {
                        f(source);
                        f(target);
                    }
                    FsOp::Delete { path, .. }
                    | FsOp::Mkdir { path }
                    | FsOp::Touchz { path }
                    | FsOp::Setrep { path, .. }
                    | FsOp::Chmod { path, .. }
                    | FsOp::Chgrp { path, .. } => f(path),
                }
            }
        }
    }
}

/// The plain variables of a text: `${name}` where the whole expression is an identifier
/// (`${a eq b}` or `${wf:user()}` are expressions, not references to one property).
pub(crate) fn variables(text: &str, f: &mut dyn FnMut(&str)) {
    let mut rest = text;
    while let Some(start) = rest.find("${") {
        let after = &rest[start + 2..];
        let Some(end) = after.find('}') else {
            return;
        };
        let inner = after[..end].trim();
        let mut chars = inner.chars();
        if chars
            .next()
            .is_some_and(|c| c.is_ascii_alphabetic() || c == '_')
            && chars.all(|c| c.is_ascii_alphanumeric() || c == '_')
        {
            f(inner);
        }
        rest = &after[end + 1..];
    }
}

/// What Oozie's shape needs that the drawing could lack: one end node, and one error path
/// per action. (Parallel branches are fine: the export turns them into fork/join.)
fn check_shape(wf: &Workflow, issues: &mut Vec<Issue>) {
    let ends: Vec<&str> = wf
        .nodes
        .iter()
        .filter(|n| n.kind.node_type() == NodeType::End)
        .map(|n| n.name.as_str())
        .collect();
    if ends.len() > 1 {
        issues.push(
            Issue::error(
                "S1004",
                format!(
                    "An Oozie workflow has exactly one end node, this one has {} ({})",
                    ends.len(),
                    ends.join(", ")
                ),
            )
            .on_nodes(ends.iter().copied()),
        );
    }
    let mut error_paths: HashMap<&str, Vec<&Edge>> = HashMap::new();
    for edge in wf.edges.iter().filter(|e| e.kind == EdgeKind::Error) {
        error_paths
            .entry(edge.from.as_str())
            .or_default()
            .push(edge);
    }
    for node in wf.nodes.iter().filter(|n| n.kind.node_type().is_action()) {
        let Some(out) = error_paths
            .get(node.name.as_str())
            .filter(|out| out.len() > 1)
        else {
            continue;
        };
        let targets: Vec<&str> = out.iter().map(|e| e.to.as_str()).collect();
        issues.push(
            Issue::error(
                "S1008",
                format!(
                    "'{}' has {} error paths ({}); an action has one, which may lead to a recovery action",
                    node.name,
                    out.len(),
                    targets.join(", ")
                ),
            )
            .on_nodes([node.name.clone()])
            .on_edges(out.iter().map(|e| (*e).clone()).collect()),
        );
    }
}

/// The Oozie graph the export would write, checked by Oozie's own validator, and the
/// orderings the export has to add. Only run on an otherwise error-free drawing.
fn check_plan<'a>(
    wf: &'a Workflow,
    graph: &NameGraph<'_>,
    issues: &mut Vec<Issue>,
) -> Option<Plan<'a>> {
    let plan = match crate::oozie::plan::plan_resolved(wf, &graph.ends) {
        Ok(plan) => plan,
        Err(found) => {
            issues.extend(found);
            return None;
        }
    };
    let verdict = plan
        .control_graph()
        .and_then(|g| validate_graph(&g, ForkJoinCheck::On));
    match verdict {
        Ok(()) => {
            issues.extend(plan.ordering_warnings());
            return Some(plan);
        }
        // The drawing has no loop (an error otherwise, and this check would not run): the
        // loop is an error path that comes back to a node the export runs before it.
        Err(err) if err.code == "E0707" => issues.push(error_path_loop(wf, &err.nodes)),
        Err(err) => {
            let mut issue = Issue::from(err);
            // Keep only nodes the user drew (not the synthesized forks and joins).
            issue.nodes.retain(|n| graph.index.contains_key(n.as_str()));
            issues.push(issue);
        }
    }
    None
}

/// An error path whose end the fork/join export places before its start. `path` is the
/// loop Oozie found in the exported graph, forks and joins included.
fn error_path_loop(wf: &Workflow, path: &[String]) -> Issue {
    let drawn: Vec<&str> = path
        .iter()
        .map(String::as_str)
        .filter(|n| wf.node(n).is_some())
        .collect();
    let errors: Vec<Edge> = drawn
        .windows(2)
        .flat_map(|pair| {
            wf.edges
                .iter()
                .filter(move |e| e.kind == EdgeKind::Error && e.from == pair[0] && e.to == pair[1])
                .cloned()
        })
        .collect();
    let (from, to) = match (errors.first(), errors.last()) {
        (Some(first), Some(last)) => (first.from.as_str(), last.to.as_str()),
        _ => (
            drawn.first().copied().unwrap_or(""),
            drawn.last().copied().unwrap_or(""),
        ),
    };
    Issue::error(
        "S1013",
        format!(
            "The error path from '{from}' comes back to '{to}', which the fork/join export runs before '{from}'; Oozie cannot go back. Send it to a kill or end node, or to a node that runs after '{from}'"
        ),
    )
    .on_nodes(drawn.iter().copied())
    .on_edges(errors)
}

/// Every cycle, one per strongly connected component, as a concrete path (`a->b->c->a`),
/// which is what Oozie's E0707 reports and what the designer highlights.
///
/// Kosaraju's algorithm, not Tarjan's: petgraph's Tarjan recurses once per node on a path,
/// which overflows the browser's WebAssembly stack on a long chain; Kosaraju keeps its own.
fn check_cycles(wf: &Workflow, graph: &NameGraph<'_>, issues: &mut Vec<Issue>) {
    if graph.is_acyclic() {
        return;
    }
    let mut components: Vec<Vec<NodeIndex>> = kosaraju_scc(&graph.graph)
        .into_iter()
        .filter(|c| c.len() >= 2) // self-loops are E0706, reported with the edges
        .collect();
    // In drawing order, whatever order the algorithm found them in.
    crate::order::sort_by_key(&mut components, |c| c.iter().min().copied());
    for component in components {
        let members: HashSet<NodeIndex> = component.iter().copied().collect();
        // Start at the component's first node in document order: deterministic output.
        let start = *component.iter().min().expect("component is non-empty");
        let path = graph.cycle_through(start, &members);
        let names: Vec<&str> = path
            .iter()
            .map(|&i| wf.nodes[i.index()].name.as_str())
            .collect();
        let edges = path
            .windows(2)
            .flat_map(|pair| {
                let (from, to) = (pair[0].index(), pair[1].index());
                graph.edges_from[from]
                    .iter()
                    .filter(move |&&e| graph.ends[e].1 == Some(to))
                    .map(|&e| wf.edges[e].clone())
            })
            .collect();
        issues.push(
            Issue::error(
                "E0707",
                format!(
                    "Loop detected at parsing, node [{}], path [{}]",
                    names[0],
                    names.join("->")
                ),
            )
            .on_nodes(names[..names.len() - 1].iter().copied())
            .on_edges(edges),
        );
    }
}

/// What no entry node (see [`Workflow::entry_nodes`]) leads to. The same rule, on the
/// edges already resolved to graph nodes.
fn check_reachability(wf: &Workflow, graph: &NameGraph<'_>, issues: &mut Vec<Issue>) {
    let count = wf.nodes.len();
    let mut targeted = vec![false; count];
    for to in graph.ends.iter().filter_map(|&(_, to)| to) {
        targeted[to] = true;
    }
    let mut seen: Vec<bool> = (0..count)
        .map(|i| graph.first[i] == i && wf.nodes[i].starts_flow(targeted[i]))
        .collect();
    let mut queue: VecDeque<NodeIndex> = (0..count)
        .filter(|&i| seen[i])
        .map(NodeIndex::new)
        .collect();
    if queue.is_empty() {
        return;
    }
    while let Some(i) = queue.pop_front() {
        for next in graph.graph.neighbors(i) {
            if !seen[next.index()] {
                seen[next.index()] = true;
                queue.push_back(next);
            }
        }
    }
    let unreachable: Vec<&str> = wf
        .nodes
        .iter()
        .enumerate()
        // A node whose name another node already has stands or falls with that one.
        .filter(|&(i, _)| !seen[graph.first[i]])
        // An unconnected end node is still where actions without an ok edge go.
        .filter(|(_, n)| n.kind.node_type() != NodeType::End)
        .map(|(_, n)| n.name.as_str())
        .collect();
    if !unreachable.is_empty() {
        issues.push(
            Issue::warning(
                "S2001",
                format!(
                    "Not reachable from the start, so never run: {}",
                    unreachable.join(", ")
                ),
            )
            .on_nodes(unreachable.iter().copied()),
        );
    }
}

/// The workflow as a petgraph graph, with every name looked up once for all the checks.
/// Graph node `i` is `wf.nodes[i]`; edges go between the first nodes of their names, and
/// edges to or from unknown names are left out (they are reported as E0708).
struct NameGraph<'a> {
    graph: DiGraph<(), ()>,
    index: HashMap<&'a str, usize>,
    /// For each node, the first node with its name (itself unless it is a duplicate).
    first: Vec<usize>,
    /// Each edge's ends, in the order of `wf.edges`.
    ends: Vec<(Option<usize>, Option<usize>)>,
    /// The edges (positions in `wf.edges`) leaving each node, in drawing order.
    edges_from: Vec<Vec<usize>>,
}

impl<'a> NameGraph<'a> {
    fn new(wf: &'a Workflow) -> Self {
        let n = wf.nodes.len();
        let mut graph = DiGraph::with_capacity(n, wf.edges.len());
        // `Workflow::name_index`, with each node's first namesake found in the same pass.
        let mut index = HashMap::with_capacity(n);
        let mut first = Vec::with_capacity(n);
        for (i, node) in wf.nodes.iter().enumerate() {
            graph.add_node(());
            first.push(*index.entry(node.name.as_str()).or_insert(i));
        }
        let mut edges_from = vec![Vec::new(); n];
        let ends = wf
            .edge_ends(&index)
            .enumerate()
            .map(|(e, ends)| {
                if let Some(a) = ends.0 {
                    edges_from[a].push(e);
                    if let Some(b) = ends.1 {
                        graph.add_edge(NodeIndex::new(a), NodeIndex::new(b), ());
                    }
                }
                ends
            })
            .collect();
        NameGraph {
            graph,
            index,
            first,
            ends,
            edges_from,
        }
    }

    /// Whether a topological order covers every node (Kahn's algorithm): the cheap answer
    /// for the usual drawing, before looking for the loops themselves. Not petgraph's:
    /// its `is_cyclic_directed` recurses (a long chain must not, in the browser), and its
    /// iterative `toposort` makes two passes, about 0.7 ms more on a 10,000-node chain.
    fn is_acyclic(&self) -> bool {
        let n = self.graph.node_count();
        let mut indegree = vec![0usize; n];
        for edge in self.graph.raw_edges() {
            indegree[edge.target().index()] += 1;
        }
        let mut ready: Vec<NodeIndex> = (0..n)
            .filter(|&i| indegree[i] == 0)
            .map(NodeIndex::new)
            .collect();
        let mut placed = 0;
        while let Some(v) = ready.pop() {
            placed += 1;
            for w in self.graph.neighbors(v) {
                indegree[w.index()] -= 1;
                if indegree[w.index()] == 0 {
                    ready.push(w);
                }
            }
        }
        placed == n
    }

    /// The shortest path `start -> … -> start` inside a strongly connected component
    /// (breadth-first, so the reported loop is as short as the graph allows).
    fn cycle_through(&self, start: NodeIndex, members: &HashSet<NodeIndex>) -> Vec<NodeIndex> {
        let mut parent: HashMap<NodeIndex, NodeIndex> = HashMap::new();
        let mut queue = VecDeque::from([start]);
        while let Some(i) = queue.pop_front() {
            for next in self.graph.neighbors(i) {
                if !members.contains(&next) {
                    continue;
                }
                if next == start {
                    let mut path = vec![start, i];
                    let mut cur = i;
                    while cur != start {
                        cur = parent[&cur];
                        path.push(cur);
                    }
                    path.reverse();
                    return path;
                }
                if next != start && !parent.contains_key(&next) {
                    parent.insert(next, i);
                    queue.push_back(next);
                }
            }
        }
        unreachable!("every node of a strongly connected component lies on a cycle")
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::workflow::{Action, JobProperty, Node, Point, Property};

    fn shell(name: &str) -> Node {
        Node {
            name: name.to_owned(),
            position: Point::default(),
            kind: NodeKind::Action(Action::new("shell").with_text("exec", "echo")),
        }
    }

    fn end(name: &str) -> Node {
        Node {
            name: name.to_owned(),
            position: Point::default(),
            kind: NodeKind::End,
        }
    }

    fn edge(from: &str, to: &str, kind: EdgeKind) -> Edge {
        Edge::new(from, to, kind)
    }

    fn ok(from: &str, to: &str) -> Edge {
        edge(from, to, EdgeKind::Ok)
    }

    fn err(from: &str, to: &str) -> Edge {
        edge(from, to, EdgeKind::Error)
    }

    fn wf(nodes: Vec<Node>, edges: Vec<Edge>) -> Workflow {
        let mut w = Workflow::new("w");
        w.global
            .set("resource-manager", Value::Text("rm:8032".into()));
        w.global.set("name-node", Value::Text("hdfs://nn".into()));
        w.nodes = nodes;
        w.edges = edges;
        w
    }

    fn codes(issues: &[Issue]) -> Vec<&str> {
        issues.iter().map(|i| i.code.as_str()).collect()
    }

    #[test]
    fn a_chain_to_end_is_valid() {
        let w = wf(
            vec![shell("a"), shell("b"), end("end")],
            vec![ok("a", "b"), ok("b", "end")],
        );
        assert_eq!(validate(&w), vec![]);
    }

    #[test]
    fn an_edge_drawn_twice_is_found_among_few_and_among_many_edges_of_a_node() {
        // `hub` has more edges than the linear check handles (a set then), `a` just two.
        let mut nodes: Vec<Node> = (0..40).map(|i| shell(&format!("t{i}"))).collect();
        nodes.extend([shell("hub"), shell("a"), end("end")]);
        let mut edges: Vec<Edge> = (0..40).map(|i| ok("hub", &format!("t{i}"))).collect();
        edges.push(ok("hub", "t7"));
        edges.extend([ok("a", "hub"), ok("a", "hub")]);
        let issues = validate(&wf(nodes, edges));
        let twice: Vec<&Issue> = issues.iter().filter(|i| i.code == "S1002").collect();
        assert_eq!(twice.len(), 2, "{issues:#?}");
        assert_eq!(twice[0].edges, [ok("hub", "t7")]);
        assert_eq!(twice[1].edges, [ok("a", "hub")]);
    }

    #[test]
    fn cycle_is_reported_with_its_path_nodes_and_edges() {
        // a -> b -> c -> b: the loop is b->c->b; a is the entry and not part of it.
        let w = wf(
            vec![shell("a"), shell("b"), shell("c"), end("end")],
            vec![ok("a", "b"), ok("b", "c"), ok("c", "b")],
        );
        let issues = validate(&w);
        let cycle = issues.iter().find(|i| i.code == "E0707").expect("a cycle");
        assert_eq!(
            cycle.message,
            "Loop detected at parsing, node [b], path [b->c->b]"
        );
        assert_eq!(cycle.nodes, vec!["b", "c"]);
        assert_eq!(cycle.edges, vec![ok("b", "c"), ok("c", "b")]);
    }

    #[test]
    fn a_cycle_with_no_entry_is_still_found() {
        let w = wf(
            vec![shell("x"), shell("y"), shell("z")],
            vec![ok("x", "y"), ok("y", "z"), ok("z", "x")],
        );
        let issues = validate(&w);
        let cycle = issues.iter().find(|i| i.code == "E0707").expect("a cycle");
        assert_eq!(cycle.nodes, vec!["x", "y", "z"]);
        assert!(cycle.message.ends_with("path [x->y->z->x]"));
    }

    #[test]
    fn shortest_loop_is_reported() {
        // a->b->c->d->a and a shortcut d... b->a makes a->b->a the shortest loop through a.
        let w = wf(
            vec![shell("s"), shell("a"), shell("b"), shell("c"), shell("d")],
            vec![
                ok("s", "a"),
                ok("a", "b"),
                ok("b", "c"),
                ok("c", "d"),
                ok("d", "a"),
                ok("b", "a"),
            ],
        );
        let cycle = validate(&w)
            .into_iter()
            .find(|i| i.code == "E0707")
            .unwrap();
        assert!(
            cycle.message.ends_with("path [a->b->a]"),
            "{}",
            cycle.message
        );
    }

    #[test]
    fn self_loop_is_e0706() {
        let w = wf(vec![shell("a")], vec![ok("a", "a")]);
        let issues = validate(&w);
        assert!(codes(&issues).contains(&"E0706"));
        assert!(!codes(&issues).contains(&"E0707"));
    }

    #[test]
    fn bad_and_duplicate_names() {
        let long = "a".repeat(129);
        let w = wf(
            vec![shell(&long), shell("ok"), shell("ok")],
            vec![ok(&long, "ok")],
        );
        let issues = validate(&w);
        assert!(codes(&issues).contains(&"E0724"));
        assert!(codes(&issues).contains(&"E0705"));
    }

    #[test]
    fn dangling_transition_and_missing_exec() {
        let mut a = shell("a");
        a.kind = NodeKind::Action(Action::new("shell"));
        let w = wf(vec![a], vec![ok("a", "ghost")]);
        let issues = validate(&w);
        assert_eq!(codes(&issues), vec!["E0708", "E0701"]);
        assert_eq!(issues[1].nodes, vec!["a"]);
    }

    #[test]
    fn parallel_branches_are_fine_but_two_ends_and_two_error_paths_are_not() {
        let w = wf(
            vec![shell("a"), shell("b"), shell("c"), end("e1"), end("e2")],
            vec![ok("a", "b"), ok("a", "c")],
        );
        assert_eq!(codes(&validate(&w)), vec!["S1004"]);
        let mut w = wf(vec![shell("a"), shell("b"), shell("c")], vec![]);
        assert_eq!(validate(&w), vec![], "three parallel entry actions");
        w.edges = vec![err("a", "b"), err("a", "c")];
        assert_eq!(codes(&validate(&w)), vec!["S1008"]);
    }

    #[test]
    fn a_non_series_parallel_drawing_warns_about_the_ordering_it_adds() {
        // a→c, a→d, b→d is not series-parallel; one added ordering fixes it. The cut goes at
        // the boundary between the depth layers {a, b} and {c, d}: c also waits for b.
        let w = wf(
            vec![shell("a"), shell("b"), shell("c"), shell("d")],
            vec![ok("a", "c"), ok("a", "d"), ok("b", "d")],
        );
        let issues = validate(&w);
        assert_eq!(codes(&issues), vec!["S2002"]);
        assert_eq!(
            issues[0].message,
            "To export as Oozie fork/join, 'c' also waits for 'b' (this parallelism is lost in Oozie)"
        );
        assert_eq!(issues[0].nodes, vec!["b", "c"]);
    }

    #[test]
    fn an_error_path_back_into_the_flow_is_named_not_reported_as_a_loop() {
        // n2 fails over to n1, whose failure goes to n5; n5 runs in a fork with n4, which
        // n2 waits for, so the export puts n5 before n2. Found by cycle_props.
        let w = wf(
            (0..9).map(|i| shell(&format!("n{i}"))).collect(),
            vec![
                ok("n6", "n5"),
                ok("n4", "n2"),
                err("n1", "n5"),
                ok("n7", "n4"),
                ok("n6", "n4"),
                err("n2", "n1"),
                ok("n8", "n2"),
            ],
        );
        let issues = validate(&w);
        assert_eq!(codes(&issues), vec!["S1013"], "{issues:?}");
        assert!(
            issues[0]
                .message
                .starts_with("The error path from 'n2' comes back to 'n5'"),
            "{}",
            issues[0].message
        );
        assert_eq!(issues[0].edges, vec![err("n2", "n1"), err("n1", "n5")]);
    }

    #[test]
    fn a_forced_cut_that_strands_a_node_lets_it_run_beside_the_rest() {
        // Two N shapes in a row, and s hangs off b alone. The cheapest cut puts {a, b}
        // before {c, d, s}; after it, s no longer connects to anything and runs in parallel
        // with c..f, which the second N then splits again.
        let w = wf(
            ["a", "b", "c", "d", "s", "e", "f"].map(shell).to_vec(),
            vec![
                ok("a", "c"),
                ok("a", "d"),
                ok("b", "d"),
                ok("b", "s"),
                ok("c", "e"),
                ok("c", "f"),
                ok("d", "f"),
            ],
        );
        let issues = validate(&w);
        let messages: Vec<&str> = issues.iter().map(|i| i.message.as_str()).collect();
        assert_eq!(
            messages,
            vec![
                "To export as Oozie fork/join, 's' also waits for 'a'; 'c' also waits for 'b' (this parallelism is lost in Oozie)",
                "To export as Oozie fork/join, 'e' also waits for 'd' (this parallelism is lost in Oozie)",
            ]
        );
        let xml = crate::oozie::to_workflow_xml(&w).unwrap();
        assert!(
            xml.contains("<path start=\"s\"/>"),
            "s runs on a fork path of its own:\n{xml}"
        );
    }

    #[test]
    fn oozie_rejections_of_the_planned_graph_name_the_users_nodes() {
        // An error handler inside a fork that continues to the end: Oozie's E0737.
        let w = wf(
            vec![shell("a"), shell("b"), shell("cleanup"), end("end")],
            vec![err("a", "cleanup")],
        );
        let issues = validate(&w);
        assert_eq!(codes(&issues), vec!["E0737"], "{issues:?}");
        assert_eq!(issues[0].nodes, vec!["cleanup", "end"]);
    }

    #[test]
    fn unreachable_nodes_are_a_warning_listed_last() {
        let w = wf(
            vec![shell("a"), shell("b"), shell("c"), end("end")],
            vec![ok("a", "end"), ok("b", "c"), ok("c", "b")],
        );
        let issues = validate(&w);
        // b and c form a cycle with no entry: an error, and a warning that they never run.
        assert_eq!(codes(&issues), vec!["E0707", "S2001"]);
        assert_eq!(issues[1].severity, Severity::Warning);
        assert_eq!(issues[1].nodes, vec!["b", "c"]);
    }

    fn decision(name: &str) -> Node {
        Node {
            name: name.to_owned(),
            position: Point::default(),
            kind: NodeKind::Decision,
        }
    }

    fn case(from: &str, to: &str, predicate: &str) -> Edge {
        Edge {
            predicate: predicate.to_owned(),
            ..edge(from, to, EdgeKind::Case)
        }
    }

    #[test]
    fn decisions_need_a_case_a_default_and_predicates() {
        let w = wf(
            vec![shell("a"), decision("d"), shell("b"), end("end")],
            vec![ok("a", "d"), case("d", "b", "${x eq 1}")],
        );
        let issues = validate(&w);
        assert_eq!(codes(&issues)[0], "E0701");
        assert!(issues[0].message.contains("needs a default"), "{issues:?}");
        let w = wf(
            vec![shell("a"), decision("d"), shell("b"), end("end")],
            vec![
                ok("a", "d"),
                case("d", "b", " "),
                edge("d", "end", EdgeKind::Default),
            ],
        );
        assert!(codes(&validate(&w)).contains(&"S1011"));
        // An ok edge out of a decision, a case out of an action: wrong kinds of output.
        let w = wf(
            vec![shell("a"), decision("d"), shell("b")],
            vec![ok("d", "b"), case("a", "b", "${true}")],
        );
        let issues = validate(&w);
        assert_eq!(
            issues.iter().filter(|i| i.code == "S1001").count(),
            2,
            "{issues:?}"
        );
    }

    #[test]
    fn a_valid_decision_has_no_issue_and_its_branches_meet_again() {
        // a -> d; d: case -> b, default -> c; b, c -> e.
        let w = wf(
            vec![
                shell("a"),
                decision("d"),
                shell("b"),
                shell("c"),
                shell("e"),
            ],
            vec![
                ok("a", "d"),
                case("d", "b", "${wf:conf('x') eq 'y'}"),
                edge("d", "c", EdgeKind::Default),
                ok("b", "e"),
                ok("c", "e"),
            ],
        );
        assert_eq!(validate(&w), vec![]);
    }

    #[test]
    fn parameters_are_checked_as_oozie_checks_them() {
        let mut w = wf(vec![shell("a")], vec![]);
        w.parameters = vec![
            Property {
                name: "day".into(),
                value: None,
                description: None,
            },
            Property {
                name: "".into(),
                value: Some("x".into()),
                description: None,
            },
            Property {
                name: "queue".into(),
                value: Some("default".into()),
                description: None,
            },
        ];
        let issues = validate(&w);
        assert_eq!(codes(&issues), ["E0739", "E0738"]);
        assert!(issues[1].message.contains("1 parameters"), "{issues:?}");
        assert!(issues[1].message.ends_with(": day"), "{issues:?}");
        w.job_properties.push(JobProperty {
            name: "day".into(),
            value: "2026-11-21".into(),
        });
        w.parameters.remove(1);
        assert_eq!(validate(&w), vec![]);
    }

    #[test]
    fn undefined_variables_are_a_warning_naming_their_nodes() {
        let mut a = shell("a");
        a.kind = NodeKind::Action(
            Action::new("shell")
                .with_text("exec", "${script}")
                .with_text("name-node", "${wf:conf('nn')} ${KB} ${ defined }"),
        );
        let mut w = wf(vec![a], vec![]);
        w.job_properties.push(JobProperty {
            name: "defined".into(),
            value: "1".into(),
        });
        let issues = validate(&w);
        assert_eq!(codes(&issues), ["S2003"], "{issues:?}");
        assert!(issues[0].message.starts_with("${script}"));
        assert_eq!(issues[0].nodes, ["a"]);
    }

    #[test]
    fn a_hadoop_action_needs_a_cluster_from_itself_or_global() {
        let mut w = wf(vec![shell("a")], vec![]);
        w.global = Fields::default();
        let issues = validate(&w);
        assert_eq!(codes(&issues), ["E0701", "E0701"], "{issues:?}");
        assert!(issues[0].message.contains("No name-node defined"));
        assert!(issues[1].message.contains("resource-manager"));
    }

    #[test]
    fn kept_xml_must_parse_and_unknown_types_are_a_warning() {
        let mut a = shell("a");
        let mut action = Action::new("custom");
        action.xml = Some("<custom xmlns='urn:x'><p/></custom>".into());
        a.kind = NodeKind::Action(action.clone());
        let w = wf(vec![a.clone()], vec![]);
        assert_eq!(codes(&validate(&w)), ["S2006"]);
        action.xml = Some("<custom".into());
        a.kind = NodeKind::Action(action);
        let w = wf(vec![a], vec![]);
        assert_eq!(codes(&validate(&w)), ["E0701"]);
    }
}
