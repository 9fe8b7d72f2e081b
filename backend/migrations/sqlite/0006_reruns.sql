-- How a node came to its status when not by running: 'replay' (a rerun kept its result
-- from the run before and replayed its transition), 'succeeded' or 'skipped' (a user
-- marked it). NULL for a node that ran.
ALTER TABLE instance_nodes ADD COLUMN mark TEXT;
