//! Datasources: the databases SQL tasks run against, configured once by an admin and
//! named by tasks, so a workflow never holds a password. The password is sealed with the
//! server's key, as alert channels' credentials are, and never sent back.

use serde::{Deserialize, Serialize};

/// Where a datasource is. PostgreSQL and SQLite are what the server's sqlx build speaks.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(tag = "kind", rename_all = "lowercase", deny_unknown_fields)]
pub enum DatasourceSettings {
    Postgres {
        host: String,
        port: u16,
        database: String,
        username: String,
    },
    /// A database file on the server's host.
    Sqlite { path: String },
}

impl DatasourceSettings {
    pub fn kind(&self) -> &'static str {
        match self {
            DatasourceSettings::Postgres { .. } => "postgres",
            DatasourceSettings::Sqlite { .. } => "sqlite",
        }
    }

    /// Where it connects, without a password: for logs and lists.
    pub fn describe(&self) -> String {
        match self {
            DatasourceSettings::Postgres {
                host,
                port,
                database,
                username,
            } => format!("postgres://{username}@{host}:{port}/{database}"),
            DatasourceSettings::Sqlite { path } => format!("sqlite:{path}"),
        }
    }
}

/// A datasource to create or change. `password` absent keeps the stored one; empty
/// removes it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct DatasourceBody {
    pub name: String,
    pub settings: DatasourceSettings,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub password: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct DatasourceInfo {
    pub id: i64,
    pub name: String,
    pub settings: DatasourceSettings,
    pub has_password: bool,
    pub updated_at: String,
}

/// What a statement gave: a SELECT's columns, its first rows and how many there were;
/// the rows changed by anything else.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct QueryResult {
    pub columns: Vec<String>,
    /// The first rows, as text; `None` is SQL NULL.
    pub rows: Vec<Vec<Option<String>>>,
    /// Every row the statement returned, kept or not.
    pub row_count: u64,
    pub rows_affected: u64,
}

impl QueryResult {
    /// The task's `wf:actionData`: `rowCount`, `rowsAffected`, `columns` (comma-separated),
    /// each column of the first row by its name (the usual `select count(*) as n`), and
    /// every kept row's columns as `row.<i>.<column>`, from 1. NULL is the empty string.
    pub fn action_data(&self) -> Vec<(String, String)> {
        let mut data = vec![
            ("rowCount".to_owned(), self.row_count.to_string()),
            ("rowsAffected".to_owned(), self.rows_affected.to_string()),
            ("columns".to_owned(), self.columns.join(",")),
        ];
        if let Some(first) = self.rows.first() {
            for (column, value) in self.columns.iter().zip(first) {
                if !data.iter().any(|(k, _)| k == column) {
                    data.push((column.clone(), value.clone().unwrap_or_default()));
                }
            }
        }
        for (i, row) in self.rows.iter().enumerate() {
            for (column, value) in self.columns.iter().zip(row) {
                data.push((
                    format!("row.{}.{column}", i + 1),
                    value.clone().unwrap_or_default(),
                ));
            }
        }
        data
    }
}

/// A connection test: whether it answered, and what it said.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct DatasourceTest {
    pub ok: bool,
    pub detail: String,
    pub took_ms: u64,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn action_data_names_the_first_row_and_numbers_the_rest() {
        let r = QueryResult {
            columns: vec!["n".into(), "rowCount".into()],
            rows: vec![
                vec![Some("3".into()), None],
                vec![Some("4".into()), Some("x".into())],
            ],
            row_count: 7,
            rows_affected: 0,
        };
        let data = r.action_data();
        let get = |k: &str| data.iter().find(|(n, _)| n == k).map(|(_, v)| v.as_str());
        assert_eq!(get("rowCount"), Some("7"), "a column cannot hide the count");
        assert_eq!(get("n"), Some("3"));
        assert_eq!(get("columns"), Some("n,rowCount"));
        assert_eq!(get("row.2.n"), Some("4"));
        assert_eq!(get("row.1.rowCount"), Some(""));
    }
}
