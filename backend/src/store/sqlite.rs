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

use super::{Store, StoreError, StoredWorkflow, WorkflowListItem};

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

fn name_taken(err: sqlx::Error, name: &str) -> StoreError {
    match &err {
        sqlx::Error::Database(db) if db.is_unique_violation() => {
            StoreError::Conflict(format!("a workflow named '{name}' already exists"))
        }
        _ => StoreError::Database(err),
    }
}

#[async_trait]
impl Store for SqliteStore {
    async fn list_workflows(&self) -> Result<Vec<WorkflowListItem>, StoreError> {
        let rows = sqlx::query(
            "SELECT id, name, node_count, updated_at_ms FROM workflows \
             ORDER BY updated_at_ms DESC, id DESC",
        )
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
        let row = sqlx::query(
            "INSERT INTO workflows (name, definition, node_count, revision, created_at_ms, updated_at_ms) \
             VALUES ($1, $2, $3, 1, $4, $4) \
             RETURNING id, revision, updated_at_ms, definition",
        )
        .bind(&definition.name)
        .bind(serde_json::to_string(definition)?)
        .bind(definition.nodes.len() as i64)
        .bind(now_ms)
        .fetch_one(&self.pool)
        .await
        .map_err(|e| name_taken(e, &definition.name))?;
        stored(&row)
    }

    async fn get_workflow(&self, id: i64) -> Result<StoredWorkflow, StoreError> {
        let row = sqlx::query(
            "SELECT id, revision, updated_at_ms, definition FROM workflows WHERE id = $1",
        )
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
        // One statement: the revision check and the write cannot be split by another save.
        let row = sqlx::query(
            "UPDATE workflows SET name = $3, definition = $4, node_count = $5, \
                 revision = revision + 1, updated_at_ms = $6 \
             WHERE id = $1 AND ($2 IS NULL OR revision = $2) \
             RETURNING id, revision, updated_at_ms, definition",
        )
        .bind(id)
        .bind(expected_revision)
        .bind(&definition.name)
        .bind(serde_json::to_string(definition)?)
        .bind(definition.nodes.len() as i64)
        .bind(now_ms)
        .fetch_optional(&self.pool)
        .await
        .map_err(|e| name_taken(e, &definition.name))?;
        match row {
            Some(row) => stored(&row),
            None => {
                let current = self.get_workflow(id).await?;
                Err(StoreError::Conflict(format!(
                    "this workflow was saved by someone else meanwhile (revision {} is current, \
                     this edit started from {})",
                    current.revision,
                    expected_revision.unwrap_or_default()
                )))
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn create_get_update_list() {
        let store = SqliteStore::in_memory().await.unwrap();
        let created = store
            .create_workflow(&Workflow::new("a"), 1_000)
            .await
            .unwrap();
        assert_eq!(created.revision, 1);
        let mut def = created.definition.clone();
        def.name = "renamed".into();
        let updated = store
            .update_workflow(created.id, Some(1), &def, 2_000)
            .await
            .unwrap();
        assert_eq!((updated.revision, updated.updated_at_ms), (2, 2_000));
        assert_eq!(
            store.get_workflow(created.id).await.unwrap().definition,
            def
        );
        let list = store.list_workflows().await.unwrap();
        assert_eq!(list.len(), 1);
        assert_eq!(list[0].name, "renamed");
    }

    #[tokio::test]
    async fn stale_revision_and_duplicate_names_conflict() {
        let store = SqliteStore::in_memory().await.unwrap();
        let a = store.create_workflow(&Workflow::new("a"), 1).await.unwrap();
        store.create_workflow(&Workflow::new("b"), 1).await.unwrap();
        assert!(matches!(
            store.create_workflow(&Workflow::new("a"), 1).await,
            Err(StoreError::Conflict(_))
        ));
        store
            .update_workflow(a.id, Some(1), &Workflow::new("a"), 2)
            .await
            .unwrap();
        assert!(matches!(
            store
                .update_workflow(a.id, Some(1), &Workflow::new("a"), 3)
                .await,
            Err(StoreError::Conflict(_))
        ));
        assert!(matches!(
            store
                .update_workflow(a.id, None, &Workflow::new("b"), 3)
                .await,
            Err(StoreError::Conflict(_))
        ));
        assert!(matches!(
            store
                .update_workflow(99, None, &Workflow::new("z"), 3)
                .await,
            Err(StoreError::NotFound)
        ));
    }
}
