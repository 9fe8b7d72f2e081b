//! `/api/v1/workflows`, `/api/v1/validate`, `/api/v1/export`.

use axum::extract::State;
use axum::http::{Method, StatusCode, header};
use axum::response::IntoResponse;
use axum::routing::{get, post, put};
use shared::api::{
    CreateWorkflow, RestoreVersion, Role, SaveResult, SaveWorkflow, ValidationReport,
    VersionRecord, VersionSummary, WorkflowRecord, WorkflowSummary,
};
use shared::workflow::Workflow;
use shared::workflow::diff::WorkflowDiff;

use super::ApiError;
use super::auth::Caller;
use super::extract::{ApiJson, ApiPath, ApiQuery};
use super::openapi::{Answer, Endpoint, schema};
use crate::AppState;
use crate::service::workflows as service;

pub(super) fn endpoints() -> Vec<Endpoint> {
    use Answer::{File, Json};
    let (viewer, editor) = (Some(Role::Viewer), Some(Role::Editor));
    vec![
        Endpoint::new(
            Method::GET,
            "/workflows",
            viewer,
            "All workflows, newest change first",
            Json(200, schema::<Vec<WorkflowSummary>>),
            || get(list),
        ),
        Endpoint::new(
            Method::POST,
            "/workflows",
            editor,
            "Create an empty workflow (its version 1)",
            Json(201, schema::<WorkflowRecord>),
            || post(create),
        )
        .body(schema::<CreateWorkflow>),
        Endpoint::new(
            Method::GET,
            "/workflows/{id}",
            viewer,
            "A workflow: its newest version",
            Json(200, schema::<WorkflowRecord>),
            || get(read),
        ),
        Endpoint::new(
            Method::PUT,
            "/workflows/{id}",
            editor,
            "Save a new version (409 if `revision` is not the newest); invalid drafts are kept",
            Json(200, schema::<SaveResult>),
            || put(save),
        )
        .body(schema::<SaveWorkflow>),
        Endpoint::new(
            Method::GET,
            "/workflows/{id}/export",
            viewer,
            "workflow.xml of the newest version (422 with the issues if invalid)",
            File("application/xml"),
            || get(export_stored),
        ),
        Endpoint::new(
            Method::GET,
            "/workflows/{id}/versions",
            viewer,
            "The versions, newest first",
            Json(200, schema::<Vec<VersionSummary>>),
            || get(versions),
        ),
        Endpoint::new(
            Method::GET,
            "/workflows/{id}/diff",
            viewer,
            "What changed between two versions: nodes, edges, properties",
            Json(200, schema::<WorkflowDiff>),
            || get(diff),
        )
        .query(&[
            ("from", "integer", true, "the older version"),
            ("to", "integer", true, "the newer version"),
        ]),
        Endpoint::new(
            Method::GET,
            "/workflows/{id}/versions/{version}",
            viewer,
            "One version with its definition",
            Json(200, schema::<VersionRecord>),
            || get(version),
        ),
        Endpoint::new(
            Method::POST,
            "/workflows/{id}/versions/{version}/restore",
            editor,
            "Save an old version again as the newest",
            Json(200, schema::<SaveResult>),
            || post(restore),
        )
        .body(schema::<RestoreVersion>),
        Endpoint::new(
            Method::POST,
            "/workflows/{id}/versions/{version}/publish",
            Some(Role::Operator),
            // What the scheduler runs is an operator's decision, not an editor's.
            "Make a version the one the scheduler runs (later saves do not change it)",
            Json(200, schema::<WorkflowRecord>),
            || post(publish),
        ),
        Endpoint::new(
            Method::POST,
            "/validate",
            viewer,
            "Validate a definition as Oozie would at submit time",
            Json(200, schema::<ValidationReport>),
            || post(validate),
        )
        .body(schema::<Workflow>)
        .pure(),
        Endpoint::new(
            Method::POST,
            "/export",
            viewer,
            "workflow.xml of a definition (422 with the issues if invalid)",
            File("application/xml"),
            || post(export),
        )
        .body(schema::<Workflow>)
        .pure(),
    ]
}

async fn list(State(state): State<AppState>) -> Result<ApiJson<Vec<WorkflowSummary>>, ApiError> {
    Ok(ApiJson(service::list(&state).await?))
}

async fn create(
    State(state): State<AppState>,
    Caller(me): Caller,
    ApiJson(body): ApiJson<CreateWorkflow>,
) -> Result<(StatusCode, ApiJson<WorkflowRecord>), ApiError> {
    let record = service::create(&state, &body.name, &me.name).await?;
    Ok((StatusCode::CREATED, ApiJson(record)))
}

async fn read(
    State(state): State<AppState>,
    ApiPath(id): ApiPath<i64>,
) -> Result<ApiJson<WorkflowRecord>, ApiError> {
    Ok(ApiJson(service::get(&state, id).await?))
}

async fn save(
    State(state): State<AppState>,
    Caller(me): Caller,
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
    ApiPath(id): ApiPath<i64>,
) -> Result<ApiJson<Vec<VersionSummary>>, ApiError> {
    Ok(ApiJson(service::versions(&state, id).await?))
}

async fn version(
    State(state): State<AppState>,
    ApiPath((id, version)): ApiPath<(i64, i64)>,
) -> Result<ApiJson<VersionRecord>, ApiError> {
    Ok(ApiJson(service::version(&state, id, version).await?))
}

/// `{revision?}`: the revision the restore starts from, checked like a save's.
async fn restore(
    State(state): State<AppState>,
    Caller(me): Caller,
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
    ApiPath(id): ApiPath<i64>,
    ApiQuery(q): ApiQuery<DiffQuery>,
) -> Result<ApiJson<WorkflowDiff>, ApiError> {
    Ok(ApiJson(service::diff(&state, id, q.from, q.to).await?))
}

async fn publish(
    State(state): State<AppState>,
    ApiPath((id, version)): ApiPath<(i64, i64)>,
) -> Result<ApiJson<WorkflowRecord>, ApiError> {
    Ok(ApiJson(service::publish(&state, id, version).await?))
}

async fn validate(
    ApiJson(definition): ApiJson<Workflow>,
) -> Result<ApiJson<ValidationReport>, ApiError> {
    Ok(ApiJson(service::validate(&definition)?))
}

async fn export(ApiJson(definition): ApiJson<Workflow>) -> Result<impl IntoResponse, ApiError> {
    let xml = service::export(&definition)?;
    Ok(xml_attachment(xml))
}

async fn export_stored(
    State(state): State<AppState>,
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
