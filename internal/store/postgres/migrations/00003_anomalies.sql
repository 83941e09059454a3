-- +goose Up
-- The anomalies of the last detection, replaced as a whole at each run.
CREATE TABLE anomaly (
    key         TEXT COLLATE "C" PRIMARY KEY,
    code        TEXT COLLATE "C" NOT NULL,
    num_ej      TEXT COLLATE "C" NOT NULL,
    severite    TEXT NOT NULL,
    score       DOUBLE PRECISION NOT NULL,
    data        JSONB NOT NULL,
    detected_at TIMESTAMPTZ NOT NULL
);
CREATE INDEX anomaly_code ON anomaly (code);

-- Every EJ an anomaly concerns (its own and, for group rules, the others).
CREATE TABLE anomaly_ej (
    key    TEXT COLLATE "C" NOT NULL REFERENCES anomaly (key) ON DELETE CASCADE,
    num_ej TEXT COLLATE "C" NOT NULL,
    PRIMARY KEY (key, num_ej)
);
CREATE INDEX anomaly_ej_num_ej ON anomaly_ej (num_ej);

-- What people decided of an anomaly, by its stable key: kept across
-- detections, so reprocessing never resets it.
CREATE TABLE anomaly_review (
    key      TEXT COLLATE "C" PRIMARY KEY,
    statut   TEXT NOT NULL,
    reviewer TEXT NOT NULL,
    comment  TEXT NOT NULL DEFAULT '',
    at       TIMESTAMPTZ NOT NULL
);

-- +goose Down
DROP TABLE anomaly_review;
DROP TABLE anomaly_ej;
DROP TABLE anomaly;
