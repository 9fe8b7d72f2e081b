//! Coordinator jobs: submit one from a stored coordinator, list and read them with their
//! actions, and steer them. The scheduler applies every change; this layer picks the
//! definition, reads the input and shapes the answers.

use std::collections::BTreeMap;

use shared::api::{
    BackfillReport, BackfillRequest, CoordActionState, CoordActionStatus, CoordActionsRequest,
    CoordChangeRequest, CoordJobDetail, CoordJobSummary, CoordOpReport, CoordProgress,
    CoordRunRequest, CoordStatus, Page,
};
use shared::coord::Coordinator;
use shared::time::parse_oozie_time;

use super::{ListFilter, ServiceError, not_found, page_bounds};
use crate::AppState;
use crate::engine::coord::{Change, DatePick};
use crate::engine::scheduler::{
    Backfill, CoordOp, CoordSubmission, CoordSubmitError, Pick, SchedulerHandle,
};
use crate::store::{CoordActionRow, CoordJobQuery, CoordJobRow};

/// The most actions one rerun or ignore names.
pub const MAX_ACTIONS: usize = 10_000;

fn scheduler(state: &AppState) -> Result<&SchedulerHandle, ServiceError> {
    state.scheduler.as_ref().ok_or_else(|| {
        ServiceError::Unavailable("the coordinator scheduler is not running on this server".into())
    })
}

impl From<CoordSubmitError> for ServiceError {
    fn from(e: CoordSubmitError) -> Self {
        match e {
            CoordSubmitError::Invalid(message) => ServiceError::BadInput(message),
            CoordSubmitError::Store(s) => ServiceError::Store(s),
            CoordSubmitError::Refused(r) => r.into(),
        }
    }
}

/// Submits a job of a stored coordinator: the version asked for, else the published one,
/// else the newest.
pub async fn run(
    state: &AppState,
    coordinator_id: i64,
    request: CoordRunRequest,
    user: &str,
) -> Result<CoordJobSummary, ServiceError> {
    let scheduler = scheduler(state)?;
    let submission = submission(
        state,
        coordinator_id,
        request.version,
        request.properties,
        user,
    )
    .await?;
    let id = scheduler.submit(submission).await?;
    summary(get(state, id).await?.0)
}

/// A backfill of a stored coordinator (chosen as for [`run`]); with `dry_run`, only the
/// slots it would run.
pub async fn backfill(
    state: &AppState,
    coordinator_id: i64,
    request: BackfillRequest,
    dry_run: bool,
    user: &str,
) -> Result<BackfillReport, ServiceError> {
    let scheduler = scheduler(state)?;
    let time = |what: &str, text: &str| {
        parse_oozie_time(text.trim())
            .map_err(|e| ServiceError::BadInput(format!("backfill {what} '{text}': {e}")))
    };
    let range = Backfill {
        from: time("from", &request.from)?,
        to: time("to", &request.to)?,
        parallel: request.parallel.unwrap_or(1),
        newest_first: request.newest_first,
    };
    let submission = submission(
        state,
        coordinator_id,
        request.version,
        request.properties,
        user,
    )
    .await?;
    let (id, slots) = scheduler.backfill(submission, &range, dry_run).await?;
    let job = match id {
        Some(id) => Some(summary(get(state, id).await?.0)?),
        None => None,
    };
    Ok(BackfillReport {
        dry_run,
        job,
        slots: slots
            .iter()
            .map(|s| (s.number as i64, s.nominal.timestamp_millis()))
            .collect(),
    })
}

/// The stored coordinator's version to run, with `properties` over its own.
async fn submission(
    state: &AppState,
    coordinator_id: i64,
    version: Option<i64>,
    properties: BTreeMap<String, String>,
    user: &str,
) -> Result<CoordSubmission, ServiceError> {
    let stored = state
        .store
        .get::<Coordinator>(coordinator_id)
        .await
        .map_err(not_found(format!("coordinator {coordinator_id}")))?;
    let version = version
        .or(stored.published_version)
        .unwrap_or(stored.revision);
    let coordinator = if version == stored.revision {
        stored.definition
    } else {
        state
            .store
            .version::<Coordinator>(coordinator_id, version)
            .await
            .map_err(not_found(format!(
                "version {version} of coordinator {coordinator_id}"
            )))?
            .1
    };
    let mut conf = coordinator.properties();
    conf.extend(properties);
    Ok(CoordSubmission {
        coordinator,
        included: Vec::new(),
        conf,
        user: user.to_owned(),
        coordinator_id: Some(coordinator_id),
        coordinator_version: Some(version),
    })
}

