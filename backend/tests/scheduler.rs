//! The coordinator scheduler with the real workflow engine, real processes, files for data
//! and SQLite: actions wait for their data, run their workflow with the resolved
//! configuration, the job ends; a crash loses and duplicates nothing.

mod common;

use std::path::Path;
use std::sync::Arc;
use std::time::Duration;

use backend::engine::scheduler::{self, CoordOp, CoordSubmission, SchedulerHandle};
use backend::store::{SqliteStore, Store};
use chrono::{DurationRound, TimeDelta, Utc};
use shared::coord::xml::from_coordinator_xml;

const POLL: Duration = Duration::from_millis(100);

/// A workflow app that appends its `hour` property to `out`.
fn app(dir: &Path, out: &Path) -> std::path::PathBuf {
    let app = dir.join("app");
    std::fs::create_dir_all(&app).unwrap();
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
            out.display()
        ),
    )
    .unwrap();
    app
}

/// Three five-minute slots that are all due now, each needing its data under `data`.
fn coordinator(app: &Path, data: &Path) -> (CoordSubmission, chrono::DateTime<Utc>) {
    let start = (Utc::now() - TimeDelta::minutes(15))
        .duration_trunc(TimeDelta::minutes(5))
        .unwrap();
    let end = start + TimeDelta::minutes(15);
    let t = |d: chrono::DateTime<Utc>| d.format("%Y-%m-%dT%H:%MZ").to_string();
    let xml = format!(
        r#"<coordinator-app name="c" frequency="${{coord:minutes(5)}}" start="{}" end="{}" timezone="UTC" xmlns="uri:oozie:coordinator:0.5">
  <controls><concurrency>1</concurrency></controls>
  <datasets><dataset name="d" frequency="${{coord:minutes(5)}}" initial-instance="2020-01-01T00:00Z" timezone="UTC"><uri-template>file://{}/${{HOUR}}${{MINUTE}}</uri-template></dataset></datasets>
  <input-events><data-in name="in" dataset="d"><instance>${{coord:current(0)}}</instance></data-in></input-events>
  <action><workflow><app-path>{}</app-path><configuration><property><name>slot</name><value>${{coord:formatTime(coord:nominalTime(), 'HHmm')}}</value></property></configuration></workflow></action>
</coordinator-app>"#,
        t(start),
        t(end),
        data.display(),
        app.display(),
    );
    let imported = from_coordinator_xml(&xml, &|_| None).unwrap();
    (
        CoordSubmission {
            conf: imported.coordinator.properties(),
            coordinator: imported.coordinator,
            included: imported.included,
            user: "sam".to_owned(),
            coordinator_id: None,
            coordinator_version: None,
        },
        start,
    )
}

fn ready(data: &Path, slot: chrono::DateTime<Utc>) {
    let dir = data.join(slot.format("%H%M").to_string());
    std::fs::create_dir_all(&dir).unwrap();
    std::fs::write(dir.join("_SUCCESS"), "").unwrap();
}

async fn scheduler_on(
    store: &Arc<dyn Store>,
    runs: &Path,
) -> (SchedulerHandle, tokio::task::JoinHandle<()>) {
    let (engine, _) = common::engine(store.clone(), runs, 4).await;
    scheduler::start(store.clone(), engine, POLL).await.unwrap()
}

