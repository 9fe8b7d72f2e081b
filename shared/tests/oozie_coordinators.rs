//! Every coordinator of the real Oozie example apps imports, exports valid against the
//! official schemas, imports back to the same model, and materializes with its
//! job.properties.

use std::collections::BTreeMap;
use std::path::PathBuf;

mod common;

use shared::coord::resolve::resolve;
use shared::coord::xml::{from_coordinator_xml, to_coordinator_xml};
use shared::coord::{Coordinator, DataIn, DatasetDef, Instances};
use shared::oozie::parse_job_properties;
use shared::time::format_oozie_time;

fn examples() -> PathBuf {
    std::env::var_os("SLUICE_OOZIE_EXAMPLES").map_or_else(
        || PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../shared/oozie/examples"),
        PathBuf::from,
    )
}

fn coordinator_files() -> Vec<PathBuf> {
    let mut files = Vec::new();
    for app in std::fs::read_dir(examples()).expect("examples directory") {
        for file in std::fs::read_dir(app.unwrap().path()).unwrap() {
            let file = file.unwrap().path();
            let name = file.file_name().unwrap().to_string_lossy().into_owned();
            if name.starts_with("coordinator") && name.ends_with(".xml") {
                files.push(file);
            }
        }
    }
    files.sort();
    files
}

fn no_includes(_: &str) -> Option<String> {
    None
}

#[test]
fn every_example_coordinator_imports_exports_valid_and_round_trips() {
    let files = coordinator_files();
    assert!(
        files.len() >= 7,
        "expected the 7 example coordinators, found {}",
        files.len()
    );
    for file in files {
        let text = std::fs::read_to_string(&file).unwrap();
        let imported = from_coordinator_xml(&text, &no_includes)
            .unwrap_or_else(|e| panic!("{}: {e}", file.display()));
        let xml = to_coordinator_xml(&imported.coordinator);
        common::assert_schema_valid(&xml, &file.display().to_string());
        let again = from_coordinator_xml(&xml, &no_includes).unwrap();
        assert_eq!(
            again.coordinator,
            imported.coordinator,
            "{}",
            file.display()
        );
    }
}

/// job.properties next to a coordinator, as a map.
fn properties(file: &std::path::Path, name: &str) -> BTreeMap<String, String> {
    let text = std::fs::read_to_string(file.with_file_name(name)).unwrap();
    parse_job_properties(&text)
        .into_iter()
        .map(|p| (p.name, p.value))
        .collect()
}

#[test]
fn the_aggregator_example_materializes_as_oozie_would() {
    let file = examples().join("aggregator/coordinator.xml");
    let c = from_coordinator_xml(&std::fs::read_to_string(&file).unwrap(), &no_includes)
        .unwrap()
        .coordinator;
    let job = resolve(&c, &[], &properties(&file, "job.properties"), "alice").unwrap();
    let actions = job.preview(10, "0000001-oozie-C").unwrap();
    // start 01:00Z, end 03:00Z (exclusive), hourly.
    assert_eq!(actions.len(), 2);
    let first = &actions[0];
    assert_eq!(format_oozie_time(first.nominal), "2010-01-01T01:00Z");
    let raw = "hdfs://localhost:8020/user/alice/examples/input-data/rawLogs/2010/01/01";
    assert_eq!(
        first.inputs["input"],
        [
            format!("{raw}/01/00"),
            format!("{raw}/00/40"),
            format!("{raw}/00/20")
        ]
    );
    assert_eq!(
        first.configuration["inputData"],
        format!("{raw}/01/00,{raw}/00/40,{raw}/00/20")
    );
    assert_eq!(
        first.configuration["outputData"],
        "hdfs://localhost:8020/user/alice/examples/output-data/aggregator/aggregatedLogs/2010/01/01/01"
    );
    assert_eq!(first.configuration["queueName"], "default");

    // The offset variant resolves to the same instances (its comments say so).
    let file = examples().join("aggregator/coordinator-with-offset.xml");
    let c = from_coordinator_xml(&std::fs::read_to_string(&file).unwrap(), &no_includes)
        .unwrap()
        .coordinator;
    let job = resolve(
        &c,
        &[],
        &properties(&file, "job-with-offset.properties"),
        "alice",
    )
    .unwrap();
    let offset_actions = job.preview(1, "x").unwrap();
    assert_eq!(offset_actions[0].inputs["input"], first.inputs["input"]);
    assert_eq!(offset_actions[0].outputs["output"], first.outputs["output"]);
}

