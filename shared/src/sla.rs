//! Oozie's `<sla:info>` (SEMANTICS B.11) read for alarms: a nominal time, and how long
//! after it the run should have started and ended, and how long it may take. Durations
//! are EL in minutes (`${10 * MINUTES}`, `${2 * HOURS}`), as Oozie's `coord-sla-submit`
//! evaluates them.
//!
//! Pure: the properties and the nominal time come in; what was missed at a given time
//! comes out.

use std::collections::BTreeMap;

use chrono::{DateTime, Utc};

use crate::el::{self, CallResult, Context, Value};

/// The parts of an `<sla:info>` that set deadlines, as written.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SlaInfo {
    pub nominal_time: String,
    pub should_start: Option<String>,
    pub should_end: String,
    pub max_duration: Option<String>,
}

/// The deadlines, resolved.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Deadlines {
    pub nominal: DateTime<Utc>,
    pub start_by: Option<DateTime<Utc>>,
    pub end_by: DateTime<Utc>,
    pub max_duration_ms: Option<i64>,
}

/// A deadline missed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Miss {
    /// Started after its should-start, or not started by then.
    Start,
    /// Ended after its should-end, or not ended by then.
    End,
    /// Ran (or has run) longer than its max-duration.
    Duration,
}

impl Miss {
    pub fn id(self) -> &'static str {
        match self {
            Miss::Start => "start",
            Miss::End => "end",
            Miss::Duration => "duration",
        }
    }
}

/// Reads a kept `<sla:info>` fragment.
pub fn parse(fragment: &str) -> Result<SlaInfo, String> {
    let root = crate::xml::parse(fragment, &crate::xml::Limits::default())
        .map_err(|e| format!("the sla:info: {e}"))?;
    let text = |name: &str| {
        root.child(name)
            .map(|e| e.text().trim().to_owned())
            .filter(|t| !t.is_empty())
    };
    Ok(SlaInfo {
        nominal_time: text("nominal-time").ok_or("the sla:info has no nominal-time")?,
        should_start: text("should-start"),
        should_end: text("should-end").ok_or("the sla:info has no should-end")?,
        max_duration: text("max-duration"),
    })
}

/// The run's properties, the SLA constants, and `coord:nominalTime()` when the run has one.
struct SlaContext<'a> {
    properties: &'a BTreeMap<String, String>,
    nominal: Option<&'a str>,
}

impl Context for SlaContext<'_> {
    fn variable(&self, name: &str) -> Option<Value> {
        match name {
            "MINUTES" => Some(Value::Int(1)),
            "HOURS" => Some(Value::Int(60)),
            "DAYS" => Some(Value::Int(24 * 60)),
            _ => self.properties.get(name).map(|v| Value::Str(v.clone())),
        }
    }

    fn call(&self, prefix: Option<&str>, name: &str, args: &[Value]) -> Option<CallResult> {
        match (prefix, name, self.nominal) {
            (Some("coord"), "nominalTime", Some(n)) => Some(
                el::check_arity(args, 0)
                    .map(|()| Value::Str(n.to_owned()))
                    .map_err(el::CallError::Message),
            ),
            _ => None,
        }
    }
}

/// Resolves the deadlines with the run's properties and, for a run of a coordinator
/// action, its nominal time (`2026-11-22T10:00Z`).
pub fn deadlines(
    info: &SlaInfo,
    properties: &BTreeMap<String, String>,
    coord_nominal: Option<&str>,
) -> Result<Deadlines, String> {
    let ctx = SlaContext {
        properties,
        nominal: coord_nominal,
    };
    let nominal_text = el::eval_text(&info.nominal_time, &ctx)
        .map_err(|e| format!("the sla:info's nominal-time: {e}"))?;
    let nominal = crate::time::parse_oozie_time(&nominal_text)
        .map_err(|e| format!("the sla:info's nominal-time: {e}"))?;
    let minutes = |what: &str, text: &str| -> Result<i64, String> {
        let v = el::eval_template(text, &ctx).map_err(|e| format!("the sla:info's {what}: {e}"))?;
        let n = match &v {
            Value::Int(n) => *n,
            other => other.to_text().trim().parse().map_err(|_| {
                format!("the sla:info's {what} is not minutes: {}", other.to_text())
            })?,
        };
        if !(0..=366 * 24 * 60).contains(&n) {
            return Err(format!(
                "the sla:info's {what} is out of range: {n} minutes"
            ));
        }
        Ok(n * 60_000)
    };
    let after = |ms: i64| nominal + chrono::Duration::milliseconds(ms);
    Ok(Deadlines {
        nominal,
        start_by: info
            .should_start
            .as_deref()
            .map(|t| minutes("should-start", t).map(after))
            .transpose()?,
        end_by: after(minutes("should-end", &info.should_end)?),
        max_duration_ms: info
            .max_duration
            .as_deref()
            .map(|t| minutes("max-duration", t))
            .transpose()?,
    })
}

