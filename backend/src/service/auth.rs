//! Who may do what: users, passwords, browser sessions, API tokens, login limits, the first
//! start's admin, and the audit log.
//!
//! Secrets never reach the database. Passwords are argon2id PHC strings. Session and API
//! tokens are 256 random bits, stored as SHA-256 digests: a stolen database (or backup)
//! opens no session. The browser's CSRF token is derived from its session token, so it needs
//! no storage and dies with the session.

use std::collections::HashMap;
use std::sync::Mutex;

use argon2::Argon2;
use argon2::password_hash::phc::PasswordHash;
use argon2::password_hash::{PasswordHasher, PasswordVerifier};
use sha2::{Digest, Sha256};
use shared::api::{AuditEntry, CreatedToken, Role, SessionInfo, TokenInfo, UpdateUser, UserInfo};

use super::{ServiceError, now_ms, rfc3339};
use crate::AppState;
use crate::store::{
    AuditRecord, AuditRow, NewUserRow, Store, StoreError, TokenRow, UserChange, UserRow,
};

/// A session ends after this long without use (it is extended as it is used).
pub const SESSION_IDLE_MS: i64 = 12 * 60 * 60 * 1000;
/// An active session's expiry is pushed back at most this often: one write an hour per
/// session, not one per request.
const SESSION_EXTEND_EVERY_MS: i64 = 60 * 60 * 1000;

pub const MIN_PASSWORD_CHARS: usize = 10;
/// argon2 hashes whatever it is given; a cap keeps a login request cheap to refuse.
pub const MAX_PASSWORD_BYTES: usize = 1024;
pub const MAX_USER_NAME_CHARS: usize = 64;
const MAX_TOKEN_NAME_CHARS: usize = 100;
/// The most audit records one request returns.
pub const MAX_AUDIT_PAGE: i64 = 500;

/// API tokens start with this, so secret scanners and people recognise them.
pub const TOKEN_PREFIX: &str = "sluice_";

/// The account the first start creates.
pub const FIRST_ADMIN: &str = "admin";

/// Who is calling, resolved from a session cookie or an API token.
#[derive(Debug, Clone, PartialEq)]
pub struct Principal {
    pub user_id: i64,
    pub name: String,
    /// For a token: the lower of the token's role and its owner's current role.
    pub role: Role,
    pub via: Via,
    pub must_change_password: bool,
}

#[derive(Debug, Clone, PartialEq)]
pub enum Via {
    /// A browser session; cookie-authenticated changes must carry `csrf`.
    Session {
        token_hash: String,
        csrf: String,
    },
    Token {
        id: i64,
    },
}

impl Via {
    pub fn as_str(&self) -> &'static str {
        match self {
            Via::Session { .. } => "session",
            Via::Token { .. } => "token",
        }
    }
}

/// Counts failed logins per account and per client address in fixed windows, and refuses
/// further attempts once a count is reached until its window ends. Kept in memory: a
/// restart forgets it, and with several replicas each keeps its own count (so the limit is
/// per replica); both still make guessing a password by brute force hopeless.
#[derive(Debug, Default)]
pub struct LoginLimiter {
    windows: Mutex<HashMap<String, Window>>,
}

#[derive(Debug, Clone, Copy)]
struct Window {
    started_ms: i64,
    failures: u32,
}

/// Failed attempts per account, and per client address, within [`LIMIT_WINDOW_MS`].
pub const MAX_FAILURES_PER_ACCOUNT: u32 = 5;
pub const MAX_FAILURES_PER_ADDRESS: u32 = 30;
pub const LIMIT_WINDOW_MS: i64 = 15 * 60 * 1000;
/// Above this many tracked keys, expired windows are dropped, so a flood of made-up names
/// cannot grow the map without bound.
const MAX_TRACKED: usize = 10_000;

impl LoginLimiter {
    /// Seconds until `key` may try again, if it is locked out.
    fn locked(&self, key: &str, limit: u32, now_ms: i64) -> Option<u64> {
        let windows = self.windows.lock().expect("limiter lock");
        let w = windows.get(key)?;
        let ends = w.started_ms + LIMIT_WINDOW_MS;
        (w.failures >= limit && now_ms < ends).then(|| ((ends - now_ms) as u64).div_ceil(1000))
    }

