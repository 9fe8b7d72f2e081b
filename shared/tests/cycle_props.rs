//! Property tests for cycle detection: on random graphs, a loop is reported exactly when the
//! graph has one, and every reported path is a real closed walk through the graph.

use std::collections::HashSet;

use petgraph::algo::is_cyclic_directed;
use petgraph::graph::DiGraph;
use proptest::prelude::*;
mod common;

use shared::workflow::{EdgeKind, validate};

fn arb_graph() -> impl Strategy<Value = (usize, Vec<(usize, usize, bool)>)> {
    // Self-loops are E0706, not E0707: build edges a -> a+k (mod n) with k ≠ 0.
    (2usize..12).prop_flat_map(|n| {
        let edge = (0..n, 1..n, any::<bool>()).prop_map(move |(a, k, ok)| (a, (a + k) % n, ok));
        (Just(n), prop::collection::vec(edge, 0..3 * n))
    })
}

proptest! {
    #[test]
    fn loops_are_reported_iff_the_graph_has_one((n, edges) in arb_graph()) {
        let wf = common::shells(
            n,
            edges.iter().map(|&(a, b, ok)| (a, b, if ok { EdgeKind::Ok } else { EdgeKind::Error })),
        );
        let mut g = DiGraph::<(), ()>::new();
        let idx: Vec<_> = (0..n).map(|_| g.add_node(())).collect();
        for &(a, b, _) in &edges {
            g.add_edge(idx[a], idx[b], ());
        }
        let issues = validate(&wf);
        let loops: Vec<_> = issues.iter().filter(|i| i.code == "E0707").collect();
        prop_assert_eq!(!loops.is_empty(), is_cyclic_directed(&g));

        let present: HashSet<(&str, &str)> =
            wf.edges.iter().map(|e| (e.from.as_str(), e.to.as_str())).collect();
        for issue in loops {
            let path = issue.message.rsplit_once("path [").unwrap().1.trim_end_matches(']');
            let steps: Vec<&str> = path.split("->").collect();
            prop_assert!(steps.len() >= 3);
            prop_assert_eq!(steps.first(), steps.last());
            for pair in steps.windows(2) {
                prop_assert!(present.contains(&(pair[0], pair[1])), "no edge {:?}", pair);
            }
            // Each node of the loop is listed once, in path order.
            prop_assert_eq!(&issue.nodes[..], &steps[..steps.len() - 1]);
        }
    }
}
