//! The REST API driven through the router, without a socket: every route, and bad input of
//! every kind answered with a 4xx JSON error, never a 500.

mod common;

use std::sync::Arc;

use common::{assert_error, send, send_json};

use axum::Router;
use axum::body::Body;
use axum::http::{Request, StatusCode, header};
use backend::store::{SqliteStore, Store};
use backend::{AppState, app};
use serde_json::{Value, json};
use shared::api::Role;

/// The app, with every request made as an admin through an API token (the rules of who
/// may do what are tested in `auth.rs`).
async fn test_app() -> Router {
    let store = Arc::new(SqliteStore::in_memory().await.unwrap());
    let token = common::user_with_token(store.as_ref(), "admin", Role::Admin).await;
    common::as_bearer(app(AppState::new(store)), &token)
}

/// Creates a workflow and returns its id.
async fn create(app: &Router, name: &str) -> i64 {
    let reply = send_json(app, "POST", "/api/v1/workflows", json!({ "name": name })).await;
    assert_eq!(reply.status, StatusCode::CREATED, "{}", reply.text());
    reply.json()["id"].as_i64().unwrap()
}

/// a -> b -> end, all valid.
fn chain(name: &str) -> Value {
    json!({
        "name": name,
        "global": {"resource-manager": "localhost:8032", "name-node": "hdfs://localhost:8020"},
        "nodes": [
            {"name": "a", "type": "action", "action": "shell", "fields": {"exec": "echo", "argument": ["hi"]}, "position": {"x": 10.0, "y": 20.0}},
            {"name": "b", "type": "action", "action": "shell", "fields": {"exec": "echo"}, "position": {"x": 200.0, "y": 20.0}},
            {"name": "end", "type": "end", "position": {"x": 400.0, "y": 20.0}}
        ],
        "edges": [
            {"from": "a", "to": "b", "kind": "ok"},
            {"from": "b", "to": "end", "kind": "ok"}
        ]
    })
}

#[tokio::test]
async fn create_list_get_save_roundtrip() {
    let app = test_app().await;
    let created = send_json(&app, "POST", "/api/v1/workflows", json!({"name": "etl"})).await;
    assert_eq!(created.status, StatusCode::CREATED, "{}", created.text());
    let created = created.json();
    let id = created["id"].as_i64().unwrap();
    assert_eq!(created["revision"], 1);
    assert_eq!(created["definition"]["nodes"], json!([]));

    let saved = send_json(
        &app,
        "PUT",
        &format!("/api/v1/workflows/{id}"),
        json!({"revision": 1, "definition": chain("etl")}),
    )
    .await;
    assert_eq!(saved.status, StatusCode::OK, "{}", saved.text());
    let saved = saved.json();
    assert_eq!(saved["record"]["revision"], 2);
    assert_eq!(saved["validation"], json!({"valid": true, "issues": []}));

    let read = send(&app, "GET", &format!("/api/v1/workflows/{id}"), None).await;
    assert_eq!(read.status, StatusCode::OK);
    let read = read.json();
    assert_eq!(
        read["definition"]["nodes"][1]["position"],
        json!({"x": 200.0, "y": 20.0})
    );
    assert_eq!(read["definition"]["edges"], chain("etl")["edges"]);

    let list = send(&app, "GET", "/api/v1/workflows", None).await.json();
    assert_eq!(list["total"], 1);
    assert_eq!(list["items"][0]["name"], "etl");
    assert_eq!(list["items"][0]["size"], 3);
    assert_eq!(list["items"][0]["id"], id);
}

#[tokio::test]
async fn saving_keeps_invalid_drafts_and_reports_them() {
    let app = test_app().await;
    let id = create(&app, "loop").await;
    let mut def = chain("loop");
    def["edges"]
        .as_array_mut()
        .unwrap()
        .push(json!({"from": "b", "to": "a", "kind": "error"}));
    let saved = send_json(
        &app,
        "PUT",
        &format!("/api/v1/workflows/{id}"),
        json!({"definition": def}),
    )
    .await;
    assert_eq!(saved.status, StatusCode::OK);
    let validation = &saved.json()["validation"];
    assert_eq!(validation["valid"], false);
    assert_eq!(validation["issues"][0]["code"], "E0707");
    assert_eq!(validation["issues"][0]["nodes"], json!(["a", "b"]));
}

