//! Frequencies in words, in English and Simplified Chinese: "at 01:10 every day,
//! America/Los_Angeles" / "每天 01:10（America/Los_Angeles）".
//!
//! The words say when actions really happen, not what the syntax looks like:
//! - `coord:days`/`months` keep the start's local wall clock, so they are told in the
//!   job's zone at that wall time;
//! - `coord:minutes`/`hours` are fixed steps ("every 24 hours" is not "every day");
//! - a cron is evaluated in UTC. One that fires at one time of day on chosen days keeps
//!   the local time the job had at its start (Oozie's DST correction), so it is told in
//!   the job's zone when converting does not move it to another day; any other cron is
//!   told in UTC, where it really runs.

use chrono::{DateTime, Datelike, TimeDelta, Timelike, Utc};

use super::calendar::Unit;
use super::cron::{Cron, DaySpec};
use super::frequency::{Every, Frequency};
use super::{DAY_NAMES, MONTH_NAMES, Zone};

#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub enum Lang {
    En,
    Zh,
}

const DAYS_ZH: [&str; 7] = ["周日", "周一", "周二", "周三", "周四", "周五", "周六"];
const ORDINALS_EN: [&str; 5] = ["first", "second", "third", "fourth", "fifth"];
const ORDINALS_ZH: [&str; 5] = ["第一个", "第二个", "第三个", "第四个", "第五个"];

/// Describes `frequency` for a job that starts at `start` in `zone`.
pub fn describe(frequency: &Frequency, zone: &Zone, start: DateTime<Utc>, lang: Lang) -> String {
    match frequency {
        Frequency::Every(e) => every(e, zone, start, lang),
        Frequency::Cron(c) => cron(c, zone, start, lang),
    }
}

fn hhmm(h: u32, m: u32) -> String {
    format!("{h:02}:{m:02}")
}

fn plural(n: i64, one: &str, many: &str) -> String {
    if n == 1 {
        one.to_owned()
    } else {
        format!("{n} {many}")
    }
}

fn zh_hours(n: i64) -> String {
    if n == 1 {
        "每小时".to_owned()
    } else {
        format!("每 {n} 小时")
    }
}

fn every(e: &Every, zone: &Zone, start: DateTime<Utc>, lang: Lang) -> String {
    let zone_id = zone.id();
    let origin = e.origin(start, zone).unwrap_or(start);
    let local = zone.local(origin);
    let time = hhmm(local.hour(), local.minute());
    let n = e.n;
    match (e.unit, lang) {
        (Unit::Minute, Lang::En) if n % 60 == 0 => {
            format!(
                "every {} (a fixed step, whatever the clocks do)",
                plural(n / 60, "hour", "hours")
            )
        }
        (Unit::Minute, Lang::Zh) if n % 60 == 0 => {
            format!("{}（固定间隔，不随夏令时变化）", zh_hours(n / 60))
        }
        (Unit::Minute, Lang::En) => format!("every {}", plural(n, "minute", "minutes")),
        (Unit::Minute, Lang::Zh) if n == 1 => "每分钟".to_owned(),
        (Unit::Minute, Lang::Zh) => format!("每 {n} 分钟"),
        (Unit::Hour, Lang::En) => format!(
            "every {} (a fixed step, whatever the clocks do)",
            plural(n, "hour", "hours")
        ),
        (Unit::Hour, Lang::Zh) => format!("{}（固定间隔，不随夏令时变化）", zh_hours(n)),
        (Unit::Day, Lang::En) if n == 1 => format!("at {time} every day, {zone_id}"),
        (Unit::Day, Lang::En) => format!("at {time} every {n} days, {zone_id}"),
        (Unit::Day, Lang::Zh) if n == 1 => format!("每天 {time}（{zone_id}）"),
        (Unit::Day, Lang::Zh) => format!("每 {n} 天 {time}（{zone_id}）"),
        (Unit::Week, Lang::En) => {
            let day = DAY_NAMES[local.weekday().num_days_from_sunday() as usize];
            if n == 1 {
                format!("at {time} every {day}, {zone_id}")
            } else {
                format!("at {time} on {day} every {n} weeks, {zone_id}")
            }
        }
        (Unit::Week, Lang::Zh) => {
            let day = DAYS_ZH[local.weekday().num_days_from_sunday() as usize];
            if n == 1 {
                format!("每{day} {time}（{zone_id}）")
            } else {
                format!("每 {n} 周的{day} {time}（{zone_id}）")
            }
        }
        (Unit::Month | Unit::Year, _) => {
            let months = if e.unit == Unit::Year { n * 12 } else { n };
            let day = local.day();
            let short = day > 28 && e.end_of.is_none();
            match lang {
                Lang::En => {
                    let each = if months == 1 {
                        "every month".to_owned()
                    } else {
                        format!("every {months} months")
                    };
                    let note = if short {
                        " (the last day in shorter months)"
                    } else {
                        ""
                    };
                    format!("at {time} on day {day} of {each}{note}, {zone_id}")
                }
                Lang::Zh => {
                    let each = if months == 1 {
                        "每月".to_owned()
                    } else {
                        format!("每 {months} 个月的")
                    };
                    let note = if short {
                        "，当月没有这一天时取月末"
                    } else {
                        ""
                    };
                    format!("{each} {day} 日 {time}（{zone_id}{note}）")
                }
            }
        }
    }
}

