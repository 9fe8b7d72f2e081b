//! The thin loop around the planner: it carries events in (tries ended, operations, new
//! instances, timers), lets the planner decide, writes every change in one transaction,
//! and only then acts (starts and stops processes). Persisting before acting is what makes
//! a crash safe: a try is recorded as running before its process exists, so after a
//! restart it is found and counted as interrupted, never silently run twice.
//!
//! Everything that arrives while a batch is written waits in the channel and is taken
//! together in the next one: under load, one commit carries many transitions.

use std::collections::{BTreeMap, HashMap, HashSet};
use std::sync::Arc;
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use shared::api::{InstanceState, JobStatus, RerunReport, RerunRequest};
use shared::oozie::from_workflow_xml;
use shared::workflow::Workflow;
use tokio::sync::{broadcast, mpsc, oneshot};

use super::exec::{self, Attempt, ExecConfig, Started};
use super::graph::{Graph, NodeId};
use super::instance::{self, Instance, Mark, Micros, Settings};
use super::persist::{self, Origin};
use super::planner::{Command, Engine, Refused, refused};
use super::rerun;
use super::task::{Capabilities, Outcome, Task};
use crate::store::{Store, StoreError};

/// The most events taken into one batch.
const MAX_BATCH: usize = 4096;

/// Oozie's `oozie.action.subworkflow.max.depth`.
const MAX_DEPTH: usize = 50;

/// Tasks at once by default: 8 per core (most tasks wait on something else).
pub fn default_slots() -> usize {
    std::thread::available_parallelism().map_or(2, |n| n.get()) * 8
}

pub fn now_micros() -> Micros {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |d| i64::try_from(d.as_micros()).unwrap_or(i64::MAX))
}

#[derive(Debug, Clone)]
pub struct RunnerConfig {
    /// Tasks running at once, at most.
    pub slots: usize,
    /// How tasks run, including the command templates that decide which action types
    /// this server can run at all.
    pub exec: ExecConfig,
    /// Replicas share the database: read back only the instances the lease loop hands
    /// over ([`EngineHandle::adopt`]), not every one that was running.
    pub shared: bool,
}

/// An operation on an instance.
#[derive(Debug, Clone, PartialEq)]
pub enum Op {
    Start,
    Suspend,
    Resume,
    Kill {
        by: String,
    },
    /// Mark an action succeeded or skipped.
    Mark {
        node: String,
        mark: Mark,
    },
}

/// An operation, on the engine itself or (for a dry run) on a copy of it.
fn apply(engine: &mut Engine, instance: i64, op: Op, now: Micros) -> Result<(), Refused> {
    match op {
        Op::Start => engine.start(instance, now),
        Op::Suspend => engine.suspend(instance),
        Op::Resume => engine.resume(instance, now),
        Op::Kill { by } => engine.kill(instance, &format!("killed by {by}"), now),
        Op::Mark { node, mark } => {
            match engine.instance(instance).and_then(|i| i.graph.id(&node)) {
                Some(id) => engine.mark(instance, id, mark, now),
                None => Err(refused(
                    "E0807",
                    format!("instance {instance} has no node named '{node}'"),
                )),
            }
        }
    }
}

/// A change, once committed: for event streams and progress displays.
#[derive(Debug, Clone, PartialEq)]
pub struct Update {
    pub instance: i64,
    /// `None`: the instance's own status changed.
    pub node: Option<String>,
    pub status: String,
    pub attempt: u32,
}

/// Counters for benchmarks and health.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Stats {
    pub started: u64,
    pub batches: u64,
    /// From dependencies met to process started, per process started, in microseconds
    /// (kept only when asked for).
    pub latencies: Vec<i64>,
}

enum Msg {
    Finished {
        instance: i64,
        node: NodeId,
        attempt: u32,
        outcome: Outcome,
        /// When the end was seen: what follows became ready then, not when the loop got
        /// to it.
        at: Micros,
    },
    /// A try's process started.
    Spawned {
        instance: i64,
        node: NodeId,
        attempt: u32,
        pid: u32,
        /// From dependencies met to the process started, in microseconds.
        latency: i64,
    },
    ForceKill {
        instance: i64,
        node: NodeId,
        attempt: u32,
    },
    Submit {
        instance: Box<Instance>,
        start: bool,
        reply: oneshot::Sender<Result<(), Refused>>,
    },
    Op {
        instance: i64,
        op: Op,
        dry_run: bool,
        reply: oneshot::Sender<Result<InstanceState, Refused>>,
    },
    Rerun {
        instance: i64,
        request: RerunRequest,
        reply: oneshot::Sender<Result<RerunReport, SubmitError>>,
    },
    Stats {
        keep_latencies: bool,
        reply: oneshot::Sender<Stats>,
    },
    /// The lease loop hands over the instances this server holds.
    Adopt {
        ids: HashSet<i64>,
        reply: oneshot::Sender<Result<(), StoreError>>,
    },
    Shutdown {
        reply: oneshot::Sender<()>,
    },
}

