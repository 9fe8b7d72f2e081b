//! The workflow engine's decisions, with no I/O and no clock: every call takes the time as
//! an argument, changes the state, and leaves behind what the loop must do (start or stop
//! a task) and what it must persist (the nodes and instances changed). Tested with a fake
//! clock; the loop around it ([`super::runner`]) only carries events in and commands out.
//!
//! The rules are Oozie's (SEMANTICS A.2, C.1, C.2): a fork starts all its paths, a join
//! waits for all of them, a decision takes the first case whose predicate is `true`, an
//! action takes its ok or error transition, a kill node ends the instance KILLED and an
//! end node SUCCEEDED (killing whatever still runs). Sluice adds a retry of failed tries
//! (retry-max, retry-interval), a timeout per try, a failure strategy, priorities and a
//! limit on the tasks running at once.

use std::cmp::Reverse;
use std::collections::{BTreeSet, HashMap};

use shared::api::{ActionStatus, JobStatus};
use shared::el::eval_text;
use shared::el::wf::WfContext;

use super::graph::{Kind, NodeId};
use super::instance::{Instance, Mark, Micros, Stopping, Strategy, View};
use super::task::{Outcome, Task, resolve};

/// Something for the loop to do.
#[derive(Debug, Clone, PartialEq)]
pub enum Command {
    /// Run one try of an action. `ready_at` is when its dependencies were met.
    Start {
        instance: i64,
        node: NodeId,
        attempt: u32,
        task: Task,
        ready_at: Micros,
    },
    /// Stop a running try (SIGTERM, then SIGKILL after a grace period).
    Stop {
        instance: i64,
        node: NodeId,
        attempt: u32,
    },
    /// The instance reached a final status; once persisted it may leave memory.
    Ended { instance: i64 },
}

/// An operation refused, with Oozie's error code where Oozie has one.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{code}: {message}")]
pub struct Refused {
    pub code: &'static str,
    pub message: String,
}

pub(super) fn refused(code: &'static str, message: String) -> Refused {
    Refused { code, message }
}

/// What changed since the last [`Engine::take`].
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Output {
    pub commands: Vec<Command>,
    /// Instances whose own row changed (status, error, times).
    pub instances: Vec<i64>,
    /// Nodes whose row changed.
    pub nodes: Vec<(i64, NodeId)>,
}

/// A ready action in the queue for slots: higher priority first, then first come.
type ReadyKey = (Reverse<i32>, u64, i64, NodeId);

/// Every instance in memory, the queue of ready actions and the slots. A copy is how a
/// dry run sees what an operation would do.
#[derive(Debug, Clone)]
pub struct Engine {
    instances: HashMap<i64, Instance>,
    ready: BTreeSet<ReadyKey>,
    /// Retries and timeouts due: (when, instance, node).
    timers: BTreeSet<(Micros, i64, NodeId)>,
    running: usize,
    limit: usize,
    seq: u64,
    out: Output,
}

impl Engine {
    /// An engine that runs at most `limit` tasks at once.
    pub fn new(limit: usize) -> Engine {
        Engine {
            instances: HashMap::new(),
            ready: BTreeSet::new(),
            timers: BTreeSet::new(),
            running: 0,
            limit: limit.max(1),
            seq: 0,
            out: Output::default(),
        }
    }

    pub fn instance(&self, id: i64) -> Option<&Instance> {
        self.instances.get(&id)
    }

    pub fn instances(&self) -> impl Iterator<Item = &Instance> {
        self.instances.values()
    }

    /// Tasks running now, holding slots.
    pub fn running(&self) -> usize {
        self.running
    }

    pub fn slots_free(&self) -> bool {
        self.running < self.limit
    }

    /// Takes what the loop must do and persist.
    pub fn take(&mut self) -> Output {
        let mut out = std::mem::take(&mut self.out);
        out.instances.sort_unstable();
        out.instances.dedup();
        out.nodes.sort_unstable();
        out.nodes.dedup();
        out
    }

    /// Whether something is left to persist or do.
    pub fn has_output(&self) -> bool {
        !(self.out.commands.is_empty()
            && self.out.instances.is_empty()
            && self.out.nodes.is_empty())
    }

    /// Marks an instance's row as changed (a new one, to be written with its first state).
    pub fn touch(&mut self, id: i64) {
        self.out.instances.push(id);
    }

