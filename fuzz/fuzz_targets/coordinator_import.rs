//! Any bytes into the coordinator importer, and whatever imports through export, a second
//! import, submit-time resolution and a few materialized actions: errors are fine, panics
//! and hangs are not, and an export must import again to the same model.
#![no_main]

use std::collections::BTreeMap;

use libfuzzer_sys::fuzz_target;
use shared::coord::resolve::resolve;
use shared::coord::xml::{from_coordinator_xml, to_coordinator_xml};

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    let Ok(imported) = from_coordinator_xml(text, &|_| None) else {
        return;
    };
    let xml = to_coordinator_xml(&imported.coordinator);
    let again = from_coordinator_xml(&xml, &|_| None).expect("an export imports");
    assert_eq!(again.coordinator, imported.coordinator);
    let props: BTreeMap<String, String> = [("start", "2009-01-01T00:00Z"), ("end", "2009-01-03T00:00Z")]
        .iter()
        .map(|(k, v)| (k.to_string(), v.to_string()))
        .collect();
    if let Ok(job) = resolve(&imported.coordinator, &imported.included, &props, "fuzz") {
        let _ = job.preview(3, "fuzz");
    }
});
