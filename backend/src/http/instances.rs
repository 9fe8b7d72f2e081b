//! `/api/v1/instances`: workflow instances, their operations and logs; and
//! `POST /api/v1/workflows/{id}/run`.

use axum::extract::State;
use axum::http::{Method, StatusCode};
use axum::routing::{get, post};
use shared::api::{
    AuditEntry, InstanceDetail, InstanceState, InstanceSummary, LogChunk, MarkRequest, Page,
    RerunReport, RerunRequest, Role, RunRequest,
};

use super::ApiError;
use super::auth::Caller;
use super::extract::{ApiJson, ApiPath, ApiQuery, DRY_RUN, DryRun};
use super::openapi::{Answer, Endpoint, schema};
use crate::AppState;
use crate::engine::runner::Op;
use crate::service::ListFilter;
use crate::service::instances as service;
use shared::workflow::Workflow;

pub(super) fn endpoints() -> Vec<Endpoint> {
    use Answer::Json;
    let (viewer, operator) = (Some(Role::Viewer), Some(Role::Operator));
    let op = |path, summary, handler| {
        Endpoint::new(
            Method::POST,
            path,
            operator,
            summary,
            Json(200, schema::<InstanceState>),
            handler,
        )
        .query(DRY_RUN)
    };
    vec![
        Endpoint::new(
            Method::POST,
            "/workflows/{id}/run",
            operator,
            "Start an instance of a workflow (its published version unless one is named); \
             422 if it cannot run here",
            Json(201, schema::<InstanceState>),
            || post(run),
        )
        .body(schema::<RunRequest>),
        Endpoint::new(
            Method::GET,
            "/instances",
            viewer,
            "A page of workflow instances, newest first (sub-workflows' are under their parents)",
            Json(200, schema::<Page<InstanceSummary>>),
            || get(list),
        )
        .query(&[
            ("workflow_id", "integer", false, "only this workflow's"),
            (
                "status",
                "string",
                false,
                "only those in this status (PREP, RUNNING, SUSPENDED, SUCCEEDED, KILLED, FAILED)",
            ),
            (
                "limit",
                "integer",
                false,
                "items per page, 1 to 500 (default 100)",
            ),
            (
                "since",
                "string",
                false,
                "only those created at or after this time (2026-11-21T00:00Z)",
            ),
            (
                "until",
                "string",
                false,
                "only those created before this time",
            ),
            ("offset", "integer", false, "items to skip (default 0)"),
        ]),
        Endpoint::new(
            Method::GET,
            "/instances/{id}",
            viewer,
            "An instance with every node's status, and why each waiting node waits",
            Json(200, schema::<InstanceDetail>),
            || get(detail),
        ),
        Endpoint::new(
            Method::GET,
            "/instances/{id}/definition",
            viewer,
            "The workflow the instance runs, as it was when it started (for drawing it)",
            Json(200, schema::<Workflow>),
            || get(definition),
        ),
        Endpoint::new(
            Method::GET,
            "/instances/{id}/audit",
            viewer,
            "Who did what to this instance, newest first (the audit log's records of it)",
            Json(200, schema::<Vec<AuditEntry>>),
            || get(audit),
        ),
        op(
            "/instances/{id}/start",
            "Start an instance held in PREP (409 E0801 if running, E0813 otherwise)",
            || post(|s, p, q| operate(s, p, q, Op::Start)),
        ),
        op(
            "/instances/{id}/suspend",
            "Suspend: no new action starts, running ones finish (409 E0727 unless RUNNING)",
            || post(|s, p, q| operate(s, p, q, Op::Suspend)),
        ),
        op(
            "/instances/{id}/resume",
            "Resume a suspended instance (409 E1100 unless SUSPENDED)",
            || post(|s, p, q| operate(s, p, q, Op::Resume)),
        ),
        op(
            "/instances/{id}/kill",
            "Kill: running tasks get SIGTERM, then SIGKILL after the grace period (409 E0725 \
             once ended, except FAILED)",
            || post(kill),
        ),
        Endpoint::new(
            Method::POST,
            "/instances/{id}/rerun",
            operator,
            "Rerun an ended instance, whole or keeping what succeeded, named nodes, or all \
             before a node; `dry_run` only reports (409 E0805, E0806, E0807)",
            Json(200, schema::<RerunReport>),
            || post(rerun),
        )
        .body(schema::<RerunRequest>)
        .query(DRY_RUN),
        Endpoint::new(
            Method::POST,
            "/instances/{id}/mark",
            operator,
            "Mark an action succeeded or skipped: it takes its ok transition without running \
             (in an ended instance, a rerun of failed nodes then goes on past it)",
            Json(200, schema::<InstanceState>),
            || post(mark),
        )
        .body(schema::<MarkRequest>)
        .query(DRY_RUN),
        Endpoint::new(
            Method::GET,
            "/instances/{id}/nodes/{node}/log",
            viewer,
            "A piece of a try's log (stdout and stderr); poll from `next_offset` to follow it",
            Json(200, schema::<LogChunk>),
            || get(log),
        )
        .query(&[
            (
                "run",
                "integer",
                false,
                "the run (default: the current one)",
            ),
            ("attempt", "integer", false, "the try (default: the last)"),
            (
                "offset",
                "integer",
                false,
                "the byte to start at; negative counts from the end (default 0)",
            ),
            (
                "limit",
                "integer",
                false,
                "bytes at most, up to 1 MiB (default 64 KiB)",
            ),
        ]),
    ]
}

