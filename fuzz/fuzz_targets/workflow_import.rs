//! Any bytes into the importer, and whatever it imports through validation, export and a
//! second import: each step must answer, never panic, hang or exhaust memory, and an
//! exported import must import again.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    let Ok(imported) = shared::oozie::from_workflow_xml(text) else {
        return;
    };
    let _ = shared::workflow::validate(&imported.workflow);
    if let Ok(xml) = shared::oozie::to_workflow_xml(&imported.workflow) {
        assert!(
            shared::oozie::from_workflow_xml(&xml).is_ok(),
            "an export does not import:\n{xml}"
        );
    }
});
