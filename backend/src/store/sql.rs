//! The statements both stores run: written once in the SQL SQLite and PostgreSQL share
//! (`$n` parameters, `RETURNING`), so the two cannot drift apart.

pub(super) const LIST_WORKFLOWS: &str = "SELECT id, name, node_count, updated_at_ms FROM workflows \
     ORDER BY updated_at_ms DESC, id DESC";

pub(super) const CREATE_WORKFLOW: &str = "INSERT INTO workflows \
     (name, definition, node_count, revision, created_at_ms, updated_at_ms) \
     VALUES ($1, $2, $3, 1, $4, $4) \
     RETURNING id, revision, updated_at_ms, definition, published_version";

pub(super) const GET_WORKFLOW: &str = "SELECT id, revision, updated_at_ms, definition, \
     published_version FROM workflows WHERE id = $1";

/// One statement: the revision check and the write cannot be split by another save.
pub(super) const UPDATE_WORKFLOW: &str = "UPDATE workflows SET name = $3, definition = $4, \
     node_count = $5, revision = revision + 1, updated_at_ms = $6 \
     WHERE id = $1 AND ($2 IS NULL OR revision = $2) \
     RETURNING id, revision, updated_at_ms, definition, published_version";

pub(super) const INSERT_VERSION: &str = "INSERT INTO workflow_versions \
     (workflow_id, version, definition, node_count, author, comment, created_at_ms) \
     VALUES ($1, $2, $3, $4, $5, $6, $7)";

pub(super) const LIST_VERSIONS: &str = "SELECT version, node_count, author, comment, created_at_ms \
     FROM workflow_versions WHERE workflow_id = $1 ORDER BY version DESC";

pub(super) const GET_VERSION: &str = "SELECT version, node_count, author, comment, created_at_ms, \
     definition FROM workflow_versions WHERE workflow_id = $1 AND version = $2";

/// Only a version that exists can be published (the subquery is empty otherwise).
pub(super) const PUBLISH: &str = "UPDATE workflows SET published_version = $2 \
     WHERE id = $1 AND EXISTS (SELECT 1 FROM workflow_versions WHERE workflow_id = $1 AND version = $2) \
     RETURNING id";
