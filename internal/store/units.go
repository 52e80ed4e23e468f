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
	ids := make([]any, 0, len(h.Versions))
	marks := make([]string, 0, len(h.Versions))
	for _, u := range h.Versions {
		ids = append(ids, u.ID)
		marks = append(marks, fmt.Sprintf("$%d", len(ids)))
	}
	err = each(ctx, s.db, `SELECT r.date, r.unknown, r.reason, `+unitColumnsOf("u")+` FROM unit_unresolved r JOIN units u ON u.id = r.unit_id
		WHERE r.unit_id IN (`+strings.Join(marks, ", ")+`) ORDER BY r.date, u.code, r.unknown`, ids, func(r *sql.Rows) error {
		var c outreach.UnresolvedChange
		u := &c.Unit
		err := r.Scan(&c.Date, &c.Unknown, &c.Reason, &u.ID, &u.Code, &u.Name, &u.Type, &u.Level, &u.ParentCode, &u.Path, &u.ValidFrom, &u.ValidTo)
		h.Unresolved = append(h.Unresolved, c)
		return err
	})
	return h, err
}

func newID(c outreach.UnitChange) int64 {
	if c.New == nil {
		return 0
	}
	return c.New.ID
}

func (s *Store) changesWhere(ctx context.Context, cond string, args ...any) ([]outreach.UnitChange, error) {
	rows, err := s.db.QueryContext(ctx, `SELECT c.date, c.kind, c.portion, c.basis, c.note, c.confidence, c.uncertain, `+unitColumnsOf("o")+`,
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
		if err := rows.Scan(&c.Date, &c.Kind, &c.Portion, &c.Basis, &c.Note, &c.Confidence, &c.Uncertain,
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
	// Unresolved counts the unresolved changes added or updated.
	Unresolved int `json:",omitempty"`
}

// Changed reports whether the import added or updated any row (an
// import's Populations counts every figure it was given; LoadUnitSeed's
// only those it added).
func (r UnitImportResult) Changed() bool {
	return r.UnitsAdded+r.UnitsUpdated+r.ChangesAdded+r.ChangesUpdated+r.Populations+r.Unresolved > 0
}

// ImportUnits loads unit versions, changes, unresolved changes and
// population figures in one transaction: all of it, or nothing when any
// row is wrong. Rows already present (a unit by code and valid_from, a
// change by date and the two versions, an unresolved change by version,
// date and what is unknown, a figure by unit, date and group) are updated,
// so importing the same files twice changes nothing. A later resolution
// comes as new versions (and the end of those it replaces) with the
// changes that link them.
func (s *Store) ImportUnits(ctx context.Context, actor outreach.Actor, d *unitfile.Data) (res UnitImportResult, err error) {
	defer wrap(&err, "ImportUnits")
	if !actor.CanEditPlans() {
		return res, actor.Forbidden("import administrative units")
	}
	err = s.tx(ctx, func(tx *sql.Tx) error {
		var err error
		if res, err = s.importUnits(ctx, tx, d, false); err != nil {
			return err
		}
		return s.audit(ctx, tx, actor, "import", "units", "", nil, res)
	})
	if err == nil && res.Changed() {
		err = s.analyzeUnits(ctx)
	}
	return res, err
}

// analyzeUnits refreshes PostgreSQL's statistics of the unit tables after
// a load changed them. Without it, a database whose autovacuum is off (or
// has not run yet) plans the unit joins of every plan lookup from the
// empty tables it last saw: nested loops over the whole register, which
// once ran a single lookup for more than an hour.
func (s *Store) analyzeUnits(ctx context.Context) error {
	if s.engine != Postgres {
		return nil
	}
	_, err := s.db.ExecContext(ctx, `ANALYZE units, unit_changes, unit_unresolved, unit_populations`)
	return err
}

// UnitSeedLoaded reports whether the database holds the built-in unit seed
// with the name and digest.
func (s *Store) UnitSeedLoaded(ctx context.Context, name, sha256 string) (_ bool, err error) {
	defer wrap(&err, "UnitSeedLoaded(%s)", name)
	var have string
	err = s.db.QueryRowContext(ctx, `SELECT sha256 FROM unit_seeds WHERE name = $1`, name).Scan(&have)
	if errors.Is(err, sql.ErrNoRows) {
		return false, nil
	}
	return have == sha256, err
}

// seedLock is the PostgreSQL advisory lock two servers starting at once
// take to load the seed one after the other.
const seedLock = 0x6f757473 // "outs"

// LoadUnitSeed loads a built-in unit seed (its name and the digest of its
// files) unless the database holds it already: only the rows the database
// lacks, by the keys ImportUnits uses. Versions, changes and figures
// already there are left as they are, so a database seeded by an earlier
// release (Bắc Kạn alone) gains the rest of the country without a row it
// has, or a record referring to one, moving; a row of the seed that
// conflicts with one already there (an overlapping version) fails the
// load, all of it. It returns what was added and whether the seed was
// loaded now (false: it was there).
func (s *Store) LoadUnitSeed(ctx context.Context, actor outreach.Actor, name, sha256 string, d *unitfile.Data) (res UnitImportResult, loaded bool, err error) {
	defer wrap(&err, "LoadUnitSeed(%s)", name)
	if !actor.CanEditPlans() {
		return res, false, actor.Forbidden("import administrative units")
	}
	err = s.tx(ctx, func(tx *sql.Tx) error {
		res, loaded = UnitImportResult{}, false
		if s.engine == Postgres {
			if _, err := tx.ExecContext(ctx, `SELECT pg_advisory_xact_lock($1)`, seedLock); err != nil {
				return err
			}
		}
		var have string
		err := tx.QueryRowContext(ctx, `SELECT sha256 FROM unit_seeds WHERE name = $1`, name).Scan(&have)
		if err != nil && !errors.Is(err, sql.ErrNoRows) {
			return err
		}
		if have == sha256 {
			return nil
		}
		if res, err = s.importUnits(ctx, tx, d, true); err != nil {
			return err
		}
		loaded = true
		if _, err := tx.ExecContext(ctx, `INSERT INTO unit_seeds (name, sha256, loaded_at) VALUES ($1, $2, $3)
			ON CONFLICT (name) DO UPDATE SET sha256 = excluded.sha256, loaded_at = excluded.loaded_at`, name, sha256, s.stamp()); err != nil {
			return err
		}
		if !res.Changed() {
			return nil
		}
		return s.audit(ctx, tx, actor, "import", "units", name, nil, res)
	})
	if err == nil && res.Changed() {
		err = s.analyzeUnits(ctx)
	}
	return res, loaded, err
}

// importUnits checks and writes a unit import in tx (ImportUnits). With
// onlyMissing, rows already present are skipped instead of updated.
// Every check runs in memory against the units read once; the new rows
// are then written in bulk (multi-row INSERTs on SQLite, one INSERT of
// unnested arrays per table on PostgreSQL), so the national register
// loads in seconds.
func (s *Store) importUnits(ctx context.Context, tx *sql.Tx, d *unitfile.Data, onlyMissing bool) (res UnitImportResult, err error) {
	all, err := queryUnits(ctx, tx, `SELECT `+unitColumns+` FROM units`)
	if err != nil {
		return res, err
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
	var added []*outreach.Unit
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
		if existing != nil && onlyMissing {
			continue
		}
		if u.ParentCode == "" && u.Code != outreach.CountryCode {
			// Every unit but the root hangs under it: a unit file names a
			// province without a parent.
			u.ParentCode = outreach.CountryCode
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
					return res, err
				}
				if existing.Path != u.Path {
					// The unit moved: its descendants' paths move with it.
					// (Codes are letters and digits, so LIKE has no
					// wildcard to trip on.)
					if _, err := tx.ExecContext(ctx, `UPDATE units SET path = $1 || substr(path, $2) WHERE path LIKE $3`,
						u.Path, len(existing.Path)+1, existing.Path+"/%"); err != nil {
						return res, err
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
		nu := u
		byCode[u.Code] = append(byCode[u.Code], &nu)
		added = append(added, &nu)
	}
	if err := v.Err(); err != nil {
		return res, err
	}
	if err := s.insertUnits(ctx, tx, added); err != nil {
		return res, err
	}
	res.UnitsAdded = len(added)

	if err := s.importChanges(ctx, tx, d.Changes, at, onlyMissing, v, &res); err != nil {
		return res, err
	}
	if err := s.importUnresolved(ctx, tx, d.Unresolved, at, onlyMissing, v, &res); err != nil {
		return res, err
	}
	if err := s.importPopulations(ctx, tx, d.Populations, at, onlyMissing, v, &res); err != nil {
		return res, err
	}
	return res, v.Err()
}

// insertUnits writes new unit versions and sets their ids.
func (s *Store) insertUnits(ctx context.Context, tx *sql.Tx, us []*outreach.Unit) error {
	if len(us) == 0 {
		return nil
	}
	var last int64
	if err := tx.QueryRowContext(ctx, `SELECT coalesce(max(id), 0) FROM units`).Scan(&last); err != nil {
		return err
	}
	b := bulk{table: "units", cols: []bulkCol{{"code", "text", false}, {"name", "text", false}, {"type", "text", false}, {"level", "bigint", false},
		{"parent_code", "text", true}, {"path", "text", false}, {"valid_from", "text", true}, {"valid_to", "text", true}}}
	for _, u := range us {
		b.rows = append(b.rows, []any{u.Code, u.Name, u.Type, int64(u.Level), u.ParentCode, u.Path, u.ValidFrom, u.ValidTo})
	}
	if err := s.insertBulk(ctx, tx, b); err != nil {
		return err
	}
	ids := map[string]int64{}
	err := each(ctx, tx, `SELECT id, code, coalesce(valid_from, '') FROM units WHERE id > $1`, []any{last}, func(r *sql.Rows) error {
		var id int64
		var code, from string
		err := r.Scan(&id, &code, &from)
		ids[code+"|"+from] = id
		return err
	})
	if err != nil {
		return err
	}
	for _, u := range us {
		if u.ID = ids[u.Code+"|"+u.ValidFrom]; u.ID == 0 {
			return fmt.Errorf("unit %s from %q: no id after insert", u.Code, u.ValidFrom)
		}
	}
	return nil
}

// changeRow is a unit_changes row as the import compares it.
type changeRow struct {
	id                               int64
	kind, portion, basis, note, conf string
	share                            float64 // 0: none
	uncertain                        bool
}

// importChanges resolves the changes onto versions and writes them.
func (s *Store) importChanges(ctx context.Context, tx *sql.Tx, cs []unitfile.Change, at func(code, date string) *outreach.Unit,
	onlyMissing bool, v *outreach.ValidationError, res *UnitImportResult) error {
	if len(cs) == 0 {
		return nil
	}
	type key struct {
		date     string
		old, new int64
	}
	have, err := loadKeyed(ctx, tx, `SELECT id, date, old_unit_id, coalesce(new_unit_id, 0), kind, portion, basis, note, coalesce(share, 0), confidence, uncertain FROM unit_changes`,
		func(r *sql.Rows, k *key, c *changeRow) error {
			return r.Scan(&c.id, &k.date, &k.old, &k.new, &c.kind, &c.portion, &c.basis, &c.note, &c.share, &c.conf, &c.uncertain)
		})
	if err != nil {
		return err
	}
	b := newKeyedRows[key](bulk{table: "unit_changes", cols: []bulkCol{{"date", "text", false}, {"kind", "text", false}, {"old_unit_id", "bigint", false},
		{"new_unit_id", "bigint", true}, {"portion", "text", false}, {"basis", "text", false}, {"note", "text", false},
		{"share", "float8", true}, {"confidence", "text", false}, {"uncertain", "boolean", false}}})
	for _, c := range cs {
		before := outreach.DayBefore(c.Date)
		old := at(c.OldCode, before)
		if old == nil {
			v.Add(c.Ref+":old_code", "no unit %s is in force on %s, the day before the change", c.OldCode, before)
			continue
		}
		var newID int64
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
		k := key{c.Date, old.ID, newID}
		row := changeRow{kind: c.Kind, portion: c.Portion, basis: c.Basis, note: c.Note, share: c.Share, conf: c.Confidence, uncertain: c.Uncertain}
		if e, ok := have[k]; ok {
			if onlyMissing {
				// Present: left as it is, but for the confidence and
				// uncertain columns, which a database seeded before
				// migration 0008 could not fill.
				if c.Assessed && e.conf == "" && !e.uncertain && (c.Confidence != "" || c.Uncertain) {
					if _, err := tx.ExecContext(ctx, `UPDATE unit_changes SET confidence = $1, uncertain = $2 WHERE id = $3`, c.Confidence, c.Uncertain, e.id); err != nil {
						return err
					}
					e.conf, e.uncertain = c.Confidence, c.Uncertain
					have[k] = e
					res.ChangesUpdated++
				}
				continue
			}
			row.id = e.id
			if !c.Assessed {
				row.conf, row.uncertain = e.conf, e.uncertain
			}
			if row == e {
				continue
			}
			var share any
			if c.Share > 0 {
				share = c.Share
			}
			if _, err := tx.ExecContext(ctx, `UPDATE unit_changes SET kind = $1, portion = $2, basis = $3, note = $4, share = $5, confidence = $6, uncertain = $7 WHERE id = $8`,
				c.Kind, c.Portion, c.Basis, c.Note, share, row.conf, row.uncertain, e.id); err != nil {
				return err
			}
			have[k] = row
			res.ChangesUpdated++
			continue
		}
		r := []any{c.Date, c.Kind, old.ID, newID, c.Portion, c.Basis, c.Note, c.Share, c.Confidence, c.Uncertain}
		b.put(k, r)
	}
	return s.insertChecked(ctx, tx, b.bulk, v, &res.ChangesAdded)
}

// importUnresolved resolves the unresolved changes onto versions and
// writes them.
func (s *Store) importUnresolved(ctx context.Context, tx *sql.Tx, us []unitfile.Unresolved, at func(code, date string) *outreach.Unit,
	onlyMissing bool, v *outreach.ValidationError, res *UnitImportResult) error {
	if len(us) == 0 {
		return nil
	}
	type key struct {
		unit          int64
		date, unknown string
	}
	type row struct {
		id     int64
		reason string
	}
	have, err := loadKeyed(ctx, tx, `SELECT id, unit_id, date, unknown, reason FROM unit_unresolved`, func(r *sql.Rows, k *key, e *row) error {
		return r.Scan(&e.id, &k.unit, &k.date, &k.unknown, &e.reason)
	})
	if err != nil {
		return err
	}
	b := newKeyedRows[key](bulk{table: "unit_unresolved", cols: []bulkCol{{"unit_id", "bigint", false}, {"date", "text", false}, {"unknown", "text", false}, {"reason", "text", false}}})
	for _, u := range us {
		var unit *outreach.Unit
		if u.Unknown == outreach.UnknownSuccessor {
			unit = at(u.Code, outreach.DayBefore(u.Date))
			if unit == nil || unit.ValidTo != u.Date {
				v.Add(u.Ref+":code", "no version of %s ends on %s", u.Code, u.Date)
				continue
			}
		} else {
			unit = at(u.Code, u.Date)
			if unit == nil || unit.ValidFrom != u.Date {
				v.Add(u.Ref+":code", "no version of %s begins on %s", u.Code, u.Date)
				continue
			}
		}
		k := key{unit.ID, u.Date, u.Unknown}
		if e, ok := have[k]; ok {
			if onlyMissing || e.reason == u.Reason {
				continue
			}
			if _, err := tx.ExecContext(ctx, `UPDATE unit_unresolved SET reason = $1 WHERE id = $2`, u.Reason, e.id); err != nil {
				return err
			}
			res.Unresolved++
			continue
		}
		r := []any{unit.ID, u.Date, u.Unknown, u.Reason}
		b.put(k, r)
	}
	return s.insertChecked(ctx, tx, b.bulk, v, &res.Unresolved)
}

// importPopulations resolves the census figures onto versions and writes
// them.
func (s *Store) importPopulations(ctx context.Context, tx *sql.Tx, ps []unitfile.PopulationRow, at func(code, date string) *outreach.Unit,
	onlyMissing bool, v *outreach.ValidationError, res *UnitImportResult) error {
	if len(ps) == 0 {
		return nil
	}
	type key struct {
		unit           int64
		refDate, group string
	}
	type figure struct {
		value  int64
		source string
	}
	have, err := loadKeyed(ctx, tx, `SELECT unit_id, ref_date, grp, value, source FROM unit_populations`, func(r *sql.Rows, k *key, f *figure) error {
		return r.Scan(&k.unit, &k.refDate, &k.group, &f.value, &f.source)
	})
	if err != nil {
		return err
	}
	b := newKeyedRows[key](bulk{table: "unit_populations", cols: []bulkCol{{"unit_id", "bigint", false}, {"ref_date", "text", false}, {"grp", "text", false},
		{"value", "bigint", false}, {"source", "text", false}}})
	for _, p := range ps {
		u := at(p.UnitCode, p.RefDate)
		if u == nil {
			v.Add(p.Ref+":code", "no unit %s is in force on %s", p.UnitCode, p.RefDate)
			continue
		}
		k := key{u.ID, p.RefDate, p.Group}
		f := figure{p.Value, p.Source}
		if e, ok := have[k]; ok {
			if onlyMissing {
				continue
			}
			res.Populations++
			if e == f {
				continue
			}
			if _, err := tx.ExecContext(ctx, `UPDATE unit_populations SET value = $1, source = $2 WHERE unit_id = $3 AND ref_date = $4 AND grp = $5`,
				p.Value, p.Source, u.ID, p.RefDate, p.Group); err != nil {
				return err
			}
			have[k] = f
			continue
		}
		r := []any{u.ID, p.RefDate, p.Group, p.Value, p.Source}
		b.put(k, r)
	}
	return s.insertChecked(ctx, tx, b.bulk, v, &res.Populations)
}

// loadKeyed reads the rows of the query, as scan splits each into its key
// and the rest, into a map by key: the rows an import already finds.
func loadKeyed[K comparable, V any](ctx context.Context, tx *sql.Tx, query string, scan func(r *sql.Rows, k *K, v *V) error) (map[K]V, error) {
	have := map[K]V{}
	err := each(ctx, tx, query, nil, func(r *sql.Rows) error {
		var k K
		var v V
		err := scan(r, &k, &v)
		have[k] = v
		return err
	})
	return have, err
}

// insertChecked writes the new rows of an import and adds their number to
// n, unless the import has found problems (then nothing is written: the
// transaction fails with them).
func (s *Store) insertChecked(ctx context.Context, tx *sql.Tx, b bulk, v *outreach.ValidationError, n *int) error {
	if len(v.Problems) > 0 {
		return nil
	}
	*n += len(b.rows)
	return s.insertBulk(ctx, tx, b)
}

// keyedRows collects the rows an import will insert, one per key: a file
// that gives a key twice keeps its last row.
type keyedRows[K comparable] struct {
	bulk
	at map[K]int // key → index in rows
}

func newKeyedRows[K comparable](b bulk) *keyedRows[K] {
	return &keyedRows[K]{bulk: b, at: map[K]int{}}
}

func (k *keyedRows[K]) put(key K, row []any) {
	if i, ok := k.at[key]; ok {
		k.rows[i] = row
		return
	}
	k.at[key] = len(k.rows)
	k.rows = append(k.rows, row)
}

// bulk is rows to insert into a table.
type bulk struct {
	table string
	cols  []bulkCol
	rows  [][]any // string, int64, float64 or bool per column
}

// bulkCol is a column of a bulk insert: its name, its PostgreSQL type,
// and whether its zero value ("", 0) stands for NULL.
type bulkCol struct {
	name, pgType string
	zeroIsNull   bool
}

// insertBulk writes the rows: multi-row INSERTs on SQLite (insertMany),
// one INSERT … SELECT FROM unnest of one array per column on PostgreSQL
// (a single round trip whatever the number of rows).
func (s *Store) insertBulk(ctx context.Context, tx *sql.Tx, b bulk) error {
	if len(b.rows) == 0 {
		return nil
	}
	names := make([]string, len(b.cols))
	for i, c := range b.cols {
		names[i] = c.name
	}
	if s.engine != Postgres {
		rows := make([][]any, len(b.rows))
		for i, r := range b.rows {
			rows[i] = make([]any, len(r))
			for j, x := range r {
				if b.cols[j].zeroIsNull && (x == "" || x == int64(0) || x == float64(0)) {
					x = nil
				}
				rows[i][j] = x
			}
		}
		return insertMany(ctx, tx, b.table, names, rows)
	}
	args := make([]any, len(b.cols))
	arrays := make([]string, len(b.cols))
	list := make([]string, len(b.cols))
	for j, c := range b.cols {
		switch c.pgType {
		case "text":
			a := make([]string, len(b.rows))
			for i, r := range b.rows {
				a[i] = r[j].(string)
			}
			args[j] = a
		case "bigint":
			a := make([]int64, len(b.rows))
			for i, r := range b.rows {
				a[i] = r[j].(int64)
			}
			args[j] = a
		case "float8":
			a := make([]float64, len(b.rows))
			for i, r := range b.rows {
				a[i] = r[j].(float64)
			}
			args[j] = a
		case "boolean":
			a := make([]bool, len(b.rows))
			for i, r := range b.rows {
				a[i] = r[j].(bool)
			}
			args[j] = a
		default:
			return fmt.Errorf("insertBulk: type %s", c.pgType)
		}
		arrays[j] = fmt.Sprintf("$%d::%s[]", j+1, c.pgType)
		list[j] = fmt.Sprintf("c%d", j)
		if c.zeroIsNull {
			zero := "0"
			if c.pgType == "text" {
				zero = "''"
			}
			list[j] = fmt.Sprintf("NULLIF(c%d, %s)", j, zero)
		}
	}
	aliases := make([]string, len(b.cols))
	for j := range aliases {
		aliases[j] = fmt.Sprintf("c%d", j)
	}
	_, err := tx.ExecContext(ctx, "INSERT INTO "+b.table+" ("+strings.Join(names, ", ")+") SELECT "+strings.Join(list, ", ")+
		" FROM unnest("+strings.Join(arrays, ", ")+") AS t ("+strings.Join(aliases, ", ")+")", args...)
	if err != nil {
		return fmt.Errorf("insert into %s: %w", b.table, err)
	}
	return nil
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
