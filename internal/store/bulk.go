package store

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"strconv"
	"strings"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/stdlib"

	"outreach/internal/outreach"
)

// memRefs holds a plan's references in maps, loaded once for an import.
type memRefs struct {
	p        planRef
	agencies map[string]struct {
		id    int64
		group bool
	}
	tasks, channels, themes, fundings, kinds map[string]int64
	units                                    map[string][]outreach.Unit
	// groups are the plan's audience groups, read only for a file whose
	// rows record some (resolveRows).
	groups map[string]bool
}

func (m *memRefs) plan() planRef { return m.p }
func (m *memRefs) agency(c string) (int64, bool, bool) {
	a, ok := m.agencies[c]
	return a.id, a.group, ok
}
func (m *memRefs) task(c string) (int64, bool)    { id, ok := m.tasks[c]; return id, ok }
func (m *memRefs) channel(c string) (int64, bool) { id, ok := m.channels[c]; return id, ok }
func (m *memRefs) theme(c string) (int64, bool)   { id, ok := m.themes[c]; return id, ok }
func (m *memRefs) funding(c string) (int64, bool) { id, ok := m.fundings[c]; return id, ok }
func (m *memRefs) kind(c string) (int64, bool)    { id, ok := m.kinds[c]; return id, ok }

func (m *memRefs) audienceGroups() map[string]bool { return m.groups }

func (m *memRefs) unit(code, from, to string) (outreach.Unit, bool, error) {
	var best *outreach.Unit
	for i, u := range m.units[code] {
		if (u.ValidFrom == "" || u.ValidFrom <= to) && (u.ValidTo == "" || u.ValidTo > from) {
			if best == nil || u.ValidFrom < best.ValidFrom {
				best = &m.units[code][i]
			}
		}
	}
	if best == nil {
		return outreach.Unit{}, false, nil
	}
	return *best, true, nil
}

// codeIDs reads a query's (code, id) rows into a map by code.
func codeIDs(ctx context.Context, q querier, query string, args ...any) (map[string]int64, error) {
	out := map[string]int64{}
	err := each(ctx, q, query, args, func(r *sql.Rows) error {
		var c string
		var id int64
		err := r.Scan(&c, &id)
		out[c] = id
		return err
	})
	return out, err
}

func (s *Store) loadRefs(ctx context.Context, plan string) (*memRefs, error) {
	p, err := resolvePlan(ctx, s.db, plan)
	if err != nil {
		return nil, err
	}
	m := &memRefs{p: p, agencies: map[string]struct {
		id    int64
		group bool
	}{}, units: map[string][]outreach.Unit{}}
	load := func(query string, args ...any) (map[string]int64, error) { return codeIDs(ctx, s.db, query, args...) }
	if m.tasks, err = load(`SELECT clause, id FROM plan_tasks WHERE plan_id = $1`, p.id); err != nil {
		return nil, err
	}
	if m.channels, err = load(`SELECT code, id FROM plan_channels WHERE plan_id = $1`, p.id); err != nil {
		return nil, err
	}
	if m.themes, err = load(`SELECT code, id FROM plan_themes WHERE plan_id = $1`, p.id); err != nil {
		return nil, err
	}
	if m.fundings, err = load(`SELECT code, id FROM funding_sources WHERE plan_id = $1`, p.id); err != nil {
		return nil, err
	}
	if m.kinds, err = load(`SELECT code, id FROM quantity_kinds`); err != nil {
		return nil, err
	}
	err = each(ctx, s.db, `SELECT a.code, a.id, a.type FROM agencies a JOIN plan_agencies pa ON pa.agency_id = a.id WHERE pa.plan_id = $1`, []any{p.id}, func(r *sql.Rows) error {
		var c, typ string
		var id int64
		err := r.Scan(&c, &id, &typ)
		m.agencies[c] = struct {
			id    int64
			group bool
		}{id, typ == outreach.AgencyGroup}
		return err
	})
	if err != nil {
		return nil, err
	}
	us, err := s.PlanUnits(ctx, plan)
	if err != nil {
		return nil, err
	}
	for _, u := range us {
		m.units[u.Code] = append(m.units[u.Code], u)
	}
	return m, nil
}

