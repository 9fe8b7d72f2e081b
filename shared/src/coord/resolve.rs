//! A coordinator as Oozie submits it: attributes evaluated and checked ([`resolve`]) into a
//! [`Job`], which [`super::materialize`] turns into actions.
//!
//! The preview in the browser, `sluice coord preview` and the server's scheduler all call
//! these two functions; there is no second implementation to disagree with.

use std::cell::Cell;
use std::collections::BTreeMap;
use std::sync::Arc;

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

use super::dataset::{Dataset, DoneFlag};
use super::materialize;
use super::{Coordinator, DatasetDef, Instances};
use crate::el::{self, CallError, CallResult, Context, Expr, Kind, Segment, Value};
use crate::time::calendar::{EndOf, Unit};
use crate::time::cron::{self, Cron};
use crate::time::frequency::{Every, Frequency};
use crate::time::schedule::Schedule;
use crate::time::{Zone, format_oozie_time, parse_oozie_time};

/// A submit-time or materialization error, with Oozie's code.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, thiserror::Error)]
#[error("{code}: {message}")]
pub struct CoordError {
    pub code: String,
    pub message: String,
}

/// Oozie's EL constants `MINUTE`, `HOUR`, `DAY`, `MONTH`, `YEAR` (written bare, as in
/// `coord:offset(-4, DAY)`), which evaluate to their own names.
pub(super) fn unit_constant(name: &str) -> Option<Value> {
    ["MINUTE", "HOUR", "DAY", "MONTH", "YEAR"]
        .contains(&name)
        .then(|| Value::Str(name.to_owned()))
}

pub(super) fn e(code: &str, message: impl Into<String>) -> CoordError {
    CoordError {
        code: code.to_owned(),
        message: message.into(),
    }
}

/// Oozie's `Execution` order for READY actions.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum Execution {
    Fifo,
    Lifo,
    LastOnly,
    None,
}

/// Controls with Oozie's defaults and clamping applied (SEMANTICS B.6).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct Controls {
    /// Minutes a WAITING action waits for its data; never negative (Oozie stores 86400 for
    /// "forever").
    pub timeout: i64,
    /// Actions running at once; -1 is unlimited.
    pub concurrency: i64,
    pub execution: Execution,
    /// WAITING actions materialized ahead.
    pub throttle: i64,
}

pub const DEFAULT_TIMEOUT: i64 = 120;
pub const MAX_TIMEOUT: i64 = 86_400;
pub const DEFAULT_CONCURRENCY: i64 = 1;
pub const DEFAULT_THROTTLE: i64 = 12;
/// `queue.size × throttling.factor` = 10000 × 0.05.
pub const MAX_THROTTLE: i64 = 500;

