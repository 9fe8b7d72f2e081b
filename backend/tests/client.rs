//! `sluice workflow …` and `sluice import` as scripts use them: the real binary against a
//! real `sluice serve`, with an API token.

use std::io::{BufRead, BufReader};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Output, Stdio};

fn examples() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../shared/oozie/examples")
}

/// A running `sluice serve` on a fresh data directory; stopped when dropped.
struct Server {
    child: Child,
    url: String,
    data: tempfile::TempDir,
}

impl Server {
    fn start() -> Server {
        let data = tempfile::tempdir().unwrap();
        let mut child = Command::new(env!("CARGO_BIN_EXE_sluice"))
            .args(["serve", "--listen", "127.0.0.1:0", "--data-dir"])
            .arg(data.path())
            .env("SLUICE_ADMIN_PASSWORD", "a long enough password")
            .env("RUST_LOG", "info")
            .env_remove("SLUICE_DATABASE_URL")
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn()
            .unwrap();
        let mut logs = BufReader::new(child.stdout.take().unwrap());
        let mut first = String::new();
        logs.read_line(&mut first).unwrap();
        let at = first
            .find("http://")
            .unwrap_or_else(|| panic!("no address in {first:?}"));
        let url = first[at..]
            .split(|c: char| c.is_whitespace() || c == '\u{1b}')
            .next()
            .unwrap()
            .to_owned();
        // Drained, so the server never blocks on a full pipe.
        std::thread::spawn(move || std::io::copy(&mut logs, &mut std::io::sink()));
        Server { child, url, data }
    }

    /// `sluice ARGS` against the data directory (users and tokens).
    fn local(&self, args: &[&str]) -> Output {
        Command::new(env!("CARGO_BIN_EXE_sluice"))
            .args(args)
            .arg("--data-dir")
            .arg(self.data.path())
            .env_remove("SLUICE_DATABASE_URL")
            .output()
            .unwrap()
    }

    /// A token for a new user of `role`.
    fn token(&self, user: &str, role: &str) -> String {
        let mut add = Command::new(env!("CARGO_BIN_EXE_sluice"))
            .args([
                "user",
                "add",
                user,
                "--role",
                role,
                "--password-stdin",
                "--data-dir",
            ])
            .arg(self.data.path())
            .env_remove("SLUICE_DATABASE_URL")
            .stdin(Stdio::piped())
            .stdout(Stdio::null())
            .spawn()
            .unwrap();
        use std::io::Write;
        add.stdin
            .take()
            .unwrap()
            .write_all(b"a long enough password\n")
            .unwrap();
        assert!(add.wait().unwrap().success());
        let out = self.local(&["token", "add", user, "--name", "script", "--role", role]);
        assert!(out.status.success(), "{out:?}");
        String::from_utf8(out.stdout).unwrap().trim().to_owned()
    }