#[tokio::test]
async fn stale_saves_and_duplicate_names_conflict() {
    let app = test_app().await;
    let id = create(&app, "x").await;
    let uri = format!("/api/v1/workflows/{id}");
    let first = send_json(
        &app,
        "PUT",
        &uri,
        json!({"revision": 1, "definition": chain("x")}),
    )
    .await;
    assert_eq!(first.status, StatusCode::OK);
    let stale = send_json(
        &app,
        "PUT",
        &uri,
        json!({"revision": 1, "definition": chain("x")}),
    )
    .await;
    assert_error(&stale, StatusCode::CONFLICT, "conflict");
    let dup = send_json(&app, "POST", "/api/v1/workflows", json!({"name": "x"})).await;
    assert_error(&dup, StatusCode::CONFLICT, "conflict");
}

#[tokio::test]
async fn validate_route_reports_issues_with_nodes() {
    let app = test_app().await;
    let mut def = chain("v");
    def["nodes"][0]["fields"]["exec"] = json!("");
    let reply = send_json(&app, "POST", "/api/v1/validate", def).await;
    assert_eq!(reply.status, StatusCode::OK);
    let report = reply.json();
    assert_eq!(report["valid"], false);
    assert_eq!(report["issues"][0]["code"], "E0701");
    assert_eq!(report["issues"][0]["nodes"], json!(["a"]));
    assert_eq!(report["issues"][0]["severity"], "error");
}

