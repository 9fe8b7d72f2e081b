//! Editing model → `workflow.xml` (workflow 0.5 or 1.0) and `job.properties`, written from
//! the [`plan`]: parallel branches become fork/join pairs, and the implicit parts get names:
//! - an action without an ok edge continues to the end node (one is added, named `end`,
//!   when the user drew none);
//! - an action without an error edge goes to the workflow's kill node when there is exactly
//!   one, otherwise to an added kill node `fail` that reports the failing node's message.
//!
//! Every field is written in its schema's order, taken from the action tables of
//! [`crate::workflow::action`]; verbatim parts (unknown actions, `sla:info`) are written
//! back as they were read.

use quick_xml::Writer;
use quick_xml::events::{BytesDecl, BytesText, Event};

use super::plan::{Plan, PlanKind};
use crate::workflow::action::{FieldKind, FieldSpec, GLOBAL};
use crate::workflow::tasks;
use crate::workflow::{
    Action, Fields, FsOp, Issue, NodeKind, Property, SchemaVersion, Value, Workflow,
    validate_and_plan,
};
use crate::xml;

#[derive(Debug, thiserror::Error)]
pub enum ExportError {
    /// Only a workflow without validation errors exports: Oozie would reject the rest.
    /// Validation includes Oozie's own submit-time walk over the planned graph, so nothing
    /// Oozie rejects is ever written.
    #[error("the workflow has {} validation error(s); fix them before exporting", .0.len())]
    Invalid(Vec<Issue>),
}

/// Writes `workflow.xml` in the workflow's own schema version.
pub fn to_workflow_xml(wf: &Workflow) -> Result<String, ExportError> {
    export_checked(wf)
}

/// Writes `workflow.xml` in the given schema version (checked for that version: 1.0 has no
/// `setrep`, 0.5 no `launcher`).
pub fn to_workflow_xml_as(wf: &Workflow, version: SchemaVersion) -> Result<String, ExportError> {
    if wf.schema == version {
        return export_checked(wf);
    }
    let mut copy = wf.clone();
    copy.schema = version;
    export_checked(&copy)
}

fn export_checked(wf: &Workflow) -> Result<String, ExportError> {
    export_with_notes(wf).map(|(xml, _)| xml)
}

/// `workflow.xml` and what the export added to the drawing on the way, in words: fork/join
/// pairs for parallel branches, an end or kill node the drawing lacks, and the orderings a
/// drawing that is not nested fork/joins had to gain (parallelism Oozie loses).
pub fn export_with_notes(wf: &Workflow) -> Result<(String, Vec<String>), ExportError> {
    match validate_and_plan(wf) {
        (_, Some(plan)) => Ok((write_plan(wf, &plan), added_notes(wf, &plan))),
        (issues, None) => Err(ExportError::Invalid(
            issues.into_iter().filter(Issue::is_error).collect(),
        )),
    }
}

fn added_notes(wf: &Workflow, plan: &Plan) -> Vec<String> {
    // The plan's nodes past the drawn ones are the ones the export added.
    let added = |want: fn(&PlanKind) -> bool| -> Vec<&str> {
        plan.nodes
            .iter()
            .filter(|n| n.id >= wf.nodes.len() && want(&n.kind))
            .map(|n| plan.name(n.id))
            .collect()
    };
    let mut notes = Vec::new();
    let forks = added(|k| matches!(k, PlanKind::Fork { .. }));
    if !forks.is_empty() {
        notes.push(format!(
            "{} fork/join pair(s) added for the parallel branches ({}).",
            forks.len(),
            forks.join(", ")
        ));
    }
    let ends = added(|k| matches!(k, PlanKind::End));
    let kills = added(|k| matches!(k, PlanKind::Kill { .. }));
    for (what, names) in [("an end node", ends), ("a kill node", kills)] {
        if let Some(name) = names.first() {
            notes.push(format!("{what} added ('{name}'): Oozie needs one."));
        }
    }
    notes.extend(plan.ordering_warnings().into_iter().map(|i| i.message));
    notes.extend(task_exports(wf).map(|(_, t)| t.note));
    notes
}

/// The Sluice tasks of a workflow with their translations, in node order.
fn task_exports(wf: &Workflow) -> impl Iterator<Item = (&str, tasks::Exported)> {
    wf.nodes.iter().filter_map(|n| match &n.kind {
        NodeKind::Action(a) => tasks::export(&n.name, a).map(|t| (n.name.as_str(), t)),
        _ => None,
    })
}

