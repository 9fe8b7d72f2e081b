//! Extractors whose rejections are [`ApiError`]s, so a malformed body or path gets the same
//! JSON error shape as everything else.

use axum::extract::{FromRequest, FromRequestParts};
use serde::Serialize;

use super::ApiError;

#[derive(FromRequest)]
#[from_request(via(axum::Json), rejection(ApiError))]
pub(super) struct ApiJson<T>(pub(super) T);

impl<T: Serialize> axum::response::IntoResponse for ApiJson<T> {
    fn into_response(self) -> axum::response::Response {
        axum::Json(self.0).into_response()
    }
}

#[derive(FromRequestParts)]
#[from_request(via(axum::extract::Path), rejection(ApiError))]
pub(super) struct ApiPath<T>(pub(super) T);

#[derive(FromRequestParts)]
#[from_request(via(axum::extract::Query), rejection(ApiError))]
pub(super) struct ApiQuery<T>(pub(super) T);

/// `?dry_run=true` on an operation: say what it would change, change nothing.
#[derive(Debug, Default, serde::Deserialize)]
pub(super) struct DryRun {
    #[serde(default)]
    pub dry_run: bool,
}

/// How the API description tells of [`DryRun`].
pub(super) const DRY_RUN: &[super::openapi::QueryParam] = &[(
    "dry_run",
    "boolean",
    false,
    "only say what it would change (the status and each node, action or workflow it \
     touches); change nothing",
)];
