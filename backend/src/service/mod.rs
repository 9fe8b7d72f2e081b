//! Use cases: what the API offers, independent of HTTP. Input limits live here, so every
//! entry point (API today, CLI later) enforces the same ones.

pub mod alerts;
pub mod apps;
pub mod auth;
pub mod coord_jobs;
pub mod datasources;
pub mod definitions;
pub mod instances;
mod sealed;

use chrono::{DateTime, SecondsFormat, Utc};

use crate::store::StoreError;
use shared::workflow::Issue;

/// Largest workflow accepted, in nodes and edges: well above what people draw (the designer
/// targets thousands of nodes), low enough that validation stays fast on any input.
pub const MAX_NODES: usize = 20_000;
pub const MAX_EDGES: usize = 100_000;
pub const MAX_NAME_LEN: usize = 200;

/// The most items one page of a list holds.
pub const MAX_PAGE: i64 = 500;
pub const DEFAULT_PAGE: i64 = 100;

/// A list's `limit` and `offset`, defaulted and checked.
pub(crate) fn page_bounds(
    limit: Option<i64>,
    offset: Option<i64>,
) -> Result<(i64, i64), ServiceError> {
    let limit = limit.unwrap_or(DEFAULT_PAGE);
    if !(1..=MAX_PAGE).contains(&limit) {
        return Err(ServiceError::BadInput(format!(
            "limit is from 1 to {MAX_PAGE}"
        )));
    }
    let offset = offset.unwrap_or(0);
    if offset < 0 {
        return Err(ServiceError::BadInput(
            "offset cannot be negative".to_owned(),
        ));
    }
    Ok((limit, offset))
}

/// A list's filters and page as a request's query gives them; the owner (a workflow or a
/// coordinator) is passed beside it.
#[derive(Debug, Clone, Default, serde::Deserialize)]
pub struct ListFilter {
    pub status: Option<String>,
    /// Created at or after this time (Oozie's `2026-11-21T00:00Z`).
    pub since: Option<String>,
    /// Created before this time.
    pub until: Option<String>,
    pub limit: Option<i64>,
    pub offset: Option<i64>,
}

impl ListFilter {
    /// The creation-time bounds in ms, checked.
    pub(crate) fn created(&self) -> Result<(Option<i64>, Option<i64>), ServiceError> {
        let bound = |name: &str, text: &Option<String>| match text.as_deref().map(str::trim) {
            None | Some("") => Ok(None),
            Some(t) => shared::time::parse_oozie_time(t)
                .map(|d| Some(d.timestamp_millis()))
                .map_err(|e| ServiceError::BadInput(format!("{name} '{t}': {e}"))),
        };
        Ok((bound("since", &self.since)?, bound("until", &self.until)?))
    }
}

/// A list's status filter: absent or blank for all, else one of `names` (any case).
pub(crate) fn status_filter(
    text: Option<&str>,
    names: &[&'static str],
) -> Result<Option<String>, ServiceError> {
    match text.map(str::trim) {
        None | Some("") => Ok(None),
        Some(s) => names
            .iter()
            .find(|n| n.eq_ignore_ascii_case(s))
            .map(|n| Some((*n).to_owned()))
            .ok_or_else(|| {
                ServiceError::BadInput(format!("status '{s}' is none of {}", names.join(", ")))
            }),
    }
}

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
    /// No valid credentials came with the request (or a login failed).
    #[error("{0}")]
    Unauthenticated(String),
    /// The caller is known but may not do this.
    #[error("{0}")]
    Forbidden(String),
    #[error("too many failed logins; try again in {retry_after_s} s")]
    TooManyAttempts { retry_after_s: u64 },
    /// The operation does not apply in the instance's state; `code` is Oozie's error code
    /// where Oozie has one (E0805…).
    #[error("{code}: {message}")]
    Refused { code: String, message: String },
    /// The workflow engine is not running on this server.
    #[error("{0}")]
    Unavailable(String),
    #[error(transparent)]
    Store(StoreError),
    /// Something that should not fail did (no randomness, a crashed worker thread).
    #[error("{0}")]
    Internal(String),
}

/// A store error, with "not found" naming what was looked for.
pub(crate) fn not_found(what: String) -> impl Fn(StoreError) -> ServiceError {
    move |e| match e {
        StoreError::NotFound => ServiceError::NotFound(what.clone()),
        other => ServiceError::Store(other),
    }
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

pub(crate) fn now_ms() -> i64 {
    Utc::now().timestamp_millis()
}

pub(crate) fn rfc3339(ms: i64) -> String {
    DateTime::from_timestamp_millis(ms)
        .unwrap_or_default()
        .to_rfc3339_opts(SecondsFormat::Millis, true)
}
