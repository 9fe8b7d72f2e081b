//! The statements both stores run: written once in the SQL SQLite and PostgreSQL share
//! (`$n` parameters, `RETURNING`), so the two cannot drift apart.

/// The statements of one kind of versioned definition. Workflows and coordinators live in
/// tables of the same shape, so one template ([`definition_sql`]) writes both sets.
pub(super) struct DefinitionSql {
    pub list: &'static str,
    pub count: &'static str,
    pub create: &'static str,
    pub get: &'static str,
    pub find: &'static str,
    /// One statement: the revision check and the write cannot be split by another save.
    pub update: &'static str,
    pub insert_version: &'static str,
    pub list_versions: &'static str,
    pub get_version: &'static str,
    /// Only a version that exists can be published (the subquery is empty otherwise).
    pub publish: &'static str,
}

/// `$1` of `list` and `count` is a lower-case `LIKE` pattern (or NULL for all), `$2` and
/// `$3` the page's limit and offset.
macro_rules! definition_sql {
    ($table:literal, $versions:literal, $owner:literal) => {
        DefinitionSql {
            list: concat!(
                "SELECT id, name, size, revision, updated_at_ms, published_version FROM ",
                $table,
                " WHERE ($1 IS NULL OR lower(name) LIKE $1 ESCAPE '\\') \
                 ORDER BY updated_at_ms DESC, id DESC LIMIT $2 OFFSET $3"
            ),
            count: concat!(
                "SELECT COUNT(*) AS n FROM ",
                $table,
                " WHERE ($1 IS NULL OR lower(name) LIKE $1 ESCAPE '\\')"
            ),
            create: concat!(
                "INSERT INTO ",
                $table,
                " (name, definition, size, revision, created_at_ms, updated_at_ms) \
                 VALUES ($1, $2, $3, 1, $4, $4) \
                 RETURNING id, revision, updated_at_ms, definition, published_version"
            ),
            get: concat!(
                "SELECT id, revision, updated_at_ms, definition, published_version FROM ",
                $table,
                " WHERE id = $1"
            ),
            find: concat!(
                "SELECT id, revision, updated_at_ms, definition, published_version FROM ",
                $table,
                " WHERE name = $1"
            ),
            update: concat!(
                "UPDATE ",
                $table,
                " SET name = $3, definition = $4, size = $5, revision = revision + 1, \
                 updated_at_ms = $6 WHERE id = $1 AND ($2 IS NULL OR revision = $2) \
                 RETURNING id, revision, updated_at_ms, definition, published_version"
            ),
            insert_version: concat!(
                "INSERT INTO ",
                $versions,
                " (",
                $owner,
                ", version, definition, size, author, comment, created_at_ms) \
                 VALUES ($1, $2, $3, $4, $5, $6, $7)"
            ),
            list_versions: concat!(
                "SELECT version, size, author, comment, created_at_ms FROM ",
                $versions,
                " WHERE ",
                $owner,
                " = $1 ORDER BY version DESC"
            ),
            get_version: concat!(
                "SELECT version, size, author, comment, created_at_ms, definition FROM ",
                $versions,
                " WHERE ",
                $owner,
                " = $1 AND version = $2"
            ),
            publish: concat!(
                "UPDATE ",
                $table,
                " SET published_version = $2 WHERE id = $1 AND EXISTS (SELECT 1 FROM ",
                $versions,
                " WHERE ",
                $owner,
                " = $1 AND version = $2) RETURNING id"
            ),
        }
    };
}

pub(super) const WORKFLOWS: DefinitionSql =
    definition_sql!("workflows", "workflow_versions", "workflow_id");
pub(super) const COORDINATORS: DefinitionSql =
    definition_sql!("coordinators", "coordinator_versions", "coordinator_id");

pub(super) const CREATE_USER: &str = "INSERT INTO users \
     (name, password_hash, role, must_change_password, created_at_ms) \
     VALUES ($1, $2, $3, $4, $5) \
     RETURNING id, name, password_hash, role, must_change_password, created_at_ms";

