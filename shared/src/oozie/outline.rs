//! Checking any `workflow.xml` the way an Oozie server does at submit time, in its order:
//!
//! 1. the definition's length (E0736, more than 100,000 characters);
//! 2. the schema (E0701): document shape, element order, required attributes and children,
//!    node-name syntax, known action namespaces — checked over the whole document first;
//! 3. building the nodes (E0705 duplicate name, E0706 transition to itself);
//! 4. the graph walk of [`super::validate`] (E0707, E0708, E0723, E0724, E0730, E0733,
//!    E0737, E0742, E0743, E0744, E0757, E0758).
//!
//! Like Oozie, it stops at the first error. After a pass it adds Sluice's own warnings.
//! The schema step is a structural subset of the XSDs (what Oozie's users actually trip
//! over), not a full XSD engine; exports are additionally checked with xmllint in tests.

use super::validate::{
    CORE_ACTIONS, ControlGraph, ControlKind, EXTENSION_ACTIONS, ForkJoinCheck,
    is_known_action_type, validate_graph,
};
use crate::workflow::{Issue, is_identifier};
use crate::xml::{self, Element, Limits, XmlError};

/// Oozie's `WorkflowDefinitionMaxLength`.
pub const MAX_DEFINITION_LENGTH: usize = 100_000;

const WORKFLOW_VERSIONS: [&str; 8] = ["0.1", "0.2", "0.2.5", "0.3", "0.4", "0.4.5", "0.5", "1.0"];

/// Children each action type must have; `a|b` means one of them.
fn required_children(action: &str) -> &'static [&'static str] {
    match action {
        "pig" => &["script"],
        "sub-workflow" => &["app-path"],
        "java" => &["main-class"],
        "shell" => &["exec"],
        "hive" => &["script|query"],
        "hive2" => &["jdbc-url", "script|query"],
        "sqoop" => &["command|arg"],
        "spark" => &["master", "name", "jar"],
        "email" => &["to", "subject", "body"],
        "ssh" => &["host", "command"],
        "git" => &["git-uri", "destination-uri"],
        _ => &[],
    }
}

fn schema(line: u32, message: String) -> Issue {
    Issue::error("E0701", format!("XML schema error, line {line}: {message}"))
}

/// The result of checking a document that could be read.
#[derive(Debug, Clone, PartialEq)]
pub struct Report {
    /// The workflow's name, when the document got that far.
    pub name: Option<String>,
    /// Oozie's first error, if any, then Sluice's warnings.
    pub issues: Vec<Issue>,
}

impl Report {
    pub fn is_valid(&self) -> bool {
        !self.issues.iter().any(Issue::is_error)
    }
}

/// Checks a `workflow.xml`. `Err` means the document is not well-formed XML or was refused
/// (DOCTYPE, limits); `Ok` carries Oozie's verdict.
pub fn check_workflow_xml(input: &str) -> Result<Report, XmlError> {
    check(input, Actions::Registered).map(|(report, _)| report)
}

/// Which action types the schema step accepts.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Actions {
    /// Those Oozie registers out of the box, as a stock server does.
    Registered,
    /// Any: the importer keeps unknown ones verbatim.
    Any,
}

/// The check, and the parsed document when it got that far.
pub(crate) fn check(input: &str, actions: Actions) -> Result<(Report, Option<Element>), XmlError> {
    let length = input.encode_utf16().count();
    let too_long = (length > MAX_DEFINITION_LENGTH).then(|| {
        format!(
            "Workflow definition length [{length}] exceeded maximum allowed length [{MAX_DEFINITION_LENGTH}]"
        )
    });
    // A stock Oozie refuses it; the limit is a server setting, so the importer only warns.
    if let (Some(message), Actions::Registered) = (&too_long, actions) {
        return Ok((
            Report {
                name: None,
                issues: vec![Issue::error("E0736", message.clone())],
            },
            None,
        ));
    }
    let root = xml::parse(input, &Limits::default())?;
    let name = root.attr("name").map(str::to_owned);
    let mut issues = match check_tree(&root, actions) {
        Ok(warnings) => warnings,
        Err(first) => vec![first],
    };
    if let Some(message) = too_long {
        issues.push(Issue::warning("E0736", message));
    }
    Ok((Report { name, issues }, Some(root)))
}

