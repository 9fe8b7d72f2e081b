//! The visual cron builder: a tab per field (minute, hour, day, month, weekday), each with
//! the choices DolphinScheduler users know. It edits the cron text it is given, one field
//! at a time, so the text box beside it and the builder always say the same thing; what
//! the builder cannot express is shown as written and left alone.

use leptos::prelude::*;
use shared::time::cron_builder::{Choice, ChoiceKind, CronField, fields, with_field};

use crate::i18n::t;

fn field_label(field: CronField) -> &'static str {
    match field {
        CronField::Minute => t("Minute"),
        CronField::Hour => t("Hour"),
        CronField::DayOfMonth => t("Day"),
        CronField::Month => t("Month"),
        CronField::DayOfWeek => t("Weekday"),
    }
}

fn kind_label(kind: ChoiceKind) -> &'static str {
    match kind {
        ChoiceKind::Every => t("Every"),
        ChoiceKind::Unspecified => t("Not set (the other day field decides)"),
        ChoiceKind::Step => t("Every N, starting at"),
        ChoiceKind::Values => t("These values"),
        ChoiceKind::Range => t("From … to"),
        ChoiceKind::LastDay => t("Last day of the month"),
        ChoiceKind::LastWeekday => t("Last weekday of the month"),
        ChoiceKind::NearestWeekday => t("Weekday nearest to day"),
        ChoiceKind::NthWeekday => t("Nth weekday of the month"),
        ChoiceKind::LastWeekdayOf => t("Last given weekday of the month"),
        ChoiceKind::Custom => t("As written"),
    }
}

fn weekday_name(v: u32) -> &'static str {
    match v {
        1 => t("Sunday"),
        2 => t("Monday"),
        3 => t("Tuesday"),
        4 => t("Wednesday"),
        5 => t("Thursday"),
        6 => t("Friday"),
        _ => t("Saturday"),
    }
}

#[component]
pub fn CronBuilder(cron: RwSignal<String>) -> impl IntoView {
    let tab = RwSignal::new(CronField::Minute);
    let choices = Memo::new(move |_| fields(&cron.get()));
    view! {
        <div class="cron-builder" data-testid="cron-builder">
            <div class="tabs" role="tablist">
                {CronField::ALL.into_iter().map(|f| view! {
                    <button role="tab" class="tab" class:active=move || tab.get() == f
                        aria-selected=move || (tab.get() == f).to_string()
                        data-testid=format!("cron-tab-{}", f.id())
                        on:click=move |_| tab.set(f)>
                        {field_label(f)}
                        <code class="cron-part">{move || choices.get().map(|c| c[f.index()].write(f))}</code>
                    </button>
                }).collect_view()}
            </div>
            {move || choices.with(Option::is_none).then(|| view! {
                <p class="hint">{t("The cron needs five fields: minute hour day month weekday. A choice below starts again from * * * * *.")}</p>
            })}
            {move || {
                let field = tab.get();
                view! { <FieldChoices field cron choices/> }
            }}
        </div>
    }
}

