//! The thin loop around the coordinator planner ([`super::coord`]): it steps every job not
//! ended when something is due (a slot, a nominal time, a timeout, a data poll), an
//! operation comes, or a workflow instance of one of its actions changes; it writes each
//! job's changes in one transaction, and only then acts (starts, kills, suspends or
//! resumes workflow instances through the workflow engine).
//!
//! An action's workflow instance is created with the action's try number, which the store
//! keeps unique: after a crash, an action recorded SUBMITTED finds the instance its try
//! made, if it made one, instead of starting a second.

use std::collections::{BTreeMap, HashMap, HashSet};
use std::path::Path;
use std::sync::Arc;
use std::time::Duration;

use chrono::{DateTime, TimeDelta, Utc};
use shared::api::{CoordOpReport, JobStatus, RerunRequest, RerunScope};
use tokio::sync::{broadcast, mpsc, oneshot};

use super::coord::{
    self, Change, CoordJob, DataCheck, DatePick, Effects, Presence, RerunOptions, rows,
};
use super::planner::{Refused, refused};
use super::runner::{EngineHandle, Op, Submission, find_app};
use crate::store::{CoordJobRow, Store, StoreError};
use shared::coord::resolve::{Job, resolve};
use shared::coord::{Coordinator, DatasetDef};
use shared::time::schedule::{Cursor, Slot};

/// How often actions waiting for data look again.
pub const DATA_POLL: Duration = Duration::from_secs(5);

/// Data on this machine: `file://` URIs and absolute paths. Other schemes cannot be
/// looked at from here, and say so.
pub struct LocalFs;

/// The local path of a `file://` URI or an absolute path; `None` for other schemes.
fn local_path(uri: &str) -> Option<&str> {
    match uri.strip_prefix("file://") {
        Some(p) => Some(p),
        None if uri.starts_with('/') => Some(uri),
        None => None,
    }
}

impl DataCheck for LocalFs {
    fn check(&self, path: &str) -> Presence {
        let Some(local) = local_path(path) else {
            let scheme = path.split_once("://").map_or("this", |(s, _)| s);
            return Presence::Unknown(format!(
                "{scheme}:// data cannot be checked on this server (only file:// URIs and \
                 absolute paths can)"
            ));
        };
        if Path::new(local).exists() {
            Presence::Present
        } else {
            Presence::Absent
        }
    }
}

/// An operation on a coordinator job.
#[derive(Debug, Clone, PartialEq)]
pub enum CoordOp {
    Suspend,
    Resume,
    Kill,
    Change(Change),
    Rerun {
        actions: Pick,
        options: RerunOptions,
    },
    Ignore {
        actions: Pick,
    },
}

/// Which actions an operation names.
#[derive(Debug, Clone, PartialEq)]
pub enum Pick {
    Numbers(Vec<u64>),
    Dates(Vec<DatePick>),
}

enum Msg {
    Add {
        job: Box<CoordJob>,
        reply: oneshot::Sender<()>,
    },
    Op {
        job: i64,
        op: CoordOp,
        dry_run: bool,
        reply: oneshot::Sender<Result<CoordOpReport, Refused>>,
    },
    /// A workflow instance was made for an action (or could not be).
    Submitted {
        job: i64,
        number: u64,
        outcome: Result<i64, String>,
    },
    Shutdown {
        reply: oneshot::Sender<()>,
    },
    /// The lease loop hands over the jobs this server holds.
    Adopt {
        ids: HashSet<i64>,
        reply: oneshot::Sender<Result<(), StoreError>>,
    },
}

/// A change to a coordinator job or one of its actions, once committed.
#[derive(Debug, Clone, PartialEq)]
pub struct CoordUpdate {
    pub job: i64,
    /// `None`: the job's own status.
    pub action: Option<u64>,
    pub status: String,
}

/// Talks to the scheduler.
#[derive(Clone)]
pub struct SchedulerHandle {
    tx: mpsc::UnboundedSender<Msg>,
    store: Arc<dyn Store>,
    updates: broadcast::Sender<CoordUpdate>,
}

/// A backfill's range (both ends included), how many actions run at once, and in which
/// order.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Backfill {
    pub from: DateTime<Utc>,
    pub to: DateTime<Utc>,
    pub parallel: i64,
    pub newest_first: bool,
}

