//! Every Oozie action type, described once as data.
//!
//! Fourteen action types share most of their fields (cluster, prepare, launcher, job-xml,
//! configuration, files) and differ in a handful. Describing each type as a table of fields
//! in schema order, instead of fourteen hand-written structs, gives one reader, one writer,
//! one checker and one property form for all of them: a field added to a table is read,
//! written, validated and editable at once, and the XML order can only come from the table.
//!
//! Values are kept as the user typed them (EL included); nothing here evaluates them.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

/// The workflow schema an export targets. Actions are written in the newest namespace
/// version that goes with it.
#[derive(
    Debug, Clone, Copy, Default, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize,
)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub enum SchemaVersion {
    #[default]
    #[serde(rename = "0.5")]
    V0_5,
    #[serde(rename = "1.0")]
    V1_0,
}

impl SchemaVersion {
    pub const ALL: [SchemaVersion; 2] = [SchemaVersion::V0_5, SchemaVersion::V1_0];

    pub fn id(self) -> &'static str {
        match self {
            SchemaVersion::V0_5 => "0.5",
            SchemaVersion::V1_0 => "1.0",
        }
    }

    pub fn parse(s: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|v| v.id() == s)
    }

    pub fn workflow_ns(self) -> &'static str {
        match self {
            SchemaVersion::V0_5 => "uri:oozie:workflow:0.5",
            SchemaVersion::V1_0 => "uri:oozie:workflow:1.0",
        }
    }
}

/// The value of one field. The field's [`FieldKind`] says which variant it holds; the JSON
/// form is the natural one (a string, `true`, a list of strings, a list of properties…).
#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(untagged)]
pub enum Value {
    Text(String),
    Flag(bool),
    Texts(Vec<String>),
    Properties(Vec<Property>),
    Ops(Vec<FsOp>),
    Group(Fields),
}

impl Value {
    /// Empty values are the same as absent ones; they are never stored.
    pub fn is_empty(&self) -> bool {
        match self {
            Value::Text(_) => false,
            Value::Flag(set) => !set,
            Value::Texts(v) => v.is_empty(),
            Value::Properties(v) => v.is_empty(),
            Value::Ops(v) => v.is_empty(),
            Value::Group(g) => g.0.is_empty(),
        }
    }
}

/// A `<property>` of a `<configuration>`, `<parameters>` or `<credential>`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(deny_unknown_fields)]
pub struct Property {
    pub name: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub value: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
}

/// A file-system operation of an `fs` action or a `prepare` block, in the order written.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(tag = "op", rename_all = "kebab-case", deny_unknown_fields)]
pub enum FsOp {
    Delete {
        path: String,
        /// `skip-trash`, workflow 0.5 only (1.0 dropped it from the schema).
        #[serde(default, skip_serializing_if = "Option::is_none")]
        skip_trash: Option<String>,
    },
    Mkdir {
        path: String,
    },
    Move {
        source: String,
        target: String,
    },
    Chmod {
        path: String,
        permissions: String,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        dir_files: Option<String>,
        #[serde(default, skip_serializing_if = "std::ops::Not::not")]
        recursive: bool,
    },
    Touchz {
        path: String,
    },
    Chgrp {
        path: String,
        group: String,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        dir_files: Option<String>,
        #[serde(default, skip_serializing_if = "std::ops::Not::not")]
        recursive: bool,
    },
    /// Workflow 0.5 only.
    Setrep {
        path: String,
        replication_factor: String,
    },
}

impl FsOp {
    pub fn id(&self) -> &'static str {
        match self {
            FsOp::Delete { .. } => "delete",
            FsOp::Mkdir { .. } => "mkdir",
            FsOp::Move { .. } => "move",
            FsOp::Chmod { .. } => "chmod",
            FsOp::Touchz { .. } => "touchz",
            FsOp::Chgrp { .. } => "chgrp",
            FsOp::Setrep { .. } => "setrep",
        }
    }

    /// Whether the operation exists in this workflow schema.
    pub fn supported_in(&self, version: SchemaVersion) -> bool {
        match self {
            FsOp::Setrep { .. }
            | FsOp::Delete {
                skip_trash: Some(_),
                ..
            } => version == SchemaVersion::V0_5,
            _ => true,
        }
    }
}

/// Field values by key. Ordered by key for stable JSON; the XML order comes from the spec.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(transparent)]
pub struct Fields(pub BTreeMap<String, Value>);

impl Fields {
    pub fn get(&self, key: &str) -> Option<&Value> {
        self.0.get(key).filter(|v| !v.is_empty())
    }

    pub fn text(&self, key: &str) -> Option<&str> {
        match self.get(key) {
            Some(Value::Text(t)) => Some(t),
            _ => None,
        }
    }

