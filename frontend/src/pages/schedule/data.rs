//! The data side of a schedule: datasets (where a period's data lives and how to know it
//! is complete), the input events an action waits for and the output events it makes,
//! the input logic that relaxes "all of them" into and/or/combine rules, and the
//! configuration handed to each run, with the `coord:` functions completed as they are
//! typed. Every editor writes the same `Coordinator` the preview materializes.

use leptos::prelude::*;
use shared::coord::{
    Coordinator, DataIn, DataOut, DatasetDef, Instances, Logic, LogicOp, Property,
};
use shared::el::catalog::COORD_FUNCTIONS;

use super::instance::{KINDS, OFFSET_UNITS, Pick};
use crate::components::{PropertyTable, Values};
use crate::i18n::{t, tf};

/// A list of rows, each keyed for as long as it lives.
struct Rows<T: Send + Sync + 'static> {
    next: StoredValue<usize>,
    list: RwSignal<Vec<T>>,
}

impl<T: Send + Sync + 'static> Clone for Rows<T> {
    fn clone(&self) -> Self {
        *self
    }
}

impl<T: Send + Sync + 'static> Copy for Rows<T> {}

impl<T: Clone + Row + Send + Sync + 'static> Rows<T> {
    fn new() -> Self {
        Rows {
            next: StoredValue::new(0),
            list: RwSignal::new(Vec::new()),
        }
    }

    fn push(&self, make: impl FnOnce(usize) -> T) {
        let key = self.next.get_value();
        self.next.set_value(key + 1);
        self.list.update(|l| l.push(make(key)));
    }

    fn remove(&self, key: usize) {
        self.list.update(|l| l.retain(|r| r.key() != key));
    }

    /// The rows' names, in order (tracked).
    fn names(&self) -> Vec<String> {
        self.list
            .with(|l| l.iter().map(|r| r.name().get()).collect())
    }

    /// `stem`, else `stem2`, `stem3`…: the first name no row has yet.
    fn fresh_name(&self, stem: &str) -> String {
        fresh_name(stem, &self.names())
    }
}

/// A row of a list: its key while it lives, and its name.
trait Row {
    fn key(&self) -> usize;
    fn name(&self) -> RwSignal<String>;
}

/// Whether a dataset's instance is ready: Oozie's `<done-flag>`.
const DONE_DEFAULT: &str = "";
const DONE_DIRECTORY: &str = "dir";
const DONE_FILE: &str = "file";

#[derive(Clone, Copy)]
struct DatasetRow {
    key: usize,
    name: RwSignal<String>,
    unit: RwSignal<String>,
    every: RwSignal<String>,
    /// The frequency as written, when `unit` is `written`.
    written: RwSignal<String>,
    initial: RwSignal<String>,
    timezone: RwSignal<String>,
    uri: RwSignal<String>,
    done: RwSignal<&'static str>,
    done_file: RwSignal<String>,
}

impl Row for DatasetRow {
    fn key(&self) -> usize {
        self.key
    }

    fn name(&self) -> RwSignal<String> {
        self.name
    }
}

impl DatasetRow {
    fn def(&self) -> DatasetDef {
        DatasetDef {
            name: self.name.get().trim().to_owned(),
            frequency: super::frequency(&self.unit.get(), &self.every.get(), &self.written.get()),
            initial_instance: self.initial.get().trim().to_owned(),
            timezone: self.timezone.get().trim().to_owned(),
            uri_template: self.uri.get().trim().to_owned(),
            done_flag: match self.done.get() {
                DONE_DIRECTORY => Some(String::new()),
                DONE_FILE => Some(self.done_file.get().trim().to_owned()),
                _ => None,
            },
        }
    }
}

#[derive(Clone, Copy)]
struct InputRow {
    key: usize,
    name: RwSignal<String>,
    dataset: RwSignal<String>,
    range: RwSignal<bool>,
    start: RwSignal<String>,
    end: RwSignal<String>,
    /// Instances after the first of a loaded list of several, kept as written.
    more: RwSignal<Vec<String>>,
}

impl Row for InputRow {
    fn key(&self) -> usize {
        self.key
    }

    fn name(&self) -> RwSignal<String> {
        self.name
    }
}

