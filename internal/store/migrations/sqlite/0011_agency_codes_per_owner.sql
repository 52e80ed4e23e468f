-- Agency codes are unique within their owner (the country or a province),
-- not across the database: every province has its own stttt, cong-an,
-- hoi-phu-nu. A plan's agencies are found within the plan, then within
-- its owner.
--
-- SQLite cannot drop a table's UNIQUE constraint, so the table is rebuilt
-- the way SQLite documents (https://sqlite.org/lang_altertable.html#otheralter):
-- a new table, the rows copied with their ids (plan_agencies, tasks,
-- activities, materials, distributions, models, reports, mailings, budget
-- estimates and users refer to them by id and still do), the old table
-- dropped, the new one renamed. Foreign key enforcement is off meanwhile
-- (with it on, dropping the old table would delete the group memberships
-- that cascade from it and fail on every other reference); the runner
-- turns it off for a migration carrying the next line, and checks every
-- reference before it commits.
-- migrate: foreign_keys off

-- An agency no plan named when migration 0009 ran has no owner yet; it
-- takes the owner of the first plan whose records name it. (Codes were
-- unique until now, so this cannot give an owner the same code twice.)
UPDATE agencies SET owner_code = coalesce(
    (SELECT p.owner_code FROM activities a JOIN plans p ON p.id = a.plan_id WHERE a.agency_id = agencies.id ORDER BY p.id LIMIT 1),
    (SELECT p.owner_code FROM materials m JOIN plans p ON p.id = m.plan_id WHERE m.agency_id = agencies.id ORDER BY p.id LIMIT 1),
    (SELECT p.owner_code FROM reports r JOIN plans p ON p.id = r.plan_id WHERE r.agency_id = agencies.id ORDER BY p.id LIMIT 1),
    '')
WHERE owner_code = '';

CREATE TABLE agencies_new (
    id          INTEGER PRIMARY KEY,
    code        TEXT NOT NULL,
    name        TEXT NOT NULL,
    short_name  TEXT NOT NULL DEFAULT '',
    type        TEXT NOT NULL,
    unit_code   TEXT NOT NULL DEFAULT '',
    valid_from  TEXT,
    valid_to    TEXT,
    note        TEXT NOT NULL DEFAULT '',
    focal_name  TEXT NOT NULL DEFAULT '',
    focal_email TEXT NOT NULL DEFAULT '',
    focal_phone TEXT NOT NULL DEFAULT '',
    owner_code  TEXT NOT NULL DEFAULT '',
    UNIQUE (owner_code, code)
);
INSERT INTO agencies_new (id, code, name, short_name, type, unit_code, valid_from, valid_to, note, focal_name, focal_email, focal_phone, owner_code)
SELECT id, code, name, short_name, type, unit_code, valid_from, valid_to, note, focal_name, focal_email, focal_phone, owner_code
FROM agencies;
DROP TABLE agencies;
ALTER TABLE agencies_new RENAME TO agencies;

-- An address without its owner (an old link /agencies/{code}) is looked
-- up by code alone.
CREATE INDEX agencies_code ON agencies (code);
