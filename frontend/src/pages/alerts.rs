//! Alerts: the page where admins set up channels (email, webhooks) and groups and read
//! the delivery log, and the policy form the designer and the schedule panel show for a
//! saved workflow or coordinator.

use std::time::Duration;

use leptos::prelude::*;
use leptos::task::spawn_local;
use shared::alert::{
    ChannelBody, ChannelInfo, ChannelSettings, DeliveryInfo, GroupBody, GroupInfo, Notify, Policy,
    Security,
};
use shared::api::{DefinitionKind, Role};

use crate::api::alerts as api;
use crate::i18n::{t, tf};
use crate::pages::live::RunsTopbar;
use crate::pages::login::has_role;

/// A number field's text as minutes: blank for none.
fn minutes(text: &str) -> Result<Option<u32>, String> {
    match text.trim() {
        "" => Ok(None),
        n => n
            .parse()
            .map(Some)
            .map_err(|_| tf("Not a number of minutes: {}", &[&n])),
    }
}

fn notify_label(n: Notify) -> &'static str {
    match n {
        Notify::Never => t("Never"),
        Notify::OnSuccess => t("When a run succeeds"),
        Notify::OnFailure => t("When a run fails or is killed"),
        Notify::Always => t("When a run ends, either way"),
    }
}

/// When a saved workflow or coordinator tells which group. `id` is none until it is saved.
#[component]
pub fn PolicyForm(kind: DefinitionKind, #[prop(into)] id: Signal<Option<i64>>) -> impl IntoView {
    let can_edit = has_role(Role::Editor);
    let notify = RwSignal::new(Notify::Never.id().to_owned());
    let group = RwSignal::new(String::new());
    let run_limit = RwSignal::new(String::new());
    let task_limit = RwSignal::new(String::new());
    let sla = RwSignal::new(false);
    let groups = RwSignal::new(Vec::<GroupInfo>::new());
    let message = RwSignal::new(None::<(bool, String)>);
    let busy = RwSignal::new(false);
    Effect::new(move |_| {
        let Some(id) = id.get() else { return };
        spawn_local(async move {
            match api::groups().await {
                Ok(g) => groups.set(g),
                Err(e) => message.set(Some((true, e.to_string()))),
            }
            match api::policy(kind, id).await {
                Ok(p) => {
                    notify.set(p.notify.id().to_owned());
                    group.set(p.group.map(|g| g.to_string()).unwrap_or_default());
                    let text = |m: Option<u32>| m.map(|m| m.to_string()).unwrap_or_default();
                    run_limit.set(text(p.instance_timeout_min));
                    task_limit.set(text(p.task_timeout_min));
                    sla.set(p.sla_miss);
                }
                Err(e) => message.set(Some((true, e.to_string()))),
            }
        });
    });
    let save = move |_| {
        let Some(id) = id.get_untracked() else { return };
        let policy = (|| -> Result<Policy, String> {
            let policy = Policy {
                notify: Notify::parse(&notify.get_untracked()).unwrap_or_default(),
                group: group.get_untracked().parse().ok(),
                instance_timeout_min: minutes(&run_limit.get_untracked())?,
                task_timeout_min: minutes(&task_limit.get_untracked())?,
                sla_miss: sla.get_untracked(),
            };
            match policy.problems().first() {
                Some(p) => Err(p.clone()),
                None => Ok(policy),
            }
        })();
        let policy = match policy {
            Ok(p) => p,
            Err(e) => return message.set(Some((true, e))),
        };
        busy.set(true);
        spawn_local(async move {
            message.set(Some(match api::set_policy(kind, id, &policy).await {
                Ok(_) => (false, t("Alert policy saved.").to_owned()),
                Err(e) => (true, e.to_string()),
            }));
            busy.set(false);
        });
    };
    let locked = move || !can_edit.get() || id.get().is_none();
    view! {
        <div class="policy" data-testid="alert-policy">
            {move || id.get().is_none().then(|| view! {
                <p class="hint">{t("Save it first: a policy belongs to a saved definition.")}</p>
            })}
            <label class="field">{t("Tell the group")}
                <select data-testid="policy-notify" prop:value=move || notify.get()
                    on:change=move |ev| notify.set(event_target_value(&ev)) disabled=locked>
                    {Notify::ALL.into_iter().map(|n| view! { <option value=n.id()>{notify_label(n)}</option> }).collect_view()}
                </select>
            </label>
            // The groups arrive after the policy: each option marks itself chosen, since
            // the select's value set before its options exist picks nothing.
            <label class="field">{t("Alert group")}
                <select data-testid="policy-group" prop:value=move || group.get()
                    on:change=move |ev| group.set(event_target_value(&ev)) disabled=locked>
                    <option value="">{t("(none)")}</option>
                    {move || groups.get().into_iter().map(|g| view! {
                        <option value=g.id.to_string() selected={let id = g.id.to_string(); move || group.get() == id}>{g.name}</option>
                    }).collect_view()}
                </select>
            </label>
            <label class="field">{t("Alarm when a run takes longer than (minutes)")}
                <input data-testid="policy-run-limit" inputmode="numeric" bind:value=run_limit disabled=locked/>
            </label>
            <label class="field">{t("Alarm when a task takes longer than (minutes)")}
                <input data-testid="policy-task-limit" inputmode="numeric" bind:value=task_limit disabled=locked/>
            </label>
            <label class="check"><input type="checkbox" data-testid="policy-sla" bind:checked=sla disabled=locked/>
                {t("Alarm on SLA misses (should-start, should-end)")}</label>
            <button data-testid="policy-save" on:click=save disabled=move || locked() || busy.get()>{t("Save policy")}</button>
            {move || message.get().map(|(error, text)| view! {
                <p class="status" class:error=error data-testid="policy-message">{text}</p>
            })}
        </div>
    }
}