#[derive(Clone, Copy)]
struct OutputRow {
    key: usize,
    name: RwSignal<String>,
    dataset: RwSignal<String>,
    instance: RwSignal<String>,
    nocleanup: RwSignal<bool>,
}

impl Row for OutputRow {
    fn key(&self) -> usize {
        self.key
    }

    fn name(&self) -> RwSignal<String> {
        self.name
    }
}

/// What the data editors hold.
#[derive(Clone, Copy)]
pub struct Data {
    datasets: Rows<DatasetRow>,
    inputs: Rows<InputRow>,
    outputs: Rows<OutputRow>,
    logic: RwSignal<Option<Logic>>,
    configuration: RwSignal<Vec<Property>>,
    /// Bumped by a load: the configuration table is made again with what was loaded.
    loaded: RwSignal<u32>,
}

impl Data {
    pub fn new() -> Data {
        Data {
            datasets: Rows::new(),
            inputs: Rows::new(),
            outputs: Rows::new(),
            logic: RwSignal::new(None),
            configuration: RwSignal::new(Vec::new()),
            loaded: RwSignal::new(0),
        }
    }

    /// Shows a stored coordinator's data for editing, in place of what the editors held.
    pub fn load(&self, c: &Coordinator) {
        self.datasets.list.set(Vec::new());
        for d in &c.datasets {
            let (unit, every, written) = super::frequency_parts(&d.frequency, "written");
            let (done, file) = match d.done_flag.as_deref() {
                None => (DONE_DEFAULT, String::new()),
                Some("") => (DONE_DIRECTORY, String::new()),
                Some(f) => (DONE_FILE, f.to_owned()),
            };
            self.datasets.push(|key| DatasetRow {
                key,
                name: RwSignal::new(d.name.clone()),
                unit: RwSignal::new(unit),
                every: RwSignal::new(every),
                written: RwSignal::new(written),
                initial: RwSignal::new(d.initial_instance.clone()),
                timezone: RwSignal::new(d.timezone.clone()),
                uri: RwSignal::new(d.uri_template.clone()),
                done: RwSignal::new(done),
                done_file: RwSignal::new(file),
            });
        }
        self.inputs.list.set(Vec::new());
        for i in &c.inputs {
            let (range, start, end, more) = match &i.instances {
                Instances::Range { start, end } => (true, start.clone(), end.clone(), Vec::new()),
                Instances::List(list) => {
                    let first = list.first().cloned().unwrap_or_default();
                    (
                        false,
                        first.clone(),
                        first,
                        list.iter().skip(1).cloned().collect(),
                    )
                }
            };
            self.inputs.push(|key| InputRow {
                key,
                name: RwSignal::new(i.name.clone()),
                dataset: RwSignal::new(i.dataset.clone()),
                range: RwSignal::new(range),
                start: RwSignal::new(start),
                end: RwSignal::new(end),
                more: RwSignal::new(more),
            });
        }
        self.outputs.list.set(Vec::new());
        for o in &c.outputs {
            self.outputs.push(|key| OutputRow {
                key,
                name: RwSignal::new(o.name.clone()),
                dataset: RwSignal::new(o.dataset.clone()),
                instance: RwSignal::new(o.instance.clone()),
                nocleanup: RwSignal::new(o.nocleanup == Some(true)),
            });
        }
        self.logic.set(c.input_logic.first().cloned());
        self.configuration.set(c.configuration.clone());
        self.loaded.update(|n| *n += 1);
    }

    /// Writes what the editors say into `c`; read in a memo, it tracks every field.
    pub fn apply(&self, c: &mut Coordinator) {
        c.datasets = self
            .datasets
            .list
            .with(|l| l.iter().map(DatasetRow::def).collect());
        c.inputs = self.inputs.list.with(|l| {
            l.iter()
                .map(|r| DataIn {
                    name: r.name.get().trim().to_owned(),
                    dataset: r.dataset.get(),
                    instances: if r.range.get() {
                        Instances::Range {
                            start: r.start.get().trim().to_owned(),
                            end: r.end.get().trim().to_owned(),
                        }
                    } else {
                        let mut list = vec![r.start.get().trim().to_owned()];
                        list.extend(r.more.get());
                        Instances::List(list)
                    },
                })
                .collect()
        });
        c.outputs = self.outputs.list.with(|l| {
            l.iter()
                .map(|r| DataOut {
                    name: r.name.get().trim().to_owned(),
                    dataset: r.dataset.get(),
                    instance: r.instance.get().trim().to_owned(),
                    nocleanup: r.nocleanup.get().then_some(true),
                })
                .collect()
        });
        c.input_logic = self.logic.get().into_iter().collect();
        c.configuration = self.configuration.get();
    }
}