/// What a run has missed by `now`, given when it started and ended (ms since the epoch).
pub fn missed(d: &Deadlines, started: Option<i64>, ended: Option<i64>, now: i64) -> Vec<Miss> {
    let past = |by: DateTime<Utc>, at: Option<i64>| {
        let by = by.timestamp_millis();
        match at {
            Some(at) => at > by,
            None => now > by,
        }
    };
    let mut out = Vec::new();
    if d.start_by.is_some_and(|by| past(by, started)) {
        out.push(Miss::Start);
    }
    if past(d.end_by, ended) {
        out.push(Miss::End);
    }
    if let (Some(max), Some(start)) = (d.max_duration_ms, started)
        && ended.unwrap_or(now) - start > max
    {
        out.push(Miss::Duration);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    const WF_SLA: &str = r#"<sla:info xmlns:sla="uri:oozie:sla:0.2">
        <sla:nominal-time>${nominalTime}</sla:nominal-time>
        <sla:should-start>${10 * MINUTES}</sla:should-start>
        <sla:should-end>${2 * HOURS}</sla:should-end>
        <sla:max-duration>${duration}</sla:max-duration>
        <sla:alert-contact>ops@example.com</sla:alert-contact>
    </sla:info>"#;

    fn props(pairs: &[(&str, &str)]) -> BTreeMap<String, String> {
        pairs
            .iter()
            .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
            .collect()
    }

    fn ms(text: &str) -> i64 {
        crate::time::parse_oozie_time(text)
            .unwrap()
            .timestamp_millis()
    }

    #[test]
    fn deadlines_are_minutes_after_the_nominal_time() {
        let info = parse(WF_SLA).unwrap();
        let d = deadlines(
            &info,
            &props(&[("nominalTime", "2026-11-22T10:00Z"), ("duration", "90")]),
            None,
        )
        .unwrap();
        assert_eq!(
            d.start_by.unwrap().timestamp_millis(),
            ms("2026-11-22T10:10Z")
        );
        assert_eq!(d.end_by.timestamp_millis(), ms("2026-11-22T12:00Z"));
        assert_eq!(d.max_duration_ms, Some(90 * 60_000));
    }

    #[test]
    fn a_coordinator_action_s_sla_uses_its_nominal_time() {
        let info = parse(
            r#"<sla:info xmlns:sla="uri:oozie:sla:0.2"><sla:nominal-time>${coord:nominalTime()}</sla:nominal-time><sla:should-end>${1 * DAYS}</sla:should-end></sla:info>"#,
        )
        .unwrap();
        let d = deadlines(&info, &BTreeMap::new(), Some("2026-11-22T00:00Z")).unwrap();
        assert_eq!(d.end_by.timestamp_millis(), ms("2026-11-23T00:00Z"));
        assert_eq!(d.start_by, None);
        let err = deadlines(&info, &BTreeMap::new(), None).unwrap_err();
        assert!(err.contains("nominal-time"), "{err}");
    }

    #[test]
    fn misses_are_judged_on_when_it_started_and_ended_or_on_now() {
        let d = deadlines(
            &parse(WF_SLA).unwrap(),
            &props(&[("nominalTime", "2026-11-22T10:00Z"), ("duration", "30")]),
            None,
        )
        .unwrap();
        let t = |s: &str| Some(ms(s));
        // On time and quick.
        assert_eq!(
            missed(&d, t("2026-11-22T10:05Z"), t("2026-11-22T10:20Z"), 0),
            []
        );
        // Late to start, ran 50 minutes, ended before should-end.
        assert_eq!(
            missed(&d, t("2026-11-22T10:20Z"), t("2026-11-22T11:10Z"), 0),
            [Miss::Start, Miss::Duration]
        );
        // Not started yet at 10:11; still running at 12:01.
        assert_eq!(
            missed(&d, None, None, ms("2026-11-22T10:11Z")),
            [Miss::Start]
        );
        assert_eq!(
            missed(&d, t("2026-11-22T10:01Z"), None, ms("2026-11-22T12:01Z")),
            [Miss::End, Miss::Duration]
        );
    }

    #[test]
    fn bad_slas_are_refused_with_what_is_wrong() {
        assert!(
            parse("<sla:info xmlns:sla=\"uri:oozie:sla:0.2\"/>")
                .unwrap_err()
                .contains("nominal-time")
        );
        let info = parse(WF_SLA).unwrap();
        let err = deadlines(
            &info,
            &props(&[("nominalTime", "soon"), ("duration", "1")]),
            None,
        )
        .unwrap_err();
        assert!(err.contains("nominal-time"), "{err}");
        let err = deadlines(
            &info,
            &props(&[("nominalTime", "2026-11-22T10:00Z"), ("duration", "long")]),
            None,
        )
        .unwrap_err();
        assert!(err.contains("max-duration is not minutes"), "{err}");
    }
}
