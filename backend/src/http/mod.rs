//! HTTP: the REST API under `/api/v1` and the browser app everywhere else.

mod alerts;
pub mod auth;
mod coord_jobs;
mod datasources;
mod definitions;
mod error;
pub mod events;
mod extract;
mod instances;
pub mod openapi;
mod ops;

pub use error::ApiError;

use std::sync::Arc;

use axum::Router;
use axum::extract::DefaultBodyLimit;
use axum::http::StatusCode;
use tower_http::compression::CompressionLayer;
use tower_http::trace::TraceLayer;

use crate::AppState;
use auth::Caller;

/// Largest request body. A 20,000-node workflow in JSON is about 4 MiB.
pub const MAX_BODY_BYTES: usize = 8 * 1024 * 1024;

/// Every API endpoint, as the router serves them and the OpenAPI document describes them.
pub fn endpoints() -> Vec<openapi::Endpoint> {
    let mut all = auth::endpoints();
    all.extend(definitions::endpoints());
    all.extend(instances::endpoints());
    all.extend(coord_jobs::endpoints());
    all.extend(alerts::endpoints());
    all.extend(datasources::endpoints());
    all.push(openapi::Endpoint::new(
        axum::http::Method::GET,
        "/events",
        Some(shared::api::Role::Viewer),
        "Live changes, as server-sent events: `change` (a definition saved, an operation \
         done), `instance` (an instance's or a node's status), `coordinator` (a coordinator job's or \
         action's status), `lagged` (reload)",
        openapi::Answer::Events,
        || axum::routing::get(events::stream),
    ));
    all
}

/// The whole application, ready to serve or to drive with `tower::ServiceExt::oneshot`.
pub fn app(state: AppState) -> Router {
    let endpoints = endpoints();
    let document: Arc<str> = openapi::document(&endpoints).to_string().into();
    let api = endpoints
        .iter()
        .fold(Router::new(), |router, e| {
            let access = e.access();
            let checked = (e.handler)().route_layer(axum::middleware::from_fn(
                move |req: axum::extract::Request, next: axum::middleware::Next| {
                    auth::check(access, req, next)
                },
            ));
            router.route(e.path, checked)
        })
        // Strangers learn nothing of which routes exist.
        .fallback(|Caller(_): Caller| async {
            ApiError::new(StatusCode::NOT_FOUND, "not_found", "no such API route")
        })
        .method_not_allowed_fallback(|Caller(_): Caller| async {
            ApiError::new(
                StatusCode::METHOD_NOT_ALLOWED,
                "method_not_allowed",
                "this API route does not accept that method",
            )
        })
        .layer(axum::middleware::from_fn_with_state(
            state.clone(),
            auth::guard,
        ));
    let metrics = Arc::new(ops::Metrics::default());
    Router::new()
        .nest("/api/v1", api)
        .route(
            "/api/openapi.json",
            axum::routing::get(move || async move {
                (
                    [(axum::http::header::CONTENT_TYPE, "application/json")],
                    document.to_string(),
                )
            }),
        )
        .merge(ops::router(metrics.clone()))
        .fallback(crate::assets::serve)
        .layer(axum::middleware::from_fn_with_state(metrics, ops::track))
        .layer(DefaultBodyLimit::max(MAX_BODY_BYTES))
        .layer(CompressionLayer::new())
        .layer(TraceLayer::new_for_http())
        .with_state(state)
}
