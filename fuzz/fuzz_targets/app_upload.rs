//! Any bytes as an import upload (a zip of app directories, or one XML file): unpacking
//! with its limits, pairing files, inlining includes, and reading each definition. Then
//! every definition read is validated and exported, and an exported app zip must read back
//! as exactly that one definition. Errors are fine; panics and hangs are not.
#![no_main]

use backend::service::apps::{Format, Parsed, download, read_upload};
use backend::service::definitions::Versioned;
use libfuzzer_sys::fuzz_target;

fn check<T: Versioned>(definition: &T) {
    if definition.check_limits().is_err() {
        return;
    }
    let _ = definition.validation("fuzz");
    let Ok(zip) = download(definition, Format::Zip) else {
        return;
    };
    let again = read_upload(&zip.bytes, None).expect("an exported zip reads");
    assert_eq!(again.definitions.len(), 1, "skipped: {:?}", again.skipped.iter().map(|s| &s.reason).collect::<Vec<_>>());
    assert!(again.skipped.is_empty());
}

fuzz_target!(|data: &[u8]| {
    let Ok(plan) = read_upload(data, Some("upload.xml")) else {
        return;
    };
    for planned in &plan.definitions {
        match &planned.definition {
            Parsed::Workflow(wf) => check(wf.as_ref()),
            Parsed::Coordinator(c) => check(c.as_ref()),
        }
    }
});
