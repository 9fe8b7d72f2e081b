//! An SMTP server on loopback that keeps what it is sent: enough of RFC 5321 for a real
//! client (EHLO, MAIL, RCPT, DATA with dot-unstuffing, RSET, NOOP, QUIT). A recipient
//! whose address starts with `reject` is refused with 550, to test failures.

use std::io::{BufRead, BufReader, Write};
use std::net::TcpListener;
use std::sync::mpsc;

#[derive(Debug, Clone, Default)]
pub struct Mail {
    pub from: String,
    pub to: Vec<String>,
    /// The message as sent: headers, a blank line, the body.
    pub data: String,
}

/// Starts the server on a free port, in threads of its own; gives the port and the mails
/// as they arrive.
pub fn receiver() -> (u16, mpsc::Receiver<Mail>) {
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let port = listener.local_addr().unwrap().port();
    let (tx, rx) = mpsc::channel();
    std::thread::spawn(move || {
        for stream in listener.incoming() {
            let Ok(stream) = stream else { return };
            let tx = tx.clone();
            std::thread::spawn(move || {
                let _ = session(stream, &tx);
            });
        }
    });
    (port, rx)
}

fn session(stream: std::net::TcpStream, tx: &mpsc::Sender<Mail>) -> std::io::Result<()> {
    let mut out = stream.try_clone()?;
    let mut lines = BufReader::new(stream);
    let mut reply = |text: &str| out.write_all(format!("{text}\r\n").as_bytes());
    reply("220 localhost test SMTP")?;
    let mut mail = Mail::default();
    let mut line = String::new();
    loop {
        line.clear();
        if lines.read_line(&mut line)? == 0 {
            return Ok(());
        }
        let command = line.trim_end().to_owned();
        let verb = command
            .split([' ', ':'])
            .next()
            .unwrap_or_default()
            .to_ascii_uppercase();
        let address = || {
            let start = command.find('<').map_or(0, |i| i + 1);
            let end = command.rfind('>').unwrap_or(command.len());
            command[start..end].to_owned()
        };
        match verb.as_str() {
            "EHLO" | "HELO" => reply("250 localhost")?,
            "MAIL" => {
                mail = Mail {
                    from: address(),
                    ..Mail::default()
                };
                reply("250 OK")?;
            }
            "RCPT" if address().starts_with("reject") => reply("550 no such user")?,
            "RCPT" => {
                mail.to.push(address());
                reply("250 OK")?;
            }
            "DATA" => {
                reply("354 end with <CRLF>.<CRLF>")?;
                loop {
                    line.clear();
                    if lines.read_line(&mut line)? == 0 {
                        return Ok(());
                    }
                    if line == ".\r\n" {
                        break;
                    }
                    let unstuffed = line.strip_prefix('.').unwrap_or(&line);
                    mail.data.push_str(unstuffed);
                }
                let _ = tx.send(std::mem::take(&mut mail));
                reply("250 OK queued")?;
            }
            "RSET" | "NOOP" => reply("250 OK")?,
            "QUIT" => {
                reply("221 bye")?;
                return Ok(());
            }
            _ => reply("502 not implemented")?,
        }
    }
}