/// Inserts only into an empty table: the first start's admin, once, even when several
/// replicas start together (the loser's insert finds a row, or hits the unique name).
pub(super) const CREATE_FIRST_USER: &str = "INSERT INTO users \
     (name, password_hash, role, must_change_password, created_at_ms) \
     SELECT $1, $2, $3, $4, $5 WHERE NOT EXISTS (SELECT 1 FROM users) \
     RETURNING id";

pub(super) const FIND_USER: &str = "SELECT id, name, password_hash, role, must_change_password, \
     created_at_ms FROM users WHERE name = $1";

pub(super) const LIST_USERS: &str = "SELECT id, name, password_hash, role, must_change_password, \
     created_at_ms FROM users ORDER BY name";

/// Each part changes only when given. Demoting the last admin is refused in the same
/// statement (no row comes back), so two admins demoting each other cannot both succeed
/// on SQLite, whose writers are serialized.
pub(super) const UPDATE_USER: &str = "UPDATE users SET \
     password_hash = COALESCE($2, password_hash), \
     role = COALESCE($3, role), \
     must_change_password = COALESCE($4, must_change_password) \
     WHERE name = $1 AND ($3 IS NULL OR $3 = 'admin' OR role <> 'admin' \
        OR (SELECT COUNT(*) FROM users WHERE role = 'admin') > 1) \
     RETURNING id, name, password_hash, role, must_change_password, created_at_ms";

pub(super) const DELETE_USER: &str = "DELETE FROM users WHERE name = $1 AND (role <> 'admin' \
     OR (SELECT COUNT(*) FROM users WHERE role = 'admin') > 1) RETURNING id";

pub(super) const USER_EXISTS: &str = "SELECT id FROM users WHERE name = $1";

/// All of a user's sessions but `$2` (NULL: all of them).
pub(super) const DELETE_USER_SESSIONS: &str =
    "DELETE FROM sessions WHERE user_id = $1 AND ($2 IS NULL OR token_hash <> $2)";

pub(super) const CREATE_SESSION: &str = "INSERT INTO sessions \
     (token_hash, user_id, created_at_ms, expires_at_ms) VALUES ($1, $2, $3, $4)";

pub(super) const SESSION_USER: &str = "SELECT u.id, u.name, u.password_hash, u.role, \
     u.must_change_password, u.created_at_ms, s.expires_at_ms \
     FROM sessions s JOIN users u ON u.id = s.user_id \
     WHERE s.token_hash = $1 AND s.expires_at_ms > $2";

pub(super) const EXTEND_SESSION: &str =
    "UPDATE sessions SET expires_at_ms = $2 WHERE token_hash = $1";

pub(super) const DELETE_SESSION: &str = "DELETE FROM sessions WHERE token_hash = $1";

pub(super) const DELETE_EXPIRED_SESSIONS: &str = "DELETE FROM sessions WHERE expires_at_ms <= $1";

pub(super) const CREATE_TOKEN: &str = "INSERT INTO api_tokens \
     (user_id, name, token_hash, role, created_at_ms) VALUES ($1, $2, $3, $4, $5) RETURNING id";

/// `$1` NULL lists everyone's.
pub(super) const LIST_TOKENS: &str = "SELECT t.id, t.name, t.role, t.created_at_ms, \
     t.revoked_at_ms, u.name AS owner FROM api_tokens t JOIN users u ON u.id = t.user_id \
     WHERE $1 IS NULL OR t.user_id = $1 ORDER BY t.id";

pub(super) const GET_TOKEN: &str = "SELECT t.id, t.name, t.role, t.created_at_ms, \
     t.revoked_at_ms, u.name AS owner FROM api_tokens t JOIN users u ON u.id = t.user_id \
     WHERE t.id = $1 AND ($2 IS NULL OR t.user_id = $2)";

/// Revoking twice keeps the first time.
pub(super) const REVOKE_TOKEN: &str = "UPDATE api_tokens \
     SET revoked_at_ms = COALESCE(revoked_at_ms, $3) \
     WHERE id = $1 AND ($2 IS NULL OR user_id = $2) RETURNING id";

