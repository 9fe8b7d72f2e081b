//! ../shared/oozie/VECTORS.md §1–2: frequencies, submit-time checks and materialized
//! nominal times, each test named after its vector.

use chrono::{DateTime, Utc};
use shared::time::cron::Cron;
use shared::time::frequency::{Every, Frequency};
use shared::time::schedule::{Cursor, Schedule};
use shared::time::{EndOf, Unit, Zone, format_oozie_time, parse_oozie_time};

fn t(s: &str) -> DateTime<Utc> {
    parse_oozie_time(s).unwrap()
}

const LA: &str = "America/Los_Angeles";

fn every(n: i64, unit: Unit) -> Frequency {
    Frequency::Every(Every::new(n, unit))
}

fn end_of(n: i64, unit: Unit, end: EndOf) -> Frequency {
    Frequency::Every(Every {
        n,
        unit,
        end_of: Some(end),
    })
}

fn cron(c: &str) -> Frequency {
    Frequency::Cron(Cron::parse(c).unwrap())
}

fn schedule(freq: Frequency, start: &str, end: &str, zone: &str) -> Schedule {
    Schedule {
        start: t(start),
        end: t(end),
        zone: Zone::parse(zone).unwrap(),
        frequency: freq,
        pause: None,
    }
}

/// All nominal times, and the next materialization time Oozie reports.
fn run(s: &Schedule) -> (Vec<String>, Option<String>) {
    let (slots, cursor) = s.materialize(s.first_cursor(), s.end, usize::MAX);
    (
        slots.iter().map(|a| format_oozie_time(a.nominal)).collect(),
        cursor.next.map(format_oozie_time),
    )
}

fn nominals(s: &Schedule) -> Vec<String> {
    run(s).0
}

/// `2013-07-18T00:10Z`-style list from `HH:MM` suffixes on one day.
fn on(day: &str, times: &[&str]) -> Vec<String> {
    times.iter().map(|hm| format!("{day}T{hm}Z")).collect()
}

#[test]
fn v03_maximum_frequency_check() {
    let check = |f: Frequency, on: bool| {
        schedule(f, "2010-02-01T01:00Z", "2010-02-03T01:00Z", "UTC").check(on)
    };
    for ok in [
        every(5, Unit::Minute),
        every(10, Unit::Minute),
        every(120, Unit::Minute),
        every(3, Unit::Day),
        every(4, Unit::Month),
    ] {
        assert!(check(ok, true).is_ok());
    }
    let e = check(every(3, Unit::Minute), true).unwrap_err();
    assert_eq!(e.code, "E1003");
    assert!(
        e.message.contains(
            "Coordinator job with frequency [3] minutes is faster than allowed maximum of 5 minutes"
        ),
        "{e}"
    );
    assert!(check(every(3, Unit::Minute), false).is_ok());
    // Crons are not subject to it.
    assert!(check(cron("* * * * *"), true).is_ok());
}

#[test]
fn v04_start_and_end() {
    let e = schedule(
        every(1, Unit::Day),
        "2010-02-01T01:00Z",
        "2010-02-01T01:00Z",
        "UTC",
    )
    .check(true)
    .unwrap_err();
    assert_eq!(
        (e.code, e.message.as_str()),
        (
            "E1003",
            "Coordinator Start Time must be earlier than End Time."
        )
    );
    assert_eq!(
        e.to_string(),
        "E1003: Invalid coordinator application attributes, Coordinator Start Time must be earlier than End Time."
    );
    let e = schedule(
        cron("0/10 3 * * *"),
        "2010-02-01T01:00Z",
        "2010-02-01T02:00Z",
        "UTC",
    )
    .check(true)
    .unwrap_err();
    assert_eq!(e.code, "E1003");
    assert!(
        e.message
            .contains("materializes no actions between start and end time."),
        "{e}"
    );
    assert!(
        schedule(
            cron("0/10 1 * * *"),
            "2010-02-01T01:00Z",
            "2010-02-01T02:00Z",
            "UTC"
        )
        .check(true)
        .is_ok()
    );
    // A cron that never fires at all.
    let e = schedule(
        cron("0 0 30 2 *"),
        "2010-02-01T01:00Z",
        "2011-02-01T02:00Z",
        "UTC",
    )
    .check(true)
    .unwrap_err();
    assert!(
        e.message.contains("Invalid coordinator cron frequency"),
        "{e}"
    );
}

