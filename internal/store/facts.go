package store

import (
	"cmp"
	"context"
	"database/sql"
	"fmt"
	"maps"
	"slices"
	"strconv"
	"strings"

	"outreach/internal/outreach"
)

// Activity rollups maintained from Go. A write knows what it changes: the
// activity it creates from the form, the one it replaces from four
// lookups by key. So the change to fact_reach, fact_quantity, fact_month
// and the activity tallies (fact_activity, fact_activity_theme) is
// computed here, old and new contributions netted (an edit
// of the title touches no rollup row), and only the rows that move are
// upserted. The grouped SQL in rollups.go stays the definition: it fills
// the tables in the migration and RollupDrift recomputes from it, and
// TestRollupsFollowEveryWrite checks after every step that the two
// agree.

// contribution is what one activity adds to the rollups: its audience
// and quantities, shared equally among its places (or counted once for
// the whole province, unit 0), under the year and month it started; and
// itself, once, to the tallies of its channel, agency, funding source
// (0: none), cost and themes.
type contribution struct {
	plan        int64
	year, month int
	task        int64
	total       float64
	women       float64
	children    float64
	nUnits      int
	units       []int64
	quantities  []kindValue
	tally       tallyKey
	cost        int64
	themes      []int64
	// groups are the people of the plan's own population groups.
	groups []groupValue
	// day is the start date (fact_event).
	day string
}

// eventKey is a row of fact_event.
type eventKey struct {
	plan, kind                  int64
	day                         string
	unit, agency, channel, task int64
}

type groupValue struct {
	grp   string
	value float64
}

// audienceKey is a row of fact_audience.
type audienceKey struct {
	plan, unit int64
	year       int
	grp        string
}

type kindValue struct {
	kind  int64
	value float64
}

type reachKey struct {
	plan, unit int64
	year       int
}

type quantityKey struct {
	plan, unit int64
	year       int
	kind, task int64
}

type monthKey struct {
	plan, unit int64
	year       int
	kind       int64
}

// tallyKey is a row of fact_activity.
type tallyKey struct {
	plan                     int64
	year, month              int
	channel, agency, funding int64
}

type themeKey struct {
	plan  int64
	year  int
	theme int64
}

// factDelta accumulates signed contributions.
type factDelta struct {
	reach    map[reachKey][3]float64
	quantity map[quantityKey]float64
	month    map[monthKey][12]int64
	// tally holds activities, those with a cost, and their cost.
	tally    map[tallyKey][3]int64
	theme    map[themeKey]int64
	audience map[audienceKey]float64
	event    map[eventKey]float64
}

func newFactDelta() *factDelta {
	return &factDelta{reach: map[reachKey][3]float64{}, quantity: map[quantityKey]float64{}, month: map[monthKey][12]int64{},
		tally: map[tallyKey][3]int64{}, theme: map[themeKey]int64{}, audience: map[audienceKey]float64{}, event: map[eventKey]float64{}}
}

// add adds sign (1 or -1) × c, mirroring activityRollups' expressions:
// each place gets value / n_units, and a place with no units is unit 0.
func (d *factDelta) add(c contribution, sign float64) {
	units := c.units
	if len(units) == 0 {
		units = []int64{0}
	}
	div := float64(c.nUnits)
	if c.nUnits <= 0 {
		div = 1
	}
	for _, u := range units {
		rk := reachKey{c.plan, u, c.year}
		r := d.reach[rk]
		r[0] += sign * (c.total / div)
		r[1] += sign * (c.women / div)
		r[2] += sign * (c.children / div)
		d.reach[rk] = r
		for _, g := range c.groups {
			d.audience[audienceKey{c.plan, u, c.year, g.grp}] += sign * (g.value / div)
		}
		for _, q := range c.quantities {
			d.quantity[quantityKey{c.plan, u, c.year, q.kind, c.task}] += sign * (q.value / div)
			if q.value > 0 {
				d.event[eventKey{c.plan, q.kind, c.day, u, c.tally.agency, c.tally.channel, c.task}] += sign * (q.value / div)
			}
			if q.value > 0 && c.month >= 1 && c.month <= 12 {
				mk := monthKey{c.plan, u, c.year, q.kind}
				m := d.month[mk]
				m[c.month-1] += int64(sign)
				d.month[mk] = m
			}
		}
	}
	d.addTally(c, int64(sign))
}

