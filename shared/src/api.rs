//! Bodies of the REST API under `/api/v1`, shared by the server and the browser client so
//! the two cannot drift apart.

use serde::{Deserialize, Serialize};

use crate::workflow::{Issue, Workflow};

/// One row of the workflow list.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct WorkflowSummary {
    pub id: i64,
    pub name: String,
    pub nodes: usize,
    /// RFC 3339, UTC.
    pub updated_at: String,
}

/// A stored workflow with its definition.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
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
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
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
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct VersionRecord {
    #[serde(flatten)]
    pub summary: VersionSummary,
    pub definition: Workflow,
}

/// Create a workflow: just a name, the definition starts empty.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct CreateWorkflow {
    pub name: String,
}

/// What `POST /validate` and a save answer with.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
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
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct ErrorBody {
    pub code: String,
    pub message: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub details: Option<Vec<Issue>>,
}

/// Save a workflow. `revision` is the revision the edit started from; when given, the save
/// fails with 409 if someone else saved meanwhile instead of silently overwriting them.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
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
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct RestoreVersion {
    #[serde(default)]
    pub revision: Option<i64>,
}

/// A save's answer: what is stored now, and the server's (authoritative) validation of it.
/// Saving never refuses an invalid draft: work in progress must not be lost.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct SaveResult {
    pub workflow: WorkflowRecord,
    pub validation: ValidationReport,
}

/// What a user may do. Each role includes the ones before it: viewers read; editors change
/// definitions; operators also start, suspend and rerun; admins also manage users and
/// settings. The order is the derive's, so `role >= Role::Editor` reads as it means.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(rename_all = "lowercase")]
pub enum Role {
    Viewer,
    Editor,
    Operator,
    Admin,
}

impl Role {
    pub const ALL: [Role; 4] = [Role::Viewer, Role::Editor, Role::Operator, Role::Admin];

    pub fn as_str(self) -> &'static str {
        match self {
            Role::Viewer => "viewer",
            Role::Editor => "editor",
            Role::Operator => "operator",
            Role::Admin => "admin",
        }
    }

    pub fn parse(s: &str) -> Option<Role> {
        Role::ALL.into_iter().find(|r| r.as_str() == s)
    }
}

impl std::fmt::Display for Role {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

/// `POST /auth/login`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct Login {
    pub name: String,
    pub password: String,
}

/// Who is signed in (`POST /auth/login`, `GET /auth/session`). The browser sends
/// `csrf_token` back in the `X-CSRF-Token` header of every request that changes something.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct SessionInfo {
    pub name: String,
    pub role: Role,
    pub csrf_token: String,
    /// Set for a one-time password: nothing but changing it is allowed until it is changed.
    pub must_change_password: bool,
}

/// `POST /auth/password`: change one's own password.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct ChangePassword {
    pub current: String,
    pub new: String,
}

/// A user, as admins see them (never with a password hash).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct UserInfo {
    pub name: String,
    pub role: Role,
    pub must_change_password: bool,
    /// RFC 3339, UTC.
    pub created_at: String,
}

/// `POST /users`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct NewUser {
    pub name: String,
    pub password: String,
    pub role: Role,
}

/// `PATCH /users/{name}`: what to change. A new password set by an admin is one-time: the
/// user must change it at their next login.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct UpdateUser {
    #[serde(default)]
    pub password: Option<String>,
    #[serde(default)]
    pub role: Option<Role>,
}

/// An API token, without its secret.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct TokenInfo {
    pub id: i64,
    pub name: String,
    /// Whose rights it carries (capped by `role`).
    pub owner: String,
    pub role: Role,
    /// RFC 3339, UTC.
    pub created_at: String,
    #[serde(default)]
    pub revoked_at: Option<String>,
}

/// `POST /tokens`: a token acting for the caller, with at most the caller's role.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct NewToken {
    pub name: String,
    pub role: Role,
}

/// The answer to `POST /tokens`: the only time the secret is shown.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct CreatedToken {
    pub token: String,
    #[serde(flatten)]
    pub info: TokenInfo,
}

/// One audit record: who did what, when, from where, and how it ended.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct AuditEntry {
    pub id: i64,
    /// RFC 3339, UTC.
    pub at: String,
    /// The user, when known (a failed login names the account tried).
    pub actor: Option<String>,
    /// `session`, `token`, `cli` or `anonymous`.
    pub via: String,
    /// What was asked, e.g. `PUT /api/v1/workflows/{id}` or `login`.
    pub action: String,
    /// The resource: the request path.
    pub target: String,
    /// The HTTP status it was answered with.
    pub status: u16,
    /// The client's address, when known.
    pub remote: Option<String>,
}

/// A change, as the event stream (`GET /events`, server-sent events named `change`) tells
/// it: what the audit log records of a successful change to a workflow, so open editors
/// and lists can notice other people's saves.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct ChangeEvent {
    /// RFC 3339, UTC.
    pub at: String,
    pub actor: String,
    /// e.g. `PUT /api/v1/workflows/{id}`.
    pub action: String,
    /// The resource changed, e.g. `/api/v1/workflows/3`.
    pub target: String,
}
