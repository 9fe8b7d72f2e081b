//! `workflow.xml` (and `job.properties`) → the editing model.
//!
//! The document must be one Oozie accepts (checked first, as [`super::outline`] does,
//! except that action types Oozie does not register are allowed and kept verbatim). Then:
//! - fork and join fold into dependency edges: an edge into a fork becomes edges to every
//!   path's start, an edge into a join becomes an edge to the join's target. Oozie's
//!   validator guarantees they nest, so nothing else is lost but their names, which the
//!   export makes up again;
//! - each action's element is read against its type's table; content the table does not
//!   cover keeps the whole element verbatim (with a note), so nothing is ever dropped;
//! - nodes get positions from a layered layout (the XML has none).
//!
//! Export after import gives an equivalent workflow, and import → export → import is the
//! identity on the model (tested on every example app).

use foldhash::{HashMap, HashMapExt, HashSet, HashSetExt};

use super::outline::{self, Actions};
use crate::workflow::action::{self, FieldKind, FieldSpec, GLOBAL};
use crate::workflow::layout;
use crate::workflow::{
    Action, Credential, Edge, EdgeKind, Fields, FsOp, Issue, JobProperty, Node, NodeKind, Point,
    Property, SchemaVersion, Value, Workflow,
};
use crate::xml::{Element, XmlError};

#[derive(Debug, Clone, PartialEq)]
pub struct Imported {
    pub workflow: Workflow,
    /// What the import did that the user should know: parts kept verbatim, nodes that were
    /// unreachable, fork/join pairs folded.
    pub notes: Vec<String>,
    /// Oozie's warnings about the document (unreachable nodes).
    pub warnings: Vec<Issue>,
}

#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum ImportError {
    #[error("{0}")]
    Xml(#[from] XmlError),
    /// Oozie would reject the document; its first error.
    #[error("Oozie rejects this workflow: {}", .0.first().map_or("", |i| i.message.as_str()))]
    Invalid(Vec<Issue>),
}

/// A node's way out: its kind, a case's predicate, and the target as written.
type Transition<'a> = (EdgeKind, String, &'a str);

