//! Authentication, authorization and audit at the HTTP edge.
//!
//! [`guard`] runs in front of every API route: it resolves the caller from an API token
//! (`Authorization: Bearer`) or the session cookie, and on the way out writes every change,
//! allowed or refused, to the audit log. [`check`] sits on each endpoint with the endpoint's
//! [`Access`] from the route table (the one statement of who may call it, which the OpenAPI
//! document shows too): it refuses strangers, cookie-authenticated changes without the
//! session's CSRF token, one-time passwords, and roles below the endpoint's. Routes that do
//! not exist refuse strangers too, so they learn nothing of which routes exist.
//!
//! Endpoints here: `/auth/*` (login, logout, session, own password), `/users` (admins),
//! `/tokens` (one's own API tokens) and `/audit` (admins).

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

/// Who may call an endpoint: its row of the route table.
#[derive(Debug, Clone, Copy)]
pub struct Access {
    /// The least role; `None`: anyone (the login).
    pub role: Option<Role>,
    /// Allowed while a one-time password is not changed yet.
    pub before_password_change: bool,
    /// Computes and changes nothing: not audited.
    pub pure: bool,
}

/// What [`guard`] found in the request's credentials: a caller, nobody, or credentials
/// that do not work (refused on any endpoint that needs a caller).
#[derive(Clone)]
struct Credentials(Result<Option<Principal>, &'static str>);

/// Marks a response of a [`Access::pure`] endpoint, for the audit on the way out.
#[derive(Clone)]
struct Pure;

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
        )
        .before_password_change(),
        Endpoint::new(
            Method::GET,
            "/auth/session",
            viewer,
            "Who is signed in",
            Json(200, schema::<SessionInfo>),
            || get(session),
        )
        .before_password_change(),
        Endpoint::new(
            Method::POST,
            "/auth/password",
            viewer,
            "Change one's own password (ends one's other sessions)",
            Json(200, schema::<SessionInfo>),
            || post(change_password),
        )
        .body(schema::<ChangePassword>)
        .before_password_change(),
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

/// The caller, as [`check`] admitted them (or, on a route that does not exist, anyone the
/// credentials name).
pub(super) struct Caller(pub(super) Principal);

