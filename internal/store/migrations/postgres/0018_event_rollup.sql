-- The quantities of activities per plan, kind, start date, unit version,
-- agency, channel and task (an activity's value split equally between its
-- places, unit 0 for the whole area), kept in the same transaction as
-- every write like fact_quantity. Counts and frequencies filtered by
-- agency, agency type, media level, channel or task, and frequencies of
-- more than one a period or by week, read a plan's rows of one kind in
-- key order instead of every activity of the plan.
CREATE TABLE fact_event (
    plan_id    BIGINT NOT NULL,
    kind_id    BIGINT NOT NULL,
    day        TEXT NOT NULL,
    unit_id    BIGINT NOT NULL,
    agency_id  BIGINT NOT NULL,
    channel_id BIGINT NOT NULL,
    task_id    BIGINT NOT NULL,
    value      DOUBLE PRECISION NOT NULL DEFAULT 0,
    PRIMARY KEY (plan_id, kind_id, day, unit_id, agency_id, channel_id, task_id)
);

INSERT INTO fact_event (plan_id, kind_id, day, unit_id, agency_id, channel_id, task_id, value)
SELECT a.plan_id, q.kind_id, a.start_date, coalesce(au.unit_id, 0), a.agency_id, a.channel_id, coalesce(a.task_id, 0),
       sum(q.value / CASE WHEN a.n_units > 0 THEN a.n_units ELSE 1 END)
FROM activities a JOIN activity_quantities q ON q.activity_id = a.id LEFT JOIN activity_units au ON au.activity_id = a.id
WHERE a.deleted_at IS NULL AND q.value > 0
GROUP BY a.plan_id, q.kind_id, a.start_date, coalesce(au.unit_id, 0), a.agency_id, a.channel_id, coalesce(a.task_id, 0);
ANALYZE fact_event;
