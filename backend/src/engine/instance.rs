//! One workflow instance as the engine holds it: the graph it runs, its settings, and the
//! state of every node reached. Pure data; [`super::planner`] moves it.

use std::collections::{BTreeMap, HashSet};
use std::sync::Arc;

use shared::api::{ActionStatus, InstanceState, JobStatus, StatusChange, Waiting};
use shared::el::wf::Runtime;

use super::graph::{Graph, Kind, NodeId};

/// Time inside the engine: microseconds since the Unix epoch (the store keeps milliseconds).
pub type Micros = i64;

pub const MICROS_PER_MINUTE: Micros = 60_000_000;

/// Oozie's hard cap on an action's retries (`user.retry.max`): a larger retry-max is
/// clamped to it.
pub const MAX_USER_RETRIES: u32 = 3;

/// Oozie's default `retry-interval`, in minutes.
const DEFAULT_RETRY_MINUTES: i64 = 10;

/// What happens to the other branches when one reaches a kill node.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Strategy {
    /// As Oozie: the instance ends at once and running actions are killed.
    #[default]
    End,
    /// As DolphinScheduler's "continue": running and ready branches finish first, then
    /// the instance ends as KILLED.
    Continue,
}

/// How an action is retried after an error.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Retry {
    /// Tries after the first.
    pub max: u32,
    pub interval: Micros,
    /// Each wait doubles the previous one (Oozie's `retry-policy="exponential"`).
    pub exponential: bool,
}

impl Retry {
    /// The wait before try `attempt + 1`, after try `attempt` (1-based) failed.
    pub fn delay(&self, attempt: u32) -> Micros {
        if self.exponential {
            let doublings = attempt.saturating_sub(1).min(20);
            self.interval.saturating_mul(1 << doublings)
        } else {
            self.interval
        }
    }
}

/// The run settings of an instance, read from its properties once when it is created:
/// bad values are refused up front rather than found halfway through a run.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Settings {
    pub strategy: Strategy,
    /// Higher runs first when slots are short.
    pub priority: i32,
    /// Per action node: how long one try may run.
    pub timeouts: BTreeMap<NodeId, Micros>,
    pub retries: BTreeMap<NodeId, Retry>,
    /// `oozie.suspend.on.nodes`: the instance suspends before starting these.
    pub breakpoints: HashSet<NodeId>,
}

/// The properties that set how an instance runs (beside Oozie's own).
pub const STRATEGY_PROPERTY: &str = "sluice.failure.strategy";
pub const PRIORITY_PROPERTY: &str = "sluice.priority";
/// `sluice.timeout` for every action, `sluice.timeout.NODE` for one.
pub const TIMEOUT_PROPERTY: &str = "sluice.timeout";
pub const BREAKPOINTS_PROPERTY: &str = "oozie.suspend.on.nodes";

