//! Workflow instances: start one from a stored workflow, list and read them, steer them
//! (suspend, resume, kill, rerun, mark) and read their logs. The engine applies every
//! change; this layer picks the definition, checks input and shapes the answers.

use std::io::{Read, Seek, SeekFrom};

use shared::api::{
    ActionStatus, InstanceDetail, InstanceState, InstanceSummary, JobStatus, LogChunk, MarkKind,
    NodeState, Page, RerunReport, RerunRequest, RunRequest,
};
use shared::workflow::Workflow;

use super::{ListFilter, ServiceError, not_found, page_bounds};
use crate::AppState;
use crate::engine::graph::Kind;
use crate::engine::instance::{Instance, Mark};
use crate::engine::persist;
use crate::engine::planner::Refused;
use crate::engine::runner::{EngineHandle, Op, Submission, SubmitError};
use crate::store::{InstanceItem, InstanceQuery};

/// The most bytes one read of a log returns.
pub const MAX_LOG_CHUNK: u64 = 1024 * 1024;
/// Properties given to a run or a rerun, at most.
const MAX_PROPERTIES: usize = 1000;
const MAX_PROPERTY_BYTES: usize = 64 * 1024;

fn engine(state: &AppState) -> Result<&EngineHandle, ServiceError> {
    state.engine.as_ref().ok_or_else(|| {
        ServiceError::Unavailable("the workflow engine is not running on this server".to_owned())
    })
}

impl From<Refused> for ServiceError {
    fn from(r: Refused) -> Self {
        // Oozie's E0604: the job does not exist.
        if r.code == "E0604" {
            ServiceError::NotFound(r.message)
        } else {
            ServiceError::Refused {
                code: r.code.to_owned(),
                message: r.message,
            }
        }
    }
}

impl From<SubmitError> for ServiceError {
    fn from(e: SubmitError) -> Self {
        match e {
            SubmitError::Invalid(message) => ServiceError::BadInput(message),
            SubmitError::Refused(r) => r.into(),
            SubmitError::Store(s) => ServiceError::Store(s),
            SubmitError::Stopped => {
                ServiceError::Unavailable("the workflow engine is shutting down".to_owned())
            }
        }
    }
}

fn check_properties(
    properties: &std::collections::BTreeMap<String, String>,
) -> Result<(), ServiceError> {
    let bytes: usize = properties.iter().map(|(k, v)| k.len() + v.len()).sum();
    if properties.len() > MAX_PROPERTIES || bytes > MAX_PROPERTY_BYTES {
        return Err(ServiceError::BadInput(format!(
            "at most {MAX_PROPERTIES} properties of {} KiB in all",
            MAX_PROPERTY_BYTES / 1024
        )));
    }
    if let Some(k) = properties.keys().find(|k| k.trim().is_empty()) {
        return Err(ServiceError::BadInput(format!(
            "a property has an empty name ('{k}')"
        )));
    }
    Ok(())
}

/// Starts an instance of a stored workflow: the version asked for, else the published one,
/// else the newest.
pub async fn run(
    state: &AppState,
    workflow_id: i64,
    request: RunRequest,
    user: &str,
) -> Result<InstanceState, ServiceError> {
    let engine = engine(state)?;
    check_properties(&request.properties)?;
    let stored = state
        .store
        .get::<Workflow>(workflow_id)
        .await
        .map_err(not_found(format!("workflow {workflow_id}")))?;
    let version = request
        .version
        .or(stored.published_version)
        .unwrap_or(stored.revision);
    let workflow = if version == stored.revision {
        stored.definition
    } else {
        state
            .store
            .version::<Workflow>(workflow_id, version)
            .await
            .map_err(not_found(format!(
                "version {version} of workflow {workflow_id}"
            )))?
            .1
    };
    let id = engine
        .submit(Submission {
            workflow,
            workflow_id: Some(workflow_id),
            workflow_version: Some(version),
            conf: request.properties,
            user: user.to_owned(),
            start: !request.hold,
            coord: None,
        })
        .await?;
    state_of(state, id).await
}

/// An operation on an instance, or with `dry_run` what it would change; answers once
/// the change is recorded.
pub async fn operate(
    state: &AppState,
    id: i64,
    op: Op,
    dry_run: bool,
) -> Result<InstanceState, ServiceError> {
    Ok(engine(state)?.operate(id, op, dry_run).await?)
}

