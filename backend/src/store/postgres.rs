//! The PostgreSQL store, for several Sluice replicas sharing one database. Same trait,
//! same statements ([`super::sql`]) and the same contract tests as SQLite.

use sqlx::migrate::Migrator;
use sqlx::postgres::{PgConnectOptions, PgPool, PgPoolOptions, PgRow};
use sqlx::{AssertSqlSafe, ConnectOptions};

use super::StoreError;

static MIGRATOR: Migrator = sqlx::migrate!("migrations/postgres");

#[derive(Clone)]
pub struct PgStore {
    pool: PgPool,
    /// The server this store writes for, and its lease (ms), once set.
    claim: std::sync::Arc<std::sync::RwLock<Option<(String, i64)>>>,
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
        Ok(PgStore {
            pool,
            claim: Default::default(),
        })
    }
}

super::sql_store!(PgStore, sqlx::Postgres, PgRow, true);
