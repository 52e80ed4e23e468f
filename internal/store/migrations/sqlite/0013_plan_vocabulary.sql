-- A plan's own vocabulary (issue 14): the population groups, unit sets and
-- model types its targets name beside the built-in ones, as one JSON
-- object {populations, unit_sets, model_types} ('' for none); a target's
-- keys beyond the columns of plan_targets (at_least, from, filter,
-- model_types, window, progress) as one JSON object ('' when none is
-- set); and the media level (central, provincial, local) of an agency
-- that publishes ('' for others).

ALTER TABLE plans ADD COLUMN vocabulary TEXT NOT NULL DEFAULT '';
ALTER TABLE plan_targets ADD COLUMN definition TEXT NOT NULL DEFAULT '';
ALTER TABLE agencies ADD COLUMN media_level TEXT NOT NULL DEFAULT '';