/// `stem`, else `stem2`, `stem3`…: the first name not in `taken`.
fn fresh_name(stem: &str, taken: &[String]) -> String {
    std::iter::once(stem.to_owned())
        .chain((2..).map(|n| format!("{stem}{n}")))
        .find(|n| !taken.contains(n))
        .expect("there are always more numbers")
}

/// A choice of dataset, by name, among those defined.
fn dataset_select(data: Data, testid: String, value: RwSignal<String>) -> impl IntoView {
    view! {
        <select data-testid=testid aria-label=t("Dataset") on:change=move |ev| value.set(event_target_value(&ev))>
            <option value="" selected=move || value.with(String::is_empty)>{t("(choose a dataset)")}</option>
            {move || data.datasets.names().into_iter().filter(|n| !n.is_empty()).map(|n| {
                let (chosen, shown) = (n.clone(), n.clone());
                view! { <option value=n selected=move || value.with(|v| *v == chosen)>{shown}</option> }
            }).collect_view()}
        </select>
    }
}

/// An instance as a kind and its numbers; the text is what the coordinator says.
fn instance_picker(testid: String, value: RwSignal<String>) -> impl IntoView {
    let pick = Memo::new(move |_| value.with(|v| Pick::parse(v)));
    // The fields are drawn again only when the kind changes, so typing keeps its focus.
    let kind = Memo::new(move |_| pick.with(Pick::kind));
    let set = move |p: Pick| value.set(p.text());
    let number = move |testid: String,
                       label: &'static str,
                       get: fn(&Pick) -> Option<i64>,
                       with: fn(&Pick, i64) -> Pick| {
        view! {
            <input type="number" class="count" data-testid=testid aria-label=label title=label
                prop:value=move || pick.with(|p| get(p).map(|n| n.to_string()).unwrap_or_default())
                on:input=move |ev| if let Ok(n) = event_target_value(&ev).trim().parse() {
                    set(with(&pick.get_untracked(), n));
                }/>
        }
    };
    let kind_id = format!("{testid}-kind");
    let fields = move || {
        let id = |part: &str| format!("{testid}-{part}");
        match kind.get() {
            "current" | "latest" => number(id("n"), t("Periods from the action's own (0 is its own)"), Pick::n, Pick::with_n).into_any(),
            "offset" => view! {
                {number(id("n"), t("How many units away"), Pick::n, Pick::with_n)}
                <select data-testid=id("unit") aria-label=t("Unit") on:change=move |ev| {
                    if let Pick::Offset(n, _) = pick.get_untracked() { set(Pick::Offset(n, event_target_value(&ev))) }
                }>
                    {OFFSET_UNITS.into_iter().map(|u| view! {
                        <option value=u selected=move || matches!(pick.get(), Pick::Offset(_, ref x) if x == u)>{u}</option>
                    }).collect_view()}
                </select>
            }.into_any(),
            "future" => view! {
                {number(id("n"), t("Which one ahead (0 is the next that exists)"), Pick::n, Pick::with_n)}
                {number(id("limit"), t("How many periods ahead to look at most"),
                    |p| match p { Pick::Future(_, l) => Some(*l), _ => None },
                    |p, l| match p { Pick::Future(n, _) => Pick::Future(*n, l), other => other.clone() })}
            }.into_any(),
            "absolute" => view! {
                <input data-testid=id("time") aria-label=t("Time (UTC)") placeholder="2026-01-01T00:00Z"
                    prop:value=move || match pick.get() { Pick::Absolute(at) => at, _ => String::new() }
                    on:input=move |ev| set(Pick::Absolute(event_target_value(&ev).trim().to_owned()))/>
            }.into_any(),
            _ => view! {
                <input class="wide" data-testid=id("text") aria-label=t("Instance, as written")
                    prop:value=move || value.get() on:input=move |ev| value.set(event_target_value(&ev))/>
            }.into_any(),
        }
    };
    view! {
        <span class="instance-pick">
            <select data-testid=kind_id aria-label=t("Instance") on:change=move |ev| {
                set(pick.get_untracked().with_kind(&event_target_value(&ev)))
            }>
                {KINDS.into_iter().map(|k| view! {
                    <option value=k selected=move || kind.get() == k>{kind_label(k)}</option>
                }).collect_view()}
            </select>
            {fields}
        </span>
    }
}

