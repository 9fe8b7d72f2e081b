//! Email delivery: the alert as a plain-text mail through the channel's own SMTP server
//! (not the email action's `--smtp-url`: an alert channel may well go elsewhere).
//!
//! SMTP says itself what may work later: a 4xx reply (mailbox busy, greylisting) or a
//! dropped connection is tried again with the channel's backoff; a 5xx reply (no such
//! recipient, authentication refused) is final.

use std::time::Duration;

use lettre::message::header::ContentType;
use lettre::message::{Mailbox, Message};
use lettre::transport::smtp::authentication::Credentials;
use lettre::{AsyncSmtpTransport, AsyncTransport, Tokio1Executor};

use super::{Alert, Attempt, ChannelSettings, Retry, Verdict};
use shared::alert::Security;

/// An email channel ready to send.
pub struct Smtp {
    transport: AsyncSmtpTransport<Tokio1Executor>,
    from: Mailbox,
    to: Vec<Mailbox>,
    timeout: Duration,
}

impl Smtp {
    /// From an email channel's settings and its password, if it has one.
    pub fn new(
        settings: &ChannelSettings,
        password: Option<&str>,
        timeout: Duration,
    ) -> Result<Smtp, String> {
        let ChannelSettings::Email {
            host,
            port,
            security,
            username,
            from,
            to,
        } = settings
        else {
            return Err("not an email channel".to_owned());
        };
        let mut builder = match security {
            Security::None => AsyncSmtpTransport::<Tokio1Executor>::builder_dangerous(host),
            Security::Starttls => AsyncSmtpTransport::<Tokio1Executor>::starttls_relay(host)
                .map_err(|e| format!("the SMTP host {host}: {e}"))?,
            Security::Tls => AsyncSmtpTransport::<Tokio1Executor>::relay(host)
                .map_err(|e| format!("the SMTP host {host}: {e}"))?,
        }
        .port(*port)
        .timeout(Some(timeout));
        if let Some(user) = username.as_deref().filter(|u| !u.is_empty()) {
            builder = builder.credentials(Credentials::new(
                user.to_owned(),
                password.unwrap_or_default().to_owned(),
            ));
        }
        let mailbox = |text: &str| {
            text.trim()
                .parse::<Mailbox>()
                .map_err(|e| format!("the address [{text}]: {e}"))
        };
        Ok(Smtp {
            transport: builder.build(),
            from: mailbox(from)?,
            to: to.iter().map(|t| mailbox(t)).collect::<Result<_, _>>()?,
            timeout,
        })
    }

    /// Sends `alert` to every recipient in one mail, trying as `retry` says.
    pub async fn deliver(&self, alert: &Alert, retry: &Retry) -> Vec<Attempt> {
        let message = match self.message(alert) {
            Ok(m) => m,
            Err(why) => {
                return vec![Attempt {
                    number: 1,
                    status: None,
                    detail: why,
                    delivered: false,
                }];
            }
        };
        super::retrying(retry, |_| {
            let message = message.clone();
            async move {
                match tokio::time::timeout(self.timeout, self.transport.send(message)).await {
                    Ok(Ok(reply)) => (
                        Some(u16::from(reply.code())),
                        reply.message().collect::<Vec<_>>().join(" "),
                        Verdict::Delivered,
                    ),
                    Ok(Err(e)) => {
                        let verdict = if e.is_permanent() {
                            Verdict::Refused
                        } else {
                            Verdict::TryAgain
                        };
                        (e.status().map(u16::from), super::error_chain(&e), verdict)
                    }
                    Err(_) => (
                        None,
                        format!("the SMTP server did not answer within {:?}", self.timeout),
                        Verdict::TryAgain,
                    ),
                }
            }
        })
        .await
    }

    fn message(&self, alert: &Alert) -> Result<Message, String> {
        let mut builder = Message::builder()
            .from(self.from.clone())
            .subject(format!("[Sluice] {}", alert.title));
        for to in &self.to {
            builder = builder.to(to.clone());
        }
        builder
            .header(ContentType::TEXT_PLAIN)
            .body(body(alert))
            .map_err(|e| format!("the mail: {e}"))
    }
}

/// The mail's text: what happened, where to look, and the alert's facts.
fn body(alert: &Alert) -> String {
    let mut text = format!("{}\n\n{}\n", alert.title, alert.text);
    if let Some(link) = &alert.link {
        text.push_str(&format!("\nOpen it: {link}\n"));
    }
    text.push_str(&format!("\nDefinition: {}\n", alert.definition));
    if let Some(id) = &alert.job_id {
        text.push_str(&format!("Job: {id}\n"));
    }
    text.push_str(&format!("At: {}\n", alert.at));
    text
}

#[cfg(test)]
mod tests {
    use super::*;
    use shared::alert::AlertKind;

    fn email(to: &[&str]) -> ChannelSettings {
        ChannelSettings::Email {
            host: "127.0.0.1".into(),
            port: 2525,
            security: Security::None,
            username: None,
            from: "sluice@example.com".into(),
            to: to.iter().map(|s| s.to_string()).collect(),
        }
    }

    #[test]
    fn bad_addresses_are_named_before_anything_is_sent() {
        let err = Smtp::new(
            &email(&["ops@example.com", "not an address"]),
            None,
            Duration::from_secs(1),
        )
        .err()
        .unwrap();
        assert!(err.contains("[not an address]"), "{err}");
        assert!(Smtp::new(&email(&["ops@example.com"]), None, Duration::from_secs(1)).is_ok());
    }

    #[test]
    fn the_mail_links_back_to_the_run() {
        let alert = Alert {
            kind: AlertKind::Failed,
            title: "nightly failed".into(),
            text: "load: exit 3".into(),
            definition: "nightly".into(),
            job_id: Some("0000007-sluice-W".into()),
            link: Some("http://127.0.0.1:8080/instances/7".into()),
            at: "2026-11-22T10:00:00.000Z".into(),
        };
        let text = body(&alert);
        assert!(
            text.contains("Open it: http://127.0.0.1:8080/instances/7"),
            "{text}"
        );
        assert!(text.contains("Job: 0000007-sluice-W"), "{text}");
    }
}
