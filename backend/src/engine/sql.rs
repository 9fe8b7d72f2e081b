//! The SQL task's executor: one connection to a configured datasource, the statement run
//! as written (several statements allowed), and what the last one that returned rows gave
//! kept for `wf:actionData`.
//!
//! Statements go through the simple query protocol (`raw_sql`), for two reasons: a task's
//! SQL is a script, often several statements, which prepared statements refuse; and
//! PostgreSQL answers it in text, so every column of every type (numeric, interval, a
//! user's enum) reads as the text psql would show, with no per-type decoding to miss one.

use std::path::PathBuf;
use std::sync::Arc;
use std::time::{Duration, Instant};

use futures_util::TryStreamExt;
use shared::datasource::{DatasourceSettings, QueryResult};
use sqlx::{AssertSqlSafe, Column, ConnectOptions, Connection, Either, Row};

use super::exec::{Log, MAX_CAPTURE_BYTES};
use super::task::Outcome;
use crate::alert::secret::SecretKey;
use crate::store::{Sealed, SealedRow, Store};

/// Where to connect, with the password opened.
#[derive(Clone)]
pub struct Target {
    pub name: String,
    pub settings: DatasourceSettings,
    pub password: Option<String>,
}

impl std::fmt::Debug for Target {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "Target({}, {})", self.name, self.settings.describe())
    }
}

/// How long connecting may take before the task fails.
pub const CONNECT_TIMEOUT: Duration = Duration::from_secs(30);
/// The longest value kept of one column of one row; the count is not affected.
const MAX_VALUE_CHARS: usize = 1000;

/// Connects and runs `statement`, keeping at most `max_rows` rows.
pub async fn run(target: &Target, statement: &str, max_rows: usize) -> Result<QueryResult, String> {
    match &target.settings {
        DatasourceSettings::Postgres {
            host,
            port,
            database,
            username,
        } => {
            let mut options = sqlx::postgres::PgConnectOptions::new()
                .host(host)
                .port(*port)
                .database(database)
                .username(username)
                .application_name("sluice-sql-task");
            if let Some(p) = &target.password {
                options = options.password(p);
            }
            let mut conn = connect(options.connect()).await?;
            let result = collect_pg(&mut conn, statement, max_rows).await;
            let _ = conn.close().await;
            result
        }
        DatasourceSettings::Sqlite { path } => {
            let options = sqlx::sqlite::SqliteConnectOptions::new()
                .filename(path)
                // A mistyped path must fail, not leave an empty database behind.
                .create_if_missing(false)
                .busy_timeout(Duration::from_secs(5));
            let mut conn = connect(options.connect()).await?;
            let result = collect_sqlite(&mut conn, statement, max_rows).await;
            let _ = conn.close().await;
            result
        }
    }
}

async fn connect<C>(
    connecting: impl std::future::Future<Output = Result<C, sqlx::Error>>,
) -> Result<C, String> {
    match tokio::time::timeout(CONNECT_TIMEOUT, connecting).await {
        Ok(Ok(conn)) => Ok(conn),
        Ok(Err(e)) => Err(format!("cannot connect: {e}")),
        Err(_) => Err(format!(
            "cannot connect: no answer in {} s",
            CONNECT_TIMEOUT.as_secs()
        )),
    }
}

/// Both drivers' rows read the same way; only the types differ, which a macro says
/// plainly (as the store does).
macro_rules! collect {
    ($name:ident, $conn:ty) => {
        async fn $name(
            conn: &mut $conn,
            statement: &str,
            max_rows: usize,
        ) -> Result<QueryResult, String> {
            let mut out = QueryResult::default();
            // Rows after a statement's end belong to the next statement: the last one that
            // returned rows is what the task gives.
            let mut fresh = true;
            let mut stream = sqlx::raw_sql(AssertSqlSafe(statement.to_owned())).fetch_many(conn);
            while let Some(item) = stream.try_next().await.map_err(|e| e.to_string())? {
                match item {
                    Either::Left(done) => {
                        if fresh {
                            out.rows_affected += done.rows_affected();
                        }
                        fresh = true;
                    }
                    Either::Right(row) => {
                        if fresh {
                            fresh = false;
                            out.columns =
                                row.columns().iter().map(|c| c.name().to_owned()).collect();
                            out.rows.clear();
                            out.row_count = 0;
                        }
                        out.row_count += 1;
                        if out.rows.len() < max_rows {
                            out.rows.push(
                                (0..row.len())
                                    .map(|i| text(row.try_get_unchecked::<Option<String>, _>(i)))
                                    .collect(),
                            );
                        }
                    }
                }
            }
            Ok(out)
        }
    };
}