#[component]
fn FieldChoices(
    field: CronField,
    cron: RwSignal<String>,
    choices: Memo<Option<[Choice; 5]>>,
) -> impl IntoView {
    let current = move || {
        choices
            .get()
            .map_or(Choice::Every, |c| c[field.index()].clone())
    };
    let kind = Memo::new(move |_| current().kind());
    let set = move |choice: Choice| cron.update(|c| *c = with_field(c, field, &choice));
    let (low, high) = field.range();
    // A number typed in range replaces one part of the choice; anything else waits.
    let number = move |text: String, min: u32, max: u32| {
        text.trim()
            .parse::<u32>()
            .ok()
            .filter(|n| (min..=max).contains(n))
    };
    let weekday_select = move |testid: &'static str,
                               get: fn(&Choice) -> Option<u32>,
                               make: fn(&Choice, u32) -> Choice| {
        view! {
            <select data-testid=testid aria-label=t("Weekday")
                on:change=move |ev| {
                    if let Some(v) = number(event_target_value(&ev), 1, 7) {
                        set(make(&current(), v));
                    }
                }>
                {(1..=7).map(|v| view! {
                    <option value=v.to_string() selected=move || get(&current()) == Some(v)>
                        {weekday_name(v)}
                    </option>
                }).collect_view()}
            </select>
        }
    };
    let details = move || {
        match kind.get() {
        ChoiceKind::Step => view! {
            <span class="row">
                {t("every")}
                <input type="number" min="1" max=high data-testid="cron-step-every"
                    prop:value=move || match current() { Choice::Step { every, .. } => every.to_string(), _ => String::new() }
                    on:input=move |ev| if let (Some(n), Choice::Step { start, .. }) = (number(event_target_value(&ev), 1, high), current()) {
                        set(Choice::Step { start, every: n });
                    }/>
                {t("starting at")}
                <input type="number" min=low max=high data-testid="cron-step-start"
                    prop:value=move || match current() { Choice::Step { start, .. } => start.to_string(), _ => String::new() }
                    on:input=move |ev| if let (Some(n), Choice::Step { every, .. }) = (number(event_target_value(&ev), low, high), current()) {
                        set(Choice::Step { start: n, every });
                    }/>
            </span>
        }.into_any(),
        ChoiceKind::Values => view! {
            <div class="cron-values" class:wide=move || field == CronField::Minute>
                {(low..=high).map(|v| {
                    let chosen = move || matches!(current(), Choice::Values(vs) if vs.contains(&v));
                    view! {
                        <button class="cron-value" class:on=chosen aria-pressed=move || chosen().to_string()
                            data-testid=format!("cron-value-{v}")
                            on:click=move |_| {
                                let Choice::Values(mut vs) = current() else { return };
                                match vs.binary_search(&v) {
                                    Ok(i) => { vs.remove(i); }
                                    Err(i) => vs.insert(i, v),
                                }
                                set(if vs.is_empty() { Choice::Every } else { Choice::Values(vs) });
                            }>{field.token(v)}</button>
                    }
                }).collect_view()}
            </div>
        }.into_any(),
        ChoiceKind::Range => {
            let end = move |testid: &'static str, first: bool| view! {
                <select data-testid=testid aria-label=if first { t("From") } else { t("To") }
                    on:change=move |ev| {
                        if let (Some(v), Choice::Range { from, to }) = (number(event_target_value(&ev), low, high), current()) {
                            set(if first { Choice::Range { from: v, to } } else { Choice::Range { from, to: v } });
                        }
                    }>
                    {(low..=high).map(|v| view! {
                        <option value=v.to_string()
                            selected=move || matches!(current(), Choice::Range { from, to } if (if first { from } else { to }) == v)>
                            {field.token(v)}
                        </option>
                    }).collect_view()}
                </select>
            };
            view! { <span class="row">{t("from")} {end("cron-range-from", true)} {t("to")} {end("cron-range-to", false)}</span> }.into_any()
        }
        ChoiceKind::LastDay => view! {
            <span class="row">
                <input type="number" min="0" max="30" data-testid="cron-last-before"
                    prop:value=move || match current() { Choice::LastDay { before } => before.to_string(), _ => String::new() }
                    on:input=move |ev| if let Some(n) = number(event_target_value(&ev), 0, 30) {
                        set(Choice::LastDay { before: n });
                    }/>
                {t("days before it")}
            </span>
        }.into_any(),
        ChoiceKind::NearestWeekday => view! {
            <span class="row">
                <input type="number" min="1" max="31" data-testid="cron-nearest-day"
                    prop:value=move || match current() { Choice::NearestWeekday(d) => d.to_string(), _ => String::new() }
                    on:input=move |ev| if let Some(n) = number(event_target_value(&ev), 1, 31) {
                        set(Choice::NearestWeekday(n));
                    }/>
            </span>
        }.into_any(),
        ChoiceKind::NthWeekday => view! {
            <span class="row">
                <select data-testid="cron-nth" aria-label=t("Which one")
                    on:change=move |ev| if let (Some(n), Choice::NthWeekday { day, .. }) = (number(event_target_value(&ev), 1, 5), current()) {
                        set(Choice::NthWeekday { day, nth: n });
                    }>
                    {[t("first"), t("second"), t("third"), t("fourth"), t("fifth")].into_iter().enumerate().map(|(i, label)| {
                        let n = i as u32 + 1;
                        view! { <option value=n.to_string() selected=move || matches!(current(), Choice::NthWeekday { nth, .. } if nth == n)>{label}</option> }
                    }).collect_view()}
                </select>
                {weekday_select("cron-nth-day",
                    |c| match c { Choice::NthWeekday { day, .. } => Some(*day), _ => None },
                    |c, v| match c { Choice::NthWeekday { nth, .. } => Choice::NthWeekday { day: v, nth: *nth }, _ => Choice::NthWeekday { day: v, nth: 1 } })}
            </span>
        }.into_any(),
        ChoiceKind::LastWeekdayOf => weekday_select("cron-last-of-day",
            |c| match c { Choice::LastWeekdayOf(d) => Some(*d), _ => None },
            |_, v| Choice::LastWeekdayOf(v)).into_any(),
        ChoiceKind::Custom => view! {
            <p class="hint" data-testid="cron-custom">
                {t("Written by hand; pick a choice above to replace it:")} " "
                <code>{move || match current() { Choice::Custom(text) => text, _ => String::new() }}</code>
            </p>
        }.into_any(),
        ChoiceKind::Every | ChoiceKind::Unspecified | ChoiceKind::LastWeekday => ().into_any(),
    }
    };
    view! {
        <div class="cron-field" role="tabpanel" data-testid=format!("cron-panel-{}", field.id())>
            {field
                .kinds()
                .iter()
                .copied()
                .chain((kind.get_untracked() == ChoiceKind::Custom).then_some(ChoiceKind::Custom))
                .map(|k| view! {
                    <label class="choice">
                        <input type="radio" name=format!("cron-{}", field.id())
                            data-testid=format!("cron-kind-{}", k.id())
                            prop:checked=move || kind.get() == k
                            on:change=move |_| set(k.start(field))/>
                        {kind_label(k)}
                    </label>
                })
                .collect_view()}
            <div class="cron-details">{details}</div>
        </div>
    }
}
