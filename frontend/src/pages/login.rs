//! Signing in, choosing a new password after a one-time one, and the user menu of every
//! page's top bar.

use leptos::ev::SubmitEvent;
use leptos::prelude::*;
use leptos::task::spawn_local;
use shared::api::{Role, SessionInfo};

use crate::api;
use crate::i18n::t;

/// Who is signed in (provided by the app).
pub fn use_user() -> RwSignal<Option<SessionInfo>> {
    expect_context::<RwSignal<Option<SessionInfo>>>()
}

/// Whether the signed-in user has at least `role` (the server decides; this only keeps the
/// interface from offering what it would refuse).
pub fn has_role(role: Role) -> Signal<bool> {
    let user = use_user();
    Signal::derive(move || user.with(|u| u.as_ref().is_some_and(|u| u.role >= role)))
}

#[component]
pub fn Login() -> impl IntoView {
    let name = RwSignal::new(String::new());
    let password = RwSignal::new(String::new());
    let error = RwSignal::new(None::<String>);
    let busy = RwSignal::new(false);
    let submit = move |ev: SubmitEvent| {
        ev.prevent_default();
        busy.set(true);
        error.set(None);
        spawn_local(async move {
            if let Err(err) = api::login(name.get_untracked(), password.get_untracked()).await {
                error.set(Some(err.to_string()));
                password.set(String::new());
            }
            busy.set(false);
        });
    };
    view! {
        <div class="overlay">
            <form class="card login" on:submit=submit data-testid="login-form">
                <h1>{t("Sluice")}</h1>
                <p class="status">{t("Log in to design and run workflows.")}</p>
                <crate::components::LanguageSwitch/>
                <label>{t("User name")}
                    <input data-testid="login-name" autocomplete="username" required bind:value=name/>
                </label>
                <label>{t("Password")}
                    <input data-testid="login-password" type="password" autocomplete="current-password"
                        required bind:value=password/>
                </label>
                {move || error.get().map(|e| view! { <p class="status error" data-testid="login-error">{e}</p> })}
                <button class="primary" type="submit" data-testid="login-submit" disabled=move || busy.get()>
                    {t("Log in")}
                </button>
            </form>
        </div>
    }
}

/// After logging in with a one-time password: nothing else is allowed until it is replaced.
#[component]
pub fn ChangePassword() -> impl IntoView {
    let current = RwSignal::new(String::new());
    let new = RwSignal::new(String::new());
    let repeat = RwSignal::new(String::new());
    let error = RwSignal::new(None::<String>);
    let submit = move |ev: SubmitEvent| {
        ev.prevent_default();
        if new.get_untracked() != repeat.get_untracked() {
            error.set(Some(t("The two new passwords differ.").to_owned()));
            return;
        }
        spawn_local(async move {
            if let Err(err) =
                api::change_password(current.get_untracked(), new.get_untracked()).await
            {
                error.set(Some(err.to_string()));
            }
        });
    };
    view! {
        <div class="overlay">
            <form class="card login" on:submit=submit>
                <h1>{t("Choose your password")}</h1>
                <p class="status">{t("The password you used was for one login only.")}</p>
                <label>{t("Current password")}
                    <input data-testid="pw-current" type="password" autocomplete="current-password"
                        required bind:value=current/>
                </label>
                <label>{t("New password (10 characters or more)")}
                    <input data-testid="pw-new" type="password" autocomplete="new-password"
                        required minlength="10" bind:value=new/>
                </label>
                <label>{t("New password again")}
                    <input data-testid="pw-repeat" type="password" autocomplete="new-password"
                        required bind:value=repeat/>
                </label>
                {move || error.get().map(|e| view! { <p class="status error" data-testid="pw-error">{e}</p> })}
                <button class="primary" type="submit" data-testid="pw-submit">{t("Save password")}</button>
            </form>
        </div>
    }
}

/// The signed-in user and a way out, for the right end of a top bar.
#[component]
pub fn UserMenu() -> impl IntoView {
    let user = use_user();
    let logout = move |_| {
        spawn_local(async move {
            // Whatever the answer, start over from a clean page: no state of this user
            // survives in memory.
            let _ = api::logout().await;
            if let Some(window) = web_sys::window() {
                let _ = window.location().set_href("/");
            }
        });
    };
    view! {
        {move || user.with(|u| u.as_ref().is_some_and(|u| u.role >= Role::Admin)).then(|| view! {
            <a href="/alerts" data-testid="nav-alerts">{t("Alerts")}</a>
            <a href="/datasources" data-testid="nav-datasources">{t("Datasources")}</a>
        })}
        {move || user.get().map(|u| view! {
            <span class="user" data-testid="user-name" title=format!("Signed in as {} ({})", u.name, u.role)>
                {u.name.clone()}<span class="role">{u.role.to_string()}</span>
            </span>
        })}
        <crate::components::LanguageSwitch/>
        <crate::components::ThemeSwitch/>
        <button data-testid="logout" on:click=logout>{t("Log out")}</button>
    }
}