/// Which instances a data-in or data-out asks for, with arguments evaluated.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum InstanceFn {
    /// Arguments that use `coord:hoursInDay`, `coord:daysInMonth` or `coord:tzOffset`,
    /// which depend on the action's nominal time: evaluated per action. `family` is the
    /// function's name (`current`, `offset`, …).
    Dynamic {
        family: &'static str,
        text: String,
    },
    Current(i64),
    Offset(i64, Unit),
    Latest(i64),
    Future(i64, i64),
    Absolute(DateTime<Utc>),
    EndOf(EndOf, i64),
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum InstanceSpec {
    List(Vec<InstanceFn>),
    Range(InstanceFn, InstanceFn),
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Event {
    /// Shared with every action's lists, which name it too.
    pub name: Arc<str>,
    pub dataset: String,
    pub spec: InstanceSpec,
    /// A data-out whose directories a coordinator rerun leaves alone (`nocleanup="true"`).
    pub nocleanup: bool,
}

/// A coordinator ready to materialize.
#[derive(Debug, Clone)]
pub struct Job {
    pub name: String,
    pub user: String,
    pub schedule: Schedule,
    pub controls: Controls,
    pub datasets: BTreeMap<String, Dataset>,
    pub inputs: Vec<Event>,
    pub outputs: Vec<Event>,
    pub app_path: String,
    pub configuration: Vec<(String, String)>,
    /// Job properties with the coordinator's parameter defaults.
    pub properties: BTreeMap<String, String>,
    /// `configuration` values parsed once, not once per action.
    pub(super) parsed_configuration: Vec<Vec<Segment>>,
    /// The dataset of each input, then of each output: looked up once, not per action.
    pub(super) event_datasets: Vec<Dataset>,
    /// Names of input-logic operators (`coord:dataIn` may name them).
    pub(super) logic_names: Vec<String>,
}

// ---------------------------------------------------------------------------------------
// Submit.

/// EL over job properties plus a fixed set of `coord:` functions, for submit-time groups.
struct Submit<'a> {
    props: &'a BTreeMap<String, String>,
    user: &'a str,
    /// The unit the last frequency function set (`coord-job-submit-freq`).
    unit: Cell<Option<(Unit, Option<EndOf>)>>,
    group: Group,
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum Group {
    Frequency,
    Timeout,
    Plain,
    InitialInstance,
    /// URI templates: the date variables stay for materialization.
    UriTemplate,
    /// Instance function arguments.
    Instance,
}

impl Context for Submit<'_> {
    fn variable(&self, name: &str) -> Option<Value> {
        if self.group == Group::UriTemplate
            && ["YEAR", "MONTH", "DAY", "HOUR", "MINUTE"].contains(&name)
        {
            return Some(Value::Str(format!("${{{name}}}")));
        }
        if matches!(self.group, Group::Plain | Group::Instance)
            && let Some(unit) = unit_constant(name)
        {
            return Some(unit);
        }
        self.props.get(name).map(|v| Value::Str(v.clone()))
    }

    fn call(&self, prefix: Option<&str>, name: &str, args: &[Value]) -> Option<CallResult> {
        if prefix != Some("coord") {
            return None;
        }
        let int = |i: usize| {
            args.get(i)
                .ok_or_else(|| "missing argument".to_owned())
                .and_then(Value::to_int)
        };
        let positive = || {
            let n = int(0)?;
            if n <= 0 {
                return Err(format!("must be greater than 0, found {n}"));
            }
            Ok(n)
        };
        let result: Result<Value, String> = match (self.group, name) {
            (_, "user") => Ok(Value::Str(self.user.to_owned())),
            (_, "conf") => Ok(args
                .first()
                .and_then(|a| self.props.get(&a.to_text()))
                .map_or(Value::Null, |v| Value::Str(v.clone()))),
            (Group::Frequency, _) => {
                let (unit, end, factor) = match name {
                    "minutes" => (Unit::Minute, None, 1),
                    "hours" => (Unit::Minute, None, 60),
                    "days" => (Unit::Day, None, 1),
                    "months" => (Unit::Month, None, 1),
                    "endOfDays" => (Unit::Day, Some(EndOf::Day), 1),
                    "endOfWeeks" => (Unit::Week, Some(EndOf::Week), 1),
                    "endOfMonths" => (Unit::Month, Some(EndOf::Month), 1),
                    _ => return None,
                };
                positive().and_then(|n| {
                    self.unit.set(Some((unit, end)));
                    n.checked_mul(factor)
                        .map(Value::Int)
                        .ok_or_else(|| "too large".to_owned())
                })
            }
            (Group::Timeout, _) => {
                let factor = match name {
                    "minutes" => 1,
                    "hours" => 60,
                    "days" => 1440,
                    "months" => 43_200,
                    _ => return None,
                };
                int(0).and_then(|n| {
                    n.checked_mul(factor)
                        .map(Value::Int)
                        .ok_or_else(|| "too large".to_owned())
                })
            }
            // Known only per action (see `InstanceFn::Dynamic`).
            (Group::Instance, "hoursInDay" | "daysInMonth" | "tzOffset") => {
                return Some(Err(CallError::Deferred));
            }
            (Group::InitialInstance, "dateOffset") => return Some(materialize::date_offset(args)),
            (Group::InitialInstance, "dateTzOffset") => {
                return Some(materialize::date_tz_offset(args));
            }
            _ => return None,
        };
        Some(result.map_err(CallError::Message))
    }
}

pub(super) fn el_error(code: &str, what: &str, text: &str, err: el::ElError) -> CoordError {
    e(code, format!("{what} [{text}]: {err}"))
}

impl Submit<'_> {
    fn eval(&self, what: &str, text: &str) -> Result<Value, CoordError> {
        el::eval_template(text, self).map_err(|err| el_error("E1004", what, text, err))
    }
}

