//! The command line. Every flag can also come from a `SLUICE_*` environment variable.

use std::net::SocketAddr;
use std::path::PathBuf;

use clap::{Args, Parser, Subcommand};

#[derive(Debug, Parser)]
#[command(
    name = "sluice",
    version,
    about = "Design, validate and export Oozie workflows."
)]
pub struct Cli {
    #[command(subcommand)]
    pub command: Command,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Run the server and the designer UI.
    Serve(ServeArgs),
    /// Check a workflow.xml as an Oozie server does at submit time. Prints one line per
    /// issue, starting with its code. Exit status: 0 valid, 1 invalid, 2 the file cannot be
    /// read, is not well-formed XML, or was refused (a DOCTYPE, over the limits).
    Validate {
        /// The workflow.xml to check.
        file: PathBuf,
    },
    /// Convert between Oozie's workflow.xml and Sluice's JSON model. Writes the result to
    /// stdout and notes (parts kept verbatim, fork/join folded) to stderr. Exit status: 0
    /// converted, 1 the input is a workflow Oozie (or Sluice) rejects, 2 the file cannot be
    /// read or parsed.
    Convert {
        /// workflow.xml (with `--to json`) or a Sluice JSON workflow (with `--to oozie`).
        file: PathBuf,
        #[arg(long, value_enum)]
        to: Format,
        /// The Oozie workflow schema to write (default: the model's own, 0.5 for new ones).
        #[arg(long, value_parser = ["0.5", "1.0"])]
        schema: Option<String>,
        /// A job.properties to read into the model (`--to json`).
        #[arg(long)]
        properties: Option<PathBuf>,
    },
    /// Coordinators (schedules with data triggers): preview one on this machine, or run
    /// and steer jobs on a running server (with an API token; exit status as for
    /// `workflow`).
    Coord {
        #[command(subcommand)]
        command: CoordCommand,
        #[command(flatten)]
        server: ServerArgs,
    },
    /// Manage the people who may log in, directly in the database (works while the server
    /// runs, and when nobody can log in any more). Each change is written to the audit log
    /// as done through the CLI by `$USER`.
    User {
        #[command(subcommand)]
        command: UserCommand,
        #[command(flatten)]
        db: DbArgs,
    },
    /// Make API tokens for automation, directly in the database.
    Token {
        #[command(subcommand)]
        command: TokenCommand,
        #[command(flatten)]
        db: DbArgs,
    },
    /// Workflows on a running server, for scripts (with an API token). Exit status: 0
    /// done, 1 the server refused (the message says why), 2 bad input or no server.
    Workflow {
        #[command(subcommand)]
        command: WorkflowCommand,
        #[command(flatten)]
        server: ServerArgs,
    },
    /// Workflow instances on a running server: list, show, steer, read logs (with an API
    /// token). Exit status as for `workflow`; `show --wait` also exits 1 when the instance
    /// ends other than SUCCEEDED.
    Instance {
        #[command(subcommand)]
        command: InstanceCommand,
        #[command(flatten)]
        server: ServerArgs,
    },
    /// Import Oozie apps into a running server: a directory (every app under it), a zip,
    /// or one workflow.xml or coordinator.xml. Prints what became of every file; a name
    /// already stored gets a new version. Exit status as for `workflow`.
    Import {
        path: PathBuf,
        /// Report what would happen; save nothing.
        #[arg(long)]
        dry_run: bool,
        /// Print the report as JSON.
        #[arg(long)]
        json: bool,
        #[command(flatten)]
        server: ServerArgs,
    },
    /// Run one workflow to its end on this machine, with a throwaway database (like
    /// `airflow dags test`): progress on stderr, a JSON summary on stdout. Exit status: 0
    /// SUCCEEDED, 1 KILLED or FAILED, 2 the workflow or its properties are invalid or use
    /// actions this machine cannot run.
    Run {
        /// The workflow.xml; its directory is the app directory (relative `<file>`s).
        file: PathBuf,
        /// A job.properties.
        #[arg(long)]
        properties: Option<PathBuf>,
        /// A property, over the file's: `--param day=2026-11-21` (repeatable).
        #[arg(long = "param", value_name = "KEY=VALUE")]
        params: Vec<String>,
        /// Keep the working directory (task logs, the database) and print where it is.
        #[arg(long)]
        keep: bool,
        #[command(flatten)]
        exec: ExecArgs,
    },
    /// Measure the engine: N no-op shell tasks (`true`) in a wide workflow, end to end
    /// through the real engine and an SQLite database. Prints JSON.
    Bench {
        /// How many tasks.
        #[arg(long, default_value_t = 10_000)]
        tasks: usize,
        /// Parallel branches of the workflow (also the slots, so no task waits for one).
        /// Wider keeps more processes in flight: more throughput up to the machine's spawn
        /// ceiling, and more latency once the cores are saturated.
        #[arg(long, default_value_t = 8)]
        width: usize,
    },
}

