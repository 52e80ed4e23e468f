package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"sort"
	"strings"

	"outreach/internal/outreach"
	"outreach/internal/unitfile"
)

// unitColumnsOf lists a unit's columns, in scanUnit's order, for the units
// table under the alias.
func unitColumnsOf(a string) string {
	return fmt.Sprintf(`%[1]s.id, %[1]s.code, %[1]s.name, %[1]s.type, %[1]s.level, coalesce(%[1]s.parent_code, ''), %[1]s.path,
		coalesce(%[1]s.valid_from, ''), coalesce(%[1]s.valid_to, '')`, a)
}

var unitColumns = unitColumnsOf("units")

type scanner interface{ Scan(dest ...any) error }

func scanUnit(r scanner) (outreach.Unit, error) {
	var u outreach.Unit
	err := r.Scan(&u.ID, &u.Code, &u.Name, &u.Type, &u.Level, &u.ParentCode, &u.Path, &u.ValidFrom, &u.ValidTo)
	return u, err
}

func queryUnits(ctx context.Context, q interface {
	QueryContext(context.Context, string, ...any) (*sql.Rows, error)
}, query string, args ...any) ([]outreach.Unit, error) {
	rows, err := q.QueryContext(ctx, query, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var us []outreach.Unit
	for rows.Next() {
		u, err := scanUnit(rows)
		if err != nil {
			return nil, err
		}
		us = append(us, u)
	}
	return us, rows.Err()
}

// validAtSQL is the condition "in force on the date $n" for a table with
// valid_from and valid_to columns; NULL means open at that end.
func validAtSQL(n int) string {
	return fmt.Sprintf(`(valid_from IS NULL OR valid_from <= $%[1]d) AND (valid_to IS NULL OR valid_to > $%[1]d)`, n)
}

// UnitsAsOf returns the units in force on the ISO date, ordered as a tree
// (by path).
func (s *Store) UnitsAsOf(ctx context.Context, date string) (_ []outreach.Unit, err error) {
	defer wrap(&err, "UnitsAsOf(%s)", date)
	if !outreach.ValidDate(date) {
		return nil, outreach.Invalid("as_of", "expected a date YYYY-MM-DD, got %q", date)
	}
	return queryUnits(ctx, s.db, `SELECT `+unitColumns+` FROM units WHERE `+validAtSQL(1)+` ORDER BY path`, date)
}

// UnitAsOf returns the version of the unit with the code in force on the date.
func (s *Store) UnitAsOf(ctx context.Context, code, date string) (_ outreach.Unit, err error) {
	defer wrap(&err, "UnitAsOf(%s, %s)", code, date)
	u, err := scanUnit(s.db.QueryRowContext(ctx, `SELECT `+unitColumns+` FROM units WHERE code = $2 AND `+validAtSQL(1), date, code))
	if errors.Is(err, sql.ErrNoRows) {
		return u, fmt.Errorf("no unit %s on %s: %w", code, date, outreach.ErrNotFound)
	}
	return u, err
}

// Subtree returns the unit with the code as of the date and every unit
// below it in force on that date, ordered as a tree.
func (s *Store) Subtree(ctx context.Context, code, date string) (_ []outreach.Unit, err error) {
	defer wrap(&err, "Subtree(%s, %s)", code, date)
	root, err := s.UnitAsOf(ctx, code, date)
	if err != nil {
		return nil, err
	}
	below, err := queryUnits(ctx, s.db, `SELECT `+unitColumns+` FROM units WHERE path LIKE $2 AND `+validAtSQL(1)+` ORDER BY path`, date, root.Path+"/%")
	if err != nil {
		return nil, err
	}
	return append([]outreach.Unit{root}, below...), nil
}

// UnitVersions returns every version of the code, oldest first.
func (s *Store) UnitVersions(ctx context.Context, code string) (_ []outreach.Unit, err error) {
	defer wrap(&err, "UnitVersions(%s)", code)
	us, err := queryUnits(ctx, s.db, `SELECT `+unitColumns+` FROM units WHERE code = $1 ORDER BY coalesce(valid_from, '')`, code)
	if err == nil && len(us) == 0 {
		return nil, outreach.ErrNotFound
	}
	return us, err
}

// UnitHistory returns the lineage of the code: its versions, every unit
// they were formed from (back through the records), every unit they went
// into (forward), and the changes that link them.
func (s *Store) UnitHistory(ctx context.Context, code string) (_ *outreach.UnitHistory, err error) {
	defer wrap(&err, "UnitHistory(%s)", code)
	start, err := s.UnitVersions(ctx, code)
	if err != nil {
		return nil, err
	}
	units := map[int64]outreach.Unit{}
	for _, u := range start {
		units[u.ID] = u
	}
	seenChange := map[string]bool{}
	var changes []outreach.UnitChange
	// Walk backwards along predecessor links and forwards along successor
	// links; never turn round, or a 2025 commune would pull in the province.
	for _, dir := range []struct{ from, to string }{{"new_unit_id", "old_unit_id"}, {"old_unit_id", "new_unit_id"}} {
		frontier := make([]int64, 0, len(start))
		for _, u := range start {
			frontier = append(frontier, u.ID)
		}
		for depth := 0; len(frontier) > 0 && depth < 20; depth++ {
			var next []int64
			for _, id := range frontier {
				cs, err := s.changesWhere(ctx, dir.from+" = $1", id)
				if err != nil {
					return nil, err
				}
				for _, c := range cs {
					key := fmt.Sprintf("%d>%d@%s", c.Old.ID, newID(c), c.Date)
					if !seenChange[key] {
						seenChange[key] = true
						changes = append(changes, c)
					}
					other := c.Old
					if dir.to == "new_unit_id" {
						if c.New == nil {
							continue
						}
						other = *c.New
					}
					if _, ok := units[other.ID]; !ok {
						units[other.ID] = other
						next = append(next, other.ID)
					}
				}
			}
			frontier = next
		}
	}
	h := &outreach.UnitHistory{Changes: changes}
	for _, u := range units {
		h.Versions = append(h.Versions, u)
	}
	sort.Slice(h.Versions, func(i, j int) bool {
		a, b := h.Versions[i], h.Versions[j]
		if a.ValidFrom != b.ValidFrom {
			return a.ValidFrom < b.ValidFrom
		}
		return a.Path < b.Path
	})
	sort.SliceStable(h.Changes, func(i, j int) bool {
		a, b := h.Changes[i], h.Changes[j]
		if a.Date != b.Date {
			return a.Date < b.Date
		}
		return a.Old.Code < b.Old.Code
	})
	return h, nil
}

func newID(c outreach.UnitChange) int64 {
	if c.New == nil {
		return 0
	}
	return c.New.ID
}

func (s *Store) changesWhere(ctx context.Context, cond string, args ...any) ([]outreach.UnitChange, error) {
	rows, err := s.db.QueryContext(ctx, `SELECT c.date, c.kind, c.portion, c.basis, c.note, `+unitColumnsOf("o")+`,
		n.id, coalesce(n.code, ''), coalesce(n.name, ''), coalesce(n.type, ''), coalesce(n.level, 0), coalesce(n.parent_code, ''), coalesce(n.path, ''), coalesce(n.valid_from, ''), coalesce(n.valid_to, '')
		FROM unit_changes c JOIN units o ON o.id = c.old_unit_id LEFT JOIN units n ON n.id = c.new_unit_id
		WHERE c.`+cond+` ORDER BY c.date, o.code, n.code`, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []outreach.UnitChange
	for rows.Next() {
		var c outreach.UnitChange
		var n outreach.Unit
		var nid sql.NullInt64
		if err := rows.Scan(&c.Date, &c.Kind, &c.Portion, &c.Basis, &c.Note,
			&c.Old.ID, &c.Old.Code, &c.Old.Name, &c.Old.Type, &c.Old.Level, &c.Old.ParentCode, &c.Old.Path, &c.Old.ValidFrom, &c.Old.ValidTo,
			&nid, &n.Code, &n.Name, &n.Type, &n.Level, &n.ParentCode, &n.Path, &n.ValidFrom, &n.ValidTo); err != nil {
			return nil, err
		}
		if nid.Valid {
			n.ID = nid.Int64
			c.New = &n
		}
		out = append(out, c)
	}
	return out, rows.Err()
}

// Successors returns the changes out of the unit version with the id.
func (s *Store) Successors(ctx context.Context, unitID int64) ([]outreach.UnitChange, error) {
	return s.changesWhere(ctx, "old_unit_id = $1", unitID)
}

// Predecessors returns the changes into the unit version with the id.
func (s *Store) Predecessors(ctx context.Context, unitID int64) ([]outreach.UnitChange, error) {
	return s.changesWhere(ctx, "new_unit_id = $1", unitID)
}

// Populations returns the census figures recorded for a unit version.
func (s *Store) Populations(ctx context.Context, unitID int64) (_ []outreach.Population, err error) {
	defer wrap(&err, "Populations(%d)", unitID)
	rows, err := s.db.QueryContext(ctx, `SELECT u.code, p.ref_date, p.grp, p.value, p.source FROM unit_populations p JOIN units u ON u.id = p.unit_id
		WHERE p.unit_id = $1 ORDER BY p.ref_date, p.grp`, unitID)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var ps []outreach.Population
	for rows.Next() {
		var p outreach.Population
		if err := rows.Scan(&p.UnitCode, &p.RefDate, &p.Group, &p.Value, &p.Source); err != nil {
			return nil, err
		}
		ps = append(ps, p)
	}
	return ps, rows.Err()
}

// UnitImportResult counts what an import did.
type UnitImportResult struct {
	UnitsAdded, UnitsUpdated     int
	ChangesAdded, ChangesUpdated int
	Populations                  int
}

// ImportUnits loads unit versions, changes and population figures in one
// transaction: all of it, or nothing when any row is wrong. Rows already
// present (a unit by code and valid_from, a change by date and the two
// versions, a figure by unit, date and group) are updated, so importing the
// same files twice changes nothing.
func (s *Store) ImportUnits(ctx context.Context, actor outreach.Actor, d *unitfile.Data) (res UnitImportResult, err error) {
	defer wrap(&err, "ImportUnits")
	if !actor.CanEditPlans() {
		return res, actor.Forbidden("import administrative units")
	}
	err = s.tx(ctx, func(tx *sql.Tx) error {
		res = UnitImportResult{}
		all, err := queryUnits(ctx, tx, `SELECT `+unitColumns+` FROM units`)
		if err != nil {
			return err
		}
		byCode := map[string][]*outreach.Unit{}
		for i := range all {
			byCode[all[i].Code] = append(byCode[all[i].Code], &all[i])
		}
		at := func(code, date string) *outreach.Unit {
			for _, u := range byCode[code] {
				if u.ValidAt(date) {
					return u
				}
			}
			return nil
		}
		v := &outreach.ValidationError{}

		rows := append([]unitfile.UnitRow(nil), d.Units...)
		sort.SliceStable(rows, func(i, j int) bool { return rows[i].Level < rows[j].Level })
		for _, r := range rows {
			u := r.Unit
			if !outreach.ValidUnitCode(u.Code) || (u.ParentCode != "" && !outreach.ValidUnitCode(u.ParentCode)) {
				v.Add(r.Ref+":code", "expected codes of letters and digits, got %q under %q", u.Code, u.ParentCode)
				continue
			}
			var existing *outreach.Unit
			for _, e := range byCode[u.Code] {
				if e.ValidFrom == u.ValidFrom {
					existing = e
				} else if overlaps(e.ValidFrom, e.ValidTo, u.ValidFrom, u.ValidTo) {
					v.Add(r.Ref, "unit %s (%s) overlaps its version valid %s", u.Code, u.Name, span(e.ValidFrom, e.ValidTo))
				}
			}
			u.Path = u.Code
			if u.ParentCode != "" {
				probe := u.ValidFrom
				if probe == "" && u.ValidTo != "" {
					probe = outreach.DayBefore(u.ValidTo)
				} else if probe == "" {
					probe = "9999-12-31"
				}
				p := at(u.ParentCode, probe)
				if p == nil {
					v.Add(r.Ref+":parent_code", "no unit %s is in force on %s", u.ParentCode, probe)
					continue
				}
				if p.Level >= u.Level {
					v.Add(r.Ref+":level", "unit %s is at level %d but its parent %s is at level %d", u.Code, u.Level, p.Code, p.Level)
				}
				u.Path = p.Path + "/" + u.Code
			}
			if existing != nil {
				if existing.Name != u.Name || existing.Type != u.Type || existing.Level != u.Level || existing.ParentCode != u.ParentCode || existing.ValidTo != u.ValidTo || existing.Path != u.Path {
					if _, err := tx.ExecContext(ctx, `UPDATE units SET name = $1, type = $2, level = $3, parent_code = $4, path = $5, valid_to = $6 WHERE id = $7`,
						u.Name, u.Type, u.Level, nullable(u.ParentCode), u.Path, nullable(u.ValidTo), existing.ID); err != nil {
						return err
					}
					if existing.Path != u.Path {
						// The unit moved: its descendants' paths move with it.
						// (Codes are letters and digits, so LIKE has no
						// wildcard to trip on.)
						if _, err := tx.ExecContext(ctx, `UPDATE units SET path = $1 || substr(path, $2) WHERE path LIKE $3`,
							u.Path, len(existing.Path)+1, existing.Path+"/%"); err != nil {
							return err
						}
						for _, vs := range byCode {
							for _, d := range vs {
								if strings.HasPrefix(d.Path, existing.Path+"/") {
									d.Path = u.Path + d.Path[len(existing.Path):]
								}
							}
						}
					}
					res.UnitsUpdated++
				}
				u.ID = existing.ID
				*existing = u
				continue
			}
			if err := tx.QueryRowContext(ctx, `INSERT INTO units (code, name, type, level, parent_code, path, valid_from, valid_to)
				VALUES ($1, $2, $3, $4, $5, $6, $7, $8) RETURNING id`,
				u.Code, u.Name, u.Type, u.Level, nullable(u.ParentCode), u.Path, nullable(u.ValidFrom), nullable(u.ValidTo)).Scan(&u.ID); err != nil {
				return err
			}
			res.UnitsAdded++
			nu := u
			byCode[u.Code] = append(byCode[u.Code], &nu)
		}
		if err := v.Err(); err != nil {
			return err
		}

		for _, c := range d.Changes {
			before := outreach.DayBefore(c.Date)
			old := at(c.OldCode, before)
			if old == nil {
				v.Add(c.Ref+":old_code", "no unit %s is in force on %s, the day before the change", c.OldCode, before)
				continue
			}
			var newID any
			if c.NewCode != "" {
				n := at(c.NewCode, c.Date)
				if n == nil {
					v.Add(c.Ref+":new_code", "no unit %s is in force on %s", c.NewCode, c.Date)
					continue
				}
				if n.ID == old.ID {
					v.Add(c.Ref, "%s is the same unit version on both sides of the change", c.OldCode)
					continue
				}
				newID = n.ID
			}
			var id int64
			var share any
			if c.Share > 0 {
				share = c.Share
			}
			err := tx.QueryRowContext(ctx, `SELECT id FROM unit_changes WHERE date = $1 AND old_unit_id = $2 AND coalesce(new_unit_id, 0) = coalesce($3, 0)`,
				c.Date, old.ID, newID).Scan(&id)
			switch {
			case err == sql.ErrNoRows:
				if _, err := tx.ExecContext(ctx, `INSERT INTO unit_changes (date, kind, old_unit_id, new_unit_id, portion, basis, note, share) VALUES ($1, $2, $3, $4, $5, $6, $7, $8)`,
					c.Date, c.Kind, old.ID, newID, c.Portion, c.Basis, c.Note, share); err != nil {
					return err
				}
				res.ChangesAdded++
			case err != nil:
				return err
			default:
				r, err := tx.ExecContext(ctx, `UPDATE unit_changes SET kind = $1, portion = $2, basis = $3, note = $4, share = $6 WHERE id = $5
					AND (kind <> $1 OR portion <> $2 OR basis <> $3 OR note <> $4 OR share IS DISTINCT FROM CAST($6 AS DOUBLE PRECISION))`, c.Kind, c.Portion, c.Basis, c.Note, id, share)
				if err != nil {
					return err
				}
				if n, _ := r.RowsAffected(); n > 0 {
					res.ChangesUpdated++
				}
			}
		}
		for _, p := range d.Populations {
			u := at(p.UnitCode, p.RefDate)
			if u == nil {
				v.Add(p.Ref+":code", "no unit %s is in force on %s", p.UnitCode, p.RefDate)
				continue
			}
			if _, err := tx.ExecContext(ctx, `INSERT INTO unit_populations (unit_id, ref_date, grp, value, source) VALUES ($1, $2, $3, $4, $5)
				ON CONFLICT (unit_id, ref_date, grp) DO UPDATE SET value = excluded.value, source = excluded.source`,
				u.ID, p.RefDate, p.Group, p.Value, p.Source); err != nil {
				return err
			}
			res.Populations++
		}
		if err := v.Err(); err != nil {
			return err
		}
		return s.audit(ctx, tx, actor, "import", "units", "", nil, res)
	})
	return res, err
}

func overlaps(af, at, bf, bt string) bool {
	// [af, at) and [bf, bt) with "" as open ends.
	startsBeforeEnd := func(f, t string) bool { return f == "" || t == "" || f < t }
	return startsBeforeEnd(af, bt) && startsBeforeEnd(bf, at)
}

func span(from, to string) string {
	if from == "" {
		from = "…"
	}
	if to == "" {
		to = "…"
	}
	return from + " – " + to
}

// UnitCount counts unit versions.
func (s *Store) UnitCount(ctx context.Context) (n int, err error) {
	defer wrap(&err, "UnitCount")
	err = s.db.QueryRowContext(ctx, `SELECT count(*) FROM units`).Scan(&n)
	return n, err
}
