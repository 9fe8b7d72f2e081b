-- The instances list (instances no parent started, newest first, filtered by workflow,
-- status and creation time) and its count read this index alone, never the rows with
-- their definitions: at 100,000 instances the count was a scan of the whole table.
CREATE INDEX instances_listed ON instances (created_at_ms DESC, id DESC, workflow_id, status)
    WHERE parent_id IS NULL;
