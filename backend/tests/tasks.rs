//! Sluice's own task types through the REST API with a real engine: Python scripts run by
//! a real interpreter, SQL against datasources in SQLite and (in CI) PostgreSQL, and
//! Dependent tasks released by an upstream instance, timing out, and killed while they
//! wait; then the Oozie app they export to, imported back.

mod common;

use std::io::{Cursor, Read};
use std::sync::Arc;
use std::time::Duration;

use axum::Router;
use axum::http::StatusCode;
use backend::alert::secret::SecretKey;
use backend::store::{Sealed, SqliteStore, Store};
use backend::{AlertSetup, AppState, app};
use common::{send, send_json};
use serde_json::{Value, json};
use shared::api::Role;
use shared::workflow::{EdgeKind, NodeType, Point, Value as Field, Workflow};

struct Server {
    app: Router,
    dir: tempfile::TempDir,
    store: Arc<dyn Store>,
}

/// An admin's server whose engine opens datasource passwords with the API's key, and
/// whose Dependent timeouts count minutes of 200 ms.
async fn server() -> Server {
    let dir = tempfile::tempdir().unwrap();
    let store: Arc<dyn Store> = Arc::new(SqliteStore::open(&dir.path().join("db")).await.unwrap());
    let token = common::user_with_token(store.as_ref(), "ada", Role::Admin).await;
    let key = Arc::new(SecretKey::random());
    let mut exec = backend::engine::exec::ExecConfig::new(dir.path().join("runs"));
    exec.kill_grace = Duration::from_millis(500);
    exec.secrets = Some(key.clone());
    exec.timeout_minute = Duration::from_millis(200);
    if let Ok(python) = std::env::var("SLUICE_TEST_PYTHON") {
        exec.python = python;
    }
    let (engine, _task) = backend::engine::runner::start(
        store.clone(),
        backend::engine::runner::RunnerConfig {
            slots: 4,
            exec,
            shared: false,
        },
    )
    .await
    .unwrap();
    let setup = Arc::new(AlertSetup::new(key, "http://127.0.0.1".to_owned()));
    let state = AppState::new(store.clone())
        .with_engine(engine)
        .with_alerts(setup);
    Server {
        app: common::as_bearer(app(state), &token),
        dir,
        store,
    }
}

