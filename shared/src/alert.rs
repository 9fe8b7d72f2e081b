//! Alerts as the API and the browser see them: notification policies, channels, groups,
//! the alert a channel receives and its delivery log. Which alerts a policy raises is
//! decided here too, so the policy form can say exactly what will be sent.
//!
//! None of this is Oozie's: Oozie tells only by the email action and SLA events. The model
//! is DolphinScheduler's (a "notification strategy" per process pointing to an "alarm
//! group" of "alert instances"), which is what users coming from it expect.

use serde::{Deserialize, Serialize};

use crate::api::JobStatus;

/// When a workflow or coordinator tells its alert group about a finished run.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
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
    pub const ALL: [Notify; 4] = [
        Notify::Never,
        Notify::OnSuccess,
        Notify::OnFailure,
        Notify::Always,
    ];

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

    pub fn id(self) -> &'static str {
        match self {
            Notify::Never => "never",
            Notify::OnSuccess => "on_success",
            Notify::OnFailure => "on_failure",
            Notify::Always => "always",
        }
    }

    pub fn parse(text: &str) -> Option<Notify> {
        Notify::ALL.into_iter().find(|n| n.id() == text)
    }
}

/// A workflow's or a coordinator's notification policy. A run started by a coordinator
/// follows the coordinator's policy when it has a group, else its workflow's.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct Policy {
    #[serde(default)]
    pub notify: Notify,
    /// The alert group told; without one nothing is sent.
    #[serde(default)]
    pub group: Option<i64>,
    /// An alarm when a run has been RUNNING longer than this many minutes.
    #[serde(default)]
    pub instance_timeout_min: Option<u32>,
    /// An alarm when any one task's try has been running longer than this many minutes.
    #[serde(default)]
    pub task_timeout_min: Option<u32>,
    /// An alarm when a run misses its SLA (`sla:info`'s should-start or should-end).
    #[serde(default)]
    pub sla_miss: bool,
}

/// The longest time limit a policy takes: a year, in minutes.
pub const MAX_TIMEOUT_MIN: u32 = 525_600;

impl Policy {
    /// Whether it can raise anything at all.
    pub fn is_active(&self) -> bool {
        self.group.is_some()
            && (self.notify != Notify::Never
                || self.instance_timeout_min.is_some()
                || self.task_timeout_min.is_some()
                || self.sla_miss)
    }

    /// What is wrong with it, for the form and the API alike.
    pub fn problems(&self) -> Vec<String> {
        let mut out = Vec::new();
        for (name, limit) in [
            ("the run's time limit", self.instance_timeout_min),
            ("a task's time limit", self.task_timeout_min),
        ] {
            if let Some(m) = limit
                && !(1..=MAX_TIMEOUT_MIN).contains(&m)
            {
                out.push(format!("{name} is 1 to {MAX_TIMEOUT_MIN} minutes, not {m}"));
            }
        }
        let raises = self.notify != Notify::Never
            || self.instance_timeout_min.is_some()
            || self.task_timeout_min.is_some()
            || self.sla_miss;
        if raises && self.group.is_none() {
            out.push("choose the alert group to tell".to_owned());
        }
        out
    }
}

/// What an alert is about.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(rename_all = "snake_case")]
pub enum AlertKind {
    Succeeded,
    Failed,
    Killed,
    /// A task or a run ran longer than its limit.
    Timeout,
    /// An SLA's should-start or should-end passed.
    SlaMiss,
    /// Sent by hand, to check a channel.
    Test,
}

impl AlertKind {
    /// The name the JSON uses (`sla_miss`), for showing it as receivers see it.
    pub fn id(self) -> &'static str {
        match self {
            AlertKind::Succeeded => "succeeded",
            AlertKind::Failed => "failed",
            AlertKind::Killed => "killed",
            AlertKind::Timeout => "timeout",
            AlertKind::SlaMiss => "sla_miss",
            AlertKind::Test => "test",
        }
    }
}

/// The alert as a channel receives it; a webhook gets it as its JSON body. Fields are
/// only ever added, so receivers can rely on these.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct Alert {
    pub kind: AlertKind,
    /// One line, for a mail's subject or a chat message.
    pub title: String,
    pub text: String,
    /// The workflow or coordinator it is about.
    pub definition: String,
    /// The instance's id, as Oozie writes it (`0000042-sluice-W`).
    pub job_id: Option<String>,
    /// The page that shows it.
    pub link: Option<String>,
    /// RFC 3339, UTC.
    pub at: String,
}