    fn fail(&self, key: String, now_ms: i64) {
        let mut windows = self.windows.lock().expect("limiter lock");
        if windows.len() >= MAX_TRACKED {
            windows.retain(|_, w| now_ms < w.started_ms + LIMIT_WINDOW_MS);
        }
        if windows.len() >= MAX_TRACKED {
            // Still full within one window: keep only the keys that are locked out.
            windows.retain(|_, w| w.failures >= MAX_FAILURES_PER_ACCOUNT);
        }
        let w = windows.entry(key).or_insert(Window {
            started_ms: now_ms,
            failures: 0,
        });
        if now_ms >= w.started_ms + LIMIT_WINDOW_MS {
            *w = Window {
                started_ms: now_ms,
                failures: 0,
            };
        }
        w.failures += 1;
    }

    fn forget(&self, key: &str) {
        self.windows.lock().expect("limiter lock").remove(key);
    }
}

fn account_key(name: &str) -> String {
    format!("account:{}", name.to_lowercase())
}

fn address_key(remote: &str) -> String {
    format!("address:{remote}")
}

/// A fresh secret: 256 random bits as hex.
fn random_secret() -> Result<String, ServiceError> {
    let mut bytes = [0u8; 32];
    getrandom::fill(&mut bytes)
        .map_err(|e| ServiceError::Internal(format!("no randomness: {e}")))?;
    Ok(crate::hex::encode(&bytes))
}

pub fn digest(secret: &str) -> String {
    crate::hex::encode(&Sha256::digest(secret.as_bytes()))
}

/// The CSRF token of a session: a digest of its secret under a distinct label, so it
/// reveals nothing of the cookie and needs no storage.
fn csrf_of(session_secret: &str) -> String {
    digest(&format!("csrf\0{session_secret}"))
}

/// Equality that takes the same time wherever the first difference is.
pub fn same(a: &str, b: &str) -> bool {
    a.len() == b.len()
        && a.bytes()
            .zip(b.bytes())
            .fold(0u8, |acc, (x, y)| acc | (x ^ y))
            == 0
}

/// A random password for people to type once: 20 characters from an alphabet without
/// look-alikes (about 113 bits).
pub fn generate_password() -> Result<String, ServiceError> {
    const ALPHABET: &[u8] = b"abcdefghjkmnpqrstuvwxyzABCDEFGHJKMNPQRSTUVWXYZ23456789";
    let mut bytes = [0u8; 20];
    getrandom::fill(&mut bytes)
        .map_err(|e| ServiceError::Internal(format!("no randomness: {e}")))?;
    // 256 is not a multiple of 54, so the first 40 letters are a little likelier: a loss
    // of well under one bit in total.
    Ok(bytes
        .iter()
        .map(|b| ALPHABET[usize::from(*b) % ALPHABET.len()] as char)
        .collect())
}

/// argon2id with the crate's defaults (19 MiB, 2 passes), on a blocking thread: it takes
/// tens of milliseconds of CPU by design.
pub async fn hash_password(password: String) -> Result<String, ServiceError> {
    tokio::task::spawn_blocking(move || {
        Argon2::default()
            .hash_password(password.as_bytes())
            .map(|h| h.to_string())
            .map_err(|e| ServiceError::Internal(format!("cannot hash a password: {e}")))
    })
    .await
    .map_err(|e| ServiceError::Internal(e.to_string()))?
}

async fn verify_password(password: String, hash: String) -> bool {
    tokio::task::spawn_blocking(move || {
        PasswordHash::new(&hash).is_ok_and(|parsed| {
            Argon2::default()
                .verify_password(password.as_bytes(), &parsed)
                .is_ok()
        })
    })
    .await
    .unwrap_or(false)
}

/// Verified against when the account does not exist, so that an unknown name takes as
/// long to refuse as a wrong password (no user enumeration by timing). Verification takes
/// its cost from the string, so this must carry the parameters `hash_password` uses (a
/// test checks it does).
const DUMMY_HASH: &str = "$argon2id$v=19$m=19456,t=2,p=1$2vMP5s9YOni87hVFHEdhbA$sNscnzrU3Waw5bbXxjfxhT+pomd4faqpNZmMSPD7a60";

pub fn check_user_name(name: &str) -> Result<(), ServiceError> {
    let ok = !name.is_empty()
        && name.chars().count() <= MAX_USER_NAME_CHARS
        && name
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '.' | '_' | '-' | '@'));
    if ok {
        Ok(())
    } else {
        Err(ServiceError::BadInput(format!(
            "a user name has 1 to {MAX_USER_NAME_CHARS} characters: letters, digits and . _ - @"
        )))
    }
}