async fn get(
    state: &AppState,
    id: i64,
) -> Result<(CoordJobRow, Vec<CoordActionRow>), ServiceError> {
    state
        .store
        .get_coord_job(id)
        .await
        .map_err(not_found(format!("coordinator job {id}")))
}

fn summary(row: CoordJobRow) -> Result<CoordJobSummary, ServiceError> {
    Ok(CoordJobSummary {
        id: row.id,
        job_id: crate::engine::coord::job_id(row.id),
        coordinator_id: row.coordinator_id,
        coordinator_version: row.coordinator_version,
        name: row.name,
        status: CoordStatus::parse(&row.status).ok_or_else(|| {
            ServiceError::Internal(format!("a coordinator job has the status '{}'", row.status))
        })?,
        created_by: row.created_by,
        created_at: row.created_at_ms,
        updated_at: row.updated_at_ms,
        last_action_number: row.last_action_number,
        next_materialized_at: row.next_materialized_ms,
        end: row.end_ms,
        pause: row.pause_ms,
        concurrency: row.concurrency,
        error_code: row.error_code,
        error_message: row.error_message,
        kind: row.kind,
        planned: row.planned,
        progress: None,
        last_run_at: None,
    })
}

fn action(a: CoordActionRow) -> Result<CoordActionState, ServiceError> {
    let bad = |what: &str, e: serde_json::Error| {
        ServiceError::Internal(format!(
            "coordinator action {}@{} {what}: {e}",
            a.job_id, a.number
        ))
    };
    let inputs: BTreeMap<String, Vec<String>> =
        serde_json::from_str(&a.inputs).map_err(|e| bad("inputs", e))?;
    let configuration: BTreeMap<String, String> =
        serde_json::from_str(&a.configuration).map_err(|e| bad("configuration", e))?;
    Ok(CoordActionState {
        number: a.number,
        action_id: format!("{}@{}", crate::engine::coord::job_id(a.job_id), a.number),
        nominal_time: a.nominal_ms,
        created_at: a.created_ms,
        status: CoordActionStatus::parse(&a.status).ok_or_else(|| {
            ServiceError::Internal(format!(
                "a coordinator action has the status '{}'",
                a.status
            ))
        })?,
        missing: a.missing,
        instance: a.instance_id,
        tries: a.tries,
        error_code: a.error_code,
        error_message: a.error_message,
        inputs,
        configuration,
    })
}

pub async fn list(
    state: &AppState,
    coordinator_id: Option<i64>,
    filter: &ListFilter,
) -> Result<Page<CoordJobSummary>, ServiceError> {
    let (limit, offset) = page_bounds(filter.limit, filter.offset)?;
    let status = super::status_filter(
        filter.status.as_deref(),
        &CoordStatus::ALL.map(CoordStatus::id),
    )?;
    let (since, until) = filter.created()?;
    let (rows, total) = state
        .store
        .list_coord_jobs(&CoordJobQuery {
            coordinator_id,
            status,
            since,
            until,
            limit,
            offset,
        })
        .await?;
    let mut items: Vec<CoordJobSummary> =
        rows.into_iter().map(summary).collect::<Result<_, _>>()?;
    let ids: Vec<i64> = items.iter().map(|j| j.id).collect();
    let tally = state.store.coord_action_tally(&ids).await?;
    for job in &mut items {
        let mut p = CoordProgress {
            planned: job.planned,
            ..CoordProgress::default()
        };
        for t in tally.iter().filter(|t| t.job_id == job.id) {
            let status = CoordActionStatus::parse(&t.status).ok_or_else(|| {
                ServiceError::Internal(format!(
                    "a coordinator action has the status '{}'",
                    t.status
                ))
            })?;
            count(&mut p, status, t.count);
            if !matches!(
                status,
                CoordActionStatus::Waiting | CoordActionStatus::Ready
            ) {
                job.last_run_at = job.last_run_at.max(Some(t.last_nominal_ms));
            }
        }
        job.progress = Some(p);
    }
    Ok(Page {
        items,
        total,
        offset,
        limit,
    })
}

