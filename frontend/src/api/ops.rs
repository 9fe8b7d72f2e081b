//! Schedules and runs: coordinators, their jobs, workflow instances and their logs, and
//! every operation with its dry run.

use gloo_net::http::Request;
use shared::api::{
    CoordJobDetail, CoordJobSummary, CoordOpReport, CoordRunRequest, CoordinatorRecord,
    CreateWorkflow, InstanceDetail, InstanceState, InstanceSummary, LogChunk, Page, RerunReport,
    RerunRequest, Saved,
};
use shared::coord::Coordinator;

use super::{ApiError, BASE, changing, json};

fn encode(text: &str) -> String {
    String::from(js_sys::encode_uri_component(text))
}

pub async fn create_coordinator(name: String) -> Result<CoordinatorRecord, ApiError> {
    let req =
        changing(Request::post(&format!("{BASE}/coordinators"))).json(&CreateWorkflow { name })?;
    json(req.send().await?).await
}

pub async fn save_coordinator(
    id: i64,
    revision: i64,
    definition: Coordinator,
) -> Result<Saved<Coordinator>, ApiError> {
    let body = shared::api::SaveCoordinator {
        revision: Some(revision),
        definition,
        comment: Some("scheduled from the designer".to_owned()),
    };
    let req = changing(Request::put(&format!("{BASE}/coordinators/{id}"))).json(&body)?;
    json(req.send().await?).await
}

/// Submits a job of the coordinator's newest version.
pub async fn run_coordinator(id: i64, version: i64) -> Result<CoordJobSummary, ApiError> {
    let req = changing(Request::post(&format!("{BASE}/coordinators/{id}/run"))).json(
        &CoordRunRequest {
            version: Some(version),
            properties: Default::default(),
        },
    )?;
    json(req.send().await?).await
}

pub async fn coord_jobs() -> Result<Page<CoordJobSummary>, ApiError> {
    json(
        Request::get(&format!("{BASE}/coordinator-jobs?limit=100"))
            .send()
            .await?,
    )
    .await
}

pub async fn coord_job(id: i64) -> Result<CoordJobDetail, ApiError> {
    json(
        Request::get(&format!("{BASE}/coordinator-jobs/{id}"))
            .send()
            .await?,
    )
    .await
}

/// `op`: suspend, resume or kill.
pub async fn coord_op(id: i64, op: &str, dry_run: bool) -> Result<CoordOpReport, ApiError> {
    let req = changing(Request::post(&format!(
        "{BASE}/coordinator-jobs/{id}/{op}?dry_run={dry_run}"
    )))
    .json(&serde_json::json!({}))?;
    json(req.send().await?).await
}

pub async fn instances(status: String) -> Result<Page<InstanceSummary>, ApiError> {
    let filter = if status.is_empty() {
        String::new()
    } else {
        format!("&status={}", encode(&status))
    };
    json(
        Request::get(&format!("{BASE}/instances?limit=100{filter}"))
            .send()
            .await?,
    )
    .await
}

pub async fn instance(id: i64) -> Result<InstanceDetail, ApiError> {
    json(
        Request::get(&format!("{BASE}/instances/{id}"))
            .send()
            .await?,
    )
    .await
}

/// `op`: start, suspend, resume or kill.
pub async fn instance_op(id: i64, op: &str, dry_run: bool) -> Result<InstanceState, ApiError> {
    let req = changing(Request::post(&format!(
        "{BASE}/instances/{id}/{op}?dry_run={dry_run}"
    )))
    .json(&serde_json::json!({}))?;
    json(req.send().await?).await
}

pub async fn rerun(id: i64, request: &RerunRequest) -> Result<RerunReport, ApiError> {
    let req = changing(Request::post(&format!("{BASE}/instances/{id}/rerun"))).json(request)?;
    json(req.send().await?).await
}

/// The newest try's log of a node, from `offset`.
pub async fn log(id: i64, node: &str, offset: u64) -> Result<LogChunk, ApiError> {
    json(
        Request::get(&format!(
            "{BASE}/instances/{id}/nodes/{}/log?offset={offset}",
            encode(node)
        ))
        .send()
        .await?,
    )
    .await
}
