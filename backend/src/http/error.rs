//! The API's one error type. Every failure, including axum's own rejections, becomes
//! `{code, message, details}` with a 4xx status for bad input; a 500 is logged with its cause
//! and answers with a generic message.

use axum::Json;
use axum::extract::rejection::{JsonRejection, PathRejection, QueryRejection};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use shared::api::ErrorBody;

use crate::service::ServiceError;

#[derive(Debug)]
pub struct ApiError {
    status: StatusCode,
    body: ErrorBody,
    /// Seconds, for a 429.
    retry_after: Option<u64>,
}

impl ApiError {
    pub fn new(status: StatusCode, code: &str, message: impl Into<String>) -> Self {
        ApiError {
            status,
            body: ErrorBody {
                code: code.to_owned(),
                message: message.into(),
                details: None,
            },
            retry_after: None,
        }
    }

    pub fn status(&self) -> StatusCode {
        self.status
    }
}

impl From<ServiceError> for ApiError {
    fn from(err: ServiceError) -> Self {
        match err {
            ServiceError::NotFound(_) => {
                ApiError::new(StatusCode::NOT_FOUND, "not_found", err.to_string())
            }
            ServiceError::Conflict(msg) => ApiError::new(StatusCode::CONFLICT, "conflict", msg),
            ServiceError::BadInput(msg) => {
                ApiError::new(StatusCode::UNPROCESSABLE_ENTITY, "invalid_request", msg)
            }
            ServiceError::Invalid { message, issues } => {
                let mut api = ApiError::new(
                    StatusCode::UNPROCESSABLE_ENTITY,
                    "invalid_definition",
                    message,
                );
                api.body.details = Some(issues);
                api
            }
            ServiceError::Unauthenticated(msg) => {
                ApiError::new(StatusCode::UNAUTHORIZED, "unauthenticated", msg)
            }
            ServiceError::Forbidden(msg) => ApiError::new(StatusCode::FORBIDDEN, "forbidden", msg),
            ServiceError::Refused { code, message } => {
                ApiError::new(StatusCode::CONFLICT, &code, message)
            }
            ServiceError::Unavailable(msg) => {
                ApiError::new(StatusCode::SERVICE_UNAVAILABLE, "unavailable", msg)
            }
            ServiceError::TooManyAttempts { retry_after_s } => {
                let mut api = ApiError::new(
                    StatusCode::TOO_MANY_REQUESTS,
                    "too_many_attempts",
                    err.to_string(),
                );
                api.retry_after = Some(retry_after_s);
                api
            }
            ServiceError::Internal(msg) => {
                tracing::error!(error = %msg, "internal failure");
                ApiError::new(
                    StatusCode::INTERNAL_SERVER_ERROR,
                    "internal",
                    "the server could not complete the request; see its log",
                )
            }
            ServiceError::Store(source) => {
                tracing::error!(error = %source, "store failure");
                ApiError::new(
                    StatusCode::INTERNAL_SERVER_ERROR,
                    "internal",
                    "the server could not complete the request; see its log",
                )
            }
        }
    }
}

impl From<JsonRejection> for ApiError {
    fn from(rejection: JsonRejection) -> Self {
        let status = rejection.status();
        let code = if status == StatusCode::PAYLOAD_TOO_LARGE {
            "payload_too_large"
        } else {
            "invalid_json"
        };
        ApiError::new(status, code, rejection.body_text())
    }
}

impl From<PathRejection> for ApiError {
    fn from(rejection: PathRejection) -> Self {
        ApiError::new(
            StatusCode::BAD_REQUEST,
            "invalid_path",
            rejection.body_text(),
        )
    }
}

impl From<QueryRejection> for ApiError {
    fn from(rejection: QueryRejection) -> Self {
        ApiError::new(
            StatusCode::BAD_REQUEST,
            "invalid_query",
            rejection.body_text(),
        )
    }
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        let mut response = (self.status, Json(self.body)).into_response();
        if let Some(seconds) = self.retry_after {
            response
                .headers_mut()
                .insert(axum::http::header::RETRY_AFTER, seconds.into());
        }
        response
    }
}
