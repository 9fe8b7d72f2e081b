//! The coordinator's decisions, pure: a job's actions are materialized as their times come
//! (with the time core of `shared`), wait for their nominal time and their input data,
//! time out, are skipped, and are submitted under the concurrency limit in the execution
//! order; the job's status follows, all as Oozie does it (SEMANTICS B.4, B.6, C.3, C.4).
//!
//! No clock and no I/O: the time comes in as an argument and whether data exists comes
//! from a [`DataCheck`] the caller gives (the loop looks at the local filesystem; tests
//! give a set). What the loop must do comes back as an [`Effects`].

use std::collections::BTreeMap;

use chrono::{DateTime, TimeDelta, Utc};
use shared::api::{
    CoordActionStatus as A, CoordOpReport, CoordStatus as S, JobStatus, StatusChange,
};
use shared::coord::Logic;
use shared::coord::LogicOp;
use shared::coord::materialize::{Action, Entries};
use shared::coord::resolve::{CoordError, Execution, InstanceFn, InstanceSpec, Job};
use shared::time::schedule::{Cursor, Schedule, Slot};

use super::planner::{Refused, refused};

/// Oozie's `oozie.coord.execution.none.tolerance`: a NONE job's action is skipped once it
/// is this late.
const NONE_TOLERANCE: TimeDelta = TimeDelta::minutes(1);

/// Whether one dependency's data is there.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Presence {
    Present,
    Absent,
    /// This server cannot look there (hdfs://, hcat://): the reason.
    Unknown(String),
}

/// Looks for data: `path` is what must exist (the done-flag applied), as the URI is
/// written.
pub trait DataCheck {
    fn check(&self, path: &str) -> Presence;
}

/// Oozie's form of a coordinator job id (`0000007-sluice-C`).
pub fn job_id(id: i64) -> String {
    format!("{id:07}-sluice-C")
}

/// One action of a coordinator job.
#[derive(Debug, Clone, PartialEq)]
pub struct CoordAction {
    pub number: u64,
    pub nominal: DateTime<Utc>,
    /// When it was materialized (`coord:actualTime()`); a rerun of a TIMEDOUT action
    /// restarts it, so its timeout counts afresh.
    pub created: DateTime<Utc>,
    pub status: A,
    /// Per data-in, newest first; `latest`/`future` instances stay as written until found.
    pub inputs: Entries<Vec<String>>,
    pub outputs: Entries<Vec<String>>,
    pub configuration: Entries<String>,
    /// While WAITING: what it waits for.
    pub missing: Option<String>,
    /// The workflow instance that runs it.
    pub instance: Option<i64>,
    /// On the next submission, rerun `instance`'s failed nodes instead of a new instance
    /// (Oozie's coordinator rerun `-failed`).
    pub rerun_failed: bool,
    /// Workflow instances started for it so far (the next submission is try `tries`).
    pub tries: u32,
    pub error_code: Option<String>,
    pub error_message: Option<String>,
    pub updated: DateTime<Utc>,
}

/// A coordinator job: its resolved definition and where it stands.
#[derive(Debug, Clone)]
pub struct CoordJob {
    pub id: i64,
    pub job: Job,
    /// `<input-logic>`; empty means every data-in is needed.
    pub logic: Vec<Logic>,
    pub status: S,
    pub cursor: Cursor,
    pub actions: BTreeMap<u64, CoordAction>,
    pub error_code: Option<String>,
    pub error_message: Option<String>,
    /// A backfill: its workflows run below live work.
    pub backfill: bool,
}

/// The most slots one backfill runs.
pub const MAX_BACKFILL: usize = 20_000;
/// The most slots a backfill passes over to reach its first (a coordinator that started
/// long before it, with a short frequency).
const MAX_PASSED: u64 = 2_000_000;

/// A backfill's slots: the coordinator's own (numbered as in its job) whose times lie from
/// `from` to `to`, both included; and the cursor just before the first. The message says
/// why there are none or too many.
pub fn backfill_slots(
    schedule: &Schedule,
    from: DateTime<Utc>,
    to: DateTime<Utc>,
) -> Result<(Cursor, Vec<Slot>), String> {
    if from > to {
        return Err("the backfill's from comes after its to".to_owned());
    }
    const CHUNK: usize = 4096;
    let mut cursor = schedule.first_cursor();
    let mut passed = Vec::with_capacity(CHUNK);
    loop {
        passed.clear();
        cursor = schedule.materialize_into(cursor, from, CHUNK, &mut passed);
        if passed.len() < CHUNK {
            break;
        }
        if cursor.number > MAX_PASSED {
            return Err(format!(
                "the coordinator has more than {MAX_PASSED} slots before {}; a backfill \
                 that far from its start is refused",
                oozie_time(from)
            ));
        }
    }
    let mut slots = Vec::new();
    schedule.materialize_into(
        cursor,
        to + TimeDelta::milliseconds(1),
        MAX_BACKFILL + 1,
        &mut slots,
    );
    if slots.len() > MAX_BACKFILL {
        return Err(format!(
            "more than {MAX_BACKFILL} slots from {} to {}; backfill a shorter range",
            oozie_time(from),
            oozie_time(to)
        ));
    }
    if slots.is_empty() {
        return Err(format!(
            "the coordinator has no slot from {} to {} (it runs from {} to {})",
            oozie_time(from),
            oozie_time(to),
            oozie_time(schedule.start),
            oozie_time(schedule.end)
        ));
    }
    Ok((cursor, slots))
}

