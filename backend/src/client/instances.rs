//! `sluice workflow run` and `sluice instance …`: instances on a running server.

use std::io::Write;
use std::path::Path;
use std::process::ExitCode;
use std::time::Duration;

use reqwest::Method;
use shared::api::{
    InstanceDetail, InstanceState, InstanceSummary, JobStatus, LogChunk, MarkKind, MarkRequest,
    Page, RerunReport, RerunRequest, RerunScope, RunRequest,
};

use super::{
    Client, Failure, Outcome, REFUSED, finish, name_width, note_more, print_json, unusable,
};
use crate::config::{InstanceCommand, MarkArg, ServerArgs};

/// How often `--wait` and `--follow` ask again.
const POLL: Duration = Duration::from_millis(500);

pub(crate) async fn instance(server: &ServerArgs, command: InstanceCommand) -> ExitCode {
    let client = match Client::new(server) {
        Ok(client) => client,
        Err(failure) => return finish(Err(failure)),
    };
    finish(match command {
        InstanceCommand::List {
            workflow,
            status,
            limit,
            json,
        } => list(&client, workflow, status, limit, json).await,
        InstanceCommand::Show { id, json, wait } => show(&client, id, json, wait).await,
        InstanceCommand::Start { id, dry } => operate(&client, id, "start", &(), dry.dry_run).await,
        InstanceCommand::Suspend { id, dry } => {
            operate(&client, id, "suspend", &(), dry.dry_run).await
        }
        InstanceCommand::Resume { id, dry } => {
            operate(&client, id, "resume", &(), dry.dry_run).await
        }
        InstanceCommand::Kill { id, dry } => operate(&client, id, "kill", &(), dry.dry_run).await,
        InstanceCommand::Rerun {
            id,
            failed,
            skip,
            from,
            params,
            version,
            dry_run,
        } => {
            let scope = match (failed, skip.is_empty(), from) {
                (true, _, _) => RerunScope::Failed,
                (_, false, _) => RerunScope::Skip { nodes: skip },
                (_, _, Some(node)) => RerunScope::From { node },
                _ => RerunScope::All,
            };
            rerun(&client, id, scope, &params, version, dry_run).await
        }
        InstanceCommand::Mark {
            id,
            node,
            mark,
            dry,
        } => {
            let mark = match mark {
                MarkArg::Succeeded => MarkKind::Succeeded,
                MarkArg::Skipped => MarkKind::Skipped,
            };
            let body = MarkRequest { node, mark };
            operate(&client, id, "mark", &body, dry.dry_run).await
        }
        InstanceCommand::Log {
            id,
            node,
            run,
            attempt,
            follow,
        } => log(&client, id, &node, run, attempt, follow).await,
    })
}

/// `sluice workflow run`.
pub(super) async fn run_workflow(
    client: &Client,
    which: &str,
    version: Option<i64>,
    properties: Option<&Path>,
    params: &[String],
    hold: bool,
    wait: bool,
) -> Outcome<()> {
    let properties = crate::cli::properties(properties, params).map_err(unusable)?;
    let id = client.workflow_id(which).await?;
    let body = RunRequest {
        version,
        properties,
        hold,
    };
    let started: InstanceState = client
        .json(
            client
                .request(Method::POST, &format!("/workflows/{id}/run"))
                .json(&body),
        )
        .await?;
    println!("{}", started.id);
    if wait {
        show(client, started.id, false, true).await
    } else {
        Ok(())
    }
}

pub(super) fn time(ms: Option<i64>) -> String {
    ms.and_then(chrono::DateTime::from_timestamp_millis)
        .map_or("-".to_owned(), |t| {
            t.format("%Y-%m-%d %H:%M:%S").to_string()
        })
}

async fn list(
    client: &Client,
    workflow: Option<String>,
    status: Option<String>,
    limit: i64,
    json: bool,
) -> Outcome<()> {
    let mut query = vec![("limit", limit.to_string())];
    if let Some(w) = workflow {
        query.push(("workflow_id", client.workflow_id(&w).await?.to_string()));
    }
    if let Some(s) = status {
        query.push(("status", s));
    }
    let page: Page<InstanceSummary> = client
        .json(client.request(Method::GET, "/instances").query(&query))
        .await?;
    let mut out = std::io::stdout().lock();
    if json {
        print_json(&mut out, &page);
        return Ok(());
    }
    let width = name_width(page.items.iter().map(|i| i.name.as_str()), "WORKFLOW");
    let _ = writeln!(
        out,
        "{:>7}  {:<width$}  {:<9}  {:>3}  {:<19}  {:<19}  ERROR",
        "ID", "WORKFLOW", "STATUS", "RUN", "STARTED (UTC)", "ENDED (UTC)"
    );
    for i in &page.items {
        let _ = writeln!(
            out,
            "{:>7}  {:<width$}  {:<9}  {:>3}  {:<19}  {:<19}  {}",
            i.id,
            i.name,
            i.status.id(),
            i.run,
            time(i.started_at),
            time(i.ended_at),
            i.error_message.as_deref().unwrap_or("")
        );
    }
    note_more(&page);
    Ok(())
}

