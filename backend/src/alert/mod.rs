//! Alerts: telling people that a run failed, succeeded or ran late, through channels
//! (email, webhooks) that an administrator sets up once and a policy points to.
//!
//! - this module: when a policy fires, and the alert a channel is given;
//! - [`secret`]: channel credentials (SMTP passwords, webhook signing keys) sealed at rest;
//! - [`webhook`]: delivery by HTTP POST, signed, retried with backoff, every try recorded.
//!
//! Delivering is never part of a run: a channel that is down or refuses is retried and
//! logged, and the workflow goes on as if nothing had been sent.

pub mod secret;
pub mod webhook;

use serde::{Deserialize, Serialize};
use shared::api::JobStatus;

/// When a workflow or coordinator tells its alert group about a finished run, as
/// DolphinScheduler's "notification strategy" says it.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Notify {
    #[default]
    Never,
    OnSuccess,
    /// FAILED or KILLED: a killed run did not do its work either.
    OnFailure,
    Always,
}

impl Notify {
    /// Whether a run that ended in `status` is told; a run still going never is.
    pub fn fires(self, status: JobStatus) -> bool {
        let failed = matches!(status, JobStatus::Failed | JobStatus::Killed);
        let succeeded = status == JobStatus::Succeeded;
        match self {
            Notify::Never => false,
            Notify::OnSuccess => succeeded,
            Notify::OnFailure => failed,
            Notify::Always => succeeded || failed,
        }
    }
}

/// What an alert is about.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum AlertKind {
    Succeeded,
    Failed,
    Killed,
    /// A task or an instance ran longer than its limit.
    Timeout,
    /// An SLA's should-start or should-end passed.
    SlaMiss,
    /// Sent by hand, to check a channel.
    Test,
}

/// The alert as a channel receives it; a webhook gets it as its JSON body. Fields are
/// only ever added, so receivers can rely on these.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Alert {
    pub kind: AlertKind,
    /// One line, for a mail's subject or a chat message.
    pub title: String,
    pub text: String,
    /// The workflow or coordinator it is about.
    pub definition: String,
    /// The instance's or coordinator job's id, as Oozie writes it.
    pub job_id: Option<String>,
    /// The page that shows it (the instance, or the coordinator job).
    pub link: Option<String>,
    /// RFC 3339, UTC.
    pub at: String,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn each_policy_fires_for_the_ends_it_names_and_never_for_a_live_run() {
        use JobStatus::*;
        let fired = |n: Notify| {
            JobStatus::ALL
                .into_iter()
                .filter(|s| n.fires(*s))
                .collect::<Vec<_>>()
        };
        assert_eq!(fired(Notify::Never), []);
        assert_eq!(fired(Notify::OnSuccess), [Succeeded]);
        assert_eq!(fired(Notify::OnFailure), [Killed, Failed]);
        assert_eq!(fired(Notify::Always), [Succeeded, Killed, Failed]);
    }
}
