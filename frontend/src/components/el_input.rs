//! A text field that knows EL: its `${…}` parts are marked as they are typed, the
//! functions and the defined names are suggested at the caret (↑ ↓ to choose, Enter or
//! Tab to take, Escape to close), and what is wrong with the text is said under it. The
//! checking and suggesting are the shared crate's (`el::catalog`); this only draws them.
//!
//! The marks are drawn by a mirror behind the field: the same text, laid out the same way,
//! transparent except for the marks, under a field whose background is transparent.

use leptos::prelude::*;
use shared::el::catalog::{
    Function, Suggestion, WORKFLOW_FUNCTIONS, check_field, expression_spans, suggest, word_at,
};
use wasm_bindgen::JsCast;

/// Suggestions shown at once.
const SHOWN: usize = 8;

/// The caret as a byte offset (the DOM counts UTF-16 units).
fn byte_offset(text: &str, utf16: usize) -> usize {
    let mut units = 0;
    for (i, c) in text.char_indices() {
        if units >= utf16 {
            return i;
        }
        units += c.len_utf16();
    }
    text.len()
}

fn utf16_offset(text: &str, byte: usize) -> usize {
    text[..byte.min(text.len())].encode_utf16().count()
}

/// The field element, whichever of the two it is.
enum Field {
    Input(web_sys::HtmlInputElement),
    Area(web_sys::HtmlTextAreaElement),
}

impl Field {
    fn of(target: Option<web_sys::EventTarget>) -> Option<Field> {
        let target = target?;
        match target.dyn_into::<web_sys::HtmlInputElement>() {
            Ok(i) => Some(Field::Input(i)),
            Err(t) => t
                .dyn_into::<web_sys::HtmlTextAreaElement>()
                .ok()
                .map(Field::Area),
        }
    }

    fn value(&self) -> String {
        match self {
            Field::Input(i) => i.value(),
            Field::Area(a) => a.value(),
        }
    }

    fn caret(&self) -> usize {
        let at = match self {
            Field::Input(i) => i.selection_start().ok().flatten(),
            Field::Area(a) => a.selection_start().ok().flatten(),
        };
        byte_offset(&self.value(), at.unwrap_or(0) as usize)
    }

    fn set(&self, value: &str, caret: usize) {
        let at = utf16_offset(value, caret) as u32;
        match self {
            Field::Input(i) => {
                i.set_value(value);
                let _ = i.set_selection_range(at, at);
            }
            Field::Area(a) => {
                a.set_value(value);
                let _ = a.set_selection_range(at, at);
            }
        }
    }

    fn scroll(&self) -> (i32, i32) {
        match self {
            Field::Input(i) => (i.scroll_left(), i.scroll_top()),
            Field::Area(a) => (a.scroll_left(), a.scroll_top()),
        }
    }
}