/// How the commands for scripts reach the server.
#[derive(Debug, Clone, Args)]
pub struct ServerArgs {
    /// The server's address.
    #[arg(
        long,
        env = "SLUICE_SERVER",
        default_value = "http://127.0.0.1:8080",
        global = true
    )]
    pub server: String,
    /// An API token (`sluice token add`). Prefer the environment variable: a flag shows
    /// in the process list.
    #[arg(long, env = "SLUICE_TOKEN", hide_env_values = true, global = true)]
    pub token: Option<String>,
}

#[derive(Debug, Subcommand)]
pub enum WorkflowCommand {
    /// List workflows, newest change first: id, name, nodes, newest version, published
    /// version, last saved.
    List {
        /// Only names containing this (case-insensitive).
        #[arg(long)]
        name: Option<String>,
        /// How many (at most 500).
        #[arg(long, default_value_t = 100)]
        limit: i64,
        /// Print the page as JSON.
        #[arg(long)]
        json: bool,
    },
    /// Print a workflow's definition (Sluice's JSON model): its newest version, or
    /// `--version`.
    Get {
        /// The workflow's id or name.
        workflow: String,
        #[arg(long)]
        version: Option<i64>,
    },
    /// Save a file as the next version of the workflow of its name, creating it if new.
    /// The file is Sluice JSON (as `get` prints) or an Oozie workflow.xml. Prints the
    /// version made, and validation errors on stderr (the save keeps them, as drafts).
    Put {
        file: PathBuf,
        /// Why: kept with the version.
        #[arg(long, default_value = "")]
        comment: String,
        /// A job.properties to save with a workflow.xml.
        #[arg(long)]
        properties: Option<PathBuf>,
    },
    /// Start an instance of a workflow (its published version, else the newest) and print
    /// its id; with `--wait`, follow it to its end (exit 0 SUCCEEDED, 1 otherwise).
    Run {
        /// The workflow's id or name.
        workflow: String,
        #[arg(long)]
        version: Option<i64>,
        /// A job.properties over the workflow's own.
        #[arg(long)]
        properties: Option<PathBuf>,
        /// A property: `--param day=2026-11-21` (repeatable).
        #[arg(long = "param", value_name = "KEY=VALUE")]
        params: Vec<String>,
        /// Leave it in PREP (`sluice instance start` starts it).
        #[arg(long, conflicts_with = "wait")]
        hold: bool,
        #[arg(long)]
        wait: bool,
    },
    /// Download a workflow's workflow.xml, job.properties, or both in a zip. Refused (exit
    /// 1, with the issues) when Oozie would reject the workflow.
    Export {
        /// The workflow's id or name.
        workflow: String,
        #[arg(long, value_enum, default_value = "xml")]
        format: ExportFormat,
        /// Where to write it (default: standard output).
        #[arg(long, short)]
        output: Option<PathBuf>,
        /// A version (default: the newest).
        #[arg(long)]
        version: Option<i64>,
    },
}

