//! A stored version, read-only, or what changed from it: drawn with the nodes and edges
//! added, removed and changed coloured (see `canvas::compare`), and listed in words down
//! to each changed field, so a reviewer sees both the shape and the detail.

use leptos::prelude::*;
use shared::workflow::Workflow;
use shared::workflow::diff::{Change, WorkflowDiff, diff};

use crate::api;
use crate::canvas::Still;
use crate::canvas::compare::compare;
use crate::components::Modal;
use crate::i18n::{t, tf};
use crate::state::EditorState;

#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Shown {
    /// A version as it was.
    View(i64),
    /// From a version to the drawing now (with unsaved edits) or to another version.
    Compare(i64),
}

/// What the other side of a comparison is: `None` for the drawing now.
type Against = Option<i64>;

fn change_line(c: &Change) -> String {
    let show = |v: &Option<String>| match v {
        Some(v) if v.chars().count() > 60 => {
            format!("'{}…'", v.chars().take(59).collect::<String>())
        }
        Some(v) => format!("'{v}'"),
        None => "nothing".to_owned(),
    };
    format!("{}: {} → {}", c.name, show(&c.before), show(&c.after))
}

/// The diff in words, one line per change.
fn lines(d: &WorkflowDiff) -> Vec<(&'static str, String)> {
    let mut out = Vec::new();
    if let Some(r) = &d.renamed {
        out.push(("changed", tf("workflow {}", &[&change_line(r)])));
    }
    out.extend(
        d.nodes_added
            .iter()
            .map(|n| ("added", tf("node {} added", &[n]))),
    );
    out.extend(
        d.nodes_removed
            .iter()
            .map(|n| ("removed", tf("node {} removed", &[n]))),
    );
    for c in &d.nodes_changed {
        if c.kind_changed {
            out.push(("changed", tf("node {} became another kind", &[&c.name])));
        }
        if c.moved && c.changes.is_empty() && !c.kind_changed {
            out.push(("moved", tf("node {} moved", &[&c.name])));
        }
        out.extend(
            c.changes
                .iter()
                .map(|ch| ("changed", format!("node {} · {}", c.name, change_line(ch)))),
        );
    }
    let edge = |e: &shared::workflow::Edge| format!("{} → {} ({})", e.from, e.to, e.kind.id());
    out.extend(
        d.edges_added
            .iter()
            .map(|e| ("added", tf("edge {} added", &[&edge(e)]))),
    );
    out.extend(
        d.edges_removed
            .iter()
            .map(|e| ("removed", tf("edge {} removed", &[&edge(e)]))),
    );
    out.extend(d.properties.iter().map(|c| ("changed", change_line(c))));
    out
}

#[component]
pub fn VersionDialog(
    state: EditorState,
    shown: RwSignal<Option<Shown>>,
    can_restore: Signal<bool>,
    on_restore: Callback<i64>,
) -> impl IntoView {
    let against = RwSignal::new(None::<i64>);
    let number = move || match shown.get() {
        Some(Shown::View(n) | Shown::Compare(n)) => Some(n),
        None => None,
    };
    // The chosen version, and the other side when comparing with another version.
    let loaded = LocalResource::new(move || {
        let (n, other) = (number(), against.get());
        async move {
            let Some(n) = n else {
                return Ok(None);
            };
            let one = api::version(state.id, n).await?.definition;
            let two = match other {
                Some(m) => Some(api::version(state.id, m).await?.definition),
                None => None,
            };
            Ok::<_, api::ApiError>(Some((one, two)))
        }
    });
    let close = move || {
        shown.set(None);
        against.set(None);
    };
    let body = move || {
        let mode = shown.get()?;
        let result = loaded.get()?;
        Some(match result {
            Err(e) => view! { <p class="status error">{e.to_string()}</p> }.into_any(),
            Ok(None) => ().into_any(),
            Ok(Some((version, other))) => match mode {
                Shown::View(_) => {
                    let comparison = compare(&version, None);
                    view! {
                        <div class="still-frame" data-testid="version-drawing"><Still comparison/></div>
                        <p class="hint">{tf("{} nodes, {} edges.", &[&version.nodes.len(), &version.edges.len()])}</p>
                    }
                    .into_any()
                }
                Shown::Compare(_) => {
                    let after: Workflow = match other {
                        Some(w) => w,
                        None => state.workflow.get_untracked(),
                    };
                    let d = diff(&version, &after);
                    let comparison = compare(&after, Some((&version, &d)));
                    let words = lines(&d);
                    let summary = if words.is_empty() {
                        t("No differences.").to_owned()
                    } else {
                        tf("{} difference(s).", &[&words.len()])
                    };
                    view! {
                        <div class="legend">
                            <span class="added">{t("added")}</span>
                            <span class="removed">{t("removed")}</span>
                            <span class="changed">{t("changed")}</span>
                            <span class="moved">{t("moved only")}</span>
                        </div>
                        <div class="still-frame" data-testid="version-drawing"><Still comparison/></div>
                        <p data-testid="diff-summary">{summary}</p>
                        <ul class="diff-lines" data-testid="diff-lines">
                            {words.into_iter().map(|(kind, text)| view! { <li class=kind>{text}</li> }).collect_view()}
                        </ul>
                    }
                    .into_any()
                }
            },
        })
    };
    let title = move || match shown.get() {
        Some(Shown::View(n)) => tf("Version {}, read-only", &[&n]),
        Some(Shown::Compare(n)) => match against.get() {
            Some(m) => tf("From version {} to version {}", &[&n, &m]),
            None => tf("From version {} to the drawing now", &[&n]),
        },
        None => String::new(),
    };
    let pick = move |ev: leptos::ev::Event| {
        let value = event_target_value(&ev);
        let choice: Against = value.parse().ok();
        against.set(choice);
    };
    let newest = move || state.revision.get();
    view! {
        <Modal open=Signal::derive(move || shown.get().is_some()) on_close=Callback::new(move |()| close())
            title=Signal::derive(title) testid="version-dialog" wide=true>
                    <Suspense fallback=|| view! { <p class="empty">{t("Loading…")}</p> }>{body}</Suspense>
                    <div class="actions">
                        {move || match shown.get() {
                            Some(Shown::View(n)) => view! {
                                <button data-testid="version-compare" on:click=move |_| shown.set(Some(Shown::Compare(n)))>
                                    {t("Compare with the drawing now")}
                                </button>
                                <button class="primary" data-testid="version-restore"
                                    disabled=move || !can_restore.get() || n == newest() || state.dirty()
                                    title=t("Make this version the newest one (a new version; nothing is lost)")
                                    on:click=move |_| { close(); on_restore.run(n); }>{t("Restore this version")}</button>
                            }
                            .into_any(),
                            Some(Shown::Compare(n)) => view! {
                                <label class="field inline">{t("Compare with ")}
                                    <select data-testid="compare-against" on:change=pick>
                                        <option value="now" selected=true>{t("the drawing now")}</option>
                                        {(1..=newest()).rev().filter(|m| *m != n).map(|m| view! {
                                            <option value=m.to_string()>{tf("version {}", &[&m])}</option>
                                        }).collect_view()}
                                    </select>
                                </label>
                            }
                            .into_any(),
                            None => ().into_any(),
                        }}
                    </div>
        </Modal>
    }
}