    pub fn texts(&self, key: &str) -> &[String] {
        match self.get(key) {
            Some(Value::Texts(t)) => t,
            _ => &[],
        }
    }

    pub fn flag(&self, key: &str) -> bool {
        matches!(self.get(key), Some(Value::Flag(true)))
    }

    pub fn properties(&self, key: &str) -> &[Property] {
        match self.get(key) {
            Some(Value::Properties(p)) => p,
            _ => &[],
        }
    }

    pub fn ops(&self, key: &str) -> &[FsOp] {
        match self.get(key) {
            Some(Value::Ops(o)) => o,
            _ => &[],
        }
    }

    pub fn group(&self, key: &str) -> Option<&Fields> {
        match self.get(key) {
            Some(Value::Group(g)) => Some(g),
            _ => None,
        }
    }

    /// Sets a value; an empty one removes the field.
    pub fn set(&mut self, key: &str, value: Value) {
        if value.is_empty() {
            self.0.remove(key);
        } else {
            self.0.insert(key.to_owned(), value);
        }
    }

    pub fn is_empty(&self) -> bool {
        self.0.values().all(Value::is_empty)
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FieldKind {
    /// One element with text: `<exec>echo</exec>`.
    Text,
    /// A repeated element, one text each: `<argument>` × n.
    Texts,
    /// An empty element whose presence means yes: `<capture-output/>`.
    Flag,
    /// `<configuration>` with `<property>` children.
    Config,
    /// `<prepare>` with `delete` and `mkdir` children.
    Prepare,
    /// The `fs` action's operations.
    FsOps,
    /// A nested element with fields of its own: `<streaming>`, `<pipes>`, `<launcher>`.
    Group(&'static [FieldSpec]),
    /// Text that is a program (a Python script, an SQL statement): edited as code, many
    /// lines, and written like [`FieldKind::Text`] where it reaches XML.
    Code,
    /// Text that is one of these words (a Dependent task's period): offered as a choice.
    Choice(&'static [&'static str]),
    /// Text that names something stored on the server: offered from its names, any name
    /// typed still taken (it may be made later).
    Named(Names),
}

/// What a [`FieldKind::Named`] field names.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Names {
    /// The datasources an admin set up (SQL tasks).
    Datasources,
    /// Stored workflows (Dependent tasks).
    Workflows,
}

impl FieldKind {
    /// Whether the value is one text, however it is edited: one element in XML.
    pub fn is_text(self) -> bool {
        matches!(
            self,
            FieldKind::Text | FieldKind::Code | FieldKind::Choice(_) | FieldKind::Named(_)
        )
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct FieldSpec {
    /// The key in the model; also the element name, except `resource-manager`, which is
    /// written `job-tracker` in workflow 0.5.
    pub key: &'static str,
    pub kind: FieldKind,
    pub required: bool,
    /// The first workflow schema that has it.
    pub since: SchemaVersion,
}

impl FieldSpec {
    /// The element name, given whether the schema written spells the cluster's resource
    /// manager `resource-manager` (1.0 schemas) or `job-tracker` (older ones).
    pub fn element(&self, resource_manager: bool) -> &'static str {
        match self.key {
            "resource-manager" if !resource_manager => "job-tracker",
            key => key,
        }
    }

    /// The element names read into this field (both spellings of the resource manager).
    pub fn reads(&self, element: &str) -> bool {
        element == self.key || (self.key == "resource-manager" && element == "job-tracker")
    }
}

/// Whether an action needs a name-node and a resource manager from somewhere (itself,
/// `<global>`); Oozie's parser rejects those without (E0701).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Cluster {
    None,
    NameNode,
    Both,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ActionSpec {
    /// The element name: `map-reduce`, `shell`, …
    pub id: &'static str,
    pub label: &'static str,
    /// `None` for the actions of the workflow namespace; else the namespaces written with
    /// workflow 0.5 and 1.0, and the prefix every version shares.
    pub namespace: Option<ExtensionNs>,
    pub fields: &'static [FieldSpec],
    /// Exactly one of these must be set (`script` or `query`).
    pub one_of: &'static [&'static str],
    /// At most one of these may be set (`java-opts` or `java-opt`).
    pub at_most_one: &'static [&'static str],
    pub cluster: Cluster,
    /// `None` for Oozie's own action types. A Sluice task type (Python, SQL, Dependent)
    /// has no element of its own: it names the Oozie action it is exported as, and
    /// [`super::tasks`] translates it, so no XML Oozie would reject is ever written.
    pub exported_as: Option<&'static str>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ExtensionNs {
    pub v0_5: &'static str,
    pub v1_0: &'static str,
    /// Every version registered with Oozie, for reading.
    pub versions: &'static [&'static str],
}