async fn wait_for(
    store: &Arc<dyn Store>,
    job: i64,
    what: &str,
    done: impl Fn(&str, &[(i64, String)]) -> bool,
) {
    for _ in 0..300 {
        let (row, actions) = store.get_coord_job(job).await.unwrap();
        let actions: Vec<(i64, String)> =
            actions.into_iter().map(|a| (a.number, a.status)).collect();
        if done(&row.status, &actions) {
            return;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    let (row, actions) = store.get_coord_job(job).await.unwrap();
    panic!("job {job} never got to {what}: {} {actions:#?}", row.status);
}

#[tokio::test]
async fn actions_wait_for_their_data_run_in_order_and_the_job_succeeds() {
    let dir = tempfile::tempdir().unwrap();
    let store: Arc<dyn Store> = Arc::new(SqliteStore::open(&dir.path().join("db")).await.unwrap());
    let out = dir.path().join("out");
    let data = dir.path().join("data");
    let app = app(dir.path(), &out);
    let (sub, start) = coordinator(&app, &data);
    ready(&data, start);
    ready(&data, start + TimeDelta::minutes(5));
    let (sched, _task) = scheduler_on(&store, &dir.path().join("runs")).await;
    let job = sched.submit(sub).await.unwrap();

    wait_for(&store, job, "two actions done", |_, a| {
        a.iter().filter(|(_, s)| s == "SUCCEEDED").count() == 2
    })
    .await;
    let (row, actions) = store.get_coord_job(job).await.unwrap();
    assert_eq!(row.status, "RUNNING");
    assert_eq!(actions[2].status, "WAITING");
    let missing = actions[2].missing.as_deref().unwrap();
    assert!(missing.ends_with("/_SUCCESS is not there"), "{missing}");

    ready(&data, start + TimeDelta::minutes(10));
    wait_for(&store, job, "SUCCEEDED", |s, _| s == "SUCCEEDED").await;
    let slots: Vec<String> = (0..3)
        .map(|k| {
            (start + TimeDelta::minutes(5 * k))
                .format("%H%M")
                .to_string()
        })
        .collect();
    assert_eq!(
        std::fs::read_to_string(&out).unwrap(),
        format!("{}\n", slots.join("\n")),
        "each workflow got its slot, in order (concurrency 1)"
    );
    // Each action's instance is tied to it.
    for a in &store.get_coord_job(job).await.unwrap().1 {
        let instance = a.instance_id.expect("ran");
        assert_eq!(
            store.get_instance(instance).await.unwrap().0.coord,
            Some((job, a.number, 1))
        );
    }

    // Operations on the ended job answer as Oozie does.
    let e = sched.operate(job, CoordOp::Kill, false).await.unwrap_err();
    assert_eq!(e.code, "E1020");
    let e = sched
        .operate(job, CoordOp::Suspend, false)
        .await
        .unwrap_err();
    assert_eq!(e.code, "E0728");
    let e = sched.operate(999, CoordOp::Kill, false).await.unwrap_err();
    assert_eq!(e.code, "E0604");
}

#[tokio::test]
async fn a_crash_loses_and_duplicates_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let store: Arc<dyn Store> = Arc::new(SqliteStore::open(&dir.path().join("db")).await.unwrap());
    let out = dir.path().join("out");
    let data = dir.path().join("data");
    let app = app(dir.path(), &out);
    let (sub, start) = coordinator(&app, &data);
    ready(&data, start);
    let (sched, task) = scheduler_on(&store, &dir.path().join("runs")).await;
    let job = sched.submit(sub).await.unwrap();
    wait_for(&store, job, "one action done", |_, a| {
        a.len() == 3 && a.iter().any(|(_, s)| s == "SUCCEEDED")
    })
    .await;
    // The scheduler dies without a word.
    task.abort();
    let _ = task.await;

    ready(&data, start + TimeDelta::minutes(5));
    ready(&data, start + TimeDelta::minutes(10));
    let (_sched, _task) = scheduler_on(&store, &dir.path().join("runs")).await;
    wait_for(&store, job, "SUCCEEDED", |s, _| s == "SUCCEEDED").await;
    let (_, actions) = store.get_coord_job(job).await.unwrap();
    assert_eq!(actions.len(), 3, "materialized once");
    assert_eq!(
        std::fs::read_to_string(&out).unwrap().lines().count(),
        3,
        "each action ran once"
    );
}

/// The same through the REST API: submit a stored coordinator, read its job and actions,
/// and Oozie's refusals as JSON errors.
#[tokio::test]
async fn coordinator_jobs_through_the_api() {
    use axum::http::StatusCode;
    use serde_json::{Value, json};
    use shared::api::Role;

    let dir = tempfile::tempdir().unwrap();
    let store: Arc<dyn Store> = Arc::new(SqliteStore::open(&dir.path().join("db")).await.unwrap());
    let token = common::user_with_token(store.as_ref(), "olga", Role::Operator).await;
    let (engine, _) = common::engine(store.clone(), &dir.path().join("runs"), 4).await;
    let (sched, _task) = scheduler::start(store.clone(), engine.clone(), POLL)
        .await
        .unwrap();
    let router = backend::app(
        backend::AppState::new(store.clone())
            .with_engine(engine)
            .with_scheduler(sched),
    );
    let bearer = format!("Bearer {token}");
    let call = |method: &'static str, uri: String, body: Value| {
        let app = router.clone();
        let bearer = bearer.clone();
        async move {
            common::send_with(
                &app,
                method,
                &uri,
                &[("authorization", &bearer)],
                (method != "GET").then(|| serde_json::to_vec(&body).unwrap()),
            )
            .await
        }
    };

    let out = dir.path().join("out");
    let data = dir.path().join("data");
    let app_dir = app(dir.path(), &out);
    let (sub, start) = coordinator(&app_dir, &data);
    ready(&data, start);
    let created = call("POST", "/api/v1/coordinators".into(), json!({"name": "c"})).await;
    assert_eq!(created.status, StatusCode::CREATED, "{}", created.text());
    let id = created.json()["id"].as_i64().unwrap();
    let saved = call(
        "PUT",
        format!("/api/v1/coordinators/{id}"),
        json!({"definition": sub.coordinator}),
    )
    .await;
    assert_eq!(saved.status, StatusCode::OK, "{}", saved.text());

    let events = {
        use tower::ServiceExt;
        let req = axum::http::Request::builder()
            .uri("/api/v1/events")
            .header("authorization", &bearer)
            .body(axum::body::Body::empty())
            .unwrap();
        router.clone().oneshot(req).await.unwrap().into_body()
    };
    let run = call("POST", format!("/api/v1/coordinators/{id}/run"), json!({})).await;
    assert_eq!(run.status, StatusCode::CREATED, "{}", run.text());
    let job = run.json()["id"].as_i64().unwrap();
    assert_eq!(run.json()["job_id"], format!("{job:07}-sluice-C"));
    assert_eq!(run.json()["coordinator_version"], 2);

    let mut detail = Value::Null;
    for _ in 0..200 {
        detail = call(
            "GET",
            format!("/api/v1/coordinator-jobs/{job}"),
            Value::Null,
        )
        .await
        .json();
        if detail["actions"][0]["status"] == "SUCCEEDED" {
            break;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    let first = &detail["actions"][0];
    assert_eq!(first["status"], "SUCCEEDED", "{detail:#}");
    assert_eq!(first["action_id"], format!("{job:07}-sluice-C@1"));
    assert_eq!(
        first["configuration"]["slot"],
        start.format("%H%M").to_string()
    );
    assert_eq!(detail["actions"][1]["status"], "WAITING");
    assert!(
        detail["actions"][1]["missing"]
            .as_str()
            .unwrap()
            .ends_with("is not there"),
        "{detail:#}"
    );
    // Every change went out on the event stream as it was committed.
    let mut events = events;
    let seen = common::events_until(
        &mut events,
        &format!(r#"{{"job":{job},"action":1,"status":"SUCCEEDED"}}"#),
    )
    .await;
    assert!(seen.contains("event: coordinator"), "{seen}");
    assert!(
        seen.contains(&format!(
            r#"{{"job":{job},"action":null,"status":"RUNNING"}}"#
        )),
        "{seen}"
    );
    let list = call(
        "GET",
        format!("/api/v1/coordinator-jobs?coordinator_id={id}&status=running"),
        Value::Null,
    )
    .await
    .json();
    assert_eq!(list["total"], 1, "{list:#}");
    // A list tells each job's actions by state and its last run, as the detail does.
    let listed = &list["items"][0];
    assert_eq!(listed["progress"]["succeeded"], 1, "{list:#}");
    assert!(
        listed["progress"]["waiting"].as_i64() >= Some(1),
        "{list:#}"
    );
    assert_eq!(listed["last_run_at"], first["nominal_time"], "{list:#}");

    let bad = call(
        "POST",
        format!("/api/v1/coordinator-jobs/{job}/change"),
        json!({"end": "soon"}),
    )
    .await;
    common::assert_error(&bad, StatusCode::UNPROCESSABLE_ENTITY, "invalid_request");
    let bad = call(
        "POST",
        format!("/api/v1/coordinator-jobs/{job}/rerun"),
        json!({"actions": "2"}),
    )
    .await;
    common::assert_error(&bad, StatusCode::CONFLICT, "E1018");
    let killed = call(
        "POST",
        format!("/api/v1/coordinator-jobs/{job}/kill"),
        json!({}),
    )
    .await;
    assert_eq!(killed.status, StatusCode::OK, "{}", killed.text());
    assert_eq!(killed.json()["status"], "KILLED");
    let again = call(
        "POST",
        format!("/api/v1/coordinator-jobs/{job}/kill"),
        json!({}),
    )
    .await;
    common::assert_error(&again, StatusCode::CONFLICT, "E1020");
    let change = call(
        "POST",
        format!("/api/v1/coordinator-jobs/{job}/change"),
        json!({"concurrency": 3}),
    )
    .await;
    common::assert_error(&change, StatusCode::CONFLICT, "E1016");
    let none = call(
        "POST",
        "/api/v1/coordinator-jobs/999/kill".into(),
        json!({}),
    )
    .await;
    common::assert_error(&none, StatusCode::NOT_FOUND, "not_found");
}

/// A rerun by nominal time deletes the actions' output directories first (Oozie's
/// cleanup), except with `nocleanup`; its dry run names the actions, the workflows and the
/// directories, and touches none of them.
#[tokio::test]
async fn a_rerun_by_date_clears_outputs_and_its_dry_run_changes_nothing() {
    use backend::engine::coord::{DatePick, RerunOptions};
    use backend::engine::scheduler::Pick;

    let dir = tempfile::tempdir().unwrap();
    let store: Arc<dyn Store> = Arc::new(SqliteStore::open(&dir.path().join("db")).await.unwrap());
    let outputs = dir.path().join("outputs");
    let app = dir.path().join("app");
    std::fs::create_dir_all(&app).unwrap();
    std::fs::write(
        app.join("workflow.xml"),
        r#"<workflow-app name="w" xmlns="uri:oozie:workflow:1.0">
  <global><resource-manager>rm</resource-manager><name-node>nn</name-node></global>
  <start to="a"/>
  <action name="a"><shell xmlns="uri:oozie:shell-action:1.0"><exec>sh</exec><argument>-c</argument><argument>mkdir -p ${target} &amp;&amp; echo x >> ${target}/part</argument></shell><ok to="end"/><error to="k"/></action>
  <kill name="k"><message>failed</message></kill>
  <end name="end"/>
</workflow-app>"#,
    )
    .unwrap();
    let start = (Utc::now() - TimeDelta::minutes(15))
        .duration_trunc(TimeDelta::minutes(5))
        .unwrap();
    let t = |d: chrono::DateTime<Utc>| d.format("%Y-%m-%dT%H:%MZ").to_string();
    let xml = format!(
        r#"<coordinator-app name="c" frequency="${{coord:minutes(5)}}" start="{}" end="{}" timezone="UTC" xmlns="uri:oozie:coordinator:0.5">
  <datasets><dataset name="o" frequency="${{coord:minutes(5)}}" initial-instance="2020-01-01T00:00Z" timezone="UTC"><uri-template>{}/${{HOUR}}${{MINUTE}}</uri-template></dataset></datasets>
  <output-events><data-out name="o" dataset="o"><instance>${{coord:current(0)}}</instance></data-out></output-events>
  <action><workflow><app-path>{}</app-path><configuration><property><name>target</name><value>${{coord:dataOut('o')}}</value></property></configuration></workflow></action>
</coordinator-app>"#,
        t(start),
        t(start + TimeDelta::minutes(15)),
        outputs.display(),
        app.display(),
    );
    let imported = from_coordinator_xml(&xml, &|_| None).unwrap();
    let (sched, _task) = scheduler_on(&store, &dir.path().join("runs")).await;
    let job = sched
        .submit(CoordSubmission {
            conf: imported.coordinator.properties(),
            coordinator: imported.coordinator,
            included: imported.included,
            user: "sam".to_owned(),
            coordinator_id: None,
            coordinator_version: None,
        })
        .await
        .unwrap();
    wait_for(&store, job, "SUCCEEDED", |s, _| s == "SUCCEEDED").await;
    let slot = |k: i64| {
        outputs.join(
            (start + TimeDelta::minutes(5 * k))
                .format("%H%M")
                .to_string(),
        )
    };
    for k in 0..3 {
        std::fs::write(slot(k).join("marker"), "").unwrap();
    }
    let first_two = Pick::Dates(vec![DatePick {
        from: start,
        to: Some(start + TimeDelta::minutes(5)),
    }]);
    let rerun = |actions, nocleanup| CoordOp::Rerun {
        actions,
        options: RerunOptions {
            nocleanup,
            ..RerunOptions::default()
        },
    };

    let would = sched
        .operate(job, rerun(first_two.clone(), false), true)
        .await
        .unwrap();
    assert!(would.dry_run);
    assert_eq!(would.was.id(), "SUCCEEDED");
    assert_eq!(would.status.id(), "RUNNING");
    let moved: Vec<(&str, Option<&str>, &str)> = would
        .actions
        .iter()
        .map(|c| (c.item.as_str(), c.from.as_deref(), c.to.as_str()))
        .collect();
    assert_eq!(
        moved,
        [
            ("1", Some("SUCCEEDED"), "WAITING"),
            ("2", Some("SUCCEEDED"), "WAITING")
        ]
    );
    assert_eq!(
        would.cleanup,
        [slot(0), slot(1)].map(|p| p.display().to_string())
    );
    assert!(slot(0).join("marker").exists(), "a dry run deletes nothing");
    assert_eq!(
        store.get_coord_job(job).await.unwrap().0.status,
        "SUCCEEDED"
    );

    let done = sched
        .operate(job, rerun(first_two, false), false)
        .await
        .unwrap();
    assert!(!done.dry_run);
    assert!(!slot(0).join("marker").exists(), "outputs cleared first");
    let third = Pick::Dates(vec![DatePick {
        from: start + TimeDelta::minutes(10),
        to: None,
    }]);
    wait_for(&store, job, "SUCCEEDED again", |s, _| s == "SUCCEEDED").await;
    let kept = sched.operate(job, rerun(third, true), false).await.unwrap();
    assert!(kept.cleanup.is_empty());
    wait_for(&store, job, "SUCCEEDED once more", |s, _| s == "SUCCEEDED").await;
    assert!(slot(2).join("marker").exists(), "nocleanup leaves it");
    assert_eq!(
        std::fs::read_to_string(slot(0).join("part")).unwrap(),
        "x\n",
        "the cleared output was written afresh"
    );
    assert_eq!(
        std::fs::read_to_string(slot(2).join("part")).unwrap(),
        "x\nx\n"
    );
    let (_, actions) = store.get_coord_job(job).await.unwrap();
    assert_eq!(
        actions.iter().map(|a| a.tries).collect::<Vec<_>>(),
        [2, 2, 2],
        "each rerun made a new workflow instance"
    );

    let nothing_then = Pick::Dates(vec![DatePick {
        from: start + TimeDelta::minutes(1),
        to: None,
    }]);
    let e = sched
        .operate(job, rerun(nothing_then, false), true)
        .await
        .unwrap_err();
    assert_eq!(e.code, "E0605");
}

/// A backfill runs the coordinator's own past slots, and below live work: with one slot
/// on the server, a live workflow that comes while the backfill's actions wait for it
/// goes before them.
#[tokio::test]
async fn a_backfill_runs_past_slots_below_live_work() {
    use backend::engine::runner::Submission;
    use backend::engine::scheduler::Backfill;

    let dir = tempfile::tempdir().unwrap();
    let store: Arc<dyn Store> = Arc::new(SqliteStore::open(&dir.path().join("db")).await.unwrap());
    let out = dir.path().join("out");
    let app = dir.path().join("app");
    std::fs::create_dir_all(&app).unwrap();
    let step = |what: &str| {
        format!(
            r#"<workflow-app name="w" xmlns="uri:oozie:workflow:1.0">
  <global><resource-manager>rm</resource-manager><name-node>nn</name-node></global>
  <start to="a"/>
  <action name="a"><shell xmlns="uri:oozie:shell-action:1.0"><exec>sh</exec><argument>-c</argument><argument>sleep 0.3; echo {what} >> {}</argument></shell><ok to="end"/><error to="k"/></action>
  <kill name="k"><message>failed</message></kill>
  <end name="end"/>
</workflow-app>"#,
            out.display()
        )
    };
    std::fs::write(app.join("workflow.xml"), step("${slot}")).unwrap();
    // Hourly for a year; the backfill takes three hours of it.
    let xml = format!(
        r#"<coordinator-app name="c" frequency="${{coord:hours(1)}}" start="2026-01-01T00:00Z" end="2027-01-01T00:00Z" timezone="UTC" xmlns="uri:oozie:coordinator:0.5">
  <action><workflow><app-path>{}</app-path><configuration><property><name>slot</name><value>${{coord:formatTime(coord:nominalTime(), 'MMddHH')}}</value></property></configuration></workflow></action>
</coordinator-app>"#,
        app.display()
    );
    let imported = from_coordinator_xml(&xml, &|_| None).unwrap();
    let (engine, _) = common::engine(store.clone(), &dir.path().join("runs"), 1).await;
    let (sched, _task) = scheduler::start(store.clone(), engine.clone(), POLL)
        .await
        .unwrap();
    let submission = || CoordSubmission {
        conf: imported.coordinator.properties(),
        coordinator: imported.coordinator.clone(),
        included: imported.included.clone(),
        user: "sam".to_owned(),
        coordinator_id: None,
        coordinator_version: None,
    };
    let range = Backfill {
        from: parse("2026-03-01T10:00Z"),
        to: parse("2026-03-01T12:00Z"),
        parallel: 3,
        newest_first: false,
    };
    let (none, planned) = sched.backfill(submission(), &range, true).await.unwrap();
    assert_eq!(none, None, "a dry run makes no job");
    assert_eq!(
        planned.iter().map(|s| s.number).collect::<Vec<_>>(),
        [1427, 1428, 1429],
        "numbered as in the coordinator's own job"
    );
    assert!(store.get_coord_job(1).await.is_err());

    let (job, _) = sched.backfill(submission(), &range, false).await.unwrap();
    let job = job.unwrap();
    wait_for(&store, job, "all three submitted", |_, a| {
        a.len() == 3 && a.iter().all(|(_, s)| s == "RUNNING")
    })
    .await;
    let live = backend::engine::runner::find_app(store.as_ref(), app.to_str().unwrap())
        .await
        .unwrap()
        .0;
    let mut conf = std::collections::BTreeMap::new();
    conf.insert("slot".to_owned(), "live".to_owned());
    engine
        .submit(Submission {
            workflow: live,
            workflow_id: None,
            workflow_version: None,
            conf,
            user: "sam".to_owned(),
            start: true,
            coord: None,
        })
        .await
        .unwrap();
    wait_for(&store, job, "SUCCEEDED", |s, _| s == "SUCCEEDED").await;
    for _ in 0..100 {
        if std::fs::read_to_string(&out).unwrap().lines().count() == 4 {
            break;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    let mut ran: Vec<String> = std::fs::read_to_string(&out)
        .unwrap()
        .lines()
        .map(str::to_owned)
        .collect();
    // One backfill action took the slot; the live one came while the other two waited for
    // it, and went first. The three were started at once (parallel 3), so which of them
    // took the slot is not fixed.
    assert_eq!(ran.len(), 4, "{ran:?}");
    assert_eq!(ran.remove(1), "live", "{ran:?}");
    ran.sort();
    assert_eq!(ran, ["030110", "030111", "030112"]);
    let (row, actions) = store.get_coord_job(job).await.unwrap();
    assert_eq!((row.kind.as_str(), row.planned), ("backfill", Some(3)));
    assert_eq!(actions.len(), 3, "nothing after the range");
}

fn parse(text: &str) -> chrono::DateTime<Utc> {
    shared::time::parse_oozie_time(text).unwrap()
}
