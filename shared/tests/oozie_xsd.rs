//! Exported XML must pass the official Oozie schemas. xmllint (Debian's libxml2-utils) is
//! the checker; `cargo xtask test` installs it. Without it this test fails rather than
//! passing vacuously.

mod common;

use common::shell_kind;
use shared::oozie::{extra_files, to_workflow_xml, to_workflow_xml_as};
use shared::workflow::action::{ACTIONS, FieldKind, FieldSpec};
use shared::workflow::{
    Action, EdgeKind, Fields, FsOp, NodeKind, NodeType, Point, Property, SchemaVersion, Value,
    Workflow,
};

fn assert_schema_valid(xml: &str) {
    common::assert_schema_valid(xml, "the export");
}

fn shell(wf: &mut Workflow, exec: &str, args: &[&str]) -> String {
    let name = wf.add_node(NodeType::Action("shell"), Point::default());
    wf.node_mut(&name).unwrap().kind = shell_kind(exec, args);
    name
}

#[test]
fn chain_with_implicit_end_and_kill_is_schema_valid() {
    let mut wf = Workflow::new_drawing("chain");
    let a = shell(&mut wf, "echo", &["hello", "<&>"]);
    let b = shell(&mut wf, "${script}", &[]);
    wf.connect(&a, &b, EdgeKind::Ok).unwrap();
    assert_schema_valid(&to_workflow_xml(&wf).unwrap());
}

#[test]
fn explicit_end_kill_and_error_path_are_schema_valid() {
    let mut wf = Workflow::new_drawing("with-recovery");
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
    assert_schema_valid(&to_workflow_xml(&Workflow::new_drawing("empty")).unwrap());
}

