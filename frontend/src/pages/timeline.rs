//! The runs pages' pictures as numbers, kept pure so they are tested natively: a
//! coordinator's actions laid out by day for the calendar grid, an instance's tasks as
//! bars on one time axis for the Gantt chart, chosen action numbers written as Oozie's
//! `-action` list, and properties typed as `name=value` lines.

use std::collections::BTreeMap;

pub const DAY_MS: i64 = 86_400_000;

/// The indices of `times` grouped by UTC day (the day's first ms), days in order and,
/// within a day, in time order.
pub fn by_day(times: &[i64]) -> Vec<(i64, Vec<usize>)> {
    let mut order: Vec<usize> = (0..times.len()).collect();
    shared::order::sort_by_key(&mut order, |&i| times[i]);
    let mut days: Vec<(i64, Vec<usize>)> = Vec::new();
    for i in order {
        let day = times[i].div_euclid(DAY_MS) * DAY_MS;
        match days.last_mut() {
            Some((d, items)) if *d == day => items.push(i),
            _ => days.push((day, vec![i])),
        }
    }
    days
}

/// Numbers as Oozie's `-action` list: ascending, each run of consecutive numbers as
/// `first-last` (`1-3,7`).
pub fn ranges(numbers: &[i64]) -> String {
    let mut sorted = numbers.to_vec();
    shared::order::sort(&mut sorted);
    sorted.dedup();
    let mut parts = Vec::new();
    let mut i = 0;
    while i < sorted.len() {
        let mut j = i;
        while j + 1 < sorted.len() && sorted[j + 1] == sorted[j] + 1 {
            j += 1;
        }
        parts.push(if i == j {
            sorted[i].to_string()
        } else {
            format!("{}-{}", sorted[i], sorted[j])
        });
        i = j + 1;
    }
    parts.join(",")
}

/// The numbers from `a` to `b`, either way round, both included.
pub fn span(a: i64, b: i64) -> impl Iterator<Item = i64> {
    a.min(b)..=a.max(b)
}

/// A task's bar, in percent of the chart's width.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Bar {
    pub left: f64,
    pub width: f64,
}

/// The thinnest bar drawn, in percent, so an instant task still shows.
const MIN_WIDTH: f64 = 0.5;

/// The chart of tasks that ran from `start` to `end` (ms; no end yet: still running at
/// `now`): the axis from the first start to the last end, and each task's bar, none for a
/// task not started.
pub fn gantt(spans: &[(Option<i64>, Option<i64>)], now: i64) -> (i64, i64, Vec<Option<Bar>>) {
    let ends = |&(s, e): &(Option<i64>, Option<i64>)| s.map(|s| (s, e.unwrap_or(now).max(s)));
    let from = spans.iter().filter_map(ends).map(|(s, _)| s).min();
    let to = spans.iter().filter_map(ends).map(|(_, e)| e).max();
    let (Some(from), Some(to)) = (from, to) else {
        return (now, now, vec![None; spans.len()]);
    };
    let length = (to - from).max(1) as f64;
    let bars = spans
        .iter()
        .map(|span| {
            ends(span).map(|(s, e)| {
                let left = (s - from) as f64 / length * 100.0;
                let width = ((e - s) as f64 / length * 100.0).max(MIN_WIDTH);
                Bar {
                    left: left.min(100.0 - MIN_WIDTH),
                    width: width.min(100.0 - left.min(100.0 - MIN_WIDTH)),
                }
            })
        })
        .collect();
    (from, to, bars)
}

/// A duration in ms as people read it: `850 ms`, `42 s`, `3 min 20 s`, `2 h 05 min`.
pub fn duration(ms: i64) -> String {
    let ms = ms.max(0);
    let s = ms / 1000;
    match s {
        _ if ms < 1000 => format!("{ms} ms"),
        0..60 => format!("{s} s"),
        60..3600 => format!("{} min {} s", s / 60, s % 60),
        _ => format!("{} h {:02} min", s / 3600, s % 3600 / 60),
    }
}

/// `name=value` lines (blank lines and `#` comments skipped) as properties; the first
/// line that is not one is the error.
pub fn parse_properties(text: &str) -> Result<BTreeMap<String, String>, String> {
    let mut properties = BTreeMap::new();
    for (n, line) in text.lines().enumerate() {
        let line = line.trim();
        if line.is_empty() || line.starts_with('#') {
            continue;
        }
        match line.split_once('=') {
            Some((name, value)) if !name.trim().is_empty() => {
                properties.insert(name.trim().to_owned(), value.trim().to_owned());
            }
            _ => return Err(format!("line {}: not name=value: {line}", n + 1)),
        }
    }
    Ok(properties)
}

#[cfg(test)]
mod tests {
    use super::*;

    const H: i64 = 3_600_000;

    #[test]
    fn actions_are_grouped_by_their_utc_day_in_time_order() {
        let day = 20_000 * DAY_MS;
        let times = [day + 23 * H, day + H, day + DAY_MS, day - H];
        assert_eq!(
            by_day(&times),
            [
                (day - DAY_MS, vec![3]),
                (day, vec![1, 0]),
                (day + DAY_MS, vec![2])
            ]
        );
        assert!(by_day(&[]).is_empty());
    }

    #[test]
    fn numbers_are_written_as_oozie_ranges() {
        assert_eq!(ranges(&[7, 1, 3, 2, 2]), "1-3,7");
        assert_eq!(ranges(&[5]), "5");
        assert_eq!(ranges(&[4, 6, 8, 9]), "4,6,8-9");
        assert_eq!(ranges(&[]), "");
        assert_eq!(span(5, 3).collect::<Vec<_>>(), [3, 4, 5]);
    }

    #[test]
    fn bars_share_one_axis_and_running_tasks_reach_now() {
        let (from, to, bars) = gantt(
            &[(Some(1000), Some(2000)), (Some(2000), None), (None, None)],
            5000,
        );
        assert_eq!((from, to), (1000, 5000));
        assert_eq!(
            bars,
            [
                Some(Bar {
                    left: 0.0,
                    width: 25.0
                }),
                Some(Bar {
                    left: 25.0,
                    width: 75.0
                }),
                None
            ]
        );
    }

    #[test]
    fn an_instant_task_still_shows_and_nothing_started_draws_nothing() {
        let (_, _, bars) = gantt(&[(Some(1000), Some(1000))], 1000);
        let bar = bars[0].unwrap();
        assert_eq!(bar.width, MIN_WIDTH);
        assert!(bar.left + bar.width <= 100.0);
        assert_eq!(gantt(&[(None, None)], 7), (7, 7, vec![None]));
    }

    #[test]
    fn durations_read_as_people_say_them() {
        assert_eq!(duration(850), "850 ms");
        assert_eq!(duration(42_000), "42 s");
        assert_eq!(duration(200_000), "3 min 20 s");
        assert_eq!(duration(2 * H + 5 * 60_000), "2 h 05 min");
    }

    #[test]
    fn properties_are_name_value_lines() {
        let p = parse_properties("# date\nday = 2026-11-21\n\nqueue=q=1\n").unwrap();
        assert_eq!(p["day"], "2026-11-21");
        assert_eq!(p["queue"], "q=1", "the first = splits");
        assert_eq!(
            parse_properties("a=1\noops").unwrap_err(),
            "line 2: not name=value: oops"
        );
        assert!(parse_properties("=x").is_err(), "a name is needed");
    }
}