// PlanUnits returns every version of every unit under the plan's province
// (and what it became), for matching names and codes in imported files.
func (s *Store) PlanUnits(ctx context.Context, plan string) (_ []outreach.Unit, err error) {
	defer wrap(&err, "PlanUnits(%s)", plan)
	p, err := resolvePlan(ctx, s.db, plan)
	if err != nil {
		return nil, err
	}
	all, err := queryUnits(ctx, s.db, `SELECT `+unitColumns+` FROM units ORDER BY path, coalesce(valid_from, '')`)
	if err != nil {
		return nil, err
	}
	var us []outreach.Unit
	for _, u := range all {
		if p.covers(u) {
			us = append(us, u)
		}
	}
	return us, nil
}

// ImportFile identifies an imported file: a file whose content (by
// SHA-256) was imported before is refused.
type ImportFile struct {
	Name   string
	SHA256 string
}

// ActivityRow is an activity read from line Line of a file.
type ActivityRow struct {
	Line int
	outreach.Activity
}

// maxImportProblems bounds the problems reported for one file.
const maxImportProblems = 500

// checkImported refuses a file imported before.
func (s *Store) checkImported(ctx context.Context, kind string, f ImportFile) error {
	var at, by string
	err := s.db.QueryRowContext(ctx, `SELECT created_at, created_by FROM imports WHERE kind = $1 AND sha256 = $2`, kind, f.SHA256).Scan(&at, &by)
	if err == nil {
		return outreach.Invalid("file", "this file (same content) was already imported on %s by %s", parseStamp(at).Format("02/01/2006 15:04"), by)
	}
	if !errors.Is(err, sql.ErrNoRows) {
		return err
	}
	return nil
}

// ImportActivities writes every row of a file, or nothing when any row is
// wrong (every problem is listed, with its line), or when the same file
// was imported before. On PostgreSQL the rows go in through COPY.
func (s *Store) ImportActivities(ctx context.Context, actor outreach.Actor, plan string, f ImportFile, rows []ActivityRow) (n int, err error) {
	defer wrap(&err, "ImportActivities(%s)", f.Name)
	if len(rows) == 0 {
		return 0, outreach.Invalid("file", "the file has no rows")
	}
	if err := s.checkImported(ctx, "activities", f); err != nil {
		return 0, err
	}
	resolved, err := s.resolveRows(ctx, actor, plan, f, rows)
	if err != nil {
		return 0, err
	}
	if s.engine == Postgres {
		return len(rows), s.copyActivities(ctx, actor, f, rows, resolved)
	}
	err = s.tx(ctx, func(tx *sql.Tx) error {
		importID, err := s.recordImport(ctx, tx, actor, "activities", f, len(rows))
		if err != nil {
			return err
		}
		// The transaction holds SQLite's write lock from BEGIN
		// (_txlock=immediate), so ids can be taken from max(id) and rows
		// written many to a statement, which is several times faster than
		// one statement a row.
		var base int64
		if err := tx.QueryRowContext(ctx, `SELECT coalesce(max(id), 0) FROM activities`).Scan(&base); err != nil {
			return err
		}
		now, by := s.stamp(), actor.Name()
		var acts, themes, units, quants, groups [][]any
		for i := range rows {
			a, r, id := &rows[i].Activity, resolved[i], base+int64(i)+1
			au := a.Audience
			acts = append(acts, []any{id, r.plan.id, r.agencyID, r.taskID, r.channelID, a.Title, a.Description, a.StartDate, a.EndDate,
				a.WholeProvince, nullInt(au.Total), nullInt(au.Women), nullInt(au.Men), nullInt(au.Children1416), nullInt(au.EthnicMinority),
				a.Cost, r.fundingID, strings.Join(a.Links, "\n"), a.Notes, activitySearch(a), a.Demo, importID, now, by, now, by, len(r.units)})
			for _, t := range r.themeIDs {
				themes = append(themes, []any{id, t})
			}
			for _, u := range r.units {
				units = append(units, []any{id, u.ID})
			}
			for _, q := range a.Quantities {
				quants = append(quants, []any{id, r.kindIDs[q.Kind], q.Value})
			}
			groups = append(groups, audienceRows(id, a)...)
		}
		for _, b := range activityBatches(acts, themes, units, quants, groups) {
			if err := insertMany(ctx, tx, b.table, b.cols, b.rows); err != nil {
				return err
			}
		}
		if err := s.applyFacts(ctx, tx, importFacts(rows, resolved)); err != nil {
			return err
		}
		return s.audit(ctx, tx, actor, "import", "activities", fmt.Sprint(importID), nil, map[string]any{"file": f.Name, "sha256": f.SHA256, "rows": len(rows)})
	})
	return len(rows), err
}

