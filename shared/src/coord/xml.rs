//! `coordinator.xml` in and out.
//!
//! Import reads schemas 0.1 to 0.5 (the elements are the same, 0.4 adds `<parameters>`,
//! 0.5 adds logical input events and `<input-logic>`); export always writes 0.5, in the
//! element order the schema fixes, so xmllint with `all-oozie.xsd` accepts it (tested).
//! `<sla:info>` is kept verbatim.

use quick_xml::Writer;
use quick_xml::events::{BytesDecl, BytesText, Event};

use super::{
    Controls, Coordinator, DataIn, DataOut, DatasetDef, Instances, Logic, LogicOp, Parameter,
    Property,
};
use crate::xml::{self, Element, XmlError};

pub const NS_0_5: &str = "uri:oozie:coordinator:0.5";

/// Why a document is not a coordinator Oozie would accept (`E0701` is Oozie's schema error).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum CoordXmlError {
    #[error("E0700: XML error, {0}")]
    Xml(#[from] XmlError),
    #[error("E0701: XML schema error, line {line}, column {column}: {message}")]
    Schema {
        line: u32,
        column: u32,
        message: String,
    },
}

fn schema(el: &Element, message: impl Into<String>) -> CoordXmlError {
    CoordXmlError::Schema {
        line: el.line,
        column: el.column,
        message: message.into(),
    }
}

fn is_coord_ns(ns: Option<&str>) -> bool {
    ns.and_then(|n| n.strip_prefix("uri:oozie:coordinator:"))
        .is_some_and(|v| ["0.1", "0.2", "0.3", "0.4", "0.5"].contains(&v))
}

/// An imported coordinator and the datasets its `<include>`s brought in.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ImportedCoordinator {
    pub coordinator: Coordinator,
    /// Datasets from included files, in include order; the coordinator's own datasets
    /// win over these (CoordinatorFunctionalSpec §10.1.1).
    pub included: Vec<DatasetDef>,
}

/// Reads a `coordinator.xml`. `include` returns the text of an `<include>`d datasets
/// file (the path as written), or `None` if it cannot be had; shared reads no files.
pub fn from_coordinator_xml(
    input: &str,
    include: &dyn Fn(&str) -> Option<String>,
) -> Result<ImportedCoordinator, CoordXmlError> {
    let root = xml::parse(input, &xml::Limits::default())?;
    if root.name != "coordinator-app" || !is_coord_ns(root.namespace.as_deref()) {
        return Err(schema(
            &root,
            format!(
                "the root element must be <coordinator-app> in namespace uri:oozie:coordinator:0.1 to 0.5, found <{}>{}",
                root.qname,
                root.namespace
                    .as_deref()
                    .map(|n| format!(" in {n}"))
                    .unwrap_or_default()
            ),
        ));
    }
    let attr = |name: &str| {
        root.attr(name).map(str::to_owned).ok_or_else(|| {
            schema(
                &root,
                format!("<coordinator-app> needs the attribute {name}"),
            )
        })
    };
    let mut c = Coordinator::new(&attr("name")?, "", &attr("start")?, &attr("end")?);
    c.frequency = attr("frequency")?;
    c.timezone = attr("timezone")?;
    let mut included = Vec::new();
    let mut saw_action = false;
    for el in root.elements() {
        check_ns(el)?;
        match el.name.as_str() {
            "parameters" => {
                for p in el.elements() {
                    c.parameters.push(Parameter {
                        name: required_text(p, "name")?,
                        value: p.child("value").map(Element::text),
                        description: p.child("description").map(Element::text),
                    });
                }
            }
            "controls" => c.controls = controls(el)?,
            "datasets" => {
                for d in el.elements() {
                    match d.name.as_str() {
                        "include" => {
                            let path = d.text().trim().to_owned();
                            let text = include(&path).ok_or_else(|| {
                                schema(
                                    d,
                                    format!("the included datasets file [{path}] cannot be read"),
                                )
                            })?;
                            included.extend(datasets_file(&text)?);
                            c.includes.push(path);
                        }
                        "dataset" => c.datasets.push(dataset(d)?),
                        "async-dataset" => {
                            return Err(schema(
                                d,
                                "async-dataset is in the schema but Oozie's engine does not support it",
                            ));
                        }
                        other => {
                            return Err(schema(d, format!("unexpected <{other}> in <datasets>")));
                        }
                    }
                }
            }
            "input-events" => {
                for e in el.elements() {
                    match e.name.as_str() {
                        "data-in" => c.inputs.push(data_in(e)?),
                        "and" | "or" => c.input_events_logic = Some(logic(e)?),
                        other => {
                            return Err(schema(
                                e,
                                format!("unexpected <{other}> in <input-events>"),
                            ));
                        }
                    }
                }
            }
            "input-logic" => {
                for e in el.elements() {
                    c.input_logic.push(logic(e)?);
                }
            }
            "output-events" => {
                for e in el.elements() {
                    c.outputs.push(data_out(e)?);
                }
            }
            "action" => {
                saw_action = true;
                for a in el.elements() {
                    if a.name == "workflow" && is_coord_ns(a.namespace.as_deref()) {
                        c.app_path = required_text(a, "app-path")?;
                        if let Some(conf) = a.child("configuration") {
                            c.configuration = properties(conf)?;
                        }
                    } else if a
                        .namespace
                        .as_deref()
                        .is_some_and(|n| n.starts_with("uri:oozie:sla:"))
                    {
                        c.sla = Some(a.fragment());
                    } else {
                        return Err(schema(a, format!("unexpected <{}> in <action>", a.qname)));
                    }
                }
                if c.app_path.is_empty() {
                    return Err(schema(el, "<action> needs a <workflow> with an <app-path>"));
                }
            }
            other => {
                return Err(schema(
                    el,
                    format!("unexpected <{other}> in <coordinator-app>"),
                ));
            }
        }
    }
    if !saw_action {
        return Err(schema(&root, "<coordinator-app> needs an <action>"));
    }
    Ok(ImportedCoordinator {
        coordinator: c,
        included,
    })
}

