//! Materialization: one action of a [`Job`] with its dataset instances resolved and its
//! configuration evaluated with the `coord:` functions (SEMANTICS B.8, B.9).

use std::sync::Arc;

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

use super::dataset::Dataset;
use super::hcat;
use super::resolve::{self, CoordError, Event, InstanceFn, InstanceSpec, Job, e, el_error, family};
use crate::el::{self, CallError, CallResult, Context, Value};
use crate::time::calendar::{self, Unit};
use crate::time::schedule::Slot;
use crate::time::{Zone, format_oozie_time, java_format, parse_oozie_time};

/// One materialized action.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Action {
    pub number: u64,
    /// Written as Oozie writes it (`2009-01-01T08:00Z`).
    #[serde(rename = "nominal_time", with = "oozie_time_text")]
    pub nominal: DateTime<Utc>,
    /// Per data-in, in document order, URIs newest first as `coord:dataIn` returns them;
    /// an instance that depends on which data exists (`latest`, `future`) is kept as
    /// written.
    pub inputs: Entries<Vec<String>>,
    pub outputs: Entries<Vec<String>>,
    /// In document order.
    pub configuration: Entries<String>,
}

/// Named values in document order, written as a JSON object. A scheduler holds many
/// actions at once: a vector of pairs costs one allocation where a map costs a node.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Entries<T>(pub Vec<(Arc<str>, T)>);

impl<T> Entries<T> {
    pub fn get(&self, name: &str) -> Option<&T> {
        self.0.iter().find(|(n, _)| **n == *name).map(|(_, v)| v)
    }
}

impl<T> std::ops::Index<&str> for Entries<T> {
    type Output = T;

    fn index(&self, name: &str) -> &T {
        self.get(name)
            .unwrap_or_else(|| panic!("no entry named [{name}]"))
    }
}

impl<T: Serialize> Serialize for Entries<T> {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        use serde::ser::SerializeMap;
        let mut map = s.serialize_map(Some(self.0.len()))?;
        for (k, v) in &self.0 {
            map.serialize_entry(&**k, v)?;
        }
        map.end()
    }
}

impl<'de, T: Deserialize<'de>> Deserialize<'de> for Entries<T> {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct Visitor<T>(std::marker::PhantomData<T>);
        impl<'de, T: Deserialize<'de>> serde::de::Visitor<'de> for Visitor<T> {
            type Value = Entries<T>;
            fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
                f.write_str("an object")
            }
            fn visit_map<A: serde::de::MapAccess<'de>>(
                self,
                mut a: A,
            ) -> Result<Entries<T>, A::Error> {
                let mut out = Vec::new();
                while let Some((k, v)) = a.next_entry::<String, T>()? {
                    out.push((Arc::from(k), v));
                }
                Ok(Entries(out))
            }
        }
        d.deserialize_map(Visitor(std::marker::PhantomData))
    }
}

/// Serde for a time as Oozie writes it.
mod oozie_time_text {
    use chrono::{DateTime, Utc};
    use serde::{Deserialize, Deserializer, Serializer};

    pub(super) fn serialize<S: Serializer>(t: &DateTime<Utc>, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(&crate::time::format_oozie_time(*t))
    }

    pub(super) fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<DateTime<Utc>, D::Error> {
        let text = String::deserialize(d)?;
        crate::time::parse_oozie_time(&text).map_err(serde::de::Error::custom)
    }
}

impl Job {
    /// The action for a slot: its data-in and data-out URIs and its configuration.
    /// `actual` is when the action is created (`coord:actualTime()`); `job_id` makes
    /// `coord:actionId()`.
    pub fn materialize(
        &self,
        slot: &Slot,
        actual: DateTime<Utc>,
        job_id: &str,
    ) -> Result<Action, CoordError> {
        let (in_ds, out_ds) = self.event_datasets.split_at(self.inputs.len());
        let resolve_all = |events: &[Event], datasets: &[Dataset]| {
            let mut pending = 0u128;
            let mut lists = Vec::with_capacity(events.len());
            for (i, (ev, ds)) in events.iter().zip(datasets).enumerate() {
                let mut uris = Vec::new();
                if resolve_event(self, ds, ev, slot.nominal, &mut uris)? {
                    pending |= 1 << i;
                }
                lists.push((ev.name.clone(), uris));
            }
            Ok::<_, CoordError>((Entries(lists), pending))
        };
        let (inputs, pending_in) = resolve_all(&self.inputs, in_ds)?;
        let (outputs, pending_out) = resolve_all(&self.outputs, out_ds)?;
        let configuration = self.configure(
            slot.number,
            slot.nominal,
            actual,
            job_id,
            (&inputs, pending_in),
            (&outputs, pending_out),
        )?;
        Ok(Action {
            number: slot.number,
            nominal: slot.nominal,
            inputs,
            outputs,
            configuration,
        })
    }

