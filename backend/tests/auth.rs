//! Who may do what, route by route; sessions with CSRF; tokens; login limits; one-time
//! passwords; the audit log. Driven through the router, as the API tests are.

mod common;

use std::sync::Arc;

use axum::Router;
use axum::http::StatusCode;
use backend::http::openapi::Answer;
use backend::service::auth::{self, MAX_FAILURES_PER_ACCOUNT};
use backend::store::{SqliteStore, Store};
use backend::{AppState, app};
use common::{PASSWORD, Reply, assert_error, send_with, status_only, user_with_token};
use serde_json::{Value, json};
use shared::api::Role;

struct Fixture {
    app: Router,
    store: Arc<SqliteStore>,
    _runs: tempfile::TempDir,
    /// An API token per role, of a user with that role.
    tokens: Vec<(Role, String)>,
}

impl Fixture {
    async fn new() -> Self {
        let store = Arc::new(SqliteStore::in_memory().await.unwrap());
        let mut tokens = Vec::new();
        for role in Role::ALL {
            let token = user_with_token(store.as_ref(), role.as_str(), role).await;
            tokens.push((role, token));
        }
        let runs = tempfile::tempdir().unwrap();
        let (engine, _) = common::engine(store.clone(), runs.path(), 2).await;
        let (scheduler, _) = backend::engine::scheduler::start(
            store.clone(),
            engine.clone(),
            std::time::Duration::from_secs(5),
        )
        .await
        .unwrap();
        Fixture {
            app: app(AppState::new(store.clone())
                .with_engine(engine)
                .with_scheduler(scheduler)),
            store,
            _runs: runs,
            tokens,
        }
    }

    fn token(&self, role: Role) -> &str {
        &self.tokens.iter().find(|(r, _)| *r == role).unwrap().1
    }

    async fn as_role(&self, role: Role, method: &str, uri: &str, body: Option<Value>) -> Reply {
        let bearer = format!("Bearer {}", self.token(role));
        send_with(
            &self.app,
            method,
            uri,
            &[("authorization", &bearer)],
            body.map(|b| serde_json::to_vec(&b).unwrap()),
        )
        .await
    }

    async fn anonymous(&self, method: &str, uri: &str, body: Option<Value>) -> Reply {
        send_with(
            &self.app,
            method,
            uri,
            &[],
            body.map(|b| serde_json::to_vec(&b).unwrap()),
        )
        .await
    }

    /// Logs in through the API: the session cookie and the CSRF token.
    async fn login(&self, name: &str, password: &str) -> Result<(String, String), Reply> {
        let reply = self
            .anonymous(
                "POST",
                "/api/v1/auth/login",
                Some(json!({ "name": name, "password": password })),
            )
            .await;
        if reply.status != StatusCode::OK {
            return Err(reply);
        }
        let cookie = reply.headers["set-cookie"].to_str().unwrap().to_owned();
        let pair = cookie.split(';').next().unwrap().to_owned();
        Ok((
            pair,
            reply.json()["csrf_token"].as_str().unwrap().to_owned(),
        ))
    }
}

async fn with_cookie(
    app: &Router,
    method: &str,
    uri: &str,
    cookie: &str,
    csrf: Option<&str>,
    body: Option<Value>,
) -> Reply {
    let mut headers = vec![("cookie", cookie)];
    if let Some(csrf) = csrf {
        headers.push(("x-csrf-token", csrf));
    }
    send_with(
        app,
        method,
        uri,
        &headers,
        body.map(|b| serde_json::to_vec(&b).unwrap()),
    )
    .await
}

