//! Instances through the REST API with a real engine, real processes and SQLite: run a
//! stored workflow, watch it, read its logs, steer it (suspend, resume, kill, mark), rerun
//! what failed, and the refusals Oozie gives, as JSON errors.

mod common;

use std::sync::Arc;
use std::time::Duration;

use axum::Router;
use axum::body::Body;
use axum::http::{Request, StatusCode};
use backend::store::{SqliteStore, Store};
use backend::{AppState, app};
use common::{assert_error, send, send_json};
use serde_json::{Value, json};
use shared::api::Role;
use shared::oozie::from_workflow_xml;
use tower::ServiceExt;

struct Server {
    app: Router,
    dir: tempfile::TempDir,
    store: Arc<dyn Store>,
}

/// Every request as an operator (what each role may do is `auth.rs`'s subject, but the
/// operator bound is checked here once).
async fn server() -> Server {
    let dir = tempfile::tempdir().unwrap();
    let store: Arc<dyn Store> = Arc::new(SqliteStore::open(&dir.path().join("db")).await.unwrap());
    let token = common::user_with_token(store.as_ref(), "olga", Role::Operator).await;
    let (engine, _task) = common::engine(store.clone(), &dir.path().join("runs"), 8).await;
    let app = common::as_bearer(
        app(AppState::new(store.clone()).with_engine(engine)),
        &token,
    );
    Server { app, dir, store }
}

fn workflow(name: &str, nodes: &str) -> String {
    format!(
        r#"<workflow-app name="{name}" xmlns="uri:oozie:workflow:1.0">
  <global><resource-manager>rm</resource-manager><name-node>nn</name-node></global>
  {nodes}
  <kill name="k"><message>failed: ${{wf:errorMessage(wf:lastErrorNode())}}</message></kill>
  <end name="end"/>
</workflow-app>"#
    )
}

fn sh(name: &str, script: &str, ok: &str) -> String {
    let script = script.replace('&', "&amp;").replace('<', "&lt;");
    format!(
        r#"<action name="{name}"><shell xmlns="uri:oozie:shell-action:1.0"><exec>sh</exec><argument>-c</argument><argument>{script}</argument></shell><ok to="{ok}"/><error to="k"/></action>"#
    )
}

impl Server {
    /// Stores a workflow; gives its id.
    async fn store_workflow(&self, xml: &str) -> i64 {
        let wf = from_workflow_xml(xml).unwrap().workflow;
        common::save_workflow(&self.app, &wf).await.0
    }

    async fn run(&self, workflow: i64, body: Value) -> i64 {
        common::run_workflow(&self.app, workflow, body).await
    }

    async fn detail(&self, id: i64) -> Value {
        let reply = send(&self.app, "GET", &format!("/api/v1/instances/{id}"), None).await;
        assert_eq!(reply.status, StatusCode::OK, "{}", reply.text());
        reply.json()
    }

    /// Waits (up to 20 s) for the instance's status; gives its detail.
    async fn wait_for(&self, id: i64, status: &str) -> Value {
        for _ in 0..400 {
            let d = self.detail(id).await;
            if d["status"] == status {
                return d;
            }
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
        panic!(
            "instance {id} never became {status}: {:#}",
            self.detail(id).await
        );
    }

    async fn wait_node(&self, id: i64, node: &str, status: &str) {
        for _ in 0..400 {
            let d = self.detail(id).await;
            if node_of(&d, node)["status"] == status {
                return;
            }
            tokio::time::sleep(Duration::from_millis(25)).await;
        }
        panic!("{node} of {id} never became {status}");
    }

    async fn post(&self, path: &str, body: Value) -> common::Reply {
        send_json(&self.app, "POST", &format!("/api/v1{path}"), body).await
    }
}

fn node_of<'a>(detail: &'a Value, name: &str) -> &'a Value {
    detail["nodes"]
        .as_array()
        .unwrap()
        .iter()
        .find(|n| n["name"] == name)
        .unwrap_or_else(|| panic!("no node {name} in {detail:#}"))
}

