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
	"time"

	"outreach/internal/indicators"
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

// engine is an indicators.Engine with what the store keeps for it: the
// facts read so far, per set of plans, and whether to read them lumped.
// It is the engine's Source.
type engine struct {
	*indicators.Engine
	s   *Store
	ctx context.Context
	ep  *enginePlan // the plan's id, references, kinds and tasks
	q   IndicatorQuery
	// from is the first day of the plan's data.
	from string
	// read is the facts read for the current set of plans.
	read factState
	// lumpWhole asks for lumped facts when the whole plan is computed:
	// set by callers that compute one scope.
	lumpWhole bool
	// ids are the plans whose records the facts are read from (nil: the
	// plan's own); others holds the facts read for other sets of plans
	// (a parent plan's targets count the plans serving them).
	ids    []int64
	others map[string]factState
}

// FactsFor reads (or finds read) the facts of the set of plans that a
// computation over scope needs.
func (e *engine) FactsFor(plans []int64, scope outreach.Unit) (*indicators.Facts, error) {
	e.useSet(plans)
	if err := e.readFacts(scope); err != nil {
		return nil, err
	}
	return e.Facts, nil
}

// compute computes every target and quantified task for a year over a
// unit in force on the tree's date.
func (e *engine) compute(year int, scope outreach.Unit) ([]outreach.Indicator, error) {
	e.Scope = scope
	inds, err := e.Compute(year, scope)
	e.q.Year = e.Year
	return inds, err
}

// factState is an engine's facts with what they were read for.
type factState struct {
	facts *indicators.Facts
	// factsFor is the scope the facts were read for (all of the plan's
	// when factsAll; that scope only when factsLumped).
	factsFor              outreach.Unit
	factsAll, factsLumped bool
	// narrowed holds, by the id of a part of factsFor they served, the
	// rows of the facts that part needs (narrowTo).
	narrowed map[int64]*indicators.Facts
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
	e.Facts = e.read.facts
	e.ids = ids
}

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
	t, err := s.treeAt(ctx, asOf)
	if err != nil {
		return nil, err
	}
	e := &engine{s: s, ctx: ctx, ep: ep, q: IndicatorQuery{Plan: plan, AsOf: asOf},
		from: fmt.Sprintf("%d-01-01", p.Period.From)}
	e.Engine = &indicators.Engine{Plan: p, PlanID: ep.id, Serving: ep.serving, Tree: t, Census: s.censusReader(ctx, asOf),
		Source: e, IsWhole: ep.ref.isWhole, AsOf: asOf, Today: s.now().Format(time.DateOnly)}
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
			e.Facts = r.facts
			return nil
		case !r.factsLumped && (r.factsAll || e.Tree.InScope(scope.ID, r.factsFor)):
			e.Facts = e.narrowTo(scope)
			return nil
		}
	}
	sel := factSel{pg: e.s.engine == Postgres}
	if !e.ep.ref.isWhole(scope) {
		if ids := e.Tree.RelatedTo(scope); len(ids) <= maxRelated {
			sel.units = ids
		}
	} else if e.lumpWhole {
		if apart := e.Tree.ApartFrom(scope); len(apart) < maxRelated {
			sel.lump, sel.apart = true, append([]int64{0}, apart...)
		}
	}
	for y := min(e.Plan.Period.From, decisionYear(e.Plan)); y <= e.Plan.Period.To; y++ {
		sel.years = append(sel.years, y)
	}
	f, err := e.s.loadFacts(e.ctx, e.ep, e.planIDs(), sel)
	if err != nil {
		return err
	}
	e.read = factState{facts: f, factsFor: scope, factsAll: sel.units == nil, factsLumped: sel.lump}
	e.Facts = f
	return nil
}

