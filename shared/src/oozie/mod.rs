//! Oozie, for the workflow model.
//!
//! - [`plan`]: the drawing as Oozie nodes: fork/join synthesized, implicit parts named.
//! - export: `workflow.xml` from the plan, exactly what the official schemas accept
//!   (checked with xmllint against `all-oozie.xsd` in tests) and what Oozie's parser needs
//!   beyond the schema (a name-node and job-tracker for every Hadoop action).
//! - [`validate`]: Oozie's submit-time graph walk, ported, with its codes and messages.
//! - [`outline`]: any `workflow.xml` checked in Oozie's order (length, schema, nodes, walk).

mod export;
pub mod outline;
pub mod plan;
pub mod validate;

pub use export::{ExportError, SHELL_NS, WORKFLOW_NS, to_workflow_xml};
