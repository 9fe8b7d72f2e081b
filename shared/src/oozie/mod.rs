//! Oozie, for the workflow model.
//!
//! - [`plan`]: the drawing as Oozie nodes: fork/join synthesized, implicit parts named.
//! - export: `workflow.xml` from the plan, exactly what the official schemas accept
//!   (checked with xmllint against `all-oozie.xsd` in tests) and what Oozie's parser needs
//!   beyond the schema (a name-node and job-tracker for every Hadoop action).
//! - [`validate`]: Oozie's submit-time graph walk, ported, with its codes and messages.
//! - [`outline`]: any `workflow.xml` checked in Oozie's order (length, schema, nodes, walk).
//! - [`import`]: any `workflow.xml` Oozie accepts, into the editing model (fork/join folded).

mod export;
pub mod import;
pub mod outline;
pub mod plan;
pub mod validate;

pub use export::{
    ExportError, export_with_notes, extra_files, job_properties_text, to_job_properties,
    to_workflow_xml, to_workflow_xml_as,
};
pub use import::{ImportError, Imported, from_workflow_xml, parse_job_properties};
