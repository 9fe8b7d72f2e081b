//! Alerts end to end, against real peers on loopback: channels and a group made through
//! the API (credentials sealed), a policy on a workflow, a real run that fails, and then
//! the mail in aiosmtpd (which checks the SMTP password) and the signed webhook in an HTTP
//! receiver, each sent once. A webhook that keeps failing is retried and logged, and the
//! run it reports on still finishes as it would have.

mod common;

use std::sync::{Arc, Mutex};
use std::time::Duration;

use axum::Router;
use axum::body::Bytes;
use axum::extract::State;
use axum::http::{HeaderMap, StatusCode};
use axum::routing::post;
use backend::alert::secret::SecretKey;
use backend::alert::webhook::{SIGNATURE_HEADER, TIMESTAMP_HEADER, signature};
use backend::store::{Sealed, SqliteStore, Store};
use backend::{AlertSetup, AppState, app};
use common::{send, send_json};
use serde_json::{Value, json};
use shared::api::Role;

const PUBLIC: &str = "http://sluice.example:8080";

/// What a receiver got: each request's headers and body.
type Got = Arc<Mutex<Vec<(HeaderMap, Bytes)>>>;

/// An HTTP receiver answering every POST with `status`; what it got.
async fn receiver(status: u16) -> (String, Got) {
    let got = Arc::new(Mutex::new(Vec::new()));
    let app = Router::new()
        .route(
            "/hook",
            post(
                move |State(got): State<Got>, headers: HeaderMap, body: Bytes| async move {
                    got.lock().unwrap().push((headers, body));
                    StatusCode::from_u16(status).unwrap()
                },
            ),
        )
        .with_state(got.clone());
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let url = format!("http://{}/hook", listener.local_addr().unwrap());
    tokio::spawn(async move { axum::serve(listener, app).await });
    (url, got)
}

struct Sluice {
    app: Router,
    store: Arc<dyn Store>,
    _dir: tempfile::TempDir,
}

/// A server with an engine and the alert loop (looking every 100 ms, retrying after
/// 50 ms), every request as an admin.
async fn sluice() -> Sluice {
    let dir = tempfile::tempdir().unwrap();
    let store: Arc<dyn Store> = Arc::new(SqliteStore::open(&dir.path().join("db")).await.unwrap());
    let token = common::user_with_token(store.as_ref(), "ada", Role::Admin).await;
    let (engine, _task) = common::engine(store.clone(), &dir.path().join("runs"), 4).await;
    let setup = Arc::new(AlertSetup::new(SecretKey::random(), PUBLIC.to_owned()));
    let (_closing, closing) = tokio::sync::watch::channel(false);
    tokio::spawn(backend::alert::dispatch::run(
        store.clone(),
        backend::alert::dispatch::Config {
            setup: setup.clone(),
            retry: backend::alert::Retry {
                attempts: 3,
                first_delay: Duration::from_millis(50),
                timeout: Duration::from_secs(5),
            },
            poll: Duration::from_millis(100),
        },
        closing,
    ));
    std::mem::forget(_closing);
    let state = AppState::new(store.clone())
        .with_engine(engine)
        .with_alerts(setup);
    let app = common::as_bearer(app(state), &token);
    Sluice {
        app,
        store,
        _dir: dir,
    }
}

impl Sluice {
    async fn call(&self, method: &str, path: &str, body: Value) -> Value {
        let reply = send_json(&self.app, method, &format!("/api/v1{path}"), body).await;
        assert!(
            reply.status.is_success(),
            "{method} {path}: {} {}",
            reply.status,
            reply.text()
        );
        reply.json()
    }

    async fn get(&self, path: &str) -> Value {
        let reply = send(&self.app, "GET", &format!("/api/v1{path}"), None).await;
        assert_eq!(reply.status, StatusCode::OK, "{path}: {}", reply.text());
        reply.json()
    }

    /// A stored workflow of one shell action running `script`; its id.
    async fn workflow(&self, name: &str, script: &str) -> i64 {
        self.workflow_with(name, script, "").await
    }

    /// The same, with `tail` (an `<sla:info>`, say) after its end node.
    async fn workflow_with(&self, name: &str, script: &str, tail: &str) -> i64 {
        let xml = format!(
            r#"<workflow-app name="{name}" xmlns="uri:oozie:workflow:1.0" xmlns:sla="uri:oozie:sla:0.2">
  <global><resource-manager>rm</resource-manager><name-node>nn</name-node></global>
  <start to="work"/>
  <action name="work"><shell xmlns="uri:oozie:shell-action:1.0"><exec>sh</exec>
    <argument>-c</argument><argument>{script}</argument></shell>
    <ok to="end"/><error to="k"/></action>
  <kill name="k"><message>work failed</message></kill>
  <end name="end"/>
  {tail}
</workflow-app>"#
        );
        let wf = shared::oozie::from_workflow_xml(&xml).unwrap().workflow;
        common::save_workflow(&self.app, &wf).await.0
    }