/// The set bits of a field, ascending.
fn values(bits: u64) -> Vec<u32> {
    (0..64).filter(|b| bits & (1 << b) != 0).collect()
}

/// `1, 3, 5` or `9–17` (runs of three or more as ranges).
fn list(vals: &[u32], name: &dyn Fn(u32) -> String, lang: Lang) -> String {
    let mut parts: Vec<String> = Vec::new();
    let mut i = 0;
    while i < vals.len() {
        let mut j = i;
        while j + 1 < vals.len() && vals[j + 1] == vals[j] + 1 {
            j += 1;
        }
        if j - i >= 2 {
            let sep = if lang == Lang::En { " to " } else { "至" };
            parts.push(format!("{}{sep}{}", name(vals[i]), name(vals[j])));
        } else {
            parts.extend(vals[i..=j].iter().map(|v| name(*v)));
        }
        i = j + 1;
    }
    match lang {
        Lang::Zh => parts.join("、"),
        Lang::En if parts.len() > 1 => {
            let last = parts.pop().expect("more than one");
            format!("{} and {last}", parts.join(", "))
        }
        Lang::En => parts.concat(),
    }
}

/// The step of an arithmetic progression covering a field from its first value to its
/// end (`*/15` → 15), if the values are one.
fn step_of(vals: &[u32], max: u32) -> Option<u32> {
    let [a, b, ..] = vals else { return None };
    let step = b - a;
    let regular = vals.windows(2).all(|w| w[1] - w[0] == step);
    (regular && *a < step && vals.last().is_some_and(|l| l + step > max)).then_some(step)
}

fn days_text(days: &[DaySpec], lang: Lang) -> Option<String> {
    let en = lang == Lang::En;
    let one = |d: &DaySpec| -> Option<String> {
        Some(match *d {
            DaySpec::Unspecified => return None,
            DaySpec::Dom(bits) if bits.count_ones() == 31 => return None,
            DaySpec::Dow(bits) if bits.count_ones() == 7 => return None,
            DaySpec::Dom(bits) => {
                let v = values(u64::from(bits));
                let l = list(&v, &|d| d.to_string(), lang);
                if en {
                    format!("on day {l} of the month")
                } else {
                    format!("每月 {l} 日")
                }
            }
            DaySpec::Dow(bits) => {
                let v = values(u64::from(bits));
                let name = |d: u32| {
                    if en {
                        DAY_NAMES[d as usize - 1]
                    } else {
                        DAYS_ZH[d as usize - 1]
                    }
                    .to_owned()
                };
                let l = list(&v, &name, lang);
                if en {
                    format!("on {l}")
                } else {
                    format!("每{l}")
                }
            }
            DaySpec::LastDay(0) => {
                if en {
                    "on the last day of the month".into()
                } else {
                    "每月最后一天".into()
                }
            }
            DaySpec::LastDay(k) => {
                if en {
                    format!("{k} days before the last day of the month")
                } else {
                    format!("每月最后一天的前 {k} 天")
                }
            }
            DaySpec::LastWeekday => {
                if en {
                    "on the last weekday of the month".into()
                } else {
                    "每月最后一个工作日".into()
                }
            }
            DaySpec::NearestWeekday(n) => {
                if en {
                    format!("on the weekday nearest day {n} of the month")
                } else {
                    format!("每月离 {n} 日最近的工作日")
                }
            }
            DaySpec::LastDow(w) => {
                let w = w as usize - 1;
                if en {
                    format!("on the last {} of the month", DAY_NAMES[w])
                } else {
                    format!("每月最后一个{}", DAYS_ZH[w])
                }
            }
            DaySpec::NthDow(w, k) => {
                let (w, k) = (w as usize - 1, k as usize - 1);
                if en {
                    format!("on the {} {} of the month", ORDINALS_EN[k], DAY_NAMES[w])
                } else {
                    format!("每月{}{}", ORDINALS_ZH[k], DAYS_ZH[w])
                }
            }
        })
    };
    let parts: Vec<String> = days.iter().filter_map(one).collect();
    match parts.len() {
        0 => None,
        _ => Some(parts.join(if en { " or " } else { "或" })),
    }
}