pub(super) const TOKEN_USER: &str = "SELECT u.id, u.name, u.password_hash, u.role, \
     u.must_change_password, u.created_at_ms, \
     t.id AS token_id, t.name AS token_name, t.role AS token_role, \
     t.created_at_ms AS token_created_at_ms \
     FROM api_tokens t JOIN users u ON u.id = t.user_id \
     WHERE t.token_hash = $1 AND t.revoked_at_ms IS NULL";

pub(super) const APPEND_AUDIT: &str = "INSERT INTO audit_log \
     (at_ms, actor, via, action, target, status, remote) VALUES ($1, $2, $3, $4, $5, $6, $7)";

/// Newest first, a page at a time: `$1` is the id to go below (NULL: from the newest).
pub(super) const LIST_AUDIT: &str = "SELECT id, at_ms, actor, via, action, target, status, \
     remote FROM audit_log WHERE $1 IS NULL OR id < $1 ORDER BY id DESC LIMIT $2";

/// The audit records of one resource and what is under it (`$1` its path, `$2` the path
/// and `/%`), newest first.
pub(super) const LIST_AUDIT_OF: &str = "SELECT id, at_ms, actor, via, action, target, status, \
     remote FROM audit_log WHERE target = $1 OR target LIKE $2 ORDER BY id DESC LIMIT $3";

pub(super) const CREATE_INSTANCE: &str = "INSERT INTO instances \
     (workflow_id, workflow_version, name, definition, conf, created_by, status, run, \
      parent_id, parent_node, priority, created_at_ms, updated_at_ms, coord_job_id, \
      coord_action, coord_try, owner, lease_until_ms, family) \
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $12, $13, $14, $15, $16, $17, \
      COALESCE($18, (SELECT COALESCE(p.family, 'i:' || p.id) FROM instances p WHERE p.id = $9))) \
     RETURNING id";

/// What the engine changes of an instance; the rest is fixed at creation.
pub(super) const UPDATE_INSTANCE: &str = "UPDATE instances SET status = $2, run = $3, \
     error_code = $4, error_message = $5, last_error_node = $6, kill_pending = $7, \
     started_at_ms = $8, ended_at_ms = $9, updated_at_ms = $10 WHERE id = $1";

/// A rerun: the properties and definition may change with the run.
pub(super) const RESTART_INSTANCE: &str = "UPDATE instances SET status = $2, run = $3, \
     error_code = $4, error_message = $5, last_error_node = $6, kill_pending = $7, \
     started_at_ms = $8, ended_at_ms = $9, updated_at_ms = $10, conf = $11, definition = $12, \
     workflow_version = $13, owner = COALESCE($14, owner), \
     lease_until_ms = COALESCE($15, lease_until_ms) WHERE id = $1";

pub(super) const DELETE_INSTANCE_NODES: &str = "DELETE FROM instance_nodes WHERE instance_id = $1";

pub(super) const GET_INSTANCE: &str = "SELECT id, workflow_id, workflow_version, name, \
     definition, conf, created_by, status, run, parent_id, parent_node, priority, error_code, \
     error_message, last_error_node, kill_pending, created_at_ms, started_at_ms, ended_at_ms, \
     updated_at_ms, coord_job_id, coord_action, coord_try FROM instances WHERE id = $1";

/// Instances the engine must hold: not ended, or ended with a try whose end was never
/// recorded.
pub(super) const ACTIVE_INSTANCES: &str = "SELECT id, workflow_id, workflow_version, name, \
     definition, conf, created_by, status, run, parent_id, parent_node, priority, error_code, \
     error_message, last_error_node, kill_pending, created_at_ms, started_at_ms, ended_at_ms, \
     updated_at_ms, coord_job_id, coord_action, coord_try FROM instances WHERE status IN ('PREP', 'RUNNING', 'SUSPENDED') \
     OR id IN (SELECT instance_id FROM instance_nodes WHERE status = 'RUNNING') ORDER BY id";

pub(super) const NODE_COLUMNS: &str = "instance_id, node, status, attempts, arrivals, transition, \
     exit_code, error_code, error_message, data, external_id, ready_at_ms, started_at_ms, \
     ended_at_ms, retry_at_ms, seq, mark";

