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
	"sync"

	"outreach/internal/outreach"
)

// IndicatorQuery selects what to compute: a plan's targets and quantified
// tasks for a year, over a unit (its subtree), on the unit tree as it
// stood on AsOf (default: the end of the year).
type IndicatorQuery struct {
	Plan string
	Year int
	Unit string
	AsOf string
	// From and To, when set, bound the dashboard's activity figures to a
	// window of start dates (a reporting period's cut-off) instead of
	// the calendar year.
	From, To string
}

// IndicatorSet is the result of one computation, with what it was
// computed over.
type IndicatorSet struct {
	Plan       string               `json:"plan"`
	Year       int                  `json:"year"`
	Unit       outreach.Unit        `json:"unit"`
	AsOf       string               `json:"as_of"`
	DataFrom   string               `json:"data_from"`
	DataTo     string               `json:"data_to"`
	Indicators []outreach.Indicator `json:"indicators"`
}

// materialTypesCounted are the materials target II.2.1 speaks of: guidance
// and behaviour-change materials in any form; "other" does not count.
func materialCounts(t string) bool { return t != "other" }

// engine holds one computation's inputs; the tree and the census figures
// are loaded once and reused for every year and unit asked of it.
type engine struct {
	s   *Store
	ctx context.Context
	// until, when set, ends the data earlier than the year's end: a
	// six-month or end-of-period report's window.
	until string
	plan  *outreach.Plan
	ep    *enginePlan // the plan's id, references, kinds and tasks
	q     IndicatorQuery
	tree  *tree
	scope outreach.Unit
	from  string // first day of the plan's data
	to    string // last day of the year
	// facts are what the current computation reads: those read for the
	// current set of plans (read), or their rows a part of it needs.
	facts *facts
	read  factState
	// lumpWhole asks for lumped facts when the whole plan is computed:
	// set by callers that compute one scope.
	lumpWhole bool
	// On a tree where the plan's province has merged into another,
	// areaOf is the plan's province code and area the versions in force
	// that descend from its units: communes and census figures count
	// there only (Bắc Kạn's part of Thái Nguyên, not the rest of it).
	areaOf []string
	area   map[int64]bool
	// ids are the plans whose records the facts are read from (nil: the
	// plan's own); others holds the facts read for other sets of plans
	// (a parent plan's targets count the plans serving them).
	ids    []int64
	others map[string]factState
}

// factState is an engine's facts with what they were read for.
type factState struct {
	facts *facts
	// factsFor is the scope the facts were read for (all of the plan's
	// when factsAll; that scope only when factsLumped).
	factsFor              outreach.Unit
	factsAll, factsLumped bool
	// narrowed holds, by the id of a part of factsFor they served, the
	// rows of the facts that part needs (narrowTo).
	narrowed map[int64]*facts
}

func (e *engine) planIDs() []int64 {
	if e.ids == nil {
		return []int64{e.ep.id}
	}
	return e.ids
}

// useSet makes the facts of the set of plans current, keeping those of
// the current set for later.
func (e *engine) useSet(ids []int64) {
	if len(ids) == 0 {
		ids = []int64{e.ep.id}
	}
	cur, next := idList(e.planIDs()), idList(ids)
	if cur == next {
		return
	}
	if e.others == nil {
		e.others = map[string]factState{}
	}
	e.others[cur] = e.read
	e.read = e.others[next]
	e.facts = e.read.facts
	e.ids = ids
}

// facts are the plan's records reduced once per engine to what indicators
// need, per unit version and year, so that computing many years and units
// costs no further query.
type facts struct {
	// deliveries are the earliest dates each unit received and deployed
	// a material that counts (a slice: a national plan's 10,000 went
	// into two maps at a cost of most of the engine's allocations).
	deliveries []deliveryFact
	keyAreas   map[int][]int64 // year → units
	models     []modelFact
	// reach[year] lists people reached per unit version (total, women,
	// children 14–16), wholeReach[year] for the whole province.
	reach      map[int][]reachFact
	wholeReach map[int][3]float64
	quantities []quantityFact
	// months[kind] lists, per unit (0 for the whole province) and year,
	// the months in which an activity counted the kind.
	// Those of the plan's frequency targets are read with the rest.
	months map[string][]monthFact
	// sel is the rows the facts were read from.
	sel factSel
}

// only returns the facts of the unit versions in keep (facts are only
// read once loaded, so the whole province's reach is shared). Lumped
// facts are never narrowed: they serve their one scope.
func (f *facts) only(keep map[int64]bool) *facts {
	n := &facts{keyAreas: map[int][]int64{}, reach: map[int][]reachFact{}, wholeReach: f.wholeReach,
		months: map[string][]monthFact{}, sel: f.sel}
	for _, d := range f.deliveries {
		if keep[d.unit] {
			n.deliveries = append(n.deliveries, d)
		}
	}
	for y, ids := range f.keyAreas {
		for _, id := range ids {
			if keep[id] {
				n.keyAreas[y] = append(n.keyAreas[y], id)
			}
		}
	}
	for _, m := range f.models {
		if keep[m.unit] {
			n.models = append(n.models, m)
		}
	}
	for y, rs := range f.reach {
		for _, r := range rs {
			if keep[r.unit] {
				n.reach[y] = append(n.reach[y], r)
			}
		}
	}
	for _, q := range f.quantities {
		if keep[q.unit] {
			n.quantities = append(n.quantities, q)
		}
	}
	for kind, ms := range f.months {
		var kept []monthFact
		for _, m := range ms {
			if keep[m.unit] {
				kept = append(kept, m)
			}
		}
		n.months[kind] = kept
	}
	return n
}

// lumpUnit stands, in lumped facts, for every unit version whose figures
// land whole in the scope the facts were read for.
const lumpUnit = -1

