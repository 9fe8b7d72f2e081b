//! Oozie's submit-time graph validation, exactly: the walk of `LiteWorkflowValidator` as
//! described in SEMANTICS.md A.5, with its error codes, its messages and its order, so a
//! workflow Sluice accepts is one Oozie accepts, and the first error reported is the one
//! Oozie would report.
//!
//! It runs over a [`ControlGraph`]: just the node kinds and transitions of an Oozie
//! workflow, which both the XML model and the editor's export produce. Both walks are
//! iterative (explicit stacks): the browser's stack is small, and a 10,000-node chain must
//! not overflow it.

use foldhash::{HashMap, HashMapExt};

use serde::{Deserialize, Serialize};

use crate::workflow::{MAX_NODE_NAME_LEN, is_name_char, is_name_start};

/// Oozie's internal name of the start node; it appears in E0707 paths.
pub const START: &str = ":start:";

/// Action types in the workflow namespace itself.
pub const CORE_ACTIONS: [&str; 5] = ["map-reduce", "pig", "sub-workflow", "fs", "java"];

/// Extension actions: element name and the namespace versions Oozie registers
/// (`uri:oozie:<name>-action:<version>`).
pub const EXTENSION_ACTIONS: [(&str, &[&str]); 9] = [
    ("shell", &["0.1", "0.2", "0.3", "1.0"]),
    ("hive", &["0.2", "0.3", "0.4", "0.5", "0.6", "1.0"]),
    ("hive2", &["0.1", "0.2", "1.0"]),
    ("sqoop", &["0.2", "0.3", "0.4", "1.0"]),
    ("spark", &["0.1", "0.2", "1.0"]),
    ("distcp", &["0.1", "0.2", "1.0"]),
    ("email", &["0.1", "0.2"]),
    ("ssh", &["0.1", "0.2"]),
    ("git", &["1.0"]),
];

/// Whether Oozie's `ActionService` knows this action type out of the box
/// (`oozie-default.xml`): the core actions and the extensions.
pub fn is_known_action_type(action_type: &str) -> bool {
    CORE_ACTIONS.contains(&action_type)
        || EXTENSION_ACTIONS
            .iter()
            .any(|(name, _)| *name == action_type)
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ControlKind<'a> {
    Start,
    End,
    Kill,
    Decision,
    Fork,
    Join,
    /// An action, by the local name of its type element (`shell`, `map-reduce`, …).
    Action(&'a str),
}

/// One node of a control graph; its transitions are kept apart, in [`ControlGraph`].
#[derive(Debug, Clone, PartialEq, Eq)]
struct ControlNode<'a> {
    name: &'a str,
    kind: ControlKind<'a>,
}

/// A transition: by name as written (resolved when the graph is validated), or already
/// resolved to a node's position, as the export's planner knows it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Target<'a> {
    Name(&'a str),
    Node(usize),
}

/// A workflow as Oozie's validator sees it: the start node (named [`START`], always the
/// first) and every other node. Transitions are in Oozie's order: an action's `[ok, error]`,
/// a decision's cases then its default, a fork's paths, a join's or start's target. They
/// are stored flat (node `i`'s are `targets[first[i]..first[i + 1]]`): one allocation for a
/// 10,000-node graph instead of one per node.
#[derive(Debug, Clone)]
pub struct ControlGraph<'a> {
    nodes: Vec<ControlNode<'a>>,
    first: Vec<usize>,
    targets: Vec<Target<'a>>,
    /// Names of the nodes added by name ([`ControlGraph::add`]).
    index: HashMap<&'a str, usize>,
}

/// A resolved transition to a name no node has (E0708).
const MISSING: usize = usize::MAX;

impl<'a> ControlGraph<'a> {
    /// A graph whose start node leads to `start_to`.
    pub fn new(start_to: &'a str) -> Self {
        let mut graph = ControlGraph::with_start(Target::Name(start_to));
        graph.index.insert(START, 0);
        graph
    }

    /// A graph built with [`ControlGraph::push_resolved`], whose start node leads to the
    /// node at position `start_to`.
    pub(crate) fn resolved(start_to: usize) -> Self {
        ControlGraph::with_start(Target::Node(start_to))
    }