// importFacts adds up the contribution of an import's rows.
func importFacts(rows []ActivityRow, resolved []*resolvedActivity) *factDelta {
	d := newFactDelta()
	for i := range rows {
		d.add(resolvedContribution(&rows[i].Activity, resolved[i]), 1)
	}
	return d
}

type batch struct {
	table string
	cols  []string
	rows  [][]any
}

// activityBatches names the tables and columns an activity import fills.
func activityBatches(acts, themes, units, quants, groups [][]any) []batch {
	return []batch{
		{"activities", []string{"id", "plan_id", "agency_id", "task_id", "channel_id", "title", "description", "start_date", "end_date",
			"whole_province", "aud_total", "aud_women", "aud_men", "aud_children", "aud_ethnic", "cost", "funding_source_id", "links", "notes",
			"search", "demo", "import_id", "created_at", "created_by", "updated_at", "updated_by", "n_units"}, acts},
		{"activity_themes", []string{"activity_id", "theme_id"}, themes},
		{"activity_units", []string{"activity_id", "unit_id"}, units},
		{"activity_quantities", []string{"activity_id", "kind_id", "value"}, quants},
		{"activity_audience", []string{"activity_id", "grp", "value"}, groups},
	}
}

// insertMany writes rows with multi-row INSERTs of about 500 values each.
// It serves only the SQLite path (PostgreSQL copies), so it uses "?"
// placeholders: the driver maps "$n" by searching, which costs time
// quadratic in the number of parameters.
func insertMany(ctx context.Context, tx *sql.Tx, table string, cols []string, rows [][]any) error {
	if len(rows) == 0 {
		return nil
	}
	per := max(1, 500/len(cols))
	var stmt *sql.Stmt
	stmtRows := 0
	defer func() {
		if stmt != nil {
			stmt.Close()
		}
	}()
	for start := 0; start < len(rows); start += per {
		chunk := rows[start:min(start+per, len(rows))]
		if stmt == nil || stmtRows != len(chunk) {
			if stmt != nil {
				stmt.Close()
			}
			var b strings.Builder
			b.WriteString("INSERT INTO " + table + " (" + strings.Join(cols, ", ") + ") VALUES ")
			valuesList(&b, len(chunk), len(cols), false)
			var err error
			if stmt, err = tx.PrepareContext(ctx, b.String()); err != nil {
				return err
			}
			stmtRows = len(chunk)
		}
		args := make([]any, 0, len(chunk)*len(cols))
		for _, r := range chunk {
			args = append(args, r...)
		}
		if _, err := stmt.ExecContext(ctx, args...); err != nil {
			return fmt.Errorf("insert into %s: %w", table, err)
		}
	}
	return nil
}

// valuesList writes the placeholders of n rows of width values:
// "(?, ?), (?, ?)", or numbered "($1, $2), ($3, $4)".
func valuesList(b *strings.Builder, n, width int, numbered bool) {
	for i := range n {
		if i > 0 {
			b.WriteString(", ")
		}
		b.WriteByte('(')
		for j := range width {
			if j > 0 {
				b.WriteString(", ")
			}
			if numbered {
				b.WriteString("$" + strconv.Itoa(i*width+j+1))
			} else {
				b.WriteByte('?')
			}
		}
		b.WriteByte(')')
	}
}

// CheckActivities checks a file's rows as ImportActivities would, without
// writing anything: the preview of an import.
func (s *Store) CheckActivities(ctx context.Context, actor outreach.Actor, plan string, f ImportFile, rows []ActivityRow) (err error) {
	defer wrap(&err, "CheckActivities(%s)", f.Name)
	if len(rows) == 0 {
		return outreach.Invalid("file", "the file has no rows")
	}
	if err := s.checkImported(ctx, "activities", f); err != nil {
		return err
	}
	_, err = s.resolveRows(ctx, actor, plan, f, rows)
	return err
}

