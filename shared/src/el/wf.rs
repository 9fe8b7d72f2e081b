//! The `wf:` functions (WorkflowFunctionalSpec §4.2.3), answered by whatever runs the
//! workflow: the executor on the server, a fixture in tests, nothing at design time.

use std::collections::BTreeMap;

use super::{CallResult, Context, Value};

/// What a running workflow knows about itself.
pub trait Runtime {
    fn id(&self) -> String;
    fn name(&self) -> String;
    fn app_path(&self) -> String;
    fn conf(&self, name: &str) -> Option<String>;
    fn user(&self) -> String;
    fn group(&self) -> String;
    fn run(&self) -> i64;
    fn callback(&self, state_var: &str) -> String;
    /// The transition a node took, if it has run.
    fn transition(&self, node: &str) -> Option<String>;
    fn last_error_node(&self) -> Option<String>;
    fn error_code(&self, node: &str) -> Option<String>;
    fn error_message(&self, node: &str) -> Option<String>;
    fn action_data(&self, node: &str) -> BTreeMap<String, String>;
    fn action_external_id(&self, node: &str) -> Option<String>;
    fn action_tracker_uri(&self, node: &str) -> Option<String>;
    fn action_external_status(&self, node: &str) -> Option<String>;
}

/// Job properties plus the `wf:` functions of one running workflow.
pub struct WfContext<'a> {
    pub properties: &'a BTreeMap<String, String>,
    pub runtime: &'a dyn Runtime,
}

impl Context for WfContext<'_> {
    fn variable(&self, name: &str) -> Option<Value> {
        self.properties.variable(name)
    }

    fn call(&self, prefix: Option<&str>, name: &str, args: &[Value]) -> Option<CallResult> {
        if prefix != Some("wf") {
            return None;
        }
        let rt = self.runtime;
        let text = |v: String| Ok(Value::Str(v));
        let opt = |v: Option<String>| Ok(v.map_or(Value::Str(String::new()), Value::Str));
        let arity = |n: usize| super::check_arity(args, n).map_err(super::CallError::Message);
        let arg = || args[0].to_text();
        (|| {
            Some(match name {
                "id" => arity(0).and_then(|()| text(rt.id())),
                "name" => arity(0).and_then(|()| text(rt.name())),
                "appPath" => arity(0).and_then(|()| text(rt.app_path())),
                "user" => arity(0).and_then(|()| text(rt.user())),
                "group" => arity(0).and_then(|()| text(rt.group())),
                "run" => arity(0).map(|()| Value::Int(rt.run())),
                "lastErrorNode" => arity(0).and_then(|()| opt(rt.last_error_node())),
                "conf" => arity(1).map(|()| rt.conf(&arg()).map_or(Value::Null, Value::Str)),
                "callback" => arity(1).and_then(|()| text(rt.callback(&arg()))),
                "transition" => arity(1).and_then(|()| opt(rt.transition(&arg()))),
                "errorCode" => arity(1).and_then(|()| opt(rt.error_code(&arg()))),
                "errorMessage" => arity(1).and_then(|()| opt(rt.error_message(&arg()))),
                "actionData" => arity(1).map(|()| Value::Map(rt.action_data(&arg()))),
                "actionExternalId" => arity(1).and_then(|()| opt(rt.action_external_id(&arg()))),
                "actionTrackerUri" => arity(1).and_then(|()| opt(rt.action_tracker_uri(&arg()))),
                "actionExternalStatus" => {
                    arity(1).and_then(|()| opt(rt.action_external_status(&arg())))
                }
                _ => return None,
            })
        })()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::el::eval_text;

    struct Fixture;

    impl Runtime for Fixture {
        fn id(&self) -> String {
            "0000001-wf".into()
        }
        fn name(&self) -> String {
            "etl".into()
        }
        fn app_path(&self) -> String {
            "hdfs://nn/apps/etl".into()
        }
        fn conf(&self, name: &str) -> Option<String> {
            (name == "queue").then(|| "default".into())
        }
        fn user(&self) -> String {
            "alice".into()
        }
        fn group(&self) -> String {
            "users".into()
        }
        fn run(&self) -> i64 {
            2
        }
        fn callback(&self, state: &str) -> String {
            format!("http://sluice/callback?state={state}")
        }
        fn transition(&self, node: &str) -> Option<String> {
            (node == "load").then(|| "ok".into())
        }
        fn last_error_node(&self) -> Option<String> {
            Some("load".into())
        }
        fn error_code(&self, _: &str) -> Option<String> {
            Some("JA018".into())
        }
        fn error_message(&self, _: &str) -> Option<String> {
            None
        }
        fn action_data(&self, _: &str) -> BTreeMap<String, String> {
            [("rows".to_owned(), "42".to_owned())].into_iter().collect()
        }
        fn action_external_id(&self, _: &str) -> Option<String> {
            None
        }
        fn action_tracker_uri(&self, _: &str) -> Option<String> {
            None
        }
        fn action_external_status(&self, _: &str) -> Option<String> {
            Some("SUCCEEDED".into())
        }
    }

    #[test]
    fn wf_functions_read_the_runtime() {
        let props = BTreeMap::new();
        let ctx = WfContext {
            properties: &props,
            runtime: &Fixture,
        };
        let got = eval_text(
            "${wf:id()} ${wf:name()} ${wf:user()} ${wf:run() + 1} ${wf:conf('queue')} ${wf:lastErrorNode()} \
             ${wf:errorCode(wf:lastErrorNode())} ${wf:actionData('count')['rows'] > 40} ${wf:transition('x')}|",
            &ctx,
        )
        .unwrap();
        assert_eq!(got, "0000001-wf etl alice 3 default load JA018 true |");
        let e = eval_text("${wf:nope()}", &ctx).unwrap_err();
        assert!(e.message.contains("no function [wf:nope]"), "{e}");
    }

    /// The editor's catalog names exactly what the function tables answer, with their
    /// argument counts: every entry evaluates without "no function" or an arity error.
    #[test]
    fn the_editor_catalog_matches_the_function_tables() {
        let props = BTreeMap::new();
        let ctx = WfContext {
            properties: &props,
            runtime: &Fixture,
        };
        for f in crate::el::catalog::WORKFLOW_FUNCTIONS {
            let args = vec!["'load'"; f.args.len()].join(", ");
            let text = format!("${{{}({args})}}", f.name);
            if let Err(e) = eval_text(&text, &ctx) {
                assert!(
                    !e.message.contains("no function") && !e.message.contains("argument"),
                    "{text}: {e}"
                );
            }
            let more = vec!["'x'"; f.args.len() + 1].join(", ");
            let err = eval_text(&format!("${{{}({more})}}", f.name), &ctx).unwrap_err();
            assert!(err.message.contains("argument"), "{}: {err}", f.name);
        }
    }
}