pub fn check_password(password: &str) -> Result<(), ServiceError> {
    if password.chars().count() < MIN_PASSWORD_CHARS {
        return Err(ServiceError::BadInput(format!(
            "a password has at least {MIN_PASSWORD_CHARS} characters"
        )));
    }
    if password.len() > MAX_PASSWORD_BYTES {
        return Err(ServiceError::BadInput(format!(
            "a password has at most {MAX_PASSWORD_BYTES} bytes"
        )));
    }
    Ok(())
}

fn user_info(u: UserRow) -> UserInfo {
    UserInfo {
        name: u.name,
        role: u.role,
        must_change_password: u.must_change_password,
        created_at: rfc3339(u.created_at_ms),
    }
}

fn token_info(t: TokenRow) -> TokenInfo {
    TokenInfo {
        id: t.id,
        name: t.name,
        owner: t.owner,
        role: t.role,
        created_at: rfc3339(t.created_at_ms),
        revoked_at: t.revoked_at_ms.map(rfc3339),
    }
}

fn missing(what: &str) -> impl FnOnce(StoreError) -> ServiceError + '_ {
    move |err| match err {
        StoreError::NotFound => ServiceError::NotFound(what.to_owned()),
        other => other.into(),
    }
}

/// Creates the first admin when there is no user at all. The password is `password` when
/// given (from `SLUICE_ADMIN_PASSWORD`), or a generated one-time password that must be
/// changed at the first login. Returns the generated password, to be shown exactly once.
pub async fn bootstrap_admin(
    store: &dyn Store,
    password: Option<&str>,
) -> Result<Option<String>, ServiceError> {
    if !store.list_users().await?.is_empty() {
        return Ok(None);
    }
    let (password, generated) = match password {
        Some(p) => {
            check_password(p)?;
            (p.to_owned(), false)
        }
        None => (generate_password()?, true),
    };
    let hash = hash_password(password.clone()).await?;
    let created = store
        .create_first_user(NewUserRow {
            name: FIRST_ADMIN,
            password_hash: &hash,
            role: Role::Admin,
            must_change_password: generated,
            now_ms: now_ms(),
        })
        .await?;
    Ok((created && generated).then_some(password))
}

/// Resolves a browser session's cookie secret.
pub async fn session_principal(
    state: &AppState,
    secret: &str,
) -> Result<Option<Principal>, ServiceError> {
    let token_hash = digest(secret);
    let now = now_ms();
    let Some((user, expires)) = state.store.session_user(&token_hash, now).await? else {
        return Ok(None);
    };
    if expires - now < SESSION_IDLE_MS - SESSION_EXTEND_EVERY_MS {
        state
            .store
            .extend_session(&token_hash, now + SESSION_IDLE_MS)
            .await?;
    }
    Ok(Some(Principal {
        user_id: user.id,
        name: user.name,
        role: user.role,
        via: Via::Session {
            token_hash,
            csrf: csrf_of(secret),
        },
        must_change_password: user.must_change_password,
    }))
}

/// Resolves an API token (`Authorization: Bearer sluice_…`).
pub async fn token_principal(
    state: &AppState,
    secret: &str,
) -> Result<Option<Principal>, ServiceError> {
    if !secret.starts_with(TOKEN_PREFIX) {
        return Ok(None);
    }
    let Some((user, token)) = state.store.token_user(&digest(secret)).await? else {
        return Ok(None);
    };
    Ok(Some(Principal {
        user_id: user.id,
        name: user.name,
        role: token.role.min(user.role),
        via: Via::Token { id: token.id },
        // A token is made by someone who logged in; a pending password change concerns
        // the browser, not automation already set up.
        must_change_password: false,
    }))
}