impl ActionSpec {
    /// The namespace written for this action in the given workflow schema; `None` means the
    /// workflow's own.
    pub fn namespace_for(&self, version: SchemaVersion) -> Option<String> {
        self.namespace.map(|ns| {
            let v = match version {
                SchemaVersion::V0_5 => ns.v0_5,
                SchemaVersion::V1_0 => ns.v1_0,
            };
            format!("uri:oozie:{}-action:{v}", self.id)
        })
    }

    /// Whether the schema written for this action in `version` spells the resource manager
    /// `resource-manager` (every 1.0 schema) rather than `job-tracker`.
    pub fn resource_manager_spelling(&self, version: SchemaVersion) -> bool {
        match self.namespace {
            None => version == SchemaVersion::V1_0,
            Some(ns) => {
                let v = match version {
                    SchemaVersion::V0_5 => ns.v0_5,
                    SchemaVersion::V1_0 => ns.v1_0,
                };
                v == "1.0"
            }
        }
    }

    /// Whether a namespace is one Oozie accepts for this action.
    pub fn reads_namespace(&self, namespace: Option<&str>, workflow_ns: Option<&str>) -> bool {
        match self.namespace {
            None => namespace == workflow_ns,
            Some(ns) => namespace
                .and_then(|n| n.strip_prefix("uri:oozie:"))
                .and_then(|n| n.strip_prefix(self.id))
                .and_then(|n| n.strip_prefix("-action:"))
                .is_some_and(|v| ns.versions.contains(&v)),
        }
    }

    pub fn field(&self, key: &str) -> Option<&'static FieldSpec> {
        self.fields.iter().find(|f| f.key == key)
    }
}

const V05: SchemaVersion = SchemaVersion::V0_5;
const V10: SchemaVersion = SchemaVersion::V1_0;

const fn f(key: &'static str, kind: FieldKind) -> FieldSpec {
    FieldSpec {
        key,
        kind,
        required: false,
        since: V05,
    }
}

const fn req(key: &'static str, kind: FieldKind) -> FieldSpec {
    FieldSpec {
        key,
        kind,
        required: true,
        since: V05,
    }
}

const fn v1(key: &'static str, kind: FieldKind) -> FieldSpec {
    FieldSpec {
        key,
        kind,
        required: false,
        since: V10,
    }
}

use FieldKind::{Choice, Code, Config, Flag, FsOps, Group, Named, Prepare, Text, Texts};

/// `<launcher>` (workflow 1.0).
pub const LAUNCHER: &[FieldSpec] = &[
    f("memory.mb", Text),
    f("vcores", Text),
    f("java-opts", Text),
    f("env", Text),
    f("queue", Text),
    f("sharelib", Text),
    f("view-acl", Text),
    f("modify-acl", Text),
];

const STREAMING: &[FieldSpec] = &[
    f("mapper", Text),
    f("reducer", Text),
    f("record-reader", Text),
    f("record-reader-mapping", Texts),
    f("env", Texts),
];

const PIPES: &[FieldSpec] = &[
    f("map", Text),
    f("reduce", Text),
    f("inputformat", Text),
    f("partitioner", Text),
    f("writer", Text),
    f("program", Text),
];

/// `<global>`: defaults for every action.
pub const GLOBAL: &[FieldSpec] = &[
    f("resource-manager", Text),
    f("name-node", Text),
    v1("launcher", Group(LAUNCHER)),
    f("job-xml", Texts),
    f("configuration", Config),
];

const MAP_REDUCE: &[FieldSpec] = &[
    f("resource-manager", Text),
    f("name-node", Text),
    f("prepare", Prepare),
    f("streaming", Group(STREAMING)),
    f("pipes", Group(PIPES)),
    v1("launcher", Group(LAUNCHER)),
    f("job-xml", Texts),
    f("configuration", Config),
    f("config-class", Text),
    f("file", Texts),
    f("archive", Texts),
];

const PIG: &[FieldSpec] = &[
    f("resource-manager", Text),
    f("name-node", Text),
    f("prepare", Prepare),
    v1("launcher", Group(LAUNCHER)),
    f("job-xml", Texts),
    f("configuration", Config),
    req("script", Text),
    f("param", Texts),
    f("argument", Texts),
    f("file", Texts),
    f("archive", Texts),
];

const SUB_WORKFLOW: &[FieldSpec] = &[
    req("app-path", Text),
    f("propagate-configuration", Flag),
    f("configuration", Config),
];

const FS: &[FieldSpec] = &[
    f("name-node", Text),
    f("job-xml", Texts),
    f("configuration", Config),
    f("operations", FsOps),
];

const JAVA: &[FieldSpec] = &[
    f("resource-manager", Text),
    f("name-node", Text),
    f("prepare", Prepare),
    v1("launcher", Group(LAUNCHER)),
    f("job-xml", Texts),
    f("configuration", Config),
    req("main-class", Text),
    f("java-opts", Text),
    f("java-opt", Texts),
    f("arg", Texts),
    f("file", Texts),
    f("archive", Texts),
    f("capture-output", Flag),
];

