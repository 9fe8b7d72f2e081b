//! ../shared/oozie/VECTORS.md §1 (V01, V02), §3 (datasets, V23–V38) and §4 (action EL,
//! V39–V44), each test named after its vector.

use std::collections::BTreeMap;

use chrono::{DateTime, Utc};
use shared::coord::dataset::{Dataset, DoneFlag};
use shared::coord::resolve::{Execution, parse_frequency, resolve};
use shared::coord::xml::from_coordinator_xml;
use shared::time::frequency::{Every, Frequency};
use shared::time::schedule::Slot;
use shared::time::{EndOf, Unit, Zone, format_oozie_time, parse_oozie_time};

fn t(s: &str) -> DateTime<Utc> {
    parse_oozie_time(s).unwrap()
}

fn f(times: impl IntoIterator<Item = DateTime<Utc>>) -> Vec<String> {
    times.into_iter().map(format_oozie_time).collect()
}

const LA: &str = "America/Los_Angeles";

fn ds(n: i64, unit: Unit, end_of: Option<EndOf>, zone: &str, initial: &str) -> Dataset {
    Dataset {
        name: "ds".into(),
        every: Every { n, unit, end_of },
        initial_instance: t(initial),
        zone: Zone::parse(zone).unwrap(),
        uri_template: "hdfs://localhost:9000/user/u/US/${YEAR}/${MONTH}/${DAY}".into(),
        done_flag: DoneFlag::Directory,
    }
}

/// TCEF's fixture: daily LA dataset from 2009-09-01T23:59Z.
fn fixture() -> Dataset {
    ds(1, Unit::Day, None, LA, "2009-09-01T23:59Z")
}

/// `coord:current(n)` for each n, "" when dropped.
fn currents(d: &Dataset, nominal: &str, ns: &[i64]) -> Vec<String> {
    ns.iter()
        .map(|n| {
            f(d.current_range(t(nominal), *n, *n))
                .pop()
                .unwrap_or_default()
        })
        .collect()
}

fn freq(text: &str) -> Frequency {
    parse_frequency(text, &BTreeMap::new(), true).unwrap_or_else(|e| panic!("{text}: {e}"))
}

#[test]
fn v01_frequency_functions_return_value_and_unit() {
    let cases = [
        ("${coord:days(1)}", 1, Unit::Day, None),
        ("${coord:days(256)}", 256, Unit::Day, None),
        ("${coord:months(1)}", 1, Unit::Month, None),
        ("${coord:months(1) + 7}", 8, Unit::Month, None),
        ("${coord:months(coord:months(7))}", 7, Unit::Month, None),
        ("${coord:hours(1)}", 60, Unit::Minute, None),
        ("${coord:hours(coord:hours(1))}", 3600, Unit::Minute, None),
        ("${coord:endOfDays(3)}", 3, Unit::Day, Some(EndOf::Day)),
        ("${coord:endOfWeeks(3)}", 3, Unit::Week, Some(EndOf::Week)),
        (
            "${coord:endOfMonths(3)}",
            3,
            Unit::Month,
            Some(EndOf::Month),
        ),
        ("${coord:minutes(1)}", 1, Unit::Minute, None),
        ("${coord:hours(12)}", 720, Unit::Minute, None),
        ("${coord:days(7)}", 7, Unit::Day, None),
        ("60", 60, Unit::Minute, None),
    ];
    for (text, n, unit, end_of) in cases {
        assert_eq!(
            freq(text),
            Frequency::Every(Every { n, unit, end_of }),
            "{text}"
        );
    }
    let Frequency::Every(e) = freq("${coord:endOfMonths(3)}") else {
        panic!()
    };
    assert_eq!(e.unit_name(), "END_OF_MONTH");
    // Not frequency functions: an evaluation error.
    for bad in [
        "${coord:daysInMonth(2)}",
        "${coord:hoursInDay(2)}",
        "${coord:tzOffset()}",
    ] {
        let e = parse_frequency(bad, &BTreeMap::new(), true).unwrap_err();
        assert_eq!(e.code, "E1004", "{bad}: {e}");
    }
    assert!(matches!(freq("0/10 * * * *"), Frequency::Cron(_)));
    let e = parse_frequency("0/10 * * * *", &BTreeMap::new(), false).unwrap_err();
    assert!(e.message.contains("datasets cannot use a cron"), "{e}");
    assert!(parse_frequency("${coord:days(0)}", &BTreeMap::new(), true).is_err());
}

fn coordinator(controls: &str, frequency: &str) -> String {
    format!(
        r#"<coordinator-app xmlns="uri:oozie:coordinator:0.5" name="c" frequency="{frequency}"
            start="2009-01-01T00:00Z" end="2009-03-01T00:00Z" timezone="UTC">
            <controls>{controls}</controls>
            <action><workflow><app-path>hdfs:///wf</app-path></workflow></action>
        </coordinator-app>"#
    )
}

fn job_of(xml: &str) -> shared::coord::resolve::Job {
    let c = from_coordinator_xml(xml, &|_| None).unwrap().coordinator;
    resolve(&c, &[], &BTreeMap::new(), "test_user").unwrap()
}

#[test]
fn v02_timeout_conversion_and_control_defaults() {
    let cases = [
        ("${coord:days(10)}", "${coord:days(1)}", 14400),
        ("${coord:hours(10)}", "${coord:days(1)}", 600),
        ("${coord:minutes(10)}", "${coord:days(1)}", 10),
        ("${coord:months(1)}", "${coord:months(1)}", 43200),
        // Negative or above 60 days is stored as 60 days.
        ("-1", "${coord:days(1)}", 86400),
        ("86401", "${coord:days(1)}", 86400),
    ];
    for (timeout, frequency, want) in cases {
        let job = job_of(&coordinator(
            &format!("<timeout>{timeout}</timeout>"),
            frequency,
        ));
        assert_eq!(job.controls.timeout, want, "{timeout}");
    }
    let defaults = job_of(&coordinator("", "${coord:days(1)}")).controls;
    assert_eq!(
        (
            defaults.timeout,
            defaults.concurrency,
            defaults.execution,
            defaults.throttle
        ),
        (120, 1, Execution::Fifo, 12)
    );
    let c = job_of(&coordinator(
        "<concurrency>-1</concurrency><execution>LAST_ONLY</execution><throttle>0</throttle>",
        "${coord:days(1)}",
    ))
    .controls;
    assert_eq!(
        (c.concurrency, c.execution, c.throttle),
        (-1, Execution::LastOnly, 500)
    );
    let xml = coordinator("<execution>last_only</execution>", "${coord:days(1)}");
    let co = from_coordinator_xml(&xml, &|_| None).unwrap().coordinator;
    let e = resolve(&co, &[], &BTreeMap::new(), "u").unwrap_err();
    assert_eq!(e.code, "E1003", "{e}");
}

