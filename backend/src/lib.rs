//! The Sluice server.
//!
//! Layers, outermost first; each talks only to the next one and has one error type:
//! - [`http`]: routes, extraction, JSON errors. Handlers extract, call a service, serialize.
//! - [`service`]: the use cases, combining `shared`'s domain logic with the store.
//! - [`store`]: persistence behind one trait ([`store::Store`]); SQLite is the default.
//!
//! [`app`] builds the whole router from a state, so tests drive it without a socket.

pub mod alert;
pub mod cli;
pub mod config;
pub mod engine;
pub mod hex;
pub mod http;
pub mod outbound;
pub mod service;
pub mod store;

mod admin;
mod assets;
mod client;
mod local;

use std::process::ExitCode;
use std::sync::Arc;

use anyhow::Context;
use tokio::net::TcpListener;
use tracing_subscriber::EnvFilter;

use crate::config::{Cli, Command, CoordCommand, DbArgs, LogFormat, ServeArgs};
use crate::store::{PgStore, SqliteStore, Store};

pub use crate::http::app;

/// Everything a request handler may use.
#[derive(Clone)]
pub struct AppState {
    pub store: Arc<dyn Store>,
    pub limiter: Arc<service::auth::LoginLimiter>,
    pub events: http::events::Events,
    /// The workflow engine; absent in router tests that do not run workflows (its routes
    /// then answer 503).
    pub engine: Option<engine::runner::EngineHandle>,
    /// The coordinator scheduler; absent like the engine (its routes then answer 503).
    pub scheduler: Option<engine::scheduler::SchedulerHandle>,
    /// What alert channels need: the key their credentials are sealed with, the address
    /// alerts link to, an HTTP client for webhooks.
    pub alerts: Arc<AlertSetup>,
}

/// See [`AppState::alerts`]; the alert loop shares it.
pub struct AlertSetup {
    /// Also opens datasource passwords (the engine holds the same key for SQL tasks).
    pub secrets: Arc<alert::secret::SecretKey>,
    pub public_url: String,
    pub http: reqwest::Client,
}

impl AlertSetup {
    pub fn new(secrets: impl Into<Arc<alert::secret::SecretKey>>, public_url: String) -> Self {
        AlertSetup {
            secrets: secrets.into(),
            public_url,
            http: outbound::client(),
        }
    }

    /// A key of this process only, and links to loopback: for states that never store
    /// a channel's secret for longer than they live (router tests).
    fn ephemeral() -> Arc<Self> {
        Arc::new(AlertSetup::new(
            alert::secret::SecretKey::random(),
            "http://127.0.0.1".to_owned(),
        ))
    }
}

impl AppState {
    /// A state whose event streams end when `closing` turns true.
    pub fn with_shutdown(
        store: Arc<dyn Store>,
        closing: tokio::sync::watch::Receiver<bool>,
    ) -> Self {
        AppState {
            store,
            limiter: Arc::default(),
            events: http::events::Events::new(closing),
            engine: None,
            scheduler: None,
            alerts: AlertSetup::ephemeral(),
        }
    }

    /// A state that never shuts down (tests).
    pub fn new(store: Arc<dyn Store>) -> Self {
        AppState {
            store,
            limiter: Arc::default(),
            events: http::events::Events::endless(),
            engine: None,
            scheduler: None,
            alerts: AlertSetup::ephemeral(),
        }
    }

    /// The same state with these alert settings (the alert loop's).
    pub fn with_alerts(mut self, alerts: Arc<AlertSetup>) -> Self {
        self.alerts = alerts;
        self
    }

    /// The same state with a workflow engine, whose changes go out on the event stream.
    pub fn with_engine(mut self, engine: engine::runner::EngineHandle) -> Self {
        self.events.follow(&engine);
        self.engine = Some(engine);
        self
    }

    /// The same state with a coordinator scheduler, whose changes go out on the event
    /// stream.
    pub fn with_scheduler(mut self, scheduler: engine::scheduler::SchedulerHandle) -> Self {
        self.events.follow_scheduler(&scheduler);
        self.scheduler = Some(scheduler);
        self
    }
}