/// What the loop must do after a step, and what to persist.
#[derive(Debug, Default, PartialEq)]
pub struct Effects {
    /// Actions to start a workflow instance for (now SUBMITTED).
    pub submit: Vec<u64>,
    /// Workflow instances to kill, suspend or resume.
    pub kill: Vec<i64>,
    pub suspend: Vec<i64>,
    pub resume: Vec<i64>,
    /// Actions whose rows changed (new ones included).
    pub actions: Vec<u64>,
    /// Actions deleted (a change of end time took them back).
    pub deleted: Vec<u64>,
    pub job: bool,
    /// Output URIs a rerun clears before it is recorded.
    pub cleanup: Vec<String>,
}

impl Effects {
    fn touch(&mut self, number: u64) {
        if !self.actions.contains(&number) {
            self.actions.push(number);
        }
    }
}

/// A change to a running job (`oozie job -change`): `end` and `pause` as given (a pause of
/// `None` clears it), `concurrency` any integer (-1 unlimited).
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Change {
    pub end: Option<DateTime<Utc>>,
    pub concurrency: Option<i64>,
    pub pause: Option<Option<DateTime<Utc>>>,
}

/// One `-date` of a coordinator rerun: a nominal time, or a range (`from::to`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct DatePick {
    pub from: DateTime<Utc>,
    pub to: Option<DateTime<Utc>>,
}

/// A coordinator rerun's options, as Oozie's `-failed`, `-refresh` and `-nocleanup`.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct RerunOptions {
    pub failed: bool,
    pub refresh: bool,
    pub nocleanup: bool,
}

/// What an operation changed, from the job before and after it and its effects; the
/// caller adds the cleanup it did.
pub fn report(before: &CoordJob, after: &CoordJob, fx: &Effects, dry_run: bool) -> CoordOpReport {
    let mut actions = Vec::new();
    let mut instances = Vec::new();
    for n in &fx.actions {
        let Some(a) = after.actions.get(n) else {
            continue;
        };
        let was = before.actions.get(n).map(|b| b.status);
        if was != Some(a.status) {
            actions.push(StatusChange {
                item: n.to_string(),
                from: was.map(|s| s.id().to_owned()),
                to: a.status.id().to_owned(),
            });
        }
        if a.rerun_failed
            && let Some(i) = a.instance
        {
            instances.push(StatusChange {
                item: i.to_string(),
                from: None,
                to: "rerun its failed nodes".to_owned(),
            });
        }
    }
    for (list, what) in [
        (&fx.kill, "kill"),
        (&fx.suspend, "suspend"),
        (&fx.resume, "resume"),
    ] {
        instances.extend(list.iter().map(|i| StatusChange {
            item: i.to_string(),
            from: None,
            to: what.to_owned(),
        }));
    }
    CoordOpReport {
        job: after.id,
        dry_run,
        status: after.status,
        was: before.status,
        actions,
        instances,
        removed: fx.deleted.iter().map(|&n| n as i64).collect(),
        cleanup: Vec::new(),
        not_cleaned: Vec::new(),
    }
}

fn oozie_time(t: DateTime<Utc>) -> String {
    t.format("%Y-%m-%dT%H:%MZ").to_string()
}

impl CoordJob {
    /// A job just submitted: PREP, nothing materialized.
    pub fn new(id: i64, job: Job, logic: Vec<Logic>) -> CoordJob {
        let cursor = job.schedule.first_cursor();
        CoordJob {
            id,
            job,
            logic,
            status: S::Prep,
            cursor,
            actions: BTreeMap::new(),
            error_code: None,
            error_message: None,
            backfill: false,
        }
    }

    /// Oozie's form of the job id, for `coord:actionId()` (`…-C@3`).
    pub fn job_id(&self) -> String {
        job_id(self.id)
    }

    fn active(&self) -> usize {
        self.actions
            .values()
            .filter(|a| matches!(a.status, A::Submitted | A::Running | A::Suspended))
            .count()
    }

    /// Whether every slot before the end has been materialized.
    fn materialized_all(&self) -> bool {
        self.cursor.next.is_none_or(|n| n >= self.job.schedule.end)
    }

    /// One step at `now`: pause, materialization, data checks, timeouts, skips,
    /// submissions and the job's own status.
    pub fn step(&mut self, now: DateTime<Utc>, data: &dyn DataCheck) -> Effects {
        let mut fx = Effects::default();
        if self.status.is_terminal() {
            return fx;
        }
        // PREP turns RUNNING once the start time is reached (a pause already in force
        // keeps it paused).
        if now >= self.job.schedule.start {
            let to = match self.status {
                S::Prep => S::Running,
                S::PrepPaused => S::Paused,
                _ => self.status,
            };
            fx.job |= to != self.status;
            self.status = to;
        }
        self.pause(now, &mut fx);
        if matches!(self.status, S::Running | S::Paused)
            && let Err(e) = self.materialize(now, &mut fx)
        {
            self.fail(e, now, &mut fx);
            return fx;
        }
        if matches!(self.status, S::Running | S::Paused) {
            self.check_waiting(now, data, &mut fx);
            self.submit(now, &mut fx);
        }
        self.roll_up(&mut fx);
        fx
    }

