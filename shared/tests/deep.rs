//! Long drawings must not need a deep stack: the browser runs validation in WebAssembly,
//! whose stack is far smaller than a native thread's (a recursive strongly-connected-
//! components search overflowed it on a 10,000-action chain).

mod common;

use shared::oozie::{from_workflow_xml, to_workflow_xml};
use shared::workflow::{EdgeKind, validate};

/// Less than V8's default WebAssembly stack, with room for debug-build frames.
const SMALL_STACK: usize = 256 * 1024;

#[test]
fn a_long_chain_validates_exports_and_imports_on_a_small_stack() {
    let run = || {
        let n = 5_000;
        let wf = common::shells(n, (1..n).map(|i| (i - 1, i, EdgeKind::Ok)));
        assert!(!validate(&wf).iter().any(|i| i.is_error()));
        let xml = to_workflow_xml(&wf).expect("a chain exports");
        let back = from_workflow_xml(&xml).expect("and imports again");
        let ok = back
            .workflow
            .edges
            .iter()
            .filter(|e| e.kind == EdgeKind::Ok);
        assert_eq!(ok.count(), n, "the chain, and its last action to the end");
    };
    std::thread::Builder::new()
        .stack_size(SMALL_STACK)
        .spawn(run)
        .expect("a thread starts")
        .join()
        .expect("no stack overflow and no failed assertion");
}