/// Where a backfill's workflows stand among the others: below any priority a workflow
/// sets itself (`sluice.priority`), so live runs take free slots first.
pub const BACKFILL_PRIORITY: i32 = -1_000_000;

/// A coordinator to run, as whom, with which job properties.
pub struct CoordSubmission {
    pub coordinator: Coordinator,
    /// Datasets of `<include>`d files.
    pub included: Vec<DatasetDef>,
    pub conf: BTreeMap<String, String>,
    pub user: String,
    pub coordinator_id: Option<i64>,
    pub coordinator_version: Option<i64>,
}

#[derive(Debug, thiserror::Error)]
pub enum CoordSubmitError {
    /// Oozie's submit-time checks refused it (E1003, E1004, E1010, E1021…).
    #[error("{0}")]
    Invalid(String),
    #[error(transparent)]
    Store(#[from] StoreError),
    #[error(transparent)]
    Refused(#[from] Refused),
}

impl SchedulerHandle {
    /// Changes, as they are committed.
    pub fn subscribe(&self) -> broadcast::Receiver<CoordUpdate> {
        self.updates.subscribe()
    }

    /// Checks a coordinator as Oozie's submit does, records the job (PREP) and hands it
    /// to the scheduler; gives its id.
    pub async fn submit(&self, s: CoordSubmission) -> Result<i64, CoordSubmitError> {
        let job = resolve(&s.coordinator, &s.included, &s.conf, &s.user)
            .map_err(|e| CoordSubmitError::Invalid(e.to_string()))?;
        job.schedule
            .check(true)
            .map_err(|e| CoordSubmitError::Invalid(e.to_string()))?;
        let cursor = job.schedule.first_cursor();
        self.create(&s, job, cursor, None).await
    }

    /// A backfill: a job of the coordinator's own slots from `from` to `to` (numbered as
    /// in its schedule), run `parallel` at a time, oldest or newest first, below live
    /// work. With `dry_run`, only the slots it would run. Gives the job's id (none for a
    /// dry run) and the slots.
    pub async fn backfill(
        &self,
        mut s: CoordSubmission,
        b: &Backfill,
        dry_run: bool,
    ) -> Result<(Option<i64>, Vec<Slot>), CoordSubmitError> {
        if b.parallel < 1 {
            return Err(CoordSubmitError::Invalid(
                "a backfill runs at least one action at a time".to_owned(),
            ));
        }
        s.coordinator.controls.concurrency = Some(b.parallel.to_string());
        s.coordinator.controls.execution =
            Some(if b.newest_first { "LIFO" } else { "FIFO" }.to_owned());
        let mut job = resolve(&s.coordinator, &s.included, &s.conf, &s.user)
            .map_err(|e| CoordSubmitError::Invalid(e.to_string()))?;
        job.schedule
            .check(true)
            .map_err(|e| CoordSubmitError::Invalid(e.to_string()))?;
        let (cursor, slots) = coord::backfill_slots(&job.schedule, b.from, b.to)
            .map_err(CoordSubmitError::Invalid)?;
        if dry_run {
            return Ok((None, slots));
        }
        let last = slots.last().expect("a backfill has a slot");
        job.schedule.end = job.schedule.end.min(last.at + TimeDelta::minutes(1));
        let id = self.create(&s, job, cursor, Some(slots.len())).await?;
        Ok((Some(id), slots))
    }

    /// Records a job (PREP) with its materialization at `cursor`, and hands it to the
    /// scheduler.
    async fn create(
        &self,
        s: &CoordSubmission,
        job: Job,
        cursor: Cursor,
        backfill: Option<usize>,
    ) -> Result<i64, CoordSubmitError> {
        let at = now().timestamp_millis();
        let row = CoordJobRow {
            coordinator_id: s.coordinator_id,
            coordinator_version: s.coordinator_version,
            name: job.name.clone(),
            definition: serde_json::to_string(&s.coordinator).expect("a coordinator serializes"),
            included: serde_json::to_string(&s.included).expect("datasets serialize"),
            conf: serde_json::to_string(&s.conf).expect("a map of strings serializes"),
            created_by: s.user.clone(),
            status: shared::api::CoordStatus::Prep.id().to_owned(),
            last_action_number: i64::try_from(cursor.number).unwrap_or(i64::MAX),
            next_materialized_ms: cursor.next.map(|t| t.timestamp_millis()),
            end_ms: job.schedule.end.timestamp_millis(),
            pause_ms: job.schedule.pause.map(|p| p.timestamp_millis()),
            concurrency: job.controls.concurrency,
            created_at_ms: at,
            updated_at_ms: at,
            kind: if backfill.is_some() {
                rows::KIND_BACKFILL
            } else {
                rows::KIND_SCHEDULE
            }
            .to_owned(),
            planned: backfill.map(|n| n as i64),
            ..CoordJobRow::default()
        };
        let id = self.store.create_coord_job(&row).await?;
        let mut job = CoordJob::new(id, job, s.coordinator.input_logic.clone());
        job.cursor = cursor;
        job.backfill = backfill.is_some();
        self.add(job).await?;
        Ok(id)
    }

    /// Takes a job just stored (PREP) in; answers once it is in memory.
    async fn add(&self, job: CoordJob) -> Result<(), Refused> {
        let (reply, answer) = oneshot::channel();
        self.tx
            .send(Msg::Add {
                job: Box::new(job),
                reply,
            })
            .map_err(|_| stopped())?;
        answer.await.map_err(|_| stopped())
    }

    /// Applies an operation, or with `dry_run` only says what it would do; answers once
    /// its effect is recorded.
    pub async fn operate(
        &self,
        job: i64,
        op: CoordOp,
        dry_run: bool,
    ) -> Result<CoordOpReport, Refused> {
        let (reply, answer) = oneshot::channel();
        self.tx
            .send(Msg::Op {
                job,
                op,
                dry_run,
                reply,
            })
            .map_err(|_| stopped())?;
        answer.await.map_err(|_| stopped())?
    }

    /// Takes in the jobs the lease loop says this server holds, reading back those it
    /// does not have.
    pub async fn adopt(&self, ids: HashSet<i64>) -> Result<(), StoreError> {
        let (reply, answer) = oneshot::channel();
        if self.tx.send(Msg::Adopt { ids, reply }).is_err() {
            return Ok(());
        }
        answer.await.unwrap_or(Ok(()))
    }

    pub async fn shutdown(&self) {
        let (reply, answer) = oneshot::channel();
        if self.tx.send(Msg::Shutdown { reply }).is_ok() {
            let _ = answer.await;
        }
    }
}

/// Deletes a rerun's output directory (or file), as Oozie's rerun cleanup does; what is
/// not there is fine. A path that is not absolute, climbs with `..` or is a top-level
/// directory is refused: a template that resolves to one is a mistake, not a wish.
fn delete_output(path: &str) -> Result<(), String> {
    let p = Path::new(path);
    let depth = p
        .components()
        .filter(|c| matches!(c, std::path::Component::Normal(_)))
        .count();
    if !p.is_absolute()
        || depth < 2
        || p.components()
            .any(|c| matches!(c, std::path::Component::ParentDir))
    {
        return Err(format!(
            "the output '{path}' is too near the root to be deleted; rerun with nocleanup"
        ));
    }
    let outcome = match std::fs::symlink_metadata(p) {
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(()),
        Err(e) => Err(e),
        Ok(m) if m.is_dir() => std::fs::remove_dir_all(p),
        Ok(_) => std::fs::remove_file(p),
    };
    outcome.map_err(|e| format!("cannot delete the output '{path}': {e}"))
}

fn stopped() -> Refused {
    refused("STOPPED", "the scheduler has stopped".to_owned())
}

struct Scheduler {
    store: Arc<dyn Store>,
    engine: EngineHandle,
    jobs: BTreeMap<i64, CoordJob>,
    /// Workflow instance → its coordinator job.
    instances: HashMap<i64, i64>,
    tx: mpsc::UnboundedSender<Msg>,
    poll: TimeDelta,
    updates: broadcast::Sender<CoordUpdate>,
    /// Replicas share the database: a job not ended that is not here is another's.
    shared: bool,
}

/// Starts the scheduler after reading back every job not ended.
pub async fn start(
    store: Arc<dyn Store>,
    engine: EngineHandle,
    poll: Duration,
) -> Result<(SchedulerHandle, tokio::task::JoinHandle<()>), StoreError> {
    start_with(store, engine, poll, false).await
}

/// [`start`]; with `shared` (replicas on one database) it reads back only the jobs the
/// lease loop hands over ([`SchedulerHandle::adopt`]).
pub async fn start_with(
    store: Arc<dyn Store>,
    engine: EngineHandle,
    poll: Duration,
    shared: bool,
) -> Result<(SchedulerHandle, tokio::task::JoinHandle<()>), StoreError> {
    let (tx, rx) = mpsc::unbounded_channel();
    let updates = engine.subscribe();
    let mut s = Scheduler {
        store,
        engine,
        jobs: BTreeMap::new(),
        instances: HashMap::new(),
        tx: tx.clone(),
        poll: TimeDelta::from_std(poll).unwrap_or(TimeDelta::seconds(5)),
        updates: broadcast::channel(4096).0,
        shared,
    };
    if !shared {
        s.recover(None).await?;
    }
    let handle = SchedulerHandle {
        tx,
        store: s.store.clone(),
        updates: s.updates.clone(),
    };
    Ok((handle, tokio::spawn(s.run(rx, updates))))
}

fn now() -> DateTime<Utc> {
    Utc::now()
}

impl Scheduler {
    /// Reads back the jobs not ended: all, or those in `only` it does not have yet.
    async fn recover(&mut self, only: Option<&HashSet<i64>>) -> Result<(), StoreError> {
        let at = now();
        for (row, actions) in self.store.active_coord_jobs().await? {
            if only.is_some_and(|ids| !ids.contains(&row.id)) || self.jobs.contains_key(&row.id) {
                continue;
            }
            match rows::restore(&row, &actions) {
                Ok(mut job) => {
                    // The end of a workflow instance may have come while the scheduler
                    // was down.
                    let running: Vec<i64> =
                        job.actions.values().filter_map(|a| a.instance).collect();
                    for instance in running {
                        self.instances.insert(instance, job.id);
                        if let Ok((i, _)) = self.store.get_instance(instance).await
                            && let Some(status) = JobStatus::parse(&i.status)
                        {
                            job.instance_changed(instance, status, i.error_message, at);
                        }
                    }
                    self.jobs.insert(job.id, job);
                }
                Err(message) => {
                    tracing::error!(job = row.id, %message, "cannot read a coordinator job back; it is marked FAILED");
                    let mut failed = row.clone();
                    failed.status = "FAILED".to_owned();
                    failed.error_code = Some("UNREADABLE".to_owned());
                    failed.error_message = Some(message);
                    failed.updated_at_ms = at.timestamp_millis();
                    self.store.write_coord(&failed, &[], &[]).await?;
                }
            }
        }
        // Actions recorded SUBMITTED: their try either made its instance or never will.
        let submitted: Vec<(i64, u64, u32)> = self
            .jobs
            .values()
            .flat_map(|j| {
                j.actions
                    .values()
                    .filter(|a| a.status == shared::api::CoordActionStatus::Submitted)
                    .map(|a| (j.id, a.number, a.tries))
            })
            .collect();
        for (job, number, tries) in submitted {
            match self
                .store
                .coord_instance(job, number as i64, i64::from(tries))
                .await?
            {
                Some(instance) => {
                    self.instances.insert(instance, job);
                    if let Some(j) = self.jobs.get_mut(&job) {
                        j.started(number, instance, at);
                    }
                }
                None => self.spawn_submit(job, number),
            }
        }
        Ok(())
    }

    async fn run(
        mut self,
        mut rx: mpsc::UnboundedReceiver<Msg>,
        mut updates: broadcast::Receiver<super::runner::Update>,
    ) {
        loop {
            let at = now();
            self.step_all(at).await;
            let wake = self
                .jobs
                .values()
                .filter_map(|j| j.next_wake(at, self.poll))
                .min();
            let sleep = async {
                match wake {
                    Some(w) => {
                        let wait = (w - now()).to_std().unwrap_or(Duration::ZERO);
                        tokio::time::sleep(wait).await;
                    }
                    None => std::future::pending().await,
                }
            };
            tokio::select! {
                msg = rx.recv() => match msg {
                    Some(Msg::Shutdown { reply }) => {
                        let _ = reply.send(());
                        return;
                    }
                    Some(m) => self.handle(m).await,
                    None => return,
                },
                update = updates.recv() => match update {
                    Ok(u) => self.instance_update(u.instance, u.node.is_none(), &u.status).await,
                    Err(broadcast::error::RecvError::Lagged(_)) => self.reread_instances().await,
                    Err(broadcast::error::RecvError::Closed) => return,
                },
                () = sleep => {}
            }
        }
    }

    async fn handle(&mut self, msg: Msg) {
        let at = now();
        match msg {
            Msg::Add { job, reply } => {
                // The lease loop may have read it back already.
                self.jobs.entry(job.id).or_insert(*job);
                let _ = reply.send(());
            }
            Msg::Adopt { mut ids, reply } => {
                // Each beat hands over everything held; only what is new is read back.
                ids.retain(|id| !self.jobs.contains_key(id));
                let done = if ids.is_empty() {
                    Ok(())
                } else {
                    self.recover(Some(&ids)).await
                };
                let _ = reply.send(done);
            }
            Msg::Op {
                job,
                op,
                dry_run,
                reply,
            } => {
                let answer = self.operate(job, op, dry_run, at).await;
                let _ = reply.send(answer);
            }
            Msg::Submitted {
                job,
                number,
                outcome,
            } => {
                let Some(j) = self.jobs.get_mut(&job) else {
                    return;
                };
                match outcome {
                    Ok(instance) => {
                        self.instances.insert(instance, job);
                        j.started(number, instance, at);
                        // A quick workflow may have ended before this news arrived.
                        if let Ok((row, _)) = self.store.get_instance(instance).await
                            && let Some(status) = JobStatus::parse(&row.status)
                        {
                            j.instance_changed(instance, status, row.error_message, at);
                        }
                    }
                    Err(message) => j.submit_failed(number, message, at),
                }
                let fx = Effects {
                    actions: vec![number],
                    ..Effects::default()
                };
                self.commit_and_act(job, fx, at).await;
            }
            Msg::Shutdown { .. } => unreachable!("handled by the loop"),
        }
    }

    /// Works the operation out on a copy of the job, so a dry run or a refusal leaves the
    /// job as it was; a rerun's output data is deleted before the rerun is recorded, and
    /// a deletion that fails stops it.
    async fn operate(
        &mut self,
        id: i64,
        op: CoordOp,
        dry_run: bool,
        at: DateTime<Utc>,
    ) -> Result<CoordOpReport, Refused> {
        let before = self.load(id).await?.clone();
        let mut after = before.clone();
        let pick = |p: Pick| match p {
            Pick::Numbers(n) => Ok(n),
            Pick::Dates(d) => before.select_dates(&d),
        };
        let fx = match op {
            CoordOp::Suspend => after.suspend(at),
            CoordOp::Resume => after.resume(at),
            CoordOp::Kill => after.kill(at),
            CoordOp::Change(c) => after.change(&c, at),
            CoordOp::Rerun { actions, options } => after.rerun(&pick(actions)?, options, at),
            CoordOp::Ignore { actions } => after.ignore(&pick(actions)?, at),
        }?;
        let mut report = coord::report(&before, &after, &fx, dry_run);
        for uri in &fx.cleanup {
            match local_path(uri) {
                Some(path) => report.cleanup.push(path.to_owned()),
                None => report.not_cleaned.push(uri.clone()),
            }
        }
        if dry_run {
            return Ok(report);
        }
        let paths = report.cleanup.clone();
        tokio::task::spawn_blocking(move || paths.iter().try_for_each(|p| delete_output(p)))
            .await
            .map_err(|e| refused("CLEANUP", e.to_string()))?
            .map_err(|e| refused("CLEANUP", e))?;
        self.jobs.insert(id, after);
        self.commit_and_act(id, fx, at).await;
        Ok(report)
    }

    /// The job, read back if it is not in memory (it has ended: a rerun or a change may
    /// revive it, and the planner's preconditions refuse the rest as Oozie would).
    async fn load(&mut self, id: i64) -> Result<&mut CoordJob, Refused> {
        if !self.jobs.contains_key(&id) {
            let (row, actions) = match self.store.get_coord_job(id).await {
                Ok(found) => found,
                Err(StoreError::NotFound) => {
                    return Err(refused(
                        "E0604",
                        format!("there is no coordinator job {id}"),
                    ));
                }
                Err(e) => return Err(refused("STORE", e.to_string())),
            };
            let job = rows::restore(&row, &actions).map_err(|m| refused("UNREADABLE", m))?;
            if self.shared && !job.status.is_terminal() {
                return Err(refused(
                    "OTHER_SERVER",
                    format!("coordinator job {id} runs on another server; operate it there"),
                ));
            }
            self.jobs.insert(id, job);
        }
        Ok(self.jobs.get_mut(&id).expect("just made sure"))
    }

    async fn step_all(&mut self, at: DateTime<Utc>) {
        // Stepping looks for data on disk (a stat per URI, more for latest/future) and may
        // materialize thousands of actions: it runs on the blocking pool, not on a worker
        // of the runtime. The jobs go there and come back; nothing else touches them
        // meanwhile, since this loop is their only owner.
        let mut jobs = std::mem::take(&mut self.jobs);
        let stepped = tokio::task::spawn_blocking(move || {
            let fxs: Vec<(i64, Effects)> = jobs
                .iter_mut()
                .map(|(&id, job)| (id, job.step(at, &LocalFs)))
                .filter(|(_, fx)| *fx != Effects::default())
                .collect();
            (jobs, fxs)
        })
        .await;
        let fxs = match stepped {
            Ok((jobs, fxs)) => {
                self.jobs = jobs;
                fxs
            }
            Err(e) => {
                // A bug in the planner. What was committed is in the database: read it
                // back (with replicas, the lease beat does so for the jobs this server
                // holds), so a panic costs a step, not the jobs.
                tracing::error!(error = %e, "a coordinator step failed; reading the jobs back");
                if !self.shared
                    && let Err(e) = self.recover(None).await
                {
                    tracing::error!(error = %e, "cannot read the coordinator jobs back");
                }
                Vec::new()
            }
        };
        for (id, fx) in fxs {
            self.commit_and_act(id, fx, at).await;
        }
        // Ended jobs leave memory once written.
        self.jobs.retain(|_, j| !j.status.is_terminal());
    }

    /// Writes the job's changes, then does what they ask of the workflow engine.
    async fn commit_and_act(&mut self, id: i64, fx: Effects, at: DateTime<Utc>) {
        let Some(job) = self.jobs.get(&id) else {
            return;
        };
        let row = rows::job_row(job, at);
        let actions: Vec<_> = fx
            .actions
            .iter()
            .filter_map(|n| job.actions.get(n))
            .map(|a| rows::action_row(id, a))
            .collect();
        let deleted: Vec<i64> = fx.deleted.iter().map(|&n| n as i64).collect();
        super::record("the scheduler's changes", || {
            self.store.write_coord(&row, &actions, &deleted)
        })
        .await;
        if self.updates.receiver_count() > 0 {
            for a in &actions {
                let _ = self.updates.send(CoordUpdate {
                    job: id,
                    action: u64::try_from(a.number).ok(),
                    status: a.status.clone(),
                });
            }
            if fx.job {
                let _ = self.updates.send(CoordUpdate {
                    job: id,
                    action: None,
                    status: row.status.clone(),
                });
            }
        }
        for number in fx.submit {
            self.spawn_submit(id, number);
        }
        for (instances, op) in [
            (
                fx.kill,
                Op::Kill {
                    by: format!("coordinator job {id}"),
                },
            ),
            (fx.suspend, Op::Suspend),
            (fx.resume, Op::Resume),
        ] {
            for instance in instances {
                let engine = self.engine.clone();
                let op = op.clone();
                tokio::spawn(async move {
                    if let Err(e) = engine.operate(instance, op, false).await {
                        tracing::warn!(instance, error = %e, "a coordinator operation on its workflow was refused");
                    }
                });
            }
        }
    }

    /// Makes the action's workflow instance beside the loop, and reports back.
    fn spawn_submit(&self, job: i64, number: u64) {
        let Some(j) = self.jobs.get(&job) else {
            return;
        };
        let Some(a) = j.actions.get(&number) else {
            return;
        };
        let mut conf = j.job.properties.clone();
        conf.extend(
            a.configuration
                .0
                .iter()
                .map(|(k, v)| (k.to_string(), v.clone())),
        );
        if j.backfill {
            conf.insert(
                super::instance::PRIORITY_PROPERTY.to_owned(),
                BACKFILL_PRIORITY.to_string(),
            );
        }
        let task = SubmitTask {
            store: self.store.clone(),
            engine: self.engine.clone(),
            app_path: j.job.app_path.clone(),
            user: j.job.user.clone(),
            conf,
            link: (job, number as i64, i64::from(a.tries)),
            rerun_of: a.rerun_failed.then_some(a.instance).flatten(),
        };
        let tx = self.tx.clone();
        tokio::spawn(async move {
            let outcome = task.run().await;
            let _ = tx.send(Msg::Submitted {
                job,
                number,
                outcome,
            });
        });
    }

    async fn instance_update(&mut self, instance: i64, own: bool, status: &str) {
        if !own {
            return;
        }
        let Some(status) = JobStatus::parse(status) else {
            return;
        };
        let job = match self.instances.get(&instance) {
            Some(&job) => job,
            // An ended action's workflow running again (rerun by itself): its action
            // follows it, if its job is still here.
            None if status == JobStatus::Running => match self.store.get_instance(instance).await {
                Ok((row, _)) => match row.coord {
                    Some((job, _, _)) if self.jobs.contains_key(&job) => {
                        self.instances.insert(instance, job);
                        job
                    }
                    _ => return,
                },
                Err(_) => return,
            },
            None => return,
        };
        let message = if matches!(status, JobStatus::Failed | JobStatus::Killed) {
            self.store
                .get_instance(instance)
                .await
                .ok()
                .and_then(|(row, _)| row.error_message)
        } else {
            None
        };
        let at = now();
        let Some(j) = self.jobs.get_mut(&job) else {
            return;
        };
        if let Some(number) = j.instance_changed(instance, status, message, at) {
            if status.is_terminal() {
                self.instances.remove(&instance);
            }
            let fx = Effects {
                actions: vec![number],
                ..Effects::default()
            };
            self.commit_and_act(job, fx, at).await;
        }
    }

    /// After missing some of the engine's news: ask the store for every action's instance.
    async fn reread_instances(&mut self) {
        let known: Vec<i64> = self.instances.keys().copied().collect();
        for instance in known {
            if let Ok((row, _)) = self.store.get_instance(instance).await {
                let status = row.status.clone();
                self.instance_update(instance, true, &status).await;
            }
        }
    }
}

/// Everything needed to make one action's workflow instance, off the loop.
struct SubmitTask {
    store: Arc<dyn Store>,
    engine: EngineHandle,
    app_path: String,
    user: String,
    conf: BTreeMap<String, String>,
    link: (i64, i64, i64),
    rerun_of: Option<i64>,
}

impl SubmitTask {
    async fn run(self) -> Result<i64, String> {
        if let Some(instance) = self.rerun_of {
            // `-rerun -failed`: the same workflow instance, its failed nodes only.
            self.engine
                .rerun(
                    instance,
                    RerunRequest {
                        scope: RerunScope::Failed,
                        properties: BTreeMap::new(),
                        version: None,
                        dry_run: false,
                    },
                )
                .await
                .map_err(|e| e.to_string())?;
            return Ok(instance);
        }
        let (workflow, workflow_id, workflow_version) =
            find_app(self.store.as_ref(), &self.app_path).await?;
        let submitted = self
            .engine
            .submit(Submission {
                workflow,
                workflow_id,
                workflow_version,
                conf: self.conf,
                user: self.user,
                start: true,
                coord: Some(self.link),
            })
            .await;
        match submitted {
            Ok(id) => Ok(id),
            Err(e) => {
                // The try may have made its instance before (a crash, a retry).
                let (job, action, try_) = self.link;
                match self.store.coord_instance(job, action, try_).await {
                    Ok(Some(id)) => Ok(id),
                    _ => Err(e.to_string()),
                }
            }
        }
    }
}
