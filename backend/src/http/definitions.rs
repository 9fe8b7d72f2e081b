//! `/api/v1/workflows`, `/api/v1/coordinators` (the same routes for both kinds),
//! `/api/v1/validate`, `/api/v1/export`, `/api/v1/import`.

use axum::body::Bytes;
use axum::extract::State;
use axum::http::{Method, StatusCode, header};
use axum::response::IntoResponse;
use axum::routing::{get, post, put};
use shared::api::{
    CreateWorkflow, ImportReport, Page, Record, RestoreVersion, Role, SaveBody, Saved, Summary,
    ValidationReport, VersionRecord, VersionSummary,
};
use shared::coord::Coordinator;
use shared::workflow::Workflow;

use super::ApiError;
use super::auth::Caller;
use super::extract::{ApiJson, ApiPath, ApiQuery};
use super::openapi::{Answer, Endpoint, schema};
use crate::AppState;
use crate::service::apps::{self, Download, Format};
use crate::service::definitions::{self as service, Versioned};

/// The media types an export answers with, by `format`.
const EXPORT_MEDIA: &[&str] = &["application/xml", "text/plain", "application/zip"];

/// The routes of one definition kind: `$base` is its collection's path, `$noun` its name.
macro_rules! definition_endpoints {
    ($t:ty, $base:literal, $noun:literal) => {{
        use Answer::{File, Json};
        let (viewer, editor) = (Some(Role::Viewer), Some(Role::Editor));
        vec![
            Endpoint::new(
                Method::GET,
                $base,
                viewer,
                concat!("A page of ", $noun, "s, newest change first"),
                Json(200, schema::<Page<Summary>>),
                || get(list::<$t>),
            )
            .query(&[
                (
                    "q",
                    "string",
                    false,
                    "only names containing this (case-insensitive)",
                ),
                (
                    "limit",
                    "integer",
                    false,
                    "items per page, 1 to 500 (default 100)",
                ),
                ("offset", "integer", false, "items to skip (default 0)"),
            ]),
            Endpoint::new(
                Method::POST,
                $base,
                editor,
                concat!("Create an empty ", $noun, " (its version 1)"),
                Json(201, schema::<Record<$t>>),
                || post(create::<$t>),
            )
            .body(schema::<CreateWorkflow>),
            Endpoint::new(
                Method::GET,
                concat!($base, "/{id}"),
                viewer,
                concat!("A ", $noun, ": its newest version"),
                Json(200, schema::<Record<$t>>),
                || get(read::<$t>),
            ),
            Endpoint::new(
                Method::PUT,
                concat!($base, "/{id}"),
                editor,
                "Save a new version (409 if `revision` is not the newest); invalid drafts are kept",
                Json(200, schema::<Saved<$t>>),
                || put(save::<$t>),
            )
            .body(schema::<SaveBody<$t>>),
            Endpoint::new(
                Method::GET,
                concat!($base, "/{id}/export"),
                viewer,
                concat!(
                    "The ",
                    $noun,
                    "'s XML, job.properties, or both in a zip (422 with the issues if Oozie \
                     would reject it)"
                ),
                File(EXPORT_MEDIA),
                || get(export_stored::<$t>),
            )
            .query(&[
                (
                    "format",
                    "string",
                    false,
                    "xml (default), properties or zip",
                ),
                (
                    "version",
                    "integer",
                    false,
                    "a version (default: the newest)",
                ),
            ]),
            Endpoint::new(
                Method::GET,
                concat!($base, "/{id}/versions"),
                viewer,
                "The versions, newest first",
                Json(200, schema::<Vec<VersionSummary>>),
                || get(versions::<$t>),
            ),
            Endpoint::new(
                Method::GET,
                concat!($base, "/{id}/diff"),
                viewer,
                "What changed between two versions, part by part",
                Json(200, schema::<<$t as Versioned>::Diff>),
                || get(diff::<$t>),
            )
            .query(&[
                ("from", "integer", true, "the older version"),
                ("to", "integer", true, "the newer version"),
            ]),
            Endpoint::new(
                Method::GET,
                concat!($base, "/{id}/versions/{version}"),
                viewer,
                "One version with its definition",
                Json(200, schema::<VersionRecord<$t>>),
                || get(version::<$t>),
            ),
            Endpoint::new(
                Method::POST,
                concat!($base, "/{id}/versions/{version}/restore"),
                editor,
                "Save an old version again as the newest",
                Json(200, schema::<Saved<$t>>),
                || post(restore::<$t>),
            )
            .body(schema::<RestoreVersion>),
            Endpoint::new(
                Method::POST,
                concat!($base, "/{id}/versions/{version}/publish"),
                Some(Role::Operator),
                // What the scheduler runs is an operator's decision, not an editor's.
                "Make a version the one the scheduler runs (later saves do not change it)",
                Json(200, schema::<Record<$t>>),
                || post(publish::<$t>),
            ),
        ]
    }};
}

