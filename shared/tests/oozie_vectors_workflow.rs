//! The workflow validation vectors of ../shared/oozie/VECTORS.md (W1–W5), each test named
//! after its vector. The graphs are those of Oozie's own tests (TestLiteWorkflowAppParser,
//! TestSubmitXCommand, TestLiteWorkflowAppService), rebuilt as control graphs.

use shared::oozie::validate::{
    ControlGraph, ControlKind, ForkJoinCheck, OozieError, validate_graph,
};

/// `A` action (ok, error), `D` decision (targets), `F` fork (paths), `J` join (to), `K` kill,
/// `E` end; the start node goes to `start_to`.
enum N {
    A(&'static str, &'static str, &'static str),
    D(&'static str, &'static [&'static str]),
    F(&'static str, &'static [&'static str]),
    J(&'static str, &'static str),
    K(&'static str),
    E(&'static str),
}

/// Builds the graph as Oozie's parser builds its nodes (which may already fail).
fn graph(start_to: &'static str, nodes: &[N]) -> Result<ControlGraph<'static>, OozieError> {
    let mut g = ControlGraph::new(start_to);
    for node in nodes {
        match *node {
            N::A(name, ok, error) => g.add(name, ControlKind::Action("java"), vec![ok, error]),
            N::D(name, to) => g.add(name, ControlKind::Decision, to.to_vec()),
            N::F(name, to) => g.add(name, ControlKind::Fork, to.to_vec()),
            N::J(name, to) => g.add(name, ControlKind::Join, vec![to]),
            N::K(name) => g.add(name, ControlKind::Kill, vec![]),
            N::E(name) => g.add(name, ControlKind::End, vec![]),
        }?;
    }
    Ok(g)
}

/// Parse, then validate with fork/join checks on: Oozie's submit-time pipeline.
fn check(start_to: &'static str, nodes: &[N]) -> Result<(), OozieError> {
    validate_graph(&graph(start_to, nodes)?, ForkJoinCheck::On)
}

fn expect_err(result: Result<(), OozieError>, code: &str, fragments: &[&str]) {
    let err = result.expect_err("Oozie rejects this workflow");
    assert_eq!(err.code, code, "{err}");
    for fragment in fragments {
        assert!(
            err.message.contains(fragment),
            "'{fragment}' not in: {}",
            err.message
        );
    }
}

use N::*;

#[test]
fn w1_loop_is_e0707_with_the_exact_message() {
    // wf-loop1-invalid.xml: start→a; decision a {b (kill), c, d}; fork c {a, e}; join e→z.
    let err = check(
        "a",
        &[
            D("a", &["b", "c", "d"]),
            K("b"),
            F("c", &["a", "e"]),
            J("e", "z"),
            A("d", "z", "b"),
            E("z"),
        ],
    )
    .unwrap_err();
    assert_eq!(err.code, "E0707");
    assert_eq!(
        err.message,
        "Loop detected at parsing, node [a], path [:start:->a->c->a]"
    );
    assert_eq!(err.nodes, vec!["a", "c"]);
}

#[test]
fn w2_a_129_character_name_is_e0724_and_128_is_fine() {
    let long: &'static str = Box::leak(format!("a{}x", "1234567".repeat(18)).into_boxed_str());
    assert_eq!(long.len(), 128);
    assert_eq!(check(long, &[A(long, "end", "end"), E("end")]), Ok(()));
    let too_long: &'static str = Box::leak(format!("{long}y").into_boxed_str());
    expect_err(
        check(too_long, &[A(too_long, "end", "end"), E("end")]),
        "E0724",
        &["must be 128 chars or less"],
    );
}

#[test]
fn w3_unsupported_action_type_is_e0723() {
    let mut g = ControlGraph::new("a");
    g.add("a", ControlKind::Action("rocket"), vec!["end", "end"])
        .unwrap();
    g.add("end", ControlKind::End, vec![]).unwrap();
    let err = validate_graph(&g, ForkJoinCheck::On).unwrap_err();
    assert_eq!(err.code, "E0723");
    assert_eq!(
        err.message,
        "Unsupported action type, node [a] type [rocket]"
    );
}

#[test]
fn w3_decision_case_to_itself_is_e0706() {
    // wf-loop2-invalid.xml: decision `a` with `<case to="a">`, refused while nodes are built.
    let err = check("a", &[D("a", &["a", "end"]), E("end")]).unwrap_err();
    assert_eq!(err.code, "E0706");
    assert_eq!(err.message, "Node cannot transition to itself node [a]");
}

#[test]
fn a_name_defined_twice_is_e0705() {
    expect_err(
        check("a", &[A("a", "end", "end"), K("a"), E("end")]),
        "E0705",
        &["node [a]"],
    );
}

#[test]
fn w3_transition_to_an_undefined_node_is_e0708() {
    // wf-transition-invalid.xml: fork c has a path to f, which does not exist.
    let err = check(
        "c",
        &[
            F("c", &["d", "f"]),
            A("d", "j", "k"),
            J("j", "end"),
            K("k"),
            E("end"),
        ],
    )
    .unwrap_err();
    assert_eq!(err.code, "E0708");
    assert_eq!(err.message, "Invalid transition, node [c] transition [f]");
}

#[test]
fn w4_end_inside_a_fork_is_e0737() {
    // testForkJoinFailure
    expect_err(
        check(
            "one",
            &[
                A("one", "f", "end"),
                F("f", &["two", "three"]),
                A("two", "j", "k"),
                A("three", "end", "k"),
                J("j", "k"),
                K("k"),
                E("end"),
            ],
        ),
        "E0737",
        &["node [three]", "node [end]"],
    );
}

#[test]
fn w4_join_reached_outside_its_fork_is_e0742() {
    // testNestedForkJoinFailure
    expect_err(
        check(
            "one",
            &[
                A("one", "f", "end"),
                F("f", &["four", "three", "two"]),
                A("two", "j", "k"),
                A("three", "j", "k"),
                A("four", "f2", "k"),
                F("f2", &["five", "six"]),
                A("five", "j2", "k"),
                A("six", "j2", "k"),
                J("j", "j2"),
                J("j2", "k"),
                K("k"),
                E("end"),
            ],
        ),
        "E0742",
        &["[j2]"],
    );
}

#[test]
fn w4_two_ok_paths_into_one_action_is_e0743() {
    // testTransitionFailure1
    expect_err(
        check(
            "one",
            &[
                A("one", "f", "end"),
                F("f", &["two", "three"]),
                A("two", "three", "j"),
                A("three", "j", "k"),
                J("j", "k"),
                K("k"),
                E("end"),
            ],
        ),
        "E0743",
        &["three"],
    );
}

#[test]
fn w4_error_paths_may_converge() {
    // testTransition2 and testTransition3
    let two = check(
        "one",
        &[
            A("one", "f", "end"),
            F("f", &["two", "three"]),
            A("two", "j", "three"),
            A("three", "j", "k"),
            J("j", "end"),
            K("k"),
            E("end"),
        ],
    );
    assert_eq!(two, Ok(()));
    let three = check(
        "one",
        &[
            A("one", "f", "end"),
            F("f", &["two", "three"]),
            A("two", "j", "four"),
            A("three", "four", "k"),
            A("four", "j", "k"),
            J("j", "end"),
            K("k"),
            E("end"),
        ],
    );
    assert_eq!(three, Ok(()));
}

#[test]
fn w4_error_transition_into_a_second_fork_is_valid() {
    // testErrorTransitionForkJoin
    let result = check(
        "one",
        &[
            A("one", "f", "end"),
            F("f", &["two", "three"]),
            A("two", "j", "f1"),
            A("three", "j", "f1"),
            F("f1", &["four", "five"]),
            A("four", "j1", "k"),
            A("five", "j1", "k"),
            J("j", "six"),
            J("j1", "six"),
            A("six", "k", "k"),
            K("k"),
            E("end"),
        ],
    );
    assert_eq!(result, Ok(()));
}

#[test]
fn w4_decisions_inside_forks_are_valid() {
    // testDecisionForkJoin, testDecisionsToJoinForkJoin
    let a = check(
        "one",
        &[
            A("one", "f", "end"),
            F("f", &["two", "three"]),
            D("two", &["four", "five", "four"]),
            A("four", "j", "k"),
            A("five", "j", "k"),
            A("three", "j", "k"),
            J("j", "end"),
            K("k"),
            E("end"),
        ],
    );
    assert_eq!(a, Ok(()));
    let b = check(
        "one",
        &[
            A("one", "f", "end"),
            F("f", &["two", "three"]),
            D("two", &["four", "j", "four"]),
            D("three", &["j", "five", "j"]),
            A("four", "j", "k"),
            A("five", "j", "k"),
            J("j", "end"),
            K("k"),
            E("end"),
        ],
    );
    assert_eq!(b, Ok(()));
}

#[test]
fn w4_decision_into_a_sibling_branch_is_e0743() {
    // testDecisionForkJoinFailure
    expect_err(
        check(
            "one",
            &[
                A("one", "f", "end"),
                F("f", &["two", "three"]),
                D("two", &["four", "three"]),
                A("three", "j", "k"),
                A("four", "j", "k"),
                J("j", "end"),
                K("k"),
                E("end"),
            ],
        ),
        "E0743",
        &["three"],
    );
}

#[test]
fn w4_decision_to_end_inside_a_fork_is_e0737() {
    // testDecisionToEndForkJoinFailure
    expect_err(
        check(
            "one",
            &[
                A("one", "f", "end"),
                F("f", &["two", "three"]),
                D("two", &["four", "end"]),
                A("three", "j", "k"),
                A("four", "j", "k"),
                J("j", "end"),
                K("k"),
                E("end"),
            ],
        ),
        "E0737",
        &["node [two]", "node [end]"],
    );
}

#[test]
fn w4_chained_decisions_may_converge() {
    // testMultipleDecisionThreePathsForkJoin (valid), then the same with the fork's second
    // path going to `four` instead of the join (…Failure: E0743 on four).
    let nodes = |second_path: &'static str| {
        check(
            "one",
            &[
                A("one", "f", "end"),
                F("f", Box::leak(vec!["two", second_path].into_boxed_slice())),
                D("two", &["three", "four"]),
                D("three", &["four", "five"]),
                A("four", "j", "k"),
                A("five", "four", "k"),
                J("j", "end"),
                K("k"),
                E("end"),
            ],
        )
    };
    assert_eq!(nodes("j"), Ok(()));
    expect_err(nodes("four"), "E0743", &["four"]);
}

#[test]
fn w4_a_decision_choosing_between_two_forks_is_valid() {
    // testDecisionMultipleForks
    let result = check(
        "one",
        &[
            D("one", &["f1", "f2"]),
            F("f1", &["two", "three"]),
            F("f2", &["four", "five"]),
            A("two", "j1", "k"),
            A("three", "j1", "k"),
            A("four", "j2", "k"),
            A("five", "j2", "k"),
            J("j1", "end"),
            J("j2", "end"),
            K("k"),
            E("end"),
        ],
    );
    assert_eq!(result, Ok(()));
}

#[test]
fn w4_a_fork_with_two_joins_is_e0757() {
    // testForkJoinMismatch
    let err = check(
        "f",
        &[
            F("f", &["one", "two"]),
            A("one", "j1", "k"),
            J("j1", "end"),
            A("two", "j2", "k"),
            J("j2", "f2"),
            F("f2", &["k", "k"]),
            K("k"),
            E("end"),
        ],
    )
    .unwrap_err();
    assert_eq!(err.code, "E0757");
    assert!(err.message.contains("Fork node [f]"));
    assert!(err.message.contains("[j1,j2]") || err.message.contains("[j2,j1]"));
}

#[test]
fn w4_a_fork_with_a_duplicate_path_is_e0744() {
    // testForkJoinDuplicateTransitionsFromFork
    expect_err(
        check(
            "f",
            &[
                F("f", &["one", "two", "two"]),
                A("one", "j", "k"),
                J("j", "end"),
                A("two", "j", "k"),
                K("k"),
                E("end"),
            ],
        ),
        "E0744",
        &["fork, [f],", "node, [two]"],
    );
}

#[test]
fn w5_fork_without_join_is_e0730_unless_the_check_is_off() {
    // wf-invalid-fork.xml: fork a→(b1,b2), both ok→c, no join.
    let g = graph(
        "a",
        &[
            F("a", &["b1", "b2"]),
            A("b1", "c", "k"),
            A("b2", "c", "k"),
            A("c", "end", "k"),
            K("k"),
            E("end"),
        ],
    )
    .unwrap();
    let err = validate_graph(&g, ForkJoinCheck::On).unwrap_err();
    assert_eq!(format!("{err}"), "E0730: Fork/Join not in pair");
    assert_eq!(validate_graph(&g, ForkJoinCheck::Off), Ok(()));
}

#[test]
fn unreachable_nodes_are_not_checked_as_oozie_does() {
    // An unreachable node with a bad name and a dangling transition is never visited.
    let result = check(
        "a",
        &[A("a", "end", "end"), A("9bad", "nowhere", "end"), E("end")],
    );
    assert_eq!(result, Ok(()));
}

#[test]
fn a_long_chain_does_not_overflow_the_stack() {
    // Deep graphs are walked with explicit stacks: 50,000 actions in a row.
    let names: Vec<&'static str> = (0..50_000)
        .map(|i| &*Box::leak(format!("a{i}").into_boxed_str()))
        .collect();
    let mut g = ControlGraph::new(names[0]);
    for (i, name) in names.iter().enumerate() {
        let next = names.get(i + 1).copied().unwrap_or("end");
        g.add(name, ControlKind::Action("shell"), vec![next, "k"])
            .unwrap();
    }
    g.add("k", ControlKind::Kill, vec![]).unwrap();
    g.add("end", ControlKind::End, vec![]).unwrap();
    let handle = std::thread::Builder::new()
        .stack_size(256 * 1024)
        .spawn(move || validate_graph(&g, ForkJoinCheck::On))
        .unwrap();
    assert_eq!(handle.join().unwrap(), Ok(()));
}