#[test]
fn v05_cron_lists_ranges_steps() {
    let day = "2013-07-18";
    let window = |f: Frequency| run(&schedule(f, "2013-07-18T00:00Z", "2013-07-18T01:00Z", LA));
    assert_eq!(
        window(cron("10,20 * * * *")),
        (
            on(day, &["00:10", "00:20"]),
            Some("2013-07-18T01:10Z".into())
        )
    );
    let (all, next) = window(cron("10-20 * * * *"));
    assert_eq!(
        all,
        (10..=20)
            .map(|m| format!("{day}T00:{m}Z"))
            .collect::<Vec<_>>()
    );
    assert_eq!(next.as_deref(), Some("2013-07-18T01:10Z"));
    assert_eq!(
        window(cron("0/15 2 * 5-7 4,5")),
        (vec![], Some("2013-07-18T02:00Z".into()))
    );
    assert_eq!(
        window(cron("0/15 * * 5-7 4,5")),
        (
            on(day, &["00:00", "00:15", "00:30", "00:45"]),
            Some("2013-07-18T01:00Z".into())
        )
    );
    assert_eq!(
        window(cron("20/15 * * 5-7 4,5")),
        (
            on(day, &["00:20", "00:35", "00:50"]),
            Some("2013-07-18T01:20Z".into())
        )
    );
    assert_eq!(
        window(every(20, Unit::Minute)),
        (
            on(day, &["00:00", "00:20", "00:40"]),
            Some("2013-07-18T01:00Z".into())
        )
    );
    assert_eq!(
        window(cron("20/15 * * 7,10 THU")),
        (
            on(day, &["00:20", "00:35", "00:50"]),
            Some("2013-07-18T01:20Z".into())
        )
    );
}

#[test]
fn v06_throttle_stops_materialization() {
    let s = schedule(
        cron("0/10 * * * *"),
        "2013-07-18T00:00Z",
        "2013-07-18T01:00Z",
        LA,
    );
    let (slots, cursor) = s.materialize(s.first_cursor(), s.end, 3);
    let times: Vec<_> = slots.iter().map(|a| a.nominal_text()).collect();
    assert_eq!(times, on("2013-07-18", &["00:00", "00:10", "00:20"]));
    assert_eq!(
        cursor,
        Cursor {
            number: 3,
            next: Some(t("2013-07-18T00:30Z"))
        }
    );
}

#[test]
fn v07_pause_time_is_exclusive() {
    let mut s = schedule(
        every(5, Unit::Minute),
        "2009-03-06T10:00Z",
        "2009-03-06T10:14Z",
        "UTC",
    );
    s.pause = Some(t("2009-03-06T10:04Z"));
    assert_eq!(nominals(&s), ["2009-03-06T10:00Z"]);
    s.pause = Some(t("2009-03-06T10:08Z"));
    assert_eq!(nominals(&s), ["2009-03-06T10:00Z", "2009-03-06T10:05Z"]);
}

#[test]
fn v08_hourly_cron_across_dst_stays_on_utc() {
    let (spring, next) = run(&schedule(
        cron("0 * * * *"),
        "2013-03-10T08:00Z",
        "2013-03-10T12:00Z",
        LA,
    ));
    assert_eq!(
        spring,
        on("2013-03-10", &["08:00", "09:00", "10:00", "11:00"])
    );
    assert_eq!(next.as_deref(), Some("2013-03-10T12:00Z"));
    let fall = nominals(&schedule(
        cron("0 * * * *"),
        "2012-11-04T07:00Z",
        "2012-11-04T11:00Z",
        LA,
    ));
    assert_eq!(
        fall,
        on("2012-11-04", &["07:00", "08:00", "09:00", "10:00"])
    );
}

