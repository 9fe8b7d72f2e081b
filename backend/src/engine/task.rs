//! What an executor is given to run: an action with its EL resolved against the
//! instance, and what it reports back. Resolving is pure; running is the executors' job.

use std::collections::BTreeMap;

use shared::el::eval_text;
use shared::el::wf::WfContext;
use shared::workflow::{Action, FsOp};

use super::instance::{Instance, View};

/// The action types this server runs itself. Any other needs a command template (see
/// [`Capabilities`]) or is export-only here.
pub const NATIVE: &[&str] = &["shell", "fs", "sub-workflow", "email", "java"];

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
    },
    Fs {
        ops: Vec<FsOp>,
    },
    Java {
        main_class: String,
        args: Vec<String>,
        java_opts: Vec<String>,
        capture_output: bool,
    },
    Email {
        to: String,
        cc: Option<String>,
        bcc: Option<String>,
        subject: String,
        body: String,
        content_type: String,
    },
    SubWorkflow {
        app_path: String,
        /// The child's properties: the parent's when propagated, then the action's own.
        conf: BTreeMap<String, String>,
    },
}

impl Task {
    /// Whether it occupies one of the server's slots while it runs. A sub-workflow only
    /// waits for its child, whose actions take slots of their own; counting it too could
    /// leave every slot held by a parent waiting for children that cannot start.
    pub fn takes_slot(&self) -> bool {
        !matches!(self, Task::SubWorkflow { .. })
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
    Ok(match action.action.as_str() {
        "shell" => Task::Shell {
            exec: text("exec")?,
            args: texts("argument")?,
            env: texts("env-var")?
                .into_iter()
                .map(|pair| match pair.split_once('=') {
                    Some((k, v)) => Ok((k.to_owned(), v.to_owned())),
                    None => Err(format!("env-var [{pair}] is not NAME=VALUE")),
                })
                .collect::<Result<_, _>>()?,
            capture_output: fields.flag("capture-output"),
            files: texts("file")?,
            app_dir: instance.conf.get("oozie.wf.application.path").cloned(),
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
            }
        }
        "email" => Task::Email {
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
        },
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
        other => return Err(format!("action type '{other}' does not run on this server")),
    })
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
/// template in the configuration.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Capabilities {
    pub templates: BTreeMap<String, Vec<String>>,
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
                "this workflow uses {} action{} ({}), which run on a Hadoop cluster: it is export-only on this server unless a command template is configured for {}",
                missing.len(),
                if missing.len() == 1 { "" } else { "s" },
                missing.join(", "),
                if missing.len() == 1 { "it" } else { "them" },
            )
        })
    }
}