#[derive(Debug, Subcommand)]
pub enum InstanceCommand {
    /// List instances, newest first: id, workflow, status, run, started, ended.
    List {
        /// Only this workflow's (id or name).
        #[arg(long)]
        workflow: Option<String>,
        /// Only those in this status (RUNNING, FAILED…).
        #[arg(long)]
        status: Option<String>,
        #[arg(long, default_value_t = 50)]
        limit: i64,
        #[arg(long)]
        json: bool,
    },
    /// An instance and each node's status (and why waiting ones wait).
    Show {
        id: i64,
        #[arg(long)]
        json: bool,
        /// Wait until it ends; exit 0 if it SUCCEEDED, 1 otherwise.
        #[arg(long)]
        wait: bool,
    },
    /// Start an instance held in PREP.
    Start {
        id: i64,
        #[command(flatten)]
        dry: DryRunArg,
    },
    /// No new action starts; running ones finish.
    Suspend {
        id: i64,
        #[command(flatten)]
        dry: DryRunArg,
    },
    Resume {
        id: i64,
        #[command(flatten)]
        dry: DryRunArg,
    },
    /// Stop running tasks (SIGTERM, then SIGKILL after the grace period); nothing else runs.
    Kill {
        id: i64,
        #[command(flatten)]
        dry: DryRunArg,
    },
    /// Run an ended instance again: whole (default), its failed nodes, all but chosen
    /// nodes, or from a node on. Prints what is kept and what runs again.
    Rerun {
        id: i64,
        /// Keep every action and decision that ended OK (Oozie's rerun failnodes).
        #[arg(long, conflicts_with_all = ["skip", "from"])]
        failed: bool,
        /// Keep these nodes' results (Oozie's rerun skip.nodes): `--skip a,b`.
        #[arg(long, value_delimiter = ',', conflicts_with = "from")]
        skip: Vec<String>,
        /// Keep everything before this node; it and all after it run again.
        #[arg(long)]
        from: Option<String>,
        /// A property over the run's: `--param day=2026-11-21` (repeatable).
        #[arg(long = "param", value_name = "KEY=VALUE")]
        params: Vec<String>,
        /// Run this stored version of the workflow (a fix) instead of the same definition.
        #[arg(long)]
        version: Option<i64>,
        /// Only print what would happen.
        #[arg(long)]
        dry_run: bool,
    },
    /// Mark an action succeeded or skipped: it takes its ok transition without running.
    Mark {
        id: i64,
        node: String,
        #[arg(long = "as", value_enum)]
        mark: MarkArg,
        #[command(flatten)]
        dry: DryRunArg,
    },
    /// Print a try's log (stdout and stderr): the last try of the current run by default.
    Log {
        id: i64,
        node: String,
        #[arg(long)]
        run: Option<i64>,
        #[arg(long)]
        attempt: Option<u32>,
        /// Keep printing as it grows, until the try ends.
        #[arg(long, short)]
        follow: bool,
    },
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum MarkArg {
    Succeeded,
    Skipped,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum ExportFormat {
    Xml,
    Properties,
    Zip,
}

#[derive(Debug, Subcommand)]
pub enum UserCommand {
    /// Add a user. Without `--password-stdin`, a one-time password is generated and
    /// printed; it must be changed at the first login.
    Add {
        name: String,
        #[arg(long, value_enum)]
        role: RoleArg,
        /// Read the password from the first line of standard input instead.
        #[arg(long)]
        password_stdin: bool,
    },
    /// Set a user's password (generated and one-time without `--password-stdin`). Ends the
    /// user's sessions.
    Passwd {
        name: String,
        #[arg(long)]
        password_stdin: bool,
    },
    /// Change a user's role.
    Role {
        name: String,
        #[arg(value_enum)]
        role: RoleArg,
    },
    /// Remove a user with their sessions and tokens (not the last admin).
    Remove { name: String },
    /// List users: name, role, and whether a password change is pending.
    List,
}

#[derive(Debug, Subcommand)]
pub enum TokenCommand {
    /// Make an API token acting for USER with at most their role, and print it (once).
    Add {
        user: String,
        /// What the token is for.
        #[arg(long)]
        name: String,
        #[arg(long, value_enum)]
        role: RoleArg,
    },
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum RoleArg {
    Viewer,
    Editor,
    Operator,
    Admin,
}

impl From<RoleArg> for shared::api::Role {
    fn from(r: RoleArg) -> Self {
        match r {
            RoleArg::Viewer => Self::Viewer,
            RoleArg::Editor => Self::Editor,
            RoleArg::Operator => Self::Operator,
            RoleArg::Admin => Self::Admin,
        }
    }
}

#[derive(Debug, Subcommand)]
pub enum CoordCommand {
    /// Print the actions a coordinator.xml materializes, oldest first, as a JSON array of
    /// `{number, nominal_time, inputs, outputs, configuration}`: exactly what Sluice's
    /// scheduler will create. Each action is taken as created at its nominal time
    /// (`coord:actualTime()`); `coord:latest`/`coord:future` instances depend on which data
    /// exists and are printed unresolved, as Oozie keeps them until it checks. Exit status:
    /// 0 printed, 2 the input cannot be read or Oozie would reject it (the message starts
    /// with Oozie's error code).
    Preview {
        /// The coordinator.xml. `<include>`d dataset files are read from beside it, by
        /// their file name.
        file: PathBuf,
        /// The job.properties whose values the coordinator's `${…}` use.
        #[arg(long)]
        properties: Option<PathBuf>,
        /// How many actions to print (at most; fewer if the coordinator ends first).
        #[arg(long, default_value_t = 10)]
        count: usize,
        /// The submitting user (`coord:user()`, `${user.name}`).
        #[arg(long, env = "USER", default_value = "sluice")]
        user: String,
    },
    /// Submit a job of a stored coordinator (id or name): its published version unless
    /// `--version`. Prints the job's id.
    Run {
        coordinator: String,
        #[arg(long)]
        version: Option<i64>,
        /// A property over the coordinator's: `--param day=2026-11-21` (repeatable).
        #[arg(long = "param", value_name = "KEY=VALUE")]
        params: Vec<String>,
        /// A job.properties over the coordinator's.
        #[arg(long)]
        properties: Option<PathBuf>,
    },
    /// Backfill: run the coordinator's own slots from `--from` to `--to` (both included,
    /// UTC), below live runs. Prints the job's id; `coord suspend`/`resume` pause it, `coord
    /// show` tells its progress.
    Backfill {
        coordinator: String,
        /// `2026-11-01T00:00Z`.
        #[arg(long)]
        from: String,
        /// `2026-11-07T23:00Z`.
        #[arg(long)]
        to: String,
        /// Actions at once (1: one after another).
        #[arg(long, default_value_t = 1)]
        parallel: i64,
        /// Newest slot first.
        #[arg(long)]
        newest_first: bool,
        #[arg(long)]
        version: Option<i64>,
        /// A property over the coordinator's: `--param day=2026-11-21` (repeatable).
        #[arg(long = "param", value_name = "KEY=VALUE")]
        params: Vec<String>,
        /// Only list the slots it would run.
        #[arg(long)]
        dry_run: bool,
    },
    /// List coordinator jobs, newest first.
    Jobs {
        /// Only this coordinator's (id or name).
        #[arg(long)]
        coordinator: Option<String>,
        /// Only those in this status (RUNNING, SUSPENDED…).
        #[arg(long)]
        status: Option<String>,
        #[arg(long, default_value_t = 50)]
        limit: i64,
        #[arg(long)]
        json: bool,
    },
    /// A job and each action: nominal time, status, what it waits for, its workflow.
    Show {
        job: i64,
        #[arg(long)]
        json: bool,
    },
    /// Suspend the job and its running workflows.
    Suspend {
        job: i64,
        #[command(flatten)]
        dry: DryRunArg,
    },
    Resume {
        job: i64,
        #[command(flatten)]
        dry: DryRunArg,
    },
    /// Kill the job and every action not ended.
    Kill {
        job: i64,
        #[command(flatten)]
        dry: DryRunArg,
    },
    /// Change the end time, the concurrency or the pause time (Oozie's `-change`).
    Change {
        job: i64,
        /// `2026-12-31T00:00Z`.
        #[arg(long)]
        end: Option<String>,
        /// -1 for unlimited.
        #[arg(long, allow_hyphen_values = true)]
        concurrency: Option<i64>,
        /// `2026-12-01T00:00Z`, or `""` to clear it.
        #[arg(long)]
        pause: Option<String>,
        #[command(flatten)]
        dry: DryRunArg,
    },
    /// Rerun ended actions, by number or by nominal time. Their output directories are
    /// deleted first, as Oozie does, unless `--nocleanup`.
    Rerun {
        job: i64,
        /// `1,3-4,7`.
        #[arg(long, conflicts_with = "date", required_unless_present = "date")]
        action: Option<String>,
        /// `2026-01-01T00:00Z::2026-01-02T00:00Z,2026-01-05T00:00Z` (UTC, ends included).
        #[arg(long)]
        date: Option<String>,
        /// Look for `latest()`/`future()` data again.
        #[arg(long)]
        refresh: bool,
        /// Leave the output directories.
        #[arg(long)]
        nocleanup: bool,
        /// Rerun the same workflow instances' failed nodes only.
        #[arg(long)]
        failed: bool,
        #[command(flatten)]
        dry: DryRunArg,
    },
    /// Ignore FAILED, KILLED or TIMEDOUT actions.
    Ignore {
        job: i64,
        #[arg(long)]
        action: String,
        #[command(flatten)]
        dry: DryRunArg,
    },
}

/// `--dry-run` on an operation.
#[derive(Debug, Clone, Copy, Args)]
pub struct DryRunArg {
    /// Only print what it would change.
    #[arg(long)]
    pub dry_run: bool,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum Format {
    /// Sluice's JSON model (the API's workflow definition).
    Json,
    /// Oozie's workflow.xml.
    Oozie,
}

#[derive(Debug, Clone, Args)]
pub struct ServeArgs {
    /// Address to listen on. Loopback by default: Sluice runs commands on its host, so
    /// exposing it is a decision to take on purpose.
    #[arg(long, env = "SLUICE_LISTEN", default_value = "127.0.0.1:8080")]
    pub listen: SocketAddr,
    #[command(flatten)]
    pub db: DbArgs,
    /// How logs are written on stdout: lines for people, or JSON objects for a log
    /// collector. Levels come from `RUST_LOG` (default `info`).
    #[arg(long, env = "SLUICE_LOG_FORMAT", value_enum, default_value = "text")]
    pub log_format: LogFormat,
    /// Tasks the workflow engine runs at once, at most (default: 8 per core). Actions
    /// ready beyond it wait for a slot, highest `sluice.priority` first.
    #[arg(long, env = "SLUICE_SLOTS", value_parser = clap::value_parser!(u32).range(1..=100_000))]
    pub slots: Option<u32>,
    /// This server's name among replicas on one PostgreSQL database (default `host:port`).
    /// A server that restarts under the same name takes its own work back at once; others
    /// take it once its lease runs out.
    #[arg(long, env = "SLUICE_SERVER_ID")]
    pub server_id: Option<String>,
    /// This server's address as its users reach it (behind a proxy, say), for the links
    /// in alerts. Default: `http://` and the listening address.
    #[arg(long, env = "SLUICE_PUBLIC_URL")]
    pub public_url: Option<String>,
    /// How often the alert loop looks for ended and overrunning runs, in milliseconds.
    #[arg(long, env = "SLUICE_ALERT_POLL_MS", default_value_t = 5000, hide = true,
          value_parser = clap::value_parser!(u64).range(50..=600_000))]
    pub alert_poll_ms: u64,
    /// The wait before an alert's second try, in milliseconds; later waits double.
    #[arg(long, env = "SLUICE_ALERT_RETRY_MS", default_value_t = 5000, hide = true,
          value_parser = clap::value_parser!(u64).range(10..=600_000))]
    pub alert_retry_ms: u64,
    #[command(flatten)]
    pub exec: ExecArgs,
    /// A TOML file with any of `listen`, `data_dir`, `database_url`, `log_format`, `slots`,
    /// `smtp_url`, `smtp_from`, and a `[templates]` table (action type = command). Flags
    /// and `SLUICE_*` variables win over it; it wins over the defaults.
    #[arg(long, env = "SLUICE_CONFIG")]
    pub config: Option<PathBuf>,
}