pub(super) fn endpoints() -> Vec<Endpoint> {
    use Answer::{File, Json};
    let viewer = Some(Role::Viewer);
    let mut all = definition_endpoints!(Workflow, "/workflows", "workflow");
    all.extend(definition_endpoints!(
        Coordinator,
        "/coordinators",
        "coordinator"
    ));
    all.extend([
        Endpoint::new(
            Method::POST,
            "/validate",
            viewer,
            "Validate a workflow as Oozie would at submit time",
            Json(200, schema::<ValidationReport>),
            || post(validate::<Workflow>),
        )
        .body(schema::<Workflow>)
        .pure(),
        Endpoint::new(
            Method::POST,
            "/coordinators/validate",
            viewer,
            "Validate a coordinator as Oozie would at submit time, with its job.properties",
            Json(200, schema::<ValidationReport>),
            || post(validate::<Coordinator>),
        )
        .body(schema::<Coordinator>)
        .pure(),
        Endpoint::new(
            Method::POST,
            "/export",
            viewer,
            "workflow.xml of a definition (422 with the issues if invalid)",
            File(&["application/xml"]),
            || post(export),
        )
        .body(schema::<Workflow>)
        .pure(),
        Endpoint::new(
            Method::POST,
            "/import",
            Some(Role::Editor),
            "Import a workflow.xml, a coordinator.xml, or a zip of Oozie app directories; \
             answers with what became of every file. A name already stored gets a new version.",
            Json(200, schema::<ImportReport>),
            || post(import),
        )
        .upload(&["application/zip", "application/xml"])
        .query(&[
            (
                "dry_run",
                "boolean",
                false,
                "report what would happen, save nothing",
            ),
            (
                "filename",
                "string",
                false,
                "the uploaded XML file's name, for the report",
            ),
        ]),
    ]);
    all
}

#[derive(serde::Deserialize)]
struct ListParams {
    q: Option<String>,
    limit: Option<i64>,
    offset: Option<i64>,
}

async fn list<T: Versioned>(
    State(state): State<AppState>,
    ApiQuery(p): ApiQuery<ListParams>,
) -> Result<ApiJson<Page<Summary>>, ApiError> {
    Ok(ApiJson(
        service::list::<T>(&state, p.q, p.limit, p.offset).await?,
    ))
}

async fn create<T: Versioned>(
    State(state): State<AppState>,
    Caller(me): Caller,
    ApiJson(body): ApiJson<CreateWorkflow>,
) -> Result<(StatusCode, ApiJson<Record<T>>), ApiError> {
    let record = service::create::<T>(&state, &body.name, &me.name).await?;
    Ok((StatusCode::CREATED, ApiJson(record)))
}

async fn read<T: Versioned>(
    State(state): State<AppState>,
    ApiPath(id): ApiPath<i64>,
) -> Result<ApiJson<Record<T>>, ApiError> {
    Ok(ApiJson(service::get::<T>(&state, id).await?))
}

