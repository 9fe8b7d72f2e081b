//! Persistence behind one trait, so the service layer does not know which database it uses.
//! SQLite is the embedded default; PostgreSQL (for several replicas) implements the same
//! trait and passes the same contract tests.

mod postgres;
mod sql;
mod sql_impl;
mod sqlite;

pub use postgres::PgStore;
pub use sqlite::SqliteStore;

use async_trait::async_trait;
use serde::Serialize;
use serde::de::DeserializeOwned;
use shared::api::Role;
use shared::coord::Coordinator;
use shared::workflow::Workflow;

use sql_impl::sql_store;

#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    #[error("not found")]
    NotFound,
    /// A uniqueness rule or an optimistic-concurrency check failed.
    #[error("{0}")]
    Conflict(String),
    #[error("database error: {0}")]
    Database(#[from] sqlx::Error),
    #[error("stored definition is unreadable: {0}")]
    Corrupt(#[from] serde_json::Error),
    #[error("stored row is unreadable: {0}")]
    BadRow(String),
}

/// The kinds of definition Sluice keeps, each with its own name space and versions.
pub use shared::api::DefinitionKind as Kind;

/// A definition the store versions. The store keeps it as JSON, with its name (unique per
/// kind) and its size beside it for lists.
pub trait Definition: Serialize + DeserializeOwned + Send + Sync + 'static {
    const KIND: Kind;
    fn name(&self) -> &str;
    /// What a list shows of its size: a workflow's nodes, a coordinator's data events.
    fn size(&self) -> usize;
}

impl Definition for Workflow {
    const KIND: Kind = Kind::Workflow;
    fn name(&self) -> &str {
        &self.name
    }
    fn size(&self) -> usize {
        self.nodes.len()
    }
}

impl Definition for Coordinator {
    const KIND: Kind = Kind::Coordinator;
    fn name(&self) -> &str {
        &self.name
    }
    fn size(&self) -> usize {
        self.inputs.len() + self.outputs.len()
    }
}

/// A definition as stored: `T` is the model, or its JSON text inside the store. Times are
/// milliseconds since the Unix epoch, UTC.
#[derive(Debug, Clone, PartialEq)]
pub struct Stored<T> {
    pub id: i64,
    /// The newest version's number.
    pub revision: i64,
    pub updated_at_ms: i64,
    pub definition: T,
    /// The version the scheduler uses, once one is published.
    pub published_version: Option<i64>,
}

pub type StoredWorkflow = Stored<Workflow>;

impl Stored<String> {
    fn parse<T: Definition>(self) -> Result<Stored<T>, StoreError> {
        Ok(Stored {
            id: self.id,
            revision: self.revision,
            updated_at_ms: self.updated_at_ms,
            definition: serde_json::from_str(&self.definition)?,
            published_version: self.published_version,
        })
    }
}

/// A definition to write, already serialized.
#[derive(Debug, Clone, Copy)]
pub struct DefinitionRow<'a> {
    pub name: &'a str,
    pub json: &'a str,
    pub size: i64,
}

/// Who saves, why, and when: every save becomes an immutable version carrying these.
#[derive(Debug, Clone, Copy)]
pub struct Save<'a> {
    pub author: Option<&'a str>,
    pub comment: &'a str,
    pub now_ms: i64,
}

/// One saved version, without its definition (for lists).
#[derive(Debug, Clone, PartialEq)]
pub struct VersionInfo {
    pub version: i64,
    pub size: i64,
    pub author: Option<String>,
    pub comment: String,
    pub created_at_ms: i64,
}

#[derive(Debug, Clone, PartialEq)]
pub struct ListItem {
    pub id: i64,
    pub name: String,
    pub size: i64,
    pub revision: i64,
    pub updated_at_ms: i64,
    pub published_version: Option<i64>,
}

/// Which page of a list: names containing `name_contains` (case-insensitively, ASCII),
/// most recently changed first.
#[derive(Debug, Clone, Default)]
pub struct ListQuery {
    pub name_contains: Option<String>,
    pub limit: i64,
    pub offset: i64,
}

