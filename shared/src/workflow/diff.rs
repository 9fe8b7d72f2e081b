//! What changed between two versions of a workflow, structurally: nodes by name, edges by
//! their ends and kind, and each changed node's parts by name. The editor colours nodes and
//! edges with it; a text diff of the JSON would show moved keys and reformatting instead.

use std::collections::{BTreeMap, BTreeSet};

use serde::{Deserialize, Serialize};

use super::{Edge, Node, NodeKind, Workflow};

/// One named value that differs (`None` where it is absent).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct Change {
    pub name: String,
    pub before: Option<String>,
    pub after: Option<String>,
}

/// A node present in both versions that differs.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct NodeChange {
    pub name: String,
    /// The node became another kind (an action type changed, a kill became the end…).
    pub kind_changed: bool,
    /// Only the drawing position moved (nothing Oozie would see).
    pub moved: bool,
    /// Changed parts: action fields by key, `retry-max`, `cred`, `message`, `sla`, `xml`…
    pub changes: Vec<Change>,
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct WorkflowDiff {
    pub renamed: Option<Change>,
    pub nodes_added: Vec<String>,
    pub nodes_removed: Vec<String>,
    pub nodes_changed: Vec<NodeChange>,
    pub edges_added: Vec<Edge>,
    pub edges_removed: Vec<Edge>,
    /// Job properties, parameters (`parameter:` prefix), global fields (`global:`), the
    /// schema version and the workflow's SLA.
    pub properties: Vec<Change>,
}

impl WorkflowDiff {
    pub fn is_empty(&self) -> bool {
        *self == WorkflowDiff::default()
    }
}

/// The differences that turn `before` into `after`.
pub fn diff(before: &Workflow, after: &Workflow) -> WorkflowDiff {
    let mut d = WorkflowDiff::default();
    if before.name != after.name {
        d.renamed = Some(change("name", Some(&before.name), Some(&after.name)));
    }
    let old: BTreeMap<&str, &Node> = before.nodes.iter().map(|n| (n.name.as_str(), n)).collect();
    let new: BTreeMap<&str, &Node> = after.nodes.iter().map(|n| (n.name.as_str(), n)).collect();
    d.nodes_removed = old
        .keys()
        .filter(|k| !new.contains_key(*k))
        .map(|k| (*k).to_owned())
        .collect();
    d.nodes_added = new
        .keys()
        .filter(|k| !old.contains_key(*k))
        .map(|k| (*k).to_owned())
        .collect();
    for (name, a) in &old {
        if let Some(b) = new.get(name)
            && let Some(c) = node_change(a, b)
        {
            d.nodes_changed.push(c);
        }
    }
    let key = |e: &Edge| {
        (
            e.from.clone(),
            e.to.clone(),
            e.kind.id(),
            e.predicate.clone(),
        )
    };
    let old_edges: BTreeSet<_> = before.edges.iter().map(key).collect();
    let new_edges: BTreeSet<_> = after.edges.iter().map(key).collect();
    d.edges_removed = before
        .edges
        .iter()
        .filter(|e| !new_edges.contains(&key(e)))
        .cloned()
        .collect();
    d.edges_added = after
        .edges
        .iter()
        .filter(|e| !old_edges.contains(&key(e)))
        .cloned()
        .collect();

    let mut props = Vec::new();
    if before.schema != after.schema {
        props.push(change(
            "schema",
            Some(before.schema.workflow_ns()),
            Some(after.schema.workflow_ns()),
        ));
    }
    let pairs = |w: &Workflow| -> BTreeMap<String, String> {
        let mut m: BTreeMap<String, String> = w
            .job_properties
            .iter()
            .map(|p| (p.name.clone(), p.value.clone()))
            .collect();
        for p in &w.parameters {
            m.insert(
                format!("parameter:{}", p.name),
                p.value.clone().unwrap_or_default(),
            );
        }
        for (k, v) in &w.global.0 {
            m.insert(format!("global:{k}"), format!("{v:?}"));
        }
        if let Some(sla) = &w.sla {
            m.insert("sla".into(), sla.clone());
        }
        m
    };
    props.extend(map_changes(&pairs(before), &pairs(after)));
    d.properties = props;
    d
}

fn change(name: &str, before: Option<&str>, after: Option<&str>) -> Change {
    Change {
        name: name.to_owned(),
        before: before.map(str::to_owned),
        after: after.map(str::to_owned),
    }
}