/// Steps 2–4 on a parsed document; `Err` is the first error, `Ok` the warnings.
fn check_tree(root: &Element, actions: Actions) -> Result<Vec<Issue>, Issue> {
    check_schema(root, actions)?;
    let graph = build_graph(root, actions)?;
    validate_graph(&graph, ForkJoinCheck::On).map_err(Issue::from)?;
    let unreachable = graph.unreachable();
    Ok((!unreachable.is_empty())
        .then(|| {
            Issue::warning(
                "S2001",
                format!(
                    "Not reachable from the start, so never run: {}",
                    unreachable.join(", ")
                ),
            )
            .on_nodes(unreachable)
        })
        .into_iter()
        .collect())
}

fn workflow_version(root: &Element) -> Option<&str> {
    root.namespace
        .as_deref()?
        .strip_prefix("uri:oozie:workflow:")
        .filter(|v| WORKFLOW_VERSIONS.contains(v))
}

/// The node elements (between start and end, end included), in document order.
fn nodes(root: &Element) -> impl Iterator<Item = &Element> {
    root.elements().filter(|e| {
        matches!(
            e.name.as_str(),
            "decision" | "fork" | "join" | "kill" | "action" | "end"
        )
    })
}

fn check_schema(root: &Element, actions: Actions) -> Result<(), Issue> {
    if root.name != "workflow-app" || workflow_version(root).is_none() {
        return Err(schema(
            root.line,
            format!(
                "the root element is <{}> in namespace '{}', not <workflow-app> in a uri:oozie:workflow namespace ({})",
                root.qname,
                root.namespace.as_deref().unwrap_or(""),
                WORKFLOW_VERSIONS.join(", ")
            ),
        ));
    }
    if root.attr("name").is_none() {
        return Err(schema(
            root.line,
            "<workflow-app> needs a name attribute".into(),
        ));
    }
    let workflow_ns = root.namespace.as_deref();
    // Element order of the WORKFLOW-APP sequence; the number is the stage it moves to.
    let mut stage = 0;
    for child in root.elements() {
        let in_wf_ns = child.namespace.as_deref() == workflow_ns;
        let next = match child.name.as_str() {
            "parameters" if in_wf_ns && stage < 1 => 1,
            "global" if in_wf_ns && stage < 2 => 2,
            "credentials" if in_wf_ns && stage < 3 => 3,
            "start" if in_wf_ns && stage < 4 => 4,
            "decision" | "fork" | "join" | "kill" | "action" if in_wf_ns && stage == 4 => 4,
            "end" if in_wf_ns && stage == 4 => 5,
            "info" if stage == 5 && is_sla(child) => 6,
            _ => {
                return Err(schema(
                    child.line,
                    format!("element <{}> is not expected here", child.qname),
                ));
            }
        };
        stage = next;
        check_node_schema(child, workflow_ns, actions)?;
    }
    match stage {
        0..=3 => Err(schema(root.line, "the workflow has no <start>".into())),
        4 => Err(schema(
            root.line,
            "the workflow has no <end> after its nodes".into(),
        )),
        _ => Ok(()),
    }
}

fn is_sla(e: &Element) -> bool {
    matches!(
        e.namespace.as_deref(),
        Some("uri:oozie:sla:0.1" | "uri:oozie:sla:0.2")
    )
}

/// An attribute that must be a node identifier.
fn identifier<'a>(e: &'a Element, attr: &str) -> Result<&'a str, Issue> {
    let value = e
        .attr(attr)
        .ok_or_else(|| schema(e.line, format!("<{}> needs a {attr} attribute", e.qname)))?;
    if !is_identifier(value) {
        return Err(schema(
            e.line,
            format!(
                "'{value}' in <{} {attr}=…> is not a valid node name ([A-Za-z_][-_A-Za-z0-9]*)",
                e.qname
            ),
        ));
    }
    Ok(value)
}

