//! `sluice run` and `sluice bench`: the real engine on this machine, with a throwaway
//! database, no server.

use std::collections::BTreeMap;
use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::sync::Arc;
use std::time::Instant;

use serde::Serialize;
use shared::api::{ActionStatus, JobStatus};
use shared::oozie::{ImportError, from_workflow_xml};

use crate::cli::read_input;
use crate::config::ExecArgs;
use crate::engine::exec::ExecConfig;
use crate::engine::runner::{self, EngineHandle, Op, RunnerConfig, Submission, SubmitError};
use crate::store::{SqliteStore, Store};

const INVALID: u8 = 2;

#[derive(Debug, Serialize)]
struct Summary {
    status: String,
    path: Vec<String>,
    actions: Vec<ActionSummary>,
}

#[derive(Debug, Serialize)]
struct ActionSummary {
    name: String,
    status: String,
    attempts: i64,
    exit_code: Option<i64>,
}

/// A throwaway engine: SQLite and task directories in a temporary directory.
async fn local_engine(
    dir: &Path,
    slots: usize,
    mut exec: ExecConfig,
) -> anyhow::Result<(EngineHandle, Arc<dyn Store>, tokio::task::JoinHandle<()>)> {
    let store: Arc<dyn Store> = Arc::new(SqliteStore::open(&dir.join("sluice.db")).await?);
    exec.runs_dir = dir.join("runs");
    let config = RunnerConfig {
        slots,
        exec,
        shared: false,
    };
    let (handle, task) = runner::start(store.clone(), config).await?;
    Ok((handle, store, task))
}

