//! Sluice's own task types: Python, SQL and Dependent, which DolphinScheduler users expect
//! and Oozie has no action for.
//!
//! They are ordinary actions in the model (tables in [`super::action`], with
//! `exported_as` set), so the designer, the validator and the engine treat them like any
//! other. What Oozie gets is an honest translation into actions it does run:
//! - Python: a shell action running `python3 <node>.py`, the script shipped as a file of
//!   the app;
//! - SQL: a hive2 action whose JDBC URL is a job property the user must set, since a
//!   Sluice datasource is not a HiveServer2;
//! - Dependent: an empty fs action where the node was, and the wait itself as a dataset on
//!   the upstream workflow's success flag (`dependencies.xml`), which a coordinator
//!   includes: Oozie waits for data in coordinators, never inside a workflow.
//!
//! Every translation carries the task's settings as `sluice.*` configuration properties,
//! which Oozie passes through untouched, so importing the export gives the task back.

use chrono::{DateTime, Datelike, Days, TimeDelta, Timelike, Utc};
use quick_xml::Writer;
use quick_xml::events::BytesText;

use super::action::{Action, Fields, Property, Value};
use super::{NodeKind, Workflow};
use crate::time::{Unit, Zone, calendar};

/// The configuration property that marks a translated task, with its type as the value.
pub const TYPE_PROPERTY: &str = "sluice.task.type";

/// The rows of a SELECT kept for `wf:actionData` when the task does not say.
pub const DEFAULT_MAX_ROWS: u32 = 10;
/// The most rows a task may ask to keep: they go into the action's data, which Oozie
/// caps at 2 KB by default; a hundred is already more than anyone reads there.
pub const MAX_ROWS_LIMIT: u32 = 100;

/// The interpreter an exported Python task runs with on the cluster.
pub const EXPORT_INTERPRETER: &str = "python3";

/// The name of a Python task's script, in the app directory and the working directory.
pub fn script_file(node: &str) -> String {
    format!("{node}.py")
}

/// A SQL task's `max-rows`, checked.
pub fn max_rows(fields: &Fields) -> Result<u32, String> {
    match fields.text("max-rows").map(str::trim) {
        None | Some("") => Ok(DEFAULT_MAX_ROWS),
        Some(text) => text
            .parse::<u32>()
            .ok()
            .filter(|n| *n <= MAX_ROWS_LIMIT)
            .ok_or_else(|| {
                format!("max-rows must be a whole number from 0 to {MAX_ROWS_LIMIT}, not '{text}'")
            }),
    }
}

/// A datasource name: what the admin page accepts and a SQL task may name.
pub fn check_datasource_name(name: &str) -> Result<(), String> {
    let ok = !name.is_empty()
        && name.len() <= 64
        && name
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'_' || b == b'-');
    if ok {
        Ok(())
    } else {
        Err(format!(
            "'{name}' is not a datasource name: 1 to 64 letters, digits, '_' or '-'"
        ))
    }
}

/// The period a Dependent task looks at, as DolphinScheduler's "cycle".
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Period {
    Hour,
    Day,
    /// Monday to Monday, as in DolphinScheduler (ISO weeks).
    Week,
    Month,
}

/// The periods' names, in [`Period::ALL`]'s order: what the property form offers.
pub const PERIODS: [&str; 4] = ["hour", "day", "week", "month"];

impl Period {
    pub const ALL: [Period; 4] = [Period::Hour, Period::Day, Period::Week, Period::Month];

    pub fn id(self) -> &'static str {
        PERIODS[self as usize]
    }

    pub fn parse(text: &str) -> Option<Period> {
        Period::ALL.into_iter().find(|p| p.id() == text)
    }

    fn unit(self) -> Unit {
        match self {
            Period::Hour => Unit::Hour,
            Period::Day => Unit::Day,
            Period::Week => Unit::Week,
            Period::Month => Unit::Month,
        }
    }

    /// The start of the period that holds `t`, on `zone`'s clock.
    pub fn start(self, t: DateTime<Utc>, zone: &Zone) -> DateTime<Utc> {
        let local = zone.local(t);
        if self == Period::Hour {
            // Hours are fixed lengths: cut the local minutes off the instant itself, so
            // the hour repeated when clocks go back is two periods, not one.
            let into = TimeDelta::minutes(i64::from(local.minute()))
                + TimeDelta::seconds(i64::from(local.second()))
                + TimeDelta::nanoseconds(i64::from(local.nanosecond()));
            return t - into;
        }
        let date = local.date();
        let first = match self {
            Period::Week => date - Days::new(u64::from(date.weekday().num_days_from_monday())),
            Period::Month => date.with_day(1).unwrap_or(date),
            _ => date,
        };
        zone.resolve_wall(first.and_time(chrono::NaiveTime::MIN))
    }
}

