//! Datasources: where admins say which databases SQL tasks may name, with the password
//! stored encrypted, and check that each one answers.

use leptos::prelude::*;
use leptos::task::spawn_local;
use shared::api::Role;
use shared::datasource::{DatasourceBody, DatasourceInfo, DatasourceSettings};

use crate::api::datasources as api;
use crate::i18n::{t, tf};
use crate::pages::live::RunsTopbar;
use crate::pages::login::has_role;

/// What the form edits, as text.
#[derive(Clone, Copy)]
struct Draft {
    id: RwSignal<Option<i64>>,
    name: RwSignal<String>,
    kind: RwSignal<String>,
    host: RwSignal<String>,
    port: RwSignal<String>,
    database: RwSignal<String>,
    username: RwSignal<String>,
    path: RwSignal<String>,
    password: RwSignal<String>,
    had_password: RwSignal<bool>,
}

impl Draft {
    fn new() -> Self {
        let s = || RwSignal::new(String::new());
        let draft = Draft {
            id: RwSignal::new(None),
            name: s(),
            kind: s(),
            host: s(),
            port: s(),
            database: s(),
            username: s(),
            path: s(),
            password: s(),
            had_password: RwSignal::new(false),
        };
        draft.clear();
        draft
    }

    /// Back to an empty new datasource: PostgreSQL on its usual port.
    fn clear(self) {
        self.id.set(None);
        for field in [
            self.name,
            self.host,
            self.database,
            self.username,
            self.path,
            self.password,
        ] {
            field.set(String::new());
        }
        self.kind.set("postgres".into());
        self.port.set("5432".into());
        self.had_password.set(false);
    }

    fn edit(self, d: &DatasourceInfo) {
        self.clear();
        self.id.set(Some(d.id));
        self.name.set(d.name.clone());
        self.had_password.set(d.has_password);
        self.kind.set(d.settings.kind().into());
        match &d.settings {
            DatasourceSettings::Postgres {
                host,
                port,
                database,
                username,
            } => {
                self.host.set(host.clone());
                self.port.set(port.to_string());
                self.database.set(database.clone());
                self.username.set(username.clone());
            }
            DatasourceSettings::Sqlite { path } => self.path.set(path.clone()),
        }
    }

    fn body(self) -> Result<DatasourceBody, String> {
        let settings = if self.kind.get_untracked() == "sqlite" {
            DatasourceSettings::Sqlite {
                path: self.path.get_untracked(),
            }
        } else {
            let port = self.port.get_untracked();
            DatasourceSettings::Postgres {
                host: self.host.get_untracked(),
                port: port
                    .trim()
                    .parse()
                    .map_err(|_| tf("Not a port: {}", &[&port]))?,
                database: self.database.get_untracked(),
                username: self.username.get_untracked(),
            }
        };
        Ok(DatasourceBody {
            name: self.name.get_untracked(),
            settings,
            // Blank keeps what is stored; a new datasource without one has none.
            password: Some(self.password.get_untracked()).filter(|p| !p.is_empty()),
        })
    }
}

#[component]
fn DatasourceForm(draft: Draft, on_saved: Callback<()>) -> impl IntoView {
    let message = RwSignal::new(None::<(bool, String)>);
    let busy = RwSignal::new(false);
    let save = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let body = match draft.body() {
            Ok(b) => b,
            Err(e) => return message.set(Some((true, e))),
        };
        busy.set(true);
        spawn_local(async move {
            match api::save(draft.id.get_untracked(), &body).await {
                Ok(d) => {
                    message.set(Some((false, tf("Datasource {} saved.", &[&d.name]))));
                    draft.clear();
                    on_saved.run(());
                }
                Err(e) => message.set(Some((true, e.to_string()))),
            }
            busy.set(false);
        });
    };
    let sqlite = move || draft.kind.get() == "sqlite";
    view! {
        <form class="card" data-testid="datasource-form" on:submit=save>
            <h3>{move || if draft.id.get().is_some() { t("Change the datasource") } else { t("Add a datasource") }}</h3>
            <label class="field">{t("Name (what SQL tasks call it)")}<input data-testid="datasource-name" bind:value=draft.name maxlength="64"/></label>
            <label class="field">{t("Kind")}
                <select data-testid="datasource-kind" prop:value=move || draft.kind.get()
                    on:change=move |ev| draft.kind.set(event_target_value(&ev))>
                    <option value="postgres">"PostgreSQL"</option>
                    <option value="sqlite">{t("SQLite (a file on the server)")}</option>
                </select>
            </label>
            <Show when=sqlite fallback=move || view! {
                <label class="field">{t("Host")}<input data-testid="datasource-host" bind:value=draft.host/></label>
                <label class="field">{t("Port")}<input data-testid="datasource-port" inputmode="numeric" bind:value=draft.port/></label>
                <label class="field">{t("Database")}<input data-testid="datasource-database" bind:value=draft.database/></label>
                <label class="field">{t("User name")}<input data-testid="datasource-username" bind:value=draft.username autocomplete="off"/></label>
                <label class="field">{t("Password (stored encrypted)")}
                    <input type="password" data-testid="datasource-password" autocomplete="new-password" bind:value=draft.password
                        placeholder=move || if draft.had_password.get() { t("unchanged") } else { "" }/>
                </label>
            }>
                <label class="field">{t("Path of the database file (absolute)")}<input data-testid="datasource-path" bind:value=draft.path placeholder="/var/lib/data/warehouse.db"/></label>
            </Show>
            <button class="primary" type="submit" data-testid="datasource-save" disabled=move || busy.get()>{t("Save datasource")}</button>
            <Show when=move || draft.id.get().is_some()>
                <button type="button" data-testid="datasource-cancel" on:click=move |_| draft.clear()>{t("Cancel")}</button>
            </Show>
            {move || message.get().map(|(error, text)| view! {
                <p class="status" class:error=error data-testid="datasource-message">{text}</p>
            })}
        </form>
    }
}

