//! `sluice user …` and `sluice token …`: account administration straight on the database,
//! for the first setup, for scripts, and for the day nobody can log in any more.

use std::io::{BufRead, Read};
use std::process::ExitCode;

use anyhow::{Context, bail};
use shared::api::{Role, UpdateUser};

use crate::config::{TokenCommand, UserCommand};
use crate::service::auth;
use crate::service::now_ms;
use crate::store::{AuditRecord, Store};

pub(crate) async fn user(store: &dyn Store, command: UserCommand) -> anyhow::Result<ExitCode> {
    match command {
        UserCommand::Add {
            name,
            role,
            password_stdin,
        } => {
            let (password, one_time) = password(password_stdin)?;
            auth::create_user(store, &name, &password, role.into(), one_time).await?;
            record(store, "user add", &name).await;
            announce(&name, &password, one_time, "added");
        }
        UserCommand::Passwd {
            name,
            password_stdin,
        } => {
            let (password, one_time) = password(password_stdin)?;
            let update = UpdateUser {
                password: Some(password.clone()),
                role: None,
            };
            auth::update_user(store, &name, update, one_time).await?;
            record(store, "user passwd", &name).await;
            announce(&name, &password, one_time, "updated");
        }
        UserCommand::Role { name, role } => {
            let role: Role = role.into();
            let update = UpdateUser {
                password: None,
                role: Some(role),
            };
            auth::update_user(store, &name, update, false).await?;
            record(store, "user role", &name).await;
            println!("{name} is now {role}");
        }
        UserCommand::Remove { name } => {
            auth::delete_user(store, &name).await?;
            record(store, "user remove", &name).await;
            println!("removed {name}");
        }
        UserCommand::List => {
            for u in store.list_users().await? {
                let pending = if u.must_change_password {
                    "  (must change password)"
                } else {
                    ""
                };
                println!("{}\t{}{pending}", u.name, u.role);
            }
        }
    }
    Ok(ExitCode::SUCCESS)
}

pub(crate) async fn token(store: &dyn Store, command: TokenCommand) -> anyhow::Result<ExitCode> {
    let TokenCommand::Add { user, name, role } = command;
    let owner = store
        .find_user(&user)
        .await
        .map_err(|_| anyhow::anyhow!("no user named '{user}'"))?;
    let role: Role = role.into();
    if role > owner.role {
        bail!(
            "{user} is {}: a token of theirs cannot be {role}",
            owner.role
        );
    }
    let created = auth::issue_token(store, owner.id, name.trim(), role).await?;
    record(store, "token add", &user).await;
    // Only the token on stdout, so scripts can capture it.
    println!("{}", created.token);
    Ok(ExitCode::SUCCESS)
}

/// The password to set, and whether it is one-time (generated).
fn password(from_stdin: bool) -> anyhow::Result<(String, bool)> {
    if !from_stdin {
        return Ok((auth::generate_password()?, true));
    }
    let mut line = String::new();
    std::io::stdin()
        .lock()
        .take(auth::MAX_PASSWORD_BYTES as u64 + 2)
        .read_line(&mut line)
        .context("cannot read the password from standard input")?;
    let password = line.trim_end_matches(['\r', '\n']).to_owned();
    auth::check_password(&password)?;
    Ok((password, false))
}

fn announce(name: &str, password: &str, one_time: bool, what: &str) {
    if one_time {
        println!(
            "{what} {name} with the one-time password\n\n    {password}\n\n\
             It must be changed at the first login and will not be shown again."
        );
    } else {
        println!("{what} {name}");
    }
}

async fn record(store: &dyn Store, action: &str, target: &str) {
    let actor = std::env::var("USER").ok();
    auth::audit(
        store,
        AuditRecord {
            at_ms: now_ms(),
            actor: actor.as_deref(),
            via: "cli",
            action,
            target,
            status: 200,
            remote: None,
        },
    )
    .await;
}
