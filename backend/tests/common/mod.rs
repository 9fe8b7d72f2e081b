//! Requests through the router without a socket, for the API test files.

#![allow(dead_code, unreachable_pub)] // Each test file uses its own part of this.

pub mod aiosmtpd;
pub mod smtp;

use axum::Router;
use axum::body::Body;
use axum::http::{HeaderMap, Request, StatusCode, header};
use backend::service::auth::{create_user, issue_token};
use backend::store::Store;
use http_body_util::BodyExt;
use serde_json::Value;
use shared::api::Role;
use tower::ServiceExt;

#[derive(Debug)]
pub struct Reply {
    pub status: StatusCode,
    pub content_type: String,
    pub headers: HeaderMap,
    pub body: Vec<u8>,
}

impl Reply {
    pub fn json(&self) -> Value {
        serde_json::from_slice(&self.body)
            .unwrap_or_else(|e| panic!("not JSON ({e}): {}", String::from_utf8_lossy(&self.body)))
    }
    pub fn text(&self) -> String {
        String::from_utf8(self.body.clone()).unwrap()
    }
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers.get(name).and_then(|v| v.to_str().ok())
    }
}

/// One request with extra headers; a body is sent as JSON.
pub async fn send_with(
    app: &Router,
    method: &str,
    uri: &str,
    headers: &[(&str, &str)],
    body: Option<Vec<u8>>,
) -> Reply {
    let mut req = Request::builder().method(method).uri(uri);
    if body.is_some() {
        req = req.header(header::CONTENT_TYPE, "application/json");
    }
    for (name, value) in headers {
        req = req.header(*name, *value);
    }
    let req = req.body(body.map_or_else(Body::empty, Body::from)).unwrap();
    let res = app.clone().oneshot(req).await.unwrap();
    let status = res.status();
    let headers = res.headers().clone();
    let content_type = headers
        .get(header::CONTENT_TYPE)
        .map(|v| v.to_str().unwrap().to_owned())
        .unwrap_or_default();
    let body = res.into_body().collect().await.unwrap().to_bytes().to_vec();
    Reply {
        status,
        content_type,
        headers,
        body,
    }
}

pub async fn send(app: &Router, method: &str, uri: &str, body: Option<Vec<u8>>) -> Reply {
    send_with(app, method, uri, &[], body).await
}

pub async fn send_json(app: &Router, method: &str, uri: &str, body: Value) -> Reply {
    send(app, method, uri, Some(serde_json::to_vec(&body).unwrap())).await
}

pub fn assert_error(reply: &Reply, status: StatusCode, code: &str) {
    assert_eq!(reply.status, status, "{}", reply.text());
    let body = reply.json();
    assert_eq!(body["code"], code, "{body}");
    assert!(
        body["message"].as_str().is_some_and(|m| !m.is_empty()),
        "{body}"
    );
}

/// The status of a GET with an API token, without reading the body (for streams).
pub async fn status_only(app: &Router, uri: &str, token: &str) -> StatusCode {
    let req = Request::builder()
        .uri(uri)
        .header(header::AUTHORIZATION, format!("Bearer {token}"))
        .body(Body::empty())
        .unwrap();
    app.clone().oneshot(req).await.unwrap().status()
}

/// The password of every user [`user_with_token`] makes.
pub const PASSWORD: &str = "correct horse battery";

/// Adds a user with `role` (password [`PASSWORD`], no change pending) and gives an API token
/// of theirs with the same role.
pub async fn user_with_token(store: &dyn Store, name: &str, role: Role) -> String {
    create_user(store, name, PASSWORD, role, false)
        .await
        .unwrap();
    let id = store.find_user(name).await.unwrap().id;
    issue_token(store, id, "tests", role).await.unwrap().token
}

/// `app` with every request made by the holder of `token`, unless the request names its
/// own credentials.
pub fn as_bearer(app: Router, token: &str) -> Router {
    let bearer = axum::http::HeaderValue::from_str(&format!("Bearer {token}")).unwrap();
    app.layer(axum::middleware::map_request(
        move |mut req: Request<Body>| {
            let bearer = bearer.clone();
            async move {
                req.headers_mut()
                    .entry(header::AUTHORIZATION)
                    .or_insert(bearer);
                req
            }
        },
    ))
}

/// A workflow engine on `store`, its tasks working under `runs`, with a short kill grace so
/// tests of kills do not wait 10 s.
pub async fn engine(
    store: std::sync::Arc<dyn Store>,
    runs: &std::path::Path,
    slots: usize,
) -> (
    backend::engine::runner::EngineHandle,
    tokio::task::JoinHandle<()>,
) {
    let mut exec = backend::engine::exec::ExecConfig::new(runs.to_owned());
    exec.kill_grace = std::time::Duration::from_millis(500);
    backend::engine::runner::start(
        store,
        backend::engine::runner::RunnerConfig {
            slots,
            exec,
            shared: false,
        },
    )
    .await
    .unwrap()
}

/// Reads an event stream until `wanted` has come (20 s at most); gives all it read.
pub async fn events_until(body: &mut Body, wanted: &str) -> String {
    let mut seen = String::new();
    let deadline = tokio::time::Instant::now() + std::time::Duration::from_secs(20);
    while !seen.contains(wanted) {
        let frame = tokio::time::timeout_at(deadline, body.frame())
            .await
            .unwrap_or_else(|_| panic!("no {wanted}; saw:\n{seen}"))
            .expect("the stream goes on")
            .unwrap();
        if let Ok(data) = frame.into_data() {
            seen.push_str(&String::from_utf8_lossy(&data));
        }
    }
    seen
}

/// Creates a stored workflow through the API and saves `wf` as its newest version: its id,
/// and the save's answer (with the server's validation).
pub async fn save_workflow(app: &Router, wf: &shared::workflow::Workflow) -> (i64, Value) {
    let created = send_json(
        app,
        "POST",
        "/api/v1/workflows",
        serde_json::json!({"name": wf.name}),
    )
    .await;
    assert_eq!(created.status, StatusCode::CREATED, "{}", created.text());
    let id = created.json()["id"].as_i64().unwrap();
    let saved = send_json(
        app,
        "PUT",
        &format!("/api/v1/workflows/{id}"),
        serde_json::json!({"definition": wf}),
    )
    .await;
    assert_eq!(saved.status, StatusCode::OK, "{}", saved.text());
    (id, saved.json())
}

/// Starts a run of a stored workflow (`body`: `{"properties": …}` or `{}`); its instance.
pub async fn run_workflow(app: &Router, workflow: i64, body: Value) -> i64 {
    let reply = send_json(
        app,
        "POST",
        &format!("/api/v1/workflows/{workflow}/run"),
        body,
    )
    .await;
    assert_eq!(reply.status, StatusCode::CREATED, "{}", reply.text());
    reply.json()["id"].as_i64().unwrap()
}