#[component]
pub fn ElField(
    /// The element id, also its test hook.
    id: String,
    initial: String,
    /// A textarea rather than a one-line input.
    #[prop(optional)]
    multiline: bool,
    /// Parameters and job properties: names an expression may use.
    names: Signal<Vec<String>>,
    /// The functions the field's context answers: a workflow's, unless said otherwise.
    #[prop(default = WORKFLOW_FUNCTIONS)]
    functions: &'static [Function],
    /// Every change of the text.
    on_text: Callback<String>,
) -> impl IntoView {
    let text = RwSignal::new(initial.clone());
    let caret = RwSignal::new(None::<usize>);
    let active = RwSignal::new(0usize);
    // Escape closes the list until the text changes.
    let closed = RwSignal::new(false);
    let mirror = NodeRef::<leptos::html::Div>::new();
    let notes = Memo::new(move |_| {
        names.with(|names| {
            text.with(|t| check_field(t, functions, &|n| names.iter().any(|d| d == n)))
        })
    });
    let suggestions = Memo::new(move |_| {
        let at = caret.get()?;
        if closed.get() {
            return None;
        }
        text.with(|t| {
            let (_, word) = word_at(t, at)?;
            // An empty word only right after `${`: elsewhere (after `(` or an operator) a
            // list would only get in the way of typing.
            if word.is_empty() && !t[..at].ends_with("${") {
                return None;
            }
            let list = names.with(|n| {
                let names: Vec<&str> = n.iter().map(String::as_str).collect();
                suggest(word, functions, &names, SHOWN)
            });
            (!list.is_empty()).then_some(list)
        })
    });

    let sync = move |field: &Field| {
        text.set(field.value());
        caret.set(Some(field.caret()));
        if let Some(m) = mirror.get_untracked() {
            let (left, top) = field.scroll();
            m.set_scroll_left(left);
            m.set_scroll_top(top);
        }
    };
    let take = move |field: &Field, s: &Suggestion| {
        let value = field.value();
        let Some((start, _)) = word_at(&value, field.caret()) else {
            return;
        };
        let end = field.caret();
        let new = format!("{}{}{}", &value[..start], s.insert, &value[end..]);
        let at = start + s.insert.len();
        field.set(&new, at);
        text.set(new.clone());
        caret.set(Some(at));
        active.set(0);
        on_text.run(new);
    };
    let on_input = move |ev: leptos::ev::Event| {
        if let Some(field) = Field::of(ev.target()) {
            sync(&field);
            active.set(0);
            closed.set(false);
            on_text.run(field.value());
        }
    };
    let on_keydown = move |ev: leptos::ev::KeyboardEvent| {
        let Some(list) = suggestions.get_untracked() else {
            return;
        };
        let n = list.len();
        match ev.key().as_str() {
            "ArrowDown" => active.update(|a| *a = (*a + 1) % n),
            "ArrowUp" => active.update(|a| *a = (*a + n - 1) % n),
            "Enter" | "Tab" => {
                if let Some(field) = Field::of(ev.target()) {
                    take(&field, &list[active.get_untracked().min(n - 1)]);
                }
            }
            "Escape" => closed.set(true),
            _ => return,
        }
        ev.prevent_default();
        ev.stop_propagation();
    };
    let on_caret = move |target: Option<web_sys::EventTarget>| {
        if let Some(field) = Field::of(target) {
            sync(&field);
        }
    };
    let field_id = id.clone();
    let marks = move || {
        text.with(|t| {
            let mut out = Vec::new();
            let mut at = 0;
            for span in expression_spans(t) {
                out.push(t[at..span.start].to_owned().into_any());
                out.push(view! { <mark class="el">{t[span.clone()].to_owned()}</mark> }.into_any());
                at = span.end;
            }
            // A trailing newline needs a character after it to take up its line.
            out.push(format!("{}\u{200b}", &t[at..]).into_any());
            out.collect_view()
        })
    };
    let list = move || {
        let list = suggestions.get()?;
        let id = field_id.clone();
        Some(view! {
            <ul class="el-suggest" role="listbox" data-testid=format!("{id}-suggest")>
                {list.into_iter().enumerate().map(|(i, s)| {
                    let chosen = s.clone();
                    let id = id.clone();
                    view! {
                        <li role="option" class:active=move || active.get() == i
                            aria-selected=move || (active.get() == i).to_string()
                            // Taken on press, before the field loses focus.
                            on:mousedown=move |ev| {
                                ev.prevent_default();
                                let field = document().get_element_by_id(&id).map(web_sys::EventTarget::from);
                                if let Some(field) = Field::of(field) {
                                    take(&field, &chosen);
                                }
                            }>
                            <code>{s.label.clone()}</code>" "<span class="muted">{s.detail.clone()}</span>
                        </li>
                    }
                }).collect_view()}
            </ul>
        })
    };
    let notes_view = {
        let id = id.clone();
        move || {
            let notes = notes.get();
            (!notes.is_empty()).then(|| {
                view! {
                    <ul class="el-notes" data-testid=format!("{id}-notes")>
                        {notes.into_iter().map(|n| view! {
                            <li class:field-error=n.error class:field-warning=!n.error>{n.message}</li>
                        }).collect_view()}
                    </ul>
                }
            })
        }
    };
    let input = if multiline {
        view! {
            <textarea id=id.clone() data-testid=id.clone() class="el-input" spellcheck="false"
                prop:value=initial on:input=on_input on:keydown=on_keydown
                on:click=move |ev| on_caret(ev.target()) on:keyup=move |ev| on_caret(ev.target())
                on:scroll=move |ev| on_caret(ev.target()) on:blur=move |_| caret.set(None)></textarea>
        }
        .into_any()
    } else {
        view! {
            <input id=id.clone() data-testid=id.clone() class="el-input" spellcheck="false" autocomplete="off"
                prop:value=initial on:input=on_input on:keydown=on_keydown
                on:click=move |ev| on_caret(ev.target()) on:keyup=move |ev| on_caret(ev.target())
                on:scroll=move |ev| on_caret(ev.target()) on:blur=move |_| caret.set(None)/>
        }
        .into_any()
    };
    view! {
        <div class="el-field" class:multiline=multiline>
            <div class="el-mirror" aria-hidden="true" node_ref=mirror>{marks}</div>
            {input}
            {list}
        </div>
        {notes_view}
    }
}
