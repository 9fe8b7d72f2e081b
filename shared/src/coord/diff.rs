//! What changed between two versions of a coordinator, by name: each setting, and each
//! dataset, data event, parameter and property as a unit keyed by its name, so reordering
//! is no change and a renamed dataset shows as one removed and one added.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use super::{Coordinator, Instances, Logic};
use crate::workflow::diff::{Change, map_changes};

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct CoordinatorDiff {
    /// Keys are the setting (`frequency`, `controls.concurrency`, `app-path`…) or a named
    /// part: `dataset:NAME`, `data-in:NAME`, `data-out:NAME`, `parameter:NAME`,
    /// `property:NAME` (the action's configuration), `job:NAME` (job.properties).
    pub changes: Vec<Change>,
}

impl CoordinatorDiff {
    pub fn is_empty(&self) -> bool {
        self.changes.is_empty()
    }
}

pub fn diff(before: &Coordinator, after: &Coordinator) -> CoordinatorDiff {
    CoordinatorDiff {
        changes: map_changes(&flatten(before), &flatten(after)),
    }
}

/// Every part of a coordinator as `key → text`.
fn flatten(c: &Coordinator) -> BTreeMap<String, String> {
    let mut m = BTreeMap::new();
    let mut put = |k: String, v: String| {
        m.insert(k, v);
    };
    put("name".into(), c.name.clone());
    put("frequency".into(), c.frequency.clone());
    put("start".into(), c.start.clone());
    put("end".into(), c.end.clone());
    put("timezone".into(), c.timezone.clone());
    put("app-path".into(), c.app_path.clone());
    let controls = [
        ("timeout", &c.controls.timeout),
        ("concurrency", &c.controls.concurrency),
        ("execution", &c.controls.execution),
        ("throttle", &c.controls.throttle),
    ];
    for (k, v) in controls {
        if let Some(v) = v {
            put(format!("controls.{k}"), v.clone());
        }
    }
    if !c.includes.is_empty() {
        put("includes".into(), c.includes.join(", "));
    }
    for d in &c.datasets {
        let done = match &d.done_flag {
            None => "default (_SUCCESS)".to_owned(),
            Some(f) if f.is_empty() => "none".to_owned(),
            Some(f) => f.clone(),
        };
        put(
            format!("dataset:{}", d.name),
            format!(
                "every {} from {} ({}), {}, done-flag {done}",
                d.frequency, d.initial_instance, d.timezone, d.uri_template
            ),
        );
    }
    for i in &c.inputs {
        let instances = match &i.instances {
            Instances::List(list) => list.join(", "),
            Instances::Range { start, end } => format!("{start} .. {end}"),
        };
        put(
            format!("data-in:{}", i.name),
            format!("{} [{instances}]", i.dataset),
        );
    }
    for o in &c.outputs {
        let nocleanup = if o.nocleanup == Some(true) {
            " nocleanup"
        } else {
            ""
        };
        put(
            format!("data-out:{}", o.name),
            format!("{} [{}]{nocleanup}", o.dataset, o.instance),
        );
    }
    if let Some(logic) = &c.input_events_logic {
        put("input-events".into(), logic_text(logic));
    }
    if !c.input_logic.is_empty() {
        let all: Vec<String> = c.input_logic.iter().map(logic_text).collect();
        put("input-logic".into(), all.join(" "));
    }
    for p in &c.parameters {
        put(
            format!("parameter:{}", p.name),
            p.value.clone().unwrap_or_default(),
        );
    }
    for p in &c.configuration {
        put(format!("property:{}", p.name), p.value.clone());
    }
    for p in &c.job_properties {
        put(format!("job:{}", p.name), p.value.clone());
    }
    if let Some(sla) = &c.sla {
        put("sla".into(), sla.clone());
    }
    m
}

/// A logic tree in one line: `or(and(a, b), c min=2)`.
fn logic_text(l: &Logic) -> String {
    let mut attrs = String::new();
    for (k, v) in [("name", &l.name), ("min", &l.min), ("wait", &l.wait)] {
        if let Some(v) = v {
            attrs.push_str(&format!(" {k}={v}"));
        }
    }
    if let Some(d) = &l.dataset {
        return format!("{d}{attrs}");
    }
    let children: Vec<String> = l.children.iter().map(logic_text).collect();
    format!("{:?}({}){attrs}", l.op, children.join(", ")).to_lowercase()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::coord::{DataIn, DatasetDef};

    fn base() -> Coordinator {
        let mut c = Coordinator::new("c", "${app}", "2026-01-01T00:00Z", "2027-01-01T00:00Z");
        c.datasets.push(DatasetDef {
            name: "logs".into(),
            frequency: "${coord:days(1)}".into(),
            initial_instance: "2026-01-01T00:00Z".into(),
            timezone: "UTC".into(),
            uri_template: "file:///data/${YEAR}${MONTH}${DAY}".into(),
            done_flag: None,
        });
        c.inputs.push(DataIn {
            name: "in".into(),
            dataset: "logs".into(),
            instances: Instances::List(vec!["${coord:current(0)}".into()]),
        });
        c
    }

    #[test]
    fn identical_and_reordered_coordinators_do_not_differ() {
        let a = base();
        assert!(diff(&a, &a).is_empty());
        let mut b = a.clone();
        b.datasets.push(b.datasets[0].clone());
        b.datasets[1].name = "z".into();
        let mut c = b.clone();
        c.datasets.reverse();
        assert!(diff(&b, &c).is_empty());
    }

    #[test]
    fn changes_are_named_by_setting_and_part() {
        let a = base();
        let mut b = a.clone();
        b.frequency = "${coord:hours(1)}".into();
        b.controls.concurrency = Some("3".into());
        b.datasets[0].done_flag = Some(String::new());
        b.inputs.clear();
        let d = diff(&a, &b);
        let keys: Vec<&str> = d.changes.iter().map(|c| c.name.as_str()).collect();
        assert_eq!(
            keys,
            [
                "controls.concurrency",
                "data-in:in",
                "dataset:logs",
                "frequency"
            ]
        );
        let concurrency = &d.changes[0];
        assert_eq!(concurrency.before, None);
        assert_eq!(concurrency.after.as_deref(), Some("3"));
        assert_eq!(d.changes[1].after, None);
        assert!(
            d.changes[2]
                .after
                .as_deref()
                .is_some_and(|t| t.ends_with("done-flag none"))
        );
    }
}
