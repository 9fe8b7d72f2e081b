//! `java.text.SimpleDateFormat` patterns, for `coord:formatTime`.
//!
//! Built on chrono's calendar accessors rather than translated into strftime: the two
//! languages disagree on letters and escaping, and a translation that is almost right
//! prints a plausible wrong date. Letters Sluice does not support are an error, never
//! printed through. Formatting is in UTC (Oozie's processing zone) with the US locale.

use chrono::{DateTime, Datelike, Timelike, Utc};

use super::{DAY_NAMES, MONTH_NAMES};

/// Formats `t` (in UTC) with a `SimpleDateFormat` pattern.
pub fn format(t: DateTime<Utc>, pattern: &str) -> Result<String, String> {
    let chars: Vec<char> = pattern.chars().collect();
    let mut out = String::new();
    let mut i = 0;
    while i < chars.len() {
        let c = chars[i];
        if c == '\'' {
            // '' is a quote; 'text' is literal text.
            if chars.get(i + 1) == Some(&'\'') {
                out.push('\'');
                i += 2;
                continue;
            }
            i += 1;
            loop {
                match chars.get(i) {
                    None => return Err(format!("unterminated quote in the pattern [{pattern}]")),
                    Some('\'') if chars.get(i + 1) == Some(&'\'') => {
                        out.push('\'');
                        i += 2;
                    }
                    Some('\'') => {
                        i += 1;
                        break;
                    }
                    Some(ch) => {
                        out.push(*ch);
                        i += 1;
                    }
                }
            }
            continue;
        }
        if !c.is_ascii_alphabetic() {
            out.push(c);
            i += 1;
            continue;
        }
        let mut n = 1;
        while chars.get(i + n) == Some(&c) {
            n += 1;
        }
        i += n;
        let pad = |v: u32| format!("{v:0n$}");
        let text = |full: &str| {
            if n >= 4 {
                full.to_owned()
            } else {
                full[..3].to_owned()
            }
        };
        let sunday_first = t.weekday().num_days_from_sunday();
        match c {
            'G' => out.push_str("AD"),
            'y' | 'Y' => {
                let y = t.year();
                if n == 2 {
                    out.push_str(&format!("{:02}", y.rem_euclid(100)));
                } else {
                    out.push_str(&format!("{y:0n$}"));
                }
            }
            'M' | 'L' if n >= 3 => out.push_str(&text(MONTH_NAMES[t.month0() as usize])),
            'M' | 'L' => out.push_str(&pad(t.month())),
            'd' => out.push_str(&pad(t.day())),
            'D' => out.push_str(&pad(t.ordinal())),
            'H' => out.push_str(&pad(t.hour())),
            'k' => out.push_str(&pad(if t.hour() == 0 { 24 } else { t.hour() })),
            'K' => out.push_str(&pad(t.hour() % 12)),
            'h' => out.push_str(&pad(match t.hour() % 12 {
                0 => 12,
                h => h,
            })),
            'm' => out.push_str(&pad(t.minute())),
            's' => out.push_str(&pad(t.second())),
            'S' => out.push_str(&pad(t.timestamp_subsec_millis())),
            'E' => out.push_str(&text(DAY_NAMES[sunday_first as usize])),
            'u' => out.push_str(&pad(t.weekday().number_from_monday())),
            'F' => out.push_str(&pad((t.day() - 1) / 7 + 1)),
            'a' => out.push_str(if t.hour() < 12 { "AM" } else { "PM" }),
            'z' => out.push_str(if n >= 4 {
                "Coordinated Universal Time"
            } else {
                "UTC"
            }),
            'Z' => out.push_str("+0000"),
            'X' => out.push('Z'),
            'w' => out.push_str(&pad(week_of_year(t))),
            'W' => out.push_str(&pad(week_of_month(t))),
            other => {
                return Err(format!(
                    "the pattern letter '{other}' in [{pattern}] is not supported; quote literal text as 'text'"
                ));
            }
        }
    }
    Ok(out)
}

/// US weeks: they start on Sunday, and week 1 is the one holding January 1st.
fn week_of_year(t: DateTime<Utc>) -> u32 {
    let jan1 = t
        .with_ordinal(1)
        .expect("day 1 exists")
        .weekday()
        .num_days_from_sunday();
    (t.ordinal0() + jan1) / 7 + 1
}

fn week_of_month(t: DateTime<Utc>) -> u32 {
    let first = t
        .with_day(1)
        .expect("day 1 exists")
        .weekday()
        .num_days_from_sunday();
    (t.day0() + first) / 7 + 1
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::time::parse_oozie_time;

    #[test]
    fn patterns() {
        let t = parse_oozie_time("2009-09-08T23:59Z").unwrap();
        assert_eq!(format(t, "yyyy").unwrap(), "2009");
        assert_eq!(format(t, "yyyyMMdd_HHmmss").unwrap(), "20090908_235900");
        assert_eq!(format(t, "yy-M-d h:mm a").unwrap(), "09-9-8 11:59 PM");
        assert_eq!(format(t, "EEE, d MMM yyyy").unwrap(), "Tue, 8 Sep 2009");
        assert_eq!(format(t, "EEEE MMMM").unwrap(), "Tuesday September");
        assert_eq!(
            format(t, "'year' yyyy 'o''clock' ''").unwrap(),
            "year 2009 o'clock '"
        );
        assert_eq!(format(t, "D w W u F").unwrap(), "251 37 2 2 2");
        assert_eq!(
            format(t, "yyyy-MM-dd'T'HH:mmZ z X").unwrap(),
            "2009-09-08T23:59+0000 UTC Z"
        );
        assert!(format(t, "yyyy q").unwrap_err().contains("'q'"));
        assert!(format(t, "'open").is_err());
    }
}