#[test]
fn v23_current_basic_and_range() {
    let d = fixture();
    assert_eq!(
        currents(&d, "2009-09-09T23:59Z", &[-1]),
        ["2009-09-08T23:59Z"]
    );
    assert_eq!(
        f(d.current_range(t("2009-09-09T23:59Z"), -1, 0)),
        ["2009-09-09T23:59Z", "2009-09-08T23:59Z"]
    );
    assert_eq!(
        f(d.current_range(t("2009-09-01T23:59Z"), -1, 0)),
        ["2009-09-01T23:59Z"]
    );
}

#[test]
fn v24_current_with_dst_between_initial_and_nominal() {
    let d = ds(1, Unit::Day, None, LA, "2009-01-02T00:00Z");
    assert_eq!(
        currents(&d, "2009-05-30T00:45Z", &[0, 1, -1, -3]),
        [
            "2009-05-29T23:00Z",
            "2009-05-30T23:00Z",
            "2009-05-28T23:00Z",
            "2009-05-26T23:00Z"
        ]
    );
}

#[test]
fn v25_thirty_minute_dataset() {
    let d = ds(30, Unit::Minute, None, LA, "2009-01-08T00:00Z");
    assert_eq!(
        currents(&d, "2009-05-30T00:45Z", &[0, 1, -1, -3]),
        [
            "2009-05-30T00:30Z",
            "2009-05-30T01:00Z",
            "2009-05-30T00:00Z",
            "2009-05-29T23:00Z"
        ]
    );
}

#[test]
fn v26_nominal_on_an_instance_and_weekly() {
    let d = ds(1, Unit::Day, None, "UTC", "2009-01-02T00:00Z");
    assert_eq!(
        currents(&d, "2009-05-30T00:00Z", &[0, 1, -1, -3]),
        [
            "2009-05-30T00:00Z",
            "2009-05-31T00:00Z",
            "2009-05-29T00:00Z",
            "2009-05-27T00:00Z"
        ]
    );
    let w = ds(7, Unit::Day, None, "UTC", "2009-01-08T00:00Z");
    assert_eq!(
        currents(&w, "2009-05-30T00:00Z", &[0, 1, -1, -3]),
        [
            "2009-05-28T00:00Z",
            "2009-06-04T00:00Z",
            "2009-05-21T00:00Z",
            "2009-05-07T00:00Z"
        ]
    );
}

#[test]
fn v27_spring_and_fall_for_a_daily_la_dataset() {
    let d = ds(1, Unit::Day, None, LA, "2009-03-06T10:00Z");
    assert_eq!(
        currents(&d, "2009-03-08T10:45Z", &[-2, -1, 0, 1, 2]),
        [
            "2009-03-06T10:00Z",
            "2009-03-07T10:00Z",
            "2009-03-08T09:00Z",
            "2009-03-09T09:00Z",
            "2009-03-10T09:00Z"
        ]
    );
    let d = ds(1, Unit::Day, None, LA, "2009-10-30T08:00Z");
    assert_eq!(
        currents(&d, "2009-11-01T08:00Z", &[-2, -1, 0, 1, 2]),
        [
            "2009-10-30T08:00Z",
            "2009-10-31T08:00Z",
            "2009-11-01T08:00Z",
            "2009-11-02T09:00Z",
            "2009-11-03T09:00Z"
        ]
    );
}

#[test]
fn v28_end_of_day_datasets() {
    let rows = [
        (
            1,
            "UTC",
            "2009-01-02T09:00Z",
            "2009-05-30T12:00Z",
            "2009-05-30T00:00Z",
            "2009-05-31T00:00Z",
        ),
        (1, "UTC", "2009-01-01T08:00Z", "2009-01-01T08:00Z", "", ""),
        (1, LA, "2009-01-01T08:00Z", "2009-01-01T08:00Z", "", ""),
        (
            1,
            LA,
            "2009-01-01T07:01Z",
            "2009-01-01T08:01Z",
            "2009-01-01T08:00Z",
            "2009-01-02T08:00Z",
        ),
        (
            1,
            LA,
            "2009-01-01T07:00Z",
            "2009-01-01T18:00Z",
            "2009-01-01T08:00Z",
            "2009-01-02T08:00Z",
        ),
        (
            1,
            LA,
            "2009-03-07T07:00Z",
            "2009-03-07T09:00Z",
            "2009-03-07T08:00Z",
            "2009-03-08T08:00Z",
        ),
        (
            1,
            LA,
            "2009-03-08T07:00Z",
            "2009-03-08T08:00Z",
            "2009-03-08T08:00Z",
            "2009-03-09T07:00Z",
        ),
        (
            1,
            LA,
            "2009-03-09T07:00Z",
            "2009-03-10T08:01Z",
            "2009-03-10T07:00Z",
            "2009-03-11T07:00Z",
        ),
        (
            2,
            LA,
            "2009-03-09T07:00Z",
            "2009-03-10T07:00Z",
            "2009-03-10T07:00Z",
            "2009-03-12T07:00Z",
        ),
    ];
    for (n, zone, initial, nominal, c0, c1) in rows {
        let d = ds(n, Unit::Day, Some(EndOf::Day), zone, initial);
        assert_eq!(
            currents(&d, nominal, &[0, 1]),
            [c0, c1],
            "{zone} {initial} {nominal}"
        );
    }
}