#[test]
fn v09_days_and_daily_cron_keep_the_la_wall_clock() {
    let want = [
        "2016-03-11T23:10Z",
        "2016-03-12T23:10Z",
        "2016-03-13T22:10Z",
        "2016-03-14T22:10Z",
    ];
    for f in [every(1, Unit::Day), cron("10 23 * * *")] {
        assert_eq!(
            nominals(&schedule(f, "2016-03-11T23:10Z", "2016-03-15T02:00Z", LA)),
            want
        );
    }
}

#[test]
fn v10_24_hours_is_a_fixed_utc_step() {
    // coord:hours(24) is 1440 minutes.
    for f in [every(24, Unit::Hour), every(1440, Unit::Minute)] {
        assert_eq!(
            nominals(&schedule(f, "2016-03-11T23:10Z", "2016-03-15T02:00Z", LA)),
            [
                "2016-03-11T23:10Z",
                "2016-03-12T23:10Z",
                "2016-03-13T23:10Z",
                "2016-03-14T23:10Z"
            ]
        );
    }
}

#[test]
fn v11_monthly_across_both_switches() {
    let want = [
        "2016-03-01T23:10Z",
        "2016-04-01T22:10Z",
        "2016-05-01T22:10Z",
        "2016-06-01T22:10Z",
        "2016-07-01T22:10Z",
        "2016-08-01T22:10Z",
        "2016-09-01T22:10Z",
        "2016-10-01T22:10Z",
        "2016-11-01T22:10Z",
        "2016-12-01T23:10Z",
    ];
    for f in [every(1, Unit::Month), cron("10 23 1 1-12 *")] {
        assert_eq!(
            nominals(&schedule(f, "2016-03-01T23:10Z", "2016-12-03T00:00Z", LA)),
            want
        );
    }
}

#[test]
fn v12_every_third_month() {
    let want = [
        "2016-01-01T13:10Z",
        "2016-04-01T12:10Z",
        "2016-07-01T12:10Z",
        "2016-10-01T12:10Z",
        "2017-01-01T13:10Z",
        "2017-04-01T12:10Z",
        "2017-07-01T12:10Z",
        "2017-10-01T12:10Z",
    ];
    for f in [every(3, Unit::Month), cron("10 13 1 */3 *")] {
        assert_eq!(
            nominals(&schedule(f, "2016-01-01T13:10Z", "2017-12-03T00:00Z", LA)),
            want
        );
    }
}

#[test]
fn v13_twenty_days_across_dst() {
    let want = [
        "2016-02-01T13:10Z",
        "2016-02-21T13:10Z",
        "2016-03-12T13:10Z",
        "2016-04-01T12:10Z",
        "2016-04-21T12:10Z",
        "2016-05-11T12:10Z",
        "2016-05-31T12:10Z",
        "2016-06-20T12:10Z",
        "2016-07-10T12:10Z",
        "2016-07-30T12:10Z",
        "2016-08-19T12:10Z",
        "2016-09-08T12:10Z",
        "2016-09-28T12:10Z",
        "2016-10-18T12:10Z",
        "2016-11-07T13:10Z",
        "2016-11-27T13:10Z",
    ];
    assert_eq!(
        nominals(&schedule(
            every(20, Unit::Day),
            "2016-02-01T13:10Z",
            "2016-12-03T00:00Z",
            LA
        )),
        want
    );
}

#[test]
fn v14_cron_day_of_month_step() {
    let want = [
        "2016-02-01T13:10Z",
        "2016-02-21T13:10Z",
        "2016-03-01T13:10Z",
        "2016-03-21T12:10Z",
        "2016-11-01T12:10Z",
        "2016-11-21T13:10Z",
        "2016-12-01T13:10Z",
    ];
    assert_eq!(
        nominals(&schedule(
            cron("10 13 */20 2-3,11,12 *"),
            "2016-02-01T13:10Z",
            "2016-12-03T00:00Z",
            LA
        )),
        want
    );
}

