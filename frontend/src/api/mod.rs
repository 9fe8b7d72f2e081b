//! The typed client of the REST API: one async function per endpoint, bodies from
//! `shared::api`, and one error type that carries the server's `{code, message, details}`.

//!
//! Authentication: the session cookie is HttpOnly, so this code never sees it; the browser
//! sends it. What this code keeps is the session's CSRF token, sent as `X-CSRF-Token` with
//! every request that changes something, and the signal of who is signed in, which any
//! 401 answer clears (so the app shows the login page instead of a broken one).

pub mod alerts;
pub mod datasources;
mod ops;

pub use ops::*;

use std::cell::{Cell, RefCell};

use gloo_net::http::{Request, RequestBuilder, Response};
use leptos::prelude::*;
use serde::de::DeserializeOwned;
use shared::api::{
    ChangePassword, CreateWorkflow, ErrorBody, Login, Page, RestoreVersion, SaveResult,
    SaveWorkflow, SessionInfo, ValidationReport, VersionRecord, VersionSummary, WorkflowRecord,
    WorkflowSummary,
};
use shared::workflow::{Issue, Workflow};

const BASE: &str = "/api/v1";

thread_local! {
    static CSRF: RefCell<String> = const { RefCell::new(String::new()) };
    static SIGNED_IN: Cell<Option<RwSignal<Option<SessionInfo>>>> = const { Cell::new(None) };
}

/// Tells the client which signal holds the signed-in user: set on login, cleared on 401.
pub fn track_session(signal: RwSignal<Option<SessionInfo>>) {
    SIGNED_IN.with(|s| s.set(Some(signal)));
}

fn signed_in(info: Option<SessionInfo>) {
    CSRF.with(|c| {
        *c.borrow_mut() = info
            .as_ref()
            .map(|i| i.csrf_token.clone())
            .unwrap_or_default()
    });
    if let Some(signal) = SIGNED_IN.with(Cell::get) {
        signal.set(info);
    }
}

/// A request that changes something: carries the CSRF token.
fn changing(builder: RequestBuilder) -> RequestBuilder {
    let token = CSRF.with(|c| c.borrow().clone());
    builder.header("X-CSRF-Token", &token)
}

#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum ApiError {
    /// The server answered with an error body.
    #[error("{message}")]
    Server {
        status: u16,
        code: String,
        message: String,
        details: Vec<Issue>,
    },
    /// The request did not get an answer we could read.
    #[error("cannot reach the server: {0}")]
    Network(String),
}

impl ApiError {
    pub fn is_conflict(&self) -> bool {
        matches!(self, ApiError::Server { status: 409, .. })
    }
}

impl From<gloo_net::Error> for ApiError {
    fn from(err: gloo_net::Error) -> Self {
        ApiError::Network(err.to_string())
    }
}

async fn check(resp: Response) -> Result<Response, ApiError> {
    if resp.ok() {
        return Ok(resp);
    }
    let status = resp.status();
    if status == 401 {
        signed_in(None);
    }
    Err(match resp.json::<ErrorBody>().await {
        Ok(body) => ApiError::Server {
            status,
            code: body.code,
            message: body.message,
            details: body.details.unwrap_or_default(),
        },
        Err(_) => ApiError::Server {
            status,
            code: "http".to_owned(),
            message: format!("the server answered {status}"),
            details: Vec::new(),
        },
    })
}

async fn json<T: DeserializeOwned>(resp: Response) -> Result<T, ApiError> {
    Ok(check(resp).await?.json().await?)
}

/// Fetches the time-zone table the page preloads (see `shared::time::zonedb`) and makes
/// it the one `Zone::parse` reads. Returns how many zone names it holds.
pub async fn load_zones() -> Result<usize, ApiError> {
    let href = leptos::prelude::document()
        .get_element_by_id("sluice-zones")
        .and_then(|link| link.get_attribute("href"))
        .ok_or_else(|| ApiError::Network("this page names no time-zone table".to_owned()))?;
    let resp = Request::get(&href).send().await?;
    if !resp.ok() {
        return Err(ApiError::Network(format!(
            "the time-zone table: the server answered {}",
            resp.status()
        )));
    }
    let db = shared::time::zonedb::ZoneDb::decode(&resp.binary().await?)
        .map_err(|e| ApiError::Network(e.to_string()))?;
    let count = db.names.len();
    shared::time::zonedb::install(db);
    Ok(count)
}

/// Whether region time zones can be read yet (they load beside the app): whoever shows
/// something a zone decides reads this, so it is shown again once they arrive.
#[derive(Clone, Copy)]
pub struct Zones(pub RwSignal<bool>);

