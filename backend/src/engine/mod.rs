//! The workflow engine: runs instances of workflows on this server.
//!
//! - [`graph`]: the graph an instance runs, the workflow's Oozie plan, owned.
//! - [`instance`]: an instance's state and settings (retries, timeouts, failure strategy).
//! - [`task`]: an action resolved against its instance, ready for an executor.
//! - [`planner`]: every decision, pure: events and the time in, commands out.
//! - [`coord`]: a coordinator job's decisions: materialization, data, controls, status.
//! - [`rerun`]: what a rerun keeps and what runs again; marks of ended instances.
//! - [`exec`]: the executors (processes, the local filesystem).
//! - [`sql`], [`depend`]: SQL and Dependent tasks, which run inside the server and read
//!   the store (a datasource, the upstream's instances).
//! - [`persist`]: the state as store rows and back.
//! - [`scheduler`]: the coordinators' loop: steps jobs, records, starts their workflows.
//! - [`runner`]: the loop: events in, one commit per batch, then the commands.

pub mod coord;
pub mod depend;
pub mod exec;
pub mod graph;
pub mod instance;
pub mod lease;
pub mod mail;
pub mod persist;
pub mod planner;
pub mod rerun;
pub mod runner;
pub mod scheduler;
pub mod sql;
pub mod task;

#[cfg(test)]
mod tests;

/// Writes until the database takes it: acting on a change that is not recorded could run
/// a task twice after a crash, so nothing happens until it is (backing off to 5 s).
pub(crate) async fn record<F, Fut>(what: &str, mut write: F)
where
    F: FnMut() -> Fut,
    Fut: std::future::Future<Output = Result<(), crate::store::StoreError>>,
{
    let mut delay = std::time::Duration::from_millis(100);
    while let Err(e) = write().await {
        tracing::error!(error = %e, "cannot record {what}; retrying");
        tokio::time::sleep(delay).await;
        delay = (delay * 2).min(std::time::Duration::from_secs(5));
    }
}