/// The frequency of a coordinator or dataset.
fn frequency(
    ctx: &Submit,
    what: &str,
    text: &str,
    cron_allowed: bool,
) -> Result<Frequency, CoordError> {
    ctx.unit.set(None);
    let value = ctx.eval(what, text)?;
    let unit = ctx.unit.get();
    if let Ok(n) = value.to_int() {
        if n <= 0 {
            return Err(e(
                "E1003",
                format!("{what} [{text}] must be greater than 0"),
            ));
        }
        let (unit, end_of) = unit.unwrap_or((Unit::Minute, None));
        return Ok(Frequency::Every(Every { n, unit, end_of }));
    }
    let text_value = value.to_text();
    if !cron_allowed {
        return Err(e(
            "E1003",
            format!(
                "{what} [{text}] must be a whole number of minutes or a coord: frequency function; datasets cannot use a cron"
            ),
        ));
    }
    // A Quartz cron with seconds (as DolphinScheduler users write it) is taken in its
    // five-field form; the export writes that form (see `xml::oozie_frequency`).
    let five = if text_value.split_whitespace().count() > 5 {
        cron::from_quartz(&text_value).map_err(|err| e("E1003", format!("{what}: {err}")))?
    } else {
        text_value
    };
    Cron::parse(&five)
        .map(Frequency::Cron)
        .map_err(|err| e("E1003", format!("{what}: {err}")))
}

fn datetime(ctx: &Submit, what: &str, text: &str) -> Result<DateTime<Utc>, CoordError> {
    let v = ctx.eval(what, text)?.to_text();
    parse_oozie_time(&v).map_err(|err| e("E1003", format!("{what}: {err}")))
}

fn zone(ctx: &Submit, what: &str, text: &str) -> Result<Zone, CoordError> {
    let v = ctx.eval(what, text)?.to_text();
    Zone::parse(&v).map_err(|err| e("E1003", format!("{what}: {err}")))
}

/// A frequency attribute as Oozie evaluates it (`coord-job-submit-freq`): a number with the
/// unit its function set, or a cron. Datasets pass `cron_allowed = false`.
pub fn parse_frequency(
    text: &str,
    properties: &BTreeMap<String, String>,
    cron_allowed: bool,
) -> Result<Frequency, CoordError> {
    let ctx = Submit {
        props: properties,
        user: "",
        unit: Cell::new(None),
        group: Group::Frequency,
    };
    frequency(&ctx, "frequency", text, cron_allowed)
}