/// Talks to the loop.
#[derive(Clone)]
pub struct EngineHandle {
    tx: mpsc::UnboundedSender<Msg>,
    updates: broadcast::Sender<Update>,
    store: Arc<dyn Store>,
    exec: Arc<ExecConfig>,
    slots_full: Arc<std::sync::atomic::AtomicBool>,
}

#[derive(Debug, thiserror::Error)]
pub enum SubmitError {
    /// The workflow cannot run (it has errors, bad settings, or actions this server
    /// cannot run).
    #[error("{0}")]
    Invalid(String),
    #[error(transparent)]
    Refused(#[from] Refused),
    #[error(transparent)]
    Store(#[from] StoreError),
    #[error("the engine has stopped")]
    Stopped,
}

/// What to run and as whom.
pub struct Submission {
    pub workflow: Workflow,
    pub workflow_id: Option<i64>,
    pub workflow_version: Option<i64>,
    pub conf: BTreeMap<String, String>,
    pub user: String,
    /// Start at once (else it stays in PREP until started).
    pub start: bool,
    /// The coordinator action it runs: job, action number, try. The store keeps one
    /// instance per try.
    pub coord: Option<(i64, i64, i64)>,
}

impl EngineHandle {
    /// Changes, as they are committed.
    pub fn subscribe(&self) -> broadcast::Receiver<Update> {
        self.updates.subscribe()
    }

    /// Creates an instance, checks that it can run here, and (if asked) starts it. Answers
    /// once its start is committed.
    pub async fn submit(&self, s: Submission) -> Result<i64, SubmitError> {
        let ready = prepare(&s.workflow, s.conf, &s.user, &self.exec.capabilities)
            .map_err(SubmitError::Invalid)?;
        let origin = Origin {
            workflow_id: s.workflow_id,
            workflow_version: s.workflow_version,
            workflow: &s.workflow,
            user: &s.user,
            parent: None,
            coord: s.coord,
            now: now_micros(),
        };
        let instance = ready.create(self.store.as_ref(), &origin).await?;
        let id = instance.id;
        let (reply, answer) = oneshot::channel();
        self.tx
            .send(Msg::Submit {
                instance: Box::new(instance),
                start: s.start,
                reply,
            })
            .map_err(|_| SubmitError::Stopped)?;
        answer.await.map_err(|_| SubmitError::Stopped)??;
        Ok(id)
    }

    /// Applies an operation, or with `dry_run` only says what it would change; answers
    /// once its effect is committed.
    pub async fn operate(
        &self,
        instance: i64,
        op: Op,
        dry_run: bool,
    ) -> Result<InstanceState, SubmitError> {
        let (reply, answer) = oneshot::channel();
        self.tx
            .send(Msg::Op {
                instance,
                op,
                dry_run,
                reply,
            })
            .map_err(|_| SubmitError::Stopped)?;
        Ok(answer.await.map_err(|_| SubmitError::Stopped)??)
    }

    /// Reruns an ended instance (or, with `dry_run`, says what a rerun would do); answers
    /// once the new run's start is committed.
    pub async fn rerun(
        &self,
        instance: i64,
        request: RerunRequest,
    ) -> Result<RerunReport, SubmitError> {
        let (reply, answer) = oneshot::channel();
        self.tx
            .send(Msg::Rerun {
                instance,
                request,
                reply,
            })
            .map_err(|_| SubmitError::Stopped)?;
        answer.await.map_err(|_| SubmitError::Stopped)?
    }

    /// Takes in the instances the lease loop says this server holds, reading back those
    /// it does not have (their interrupted tries retried or failed as after a restart).
    pub async fn adopt(&self, ids: HashSet<i64>) -> Result<(), SubmitError> {
        let (reply, answer) = oneshot::channel();
        self.tx
            .send(Msg::Adopt { ids, reply })
            .map_err(|_| SubmitError::Stopped)?;
        Ok(answer.await.map_err(|_| SubmitError::Stopped)??)
    }

    /// Where a try's log is.
    pub fn log_path(
        &self,
        instance: i64,
        run: i64,
        node: &str,
        attempt: u32,
    ) -> std::path::PathBuf {
        self.exec.log_path(instance, run, node, attempt)
    }

    /// Whether every slot is taken (actions ready to start wait for one).
    pub fn slots_full(&self) -> bool {
        self.slots_full.load(std::sync::atomic::Ordering::Relaxed)
    }

    pub async fn stats(&self, keep_latencies: bool) -> Option<Stats> {
        let (reply, answer) = oneshot::channel();
        self.tx
            .send(Msg::Stats {
                keep_latencies,
                reply,
            })
            .ok()?;
        answer.await.ok()
    }

    /// Stops the loop: running tries are stopped and left recorded as running, so the
    /// next start finds them interrupted and applies their retry policy.
    pub async fn shutdown(&self) {
        let (reply, answer) = oneshot::channel();
        if self.tx.send(Msg::Shutdown { reply }).is_ok() {
            let _ = answer.await;
        }
    }
}

/// A workflow made ready to run here: its graph, its properties and its settings.
struct Ready {
    graph: Arc<Graph>,
    conf: BTreeMap<String, String>,
    settings: Settings,
}

/// Checks that a workflow can run on this server and works out its properties: the given
/// ones over its job.properties, then `<parameters>` defaults (Oozie's E0738 for a
/// required one nobody set), and `user.name`. The message says why it cannot run.
fn prepare(
    workflow: &Workflow,
    given: BTreeMap<String, String>,
    user: &str,
    capabilities: &Capabilities,
) -> Result<Ready, String> {
    let graph = Graph::compile(workflow.clone()).map_err(|issues| {
        format!(
            "the workflow '{}' has errors: {}",
            workflow.name,
            issues
                .iter()
                .map(|i| format!("{} {}", i.code, i.message))
                .collect::<Vec<_>>()
                .join("; ")
        )
    })?;
    if let Some(why) = capabilities.refusal(&graph.action_types()) {
        return Err(why);
    }
    let mut conf: BTreeMap<String, String> = workflow
        .job_properties
        .iter()
        .map(|p| (p.name.clone(), p.value.clone()))
        .collect();
    conf.extend(given);
    shared::workflow::apply_parameters(workflow, &mut conf)?;
    conf.entry("user.name".to_owned())
        .or_insert_with(|| user.to_owned());
    let settings = Settings::read(&graph, &conf)?;
    Ok(Ready {
        graph: Arc::new(graph),
        conf,
        settings,
    })
}

impl Ready {
    /// Records the new instance (PREP) and gives it, with its id.
    async fn create(self, store: &dyn Store, origin: &Origin<'_>) -> Result<Instance, StoreError> {
        let row = persist::new_row(origin, &self.conf, self.settings.priority);
        let id = store.create_instance(&row).await?;
        let mut instance = Instance::new(
            id,
            self.graph,
            self.conf,
            self.settings,
            origin.user,
            origin.now,
        );
        instance.parent = origin.parent.map(|(p, node)| (p, node.to_owned()));
        Ok(instance)
    }
}

/// Starts the loop, after reading back every instance that was running.
pub async fn start(
    store: Arc<dyn Store>,
    config: RunnerConfig,
) -> Result<(EngineHandle, tokio::task::JoinHandle<()>), StoreError> {
    let (tx, rx) = mpsc::unbounded_channel();
    let (updates, _) = broadcast::channel(4096);
    let slots_full = Arc::new(std::sync::atomic::AtomicBool::new(false));
    let mut runner = Runner {
        engine: Engine::new(config.slots),
        store: store.clone(),
        tx: tx.clone(),
        rx,
        updates: updates.clone(),
        procs: HashMap::new(),
        children: HashMap::new(),
        inline: HashMap::new(),
        starting: HashMap::new(),
        stop_early: HashSet::new(),
        exec: Arc::new(config.exec.clone()),
        stats: Stats::default(),
        keep_latencies: false,
        replies: Vec::new(),
        loaded: Vec::new(),
        slots_full: slots_full.clone(),
        config: config.clone(),
    };
    if !config.shared {
        runner.recover(None).await?;
    }
    let handle = EngineHandle {
        tx,
        updates,
        store,
        exec: Arc::new(config.exec),
        slots_full,
    };
    Ok((handle, tokio::spawn(runner.run())))
}

struct Runner {
    engine: Engine,
    store: Arc<dyn Store>,
    tx: mpsc::UnboundedSender<Msg>,
    rx: mpsc::UnboundedReceiver<Msg>,
    updates: broadcast::Sender<Update>,
    /// Running processes: (instance, node) → (attempt, pid).
    procs: HashMap<(i64, NodeId), (u32, u32)>,
    /// Running sub-workflows: (parent, node) → child instance.
    children: HashMap<(i64, NodeId), i64>,
    /// SQL and Dependent tasks under way: (instance, node) → (attempt, their stop).
    inline: HashMap<(i64, NodeId), (u32, futures_util::future::AbortHandle)>,
    /// Tries whose process is being started: (instance, node) → attempt.
    starting: HashMap<(i64, NodeId), u32>,
    /// Tries to stop as soon as their process is known.
    stop_early: HashSet<(i64, NodeId, u32)>,
    exec: Arc<ExecConfig>,
    stats: Stats,
    keep_latencies: bool,
    /// Answers to send once the batch is committed.
    replies: Vec<Box<dyn FnOnce() + Send + Sync>>,
    /// Ended instances read in for an operation: they leave memory after the commit.
    loaded: Vec<i64>,
    slots_full: Arc<std::sync::atomic::AtomicBool>,
    config: RunnerConfig,
}

impl Runner {
    /// Reads back instances that were running: all of them, or only those in `only` (the
    /// ones this server's lease holds) that it does not have yet.
    async fn recover(&mut self, only: Option<&HashSet<i64>>) -> Result<(), StoreError> {
        let now = now_micros();
        let mut restored = Vec::new();
        for (row, nodes) in self.store.active_instances().await? {
            if only.is_some_and(|ids| !ids.contains(&row.id))
                || self.engine.instance(row.id).is_some()
            {
                continue;
            }
            match persist::restore(&row, &nodes) {
                Ok(inst) => {
                    for n in &inst.nodes {
                        if n.status == Some(shared::api::ActionStatus::Running)
                            && let Some(pid) = n.external_id.as_deref()
                        {
                            exec::reap_orphan(pid, inst.id);
                        }
                    }
                    restored.push(inst);
                }
                Err(message) => {
                    tracing::error!(instance = row.id, %message, "cannot read an instance back; it is marked FAILED");
                    let mut failed = row.clone();
                    failed.status = JobStatus::Failed.id().to_owned();
                    failed.error_code = Some("UNREADABLE".to_owned());
                    failed.error_message = Some(message);
                    failed.ended_at_ms = Some(now / 1000);
                    failed.updated_at_ms = now / 1000;
                    self.store.write_run(&[failed], &[]).await?;
                }
            }
        }
        // Parents first, so a child's end finds its parent in memory.
        restored.sort_by_key(|i| i.id);
        for inst in restored {
            let child = inst.id;
            let parent = inst.parent.clone();
            self.engine.add(inst, now);
            if let Some((pid, name)) = parent
                && let Some(node) = self.engine.instance(pid).and_then(|p| p.graph.id(&name))
            {
                self.children.insert((pid, node), child);
            }
        }
        if self.engine.instances().next().is_some() {
            tracing::info!(
                instances = self.engine.instances().count(),
                "read back the instances that were running"
            );
        }
        Ok(())
    }

    async fn run(mut self) {
        loop {
            let wake = self.engine.next_wake();
            let first = if self.engine.has_output() {
                None
            } else {
                let timer = async {
                    match wake {
                        Some(at) => {
                            let wait = (at - now_micros()).max(0) as u64;
                            tokio::time::sleep(Duration::from_micros(wait)).await;
                        }
                        None => std::future::pending().await,
                    }
                };
                tokio::select! {
                    msg = self.rx.recv() => match msg {
                        Some(m) => Some(m),
                        None => return,
                    },
                    () = timer => None,
                }
            };
            let mut shutdown = None;
            let mut taken = 0;
            let mut next = first;
            loop {
                if let Some(msg) = next.take() {
                    if let Some(reply) = self.handle(msg).await {
                        shutdown = Some(reply);
                        break;
                    }
                    taken += 1;
                }
                if taken >= MAX_BATCH {
                    break;
                }
                match self.rx.try_recv() {
                    Ok(m) => next = Some(m),
                    Err(_) => break,
                }
            }
            if let Some(reply) = shutdown {
                self.stop_all().await;
                let _ = reply.send(());
                return;
            }
            let now = now_micros();
            self.engine.tick(now);
            self.engine.dispatch(now);
            self.commit_and_act(now).await;
        }
    }

    /// Applies one message; `Some` for a shutdown.
    async fn handle(&mut self, msg: Msg) -> Option<oneshot::Sender<()>> {
        let now = now_micros();
        match msg {
            Msg::Finished {
                instance,
                node,
                attempt,
                outcome,
                at,
            } => {
                if self
                    .procs
                    .get(&(instance, node))
                    .is_some_and(|p| p.0 == attempt)
                {
                    self.procs.remove(&(instance, node));
                }
                if self.starting.get(&(instance, node)) == Some(&attempt) {
                    self.starting.remove(&(instance, node));
                }
                self.stop_early.remove(&(instance, node, attempt));
                self.children.remove(&(instance, node));
                if self
                    .inline
                    .get(&(instance, node))
                    .is_some_and(|(a, _)| *a == attempt)
                {
                    self.inline.remove(&(instance, node));
                }
                self.engine
                    .finished(instance, node, attempt, outcome, at.min(now));
            }
            Msg::Spawned {
                instance,
                node,
                attempt,
                pid,
                latency,
            } => {
                self.stats.started += 1;
                if self.keep_latencies {
                    self.stats.latencies.push(latency);
                }
                self.procs.insert((instance, node), (attempt, pid));
                self.engine
                    .set_external_id(instance, node, attempt, pid.to_string());
                if self.stop_early.remove(&(instance, node, attempt)) {
                    exec::signal_group(pid, false);
                    self.force_kill_later(instance, node, attempt);
                }
            }
            Msg::ForceKill {
                instance,
                node,
                attempt,
            } => {
                if let Some(&(a, pid)) = self.procs.get(&(instance, node))
                    && a == attempt
                {
                    exec::signal_group(pid, true);
                }
            }
            Msg::Submit {
                instance,
                start,
                reply,
            } => {
                let id = instance.id;
                // The lease loop may have read it back already (it was in the database
                // before this message came).
                if self.engine.instance(id).is_none() {
                    self.engine.add(*instance, now);
                    self.engine.touch(id);
                }
                let done = if start {
                    self.engine.start(id, now)
                } else {
                    Ok(())
                };
                self.answer(reply, done);
            }
            Msg::Op {
                instance,
                op,
                dry_run,
                reply,
            } => {
                if let Err(e) = self.load(instance).await {
                    self.answer(reply, Err(e));
                    return None;
                }
                let before = self.engine.instance(instance).cloned().expect("loaded");
                if dry_run {
                    let mut copy = self.engine.clone();
                    let done = apply(&mut copy, instance, op, now)
                        .map(|()| instance::changes(&before, copy.instance(instance), true));
                    let _ = reply.send(done);
                } else {
                    let done = apply(&mut self.engine, instance, op, now).map(|()| {
                        instance::changes(&before, self.engine.instance(instance), false)
                    });
                    self.answer(reply, done);
                }
            }
            Msg::Rerun {
                instance,
                request,
                reply,
            } => {
                let done = self.rerun(instance, request).await;
                self.replies.push(Box::new(move || {
                    let _ = reply.send(done);
                }));
            }
            Msg::Adopt { mut ids, reply } => {
                // Each beat hands over everything held; only what is new is read back.
                ids.retain(|id| self.engine.instance(*id).is_none());
                let done = if ids.is_empty() {
                    Ok(())
                } else {
                    self.recover(Some(&ids)).await
                };
                let _ = reply.send(done);
            }
            Msg::Stats {
                keep_latencies,
                reply,
            } => {
                let _ = reply.send(std::mem::take(&mut self.stats));
                self.keep_latencies = keep_latencies;
            }
            Msg::Shutdown { reply } => return Some(reply),
        }
        None
    }

    async fn commit_and_act(&mut self, now: Micros) {
        let out = self.engine.take();
        let instances: Vec<_> = out
            .instances
            .iter()
            .filter_map(|id| self.engine.instance(*id))
            .map(|inst| persist::instance_row(inst, now))
            .collect();
        let nodes: Vec<_> = out
            .nodes
            .iter()
            .filter_map(|(id, node)| persist::node_row(self.engine.instance(*id)?, *node))
            .collect();
        if !instances.is_empty() || !nodes.is_empty() {
            super::record("the engine's changes", || {
                self.store.write_run(&instances, &nodes)
            })
            .await;
            self.stats.batches += 1;
        }
        for reply in self.replies.drain(..) {
            reply();
        }
        self.slots_full.store(
            !self.engine.slots_free(),
            std::sync::atomic::Ordering::Relaxed,
        );
        if self.updates.receiver_count() > 0 {
            for row in &nodes {
                let _ = self.updates.send(Update {
                    instance: row.instance_id,
                    node: Some(row.node.clone()),
                    status: row.status.clone(),
                    attempt: u32::try_from(row.attempts).unwrap_or(0),
                });
            }
            for row in &instances {
                let _ = self.updates.send(Update {
                    instance: row.id,
                    node: None,
                    status: row.status.clone(),
                    attempt: 0,
                });
            }
        }
        for command in out.commands {
            match command {
                Command::Start {
                    instance,
                    node,
                    attempt,
                    task,
                    ready_at,
                } => {
                    self.start_task(instance, node, attempt, task, ready_at)
                        .await
                }
                Command::Stop {
                    instance,
                    node,
                    attempt,
                } => self.stop_task(instance, node, attempt, now),
                Command::Ended { instance } => {
                    if !self.engine.has_running(instance) {
                        self.engine.evict(instance);
                    }
                }
            }
        }
        for id in std::mem::take(&mut self.loaded) {
            if self
                .engine
                .instance(id)
                .is_some_and(|i| i.status.is_terminal())
                && !self.engine.has_running(id)
            {
                self.engine.evict(id);
            }
        }
    }

    /// Sends an answer once the batch it belongs to is committed.
    fn answer<T: Send + Sync + 'static>(
        &mut self,
        reply: oneshot::Sender<Result<T, Refused>>,
        done: Result<T, Refused>,
    ) {
        self.replies.push(Box::new(move || {
            let _ = reply.send(done);
        }));
    }

    /// Brings an ended instance into memory for an operation (the engine then applies
    /// Oozie's preconditions to it as to any other). One that has not ended but is not
    /// here belongs to another server.
    async fn load(&mut self, id: i64) -> Result<(), Refused> {
        if self.engine.instance(id).is_some() {
            return Ok(());
        }
        let (row, nodes) = match self.store.get_instance(id).await {
            Ok(found) => found,
            Err(StoreError::NotFound) => {
                return Err(refused("E0604", format!("there is no instance {id}")));
            }
            Err(e) => return Err(refused("STORE", e.to_string())),
        };
        let inst = persist::restore(&row, &nodes).map_err(|m| refused("UNREADABLE", m))?;
        if !inst.status.is_terminal() {
            return Err(refused(
                "OTHER_SERVER",
                format!(
                    "instance {id} is {} on another server; operate it there",
                    inst.status.id()
                ),
            ));
        }
        self.engine.add(inst, now_micros());
        self.loaded.push(id);
        Ok(())
    }

    /// A rerun: checked, then (unless a dry run) recorded and started.
    async fn rerun(&mut self, id: i64, request: RerunRequest) -> Result<RerunReport, SubmitError> {
        if let Some(inst) = self.engine.instance(id) {
            rerun::replayed(inst, &request.scope)?;
            if self.engine.has_running(id) {
                return Err(refused(
                    "E0805",
                    format!("instance {id} is still stopping its tasks; try again in a moment"),
                )
                .into());
            }
        }
        let (mut row, nodes) = match self.store.get_instance(id).await {
            Err(StoreError::NotFound) => {
                return Err(refused("E0604", format!("there is no instance {id}")).into());
            }
            other => other?,
        };
        if let Some(parent) = row.parent_id {
            return Err(refused(
                "E0755",
                format!("instance {id} is a sub-workflow of instance {parent}; rerun that one"),
            )
            .into());
        }
        let workflow: Workflow = match request.version {
            Some(version) => {
                let Some(workflow_id) = row.workflow_id else {
                    return Err(SubmitError::Invalid(format!(
                        "instance {id} did not come from a stored workflow, so it has no other versions"
                    )));
                };
                let (_, wf) = self
                    .store
                    .version::<Workflow>(workflow_id, version)
                    .await
                    .map_err(|e| match e {
                        StoreError::NotFound => SubmitError::Invalid(format!(
                            "workflow {workflow_id} has no version {version}"
                        )),
                        other => other.into(),
                    })?;
                row.workflow_version = Some(version);
                wf
            }
            None => serde_json::from_str(&row.definition)
                .map_err(|e| SubmitError::Invalid(format!("instance {id}: definition: {e}")))?,
        };
        let mut conf: BTreeMap<String, String> = serde_json::from_str(&row.conf)
            .map_err(|e| SubmitError::Invalid(format!("instance {id}: properties: {e}")))?;
        conf.extend(request.properties);
        let ready = prepare(
            &workflow,
            conf,
            &row.created_by,
            &self.config.exec.capabilities,
        )
        .map_err(SubmitError::Invalid)?;
        row.definition = serde_json::to_string(&workflow).expect("a workflow serializes");
        row.conf = serde_json::to_string(&ready.conf).expect("a map of strings serializes");
        // A fixed version may have dropped nodes: their results from before go with them.
        let nodes: Vec<_> = nodes
            .into_iter()
            .filter(|n| ready.graph.id(&n.node).is_some())
            .collect();
        let mut inst =
            persist::restore(&row, &nodes).map_err(|m| SubmitError::Invalid(m.to_string()))?;
        let keep = rerun::replayed(&inst, &request.scope)?;
        let name = |n: &usize| inst.node_name(*n).to_owned();
        let report = RerunReport {
            instance: id,
            dry_run: request.dry_run,
            run: inst.run + 1,
            kept: keep.iter().map(name).collect(),
            again: rerun::again(&inst, &keep).iter().map(name).collect(),
        };
        if request.dry_run {
            return Ok(report);
        }
        rerun::reset(&mut inst, &keep);
        let now = now_micros();
        let mut restarted = persist::instance_row(&inst, now);
        restarted.conf = row.conf;
        restarted.definition = row.definition;
        restarted.workflow_version = row.workflow_version;
        let kept: Vec<_> = keep
            .iter()
            .filter_map(|&n| persist::node_row(&inst, n))
            .collect();
        self.store.restart_instance(&restarted, &kept).await?;
        self.engine.evict(id);
        self.engine.add(inst, now);
        self.engine.touch(id);
        self.engine.start(id, now)?;
        Ok(report)
    }

    async fn start_task(
        &mut self,
        instance: i64,
        node: NodeId,
        attempt: u32,
        task: Task,
        ready_at: Micros,
    ) {
        let Some(inst) = self.engine.instance(instance) else {
            return;
        };
        let name = inst.node_name(node).to_owned();
        if let Task::SubWorkflow { app_path, conf } = task {
            let user = inst.user.clone();
            let outcome = self
                .start_child(instance, node, &name, &app_path, conf, &user)
                .await;
            if let Err(outcome) = outcome {
                self.finish_later(instance, node, attempt, outcome);
            }
            return;
        }
        if matches!(task, Task::Sql { .. } | Task::Dependent(_)) {
            self.start_inline(instance, node, attempt, task, &name);
            return;
        }
        let at = Attempt {
            instance,
            run: inst.run,
            node: name,
            attempt,
        };
        // Starting a process takes a while (fork and exec): it happens beside the loop, on
        // whichever core is free, so the loop goes on with the next batch meanwhile.
        self.starting.insert((instance, node), attempt);
        let tx = self.tx.clone();
        let config = self.exec.clone();
        tokio::spawn(async move {
            let end = match exec::start(task, &at, &config) {
                Started::Process { pid, end } => {
                    let latency = now_micros() - ready_at;
                    let _ = tx.send(Msg::Spawned {
                        instance,
                        node,
                        attempt,
                        pid,
                        latency,
                    });
                    end
                }
                Started::Inline(end) => end,
                Started::Failed(outcome) => Box::pin(std::future::ready(outcome)),
            };
            let outcome = end.await;
            let _ = tx.send(Msg::Finished {
                instance,
                node,
                attempt,
                outcome,
                at: now_micros(),
            });
        });
    }

    /// A task the server does itself, reading the store: SQL and Dependent. It can be
    /// stopped at any await (a kill, a timeout), which ends it as killed.
    fn start_inline(&mut self, instance: i64, node: NodeId, attempt: u32, task: Task, name: &str) {
        let Some(inst) = self.engine.instance(instance) else {
            return;
        };
        let log_path = self.exec.log_path(instance, inst.run, name, attempt);
        // A sub-workflow's period is its top instance's.
        let mut top = instance;
        while let Some((parent, _)) = self.engine.instance(top).and_then(|i| i.parent.clone()) {
            top = parent;
        }
        let store = self.store.clone();
        let cap = self.exec.log_cap;
        let work: futures_util::future::BoxFuture<'static, Outcome> = match task {
            Task::Sql {
                datasource,
                statement,
                max_rows,
            } => Box::pin(super::sql::task(
                store,
                self.exec.secrets.clone(),
                datasource,
                statement,
                max_rows,
                log_path,
                cap,
            )),
            Task::Dependent(dep) => Box::pin(super::depend::wait(
                store,
                dep,
                top,
                self.exec.timeout_minute,
                log_path,
                cap,
            )),
            _ => return,
        };
        let (abort, registration) = futures_util::future::AbortHandle::new_pair();
        self.inline.insert((instance, node), (attempt, abort));
        let tx = self.tx.clone();
        tokio::spawn(async move {
            let outcome = futures_util::future::Abortable::new(work, registration)
                .await
                .unwrap_or_else(|_| Outcome::failed("KILLED", "stopped while it ran"));
            let _ = tx.send(Msg::Finished {
                instance,
                node,
                attempt,
                outcome,
                at: now_micros(),
            });
        });
    }

