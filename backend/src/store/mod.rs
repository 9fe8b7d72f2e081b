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
    /// Answers when the database does (for `/readyz`).
    async fn ping(&self) -> Result<(), StoreError>;

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

/// The [`Store`] implementation for a store type with a `pool` of the given row type. Both
/// databases run the very same statements ([`sql`]) and map rows the same way; only the
/// sqlx types differ, which is what a macro (rather than generics over `sqlx::Database`,
/// with their bounds) expresses plainly.
macro_rules! sql_store {
    ($store:ty, $row:ty) => {
        use async_trait::async_trait;
        use shared::workflow::Workflow;
        use sqlx::Row;

        use super::{Store, StoredWorkflow, WorkflowListItem, sql};

        fn stored(row: &$row) -> Result<StoredWorkflow, StoreError> {
            Ok(StoredWorkflow {
                id: row.try_get("id")?,
                revision: row.try_get("revision")?,
                updated_at_ms: row.try_get("updated_at_ms")?,
                definition: serde_json::from_str(row.try_get::<&str, _>("definition")?)?,
            })
        }

        #[async_trait]
        impl Store for $store {
            async fn ping(&self) -> Result<(), StoreError> {
                sqlx::query("SELECT 1").execute(&self.pool).await?;
                Ok(())
            }

            async fn list_workflows(&self) -> Result<Vec<WorkflowListItem>, StoreError> {
                let rows = sqlx::query(sql::LIST_WORKFLOWS)
                    .fetch_all(&self.pool)
                    .await?;
                rows.iter()
                    .map(|row| {
                        Ok(WorkflowListItem {
                            id: row.try_get("id")?,
                            name: row.try_get("name")?,
                            node_count: row.try_get("node_count")?,
                            updated_at_ms: row.try_get("updated_at_ms")?,
                        })
                    })
                    .collect()
            }

            async fn create_workflow(
                &self,
                definition: &Workflow,
                now_ms: i64,
            ) -> Result<StoredWorkflow, StoreError> {
                let row = sqlx::query(sql::CREATE_WORKFLOW)
                    .bind(&definition.name)
                    .bind(serde_json::to_string(definition)?)
                    .bind(definition.nodes.len() as i64)
                    .bind(now_ms)
                    .fetch_one(&self.pool)
                    .await
                    .map_err(|e| super::name_taken(e, &definition.name))?;
                stored(&row)
            }

            async fn get_workflow(&self, id: i64) -> Result<StoredWorkflow, StoreError> {
                let row = sqlx::query(sql::GET_WORKFLOW)
                    .bind(id)
                    .fetch_optional(&self.pool)
                    .await?
                    .ok_or(StoreError::NotFound)?;
                stored(&row)
            }

            async fn update_workflow(
                &self,
                id: i64,
                expected_revision: Option<i64>,
                definition: &Workflow,
                now_ms: i64,
            ) -> Result<StoredWorkflow, StoreError> {
                let row = sqlx::query(sql::UPDATE_WORKFLOW)
                    .bind(id)
                    .bind(expected_revision)
                    .bind(&definition.name)
                    .bind(serde_json::to_string(definition)?)
                    .bind(definition.nodes.len() as i64)
                    .bind(now_ms)
                    .fetch_optional(&self.pool)
                    .await
                    .map_err(|e| super::name_taken(e, &definition.name))?;
                match row {
                    Some(row) => stored(&row),
                    None => Err(super::stale_revision(
                        self.get_workflow(id).await?.revision,
                        expected_revision,
                    )),
                }
            }
        }
    };
}
pub(crate) use sql_store;

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
