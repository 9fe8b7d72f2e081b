//! The embedded SQLite store: one file, WAL journal, migrations applied at open.

use std::path::Path;
use std::str::FromStr;
use std::time::Duration;

use async_trait::async_trait;
use shared::workflow::Workflow;
use sqlx::sqlite::{
    SqliteConnectOptions, SqliteJournalMode, SqlitePool, SqlitePoolOptions, SqliteRow,
    SqliteSynchronous,
};
use sqlx::{Row, migrate::Migrator};

use super::{Store, StoreError, StoredWorkflow, WorkflowListItem, sql};

static MIGRATOR: Migrator = sqlx::migrate!("migrations/sqlite");

#[derive(Clone)]
pub struct SqliteStore {
    pool: SqlitePool,
}

impl SqliteStore {
    /// Opens (creating if needed) the database file and applies pending migrations.
    pub async fn open(path: &Path) -> Result<Self, StoreError> {
        let options = SqliteConnectOptions::new()
            .filename(path)
            .create_if_missing(true)
            .journal_mode(SqliteJournalMode::Wal)
            .synchronous(SqliteSynchronous::Normal)
            .busy_timeout(Duration::from_secs(5))
            .foreign_keys(true);
        Self::connect(options, 8).await
    }

    /// A private in-memory database, for tests. One connection: with more, each connection
    /// would see its own empty database.
    pub async fn in_memory() -> Result<Self, StoreError> {
        let options = SqliteConnectOptions::from_str("sqlite::memory:")?;
        Self::connect(options, 1).await
    }

    async fn connect(options: SqliteConnectOptions, max: u32) -> Result<Self, StoreError> {
        let pool = SqlitePoolOptions::new()
            .max_connections(max)
            .connect_with(options)
            .await?;
        MIGRATOR.run(&pool).await.map_err(sqlx::Error::from)?;
        Ok(SqliteStore { pool })
    }
}

fn stored(row: &SqliteRow) -> Result<StoredWorkflow, StoreError> {
    Ok(StoredWorkflow {
        id: row.try_get("id")?,
        revision: row.try_get("revision")?,
        updated_at_ms: row.try_get("updated_at_ms")?,
        definition: serde_json::from_str(row.try_get::<&str, _>("definition")?)?,
    })
}

#[async_trait]
impl Store for SqliteStore {
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