    /// Reports an end through the channel, so it is taken like any other.
    fn finish_later(&self, instance: i64, node: NodeId, attempt: u32, outcome: Outcome) {
        let _ = self.tx.send(Msg::Finished {
            instance,
            node,
            attempt,
            outcome,
            at: now_micros(),
        });
    }

    fn stop_task(&mut self, instance: i64, node: NodeId, attempt: u32, now: Micros) {
        if let Some(child) = self.children.get(&(instance, node)).copied() {
            let _ = self.engine.kill(child, "its parent workflow ended", now);
            return;
        }
        if let Some((a, abort)) = self.inline.get(&(instance, node))
            && *a == attempt
        {
            abort.abort();
            return;
        }
        let Some(&(a, pid)) = self.procs.get(&(instance, node)) else {
            if self.starting.get(&(instance, node)) == Some(&attempt) {
                // Its process is being started: it is stopped as soon as its pid is known.
                self.stop_early.insert((instance, node, attempt));
            }
            return;
        };
        if a != attempt {
            return;
        }
        exec::signal_group(pid, false);
        self.force_kill_later(instance, node, attempt);
    }

    /// SIGKILL after the grace period, if the try still runs then.
    fn force_kill_later(&self, instance: i64, node: NodeId, attempt: u32) {
        let tx = self.tx.clone();
        let grace = self.config.exec.kill_grace;
        tokio::spawn(async move {
            tokio::time::sleep(grace).await;
            let _ = tx.send(Msg::ForceKill {
                instance,
                node,
                attempt,
            });
        });
    }

