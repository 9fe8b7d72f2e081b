//! Any text as an EL template, parsed and evaluated against a few properties and the
//! basic functions: errors are fine, panics, hangs and stack overflows are not. An error
//! must point inside the text.
#![no_main]

use std::collections::BTreeMap;

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    let props: BTreeMap<String, String> = [("a", "3"), ("b", "4.5"), ("s", "x,y"), ("t", "true")]
        .iter()
        .map(|(k, v)| (k.to_string(), v.to_string()))
        .collect();
    if let Err(e) = shared::el::eval_template(text, &props) {
        assert!(e.column >= 1 && e.column <= text.chars().count() + 1, "column {} of {:?}", e.column, text);
    }
});