#[test]
fn v29_end_of_month_and_yearly_datasets() {
    let rows = [
        (
            1,
            "UTC",
            "2009-01-01T00:00Z",
            "2009-02-01T00:00Z",
            "2009-02-01T00:00Z",
            "2009-03-01T00:00Z",
        ),
        (
            1,
            "UTC",
            "2009-01-01T08:00Z",
            "2009-02-01T08:00Z",
            "2009-02-01T00:00Z",
            "2009-03-01T00:00Z",
        ),
        (
            1,
            "UTC",
            "2009-01-31T08:00Z",
            "2009-02-01T08:00Z",
            "2009-02-01T00:00Z",
            "2009-03-01T00:00Z",
        ),
        (
            1,
            LA,
            "2009-01-01T08:00Z",
            "2009-02-01T08:00Z",
            "2009-02-01T08:00Z",
            "2009-03-01T08:00Z",
        ),
        (
            1,
            LA,
            "2009-02-02T08:00Z",
            "2009-03-02T08:00Z",
            "2009-03-01T08:00Z",
            "2009-04-01T07:00Z",
        ),
        (
            1,
            LA,
            "2009-02-01T08:00Z",
            "2009-03-01T08:00Z",
            "2009-03-01T08:00Z",
            "2009-04-01T07:00Z",
        ),
        (
            3,
            LA,
            "2009-02-01T08:00Z",
            "2009-03-01T08:00Z",
            "2009-03-01T08:00Z",
            "2009-06-01T07:00Z",
        ),
        (
            1,
            "UTC",
            "2010-01-01T00:00Z",
            "2016-10-31T00:55Z",
            "2016-10-01T00:00Z",
            "2016-11-01T00:00Z",
        ),
    ];
    for (n, zone, initial, nominal, c0, c1) in rows {
        let d = ds(n, Unit::Month, Some(EndOf::Month), zone, initial);
        assert_eq!(
            currents(&d, nominal, &[0, 1]),
            [c0, c1],
            "{zone} {initial} {nominal}"
        );
    }
    let d = ds(
        1,
        Unit::Month,
        Some(EndOf::Month),
        "UTC",
        "2010-01-01T00:00Z",
    );
    assert_eq!(
        currents(&d, "2016-10-31T00:55Z", &[-1]),
        ["2016-09-01T00:00Z"]
    );
    let y = ds(1, Unit::Year, None, "UTC", "1963-01-01T00:00Z");
    assert_eq!(
        currents(&y, "2016-10-31T00:55Z", &[0, 1, -1]),
        [
            "2016-01-01T00:00Z",
            "2017-01-01T00:00Z",
            "2015-01-01T00:00Z"
        ]
    );
}

fn offsets(d: &Dataset, nominal: &str, cases: &[(i64, Unit)]) -> Vec<String> {
    cases
        .iter()
        .map(|(n, u)| {
            d.offset(t(nominal), *n, *u)
                .map(format_oozie_time)
                .unwrap_or_default()
        })
        .collect()
}

#[test]
fn v30_offset_with_rewind() {
    use Unit::*;
    let d = fixture();
    let n = "2009-09-09T23:59Z";
    assert_eq!(
        offsets(
            &d,
            n,
            &[
                (-1440, Minute),
                (-24, Hour),
                (-1, Day),
                (1, Month),
                (1, Year),
                (-10, Day)
            ]
        ),
        [
            "2009-09-08T23:59Z",
            "2009-09-08T23:59Z",
            "2009-09-08T23:59Z",
            "2009-10-09T23:59Z",
            "2010-09-09T23:59Z",
            ""
        ]
    );
    let yearly = ds(1, Year, None, LA, "2010-01-02T00:01Z");
    let n = "2015-01-02T00:45Z";
    let want = [
        "2015-01-02T00:01Z",
        "2016-01-02T00:01Z",
        "2014-01-02T00:01Z",
        "2012-01-02T00:01Z",
    ];
    assert_eq!(
        offsets(&yearly, n, &[(0, Year), (1, Year), (-1, Year), (-3, Year)]),
        want
    );
    assert_eq!(
        offsets(
            &yearly,
            n,
            &[(0, Month), (12, Month), (-12, Month), (-36, Month)]
        ),
        want
    );
    assert_eq!(
        offsets(
            &yearly,
            n,
            &[(0, Day), (365, Day), (-365, Day), (-1096, Day)]
        ),
        want
    );
    assert_eq!(
        offsets(
            &yearly,
            n,
            &[(0, Hour), (8760, Hour), (-8760, Hour), (-26304, Hour)]
        ),
        want
    );
    assert_eq!(
        offsets(
            &yearly,
            n,
            &[
                (0, Minute),
                (525_600, Minute),
                (-525_600, Minute),
                (-1_578_240, Minute)
            ]
        ),
        want
    );
    let minutely = ds(1, Minute, None, LA, "2010-01-02T00:01Z");
    let rows: [(Unit, [&str; 4]); 5] = [
        (
            Minute,
            [
                "2015-01-02T00:45Z",
                "2015-01-02T00:46Z",
                "2015-01-02T00:44Z",
                "2015-01-02T00:42Z",
            ],
        ),
        (
            Hour,
            [
                "2015-01-02T00:45Z",
                "2015-01-02T01:45Z",
                "2015-01-01T23:45Z",
                "2015-01-01T21:45Z",
            ],
        ),
        (
            Day,
            [
                "2015-01-02T00:45Z",
                "2015-01-03T00:45Z",
                "2015-01-01T00:45Z",
                "2014-12-30T00:45Z",
            ],
        ),
        (
            Month,
            [
                "2015-01-02T00:45Z",
                "2015-02-02T00:45Z",
                "2014-12-02T00:45Z",
                "2014-10-01T23:45Z",
            ],
        ),
        (
            Year,
            [
                "2015-01-02T00:45Z",
                "2016-01-02T00:45Z",
                "2014-01-02T00:45Z",
                "2012-01-02T00:45Z",
            ],
        ),
    ];
    for (unit, want) in rows {
        assert_eq!(
            offsets(
                &minutely,
                n,
                &[(0, unit), (1, unit), (-1, unit), (-3, unit)]
            ),
            want,
            "{unit:?}"
        );
    }
    let four_hours = ds(4, Hour, None, LA, "2010-01-02T00:01Z");
    assert_eq!(
        offsets(
            &four_hours,
            n,
            &[
                (5, Minute),
                (1, Hour),
                (7, Hour),
                (-2, Hour),
                (-43825, Hour)
            ]
        ),
        [
            "2015-01-02T00:01Z",
            "2015-01-02T00:01Z",
            "2015-01-02T04:01Z",
            "2015-01-01T20:01Z",
            ""
        ]
    );
}