/// Checks a name and password, within the login limits. Gives the new session's secret
/// (for the cookie) and what the browser needs to know.
pub async fn login(
    state: &AppState,
    name: &str,
    password: &str,
    remote: Option<&str>,
) -> Result<(String, SessionInfo), ServiceError> {
    let now = now_ms();
    // A name no account can have is refused without a lookup, and is not tracked: the
    // limiter's keys stay as short as user names, whatever a request body holds.
    let account = check_user_name(name).is_ok().then(|| account_key(name));
    let address = remote.map(address_key);
    let limiter = &state.limiter;
    let locked = account
        .as_deref()
        .and_then(|a| limiter.locked(a, MAX_FAILURES_PER_ACCOUNT, now))
        .or_else(|| {
            address
                .as_deref()
                .and_then(|a| limiter.locked(a, MAX_FAILURES_PER_ADDRESS, now))
        });
    if let Some(retry_after_s) = locked {
        return Err(ServiceError::TooManyAttempts { retry_after_s });
    }
    let user = match &account {
        None => None,
        Some(_) => match state.store.find_user(name).await {
            Ok(user) => Some(user),
            Err(StoreError::NotFound) => None,
            Err(e) => return Err(e.into()),
        },
    };
    let hash = user
        .as_ref()
        .map_or_else(|| DUMMY_HASH.to_owned(), |u| u.password_hash.clone());
    let valid = account.is_some()
        && password.len() <= MAX_PASSWORD_BYTES
        && verify_password(password.to_owned(), hash).await
        && user.is_some();
    let Some(user) = user.filter(|_| valid) else {
        for key in account.into_iter().chain(address) {
            limiter.fail(key, now);
        }
        return Err(ServiceError::Unauthenticated(
            "wrong user name or password".to_owned(),
        ));
    };
    if let Some(account) = &account {
        limiter.forget(account);
    }
    state.store.delete_expired_sessions(now).await?;
    let secret = random_secret()?;
    state
        .store
        .create_session(&digest(&secret), user.id, now, now + SESSION_IDLE_MS)
        .await?;
    let info = SessionInfo {
        name: user.name,
        role: user.role,
        csrf_token: csrf_of(&secret),
        must_change_password: user.must_change_password,
    };
    Ok((secret, info))
}

pub fn session_info(principal: &Principal) -> SessionInfo {
    SessionInfo {
        name: principal.name.clone(),
        role: principal.role,
        csrf_token: match &principal.via {
            Via::Session { csrf, .. } => csrf.clone(),
            Via::Token { .. } => String::new(),
        },
        must_change_password: principal.must_change_password,
    }
}

pub async fn logout(state: &AppState, principal: &Principal) -> Result<(), ServiceError> {
    if let Via::Session { token_hash, .. } = &principal.via {
        state.store.delete_session(token_hash).await?;
    }
    Ok(())
}

/// Changes the caller's own password, which needs the current one. Every other session of
/// theirs ends; this one goes on.
pub async fn change_password(
    state: &AppState,
    principal: &Principal,
    current: &str,
    new: &str,
) -> Result<(), ServiceError> {
    check_password(new)?;
    if current == new {
        return Err(ServiceError::BadInput(
            "the new password must differ from the current one".to_owned(),
        ));
    }
    let user = state
        .store
        .find_user(&principal.name)
        .await
        .map_err(missing("user"))?;
    if current.len() > MAX_PASSWORD_BYTES
        || !verify_password(current.to_owned(), user.password_hash).await
    {
        return Err(ServiceError::Forbidden(
            "the current password is not right".to_owned(),
        ));
    }
    let hash = hash_password(new.to_owned()).await?;
    let change = UserChange {
        password_hash: Some(&hash),
        must_change_password: Some(false),
        keep_session: match &principal.via {
            Via::Session { token_hash, .. } => Some(token_hash),
            Via::Token { .. } => None,
        },
        ..UserChange::default()
    };
    state.store.update_user(&principal.name, change).await?;
    Ok(())
}

pub async fn list_users(state: &AppState) -> Result<Vec<UserInfo>, ServiceError> {
    Ok(state
        .store
        .list_users()
        .await?
        .into_iter()
        .map(user_info)
        .collect())
}

/// Creates a user. `must_change` makes the password one-time (an admin set it).
pub async fn create_user(
    store: &dyn Store,
    name: &str,
    password: &str,
    role: Role,
    must_change: bool,
) -> Result<UserInfo, ServiceError> {
    check_user_name(name)?;
    check_password(password)?;
    let hash = hash_password(password.to_owned()).await?;
    let user = store
        .create_user(NewUserRow {
            name,
            password_hash: &hash,
            role,
            must_change_password: must_change,
            now_ms: now_ms(),
        })
        .await?;
    Ok(user_info(user))
}