async fn save<T: Versioned>(
    State(state): State<AppState>,
    Caller(me): Caller,
    ApiPath(id): ApiPath<i64>,
    ApiJson(body): ApiJson<SaveBody<T>>,
) -> Result<ApiJson<Saved<T>>, ApiError> {
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

async fn versions<T: Versioned>(
    State(state): State<AppState>,
    ApiPath(id): ApiPath<i64>,
) -> Result<ApiJson<Vec<VersionSummary>>, ApiError> {
    Ok(ApiJson(service::versions::<T>(&state, id).await?))
}

async fn version<T: Versioned>(
    State(state): State<AppState>,
    ApiPath((id, version)): ApiPath<(i64, i64)>,
) -> Result<ApiJson<VersionRecord<T>>, ApiError> {
    Ok(ApiJson(service::version::<T>(&state, id, version).await?))
}

/// `{revision?}`: the revision the restore starts from, checked like a save's.
async fn restore<T: Versioned>(
    State(state): State<AppState>,
    Caller(me): Caller,
    ApiPath((id, version)): ApiPath<(i64, i64)>,
    ApiJson(body): ApiJson<RestoreVersion>,
) -> Result<ApiJson<Saved<T>>, ApiError> {
    Ok(ApiJson(
        service::restore::<T>(&state, id, version, body.revision, &me.name).await?,
    ))
}

#[derive(serde::Deserialize)]
struct DiffQuery {
    from: i64,
    to: i64,
}

/// `?from=A&to=B`: what changed from version A to version B, structurally.
async fn diff<T: Versioned>(
    State(state): State<AppState>,
    ApiPath(id): ApiPath<i64>,
    ApiQuery(q): ApiQuery<DiffQuery>,
) -> Result<ApiJson<T::Diff>, ApiError> {
    Ok(ApiJson(service::diff::<T>(&state, id, q.from, q.to).await?))
}

async fn publish<T: Versioned>(
    State(state): State<AppState>,
    ApiPath((id, version)): ApiPath<(i64, i64)>,
) -> Result<ApiJson<Record<T>>, ApiError> {
    Ok(ApiJson(service::publish::<T>(&state, id, version).await?))
}

async fn validate<T: Versioned>(
    Caller(me): Caller,
    ApiJson(definition): ApiJson<T>,
) -> Result<ApiJson<ValidationReport>, ApiError> {
    Ok(ApiJson(service::validate(&definition, &me.name)?))
}

async fn export(ApiJson(definition): ApiJson<Workflow>) -> Result<impl IntoResponse, ApiError> {
    Ok(attachment(apps::download(&definition, Format::Xml)?))
}

#[derive(serde::Deserialize)]
struct ExportQuery {
    format: Option<Format>,
    version: Option<i64>,
}

async fn export_stored<T: Versioned>(
    State(state): State<AppState>,
    ApiPath(id): ApiPath<i64>,
    ApiQuery(q): ApiQuery<ExportQuery>,
) -> Result<impl IntoResponse, ApiError> {
    let format = q.format.unwrap_or(Format::Xml);
    Ok(attachment(
        apps::export::<T>(&state, id, q.version, format).await?,
    ))
}

/// Oozie expects `workflow.xml` (or `coordinator.xml`) inside the app directory, whatever
/// the definition's name, so that is the download's name.
fn attachment(file: Download) -> impl IntoResponse {
    (
        [
            (header::CONTENT_TYPE, file.content_type.to_owned()),
            (
                header::CONTENT_DISPOSITION,
                format!("attachment; filename=\"{}\"", file.file_name),
            ),
        ],
        file.bytes,
    )
}

#[derive(serde::Deserialize)]
struct ImportQuery {
    #[serde(default)]
    dry_run: bool,
    filename: Option<String>,
}

async fn import(
    State(state): State<AppState>,
    Caller(me): Caller,
    ApiQuery(q): ApiQuery<ImportQuery>,
    body: Bytes,
) -> Result<ApiJson<ImportReport>, ApiError> {
    Ok(ApiJson(
        apps::import(&state, &body, q.filename.as_deref(), q.dry_run, &me.name).await?,
    ))
}