// addTally adds sign × the activity to the tallies, mirroring the
// expressions of fact_activity and fact_activity_theme.
func (d *factDelta) addTally(c contribution, sign int64) {
	t := d.tally[c.tally]
	t[0] += sign
	if c.cost > 0 {
		t[1] += sign
	}
	t[2] += sign * c.cost
	d.tally[c.tally] = t
	for _, th := range c.themes {
		d.theme[themeKey{c.plan, c.year, th}] += sign
	}
}

// resolvedContribution is the contribution of an activity about to be
// written.
func resolvedContribution(a *outreach.Activity, r *resolvedActivity) contribution {
	c := contribution{plan: r.plan.id, nUnits: len(r.units), day: a.StartDate}
	c.year, c.month = dateYearMonth(a.StartDate)
	if t, ok := r.taskID.(int64); ok {
		c.task = t
	}
	au := a.Audience
	c.total, c.women, c.children = float(au.Total), float(au.Women), float(au.Children1416)
	for _, u := range r.units {
		c.units = append(c.units, u.ID)
	}
	for _, q := range a.Quantities {
		c.quantities = append(c.quantities, kindValue{r.kindIDs[q.Kind], q.Value})
	}
	c.tally = tallyKey{plan: c.plan, year: c.year, month: c.month, channel: r.channelID, agency: r.agencyID}
	if f, ok := r.fundingID.(int64); ok {
		c.tally.funding = f
	}
	c.cost, c.themes = a.Cost, r.themeIDs
	for _, g := range slices.Sorted(maps.Keys(a.Audience.Groups)) {
		c.groups = append(c.groups, groupValue{g, float64(a.Audience.Groups[g])})
	}
	return c
}

func float(p *int64) float64 {
	if p == nil {
		return 0
	}
	return float64(*p)
}

// dateYearMonth reads the year and month of a yyyy-mm-dd date.
func dateYearMonth(d string) (year, month int) {
	if len(d) >= 7 {
		year, _ = strconv.Atoi(d[:4])
		month, _ = strconv.Atoi(d[5:7])
	}
	return year, month
}

// storedContribution reads the contribution of an activity as stored.
func (s *Store) storedContribution(ctx context.Context, tx *sql.Tx, id int64) (contribution, error) {
	var c contribution
	var start string
	var tot, wom, chi sql.NullInt64
	err := s.cached(tx).QueryRowContext(ctx, `SELECT plan_id, start_date, coalesce(task_id, 0), aud_total, aud_women, aud_children, n_units,
		channel_id, agency_id, coalesce(funding_source_id, 0), cost
		FROM activities WHERE id = $1`, id).Scan(&c.plan, &start, &c.task, &tot, &wom, &chi, &c.nUnits,
		&c.tally.channel, &c.tally.agency, &c.tally.funding, &c.cost)
	if err != nil {
		return c, fmt.Errorf("rollup: activity %d: %w", id, err)
	}
	c.year, c.month = dateYearMonth(start)
	c.day = start
	c.tally.plan, c.tally.year, c.tally.month = c.plan, c.year, c.month
	c.total, c.women, c.children = float64(tot.Int64), float64(wom.Int64), float64(chi.Int64)
	q := s.cached(tx)
	err = each(ctx, q, `SELECT unit_id FROM activity_units WHERE activity_id = $1`, []any{id}, func(r *sql.Rows) error {
		var u int64
		err := r.Scan(&u)
		c.units = append(c.units, u)
		return err
	})
	if err != nil {
		return c, err
	}
	err = each(ctx, q, `SELECT kind_id, value FROM activity_quantities WHERE activity_id = $1`, []any{id}, func(r *sql.Rows) error {
		var kv kindValue
		err := r.Scan(&kv.kind, &kv.value)
		c.quantities = append(c.quantities, kv)
		return err
	})
	if err != nil {
		return c, err
	}
	err = each(ctx, q, `SELECT theme_id FROM activity_themes WHERE activity_id = $1`, []any{id}, func(r *sql.Rows) error {
		var th int64
		err := r.Scan(&th)
		c.themes = append(c.themes, th)
		return err
	})
	if err != nil {
		return c, err
	}
	err = each(ctx, q, `SELECT grp, value FROM activity_audience WHERE activity_id = $1 ORDER BY grp`, []any{id}, func(r *sql.Rows) error {
		var g groupValue
		err := r.Scan(&g.grp, &g.value)
		c.groups = append(c.groups, g)
		return err
	})
	return c, err
}