#[test]
fn v30_spec_offsets_and_currents_for_daily_and_weekly_datasets() {
    use Unit::*;
    // `…T24:00Z` in the spec is 00:00Z of the next day.
    let logs = ds(1, Day, None, "UTC", "2009-01-02T00:00Z");
    let weekly = ds(7, Day, None, "UTC", "2009-01-08T00:00Z");
    let n = "2009-05-30T00:00Z";
    let cases = [
        (0, Day),
        (1, Day),
        (-1, Day),
        (-3, Day),
        (8, Day),
        (10, Minute),
    ];
    assert_eq!(
        offsets(&logs, n, &cases),
        [
            "2009-05-30T00:00Z",
            "2009-05-31T00:00Z",
            "2009-05-29T00:00Z",
            "2009-05-27T00:00Z",
            "2009-06-07T00:00Z",
            "2009-05-30T00:00Z"
        ]
    );
    assert_eq!(
        offsets(&weekly, n, &cases),
        [
            "2009-05-28T00:00Z",
            "2009-05-28T00:00Z",
            "2009-05-21T00:00Z",
            "2009-05-21T00:00Z",
            "2009-06-04T00:00Z",
            "2009-05-28T00:00Z"
        ]
    );
    assert_eq!(
        currents(&logs, n, &[0, 1, -1, -3]),
        [
            "2009-05-30T00:00Z",
            "2009-05-31T00:00Z",
            "2009-05-29T00:00Z",
            "2009-05-27T00:00Z"
        ]
    );
    assert_eq!(
        currents(&weekly, n, &[0, 1, -1, -3]),
        [
            "2009-05-28T00:00Z",
            "2009-06-04T00:00Z",
            "2009-05-21T00:00Z",
            "2009-05-07T00:00Z"
        ]
    );
}

fn with_template(mut d: Dataset, template: &str) -> Dataset {
    d.uri_template = template.into();
    d
}

#[test]
fn v31_offset_ranges_expand_newest_first() {
    let template = "hdfs:///tmp/workflows/${YEAR}/${MONTH}/${DAY}/${HOUR};region=us";
    let daily = with_template(ds(1, Unit::Day, None, "UTC", "2009-08-06T01:00Z"), template);
    let uris: Vec<String> = daily
        .offset_range(t("2009-08-20T10:00Z"), (-4, Unit::Day), (0, Unit::Day))
        .unwrap()
        .into_iter()
        .map(|i| daily.uri(i))
        .collect();
    let want: Vec<String> = ["20/01", "19/01", "18/01", "17/01", "16/01"]
        .iter()
        .map(|d| format!("hdfs:///tmp/workflows/2009/08/{d};region=us"))
        .collect();
    assert_eq!(uris, want);
    let hourly = with_template(
        ds(60, Unit::Minute, None, "UTC", "2009-08-06T01:00Z"),
        template,
    );
    let uris: Vec<String> = hourly
        .offset_range(t("2009-08-20T01:00Z"), (-4, Unit::Hour), (0, Unit::Hour))
        .unwrap()
        .into_iter()
        .map(|i| hourly.uri(i))
        .collect();
    let want: Vec<String> = ["20/01", "20/00", "19/23", "19/22", "19/21"]
        .iter()
        .map(|d| format!("hdfs:///tmp/workflows/2009/08/{d};region=us"))
        .collect();
    assert_eq!(uris, want);
}

#[test]
fn v32_absolute_ranges() {
    let w = with_template(
        ds(7, Unit::Day, None, "UTC", "2009-08-06T01:00Z"),
        "hdfs:///tmp/workflows/${YEAR}/${MONTH}/${DAY};region=us",
    );
    let uris = |nominal: &str, start: &str, end: i64| -> Result<Vec<String>, String> {
        w.absolute_range(t(nominal), t(start), end)
            .map(|v| {
                v.into_iter()
                    .map(|i| w.uri(i).replace("hdfs:///tmp/workflows/", ""))
                    .collect()
            })
            .map_err(|e| e.to_string())
    };
    let r = |v: &[&str]| -> Vec<String> { v.iter().map(|d| format!("{d};region=us")).collect() };
    assert_eq!(
        uris("2009-08-20T01:00Z", "2009-08-20T01:00Z", 2).unwrap(),
        r(&["2009/09/03", "2009/08/27", "2009/08/20"])
    );
    assert_eq!(
        uris("2009-09-10T01:00Z", "2009-08-20T01:00Z", 2).unwrap(),
        r(&[
            "2009/09/24",
            "2009/09/17",
            "2009/09/10",
            "2009/09/03",
            "2009/08/27",
            "2009/08/20"
        ])
    );
    assert_eq!(
        uris("2009-08-14T01:00Z", "2009-08-20T01:00Z", 2).unwrap(),
        r(&["2009/08/27", "2009/08/20"])
    );
    let e = uris("2009-08-06T01:00Z", "2009-08-27T01:00Z", 2).unwrap_err();
    assert!(
        e.contains("start-instance should be equal or earlier than the end-instance"),
        "{e}"
    );
    let e = uris("2009-08-20T01:00Z", "2009-07-01T01:00Z", 2).unwrap_err();
    assert!(
        e.contains("initial-instance should be equal or earlier than the start-instance"),
        "{e}"
    );
    let e = uris("2009-08-20T01:00Z", "2009-08-21T01:00Z", 2).unwrap_err();
    assert!(e.contains("not in phase"), "{e}");

    let la = ds(7, Unit::Day, None, LA, "2009-08-20T01:00Z");
    let n = t("2009-08-20T01:00Z");
    assert_eq!(
        f(la.absolute_range(n, n, 0).unwrap()),
        ["2009-08-20T01:00Z"]
    );
    assert_eq!(
        f(la.absolute_range(n, n, 1).unwrap()),
        ["2009-08-27T01:00Z", "2009-08-20T01:00Z"]
    );
    assert!(la.absolute_range(n, n, -1).is_err());
}

