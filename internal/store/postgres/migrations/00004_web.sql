-- +goose Up
-- The searchable summary of each EJ, refreshed after reconciliation and
-- after each anomaly detection: the same table as SQLite's. The sort_*
-- columns hold each order's key with absent values last, so that every
-- sort pages the same way: ascending on (key, num_ej), byte order.
CREATE TABLE ej_index (
    num_ej                TEXT COLLATE "C" PRIMARY KEY,
    designation           TEXT NOT NULL DEFAULT '',
    designation_claire    BOOLEAN NOT NULL DEFAULT false,
    fournisseur_nom       TEXT NOT NULL DEFAULT '',
    fournisseur_siren     TEXT COLLATE "C" NOT NULL DEFAULT '',
    prestataire_identifie BOOLEAN NOT NULL DEFAULT false,
    administration        TEXT NOT NULL DEFAULT '',
    ministere             TEXT NOT NULL DEFAULT '',
    ministere_cle         TEXT COLLATE "C" NOT NULL DEFAULT '', -- folded: perimeters compare on it
    programme             TEXT COLLATE "C" NOT NULL DEFAULT '',
    centre_financier      TEXT COLLATE "C" NOT NULL DEFAULT '',
    groupe_marchandises   TEXT COLLATE "C" NOT NULL DEFAULT '',
    organisation_achat    TEXT COLLATE "C" NOT NULL DEFAULT '',
    groupe_acheteurs      TEXT COLLATE "C" NOT NULL DEFAULT '',
    montant_ht            DOUBLE PRECISION,
    date_ej               TEXT COLLATE "C" NOT NULL DEFAULT '',
    conseil               BOOLEAN NOT NULL DEFAULT false,
    nb_documents          INTEGER NOT NULL DEFAULT 0,
    nb_anomalies          INTEGER NOT NULL DEFAULT 0,
    review_status         TEXT COLLATE "C" NOT NULL DEFAULT '',
    min_confidence        DOUBLE PRECISION NOT NULL DEFAULT 0,
    sort_montant_asc      DOUBLE PRECISION NOT NULL,
    sort_montant_desc     DOUBLE PRECISION NOT NULL,
    sort_date_asc         TEXT COLLATE "C" NOT NULL,
    sort_revue            DOUBLE PRECISION NOT NULL,
    indexed_at            TIMESTAMPTZ NOT NULL,
    -- The words of the EJ number, SIREN, designation and supplier, folded
    -- by the application (case, accents), one space apart; the lexemes are
    -- exactly these words, whatever the server's locale or text search
    -- configuration, so that prefix queries match as SQLite's FTS5 does.
    search_words          TEXT NOT NULL DEFAULT '',
    search                TSVECTOR GENERATED ALWAYS AS (array_to_tsvector(string_to_array(search_words, ' '))) STORED
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
CREATE INDEX ej_index_search ON ej_index USING GIN (search);

CREATE TABLE web_user (
    login         TEXT COLLATE "C" PRIMARY KEY,
    name          TEXT NOT NULL,
    password_hash TEXT NOT NULL,
    scopes        TEXT[] NOT NULL,
    perimeter     JSONB NOT NULL,
    created_at    TIMESTAMPTZ NOT NULL
);

-- Only the SHA-256 of a key's secret is kept.
CREATE TABLE api_key (
    id           TEXT COLLATE "C" PRIMARY KEY,
    hash         TEXT COLLATE "C" NOT NULL UNIQUE,
    organisation TEXT NOT NULL,
    use_case     TEXT NOT NULL,
    contact      TEXT NOT NULL,
    scopes       TEXT[] NOT NULL,
    perimeter    JSONB NOT NULL,
    created_at   TIMESTAMPTZ NOT NULL,
    expires_at   TIMESTAMPTZ,
    revoked_at   TIMESTAMPTZ,
    last_used_at TIMESTAMPTZ
);

CREATE TABLE api_usage (
    key_id   TEXT COLLATE "C" NOT NULL,
    endpoint TEXT COLLATE "C" NOT NULL,
    day      DATE NOT NULL,
    calls    BIGINT NOT NULL,
    PRIMARY KEY (key_id, endpoint, day)
);
CREATE INDEX api_usage_day ON api_usage (day);

CREATE TABLE audit (
    id      BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    at      TIMESTAMPTZ NOT NULL,
    actor   TEXT NOT NULL,
    action  TEXT NOT NULL,
    subject TEXT COLLATE "C" NOT NULL,
    detail  TEXT NOT NULL DEFAULT '' -- JSON or empty, given back as written
);
CREATE INDEX audit_subject ON audit (subject, id);

-- A document's text in reading order, kept by the pipeline for the viewer and the API.
CREATE TABLE document_text (
    sha256 TEXT COLLATE "C" PRIMARY KEY,
    text   TEXT NOT NULL
);
-- French full-text index of the documents, for a search to come: folded
-- in SQL (translate, not the unaccent extension, which needs a superuser)
-- and bounded to the first 100,000 characters, since a tsvector holds at
-- most 1 MB and a longer text would otherwise fail to save. A query must
-- repeat this expression exactly (postgres.documentTextVector) to use it.
CREATE INDEX document_text_fts ON document_text USING GIN (to_tsvector('french'::regconfig,
    translate(lower(replace(replace(replace(replace(left(text, 100000), 'œ', 'oe'), 'Œ', 'oe'), 'æ', 'ae'), 'Æ', 'ae')),
        'àâäáãåéèêëîïíìôöóòõùûüúçÿñÀÂÄÁÃÅÉÈÊËÎÏÍÌÔÖÓÒÕÙÛÜÚÇŸÑ',
        'aaaaaaeeeeiiiiooooouuuucynaaaaaaeeeeiiiiooooouuuucyn')));

-- +goose Down
DROP TABLE document_text;
DROP TABLE audit;
DROP TABLE api_usage;
DROP TABLE api_key;
DROP TABLE web_user;
DROP TABLE ej_index;
