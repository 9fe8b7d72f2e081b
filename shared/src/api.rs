//! Bodies of the REST API under `/api/v1`, shared by the server and the browser client so
//! the two cannot drift apart.

use serde::{Deserialize, Serialize};

use crate::coord::Coordinator;
use crate::workflow::{Issue, Workflow};

/// One row of a definition list (workflows or coordinators).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct Summary {
    pub id: i64,
    pub name: String,
    /// A workflow's nodes; a coordinator's data events (inputs and outputs).
    pub size: usize,
    pub revision: i64,
    /// The version the scheduler uses, once one is published.
    pub published_version: Option<i64>,
    /// RFC 3339, UTC.
    pub updated_at: String,
}

pub type WorkflowSummary = Summary;

/// One page of a list, and how many items match in all (for "41–60 of 312").
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct Page<T> {
    pub items: Vec<T>,
    pub total: i64,
    pub offset: i64,
    pub limit: i64,
}

/// A stored definition (a workflow or a coordinator) at its newest version.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[cfg_attr(feature = "schema", schemars(rename = "{T}Record"))]
pub struct Record<T> {
    pub id: i64,
    /// Bumped by every save; lets a client notice that someone else saved meanwhile.
    pub revision: i64,
    pub updated_at: String,
    pub definition: T,
    /// The version the scheduler uses, once one is published.
    #[serde(default)]
    pub published_version: Option<i64>,
}

pub type WorkflowRecord = Record<Workflow>;
pub type CoordinatorRecord = Record<Coordinator>;

/// One saved version (every save makes one; they never change).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct VersionSummary {
    pub version: i64,
    /// As in [`Summary::size`].
    pub size: usize,
    /// Who saved it, once saves are signed in.
    pub author: Option<String>,
    pub comment: String,
    /// RFC 3339, UTC.
    pub created_at: String,
}

/// A version with its definition.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[cfg_attr(feature = "schema", schemars(rename = "{T}Version"))]
pub struct VersionRecord<T> {
    #[serde(flatten)]
    pub summary: VersionSummary,
    pub definition: T,
}

/// Read through a flat record: serde's `flatten` would buffer the whole definition and
/// read it a second time, which compiles the workflow's whole reader twice into the
/// browser app.
impl<'de, T: Deserialize<'de>> Deserialize<'de> for VersionRecord<T> {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        #[derive(Deserialize)]
        struct Flat<T> {
            version: i64,
            size: usize,
            author: Option<String>,
            comment: String,
            created_at: String,
            definition: T,
        }
        let flat = Flat::<T>::deserialize(deserializer)?;
        Ok(VersionRecord {
            summary: VersionSummary {
                version: flat.version,
                size: flat.size,
                author: flat.author,
                comment: flat.comment,
                created_at: flat.created_at,
            },
            definition: flat.definition,
        })
    }
}