#[test]
fn v15_hourly_across_dst_start() {
    let want = on(
        "2017-03-12",
        &["07:10", "08:10", "09:10", "10:10", "11:10", "12:10"],
    );
    for f in [
        every(1, Unit::Hour),
        every(60, Unit::Minute),
        cron("10 * * * *"),
    ] {
        assert_eq!(
            nominals(&schedule(f, "2017-03-12T07:10Z", "2017-03-12T12:30Z", LA)),
            want
        );
    }
}

#[test]
fn v16_hourly_across_dst_end() {
    let want = on("2017-11-05", &["07:10", "08:10", "09:10", "10:10"]);
    for f in [every(1, Unit::Hour), cron("10 * * * *")] {
        assert_eq!(
            nominals(&schedule(f, "2017-11-05T07:10Z", "2017-11-05T10:30Z", LA)),
            want
        );
    }
}

#[test]
fn v17_twenty_hours_across_dst() {
    assert_eq!(
        nominals(&schedule(
            every(20, Unit::Hour),
            "2016-03-12T13:10Z",
            "2016-03-16T00:00Z",
            LA
        )),
        [
            "2016-03-12T13:10Z",
            "2016-03-13T09:10Z",
            "2016-03-14T05:10Z",
            "2016-03-15T01:10Z",
            "2016-03-15T21:10Z"
        ]
    );
    assert_eq!(
        nominals(&schedule(
            every(20, Unit::Hour),
            "2016-11-04T23:10Z",
            "2016-11-08T22:00Z",
            LA
        )),
        [
            "2016-11-04T23:10Z",
            "2016-11-05T19:10Z",
            "2016-11-06T15:10Z",
            "2016-11-07T11:10Z",
            "2016-11-08T07:10Z"
        ]
    );
}

#[test]
fn v18_every_20th_hour_cron_is_utc_with_the_correction_after_a_day() {
    assert_eq!(
        nominals(&schedule(
            cron("10 */20 12-14 3 *"),
            "2016-01-01T13:10Z",
            "2016-12-03T00:00Z",
            LA
        )),
        [
            "2016-03-12T00:10Z",
            "2016-03-12T20:10Z",
            "2016-03-13T00:10Z",
            "2016-03-13T20:10Z",
            "2016-03-14T00:10Z",
            "2016-03-14T20:10Z",
        ]
    );
    // The first fire time 2016-11-05T00:10Z comes months after a PST start and is in PDT:
    // it is corrected by an hour; the rest follow within a day and are not.
    assert_eq!(
        nominals(&schedule(
            cron("10 */20 5-7 11 *"),
            "2016-01-01T13:10Z",
            "2016-12-03T00:00Z",
            LA
        )),
        [
            "2016-11-04T23:10Z",
            "2016-11-05T20:10Z",
            "2016-11-06T00:10Z",
            "2016-11-06T20:10Z",
            "2016-11-07T00:10Z",
            "2016-11-07T20:10Z",
        ]
    );
}

#[test]
fn v19_every_30_minutes_across_dst_start() {
    let want = on(
        "2016-03-13",
        &[
            "08:00", "08:30", "09:00", "09:30", "10:00", "10:30", "11:00", "11:30", "12:00",
            "12:30",
        ],
    );
    for f in [every(30, Unit::Minute), cron("*/30 * * * *")] {
        assert_eq!(
            nominals(&schedule(f, "2016-03-13T08:00Z", "2016-03-13T13:00Z", LA)),
            want
        );
    }
}

/// The nominal time of the action after action #5, given #5's slot.
fn after_fifth(s: &Schedule, fifth: &str) -> Option<String> {
    let next = parse_oozie_time(fifth).unwrap() + chrono::TimeDelta::minutes(1);
    let cursor = Cursor {
        number: 5,
        next: Some(next),
    };
    let (slots, _) = s.materialize(cursor, s.end, 1);
    slots.first().map(|a| {
        assert_eq!(a.number, 6);
        a.nominal_text()
    })
}

