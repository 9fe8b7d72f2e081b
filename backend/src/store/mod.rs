//! Persistence behind one trait, so the service layer does not know which database it uses.
//! SQLite is the embedded default; PostgreSQL (for several replicas) implements the same
//! trait and passes the same contract tests.

mod postgres;
mod sql;
mod sql_impl;
mod sqlite;

pub use postgres::PgStore;
pub use sqlite::SqliteStore;

use async_trait::async_trait;
use shared::api::Role;
use shared::workflow::Workflow;

use sql_impl::sql_store;

#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    #[error("not found")]
    NotFound,
    /// A uniqueness rule or an optimistic-concurrency check failed.
    #[error("{0}")]
    Conflict(String),
    #[error("database error: {0}")]
    Database(#[from] sqlx::Error),
    #[error("stored definition is unreadable: {0}")]
    Corrupt(#[from] serde_json::Error),
    #[error("stored row is unreadable: {0}")]
    BadRow(String),
}

/// A workflow as stored. Times are milliseconds since the Unix epoch, UTC.
#[derive(Debug, Clone, PartialEq)]
pub struct StoredWorkflow {
    pub id: i64,
    /// The newest version's number.
    pub revision: i64,
    pub updated_at_ms: i64,
    pub definition: Workflow,
    /// The version the scheduler uses, once one is published.
    pub published_version: Option<i64>,
}

/// Who saves, why, and when: every save becomes an immutable version carrying these.
#[derive(Debug, Clone, Copy)]
pub struct Save<'a> {
    pub author: Option<&'a str>,
    pub comment: &'a str,
    pub now_ms: i64,
}

/// One saved version, without its definition (for lists).
#[derive(Debug, Clone, PartialEq)]
pub struct VersionInfo {
    pub version: i64,
    pub node_count: i64,
    pub author: Option<String>,
    pub comment: String,
    pub created_at_ms: i64,
}

#[derive(Debug, Clone, PartialEq)]
pub struct WorkflowListItem {
    pub id: i64,
    pub name: String,
    pub node_count: i64,
    pub updated_at_ms: i64,
}

/// A user as stored, with the password's argon2 PHC string.
#[derive(Debug, Clone, PartialEq)]
pub struct UserRow {
    pub id: i64,
    pub name: String,
    pub password_hash: String,
    pub role: Role,
    pub must_change_password: bool,
    pub created_at_ms: i64,
}

/// A user to create.
#[derive(Debug, Clone, Copy)]
pub struct NewUserRow<'a> {
    pub name: &'a str,
    pub password_hash: &'a str,
    pub role: Role,
    pub must_change_password: bool,
    pub now_ms: i64,
}

/// What to change of a user; `None` keeps it. A new password ends the user's sessions,
/// except `keep_session` (the one that changed it).
#[derive(Debug, Clone, Copy, Default)]
pub struct UserChange<'a> {
    pub password_hash: Option<&'a str>,
    pub role: Option<Role>,
    pub must_change_password: Option<bool>,
    pub keep_session: Option<&'a str>,
}

/// An API token as stored (its secret's digest stays in the database).
#[derive(Debug, Clone, PartialEq)]
pub struct TokenRow {
    pub id: i64,
    pub name: String,
    pub owner: String,
    pub role: Role,
    pub created_at_ms: i64,
    pub revoked_at_ms: Option<i64>,
}

/// One audit record to append.
#[derive(Debug, Clone, Copy)]
pub struct AuditRecord<'a> {
    pub at_ms: i64,
    pub actor: Option<&'a str>,
    pub via: &'a str,
    pub action: &'a str,
    pub target: &'a str,
    pub status: u16,
    pub remote: Option<&'a str>,
}

/// One audit record as stored.
#[derive(Debug, Clone, PartialEq)]
pub struct AuditRow {
    pub id: i64,
    pub at_ms: i64,
    pub actor: Option<String>,
    pub via: String,
    pub action: String,
    pub target: String,
    pub status: i64,
    pub remote: Option<String>,
}