async fn detail(client: &Client, id: i64) -> Outcome<InstanceDetail> {
    client
        .json(client.request(Method::GET, &format!("/instances/{id}")))
        .await
}

async fn show(client: &Client, id: i64, json: bool, wait: bool) -> Outcome<()> {
    let mut d = detail(client, id).await?;
    while wait && !d.summary.status.is_terminal() {
        tokio::time::sleep(POLL).await;
        d = detail(client, id).await?;
    }
    let mut out = std::io::stdout().lock();
    if json {
        print_json(&mut out, &d);
    } else {
        let s = &d.summary;
        let _ = writeln!(
            out,
            "instance {} ({}) of '{}': {}, run {}",
            s.id,
            s.job_id,
            s.name,
            s.status.id(),
            s.run
        );
        if let Some(m) = &s.error_message {
            let _ = writeln!(out, "  {}: {m}", s.error_code.as_deref().unwrap_or("error"));
        }
        let width = d
            .nodes
            .iter()
            .map(|n| n.name.len())
            .max()
            .unwrap_or(4)
            .max(4);
        for n in &d.nodes {
            let status = n.status.map_or("-", |s| s.id());
            let mut note = String::new();
            if let Some(w) = n.waiting {
                note = format!("waiting: {w:?}").to_lowercase();
            }
            if let Some(m) = &n.mark {
                note = m.clone();
            }
            if let Some(e) = &n.error_message {
                note = format!("{}: {e}", n.error_code.as_deref().unwrap_or("error"));
            }
            let _ = writeln!(
                out,
                "  {:<width$}  {:<8}  {:<10}  tries {}  {note}",
                n.name, n.kind, status, n.attempts
            );
        }
    }
    if wait && d.summary.status != JobStatus::Succeeded {
        return Err(Failure {
            status: REFUSED,
            message: format!("instance {id} ended {}", d.summary.status.id()),
        });
    }
    Ok(())
}

/// An operation; prints the status it leaves (or would leave) and each node it moves.
async fn operate(
    client: &Client,
    id: i64,
    op: &str,
    body: &impl serde::Serialize,
    dry_run: bool,
) -> Outcome<()> {
    let state: InstanceState = client
        .json(
            client
                .request(Method::POST, &format!("/instances/{id}/{op}"))
                .query(&[("dry_run", dry_run)])
                .json(body),
        )
        .await?;
    let mut out = std::io::stdout().lock();
    let _ = match state.was.filter(|w| *w != state.status) {
        Some(was) if dry_run => writeln!(
            out,
            "instance {id}: would go {} -> {}",
            was.id(),
            state.status.id()
        ),
        _ if dry_run => writeln!(out, "instance {id}: would stay {}", state.status.id()),
        _ => writeln!(out, "instance {id}: {}", state.status.id()),
    };
    super::coord_jobs::print_changes(&mut out, "node", &state.nodes);
    Ok(())
}

async fn rerun(
    client: &Client,
    id: i64,
    scope: RerunScope,
    params: &[String],
    version: Option<i64>,
    dry_run: bool,
) -> Outcome<()> {
    let properties = crate::cli::properties(None, params).map_err(unusable)?;
    let body = RerunRequest {
        scope,
        properties,
        version,
        dry_run,
    };
    let report: RerunReport = client
        .json(
            client
                .request(Method::POST, &format!("/instances/{id}/rerun"))
                .json(&body),
        )
        .await?;
    let verb = if dry_run { "would start" } else { "started" };
    println!("instance {id}: {verb} run {}", report.run);
    println!("  kept:  {}", list_or_none(&report.kept));
    println!("  again: {}", list_or_none(&report.again));
    Ok(())
}

fn list_or_none(names: &[String]) -> String {
    if names.is_empty() {
        "(none)".to_owned()
    } else {
        names.join(", ")
    }
}

async fn log(
    client: &Client,
    id: i64,
    node: &str,
    run: Option<i64>,
    attempt: Option<u32>,
    follow: bool,
) -> Outcome<()> {
    let mut offset = 0u64;
    let path = format!("/instances/{id}/nodes/{node}/log");
    loop {
        let mut query = vec![
            ("offset", offset.to_string()),
            ("limit", (1024 * 1024).to_string()),
        ];
        if let Some(r) = run {
            query.push(("run", r.to_string()));
        }
        if let Some(a) = attempt {
            query.push(("attempt", a.to_string()));
        }
        let chunk: LogChunk = client
            .json(client.request(Method::GET, &path).query(&query))
            .await?;
        let mut out = std::io::stdout().lock();
        let _ = out.write_all(chunk.text.as_bytes());
        let _ = out.flush();
        drop(out);
        let more = chunk.next_offset < chunk.size;
        offset = chunk.next_offset;
        if more {
            continue;
        }
        if !follow || chunk.complete {
            return Ok(());
        }
        tokio::time::sleep(POLL).await;
    }
}
