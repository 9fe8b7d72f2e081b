//! `/api/v1/alerts/*` (channels, groups and the delivery log: admins) and the policy of a
//! workflow or coordinator (`/api/v1/{workflows,coordinators}/{id}/alerts`).

use axum::extract::State;
use axum::http::{Method, StatusCode};
use axum::routing::{delete, get, post, put};
use shared::alert::{
    ChannelBody, ChannelInfo, DeliveryInfo, GroupBody, GroupInfo, Policy, TestReport,
};
use shared::api::Role;

use super::ApiError;
use super::auth::Caller;
use super::extract::{ApiJson, ApiPath, ApiQuery};
use super::openapi::{Answer, Endpoint, schema};
use crate::AppState;
use crate::service::alerts as service;
use crate::store::Kind;

pub(super) fn endpoints() -> Vec<Endpoint> {
    use Answer::{Empty, Json};
    let (viewer, editor, admin) = (Some(Role::Viewer), Some(Role::Editor), Some(Role::Admin));
    let mut all = vec![
        Endpoint::new(
            Method::GET,
            "/alerts/channels",
            admin,
            "Alert channels (email, webhooks), by name; secrets are never shown",
            Json(200, schema::<Vec<ChannelInfo>>),
            || get(list_channels),
        ),
        Endpoint::new(
            Method::POST,
            "/alerts/channels",
            admin,
            "Add an alert channel; its secret (SMTP password, webhook signing key) is stored sealed",
            Json(201, schema::<ChannelInfo>),
            || post(create_channel),
        )
        .body(schema::<ChannelBody>),
        Endpoint::new(
            Method::PUT,
            "/alerts/channels/{id}",
            admin,
            "Change a channel; without `secret` the stored one is kept, an empty one removes it",
            Json(200, schema::<ChannelInfo>),
            || put(update_channel),
        )
        .body(schema::<ChannelBody>),
        Endpoint::new(
            Method::DELETE,
            "/alerts/channels/{id}",
            admin,
            "Remove a channel, its delivery log, and its place in groups",
            Empty(204),
            || delete(delete_channel),
        ),
        Endpoint::new(
            Method::POST,
            "/alerts/channels/{id}/test",
            admin,
            "Send a test alert through the channel, once, and say what happened",
            Json(200, schema::<TestReport>),
            || post(test_channel),
        ),
        Endpoint::new(
            Method::GET,
            "/alerts/groups",
            viewer,
            "Alert groups, by name (what a policy can point to)",
            Json(200, schema::<Vec<GroupInfo>>),
            || get(list_groups),
        ),
        Endpoint::new(
            Method::POST,
            "/alerts/groups",
            admin,
            "Add an alert group",
            Json(201, schema::<GroupInfo>),
            || post(create_group),
        )
        .body(schema::<GroupBody>),
        Endpoint::new(
            Method::PUT,
            "/alerts/groups/{id}",
            admin,
            "Rename a group or change its channels",
            Json(200, schema::<GroupInfo>),
            || put(update_group),
        )
        .body(schema::<GroupBody>),
        Endpoint::new(
            Method::DELETE,
            "/alerts/groups/{id}",
            admin,
            "Remove a group no policy points to (409 otherwise)",
            Empty(204),
            || delete(delete_group),
        ),
        Endpoint::new(
            Method::GET,
            "/alerts/deliveries",
            admin,
            "The delivery log, newest try first",
            Json(200, schema::<Vec<DeliveryInfo>>),
            || get(deliveries),
        )
        .query(&[
            ("channel", "integer", false, "only this channel's tries"),
            ("limit", "integer", false, "tries, 1 to 500 (default 100)"),
        ]),
    ];
    for (kind, path) in [
        (Kind::Workflow, "/workflows/{id}/alerts"),
        (Kind::Coordinator, "/coordinators/{id}/alerts"),
    ] {
        all.push(Endpoint::new(
            Method::GET,
            path,
            viewer,
            "The notification policy (tell nobody, when none was set)",
            Json(200, schema::<Policy>),
            match kind {
                Kind::Workflow => || get(policy::<true>),
                Kind::Coordinator => || get(policy::<false>),
            },
        ));
        all.push(
            Endpoint::new(
                Method::PUT,
                path,
                editor,
                "Set the notification policy: when to tell which group, and time limits",
                Json(200, schema::<Policy>),
                match kind {
                    Kind::Workflow => || put(set_policy::<true>),
                    Kind::Coordinator => || put(set_policy::<false>),
                },
            )
            .body(schema::<Policy>),
        );
    }
    all
}

