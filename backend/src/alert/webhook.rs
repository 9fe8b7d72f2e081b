//! Webhook delivery: the alert as a JSON POST, signed when the channel has a signing key,
//! retried with exponential backoff while the receiver is unreachable or answers 408, 429
//! or 5xx, and given up at once on any other refusal (retrying a 400 cannot help). Every
//! try is returned for the delivery log, with its status code or why it got none.
//!
//! The signature lets a receiver check that the alert came from this server and was not
//! altered or replayed: `X-Sluice-Timestamp` is the sending time (Unix seconds) and
//! `X-Sluice-Signature` is `sha256=` and the hex HMAC-SHA256, under the signing key, of
//! the timestamp, a `.`, and the exact body. A receiver recomputes it and refuses old
//! timestamps.

use hmac::{Hmac, KeyInit, Mac};
use sha2::Sha256;

use super::{Alert, Attempt, Retry, Verdict};
use crate::hex;

pub const SIGNATURE_HEADER: &str = "X-Sluice-Signature";
pub const TIMESTAMP_HEADER: &str = "X-Sluice-Timestamp";
/// Which try this is, from 1: a receiver may see a retry of something it already took.
pub const ATTEMPT_HEADER: &str = "X-Sluice-Attempt";

/// The signature header's value for `body` sent at `timestamp`.
pub fn signature(key: &[u8], timestamp: i64, body: &[u8]) -> String {
    let mut mac =
        <Hmac<Sha256> as KeyInit>::new_from_slice(key).expect("HMAC takes a key of any length");
    mac.update(timestamp.to_string().as_bytes());
    mac.update(b".");
    mac.update(body);
    format!("sha256={}", hex::encode(&mac.finalize().into_bytes()))
}

/// What an HTTP answer means for the delivery.
pub fn verdict(status: Option<u16>) -> Verdict {
    match status {
        Some(200..=299) => Verdict::Delivered,
        None | Some(408 | 429 | 500..=599) => Verdict::TryAgain,
        Some(_) => Verdict::Refused,
    }
}

/// A webhook channel's settings, its signing key opened.
#[derive(Debug, Clone, PartialEq)]
pub struct Webhook {
    pub url: String,
    pub signing_key: Option<String>,
}

/// Sends `alert` to `hook`, trying as `retry` says, and returns every try. `now` gives the
/// Unix time each try is signed with.
pub async fn deliver(
    client: &reqwest::Client,
    hook: &Webhook,
    alert: &Alert,
    retry: &Retry,
    now: &(dyn Fn() -> i64 + Sync),
) -> Vec<Attempt> {
    let body = serde_json::to_vec(alert).expect("an alert always serializes");
    super::retrying(retry, |number| {
        let timestamp = now();
        let mut request = client
            .post(&hook.url)
            .timeout(retry.timeout)
            .header("Content-Type", "application/json")
            .header(TIMESTAMP_HEADER, timestamp.to_string())
            .header(ATTEMPT_HEADER, number.to_string())
            .body(body.clone());
        if let Some(key) = &hook.signing_key {
            request = request.header(
                SIGNATURE_HEADER,
                signature(key.as_bytes(), timestamp, &body),
            );
        }
        async move {
            let (status, detail) = match request.send().await {
                Ok(response) => {
                    let status = response.status().as_u16();
                    let text = response.text().await.unwrap_or_default();
                    (Some(status), text)
                }
                Err(e) => (None, super::error_chain(&e)),
            };
            (status, detail, verdict(status))
        }
    })
    .await
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_signature_is_the_hmac_of_timestamp_dot_body() {
        // RFC 4231, test case 2: the HMAC construction itself.
        let mut mac = <Hmac<Sha256> as KeyInit>::new_from_slice(b"Jefe").unwrap();
        mac.update(b"what do ya want for nothing?");
        assert_eq!(
            hex::encode(&mac.finalize().into_bytes()),
            "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843"
        );
        let a = signature(b"k", 1_700_000_000, b"{}");
        assert!(a.starts_with("sha256=") && a.len() == 7 + 64, "{a}");
        assert_ne!(
            a,
            signature(b"k", 1_700_000_001, b"{}"),
            "the time is signed"
        );
        assert_ne!(
            a,
            signature(b"k", 1_700_000_000, b"{ }"),
            "the body is signed"
        );
        assert_ne!(a, signature(b"K", 1_700_000_000, b"{}"), "under the key");
    }

    #[test]
    fn only_what_may_work_later_is_tried_again() {
        assert_eq!(verdict(Some(204)), Verdict::Delivered);
        for s in [None, Some(408), Some(429), Some(500), Some(503)] {
            assert_eq!(verdict(s), Verdict::TryAgain, "{s:?}");
        }
        for s in [Some(301), Some(400), Some(401), Some(404)] {
            assert_eq!(verdict(s), Verdict::Refused, "{s:?}");
        }
    }
}