/// The files an app needs beside workflow.xml and job.properties: Python tasks' scripts,
/// and `dependencies.xml` for Dependent tasks. Paths are relative to the app directory.
pub fn extra_files(wf: &Workflow) -> Vec<(String, String)> {
    let mut files: Vec<(String, String)> = task_exports(wf).flat_map(|(_, t)| t.files).collect();
    if let Some(xml) = tasks::dependencies_xml(wf) {
        files.push(("dependencies.xml".to_owned(), xml));
    }
    files
}

/// Writes the plan of a workflow known to be valid.
pub(crate) fn write_plan(wf: &Workflow, plan: &Plan) -> String {
    let mut w = Writer::new_with_indent(Vec::new(), b' ', 4);
    write(&mut w, wf, plan).expect("writing to memory cannot fail");
    String::from_utf8(w.into_inner()).expect("the writer only emits UTF-8")
}

/// `job.properties`: the workflow's job properties in order, escaped as Java properties.
pub fn to_job_properties(wf: &Workflow) -> String {
    job_properties_text(&wf.job_properties)
}

/// Properties in order, escaped as `java.util.Properties` reads them.
pub fn job_properties_text(properties: &[crate::workflow::JobProperty]) -> String {
    let mut out = String::new();
    for p in properties {
        out.push_str(&escape_property(&p.name, true));
        out.push('=');
        out.push_str(&escape_property(&p.value, false));
        out.push('\n');
    }
    out
}

fn escape_property(s: &str, key: bool) -> String {
    let mut out = String::with_capacity(s.len());
    for (i, c) in s.chars().enumerate() {
        match c {
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            '=' | ':' if key => {
                out.push('\\');
                out.push(c);
            }
            ' ' if key || i == 0 => out.push_str("\\ "),
            '#' | '!' if i == 0 => {
                out.push('\\');
                out.push(c);
            }
            c if (c as u32) < 0x20 => out.push_str(&format!("\\u{:04X}", c as u32)),
            c => out.push(c),
        }
    }
    out
}

type XmlResult = std::io::Result<()>;
type W = Writer<Vec<u8>>;