// factSel selects the rollup rows facts are read from: those of some unit
// versions, or all; lumped or one per version.
//
// Lumped facts are summed by the database over every version whose
// figures the crosswalk carries whole into the scope (all but those
// apart, and 0, the whole province's, which are read one per version):
// a whole country's figures are a few dozen rows instead of some 200,000,
// summed in key order (migration 0007). They serve that one scope only,
// so engines that compute one scope ask for them (lumpWhole).
type factSel struct {
	units []int64 // only these versions (nil: every version)
	// years bounds the rollup rows read one per version, so that they
	// are found by key (kind, year, unit).
	years []int
	lump  bool
	apart []int64 // lumped: the versions read one by one, 0 first
	pg    bool
	// plans is the condition on plan_id: the plan's own records, or
	// with those of the plans serving a target (servingPlans).
	plans string
	// whole maps a serving plan's id to the unit version its records
	// "for the whole area" (unit 0) stand for: its scope, not the
	// parent's.
	whole map[int64]int64
}

// unit is the selected unit column: what was done for a serving plan's
// whole area is the serving plan's scope unit.
func (fs factSel) unit(col, planCol string) string {
	if len(fs.whole) == 0 {
		return col
	}
	var b strings.Builder
	b.WriteString("(CASE WHEN " + col + " = 0 THEN (CASE " + planCol)
	for _, id := range slices.Sorted(maps.Keys(fs.whole)) {
		fmt.Fprintf(&b, " WHEN %d THEN %d", id, fs.whole[id]) // integers, never user input
	}
	b.WriteString(" ELSE 0 END) ELSE " + col + " END)")
	return b.String()
}

// only adds to a query the condition that its unit column is one of the
// selected versions (nothing for all), with its argument after args.
func (fs factSel) only(q, unitCol string, args ...any) (string, []any) {
	return fs.in(q, unitCol, fs.units, args)
}

// perUnit adds to a rollup query the condition that its unit is one of
// those read one per version (nothing for all unless lumped).
func (fs factSel) perUnit(q, yearCol, unitCol string, args ...any) (string, []any) {
	ids := fs.units
	if fs.lump {
		ids = fs.apart
	}
	if ids == nil {
		return q, args
	}
	years := make([]int64, len(fs.years))
	for i, y := range fs.years {
		years[i] = int64(y)
	}
	return fs.in(q+" AND "+yearCol+" IN ("+idList(years)+")", unitCol, ids, args)
}

func (fs factSel) in(q, col string, ids []int64, args []any) (string, []any) {
	if ids == nil {
		return q, args
	}
	if fs.pg {
		// One array parameter: PostgreSQL took longer to plan a literal
		// list of hundreds of ids than to run the query.
		return q + " AND " + col + " = ANY($" + strconv.Itoa(len(args)+1) + ")", append(args, ids)
	}
	// Integers formatted here, never user input.
	return q + " AND " + col + " IN (" + idList(ids) + ")", args
}

// lumped adds to a query the condition that its unit column is none of
// those read one per version.
func (fs factSel) lumped(q, unitCol string) string {
	// Usually few: 0, the versions split across the scope's border and
	// those outside it (at most maxRelated, readFacts).
	return q + " AND " + unitCol + " NOT IN (" + idList(fs.apart) + ")"
}

// decisionYear is the year of the plan's decision, from which frequency
// targets count.
func decisionYear(p *outreach.Plan) int {
	if y, err := strconv.Atoi(p.Decision.Date[:min(4, len(p.Decision.Date))]); err == nil {
		return y
	}
	return p.Period.From
}

func idList(ids []int64) string {
	list := make([]string, len(ids))
	for i, id := range ids {
		list[i] = strconv.FormatInt(id, 10)
	}
	return strings.Join(list, ",")
}

type deliveryFact struct {
	unit               int64
	received, deployed string // deployed "" when not yet
}

type reachFact struct {
	unit int64
	v    [3]float64
}

type modelFact struct {
	unit int64
	m    outreach.PreventionModel
}

type quantityFact struct {
	year  int
	unit  int64
	kind  string
	task  string
	value float64
}

type monthFact struct {
	year int
	unit int64
	mask uint16 // bit m-1 set when month m counted
}

// newEngine loads what computing a plan's indicators on the tree of asOf
// needs.
func (s *Store) newEngine(ctx context.Context, plan string, asOf string) (*engine, error) {
	ep, err := s.enginePlan(ctx, plan)
	if err != nil {
		return nil, err
	}
	p := ep.plan
	if !outreach.ValidDate(asOf) {
		return nil, outreach.Invalid("as_of", "expected a date YYYY-MM-DD, got %q", asOf)
	}
	e := &engine{s: s, ctx: ctx, plan: p, ep: ep, q: IndicatorQuery{Plan: plan, AsOf: asOf},
		from: fmt.Sprintf("%d-01-01", p.Period.From)}
	if e.tree, err = s.treeAt(ctx, asOf); err != nil {
		return nil, err
	}
	return e, nil
}

// maxRelated bounds the unit versions a fact query lists; past it the
// plan's facts are read whole.
const maxRelated = 5000

// readFacts reads the facts a computation over scope needs, unless those
// read already cover it: for the plan's whole province everything, for a
// part of it (a province of a national plan, a district) only the unit
// versions the crosswalk carries into it.
func (e *engine) readFacts(scope outreach.Unit) error {
	if r := &e.read; r.facts != nil {
		switch {
		case scope.ID == r.factsFor.ID:
			e.facts = r.facts
			return nil
		case !r.factsLumped && (r.factsAll || e.tree.inScope(scope.ID, r.factsFor)):
			e.facts = e.narrowTo(scope)
			return nil
		}
	}
	sel := factSel{pg: e.s.engine == Postgres}
	if !e.ep.ref.isWhole(scope) {
		if ids := e.tree.relatedTo(scope); len(ids) <= maxRelated {
			sel.units = ids
		}
	} else if e.lumpWhole {
		if apart := e.tree.apartFrom(scope); len(apart) < maxRelated {
			sel.lump, sel.apart = true, append([]int64{0}, apart...)
		}
	}
	for y := min(e.plan.Period.From, decisionYear(e.plan)); y <= e.plan.Period.To; y++ {
		sel.years = append(sel.years, y)
	}
	f, err := e.s.loadFacts(e.ctx, e.ep, e.planIDs(), sel)
	if err != nil {
		return err
	}
	e.read = factState{facts: f, factsFor: scope, factsAll: sel.units == nil, factsLumped: sel.lump}
	e.facts = f
	return nil
}