#[test]
fn v20_compute_next_nominal_time() {
    let c = schedule(
        cron("10 * * * *"),
        "2015-07-21T08:00Z",
        "2015-07-21T13:50Z",
        LA,
    );
    assert_eq!(
        after_fifth(&c, "2015-07-21T12:10Z").as_deref(),
        Some("2015-07-21T13:10Z")
    );
    let c = schedule(
        cron("10 * * * *"),
        "2015-07-21T08:00Z",
        "2015-07-21T13:00Z",
        LA,
    );
    assert_eq!(after_fifth(&c, "2015-07-21T12:10Z"), None);

    let h = schedule(
        every(10, Unit::Hour),
        "2015-07-21T14:00Z",
        "2015-07-25T23:00Z",
        LA,
    );
    assert_eq!(nominals(&h)[4], "2015-07-23T06:00Z");
    assert_eq!(
        after_fifth(&h, "2015-07-23T06:00Z").as_deref(),
        Some("2015-07-23T16:00Z")
    );
    let h = schedule(
        every(10, Unit::Hour),
        "2015-07-21T14:00Z",
        "2015-07-23T09:00Z",
        LA,
    );
    assert_eq!(after_fifth(&h, "2015-07-23T06:00Z"), None);

    let d = schedule(
        end_of(10, Unit::Day, EndOf::Day),
        "2015-07-21T14:00Z",
        "2015-12-25T23:00Z",
        LA,
    );
    assert_eq!(nominals(&d)[4], "2015-08-31T07:00Z");
    assert_eq!(
        after_fifth(&d, "2015-08-31T07:00Z").as_deref(),
        Some("2015-09-10T07:00Z")
    );
    let d = schedule(
        end_of(10, Unit::Day, EndOf::Day),
        "2015-07-21T14:00Z",
        "2015-09-08T23:00Z",
        LA,
    );
    assert_eq!(after_fifth(&d, "2015-08-31T07:00Z"), None);
}

#[test]
fn v21_next_valid_cron_time_utc_sunday_is_1() {
    let cases = [
        ("10,20 * * * *", "2013-07-18T00:15Z", "2013-07-18T00:20Z"),
        (
            "10/20 * * 5-7 4,5",
            "2013-07-18T00:15Z",
            "2013-07-18T00:30Z",
        ),
        (
            "20-30 * 20 5-7 4,5",
            "2013-07-18T00:20Z",
            "2013-07-18T00:21Z",
        ),
        ("30 * 20 5-7 ?", "2013-07-18T00:20Z", "2013-07-20T00:30Z"),
        ("0 9-16 * * 2-6", "2013-07-20T00:20Z", "2013-07-22T09:00Z"),
        ("0 9-16 * * 2-6", "2013-07-22T09:00Z", "2013-07-22T10:00Z"),
        ("20-30 * * 1 *", "2013-07-18T00:20Z", "2014-01-01T00:20Z"),
        (
            "20-30 10 * * MON,WED",
            "2013-07-18T00:20Z",
            "2013-07-22T10:20Z",
        ),
    ];
    for (c, after, want) in cases {
        let next = Cron::parse(c).unwrap().next_after(t(after)).unwrap();
        assert_eq!(format_oozie_time(next), want, "{c} after {after}");
    }
}

