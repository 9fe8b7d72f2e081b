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

#[async_trait]
pub trait Store: Send + Sync + 'static {
    /// Answers when the database does (for `/readyz`).
    async fn ping(&self) -> Result<(), StoreError>;

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
}

/// The [`Store`] implementation for a store type with a `pool` of the given row type. Both
/// databases run the very same statements ([`sql`]) and map rows the same way; only the
/// sqlx types differ, which is what a macro (rather than generics over `sqlx::Database`,
/// with their bounds) expresses plainly.
macro_rules! sql_store {
    ($store:ty, $db:ty, $row:ty) => {
        use async_trait::async_trait;
        use shared::workflow::Workflow;
        use sqlx::Row;

        use super::{Save, Store, StoredWorkflow, VersionInfo, WorkflowListItem, sql};

        fn stored(row: &$row) -> Result<StoredWorkflow, StoreError> {
            Ok(StoredWorkflow {
                id: row.try_get("id")?,
                revision: row.try_get("revision")?,
                updated_at_ms: row.try_get("updated_at_ms")?,
                definition: serde_json::from_str(row.try_get::<&str, _>("definition")?)?,
                published_version: row.try_get("published_version")?,
            })
        }

        /// The version a save makes: the workflow's new revision, as saved.
        async fn insert_version(
            tx: &mut sqlx::Transaction<'_, $db>,
            saved: &StoredWorkflow,
            json: &str,
            nodes: i64,
            save: Save<'_>,
        ) -> Result<(), StoreError> {
            sqlx::query(sql::INSERT_VERSION)
                .bind(saved.id)
                .bind(saved.revision)
                .bind(json)
                .bind(nodes)
                .bind(save.author)
                .bind(save.comment)
                .bind(save.now_ms)
                .execute(&mut **tx)
                .await?;
            Ok(())
        }

        fn version_info(row: &$row) -> Result<VersionInfo, StoreError> {
            Ok(VersionInfo {
                version: row.try_get("version")?,
                node_count: row.try_get("node_count")?,
                author: row.try_get("author")?,
                comment: row.try_get("comment")?,
                created_at_ms: row.try_get("created_at_ms")?,
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
                save: Save<'_>,
            ) -> Result<StoredWorkflow, StoreError> {
                let json = serde_json::to_string(definition)?;
                let nodes = definition.nodes.len() as i64;
                let mut tx = self.pool.begin().await?;
                let row = sqlx::query(sql::CREATE_WORKFLOW)
                    .bind(&definition.name)
                    .bind(&json)
                    .bind(nodes)
                    .bind(save.now_ms)
                    .fetch_one(&mut *tx)
                    .await
                    .map_err(|e| super::name_taken(e, &definition.name))?;
                let created = stored(&row)?;
                insert_version(&mut tx, &created, &json, nodes, save).await?;
                tx.commit().await?;
                Ok(created)
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
                save: Save<'_>,
            ) -> Result<StoredWorkflow, StoreError> {
                let json = serde_json::to_string(definition)?;
                let nodes = definition.nodes.len() as i64;
                // The UPDATE comes first, so the transaction takes the write lock at once
                // (SQLite) and no reader-turned-writer can deadlock with another save.
                let mut tx = self.pool.begin().await?;
                let row = sqlx::query(sql::UPDATE_WORKFLOW)
                    .bind(id)
                    .bind(expected_revision)
                    .bind(&definition.name)
                    .bind(&json)
                    .bind(nodes)
                    .bind(save.now_ms)
                    .fetch_optional(&mut *tx)
                    .await
                    .map_err(|e| super::name_taken(e, &definition.name))?;
                let Some(row) = row else {
                    drop(tx);
                    return Err(super::stale_revision(
                        self.get_workflow(id).await?.revision,
                        expected_revision,
                    ));
                };
                let updated = stored(&row)?;
                insert_version(&mut tx, &updated, &json, nodes, save).await?;
                tx.commit().await?;
                Ok(updated)
            }

            async fn list_versions(&self, id: i64) -> Result<Vec<VersionInfo>, StoreError> {
                // A workflow always has a version, so none means no such workflow.
                let rows = sqlx::query(sql::LIST_VERSIONS)
                    .bind(id)
                    .fetch_all(&self.pool)
                    .await?;
                if rows.is_empty() {
                    return Err(StoreError::NotFound);
                }
                rows.iter().map(version_info).collect()
            }

            async fn get_version(
                &self,
                id: i64,
                version: i64,
            ) -> Result<(VersionInfo, Workflow), StoreError> {
                let row = sqlx::query(sql::GET_VERSION)
                    .bind(id)
                    .bind(version)
                    .fetch_optional(&self.pool)
                    .await?
                    .ok_or(StoreError::NotFound)?;
                let definition = serde_json::from_str(row.try_get::<&str, _>("definition")?)?;
                Ok((version_info(&row)?, definition))
            }

            async fn publish(&self, id: i64, version: i64) -> Result<(), StoreError> {
                sqlx::query(sql::PUBLISH)
                    .bind(id)
                    .bind(version)
                    .fetch_optional(&self.pool)
                    .await?
                    .map(drop)
                    .ok_or(StoreError::NotFound)
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