pub async fn detail(state: &AppState, id: i64) -> Result<CoordJobDetail, ServiceError> {
    let (row, actions) = get(state, id).await?;
    let summary = summary(row)?;
    let actions: Vec<CoordActionState> =
        actions.into_iter().map(action).collect::<Result<_, _>>()?;
    Ok(CoordJobDetail {
        progress: progress(summary.planned, &actions),
        summary,
        actions,
    })
}

fn progress(planned: Option<i64>, actions: &[CoordActionState]) -> CoordProgress {
    let mut p = CoordProgress {
        planned,
        ..CoordProgress::default()
    };
    for a in actions {
        count(&mut p, a.status, 1);
    }
    p
}

/// Adds `n` actions in `status` to the progress.
fn count(p: &mut CoordProgress, status: CoordActionStatus, n: i64) {
    use CoordActionStatus as A;
    p.actions += n;
    *match status {
        A::Waiting | A::Ready => &mut p.waiting,
        A::Submitted | A::Running | A::Suspended => &mut p.running,
        A::Succeeded => &mut p.succeeded,
        A::Failed | A::Killed | A::TimedOut => &mut p.failed,
        A::Skipped | A::Ignored => &mut p.skipped,
    } += n;
}

/// An operation, or with `dry_run` what it would do; answers once the change is
/// recorded.
pub async fn operate(
    state: &AppState,
    id: i64,
    op: CoordOp,
    dry_run: bool,
) -> Result<CoordOpReport, ServiceError> {
    Ok(scheduler(state)?.operate(id, op, dry_run).await?)
}

/// The actions a rerun or an ignore names: by number or (rerun) by date, not both.
pub fn pick(request: &CoordActionsRequest, dates_allowed: bool) -> Result<Pick, ServiceError> {
    match (&request.actions, &request.dates) {
        (Some(numbers), None) => Ok(Pick::Numbers(action_numbers(numbers)?)),
        (None, Some(dates)) if dates_allowed => Ok(Pick::Dates(date_picks(dates)?)),
        (None, Some(_)) => Err(ServiceError::BadInput(
            "name the actions by number (`actions`)".to_owned(),
        )),
        _ => Err(ServiceError::BadInput(
            "E1018: name the actions either by number (`actions`: 1,3-4) or by nominal time \
             (`dates`: 2026-01-01T00:00Z::2026-01-02T00:00Z,2026-01-05T00:00Z), one of the two"
                .to_owned(),
        )),
    }
}

/// Oozie's `-date`: nominal times and `from::to` ranges (ends included), comma-separated,
/// in UTC as Oozie writes them.
pub fn date_picks(text: &str) -> Result<Vec<DatePick>, ServiceError> {
    let bad = |why: String| ServiceError::BadInput(format!("E1018: dates '{text}': {why}"));
    let time = |t: &str| parse_oozie_time(t.trim()).map_err(|e| bad(format!("'{t}': {e}")));
    let mut out = Vec::new();
    for part in text.split(',').map(str::trim).filter(|p| !p.is_empty()) {
        if out.len() == MAX_ACTIONS {
            return Err(bad(format!("more than {MAX_ACTIONS} dates")));
        }
        out.push(match part.split_once("::") {
            Some((from, to)) => {
                let (from, to) = (time(from)?, time(to)?);
                if from > to {
                    return Err(bad(format!("the range {part} runs backwards")));
                }
                DatePick { from, to: Some(to) }
            }
            None => DatePick {
                from: time(part)?,
                to: None,
            },
        });
    }
    if out.is_empty() {
        return Err(bad("name at least one date".to_owned()));
    }
    Ok(out)
}