const SHELL: &[FieldSpec] = &[
    f("resource-manager", Text),
    f("name-node", Text),
    f("prepare", Prepare),
    v1("launcher", Group(LAUNCHER)),
    f("job-xml", Texts),
    f("configuration", Config),
    req("exec", Text),
    f("argument", Texts),
    f("env-var", Texts),
    f("file", Texts),
    f("archive", Texts),
    f("capture-output", Flag),
];

const HIVE: &[FieldSpec] = &[
    f("resource-manager", Text),
    f("name-node", Text),
    f("prepare", Prepare),
    v1("launcher", Group(LAUNCHER)),
    f("job-xml", Texts),
    f("configuration", Config),
    f("script", Text),
    f("query", Text),
    f("param", Texts),
    f("argument", Texts),
    f("file", Texts),
    f("archive", Texts),
];

const HIVE2: &[FieldSpec] = &[
    f("resource-manager", Text),
    f("name-node", Text),
    f("prepare", Prepare),
    v1("launcher", Group(LAUNCHER)),
    f("job-xml", Texts),
    f("configuration", Config),
    req("jdbc-url", Text),
    f("password", Text),
    f("script", Text),
    f("query", Text),
    f("param", Texts),
    f("argument", Texts),
    f("file", Texts),
    f("archive", Texts),
];

const SQOOP: &[FieldSpec] = &[
    f("resource-manager", Text),
    f("name-node", Text),
    f("prepare", Prepare),
    v1("launcher", Group(LAUNCHER)),
    f("job-xml", Texts),
    f("configuration", Config),
    f("command", Text),
    f("arg", Texts),
    f("file", Texts),
    f("archive", Texts),
];

const SPARK: &[FieldSpec] = &[
    f("resource-manager", Text),
    f("name-node", Text),
    f("prepare", Prepare),
    v1("launcher", Group(LAUNCHER)),
    f("job-xml", Texts),
    f("configuration", Config),
    req("master", Text),
    f("mode", Text),
    req("name", Text),
    f("class", Text),
    req("jar", Text),
    f("spark-opts", Text),
    f("arg", Texts),
    f("file", Texts),
    f("archive", Texts),
];

const DISTCP: &[FieldSpec] = &[
    f("resource-manager", Text),
    f("name-node", Text),
    f("prepare", Prepare),
    v1("launcher", Group(LAUNCHER)),
    f("configuration", Config),
    f("java-opts", Text),
    f("arg", Texts),
];

const EMAIL: &[FieldSpec] = &[
    req("to", Text),
    f("cc", Text),
    f("bcc", Text),
    req("subject", Text),
    req("body", Text),
    f("content_type", Text),
    f("attachment", Text),
];

const SSH: &[FieldSpec] = &[
    req("host", Text),
    req("command", Text),
    f("args", Texts),
    f("arg", Texts),
    f("capture-output", Flag),
];

/// git-action has no job-tracker spelling: its schema only knows `resource-manager`.
const GIT: &[FieldSpec] = &[
    f("resource-manager", Text),
    req("name-node", Text),
    f("prepare", Prepare),
    req("git-uri", Text),
    f("branch", Text),
    f("key-path", Text),
    req("destination-uri", Text),
    f("configuration", Config),
];

const fn core(
    id: &'static str,
    label: &'static str,
    fields: &'static [FieldSpec],
    cluster: Cluster,
) -> ActionSpec {
    ActionSpec {
        id,
        label,
        namespace: None,
        fields,
        one_of: &[],
        at_most_one: &[],
        cluster,
        exported_as: None,
    }
}

const fn ext(
    id: &'static str,
    label: &'static str,
    (v0_5, v1_0, versions): (&'static str, &'static str, &'static [&'static str]),
    fields: &'static [FieldSpec],
    cluster: Cluster,
) -> ActionSpec {
    ActionSpec {
        id,
        label,
        namespace: Some(ExtensionNs {
            v0_5,
            v1_0,
            versions,
        }),
        fields,
        one_of: &[],
        at_most_one: &[],
        cluster,
        exported_as: None,
    }
}

/// A Sluice task type: run by Sluice, exported as the Oozie action named.
const fn sluice(
    id: &'static str,
    label: &'static str,
    exported_as: &'static str,
    fields: &'static [FieldSpec],
    cluster: Cluster,
) -> ActionSpec {
    ActionSpec {
        exported_as: Some(exported_as),
        ..core(id, label, fields, cluster)
    }
}

/// Python: a script run by the server's interpreter; a shell action running the script
/// file shipped beside workflow.xml in Oozie, hence the cluster fields of a shell action.
const PYTHON: &[FieldSpec] = &[
    req("script", Code),
    f("argument", Texts),
    f("env-var", Texts),
    f("file", Texts),
    f("capture-output", Flag),
];