/// A Dependent task's settings, read from its fields and checked.
#[derive(Debug, Clone, PartialEq)]
pub struct Dependency {
    /// The upstream workflow, by its stored name.
    pub workflow: String,
    pub period: Period,
    /// Periods from the instance's own: 0 is the same, -1 the one before.
    pub offset: i32,
    /// The zone's ID, checked where the zone rules are compiled in (the server): the
    /// browser's designer would otherwise carry the zone parser for this one field.
    pub zone: String,
    /// How long to wait, in minutes, before the task fails.
    pub timeout_min: u32,
    /// Between two looks at the upstream, in seconds.
    pub interval_s: u32,
}

/// The longest a Dependent task may wait: a week, as Oozie's coordinator default timeout
/// is also finite; anything longer is a schedule, not a dependency.
pub const MAX_TIMEOUT_MIN: u32 = 7 * 24 * 60;
pub const DEFAULT_INTERVAL_S: u32 = 60;
/// The longest pause between two looks: an hour, so a wait never sleeps through its day.
pub const MAX_INTERVAL_S: u32 = 3600;

impl Dependency {
    pub fn from_fields(fields: &Fields) -> Result<Dependency, Vec<String>> {
        let mut problems = Vec::new();
        let text = |key: &str| fields.text(key).map(str::trim).filter(|t| !t.is_empty());
        let workflow = text("workflow").unwrap_or_default().to_owned();
        let period = match text("period") {
            None => Period::Day,
            Some(p) => Period::parse(p).unwrap_or_else(|| {
                problems.push(format!(
                    "period must be hour, day, week or month, not '{p}'"
                ));
                Period::Day
            }),
        };
        let offset = match text("offset") {
            None => 0,
            Some(o) => o
                .parse::<i32>()
                .ok()
                .filter(|n| (-1000..=0).contains(n))
                .unwrap_or_else(|| {
                    problems.push(format!(
                        "offset must be 0 (the same period) or a negative whole number of periods back, not '{o}'"
                    ));
                    0
                }),
        };
        let zone = text("zone").unwrap_or("UTC").to_owned();
        #[cfg(feature = "tzdb")]
        if let Err(e) = Zone::parse(&zone) {
            problems.push(e.to_string());
        }
        let timeout_min = whole(
            text("timeout"),
            "timeout",
            (MAX_TIMEOUT_MIN, 0),
            "a whole number of minutes",
            &mut problems,
        );
        let interval_s = whole(
            text("interval"),
            "interval",
            (MAX_INTERVAL_S, DEFAULT_INTERVAL_S),
            "a whole number of seconds",
            &mut problems,
        );
        if problems.is_empty() {
            Ok(Dependency {
                workflow,
                period,
                offset,
                zone,
                timeout_min,
                interval_s,
            })
        } else {
            Err(problems)
        }
    }

    /// The upstream's period for an instance whose time (nominal, else creation) is
    /// `reference`: `[start, end)`.
    pub fn window(&self, reference: DateTime<Utc>) -> Option<(DateTime<Utc>, DateTime<Utc>)> {
        let zone = Zone::parse(&self.zone).ok()?;
        let unit = self.period.unit();
        let own = self.period.start(reference, &zone);
        let start = calendar::add(own, &zone, unit, i64::from(self.offset))?;
        let end = calendar::add(start, &zone, unit, 1)?;
        Some((start, end))
    }

