//! Every workflow of the real Oozie example apps (../shared/oozie/examples) passes the
//! submit-time check, and so does everything Sluice exports.

use std::path::PathBuf;

mod common;

use shared::oozie::outline::check_workflow_xml;
use shared::oozie::{
    from_workflow_xml, parse_job_properties, to_job_properties, to_workflow_xml, to_workflow_xml_as,
};
use shared::workflow::{EdgeKind, NodeType, Point, SchemaVersion, Workflow, validate};

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
    let mut wf = Workflow::new_drawing("exported");
    let a = wf.add_node(NodeType::Action("shell"), Point::default());
    let b = wf.add_node(NodeType::Action("shell"), Point::default());
    for n in [&a, &b] {
        wf.node_mut(n).unwrap().kind = common::shell_kind("true", &[]);
    }
    wf.connect(&a, &b, EdgeKind::Ok).unwrap();
    wf.connect(&a, &b, EdgeKind::Error).unwrap();
    let report = check_workflow_xml(&to_workflow_xml(&wf).unwrap()).unwrap();
    assert!(report.is_valid(), "{:?}", report.issues);
    assert!(report.issues.is_empty(), "{:?}", report.issues);
}

/// The issue's round trip, on every example: import, export (schema-valid by xmllint, in the
/// document's own version and, where its content allows, the other), import again: the
/// model is the same.
#[test]
fn every_example_imports_exports_valid_and_round_trips() {
    for file in workflow_files() {
        let what = file.display().to_string();
        let xml = std::fs::read_to_string(&file).unwrap();
        let first = from_workflow_xml(&xml).unwrap_or_else(|e| panic!("{what}: {e:?}"));
        let model = &first.workflow;
        assert!(!model.nodes.is_empty(), "{what}: nothing imported");
        let errors: Vec<_> = validate(model)
            .into_iter()
            .filter(|i| i.is_error())
            .collect();
        assert!(errors.is_empty(), "{what}: {errors:?}");
        let exported = to_workflow_xml(model).unwrap_or_else(|e| panic!("{what}: {e:?}"));
        common::assert_schema_valid(&exported, &what);
        assert!(
            check_workflow_xml(&exported).unwrap().is_valid(),
            "{what}: the export fails Oozie's check"
        );
        let second = from_workflow_xml(&exported).unwrap_or_else(|e| panic!("{what}: {e:?}"));
        assert_eq!(
            &second.workflow, model,
            "{what}: import → export → import changed the model\n{exported}"
        );
        // Nothing was kept verbatim: every action of the examples is modelled.
        assert!(
            first.notes.iter().all(|n| !n.contains("kept")),
            "{what}: {:?}",
            first.notes
        );
        for version in SchemaVersion::ALL {
            if let Ok(other) = to_workflow_xml_as(model, version) {
                common::assert_schema_valid(&other, &format!("{what} as {}", version.id()));
            }
        }
    }
}

#[test]
fn every_example_job_properties_file_reads_and_writes_back() {
    let root = examples();
    let mut count = 0;
    for app in std::fs::read_dir(&root).unwrap() {
        for file in std::fs::read_dir(app.unwrap().path()).unwrap() {
            let file = file.unwrap().path();
            if !file.to_string_lossy().ends_with(".properties") {
                continue;
            }
            count += 1;
            let props = parse_job_properties(&std::fs::read_to_string(&file).unwrap());
            assert!(!props.is_empty(), "{}", file.display());
            let mut wf = Workflow::new("p");
            wf.job_properties = props.clone();
            assert_eq!(parse_job_properties(&to_job_properties(&wf)), props);
        }
    }
    assert!(count >= 20, "found only {count} job.properties files");
}