/// Runs a command; the exit code is the command's own verdict (see each command).
pub async fn run(cli: Cli) -> anyhow::Result<ExitCode> {
    match cli.command {
        Command::Serve(args) => {
            let filter =
                EnvFilter::try_from_default_env().unwrap_or_else(|_| EnvFilter::new("info"));
            let logs = tracing_subscriber::fmt().with_env_filter(filter);
            match args.log_format {
                LogFormat::Text => logs.init(),
                // One JSON object a line, for log shippers.
                LogFormat::Json => logs.json().flatten_event(true).init(),
            }
            serve(args).await.map(|()| ExitCode::SUCCESS)
        }
        Command::Validate { file } => Ok(cli::validate(&file)),
        Command::Convert {
            file,
            to,
            schema,
            properties,
        } => Ok(cli::convert(
            &file,
            to,
            schema.as_deref(),
            properties.as_deref(),
        )),
        Command::Coord {
            command:
                CoordCommand::Preview {
                    file,
                    properties,
                    count,
                    user,
                },
            ..
        } => Ok(cli::coord_preview(
            &file,
            properties.as_deref(),
            count,
            &user,
        )),
        Command::Coord { command, server } => Ok(client::coord_jobs::coord(&server, command).await),
        Command::User { command, db } => {
            let (store, _) = open_store(&db).await?;
            let done = admin::user(store.as_ref(), command).await;
            store.close().await;
            done
        }
        Command::Token { command, db } => {
            let (store, _) = open_store(&db).await?;
            let done = admin::token(store.as_ref(), command).await;
            store.close().await;
            done
        }
        Command::Workflow { command, server } => Ok(client::workflow(&server, command).await),
        Command::Instance { command, server } => {
            Ok(client::instances::instance(&server, command).await)
        }
        Command::Import {
            path,
            dry_run,
            json,
            server,
        } => Ok(client::import(&server, &path, dry_run, json).await),
        Command::Run {
            file,
            properties,
            params,
            keep,
            exec,
        } => local::run(&file, properties.as_deref(), &params, keep, &exec).await,
        Command::Bench { tasks, width } => local::bench(tasks, width).await,
    }
}

/// The configured database, migrated; and how to name it in the log.
async fn open_store(db: &DbArgs) -> anyhow::Result<(Arc<dyn Store>, String)> {
    Ok(match &db.database_url {
        Some(url) => {
            let store = PgStore::connect(url)
                .await
                .context("cannot open the PostgreSQL database")?;
            (Arc::new(store), "postgresql".to_owned())
        }
        None => {
            std::fs::create_dir_all(&db.data_dir).with_context(|| {
                format!("cannot create data directory {}", db.data_dir.display())
            })?;
            let file = db.data_dir.join("sluice.db");
            let store = SqliteStore::open(&file)
                .await
                .with_context(|| format!("cannot open database {}", file.display()))?;
            (Arc::new(store), file.display().to_string())
        }
    })
}

