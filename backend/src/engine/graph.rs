//! The graph an instance runs: the workflow's Oozie plan (fork/join synthesized exactly as the
//! export writes them), owned and indexed, so that what runs here is what Oozie would run.

use std::collections::HashMap;

use shared::oozie::plan::{PlanKind, plan};
use shared::workflow::{Action, Issue, NodeKind, Workflow};

/// A node of the graph, by position in [`Graph::nodes`].
pub type NodeId = usize;

#[derive(Debug, Clone, PartialEq)]
pub enum Kind {
    /// An action: `source` is its position in `workflow.nodes`.
    Action {
        source: usize,
        ok: NodeId,
        error: NodeId,
    },
    /// Cases in order (predicate, target), then the default.
    Decision {
        cases: Vec<(String, NodeId)>,
        default: NodeId,
    },
    Fork {
        paths: Vec<NodeId>,
        join: NodeId,
    },
    /// Fires once `arity` paths of its fork have arrived.
    Join {
        to: NodeId,
        arity: u32,
    },
    Kill {
        message: String,
    },
    End,
    /// A drawn node the plan does not use (never reached).
    Unused,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Node {
    pub name: String,
    pub kind: Kind,
    /// Whether the user drew it (actions, decisions, kill and end nodes), as opposed to a
    /// fork, join, end or kill the plan made up. Only drawn nodes are listed in a path.
    pub drawn: bool,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Graph {
    pub workflow: Workflow,
    pub start: NodeId,
    pub nodes: Vec<Node>,
    index: HashMap<String, NodeId>,
}

impl Graph {
    /// The graph of a workflow; its issues when the workflow has errors (Oozie would reject
    /// it, so it cannot run either).
    pub fn compile(workflow: Workflow) -> Result<Graph, Vec<Issue>> {
        let errors: Vec<Issue> = shared::workflow::validate(&workflow)
            .into_iter()
            .filter(Issue::is_error)
            .collect();
        if !errors.is_empty() {
            return Err(errors);
        }
        let (start, mut nodes) = {
            let plan = plan(&workflow)?;
            let drawn = workflow.nodes.len();
            let mut nodes: Vec<Node> = plan
                .names
                .iter()
                .enumerate()
                .map(|(id, name)| Node {
                    name: name.to_string(),
                    kind: Kind::Unused,
                    drawn: id < drawn,
                })
                .collect();
            for node in &plan.nodes {
                nodes[node.id].kind = match &node.kind {
                    PlanKind::Action {
                        source, ok, error, ..
                    } => Kind::Action {
                        source: *source,
                        ok: *ok,
                        error: *error,
                    },
                    PlanKind::Decision { cases, default } => Kind::Decision {
                        cases: cases.iter().map(|(p, t)| ((*p).to_owned(), *t)).collect(),
                        default: *default,
                    },
                    // The plan creates each fork with its join right after it.
                    PlanKind::Fork { paths } => Kind::Fork {
                        paths: paths.clone(),
                        join: node.id + 1,
                    },
                    PlanKind::Join { to } => Kind::Join { to: *to, arity: 0 },
                    PlanKind::Kill { message } => Kind::Kill {
                        message: (*message).to_owned(),
                    },
                    PlanKind::End => Kind::End,
                };
            }
            (plan.start, nodes)
        };
        let arities: Vec<(NodeId, u32)> = nodes
            .iter()
            .filter_map(|n| match &n.kind {
                Kind::Fork { paths, join } => Some((*join, paths.len() as u32)),
                _ => None,
            })
            .collect();
        for (join, n) in arities {
            match &mut nodes[join].kind {
                Kind::Join { arity, .. } => *arity = n,
                other => unreachable!("a fork is followed by its join, not {other:?}"),
            }
        }
        let index = nodes
            .iter()
            .enumerate()
            .filter(|(_, n)| n.kind != Kind::Unused)
            .map(|(i, n)| (n.name.clone(), i))
            .collect();
        Ok(Graph {
            workflow,
            start,
            nodes,
            index,
        })
    }

    pub fn id(&self, name: &str) -> Option<NodeId> {
        self.index.get(name).copied()
    }

    pub fn name(&self, id: NodeId) -> &str {
        &self.nodes[id].name
    }

    /// The action definition of an action node.
    pub fn action(&self, id: NodeId) -> Option<&Action> {
        match self.nodes[id].kind {
            Kind::Action { source, .. } => match &self.workflow.nodes[source].kind {
                NodeKind::Action(action) => Some(action),
                _ => None,
            },
            _ => None,
        }
    }

    /// The action types of the graph's actions, each once.
    pub fn action_types(&self) -> Vec<&str> {
        let mut types: Vec<&str> = (0..self.nodes.len())
            .filter_map(|id| self.action(id).map(|a| a.action.as_str()))
            .collect();
        types.sort_unstable();
        types.dedup();
        types
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use shared::oozie::from_workflow_xml;

    pub(crate) fn graph(xml: &str) -> Graph {
        Graph::compile(from_workflow_xml(xml).expect("valid").workflow).expect("compiles")
    }

    #[test]
    fn forks_know_their_joins_and_joins_their_arity() {
        let g = graph(
            r#"<workflow-app name="w" xmlns="uri:oozie:workflow:1.0">
  <start to="f"/>
  <fork name="f"><path start="a"/><path start="b"/><path start="c"/></fork>
  <action name="a"><fs/><ok to="j"/><error to="k"/></action>
  <action name="b"><fs/><ok to="j"/><error to="k"/></action>
  <action name="c"><fs/><ok to="j"/><error to="k"/></action>
  <join name="j" to="end"/>
  <kill name="k"><message>m</message></kill>
  <end name="end"/>
</workflow-app>"#,
        );
        let Kind::Fork { paths, join } = &g.nodes[g.start].kind else {
            panic!("starts with a fork: {:?}", g.nodes[g.start]);
        };
        assert_eq!(paths.len(), 3);
        assert!(matches!(g.nodes[*join].kind, Kind::Join { arity: 3, .. }));
        assert!(!g.nodes[g.start].drawn);
        assert!(g.nodes[g.id("a").unwrap()].drawn);
        assert_eq!(g.action_types(), ["fs"]);
    }
}