/// `sluice run FILE`.
pub(crate) async fn run(
    file: &Path,
    properties: Option<&Path>,
    params: &[String],
    keep: bool,
    exec: &ExecArgs,
) -> anyhow::Result<ExitCode> {
    let shown = file.display();
    let exec = match exec.exec_config(PathBuf::new()) {
        Ok(exec) => exec,
        Err(e) => {
            eprintln!("sluice: {e:#}");
            return Ok(ExitCode::from(INVALID));
        }
    };
    let text = match read_input(file) {
        Ok(t) => t,
        Err(code) => return Ok(code),
    };
    let workflow = match from_workflow_xml(&text) {
        Ok(imported) => imported.workflow,
        Err(ImportError::Xml(e)) => {
            eprintln!("{shown}:{}:{}: {}", e.line, e.column, e.message);
            return Ok(ExitCode::from(INVALID));
        }
        Err(ImportError::Invalid(issues)) => {
            for i in &issues {
                eprintln!("{shown}: {}: {}", i.code, i.message);
            }
            return Ok(ExitCode::from(INVALID));
        }
    };
    let mut conf = match crate::cli::properties(properties, params) {
        Ok(conf) => conf,
        Err(message) => {
            eprintln!("sluice: {message}");
            return Ok(ExitCode::from(INVALID));
        }
    };
    let app_dir = std::path::absolute(file)?
        .parent()
        .map(|p| p.to_path_buf())
        .unwrap_or_default();
    conf.entry("oozie.wf.application.path".to_owned())
        .or_insert_with(|| format!("file://{}", app_dir.display()));

    let dir = tempfile::Builder::new().prefix("sluice-run-").tempdir()?;
    let (engine, store, task) = local_engine(dir.path(), runner::default_slots(), exec).await?;
    let mut updates = engine.subscribe();
    let user = std::env::var("USER").unwrap_or_else(|_| "sluice".to_owned());
    let started = Instant::now();
    let id = match engine
        .submit(Submission {
            workflow,
            workflow_id: None,
            workflow_version: None,
            conf,
            user,
            start: true,
            coord: None,
        })
        .await
    {
        Ok(id) => id,
        Err(SubmitError::Invalid(why)) => {
            eprintln!("{shown}: {why}");
            engine.shutdown().await;
            return Ok(ExitCode::from(INVALID));
        }
        Err(e) => return Err(e.into()),
    };
    let mut interrupted = false;
    // Only changes are shown: a try's pid being recorded is not news.
    let mut shown_last: BTreeMap<Option<String>, (String, u32)> = BTreeMap::new();
    loop {
        let update = tokio::select! {
            u = updates.recv() => u,
            _ = tokio::signal::ctrl_c(), if !interrupted => {
                interrupted = true;
                eprintln!("sluice: interrupted; killing the run");
                let _ = engine.operate(id, Op::Kill { by: "Ctrl-C".to_owned() }, false).await;
                continue;
            }
        };
        let update = match update {
            Ok(u) => u,
            Err(tokio::sync::broadcast::error::RecvError::Lagged(_)) => continue,
            Err(_) => break,
        };
        if update.instance != id {
            continue;
        }
        let state = (update.status.clone(), update.attempt);
        if shown_last.insert(update.node.clone(), state.clone()) != Some(state) {
            let at = started.elapsed().as_secs_f64();
            let tries = if update.attempt > 1 {
                format!(" (try {})", update.attempt)
            } else {
                String::new()
            };
            match &update.node {
                Some(node) if !node.starts_with("fork-") && !node.starts_with("join-") => {
                    eprintln!("{at:8.3}s  {node:<24} {}{tries}", update.status);
                }
                Some(_) => {}
                None => eprintln!("{at:8.3}s  {:<24} {}", "(workflow)", update.status),
            }
        }
        if update.node.is_none() && update.instance == id {
            match JobStatus::parse(&update.status) {
                Some(JobStatus::Suspended) => {
                    eprintln!(
                        "sluice: suspended at a breakpoint (oozie.suspend.on.nodes); resuming"
                    );
                    let _ = engine.operate(id, Op::Resume, false).await;
                }
                Some(s) if s.is_terminal() => break,
                _ => {}
            }
        }
    }
    // The end is committed; any try still stopping is being killed.
    engine.shutdown().await;
    let _ = task.await;
    let (row, nodes) = store.get_instance(id).await?;
    let workflow: shared::workflow::Workflow = serde_json::from_str(&row.definition)?;
    let graph = crate::engine::graph::Graph::compile(workflow)
        .map_err(|_| anyhow::anyhow!("the workflow stopped compiling"))?;
    let drawn = |name: &str| graph.id(name).is_some_and(|i| graph.nodes[i].drawn);
    let mut finished: Vec<_> = nodes.iter().filter(|n| n.seq.is_some()).collect();
    finished.sort_by_key(|n| n.seq);
    let mut actions: Vec<_> = nodes
        .iter()
        .filter(|n| graph.id(&n.node).and_then(|i| graph.action(i)).is_some())
        .collect();
    actions.sort_by_key(|n| (n.started_at_ms.is_none(), n.started_at_ms, n.node.clone()));
    let summary = Summary {
        status: row.status.clone(),
        path: finished
            .iter()
            .filter(|n| drawn(&n.node))
            .map(|n| n.node.clone())
            .collect(),
        actions: actions
            .iter()
            .map(|n| ActionSummary {
                name: n.node.clone(),
                status: n.status.clone(),
                attempts: n.attempts,
                exit_code: n.exit_code,
            })
            .collect(),
    };
    if let Some(message) = &row.error_message {
        eprintln!("sluice: {}: {message}", row.status);
    }
    let logs = dir.path().join("runs").join(id.to_string()).join("logs");
    for n in &nodes {
        if n.status == ActionStatus::Error.id() {
            let log = logs.join(format!("{}.{}.log", n.node, n.attempts));
            if let Ok(text) = std::fs::read_to_string(&log) {
                let tail: Vec<&str> = text.lines().rev().take(20).collect();
                eprintln!("--- last lines of {} (try {}) ---", n.node, n.attempts);
                for line in tail.iter().rev() {
                    eprintln!("{line}");
                }
            }
        }
    }
    store.close().await;
    if keep {
        let kept = dir.keep();
        eprintln!("sluice: logs and database kept in {}", kept.display());
    }
    let mut out = std::io::stdout().lock();
    writeln!(out, "{}", serde_json::to_string(&summary)?)?;
    Ok(if row.status == JobStatus::Succeeded.id() {
        ExitCode::SUCCESS
    } else {
        ExitCode::FAILURE
    })
}

#[derive(Debug, Serialize)]
struct BenchReport {
    tasks: usize,
    seconds: f64,
    tasks_per_second: f64,
    latency_ms: Latency,
    spawn_ceiling_per_second: f64,
    width: usize,
    batches: u64,
    coordinator: CoordBench,
}