/// The role each endpoint must need, written down apart from the route table the router
/// enforces, so that a wrong entry there fails here.
fn expected_role(method: &str, path: &str) -> Role {
    let path = path.replace("/coordinators", "/workflows");
    match (method, path.as_str()) {
        ("POST", "/workflows" | "/workflows/{id}/versions/{version}/restore" | "/import")
        | ("PUT", "/workflows/{id}") => Role::Editor,
        (
            "POST",
            "/workflows/{id}/versions/{version}/publish"
            | "/workflows/{id}/run"
            | "/workflows/{id}/backfill",
        ) => Role::Operator,
        ("POST", p) if p.starts_with("/instances/") || p.starts_with("/coordinator-jobs/") => {
            Role::Operator
        }
        (_, "/users" | "/users/{name}" | "/audit") => Role::Admin,
        ("PUT", "/workflows/{id}/alerts") => Role::Editor,
        // Who can be told is anyone's to read (the policy form lists the groups); the
        // channels, their changes and the delivery log are admins'.
        ("GET", "/alerts/groups") => Role::Viewer,
        (_, p) if p.starts_with("/alerts/") => Role::Admin,
        // A designer picks a datasource by name; what they are is admins' to change.
        ("GET", "/datasources") => Role::Viewer,
        (_, p) if p.starts_with("/datasources") => Role::Admin,
        _ => Role::Viewer,
    }
}