/// What tasks may use on this machine: command templates for cluster actions, an SMTP
/// server for email actions. Shared by `serve` and `run`.
#[derive(Debug, Clone, Default, Args)]
pub struct ExecArgs {
    /// How to run an action type that needs a cluster (spark, hive, hive2, pig, sqoop,
    /// map-reduce, distcp, ssh, git): `TYPE=COMMAND`, a `sh -c` command line that gets the
    /// action's `arg`s as `"$@"` and its other fields as `SLUICE_<FIELD>` variables, e.g.
    /// `spark=spark-submit --master "$SLUICE_MASTER" --name "$SLUICE_NAME" $SLUICE_SPARK_OPTS
    /// "$SLUICE_JAR" "$@"` (repeatable). Without one, workflows using the type are
    /// export-only here.
    #[arg(long = "action-template", value_name = "TYPE=COMMAND")]
    pub templates: Vec<String>,
    /// The SMTP server email actions send through: `smtp://host:25` (plain),
    /// `smtp://user:password@host:587?tls=required` (STARTTLS) or `smtps://host:465`.
    /// Prefer the environment variable when it holds a password.
    #[arg(
        long,
        env = "SLUICE_SMTP_URL",
        hide_env_values = true,
        requires = "smtp_from"
    )]
    pub smtp_url: Option<String>,
    /// The sender of email actions: `Sluice <sluice@example.com>`.
    #[arg(long, env = "SLUICE_SMTP_FROM")]
    pub smtp_from: Option<String>,
    /// The interpreter Python tasks run with: a name on the PATH or a path (a virtual
    /// environment's `bin/python`, say).
    #[arg(long, env = "SLUICE_PYTHON", default_value = "python3")]
    pub python: String,
}