pub(super) const INSTANCE_NODES: &str = "SELECT instance_id, node, status, attempts, arrivals, \
     transition, exit_code, error_code, error_message, data, external_id, ready_at_ms, \
     started_at_ms, ended_at_ms, retry_at_ms, seq, mark FROM instance_nodes WHERE instance_id = $1 \
     ORDER BY seq IS NULL, seq, ready_at_ms, node";

/// The tail of the multi-row upsert of nodes (`INSERT INTO instance_nodes (NODE_COLUMNS)
/// VALUES …` comes first).
pub(super) const UPSERT_NODES_TAIL: &str = " ON CONFLICT (instance_id, node) DO UPDATE SET \
     status = excluded.status, attempts = excluded.attempts, arrivals = excluded.arrivals, \
     transition = excluded.transition, exit_code = excluded.exit_code, \
     error_code = excluded.error_code, error_message = excluded.error_message, \
     data = excluded.data, external_id = excluded.external_id, \
     ready_at_ms = excluded.ready_at_ms, started_at_ms = excluded.started_at_ms, \
     ended_at_ms = excluded.ended_at_ms, retry_at_ms = excluded.retry_at_ms, seq = excluded.seq, \
     mark = excluded.mark";

/// `$1` workflow (NULL: all), `$2` status (NULL: all), `$3`/`$4` limit and offset. Child
/// instances of sub-workflows are listed under their parents, not here.
pub(super) const LIST_INSTANCES: &str = "SELECT id, workflow_id, workflow_version, name, status, \
     run, created_by, created_at_ms, started_at_ms, ended_at_ms, error_code, error_message, \
     parent_id FROM instances WHERE ($1 IS NULL OR workflow_id = $1) \
     AND ($2 IS NULL OR status = $2) AND ($3 IS NULL OR created_at_ms >= $3) \
     AND ($4 IS NULL OR created_at_ms < $4) AND parent_id IS NULL \
     ORDER BY created_at_ms DESC, id DESC LIMIT $5 OFFSET $6";

pub(super) const COUNT_INSTANCES: &str = "SELECT COUNT(*) AS n FROM instances \
     WHERE ($1 IS NULL OR workflow_id = $1) AND ($2 IS NULL OR status = $2) \
     AND ($3 IS NULL OR created_at_ms >= $3) AND ($4 IS NULL OR created_at_ms < $4) \
     AND parent_id IS NULL";

/// The columns of a coordinator job, as a literal for `concat!`.
macro_rules! coord_job_columns {
    () => {
        "id, coordinator_id, coordinator_version, name, definition, included, conf, \
         created_by, status, last_action_number, next_materialized_ms, end_ms, pause_ms, \
         concurrency, error_code, error_message, created_at_ms, updated_at_ms, kind, planned"
    };
}

macro_rules! coord_action_columns {
    () => {
        "job_id, number, nominal_ms, created_ms, status, inputs, outputs, configuration, \
         missing, instance_id, rerun_failed, tries, error_code, error_message, updated_ms"
    };
}

pub(super) const CREATE_COORD_JOB: &str = "INSERT INTO coord_jobs (coordinator_id, \
     coordinator_version, name, definition, included, conf, created_by, status, \
     last_action_number, next_materialized_ms, end_ms, pause_ms, concurrency, created_at_ms, \
     updated_at_ms, kind, planned, owner, lease_until_ms) VALUES ($1, $2, $3, $4, $5, $6, $7, \
     $8, $9, $10, $11, $12, $13, $14, $14, $15, $16, $17, $18) RETURNING id";

/// What the scheduler changes of a job; the rest is fixed at submission.
pub(super) const UPDATE_COORD_JOB: &str = "UPDATE coord_jobs SET status = $2, \
     last_action_number = $3, next_materialized_ms = $4, end_ms = $5, pause_ms = $6, \
     concurrency = $7, error_code = $8, error_message = $9, updated_at_ms = $10, \
     owner = COALESCE($11, owner), lease_until_ms = COALESCE($12, lease_until_ms) WHERE id = $1";