/// SQL: a statement against a datasource configured in Sluice; a hive2 action in Oozie.
const SQL: &[FieldSpec] = &[
    req("datasource", Named(Names::Datasources)),
    req("statement", Code),
    f("max-rows", Text),
];

/// Dependent: waits for another workflow's instance of a period to succeed; in Oozie that
/// wait belongs to the coordinator (a dataset on the upstream's success flag).
const DEPENDENT: &[FieldSpec] = &[
    req("workflow", Named(Names::Workflows)),
    f("period", Choice(&super::tasks::PERIODS)),
    f("offset", Text),
    f("zone", Text),
    req("timeout", Text),
    f("interval", Text),
];

/// Every action type Sluice models, in the order the palette shows them.
pub const ACTIONS: &[ActionSpec] = &[
    ext(
        "shell",
        "Shell",
        ("0.3", "1.0", &["0.1", "0.2", "0.3", "1.0"]),
        SHELL,
        Cluster::Both,
    ),
    ActionSpec {
        one_of: &["script", "query"],
        ..ext(
            "hive",
            "Hive",
            ("0.6", "1.0", &["0.2", "0.3", "0.4", "0.5", "0.6", "1.0"]),
            HIVE,
            Cluster::Both,
        )
    },
    ActionSpec {
        one_of: &["script", "query"],
        ..ext(
            "hive2",
            "Hive2",
            ("0.2", "1.0", &["0.1", "0.2", "1.0"]),
            HIVE2,
            Cluster::Both,
        )
    },
    ext(
        "spark",
        "Spark",
        ("0.2", "1.0", &["0.1", "0.2", "1.0"]),
        SPARK,
        Cluster::Both,
    ),
    ActionSpec {
        one_of: &["command", "arg"],
        ..ext(
            "sqoop",
            "Sqoop",
            ("0.4", "1.0", &["0.2", "0.3", "0.4", "1.0"]),
            SQOOP,
            Cluster::Both,
        )
    },
    ActionSpec {
        at_most_one: &["streaming", "pipes"],
        ..core("map-reduce", "MapReduce", MAP_REDUCE, Cluster::Both)
    },
    core("pig", "Pig", PIG, Cluster::Both),
    ActionSpec {
        at_most_one: &["java-opts", "java-opt"],
        ..core("java", "Java", JAVA, Cluster::Both)
    },
    core("fs", "FS", FS, Cluster::None),
    core("sub-workflow", "Sub-workflow", SUB_WORKFLOW, Cluster::None),
    ext(
        "distcp",
        "DistCp",
        ("0.2", "1.0", &["0.1", "0.2", "1.0"]),
        DISTCP,
        Cluster::Both,
    ),
    ext(
        "email",
        "Email",
        ("0.2", "0.2", &["0.1", "0.2"]),
        EMAIL,
        Cluster::None,
    ),
    ActionSpec {
        at_most_one: &["args", "arg"],
        ..ext(
            "ssh",
            "SSH",
            ("0.2", "0.2", &["0.1", "0.2"]),
            SSH,
            Cluster::None,
        )
    },
    ext("git", "Git", ("1.0", "1.0", &["1.0"]), GIT, Cluster::Both),
    sluice("python", "Python", "shell", PYTHON, Cluster::Both),
    sluice("sql", "SQL", "hive2", SQL, Cluster::Both),
    sluice("dependent", "Dependent", "fs", DEPENDENT, Cluster::None),
];

/// The spec of an Oozie action element (never a Sluice task type, which has no element).
pub fn oozie_spec(element: &str) -> Option<&'static ActionSpec> {
    spec(element).filter(|s| s.exported_as.is_none())
}

/// The spec of an action type, if Sluice models it.
pub fn spec(id: &str) -> Option<&'static ActionSpec> {
    ACTIONS.iter().find(|s| s.id == id)
}

/// An action node's content.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct Action {
    /// The action type: the element name (`shell`, `map-reduce`, or any other for a kept
    /// generic action).
    pub action: String,
    #[serde(default, skip_serializing_if = "Fields::is_empty")]
    pub fields: Fields,
    /// `retry-max`, `retry-interval` (minutes), `retry-policy`: strings, as Oozie resolves
    /// EL in them at submit time.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub retry_max: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub retry_interval: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub retry_policy: Option<String>,
    /// Credentials used, by name, comma-separated as in Oozie.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub cred: Option<String>,
    /// The action's `<sla:info>`, kept verbatim.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub sla: Option<String>,
    /// The action element verbatim, for a type Sluice does not model (or content it could
    /// not map): written back exactly, so nothing is lost. `fields` is empty then.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub xml: Option<String>,
}

