-- Every province and the ministry on one model.
--
-- The country is the root of the unit tree: one unit in force over every
-- date, every province under it, and every path starting from it. (Codes
-- are letters and digits, so the paths' "/" stays unambiguous.)
INSERT INTO units (code, name, type, level, parent_code, path, valid_from, valid_to)
    SELECT 'VN', 'Việt Nam', 'quoc_gia', 0, NULL, 'VN', NULL, NULL
    WHERE NOT EXISTS (SELECT 1 FROM units WHERE code = 'VN');
UPDATE units SET path = 'VN/' || path WHERE code <> 'VN';
UPDATE units SET parent_code = 'VN' WHERE parent_code IS NULL AND code <> 'VN';

-- A plan covers any unit (its scope: the country, a province, a
-- district); its owner is the province it belongs to, or the country for a
-- national plan. A plan may serve a parent plan, and each of its targets
-- a target of that parent.
ALTER TABLE plans RENAME COLUMN province_code TO scope_code;
ALTER TABLE plans ADD COLUMN owner_code TEXT NOT NULL DEFAULT '';
UPDATE plans SET owner_code = scope_code;
ALTER TABLE plans ADD COLUMN parent_plan_id BIGINT REFERENCES plans (id);
ALTER TABLE plan_targets ADD COLUMN parent_target TEXT NOT NULL DEFAULT '';

-- Agencies belong to an owner: a province, or the country. An agency
-- stored before this migration belongs to the owner of the first plan that
-- names it.
ALTER TABLE agencies ADD COLUMN owner_code TEXT NOT NULL DEFAULT '';
UPDATE agencies SET owner_code = coalesce((SELECT p.owner_code FROM plan_agencies pa JOIN plans p ON p.id = pa.plan_id
    WHERE pa.agency_id = agencies.id ORDER BY p.id LIMIT 1), '');

-- Users are scoped: '' sees the whole system (the installations of one
-- province before this migration, and the operator's admins), 'VN' is the
-- ministry, a province code one province.
ALTER TABLE users ADD COLUMN scope_code TEXT NOT NULL DEFAULT '';
CREATE INDEX plans_owner ON plans (owner_code);