// narrowTo returns the rows of the facts read for a wider scope that a
// part of it needs: those of the unit versions the crosswalk carries into
// the part (tree.relatedSet). Every target tests each fact's unit against
// the scope; a national plan's dashboard computes each of its 34
// provinces from the country's facts, so without this each province row
// walked the whole country's rows once per target. Narrowed once per part
// and set of plans.
func (e *engine) narrowTo(part outreach.Unit) *facts {
	r := &e.read
	if f, ok := r.narrowed[part.ID]; ok {
		return f
	}
	f := r.facts.only(e.tree.relatedSet(part))
	if r.narrowed == nil {
		r.narrowed = map[int64]*facts{}
	}
	r.narrowed[part.ID] = f
	return f
}

// measures lists the quantity kinds the plan's targets and tasks count.
func measures(p *outreach.Plan) []string {
	var out []string
	add := func(m string) {
		if m != "" && !slices.Contains(out, m) {
			out = append(out, m)
		}
	}
	for _, t := range p.Targets {
		if t.Kind == outreach.KindCount {
			add(t.Measure)
		}
	}
	for _, t := range p.Tasks {
		if t.Quantity != nil {
			add(t.Quantity.Measure)
		}
	}
	return out
}

// quantifiedTasks lists the clauses of the tasks with a quantified goal.
func quantifiedTasks(p *outreach.Plan) []string {
	var out []string
	for _, t := range p.Tasks {
		if t.Quantity != nil {
			out = append(out, t.Clause)
		}
	}
	return out
}

// frequencyMeasures lists the quantity kinds the frequency targets count.
func frequencyMeasures(p *outreach.Plan) []string {
	var out []string
	for _, t := range p.Targets {
		if t.Kind == outreach.KindFrequency && !slices.Contains(out, t.Measure) {
			out = append(out, t.Measure)
		}
	}
	return out
}

// loadFacts reduces the plan's records with a handful of grouped queries;
// quantities only of the kinds the plan counts.
func (s *Store) loadFacts(ctx context.Context, ep *enginePlan, ids []int64, sel factSel) (*facts, error) {
	monthKinds := frequencyMeasures(ep.plan)
	sel.plans = "plan_id IN (" + idList(ids) + ")" // integers, never user input
	for _, id := range ids {
		if id != ep.id {
			if sel.whole == nil {
				sel.whole = map[int64]int64{}
			}
			sel.whole[id] = ep.scopeUnits[id]
		}
	}
	f := &facts{keyAreas: map[int][]int64{},
		reach: map[int][]reachFact{}, wholeReach: map[int][3]float64{}, months: map[string][]monthFact{}, sel: sel}
	// Reading a whole plan's facts (a national plan's are some 200,000
	// rows, or their sums), the months of the frequency targets, the
	// quantities and the reach are read side by side, each on its own
	// connection (SQLite's WAL and PostgreSQL both let readers run
	// together), each reader filling its own fields of f. A part's few
	// hundred rows are read one query after the other: there, more
	// connections cost more than they save.
	months := make([][]monthFact, len(monthKinds))
	var monthsErr, qtyErr, reachErr error
	readMonths := func() {
		for i, k := range monthKinds {
			if months[i], monthsErr = s.readMonths(ctx, ep, f, k); monthsErr != nil {
				return
			}
		}
	}
	readQuantities := func() { qtyErr = s.readQuantities(ctx, f, ep) }
	readReach := func() { reachErr = s.readReach(ctx, f) }
	var err error
	if sel.units == nil {
		var wg sync.WaitGroup
		wg.Go(readMonths)
		wg.Go(readQuantities)
		wg.Go(readReach)
		err = s.readDeliveries(ctx, f)
		wg.Wait()
	} else {
		err = s.readDeliveries(ctx, f)
		readReach()
		readQuantities()
		readMonths()
	}
	err = cmp.Or(err, reachErr, qtyErr, monthsErr)
	for i, k := range monthKinds {
		f.months[k] = months[i]
	}
	return f, err
}

// readDeliveries reads the communes' first receipts and deployments, the
// key areas and the models into f.
func (s *Store) readDeliveries(ctx context.Context, f *facts) error {
	// fact_delivery (rollups.go) holds each commune's first receipt and
	// deployment within the plan (from 1 January of its first year).
	q, args := f.sel.only(`SELECT unit_id, first_received, first_deployed FROM fact_delivery WHERE `+f.sel.plans, "unit_id")
	err := each(ctx, s.db, q, args, func(r *sql.Rows) error {
		var d deliveryFact
		var dep sql.NullString
		err := r.Scan(&d.unit, &d.received, &dep)
		d.deployed = dep.String
		f.deliveries = append(f.deliveries, d)
		return err
	})
	if err != nil {
		return err
	}
	q, args = f.sel.only(`SELECT year, unit_id FROM key_areas WHERE `+f.sel.plans, "unit_id")
	err = each(ctx, s.db, q, args, func(r *sql.Rows) error {
		var y int
		var id int64
		err := r.Scan(&y, &id)
		f.keyAreas[y] = append(f.keyAreas[y], id)
		return err
	})
	if err != nil {
		return err
	}
	models := map[int64]*modelFact{}
	var order []int64
	q, args = f.sel.only(`SELECT id, unit_id, established_on FROM prevention_models WHERE `+f.sel.plans+` AND deleted_at IS NULL`, "unit_id")
	err = each(ctx, s.db, q, args, func(r *sql.Rows) error {
		var id int64
		m := &modelFact{}
		err := r.Scan(&id, &m.unit, &m.m.EstablishedOn)
		models[id] = m
		order = append(order, id)
		return err
	})
	if err != nil {
		return err
	}
	q, args = f.sel.only(`SELECT s.model_id, s.since, s.status FROM model_statuses s JOIN prevention_models m ON m.id = s.model_id
		WHERE m.`+f.sel.plans, "m.unit_id")
	err = each(ctx, s.db, q+` ORDER BY s.since`, args, func(r *sql.Rows) error {
		var id int64
		var st outreach.ModelStatus
		if err := r.Scan(&id, &st.Since, &st.Status); err != nil {
			return err
		}
		if m := models[id]; m != nil {
			m.m.Statuses = append(m.m.Statuses, st)
		}
		return nil
	})
	if err != nil {
		return err
	}
	for _, id := range order {
		f.models = append(f.models, *models[id])
	}
	return nil
}

