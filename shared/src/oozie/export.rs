//! Editing model → `workflow.xml` (`uri:oozie:workflow:0.5`), written from the [`plan`]:
//! parallel branches become fork/join pairs, and the implicit parts get names:
//! - an action without an ok edge continues to the end node (one is added, named `end`,
//!   when the user drew none);
//! - an action without an error edge goes to the workflow's kill node when there is exactly
//!   one, otherwise to an added kill node `fail` that reports the failing node's message.

use quick_xml::Writer;
use quick_xml::events::{BytesDecl, BytesText, Event};

use super::plan::{Plan, PlanKind, plan};
use crate::workflow::{Issue, NodeKind, Workflow, validate};

pub const WORKFLOW_NS: &str = "uri:oozie:workflow:0.5";
pub const SHELL_NS: &str = "uri:oozie:shell-action:0.3";

#[derive(Debug, thiserror::Error)]
pub enum ExportError {
    /// Only a workflow without validation errors exports: Oozie would reject the rest.
    /// Validation includes Oozie's own submit-time walk over the planned graph, so nothing
    /// Oozie rejects is ever written.
    #[error("the workflow has {} validation error(s); fix them before exporting", .0.len())]
    Invalid(Vec<Issue>),
}

/// Writes `workflow.xml` for a valid workflow.
pub fn to_workflow_xml(wf: &Workflow) -> Result<String, ExportError> {
    let errors: Vec<Issue> = validate(wf).into_iter().filter(Issue::is_error).collect();
    if !errors.is_empty() {
        return Err(ExportError::Invalid(errors));
    }
    let plan = plan(wf).map_err(ExportError::Invalid)?;
    let mut w = Writer::new_with_indent(Vec::new(), b' ', 4);
    write(&mut w, wf, &plan).expect("writing to memory cannot fail");
    Ok(String::from_utf8(w.into_inner()).expect("the writer only emits UTF-8"))
}

type XmlResult = std::io::Result<()>;

fn write(w: &mut Writer<Vec<u8>>, wf: &Workflow, plan: &Plan) -> XmlResult {
    w.write_event(Event::Decl(BytesDecl::new("1.0", Some("UTF-8"), None)))?;
    w.create_element("workflow-app")
        .with_attribute(("xmlns", WORKFLOW_NS))
        .with_attribute(("name", wf.name.as_str()))
        .write_inner_content(|w| {
            if wf.nodes.iter().any(|n| n.kind.node_type().is_action()) {
                // Oozie's parser rejects a Hadoop action without these (E0701); they come
                // from job.properties, as in every Oozie app.
                w.create_element("global").write_inner_content(|w| {
                    text_element(w, "job-tracker", "${jobTracker}")?;
                    text_element(w, "name-node", "${nameNode}")
                })?;
            }
            w.create_element("start")
                .with_attribute(("to", plan.start.as_str()))
                .write_empty()?;
            for node in &plan.nodes {
                let name = node.name.as_str();
                match &node.kind {
                    PlanKind::Action {
                        source, ok, error, ..
                    } => {
                        write_action(w, name, &wf.nodes[*source].kind, ok, error)?;
                    }
                    PlanKind::Fork { paths } => {
                        w.create_element("fork")
                            .with_attribute(("name", name))
                            .write_inner_content(|w| {
                                for path in paths {
                                    w.create_element("path")
                                        .with_attribute(("start", path.as_str()))
                                        .write_empty()?;
                                }
                                Ok(())
                            })?;
                    }
                    PlanKind::Join { to } => {
                        w.create_element("join")
                            .with_attribute(("name", name))
                            .with_attribute(("to", to.as_str()))
                            .write_empty()?;
                    }
                    PlanKind::Kill { message } => {
                        w.create_element("kill")
                            .with_attribute(("name", name))
                            .write_inner_content(|w| text_element(w, "message", message))?;
                    }
                    PlanKind::End => {
                        w.create_element("end")
                            .with_attribute(("name", name))
                            .write_empty()?;
                    }
                }
            }
            Ok(())
        })?;
    Ok(())
}

fn write_action(
    w: &mut Writer<Vec<u8>>,
    name: &str,
    kind: &NodeKind,
    ok: &str,
    error: &str,
) -> XmlResult {
    w.create_element("action")
        .with_attribute(("name", name))
        .write_inner_content(|w| {
            if let NodeKind::Shell(shell) = kind {
                w.create_element("shell")
                    .with_attribute(("xmlns", SHELL_NS))
                    .write_inner_content(|w| {
                        text_element(w, "exec", &shell.exec)?;
                        for arg in &shell.arguments {
                            text_element(w, "argument", arg)?;
                        }
                        Ok(())
                    })?;
            }
            w.create_element("ok")
                .with_attribute(("to", ok))
                .write_empty()?;
            w.create_element("error")
                .with_attribute(("to", error))
                .write_empty()?;
            Ok(())
        })?;
    Ok(())
}

