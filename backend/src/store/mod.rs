//! Persistence behind one trait, so the service layer does not know which database it uses.
//! SQLite is the embedded default; PostgreSQL (for several replicas) implements the same
//! trait and passes the same contract tests.

mod postgres;
mod sql;
mod sqlite;

pub use postgres::PgStore;
pub use sqlite::SqliteStore;

use async_trait::async_trait;
use shared::workflow::Workflow;

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
}

/// A workflow as stored. Times are milliseconds since the Unix epoch, UTC.
#[derive(Debug, Clone, PartialEq)]
pub struct StoredWorkflow {
    pub id: i64,
    pub revision: i64,
    pub updated_at_ms: i64,
    pub definition: Workflow,
}

#[derive(Debug, Clone, PartialEq)]
pub struct WorkflowListItem {
    pub id: i64,
    pub name: String,
    pub node_count: i64,
    pub updated_at_ms: i64,
}

#[async_trait]
pub trait Store: Send + Sync + 'static {
    /// All workflows, most recently changed first.
    async fn list_workflows(&self) -> Result<Vec<WorkflowListItem>, StoreError>;

    /// Fails with [`StoreError::Conflict`] when the name is taken.
    async fn create_workflow(
        &self,
        definition: &Workflow,
        now_ms: i64,
    ) -> Result<StoredWorkflow, StoreError>;

    async fn get_workflow(&self, id: i64) -> Result<StoredWorkflow, StoreError>;

    /// Replaces the definition and bumps the revision. With `expected_revision`, fails with
    /// [`StoreError::Conflict`] when someone else saved since that revision was read.
    async fn update_workflow(
        &self,
        id: i64,
        expected_revision: Option<i64>,
        definition: &Workflow,
        now_ms: i64,
    ) -> Result<StoredWorkflow, StoreError>;
}

/// A unique-name violation as the conflict it is.
fn name_taken(err: sqlx::Error, name: &str) -> StoreError {
    match &err {
        sqlx::Error::Database(db) if db.is_unique_violation() => {
            StoreError::Conflict(format!("a workflow named '{name}' already exists"))
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
