//! Workflow definitions: list, create, read, save, validate, export.

use chrono::{DateTime, SecondsFormat, Utc};
use shared::api::{SaveResult, ValidationReport, WorkflowRecord, WorkflowSummary};
use shared::oozie::{ExportError, to_workflow_xml};
use shared::workflow::Workflow;

use super::{MAX_EDGES, MAX_NAME_LEN, MAX_NODES, ServiceError};
use crate::AppState;
use crate::store::StoredWorkflow;

pub async fn list(state: &AppState) -> Result<Vec<WorkflowSummary>, ServiceError> {
    Ok(state
        .store
        .list_workflows()
        .await?
        .into_iter()
        .map(|w| WorkflowSummary {
            id: w.id,
            name: w.name,
            nodes: usize::try_from(w.node_count).unwrap_or_default(),
            updated_at: rfc3339(w.updated_at_ms),
        })
        .collect())
}

pub async fn create(state: &AppState, name: &str) -> Result<WorkflowRecord, ServiceError> {
    let definition = Workflow::new_drawing(name.trim());
    check_limits(&definition)?;
    let stored = state.store.create_workflow(&definition, now_ms()).await?;
    Ok(record(stored))
}

pub async fn get(state: &AppState, id: i64) -> Result<WorkflowRecord, ServiceError> {
    Ok(record(state.store.get_workflow(id).await?))
}

pub async fn save(
    state: &AppState,
    id: i64,
    revision: Option<i64>,
    definition: Workflow,
) -> Result<SaveResult, ServiceError> {
    check_limits(&definition)?;
    let stored = state
        .store
        .update_workflow(id, revision, &definition, now_ms())
        .await?;
    let validation = ValidationReport::of(&stored.definition);
    Ok(SaveResult {
        workflow: record(stored),
        validation,
    })
}

pub fn validate(definition: &Workflow) -> Result<ValidationReport, ServiceError> {
    check_limits(definition)?;
    Ok(ValidationReport::of(definition))
}

/// `workflow.xml` of a definition; a workflow with validation errors is refused with them.
pub fn export(definition: &Workflow) -> Result<String, ServiceError> {
    check_limits(definition)?;
    to_workflow_xml(definition).map_err(|err| {
        let message = err.to_string();
        let ExportError::Invalid(issues) = err;
        ServiceError::Invalid { message, issues }
    })
}

pub async fn export_stored(state: &AppState, id: i64) -> Result<String, ServiceError> {
    export(&state.store.get_workflow(id).await?.definition)
}

fn check_limits(definition: &Workflow) -> Result<(), ServiceError> {
    let name = definition.name.trim();
    if name.is_empty() {
        return Err(ServiceError::BadInput("a workflow needs a name".to_owned()));
    }
    if name.chars().count() > MAX_NAME_LEN {
        return Err(ServiceError::BadInput(format!(
            "a workflow name has at most {MAX_NAME_LEN} characters"
        )));
    }
    if definition.nodes.len() > MAX_NODES || definition.edges.len() > MAX_EDGES {
        return Err(ServiceError::BadInput(format!(
            "a workflow has at most {MAX_NODES} nodes and {MAX_EDGES} edges \
             (this one has {} and {})",
            definition.nodes.len(),
            definition.edges.len()
        )));
    }
    Ok(())
}

fn record(stored: StoredWorkflow) -> WorkflowRecord {
    WorkflowRecord {
        id: stored.id,
        revision: stored.revision,
        updated_at: rfc3339(stored.updated_at_ms),
        definition: stored.definition,
    }
}

fn now_ms() -> i64 {
    Utc::now().timestamp_millis()
}

fn rfc3339(ms: i64) -> String {
    DateTime::from_timestamp_millis(ms)
        .unwrap_or_default()
        .to_rfc3339_opts(SecondsFormat::Millis, true)
}