impl Settings {
    /// Reads the settings from the instance's properties; the message says which value is
    /// wrong and what would be right.
    pub fn read(graph: &Graph, conf: &BTreeMap<String, String>) -> Result<Settings, String> {
        let mut settings = Settings::default();
        if let Some(s) = conf.get(STRATEGY_PROPERTY) {
            settings.strategy = match s.trim() {
                "end" => Strategy::End,
                "continue" => Strategy::Continue,
                other => {
                    return Err(format!(
                        "{STRATEGY_PROPERTY} is '{other}'; use 'end' (stop everything at the first kill node, as Oozie) or 'continue' (let the other branches finish)"
                    ));
                }
            };
        }
        if let Some(p) = conf.get(PRIORITY_PROPERTY) {
            settings.priority = p
                .trim()
                .parse()
                .map_err(|_| format!("{PRIORITY_PROPERTY} is '{p}'; use a whole number"))?;
        }
        let default_timeout = conf
            .get(TIMEOUT_PROPERTY)
            .map(|t| duration(TIMEOUT_PROPERTY, t))
            .transpose()?;
        for (key, value) in conf.range(format!("{TIMEOUT_PROPERTY}.")..) {
            let Some(node) = key.strip_prefix(&format!("{TIMEOUT_PROPERTY}.")) else {
                break;
            };
            match graph.id(node) {
                Some(id) if graph.action(id).is_some() => {
                    settings.timeouts.insert(id, duration(key, value)?);
                }
                _ => return Err(format!("{key}: the workflow has no action named '{node}'")),
            }
        }
        if let Some(nodes) = conf.get(BREAKPOINTS_PROPERTY) {
            for name in nodes.split(',').map(str::trim).filter(|n| !n.is_empty()) {
                if name == "*" {
                    settings
                        .breakpoints
                        .extend((0..graph.nodes.len()).filter(|&id| graph.action(id).is_some()));
                } else if let Some(id) = graph.id(name) {
                    settings.breakpoints.insert(id);
                } else {
                    return Err(format!(
                        "{BREAKPOINTS_PROPERTY}: the workflow has no node named '{name}'"
                    ));
                }
            }
        }
        for id in 0..graph.nodes.len() {
            let Some(action) = graph.action(id) else {
                continue;
            };
            if let Some(t) = default_timeout {
                settings.timeouts.entry(id).or_insert(t);
            }
            let name = graph.name(id);
            let number = |what: &str, text: &Option<String>| -> Result<Option<i64>, String> {
                let Some(text) = text else { return Ok(None) };
                let value = shared::el::eval_text(text, conf)
                    .map_err(|e| format!("{what} of '{name}': {e}"))?;
                value
                    .trim()
                    .parse::<i64>()
                    .map(Some)
                    .map_err(|_| format!("{what} of '{name}' is '{value}'; use a whole number"))
            };
            let max = number("retry-max", &action.retry_max)?.unwrap_or(0);
            let minutes =
                number("retry-interval", &action.retry_interval)?.unwrap_or(DEFAULT_RETRY_MINUTES);
            let exponential = match action.retry_policy.as_deref().map(str::trim) {
                None | Some("") | Some("periodic") => false,
                Some("exponential") => true,
                Some(other) => {
                    return Err(format!(
                        "retry-policy of '{name}' is '{other}'; use periodic or exponential"
                    ));
                }
            };
            if max > 0 {
                settings.retries.insert(
                    id,
                    Retry {
                        max: (max as u64).min(u64::from(MAX_USER_RETRIES)) as u32,
                        interval: minutes.max(0).saturating_mul(MICROS_PER_MINUTE),
                        exponential,
                    },
                );
            }
        }
        Ok(settings)
    }

    pub fn retry(&self, node: NodeId) -> Retry {
        self.retries.get(&node).copied().unwrap_or_default()
    }
}

/// A duration: whole minutes, or a number with `s`, `m` or `h`.
fn duration(key: &str, text: &str) -> Result<Micros, String> {
    let t = text.trim();
    let (digits, unit) = match t.char_indices().find(|(_, c)| !c.is_ascii_digit()) {
        Some((i, _)) => t.split_at(i),
        None => (t, "m"),
    };
    let per = match unit {
        "s" => 1_000_000,
        "m" => MICROS_PER_MINUTE,
        "h" => 60 * MICROS_PER_MINUTE,
        _ => 0,
    };
    match digits.parse::<i64>() {
        Ok(n) if n > 0 && per > 0 => Ok(n.saturating_mul(per)),
        _ => Err(format!(
            "{key} is '{text}'; use minutes (30), or seconds, minutes or hours (90s, 5m, 2h)"
        )),
    }
}

/// Why a running action was asked to stop: what its end then means.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Stopping {
    /// It ran past its timeout: an error, which may be retried.
    Timeout,
    /// The instance ended or was killed: KILLED.
    Ended,
}

/// How a node got its status without running.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Mark {
    /// A rerun kept its result from the run before: when reached, it takes the transition
    /// it took then (Oozie's `oozie.wf.rerun.skip.nodes`).
    Replay,
    /// A user said it succeeded: it takes its ok transition.
    Succeeded,
    /// A user said not to run it: it takes its ok transition without running.
    Skipped,
}

impl Mark {
    pub fn id(self) -> &'static str {
        match self {
            Mark::Replay => "replay",
            Mark::Succeeded => "succeeded",
            Mark::Skipped => "skipped",
        }
    }

    pub fn parse(text: &str) -> Option<Mark> {
        [Mark::Replay, Mark::Succeeded, Mark::Skipped]
            .into_iter()
            .find(|m| m.id() == text)
    }
}