fn kind_label(kind: &str) -> &'static str {
    match kind {
        "current" => t("current(n): the period n from the action's"),
        "offset" => t("offset(n, unit): n minutes, hours… away"),
        "latest" => t("latest(n): the newest that exists, or n before it"),
        "future" => t("future(n, limit): the next that exists ahead"),
        "absolute" => t("absolute(time): a fixed instance"),
        _ => t("as written (EL)"),
    }
}

fn text_field(label: &'static str, testid: String, value: RwSignal<String>) -> impl IntoView {
    view! {
        <label class="field">{label}
            <input data-testid=testid bind:value=value/>
        </label>
    }
}

/// The shape of an input-logic tree: the tree is drawn again only when its shape changes,
/// not when a number in it is typed.
#[derive(Clone, PartialEq)]
struct Shape {
    op: LogicOp,
    children: Vec<Shape>,
}

fn shape(l: &Logic) -> Shape {
    Shape {
        op: l.op,
        children: l.children.iter().map(shape).collect(),
    }
}

fn node_mut<'a>(root: &'a mut Logic, path: &[usize]) -> Option<&'a mut Logic> {
    match path.split_first() {
        None => Some(root),
        Some((i, rest)) => node_mut(root.children.get_mut(*i)?, rest),
    }
}

fn node<'a>(root: &'a Logic, path: &[usize]) -> Option<&'a Logic> {
    match path.split_first() {
        None => Some(root),
        Some((i, rest)) => node(root.children.get(*i)?, rest),
    }
}

fn leaf(dataset: Option<String>) -> Logic {
    Logic {
        op: LogicOp::DataIn,
        name: None,
        min: None,
        wait: None,
        dataset,
        children: Vec::new(),
    }
}

fn group(op: LogicOp, children: Vec<Logic>) -> Logic {
    Logic {
        op,
        name: None,
        min: None,
        wait: None,
        dataset: None,
        children,
    }
}