async fn list_channels(
    State(state): State<AppState>,
) -> Result<ApiJson<Vec<ChannelInfo>>, ApiError> {
    Ok(ApiJson(service::list_channels(&state).await?))
}

async fn create_channel(
    State(state): State<AppState>,
    ApiJson(body): ApiJson<ChannelBody>,
) -> Result<(StatusCode, ApiJson<ChannelInfo>), ApiError> {
    let made = service::create_channel(&state, body).await?;
    Ok((StatusCode::CREATED, ApiJson(made)))
}

async fn update_channel(
    State(state): State<AppState>,
    ApiPath(id): ApiPath<i64>,
    ApiJson(body): ApiJson<ChannelBody>,
) -> Result<ApiJson<ChannelInfo>, ApiError> {
    Ok(ApiJson(service::update_channel(&state, id, body).await?))
}

async fn delete_channel(
    State(state): State<AppState>,
    ApiPath(id): ApiPath<i64>,
) -> Result<StatusCode, ApiError> {
    service::delete_channel(&state, id).await?;
    Ok(StatusCode::NO_CONTENT)
}

async fn test_channel(
    State(state): State<AppState>,
    Caller(me): Caller,
    ApiPath(id): ApiPath<i64>,
) -> Result<ApiJson<TestReport>, ApiError> {
    Ok(ApiJson(service::test_channel(&state, id, &me.name).await?))
}

async fn list_groups(State(state): State<AppState>) -> Result<ApiJson<Vec<GroupInfo>>, ApiError> {
    Ok(ApiJson(service::list_groups(&state).await?))
}

async fn create_group(
    State(state): State<AppState>,
    ApiJson(body): ApiJson<GroupBody>,
) -> Result<(StatusCode, ApiJson<GroupInfo>), ApiError> {
    let made = service::create_group(&state, body).await?;
    Ok((StatusCode::CREATED, ApiJson(made)))
}

async fn update_group(
    State(state): State<AppState>,
    ApiPath(id): ApiPath<i64>,
    ApiJson(body): ApiJson<GroupBody>,
) -> Result<ApiJson<GroupInfo>, ApiError> {
    Ok(ApiJson(service::update_group(&state, id, body).await?))
}

async fn delete_group(
    State(state): State<AppState>,
    ApiPath(id): ApiPath<i64>,
) -> Result<StatusCode, ApiError> {
    service::delete_group(&state, id).await?;
    Ok(StatusCode::NO_CONTENT)
}

#[derive(serde::Deserialize)]
struct LogQuery {
    channel: Option<i64>,
    limit: Option<i64>,
}

async fn deliveries(
    State(state): State<AppState>,
    ApiQuery(q): ApiQuery<LogQuery>,
) -> Result<ApiJson<Vec<DeliveryInfo>>, ApiError> {
    Ok(ApiJson(
        service::deliveries(&state, q.channel, q.limit).await?,
    ))
}

fn kind_of<const WORKFLOW: bool>() -> Kind {
    if WORKFLOW {
        Kind::Workflow
    } else {
        Kind::Coordinator
    }
}

async fn policy<const WORKFLOW: bool>(
    State(state): State<AppState>,
    ApiPath(id): ApiPath<i64>,
) -> Result<ApiJson<Policy>, ApiError> {
    Ok(ApiJson(
        service::policy(&state, kind_of::<WORKFLOW>(), id).await?,
    ))
}

async fn set_policy<const WORKFLOW: bool>(
    State(state): State<AppState>,
    Caller(me): Caller,
    ApiPath(id): ApiPath<i64>,
    ApiJson(body): ApiJson<Policy>,
) -> Result<ApiJson<Policy>, ApiError> {
    Ok(ApiJson(
        service::set_policy(&state, kind_of::<WORKFLOW>(), id, body, &me.name).await?,
    ))
}
