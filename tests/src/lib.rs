//! End-to-end test support: a real `sluice serve` and a real headless Chromium, both on
//! loopback, both torn down when the test ends.
//!
//! - [`Server`] runs the binary named by `SLUICE_BIN` (default `target/debug/sluice`, which
//!   `cargo xtask test` builds with the browser app embedded) on a free port, with a
//!   temporary data directory.
//! - [`Browser`] runs chromedriver (`CHROMEDRIVER`, default `chromedriver`) and drives
//!   Chromium (`CHROME_BIN`, default `/usr/bin/chromium`) with a fresh profile and its own
//!   download directory. Nothing is downloaded: both come from Debian.
//!
//! Missing tools fail the test with a message saying what to install; a browser test that
//! silently skips would prove nothing.

use std::io::{Read, Write};
use std::net::{TcpListener, TcpStream};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use anyhow::{Context, Result, bail};
use thirtyfour::prelude::*;

/// The first admin's password on every test server (`SLUICE_ADMIN_PASSWORD`).
pub const ADMIN_PASSWORD: &str = "e2e-admin-password";

/// How long any wait in these tests may take before it fails.
pub const TIMEOUT: Duration = Duration::from_secs(20);

pub fn workspace() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .expect("tests/ lives in the workspace")
        .to_path_buf()
}

/// The combined Oozie schema that every export must pass (`../shared` beside the repo).
pub fn oozie_schema() -> PathBuf {
    std::env::var_os("SLUICE_OOZIE_XSD").map_or_else(
        || workspace().join("../shared/oozie/xsd/all-oozie.xsd"),
        PathBuf::from,
    )
}

/// Runs `xmllint --noout --nonet --schema all-oozie.xsd FILE`; Err carries its complaint.
pub fn xmllint(file: &Path) -> Result<()> {
    let schema = oozie_schema();
    if !schema.is_file() {
        bail!(
            "Oozie schemas not found at {} (set SLUICE_OOZIE_XSD)",
            schema.display()
        );
    }
    let out = Command::new("xmllint")
        .args(["--noout", "--nonet", "--schema"])
        .arg(&schema)
        .arg(file)
        .output()
        .context("xmllint must be installed (Debian: libxml2-utils)")?;
    if !out.status.success() {
        bail!("{}", String::from_utf8_lossy(&out.stderr));
    }
    Ok(())
}

fn free_port() -> u16 {
    TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .map(|a| a.port())
        .expect("a free loopback port")
}

/// A minimal HTTP/1.0 GET on loopback, for readiness probes: (status, body).
pub fn http_get(port: u16, path: &str) -> Option<(u16, String)> {
    http_get_with(port, path, "")
}

/// Like [`http_get`], with extra header lines (each ending in `\r\n`).
pub fn http_get_with(port: u16, path: &str, headers: &str) -> Option<(u16, String)> {
    http_request(port, "GET", path, headers, "")
}

/// One request with extra header lines and a JSON body (when not empty): (status, body).
pub fn http_request(
    port: u16,
    method: &str,
    path: &str,
    headers: &str,
    body: &str,
) -> Option<(u16, String)> {
    http_send(port, method, path, headers, "application/json", body)
}

/// One request with a body of the given content type: (status, body).
pub fn http_send(
    port: u16,
    method: &str,
    path: &str,
    headers: &str,
    content_type: &str,
    body: &str,
) -> Option<(u16, String)> {
    let mut stream = TcpStream::connect(("127.0.0.1", port)).ok()?;
    stream.set_read_timeout(Some(Duration::from_secs(5))).ok()?;
    write!(
        stream,
        "{method} {path} HTTP/1.1\r\nHost: 127.0.0.1\r\n{headers}Content-Type: {content_type}\r\n\
         Content-Length: {}\r\nConnection: close\r\n\r\n{body}",
        body.len()
    )
    .ok()?;
    let mut reply = String::new();
    // A server that keeps the connection open anyway ends in a read timeout: keep what came.
    let _ = stream.read_to_string(&mut reply);
    let status = reply.split_whitespace().nth(1)?.parse().ok()?;
    let body = reply.split_once("\r\n\r\n").map(|(_, b)| b.to_owned())?;
    Some((status, body))
}