/// A request to make of each endpoint in the role test: the concrete URI and a body. An
/// endpoint without one fails the test, so a new route cannot skip its role check.
fn sample(method: &str, path: &str) -> Option<(String, Option<Value>)> {
    if let Some(rest) = path.strip_prefix("/coordinators")
        && rest != "/validate"
    {
        // The same routes as workflows', on coordinator 1.
        let (uri, body) = sample(method, &format!("/workflows{rest}"))?;
        let body = body.map(|b| match b.get("definition") {
            Some(_) => json!({ "revision": null, "definition": coordinator() }),
            None => b,
        });
        return Some((uri.replace("/workflows", "/coordinators"), body));
    }
    let drawing = json!({ "name": "w1", "nodes": [], "edges": [] });
    let (uri, body) = match (method, path) {
        ("GET", "/auth/session") => ("/api/v1/auth/session", None),
        ("POST", "/auth/logout") => ("/api/v1/auth/logout", None),
        ("POST", "/auth/password") => (
            "/api/v1/auth/password",
            Some(json!({"current": "x", "new": "y"})),
        ),
        ("GET", "/tokens") => ("/api/v1/tokens", None),
        ("POST", "/tokens") => (
            "/api/v1/tokens",
            Some(json!({"name": "t", "role": "viewer"})),
        ),
        ("DELETE", "/tokens/{id}") => ("/api/v1/tokens/999", None),
        ("GET", "/workflows") => ("/api/v1/workflows", None),
        ("POST", "/workflows") => ("/api/v1/workflows", Some(json!({"name": "new"}))),
        ("GET", "/workflows/{id}") => ("/api/v1/workflows/1", None),
        ("PUT", "/workflows/{id}") => (
            "/api/v1/workflows/1",
            Some(json!({ "revision": null, "definition": drawing })),
        ),
        ("GET", "/workflows/{id}/export") => ("/api/v1/workflows/1/export", None),
        ("GET", "/workflows/{id}/versions") => ("/api/v1/workflows/1/versions", None),
        ("GET", "/workflows/{id}/versions/{version}") => ("/api/v1/workflows/1/versions/1", None),
        ("GET", "/workflows/{id}/diff") => ("/api/v1/workflows/1/diff?from=1&to=1", None),
        ("POST", "/workflows/{id}/versions/{version}/restore") => {
            ("/api/v1/workflows/1/versions/1/restore", Some(json!({})))
        }
        ("POST", "/workflows/{id}/versions/{version}/publish") => {
            ("/api/v1/workflows/1/versions/1/publish", None)
        }
        ("POST", "/validate") => ("/api/v1/validate", Some(drawing)),
        ("POST", "/export") => ("/api/v1/export", Some(drawing)),
        ("GET", "/users") => ("/api/v1/users", None),
        ("POST", "/users") => (
            "/api/v1/users",
            Some(json!({"name": "u", "password": "x", "role": "viewer"})),
        ),
        ("PATCH", "/users/{name}") => ("/api/v1/users/nobody", Some(json!({"role": "viewer"}))),
        ("DELETE", "/users/{name}") => ("/api/v1/users/nobody", None),
        ("GET", "/audit") => ("/api/v1/audit", None),
        ("GET", "/workflows/{id}/alerts") => ("/api/v1/workflows/1/alerts", None),
        ("PUT", "/workflows/{id}/alerts") => (
            "/api/v1/workflows/1/alerts",
            Some(json!({"notify": "never"})),
        ),
        ("GET", "/alerts/channels" | "/alerts/groups" | "/alerts/deliveries") => {
            return Some((format!("/api/v1{path}"), None));
        }
        ("POST", "/alerts/channels") | ("PUT", "/alerts/channels/{id}") => {
            return Some((
                format!("/api/v1{}", path.replace("{id}", "999")),
                Some(
                    json!({"name": "hook", "settings": {"kind": "webhook", "url": "http://127.0.0.1:9/"}}),
                ),
            ));
        }
        ("POST", "/alerts/groups") | ("PUT", "/alerts/groups/{id}") => {
            return Some((
                format!("/api/v1{}", path.replace("{id}", "999")),
                Some(json!({"name": "g", "channels": []})),
            ));
        }
        ("DELETE", p) | ("POST", p) if p.starts_with("/alerts/") => {
            return Some((format!("/api/v1{}", p.replace("{id}", "999")), None));
        }
        ("GET", "/datasources") => ("/api/v1/datasources", None),
        ("POST", "/datasources") | ("PUT", "/datasources/{id}") => {
            return Some((
                format!("/api/v1{}", path.replace("{id}", "999")),
                Some(json!({"name": "db", "settings": {"kind": "sqlite", "path": "/tmp/x.db"}})),
            ));
        }
        ("DELETE", "/datasources/{id}") | ("POST", "/datasources/{id}/test") => {
            return Some((format!("/api/v1{}", path.replace("{id}", "999")), None));
        }
        ("POST", "/workflows/{id}/run") => ("/api/v1/workflows/1/run", Some(json!({}))),
        // Coordinators only (reached through the coordinators' prefix above).
        ("POST", "/workflows/{id}/backfill") => (
            "/api/v1/workflows/1/backfill?dry_run=true",
            Some(json!({"from": "2026-01-01T00:00Z", "to": "2026-01-01T01:00Z"})),
        ),
        ("GET", "/instances") => ("/api/v1/instances", None),
        ("GET", "/coordinator-jobs") => ("/api/v1/coordinator-jobs", None),
        ("GET", "/coordinator-jobs/{id}") => ("/api/v1/coordinator-jobs/999", None),
        ("POST", "/coordinator-jobs/{id}/change") => (
            "/api/v1/coordinator-jobs/999/change",
            Some(json!({"concurrency": 2})),
        ),
        ("POST", "/coordinator-jobs/{id}/rerun" | "/coordinator-jobs/{id}/ignore") => {
            return Some((
                path.replace("{id}", "999")
                    .replace("/coordinator-jobs", "/api/v1/coordinator-jobs"),
                Some(json!({"actions": "1"})),
            ));
        }
        ("POST", op) if op.starts_with("/coordinator-jobs/{id}/") => {
            return Some((
                op.replace("{id}", "999")
                    .replace("/coordinator-jobs", "/api/v1/coordinator-jobs"),
                Some(json!({})),
            ));
        }
        ("GET", "/instances/{id}") => ("/api/v1/instances/999", None),
        ("GET", "/instances/{id}/audit") => ("/api/v1/instances/999/audit", None),
        ("GET", "/instances/{id}/definition") => ("/api/v1/instances/999/definition", None),
        ("GET", "/coordinator-jobs/{id}/audit") => ("/api/v1/coordinator-jobs/999/audit", None),
        ("POST", "/instances/{id}/rerun") => {
            ("/api/v1/instances/999/rerun", Some(json!({"scope": "all"})))
        }
        ("POST", "/instances/{id}/mark") => (
            "/api/v1/instances/999/mark",
            Some(json!({"node": "a", "mark": "skipped"})),
        ),
        ("POST", op) if op.starts_with("/instances/{id}/") => {
            return Some((
                op.replace("{id}", "999")
                    .replace("/instances", "/api/v1/instances"),
                Some(json!({})),
            ));
        }
        ("GET", "/instances/{id}/nodes/{node}/log") => ("/api/v1/instances/999/nodes/a/log", None),
        // A stream: the role test reads only its status.
        ("GET", "/events") => ("/api/v1/events", None),
        ("POST", "/coordinators/validate") => {
            ("/api/v1/coordinators/validate", Some(coordinator()))
        }
        // Not a zip, nor XML: the report says so (the import tests cover real files).
        ("POST", "/import") => ("/api/v1/import?dry_run=true", Some(json!("text"))),
        _ => return None,
    };
    Some((uri.to_owned(), body))
}

