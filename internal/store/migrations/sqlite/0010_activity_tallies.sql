-- The dashboard's activity figures of a whole plan (how many activities
-- per channel, theme, agency, month and funding source, and what they
-- cost) as rollups, kept in the same transaction as every write like
-- those of migration 0004, so that a province's dashboard reads a few
-- hundred rows instead of a year of records (hundreds of thousands). An
-- activity counts once, whatever its places; funding_source_id 0 is none.
-- WITHOUT ROWID: a plan's year is one range scan in key order (0006).
CREATE TABLE fact_activity (
    plan_id           BIGINT NOT NULL,
    year              INTEGER NOT NULL,
    month             INTEGER NOT NULL,
    channel_id        BIGINT NOT NULL,
    agency_id         BIGINT NOT NULL,
    funding_source_id BIGINT NOT NULL,
    n_activities      BIGINT NOT NULL DEFAULT 0,
    n_costed          BIGINT NOT NULL DEFAULT 0,
    cost              BIGINT NOT NULL DEFAULT 0,
    PRIMARY KEY (plan_id, year, month, channel_id, agency_id, funding_source_id)
) WITHOUT ROWID;

CREATE TABLE fact_activity_theme (
    plan_id      BIGINT NOT NULL,
    year         INTEGER NOT NULL,
    theme_id     BIGINT NOT NULL,
    n_activities BIGINT NOT NULL DEFAULT 0,
    PRIMARY KEY (plan_id, year, theme_id)
) WITHOUT ROWID;

INSERT INTO fact_activity (plan_id, year, month, channel_id, agency_id, funding_source_id, n_activities, n_costed, cost)
SELECT a.plan_id, CAST(substr(a.start_date, 1, 4) AS INTEGER), CAST(substr(a.start_date, 6, 2) AS INTEGER),
       a.channel_id, a.agency_id, coalesce(a.funding_source_id, 0),
       count(*), sum(CASE WHEN a.cost > 0 THEN 1 ELSE 0 END), sum(a.cost)
FROM activities a
WHERE a.deleted_at IS NULL
GROUP BY a.plan_id, CAST(substr(a.start_date, 1, 4) AS INTEGER), CAST(substr(a.start_date, 6, 2) AS INTEGER),
         a.channel_id, a.agency_id, coalesce(a.funding_source_id, 0);

INSERT INTO fact_activity_theme (plan_id, year, theme_id, n_activities)
SELECT a.plan_id, CAST(substr(a.start_date, 1, 4) AS INTEGER), t.theme_id, count(*)
FROM activities a JOIN activity_themes t ON t.activity_id = a.id
WHERE a.deleted_at IS NULL
GROUP BY a.plan_id, CAST(substr(a.start_date, 1, 4) AS INTEGER), t.theme_id;