#[test]
fn included_datasets_are_read_and_the_coordinators_own_win() {
    let datasets = r#"<datasets xmlns="uri:oozie:coordinator:0.5">
        <dataset name="logs" frequency="${coord:days(1)}" initial-instance="2009-01-01T00:00Z" timezone="UTC">
            <uri-template>hdfs:///included/${YEAR}/${MONTH}/${DAY}</uri-template>
        </dataset>
        <dataset name="other" frequency="${coord:days(1)}" initial-instance="2009-01-01T00:00Z" timezone="UTC">
            <uri-template>hdfs:///other/${YEAR}/${MONTH}/${DAY}</uri-template>
            <done-flag/>
        </dataset>
    </datasets>"#;
    let coord = r#"<coordinator-app xmlns="uri:oozie:coordinator:0.5" name="c" frequency="${coord:days(1)}"
        start="2009-02-01T00:00Z" end="2009-02-03T00:00Z" timezone="UTC">
        <datasets>
            <include>hdfs:///apps/datasets.xml</include>
            <dataset name="logs" frequency="${coord:days(1)}" initial-instance="2009-01-01T00:00Z" timezone="UTC">
                <uri-template>hdfs:///own/${YEAR}/${MONTH}/${DAY}</uri-template>
            </dataset>
        </datasets>
        <input-events>
            <data-in name="a" dataset="logs"><instance>${coord:current(0)}</instance></data-in>
            <data-in name="b" dataset="other"><instance>${coord:current(-1)}</instance></data-in>
        </input-events>
        <action><workflow><app-path>hdfs:///apps/wf</app-path></workflow></action>
    </coordinator-app>"#;
    let read = |path: &str| (path == "hdfs:///apps/datasets.xml").then(|| datasets.to_owned());
    let imported = from_coordinator_xml(coord, &read).unwrap();
    assert_eq!(imported.included.len(), 2);
    let xml = to_coordinator_xml(&imported.coordinator);
    assert!(xml.contains("<include>hdfs:///apps/datasets.xml</include>"));
    common::assert_schema_valid(&xml, "a coordinator with an include");
    let job = resolve(
        &imported.coordinator,
        &imported.included,
        &BTreeMap::new(),
        "u",
    )
    .unwrap();
    let action = &job.preview(1, "j").unwrap()[0];
    assert_eq!(action.inputs["a"], ["hdfs:///own/2009/02/01"]);
    assert_eq!(action.inputs["b"], ["hdfs:///other/2009/01/31"]);
    assert!(
        from_coordinator_xml(coord, &no_includes)
            .unwrap_err()
            .to_string()
            .contains("cannot be read")
    );
}

/// A coordinator built in code exports valid, with every part the model has.
#[test]
fn a_full_coordinator_exports_schema_valid() {
    let mut c = Coordinator::new(
        "full",
        "hdfs:///apps/wf",
        "2009-01-01T00:00Z",
        "2009-02-01T00:00Z",
    );
    c.frequency = "10 1 * * 2-6".into();
    c.timezone = "America/Los_Angeles".into();
    c.controls.timeout = Some("${coord:hours(2)}".into());
    c.controls.concurrency = Some("2".into());
    c.controls.execution = Some("LAST_ONLY".into());
    c.controls.throttle = Some("5".into());
    c.parameters.push(shared::coord::Parameter {
        name: "queue".into(),
        value: Some("default".into()),
        description: None,
    });
    c.datasets.push(DatasetDef {
        name: "logs".into(),
        frequency: "${coord:hours(1)}".into(),
        initial_instance: "2008-01-01T00:00Z".into(),
        timezone: "UTC".into(),
        uri_template: "hdfs:///logs/${YEAR}/${MONTH}/${DAY}/${HOUR}".into(),
        done_flag: Some(String::new()),
    });
    c.inputs.push(DataIn {
        name: "in".into(),
        dataset: "logs".into(),
        instances: Instances::Range {
            start: "${coord:current(-23)}".into(),
            end: "${coord:current(0)}".into(),
        },
    });
    c.sla = Some(
        r#"<sla:info xmlns:sla="uri:oozie:sla:0.2"><sla:nominal-time>${coord:nominalTime()}</sla:nominal-time><sla:should-end>${60 * MINUTES}</sla:should-end></sla:info>"#.into(),
    );
    let xml = to_coordinator_xml(&c);
    common::assert_schema_valid(&xml, "a full coordinator");
    assert_eq!(
        from_coordinator_xml(&xml, &no_includes)
            .unwrap()
            .coordinator,
        c
    );
}

