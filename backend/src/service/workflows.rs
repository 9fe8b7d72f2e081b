//! Workflow definitions: list, create, read, save, validate, export.

use shared::api::{
    SaveResult, ValidationReport, VersionRecord, VersionSummary, WorkflowRecord, WorkflowSummary,
};
use shared::oozie::{ExportError, to_workflow_xml};
use shared::workflow::Workflow;
use shared::workflow::diff::WorkflowDiff;

use super::{MAX_EDGES, MAX_NAME_LEN, MAX_NODES, ServiceError, now_ms, rfc3339};
use crate::AppState;
use crate::store::{Save, StoredWorkflow, VersionInfo};

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

pub async fn create(
    state: &AppState,
    name: &str,
    author: &str,
) -> Result<WorkflowRecord, ServiceError> {
    let definition = Workflow::new_drawing(name.trim());
    check_limits(&definition)?;
    let save = Save {
        author: Some(author),
        comment: "created",
        now_ms: now_ms(),
    };
    let stored = state.store.create_workflow(&definition, save).await?;
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
    comment: Option<&str>,
    author: &str,
) -> Result<SaveResult, ServiceError> {
    check_limits(&definition)?;
    let comment = check_comment(comment.unwrap_or_default())?;
    let save = Save {
        author: Some(author),
        comment,
        now_ms: now_ms(),
    };
    let stored = state
        .store
        .update_workflow(id, revision, &definition, save)
        .await?;
    let validation = ValidationReport::of(&stored.definition);
    Ok(SaveResult {
        workflow: record(stored),
        validation,
    })
}

/// The versions of a workflow, newest first.
pub async fn versions(state: &AppState, id: i64) -> Result<Vec<VersionSummary>, ServiceError> {
    Ok(state
        .store
        .list_versions(id)
        .await?
        .into_iter()
        .map(version_summary)
        .collect())
}

pub async fn version(
    state: &AppState,
    id: i64,
    version: i64,
) -> Result<VersionRecord, ServiceError> {
    let (info, definition) = state.store.get_version(id, version).await?;
    Ok(VersionRecord {
        summary: version_summary(info),
        definition,
    })
}

/// Saves an old version's definition as the newest version (nothing is rewritten: the
/// history keeps every version, and says where this one came from).
pub async fn restore(
    state: &AppState,
    id: i64,
    version: i64,
    revision: Option<i64>,
    author: &str,
) -> Result<SaveResult, ServiceError> {
    let (_, definition) = state.store.get_version(id, version).await?;
    let comment = format!("restored version {version}");
    save(state, id, revision, definition, Some(&comment), author).await
}

/// What changed from version `from` to version `to`.
pub async fn diff(
    state: &AppState,
    id: i64,
    from: i64,
    to: i64,
) -> Result<WorkflowDiff, ServiceError> {
    let (_, before) = state.store.get_version(id, from).await?;
    let (_, after) = state.store.get_version(id, to).await?;
    Ok(shared::workflow::diff::diff(&before, &after))
}

/// Makes a version the one the scheduler runs; later saves do not change it.
pub async fn publish(
    state: &AppState,
    id: i64,
    version: i64,
) -> Result<WorkflowRecord, ServiceError> {
    state.store.publish(id, version).await?;
    get(state, id).await
}

/// Version comments are for people: a line or a short paragraph.
const MAX_COMMENT_LEN: usize = 2000;

fn check_comment(comment: &str) -> Result<&str, ServiceError> {
    if comment.chars().count() > MAX_COMMENT_LEN {
        return Err(ServiceError::BadInput(format!(
            "a version comment has at most {MAX_COMMENT_LEN} characters"
        )));
    }
    Ok(comment.trim())
}

fn version_summary(v: VersionInfo) -> VersionSummary {
    VersionSummary {
        version: v.version,
        nodes: usize::try_from(v.node_count).unwrap_or_default(),
        author: v.author,
        comment: v.comment,
        created_at: rfc3339(v.created_at_ms),
    }
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
        published_version: stored.published_version,
    }
}
