//! The planner with a fake clock: each control, each transition, each precondition.

use std::collections::BTreeMap;
use std::sync::Arc;

use shared::api::{ActionStatus, JobStatus, RerunScope, Waiting};
use shared::oozie::from_workflow_xml;

use super::graph::{Graph, NodeId};
use super::instance::{Instance, MICROS_PER_MINUTE, Mark, Micros, Settings};
use super::planner::{Command, Engine};
use super::rerun;
use super::task::{Outcome, Task};

const MIN: Micros = MICROS_PER_MINUTE;

/// A workflow of shell actions (`<sh name="a" ok="b" error="k"/>` shorthand is not XML, so
/// each test writes its nodes; this wraps them with the parts every workflow needs).
fn workflow(nodes: &str) -> String {
    format!(
        r#"<workflow-app name="w" xmlns="uri:oozie:workflow:1.0">
  <global><resource-manager>rm</resource-manager><name-node>nn</name-node></global>
  {nodes}
  <kill name="k"><message>failed at ${{wf:lastErrorNode()}}: ${{wf:errorMessage(wf:lastErrorNode())}}</message></kill>
  <end name="end"/>
</workflow-app>"#
    )
}

fn sh(name: &str, ok: &str, error: &str) -> String {
    format!(
        r#"<action name="{name}"><shell xmlns="uri:oozie:shell-action:1.0"><exec>echo</exec><argument>{name}</argument></shell><ok to="{ok}"/><error to="{error}"/></action>"#
    )
}

