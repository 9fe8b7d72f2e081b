//! Any bytes into the workflow checker (the XML reader, the schema checks, the graph walk):
//! it must answer with a report or an error, never panic, hang or exhaust memory.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    if let Ok(text) = std::str::from_utf8(data) {
        let _ = shared::oozie::outline::check_workflow_xml(text);
    }
});
