//! Bodies of the REST API under `/api/v1`, shared by the server and the browser client so
//! the two cannot drift apart.

use serde::{Deserialize, Serialize};

use crate::workflow::{Issue, Workflow};

/// One row of the workflow list.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct WorkflowSummary {
    pub id: i64,
    pub name: String,
    pub nodes: usize,
    /// RFC 3339, UTC.
    pub updated_at: String,
}

/// A stored workflow with its definition.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct WorkflowRecord {
    pub id: i64,
    /// Bumped by every save; lets a client notice that someone else saved meanwhile.
    pub revision: i64,
    pub updated_at: String,
    pub definition: Workflow,
    /// The version the scheduler uses, once one is published.
    #[serde(default)]
    pub published_version: Option<i64>,
}

/// One saved version of a workflow (every save makes one; they never change).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct VersionSummary {
    pub version: i64,
    pub nodes: usize,
    /// Who saved it, once saves are signed in.
    pub author: Option<String>,
    pub comment: String,
    /// RFC 3339, UTC.
    pub created_at: String,
}

/// A version with its definition.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct VersionRecord {
    #[serde(flatten)]
    pub summary: VersionSummary,
    pub definition: Workflow,
}

/// Create a workflow: just a name, the definition starts empty.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct CreateWorkflow {
    pub name: String,
}

/// What `POST /validate` and a save answer with.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ValidationReport {
    pub valid: bool,
    pub issues: Vec<Issue>,
}

impl ValidationReport {
    pub fn of(workflow: &Workflow) -> Self {
        let issues = crate::workflow::validate(workflow);
        ValidationReport {
            valid: !issues.iter().any(Issue::is_error),
            issues,
        }
    }
}

/// The error body of every failed request: a stable machine-readable `code`, a sentence for
/// people, and optional structured `details` (for validation, the list of issues).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ErrorBody {
    pub code: String,
    pub message: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub details: Option<Vec<Issue>>,
}

/// Save a workflow. `revision` is the revision the edit started from; when given, the save
/// fails with 409 if someone else saved meanwhile instead of silently overwriting them.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SaveWorkflow {
    #[serde(default)]
    pub revision: Option<i64>,
    pub definition: Workflow,
    /// Why: kept with the version this save makes.
    #[serde(default)]
    pub comment: Option<String>,
}

/// Restore an old version as the newest; `revision` is checked like a save's.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct RestoreVersion {
    #[serde(default)]
    pub revision: Option<i64>,
}

/// A save's answer: what is stored now, and the server's (authoritative) validation of it.
/// Saving never refuses an invalid draft: work in progress must not be lost.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SaveResult {
    pub workflow: WorkflowRecord,
    pub validation: ValidationReport,
}