/// A drawing of actions in a chain, each `(type, fields)`; nodes are named after their
/// type (`python-1`, `sql-1`…).
fn chain(name: &str, actions: &[(&'static str, &[(&str, Field)])]) -> Workflow {
    let mut wf = Workflow::new_drawing(name);
    let mut previous: Option<String> = None;
    for (kind, fields) in actions {
        let node = wf.add_node(NodeType::Action(kind), Point::default());
        let action = wf.node_mut(&node).unwrap().kind.as_action_mut().unwrap();
        for (key, value) in *fields {
            action.fields.set(key, value.clone());
        }
        if let Some(prev) = previous {
            wf.connect(&prev, &node, EdgeKind::Ok).unwrap();
        }
        previous = Some(node);
    }
    wf
}

fn text(s: &str) -> Field {
    Field::Text(s.to_owned())
}

impl Server {
    /// Stores a workflow the server finds valid; its id.
    async fn save(&self, wf: &Workflow) -> i64 {
        let (id, saved) = common::save_workflow(&self.app, wf).await;
        assert_eq!(
            saved["validation"]["valid"], true,
            "{:#}",
            saved["validation"]
        );
        id
    }

    async fn run(&self, workflow: i64, properties: Value) -> i64 {
        common::run_workflow(&self.app, workflow, json!({ "properties": properties })).await
    }

    async fn detail(&self, id: i64) -> Value {
        send(&self.app, "GET", &format!("/api/v1/instances/{id}"), None)
            .await
            .json()
    }

    /// Waits (up to 20 s) until `test` holds of the instance's detail.
    async fn until(&self, id: i64, what: &str, test: impl Fn(&Value) -> bool) -> Value {
        for _ in 0..400 {
            let d = self.detail(id).await;
            if test(&d) {
                return d;
            }
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
        panic!("instance {id}: never {what}: {:#}", self.detail(id).await);
    }

    async fn ended(&self, id: i64) -> Value {
        self.until(id, "ended", |d| {
            !matches!(d["status"].as_str(), Some("RUNNING" | "PREP"))
        })
        .await
    }

    async fn log(&self, id: i64, node: &str) -> String {
        let reply = send(
            &self.app,
            "GET",
            &format!("/api/v1/instances/{id}/nodes/{node}/log"),
            None,
        )
        .await;
        reply.json()["text"].as_str().unwrap_or_default().to_owned()
    }

    async fn datasource(&self, body: Value) -> Value {
        let reply = send_json(&self.app, "POST", "/api/v1/datasources", body).await;
        assert_eq!(reply.status, StatusCode::CREATED, "{}", reply.text());
        reply.json()
    }
}

fn node<'a>(detail: &'a Value, name: &str) -> &'a Value {
    detail["nodes"]
        .as_array()
        .unwrap()
        .iter()
        .find(|n| n["name"] == name)
        .unwrap_or_else(|| panic!("no node {name} in {detail:#}"))
}

#[tokio::test]
async fn a_python_task_runs_its_script_with_its_arguments_and_captures_its_output() {
    let s = server().await;
    let script = "import sys\nprint('day=' + sys.argv[1])\nprint('rows=%d' % (40 + 2))\n";
    let wf = chain(
        "py",
        &[
            (
                "python",
                &[
                    ("script", text(script)),
                    ("argument", Field::Texts(vec!["${day}".into()])),
                    ("capture-output", Field::Flag(true)),
                ],
            ),
            (
                "python",
                &[(
                    "script",
                    text("import sys\nsys.stderr.write('bad input\\n')\nsys.exit(3)\n"),
                )],
            ),
        ],
    );
    let id = s.save(&wf).await;
    let run = s.run(id, json!({"day": "2026-11-21"})).await;
    let d = s.ended(run).await;
    let first = node(&d, "python-1");
    assert_eq!(first["status"], "OK", "{d:#}");
    assert_eq!(first["data"]["day"], "2026-11-21");
    assert_eq!(first["data"]["rows"], "42");
    let second = node(&d, "python-2");
    assert_eq!(second["status"], "ERROR", "{d:#}");
    assert_eq!(second["exit_code"], 3);
    assert_eq!(s.log(run, "python-2").await, "bad input\n");
    assert_eq!(d["status"], "KILLED", "an error goes to the kill node");
}

#[tokio::test]
async fn sql_tasks_read_a_sqlite_datasource_into_action_data_and_fail_with_its_error() {
    let s = server().await;
    let db = s.dir.path().join("warehouse.db");
    std::fs::File::create(&db).unwrap();
    s.datasource(json!({
        "name": "warehouse",
        "settings": {"kind": "sqlite", "path": db.display().to_string()},
    }))
    .await;
    let wf = chain(
        "load",
        &[
            (
                "sql",
                &[
                    ("datasource", text("warehouse")),
                    (
                        "statement",
                        text(
                            "create table sales (day text, amount integer);\n\
                             insert into sales values ('${day}', 5), ('${day}', 7), ('x', 1);",
                        ),
                    ),
                ],
            ),
            (
                "sql",
                &[
                    ("datasource", text("warehouse")),
                    (
                        "statement",
                        text(
                            "select day, sum(amount) as total from sales group by day order by day",
                        ),
                    ),
                    ("max-rows", text("1")),
                ],
            ),
            (
                "sql",
                &[
                    ("datasource", text("warehouse")),
                    ("statement", text("select * from nowhere")),
                ],
            ),
        ],
    );
    let id = s.save(&wf).await;
    let run = s.run(id, json!({"day": "2026-11-21"})).await;
    let d = s.ended(run).await;
    assert_eq!(node(&d, "sql-1")["data"]["rowsAffected"], "3", "{d:#}");
    let read = &node(&d, "sql-2")["data"];
    assert_eq!(read["rowCount"], "2", "{d:#}");
    assert_eq!(read["total"], "12", "the first row's columns by name");
    assert_eq!(read["row.1.day"], "2026-11-21");
    assert!(read.get("row.2.day").is_none(), "max-rows 1 keeps one row");
    let log = s.log(run, "sql-2").await;
    assert!(log.contains("2 row(s) in"), "{log}");
    assert!(log.contains("day        | total"), "{log}");
    let failed = node(&d, "sql-3");
    assert_eq!(failed["status"], "ERROR");
    assert_eq!(failed["error_code"], "SQL");
    assert!(
        failed["error_message"]
            .as_str()
            .unwrap()
            .contains("no such table: nowhere"),
        "{failed:#}"
    );
}

/// The PostgreSQL of CI (`SLUICE_TEST_DATABASE_URL`): a datasource with a sealed password,
/// types read as PostgreSQL prints them, and a wrong password said as the server says it.
#[tokio::test]
async fn sql_tasks_run_against_postgres_with_a_sealed_password() {
    let Ok(url) = std::env::var("SLUICE_TEST_DATABASE_URL") else {
        assert!(
            std::env::var("SLUICE_REQUIRE_POSTGRES").is_err(),
            "SLUICE_REQUIRE_POSTGRES is set but SLUICE_TEST_DATABASE_URL is not"
        );
        eprintln!("skipped: no SLUICE_TEST_DATABASE_URL");
        return;
    };
    let url = reqwest::Url::parse(&url).unwrap();
    let s = server().await;
    let settings = json!({
        "kind": "postgres",
        "host": url.host_str().unwrap(),
        "port": url.port().unwrap_or(5432),
        "database": url.path().trim_start_matches('/'),
        "username": url.username(),
    });
    let made = s
        .datasource(
            json!({"name": "pg", "settings": settings, "password": url.password().unwrap()}),
        )
        .await;
    assert_eq!(made["has_password"], true);
    assert!(made.get("password").is_none(), "{made:#}");
    let sealed = s.store.list_sealed(Sealed::Datasources).await.unwrap();
    assert!(
        !sealed[0]
            .secret
            .as_deref()
            .unwrap()
            .contains(url.password().unwrap())
    );
    let tested = send(
        &s.app,
        "POST",
        &format!("/api/v1/datasources/{}/test", made["id"]),
        None,
    )
    .await
    .json();
    assert_eq!(tested["ok"], true, "{tested:#}");

    s.datasource(json!({"name": "pg-wrong", "settings": settings, "password": "not-it"}))
        .await;
    let wf = chain(
        "report",
        &[
            (
                "sql",
                &[
                    ("datasource", text("pg")),
                    (
                        "statement",
                        text(
                            "select 41 + 1 as answer, 1.50::numeric(4,2) as price, \
                             interval '90 minutes' as span, true as yes, null::text as nothing",
                        ),
                    ),
                ],
            ),
            (
                "sql",
                &[
                    ("datasource", text("pg-wrong")),
                    ("statement", text("select 1")),
                ],
            ),
        ],
    );
    let id = s.save(&wf).await;
    let run = s.run(id, json!({})).await;
    let d = s.ended(run).await;
    let data = &node(&d, "sql-1")["data"];
    assert_eq!(data["answer"], "42", "{d:#}");
    assert_eq!(data["price"], "1.50");
    assert_eq!(data["span"], "01:30:00");
    assert_eq!(data["yes"], "t");
    assert_eq!(data["nothing"], "");
    let wrong = node(&d, "sql-2");
    assert_eq!(wrong["error_code"], "SQL");
    assert!(
        wrong["error_message"]
            .as_str()
            .unwrap()
            .contains("password authentication failed"),
        "{wrong:#}"
    );
}

#[tokio::test]
async fn datasources_are_checked_and_their_passwords_never_come_back() {
    let s = server().await;
    for (body, says) in [
        (
            json!({"name": "my db", "settings": {"kind": "sqlite", "path": "/tmp/a.db"}}),
            "not a datasource name",
        ),
        (
            json!({"name": "rel", "settings": {"kind": "sqlite", "path": "data/a.db"}}),
            "absolute path",
        ),
        (
            json!({"name": "pg", "settings": {"kind": "postgres", "host": "db", "port": 0, "database": "d", "username": "u"}}),
            "port",
        ),
    ] {
        let reply = send_json(&s.app, "POST", "/api/v1/datasources", body).await;
        assert_eq!(
            reply.status,
            StatusCode::UNPROCESSABLE_ENTITY,
            "{}",
            reply.text()
        );
        assert!(reply.text().contains(says), "{}", reply.text());
    }
    let made = s
        .datasource(json!({
            "name": "gone",
            "settings": {"kind": "sqlite", "path": s.dir.path().join("no.db").display().to_string()},
            "password": "hunter2",
        }))
        .await;
    let listed = send(&s.app, "GET", "/api/v1/datasources", None).await;
    assert!(!listed.text().contains("hunter2"), "{}", listed.text());
    let tested = send(
        &s.app,
        "POST",
        &format!("/api/v1/datasources/{}/test", made["id"]),
        None,
    )
    .await
    .json();
    assert_eq!(tested["ok"], false);
    assert!(
        tested["detail"]
            .as_str()
            .unwrap()
            .starts_with("cannot connect"),
        "{tested:#}"
    );
    // Keeping the password: no `password` in the change.
    let changed = send_json(
        &s.app,
        "PUT",
        &format!("/api/v1/datasources/{}", made["id"]),
        json!({"name": "renamed", "settings": made["settings"]}),
    )
    .await
    .json();
    assert_eq!(changed["name"], "renamed");
    assert_eq!(changed["has_password"], true);
}

#[tokio::test]
async fn a_dependent_task_waits_for_its_upstreams_instance_of_the_period() {
    let s = server().await;
    let upstream = s.save(&chain("ingest", &[("fs", &[])])).await;
    let waits = |timeout: &str, offset: &str| {
        chain(
            &format!("report-{timeout}-{offset}"),
            &[(
                "dependent",
                &[
                    ("workflow", text("ingest")),
                    ("offset", text(offset)),
                    ("timeout", text(timeout)),
                    ("interval", text("1")),
                ],
            )],
        )
    };
    // Released: it waits until the upstream's run of today succeeds.
    let report = s.save(&waits("100", "0")).await;
    let waiting = s.run(report, json!({})).await;
    s.until(waiting, "waiting", |d| {
        node(d, "dependent-1")["status"] == "RUNNING"
    })
    .await;
    tokio::time::sleep(Duration::from_millis(400)).await;
    assert_eq!(s.detail(waiting).await["status"], "RUNNING");
    let up = s.run(upstream, json!({})).await;
    let d = s.ended(waiting).await;
    assert_eq!(d["status"], "SUCCEEDED", "{d:#}");
    assert_eq!(
        node(&d, "dependent-1")["data"]["upstreamInstance"],
        up.to_string()
    );
    let log = s.log(waiting, "dependent-1").await;
    assert!(
        log.contains("no instance of 'ingest' for the period yet"),
        "{log}"
    );
    assert!(
        log.contains(&format!("released: instance {up} SUCCEEDED")),
        "{log}"
    );

    // Timed out: yesterday's run never happened (1 minute of 200 ms here).
    let yesterday = s.save(&waits("1", "-1")).await;
    let late = s.run(yesterday, json!({})).await;
    let d = s.ended(late).await;
    let dep = node(&d, "dependent-1");
    assert_eq!(dep["error_code"], "TIMEOUT", "{d:#}");
    assert!(
        dep["error_message"]
            .as_str()
            .unwrap()
            .contains("no SUCCEEDED instance of 'ingest'"),
        "{dep:#}"
    );

    // Killed while it waits: it stops at once, not at its timeout.
    let other = s
        .save(&chain(
            "orphan",
            &[(
                "dependent",
                &[
                    ("workflow", text("nobody-runs-this")),
                    ("timeout", text("100")),
                ],
            )],
        ))
        .await;
    let id = s.run(other, json!({})).await;
    let d = s.ended(id).await;
    assert_eq!(
        node(&d, "dependent-1")["error_message"],
        "there is no stored workflow named 'nobody-runs-this'"
    );
    let long_ago = s
        .save(&chain(
            "long-ago",
            &[(
                "dependent",
                &[
                    ("workflow", text("ingest")),
                    ("period", text("month")),
                    ("offset", text("-600")),
                    ("timeout", text("100")),
                ],
            )],
        ))
        .await;
    let id = s.run(long_ago, json!({})).await;
    s.until(id, "waiting", |d| {
        node(d, "dependent-1")["status"] == "RUNNING"
    })
    .await;
    let killed = send_json(
        &s.app,
        "POST",
        &format!("/api/v1/instances/{id}/kill"),
        json!({}),
    )
    .await;
    assert_eq!(killed.status, StatusCode::OK, "{}", killed.text());
    let d = s.ended(id).await;
    assert_eq!(d["status"], "KILLED");
}

#[tokio::test]
async fn the_exported_app_ships_the_script_and_imports_back_as_the_same_tasks() {
    let s = server().await;
    let wf = chain(
        "shipped",
        &[
            ("python", &[("script", text("print('hi')\n"))]),
            (
                "sql",
                &[("datasource", text("dw")), ("statement", text("select 1"))],
            ),
            (
                "dependent",
                &[("workflow", text("ingest")), ("timeout", text("60"))],
            ),
        ],
    );
    let id = s.save(&wf).await;
    let zip = send(
        &s.app,
        "GET",
        &format!("/api/v1/workflows/{id}/export?format=zip"),
        None,
    )
    .await;
    assert_eq!(zip.status, StatusCode::OK);
    let mut archive = zip::ZipArchive::new(Cursor::new(zip.body.clone())).unwrap();
    let mut names: Vec<String> = archive
        .file_names()
        .map(|n| n.unwrap().into_owned())
        .collect();
    names.sort();
    assert_eq!(
        names,
        [
            "shipped/dependencies.xml",
            "shipped/job.properties",
            "shipped/python-1.py",
            "shipped/workflow.xml"
        ]
    );
    let mut script = String::new();
    archive
        .by_name("shipped/python-1.py")
        .unwrap()
        .read_to_string(&mut script)
        .unwrap();
    assert_eq!(script, "print('hi')\n");

    let imported = send_with_body(&s.app, "/api/v1/import", zip.body.clone()).await;
    assert_eq!(imported["imported"][0]["created"], false, "{imported:#}");
    // The script was used; the datasets file is a coordinator's to include.
    let skipped: Vec<&str> = imported["skipped"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["path"].as_str().unwrap())
        .collect();
    assert_eq!(skipped, ["shipped/dependencies.xml"], "{imported:#}");
    let back = send(&s.app, "GET", &format!("/api/v1/workflows/{id}"), None)
        .await
        .json();
    let types: Vec<&str> = back["definition"]["nodes"]
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|n| n["action"].as_str())
        .collect();
    assert_eq!(types, ["python", "sql", "dependent"], "{back:#}");
}

async fn send_with_body(app: &Router, uri: &str, body: Vec<u8>) -> Value {
    let reply = common::send(app, "POST", uri, Some(body)).await;
    assert_eq!(reply.status, StatusCode::OK, "{}", reply.text());
    reply.json()
}