async fn serve(args: ServeArgs) -> anyhow::Result<()> {
    let (store, db) = open_store(&args.db).await?;
    let admin_password = std::env::var("SLUICE_ADMIN_PASSWORD").ok();
    if let Some(password) =
        service::auth::bootstrap_admin(store.as_ref(), admin_password.as_deref())
            .await
            .context("cannot create the first admin")?
    {
        // Printed once, to the console of whoever started the server, never to the log.
        eprintln!(
            "\nsluice: created user '{}' with the one-time password\n\n    {password}\n\n\
             Log in with it and choose a new password; it will not be shown again.\n",
            service::auth::FIRST_ADMIN
        );
    }
    let runs = args.db.data_dir.join("runs");
    let slots = args
        .slots
        .map_or_else(engine::runner::default_slots, |s| s as usize);
    let listener = TcpListener::bind(args.listen)
        .await
        .with_context(|| format!("cannot listen on {}", args.listen))?;
    let addr = listener.local_addr()?;
    // Replicas share a PostgreSQL database through leases; SQLite has one server.
    let shared = args.db.database_url.is_some();
    let owner = engine::lease::server_id(args.server_id.as_deref(), addr.port());
    if shared {
        store.set_owner(&owner, engine::lease::LEASE.as_millis() as i64);
    }
    let key = Arc::new(secret_key(&args.db.data_dir, shared)?);
    let mut exec = args.exec.exec_config(runs.clone())?;
    exec.secrets = Some(key.clone());
    let (engine, engine_task) = engine::runner::start(
        store.clone(),
        engine::runner::RunnerConfig {
            slots,
            exec,
            shared,
        },
    )
    .await
    .context("cannot start the workflow engine")?;
    let (scheduler, scheduler_task) = engine::scheduler::start_with(
        store.clone(),
        engine.clone(),
        engine::scheduler::DATA_POLL,
        shared,
    )
    .await
    .context("cannot start the coordinator scheduler")?;
    let (lost_tx, lost_rx) = tokio::sync::oneshot::channel::<String>();
    if shared {
        let (store, owner, engine, scheduler) = (
            store.clone(),
            owner.clone(),
            engine.clone(),
            scheduler.clone(),
        );
        tokio::spawn(async move {
            let why = engine::lease::keep(store, owner, engine, scheduler).await;
            let _ = lost_tx.send(why);
        });
    }
    let (closing, closing_rx) = tokio::sync::watch::channel(false);
    let public_url = args
        .public_url
        .clone()
        .unwrap_or_else(|| format!("http://{addr}"));
    let setup = Arc::new(AlertSetup::new(key, public_url));
    let alerts = alert::dispatch::Config {
        setup: setup.clone(),
        retry: alert::Retry {
            first_delay: std::time::Duration::from_millis(args.alert_retry_ms),
            ..alert::Retry::default()
        },
        poll: std::time::Duration::from_millis(args.alert_poll_ms),
    };
    let alert_task = tokio::spawn(alert::dispatch::run(
        store.clone(),
        alerts,
        closing_rx.clone(),
    ));
    let state = AppState::with_shutdown(store.clone(), closing_rx)
        .with_engine(engine.clone())
        .with_scheduler(scheduler.clone())
        .with_alerts(setup);
    tracing::info!(%addr, database = %db, ui = assets::has_ui(), "sluice is listening on http://{addr}");
    let templates = args
        .exec
        .templates
        .iter()
        .filter_map(|t| t.split_once('=').map(|(k, _)| k.trim()));
    tracing::info!(
        slots,
        runs = %runs.display(),
        templates = %templates.collect::<Vec<_>>().join(","),
        email = args.exec.smtp_url.is_some(),
        "the workflow engine is running"
    );
    if shared {
        tracing::info!(server = %owner, "sharing the work with other replicas through leases");
    }
    let lost = Arc::new(std::sync::Mutex::new(None::<String>));
    let lost_in = lost.clone();
    let service = app(state).into_make_service_with_connect_info::<std::net::SocketAddr>();
    let served = axum::serve(listener, service)
        .with_graceful_shutdown(async move {
            tokio::select! {
                () = shutdown_signal() => {}
                Ok(why) = lost_rx => {
                    tracing::error!("{why}");
                    *lost_in.lock().expect("not poisoned") = Some(why);
                }
            }
            // End the event streams, or open browser tabs would hold the shutdown forever.
            let _ = closing.send(true);
        })
        .await
        .context("server error");
    // Requests in flight have been answered; running tasks are stopped and stay recorded
    // as running, so the next start retries them as its policy says. Then the database.
    // Without the database (a lost lease) this cannot wait long: the tasks must stop
    // before another replica takes them.
    let stop = async {
        let _ = alert_task.await;
        scheduler.shutdown().await;
        let _ = scheduler_task.await;
        engine.shutdown().await;
        let _ = engine_task.await;
    };
    let lost = lost.lock().expect("not poisoned").take();
    match &lost {
        Some(_) => {
            if tokio::time::timeout(engine::lease::MARGIN, stop)
                .await
                .is_err()
            {
                tracing::error!("the engine did not stop in time");
            }
        }
        None => stop.await,
    }
    store.close().await;
    if let Some(why) = lost {
        anyhow::bail!(why);
    }
    served
}

/// The key alert channels' credentials and datasources' passwords are sealed with: `SLUICE_SECRET_KEY` (64 hex
/// digits), which replicas sharing a database must all be given, or else a key file in
/// the data directory, made on first start.
fn secret_key(
    data_dir: &std::path::Path,
    shared: bool,
) -> anyhow::Result<alert::secret::SecretKey> {
    if let Ok(hex) = std::env::var("SLUICE_SECRET_KEY") {
        return alert::secret::SecretKey::from_hex(&hex).context("SLUICE_SECRET_KEY");
    }
    std::fs::create_dir_all(data_dir)
        .with_context(|| format!("cannot create data directory {}", data_dir.display()))?;
    let path = data_dir.join("secret.key");
    if shared {
        tracing::warn!(
            key = %path.display(),
            "replicas must share one secret key: give them all the same SLUICE_SECRET_KEY, \
             or channel credentials sealed by one will not open on another"
        );
    }
    Ok(alert::secret::SecretKey::load_or_create(&path)?)
}

async fn shutdown_signal() {
    let ctrl_c = async {
        let _ = tokio::signal::ctrl_c().await;
    };
    #[cfg(unix)]
    let terminate = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut s) => {
                s.recv().await;
            }
            Err(_) => std::future::pending().await,
        }
    };
    #[cfg(not(unix))]
    let terminate = std::future::pending::<()>();
    tokio::select! { () = ctrl_c => {}, () = terminate => {} }
    tracing::info!("shutting down");
}
