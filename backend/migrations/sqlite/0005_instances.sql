-- Workflow instances and the state of each node reached. The engine holds running
-- instances in memory and writes every change here, in one transaction per batch, before
-- it acts on it: after a crash this is what it reads back.
CREATE TABLE instances (
    id               INTEGER PRIMARY KEY AUTOINCREMENT,
    -- The stored workflow and version it runs (NULL for `sluice run FILE`); `definition`
    -- is a copy, so an instance runs what it was started with whatever is saved later.
    workflow_id      INTEGER REFERENCES workflows(id) ON DELETE SET NULL,
    workflow_version INTEGER,
    name             TEXT    NOT NULL,
    definition       TEXT    NOT NULL,
    conf             TEXT    NOT NULL,
    created_by       TEXT    NOT NULL,
    status           TEXT    NOT NULL,
    run              INTEGER NOT NULL DEFAULT 0,
    parent_id        INTEGER REFERENCES instances(id) ON DELETE CASCADE,
    parent_node      TEXT,
    priority         INTEGER NOT NULL DEFAULT 0,
    error_code       TEXT,
    error_message    TEXT,
    last_error_node  TEXT,
    kill_pending     TEXT,
    created_at_ms    INTEGER NOT NULL,
    started_at_ms    INTEGER,
    ended_at_ms      INTEGER,
    updated_at_ms    INTEGER NOT NULL,
    -- The replica running it, and until when its claim holds (PostgreSQL replicas).
    owner            TEXT,
    lease_until_ms   INTEGER
);
CREATE INDEX instances_by_status ON instances (status);
CREATE INDEX instances_by_creation ON instances (created_at_ms DESC, id DESC);
CREATE INDEX instances_by_workflow ON instances (workflow_id, created_at_ms DESC);
CREATE INDEX instances_by_parent ON instances (parent_id);

CREATE TABLE instance_nodes (
    instance_id   INTEGER NOT NULL REFERENCES instances(id) ON DELETE CASCADE,
    node          TEXT    NOT NULL,
    status        TEXT    NOT NULL,
    attempts      INTEGER NOT NULL,
    arrivals      INTEGER NOT NULL,
    transition    TEXT,
    exit_code     INTEGER,
    error_code    TEXT,
    error_message TEXT,
    -- capture-output as a JSON object.
    data          TEXT,
    external_id   TEXT,
    ready_at_ms   INTEGER,
    started_at_ms INTEGER,
    ended_at_ms   INTEGER,
    retry_at_ms   INTEGER,
    seq           INTEGER,
    PRIMARY KEY (instance_id, node)
);