// Leases (replicas on one PostgreSQL database). A job or an instance not ended belongs to
// the server named in `owner` until `lease_until_ms`; the owner renews it, and once it
// runs out any server may take the whole family.

macro_rules! active_instance {
    () => {
        "(status IN ('PREP', 'RUNNING', 'SUSPENDED') \
         OR id IN (SELECT instance_id FROM instance_nodes WHERE status = 'RUNNING'))"
    };
}

pub(super) const RENEW_COORD_JOBS: &str = "UPDATE coord_jobs SET lease_until_ms = $2 \
     WHERE owner = $1 AND status NOT IN ('SUCCEEDED', 'DONEWITHERROR', 'KILLED', 'FAILED', \
     'IGNORED')";

pub(super) const RENEW_INSTANCES: &str = concat!(
    "UPDATE instances SET lease_until_ms = $2 WHERE owner = $1 AND ",
    active_instance!()
);

/// Jobs free to take: nobody's, or their lease ran out. PostgreSQL adds `FOR UPDATE SKIP
/// LOCKED`, so two servers taking at once take different ones.
macro_rules! free_coord_jobs {
    () => {
        "SELECT id FROM coord_jobs WHERE status NOT IN \
         ('SUCCEEDED', 'DONEWITHERROR', 'KILLED', 'FAILED', 'IGNORED') AND (owner IS NULL \
         OR lease_until_ms IS NULL OR lease_until_ms < $1) ORDER BY id LIMIT 100"
    };
}

pub(super) const FREE_COORD_JOBS: [&str; 2] = [
    free_coord_jobs!(),
    concat!(free_coord_jobs!(), " FOR UPDATE SKIP LOCKED"),
];

pub(super) const TAKE_COORD_JOB: &str =
    "UPDATE coord_jobs SET owner = $1, lease_until_ms = $2 WHERE id = $3";

/// Families are taken by their head: a root instance no coordinator started (its
/// sub-workflows come with it); a coordinator's come with its job.
macro_rules! free_root_instances {
    () => {
        concat!(
            "SELECT id FROM instances WHERE family IS NULL AND parent_id IS NULL AND ",
            active_instance!(),
            " AND (owner IS NULL OR lease_until_ms IS NULL OR lease_until_ms < $1) \
             ORDER BY id LIMIT 200"
        )
    };
}

pub(super) const FREE_ROOT_INSTANCES: [&str; 2] = [
    free_root_instances!(),
    concat!(free_root_instances!(), " FOR UPDATE SKIP LOCKED"),
];

pub(super) const TAKE_FAMILY: &str =
    "UPDATE instances SET owner = $1, lease_until_ms = $2 WHERE id = $3 OR family = $4";

pub(super) const OWNED_COORD_JOBS: &str = "SELECT id FROM coord_jobs WHERE owner = $1 AND \
     status NOT IN ('SUCCEEDED', 'DONEWITHERROR', 'KILLED', 'FAILED', 'IGNORED') ORDER BY id";

pub(super) const OWNED_INSTANCES: &str = concat!(
    "SELECT id FROM instances WHERE owner = $1 AND ",
    active_instance!(),
    " ORDER BY id"
);

pub(super) const COORD_ACTION_COLUMNS: &str = coord_action_columns!();

pub(super) const UPSERT_COORD_ACTIONS_TAIL: &str = " ON CONFLICT (job_id, number) DO UPDATE SET \
     created_ms = excluded.created_ms, status = excluded.status, inputs = excluded.inputs, \
     outputs = excluded.outputs, configuration = excluded.configuration, \
     missing = excluded.missing, instance_id = excluded.instance_id, \
     rerun_failed = excluded.rerun_failed, tries = excluded.tries, \
     error_code = excluded.error_code, error_message = excluded.error_message, \
     updated_ms = excluded.updated_ms";

pub(super) const DELETE_COORD_ACTION: &str =
    "DELETE FROM coord_actions WHERE job_id = $1 AND number = $2";

pub(super) const GET_COORD_JOB: &str = concat!(
    "SELECT ",
    coord_job_columns!(),
    " FROM coord_jobs WHERE id = $1"
);