/// Create a workflow or a coordinator: just a name, the definition starts empty.
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

    /// A coordinator checked as Oozie's submit checks it, with its own job.properties and
    /// `user` as the submitter. Oozie stops at the first error, and so does this.
    pub fn of_coordinator(coordinator: &Coordinator, user: &str) -> Self {
        if coordinator.app_path.trim().is_empty() {
            return ValidationReport {
                valid: false,
                issues: vec![Issue::error(
                    "E0701",
                    "the coordinator needs an <app-path>: the workflow application it runs"
                        .to_owned(),
                )],
            };
        }
        let props = coordinator.properties();
        match crate::coord::resolve::resolve(coordinator, &[], &props, user) {
            Ok(_) => ValidationReport {
                valid: true,
                issues: Vec::new(),
            },
            Err(err) => ValidationReport {
                valid: false,
                issues: vec![Issue::error(&err.code, err.message)],
            },
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

/// Save a definition. `revision` is the revision the edit started from; when given, the
/// save fails with 409 if someone else saved meanwhile instead of silently overwriting them.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[cfg_attr(feature = "schema", schemars(rename = "Save{T}"))]
pub struct SaveBody<T> {
    #[serde(default)]
    pub revision: Option<i64>,
    pub definition: T,
    /// Why: kept with the version this save makes.
    #[serde(default)]
    pub comment: Option<String>,
}

pub type SaveWorkflow = SaveBody<Workflow>;
pub type SaveCoordinator = SaveBody<Coordinator>;

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
#[cfg_attr(feature = "schema", schemars(rename = "{T}Saved"))]
pub struct Saved<T> {
    pub record: Record<T>,
    pub validation: ValidationReport,
}

pub type SaveResult = Saved<Workflow>;

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

/// The two kinds of definition Sluice stores.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(rename_all = "lowercase")]
pub enum DefinitionKind {
    Workflow,
    Coordinator,
}

impl DefinitionKind {
    /// The word for it in messages and paths (`/api/v1/{noun}s`).
    pub fn noun(self) -> &'static str {
        match self {
            DefinitionKind::Workflow => "workflow",
            DefinitionKind::Coordinator => "coordinator",
        }
    }
}

/// What an import did with each file it was given.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct ImportReport {
    /// Nothing was saved: this is what the import would do.
    pub dry_run: bool,
    pub imported: Vec<ImportedDefinition>,
    /// Files that are not definitions, or that could not be read as one, and why.
    pub skipped: Vec<SkippedFile>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct ImportedDefinition {
    pub kind: DefinitionKind,
    /// The file it came from, inside the archive.
    pub path: String,
    pub name: String,
    /// Where it is stored (absent in a dry run).
    pub id: Option<i64>,
    /// The version the import made (absent in a dry run).
    pub version: Option<i64>,
    /// A new definition, rather than a new version of one of the same name.
    pub created: bool,
    /// What was mapped and how: job.properties read, parts kept verbatim, includes
    /// inlined, names changed to stay unique.
    pub notes: Vec<String>,
    pub validation: ValidationReport,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct SkippedFile {
    pub path: String,
    pub reason: String,
}

/// A workflow instance's status, as Oozie names a workflow job's (SEMANTICS C.1).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum JobStatus {
    Prep,
    Running,
    Suspended,
    Succeeded,
    Killed,
    Failed,
}

impl JobStatus {
    pub const ALL: [JobStatus; 6] = [
        JobStatus::Prep,
        JobStatus::Running,
        JobStatus::Suspended,
        JobStatus::Succeeded,
        JobStatus::Killed,
        JobStatus::Failed,
    ];

    pub fn id(self) -> &'static str {
        match self {
            JobStatus::Prep => "PREP",
            JobStatus::Running => "RUNNING",
            JobStatus::Suspended => "SUSPENDED",
            JobStatus::Succeeded => "SUCCEEDED",
            JobStatus::Killed => "KILLED",
            JobStatus::Failed => "FAILED",
        }
    }

    pub fn parse(text: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|s| s.id() == text)
    }

    /// SUCCEEDED, KILLED or FAILED: nothing more happens unless it is rerun.
    pub fn is_terminal(self) -> bool {
        matches!(
            self,
            JobStatus::Succeeded | JobStatus::Killed | JobStatus::Failed
        )
    }
}

/// A node's status within an instance, as Oozie names a workflow action's (SEMANTICS C.2).
/// Control nodes (decision, fork, join, kill, end) use the same: PREP while they wait, OK
/// once passed.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum ActionStatus {
    /// Reached; waits to start (see [`Waiting`]).
    Prep,
    Running,
    /// Failed, and waits to be tried again (retry-max, retry-interval).
    UserRetry,
    /// Done; took its ok transition.
    Ok,
    /// Failed; took its error transition.
    Error,
    /// Stopped because the instance was killed or ended.
    Killed,
    /// Could not run at all (its EL does not evaluate); the instance failed.
    Failed,
}

impl ActionStatus {
    pub const ALL: [ActionStatus; 7] = [
        ActionStatus::Prep,
        ActionStatus::Running,
        ActionStatus::UserRetry,
        ActionStatus::Ok,
        ActionStatus::Error,
        ActionStatus::Killed,
        ActionStatus::Failed,
    ];

    pub fn id(self) -> &'static str {
        match self {
            ActionStatus::Prep => "PREP",
            ActionStatus::Running => "RUNNING",
            ActionStatus::UserRetry => "USER_RETRY",
            ActionStatus::Ok => "OK",
            ActionStatus::Error => "ERROR",
            ActionStatus::Killed => "KILLED",
            ActionStatus::Failed => "FAILED",
        }
    }

    pub fn parse(text: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|s| s.id() == text)
    }

    /// OK, ERROR, KILLED or FAILED.
    pub fn is_done(self) -> bool {
        matches!(
            self,
            ActionStatus::Ok | ActionStatus::Error | ActionStatus::Killed | ActionStatus::Failed
        )
    }
}

