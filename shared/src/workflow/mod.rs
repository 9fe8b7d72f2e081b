//! The workflow as users draw it.
//!
//! Nodes are identified by their name, as in Oozie, because the name is what the user sees,
//! what the XML carries and what test hooks address. Edges are dependency edges: an action's
//! `ok` (run the target after success) and `error` (after failure) edges, and a decision's
//! `case` edges (each with its predicate, tried in the order drawn) and its `default` edge.
//! Several ok edges out of an action run their targets in parallel; several into one wait
//! for all. Fork and join are not drawn: the export synthesizes them and the import folds
//! them back into edges. Start is implicit: the workflow starts at the nodes no edge leads
//! into. Positions belong to the canvas and never reach the XML.

pub mod action;
mod de;
pub mod diff;
pub mod layout;
pub mod tasks;
mod validate;

pub use action::{Action, ActionSpec, Fields, FsOp, Property, SchemaVersion, Value};
pub(crate) use validate::validate_and_plan;
pub use validate::{Issue, Severity, validate};

use foldhash::{HashMap, HashMapExt, HashSet};
use serde::{Deserialize, Serialize};

/// Oozie's limit on node names (`ParamChecker.MAX_NODE_NAME_LEN`).
pub const MAX_NODE_NAME_LEN: usize = 128;

pub const DEFAULT_KILL_MESSAGE: &str =
    "Action failed, error message[${wf:errorMessage(wf:lastErrorNode())}]";

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct Workflow {
    pub name: String,
    /// The workflow schema the export writes unless told otherwise.
    #[serde(default)]
    pub schema: SchemaVersion,
    /// `<parameters>`: the job properties the workflow expects, with defaults.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub parameters: Vec<Property>,
    /// `<global>`: values every action inherits (the same keys as an action's fields).
    #[serde(default, skip_serializing_if = "Fields::is_empty")]
    pub global: Fields,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub credentials: Vec<Credential>,
    /// The workflow's `<sla:info>`, kept verbatim.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub sla: Option<String>,
    /// `job.properties`: the values a submission passes, in file order.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub job_properties: Vec<JobProperty>,
    #[serde(default)]
    pub nodes: Vec<Node>,
    #[serde(default)]
    pub edges: Vec<Edge>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct Credential {
    pub name: String,
    #[serde(rename = "type")]
    pub credential_type: String,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub properties: Vec<Property>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct JobProperty {
    pub name: String,
    pub value: String,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct Node {
    pub name: String,
    #[serde(default)]
    pub position: Point,
    #[serde(flatten)]
    pub kind: NodeKind,
}

/// What a node does. Serialized with a `type` tag so the JSON stays readable and new node
/// types can be added without breaking stored definitions.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(tag = "type", rename_all = "kebab-case")]
pub enum NodeKind {
    /// Reaching it ends the workflow successfully.
    End,
    /// Reaching it ends the workflow as KILLED with this message.
    Kill {
        message: String,
    },
    /// Takes the first `case` edge whose predicate is true, else the `default` edge.
    Decision,
    Action(Action),
}

/// The kinds of node, as the palette offers them and names new nodes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum NodeType {
    /// A modelled action type, by its id (`shell`, `hive`, …).
    Action(&'static str),
    /// An action of a type Sluice does not model, kept verbatim.
    Generic,
    Decision,
    End,
    Kill,
}

impl NodeType {
    /// The palette: every modelled action, then the control nodes.
    pub fn palette() -> impl Iterator<Item = NodeType> {
        action::ACTIONS
            .iter()
            .map(|s| NodeType::Action(s.id))
            .chain([NodeType::Decision, NodeType::End, NodeType::Kill])
    }

    /// The stable identifier used in test hooks and default node names.
    pub fn id(self) -> &'static str {
        match self {
            NodeType::Action(id) => id,
            NodeType::Generic => "action",
            NodeType::Decision => "decision",
            NodeType::End => "end",
            NodeType::Kill => "kill",
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            NodeType::Action(id) => action::spec(id).map_or("Action", |s| s.label),
            NodeType::Generic => "Action",
            NodeType::Decision => "Decision",
            NodeType::End => "End",
            NodeType::Kill => "Kill",
        }
    }

    /// A new node of this type with the defaults a user would otherwise have to type.
    pub fn new_kind(self) -> NodeKind {
        match self {
            NodeType::Action(id) => NodeKind::Action(Action::new(id)),
            NodeType::Generic => NodeKind::Action(Action::new("action")),
            NodeType::Decision => NodeKind::Decision,
            NodeType::End => NodeKind::End,
            NodeType::Kill => NodeKind::Kill {
                message: DEFAULT_KILL_MESSAGE.to_owned(),
            },
        }
    }

    /// Actions have ok and error outputs.
    pub fn is_action(self) -> bool {
        matches!(self, NodeType::Action(_) | NodeType::Generic)
    }

    /// Nodes with outputs: actions and decisions. End and kill are terminal.
    pub fn has_outputs(self) -> bool {
        self.is_action() || self == NodeType::Decision
    }
}

impl NodeKind {
    pub fn node_type(&self) -> NodeType {
        match self {
            NodeKind::End => NodeType::End,
            NodeKind::Kill { .. } => NodeType::Kill,
            NodeKind::Decision => NodeType::Decision,
            NodeKind::Action(a) => a
                .spec()
                .map_or(NodeType::Generic, |s| NodeType::Action(s.id)),
        }
    }

    pub fn as_action(&self) -> Option<&Action> {
        match self {
            NodeKind::Action(a) => Some(a),
            _ => None,
        }
    }

    pub fn as_action_mut(&mut self) -> Option<&mut Action> {
        match self {
            NodeKind::Action(a) => Some(a),
            _ => None,
        }
    }
}

#[derive(Debug, Clone, Copy, Default, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct Point {
    pub x: f64,
    pub y: f64,
}

#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct Edge {
    pub from: String,
    pub to: String,
    pub kind: EdgeKind,
    /// A case edge's predicate (EL that must resolve to `true`); empty for other kinds.
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub predicate: String,
}