impl ListQuery {
    /// The `LIKE` pattern for the name filter, with the pattern's own characters escaped.
    fn pattern(&self) -> Option<String> {
        let needle = self.name_contains.as_deref()?.to_ascii_lowercase();
        let mut pattern = String::with_capacity(needle.len() + 2);
        pattern.push('%');
        for c in needle.chars() {
            if matches!(c, '%' | '_' | '\\') {
                pattern.push('\\');
            }
            pattern.push(c);
        }
        pattern.push('%');
        Some(pattern)
    }
}

/// A page of a list, and how many items match in all.
#[derive(Debug, Clone, PartialEq)]
pub struct Page {
    pub items: Vec<ListItem>,
    pub total: i64,
}

/// A user as stored, with the password's argon2 PHC string.
#[derive(Debug, Clone, PartialEq)]
pub struct UserRow {
    pub id: i64,
    pub name: String,
    pub password_hash: String,
    pub role: Role,
    pub must_change_password: bool,
    pub created_at_ms: i64,
}

/// A user to create.
#[derive(Debug, Clone, Copy)]
pub struct NewUserRow<'a> {
    pub name: &'a str,
    pub password_hash: &'a str,
    pub role: Role,
    pub must_change_password: bool,
    pub now_ms: i64,
}

/// What to change of a user; `None` keeps it. A new password ends the user's sessions,
/// except `keep_session` (the one that changed it).
#[derive(Debug, Clone, Copy, Default)]
pub struct UserChange<'a> {
    pub password_hash: Option<&'a str>,
    pub role: Option<Role>,
    pub must_change_password: Option<bool>,
    pub keep_session: Option<&'a str>,
}

/// An API token as stored (its secret's digest stays in the database).
#[derive(Debug, Clone, PartialEq)]
pub struct TokenRow {
    pub id: i64,
    pub name: String,
    pub owner: String,
    pub role: Role,
    pub created_at_ms: i64,
    pub revoked_at_ms: Option<i64>,
}

/// One audit record to append.
#[derive(Debug, Clone, Copy)]
pub struct AuditRecord<'a> {
    pub at_ms: i64,
    pub actor: Option<&'a str>,
    pub via: &'a str,
    pub action: &'a str,
    pub target: &'a str,
    pub status: u16,
    pub remote: Option<&'a str>,
}

/// One audit record as stored.
#[derive(Debug, Clone, PartialEq)]
pub struct AuditRow {
    pub id: i64,
    pub at_ms: i64,
    pub actor: Option<String>,
    pub via: String,
    pub action: String,
    pub target: String,
    pub status: i64,
    pub remote: Option<String>,
}

/// Which table of named settings with a sealed secret.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Sealed {
    /// Alert channels (webhook, email).
    Channels,
    /// Datasources of SQL tasks (postgres, sqlite).
    Datasources,
}

impl Sealed {
    pub fn what(self) -> &'static str {
        match self {
            Sealed::Channels => "channel",
            Sealed::Datasources => "datasource",
        }
    }

    /// What a message calls one.
    pub fn noun(self) -> &'static str {
        match self {
            Sealed::Channels => "alert channel",
            Sealed::Datasources => "datasource",
        }
    }
}

/// An alert channel or a datasource as stored: its settings as JSON, its credentials
/// sealed with the server's key (never in the clear).
#[derive(Debug, Clone, PartialEq)]
pub struct SealedRow {
    pub id: i64,
    pub name: String,
    /// `webhook`, `email`, `postgres`, `sqlite`.
    pub kind: String,
    pub settings: String,
    pub secret: Option<String>,
    pub created_at_ms: i64,
    pub updated_at_ms: i64,
}

/// An instance a Dependent task looks at.
#[derive(Debug, Clone, PartialEq)]
pub struct PeriodRun {
    pub id: i64,
    pub status: String,
    pub time_ms: i64,
}

/// One try of one alert's delivery.
#[derive(Debug, Clone, PartialEq)]
pub struct DeliveryRow {
    pub id: i64,
    pub channel_id: i64,
    /// The channel's name (on reading).
    pub channel: String,
    /// The alert, as JSON.
    pub alert: String,
    pub attempt: i64,
    pub status: Option<i64>,
    pub detail: String,
    pub delivered: bool,
    pub at_ms: i64,
}