/// Why something that has not started yet waits.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(rename_all = "snake_case")]
pub enum Waiting {
    /// For the nodes before it.
    Upstream,
    /// For a free slot under the server's limit of tasks running at once.
    Slot,
    /// For the coordinator's concurrency limit.
    Concurrency,
    /// For input data.
    Data,
    /// Its instance is suspended.
    Suspended,
    /// For its retry interval to pass.
    Retry,
}

/// `POST /workflows/{id}/run`: start an instance of a stored workflow.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(default)]
pub struct RunRequest {
    /// The version to run (default: the published one, else the newest).
    pub version: Option<i64>,
    /// Properties over the workflow's job.properties and `<parameters>` defaults.
    pub properties: std::collections::BTreeMap<String, String>,
    /// Leave it in PREP, to be started later (Oozie's submit without start).
    pub hold: bool,
}

/// An instance in a list.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct InstanceSummary {
    pub id: i64,
    /// Oozie's form of the id, as `wf:id()` gives it (`0000042-sluice-W`).
    pub job_id: String,
    pub workflow_id: Option<i64>,
    pub workflow_version: Option<i64>,
    pub name: String,
    pub status: JobStatus,
    /// 0 for the first run, one more for each rerun.
    pub run: i64,
    pub created_by: String,
    /// Milliseconds since the Unix epoch.
    pub created_at: i64,
    pub started_at: Option<i64>,
    pub ended_at: Option<i64>,
    pub error_code: Option<String>,
    pub error_message: Option<String>,
}

/// One node of an instance: every node of the graph, reached or not.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct NodeState {
    pub name: String,
    /// The action type (`shell`, `fs`…) or the control (`decision`, `fork`, `join`,
    /// `kill`, `end`).
    pub kind: String,
    /// Absent until the node is reached.
    pub status: Option<ActionStatus>,
    /// Why it has not started, while it waits.
    pub waiting: Option<Waiting>,
    /// `replay` (kept by a rerun), `succeeded` or `skipped` (marked by a user).
    pub mark: Option<String>,
    pub attempts: u32,
    pub exit_code: Option<i32>,
    pub error_code: Option<String>,
    pub error_message: Option<String>,
    /// The node it went on to.
    pub transition: Option<String>,
    /// capture-output (`wf:actionData`).
    pub data: std::collections::BTreeMap<String, String>,
    /// The process group id of a shell try, or the child instance of a sub-workflow.
    pub external_id: Option<String>,
    /// Milliseconds since the Unix epoch: dependencies met, last try started, ended.
    pub ready_at: Option<i64>,
    pub started_at: Option<i64>,
    pub ended_at: Option<i64>,
    pub retry_at: Option<i64>,
}

/// An instance with its nodes and properties.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct InstanceDetail {
    #[serde(flatten)]
    pub summary: InstanceSummary,
    pub parent_id: Option<i64>,
    pub parent_node: Option<String>,
    pub last_error_node: Option<String>,
    /// The properties it runs with, after defaults.
    pub properties: std::collections::BTreeMap<String, String>,
    /// In the order they finished, then those not finished.
    pub nodes: Vec<NodeState>,
}

/// What a rerun keeps from the run before.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(tag = "scope", rename_all = "snake_case")]
pub enum RerunScope {
    /// Nothing: the whole workflow runs again.
    All,
    /// Every action and decision that ended OK (Oozie's `oozie.wf.rerun.failnodes=true`).
    Failed,
    /// These nodes, which must have ended OK or ERROR (`oozie.wf.rerun.skip.nodes`).
    Skip { nodes: Vec<String> },
    /// Everything that ended before this node; it and all after it run again.
    From { node: String },
}

/// `POST /instances/{id}/rerun`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct RerunRequest {
    #[serde(flatten)]
    pub scope: RerunScope,
    /// Merged over the properties of the run before.
    #[serde(default)]
    pub properties: std::collections::BTreeMap<String, String>,
    /// Run another stored version of the workflow (a fix); default: the same definition.
    #[serde(default)]
    pub version: Option<i64>,
    /// Only say what would happen.
    #[serde(default)]
    pub dry_run: bool,
}

/// What a rerun does (or, in a dry run, would do).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct RerunReport {
    pub instance: i64,
    pub dry_run: bool,
    /// The run number it gets.
    pub run: i64,
    /// Nodes kept from the run before: replayed, not run.
    pub kept: Vec<String>,
    /// Actions that run again when reached.
    pub again: Vec<String>,
}