/// How an email channel talks to its SMTP server.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(rename_all = "snake_case")]
pub enum Security {
    /// Plain SMTP: only for a relay on this host or a trusted network.
    None,
    /// Plain, upgraded by STARTTLS, which must succeed (port 587).
    #[default]
    Starttls,
    /// TLS from the first byte (port 465).
    Tls,
}

/// What a channel is, without its credentials.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum ChannelSettings {
    /// A POST of the alert's JSON; the secret, if any, signs it (HMAC-SHA256).
    Webhook { url: String },
    /// A mail to `to`; the secret, if any, is the SMTP password of `username`.
    Email {
        host: String,
        port: u16,
        #[serde(default)]
        security: Security,
        #[serde(default)]
        username: Option<String>,
        from: String,
        to: Vec<String>,
    },
}

impl ChannelSettings {
    pub fn kind(&self) -> &'static str {
        match self {
            ChannelSettings::Webhook { .. } => "webhook",
            ChannelSettings::Email { .. } => "email",
        }
    }
}

/// A channel to create or change. `secret` absent keeps the stored one; empty removes it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct ChannelBody {
    pub name: String,
    pub settings: ChannelSettings,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub secret: Option<String>,
}

/// A channel as the API shows it: its secret is never sent back, only whether it has one.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct ChannelInfo {
    pub id: i64,
    pub name: String,
    pub settings: ChannelSettings,
    pub has_secret: bool,
    pub updated_at: String,
}

/// A named set of channels that policies point to.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct GroupBody {
    pub name: String,
    pub channels: Vec<i64>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct GroupInfo {
    pub id: i64,
    pub name: String,
    pub channels: Vec<i64>,
    pub updated_at: String,
}

/// One try of one delivery, as the delivery log shows it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct DeliveryInfo {
    pub id: i64,
    pub channel_id: i64,
    pub channel: String,
    pub alert: Alert,
    pub attempt: u32,
    /// The HTTP status, or the SMTP reply code; none when nothing answered.
    pub status: Option<u16>,
    /// Why it failed, or the start of the answer.
    pub detail: String,
    pub delivered: bool,
    pub at: String,
}

/// A test send's tries.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct TestReport {
    pub delivered: bool,
    pub tries: Vec<DeliveryInfo>,
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
        for n in Notify::ALL {
            assert_eq!(Notify::parse(n.id()), Some(n));
        }
    }

    #[test]
    fn a_policy_that_raises_anything_needs_a_group_and_sane_limits() {
        assert!(Policy::default().problems().is_empty(), "off is fine");
        let lost = Policy {
            notify: Notify::OnFailure,
            ..Policy::default()
        };
        assert_eq!(lost.problems(), ["choose the alert group to tell"]);
        assert!(!lost.is_active());
        let bad = Policy {
            group: Some(1),
            task_timeout_min: Some(0),
            instance_timeout_min: Some(MAX_TIMEOUT_MIN + 1),
            ..Policy::default()
        };
        assert_eq!(bad.problems().len(), 2, "{:?}", bad.problems());
        let good = Policy {
            group: Some(1),
            sla_miss: true,
            ..Policy::default()
        };
        assert!(good.problems().is_empty() && good.is_active());
    }

    #[test]
    fn alert_kinds_are_named_as_their_json() {
        use AlertKind::*;
        for k in [Succeeded, Failed, Killed, Timeout, SlaMiss, Test] {
            assert_eq!(serde_json::to_value(k).unwrap(), k.id());
        }
    }

    #[test]
    fn channels_read_as_the_api_documents_them() {
        let body: ChannelBody = serde_json::from_str(
            r#"{"name":"ops","settings":{"kind":"email","host":"smtp.example.com","port":587,
                "from":"sluice@example.com","to":["ops@example.com"]}}"#,
        )
        .unwrap();
        let ChannelSettings::Email { security, .. } = &body.settings else {
            panic!("{body:?}")
        };
        assert_eq!(*security, Security::Starttls, "STARTTLS unless told");
        assert_eq!(body.secret, None);
        assert_eq!(body.settings.kind(), "email");
    }
}