fn coordinator() -> Value {
    json!({ "name": "c1", "frequency": "60", "start": "2026-01-01T00:00Z",
            "end": "2026-01-02T00:00Z", "timezone": "UTC", "app_path": "/apps/w1" })
}

#[tokio::test]
async fn every_route_refuses_strangers_and_roles_below_its_own() {
    let f = Fixture::new().await;
    let created = f
        .as_role(
            Role::Editor,
            "POST",
            "/api/v1/workflows",
            Some(json!({"name": "w1"})),
        )
        .await;
    assert_eq!(created.status, StatusCode::CREATED, "{}", created.text());
    let created = f
        .as_role(
            Role::Editor,
            "POST",
            "/api/v1/coordinators",
            Some(json!({"name": "c1"})),
        )
        .await;
    assert_eq!(created.status, StatusCode::CREATED, "{}", created.text());

    let endpoints = backend::http::endpoints();
    assert!(endpoints.len() >= 37, "{}", endpoints.len());
    for e in endpoints {
        let method = e.method.as_str();
        let Some(least) = e.role else {
            assert_eq!(e.path, "/auth/login", "only login is public");
            continue;
        };
        assert_eq!(
            least,
            expected_role(method, e.path),
            "{method} {}: the route table gives the wrong role",
            e.path
        );
        let (uri, body) = sample(method, e.path)
            .unwrap_or_else(|| panic!("no sample request for {method} {}", e.path));
        let uri = uri.as_str();
        let stranger = f.anonymous(method, uri, body.clone()).await;
        assert_error(&stranger, StatusCode::UNAUTHORIZED, "unauthenticated");
        for role in Role::ALL {
            if matches!(e.answer, Answer::Events) {
                let status = status_only(&f.app, uri, f.token(role)).await;
                assert_eq!(
                    status == StatusCode::FORBIDDEN,
                    role < least,
                    "{uri} as {role}"
                );
                continue;
            }
            let reply = f.as_role(role, method, uri, body.clone()).await;
            let refused =
                reply.status == StatusCode::FORBIDDEN && reply.json()["code"] == "role_required";
            assert_eq!(
                refused,
                role < least,
                "{method} {uri} as {role}: {} {}",
                reply.status,
                reply.text()
            );
            assert!(
                !reply.status.is_server_error(),
                "{method} {uri}: {}",
                reply.text()
            );
        }
    }
    // Unknown routes are no way around the rule either.
    let unknown = f.anonymous("GET", "/api/v1/nothing-here", None).await;
    assert_error(&unknown, StatusCode::UNAUTHORIZED, "unauthenticated");
}

#[tokio::test]
async fn bad_credentials_are_401_not_anonymous() {
    let f = Fixture::new().await;
    let bad = send_with(
        &f.app,
        "GET",
        "/api/v1/workflows",
        &[("authorization", "Bearer sluice_00")],
        None,
    )
    .await;
    assert_error(&bad, StatusCode::UNAUTHORIZED, "unauthenticated");
    let basic = send_with(
        &f.app,
        "GET",
        "/api/v1/workflows",
        &[("authorization", "Basic YWRtaW46YWRtaW4=")],
        None,
    )
    .await;
    assert_error(&basic, StatusCode::UNAUTHORIZED, "unauthenticated");
    let forged = with_cookie(
        &f.app,
        "GET",
        "/api/v1/workflows",
        "sluice_session=00ff",
        None,
        None,
    )
    .await;
    assert_error(&forged, StatusCode::UNAUTHORIZED, "unauthenticated");
}