/// The coordinator's planning alone (no database): materializing actions, resolving their
/// data-in and configuration, checking their data and submitting them.
#[derive(Debug, Serialize)]
struct CoordBench {
    actions: usize,
    seconds: f64,
    actions_per_second: f64,
}

/// Every path exists: the bench measures planning, not the filesystem.
struct AllThere;

impl crate::engine::coord::DataCheck for AllThere {
    fn check(&self, _path: &str) -> crate::engine::coord::Presence {
        crate::engine::coord::Presence::Present
    }
}

/// Materializes 10,000 actions of a five-minute coordinator with one data-in, after a
/// downtime that left all of them due: the catch-up a restart does.
fn coordinator_bench() -> anyhow::Result<CoordBench> {
    use crate::engine::coord::CoordJob;
    let xml = r#"<coordinator-app name="bench" frequency="${coord:minutes(5)}" start="2026-01-01T00:00Z" end="2026-02-04T17:20Z" timezone="UTC" xmlns="uri:oozie:coordinator:0.5">
  <controls><concurrency>-1</concurrency><throttle>500</throttle></controls>
  <datasets><dataset name="d" frequency="${coord:minutes(5)}" initial-instance="2025-01-01T00:00Z" timezone="UTC"><uri-template>file:///data/${YEAR}/${MONTH}/${DAY}/${HOUR}${MINUTE}</uri-template></dataset></datasets>
  <input-events><data-in name="in" dataset="d"><instance>${coord:current(0)}</instance></data-in></input-events>
  <action><workflow><app-path>wf</app-path><configuration><property><name>day</name><value>${coord:formatTime(coord:nominalTime(), 'yyyy-MM-dd')}</value></property></configuration></workflow></action>
</coordinator-app>"#;
    let imported = shared::coord::xml::from_coordinator_xml(xml, &|_| None)
        .map_err(|e| anyhow::anyhow!("the bench coordinator: {e}"))?;
    let c = imported.coordinator;
    let job = shared::coord::resolve::resolve(&c, &imported.included, &c.properties(), "bench")
        .map_err(|e| anyhow::anyhow!("the bench coordinator: {e}"))?;
    let mut coord = CoordJob::new(1, job, Vec::new());
    let now = chrono::DateTime::parse_from_rfc3339("2026-03-01T00:00:00Z")?.to_utc();
    let started = Instant::now();
    let mut instance = 0;
    while !coord.status.is_terminal() {
        let fx = coord.step(now, &AllThere);
        anyhow::ensure!(
            !fx.submit.is_empty() || coord.status.is_terminal(),
            "the bench coordinator stalled as {}",
            coord.status.id()
        );
        for n in fx.submit {
            instance += 1;
            coord.started(n, instance, now);
            coord.instance_changed(instance, JobStatus::Succeeded, None, now);
        }
    }
    let seconds = started.elapsed().as_secs_f64();
    let actions = coord.actions.len();
    Ok(CoordBench {
        actions,
        seconds,
        actions_per_second: actions as f64 / seconds,
    })
}

#[derive(Debug, Serialize)]
struct Latency {
    p50: f64,
    p99: f64,
    max: f64,
}