#[test]
fn v32_range_pairing_rules_are_e1010_at_submit() {
    let xml = |start: &str, end: &str| {
        format!(
            r#"<coordinator-app xmlns="uri:oozie:coordinator:0.5" name="c" frequency="${{coord:days(7)}}"
                start="2009-08-20T01:00Z" end="2009-09-20T01:00Z" timezone="UTC">
                <datasets><dataset name="w" frequency="${{coord:days(7)}}" initial-instance="2009-08-06T01:00Z" timezone="UTC">
                    <uri-template>hdfs:///w/${{YEAR}}</uri-template></dataset></datasets>
                <input-events><data-in name="i" dataset="w">
                    <start-instance>{start}</start-instance><end-instance>{end}</end-instance></data-in></input-events>
                <action><workflow><app-path>hdfs:///wf</app-path></workflow></action>
            </coordinator-app>"#
        )
    };
    let err = |s: &str, e: &str| {
        let c = from_coordinator_xml(&xml(s, e), &|_| None)
            .unwrap()
            .coordinator;
        resolve(&c, &[], &BTreeMap::new(), "u").unwrap_err()
    };
    let e = err(
        "${coord:absolute('2009-08-20T01:00Z')}",
        "${coord:latest(2)}",
    );
    assert_eq!(e.code, "E1010", "{e}");
    assert!(e.message.contains("Only start-instance as absolute/endOfMonths/endOfWeeks/endOfDays and end-instance as current is supported."));
    let e = err("${coord:current(0)}", "${coord:latest(0)}");
    assert!(
        e.message
            .contains("both should be either latest or current or future or offset"),
        "{e}"
    );
    let e = err("${coord:current(1)}", "${coord:current(0)}");
    assert!(
        e.message
            .contains("start-instance should be equal or earlier than the end-instance"),
        "{e}"
    );
    let e = err(
        "${coord:current(0)},${coord:current(1)}",
        "${coord:current(0)}",
    );
    assert_eq!(e.code, "E1021", "{e}");
    let e = err("", "${coord:current(0)}");
    assert_eq!(e.code, "E1021", "{e}");
    let e = err("${coord:offset(1, 'blah')}", "${coord:offset(0, 'DAY')}");
    assert!(e.message.contains("Unable to evaluate"), "{e}");
}

#[test]
fn v33_end_of_periods_as_start_instance() {
    let daily = with_template(
        ds(1, Unit::Day, None, "UTC", "2009-06-06T00:00Z"),
        "hdfs:///tmp/workflows/${YEAR}/${MONTH}/${DAY};region=us",
    );
    let n = t("2009-08-20T01:00Z");
    let got = f(daily.end_of_range(n, EndOf::Month, -1, 0).unwrap());
    assert_eq!(got.len(), 20);
    assert_eq!(
        (got[0].as_str(), got[19].as_str()),
        ("2009-08-20T00:00Z", "2009-08-01T00:00Z")
    );
    let got = f(daily.end_of_range(n, EndOf::Month, -2, 0).unwrap());
    assert_eq!(got.last().unwrap(), "2009-07-01T00:00Z");
    let e = daily
        .end_of_range(t("2009-08-06T01:00Z"), EndOf::Month, 1, 0)
        .unwrap_err();
    assert!(
        e.0.contains("start-instance should be equal or earlier"),
        "{e}"
    );
    let e = daily.end_of_range(n, EndOf::Month, -3, 0).unwrap_err();
    assert!(
        e.0.contains("initial-instance should be equal or earlier than the start-instance"),
        "{e}"
    );

    let half_hourly = ds(30, Unit::Minute, None, "UTC", "2009-06-06T01:00Z");
    let got = f(half_hourly
        .end_of_range(t("2009-08-20T18:00Z"), EndOf::Day, -1, 0)
        .unwrap());
    assert_eq!(got.len(), 37);
    assert_eq!(
        (got[0].as_str(), got[36].as_str()),
        ("2009-08-20T18:00Z", "2009-08-20T00:00Z")
    );
    let got = f(half_hourly
        .end_of_range(t("2009-08-20T18:00Z"), EndOf::Day, -2, 0)
        .unwrap());
    assert_eq!(got.last().unwrap(), "2009-08-19T00:00Z");

    let got = f(daily.end_of_range(n, EndOf::Week, -1, 0).unwrap());
    assert_eq!(
        got,
        [
            "2009-08-20T00:00Z",
            "2009-08-19T00:00Z",
            "2009-08-18T00:00Z",
            "2009-08-17T00:00Z",
            "2009-08-16T00:00Z"
        ]
    );

    // Spec examples: the start instance each gives (the last of the range).
    let spec = ds(1, Unit::Day, None, "UTC", "2009-01-01T00:00Z");
    let start = |nominal: &str, p: EndOf, k: i64| {
        f(spec.end_of_range(t(nominal), p, k, 0).unwrap())
            .pop()
            .unwrap()
    };
    let m = "2009-05-29T00:00Z";
    assert_eq!(start(m, EndOf::Month, -1), "2009-05-01T00:00Z");
    assert_eq!(start(m, EndOf::Month, -2), "2009-04-01T00:00Z");
    assert_eq!(start(m, EndOf::Month, -3), "2009-03-01T00:00Z");
    assert_eq!(start(m, EndOf::Week, -1), "2009-05-24T00:00Z");
    assert_eq!(start(m, EndOf::Week, -2), "2009-05-17T00:00Z");
    assert_eq!(start(m, EndOf::Week, -4), "2009-05-03T00:00Z");
    let d = "2009-05-25T23:00Z";
    assert_eq!(start(d, EndOf::Day, -1), "2009-05-25T00:00Z");
    assert_eq!(start(d, EndOf::Day, -2), "2009-05-24T00:00Z");
    assert_eq!(start(d, EndOf::Day, -4), "2009-05-22T00:00Z");
    // endOfMonths(0) and the like start after the nominal time: an empty range is E1010.
    assert!(spec.end_of_range(t(m), EndOf::Month, 0, 0).is_err());
}

#[test]
fn v34_hours_in_day_and_days_in_month() {
    let daily = |zone: &str, end: Option<EndOf>| ds(1, Unit::Day, end, zone, "2009-01-01T00:00Z");
    assert_eq!(
        daily("UTC", None).hours_in_day(t("2009-01-01T08:00Z"), 0),
        24
    );
    assert_eq!(daily(LA, None).hours_in_day(t("2009-01-01T08:00Z"), 0), 24);
    assert_eq!(daily(LA, None).hours_in_day(t("2009-01-03T08:00Z"), -2), 24);
    assert_eq!(
        daily("UTC", None).hours_in_day(t("2009-03-08T08:00Z"), 0),
        24
    );
    assert_eq!(
        daily("Europe/London", None).hours_in_day(t("2009-03-08T08:00Z"), 0),
        24
    );
    assert_eq!(daily(LA, None).hours_in_day(t("2009-03-08T08:00Z"), 0), 23);
    assert_eq!(daily(LA, None).hours_in_day(t("2009-03-08T08:00Z"), 1), 24);
    assert_eq!(daily(LA, None).hours_in_day(t("2009-11-01T08:00Z"), 0), 25);
    let eod = daily(LA, Some(EndOf::Day));
    let n = t("2009-03-08T08:00Z");
    assert_eq!(
        [
            eod.hours_in_day(n, 0),
            eod.hours_in_day(n, 1),
            eod.hours_in_day(n, -1)
        ],
        [23, 24, 24]
    );

    let monthly = |zone: &str, end| ds(1, Unit::Month, end, zone, "2009-01-01T00:00Z");
    let n = t("2009-02-01T11:00Z");
    for end in [None, Some(EndOf::Month)] {
        let m = monthly("UTC", end);
        let got: Vec<i64> = [0, -1, 2, -3, 3]
            .iter()
            .map(|k| m.days_in_month(n, *k))
            .collect();
        assert_eq!(got, [28, 31, 30, 30, 31], "{end:?}");
        assert_eq!(monthly(LA, end).days_in_month(n, 0), 28);
    }
    let leap = ds(1, Unit::Month, None, "UTC", "2008-01-01T00:00Z");
    assert_eq!(leap.days_in_month(t("2008-02-01T00:00Z"), 0), 29);
    assert_eq!(
        monthly("UTC", None).days_in_month(t("2009-03-01T00:00Z"), 1),
        30
    );
}