/// What the engine knows of one node of an instance.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct NodeRun {
    /// `None` until the node is reached.
    pub status: Option<ActionStatus>,
    /// Tries started (1 for the first).
    pub attempts: u32,
    /// Paths arrived, for a join.
    pub arrivals: u32,
    pub transition: Option<NodeId>,
    pub exit_code: Option<i32>,
    pub error_code: Option<String>,
    pub error_message: Option<String>,
    /// capture-output, for `wf:actionData`.
    pub data: BTreeMap<String, String>,
    /// The process group of a running shell task.
    pub external_id: Option<String>,
    /// When it was reached (its dependencies met).
    pub ready_at: Option<Micros>,
    pub started_at: Option<Micros>,
    pub ended_at: Option<Micros>,
    pub retry_at: Option<Micros>,
    pub deadline: Option<Micros>,
    /// Its place among the nodes finished, 1 for the first.
    pub seq: Option<u32>,
    pub mark: Option<Mark>,
    /// Not persisted: what the running try's end will mean.
    pub stopping: Option<Stopping>,
    /// Not persisted: whether the running try holds one of the server's slots.
    pub slot: bool,
    /// Not persisted: the breakpoint before it was passed once.
    pub released: bool,
}

/// What an operation changed in an instance: its status, and each node whose status or
/// mark moved. `after` is `None` if the instance left memory.
pub fn changes(before: &Instance, after: Option<&Instance>, dry_run: bool) -> InstanceState {
    let after = after.unwrap_or(before);
    let id = |s: Option<ActionStatus>| s.map(|s| s.id().to_owned());
    let nodes = before
        .nodes
        .iter()
        .zip(&after.nodes)
        .enumerate()
        .filter_map(|(i, (b, a))| {
            let to = if a.status != b.status {
                id(a.status).unwrap_or_else(|| "not reached".to_owned())
            } else if a.stopping == Some(Stopping::Ended) && b.stopping != a.stopping {
                // Its process is being stopped; it ends KILLED.
                ActionStatus::Killed.id().to_owned()
            } else if a.mark != b.mark {
                match (a.mark, a.status) {
                    (Some(m), None) => format!("{} when reached", m.id()),
                    (Some(m), Some(_)) => m.id().to_owned(),
                    (None, _) => "unmarked".to_owned(),
                }
            } else {
                return None;
            };
            Some(StatusChange {
                item: before.node_name(i).to_owned(),
                from: id(b.status),
                to,
            })
        })
        .collect();
    InstanceState {
        id: before.id,
        status: after.status,
        run: after.run,
        dry_run,
        was: Some(before.status),
        nodes,
    }
}

/// Oozie's form of a workflow job id (`0000042-sluice-W`).
pub fn job_id(id: i64) -> String {
    format!("{id:07}-sluice-W")
}

/// One workflow instance.
#[derive(Debug, Clone)]
pub struct Instance {
    pub id: i64,
    pub graph: Arc<Graph>,
    pub conf: BTreeMap<String, String>,
    pub user: String,
    pub status: JobStatus,
    /// 0 for the first run, then one more for each rerun (`wf:run()`).
    pub run: i64,
    pub settings: Settings,
    pub nodes: Vec<NodeRun>,
    /// How many nodes have finished.
    pub finished: u32,
    pub error_code: Option<String>,
    pub error_message: Option<String>,
    pub last_error_node: Option<NodeId>,
    /// With [`Strategy::Continue`]: the kill node reached; the instance ends once the
    /// other branches have.
    pub kill_pending: Option<NodeId>,
    /// The sub-workflow action this instance runs for: its instance and node name.
    pub parent: Option<(i64, String)>,
    pub created_at: Micros,
    pub started_at: Option<Micros>,
    pub ended_at: Option<Micros>,
}

impl Instance {
    /// A new instance, in PREP, of a graph whose settings were already read.
    pub fn new(
        id: i64,
        graph: Arc<Graph>,
        conf: BTreeMap<String, String>,
        settings: Settings,
        user: &str,
        now: Micros,
    ) -> Instance {
        let nodes = vec![NodeRun::default(); graph.nodes.len()];
        Instance {
            id,
            graph,
            conf,
            user: user.to_owned(),
            status: JobStatus::Prep,
            run: 0,
            settings,
            nodes,
            finished: 0,
            error_code: None,
            error_message: None,
            last_error_node: None,
            kill_pending: None,
            parent: None,
            created_at: now,
            started_at: None,
            ended_at: None,
        }
    }

    /// Oozie's form of a workflow job id, for `wf:id()`.
    pub fn job_id(&self) -> String {
        job_id(self.id)
    }

    pub fn node_name(&self, id: NodeId) -> &str {
        self.graph.name(id)
    }

