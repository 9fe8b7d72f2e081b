//! Property: every workflow that passes Sluice's validation exports, and the XML it writes,
//! read back through the submit-time checker (XML reader, schema checks, Oozie's walk),
//! is valid. The drawings here exercise error edges, recovery actions, kill and end nodes,
//! and loops.

use proptest::prelude::*;
use shared::oozie::outline::check_workflow_xml;
mod common;

use shared::oozie::{from_workflow_xml, to_workflow_xml};
use shared::workflow::{Edge, EdgeKind, NodeType, Point, Workflow, validate};

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
                let mut wf = common::shells(actions, []);
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

/// A random DAG of shell actions and decisions: forward ok edges (parallel branches and
/// joins), decisions with cases and a default to later nodes, the end or a kill node.
fn arb_dag() -> impl Strategy<Value = Workflow> {
    (2usize..9).prop_flat_map(|n| {
        (
            prop::collection::vec(prop::bool::weighted(0.3), n),
            prop::collection::vec((0..n, 0..n), 0..2 * n),
            prop::collection::vec(0..n + 2, n),
        )
            .prop_map(move |(decision, edges, defaults)| {
                let mut wf = common::shells(n, []);
                wf.nodes.push(shared::workflow::Node {
                    name: "end".into(),
                    position: Point::default(),
                    kind: NodeType::End.new_kind(),
                });
                wf.nodes.push(shared::workflow::Node {
                    name: "stop".into(),
                    position: Point::default(),
                    kind: NodeType::Kill.new_kind(),
                });
                for (i, &d) in decision.iter().enumerate() {
                    if d {
                        wf.nodes[i].kind = NodeType::Decision.new_kind();
                    }
                }
                let name = |i: usize| match i {
                    i if i < n => format!("n{i}"),
                    i if i == n => "end".to_owned(),
                    _ => "stop".to_owned(),
                };
                for (a, b) in edges {
                    let (a, b) = (a.min(b), a.max(b));
                    if a == b {
                        continue;
                    }
                    let edge = if decision[a] {
                        Edge {
                            predicate: format!("${{wf:conf('p') eq '{b}'}}"),
                            ..Edge::new(name(a), name(b), EdgeKind::Case)
                        }
                    } else {
                        Edge::new(name(a), name(b), EdgeKind::Ok)
                    };
                    if !wf.edges.contains(&edge) {
                        wf.edges.push(edge);
                    }
                }
                for (i, &d) in decision.iter().enumerate() {
                    if !d {
                        continue;
                    }
                    let target = if defaults[i] > i { defaults[i] } else { n };
                    wf.edges
                        .push(Edge::new(name(i), name(target), EdgeKind::Default));
                    if !wf
                        .edges
                        .iter()
                        .any(|e| e.from == name(i) && e.kind == EdgeKind::Case)
                    {
                        wf.edges.push(Edge {
                            predicate: "${wf:conf('p') eq 'stop'}".into(),
                            ..Edge::new(name(i), "stop", EdgeKind::Case)
                        });
                    }
                }
                wf
            })
    })
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(512))]

    /// Drawings with parallel branches and decisions: every valid one exports to a document
    /// Oozie accepts, and importing that document and exporting again writes the very same
    /// document (the export is a fixed point of the round trip).
    #[test]
    fn decisions_and_branches_export_and_round_trip(wf in arb_dag()) {
        if let Some(xml) = export_checked(&wf)? {
            let imported = from_workflow_xml(&xml).expect("the export imports");
            let again = to_workflow_xml(&imported.workflow);
            prop_assert!(again.is_ok(), "{:?}\n{}", again.err(), xml);
            prop_assert_eq!(again.unwrap(), xml);
        }
    }

    #[test]
    fn valid_workflows_export_and_oozie_accepts_them(wf in arb_workflow()) {
        export_checked(&wf)?;
    }
}

/// A drawing exports exactly when it has no error, and Oozie's checker accepts what it
/// exports. Returns the document, if any.
fn export_checked(wf: &Workflow) -> Result<Option<String>, TestCaseError> {
    let valid = !validate(wf).iter().any(|i| i.is_error());
    let exported = to_workflow_xml(wf);
    prop_assert_eq!(valid, exported.is_ok(), "{:?}", exported.err());
    let Ok(xml) = exported else {
        return Ok(None);
    };
    let report = check_workflow_xml(&xml).expect("the export is well-formed");
    prop_assert!(report.is_valid(), "{:?}\n{}", report.issues, xml);
    Ok(Some(xml))
}
