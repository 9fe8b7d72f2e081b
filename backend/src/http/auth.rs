//! Authentication, authorization and audit at the HTTP edge.
//!
//! [`guard`] runs in front of every API route and denies by default: it resolves the caller
//! from an API token (`Authorization: Bearer`) or the session cookie, checks the CSRF token
//! of cookie-authenticated changes, and refuses anyone unknown except on the login route.
//! Each handler then states the least role it needs in its signature ([`Caller`]), so the
//! rule sits next to the code it guards. Every change, allowed or refused, is written to the
//! audit log on the way out.
//!
//! Endpoints here: `/auth/*` (login, logout, session, own password), `/users` (admins),
//! `/tokens` (one's own API tokens) and `/audit` (admins).

use std::marker::PhantomData;
use std::net::SocketAddr;

use axum::extract::{ConnectInfo, FromRequestParts, MatchedPath, OriginalUri, Request, State};
use axum::http::request::Parts;
use axum::http::{HeaderMap, HeaderValue, Method, StatusCode, header};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use axum::routing::{delete, get, patch, post};
use shared::api::{
    AuditEntry, ChangeEvent, ChangePassword, CreatedToken, Login, NewToken, NewUser, Role,
    SessionInfo, TokenInfo, UpdateUser, UserInfo,
};

use super::ApiError;
use super::extract::{ApiJson, ApiPath, ApiQuery};
use super::openapi::{Answer, Endpoint, schema};
use crate::AppState;
use crate::service::auth::{self as service, Principal, Via};
use crate::service::{now_ms, rfc3339};
use crate::store::AuditRecord;

pub const SESSION_COOKIE: &str = "sluice_session";
pub const CSRF_HEADER: &str = "x-csrf-token";

/// Routes (inside `/api/v1`) that need no caller.
const PUBLIC: &[&str] = &["/auth/login"];
/// What a user with a one-time password may still do.
const BEFORE_PASSWORD_CHANGE: &[&str] = &["/auth/session", "/auth/password", "/auth/logout"];
/// POST routes that compute and change nothing: not audited.
const PURE: &[&str] = &["/validate", "/export"];

pub(super) fn endpoints() -> Vec<Endpoint> {
    use Answer::{Empty, Json};
    let (viewer, admin) = (Some(Role::Viewer), Some(Role::Admin));
    vec![
        Endpoint::new(
            Method::POST,
            "/auth/login",
            None,
            "Log in: sets the session cookie; answers with the CSRF token",
            Json(200, schema::<SessionInfo>),
            || post(login),
        )
        .body(schema::<Login>),
        Endpoint::new(
            Method::POST,
            "/auth/logout",
            viewer,
            "End this session",
            Empty(204),
            || post(logout),
        ),
        Endpoint::new(
            Method::GET,
            "/auth/session",
            viewer,
            "Who is signed in",
            Json(200, schema::<SessionInfo>),
            || get(session),
        ),
        Endpoint::new(
            Method::POST,
            "/auth/password",
            viewer,
            "Change one's own password (ends one's other sessions)",
            Json(200, schema::<SessionInfo>),
            || post(change_password),
        )
        .body(schema::<ChangePassword>),
        Endpoint::new(
            Method::GET,
            "/users",
            admin,
            "All users",
            Json(200, schema::<Vec<UserInfo>>),
            || get(list_users),
        ),
        Endpoint::new(
            Method::POST,
            "/users",
            admin,
            "Add a user; the password is one-time (changed at the first login)",
            Json(201, schema::<UserInfo>),
            || post(create_user),
        )
        .body(schema::<NewUser>),
        Endpoint::new(
            Method::PATCH,
            "/users/{name}",
            admin,
            "Change a user's role or set a one-time password",
            Json(200, schema::<UserInfo>),
            || patch(update_user),
        )
        .body(schema::<UpdateUser>),
        Endpoint::new(
            Method::DELETE,
            "/users/{name}",
            admin,
            "Remove a user with their sessions and tokens (not the last admin)",
            Empty(204),
            || delete(delete_user),
        ),
        Endpoint::new(
            Method::GET,
            "/tokens",
            viewer,
            "One's API tokens (an admin: everyone's with all=true)",
            Json(200, schema::<Vec<TokenInfo>>),
            || get(list_tokens),
        )
        .query(&[("all", "boolean", false, "everyone's tokens (admins only)")]),
        Endpoint::new(
            Method::POST,
            "/tokens",
            viewer,
            "Make an API token with at most one's role; its secret is shown only here",
            Json(201, schema::<CreatedToken>),
            || post(create_token),
        )
        .body(schema::<NewToken>),
        Endpoint::new(
            Method::DELETE,
            "/tokens/{id}",
            viewer,
            "Revoke one of one's tokens (an admin: anyone's)",
            Json(200, schema::<TokenInfo>),
            || delete(revoke_token),
        ),
        Endpoint::new(
            Method::GET,
            "/audit",
            admin,
            "The audit log, newest first",
            Json(200, schema::<Vec<AuditEntry>>),
            || get(audit),
        )
        .query(&[
            (
                "before",
                "integer",
                false,
                "only records with a smaller id (the next page)",
            ),
            (
                "limit",
                "integer",
                false,
                "records per page, 1 to 500 (default 100)",
            ),
        ]),
    ]
}

