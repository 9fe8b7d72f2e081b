//! The email action: a message sent through the SMTP server this server is configured
//! with (`--smtp-url`, `--smtp-from`), as Oozie's email action sends through
//! `oozie.email.smtp.*`. Sending is part of the action: it succeeds once the SMTP server
//! accepted the message, and fails with what the server or the connection said.

use std::path::PathBuf;
use std::time::Duration;

use lettre::message::header::ContentType;
use lettre::message::{Attachment, Mailbox, Mailboxes, MultiPart, SinglePart};
use lettre::{AsyncSmtpTransport, AsyncTransport, Message, Tokio1Executor};

use super::exec::local_path;
use super::task::Outcome;

/// How long one send may take, connection included.
const SEND_TIMEOUT: Duration = Duration::from_secs(60);

/// The most bytes one attachment may have: mail servers commonly refuse messages over
/// 10–25 MB, and a larger one is better shipped as a link.
pub const MAX_ATTACHMENT_BYTES: u64 = 10 * 1024 * 1024;

/// Why a message cannot be made: Oozie's error code and the reason.
type Refusal = (&'static str, String);

/// An email action's fields, EL resolved.
#[derive(Debug, Clone, PartialEq)]
pub struct Email {
    /// Comma-separated addresses, as Oozie takes them.
    pub to: String,
    pub cc: Option<String>,
    pub bcc: Option<String>,
    pub subject: String,
    pub body: String,
    pub content_type: String,
    /// Comma-separated paths of files on this server.
    pub attachment: Option<String>,
}

/// An SMTP server to send through, and the sender's address.
#[derive(Clone)]
pub struct Mailer {
    transport: AsyncSmtpTransport<Tokio1Executor>,
    from: Mailbox,
}

impl std::fmt::Debug for Mailer {
    // The transport holds the credentials: only the sender is shown.
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Mailer").field("from", &self.from).finish()
    }
}

impl Mailer {
    /// `url`: `smtp://host:25` (plain, for a relay on this host or its network),
    /// `smtp://user:password@host:587?tls=required` (STARTTLS), or `smtps://host:465`
    /// (TLS from the start).
    pub fn new(url: &str, from: &str) -> Result<Mailer, String> {
        let transport = AsyncSmtpTransport::<Tokio1Executor>::from_url(url)
            .map_err(|e| format!("the SMTP URL: {e}"))?
            .timeout(Some(SEND_TIMEOUT))
            .build();
        let from = from
            .parse::<Mailbox>()
            .map_err(|e| format!("the sender address [{from}]: {e}"))?;
        Ok(Mailer { transport, from })
    }

    /// Sends one email action's message. Oozie's codes: EM004 for an address that is not
    /// one, EM007 for a send that failed.
    pub async fn send(&self, email: Email) -> Outcome {
        let message = match self.message(&email) {
            Ok(m) => m,
            Err((code, why)) => return Outcome::failed(code, why),
        };
        match tokio::time::timeout(SEND_TIMEOUT, self.transport.send(message)).await {
            Ok(Ok(_)) => Outcome::ok(),
            Ok(Err(e)) => Outcome::failed("EM007", format!("the SMTP server: {e}")),
            Err(_) => Outcome::failed(
                "EM007",
                format!("the SMTP server did not answer within {SEND_TIMEOUT:?}"),
            ),
        }
    }

    fn message(&self, email: &Email) -> Result<Message, Refusal> {
        let mut builder = Message::builder()
            .from(self.from.clone())
            .subject(email.subject.clone());
        for to in addresses("to", &email.to)? {
            builder = builder.to(to);
        }
        for cc in addresses("cc", email.cc.as_deref().unwrap_or_default())? {
            builder = builder.cc(cc);
        }
        for bcc in addresses("bcc", email.bcc.as_deref().unwrap_or_default())? {
            builder = builder.bcc(bcc);
        }
        let content_type = ContentType::parse(&email.content_type).map_err(|e| {
            (
                "EM008",
                format!("content_type [{}]: {e}", email.content_type),
            )
        })?;
        let body = SinglePart::builder()
            .header(content_type)
            .body(email.body.clone());
        let files = attachments(email.attachment.as_deref().unwrap_or_default())?;
        let built = if files.is_empty() {
            builder.singlepart(body)
        } else {
            let mut parts = MultiPart::mixed().singlepart(body);
            for (name, bytes) in files {
                parts = parts.singlepart(Attachment::new(name).body(
                    bytes,
                    ContentType::parse("application/octet-stream").expect("a valid MIME type"),
                ));
            }
            builder.multipart(parts)
        };
        built.map_err(|e| ("EM007", format!("cannot build the message: {e}")))
    }
}

