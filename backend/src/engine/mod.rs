//! The workflow engine: runs instances of workflows on this server.
//!
//! - [`graph`]: the graph an instance runs, the workflow's Oozie plan, owned.
//! - [`instance`]: an instance's state and settings (retries, timeouts, failure strategy).
//! - [`task`]: an action resolved against its instance, ready for an executor.
//! - [`planner`]: every decision, pure: events and the time in, commands out.
//! - [`coord`]: a coordinator job's decisions: materialization, data, controls, status.
//! - [`rerun`]: what a rerun keeps and what runs again; marks of ended instances.
//! - [`exec`]: the executors (processes, the local filesystem).
//! - [`persist`]: the state as store rows and back.
//! - [`scheduler`]: the coordinators' loop: steps jobs, records, starts their workflows.
//! - [`runner`]: the loop: events in, one commit per batch, then the commands.

pub mod coord;
pub mod exec;
pub mod graph;
pub mod instance;
pub mod persist;
pub mod planner;
pub mod rerun;
pub mod runner;
pub mod scheduler;
pub mod task;

#[cfg(test)]
mod tests;
