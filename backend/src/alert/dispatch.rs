//! The alert loop: every few seconds it reads the runs that ended lately and those still
//! running, asks each one's policy what it raises (an end, a run or task over its time
//! limit), and sends each alert once to every channel of the policy's group.
//!
//! It reads the store rather than listening to the engine, so it sees what every replica
//! did and what happened while it was down, and it can never slow a run: the engine does
//! not know it exists. Each alert is claimed in the store under a key (`end:42:0`) before
//! it is sent, so replicas and restarts that see the same end send it once.
//!
//! Delivery runs in its own task per channel, retried with backoff; every try is written
//! to the delivery log.

use std::collections::HashMap;
use std::sync::Arc;
use std::time::Duration;

use shared::api::JobStatus;
use shared::sla::{Deadlines, Miss};

use super::secret::SecretKey;
use super::{Alert, AlertKind, Attempt, Channel, Policy, Retry};
use crate::store::{AlertSubject, DeliveryRow, Kind, Sealed, Store, StoreError};

/// How often the loop looks.
pub const POLL: Duration = Duration::from_secs(5);
/// How far back a (re)started loop looks for ends it may have missed.
const LOOK_BACK_MS: i64 = 10 * 60 * 1000;
/// How far behind the newest end seen the next look starts: ends are stamped by the
/// replica that ran them, whose clock and commit may lag a little.
const OVERLAP_MS: i64 = 60 * 1000;
/// The most runs and tasks one look reads.
const BATCH: i64 = 2000;
/// How long a claimed key is remembered here, sparing the store a claim it would refuse.
const REMEMBER_MS: i64 = 2 * 60 * 60 * 1000;

/// What the loop needs besides the store.
#[derive(Clone)]
pub struct Config {
    /// The key, the address alerts link to and the HTTP client, shared with the API.
    pub setup: Arc<crate::AlertSetup>,
    pub retry: Retry,
    pub poll: Duration,
}

/// The policy target of a workflow or a coordinator.
pub fn target(kind: Kind, id: i64) -> String {
    format!("{}:{id}", kind.noun())
}

/// A channel as stored, its secret opened.
pub fn open_channel(row: &crate::store::SealedRow, secrets: &SecretKey) -> Result<Channel, String> {
    let settings = serde_json::from_str(&row.settings)
        .map_err(|e| format!("the channel's stored settings: {e}"))?;
    let secret = secrets
        .open_record(Sealed::Channels, row)
        .map_err(|e| e.to_string())?;
    Ok(Channel {
        id: row.id,
        name: row.name.clone(),
        settings,
        secret,
    })
}

/// Sends `alert` through `channel` and logs every try; what was tried.
pub async fn send_logged(
    store: &dyn Store,
    http: &reqwest::Client,
    channel: &Channel,
    alert: &Alert,
    retry: &Retry,
) -> Vec<Attempt> {
    let tries = channel.send(http, alert, retry).await;
    log_tries(store, channel.id, alert, &tries).await;
    tries
}

/// Writes tries to the delivery log (after the fact: the log is for people, and a try
/// that cannot be logged was still made).
pub async fn log_tries(store: &dyn Store, channel_id: i64, alert: &Alert, tries: &[Attempt]) {
    let json = serde_json::to_string(alert).expect("an alert always serializes");
    for t in tries {
        let row = DeliveryRow {
            id: 0,
            channel_id,
            channel: String::new(),
            alert: json.clone(),
            attempt: i64::from(t.number),
            status: t.status.map(i64::from),
            detail: t.detail.clone(),
            delivered: t.delivered,
            at_ms: crate::service::now_ms(),
        };
        if let Err(e) = store.append_delivery(&row).await {
            tracing::warn!(channel = channel_id, "cannot log a delivery: {e}");
        }
    }
}

/// Runs the loop until `closing` turns true.
pub async fn run(
    store: Arc<dyn Store>,
    config: Config,
    mut closing: tokio::sync::watch::Receiver<bool>,
) {
    let mut state = Looker::new(crate::service::now_ms());
    loop {
        if let Err(e) = state.look(&store, &config).await {
            tracing::warn!("the alert loop cannot read the store: {e}");
        }
        tokio::select! {
            () = tokio::time::sleep(config.poll) => {}
            _ = closing.changed() => return,
        }
    }
}