// resolveRows resolves every row against the plan's references in memory,
// collecting the problems of all rows (up to maxImportProblems).
func (s *Store) resolveRows(ctx context.Context, actor outreach.Actor, plan string, f ImportFile, rows []ActivityRow) ([]*resolvedActivity, error) {
	kinds, err := s.QuantityKinds(ctx)
	if err != nil {
		return nil, err
	}
	refs, err := s.loadRefs(ctx, plan)
	if err != nil {
		return nil, err
	}
	if err := ownerCheck(actor, refs.p.owner, "records"); err != nil {
		return nil, err
	}
	if slices.ContainsFunc(rows, func(r ActivityRow) bool { return len(r.Audience.Groups) > 0 }) {
		if refs.groups, err = planAudienceGroups(ctx, s.db, plan); err != nil {
			return nil, err
		}
	}
	resolved := make([]*resolvedActivity, len(rows))
	problems := &outreach.ValidationError{}
	for i := range rows {
		rows[i].Plan = plan
		r, err := resolveWith(refs, &rows[i].Activity, kinds)
		if err == nil {
			// The rule CreateActivity and UpdateActivity ask, for a new
			// record.
			err = checkActivity(actor, nil, r.claim(&rows[i].Activity))
		}
		var v *outreach.ValidationError
		switch {
		case errors.As(err, &v):
			for _, p := range v.Problems {
				p.Position = fmt.Sprintf("%s:%d", f.Name, rows[i].Line)
				problems.Problems = append(problems.Problems, p)
			}
		case errors.Is(err, outreach.ErrForbidden):
			problems.Problems = append(problems.Problems, outreach.Problem{Position: fmt.Sprintf("%s:%d", f.Name, rows[i].Line), Field: refusedField(err),
				Code: outreach.ProbForbidden, Message: err.Error()})
		case err != nil:
			return nil, err
		}
		if len(problems.Problems) >= maxImportProblems {
			break
		}
		resolved[i] = r
	}
	return resolved, problems.Err()
}

func (s *Store) recordImport(ctx context.Context, tx *sql.Tx, actor outreach.Actor, kind string, f ImportFile, rows int) (int64, error) {
	var id int64
	err := tx.QueryRowContext(ctx, `INSERT INTO imports (kind, sha256, filename, rows, created_at, created_by) VALUES ($1, $2, $3, $4, $5, $6) RETURNING id`,
		kind, f.SHA256, f.Name, rows, s.stamp(), actor.Name()).Scan(&id)
	if errors.Is(translate(err), outreach.ErrConflict) {
		return 0, outreach.Invalid("file", "this file (same content) was already imported")
	}
	return id, err
}

// copyActivities writes resolved rows with PostgreSQL's COPY in one pgx
// transaction on a connection of the pool: ids are taken from the
// sequence first so child rows can be copied too. This is one of the few
// places the store branches on the engine: row-by-row inserts there run at
// about 10,000 rows/s, COPY at several hundred thousand.
func (s *Store) copyActivities(ctx context.Context, actor outreach.Actor, f ImportFile, rows []ActivityRow, resolved []*resolvedActivity) error {
	conn, err := s.db.Conn(ctx)
	if err != nil {
		return err
	}
	defer conn.Close()
	return conn.Raw(func(dc any) error {
		pc := dc.(*stdlib.Conn).Conn()
		tx, err := pc.Begin(ctx)
		if err != nil {
			return err
		}
		defer tx.Rollback(context.WithoutCancel(ctx))
		now, by := s.stamp(), actor.Name()
		var importID int64
		err = tx.QueryRow(ctx, `INSERT INTO imports (kind, sha256, filename, rows, created_at, created_by) VALUES ($1, $2, $3, $4, $5, $6) RETURNING id`,
			"activities", f.SHA256, f.Name, len(rows), now, by).Scan(&importID)
		if err != nil {
			if errors.Is(translate(err), outreach.ErrConflict) {
				return outreach.Invalid("file", "this file (same content) was already imported")
			}
			return err
		}
		ids := make([]int64, 0, len(rows))
		idRows, err := tx.Query(ctx, `SELECT nextval(pg_get_serial_sequence('activities', 'id')) FROM generate_series(1, $1)`, len(rows))
		if err != nil {
			return err
		}
		for idRows.Next() {
			var id int64
			if err := idRows.Scan(&id); err != nil {
				return err
			}
			ids = append(ids, id)
		}
		if err := idRows.Err(); err != nil {
			return err
		}
		ptr := func(p *int64) any {
			if p == nil {
				return nil
			}
			return *p
		}
		var acts, themes, units, quants, groups [][]any
		for i := range rows {
			a, r, id := &rows[i].Activity, resolved[i], ids[i]
			au := a.Audience
			acts = append(acts, []any{id, r.plan.id, r.agencyID, r.taskID, r.channelID, a.Title, a.Description, a.StartDate, a.EndDate,
				a.WholeProvince, ptr(au.Total), ptr(au.Women), ptr(au.Men), ptr(au.Children1416), ptr(au.EthnicMinority),
				a.Cost, r.fundingID, strings.Join(a.Links, "\n"), a.Notes, activitySearch(a), a.Demo, importID, now, by, now, by, len(r.units)})
			for _, t := range r.themeIDs {
				themes = append(themes, []any{id, t})
			}
			for _, u := range r.units {
				units = append(units, []any{id, u.ID})
			}
			for _, q := range a.Quantities {
				quants = append(quants, []any{id, r.kindIDs[q.Kind], q.Value})
			}
			groups = append(groups, audienceRows(id, a)...)
		}
		for _, c := range activityBatches(acts, themes, units, quants, groups) {
			if len(c.rows) == 0 {
				continue
			}
			if _, err := tx.CopyFrom(ctx, pgx.Identifier{c.table}, c.cols, pgx.CopyFromRows(c.rows)); err != nil {
				return fmt.Errorf("copy %s: %w", c.table, translate(err))
			}
		}
		exec := func(ctx context.Context, q string, args ...any) error {
			_, err := tx.Exec(ctx, q, args...)
			return translate(err)
		}
		if err := importFacts(rows, resolved).write(ctx, exec, true); err != nil {
			return err
		}
		after, err := json.Marshal(map[string]any{"file": f.Name, "sha256": f.SHA256, "rows": len(rows)})
		if err != nil {
			return err
		}
		_, err = tx.Exec(ctx, `INSERT INTO audit_log (at, actor_id, actor, action, entity, entity_key, before, after) VALUES ($1, $2, $3, 'import', 'activities', $4, '', $5)`,
			now, nullActor(actor), by, fmt.Sprint(importID), string(after))
		if err != nil {
			return err
		}
		return tx.Commit(ctx)
	})
}