/// The least role a handler needs, as a type: `Caller<Editor>`.
pub(super) trait MinRole {
    const ROLE: Role;
}

macro_rules! roles {
    ($($name:ident => $role:expr),*) => {$(
        pub(super) struct $name;
        impl MinRole for $name {
            const ROLE: Role = $role;
        }
    )*};
}
roles!(Viewer => Role::Viewer, Editor => Role::Editor, Operator => Role::Operator, Admin => Role::Admin);

/// The caller, known to have at least `R`'s role.
pub(super) struct Caller<R>(pub(super) Principal, pub(super) PhantomData<R>);

impl<S: Send + Sync, R: MinRole> FromRequestParts<S> for Caller<R> {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, _: &S) -> Result<Self, Self::Rejection> {
        let principal = parts
            .extensions
            .get::<Principal>()
            .cloned()
            .ok_or_else(not_logged_in)?;
        if principal.role < R::ROLE {
            return Err(ApiError::new(
                StatusCode::FORBIDDEN,
                "role_required",
                format!(
                    "this needs the {} role; {} is {}",
                    R::ROLE,
                    principal.name,
                    principal.role
                ),
            ));
        }
        Ok(Caller(principal, PhantomData))
    }
}

/// The client's address, when the server knows it (not in router tests).
pub(super) struct Remote(pub(super) Option<String>);

impl<S: Send + Sync> FromRequestParts<S> for Remote {
    type Rejection = std::convert::Infallible;

    async fn from_request_parts(parts: &mut Parts, _: &S) -> Result<Self, Self::Rejection> {
        Ok(Remote(remote(&parts.extensions)))
    }
}

fn remote(extensions: &axum::http::Extensions) -> Option<String> {
    extensions
        .get::<ConnectInfo<SocketAddr>>()
        .map(|c| c.0.ip().to_string())
}

/// Set by a handler on its response to name the actor the audit log should record when
/// there is no caller (a login names the account tried).
#[derive(Clone)]
struct AuditActor(String);

fn not_logged_in() -> ApiError {
    ApiError::new(
        StatusCode::UNAUTHORIZED,
        "unauthenticated",
        "log in first (or send an API token as `Authorization: Bearer …`)",
    )
}

fn session_cookie(headers: &HeaderMap) -> Option<&str> {
    headers
        .get_all(header::COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(';'))
        .find_map(|pair| {
            let (name, value) = pair.trim().split_once('=')?;
            (name == SESSION_COOKIE && !value.is_empty()).then_some(value)
        })
}

/// Who is calling: `Ok(None)` for nobody, an error for credentials that do not work (a
/// token that is unknown or revoked is refused outright, not treated as anonymous).
async fn resolve(state: &AppState, headers: &HeaderMap) -> Result<Option<Principal>, ApiError> {
    if let Some(value) = headers.get(header::AUTHORIZATION) {
        let token = value
            .to_str()
            .ok()
            .and_then(|v| v.strip_prefix("Bearer "))
            .map(str::trim);
        return match token {
            Some(token) => match service::token_principal(state, token).await? {
                Some(p) => Ok(Some(p)),
                None => Err(ApiError::new(
                    StatusCode::UNAUTHORIZED,
                    "unauthenticated",
                    "this API token is unknown or revoked",
                )),
            },
            None => Err(ApiError::new(
                StatusCode::UNAUTHORIZED,
                "unauthenticated",
                "the Authorization header must be `Bearer <token>`",
            )),
        };
    }
    match session_cookie(headers) {
        Some(secret) => Ok(service::session_principal(state, secret).await?),
        None => Ok(None),
    }
}