    /// The name of the dataset the export gives this dependency: one per upstream and
    /// period, shared by every task waiting on the same.
    pub fn dataset_name(&self) -> String {
        format!("{}_{}_succeeded", ident(&self.workflow), self.period.id())
    }
}

/// A whole number from 1 to `max` (`default` when absent), or a problem saying so.
fn whole(
    text: Option<&str>,
    key: &str,
    (max, default): (u32, u32),
    what: &str,
    problems: &mut Vec<String>,
) -> u32 {
    match text {
        None => default,
        Some(t) => t
            .parse::<u32>()
            .ok()
            .filter(|n| (1..=max).contains(n))
            .unwrap_or_else(|| {
                problems.push(format!("{key} must be {what} from 1 to {max}, not '{t}'"));
                default
            }),
    }
}

/// Letters, digits and `_` only: a name usable in EL, paths and XML names.
fn ident(name: &str) -> String {
    let mut out: String = name
        .chars()
        .map(|c| if c.is_ascii_alphanumeric() { c } else { '_' })
        .collect();
    if !out.starts_with(|c: char| c.is_ascii_alphabetic()) {
        out.insert(0, 'w');
    }
    out
}

/// The job property an exported SQL task reads its JDBC URL from.
pub fn jdbc_url_property(datasource: &str) -> String {
    format!("jdbcUrl_{}", ident(datasource))
}

/// What a task type needs beyond its table's required fields.
pub fn check(task: &str, fields: &Fields) -> Vec<String> {
    match task {
        "sql" => {
            let mut problems = Vec::new();
            if let Some(name) = fields.text("datasource")
                && let Err(e) = check_datasource_name(name.trim())
            {
                problems.push(e);
            }
            if let Err(e) = max_rows(fields) {
                problems.push(e);
            }
            problems
        }
        "dependent" => Dependency::from_fields(fields).err().unwrap_or_default(),
        _ => Vec::new(),
    }
}

/// A task translated for Oozie.
#[derive(Debug, Clone, PartialEq)]
pub struct Exported {
    pub action: Action,
    /// Files the app needs beside workflow.xml: (path in the app, content).
    pub files: Vec<(String, String)>,
    pub note: String,
}

fn marker(task: &str) -> Property {
    prop(TYPE_PROPERTY, task)
}

fn prop(name: &str, value: &str) -> Property {
    Property {
        name: name.to_owned(),
        value: Some(value.to_owned()),
        description: None,
    }
}

/// The Oozie action a Sluice task is written as; `None` for Oozie's own types.
pub fn export(node: &str, action: &Action) -> Option<Exported> {
    let spec = action.spec()?;
    let f = &action.fields;
    let mut out = Action {
        action: spec.exported_as?.to_owned(),
        fields: Fields::default(),
        ..action.clone()
    };
    let mut config = vec![marker(spec.id)];
    let mut files = Vec::new();
    let note = match spec.id {
        "python" => {
            let script = script_file(node);
            let mut args = vec![script.clone()];
            args.extend(f.texts("argument").iter().cloned());
            let mut shipped = vec![script.clone()];
            shipped.extend(f.texts("file").iter().cloned());
            out.fields
                .set("exec", Value::Text(EXPORT_INTERPRETER.to_owned()));
            out.fields.set("argument", Value::Texts(args));
            out.fields
                .set("env-var", Value::Texts(f.texts("env-var").to_vec()));
            out.fields.set("file", Value::Texts(shipped));
            out.fields
                .set("capture-output", Value::Flag(f.flag("capture-output")));
            files.push((
                script.clone(),
                f.text("script").unwrap_or_default().to_owned(),
            ));
            format!(
                "'{node}' (Python) is a shell action running `{EXPORT_INTERPRETER} {script}`; the script is {script} in the app directory, so {EXPORT_INTERPRETER} must be on the cluster's nodes."
            )
        }
        "sql" => {
            let datasource = f.text("datasource").unwrap_or_default().trim().to_owned();
            let url = jdbc_url_property(&datasource);
            out.fields
                .set("jdbc-url", Value::Text(format!("${{{url}}}")));
            out.fields.set(
                "query",
                Value::Text(f.text("statement").unwrap_or_default().to_owned()),
            );
            config.push(prop("sluice.sql.datasource", &datasource));
            if let Some(rows) = f.text("max-rows") {
                config.push(prop("sluice.sql.max-rows", rows.trim()));
            }
            format!(
                "'{node}' (SQL) is a hive2 action: set the job property {url} to the HiveServer2 JDBC URL (jdbc:hive2://host:10000/db) before submitting. Sluice's datasource '{datasource}' is not exported, and Oozie refuses the job until {url} is set."
            )
        }
        "dependent" => {
            let dep = Dependency::from_fields(f).ok()?;
            for key in [
                "workflow", "period", "offset", "zone", "timeout", "interval",
            ] {
                if let Some(v) = f.text(key) {
                    config.push(prop(&format!("sluice.dependent.{key}"), v.trim()));
                }
            }
            format!(
                "'{node}' (Dependent) cannot wait inside an Oozie workflow: it is an fs action that does nothing, and the wait is dataset {} in dependencies.xml. Include that file in the coordinator's <datasets> and add <data-in name=\"{node}\" dataset=\"{}\"><instance>${{coord:current({})}}</instance></data-in>; the upstream workflow '{}' must create the _SUCCESS flag of its period's directory when it succeeds.",
                dep.dataset_name(),
                dep.dataset_name(),
                dep.offset,
                dep.workflow
            )
        }
        _ => return None,
    };
    out.fields.set("configuration", Value::Properties(config));
    Some(Exported {
        action: out,
        files,
        note,
    })
}