impl Action {
    pub fn new(action: &str) -> Self {
        Action {
            action: action.to_owned(),
            fields: Fields::default(),
            retry_max: None,
            retry_interval: None,
            retry_policy: None,
            cred: None,
            sla: None,
            xml: None,
        }
    }

    /// The same action with one more text field (for building actions in code).
    pub fn with_text(mut self, key: &str, text: &str) -> Self {
        self.fields.set(key, Value::Text(text.to_owned()));
        self
    }

    /// The spec, for a modelled action (not a verbatim one).
    pub fn spec(&self) -> Option<&'static ActionSpec> {
        if self.xml.is_some() {
            None
        } else {
            spec(&self.action)
        }
    }

    /// A one-line summary for the canvas: the command, script, statement or path that says
    /// what the action does (its first line that is not blank).
    pub fn summary(&self) -> Option<&str> {
        const KEYS: [&str; 13] = [
            "exec",
            "script",
            "query",
            "statement",
            "main-class",
            "jar",
            "app-path",
            "command",
            "subject",
            "git-uri",
            "workflow",
            "config-class",
            "name-node",
        ];
        KEYS.iter()
            .find_map(|k| self.fields.text(k))
            .and_then(|t| t.lines().map(str::trim).find(|l| !l.is_empty()))
    }
}

/// What a field needs: the problems of one action's fields against its spec, as messages.
pub fn check_fields(spec: &ActionSpec, fields: &Fields, version: SchemaVersion) -> Vec<String> {
    let mut problems = Vec::new();
    check_spec_fields(spec.fields, fields, version, spec.label, &mut problems);
    if spec.exported_as.is_some() {
        problems.extend(super::tasks::check(spec.id, fields));
    }
    if !spec.one_of.is_empty() {
        let set = spec
            .one_of
            .iter()
            .filter(|k| fields.get(k).is_some())
            .count();
        if set != 1 {
            problems.push(format!(
                "{} needs exactly one of {}",
                spec.label,
                spec.one_of.join(" or ")
            ));
        }
    }
    if spec
        .at_most_one
        .iter()
        .filter(|k| fields.get(k).is_some())
        .count()
        > 1
    {
        problems.push(format!(
            "{} takes only one of {}",
            spec.label,
            spec.at_most_one.join(" or ")
        ));
    }
    for op in fields.ops("prepare") {
        if !matches!(
            op,
            FsOp::Delete {
                skip_trash: None,
                ..
            } | FsOp::Mkdir { .. }
        ) {
            problems.push(format!(
                "prepare takes only delete (without skip-trash) and mkdir, not {}",
                op.id()
            ));
        }
    }
    for op in fields.ops("operations") {
        if !op.supported_in(version) {
            problems.push(format!(
                "{} is not in workflow {} (only 0.5 has setrep and skip-trash)",
                op.id(),
                version.id()
            ));
        }
    }
    problems
}

/// Fields the schema types as `xs:unsignedInt`: no EL there.
const UNSIGNED: [&str; 2] = ["memory.mb", "vcores"];