#[tokio::test]
async fn a_browser_session_needs_its_csrf_token_for_changes_and_ends_at_logout() {
    let f = Fixture::new().await;
    let wrong = f.login("editor", "not the password").await.unwrap_err();
    assert_error(&wrong, StatusCode::UNAUTHORIZED, "unauthenticated");
    let unknown = f.login("nobody", PASSWORD).await.unwrap_err();
    assert_eq!(
        unknown.json()["message"],
        wrong.json()["message"],
        "an unknown name and a wrong password must look the same"
    );

    let reply = f
        .anonymous(
            "POST",
            "/api/v1/auth/login",
            Some(json!({"name": "editor", "password": PASSWORD})),
        )
        .await;
    let set_cookie = reply.headers["set-cookie"].to_str().unwrap();
    for attribute in ["HttpOnly", "SameSite=Strict", "Path=/"] {
        assert!(set_cookie.contains(attribute), "{set_cookie}");
    }
    assert_eq!(reply.json()["role"], "editor");

    let (cookie, csrf) = f.login("editor", PASSWORD).await.unwrap();
    let session = with_cookie(&f.app, "GET", "/api/v1/auth/session", &cookie, None, None).await;
    assert_eq!(session.status, StatusCode::OK);
    assert_eq!(session.json()["name"], "editor");
    assert_eq!(session.json()["csrf_token"], csrf.as_str());

    let body = Some(json!({"name": "by-cookie"}));
    let without = with_cookie(
        &f.app,
        "POST",
        "/api/v1/workflows",
        &cookie,
        None,
        body.clone(),
    )
    .await;
    assert_error(&without, StatusCode::FORBIDDEN, "csrf");
    let forged = with_cookie(
        &f.app,
        "POST",
        "/api/v1/workflows",
        &cookie,
        Some(&"0".repeat(64)),
        body.clone(),
    )
    .await;
    assert_error(&forged, StatusCode::FORBIDDEN, "csrf");
    let with = with_cookie(
        &f.app,
        "POST",
        "/api/v1/workflows",
        &cookie,
        Some(&csrf),
        body,
    )
    .await;
    assert_eq!(with.status, StatusCode::CREATED, "{}", with.text());
    // The version is signed by the user who saved it.
    let versions = with_cookie(
        &f.app,
        "GET",
        "/api/v1/workflows/1/versions",
        &cookie,
        None,
        None,
    )
    .await;
    assert_eq!(versions.json()[0]["author"], "editor");

    let out = with_cookie(
        &f.app,
        "POST",
        "/api/v1/auth/logout",
        &cookie,
        Some(&csrf),
        None,
    )
    .await;
    assert_eq!(out.status, StatusCode::NO_CONTENT);
    assert!(
        out.headers["set-cookie"]
            .to_str()
            .unwrap()
            .contains("Max-Age=0")
    );
    let after = with_cookie(&f.app, "GET", "/api/v1/auth/session", &cookie, None, None).await;
    assert_error(&after, StatusCode::UNAUTHORIZED, "unauthenticated");
}

#[tokio::test]
async fn repeated_failures_lock_the_account_for_a_while() {
    let f = Fixture::new().await;
    for _ in 0..MAX_FAILURES_PER_ACCOUNT {
        let reply = f.login("viewer", "guess guess guess").await.unwrap_err();
        assert_eq!(reply.status, StatusCode::UNAUTHORIZED);
    }
    // Even the right password is refused now, with when to come back.
    let locked = f.login("viewer", PASSWORD).await.unwrap_err();
    assert_error(&locked, StatusCode::TOO_MANY_REQUESTS, "too_many_attempts");
    let retry: u64 = locked.headers["retry-after"]
        .to_str()
        .unwrap()
        .parse()
        .unwrap();
    assert!((1..=900).contains(&retry), "{retry}");
    // Other accounts are not affected.
    assert!(f.login("editor", PASSWORD).await.is_ok());
}

