-- +goose Up
-- Establishments from INSEE's SIRENE stock file, when a user imports it:
-- does a SIRET exist, is it active, what is its activity.
CREATE TABLE sirene_etablissement (
    siret        TEXT COLLATE "C" PRIMARY KEY,
    siren        TEXT COLLATE "C" NOT NULL,
    etat         TEXT NOT NULL,
    activite     TEXT NOT NULL,
    nomenclature TEXT NOT NULL,
    nom          TEXT NOT NULL,
    enseigne     TEXT NOT NULL,
    creation     TEXT NOT NULL,
    code_postal  TEXT NOT NULL,
    commune      TEXT NOT NULL,
    debut        TEXT NOT NULL
);
CREATE INDEX sirene_etablissement_siren ON sirene_etablissement (siren);

-- +goose Down
DROP TABLE sirene_etablissement;