// readReach reads the people reached per unit version and year into f.
func (s *Store) readReach(ctx context.Context, f *facts) error {
	// An activity's reach is split equally between the units it lists;
	// unit 0 holds what was done for the whole province.
	add := func(unit int64, y int, v [3]float64) {
		if unit == 0 {
			w := f.wholeReach[y]
			for i := range w {
				w[i] += v[i]
			}
			f.wholeReach[y] = w
		} else {
			f.reach[y] = append(f.reach[y], reachFact{unit, v})
		}
	}
	if f.sel.lump {
		q := f.sel.lumped(`SELECT year, sum(total), sum(women), sum(children) FROM fact_reach WHERE `+f.sel.plans, "unit_id")
		err := each(ctx, s.db, q+` GROUP BY year`, nil, func(r *sql.Rows) error {
			var y int
			var v [3]float64
			err := r.Scan(&y, &v[0], &v[1], &v[2])
			add(lumpUnit, y, v)
			return err
		})
		if err != nil {
			return err
		}
	}
	q, args := f.sel.perUnit(`SELECT `+f.sel.unit("unit_id", "plan_id")+`, year, total, women, children FROM fact_reach WHERE `+f.sel.plans, "year", "unit_id")
	return each(ctx, s.db, q, args, func(r *sql.Rows) error {
		var y int
		var rf reachFact
		err := r.Scan(&rf.unit, &y, &rf.v[0], &rf.v[1], &rf.v[2])
		add(rf.unit, y, rf.v)
		return err
	})
}

// readQuantities reads the counted quantities of the kinds the plan's
// targets and tasks count into f.
func (s *Store) readQuantities(ctx context.Context, f *facts, ep *enginePlan) error {
	// Rows are unique per unit, year, kind and task: they are read by
	// the ids of the kinds, and their tasks' ids told by clause.
	kindCode := map[int64]string{}
	var args []any
	var idMarks []string
	for _, k := range measures(ep.plan) {
		if id, ok := ep.kinds[k]; ok {
			kindCode[id] = k
			args = append(args, id)
			idMarks = append(idMarks, fmt.Sprintf("$%d", len(args)))
		}
	}
	if len(kindCode) == 0 {
		return nil
	}
	clause := ep.tasks
	var taskIDs []int64
	tasks := quantifiedTasks(ep.plan)
	for id, c := range clause {
		if id != 0 && slices.Contains(tasks, c) {
			taskIDs = append(taskIDs, id)
		}
	}
	slices.Sort(taskIDs)
	base := `FROM fact_quantity q WHERE q.` + f.sel.plans + ` AND q.kind_id IN (` + strings.Join(idMarks, ", ") + `) AND q.value <> 0`
	if f.sel.lump {
		// Per kind and year: the sum over every task, and the sums of
		// the tasks that count on their own; what the rest of the tasks
		// did goes under no task.
		sums := []string{"sum(q.value)"}
		for _, id := range taskIDs {
			sums = append(sums, fmt.Sprintf("sum(CASE WHEN q.task_id = %d THEN q.value ELSE 0 END)", id))
		}
		q := f.sel.lumped(`SELECT q.kind_id, q.year, `+strings.Join(sums, ", ")+` `+base, "q.unit_id")
		err := each(ctx, s.db, q+` GROUP BY q.kind_id, q.year`, args, func(r *sql.Rows) error {
			var kind int64
			var y int
			v := make([]float64, len(sums))
			dest := []any{&kind, &y}
			for i := range v {
				dest = append(dest, &v[i])
			}
			if err := r.Scan(dest...); err != nil {
				return err
			}
			rest := v[0]
			for i, id := range taskIDs {
				rest -= v[i+1]
				f.quantities = append(f.quantities, quantityFact{year: y, unit: lumpUnit, kind: kindCode[kind], task: clause[id], value: v[i+1]})
			}
			f.quantities = append(f.quantities, quantityFact{year: y, unit: lumpUnit, kind: kindCode[kind], value: rest})
			return nil
		})
		if err != nil {
			return err
		}
	}
	q, args := f.sel.perUnit(`SELECT q.year, `+f.sel.unit("q.unit_id", "q.plan_id")+`, q.kind_id, q.task_id, q.value `+base, "q.year", "q.unit_id", args...)
	return each(ctx, s.db, q, args, func(r *sql.Rows) error {
		var q quantityFact
		var kind, task int64
		if err := r.Scan(&q.year, &q.unit, &kind, &task, &q.value); err != nil {
			return err
		}
		q.kind, q.task = kindCode[kind], clause[task]
		f.quantities = append(f.quantities, q)
		return nil
	})
}

// readMonths reads the months in which a kind was counted, per unit
// version and year, limited to f's units.
func (s *Store) readMonths(ctx context.Context, ep *enginePlan, f *facts, kind string) ([]monthFact, error) {
	kindID, ok := ep.kinds[kind]
	if !ok {
		return nil, nil // a kind nobody can have recorded
	}
	// One bit per month, computed by the database: reading twelve
	// columns per row cost more than the rest of the computation.
	// Lumped, a month's bit is set when any version counted it.
	var mask, lumpMask []string
	for m, c := range monthCols() {
		mask = append(mask, fmt.Sprintf("CASE WHEN f.%s > 0 THEN %d ELSE 0 END", c, 1<<m))
		lumpMask = append(lumpMask, fmt.Sprintf("CASE WHEN max(f.%s) > 0 THEN %d ELSE 0 END", c, 1<<m))
	}
	var out []monthFact
	scan := func(unit int64) func(r *sql.Rows) error {
		return func(r *sql.Rows) error {
			m := monthFact{unit: unit}
			var err error
			if unit == lumpUnit {
				err = r.Scan(&m.year, &m.mask)
			} else {
				err = r.Scan(&m.year, &m.unit, &m.mask)
			}
			if m.mask != 0 {
				out = append(out, m)
			}
			return err
		}
	}
	from := ` FROM fact_month f WHERE f.` + f.sel.plans + ` AND f.kind_id = $1`
	if f.sel.lump {
		q := f.sel.lumped(`SELECT f.year, `+strings.Join(lumpMask, " + ")+from, "f.unit_id")
		if err := each(ctx, s.db, q+` GROUP BY f.year`, []any{kindID}, scan(lumpUnit)); err != nil {
			return nil, err
		}
	}
	q, args := f.sel.perUnit(`SELECT f.year, `+f.sel.unit("f.unit_id", "f.plan_id")+`, `+strings.Join(mask, " + ")+from, "f.year", "f.unit_id", kindID)
	err := each(ctx, s.db, q, args, scan(0))
	return out, err
}