#[tokio::test]
async fn a_name_no_account_can_have_is_refused_without_being_tracked() {
    let f = Fixture::new().await;
    let huge = "x".repeat(100_000);
    for _ in 0..=MAX_FAILURES_PER_ACCOUNT {
        let reply = f.login(&huge, PASSWORD).await.unwrap_err();
        assert_error(&reply, StatusCode::UNAUTHORIZED, "unauthenticated");
    }
}

#[tokio::test]
async fn a_one_time_password_allows_nothing_but_choosing_a_new_one() {
    let f = Fixture::new().await;
    let created = f
        .as_role(
            Role::Admin,
            "POST",
            "/api/v1/users",
            Some(json!({"name": "dana", "password": "temporary-pass-1", "role": "editor"})),
        )
        .await;
    assert_eq!(created.status, StatusCode::CREATED, "{}", created.text());
    assert_eq!(created.json()["must_change_password"], true);
    assert!(created.json().get("password_hash").is_none());

    let (cookie, csrf) = f.login("dana", "temporary-pass-1").await.unwrap();
    let blocked = with_cookie(&f.app, "GET", "/api/v1/workflows", &cookie, None, None).await;
    assert_error(&blocked, StatusCode::FORBIDDEN, "password_change_required");
    let (other_cookie, _) = f.login("dana", "temporary-pass-1").await.unwrap();

    let short = with_cookie(
        &f.app,
        "POST",
        "/api/v1/auth/password",
        &cookie,
        Some(&csrf),
        Some(json!({"current": "temporary-pass-1", "new": "short"})),
    )
    .await;
    assert_error(&short, StatusCode::UNPROCESSABLE_ENTITY, "invalid_request");
    let wrong = with_cookie(
        &f.app,
        "POST",
        "/api/v1/auth/password",
        &cookie,
        Some(&csrf),
        Some(json!({"current": "not it at all", "new": "a much better one"})),
    )
    .await;
    assert_error(&wrong, StatusCode::FORBIDDEN, "forbidden");
    let changed = with_cookie(
        &f.app,
        "POST",
        "/api/v1/auth/password",
        &cookie,
        Some(&csrf),
        Some(json!({"current": "temporary-pass-1", "new": "a much better one"})),
    )
    .await;
    assert_eq!(changed.status, StatusCode::OK, "{}", changed.text());
    assert_eq!(changed.json()["must_change_password"], false);

    // This session goes on; the other one ended with the old password.
    let list = with_cookie(&f.app, "GET", "/api/v1/workflows", &cookie, None, None).await;
    assert_eq!(list.status, StatusCode::OK, "{}", list.text());
    let other = with_cookie(
        &f.app,
        "GET",
        "/api/v1/workflows",
        &other_cookie,
        None,
        None,
    )
    .await;
    assert_error(&other, StatusCode::UNAUTHORIZED, "unauthenticated");
    assert!(f.login("dana", "temporary-pass-1").await.is_err());
    assert!(f.login("dana", "a much better one").await.is_ok());
}