fn cron(c: &Cron, zone: &Zone, start: DateTime<Utc>, lang: Lang) -> String {
    let en = lang == Lang::En;
    let (minutes, hours, months, days) = c.shape();
    let (mins, hrs) = (values(minutes), values(u64::from(hours)));
    let day_rule = days_text(&days, lang);
    let month_vals = values(u64::from(months));
    let month_rule = (month_vals.len() < 12).then(|| {
        let name = |m: u32| {
            if en {
                MONTH_NAMES[m as usize - 1].to_owned()
            } else {
                format!("{m} 月")
            }
        };
        let l = list(&month_vals, &name, lang);
        if en { format!("in {l}") } else { l }
    });
    // One time a day: told in the job's zone, as the DST correction keeps it there.
    if let ([m], [h]) = (mins.as_slice(), hrs.as_slice()) {
        let offset = TimeDelta::seconds(i64::from(zone.offset_at(start).local_minus_utc()));
        let utc_minutes = i64::from(h * 60 + m);
        let local = utc_minutes + offset.num_minutes();
        let shifts_day = !(0..1440).contains(&local);
        let restricted = day_rule.is_some() || month_rule.is_some();
        let (time, zone_id) = if shifts_day && restricted {
            (hhmm(*h, *m), "UTC".to_owned())
        } else {
            let l = local.rem_euclid(1440) as u32;
            (hhmm(l / 60, l % 60), zone.id())
        };
        return match lang {
            Lang::En => {
                let days = day_rule.unwrap_or_else(|| "every day".into());
                let months = month_rule.map(|m| format!(" {m}")).unwrap_or_default();
                format!("at {time} {days}{months}, {zone_id}")
            }
            Lang::Zh => {
                let days = day_rule.unwrap_or_else(|| "每天".into());
                let months = month_rule.map(|m| format!("{m}，")).unwrap_or_default();
                format!("{months}{days} {time}（{zone_id}）")
            }
        };
    }
    // Several times a day: in UTC.
    let time = match (mins.len(), hrs.len()) {
        (60, 24) => {
            if en {
                "every minute".to_owned()
            } else {
                "每分钟".to_owned()
            }
        }
        (_, 24) if step_of(&mins, 59).is_some() && mins[0] == 0 => {
            let s = step_of(&mins, 59).expect("checked");
            if en {
                format!("every {s} minutes")
            } else {
                format!("每 {s} 分钟")
            }
        }
        (1, 24) => {
            if en {
                format!("at minute {} of every hour", mins[0])
            } else {
                format!("每小时第 {} 分", mins[0])
            }
        }
        _ => {
            let m = list(&mins, &|v| v.to_string(), lang);
            let h = if hrs.len() == 24 {
                if en {
                    "every hour".to_owned()
                } else {
                    "每小时".to_owned()
                }
            } else if let (Some(s), 0) = (step_of(&hrs, 23), hrs[0]) {
                if en {
                    format!("every {s} hours")
                } else {
                    format!("每 {s} 小时")
                }
            } else {
                let l = list(&hrs, &|v| format!("{v:02}"), lang);
                if en {
                    format!("hours {l}")
                } else {
                    format!("{l} 点")
                }
            };
            if en {
                format!("at minute {m} past {h}")
            } else {
                format!("{h}的第 {m} 分")
            }
        }
    };
    match lang {
        Lang::En => {
            let days = day_rule.map(|d| format!(" {d}")).unwrap_or_default();
            let months = month_rule.map(|m| format!(" {m}")).unwrap_or_default();
            format!("{time}{days}{months}, UTC")
        }
        Lang::Zh => {
            let months = month_rule.map(|m| format!("{m}，")).unwrap_or_default();
            let days = day_rule.map(|d| format!("{d}，")).unwrap_or_default();
            format!("{months}{days}{time}（UTC）")
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::time::parse_oozie_time;

    fn d(freq: Frequency, zone: &str, start: &str) -> (String, String) {
        let zone = Zone::parse(zone).unwrap();
        let start = parse_oozie_time(start).unwrap();
        (
            describe(&freq, &zone, start, Lang::En),
            describe(&freq, &zone, start, Lang::Zh),
        )
    }

    fn cron(c: &str) -> Frequency {
        Frequency::Cron(Cron::parse(c).unwrap())
    }

    fn every(n: i64, unit: Unit) -> Frequency {
        Frequency::Every(Every::new(n, unit))
    }

    const LA: &str = "America/Los_Angeles";

    #[test]
    fn the_issue_example() {
        // 09:10 UTC is 01:10 PST at a winter start; the correction keeps it 01:10 in summer.
        assert_eq!(
            d(cron("10 9 * * *"), LA, "2026-01-05T00:00Z"),
            (
                "at 01:10 every day, America/Los_Angeles".into(),
                "每天 01:10（America/Los_Angeles）".into()
            )
        );
        assert_eq!(
            d(every(1, Unit::Day), LA, "2026-01-05T09:10Z"),
            (
                "at 01:10 every day, America/Los_Angeles".into(),
                "每天 01:10（America/Los_Angeles）".into()
            )
        );
    }

    #[test]
    fn frequencies() {
        let s = "2026-03-02T17:30Z";
        assert_eq!(d(every(15, Unit::Minute), "UTC", s).0, "every 15 minutes");
        assert_eq!(
            d(every(1440, Unit::Minute), LA, s).0,
            "every 24 hours (a fixed step, whatever the clocks do)"
        );
        assert_eq!(
            d(every(60, Unit::Minute), LA, s).1,
            "每小时（固定间隔，不随夏令时变化）"
        );
        assert_eq!(
            d(every(3, Unit::Day), "UTC", s),
            (
                "at 17:30 every 3 days, UTC".into(),
                "每 3 天 17:30（UTC）".into()
            )
        );
        assert_eq!(
            d(every(1, Unit::Month), "UTC", "2026-01-31T08:00Z"),
            (
                "at 08:00 on day 31 of every month (the last day in shorter months), UTC".into(),
                "每月 31 日 08:00（UTC，当月没有这一天时取月末）".into()
            )
        );
        let weekly = Frequency::Every(Every {
            n: 1,
            unit: Unit::Week,
            end_of: Some(crate::time::EndOf::Week),
        });
        assert_eq!(
            d(weekly, "UTC", "2017-01-04T00:00Z"),
            (
                "at 00:00 every Sunday, UTC".into(),
                "每周日 00:00（UTC）".into()
            )
        );
    }

    #[test]
    fn crons() {
        let s = "2026-01-05T00:00Z";
        assert_eq!(
            d(cron("*/30 * * * *"), LA, s),
            ("every 30 minutes, UTC".into(), "每 30 分钟（UTC）".into())
        );
        assert_eq!(
            d(cron("0 9-17 * * MON-FRI"), "UTC", s),
            (
                "at minute 0 past hours 09 to 17 on Monday to Friday, UTC".into(),
                "每周一至周五，09至17 点的第 0 分（UTC）".into()
            )
        );
        assert_eq!(
            d(cron("15 10 ? * 6L"), "UTC", s),
            (
                "at 10:15 on the last Friday of the month, UTC".into(),
                "每月最后一个周五 10:15（UTC）".into()
            )
        );
        assert_eq!(
            d(cron("0 12 1,15 JAN,JUL *"), "Asia/Shanghai", s),
            (
                "at 20:00 on day 1 and 15 of the month in January and July, Asia/Shanghai".into(),
                "1 月、7 月，每月 1、15 日 20:00（Asia/Shanghai）".into()
            )
        );
        // Converting to LA would move it to the day before: told in UTC instead.
        assert_eq!(
            d(cron("0 2 1 * *"), LA, s).0,
            "at 02:00 on day 1 of the month, UTC"
        );
        assert_eq!(
            d(cron("0 2 * * *"), LA, s).0,
            "at 18:00 every day, America/Los_Angeles"
        );
        assert_eq!(
            d(cron("10 */20 5-7 11 *"), "UTC", s).0,
            "at minute 10 past every 20 hours on day 5 to 7 of the month in November, UTC"
        );
        assert_eq!(
            d(cron("0 0 LW * ?"), "UTC", s).1,
            "每月最后一个工作日 00:00（UTC）"
        );
        assert_eq!(
            d(cron("0 0 ? * 2#1"), "UTC", s).0,
            "at 00:00 on the first Monday of the month, UTC"
        );
        assert_eq!(
            d(cron("0 0 13 * 6"), "UTC", s).0,
            "at 00:00 on day 13 of the month or on Friday, UTC"
        );
        assert_eq!(d(cron("* * * * *"), "UTC", s).0, "every minute, UTC");
    }
}