/// An alert group: a named set of channels (their ids, a JSON array).
#[derive(Debug, Clone, PartialEq)]
pub struct GroupRow {
    pub id: i64,
    pub name: String,
    pub channels: String,
    pub created_at_ms: i64,
    pub updated_at_ms: i64,
}

/// A notification policy (`workflow:7`, `coordinator:3`), its settings as JSON.
#[derive(Debug, Clone, PartialEq)]
pub struct PolicyRow {
    pub target: String,
    pub settings: String,
    pub updated_by: String,
    pub updated_at_ms: i64,
}

/// A top-level instance the alert loop looks at: one that ended lately or is running.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct AlertSubject {
    pub id: i64,
    pub workflow_id: Option<i64>,
    pub name: String,
    pub status: String,
    pub run: i64,
    /// The coordinator (definition) whose job started it, its job and action number.
    pub coordinator_id: Option<i64>,
    pub coord_job_id: Option<i64>,
    pub coord_action: Option<i64>,
    /// The coordinator action's nominal time.
    pub nominal_ms: Option<i64>,
    pub created_at_ms: i64,
    pub started_at_ms: Option<i64>,
    pub ended_at_ms: Option<i64>,
    pub error_code: Option<String>,
    pub error_message: Option<String>,
    pub last_error_node: Option<String>,
}

/// A task running now, in a top-level instance.
#[derive(Debug, Clone, PartialEq)]
pub struct RunningTask {
    pub instance_id: i64,
    pub node: String,
    pub attempts: i64,
    pub started_at_ms: i64,
}

/// A workflow instance as stored. The definition and properties are JSON; the engine
/// turns the row into its own state (`engine::persist`).
#[derive(Debug, Clone, PartialEq, Default)]
pub struct InstanceRow {
    pub id: i64,
    pub workflow_id: Option<i64>,
    pub workflow_version: Option<i64>,
    pub name: String,
    pub definition: String,
    pub conf: String,
    pub created_by: String,
    pub status: String,
    pub run: i64,
    pub parent_id: Option<i64>,
    pub parent_node: Option<String>,
    pub priority: i64,
    pub error_code: Option<String>,
    pub error_message: Option<String>,
    pub last_error_node: Option<String>,
    pub kill_pending: Option<String>,
    pub created_at_ms: i64,
    pub started_at_ms: Option<i64>,
    pub ended_at_ms: Option<i64>,
    pub updated_at_ms: i64,
    /// The coordinator action it runs: job, action number and try (set at creation).
    pub coord: Option<(i64, i64, i64)>,
}

/// One node of an instance, once reached.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct NodeRow {
    pub instance_id: i64,
    pub node: String,
    pub status: String,
    pub attempts: i64,
    pub arrivals: i64,
    pub transition: Option<String>,
    pub exit_code: Option<i64>,
    pub error_code: Option<String>,
    pub error_message: Option<String>,
    /// capture-output, a JSON object.
    pub data: Option<String>,
    pub external_id: Option<String>,
    pub ready_at_ms: Option<i64>,
    pub started_at_ms: Option<i64>,
    pub ended_at_ms: Option<i64>,
    pub retry_at_ms: Option<i64>,
    pub seq: Option<i64>,
    /// `replay`, `succeeded` or `skipped`: how it got its status without running.
    pub mark: Option<String>,
}

/// An instance in a list (without its definition).
#[derive(Debug, Clone, PartialEq)]
pub struct InstanceItem {
    pub id: i64,
    pub workflow_id: Option<i64>,
    pub workflow_version: Option<i64>,
    pub name: String,
    pub status: String,
    pub run: i64,
    pub created_by: String,
    pub created_at_ms: i64,
    pub started_at_ms: Option<i64>,
    pub ended_at_ms: Option<i64>,
    pub error_code: Option<String>,
    pub error_message: Option<String>,
}

