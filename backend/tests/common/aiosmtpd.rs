//! aiosmtpd (from PyPI) as a real SMTP peer on loopback, requiring AUTH LOGIN/PLAIN with
//! one user, keeping each mail it accepts as a file. `cargo xtask test` installs it and
//! names its Python in `SLUICE_TEST_PYTHON`; without that the tests that need it skip,
//! unless `SLUICE_REQUIRE_PEERS` says they must not.

use std::io::{BufRead, BufReader, Write};
use std::path::{Path, PathBuf};
use std::process::{Child, ChildStdin, Command, Stdio};
use std::time::Duration;

const SERVER: &str = r#"
import logging, os, sys, warnings
logging.disable(logging.CRITICAL)
warnings.simplefilter("ignore")
from aiosmtpd.controller import Controller
from aiosmtpd.smtp import AuthResult, LoginPassword

port, out, user, password = int(sys.argv[1]), sys.argv[2], sys.argv[3], sys.argv[4]

class Keep:
    n = 0
    async def handle_DATA(self, server, session, envelope):
        Keep.n += 1
        path = os.path.join(out, "%04d.eml" % Keep.n)
        login = session.auth_data.login.decode() if session.auth_data else ""
        head = "X-Peer-Auth: %s\r\nX-Peer-Rcpt: %s\r\n" % (login, ",".join(envelope.rcpt_tos))
        with open(path + ".part", "wb") as f:
            f.write(head.encode() + envelope.original_content)
        os.rename(path + ".part", path)
        return "250 2.0.0 kept as %04d" % Keep.n

def check(server, session, envelope, mechanism, auth_data):
    ok = (isinstance(auth_data, LoginPassword) and auth_data.login == user.encode()
          and auth_data.password == password.encode())
    return AuthResult(success=ok, handled=False, auth_data=auth_data if ok else None)

smtp = Controller(Keep(), hostname="127.0.0.1", port=port, authenticator=check,
                  auth_required=True, auth_require_tls=False)
smtp.start()
print("READY", flush=True)
sys.stdin.read()
smtp.stop()
"#;

/// A running aiosmtpd; it stops when this is dropped (its stdin closes).
pub struct Peer {
    pub port: u16,
    dir: PathBuf,
    child: Child,
    _stdin: ChildStdin,
}

impl Drop for Peer {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// Starts aiosmtpd accepting `user`/`password`, keeping mails in `dir`; `None` (after
/// saying why) when no Python with aiosmtpd was named and none is required.
pub fn start(dir: &Path, user: &str, password: &str) -> Option<Peer> {
    let Ok(python) = std::env::var("SLUICE_TEST_PYTHON") else {
        assert!(
            std::env::var_os("SLUICE_REQUIRE_PEERS").is_none(),
            "SLUICE_TEST_PYTHON must name a Python with aiosmtpd"
        );
        eprintln!(
            "skipped: set SLUICE_TEST_PYTHON to a Python with aiosmtpd (cargo xtask test does)"
        );
        return None;
    };
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let mut child = Command::new(python)
        .args(["-c", SERVER, &port.to_string()])
        .arg(dir)
        .args([user, password])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .spawn()
        .expect("SLUICE_TEST_PYTHON runs");
    let mut stdin = child.stdin.take().unwrap();
    let mut ready = String::new();
    BufReader::new(child.stdout.take().unwrap())
        .read_line(&mut ready)
        .unwrap();
    assert_eq!(ready.trim(), "READY", "aiosmtpd did not start");
    stdin.flush().unwrap();
    Some(Peer {
        port,
        dir: dir.to_owned(),
        child,
        _stdin: stdin,
    })
}

impl Peer {
    /// The mails kept so far, oldest first.
    pub fn mails(&self) -> Vec<String> {
        let mut files: Vec<PathBuf> = std::fs::read_dir(&self.dir)
            .unwrap()
            .filter_map(|e| e.ok().map(|e| e.path()))
            .filter(|p| p.extension().is_some_and(|x| x == "eml"))
            .collect();
        files.sort();
        files
            .iter()
            .map(|p| std::fs::read_to_string(p).unwrap())
            .collect()
    }

    /// Waits (up to 20 s) for `n` mails.
    pub async fn wait_for(&self, n: usize) -> Vec<String> {
        for _ in 0..400 {
            let mails = self.mails();
            if mails.len() >= n {
                return mails;
            }
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
        panic!("aiosmtpd got {} mails, not {n}", self.mails().len());
    }
}