impl<S: Send + Sync> FromRequestParts<S> for Caller {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, _: &S) -> Result<Self, Self::Rejection> {
        if let Some(principal) = parts.extensions.get::<Principal>() {
            return Ok(Caller(principal.clone()));
        }
        match parts.extensions.get::<Credentials>() {
            Some(Credentials(Ok(Some(principal)))) => Ok(Caller(principal.clone())),
            Some(Credentials(Err(why))) => Err(unauthenticated(why)),
            _ => Err(not_logged_in()),
        }
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

fn unauthenticated(why: &str) -> ApiError {
    ApiError::new(StatusCode::UNAUTHORIZED, "unauthenticated", why)
}

fn not_logged_in() -> ApiError {
    unauthenticated("log in first (or send an API token as `Authorization: Bearer …`)")
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

/// Who is calling. The outer error is the database failing; the inner one, credentials
/// that do not work (a token that is unknown or revoked is refused outright, not treated
/// as anonymous).
async fn resolve(state: &AppState, headers: &HeaderMap) -> Result<Credentials, ApiError> {
    if let Some(value) = headers.get(header::AUTHORIZATION) {
        let token = value
            .to_str()
            .ok()
            .and_then(|v| v.strip_prefix("Bearer "))
            .map(str::trim);
        return Ok(Credentials(match token {
            Some(token) => match service::token_principal(state, token).await? {
                Some(p) => Ok(Some(p)),
                None => Err("this API token is unknown or revoked"),
            },
            None => Err("the Authorization header must be `Bearer <token>`"),
        }));
    }
    Ok(Credentials(Ok(match session_cookie(headers) {
        Some(secret) => service::session_principal(state, secret).await?,
        None => None,
    })))
}

fn changes_something(method: &Method) -> bool {
    !matches!(*method, Method::GET | Method::HEAD | Method::OPTIONS)
}

/// `?dry_run=true` only says what an operation would do: like a read, it is neither
/// audited nor told to open pages as a change.
fn dry_run(uri: &axum::http::Uri) -> bool {
    uri.query().is_some_and(|q| {
        q.split('&')
            .any(|pair| matches!(pair, "dry_run=true" | "dry_run=1" | "dry_run"))
    })
}

/// Resolves the caller for [`check`], runs the request, and audits changes.
pub(super) async fn guard(State(state): State<AppState>, mut req: Request, next: Next) -> Response {
    let method = req.method().clone();
    let dry = dry_run(req.uri());
    let target = req
        .extensions()
        .get::<OriginalUri>()
        .map_or_else(|| req.uri().path().to_owned(), |u| u.path().to_owned());
    let route = req
        .extensions()
        .get::<MatchedPath>()
        .map_or_else(|| target.clone(), |m| m.as_str().to_owned());
    let from = remote(req.extensions());
    let credentials = match resolve(&state, req.headers()).await {
        Ok(credentials) => credentials,
        Err(failed) => return failed.into_response(),
    };
    let principal = credentials.0.clone().ok().flatten();
    req.extensions_mut().insert(credentials);
    let response = next.run(req).await;
    if !changes_something(&method) || dry || response.extensions().get::<Pure>().is_some() {
        return response;
    }
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
        && [
            "/api/v1/workflows",
            "/api/v1/coordinators",
            "/api/v1/coordinator-jobs",
            "/api/v1/import",
            "/api/v1/instances",
        ]
        .iter()
        .any(|prefix| target.starts_with(prefix))
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
    response
}

/// Lets through only callers the endpoint's [`Access`] admits.
pub(super) async fn check(access: Access, mut req: Request, next: Next) -> Response {
    if let Some(role) = access.role {
        match admit(&req, access, role) {
            Ok(principal) => {
                req.extensions_mut().insert(principal);
            }
            Err(refused) => return refused.into_response(),
        }
    }
    let mut response = next.run(req).await;
    if access.pure {
        response.extensions_mut().insert(Pure);
    }
    response
}

fn admit(req: &Request, access: Access, role: Role) -> Result<Principal, ApiError> {
    let principal = match req.extensions().get::<Credentials>() {
        Some(Credentials(Ok(Some(principal)))) => principal.clone(),
        Some(Credentials(Err(why))) => return Err(unauthenticated(why)),
        _ => return Err(not_logged_in()),
    };
    if let Via::Session { csrf, .. } = &principal.via
        && changes_something(req.method())
    {
        let sent = req
            .headers()
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
    if principal.must_change_password && !access.before_password_change {
        return Err(ApiError::new(
            StatusCode::FORBIDDEN,
            "password_change_required",
            "this password was for one use: choose a new one first",
        ));
    }
    if principal.role < role {
        return Err(ApiError::new(
            StatusCode::FORBIDDEN,
            "role_required",
            format!(
                "this needs the {role} role; {} is {}",
                principal.name, principal.role
            ),
        ));
    }
    Ok(principal)
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

async fn logout(State(state): State<AppState>, Caller(me): Caller) -> Result<Response, ApiError> {
    service::logout(&state, &me).await?;
    let mut response = StatusCode::NO_CONTENT.into_response();
    let clear = format!("{SESSION_COOKIE}=; Path=/; HttpOnly; SameSite=Strict; Max-Age=0");
    response.headers_mut().insert(
        header::SET_COOKIE,
        HeaderValue::from_str(&clear).expect("a valid header value"),
    );
    Ok(response)
}

async fn session(Caller(me): Caller) -> ApiJson<SessionInfo> {
    ApiJson(service::session_info(&me))
}

async fn change_password(
    State(state): State<AppState>,
    Caller(me): Caller,
    ApiJson(body): ApiJson<ChangePassword>,
) -> Result<ApiJson<SessionInfo>, ApiError> {
    service::change_password(&state, &me, &body.current, &body.new).await?;
    let mut info = service::session_info(&me);
    info.must_change_password = false;
    Ok(ApiJson(info))
}

async fn list_users(State(state): State<AppState>) -> Result<ApiJson<Vec<UserInfo>>, ApiError> {
    Ok(ApiJson(service::list_users(&state).await?))
}

async fn create_user(
    State(state): State<AppState>,
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
    ApiPath(name): ApiPath<String>,
    ApiJson(body): ApiJson<UpdateUser>,
) -> Result<ApiJson<UserInfo>, ApiError> {
    Ok(ApiJson(
        service::update_user(state.store.as_ref(), &name, body, true).await?,
    ))
}

async fn delete_user(
    State(state): State<AppState>,
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
    Caller(me): Caller,
    ApiQuery(q): ApiQuery<TokenQuery>,
) -> Result<ApiJson<Vec<TokenInfo>>, ApiError> {
    Ok(ApiJson(service::list_tokens(&state, &me, q.all).await?))
}

async fn create_token(
    State(state): State<AppState>,
    Caller(me): Caller,
    ApiJson(body): ApiJson<NewToken>,
) -> Result<(StatusCode, ApiJson<CreatedToken>), ApiError> {
    let created = service::create_token(&state, &me, &body.name, body.role).await?;
    Ok((StatusCode::CREATED, ApiJson(created)))
}

async fn revoke_token(
    State(state): State<AppState>,
    Caller(me): Caller,
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
    ApiQuery(q): ApiQuery<AuditQuery>,
) -> Result<ApiJson<Vec<AuditEntry>>, ApiError> {
    Ok(ApiJson(
        service::list_audit(&state, q.before, q.limit).await?,
    ))
}
