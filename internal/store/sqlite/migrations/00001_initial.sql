-- +goose Up
-- One row per EJ: the Chorus record as JSON plus the columns lists filter on.
CREATE TABLE ej (
    num_ej              TEXT PRIMARY KEY,
    data                TEXT NOT NULL,
    data_hash           TEXT NOT NULL,
    fournisseur_siren   TEXT NOT NULL DEFAULT '',
    montant_engage      REAL,
    date_ej             TEXT NOT NULL DEFAULT '',
    programme           TEXT NOT NULL DEFAULT '',
    centre_financier    TEXT NOT NULL DEFAULT '',
    groupe_marchandises TEXT NOT NULL DEFAULT '',
    created_at          TEXT NOT NULL,
    updated_at          TEXT NOT NULL
);

-- One row per distinct file (by content); the original is in the blob folder.
CREATE TABLE document (
    sha256          TEXT PRIMARY KEY,
    size            INTEGER NOT NULL,
    name            TEXT NOT NULL,
    status          TEXT NOT NULL,
    document_type   TEXT NOT NULL DEFAULT '',
    type_confidence REAL NOT NULL DEFAULT 0,
    error_code      TEXT NOT NULL DEFAULT '',
    error           TEXT NOT NULL DEFAULT '',
    result          TEXT,
    version         TEXT NOT NULL DEFAULT '',
    processed_at    TEXT NOT NULL DEFAULT '',
    created_at      TEXT NOT NULL
);
CREATE INDEX document_status ON document (status);

-- A document may be attached to several EJ, and to an EJ not (yet) in any extract.
CREATE TABLE ej_document (
    num_ej     TEXT NOT NULL,
    sha256     TEXT NOT NULL REFERENCES document (sha256),
    name       TEXT NOT NULL,
    created_at TEXT NOT NULL,
    PRIMARY KEY (num_ej, sha256, name)
);
CREATE INDEX ej_document_sha256 ON ej_document (sha256);

CREATE TABLE enriched (
    num_ej      TEXT PRIMARY KEY,
    record      TEXT NOT NULL,
    version     TEXT NOT NULL,
    computed_at TEXT NOT NULL
);

CREATE TABLE step (
    id          INTEGER PRIMARY KEY AUTOINCREMENT,
    subject     TEXT NOT NULL,
    name        TEXT NOT NULL,
    status      TEXT NOT NULL,
    error       TEXT NOT NULL DEFAULT '',
    duration_ms INTEGER NOT NULL,
    attempt     INTEGER NOT NULL,
    at          TEXT NOT NULL
);
CREATE INDEX step_subject ON step (subject);

-- Values people validated; processing reads them and never writes them.
CREATE TABLE review (
    subject  TEXT NOT NULL,
    field    TEXT NOT NULL,
    value    TEXT NOT NULL,
    reviewer TEXT NOT NULL,
    comment  TEXT NOT NULL DEFAULT '',
    at       TEXT NOT NULL,
    PRIMARY KEY (subject, field)
);

CREATE TABLE ingest_run (
    id          INTEGER PRIMARY KEY AUTOINCREMENT,
    started_at  TEXT NOT NULL,
    finished_at TEXT NOT NULL DEFAULT '',
    chorus      TEXT NOT NULL,
    attachments TEXT NOT NULL,
    report      TEXT NOT NULL DEFAULT ''
);

CREATE TABLE ingest_issue (
    run_id  INTEGER NOT NULL REFERENCES ingest_run (id),
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