/// One node of the input logic and, for an operator, its operands.
fn logic_node(data: Data, path: Vec<usize>, shape: Shape) -> AnyView {
    let logic = data.logic;
    let id = path
        .iter()
        .fold("logic".to_owned(), |id, i| format!("{id}-{i}"));
    // Kept where the closures below can copy it from.
    let at = StoredValue::new(path.clone());
    let edit = move |f: Box<dyn FnOnce(&mut Logic)>| {
        let path = at.get_value();
        logic.update(|l| {
            if let Some(n) = l.as_mut().and_then(|l| node_mut(l, &path)) {
                f(n);
            }
        })
    };
    let read = move |f: fn(&Logic) -> Option<String>| {
        let path = at.get_value();
        logic.with(|l| l.as_ref().and_then(|l| node(l, &path)).and_then(f))
    };
    let optional = move |label: &'static str,
                         testid: String,
                         get: fn(&Logic) -> Option<String>,
                         put: fn(&mut Logic, Option<String>)| {
        view! {
            <input class="count" data-testid=testid aria-label=label title=label placeholder=label
                prop:value=move || read(get).unwrap_or_default()
                on:input=move |ev| {
                    let v = Some(event_target_value(&ev).trim().to_owned()).filter(|v| !v.is_empty());
                    edit(Box::new(move |n| put(n, v)));
                }/>
        }
    };
    let remove = (!path.is_empty()).then(|| {
        let path = path.clone();
        view! {
            <button class="link" data-testid=format!("{id}-remove") title=t("Remove") aria-label=t("Remove")
                on:click=move |_| logic.update(|l| {
                    let (last, parent) = path.split_last().expect("not the root");
                    if let Some(p) = l.as_mut().and_then(|l| node_mut(l, parent)) {
                        p.children.remove(*last);
                    }
                })>"×"</button>
        }
    });
    let min = optional(
        t("min"),
        format!("{id}-min"),
        |l| l.min.clone(),
        |l, v| l.min = v,
    );
    let wait = optional(
        t("wait (min)"),
        format!("{id}-wait"),
        |l| l.wait.clone(),
        |l, v| l.wait = v,
    );
    if shape.op == LogicOp::DataIn {
        let chosen = move || read(|l| l.dataset.clone()).unwrap_or_default();
        return view! {
            <li class="logic-leaf">
                <select data-testid=format!("{id}-input") aria-label=t("Input event")
                    on:change=move |ev| {
                        let v = event_target_value(&ev);
                        edit(Box::new(move |n| n.dataset = Some(v)));
                    }>
                    {move || data.inputs.names().into_iter().map(|n| {
                        let (this, shown) = (n.clone(), n.clone());
                        view! { <option value=n selected=move || chosen() == this>{shown}</option> }
                    }).collect_view()}
                </select>
                {min}{wait}{remove}
            </li>
        }
        .into_any();
    }
    let set_op = edit;
    let add = move |what: Logic| {
        move |_| {
            let what = what.clone();
            edit(Box::new(move |n| n.children.push(what)))
        }
    };
    let first_input = data.inputs.names().into_iter().next();
    let children = shape
        .children
        .into_iter()
        .enumerate()
        .map(|(i, s)| {
            let mut path = path.clone();
            path.push(i);
            logic_node(data, path, s)
        })
        .collect_view();
    let op = shape.op;
    let name = optional(
        t("name"),
        format!("{id}-name"),
        |l| l.name.clone(),
        |l, v| l.name = v,
    );
    view! {
        <li class="logic-group">
            <select data-testid=format!("{id}-op") aria-label=t("Rule")
                on:change=move |ev| {
                    let op = match event_target_value(&ev).as_str() {
                        "or" => LogicOp::Or,
                        "combine" => LogicOp::Combine,
                        _ => LogicOp::And,
                    };
                    set_op(Box::new(move |n| n.op = op));
                }>
                <option value="and" selected=op == LogicOp::And>{t("and: all of them")}</option>
                <option value="or" selected=op == LogicOp::Or>{t("or: the first, in order, that is there")}</option>
                <option value="combine" selected=op == LogicOp::Combine>{t("combine: the instances from any of them")}</option>
            </select>
            {name}{min}{wait}{remove}
            <ul>{children}</ul>
            <button data-testid=format!("{id}-add-input") on:click=add(leaf(first_input))>{t("Add an input")}</button>
            <button data-testid=format!("{id}-add-group") on:click=add(group(LogicOp::Or, Vec::new()))>{t("Add a rule")}</button>
        </li>
    }
    .into_any()
}

