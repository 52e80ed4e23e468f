package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"slices"
	"strconv"

	"outreach/internal/outreach"
)

// planRef is what resolving a plan gives: its id and the units its
// records may lie under: its scope (the country, a province, a district)
// and what the scope became.
type planRef struct {
	id       int64
	code     string
	from, to int
	// scope is the code of the unit the plan covers; owner the province
	// (or the country) the plan belongs to.
	scope, owner string
	// codes are the scope's code and the codes of the units it became
	// (Bắc Kạn's province code, then Thái Nguyên's); paths the paths of
	// their versions, the prefixes the plan's units lie under.
	codes []string
	paths map[string][]string
	// since holds, for a unit the scope became, the day it did: the units
	// under that code count from then on only (Thái Nguyên's own units
	// before 2025-07-01 are not Bắc Kạn's).
	since map[string]string
}

func resolvePlan(ctx context.Context, q querier, code string) (planRef, error) {
	p := planRef{code: code, since: map[string]string{}, paths: map[string][]string{}}
	err := q.QueryRowContext(ctx, `SELECT id, scope_code, owner_code, period_from, period_to FROM plans WHERE code = $1`, code).
		Scan(&p.id, &p.scope, &p.owner, &p.from, &p.to)
	if errors.Is(err, sql.ErrNoRows) {
		return p, outreach.Invalid("plan", "no plan has the code %q", code)
	}
	if err != nil {
		return p, err
	}
	p.codes = []string{p.scope}
	// A unit merged into another of its tier (Bắc Kạn into Thái Nguyên in
	// 2025) keeps its plan's communes under the successor.
	err = each(ctx, q, `SELECT n.code, min(c.date) FROM unit_changes c JOIN units o ON o.id = c.old_unit_id JOIN units n ON n.id = c.new_unit_id
		WHERE o.code = $1 AND n.level = o.level AND n.code <> $1 GROUP BY n.code ORDER BY n.code`, []any{p.scope}, func(r *sql.Rows) error {
		var c, d string
		err := r.Scan(&c, &d)
		p.codes = append(p.codes, c)
		p.since[c] = d
		return err
	})
	if err != nil {
		return p, err
	}
	err = each(ctx, q, `SELECT DISTINCT code, path FROM units WHERE code IN (`+placeholders(len(p.codes))+`) ORDER BY code, path`, anys(p.codes), func(r *sql.Rows) error {
		var c, path string
		err := r.Scan(&c, &path)
		p.paths[c] = append(p.paths[c], path)
		return err
	})
	return p, err
}

// covers reports whether a unit version lies in the plan's area: under
// its scope, or under a unit the scope became and in force on or after
// the day it became it.
func (p planRef) covers(u outreach.Unit) bool {
	for _, c := range p.codes {
		for _, path := range p.paths[c] {
			if u.Under(path) {
				if d, ok := p.since[c]; !ok || u.ValidTo == "" || u.ValidTo > d {
					return true
				}
			}
		}
	}
	return false
}

// isWhole reports whether the unit is the plan's whole area: its scope,
// or the unit the scope became.
func (p planRef) isWhole(u outreach.Unit) bool { return slices.Contains(p.codes, u.Code) }

// scopePaths are the paths of the scope's own versions.
func (p planRef) scopePaths() []string { return p.paths[p.scope] }

// placeholders is "$1, $2, …, $n".
func placeholders(n int) string { return placeholdersFrom(1, n) }

// placeholdersFrom is "$first, $first+1, …", n of them.
func placeholdersFrom(first, n int) string {
	var b []byte
	for i := first; i < first+n; i++ {
		if i > first {
			b = append(b, ", "...)
		}
		b = append(b, '$')
		b = strconv.AppendInt(b, int64(i), 10)
	}
	return string(b)
}

// anys turns strings into query arguments.
func anys(ss []string) []any {
	out := make([]any, len(ss))
	for i, s := range ss {
		out[i] = s
	}
	return out
}

// PlanVisible returns nil when the plan exists and lies in the actor's
// scope, and an error wrapping ErrNotFound otherwise: a user of one
// province is never told another province's plan exists.
func (s *Store) PlanVisible(ctx context.Context, actor outreach.Actor, code string) (err error) {
	var owner string
	err = s.db.QueryRowContext(ctx, `SELECT owner_code FROM plans WHERE code = $1`, code).Scan(&owner)
	if errors.Is(err, sql.ErrNoRows) || err == nil && !actor.SeesOwner(owner) {
		return fmt.Errorf("plan %q: %w", code, outreach.ErrNotFound)
	}
	return err
}

// PlansInScope is PlanVisible for the plans a request names (empty codes
// are skipped), asked only of an actor that does not see every plan: the
// browser's and the API's check of the plans in an address, a query or a
// form.
func (s *Store) PlansInScope(ctx context.Context, actor outreach.Actor, codes []string) error {
	if actor.SeesAll() {
		return nil
	}
	for _, c := range codes {
		if c == "" {
			continue
		}
		if err := s.PlanVisible(ctx, actor, c); err != nil {
			return err
		}
	}
	return nil
}
