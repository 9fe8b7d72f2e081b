-- Coordinators are versioned exactly like workflows, so both kinds share one set of
-- statements; `size` is what a list shows of a definition without parsing it (a
-- workflow's nodes, a coordinator's data events).
ALTER TABLE workflows RENAME COLUMN node_count TO size;
ALTER TABLE workflow_versions RENAME COLUMN node_count TO size;
CREATE INDEX workflows_by_change ON workflows (updated_at_ms DESC, id DESC);

CREATE TABLE coordinators (
    id                BIGSERIAL PRIMARY KEY,
    name              TEXT    NOT NULL UNIQUE,
    definition        TEXT    NOT NULL,
    size              BIGINT NOT NULL,
    revision          BIGINT NOT NULL,
    created_at_ms     BIGINT NOT NULL,
    updated_at_ms     BIGINT NOT NULL,
    published_version BIGINT
);
CREATE INDEX coordinators_by_change ON coordinators (updated_at_ms DESC, id DESC);
CREATE TABLE coordinator_versions (
    coordinator_id BIGINT NOT NULL REFERENCES coordinators(id) ON DELETE CASCADE,
    version        BIGINT NOT NULL,
    definition     TEXT    NOT NULL,
    size           BIGINT NOT NULL,
    author         TEXT,
    comment        TEXT    NOT NULL DEFAULT '',
    created_at_ms  BIGINT NOT NULL,
    PRIMARY KEY (coordinator_id, version)
);