/// What the loop remembers between looks.
struct Looker {
    /// Ends at or after this are read.
    since_ms: i64,
    /// Keys claimed (by anyone), and when this loop learned it.
    claimed: HashMap<String, i64>,
    /// Each run's SLA deadlines (instance, run), read once: where they come from (`wf`,
    /// `coord`) and what they are.
    slas: HashMap<(i64, i64), Vec<(&'static str, Deadlines)>>,
    /// Each coordinator job's action `<sla:info>`, read once.
    coord_slas: HashMap<i64, Option<String>>,
}

/// A run's SLA deadlines: its workflow's `<sla:info>` and its coordinator action's, each
/// resolved with the run's properties. One that cannot be resolved is logged and left out.
async fn run_slas(
    store: &dyn Store,
    coord_slas: &mut HashMap<i64, Option<String>>,
    s: &AlertSubject,
) -> Result<Vec<(&'static str, Deadlines)>, StoreError> {
    let (row, _) = store.get_instance(s.id).await?;
    let properties: std::collections::BTreeMap<String, String> =
        serde_json::from_str(&row.conf).unwrap_or_default();
    let workflow: Option<shared::workflow::Workflow> = serde_json::from_str(&row.definition).ok();
    let nominal = s
        .nominal_ms
        .and_then(chrono::DateTime::from_timestamp_millis);
    let nominal = nominal.map(shared::time::format_oozie_time);
    let mut infos = Vec::new();
    if let Some(sla) = workflow.and_then(|w| w.sla) {
        infos.push(("wf", sla));
    }
    if let Some(job) = s.coord_job_id {
        if let std::collections::hash_map::Entry::Vacant(slot) = coord_slas.entry(job) {
            let (row, _) = store.get_coord_job(job).await?;
            let coordinator: Option<shared::coord::Coordinator> =
                serde_json::from_str(&row.definition).ok();
            slot.insert(coordinator.and_then(|c| c.sla));
        }
        if let Some(Some(sla)) = coord_slas.get(&job) {
            infos.push(("coord", sla.clone()));
        }
    }
    let mut out = Vec::new();
    for (source, fragment) in infos {
        let resolved = shared::sla::parse(&fragment)
            .and_then(|info| shared::sla::deadlines(&info, &properties, nominal.as_deref()));
        match resolved {
            Ok(d) => out.push((source, d)),
            Err(e) => tracing::warn!(instance = s.id, "its SLA cannot be checked: {e}"),
        }
    }
    Ok(out)
}

/// An alert the policies ask for: its key and what it says.
#[derive(Debug, Clone, PartialEq)]
struct Raised {
    key: String,
    group: i64,
    kind: AlertKind,
    subject: i64,
    title: String,
    text: String,
}

impl Looker {
    fn new(now_ms: i64) -> Looker {
        Looker {
            since_ms: now_ms - LOOK_BACK_MS,
            claimed: HashMap::new(),
            slas: HashMap::new(),
            coord_slas: HashMap::new(),
        }
    }