fn check_node_schema(
    node: &Element,
    workflow_ns: Option<&str>,
    actions: Actions,
) -> Result<(), Issue> {
    match node.name.as_str() {
        "start" => identifier(node, "to").map(drop),
        "end" => identifier(node, "name").map(drop),
        "kill" => {
            identifier(node, "name")?;
            node.child("message")
                .map(drop)
                .ok_or_else(|| schema(node.line, "<kill> needs a <message>".into()))
        }
        "join" => {
            identifier(node, "name")?;
            identifier(node, "to").map(drop)
        }
        "fork" => {
            identifier(node, "name")?;
            let paths: Vec<&Element> = node.elements().filter(|e| e.name == "path").collect();
            if paths.len() < 2 {
                return Err(schema(
                    node.line,
                    format!(
                        "<fork> needs at least two <path> elements, it has {}",
                        paths.len()
                    ),
                ));
            }
            paths
                .into_iter()
                .try_for_each(|p| identifier(p, "start").map(drop))
        }
        "decision" => {
            identifier(node, "name")?;
            let switch = node
                .child("switch")
                .ok_or_else(|| schema(node.line, "<decision> needs a <switch>".into()))?;
            let cases: Vec<&Element> = switch.elements().filter(|e| e.name == "case").collect();
            let defaults: Vec<&Element> =
                switch.elements().filter(|e| e.name == "default").collect();
            if cases.is_empty() || defaults.len() != 1 {
                return Err(schema(
                    switch.line,
                    "<switch> needs one or more <case> and exactly one <default>".into(),
                ));
            }
            cases
                .into_iter()
                .chain(defaults)
                .try_for_each(|c| identifier(c, "to").map(drop))
        }
        "action" => check_action_schema(node, workflow_ns, actions),
        _ => Ok(()),
    }
}

fn check_action_schema(
    node: &Element,
    workflow_ns: Option<&str>,
    actions: Actions,
) -> Result<(), Issue> {
    let name = identifier(node, "name")?;
    let mut children = node.elements();
    let body = children
        .next()
        .ok_or_else(|| schema(node.line, format!("action '{name}' has no action element")))?;
    let known = if body.namespace.as_deref() == workflow_ns {
        CORE_ACTIONS.contains(&body.name.as_str())
    } else {
        EXTENSION_ACTIONS.iter().any(|(element, versions)| {
            body.name == *element
                && body
                    .namespace
                    .as_deref()
                    .and_then(|ns| ns.strip_prefix(&format!("uri:oozie:{element}-action:")))
                    .is_some_and(|v| versions.contains(&v))
        })
    };
    if !known && actions == Actions::Registered {
        return Err(schema(
            body.line,
            format!(
                "<{}> in namespace '{}' is not an action type this Oozie knows",
                body.qname,
                body.namespace.as_deref().unwrap_or("")
            ),
        ));
    }
    for required in required_children(&body.name) {
        if !required.split('|').any(|r| body.child(r).is_some()) {
            return Err(schema(
                body.line,
                format!(
                    "the {} action '{name}' needs <{}>",
                    body.name,
                    required.replace('|', "> or <")
                ),
            ));
        }
    }
    for transition in ["ok", "error"] {
        match children.next() {
            Some(t) if t.name == transition => {
                identifier(t, "to")?;
            }
            other => {
                return Err(schema(
                    other.map_or(node.line, |o| o.line),
                    format!("action '{name}' needs <{transition} to=…> here"),
                ));
            }
        }
    }
    match children.next() {
        None => Ok(()),
        Some(sla) if is_sla(sla) && children.next().is_none() => Ok(()),
        Some(extra) => Err(schema(
            extra.line,
            format!(
                "element <{}> is not expected in action '{name}'",
                extra.qname
            ),
        )),
    }
}

/// Step 3: the nodes as Oozie's parser builds them. Assumes the schema step passed.
fn build_graph(root: &Element, actions: Actions) -> Result<ControlGraph<'_>, Issue> {
    let start_to = root
        .child("start")
        .and_then(|s| s.attr("to"))
        .unwrap_or_default();
    let mut graph = ControlGraph::new(start_to);
    for node in nodes(root) {
        let name = node.attr("name").unwrap_or_default();
        let (mut kind, transitions) = node_transitions(node);
        if let (ControlKind::Action(t), Actions::Any) = (kind, actions)
            && !is_known_action_type(t)
        {
            // Checked for its shape like any action; its type is the importer's concern.
            kind = ControlKind::Action("java");
        }
        graph.add(name, kind, transitions).map_err(Issue::from)?;
    }
    Ok(graph)
}