fn write(w: &mut W, wf: &Workflow, plan: &Plan) -> XmlResult {
    let version = wf.schema;
    w.write_event(Event::Decl(BytesDecl::new("1.0", Some("UTF-8"), None)))?;
    w.create_element("workflow-app")
        .with_attribute(("xmlns", version.workflow_ns()))
        .with_attribute(("name", wf.name.as_str()))
        .write_inner_content(|w| {
            if !wf.parameters.is_empty() {
                w.create_element("parameters").write_inner_content(|w| {
                    for p in &wf.parameters {
                        property(w, p, false)?;
                    }
                    Ok(())
                })?;
            }
            if !wf.global.is_empty() {
                w.create_element("global").write_inner_content(|w| {
                    fields(w, GLOBAL, &wf.global, version == SchemaVersion::V1_0)
                })?;
            }
            if !wf.credentials.is_empty() {
                w.create_element("credentials").write_inner_content(|w| {
                    for c in &wf.credentials {
                        w.create_element("credential")
                            .with_attribute(("name", c.name.as_str()))
                            .with_attribute(("type", c.credential_type.as_str()))
                            .write_inner_content(|w| {
                                for p in &c.properties {
                                    property(w, p, true)?;
                                }
                                Ok(())
                            })?;
                    }
                    Ok(())
                })?;
            }
            w.create_element("start")
                .with_attribute(("to", plan.name(plan.start)))
                .write_empty()?;
            for node in &plan.nodes {
                let name = plan.name(node.id);
                match &node.kind {
                    PlanKind::Action {
                        source, ok, error, ..
                    } => {
                        if let NodeKind::Action(action) = &wf.nodes[*source].kind {
                            write_action(
                                w,
                                name,
                                action,
                                plan.name(*ok),
                                plan.name(*error),
                                version,
                            )?;
                        }
                    }
                    PlanKind::Decision { cases, default } => {
                        w.create_element("decision")
                            .with_attribute(("name", name))
                            .write_inner_content(|w| {
                                w.create_element("switch").write_inner_content(|w| {
                                    for &(predicate, to) in cases {
                                        w.create_element("case")
                                            .with_attribute(("to", plan.name(to)))
                                            .write_text_content(BytesText::new(predicate))?;
                                    }
                                    w.create_element("default")
                                        .with_attribute(("to", plan.name(*default)))
                                        .write_empty()?;
                                    Ok(())
                                })?;
                                Ok(())
                            })?;
                    }
                    PlanKind::Fork { paths } => {
                        w.create_element("fork")
                            .with_attribute(("name", name))
                            .write_inner_content(|w| {
                                for path in paths {
                                    w.create_element("path")
                                        .with_attribute(("start", plan.name(*path)))
                                        .write_empty()?;
                                }
                                Ok(())
                            })?;
                    }
                    PlanKind::Join { to } => {
                        w.create_element("join")
                            .with_attribute(("name", name))
                            .with_attribute(("to", plan.name(*to)))
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
            if let Some(sla) = &wf.sla {
                verbatim(w, sla)?;
            }
            Ok(())
        })?;
    Ok(())
}

fn write_action(
    w: &mut W,
    name: &str,
    action: &Action,
    ok: &str,
    error: &str,
    version: SchemaVersion,
) -> XmlResult {
    // A Sluice task is written as the Oozie action it translates to.
    let translated = tasks::export(name, action);
    let action = translated.as_ref().map_or(action, |t| &t.action);
    let mut element = w.create_element("action").with_attribute(("name", name));
    for (attr, value) in [
        ("cred", &action.cred),
        ("retry-max", &action.retry_max),
        ("retry-interval", &action.retry_interval),
        ("retry-policy", &action.retry_policy),
    ] {
        if let Some(value) = value {
            element = element.with_attribute((attr, value.as_str()));
        }
    }
    element.write_inner_content(|w| {
        match (&action.xml, action.spec()) {
            (Some(xml), _) => verbatim(w, xml)?,
            (None, Some(spec)) => {
                let mut body = w.create_element(spec.id);
                let ns = spec.namespace_for(version);
                if let Some(ns) = &ns {
                    body = body.with_attribute(("xmlns", ns.as_str()));
                }
                if action.fields.is_empty() {
                    body.write_empty()?;
                } else {
                    let rm = spec.resource_manager_spelling(version);
                    body.write_inner_content(|w| fields(w, spec.fields, &action.fields, rm))?;
                }
            }
            (None, None) => unreachable!("validation refuses an action of no known type"),
        }
        w.create_element("ok")
            .with_attribute(("to", ok))
            .write_empty()?;
        w.create_element("error")
            .with_attribute(("to", error))
            .write_empty()?;
        if let Some(sla) = &action.sla {
            verbatim(w, sla)?;
        }
        Ok(())
    })?;
    Ok(())
}

/// The fields of a spec, in its order.
fn fields(w: &mut W, specs: &[FieldSpec], values: &Fields, resource_manager: bool) -> XmlResult {
    for spec in specs {
        let Some(value) = values.get(spec.key) else {
            continue;
        };
        let element = spec.element(resource_manager);
        match (spec.kind, value) {
            (kind, Value::Text(t)) if kind.is_text() => text_element(w, element, t)?,
            (FieldKind::Texts, Value::Texts(ts)) => {
                for t in ts {
                    text_element(w, element, t)?;
                }
            }
            (FieldKind::Flag, Value::Flag(true)) => {
                w.create_element(element).write_empty()?;
            }
            (FieldKind::Config, Value::Properties(props)) => {
                w.create_element(element).write_inner_content(|w| {
                    for p in props {
                        property(w, p, true)?;
                    }
                    Ok(())
                })?;
            }
            (FieldKind::Prepare, Value::Ops(ops)) => {
                w.create_element(element)
                    .write_inner_content(|w| ops.iter().try_for_each(|op| fs_op(w, op)))?;
            }
            (FieldKind::FsOps, Value::Ops(ops)) => {
                ops.iter().try_for_each(|op| fs_op(w, op))?;
            }
            (FieldKind::Group(inner), Value::Group(group)) => {
                w.create_element(element)
                    .write_inner_content(|w| fields(w, inner, group, resource_manager))?;
            }
            _ => {} // refused by validation
        }
    }
    Ok(())
}

/// A `<property>`; `value_required` writes an empty value when there is none (configuration
/// and credentials need one, parameters do not).
fn property(w: &mut W, p: &Property, value_required: bool) -> XmlResult {
    w.create_element("property").write_inner_content(|w| {
        text_element(w, "name", &p.name)?;
        match (&p.value, value_required) {
            (Some(v), _) => text_element(w, "value", v)?,
            (None, true) => text_element(w, "value", "")?,
            (None, false) => {}
        }
        if let Some(d) = &p.description {
            text_element(w, "description", d)?;
        }
        Ok(())
    })?;
    Ok(())
}

fn fs_op(w: &mut W, op: &FsOp) -> XmlResult {
    let mut attrs: Vec<(&str, &str)> = Vec::new();
    let mut recursive = false;
    match op {
        FsOp::Delete { path, skip_trash } => {
            attrs.push(("path", path));
            if let Some(s) = skip_trash {
                attrs.push(("skip-trash", s));
            }
        }
        FsOp::Mkdir { path } | FsOp::Touchz { path } => attrs.push(("path", path)),
        FsOp::Move { source, target } => {
            attrs.push(("source", source));
            attrs.push(("target", target));
        }
        FsOp::Chmod {
            path,
            permissions,
            dir_files,
            recursive: r,
        } => {
            attrs.push(("path", path));
            attrs.push(("permissions", permissions));
            if let Some(d) = dir_files {
                attrs.push(("dir-files", d));
            }
            recursive = *r;
        }
        FsOp::Chgrp {
            path,
            group,
            dir_files,
            recursive: r,
        } => {
            attrs.push(("path", path));
            attrs.push(("group", group));
            if let Some(d) = dir_files {
                attrs.push(("dir-files", d));
            }
            recursive = *r;
        }
        FsOp::Setrep {
            path,
            replication_factor,
        } => {
            attrs.push(("path", path));
            attrs.push(("replication-factor", replication_factor));
        }
    }
    let element = w.create_element(op.id()).with_attributes(attrs);
    if recursive {
        element.write_inner_content(|w| {
            w.create_element("recursive").write_empty()?;
            Ok(())
        })?;
    } else {
        element.write_empty()?;
    }
    Ok(())
}

/// A part kept verbatim, written back as an element (so the writer indents it).
fn verbatim(w: &mut W, text: &str) -> XmlResult {
    match xml::parse(text, &xml::Limits::default()) {
        Ok(element) => xml::write_element(w, &element),
        // Kept parts come from the importer, which only keeps what it parsed.
        Err(_) => Err(std::io::Error::other("a kept XML part does not parse")),
    }
}

fn text_element(w: &mut W, name: &str, text: &str) -> XmlResult {
    w.create_element(name)
        .write_text_content(BytesText::new(text))?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::workflow::{EdgeKind, JobProperty, NodeType, Point};

    const SHELL: NodeType = NodeType::Action("shell");

    #[test]
    fn an_export_says_what_it_added_to_the_drawing() {
        // a → (b, c) → d: drawn without fork or join.
        let mut wf = Workflow::new_drawing("wf");
        for name in ["a", "b", "c", "d"] {
            let n = wf.add_node(SHELL, Point::default());
            wf.rename_node(&n, name).unwrap();
            if let Some(action) = wf.node_mut(name).and_then(|n| n.kind.as_action_mut()) {
                *action = action.clone().with_text("exec", "true");
            }
        }
        for (from, to) in [("a", "b"), ("a", "c"), ("b", "d"), ("c", "d")] {
            wf.connect(from, to, EdgeKind::Ok).unwrap();
        }
        let (xml, notes) = export_with_notes(&wf).unwrap();
        assert!(xml.contains("<fork name="), "{xml}");
        assert!(
            notes
                .iter()
                .any(|n| n.starts_with("1 fork/join pair(s) added")),
            "{notes:?}"
        );
        // A drawing Oozie would reject is not exported.
        wf.connect("d", "a", EdgeKind::Ok).unwrap();
        assert!(matches!(
            export_with_notes(&wf),
            Err(ExportError::Invalid(_))
        ));
    }

    fn shell(exec: &str, args: &[&str]) -> NodeKind {
        let mut action = Action::new("shell").with_text("exec", exec);
        action.fields.set(
            "argument",
            Value::Texts(args.iter().map(|a| (*a).to_owned()).collect()),
        );
        NodeKind::Action(action)
    }

    fn sample() -> Workflow {
        let mut wf = Workflow::new_drawing("daily-etl");
        wf.job_properties.push(JobProperty {
            name: "day".into(),
            value: "2026-11-21".into(),
        });
        let a = wf.add_node(SHELL, Point::default());
        let b = wf.add_node(SHELL, Point::default());
        let end = wf.add_node(NodeType::End, Point::default());
        for (name, exec) in [(&a, "extract.sh"), (&b, "load.sh")] {
            wf.node_mut(name).unwrap().kind = shell(exec, &["--day", "${day} & <more>"]);
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
        let mut wf = Workflow::new_drawing("w");
        let a = wf.add_node(SHELL, Point::default());
        wf.node_mut(&a).unwrap().kind = shell("x", &[]);
        wf.rename_node(&a, "end").unwrap();
        let b = wf.add_node(SHELL, Point::default());
        wf.node_mut(&b).unwrap().kind = shell("y", &[]);
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
