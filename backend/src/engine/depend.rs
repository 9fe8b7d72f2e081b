//! The Dependent task: it looks, every `interval`, for an instance of the upstream
//! workflow that stands for the period it depends on, and ends when one has SUCCEEDED,
//! or fails when `timeout` passes first.
//!
//! An instance stands for its coordinator action's nominal time, or for when it was made
//! (a manual run), as DolphinScheduler matches by schedule time. A failed upstream does
//! not fail the task at once: a rerun of it may still succeed within the timeout, which is
//! also how Oozie's coordinator waits for the upstream's success flag.

use std::path::PathBuf;
use std::sync::Arc;
use std::time::Duration;

use chrono::{DateTime, Utc};
use shared::workflow::tasks::Dependency;

use super::exec::Log;
use super::task::Outcome;
use crate::store::{PeriodRun, Store};

/// What one look found.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Look {
    Released { instance: i64 },
    Waiting(String),
}

/// The newest succeeded instance releases the task; otherwise what there is, in words.
pub fn look(workflow: &str, runs: &[PeriodRun]) -> Look {
    if let Some(done) = runs.iter().find(|r| r.status == "SUCCEEDED") {
        return Look::Released { instance: done.id };
    }
    match runs.first() {
        None => Look::Waiting(format!("no instance of '{workflow}' for the period yet")),
        Some(newest) => Look::Waiting(format!(
            "'{workflow}' instance {} is {}{}",
            newest.id,
            newest.status,
            if runs.len() > 1 {
                format!(" ({} instances for the period, none SUCCEEDED)", runs.len())
            } else {
                String::new()
            }
        )),
    }
}

fn at_minute(t: DateTime<Utc>) -> String {
    t.format("%Y-%m-%dT%H:%MZ").to_string()
}

/// Waits as the task says; `instance` is the instance the task runs in (or the top one
/// of its sub-workflows), whose time picks the period.
pub async fn wait(
    store: Arc<dyn Store>,
    dep: Dependency,
    instance: i64,
    minute: Duration,
    log_path: PathBuf,
    log_cap: u64,
) -> Outcome {
    let mut log = Log::new(log_path, log_cap);
    let outcome = waiting(store.as_ref(), &dep, instance, minute, &mut log).await;
    log.finish();
    outcome
}

async fn waiting(
    store: &dyn Store,
    dep: &Dependency,
    instance: i64,
    minute: Duration,
    log: &mut Log,
) -> Outcome {
    let fail = |code: &str, m: String| Outcome::failed(code, m);
    let reference = match store.instance_time(instance).await {
        Ok(ms) => DateTime::from_timestamp_millis(ms).unwrap_or_default(),
        Err(e) => {
            return fail(
                "DEPENDENCY",
                format!("cannot read this instance's time: {e}"),
            );
        }
    };
    let Some((from, to)) = dep.window(reference) else {
        return fail(
            "DEPENDENCY",
            "the period is outside the calendar".to_owned(),
        );
    };
    let timeout = minute * dep.timeout_min;
    let started = tokio::time::Instant::now();
    log.write(
        format!(
            "waiting for a SUCCEEDED instance of '{}' for {} to {} ({} {}, offset {}), \
             for at most {} min, looking every {} s\n",
            dep.workflow,
            at_minute(from),
            at_minute(to),
            dep.period.id(),
            dep.zone,
            dep.offset,
            dep.timeout_min,
            dep.interval_s
        )
        .as_bytes(),
    );
    let mut said = String::new();
    loop {
        let found = store
            .period_runs(
                &dep.workflow,
                from.timestamp_millis(),
                to.timestamp_millis(),
            )
            .await;
        let now = at_minute(Utc::now());
        match found {
            Ok(None) => {
                let m = format!("there is no stored workflow named '{}'", dep.workflow);
                log.write(format!("{now} {m}\n").as_bytes());
                return fail("DEPENDENCY", m);
            }
            Ok(Some(runs)) => match look(&dep.workflow, &runs) {
                Look::Released { instance } => {
                    log.write(
                        format!("{now} released: instance {instance} SUCCEEDED\n").as_bytes(),
                    );
                    let mut outcome = Outcome::ok();
                    outcome
                        .data
                        .insert("upstreamInstance".to_owned(), instance.to_string());
                    return outcome;
                }
                Look::Waiting(state) if state != said => {
                    log.write(format!("{now} {state}\n").as_bytes());
                    said = state;
                }
                Look::Waiting(_) => {}
            },
            // A database hiccup is not the upstream's answer: look again.
            Err(e) => log.write(format!("{now} cannot look ({e}); trying again\n").as_bytes()),
        }
        let left = timeout.saturating_sub(started.elapsed());
        if left.is_zero() {
            let m = format!(
                "no SUCCEEDED instance of '{}' for {} to {} within {} min ({said})",
                dep.workflow,
                at_minute(from),
                at_minute(to),
                dep.timeout_min
            );
            log.write(format!("{now} timed out: {m}\n").as_bytes());
            return fail("TIMEOUT", m);
        }
        let interval = Duration::from_secs(u64::from(dep.interval_s)).min(minute);
        tokio::time::sleep(left.min(interval)).await;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn run(id: i64, status: &str) -> PeriodRun {
        PeriodRun {
            id,
            status: status.into(),
            time_ms: 0,
        }
    }

    #[test]
    fn any_succeeded_instance_releases_and_the_rest_is_said() {
        assert_eq!(
            look("up", &[run(9, "FAILED"), run(7, "SUCCEEDED")]),
            Look::Released { instance: 7 }
        );
        assert_eq!(
            look("up", &[]),
            Look::Waiting("no instance of 'up' for the period yet".into())
        );
        assert_eq!(
            look("up", &[run(9, "RUNNING"), run(8, "KILLED")]),
            Look::Waiting(
                "'up' instance 9 is RUNNING (2 instances for the period, none SUCCEEDED)".into()
            )
        );
    }
}