#[async_trait]
pub trait Store: Send + Sync + 'static {
    /// Answers when the database does (for `/readyz`).
    async fn ping(&self) -> Result<(), StoreError>;

    /// Waits for running statements, then closes every connection (SQLite checkpoints its
    /// WAL into the database file). Later calls fail.
    async fn close(&self);

    /// All workflows, most recently changed first.
    async fn list_workflows(&self) -> Result<Vec<WorkflowListItem>, StoreError>;

    /// Creates the workflow and its version 1. Fails with [`StoreError::Conflict`] when
    /// the name is taken.
    async fn create_workflow(
        &self,
        definition: &Workflow,
        save: Save<'_>,
    ) -> Result<StoredWorkflow, StoreError>;

    async fn get_workflow(&self, id: i64) -> Result<StoredWorkflow, StoreError>;

    /// Saves a new version (the revision goes up by one), atomically. With
    /// `expected_revision`, fails with [`StoreError::Conflict`] when someone else saved
    /// since that revision was read.
    async fn update_workflow(
        &self,
        id: i64,
        expected_revision: Option<i64>,
        definition: &Workflow,
        save: Save<'_>,
    ) -> Result<StoredWorkflow, StoreError>;

    /// The versions of a workflow, newest first.
    async fn list_versions(&self, id: i64) -> Result<Vec<VersionInfo>, StoreError>;

    /// One version with its definition.
    async fn get_version(
        &self,
        id: i64,
        version: i64,
    ) -> Result<(VersionInfo, Workflow), StoreError>;

    /// Makes `version` the one the scheduler uses.
    async fn publish(&self, id: i64, version: i64) -> Result<(), StoreError>;

    /// Fails with [`StoreError::Conflict`] when the name is taken.
    async fn create_user(&self, user: NewUserRow<'_>) -> Result<UserRow, StoreError>;

    /// Creates the user only if there is no user at all; says whether it did.
    async fn create_first_user(&self, user: NewUserRow<'_>) -> Result<bool, StoreError>;

    async fn find_user(&self, name: &str) -> Result<UserRow, StoreError>;

    /// All users, by name.
    async fn list_users(&self) -> Result<Vec<UserRow>, StoreError>;

    /// Fails with [`StoreError::Conflict`] when it would leave no admin.
    async fn update_user(&self, name: &str, change: UserChange<'_>) -> Result<UserRow, StoreError>;

    /// Removes the user with their sessions and tokens. Fails with
    /// [`StoreError::Conflict`] for the last admin.
    async fn delete_user(&self, name: &str) -> Result<(), StoreError>;

    async fn create_session(
        &self,
        token_hash: &str,
        user_id: i64,
        now_ms: i64,
        expires_at_ms: i64,
    ) -> Result<(), StoreError>;

    /// The user of an unexpired session, and when it expires.
    async fn session_user(
        &self,
        token_hash: &str,
        now_ms: i64,
    ) -> Result<Option<(UserRow, i64)>, StoreError>;

    async fn extend_session(&self, token_hash: &str, expires_at_ms: i64) -> Result<(), StoreError>;

    async fn delete_session(&self, token_hash: &str) -> Result<(), StoreError>;

    async fn delete_expired_sessions(&self, now_ms: i64) -> Result<(), StoreError>;

    async fn create_token(
        &self,
        user_id: i64,
        name: &str,
        token_hash: &str,
        role: Role,
        now_ms: i64,
    ) -> Result<TokenRow, StoreError>;

    /// Tokens of one user, or everyone's with `None`, oldest first.
    async fn list_tokens(&self, user_id: Option<i64>) -> Result<Vec<TokenRow>, StoreError>;

    /// Revokes a token (of `user_id` only, when given); [`StoreError::NotFound`] otherwise.
    async fn revoke_token(
        &self,
        id: i64,
        user_id: Option<i64>,
        now_ms: i64,
    ) -> Result<TokenRow, StoreError>;

    /// The owner and the token of an unrevoked token digest.
    async fn token_user(&self, token_hash: &str)
    -> Result<Option<(UserRow, TokenRow)>, StoreError>;

    async fn append_audit(&self, record: AuditRecord<'_>) -> Result<(), StoreError>;

    /// Audit records newest first, below id `before` when given.
    async fn list_audit(
        &self,
        before: Option<i64>,
        limit: i64,
    ) -> Result<Vec<AuditRow>, StoreError>;
}

/// A unique-name violation as the conflict it is.
fn name_taken(err: sqlx::Error, what: &str, name: &str) -> StoreError {
    match &err {
        sqlx::Error::Database(db) if db.is_unique_violation() => {
            StoreError::Conflict(format!("a {what} named '{name}' already exists"))
        }
        _ => StoreError::Database(err),
    }
}

fn stale_revision(current: i64, expected: Option<i64>) -> StoreError {
    StoreError::Conflict(format!(
        "this workflow was saved by someone else meanwhile (revision {current} is current, \
         this edit started from {})",
        expected.unwrap_or_default()
    ))
}

fn last_admin(name: &str) -> StoreError {
    StoreError::Conflict(format!(
        "'{name}' is the last admin: make someone else an admin first"
    ))
}

fn role(text: &str) -> Result<Role, StoreError> {
    Role::parse(text).ok_or_else(|| StoreError::BadRow(format!("unknown role '{text}'")))
}
