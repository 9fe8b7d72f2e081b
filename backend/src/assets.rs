//! The browser app, embedded at build time (see `build.rs`).
//!
//! Files under `pkg/` carry a content hash in their names (the xtask puts it there), so they
//! are cached for a year; `index.html` is revalidated on every load so a new build is picked
//! up at once. Any other path that is not a file is a client-side route: it gets `index.html`.

use axum::http::{HeaderValue, StatusCode, Uri, header};
use axum::response::{Html, IntoResponse, Response};

include!(concat!(env!("OUT_DIR"), "/assets.rs"));

pub(crate) fn has_ui() -> bool {
    !ASSETS.is_empty()
}

fn find(path: &str) -> Option<&'static [u8]> {
    ASSETS
        .binary_search_by(|(p, _)| (*p).cmp(path))
        .ok()
        .map(|i| ASSETS[i].1)
}

fn content_type(path: &str) -> &'static str {
    match path.rsplit_once('.').map(|(_, ext)| ext) {
        Some("html") => "text/html; charset=utf-8",
        Some("js") => "text/javascript; charset=utf-8",
        Some("wasm") => "application/wasm",
        Some("css") => "text/css; charset=utf-8",
        Some("svg") => "image/svg+xml",
        Some("json") => "application/json",
        Some("tsv") => "text/tab-separated-values; charset=utf-8",
        Some("png") => "image/png",
        Some("ico") => "image/x-icon",
        _ => "application/octet-stream",
    }
}

pub(crate) async fn serve(uri: Uri) -> Response {
    let path = uri.path().trim_start_matches('/');
    if let Some(bytes) = find(path) {
        let cache = if path.starts_with("pkg/") {
            "public, max-age=31536000, immutable"
        } else {
            "no-cache"
        };
        return (
            [
                (
                    header::CONTENT_TYPE,
                    HeaderValue::from_static(content_type(path)),
                ),
                (header::CACHE_CONTROL, HeaderValue::from_static(cache)),
            ],
            bytes,
        )
            .into_response();
    }
    // A missing hashed asset is a real 404; anything else is a route of the single-page app.
    if path.starts_with("pkg/") || path.starts_with("assets/") {
        return (StatusCode::NOT_FOUND, "not found").into_response();
    }
    match find("index.html") {
        Some(index) => (
            [
                (
                    header::CONTENT_TYPE,
                    HeaderValue::from_static("text/html; charset=utf-8"),
                ),
                (header::CACHE_CONTROL, HeaderValue::from_static("no-cache")),
            ],
            index,
        )
            .into_response(),
        None => Html(
            "<!doctype html><title>Sluice</title><p>This <code>sluice</code> binary was built \
             without its browser app. Build it with <code>cargo xtask serve</code> (see \
             README.md); the API under <code>/api/v1</code> works either way.</p>",
        )
        .into_response(),
    }
}
