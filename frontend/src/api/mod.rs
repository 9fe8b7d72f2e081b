//! The typed client of the REST API: one async function per endpoint, bodies from
//! `shared::api`, and one error type that carries the server's `{code, message, details}`.

use gloo_net::http::{Request, Response};
use serde::de::DeserializeOwned;
use shared::api::{
    CreateWorkflow, ErrorBody, SaveResult, SaveWorkflow, ValidationReport, WorkflowRecord,
    WorkflowSummary,
};
use shared::workflow::{Issue, Workflow};

const BASE: &str = "/api/v1";

#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum ApiError {
    /// The server answered with an error body.
    #[error("{message}")]
    Server {
        status: u16,
        code: String,
        message: String,
        details: Vec<Issue>,
    },
    /// The request did not get an answer we could read.
    #[error("cannot reach the server: {0}")]
    Network(String),
}

impl ApiError {
    pub fn is_conflict(&self) -> bool {
        matches!(self, ApiError::Server { status: 409, .. })
    }
}

impl From<gloo_net::Error> for ApiError {
    fn from(err: gloo_net::Error) -> Self {
        ApiError::Network(err.to_string())
    }
}

async fn check(resp: Response) -> Result<Response, ApiError> {
    if resp.ok() {
        return Ok(resp);
    }
    let status = resp.status();
    Err(match resp.json::<ErrorBody>().await {
        Ok(body) => ApiError::Server {
            status,
            code: body.code,
            message: body.message,
            details: body.details.unwrap_or_default(),
        },
        Err(_) => ApiError::Server {
            status,
            code: "http".to_owned(),
            message: format!("the server answered {status}"),
            details: Vec::new(),
        },
    })
}

async fn json<T: DeserializeOwned>(resp: Response) -> Result<T, ApiError> {
    Ok(check(resp).await?.json().await?)
}

pub async fn list_workflows() -> Result<Vec<WorkflowSummary>, ApiError> {
    json(Request::get(&format!("{BASE}/workflows")).send().await?).await
}

pub async fn create_workflow(name: String) -> Result<WorkflowRecord, ApiError> {
    let req = Request::post(&format!("{BASE}/workflows")).json(&CreateWorkflow { name })?;
    json(req.send().await?).await
}

pub async fn get_workflow(id: i64) -> Result<WorkflowRecord, ApiError> {
    json(
        Request::get(&format!("{BASE}/workflows/{id}"))
            .send()
            .await?,
    )
    .await
}

pub async fn save_workflow(
    id: i64,
    revision: i64,
    definition: Workflow,
) -> Result<SaveResult, ApiError> {
    let body = SaveWorkflow {
        revision: Some(revision),
        definition,
        comment: None,
    };
    let req = Request::put(&format!("{BASE}/workflows/{id}")).json(&body)?;
    json(req.send().await?).await
}

pub async fn validate(definition: &Workflow) -> Result<ValidationReport, ApiError> {
    let req = Request::post(&format!("{BASE}/validate")).json(definition)?;
    json(req.send().await?).await
}

/// `workflow.xml` of the definition, or the validation errors that prevent it.
pub async fn export(definition: &Workflow) -> Result<String, ApiError> {
    let req = Request::post(&format!("{BASE}/export")).json(definition)?;
    Ok(check(req.send().await?).await?.text().await?)
}