#[test]
fn v22_spec_tables_for_day_week_and_month_frequencies() {
    let d = |n| every(n, Unit::Day);
    let m = |n| every(n, Unit::Month);
    let rows: [(&str, &str, Frequency, i64, &str); 18] = [
        ("2009-01-01T08:00Z", "UTC", d(1), 1440, "2009-01-01T08:00Z"),
        ("2009-03-08T08:00Z", LA, d(1), 1380, "2009-03-08T08:00Z"),
        ("2009-03-08T08:00Z", LA, d(2), 2820, "2009-03-08T08:00Z"),
        (
            "2009-03-08T08:00Z",
            "Europe/London",
            d(1),
            1440,
            "2009-03-08T08:00Z",
        ),
        (
            "2009-01-01T08:00Z",
            "UTC",
            end_of(1, Unit::Day, EndOf::Day),
            1440,
            "2009-01-02T00:00Z",
        ),
        (
            "2009-01-01T08:00Z",
            LA,
            end_of(1, Unit::Day, EndOf::Day),
            1440,
            "2009-01-02T08:00Z",
        ),
        (
            "2009-01-01T18:00Z",
            LA,
            end_of(1, Unit::Day, EndOf::Day),
            1440,
            "2009-01-02T08:00Z",
        ),
        (
            "2009-03-07T09:00Z",
            LA,
            end_of(1, Unit::Day, EndOf::Day),
            1380,
            "2009-03-08T08:00Z",
        ),
        (
            "2009-03-09T07:00Z",
            LA,
            end_of(1, Unit::Day, EndOf::Day),
            1440,
            "2009-03-10T07:00Z",
        ),
        ("2009-01-01T08:00Z", "UTC", m(1), 44640, "2009-01-01T08:00Z"),
        ("2009-03-08T08:00Z", LA, m(1), 44580, "2009-03-08T08:00Z"),
        ("2009-03-08T08:00Z", LA, m(2), 87780, "2009-03-08T08:00Z"),
        (
            "2009-01-01T00:00Z",
            "UTC",
            end_of(1, Unit::Month, EndOf::Month),
            40320,
            "2009-02-01T00:00Z",
        ),
        (
            "2009-01-31T08:00Z",
            "UTC",
            end_of(1, Unit::Month, EndOf::Month),
            40320,
            "2009-02-01T00:00Z",
        ),
        (
            "2009-01-01T08:00Z",
            LA,
            end_of(1, Unit::Month, EndOf::Month),
            40320,
            "2009-02-01T08:00Z",
        ),
        (
            "2009-02-02T08:00Z",
            LA,
            end_of(1, Unit::Month, EndOf::Month),
            44580,
            "2009-03-01T08:00Z",
        ),
        (
            "2017-01-04T00:00Z",
            "UTC",
            end_of(1, Unit::Week, EndOf::Week),
            10080,
            "2017-01-08T00:00Z",
        ),
        (
            "2017-01-04T08:00Z",
            LA,
            end_of(1, Unit::Week, EndOf::Week),
            10080,
            "2017-01-08T08:00Z",
        ),
    ];
    for (start, zone, freq, minutes, first) in rows {
        let s = schedule(freq, start, "2019-01-01T00:00Z", zone);
        let two: Vec<_> = s.iter().take(2).collect();
        assert_eq!(two[0].nominal_text(), first, "{start} {zone}");
        assert_eq!(
            (two[1].nominal - two[0].nominal).num_minutes(),
            minutes,
            "{start} {zone}"
        );
    }
}

#[test]
fn monthly_from_the_31st_is_computed_from_the_start_not_step_by_step() {
    let s = schedule(
        every(1, Unit::Month),
        "2009-01-31T08:00Z",
        "2009-06-01T00:00Z",
        "UTC",
    );
    assert_eq!(
        nominals(&s),
        [
            "2009-01-31T08:00Z",
            "2009-02-28T08:00Z",
            "2009-03-31T08:00Z",
            "2009-04-30T08:00Z",
            "2009-05-31T08:00Z"
        ]
    );
}

#[test]
fn a_weekday_office_hours_cron_gets_oozies_monday_shift_and_a_warning() {
    // Start in British summer time; the first Monday in winter: 09:00Z after the weekend
    // is moved to 10:00Z, beside the real 10:00Z, exactly as Oozie's correction does.
    let s = schedule(
        cron("0 9-17 * * MON-FRI"),
        "2009-09-11T07:49Z",
        "2009-11-03T00:00Z",
        "Europe/London",
    );
    let all = nominals(&s);
    let monday = all.iter().position(|t| t == "2009-11-02T10:00Z").unwrap();
    assert_eq!(all[monday + 1], "2009-11-02T10:00Z");
    assert!(
        s.dst_caveat()
            .unwrap()
            .contains("fires both less and more than a day apart")
    );
    // Daily and sub-daily crons, and UTC jobs, get no warning.
    for (c, zone) in [
        ("10 1 * * *", "Europe/London"),
        ("*/30 * * * *", "Europe/London"),
        ("0 9-17 * * MON-FRI", "UTC"),
    ] {
        assert_eq!(
            schedule(cron(c), "2009-09-11T07:49Z", "2009-11-03T00:00Z", zone).dst_caveat(),
            None,
            "{c}"
        );
    }
}