fn sh_retry(name: &str, ok: &str, error: &str, max: u32, minutes: u32) -> String {
    sh(name, ok, error).replacen(
        &format!(r#"<action name="{name}">"#),
        &format!(r#"<action name="{name}" retry-max="{max}" retry-interval="{minutes}">"#),
        1,
    )
}

struct Run {
    engine: Engine,
    id: i64,
    now: Micros,
    /// Every try started: (node name, attempt).
    started: Vec<(String, u32)>,
    stopped: Vec<(String, u32)>,
    ended: bool,
}

impl Run {
    fn new(xml: &str, conf: &[(&str, &str)]) -> Run {
        Run::with_limit(xml, conf, 16)
    }

    fn with_limit(xml: &str, conf: &[(&str, &str)], limit: usize) -> Run {
        let mut engine = Engine::new(limit);
        let id = 1;
        let now = 1_000 * MIN;
        engine.add(instance(id, xml, conf, now), now);
        let mut run = Run {
            engine,
            id,
            now,
            started: Vec::new(),
            stopped: Vec::new(),
            ended: false,
        };
        run.engine.start(id, now).expect("starts");
        run.step();
        run
    }

    fn inst(&self) -> &Instance {
        self.engine.instance(self.id).expect("in memory")
    }

    fn node(&self, name: &str) -> NodeId {
        self.inst().graph.id(name).expect("node exists")
    }

    fn status(&self) -> JobStatus {
        self.inst().status
    }

    fn of(&self, name: &str) -> Option<ActionStatus> {
        self.inst().nodes[self.node(name)].status
    }

    fn attempts(&self, name: &str) -> u32 {
        self.inst().nodes[self.node(name)].attempts
    }

    /// Lets the engine start what it can, and records the commands.
    fn step(&mut self) {
        self.engine.tick(self.now);
        self.engine.dispatch(self.now);
        for c in self.engine.take().commands {
            match c {
                Command::Start {
                    instance,
                    node,
                    attempt,
                    ..
                } => {
                    let name = self.engine.instance(instance).unwrap().node_name(node);
                    self.started.push((name.to_owned(), attempt));
                }
                Command::Stop {
                    instance,
                    node,
                    attempt,
                } => {
                    let name = self.engine.instance(instance).unwrap().node_name(node);
                    self.stopped.push((name.to_owned(), attempt));
                }
                Command::Ended { .. } => self.ended = true,
            }
        }
    }

    fn report(&mut self, name: &str, outcome: Outcome) {
        let node = self.node(name);
        let attempt = self.attempts(name);
        self.engine
            .finished(self.id, node, attempt, outcome, self.now);
        self.step();
    }

    fn ok(&mut self, name: &str) {
        self.report(name, Outcome::ok());
    }

    fn fail(&mut self, name: &str) {
        self.report(
            name,
            Outcome {
                exit_code: Some(1),
                ..Outcome::failed("EXIT_CODE", "exit status 1")
            },
        );
    }

    fn advance(&mut self, by: Micros) {
        self.now += by;
        self.step();
    }

    fn started_names(&self) -> Vec<&str> {
        self.started.iter().map(|(n, _)| n.as_str()).collect()
    }

    /// Drawn nodes in the order they finished.
    fn path(&self) -> Vec<&str> {
        let inst = self.inst();
        let mut done: Vec<(u32, &str)> = inst
            .nodes
            .iter()
            .enumerate()
            .filter(|(i, _)| inst.graph.nodes[*i].drawn)
            .filter_map(|(i, n)| n.seq.map(|s| (s, inst.node_name(i))))
            .collect();
        done.sort_unstable();
        done.into_iter().map(|(_, n)| n).collect()
    }
}

fn instance(id: i64, xml: &str, conf: &[(&str, &str)], now: Micros) -> Instance {
    let wf = from_workflow_xml(xml).expect("valid workflow").workflow;
    let graph = Arc::new(Graph::compile(wf).expect("compiles"));
    let conf: BTreeMap<String, String> = conf
        .iter()
        .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
        .collect();
    let settings = Settings::read(&graph, &conf).expect("settings");
    Instance::new(id, graph, conf, settings, "alice", now)
}

#[test]
fn a_chain_runs_in_order_and_succeeds() {
    let mut r = Run::new(
        &workflow(&format!(
            r#"<start to="a"/>{}{}"#,
            sh("a", "b", "k"),
            sh("b", "end", "k")
        )),
        &[],
    );
    assert_eq!(r.started_names(), ["a"]);
    assert_eq!(r.of("b"), None, "b waits for a");
    assert_eq!(r.inst().waiting(r.node("b"), true), Some(Waiting::Upstream));
    r.ok("a");
    assert_eq!(r.started_names(), ["a", "b"]);
    r.ok("b");
    assert_eq!(r.status(), JobStatus::Succeeded);
    assert!(r.ended);
    assert_eq!(r.path(), ["a", "b", "end"]);
}

#[test]
fn fork_paths_start_together_and_the_join_waits_for_all() {
    let mut r = Run::new(
        &workflow(&format!(
            r#"<start to="f"/><fork name="f"><path start="a"/><path start="b"/><path start="c"/></fork>
            {}{}{}<join name="j" to="d"/>{}"#,
            sh("a", "j", "k"),
            sh("b", "j", "k"),
            sh("c", "j", "k"),
            sh("d", "end", "k"),
        )),
        &[],
    );
    assert_eq!(r.started_names(), ["a", "b", "c"]);
    r.ok("b");
    r.ok("a");
    assert!(!r.started_names().contains(&"d"), "the join waits for c");
    r.ok("c");
    assert_eq!(r.started_names(), ["a", "b", "c", "d"]);
    r.ok("d");
    assert_eq!(r.status(), JobStatus::Succeeded);
    assert_eq!(r.path(), ["b", "a", "c", "d", "end"]);
}

#[test]
fn a_decision_takes_the_first_true_case_else_the_default() {
    let xml = |size: &str| {
        workflow(&format!(
            r#"<start to="d"/>
            <decision name="d"><switch>
              <case to="big">${{size gt 10}}</case>
              <case to="mid">${{size gt 5}}</case>
              <default to="small"/>
            </switch></decision>{}{}{}"#,
            sh("big", "end", "k"),
            sh("mid", "end", "k"),
            sh("small", "end", "k"),
        ))
        .replace("{size}", size)
    };
    for (size, taken) in [("20", "big"), ("7", "mid"), ("1", "small")] {
        let r = Run::new(&xml(size), &[("size", size)]);
        assert_eq!(r.started_names(), [taken], "size {size}");
        assert_eq!(r.inst().nodes[r.node("d")].transition, Some(r.node(taken)));
    }
}

#[test]
fn a_decision_reads_what_earlier_actions_captured() {
    let mut r = Run::new(
        &workflow(&format!(
            r#"<start to="count"/>{}
            <decision name="d"><switch>
              <case to="load">${{wf:actionData('count')['rows'] gt 0}}</case>
              <default to="end"/>
            </switch></decision>{}"#,
            sh("count", "d", "k"),
            sh("load", "end", "k"),
        )),
        &[],
    );
    r.report(
        "count",
        Outcome {
            data: [("rows".to_owned(), "42".to_owned())].into(),
            ..Outcome::ok()
        },
    );
    assert_eq!(r.started_names(), ["count", "load"]);
}

#[test]
fn an_error_takes_the_error_transition_and_the_kill_message_is_resolved() {
    let mut r = Run::new(
        &workflow(&format!(r#"<start to="a"/>{}"#, sh("a", "end", "k"))),
        &[],
    );
    r.fail("a");
    assert_eq!(r.of("a"), Some(ActionStatus::Error));
    assert_eq!(r.status(), JobStatus::Killed);
    let inst = r.inst();
    assert_eq!(inst.error_code.as_deref(), Some("E0729"));
    assert_eq!(
        inst.error_message.as_deref(),
        Some("failed at a: exit status 1")
    );
    assert_eq!(r.path(), ["a", "k"]);
}

#[test]
fn a_failed_try_is_retried_after_the_interval_then_errors() {
    let mut r = Run::new(
        &workflow(&format!(
            r#"<start to="a"/>{}"#,
            sh_retry("a", "end", "k", 2, 5)
        )),
        &[],
    );
    r.fail("a");
    assert_eq!(r.of("a"), Some(ActionStatus::UserRetry));
    assert_eq!(r.inst().waiting(r.node("a"), true), Some(Waiting::Retry));
    r.advance(5 * MIN - 1);
    assert_eq!(r.started, [("a".to_owned(), 1)], "not before 5 minutes");
    r.advance(1);
    assert_eq!(r.started.last(), Some(&("a".to_owned(), 2)));
    r.fail("a");
    r.advance(5 * MIN);
    assert_eq!(r.started.last(), Some(&("a".to_owned(), 3)));
    r.fail("a");
    assert_eq!(
        r.of("a"),
        Some(ActionStatus::Error),
        "two retries, then done"
    );
    assert_eq!(r.status(), JobStatus::Killed);
}

#[test]
fn a_retry_that_succeeds_takes_the_ok_transition() {
    let mut r = Run::new(
        &workflow(&format!(
            r#"<start to="a"/>{}"#,
            sh_retry("a", "end", "k", 3, 0)
        )),
        &[],
    );
    r.fail("a");
    r.step();
    r.ok("a");
    assert_eq!(r.attempts("a"), 2);
    assert_eq!(r.status(), JobStatus::Succeeded);
}

#[test]
fn retry_max_is_capped_at_oozies_three() {
    let r = Run::new(
        &workflow(&format!(
            r#"<start to="a"/>{}"#,
            sh_retry("a", "end", "k", 10, 1)
        )),
        &[],
    );
    assert_eq!(r.inst().settings.retry(r.node("a")).max, 3);
}

#[test]
fn a_try_past_its_timeout_is_stopped_and_fails_as_timeout() {
    let mut r = Run::new(
        &workflow(&format!(r#"<start to="a"/>{}"#, sh("a", "end", "k"))),
        &[("sluice.timeout.a", "90s")],
    );
    r.advance(89_000_000);
    assert!(r.stopped.is_empty());
    r.advance(1_000_000);
    assert_eq!(r.stopped, [("a".to_owned(), 1)]);
    // The process dies of the signal; the engine knows why it was sent.
    r.report("a", Outcome::failed("SIGNAL", "killed by signal 15"));
    let inst = r.inst();
    let a = &inst.nodes[r.node("a")];
    assert_eq!(a.error_code.as_deref(), Some("TIMEOUT"));
    assert!(
        a.error_message.as_deref().unwrap().contains("90 s"),
        "{a:?}"
    );
    assert_eq!(r.status(), JobStatus::Killed);
}

fn two_branches() -> String {
    workflow(&format!(
        r#"<start to="f"/><fork name="f"><path start="a"/><path start="b"/></fork>
        {}{}<join name="j" to="c"/>{}"#,
        sh("a", "j", "k"),
        sh("b", "j", "k"),
        sh("c", "end", "k"),
    ))
}

#[test]
fn by_default_a_kill_node_ends_the_instance_at_once() {
    let mut r = Run::new(&two_branches(), &[]);
    r.fail("a");
    assert_eq!(r.status(), JobStatus::Killed);
    assert_eq!(r.stopped, [("b".to_owned(), 1)], "b is stopped");
    assert!(!r.ended, "not over until b's process is gone");
    r.report("b", Outcome::failed("SIGNAL", "killed by signal 15"));
    assert_eq!(r.of("b"), Some(ActionStatus::Killed));
    assert!(r.ended);
}

#[test]
fn with_the_continue_strategy_other_branches_finish_first() {
    let mut r = Run::new(&two_branches(), &[("sluice.failure.strategy", "continue")]);
    r.fail("a");
    assert_eq!(r.status(), JobStatus::Running, "b still runs");
    assert!(r.stopped.is_empty());
    r.ok("b");
    assert_eq!(
        r.status(),
        JobStatus::Killed,
        "c never starts: the join lacks a"
    );
    assert_eq!(r.started_names(), ["a", "b"]);
    assert!(r.ended);
}

#[test]
fn suspend_holds_new_actions_and_resume_releases_them() {
    let mut r = Run::new(
        &workflow(&format!(
            r#"<start to="a"/>{}{}"#,
            sh("a", "b", "k"),
            sh("b", "end", "k")
        )),
        &[],
    );
    r.engine.suspend(r.id).unwrap();
    r.ok("a");
    assert_eq!(
        r.of("a"),
        Some(ActionStatus::Ok),
        "a running try still finishes"
    );
    assert_eq!(r.of("b"), Some(ActionStatus::Prep));
    assert_eq!(
        r.inst().waiting(r.node("b"), true),
        Some(Waiting::Suspended)
    );
    assert_eq!(r.started_names(), ["a"]);
    r.engine.resume(r.id, r.now).unwrap();
    r.step();
    assert_eq!(r.started_names(), ["a", "b"]);
}

#[test]
fn the_end_reached_while_suspended_waits_for_resume() {
    let mut r = Run::new(
        &workflow(&format!(r#"<start to="a"/>{}"#, sh("a", "end", "k"))),
        &[],
    );
    r.engine.suspend(r.id).unwrap();
    r.ok("a");
    assert_eq!(r.status(), JobStatus::Suspended);
    r.engine.resume(r.id, r.now).unwrap();
    assert_eq!(r.status(), JobStatus::Succeeded);
}

#[test]
fn operations_check_oozies_preconditions() {
    let mut r = Run::new(
        &workflow(&format!(r#"<start to="a"/>{}"#, sh("a", "end", "k"))),
        &[],
    );
    let id = r.id;
    assert_eq!(r.engine.start(id, r.now).unwrap_err().code, "E0801");
    assert_eq!(r.engine.resume(id, r.now).unwrap_err().code, "E1100");
    r.engine.suspend(id).unwrap();
    assert_eq!(r.engine.suspend(id).unwrap_err().code, "E0727");
    r.engine.kill(id, "killed by alice", r.now).unwrap();
    assert_eq!(r.status(), JobStatus::Killed);
    assert_eq!(r.engine.kill(id, "again", r.now).unwrap_err().code, "E0725");
    assert_eq!(r.engine.start(id, r.now).unwrap_err().code, "E0813");
    assert_eq!(r.engine.suspend(99).unwrap_err().code, "E0604");
}

#[test]
fn kill_stops_running_tries_and_drops_waiting_ones() {
    let mut r = Run::with_limit(&two_branches(), &[], 1);
    assert_eq!(r.started_names(), ["a"]);
    assert_eq!(
        r.inst().waiting(r.node("b"), r.engine.slots_free()),
        Some(Waiting::Slot)
    );
    r.engine.kill(r.id, "killed by alice", r.now).unwrap();
    r.step();
    assert_eq!(r.stopped, [("a".to_owned(), 1)]);
    assert_eq!(r.of("b"), Some(ActionStatus::Killed));
    r.report("a", Outcome::failed("SIGNAL", "killed by signal 15"));
    assert_eq!(r.of("a"), Some(ActionStatus::Killed));
    assert_eq!(r.engine.running(), 0, "its slot is free again");
}

#[test]
fn the_slot_limit_holds_back_and_priority_goes_first() {
    let mut engine = Engine::new(1);
    let now = 0;
    let one = |id, priority: &str| {
        instance(
            id,
            &workflow(&format!(r#"<start to="a"/>{}"#, sh("a", "end", "k"))),
            &[("sluice.priority", priority)],
            now,
        )
    };
    engine.add(one(1, "0"), now);
    engine.add(one(2, "0"), now);
    engine.add(one(3, "5"), now);
    for id in [1, 2, 3] {
        engine.start(id, now).unwrap();
    }
    let started = |engine: &mut Engine| -> Vec<i64> {
        engine.dispatch(now);
        engine
            .take()
            .commands
            .into_iter()
            .filter_map(|c| match c {
                Command::Start { instance, .. } => Some(instance),
                _ => None,
            })
            .collect()
    };
    assert_eq!(started(&mut engine), [3], "the higher priority first");
    engine.finished(
        3,
        engine.instance(3).unwrap().graph.id("a").unwrap(),
        1,
        Outcome::ok(),
        now,
    );
    assert_eq!(started(&mut engine), [1], "then first come, first served");
}

#[test]
fn an_action_whose_el_fails_fails_the_instance() {
    let r = Run::new(
        &workflow(&format!(r#"<start to="a"/>{}"#, sh("a", "end", "k"))).replace(
            "<argument>a</argument>",
            "<argument>${wf:conf()}</argument>",
        ),
        &[],
    );
    assert_eq!(r.status(), JobStatus::Failed);
    assert_eq!(r.of("a"), Some(ActionStatus::Failed));
    assert_eq!(r.inst().error_code.as_deref(), Some("EL_ERROR"));
    assert!(r.started.is_empty());
}

#[test]
fn actions_resolve_el_with_the_instance() {
    let mut engine = Engine::new(4);
    let xml = workflow(&format!(r#"<start to="a"/>{}"#, sh("a", "end", "k"))).replace(
        "<argument>a</argument>",
        "<argument>${wf:id()} ${wf:user()} ${day}</argument>",
    );
    engine.add(instance(7, &xml, &[("day", "2026-11-21")], 0), 0);
    engine.start(7, 0).unwrap();
    engine.dispatch(0);
    let task = engine.take().commands.into_iter().find_map(|c| match c {
        Command::Start { task, .. } => Some(task),
        _ => None,
    });
    let Some(Task::Shell { exec, args, .. }) = task else {
        panic!("a shell task: {task:?}");
    };
    assert_eq!(exec, "echo");
    assert_eq!(args, ["0000007-sluice-W alice 2026-11-21"]);
}

/// The first task the engine starts for a one-action workflow.
fn first_task(xml: &str, conf: &[(&str, &str)]) -> Task {
    let mut engine = Engine::new(4);
    engine.add(instance(7, xml, conf, 0), 0);
    engine.start(7, 0).unwrap();
    engine.dispatch(0);
    engine
        .take()
        .commands
        .into_iter()
        .find_map(|c| match c {
            Command::Start { task, .. } => Some(task),
            _ => None,
        })
        .expect("a task started")
}

#[test]
fn a_cluster_action_resolves_to_its_template_inputs_over_the_global_section() {
    let xml = workflow(
        r#"<start to="h"/><action name="h"><hive xmlns="uri:oozie:hive-action:1.0">
  <prepare><delete path="/tmp/out/${day}"/><mkdir path="hdfs://nn/staging"/></prepare>
  <launcher><memory.mb>2048</memory.mb></launcher>
  <configuration><property><name>a</name><value>own</value></property></configuration>
  <script>q.sql</script><param>DAY=${day}</param><param>X=1</param><argument>-v</argument>
</hive><ok to="end"/><error to="k"/></action>"#,
    )
    .replace(
        "<name-node>nn</name-node></global>",
        "<name-node>nn</name-node><configuration><property><name>a</name><value>global</value></property><property><name>b</name><value>${day}</value></property></configuration></global>",
    );
    let task = first_task(&xml, &[("day", "2026-11-21")]);
    let Task::Command {
        action_type,
        args,
        env,
        prepare,
        ..
    } = task
    else {
        panic!("a command task: {task:?}");
    };
    assert_eq!(action_type, "hive");
    assert_eq!(args, ["-v"]);
    let env: BTreeMap<String, String> = env.into_iter().collect();
    assert_eq!(
        env,
        [
            ("SLUICE_CONFIGURATION", "b=2026-11-21\na=own"),
            ("SLUICE_LAUNCHER_MEMORY_MB", "2048"),
            ("SLUICE_NAME_NODE", "nn"),
            ("SLUICE_PARAM", "DAY=2026-11-21\nX=1"),
            ("SLUICE_PREPARE", "mkdir hdfs://nn/staging"),
            ("SLUICE_RESOURCE_MANAGER", "rm"),
            ("SLUICE_SCRIPT", "q.sql"),
        ]
        .into_iter()
        .map(|(k, v)| (k.to_owned(), v.to_owned()))
        .collect()
    );
    assert_eq!(
        prepare,
        [shared::workflow::FsOp::Delete {
            path: "/tmp/out/2026-11-21".into(),
            skip_trash: None
        }]
    );
}

#[test]
fn a_shell_prepare_must_be_on_this_server() {
    let with = |path: &str| {
        workflow(&format!(r#"<start to="a"/>{}"#, sh("a", "end", "k"))).replace(
            "<exec>",
            &format!(r#"<prepare><mkdir path="{path}"/></prepare><exec>"#),
        )
    };
    let Task::Shell { prepare, .. } = first_task(&with("file:///tmp/x"), &[]) else {
        panic!("a shell task")
    };
    assert_eq!(
        prepare,
        [shared::workflow::FsOp::Mkdir {
            path: "file:///tmp/x".into()
        }]
    );
    let mut r = Run::new(&with("hdfs://nn/x"), &[]);
    r.step();
    assert_eq!(r.status(), JobStatus::Failed);
    assert!(
        r.inst()
            .error_message
            .as_deref()
            .unwrap_or_default()
            .contains("<prepare> mkdir hdfs://nn/x: not a path on this server"),
        "{:?}",
        r.inst().error_message
    );
}

#[test]
fn breakpoints_suspend_before_the_node() {
    let mut r = Run::new(
        &workflow(&format!(
            r#"<start to="a"/>{}{}"#,
            sh("a", "b", "k"),
            sh("b", "end", "k")
        )),
        &[("oozie.suspend.on.nodes", "b")],
    );
    r.ok("a");
    assert_eq!(r.status(), JobStatus::Suspended);
    assert_eq!(r.started_names(), ["a"]);
    r.engine.resume(r.id, r.now).unwrap();
    r.step();
    assert_eq!(r.started_names(), ["a", "b"]);
}

#[test]
fn a_restart_counts_interrupted_tries_as_failed_and_retries_them() {
    let xml = workflow(&format!(
        r#"<start to="a"/>{}"#,
        sh_retry("a", "end", "k", 1, 0)
    ));
    let mut first = Run::new(&xml, &[]);
    assert_eq!(first.started_names(), ["a"]);
    // The server dies; what was persisted is read back into a new engine.
    let saved = first.engine.instance(first.id).unwrap().clone();
    let mut engine = Engine::new(4);
    engine.add(saved, first.now + MIN);
    engine.tick(first.now + MIN);
    engine.dispatch(first.now + MIN);
    let out = engine.take();
    assert!(
        out.commands
            .iter()
            .any(|c| matches!(c, Command::Start { attempt: 2, .. })),
        "{out:?}"
    );
    let a = &engine.instance(1).unwrap().nodes[first.node("a")];
    assert_eq!(a.error_code.as_deref(), Some("INTERRUPTED"));
    first.ended = false;
}

#[test]
fn a_restart_without_retries_left_takes_the_error_transition() {
    let xml = workflow(&format!(r#"<start to="a"/>{}"#, sh("a", "end", "k")));
    let first = Run::new(&xml, &[]);
    let saved = first.engine.instance(first.id).unwrap().clone();
    let mut engine = Engine::new(4);
    engine.add(saved, first.now);
    assert_eq!(engine.instance(1).unwrap().status, JobStatus::Killed);
}

#[test]
fn bad_settings_are_refused_with_the_property_named() {
    let wf = from_workflow_xml(&two_branches()).unwrap().workflow;
    let graph = Graph::compile(wf).unwrap();
    for (key, value, says) in [
        ("sluice.failure.strategy", "maybe", "use 'end'"),
        ("sluice.priority", "high", "whole number"),
        ("sluice.timeout.zz", "5", "no action named 'zz'"),
        ("sluice.timeout", "soon", "sluice.timeout is 'soon'"),
        ("oozie.suspend.on.nodes", "a,zz", "no node named 'zz'"),
    ] {
        let conf = BTreeMap::from([(key.to_owned(), value.to_owned())]);
        let e = Settings::read(&graph, &conf).unwrap_err();
        assert!(e.contains(says), "{key}={value}: {e}");
    }
}

#[test]
fn late_reports_of_superseded_tries_are_ignored() {
    let mut r = Run::new(
        &workflow(&format!(
            r#"<start to="a"/>{}"#,
            sh_retry("a", "end", "k", 1, 0)
        )),
        &[],
    );
    r.fail("a");
    r.step();
    assert_eq!(r.attempts("a"), 2);
    let a = r.node("a");
    r.engine.finished(r.id, a, 1, Outcome::ok(), r.now);
    assert_eq!(r.of("a"), Some(ActionStatus::Running), "try 1 is long over");
}

impl Run {
    /// Reruns the ended instance in this scope, as the loop does: reset, then start.
    fn rerun(&mut self, scope: RerunScope) -> Result<Vec<String>, super::planner::Refused> {
        let mut inst = self.inst().clone();
        let keep = rerun::replayed(&inst, &scope)?;
        let again = rerun::again(&inst, &keep)
            .into_iter()
            .map(|n| inst.node_name(n).to_owned())
            .collect();
        rerun::reset(&mut inst, &keep);
        self.engine.evict(self.id);
        self.engine.add(inst, self.now);
        self.started.clear();
        self.ended = false;
        self.engine
            .start(self.id, self.now)
            .expect("a reset instance starts");
        self.step();
        Ok(again)
    }

    fn mark(&mut self, name: &str, mark: Mark) -> Result<(), super::planner::Refused> {
        let node = self.node(name);
        let done = self.engine.mark(self.id, node, mark, self.now);
        self.step();
        done
    }
}

/// a → (fork b, c) → join → d; every error to k.
fn diamond() -> String {
    workflow(&format!(
        r#"<start to="a"/>{}<fork name="f"><path start="b"/><path start="c"/></fork>{}{}<join name="j" to="d"/>{}"#,
        sh("a", "f", "k"),
        sh("b", "j", "k"),
        sh("c", "j", "k"),
        sh("d", "end", "k"),
    ))
}

#[test]
fn a_rerun_of_failed_nodes_replays_what_succeeded_and_runs_the_rest() {
    let mut r = Run::new(&diamond(), &[]);
    r.ok("a");
    r.ok("b");
    r.fail("c");
    assert_eq!(r.status(), JobStatus::Killed);
    assert_eq!(r.inst().run, 0);
    let again = r.rerun(RerunScope::Failed).unwrap();
    assert_eq!(again, ["c", "d"], "only what did not succeed runs again");
    assert_eq!(r.inst().run, 1, "wf:run() counts the rerun");
    assert_eq!(
        r.started_names(),
        ["c"],
        "a and b replay their ok transitions"
    );
    assert_eq!(r.inst().nodes[r.node("a")].mark, Some(Mark::Replay));
    assert_eq!(r.of("c"), Some(ActionStatus::Running));
    assert_eq!(r.attempts("c"), 1, "a rerun counts tries afresh");
    r.ok("c");
    r.ok("d");
    assert_eq!(r.status(), JobStatus::Succeeded);
    assert_eq!(r.path(), ["a", "b", "c", "d", "end"]);
    assert_eq!(r.inst().error_code, None, "the old error is cleared");
}

#[test]
fn a_whole_rerun_runs_everything_again() {
    let mut r = Run::new(&diamond(), &[]);
    r.ok("a");
    r.ok("b");
    r.ok("c");
    r.ok("d");
    assert_eq!(r.status(), JobStatus::Succeeded);
    r.rerun(RerunScope::All).unwrap();
    assert_eq!(r.started_names(), ["a"]);
    assert_eq!(r.of("b"), None, "forgotten until reached again");
}

#[test]
fn skip_nodes_must_have_ended_ok_or_error_and_replay_their_transition() {
    let mut r = Run::new(&diamond(), &[]);
    r.ok("a");
    r.fail("b");
    assert_eq!(r.status(), JobStatus::Killed);
    assert_eq!(r.stopped, [("c".to_owned(), 1)]);
    r.report("c", Outcome::failed("SIGNAL", "terminated"));
    assert_eq!(r.of("c"), Some(ActionStatus::Killed));
    let e = r
        .rerun(RerunScope::Skip {
            nodes: vec!["a".into(), "c".into()],
        })
        .unwrap_err();
    assert_eq!(e.code, "E0806", "c was killed, it has no result: {e}");
    assert!(e.message.contains('c'), "{e}");
    let e = r
        .rerun(RerunScope::Skip {
            nodes: vec!["d".into()],
        })
        .unwrap_err();
    assert_eq!(e.code, "E0807", "d was never reached: {e}");
    let e = r
        .rerun(RerunScope::Skip {
            nodes: vec!["nope".into()],
        })
        .unwrap_err();
    assert_eq!(e.code, "E0807");
    // b's ERROR replays too: its error transition leads to k again.
    r.rerun(RerunScope::Skip {
        nodes: vec!["a".into(), "b".into()],
    })
    .unwrap();
    assert_eq!(
        r.status(),
        JobStatus::Killed,
        "b's error path is taken again"
    );
    assert!(r.started_names().is_empty(), "{:?}", r.started);
    assert_eq!(r.inst().last_error_node, Some(r.node("b")));
}

#[test]
fn a_rerun_from_a_node_runs_it_and_everything_after_it() {
    let mut r = Run::new(&diamond(), &[]);
    for n in ["a", "b", "c", "d"] {
        r.ok(n);
    }
    let again = r.rerun(RerunScope::From { node: "c".into() }).unwrap();
    assert_eq!(again, ["c", "d"]);
    assert_eq!(r.started_names(), ["c"], "a and b are kept");
    r.ok("c");
    assert_eq!(r.started_names(), ["c", "d"]);
}

#[test]
fn only_an_ended_instance_is_rerun() {
    let r = Run::new(&diamond(), &[]);
    let e = rerun::replayed(r.inst(), &RerunScope::All).unwrap_err();
    assert_eq!(e.code, "E0805");
}

#[test]
fn marking_a_running_action_succeeded_stops_it_and_goes_on() {
    let mut r = Run::with_limit(&diamond(), &[], 1);
    r.mark("a", Mark::Succeeded).unwrap();
    assert_eq!(r.stopped, [("a".to_owned(), 1)], "its process is stopped");
    assert_eq!(r.of("a"), Some(ActionStatus::Ok));
    assert_eq!(r.started_names(), ["a", "b"], "its slot went to the next");
    // The stopped try's end is not news.
    r.engine.finished(
        r.id,
        r.node("a"),
        1,
        Outcome::failed("SIGNAL", "killed"),
        r.now,
    );
    assert_eq!(r.of("a"), Some(ActionStatus::Ok));
    assert_eq!(r.engine.running(), 1);
}

#[test]
fn an_action_marked_skipped_before_it_is_reached_never_runs() {
    let mut r = Run::new(&diamond(), &[]);
    r.mark("c", Mark::Skipped).unwrap();
    r.ok("a");
    assert_eq!(r.started_names(), ["a", "b"]);
    assert_eq!(r.of("c"), Some(ActionStatus::Ok));
    r.ok("b");
    r.ok("d");
    assert_eq!(r.status(), JobStatus::Succeeded);
    assert_eq!(r.inst().nodes[r.node("c")].mark, Some(Mark::Skipped));
}

#[test]
fn a_failed_action_marked_succeeded_lets_a_rerun_go_past_it() {
    let mut r = Run::new(&diamond(), &[]);
    r.ok("a");
    r.ok("b");
    r.fail("c");
    assert_eq!(r.status(), JobStatus::Killed);
    r.mark("c", Mark::Succeeded).unwrap();
    let e = r.mark("c", Mark::Succeeded).unwrap_err();
    assert_eq!(e.code, "E0806", "{e}");
    let e = r.mark("k", Mark::Succeeded).unwrap_err();
    assert_eq!(e.code, "E0807", "a kill node is not an action: {e}");
    let again = r.rerun(RerunScope::Failed).unwrap();
    assert_eq!(again, ["d"]);
    assert_eq!(r.started_names(), ["d"]);
    assert_eq!(
        r.inst().nodes[r.node("c")].mark,
        Some(Mark::Succeeded),
        "the user's mark is kept, not turned into a replay"
    );
}