    /// Runs a workflow and waits (20 s at most) for it to end; its id and status.
    async fn run_to_end(&self, workflow: i64) -> (i64, String) {
        let id = common::run_workflow(&self.app, workflow, json!({})).await;
        for _ in 0..400 {
            let status = self.get(&format!("/instances/{id}")).await["status"]
                .as_str()
                .unwrap()
                .to_owned();
            if ["SUCCEEDED", "FAILED", "KILLED"].contains(&status.as_str()) {
                return (id, status);
            }
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
        panic!("instance {id} did not end");
    }

    /// The delivery log of one channel, once it has `n` tries (10 s at most).
    async fn log_of(&self, channel: i64, n: usize) -> Vec<Value> {
        for _ in 0..200 {
            let log = self
                .get(&format!("/alerts/deliveries?channel={channel}"))
                .await;
            let tries = log.as_array().unwrap().clone();
            if tries.len() >= n {
                return tries;
            }
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
        panic!("channel {channel} never logged {n} tries");
    }
}

#[tokio::test]
async fn a_failed_run_is_mailed_and_posted_signed_once_and_a_failing_hook_is_retried_without_holding_the_run()
 {
    let mails = tempfile::tempdir().unwrap();
    let Some(smtp) = common::aiosmtpd::start(mails.path(), "alerts", "mail-pass") else {
        return;
    };
    let s = sluice().await;
    let (good_url, good) = receiver(204).await;
    let (bad_url, bad) = receiver(503).await;

    let mail = s
        .call(
            "POST",
            "/alerts/channels",
            json!({"name": "ops mail", "secret": "mail-pass", "settings": {
                "kind": "email", "host": "127.0.0.1", "port": smtp.port, "security": "none",
                "username": "alerts", "from": "sluice@example.com",
                "to": ["ops@example.com", "oncall@example.com"]}}),
        )
        .await;
    assert_eq!(mail["has_secret"], true);
    assert!(
        mail.get("secret").is_none(),
        "a secret is never shown: {mail}"
    );
    let hook = s
        .call(
            "POST",
            "/alerts/channels",
            json!({"name": "chat", "secret": "hook-key",
                   "settings": {"kind": "webhook", "url": good_url}}),
        )
        .await;
    let broken = s
        .call(
            "POST",
            "/alerts/channels",
            json!({"name": "broken", "settings": {"kind": "webhook", "url": bad_url}}),
        )
        .await;
    let sealed = s.store.list_sealed(Sealed::Channels).await.unwrap();
    assert!(
        sealed
            .iter()
            .all(|c| c.secret.as_deref().is_none_or(|v| v.starts_with("v1.")
                && !v.contains("mail-pass")
                && !v.contains("hook-key"))),
        "stored sealed: {sealed:?}"
    );

    let ops = s
        .call(
            "POST",
            "/alerts/groups",
            json!({"name": "ops", "channels": [mail["id"], hook["id"]]}),
        )
        .await;
    let noisy = s
        .call(
            "POST",
            "/alerts/groups",
            json!({"name": "noisy", "channels": [broken["id"]]}),
        )
        .await;

    let failing = s.workflow("nightly", "echo loading; exit 3").await;
    s.call(
        "PUT",
        &format!("/workflows/{failing}/alerts"),
        json!({"notify": "on_failure", "group": ops["id"]}),
    )
    .await;
    let fine = s.workflow("hourly", "echo fine").await;
    s.call(
        "PUT",
        &format!("/workflows/{fine}/alerts"),
        json!({"notify": "always", "group": noisy["id"]}),
    )
    .await;
    assert_eq!(
        s.get(&format!("/workflows/{fine}/alerts")).await,
        json!({"notify": "always", "group": noisy["id"], "instance_timeout_min": null,
               "task_timeout_min": null, "sla_miss": false})
    );

    let (ok_run, ok_status) = s.run_to_end(fine).await;
    assert_eq!(
        ok_status, "SUCCEEDED",
        "a failing channel does not touch the run"
    );
    let (run, status) = s.run_to_end(failing).await;
    assert_eq!(status, "KILLED", "its error path ends at a kill node");

    // The mail, through aiosmtpd's AUTH with the password the server unsealed.
    let got = smtp.wait_for(1).await;
    let text = &got[0];
    assert!(text.contains("X-Peer-Auth: alerts"), "{text}");
    assert!(
        text.contains("X-Peer-Rcpt: ops@example.com,oncall@example.com"),
        "{text}"
    );
    assert!(
        text.contains("Subject: [Sluice] nightly failed (KILLED)"),
        "{text}"
    );
    assert!(
        text.contains(&format!("{PUBLIC}/instances/{run}")),
        "links back to the run: {text}"
    );

    // The webhook, signed with the key the server unsealed.
    let log = s.log_of(hook["id"].as_i64().unwrap(), 1).await;
    assert_eq!(log[0]["delivered"], true, "{log:?}");
    assert_eq!(log[0]["status"], 204);
    let (headers, body) = good.lock().unwrap()[0].clone();
    let ts: i64 = headers[TIMESTAMP_HEADER].to_str().unwrap().parse().unwrap();
    assert_eq!(
        headers[SIGNATURE_HEADER].to_str().unwrap(),
        signature(b"hook-key", ts, &body)
    );
    let alert: Value = serde_json::from_slice(&body).unwrap();
    assert_eq!(alert["kind"], "killed");
    assert_eq!(alert["definition"], "nightly");
    assert_eq!(alert["job_id"], format!("{run:07}-sluice-W"));
    assert_eq!(alert["link"], format!("{PUBLIC}/instances/{run}"));
    assert!(
        alert["text"].as_str().unwrap().contains("At node 'work'"),
        "{alert}"
    );

    // The broken hook: three tries, each a 503, all in the log; given up, not raised.
    let tries = s.log_of(broken["id"].as_i64().unwrap(), 3).await;
    assert_eq!(
        tries
            .iter()
            .map(|t| (
                t["attempt"].as_i64().unwrap(),
                t["status"].as_i64().unwrap()
            ))
            .collect::<Vec<_>>(),
        [(3, 503), (2, 503), (1, 503)]
    );
    assert!(tries.iter().all(|t| t["delivered"] == false));
    assert_eq!(tries[0]["alert"]["kind"], "succeeded");
    assert_eq!(
        tries[0]["alert"]["link"],
        format!("{PUBLIC}/instances/{ok_run}")
    );

    // Each sent once, however many looks the loop took since.
    tokio::time::sleep(Duration::from_millis(600)).await;
    assert_eq!(smtp.mails().len(), 1);
    assert_eq!(good.lock().unwrap().len(), 1);
    assert_eq!(bad.lock().unwrap().len(), 3);
}

#[tokio::test]
async fn channels_groups_and_policies_refuse_bad_input_with_reasons() {
    let s = sluice().await;
    let bad = |body: Value| {
        let app = s.app.clone();
        async move {
            let r = send_json(&app, "POST", "/api/v1/alerts/channels", body).await;
            assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", r.text());
            r.json()["message"].as_str().unwrap().to_owned()
        }
    };
    let m = bad(json!({"name": "x", "settings": {"kind": "webhook", "url": "ftp://h/x"}})).await;
    assert!(m.contains("http:// or https://"), "{m}");
    let m = bad(
        json!({"name": "x", "settings": {"kind": "email", "host": "h", "port": 25,
        "from": "sluice@example.com", "to": ["ops@example.com", "nobody"]}}),
    )
    .await;
    assert!(m.contains("[nobody]"), "{m}");
    let m = bad(json!({"name": " ", "settings": {"kind": "webhook", "url": "http://h/"}})).await;
    assert!(m.contains("name"), "{m}");

    let hook = s
        .call(
            "POST",
            "/alerts/channels",
            json!({"name": "chat", "secret": "k",
                   "settings": {"kind": "webhook", "url": "http://127.0.0.1:9/x"}}),
        )
        .await;
    let dup = send_json(
        &s.app,
        "POST",
        "/api/v1/alerts/channels",
        json!({"name": "chat", "settings": {"kind": "webhook", "url": "http://h/"}}),
    )
    .await;
    assert_eq!(dup.status, StatusCode::CONFLICT);
    // Renaming without a secret keeps it; an email body cannot turn it into email.
    let id = hook["id"].as_i64().unwrap();
    let renamed = s
        .call(
            "PUT",
            &format!("/alerts/channels/{id}"),
            json!({"name": "chat2", "settings": {"kind": "webhook", "url": "http://127.0.0.1:9/y"}}),
        )
        .await;
    assert_eq!(renamed["has_secret"], true);
    let cleared = s
        .call(
            "PUT",
            &format!("/alerts/channels/{id}"),
            json!({"name": "chat2", "secret": "",
                   "settings": {"kind": "webhook", "url": "http://127.0.0.1:9/y"}}),
        )
        .await;
    assert_eq!(cleared["has_secret"], false);

    let group = send_json(
        &s.app,
        "POST",
        "/api/v1/alerts/groups",
        json!({"name": "g", "channels": [id, 999]}),
    )
    .await;
    assert_eq!(
        group.status,
        StatusCode::UNPROCESSABLE_ENTITY,
        "{}",
        group.text()
    );
    let group = s
        .call(
            "POST",
            "/alerts/groups",
            json!({"name": "g", "channels": [id, id]}),
        )
        .await;
    assert_eq!(group["channels"], json!([id]), "once each");

    let wf = s.workflow("w", "true").await;
    let policy = send_json(
        &s.app,
        "PUT",
        &format!("/api/v1/workflows/{wf}/alerts"),
        json!({"notify": "on_failure"}),
    )
    .await;
    assert_eq!(policy.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(policy.text().contains("alert group"), "{}", policy.text());
    let policy = send_json(
        &s.app,
        "PUT",
        "/api/v1/workflows/4242/alerts",
        json!({"notify": "never"}),
    )
    .await;
    assert_eq!(policy.status, StatusCode::NOT_FOUND);
    s.call(
        "PUT",
        &format!("/workflows/{wf}/alerts"),
        json!({"notify": "on_failure", "group": group["id"], "task_timeout_min": 30}),
    )
    .await;
    let held = send(
        &s.app,
        "DELETE",
        &format!("/api/v1/alerts/groups/{}", group["id"]),
        None,
    )
    .await;
    assert_eq!(held.status, StatusCode::CONFLICT, "{}", held.text());

    // A channel deleted leaves the groups that named it.
    let gone = send(
        &s.app,
        "DELETE",
        &format!("/api/v1/alerts/channels/{id}"),
        None,
    )
    .await;
    assert_eq!(gone.status, StatusCode::NO_CONTENT);
    assert_eq!(s.get("/alerts/groups").await[0]["channels"], json!([]));

    // A test send to a port nothing listens on: refused, said, logged.
    let hook = s
        .call(
            "POST",
            "/alerts/channels",
            json!({"name": "nowhere", "settings": {"kind": "webhook", "url": "http://127.0.0.1:9/x"}}),
        )
        .await;
    let report = s
        .call(
            "POST",
            &format!("/alerts/channels/{}/test", hook["id"]),
            json!({}),
        )
        .await;
    assert_eq!(report["delivered"], false);
    assert!(
        report["tries"][0]["detail"]
            .as_str()
            .unwrap()
            .contains("onnect"),
        "{report}"
    );
    assert_eq!(
        s.get(&format!("/alerts/deliveries?channel={}", hook["id"]))
            .await[0]["alert"]["kind"],
        "test"
    );
}

#[tokio::test]
async fn a_run_past_its_sla_deadlines_raises_one_sla_alert_per_deadline() {
    let s = sluice().await;
    let (url, got) = receiver(200).await;
    let hook = s
        .call(
            "POST",
            "/alerts/channels",
            json!({"name": "chat", "settings": {"kind": "webhook", "url": url}}),
        )
        .await;
    let group = s
        .call(
            "POST",
            "/alerts/groups",
            json!({"name": "sla", "channels": [hook["id"]]}),
        )
        .await;
    // Its nominal time is a property; it should have started 5 minutes after it and
    // ended within the hour, long ago.
    let wf = s
        .workflow_with(
            "report",
            "echo done",
            "<sla:info><sla:nominal-time>${nominalTime}</sla:nominal-time>\
             <sla:should-start>${5 * MINUTES}</sla:should-start>\
             <sla:should-end>${1 * HOURS}</sla:should-end></sla:info>",
        )
        .await;
    s.call(
        "PUT",
        &format!("/workflows/{wf}/alerts"),
        json!({"notify": "never", "group": group["id"], "sla_miss": true}),
    )
    .await;
    let run = s
        .call(
            "POST",
            &format!("/workflows/{wf}/run"),
            json!({"properties": {"nominalTime": "2026-01-01T00:00Z"}}),
        )
        .await["id"]
        .as_i64()
        .unwrap();
    let log = s.log_of(hook["id"].as_i64().unwrap(), 2).await;
    tokio::time::sleep(Duration::from_millis(500)).await;
    let bodies: Vec<Value> = got
        .lock()
        .unwrap()
        .iter()
        .map(|(_, b)| serde_json::from_slice(b).unwrap())
        .collect();
    assert_eq!(bodies.len(), 2, "start and end, once each: {bodies:?}");
    let mut texts: Vec<&str> = bodies.iter().map(|b| b["text"].as_str().unwrap()).collect();
    texts.sort();
    assert!(
        texts[0].contains("should have ended by 2026-01-01T01:00Z"),
        "{texts:?}"
    );
    assert!(
        texts[1].contains("should have started by 2026-01-01T00:05Z"),
        "{texts:?}"
    );
    assert!(
        bodies
            .iter()
            .all(|b| b["kind"] == "sla_miss" && b["job_id"] == format!("{run:07}-sluice-W"))
    );
    assert_eq!(log.len(), 2);
}