    fn with_start(start_to: Target<'a>) -> Self {
        ControlGraph {
            nodes: vec![ControlNode {
                name: START,
                kind: ControlKind::Start,
            }],
            first: vec![0, 1],
            targets: vec![start_to],
            index: HashMap::new(),
        }
    }

    /// Adds a node, with the checks Oozie makes while it builds its nodes
    /// (`LiteWorkflowApp.addNode`), before any validation walk: a name used twice (E0705)
    /// and a node that transitions to itself (E0706).
    pub fn add(
        &mut self,
        name: &'a str,
        kind: ControlKind<'a>,
        transitions: Vec<&'a str>,
    ) -> Result<(), OozieError> {
        debug_assert!(
            self.index.contains_key(START),
            "a graph by name starts with `new`"
        );
        if self.index.contains_key(name) {
            return Err(OozieError::new(
                "E0705",
                format!("Node already defined, node [{name}]"),
                &[name],
            ));
        }
        if transitions.contains(&name) {
            return Err(OozieError::new(
                "E0706",
                format!("Node cannot transition to itself node [{name}]"),
                &[name],
            ));
        }
        self.index.insert(name, self.nodes.len());
        self.push(name, kind, transitions.into_iter().map(Target::Name));
        Ok(())
    }

    /// Adds a node whose transitions are positions of nodes (`0` is start), for a graph
    /// made with [`ControlGraph::resolved`]. The caller vouches that names are distinct:
    /// no lookup is made, which is what makes validating the export's plan cheap.
    pub(crate) fn push_resolved(
        &mut self,
        name: &'a str,
        kind: ControlKind<'a>,
        transitions: impl IntoIterator<Item = usize>,
    ) -> Result<(), OozieError> {
        debug_assert!(
            self.index.is_empty(),
            "a resolved graph starts with `resolved`"
        );
        let position = self.nodes.len();
        self.push(name, kind, transitions.into_iter().map(Target::Node));
        if self.targets[self.first[position]..].contains(&Target::Node(position)) {
            return Err(OozieError::new(
                "E0706",
                format!("Node cannot transition to itself node [{name}]"),
                &[name],
            ));
        }
        Ok(())
    }

    fn push(
        &mut self,
        name: &'a str,
        kind: ControlKind<'a>,
        targets: impl Iterator<Item = Target<'a>>,
    ) {
        self.nodes.push(ControlNode { name, kind });
        self.targets.extend(targets);
        self.first.push(self.targets.len());
    }

    /// Every transition as a node position ([`MISSING`] for an unknown name), in the
    /// layout of `targets`.
    fn resolve(&self) -> Vec<usize> {
        self.targets
            .iter()
            .map(|t| match t {
                Target::Node(i) => *i,
                Target::Name(name) => self.index.get(name).copied().unwrap_or(MISSING),
            })
            .collect()
    }

    fn transitions<'r>(&self, resolved: &'r [usize], node: usize) -> &'r [usize] {
        &resolved[self.first[node]..self.first[node + 1]]
    }

    /// The name a transition was written with.
    fn target_name(&self, node: usize, k: usize) -> &'a str {
        match self.targets[self.first[node] + k] {
            Target::Name(name) => name,
            Target::Node(i) => self.nodes[i].name,
        }
    }

    /// Nodes no path from start reaches, in the order they were added. Oozie never walks
    /// them, so it neither checks nor runs them.
    pub fn unreachable(&self) -> Vec<&'a str> {
        let resolved = self.resolve();
        let mut seen = vec![false; self.nodes.len()];
        let mut stack = vec![0];
        while let Some(i) = stack.pop() {
            if std::mem::replace(&mut seen[i], true) {
                continue;
            }
            stack.extend(
                self.transitions(&resolved, i)
                    .iter()
                    .filter(|&&t| t != MISSING),
            );
        }
        self.nodes
            .iter()
            .zip(seen)
            .filter(|(_, seen)| !seen)
            .map(|(n, _)| n.name)
            .collect()
    }
}