/// The alert policy of the workflow open in the designer, as a side panel.
#[component]
pub fn AlertPanel(id: i64, on_close: Callback<()>) -> impl IntoView {
    let admin = has_role(Role::Admin);
    view! {
        <section class="schedule" data-testid="alerts-panel">
            <h3>{t("Alerts")} <button class="link" data-testid="alerts-close" on:click=move |_| on_close.run(())>"×"</button></h3>
            <p class="hint">{t("Runs of this workflow started by hand or by a schedule without a policy of its own follow this one.")}</p>
            <PolicyForm kind=DefinitionKind::Workflow id=Signal::derive(move || Some(id))/>
            <Show when=move || admin.get()>
                <p><a href="/alerts" data-testid="manage-alerts">{t("Channels, groups and the delivery log")}</a></p>
            </Show>
        </section>
    }
}

/// What the channel form edits, as text.
#[derive(Clone, Copy)]
struct ChannelDraft {
    id: RwSignal<Option<i64>>,
    name: RwSignal<String>,
    kind: RwSignal<String>,
    url: RwSignal<String>,
    host: RwSignal<String>,
    port: RwSignal<String>,
    security: RwSignal<String>,
    username: RwSignal<String>,
    from: RwSignal<String>,
    to: RwSignal<String>,
    secret: RwSignal<String>,
    /// Whether the stored channel has a secret (kept when the field stays blank).
    had_secret: RwSignal<bool>,
}

fn security_id(s: Security) -> &'static str {
    match s {
        Security::None => "none",
        Security::Starttls => "starttls",
        Security::Tls => "tls",
    }
}

impl ChannelDraft {
    fn new() -> Self {
        let s = || RwSignal::new(String::new());
        let draft = ChannelDraft {
            id: RwSignal::new(None),
            name: s(),
            kind: s(),
            url: s(),
            host: s(),
            port: s(),
            security: s(),
            username: s(),
            from: s(),
            to: s(),
            secret: s(),
            had_secret: RwSignal::new(false),
        };
        draft.clear();
        draft
    }

    /// Back to an empty new channel: email, STARTTLS on 587.
    fn clear(self) {
        self.id.set(None);
        for field in [
            self.name,
            self.url,
            self.host,
            self.username,
            self.from,
            self.to,
            self.secret,
        ] {
            field.set(String::new());
        }
        self.kind.set("email".into());
        self.port.set("587".into());
        self.security.set("starttls".into());
        self.had_secret.set(false);
    }