/// The fields set (usually a few) against the spec (often a dozen): each set field is
/// checked once, and only required fields are looked up.
fn check_spec_fields(
    specs: &[FieldSpec],
    fields: &Fields,
    version: SchemaVersion,
    label: &str,
    problems: &mut Vec<String>,
) {
    for key in fields.0.keys() {
        if !specs.iter().any(|f| f.key == key) {
            problems.push(format!("{label} has no field '{key}'"));
        }
    }
    for spec in specs.iter().filter(|f| f.required) {
        let missing = match fields.get(spec.key) {
            None => true,
            Some(Value::Text(t)) => t.trim().is_empty(),
            Some(_) => false,
        };
        if missing {
            problems.push(format!("{label} needs {}", spec.key));
        }
    }
    for (key, value) in fields.0.iter().filter(|(_, v)| !v.is_empty()) {
        let Some(spec) = specs.iter().find(|f| f.key == key) else {
            continue;
        };
        if spec.since > version {
            problems.push(format!(
                "{} needs workflow {} or later",
                spec.key,
                spec.since.id()
            ));
        }
        if let Value::Text(t) = value
            && UNSIGNED.contains(&spec.key)
            && (t.is_empty() || !t.bytes().all(|b| b.is_ascii_digit()))
        {
            problems.push(format!("{} must be a whole number, not '{t}'", spec.key));
        }
        let fits = match (spec.kind, value) {
            (kind, Value::Text(_)) => kind.is_text(),
            (FieldKind::Texts, Value::Texts(_))
            | (FieldKind::Flag, Value::Flag(_))
            | (FieldKind::Config, Value::Properties(_))
            | (FieldKind::Prepare | FieldKind::FsOps, Value::Ops(_))
            | (FieldKind::Group(_), Value::Group(_)) => true,
            _ => false,
        };
        if !fits {
            problems.push(format!("{label}: {} has the wrong kind of value", spec.key));
        } else if let (FieldKind::Group(inner), Value::Group(group)) = (spec.kind, value) {
            check_spec_fields(inner, group, version, spec.key, problems);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_type_has_a_unique_id_and_unique_field_keys() {
        let mut ids: Vec<_> = ACTIONS.iter().map(|s| s.id).collect();
        crate::order::sort(&mut ids);
        ids.dedup();
        assert_eq!(ids.len(), 17);
        for s in ACTIONS {
            let mut keys: Vec<_> = s.fields.iter().map(|f| f.key).collect();
            crate::order::sort(&mut keys);
            keys.dedup();
            assert_eq!(keys.len(), s.fields.len(), "{}", s.id);
            for k in s.one_of.iter().chain(s.at_most_one) {
                assert!(s.field(k).is_some(), "{} {k}", s.id);
            }
        }
    }

    #[test]
    fn json_values_are_natural() {
        let json = serde_json::json!({
            "exec": "echo",
            "argument": ["a", "b"],
            "capture-output": true,
            "configuration": [{"name": "q", "value": "default"}],
            "prepare": [{"op": "delete", "path": "/tmp/x"}],
            "launcher": {"queue": "q1"},
        });
        let fields: Fields = serde_json::from_value(json.clone()).unwrap();
        assert_eq!(fields.text("exec"), Some("echo"));
        assert_eq!(fields.texts("argument"), ["a", "b"]);
        assert!(fields.flag("capture-output"));
        assert_eq!(fields.properties("configuration")[0].name, "q");
        assert_eq!(fields.ops("prepare")[0].id(), "delete");
        assert_eq!(fields.group("launcher").unwrap().text("queue"), Some("q1"));
        assert_eq!(serde_json::to_value(&fields).unwrap(), json);
    }

    #[test]
    fn checks_required_choices_and_versions() {
        let hive = spec("hive").unwrap();
        let mut fields = Fields::default();
        assert_eq!(
            check_fields(hive, &fields, SchemaVersion::V0_5),
            ["Hive needs exactly one of script or query"]
        );
        fields.set("script", Value::Text("a.q".into()));
        fields.set("query", Value::Text("select 1".into()));
        assert_eq!(check_fields(hive, &fields, SchemaVersion::V0_5).len(), 1);
        fields.set("query", Value::Texts(vec![]));
        assert!(check_fields(hive, &fields, SchemaVersion::V0_5).is_empty());
        let mut launcher = Fields::default();
        launcher.set("queue", Value::Text("q".into()));
        fields.set("launcher", Value::Group(launcher));
        assert_eq!(
            check_fields(hive, &fields, SchemaVersion::V0_5),
            ["launcher needs workflow 1.0 or later"]
        );
        assert!(check_fields(hive, &fields, SchemaVersion::V1_0).is_empty());

        let fs = spec("fs").unwrap();
        let mut fields = Fields::default();
        fields.set(
            "operations",
            Value::Ops(vec![FsOp::Setrep {
                path: "/a".into(),
                replication_factor: "2".into(),
            }]),
        );
        assert!(check_fields(fs, &fields, SchemaVersion::V0_5).is_empty());
        assert_eq!(check_fields(fs, &fields, SchemaVersion::V1_0).len(), 1);
    }

    #[test]
    fn namespaces_per_version() {
        let shell = spec("shell").unwrap();
        assert_eq!(
            shell.namespace_for(SchemaVersion::V0_5).as_deref(),
            Some("uri:oozie:shell-action:0.3")
        );
        assert_eq!(
            shell.namespace_for(SchemaVersion::V1_0).as_deref(),
            Some("uri:oozie:shell-action:1.0")
        );
        assert!(shell.reads_namespace(Some("uri:oozie:shell-action:0.1"), None));
        assert!(!shell.reads_namespace(Some("uri:oozie:shell-action:9.9"), None));
        assert!(!shell.reads_namespace(Some("uri:oozie:hive-action:0.2"), None));
        let java = spec("java").unwrap();
        assert!(java.reads_namespace(Some("w"), Some("w")));
        assert_eq!(java.namespace_for(SchemaVersion::V1_0), None);
    }
}

/// Plain-text forms of structured fields, for editing them in a text box: one item per
/// line, so a list of properties or file operations is as quick to type as a shell script.
pub mod lines {
    use super::{FsOp, Property};

    /// `name=value` per line (a line without `=` is a name with an empty value).
    pub fn properties_to_text(props: &[Property]) -> String {
        props
            .iter()
            .map(|p| format!("{}={}", p.name, p.value.as_deref().unwrap_or("")))
            .collect::<Vec<_>>()
            .join("\n")
    }

    /// The inverse of [`properties_to_text`]; descriptions of unchanged names are kept.
    pub fn properties_from_text(text: &str, old: &[Property]) -> Vec<Property> {
        text.lines()
            .map(str::trim)
            .filter(|l| !l.is_empty())
            .map(|line| {
                let (name, value) = line.split_once('=').unwrap_or((line, ""));
                let name = name.trim().to_owned();
                let description = old
                    .iter()
                    .find(|p| p.name == name)
                    .and_then(|p| p.description.clone());
                Property {
                    name,
                    value: Some(value.trim().to_owned()),
                    description,
                }
            })
            .collect()
    }

    /// `op arg…` per line: `delete PATH`, `mkdir PATH`, `move SOURCE TARGET`,
    /// `chmod PATH PERMISSIONS [recursive]`, `touchz PATH`, `chgrp PATH GROUP [recursive]`,
    /// `setrep PATH FACTOR`. Paths with spaces are not expressible here (rare in HDFS).
    pub fn op_to_line(op: &FsOp) -> String {
        let rec = |r: bool| if r { " recursive" } else { "" };
        match op {
            FsOp::Delete { path, .. } | FsOp::Mkdir { path } | FsOp::Touchz { path } => {
                format!("{} {path}", op.id())
            }
            FsOp::Move { source, target } => format!("move {source} {target}"),
            FsOp::Chmod {
                path,
                permissions,
                recursive,
                ..
            } => format!("chmod {path} {permissions}{}", rec(*recursive)),
            FsOp::Chgrp {
                path,
                group,
                recursive,
                ..
            } => format!("chgrp {path} {group}{}", rec(*recursive)),
            FsOp::Setrep {
                path,
                replication_factor,
            } => format!("setrep {path} {replication_factor}"),
        }
    }

    /// Parses one line of [`op_to_line`]; the error says what the line should look like.
    pub fn op_from_line(line: &str) -> Result<FsOp, String> {
        let words: Vec<&str> = line.split_whitespace().collect();
        let s = |i: usize| words.get(i).map(|w| (*w).to_owned());
        let recursive = words.get(3) == Some(&"recursive");
        let op = match (words.first().copied(), words.len()) {
            (Some("delete"), 2) => Some(FsOp::Delete {
                path: words[1].to_owned(),
                skip_trash: None,
            }),
            (Some("mkdir"), 2) => s(1).map(|path| FsOp::Mkdir { path }),
            (Some("touchz"), 2) => s(1).map(|path| FsOp::Touchz { path }),
            (Some("move"), 3) => Some(FsOp::Move {
                source: words[1].to_owned(),
                target: words[2].to_owned(),
            }),
            (Some("chmod"), 3 | 4) if words.len() == 3 || recursive => Some(FsOp::Chmod {
                path: words[1].to_owned(),
                permissions: words[2].to_owned(),
                dir_files: None,
                recursive,
            }),
            (Some("chgrp"), 3 | 4) if words.len() == 3 || recursive => Some(FsOp::Chgrp {
                path: words[1].to_owned(),
                group: words[2].to_owned(),
                dir_files: None,
                recursive,
            }),
            (Some("setrep"), 3) => Some(FsOp::Setrep {
                path: words[1].to_owned(),
                replication_factor: words[2].to_owned(),
            }),
            _ => None,
        };
        op.ok_or_else(|| {
            format!(
                "'{line}': expected delete PATH, mkdir PATH, move SOURCE TARGET, chmod PATH PERMISSIONS [recursive], touchz PATH, chgrp PATH GROUP [recursive] or setrep PATH FACTOR"
            )
        })
    }

    #[cfg(test)]
    mod tests {
        use super::*;

        #[test]
        fn ops_round_trip_through_lines() {
            for line in [
                "delete /a",
                "mkdir /b",
                "move /a /b",
                "chmod /c 755 recursive",
                "chmod /c 644",
                "touchz /d",
                "chgrp /d etl recursive",
                "setrep /d 3",
            ] {
                assert_eq!(op_to_line(&op_from_line(line).unwrap()), line);
            }
            assert!(op_from_line("chmod /c 644 sideways").is_err());
            assert!(op_from_line("rm /x").is_err());
        }

        #[test]
        fn properties_round_trip_through_lines() {
            let old = vec![Property {
                name: "q".into(),
                value: Some("a".into()),
                description: Some("kept".into()),
            }];
            let parsed = properties_from_text("q = b=c\n\nflag", &old);
            assert_eq!(parsed[0].value.as_deref(), Some("b=c"));
            assert_eq!(parsed[0].description.as_deref(), Some("kept"));
            assert_eq!(parsed[1].name, "flag");
            assert_eq!(properties_to_text(&parsed), "q=b=c\nflag=");
        }
    }
}
