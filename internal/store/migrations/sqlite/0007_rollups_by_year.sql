-- The rollup tables' keys begin with what a whole plan's figures are
-- summed by (the quantity kind, the year) rather than the unit, so the
-- database sums a whole country's rows in one pass in key order instead
-- of sorting them first (lumped facts, indicators.go). A part's rows are
-- still found by key: plan, kind, year and unit are all given.
CREATE TABLE fact_reach_y (
    plan_id  BIGINT NOT NULL,
    unit_id  BIGINT NOT NULL,
    year     INTEGER NOT NULL,
    total    REAL NOT NULL DEFAULT 0,
    women    REAL NOT NULL DEFAULT 0,
    children REAL NOT NULL DEFAULT 0,
    PRIMARY KEY (plan_id, year, unit_id)
) WITHOUT ROWID;
INSERT INTO fact_reach_y SELECT plan_id, unit_id, year, total, women, children FROM fact_reach;
DROP TABLE fact_reach;
ALTER TABLE fact_reach_y RENAME TO fact_reach;

CREATE TABLE fact_quantity_y (
    plan_id BIGINT NOT NULL,
    unit_id BIGINT NOT NULL,
    year    INTEGER NOT NULL,
    kind_id BIGINT NOT NULL,
    task_id BIGINT NOT NULL,
    value   REAL NOT NULL DEFAULT 0,
    PRIMARY KEY (plan_id, kind_id, year, unit_id, task_id)
) WITHOUT ROWID;
INSERT INTO fact_quantity_y SELECT plan_id, unit_id, year, kind_id, task_id, value FROM fact_quantity;
DROP TABLE fact_quantity;
ALTER TABLE fact_quantity_y RENAME TO fact_quantity;

CREATE TABLE fact_month_y (
    plan_id BIGINT NOT NULL,
    unit_id BIGINT NOT NULL,
    year    INTEGER NOT NULL,
    kind_id BIGINT NOT NULL,
    m01 BIGINT NOT NULL DEFAULT 0,
    m02 BIGINT NOT NULL DEFAULT 0,
    m03 BIGINT NOT NULL DEFAULT 0,
    m04 BIGINT NOT NULL DEFAULT 0,
    m05 BIGINT NOT NULL DEFAULT 0,
    m06 BIGINT NOT NULL DEFAULT 0,
    m07 BIGINT NOT NULL DEFAULT 0,
    m08 BIGINT NOT NULL DEFAULT 0,
    m09 BIGINT NOT NULL DEFAULT 0,
    m10 BIGINT NOT NULL DEFAULT 0,
    m11 BIGINT NOT NULL DEFAULT 0,
    m12 BIGINT NOT NULL DEFAULT 0,
    PRIMARY KEY (plan_id, kind_id, year, unit_id)
) WITHOUT ROWID;
INSERT INTO fact_month_y SELECT plan_id, unit_id, year, kind_id, m01, m02, m03, m04, m05, m06, m07, m08, m09, m10, m11, m12 FROM fact_month;
DROP TABLE fact_month;
ALTER TABLE fact_month_y RENAME TO fact_month;