/// An admin's change to a user. A password set this way is one-time.
pub async fn update_user(
    store: &dyn Store,
    name: &str,
    update: UpdateUser,
    one_time: bool,
) -> Result<UserInfo, ServiceError> {
    if update.password.is_none() && update.role.is_none() {
        return Err(ServiceError::BadInput(
            "nothing to change: give a password, a role, or both".to_owned(),
        ));
    }
    let hash = match &update.password {
        Some(p) => {
            check_password(p)?;
            Some(hash_password(p.clone()).await?)
        }
        None => None,
    };
    let change = UserChange {
        password_hash: hash.as_deref(),
        role: update.role,
        must_change_password: hash.as_ref().map(|_| one_time),
        keep_session: None,
    };
    let user = store
        .update_user(name, change)
        .await
        .map_err(missing("user"))?;
    Ok(user_info(user))
}

pub async fn delete_user(store: &dyn Store, name: &str) -> Result<(), ServiceError> {
    store.delete_user(name).await.map_err(missing("user"))
}

/// A new API token acting for `principal`, with at most their role.
pub async fn create_token(
    state: &AppState,
    principal: &Principal,
    name: &str,
    role: Role,
) -> Result<CreatedToken, ServiceError> {
    let name = name.trim();
    if name.is_empty() || name.chars().count() > MAX_TOKEN_NAME_CHARS {
        return Err(ServiceError::BadInput(format!(
            "a token needs a name of 1 to {MAX_TOKEN_NAME_CHARS} characters (what it is for)"
        )));
    }
    if role > principal.role {
        return Err(ServiceError::Forbidden(format!(
            "a token cannot have more rights than its owner: you are {}, not {role}",
            principal.role
        )));
    }
    issue_token(state.store.as_ref(), principal.user_id, name, role).await
}

/// Makes a token for a user (the API for oneself, the CLI for anyone).
pub async fn issue_token(
    store: &dyn Store,
    user_id: i64,
    name: &str,
    role: Role,
) -> Result<CreatedToken, ServiceError> {
    let token = format!("{TOKEN_PREFIX}{}", random_secret()?);
    let row = store
        .create_token(user_id, name, &digest(&token), role, now_ms())
        .await?;
    Ok(CreatedToken {
        token,
        info: token_info(row),
    })
}

/// The caller's tokens; an admin may ask for everyone's.
pub async fn list_tokens(
    state: &AppState,
    principal: &Principal,
    all: bool,
) -> Result<Vec<TokenInfo>, ServiceError> {
    if all && principal.role < Role::Admin {
        return Err(ServiceError::Forbidden(
            "only an admin sees everyone's tokens".to_owned(),
        ));
    }
    let owner = (!all).then_some(principal.user_id);
    Ok(state
        .store
        .list_tokens(owner)
        .await?
        .into_iter()
        .map(token_info)
        .collect())
}

/// Revokes one of the caller's tokens (an admin: anyone's). It stops working at once.
pub async fn revoke_token(
    state: &AppState,
    principal: &Principal,
    id: i64,
) -> Result<TokenInfo, ServiceError> {
    let owner = (principal.role < Role::Admin).then_some(principal.user_id);
    let row = state
        .store
        .revoke_token(id, owner, now_ms())
        .await
        .map_err(missing("token"))?;
    Ok(token_info(row))
}

/// Records one audited action. A failure to record is logged, not turned into a failure of
/// the action, which has already happened.
pub async fn audit(store: &dyn Store, record: AuditRecord<'_>) {
    if let Err(err) = store.append_audit(record).await {
        tracing::error!(error = %err, action = record.action, target = record.target,
            "cannot write the audit log");
    }
}

pub async fn list_audit(
    state: &AppState,
    before: Option<i64>,
    limit: Option<i64>,
) -> Result<Vec<AuditEntry>, ServiceError> {
    let limit = limit.unwrap_or(100);
    if !(1..=MAX_AUDIT_PAGE).contains(&limit) {
        return Err(ServiceError::BadInput(format!(
            "limit is 1 to {MAX_AUDIT_PAGE}"
        )));
    }
    Ok(state
        .store
        .list_audit(before, limit)
        .await?
        .into_iter()
        .map(audit_entry)
        .collect())
}