#[tokio::test]
async fn a_stored_workflow_runs_and_its_instance_nodes_and_logs_can_be_read() {
    let s = server().await;
    let wf = s
        .store_workflow(&workflow(
            "greet",
            &format!(
                r#"<start to="a"/>{}{}"#,
                sh("a", "echo oops >&2; sleep 0.2; echo hello ${who}", "b"),
                sh("b", "echo done", "end"),
            ),
        ))
        .await;
    let id = s.run(wf, json!({"properties": {"who": "world"}})).await;
    let d = s.wait_for(id, "SUCCEEDED").await;
    assert_eq!(d["job_id"], format!("{id:07}-sluice-W"));
    assert_eq!(d["workflow_id"], wf);
    assert_eq!(
        d["workflow_version"], 2,
        "the newest: create made 1, the save 2"
    );
    assert_eq!(d["properties"]["who"], "world");
    assert_eq!(d["properties"]["user.name"], "olga");
    let names: Vec<&str> = d["nodes"]
        .as_array()
        .unwrap()
        .iter()
        .map(|n| n["name"].as_str().unwrap())
        .collect();
    assert_eq!(names, ["a", "b", "end", "k"], "finished first, in order");
    assert_eq!(node_of(&d, "a")["kind"], "shell");
    assert_eq!(node_of(&d, "a")["status"], "OK");
    assert_eq!(node_of(&d, "a")["transition"], "b");
    assert_eq!(node_of(&d, "k")["status"], Value::Null, "never reached");

    let log = send(
        &s.app,
        "GET",
        &format!("/api/v1/instances/{id}/nodes/a/log"),
        None,
    )
    .await;
    assert_eq!(log.status, StatusCode::OK, "{}", log.text());
    let log = log.json();
    assert_eq!(
        log["text"], "oops\nhello world\n",
        "stderr and stdout, as written"
    );
    assert_eq!(log["complete"], true);
    assert_eq!(log["attempt"], 1);
    assert_eq!(log["next_offset"], log["size"]);
    let tail = send(
        &s.app,
        "GET",
        &format!("/api/v1/instances/{id}/nodes/a/log?offset=-12"),
        None,
    )
    .await
    .json();
    assert_eq!(tail["text"], "hello world\n");
    assert_eq!(tail["offset"], 5);
    let missing = send(
        &s.app,
        "GET",
        &format!("/api/v1/instances/{id}/nodes/..%2F..%2Fdb/log"),
        None,
    )
    .await;
    assert_error(&missing, StatusCode::NOT_FOUND, "not_found");

    let list = send(
        &s.app,
        "GET",
        &format!("/api/v1/instances?workflow_id={wf}&status=succeeded"),
        None,
    )
    .await
    .json();
    assert_eq!(list["total"], 1);
    assert_eq!(list["items"][0]["id"], id);
    let none = send(&s.app, "GET", "/api/v1/instances?status=FAILED", None)
        .await
        .json();
    assert_eq!(none["total"], 0);
    let bad = send(&s.app, "GET", "/api/v1/instances?status=DONE", None).await;
    assert_error(&bad, StatusCode::UNPROCESSABLE_ENTITY, "invalid_request");
}