/// `POST /instances/{id}/mark`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct MarkRequest {
    pub node: String,
    pub mark: MarkKind,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(rename_all = "snake_case")]
pub enum MarkKind {
    /// It did its work: take the ok transition.
    Succeeded,
    /// Do not run it: take the ok transition without running.
    Skipped,
}

/// An instance's status after an operation.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct InstanceState {
    pub id: i64,
    pub status: JobStatus,
    pub run: i64,
    /// An operation's answer: whether it only said what it would do.
    #[serde(default)]
    pub dry_run: bool,
    /// An operation's answer: the status before it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub was: Option<JobStatus>,
    /// An operation's answer: each node whose status it changes (`item` is the node).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub nodes: Vec<StatusChange>,
}

/// A piece of a try's log (`GET /instances/{id}/nodes/{node}/log`).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct LogChunk {
    pub node: String,
    pub run: i64,
    pub attempt: u32,
    /// Where `text` starts in the log, in bytes.
    pub offset: u64,
    /// Where the next read should start.
    pub next_offset: u64,
    /// The log's size now.
    pub size: u64,
    /// The try has ended: the log will not grow.
    pub complete: bool,
    /// UTF-8, with bytes that are not replaced by U+FFFD.
    pub text: String,
}

/// A change to an instance or one of its nodes, as the event stream tells it (server-sent
/// events named `instance`).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct InstanceEvent {
    pub instance: i64,
    /// Absent when the instance's own status changed.
    pub node: Option<String>,
    /// A [`JobStatus`] for the instance, an [`ActionStatus`] for a node.
    pub status: String,
    pub attempt: u32,
}

/// A coordinator job's status, as Oozie names it (SEMANTICS C.3). The `*WITHERROR` states
/// are not used, as with Oozie's default backward-support setting; DONEWITHERROR is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum CoordStatus {
    Prep,
    Running,
    PrepSuspended,
    Suspended,
    PrepPaused,
    Paused,
    Succeeded,
    DoneWithError,
    Killed,
    Failed,
    Ignored,
}

impl CoordStatus {
    pub const ALL: [CoordStatus; 11] = [
        CoordStatus::Prep,
        CoordStatus::Running,
        CoordStatus::PrepSuspended,
        CoordStatus::Suspended,
        CoordStatus::PrepPaused,
        CoordStatus::Paused,
        CoordStatus::Succeeded,
        CoordStatus::DoneWithError,
        CoordStatus::Killed,
        CoordStatus::Failed,
        CoordStatus::Ignored,
    ];

    pub fn id(self) -> &'static str {
        match self {
            CoordStatus::Prep => "PREP",
            CoordStatus::Running => "RUNNING",
            CoordStatus::PrepSuspended => "PREPSUSPENDED",
            CoordStatus::Suspended => "SUSPENDED",
            CoordStatus::PrepPaused => "PREPPAUSED",
            CoordStatus::Paused => "PAUSED",
            CoordStatus::Succeeded => "SUCCEEDED",
            CoordStatus::DoneWithError => "DONEWITHERROR",
            CoordStatus::Killed => "KILLED",
            CoordStatus::Failed => "FAILED",
            CoordStatus::Ignored => "IGNORED",
        }
    }

    pub fn parse(text: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|s| s.id() == text)
    }

    /// Nothing more happens on its own: SUCCEEDED, DONEWITHERROR, KILLED, FAILED, IGNORED.
    pub fn is_terminal(self) -> bool {
        matches!(
            self,
            CoordStatus::Succeeded
                | CoordStatus::DoneWithError
                | CoordStatus::Killed
                | CoordStatus::Failed
                | CoordStatus::Ignored
        )
    }
}

/// A coordinator action's status, as Oozie names it (SEMANTICS C.4).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum CoordActionStatus {
    /// Materialized; waits for its nominal time and its input data.
    Waiting,
    /// Its data is there; waits for the concurrency limit.
    Ready,
    /// Its workflow instance is being created.
    Submitted,
    Running,
    Suspended,
    /// Its data did not come within the timeout.
    TimedOut,
    Succeeded,
    Killed,
    Failed,
    Ignored,
    /// Passed over by the LAST_ONLY or NONE execution.
    Skipped,
}