/// The newest audit records of one resource (`/api/v1/instances/7`) and what is under it,
/// for anyone who may read the resource: without the client's address, which only admins
/// see.
pub async fn audit_of(state: &AppState, path: &str) -> Result<Vec<AuditEntry>, ServiceError> {
    Ok(state
        .store
        .list_audit_of(path, MAX_AUDIT_PAGE)
        .await?
        .into_iter()
        .map(|r| AuditEntry {
            remote: None,
            ..audit_entry(r)
        })
        .collect())
}

fn audit_entry(r: AuditRow) -> AuditEntry {
    AuditEntry {
        id: r.id,
        at: rfc3339(r.at_ms),
        actor: r.actor,
        via: r.via,
        action: r.action,
        target: r.target,
        status: u16::try_from(r.status).unwrap_or_default(),
        remote: r.remote,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_account_is_locked_after_its_failures_until_the_window_ends() {
        let limiter = LoginLimiter::default();
        let key = account_key("Alice");
        for i in 0..MAX_FAILURES_PER_ACCOUNT {
            assert_eq!(limiter.locked(&key, MAX_FAILURES_PER_ACCOUNT, 1000), None);
            limiter.fail(key.clone(), 1000 + i64::from(i));
        }
        assert_eq!(
            limiter.locked(&key, MAX_FAILURES_PER_ACCOUNT, 1000),
            Some(900)
        );
        // Names are compared as people type them, whatever the case.
        assert!(
            limiter
                .locked(&account_key("alice"), MAX_FAILURES_PER_ACCOUNT, 2000)
                .is_some()
        );
        let after = 1000 + LIMIT_WINDOW_MS;
        assert_eq!(limiter.locked(&key, MAX_FAILURES_PER_ACCOUNT, after), None);
        // A failure after the window starts a new count.
        limiter.fail(key.clone(), after);
        assert_eq!(limiter.locked(&key, MAX_FAILURES_PER_ACCOUNT, after), None);
    }

    #[test]
    fn success_forgets_failures_and_the_map_stays_bounded() {
        let limiter = LoginLimiter::default();
        let key = account_key("bob");
        for _ in 0..MAX_FAILURES_PER_ACCOUNT - 1 {
            limiter.fail(key.clone(), 0);
        }
        limiter.forget(&key);
        limiter.fail(key.clone(), 0);
        assert_eq!(limiter.locked(&key, MAX_FAILURES_PER_ACCOUNT, 0), None);
        for _ in 0..MAX_FAILURES_PER_ACCOUNT {
            limiter.fail(key.clone(), 0);
        }
        for i in 0..MAX_TRACKED * 2 {
            limiter.fail(format!("account:x{i}"), 0);
            assert!(limiter.windows.lock().unwrap().len() <= MAX_TRACKED);
        }
        // A flood of one-off names does not unlock an account under attack.
        assert!(limiter.locked(&key, MAX_FAILURES_PER_ACCOUNT, 0).is_some());
        assert_eq!(
            limiter.locked(&key, MAX_FAILURES_PER_ACCOUNT, LIMIT_WINDOW_MS),
            None
        );
    }

    #[test]
    fn secrets_are_hex_and_compared_in_constant_shape() {
        let a = random_secret().unwrap();
        assert_eq!(a.len(), 64);
        assert_ne!(a, random_secret().unwrap());
        assert!(same(&a, &a.clone()));
        assert!(!same(&a, &random_secret().unwrap()));
        assert!(!same("ab", "abc"));
        assert_ne!(csrf_of(&a), digest(&a));
        let p = generate_password().unwrap();
        assert_eq!(p.chars().count(), 20);
        assert!(check_password(&p).is_ok());
    }

    #[test]
    fn the_dummy_hash_costs_what_a_real_one_does() {
        let real = Argon2::default()
            .hash_password(b"anything")
            .unwrap()
            .to_string();
        let params = |h: &str| h.split('$').nth(3).unwrap().to_owned();
        assert_eq!(params(DUMMY_HASH), params(&real));
        assert!(DUMMY_HASH.starts_with("$argon2id$v=19$"));
    }

    #[test]
    fn user_names_and_passwords_have_rules() {
        assert!(check_user_name("ana.lyst@corp-1").is_ok());
        for bad in ["", "a b", "ana;drop", &"x".repeat(65)] {
            assert!(check_user_name(bad).is_err(), "{bad}");
        }
        assert!(check_password("short").is_err());
        assert!(check_password(&"x".repeat(MAX_PASSWORD_BYTES + 1)).is_err());
    }
}