#[tokio::test]
async fn a_failed_node_is_rerun_and_what_succeeded_is_kept() {
    let s = server().await;
    let flag = s.dir.path().join("fixed");
    let count = s.dir.path().join("a-ran");
    let wf = s
        .store_workflow(&workflow(
            "fragile",
            &format!(
                r#"<start to="a"/>{}{}{}"#,
                sh("a", &format!("echo x >> {}", count.display()), "b"),
                sh("b", &format!("test -e {}", flag.display()), "c"),
                sh("c", "echo run ${wf:run()}", "end"),
            ),
        ))
        .await;
    let id = s.run(wf, json!({})).await;
    let d = s.wait_for(id, "KILLED").await;
    assert_eq!(node_of(&d, "b")["status"], "ERROR");
    assert_eq!(d["last_error_node"], "b");

    // Refusals while it is ended: as Oozie answers them.
    assert_error(
        &s.post(&format!("/instances/{id}/suspend"), json!({})).await,
        StatusCode::CONFLICT,
        "E0727",
    );
    assert_error(
        &s.post(&format!("/instances/{id}/resume"), json!({})).await,
        StatusCode::CONFLICT,
        "E1100",
    );
    assert_error(
        &s.post(&format!("/instances/{id}/kill"), json!({})).await,
        StatusCode::CONFLICT,
        "E0725",
    );
    assert_error(
        &s.post(&format!("/instances/{id}/start"), json!({})).await,
        StatusCode::CONFLICT,
        "E0813",
    );
    assert_error(
        &s.post(
            &format!("/instances/{id}/rerun"),
            json!({"scope": "skip", "nodes": ["c"]}),
        )
        .await,
        StatusCode::CONFLICT,
        "E0807",
    );
    assert_error(
        &s.post("/instances/4242/rerun", json!({"scope": "all"}))
            .await,
        StatusCode::NOT_FOUND,
        "not_found",
    );

    // A dry run says what would happen and changes nothing.
    let dry = s
        .post(
            &format!("/instances/{id}/rerun"),
            json!({"scope": "failed", "dry_run": true}),
        )
        .await;
    assert_eq!(dry.status, StatusCode::OK, "{}", dry.text());
    assert_eq!(
        dry.json(),
        json!({"instance": id, "dry_run": true, "run": 1, "kept": ["a"], "again": ["b", "c"]})
    );
    assert_eq!(s.detail(id).await["status"], "KILLED");

    std::fs::write(&flag, "").unwrap();
    let done = s
        .post(
            &format!("/instances/{id}/rerun"),
            json!({"scope": "failed"}),
        )
        .await;
    assert_eq!(done.status, StatusCode::OK, "{}", done.text());
    let d = s.wait_for(id, "SUCCEEDED").await;
    assert_eq!(d["run"], 1);
    assert_eq!(d["error_code"], Value::Null);
    assert_eq!(node_of(&d, "a")["mark"], "replay");
    assert_eq!(
        std::fs::read_to_string(&count).unwrap(),
        "x\n",
        "a ran once, in the first run only"
    );
    let log = send(
        &s.app,
        "GET",
        &format!("/api/v1/instances/{id}/nodes/c/log"),
        None,
    )
    .await
    .json();
    assert_eq!(log["text"], "run 1\n");
    assert_eq!(log["run"], 1);
    // The first run's log of b is still there.
    let old = send(
        &s.app,
        "GET",
        &format!("/api/v1/instances/{id}/nodes/b/log?run=0"),
        None,
    )
    .await;
    assert_eq!(old.status, StatusCode::OK, "{}", old.text());
}

