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
}

func resolvePlan(ctx context.Context, q querier, code string) (planRef, error) {
	p := planRef{code: code}
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
	err = each(ctx, q, `SELECT DISTINCT n.code FROM unit_changes c JOIN units o ON o.id = c.old_unit_id JOIN units n ON n.id = c.new_unit_id
		WHERE o.code = $1 AND o.level = 1`, []any{province}, func(r *sql.Rows) error {
		var c string
		err := r.Scan(&c)
		p.provinces = append(p.provinces, c)
		return err
	})
	return p, err
}

// inProvince reports whether a unit path lies under one of the plan's
// provinces.
func (p planRef) inProvince(path string) bool {
	for _, c := range p.provinces {
		if path == c || strings.HasPrefix(path, c+"/") {
			return true
		}
	}
	return false
}
