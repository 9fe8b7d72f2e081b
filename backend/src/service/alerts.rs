//! Alert channels, groups, policies and the delivery log: checked input, credentials
//! sealed before they reach the store and never given back.

use std::collections::BTreeSet;
use std::time::Duration;

use shared::alert::{
    Alert, AlertKind, ChannelBody, ChannelInfo, ChannelSettings, DeliveryInfo, GroupBody,
    GroupInfo, Policy, TestReport,
};

use super::{MAX_NAME_LEN, ServiceError, not_found, now_ms, rfc3339, sealed};
use crate::AppState;
use crate::alert::dispatch::{self, open_channel};
use crate::alert::{Attempt, Retry};
use crate::store::{GroupRow, Kind, PolicyRow, Sealed, SealedRow};

/// The longest webhook address, secret and address list taken.
const MAX_URL: usize = 2048;
const MAX_SECRET: usize = 4096;
const MAX_RECIPIENTS: usize = 50;
/// The most delivery-log rows one request reads.
pub const MAX_LOG: i64 = 500;

fn name_of(text: &str, what: &str) -> Result<String, ServiceError> {
    let name = text.trim();
    if name.is_empty() || name.chars().count() > MAX_NAME_LEN {
        return Err(ServiceError::BadInput(format!(
            "a {what}'s name is 1 to {MAX_NAME_LEN} characters"
        )));
    }
    Ok(name.to_owned())
}

/// The settings, checked and tidied (trimmed, recipients without blanks).
fn checked(settings: ChannelSettings) -> Result<ChannelSettings, ServiceError> {
    let bad = |m: String| Err(ServiceError::BadInput(m));
    match settings {
        ChannelSettings::Webhook { url } => {
            let url = url.trim().to_owned();
            if url.len() > MAX_URL {
                return bad(format!("a webhook address is at most {MAX_URL} characters"));
            }
            match reqwest::Url::parse(&url) {
                Ok(u) if matches!(u.scheme(), "http" | "https") && u.host().is_some() => {}
                Ok(u) => {
                    return bad(format!(
                        "a webhook address is http:// or https://, not {}:",
                        u.scheme()
                    ));
                }
                Err(e) => return bad(format!("the webhook address [{url}]: {e}")),
            }
            Ok(ChannelSettings::Webhook { url })
        }
        ChannelSettings::Email {
            host,
            port,
            security,
            username,
            from,
            to,
        } => {
            let host = host.trim().to_owned();
            if host.is_empty() || host.len() > 255 || host.contains(char::is_whitespace) {
                return bad("the SMTP host is a host name or address".to_owned());
            }
            if port == 0 {
                return bad("the SMTP port is 1 to 65535".to_owned());
            }
            let to: Vec<String> = to
                .iter()
                .map(|t| t.trim().to_owned())
                .filter(|t| !t.is_empty())
                .collect();
            if to.is_empty() || to.len() > MAX_RECIPIENTS {
                return bad(format!(
                    "an email channel has 1 to {MAX_RECIPIENTS} recipients"
                ));
            }
            let username = username
                .map(|u| u.trim().to_owned())
                .filter(|u| !u.is_empty());
            let settings = ChannelSettings::Email {
                host,
                port,
                security,
                username,
                from: from.trim().to_owned(),
                to,
            };
            // The addresses and the host, read as sending will read them.
            crate::alert::email::Smtp::new(&settings, None, Duration::from_secs(10))
                .map_err(ServiceError::BadInput)?;
            Ok(settings)
        }
    }
}

fn channel_info(row: &SealedRow) -> Result<ChannelInfo, ServiceError> {
    Ok(ChannelInfo {
        id: row.id,
        name: row.name.clone(),
        settings: sealed::settings(Sealed::Channels, row)?,
        has_secret: sealed::has_secret(row),
        updated_at: rfc3339(row.updated_at_ms),
    })
}

pub async fn list_channels(state: &AppState) -> Result<Vec<ChannelInfo>, ServiceError> {
    let rows = state.store.list_sealed(Sealed::Channels).await?;
    rows.iter().map(channel_info).collect()
}

fn record<'a>(
    body: &'a ChannelBody,
    settings: &'a ChannelSettings,
) -> Result<sealed::Record<'a, ChannelSettings>, ServiceError> {
    Ok(sealed::Record {
        name: name_of(&body.name, "channel")?,
        kind: settings.kind(),
        settings,
        secret: body.secret.as_deref(),
        max_secret: MAX_SECRET,
    })
}

