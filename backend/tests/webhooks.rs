//! Webhook delivery against real HTTP receivers on loopback: the alert arrives signed as
//! documented, a receiver that fails is tried again and every try is logged, a refusal is
//! not retried, and an unreachable one is given up after its tries.

use std::sync::{Arc, Mutex};
use std::time::Duration;

use axum::Router;
use axum::body::Bytes;
use axum::extract::State;
use axum::http::{HeaderMap, StatusCode};
use axum::routing::post;
use backend::alert::webhook::{
    ATTEMPT_HEADER, SIGNATURE_HEADER, TIMESTAMP_HEADER, Webhook, deliver, signature,
};
use backend::alert::{Alert, AlertKind, Retry};

/// What a receiver got, and the statuses it answers with, in turn (the last one for good).
#[derive(Clone, Default)]
struct Receiver {
    got: Arc<Mutex<Vec<(HeaderMap, Bytes)>>>,
    answers: Arc<Mutex<Vec<u16>>>,
}

async fn take(State(r): State<Receiver>, headers: HeaderMap, body: Bytes) -> (StatusCode, String) {
    r.got.lock().unwrap().push((headers, body));
    let mut answers = r.answers.lock().unwrap();
    let status = if answers.len() > 1 {
        answers.remove(0)
    } else {
        answers[0]
    };
    (
        StatusCode::from_u16(status).unwrap(),
        format!("answered {status}"),
    )
}

async fn start(answers: &[u16]) -> (String, Receiver) {
    let receiver = Receiver {
        answers: Arc::new(Mutex::new(answers.to_vec())),
        ..Receiver::default()
    };
    let app = Router::new()
        .route("/hook", post(take))
        .with_state(receiver.clone());
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let url = format!("http://{}/hook", listener.local_addr().unwrap());
    tokio::spawn(async move { axum::serve(listener, app).await });
    (url, receiver)
}

fn alert() -> Alert {
    Alert {
        kind: AlertKind::Failed,
        title: "etl failed".into(),
        text: "load: exit code 1".into(),
        definition: "etl".into(),
        job_id: Some("0000007-sluice-W".into()),
        link: Some("http://127.0.0.1:8080/instances/7".into()),
        at: "2026-11-22T03:00:00Z".into(),
    }
}

fn quick() -> Retry {
    Retry {
        attempts: 3,
        first_delay: Duration::from_millis(20),
        timeout: Duration::from_secs(5),
    }
}

const NOW: i64 = 1_795_000_000;

/// Delivers the test alert to `url`, signed with `key` if given.
async fn send_to(url: String, key: Option<&str>) -> Vec<backend::alert::Attempt> {
    let hook = Webhook {
        url,
        signing_key: key.map(Into::into),
    };
    deliver(
        &backend::outbound::client(),
        &hook,
        &alert(),
        &quick(),
        &|| NOW,
    )
    .await
}

#[tokio::test]
async fn the_alert_arrives_signed_as_documented() {
    let (url, receiver) = start(&[204]).await;
    let tries = send_to(url, Some("s3cret")).await;
    assert_eq!(tries.len(), 1);
    assert!(
        tries[0].delivered && tries[0].status == Some(204),
        "{tries:?}"
    );

    let got = receiver.got.lock().unwrap();
    let (headers, body) = &got[0];
    let header = |name: &str| headers[name].to_str().unwrap().to_owned();
    assert_eq!(header("content-type"), "application/json");
    assert_eq!(header(TIMESTAMP_HEADER), NOW.to_string());
    assert_eq!(header(ATTEMPT_HEADER), "1");
    // What a receiver does: recompute over the timestamp and the exact body.
    assert_eq!(header(SIGNATURE_HEADER), signature(b"s3cret", NOW, body));
    assert_ne!(header(SIGNATURE_HEADER), signature(b"other", NOW, body));
    let sent: serde_json::Value = serde_json::from_slice(body).unwrap();
    assert_eq!(sent["kind"], "failed");
    assert_eq!(sent["link"], "http://127.0.0.1:8080/instances/7");
}

#[tokio::test]
async fn a_failing_receiver_is_tried_again_and_every_try_logged() {
    let (url, receiver) = start(&[503, 500, 200]).await;
    let tries = send_to(url, None).await;
    let statuses: Vec<_> = tries.iter().map(|t| t.status).collect();
    assert_eq!(statuses, [Some(503), Some(500), Some(200)]);
    assert!(tries[2].delivered && !tries[0].delivered);
    assert_eq!(tries[0].detail, "answered 503");
    let got = receiver.got.lock().unwrap();
    let numbers: Vec<_> = got
        .iter()
        .map(|(h, _)| h[ATTEMPT_HEADER].to_str().unwrap().to_owned())
        .collect();
    assert_eq!(numbers, ["1", "2", "3"]);
    assert!(
        got.iter().all(|(h, _)| !h.contains_key(SIGNATURE_HEADER)),
        "unsigned without a key"
    );
}

#[tokio::test]
async fn a_refusal_is_not_retried_and_silence_is_given_up() {
    let (url, receiver) = start(&[400]).await;
    let tries = send_to(url, None).await;
    assert_eq!(tries.len(), 1, "{tries:?}");
    assert_eq!(receiver.got.lock().unwrap().len(), 1);

    // A port nobody listens on: every try fails to connect, and says so.
    let closed = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let port = closed.local_addr().unwrap().port();
    drop(closed);
    let tries = send_to(format!("http://127.0.0.1:{port}/hook"), None).await;
    assert_eq!(tries.len(), 3);
    assert!(tries.iter().all(|t| t.status.is_none() && !t.delivered));
    assert!(
        tries[0].detail.to_lowercase().contains("connect"),
        "{}",
        tries[0].detail
    );
}

#[tokio::test]
async fn https_addresses_speak_tls() {
    // A plain HTTP receiver behind an https:// address: the client opens with a TLS
    // handshake, which the receiver cannot answer. Without TLS support the request would
    // not be attempted at all (reqwest refuses the scheme).
    let (url, receiver) = start(&[200]).await;
    let tries = send_to(url.replacen("http://", "https://", 1), None).await;
    assert!(tries.iter().all(|t| !t.delivered), "{tries:?}");
    let detail = tries[0].detail.to_lowercase();
    assert!(
        !detail.contains("scheme") && !detail.contains("not supported"),
        "{detail}"
    );
    assert!(
        detail.contains("tls")
            || detail.contains("ssl")
            || detail.contains("handshake")
            || detail.contains("corrupt"),
        "{detail}"
    );
    assert!(
        receiver.got.lock().unwrap().is_empty(),
        "no request got through in clear"
    );
}