    fn edit(self, c: &ChannelInfo) {
        self.clear();
        self.id.set(Some(c.id));
        self.name.set(c.name.clone());
        self.had_secret.set(c.has_secret);
        match &c.settings {
            ChannelSettings::Webhook { url } => {
                self.kind.set("webhook".into());
                self.url.set(url.clone());
            }
            ChannelSettings::Email {
                host,
                port,
                security,
                username,
                from,
                to,
            } => {
                self.kind.set("email".into());
                self.host.set(host.clone());
                self.port.set(port.to_string());
                self.security.set(security_id(*security).into());
                self.username.set(username.clone().unwrap_or_default());
                self.from.set(from.clone());
                self.to.set(to.join(", "));
            }
        }
    }

    fn body(self) -> Result<ChannelBody, String> {
        let settings = if self.kind.get_untracked() == "webhook" {
            ChannelSettings::Webhook {
                url: self.url.get_untracked(),
            }
        } else {
            let port = self.port.get_untracked();
            ChannelSettings::Email {
                host: self.host.get_untracked(),
                port: port
                    .trim()
                    .parse()
                    .map_err(|_| tf("Not a port: {}", &[&port]))?,
                security: match self.security.get_untracked().as_str() {
                    "none" => Security::None,
                    "tls" => Security::Tls,
                    _ => Security::Starttls,
                },
                username: Some(self.username.get_untracked()).filter(|u| !u.trim().is_empty()),
                from: self.from.get_untracked(),
                to: self
                    .to
                    .get_untracked()
                    .split([',', ';', '\n'])
                    .map(|a| a.trim().to_owned())
                    .filter(|a| !a.is_empty())
                    .collect(),
            }
        };
        let secret = self.secret.get_untracked();
        Ok(ChannelBody {
            name: self.name.get_untracked(),
            settings,
            // Blank keeps what is stored; a new channel without one has none.
            secret: Some(secret).filter(|s| !s.is_empty()),
        })
    }
}

fn target_of(c: &ChannelInfo) -> String {
    match &c.settings {
        ChannelSettings::Webhook { url } => url.clone(),
        ChannelSettings::Email { host, port, to, .. } => {
            format!("{} (via {host}:{port})", to.join(", "))
        }
    }
}

#[component]
fn ChannelForm(draft: ChannelDraft, on_saved: Callback<()>) -> impl IntoView {
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
            match api::save_channel(draft.id.get_untracked(), &body).await {
                Ok(c) => {
                    message.set(Some((false, tf("Channel {} saved.", &[&c.name]))));
                    draft.clear();
                    on_saved.run(());
                }
                Err(e) => message.set(Some((true, e.to_string()))),
            }
            busy.set(false);
        });
    };
    let email = move || draft.kind.get() == "email";
    view! {
        <form class="card" data-testid="channel-form" on:submit=save>
            <h3>{move || if draft.id.get().is_some() { t("Change the channel") } else { t("Add a channel") }}</h3>
            <label class="field">{t("Name")}<input data-testid="channel-name" bind:value=draft.name maxlength="200"/></label>
            <label class="field">{t("Kind")}
                <select data-testid="channel-kind" prop:value=move || draft.kind.get()
                    on:change=move |ev| draft.kind.set(event_target_value(&ev))
                    disabled=move || draft.id.get().is_some()>
                    <option value="email">{t("Email (SMTP)")}</option>
                    <option value="webhook">{t("Webhook (HTTP POST)")}</option>
                </select>
            </label>
            <Show when=email fallback=move || view! {
                <label class="field">{t("Address (https://…)")}<input data-testid="channel-url" bind:value=draft.url/></label>
                <label class="field">{t("Signing key (optional; signs each POST with HMAC-SHA256)")}
                    <input type="password" data-testid="channel-secret" autocomplete="new-password" bind:value=draft.secret
                        placeholder=move || if draft.had_secret.get() { t("unchanged") } else { "" }/>
                </label>
            }>
                <label class="field">{t("SMTP host")}<input data-testid="channel-host" bind:value=draft.host/></label>
                <label class="field">{t("Port")}<input data-testid="channel-port" inputmode="numeric" bind:value=draft.port/></label>
                <label class="field">{t("Security")}
                    <select data-testid="channel-security" prop:value=move || draft.security.get()
                        on:change=move |ev| draft.security.set(event_target_value(&ev))>
                        <option value="starttls">{t("STARTTLS (port 587)")}</option>
                        <option value="tls">{t("TLS (port 465)")}</option>
                        <option value="none">{t("None (a relay on this host only)")}</option>
                    </select>
                </label>
                <label class="field">{t("User name (optional)")}<input data-testid="channel-username" bind:value=draft.username autocomplete="off"/></label>
                <label class="field">{t("Password (stored encrypted)")}
                    <input type="password" data-testid="channel-secret" autocomplete="new-password" bind:value=draft.secret
                        placeholder=move || if draft.had_secret.get() { t("unchanged") } else { "" }/>
                </label>
                <label class="field">{t("From")}<input data-testid="channel-from" bind:value=draft.from placeholder="sluice@example.com"/></label>
                <label class="field">{t("To (comma-separated)")}<input data-testid="channel-to" bind:value=draft.to/></label>
            </Show>
            <button class="primary" type="submit" data-testid="channel-save" disabled=move || busy.get()>{t("Save channel")}</button>
            <Show when=move || draft.id.get().is_some()>
                <button type="button" data-testid="channel-cancel" on:click=move |_| draft.clear()>{t("Cancel")}</button>
            </Show>
            {move || message.get().map(|(error, text)| view! {
                <p class="status" class:error=error data-testid="channel-message">{text}</p>
            })}
        </form>
    }
}

