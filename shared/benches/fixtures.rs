//! Workloads shared by the coordinator benchmark and its wasm twin.
#![allow(dead_code)]

use std::collections::BTreeMap;

use shared::coord::resolve::{Job, resolve};
use shared::coord::xml::from_coordinator_xml;
use shared::time::cron::Cron;
use shared::time::frequency::Frequency;
use shared::time::schedule::Schedule;
use shared::time::{Zone, parse_oozie_time};

/// A year of a 5-minute coordinator (105,120 actions), each reading one instance of a
/// 5-minute dataset (issue target: materialize it all in < 50 ms native).
pub(crate) fn five_minute_year() -> Job {
    let xml = r#"<coordinator-app xmlns="uri:oozie:coordinator:0.5" name="every-5" frequency="${coord:minutes(5)}"
        start="2025-01-01T00:00Z" end="2026-01-01T00:00Z" timezone="America/Los_Angeles">
        <datasets>
            <dataset name="events" frequency="${coord:minutes(5)}" initial-instance="2024-01-01T00:00Z" timezone="America/Los_Angeles">
                <uri-template>hdfs:///data/events/${YEAR}/${MONTH}/${DAY}/${HOUR}/${MINUTE}</uri-template>
            </dataset>
        </datasets>
        <input-events><data-in name="in" dataset="events"><instance>${coord:current(0)}</instance></data-in></input-events>
        <action><workflow><app-path>hdfs:///apps/wf</app-path></workflow></action>
    </coordinator-app>"#;
    let c = from_coordinator_xml(xml, &|_| None).unwrap().coordinator;
    resolve(&c, &[], &BTreeMap::new(), "bench").unwrap()
}

/// A weekday cron in Los Angeles over years (issue target: the next 100 fire times in
/// < 1 ms native, < 5 ms in wasm).
pub(crate) fn weekday_cron_la() -> Schedule {
    Schedule {
        start: parse_oozie_time("2025-01-01T00:00Z").unwrap(),
        end: parse_oozie_time("2035-01-01T00:00Z").unwrap(),
        zone: Zone::parse("America/Los_Angeles").unwrap(),
        frequency: Frequency::Cron(Cron::parse("30 9 * * MON-FRI").unwrap()),
        pause: None,
    }
}