/// Reads a `workflow.xml` into the editing model.
pub fn from_workflow_xml(input: &str) -> Result<Imported, ImportError> {
    let (report, root) = outline::check(input, Actions::Any)?;
    if !report.is_valid() {
        return Err(ImportError::Invalid(
            report.issues.into_iter().filter(Issue::is_error).collect(),
        ));
    }
    let root = root.expect("a valid report comes with its document");
    let mut notes = Vec::new();
    let mut wf = Workflow::new(root.attr("name").unwrap_or_default());
    wf.schema = if root.namespace.as_deref() == Some(SchemaVersion::V1_0.workflow_ns()) {
        SchemaVersion::V1_0
    } else {
        SchemaVersion::V0_5
    };
    let workflow_ns = root.namespace.as_deref();
    let mut start = "";
    // Fork targets and join targets, to fold.
    let mut forks: HashMap<&str, Vec<&str>> = HashMap::new();
    let mut joins: HashMap<&str, &str> = HashMap::new();
    // (node, transitions as (kind, predicate, target)) in document order.
    let mut transitions: Vec<(&str, Vec<Transition<'_>>)> = Vec::new();
    for child in root.elements() {
        let name = child.attr("name").unwrap_or_default();
        match child.name.as_str() {
            "parameters" => wf.parameters = properties(child, false),
            "global" => match read_fields(child, GLOBAL) {
                Ok(fields) => wf.global = fields,
                Err(problem) => {
                    notes.push(format!("<global> was not imported: {problem}"));
                }
            },
            "credentials" => {
                wf.credentials = child
                    .elements()
                    .map(|c| Credential {
                        name: c.attr("name").unwrap_or_default().to_owned(),
                        credential_type: c.attr("type").unwrap_or_default().to_owned(),
                        properties: properties(c, true),
                    })
                    .collect();
            }
            "start" => start = child.attr("to").unwrap_or_default(),
            "fork" => {
                forks.insert(
                    name,
                    child.elements().filter_map(|p| p.attr("start")).collect(),
                );
            }
            "join" => {
                joins.insert(name, child.attr("to").unwrap_or_default());
            }
            "end" => push(&mut wf, name, NodeKind::End),
            "kill" => {
                let message = child
                    .child("message")
                    .map(Element::text)
                    .unwrap_or_default();
                push(&mut wf, name, NodeKind::Kill { message });
            }
            "decision" => {
                let mut out = Vec::new();
                for c in child
                    .child("switch")
                    .into_iter()
                    .flat_map(Element::elements)
                {
                    let to = c.attr("to").unwrap_or_default();
                    match c.name.as_str() {
                        "case" => out.push((EdgeKind::Case, c.text().trim().to_owned(), to)),
                        "default" => out.push((EdgeKind::Default, String::new(), to)),
                        _ => {}
                    }
                }
                push(&mut wf, name, NodeKind::Decision);
                transitions.push((name, out));
            }
            "action" => {
                let (action, note) = read_action(child, workflow_ns);
                notes.extend(note);
                let to = |t: &str| {
                    child
                        .child(t)
                        .and_then(|e| e.attr("to"))
                        .unwrap_or_default()
                };
                transitions.push((
                    name,
                    vec![
                        (EdgeKind::Ok, String::new(), to("ok")),
                        (EdgeKind::Error, String::new(), to("error")),
                    ],
                ));
                push(&mut wf, name, NodeKind::Action(action));
            }
            "info" => wf.sla = Some(child.fragment()),
            _ => {}
        }
    }
    if !forks.is_empty() {
        notes.push(format!(
            "{} fork/join pair(s) folded into dependency edges; the export names them anew",
            forks.len()
        ));
    }
    let mut fold = Fold {
        forks,
        joins,
        known: HashMap::new(),
    };
    for (from, list) in &transitions {
        // Names are unique (Oozie's E0705 otherwise), so a duplicate edge can only come
        // from the same source: one small set per source, keyed on borrowed text.
        let folded: Vec<(EdgeKind, &str, Vec<&str>)> = list
            .iter()
            .map(|(kind, predicate, to)| (*kind, predicate.as_str(), fold.targets(to)))
            .collect();
        let mut drawn = HashSet::new();
        for (kind, predicate, targets) in &folded {
            for &target in targets {
                if drawn.insert((*kind, *predicate, target)) {
                    wf.edges.push(Edge {
                        predicate: (*predicate).to_owned(),
                        ..Edge::new(*from, target, *kind)
                    });
                }
            }
        }
    }
    let entries = fold.targets(start);
    let mut has_incoming = vec![false; wf.nodes.len()];
    let index = wf.name_index();
    for e in &wf.edges {
        if let Some(&i) = index.get(e.to.as_str()) {
            has_incoming[i] = true;
        }
    }
    for entry in &entries {
        if index.get(entry).is_some_and(|&i| has_incoming[i]) {
            notes.push(format!(
                "'{entry}' starts the workflow but is also the target of a transition; in Sluice a node another one leads to does not start the workflow"
            ));
        }
    }
    let warnings: Vec<Issue> = report.issues;
    for w in warnings.iter().filter(|w| w.code == "S2001") {
        notes.push(format!(
            "{} (in Sluice, a node nothing leads to starts with the workflow)",
            w.message
        ));
    }
    // SQL and Dependent tasks carry everything in their markers; a Python task needs its
    // script file, which only an app's other files can give (see `tasks::restore_all`).
    notes.extend(crate::workflow::tasks::restore_all(&mut wf, None));
    layout::layout(&mut wf, &layout::LayoutOptions::default());
    Ok(Imported {
        workflow: wf,
        notes,
        warnings,
    })
}

/// Forks and joins folded away: what a transition really leads to.
struct Fold<'d> {
    /// Fork -> its paths' starts; join -> where it continues.
    forks: HashMap<&'d str, Vec<&'d str>>,
    joins: HashMap<&'d str, &'d str>,
    /// Each fork's and join's targets, worked out once: in a layered workflow every
    /// action of a layer transitions to the same join.
    known: HashMap<&'d str, Vec<&'d str>>,
}

