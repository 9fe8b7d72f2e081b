//! Use cases: what the API offers, independent of HTTP. Input limits live here, so every
//! entry point (API today, CLI later) enforces the same ones.

pub mod workflows;

use crate::store::StoreError;
use shared::workflow::Issue;

/// Largest workflow accepted, in nodes and edges: well above what people draw (the designer
/// targets thousands of nodes), low enough that validation stays fast on any input.
pub const MAX_NODES: usize = 20_000;
pub const MAX_EDGES: usize = 100_000;
pub const MAX_NAME_LEN: usize = 200;

#[derive(Debug, thiserror::Error)]
pub enum ServiceError {
    #[error("{0} not found")]
    NotFound(String),
    #[error("{0}")]
    Conflict(String),
    #[error("{0}")]
    BadInput(String),
    /// The request is well-formed but the workflow has validation errors.
    #[error("{message}")]
    Invalid { message: String, issues: Vec<Issue> },
    #[error(transparent)]
    Store(StoreError),
}

impl From<StoreError> for ServiceError {
    fn from(err: StoreError) -> Self {
        match err {
            StoreError::NotFound => ServiceError::NotFound("workflow".to_owned()),
            StoreError::Conflict(msg) => ServiceError::Conflict(msg),
            other => ServiceError::Store(other),
        }
    }
}