collect!(collect_pg, sqlx::PgConnection);
collect!(collect_sqlite, sqlx::SqliteConnection);

fn text(value: Result<Option<String>, sqlx::Error>) -> Option<String> {
    match value {
        Ok(Some(mut v)) => {
            if let Some((cut, _)) = v.char_indices().nth(MAX_VALUE_CHARS) {
                v.truncate(cut);
                v.push('…');
            }
            Some(v)
        }
        Ok(None) => None,
        Err(e) => Some(format!("<not text: {e}>")),
    }
}

/// What the task's log shows: where, what, and the result as a table.
pub fn report(
    target: &Target,
    statement: &str,
    outcome: &Result<QueryResult, String>,
    took: Duration,
) -> String {
    let mut log = format!(
        "datasource {} ({})\n--- statement\n{}\n---\n",
        target.name,
        target.settings.describe(),
        statement.trim_end()
    );
    match outcome {
        Err(e) => log.push_str(&format!("failed after {} ms: {e}\n", took.as_millis())),
        Ok(r) if r.columns.is_empty() => log.push_str(&format!(
            "done in {} ms: {} row(s) changed\n",
            took.as_millis(),
            r.rows_affected
        )),
        Ok(r) => {
            log.push_str(&format!(
                "{} row(s) in {} ms{}\n",
                r.row_count,
                took.as_millis(),
                if (r.rows.len() as u64) < r.row_count {
                    format!(", the first {} kept", r.rows.len())
                } else {
                    String::new()
                }
            ));
            log.push_str(&table(r));
        }
    }
    log
}

/// Columns padded to their widest value, as psql prints them.
fn table(r: &QueryResult) -> String {
    let cell = |v: &Option<String>| v.clone().unwrap_or_else(|| "NULL".to_owned());
    let mut widths: Vec<usize> = r.columns.iter().map(|c| c.chars().count()).collect();
    for row in &r.rows {
        for (w, v) in widths.iter_mut().zip(row) {
            *w = (*w).max(cell(v).chars().count());
        }
    }
    let line = |values: Vec<String>| {
        values
            .iter()
            .zip(&widths)
            .map(|(v, w)| format!("{v:<w$}"))
            .collect::<Vec<_>>()
            .join(" | ")
            .trim_end()
            .to_owned()
            + "\n"
    };
    let mut out = line(r.columns.clone());
    out.push_str(
        &(widths
            .iter()
            .map(|w| "-".repeat(*w))
            .collect::<Vec<_>>()
            .join("-+-")
            + "\n"),
    );
    for row in &r.rows {
        out.push_str(&line(row.iter().map(cell).collect()));
    }
    out
}

/// The datasource named, with its password opened.
pub async fn target(store: &dyn Store, secrets: &SecretKey, name: &str) -> Result<Target, String> {
    let rows = store
        .list_sealed(Sealed::Datasources)
        .await
        .map_err(|e| format!("cannot read the datasources: {e}"))?;
    let row = rows.into_iter().find(|r| r.name == name).ok_or_else(|| {
        format!("there is no datasource named '{name}' (an admin adds it under Datasources)")
    })?;
    open(&row, secrets)
}

/// A stored datasource, ready to connect.
pub fn open(row: &SealedRow, secrets: &SecretKey) -> Result<Target, String> {
    let settings: DatasourceSettings = serde_json::from_str(&row.settings)
        .map_err(|e| format!("datasource '{}' has unreadable settings: {e}", row.name))?;
    let password = secrets
        .open_record(Sealed::Datasources, row)
        .map_err(|e| format!("datasource '{}': {e}", row.name))?;
    Ok(Target {
        name: row.name.clone(),
        settings,
        password,
    })
}