/// The bench workflow: a fork of `width` chains of `true`, then a join.
fn bench_workflow(tasks: usize, width: usize) -> String {
    let width = width.clamp(2, tasks.max(2));
    let mut xml = String::from(
        r#"<workflow-app name="bench" xmlns="uri:oozie:workflow:1.0">
<global><resource-manager>local</resource-manager><name-node>file:///</name-node></global>
<start to="fork"/>
<fork name="fork">"#,
    );
    let mut chains: Vec<Vec<String>> = vec![Vec::new(); width];
    for t in 0..tasks.max(width) {
        chains[t % width].push(format!("t{t}"));
    }
    for chain in &chains {
        xml.push_str(&format!(r#"<path start="{}"/>"#, chain[0]));
    }
    xml.push_str("</fork>\n");
    for chain in &chains {
        for (i, name) in chain.iter().enumerate() {
            let next = chain.get(i + 1).map_or("join", String::as_str);
            xml.push_str(&format!(
                r#"<action name="{name}"><shell xmlns="uri:oozie:shell-action:1.0"><exec>true</exec></shell><ok to="{next}"/><error to="fail"/></action>
"#
            ));
        }
    }
    xml.push_str(
        r#"<join name="join" to="end"/>
<kill name="fail"><message>a task failed</message></kill>
<end name="end"/>
</workflow-app>"#,
    );
    xml
}

/// How many `true` processes per second this machine starts and reaps with `width` at a
/// time, with nothing else around them: the ceiling the engine is measured against. Each of
/// `width` workers starts one, waits for it, and starts the next, so starting happens on
/// every core, as in the engine.
async fn spawn_ceiling(count: usize, width: usize) -> anyhow::Result<f64> {
    let started = Instant::now();
    let mut workers = tokio::task::JoinSet::new();
    for w in 0..width {
        let share = count / width + usize::from(w < count % width);
        workers.spawn(async move {
            for _ in 0..share {
                let mut child = tokio::process::Command::new("true")
                    .stdin(std::process::Stdio::null())
                    .stdout(std::process::Stdio::piped())
                    .stderr(std::process::Stdio::piped())
                    .process_group(0)
                    .spawn()?;
                child.wait().await?;
            }
            Ok::<(), std::io::Error>(())
        });
    }
    while let Some(done) = workers.join_next().await {
        done??;
    }
    Ok(count as f64 / started.elapsed().as_secs_f64())
}

fn percentile(sorted: &[i64], p: f64) -> f64 {
    if sorted.is_empty() {
        return 0.0;
    }
    let rank = ((p / 100.0) * (sorted.len() - 1) as f64).round() as usize;
    sorted[rank.min(sorted.len() - 1)] as f64 / 1000.0
}

/// `sluice bench`.
pub(crate) async fn bench(tasks: usize, width: usize) -> anyhow::Result<ExitCode> {
    let tasks = tasks.max(2);
    let width = width.clamp(2, tasks);
    let workflow = from_workflow_xml(&bench_workflow(tasks, width))
        .map_err(|e| anyhow::anyhow!("the bench workflow: {e}"))?
        .workflow;
    let dir = tempfile::Builder::new().prefix("sluice-bench-").tempdir()?;
    let (engine, store, task) =
        local_engine(dir.path(), width, ExecConfig::new(PathBuf::new())).await?;
    engine.stats(true).await;
    let mut updates = engine.subscribe();
    let started = Instant::now();
    let id = engine
        .submit(Submission {
            workflow,
            workflow_id: None,
            workflow_version: None,
            conf: BTreeMap::new(),
            user: "bench".to_owned(),
            start: true,
            coord: None,
        })
        .await?;
    let status = loop {
        match updates.recv().await {
            Ok(u) if u.instance == id && u.node.is_none() => {
                if let Some(s) = JobStatus::parse(&u.status).filter(|s| s.is_terminal()) {
                    break s;
                }
            }
            Ok(_) | Err(tokio::sync::broadcast::error::RecvError::Lagged(_)) => {}
            Err(_) => anyhow::bail!("the engine stopped"),
        }
    };
    let seconds = started.elapsed().as_secs_f64();
    let stats = engine.stats(false).await.unwrap_or_default();
    engine.shutdown().await;
    let _ = task.await;
    store.close().await;
    if status != JobStatus::Succeeded {
        anyhow::bail!("the bench workflow ended {}", status.id());
    }
    let mut latencies = stats.latencies;
    latencies.sort_unstable();
    let ceiling = spawn_ceiling(tasks.min(20_000), width).await?;
    let report = BenchReport {
        tasks,
        seconds,
        tasks_per_second: tasks as f64 / seconds,
        latency_ms: Latency {
            p50: percentile(&latencies, 50.0),
            p99: percentile(&latencies, 99.0),
            max: latencies.last().map_or(0.0, |&m| m as f64 / 1000.0),
        },
        spawn_ceiling_per_second: ceiling,
        width,
        batches: stats.batches,
        coordinator: coordinator_bench()?,
    };
    println!("{}", serde_json::to_string(&report)?);
    Ok(ExitCode::SUCCESS)
}