/// Evaluates and checks a coordinator as Oozie's `CoordSubmitXCommand` does.
/// `properties` are job.properties; `user` is who submits (`coord:user()`);
/// `included` the datasets of `<include>`d files.
pub fn resolve(
    c: &Coordinator,
    included: &[DatasetDef],
    properties: &BTreeMap<String, String>,
    user: &str,
) -> Result<Job, CoordError> {
    let mut props = properties.clone();
    props
        .entry("user.name".to_owned())
        .or_insert_with(|| user.to_owned());
    for p in &c.parameters {
        if props.contains_key(&p.name) {
            continue;
        }
        match &p.value {
            Some(v) => {
                props.insert(p.name.clone(), v.clone());
            }
            None => {
                return Err(e(
                    "E1004",
                    format!(
                        "the parameter [{}] has no value: set it in job.properties",
                        p.name
                    ),
                ));
            }
        }
    }
    let props = expand_variables(&props);
    let ctx = |group| Submit {
        props: &props,
        user,
        unit: Cell::new(None),
        group,
    };
    let plain = ctx(Group::Plain);
    let name = plain.eval("name", &c.name)?.to_text();
    let start = datetime(&plain, "start", &c.start)?;
    let end = datetime(&plain, "end", &c.end)?;
    let job_zone = zone(&plain, "timezone", &c.timezone)?;
    let freq = frequency(&ctx(Group::Frequency), "frequency", &c.frequency, true)?;
    let schedule = Schedule {
        start,
        end,
        zone: job_zone,
        frequency: freq,
        pause: None,
    };
    schedule.check(true).map_err(|err| {
        e(
            err.code,
            format!(
                "Invalid coordinator application attributes, {}",
                err.message
            ),
        )
    })?;
    let controls = controls(c, &ctx(Group::Timeout), &plain)?;

    let mut datasets = BTreeMap::new();
    let mut own = std::collections::BTreeSet::new();
    for d in &c.datasets {
        if !own.insert(d.name.as_str()) {
            return Err(e(
                "E1010",
                format!("the dataset [{}] is defined twice", d.name),
            ));
        }
    }
    let mut from_includes = std::collections::BTreeSet::new();
    for d in included {
        if !from_includes.insert(d.name.as_str()) {
            return Err(e(
                "E1010",
                format!(
                    "the dataset [{}] is defined twice in the included files",
                    d.name
                ),
            ));
        }
    }
    // The coordinator's own definitions win over included ones.
    for d in included
        .iter()
        .filter(|d| !own.contains(d.name.as_str()))
        .chain(&c.datasets)
    {
        datasets.insert(d.name.clone(), dataset(d, &ctx)?);
    }

    let instance_ctx = ctx(Group::Instance);
    let mut inputs = Vec::new();
    for d in &c.inputs {
        if !datasets.contains_key(&d.dataset) {
            return Err(e(
                "E1010",
                format!(
                    "data-in [{}] refers to the undefined dataset [{}]",
                    d.name, d.dataset
                ),
            ));
        }
        let spec = match &d.instances {
            Instances::List(list) => {
                let fns: Vec<InstanceFn> = list
                    .iter()
                    .map(|i| instance_fn(i, "data-in", &d.name, &instance_ctx))
                    .collect::<Result<_, _>>()?;
                fns.iter().try_for_each(check_arguments)?;
                InstanceSpec::List(fns)
            }
            Instances::Range { start, end } => {
                let s = instance_fn(start, "data-in", &d.name, &instance_ctx)?;
                let t = instance_fn(end, "data-in", &d.name, &instance_ctx)?;
                check_range(&s, &t)?;
                check_arguments(&s)?;
                check_arguments(&t)?;
                InstanceSpec::Range(s, t)
            }
        };
        inputs.push(Event {
            name: Arc::from(d.name.as_str()),
            dataset: d.dataset.clone(),
            spec,
            nocleanup: false,
        });
    }
    let mut outputs = Vec::new();
    for d in &c.outputs {
        if !datasets.contains_key(&d.dataset) {
            return Err(e(
                "E1010",
                format!(
                    "data-out [{}] refers to the undefined dataset [{}]",
                    d.name, d.dataset
                ),
            ));
        }
        let f = instance_fn(&d.instance, "data-out", &d.name, &instance_ctx)?;
        if !matches!(family(&f), "current" | "offset") {
            return Err(e(
                "E1021",
                format!(
                    "data-out [{}] instance must be coord:current or coord:offset",
                    d.name
                ),
            ));
        }
        outputs.push(Event {
            name: Arc::from(d.name.as_str()),
            dataset: d.dataset.clone(),
            spec: InstanceSpec::List(vec![f]),
            nocleanup: d.nocleanup.unwrap_or(false),
        });
    }
    if inputs.len() > MAX_EVENTS || outputs.len() > MAX_EVENTS {
        return Err(e(
            "E1010",
            format!(
                "a coordinator may have at most {MAX_EVENTS} data-ins and {MAX_EVENTS} data-outs"
            ),
        ));
    }
    // coord:dataIn/dataOut names are checked at submit.
    let logic = logic_names(&c.input_logic);
    let known_in: Vec<&str> = inputs
        .iter()
        .map(|i| &*i.name)
        .chain(logic.iter().map(String::as_str))
        .collect();
    let known_out: Vec<&str> = outputs.iter().map(|o| &*o.name).collect();
    let mut parsed_configuration = Vec::with_capacity(c.configuration.len());
    for p in &c.configuration {
        let what = || format!("configuration property [{}]", p.name);
        let parsed = el::parse_template(&p.value)
            .map_err(|err| el_error("E1004", &what(), &p.value, err))?;
        check_data_names(&parsed, &known_in, &known_out)
            .map_err(|m| e("E1004", format!("{}: {m}", what())))?;
        parsed_configuration.push(parsed);
    }
    let event_datasets = inputs
        .iter()
        .chain(&outputs)
        .map(|ev| datasets[&ev.dataset].clone())
        .collect();
    Ok(Job {
        logic_names: logic,
        name,
        user: user.to_owned(),
        schedule,
        controls,
        datasets,
        inputs,
        outputs,
        event_datasets,
        app_path: c.app_path.clone(),
        configuration: c
            .configuration
            .iter()
            .map(|p| (p.name.clone(), p.value.clone()))
            .collect(),
        parsed_configuration,
        properties: props,
    })
}

