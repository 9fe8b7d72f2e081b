//! What an executor is given to run: an action with its EL resolved against the
//! instance, and what it reports back. Resolving is pure; running is the executors' job.

use std::collections::BTreeMap;

use shared::el::eval_text;
use shared::el::wf::WfContext;
use shared::workflow::tasks::{self, Dependency};
use shared::workflow::{Action, Fields, FsOp, Value};

use super::instance::{Instance, View};
use super::mail::Email;

/// The action types this server runs itself. Any other needs a command template (see
/// [`Capabilities`]) or is export-only here.
pub const NATIVE: &[&str] = &[
    "shell",
    "fs",
    "sub-workflow",
    "email",
    "java",
    "python",
    "sql",
    "dependent",
];

/// An action ready to run.
#[derive(Debug, Clone, PartialEq)]
pub enum Task {
    Shell {
        exec: String,
        args: Vec<String>,
        /// `NAME=VALUE` pairs, added to the server's environment.
        env: Vec<(String, String)>,
        capture_output: bool,
        /// `<file>`s to put in the working directory first (`path#alias`).
        files: Vec<String>,
        /// Where relative `<file>` paths are found: the app's directory.
        app_dir: Option<String>,
        /// `<prepare>`: done before the process starts.
        prepare: Vec<FsOp>,
    },
    Fs {
        ops: Vec<FsOp>,
    },
    Java {
        main_class: String,
        args: Vec<String>,
        java_opts: Vec<String>,
        capture_output: bool,
        prepare: Vec<FsOp>,
    },
    Email(Email),
    /// A script run by the configured interpreter, as a shell task otherwise. The script
    /// is taken as written: like a shipped file in Oozie, it is not EL.
    Python {
        script: String,
        args: Vec<String>,
        env: Vec<(String, String)>,
        capture_output: bool,
        files: Vec<String>,
        app_dir: Option<String>,
    },
    /// A statement against a configured datasource, by name.
    Sql {
        datasource: String,
        statement: String,
        max_rows: usize,
    },
    /// Waits for another workflow's instance of a period to succeed.
    Dependent(Dependency),
    SubWorkflow {
        app_path: String,
        /// The child's properties: the parent's when propagated, then the action's own.
        conf: BTreeMap<String, String>,
    },
    /// A cluster action (spark, hive, sqoop…) run through the command template configured
    /// for its type: `sh -c TEMPLATE` with the action's fields in the environment.
    Command {
        action_type: String,
        /// `arg`, `argument` and `args` values, in order: the template's `"$@"`.
        args: Vec<String>,
        /// `SLUICE_<FIELD>` for every other field.
        env: Vec<(String, String)>,
        /// `<prepare>` on local paths, which the server does before the command starts
        /// (others are left to the template, in `SLUICE_PREPARE`).
        prepare: Vec<FsOp>,
        capture_output: bool,
        files: Vec<String>,
        app_dir: Option<String>,
    },
}

impl Task {
    /// Whether it occupies one of the server's slots while it runs. A sub-workflow only
    /// waits for its child, whose actions take slots of their own; counting it too could
    /// leave every slot held by a parent waiting for children that cannot start.
    ///
    /// A Dependent task only waits too, possibly for hours: holding a slot meanwhile
    /// would starve the very upstream it waits for.
    pub fn takes_slot(&self) -> bool {
        !matches!(self, Task::SubWorkflow { .. } | Task::Dependent(_))
    }
}

/// How a try ended.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Outcome {
    /// `None`: it succeeded.
    pub failure: Option<Failure>,
    pub exit_code: Option<i32>,
    /// capture-output.
    pub data: BTreeMap<String, String>,
}

impl Outcome {
    pub fn ok() -> Outcome {
        Outcome::default()
    }

    pub fn failed(code: &str, message: impl Into<String>) -> Outcome {
        Outcome {
            failure: Some(Failure {
                code: code.to_owned(),
                message: message.into(),
            }),
            ..Outcome::default()
        }
    }
}