fn check_ns(el: &Element) -> Result<(), CoordXmlError> {
    if is_coord_ns(el.namespace.as_deref()) {
        Ok(())
    } else {
        Err(schema(
            el,
            format!("<{}> is not in the coordinator namespace", el.qname),
        ))
    }
}

fn required_text(el: &Element, child: &str) -> Result<String, CoordXmlError> {
    el.child(child)
        .map(|c| c.text().trim().to_owned())
        .ok_or_else(|| schema(el, format!("<{}> needs a <{child}>", el.name)))
}

fn required_attr(el: &Element, name: &str) -> Result<String, CoordXmlError> {
    el.attr(name)
        .map(str::to_owned)
        .ok_or_else(|| schema(el, format!("<{}> needs the attribute {name}", el.name)))
}

fn controls(el: &Element) -> Result<Controls, CoordXmlError> {
    let mut c = Controls::default();
    for e in el.elements() {
        let text = Some(e.text().trim().to_owned());
        match e.name.as_str() {
            "timeout" => c.timeout = text,
            "concurrency" => c.concurrency = text,
            "execution" => c.execution = text,
            "throttle" => c.throttle = text,
            other => return Err(schema(e, format!("unexpected <{other}> in <controls>"))),
        }
    }
    Ok(c)
}

fn dataset(d: &Element) -> Result<DatasetDef, CoordXmlError> {
    Ok(DatasetDef {
        name: required_attr(d, "name")?,
        frequency: required_attr(d, "frequency")?,
        initial_instance: required_attr(d, "initial-instance")?,
        timezone: required_attr(d, "timezone")?,
        uri_template: required_text(d, "uri-template")?,
        done_flag: d.child("done-flag").map(|f| f.text().trim().to_owned()),
    })
}

/// A datasets file for `<include>`: a `<datasets>` root in a coordinator namespace.
pub fn datasets_file(text: &str) -> Result<Vec<DatasetDef>, CoordXmlError> {
    let root = xml::parse(text, &xml::Limits::default())?;
    if root.name != "datasets" || !is_coord_ns(root.namespace.as_deref()) {
        return Err(schema(
            &root,
            "an included datasets file has a <datasets> root in a coordinator namespace",
        ));
    }
    root.elements()
        .map(|d| match d.name.as_str() {
            "dataset" => dataset(d),
            other => Err(schema(
                d,
                format!("unexpected <{other}> in an included datasets file"),
            )),
        })
        .collect()
}

fn data_in(e: &Element) -> Result<DataIn, CoordXmlError> {
    let instances: Vec<String> = e
        .elements()
        .filter(|i| i.name == "instance")
        .map(|i| i.text().trim().to_owned())
        .collect();
    let instances = match (e.child("start-instance"), e.child("end-instance")) {
        (Some(s), Some(t)) if instances.is_empty() => Instances::Range {
            start: s.text().trim().to_owned(),
            end: t.text().trim().to_owned(),
        },
        (None, None) if !instances.is_empty() => Instances::List(instances),
        _ => {
            return Err(schema(
                e,
                "<data-in> needs <instance>s or a <start-instance> and an <end-instance>",
            ));
        }
    };
    Ok(DataIn {
        name: required_attr(e, "name")?,
        dataset: required_attr(e, "dataset")?,
        instances,
    })
}

