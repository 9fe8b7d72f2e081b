-- Alert channels (webhooks, email): what is not secret as JSON, credentials sealed with
-- the server's secret key (backend/src/alert/secret.rs), never in the clear.
CREATE TABLE alert_channels (
    id            BIGSERIAL PRIMARY KEY,
    name          TEXT    NOT NULL UNIQUE,
    kind          TEXT    NOT NULL,
    settings      TEXT    NOT NULL,
    secret        TEXT,
    created_at_ms BIGINT  NOT NULL,
    updated_at_ms BIGINT  NOT NULL
);
-- Every try of every delivery, for the delivery log; a channel's go with it.
CREATE TABLE alert_deliveries (
    id         BIGSERIAL PRIMARY KEY,
    channel_id BIGINT  NOT NULL REFERENCES alert_channels(id) ON DELETE CASCADE,
    alert      TEXT    NOT NULL,
    attempt    BIGINT  NOT NULL,
    status     BIGINT,
    detail     TEXT    NOT NULL,
    delivered  BOOLEAN NOT NULL,
    at_ms      BIGINT  NOT NULL
);
CREATE INDEX alert_deliveries_of_channel ON alert_deliveries (channel_id, id DESC);

-- Alert groups: named sets of channels (their ids, as a JSON array) that policies point to.
CREATE TABLE alert_groups (
    id            BIGSERIAL PRIMARY KEY,
    name          TEXT    NOT NULL UNIQUE,
    channels      TEXT    NOT NULL,
    created_at_ms BIGINT  NOT NULL,
    updated_at_ms BIGINT  NOT NULL
);
-- A workflow's or coordinator's notification policy (`workflow:7`, `coordinator:3`), as
-- JSON: when to tell which group, and the time limits that raise alarms.
CREATE TABLE alert_policies (
    target        TEXT    PRIMARY KEY,
    settings      TEXT    NOT NULL,
    updated_by    TEXT    NOT NULL,
    updated_at_ms BIGINT  NOT NULL
);
-- Each alert raised, once: replicas and restarts that see the same end or the same
-- overrun claim it here, and only the one whose claim lands sends it.
CREATE TABLE alert_claims (
    key   TEXT    PRIMARY KEY,
    at_ms BIGINT  NOT NULL
);
-- The alert loop reads the instances that ended lately.
CREATE INDEX instances_by_end ON instances (ended_at_ms);