fn changes_something(method: &Method) -> bool {
    !matches!(*method, Method::GET | Method::HEAD | Method::OPTIONS)
}

/// Authenticates, checks CSRF and one-time passwords, runs the route, and audits changes.
pub(super) async fn guard(State(state): State<AppState>, mut req: Request, next: Next) -> Response {
    let method = req.method().clone();
    let path = req.uri().path().to_owned();
    let target = req
        .extensions()
        .get::<OriginalUri>()
        .map_or_else(|| path.clone(), |u| u.path().to_owned());
    let route = req
        .extensions()
        .get::<MatchedPath>()
        .map_or_else(|| target.clone(), |m| m.as_str().to_owned());
    let from = remote(req.extensions());
    let audited = changes_something(&method) && !PURE.contains(&path.as_str());

    let mut principal = None;
    let response = match admit(&state, req.headers(), &method, &path).await {
        Ok(p) => {
            principal = p.clone();
            if let Some(p) = p {
                req.extensions_mut().insert(p);
            }
            next.run(req).await
        }
        Err(refused) => refused.into_response(),
    };
    if audited {
        let actor = principal.as_ref().map(|p| p.name.clone()).or_else(|| {
            response
                .extensions()
                .get::<AuditActor>()
                .map(|a| a.0.clone())
        });
        let via = principal.as_ref().map_or("anonymous", |p| p.via.as_str());
        let at_ms = now_ms();
        if let Some(actor) = actor.as_deref()
            && response.status().is_success()
            && target.starts_with("/api/v1/workflows")
        {
            state.events.publish(ChangeEvent {
                at: rfc3339(at_ms),
                actor: actor.to_owned(),
                action: format!("{method} {route}"),
                target: target.clone(),
            });
        }
        service::audit(
            state.store.as_ref(),
            AuditRecord {
                at_ms,
                actor: actor.as_deref(),
                via,
                action: &format!("{method} {route}"),
                target: &target,
                status: response.status().as_u16(),
                remote: from.as_deref(),
            },
        )
        .await;
    }
    response
}

async fn admit(
    state: &AppState,
    headers: &HeaderMap,
    method: &Method,
    path: &str,
) -> Result<Option<Principal>, ApiError> {
    if PUBLIC.contains(&path) {
        return Ok(None);
    }
    let principal = resolve(state, headers).await?.ok_or_else(not_logged_in)?;
    if let Via::Session { csrf, .. } = &principal.via
        && changes_something(method)
    {
        let sent = headers
            .get(CSRF_HEADER)
            .and_then(|v| v.to_str().ok())
            .unwrap_or_default();
        if !service::same(sent, csrf) {
            return Err(ApiError::new(
                StatusCode::FORBIDDEN,
                "csrf",
                "missing or wrong X-CSRF-Token header (reload the page)",
            ));
        }
    }
    if principal.must_change_password && !BEFORE_PASSWORD_CHANGE.contains(&path) {
        return Err(ApiError::new(
            StatusCode::FORBIDDEN,
            "password_change_required",
            "this password was for one use: choose a new one first",
        ));
    }
    Ok(Some(principal))
}

fn set_cookie(value: &str) -> HeaderValue {
    // No Max-Age: the cookie ends with the browser; the server ends idle sessions itself.
    HeaderValue::from_str(&format!(
        "{SESSION_COOKIE}={value}; Path=/; HttpOnly; SameSite=Strict"
    ))
    .expect("hex is a valid header value")
}

async fn login(
    State(state): State<AppState>,
    Remote(remote): Remote,
    ApiJson(body): ApiJson<Login>,
) -> Response {
    let actor = AuditActor(body.name.chars().take(100).collect());
    let mut response =
        match service::login(&state, &body.name, &body.password, remote.as_deref()).await {
            Ok((secret, info)) => {
                let mut response = ApiJson(info).into_response();
                response
                    .headers_mut()
                    .insert(header::SET_COOKIE, set_cookie(&secret));
                response
            }
            Err(err) => ApiError::from(err).into_response(),
        };
    response.extensions_mut().insert(actor);
    response
}