pub async fn rerun(
    state: &AppState,
    id: i64,
    request: RerunRequest,
) -> Result<RerunReport, ServiceError> {
    check_properties(&request.properties)?;
    Ok(engine(state)?.rerun(id, request).await?)
}

/// `POST /instances/{id}/mark` as an operation.
pub fn mark(node: String, mark: MarkKind) -> Op {
    let mark = match mark {
        MarkKind::Succeeded => Mark::Succeeded,
        MarkKind::Skipped => Mark::Skipped,
    };
    Op::Mark { node, mark }
}

async fn state_of(state: &AppState, id: i64) -> Result<InstanceState, ServiceError> {
    let (row, _) = state
        .store
        .get_instance(id)
        .await
        .map_err(not_found(format!("instance {id}")))?;
    Ok(InstanceState {
        id,
        status: status(&row.status)?,
        run: row.run,
        dry_run: false,
        was: None,
        nodes: Vec::new(),
    })
}

fn status(text: &str) -> Result<JobStatus, ServiceError> {
    JobStatus::parse(text)
        .ok_or_else(|| ServiceError::Internal(format!("an instance has the status '{text}'")))
}

/// Oozie's form of a workflow job id.
fn summary(item: InstanceItem) -> Result<InstanceSummary, ServiceError> {
    Ok(InstanceSummary {
        id: item.id,
        job_id: crate::engine::instance::job_id(item.id),
        workflow_id: item.workflow_id,
        workflow_version: item.workflow_version,
        name: item.name,
        status: status(&item.status)?,
        run: item.run,
        created_by: item.created_by,
        created_at: item.created_at_ms,
        started_at: item.started_at_ms,
        ended_at: item.ended_at_ms,
        error_code: item.error_code,
        error_message: item.error_message,
    })
}

/// A page of instances (not those of sub-workflows), newest first.
pub async fn list(
    state: &AppState,
    workflow_id: Option<i64>,
    filter: &ListFilter,
) -> Result<Page<InstanceSummary>, ServiceError> {
    let (limit, offset) = page_bounds(filter.limit, filter.offset)?;
    let status_filter =
        super::status_filter(filter.status.as_deref(), &JobStatus::ALL.map(JobStatus::id))?;
    let (since, until) = filter.created()?;
    let (items, total) = state
        .store
        .list_instances(&InstanceQuery {
            workflow_id,
            status: status_filter,
            since,
            until,
            limit,
            offset,
        })
        .await?;
    Ok(Page {
        items: items.into_iter().map(summary).collect::<Result<_, _>>()?,
        total,
        offset,
        limit,
    })
}

/// The workflow an instance runs: the copy made when it started, whatever was saved since.
pub async fn definition(state: &AppState, id: i64) -> Result<Workflow, ServiceError> {
    let (row, _) = state
        .store
        .get_instance(id)
        .await
        .map_err(not_found(format!("instance {id}")))?;
    serde_json::from_str(&row.definition)
        .map_err(|e| ServiceError::Internal(format!("instance {id}'s definition: {e}")))
}

/// An instance with every node of its graph, and why each waiting one waits.
pub async fn detail(state: &AppState, id: i64) -> Result<InstanceDetail, ServiceError> {
    let (row, nodes) = state
        .store
        .get_instance(id)
        .await
        .map_err(not_found(format!("instance {id}")))?;
    let inst = persist::restore(&row, &nodes).map_err(ServiceError::Internal)?;
    let slots_free = state.engine.as_ref().is_none_or(|e| !e.slots_full());
    Ok(InstanceDetail {
        summary: InstanceSummary {
            id: row.id,
            job_id: inst.job_id(),
            workflow_id: row.workflow_id,
            workflow_version: row.workflow_version,
            name: row.name,
            status: inst.status,
            run: row.run,
            created_by: row.created_by,
            created_at: row.created_at_ms,
            started_at: row.started_at_ms,
            ended_at: row.ended_at_ms,
            error_code: row.error_code,
            error_message: row.error_message,
        },
        parent_id: row.parent_id,
        parent_node: row.parent_node,
        last_error_node: row.last_error_node,
        properties: inst.conf.clone(),
        nodes: node_states(&inst, slots_free),
    })
}