/// A comma-separated address list; empty is none.
fn addresses(field: &str, list: &str) -> Result<Vec<Mailbox>, Refusal> {
    if list.trim().is_empty() {
        return Ok(Vec::new());
    }
    list.parse::<Mailboxes>()
        .map(|m| m.into_iter().collect())
        .map_err(|e| {
            (
                "EM004",
                format!("{field}: [{list}] is not a list of addresses: {e}"),
            )
        })
}

/// The attachments, read from this server's filesystem.
fn attachments(list: &str) -> Result<Vec<(String, Vec<u8>)>, Refusal> {
    let mut files = Vec::new();
    for path in list.split(',').map(str::trim).filter(|p| !p.is_empty()) {
        let bad = |why: String| ("EM008", format!("attachment {path}: {why}"));
        let local: PathBuf = local_path(path).map_err(bad)?;
        let size = std::fs::metadata(&local)
            .map_err(|e| bad(e.to_string()))?
            .len();
        if size > MAX_ATTACHMENT_BYTES {
            return Err(bad(format!(
                "{size} bytes, over the {MAX_ATTACHMENT_BYTES} an attachment may have"
            )));
        }
        let bytes = std::fs::read(&local).map_err(|e| bad(e.to_string()))?;
        let name = local
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_else(|| "attachment".to_owned());
        files.push((name, bytes));
    }
    Ok(files)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn mailer() -> Mailer {
        Mailer::new("smtp://127.0.0.1:2525", "Sluice <sluice@example.com>").unwrap()
    }

    fn email() -> Email {
        Email {
            to: "a@example.com, B <b@example.com>".into(),
            cc: None,
            bcc: Some("c@example.com".into()),
            subject: "done".into(),
            body: "<b>ok</b>".into(),
            content_type: "text/html".into(),
            attachment: None,
        }
    }

    #[test]
    fn a_message_has_every_recipient_and_the_content_type() {
        let m = mailer().message(&email()).unwrap();
        let envelope = m.envelope();
        let to: Vec<String> = envelope.to().iter().map(|a| a.to_string()).collect();
        assert_eq!(to, ["a@example.com", "b@example.com", "c@example.com"]);
        let text = String::from_utf8(m.formatted()).unwrap();
        assert!(text.contains("Content-Type: text/html"), "{text}");
        // Bcc recipients get it, but are not named in the headers.
        assert!(!text.contains("c@example.com"), "{text}");
    }

    #[test]
    fn bad_addresses_and_settings_are_refused_by_name() {
        let mut e = email();
        e.to = "not an address".into();
        let (code, why) = mailer().message(&e).unwrap_err();
        assert_eq!(code, "EM004");
        assert!(why.starts_with("to: [not an address]"), "{why}");
        let mut e = email();
        e.attachment = Some("hdfs://nn/report.csv".into());
        let (code, why) = mailer().message(&e).unwrap_err();
        assert_eq!(code, "EM008");
        assert!(why.contains("not on this server's filesystem"), "{why}");
        assert!(Mailer::new("ftp://x", "a@b.c").is_err());
        assert!(Mailer::new("smtp://127.0.0.1", "nobody").is_err());
    }

    #[test]
    fn attachments_are_read_from_local_files() {
        let dir = tempfile::tempdir().unwrap();
        let file = dir.path().join("report.csv");
        std::fs::write(&file, "a,b\n1,2\n").unwrap();
        let mut e = email();
        e.attachment = Some(file.display().to_string());
        let text = String::from_utf8(mailer().message(&e).unwrap().formatted()).unwrap();
        assert!(text.contains("filename=\"report.csv\""), "{text}");
    }
}
