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

ALTER TABLE reports ADD COLUMN round TEXT NOT NULL DEFAULT 'annual';
ALTER TABLE reports DROP CONSTRAINT reports_plan_id_kind_year_agency_id_key;
ALTER TABLE reports ADD CONSTRAINT reports_period_key UNIQUE (plan_id, kind, round, year, agency_id);