    /// An action's configuration over its data lists. Each list's bit in a `pending`
    /// mask says it still waits for `latest`/`future` data: what names it is kept as
    /// written. Once the data is found, the planner evaluates it again with the URIs.
    pub fn configure(
        &self,
        number: u64,
        nominal: DateTime<Utc>,
        actual: DateTime<Utc>,
        job_id: &str,
        inputs: (&Entries<Vec<String>>, u128),
        outputs: (&Entries<Vec<String>>, u128),
    ) -> Result<Entries<String>, CoordError> {
        let ctx = ActionContext {
            job: self,
            nominal,
            actual,
            job_id,
            number,
            inputs,
            outputs,
        };
        let mut configuration = Vec::with_capacity(self.configuration.len());
        for ((name, value), parsed) in self.configuration.iter().zip(&self.parsed_configuration) {
            let v = el::eval_segments(value, parsed, &ctx).map_err(|err| {
                el_error(
                    "E1004",
                    &format!("configuration property [{name}]"),
                    value,
                    err,
                )
            })?;
            configuration.push((Arc::from(name.as_str()), v.to_text()));
        }
        Ok(Entries(configuration))
    }
}

/// Appends the URIs of one data-in or data-out of an action; `true` if they depend on
/// which data exists (`latest`, `future`), in which case the expression is kept instead.
fn resolve_event(
    job: &Job,
    ds: &Dataset,
    ev: &Event,
    nominal: DateTime<Utc>,
    out: &mut Vec<String>,
) -> Result<bool, CoordError> {
    let concrete;
    let spec = if has_dynamic(&ev.spec) {
        concrete = evaluate_dynamic(job, ds, ev, nominal)?;
        &concrete
    } else {
        &ev.spec
    };
    let pending = |f: &InstanceFn| match f {
        InstanceFn::Latest(n) => Some(format!("${{coord:latest({n})}}")),
        InstanceFn::Future(n, l) => Some(format!("${{coord:future({n}, {l})}}")),
        _ => None,
    };
    let times = match spec {
        InstanceSpec::List(list) => {
            if let Some(p) = list.iter().find_map(pending) {
                out.push(p);
                return Ok(true);
            }
            if let [InstanceFn::Current(n)] = list.as_slice() {
                // The common case, without a list of times.
                out.extend(ds.current_one(nominal, *n).map(|t| ds.uri(t)));
                return Ok(false);
            }
            let mut times = Vec::new();
            for f in list {
                times.extend(single(ds, f, nominal)?);
            }
            times
        }
        InstanceSpec::Range(s, t) => {
            let err = |x: super::dataset::InstanceError| e("E1010", x.0);
            match (s, t) {
                (InstanceFn::Current(a), InstanceFn::Current(b)) => {
                    ds.current_range(nominal, *a, *b)
                }
                (InstanceFn::Offset(a, u), InstanceFn::Offset(b, v)) => {
                    ds.offset_range(nominal, (*a, *u), (*b, *v)).map_err(err)?
                }
                (InstanceFn::Absolute(start), InstanceFn::Current(b)) => {
                    ds.absolute_range(nominal, *start, *b).map_err(err)?
                }
                (InstanceFn::EndOf(p, n), InstanceFn::Current(b)) => {
                    ds.end_of_range(nominal, *p, *n, *b).map_err(err)?
                }
                (InstanceFn::Latest(a), InstanceFn::Latest(b)) => {
                    out.push(format!("${{coord:latestRange({a},{b})}}"));
                    return Ok(true);
                }
                (InstanceFn::Future(a, _), InstanceFn::Future(b, l)) => {
                    out.push(format!("${{coord:futureRange({a},{b},'{l}')}}"));
                    return Ok(true);
                }
                _ => unreachable!("checked at submit"),
            }
        }
    };
    out.extend(times.into_iter().map(|t| ds.uri(t)));
    Ok(false)
}