/// `dependencies.xml`: a `<datasets>` file with one dataset per upstream and period the
/// workflow's Dependent tasks wait on. `None` when it has none.
pub fn dependencies_xml(wf: &Workflow) -> Option<String> {
    let mut deps: Vec<Dependency> = Vec::new();
    for node in &wf.nodes {
        if let NodeKind::Action(a) = &node.kind
            && a.spec().is_some_and(|s| s.id == "dependent")
            && let Ok(dep) = Dependency::from_fields(&a.fields)
            && !deps.iter().any(|d| d.dataset_name() == dep.dataset_name())
        {
            deps.push(dep);
        }
    }
    if deps.is_empty() {
        return None;
    }
    let mut w = Writer::new_with_indent(Vec::new(), b' ', 4);
    let written: std::io::Result<()> = (|| {
        w.create_element("datasets")
            .with_attribute(("xmlns", "uri:oozie:coordinator:0.5"))
            .write_inner_content(|w| {
                for dep in &deps {
                    let (frequency, template, first_day) = match dep.period {
                        Period::Hour => ("${coord:hours(1)}", "${YEAR}${MONTH}${DAY}${HOUR}", 1),
                        Period::Day => ("${coord:days(1)}", "${YEAR}${MONTH}${DAY}", 1),
                        // 2000-01-03 was a Monday: weekly instances start on Mondays.
                        Period::Week => ("${coord:days(7)}", "${YEAR}${MONTH}${DAY}", 3),
                        Period::Month => ("${coord:months(1)}", "${YEAR}${MONTH}", 1),
                    };
                    let first = chrono::NaiveDate::from_ymd_opt(2000, 1, first_day)
                        .expect("a real date")
                        .and_time(chrono::NaiveTime::MIN);
                    let zone = Zone::parse(&dep.zone).unwrap_or(Zone::UTC);
                    let initial = zone
                        .resolve_wall(first)
                        .format("%Y-%m-%dT%H:%MZ")
                        .to_string();
                    let uri = format!(
                        "${{nameNode}}/sluice/flags/{}/{template}",
                        ident(&dep.workflow)
                    );
                    w.create_element("dataset")
                        .with_attribute(("name", dep.dataset_name().as_str()))
                        .with_attribute(("frequency", frequency))
                        .with_attribute(("initial-instance", initial.as_str()))
                        .with_attribute(("timezone", zone.id().as_str()))
                        .write_inner_content(|w| {
                            w.create_element("uri-template")
                                .write_text_content(BytesText::new(&uri))?;
                            w.create_element("done-flag")
                                .write_text_content(BytesText::new("_SUCCESS"))?;
                            Ok(())
                        })?;
                }
                Ok(())
            })?;
        Ok(())
    })();
    written.expect("writing to memory cannot fail");
    let mut xml = String::from("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n");
    xml.push_str(&String::from_utf8(w.into_inner()).expect("the writer only emits UTF-8"));
    Some(xml)
}

