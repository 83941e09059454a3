-- +goose Up
-- The searchable summary of each EJ, refreshed after reconciliation and
-- after each anomaly detection. The sort_* columns hold each order's key
-- with absent values last, so that every sort pages the same way:
-- ascending on (key, num_ej).
CREATE TABLE ej_index (
    num_ej                TEXT PRIMARY KEY,
    designation           TEXT NOT NULL DEFAULT '',
    designation_claire    INTEGER NOT NULL DEFAULT 0,
    fournisseur_nom       TEXT NOT NULL DEFAULT '',
    fournisseur_siren     TEXT NOT NULL DEFAULT '',
    prestataire_identifie INTEGER NOT NULL DEFAULT 0,
    administration        TEXT NOT NULL DEFAULT '',
    ministere             TEXT NOT NULL DEFAULT '',
    ministere_cle         TEXT NOT NULL DEFAULT '', -- folded: perimeters compare on it
    programme             TEXT NOT NULL DEFAULT '',
    centre_financier      TEXT NOT NULL DEFAULT '',
    groupe_marchandises   TEXT NOT NULL DEFAULT '',
    organisation_achat    TEXT NOT NULL DEFAULT '',
    groupe_acheteurs      TEXT NOT NULL DEFAULT '',
    montant_ht            REAL,
    date_ej               TEXT NOT NULL DEFAULT '',
    conseil               INTEGER NOT NULL DEFAULT 0,
    nb_documents          INTEGER NOT NULL DEFAULT 0,
    nb_anomalies          INTEGER NOT NULL DEFAULT 0,
    review_status         TEXT NOT NULL DEFAULT '',
    min_confidence        REAL NOT NULL DEFAULT 0,
    sort_montant_asc      REAL NOT NULL,
    sort_montant_desc     REAL NOT NULL,
    sort_date_asc         TEXT NOT NULL,
    sort_revue            REAL NOT NULL,
    indexed_at            TEXT NOT NULL
);
CREATE INDEX ej_index_ministere ON ej_index (ministere_cle);
CREATE INDEX ej_index_organisation ON ej_index (organisation_achat);
CREATE INDEX ej_index_groupe ON ej_index (groupe_acheteurs);
CREATE INDEX ej_index_programme ON ej_index (programme);
CREATE INDEX ej_index_centre ON ej_index (centre_financier);
CREATE INDEX ej_index_gm ON ej_index (groupe_marchandises);
CREATE INDEX ej_index_siren ON ej_index (fournisseur_siren);
CREATE INDEX ej_index_conseil ON ej_index (conseil, num_ej);
CREATE INDEX ej_index_review ON ej_index (review_status, num_ej);
CREATE INDEX ej_index_montant_asc ON ej_index (sort_montant_asc, num_ej);
CREATE INDEX ej_index_montant_desc ON ej_index (sort_montant_desc, num_ej);
CREATE INDEX ej_index_date_asc ON ej_index (sort_date_asc, num_ej);
CREATE INDEX ej_index_date_desc ON ej_index (date_ej DESC, num_ej);
CREATE INDEX ej_index_revue ON ej_index (sort_revue, num_ej);

-- Words of the EJ number, SIREN, supplier and designation, accents
-- removed; its rowid is ej_index's.
CREATE VIRTUAL TABLE ej_fts USING fts5(ids, designation, fournisseur, tokenize = 'unicode61 remove_diacritics 2');

CREATE TABLE web_user (
    login         TEXT PRIMARY KEY,
    name          TEXT NOT NULL,
    password_hash TEXT NOT NULL,
    scopes        TEXT NOT NULL,
    perimeter     TEXT NOT NULL,
    created_at    TEXT NOT NULL
);

-- Only the SHA-256 of a key's secret is kept.
CREATE TABLE api_key (
    id           TEXT PRIMARY KEY,
    hash         TEXT NOT NULL UNIQUE,
    organisation TEXT NOT NULL,
    use_case     TEXT NOT NULL,
    contact      TEXT NOT NULL,
    scopes       TEXT NOT NULL,
    perimeter    TEXT NOT NULL,
    created_at   TEXT NOT NULL,
    expires_at   TEXT NOT NULL DEFAULT '',
    revoked_at   TEXT NOT NULL DEFAULT '',
    last_used_at TEXT NOT NULL DEFAULT ''
);

CREATE TABLE api_usage (
    key_id   TEXT NOT NULL,
    endpoint TEXT NOT NULL,
    day      TEXT NOT NULL,
    calls    INTEGER NOT NULL,
    PRIMARY KEY (key_id, endpoint, day)
);
CREATE INDEX api_usage_day ON api_usage (day);

CREATE TABLE audit (
    id      INTEGER PRIMARY KEY AUTOINCREMENT,
    at      TEXT NOT NULL,
    actor   TEXT NOT NULL,
    action  TEXT NOT NULL,
    subject TEXT NOT NULL,
    detail  TEXT NOT NULL DEFAULT ''
);
CREATE INDEX audit_subject ON audit (subject, id);

-- A document's text in reading order, kept by the pipeline for the viewer and the API.
CREATE TABLE document_text (
    sha256 TEXT PRIMARY KEY,
    text   TEXT NOT NULL
);

-- +goose Down
DROP TABLE document_text;
DROP TABLE audit;
DROP TABLE api_usage;
DROP TABLE api_key;
DROP TABLE web_user;
DROP TABLE ej_fts;
DROP TABLE ej_index;