#[tokio::test]
async fn tokens_are_capped_by_their_owner_and_stop_when_revoked() {
    let f = Fixture::new().await;
    let too_much = f
        .as_role(
            Role::Editor,
            "POST",
            "/api/v1/tokens",
            Some(json!({"name": "deploy", "role": "admin"})),
        )
        .await;
    assert_error(&too_much, StatusCode::FORBIDDEN, "forbidden");

    let made = f
        .as_role(
            Role::Operator,
            "POST",
            "/api/v1/tokens",
            Some(json!({"name": "ci", "role": "viewer"})),
        )
        .await;
    assert_eq!(made.status, StatusCode::CREATED, "{}", made.text());
    let secret = made.json()["token"].as_str().unwrap().to_owned();
    assert!(secret.starts_with("sluice_"));
    let id = made.json()["id"].as_i64().unwrap();
    let bearer = format!("Bearer {secret}");
    let auth = [("authorization", bearer.as_str())];

    // A viewer token of an operator is a viewer.
    let publish = send_with(
        &f.app,
        "POST",
        "/api/v1/workflows/1/versions/1/publish",
        &auth,
        None,
    )
    .await;
    assert_error(&publish, StatusCode::FORBIDDEN, "role_required");
    let mine = f
        .as_role(Role::Operator, "GET", "/api/v1/tokens", None)
        .await;
    assert!(
        mine.json()
            .as_array()
            .unwrap()
            .iter()
            .all(|t| t["owner"] == "operator" && t.get("token").is_none()),
        "{}",
        mine.text()
    );
    let not_theirs = f
        .as_role(
            Role::Editor,
            "DELETE",
            &format!("/api/v1/tokens/{id}"),
            None,
        )
        .await;
    assert_error(&not_theirs, StatusCode::NOT_FOUND, "not_found");
    let everyone = f
        .as_role(Role::Viewer, "GET", "/api/v1/tokens?all=true", None)
        .await;
    assert_error(&everyone, StatusCode::FORBIDDEN, "forbidden");

    let revoked = f
        .as_role(
            Role::Operator,
            "DELETE",
            &format!("/api/v1/tokens/{id}"),
            None,
        )
        .await;
    assert_eq!(revoked.status, StatusCode::OK);
    assert!(revoked.json()["revoked_at"].is_string());
    let after = send_with(&f.app, "GET", "/api/v1/workflows", &auth, None).await;
    assert_error(&after, StatusCode::UNAUTHORIZED, "unauthenticated");

    // Demoting a user demotes their tokens at once.
    let demoted = f
        .as_role(
            Role::Admin,
            "PATCH",
            "/api/v1/users/editor",
            Some(json!({"role": "viewer"})),
        )
        .await;
    assert_eq!(demoted.status, StatusCode::OK, "{}", demoted.text());
    let create = f
        .as_role(
            Role::Editor,
            "POST",
            "/api/v1/workflows",
            Some(json!({"name": "x"})),
        )
        .await;
    assert_error(&create, StatusCode::FORBIDDEN, "role_required");
}

#[tokio::test]
async fn the_last_admin_cannot_be_removed_or_demoted() {
    let f = Fixture::new().await;
    let delete = f
        .as_role(Role::Admin, "DELETE", "/api/v1/users/admin", None)
        .await;
    assert_error(&delete, StatusCode::CONFLICT, "conflict");
    let demote = f
        .as_role(
            Role::Admin,
            "PATCH",
            "/api/v1/users/admin",
            Some(json!({"role": "operator"})),
        )
        .await;
    assert_error(&demote, StatusCode::CONFLICT, "conflict");
    let promote = f
        .as_role(
            Role::Admin,
            "PATCH",
            "/api/v1/users/operator",
            Some(json!({"role": "admin"})),
        )
        .await;
    assert_eq!(promote.status, StatusCode::OK);
    let delete = f
        .as_role(Role::Admin, "DELETE", "/api/v1/users/admin", None)
        .await;
    assert_eq!(delete.status, StatusCode::NO_CONTENT, "{}", delete.text());
    // Their token went with them.
    let gone = f.as_role(Role::Admin, "GET", "/api/v1/users", None).await;
    assert_error(&gone, StatusCode::UNAUTHORIZED, "unauthenticated");
    // A token keeps the role it was made with: the new admin's operator token is no key to
    // the user list.
    let users = f
        .as_role(Role::Operator, "GET", "/api/v1/users", None)
        .await;
    assert_error(&users, StatusCode::FORBIDDEN, "role_required");
    let names: Vec<_> = f
        .store
        .list_users()
        .await
        .unwrap()
        .into_iter()
        .map(|u| u.name)
        .collect();
    assert_eq!(names, ["editor", "operator", "viewer"]);
}