fn wait_until(what: &str, mut ready: impl FnMut() -> bool) -> Result<()> {
    let start = Instant::now();
    while start.elapsed() < TIMEOUT {
        if ready() {
            return Ok(());
        }
        std::thread::sleep(Duration::from_millis(50));
    }
    bail!("timed out after {TIMEOUT:?} waiting for {what}")
}

/// A killed-on-drop child process.
struct Guard(Child);

impl Drop for Guard {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

pub struct Server {
    pub port: u16,
    pub data_dir: tempfile::TempDir,
    bin: PathBuf,
    _child: Guard,
}

impl Server {
    pub fn start() -> Result<Self> {
        let bin = std::env::var_os("SLUICE_BIN")
            .map_or_else(|| workspace().join("target/debug/sluice"), PathBuf::from);
        if !bin.is_file() {
            bail!(
                "no sluice binary at {} (run the suite with `cargo xtask test`, or set SLUICE_BIN)",
                bin.display()
            );
        }
        let data_dir = tempfile::tempdir()?;
        let port = free_port();
        let child = Command::new(&bin)
            .args([
                "serve",
                "--listen",
                &format!("127.0.0.1:{port}"),
                "--data-dir",
            ])
            .arg(data_dir.path())
            .env("RUST_LOG", "warn")
            .env("SLUICE_ADMIN_PASSWORD", ADMIN_PASSWORD)
            .stdout(Stdio::null())
            .spawn()
            .with_context(|| format!("cannot start {}", bin.display()))?;
        let child = Guard(child);
        wait_until("sluice to answer", || {
            http_get(port, "/readyz").is_some_and(|(s, _)| s == 200)
        })?;
        let (_, index) = http_get(port, "/").context("GET /")?;
        if !index.contains("type=\"module\"") {
            bail!(
                "this sluice was built without its browser app: build it with `cargo xtask test`"
            );
        }
        Ok(Server {
            port,
            data_dir,
            bin,
            _child: child,
        })
    }

    /// An `Authorization` header line with a new admin token, made by `sluice token add`
    /// as an operator on the host would.
    pub fn admin_auth(&self) -> Result<String> {
        let token = self.sluice(
            &["token", "add", "admin", "--name", "e2e", "--role", "admin"],
            "",
        )?;
        Ok(format!("Authorization: Bearer {}\r\n", token.trim()))
    }

    /// Imports an Oozie app's XML through the API, signed in by `auth`.
    pub fn import(&self, auth: &str, xml: &str) -> Result<()> {
        let (status, reply) = http_send(
            self.port,
            "POST",
            "/api/v1/import",
            auth,
            "application/xml",
            xml,
        )
        .context("POST /api/v1/import")?;
        if status != 200 {
            bail!("import: {status}: {reply}");
        }
        Ok(())
    }

    /// The `sluice` binary this server runs, for commands that need no server.
    pub fn bin(&self) -> &Path {
        &self.bin
    }

    pub fn url(&self, path: &str) -> String {
        format!("http://127.0.0.1:{}{path}", self.port)
    }

