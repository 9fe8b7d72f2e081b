//! The engine's state as store rows, and back: what is written after every change and read
//! after a restart. Pure mapping; the store does the I/O.

use std::collections::BTreeMap;
use std::sync::Arc;

use shared::api::{ActionStatus, JobStatus};
use shared::workflow::Workflow;

use super::graph::{Graph, NodeId};
use super::instance::{Instance, Mark, Micros, NodeRun, Settings};
use crate::store::{InstanceRow, NodeRow};

fn ms(us: Micros) -> i64 {
    us.div_euclid(1000)
}

fn us(ms: i64) -> Micros {
    ms.saturating_mul(1000)
}

/// The instance's own row.
pub fn instance_row(inst: &Instance, now: Micros) -> InstanceRow {
    let name = |id: Option<NodeId>| id.map(|id| inst.node_name(id).to_owned());
    InstanceRow {
        id: inst.id,
        status: inst.status.id().to_owned(),
        run: inst.run,
        priority: i64::from(inst.settings.priority),
        error_code: inst.error_code.clone(),
        error_message: inst.error_message.clone(),
        last_error_node: name(inst.last_error_node),
        kill_pending: name(inst.kill_pending),
        created_at_ms: ms(inst.created_at),
        started_at_ms: inst.started_at.map(ms),
        ended_at_ms: inst.ended_at.map(ms),
        updated_at_ms: ms(now),
        ..InstanceRow::default()
    }
}

/// A node's row; `None` for a node not reached (it has no row).
pub fn node_row(inst: &Instance, id: NodeId) -> Option<NodeRow> {
    let run = &inst.nodes[id];
    let status = run.status?;
    Some(NodeRow {
        instance_id: inst.id,
        node: inst.node_name(id).to_owned(),
        status: status.id().to_owned(),
        attempts: i64::from(run.attempts),
        arrivals: i64::from(run.arrivals),
        transition: run.transition.map(|t| inst.node_name(t).to_owned()),
        exit_code: run.exit_code.map(i64::from),
        error_code: run.error_code.clone(),
        error_message: run.error_message.clone(),
        data: (!run.data.is_empty())
            .then(|| serde_json::to_string(&run.data).expect("a map of strings serializes")),
        external_id: run.external_id.clone(),
        ready_at_ms: run.ready_at.map(ms),
        started_at_ms: run.started_at.map(ms),
        ended_at_ms: run.ended_at.map(ms),
        retry_at_ms: run.retry_at.map(ms),
        seq: run.seq.map(i64::from),
        mark: run.mark.map(|m| m.id().to_owned()),
    })
}

/// The parts of a new instance's row that never change.
pub struct Origin<'a> {
    pub workflow_id: Option<i64>,
    pub workflow_version: Option<i64>,
    pub workflow: &'a Workflow,
    pub user: &'a str,
    pub parent: Option<(i64, &'a str)>,
    /// The coordinator action it runs: job, action number, try.
    pub coord: Option<(i64, i64, i64)>,
    pub now: Micros,
}

/// The row that creates an instance (PREP) with these properties.
pub fn new_row(origin: &Origin<'_>, conf: &BTreeMap<String, String>, priority: i32) -> InstanceRow {
    InstanceRow {
        workflow_id: origin.workflow_id,
        workflow_version: origin.workflow_version,
        name: origin.workflow.name.clone(),
        definition: serde_json::to_string(origin.workflow).expect("a workflow serializes"),
        conf: serde_json::to_string(conf).expect("a map of strings serializes"),
        created_by: origin.user.to_owned(),
        status: JobStatus::Prep.id().to_owned(),
        parent_id: origin.parent.map(|p| p.0),
        parent_node: origin.parent.map(|p| p.1.to_owned()),
        priority: i64::from(priority),
        coord: origin.coord,
        created_at_ms: ms(origin.now),
        updated_at_ms: ms(origin.now),
        ..InstanceRow::default()
    }
}