impl<'d> Fold<'d> {
    /// The nodes a transition to `target` reaches: the target itself, or the start of
    /// every path of a fork (and what follows a join), each once, in document order.
    fn targets(&mut self, target: &'d str) -> Vec<&'d str> {
        let control = self.forks.contains_key(target) || self.joins.contains_key(target);
        if !control {
            return vec![target];
        }
        let mut out: Vec<&'d str> = Vec::new();
        let mut stack = vec![target];
        let mut expanded: HashSet<&str> = HashSet::new();
        while let Some(t) = stack.pop() {
            if let Some(known) = self.known.get(t) {
                out.extend(known);
            } else if let Some(paths) = self.forks.get(t) {
                // A fork or join met twice: a cycle Oozie rejects, or redundant.
                if expanded.insert(t) {
                    stack.extend(paths.iter().rev());
                }
            } else if let Some(&to) = self.joins.get(t) {
                if expanded.insert(t) {
                    stack.push(to);
                }
            } else {
                out.push(t);
            }
        }
        let mut seen = HashSet::with_capacity(out.len());
        out.retain(|t| seen.insert(*t));
        self.known.insert(target, out.clone());
        out
    }
}

fn push(wf: &mut Workflow, name: &str, kind: NodeKind) {
    wf.nodes.push(Node {
        name: name.to_owned(),
        position: Point::default(),
        kind,
    });
}

/// `<property>` children; configuration and credential properties always have a value.
fn properties(parent: &Element, value_required: bool) -> Vec<Property> {
    parent
        .elements()
        .filter(|p| p.name == "property")
        .map(|p| Property {
            name: p.child("name").map(Element::text).unwrap_or_default(),
            value: p
                .child("value")
                .map(Element::text)
                .or_else(|| value_required.then(String::new)),
            description: p.child("description").map(Element::text),
        })
        .collect()
}

/// An `<action>` element: its type element read against the type's table, or kept verbatim
/// (with a note saying why).
fn read_action(node: &Element, workflow_ns: Option<&str>) -> (Action, Option<String>) {
    let name = node.attr("name").unwrap_or_default();
    let body = node
        .elements()
        .next()
        .expect("the schema step checked the action element");
    let mut action = Action::new(&body.name);
    let attr = |a: &str| node.attr(a).map(str::to_owned);
    action.cred = attr("cred");
    action.retry_max = attr("retry-max");
    action.retry_interval = attr("retry-interval");
    action.retry_policy = attr("retry-policy");
    action.sla = node
        .elements()
        .find(|e| {
            e.name == "info"
                && e.namespace
                    .as_deref()
                    .is_some_and(|n| n.starts_with("uri:oozie:sla:"))
        })
        .map(Element::fragment);
    let spec = action::oozie_spec(&body.name)
        .filter(|s| s.reads_namespace(body.namespace.as_deref(), workflow_ns));
    let note = match spec.map(|s| read_fields(body, s.fields)) {
        Some(Ok(fields)) => {
            action.fields = fields;
            None
        }
        Some(Err(problem)) => {
            action.xml = Some(body.fragment());
            Some(format!(
                "action '{name}' ({}) is kept as written: {problem}",
                body.name
            ))
        }
        None => {
            action.xml = Some(body.fragment());
            Some(format!(
                "action '{name}' is of a type Sluice does not model (<{}> in '{}'); it is kept as written",
                body.name,
                body.namespace.as_deref().unwrap_or("")
            ))
        }
    };
    (action, note)
}

/// Reads an element's children into fields, by the table. Any child the table does not
/// cover, a single field given twice or text where elements belong is a problem: the caller
/// keeps the element verbatim instead.
fn read_fields(el: &Element, specs: &[FieldSpec]) -> Result<Fields, String> {
    let mut fields = Fields::default();
    for child in el.elements() {
        let spec = specs
            .iter()
            .find(|s| match s.kind {
                FieldKind::FsOps => is_fs_op(&child.name),
                _ => s.reads(&child.name),
            })
            .ok_or_else(|| format!("<{}> is not a field Sluice knows here", child.name))?;
        let value = match spec.kind {
            FieldKind::Text | FieldKind::Code | FieldKind::Choice(_) | FieldKind::Named(_) => {
                if child.elements().next().is_some() {
                    return Err(format!("<{}> holds elements, not text", child.name));
                }
                Value::Text(child.text())
            }
            FieldKind::Texts => {
                let mut list = fields.texts(spec.key).to_vec();
                list.push(child.text());
                Value::Texts(list)
            }
            FieldKind::Flag => Value::Flag(true),
            FieldKind::Config => Value::Properties(properties(child, true)),
            FieldKind::Prepare => Value::Ops(
                child
                    .elements()
                    .map(read_op)
                    .collect::<Result<Vec<_>, _>>()?,
            ),
            FieldKind::FsOps => {
                let mut ops = fields.ops(spec.key).to_vec();
                ops.push(read_op(child)?);
                Value::Ops(ops)
            }
            FieldKind::Group(inner) => Value::Group(read_fields(child, inner)?),
        };
        let repeats = matches!(spec.kind, FieldKind::Texts | FieldKind::FsOps);
        if !repeats && fields.0.contains_key(spec.key) {
            return Err(format!("<{}> is given twice", child.name));
        }
        fields.0.insert(spec.key.to_owned(), value);
    }
    Ok(fields)
}

fn is_fs_op(name: &str) -> bool {
    matches!(
        name,
        "delete" | "mkdir" | "move" | "chmod" | "touchz" | "chgrp" | "setrep"
    )
}

fn read_op(e: &Element) -> Result<FsOp, String> {
    let get = |a: &str| {
        e.attr(a)
            .map(str::to_owned)
            .ok_or_else(|| format!("<{}> needs {a}", e.name))
    };
    let opt = |a: &str| e.attr(a).map(str::to_owned);
    let recursive = e.child("recursive").is_some();
    Ok(match e.name.as_str() {
        "delete" => FsOp::Delete {
            path: get("path")?,
            skip_trash: opt("skip-trash"),
        },
        "mkdir" => FsOp::Mkdir { path: get("path")? },
        "move" => FsOp::Move {
            source: get("source")?,
            target: get("target")?,
        },
        "chmod" => FsOp::Chmod {
            path: get("path")?,
            permissions: get("permissions")?,
            dir_files: opt("dir-files"),
            recursive,
        },
        "touchz" => FsOp::Touchz { path: get("path")? },
        "chgrp" => FsOp::Chgrp {
            path: get("path")?,
            group: get("group")?,
            dir_files: opt("dir-files"),
            recursive,
        },
        "setrep" => FsOp::Setrep {
            path: get("path")?,
            replication_factor: get("replication-factor")?,
        },
        other => return Err(format!("<{other}> is not a file-system operation")),
    })
}

/// Reads `job.properties` (Java properties syntax: `#`/`!` comments, `=`, `:` or blank as
/// separator, backslash escapes and line continuations). Later keys win, as in Java, but
/// keep the position of their first appearance.
pub fn parse_job_properties(text: &str) -> Vec<JobProperty> {
    let mut out: Vec<JobProperty> = Vec::new();
    let mut lines = text.lines();
    while let Some(first) = lines.next() {
        let mut logical = first.trim_start().to_owned();
        if logical.is_empty() || logical.starts_with('#') || logical.starts_with('!') {
            continue;
        }
        while ends_with_odd_backslashes(&logical) {
            logical.pop();
            match lines.next() {
                Some(next) => logical.push_str(next.trim_start()),
                None => break,
            }
        }
        let (key, value) = split_property(&logical);
        match out.iter_mut().find(|p| p.name == key) {
            Some(p) => p.value = value,
            None => out.push(JobProperty { name: key, value }),
        }
    }
    out
}

fn ends_with_odd_backslashes(s: &str) -> bool {
    s.chars().rev().take_while(|&c| c == '\\').count() % 2 == 1
}

fn split_property(line: &str) -> (String, String) {
    let mut key = String::new();
    let mut chars = line.chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            '\\' => {
                if let Some(next) = chars.next() {
                    push_escaped(&mut key, next, &mut chars);
                }
            }
            '=' | ':' => break,
            c if c.is_whitespace() => {
                while chars.peek().is_some_and(|c| c.is_whitespace()) {
                    chars.next();
                }
                if matches!(chars.peek(), Some('=' | ':')) {
                    chars.next();
                }
                break;
            }
            c => key.push(c),
        }
    }
    while chars.peek().is_some_and(|c| c.is_whitespace()) {
        chars.next();
    }
    let mut value = String::new();
    while let Some(c) = chars.next() {
        if c == '\\' {
            if let Some(next) = chars.next() {
                push_escaped(&mut value, next, &mut chars);
            }
        } else {
            value.push(c);
        }
    }
    (key, value)
}

