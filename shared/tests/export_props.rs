//! Property: every workflow that passes Sluice's validation exports, and the XML it writes,
//! read back through the submit-time checker (XML reader, schema checks, Oozie's walk),
//! is valid. The drawings here exercise error edges, recovery actions, kill and end nodes,
//! and loops.

use proptest::prelude::*;
use shared::oozie::outline::check_workflow_xml;
use shared::oozie::to_workflow_xml;
use shared::workflow::{EdgeKind, NodeKind, NodeType, Point, ShellAction, Workflow, validate};

/// A random workflow of this slice's shapes: a chain of shell actions in a random order,
/// error edges to random nodes (recovery actions, kill nodes, or back into the chain, which
/// makes loops), an optional end node and kill nodes.
fn arb_workflow() -> impl Strategy<Value = Workflow> {
    (1usize..10, 0usize..3, any::<bool>()).prop_flat_map(|(actions, kills, end)| {
        let total = actions + kills + usize::from(end);
        (
            Just((actions, kills, end)),
            prop::collection::vec(prop::option::of(0..total), actions),
        )
            .prop_map(move |((actions, kills, end), errors)| {
                let mut wf = Workflow::new("p");
                for _ in 0..actions {
                    let name = wf.add_node(NodeType::Shell, Point::default());
                    wf.node_mut(&name).unwrap().kind = NodeKind::Shell(ShellAction {
                        exec: "true".into(),
                        arguments: vec![],
                    });
                }
                for _ in 0..kills {
                    wf.add_node(NodeType::Kill, Point::default());
                }
                if end {
                    wf.add_node(NodeType::End, Point::default());
                }
                let names: Vec<String> = wf.nodes.iter().map(|n| n.name.clone()).collect();
                for i in 1..actions {
                    wf.connect(&names[i - 1], &names[i], EdgeKind::Ok).unwrap();
                }
                if end {
                    let _ = wf.connect(&names[actions - 1], &names[total - 1], EdgeKind::Ok);
                }
                for (i, target) in errors.into_iter().enumerate() {
                    if let Some(t) = target {
                        let _ = wf.connect(&names[i], &names[t], EdgeKind::Error);
                    }
                }
                wf
            })
    })
}

proptest! {
    #[test]
    fn valid_workflows_export_and_oozie_accepts_them(wf in arb_workflow()) {
        let valid = !validate(&wf).iter().any(|i| i.is_error());
        let exported = to_workflow_xml(&wf);
        prop_assert_eq!(valid, exported.is_ok(), "{:?}", exported.err());
        if let Ok(xml) = exported {
            let report = check_workflow_xml(&xml).expect("the export is well-formed");
            prop_assert!(report.is_valid(), "{:?}\n{}", report.issues, xml);
        }
    }
}