impl Edge {
    pub fn new(from: impl Into<String>, to: impl Into<String>, kind: EdgeKind) -> Self {
        Edge {
            from: from.into(),
            to: to.into(),
            kind,
            predicate: String::new(),
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(rename_all = "kebab-case")]
pub enum EdgeKind {
    Ok,
    Error,
    Case,
    Default,
}

impl EdgeKind {
    pub fn id(self) -> &'static str {
        match self {
            EdgeKind::Ok => "ok",
            EdgeKind::Error => "error",
            EdgeKind::Case => "case",
            EdgeKind::Default => "default",
        }
    }

    /// The edge kinds a node type can start: ok/error for actions, case/default for
    /// decisions.
    pub fn fits(self, source: NodeType) -> bool {
        match self {
            EdgeKind::Ok | EdgeKind::Error => source.is_action(),
            EdgeKind::Case | EdgeKind::Default => source == NodeType::Decision,
        }
    }

    /// What a drag from the "success" or "failure" port of a node means: a decision's
    /// first port draws cases, its second the default.
    pub fn for_port(self, source: NodeType) -> EdgeKind {
        match (source, self) {
            (NodeType::Decision, EdgeKind::Ok) => EdgeKind::Case,
            (NodeType::Decision, EdgeKind::Error) => EdgeKind::Default,
            _ => self,
        }
    }
}

/// Why an edit was refused. Edits that would break the model's own invariants (unique names,
/// edges between existing nodes) are refused here; everything Oozie would reject is left to
/// [`validate`], so the user can draw freely and see the problems.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum EditError {
    #[error("a node named '{0}' already exists")]
    DuplicateName(String),
    #[error("there is no node named '{0}'")]
    NoSuchNode(String),
    #[error("'{0}' has no {1} output")]
    NoOutput(String, &'static str),
    #[error("that edge already exists")]
    DuplicateEdge,
    #[error("'{0}' cannot lead to itself")]
    SelfLoop(String),
    #[error(
        "'{to}' already leads to '{from}': this edge would make a loop, which Oozie does not run"
    )]
    Loop { from: String, to: String },
}

impl Workflow {
    pub fn new(name: impl Into<String>) -> Self {
        Workflow {
            name: name.into(),
            schema: SchemaVersion::default(),
            parameters: Vec::new(),
            global: Fields::default(),
            credentials: Vec::new(),
            sla: None,
            job_properties: Vec::new(),
            nodes: Vec::new(),
            edges: Vec::new(),
        }
    }

