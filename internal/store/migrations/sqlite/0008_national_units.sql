-- The national register of units: how the source found each link between
-- unit versions (confidence, in its words) and whether the link is
-- uncertain (the source doubts where a unit went, or a partial link has no
-- share); the versions no source links forward or back (unresolved); and
-- the built-in seed a database holds, so that a start loads a newer one
-- once (the rows it lacks) and then nothing.
ALTER TABLE unit_changes ADD COLUMN confidence TEXT NOT NULL DEFAULT '';
ALTER TABLE unit_changes ADD COLUMN uncertain BOOLEAN NOT NULL DEFAULT FALSE;

CREATE TABLE unit_unresolved (
    id      INTEGER PRIMARY KEY,
    unit_id BIGINT NOT NULL REFERENCES units (id),
    date    TEXT NOT NULL,
    unknown TEXT NOT NULL,
    reason  TEXT NOT NULL DEFAULT '',
    UNIQUE (unit_id, date, unknown)
);

CREATE TABLE unit_seeds (
    name      TEXT PRIMARY KEY,
    sha256    TEXT NOT NULL,
    loaded_at TEXT NOT NULL
);

-- A census group's figures are read for every unit at once (the
-- crosswalk's denominators): by group, not by unit.
CREATE INDEX unit_populations_grp ON unit_populations (grp, unit_id, ref_date);
