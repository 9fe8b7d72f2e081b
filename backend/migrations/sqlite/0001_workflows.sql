-- Workflow definitions. The definition is the shared crate's JSON model; node_count is kept
-- beside it so the list page never has to parse every definition.
CREATE TABLE workflows (
    id            INTEGER PRIMARY KEY AUTOINCREMENT,
    name          TEXT    NOT NULL UNIQUE,
    definition    TEXT    NOT NULL,
    node_count    INTEGER NOT NULL,
    revision      INTEGER NOT NULL,
    created_at_ms INTEGER NOT NULL,
    updated_at_ms INTEGER NOT NULL
);
