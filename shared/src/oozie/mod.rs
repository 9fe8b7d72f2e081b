//! Oozie XML for the workflow model.
//!
//! The export is the bridge to a real Oozie server, so it writes exactly what the official
//! schemas accept (checked with xmllint against `all-oozie.xsd` in tests) and what Oozie's
//! parser needs beyond the schema (a name-node and job-tracker for every Hadoop action).

mod export;
pub mod outline;
pub mod plan;
pub mod validate;

pub use export::{ExportError, SHELL_NS, WORKFLOW_NS, to_workflow_xml};