#[derive(Debug, Clone, PartialEq)]
pub struct Failure {
    /// `wf:errorCode`: `EXIT_CODE`, `SIGNAL`, `TIMEOUT`, `SPAWN`, `FS_ERROR`, …
    pub code: String,
    pub message: String,
}

/// Resolves an action's fields against its instance. An error is the message of the first
/// expression that does not evaluate.
pub fn resolve(instance: &Instance, action: &Action) -> Result<Task, String> {
    let view = View(instance);
    let ctx = WfContext {
        properties: &instance.conf,
        runtime: &view,
    };
    let el = |text: &str| eval_text(text, &ctx).map_err(|e| format!("{e} in [{text}]"));
    let text = |key: &str| el(action.fields.text(key).unwrap_or_default());
    let texts = |key: &str| -> Result<Vec<String>, String> {
        action.fields.texts(key).iter().map(|t| el(t)).collect()
    };
    let fields = &action.fields;
    let env = || -> Result<Vec<(String, String)>, String> {
        texts("env-var")?
            .into_iter()
            .map(|pair| match pair.split_once('=') {
                Some((k, v)) => Ok((k.to_owned(), v.to_owned())),
                None => Err(format!("env-var [{pair}] is not NAME=VALUE")),
            })
            .collect()
    };
    Ok(match action.action.as_str() {
        "python" => Task::Python {
            script: fields.text("script").unwrap_or_default().to_owned(),
            args: texts("argument")?,
            env: env()?,
            capture_output: fields.flag("capture-output"),
            files: texts("file")?,
            app_dir: instance.conf.get("oozie.wf.application.path").cloned(),
        },
        "sql" => Task::Sql {
            datasource: fields
                .text("datasource")
                .unwrap_or_default()
                .trim()
                .to_owned(),
            statement: text("statement")?,
            max_rows: tasks::max_rows(fields)? as usize,
        },
        "dependent" => Task::Dependent(
            Dependency::from_fields(fields).map_err(|problems| problems.join("; "))?,
        ),
        "shell" => Task::Shell {
            exec: text("exec")?,
            args: texts("argument")?,
            env: env()?,
            capture_output: fields.flag("capture-output"),
            files: texts("file")?,
            app_dir: instance.conf.get("oozie.wf.application.path").cloned(),
            prepare: local_prepare(fields, &el)?,
        },
        "fs" => Task::Fs {
            ops: fields
                .ops("operations")
                .iter()
                .map(|op| resolve_op(op, &el))
                .collect::<Result<_, _>>()?,
        },
        "java" => {
            let mut java_opts: Vec<String> = match fields.text("java-opts") {
                Some(opts) => el(opts)?.split_whitespace().map(str::to_owned).collect(),
                None => Vec::new(),
            };
            java_opts.extend(texts("java-opt")?);
            Task::Java {
                main_class: text("main-class")?,
                args: texts("arg")?,
                java_opts,
                capture_output: fields.flag("capture-output"),
                prepare: local_prepare(fields, &el)?,
            }
        }
        "email" => Task::Email(Email {
            to: text("to")?,
            cc: fields.text("cc").map(el).transpose()?,
            bcc: fields.text("bcc").map(el).transpose()?,
            subject: text("subject")?,
            body: text("body")?,
            content_type: fields
                .text("content_type")
                .map(el)
                .transpose()?
                .unwrap_or_else(|| "text/plain".to_owned()),
            attachment: fields.text("attachment").map(el).transpose()?,
        }),
        "sub-workflow" => {
            let mut conf = if fields.flag("propagate-configuration") {
                instance.conf.clone()
            } else {
                BTreeMap::new()
            };
            for p in fields.properties("configuration") {
                conf.insert(el(&p.name)?, el(p.value.as_deref().unwrap_or_default())?);
            }
            Task::SubWorkflow {
                app_path: text("app-path")?,
                conf,
            }
        }
        other if shared::workflow::action::spec(other).is_some() => {
            let global = &instance.graph.workflow.global;
            let mut all = global.clone();
            for (key, value) in &fields.0 {
                match (key.as_str(), all.0.get_mut(key), value) {
                    // Oozie merges the global configuration under the action's.
                    ("configuration", Some(Value::Properties(base)), Value::Properties(own)) => {
                        base.retain(|p| own.iter().all(|o| o.name != p.name));
                        base.extend(own.iter().cloned());
                    }
                    _ => {
                        all.0.insert(key.clone(), value.clone());
                    }
                }
            }
            let CommandInputs { env, args, prepare } = command_env(&all, &el)?;
            Task::Command {
                action_type: other.to_owned(),
                args,
                env,
                prepare,
                capture_output: fields.flag("capture-output"),
                files: texts("file")?,
                app_dir: instance.conf.get("oozie.wf.application.path").cloned(),
            }
        }
        other => return Err(format!("action type '{other}' does not run on this server")),
    })
}

