//! `sluice coord run|jobs|show|suspend|resume|kill|change|rerun|ignore`: coordinator jobs
//! on a running server, with Oozie's `-change`, `-rerun` and `-ignore` options.

use std::io::Write;
use std::process::ExitCode;

use reqwest::Method;
use serde::Serialize;
use shared::api::{
    BackfillReport, BackfillRequest, CoordActionsRequest, CoordChangeRequest, CoordJobDetail,
    CoordJobSummary, CoordOpReport, CoordRunRequest, Page, StatusChange,
};

use super::instances::time;
use super::{Client, Outcome, finish, name_width, note_more, print_json, unusable};
use crate::config::{CoordCommand, ServerArgs};

pub(crate) async fn coord(server: &ServerArgs, command: CoordCommand) -> ExitCode {
    let client = match Client::new(server) {
        Ok(client) => client,
        Err(failure) => return finish(Err(failure)),
    };
    finish(match command {
        CoordCommand::Preview { .. } => unreachable!("runs on this machine"),
        CoordCommand::Run {
            coordinator,
            version,
            params,
            properties,
        } => {
            run(
                &client,
                &coordinator,
                version,
                properties.as_deref(),
                &params,
            )
            .await
        }
        CoordCommand::Backfill {
            coordinator,
            from,
            to,
            parallel,
            newest_first,
            version,
            params,
            dry_run,
        } => {
            let range = BackfillRequest {
                from,
                to,
                parallel: Some(parallel),
                newest_first,
                version,
                properties: Default::default(),
            };
            backfill(&client, &coordinator, range, &params, dry_run).await
        }
        CoordCommand::Jobs {
            coordinator,
            status,
            limit,
            json,
        } => jobs(&client, coordinator, status, limit, json).await,
        CoordCommand::Show { job, json } => show(&client, job, json).await,
        CoordCommand::Suspend { job, dry } => {
            operate(&client, job, "suspend", &(), dry.dry_run).await
        }
        CoordCommand::Resume { job, dry } => {
            operate(&client, job, "resume", &(), dry.dry_run).await
        }
        CoordCommand::Kill { job, dry } => operate(&client, job, "kill", &(), dry.dry_run).await,
        CoordCommand::Change {
            job,
            end,
            concurrency,
            pause,
            dry,
        } => {
            let body = CoordChangeRequest {
                end,
                concurrency,
                pause,
            };
            operate(&client, job, "change", &body, dry.dry_run).await
        }
        CoordCommand::Rerun {
            job,
            action,
            date,
            refresh,
            nocleanup,
            failed,
            dry,
        } => {
            let body = CoordActionsRequest {
                actions: action,
                dates: date,
                failed,
                refresh,
                nocleanup,
            };
            operate(&client, job, "rerun", &body, dry.dry_run).await
        }
        CoordCommand::Ignore { job, action, dry } => {
            let body = CoordActionsRequest {
                actions: Some(action),
                ..CoordActionsRequest::default()
            };
            operate(&client, job, "ignore", &body, dry.dry_run).await
        }
    })
}

async fn run(
    client: &Client,
    which: &str,
    version: Option<i64>,
    properties: Option<&std::path::Path>,
    params: &[String],
) -> Outcome<()> {
    let properties = crate::cli::properties(properties, params).map_err(unusable)?;
    let id = client.definition_id("coordinator", which).await?;
    let job: CoordJobSummary = client
        .json(
            client
                .request(Method::POST, &format!("/coordinators/{id}/run"))
                .json(&CoordRunRequest {
                    version,
                    properties,
                }),
        )
        .await?;
    println!("{}", job.id);
    Ok(())
}

async fn backfill(
    client: &Client,
    which: &str,
    mut body: BackfillRequest,
    params: &[String],
    dry_run: bool,
) -> Outcome<()> {
    body.properties = crate::cli::properties(None, params).map_err(unusable)?;
    let id = client.definition_id("coordinator", which).await?;
    let report: BackfillReport = client
        .json(
            client
                .request(Method::POST, &format!("/coordinators/{id}/backfill"))
                .query(&[("dry_run", dry_run)])
                .json(&body),
        )
        .await?;
    let mut out = std::io::stdout().lock();
    match &report.job {
        Some(job) => {
            let _ = writeln!(out, "{}", job.id);
        }
        None => {
            let _ = writeln!(out, "would run {} actions:", report.slots.len());
            for (number, nominal) in &report.slots {
                let _ = writeln!(out, "  {number:>5}  {}", time(Some(*nominal)));
            }
        }
    }
    Ok(())
}

