//! Operability: `/healthz` (the process answers), `/readyz` (and its database does), and
//! Prometheus `/metrics` (requests and latencies by route).
//!
//! The metrics are a few counters kept here rather than a metrics framework: the set is
//! small, the text format is simple, and routes are labelled by their pattern
//! (`/api/v1/workflows/{id}`), never by the raw path, so a scan of random URLs cannot grow
//! them without bound.

use std::collections::BTreeMap;
use std::fmt::Write as _;
use std::sync::{Arc, Mutex};
use std::time::Instant;

use axum::Router;
use axum::extract::{MatchedPath, Request, State};
use axum::http::{StatusCode, header};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use serde_json::json;

use crate::AppState;

/// Upper bounds of the latency histogram, in seconds.
const BUCKETS: [f64; 12] = [
    0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 10.0,
];

#[derive(Default)]
struct Histogram {
    counts: [u64; BUCKETS.len()],
    count: u64,
    sum: f64,
}

#[derive(Default)]
pub(super) struct Metrics {
    requests: Mutex<BTreeMap<(String, String, u16), u64>>,
    latency: Mutex<BTreeMap<(String, String), Histogram>>,
}

impl Metrics {
    fn record(&self, method: &str, route: &str, status: u16, seconds: f64) {
        let key = (method.to_owned(), route.to_owned());
        *self
            .requests
            .lock()
            .expect("metrics lock")
            .entry((key.0.clone(), key.1.clone(), status))
            .or_default() += 1;
        let mut latency = self.latency.lock().expect("metrics lock");
        let h = latency.entry(key).or_default();
        for (count, bound) in h.counts.iter_mut().zip(BUCKETS) {
            if seconds <= bound {
                *count += 1;
            }
        }
        h.count += 1;
        h.sum += seconds;
    }

    /// The Prometheus text exposition format.
    fn render(&self) -> String {
        let mut out = String::new();
        out.push_str(
            "# HELP sluice_http_requests_total HTTP requests answered, by route and status.\n",
        );
        out.push_str("# TYPE sluice_http_requests_total counter\n");
        for ((method, route, status), n) in self.requests.lock().expect("metrics lock").iter() {
            let _ = writeln!(
                out,
                "sluice_http_requests_total{{method=\"{method}\",route=\"{route}\",status=\"{status}\"}} {n}"
            );
        }
        out.push_str("# HELP sluice_http_request_duration_seconds Time to answer HTTP requests.\n");
        out.push_str("# TYPE sluice_http_request_duration_seconds histogram\n");
        for ((method, route), h) in self.latency.lock().expect("metrics lock").iter() {
            let labels = format!("method=\"{method}\",route=\"{route}\"");
            for (count, bound) in h.counts.iter().zip(BUCKETS) {
                let _ = writeln!(
                    out,
                    "sluice_http_request_duration_seconds_bucket{{{labels},le=\"{bound}\"}} {count}"
                );
            }
            let _ = writeln!(
                out,
                "sluice_http_request_duration_seconds_bucket{{{labels},le=\"+Inf\"}} {}",
                h.count
            );
            let _ = writeln!(
                out,
                "sluice_http_request_duration_seconds_sum{{{labels}}} {}",
                h.sum
            );
            let _ = writeln!(
                out,
                "sluice_http_request_duration_seconds_count{{{labels}}} {}",
                h.count
            );
        }
        out
    }
}

/// Middleware: times every request and counts it under its route pattern.
pub(super) async fn track(
    State(metrics): State<Arc<Metrics>>,
    request: Request,
    next: Next,
) -> Response {
    let started = Instant::now();
    let method = request.method().as_str().to_owned();
    let route = request.extensions().get::<MatchedPath>().map_or_else(
        || {
            if request.uri().path().starts_with("/api/") {
                "unmatched".to_owned()
            } else {
                "ui".to_owned()
            }
        },
        |p| p.as_str().to_owned(),
    );
    let response = next.run(request).await;
    metrics.record(
        &method,
        &route,
        response.status().as_u16(),
        started.elapsed().as_secs_f64(),
    );
    response
}

pub(super) fn router(metrics: Arc<Metrics>) -> Router<AppState> {
    Router::new()
        .route(
            "/healthz",
            get(|| async { axum::Json(json!({"status": "ok"})) }),
        )
        .route("/readyz", get(ready))
        .route(
            "/metrics",
            get(move || {
                let metrics = metrics.clone();
                async move {
                    (
                        [(
                            header::CONTENT_TYPE,
                            "text/plain; version=0.0.4; charset=utf-8",
                        )],
                        metrics.render(),
                    )
                }
            }),
        )
}

/// Ready when the database answers; 503 with the reason otherwise, so a load balancer
/// stops sending work to a replica that lost its database.
async fn ready(State(state): State<AppState>) -> impl IntoResponse {
    match state.store.ping().await {
        Ok(()) => (StatusCode::OK, axum::Json(json!({"status": "ready"}))),
        Err(err) => (
            StatusCode::SERVICE_UNAVAILABLE,
            axum::Json(json!({"status": "unavailable", "reason": err.to_string()})),
        ),
    }
}