    async fn look(&mut self, store: &Arc<dyn Store>, config: &Config) -> Result<(), StoreError> {
        let now = crate::service::now_ms();
        self.claimed.retain(|_, at| now - *at < REMEMBER_MS);
        let policies = policies(store.as_ref()).await?;
        if !policies.values().any(Policy::is_active) {
            self.since_ms = self.since_ms.max(now - OVERLAP_MS);
            return Ok(());
        }
        let subjects = store.alert_subjects(self.since_ms, BATCH).await?;
        let tasks = if policies.values().any(|p| p.task_timeout_min.is_some()) {
            store.running_tasks(BATCH).await?
        } else {
            Vec::new()
        };
        let newest_end = subjects.iter().filter_map(|s| s.ended_at_ms).max();
        let live: std::collections::HashSet<(i64, i64)> =
            subjects.iter().map(|s| (s.id, s.run)).collect();
        self.slas.retain(|k, _| live.contains(k));
        for s in &subjects {
            let wants = policy_of(&policies, s).is_some_and(|p| p.sla_miss);
            if wants && !self.slas.contains_key(&(s.id, s.run)) {
                let found = run_slas(store.as_ref(), &mut self.coord_slas, s).await?;
                self.slas.insert((s.id, s.run), found);
            }
        }
        let raised = raise(&policies, &subjects, &tasks, &self.slas, now);
        let by_id: HashMap<i64, &AlertSubject> = subjects.iter().map(|s| (s.id, s)).collect();
        for r in raised {
            if self.claimed.contains_key(&r.key) {
                continue;
            }
            let mine = store.claim_alert(&r.key, now).await?;
            self.claimed.insert(r.key.clone(), now);
            if !mine {
                continue;
            }
            let Some(subject) = by_id.get(&r.subject) else {
                continue;
            };
            let alert = Alert {
                kind: r.kind,
                title: r.title.clone(),
                text: r.text.clone(),
                definition: subject.name.clone(),
                job_id: Some(crate::engine::instance::job_id(subject.id)),
                link: Some(format!(
                    "{}/instances/{}",
                    config.setup.public_url.trim_end_matches('/'),
                    subject.id
                )),
                at: crate::service::rfc3339(now),
            };
            tracing::info!(key = %r.key, group = r.group, "alert: {}", alert.title);
            send_to_group(store, config, r.group, alert).await?;
        }
        if let Some(end) = newest_end {
            self.since_ms = self.since_ms.max(end - OVERLAP_MS);
        }
        Ok(())
    }
}

/// Every policy with its target as the key, unreadable ones skipped (and said).
async fn policies(store: &dyn Store) -> Result<HashMap<String, Policy>, StoreError> {
    let mut out = HashMap::new();
    for row in store.list_policies().await? {
        match serde_json::from_str::<Policy>(&row.settings) {
            Ok(p) => {
                out.insert(row.target, p);
            }
            Err(e) => tracing::warn!(target = %row.target, "an unreadable alert policy: {e}"),
        }
    }
    Ok(out)
}

/// Starts one delivery task per channel of `group`; never waits for them.
async fn send_to_group(
    store: &Arc<dyn Store>,
    config: &Config,
    group: i64,
    alert: Alert,
) -> Result<(), StoreError> {
    let Some(row) = store.get_group(group).await? else {
        tracing::warn!(group, "an alert for a group that no longer exists");
        return Ok(());
    };
    let ids: Vec<i64> = serde_json::from_str(&row.channels).unwrap_or_default();
    for id in ids {
        let Some(channel) = store.get_sealed(Sealed::Channels, id).await? else {
            continue;
        };
        let channel = match open_channel(&channel, &config.setup.secrets) {
            Ok(c) => c,
            Err(why) => {
                let failed = Attempt {
                    number: 1,
                    status: None,
                    detail: why,
                    delivered: false,
                };
                log_tries(store.as_ref(), id, &alert, &[failed]).await;
                continue;
            }
        };
        let (store, setup, alert, retry) = (
            store.clone(),
            config.setup.clone(),
            alert.clone(),
            config.retry.clone(),
        );
        tokio::spawn(async move {
            send_logged(store.as_ref(), &setup.http, &channel, &alert, &retry).await;
        });
    }
    Ok(())
}

/// The policy a run follows: its coordinator's when that one tells a group, else its
/// workflow's.
fn policy_of<'a>(policies: &'a HashMap<String, Policy>, s: &AlertSubject) -> Option<&'a Policy> {
    let coordinator = s
        .coordinator_id
        .and_then(|id| policies.get(&target(Kind::Coordinator, id)))
        .filter(|p| p.is_active());
    coordinator.or_else(|| {
        s.workflow_id
            .and_then(|id| policies.get(&target(Kind::Workflow, id)))
            .filter(|p| p.is_active())
    })
}