    /// A new workflow as the designer starts one: the cluster comes from the job
    /// properties `nameNode` and `jobTracker`, as in every Oozie example app, set to the
    /// examples' single-node addresses until the user enters theirs.
    pub fn new_drawing(name: impl Into<String>) -> Self {
        let mut wf = Workflow::new(name);
        wf.global
            .set("resource-manager", Value::Text("${jobTracker}".to_owned()));
        wf.global
            .set("name-node", Value::Text("${nameNode}".to_owned()));
        for (name, value) in [
            ("nameNode", "hdfs://localhost:8020"),
            ("jobTracker", "localhost:8032"),
        ] {
            wf.job_properties.push(JobProperty {
                name: name.to_owned(),
                value: value.to_owned(),
            });
        }
        wf
    }

    /// Node positions by name (the first node of each name), for passes over all edges.
    pub fn name_index(&self) -> HashMap<&str, usize> {
        let mut index = HashMap::with_capacity(self.nodes.len());
        for (i, node) in self.nodes.iter().enumerate() {
            index.entry(node.name.as_str()).or_insert(i);
        }
        index
    }

    /// Each edge's ends as positions in `nodes` (from [`Workflow::name_index`]), in the
    /// order of `edges`; `None` for a name no node has.
    pub fn edge_ends<'a>(
        &'a self,
        index: &'a HashMap<&str, usize>,
    ) -> impl Iterator<Item = (Option<usize>, Option<usize>)> + 'a {
        self.edges.iter().map(|e| {
            (
                index.get(e.from.as_str()).copied(),
                index.get(e.to.as_str()).copied(),
            )
        })
    }

    /// The names `${…}` may use without further definition: parameters and job properties.
    pub fn defined_names(&self) -> impl Iterator<Item = &str> {
        self.parameters
            .iter()
            .map(|p| p.name.as_str())
            .chain(self.job_properties.iter().map(|p| p.name.as_str()))
    }

    pub fn node(&self, name: &str) -> Option<&Node> {
        self.nodes.iter().find(|n| n.name == name)
    }

    pub fn node_mut(&mut self, name: &str) -> Option<&mut Node> {
        self.nodes.iter_mut().find(|n| n.name == name)
    }

    /// The first free name of the form `<type>-<n>`, so a dropped node is valid at once.
    pub fn fresh_name(&self, node_type: NodeType) -> String {
        (1..)
            .map(|i| format!("{}-{i}", node_type.id()))
            .find(|candidate| self.node(candidate).is_none())
            .expect("an unbounded range always yields a free name")
    }

    /// Adds a node of the given type with a fresh name and returns that name.
    pub fn add_node(&mut self, node_type: NodeType, position: Point) -> String {
        let name = self.fresh_name(node_type);
        self.nodes.push(Node {
            name: name.clone(),
            position,
            kind: node_type.new_kind(),
        });
        name
    }

    /// Removes a node and every edge touching it.
    pub fn remove_node(&mut self, name: &str) -> Result<(), EditError> {
        let before = self.nodes.len();
        self.nodes.retain(|n| n.name != name);
        if self.nodes.len() == before {
            return Err(EditError::NoSuchNode(name.to_owned()));
        }
        self.edges.retain(|e| e.from != name && e.to != name);
        Ok(())
    }

    /// Renames a node and rewrites the edges that reference it. The new name is not checked
    /// against Oozie's rules here: an invalid name is a validation issue the user can see.
    pub fn rename_node(&mut self, old: &str, new: &str) -> Result<(), EditError> {
        if old == new {
            return Ok(());
        }
        if self.node(new).is_some() {
            return Err(EditError::DuplicateName(new.to_owned()));
        }
        let node = self
            .node_mut(old)
            .ok_or_else(|| EditError::NoSuchNode(old.to_owned()))?;
        node.name = new.to_owned();
        for edge in &mut self.edges {
            if edge.from == old {
                edge.from = new.to_owned();
            }
            if edge.to == old {
                edge.to = new.to_owned();
            }
        }
        Ok(())
    }

    /// Connects `from` to `to` from the given port: `Ok`/`Error` for an action's two ports,
    /// which on a decision mean a new case (predicate to fill in) and the default. Cycles and
    /// self-loops are allowed into the model on purpose (an API body, an import or a paste
    /// may hold them): validation reports them with their path. The designer refuses to
    /// draw them, through [`Workflow::check_drawn`].
    pub fn connect(&mut self, from: &str, to: &str, port: EdgeKind) -> Result<(), EditError> {
        let edge = self.new_edge(from, to, port)?;
        self.edges.push(edge);
        Ok(())
    }

    /// The edge [`Workflow::connect`] would add, or why the model cannot hold it.
    fn new_edge(&self, from: &str, to: &str, port: EdgeKind) -> Result<Edge, EditError> {
        let source = self
            .node(from)
            .ok_or_else(|| EditError::NoSuchNode(from.to_owned()))?
            .kind
            .node_type();
        let kind = port.for_port(source);
        if !kind.fits(source) {
            return Err(EditError::NoOutput(from.to_owned(), kind.id()));
        }
        if self.node(to).is_none() {
            return Err(EditError::NoSuchNode(to.to_owned()));
        }
        let edge = Edge::new(from, to, kind);
        if self.edges.contains(&edge) {
            return Err(EditError::DuplicateEdge);
        }
        Ok(edge)
    }

    /// Whether a user may draw this edge: what [`Workflow::connect`] accepts, minus
    /// self-loops and edges closing a cycle (Oozie runs no loops).
    pub fn check_drawn(&self, from: &str, to: &str, port: EdgeKind) -> Result<(), EditError> {
        if from == to {
            return Err(EditError::SelfLoop(from.to_owned()));
        }
        self.new_edge(from, to, port)?;
        if self.leads_to(to, from) {
            return Err(EditError::Loop {
                from: from.to_owned(),
                to: to.to_owned(),
            });
        }
        Ok(())
    }

    /// Whether some path of edges leads from `from` to `to` (or they are the same node).
    pub fn leads_to(&self, from: &str, to: &str) -> bool {
        let mut next: HashMap<&str, Vec<&str>> = HashMap::new();
        for e in &self.edges {
            next.entry(e.from.as_str()).or_default().push(e.to.as_str());
        }
        let mut seen: HashSet<&str> = HashSet::default();
        let mut stack = vec![from];
        while let Some(v) = stack.pop() {
            if v == to {
                return true;
            }
            if seen.insert(v) {
                stack.extend(next.get(v).into_iter().flatten());
            }
        }
        false
    }

    /// Puts the node `middle` into an edge: the edge's source now leads to it the same way
    /// (ok, error, the same case), and it leads on to the old target with ok when it has
    /// outputs. The designer's "drop a node onto an edge".
    pub fn split_edge(&mut self, edge: &Edge, middle: &str) -> Result<(), EditError> {
        let has_outputs = self
            .node(middle)
            .ok_or_else(|| EditError::NoSuchNode(middle.to_owned()))?
            .kind
            .node_type()
            .has_outputs();
        let Some(slot) = self.edges.iter_mut().find(|e| *e == edge) else {
            return Err(EditError::NoSuchNode(edge.to.clone()));
        };
        middle.clone_into(&mut slot.to);
        if has_outputs {
            self.connect(middle, &edge.to, EdgeKind::Ok)?;
        }
        Ok(())
    }

    /// Removes the nodes `doomed` names, and every edge touching them, in one pass.
    pub fn remove_nodes(&mut self, doomed: impl Fn(&str) -> bool) {
        self.nodes.retain(|n| !doomed(&n.name));
        self.edges.retain(|e| !doomed(&e.from) && !doomed(&e.to));
    }

    pub fn disconnect(&mut self, edge: &Edge) {
        self.edges.retain(|e| e != edge);
    }

    /// Nodes no edge leads into: where the workflow starts. End and kill nodes are never
    /// entry points, even when nothing leads to them yet.
    pub fn entry_nodes(&self) -> Vec<&str> {
        let targets: HashSet<&str> = self.edges.iter().map(|e| e.to.as_str()).collect();
        self.nodes
            .iter()
            .filter(|n| n.starts_flow(targets.contains(n.name.as_str())))
            .map(|n| n.name.as_str())
            .collect()
    }
}

