//! The PostgreSQL store, for several Sluice replicas sharing one database. Same trait,
//! same statements ([`super::sql`]) and the same contract tests as SQLite.

use async_trait::async_trait;
use shared::workflow::Workflow;
use sqlx::migrate::Migrator;
use sqlx::postgres::{PgConnectOptions, PgPool, PgPoolOptions, PgRow};
use sqlx::{AssertSqlSafe, ConnectOptions, Row};

use super::{Store, StoreError, StoredWorkflow, WorkflowListItem, sql};

static MIGRATOR: Migrator = sqlx::migrate!("migrations/postgres");

#[derive(Clone)]
pub struct PgStore {
    pool: PgPool,
}

impl PgStore {
    /// Connects to `url` (`postgres://user:password@host:port/db`) and applies pending
    /// migrations.
    pub async fn connect(url: &str) -> Result<Self, StoreError> {
        let options: PgConnectOptions = url.parse()?;
        Self::connect_with(options).await
    }

    /// Like [`Self::connect`], inside `schema` (created if missing): tests get a database
    /// of their own without the right to create databases.
    pub async fn connect_in_schema(url: &str, schema: &str) -> Result<Self, StoreError> {
        let plain = !schema.is_empty()
            && schema.len() <= 63
            && schema
                .bytes()
                .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'_');
        if !plain {
            return Err(StoreError::Conflict(format!(
                "schema name [{schema}]: use lowercase letters, digits and _"
            )));
        }
        let options: PgConnectOptions = url.parse()?;
        let mut conn = options.connect().await?;
        // Safe: the name was checked to be a plain identifier above.
        sqlx::query(AssertSqlSafe(format!(
            "CREATE SCHEMA IF NOT EXISTS {schema}"
        )))
        .execute(&mut conn)
        .await?;
        Self::connect_with(options.options([("search_path", schema)])).await
    }

    async fn connect_with(options: PgConnectOptions) -> Result<Self, StoreError> {
        let pool = PgPoolOptions::new()
            .max_connections(16)
            .connect_with(options)
            .await?;
        MIGRATOR.run(&pool).await.map_err(sqlx::Error::from)?;
        Ok(PgStore { pool })
    }
}

fn stored(row: &PgRow) -> Result<StoredWorkflow, StoreError> {
    Ok(StoredWorkflow {
        id: row.try_get("id")?,
        revision: row.try_get("revision")?,
        updated_at_ms: row.try_get("updated_at_ms")?,
        definition: serde_json::from_str(row.try_get::<&str, _>("definition")?)?,
    })
}

#[async_trait]
impl Store for PgStore {
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