    /// The pause time reached: RUNNING → PAUSED, PREP → PREPPAUSED; moved later or cleared:
    /// back.
    fn pause(&mut self, now: DateTime<Utc>, fx: &mut Effects) {
        let paused = self.job.schedule.pause.is_some_and(|p| p <= now);
        let to = match (self.status, paused) {
            (S::Running, true) => S::Paused,
            (S::Prep, true) => S::PrepPaused,
            (S::Paused, false) => S::Running,
            (S::PrepPaused, false) => S::Prep,
            _ => return,
        };
        self.status = to;
        fx.job = true;
    }

    /// Creates the actions whose time has come, oldest first, no more than the throttle
    /// lets wait at once.
    fn materialize(&mut self, now: DateTime<Utc>, fx: &mut Effects) -> Result<(), CoordError> {
        let waiting = self
            .actions
            .values()
            .filter(|a| a.status == A::Waiting)
            .count();
        let room = usize::try_from(self.job.controls.throttle)
            .unwrap_or(0)
            .saturating_sub(waiting);
        if room == 0 || self.cursor.next.is_none_or(|n| n > now) {
            return Ok(());
        }
        let mut slots: Vec<Slot> = Vec::new();
        let cursor = self.job.schedule.materialize_into(
            self.cursor,
            now + TimeDelta::milliseconds(1),
            room,
            &mut slots,
        );
        let job_id = self.job_id();
        for slot in &slots {
            let action = self.job.materialize(slot, now, &job_id)?;
            self.insert(action, now);
            fx.touch(slot.number);
        }
        if cursor != self.cursor {
            self.cursor = cursor;
            fx.job = true;
        }
        Ok(())
    }

    fn insert(&mut self, a: Action, now: DateTime<Utc>) {
        self.actions.insert(
            a.number,
            CoordAction {
                number: a.number,
                nominal: a.nominal,
                created: now,
                status: A::Waiting,
                inputs: a.inputs,
                outputs: a.outputs,
                configuration: a.configuration,
                missing: None,
                instance: None,
                rerun_failed: false,
                tries: 0,
                error_code: None,
                error_message: None,
                updated: now,
            },
        );
    }

    /// An error while materializing fails the job (Oozie: `CoordMaterializeTransitionXCommand`).
    fn fail(&mut self, e: CoordError, now: DateTime<Utc>, fx: &mut Effects) {
        self.status = S::Failed;
        self.error_code = Some(e.code);
        self.error_message = Some(e.message);
        fx.job = true;
        self.kill_actions(now, fx);
    }

    /// WAITING actions: skipped (LAST_ONLY, NONE), READY once their data is there, or
    /// TIMEDOUT.
    fn check_waiting(&mut self, now: DateTime<Utc>, data: &dyn DataCheck, fx: &mut Effects) {
        let execution = self.job.controls.execution;
        let job_id = self.job_id();
        let numbers: Vec<u64> = self
            .actions
            .values()
            .filter(|a| matches!(a.status, A::Waiting | A::Ready))
            .map(|a| a.number)
            .collect();
        for number in numbers {
            let next_nominal = self.actions.get(&(number + 1)).map(|a| a.nominal).or(self
                .cursor
                .next
                .filter(|_| self.cursor.number == number && !self.materialized_all()));
            let a = self.actions.get_mut(&number).expect("listed");
            let skip = match execution {
                Execution::LastOnly => next_nominal.is_some_and(|n| now >= n),
                Execution::None => now > a.nominal + NONE_TOLERANCE,
                Execution::Fifo | Execution::Lifo => false,
            };
            if skip {
                a.status = A::Skipped;
                a.missing = None;
                a.updated = now;
                fx.touch(number);
                continue;
            }
            if a.status == A::Ready {
                continue;
            }
            let before = (a.missing.clone(), a.inputs.clone());
            let missing = if a.nominal > now {
                Some("its nominal time has not come".to_owned())
            } else {
                missing_input(&self.job, &self.logic, a, data)
            };
            if a.inputs != before.1
                && let Err(e) = reconfigure(&self.job, &job_id, a)
            {
                a.status = A::Failed;
                a.error_code = Some(e.code);
                a.error_message = Some(e.message);
                a.missing = None;
                a.updated = now;
                fx.touch(number);
                continue;
            }
            match missing {
                None => {
                    a.status = A::Ready;
                    a.missing = None;
                    a.updated = now;
                    fx.touch(number);
                }
                Some(what) => {
                    let since = a.nominal.max(a.created);
                    let waited = (now - since).num_minutes();
                    if a.nominal <= now && waited > self.job.controls.timeout {
                        a.status = A::TimedOut;
                        a.error_code = Some("TIMEDOUT".to_owned());
                        a.error_message = Some(format!(
                            "no data within {} minutes: {what}",
                            self.job.controls.timeout
                        ));
                        a.updated = now;
                        fx.touch(number);
                    } else if before != (Some(what.clone()), a.inputs.clone()) {
                        a.missing = Some(what);
                        a.updated = now;
                        fx.touch(number);
                    }
                }
            }
        }
    }

