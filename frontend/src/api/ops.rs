//! Schedules and runs: coordinators, their jobs, workflow instances and their logs, and
//! every operation with its dry run.

use gloo_net::http::Request;
use serde::Serialize;
use serde::de::DeserializeOwned;
use shared::api::{
    AuditEntry, BackfillReport, BackfillRequest, CoordJobDetail, CoordJobSummary, CoordOpReport,
    CoordRunRequest, CoordinatorRecord, CreateWorkflow, InstanceDetail, InstanceState,
    InstanceSummary, LogChunk, MarkRequest, Page, RerunReport, RerunRequest, RunRequest, Saved,
    Summary,
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
    comment: &str,
) -> Result<Saved<Coordinator>, ApiError> {
    let body = shared::api::SaveCoordinator {
        revision: Some(revision),
        definition,
        comment: Some(comment.to_owned()),
    };
    let req = changing(Request::put(&format!("{BASE}/coordinators/{id}"))).json(&body)?;
    json(req.send().await?).await
}

/// The stored coordinators, by name (the first 100).
pub async fn coordinators() -> Result<Page<Summary>, ApiError> {
    get(format!("{BASE}/coordinators?limit=100")).await
}

pub async fn coordinator(id: i64) -> Result<CoordinatorRecord, ApiError> {
    get(format!("{BASE}/coordinators/{id}")).await
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
    get(format!("{BASE}/coordinator-jobs?limit=100")).await
}

pub async fn coord_job(id: i64) -> Result<CoordJobDetail, ApiError> {
    get(format!("{BASE}/coordinator-jobs/{id}")).await
}

/// `op`: suspend, resume, kill (with `{}`), change, rerun or ignore.
pub async fn coord_op(
    id: i64,
    op: &str,
    body: &impl Serialize,
    dry_run: bool,
) -> Result<CoordOpReport, ApiError> {
    post(
        format!("{BASE}/coordinator-jobs/{id}/{op}?dry_run={dry_run}"),
        body,
    )
    .await
}

/// A backfill of the stored coordinator `id`.
pub async fn backfill(
    id: i64,
    request: &BackfillRequest,
    dry_run: bool,
) -> Result<BackfillReport, ApiError> {
    post(
        format!("{BASE}/coordinators/{id}/backfill?dry_run={dry_run}"),
        request,
    )
    .await
}

/// Which instances a list shows, and its page.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct InstanceFilter {
    pub status: String,
    pub workflow: Option<i64>,
    /// Oozie times; empty for no bound.
    pub since: String,
    pub until: String,
    pub offset: i64,
    pub limit: i64,
}

pub async fn instances(f: &InstanceFilter) -> Result<Page<InstanceSummary>, ApiError> {
    let mut query = format!("limit={}&offset={}", f.limit, f.offset);
    for (name, value) in [
        ("status", &f.status),
        ("since", &f.since),
        ("until", &f.until),
    ] {
        if !value.is_empty() {
            query.push_str(&format!("&{name}={}", encode(value)));
        }
    }
    if let Some(w) = f.workflow {
        query.push_str(&format!("&workflow_id={w}"));
    }
    get(format!("{BASE}/instances?{query}")).await
}

pub async fn instance(id: i64) -> Result<InstanceDetail, ApiError> {
    get(format!("{BASE}/instances/{id}")).await
}

/// The workflow an instance runs, as it was when it started.
pub async fn instance_definition(id: i64) -> Result<shared::workflow::Workflow, ApiError> {
    get(format!("{BASE}/instances/{id}/definition")).await
}

/// Who did what to a resource: `instances/7` or `coordinator-jobs/3`.
pub async fn audit(path: String) -> Result<Vec<AuditEntry>, ApiError> {
    get(format!("{BASE}/{path}/audit")).await
}

/// `op`: start, suspend, resume or kill.
pub async fn instance_op(id: i64, op: &str, dry_run: bool) -> Result<InstanceState, ApiError> {
    post(
        format!("{BASE}/instances/{id}/{op}?dry_run={dry_run}"),
        &serde_json::json!({}),
    )
    .await
}

pub async fn mark(
    id: i64,
    request: &MarkRequest,
    dry_run: bool,
) -> Result<InstanceState, ApiError> {
    post(
        format!("{BASE}/instances/{id}/mark?dry_run={dry_run}"),
        request,
    )
    .await
}

/// A rerun; the dry run is asked in the query, so it is not audited.
pub async fn rerun(
    id: i64,
    request: &RerunRequest,
    dry_run: bool,
) -> Result<RerunReport, ApiError> {
    post(
        format!("{BASE}/instances/{id}/rerun?dry_run={dry_run}"),
        request,
    )
    .await
}

/// Starts an instance of a stored workflow.
pub async fn run_workflow(id: i64, request: &RunRequest) -> Result<InstanceState, ApiError> {
    post(format!("{BASE}/workflows/{id}/run"), request).await
}

async fn get<T: DeserializeOwned>(url: String) -> Result<T, ApiError> {
    json(Request::get(&url).send().await?).await
}

async fn post<T: DeserializeOwned>(url: String, body: &impl Serialize) -> Result<T, ApiError> {
    json(changing(Request::post(&url)).json(body)?.send().await?).await
}

/// A try's log from `offset`: the newest try's, or of `run` (its last try, or `attempt`).
pub async fn log(
    id: i64,
    node: &str,
    offset: u64,
    pick: Option<(i64, Option<u32>)>,
) -> Result<LogChunk, ApiError> {
    let mut url = format!(
        "{BASE}/instances/{id}/nodes/{}/log?offset={offset}",
        encode(node)
    );
    if let Some((run, attempt)) = pick {
        url.push_str(&format!("&run={run}"));
        if let Some(a) = attempt {
            url.push_str(&format!("&attempt={a}"));
        }
    }
    get(url).await
}