/// One page of workflows whose names contain `name_contains`, newest change first.
pub async fn list_workflows(
    name_contains: String,
    offset: i64,
    limit: i64,
) -> Result<Page<WorkflowSummary>, ApiError> {
    let q = String::from(js_sys::encode_uri_component(name_contains.trim()));
    json(
        Request::get(&format!(
            "{BASE}/workflows?q={q}&offset={offset}&limit={limit}"
        ))
        .send()
        .await?,
    )
    .await
}

pub async fn create_workflow(name: String) -> Result<WorkflowRecord, ApiError> {
    let req =
        changing(Request::post(&format!("{BASE}/workflows"))).json(&CreateWorkflow { name })?;
    json(req.send().await?).await
}

pub async fn get_workflow(id: i64) -> Result<WorkflowRecord, ApiError> {
    json(
        Request::get(&format!("{BASE}/workflows/{id}"))
            .send()
            .await?,
    )
    .await
}

pub async fn save_workflow(
    id: i64,
    revision: i64,
    definition: Workflow,
    comment: Option<String>,
) -> Result<SaveResult, ApiError> {
    let body = SaveWorkflow {
        revision: Some(revision),
        definition,
        comment,
    };
    let req = changing(Request::put(&format!("{BASE}/workflows/{id}"))).json(&body)?;
    json(req.send().await?).await
}

pub async fn validate(definition: &Workflow) -> Result<ValidationReport, ApiError> {
    let req = changing(Request::post(&format!("{BASE}/validate"))).json(definition)?;
    json(req.send().await?).await
}

/// Sends an Oozie app (a workflow.xml, a coordinator.xml, or a zip of app directories) to
/// be imported; with `dry_run`, only what the import would do.
pub async fn import(
    bytes: &[u8],
    file_name: &str,
    dry_run: bool,
) -> Result<shared::api::ImportReport, ApiError> {
    let media = if file_name.to_ascii_lowercase().ends_with(".zip") {
        "application/zip"
    } else {
        "application/xml"
    };
    let url = format!(
        "{BASE}/import?dry_run={dry_run}&filename={}",
        String::from(js_sys::encode_uri_component(file_name))
    );
    let body = js_sys::Uint8Array::from(bytes);
    let req = changing(Request::post(&url))
        .header("Content-Type", media)
        .body(body)?;
    json(req.send().await?).await
}

/// Who is signed in, or `Ok(None)` for nobody.
pub async fn session() -> Result<Option<SessionInfo>, ApiError> {
    let resp = Request::get(&format!("{BASE}/auth/session")).send().await?;
    if resp.status() == 401 {
        signed_in(None);
        return Ok(None);
    }
    let info: SessionInfo = json(resp).await?;
    signed_in(Some(info.clone()));
    Ok(Some(info))
}

pub async fn login(name: String, password: String) -> Result<SessionInfo, ApiError> {
    let req = Request::post(&format!("{BASE}/auth/login")).json(&Login { name, password })?;
    let info: SessionInfo = json(req.send().await?).await?;
    signed_in(Some(info.clone()));
    Ok(info)
}

pub async fn logout() -> Result<(), ApiError> {
    let resp = changing(Request::post(&format!("{BASE}/auth/logout")))
        .send()
        .await?;
    check(resp).await?;
    signed_in(None);
    Ok(())
}

pub async fn change_password(current: String, new: String) -> Result<SessionInfo, ApiError> {
    let req = changing(Request::post(&format!("{BASE}/auth/password")))
        .json(&ChangePassword { current, new })?;
    let info: SessionInfo = json(req.send().await?).await?;
    signed_in(Some(info.clone()));
    Ok(info)
}

pub async fn versions(id: i64) -> Result<Vec<VersionSummary>, ApiError> {
    json(
        Request::get(&format!("{BASE}/workflows/{id}/versions"))
            .send()
            .await?,
    )
    .await
}

/// Makes version `version` the newest, starting from `revision` (checked like a save's).
/// One stored version of a workflow, with its definition.
pub async fn version(id: i64, version: i64) -> Result<VersionRecord<Workflow>, ApiError> {
    json(
        Request::get(&format!("{BASE}/workflows/{id}/versions/{version}"))
            .send()
            .await?,
    )
    .await
}

pub async fn restore(id: i64, version: i64, revision: i64) -> Result<SaveResult, ApiError> {
    let req = changing(Request::post(&format!(
        "{BASE}/workflows/{id}/versions/{version}/restore"
    )))
    .json(&RestoreVersion {
        revision: Some(revision),
    })?;
    json(req.send().await?).await
}
