//! Alert channels, groups, the delivery log, and the policies of workflows and
//! coordinators.

use gloo_net::http::Request;
use shared::alert::{
    ChannelBody, ChannelInfo, DeliveryInfo, GroupBody, GroupInfo, Policy, TestReport,
};
use shared::api::DefinitionKind;

use super::{ApiError, BASE, changing, check, json};

pub async fn channels() -> Result<Vec<ChannelInfo>, ApiError> {
    json(
        Request::get(&format!("{BASE}/alerts/channels"))
            .send()
            .await?,
    )
    .await
}

/// Creates the channel (`id` none) or changes it.
pub async fn save_channel(id: Option<i64>, body: &ChannelBody) -> Result<ChannelInfo, ApiError> {
    let req = match id {
        None => Request::post(&format!("{BASE}/alerts/channels")),
        Some(id) => Request::put(&format!("{BASE}/alerts/channels/{id}")),
    };
    json(changing(req).json(body)?.send().await?).await
}

pub async fn delete_channel(id: i64) -> Result<(), ApiError> {
    let req = changing(Request::delete(&format!("{BASE}/alerts/channels/{id}")));
    check(req.send().await?).await.map(drop)
}

pub async fn test_channel(id: i64) -> Result<TestReport, ApiError> {
    let req = changing(Request::post(&format!("{BASE}/alerts/channels/{id}/test")));
    json(req.send().await?).await
}

pub async fn groups() -> Result<Vec<GroupInfo>, ApiError> {
    json(
        Request::get(&format!("{BASE}/alerts/groups"))
            .send()
            .await?,
    )
    .await
}

pub async fn save_group(id: Option<i64>, body: &GroupBody) -> Result<GroupInfo, ApiError> {
    let req = match id {
        None => Request::post(&format!("{BASE}/alerts/groups")),
        Some(id) => Request::put(&format!("{BASE}/alerts/groups/{id}")),
    };
    json(changing(req).json(body)?.send().await?).await
}

pub async fn delete_group(id: i64) -> Result<(), ApiError> {
    let req = changing(Request::delete(&format!("{BASE}/alerts/groups/{id}")));
    check(req.send().await?).await.map(drop)
}

/// The newest tries first.
pub async fn deliveries() -> Result<Vec<DeliveryInfo>, ApiError> {
    json(
        Request::get(&format!("{BASE}/alerts/deliveries?limit=200"))
            .send()
            .await?,
    )
    .await
}

fn policy_url(kind: DefinitionKind, id: i64) -> String {
    format!("{BASE}/{}s/{id}/alerts", kind.noun())
}

pub async fn policy(kind: DefinitionKind, id: i64) -> Result<Policy, ApiError> {
    json(Request::get(&policy_url(kind, id)).send().await?).await
}

pub async fn set_policy(
    kind: DefinitionKind,
    id: i64,
    policy: &Policy,
) -> Result<Policy, ApiError> {
    let req = changing(Request::put(&policy_url(kind, id))).json(policy)?;
    json(req.send().await?).await
}