/// A SQL task, start to end: the datasource looked up, the statement run, the log
/// written, and the result as the task's data, within Oozie's capture limit.
pub async fn task(
    store: Arc<dyn Store>,
    secrets: Option<Arc<SecretKey>>,
    datasource: String,
    statement: String,
    max_rows: usize,
    log_path: PathBuf,
    log_cap: u64,
) -> Outcome {
    let mut log = Log::new(log_path, log_cap);
    let target = match &secrets {
        None => Err("this server opens no datasource passwords (it has no secret key)".to_owned()),
        Some(key) => target(store.as_ref(), key, &datasource).await,
    };
    let target = match target {
        Ok(t) => t,
        Err(e) => {
            log.write(format!("{e}\n").as_bytes());
            log.finish();
            return Outcome::failed("SQL", e);
        }
    };
    let (result, took) = run_timed(&target, &statement, max_rows).await;
    log.write(report(&target, &statement, &result, took).as_bytes());
    let outcome = match result {
        Err(e) => Outcome::failed("SQL", e),
        Ok(r) => {
            let mut outcome = Outcome::ok();
            let mut size = 0;
            let all = r.action_data();
            let total = all.len();
            for (key, value) in all {
                size += key.len() + value.len() + 2;
                if size > MAX_CAPTURE_BYTES {
                    log.write(
                        format!(
                            "wf:actionData keeps {} of {total} values: Oozie's limit is {MAX_CAPTURE_BYTES} bytes (ask for fewer rows)\n",
                            outcome.data.len()
                        )
                        .as_bytes(),
                    );
                    break;
                }
                outcome.data.insert(key, value);
            }
            outcome
        }
    };
    log.finish();
    outcome
}

/// Runs a task and times it.
pub async fn run_timed(
    target: &Target,
    statement: &str,
    max_rows: usize,
) -> (Result<QueryResult, String>, Duration) {
    let started = Instant::now();
    let outcome = run(target, statement, max_rows).await;
    (outcome, started.elapsed())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sqlite(dir: &std::path::Path) -> Target {
        let path = dir.join("warehouse.db");
        std::fs::File::create(&path).unwrap();
        Target {
            name: "warehouse".into(),
            settings: DatasourceSettings::Sqlite {
                path: path.display().to_string(),
            },
            password: None,
        }
    }

    #[tokio::test]
    async fn the_last_statement_with_rows_is_kept_and_every_row_counted() {
        let dir = tempfile::tempdir().unwrap();
        let t = sqlite(dir.path());
        let script = "create table t (id integer, name text, score real);\n\
                      insert into t values (1, 'a', 1.5), (2, null, 2.0), (3, 'c', 3.25);\n\
                      select count(*) as n from t;\n\
                      select id, name, score from t order by id;";
        let r = run(&t, script, 2).await.unwrap();
        assert_eq!(r.columns, ["id", "name", "score"]);
        assert_eq!(r.row_count, 3);
        assert_eq!(r.rows.len(), 2);
        assert_eq!(
            r.rows[0],
            [Some("1".into()), Some("a".into()), Some("1.5".into())]
        );
        assert_eq!(r.rows[1][1], None);
        assert_eq!(r.rows_affected, 3, "the insert's rows");
        let log = report(&t, script, &Ok(r), Duration::from_millis(4));
        assert!(log.contains("3 row(s) in 4 ms, the first 2 kept"), "{log}");
        assert!(
            log.contains("id | name | score\n---+------+------\n1  | a    | 1.5\n"),
            "{log}"
        );
    }

    #[tokio::test]
    async fn errors_say_what_the_database_said() {
        let dir = tempfile::tempdir().unwrap();
        let t = sqlite(dir.path());
        let e = run(&t, "select * from missing", 10).await.unwrap_err();
        assert!(e.contains("no such table: missing"), "{e}");
        let gone = Target {
            settings: DatasourceSettings::Sqlite {
                path: dir.path().join("typo.db").display().to_string(),
            },
            ..t
        };
        let e = run(&gone, "select 1", 10).await.unwrap_err();
        assert!(e.starts_with("cannot connect"), "{e}");
        assert!(!dir.path().join("typo.db").exists());
    }
}