    async fn start_child(
        &mut self,
        parent: i64,
        node: NodeId,
        node_name: &str,
        app_path: &str,
        conf: BTreeMap<String, String>,
        user: &str,
    ) -> Result<(), Outcome> {
        let fail = |m: String| Outcome::failed("SUB_WORKFLOW", m);
        let mut depth = 1;
        let mut up = self.engine.instance(parent).and_then(|p| p.parent.clone());
        while let Some((p, _)) = up {
            depth += 1;
            up = self.engine.instance(p).and_then(|i| i.parent.clone());
        }
        if depth > MAX_DEPTH {
            return Err(fail(format!(
                "sub-workflows nest more than {MAX_DEPTH} deep (Oozie's limit)"
            )));
        }
        let (workflow, workflow_id, version) = find_app(self.store.as_ref(), app_path)
            .await
            .map_err(fail)?;
        let ready = prepare(&workflow, conf, user, &self.config.exec.capabilities).map_err(fail)?;
        let now = now_micros();
        let origin = Origin {
            workflow_id,
            workflow_version: version,
            workflow: &workflow,
            user,
            parent: Some((parent, node_name)),
            coord: None,
            now,
        };
        let child = ready
            .create(self.store.as_ref(), &origin)
            .await
            .map_err(|e| fail(format!("cannot record the sub-workflow: {e}")))?;
        let id = child.id;
        self.engine.add(child, now);
        self.engine.touch(id);
        self.children.insert((parent, node), id);
        self.engine
            .start(id, now)
            .map_err(|e| fail(e.to_string()))?;
        Ok(())
    }