/// Whether to run the fork/join walk: Oozie does unless `oozie.wf.validate.ForkJoin` (job)
/// or `oozie.validate.ForkJoin` (server) is `false`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ForkJoinCheck {
    On,
    Off,
}

/// The first problem Oozie's validator finds, with Oozie's code and message.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, thiserror::Error)]
#[error("{code}: {message}")]
pub struct OozieError {
    pub code: String,
    pub message: String,
    /// The nodes the error is about (for highlighting), not counting `:start:`.
    pub nodes: Vec<String>,
}

impl OozieError {
    fn new(code: &str, message: String, nodes: &[&str]) -> Self {
        OozieError {
            code: code.to_owned(),
            message,
            nodes: nodes
                .iter()
                .filter(|n| **n != START)
                .map(|n| (*n).to_owned())
                .collect(),
        }
    }
}

/// Oozie's node-name check (`ParamChecker.validateActionName`), with its messages.
pub fn check_node_name(name: &str) -> Result<(), String> {
    let mut chars = name.chars();
    let Some(first) = chars.next() else {
        return Err("action name cannot be empty".to_owned());
    };
    // A name of at most that many bytes has at most that many characters: no count.
    if name.len() > MAX_NODE_NAME_LEN && name.chars().count() > MAX_NODE_NAME_LEN {
        return Err(format!(
            "name [{name}] must be {MAX_NODE_NAME_LEN} chars or less"
        ));
    }
    if !is_name_start(first) {
        return Err(format!("name [{name}], must start with [A-Za-z_]"));
    }
    if !chars.all(is_name_char) {
        return Err(format!("name [{name}] must be [A-Za-z_][0-9A-Za-z_]*"));
    }
    Ok(())
}

/// Validates the graph as Oozie does at submit time; `Err` is the first error Oozie raises.
pub fn validate_graph(
    graph: &ControlGraph<'_>,
    fork_join: ForkJoinCheck,
) -> Result<(), OozieError> {
    let resolved = graph.resolve();
    let (forks, joins) = basic_walk(graph, &resolved)?;
    if fork_join == ForkJoinCheck::On {
        if forks != joins {
            return Err(OozieError::new(
                "E0730",
                "Fork/Join not in pair".to_owned(),
                &[],
            ));
        }
        fork_join_walk(graph, &resolved)?;
    }
    Ok(())
}

/// Depth-first from start along every transition: node names (E0724), action types (E0723),
/// loops (E0707, with the path), missing targets (E0708); counts forks and joins. Each node
/// is walked once.
fn basic_walk(graph: &ControlGraph<'_>, resolved: &[usize]) -> Result<(usize, usize), OozieError> {
    let n = graph.nodes.len();
    let mut checked = vec![false; n];
    let mut on_path = vec![false; n];
    let mut path: Vec<usize> = Vec::new();
    // (node, index of the next transition to follow)
    let mut stack: Vec<(usize, usize)> = Vec::new();
    let (mut forks, mut joins) = (0, 0);

    let mut enter = |node: usize,
                     path: &mut Vec<usize>,
                     on_path: &mut Vec<bool>,
                     stack: &mut Vec<(usize, usize)>|
     -> Result<(), OozieError> {
        let def = &graph.nodes[node];
        if def.kind != ControlKind::Start {
            check_node_name(def.name).map_err(|msg| {
                OozieError::new("E0724", format!("Invalid node name, {msg}"), &[def.name])
            })?;
        }
        match def.kind {
            ControlKind::Action(action_type) if !is_known_action_type(action_type) => {
                return Err(OozieError::new(
                    "E0723",
                    format!(
                        "Unsupported action type, node [{}] type [{action_type}]",
                        def.name
                    ),
                    &[def.name],
                ));
            }
            ControlKind::Fork => forks += 1,
            ControlKind::Join => joins += 1,
            _ => {}
        }
        if on_path[node] {
            let mut names: Vec<&str> = path.iter().map(|&i| graph.nodes[i].name).collect();
            names.push(def.name);
            let loop_start = names.iter().position(|n| *n == def.name).unwrap_or(0);
            return Err(OozieError::new(
                "E0707",
                format!(
                    "Loop detected at parsing, node [{}], path [{}]",
                    def.name,
                    names.join("->")
                ),
                &names[loop_start..names.len() - 1],
            ));
        }
        path.push(node);
        on_path[node] = true;
        stack.push((node, 0));
        Ok(())
    };

    enter(0, &mut path, &mut on_path, &mut stack)?;
    while let Some(&mut (node, ref mut next)) = stack.last_mut() {
        let k = *next;
        let Some(&t) = graph.transitions(resolved, node).get(k) else {
            stack.pop();
            path.pop();
            on_path[node] = false;
            checked[node] = true;
            continue;
        };
        *next += 1;
        if t == MISSING {
            return Err(OozieError::new(
                "E0708",
                format!(
                    "Invalid transition, node [{}] transition [{}]",
                    graph.nodes[node].name,
                    graph.target_name(node, k)
                ),
                &[graph.nodes[node].name],
            ));
        }
        if !checked[t] {
            enter(t, &mut path, &mut on_path, &mut stack)?;
        }
    }
    Ok((forks, joins))
}

