//! Exported XML must pass the official Oozie schemas. xmllint (Debian's libxml2-utils) is
//! the checker; `cargo xtask test` installs it. Without it this test fails rather than
//! passing vacuously.

use std::path::PathBuf;
use std::process::Command;

use shared::oozie::to_workflow_xml;
use shared::workflow::{EdgeKind, NodeKind, NodeType, Point, ShellAction, Workflow};

fn schema() -> PathBuf {
    std::env::var_os("SLUICE_OOZIE_XSD").map_or_else(
        || PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../shared/oozie/xsd/all-oozie.xsd"),
        PathBuf::from,
    )
}

fn assert_schema_valid(xml: &str) {
    let schema = schema();
    assert!(
        schema.is_file(),
        "Oozie schemas not found at {} (set SLUICE_OOZIE_XSD)",
        schema.display()
    );
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("workflow.xml");
    std::fs::write(&file, xml).unwrap();
    let out = Command::new("xmllint")
        .args(["--noout", "--nonet", "--schema"])
        .arg(&schema)
        .arg(&file)
        .output()
        .expect("xmllint must be installed (apt-get install libxml2-utils)");
    assert!(
        out.status.success(),
        "xmllint rejected the export:\n{}\n{xml}",
        String::from_utf8_lossy(&out.stderr)
    );
}

fn shell(wf: &mut Workflow, exec: &str, args: &[&str]) -> String {
    let name = wf.add_node(NodeType::Shell, Point::default());
    wf.node_mut(&name).unwrap().kind = NodeKind::Shell(ShellAction {
        exec: exec.to_owned(),
        arguments: args.iter().map(|a| (*a).to_owned()).collect(),
    });
    name
}

#[test]
fn chain_with_implicit_end_and_kill_is_schema_valid() {
    let mut wf = Workflow::new("chain");
    let a = shell(&mut wf, "echo", &["hello", "<&>"]);
    let b = shell(&mut wf, "${script}", &[]);
    wf.connect(&a, &b, EdgeKind::Ok).unwrap();
    assert_schema_valid(&to_workflow_xml(&wf).unwrap());
}

#[test]
fn explicit_end_kill_and_error_path_are_schema_valid() {
    let mut wf = Workflow::new("with-recovery");
    let a = shell(&mut wf, "run.sh", &[]);
    let cleanup = shell(&mut wf, "cleanup.sh", &[]);
    let end = wf.add_node(NodeType::End, Point::default());
    let kill = wf.add_node(NodeType::Kill, Point::default());
    wf.connect(&a, &end, EdgeKind::Ok).unwrap();
    wf.connect(&a, &cleanup, EdgeKind::Error).unwrap();
    wf.connect(&cleanup, &kill, EdgeKind::Ok).unwrap();
    assert_schema_valid(&to_workflow_xml(&wf).unwrap());
}

#[test]
fn empty_workflow_is_schema_valid() {
    assert_schema_valid(&to_workflow_xml(&Workflow::new("empty")).unwrap());
}

#[test]
fn fork_join_exports_are_schema_valid() {
    // A diamond (a → b, c → d), parallel entries (x, y), and the N shape (p→r, p→s, q→s).
    let mut wf = Workflow::new("parallel");
    let names: Vec<String> = (0..9).map(|_| shell(&mut wf, "true", &[])).collect();
    let [a, b, c, d, x, y, p, q, r] = names.try_into().unwrap();
    for (from, to) in [
        (&a, &b),
        (&a, &c),
        (&b, &d),
        (&c, &d),
        (&p, &r),
        (&q, &r),
        (&p, &x),
    ] {
        wf.connect(from, to, EdgeKind::Ok).unwrap();
    }
    let _ = y;
    let xml = to_workflow_xml(&wf).unwrap();
    assert!(xml.contains("<fork name=\"fork-1\">"), "{xml}");
    assert!(xml.contains("<join name=\"join-1\""), "{xml}");
    assert_schema_valid(&xml);
}
