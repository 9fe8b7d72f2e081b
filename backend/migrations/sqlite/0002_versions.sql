-- Every save appends an immutable version; `revision` of a workflow is its newest version.
-- Publishing picks the version the scheduler uses, so drafts never disturb what runs.
CREATE TABLE workflow_versions (
    workflow_id   INTEGER NOT NULL REFERENCES workflows(id) ON DELETE CASCADE,
    version       INTEGER NOT NULL,
    definition    TEXT    NOT NULL,
    node_count    INTEGER NOT NULL,
    author        TEXT,
    comment       TEXT    NOT NULL DEFAULT '',
    created_at_ms INTEGER NOT NULL,
    PRIMARY KEY (workflow_id, version)
);
ALTER TABLE workflows ADD COLUMN published_version INTEGER;
-- What was saved before versions existed becomes each workflow's first known version.
INSERT INTO workflow_versions (workflow_id, version, definition, node_count, author, comment, created_at_ms)
SELECT id, revision, definition, node_count, NULL, '', updated_at_ms FROM workflows;