/// One step of the fork/join walk.
enum Task {
    Visit {
        node: usize,
        fork: Option<usize>,
        decision: Option<usize>,
        ok_path: bool,
    },
    /// All paths of `fork` are walked: find its single join and continue after it.
    AfterFork {
        fork: usize,
        outer: Option<usize>,
        decision: Option<usize>,
        ok_path: bool,
    },
    Leave,
}

/// Fork/join pairing and the single-ok-path rule, walked as Oozie walks them. Assumes the
/// basic walk passed (no loops, every transition exists).
fn fork_join_walk(graph: &ControlGraph<'_>, resolved: &[usize]) -> Result<(), OozieError> {
    let name = |i: usize| graph.nodes[i].name;
    let n = graph.nodes.len();
    // join -> its fork
    let mut fork_of_join: Vec<Option<usize>> = vec![None; n];
    // fork -> the joins its paths reached, in the order first reached
    let mut joins_of_fork: HashMap<usize, Vec<usize>> = HashMap::new();
    // node -> eldest decision above it on the ok path that first reached it (Some(None): none)
    let mut decision_parent: Vec<Option<Option<usize>>> = vec![None; n];
    let mut visited = vec![false; n];
    let mut path: Vec<usize> = Vec::new();
    let mut tasks = vec![Task::Visit {
        node: 0,
        fork: None,
        decision: None,
        ok_path: true,
    }];

    while let Some(task) = tasks.pop() {
        let (node, fork, decision, ok_path) = match task {
            Task::Leave => {
                path.pop();
                continue;
            }
            Task::AfterFork {
                fork,
                outer,
                decision,
                ok_path,
            } => {
                let mut joins = joins_of_fork.remove(&fork).unwrap_or_default();
                crate::order::sort(&mut joins);
                match joins.as_slice() {
                    [] => {
                        return Err(OozieError::new(
                            "E0733",
                            format!("Fork [{}] without a join", name(fork)),
                            &[name(fork)],
                        ));
                    }
                    [join] => tasks.push(Task::Visit {
                        node: graph.transitions(resolved, *join)[0],
                        fork: outer,
                        decision,
                        ok_path,
                    }),
                    many => {
                        let names: Vec<&str> = many.iter().map(|&j| name(j)).collect();
                        let mut nodes = vec![name(fork)];
                        nodes.extend(&names);
                        return Err(OozieError::new(
                            "E0757",
                            format!(
                                "Fork node [{}] has multiple joins: [{}]",
                                name(fork),
                                names.join(",")
                            ),
                            &nodes,
                        ));
                    }
                }
                continue;
            }
            Task::Visit {
                node,
                fork,
                decision,
                ok_path,
            } => (node, fork, decision, ok_path),
        };
        let def = &graph.nodes[node];
        let transitions = graph.transitions(resolved, node);
        path.push(node);

        // Two ok paths may meet only below a common chain of decisions (one runs at a time).
        if ok_path
            && !matches!(
                def.kind,
                ControlKind::Kill | ControlKind::Join | ControlKind::End
            )
        {
            match decision_parent[node] {
                None => decision_parent[node] = Some(decision),
                Some(first) => {
                    if first.is_none() || first != decision {
                        return Err(OozieError::new(
                            "E0743",
                            format!(
                                "Multiple \"ok to\" transitions to the same node, [{}], are not allowed",
                                def.name
                            ),
                            &[def.name],
                        ));
                    }
                }
            }
        }

        // Walk each node once; joins and ends are re-checked on every arrival.
        if visited[node] {
            path.pop();
            continue;
        }
        if !matches!(def.kind, ControlKind::Join | ControlKind::End) {
            visited[node] = true;
        }

        match def.kind {
            ControlKind::Fork => {
                for &to in transitions {
                    if !matches!(graph.nodes[to].kind, ControlKind::Join | ControlKind::Kill)
                        && transitions.iter().filter(|&&x| x == to).count() > 1
                    {
                        return Err(OozieError::new(
                            "E0744",
                            format!(
                                "A fork, [{}], is not allowed to have multiple transitions to the same node, [{}]",
                                def.name,
                                name(to)
                            ),
                            &[def.name, name(to)],
                        ));
                    }
                }
                tasks.push(Task::Leave);
                tasks.push(Task::AfterFork {
                    fork: node,
                    outer: fork,
                    decision,
                    ok_path,
                });
                for &to in transitions.iter().rev() {
                    tasks.push(Task::Visit {
                        node: to,
                        fork: Some(node),
                        decision,
                        ok_path,
                    });
                }
            }
            ControlKind::Join => {
                let Some(fork) = fork else {
                    return Err(OozieError::new(
                        "E0742",
                        format!("No Fork for Join [{}] to pair with", def.name),
                        &[def.name],
                    ));
                };
                match fork_of_join[node] {
                    None => {
                        fork_of_join[node] = Some(fork);
                        joins_of_fork.entry(fork).or_default().push(node);
                    }
                    Some(other) if other != fork => {
                        return Err(OozieError::new(
                            "E0758",
                            format!(
                                "Join node [{}] has multiple forks: [{},{}]",
                                def.name,
                                name(other),
                                name(fork)
                            ),
                            &[def.name, name(other), name(fork)],
                        ));
                    }
                    Some(_) => {}
                }
                path.pop();
            }
            ControlKind::Decision => {
                let parent = decision.or(Some(node));
                tasks.push(Task::Leave);
                for &to in transitions.iter().rev() {
                    tasks.push(Task::Visit {
                        node: to,
                        fork,
                        decision: parent,
                        ok_path,
                    });
                }
            }
            ControlKind::Kill => {
                path.pop();
            }
            ControlKind::End => {
                if fork.is_some() {
                    // Oozie names the node the walk came from.
                    let previous = path.len().checked_sub(2).map_or("", |i| name(path[i]));
                    return Err(OozieError::new(
                        "E0737",
                        format!(
                            "Invalid transition from node [{previous}] to node [{}] -- nodes of type 'end' are not allowed within Fork/Join",
                            def.name
                        ),
                        &[previous, def.name],
                    ));
                }
                path.pop();
            }
            ControlKind::Action(_) => {
                tasks.push(Task::Leave);
                tasks.push(Task::Visit {
                    node: transitions[1],
                    fork,
                    decision,
                    ok_path: false,
                });
                tasks.push(Task::Visit {
                    node: transitions[0],
                    fork,
                    decision,
                    ok_path,
                });
            }
            ControlKind::Start => {
                tasks.push(Task::Leave);
                tasks.push(Task::Visit {
                    node: transitions[0],
                    fork,
                    decision,
                    ok_path,
                });
            }
        }
    }
    Ok(())
}

impl From<OozieError> for crate::workflow::Issue {
    fn from(err: OozieError) -> Self {
        crate::workflow::Issue {
            code: err.code,
            severity: crate::workflow::Severity::Error,
            message: err.message,
            nodes: err.nodes,
            edges: Vec::new(),
        }
    }
}
