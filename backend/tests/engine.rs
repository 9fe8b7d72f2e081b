//! The engine with real processes and a real SQLite database: fork/join, decisions,
//! retries, timeouts, kill, suspend and resume, sub-workflows, a restart after a crash, and
//! `sluice run`.

mod common;

use std::collections::BTreeMap;
use std::path::Path;
use std::sync::Arc;
use std::time::Duration;

use backend::engine::runner::{EngineHandle, Op, Submission};
use backend::store::{NodeRow, SqliteStore, Store};
use shared::oozie::from_workflow_xml;

struct Bench {
    dir: tempfile::TempDir,
    store: Arc<dyn Store>,
    engine: EngineHandle,
    task: tokio::task::JoinHandle<()>,
}

async fn engine_in(dir: tempfile::TempDir) -> Bench {
    let store: Arc<dyn Store> = Arc::new(SqliteStore::open(&dir.path().join("db")).await.unwrap());
    let (engine, task) = common::engine(store.clone(), &dir.path().join("runs"), 8).await;
    Bench {
        dir,
        store,
        engine,
        task,
    }
}

async fn engine() -> Bench {
    engine_in(tempfile::tempdir().unwrap()).await
}

fn workflow(nodes: &str) -> String {
    format!(
        r#"<workflow-app name="w" xmlns="uri:oozie:workflow:1.0">
  <global><resource-manager>rm</resource-manager><name-node>nn</name-node></global>
  {nodes}
  <kill name="k"><message>failed: ${{wf:errorMessage(wf:lastErrorNode())}}</message></kill>
  <end name="end"/>
</workflow-app>"#
    )
}

/// A shell action running `sh -c SCRIPT`.
fn sh(name: &str, script: &str, ok: &str, extra: &str) -> String {
    let script = script.replace('&', "&amp;").replace('<', "&lt;");
    format!(
        r#"<action name="{name}"{extra}><shell xmlns="uri:oozie:shell-action:1.0"><exec>sh</exec><argument>-c</argument><argument>{script}</argument></shell><ok to="{ok}"/><error to="k"/></action>"#
    )
}

impl Bench {
    async fn submit(&self, xml: &str, conf: &[(&str, &str)]) -> i64 {
        let workflow = from_workflow_xml(xml).expect("valid").workflow;
        self.engine
            .submit(Submission {
                workflow,
                workflow_id: None,
                workflow_version: None,
                conf: conf
                    .iter()
                    .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
                    .collect(),
                user: "tester".to_owned(),
                start: true,
                coord: None,
            })
            .await
            .expect("submitted")
    }

    /// Waits until the instance's status is `status` (or 20 s pass).
    async fn wait_for(&self, id: i64, status: &str) -> (String, Vec<NodeRow>) {
        for _ in 0..400 {
            let (row, nodes) = self.store.get_instance(id).await.unwrap();
            if row.status == status {
                return (row.error_message.unwrap_or_default(), nodes);
            }
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
        let (row, nodes) = self.store.get_instance(id).await.unwrap();
        panic!(
            "instance {id} is {} ({:?}), not {status}: {nodes:#?}",
            row.status, row.error_message
        );
    }

    async fn wait_node(&self, id: i64, node: &str, status: &str) -> NodeRow {
        for _ in 0..400 {
            let (_, nodes) = self.store.get_instance(id).await.unwrap();
            if let Some(n) = nodes.iter().find(|n| n.node == node && n.status == status)
                && (status != "RUNNING" || n.external_id.is_some())
            {
                return n.clone();
            }
            tokio::time::sleep(Duration::from_millis(25)).await;
        }
        panic!("{node} of {id} never became {status}");
    }

    fn work_dir(&self, id: i64) -> std::path::PathBuf {
        self.dir.path().join("runs").join(id.to_string())
    }
}

fn node<'a>(nodes: &'a [NodeRow], name: &str) -> &'a NodeRow {
    nodes
        .iter()
        .find(|n| n.node == name)
        .unwrap_or_else(|| panic!("no node {name} in {nodes:#?}"))
}

fn path(nodes: &[NodeRow]) -> Vec<&str> {
    let mut done: Vec<_> = nodes
        .iter()
        .filter(|n| n.seq.is_some() && !n.node.starts_with("fork-") && !n.node.starts_with("join-"))
        .collect();
    done.sort_by_key(|n| n.seq);
    done.iter().map(|n| n.node.as_str()).collect()
}