#[component]
fn GroupForm(
    channels: Signal<Vec<ChannelInfo>>,
    editing: RwSignal<Option<GroupInfo>>,
    on_saved: Callback<()>,
) -> impl IntoView {
    let name = RwSignal::new(String::new());
    let chosen = RwSignal::new(Vec::<i64>::new());
    let message = RwSignal::new(None::<(bool, String)>);
    Effect::new(move |_| match editing.get() {
        Some(g) => {
            name.set(g.name);
            chosen.set(g.channels);
        }
        None => {
            name.set(String::new());
            chosen.set(Vec::new());
        }
    });
    let save = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let body = GroupBody {
            name: name.get_untracked(),
            channels: chosen.get_untracked(),
        };
        let id = editing.with_untracked(|g| g.as_ref().map(|g| g.id));
        spawn_local(async move {
            match api::save_group(id, &body).await {
                Ok(g) => {
                    message.set(Some((false, tf("Group {} saved.", &[&g.name]))));
                    editing.set(None);
                    name.set(String::new());
                    chosen.set(Vec::new());
                    on_saved.run(());
                }
                Err(e) => message.set(Some((true, e.to_string()))),
            }
        });
    };
    view! {
        <form class="card" data-testid="group-form" on:submit=save>
            <h3>{move || if editing.with(Option::is_some) { t("Change the group") } else { t("Add a group") }}</h3>
            <label class="field">{t("Name")}<input data-testid="group-name" bind:value=name maxlength="200"/></label>
            <fieldset>
                <legend>{t("Channels it tells")}</legend>
                {move || channels.get().into_iter().map(|c| {
                    let id = c.id;
                    view! {
                        <label class="check">
                            <input type="checkbox" data-testid=format!("group-channel-{}", c.name)
                                prop:checked=move || chosen.with(|ids| ids.contains(&id))
                                on:change=move |ev| {
                                    let on = event_target_checked(&ev);
                                    chosen.update(|ids| {
                                        ids.retain(|x| *x != id);
                                        if on { ids.push(id) }
                                    });
                                }/>
                            {c.name.clone()}
                        </label>
                    }
                }).collect_view()}
            </fieldset>
            <button class="primary" type="submit" data-testid="group-save">{t("Save group")}</button>
            {move || message.get().map(|(error, text)| view! {
                <p class="status" class:error=error data-testid="group-message">{text}</p>
            })}
        </form>
    }
}

