//! The API's route table and the OpenAPI document made from it.
//!
//! Each API module lists its [`Endpoint`]s: method, path, the least role, the handler, and
//! the types of its body and answer. The router is built from these lists and the OpenAPI
//! document (`/api/openapi.json`) is generated from the very same lists, with the bodies'
//! JSON Schemas derived from the Rust types (schemars, following their serde attributes).
//! A route therefore cannot exist undocumented, nor be documented with another shape than it
//! has; the roles, too, are enforced from this table (`auth::check`), and the role tests
//! walk it.

use axum::http::Method;
use axum::routing::MethodRouter;
use schemars::generate::{SchemaGenerator, SchemaSettings};
use schemars::{JsonSchema, Schema};
use serde_json::{Map, Value, json};
use shared::api::{ErrorBody, Role};

use crate::AppState;

/// How a body's schema is made: `Some(schema::<T>)`.
pub type SchemaFn = fn(&mut SchemaGenerator) -> Schema;

pub fn schema<T: JsonSchema>(generator: &mut SchemaGenerator) -> Schema {
    generator.subschema_for::<T>()
}

/// What a successful call answers with.
#[derive(Clone, Copy)]
pub enum Answer {
    Json(u16, SchemaFn),
    /// A file, of one of these media types (`application/xml`).
    File(&'static [&'static str]),
    /// Server-sent events (`text/event-stream`) until the client or the server ends it.
    Events,
    Empty(u16),
}

/// A query parameter: name, JSON type, whether it is required, what it means.
pub type QueryParam = (&'static str, &'static str, bool, &'static str);

#[derive(Clone)]
pub struct Endpoint {
    pub method: Method,
    /// Inside `/api/v1`, in axum's syntax (`/workflows/{id}`).
    pub path: &'static str,
    /// The least role; `None` for the one route anyone may call (login).
    pub role: Option<Role>,
    pub summary: &'static str,
    pub query: &'static [QueryParam],
    pub body: Option<SchemaFn>,
    /// A file upload instead of a JSON body: the media types accepted.
    pub upload: Option<&'static [&'static str]>,
    pub answer: Answer,
    pub handler: fn() -> MethodRouter<AppState>,
    /// Allowed to someone whose one-time password is not changed yet.
    pub before_password_change: bool,
    /// A POST that computes and changes nothing: not audited.
    pub pure: bool,
}

impl Endpoint {
    /// A JSON endpoint with no body or query yet (add them with the builders).
    pub fn new(
        method: Method,
        path: &'static str,
        role: Option<Role>,
        summary: &'static str,
        answer: Answer,
        handler: fn() -> MethodRouter<AppState>,
    ) -> Self {
        Endpoint {
            method,
            path,
            role,
            summary,
            query: &[],
            body: None,
            upload: None,
            answer,
            handler,
            before_password_change: false,
            pure: false,
        }
    }

    pub fn before_password_change(mut self) -> Self {
        self.before_password_change = true;
        self
    }

    pub fn pure(mut self) -> Self {
        self.pure = true;
        self
    }

    /// Who may call this endpoint, as the router enforces it.
    pub fn access(&self) -> super::auth::Access {
        super::auth::Access {
            role: self.role,
            before_password_change: self.before_password_change,
            pure: self.pure,
        }
    }

    pub fn body(mut self, body: SchemaFn) -> Self {
        self.body = Some(body);
        self
    }

    pub fn upload(mut self, media: &'static [&'static str]) -> Self {
        self.upload = Some(media);
        self
    }

    pub fn query(mut self, query: &'static [QueryParam]) -> Self {
        self.query = query;
        self
    }
}

/// Path parameters are named alike across the API: numeric ids, string user names.
fn path_parameter(name: &str) -> Value {
    let (kind, what) = match name {
        "id" => ("integer", "a workflow's, coordinator's or token's id"),
        "version" => ("integer", "a version number (1 is the first save)"),
        _ => ("string", "a user name"),
    };
    let mut schema = json!({ "type": kind });
    if kind == "integer" {
        schema["format"] = json!("int64");
    }
    json!({ "name": name, "in": "path", "required": true, "description": what, "schema": schema })
}