/// The alerts the policies ask for at `now`: the pure half of a look.
fn raise(
    policies: &HashMap<String, Policy>,
    subjects: &[AlertSubject],
    tasks: &[crate::store::RunningTask],
    slas: &HashMap<(i64, i64), Vec<(&'static str, Deadlines)>>,
    now: i64,
) -> Vec<Raised> {
    let mut out = Vec::new();
    let mut running: HashMap<i64, (&AlertSubject, &Policy)> = HashMap::new();
    for s in subjects {
        let Some(policy) = policy_of(policies, s) else {
            continue;
        };
        let Some(group) = policy.group else { continue };
        let status = JobStatus::parse(&s.status);
        if policy.sla_miss {
            for (source, d) in slas.get(&(s.id, s.run)).into_iter().flatten() {
                for miss in shared::sla::missed(d, s.started_at_ms, s.ended_at_ms, now) {
                    let what = match miss {
                        Miss::Start => format!(
                            "should have started by {}",
                            shared::time::format_oozie_time(d.start_by.unwrap_or(d.nominal))
                        ),
                        Miss::End => format!(
                            "should have ended by {}",
                            shared::time::format_oozie_time(d.end_by)
                        ),
                        Miss::Duration => format!(
                            "may run {} at most",
                            duration(d.max_duration_ms.unwrap_or_default())
                        ),
                    };
                    out.push(Raised {
                        key: format!("sla-{}:{}:{}:{source}", miss.id(), s.id, s.run),
                        group,
                        kind: AlertKind::SlaMiss,
                        subject: s.id,
                        title: format!("{} missed its SLA", s.name),
                        text: format!(
                            "Run {} of {} (nominal time {}) {what}; it is {}.",
                            s.id,
                            s.name,
                            shared::time::format_oozie_time(d.nominal),
                            s.status
                        ),
                    });
                }
            }
        }
        let about = |kind, title: String, text: String, key: String| Raised {
            key,
            group,
            kind,
            subject: s.id,
            title,
            text,
        };
        match status {
            Some(st) if st.is_terminal() && s.ended_at_ms.is_some() && policy.notify.fires(st) => {
                // A workflow whose action failed usually ends at a kill node, which
                // Oozie calls KILLED; people call that failing.
                let (kind, verb) = match st {
                    JobStatus::Succeeded => (AlertKind::Succeeded, "succeeded"),
                    JobStatus::Killed if s.last_error_node.is_some() => {
                        (AlertKind::Killed, "failed (KILLED)")
                    }
                    JobStatus::Killed => (AlertKind::Killed, "was killed"),
                    _ => (AlertKind::Failed, "failed"),
                };
                let mut text = format!("Run {} of {} {verb}.", s.id, s.name);
                if let Some(node) = &s.last_error_node {
                    text.push_str(&format!(" At node '{node}'"));
                    match (&s.error_code, &s.error_message) {
                        (Some(code), Some(msg)) => text.push_str(&format!(": {code} {msg}")),
                        (Some(code), None) => text.push_str(&format!(": {code}")),
                        (None, Some(msg)) => text.push_str(&format!(": {msg}")),
                        (None, None) => {}
                    }
                    text.push('.');
                }
                if let Some(took) = s.started_at_ms.zip(s.ended_at_ms).map(|(a, b)| b - a) {
                    text.push_str(&format!(" It ran {}.", duration(took)));
                }
                out.push(about(
                    kind,
                    format!("{} {verb}", s.name),
                    text,
                    format!("end:{}:{}", s.id, s.run),
                ));
            }
            Some(JobStatus::Running) => {
                running.insert(s.id, (s, policy));
                if let (Some(limit), Some(started)) = (policy.instance_timeout_min, s.started_at_ms)
                {
                    let limit_ms = i64::from(limit) * 60_000;
                    if now - started > limit_ms {
                        out.push(about(
                            AlertKind::Timeout,
                            format!("{} is running over its time limit", s.name),
                            format!(
                                "Run {} of {} has been running {}, over its limit of {}.",
                                s.id,
                                s.name,
                                duration(now - started),
                                duration(limit_ms)
                            ),
                            format!("timeout:{}:{}", s.id, s.run),
                        ));
                    }
                }
            }
            _ => {}
        }
    }
    for t in tasks {
        let Some((s, policy)) = running.get(&t.instance_id) else {
            continue;
        };
        let (Some(limit), Some(group)) = (policy.task_timeout_min, policy.group) else {
            continue;
        };
        let limit_ms = i64::from(limit) * 60_000;
        if now - t.started_at_ms > limit_ms {
            out.push(Raised {
                key: format!("task-timeout:{}:{}:{}:{}", s.id, s.run, t.node, t.attempts),
                group,
                kind: AlertKind::Timeout,
                subject: s.id,
                title: format!(
                    "{}: task '{}' is running over its time limit",
                    s.name, t.node
                ),
                text: format!(
                    "Task '{}' of run {} of {} has been running {} (try {}), over its limit of {}.",
                    t.node,
                    s.id,
                    s.name,
                    duration(now - t.started_at_ms),
                    t.attempts,
                    duration(limit_ms)
                ),
            });
        }
    }
    out
}

/// "1 h 5 min", "42 s": how long, as people say it.
fn duration(ms: i64) -> String {
    let s = ms.max(0) / 1000;
    match s {
        0..60 => format!("{s} s"),
        60..3600 => format!("{} min {} s", s / 60, s % 60),
        _ => format!("{} h {} min", s / 3600, (s % 3600) / 60),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::store::RunningTask;
    use shared::alert::Notify;

    fn policy(notify: Notify) -> Policy {
        Policy {
            notify,
            group: Some(9),
            ..Policy::default()
        }
    }

    fn ended(id: i64, status: &str) -> AlertSubject {
        AlertSubject {
            id,
            workflow_id: Some(1),
            name: "nightly".into(),
            status: status.into(),
            started_at_ms: Some(0),
            ended_at_ms: Some(90_000),
            ..AlertSubject::default()
        }
    }

    #[test]
    fn ends_raise_what_the_policy_names_once_per_run() {
        let policies = HashMap::from([("workflow:1".to_owned(), policy(Notify::OnFailure))]);
        let mut failed = ended(7, "FAILED");
        failed.last_error_node = Some("load".into());
        let mut stopped = ended(10, "KILLED");
        stopped.last_error_node = Some("load".into());
        failed.error_code = Some("EXIT".into());
        failed.error_message = Some("exit 3".into());
        let subjects = [failed, ended(8, "SUCCEEDED"), ended(9, "KILLED"), stopped];
        let raised = raise(&policies, &subjects, &[], &HashMap::new(), 100_000);
        let keys: Vec<&str> = raised.iter().map(|r| r.key.as_str()).collect();
        assert_eq!(keys, ["end:7:0", "end:9:0", "end:10:0"]);
        assert_eq!(raised[1].title, "nightly was killed");
        assert_eq!(
            raised[2].title, "nightly failed (KILLED)",
            "a kill node after an error"
        );
        assert_eq!(raised[0].group, 9);
        assert_eq!(
            raised[0].text,
            "Run 7 of nightly failed. At node 'load': EXIT exit 3. It ran 1 min 30 s."
        );
        assert_eq!(raised[1].kind, AlertKind::Killed);
        let mut rerun = ended(7, "FAILED");
        rerun.run = 1;
        assert_eq!(
            raise(&policies, &[rerun], &[], &HashMap::new(), 0)[0].key,
            "end:7:1",
            "a rerun's end is a new alert"
        );
    }

    #[test]
    fn a_coordinator_policy_wins_over_its_workflow_and_a_lone_workflow_one_applies() {
        let policies = HashMap::from([
            ("workflow:1".to_owned(), policy(Notify::OnSuccess)),
            ("coordinator:4".to_owned(), policy(Notify::OnFailure)),
        ]);
        let mut by_coord = ended(7, "SUCCEEDED");
        by_coord.coordinator_id = Some(4);
        assert!(raise(&policies, &[by_coord.clone()], &[], &HashMap::new(), 0).is_empty());
        by_coord.coordinator_id = Some(5);
        assert_eq!(
            raise(&policies, &[by_coord], &[], &HashMap::new(), 0).len(),
            1,
            "no policy of its own"
        );
        let silent = HashMap::from([(
            "workflow:1".to_owned(),
            Policy {
                group: None,
                ..policy(Notify::Always)
            },
        )]);
        assert!(
            raise(&silent, &[ended(7, "FAILED")], &[], &HashMap::new(), 0).is_empty(),
            "no group, no alert"
        );
    }

    #[test]
    fn runs_and_tasks_over_their_limits_raise_timeouts_keyed_per_try() {
        let policies = HashMap::from([(
            "workflow:1".to_owned(),
            Policy {
                instance_timeout_min: Some(10),
                task_timeout_min: Some(2),
                ..policy(Notify::Never)
            },
        )]);
        let running = AlertSubject {
            id: 3,
            workflow_id: Some(1),
            name: "nightly".into(),
            status: "RUNNING".into(),
            started_at_ms: Some(0),
            ..AlertSubject::default()
        };
        let task = |attempts, started| RunningTask {
            instance_id: 3,
            node: "load".into(),
            attempts,
            started_at_ms: started,
        };
        let at = |now| {
            raise(
                &policies,
                std::slice::from_ref(&running),
                &[task(2, 60_000)],
                &HashMap::new(),
                now,
            )
            .into_iter()
            .map(|r| r.key)
            .collect::<Vec<_>>()
        };
        assert!(at(170_000).is_empty(), "the task ran 1 min 50 s");
        assert_eq!(at(190_000), ["task-timeout:3:0:load:2"]);
        assert_eq!(at(601_000), ["timeout:3:0", "task-timeout:3:0:load:2"]);
    }

    #[test]
    fn sla_misses_are_raised_once_per_deadline_and_source() {
        let policies = HashMap::from([(
            "workflow:1".to_owned(),
            Policy {
                sla_miss: true,
                ..policy(Notify::Never)
            },
        )]);
        let info = shared::sla::parse(
            r#"<sla:info xmlns:sla="uri:oozie:sla:0.2"><sla:nominal-time>2026-11-22T10:00Z</sla:nominal-time><sla:should-start>${5 * MINUTES}</sla:should-start><sla:should-end>${1 * HOURS}</sla:should-end></sla:info>"#,
        )
        .unwrap();
        let d = shared::sla::deadlines(&info, &Default::default(), None).unwrap();
        let nominal = d.nominal.timestamp_millis();
        let running = AlertSubject {
            id: 3,
            workflow_id: Some(1),
            name: "nightly".into(),
            status: "RUNNING".into(),
            started_at_ms: Some(nominal + 10 * 60_000),
            ..AlertSubject::default()
        };
        let slas = HashMap::from([((3, 0), vec![("wf", d)])]);
        let at = |now| {
            raise(&policies, std::slice::from_ref(&running), &[], &slas, now)
                .into_iter()
                .map(|r| (r.key, r.text))
                .collect::<Vec<_>>()
        };
        let late = at(nominal + 20 * 60_000);
        assert_eq!(late.len(), 1, "{late:?}");
        assert_eq!(late[0].0, "sla-start:3:0:wf");
        assert_eq!(
            late[0].1,
            "Run 3 of nightly (nominal time 2026-11-22T10:00Z) should have started by \
             2026-11-22T10:05Z; it is RUNNING."
        );
        let keys: Vec<String> = at(nominal + 61 * 60_000).into_iter().map(|r| r.0).collect();
        assert_eq!(keys, ["sla-start:3:0:wf", "sla-end:3:0:wf"]);
        let off = HashMap::from([("workflow:1".to_owned(), policy(Notify::Never))]);
        assert!(
            raise(
                &off,
                std::slice::from_ref(&running),
                &[],
                &slas,
                nominal * 2
            )
            .is_empty(),
            "only when the policy asks"
        );
    }

    #[test]
    fn durations_read_as_people_say_them() {
        assert_eq!(duration(42_000), "42 s");
        assert_eq!(duration(90_000), "1 min 30 s");
        assert_eq!(duration(3_900_000), "1 h 5 min");
    }
}