#[tokio::test]
async fn export_routes_give_workflow_xml_or_the_issues() {
    let app = test_app().await;
    let reply = send_json(&app, "POST", "/api/v1/export", chain("exp")).await;
    assert_eq!(reply.status, StatusCode::OK, "{}", reply.text());
    assert!(reply.content_type.starts_with("application/xml"));
    assert_eq!(
        reply.headers[header::CONTENT_DISPOSITION],
        "attachment; filename=\"workflow.xml\""
    );
    assert!(
        reply
            .text()
            .contains(r#"<workflow-app xmlns="uri:oozie:workflow:0.5" name="exp">"#)
    );

    let id = create(&app, "exp").await;
    // Freshly created: no actions, exports start -> end.
    let stored = send(&app, "GET", &format!("/api/v1/workflows/{id}/export"), None).await;
    assert_eq!(stored.status, StatusCode::OK);
    assert!(stored.text().contains(r#"<start to="end"/>"#));

    let mut cyclic = chain("exp");
    cyclic["edges"][1] = json!({"from": "b", "to": "a", "kind": "ok"});
    let refused = send_json(&app, "POST", "/api/v1/export", cyclic).await;
    assert_error(
        &refused,
        StatusCode::UNPROCESSABLE_ENTITY,
        "invalid_definition",
    );
    assert_eq!(refused.json()["details"][0]["code"], "E0707");
}

#[tokio::test]
async fn bad_input_is_a_clear_4xx() {
    let app = test_app().await;
    /// method, path, body, expected status, expected error code
    type Case = (
        &'static str,
        &'static str,
        Option<Vec<u8>>,
        StatusCode,
        &'static str,
    );
    let cases: Vec<Case> = vec![
        (
            "GET",
            "/api/v1/workflows/999",
            None,
            StatusCode::NOT_FOUND,
            "not_found",
        ),
        (
            "GET",
            "/api/v1/workflows/abc",
            None,
            StatusCode::BAD_REQUEST,
            "invalid_path",
        ),
        (
            "GET",
            "/api/v1/nothing-here",
            None,
            StatusCode::NOT_FOUND,
            "not_found",
        ),
        (
            "DELETE",
            "/api/v1/validate",
            None,
            StatusCode::METHOD_NOT_ALLOWED,
            "method_not_allowed",
        ),
        (
            "POST",
            "/api/v1/workflows",
            Some(b"{not json".to_vec()),
            StatusCode::BAD_REQUEST,
            "invalid_json",
        ),
        (
            "POST",
            "/api/v1/workflows",
            Some(b"{\"nom\": 1}".to_vec()),
            StatusCode::UNPROCESSABLE_ENTITY,
            "invalid_json",
        ),
        (
            "POST",
            "/api/v1/workflows",
            Some(b"{\"name\": \"  \"}".to_vec()),
            StatusCode::UNPROCESSABLE_ENTITY,
            "invalid_request",
        ),
        (
            "POST",
            "/api/v1/workflows",
            Some(format!("{{\"name\": \"{}\"}}", "n".repeat(201)).into_bytes()),
            StatusCode::UNPROCESSABLE_ENTITY,
            "invalid_request",
        ),
        (
            "POST",
            "/api/v1/validate",
            Some(
                b"{\"name\": \"w\", \"nodes\": [{\"name\": \"a\", \"type\": \"rocket\"}]}".to_vec(),
            ),
            StatusCode::UNPROCESSABLE_ENTITY,
            "invalid_json",
        ),
        (
            "PUT",
            "/api/v1/workflows/1",
            Some(b"[]".to_vec()),
            StatusCode::UNPROCESSABLE_ENTITY,
            "invalid_json",
        ),
    ];
    for (method, uri, body, status, code) in cases {
        let reply = send(&app, method, uri, body).await;
        assert_eq!(reply.status, status, "{method} {uri}: {}", reply.text());
        assert_eq!(reply.json()["code"], code, "{method} {uri}");
    }
}

#[tokio::test]
async fn oversized_bodies_are_refused_with_413() {
    let app = test_app().await;
    let huge = vec![b' '; backend::http::MAX_BODY_BYTES + 1];
    let reply = send(&app, "POST", "/api/v1/validate", Some(huge)).await;
    assert_error(&reply, StatusCode::PAYLOAD_TOO_LARGE, "payload_too_large");
}

#[tokio::test]
async fn too_many_nodes_is_refused() {
    let app = test_app().await;
    let nodes: Vec<Value> = (0..=backend::service::MAX_NODES)
        .map(|i| json!({"name": format!("n{i}"), "type": "end"}))
        .collect();
    let reply = send_json(
        &app,
        "POST",
        "/api/v1/validate",
        json!({"name": "big", "nodes": nodes}),
    )
    .await;
    assert_error(&reply, StatusCode::UNPROCESSABLE_ENTITY, "invalid_request");
}

#[tokio::test]
async fn the_ui_is_served_for_non_api_paths() {
    let app = test_app().await;
    for path in ["/", "/workflows/7"] {
        let reply = send(&app, "GET", path, None).await;
        assert_eq!(reply.status, StatusCode::OK, "{path}");
        assert!(reply.content_type.starts_with("text/html"), "{path}");
    }
    let missing = send(&app, "GET", "/pkg/nope.wasm", None).await;
    assert_eq!(missing.status, StatusCode::NOT_FOUND);
}

#[tokio::test]
async fn health_readiness_and_metrics() {
    let app = test_app().await;
    let health = send(&app, "GET", "/healthz", None).await;
    assert_eq!(
        (health.status, health.json()["status"].as_str()),
        (StatusCode::OK, Some("ok"))
    );
    let ready = send(&app, "GET", "/readyz", None).await;
    assert_eq!(
        (ready.status, ready.json()["status"].as_str()),
        (StatusCode::OK, Some("ready"))
    );
    let id = create(&app, "measured").await;
    for _ in 0..3 {
        send(&app, "GET", &format!("/api/v1/workflows/{id}"), None).await;
    }
    send(&app, "GET", "/api/v1/nope/1/2", None).await;
    let metrics = send(&app, "GET", "/metrics", None).await;
    assert_eq!(metrics.status, StatusCode::OK);
    assert!(
        metrics
            .content_type
            .starts_with("text/plain; version=0.0.4")
    );
    let text = metrics.text();
    // Counted under the route's pattern, not its path.
    assert!(
        text.contains(r#"sluice_http_requests_total{method="GET",route="/api/v1/workflows/{id}",status="200"} 3"#),
        "{text}"
    );
    assert!(
        text.contains(r#"route="unmatched",status="404"} 1"#),
        "{text}"
    );
    assert!(
        text.contains(r#"sluice_http_request_duration_seconds_count{method="GET",route="/api/v1/workflows/{id}"} 3"#),
        "{text}"
    );
    assert!(text.contains(r#"le="+Inf"} 3"#), "{text}");
}

#[tokio::test]
async fn readiness_fails_while_the_database_is_unreachable_but_health_does_not() {
    let store = Arc::new(SqliteStore::in_memory().await.unwrap());
    let app = app(AppState::new(store.clone()));
    store.close().await;
    let ready = send(&app, "GET", "/readyz", None).await;
    assert_eq!(ready.status, StatusCode::SERVICE_UNAVAILABLE);
    assert_eq!(ready.json()["status"], "unavailable");
    assert!(
        ready.json()["reason"]
            .as_str()
            .unwrap()
            .contains("database error")
    );
    assert_eq!(
        send(&app, "GET", "/healthz", None).await.status,
        StatusCode::OK
    );
}

#[tokio::test]
async fn versions_list_view_restore_and_publish() {
    let app = test_app().await;
    let id = create(&app, "hist").await;
    let base = format!("/api/v1/workflows/{id}");
    let saved = send_json(
        &app,
        "PUT",
        &base,
        json!({"revision": 1, "definition": chain("hist"), "comment": "  the chain  "}),
    )
    .await;
    assert_eq!(saved.status, StatusCode::OK, "{}", saved.text());

    let versions = send(&app, "GET", &format!("{base}/versions"), None).await;
    assert_eq!(versions.status, StatusCode::OK);
    let versions = versions.json();
    assert_eq!(versions[0]["version"], 2);
    assert_eq!(versions[0]["comment"], "the chain");
    assert_eq!(versions[0]["size"], 3);
    assert_eq!(versions[1]["version"], 1);
    assert_eq!(versions[1]["comment"], "created");

    let one = send(&app, "GET", &format!("{base}/versions/1"), None)
        .await
        .json();
    assert_eq!(
        (one["version"].clone(), one["definition"]["nodes"].clone()),
        (json!(1), json!([]))
    );

    // Restoring version 1 makes version 3, with version 1's definition; nothing is lost.
    let restored = send_json(
        &app,
        "POST",
        &format!("{base}/versions/1/restore"),
        json!({"revision": 2}),
    )
    .await;
    assert_eq!(restored.status, StatusCode::OK, "{}", restored.text());
    assert_eq!(restored.json()["record"]["revision"], 3);
    assert_eq!(restored.json()["record"]["definition"]["nodes"], json!([]));
    let versions = send(&app, "GET", &format!("{base}/versions"), None)
        .await
        .json();
    assert_eq!(versions[0]["comment"], "restored version 1");
    assert_eq!(versions.as_array().unwrap().len(), 3);
    // A restore from a stale revision conflicts like a save.
    let stale = send_json(
        &app,
        "POST",
        &format!("{base}/versions/2/restore"),
        json!({"revision": 2}),
    )
    .await;
    assert_error(&stale, StatusCode::CONFLICT, "conflict");

    let published = send_json(
        &app,
        "POST",
        &format!("{base}/versions/2/publish"),
        json!({}),
    )
    .await;
    assert_eq!(published.status, StatusCode::OK, "{}", published.text());
    assert_eq!(published.json()["published_version"], 2);
    assert_eq!(
        send(&app, "GET", &base, None).await.json()["published_version"],
        2
    );

    assert_error(
        &send(&app, "GET", &format!("{base}/versions/9"), None).await,
        StatusCode::NOT_FOUND,
        "not_found",
    );
    assert_error(
        &send_json(
            &app,
            "POST",
            &format!("{base}/versions/9/publish"),
            json!({}),
        )
        .await,
        StatusCode::NOT_FOUND,
        "not_found",
    );
    assert_error(
        &send(&app, "GET", "/api/v1/workflows/999/versions", None).await,
        StatusCode::NOT_FOUND,
        "not_found",
    );
    let long = "x".repeat(2001);
    let too_long = send_json(
        &app,
        "PUT",
        &base,
        json!({"definition": chain("hist"), "comment": long}),
    )
    .await;
    assert_error(
        &too_long,
        StatusCode::UNPROCESSABLE_ENTITY,
        "invalid_request",
    );
}

#[tokio::test]
async fn diff_of_two_versions() {
    let app = test_app().await;
    let id = create(&app, "d").await;
    let base = format!("/api/v1/workflows/{id}");
    send_json(&app, "PUT", &base, json!({"definition": chain("d")})).await;
    let d = send(&app, "GET", &format!("{base}/diff?from=1&to=2"), None).await;
    assert_eq!(d.status, StatusCode::OK, "{}", d.text());
    let d = d.json();
    let added: Vec<&str> = d["nodes_added"]
        .as_array()
        .unwrap()
        .iter()
        .map(|v| v.as_str().unwrap())
        .collect();
    assert_eq!(added.len(), 3, "{d}");
    assert_eq!(
        d["edges_added"].as_array().unwrap().len(),
        chain("d")["edges"].as_array().unwrap().len()
    );
    assert_eq!(d["nodes_removed"], json!([]));
    let same = send(&app, "GET", &format!("{base}/diff?from=2&to=2"), None)
        .await
        .json();
    assert_eq!(same["nodes_added"], json!([]));
    assert_error(
        &send(&app, "GET", &format!("{base}/diff?from=1"), None).await,
        StatusCode::BAD_REQUEST,
        "invalid_query",
    );
    assert_error(
        &send(&app, "GET", &format!("{base}/diff?from=1&to=x"), None).await,
        StatusCode::BAD_REQUEST,
        "invalid_query",
    );
    assert_error(
        &send(&app, "GET", &format!("{base}/diff?from=1&to=7"), None).await,
        StatusCode::NOT_FOUND,
        "not_found",
    );
}

#[tokio::test]
async fn the_openapi_document_describes_every_endpoint_and_its_references_resolve() {
    let store = Arc::new(SqliteStore::in_memory().await.unwrap());
    let app = app(AppState::new(store));
    let reply = send(&app, "GET", "/api/openapi.json", None).await;
    assert_eq!(reply.status, StatusCode::OK, "served without logging in");
    assert!(reply.content_type.starts_with("application/json"));
    let doc = reply.json();
    assert_eq!(doc["openapi"], "3.0.3");
    for e in backend::http::endpoints() {
        let op = &doc["paths"][format!("/api/v1{}", e.path)][e.method.as_str().to_lowercase()];
        assert!(op.is_object(), "{} {} is not documented", e.method, e.path);
        assert!(op["responses"]["default"].is_object());
        assert_eq!(
            op["security"].as_array().unwrap().is_empty(),
            e.role.is_none()
        );
    }
    let schemas = doc["components"]["schemas"].as_object().unwrap();
    for name in ["Workflow", "Node", "SessionInfo", "ErrorBody", "Role"] {
        assert!(schemas.contains_key(name), "no schema {name}");
    }
    // Every $ref points at a schema that exists.
    fn refs(v: &Value, out: &mut Vec<String>) {
        match v {
            Value::Object(m) => {
                if let Some(Value::String(r)) = m.get("$ref") {
                    out.push(r.clone());
                }
                m.values().for_each(|v| refs(v, out));
            }
            Value::Array(a) => a.iter().for_each(|v| refs(v, out)),
            _ => {}
        }
    }
    let mut all = Vec::new();
    refs(&doc, &mut all);
    assert!(all.len() > 20, "{}", all.len());
    for r in all {
        let name = r
            .strip_prefix("#/components/schemas/")
            .unwrap_or_else(|| panic!("{r}"));
        assert!(schemas.contains_key(name), "dangling {r}");
    }
}

/// Reads the next chunk of a streamed body, within a second.
async fn next_chunk(body: &mut axum::body::Body) -> Option<String> {
    use http_body_util::BodyExt;
    let frame = tokio::time::timeout(std::time::Duration::from_secs(1), body.frame())
        .await
        .ok()??
        .ok()?;
    frame
        .into_data()
        .ok()
        .map(|d| String::from_utf8_lossy(&d).into_owned())
}

#[tokio::test]
async fn the_event_stream_tells_of_saves_and_ends_at_shutdown() {
    use tower::ServiceExt;
    let store = Arc::new(SqliteStore::in_memory().await.unwrap());
    let token = common::user_with_token(store.as_ref(), "ed", Role::Editor).await;
    let (closing, closing_rx) = tokio::sync::watch::channel(false);
    let app = app(AppState::with_shutdown(store, closing_rx));
    let bearer = format!("Bearer {token}");

    let req = Request::builder()
        .uri("/api/v1/events")
        .header(header::AUTHORIZATION, &bearer)
        .body(Body::empty())
        .unwrap();
    let res = app.clone().oneshot(req).await.unwrap();
    assert_eq!(res.status(), StatusCode::OK);
    assert_eq!(res.headers()[header::CONTENT_TYPE], "text/event-stream");
    let mut body = res.into_body();

    let created = common::send_with(
        &app,
        "POST",
        "/api/v1/workflows",
        &[("authorization", &bearer)],
        Some(serde_json::to_vec(&json!({"name": "live"})).unwrap()),
    )
    .await;
    assert_eq!(created.status, StatusCode::CREATED);
    let event = next_chunk(&mut body).await.expect("an event");
    assert!(event.starts_with("event: change\n"), "{event}");
    let data: Value = serde_json::from_str(
        event
            .lines()
            .nth(1)
            .unwrap()
            .strip_prefix("data: ")
            .unwrap(),
    )
    .unwrap();
    assert_eq!(data["actor"], "ed");
    assert_eq!(data["action"], "POST /api/v1/workflows");
    assert_eq!(data["target"], "/api/v1/workflows");

    // Reads and refused changes tell nothing.
    common::send_with(
        &app,
        "GET",
        "/api/v1/workflows",
        &[("authorization", &bearer)],
        None,
    )
    .await;
    assert_eq!(next_chunk(&mut body).await, None);

    closing.send(true).unwrap();
    use http_body_util::BodyExt;
    let rest = tokio::time::timeout(std::time::Duration::from_secs(2), body.collect()).await;
    assert!(rest.is_ok(), "the stream did not end at shutdown");
}