    /// READY actions become SUBMITTED while the concurrency allows, in the execution order.
    fn submit(&mut self, now: DateTime<Utc>, fx: &mut Effects) {
        let limit = self.job.controls.concurrency;
        let mut room = if limit < 0 {
            usize::MAX
        } else {
            usize::try_from(limit)
                .unwrap_or(0)
                .saturating_sub(self.active())
        };
        let mut ready: Vec<u64> = self
            .actions
            .values()
            .filter(|a| a.status == A::Ready)
            .map(|a| a.number)
            .collect();
        if self.job.controls.execution == Execution::Lifo {
            ready.reverse();
        }
        for number in ready {
            if room == 0 {
                break;
            }
            room -= 1;
            let a = self.actions.get_mut(&number).expect("listed");
            a.status = A::Submitted;
            a.tries += 1;
            a.updated = now;
            fx.touch(number);
            fx.submit.push(number);
        }
    }

    /// Once every action is materialized and has ended: SUCCEEDED if all succeeded (or
    /// were skipped), KILLED or FAILED if all were, DONEWITHERROR otherwise.
    fn roll_up(&mut self, fx: &mut Effects) {
        if !matches!(self.status, S::Running | S::Paused) || !self.materialized_all() {
            return;
        }
        let ended = |s: A| {
            matches!(
                s,
                A::Succeeded | A::Failed | A::Killed | A::TimedOut | A::Skipped | A::Ignored
            )
        };
        if !self.actions.values().all(|a| ended(a.status)) {
            return;
        }
        let all = |f: &dyn Fn(A) -> bool| self.actions.values().all(|a| f(a.status));
        self.status = if all(&|s| matches!(s, A::Succeeded | A::Skipped | A::Ignored)) {
            S::Succeeded
        } else if all(&|s| s == A::Killed) {
            S::Killed
        } else if all(&|s| s == A::Failed) {
            S::Failed
        } else {
            S::DoneWithError
        };
        fx.job = true;
    }

    /// The action's workflow instance was created and started.
    pub fn started(&mut self, number: u64, instance: i64, now: DateTime<Utc>) {
        if let Some(a) = self.actions.get_mut(&number)
            && a.status == A::Submitted
        {
            a.status = A::Running;
            a.instance = Some(instance);
            a.rerun_failed = false;
            a.updated = now;
        }
    }

    /// The workflow instance could not be created (the app is missing or invalid).
    pub fn submit_failed(&mut self, number: u64, message: String, now: DateTime<Utc>) {
        if let Some(a) = self.actions.get_mut(&number)
            && a.status == A::Submitted
        {
            a.status = A::Failed;
            a.error_code = Some("SUBMIT".to_owned());
            a.error_message = Some(message);
            a.updated = now;
        }
    }

    /// The action's workflow instance ended (or was suspended or resumed by hand).
    /// Returns the action's number if it changed.
    pub fn instance_changed(
        &mut self,
        instance: i64,
        status: JobStatus,
        message: Option<String>,
        now: DateTime<Utc>,
    ) -> Option<u64> {
        let a = self
            .actions
            .values_mut()
            .find(|a| a.instance == Some(instance))?;
        // A workflow rerun by itself (not through the coordinator) brings its ended action
        // back, as Oozie's action update follows its workflow whatever it was.
        let revived = matches!(a.status, A::Succeeded | A::Killed | A::Failed)
            && matches!(status, JobStatus::Running);
        if !matches!(a.status, A::Running | A::Suspended) && !revived {
            return None;
        }
        if revived {
            a.error_code = None;
            a.error_message = None;
        }
        let to = match status {
            JobStatus::Prep | JobStatus::Running => A::Running,
            JobStatus::Suspended => A::Suspended,
            JobStatus::Succeeded => A::Succeeded,
            JobStatus::Killed => A::Killed,
            JobStatus::Failed => A::Failed,
        };
        if to == a.status {
            return None;
        }
        a.status = to;
        if matches!(to, A::Killed | A::Failed) {
            a.error_code = Some(status.id().to_owned());
            a.error_message = message;
        }
        a.updated = now;
        Some(a.number)
    }

    /// `-suspend`: refused once ended (E0728). Running workflows are suspended too.
    pub fn suspend(&mut self, now: DateTime<Utc>) -> Result<Effects, Refused> {
        let to = match self.status {
            S::Prep | S::PrepPaused => S::PrepSuspended,
            S::Running | S::Paused => S::Suspended,
            s if s.is_terminal() => {
                return Err(refused(
                    "E0728",
                    format!(
                        "coordinator {} is {}; it cannot be suspended",
                        self.id,
                        s.id()
                    ),
                ));
            }
            _ => return Ok(Effects::default()),
        };
        self.status = to;
        let mut fx = Effects {
            job: true,
            ..Effects::default()
        };
        for a in self.actions.values_mut() {
            if a.status == A::Running {
                a.status = A::Suspended;
                a.updated = now;
                fx.suspend.extend(a.instance);
                fx.actions.push(a.number);
            }
        }
        Ok(fx)
    }