impl Node {
    /// Whether the workflow starts here, given whether some edge leads into it: the one
    /// rule behind [`Workflow::entry_nodes`] and validation's reachability walk.
    pub(crate) fn starts_flow(&self, targeted: bool) -> bool {
        !targeted && self.kind.node_type().has_outputs()
    }
}

/// The first character of a node name: `[A-Za-z_]`.
pub fn is_name_start(c: char) -> bool {
    c.is_ascii_alphabetic() || c == '_'
}

/// Any later character of a node name: `[-_A-Za-z0-9]`.
pub fn is_name_char(c: char) -> bool {
    c.is_ascii_alphanumeric() || c == '_' || c == '-'
}

/// The syntax of Oozie's XSD `IDENTIFIER` (`[A-Za-z_][-_A-Za-z0-9]*`, no length limit).
/// `<parameters>` applied to the properties of a submission, as Oozie's
/// `ParameterVerifier` does: a parameter the properties lack takes its default; one without
/// a default is Oozie's E0738, with its message.
pub fn apply_parameters(
    wf: &Workflow,
    conf: &mut std::collections::BTreeMap<String, String>,
) -> Result<(), String> {
    let mut missing = Vec::new();
    for p in &wf.parameters {
        if conf.contains_key(&p.name) {
            continue;
        }
        match &p.value {
            Some(v) => {
                conf.insert(p.name.clone(), v.clone());
            }
            None => missing.push(p.name.as_str()),
        }
    }
    if missing.is_empty() {
        Ok(())
    } else {
        Err(format!(
            "E0738: The following {} parameters are required but were not defined and no default values are available: {}",
            missing.len(),
            missing.join(", ")
        ))
    }
}