#[tokio::test]
async fn suspend_resume_kill_and_mark_steer_a_running_instance() {
    let s = server().await;
    let wf = s
        .store_workflow(&workflow(
            "slow",
            &format!(
                r#"<start to="a"/>{}{}"#,
                sh("a", "sleep 30", "b"),
                sh("b", "sleep 30", "end"),
            ),
        ))
        .await;
    let id = s.run(wf, json!({})).await;
    s.wait_node(id, "a", "RUNNING").await;
    let d = s.detail(id).await;
    assert_eq!(node_of(&d, "b")["waiting"], "upstream");
    assert_error(
        &s.post(&format!("/instances/{id}/rerun"), json!({"scope": "all"}))
            .await,
        StatusCode::CONFLICT,
        "E0805",
    );
    assert_error(
        &s.post(&format!("/instances/{id}/resume"), json!({})).await,
        StatusCode::CONFLICT,
        "E1100",
    );

    let suspended = s.post(&format!("/instances/{id}/suspend"), json!({})).await;
    assert_eq!(suspended.status, StatusCode::OK, "{}", suspended.text());
    assert_eq!(suspended.json()["status"], "SUSPENDED");
    // a is marked succeeded while suspended: its process is stopped and b waits for the
    // resume.
    let marked = s
        .post(
            &format!("/instances/{id}/mark"),
            json!({"node": "a", "mark": "succeeded"}),
        )
        .await;
    assert_eq!(marked.status, StatusCode::OK, "{}", marked.text());
    assert_eq!(
        marked.json()["nodes"][0],
        json!({"item": "a", "from": "RUNNING", "to": "OK"}),
        "{}",
        marked.text()
    );
    let d = s.detail(id).await;
    assert_eq!(node_of(&d, "a")["status"], "OK");
    assert_eq!(node_of(&d, "a")["mark"], "succeeded");
    assert_eq!(node_of(&d, "b")["waiting"], "suspended");
    let resumed = s.post(&format!("/instances/{id}/resume"), json!({})).await;
    assert_eq!(resumed.json()["status"], "RUNNING");
    s.wait_node(id, "b", "RUNNING").await;

    // A dry run says what a kill would do, and does nothing.
    let would = s
        .post(&format!("/instances/{id}/kill?dry_run=true"), json!({}))
        .await;
    assert_eq!(would.status, StatusCode::OK, "{}", would.text());
    let would = would.json();
    assert_eq!(would["dry_run"], true);
    assert_eq!(would["was"], "RUNNING");
    assert_eq!(would["status"], "KILLED");
    assert_eq!(
        would["nodes"],
        json!([{"item": "b", "from": "RUNNING", "to": "KILLED"}]),
        "{would:#}"
    );
    assert_eq!(s.detail(id).await["status"], "RUNNING");
    assert_eq!(node_of(&s.detail(id).await, "b")["status"], "RUNNING");

    let killed = s.post(&format!("/instances/{id}/kill"), json!({})).await;
    assert_eq!(killed.status, StatusCode::OK, "{}", killed.text());
    assert_eq!(killed.json()["status"], "KILLED");
    let d = s.wait_for(id, "KILLED").await;
    assert_eq!(d["error_message"], "killed by olga");
    s.wait_node(id, "b", "KILLED").await;

    let row = s.store.get_instance(id).await.unwrap().0;
    assert_eq!(row.status, "KILLED");

    // The instance's audit trail: each operation once, newest first, by whom; the dry run
    // changed nothing and is not in it.
    let trail = send(
        &s.app,
        "GET",
        &format!("/api/v1/instances/{id}/audit"),
        None,
    )
    .await;
    assert_eq!(trail.status, StatusCode::OK, "{}", trail.text());
    let actions: Vec<String> = trail
        .json()
        .as_array()
        .unwrap()
        .iter()
        .filter(|e| e["status"] == 200)
        .map(|e| {
            format!(
                "{} {}",
                e["actor"].as_str().unwrap(),
                e["action"].as_str().unwrap()
            )
        })
        .collect();
    let verbs = ["kill", "resume", "mark", "suspend"]
        .map(|op| format!("olga POST /api/v1/instances/{{id}}/{op}"));
    assert_eq!(actions, verbs, "{:#}", trail.json());
    assert!(
        trail.json()[0]["remote"].is_null(),
        "addresses are for admins"
    );
    assert_error(
        &send(&s.app, "GET", "/api/v1/instances/999/audit", None).await,
        StatusCode::NOT_FOUND,
        "not_found",
    );
}