/// A coordinator job as stored: its definition (JSON) and where its schedule stands.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct CoordJobRow {
    pub id: i64,
    pub coordinator_id: Option<i64>,
    pub coordinator_version: Option<i64>,
    pub name: String,
    pub definition: String,
    pub included: String,
    pub conf: String,
    pub created_by: String,
    pub status: String,
    pub last_action_number: i64,
    pub next_materialized_ms: Option<i64>,
    pub end_ms: i64,
    pub pause_ms: Option<i64>,
    pub concurrency: i64,
    pub error_code: Option<String>,
    pub error_message: Option<String>,
    pub created_at_ms: i64,
    pub updated_at_ms: i64,
    /// `schedule` or `backfill`; fixed at submission.
    pub kind: String,
    /// A backfill's slots.
    pub planned: Option<i64>,
}

/// The work a server holds a lease on: coordinator jobs and workflow instances not ended.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Owned {
    pub coord_jobs: Vec<i64>,
    pub instances: Vec<i64>,
}

/// The actions of one job in one status.
#[derive(Debug, Clone, PartialEq)]
pub struct ActionTally {
    pub job_id: i64,
    pub status: String,
    pub count: i64,
    pub last_nominal_ms: i64,
}

/// One action of a coordinator job.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct CoordActionRow {
    pub job_id: i64,
    pub number: i64,
    pub nominal_ms: i64,
    pub created_ms: i64,
    pub status: String,
    pub inputs: String,
    pub outputs: String,
    pub configuration: String,
    pub missing: Option<String>,
    pub instance_id: Option<i64>,
    pub rerun_failed: bool,
    pub tries: i64,
    pub error_code: Option<String>,
    pub error_message: Option<String>,
    pub updated_ms: i64,
}

/// Which coordinator jobs to list, newest first.
#[derive(Debug, Clone, Default)]
pub struct CoordJobQuery {
    pub coordinator_id: Option<i64>,
    pub status: Option<String>,
    /// Created at or after, in ms.
    pub since: Option<i64>,
    /// Created before, in ms.
    pub until: Option<i64>,
    pub limit: i64,
    pub offset: i64,
}

/// Which instances to list, newest first.
#[derive(Debug, Clone, Default)]
pub struct InstanceQuery {
    pub workflow_id: Option<i64>,
    pub status: Option<String>,
    /// Created at or after, in ms.
    pub since: Option<i64>,
    /// Created before, in ms.
    pub until: Option<i64>,
    pub limit: i64,
    pub offset: i64,
}