/// The job id a preview's `coord:actionId()` is made of, before there is a job: the same
/// in the browser and in `sluice coord preview`, so their previews compare equal.
pub const PREVIEW_JOB_ID: &str = "0000000-000000000000000-sluice-C";

impl Job {
    /// The actions after `cursor`-style start for a preview: the first `count` from the
    /// start, each created at its nominal time.
    pub fn preview(&self, count: usize, job_id: &str) -> Result<Vec<Action>, CoordError> {
        self.schedule
            .iter()
            .take(count)
            .map(|slot| self.materialize(&slot, slot.nominal, job_id))
            .collect()
    }
}

fn has_dynamic(spec: &InstanceSpec) -> bool {
    let dynamic = |f: &InstanceFn| matches!(f, InstanceFn::Dynamic { .. });
    match spec {
        InstanceSpec::List(list) => list.iter().any(dynamic),
        InstanceSpec::Range(s, t) => dynamic(s) || dynamic(t),
    }
}

/// Instances whose arguments use the dataset's day functions, evaluated at `nominal`.
fn evaluate_dynamic(
    job: &Job,
    ds: &Dataset,
    ev: &Event,
    nominal: DateTime<Utc>,
) -> Result<InstanceSpec, CoordError> {
    let ctx = InstanceContext { job, ds, nominal };
    let kind = if job.inputs.iter().any(|i| i.name == ev.name) {
        "data-in"
    } else {
        "data-out"
    };
    let eval = |f: &InstanceFn| -> Result<InstanceFn, CoordError> {
        let out = match f {
            InstanceFn::Dynamic { text, .. } => resolve::instance_fn(text, kind, &ev.name, &ctx)?,
            other => other.clone(),
        };
        resolve::check_arguments(&out)?;
        Ok(out)
    };
    Ok(match &ev.spec {
        InstanceSpec::List(list) => {
            InstanceSpec::List(list.iter().map(eval).collect::<Result<_, _>>()?)
        }
        InstanceSpec::Range(s, t) => {
            let (s, t) = (eval(s)?, eval(t)?);
            resolve::check_range(&s, &t)?;
            InstanceSpec::Range(s, t)
        }
    })
}

/// What instance arguments may use at materialization: job properties and the
/// dataset's `coord:hoursInDay`, `coord:daysInMonth` and `coord:tzOffset`.
struct InstanceContext<'a> {
    job: &'a Job,
    ds: &'a Dataset,
    nominal: DateTime<Utc>,
}

impl Context for InstanceContext<'_> {
    fn variable(&self, name: &str) -> Option<Value> {
        resolve::unit_constant(name)
            .or_else(|| self.job.properties.get(name).map(|v| Value::Str(v.clone())))
    }

    fn call(&self, prefix: Option<&str>, name: &str, args: &[Value]) -> Option<CallResult> {
        if prefix != Some("coord") {
            return None;
        }
        let n = || {
            args.first()
                .map_or(Ok(0), Value::to_int)
                .map_err(CallError::Message)
        };
        Some(match name {
            "hoursInDay" => n().map(|n| Value::Int(self.ds.hours_in_day(self.nominal, n))),
            "daysInMonth" => n().map(|n| Value::Int(self.ds.days_in_month(self.nominal, n))),
            "tzOffset" => Ok(Value::Int(
                self.ds.tz_offset(&self.job.schedule.zone, self.nominal),
            )),
            "user" => Ok(Value::Str(self.job.user.clone())),
            _ => return None,
        })
    }
}

/// One instance function on its own (`<instance>`).
fn single(
    ds: &Dataset,
    f: &InstanceFn,
    nominal: DateTime<Utc>,
) -> Result<Vec<DateTime<Utc>>, CoordError> {
    Ok(match f {
        InstanceFn::Current(n) => ds.current_range(nominal, *n, *n),
        InstanceFn::Offset(n, u) => ds.offset(nominal, *n, *u).into_iter().collect(),
        InstanceFn::Absolute(t) => vec![*t],
        InstanceFn::Dynamic { .. } => unreachable!("evaluated before"),
        InstanceFn::EndOf(..) | InstanceFn::Latest(_) | InstanceFn::Future(..) => {
            return Err(e(
                "E1010",
                format!("coord:{} can only be a start-instance", family(f)),
            ));
        }
    })
}