fn data_out(e: &Element) -> Result<DataOut, CoordXmlError> {
    if e.name != "data-out" {
        return Err(schema(
            e,
            format!("unexpected <{}> in <output-events>", e.name),
        ));
    }
    let nocleanup = match e.attr("nocleanup") {
        None => None,
        Some("true" | "1") => Some(true),
        Some("false" | "0") => Some(false),
        Some(other) => {
            return Err(schema(
                e,
                format!("nocleanup must be true or false, found [{other}]"),
            ));
        }
    };
    Ok(DataOut {
        name: required_attr(e, "name")?,
        dataset: required_attr(e, "dataset")?,
        instance: required_text(e, "instance")?,
        nocleanup,
    })
}

fn logic(e: &Element) -> Result<Logic, CoordXmlError> {
    let op = match e.name.as_str() {
        "and" => LogicOp::And,
        "or" => LogicOp::Or,
        "combine" => LogicOp::Combine,
        "data-in" => LogicOp::DataIn,
        other => return Err(schema(e, format!("unexpected <{other}> in input logic"))),
    };
    let attr = |n: &str| e.attr(n).map(str::to_owned);
    let dataset = match op {
        LogicOp::DataIn => Some(required_attr(e, "dataset")?),
        _ => None,
    };
    Ok(Logic {
        op,
        name: attr("name"),
        min: attr("min"),
        wait: attr("wait"),
        dataset,
        children: e.elements().map(logic).collect::<Result<_, _>>()?,
    })
}

fn properties(conf: &Element) -> Result<Vec<Property>, CoordXmlError> {
    conf.elements()
        .map(|p| {
            Ok(Property {
                name: required_text(p, "name")?,
                value: p.child("value").map(Element::text).unwrap_or_default(),
                description: p.child("description").map(Element::text),
            })
        })
        .collect()
}

/// The frequency as Oozie accepts it: a Quartz cron with seconds (six or seven fields,
/// accepted for DolphinScheduler habits) becomes its five-field form when it has one;
/// anything else is written as it is.
pub fn oozie_frequency(frequency: &str) -> String {
    let fields = frequency.split_whitespace().count();
    if (6..=7).contains(&fields)
        && !frequency.contains("${")
        && let Ok(five) = crate::time::cron::from_quartz(frequency)
    {
        return five;
    }
    frequency.to_owned()
}

type W = Writer<Vec<u8>>;
type XmlResult = std::io::Result<()>;

/// Writes `coordinator.xml` in schema 0.5.
pub fn to_coordinator_xml(c: &Coordinator) -> String {
    let mut w = Writer::new_with_indent(Vec::new(), b' ', 4);
    write(&mut w, c).expect("writing to memory cannot fail");
    String::from_utf8(w.into_inner()).expect("the writer only emits UTF-8")
}

fn text_element(w: &mut W, name: &str, text: &str) -> XmlResult {
    w.create_element(name)
        .write_text_content(BytesText::new(text))?;
    Ok(())
}