// narrowTo returns the rows of the facts read for a wider scope that a
// part of it needs: those of the unit versions the crosswalk carries into
// the part (tree.relatedSet). Every target tests each fact's unit against
// the scope; a national plan's dashboard computes each of its 34
// provinces from the country's facts, so without this each province row
// walked the whole country's rows once per target. Narrowed once per part
// and set of plans.
func (e *engine) narrowTo(part outreach.Unit) *indicators.Facts {
	r := &e.read
	if f, ok := r.narrowed[part.ID]; ok {
		return f
	}
	f := r.facts.Only(e.Tree.RelatedSet(part))
	if r.narrowed == nil {
		r.narrowed = map[int64]*indicators.Facts{}
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

// loadFacts reduces the plan's records with a handful of grouped queries;
// quantities only of the kinds the plan counts, the activities themselves
// only when a target filters them or counts them per period.
func (s *Store) loadFacts(ctx context.Context, ep *enginePlan, ids []int64, sel factSel) (*indicators.Facts, error) {
	sel.plans = "plan_id IN (" + idList(ids) + ")" // integers, never user input
	for _, id := range ids {
		if id != ep.id {
			if sel.whole == nil {
				sel.whole = map[int64]int64{}
			}
			sel.whole[id] = ep.scopeUnits[id]
		}
	}
	f := indicators.NewFacts()
	// Reading a whole plan's facts (a national plan's are some 200,000
	// rows, or their sums), the quantities, the reach and the events are
	// read side by side, each on its own connection (SQLite's WAL and
	// PostgreSQL both let readers run together), each reader filling its
	// own fields of f. A part's few hundred rows are read one query after
	// the other: there, more connections cost more than they save.
	var qtyErr, reachErr, eventsErr error
	readQuantities := func() { qtyErr = s.readQuantities(ctx, f, sel, ep) }
	readReach := func() {
		if reachErr = s.readReach(ctx, f, sel); reachErr == nil {
			reachErr = s.readAudience(ctx, ep, sel, f)
		}
	}
	readEvents := func() {
		if needsEvents(ep.plan) {
			eventsErr = s.readEvents(ctx, ep, sel, f)
		}
		for _, k := range monthKinds(ep.plan) {
			if eventsErr != nil {
				return
			}
			f.Months[k], eventsErr = s.readMonths(ctx, ep, sel, k)
		}
	}
	var err error
	if sel.units == nil {
		var wg sync.WaitGroup
		wg.Go(readEvents)
		wg.Go(readQuantities)
		wg.Go(readReach)
		err = s.readDeliveries(ctx, f, sel)
		wg.Wait()
	} else {
		err = s.readDeliveries(ctx, f, sel)
		readReach()
		readQuantities()
		readEvents()
	}
	if err == nil {
		err = s.readReported(ctx, ep, ids, f) // nothing when the plan has no reported target
	}
	return f, cmp.Or(err, reachErr, qtyErr, eventsErr)
}

// readDeliveries reads the communes' first receipts and deployments, the
// key areas and the models into f.
func (s *Store) readDeliveries(ctx context.Context, f *indicators.Facts, sel factSel) error {
	// fact_delivery (rollups.go) holds each commune's first receipt and
	// deployment within the plan (from 1 January of its first year).
	q, args := sel.only(`SELECT unit_id, first_received, first_deployed FROM fact_delivery WHERE `+sel.plans, "unit_id")
	err := each(ctx, s.db, q, args, func(r *sql.Rows) error {
		var d indicators.Delivery
		var dep sql.NullString
		err := r.Scan(&d.Unit, &d.Received, &dep)
		d.Deployed = dep.String
		f.Deliveries = append(f.Deliveries, d)
		return err
	})
	if err != nil {
		return err
	}
	q, args = sel.only(`SELECT year, unit_id FROM key_areas WHERE `+sel.plans, "unit_id")
	err = each(ctx, s.db, q, args, func(r *sql.Rows) error {
		var y int
		var id int64
		err := r.Scan(&y, &id)
		f.KeyAreas[y] = append(f.KeyAreas[y], id)
		return err
	})
	if err != nil {
		return err
	}
	models := map[int64]*indicators.Model{}
	var order []int64
	q, args = sel.only(`SELECT id, unit_id, established_on, model_type FROM prevention_models WHERE `+sel.plans+` AND deleted_at IS NULL`, "unit_id")
	err = each(ctx, s.db, q, args, func(r *sql.Rows) error {
		var id int64
		m := &indicators.Model{}
		err := r.Scan(&id, &m.Unit, &m.Model.EstablishedOn, &m.Model.Type)
		models[id] = m
		order = append(order, id)
		return err
	})
	if err != nil {
		return err
	}
	q, args = sel.only(`SELECT s.model_id, s.since, s.status FROM model_statuses s JOIN prevention_models m ON m.id = s.model_id
		WHERE m.`+sel.plans, "m.unit_id")
	err = each(ctx, s.db, q+` ORDER BY s.since`, args, func(r *sql.Rows) error {
		var id int64
		var st outreach.ModelStatus
		if err := r.Scan(&id, &st.Since, &st.Status); err != nil {
			return err
		}
		if m := models[id]; m != nil {
			m.Model.Statuses = append(m.Model.Statuses, st)
		}
		return nil
	})
	if err != nil {
		return err
	}
	for _, id := range order {
		f.Models = append(f.Models, *models[id])
	}
	return nil
}

// readReach reads the people reached per unit version and year into f.
func (s *Store) readReach(ctx context.Context, f *indicators.Facts, sel factSel) error {
	// Never lumped: coverage is capped per commune, so every version's
	// reach is read.
	sel.lump = false
	// An activity's reach is split equally between the units it lists;
	// unit 0 holds what was done for the whole province.
	add := func(unit int64, y int, v [3]float64) {
		if unit == 0 {
			w := f.WholeReach[y]
			for i := range w {
				w[i] += v[i]
			}
			f.WholeReach[y] = w
		} else {
			f.Reach[y] = append(f.Reach[y], indicators.Reach{Unit: unit, V: v})
		}
	}
	q, args := sel.perUnit(`SELECT `+sel.unit("unit_id", "plan_id")+`, year, total, women, children FROM fact_reach WHERE `+sel.plans, "year", "unit_id")
	return each(ctx, s.db, q, args, func(r *sql.Rows) error {
		var y int
		var rf indicators.Reach
		err := r.Scan(&rf.Unit, &y, &rf.V[0], &rf.V[1], &rf.V[2])
		add(rf.Unit, y, rf.V)
		return err
	})
}

// readQuantities reads the counted quantities of the kinds the plan's
// targets and tasks count into f.
func (s *Store) readQuantities(ctx context.Context, f *indicators.Facts, sel factSel, ep *enginePlan) error {
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
	base := `FROM fact_quantity q WHERE q.` + sel.plans + ` AND q.kind_id IN (` + strings.Join(idMarks, ", ") + `) AND q.value <> 0`
	if sel.lump {
		// Per kind and year: the sum over every task, and the sums of
		// the tasks that count on their own; what the rest of the tasks
		// did goes under no task.
		sums := []string{"sum(q.value)"}
		for _, id := range taskIDs {
			sums = append(sums, fmt.Sprintf("sum(CASE WHEN q.task_id = %d THEN q.value ELSE 0 END)", id))
		}
		q := sel.lumped(`SELECT q.kind_id, q.year, `+strings.Join(sums, ", ")+` `+base, "q.unit_id")
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
				f.Quantities = append(f.Quantities, indicators.Quantity{Year: y, Unit: indicators.LumpUnit, Kind: kindCode[kind], Task: clause[id], Value: v[i+1]})
			}
			f.Quantities = append(f.Quantities, indicators.Quantity{Year: y, Unit: indicators.LumpUnit, Kind: kindCode[kind], Value: rest})
			return nil
		})
		if err != nil {
			return err
		}
	}
	q, args := sel.perUnit(`SELECT q.year, `+sel.unit("q.unit_id", "q.plan_id")+`, q.kind_id, q.task_id, q.value `+base, "q.year", "q.unit_id", args...)
	return each(ctx, s.db, q, args, func(r *sql.Rows) error {
		var q indicators.Quantity
		var kind, task int64
		if err := r.Scan(&q.Year, &q.Unit, &kind, &task, &q.Value); err != nil {
			return err
		}
		q.Kind, q.Task = kindCode[kind], clause[task]
		f.Quantities = append(f.Quantities, q)
		return nil
	})
}

