//! Datasources of SQL tasks: checked input, the password sealed before it reaches the
//! store and never given back, and a connection test.

use std::time::Instant;

use shared::datasource::{DatasourceBody, DatasourceInfo, DatasourceSettings, DatasourceTest};
use shared::workflow::tasks::check_datasource_name;

use super::{ServiceError, rfc3339, sealed};
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
        settings: sealed::settings(Sealed::Datasources, row)?,
        has_password: sealed::has_secret(row),
        updated_at: rfc3339(row.updated_at_ms),
    })
}

pub async fn list(state: &AppState) -> Result<Vec<DatasourceInfo>, ServiceError> {
    let rows = state.store.list_sealed(Sealed::Datasources).await?;
    rows.iter().map(info).collect()
}

fn record<'a>(
    body: &'a DatasourceBody,
    settings: &'a DatasourceSettings,
) -> Result<sealed::Record<'a, DatasourceSettings>, ServiceError> {
    let name = body.name.trim();
    check_datasource_name(name).map_err(ServiceError::BadInput)?;
    Ok(sealed::Record {
        name: name.to_owned(),
        kind: settings.kind(),
        settings,
        secret: body.password.as_deref(),
        max_secret: MAX_FIELD,
    })
}

pub async fn create(
    state: &AppState,
    body: DatasourceBody,
) -> Result<DatasourceInfo, ServiceError> {
    let settings = checked(body.settings.clone())?;
    info(&sealed::create(state, Sealed::Datasources, record(&body, &settings)?).await?)
}

/// A datasource may change kind (a SQLite prototype moved to PostgreSQL): tasks name it,
/// not what it is.
pub async fn update(
    state: &AppState,
    id: i64,
    body: DatasourceBody,
) -> Result<DatasourceInfo, ServiceError> {
    let old = sealed::get(state, Sealed::Datasources, id).await?;
    let settings = checked(body.settings.clone())?;
    info(&sealed::update(state, Sealed::Datasources, old, record(&body, &settings)?).await?)
}

pub async fn delete(state: &AppState, id: i64) -> Result<(), ServiceError> {
    sealed::delete(state, Sealed::Datasources, id).await
}

/// Connects and runs `SELECT 1`, as a SQL task would connect.
pub async fn test(state: &AppState, id: i64) -> Result<DatasourceTest, ServiceError> {
    let stored = sealed::get(state, Sealed::Datasources, id).await?;
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