pub fn is_identifier(name: &str) -> bool {
    let mut chars = name.chars();
    chars.next().is_some_and(is_name_start) && chars.all(is_name_char)
}

/// Oozie's node-name rule as its code checks it (`ParamChecker.validateActionName`): the
/// identifier syntax, at most 128 characters.
pub fn is_valid_node_name(name: &str) -> bool {
    is_identifier(name) && name.chars().count() <= MAX_NODE_NAME_LEN
}

#[cfg(test)]
mod tests {
    use super::*;

    fn p() -> Point {
        Point::default()
    }

    #[test]
    fn fresh_names_skip_taken_ones() {
        let mut wf = Workflow::new("w");
        assert_eq!(wf.add_node(NodeType::Action("shell"), p()), "shell-1");
        assert_eq!(wf.add_node(NodeType::Action("shell"), p()), "shell-2");
        wf.rename_node("shell-1", "first").unwrap();
        assert_eq!(wf.add_node(NodeType::Action("shell"), p()), "shell-1");
        assert_eq!(wf.add_node(NodeType::End, p()), "end-1");
    }

    #[test]
    fn rename_rewrites_edges_and_refuses_duplicates() {
        let mut wf = Workflow::new("w");
        let a = wf.add_node(NodeType::Action("shell"), p());
        let b = wf.add_node(NodeType::Action("shell"), p());
        wf.connect(&a, &b, EdgeKind::Ok).unwrap();
        wf.connect(&b, &a, EdgeKind::Error).unwrap();
        wf.rename_node(&a, "extract").unwrap();
        assert_eq!(wf.edges[0].from, "extract");
        assert_eq!(wf.edges[1].to, "extract");
        assert_eq!(
            wf.rename_node("extract", &b),
            Err(EditError::DuplicateName(b.clone()))
        );
    }

    #[test]
    fn connect_refuses_outputs_of_terminal_nodes_and_duplicates() {
        let mut wf = Workflow::new("w");
        let a = wf.add_node(NodeType::Action("shell"), p());
        let end = wf.add_node(NodeType::End, p());
        assert!(matches!(
            wf.connect(&end, &a, EdgeKind::Ok),
            Err(EditError::NoOutput(..))
        ));
        wf.connect(&a, &end, EdgeKind::Ok).unwrap();
        assert_eq!(
            wf.connect(&a, &end, EdgeKind::Ok),
            Err(EditError::DuplicateEdge)
        );
        assert!(wf.connect(&a, "ghost", EdgeKind::Ok).is_err());
    }

    #[test]
    fn drawing_refuses_self_loops_and_loops_that_connect_allows() {
        let mut wf = Workflow::new("w");
        let a = wf.add_node(NodeType::Action("shell"), p());
        let b = wf.add_node(NodeType::Action("shell"), p());
        let c = wf.add_node(NodeType::Action("shell"), p());
        wf.connect(&a, &b, EdgeKind::Ok).unwrap();
        wf.connect(&b, &c, EdgeKind::Ok).unwrap();
        assert_eq!(
            wf.check_drawn(&a, &a, EdgeKind::Ok),
            Err(EditError::SelfLoop(a.clone()))
        );
        assert!(matches!(
            wf.check_drawn(&c, &a, EdgeKind::Error),
            Err(EditError::Loop { .. })
        ));
        assert_eq!(
            wf.check_drawn(&a, &b, EdgeKind::Ok),
            Err(EditError::DuplicateEdge)
        );
        assert_eq!(wf.check_drawn(&a, &c, EdgeKind::Ok), Ok(()));
        assert!(wf.leads_to(&a, &c) && !wf.leads_to(&c, &a));
        // The model itself still takes the loop (validation reports it).
        wf.connect(&c, &a, EdgeKind::Error).unwrap();
    }

