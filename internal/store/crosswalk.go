package store

import (
	"context"
	"database/sql"

	"outreach/internal/indicators"
)

// loadTree reads every unit version and change and prepares the
// crosswalk to the versions in force on asOf (indicators.Tree says how it
// carries figures).
func (s *Store) loadTree(ctx context.Context, asOf string) (*indicators.Tree, error) {
	us, err := queryUnits(ctx, s.db, `SELECT `+unitColumns+` FROM units`)
	if err != nil {
		return nil, err
	}
	var changes []indicators.Change
	err = each(ctx, s.db, `SELECT old_unit_id, new_unit_id, date, portion, coalesce(share, 0) FROM unit_changes WHERE new_unit_id IS NOT NULL`, nil, func(r *sql.Rows) error {
		var c indicators.Change
		err := r.Scan(&c.Old, &c.New, &c.Date, &c.Portion, &c.Share)
		changes = append(changes, c)
		return err
	})
	if err != nil {
		return nil, err
	}
	figures, err := latestFigures(ctx, s.db, "total", asOf)
	if err != nil {
		return nil, err
	}
	totals := make(map[int64]float64, len(figures))
	for id, f := range figures {
		totals[id] = f.Value
	}
	return indicators.NewTree(asOf, us, changes, totals), nil
}

// latestFigures reads a census group's figure per unit version: the
// latest on or before asOf (the 2019 census, or a later figure a user
// imported), else the earliest there is.
func latestFigures(ctx context.Context, q querier, group, asOf string) (map[int64]indicators.Figure, error) {
	figures := map[int64]indicators.Figure{}
	err := each(ctx, q, `SELECT unit_id, value, source, ref_date FROM unit_populations WHERE grp = $1 ORDER BY unit_id, ref_date`, []any{group}, func(r *sql.Rows) error {
		var id int64
		var f indicators.Figure
		var d string
		if err := r.Scan(&id, &f.Value, &f.Source, &d); err != nil {
			return err
		}
		if _, seen := figures[id]; !seen || d <= asOf {
			figures[id] = f
		}
		return nil
	})
	return figures, err
}

// censusReader reads census figures for a tree's date, for the engine.
func (s *Store) censusReader(ctx context.Context, asOf string) indicators.CensusReader {
	return func(group string) (map[int64]indicators.Figure, error) {
		return latestFigures(ctx, s.db, group, asOf)
	}
}
