//! Datasources of SQL tasks.

use gloo_net::http::Request;
use shared::datasource::{DatasourceBody, DatasourceInfo, DatasourceTest};

use super::{ApiError, BASE, changing, check, json};

pub async fn list() -> Result<Vec<DatasourceInfo>, ApiError> {
    json(Request::get(&format!("{BASE}/datasources")).send().await?).await
}

/// Only the names, for the SQL task's form in the designer: reading whole datasources
/// (their tagged settings) there would add their deserializer to the designer's own code,
/// measured at 12 KB of wasm before compression.
pub async fn names() -> Result<Vec<String>, ApiError> {
    #[derive(serde::Deserialize)]
    struct Named {
        name: String,
    }
    let list: Vec<Named> = json(Request::get(&format!("{BASE}/datasources")).send().await?).await?;
    Ok(list.into_iter().map(|n| n.name).collect())
}

/// Creates it (`id` none) or changes it.
pub async fn save(id: Option<i64>, body: &DatasourceBody) -> Result<DatasourceInfo, ApiError> {
    let req = match id {
        None => Request::post(&format!("{BASE}/datasources")),
        Some(id) => Request::put(&format!("{BASE}/datasources/{id}")),
    };
    json(changing(req).json(body)?.send().await?).await
}

pub async fn delete(id: i64) -> Result<(), ApiError> {
    let req = changing(Request::delete(&format!("{BASE}/datasources/{id}")));
    check(req.send().await?).await.map(drop)
}

pub async fn test(id: i64) -> Result<DatasourceTest, ApiError> {
    let req = changing(Request::post(&format!("{BASE}/datasources/{id}/test")));
    json(req.send().await?).await
}
