-- Coordinator jobs (a submitted coordinator) and their actions. The scheduler holds the
-- jobs not ended in memory and writes every change here before acting on it.
CREATE TABLE coord_jobs (
    id                   BIGSERIAL PRIMARY KEY,
    coordinator_id       BIGINT REFERENCES coordinators(id) ON DELETE SET NULL,
    coordinator_version  BIGINT,
    name                 TEXT    NOT NULL,
    -- A copy of the definition, its included datasets and job properties (JSON), so a
    -- job runs what it was submitted with.
    definition           TEXT    NOT NULL,
    included             TEXT    NOT NULL,
    conf                 TEXT    NOT NULL,
    created_by           TEXT    NOT NULL,
    status               TEXT    NOT NULL,
    -- Oozie's lastActionNumber and nextMaterializedTime (NULL: no slot is left).
    last_action_number   BIGINT NOT NULL DEFAULT 0,
    next_materialized_ms BIGINT,
    -- What -change may have moved.
    end_ms               BIGINT NOT NULL,
    pause_ms             BIGINT,
    concurrency          BIGINT NOT NULL,
    error_code           TEXT,
    error_message        TEXT,
    created_at_ms        BIGINT NOT NULL,
    updated_at_ms        BIGINT NOT NULL,
    owner                TEXT,
    lease_until_ms       BIGINT
);
CREATE INDEX coord_jobs_by_status ON coord_jobs (status);
CREATE INDEX coord_jobs_by_creation ON coord_jobs (created_at_ms DESC, id DESC);

CREATE TABLE coord_actions (
    job_id        BIGINT NOT NULL REFERENCES coord_jobs(id) ON DELETE CASCADE,
    number        BIGINT NOT NULL,
    nominal_ms    BIGINT NOT NULL,
    created_ms    BIGINT NOT NULL,
    status        TEXT    NOT NULL,
    -- Resolved data-in, data-out (URIs) and configuration, as JSON objects.
    inputs        TEXT    NOT NULL,
    outputs       TEXT    NOT NULL,
    configuration TEXT    NOT NULL,
    missing       TEXT,
    instance_id   BIGINT,
    rerun_failed  BIGINT NOT NULL DEFAULT 0,
    -- Workflow instances started for it so far: the next one is tries + 1.
    tries         BIGINT NOT NULL DEFAULT 0,
    error_code    TEXT,
    error_message TEXT,
    updated_ms    BIGINT NOT NULL,
    PRIMARY KEY (job_id, number),
    -- Materialization is idempotent: one action per job and nominal time.
    UNIQUE (job_id, nominal_ms)
);

-- The coordinator action a workflow instance runs, and which try of it: a crash between
-- creating the instance and recording it cannot create a second one.
ALTER TABLE instances ADD COLUMN coord_job_id BIGINT;
ALTER TABLE instances ADD COLUMN coord_action BIGINT;
ALTER TABLE instances ADD COLUMN coord_try BIGINT;
CREATE UNIQUE INDEX instances_by_coord_action ON instances (coord_job_id, coord_action, coord_try);
