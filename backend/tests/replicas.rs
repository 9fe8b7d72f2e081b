//! The real `sluice serve` killed with SIGKILL: on SQLite a restart finds the interrupted
//! try and retries it, loses and duplicates nothing; on PostgreSQL a second replica takes
//! the dead one's work over within 30 s.

use std::io::{BufRead, BufReader, Write};
use std::path::Path;
use std::process::{Child, Command, Output, Stdio};
use std::time::{Duration, Instant};

use serde_json::Value;

/// A workflow whose first action records each try and takes a while (one retry allowed),
/// and whose second records that it ran.
fn workflow(dir: &Path) -> std::path::PathBuf {
    let xml = dir.join("slow.xml");
    std::fs::write(
        &xml,
        format!(
            r#"<workflow-app name="slow" xmlns="uri:oozie:workflow:1.0">
  <global><resource-manager>rm</resource-manager><name-node>nn</name-node></global>
  <start to="a"/>
  <action name="a" retry-max="1" retry-interval="0"><shell xmlns="uri:oozie:shell-action:1.0"><exec>sh</exec><argument>-c</argument><argument>echo try >> {tries}; sleep 3</argument></shell><ok to="b"/><error to="k"/></action>
  <action name="b"><shell xmlns="uri:oozie:shell-action:1.0"><exec>sh</exec><argument>-c</argument><argument>echo b >> {done}</argument></shell><ok to="end"/><error to="k"/></action>
  <kill name="k"><message>failed</message></kill>
  <end name="end"/>
</workflow-app>"#,
            tries = dir.join("tries").display(),
            done = dir.join("done").display()
        ),
    )
    .unwrap();
    xml
}

struct Serve {
    child: Child,
    url: String,
}

/// `sluice serve` with these extra arguments and environment; its address from its log.
fn serve(data: &Path, env: &[(&str, &str)]) -> Serve {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_sluice"));
    cmd.args(["serve", "--listen", "127.0.0.1:0", "--data-dir"])
        .arg(data)
        .env("SLUICE_ADMIN_PASSWORD", "a long enough password")
        .env("RUST_LOG", "info")
        .env_remove("SLUICE_DATABASE_URL")
        .stdout(Stdio::piped())
        .stderr(Stdio::null());
    for (k, v) in env {
        cmd.env(k, v);
    }
    let mut child = cmd.spawn().unwrap();
    let mut logs = BufReader::new(child.stdout.take().unwrap());
    let mut url = None;
    for _ in 0..20 {
        let mut line = String::new();
        logs.read_line(&mut line).unwrap();
        if let Some(at) = line.find("http://") {
            url = line[at..]
                .split(|c: char| c.is_whitespace() || c == '\u{1b}')
                .next()
                .map(str::to_owned);
            break;
        }
    }
    std::thread::spawn(move || std::io::copy(&mut logs, &mut std::io::sink()));
    Serve {
        child,
        url: url.expect("the server logs its address"),
    }
}

impl Drop for Serve {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// `sluice ARGS` with these variables (the database, the server, a token).
fn sluice(args: &[&str], env: &[(&str, &str)], stdin: Option<&str>) -> Output {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_sluice"));
    cmd.args(args)
        .env_remove("SLUICE_DATABASE_URL")
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped());
    for (k, v) in env {
        cmd.env(k, v);
    }
    let mut child = cmd.spawn().unwrap();
    if let Some(text) = stdin {
        child
            .stdin
            .take()
            .unwrap()
            .write_all(text.as_bytes())
            .unwrap();
    }
    drop(child.stdin.take());
    child.wait_with_output().unwrap()
}

/// An operator's API token, made in the database.
fn token(db: &[(&str, &str)]) -> String {
    let add = sluice(
        &[
            "user",
            "add",
            "ops",
            "--role",
            "operator",
            "--password-stdin",
        ],
        db,
        Some("a long enough password\n"),
    );
    assert!(add.status.success(), "{add:?}");
    let t = sluice(
        &["token", "add", "ops", "--name", "t", "--role", "operator"],
        db,
        None,
    );
    assert!(t.status.success(), "{t:?}");
    String::from_utf8(t.stdout).unwrap().trim().to_owned()
}

fn show(url: &str, token: &str, id: &str) -> Value {
    let o = sluice(
        &["instance", "show", id, "--json"],
        &[("SLUICE_SERVER", url), ("SLUICE_TOKEN", token)],
        None,
    );
    serde_json::from_slice(&o.stdout).unwrap_or(Value::Null)
}

fn node<'a>(d: &'a Value, name: &str) -> &'a Value {
    d["nodes"]
        .as_array()
        .and_then(|n| n.iter().find(|n| n["name"] == name))
        .unwrap_or(&Value::Null)
}