async fn logout(
    State(state): State<AppState>,
    Caller(me, ..): Caller<Viewer>,
) -> Result<Response, ApiError> {
    service::logout(&state, &me).await?;
    let mut response = StatusCode::NO_CONTENT.into_response();
    let clear = format!("{SESSION_COOKIE}=; Path=/; HttpOnly; SameSite=Strict; Max-Age=0");
    response.headers_mut().insert(
        header::SET_COOKIE,
        HeaderValue::from_str(&clear).expect("a valid header value"),
    );
    Ok(response)
}

async fn session(Caller(me, ..): Caller<Viewer>) -> ApiJson<SessionInfo> {
    ApiJson(service::session_info(&me))
}

async fn change_password(
    State(state): State<AppState>,
    Caller(me, ..): Caller<Viewer>,
    ApiJson(body): ApiJson<ChangePassword>,
) -> Result<ApiJson<SessionInfo>, ApiError> {
    service::change_password(&state, &me, &body.current, &body.new).await?;
    let mut info = service::session_info(&me);
    info.must_change_password = false;
    Ok(ApiJson(info))
}

async fn list_users(
    State(state): State<AppState>,
    _: Caller<Admin>,
) -> Result<ApiJson<Vec<UserInfo>>, ApiError> {
    Ok(ApiJson(service::list_users(&state).await?))
}

async fn create_user(
    State(state): State<AppState>,
    _: Caller<Admin>,
    ApiJson(body): ApiJson<NewUser>,
) -> Result<(StatusCode, ApiJson<UserInfo>), ApiError> {
    let user = service::create_user(
        state.store.as_ref(),
        &body.name,
        &body.password,
        body.role,
        true,
    )
    .await?;
    Ok((StatusCode::CREATED, ApiJson(user)))
}

async fn update_user(
    State(state): State<AppState>,
    _: Caller<Admin>,
    ApiPath(name): ApiPath<String>,
    ApiJson(body): ApiJson<UpdateUser>,
) -> Result<ApiJson<UserInfo>, ApiError> {
    Ok(ApiJson(
        service::update_user(state.store.as_ref(), &name, body, true).await?,
    ))
}

async fn delete_user(
    State(state): State<AppState>,
    _: Caller<Admin>,
    ApiPath(name): ApiPath<String>,
) -> Result<StatusCode, ApiError> {
    service::delete_user(state.store.as_ref(), &name).await?;
    Ok(StatusCode::NO_CONTENT)
}

#[derive(serde::Deserialize)]
struct TokenQuery {
    #[serde(default)]
    all: bool,
}

async fn list_tokens(
    State(state): State<AppState>,
    Caller(me, ..): Caller<Viewer>,
    ApiQuery(q): ApiQuery<TokenQuery>,
) -> Result<ApiJson<Vec<TokenInfo>>, ApiError> {
    Ok(ApiJson(service::list_tokens(&state, &me, q.all).await?))
}

async fn create_token(
    State(state): State<AppState>,
    Caller(me, ..): Caller<Viewer>,
    ApiJson(body): ApiJson<NewToken>,
) -> Result<(StatusCode, ApiJson<CreatedToken>), ApiError> {
    let created = service::create_token(&state, &me, &body.name, body.role).await?;
    Ok((StatusCode::CREATED, ApiJson(created)))
}

async fn revoke_token(
    State(state): State<AppState>,
    Caller(me, ..): Caller<Viewer>,
    ApiPath(id): ApiPath<i64>,
) -> Result<ApiJson<TokenInfo>, ApiError> {
    Ok(ApiJson(service::revoke_token(&state, &me, id).await?))
}

#[derive(serde::Deserialize)]
struct AuditQuery {
    before: Option<i64>,
    limit: Option<i64>,
}

async fn audit(
    State(state): State<AppState>,
    _: Caller<Admin>,
    ApiQuery(q): ApiQuery<AuditQuery>,
) -> Result<ApiJson<Vec<AuditEntry>>, ApiError> {
    Ok(ApiJson(
        service::list_audit(&state, q.before, q.limit).await?,
    ))
}