func nullActor(a outreach.Actor) any {
	if a.UserID == 0 {
		return nil
	}
	return a.UserID
}

// resolvedDist is a distribution's sender and communes, resolved.
type resolvedDist struct {
	from  int64
	units []outreach.Unit
}

// resolveDistributionRows checks every distribution of a file in memory,
// collecting the problems of all lines.
func (s *Store) resolveDistributionRows(ctx context.Context, actor outreach.Actor, plan string, f ImportFile, rows []DistributionRow) ([]resolvedDist, error) {
	refs, err := s.loadRefs(ctx, plan)
	if err != nil {
		return nil, err
	}
	if err := ownerCheck(actor, refs.p.owner, "records"); err != nil {
		return nil, err
	}
	materials := map[int64]bool{}
	err = each(ctx, s.db, `SELECT id FROM materials WHERE plan_id = $1 AND deleted_at IS NULL`, []any{refs.p.id}, func(r *sql.Rows) error {
		var id int64
		err := r.Scan(&id)
		materials[id] = true
		return err
	})
	if err != nil {
		return nil, err
	}
	problems := &outreach.ValidationError{}
	resolved := make([]resolvedDist, len(rows))
	for i := range rows {
		d := &rows[i].Distribution
		d.Plan = plan
		at := func(k int) string { return fmt.Sprintf("%s:%d", f.Name, rows[i].Lines[min(k, len(rows[i].Lines)-1)]) }
		add := func(k int, field, code, format string, args ...any) {
			p := outreach.Problem{Position: at(k), Field: field, Code: code, Args: args, Message: fmt.Sprintf(format, args...)}
			problems.Problems = append(problems.Problems, p)
		}
		refused := func(k int, field string, err error) {
			problems.Problems = append(problems.Problems, outreach.Problem{Position: at(k), Field: field, Code: outreach.ProbForbidden, Message: err.Error()})
		}
		if err := d.Validate(); err != nil {
			var v *outreach.ValidationError
			errors.As(err, &v)
			for _, p := range v.Problems {
				p.Position = at(0)
				problems.Problems = append(problems.Problems, p)
			}
			continue
		}
		if !materials[d.Material] {
			add(0, "material", outreach.ProbUnknown, "no material %d in the plan's catalogue", d.Material)
		}
		id, group, ok := refs.agency(d.FromAgency)
		switch {
		case !ok:
			add(0, "from_agency", outreach.ProbUnknown, "the plan names no agency %q", d.FromAgency)
		case group:
			add(0, "from_agency", outreach.ProbGroup, "%q is a group of agencies; record under one of its members", d.FromAgency)
		default:
			if err := checkDistribution(actor, id); err != nil {
				refused(0, "from_agency", err)
			}
		}
		resolved[i].from = id
		for k, x := range d.Deliveries {
			u, ok, _ := refs.unit(x.Unit, d.Date, d.Date)
			switch {
			case !ok:
				add(k, "unit", outreach.ProbNoUnit, "no unit %s was in force between %s and %s", x.Unit, d.Date, d.Date)
				continue
			case !u.IsCommune() || !refs.p.covers(u):
				add(k, "unit", outreach.ProbOutside, "%s is outside the plan's province", u.Name)
				continue
			}
			if err := outreach.ValidateConfirmation(d.Date, x.ReceivedOn, x.DeployedOn, x.How); err != nil {
				var v *outreach.ValidationError
				errors.As(err, &v)
				for _, p := range v.Problems {
					p.Position = at(k)
					problems.Problems = append(problems.Problems, p)
				}
			}
			if confirms(x) {
				if err := checkConfirmation(actor, u); err != nil {
					refused(k, "received_on", err)
				}
			}
			resolved[i].units = append(resolved[i].units, u)
		}
		if len(problems.Problems) >= maxImportProblems {
			break
		}
	}
	return resolved, problems.Err()
}

