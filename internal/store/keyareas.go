package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"slices"
	"strings"

	"outreach/internal/outreach"
)

// SetKeyArea marks the commune with the code (as it stood during the year)
// as a key area of the plan for the year, with its reasons, or updates the
// mark. Admins and coordinators only.
func (s *Store) SetKeyArea(ctx context.Context, actor outreach.Actor, planCode, unitCode string, year int, reasons []string, note string) (err error) {
	defer wrap(&err, "SetKeyArea(%s, %s, %d)", planCode, unitCode, year)
	if !actor.CanEditPlans() {
		return actor.Forbidden("mark key areas")
	}
	v := &outreach.ValidationError{}
	if len(reasons) == 0 {
		v.Add("reasons", "give at least one reason: %s", strings.Join(outreach.KeyAreaReasons, ", "))
	}
	for _, r := range reasons {
		if !slices.Contains(outreach.KeyAreaReasons, r) {
			v.Add("reasons", "expected %s, got %q", strings.Join(outreach.KeyAreaReasons, ", "), r)
		}
	}
	if err := v.Err(); err != nil {
		return err
	}
	return s.tx(ctx, func(tx *sql.Tx) error {
		p, err := resolvePlan(ctx, tx, planCode)
		if err != nil {
			return err
		}
		if err := ownerCheck(actor, p.owner, "key areas"); err != nil {
			return err
		}
		planID := p.id
		if year < p.from || year > p.to {
			return outreach.Invalid("year", "expected a year of the plan, %d–%d, got %d", p.from, p.to, year)
		}
		// Key areas are judged at the end of the year, so the mark goes on
		// the commune as it stood on 31 December; one merged away during the
		// year is marked through its successor.
		u, err := scanUnit(tx.QueryRowContext(ctx, `SELECT `+unitColumns+` FROM units WHERE code = $2 AND `+validAtSQL(1),
			fmt.Sprintf("%d-12-31", year), unitCode))
		if errors.Is(err, sql.ErrNoRows) {
			return outreach.Invalid("unit", "no unit %s was in force on 31/12/%d (a commune merged away that year is marked through its successor)", unitCode, year)
		} else if err != nil {
			return err
		}
		if !u.IsCommune() {
			return outreach.Invalid("unit", "%s is not a commune (xã, phường, thị trấn)", u.Name)
		}
		if !p.covers(u) {
			return outreach.Invalid("unit", "%s is outside the plan's province", u.Name)
		}
		action := "create"
		var before any
		var oldReasons, oldNote string
		err = tx.QueryRowContext(ctx, `SELECT reasons, note FROM key_areas WHERE plan_id = $1 AND unit_id = $2 AND year = $3`, planID, u.ID, year).Scan(&oldReasons, &oldNote)
		if err == nil {
			action = "update"
			before = map[string]any{"plan": planCode, "unit": unitCode, "year": year, "reasons": splitList(oldReasons), "note": oldNote}
		} else if !errors.Is(err, sql.ErrNoRows) {
			return err
		}
		after := map[string]any{"plan": planCode, "unit": unitCode, "year": year, "reasons": reasons, "note": note}
		_, err = tx.ExecContext(ctx, `INSERT INTO key_areas (plan_id, unit_id, year, reasons, note) VALUES ($1, $2, $3, $4, $5)
			ON CONFLICT (plan_id, unit_id, year) DO UPDATE SET reasons = excluded.reasons, note = excluded.note`,
			planID, u.ID, year, joinList(reasons), note)
		if err != nil {
			return err
		}
		return s.audit(ctx, tx, actor, action, "key_area", fmt.Sprintf("%s/%s/%d", planCode, unitCode, year), before, after)
	})
}

// RemoveKeyArea removes a key-area mark.
func (s *Store) RemoveKeyArea(ctx context.Context, actor outreach.Actor, planCode, unitCode string, year int) (err error) {
	defer wrap(&err, "RemoveKeyArea(%s, %s, %d)", planCode, unitCode, year)
	if !actor.CanEditPlans() {
		return actor.Forbidden("remove key areas")
	}
	return s.tx(ctx, func(tx *sql.Tx) error {
		var id int64
		var reasons, note, owner string
		err := tx.QueryRowContext(ctx, `SELECT k.id, k.reasons, k.note, p.owner_code FROM key_areas k JOIN plans p ON p.id = k.plan_id JOIN units u ON u.id = k.unit_id
			WHERE k.year = $1 AND p.code = $2 AND u.code = $3`, year, planCode, unitCode).Scan(&id, &reasons, &note, &owner)
		if err == nil {
			err = ownerCheck(actor, owner, "key areas")
		}
		if errors.Is(err, sql.ErrNoRows) {
			return fmt.Errorf("key area %s %d: %w", unitCode, year, outreach.ErrNotFound)
		} else if err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, `DELETE FROM key_areas WHERE id = $1`, id); err != nil {
			return err
		}
		before := map[string]any{"plan": planCode, "unit": unitCode, "year": year, "reasons": splitList(reasons), "note": note}
		return s.audit(ctx, tx, actor, "remove", "key_area", fmt.Sprintf("%s/%s/%d", planCode, unitCode, year), before, nil)
	})
}

// KeyAreas lists the plan's key areas for a year (all years when year is 0).
func (s *Store) KeyAreas(ctx context.Context, planCode string, year int) (_ []outreach.KeyArea, err error) {
	defer wrap(&err, "KeyAreas(%s, %d)", planCode, year)
	var n int
	if err := s.db.QueryRowContext(ctx, `SELECT count(*) FROM plans WHERE code = $1`, planCode).Scan(&n); err != nil {
		return nil, err
	} else if n == 0 {
		return nil, fmt.Errorf("plan %q: %w", planCode, outreach.ErrNotFound)
	}
	ks := []outreach.KeyArea{}
	err = each(ctx, s.db, `SELECT k.year, k.reasons, k.note, `+unitColumnsOf("u")+`
		FROM key_areas k JOIN plans p ON p.id = k.plan_id JOIN units u ON u.id = k.unit_id
		WHERE p.code = $1 AND ($2 = 0 OR k.year = $2) ORDER BY k.year, u.path`, []any{planCode, year}, func(r *sql.Rows) error {
		k := outreach.KeyArea{PlanCode: planCode}
		var reasons string
		u := &k.Unit
		if err := r.Scan(&k.Year, &reasons, &k.Note, &u.ID, &u.Code, &u.Name, &u.Type, &u.Level, &u.ParentCode, &u.Path, &u.ValidFrom, &u.ValidTo); err != nil {
			return err
		}
		k.Reasons = splitList(reasons)
		ks = append(ks, k)
		return nil
	})
	return ks, err
}

// PlanCommunes lists the communes of a plan's province (or what it
// became) in force on a date.
func (s *Store) PlanCommunes(ctx context.Context, planCode, date string) (_ []outreach.Unit, err error) {
	defer wrap(&err, "PlanCommunes(%s, %s)", planCode, date)
	p, err := resolvePlan(ctx, s.db, planCode)
	if err != nil {
		return nil, err
	}
	all, err := s.UnitsAsOf(ctx, date)
	if err != nil {
		return nil, err
	}
	var us []outreach.Unit
	for _, u := range all {
		if u.IsCommune() && p.covers(u) {
			us = append(us, u)
		}
	}
	return us, nil
}
