-- Workflow definitions. The definition is the shared crate's JSON model (as text, exactly
-- as the SQLite store keeps it); node_count is kept beside it so the list page never has to
-- parse every definition.
CREATE TABLE workflows (
    id            BIGSERIAL PRIMARY KEY,
    name          TEXT   NOT NULL UNIQUE,
    definition    TEXT   NOT NULL,
    node_count    BIGINT NOT NULL,
    revision      BIGINT NOT NULL,
    created_at_ms BIGINT NOT NULL,
    updated_at_ms BIGINT NOT NULL
);