/// The longest command template: a command line, not a script (ship scripts as `<file>`s).
const MAX_TEMPLATE_BYTES: usize = 8 * 1024;

impl ExecArgs {
    /// The executors' configuration, checked: each template names an action type that
    /// needs one, and the SMTP settings parse.
    pub fn exec_config(
        &self,
        runs_dir: PathBuf,
    ) -> anyhow::Result<crate::engine::exec::ExecConfig> {
        use crate::engine::task::NATIVE;
        let mut config = crate::engine::exec::ExecConfig::new(runs_dir);
        for entry in &self.templates {
            let Some((kind, command)) = entry.split_once('=') else {
                anyhow::bail!("--action-template {entry}: expected TYPE=COMMAND");
            };
            let kind = kind.trim();
            anyhow::ensure!(
                shared::workflow::action::spec(kind).is_some(),
                "--action-template: '{kind}' is not an Oozie action type"
            );
            anyhow::ensure!(
                !NATIVE.contains(&kind),
                "--action-template: {kind} actions run on this server without one"
            );
            anyhow::ensure!(
                !command.trim().is_empty(),
                "--action-template {kind}: the command is empty"
            );
            anyhow::ensure!(
                command.len() <= MAX_TEMPLATE_BYTES,
                "--action-template {kind}: over {MAX_TEMPLATE_BYTES} bytes"
            );
            config
                .capabilities
                .templates
                .insert(kind.to_owned(), command.trim().to_owned());
        }
        anyhow::ensure!(
            !self.python.trim().is_empty(),
            "--python: the interpreter is empty"
        );
        config.python = self.python.trim().to_owned();
        if let (Some(url), Some(from)) = (&self.smtp_url, &self.smtp_from) {
            config.mailer =
                Some(crate::engine::mail::Mailer::new(url, from).map_err(|e| anyhow::anyhow!(e))?);
        }
        Ok(config)
    }
}

