-- Datasources SQL tasks run against: where (JSON settings) and the password sealed with
-- the server's secret key, as alert channels' credentials are.
CREATE TABLE datasources (
    id            BIGSERIAL PRIMARY KEY,
    name          TEXT    NOT NULL UNIQUE,
    kind          TEXT    NOT NULL,
    settings      TEXT    NOT NULL,
    secret        TEXT,
    created_at_ms BIGINT  NOT NULL,
    updated_at_ms BIGINT  NOT NULL
);