    /// `-resume`: only a suspended job (E1100). Missed actions are then materialized:
    /// delayed, not lost.
    pub fn resume(&mut self, now: DateTime<Utc>) -> Result<Effects, Refused> {
        self.status = match self.status {
            S::PrepSuspended => S::Prep,
            S::Suspended => S::Running,
            s => {
                return Err(refused(
                    "E1100",
                    format!(
                        "coordinator {} is {}; only a suspended one can be resumed",
                        self.id,
                        s.id()
                    ),
                ));
            }
        };
        let mut fx = Effects {
            job: true,
            ..Effects::default()
        };
        for a in self.actions.values_mut() {
            if a.status == A::Suspended {
                a.status = A::Running;
                a.updated = now;
                fx.resume.extend(a.instance);
                fx.actions.push(a.number);
            }
        }
        Ok(fx)
    }

    /// `-kill`: refused once ended (E1020); every action not ended is killed.
    pub fn kill(&mut self, now: DateTime<Utc>) -> Result<Effects, Refused> {
        if self.status.is_terminal() {
            return Err(refused(
                "E1020",
                format!(
                    "coordinator {} is {}; it cannot be killed",
                    self.id,
                    self.status.id()
                ),
            ));
        }
        self.status = S::Killed;
        let mut fx = Effects {
            job: true,
            ..Effects::default()
        };
        self.kill_actions(now, &mut fx);
        Ok(fx)
    }

    fn kill_actions(&mut self, now: DateTime<Utc>, fx: &mut Effects) {
        for a in self.actions.values_mut() {
            if matches!(
                a.status,
                A::Waiting | A::Ready | A::Submitted | A::Running | A::Suspended
            ) {
                if matches!(a.status, A::Running | A::Suspended) {
                    fx.kill.extend(a.instance);
                }
                a.status = A::Killed;
                a.missing = None;
                a.updated = now;
                fx.touch(a.number);
            }
        }
    }

    /// `-change`: end time, concurrency, pause time. KILLED and IGNORED jobs take none
    /// (E1016). Actions already made at or after a new end or pause are taken back if
    /// they have not started (else E1022, and nothing changes).
    pub fn change(&mut self, c: &Change, now: DateTime<Utc>) -> Result<Effects, Refused> {
        if matches!(self.status, S::Killed | S::Ignored) {
            return Err(refused(
                "E1016",
                format!(
                    "coordinator {} is {}; only its status can change",
                    self.id,
                    self.status.id()
                ),
            ));
        }
        let end = c.end.unwrap_or(self.job.schedule.end);
        let pause = c.pause.unwrap_or(self.job.schedule.pause);
        let bound = pause.map_or(end, |p| p.min(end));
        let doomed: Vec<u64> = self
            .actions
            .values()
            .filter(|a| a.nominal >= bound)
            .map(|a| a.number)
            .collect();
        if let Some(busy) = doomed
            .iter()
            .map(|n| &self.actions[n])
            .find(|a| !matches!(a.status, A::Waiting | A::Ready))
        {
            return Err(refused(
                "E1022",
                format!(
                    "Cannot delete running/completed coordinator action {} ({}), at or after the new end or pause time",
                    busy.number,
                    busy.status.id()
                ),
            ));
        }
        let mut fx = Effects {
            job: true,
            ..Effects::default()
        };
        for n in &doomed {
            self.actions.remove(n);
            fx.deleted.push(*n);
        }
        if let Some(first) = doomed.iter().min() {
            // Materialization starts again from the first action taken back.
            self.cursor = Cursor {
                number: first - 1,
                next: self
                    .job
                    .schedule
                    .iter()
                    .find(|s| s.number == *first)
                    .map(|s| s.at),
            };
        }
        self.job.schedule.end = end;
        self.job.schedule.pause = pause;
        if let Some(n) = c.concurrency {
            self.job.controls.concurrency = n;
        }
        if c.end.is_some() {
            if end <= self.job.schedule.start && matches!(self.status, S::Prep | S::Running) {
                self.status = S::Succeeded;
            } else if matches!(self.status, S::Succeeded | S::DoneWithError | S::Failed)
                && !self.materialized_all()
            {
                self.status = S::Running;
            }
        }
        self.pause(now, &mut fx);
        Ok(fx)
    }

    /// The actions a `-date` selection names: each single time must be an action's
    /// nominal time (E0605 otherwise); a range takes the actions whose nominal times lie
    /// inside it, ends included (none at all is E0605 too).
    pub fn select_dates(&self, dates: &[DatePick]) -> Result<Vec<u64>, Refused> {
        let mut out = Vec::new();
        for pick in dates {
            let found: Vec<u64> = self
                .actions
                .values()
                .filter(|a| match pick.to {
                    None => a.nominal == pick.from,
                    Some(to) => pick.from <= a.nominal && a.nominal <= to,
                })
                .map(|a| a.number)
                .collect();
            if found.is_empty() {
                let when = match pick.to {
                    None => format!("at {}", oozie_time(pick.from)),
                    Some(to) => format!("from {} to {}", oozie_time(pick.from), oozie_time(to)),
                };
                return Err(refused(
                    "E0605",
                    format!("coordinator job {} has no action {when}", self.job_id()),
                ));
            }
            out.extend(found);
        }
        out.sort_unstable();
        out.dedup();
        Ok(out)
    }

