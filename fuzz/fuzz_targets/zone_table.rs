//! Any bytes as the time-zone table the browser downloads: reading it either fails with a
//! reason or gives a table that reads back the same once encoded and answers for any instant.
//! Panics, hangs and huge allocations are not fine.
#![no_main]

use libfuzzer_sys::fuzz_target;
use shared::time::zonedb::ZoneDb;

fuzz_target!(|data: &[u8]| {
    let Ok(db) = ZoneDb::decode(data) else {
        return;
    };
    let again = ZoneDb::decode(&db.encode()).expect("an encoded table reads back");
    assert_eq!(again, db);
    for rules in &db.rules {
        let _ = rules.at(i64::MIN);
        let _ = rules.at(0);
        let _ = rules.at(i64::MAX);
    }
});