    /// Runs `sluice ARGS --data-dir <this server's>` with `stdin` as its input, as an
    /// operator on the server's host does; its standard output.
    pub fn sluice(&self, args: &[&str], stdin: &str) -> Result<String> {
        let mut child = Command::new(&self.bin)
            .args(args)
            .arg("--data-dir")
            .arg(self.data_dir.path())
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .spawn()?;
        child
            .stdin
            .take()
            .context("stdin")?
            .write_all(stdin.as_bytes())?;
        let out = child.wait_with_output()?;
        if !out.status.success() {
            bail!("sluice {args:?}: {out:?}");
        }
        Ok(String::from_utf8(out.stdout)?)
    }
}

pub struct Browser {
    pub driver: WebDriver,
    pub downloads: tempfile::TempDir,
    _profile: tempfile::TempDir,
    _chromedriver: Guard,
}

impl Browser {
    pub async fn start() -> Result<Self> {
        // thirtyfour's HTTP client is the workspace's reqwest, which the server builds with
        // rustls but no crypto provider of its own: one must be in place before a client
        // is built (ring, as the server uses).
        let _ = rustls::crypto::ring::default_provider().install_default();
        let chromedriver = std::env::var("CHROMEDRIVER").unwrap_or_else(|_| "chromedriver".into());
        let chrome = std::env::var("CHROME_BIN").unwrap_or_else(|_| "/usr/bin/chromium".into());
        let port = free_port();
        let child = Command::new(&chromedriver)
            .arg(format!("--port={port}"))
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .with_context(|| {
                format!("cannot start {chromedriver} (Debian: apt-get install chromium-driver)")
            })?;
        let child = Guard(child);
        wait_until("chromedriver", || {
            http_get(port, "/status").is_some_and(|(s, _)| s == 200)
        })?;

        let profile = tempfile::tempdir()?;
        let downloads = tempfile::tempdir()?;
        let mut caps = DesiredCapabilities::chrome();
        caps.set_binary(&chrome)?;
        for arg in [
            "--headless=new",
            "--no-sandbox",
            "--disable-gpu",
            "--disable-quic",
            "--no-first-run",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
            "--disable-dev-shm-usage",
            "--window-size=1400,900",
        ] {
            caps.add_arg(arg)?;
        }
        caps.add_arg(&format!("--user-data-dir={}", profile.path().display()))?;
        caps.add_experimental_option(
            "prefs",
            serde_json::json!({
                "download.default_directory": downloads.path(),
                "download.prompt_for_download": false,
                "download.directory_upgrade": true,
            }),
        )?;
        let driver = WebDriver::new(format!("http://127.0.0.1:{port}"), caps)
            .await
            .context("cannot start a Chromium session")?;
        Ok(Browser {
            driver,
            downloads,
            _profile: profile,
            _chromedriver: child,
        })
    }

    /// A browser signed in to `server` as its admin, on the workflow list.
    pub async fn signed_in(server: &Server) -> Result<Self> {
        let browser = Self::start().await?;
        browser.login(server, "admin", ADMIN_PASSWORD).await?;
        Ok(browser)
    }

    /// Opens the app and logs in through its form, as a person does.
    pub async fn login(&self, server: &Server, name: &str, password: &str) -> Result<()> {
        self.driver.goto(server.url("/")).await?;
        self.fill("login-name", name).await?;
        self.fill("login-password", password).await?;
        self.get("login-submit").await?.click().await?;
        self.get("user-name").await?;
        Ok(())
    }

    /// Creates a workflow from the list page and waits for its editor.
    pub async fn create_workflow(&self, server: &Server, name: &str) -> Result<()> {
        self.driver.goto(server.url("/")).await?;
        self.fill("new-workflow-name", name).await?;
        self.get("create-workflow").await?.click().await?;
        self.get("canvas").await?;
        let title = self.get("workflow-title").await?.text().await?;
        anyhow::ensure!(title == name, "editor shows '{title}', expected '{name}'");
        Ok(())
    }

    /// Waits until the editor's status line starts with `expected`.
    pub async fn status_is(&self, expected: &str) -> Result<()> {
        self.wait_for(&format!("status '{expected}'"), || async {
            Ok(self
                .get("save-status")
                .await?
                .text()
                .await?
                .starts_with(expected))
        })
        .await
    }

    /// The element with this `data-testid`, waiting for it to appear.
    pub async fn get(&self, testid: &str) -> Result<WebElement> {
        self.driver
            .query(By::Css(format!("[data-testid='{testid}']")))
            .wait(TIMEOUT, Duration::from_millis(50))
            .first()
            .await
            .with_context(|| format!("no element with data-testid '{testid}'"))
    }

    /// Whether an element with this `data-testid` exists right now.
    pub async fn exists(&self, testid: &str) -> Result<bool> {
        Ok(!self
            .driver
            .find_all(By::Css(format!("[data-testid='{testid}']")))
            .await?
            .is_empty())
    }