// compute computes every target and quantified task for a year over a
// unit in force on the engine's date.
func (e *engine) compute(year int, scope outreach.Unit) ([]outreach.Indicator, error) {
	p := e.plan
	if year < p.Period.From || year > p.Period.To {
		return nil, outreach.Invalid("year", "expected a year of the plan, %d–%d, got %d", p.Period.From, p.Period.To, year)
	}
	e.q.Year, e.scope, e.to = year, scope, fmt.Sprintf("%d-12-31", year)
	if e.until != "" && e.until < e.to {
		e.to = e.until
	}
	var out []outreach.Indicator
	for _, t := range p.Targets {
		// A target others serve counts their records with the plan's.
		e.useSet(e.ep.serving[t.Code])
		if err := e.readFacts(scope); err != nil {
			return nil, err
		}
		inds, err := e.target(t)
		if err != nil {
			return nil, fmt.Errorf("target %s: %w", t.Code, err)
		}
		out = append(out, inds...)
	}
	e.useSet([]int64{e.ep.id})
	if err := e.readFacts(scope); err != nil {
		return nil, err
	}
	for _, t := range p.Tasks {
		if t.Quantity == nil {
			continue
		}
		ind, err := e.task(t)
		if err != nil {
			return nil, fmt.Errorf("task %s: %w", t.Clause, err)
		}
		out = append(out, ind)
	}
	for i := range out {
		out[i].Judge(p.Period.From)
	}
	return out, nil
}

// Indicators computes every target of the plan and every task with a
// quantified goal, live from the records, for the query.
func (s *Store) Indicators(ctx context.Context, q IndicatorQuery) (_ *IndicatorSet, err error) {
	defer wrap(&err, "Indicators(%s, %d, %s, %s)", q.Plan, q.Year, q.Unit, q.AsOf)
	e, q, err := s.scopedEngine(ctx, q)
	if err != nil {
		return nil, err
	}
	p := e.plan
	if q.Year < p.Period.From || q.Year > p.Period.To {
		return nil, outreach.Invalid("year", "expected a year of the plan, %d–%d, got %d", p.Period.From, p.Period.To, q.Year)
	}
	e.lumpWhole = true // one scope is computed
	inds, err := e.compute(q.Year, e.scope)
	if err != nil {
		return nil, err
	}
	return &IndicatorSet{Plan: p.Code, Year: q.Year, Unit: e.scope, AsOf: q.AsOf, DataFrom: e.from, DataTo: e.to, Indicators: inds}, nil
}

// scopedEngine fills in the query's defaults (the plan's last year, the
// tree at the end of the year) and prepares an engine on the query's unit.
func (s *Store) scopedEngine(ctx context.Context, q IndicatorQuery) (*engine, IndicatorQuery, error) {
	if q.Year == 0 {
		period, err := s.PlanPeriod(ctx, q.Plan)
		if err != nil {
			return nil, q, err
		}
		q.Year = period.To
	}
	if q.AsOf == "" {
		q.AsOf = fmt.Sprintf("%d-12-31", q.Year)
	}
	e, err := s.newEngine(ctx, q.Plan, q.AsOf)
	if err != nil {
		return nil, q, err
	}
	e.q.Unit = q.Unit
	return e, q, e.pickScope()
}

// pickScope finds the unit computed over: the query's, or the plan's
// province (or what it became) as it stood on AsOf.
func (e *engine) pickScope() error {
	if cs := e.ep.ref.codes; len(cs) > 1 {
		if _, ok := e.tree.version(cs[0]); !ok {
			e.areaOf = e.ep.ref.scopePaths()
			e.area = e.tree.areaOf(e.areaOf)
		}
	}
	if e.q.Unit != "" {
		u, ok := e.tree.version(e.q.Unit)
		if !ok {
			return outreach.Invalid("unit", "no unit %s was in force on %s", e.q.Unit, e.q.AsOf)
		}
		if !e.ep.ref.covers(u) {
			return outreach.Invalid("unit", "%s is outside the plan's area", u.Name)
		}
		e.scope = u
		return nil
	}
	for _, c := range e.ep.ref.codes {
		if u, ok := e.tree.version(c); ok {
			e.scope = u
			return nil
		}
	}
	return outreach.Invalid("as_of", "the unit the plan covers did not exist on %s", e.q.AsOf)
}

// whole reports whether the engine computes over the plan's whole area
// (where activities recorded for the whole area count in full).
func (e *engine) whole() bool { return e.ep.ref.isWhole(e.scope) }

func (e *engine) base(code string, t outreach.Target) outreach.Indicator {
	return outreach.Indicator{Code: code, Target: t.Code, Text: t.Text, Kind: t.Kind, Measure: t.Measure, Year: e.q.Year, Unit: e.scope.Code, AsOf: e.q.AsOf,
		Milestone: outreach.MilestoneFor(t.Milestones, e.q.Year)}
}

