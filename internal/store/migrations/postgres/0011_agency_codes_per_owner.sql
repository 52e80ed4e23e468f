-- Agency codes are unique within their owner (the country or a province),
-- not across the database: every province has its own stttt, cong-an,
-- hoi-phu-nu. A plan's agencies are found within the plan, then within
-- its owner.

-- An agency no plan named when migration 0009 ran has no owner yet; it
-- takes the owner of the first plan whose records name it. (Codes were
-- unique until now, so this cannot give an owner the same code twice.)
UPDATE agencies SET owner_code = coalesce(
    (SELECT p.owner_code FROM activities a JOIN plans p ON p.id = a.plan_id WHERE a.agency_id = agencies.id ORDER BY p.id LIMIT 1),
    (SELECT p.owner_code FROM materials m JOIN plans p ON p.id = m.plan_id WHERE m.agency_id = agencies.id ORDER BY p.id LIMIT 1),
    (SELECT p.owner_code FROM reports r JOIN plans p ON p.id = r.plan_id WHERE r.agency_id = agencies.id ORDER BY p.id LIMIT 1),
    '')
WHERE owner_code = '';

ALTER TABLE agencies DROP CONSTRAINT agencies_code_key;
ALTER TABLE agencies ADD CONSTRAINT agencies_owner_code_key UNIQUE (owner_code, code);

-- An address without its owner (an old link /agencies/{code}) is looked
-- up by code alone.
CREATE INDEX agencies_code ON agencies (code);
