//! Sluice's domain core, shared by the browser app (compiled to wasm32) and the server.
//!
//! Everything here is pure: data in, data out. There is no I/O, no clock and no randomness,
//! so the designer's live validation and the server's authoritative check on save are the
//! very same code and cannot disagree.
//!
//! - [`workflow`]: the editing model (nodes, ok/error edges, canvas positions) and its validation.
//! - [`oozie`]: everything Oozie: the planner that turns a drawing into fork/join, XML export,
//!   the port of Oozie's submit-time validator, and checking any `workflow.xml` as Oozie does.
//! - [`coord`]: coordinators: model, coordinator.xml, datasets, submit and materialization.
//! - [`el`]: Oozie's expression language, with the `wf:` functions over a runtime trait.
//! - [`time`]: Oozie's time: zones, calendar steps, cron, frequencies, materialization.
//! - [`api`]: request and response bodies of the REST API, shared with the browser client.
//! - [`xml`]: a hardened XML tree reader for untrusted documents.

pub mod alert;
pub mod api;
pub mod coord;
pub mod datasource;
pub mod el;
pub mod oozie;
pub mod order;
pub mod sla;
pub mod time;
pub mod workflow;
pub mod xml;