    /// Why a node that has not started waits, if it waits.
    pub fn waiting(&self, id: NodeId, slots_free: bool) -> Option<Waiting> {
        let node = &self.nodes[id];
        match node.status {
            None if !self.status.is_terminal() => Some(Waiting::Upstream),
            Some(ActionStatus::UserRetry) => Some(Waiting::Retry),
            Some(ActionStatus::Prep) => Some(match self.graph.nodes[id].kind {
                Kind::Join { .. } => Waiting::Upstream,
                _ if self.status == JobStatus::Suspended || self.status == JobStatus::Prep => {
                    Waiting::Suspended
                }
                _ if slots_free => Waiting::Upstream,
                _ => Waiting::Slot,
            }),
            _ => None,
        }
    }

    /// Nodes that still have work ahead of them: waiting to start, running, or waiting to
    /// be retried. A join waiting for paths does not count: if nothing else is active, its
    /// missing paths will never come.
    pub fn active(&self) -> bool {
        self.nodes.iter().enumerate().any(|(id, n)| match n.status {
            Some(ActionStatus::Running | ActionStatus::UserRetry) => true,
            Some(ActionStatus::Prep) => !matches!(self.graph.nodes[id].kind, Kind::Join { .. }),
            _ => false,
        })
    }
}

/// An instance as `wf:` functions see it.
pub struct View<'a>(pub &'a Instance);

impl View<'_> {
    fn node(&self, name: &str) -> Option<&NodeRun> {
        self.0.graph.id(name).map(|id| &self.0.nodes[id])
    }
}

impl Runtime for View<'_> {
    fn id(&self) -> String {
        self.0.job_id()
    }
    fn name(&self) -> String {
        self.0.graph.workflow.name.clone()
    }
    fn app_path(&self) -> String {
        self.0
            .conf
            .get("oozie.wf.application.path")
            .cloned()
            .unwrap_or_default()
    }
    fn conf(&self, name: &str) -> Option<String> {
        self.0.conf.get(name).cloned()
    }
    fn user(&self) -> String {
        self.0.user.clone()
    }
    fn group(&self) -> String {
        self.0.conf.get("group.name").cloned().unwrap_or_default()
    }
    fn run(&self) -> i64 {
        self.0.run
    }
    fn callback(&self, _state_var: &str) -> String {
        // Oozie's callback URL serves Hadoop launchers; Sluice's executors report in-process.
        String::new()
    }
    fn transition(&self, node: &str) -> Option<String> {
        let to = self.node(node)?.transition?;
        Some(self.0.node_name(to).to_owned())
    }
    fn last_error_node(&self) -> Option<String> {
        self.0
            .last_error_node
            .map(|id| self.0.node_name(id).to_owned())
    }
    fn error_code(&self, node: &str) -> Option<String> {
        self.node(node)?.error_code.clone()
    }
    fn error_message(&self, node: &str) -> Option<String> {
        self.node(node)?.error_message.clone()
    }
    fn action_data(&self, node: &str) -> BTreeMap<String, String> {
        self.node(node).map(|n| n.data.clone()).unwrap_or_default()
    }
    fn action_external_id(&self, node: &str) -> Option<String> {
        self.node(node)?.external_id.clone()
    }
    fn action_tracker_uri(&self, _node: &str) -> Option<String> {
        None
    }
    fn action_external_status(&self, node: &str) -> Option<String> {
        let status = self.node(node)?.status?;
        Some(
            match status {
                ActionStatus::Ok => "SUCCEEDED",
                ActionStatus::Error | ActionStatus::Failed => "FAILED",
                ActionStatus::Killed => "KILLED",
                ActionStatus::Running => "RUNNING",
                ActionStatus::Prep | ActionStatus::UserRetry => return None,
            }
            .to_owned(),
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn durations_take_minutes_or_a_unit() {
        assert_eq!(duration("t", "30"), Ok(30 * MICROS_PER_MINUTE));
        assert_eq!(duration("t", "90s"), Ok(90_000_000));
        assert_eq!(duration("t", "2h"), Ok(120 * MICROS_PER_MINUTE));
        for bad in ["", "0", "-5", "5d", "m", "1.5"] {
            let e = duration("sluice.timeout", bad).unwrap_err();
            assert!(e.contains("sluice.timeout is"), "{bad}: {e}");
        }
    }

    #[test]
    fn exponential_retries_double_each_wait() {
        let r = Retry {
            max: 3,
            interval: 10,
            exponential: true,
        };
        assert_eq!([r.delay(1), r.delay(2), r.delay(3)], [10, 20, 40]);
        let p = Retry {
            exponential: false,
            ..r
        };
        assert_eq!([p.delay(1), p.delay(3)], [10, 10]);
    }
}
