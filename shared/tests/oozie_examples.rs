//! Every workflow of the real Oozie example apps (../shared/oozie/examples) passes the
//! submit-time check, and so does everything Sluice exports.

use std::path::PathBuf;

use shared::oozie::outline::check_workflow_xml;
use shared::oozie::to_workflow_xml;
use shared::workflow::{EdgeKind, NodeKind, NodeType, Point, ShellAction, Workflow};

fn examples() -> PathBuf {
    std::env::var_os("SLUICE_OOZIE_EXAMPLES").map_or_else(
        || PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../shared/oozie/examples"),
        PathBuf::from,
    )
}

fn workflow_files() -> Vec<PathBuf> {
    let root = examples();
    let mut files = Vec::new();
    for app in std::fs::read_dir(&root)
        .unwrap_or_else(|e| panic!("examples not found at {} ({e})", root.display()))
    {
        let app = app.unwrap().path();
        for file in std::fs::read_dir(&app).unwrap() {
            let file = file.unwrap().path();
            let name = file.file_name().unwrap().to_string_lossy().into_owned();
            // `workflow.xml.security` files are templates with `<host>` placeholders, not XML.
            if name.starts_with("workflow") && name.ends_with(".xml") {
                files.push(file);
            }
        }
    }
    files.sort();
    files
}

#[test]
fn every_example_workflow_passes() {
    let files = workflow_files();
    assert!(
        files.len() >= 19,
        "found only {} example workflows",
        files.len()
    );
    for file in files {
        let xml = std::fs::read_to_string(&file).unwrap();
        let report = check_workflow_xml(&xml)
            .unwrap_or_else(|e| panic!("{}: not readable: {e}", file.display()));
        assert!(report.is_valid(), "{}: {:?}", file.display(), report.issues);
    }
}

#[test]
fn a_template_that_is_not_xml_is_refused_where_xmllint_refuses_it() {
    let file = examples().join("hcatalog/workflow.xml.security");
    let err = check_workflow_xml(&std::fs::read_to_string(file).unwrap()).unwrap_err();
    // xmllint: "workflow.xml.security:23: parser error : Opening and ending tag mismatch"
    assert_eq!((err.line, err.column), (23, 42), "{err}");
}

#[test]
fn sluice_exports_pass_the_same_check() {
    let mut wf = Workflow::new("exported");
    let a = wf.add_node(NodeType::Shell, Point::default());
    let b = wf.add_node(NodeType::Shell, Point::default());
    for n in [&a, &b] {
        wf.node_mut(n).unwrap().kind = NodeKind::Shell(ShellAction {
            exec: "true".into(),
            arguments: vec![],
        });
    }
    wf.connect(&a, &b, EdgeKind::Ok).unwrap();
    wf.connect(&a, &b, EdgeKind::Error).unwrap();
    let report = check_workflow_xml(&to_workflow_xml(&wf).unwrap()).unwrap();
    assert!(report.is_valid(), "{:?}", report.issues);
    assert!(report.issues.is_empty(), "{:?}", report.issues);
}