/// An instance read back from its rows. Fails when the stored definition no longer
/// compiles or a row names a node the graph lacks: the data is damaged, and the message
/// says where.
pub fn restore(row: &InstanceRow, nodes: &[NodeRow]) -> Result<Instance, String> {
    let bad = |what: String| format!("instance {}: {what}", row.id);
    let workflow: Workflow =
        serde_json::from_str(&row.definition).map_err(|e| bad(format!("definition: {e}")))?;
    let conf: BTreeMap<String, String> =
        serde_json::from_str(&row.conf).map_err(|e| bad(format!("properties: {e}")))?;
    let graph = Graph::compile(workflow).map_err(|issues| {
        bad(format!(
            "the workflow no longer compiles: {}",
            issues.first().map_or("", |i| i.message.as_str())
        ))
    })?;
    let graph = Arc::new(graph);
    let settings = Settings::read(&graph, &conf).map_err(bad)?;
    let status =
        JobStatus::parse(&row.status).ok_or_else(|| bad(format!("status {}", row.status)))?;
    let mut inst = Instance::new(
        row.id,
        graph.clone(),
        conf,
        settings,
        &row.created_by,
        us(row.created_at_ms),
    );
    let node = |name: &str| {
        graph
            .id(name)
            .ok_or_else(|| bad(format!("no node '{name}'")))
    };
    inst.status = status;
    inst.run = row.run;
    inst.error_code = row.error_code.clone();
    inst.error_message = row.error_message.clone();
    inst.last_error_node = row.last_error_node.as_deref().map(node).transpose()?;
    inst.kill_pending = row.kill_pending.as_deref().map(node).transpose()?;
    inst.started_at = row.started_at_ms.map(us);
    inst.ended_at = row.ended_at_ms.map(us);
    if let (Some(parent), Some(name)) = (row.parent_id, &row.parent_node) {
        inst.parent = Some((parent, name.clone()));
    }
    for n in nodes {
        let id = node(&n.node)?;
        let status = ActionStatus::parse(&n.status)
            .ok_or_else(|| bad(format!("node {} has status {}", n.node, n.status)))?;
        let count = |v: i64| u32::try_from(v).unwrap_or(0);
        inst.nodes[id] = NodeRun {
            status: Some(status),
            attempts: count(n.attempts),
            arrivals: count(n.arrivals),
            transition: n.transition.as_deref().map(node).transpose()?,
            exit_code: n.exit_code.and_then(|c| i32::try_from(c).ok()),
            error_code: n.error_code.clone(),
            error_message: n.error_message.clone(),
            data: match &n.data {
                Some(json) => serde_json::from_str(json)
                    .map_err(|e| bad(format!("node {} data: {e}", n.node)))?,
                None => BTreeMap::new(),
            },
            external_id: n.external_id.clone(),
            ready_at: n.ready_at_ms.map(us),
            started_at: n.started_at_ms.map(us),
            ended_at: n.ended_at_ms.map(us),
            retry_at: n.retry_at_ms.map(us),
            seq: n.seq.and_then(|s| u32::try_from(s).ok()),
            mark: match &n.mark {
                Some(m) => {
                    Some(Mark::parse(m).ok_or_else(|| bad(format!("node {} mark {m}", n.node)))?)
                }
                None => None,
            },
            ..NodeRun::default()
        };
        if let Some(seq) = inst.nodes[id].seq {
            inst.finished = inst.finished.max(seq);
        }
    }
    Ok(inst)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::engine::planner::Engine;
    use crate::engine::task::Outcome;
    use shared::oozie::from_workflow_xml;

    #[test]
    fn an_instance_survives_the_round_trip_through_its_rows() {
        let xml = r#"<workflow-app name="w" xmlns="uri:oozie:workflow:1.0">
  <start to="f"/>
  <fork name="f"><path start="a"/><path start="b"/></fork>
  <action name="a" retry-max="2" retry-interval="1"><fs/><ok to="j"/><error to="k"/></action>
  <action name="b"><fs/><ok to="j"/><error to="k"/></action>
  <join name="j" to="end"/>
  <kill name="k"><message>m</message></kill>
  <end name="end"/>
</workflow-app>"#;
        let wf = from_workflow_xml(xml).unwrap().workflow;
        let graph = Arc::new(Graph::compile(wf.clone()).unwrap());
        let conf = BTreeMap::from([("x".to_owned(), "1".to_owned())]);
        let settings = Settings::read(&graph, &conf).unwrap();
        let mut engine = Engine::new(8);
        engine.add(
            Instance::new(3, graph.clone(), conf.clone(), settings, "bob", 5_000),
            5_000,
        );
        engine.start(3, 6_000).unwrap();
        engine.dispatch(6_000);
        let a = graph.id("a").unwrap();
        let b = graph.id("b").unwrap();
        engine.finished(
            3,
            b,
            1,
            Outcome {
                data: BTreeMap::from([("k".to_owned(), "v".to_owned())]),
                ..Outcome::ok()
            },
            7_000,
        );
        engine.finished(
            3,
            a,
            1,
            Outcome::failed("EXIT_CODE", "exit status 2"),
            8_000,
        );
        let inst = engine.instance(3).unwrap();
        let origin = Origin {
            workflow_id: Some(9),
            workflow_version: Some(2),
            workflow: &wf,
            user: "bob",
            parent: None,
            coord: None,
            now: 5_000,
        };
        let mut row = new_row(&origin, &conf, 0);
        let changed = instance_row(inst, 8_000);
        row.id = 3;
        row.status = changed.status;
        row.started_at_ms = changed.started_at_ms;
        let nodes: Vec<NodeRow> = (0..inst.nodes.len())
            .filter_map(|id| node_row(inst, id))
            .collect();
        let back = restore(&row, &nodes).unwrap();
        assert_eq!(back.status, JobStatus::Running);
        assert_eq!(back.user, "bob");
        assert_eq!(back.nodes[a].status, Some(ActionStatus::UserRetry));
        assert_eq!(back.nodes[a].retry_at, Some(8_000 + 60_000_000));
        assert_eq!(back.nodes[b].data, inst.nodes[b].data);
        assert_eq!(back.nodes[b].transition, inst.nodes[b].transition);
        // Imported fork/join pairs are named anew by the plan.
        let j = graph.id("join-1").unwrap();
        assert_eq!(back.nodes[j].arrivals, 1);
        assert_eq!(back.finished, inst.finished);
    }
}