pub async fn create_channel(
    state: &AppState,
    body: ChannelBody,
) -> Result<ChannelInfo, ServiceError> {
    let settings = checked(body.settings.clone())?;
    let made = sealed::create(state, Sealed::Channels, record(&body, &settings)?).await?;
    channel_info(&made)
}

pub async fn update_channel(
    state: &AppState,
    id: i64,
    body: ChannelBody,
) -> Result<ChannelInfo, ServiceError> {
    let old = sealed::get(state, Sealed::Channels, id).await?;
    let settings = checked(body.settings.clone())?;
    if settings.kind() != old.kind {
        return Err(ServiceError::BadInput(format!(
            "channel '{}' is a {} channel; make a new channel for {}",
            old.name,
            old.kind,
            settings.kind()
        )));
    }
    let changed = sealed::update(state, Sealed::Channels, old, record(&body, &settings)?).await?;
    channel_info(&changed)
}

/// Also takes it out of every group that named it.
pub async fn delete_channel(state: &AppState, id: i64) -> Result<(), ServiceError> {
    sealed::delete(state, Sealed::Channels, id).await?;
    for mut g in state.store.list_groups().await? {
        let ids = group_channels(&g);
        if ids.contains(&id) {
            let kept: Vec<i64> = ids.into_iter().filter(|c| *c != id).collect();
            g.channels = serde_json::to_string(&kept).expect("ids serialize");
            g.updated_at_ms = now_ms();
            state.store.update_group(&g).await?;
        }
    }
    Ok(())
}

/// Sends a test alert through the channel, once, and answers with what happened; the try
/// is in the delivery log too.
pub async fn test_channel(state: &AppState, id: i64, by: &str) -> Result<TestReport, ServiceError> {
    let row = sealed::get(state, Sealed::Channels, id).await?;
    let alert = Alert {
        kind: AlertKind::Test,
        title: format!("Test of channel '{}'", row.name),
        text: format!("{by} sent this test from Sluice to check the channel. Nothing failed."),
        definition: String::new(),
        job_id: None,
        link: Some(state.alerts.public_url.clone()),
        at: rfc3339(now_ms()),
    };
    let once = Retry {
        attempts: 1,
        first_delay: Duration::ZERO,
        timeout: Duration::from_secs(10),
    };
    let tries = match open_channel(&row, &state.alerts.secrets) {
        Ok(channel) => channel.send(&state.alerts.http, &alert, &once).await,
        Err(why) => vec![Attempt {
            number: 1,
            status: None,
            detail: why,
            delivered: false,
        }],
    };
    dispatch::log_tries(state.store.as_ref(), id, &alert, &tries).await;
    let at = rfc3339(now_ms());
    Ok(TestReport {
        delivered: tries.iter().any(|t| t.delivered),
        tries: tries
            .into_iter()
            .map(|t| DeliveryInfo {
                id: 0,
                channel_id: id,
                channel: row.name.clone(),
                alert: alert.clone(),
                attempt: t.number,
                status: t.status,
                detail: t.detail,
                delivered: t.delivered,
                at: at.clone(),
            })
            .collect(),
    })
}

pub async fn deliveries(
    state: &AppState,
    channel: Option<i64>,
    limit: Option<i64>,
) -> Result<Vec<DeliveryInfo>, ServiceError> {
    let limit = limit.unwrap_or(100);
    if !(1..=MAX_LOG).contains(&limit) {
        return Err(ServiceError::BadInput(format!(
            "limit is from 1 to {MAX_LOG}"
        )));
    }
    let rows = state.store.list_deliveries(channel, limit).await?;
    rows.into_iter()
        .map(|d| {
            Ok(DeliveryInfo {
                id: d.id,
                channel_id: d.channel_id,
                channel: d.channel,
                alert: serde_json::from_str(&d.alert)
                    .map_err(|e| ServiceError::Internal(format!("delivery {}: {e}", d.id)))?,
                attempt: u32::try_from(d.attempt).unwrap_or_default(),
                status: d.status.and_then(|s| u16::try_from(s).ok()),
                detail: d.detail,
                delivered: d.delivered,
                at: rfc3339(d.at_ms),
            })
        })
        .collect()
}

