//! `/api/v1/datasources`: what SQL tasks connect to. Everyone signed in may list them
//! (a designer picks one by name; passwords are never shown); only admins change them.

use axum::extract::State;
use axum::http::{Method, StatusCode};
use axum::routing::{delete, get, post, put};
use shared::api::Role;
use shared::datasource::{DatasourceBody, DatasourceInfo, DatasourceTest};

use super::ApiError;
use super::extract::{ApiJson, ApiPath};
use super::openapi::{Answer, Endpoint, schema};
use crate::AppState;
use crate::service::datasources as service;

pub(super) fn endpoints() -> Vec<Endpoint> {
    use Answer::{Empty, Json};
    let (viewer, admin) = (Some(Role::Viewer), Some(Role::Admin));
    vec![
        Endpoint::new(
            Method::GET,
            "/datasources",
            viewer,
            "Datasources SQL tasks can name, by name; passwords are never shown",
            Json(200, schema::<Vec<DatasourceInfo>>),
            || get(list),
        ),
        Endpoint::new(
            Method::POST,
            "/datasources",
            admin,
            "Add a datasource (PostgreSQL or SQLite); its password is stored sealed",
            Json(201, schema::<DatasourceInfo>),
            || post(create),
        )
        .body(schema::<DatasourceBody>),
        Endpoint::new(
            Method::PUT,
            "/datasources/{id}",
            admin,
            "Change a datasource; without `password` the stored one is kept, an empty one removes it",
            Json(200, schema::<DatasourceInfo>),
            || put(update),
        )
        .body(schema::<DatasourceBody>),
        Endpoint::new(
            Method::DELETE,
            "/datasources/{id}",
            admin,
            "Remove a datasource (SQL tasks naming it then fail saying so)",
            Empty(204),
            || delete(remove),
        ),
        Endpoint::new(
            Method::POST,
            "/datasources/{id}/test",
            admin,
            "Connect and run SELECT 1, and say what happened",
            Json(200, schema::<DatasourceTest>),
            || post(test),
        ),
    ]
}

async fn list(State(state): State<AppState>) -> Result<ApiJson<Vec<DatasourceInfo>>, ApiError> {
    Ok(ApiJson(service::list(&state).await?))
}

async fn create(
    State(state): State<AppState>,
    ApiJson(body): ApiJson<DatasourceBody>,
) -> Result<(StatusCode, ApiJson<DatasourceInfo>), ApiError> {
    Ok((
        StatusCode::CREATED,
        ApiJson(service::create(&state, body).await?),
    ))
}

async fn update(
    State(state): State<AppState>,
    ApiPath(id): ApiPath<i64>,
    ApiJson(body): ApiJson<DatasourceBody>,
) -> Result<ApiJson<DatasourceInfo>, ApiError> {
    Ok(ApiJson(service::update(&state, id, body).await?))
}

async fn remove(
    State(state): State<AppState>,
    ApiPath(id): ApiPath<i64>,
) -> Result<StatusCode, ApiError> {
    service::delete(&state, id).await?;
    Ok(StatusCode::NO_CONTENT)
}

async fn test(
    State(state): State<AppState>,
    ApiPath(id): ApiPath<i64>,
) -> Result<ApiJson<DatasourceTest>, ApiError> {
    Ok(ApiJson(service::test(&state, id).await?))
}