pub(super) const ACTIVE_COORD_JOBS: &str = concat!(
    "SELECT ",
    coord_job_columns!(),
    " FROM coord_jobs WHERE status NOT IN \
     ('SUCCEEDED', 'DONEWITHERROR', 'KILLED', 'FAILED', 'IGNORED') ORDER BY id"
);

pub(super) const COORD_ACTIONS: &str = concat!(
    "SELECT ",
    coord_action_columns!(),
    " FROM coord_actions WHERE job_id = $1 ORDER BY number"
);

/// `$1` coordinator (NULL: all), `$2` status (NULL: all), `$3`/`$4` limit and offset.
pub(super) const LIST_COORD_JOBS: &str = concat!(
    "SELECT ",
    coord_job_columns!(),
    " FROM coord_jobs WHERE ($1 IS NULL OR coordinator_id = $1) \
     AND ($2 IS NULL OR status = $2) AND ($3 IS NULL OR created_at_ms >= $3) \
     AND ($4 IS NULL OR created_at_ms < $4) \
     ORDER BY created_at_ms DESC, id DESC LIMIT $5 OFFSET $6"
);

pub(super) const COUNT_COORD_JOBS: &str = "SELECT COUNT(*) AS n FROM coord_jobs \
     WHERE ($1 IS NULL OR coordinator_id = $1) AND ($2 IS NULL OR status = $2) \
     AND ($3 IS NULL OR created_at_ms >= $3) AND ($4 IS NULL OR created_at_ms < $4)";

/// Around the list of job ids (`$1, $2…`): the actions of each job by status.
pub(super) const ACTION_TALLY: (&str, &str) = (
    "SELECT job_id, status, COUNT(*) AS n, MAX(nominal_ms) AS last_ms FROM coord_actions \
     WHERE job_id IN ",
    " GROUP BY job_id, status",
);

pub(super) const COORD_INSTANCE: &str = "SELECT id FROM instances \
     WHERE coord_job_id = $1 AND coord_action = $2 AND coord_try = $3";

/// The statements of a table of named settings with a sealed secret.
pub(super) struct SealedSql {
    pub create: &'static str,
    /// `$4` NULL keeps the sealed credentials as they are.
    pub update: &'static str,
    pub delete: &'static str,
    pub list: &'static str,
    pub get: &'static str,
}

macro_rules! sealed_sql {
    ($table:literal) => {
        SealedSql {
            create: concat!(
                "INSERT INTO ",
                $table,
                " (name, kind, settings, secret, created_at_ms, updated_at_ms) \
                 VALUES ($1, $2, $3, $4, $5, $5) RETURNING id"
            ),
            update: concat!(
                "UPDATE ",
                $table,
                " SET name = $2, settings = $3, secret = COALESCE($4, secret), \
                 updated_at_ms = $5 WHERE id = $1"
            ),
            delete: concat!("DELETE FROM ", $table, " WHERE id = $1"),
            list: concat!(
                "SELECT id, name, kind, settings, secret, created_at_ms, updated_at_ms FROM ",
                $table,
                " ORDER BY name"
            ),
            get: concat!(
                "SELECT id, name, kind, settings, secret, created_at_ms, updated_at_ms FROM ",
                $table,
                " WHERE id = $1"
            ),
        }
    };
}

pub(super) const CHANNELS: SealedSql = sealed_sql!("alert_channels");
pub(super) const DATASOURCES: SealedSql = sealed_sql!("datasources");

pub(super) const APPEND_DELIVERY: &str = "INSERT INTO alert_deliveries \
     (channel_id, alert, attempt, status, detail, delivered, at_ms) \
     VALUES ($1, $2, $3, $4, $5, $6, $7)";

/// Newest first; `$1` one channel's, or NULL for all.
pub(super) const LIST_DELIVERIES: &str = "SELECT d.id, d.channel_id, c.name AS channel, \
     d.alert, d.attempt, d.status, d.detail, d.delivered, d.at_ms \
     FROM alert_deliveries d JOIN alert_channels c ON c.id = d.channel_id \
     WHERE $1 IS NULL OR d.channel_id = $1 ORDER BY d.id DESC LIMIT $2";