/// The fields that become a command template's positional arguments, in this order.
const POSITIONAL: &[&str] = &["arg", "argument", "args"];

/// An action's fields as a command template sees them, EL resolved: the `arg`-like lists
/// as `"$@"`; every other field as `SLUICE_<FIELD>` (upper case, `-` as `_`; a group's
/// fields as `SLUICE_<GROUP>_<FIELD>`): text as is, lists and `<configuration>` one
/// entry per line (`name=value`), flags `true`. `<prepare>` steps on local paths are
/// returned to run first; the others go in `SLUICE_PREPARE` as `delete URI` / `mkdir URI`
/// lines, for the template to do on its cluster. Values go in the environment, never into
/// the command text, so no value can change what the shell runs.
fn command_env(
    fields: &Fields,
    el: &dyn Fn(&str) -> Result<String, String>,
) -> Result<CommandInputs, String> {
    let mut inputs = CommandInputs::default();
    for key in POSITIONAL {
        for arg in fields.texts(key) {
            inputs.args.push(el(arg)?);
        }
    }
    add_env(fields, "SLUICE_", el, &mut inputs.env, &mut inputs.prepare)?;
    Ok(inputs)
}

/// What [`command_env`] makes of an action's fields.
#[derive(Default)]
struct CommandInputs {
    env: Vec<(String, String)>,
    args: Vec<String>,
    prepare: Vec<FsOp>,
}

fn add_env(
    fields: &Fields,
    prefix: &str,
    el: &dyn Fn(&str) -> Result<String, String>,
    env: &mut Vec<(String, String)>,
    prepare: &mut Vec<FsOp>,
) -> Result<(), String> {
    for (key, value) in &fields.0 {
        let name = format!(
            "{prefix}{}",
            key.chars()
                .map(|c| if c.is_ascii_alphanumeric() {
                    c.to_ascii_uppercase()
                } else {
                    '_'
                })
                .collect::<String>()
        );
        let text = match value {
            Value::Text(t) => el(t)?,
            Value::Flag(set) => set.to_string(),
            Value::Texts(list) if !POSITIONAL.contains(&key.as_str()) => list
                .iter()
                .map(|t| el(t))
                .collect::<Result<Vec<_>, _>>()?
                .join("\n"),
            Value::Texts(_) => continue,
            Value::Properties(props) => props
                .iter()
                .map(|p| {
                    Ok(format!(
                        "{}={}",
                        el(&p.name)?,
                        el(p.value.as_deref().unwrap_or_default())?
                    ))
                })
                .collect::<Result<Vec<_>, String>>()?
                .join("\n"),
            Value::Ops(ops) => {
                let (local, remote) = split_prepare(ops, el)?;
                prepare.extend(local);
                remote.join("\n")
            }
            Value::Group(group) => {
                add_env(group, &format!("{name}_"), el, env, prepare)?;
                continue;
            }
        };
        env.push((name, text));
    }
    Ok(())
}

