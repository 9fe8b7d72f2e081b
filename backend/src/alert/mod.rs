//! Alerts: telling people that a run failed, succeeded or ran late, through channels
//! (email, webhooks) that an administrator sets up once and a policy points to.
//!
//! - this module: a channel opened for sending, and the retry loop every channel shares;
//! - [`secret`]: channel credentials (SMTP passwords, webhook signing keys) sealed at rest;
//! - [`webhook`]: delivery by HTTP POST, signed;
//! - [`email`]: delivery by SMTP;
//! - [`dispatch`]: the loop that sees runs end or overrun and sends what policies ask for.
//!
//! The model (policies, channels, groups, the alert itself) is `shared::alert`, which the
//! browser uses too.
//!
//! Delivering is never part of a run: a channel that is down or refuses is retried and
//! logged, and the workflow goes on as if nothing had been sent.

pub mod dispatch;
pub mod email;
pub mod secret;
pub mod webhook;

use std::future::Future;
use std::time::Duration;

use serde::Serialize;
pub use shared::alert::{Alert, AlertKind, ChannelSettings, Notify, Policy};

/// How much of an answer the delivery log keeps.
const KEPT_ANSWER: usize = 1024;
/// The longest wait between two tries.
const MAX_DELAY: Duration = Duration::from_secs(300);

/// How many tries, and how long to wait between them.
#[derive(Debug, Clone, PartialEq)]
pub struct Retry {
    pub attempts: u32,
    /// The wait before the second try; each later wait doubles, up to five minutes.
    pub first_delay: Duration,
    /// How long one try may take, connecting included.
    pub timeout: Duration,
}

impl Default for Retry {
    /// Four tries over about a minute: 5 s, 10 s and 20 s apart.
    fn default() -> Self {
        Retry {
            attempts: 4,
            first_delay: Duration::from_secs(5),
            timeout: Duration::from_secs(10),
        }
    }
}

impl Retry {
    /// The wait before try `attempt` (from 2).
    pub fn delay_before(&self, attempt: u32) -> Duration {
        let doublings = attempt.saturating_sub(2).min(16);
        self.first_delay
            .saturating_mul(1 << doublings)
            .min(MAX_DELAY)
    }
}

/// What a receiver's answer means for the delivery.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Verdict {
    Delivered,
    /// It may work later: no answer, a timeout, throttling, a server error.
    TryAgain,
    /// The receiver refused it; it will refuse it again.
    Refused,
}

/// One try, as the delivery log shows it.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Attempt {
    pub number: u32,
    /// The HTTP status, if the receiver answered.
    pub status: Option<u16>,
    /// Why there was no answer, or the start of the answer's body.
    pub detail: String,
    pub delivered: bool,
}

/// A channel ready to send: its settings and its credentials, opened.
#[derive(Clone)]
pub struct Channel {
    pub id: i64,
    pub name: String,
    pub settings: ChannelSettings,
    /// The webhook's signing key, or the SMTP password.
    pub secret: Option<String>,
}

impl std::fmt::Debug for Channel {
    // The credentials stay out of logs.
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Channel")
            .field("id", &self.id)
            .field("name", &self.name)
            .field("settings", &self.settings)
            .finish_non_exhaustive()
    }
}

impl Channel {
    /// Sends `alert`, trying as `retry` says; every try, for the log.
    pub async fn send(&self, http: &reqwest::Client, alert: &Alert, retry: &Retry) -> Vec<Attempt> {
        match &self.settings {
            ChannelSettings::Webhook { url } => {
                let hook = webhook::Webhook {
                    url: url.clone(),
                    signing_key: self.secret.clone(),
                };
                let now = || chrono::Utc::now().timestamp();
                webhook::deliver(http, &hook, alert, retry, &now).await
            }
            ChannelSettings::Email { .. } => {
                match email::Smtp::new(&self.settings, self.secret.as_deref(), retry.timeout) {
                    Ok(smtp) => smtp.deliver(alert, retry).await,
                    Err(why) => vec![Attempt {
                        number: 1,
                        status: None,
                        detail: why,
                        delivered: false,
                    }],
                }
            }
        }
    }
}

/// Tries `once` (given the try's number, from 1) until it delivers, is refused, or
/// `retry.attempts` tries were made, waiting between tries as `retry` says.
pub(crate) async fn retrying<F, Fut>(retry: &Retry, mut once: F) -> Vec<Attempt>
where
    F: FnMut(u32) -> Fut,
    Fut: Future<Output = (Option<u16>, String, Verdict)>,
{
    let mut attempts = Vec::new();
    for number in 1..=retry.attempts.max(1) {
        if number > 1 {
            tokio::time::sleep(retry.delay_before(number)).await;
        }
        let (status, detail, verdict) = once(number).await;
        attempts.push(Attempt {
            number,
            status,
            detail: detail.chars().take(KEPT_ANSWER).collect(),
            delivered: verdict == Verdict::Delivered,
        });
        if verdict != Verdict::TryAgain {
            break;
        }
    }
    attempts
}

/// An error and its causes, so the log says "connection refused", not only "error
/// sending request".
pub(crate) fn error_chain(e: &dyn std::error::Error) -> String {
    let mut text = e.to_string();
    let mut source = e.source();
    while let Some(s) = source {
        let next = s.to_string();
        // Some errors repeat their cause in their own text.
        if !text.ends_with(&next) {
            text.push_str(": ");
            text.push_str(&next);
        }
        source = s.source();
    }
    text
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn waits_double_up_to_a_cap() {
        let r = Retry::default();
        let waits: Vec<u64> = (2..=5).map(|n| r.delay_before(n).as_secs()).collect();
        assert_eq!(waits, [5, 10, 20, 40]);
        assert_eq!(r.delay_before(40), MAX_DELAY);
    }

    #[tokio::test]
    async fn the_loop_stops_at_the_first_answer_that_settles_it() {
        let quick = Retry {
            attempts: 5,
            first_delay: Duration::from_millis(1),
            timeout: Duration::from_secs(1),
        };
        let answers = [
            Verdict::TryAgain,
            Verdict::TryAgain,
            Verdict::Refused,
            Verdict::Delivered,
        ];
        let tries = retrying(&quick, |n| async move {
            (Some(n as u16), "x".repeat(2000), answers[n as usize - 1])
        })
        .await;
        assert_eq!(tries.len(), 3, "stopped at the refusal");
        assert_eq!(tries[2].status, Some(3));
        assert!(
            tries
                .iter()
                .all(|t| !t.delivered && t.detail.len() == KEPT_ANSWER)
        );
        let once = retrying(
            &Retry {
                attempts: 0,
                ..quick
            },
            |_| async { (None, String::new(), Verdict::TryAgain) },
        )
        .await;
        assert_eq!(once.len(), 1, "at least one try");
    }
}
