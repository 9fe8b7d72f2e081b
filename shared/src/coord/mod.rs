//! Coordinators: the schedule, datasets and data triggers around a workflow.
//!
//! - this module: the editing model, every attribute kept as written (EL included), so an
//!   imported coordinator exports back to what its author wrote;
//! - [`xml`]: `coordinator.xml` in (0.1–0.5) and out (0.5), and dataset files for `<include>`;
//! - [`resolve`]: what Oozie does at submit: every attribute evaluated and checked, with
//!   Oozie's codes, into a [`resolve::Job`];
//! - [`materialize`]: each action of a job, with its dataset instances and its
//!   configuration evaluated with the `coord:` functions. These two are the one code path
//!   behind the preview in the browser and the scheduler on the server;
//! - [`dataset`]: dataset instance arithmetic.

pub mod dataset;
pub mod diff;
pub mod hcat;
pub mod materialize;
pub mod resolve;
pub mod xml;

use serde::{Deserialize, Serialize};

pub use crate::workflow::JobProperty;

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct Coordinator {
    pub name: String,
    /// `${coord:days(1)}`, `60`, or a cron such as `10 1 * * *`.
    pub frequency: String,
    pub start: String,
    pub end: String,
    pub timezone: String,
    #[serde(default)]
    pub parameters: Vec<Parameter>,
    #[serde(default)]
    pub controls: Controls,
    /// `<include>` dataset files, as written.
    #[serde(default)]
    pub includes: Vec<String>,
    #[serde(default)]
    pub datasets: Vec<DatasetDef>,
    #[serde(default)]
    pub inputs: Vec<DataIn>,
    /// Schema 0.5's `<and>`/`<or>` in place of a data-in list in `<input-events>`.
    #[serde(default)]
    pub input_events_logic: Option<Logic>,
    /// Schema 0.5's `<input-logic>`.
    #[serde(default)]
    pub input_logic: Vec<Logic>,
    #[serde(default)]
    pub outputs: Vec<DataOut>,
    pub app_path: String,
    #[serde(default)]
    pub configuration: Vec<Property>,
    /// The action's `<sla:info>`, kept verbatim.
    #[serde(default)]
    pub sla: Option<String>,
    /// job.properties: the values the `${…}` above are submitted with.
    #[serde(default)]
    pub job_properties: Vec<JobProperty>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct Parameter {
    pub name: String,
    pub value: Option<String>,
    pub description: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct Property {
    pub name: String,
    pub value: String,
    pub description: Option<String>,
}

/// `<controls>`, as written; [`resolve`] applies Oozie's defaults and clamping.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct Controls {
    pub timeout: Option<String>,
    pub concurrency: Option<String>,
    pub execution: Option<String>,
    pub throttle: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct DatasetDef {
    pub name: String,
    pub frequency: String,
    pub initial_instance: String,
    pub timezone: String,
    pub uri_template: String,
    /// `None`: no element (wait for `_SUCCESS`); `Some("")`: the directory is enough.
    pub done_flag: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub enum Instances {
    /// One or more `<instance>`s.
    List(Vec<String>),
    Range {
        start: String,
        end: String,
    },
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct DataIn {
    pub name: String,
    pub dataset: String,
    pub instances: Instances,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct DataOut {
    pub name: String,
    pub dataset: String,
    pub instance: String,
    pub nocleanup: Option<bool>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(rename_all = "kebab-case")]
pub enum LogicOp {
    And,
    Or,
    Combine,
    /// A leaf: `dataset` names a data-in of `<input-events>`.
    DataIn,
}

/// A node of `<input-logic>` (or of 0.5's logical `<input-events>`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct Logic {
    pub op: LogicOp,
    pub name: Option<String>,
    pub min: Option<String>,
    pub wait: Option<String>,
    /// For a data-in leaf.
    pub dataset: Option<String>,
    pub children: Vec<Logic>,
}

impl Coordinator {
    /// job.properties for this coordinator, escaped as Java properties.
    pub fn to_job_properties(&self) -> String {
        crate::oozie::job_properties_text(&self.job_properties)
    }

    /// The job properties as the map submission reads.
    pub fn properties(&self) -> std::collections::BTreeMap<String, String> {
        self.job_properties
            .iter()
            .map(|p| (p.name.clone(), p.value.clone()))
            .collect()
    }

    /// A new coordinator for the workflow at `app_path`: daily, in UTC, for a year from
    /// `start` — the shape Hue's editor starts from.
    pub fn new(name: &str, app_path: &str, start: &str, end: &str) -> Coordinator {
        Coordinator {
            name: name.to_owned(),
            frequency: "${coord:days(1)}".to_owned(),
            start: start.to_owned(),
            end: end.to_owned(),
            timezone: "UTC".to_owned(),
            parameters: Vec::new(),
            controls: Controls::default(),
            includes: Vec::new(),
            datasets: Vec::new(),
            inputs: Vec::new(),
            input_events_logic: None,
            input_logic: Vec::new(),
            outputs: Vec::new(),
            app_path: app_path.to_owned(),
            configuration: Vec::new(),
            sla: None,
            job_properties: Vec::new(),
        }
    }
}