/// `<prepare>` resolved, split into the steps on this server's filesystem and the others
/// (as `delete URI` / `mkdir URI`).
fn split_prepare(
    ops: &[FsOp],
    el: &dyn Fn(&str) -> Result<String, String>,
) -> Result<(Vec<FsOp>, Vec<String>), String> {
    let mut local = Vec::new();
    let mut remote = Vec::new();
    for op in ops {
        let op = resolve_op(op, el)?;
        match &op {
            FsOp::Delete { path, .. } | FsOp::Mkdir { path } if is_local(path) => local.push(op),
            FsOp::Delete { path, .. } => remote.push(format!("delete {path}")),
            FsOp::Mkdir { path } => remote.push(format!("mkdir {path}")),
            other => return Err(format!("<prepare> cannot {}", other.id())),
        }
    }
    Ok((local, remote))
}

/// The `<prepare>` of an action that runs on this server (shell, java): every step must
/// be on this server's filesystem, since nothing else would do it.
fn local_prepare(
    fields: &Fields,
    el: &dyn Fn(&str) -> Result<String, String>,
) -> Result<Vec<FsOp>, String> {
    let (local, remote) = split_prepare(fields.ops("prepare"), el)?;
    match remote.first() {
        None => Ok(local),
        Some(step) => Err(format!(
            "<prepare> {step}: not a path on this server (use a file:// or absolute path)"
        )),
    }
}

/// A path this server's own filesystem holds, as the executors read paths.
fn is_local(path: &str) -> bool {
    super::exec::local_path(path).is_ok()
}

fn resolve_op(op: &FsOp, el: &dyn Fn(&str) -> Result<String, String>) -> Result<FsOp, String> {
    let opt = |v: &Option<String>| v.as_deref().map(el).transpose();
    Ok(match op {
        FsOp::Delete { path, skip_trash } => FsOp::Delete {
            path: el(path)?,
            skip_trash: opt(skip_trash)?,
        },
        FsOp::Mkdir { path } => FsOp::Mkdir { path: el(path)? },
        FsOp::Move { source, target } => FsOp::Move {
            source: el(source)?,
            target: el(target)?,
        },
        FsOp::Chmod {
            path,
            permissions,
            dir_files,
            recursive,
        } => FsOp::Chmod {
            path: el(path)?,
            permissions: el(permissions)?,
            dir_files: opt(dir_files)?,
            recursive: *recursive,
        },
        FsOp::Touchz { path } => FsOp::Touchz { path: el(path)? },
        FsOp::Chgrp {
            path,
            group,
            dir_files,
            recursive,
        } => FsOp::Chgrp {
            path: el(path)?,
            group: el(group)?,
            dir_files: opt(dir_files)?,
            recursive: *recursive,
        },
        FsOp::Setrep {
            path,
            replication_factor,
        } => FsOp::Setrep {
            path: el(path)?,
            replication_factor: el(replication_factor)?,
        },
    })
}

/// Which action types this server can run: the native ones, plus those given a command
/// template in the configuration (type to a `sh -c` command line).
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Capabilities {
    pub templates: BTreeMap<String, String>,
}

impl Capabilities {
    pub fn runs(&self, action_type: &str) -> bool {
        NATIVE.contains(&action_type) || self.templates.contains_key(action_type)
    }

    /// Why a workflow cannot start here, naming each action type it cannot run.
    pub fn refusal(&self, action_types: &[&str]) -> Option<String> {
        let missing: Vec<&str> = action_types
            .iter()
            .copied()
            .filter(|t| !self.runs(t))
            .collect();
        (!missing.is_empty()).then(|| {
            format!(
                "this workflow uses {} action{} ({}), which need a cluster: it is export-only on this server unless a command template is configured for {} (--action-template TYPE=COMMAND)",
                missing.len(),
                if missing.len() == 1 { "" } else { "s" },
                missing.join(", "),
                if missing.len() == 1 { "it" } else { "them" },
            )
        })
    }
}