/// The OpenAPI 3.0 document of `endpoints` (served under `/api/v1`).
pub fn document(endpoints: &[Endpoint]) -> Value {
    let mut generator = SchemaSettings::openapi3().into_generator();
    let error = schema::<ErrorBody>(&mut generator);
    // Documented for clients of the event stream, which carries it as text.
    schema::<shared::api::ChangeEvent>(&mut generator);
    let mut paths = Map::new();
    for e in endpoints {
        let mut parameters: Vec<Value> = e
            .path
            .split('/')
            .filter_map(|seg| seg.strip_prefix('{')?.strip_suffix('}'))
            .map(path_parameter)
            .collect();
        parameters.extend(e.query.iter().map(|(name, kind, required, what)| {
            json!({ "name": name, "in": "query", "required": required, "description": what,
                    "schema": { "type": kind } })
        }));
        let mut responses = Map::new();
        let (status, ok) = match e.answer {
            Answer::Json(status, body) => (
                status,
                json!({ "description": "done", "content": {
                    "application/json": { "schema": body(&mut generator) } } }),
            ),
            Answer::File(media) => (
                200,
                json!({ "description": "the file", "content": media.iter()
                    .map(|m| (m.to_string(), json!({ "schema": { "type": "string" } })))
                    .collect::<Map<_, _>>() }),
            ),
            Answer::Events => (
                200,
                json!({ "description": "server-sent `change` events (data: ChangeEvent), \
                         and `lagged` when changes were missed", "content": {
                    "text/event-stream": { "schema": { "type": "string" } } } }),
            ),
            Answer::Empty(status) => (status, json!({ "description": "done" })),
        };
        responses.insert(status.to_string(), ok);
        responses.insert(
            "default".to_owned(),
            json!({ "description": "refused or failed: `code` says why (401 no or bad credentials, \
                     403 role or CSRF, 404, 409 conflict, 413 too large, 422 invalid, 429 too many \
                     logins)",
                    "content": { "application/json": { "schema": error.clone() } } }),
        );
        let mut operation = json!({
            "summary": e.summary,
            "operationId": operation_id(e),
            "tags": [e.path.split('/').nth(1).unwrap_or("api")],
            "parameters": parameters,
            "responses": responses,
        });
        match e.role {
            Some(role) => {
                operation["security"] = json!([{ "token": [] }, { "session": [] }]);
                operation["description"] = json!(format!("Needs the {role} role or higher."));
            }
            None => operation["security"] = json!([]),
        }
        if let Some(body) = e.body {
            operation["requestBody"] = json!({ "required": true, "content": {
                "application/json": { "schema": body(&mut generator) } } });
        }
        if let Some(media) = e.upload {
            operation["requestBody"] = json!({ "required": true, "content": media.iter()
                .map(|m| (m.to_string(), json!({ "schema": { "type": "string", "format": "binary" } })))
                .collect::<Map<_, _>>() });
        }
        let item = paths
            .entry(format!("/api/v1{}", e.path))
            .or_insert_with(|| json!({}));
        item[e.method.as_str().to_lowercase()] = operation;
    }
    json!({
        "openapi": "3.0.3",
        "info": {
            "title": "Sluice",
            "version": env!("CARGO_PKG_VERSION"),
            "description": "Design, validate, version and export Oozie workflows. Browser \
                sessions send the X-CSRF-Token header (from login) with every change; API \
                tokens (`sluice token add`, or POST /api/v1/tokens) go in \
                `Authorization: Bearer …`.",
        },
        "paths": paths,
        "components": {
            "schemas": generator.take_definitions(true),
            "securitySchemes": {
                "token": { "type": "http", "scheme": "bearer" },
                "session": { "type": "apiKey", "in": "cookie", "name": super::auth::SESSION_COOKIE },
            },
        },
    })
}

/// `GET /workflows/{id}/versions` → `get_workflows_id_versions`.
fn operation_id(e: &Endpoint) -> String {
    let mut id = e.method.as_str().to_lowercase();
    for seg in e.path.split('/').filter(|s| !s.is_empty()) {
        id.push('_');
        id.extend(
            seg.chars()
                .filter(|c| c.is_alphanumeric() || *c == '-')
                .map(|c| if c == '-' { '_' } else { c }),
        );
    }
    id
}
