package store

import (
	"context"
	"database/sql"
	"encoding/json"
	"fmt"

	"outreach/internal/geo"
	"outreach/internal/outreach"
)

// ImportBoundaries stores unit boundaries from GeoJSON features, matching
// each feature's code to the unit version in force on asOf — or, without
// asOf, to the code's latest version. All or nothing.
func (s *Store) ImportBoundaries(ctx context.Context, actor outreach.Actor, source string, fs []geo.Feature, asOf string) (n int, err error) {
	defer wrap(&err, "ImportBoundaries(%s)", source)
	if !actor.CanEditPlans() {
		return 0, actor.Forbidden("import boundaries")
	}
	if asOf != "" && !outreach.ValidDate(asOf) {
		return 0, outreach.Invalid("as_of", "expected a date YYYY-MM-DD, got %q", asOf)
	}
	err = s.tx(ctx, func(tx *sql.Tx) error {
		v := &outreach.ValidationError{}
		for i, f := range fs {
			var id int64
			var q string
			args := []any{f.Code}
			if asOf != "" {
				q = `SELECT id FROM units WHERE code = $1 AND ` + validAtSQL(2)
				args = append(args, asOf)
			} else {
				q = `SELECT id FROM units WHERE code = $1 ORDER BY coalesce(valid_from, '') DESC LIMIT 1`
			}
			if err := tx.QueryRowContext(ctx, q, args...).Scan(&id); err == sql.ErrNoRows {
				v.Add(fmt.Sprintf("features[%d]", i), "no unit has the code %q%s", f.Code, map[bool]string{true: " on " + asOf}[asOf != ""])
				continue
			} else if err != nil {
				return err
			}
			if _, err := tx.ExecContext(ctx, `INSERT INTO unit_boundaries (unit_id, geometry, source) VALUES ($1, $2, $3)
				ON CONFLICT (unit_id) DO UPDATE SET geometry = excluded.geometry, source = excluded.source`, id, string(f.Geometry), source); err != nil {
				return err
			}
			n++
		}
		if err := v.Err(); err != nil {
			return err
		}
		return s.audit(ctx, tx, actor, "import", "boundaries", source, nil, map[string]any{"features": n, "as_of": asOf})
	})
	return n, err
}

// Boundaries returns the geometries of the given unit versions that have one.
func (s *Store) Boundaries(ctx context.Context, ids []int64) (_ map[int64]json.RawMessage, err error) {
	defer wrap(&err, "Boundaries")
	out := map[int64]json.RawMessage{}
	for _, id := range ids {
		var g string
		switch err := s.db.QueryRowContext(ctx, `SELECT geometry FROM unit_boundaries WHERE unit_id = $1`, id).Scan(&g); {
		case err == sql.ErrNoRows:
		case err != nil:
			return nil, err
		default:
			out[id] = json.RawMessage(g)
		}
	}
	return out, nil
}
