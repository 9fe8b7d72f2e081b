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
