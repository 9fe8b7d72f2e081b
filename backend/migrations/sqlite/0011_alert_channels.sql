-- Alert channels (webhooks, email): what is not secret as JSON, credentials sealed with
-- the server's secret key (backend/src/alert/secret.rs), never in the clear.
CREATE TABLE alert_channels (
    id            INTEGER PRIMARY KEY AUTOINCREMENT,
    name          TEXT    NOT NULL UNIQUE,
    kind          TEXT    NOT NULL,
    settings      TEXT    NOT NULL,
    secret        TEXT,
    created_at_ms INTEGER NOT NULL,
    updated_at_ms INTEGER NOT NULL
);
-- Every try of every delivery, for the delivery log; a channel's go with it.
CREATE TABLE alert_deliveries (
    id         INTEGER PRIMARY KEY AUTOINCREMENT,
    channel_id INTEGER NOT NULL REFERENCES alert_channels(id) ON DELETE CASCADE,
    alert      TEXT    NOT NULL,
    attempt    INTEGER NOT NULL,
    status     INTEGER,
    detail     TEXT    NOT NULL,
    delivered  INTEGER NOT NULL,
    at_ms      INTEGER NOT NULL
);
CREATE INDEX alert_deliveries_of_channel ON alert_deliveries (channel_id, id DESC);