// execFunc runs one statement: a *sql.Tx's, or a pgx transaction's
// during a COPY import.
type execFunc func(ctx context.Context, query string, args ...any) error

// factRow is one upsert: the table's key values then its value deltas.
type factRow []any

// rows lists the delta's non-zero rows per table, in the order of
// activityRollups and in key order (so that concurrent PostgreSQL writers
// lock shared rollup rows in the same order and wait for each other
// instead of deadlocking).
func (d *factDelta) rows() [][]factRow {
	reach, quantity, month := d.unitRows()
	return [][]factRow{reach, quantity, month, d.tallyRows(), d.themeRows(), d.audienceRows(), d.eventRows()}
}

func (d *factDelta) eventRows() []factRow {
	var out []factRow
	keys := sortedKeys(d.event, func(a, b eventKey) int {
		return cmp.Or(cmp.Compare(a.plan, b.plan), cmp.Compare(a.kind, b.kind), cmp.Compare(a.day, b.day), cmp.Compare(a.unit, b.unit),
			cmp.Compare(a.agency, b.agency), cmp.Compare(a.channel, b.channel), cmp.Compare(a.task, b.task))
	})
	for _, k := range keys {
		if v := d.event[k]; v != 0 {
			out = append(out, factRow{k.plan, k.kind, k.day, k.unit, k.agency, k.channel, k.task, v})
		}
	}
	return out
}

func (d *factDelta) audienceRows() []factRow {
	var out []factRow
	keys := sortedKeys(d.audience, func(a, b audienceKey) int {
		return cmp.Or(cmp.Compare(a.plan, b.plan), cmp.Compare(a.unit, b.unit), cmp.Compare(a.year, b.year), cmp.Compare(a.grp, b.grp))
	})
	for _, k := range keys {
		if v := d.audience[k]; v != 0 {
			out = append(out, factRow{k.plan, k.unit, k.year, k.grp, v})
		}
	}
	return out
}

// unitRows lists the rows of the rollups kept per unit version.
func (d *factDelta) unitRows() (reach, quantity, month []factRow) {
	rk := sortedKeys(d.reach, func(a, b reachKey) int {
		return cmp.Or(cmp.Compare(a.plan, b.plan), cmp.Compare(a.unit, b.unit), cmp.Compare(a.year, b.year))
	})
	for _, k := range rk {
		v := d.reach[k]
		if v != [3]float64{} {
			reach = append(reach, factRow{k.plan, k.unit, k.year, v[0], v[1], v[2]})
		}
	}
	qk := sortedKeys(d.quantity, func(a, b quantityKey) int {
		return cmp.Or(cmp.Compare(a.plan, b.plan), cmp.Compare(a.unit, b.unit), cmp.Compare(a.year, b.year),
			cmp.Compare(a.kind, b.kind), cmp.Compare(a.task, b.task))
	})
	for _, k := range qk {
		if v := d.quantity[k]; v != 0 {
			quantity = append(quantity, factRow{k.plan, k.unit, k.year, k.kind, k.task, v})
		}
	}
	mk := sortedKeys(d.month, func(a, b monthKey) int {
		return cmp.Or(cmp.Compare(a.plan, b.plan), cmp.Compare(a.unit, b.unit), cmp.Compare(a.year, b.year), cmp.Compare(a.kind, b.kind))
	})
	for _, k := range mk {
		v := d.month[k]
		if v != [12]int64{} {
			r := factRow{k.plan, k.unit, k.year, k.kind}
			for _, n := range v {
				r = append(r, n)
			}
			month = append(month, r)
		}
	}
	return reach, quantity, month
}