/// A file of an app by its path in the app, when it is at hand.
pub type AppFile<'a> = &'a dyn Fn(&str) -> Option<String>;

/// The Sluice task an exported action was, if it carries the marker; `file` gives a
/// file of the app by its path (a Python task's script), `None` when it is not at hand.
pub fn restore(action: &Action, file: Option<AppFile<'_>>) -> Option<Action> {
    let config = action.fields.properties("configuration");
    let get = |name: &str| {
        config
            .iter()
            .find(|p| p.name == name)
            .and_then(|p| p.value.clone())
    };
    let task = get(TYPE_PROPERTY)?;
    let f = &action.fields;
    let mut out = Action {
        action: task.clone(),
        fields: Fields::default(),
        ..action.clone()
    };
    let text = |v: String| Value::Text(v);
    match (task.as_str(), action.action.as_str()) {
        ("python", "shell") => {
            let args = f.texts("argument");
            let script_name = args.first()?;
            let script = file?(script_name)?;
            out.fields.set("script", text(script));
            out.fields.set("argument", Value::Texts(args[1..].to_vec()));
            out.fields
                .set("env-var", Value::Texts(f.texts("env-var").to_vec()));
            let others = f
                .texts("file")
                .iter()
                .filter(|p| *p != script_name)
                .cloned()
                .collect();
            out.fields.set("file", Value::Texts(others));
            out.fields
                .set("capture-output", Value::Flag(f.flag("capture-output")));
        }
        ("sql", "hive2") => {
            out.fields
                .set("datasource", text(get("sluice.sql.datasource")?));
            out.fields
                .set("statement", text(f.text("query")?.to_owned()));
            if let Some(rows) = get("sluice.sql.max-rows") {
                out.fields.set("max-rows", text(rows));
            }
        }
        ("dependent", "fs") => {
            for key in [
                "workflow", "period", "offset", "zone", "timeout", "interval",
            ] {
                if let Some(v) = get(&format!("sluice.dependent.{key}")) {
                    out.fields.set(key, text(v));
                }
            }
        }
        _ => return None,
    }
    Some(out)
}

/// Gives back every Sluice task of an imported workflow that carries the marker. Python
/// tasks need their script: without `file` they stay shell actions, untouched.
pub fn restore_all(wf: &mut Workflow, file: Option<AppFile<'_>>) -> Vec<String> {
    let mut notes = Vec::new();
    for node in &mut wf.nodes {
        if let NodeKind::Action(a) = &mut node.kind
            && a.xml.is_none()
            && let Some(task) = restore(a, file)
        {
            notes.push(format!(
                "action '{}' is a Sluice {} task again (it was exported as {})",
                node.name,
                task.spec().map_or(task.action.as_str(), |s| s.label),
                a.action
            ));
            *a = task;
        }
    }
    notes
}

#[cfg(test)]
mod tests {
    use super::*;

    fn t(s: &str) -> DateTime<Utc> {
        DateTime::parse_from_rfc3339(s).unwrap().with_timezone(&Utc)
    }

    fn dep(period: &str, offset: &str, zone: &str) -> Dependency {
        let mut f = Fields::default();
        for (k, v) in [
            ("workflow", "ingest"),
            ("period", period),
            ("offset", offset),
            ("zone", zone),
            ("timeout", "30"),
        ] {
            f.set(k, Value::Text(v.into()));
        }
        Dependency::from_fields(&f).unwrap()
    }

