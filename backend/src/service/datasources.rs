//! Datasources of SQL tasks: checked input, the password sealed before it reaches the
//! store and never given back, and a connection test.

use std::time::Instant;

use shared::datasource::{DatasourceBody, DatasourceInfo, DatasourceSettings, DatasourceTest};
use shared::workflow::tasks::check_datasource_name;

use super::{ServiceError, not_found, now_ms, rfc3339};
use crate::AppState;
use crate::engine::sql;
use crate::store::{Sealed, SealedRow};

/// The longest host, database, user, path and password taken.
const MAX_FIELD: usize = 1024;

fn checked(settings: DatasourceSettings) -> Result<DatasourceSettings, ServiceError> {
    let bad = |m: &str| Err(ServiceError::BadInput(m.to_owned()));
    let tidy = |s: String| s.trim().to_owned();
    let fits = |s: &str| !s.is_empty() && s.len() <= MAX_FIELD;
    match settings {
        DatasourceSettings::Postgres {
            host,
            port,
            database,
            username,
        } => {
            let (host, database, username) = (tidy(host), tidy(database), tidy(username));
            if !fits(&host) || host.contains(char::is_whitespace) {
                return bad("the PostgreSQL host is a host name or address");
            }
            if port == 0 {
                return bad("the PostgreSQL port is 1 to 65535");
            }
            if !fits(&database) || !fits(&username) {
                return bad("a PostgreSQL datasource names its database and its user");
            }
            Ok(DatasourceSettings::Postgres {
                host,
                port,
                database,
                username,
            })
        }
        DatasourceSettings::Sqlite { path } => {
            let path = tidy(path);
            // Relative paths would depend on where the server was started.
            if !fits(&path) || !std::path::Path::new(&path).is_absolute() {
                return bad("a SQLite datasource is an absolute path to its database file");
            }
            Ok(DatasourceSettings::Sqlite { path })
        }
    }
}

fn info(row: &SealedRow) -> Result<DatasourceInfo, ServiceError> {
    Ok(DatasourceInfo {
        id: row.id,
        name: row.name.clone(),
        settings: serde_json::from_str(&row.settings).map_err(|e| {
            ServiceError::Internal(format!("datasource {}'s settings: {e}", row.id))
        })?,
        has_password: row.secret.as_deref().is_some_and(|s| !s.is_empty()),
        updated_at: rfc3339(row.updated_at_ms),
    })
}

pub async fn list(state: &AppState) -> Result<Vec<DatasourceInfo>, ServiceError> {
    let rows = state.store.list_sealed(Sealed::Datasources).await?;
    rows.iter().map(info).collect()
}

async fn row(state: &AppState, id: i64) -> Result<SealedRow, ServiceError> {
    state
        .store
        .get_sealed(Sealed::Datasources, id)
        .await?
        .ok_or_else(|| ServiceError::NotFound(format!("datasource {id}")))
}

/// The password as stored: sealed, `""` to remove it, `None` to keep the stored one.
fn sealed(
    state: &AppState,
    id: i64,
    password: Option<&str>,
) -> Result<Option<String>, ServiceError> {
    match password {
        None => Ok(None),
        Some("") => Ok(Some(String::new())),
        Some(p) if p.len() > MAX_FIELD => Err(ServiceError::BadInput(format!(
            "a password is at most {MAX_FIELD} bytes"
        ))),
        Some(p) => Ok(Some(state.alerts.secrets.seal(p, &sql::secret_owner(id)))),
    }
}

fn name_of(name: &str) -> Result<String, ServiceError> {
    let name = name.trim();
    check_datasource_name(name).map_err(ServiceError::BadInput)?;
    Ok(name.to_owned())
}

pub async fn create(
    state: &AppState,
    body: DatasourceBody,
) -> Result<DatasourceInfo, ServiceError> {
    let name = name_of(&body.name)?;
    let settings = checked(body.settings)?;
    let now = now_ms();
    let mut made = SealedRow {
        id: 0,
        name,
        kind: settings.kind().to_owned(),
        settings: serde_json::to_string(&settings).expect("settings serialize"),
        secret: None,
        created_at_ms: now,
        updated_at_ms: now,
    };
    made.id = state
        .store
        .create_sealed(Sealed::Datasources, &made)
        .await?;
    // The seal names the datasource's id, which exists only now.
    if let Some(secret) = sealed(state, made.id, body.password.as_deref())? {
        made.secret = Some(secret);
        state
            .store
            .update_sealed(Sealed::Datasources, &made)
            .await?;
    }
    info(&row(state, made.id).await?)
}

/// A datasource may change kind (a SQLite prototype moved to PostgreSQL): tasks name it,
/// not what it is.
pub async fn update(
    state: &AppState,
    id: i64,
    body: DatasourceBody,
) -> Result<DatasourceInfo, ServiceError> {
    let old = row(state, id).await?;
    let settings = checked(body.settings)?;
    let changed = SealedRow {
        name: name_of(&body.name)?,
        kind: settings.kind().to_owned(),
        settings: serde_json::to_string(&settings).expect("settings serialize"),
        secret: sealed(state, id, body.password.as_deref())?,
        updated_at_ms: now_ms(),
        ..old
    };
    state
        .store
        .update_sealed(Sealed::Datasources, &changed)
        .await
        .map_err(not_found(format!("datasource {id}")))?;
    info(&row(state, id).await?)
}

pub async fn delete(state: &AppState, id: i64) -> Result<(), ServiceError> {
    state
        .store
        .delete_sealed(Sealed::Datasources, id)
        .await
        .map_err(not_found(format!("datasource {id}")))
}

/// Connects and runs `SELECT 1`, as a SQL task would connect.
pub async fn test(state: &AppState, id: i64) -> Result<DatasourceTest, ServiceError> {
    let stored = row(state, id).await?;
    let started = Instant::now();
    let outcome = match sql::open(&stored, &state.alerts.secrets) {
        Err(e) => Err(e),
        Ok(target) => sql::run(&target, "SELECT 1", 1).await.map(|_| target),
    };
    let took_ms = u64::try_from(started.elapsed().as_millis()).unwrap_or(u64::MAX);
    Ok(match outcome {
        Ok(target) => DatasourceTest {
            ok: true,
            detail: format!(
                "connected to {} and ran SELECT 1",
                target.settings.describe()
            ),
            took_ms,
        },
        Err(detail) => DatasourceTest {
            ok: false,
            detail,
            took_ms,
        },
    })
}
