-- +goose Up
-- The same schema as SQLite's. Text keys compare byte by byte (COLLATE "C"),
-- as SQLite's do, so lists come in the same order whatever the server's locale.

-- One row per EJ: the Chorus record as JSON plus the columns lists filter on.
CREATE TABLE ej (
    num_ej              TEXT COLLATE "C" PRIMARY KEY,
    data                JSONB NOT NULL,
    data_hash           TEXT NOT NULL,
    fournisseur_siren   TEXT NOT NULL DEFAULT '',
    montant_engage      DOUBLE PRECISION,
    date_ej             TEXT NOT NULL DEFAULT '',
    programme           TEXT NOT NULL DEFAULT '',
    centre_financier    TEXT NOT NULL DEFAULT '',
    groupe_marchandises TEXT NOT NULL DEFAULT '',
    created_at          TIMESTAMPTZ NOT NULL,
    updated_at          TIMESTAMPTZ NOT NULL
);

-- One row per distinct file (by content); the original is in the blob folder.
CREATE TABLE document (
    sha256          TEXT COLLATE "C" PRIMARY KEY,
    size            BIGINT NOT NULL,
    name            TEXT NOT NULL,
    status          TEXT NOT NULL,
    document_type   TEXT NOT NULL DEFAULT '',
    type_confidence DOUBLE PRECISION NOT NULL DEFAULT 0,
    error_code      TEXT NOT NULL DEFAULT '',
    error           TEXT NOT NULL DEFAULT '',
    result          JSONB,
    version         TEXT NOT NULL DEFAULT '',
    processed_at    TIMESTAMPTZ,
    created_at      TIMESTAMPTZ NOT NULL
);
CREATE INDEX document_status ON document (status);

-- A document may be attached to several EJ, and to an EJ not (yet) in any extract.
CREATE TABLE ej_document (
    num_ej     TEXT COLLATE "C" NOT NULL,
    sha256     TEXT COLLATE "C" NOT NULL REFERENCES document (sha256),
    name       TEXT COLLATE "C" NOT NULL,
    created_at TIMESTAMPTZ NOT NULL,
    PRIMARY KEY (num_ej, sha256, name)
);
CREATE INDEX ej_document_sha256 ON ej_document (sha256);

CREATE TABLE enriched (
    num_ej      TEXT COLLATE "C" PRIMARY KEY,
    record      JSONB NOT NULL,
    version     TEXT NOT NULL,
    computed_at TIMESTAMPTZ NOT NULL
);

CREATE TABLE step (
    id          BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    subject     TEXT NOT NULL,
    name        TEXT NOT NULL,
    status      TEXT NOT NULL,
    error       TEXT NOT NULL DEFAULT '',
    duration_ms BIGINT NOT NULL,
    attempt     INTEGER NOT NULL,
    at          TIMESTAMPTZ NOT NULL
);
CREATE INDEX step_subject ON step (subject);

-- Values people validated; processing reads them and never writes them.
-- JSON, not JSONB: the value is given back exactly as the person's tool wrote it.
CREATE TABLE review (
    subject  TEXT COLLATE "C" NOT NULL,
    field    TEXT COLLATE "C" NOT NULL,
    value    JSON NOT NULL,
    reviewer TEXT NOT NULL,
    comment  TEXT NOT NULL DEFAULT '',
    at       TIMESTAMPTZ NOT NULL,
    PRIMARY KEY (subject, field)
);

CREATE TABLE ingest_run (
    id          BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    started_at  TIMESTAMPTZ NOT NULL,
    finished_at TIMESTAMPTZ,
    chorus      TEXT NOT NULL,
    attachments TEXT NOT NULL,
    report      TEXT NOT NULL DEFAULT ''
);

CREATE TABLE ingest_issue (
    run_id  BIGINT NOT NULL REFERENCES ingest_run (id),
    source  TEXT NOT NULL,
    ref     TEXT NOT NULL,
    message TEXT NOT NULL
);
CREATE INDEX ingest_issue_run ON ingest_issue (run_id);

-- +goose Down
DROP TABLE ingest_issue;
DROP TABLE ingest_run;
DROP TABLE review;
DROP TABLE step;
DROP TABLE enriched;
DROP TABLE ej_document;
DROP TABLE document;
DROP TABLE ej;