/// The most data-ins (or data-outs) a coordinator may have: which of an action's lists
/// are still pending (`latest`, `future`) is one bit each.
const MAX_EVENTS: usize = 128;

fn logic_names(logic: &[super::Logic]) -> Vec<String> {
    let mut out = Vec::new();
    for l in logic {
        out.extend(l.name.clone());
        out.extend(logic_names(&l.children));
    }
    out
}

/// Hadoop's `Configuration` variable expansion, which Oozie's job configuration goes
/// through before any EL: `${name}` inside a property's value is replaced by that
/// property, to a depth of 20 (`Configuration.MAX_SUBST`); names that are not properties
/// (EL functions, `${YEAR}`) are left alone.
fn expand_variables(props: &BTreeMap<String, String>) -> BTreeMap<String, String> {
    let expand_once = |value: &str| -> Option<String> {
        let mut out = String::new();
        let mut rest = value;
        let mut changed = false;
        while let Some(i) = rest.find("${") {
            let after = &rest[i + 2..];
            let Some(end) = after.find('}') else { break };
            let name = &after[..end];
            let valid = !name.is_empty() && !name.contains(['$', ' ', '{']);
            match props.get(name).filter(|_| valid) {
                Some(v) => {
                    out.push_str(&rest[..i]);
                    out.push_str(v);
                    changed = true;
                }
                None => out.push_str(&rest[..i + 3 + end]),
            }
            rest = &after[end + 1..];
        }
        out.push_str(rest);
        changed.then_some(out)
    };
    props
        .iter()
        .map(|(k, v)| {
            let mut value = v.clone();
            for _ in 0..20 {
                match expand_once(&value) {
                    Some(next) if next.len() <= 1 << 20 => value = next,
                    _ => break,
                }
            }
            (k.clone(), value)
        })
        .collect()
}

fn controls(c: &Coordinator, timeout_ctx: &Submit, plain: &Submit) -> Result<Controls, CoordError> {
    let int = |what: &str,
               text: &Option<String>,
               ctx: &Submit,
               default: i64|
     -> Result<i64, CoordError> {
        match text {
            None => Ok(default),
            Some(t) => ctx
                .eval(what, t)?
                .to_int()
                .map_err(|m| e("E1003", format!("{what} [{t}]: {m}"))),
        }
    };
    let timeout = int("timeout", &c.controls.timeout, timeout_ctx, DEFAULT_TIMEOUT)?;
    let concurrency = int(
        "concurrency",
        &c.controls.concurrency,
        plain,
        DEFAULT_CONCURRENCY,
    )?;
    let throttle = int("throttle", &c.controls.throttle, plain, DEFAULT_THROTTLE)?;
    let execution = match &c.controls.execution {
        None => Execution::Fifo,
        Some(t) => match plain.eval("execution", t)?.to_text().as_str() {
            "FIFO" => Execution::Fifo,
            "LIFO" => Execution::Lifo,
            "LAST_ONLY" => Execution::LastOnly,
            "NONE" => Execution::None,
            other => {
                return Err(e(
                    "E1003",
                    format!(
                        "execution [{other}] must be FIFO, LIFO, LAST_ONLY or NONE (in capitals)"
                    ),
                ));
            }
        },
    };
    Ok(Controls {
        timeout: if !(0..=MAX_TIMEOUT).contains(&timeout) {
            MAX_TIMEOUT
        } else {
            timeout
        },
        concurrency,
        execution,
        throttle: if !(1..=MAX_THROTTLE).contains(&throttle) {
            MAX_THROTTLE
        } else {
            throttle
        },
    })
}

