-- Report rounds: a regime may ask, beside the annual report, for a
-- six-month report and an end-of-period (tổng kết) one, each with its own
-- window, deadline and recipient. A report belongs to one round's period.

CREATE TABLE plan_report_rounds (
    plan_id     BIGINT NOT NULL REFERENCES plans (id) ON DELETE CASCADE,
    position    INTEGER NOT NULL,
    round       TEXT NOT NULL,
    name        TEXT NOT NULL,
    deadline    TEXT NOT NULL,
    cutoff_from TEXT NOT NULL,
    cutoff_to   TEXT NOT NULL,
    year        INTEGER NOT NULL,
    -- the agency's code in the plan; '' is the regime's recipient
    recipient   TEXT NOT NULL,
    PRIMARY KEY (plan_id, round)
);

-- SQLite cannot change a table's UNIQUE constraint: the table is rebuilt
-- with the round in its key (no table refers to reports, so dropping the
-- old one is safe with foreign keys on).
CREATE TABLE reports_new (
    id                 INTEGER PRIMARY KEY,
    plan_id            BIGINT NOT NULL REFERENCES plans (id),
    kind               TEXT NOT NULL,
    round              TEXT NOT NULL DEFAULT 'annual',
    year               INTEGER NOT NULL,
    agency_id          BIGINT NOT NULL REFERENCES agencies (id),
    status             TEXT NOT NULL,
    number             TEXT NOT NULL DEFAULT '',
    signer_title       TEXT NOT NULL DEFAULT '',
    signer_name        TEXT NOT NULL DEFAULT '',
    results            TEXT NOT NULL DEFAULT '',
    shortcomings       TEXT NOT NULL DEFAULT '',
    causes             TEXT NOT NULL DEFAULT '',
    proposals          TEXT NOT NULL DEFAULT '',
    figures            TEXT,
    first_submitted_at TEXT,
    submitted_at       TEXT,
    submitted_by       TEXT,
    decided_at         TEXT,
    decided_by         TEXT,
    reason             TEXT NOT NULL DEFAULT '',
    created_at         TEXT NOT NULL,
    created_by         TEXT NOT NULL,
    updated_at         TEXT NOT NULL,
    updated_by         TEXT NOT NULL,
    UNIQUE (plan_id, kind, round, year, agency_id)
);
INSERT INTO reports_new (id, plan_id, kind, round, year, agency_id, status, number, signer_title, signer_name, results, shortcomings, causes,
    proposals, figures, first_submitted_at, submitted_at, submitted_by, decided_at, decided_by, reason, created_at, created_by, updated_at, updated_by)
SELECT id, plan_id, kind, 'annual', year, agency_id, status, number, signer_title, signer_name, results, shortcomings, causes,
    proposals, figures, first_submitted_at, submitted_at, submitted_by, decided_at, decided_by, reason, created_at, created_by, updated_at, updated_by
FROM reports;
DROP TABLE reports;
ALTER TABLE reports_new RENAME TO reports;