#[component]
pub fn DatasourcesPage() -> impl IntoView {
    let admin = has_role(Role::Admin);
    let tick = RwSignal::new(0u32);
    let list = RwSignal::new(Vec::<DatasourceInfo>::new());
    let error = RwSignal::new(None::<String>);
    Effect::new(move |_| {
        tick.get();
        spawn_local(async move {
            match api::list().await {
                Ok(l) => list.set(l),
                Err(e) => error.set(Some(e.to_string())),
            }
        });
    });
    let draft = Draft::new();
    let tested = RwSignal::new(None::<(bool, String)>);
    let test = move |d: DatasourceInfo| {
        tested.set(Some((false, tf("Connecting to {}…", &[&d.name]))));
        spawn_local(async move {
            tested.set(Some(match api::test(d.id).await {
                Ok(r) if r.ok => (
                    false,
                    tf("{}: {} ({} ms)", &[&d.name, &r.detail, &r.took_ms]),
                ),
                Ok(r) => (true, tf("{} did not answer: {}", &[&d.name, &r.detail])),
                Err(e) => (true, e.to_string()),
            }));
        });
    };
    let remove = move |d: DatasourceInfo| {
        let ask = tf(
            "Remove datasource {}? SQL tasks naming it will fail.",
            &[&d.name],
        );
        if !window().confirm_with_message(&ask).unwrap_or(false) {
            return;
        }
        spawn_local(async move {
            if let Err(e) = api::delete(d.id).await {
                error.set(Some(e.to_string()));
            }
            tick.update(|n| *n += 1);
        });
    };
    view! {
        <RunsTopbar/>
        <main class="page wide" data-testid="datasources-page">
            <h1>{t("Datasources")}</h1>
            <p class="hint">{t("SQL tasks name a datasource; its password stays on the server, encrypted, and never reaches a workflow or the browser.")}</p>
            {move || error.get().map(|e| view! { <p class="status error" data-testid="datasources-error">{e}</p> })}
            <table class="list" data-testid="datasources">
                <thead><tr><th>{t("Name")}</th><th>{t("Connects to")}</th><th>{t("Password")}</th><th></th></tr></thead>
                <tbody>
                    {move || list.get().into_iter().map(|d| {
                        let (edit, check, del) = (d.clone(), d.clone(), d.clone());
                        view! {
                            <tr data-testid=format!("datasource-row-{}", d.name)>
                                <td>{d.name.clone()}</td>
                                <td><code>{d.settings.describe()}</code></td>
                                <td>{if d.has_password { t("stored encrypted") } else { "—" }}</td>
                                <td>
                                    <Show when=move || admin.get()>
                                        <button data-testid=format!("datasource-edit-{}", edit.name) on:click={let edit = edit.clone(); move |_| draft.edit(&edit)}>{t("Edit")}</button>
                                        <button data-testid=format!("datasource-test-{}", check.name) on:click={let check = check.clone(); move |_| test(check.clone())}>{t("Test")}</button>
                                        <button data-testid=format!("datasource-delete-{}", del.name) on:click={let del = del.clone(); move |_| remove(del.clone())}>{t("Remove")}</button>
                                    </Show>
                                </td>
                            </tr>
                        }
                    }).collect_view()}
                </tbody>
            </table>
            {move || tested.get().map(|(error, text)| view! {
                <p class="status" class:error=error data-testid="datasource-test-result">{text}</p>
            })}
            <Show when=move || admin.get() fallback=|| view! { <p class="empty">{t("Only admins add and change datasources.")}</p> }>
                <DatasourceForm draft on_saved=Callback::new(move |()| tick.update(|n| *n += 1))/>
            </Show>
        </main>
    }
}