fn alive(pid: u32) -> bool {
    // A zombie (dead, not yet reaped by whoever adopted it) is not running.
    std::fs::read_to_string(format!("/proc/{pid}/stat"))
        .map(|stat| {
            let state = stat.rsplit(')').next().unwrap_or("").trim_start();
            !state.starts_with('Z')
        })
        .unwrap_or(false)
}

#[tokio::test]
async fn fork_join_and_a_decision_on_captured_output_run_for_real() {
    let b = engine().await;
    let xml = workflow(&format!(
        r#"<start to="f"/><fork name="f"><path start="a"/><path start="b"/></fork>
        <action name="a"><shell xmlns="uri:oozie:shell-action:1.0"><exec>echo</exec><argument>rows=${{rows}}</argument><capture-output/></shell><ok to="j"/><error to="k"/></action>
        {}
        <join name="j" to="d"/>
        <decision name="d"><switch><case to="big">${{wf:actionData('a')['rows'] gt 5}}</case><default to="end"/></switch></decision>
        {}"#,
        sh("b", "sleep 0.2; echo from b; echo warning >&2", "j", ""),
        sh("big", "echo big > big.txt", "end", ""),
    ));
    let id = b.submit(&xml, &[("rows", "10")]).await;
    let (_, nodes) = b.wait_for(id, "SUCCEEDED").await;
    assert_eq!(path(&nodes), ["a", "b", "d", "big", "end"]);
    assert_eq!(node(&nodes, "a").data.as_deref(), Some(r#"{"rows":"10"}"#));
    assert_eq!(node(&nodes, "d").transition.as_deref(), Some("big"));
    let a = node(&nodes, "a");
    let b_row = node(&nodes, "b");
    assert!(
        b_row.ended_at_ms.unwrap() >= a.ended_at_ms.unwrap() + 150,
        "a and b ran side by side, b took its 0.2 s"
    );
    let log = std::fs::read_to_string(b.work_dir(id).join("logs/0/b.1.log")).unwrap();
    assert!(log.contains("from b") && log.contains("warning"), "{log}");
    assert!(
        b.work_dir(id).join("big.txt").is_file(),
        "tasks run in the instance's directory"
    );
}

#[tokio::test]
async fn a_failing_try_is_retried_and_the_retry_succeeds() {
    let b = engine().await;
    let xml = workflow(&format!(
        r#"<start to="a"/>{}"#,
        sh(
            "a",
            "if [ -f tried ]; then exit 0; fi; touch tried; exit 4",
            "end",
            r#" retry-max="2" retry-interval="0""#
        )
    ));
    let id = b.submit(&xml, &[]).await;
    let (_, nodes) = b.wait_for(id, "SUCCEEDED").await;
    let a = node(&nodes, "a");
    assert_eq!((a.status.as_str(), a.attempts), ("OK", 2));
}

#[tokio::test]
async fn an_error_takes_the_error_path_with_the_exit_status() {
    let b = engine().await;
    let xml = workflow(&format!(
        r#"<start to="a"/>{}"#,
        sh("a", "exit 3", "end", "")
    ));
    let id = b.submit(&xml, &[]).await;
    let (message, nodes) = b.wait_for(id, "KILLED").await;
    assert_eq!(message, "failed: exit status 3");
    let a = node(&nodes, "a");
    assert_eq!((a.status.as_str(), a.exit_code), ("ERROR", Some(3)));
    assert_eq!(a.error_code.as_deref(), Some("EXIT_CODE"));
    assert_eq!(path(&nodes), ["a", "k"]);
}

#[tokio::test]
async fn a_program_that_does_not_exist_is_an_error_saying_so() {
    let b = engine().await;
    let xml = workflow(
        r#"<start to="a"/><action name="a"><shell xmlns="uri:oozie:shell-action:1.0"><exec>no-such-program-here</exec></shell><ok to="end"/><error to="k"/></action>"#,
    );
    let id = b.submit(&xml, &[]).await;
    let (message, nodes) = b.wait_for(id, "KILLED").await;
    assert_eq!(node(&nodes, "a").error_code.as_deref(), Some("SPAWN"));
    assert!(message.contains("not found"), "{message}");
}

#[tokio::test]
async fn a_timeout_stops_the_whole_process_group() {
    let b = engine().await;
    let xml = workflow(&format!(
        r#"<start to="a"/>{}"#,
        sh("a", "sleep 30 & echo $! > bg.pid; wait", "end", "")
    ));
    let id = b.submit(&xml, &[("sluice.timeout.a", "1s")]).await;
    let (_, nodes) = b.wait_for(id, "KILLED").await;
    let a = node(&nodes, "a");
    assert_eq!(a.error_code.as_deref(), Some("TIMEOUT"), "{a:?}");
    let bg: u32 = std::fs::read_to_string(b.work_dir(id).join("bg.pid"))
        .unwrap()
        .trim()
        .parse()
        .unwrap();
    tokio::time::sleep(Duration::from_millis(200)).await;
    assert!(
        !alive(bg),
        "the background sleep was in the group and got the signal too"
    );
}

#[tokio::test]
async fn kill_stops_running_tries_at_once() {
    let b = engine().await;
    let xml = workflow(&format!(
        r#"<start to="a"/>{}"#,
        sh("a", "sleep 30", "end", "")
    ));
    let id = b.submit(&xml, &[]).await;
    let running = b.wait_node(id, "a", "RUNNING").await;
    let pid: u32 = running.external_id.unwrap().parse().unwrap();
    b.engine
        .operate(
            id,
            Op::Kill {
                by: "tester".into(),
            },
            false,
        )
        .await
        .unwrap();
    let (message, _) = b.wait_for(id, "KILLED").await;
    assert_eq!(message, "killed by tester");
    b.wait_node(id, "a", "KILLED").await;
    assert!(!alive(pid));
    let again = b.engine.operate(id, Op::Suspend, false).await.unwrap_err();
    assert!(
        again.to_string().contains("E0604") || again.to_string().contains("E0727"),
        "{again}"
    );
}

#[tokio::test]
async fn suspend_holds_the_next_action_until_resume() {
    let b = engine().await;
    let xml = workflow(&format!(
        r#"<start to="a"/>{}{}"#,
        sh("a", "sleep 0.3", "b", ""),
        sh("b", "true", "end", "")
    ));
    let id = b.submit(&xml, &[]).await;
    b.wait_node(id, "a", "RUNNING").await;
    b.engine.operate(id, Op::Suspend, false).await.unwrap();
    b.wait_node(id, "a", "OK").await;
    tokio::time::sleep(Duration::from_millis(200)).await;
    let (row, nodes) = b.store.get_instance(id).await.unwrap();
    assert_eq!(row.status, "SUSPENDED");
    assert_eq!(node(&nodes, "b").status, "PREP", "b waits");
    b.engine.operate(id, Op::Resume, false).await.unwrap();
    b.wait_for(id, "SUCCEEDED").await;
}

#[tokio::test]
async fn a_sub_workflow_runs_as_a_child_instance() {
    let b = engine().await;
    let app = b.dir.path().join("child-app");
    std::fs::create_dir_all(&app).unwrap();
    std::fs::write(
        app.join("workflow.xml"),
        workflow(&format!(
            r#"<start to="c"/>{}"#,
            sh("c", "echo ${greeting} > $SLUICE_INSTANCE_ID.txt", "end", "")
        )),
    )
    .unwrap();
    let xml = workflow(&format!(
        r#"<start to="sub"/>
        <action name="sub"><sub-workflow><app-path>file://{}</app-path><propagate-configuration/></sub-workflow><ok to="end"/><error to="k"/></action>"#,
        app.display()
    ));
    let id = b.submit(&xml, &[("greeting", "hello")]).await;
    b.wait_for(id, "SUCCEEDED").await;
    let child = id + 1;
    let (row, _) = b.store.get_instance(child).await.unwrap();
    assert_eq!(
        (row.parent_id, row.status.as_str()),
        (Some(id), "SUCCEEDED")
    );
    let said = std::fs::read_to_string(b.work_dir(child).join(format!("{child}.txt"))).unwrap();
    assert_eq!(
        said.trim(),
        "hello",
        "the parent's properties were propagated"
    );
}

#[tokio::test]
async fn after_a_crash_the_interrupted_try_is_killed_and_retried() {
    let dir = tempfile::tempdir().unwrap();
    let first = engine_in(dir).await;
    let xml = workflow(&format!(
        r#"<start to="a"/>{}"#,
        sh(
            "a",
            "if [ -f started ]; then exit 0; fi; touch started; sleep 30",
            "end",
            r#" retry-max="1" retry-interval="0""#
        )
    ));
    let id = first.submit(&xml, &[]).await;
    let running = first.wait_node(id, "a", "RUNNING").await;
    let pid: u32 = running.external_id.unwrap().parse().unwrap();
    // The server dies without a word: its loop is gone, its process lives on.
    first.task.abort();
    let _ = first.task.await;
    assert!(alive(pid));
    first.store.close().await;
    let second = engine_in(first.dir).await;
    let (_, nodes) = second.wait_for(id, "SUCCEEDED").await;
    let a = node(&nodes, "a");
    assert_eq!(a.attempts, 2, "{a:?}");
    assert!(
        !alive(pid),
        "the orphan of the first try was killed, not left beside the retry"
    );
    drop(second.engine);
}

#[tokio::test]
async fn workflows_with_cluster_actions_are_refused_up_front() {
    let b = engine().await;
    let xml = workflow(
        r#"<start to="h"/><action name="h"><hive xmlns="uri:oozie:hive-action:1.0"><script>q.sql</script></hive><ok to="end"/><error to="k"/></action>"#,
    );
    let workflow = from_workflow_xml(&xml).unwrap().workflow;
    let err = b
        .engine
        .submit(Submission {
            workflow,
            workflow_id: None,
            workflow_version: None,
            conf: BTreeMap::new(),
            user: "t".into(),
            start: true,
            coord: None,
        })
        .await
        .unwrap_err();
    assert!(
        err.to_string().contains("export-only on this server"),
        "{err}"
    );
}

fn sluice(args: &[&str], dir: &Path) -> (i32, String, String) {
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_sluice"))
        .args(args)
        .current_dir(dir)
        .output()
        .unwrap();
    (
        out.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

#[test]
fn sluice_run_prints_a_summary_and_exits_by_the_outcome() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("workflow.xml");
    std::fs::write(
        &file,
        workflow(&format!(
            r#"<start to="a"/>{}{}"#,
            sh("a", "echo a", "b", ""),
            sh(
                "b",
                "exit ${code}",
                "end",
                r#" retry-max="1" retry-interval="0""#
            )
        )),
    )
    .unwrap();
    let (code, out, err) = sluice(&["run", "workflow.xml", "--param", "code=0"], dir.path());
    assert_eq!(code, 0, "{err}");
    let summary: serde_json::Value = serde_json::from_str(out.trim()).unwrap();
    assert_eq!(
        summary,
        serde_json::json!({
            "status": "SUCCEEDED",
            "path": ["a", "b", "end"],
            "actions": [
                {"name": "a", "status": "OK", "attempts": 1, "exit_code": 0},
                {"name": "b", "status": "OK", "attempts": 1, "exit_code": 0},
            ]
        })
    );
    std::fs::write(dir.path().join("job.properties"), "code=5\n").unwrap();
    let (code, out, err) = sluice(
        &["run", "workflow.xml", "--properties", "job.properties"],
        dir.path(),
    );
    assert_eq!(code, 1, "{err}");
    let summary: serde_json::Value = serde_json::from_str(out.trim()).unwrap();
    assert_eq!(summary["status"], "KILLED");
    assert_eq!(summary["path"], serde_json::json!(["a", "b", "k"]));
    assert_eq!(
        summary["actions"][1],
        serde_json::json!({"name": "b", "status": "ERROR", "attempts": 2, "exit_code": 5})
    );
    std::fs::write(
        &file,
        "<workflow-app name='x' xmlns='uri:oozie:workflow:1.0'>",
    )
    .unwrap();
    let (code, out, _) = sluice(&["run", "workflow.xml"], dir.path());
    assert_eq!((code, out.as_str()), (2, ""));
}

#[test]
fn a_cluster_action_runs_through_its_command_template_with_its_fields_in_the_environment() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("spark.txt");
    let made = dir.path().join("made");
    std::fs::write(
        dir.path().join("workflow.xml"),
        workflow(&format!(
            r#"<start to="s"/><action name="s"><spark xmlns="uri:oozie:spark-action:1.0">
  <prepare><mkdir path="{}"/><delete path="hdfs://nn/tmp/x"/></prepare>
  <configuration><property><name>k</name><value>${{v}}</value></property></configuration>
  <master>${{master}}</master><name>etl</name><class>org.Etl</class><jar>etl.jar</jar>
  <spark-opts>--executor-memory 2G</spark-opts>
  <arg>one two</arg><arg>$(touch pwned)</arg>
</spark><ok to="end"/><error to="k"/></action>"#,
            made.display()
        )),
    )
    .unwrap();
    let template = format!(
        r#"spark=printf '%s\n' "$SLUICE_MASTER" "$SLUICE_NAME_NODE" "$SLUICE_RESOURCE_MANAGER" "$SLUICE_CLASS" "$SLUICE_SPARK_OPTS" "$SLUICE_CONFIGURATION" "$SLUICE_PREPARE" "$0" "$@" > {}"#,
        out.display()
    );
    let run = |extra: &[&str]| {
        let mut args = vec!["run", "workflow.xml", "--param", "master=local[2]"];
        args.extend(["--param", "v=x y"]);
        args.extend(extra);
        sluice(&args, dir.path())
    };
    let (code, _, err) = run(&[]);
    assert_eq!(code, 2, "without a template it is export-only: {err}");
    assert!(
        err.contains("export-only") && err.contains("spark"),
        "{err}"
    );
    let (code, _, err) = run(&["--action-template", "sparkk=x"]);
    assert_eq!(code, 2);
    assert!(
        err.contains("'sparkk' is not an Oozie action type"),
        "{err}"
    );
    let (code, summary, err) = run(&["--action-template", &template]);
    assert_eq!(code, 0, "{summary} {err}");
    assert_eq!(
        std::fs::read_to_string(&out).unwrap(),
        "local[2]\nnn\nrm\norg.Etl\n--executor-memory 2G\nk=x y\ndelete hdfs://nn/tmp/x\nsluice-spark\none two\n$(touch pwned)\n",
        "the global section under the action's own fields; values never reach the shell as code"
    );
    assert!(made.is_dir(), "the local <prepare> step was done first");
    let (code, summary, _) = run(&["--action-template", "spark=exit 3"]);
    assert_eq!(code, 1);
    assert!(summary.contains(r#""exit_code":3"#), "{summary}");
}

#[test]
fn an_email_action_sends_through_the_configured_smtp_server() {
    let (port, mails) = common::smtp::receiver();
    let dir = tempfile::tempdir().unwrap();
    let email = |to: &str| {
        workflow(&format!(
            r#"<start to="m"/><action name="m"><email xmlns="uri:oozie:email-action:0.2"><to>{to}</to><cc>c@example.com</cc><subject>run ${{wf:name()}} done</subject><body>all ${{state}}</body></email><ok to="end"/><error to="k"/></action>"#
        ))
    };
    let url = format!("smtp://127.0.0.1:{port}");
    let smtp = [
        "--smtp-url",
        &url,
        "--smtp-from",
        "Sluice <sluice@example.com>",
    ];
    let run = |to: &str, extra: &[&str]| {
        std::fs::write(dir.path().join("workflow.xml"), email(to)).unwrap();
        let mut args = vec!["run", "workflow.xml", "--param", "state=good"];
        args.extend(extra);
        sluice(&args, dir.path())
    };

    let (code, summary, err) = run("ops@example.com, Lead &lt;lead@example.com&gt;", &smtp);
    assert_eq!(code, 0, "{summary} {err}");
    let mail = mails.recv_timeout(Duration::from_secs(10)).unwrap();
    assert_eq!(mail.from, "sluice@example.com");
    assert_eq!(
        mail.to,
        ["ops@example.com", "lead@example.com", "c@example.com"]
    );
    assert!(mail.data.contains("Subject: run w done"), "{}", mail.data);
    assert!(mail.data.contains("all good"), "{}", mail.data);

    let (code, summary, err) = run("reject@example.com", &smtp);
    assert_eq!(code, 1, "the SMTP server refused the recipient: {summary}");
    assert!(err.contains("permanent error (550): no such user"), "{err}");
    let (code, _, err) = run("ops@example.com", &[]);
    assert_eq!(code, 1);
    assert!(err.contains("no SMTP server configured"), "{err}");
    assert!(mails.try_recv().is_err(), "nothing else was sent");
}