func (d *factDelta) tallyRows() []factRow {
	var out []factRow
	keys := sortedKeys(d.tally, func(a, b tallyKey) int {
		return cmp.Or(cmp.Compare(a.plan, b.plan), cmp.Compare(a.year, b.year), cmp.Compare(a.month, b.month),
			cmp.Compare(a.channel, b.channel), cmp.Compare(a.agency, b.agency), cmp.Compare(a.funding, b.funding))
	})
	for _, k := range keys {
		if v := d.tally[k]; v != [3]int64{} {
			out = append(out, factRow{k.plan, k.year, k.month, k.channel, k.agency, k.funding, v[0], v[1], v[2]})
		}
	}
	return out
}

func (d *factDelta) themeRows() []factRow {
	var out []factRow
	keys := sortedKeys(d.theme, func(a, b themeKey) int {
		return cmp.Or(cmp.Compare(a.plan, b.plan), cmp.Compare(a.year, b.year), cmp.Compare(a.theme, b.theme))
	})
	for _, k := range keys {
		if v := d.theme[k]; v != 0 {
			out = append(out, factRow{k.plan, k.year, k.theme, v})
		}
	}
	return out
}

func sortedKeys[K comparable, V any](m map[K]V, compare func(a, b K) int) []K {
	keys := make([]K, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	slices.SortFunc(keys, compare)
	return keys
}

// write upserts the delta's rows, many to a statement. numbered chooses
// $n placeholders (PostgreSQL) or ? (SQLite, where the driver maps $n by
// searching, quadratic in their number).
func (d *factDelta) write(ctx context.Context, exec execFunc, numbered bool) error {
	for i, rows := range d.rows() {
		r := activityRollups[i]
		if err := upsertFacts(ctx, exec, numbered, r.table, r.keyCols, r.valCols, rows); err != nil {
			return fmt.Errorf("rollup %s: %w", r.table, err)
		}
	}
	return nil
}

// upsertFacts adds rows to a rollup table, about 500 values a statement.
func upsertFacts(ctx context.Context, exec execFunc, numbered bool, table, keyCols string, valCols []string, rows []factRow) error {
	if len(rows) == 0 {
		return nil
	}
	width := len(rows[0])
	per := max(1, 500/width)
	var sets []string
	for _, c := range valCols {
		sets = append(sets, fmt.Sprintf("%s = %s.%s + excluded.%s", c, table, c, c))
	}
	head := "INSERT INTO " + table + " (" + keyCols + ", " + strings.Join(valCols, ", ") + ") VALUES "
	tail := " ON CONFLICT (" + keyCols + ") DO UPDATE SET " + strings.Join(sets, ", ")
	for start := 0; start < len(rows); start += per {
		chunk := rows[start:min(start+per, len(rows))]
		var b strings.Builder
		b.WriteString(head)
		valuesList(&b, len(chunk), width, numbered)
		b.WriteString(tail)
		args := make([]any, 0, len(chunk)*width)
		for _, r := range chunk {
			args = append(args, r...)
		}
		if err := exec(ctx, b.String(), args...); err != nil {
			return err
		}
	}
	return nil
}

// txExec runs statements in a database/sql transaction, through the
// store's statement cache.
func (s *Store) txExec(tx *sql.Tx) execFunc {
	return func(ctx context.Context, q string, args ...any) error {
		_, err := s.cached(tx).ExecContext(ctx, q, args...)
		return err
	}
}

// applyFacts writes a delta in a database/sql transaction.
func (s *Store) applyFacts(ctx context.Context, tx *sql.Tx, d *factDelta) error {
	return d.write(ctx, s.txExec(tx), s.engine == Postgres)
}

// activityFacts adds (sign 1) or subtracts (sign -1) the contribution of
// an activity as stored.
func (s *Store) activityFacts(ctx context.Context, tx *sql.Tx, id int64, sign float64) error {
	c, err := s.storedContribution(ctx, tx, id)
	if err != nil {
		return err
	}
	d := newFactDelta()
	d.add(c, sign)
	return s.applyFacts(ctx, tx, d)
}
