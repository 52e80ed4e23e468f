-- The dashboard's "needs attention" looks for the year's activities whose
-- people reached exceed their places' population: only those above the
-- smallest population in the plan's area can, and this index finds them
-- without reading the province's hundreds of thousands of others.
CREATE INDEX activities_plan_audience ON activities (plan_id, aud_total);