fn node_transitions(node: &Element) -> (ControlKind<'_>, Vec<&str>) {
    match node.name.as_str() {
        "end" => (ControlKind::End, vec![]),
        "kill" => (ControlKind::Kill, vec![]),
        "join" => (ControlKind::Join, vec![node.attr("to").unwrap_or_default()]),
        "fork" => (
            ControlKind::Fork,
            node.elements()
                .filter(|e| e.name == "path")
                .map(|p| p.attr("start").unwrap_or_default())
                .collect(),
        ),
        "decision" => (
            ControlKind::Decision,
            node.child("switch")
                .into_iter()
                .flat_map(Element::elements)
                .filter(|e| e.name == "case" || e.name == "default")
                .map(|c| c.attr("to").unwrap_or_default())
                .collect(),
        ),
        _ => {
            let body = node.elements().next().map_or("", |b| b.name.as_str());
            let to = |t: &str| node.child(t).and_then(|e| e.attr("to")).unwrap_or_default();
            (ControlKind::Action(body), vec![to("ok"), to("error")])
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn wf(body: &str) -> String {
        format!(r#"<workflow-app xmlns="uri:oozie:workflow:0.5" name="t">{body}</workflow-app>"#)
    }

    fn codes(xml: &str) -> Vec<String> {
        check_workflow_xml(xml)
            .unwrap()
            .issues
            .into_iter()
            .map(|i| i.code)
            .collect()
    }

    const SHELL: &str = r#"<shell xmlns="uri:oozie:shell-action:0.3"><exec>true</exec></shell>"#;

    #[test]
    fn a_minimal_valid_workflow() {
        let xml = wf(&format!(
            r#"<start to="a"/><action name="a">{SHELL}<ok to="end"/><error to="k"/></action><kill name="k"><message>m</message></kill><end name="end"/>"#
        ));
        let report = check_workflow_xml(&xml).unwrap();
        assert!(report.is_valid(), "{:?}", report.issues);
        assert_eq!(report.name.as_deref(), Some("t"));
    }

    #[test]
    fn schema_errors_come_before_graph_errors() {
        // A duplicate name (E0705) early and a missing <exec> later: the schema wins.
        let xml = wf(
            r#"<start to="a"/><kill name="a"><message>m</message></kill><kill name="a"><message>m</message></kill>
            <action name="b"><shell xmlns="uri:oozie:shell-action:0.3"/><ok to="end"/><error to="a"/></action><end name="end"/>"#,
        );
        let report = check_workflow_xml(&xml).unwrap();
        assert_eq!(report.issues[0].code, "E0701");
        assert!(
            report.issues[0].message.contains("needs <exec>"),
            "{:?}",
            report.issues
        );
    }

    #[test]
    fn shape_and_order_errors_are_e0701() {
        let cases = [
            wf(r#"<end name="end"/>"#),
            wf(r#"<start to="a"/>"#),
            wf(r#"<start to="end"/><end name="end"/><kill name="k"><message>m</message></kill>"#),
            wf(r#"<start to="f"/><fork name="f"><path start="a"/></fork><end name="end"/>"#),
            wf(r#"<start to="9a"/><end name="end"/>"#),
            wf(
                r#"<start to="a"/><action name="a"><rocket xmlns="urn:x"/><ok to="end"/><error to="end"/></action><end name="end"/>"#,
            ),
            wf(&format!(
                r#"<start to="a"/><action name="a">{SHELL}<error to="end"/></action><end name="end"/>"#
            )),
            r#"<workflow-app xmlns="uri:oozie:coordinator:0.4" name="t"/>"#.to_owned(),
        ];
        for xml in &cases {
            assert_eq!(codes(xml), vec!["E0701"], "{xml}");
        }
    }

    #[test]
    fn graph_errors_after_schema() {
        let dup = wf(
            r#"<start to="k"/><kill name="k"><message>m</message></kill><kill name="k"><message>m</message></kill><end name="end"/>"#,
        );
        assert_eq!(codes(&dup), vec!["E0705"]);
        let dangling = wf(&format!(
            r#"<start to="a"/><action name="a">{SHELL}<ok to="nowhere"/><error to="end"/></action><end name="end"/>"#
        ));
        assert_eq!(codes(&dangling), vec!["E0708"]);
    }

    #[test]
    fn unreachable_nodes_are_a_warning_only() {
        let xml = wf(&format!(
            r#"<start to="end"/><action name="lost">{SHELL}<ok to="end"/><error to="end"/></action><end name="end"/>"#
        ));
        let report = check_workflow_xml(&xml).unwrap();
        assert!(report.is_valid());
        assert_eq!(report.issues[0].code, "S2001");
        assert_eq!(report.issues[0].nodes, vec!["lost"]);
    }

    #[test]
    fn over_long_definitions_are_e0736() {
        let padding = format!("<!--{}-->", "x".repeat(MAX_DEFINITION_LENGTH));
        assert_eq!(codes(&format!("{padding}{}", wf(""))), vec!["E0736"]);
    }
}