func (e *engine) target(t outreach.Target) ([]outreach.Indicator, error) {
	switch t.Kind {
	case outreach.KindUnitShare:
		ind := e.base(t.Code, t)
		var err error
		switch t.Condition {
		case outreach.CondMaterialsDeployed:
			err = e.materials(&ind, t.Units)
		case outreach.CondActiveModel:
			err = e.models(&ind, t.Units)
		}
		return []outreach.Indicator{ind}, err
	case outreach.KindPopulationShare:
		var out []outreach.Indicator
		for _, g := range t.Populations {
			ind := e.base(t.Code+"/"+string(g), t)
			ind.Population = g
			if err := e.reach(&ind, g); err != nil {
				return nil, err
			}
			out = append(out, ind)
		}
		return out, nil
	case outreach.KindCount:
		ind := e.base(t.Code, t)
		n, err := e.quantity(t.Measure, "", nil)
		ind.Numerator, ind.Value = n, &n
		if ind.Milestone != nil {
			ind.Denominator = ind.Milestone.Value
		}
		return []outreach.Indicator{ind}, err
	case outreach.KindFrequency:
		ind := e.base(t.Code, t)
		return []outreach.Indicator{ind}, e.frequency(&ind, t.Measure, t.Per)
	}
	return nil, fmt.Errorf("unknown kind %q", t.Kind)
}

func (e *engine) task(t outreach.Task) (outreach.Indicator, error) {
	year := e.plan.Period.To
	if len(t.Years) > 0 {
		year = slices.Max(t.Years)
	}
	q := t.Quantity
	ind := outreach.Indicator{Code: t.Clause, Target: t.Clause, Text: t.Text, Kind: outreach.KindCount, Measure: q.Measure, Year: e.q.Year,
		Unit: e.scope.Code, AsOf: e.q.AsOf, Milestone: &outreach.Milestone{Year: year, Comparator: q.Comparator, Value: q.Value}}
	n, err := e.quantity(q.Measure, t.Clause, t.Years)
	ind.Numerator, ind.Denominator, ind.Value = n, q.Value, &n
	ind.Note = "sum of the quantity recorded by the task's activities in the unit, against the task's goal"
	if len(t.Years) > 0 {
		ind.StartYear = slices.Min(t.Years)
		ind.Note += "; counted in the years the task names"
	}
	return ind, err
}

// communes is the set of communes of the scope in force on AsOf (shared:
// not to be changed).
func (e *engine) communes() map[int64]bool {
	all := e.tree.communesIn(e.scope)
	if e.area == nil {
		return all
	}
	in := make(map[int64]bool, len(all))
	for id := range all {
		if e.area[id] {
			in[id] = true
		}
	}
	return in
}

// mapIDs carries a set of recorded versions onto the communes of the
// scope in force on AsOf that inherit any part of them.
func (e *engine) mapIDs(ids []int64) map[int64]bool {
	out := make(map[int64]bool, len(ids))
	for _, id := range ids {
		for _, w := range e.tree.weights(id, false) {
			if w.w > 0 && e.tree.inScope(w.id, e.scope) {
				out[w.id] = true
			}
		}
	}
	return out
}

// materials: communes of the scope that received and deployed a material
// by the end of the year (cumulative from the plan's start).
func (e *engine) materials(ind *outreach.Indicator, set outreach.UnitSet) error {
	var ids []int64
	for _, d := range e.facts.deliveries {
		if d.deployed != "" && d.deployed <= e.to {
			ids = append(ids, d.unit)
		}
	}
	e.unitShare(ind, set, e.mapIDs(ids))
	ind.Note = "communes with a material received and deployed by the end of the year, over the communes in force on the tree's date"
	if ind.Value == nil {
		ind.Note = "no commune in the unit"
	}
	return nil
}

// unitShare sets a unit-share indicator: of the set's communes in the
// scope, those in met.
func (e *engine) unitShare(ind *outreach.Indicator, set outreach.UnitSet, met map[int64]bool) {
	denom := e.communes()
	if set == outreach.SetKeyAreaCommunes {
		denom = e.keyAreas()
	}
	n := 0
	for id := range denom {
		if met[id] {
			n++
		}
	}
	ind.Numerator, ind.Denominator = float64(n), float64(len(denom))
	ind.Value = outreach.Percent(ind.Numerator, ind.Denominator)
}

// keyAreas: the year's key-area communes, carried onto the tree.
func (e *engine) keyAreas() map[int64]bool {
	return e.mapIDs(e.facts.keyAreas[e.q.Year])
}

// activeModelUnits lists the units of models active at the end of the year.
func (e *engine) activeModelUnits() []int64 {
	var out []int64
	for _, m := range e.facts.models {
		if m.m.StatusOn(e.to) == outreach.ModelActive {
			out = append(out, m.unit)
		}
	}
	return out
}

// models: key-area communes (of the year) with an in-depth model active at
// the end of the year.
func (e *engine) models(ind *outreach.Indicator, set outreach.UnitSet) error {
	e.unitShare(ind, set, e.mapIDs(e.activeModelUnits()))
	ind.Note = "key-area communes of the year with an in-depth model active at its end"
	if ind.Value == nil {
		ind.Note = "no key-area commune marked for the year: not applicable"
	}
	return nil
}

// attributed sums figures recorded per unit version onto the scope: each
// version's figure is carried onto the tree (abolished units pass theirs
// up), and what lands in the scope's subtree counts.
func (e *engine) attributed(perUnit map[int64]float64) float64 {
	sum := 0.0
	for id, v := range perUnit {
		if id == lumpUnit { // lands whole in the scope (factSel)
			sum += v
			continue
		}
		for _, w := range e.tree.weights(id, true) {
			if e.tree.inScope(w.id, e.scope) {
				sum += v * w.w
			}
		}
	}
	return sum
}

// scopeShareOfProvince is the scope's share of the 2019 population of
// the plan's whole area, for activities that reached the whole area.
func (e *engine) scopeShareOfProvince() float64 {
	if e.whole() {
		return 1
	}
	p, _, _ := e.populationOf("total", e.scope)
	area := e.scope // up the parents to the plan's whole area
	for !e.ep.ref.isWhole(area) {
		parent, ok := e.tree.version(area.ParentCode)
		if !ok || area.ParentCode == "" {
			return 0
		}
		area = parent
	}
	total, _, _ := e.populationOf("total", area)
	if total == 0 {
		return 0
	}
	return p / total
}