async fn run(
    State(state): State<AppState>,
    Caller(me): Caller,
    ApiPath(id): ApiPath<i64>,
    ApiJson(body): ApiJson<RunRequest>,
) -> Result<(StatusCode, ApiJson<InstanceState>), ApiError> {
    let started = service::run(&state, id, body, &me.name).await?;
    Ok((StatusCode::CREATED, ApiJson(started)))
}

/// The list's owner; its filters and page are read from the same query as a
/// [`ListFilter`].
#[derive(serde::Deserialize)]
struct Owner {
    workflow_id: Option<i64>,
}

async fn list(
    State(state): State<AppState>,
    ApiQuery(owner): ApiQuery<Owner>,
    ApiQuery(filter): ApiQuery<ListFilter>,
) -> Result<ApiJson<Page<InstanceSummary>>, ApiError> {
    Ok(ApiJson(
        service::list(&state, owner.workflow_id, &filter).await?,
    ))
}

async fn audit(
    State(state): State<AppState>,
    ApiPath(id): ApiPath<i64>,
) -> Result<ApiJson<Vec<AuditEntry>>, ApiError> {
    // A 404 for what does not exist, rather than an empty trail.
    service::detail(&state, id).await?;
    Ok(ApiJson(
        crate::service::auth::audit_of(&state, &format!("/api/v1/instances/{id}")).await?,
    ))
}

async fn definition(
    State(state): State<AppState>,
    ApiPath(id): ApiPath<i64>,
) -> Result<ApiJson<Workflow>, ApiError> {
    Ok(ApiJson(service::definition(&state, id).await?))
}

async fn detail(
    State(state): State<AppState>,
    ApiPath(id): ApiPath<i64>,
) -> Result<ApiJson<InstanceDetail>, ApiError> {
    Ok(ApiJson(service::detail(&state, id).await?))
}

/// An operation that needs nothing but the instance's id.
async fn operate(
    State(state): State<AppState>,
    ApiPath(id): ApiPath<i64>,
    ApiQuery(q): ApiQuery<DryRun>,
    op: Op,
) -> Result<ApiJson<InstanceState>, ApiError> {
    Ok(ApiJson(service::operate(&state, id, op, q.dry_run).await?))
}

async fn kill(
    State(state): State<AppState>,
    Caller(me): Caller,
    ApiPath(id): ApiPath<i64>,
    q: ApiQuery<DryRun>,
) -> Result<ApiJson<InstanceState>, ApiError> {
    operate(State(state), ApiPath(id), q, Op::Kill { by: me.name }).await
}

async fn rerun(
    State(state): State<AppState>,
    ApiPath(id): ApiPath<i64>,
    ApiQuery(q): ApiQuery<DryRun>,
    ApiJson(mut body): ApiJson<RerunRequest>,
) -> Result<ApiJson<RerunReport>, ApiError> {
    body.dry_run |= q.dry_run;
    Ok(ApiJson(service::rerun(&state, id, body).await?))
}

async fn mark(
    State(state): State<AppState>,
    ApiPath(id): ApiPath<i64>,
    q: ApiQuery<DryRun>,
    ApiJson(body): ApiJson<MarkRequest>,
) -> Result<ApiJson<InstanceState>, ApiError> {
    let op = service::mark(body.node, body.mark);
    operate(State(state), ApiPath(id), q, op).await
}

#[derive(serde::Deserialize)]
struct LogParams {
    run: Option<i64>,
    attempt: Option<u32>,
    offset: Option<i64>,
    limit: Option<u64>,
}

async fn log(
    State(state): State<AppState>,
    ApiPath((id, node)): ApiPath<(i64, String)>,
    ApiQuery(p): ApiQuery<LogParams>,
) -> Result<ApiJson<LogChunk>, ApiError> {
    Ok(ApiJson(
        service::log(&state, id, &node, p.run, p.attempt, p.offset, p.limit).await?,
    ))
}
