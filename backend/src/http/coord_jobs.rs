//! `/api/v1/coordinator-jobs`: submitted coordinators and their actions; and
//! `POST /api/v1/coordinators/{id}/run`.

use axum::extract::State;
use axum::http::{Method, StatusCode};
use axum::routing::{get, post};
use shared::api::{
    AuditEntry, BackfillReport, BackfillRequest, CoordActionsRequest, CoordChangeRequest,
    CoordJobDetail, CoordJobSummary, CoordOpReport, CoordRunRequest, Page, Role,
};

use super::ApiError;
use super::auth::Caller;
use super::extract::{ApiJson, ApiPath, ApiQuery, DRY_RUN, DryRun};
use super::openapi::{Answer, Endpoint, schema};
use crate::AppState;
use crate::engine::coord::RerunOptions;
use crate::engine::scheduler::CoordOp;
use crate::service::ListFilter;
use crate::service::coord_jobs as service;

pub(super) fn endpoints() -> Vec<Endpoint> {
    use Answer::Json;
    let (viewer, operator) = (Some(Role::Viewer), Some(Role::Operator));
    let op = |path, summary, handler| {
        Endpoint::new(
            Method::POST,
            path,
            operator,
            summary,
            Json(200, schema::<CoordOpReport>),
            handler,
        )
        .query(DRY_RUN)
    };
    vec![
        Endpoint::new(
            Method::POST,
            "/coordinators/{id}/run",
            operator,
            "Submit a job of a coordinator (its published version unless one is named), \
             checked as Oozie's submit checks it (422 with Oozie's code)",
            Json(201, schema::<CoordJobSummary>),
            || post(run),
        )
        .body(schema::<CoordRunRequest>),
        Endpoint::new(
            Method::POST,
            "/coordinators/{id}/backfill",
            operator,
            "Backfill: a job of the coordinator's own slots from `from` to `to` (both \
             included), `parallel` at a time, oldest (or newest) first, below live runs; \
             suspend and resume pause it; its detail shows progress. `dry_run` lists the \
             slots only",
            Json(201, schema::<BackfillReport>),
            || post(backfill),
        )
        .body(schema::<BackfillRequest>)
        .query(DRY_RUN),
        Endpoint::new(
            Method::GET,
            "/coordinator-jobs",
            viewer,
            "A page of coordinator jobs, newest first",
            Json(200, schema::<Page<CoordJobSummary>>),
            || get(list),
        )
        .query(&[
            (
                "coordinator_id",
                "integer",
                false,
                "only this coordinator's",
            ),
            ("status", "string", false, "only those in this status"),
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
            "/coordinator-jobs/{id}",
            viewer,
            "A coordinator job with every action: status, what it waits for, its workflow",
            Json(200, schema::<CoordJobDetail>),
            || get(detail),
        ),
        Endpoint::new(
            Method::GET,
            "/coordinator-jobs/{id}/audit",
            viewer,
            "Who did what to this coordinator job, newest first (the audit log's records of it)",
            Json(200, schema::<Vec<AuditEntry>>),
            || get(audit),
        ),
        op(
            "/coordinator-jobs/{id}/suspend",
            "Suspend the job and its running workflows (409 E0728 once ended)",
            || post(|s, p, q| operate(s, p, q, CoordOp::Suspend)),
        ),
        op(
            "/coordinator-jobs/{id}/resume",
            "Resume a suspended job; missed actions come then (409 E1100)",
            || post(|s, p, q| operate(s, p, q, CoordOp::Resume)),
        ),
        op(
            "/coordinator-jobs/{id}/kill",
            "Kill the job and every action not ended (409 E1020 once ended)",
            || post(|s, p, q| operate(s, p, q, CoordOp::Kill)),
        ),
        op(
            "/coordinator-jobs/{id}/change",
            "Change end time, concurrency or pause time (409 E1016, E1022; 422 E1015)",
            || post(change),
        )
        .body(schema::<CoordChangeRequest>),
        op(
            "/coordinator-jobs/{id}/rerun",
            "Rerun ended actions by number (`1,3-4`) or nominal time (`d1::d2,d3`); their \
             outputs are deleted first unless `nocleanup`; `refresh` resolves inputs again; \
             `failed` reruns their workflows' failed nodes (409 E1018, E0605)",
            || post(rerun),
        )
        .body(schema::<CoordActionsRequest>),
        op(
            "/coordinator-jobs/{id}/ignore",
            "Ignore FAILED, KILLED or TIMEDOUT actions (409 E1024)",
            || post(ignore),
        )
        .body(schema::<CoordActionsRequest>),
    ]
}

async fn run(
    State(state): State<AppState>,
    Caller(me): Caller,
    ApiPath(id): ApiPath<i64>,
    ApiJson(body): ApiJson<CoordRunRequest>,
) -> Result<(StatusCode, ApiJson<CoordJobSummary>), ApiError> {
    let job = service::run(&state, id, body, &me.name).await?;
    Ok((StatusCode::CREATED, ApiJson(job)))
}

async fn backfill(
    State(state): State<AppState>,
    Caller(me): Caller,
    ApiPath(id): ApiPath<i64>,
    ApiQuery(q): ApiQuery<DryRun>,
    ApiJson(body): ApiJson<BackfillRequest>,
) -> Result<(StatusCode, ApiJson<BackfillReport>), ApiError> {
    let report = service::backfill(&state, id, body, q.dry_run, &me.name).await?;
    let status = if report.dry_run {
        StatusCode::OK
    } else {
        StatusCode::CREATED
    };
    Ok((status, ApiJson(report)))
}

/// The list's owner; its filters and page are read from the same query as a
/// [`ListFilter`].
#[derive(serde::Deserialize)]
struct Owner {
    coordinator_id: Option<i64>,
}

async fn list(
    State(state): State<AppState>,
    ApiQuery(owner): ApiQuery<Owner>,
    ApiQuery(filter): ApiQuery<ListFilter>,
) -> Result<ApiJson<Page<CoordJobSummary>>, ApiError> {
    Ok(ApiJson(
        service::list(&state, owner.coordinator_id, &filter).await?,
    ))
}

async fn audit(
    State(state): State<AppState>,
    ApiPath(id): ApiPath<i64>,
) -> Result<ApiJson<Vec<AuditEntry>>, ApiError> {
    // A 404 for what does not exist, rather than an empty trail.
    service::detail(&state, id).await?;
    Ok(ApiJson(
        crate::service::auth::audit_of(&state, &format!("/api/v1/coordinator-jobs/{id}")).await?,
    ))
}

async fn detail(
    State(state): State<AppState>,
    ApiPath(id): ApiPath<i64>,
) -> Result<ApiJson<CoordJobDetail>, ApiError> {
    Ok(ApiJson(service::detail(&state, id).await?))
}

/// An operation on a job, once its body (if any) is read.
async fn operate(
    State(state): State<AppState>,
    ApiPath(id): ApiPath<i64>,
    ApiQuery(q): ApiQuery<DryRun>,
    op: CoordOp,
) -> Result<ApiJson<CoordOpReport>, ApiError> {
    Ok(ApiJson(service::operate(&state, id, op, q.dry_run).await?))
}

async fn change(
    State(state): State<AppState>,
    ApiPath(id): ApiPath<i64>,
    q: ApiQuery<DryRun>,
    ApiJson(body): ApiJson<CoordChangeRequest>,
) -> Result<ApiJson<CoordOpReport>, ApiError> {
    let change = service::change(&body)?;
    operate(State(state), ApiPath(id), q, CoordOp::Change(change)).await
}

async fn rerun(
    State(state): State<AppState>,
    ApiPath(id): ApiPath<i64>,
    q: ApiQuery<DryRun>,
    ApiJson(body): ApiJson<CoordActionsRequest>,
) -> Result<ApiJson<CoordOpReport>, ApiError> {
    let actions = service::pick(&body, true)?;
    let options = RerunOptions {
        failed: body.failed,
        refresh: body.refresh,
        nocleanup: body.nocleanup,
    };
    operate(
        State(state),
        ApiPath(id),
        q,
        CoordOp::Rerun { actions, options },
    )
    .await
}

async fn ignore(
    State(state): State<AppState>,
    ApiPath(id): ApiPath<i64>,
    q: ApiQuery<DryRun>,
    ApiJson(body): ApiJson<CoordActionsRequest>,
) -> Result<ApiJson<CoordOpReport>, ApiError> {
    let actions = service::pick(&body, false)?;
    operate(State(state), ApiPath(id), q, CoordOp::Ignore { actions }).await
}