// CheckDistributions checks a file's distributions as ImportDistributions
// would, without writing: the preview of an import.
func (s *Store) CheckDistributions(ctx context.Context, actor outreach.Actor, plan string, f ImportFile, rows []DistributionRow) (err error) {
	defer wrap(&err, "CheckDistributions(%s)", f.Name)
	if len(rows) == 0 {
		return outreach.Invalid("file", "the file has no rows")
	}
	if err := s.checkImported(ctx, "distributions", f); err != nil {
		return err
	}
	_, err = s.resolveDistributionRows(ctx, actor, plan, f, rows)
	return err
}

// DistributionRow is a distribution read from a file: one or more lines
// (one per commune) sharing the material, the sender and the date.
type DistributionRow struct {
	Lines []int
	outreach.Distribution
}

// ImportDistributions writes every distribution of a file with its
// communes and their confirmations, or nothing when any line is wrong or
// the file was imported before.
func (s *Store) ImportDistributions(ctx context.Context, actor outreach.Actor, plan string, f ImportFile, rows []DistributionRow) (n int, err error) {
	defer wrap(&err, "ImportDistributions(%s)", f.Name)
	if len(rows) == 0 {
		return 0, outreach.Invalid("file", "the file has no rows")
	}
	if err := s.checkImported(ctx, "distributions", f); err != nil {
		return 0, err
	}
	resolved, err := s.resolveDistributionRows(ctx, actor, plan, f, rows)
	if err != nil {
		return 0, err
	}
	err = s.tx(ctx, func(tx *sql.Tx) error {
		importID, err := s.recordImport(ctx, tx, actor, "distributions", f, len(rows))
		if err != nil {
			return err
		}
		now := s.stamp()
		for i := range rows {
			d, r := &rows[i].Distribution, resolved[i]
			var id int64
			if err := tx.QueryRowContext(ctx, `INSERT INTO distributions (material_id, from_agency_id, date, notes, demo, import_id, created_at, created_by, updated_at, updated_by)
				VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $7, $8) RETURNING id`, d.Material, r.from, d.Date, d.Notes, d.Demo, importID, now, actor.Name()).Scan(&id); err != nil {
				return err
			}
			for k, u := range r.units {
				x := d.Deliveries[k]
				var at, by any
				if x.ReceivedOn != "" {
					at, by = now, actor.Name()
				}
				if _, err := tx.ExecContext(ctx, `INSERT INTO distribution_units (distribution_id, unit_id, quantity, received_on, deployed_on, deployed_how, confirmed_at, confirmed_by)
					VALUES ($1, $2, $3, $4, $5, $6, $7, $8)`, id, u.ID, x.Quantity, nullable(x.ReceivedOn), nullable(x.DeployedOn), joinList(x.How), at, by); err != nil {
					return err
				}
			}
		}
		if err := importDeliveryFacts(ctx, tx, importID); err != nil {
			return err
		}
		return s.audit(ctx, tx, actor, "import", "distributions", fmt.Sprint(importID), nil, map[string]any{"file": f.Name, "sha256": f.SHA256, "distributions": len(rows)})
	})
	return len(rows), err
}