/// Where the data is: shared by `serve` and the commands that work on its database.
#[derive(Debug, Clone, Args)]
pub struct DbArgs {
    /// Where the embedded SQLite database lives; created if missing.
    #[arg(
        long,
        env = "SLUICE_DATA_DIR",
        default_value = "./sluice-data",
        global = true
    )]
    pub data_dir: PathBuf,
    /// A PostgreSQL database instead of the embedded SQLite, for several replicas:
    /// `postgres://user:password@host:5432/db`. Migrations are applied at start.
    #[arg(long, env = "SLUICE_DATABASE_URL", value_parser = postgres_url, global = true)]
    pub database_url: Option<String>,
}

/// The configuration file's keys (unknown keys are an error, not silently ignored).
#[derive(Debug, Default, serde::Deserialize)]
#[serde(deny_unknown_fields)]
struct FileConfig {
    slots: Option<u32>,
    listen: Option<SocketAddr>,
    data_dir: Option<PathBuf>,
    database_url: Option<String>,
    log_format: Option<LogFormat>,
    smtp_url: Option<String>,
    smtp_from: Option<String>,
    #[serde(default)]
    templates: std::collections::BTreeMap<String, String>,
}

/// A configuration file is small; anything larger is not one.
const MAX_CONFIG_BYTES: u64 = 64 * 1024;

