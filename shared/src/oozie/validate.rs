//! Oozie's submit-time graph validation, exactly: the walk of `LiteWorkflowValidator` as
//! described in SEMANTICS.md A.5, with its error codes, its messages and its order, so a
//! workflow Sluice accepts is one Oozie accepts, and the first error reported is the one
//! Oozie would report.
//!
//! It runs over a [`ControlGraph`]: just the node kinds and transitions of an Oozie
//! workflow, which both the XML model and the editor's export produce. Both walks are
//! iterative (explicit stacks): the browser's stack is small, and a 10,000-node chain must
//! not overflow it.

use foldhash::{HashMap, HashMapExt, HashSet, HashSetExt};

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

/// One node of a control graph. `transitions` are in Oozie's order: an action's `[ok,
/// error]`, a decision's cases then its default, a fork's paths, a join's or start's target.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ControlNode<'a> {
    pub name: &'a str,
    pub kind: ControlKind<'a>,
    pub transitions: Vec<&'a str>,
}

/// A workflow as Oozie's validator sees it: the start node (named [`START`]) and every other
/// node, by name.
#[derive(Debug, Clone, Default)]
pub struct ControlGraph<'a> {
    nodes: Vec<ControlNode<'a>>,
    index: HashMap<&'a str, usize>,
}

impl<'a> ControlGraph<'a> {
    /// A graph whose start node leads to `start_to`.
    pub fn new(start_to: &'a str) -> Self {
        let mut graph = ControlGraph::default();
        graph.index.insert(START, 0);
        graph.nodes.push(ControlNode {
            name: START,
            kind: ControlKind::Start,
            transitions: vec![start_to],
        });
        graph
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
        self.nodes.push(ControlNode {
            name,
            kind,
            transitions,
        });
        Ok(())
    }

    fn get(&self, name: &str) -> Option<usize> {
        self.index.get(name).copied()
    }

    /// Nodes no path from start reaches, in the order they were added. Oozie never walks
    /// them, so it neither checks nor runs them.
    pub fn unreachable(&self) -> Vec<&'a str> {
        let mut seen = vec![false; self.nodes.len()];
        let mut stack = vec![0];
        while let Some(i) = stack.pop() {
            if std::mem::replace(&mut seen[i], true) {
                continue;
            }
            stack.extend(self.nodes[i].transitions.iter().filter_map(|t| self.get(t)));
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
    if name.chars().count() > MAX_NODE_NAME_LEN {
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
    let Some(start) = graph.get(START) else {
        return Err(OozieError::new(
            "E0700",
            "XML error, no start node".to_owned(),
            &[],
        ));
    };
    let (forks, joins) = basic_walk(graph, start)?;
    if fork_join == ForkJoinCheck::On {
        if forks != joins {
            return Err(OozieError::new(
                "E0730",
                "Fork/Join not in pair".to_owned(),
                &[],
            ));
        }
        fork_join_walk(graph, start)?;
    }
    Ok(())
}

/// Depth-first from start along every transition: node names (E0724), action types (E0723),
/// loops (E0707, with the path), missing targets (E0708); counts forks and joins. Each node
/// is walked once.
fn basic_walk(graph: &ControlGraph<'_>, start: usize) -> Result<(usize, usize), OozieError> {
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

    enter(start, &mut path, &mut on_path, &mut stack)?;
    while let Some(&mut (node, ref mut next)) = stack.last_mut() {
        let def = &graph.nodes[node];
        let Some(&target) = def.transitions.get(*next) else {
            stack.pop();
            path.pop();
            on_path[node] = false;
            checked[node] = true;
            continue;
        };
        *next += 1;
        let Some(t) = graph.get(target) else {
            return Err(OozieError::new(
                "E0708",
                format!(
                    "Invalid transition, node [{}] transition [{target}]",
                    def.name
                ),
                &[def.name],
            ));
        };
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
fn fork_join_walk(graph: &ControlGraph<'_>, start: usize) -> Result<(), OozieError> {
    let name = |i: usize| graph.nodes[i].name;
    let target = |t: &str| {
        graph
            .get(t)
            .expect("the basic walk checked every transition")
    };
    // join -> its fork
    let mut fork_of_join: HashMap<usize, usize> = HashMap::new();
    // node -> eldest decision above it on the ok path that first reached it (Some(None): none)
    let mut decision_parent: HashMap<usize, Option<usize>> = HashMap::new();
    let mut visited: HashSet<usize> = HashSet::new();
    let mut path: Vec<usize> = Vec::new();
    let mut tasks = vec![Task::Visit {
        node: start,
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
                let mut joins: Vec<usize> = fork_of_join
                    .iter()
                    .filter(|&(_, f)| *f == fork)
                    .map(|(j, _)| *j)
                    .collect();
                joins.sort_unstable();
                match joins.as_slice() {
                    [] => {
                        return Err(OozieError::new(
                            "E0733",
                            format!("Fork [{}] without a join", name(fork)),
                            &[name(fork)],
                        ));
                    }
                    [join] => tasks.push(Task::Visit {
                        node: target(graph.nodes[*join].transitions[0]),
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
        path.push(node);

        // Two ok paths may meet only below a common chain of decisions (one runs at a time).
        if ok_path
            && !matches!(
                def.kind,
                ControlKind::Kill | ControlKind::Join | ControlKind::End
            )
        {
            match decision_parent.get(&node) {
                None => {
                    decision_parent.insert(node, decision);
                }
                Some(first) => {
                    if first.is_none() || *first != decision {
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
        if visited.contains(&node) {
            path.pop();
            continue;
        }
        if !matches!(def.kind, ControlKind::Join | ControlKind::End) {
            visited.insert(node);
        }

        match def.kind {
            ControlKind::Fork => {
                for &t in &def.transitions {
                    let to = target(t);
                    if !matches!(graph.nodes[to].kind, ControlKind::Join | ControlKind::Kill)
                        && def.transitions.iter().filter(|&&x| x == t).count() > 1
                    {
                        return Err(OozieError::new(
                            "E0744",
                            format!(
                                "A fork, [{}], is not allowed to have multiple transitions to the same node, [{t}]",
                                def.name
                            ),
                            &[def.name, t],
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
                for &t in def.transitions.iter().rev() {
                    tasks.push(Task::Visit {
                        node: target(t),
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
                match fork_of_join.get(&node) {
                    None => {
                        fork_of_join.insert(node, fork);
                    }
                    Some(&other) if other != fork => {
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
                for &t in def.transitions.iter().rev() {
                    tasks.push(Task::Visit {
                        node: target(t),
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
                    node: target(def.transitions[1]),
                    fork,
                    decision,
                    ok_path: false,
                });
                tasks.push(Task::Visit {
                    node: target(def.transitions[0]),
                    fork,
                    decision,
                    ok_path,
                });
            }
            ControlKind::Start => {
                tasks.push(Task::Leave);
                tasks.push(Task::Visit {
                    node: target(def.transitions[0]),
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