    /// `-rerun -action …` (CoordRerunXCommand): every action named must exist and have
    /// ended, and the job must not be PREP or IGNORED (E1018). Each goes back to WAITING
    /// with its error cleared (a TIMEDOUT one's timeout counts afresh). Unless told
    /// `nocleanup` (or `failed`), the output directories of its data-outs without
    /// `nocleanup="true"` come back in `Effects::cleanup`, for the loop to delete before
    /// the rerun is recorded. `refresh` resolves its inputs and configuration again, so
    /// `latest()`/`future()` find the newest data; otherwise what was found stays.
    pub fn rerun(
        &mut self,
        numbers: &[u64],
        options: RerunOptions,
        now: DateTime<Utc>,
    ) -> Result<Effects, Refused> {
        let not_eligible = |why: String| {
            refused(
                "E1018",
                format!("part or all actions are not eligible to rerun! {why}"),
            )
        };
        if matches!(self.status, S::Prep | S::Ignored) {
            return Err(not_eligible(format!("the job is {}", self.status.id())));
        }
        for n in numbers {
            match self.actions.get(n) {
                None => return Err(not_eligible(format!("there is no action {n}"))),
                Some(a) if !a.status.is_terminal() => {
                    return Err(not_eligible(format!("action {n} is {}", a.status.id())));
                }
                Some(_) => {}
            }
        }
        let job_id = self.job_id();
        let mut refreshed = Vec::new();
        if options.refresh {
            for n in numbers {
                let a = &self.actions[n];
                let slot = Slot {
                    number: a.number,
                    nominal: a.nominal,
                    at: a.nominal,
                };
                let fresh = self
                    .job
                    .materialize(&slot, a.created, &job_id)
                    .map_err(|e| {
                        refused(
                            "E1018",
                            format!(
                                "action {n} cannot be resolved again: {}: {}",
                                e.code, e.message
                            ),
                        )
                    })?;
                refreshed.push(fresh);
            }
        }
        let mut fx = Effects {
            job: true,
            ..Effects::default()
        };
        let clean = !options.nocleanup && !options.failed;
        let mut refreshed = refreshed.into_iter();
        for n in numbers {
            let a = self.actions.get_mut(n).expect("checked");
            if clean {
                for (event, (_, uris)) in self.job.outputs.iter().zip(&a.outputs.0) {
                    if !event.nocleanup {
                        fx.cleanup
                            .extend(uris.iter().filter(|u| !u.starts_with("${")).cloned());
                    }
                }
            }
            if let Some(fresh) = refreshed.next() {
                a.inputs = fresh.inputs;
                a.outputs = fresh.outputs;
                a.configuration = fresh.configuration;
            }
            if a.status == A::TimedOut {
                a.created = now;
            }
            a.status = A::Waiting;
            a.error_code = None;
            a.error_message = None;
            a.missing = None;
            a.rerun_failed = options.failed && a.instance.is_some();
            if !a.rerun_failed {
                a.instance = None;
            }
            a.updated = now;
            fx.touch(*n);
        }
        fx.cleanup.sort();
        fx.cleanup.dedup();
        if self.status.is_terminal() {
            self.status = S::Running;
        } else if self.status == S::Paused {
            // PAUSED is restored by the next step while the pause time holds.
            self.status = S::Running;
        }
        Ok(fx)
    }

    /// `-ignore -action …`: FAILED, KILLED or TIMEDOUT actions only (E1024), not in a PREP
    /// job.
    pub fn ignore(&mut self, numbers: &[u64], now: DateTime<Utc>) -> Result<Effects, Refused> {
        if self.status == S::Prep {
            return Err(refused("E1024", "the job is PREP".to_owned()));
        }
        if let Some(n) = numbers.iter().find(|n| {
            !self
                .actions
                .get(n)
                .is_some_and(|a| matches!(a.status, A::Failed | A::Killed | A::TimedOut))
        }) {
            return Err(refused(
                "E1024",
                format!("action {n} is not FAILED, KILLED or TIMEDOUT, so it cannot be ignored"),
            ));
        }
        let mut fx = Effects {
            job: true,
            ..Effects::default()
        };
        for n in numbers {
            let a = self.actions.get_mut(n).expect("checked");
            a.status = A::Ignored;
            a.updated = now;
            fx.touch(*n);
        }
        Ok(fx)
    }

    /// When the next step has something to do on its own: the next slot, a nominal time,
    /// a timeout or a skip due; `poll` for actions that wait for data.
    pub fn next_wake(&self, now: DateTime<Utc>, poll: TimeDelta) -> Option<DateTime<Utc>> {
        if self.status.is_terminal() || matches!(self.status, S::Suspended | S::PrepSuspended) {
            return None;
        }
        let mut wake: Option<DateTime<Utc>> = None;
        let mut at = |t: DateTime<Utc>| wake = Some(wake.map_or(t, |w| w.min(t)));
        if let Some(next) = self.cursor.next
            && next < self.job.schedule.end
            && self.job.schedule.pause.is_none_or(|p| next < p)
        {
            at(next.max(self.job.schedule.start));
        }
        if let Some(p) = self.job.schedule.pause
            && p > now
        {
            at(p);
        }
        for a in self.actions.values().filter(|a| a.status == A::Waiting) {
            if a.nominal > now {
                at(a.nominal);
            } else {
                at(now + poll);
                let since = a.nominal.max(a.created);
                at(since + TimeDelta::minutes(self.job.controls.timeout + 1));
            }
        }
        wake
    }
}