#[test]
fn v35_tz_offset() {
    let la = ds(1, Unit::Day, None, LA, "2009-01-01T00:00Z");
    assert_eq!(
        la.tz_offset(&Zone::parse(LA).unwrap(), t("2012-06-13T00:00Z")),
        0
    );
    assert_eq!(la.tz_offset(&Zone::UTC, t("2012-06-13T00:00Z")), -420);
    assert_eq!(la.tz_offset(&Zone::UTC, t("2012-12-13T00:00Z")), -480);
}

#[test]
fn v36_latest_and_future_depend_on_what_exists() {
    let d = fixture();
    let have =
        |days: &'static [&'static str]| move |uri: &str| days.iter().any(|day| uri.ends_with(day));
    let exists = have(&["2009/09/10", "2009/09/09", "2009/09/08"]);
    let actual = t("2009-09-10T23:59Z");
    let latest = |n| d.latest(actual, n, &exists).map(format_oozie_time);
    assert_eq!(latest(0).as_deref(), Some("2009-09-10T23:59Z"));
    assert_eq!(latest(-1).as_deref(), Some("2009-09-09T23:59Z"));
    assert_eq!(latest(-2).as_deref(), Some("2009-09-08T23:59Z"));
    assert_eq!(latest(-100), None);

    let exists = have(&["2009/09/10", "2009/09/11"]);
    let nominal = t("2009-09-09T23:59Z");
    assert_eq!(
        d.future(nominal, 1, 20, &exists)
            .map(format_oozie_time)
            .as_deref(),
        Some("2009-09-11T23:59Z")
    );
    assert_eq!(d.future(nominal, 4, 20, &exists), None);

    // Gaps are skipped: available 01, 02, 03, 05, 07, 10.
    let daily = ds(1, Unit::Day, None, "UTC", "2009-01-01T00:00Z");
    let exists = have(&[
        "2009/01/01",
        "2009/01/02",
        "2009/01/03",
        "2009/01/05",
        "2009/01/07",
        "2009/01/10",
    ]);
    let a = t("2009-01-10T00:00Z");
    assert_eq!(f(daily.latest(a, -2, &exists)), ["2009-01-05T00:00Z"]);
    assert_eq!(f(daily.latest(a, 0, &exists)), ["2009-01-10T00:00Z"]);
}

#[test]
fn v36_latest_and_future_stay_unresolved_in_a_preview() {
    let xml = r#"<coordinator-app xmlns="uri:oozie:coordinator:0.5" name="c" frequency="${coord:days(1)}"
        start="2009-09-09T23:59Z" end="2009-09-11T23:59Z" timezone="UTC">
        <datasets><dataset name="d" frequency="${coord:days(1)}" initial-instance="2009-09-01T23:59Z" timezone="UTC">
            <uri-template>hdfs:///d/${YEAR}/${MONTH}/${DAY}</uri-template></dataset></datasets>
        <input-events>
            <data-in name="l" dataset="d"><instance>${coord:latest(-1)}</instance></data-in>
            <data-in name="f" dataset="d"><instance>${coord:future(1, 20)}</instance></data-in>
        </input-events>
        <action><workflow><app-path>hdfs:///wf</app-path><configuration>
            <property><name>in</name><value>${coord:dataIn('l')}</value></property>
        </configuration></workflow></action>
    </coordinator-app>"#;
    let a = &job_of(xml).preview(1, "j").unwrap()[0];
    assert_eq!(a.inputs["l"], ["${coord:latest(-1)}"]);
    assert_eq!(a.inputs["f"], ["${coord:future(1, 20)}"]);
    assert_eq!(a.configuration["in"], "${coord:dataIn('l')}");
}

#[test]
fn v37_uri_templates() {
    let d = with_template(
        ds(1440, Unit::Minute, None, "UTC", "2009-01-01T00:00Z"),
        "x",
    );
    assert_eq!(
        currents(&d, "2009-09-08T01:00Z", &[0]),
        ["2009-09-08T00:00Z"]
    );
    // A daily LA dataset: the URI digits are the UTC instant.
    let logs = with_template(
        ds(1, Unit::Day, None, LA, "2009-02-15T08:15Z"),
        "hdfs://foo:8020/app/logs/${market}/${YEAR}${MONTH}/${DAY}/data",
    );
    let uris: Vec<String> = logs
        .current_range(t("2009-02-16T08:15Z"), -1, 0)
        .into_iter()
        .map(|i| logs.uri(i))
        .collect();
    assert_eq!(
        uris,
        [
            "hdfs://foo:8020/app/logs/${market}/200902/16/data",
            "hdfs://foo:8020/app/logs/${market}/200902/15/data"
        ]
    );
    let stats = with_template(
        ds(3, Unit::Month, None, LA, "2009-01-31T20:00Z"),
        "…/${YEAR}/${MONTH}/data",
    );
    let uris: Vec<String> = stats
        .current_range(t("2009-07-31T20:00Z"), -2, 0)
        .into_iter()
        .map(|i| stats.uri(i))
        .collect();
    assert_eq!(uris, ["…/2009/07/data", "…/2009/04/data", "…/2009/01/data"]);
    let fine = with_template(
        ds(1, Unit::Day, None, LA, "2009-01-01T10:30Z"),
        "…/${YEAR}/${MONTH}/${DAY}/${HOUR}/${MINUTE}/data",
    );
    let uris: Vec<String> = fine
        .current_range(t("2009-01-03T10:30Z"), -2, 0)
        .into_iter()
        .rev()
        .map(|i| fine.uri(i))
        .collect();
    assert_eq!(
        uris,
        [
            "…/2009/01/01/10/30/data",
            "…/2009/01/02/10/30/data",
            "…/2009/01/03/10/30/data"
        ]
    );
}