fn dataset<'a>(d: &DatasetDef, ctx: &dyn Fn(Group) -> Submit<'a>) -> Result<Dataset, CoordError> {
    let what = |attr: &str| format!("dataset [{}] {attr}", d.name);
    let Frequency::Every(every) = frequency(
        &ctx(Group::Frequency),
        &what("frequency"),
        &d.frequency,
        false,
    )?
    else {
        unreachable!("crons are refused for datasets")
    };
    let initial = datetime(
        &ctx(Group::InitialInstance),
        &what("initial-instance"),
        &d.initial_instance,
    )?;
    if initial < DateTime::<Utc>::UNIX_EPOCH {
        return Err(e(
            "E1021",
            format!(
                "Dataset initial-instance {} is earlier than the default initial instance 1970-01-01T00:00Z",
                format_oozie_time(initial)
            ),
        ));
    }
    let plain = ctx(Group::Plain);
    let zone = zone(&plain, &what("timezone"), &d.timezone)?;
    let uri_template = ctx(Group::UriTemplate)
        .eval(&what("uri-template"), &d.uri_template)?
        .to_text();
    let done_flag = match d.done_flag.as_deref() {
        None => DoneFlag::Default,
        Some("") => DoneFlag::Directory,
        Some(f) => DoneFlag::File(plain.eval(&what("done-flag"), f)?.to_text()),
    };
    Ok(Dataset {
        name: d.name.clone(),
        every,
        initial_instance: initial,
        zone,
        uri_template,
        done_flag,
    })
}

/// Reads one `<instance>`, `<start-instance>` or `<end-instance>`: exactly one instance
/// function, its arguments evaluated (E1021 otherwise, as Oozie checks at submit).
pub(super) fn instance_fn(
    text: &str,
    kind: &str,
    event: &str,
    ctx: &dyn Context,
) -> Result<InstanceFn, CoordError> {
    let bad = |m: String| e("E1021", format!("{kind} [{event}] instance '{text}': {m}"));
    if text.trim().is_empty() {
        return Err(bad("the instance is empty".into()));
    }
    let segments = el::parse_template(text.trim()).map_err(|err| bad(err.to_string()))?;
    let [
        Segment::Expr(
            Expr {
                kind:
                    Kind::Call {
                        prefix: Some(p),
                        name,
                        args,
                    },
                ..
            },
            _,
        ),
    ] = segments.as_slice()
    else {
        return Err(bad(
            "write exactly one instance function, such as ${coord:current(0)}".into(),
        ));
    };
    if p != "coord" {
        return Err(bad(format!("{p}:{name} is not an instance function")));
    }
    let family = match name.as_str() {
        "current" => "current",
        "offset" => "offset",
        "latest" => "latest",
        "future" => "future",
        "absolute" => "absolute",
        "endOfMonths" | "endOfWeeks" | "endOfDays" => "endOf",
        other => return Err(bad(format!("coord:{other} is not an instance function"))),
    };
    let mut values = Vec::with_capacity(args.len());
    for a in args {
        match el::eval_expr_deferrable(text.trim(), a, ctx).map_err(|err| bad(err.to_string()))? {
            Some(v) => values.push(v),
            None => {
                return Ok(InstanceFn::Dynamic {
                    family,
                    text: text.trim().to_owned(),
                });
            }
        }
    }
    let int = |i: usize| -> Result<i64, CoordError> {
        values
            .get(i)
            .ok_or_else(|| bad(format!("coord:{name} needs more arguments")))?
            .to_int()
            .map_err(bad)
    };
    let arity =
        |n: usize| el::check_arity(&values, n).map_err(|m| bad(format!("coord:{name} {m}")));
    Ok(match name.as_str() {
        "current" => {
            arity(1)?;
            InstanceFn::Current(int(0)?)
        }
        "offset" => {
            arity(2)?;
            let unit = values[1].to_text();
            let unit = Unit::parse(&unit).filter(|u| *u != Unit::Week).ok_or_else(|| {
                bad(format!("Unable to evaluate: the unit [{unit}] must be MINUTE, HOUR, DAY, MONTH or YEAR"))
            })?;
            InstanceFn::Offset(int(0)?, unit)
        }
        "latest" => {
            arity(1)?;
            InstanceFn::Latest(int(0)?)
        }
        "future" => {
            arity(2)?;
            InstanceFn::Future(int(0)?, int(1)?)
        }
        "absolute" => {
            arity(1)?;
            let t = parse_oozie_time(&values[0].to_text()).map_err(|err| bad(err.to_string()))?;
            InstanceFn::Absolute(t)
        }
        "endOfMonths" | "endOfWeeks" | "endOfDays" => {
            arity(1)?;
            let period = match name.as_str() {
                "endOfMonths" => EndOf::Month,
                "endOfWeeks" => EndOf::Week,
                _ => EndOf::Day,
            };
            InstanceFn::EndOf(period, int(0)?)
        }
        _ => unreachable!("families are checked above"),
    })
}

