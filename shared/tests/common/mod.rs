//! Helpers for the shared crate's integration tests. Put builders here that more than one
//! test file needs; keep file-specific fixtures in their file.
// Each test binary compiles this module and uses a different subset of it.
#![allow(dead_code)]

use shared::workflow::{Action, Edge, EdgeKind, Node, NodeKind, Point, Value, Workflow};

/// `n` shell actions named `n0`, `n1`, … (command `true`), with the given edges between
/// them by index, and a cluster given literally so nothing needs job properties.
pub(crate) fn shells(
    n: usize,
    edges: impl IntoIterator<Item = (usize, usize, EdgeKind)>,
) -> Workflow {
    let mut wf = Workflow::new("p");
    wf.global
        .set("resource-manager", Value::Text("localhost:8032".to_owned()));
    wf.global
        .set("name-node", Value::Text("hdfs://localhost:8020".to_owned()));
    wf.nodes = (0..n)
        .map(|i| Node {
            name: format!("n{i}"),
            position: Point::default(),
            kind: NodeKind::Action(Action::new("shell").with_text("exec", "true")),
        })
        .collect();
    wf.edges = edges
        .into_iter()
        .map(|(a, b, kind)| Edge::new(format!("n{a}"), format!("n{b}"), kind))
        .collect();
    wf
}

/// A shell action running `exec` with `args`.
pub(crate) fn shell_kind(exec: &str, args: &[&str]) -> NodeKind {
    let mut action = Action::new("shell").with_text("exec", exec);
    action.fields.set(
        "argument",
        Value::Texts(args.iter().map(|a| (*a).to_owned()).collect()),
    );
    NodeKind::Action(action)
}

/// `all-oozie.xsd` of the reference material (or `SLUICE_OOZIE_XSD`).
pub(crate) fn oozie_xsd() -> std::path::PathBuf {
    std::env::var_os("SLUICE_OOZIE_XSD").map_or_else(
        || {
            std::path::PathBuf::from(env!("CARGO_MANIFEST_DIR"))
                .join("../../shared/oozie/xsd/all-oozie.xsd")
        },
        std::path::PathBuf::from,
    )
}

/// Fails unless xmllint accepts the document against the official Oozie schemas. Without
/// xmllint it fails rather than passing vacuously.
pub(crate) fn assert_schema_valid(xml: &str, what: &str) {
    let schema = oozie_xsd();
    assert!(
        schema.is_file(),
        "Oozie schemas not found at {} (set SLUICE_OOZIE_XSD)",
        schema.display()
    );
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("workflow.xml");
    std::fs::write(&file, xml).unwrap();
    let out = std::process::Command::new("xmllint")
        .args(["--noout", "--nonet", "--schema"])
        .arg(&schema)
        .arg(&file)
        .output()
        .expect("xmllint must be installed (apt-get install libxml2-utils)");
    assert!(
        out.status.success(),
        "xmllint rejected {what}:\n{}\n{xml}",
        String::from_utf8_lossy(&out.stderr)
    );
}