    /// Records the process running a try (`wf:actionExternalId`).
    pub fn set_external_id(&mut self, id: i64, node: NodeId, attempt: u32, external: String) {
        if let Some(run) = self.instances.get_mut(&id).map(|i| &mut i.nodes[node])
            && run.attempts == attempt
            && run.status == Some(ActionStatus::Running)
        {
            run.external_id = Some(external);
            self.out.nodes.push((id, node));
        }
    }

    /// The earliest retry or timeout due, for the loop's timer.
    pub fn next_wake(&self) -> Option<Micros> {
        self.timers.first().map(|t| t.0)
    }

    /// Takes an instance in: a new one (PREP) stays until [`Engine::start`]; one read back
    /// after a restart carries on. Tries that were running when the server stopped have no
    /// process any more: they count as failed tries, retried if the action allows it.
    pub fn add(&mut self, mut instance: Instance, now: Micros) {
        let id = instance.id;
        // What only a live process knows does not survive it.
        for run in &mut instance.nodes {
            run.slot = false;
            run.stopping = None;
            run.deadline = None;
        }
        let recovering = instance.status == JobStatus::Running;
        let interrupted: Vec<(NodeId, u32)> = instance
            .nodes
            .iter()
            .enumerate()
            .filter(|(_, n)| n.status == Some(ActionStatus::Running))
            .map(|(i, n)| (i, n.attempts))
            .collect();
        let retrying: Vec<(Micros, NodeId)> = instance
            .nodes
            .iter()
            .enumerate()
            .filter(|(_, n)| n.status == Some(ActionStatus::UserRetry))
            .map(|(i, n)| (n.retry_at.unwrap_or(now), i))
            .collect();
        self.instances.insert(id, instance);
        for (at, node) in retrying {
            self.timers.insert((at, id, node));
        }
        for (node, attempt) in interrupted {
            let message = format!(
                "the server stopped while try {attempt} ran; its process is gone and the try counts as failed"
            );
            self.finished(
                id,
                node,
                attempt,
                Outcome::failed("INTERRUPTED", message),
                now,
            );
        }
        if recovering {
            self.continue_waiting(id, now);
        }
    }

    /// Removes an instance from memory (after its end was persisted).
    pub fn evict(&mut self, id: i64) {
        self.instances.remove(&id);
    }

    /// PREP → RUNNING: the instance starts at its start node.
    pub fn start(&mut self, id: i64, now: Micros) -> Result<(), Refused> {
        let inst = self.get(id)?;
        match inst.status {
            JobStatus::Prep => {}
            JobStatus::Running => {
                return Err(refused(
                    "E0801",
                    format!("instance {id} is already running"),
                ));
            }
            other => {
                return Err(refused(
                    "E0813",
                    format!("instance {id} is {}, not PREP", other.id()),
                ));
            }
        }
        let inst = self.get_mut(id)?;
        inst.status = JobStatus::Running;
        inst.started_at = Some(now);
        let start = inst.graph.start;
        self.out.instances.push(id);
        self.enter(id, start, now);
        Ok(())
    }

    /// RUNNING → SUSPENDED: no new action starts; running ones finish.
    pub fn suspend(&mut self, id: i64) -> Result<(), Refused> {
        let inst = self.get_mut(id)?;
        if inst.status != JobStatus::Running {
            return Err(refused(
                "E0727",
                format!(
                    "instance {id} is {}; only a RUNNING one can be suspended",
                    inst.status.id()
                ),
            ));
        }
        inst.status = JobStatus::Suspended;
        self.out.instances.push(id);
        Ok(())
    }

    /// SUSPENDED → RUNNING: what waited starts.
    pub fn resume(&mut self, id: i64, now: Micros) -> Result<(), Refused> {
        let inst = self.get_mut(id)?;
        if inst.status != JobStatus::Suspended {
            return Err(refused(
                "E1100",
                format!(
                    "instance {id} is {}; only a SUSPENDED one can be resumed",
                    inst.status.id()
                ),
            ));
        }
        inst.status = JobStatus::Running;
        self.out.instances.push(id);
        self.continue_waiting(id, now);
        Ok(())
    }

