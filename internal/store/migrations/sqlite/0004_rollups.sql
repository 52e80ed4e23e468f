-- Rollups the indicators read instead of the records, kept in the same
-- transaction as every write (docs/decisions/0005): people reached and
-- quantities per unit version and year, and each commune's first receipt
-- and deployment of materials. A test proves they always equal a full
-- recomputation from the records.
CREATE TABLE fact_reach (
    plan_id  BIGINT NOT NULL,
    unit_id  BIGINT NOT NULL,
    year     INTEGER NOT NULL,
    total    REAL NOT NULL DEFAULT 0,
    women    REAL NOT NULL DEFAULT 0,
    children REAL NOT NULL DEFAULT 0,
    PRIMARY KEY (plan_id, unit_id, year)
);

CREATE TABLE fact_quantity (
    plan_id BIGINT NOT NULL,
    unit_id BIGINT NOT NULL,
    year    INTEGER NOT NULL,
    kind_id BIGINT NOT NULL,
    task_id BIGINT NOT NULL,
    value   REAL NOT NULL DEFAULT 0,
    PRIMARY KEY (plan_id, unit_id, year, kind_id, task_id)
);

CREATE TABLE fact_delivery (
    plan_id        BIGINT NOT NULL,
    unit_id        BIGINT NOT NULL,
    first_received TEXT NOT NULL,
    first_deployed TEXT,
    PRIMARY KEY (plan_id, unit_id)
);

-- How many activities counted a kind (a value above 0) per unit version,
-- year and month (m01 … m12), for frequency targets ("a news item every
-- month"): one row per unit and year keeps the table small.
CREATE TABLE fact_month (
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
    PRIMARY KEY (plan_id, unit_id, year, kind_id)
);

-- Whole-province activities count under unit_id 0.
INSERT INTO fact_reach (plan_id, unit_id, year, total, women, children)
SELECT a.plan_id, coalesce(au.unit_id, 0), CAST(substr(a.start_date, 1, 4) AS INTEGER),
       sum(coalesce(1.0 * a.aud_total, 0) / CASE WHEN a.n_units > 0 THEN a.n_units ELSE 1 END),
       sum(coalesce(1.0 * a.aud_women, 0) / CASE WHEN a.n_units > 0 THEN a.n_units ELSE 1 END),
       sum(coalesce(1.0 * a.aud_children, 0) / CASE WHEN a.n_units > 0 THEN a.n_units ELSE 1 END)
FROM activities a LEFT JOIN activity_units au ON au.activity_id = a.id
WHERE a.deleted_at IS NULL
GROUP BY a.plan_id, coalesce(au.unit_id, 0), CAST(substr(a.start_date, 1, 4) AS INTEGER);

INSERT INTO fact_quantity (plan_id, unit_id, year, kind_id, task_id, value)
SELECT a.plan_id, coalesce(au.unit_id, 0), CAST(substr(a.start_date, 1, 4) AS INTEGER), q.kind_id, coalesce(a.task_id, 0),
       sum(q.value / CASE WHEN a.n_units > 0 THEN a.n_units ELSE 1 END)
FROM activities a JOIN activity_quantities q ON q.activity_id = a.id LEFT JOIN activity_units au ON au.activity_id = a.id
WHERE a.deleted_at IS NULL
GROUP BY a.plan_id, coalesce(au.unit_id, 0), CAST(substr(a.start_date, 1, 4) AS INTEGER), q.kind_id, coalesce(a.task_id, 0);

INSERT INTO fact_month (plan_id, unit_id, year, kind_id, m01, m02, m03, m04, m05, m06, m07, m08, m09, m10, m11, m12)
SELECT a.plan_id, coalesce(au.unit_id, 0), CAST(substr(a.start_date, 1, 4) AS INTEGER), q.kind_id,
       sum(CASE WHEN substr(a.start_date, 6, 2) = '01' THEN 1 ELSE 0 END),
       sum(CASE WHEN substr(a.start_date, 6, 2) = '02' THEN 1 ELSE 0 END),
       sum(CASE WHEN substr(a.start_date, 6, 2) = '03' THEN 1 ELSE 0 END),
       sum(CASE WHEN substr(a.start_date, 6, 2) = '04' THEN 1 ELSE 0 END),
       sum(CASE WHEN substr(a.start_date, 6, 2) = '05' THEN 1 ELSE 0 END),
       sum(CASE WHEN substr(a.start_date, 6, 2) = '06' THEN 1 ELSE 0 END),
       sum(CASE WHEN substr(a.start_date, 6, 2) = '07' THEN 1 ELSE 0 END),
       sum(CASE WHEN substr(a.start_date, 6, 2) = '08' THEN 1 ELSE 0 END),
       sum(CASE WHEN substr(a.start_date, 6, 2) = '09' THEN 1 ELSE 0 END),
       sum(CASE WHEN substr(a.start_date, 6, 2) = '10' THEN 1 ELSE 0 END),
       sum(CASE WHEN substr(a.start_date, 6, 2) = '11' THEN 1 ELSE 0 END),
       sum(CASE WHEN substr(a.start_date, 6, 2) = '12' THEN 1 ELSE 0 END)
FROM activities a JOIN activity_quantities q ON q.activity_id = a.id LEFT JOIN activity_units au ON au.activity_id = a.id
WHERE a.deleted_at IS NULL AND q.value > 0
GROUP BY a.plan_id, coalesce(au.unit_id, 0), CAST(substr(a.start_date, 1, 4) AS INTEGER), q.kind_id;

INSERT INTO fact_delivery (plan_id, unit_id, first_received, first_deployed)
SELECT m.plan_id, du.unit_id, min(du.received_on), min(du.deployed_on)
FROM distribution_units du JOIN distributions d ON d.id = du.distribution_id JOIN materials m ON m.id = d.material_id
JOIN plans p ON p.id = m.plan_id
WHERE d.deleted_at IS NULL AND m.deleted_at IS NULL AND m.type <> 'other' AND du.received_on IS NOT NULL
AND du.received_on >= CAST(p.period_from AS TEXT) || '-01-01'
GROUP BY m.plan_id, du.unit_id;

-- An import adds its rows' contribution by import id.
CREATE INDEX activities_import ON activities (import_id);
CREATE INDEX distributions_import ON distributions (import_id);