fn text_element(w: &mut Writer<Vec<u8>>, name: &str, text: &str) -> XmlResult {
    w.create_element(name)
        .write_text_content(BytesText::new(text))?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::workflow::{EdgeKind, NodeType, Point, ShellAction};

    fn sample() -> Workflow {
        let mut wf = Workflow::new("daily-etl");
        let a = wf.add_node(NodeType::Shell, Point::default());
        let b = wf.add_node(NodeType::Shell, Point::default());
        let end = wf.add_node(NodeType::End, Point::default());
        for (name, exec) in [(&a, "extract.sh"), (&b, "load.sh")] {
            wf.node_mut(name).unwrap().kind = NodeKind::Shell(ShellAction {
                exec: exec.to_owned(),
                arguments: vec!["--day".to_owned(), "${day} & <more>".to_owned()],
            });
        }
        wf.connect(&a, &b, EdgeKind::Ok).unwrap();
        wf.connect(&b, &end, EdgeKind::Ok).unwrap();
        wf
    }

    #[test]
    fn exports_the_exact_document() {
        let xml = to_workflow_xml(&sample()).unwrap();
        let expected = r#"<?xml version="1.0" encoding="UTF-8"?>
<workflow-app xmlns="uri:oozie:workflow:0.5" name="daily-etl">
    <global>
        <job-tracker>${jobTracker}</job-tracker>
        <name-node>${nameNode}</name-node>
    </global>
    <start to="shell-1"/>
    <action name="shell-1">
        <shell xmlns="uri:oozie:shell-action:0.3">
            <exec>extract.sh</exec>
            <argument>--day</argument>
            <argument>${day} &amp; &lt;more&gt;</argument>
        </shell>
        <ok to="shell-2"/>
        <error to="fail"/>
    </action>
    <action name="shell-2">
        <shell xmlns="uri:oozie:shell-action:0.3">
            <exec>load.sh</exec>
            <argument>--day</argument>
            <argument>${day} &amp; &lt;more&gt;</argument>
        </shell>
        <ok to="end-1"/>
        <error to="fail"/>
    </action>
    <kill name="fail">
        <message>Action failed, error message[${wf:errorMessage(wf:lastErrorNode())}]</message>
    </kill>
    <end name="end-1"/>
</workflow-app>"#;
        assert_eq!(xml, expected);
    }

    #[test]
    fn a_single_kill_node_is_the_default_error_target() {
        let mut wf = sample();
        let kill = wf.add_node(NodeType::Kill, Point::default());
        let xml = to_workflow_xml(&wf).unwrap();
        assert!(xml.contains(&format!(r#"<error to="{kill}"/>"#)), "{xml}");
        assert!(!xml.contains(r#"name="fail""#));
    }

    #[test]
    fn implicit_names_never_collide_with_user_names() {
        let mut wf = Workflow::new("w");
        let a = wf.add_node(NodeType::Shell, Point::default());
        wf.node_mut(&a).unwrap().kind = NodeKind::Shell(ShellAction {
            exec: "x".into(),
            arguments: vec![],
        });
        wf.rename_node(&a, "end").unwrap();
        let b = wf.add_node(NodeType::Shell, Point::default());
        wf.node_mut(&b).unwrap().kind = NodeKind::Shell(ShellAction {
            exec: "y".into(),
            arguments: vec![],
        });
        wf.rename_node(&b, "fail").unwrap();
        wf.connect("end", "fail", EdgeKind::Ok).unwrap();
        let xml = to_workflow_xml(&wf).unwrap();
        assert!(xml.contains(r#"<end name="end-2"/>"#), "{xml}");
        assert!(xml.contains(r#"<kill name="fail-2">"#), "{xml}");
    }

    #[test]
    fn an_empty_workflow_goes_from_start_to_end() {
        let xml = to_workflow_xml(&Workflow::new("nothing")).unwrap();
        assert!(xml.contains(r#"<start to="end"/>"#));
        assert!(!xml.contains("<global>"));
    }

    #[test]
    fn invalid_workflows_do_not_export() {
        let mut wf = sample();
        wf.connect("shell-2", "shell-1", EdgeKind::Error).unwrap();
        let Err(ExportError::Invalid(issues)) = to_workflow_xml(&wf) else {
            panic!("a cycle must not export");
        };
        assert_eq!(issues[0].code, "E0707");
    }
}