/// The first dependency of `a` that is not there, resolving `latest`/`future` instances
/// it can; `None` when all its input logic is satisfied.
fn missing_input(
    job: &Job,
    logic: &[Logic],
    a: &mut CoordAction,
    data: &dyn DataCheck,
) -> Option<String> {
    let mut verdicts: BTreeMap<String, Result<(), String>> = BTreeMap::new();
    for (i, event) in job.inputs.iter().enumerate() {
        let Some(ds) = job.datasets.get(&event.dataset) else {
            verdicts.insert(
                event.name.to_string(),
                Err(format!("no dataset {}", event.dataset)),
            );
            continue;
        };
        let exists = |uri: &str| data.check(&ds.done_path(uri)) == Presence::Present;
        let uris = &mut a.inputs.0[i].1;
        if uris.iter().any(|u| u.starts_with("${coord:")) {
            // latest/future: found once its data exists.
            let found: Option<Vec<String>> = match &event.spec {
                InstanceSpec::List(list) => list
                    .iter()
                    .map(|f| dynamic_instance(ds, f, a.nominal, a.created, &exists))
                    .collect(),
                InstanceSpec::Range(from, to) => {
                    let s = dynamic_instance(ds, from, a.nominal, a.created, &exists);
                    let e = dynamic_instance(ds, to, a.nominal, a.created, &exists);
                    s.zip(e).map(|(s, e)| vec![e, s])
                }
            };
            match found {
                Some(list) => *uris = list,
                None => {
                    verdicts.insert(
                        event.name.to_string(),
                        Err(format!(
                            "{}: {} has no such instance yet",
                            event.name,
                            uris.join(",")
                        )),
                    );
                    continue;
                }
            }
        }
        let mut verdict = Ok(());
        for uri in uris.iter() {
            match data.check(&ds.done_path(uri)) {
                Presence::Present => {}
                Presence::Absent => {
                    verdict = Err(format!(
                        "{}: {} is not there",
                        event.name,
                        ds.done_path(uri)
                    ));
                    break;
                }
                Presence::Unknown(why) => {
                    verdict = Err(format!("{}: {why}", event.name));
                    break;
                }
            }
        }
        verdicts.insert(event.name.to_string(), verdict);
    }
    if logic.is_empty() {
        return verdicts.into_values().find_map(Result::err);
    }
    logic.iter().find_map(|l| satisfied(l, &verdicts).err())
}

/// Evaluates an action's configuration again once `latest`/`future` instances are found,
/// so `coord:dataIn` gives their URIs (Oozie re-resolves the action then too).
fn reconfigure(job: &Job, job_id: &str, a: &mut CoordAction) -> Result<(), CoordError> {
    let pending = |lists: &Entries<Vec<String>>| {
        lists
            .0
            .iter()
            .enumerate()
            .filter(|(_, (_, uris))| uris.iter().any(|u| u.starts_with("${coord:")))
            .fold(0u128, |bits, (i, _)| bits | 1 << i)
    };
    a.configuration = job.configure(
        a.number,
        a.nominal,
        a.created,
        job_id,
        (&a.inputs, pending(&a.inputs)),
        (&a.outputs, pending(&a.outputs)),
    )?;
    Ok(())
}

/// The URI of a `latest(n)` or `future(n, limit)` instance, once its data exists.
fn dynamic_instance(
    ds: &shared::coord::dataset::Dataset,
    f: &InstanceFn,
    nominal: DateTime<Utc>,
    created: DateTime<Utc>,
    exists: &dyn Fn(&str) -> bool,
) -> Option<String> {
    let t = match f {
        InstanceFn::Latest(n) => ds.latest(created, *n, exists)?,
        InstanceFn::Future(n, limit) => ds.future(nominal, *n, *limit, exists)?,
        _ => return None,
    };
    Some(ds.uri(t))
}

/// An `<input-logic>` node: AND needs all, OR one; a data-in leaf its own verdict.
/// COMBINE is read as AND (its per-instance mixing of datasets is not modelled); `min`
/// and `wait` are not applied.
fn satisfied(l: &Logic, verdicts: &BTreeMap<String, Result<(), String>>) -> Result<(), String> {
    match l.op {
        LogicOp::DataIn => {
            let name = l.dataset.as_deref().or(l.name.as_deref()).unwrap_or("");
            verdicts
                .get(name)
                .cloned()
                .unwrap_or_else(|| Err(format!("input-logic names no data-in '{name}'")))
        }
        LogicOp::And | LogicOp::Combine => {
            l.children.iter().try_for_each(|c| satisfied(c, verdicts))
        }
        LogicOp::Or => {
            let mut first = None;
            for c in &l.children {
                match satisfied(c, verdicts) {
                    Ok(()) => return Ok(()),
                    Err(e) => {
                        first.get_or_insert(e);
                    }
                }
            }
            Err(first.unwrap_or_else(|| "an empty <or>".to_owned()))
        }
    }
}

#[cfg(test)]
#[path = "coord_tests.rs"]
mod tests;

