package store

import (
	"context"
	"database/sql"
	"errors"
	"strings"

	"outreach/internal/outreach"
)

// planRef is what resolving a plan gives: its id and the province codes
// its units may be under (the province and what it became).
type planRef struct {
	id        int64
	code      string
	from, to  int
	provinces []string
	// since holds, for a province the plan's province became, the day it
	// did: the units under that code count from then on only (Thái
	// Nguyên's own units before 2025-07-01 are not Bắc Kạn's).
	since map[string]string
}

func resolvePlan(ctx context.Context, q querier, code string) (planRef, error) {
	p := planRef{code: code, since: map[string]string{}}
	var province string
	err := q.QueryRowContext(ctx, `SELECT id, province_code, period_from, period_to FROM plans WHERE code = $1`, code).Scan(&p.id, &province, &p.from, &p.to)
	if errors.Is(err, sql.ErrNoRows) {
		return p, outreach.Invalid("plan", "no plan has the code %q", code)
	}
	if err != nil {
		return p, err
	}
	p.provinces = []string{province}
	// A province merged into another (Bắc Kạn into Thái Nguyên in 2025)
	// keeps its plan's communes under the successor.
	err = each(ctx, q, `SELECT n.code, min(c.date) FROM unit_changes c JOIN units o ON o.id = c.old_unit_id JOIN units n ON n.id = c.new_unit_id
		WHERE o.code = $1 AND o.level = 1 AND n.code <> $1 GROUP BY n.code ORDER BY n.code`, []any{province}, func(r *sql.Rows) error {
		var c, d string
		err := r.Scan(&c, &d)
		p.provinces = append(p.provinces, c)
		p.since[c] = d
		return err
	})
	return p, err
}

// inProvince reports whether a unit version lies under one of the plan's
// provinces: under its own, or under one it became and in force on or
// after the day it became it.
func (p planRef) inProvince(u outreach.Unit) bool {
	for _, c := range p.provinces {
		if u.Path == c || strings.HasPrefix(u.Path, c+"/") {
			if d, ok := p.since[c]; !ok || u.ValidTo == "" || u.ValidTo > d {
				return true
			}
		}
	}
	return false
}