struct ActionContext<'a> {
    job: &'a Job,
    nominal: DateTime<Utc>,
    actual: DateTime<Utc>,
    job_id: &'a str,
    number: u64,
    /// The lists, and a bit per list still pending.
    inputs: (&'a Entries<Vec<String>>, u128),
    outputs: (&'a Entries<Vec<String>>, u128),
}

impl ActionContext<'_> {
    /// The URIs of a data-in (or input-logic operator) or data-out; `Deferred` while they
    /// depend on which data exists.
    fn uris(&self, input: bool, key: &str) -> Result<&[String], CallError> {
        let (lists, pending) = if input { self.inputs } else { self.outputs };
        match lists.0.iter().position(|(n, _)| **n == *key) {
            Some(i) if pending & (1 << i) != 0 => Err(CallError::Deferred),
            Some(i) => Ok(&lists.0[i].1),
            // An input-logic operator picks its operands by what is available.
            None if input && self.job.logic_names.iter().any(|n| n == key) => {
                Err(CallError::Deferred)
            }
            None => Err(CallError::Message(format!(
                "no data-{} named [{key}]",
                if input { "in" } else { "out" }
            ))),
        }
    }

    /// The HCatalog functions (`HCatELFunctions`) over `hcat://server/db/table/k=v;…` URIs.
    fn hcat(&self, name: &str, args: &[Value]) -> CallResult {
        arity(args, if name == "dataOutPartitions" { 1 } else { 2 })?;
        let key = args[0].to_text();
        let second = args.get(1).map(Value::to_text).unwrap_or_default();
        let uris = self.uris(name.starts_with("dataIn"), &key)?;
        let parsed = uris
            .iter()
            .map(|u| hcat::HCatUri::parse(u))
            .collect::<Result<Vec<_>, _>>()
            .map_err(CallError::Message)?;
        let text = match name {
            "dataInPartitionFilter" => parsed
                .iter()
                .map(|u| u.partition_filter(&second))
                .collect::<Vec<_>>()
                .join(" OR "),
            "dataInPartitionMin" | "dataInPartitionMax" => {
                let values = parsed
                    .iter()
                    .map(|u| u.partition(&second))
                    .collect::<Option<Vec<_>>>()
                    .filter(|v| !v.is_empty())
                    .ok_or_else(|| {
                        CallError::Message(format!(
                            "No value in data-in uri for partition key: {second}"
                        ))
                    })?;
                let pick = if name.ends_with("Min") {
                    values.iter().min()
                } else {
                    values.iter().max()
                };
                pick.map(|v| (*v).to_owned()).unwrap_or_default()
            }
            "dataInPartitions" => {
                if second != "hive-export" {
                    return Err(CallError::Message(format!(
                        "Unsupported type: {second} dataset name: {key}"
                    )));
                }
                if parsed.len() > 1 {
                    return Err(CallError::Message(format!(
                        "Multiple partitions not supported for hive-export type. Dataset name: {key}"
                    )));
                }
                parsed
                    .first()
                    .map(hcat::HCatUri::partition_values)
                    .unwrap_or_default()
            }
            "dataOutPartitions" => parsed
                .first()
                .map(hcat::HCatUri::partition_string)
                .unwrap_or_default(),
            _ => parsed
                .first()
                .and_then(|u| u.partition(&second))
                .unwrap_or_default()
                .to_owned(),
        };
        Ok(Value::Str(text))
    }
}

