//! The validation issues, live from the shared crate; a click selects the first node named
//! and brings it into view.

use leptos::prelude::*;
use shared::workflow::Severity;

use crate::i18n::t;
use crate::state::{EditorState, Selection};

#[component]
pub fn Issues(state: EditorState) -> impl IntoView {
    let summary = move || {
        state.issues.with(|issues| {
            let errors = issues.iter().filter(|i| i.is_error()).count();
            let warnings = issues.len() - errors;
            match (errors, warnings) {
                (0, 0) => t("No issues: ready to export.").to_owned(),
                (e, w) => format!("{e} error(s), {w} warning(s)"),
            }
        })
    };
    let valid = move || {
        state
            .issues
            .with(|issues| !issues.iter().any(|i| i.is_error()))
    };
    let rows =
        move || {
            state.issues.get().into_iter().map(|issue| {
            let class = match issue.severity {
                Severity::Error => "error",
                Severity::Warning => "warning",
            };
            let first = issue.nodes.first().cloned();
            let edge = issue.edges.first().cloned();
            let focus = move |_| {
                if let Some(node) = &first {
                    state.focus(node);
                } else if let Some(edge) = &edge {
                    state.focus(&edge.from);
                    state.select(Selection::Edge(edge.clone()));
                }
            };
            view! {
                <li class=class data-testid="issue" data-code=issue.code.clone() on:click=focus>
                    <span class="code">{issue.code.clone()}</span>
                    {issue.message.clone()}
                </li>
            }
        }).collect_view()
        };
    view! {
        <section>
            <h3>{t("Validation")}</h3>
            <p class:valid=valid data-testid="validation-summary">{summary}</p>
            <ul class="issues" data-testid="validation-issues">{rows}</ul>
        </section>
    }
}