fn log_rows(log: Vec<DeliveryInfo>) -> impl IntoView {
    log.into_iter()
        .map(|d| {
            let outcome = if d.delivered { "✓" } else { "✗" };
            view! {
                <tr data-testid=format!("delivery-{}", d.id) class:failed=!d.delivered>
                    <td>{d.at.get(..19).unwrap_or(&d.at).replace('T', " ")}</td>
                    <td>{d.channel}</td>
                    <td>
                        <span class="badge">{d.alert.kind.id()}</span>" "
                        {match d.alert.link.clone() {
                            Some(link) => view! { <a href=link>{d.alert.title.clone()}</a> }.into_any(),
                            None => d.alert.title.clone().into_any(),
                        }}
                    </td>
                    <td>{d.attempt}</td>
                    <td>{d.status.map(|s| s.to_string()).unwrap_or_else(|| "—".into())}</td>
                    <td class="outcome">{outcome}</td>
                    <td class="detail"><code>{d.detail}</code></td>
                </tr>
            }
        })
        .collect_view()
}

#[component]
pub fn AlertsPage() -> impl IntoView {
    let admin = has_role(Role::Admin);
    let tick = RwSignal::new(0u32);
    let log_tick = RwSignal::new(0u32);
    let channels = RwSignal::new(Vec::<ChannelInfo>::new());
    let groups = RwSignal::new(Vec::<GroupInfo>::new());
    let log = RwSignal::new(None::<Result<Vec<DeliveryInfo>, String>>);
    let error = RwSignal::new(None::<String>);
    Effect::new(move |_| {
        tick.get();
        if !admin.get() {
            return;
        }
        spawn_local(async move {
            match api::channels().await {
                Ok(c) => channels.set(c),
                Err(e) => error.set(Some(e.to_string())),
            }
            match api::groups().await {
                Ok(g) => groups.set(g),
                Err(e) => error.set(Some(e.to_string())),
            }
        });
    });
    Effect::new(move |_| {
        log_tick.get();
        tick.get();
        if !admin.get() {
            return;
        }
        spawn_local(async move {
            log.set(Some(api::deliveries().await.map_err(|e| e.to_string())));
        });
    });
    // The log fills as deliveries are tried, retries included: read it again every few
    // seconds while the page is open.
    let interval =
        set_interval_with_handle(move || log_tick.update(|n| *n += 1), Duration::from_secs(3)).ok();
    on_cleanup(move || {
        if let Some(i) = interval {
            i.clear();
        }
    });
    let reload = Callback::new(move |()| tick.update(|n| *n += 1));
    let draft = ChannelDraft::new();
    let editing_group = RwSignal::new(None::<GroupInfo>);
    let tested = RwSignal::new(None::<(bool, String)>);
    let test = move |id: i64| {
        tested.set(Some((false, t("Sending a test…").to_owned())));
        spawn_local(async move {
            tested.set(Some(match api::test_channel(id).await {
                Ok(r) if r.delivered => (false, t("The test was delivered.").to_owned()),
                Ok(r) => (
                    true,
                    tf(
                        "The test was not delivered: {}",
                        &[&r.tries.last().map(|t| t.detail.clone()).unwrap_or_default()],
                    ),
                ),
                Err(e) => (true, e.to_string()),
            }));
            log_tick.update(|n| *n += 1);
        });
    };
    let remove_channel = move |c: ChannelInfo| {
        let ask = tf("Remove channel {} and its delivery log?", &[&c.name]);
        if !window().confirm_with_message(&ask).unwrap_or(false) {
            return;
        }
        spawn_local(async move {
            if let Err(e) = api::delete_channel(c.id).await {
                error.set(Some(e.to_string()));
            }
            tick.update(|n| *n += 1);
        });
    };
    let remove_group = move |g: GroupInfo| {
        let ask = tf("Remove group {}?", &[&g.name]);
        if !window().confirm_with_message(&ask).unwrap_or(false) {
            return;
        }
        spawn_local(async move {
            if let Err(e) = api::delete_group(g.id).await {
                error.set(Some(e.to_string()));
            }
            tick.update(|n| *n += 1);
        });
    };
    let channel_name =
        move |id: i64| channels.with(|cs| cs.iter().find(|c| c.id == id).map(|c| c.name.clone()));
    view! {
        <RunsTopbar/>
        <main class="page wide" data-testid="alerts-page">
            <h1>{t("Alerts")}</h1>
            <Show when=move || admin.get() fallback=|| view! { <p class="empty">{t("Only admins set up alert channels.")}</p> }>
                {move || error.get().map(|e| view! { <p class="status error" data-testid="alerts-error">{e}</p> })}
                <h2>{t("Channels")}</h2>
                <table class="list" data-testid="channels">
                    <thead><tr><th>{t("Name")}</th><th>{t("Kind")}</th><th>{t("Sends to")}</th><th>{t("Secret")}</th><th></th></tr></thead>
                    <tbody>
                        {move || channels.get().into_iter().map(|c| {
                            let (edit, del) = (c.clone(), c.clone());
                            let id = c.id;
                            view! {
                                <tr data-testid=format!("channel-row-{}", c.name)>
                                    <td>{c.name.clone()}</td>
                                    <td>{c.settings.kind()}</td>
                                    <td>{target_of(&c)}</td>
                                    <td>{if c.has_secret { t("stored encrypted") } else { "—" }}</td>
                                    <td>
                                        <button data-testid=format!("channel-edit-{}", c.name) on:click=move |_| draft.edit(&edit)>{t("Edit")}</button>
                                        <button data-testid=format!("channel-test-{}", c.name) on:click=move |_| test(id)>{t("Send a test")}</button>
                                        <button data-testid=format!("channel-delete-{}", c.name) on:click=move |_| remove_channel(del.clone())>{t("Remove")}</button>
                                    </td>
                                </tr>
                            }
                        }).collect_view()}
                    </tbody>
                </table>
                {move || tested.get().map(|(error, text)| view! {
                    <p class="status" class:error=error data-testid="test-result">{text}</p>
                })}
                <ChannelForm draft on_saved=reload/>
                <h2>{t("Groups")}</h2>
                <p class="hint">{t("A workflow's or coordinator's policy tells one group; a group tells each of its channels.")}</p>
                <table class="list" data-testid="groups">
                    <thead><tr><th>{t("Name")}</th><th>{t("Channels")}</th><th></th></tr></thead>
                    <tbody>
                        {move || groups.get().into_iter().map(|g| {
                            let names: Vec<String> = g.channels.iter().filter_map(|id| channel_name(*id)).collect();
                            let (edit, del) = (g.clone(), g.clone());
                            view! {
                                <tr data-testid=format!("group-row-{}", g.name)>
                                    <td>{g.name.clone()}</td>
                                    <td>{names.join(", ")}</td>
                                    <td>
                                        <button data-testid=format!("group-edit-{}", g.name) on:click=move |_| editing_group.set(Some(edit.clone()))>{t("Edit")}</button>
                                        <button data-testid=format!("group-delete-{}", g.name) on:click=move |_| remove_group(del.clone())>{t("Remove")}</button>
                                    </td>
                                </tr>
                            }
                        }).collect_view()}
                    </tbody>
                </table>
                <GroupForm channels=channels.into() editing=editing_group on_saved=reload/>
                <h2>{t("Delivery log")}</h2>
                <p class="hint">{t("Every try of every alert, newest first; failed tries are retried with growing waits.")}</p>
                {move || match log.get() {
                    None => view! { <p class="empty">{t("Loading…")}</p> }.into_any(),
                    Some(Err(e)) => view! { <p class="status error">{e}</p> }.into_any(),
                    Some(Ok(rows)) if rows.is_empty() => view! { <p class="empty" data-testid="deliveries-empty">{t("Nothing sent yet.")}</p> }.into_any(),
                    Some(Ok(rows)) => view! {
                        <table class="list" data-testid="deliveries">
                            <thead><tr><th>{t("Time")}</th><th>{t("Channel")}</th><th>{t("Alert")}</th><th>{t("Try")}</th><th>{t("Answer")}</th><th>{t("Delivered")}</th><th>{t("Detail")}</th></tr></thead>
                            <tbody>{log_rows(rows)}</tbody>
                        </table>
                    }.into_any(),
                }}
            </Show>
        </main>
    }
}