#[test]
fn fork_join_exports_are_schema_valid() {
    // A diamond (a → b, c → d), parallel entries (x, y), and the N shape (p→r, p→s, q→s).
    let mut wf = Workflow::new_drawing("parallel");
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

/// Every field of a table filled in, as far as the type's choices allow.
fn filled(specs: &[FieldSpec], skip: &[&str], version: SchemaVersion) -> Fields {
    let mut fields = Fields::default();
    for spec in specs {
        if skip.contains(&spec.key) || spec.since > version {
            continue;
        }
        // Sluice task settings that must be what they say (a period, a zone, minutes).
        let exact = match spec.key {
            "period" => Some("week"),
            "offset" => Some("-1"),
            "zone" => Some("Europe/Berlin"),
            "timeout" => Some("90"),
            "interval" => Some("30"),
            "max-rows" => Some("5"),
            "datasource" => Some("warehouse"),
            "workflow" => Some("ingest & load"),
            _ => None,
        };
        let value = match spec.kind {
            _ if exact.is_some() => Value::Text(exact.unwrap_or_default().into()),
            FieldKind::Text if matches!(spec.key, "memory.mb" | "vcores") => {
                Value::Text("2".into())
            }
            FieldKind::Code => Value::Text("print('<&>')\nselect 1 -- ${day}".into()),
            FieldKind::Text | FieldKind::Choice(_) | FieldKind::Named(_) => {
                Value::Text(format!("${{{}}}-<v>", spec.key.replace(['-', '.'], "_")))
            }
            FieldKind::Texts => Value::Texts(vec!["one".into(), "two & three".into()]),
            FieldKind::Flag => Value::Flag(true),
            FieldKind::Config => Value::Properties(vec![
                Property {
                    name: "mapred.job.queue.name".into(),
                    value: Some("default".into()),
                    description: Some("the queue".into()),
                },
                Property {
                    name: "empty".into(),
                    value: None,
                    description: None,
                },
            ]),
            FieldKind::Prepare => Value::Ops(vec![
                FsOp::Delete {
                    path: "/tmp/out".into(),
                    skip_trash: None,
                },
                FsOp::Mkdir {
                    path: "/tmp/out".into(),
                },
            ]),
            FieldKind::FsOps => {
                let mut ops = vec![
                    FsOp::Delete {
                        path: "/a".into(),
                        skip_trash: Some("true".into()),
                    },
                    FsOp::Mkdir { path: "/b".into() },
                    FsOp::Move {
                        source: "/b".into(),
                        target: "/c".into(),
                    },
                    FsOp::Chmod {
                        path: "/c".into(),
                        permissions: "755".into(),
                        dir_files: Some("false".into()),
                        recursive: true,
                    },
                    FsOp::Touchz { path: "/d".into() },
                    FsOp::Chgrp {
                        path: "/d".into(),
                        group: "etl".into(),
                        dir_files: None,
                        recursive: false,
                    },
                    FsOp::Setrep {
                        path: "/d".into(),
                        replication_factor: "2".into(),
                    },
                ];
                ops.retain(|op| op.supported_in(version));
                Value::Ops(ops)
            }
            FieldKind::Group(inner) => Value::Group(filled(inner, &[], version)),
        };
        fields.set(spec.key, value);
    }
    fields
}

#[test]
fn every_action_type_with_every_field_is_schema_valid_in_both_versions() {
    for version in SchemaVersion::ALL {
        let mut wf = Workflow::new_drawing("all-actions");
        wf.schema = version;
        let mut previous: Option<String> = None;
        for spec in ACTIONS {
            // One side of each choice: the second of `one_of` and `at_most_one` stays empty.
            let skip: Vec<&str> = spec
                .one_of
                .iter()
                .skip(1)
                .chain(spec.at_most_one.iter().skip(1))
                .copied()
                .collect();
            let mut action = Action::new(spec.id);
            action.fields = filled(spec.fields, &skip, version);
            action.retry_max = Some("2".into());
            action.retry_interval = Some("1".into());
            let name = wf.add_node(NodeType::Action(spec.id), Point::default());
            wf.node_mut(&name).unwrap().kind = NodeKind::Action(action);
            if let Some(prev) = previous {
                wf.connect(&prev, &name, EdgeKind::Ok).unwrap();
            }
            previous = Some(name);
        }
        let xml = to_workflow_xml(&wf).unwrap_or_else(|e| panic!("{version:?}: {e:?}"));
        assert!(xml.contains(version.workflow_ns()));
        common::assert_schema_valid(&xml, &format!("every action in workflow {}", version.id()));
        // Sluice's own task types became Oozie actions, and their files are Oozie's too.
        for element in ["<python", "<sql", "<dependent"] {
            assert!(!xml.contains(element), "{element} in {xml}");
        }
        let files = extra_files(&wf);
        let names: Vec<&str> = files.iter().map(|(n, _)| n.as_str()).collect();
        assert_eq!(names.len(), 2, "{names:?}");
        assert!(names[0].ends_with(".py"), "{names:?}");
        assert_eq!(names[1], "dependencies.xml");
        assert!(
            files[1].1.contains("ingest___load_week_succeeded"),
            "{}",
            files[1].1
        );
        common::assert_schema_valid(&files[1].1, "dependencies.xml");
        // Importing the export gives the tasks back: SQL and Dependent from their markers,
        // Python once its script is at hand.
        let mut back = shared::oozie::from_workflow_xml(&xml).unwrap().workflow;
        let types = |wf: &Workflow| -> Vec<String> {
            wf.nodes
                .iter()
                .filter_map(|n| n.kind.as_action().map(|a| a.action.clone()))
                .filter(|t| matches!(t.as_str(), "python" | "sql" | "dependent"))
                .collect()
        };
        assert_eq!(types(&back), ["sql", "dependent"]);
        let script = |p: &str| files.iter().find(|(n, _)| n == p).map(|(_, c)| c.clone());
        shared::workflow::tasks::restore_all(&mut back, Some(&script));
        assert_eq!(types(&back), ["python", "sql", "dependent"]);
    }
}

#[test]
fn version_specific_fields_are_refused_in_the_other_version() {
    let mut wf = Workflow::new_drawing("v");
    let name = shell(&mut wf, "true", &[]);
    let mut launcher = Fields::default();
    launcher.set("queue", Value::Text("q".into()));
    wf.node_mut(&name)
        .unwrap()
        .kind
        .as_action_mut()
        .unwrap()
        .fields
        .set("launcher", Value::Group(launcher));
    assert!(to_workflow_xml_as(&wf, SchemaVersion::V0_5).is_err());
    let xml = to_workflow_xml_as(&wf, SchemaVersion::V1_0).unwrap();
    assert!(
        xml.contains("<resource-manager>${jobTracker}</resource-manager>"),
        "{xml}"
    );
    assert!(
        xml.contains(r#"<shell xmlns="uri:oozie:shell-action:1.0">"#),
        "{xml}"
    );
    common::assert_schema_valid(&xml, "a 1.0 launcher");
}
