-- Work is owned in families, so replicas never split one: a coordinator job with its
-- actions' workflows ('c:JOB'), a workflow instance with its sub-workflows ('i:ROOT').
-- A root instance that no coordinator started has none: it heads its own family.
ALTER TABLE instances ADD COLUMN family TEXT;
UPDATE instances SET family = 'c:' || coord_job_id WHERE coord_job_id IS NOT NULL;
-- Sub-workflows made before this column: their parent's family, three levels down.
UPDATE instances SET family = (SELECT COALESCE(p.family, 'i:' || p.id) FROM instances p
    WHERE p.id = instances.parent_id) WHERE parent_id IS NOT NULL;
UPDATE instances SET family = (SELECT COALESCE(p.family, 'i:' || p.id) FROM instances p
    WHERE p.id = instances.parent_id) WHERE parent_id IS NOT NULL;
UPDATE instances SET family = (SELECT COALESCE(p.family, 'i:' || p.id) FROM instances p
    WHERE p.id = instances.parent_id) WHERE parent_id IS NOT NULL;
CREATE INDEX instances_by_family ON instances (family);
CREATE INDEX instances_by_owner ON instances (owner);
CREATE INDEX coord_jobs_by_owner ON coord_jobs (owner);