/// Waits (up to `limit`) until `done` holds for the instance as `url` shows it.
fn wait(url: &str, token: &str, id: &str, limit: Duration, done: impl Fn(&Value) -> bool) -> Value {
    let until = Instant::now() + limit;
    loop {
        let d = show(url, token, id);
        if done(&d) {
            return d;
        }
        assert!(Instant::now() < until, "gave up waiting: {d:#}");
        std::thread::sleep(Duration::from_millis(200));
    }
}

/// Puts the workflow and runs it on `url`; its instance id once its first action runs.
fn run_slow(url: &str, token: &str, dir: &Path) -> String {
    let env = [("SLUICE_SERVER", url), ("SLUICE_TOKEN", token)];
    let xml = workflow(dir);
    let put = sluice(&["workflow", "put", xml.to_str().unwrap()], &env, None);
    assert!(put.status.success(), "{put:?}");
    let run = sluice(&["workflow", "run", "slow"], &env, None);
    assert!(run.status.success(), "{run:?}");
    let id = String::from_utf8(run.stdout).unwrap().trim().to_owned();
    wait(url, token, &id, Duration::from_secs(20), |d| {
        node(d, "a")["status"] == "RUNNING"
    });
    id
}

fn lines(path: &Path) -> usize {
    std::fs::read_to_string(path).map_or(0, |t| t.lines().count())
}

#[test]
fn a_server_killed_with_sigkill_goes_on_after_a_restart() {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("data");
    let db = [("SLUICE_DATA_DIR", data.to_str().unwrap())];
    let first = serve(&data, &[]);
    let token = token(&db);
    let id = run_slow(&first.url, &token, dir.path());
    drop(first); // SIGKILL, mid-try

    let second = serve(&data, &[]);
    let d = wait(&second.url, &token, &id, Duration::from_secs(30), |d| {
        d["status"] == "SUCCEEDED"
    });
    assert_eq!(
        node(&d, "a")["attempts"],
        2,
        "the interrupted try counts: {d:#}"
    );
    assert_eq!(
        lines(&dir.path().join("tries")),
        2,
        "a ran twice: once cut short"
    );
    assert_eq!(lines(&dir.path().join("done")), 1, "b ran once");
}

#[test]
fn a_replica_takes_over_a_dead_ones_work_on_postgres() {
    let Ok(url) = std::env::var("SLUICE_TEST_DATABASE_URL") else {
        assert!(
            std::env::var("SLUICE_REQUIRE_POSTGRES").is_err(),
            "SLUICE_REQUIRE_POSTGRES is set but SLUICE_TEST_DATABASE_URL is not"
        );
        eprintln!("skipped: no SLUICE_TEST_DATABASE_URL");
        return;
    };
    let schema = format!(
        "replicas_{}_{}",
        std::process::id(),
        std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .unwrap()
            .as_micros()
    );
    tokio::runtime::Runtime::new().unwrap().block_on(async {
        backend::store::PgStore::connect_in_schema(&url, &schema)
            .await
            .unwrap();
    });
    let sep = if url.contains('?') { '&' } else { '?' };
    let shared = format!("{url}{sep}options=-c%20search_path%3D{schema}");
    let dir = tempfile::tempdir().unwrap();
    let db = [("SLUICE_DATABASE_URL", shared.as_str())];
    let a = serve(
        &dir.path().join("a"),
        &[("SLUICE_DATABASE_URL", &shared), ("SLUICE_SERVER_ID", "a")],
    );
    let b = serve(
        &dir.path().join("b"),
        &[("SLUICE_DATABASE_URL", &shared), ("SLUICE_SERVER_ID", "b")],
    );
    let token = token(&db);
    let id = run_slow(&a.url, &token, dir.path());
    // While a lives, b leaves its instance alone and says whose it is.
    let refused = sluice(
        &["instance", "suspend", &id],
        &[
            ("SLUICE_SERVER", b.url.as_str()),
            ("SLUICE_TOKEN", token.as_str()),
        ],
        None,
    );
    assert_eq!(refused.status.code(), Some(1), "{refused:?}");
    assert!(String::from_utf8_lossy(&refused.stderr).contains("another server"));

    let killed = Instant::now();
    drop(a); // SIGKILL, mid-try
    let d = wait(&b.url, &token, &id, Duration::from_secs(40), |d| {
        node(d, "a")["attempts"] == 2
    });
    let took = killed.elapsed();
    assert!(
        took < Duration::from_secs(30),
        "took {took:?} to take over: {d:#}"
    );
    wait(&b.url, &token, &id, Duration::from_secs(20), |d| {
        d["status"] == "SUCCEEDED"
    });
    assert_eq!(
        lines(&dir.path().join("tries")),
        2,
        "a ran twice: once cut short"
    );
    assert_eq!(lines(&dir.path().join("done")), 1, "b ran once, on b");
    eprintln!("takeover after {} ms", took.as_millis());
}
