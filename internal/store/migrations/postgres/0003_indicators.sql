-- Indicators: the share of a split unit each partial link carries (for
-- moving recorded figures onto successors), and boundaries to draw maps.
ALTER TABLE unit_changes ADD COLUMN share DOUBLE PRECISION;

CREATE TABLE unit_boundaries (
    unit_id  BIGINT PRIMARY KEY REFERENCES units (id),
    geometry TEXT NOT NULL,
    source   TEXT NOT NULL DEFAULT ''
);

-- Every record page reads its history by entity and key.
CREATE INDEX audit_log_entity ON audit_log (entity, entity_key);

-- How many places an activity lists: its audience and quantities are split
-- equally between them, and indicators should not count them per query.
ALTER TABLE activities ADD COLUMN n_units INTEGER NOT NULL DEFAULT 0;
UPDATE activities SET n_units = (SELECT count(*) FROM activity_units x WHERE x.activity_id = activities.id);