async fn jobs(
    client: &Client,
    coordinator: Option<String>,
    status: Option<String>,
    limit: i64,
    json: bool,
) -> Outcome<()> {
    let mut query = vec![("limit", limit.to_string())];
    if let Some(c) = coordinator {
        let id = client.definition_id("coordinator", &c).await?;
        query.push(("coordinator_id", id.to_string()));
    }
    if let Some(s) = status {
        query.push(("status", s));
    }
    let page: Page<CoordJobSummary> = client
        .json(
            client
                .request(Method::GET, "/coordinator-jobs")
                .query(&query),
        )
        .await?;
    let mut out = std::io::stdout().lock();
    if json {
        print_json(&mut out, &page);
        return Ok(());
    }
    let width = name_width(page.items.iter().map(|j| j.name.as_str()), "COORDINATOR");
    let _ = writeln!(
        out,
        "{:>7}  {:<width$}  {:<19}  {:>7}  {:<19}  ERROR",
        "ID", "COORDINATOR", "STATUS", "ACTIONS", "NEXT (UTC)"
    );
    for j in &page.items {
        let _ = writeln!(
            out,
            "{:>7}  {:<width$}  {:<19}  {:>7}  {:<19}  {}",
            j.id,
            j.name,
            j.status.id(),
            j.last_action_number,
            time(j.next_materialized_at),
            j.error_message.as_deref().unwrap_or("")
        );
    }
    note_more(&page);
    Ok(())
}

async fn show(client: &Client, job: i64, json: bool) -> Outcome<()> {
    let d: CoordJobDetail = client
        .json(client.request(Method::GET, &format!("/coordinator-jobs/{job}")))
        .await?;
    let mut out = std::io::stdout().lock();
    if json {
        print_json(&mut out, &d);
        return Ok(());
    }
    let s = &d.summary;
    let _ = writeln!(
        out,
        "coordinator job {} ({}) of '{}': {}, until {} (UTC), concurrency {}",
        s.id,
        s.job_id,
        s.name,
        s.status.id(),
        time(Some(s.end)),
        s.concurrency
    );
    let p = &d.progress;
    let of = p.planned.map_or(String::new(), |n| format!(" of {n}"));
    let _ = writeln!(
        out,
        "  {}{of} actions: {} succeeded, {} failed, {} running, {} waiting, {} skipped",
        p.actions, p.succeeded, p.failed, p.running, p.waiting, p.skipped
    );
    if let Some(m) = &s.error_message {
        let _ = writeln!(out, "  {}: {m}", s.error_code.as_deref().unwrap_or("error"));
    }
    for a in &d.actions {
        let note = a
            .error_message
            .as_deref()
            .or(a.missing.as_deref())
            .unwrap_or("");
        let instance = a.instance.map_or("-".to_owned(), |i| i.to_string());
        let _ = writeln!(
            out,
            "  {:>5}  {:<19}  {:<9}  instance {instance:<6}  {note}",
            a.number,
            time(Some(a.nominal_time)),
            a.status.id()
        );
    }
    Ok(())
}

async fn operate(
    client: &Client,
    job: i64,
    op: &str,
    body: &impl Serialize,
    dry_run: bool,
) -> Outcome<()> {
    let report: CoordOpReport = client
        .json(
            client
                .request(Method::POST, &format!("/coordinator-jobs/{job}/{op}"))
                .query(&[("dry_run", dry_run)])
                .json(body),
        )
        .await?;
    let mut out = std::io::stdout().lock();
    let verb = if dry_run { "would be" } else { "is" };
    let _ = writeln!(
        out,
        "coordinator job {job}: {} (was {}); it {verb} {}",
        report.status.id(),
        report.was.id(),
        if report.status == report.was {
            "unchanged"
        } else {
            "changed"
        }
    );
    print_changes(&mut out, "action", &report.actions);
    print_changes(&mut out, "workflow instance", &report.instances);
    for n in &report.removed {
        let _ = writeln!(out, "  action {n}: taken back");
    }
    for p in &report.cleanup {
        let _ = writeln!(out, "  output {p}: deleted");
    }
    for p in &report.not_cleaned {
        let _ = writeln!(
            out,
            "  output {p}: not deleted (this server cannot reach it)"
        );
    }
    Ok(())
}

/// One line per change: `  action 3: SUCCEEDED -> WAITING`.
pub(super) fn print_changes(out: &mut impl Write, what: &str, changes: &[StatusChange]) {
    for c in changes {
        let _ = match &c.from {
            Some(from) => writeln!(out, "  {what} {}: {from} -> {}", c.item, c.to),
            None => writeln!(out, "  {what} {}: {}", c.item, c.to),
        };
    }
}