pub(crate) fn map_changes(
    a: &BTreeMap<String, String>,
    b: &BTreeMap<String, String>,
) -> Vec<Change> {
    let keys: BTreeSet<&String> = a.keys().chain(b.keys()).collect();
    keys.into_iter()
        .filter(|k| a.get(*k) != b.get(*k))
        .map(|k| {
            change(
                k,
                a.get(k).map(String::as_str),
                b.get(k).map(String::as_str),
            )
        })
        .collect()
}

/// The parts of a node, as named strings (`Value`s by their debug form, which is exact).
fn parts(kind: &NodeKind) -> BTreeMap<String, String> {
    let mut m = BTreeMap::new();
    match kind {
        NodeKind::End | NodeKind::Decision => {}
        NodeKind::Kill { message } => {
            m.insert("message".into(), message.clone());
        }
        NodeKind::Action(a) => {
            for (k, v) in &a.fields.0 {
                m.insert(k.clone(), format!("{v:?}"));
            }
            for (k, v) in [
                ("retry-max", &a.retry_max),
                ("retry-interval", &a.retry_interval),
                ("retry-policy", &a.retry_policy),
                ("cred", &a.cred),
                ("sla", &a.sla),
                ("xml", &a.xml),
            ] {
                if let Some(v) = v {
                    m.insert(k.into(), v.clone());
                }
            }
        }
    }
    m
}

fn kind_id(kind: &NodeKind) -> &str {
    match kind {
        NodeKind::End => "end",
        NodeKind::Kill { .. } => "kill",
        NodeKind::Decision => "decision",
        NodeKind::Action(a) => &a.action,
    }
}

fn node_change(a: &Node, b: &Node) -> Option<NodeChange> {
    let kind_changed = kind_id(&a.kind) != kind_id(&b.kind);
    let changes = map_changes(&parts(&a.kind), &parts(&b.kind));
    let moved = a.position != b.position;
    (kind_changed || moved || !changes.is_empty()).then(|| NodeChange {
        name: a.name.clone(),
        kind_changed,
        moved,
        changes,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::workflow::{Action, EdgeKind, JobProperty, Point};

    fn node(name: &str, exec: &str) -> Node {
        Node {
            name: name.into(),
            position: Point::default(),
            kind: NodeKind::Action(Action::new("shell").with_text("exec", exec)),
        }
    }

    #[test]
    fn nodes_edges_and_properties() {
        let mut a = Workflow::new("w");
        a.nodes = vec![
            node("load", "load.sh"),
            node("clean", "clean.sh"),
            node("old", "x"),
        ];
        a.edges = vec![
            Edge::new("load", "clean", EdgeKind::Ok),
            Edge::new("clean", "old", EdgeKind::Ok),
        ];
        a.job_properties = vec![JobProperty {
            name: "queue".into(),
            value: "default".into(),
        }];
        let mut b = a.clone();
        b.name = "w2".into();
        b.nodes.retain(|n| n.name != "old");
        b.nodes.push(node("report", "report.sh"));
        b.nodes[0].position = Point { x: 10.0, y: 0.0 };
        if let NodeKind::Action(act) = &mut b.nodes[1].kind {
            act.fields = Action::new("shell").with_text("exec", "clean2.sh").fields;
            act.retry_max = Some("3".into());
        }
        b.edges = vec![
            Edge::new("load", "clean", EdgeKind::Ok),
            Edge::new("clean", "report", EdgeKind::Ok),
        ];
        b.job_properties[0].value = "etl".into();

        let d = diff(&a, &b);
        assert_eq!(
            d.renamed.as_ref().map(|c| c.after.as_deref()),
            Some(Some("w2"))
        );
        assert_eq!(
            (d.nodes_added.clone(), d.nodes_removed.clone()),
            (vec!["report".to_owned()], vec!["old".to_owned()])
        );
        let clean = d.nodes_changed.iter().find(|c| c.name == "clean").unwrap();
        let names: Vec<&str> = clean.changes.iter().map(|c| c.name.as_str()).collect();
        assert_eq!(names, ["exec", "retry-max"]);
        assert!(!clean.kind_changed && !clean.moved);
        let load = d.nodes_changed.iter().find(|c| c.name == "load").unwrap();
        assert!(load.moved && load.changes.is_empty());
        assert_eq!(d.edges_removed, [Edge::new("clean", "old", EdgeKind::Ok)]);
        assert_eq!(d.edges_added, [Edge::new("clean", "report", EdgeKind::Ok)]);
        assert_eq!(
            d.properties,
            [change("queue", Some("default"), Some("etl"))]
        );
        assert!(diff(&a, &a).is_empty());
        // The reverse diff swaps the sides.
        let r = diff(&b, &a);
        assert_eq!(
            (r.nodes_added, r.nodes_removed),
            (vec!["old".to_owned()], vec!["report".to_owned()])
        );
    }
}