/// Every node but those the plan never uses: finished ones in the order they finished,
/// then the rest in the graph's order.
fn node_states(inst: &Instance, slots_free: bool) -> Vec<NodeState> {
    let ms = |us: Option<i64>| us.map(|u| u.div_euclid(1000));
    let mut states: Vec<(Option<u32>, usize, NodeState)> = inst
        .graph
        .nodes
        .iter()
        .enumerate()
        .filter(|(_, n)| n.kind != Kind::Unused)
        .map(|(id, node)| {
            let run = &inst.nodes[id];
            let kind = match &node.kind {
                Kind::Action { .. } => inst
                    .graph
                    .action(id)
                    .map_or("action", |a| a.action.as_str()),
                Kind::Decision { .. } => "decision",
                Kind::Fork { .. } => "fork",
                Kind::Join { .. } => "join",
                Kind::Kill { .. } => "kill",
                Kind::End => "end",
                Kind::Unused => "unused",
            };
            let state = NodeState {
                name: node.name.clone(),
                kind: kind.to_owned(),
                status: run.status,
                waiting: inst.waiting(id, slots_free),
                mark: run.mark.map(|m| m.id().to_owned()),
                attempts: run.attempts,
                exit_code: run.exit_code,
                error_code: run.error_code.clone(),
                error_message: run.error_message.clone(),
                transition: run.transition.map(|t| inst.node_name(t).to_owned()),
                data: run.data.clone(),
                external_id: run.external_id.clone(),
                ready_at: ms(run.ready_at),
                started_at: ms(run.started_at),
                ended_at: ms(run.ended_at),
                retry_at: ms(run.retry_at),
            };
            (run.seq, id, state)
        })
        .collect();
    states.sort_by_key(|(seq, id, _)| (seq.is_none(), *seq, *id));
    states.into_iter().map(|(_, _, s)| s).collect()
}

/// A piece of one try's log: by default the last try of the current run, from `offset`
/// (negative: that many bytes before the end, for a tail).
pub async fn log(
    state: &AppState,
    id: i64,
    node: &str,
    run: Option<i64>,
    attempt: Option<u32>,
    offset: Option<i64>,
    limit: Option<u64>,
) -> Result<LogChunk, ServiceError> {
    let engine = engine(state)?;
    let (row, nodes) = state
        .store
        .get_instance(id)
        .await
        .map_err(not_found(format!("instance {id}")))?;
    let inst = persist::restore(&row, &nodes).map_err(ServiceError::Internal)?;
    // The name becomes part of a file path: only a node of the graph, and never one that
    // could leave the logs directory.
    if inst.graph.id(node).is_none() || node.contains('/') || node.starts_with('.') {
        return Err(ServiceError::NotFound(format!(
            "node '{node}' of instance {id}"
        )));
    }
    let current = nodes.iter().find(|n| n.node == node);
    let run = run.unwrap_or(row.run);
    if !(0..=row.run).contains(&run) {
        return Err(ServiceError::BadInput(format!(
            "instance {id} has runs 0 to {}",
            row.run
        )));
    }
    let last = if run == row.run {
        current.map_or(0, |n| u32::try_from(n.attempts).unwrap_or(0))
    } else {
        0
    };
    let attempt = attempt.unwrap_or(last.max(1));
    let live = run == row.run
        && attempt == last
        && current.is_some_and(|n| {
            ActionStatus::parse(&n.status).is_some_and(|s| s == ActionStatus::Running)
        });
    let limit = limit.unwrap_or(64 * 1024).clamp(1, MAX_LOG_CHUNK);
    let path = engine.log_path(id, run, node, attempt);
    let offset = offset.unwrap_or(0);
    tokio::task::spawn_blocking(move || read_chunk(&path, offset, limit, live))
        .await
        .map_err(|e| ServiceError::Internal(e.to_string()))?
        .map(|(offset, size, bytes)| LogChunk {
            node: node.to_owned(),
            run,
            attempt,
            offset,
            next_offset: offset + bytes.len() as u64,
            size,
            complete: !live,
            text: String::from_utf8_lossy(&bytes).into_owned(),
        })
}