#[test]
fn a_quartz_cron_with_seconds_is_taken_and_exported_in_oozies_form() {
    let mut c = Coordinator::new(
        "q",
        "hdfs:///apps/wf",
        "2026-01-01T00:00Z",
        "2026-01-08T00:00Z",
    );
    c.frequency = "0 30 6 ? * MON-FRI *".into();
    let xml = to_coordinator_xml(&c);
    assert!(xml.contains(r#"frequency="30 6 ? * MON-FRI""#), "{xml}");
    common::assert_schema_valid(&xml, "a converted Quartz cron");
    let job = resolve(&c, &[], &BTreeMap::new(), "u").unwrap();
    let times: Vec<String> = job
        .preview(10, "j")
        .unwrap()
        .iter()
        .map(|a| format_oozie_time(a.nominal))
        .collect();
    assert_eq!(
        times,
        [
            "2026-01-01T06:30Z",
            "2026-01-02T06:30Z",
            "2026-01-05T06:30Z",
            "2026-01-06T06:30Z",
            "2026-01-07T06:30Z"
        ]
    );
    // Seconds Oozie cannot express: a clear refusal.
    c.frequency = "15 30 6 ? * MON-FRI".into();
    let e = resolve(&c, &[], &BTreeMap::new(), "u").unwrap_err();
    assert_eq!(e.code, "E1003");
    assert!(e.message.contains("seconds field must be 0"), "{e}");
}

#[test]
fn job_properties_of_a_coordinator_round_trip() {
    let file = examples().join("aggregator/job.properties");
    let mut c = Coordinator::new("a", "hdfs:///wf", "${start}", "${end}");
    c.job_properties = parse_job_properties(&std::fs::read_to_string(file).unwrap());
    c.job_properties.push(shared::coord::JobProperty {
        name: "odd key=".into(),
        value: " spaced\nvalue#".into(),
    });
    let text = c.to_job_properties();
    assert_eq!(parse_job_properties(&text), c.job_properties);
    assert_eq!(c.properties()["start"], "2010-01-01T01:00Z");
    let job = resolve(&c, &[], &c.properties(), "u").unwrap();
    // Daily (the default) in a two-hour window: one action.
    assert_eq!(job.preview(5, "j").unwrap().len(), 1);
}

/// Every example, with the job.properties beside it, materializes its first actions.
#[test]
fn every_example_coordinator_previews_with_its_properties() {
    for file in coordinator_files() {
        let text = std::fs::read_to_string(&file).unwrap();
        let c = from_coordinator_xml(&text, &no_includes)
            .unwrap()
            .coordinator;
        let props_name = if file.ends_with("coordinator-with-offset.xml") {
            "job-with-offset.properties"
        } else {
            "job.properties"
        };
        let job = resolve(&c, &[], &properties(&file, props_name), "alice")
            .unwrap_or_else(|e| panic!("{}: {e}", file.display()));
        let actions = job
            .preview(3, "j")
            .unwrap_or_else(|e| panic!("{}: {e}", file.display()));
        assert!(!actions.is_empty(), "{}", file.display());
    }
}

#[test]
fn hcatalog_functions_read_the_partitions() {
    let file = examples().join("hcatalog/coordinator.xml");
    let c = from_coordinator_xml(&std::fs::read_to_string(&file).unwrap(), &no_includes)
        .unwrap()
        .coordinator;
    let job = resolve(&c, &[], &properties(&file, "job.properties"), "alice").unwrap();
    let a = &job.preview(1, "j").unwrap()[0];
    let cfg = |k: &str| a.configuration[k].clone();
    let props = properties(&file, "job.properties");
    assert_eq!(cfg("DB"), props["db"]);
    assert_eq!(cfg("TABLE"), props["table"]);
    let day = format_oozie_time(a.nominal)[..10].to_owned();
    assert_eq!(
        cfg("FILTER"),
        format!("(ds=='{day}' AND region=='{}')", props["region"])
    );
    assert_eq!(cfg("OUTPUT_TABLE"), props["outputtable"]);
}

#[test]
fn an_input_logic_operator_is_known_only_once_the_data_is_checked() {
    let file = examples().join("coord-input-logic/coordinator.xml");
    let c = from_coordinator_xml(&std::fs::read_to_string(&file).unwrap(), &no_includes)
        .unwrap()
        .coordinator;
    let job = resolve(&c, &[], &properties(&file, "job.properties"), "alice").unwrap();
    let a = &job.preview(1, "j").unwrap()[0];
    assert_eq!(a.configuration["inputData"], "${coord:dataIn('input')}");
    assert_eq!(a.inputs["input-1"].len(), 3);
}

#[test]
fn huge_instance_ranges_are_refused_not_computed() {
    let coord = |start: &str, end: &str| {
        format!(
            r#"<coordinator-app xmlns="uri:oozie:coordinator:0.5" name="c" frequency="${{coord:days(1)}}"
                start="2020-01-01T00:00Z" end="2020-01-03T00:00Z" timezone="UTC">
                <datasets><dataset name="m" frequency="5" initial-instance="1970-01-01T00:00Z" timezone="UTC">
                    <uri-template>hdfs:///m/${{YEAR}}</uri-template></dataset></datasets>
                <input-events><data-in name="i" dataset="m">
                    <start-instance>{start}</start-instance><end-instance>{end}</end-instance></data-in></input-events>
                <action><workflow><app-path>hdfs:///wf</app-path></workflow></action>
            </coordinator-app>"#
        )
    };
    let run = |s: &str, t: &str| {
        let c = from_coordinator_xml(&coord(s, t), &no_includes)
            .unwrap()
            .coordinator;
        resolve(&c, &[], &BTreeMap::new(), "u").and_then(|job| job.preview(1, "j"))
    };
    for (s, t) in [
        ("${coord:current(-1000000000)}", "${coord:current(0)}"),
        (
            "${coord:offset(-1000000000, 'MINUTE')}",
            "${coord:offset(0, 'MINUTE')}",
        ),
        (
            "${coord:absolute('1970-01-01T00:00Z')}",
            "${coord:current(0)}",
        ),
    ] {
        let e = run(s, t).unwrap_err();
        assert_eq!(e.code, "E1010", "{s}: {e}");
        assert!(
            e.message.contains("more than 100000 dataset instances"),
            "{s}: {e}"
        );
    }
    // A large but sane range is fine: a day of 5-minute instances.
    let actions = run("${coord:current(-287)}", "${coord:current(0)}").unwrap();
    assert_eq!(actions[0].inputs["i"].len(), 288);
}

/// The editor's `coord:` catalog names exactly what materialization answers, with their
/// argument counts: each entry, given plausible arguments, evaluates without "no function"
/// or an arity error, and one argument more is refused as Oozie's EL parser refuses it.
#[test]
fn the_editor_coord_catalog_matches_what_materialization_answers() {
    use shared::coord::Property;
    use shared::el::catalog::COORD_FUNCTIONS;
    let xml = r#"<coordinator-app xmlns="uri:oozie:coordinator:0.5" name="c" frequency="${coord:days(1)}"
        start="2009-02-01T00:00Z" end="2009-02-03T00:00Z" timezone="UTC">
        <datasets>
            <dataset name="logs" frequency="${coord:days(1)}" initial-instance="2009-01-01T00:00Z" timezone="UTC">
                <uri-template>hcat://hcat.example/db/logs/dt=${YEAR}${MONTH}${DAY}</uri-template>
            </dataset>
        </datasets>
        <input-events><data-in name="event" dataset="logs"><instance>${coord:current(0)}</instance></data-in></input-events>
        <output-events><data-out name="out" dataset="logs"><instance>${coord:current(0)}</instance></data-out></output-events>
        <action><workflow><app-path>hdfs:///apps/wf</app-path></workflow></action>
    </coordinator-app>"#;
    let base = from_coordinator_xml(xml, &no_includes).unwrap().coordinator;
    let arg = |name: &str| match name {
        "time" => "'2009-02-01T00:00Z'",
        "n" => "1",
        "unit" => "'DAY'",
        "zone" => "'UTC'",
        "pattern" => "'yyyyMMdd'",
        "millis" => "true",
        "type" => "'hive'",
        "key" => "'dt'",
        _ => "'event'",
    };
    let evaluate = |value: String| {
        let mut c = base.clone();
        c.configuration = vec![Property {
            name: "p".into(),
            value,
            description: None,
        }];
        resolve(&c, &[], &BTreeMap::new(), "u").and_then(|job| job.preview(1, "j"))
    };
    assert_eq!(COORD_FUNCTIONS.len(), 28);
    for f in COORD_FUNCTIONS {
        // `event` stands for the data-in; a data-out function needs the data-out.
        let args: Vec<&str> = f
            .args
            .iter()
            .map(
                |a| match (*a, f.name.ends_with("Out") || f.name.contains("dataOut")) {
                    ("event", true) => "'out'",
                    (a, _) => arg(a),
                },
            )
            .collect();
        let text = format!("${{{}({})}}", f.name, args.join(", "));
        if let Err(e) = evaluate(text.clone()) {
            assert!(
                !e.message.contains("no function") && !e.message.contains("argument"),
                "{text}: {e}"
            );
        }
        let more = vec!["'x'"; f.args.len() + 1].join(", ");
        let err = evaluate(format!("${{{}({more})}}", f.name)).unwrap_err();
        assert!(err.message.contains("argument"), "{}: {err}", f.name);
    }
}
