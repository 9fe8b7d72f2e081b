//! Reruns and marks of an ended instance, pure: which nodes keep their result and which
//! run again, checked as Oozie checks them (SEMANTICS C.1, `ReRunXCommand`).
//!
//! A rerun keeps the instance's id and counts one more run (`wf:run()`). Nodes kept from
//! the run before are *replayed*: when the new run reaches one, it takes the transition it
//! took then without running. Everything else is forgotten and runs again if reached.

use std::collections::{BTreeSet, VecDeque};

use shared::api::{ActionStatus, JobStatus, RerunScope};

use super::graph::{Kind, NodeId};
use super::instance::{Instance, Mark, Micros, NodeRun};
use super::planner::{Refused, refused};

/// Whether a node is one a rerun can keep: an action or a decision.
fn keepable(inst: &Instance, id: NodeId) -> bool {
    matches!(
        inst.graph.nodes[id].kind,
        Kind::Action { .. } | Kind::Decision { .. }
    )
}

/// Ended OK or ERROR, with the transition taken then.
fn ended_with_transition(run: &NodeRun) -> bool {
    matches!(run.status, Some(ActionStatus::Ok | ActionStatus::Error)) && run.transition.is_some()
}

/// The nodes a rerun of `inst` in this scope keeps (replays). Refuses as Oozie does: the
/// instance must have ended (E0805); nodes named to skip must exist and have been reached
/// (E0807) and have ended OK or ERROR (E0806).
pub fn replayed(inst: &Instance, scope: &RerunScope) -> Result<BTreeSet<NodeId>, Refused> {
    if !inst.status.is_terminal() {
        return Err(refused(
            "E0805",
            format!(
                "instance {} is {}; only an ended one (SUCCEEDED, KILLED or FAILED) can be rerun",
                inst.id,
                inst.status.id()
            ),
        ));
    }
    let all = 0..inst.nodes.len();
    let by_name = |name: &str| -> Result<NodeId, Refused> {
        inst.graph
            .id(name)
            .filter(|&id| keepable(inst, id) && inst.nodes[id].status.is_some())
            .ok_or_else(|| {
                refused(
                    "E0807",
                    format!(
                        "'{name}' is not an action or decision that run {} reached",
                        inst.run
                    ),
                )
            })
    };
    Ok(match scope {
        RerunScope::All => BTreeSet::new(),
        RerunScope::Failed => all
            .filter(|&id| {
                keepable(inst, id)
                    && inst.nodes[id].status == Some(ActionStatus::Ok)
                    && inst.nodes[id].transition.is_some()
            })
            .collect(),
        RerunScope::Skip { nodes } => {
            let mut keep = BTreeSet::new();
            let mut unfinished = Vec::new();
            for name in nodes {
                let id = by_name(name)?;
                if ended_with_transition(&inst.nodes[id]) {
                    keep.insert(id);
                } else {
                    unfinished.push(name.as_str());
                }
            }
            if !unfinished.is_empty() {
                return Err(refused(
                    "E0806",
                    format!(
                        "these did not end OK or ERROR in run {}, so there is no result to keep: {}",
                        inst.run,
                        unfinished.join(", ")
                    ),
                ));
            }
            keep
        }
        RerunScope::From { node } => {
            let from = by_name(node)?;
            let again = downstream(inst, from);
            all.filter(|&id| {
                keepable(inst, id) && !again.contains(&id) && ended_with_transition(&inst.nodes[id])
            })
            .collect()
        }
    })
}

/// `from` and every node reachable from it.
fn downstream(inst: &Instance, from: NodeId) -> BTreeSet<NodeId> {
    let mut seen = BTreeSet::from([from]);
    let mut queue = VecDeque::from([from]);
    while let Some(id) = queue.pop_front() {
        let next: Vec<NodeId> = match &inst.graph.nodes[id].kind {
            Kind::Action { ok, error, .. } => vec![*ok, *error],
            Kind::Decision { cases, default } => {
                cases.iter().map(|c| c.1).chain([*default]).collect()
            }
            Kind::Fork { paths, .. } => paths.clone(),
            Kind::Join { to, .. } => vec![*to],
            Kind::Kill { .. } | Kind::End | Kind::Unused => vec![],
        };
        for n in next {
            if seen.insert(n) {
                queue.push_back(n);
            }
        }
    }
    seen
}

/// The actions that will run again if the rerun reaches them: every action not kept.
pub fn again(inst: &Instance, keep: &BTreeSet<NodeId>) -> Vec<NodeId> {
    (0..inst.nodes.len())
        .filter(|&id| inst.graph.action(id).is_some() && !keep.contains(&id))
        .collect()
}

/// Makes `inst` ready to start its next run: kept nodes hold their result marked
/// [`Mark::Replay`], every other node is forgotten, and the instance is PREP again with
/// one more run.
pub fn reset(inst: &mut Instance, keep: &BTreeSet<NodeId>) {
    for (id, run) in inst.nodes.iter_mut().enumerate() {
        if keep.contains(&id) {
            // A user's mark says more than "kept", and replays the same way.
            run.mark.get_or_insert(Mark::Replay);
            run.seq = None;
            run.retry_at = None;
        } else {
            *run = NodeRun::default();
        }
    }
    inst.run += 1;
    inst.status = JobStatus::Prep;
    inst.finished = 0;
    inst.error_code = None;
    inst.error_message = None;
    inst.last_error_node = None;
    inst.kill_pending = None;
    inst.started_at = None;
    inst.ended_at = None;
}

/// Marks an action of an ended instance succeeded or skipped: its record becomes OK with
/// its ok transition, so a rerun of the failed nodes replays it and goes on past it.
pub fn mark_ended(
    inst: &mut Instance,
    node: NodeId,
    mark: Mark,
    now: Micros,
) -> Result<(), Refused> {
    let Kind::Action { ok, .. } = inst.graph.nodes[node].kind else {
        return Err(refused(
            "E0807",
            format!("'{}' is not an action", inst.node_name(node)),
        ));
    };
    let run = &mut inst.nodes[node];
    if run.status == Some(ActionStatus::Ok) {
        return Err(refused(
            "E0806",
            format!("'{}' already ended OK", inst.graph.name(node)),
        ));
    }
    run.status = Some(ActionStatus::Ok);
    run.transition = Some(ok);
    run.mark = Some(mark);
    run.ended_at.get_or_insert(now);
    Ok(())
}