#[tokio::test]
async fn instances_are_listed_by_creation_time() {
    let s = server().await;
    let wf = s
        .store_workflow(&workflow(
            "quick",
            &format!(r#"<start to="a"/>{}"#, sh("a", "true", "end")),
        ))
        .await;
    let first = s.run(wf, json!({"hold": true})).await;
    let created = s.detail(first).await["created_at"].as_i64().unwrap();
    let list = |query: String| {
        let app = s.app.clone();
        async move {
            let reply = send(&app, "GET", &format!("/api/v1/instances?{query}"), None).await;
            assert_eq!(reply.status, StatusCode::OK, "{}", reply.text());
            reply.json()["total"].as_i64().unwrap()
        }
    };
    let minute = |ms: i64| {
        chrono::DateTime::from_timestamp_millis(ms - ms.rem_euclid(60_000))
            .unwrap()
            .format("%Y-%m-%dT%H:%MZ")
            .to_string()
    };
    let (at, next) = (minute(created), minute(created + 60_000));
    assert_eq!(list(format!("since={at}")).await, 1);
    assert_eq!(
        list(format!("until={at}")).await,
        0,
        "until excludes its minute"
    );
    assert_eq!(list(format!("since={next}")).await, 0);
    assert_eq!(
        list(format!("since={at}&until={next}&status=PREP")).await,
        1
    );
    let bad = send(&s.app, "GET", "/api/v1/instances?since=yesterday", None).await;
    assert_error(&bad, StatusCode::UNPROCESSABLE_ENTITY, "invalid_request");
    assert!(bad.text().contains("since 'yesterday'"), "{}", bad.text());
}

#[tokio::test]
async fn instance_changes_go_out_on_the_event_stream() {
    let s = server().await;
    let wf = s
        .store_workflow(&workflow(
            "quick",
            &format!(r#"<start to="a"/>{}"#, sh("a", "true", "end")),
        ))
        .await;
    let req = Request::builder()
        .uri("/api/v1/events")
        .body(Body::empty())
        .unwrap();
    let res = s.app.clone().oneshot(req).await.unwrap();
    assert_eq!(res.status(), StatusCode::OK);
    let mut body = res.into_body();
    let id = s.run(wf, json!({})).await;
    let seen = common::events_until(
        &mut body,
        &format!(r#"{{"instance":{id},"node":null,"status":"SUCCEEDED""#),
    )
    .await;
    assert!(seen.contains("event: instance"), "{seen}");
    assert!(
        seen.contains(&format!(
            r#"{{"instance":{id},"node":"a","status":"RUNNING""#
        )),
        "{seen}"
    );
}

#[tokio::test]
async fn viewers_cannot_run_and_a_server_without_an_engine_says_so() {
    let s = server().await;
    let wf = s
        .store_workflow(&workflow(
            "w",
            &format!(r#"<start to="a"/>{}"#, sh("a", "true", "end")),
        ))
        .await;
    let viewer = common::user_with_token(s.store.as_ref(), "vic", Role::Viewer).await;
    let reply = common::send_with(
        &s.app,
        "POST",
        &format!("/api/v1/workflows/{wf}/run"),
        &[("authorization", &format!("Bearer {viewer}"))],
        Some(b"{}".to_vec()),
    )
    .await;
    assert_eq!(reply.status, StatusCode::FORBIDDEN, "{}", reply.text());

    let token = common::user_with_token(s.store.as_ref(), "ann", Role::Admin).await;
    let bare = app(AppState::new(s.store.clone()));
    let reply = common::send_with(
        &bare,
        "POST",
        &format!("/api/v1/workflows/{wf}/run"),
        &[("authorization", &format!("Bearer {token}"))],
        Some(b"{}".to_vec()),
    )
    .await;
    assert_error(&reply, StatusCode::SERVICE_UNAVAILABLE, "unavailable");

    // Workflows this server cannot run are refused up front, saying why.
    let hive = s
        .store_workflow(&workflow(
            "warehouse",
            r#"<start to="h"/><action name="h"><hive xmlns="uri:oozie:hive-action:1.0"><script>q.sql</script></hive><ok to="end"/><error to="k"/></action>"#,
        ))
        .await;
    let reply = s.post(&format!("/workflows/{hive}/run"), json!({})).await;
    assert_error(&reply, StatusCode::UNPROCESSABLE_ENTITY, "invalid_request");
    assert!(reply.text().contains("export-only"), "{}", reply.text());
}
