-- The people of the plans' own population groups reached (0015's
-- activity_audience), per plan, unit version, year and group, as a
-- rollup kept in the same transaction as every write like fact_reach:
-- an activity's figure split equally between its places (n_units), unit 0
-- for the whole area. The indicator engine reads it instead of grouping
-- every activity of a plan on each computation.
-- A plan's facts are found through the primary key.
CREATE TABLE fact_audience (
    plan_id BIGINT NOT NULL,
    unit_id BIGINT NOT NULL,
    year    INTEGER NOT NULL,
    grp     TEXT NOT NULL,
    value   DOUBLE PRECISION NOT NULL DEFAULT 0,
    PRIMARY KEY (plan_id, unit_id, year, grp)
);

INSERT INTO fact_audience (plan_id, unit_id, year, grp, value)
SELECT a.plan_id, coalesce(au.unit_id, 0), CAST(substr(a.start_date, 1, 4) AS INTEGER), g.grp,
       sum(1.0 * g.value / CASE WHEN a.n_units > 0 THEN a.n_units ELSE 1 END)
FROM activities a JOIN activity_audience g ON g.activity_id = a.id LEFT JOIN activity_units au ON au.activity_id = a.id
WHERE a.deleted_at IS NULL
GROUP BY a.plan_id, coalesce(au.unit_id, 0), CAST(substr(a.start_date, 1, 4) AS INTEGER), g.grp;
ANALYZE fact_audience;
