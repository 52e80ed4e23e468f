-- Reported targets: a target no record can compute ("100 % số tin báo, tố
-- giác được xử lý") takes the value its responsible agency reports for a
-- report period (its key: "2019", "2019-h1", "2020-final"), as a numerator
-- and a denominator with the evidence, once the plan's coordinators accept
-- it. One value per plan, target and period: a resubmission replaces it.
-- The target is named by its code (plan_targets.code), which a re-import
-- keeps.

CREATE TABLE target_reports (
    id           INTEGER PRIMARY KEY,
    plan_id      BIGINT NOT NULL REFERENCES plans (id),
    target_code  TEXT NOT NULL,
    period       TEXT NOT NULL,
    agency_id    BIGINT NOT NULL REFERENCES agencies (id),
    numerator    REAL NOT NULL,
    denominator  REAL NOT NULL,
    evidence     TEXT NOT NULL DEFAULT '',
    -- submitted, accepted or returned
    state        TEXT NOT NULL,
    reason       TEXT NOT NULL DEFAULT '',
    submitted_at TEXT NOT NULL,
    submitted_by TEXT NOT NULL,
    decided_at   TEXT,
    decided_by   TEXT,
    UNIQUE (plan_id, target_code, period)
);