/// The datasets, events, input logic and configuration of a schedule.
#[component]
pub fn DataEditor(
    data: Data,
    /// The schedule's start and zone: a new dataset starts there.
    start: RwSignal<String>,
    timezone: RwSignal<String>,
) -> impl IntoView {
    let add_dataset = move |_| {
        let name = data.datasets.fresh_name("data");
        data.datasets.push(|key| DatasetRow {
            key,
            name: RwSignal::new(name),
            unit: RwSignal::new("days".to_owned()),
            every: RwSignal::new("1".to_owned()),
            written: RwSignal::new(String::new()),
            initial: RwSignal::new(start.get_untracked()),
            timezone: RwSignal::new(timezone.get_untracked()),
            uri: RwSignal::new(String::new()),
            done: RwSignal::new(DONE_DEFAULT),
            done_file: RwSignal::new(String::new()),
        });
    };
    let first_dataset = move || data.datasets.names().into_iter().next().unwrap_or_default();
    let add_input = move |_| {
        let name = data.inputs.fresh_name("input");
        let dataset = first_dataset();
        data.inputs.push(|key| InputRow {
            key,
            name: RwSignal::new(name),
            dataset: RwSignal::new(dataset),
            range: RwSignal::new(false),
            start: RwSignal::new(Pick::Current(0).text()),
            end: RwSignal::new(Pick::Current(0).text()),
            more: RwSignal::new(Vec::new()),
        });
    };
    let add_output = move |_| {
        let name = data.outputs.fresh_name("output");
        let dataset = first_dataset();
        data.outputs.push(|key| OutputRow {
            key,
            name: RwSignal::new(name),
            dataset: RwSignal::new(dataset),
            instance: RwSignal::new(Pick::Current(0).text()),
            nocleanup: RwSignal::new(false),
        });
    };
    let datasets = move || data.datasets.list.get();
    let inputs = move || data.inputs.list.get();
    let outputs = move || data.outputs.list.get();
    let logic_shape = Memo::new(move |_| data.logic.with(|l| l.as_ref().map(shape)));
    let start_logic = move |_| {
        let leaves = data
            .inputs
            .names()
            .into_iter()
            .map(|n| leaf(Some(n)))
            .collect();
        data.logic.set(Some(group(LogicOp::And, leaves)));
    };
    view! {
        <details class="controls" data-testid="schedule-datasets">
            <summary>{t("Datasets")}</summary>
            <p class="hint">{t("Where each period's data lives, and how to tell it is complete. The URI template may use ${YEAR}, ${MONTH}, ${DAY}, ${HOUR} and ${MINUTE}.")}</p>
            <For each=datasets key=|r| r.key let:row>
                {
                    let id = |part: &str| format!("dataset-{}-{part}", row.key);
                    view! {
                        <fieldset class="data-row">
                            {text_field(t("Name"), id("name"), row.name)}
                            <label class="field">{t("Every")}
                                <span class="row">
                                    <input type="number" min="1" data-testid=id("every") bind:value=row.every
                                        class:hidden=move || row.unit.get() == "written"/>
                                    <input data-testid=id("written") bind:value=row.written aria-label=t("Frequency, as written")
                                        class:hidden=move || row.unit.get() != "written"/>
                                    <select data-testid=id("unit") aria-label=t("Unit") prop:value=move || row.unit.get()
                                        on:change=move |ev| row.unit.set(event_target_value(&ev))>
                                        <option value="minutes">{t("minutes")}</option>
                                        <option value="hours">{t("hours")}</option>
                                        <option value="days">{t("days")}</option>
                                        <option value="months">{t("months")}</option>
                                        <option value="written">{t("as written (EL)")}</option>
                                    </select>
                                </span>
                            </label>
                            {text_field(t("First instance (UTC)"), id("initial"), row.initial)}
                            <label class="field">{t("Time zone")}
                                <input data-testid=id("timezone") list="schedule-zones" bind:value=row.timezone/>
                            </label>
                            <label class="field">{t("URI template")}
                                <input data-testid=id("uri") bind:value=row.uri placeholder="hdfs://nn/data/${YEAR}/${MONTH}/${DAY}"/>
                            </label>
                            <label class="field">{t("Complete when")}
                                <span class="row">
                                    <select data-testid=id("done") prop:value=move || row.done.get() on:change=move |ev| row.done.set(match event_target_value(&ev).as_str() {
                                        DONE_DIRECTORY => DONE_DIRECTORY,
                                        DONE_FILE => DONE_FILE,
                                        _ => DONE_DEFAULT,
                                    })>
                                        <option value=DONE_DEFAULT>{t("it has a _SUCCESS file")}</option>
                                        <option value=DONE_DIRECTORY>{t("its directory exists")}</option>
                                        <option value=DONE_FILE>{t("it has a file named…")}</option>
                                    </select>
                                    <input data-testid=id("done-file") bind:value=row.done_file
                                        class:hidden=move || row.done.get() != DONE_FILE aria-label=t("Done-flag file")/>
                                </span>
                            </label>
                            <button class="link" data-testid=id("remove") on:click=move |_| data.datasets.remove(row.key)>{t("Remove")}</button>
                        </fieldset>
                    }
                }
            </For>
            <button data-testid="dataset-add" on:click=add_dataset>{t("Add a dataset")}</button>
        </details>
        <details class="controls" data-testid="schedule-inputs">
            <summary>{t("Inputs and outputs")}</summary>
            <p class="hint">{t("An action waits until every instance of its inputs is complete; each output instance is where it writes.")}</p>
            <For each=inputs key=|r| r.key let:row>
                {
                    let id = move |part: &str| format!("input-{}-{part}", row.key);
                    view! {
                        <fieldset class="data-row">
                            <legend>{t("Input")}</legend>
                            {text_field(t("Name"), id("name"), row.name)}
                            {dataset_select(data, id("dataset"), row.dataset)}
                            <label class="check">
                                <input type="checkbox" data-testid=id("range") prop:checked=move || row.range.get()
                                    on:change=move |ev| row.range.set(event_target_checked(&ev))/>
                                {t("A range of instances")}
                            </label>
                            <div class="field">{move || if row.range.get() { t("From") } else { t("Instance") }}
                                {instance_picker(id("start"), row.start)}
                            </div>
                            <Show when=move || row.range.get()>
                                <div class="field">{t("To")}{instance_picker(id("end"), row.end)}</div>
                            </Show>
                            {move || row.more.with(|more| (!more.is_empty() && !row.range.get()).then(|| view! {
                                <p class="hint" data-testid=id("more")>{tf("And {} more instances, kept as written: {}", &[&more.len(), &more.join(", ")])}</p>
                            }))}
                            <button class="link" data-testid=id("remove") on:click=move |_| data.inputs.remove(row.key)>{t("Remove")}</button>
                        </fieldset>
                    }
                }
            </For>
            <For each=outputs key=|r| r.key let:row>
                {
                    let id = move |part: &str| format!("output-{}-{part}", row.key);
                    view! {
                        <fieldset class="data-row">
                            <legend>{t("Output")}</legend>
                            {text_field(t("Name"), id("name"), row.name)}
                            {dataset_select(data, id("dataset"), row.dataset)}
                            <div class="field">{t("Instance")}{instance_picker(id("instance"), row.instance)}</div>
                            <label class="check">
                                <input type="checkbox" data-testid=id("nocleanup") prop:checked=move || row.nocleanup.get()
                                    on:change=move |ev| row.nocleanup.set(event_target_checked(&ev))/>
                                {t("Keep its data when the action is rerun (nocleanup)")}
                            </label>
                            <button class="link" data-testid=id("remove") on:click=move |_| data.outputs.remove(row.key)>{t("Remove")}</button>
                        </fieldset>
                    }
                }
            </For>
            <button data-testid="input-add" on:click=add_input>{t("Add an input")}</button>
            <button data-testid="output-add" on:click=add_output>{t("Add an output")}</button>
        </details>
        <details class="controls" data-testid="schedule-logic">
            <summary>{t("Input logic")}</summary>
            <p class="hint">{t("Instead of waiting for all inputs: and (all of them), or (the first that is there, in order), combine (instances from any of them). min: how many instances are enough; wait: minutes to wait for the rest before taking min.")}</p>
            {move || match logic_shape.get() {
                None => view! {
                    <button data-testid="logic-set" on:click=start_logic>{t("Wait by rules")}</button>
                }.into_any(),
                Some(shape) => view! {
                    <ul class="logic">{logic_node(data, Vec::new(), shape)}</ul>
                    <p><button class="link" data-testid="logic-clear" on:click=move |_| data.logic.set(None)>{t("Wait for all inputs instead")}</button></p>
                }.into_any(),
            }}
        </details>
        <details class="controls" data-testid="schedule-configuration">
            <summary>{t("Configuration")}</summary>
            <p class="hint">{t("Properties each run gets, such as the input directories: ${coord:dataIn('input')}, ${coord:formatTime(coord:nominalTime(), 'yyyyMMdd')}.")}</p>
            {move || {
                data.loaded.track();
                let initial = data.configuration.with_untracked(|c| c.iter().map(|p| shared::workflow::action::Property {
                    name: p.name.clone(),
                    value: Some(p.value.clone()),
                    description: p.description.clone(),
                }).collect());
                view! {
                    <PropertyTable testid="schedule-conf" initial values=Values::Required
                        names=Signal::stored(Vec::new()) functions=COORD_FUNCTIONS
                        on_change=Callback::new(move |props: Vec<shared::workflow::action::Property>| {
                            data.configuration.set(props.into_iter().map(|p| Property {
                                name: p.name,
                                value: p.value.unwrap_or_default(),
                                description: p.description,
                            }).collect())
                        })/>
                }
            }}
        </details>
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_new_row_takes_the_first_free_name() {
        assert_eq!(fresh_name("input", &[]), "input");
        let taken = ["input".to_owned(), "input3".to_owned()];
        assert_eq!(fresh_name("input", &taken), "input2");
        assert_eq!(fresh_name("input", &taken[1..]), "input");
    }
}