    /// → KILLED: running tries are stopped, nothing else starts.
    pub fn kill(&mut self, id: i64, reason: &str, now: Micros) -> Result<(), Refused> {
        let inst = self.get(id)?;
        if !matches!(
            inst.status,
            JobStatus::Prep | JobStatus::Running | JobStatus::Suspended | JobStatus::Failed
        ) {
            return Err(refused(
                "E0725",
                format!("instance {id} is {}; it cannot be killed", inst.status.id()),
            ));
        }
        self.end(
            id,
            JobStatus::Killed,
            Some(("KILLED", reason.to_owned())),
            now,
        );
        Ok(())
    }

    /// A try ended. Late or repeated reports (of a try already superseded) are ignored.
    pub fn finished(&mut self, id: i64, node: NodeId, attempt: u32, outcome: Outcome, now: Micros) {
        let Some(inst) = self.instances.get_mut(&id) else {
            return;
        };
        let run = &mut inst.nodes[node];
        if run.status != Some(ActionStatus::Running) || run.attempts != attempt {
            return;
        }
        if std::mem::take(&mut run.slot) {
            self.running -= 1;
        }
        if let Some(deadline) = run.deadline.take() {
            self.timers.remove(&(deadline, id, node));
        }
        run.exit_code = outcome.exit_code;
        run.ended_at = Some(now);
        self.out.nodes.push((id, node));
        let stopping = run.stopping.take();
        if inst.status.is_terminal() || stopping == Some(Stopping::Ended) {
            run.status = Some(ActionStatus::Killed);
            if inst.status.is_terminal() && !self.has_running(id) {
                self.out.commands.push(Command::Ended { instance: id });
            }
            return;
        }
        let failure = match (stopping, outcome.failure) {
            (Some(Stopping::Timeout), _) => {
                let limit = inst
                    .settings
                    .timeouts
                    .get(&node)
                    .copied()
                    .unwrap_or_default();
                Some(super::task::Failure {
                    code: "TIMEOUT".to_owned(),
                    message: format!(
                        "try {attempt} ran longer than its timeout of {} and was stopped",
                        human(limit)
                    ),
                })
            }
            (_, failure) => failure,
        };
        let Kind::Action { ok, error, .. } = inst.graph.nodes[node].kind else {
            return;
        };
        match failure {
            None => {
                run.status = Some(ActionStatus::Ok);
                run.data = outcome.data;
                run.error_code = None;
                run.error_message = None;
                self.pass(id, node, ok, now);
            }
            Some(f) => {
                run.error_code = Some(f.code);
                run.error_message = Some(f.message);
                let retry = inst.settings.retry(node);
                if attempt <= retry.max {
                    let at = now + retry.delay(attempt);
                    run.status = Some(ActionStatus::UserRetry);
                    run.retry_at = Some(at);
                    self.timers.insert((at, id, node));
                } else {
                    run.status = Some(ActionStatus::Error);
                    inst.last_error_node = Some(node);
                    self.pass(id, node, error, now);
                }
            }
        }
        self.check_drained(id, now);
    }

    /// Retries and timeouts that are due.
    pub fn tick(&mut self, now: Micros) {
        while let Some(&(at, id, node)) = self.timers.first() {
            if at > now {
                break;
            }
            self.timers.pop_first();
            let Some(inst) = self.instances.get_mut(&id) else {
                continue;
            };
            let run = &mut inst.nodes[node];
            match run.status {
                Some(ActionStatus::UserRetry) if run.retry_at == Some(at) => {
                    run.retry_at = None;
                    run.status = Some(ActionStatus::Prep);
                    run.ready_at = Some(now);
                    self.out.nodes.push((id, node));
                    if inst.status == JobStatus::Running {
                        let priority = inst.settings.priority;
                        self.queue(priority, id, node);
                    }
                }
                Some(ActionStatus::Running) if run.deadline == Some(at) => {
                    run.deadline = None;
                    run.stopping = Some(Stopping::Timeout);
                    self.out.commands.push(Command::Stop {
                        instance: id,
                        node,
                        attempt: run.attempts,
                    });
                }
                _ => {}
            }
        }
    }