// populationOf is a census group's figure for a unit in force on AsOf:
// the unit's own (carried from its predecessors when it changed), else
// the sum over its children, recursively.
func (e *engine) populationOf(group string, u outreach.Unit) (float64, string, error) {
	g, err := e.tree.populationFrom(e.ctx, e.s.db, group, e.areaOf)
	if err != nil {
		return 0, "", err
	}
	return e.sumOf(g, u), g.source, nil
}

// coverageOf is the share of the unit's population that the group's
// census figures speak for (1 for the total).
func (e *engine) coverageOf(group string, u outreach.Unit) (float64, error) {
	if group == "total" {
		return 1, nil
	}
	total, _, err := e.populationOf("total", u)
	if err != nil || total == 0 {
		return 0, err
	}
	g, err := e.tree.coverageFrom(e.ctx, e.s.db, group, e.areaOf)
	if err != nil {
		return 0, err
	}
	return e.sumOf(g, u) / total, nil
}

// sumOf is the figure of a unit in force on AsOf: its own, else the sum
// over its children, recursively.
func (e *engine) sumOf(g *groupPop, u outreach.Unit) float64 {
	mapped := g.mapped
	g.mu.Lock() // the sums are kept with the shared tree
	defer g.mu.Unlock()
	memo := g.sums
	var sum func(u outreach.Unit) float64
	sum = func(u outreach.Unit) float64 {
		if v, ok := mapped[u.ID]; ok {
			return v
		}
		if v, ok := memo[u.ID]; ok {
			return v
		}
		total := 0.0
		for _, id := range e.tree.children[u.Code] {
			if id != u.ID {
				total += sum(e.tree.units[id])
			}
		}
		memo[u.ID] = total
		return total
	}
	return sum(u)
}

// audienceIndex is a group's place in reachFact.v.
var audienceIndex = map[outreach.PopulationGroup]int{
	outreach.PopEveryone:     0,
	outreach.PopWomen:        1,
	outreach.PopChildren1416: 2,
}

var populationGroup = map[outreach.PopulationGroup]string{
	outreach.PopEveryone:     "total",
	outreach.PopWomen:        "female",
	outreach.PopChildren1416: "age_14_16",
}

// reach: people reached (people-times) over the census population of the
// group, cumulative from the plan's start to the end of the year.
func (e *engine) reach(ind *outreach.Indicator, g outreach.PopulationGroup) error {
	i, ok := audienceIndex[g]
	if !ok {
		return fmt.Errorf("no audience figure for the group %q", g)
	}
	per := map[int64]float64{}
	whole := 0.0
	for y := e.plan.Period.From; y <= e.q.Year; y++ {
		for _, rf := range e.facts.reach[y] {
			per[rf.unit] += rf.v[i]
		}
		whole += e.facts.wholeReach[y][i]
	}
	ind.Numerator = e.attributed(per) + whole*e.scopeShareOfProvince()
	var source string
	var err error
	if ind.Denominator, source, err = e.populationOf(populationGroup[g], e.scope); err != nil {
		return err
	}
	cov, err := e.coverageOf(populationGroup[g], e.scope)
	if err != nil {
		return err
	}
	if ind.Denominator > 0 && cov < 0.999 {
		// The group's census figures speak for part of the unit only: a
		// share of them would overstate the reach.
		ind.Denominator = 0
		ind.Note = fmt.Sprintf("the 2019 census figures of this group cover %.0f %% of the unit's population (by sex, only Bắc Kạn's ship): not applicable", 100*cov)
		return nil
	}
	ind.Value = outreach.Percent(ind.Numerator, ind.Denominator)
	ind.Note = "people reached (people-times, so one person reached twice counts twice; values over 100 % are shown as they are) over the 2019 census population"
	if source != "" && source != censusSource {
		ind.Note += "; denominator: " + source
	}
	if ind.Value == nil {
		ind.Note = "no census figure for this group in this unit: not applicable"
	}
	return nil
}

// quantity sums a quantity kind over the plan's activities in the scope:
// those of a task when clause is set, in the given years when years are.
func (e *engine) quantity(kind, clause string, years []int) (float64, error) {
	per := map[int64]float64{}
	whole := 0.0
	for _, q := range e.facts.quantities {
		if q.kind != kind || q.year < e.plan.Period.From || q.year > e.q.Year || (clause != "" && q.task != clause) ||
			(len(years) > 0 && !slices.Contains(years, q.year)) {
			continue
		}
		if q.unit == 0 { // the whole province
			whole += q.value
		} else {
			per[q.unit] += q.value
		}
	}
	// Counts done for the whole province belong to the province only.
	total := e.attributed(per)
	if e.whole() {
		total += whole
	}
	return total, nil
}

// frequency: the share of periods (months, quarters, years) from the
// plan's first month to the end of the year in which at least one
// activity of the scope counted the kind.
func (e *engine) frequency(ind *outreach.Indicator, kind, per string) error {
	first := e.plan.Decision.Date[:7]
	end := e.to[:7]
	// The months counted in the scope, per year, as bits; then the
	// periods between first and end hit by one of them.
	counted := map[int]uint16{}
	inScope := map[int64]bool{} // per unit version, computed once
	for _, m := range e.facts.months[kind] {
		in, known := inScope[m.unit]
		if !known {
			in = m.unit == lumpUnit || m.unit == 0 && e.whole()
			if m.unit > 0 {
				for _, w := range e.tree.weights(m.unit, true) {
					in = in || (w.w > 0 && e.tree.inScope(w.id, e.scope))
				}
			}
			inScope[m.unit] = in
		}
		if in {
			counted[m.year] |= m.mask
		}
	}
	hit := map[string]bool{}
	var periods []string
	for m := first; m <= end; m = nextMonth(m) {
		p := periodOf(m+"-01", per)
		if len(periods) == 0 || periods[len(periods)-1] != p {
			periods = append(periods, p)
		}
		y, _ := strconv.Atoi(m[:4])
		mo, _ := strconv.Atoi(m[5:7])
		if counted[y]&(1<<(mo-1)) != 0 {
			hit[p] = true
		}
	}
	n := 0
	for _, p := range periods {
		if hit[p] {
			n++
		}
	}
	ind.Numerator, ind.Denominator = float64(n), float64(len(periods))
	ind.Value = outreach.Percent(ind.Numerator, ind.Denominator)
	ind.Note = fmt.Sprintf("%ss with at least one activity counting %s, from %s", per, kind, first)
	return nil
}

