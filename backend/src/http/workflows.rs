//! `/api/v1/workflows`, `/api/v1/validate`, `/api/v1/export`.

use axum::Router;
use axum::extract::State;
use axum::http::{StatusCode, header};
use axum::response::IntoResponse;
use axum::routing::{get, post};
use shared::api::{
    CreateWorkflow, RestoreVersion, SaveResult, SaveWorkflow, ValidationReport, VersionRecord,
    VersionSummary, WorkflowRecord, WorkflowSummary,
};
use shared::workflow::Workflow;
use shared::workflow::diff::WorkflowDiff;

use super::ApiError;
use super::auth::{Caller, Editor, Operator, Viewer};
use super::extract::{ApiJson, ApiPath, ApiQuery};
use crate::AppState;
use crate::service::workflows as service;

pub(super) fn router() -> Router<AppState> {
    Router::new()
        .route("/workflows", get(list).post(create))
        .route("/workflows/{id}", get(read).put(save))
        .route("/workflows/{id}/export", get(export_stored))
        .route("/workflows/{id}/versions", get(versions))
        .route("/workflows/{id}/diff", get(diff))
        .route("/workflows/{id}/versions/{version}", get(version))
        .route("/workflows/{id}/versions/{version}/restore", post(restore))
        .route("/workflows/{id}/versions/{version}/publish", post(publish))
        .route("/validate", post(validate))
        .route("/export", post(export))
}

async fn list(
    State(state): State<AppState>,
    _: Caller<Viewer>,
) -> Result<ApiJson<Vec<WorkflowSummary>>, ApiError> {
    Ok(ApiJson(service::list(&state).await?))
}

async fn create(
    State(state): State<AppState>,
    Caller(me, ..): Caller<Editor>,
    ApiJson(body): ApiJson<CreateWorkflow>,
) -> Result<(StatusCode, ApiJson<WorkflowRecord>), ApiError> {
    let record = service::create(&state, &body.name, &me.name).await?;
    Ok((StatusCode::CREATED, ApiJson(record)))
}

async fn read(
    State(state): State<AppState>,
    _: Caller<Viewer>,
    ApiPath(id): ApiPath<i64>,
) -> Result<ApiJson<WorkflowRecord>, ApiError> {
    Ok(ApiJson(service::get(&state, id).await?))
}

async fn save(
    State(state): State<AppState>,
    Caller(me, ..): Caller<Editor>,
    ApiPath(id): ApiPath<i64>,
    ApiJson(body): ApiJson<SaveWorkflow>,
) -> Result<ApiJson<SaveResult>, ApiError> {
    Ok(ApiJson(
        service::save(
            &state,
            id,
            body.revision,
            body.definition,
            body.comment.as_deref(),
            &me.name,
        )
        .await?,
    ))
}

async fn versions(
    State(state): State<AppState>,
    _: Caller<Viewer>,
    ApiPath(id): ApiPath<i64>,
) -> Result<ApiJson<Vec<VersionSummary>>, ApiError> {
    Ok(ApiJson(service::versions(&state, id).await?))
}

async fn version(
    State(state): State<AppState>,
    _: Caller<Viewer>,
    ApiPath((id, version)): ApiPath<(i64, i64)>,
) -> Result<ApiJson<VersionRecord>, ApiError> {
    Ok(ApiJson(service::version(&state, id, version).await?))
}

/// `{revision?}`: the revision the restore starts from, checked like a save's.
async fn restore(
    State(state): State<AppState>,
    Caller(me, ..): Caller<Editor>,
    ApiPath((id, version)): ApiPath<(i64, i64)>,
    ApiJson(body): ApiJson<RestoreVersion>,
) -> Result<ApiJson<SaveResult>, ApiError> {
    Ok(ApiJson(
        service::restore(&state, id, version, body.revision, &me.name).await?,
    ))
}

#[derive(serde::Deserialize)]
struct DiffQuery {
    from: i64,
    to: i64,
}

/// `?from=A&to=B`: what changed from version A to version B, structurally.
async fn diff(
    State(state): State<AppState>,
    _: Caller<Viewer>,
    ApiPath(id): ApiPath<i64>,
    ApiQuery(q): ApiQuery<DiffQuery>,
) -> Result<ApiJson<WorkflowDiff>, ApiError> {
    Ok(ApiJson(service::diff(&state, id, q.from, q.to).await?))
}

/// Publishing changes what the scheduler runs: an operator's decision, not an editor's.
async fn publish(
    State(state): State<AppState>,
    _: Caller<Operator>,
    ApiPath((id, version)): ApiPath<(i64, i64)>,
) -> Result<ApiJson<WorkflowRecord>, ApiError> {
    Ok(ApiJson(service::publish(&state, id, version).await?))
}

async fn validate(
    _: Caller<Viewer>,
    ApiJson(definition): ApiJson<Workflow>,
) -> Result<ApiJson<ValidationReport>, ApiError> {
    Ok(ApiJson(service::validate(&definition)?))
}

async fn export(
    _: Caller<Viewer>,
    ApiJson(definition): ApiJson<Workflow>,
) -> Result<impl IntoResponse, ApiError> {
    let xml = service::export(&definition)?;
    Ok(xml_attachment(xml))
}

async fn export_stored(
    State(state): State<AppState>,
    _: Caller<Viewer>,
    ApiPath(id): ApiPath<i64>,
) -> Result<impl IntoResponse, ApiError> {
    Ok(xml_attachment(service::export_stored(&state, id).await?))
}

/// Oozie expects the file to be called `workflow.xml` inside the app directory, whatever the
/// workflow's name, so that is the download's name.
fn xml_attachment(xml: String) -> impl IntoResponse {
    (
        [
            (header::CONTENT_TYPE, "application/xml; charset=utf-8"),
            (
                header::CONTENT_DISPOSITION,
                "attachment; filename=\"workflow.xml\"",
            ),
        ],
        xml,
    )
}