impl Context for ActionContext<'_> {
    fn variable(&self, name: &str) -> Option<Value> {
        self.job.properties.get(name).map(|v| Value::Str(v.clone()))
    }

    fn call(&self, prefix: Option<&str>, name: &str, args: &[Value]) -> Option<CallResult> {
        if prefix != Some("coord") {
            return None;
        }
        // Oozie's EL refuses a call with the wrong number of arguments at parse time.
        let text = |s: String| arity(args, 0).map(|()| Value::Str(s));
        Some(match name {
            "nominalTime" => text(format_oozie_time(self.nominal)),
            "actualTime" => text(format_oozie_time(self.actual)),
            "user" => text(self.job.user.clone()),
            "name" => text(self.job.name.clone()),
            "actionId" => text(format!("{}@{}", self.job_id, self.number)),
            "conf" => arity(args, 1).map(|()| {
                self.job
                    .properties
                    .get(&args[0].to_text())
                    .map_or(Value::Null, |v| Value::Str(v.clone()))
            }),
            "dataIn" | "dataOut" => arity(args, 1).and_then(|()| {
                self.uris(name == "dataIn", &args[0].to_text())
                    .map(|uris| Value::Str(uris.join(",")))
            }),
            "databaseIn" | "databaseOut" | "tableIn" | "tableOut" => {
                if let Err(e) = arity(args, 1) {
                    return Some(Err(e));
                }
                let key = args[0].to_text();
                let input = name.ends_with("In");
                self.uris(input, &key).and_then(|uris| {
                    let Some(first) = uris.first() else {
                        return Ok(Value::Str(String::new()));
                    };
                    let uri = hcat::HCatUri::parse(first).map_err(CallError::Message)?;
                    let part = if name.starts_with("database") {
                        uri.db
                    } else {
                        uri.table
                    };
                    Ok(Value::Str(part.to_owned()))
                })
            }
            "dataInPartitionFilter"
            | "dataInPartitionMin"
            | "dataInPartitionMax"
            | "dataInPartitions"
            | "dataOutPartitions"
            | "dataOutPartitionValue" => self.hcat(name, args),
            "dateOffset" => date_offset(args),
            "dateTzOffset" => date_tz_offset(args),
            "formatTime" => format_time(args),
            "epochTime" => epoch_time(args),
            _ => return None,
        })
    }
}

fn arg_time(args: &[Value], i: usize) -> Result<DateTime<Utc>, CallError> {
    let s = args.get(i).map(Value::to_text).unwrap_or_default();
    parse_oozie_time(&s).map_err(|err| CallError::Message(err.to_string()))
}

fn arity(args: &[Value], n: usize) -> Result<(), CallError> {
    el::check_arity(args, n).map_err(CallError::Message)
}

/// `coord:dateOffset(base, n, unit)`: `Calendar.add` in UTC.
pub(super) fn date_offset(args: &[Value]) -> CallResult {
    arity(args, 3)?;
    let base = arg_time(args, 0)?;
    let n = args[1].to_int().map_err(CallError::Message)?;
    let unit_name = args[2].to_text();
    let unit = match unit_name.as_str() {
        "END_OF_DAY" => Some(Unit::Day),
        "END_OF_WEEK" => Some(Unit::Week),
        "END_OF_MONTH" => Some(Unit::Month),
        other => Unit::parse(other),
    }
    .ok_or_else(|| {
        CallError::Message(format!(
            "the unit [{unit_name}] must be MINUTE, HOUR, DAY, WEEK, MONTH or YEAR"
        ))
    })?;
    calendar::add(base, &Zone::UTC, unit, n)
        .map(|t| Value::Str(format_oozie_time(t)))
        .ok_or_else(|| CallError::Message("the result is out of range".into()))
}

/// `coord:dateTzOffset(base, tz)`: the wall time in `tz`, printed with Oozie's `Z`.
pub(super) fn date_tz_offset(args: &[Value]) -> CallResult {
    arity(args, 2)?;
    let base = arg_time(args, 0)?;
    let zone =
        Zone::parse(&args[1].to_text()).map_err(|err| CallError::Message(err.to_string()))?;
    Ok(Value::Str(format_oozie_time(zone.local(base).and_utc())))
}

fn format_time(args: &[Value]) -> CallResult {
    arity(args, 2)?;
    let t = arg_time(args, 0)?;
    java_format::format(t, &args[1].to_text())
        .map(Value::Str)
        .map_err(CallError::Message)
}

fn epoch_time(args: &[Value]) -> CallResult {
    arity(args, 2)?;
    let t = arg_time(args, 0)?;
    let millis = args[1].to_text().eq_ignore_ascii_case("true");
    let v = if millis {
        t.timestamp_millis()
    } else {
        t.timestamp()
    };
    Ok(Value::Str(v.to_string()))
}