fn write(w: &mut W, c: &Coordinator) -> XmlResult {
    w.write_event(Event::Decl(BytesDecl::new("1.0", Some("UTF-8"), None)))?;
    w.create_element("coordinator-app")
        .with_attribute(("xmlns", NS_0_5))
        .with_attribute(("name", c.name.as_str()))
        .with_attribute(("frequency", oozie_frequency(&c.frequency).as_str()))
        .with_attribute(("start", c.start.as_str()))
        .with_attribute(("end", c.end.as_str()))
        .with_attribute(("timezone", c.timezone.as_str()))
        .write_inner_content(|w| {
            if !c.parameters.is_empty() {
                w.create_element("parameters").write_inner_content(|w| {
                    c.parameters.iter().try_for_each(|p| {
                        write_property(w, &p.name, p.value.as_deref(), p.description.as_deref())
                    })
                })?;
            }
            let ctl = &c.controls;
            if *ctl != Controls::default() {
                w.create_element("controls").write_inner_content(|w| {
                    for (name, value) in [
                        ("timeout", &ctl.timeout),
                        ("concurrency", &ctl.concurrency),
                        ("execution", &ctl.execution),
                        ("throttle", &ctl.throttle),
                    ] {
                        if let Some(v) = value {
                            text_element(w, name, v)?;
                        }
                    }
                    Ok(())
                })?;
            }
            if !c.includes.is_empty() || !c.datasets.is_empty() {
                w.create_element("datasets").write_inner_content(|w| {
                    for i in &c.includes {
                        text_element(w, "include", i)?;
                    }
                    for d in &c.datasets {
                        write_dataset(w, d)?;
                    }
                    Ok(())
                })?;
            }
            if !c.inputs.is_empty() || c.input_events_logic.is_some() {
                w.create_element("input-events").write_inner_content(|w| {
                    if let Some(l) = &c.input_events_logic {
                        write_logic(w, l)?;
                    }
                    for d in &c.inputs {
                        write_data_in(w, d)?;
                    }
                    Ok(())
                })?;
            }
            if !c.input_logic.is_empty() {
                w.create_element("input-logic").write_inner_content(|w| {
                    c.input_logic.iter().try_for_each(|l| write_logic(w, l))
                })?;
            }
            if !c.outputs.is_empty() {
                w.create_element("output-events").write_inner_content(|w| {
                    for o in &c.outputs {
                        let mut e = w
                            .create_element("data-out")
                            .with_attribute(("name", o.name.as_str()))
                            .with_attribute(("dataset", o.dataset.as_str()));
                        if let Some(n) = o.nocleanup {
                            e = e.with_attribute(("nocleanup", if n { "true" } else { "false" }));
                        }
                        e.write_inner_content(|w| text_element(w, "instance", &o.instance))?;
                    }
                    Ok(())
                })?;
            }
            w.create_element("action").write_inner_content(|w| {
                w.create_element("workflow").write_inner_content(|w| {
                    text_element(w, "app-path", &c.app_path)?;
                    if !c.configuration.is_empty() {
                        w.create_element("configuration").write_inner_content(|w| {
                            c.configuration.iter().try_for_each(|p| {
                                write_property(w, &p.name, Some(&p.value), p.description.as_deref())
                            })
                        })?;
                    }
                    Ok(())
                })?;
                if let Some(sla) = &c.sla {
                    let el = xml::parse(sla, &xml::Limits::default())
                        .map_err(|_| std::io::Error::other("the kept sla:info does not parse"))?;
                    xml::write_element(w, &el)?;
                }
                Ok(())
            })?;
            Ok(())
        })?;
    Ok(())
}

fn write_property(
    w: &mut W,
    name: &str,
    value: Option<&str>,
    description: Option<&str>,
) -> XmlResult {
    w.create_element("property").write_inner_content(|w| {
        text_element(w, "name", name)?;
        if let Some(v) = value {
            text_element(w, "value", v)?;
        }
        if let Some(d) = description {
            text_element(w, "description", d)?;
        }
        Ok(())
    })?;
    Ok(())
}

fn write_dataset(w: &mut W, d: &DatasetDef) -> XmlResult {
    w.create_element("dataset")
        .with_attribute(("name", d.name.as_str()))
        .with_attribute(("frequency", d.frequency.as_str()))
        .with_attribute(("initial-instance", d.initial_instance.as_str()))
        .with_attribute(("timezone", d.timezone.as_str()))
        .write_inner_content(|w| {
            text_element(w, "uri-template", &d.uri_template)?;
            match d.done_flag.as_deref() {
                None => Ok(()),
                Some("") => {
                    w.create_element("done-flag").write_empty()?;
                    Ok(())
                }
                Some(f) => text_element(w, "done-flag", f),
            }
        })?;
    Ok(())
}

fn write_data_in(w: &mut W, d: &DataIn) -> XmlResult {
    w.create_element("data-in")
        .with_attribute(("name", d.name.as_str()))
        .with_attribute(("dataset", d.dataset.as_str()))
        .write_inner_content(|w| match &d.instances {
            Instances::List(list) => list.iter().try_for_each(|i| text_element(w, "instance", i)),
            Instances::Range { start, end } => {
                text_element(w, "start-instance", start)?;
                text_element(w, "end-instance", end)
            }
        })?;
    Ok(())
}

fn write_logic(w: &mut W, l: &Logic) -> XmlResult {
    let name = match l.op {
        LogicOp::And => "and",
        LogicOp::Or => "or",
        LogicOp::Combine => "combine",
        LogicOp::DataIn => "data-in",
    };
    let mut e = w.create_element(name);
    for (attr, value) in [
        ("name", &l.name),
        ("min", &l.min),
        ("wait", &l.wait),
        ("dataset", &l.dataset),
    ] {
        if let Some(v) = value {
            e = e.with_attribute((attr, v.as_str()));
        }
    }
    if l.children.is_empty() {
        e.write_empty()?;
    } else {
        e.write_inner_content(|w| l.children.iter().try_for_each(|c| write_logic(w, c)))?;
    }
    Ok(())
}