fn group_channels(row: &GroupRow) -> Vec<i64> {
    serde_json::from_str(&row.channels).unwrap_or_default()
}

fn group_info(row: &GroupRow) -> GroupInfo {
    GroupInfo {
        id: row.id,
        name: row.name.clone(),
        channels: group_channels(row),
        updated_at: rfc3339(row.updated_at_ms),
    }
}

pub async fn list_groups(state: &AppState) -> Result<Vec<GroupInfo>, ServiceError> {
    Ok(state
        .store
        .list_groups()
        .await?
        .iter()
        .map(group_info)
        .collect())
}

/// The channel ids, each existing, once, in the order given.
async fn group_members(state: &AppState, ids: &[i64]) -> Result<String, ServiceError> {
    let mut seen = BTreeSet::new();
    let mut kept = Vec::new();
    for id in ids {
        if seen.insert(*id) {
            sealed::get(state, Sealed::Channels, *id)
                .await
                .map_err(|_| ServiceError::BadInput(format!("there is no alert channel {id}")))?;
            kept.push(*id);
        }
    }
    Ok(serde_json::to_string(&kept).expect("ids serialize"))
}

pub async fn create_group(state: &AppState, body: GroupBody) -> Result<GroupInfo, ServiceError> {
    let now = now_ms();
    let mut row = GroupRow {
        id: 0,
        name: name_of(&body.name, "group")?,
        channels: group_members(state, &body.channels).await?,
        created_at_ms: now,
        updated_at_ms: now,
    };
    row.id = state.store.create_group(&row).await?;
    Ok(group_info(&row))
}

pub async fn update_group(
    state: &AppState,
    id: i64,
    body: GroupBody,
) -> Result<GroupInfo, ServiceError> {
    let old = state
        .store
        .get_group(id)
        .await?
        .ok_or_else(|| ServiceError::NotFound(format!("alert group {id}")))?;
    let row = GroupRow {
        name: name_of(&body.name, "group")?,
        channels: group_members(state, &body.channels).await?,
        updated_at_ms: now_ms(),
        ..old
    };
    state
        .store
        .update_group(&row)
        .await
        .map_err(not_found(format!("alert group {id}")))?;
    Ok(group_info(&row))
}

/// Refused while a policy points to it: a policy must not go quiet unnoticed.
pub async fn delete_group(state: &AppState, id: i64) -> Result<(), ServiceError> {
    for row in state.store.list_policies().await? {
        if let Ok(p) = serde_json::from_str::<Policy>(&row.settings)
            && p.group == Some(id)
        {
            return Err(ServiceError::Conflict(format!(
                "the policy of {} tells this group; point it elsewhere first",
                row.target.replace(':', " ")
            )));
        }
    }
    state
        .store
        .delete_group(id)
        .await
        .map_err(not_found(format!("alert group {id}")))
}

/// A definition's policy; the default (tell nobody) when it has none.
pub async fn policy(state: &AppState, kind: Kind, id: i64) -> Result<Policy, ServiceError> {
    state
        .store
        .get_definition(kind, id)
        .await
        .map_err(not_found(format!("{} {id}", kind.noun())))?;
    let target = dispatch::target(kind, id);
    Ok(match state.store.get_policy(&target).await? {
        Some(row) => serde_json::from_str(&row.settings)
            .map_err(|e| ServiceError::Internal(format!("the policy of {target}: {e}")))?,
        None => Policy::default(),
    })
}

pub async fn set_policy(
    state: &AppState,
    kind: Kind,
    id: i64,
    policy: Policy,
    by: &str,
) -> Result<Policy, ServiceError> {
    state
        .store
        .get_definition(kind, id)
        .await
        .map_err(not_found(format!("{} {id}", kind.noun())))?;
    let problems = policy.problems();
    if !problems.is_empty() {
        return Err(ServiceError::BadInput(problems.join("; ")));
    }
    if let Some(group) = policy.group
        && state.store.get_group(group).await?.is_none()
    {
        return Err(ServiceError::BadInput(format!(
            "there is no alert group {group}"
        )));
    }
    state
        .store
        .put_policy(&PolicyRow {
            target: dispatch::target(kind, id),
            settings: serde_json::to_string(&policy).expect("a policy serializes"),
            updated_by: by.to_owned(),
            updated_at_ms: now_ms(),
        })
        .await?;
    Ok(policy)
}