    /// `sluice ARGS` as a script with `token` would run it.
    fn client(&self, token: Option<&str>, args: &[&str]) -> Output {
        let mut cmd = Command::new(env!("CARGO_BIN_EXE_sluice"));
        cmd.args(args)
            .env("SLUICE_SERVER", &self.url)
            .env_remove("SLUICE_TOKEN");
        if let Some(token) = token {
            cmd.env("SLUICE_TOKEN", token);
        }
        cmd.output().unwrap()
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn out(o: &Output) -> String {
    String::from_utf8_lossy(&o.stdout).into_owned()
}

fn err(o: &Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned()
}

fn path(p: &Path) -> &str {
    p.to_str().unwrap()
}

#[test]
fn a_script_imports_lists_gets_puts_and_exports() {
    let server = Server::start();
    let editor = server.token("ci", "editor");
    let token = Some(editor.as_str());

    let dry = server.client(
        token,
        &["import", path(&examples().join("aggregator")), "--dry-run"],
    );
    assert_eq!(dry.status.code(), Some(0), "{dry:?}");
    assert!(
        out(&dry).contains("would create coordinator 'aggregator-coord'"),
        "{}",
        out(&dry)
    );

    let import = server.client(token, &["import", path(&examples().join("aggregator"))]);
    assert_eq!(import.status.code(), Some(0), "{import:?}");
    let report = out(&import);
    assert!(
        report.contains(
            "created workflow 'aggregator-wf' (id 1, version 1) from aggregator/workflow.xml"
        ),
        "{report}"
    );
    assert!(
        report.contains("job properties from aggregator/job.properties"),
        "{report}"
    );
    assert!(
        report.contains("3 definition(s) imported, 0 file(s) skipped"),
        "{report}"
    );

    let list = server.client(token, &["workflow", "list"]);
    assert_eq!(list.status.code(), Some(0), "{list:?}");
    let lines: Vec<String> = out(&list).lines().map(str::to_owned).collect();
    assert!(
        lines[0].contains("ID") && lines[0].contains("NAME"),
        "{lines:?}"
    );
    assert!(lines[1].contains("aggregator-wf"), "{lines:?}");

    let got = server.client(token, &["workflow", "get", "aggregator-wf"]);
    assert_eq!(got.status.code(), Some(0), "{got:?}");
    let mut definition: serde_json::Value = serde_json::from_slice(&got.stdout).unwrap();
    assert_eq!(definition["name"], "aggregator-wf");

    // Edited and put back: the next version, with the comment.
    definition["job_properties"] = serde_json::json!([{"name": "queueName", "value": "etl"}]);
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("wf.json");
    std::fs::write(&file, definition.to_string()).unwrap();
    let put = server.client(
        token,
        &["workflow", "put", path(&file), "--comment", "etl queue"],
    );
    assert_eq!(put.status.code(), Some(0), "{put:?}");
    assert_eq!(
        out(&put),
        "saved workflow 'aggregator-wf' (id 1): version 2\n"
    );

    // A workflow.xml of a new name is created.
    let put_xml = server.client(
        token,
        &[
            "workflow",
            "put",
            path(&examples().join("shell/workflow.xml")),
        ],
    );
    assert_eq!(put_xml.status.code(), Some(0), "{put_xml:?}");
    assert!(
        out(&put_xml).starts_with("created workflow 'shell-wf'"),
        "{}",
        out(&put_xml)
    );

    let zip = dir.path().join("app.zip");
    let export = server.client(
        token,
        &[
            "workflow",
            "export",
            "1",
            "--format",
            "zip",
            "-o",
            path(&zip),
        ],
    );
    assert_eq!(export.status.code(), Some(0), "{export:?}");
    assert!(std::fs::read(&zip).unwrap().starts_with(b"PK\x03\x04"));
    let props = server.client(
        token,
        &[
            "workflow",
            "export",
            "aggregator-wf",
            "--format",
            "properties",
        ],
    );
    assert_eq!(out(&props), "queueName=etl\n");
    let v1 = server.client(
        token,
        &[
            "workflow",
            "export",
            "aggregator-wf",
            "--format",
            "properties",
            "--version",
            "1",
        ],
    );
    assert!(out(&v1).contains("nameNode="), "{}", out(&v1));
}

#[test]
fn refusals_and_unusable_setups_have_their_own_exit_status() {
    let server = Server::start();
    let viewer = server.token("reader", "viewer");

    let missing = server.client(Some(&viewer), &["workflow", "get", "nope"]);
    assert_eq!(missing.status.code(), Some(1), "{missing:?}");
    assert!(
        err(&missing).contains("no workflow is named 'nope'"),
        "{}",
        err(&missing)
    );

    let forbidden = server.client(
        Some(&viewer),
        &[
            "workflow",
            "put",
            path(&examples().join("shell/workflow.xml")),
        ],
    );
    assert_eq!(forbidden.status.code(), Some(1), "{forbidden:?}");
    assert!(err(&forbidden).contains("403"), "{}", err(&forbidden));

    let no_token = server.client(None, &["workflow", "list"]);
    assert_eq!(no_token.status.code(), Some(2), "{no_token:?}");
    assert!(err(&no_token).contains("SLUICE_TOKEN"));

    let wrong_token = server.client(Some("sluice_00"), &["workflow", "list"]);
    assert_eq!(wrong_token.status.code(), Some(2), "{wrong_token:?}");

    let not_a_file = server.client(Some(&viewer), &["import", "/nonexistent/app"]);
    assert_eq!(not_a_file.status.code(), Some(2), "{not_a_file:?}");

    let url = server.url.clone();
    drop(server);
    let down = Command::new(env!("CARGO_BIN_EXE_sluice"))
        .args(["workflow", "list"])
        .env("SLUICE_SERVER", &url)
        .env("SLUICE_TOKEN", &viewer)
        .output()
        .unwrap();
    assert_eq!(down.status.code(), Some(2), "{down:?}");
    assert!(
        err(&down).contains("cannot reach the server"),
        "{}",
        err(&down)
    );
}

/// The whole loop from a script: store a workflow, run it to its end, read it and its log,
/// rerun what failed after a fix, and the exit statuses a script branches on.
#[test]
fn a_script_runs_a_workflow_watches_it_and_reruns_what_failed() {
    let server = Server::start();
    let token = server.token("ops", "operator");
    let dir = tempfile::tempdir().unwrap();
    let flag = dir.path().join("fixed");
    let xml = dir.path().join("nightly.xml");
    std::fs::write(
        &xml,
        format!(
            r#"<workflow-app name="nightly" xmlns="uri:oozie:workflow:1.0">
  <global><resource-manager>rm</resource-manager><name-node>nn</name-node></global>
  <start to="extract"/>
  <action name="extract"><shell xmlns="uri:oozie:shell-action:1.0"><exec>echo</exec><argument>rows for ${{day}}</argument></shell><ok to="load"/><error to="fail"/></action>
  <action name="load"><shell xmlns="uri:oozie:shell-action:1.0"><exec>test</exec><argument>-e</argument><argument>{}</argument></shell><ok to="end"/><error to="fail"/></action>
  <kill name="fail"><message>${{wf:lastErrorNode()}} failed</message></kill>
  <end name="end"/>
</workflow-app>"#,
            flag.display()
        ),
    )
    .unwrap();
    let put = server.client(Some(&token), &["workflow", "put", path(&xml)]);
    assert!(put.status.success(), "{}", err(&put));

    let run = server.client(
        Some(&token),
        &[
            "workflow",
            "run",
            "nightly",
            "--param",
            "day=2026-11-21",
            "--wait",
        ],
    );
    assert_eq!(run.status.code(), Some(1), "it fails: {}", err(&run));
    let id = out(&run)
        .lines()
        .next()
        .unwrap_or_else(|| panic!("no id: {}", err(&run)))
        .trim()
        .to_owned();
    assert!(out(&run).contains("KILLED"), "{}", out(&run));
    assert!(
        err(&run).contains(&format!("instance {id} ended KILLED")),
        "{}",
        err(&run)
    );

    let log = server.client(Some(&token), &["instance", "log", &id, "extract"]);
    assert_eq!(out(&log), "rows for 2026-11-21\n", "{}", err(&log));

    let dry = server.client(
        Some(&token),
        &["instance", "rerun", &id, "--failed", "--dry-run"],
    );
    assert!(dry.status.success(), "{}", err(&dry));
    assert!(out(&dry).contains("would start run 1"), "{}", out(&dry));
    assert!(out(&dry).contains("kept:  extract"), "{}", out(&dry));

    std::fs::write(&flag, "").unwrap();
    let rerun = server.client(Some(&token), &["instance", "rerun", &id, "--failed"]);
    assert!(rerun.status.success(), "{}", err(&rerun));
    let show = server.client(Some(&token), &["instance", "show", &id, "--wait"]);
    assert!(show.status.success(), "{}{}", out(&show), err(&show));
    assert!(out(&show).contains("SUCCEEDED, run 1"), "{}", out(&show));
    assert!(out(&show).contains("replay"), "{}", out(&show));

    let refused = server.client(Some(&token), &["instance", "suspend", &id]);
    assert_eq!(refused.status.code(), Some(1));
    assert!(
        err(&refused).contains("only a RUNNING one"),
        "{}",
        err(&refused)
    );

    let list = server.client(Some(&token), &["instance", "list", "--workflow", "nightly"]);
    assert!(list.status.success(), "{}", err(&list));
    assert!(out(&list).contains("SUCCEEDED"), "{}", out(&list));
    assert_eq!(out(&list).lines().count(), 2, "a header and one instance");

    let viewer = server.token("vera", "viewer");
    let run = server.client(Some(&viewer), &["workflow", "run", "nightly"]);
    assert_eq!(
        run.status.code(),
        Some(1),
        "a viewer may not run: {}",
        err(&run)
    );
}

/// Coordinators from a script: import one, run a job, watch its actions, rerun one by
/// date after a dry run, and Oozie's refusals as exit status 1.
#[test]
fn a_script_runs_a_coordinator_and_reruns_an_action_by_date() {
    use chrono::{DurationRound, TimeDelta, Utc};

    let server = Server::start();
    let token = server.token("ops", "operator");
    let dir = tempfile::tempdir().unwrap();
    let app = dir.path().join("app");
    std::fs::create_dir_all(&app).unwrap();
    let log = dir.path().join("ran");
    std::fs::write(
        app.join("workflow.xml"),
        format!(
            r#"<workflow-app name="hourly" xmlns="uri:oozie:workflow:1.0">
  <global><resource-manager>rm</resource-manager><name-node>nn</name-node></global>
  <start to="a"/>
  <action name="a"><shell xmlns="uri:oozie:shell-action:1.0"><exec>sh</exec><argument>-c</argument><argument>echo ${{slot}} >> {}</argument></shell><ok to="end"/><error to="k"/></action>
  <kill name="k"><message>failed</message></kill>
  <end name="end"/>
</workflow-app>"#,
            log.display()
        ),
    )
    .unwrap();
    let start = (Utc::now() - TimeDelta::minutes(10))
        .duration_trunc(TimeDelta::minutes(5))
        .unwrap();
    let t = |d: chrono::DateTime<Utc>| d.format("%Y-%m-%dT%H:%MZ").to_string();
    let xml = dir.path().join("coordinator.xml");
    std::fs::write(
        &xml,
        format!(
            r#"<coordinator-app name="every5" frequency="${{coord:minutes(5)}}" start="{}" end="{}" timezone="UTC" xmlns="uri:oozie:coordinator:0.5">
  <action><workflow><app-path>{}</app-path><configuration><property><name>slot</name><value>${{coord:formatTime(coord:nominalTime(), 'HHmm')}}</value></property></configuration></workflow></action>
</coordinator-app>"#,
            t(start),
            t(start + TimeDelta::minutes(10)),
            app.display()
        ),
    )
    .unwrap();
    let import = server.client(Some(&token), &["import", path(&xml)]);
    assert!(import.status.success(), "{}{}", out(&import), err(&import));

    let run = server.client(Some(&token), &["coord", "run", "every5"]);
    assert!(run.status.success(), "{}", err(&run));
    let job = out(&run).trim().to_owned();
    let mut shown = String::new();
    for _ in 0..200 {
        let show = server.client(Some(&token), &["coord", "show", &job]);
        assert!(show.status.success(), "{}", err(&show));
        shown = out(&show);
        if shown.contains(": SUCCEEDED,") {
            break;
        }
        std::thread::sleep(std::time::Duration::from_millis(100));
    }
    assert!(shown.contains(": SUCCEEDED,"), "{shown}");
    assert_eq!(
        shown.matches("SUCCEEDED").count(),
        3,
        "the job and 2 actions: {shown}"
    );
    let jobs = server.client(Some(&token), &["coord", "jobs", "--coordinator", "every5"]);
    assert!(out(&jobs).contains("every5"), "{}", out(&jobs));
    assert_eq!(out(&jobs).lines().count(), 2, "a header and one job");

    let second = t(start + TimeDelta::minutes(5));
    let dry = server.client(
        Some(&token),
        &["coord", "rerun", &job, "--date", &second, "--dry-run"],
    );
    assert!(dry.status.success(), "{}", err(&dry));
    assert!(
        out(&dry).contains("would be changed")
            && out(&dry).contains("action 2: SUCCEEDED -> WAITING"),
        "{}",
        out(&dry)
    );
    let rerun = server.client(Some(&token), &["coord", "rerun", &job, "--date", &second]);
    assert!(rerun.status.success(), "{}", err(&rerun));
    for _ in 0..200 {
        if std::fs::read_to_string(&log)
            .unwrap_or_default()
            .lines()
            .count()
            == 3
        {
            break;
        }
        std::thread::sleep(std::time::Duration::from_millis(100));
    }
    let slots = std::fs::read_to_string(&log).unwrap();
    let second_slot = (start + TimeDelta::minutes(5)).format("%H%M").to_string();
    assert_eq!(slots.lines().last(), Some(second_slot.as_str()), "{slots}");

    let none = server.client(
        Some(&token),
        &["coord", "rerun", &job, "--date", "2020-01-01T00:00Z"],
    );
    assert_eq!(none.status.code(), Some(1), "{}", err(&none));
    assert!(
        err(&none).contains("has no action at 2020-01-01T00:00Z"),
        "{}",
        err(&none)
    );
    let both = server.client(Some(&token), &["coord", "rerun", &job]);
    assert_eq!(both.status.code(), Some(2), "clap wants --action or --date");

    // A backfill of the same slots, one at a time, newest first.
    let (from, to) = (t(start), t(start + TimeDelta::minutes(5)));
    let args = |dry: bool| {
        let mut a = vec![
            "coord",
            "backfill",
            "every5",
            "--from",
            &from,
            "--to",
            &to,
            "--newest-first",
        ];
        if dry {
            a.push("--dry-run");
        }
        a
    };
    let dry = server.client(Some(&token), &args(true));
    assert!(dry.status.success(), "{}", err(&dry));
    assert!(
        out(&dry).starts_with("would run 2 actions:"),
        "{}",
        out(&dry)
    );
    let backfill = server.client(Some(&token), &args(false));
    assert!(backfill.status.success(), "{}", err(&backfill));
    let filled = out(&backfill).trim().to_owned();
    for _ in 0..200 {
        shown = out(&server.client(Some(&token), &["coord", "show", &filled]));
        if shown.contains(": SUCCEEDED,") {
            break;
        }
        std::thread::sleep(std::time::Duration::from_millis(100));
    }
    assert!(shown.contains("2 of 2 actions: 2 succeeded"), "{shown}");
    let slots = std::fs::read_to_string(&log).unwrap();
    let last: Vec<&str> = slots.lines().rev().take(2).collect();
    let first_slot = start.format("%H%M").to_string();
    assert_eq!(
        last,
        [first_slot.as_str(), second_slot.as_str()],
        "newest first: {slots}"
    );
}