impl CoordActionStatus {
    pub const ALL: [CoordActionStatus; 11] = [
        CoordActionStatus::Waiting,
        CoordActionStatus::Ready,
        CoordActionStatus::Submitted,
        CoordActionStatus::Running,
        CoordActionStatus::Suspended,
        CoordActionStatus::TimedOut,
        CoordActionStatus::Succeeded,
        CoordActionStatus::Killed,
        CoordActionStatus::Failed,
        CoordActionStatus::Ignored,
        CoordActionStatus::Skipped,
    ];

    pub fn id(self) -> &'static str {
        match self {
            CoordActionStatus::Waiting => "WAITING",
            CoordActionStatus::Ready => "READY",
            CoordActionStatus::Submitted => "SUBMITTED",
            CoordActionStatus::Running => "RUNNING",
            CoordActionStatus::Suspended => "SUSPENDED",
            CoordActionStatus::TimedOut => "TIMEDOUT",
            CoordActionStatus::Succeeded => "SUCCEEDED",
            CoordActionStatus::Killed => "KILLED",
            CoordActionStatus::Failed => "FAILED",
            CoordActionStatus::Ignored => "IGNORED",
            CoordActionStatus::Skipped => "SKIPPED",
        }
    }

    pub fn parse(text: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|s| s.id() == text)
    }

    /// Oozie's `isTerminalStatus`: what a rerun may start again.
    pub fn is_terminal(self) -> bool {
        matches!(
            self,
            CoordActionStatus::TimedOut
                | CoordActionStatus::Succeeded
                | CoordActionStatus::Killed
                | CoordActionStatus::Failed
                | CoordActionStatus::Ignored
                | CoordActionStatus::Skipped
        )
    }
}

/// `POST /coordinators/{id}/run`: submit a coordinator job.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(default)]
pub struct CoordRunRequest {
    /// The version to run (default: the published one, else the newest).
    pub version: Option<i64>,
    /// Properties over the coordinator's job.properties.
    pub properties: std::collections::BTreeMap<String, String>,
}

/// A coordinator job.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct CoordJobSummary {
    pub id: i64,
    /// Oozie's form of the id (`0000007-sluice-C`).
    pub job_id: String,
    pub coordinator_id: Option<i64>,
    pub coordinator_version: Option<i64>,
    pub name: String,
    pub status: CoordStatus,
    pub created_by: String,
    /// Milliseconds since the Unix epoch.
    pub created_at: i64,
    pub updated_at: i64,
    /// Actions made so far.
    pub last_action_number: i64,
    /// The next slot's time; absent once no slot is left.
    pub next_materialized_at: Option<i64>,
    pub end: i64,
    pub pause: Option<i64>,
    pub concurrency: i64,
    pub error_code: Option<String>,
    pub error_message: Option<String>,
    /// `schedule`, or `backfill` for a backfill's job.
    pub kind: String,
    /// A backfill's slots.
    pub planned: Option<i64>,
    /// In a list: its actions by state (a job's detail has them beside it instead).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub progress: Option<CoordProgress>,
    /// In a list: the nominal time of its newest action that has started.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub last_run_at: Option<i64>,
}

/// `POST /coordinators/{id}/backfill`: run the coordinator's own slots whose times lie
/// from `from` to `to` (both included, UTC as Oozie writes them), `parallel` at a time
/// (1: one after another), oldest or newest first, below live runs.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(default)]
pub struct BackfillRequest {
    pub from: String,
    pub to: String,
    /// Default 1.
    pub parallel: Option<i64>,
    pub newest_first: bool,
    pub version: Option<i64>,
    pub properties: std::collections::BTreeMap<String, String>,
}

/// What a backfill runs (or, with `dry_run`, would run): its job and its slots.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct BackfillReport {
    pub dry_run: bool,
    /// Absent for a dry run.
    pub job: Option<CoordJobSummary>,
    /// `(number, nominal time in ms)`, in time order.
    pub slots: Vec<(i64, i64)>,
}

/// How far a job has come: its actions by state.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct CoordProgress {
    /// A backfill's slots; absent for a schedule.
    pub planned: Option<i64>,
    /// Made so far.
    pub actions: i64,
    /// WAITING or READY.
    pub waiting: i64,
    /// SUBMITTED, RUNNING or SUSPENDED.
    pub running: i64,
    pub succeeded: i64,
    /// FAILED, KILLED or TIMEDOUT.
    pub failed: i64,
    /// SKIPPED or IGNORED.
    pub skipped: i64,
}