fn push_escaped(out: &mut String, c: char, rest: &mut std::iter::Peekable<std::str::Chars<'_>>) {
    match c {
        'n' => out.push('\n'),
        'r' => out.push('\r'),
        't' => out.push('\t'),
        'f' => out.push('\u{c}'),
        'u' => {
            let hex: String = (0..4).filter_map(|_| rest.next()).collect();
            match u32::from_str_radix(&hex, 16).ok().and_then(char::from_u32) {
                Some(ch) => out.push(ch),
                None => {
                    out.push_str("\\u");
                    out.push_str(&hex);
                }
            }
        }
        other => out.push(other),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::oozie::export::to_job_properties;

    #[test]
    fn job_properties_syntax() {
        let text = "# comment\n! also\nnameNode=hdfs://localhost:8020\njobTracker : localhost:8032\nqueueName default\n\
                    long=a,\\\n    b\nkey\\ with\\=odd=v\\u0041\\t\nnameNode=hdfs://other\n\n";
        let props = parse_job_properties(text);
        let pairs: Vec<(&str, &str)> = props
            .iter()
            .map(|p| (p.name.as_str(), p.value.as_str()))
            .collect();
        assert_eq!(
            pairs,
            [
                ("nameNode", "hdfs://other"),
                ("jobTracker", "localhost:8032"),
                ("queueName", "default"),
                ("long", "a,b"),
                ("key with=odd", "vA\t"),
            ]
        );
    }

    #[test]
    fn job_properties_round_trip() {
        let mut wf = Workflow::new("w");
        for (name, value) in [
            ("a", "plain"),
            ("with space", " lead=and:colon"),
            ("#hash", "x\\y\nz"),
            ("e", ""),
        ] {
            wf.job_properties.push(JobProperty {
                name: name.into(),
                value: value.into(),
            });
        }
        assert_eq!(
            parse_job_properties(&to_job_properties(&wf)),
            wf.job_properties
        );
    }

    #[test]
    fn forks_and_joins_fold_into_edges() {
        let xml = r#"<workflow-app xmlns="uri:oozie:workflow:0.5" name="w">
  <start to="f"/>
  <fork name="f"><path start="a"/><path start="b"/></fork>
  <action name="a"><fs/><ok to="j"/><error to="k"/></action>
  <action name="b"><fs/><ok to="j"/><error to="k"/></action>
  <join name="j" to="c"/>
  <action name="c"><fs/><ok to="end"/><error to="k"/></action>
  <kill name="k"><message>m</message></kill>
  <end name="end"/>
</workflow-app>"#;
        let imported = from_workflow_xml(xml).unwrap();
        assert_eq!(
            edge_list(&imported.workflow, None),
            [
                "a-ok>c",
                "a-error>k",
                "b-ok>c",
                "b-error>k",
                "c-ok>end",
                "c-error>k"
            ]
        );
        assert_eq!(imported.workflow.entry_nodes(), ["a", "b"]);
    }

    #[test]
    fn a_join_that_leads_to_a_fork_folds_the_same_for_every_branch() {
        // a and b both reach j1, which leads to fork f2: the second one reads the fold the
        // first one worked out, and must get the same edges.
        let xml = r#"<workflow-app xmlns="uri:oozie:workflow:0.5" name="w">
  <start to="f1"/>
  <fork name="f1"><path start="a"/><path start="b"/></fork>
  <action name="a"><fs/><ok to="j1"/><error to="k"/></action>
  <action name="b"><fs/><ok to="j1"/><error to="k"/></action>
  <join name="j1" to="f2"/>
  <fork name="f2"><path start="c"/><path start="d"/></fork>
  <action name="c"><fs/><ok to="j2"/><error to="k"/></action>
  <action name="d"><fs/><ok to="j2"/><error to="k"/></action>
  <join name="j2" to="end"/>
  <kill name="k"><message>m</message></kill>
  <end name="end"/>
</workflow-app>"#;
        let imported = from_workflow_xml(xml).unwrap();
        assert_eq!(
            edge_list(&imported.workflow, Some(EdgeKind::Ok)),
            [
                "a-ok>c", "a-ok>d", "b-ok>c", "b-ok>d", "c-ok>end", "d-ok>end"
            ]
        );
    }

    /// The edges (of one kind, or all) as `from-kind>to`.
    fn edge_list(wf: &Workflow, kind: Option<EdgeKind>) -> Vec<String> {
        wf.edges
            .iter()
            .filter(|e| kind.is_none_or(|k| e.kind == k))
            .map(|e| format!("{}-{}>{}", e.from, e.kind.id(), e.to))
            .collect()
    }

    #[test]
    fn unknown_action_types_are_kept_verbatim() {
        let xml = r#"<workflow-app xmlns="uri:oozie:workflow:0.5" name="w">
  <start to="x"/>
  <action name="x"><my xmlns="uri:custom:my:1"><a b="c">t</a></my><ok to="end"/><error to="k"/></action>
  <kill name="k"><message>m</message></kill>
  <end name="end"/>
</workflow-app>"#;
        let imported = from_workflow_xml(xml).unwrap();
        let NodeKind::Action(action) = &imported.workflow.nodes[0].kind else {
            panic!("an action");
        };
        assert_eq!(action.action, "my");
        assert_eq!(
            action.xml.as_deref(),
            Some(r#"<my xmlns="uri:custom:my:1"><a b="c">t</a></my>"#)
        );
        assert_eq!(imported.notes.len(), 1);
    }

    #[test]
    fn documents_oozie_rejects_are_refused_with_its_error() {
        let xml = r#"<workflow-app xmlns="uri:oozie:workflow:0.5" name="w">
  <start to="a"/>
  <action name="a"><fs/><ok to="a"/><error to="end"/></action>
  <end name="end"/>
</workflow-app>"#;
        let Err(ImportError::Invalid(issues)) = from_workflow_xml(xml) else {
            panic!("a self-loop must be refused");
        };
        assert_eq!(issues[0].code, "E0706");
        assert!(matches!(from_workflow_xml("<a"), Err(ImportError::Xml(_))));
    }
}
