//! Properties of the fork/join planner on random drawings:
//! - every acyclic drawing of actions plans into a graph Oozie's validator accepts;
//! - the planned graph orders actions exactly as the drawing plus the reported orderings
//!   (same transitive closure), and no reported ordering was already implied;
//! - a series-parallel drawing needs no added ordering;
//! - the exported XML reads back through the submit-time checker as valid.

use std::collections::{BTreeSet, HashMap};

use proptest::prelude::*;
use shared::oozie::outline::check_workflow_xml;
use shared::oozie::plan::{Plan, PlanKind, plan};
use shared::oozie::to_workflow_xml;
use shared::workflow::{EdgeKind, Workflow, validate};

mod common;

/// Shell actions `n0…` with ok edges by index.
fn workflow(n: usize, edges: &[(usize, usize)]) -> Workflow {
    common::shells(n, edges.iter().map(|&(a, b)| (a, b, EdgeKind::Ok)))
}

/// Transitive closure of a relation over names.
fn closure(pairs: impl IntoIterator<Item = (String, String)>) -> BTreeSet<(String, String)> {
    let mut succ: HashMap<String, Vec<String>> = HashMap::new();
    let mut nodes = BTreeSet::new();
    for (a, b) in pairs {
        nodes.insert(a.clone());
        nodes.insert(b.clone());
        succ.entry(a).or_default().push(b);
    }
    let mut out = BTreeSet::new();
    for start in &nodes {
        let mut stack = vec![start.clone()];
        let mut seen = BTreeSet::new();
        while let Some(v) = stack.pop() {
            for w in succ.get(&v).into_iter().flatten() {
                if seen.insert(w.clone()) {
                    out.insert((start.clone(), w.clone()));
                    stack.push(w.clone());
                }
            }
        }
    }
    out
}

/// Which actions the planned graph runs after which, following ok, fork and join transitions.
fn planned_order(plan: &Plan) -> BTreeSet<(String, String)> {
    let actions: BTreeSet<&str> = plan
        .nodes
        .iter()
        .filter(|n| matches!(n.kind, PlanKind::Action { .. }))
        .map(|n| plan.name(n.id))
        .collect();
    let mut pairs = Vec::new();
    for node in &plan.nodes {
        let targets: Vec<usize> = match &node.kind {
            PlanKind::Action { ok, .. } => vec![*ok],
            PlanKind::Fork { paths } => paths.clone(),
            PlanKind::Join { to } => vec![*to],
            _ => vec![],
        };
        for t in targets {
            pairs.push((plan.name(node.id).to_owned(), plan.name(t).to_owned()));
        }
    }
    closure(pairs)
        .into_iter()
        .filter(|(a, b)| actions.contains(a.as_str()) && actions.contains(b.as_str()))
        .collect()
}

fn arb_dag() -> impl Strategy<Value = (usize, Vec<(usize, usize)>)> {
    (1usize..14).prop_flat_map(|n| {
        let pairs: Vec<(usize, usize)> = (0..n)
            .flat_map(|a| (a + 1..n).map(move |b| (a, b)))
            .collect();
        let len = pairs.len();
        (
            Just(n),
            prop::collection::vec(any::<bool>(), len).prop_map(move |keep| {
                pairs
                    .iter()
                    .zip(keep)
                    .filter(|(_, k)| *k)
                    .map(|(p, _)| *p)
                    .collect::<Vec<_>>()
            }),
        )
    })
}

/// A random series-parallel shape over nodes `next..`, returning (sources, sinks, edges).
#[derive(Debug, Clone)]
enum Sp {
    Leaf,
    Series(Box<Sp>, Box<Sp>),
    Parallel(Box<Sp>, Box<Sp>),
}

fn arb_sp() -> impl Strategy<Value = Sp> {
    Just(Sp::Leaf).prop_recursive(5, 24, 2, |inner| {
        prop_oneof![
            (inner.clone(), inner.clone()).prop_map(|(a, b)| Sp::Series(Box::new(a), Box::new(b))),
            (inner.clone(), inner).prop_map(|(a, b)| Sp::Parallel(Box::new(a), Box::new(b))),
        ]
    })
}

fn sp_edges(
    sp: &Sp,
    next: &mut usize,
    edges: &mut Vec<(usize, usize)>,
) -> (Vec<usize>, Vec<usize>) {
    match sp {
        Sp::Leaf => {
            *next += 1;
            (vec![*next - 1], vec![*next - 1])
        }
        Sp::Series(a, b) => {
            let (a_src, a_snk) = sp_edges(a, next, edges);
            let (b_src, b_snk) = sp_edges(b, next, edges);
            for &x in &a_snk {
                for &y in &b_src {
                    edges.push((x, y));
                }
            }
            (a_src, b_snk)
        }
        Sp::Parallel(a, b) => {
            let (mut src, mut snk) = sp_edges(a, next, edges);
            let (b_src, b_snk) = sp_edges(b, next, edges);
            src.extend(b_src);
            snk.extend(b_snk);
            (src, snk)
        }
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(512))]

    #[test]
    fn random_dags_plan_into_graphs_oozie_accepts_with_the_same_order((n, edges) in arb_dag()) {
        let wf = workflow(n, &edges);
        let issues = validate(&wf);
        prop_assert!(!issues.iter().any(|i| i.is_error()), "{:?}", issues);
        let plan = plan(&wf).expect("an acyclic drawing plans");

        let drawn = closure(edges.iter().map(|&(a, b)| (format!("n{a}"), format!("n{b}"))));
        let added = plan.added_orderings(&wf);
        let reported: u64 = plan.added.iter().map(|c| c.count).sum();
        prop_assert_eq!(added.len() as u64, reported);
        for added in &added {
            prop_assert!(
                !drawn.contains(&(added.before.clone(), added.after.clone())),
                "reported an ordering the drawing already implies: {:?}", added
            );
        }
        let expected = closure(
            edges
                .iter()
                .map(|&(a, b)| (format!("n{a}"), format!("n{b}")))
                .chain(added.iter().map(|o| (o.before.clone(), o.after.clone()))),
        );
        prop_assert_eq!(planned_order(&plan), expected);

        let xml = to_workflow_xml(&wf).expect("a valid drawing exports");
        let report = check_workflow_xml(&xml).expect("the export is well-formed");
        prop_assert!(report.is_valid(), "{:?}\n{}", report.issues, xml);
    }

    #[test]
    fn series_parallel_drawings_need_no_added_ordering(sp in arb_sp()) {
        let mut next = 0;
        let mut edges = Vec::new();
        sp_edges(&sp, &mut next, &mut edges);
        let wf = workflow(next, &edges);
        let plan = plan(&wf).expect("an acyclic drawing plans");
        prop_assert!(plan.added.is_empty(), "{:?} for {:?}", plan.added, sp);
    }
}