func periodOf(d, per string) string {
	switch per {
	case outreach.PerYear:
		return d[:4]
	case outreach.PerQuarter:
		m, _ := strconv.Atoi(d[5:7])
		return fmt.Sprintf("%s-Q%d", d[:4], (m-1)/3+1)
	}
	return d[:7]
}

func nextMonth(m string) string {
	y, _ := strconv.Atoi(m[:4])
	mo, _ := strconv.Atoi(m[5:7])
	mo++
	if mo > 12 {
		y, mo = y+1, 1
	}
	return fmt.Sprintf("%04d-%02d", y, mo)
}

// PlainAggregates runs the plain SQL aggregates a plan's targets rest on —
// communes that deployed materials, people reached, schools counted, key
// areas and models — over the units under path, without the crosswalk:
// the yardstick the indicator engine is measured against.
func (s *Store) PlainAggregates(ctx context.Context, plan, to, path string) error {
	return s.plainQueries(ctx, plan, to, path, []string{
		`SELECT count(DISTINCT du.unit_id) FROM distribution_units du JOIN distributions d ON d.id = du.distribution_id
			JOIN materials m ON m.id = d.material_id JOIN units u ON u.id = du.unit_id
			WHERE m.plan_id = $1 AND d.deleted_at IS NULL AND du.deployed_on <= $2 AND u.path LIKE $3`,
		`SELECT sum(1.0 * a.aud_total / a.n_units), sum(1.0 * a.aud_women / a.n_units), sum(1.0 * a.aud_children / a.n_units)
			FROM activities a JOIN activity_units au ON au.activity_id = a.id JOIN units u ON u.id = au.unit_id
			WHERE a.plan_id = $1 AND a.deleted_at IS NULL AND a.start_date <= $2 AND u.path LIKE $3`,
		`SELECT sum(q.value) FROM activity_quantities q JOIN activities a ON a.id = q.activity_id JOIN quantity_kinds k ON k.id = q.kind_id
			JOIN activity_units au ON au.activity_id = a.id JOIN units u ON u.id = au.unit_id
			WHERE a.plan_id = $1 AND a.deleted_at IS NULL AND k.code = 'schools' AND a.start_date <= $2 AND u.path LIKE $3`,
		`SELECT count(DISTINCT substr(a.start_date, 1, 7)) FROM activity_quantities q JOIN activities a ON a.id = q.activity_id
			JOIN quantity_kinds k ON k.id = q.kind_id JOIN activity_units au ON au.activity_id = a.id JOIN units u ON u.id = au.unit_id
			WHERE a.plan_id = $1 AND a.deleted_at IS NULL AND k.code = 'news_items' AND q.value > 0 AND a.start_date <= $2 AND u.path LIKE $3`,
		`SELECT count(*) FROM key_areas k JOIN units u ON u.id = k.unit_id WHERE k.plan_id = $1 AND k.year = CAST(substr($2, 1, 4) AS INTEGER) AND u.path LIKE $3`,
		`SELECT count(*) FROM prevention_models m JOIN units u ON u.id = m.unit_id WHERE m.plan_id = $1 AND m.established_on <= $2 AND u.path LIKE $3`,
	})
}

// PlainRollupAggregates is PlainAggregates over the rollup tables the
// engine reads: the yardstick for the engine's own work.
func (s *Store) PlainRollupAggregates(ctx context.Context, plan, to, path string) error {
	return s.plainQueries(ctx, plan, to, path, []string{
		`SELECT count(*) FROM fact_delivery f JOIN units u ON u.id = f.unit_id
			WHERE f.plan_id = $1 AND f.first_deployed <= $2 AND u.path LIKE $3`,
		`SELECT sum(f.total), sum(f.women), sum(f.children) FROM fact_reach f JOIN units u ON u.id = f.unit_id
			WHERE f.plan_id = $1 AND f.year <= CAST(substr($2, 1, 4) AS INTEGER) AND u.path LIKE $3`,
		`SELECT sum(f.value) FROM fact_quantity f JOIN quantity_kinds k ON k.id = f.kind_id JOIN units u ON u.id = f.unit_id
			WHERE f.plan_id = $1 AND k.code = 'schools' AND f.year <= CAST(substr($2, 1, 4) AS INTEGER) AND u.path LIKE $3`,
		`SELECT sum(` + strings.ReplaceAll(monthColumns, ", ", " + ") + `) FROM fact_month f JOIN quantity_kinds k ON k.id = f.kind_id JOIN units u ON u.id = f.unit_id
			WHERE f.plan_id = $1 AND k.code = 'news_items' AND f.year <= CAST(substr($2, 1, 4) AS INTEGER) AND u.path LIKE $3`,
		`SELECT count(*) FROM key_areas k JOIN units u ON u.id = k.unit_id WHERE k.plan_id = $1 AND k.year = CAST(substr($2, 1, 4) AS INTEGER) AND u.path LIKE $3`,
		`SELECT count(*) FROM prevention_models m JOIN units u ON u.id = m.unit_id WHERE m.plan_id = $1 AND m.established_on <= $2 AND u.path LIKE $3`,
	})
}

func (s *Store) plainQueries(ctx context.Context, plan, to, path string, queries []string) error {
	var planID int64
	if err := s.db.QueryRowContext(ctx, `SELECT id FROM plans WHERE code = $1`, plan).Scan(&planID); err != nil {
		return err
	}
	like := path + "/%"
	for _, q := range queries {
		rows, err := s.db.QueryContext(ctx, q, planID, to, like)
		if err != nil {
			return err
		}
		for rows.Next() {
		}
		if err := rows.Err(); err != nil {
			rows.Close()
			return err
		}
		rows.Close()
	}
	return nil
}