/// Argument rules checked after the pairing rules, in Oozie's order.
pub(super) fn check_arguments(f: &InstanceFn) -> Result<(), CoordError> {
    match f {
        InstanceFn::Latest(n) if *n > 0 => Err(e(
            "E1004",
            format!("coord:latest takes 0 or less, found {n}"),
        )),
        InstanceFn::Future(n, limit) if *n < 0 || *limit <= 0 => Err(e(
            "E1004",
            format!(
                "coord:future takes an instance of 0 or more and a limit above 0, found ({n}, {limit})"
            ),
        )),
        _ => Ok(()),
    }
}

pub(super) fn family(f: &InstanceFn) -> &'static str {
    match f {
        InstanceFn::Dynamic { family, .. } => family,
        InstanceFn::Current(_) => "current",
        InstanceFn::Offset(..) => "offset",
        InstanceFn::Latest(_) => "latest",
        InstanceFn::Future(..) => "future",
        InstanceFn::Absolute(_) => "absolute",
        InstanceFn::EndOf(..) => "endOf",
    }
}

/// `CoordCommandUtils.checkIfBothSameType` and the start ≤ end check.
pub(super) fn check_range(start: &InstanceFn, end: &InstanceFn) -> Result<(), CoordError> {
    let (s, t) = (family(start), family(end));
    if matches!(s, "absolute" | "endOf") {
        if t != "current" {
            return Err(e(
                "E1010",
                "Only start-instance as absolute/endOfMonths/endOfWeeks/endOfDays and end-instance as current is supported.",
            ));
        }
        return Ok(());
    }
    if s != t {
        return Err(e(
            "E1010",
            "start-instance and end-instance both should be either latest or current or future or offset",
        ));
    }
    let span = match (start, end) {
        (InstanceFn::Current(a), InstanceFn::Current(b))
        | (InstanceFn::Latest(a), InstanceFn::Latest(b))
        | (InstanceFn::Future(a, _), InstanceFn::Future(b, _)) => b.saturating_sub(*a),
        _ => 0,
    };
    if span >= super::dataset::MAX_INSTANCES {
        return Err(e(
            "E1010",
            format!(
                "the range spans more than {} dataset instances",
                super::dataset::MAX_INSTANCES
            ),
        ));
    }
    let ordered = match (start, end) {
        (InstanceFn::Current(a), InstanceFn::Current(b))
        | (InstanceFn::Latest(a), InstanceFn::Latest(b)) => a <= b,
        (InstanceFn::Future(a, _), InstanceFn::Future(b, _)) => a <= b,
        _ => true,
    };
    if !ordered {
        return Err(e(
            "E1010",
            "start-instance should be equal or earlier than the end-instance",
        ));
    }
    Ok(())
}

/// Every `coord:dataIn('X')`/`coord:dataOut('X')` with a literal name must name a data-in
/// (or an input-logic operator) / data-out.
fn check_data_names(segments: &[Segment], ins: &[&str], outs: &[&str]) -> Result<(), String> {
    fn walk(e: &Expr, ins: &[&str], outs: &[&str]) -> Result<(), String> {
        match &e.kind {
            Kind::Call { prefix, name, args } => {
                if prefix.as_deref() == Some("coord")
                    && let [
                        Expr {
                            kind: Kind::Str(arg),
                            ..
                        },
                    ] = args.as_slice()
                {
                    if name == "dataIn" && !ins.contains(&arg.as_str()) {
                        return Err(format!("coord:dataIn('{arg}') names no data-in"));
                    }
                    if name == "dataOut" && !outs.contains(&arg.as_str()) {
                        return Err(format!("coord:dataOut('{arg}') names no data-out"));
                    }
                }
                args.iter().try_for_each(|a| walk(a, ins, outs))
            }
            Kind::Index(a, b) | Kind::Binary(_, a, b) => {
                walk(a, ins, outs)?;
                walk(b, ins, outs)
            }
            Kind::Unary(_, a) => walk(a, ins, outs),
            Kind::Cond(a, b, c) => {
                walk(a, ins, outs)?;
                walk(b, ins, outs)?;
                walk(c, ins, outs)
            }
            _ => Ok(()),
        }
    }
    segments.iter().try_for_each(|s| match s {
        Segment::Expr(e, _) => walk(e, ins, outs),
        Segment::Text(_) => Ok(()),
    })
}