    #[test]
    fn windows_are_the_period_on_the_zones_clock_shifted_back() {
        let w = |d: &Dependency, r: &str| {
            let (a, b) = d.window(t(r)).unwrap();
            (a.to_rfc3339(), b.to_rfc3339())
        };
        let day = dep("day", "0", "UTC");
        assert_eq!(
            w(&day, "2026-11-21T05:00:00Z"),
            (
                "2026-11-21T00:00:00+00:00".into(),
                "2026-11-22T00:00:00+00:00".into()
            )
        );
        let yesterday_berlin = dep("day", "-1", "Europe/Berlin");
        assert_eq!(
            w(&yesterday_berlin, "2026-11-21T05:00:00Z"),
            (
                "2026-11-19T23:00:00+00:00".into(),
                "2026-11-20T23:00:00+00:00".into()
            )
        );
        // 2026-11-21 is a Saturday: its ISO week began on Monday the 16th.
        let week = dep("week", "0", "UTC");
        assert_eq!(
            w(&week, "2026-11-21T05:00:00Z").0,
            "2026-11-16T00:00:00+00:00"
        );
        let month = dep("month", "-1", "UTC");
        assert_eq!(
            w(&month, "2026-03-31T23:59:00Z"),
            (
                "2026-02-01T00:00:00+00:00".into(),
                "2026-03-01T00:00:00+00:00".into()
            )
        );
        // The day Los Angeles springs forward has 23 hours.
        let la = dep("day", "0", "America/Los_Angeles");
        assert_eq!(
            w(&la, "2026-03-08T12:00:00Z"),
            (
                "2026-03-08T08:00:00+00:00".into(),
                "2026-03-09T07:00:00+00:00".into()
            )
        );
        // India is 5:30 ahead: its hours start at half past in UTC.
        let hour = dep("hour", "-2", "Asia/Kolkata");
        assert_eq!(
            w(&hour, "2026-11-21T05:10:00Z"),
            (
                "2026-11-21T02:30:00+00:00".into(),
                "2026-11-21T03:30:00+00:00".into()
            )
        );
    }

    #[test]
    fn bad_settings_are_each_named() {
        let mut f = Fields::default();
        for (k, v) in [
            ("workflow", "up"),
            ("period", "fortnight"),
            ("offset", "1"),
            ("zone", "Mars/Base"),
            ("timeout", "0"),
            ("interval", "x"),
        ] {
            f.set(k, Value::Text(v.into()));
        }
        let problems = check("dependent", &f);
        assert_eq!(problems.len(), 5, "{problems:?}");
        assert!(problems[0].contains("period"), "{problems:?}");
        assert!(problems[1].contains("offset"), "{problems:?}");
        assert!(problems[2].contains("Mars/Base"), "{problems:?}");

        let mut sql = Fields::default();
        sql.set("datasource", Value::Text("my db".into()));
        sql.set("max-rows", Value::Text("1000".into()));
        assert_eq!(check("sql", &sql).len(), 2);
        sql.set("datasource", Value::Text("warehouse".into()));
        sql.set("max-rows", Value::Text("5".into()));
        assert!(check("sql", &sql).is_empty());
    }

    #[test]
    fn every_task_exports_and_restores_to_itself() {
        let mut python = Action::new("python").with_text("script", "import sys\nprint('rows=3')\n");
        python.fields.set(
            "argument",
            Value::Texts(vec!["--day".into(), "${day}".into()]),
        );
        python.fields.set("capture-output", Value::Flag(true));
        python.retry_max = Some("2".into());
        let sql = Action::new("sql")
            .with_text("datasource", "warehouse")
            .with_text("statement", "select count(*) as n from t")
            .with_text("max-rows", "5");
        let dependent = Action::new("dependent")
            .with_text("workflow", "ingest")
            .with_text("offset", "-1")
            .with_text("timeout", "90");
        for action in [python, sql, dependent] {
            let exported = export("step", &action).unwrap();
            assert_eq!(
                Some(exported.action.action.as_str()),
                action.spec().unwrap().exported_as
            );
            let files = exported.files.clone();
            let file = move |p: &str| files.iter().find(|(n, _)| n == p).map(|(_, c)| c.clone());
            let back = restore(&exported.action, Some(&file)).unwrap();
            assert_eq!(back, action);
        }
        // Without its script a Python task is not restored.
        let exported = export("step", &Action::new("python").with_text("script", "1")).unwrap();
        assert_eq!(restore(&exported.action, None), None);
        // Oozie's own types are not translated.
        assert_eq!(
            export("x", &Action::new("shell").with_text("exec", "true")),
            None
        );
    }
}