impl ServeArgs {
    /// Fills in, from `--config`, what neither a flag nor an environment variable set.
    pub fn apply_config_file(&mut self, matches: &clap::ArgMatches) -> anyhow::Result<()> {
        use anyhow::Context;
        use clap::parser::ValueSource;
        let Some(path) = &self.config else {
            return Ok(());
        };
        let shown = path.display();
        let size = std::fs::metadata(path)
            .with_context(|| format!("cannot read the configuration file {shown}"))?
            .len();
        anyhow::ensure!(
            size <= MAX_CONFIG_BYTES,
            "{shown}: larger than {MAX_CONFIG_BYTES} bytes"
        );
        let text = std::fs::read_to_string(path)
            .with_context(|| format!("cannot read the configuration file {shown}"))?;
        let file: FileConfig = toml::from_str(&text).with_context(|| format!("{shown}"))?;
        let defaulted = |id: &str| {
            matches.value_source(id) != Some(ValueSource::CommandLine)
                && matches.value_source(id) != Some(ValueSource::EnvVariable)
        };
        if let Some(v) = file.listen.filter(|_| defaulted("listen")) {
            self.listen = v;
        }
        if let Some(v) = file.data_dir.filter(|_| defaulted("data_dir")) {
            self.db.data_dir = v;
        }
        if let Some(v) = file.database_url.filter(|_| defaulted("database_url")) {
            self.db.database_url =
                Some(postgres_url(&v).map_err(|e| anyhow::anyhow!("{shown}: database_url: {e}"))?);
        }
        if let Some(v) = file.slots.filter(|_| defaulted("slots")) {
            anyhow::ensure!(v >= 1, "{shown}: slots: at least 1");
            self.slots = Some(v);
        }
        if let Some(v) = file.log_format.filter(|_| defaulted("log_format")) {
            self.log_format = v;
        }
        if let Some(v) = file.smtp_url.filter(|_| defaulted("smtp_url")) {
            self.exec.smtp_url = Some(v);
        }
        if let Some(v) = file.smtp_from.filter(|_| defaulted("smtp_from")) {
            self.exec.smtp_from = Some(v);
        }
        anyhow::ensure!(
            self.exec.smtp_url.is_none() || self.exec.smtp_from.is_some(),
            "{shown}: smtp_url needs smtp_from, the sender of email actions"
        );
        // Templates given as flags win, type by type.
        let mut templates: Vec<String> = file
            .templates
            .into_iter()
            .filter(|(kind, _)| {
                !self
                    .exec
                    .templates
                    .iter()
                    .any(|t| t.split_once('=').is_some_and(|(k, _)| k.trim() == kind))
            })
            .map(|(kind, command)| format!("{kind}={command}"))
            .collect();
        templates.append(&mut self.exec.templates);
        self.exec.templates = templates;
        Ok(())
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum, serde::Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum LogFormat {
    Text,
    Json,
}

fn postgres_url(s: &str) -> Result<String, String> {
    if s.starts_with("postgres://") || s.starts_with("postgresql://") {
        Ok(s.to_owned())
    } else {
        Err("expected a postgres:// URL (SQLite needs none: see --data-dir)".to_owned())
    }
}

#[cfg(test)]
mod tests {
    use clap::{CommandFactory, FromArgMatches};

    use super::*;

    #[test]
    fn templates_of_the_file_give_way_to_flags_type_by_type() {
        let dir = tempfile::tempdir().unwrap();
        let file = dir.path().join("sluice.toml");
        std::fs::write(
            &file,
            "[templates]\nspark = \"from-file\"\nhive = \"hive -f x\"\n",
        )
        .unwrap();
        let matches = Cli::command()
            .try_get_matches_from([
                "sluice",
                "serve",
                "--config",
                file.to_str().unwrap(),
                "--action-template",
                "spark = spark-submit \"$@\"",
            ])
            .unwrap();
        let mut cli = Cli::from_arg_matches(&matches).unwrap();
        let Command::Serve(args) = &mut cli.command else {
            panic!("serve")
        };
        args.apply_config_file(matches.subcommand_matches("serve").unwrap())
            .unwrap();
        let exec = args.exec.exec_config(PathBuf::new()).unwrap();
        assert_eq!(
            exec.capabilities.templates,
            [
                ("hive".to_owned(), "hive -f x".to_owned()),
                ("spark".to_owned(), "spark-submit \"$@\"".to_owned()),
            ]
            .into()
        );
        assert!(exec.mailer.is_none());
    }
}