#[test]
fn v38_initial_instance_with_date_offset() {
    let xml = r#"<coordinator-app xmlns="uri:oozie:coordinator:0.5" name="c" frequency="${coord:days(1)}"
        start="2009-02-03T00:00Z" end="2009-02-04T00:00Z" timezone="UTC">
        <datasets>
            <dataset name="a" frequency="${coord:days(1)}" initial-instance="${coord:dateOffset(startDate,-2,'DAY')}" timezone="UTC">
                <uri-template>file:///tmp/coord/a/${YEAR}/${DAY}</uri-template></dataset>
            <dataset name="b" frequency="${coord:days(1)}" initial-instance="${coord:dateTzOffset(startDate,'UTC')}" timezone="UTC">
                <uri-template>file:///tmp/coord/b/${YEAR}/${DAY}</uri-template></dataset>
        </datasets>
        <action><workflow><app-path>hdfs:///wf</app-path></workflow></action>
    </coordinator-app>"#;
    let c = from_coordinator_xml(xml, &|_| None).unwrap().coordinator;
    let props = BTreeMap::from([("startDate".to_owned(), "2009-02-03T00:00Z".to_owned())]);
    let job = resolve(&c, &[], &props, "u").unwrap();
    assert_eq!(
        format_oozie_time(job.datasets["a"].initial_instance),
        "2009-02-01T00:00Z"
    );
    assert_eq!(
        format_oozie_time(job.datasets["b"].initial_instance),
        "2009-02-03T00:00Z"
    );
}

/// A coordinator whose action configuration holds `exprs`, materialized for one slot.
fn action_config(exprs: &[&str], nominal: &str, actual: &str) -> Vec<String> {
    let props: String = exprs
        .iter()
        .enumerate()
        .map(|(i, e)| format!("<property><name>p{i}</name><value>{e}</value></property>"))
        .collect();
    let xml = format!(
        r#"<coordinator-app xmlns="uri:oozie:coordinator:0.5" name="mycoordinator-app" frequency="${{coord:days(1)}}"
            start="2009-01-01T00:00Z" end="2010-01-01T00:00Z" timezone="UTC">
            <datasets><dataset name="US" frequency="${{coord:days(1)}}" initial-instance="2009-01-01T00:00Z" timezone="UTC">
                <uri-template>file:///tmp/coord/US/${{YEAR}}/${{MONTH}}/${{DAY}}</uri-template></dataset></datasets>
            <input-events><data-in name="ABC" dataset="US">
                <start-instance>${{coord:current(-1)}}</start-instance><end-instance>${{coord:current(0)}}</end-instance>
            </data-in></input-events>
            <output-events><data-out name="OUT" dataset="US"><instance>${{coord:current(0)}}</instance></data-out></output-events>
            <action><workflow><app-path>hdfs:///wf</app-path><configuration>{props}</configuration></workflow></action>
        </coordinator-app>"#
    );
    let c = from_coordinator_xml(&xml, &|_| None).unwrap().coordinator;
    let props = BTreeMap::from([("my.test.variable".to_owned(), "test".to_owned())]);
    let job = resolve(&c, &[], &props, "test_user").unwrap();
    let action = job
        .materialize(&Slot::at(1, t(nominal)), t(actual), "00000-oozie-C")
        .unwrap();
    (0..exprs.len())
        .map(|i| action.configuration[&format!("p{i}")].clone())
        .collect()
}

#[test]
fn v39_date_offset() {
    let got = action_config(
        &[
            "${coord:dateOffset('2009-09-08T23:59Z', 2, 'DAY')}",
            "${coord:dateOffset('2009-09-08T23:59Z', -1, 'DAY')}",
            "${coord:dateOffset('2009-09-08T23:59Z', 1, 'YEAR')}",
            "${coord:dateOffset('2009-01-01T00:00Z', 2, 'MONTH')}",
            "${coord:dateOffset(coord:nominalTime(), 1, 'DAY')}",
            "${coord:dateOffset(coord:nominalTime(), -1, 'DAY')}",
        ],
        "2009-01-01T23:00Z",
        "2009-01-01T23:00Z",
    );
    assert_eq!(
        got,
        [
            "2009-09-10T23:59Z",
            "2009-09-07T23:59Z",
            "2010-09-08T23:59Z",
            "2009-03-01T00:00Z",
            "2009-01-02T23:00Z",
            "2008-12-31T23:00Z"
        ]
    );
}

#[test]
fn v40_date_tz_offset_prints_local_time_with_z() {
    let got = action_config(
        &[
            "${coord:dateTzOffset('2012-06-13T00:00Z', 'America/Los_Angeles')}",
            "${coord:dateTzOffset('2012-06-13T00:00Z', 'PST')}",
            "${coord:dateTzOffset('2012-12-13T00:00Z', 'America/Los_Angeles')}",
            "${coord:dateTzOffset('2012-12-13T00:00Z', 'PST')}",
        ],
        "2009-01-01T00:00Z",
        "2009-01-01T00:00Z",
    );
    assert_eq!(
        got,
        [
            "2012-06-12T17:00Z",
            "2012-06-12T17:00Z",
            "2012-12-12T16:00Z",
            "2012-12-12T16:00Z"
        ]
    );
}

#[test]
fn v41_v42_format_time_and_epoch_time() {
    let got = action_config(
        &[
            "${coord:formatTime('2009-09-08T23:59Z', 'yyyy')}",
            "${coord:formatTime('2009-09-08T23:59Z', 'yyyyMMdd_HHmmss')}",
            "${coord:formatTime('2009-01-01T00:00Z', 'yyyy')}",
            "${coord:epochTime('2009-09-08T23:59Z', 'false')}",
            "${coord:epochTime('2009-09-08T23:59Z', 'true')}",
            "${coord:epochTime('2009-01-01T00:00Z', 'false')}",
            "${coord:epochTime('2009-01-01T00:00Z', 'true')}",
        ],
        "2009-01-01T00:00Z",
        "2009-01-01T00:00Z",
    );
    assert_eq!(
        got,
        [
            "2009",
            "20090908_235900",
            "2009",
            "1252454340",
            "1252454340000",
            "1230768000",
            "1230768000000"
        ]
    );
}