#[async_trait]
pub trait Store: Send + Sync + 'static {
    /// Answers when the database does (for `/readyz`).
    async fn ping(&self) -> Result<(), StoreError>;

    /// Waits for running statements, then closes every connection (SQLite checkpoints its
    /// WAL into the database file). Later calls fail.
    async fn close(&self);

    /// A page of the definitions of one kind.
    async fn list_definitions(&self, kind: Kind, query: &ListQuery) -> Result<Page, StoreError>;

    /// Creates the definition and its version 1. Fails with [`StoreError::Conflict`] when
    /// the name is taken.
    async fn create_definition(
        &self,
        kind: Kind,
        row: DefinitionRow<'_>,
        save: Save<'_>,
    ) -> Result<Stored<String>, StoreError>;

    async fn get_definition(&self, kind: Kind, id: i64) -> Result<Stored<String>, StoreError>;

    async fn find_definition(&self, kind: Kind, name: &str) -> Result<Stored<String>, StoreError>;

    /// Saves a new version (the revision goes up by one), atomically. With
    /// `expected_revision`, fails with [`StoreError::Conflict`] when someone else saved
    /// since that revision was read.
    async fn update_definition(
        &self,
        kind: Kind,
        id: i64,
        expected_revision: Option<i64>,
        row: DefinitionRow<'_>,
        save: Save<'_>,
    ) -> Result<Stored<String>, StoreError>;

    /// The versions of a definition, newest first.
    async fn list_versions(&self, kind: Kind, id: i64) -> Result<Vec<VersionInfo>, StoreError>;

    /// One version with its definition's JSON.
    async fn get_version(
        &self,
        kind: Kind,
        id: i64,
        version: i64,
    ) -> Result<(VersionInfo, String), StoreError>;

    /// Makes `version` the one the scheduler uses.
    async fn publish(&self, kind: Kind, id: i64, version: i64) -> Result<(), StoreError>;

    /// Fails with [`StoreError::Conflict`] when the name is taken.
    async fn create_user(&self, user: NewUserRow<'_>) -> Result<UserRow, StoreError>;

    /// Creates the user only if there is no user at all; says whether it did.
    async fn create_first_user(&self, user: NewUserRow<'_>) -> Result<bool, StoreError>;

    async fn find_user(&self, name: &str) -> Result<UserRow, StoreError>;

    /// All users, by name.
    async fn list_users(&self) -> Result<Vec<UserRow>, StoreError>;

    /// Fails with [`StoreError::Conflict`] when it would leave no admin.
    async fn update_user(&self, name: &str, change: UserChange<'_>) -> Result<UserRow, StoreError>;

    /// Removes the user with their sessions and tokens. Fails with
    /// [`StoreError::Conflict`] for the last admin.
    async fn delete_user(&self, name: &str) -> Result<(), StoreError>;

    async fn create_session(
        &self,
        token_hash: &str,
        user_id: i64,
        now_ms: i64,
        expires_at_ms: i64,
    ) -> Result<(), StoreError>;

    /// The user of an unexpired session, and when it expires.
    async fn session_user(
        &self,
        token_hash: &str,
        now_ms: i64,
    ) -> Result<Option<(UserRow, i64)>, StoreError>;

    async fn extend_session(&self, token_hash: &str, expires_at_ms: i64) -> Result<(), StoreError>;

    async fn delete_session(&self, token_hash: &str) -> Result<(), StoreError>;

    async fn delete_expired_sessions(&self, now_ms: i64) -> Result<(), StoreError>;

    async fn create_token(
        &self,
        user_id: i64,
        name: &str,
        token_hash: &str,
        role: Role,
        now_ms: i64,
    ) -> Result<TokenRow, StoreError>;

    /// Tokens of one user, or everyone's with `None`, oldest first.
    async fn list_tokens(&self, user_id: Option<i64>) -> Result<Vec<TokenRow>, StoreError>;

    /// Revokes a token (of `user_id` only, when given); [`StoreError::NotFound`] otherwise.
    async fn revoke_token(
        &self,
        id: i64,
        user_id: Option<i64>,
        now_ms: i64,
    ) -> Result<TokenRow, StoreError>;

    /// The owner and the token of an unrevoked token digest.
    async fn token_user(&self, token_hash: &str)
    -> Result<Option<(UserRow, TokenRow)>, StoreError>;

    async fn append_audit(&self, record: AuditRecord<'_>) -> Result<(), StoreError>;

    /// A new channel or datasource (its name is unique in its table); its id.
    async fn create_sealed(&self, table: Sealed, row: &SealedRow) -> Result<i64, StoreError>;
    /// Name and settings as given; the sealed credentials only when `secret` is given.
    async fn update_sealed(&self, table: Sealed, row: &SealedRow) -> Result<(), StoreError>;
    /// A channel goes with its delivery log. `NotFound` if there is none.
    async fn delete_sealed(&self, table: Sealed, id: i64) -> Result<(), StoreError>;
    /// By name.
    async fn list_sealed(&self, table: Sealed) -> Result<Vec<SealedRow>, StoreError>;
    async fn get_sealed(&self, table: Sealed, id: i64) -> Result<Option<SealedRow>, StoreError>;
    /// Appends one try (`id` and `channel` are not read).
    async fn append_delivery(&self, delivery: &DeliveryRow) -> Result<(), StoreError>;
    /// The newest `limit` tries, of one channel or of all.
    async fn list_deliveries(
        &self,
        channel_id: Option<i64>,
        limit: i64,
    ) -> Result<Vec<DeliveryRow>, StoreError>;

    /// A new alert group (its name is unique); its id.
    async fn create_group(&self, group: &GroupRow) -> Result<i64, StoreError>;
    async fn update_group(&self, group: &GroupRow) -> Result<(), StoreError>;
    async fn delete_group(&self, id: i64) -> Result<(), StoreError>;
    /// By name.
    async fn list_groups(&self) -> Result<Vec<GroupRow>, StoreError>;
    async fn get_group(&self, id: i64) -> Result<Option<GroupRow>, StoreError>;

    async fn get_policy(&self, target: &str) -> Result<Option<PolicyRow>, StoreError>;
    /// Creates or replaces the policy of `policy.target`.
    async fn put_policy(&self, policy: &PolicyRow) -> Result<(), StoreError>;
    async fn list_policies(&self) -> Result<Vec<PolicyRow>, StoreError>;
    /// Records that the alert `key` is being sent: true for the one caller whose claim
    /// lands, false for every later one (another replica, a restart).
    async fn claim_alert(&self, key: &str, at_ms: i64) -> Result<bool, StoreError>;
    /// Top-level instances that ended at or after `ended_since_ms`, and those running,
    /// oldest first, at most `limit`.
    async fn alert_subjects(
        &self,
        ended_since_ms: i64,
        limit: i64,
    ) -> Result<Vec<AlertSubject>, StoreError>;
    /// Tasks running now in top-level instances, at most `limit`.
    async fn running_tasks(&self, limit: i64) -> Result<Vec<RunningTask>, StoreError>;

    /// The time an instance stands for: its coordinator action's nominal time, else when
    /// it was created (a Dependent task's reference). `NotFound` if there is none.
    async fn instance_time(&self, id: i64) -> Result<i64, StoreError>;
    /// Top-level instances of the stored workflow `name` whose time (as
    /// [`Store::instance_time`]) is in `[from_ms, to_ms)`, newest first, at most 100;
    /// `None` when no workflow has that name.
    async fn period_runs(
        &self,
        workflow: &str,
        from_ms: i64,
        to_ms: i64,
    ) -> Result<Option<Vec<PeriodRun>>, StoreError>;

    /// Stores a new instance (its `id` is ignored) and gives its id.
    async fn create_instance(&self, row: &InstanceRow) -> Result<i64, StoreError>;

    /// Writes what the engine changed, all in one transaction: instance rows (their
    /// changing columns) and node rows (inserted or replaced).
    async fn write_run(
        &self,
        instances: &[InstanceRow],
        nodes: &[NodeRow],
    ) -> Result<(), StoreError>;

    /// Starts an ended instance again (a rerun), in one transaction: its row (with new
    /// properties, definition and version) and all its node rows replaced by `nodes`.
    async fn restart_instance(
        &self,
        row: &InstanceRow,
        nodes: &[NodeRow],
    ) -> Result<(), StoreError>;

    /// Stores a new coordinator job (its `id` is ignored) and gives its id.
    async fn create_coord_job(&self, row: &CoordJobRow) -> Result<i64, StoreError>;

    /// Writes what the scheduler changed of one job, in one transaction: the job's row
    /// (what changes of it), its actions (new or changed), and actions taken back.
    async fn write_coord(
        &self,
        job: &CoordJobRow,
        actions: &[CoordActionRow],
        deleted: &[i64],
    ) -> Result<(), StoreError>;

    /// Every coordinator job not ended, with all its actions.
    /// Names the server that jobs and instances made from now on belong to (and that
    /// revives ended ones), and how long (ms) its claim holds before it must renew it.
    fn set_owner(&self, owner: &str, lease_ms: i64);

    /// One beat of `owner`'s lease, in one transaction: renews what it holds, takes free
    /// work (nobody's, or whose lease ran out before `now_ms`) family by family, and says
    /// everything it now holds.
    async fn heartbeat(&self, owner: &str, now_ms: i64, lease_ms: i64)
    -> Result<Owned, StoreError>;

    async fn active_coord_jobs(
        &self,
    ) -> Result<Vec<(CoordJobRow, Vec<CoordActionRow>)>, StoreError>;

    /// A job with its actions, oldest first.
    async fn get_coord_job(
        &self,
        id: i64,
    ) -> Result<(CoordJobRow, Vec<CoordActionRow>), StoreError>;

    /// A page of coordinator jobs and how many match in all.
    async fn list_coord_jobs(
        &self,
        query: &CoordJobQuery,
    ) -> Result<(Vec<CoordJobRow>, i64), StoreError>;

    /// How many actions of these jobs are in each status, and the newest nominal time of
    /// each (job, status).
    async fn coord_action_tally(&self, jobs: &[i64]) -> Result<Vec<ActionTally>, StoreError>;

    /// The workflow instance made for a coordinator action's try, if one was.
    async fn coord_instance(
        &self,
        job: i64,
        action: i64,
        try_: i64,
    ) -> Result<Option<i64>, StoreError>;

    /// Every instance the engine must hold after a start, with its nodes.
    async fn active_instances(&self) -> Result<Vec<(InstanceRow, Vec<NodeRow>)>, StoreError>;

    async fn get_instance(&self, id: i64) -> Result<(InstanceRow, Vec<NodeRow>), StoreError>;

    /// A page of instances and how many match in all.
    async fn list_instances(
        &self,
        query: &InstanceQuery,
    ) -> Result<(Vec<InstanceItem>, i64), StoreError>;

    /// Audit records newest first, below id `before` when given.
    async fn list_audit(
        &self,
        before: Option<i64>,
        limit: i64,
    ) -> Result<Vec<AuditRow>, StoreError>;

    /// The newest `limit` audit records whose target is `path` or lies under it.
    async fn list_audit_of(&self, path: &str, limit: i64) -> Result<Vec<AuditRow>, StoreError>;
}

/// The typed face of the definition methods: the trait stays object-safe (JSON text in
/// and out), callers get models.
impl dyn Store {
    pub async fn create<T: Definition>(
        &self,
        definition: &T,
        save: Save<'_>,
    ) -> Result<Stored<T>, StoreError> {
        let json = serde_json::to_string(definition)?;
        self.create_definition(T::KIND, row(definition, &json), save)
            .await?
            .parse()
    }

    pub async fn get<T: Definition>(&self, id: i64) -> Result<Stored<T>, StoreError> {
        self.get_definition(T::KIND, id).await?.parse()
    }

    pub async fn find<T: Definition>(&self, name: &str) -> Result<Stored<T>, StoreError> {
        self.find_definition(T::KIND, name).await?.parse()
    }

    pub async fn update<T: Definition>(
        &self,
        id: i64,
        expected_revision: Option<i64>,
        definition: &T,
        save: Save<'_>,
    ) -> Result<Stored<T>, StoreError> {
        let json = serde_json::to_string(definition)?;
        self.update_definition(T::KIND, id, expected_revision, row(definition, &json), save)
            .await?
            .parse()
    }

    pub async fn version<T: Definition>(
        &self,
        id: i64,
        version: i64,
    ) -> Result<(VersionInfo, T), StoreError> {
        let (info, json) = self.get_version(T::KIND, id, version).await?;
        Ok((info, serde_json::from_str(&json)?))
    }
}

fn row<'a, T: Definition>(definition: &'a T, json: &'a str) -> DefinitionRow<'a> {
    DefinitionRow {
        name: definition.name(),
        json,
        size: i64::try_from(definition.size()).unwrap_or(i64::MAX),
    }
}

/// A unique-name violation as the conflict it is.
fn name_taken(err: sqlx::Error, what: &str, name: &str) -> StoreError {
    match &err {
        sqlx::Error::Database(db) if db.is_unique_violation() => {
            StoreError::Conflict(format!("a {what} named '{name}' already exists"))
        }
        _ => StoreError::Database(err),
    }
}

fn stale_revision(kind: Kind, current: i64, expected: Option<i64>) -> StoreError {
    StoreError::Conflict(format!(
        "this {} was saved by someone else meanwhile (revision {current} is current, \
         this edit started from {})",
        kind.noun(),
        expected.unwrap_or_default()
    ))
}

fn last_admin(name: &str) -> StoreError {
    StoreError::Conflict(format!(
        "'{name}' is the last admin: make someone else an admin first"
    ))
}

fn role(text: &str) -> Result<Role, StoreError> {
    Role::parse(text).ok_or_else(|| StoreError::BadRow(format!("unknown role '{text}'")))
}