    #[test]
    fn splitting_an_edge_keeps_its_kind_and_leads_on_with_ok() {
        let mut wf = Workflow::new("w");
        let a = wf.add_node(NodeType::Action("shell"), p());
        let b = wf.add_node(NodeType::Action("shell"), p());
        let m = wf.add_node(NodeType::Action("email"), p());
        let k = wf.add_node(NodeType::Kill, p());
        wf.connect(&a, &b, EdgeKind::Error).unwrap();
        let edge = wf.edges[0].clone();
        wf.split_edge(&edge, &m).unwrap();
        assert_eq!(
            wf.edges,
            [
                Edge::new(&a, &m, EdgeKind::Error),
                Edge::new(&m, &b, EdgeKind::Ok)
            ]
        );
        // A terminal node ends the path there.
        let edge = wf.edges[1].clone();
        wf.split_edge(&edge, &k).unwrap();
        assert_eq!(wf.edges[1], Edge::new(&m, &k, EdgeKind::Ok));
        assert_eq!(wf.edges.len(), 2);
        assert!(wf.split_edge(&edge, &k).is_err());
    }

    #[test]
    fn remove_node_drops_its_edges() {
        let mut wf = Workflow::new("w");
        let a = wf.add_node(NodeType::Action("shell"), p());
        let b = wf.add_node(NodeType::Action("shell"), p());
        wf.connect(&a, &b, EdgeKind::Ok).unwrap();
        wf.remove_node(&b).unwrap();
        assert!(wf.edges.is_empty());
        assert!(wf.remove_node(&b).is_err());
        let c = wf.add_node(NodeType::Action("shell"), p());
        wf.connect(&a, &c, EdgeKind::Ok).unwrap();
        wf.remove_nodes(|n| n == c);
        assert_eq!(wf.nodes.len(), 1);
        assert!(wf.edges.is_empty());
    }

    #[test]
    fn node_names_follow_oozie_code_not_spec_text() {
        assert!(is_valid_node_name("_a-b_9"));
        assert!(is_valid_node_name(&"a".repeat(128)));
        assert!(!is_valid_node_name(&"a".repeat(129)));
        assert!(!is_valid_node_name(""));
        assert!(!is_valid_node_name("9a"));
        assert!(!is_valid_node_name("-a"));
        assert!(!is_valid_node_name("a b"));
        assert!(!is_valid_node_name("ä"));
    }

    #[test]
    fn json_is_tagged_by_type() {
        let mut wf = Workflow::new("w");
        wf.add_node(NodeType::Action("shell"), Point { x: 1.0, y: 2.0 });
        let json = serde_json::to_value(&wf).unwrap();
        assert_eq!(json["nodes"][0]["type"], "action");
        assert_eq!(json["nodes"][0]["action"], "shell");
        let back: Workflow = serde_json::from_value(json).unwrap();
        assert_eq!(back, wf);
    }

    #[test]
    fn parameters_fill_defaults_and_name_the_missing_ones() {
        let mut wf = Workflow::new("w");
        wf.parameters = vec![
            Property {
                name: "queue".into(),
                value: Some("default".into()),
                description: None,
            },
            Property {
                name: "day".into(),
                value: None,
                description: None,
            },
            Property {
                name: "out".into(),
                value: None,
                description: None,
            },
        ];
        let mut conf =
            std::collections::BTreeMap::from([("day".to_owned(), "2026-11-21".to_owned())]);
        assert_eq!(
            apply_parameters(&wf, &mut conf),
            Err("E0738: The following 1 parameters are required but were not defined and no default values are available: out".to_owned())
        );
        conf.insert("out".into(), "/tmp/o".into());
        assert_eq!(apply_parameters(&wf, &mut conf), Ok(()));
        assert_eq!(conf["queue"], "default");
        assert_eq!(conf["day"], "2026-11-21", "a given value is kept");
    }
}