#[test]
fn v43_action_functions() {
    let got = action_config(
        &[
            "${coord:nominalTime()}",
            "${coord:actualTime()}",
            "${coord:actionId()}",
            "${coord:name()}",
            "${coord:conf('my.test.variable')}",
            "${coord:user()}",
            "${coord:dataIn('ABC')}",
            "${coord:dataOut('OUT')}",
        ],
        "2009-01-31T00:00Z",
        "2009-09-10T23:59Z",
    );
    assert_eq!(
        got,
        [
            "2009-01-31T00:00Z",
            "2009-09-10T23:59Z",
            "00000-oozie-C@1",
            "mycoordinator-app",
            "test",
            "test_user",
            "file:///tmp/coord/US/2009/01/31,file:///tmp/coord/US/2009/01/30",
            "file:///tmp/coord/US/2009/01/31",
        ]
    );
}

#[test]
fn v43_unknown_data_names_are_refused_at_submit() {
    let xml = r#"<coordinator-app xmlns="uri:oozie:coordinator:0.5" name="c" frequency="${coord:days(1)}"
        start="2009-01-01T00:00Z" end="2009-01-02T00:00Z" timezone="UTC">
        <action><workflow><app-path>hdfs:///wf</app-path><configuration>
            <property><name>in</name><value>${coord:dataIn('nope')}</value></property>
        </configuration></workflow></action>
    </coordinator-app>"#;
    let c = from_coordinator_xml(xml, &|_| None).unwrap().coordinator;
    let e = resolve(&c, &[], &BTreeMap::new(), "u").unwrap_err();
    assert_eq!(e.code, "E1004");
    assert!(
        e.message.contains("coord:dataIn('nope') names no data-in"),
        "{e}"
    );
}

#[test]
fn v44_spec_end_to_end() {
    let xml = r#"<coordinator-app xmlns="uri:oozie:coordinator:0.5" name="hello-coord" frequency="${coord:days(1)}"
        start="2009-01-02T08:00Z" end="2009-12-31T00:00Z" timezone="America/Los_Angeles">
        <datasets>
            <dataset name="logs" frequency="${coord:days(1)}" initial-instance="2009-01-02T08:00Z" timezone="America/Los_Angeles">
                <uri-template>hdfs://bar:8020/app/logs/${YEAR}${MONTH}/${DAY}/data</uri-template></dataset>
            <dataset name="siteAccessStats" frequency="${coord:days(1)}" initial-instance="2009-01-02T08:00Z" timezone="America/Los_Angeles">
                <uri-template>hdfs://bar:8020/app/stats/${YEAR}/${MONTH}/${DAY}/data</uri-template></dataset>
        </datasets>
        <input-events><data-in name="input" dataset="logs"><instance>${coord:current(0)}</instance></data-in></input-events>
        <output-events><data-out name="output" dataset="siteAccessStats"><instance>${coord:current(0)}</instance></data-out></output-events>
        <action><workflow><app-path>hdfs://bar:8020/usr/joe/logsprocessor-wf</app-path><configuration>
            <property><name>wfInput</name><value>${coord:dataIn('input')}</value></property>
            <property><name>wfOutput</name><value>${coord:dataOut('output')}</value></property>
        </configuration></workflow></action>
    </coordinator-app>"#;
    let actions = job_of(xml).preview(2, "j").unwrap();
    let cfg = |i: usize, k: &str| actions[i].configuration[k].clone();
    assert_eq!(cfg(0, "wfInput"), "hdfs://bar:8020/app/logs/200901/02/data");
    assert_eq!(
        cfg(0, "wfOutput"),
        "hdfs://bar:8020/app/stats/2009/01/02/data"
    );
    assert_eq!(cfg(1, "wfInput"), "hdfs://bar:8020/app/logs/200901/03/data");
    assert_eq!(
        cfg(1, "wfOutput"),
        "hdfs://bar:8020/app/stats/2009/01/03/data"
    );
}

#[test]
fn v34_hours_in_day_inside_an_instance_follows_dst() {
    // The spec's idiom: all of a day's hourly instances, 23 on the day LA springs forward.
    let xml = r#"<coordinator-app xmlns="uri:oozie:coordinator:0.5" name="c" frequency="${coord:days(1)}"
        start="2009-03-07T08:00Z" end="2009-03-10T08:00Z" timezone="America/Los_Angeles">
        <datasets><dataset name="h" frequency="${coord:hours(1)}" initial-instance="2009-01-01T08:00Z" timezone="America/Los_Angeles">
            <uri-template>hdfs:///h/${YEAR}${MONTH}${DAY}${HOUR}</uri-template></dataset></datasets>
        <input-events><data-in name="day" dataset="h">
            <start-instance>${coord:current(-(coord:hoursInDay(0) - 1))}</start-instance>
            <end-instance>${coord:current(0)}</end-instance>
        </data-in></input-events>
        <action><workflow><app-path>hdfs:///wf</app-path></workflow></action>
    </coordinator-app>"#;
    let counts: Vec<usize> = job_of(xml)
        .preview(3, "j")
        .unwrap()
        .iter()
        .map(|a| a.inputs["day"].len())
        .collect();
    // Nominal 2009-03-07 00:00 PST (24 h), 03-08 00:00 PST (the 23-hour day), 03-09 (24 h).
    assert_eq!(counts, [24, 23, 24]);
}

#[test]
fn v31_offset_units_may_be_written_bare_as_oozie_tests_do() {
    // TCCU writes `coord:offset(-4,DAY)`: DAY is an EL constant, not a property.
    let xml = r#"<coordinator-app xmlns="uri:oozie:coordinator:0.5" name="c" frequency="${coord:days(1)}"
        start="2009-08-20T10:00Z" end="2009-08-21T10:00Z" timezone="UTC">
        <datasets><dataset name="d" frequency="${coord:days(1)}" initial-instance="2009-08-06T01:00Z" timezone="UTC">
            <uri-template>hdfs:///tmp/workflows/${YEAR}/${MONTH}/${DAY}/${HOUR};region=us</uri-template></dataset></datasets>
        <input-events><data-in name="i" dataset="d">
            <start-instance>${coord:offset(-4,DAY)}</start-instance><end-instance>${coord:offset(0,DAY)}</end-instance>
        </data-in></input-events>
        <action><workflow><app-path>hdfs:///wf</app-path></workflow></action>
    </coordinator-app>"#;
    let a = &job_of(xml).preview(1, "j").unwrap()[0];
    assert_eq!(a.inputs["i"].len(), 5);
    assert_eq!(
        a.inputs["i"][0],
        "hdfs:///tmp/workflows/2009/08/20/01;region=us"
    );
}