/// The rows of a job and its actions, and back: what the scheduler writes after every
/// step and reads after a restart.
pub mod rows {
    use std::collections::BTreeMap;

    use chrono::{DateTime, Utc};
    use shared::api::{CoordActionStatus, CoordStatus};
    use shared::coord::resolve::resolve;
    use shared::coord::{Coordinator, DatasetDef};
    use shared::time::schedule::Cursor;

    use super::{CoordAction, CoordJob};
    use crate::store::{CoordActionRow, CoordJobRow};

    fn ms(t: DateTime<Utc>) -> i64 {
        t.timestamp_millis()
    }

    fn time(ms: i64) -> DateTime<Utc> {
        DateTime::from_timestamp_millis(ms).unwrap_or_default()
    }

    /// What changes of the job's row (the rest is written once, at submission).
    pub const KIND_SCHEDULE: &str = "schedule";
    pub const KIND_BACKFILL: &str = "backfill";

    pub fn job_row(job: &CoordJob, now: DateTime<Utc>) -> CoordJobRow {
        CoordJobRow {
            id: job.id,
            status: job.status.id().to_owned(),
            last_action_number: i64::try_from(job.cursor.number).unwrap_or(i64::MAX),
            next_materialized_ms: job.cursor.next.map(ms),
            end_ms: ms(job.job.schedule.end),
            pause_ms: job.job.schedule.pause.map(ms),
            concurrency: job.job.controls.concurrency,
            error_code: job.error_code.clone(),
            error_message: job.error_message.clone(),
            updated_at_ms: ms(now),
            ..CoordJobRow::default()
        }
    }

    fn json<T: serde::Serialize>(v: &T) -> String {
        serde_json::to_string(v).expect("entries of strings serialize")
    }

    pub fn action_row(job: i64, a: &CoordAction) -> CoordActionRow {
        CoordActionRow {
            job_id: job,
            number: i64::try_from(a.number).unwrap_or(i64::MAX),
            nominal_ms: ms(a.nominal),
            created_ms: ms(a.created),
            status: a.status.id().to_owned(),
            inputs: json(&a.inputs),
            outputs: json(&a.outputs),
            configuration: json(&a.configuration),
            missing: a.missing.clone(),
            instance_id: a.instance,
            rerun_failed: a.rerun_failed,
            tries: i64::from(a.tries),
            error_code: a.error_code.clone(),
            error_message: a.error_message.clone(),
            updated_ms: ms(a.updated),
        }
    }

    /// A job read back: its definition resolved again as at submission, then what changed
    /// since (end, pause, concurrency) and where materialization stands. The message says
    /// what is damaged.
    pub fn restore(row: &CoordJobRow, actions: &[CoordActionRow]) -> Result<CoordJob, String> {
        let bad = |what: String| format!("coordinator job {}: {what}", row.id);
        let c: Coordinator =
            serde_json::from_str(&row.definition).map_err(|e| bad(format!("definition: {e}")))?;
        let included: Vec<DatasetDef> =
            serde_json::from_str(&row.included).map_err(|e| bad(format!("datasets: {e}")))?;
        let conf: BTreeMap<String, String> =
            serde_json::from_str(&row.conf).map_err(|e| bad(format!("properties: {e}")))?;
        let mut job =
            resolve(&c, &included, &conf, &row.created_by).map_err(|e| bad(e.to_string()))?;
        job.schedule.end = time(row.end_ms);
        job.schedule.pause = row.pause_ms.map(time);
        job.controls.concurrency = row.concurrency;
        let mut out = CoordJob::new(row.id, job, c.input_logic.clone());
        out.status =
            CoordStatus::parse(&row.status).ok_or_else(|| bad(format!("status {}", row.status)))?;
        out.cursor = Cursor {
            number: u64::try_from(row.last_action_number).unwrap_or(0),
            next: row.next_materialized_ms.map(time),
        };
        out.error_code = row.error_code.clone();
        out.error_message = row.error_message.clone();
        out.backfill = row.kind == KIND_BACKFILL;
        for a in actions {
            let field =
                |what: &str, e: serde_json::Error| bad(format!("action {} {what}: {e}", a.number));
            let number =
                u64::try_from(a.number).map_err(|_| bad(format!("action {}", a.number)))?;
            out.actions.insert(
                number,
                CoordAction {
                    number,
                    nominal: time(a.nominal_ms),
                    created: time(a.created_ms),
                    status: CoordActionStatus::parse(&a.status)
                        .ok_or_else(|| bad(format!("action {} status {}", a.number, a.status)))?,
                    inputs: serde_json::from_str(&a.inputs).map_err(|e| field("inputs", e))?,
                    outputs: serde_json::from_str(&a.outputs).map_err(|e| field("outputs", e))?,
                    configuration: serde_json::from_str(&a.configuration)
                        .map_err(|e| field("configuration", e))?,
                    missing: a.missing.clone(),
                    instance: a.instance_id,
                    rerun_failed: a.rerun_failed,
                    tries: u32::try_from(a.tries).unwrap_or(0),
                    error_code: a.error_code.clone(),
                    error_message: a.error_message.clone(),
                    updated: time(a.updated_ms),
                },
            );
        }
        Ok(out)
    }
}
