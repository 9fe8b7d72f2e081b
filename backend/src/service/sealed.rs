//! What alert channels and datasources share: a named record whose settings are JSON and
//! whose secret (a password, a signing key) is sealed before it reaches the store and
//! never given back. One implementation, so the two cannot differ in how a secret is
//! kept, replaced or removed.

use serde::Serialize;
use serde::de::DeserializeOwned;

use super::{ServiceError, not_found, now_ms};
use crate::AppState;
use crate::store::{Sealed, SealedRow};

/// A record as a create or a change gives it, checked by its own service.
pub(super) struct Record<'a, S> {
    pub name: String,
    pub kind: &'static str,
    pub settings: &'a S,
    /// `None` keeps the stored secret (none, for a new record); `""` removes it.
    pub secret: Option<&'a str>,
    /// The longest secret taken, in bytes.
    pub max_secret: usize,
}

fn noun(table: Sealed, id: i64) -> String {
    format!("{} {id}", table.noun())
}

pub(super) async fn get(
    state: &AppState,
    table: Sealed,
    id: i64,
) -> Result<SealedRow, ServiceError> {
    state
        .store
        .get_sealed(table, id)
        .await?
        .ok_or_else(|| ServiceError::NotFound(noun(table, id)))
}

/// The secret as the store keeps it: sealed to the record, `""` to remove it, `None` to
/// keep the stored one.
fn stored<S>(
    state: &AppState,
    table: Sealed,
    id: i64,
    record: &Record<'_, S>,
) -> Result<Option<String>, ServiceError> {
    match record.secret {
        None => Ok(None),
        Some("") => Ok(Some(String::new())),
        Some(s) if s.len() > record.max_secret => Err(ServiceError::BadInput(format!(
            "a {}'s secret is at most {} bytes",
            table.what(),
            record.max_secret
        ))),
        Some(s) => Ok(Some(state.alerts.secrets.seal_record(table, id, s))),
    }
}

fn settings_text<S: Serialize>(settings: &S) -> String {
    serde_json::to_string(settings).expect("settings serialize")
}

/// Stores a new record with its secret; the record as stored.
pub(super) async fn create<S: Serialize>(
    state: &AppState,
    table: Sealed,
    record: Record<'_, S>,
) -> Result<SealedRow, ServiceError> {
    let now = now_ms();
    let mut row = SealedRow {
        id: 0,
        name: record.name.clone(),
        kind: record.kind.to_owned(),
        settings: settings_text(record.settings),
        secret: None,
        created_at_ms: now,
        updated_at_ms: now,
    };
    row.id = state.store.create_sealed(table, &row).await?;
    // The seal names the record's id, which exists only now.
    if let Some(secret) = stored(state, table, row.id, &record)? {
        row.secret = Some(secret);
        state.store.update_sealed(table, &row).await?;
    }
    get(state, table, row.id).await
}

/// Replaces a stored record's name, kind and settings, and its secret as `record` says.
pub(super) async fn update<S: Serialize>(
    state: &AppState,
    table: Sealed,
    old: SealedRow,
    record: Record<'_, S>,
) -> Result<SealedRow, ServiceError> {
    let id = old.id;
    let row = SealedRow {
        secret: stored(state, table, id, &record)?,
        name: record.name,
        kind: record.kind.to_owned(),
        settings: settings_text(record.settings),
        updated_at_ms: now_ms(),
        ..old
    };
    state
        .store
        .update_sealed(table, &row)
        .await
        .map_err(not_found(noun(table, id)))?;
    get(state, table, id).await
}

pub(super) async fn delete(state: &AppState, table: Sealed, id: i64) -> Result<(), ServiceError> {
    state
        .store
        .delete_sealed(table, id)
        .await
        .map_err(not_found(noun(table, id)))
}

/// The stored settings, read back.
pub(super) fn settings<T: DeserializeOwned>(
    table: Sealed,
    row: &SealedRow,
) -> Result<T, ServiceError> {
    serde_json::from_str(&row.settings)
        .map_err(|e| ServiceError::Internal(format!("{}'s settings: {e}", noun(table, row.id))))
}

pub(super) fn has_secret(row: &SealedRow) -> bool {
    row.secret.as_deref().is_some_and(|s| !s.is_empty())
}
