//! The workflow engine: runs instances of workflows on this server.
//!
//! - [`graph`]: the graph an instance runs, the workflow's Oozie plan, owned.
//! - [`instance`]: an instance's state and settings (retries, timeouts, failure strategy).
//! - [`task`]: an action resolved against its instance, ready for an executor.
//! - [`planner`]: every decision, pure: events and the time in, commands out.

pub mod graph;
pub mod instance;
pub mod planner;
pub mod task;

#[cfg(test)]
mod tests;
