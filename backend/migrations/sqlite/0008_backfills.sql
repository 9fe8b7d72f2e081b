-- A backfill is a coordinator job over a range of past nominal times, run below live work:
-- 'schedule' for a coordinator's own job, 'backfill' for one.
ALTER TABLE coord_jobs ADD COLUMN kind TEXT NOT NULL DEFAULT 'schedule';
-- A backfill's slots, counted when it is made: its progress is its ended actions out of
-- these. NULL for schedules, which may run on without end.
ALTER TABLE coord_jobs ADD COLUMN planned INTEGER;