// Indicators computes every target of the plan and every task with a
// quantified goal, live from the records, for the query.
func (s *Store) Indicators(ctx context.Context, q IndicatorQuery) (_ *IndicatorSet, err error) {
	defer wrap(&err, "Indicators(%s, %d, %s, %s)", q.Plan, q.Year, q.Unit, q.AsOf)
	e, q, err := s.scopedEngine(ctx, q)
	if err != nil {
		return nil, err
	}
	p := e.Plan
	if q.Year < p.Period.From || q.Year > p.Period.To {
		return nil, outreach.Invalid("year", "expected a year of the plan, %d–%d, got %d", p.Period.From, p.Period.To, q.Year)
	}
	e.lumpWhole = true // one scope is computed
	inds, err := e.compute(q.Year, e.Scope)
	if err != nil {
		return nil, err
	}
	return &IndicatorSet{Plan: p.Code, Year: q.Year, Unit: e.Scope, AsOf: q.AsOf, DataFrom: e.from, DataTo: e.To, Indicators: inds}, nil
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
		if _, ok := e.Tree.Version(cs[0]); !ok {
			e.AreaOf = e.ep.ref.scopePaths()
			e.Area = e.Tree.AreaOf(e.AreaOf)
		}
	}
	if e.q.Unit != "" {
		u, ok := e.Tree.Version(e.q.Unit)
		if !ok {
			return outreach.Invalid("unit", "no unit %s was in force on %s", e.q.Unit, e.q.AsOf)
		}
		if !e.ep.ref.covers(u) {
			return outreach.Invalid("unit", "%s is outside the plan's area", u.Name)
		}
		e.Scope = u
		return nil
	}
	for _, c := range e.ep.ref.codes {
		if u, ok := e.Tree.Version(c); ok {
			e.Scope = u
			return nil
		}
	}
	return outreach.Invalid("as_of", "the unit the plan covers did not exist on %s", e.q.AsOf)
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