    /// Starts ready actions while slots are free, highest priority first.
    pub fn dispatch(&mut self, now: Micros) {
        while self.running < self.limit {
            let Some((_, _, id, node)) = self.ready.pop_first() else {
                break;
            };
            let Some(inst) = self.instances.get_mut(&id) else {
                continue;
            };
            if inst.status != JobStatus::Running
                || inst.nodes[node].status != Some(ActionStatus::Prep)
            {
                continue;
            }
            if inst.settings.breakpoints.contains(&node) && !inst.nodes[node].released {
                // oozie.suspend.on.nodes: stop before it; resuming lets it start.
                inst.nodes[node].released = true;
                inst.status = JobStatus::Suspended;
                self.out.instances.push(id);
                continue;
            }
            let action = inst.graph.action(node).expect("only actions are queued");
            match resolve(inst, action) {
                Ok(task) => {
                    let timeout = inst.settings.timeouts.get(&node).copied();
                    let run = &mut inst.nodes[node];
                    run.attempts += 1;
                    run.status = Some(ActionStatus::Running);
                    run.started_at = Some(now);
                    run.ended_at = None;
                    run.exit_code = None;
                    run.slot = task.takes_slot();
                    if run.slot {
                        self.running += 1;
                    }
                    if let Some(t) = timeout {
                        run.deadline = Some(now + t);
                        self.timers.insert((now + t, id, node));
                    }
                    self.out.nodes.push((id, node));
                    self.out.commands.push(Command::Start {
                        instance: id,
                        node,
                        attempt: run.attempts,
                        task,
                        ready_at: run.ready_at.unwrap_or(now),
                    });
                }
                Err(message) => self.el_failed(id, node, "action", message, now),
            }
        }
    }

    fn get(&self, id: i64) -> Result<&Instance, Refused> {
        self.instances
            .get(&id)
            .ok_or_else(|| refused("E0604", format!("instance {id} is not running here")))
    }

    fn get_mut(&mut self, id: i64) -> Result<&mut Instance, Refused> {
        self.instances
            .get_mut(&id)
            .ok_or_else(|| refused("E0604", format!("instance {id} is not running here")))
    }

    fn queue(&mut self, priority: i32, id: i64, node: NodeId) {
        self.seq += 1;
        self.ready.insert((Reverse(priority), self.seq, id, node));
    }

    /// A node finished and takes the transition to `to`.
    fn pass(&mut self, id: i64, node: NodeId, to: NodeId, now: Micros) {
        let inst = self.instances.get_mut(&id).expect("caller checked");
        inst.finished += 1;
        let run = &mut inst.nodes[node];
        run.transition = Some(to);
        run.seq = Some(inst.finished);
        run.ended_at.get_or_insert(now);
        self.out.nodes.push((id, node));
        self.enter(id, to, now);
    }

    /// The instance reaches a node.
    fn enter(&mut self, id: i64, node: NodeId, now: Micros) {
        let inst = self.instances.get_mut(&id).expect("caller checked");
        if inst.status.is_terminal() {
            return;
        }
        let run = &mut inst.nodes[node];
        self.out.nodes.push((id, node));
        match &inst.graph.nodes[node].kind {
            Kind::Fork { paths, .. } => {
                run.status = Some(ActionStatus::Ok);
                run.ready_at = Some(now);
                let paths = paths.clone();
                completed(inst, node, now);
                for path in paths {
                    self.enter(id, path, now);
                }
            }
            Kind::Join { to, arity } => {
                run.arrivals += 1;
                run.ready_at.get_or_insert(now);
                if run.arrivals >= *arity {
                    run.status = Some(ActionStatus::Ok);
                    let to = *to;
                    self.pass(id, node, to, now);
                } else {
                    run.status = Some(ActionStatus::Prep);
                }
            }
            Kind::Action { ok, .. } | Kind::Decision { default: ok, .. } if run.mark.is_some() => {
                // Kept from the run before, or marked by a user: take the transition it
                // took then (or, never run, its ok one) without running.
                let to = run.transition.unwrap_or(*ok);
                if run.status == Some(ActionStatus::Error) {
                    inst.last_error_node = Some(node);
                } else {
                    run.status = Some(ActionStatus::Ok);
                }
                run.ready_at = Some(now);
                self.pass(id, node, to, now);
            }
            _ => {
                run.status = Some(ActionStatus::Prep);
                run.ready_at = Some(now);
                if inst.status == JobStatus::Running {
                    self.proceed(id, node, now);
                }
            }
        }
    }

