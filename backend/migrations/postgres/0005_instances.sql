-- Workflow instances and the state of each node reached. The engine holds running
-- instances in memory and writes every change here, in one transaction per batch, before
-- it acts on it: after a crash this is what it reads back.
CREATE TABLE instances (
    id               BIGSERIAL PRIMARY KEY,
    -- The stored workflow and version it runs (NULL for `sluice run FILE`); `definition`
    -- is a copy, so an instance runs what it was started with whatever is saved later.
    workflow_id      BIGINT REFERENCES workflows(id) ON DELETE SET NULL,
    workflow_version BIGINT,
    name             TEXT    NOT NULL,
    definition       TEXT    NOT NULL,
    conf             TEXT    NOT NULL,
    created_by       TEXT    NOT NULL,
    status           TEXT    NOT NULL,
    run              BIGINT NOT NULL DEFAULT 0,
    parent_id        BIGINT REFERENCES instances(id) ON DELETE CASCADE,
    parent_node      TEXT,
    priority         BIGINT NOT NULL DEFAULT 0,
    error_code       TEXT,
    error_message    TEXT,
    last_error_node  TEXT,
    kill_pending     TEXT,
    created_at_ms    BIGINT NOT NULL,
    started_at_ms    BIGINT,
    ended_at_ms      BIGINT,
    updated_at_ms    BIGINT NOT NULL,
    -- The replica running it, and until when its claim holds (PostgreSQL replicas).
    owner            TEXT,
    lease_until_ms   BIGINT
);
CREATE INDEX instances_by_status ON instances (status);
CREATE INDEX instances_by_creation ON instances (created_at_ms DESC, id DESC);
CREATE INDEX instances_by_workflow ON instances (workflow_id, created_at_ms DESC);
CREATE INDEX instances_by_parent ON instances (parent_id);

CREATE TABLE instance_nodes (
    instance_id   BIGINT NOT NULL REFERENCES instances(id) ON DELETE CASCADE,
    node          TEXT    NOT NULL,
    status        TEXT    NOT NULL,
    attempts      BIGINT NOT NULL,
    arrivals      BIGINT NOT NULL,
    transition    TEXT,
    exit_code     BIGINT,
    error_code    TEXT,
    error_message TEXT,
    -- capture-output as a JSON object.
    data          TEXT,
    external_id   TEXT,
    ready_at_ms   BIGINT,
    started_at_ms BIGINT,
    ended_at_ms   BIGINT,
    retry_at_ms   BIGINT,
    seq           BIGINT,
    PRIMARY KEY (instance_id, node)
);