/// Oozie's `-change` value, read: times as Oozie writes them, a pause of `""` clears it.
pub fn change(request: &CoordChangeRequest) -> Result<Change, ServiceError> {
    let time = |what: &str, text: &str| {
        parse_oozie_time(text.trim())
            .map_err(|e| ServiceError::BadInput(format!("E1015: {what} '{text}': {e}")))
    };
    if request.end.is_none() && request.concurrency.is_none() && request.pause.is_none() {
        return Err(ServiceError::BadInput(
            "E1015: say what to change: end, concurrency or pause".to_owned(),
        ));
    }
    Ok(Change {
        end: request.end.as_deref().map(|t| time("end", t)).transpose()?,
        concurrency: request.concurrency,
        pause: match request.pause.as_deref().map(str::trim) {
            None => None,
            Some("") => Some(None),
            Some(t) => Some(Some(time("pause", t)?)),
        },
    })
}

/// Action numbers as Oozie's `-action` takes them: `1,3-4,7`.
pub fn action_numbers(text: &str) -> Result<Vec<u64>, ServiceError> {
    let bad = |why: String| ServiceError::BadInput(format!("actions '{text}': {why}"));
    let mut out = Vec::new();
    for part in text.split(',').map(str::trim).filter(|p| !p.is_empty()) {
        let number = |s: &str| {
            s.trim()
                .parse::<u64>()
                .ok()
                .filter(|n| *n > 0)
                .ok_or_else(|| bad(format!("'{s}' is not an action number")))
        };
        let (from, to) = match part.split_once('-') {
            Some((a, b)) => (number(a)?, number(b)?),
            None => (number(part)?, number(part)?),
        };
        if from > to {
            return Err(bad(format!("the range {part} runs backwards")));
        }
        if out.len() as u64 + (to - from + 1) > MAX_ACTIONS as u64 {
            return Err(bad(format!("more than {MAX_ACTIONS} actions")));
        }
        out.extend(from..=to);
    }
    if out.is_empty() {
        return Err(bad("name at least one action".to_owned()));
    }
    out.sort_unstable();
    out.dedup();
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn action_numbers_read_like_oozies_action_option() {
        assert_eq!(action_numbers("1,3-4, 7").unwrap(), [1, 3, 4, 7]);
        assert_eq!(action_numbers("2,2,1").unwrap(), [1, 2]);
        for bad in ["", "0", "a", "4-3", "1-20000", "-1"] {
            assert!(action_numbers(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn dates_read_like_oozies_date_option() {
        let t = |s| parse_oozie_time(s).unwrap();
        assert_eq!(
            date_picks("2026-01-01T00:00Z::2026-01-02T00:00Z, 2026-01-05T00:00Z").unwrap(),
            [
                DatePick {
                    from: t("2026-01-01T00:00Z"),
                    to: Some(t("2026-01-02T00:00Z"))
                },
                DatePick {
                    from: t("2026-01-05T00:00Z"),
                    to: None
                }
            ]
        );
        for bad in [
            "",
            "yesterday",
            "2026-01-02T00:00Z::2026-01-01T00:00Z",
            "2026-01-01",
        ] {
            assert!(date_picks(bad).is_err(), "{bad}");
        }
        let both = CoordActionsRequest {
            actions: Some("1".into()),
            dates: Some("2026-01-01T00:00Z".into()),
            ..CoordActionsRequest::default()
        };
        assert!(pick(&both, true).is_err());
        assert!(pick(&CoordActionsRequest::default(), true).is_err());
        let dates = CoordActionsRequest {
            dates: Some("2026-01-01T00:00Z".into()),
            ..CoordActionsRequest::default()
        };
        assert!(pick(&dates, true).is_ok());
        assert!(pick(&dates, false).is_err(), "ignore takes numbers only");
    }

    #[test]
    fn a_change_reads_oozie_times_and_clears_a_pause_with_nothing() {
        let c = change(&CoordChangeRequest {
            end: Some("2026-12-31T00:00Z".into()),
            pause: Some(String::new()),
            concurrency: Some(-1),
        })
        .unwrap();
        assert_eq!(c.end, Some(parse_oozie_time("2026-12-31T00:00Z").unwrap()));
        assert_eq!(c.pause, Some(None));
        assert!(change(&CoordChangeRequest::default()).is_err());
        assert!(
            change(&CoordChangeRequest {
                end: Some("tomorrow".into()),
                ..CoordChangeRequest::default()
            })
            .is_err()
        );
    }
}