    /// Shutdown: stop every process and wait (up to the grace period) for them to go. Their
    /// nodes stay recorded as running: the next start counts them as interrupted.
    async fn stop_all(&mut self) {
        if self.procs.is_empty() {
            return;
        }
        for &(_, pid) in self.procs.values() {
            exec::signal_group(pid, false);
        }
        let deadline = tokio::time::Instant::now() + self.config.exec.kill_grace;
        while !self.procs.is_empty() && tokio::time::Instant::now() < deadline {
            match tokio::time::timeout_at(deadline, self.rx.recv()).await {
                Ok(Some(Msg::Finished { instance, node, .. })) => {
                    self.procs.remove(&(instance, node));
                }
                Ok(Some(_)) => {}
                Ok(None) | Err(_) => break,
            }
        }
        for &(_, pid) in self.procs.values() {
            exec::signal_group(pid, true);
        }
    }
}

/// A sub-workflow's (or a coordinator's) app-path: a local directory with a workflow.xml (or the file
/// itself), else a stored workflow named like its last segment (its published version,
/// or the newest).
pub async fn find_app(
    store: &dyn Store,
    app_path: &str,
) -> Result<(Workflow, Option<i64>, Option<i64>), String> {
    let trimmed = app_path.trim().trim_end_matches('/');
    if let Ok(path) = exec::local_path(trimmed) {
        let file = if path.is_dir() {
            path.join("workflow.xml")
        } else {
            path
        };
        if file.is_file() {
            let text = read_small(&file)?;
            let imported =
                from_workflow_xml(&text).map_err(|e| format!("{}: {e}", file.display()))?;
            return Ok((imported.workflow, None, None));
        }
    }
    let name = trimmed.rsplit('/').next().unwrap_or(trimmed);
    let stored = store.find::<Workflow>(name).await.map_err(|e| match e {
        StoreError::NotFound => format!(
            "app-path [{app_path}]: no workflow.xml there, and no stored workflow named '{name}'"
        ),
        other => other.to_string(),
    })?;
    match stored.published_version {
        Some(v) if v != stored.revision => {
            let (_, wf) = store
                .version::<Workflow>(stored.id, v)
                .await
                .map_err(|e| e.to_string())?;
            Ok((wf, Some(stored.id), Some(v)))
        }
        _ => Ok((stored.definition, Some(stored.id), Some(stored.revision))),
    }
}

fn read_small(file: &std::path::Path) -> Result<String, String> {
    let meta = std::fs::metadata(file).map_err(|e| format!("{}: {e}", file.display()))?;
    if meta.len() > 16 * 1024 * 1024 {
        return Err(format!("{} is too large", file.display()));
    }
    std::fs::read_to_string(file).map_err(|e| format!("{}: {e}", file.display()))
}