    /// A user marks an action of a live instance succeeded or skipped: it takes its ok
    /// transition without running (or without finishing: a running try is stopped and
    /// its end ignored). One not reached yet is passed over when the run gets there.
    pub fn mark(&mut self, id: i64, node: NodeId, mark: Mark, now: Micros) -> Result<(), Refused> {
        self.get(id)?;
        let inst = self.instances.get_mut(&id).expect("just checked");
        if inst.status.is_terminal() {
            super::rerun::mark_ended(inst, node, mark, now)?;
            self.out.nodes.push((id, node));
            return Ok(());
        }
        let Kind::Action { ok, .. } = inst.graph.nodes[node].kind else {
            return Err(refused(
                "E0807",
                format!("'{}' is not an action", inst.node_name(node)),
            ));
        };
        let run = &mut inst.nodes[node];
        match run.status {
            None => {
                run.mark = Some(mark);
                self.out.nodes.push((id, node));
                Ok(())
            }
            Some(ActionStatus::Prep | ActionStatus::UserRetry | ActionStatus::Running) => {
                if run.status == Some(ActionStatus::Running) {
                    if std::mem::take(&mut run.slot) {
                        self.running -= 1;
                    }
                    if let Some(deadline) = run.deadline.take() {
                        self.timers.remove(&(deadline, id, node));
                    }
                    self.out.commands.push(Command::Stop {
                        instance: id,
                        node,
                        attempt: run.attempts,
                    });
                }
                run.status = Some(ActionStatus::Ok);
                run.mark = Some(mark);
                run.retry_at = None;
                run.ended_at = Some(now);
                run.error_code = None;
                run.error_message = None;
                // Whatever the ready queue or the timers still hold for it finds it OK
                // and is dropped.
                self.pass(id, node, ok, now);
                self.check_drained(id, now);
                Ok(())
            }
            Some(done) => Err(refused(
                "E0806",
                format!(
                    "'{}' already ended {}; mark it once the instance has ended, then rerun",
                    inst.graph.name(node),
                    done.id()
                ),
            )),
        }
    }

    /// A reached node that waited (PREP) goes on: an action is queued for a slot, a
    /// decision decides, a kill or end node ends the instance.
    fn proceed(&mut self, id: i64, node: NodeId, now: Micros) {
        let inst = self.instances.get_mut(&id).expect("caller checked");
        match &inst.graph.nodes[node].kind {
            Kind::Action { .. } => {
                let priority = inst.settings.priority;
                self.queue(priority, id, node);
            }
            Kind::Decision { cases, default } => {
                let view = View(inst);
                let ctx = WfContext {
                    properties: &inst.conf,
                    runtime: &view,
                };
                let mut target = Ok(*default);
                for (predicate, to) in cases {
                    match eval_text(predicate, &ctx) {
                        Ok(v) if v.trim() == "true" => {
                            target = Ok(*to);
                            break;
                        }
                        Ok(_) => {}
                        Err(e) => {
                            target = Err(format!("{e} in [{predicate}]"));
                            break;
                        }
                    }
                }
                match target {
                    Ok(to) => {
                        inst.nodes[node].status = Some(ActionStatus::Ok);
                        self.pass(id, node, to, now);
                    }
                    Err(message) => self.el_failed(id, node, "decision", message, now),
                }
            }
            Kind::Kill { message } => {
                let view = View(inst);
                let ctx = WfContext {
                    properties: &inst.conf,
                    runtime: &view,
                };
                // A message that does not evaluate is still the best explanation there is.
                let text = eval_text(message, &ctx).unwrap_or_else(|_| message.clone());
                completed(inst, node, now);
                inst.error_code = Some("E0729".to_owned());
                inst.error_message = Some(text);
                match inst.settings.strategy {
                    Strategy::End => self.end(id, JobStatus::Killed, None, now),
                    Strategy::Continue => {
                        inst.kill_pending = Some(node);
                        self.check_drained(id, now);
                    }
                }
            }
            Kind::End => {
                completed(inst, node, now);
                self.end(id, JobStatus::Succeeded, None, now);
            }
            Kind::Fork { .. } | Kind::Join { .. } | Kind::Unused => {}
        }
    }

    /// Oozie fails the job when an action's or a decision's EL cannot be evaluated.
    fn el_failed(&mut self, id: i64, node: NodeId, what: &str, message: String, now: Micros) {
        let inst = self.instances.get_mut(&id).expect("caller checked");
        let run = &mut inst.nodes[node];
        run.status = Some(ActionStatus::Failed);
        run.error_code = Some("EL_ERROR".to_owned());
        run.error_message = Some(message.clone());
        run.ended_at = Some(now);
        inst.last_error_node = Some(node);
        self.out.nodes.push((id, node));
        let name = inst.node_name(node).to_owned();
        self.end(
            id,
            JobStatus::Failed,
            Some(("EL_ERROR", format!("{what} '{name}': {message}"))),
            now,
        );
    }