pub(super) const CREATE_GROUP: &str = "INSERT INTO alert_groups \
     (name, channels, created_at_ms, updated_at_ms) VALUES ($1, $2, $3, $3) RETURNING id";

pub(super) const UPDATE_GROUP: &str =
    "UPDATE alert_groups SET name = $2, channels = $3, updated_at_ms = $4 WHERE id = $1";

pub(super) const DELETE_GROUP: &str = "DELETE FROM alert_groups WHERE id = $1";

pub(super) const LIST_GROUPS: &str = "SELECT id, name, channels, created_at_ms, updated_at_ms \
     FROM alert_groups ORDER BY name";

pub(super) const GET_GROUP: &str = "SELECT id, name, channels, created_at_ms, updated_at_ms \
     FROM alert_groups WHERE id = $1";

pub(super) const GET_POLICY: &str =
    "SELECT target, settings, updated_by, updated_at_ms FROM alert_policies WHERE target = $1";

pub(super) const PUT_POLICY: &str = "INSERT INTO alert_policies \
     (target, settings, updated_by, updated_at_ms) VALUES ($1, $2, $3, $4) \
     ON CONFLICT (target) DO UPDATE SET settings = excluded.settings, \
     updated_by = excluded.updated_by, updated_at_ms = excluded.updated_at_ms";

pub(super) const LIST_POLICIES: &str =
    "SELECT target, settings, updated_by, updated_at_ms FROM alert_policies ORDER BY target";

pub(super) const CLAIM_ALERT: &str =
    "INSERT INTO alert_claims (key, at_ms) VALUES ($1, $2) ON CONFLICT (key) DO NOTHING";

/// Ended since `$1`, or running; top-level only (a sub-workflow's end is its parent's
/// business).
pub(super) const ALERT_SUBJECTS: &str = "SELECT i.id, i.workflow_id, i.name, i.status, i.run, \
     j.coordinator_id, i.coord_job_id, i.coord_action, a.nominal_ms, i.created_at_ms, \
     i.started_at_ms, i.ended_at_ms, i.error_code, i.error_message, i.last_error_node \
     FROM instances i \
     LEFT JOIN coord_jobs j ON j.id = i.coord_job_id \
     LEFT JOIN coord_actions a ON a.job_id = i.coord_job_id AND a.number = i.coord_action \
     WHERE i.parent_id IS NULL AND (i.ended_at_ms >= $1 OR i.status = 'RUNNING') \
     ORDER BY i.id LIMIT $2";

pub(super) const RUNNING_TASKS: &str = "SELECT n.instance_id, n.node, n.attempts, \
     n.started_at_ms FROM instance_nodes n JOIN instances i ON i.id = n.instance_id \
     WHERE n.status = 'RUNNING' AND i.status = 'RUNNING' AND i.parent_id IS NULL \
     AND n.started_at_ms IS NOT NULL ORDER BY n.instance_id LIMIT $1";

pub(super) const INSTANCE_TIME: &str = "SELECT COALESCE(a.nominal_ms, i.created_at_ms) AS t \
     FROM instances i \
     LEFT JOIN coord_actions a ON a.job_id = i.coord_job_id AND a.number = i.coord_action \
     WHERE i.id = $1";

pub(super) const WORKFLOW_ID_BY_NAME: &str = "SELECT id FROM workflows WHERE name = $1";

/// A workflow's top-level instances by the time they stand for. Coordinator instances are
/// found by nominal time, the others by creation; the creation bound keeps the scan to
/// the workflow's index when a coordinator's runs are recent.
pub(super) const PERIOD_RUNS: &str = "SELECT i.id, i.status, \
     COALESCE(a.nominal_ms, i.created_at_ms) AS t FROM instances i \
     LEFT JOIN coord_actions a ON a.job_id = i.coord_job_id AND a.number = i.coord_action \
     WHERE i.workflow_id = $1 AND i.parent_id IS NULL \
     AND COALESCE(a.nominal_ms, i.created_at_ms) >= $2 \
     AND COALESCE(a.nominal_ms, i.created_at_ms) < $3 \
     ORDER BY i.id DESC LIMIT 100";