/// One action of a coordinator job.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct CoordActionState {
    pub number: i64,
    /// `0000007-sluice-C@3`.
    pub action_id: String,
    /// Milliseconds since the Unix epoch.
    pub nominal_time: i64,
    pub created_at: i64,
    pub status: CoordActionStatus,
    /// While WAITING: what it waits for.
    pub missing: Option<String>,
    /// The workflow instance that runs it.
    pub instance: Option<i64>,
    pub tries: i64,
    pub error_code: Option<String>,
    pub error_message: Option<String>,
    /// Per data-in, newest first.
    pub inputs: std::collections::BTreeMap<String, Vec<String>>,
    pub configuration: std::collections::BTreeMap<String, String>,
}

/// A coordinator job with its actions.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct CoordJobDetail {
    #[serde(flatten)]
    pub summary: CoordJobSummary,
    pub progress: CoordProgress,
    pub actions: Vec<CoordActionState>,
}

/// `POST /coordinator-jobs/{id}/change` (Oozie's `-change`): what is absent stays.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(default)]
pub struct CoordChangeRequest {
    /// `2026-12-31T00:00Z`.
    pub end: Option<String>,
    /// -1 for unlimited.
    pub concurrency: Option<i64>,
    /// `2026-12-01T00:00Z`, or `""` to clear it.
    pub pause: Option<String>,
}

/// `POST /coordinator-jobs/{id}/rerun` and `/ignore`: the actions by number, as Oozie's
/// `-action 1,3-4`, or (rerun only) by nominal time, as its `-date
/// 2026-01-01T00:00Z::2026-01-02T00:00Z,2026-01-05T00:00Z`; one or the other.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(default)]
pub struct CoordActionsRequest {
    pub actions: Option<String>,
    pub dates: Option<String>,
    /// Rerun: the same workflow instances' failed nodes only (Oozie's `-failed`).
    pub failed: bool,
    /// Rerun: resolve `latest()`/`future()` inputs and the configuration again.
    pub refresh: bool,
    /// Rerun: leave the output directories (otherwise deleted first, as Oozie does).
    pub nocleanup: bool,
}

/// A status before and after an operation.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct StatusChange {
    pub item: String,
    /// Absent for something new (a node not reached before).
    pub from: Option<String>,
    pub to: String,
}

/// What an operation on a coordinator job did or, with `dry_run`, would do: the job and
/// each action whose status changes, the workflow instances it steers, the actions it
/// takes back, the output data it deletes.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct CoordOpReport {
    pub job: i64,
    pub dry_run: bool,
    /// The job's status after the operation.
    pub status: CoordStatus,
    pub was: CoordStatus,
    /// `item` is the action number.
    pub actions: Vec<StatusChange>,
    /// `item` is the workflow instance; `to` is what is done to it (kill, suspend,
    /// resume, start, rerun failed nodes).
    pub instances: Vec<StatusChange>,
    /// Actions a new end or pause time takes back.
    pub removed: Vec<i64>,
    /// Output paths deleted before a rerun.
    pub cleanup: Vec<String>,
    /// Outputs not deleted because this server cannot reach them (hdfs://…).
    pub not_cleaned: Vec<String>,
}

/// A change to a coordinator job or one of its actions, as the event stream tells it
/// (server-sent events named `coordinator`).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct CoordEvent {
    pub job: i64,
    /// Absent when the job's own status changed.
    pub action: Option<i64>,
    /// A [`CoordStatus`] for the job, a [`CoordActionStatus`] for an action.
    pub status: String,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_version_reads_back_as_written() {
        let mut definition = Workflow::new("w");
        definition.add_node(
            crate::workflow::NodeType::Action("shell"),
            crate::workflow::Point { x: 1.0, y: 2.0 },
        );
        let record = VersionRecord {
            summary: VersionSummary {
                version: 3,
                size: 1,
                author: Some("ann".into()),
                comment: "first".into(),
                created_at: "2026-11-21T00:00:00Z".into(),
            },
            definition,
        };
        let json = serde_json::to_value(&record).unwrap();
        assert_eq!(json["version"], 3, "the summary sits beside the definition");
        assert_eq!(
            serde_json::from_value::<VersionRecord<Workflow>>(json).unwrap(),
            record
        );
    }
}