    /// After a resume or a restart: everything that waited goes on.
    fn continue_waiting(&mut self, id: i64, now: Micros) {
        let Some(inst) = self.instances.get(&id) else {
            return;
        };
        let waiting: Vec<NodeId> = inst
            .nodes
            .iter()
            .enumerate()
            .filter(|(i, n)| {
                n.status == Some(ActionStatus::Prep)
                    && !matches!(inst.graph.nodes[*i].kind, Kind::Join { .. })
            })
            .map(|(i, _)| i)
            .collect();
        for node in waiting {
            if self.instances[&id].status != JobStatus::Running {
                break;
            }
            self.proceed(id, node, now);
        }
        self.check_drained(id, now);
    }

    /// With the continue strategy, a kill node reached ends the instance once nothing else
    /// is left to run.
    fn check_drained(&mut self, id: i64, now: Micros) {
        let Some(inst) = self.instances.get(&id) else {
            return;
        };
        if inst.kill_pending.is_some() && !inst.status.is_terminal() && !inst.active() {
            self.end(id, JobStatus::Killed, None, now);
        }
    }

    /// The instance ends with `status`: running tries are stopped, waiting ones dropped.
    fn end(&mut self, id: i64, status: JobStatus, error: Option<(&str, String)>, now: Micros) {
        let inst = self.instances.get_mut(&id).expect("caller checked");
        inst.status = status;
        inst.ended_at = Some(now);
        if let Some((code, message)) = error {
            inst.error_code = Some(code.to_owned());
            inst.error_message = Some(message);
        }
        self.out.instances.push(id);
        for (node, run) in inst.nodes.iter_mut().enumerate() {
            match run.status {
                Some(ActionStatus::Running) => {
                    run.stopping = Some(Stopping::Ended);
                    self.out.commands.push(Command::Stop {
                        instance: id,
                        node,
                        attempt: run.attempts,
                    });
                }
                Some(ActionStatus::Prep | ActionStatus::UserRetry) => {
                    run.status = Some(ActionStatus::Killed);
                    run.retry_at = None;
                    run.ended_at = Some(now);
                    self.out.nodes.push((id, node));
                }
                _ => {}
            }
        }
        if !self.has_running(id) {
            self.out.commands.push(Command::Ended { instance: id });
        }
        let inst = &self.instances[&id];
        if let Some((parent, node_name)) = &inst.parent {
            let parent = *parent;
            let outcome = match status {
                JobStatus::Succeeded => Outcome::ok(),
                other => Outcome::failed(
                    other.id(),
                    inst.error_message.clone().unwrap_or_else(|| {
                        format!("sub-workflow instance {id} ended {}", other.id())
                    }),
                ),
            };
            let at = self.instances.get(&parent).and_then(|p| {
                let node = p.graph.id(node_name)?;
                Some((node, p.nodes[node].attempts))
            });
            if let Some((node, attempt)) = at {
                self.finished(parent, node, attempt, outcome, now);
            }
        }
    }

    /// Whether anything of the instance still runs (a stopped try not yet reported).
    pub fn has_running(&self, id: i64) -> bool {
        self.instances.get(&id).is_some_and(|inst| {
            inst.nodes
                .iter()
                .any(|n| n.status == Some(ActionStatus::Running))
        })
    }
}

/// A duration for messages: `90 s`, `5 min`, `2 h`.
fn human(micros: Micros) -> String {
    let s = micros / 1_000_000;
    if s % 3600 == 0 && s >= 3600 {
        format!("{} h", s / 3600)
    } else if s % 60 == 0 && s >= 60 {
        format!("{} min", s / 60)
    } else {
        format!("{s} s")
    }
}

/// A control node passed without a transition of its own to record (fork, kill, end).
fn completed(inst: &mut Instance, node: NodeId, now: Micros) {
    inst.finished += 1;
    let run = &mut inst.nodes[node];
    run.status = Some(ActionStatus::Ok);
    run.seq = Some(inst.finished);
    run.ended_at = Some(now);
}