/// Reads up to `limit` bytes from `offset` (negative: from the end); a log not written
/// (yet) reads as empty. The chunk holds whole UTF-8 characters: one cut at its start is
/// skipped (the chunk before ended with it), one cut at its end is left for the next chunk,
/// so a client joining chunks never shows a broken character.
fn read_chunk(
    path: &std::path::Path,
    offset: i64,
    limit: u64,
    live: bool,
) -> Result<(u64, u64, Vec<u8>), ServiceError> {
    let mut file = match std::fs::File::open(path) {
        Ok(f) => f,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok((0, 0, Vec::new())),
        Err(e) => return Err(ServiceError::Internal(format!("{}: {e}", path.display()))),
    };
    let io = |e: std::io::Error| ServiceError::Internal(format!("{}: {e}", path.display()));
    let size = file.metadata().map_err(io)?.len();
    let start = if offset < 0 {
        size.saturating_sub(offset.unsigned_abs())
    } else {
        (offset as u64).min(size)
    };
    file.seek(SeekFrom::Start(start)).map_err(io)?;
    let mut bytes = Vec::new();
    file.take(limit).read_to_end(&mut bytes).map_err(io)?;
    let more = live || start + (bytes.len() as u64) < size;
    let (skip, keep) = whole_chars(&bytes, start == 0, more);
    bytes.truncate(keep);
    bytes.drain(..skip);
    Ok((start + skip as u64, size, bytes))
}

/// The part of `bytes` that holds whole characters: how many bytes to skip at the start
/// (continuation bytes of a character begun before; none at the start of the file), and
/// where to end (before a character the next chunk completes, when `more` may follow).
/// Bytes that are not UTF-8 at all are kept, to show as replacement characters.
fn whole_chars(bytes: &[u8], file_start: bool, more: bool) -> (usize, usize) {
    let continuation = |b: u8| b & 0b1100_0000 == 0b1000_0000;
    let skip = if file_start {
        0
    } else {
        bytes
            .iter()
            .take(3)
            .take_while(|&&b| continuation(b))
            .count()
    };
    let mut keep = bytes.len();
    if more {
        // The last lead byte within the final four bytes, and how long its character is.
        if let Some(lead) = (bytes.len().saturating_sub(4).max(skip)..bytes.len())
            .rev()
            .find(|&i| !continuation(bytes[i]))
        {
            let width = match bytes[lead] {
                b if b >= 0b1111_0000 => 4,
                b if b >= 0b1110_0000 => 3,
                b if b >= 0b1100_0000 => 2,
                _ => 1,
            };
            // A chunk too small for even one character still moves on.
            if lead + width > bytes.len() && lead > skip {
                keep = lead;
            }
        }
    }
    (skip, keep)
}

#[cfg(test)]
mod tests {
    use super::whole_chars;

    #[test]
    fn chunks_hold_whole_characters() {
        let text = "añb€c😀".as_bytes(); // 1, 2, 1, 3, 1, 4 bytes
        assert_eq!(whole_chars(text, true, false), (0, text.len()));
        // Cut inside ñ at the start, inside 😀 at the end.
        let cut = &text[2..text.len() - 1];
        let (skip, keep) = whole_chars(cut, false, true);
        assert_eq!(std::str::from_utf8(&cut[skip..keep]).unwrap(), "b€c");
        // At the end of a finished log, what is there is shown as it is.
        assert_eq!(whole_chars(cut, false, false), (1, cut.len()));
        // Not UTF-8 at all: kept.
        assert_eq!(whole_chars(&[0xff, 0xfe, b'x'], false, true), (0, 3));
        // A limit below one character's width still makes progress.
        assert_eq!(whole_chars(&text[8..10], false, true), (0, 2));
        // Joining every chunk of a small limit gives the text back.
        for limit in 1..=6 {
            let mut joined = Vec::new();
            let mut at = 0;
            while at < text.len() {
                let end = (at + limit).min(text.len());
                let (skip, keep) = whole_chars(&text[at..end], at == 0, end < text.len());
                joined.extend_from_slice(&text[at + skip..at + keep]);
                at += keep;
            }
            if limit >= 4 {
                assert_eq!(joined, text, "limit {limit}");
            }
        }
    }
}