#[tokio::test]
async fn changes_and_refusals_are_audited_and_reads_are_not() {
    let f = Fixture::new().await;
    f.as_role(
        Role::Editor,
        "POST",
        "/api/v1/workflows",
        Some(json!({"name": "audited"})),
    )
    .await;
    f.as_role(Role::Viewer, "GET", "/api/v1/workflows", None)
        .await;
    f.as_role(
        Role::Viewer,
        "POST",
        "/api/v1/validate",
        Some(json!({"name": "v", "nodes": [], "edges": []})),
    )
    .await;
    f.as_role(
        Role::Viewer,
        "PUT",
        "/api/v1/workflows/1",
        Some(json!({"definition": {"name": "x", "nodes": [], "edges": []}})),
    )
    .await;
    let _ = f.login("mallory", "let me in please").await;

    let page = f
        .as_role(Role::Admin, "GET", "/api/v1/audit?limit=10", None)
        .await;
    assert_eq!(page.status, StatusCode::OK, "{}", page.text());
    let entries = page.json();
    let entries = entries.as_array().unwrap();
    let seen: Vec<(String, String, u64, String)> = entries
        .iter()
        .map(|e| {
            (
                e["actor"].as_str().unwrap_or("-").to_owned(),
                e["action"].as_str().unwrap().to_owned(),
                e["status"].as_u64().unwrap(),
                e["via"].as_str().unwrap().to_owned(),
            )
        })
        .collect();
    assert_eq!(
        seen,
        [
            (
                "mallory".into(),
                "POST /api/v1/auth/login".into(),
                401,
                "anonymous".into()
            ),
            (
                "viewer".into(),
                "PUT /api/v1/workflows/{id}".into(),
                403,
                "token".into()
            ),
            (
                "editor".into(),
                "POST /api/v1/workflows".into(),
                201,
                "token".into()
            ),
        ]
    );
    assert_eq!(entries[1]["target"], "/api/v1/workflows/1");
    assert!(entries[0]["at"].as_str().unwrap().ends_with('Z'));

    // Paging goes back in time.
    let newest = entries[0]["id"].as_i64().unwrap();
    let older = f
        .as_role(
            Role::Admin,
            "GET",
            &format!("/api/v1/audit?before={newest}&limit=1"),
            None,
        )
        .await;
    assert_eq!(older.json()[0]["id"], entries[1]["id"]);
    let huge = f
        .as_role(Role::Admin, "GET", "/api/v1/audit?limit=100000", None)
        .await;
    assert_error(&huge, StatusCode::UNPROCESSABLE_ENTITY, "invalid_request");
}

#[tokio::test]
async fn the_first_start_creates_one_admin_once() {
    let store = SqliteStore::in_memory().await.unwrap();
    let password = auth::bootstrap_admin(&store, None)
        .await
        .unwrap()
        .expect("a generated password");
    assert_eq!(password.chars().count(), 20);
    let admin = store.find_user("admin").await.unwrap();
    assert_eq!(admin.role, Role::Admin);
    assert!(admin.must_change_password);
    assert!(admin.password_hash.starts_with("$argon2id$"));
    assert!(!admin.password_hash.contains(&password));
    assert_eq!(auth::bootstrap_admin(&store, None).await.unwrap(), None);
    assert_eq!(store.list_users().await.unwrap().len(), 1);

    // A password from the environment is the operator's choice: no forced change, and
    // nothing to print.
    let store = SqliteStore::in_memory().await.unwrap();
    let given = auth::bootstrap_admin(&store, Some("from-the-environment"))
        .await
        .unwrap();
    assert_eq!(given, None);
    assert!(!store.find_user("admin").await.unwrap().must_change_password);
    assert!(
        auth::bootstrap_admin(&SqliteStore::in_memory().await.unwrap(), Some("short"))
            .await
            .is_err()
    );
}
