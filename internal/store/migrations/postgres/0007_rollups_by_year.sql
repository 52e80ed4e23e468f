-- On SQLite this migration puts the quantity kind and the year before the
-- unit in the rollup tables' keys, so a whole plan's rows are summed in
-- key order without a sort. PostgreSQL groups by hashing and finds a
-- part's rows through the existing keys; the migration exists so both
-- engines keep the same list. It refreshes the planner's statistics.
ANALYZE fact_reach;
ANALYZE fact_quantity;
ANALYZE fact_month;