    /// Waits until `check` holds, polling; fails with `what` after the timeout.
    pub async fn wait_for<F, Fut>(&self, what: &str, mut check: F) -> Result<()>
    where
        F: FnMut() -> Fut,
        Fut: std::future::Future<Output = Result<bool>>,
    {
        let start = Instant::now();
        loop {
            if check().await.unwrap_or(false) {
                return Ok(());
            }
            if start.elapsed() > TIMEOUT {
                bail!("timed out waiting for {what}");
            }
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
    }

    /// Waits until the element with this `data-testid` shows `expected` (read afresh each
    /// time: live pages replace their elements as updates arrive).
    pub async fn text_is(&self, testid: &str, expected: &str) -> Result<()> {
        self.text_matches(testid, &format!("read '{expected}'"), |t| {
            t.trim() == expected
        })
        .await
    }

    /// Waits until the element with this `data-testid` shows a text containing `part`.
    pub async fn text_has(&self, testid: &str, part: &str) -> Result<()> {
        self.text_matches(testid, &format!("contain '{part}'"), |t| t.contains(part))
            .await
    }

    /// Waits until the text of the element with this `data-testid` passes `check`
    /// (`what` says what is awaited, for the timeout's message).
    pub async fn text_matches(
        &self,
        testid: &str,
        what: &str,
        check: impl Fn(&str) -> bool,
    ) -> Result<()> {
        let start = Instant::now();
        loop {
            let text = match self.get(testid).await {
                Ok(el) => el.text().await.unwrap_or_default(),
                Err(_) => String::new(),
            };
            if check(&text) {
                return Ok(());
            }
            if start.elapsed() > TIMEOUT {
                bail!("timed out waiting for '{testid}' to {what}; it reads '{text}'");
            }
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
    }

    /// Waits until the element with this `data-testid` has `attribute` = `expected` (read
    /// afresh each time, as [`Browser::text_is`]).
    pub async fn attr_is(&self, testid: &str, attribute: &str, expected: &str) -> Result<()> {
        let start = Instant::now();
        loop {
            let value = match self.get(testid).await {
                Ok(el) => el.attr(attribute).await.ok().flatten().unwrap_or_default(),
                Err(_) => String::new(),
            };
            if value == expected {
                return Ok(());
            }
            if start.elapsed() > TIMEOUT {
                bail!("timed out waiting for '{testid}' {attribute}='{expected}'; it is '{value}'");
            }
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
    }

    /// Clicks the element with this `data-testid`.
    pub async fn click(&self, testid: &str) -> Result<()> {
        self.get(testid).await?.click().await?;
        Ok(())
    }

    /// The center of an element, in viewport pixels.
    pub async fn center(&self, el: &WebElement) -> Result<(i64, i64)> {
        Ok(el.rect().await?.icenter())
    }

    /// Presses on `from`, drags in steps to the viewport point `to`, and releases: real
    /// pointer events, as a user's mouse makes them.
    pub async fn drag_to(&self, from: &WebElement, to: (i64, i64)) -> Result<()> {
        let start = self.center(from).await?;
        let mid = ((start.0 + to.0) / 2, (start.1 + to.1) / 2);
        self.driver
            .action_chain()
            .move_to(start.0, start.1)
            .click_and_hold()
            .move_to(start.0 + 5, start.1 + 5)
            .move_to(mid.0, mid.1)
            .move_to(to.0, to.1)
            .release()
            .perform()
            .await?;
        Ok(())
    }

    /// Presses a key chord on the page (modifiers held around `key`), as a user does.
    pub async fn chord(&self, modifiers: &[Key], key: &str) -> Result<()> {
        let mut chain = self.driver.action_chain();
        for m in modifiers {
            chain = chain.key_down(m.clone());
        }
        chain = chain.send_keys(key);
        for m in modifiers.iter().rev() {
            chain = chain.key_up(m.clone());
        }
        chain.perform().await?;
        Ok(())
    }

    /// Clicks an element with a modifier held (Shift-click, Ctrl-click).
    pub async fn click_with(&self, modifier: Key, testid: &str) -> Result<()> {
        let el = self.get(testid).await?;
        self.driver
            .action_chain()
            .key_down(modifier.clone())
            .click_element(&el)
            .key_up(modifier)
            .perform()
            .await?;
        Ok(())
    }

    /// The canvas-coordinate position of a node (its SVG translate).
    pub async fn node_at(&self, node: &str) -> Result<(f64, f64)> {
        let t = self
            .get(&format!("node-{node}"))
            .await?
            .attr("transform")
            .await?
            .context("a node has a transform")?;
        let inner = t
            .trim_start_matches("translate(")
            .trim_end_matches(')')
            .to_owned();
        let (x, y) = inner.split_once(',').context("translate(x,y)")?;
        Ok((x.trim().parse()?, y.trim().parse()?))
    }

    /// Drags a palette item onto the canvas at (x, y) relative to the canvas' top-left.
    pub async fn drop_from_palette(&self, node_type: &str, x: i64, y: i64) -> Result<()> {
        let item = self.get(&format!("palette-{node_type}")).await?;
        let canvas = self.get("canvas").await?.rect().await?;
        self.drag_to(&item, (canvas.x as i64 + x, canvas.y as i64 + y))
            .await
    }

    /// Drags from one node's output port to another node's input port.
    pub async fn connect(&self, from: &str, kind: &str, to: &str) -> Result<()> {
        let port = self.get(&format!("port-{kind}-{from}")).await?;
        let target = self.get(&format!("port-in-{to}")).await?;
        let target = self.center(&target).await?;
        self.drag_to(&port, target).await
    }

    /// Where an edge's curve is at half its length, in viewport pixels (through the
    /// canvas's pan and zoom): where a user would aim at it.
    pub async fn edge_middle(&self, testid: &str) -> Result<(i64, i64)> {
        self.get(testid).await?;
        let point = self
            .driver
            .execute(
                "const path = document.querySelector(`[data-testid='${arguments[0]}'] path.edge-hit`);
                 const p = path.getPointAtLength(path.getTotalLength() / 2);
                 const m = path.getScreenCTM();
                 return [Math.round(m.a * p.x + m.c * p.y + m.e), Math.round(m.b * p.x + m.d * p.y + m.f)];",
                vec![serde_json::json!(testid)],
            )
            .await?;
        Ok(serde_json::from_value(point.json().clone())?)
    }

    /// Clicks on an edge's curve at half its length, where a user would click it (the center
    /// of a curve's bounding box is usually not on the curve).
    pub async fn click_edge(&self, testid: &str) -> Result<()> {
        let (x, y) = self.edge_middle(testid).await?;
        self.driver
            .action_chain()
            .move_to(x, y)
            .click()
            .perform()
            .await?;
        Ok(())
    }

    /// Chooses the option with `value` in the `<select>` with `testid`.
    pub async fn select(&self, testid: &str, value: &str) -> Result<()> {
        thirtyfour::components::SelectElement::new(&self.get(testid).await?)
            .await?
            .select_by_value(value)
            .await?;
        Ok(())
    }

    /// Replaces an input's text by selecting all and typing, as a user does. (WebDriver's
    /// "clear" would commit an empty value first.)
    pub async fn fill(&self, testid: &str, text: &str) -> Result<()> {
        let input = self.get(testid).await?;
        input.click().await?;
        input.send_keys(Key::Control + "a").await?;
        if text.is_empty() {
            input.send_keys(Key::Delete).await?;
        } else {
            input.send_keys(text).await?;
        }
        Ok(())
    }

    pub async fn class_of(&self, testid: &str) -> Result<String> {
        Ok(self
            .get(testid)
            .await?
            .attr("class")
            .await?
            .unwrap_or_default())
    }

    /// Waits for a finished download with this file name and returns its path.
    pub async fn downloaded(&self, name: &str) -> Result<PathBuf> {
        let path = self.downloads.path().join(name);
        let start = Instant::now();
        while !path.is_file() {
            if start.elapsed() > TIMEOUT {
                let seen: Vec<_> = std::fs::read_dir(self.downloads.path())?
                    .filter_map(|e| e.ok().map(|e| e.file_name()))
                    .collect();
                bail!("no download named {name} (download directory holds {seen:?})");
            }
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
        Ok(path)
    }

    pub async fn quit(self) -> Result<()> {
        self.driver.quit().await?;
        Ok(())
    }
}
