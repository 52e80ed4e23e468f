-- On SQLite this migration stores the rollup tables in key order
-- (WITHOUT ROWID). PostgreSQL reads them through their primary-key index
-- and has no such table kind; the migration exists so both engines keep
-- the same list. It refreshes the planner's statistics of the rollups.
ANALYZE fact_reach;
ANALYZE fact_quantity;
ANALYZE fact_delivery;
ANALYZE fact_month;

-- Imports no longer read their activities back by import id (their
-- rollup contribution is added up in Go), so that index only cost every
-- insert an index write.
DROP INDEX activities_import;
