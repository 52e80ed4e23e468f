package store

import (
	"context"
	"database/sql"
	"fmt"
	"slices"
	"strconv"

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
	s      *Store
	ctx    context.Context
	plan   *outreach.Plan
	planID int64
	q      IndicatorQuery
	tree   *tree
	scope  outreach.Unit
	from   string // first day of the plan's data
	to     string // last day of the year
	pop    map[string]map[int64]float64
	popSrc map[string]string
}

// newEngine loads what computing a plan's indicators on the tree of asOf
// needs.
func (s *Store) newEngine(ctx context.Context, plan string, asOf string) (*engine, error) {
	p, planID, err := loadPlan(ctx, s.db, plan)
	if err != nil {
		return nil, err
	}
	if !outreach.ValidDate(asOf) {
		return nil, outreach.Invalid("as_of", "expected a date YYYY-MM-DD, got %q", asOf)
	}
	e := &engine{s: s, ctx: ctx, plan: p, planID: planID, q: IndicatorQuery{Plan: plan, AsOf: asOf},
		from: fmt.Sprintf("%d-01-01", p.Period.From), pop: map[string]map[int64]float64{}, popSrc: map[string]string{}}
	if e.tree, err = s.loadTree(ctx, asOf); err != nil {
		return nil, err
	}
	return e, nil
}

// compute computes every target and quantified task for a year over a
// unit in force on the engine's date.
func (e *engine) compute(year int, scope outreach.Unit) ([]outreach.Indicator, error) {
	p := e.plan
	if year < p.Period.From || year > p.Period.To {
		return nil, outreach.Invalid("year", "expected a year of the plan, %d–%d, got %d", p.Period.From, p.Period.To, year)
	}
	e.q.Year, e.scope, e.to = year, scope, fmt.Sprintf("%d-12-31", year)
	var out []outreach.Indicator
	for _, t := range p.Targets {
		inds, err := e.target(t)
		if err != nil {
			return nil, fmt.Errorf("target %s: %w", t.Code, err)
		}
		out = append(out, inds...)
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
	p, _, err := loadPlan(ctx, s.db, q.Plan)
	if err != nil {
		return nil, err
	}
	if q.Year == 0 {
		q.Year = p.Period.To
	}
	if q.Year < p.Period.From || q.Year > p.Period.To {
		return nil, outreach.Invalid("year", "expected a year of the plan, %d–%d, got %d", p.Period.From, p.Period.To, q.Year)
	}
	if q.AsOf == "" {
		q.AsOf = fmt.Sprintf("%d-12-31", q.Year)
	}
	e, err := s.newEngine(ctx, q.Plan, q.AsOf)
	if err != nil {
		return nil, err
	}
	e.q.Unit = q.Unit
	if err := e.pickScope(); err != nil {
		return nil, err
	}
	inds, err := e.compute(q.Year, e.scope)
	if err != nil {
		return nil, err
	}
	return &IndicatorSet{Plan: p.Code, Year: q.Year, Unit: e.scope, AsOf: q.AsOf, DataFrom: e.from, DataTo: e.to, Indicators: inds}, nil
}

// pickScope finds the unit computed over: the query's, or the plan's
// province (or what it became) as it stood on AsOf.
func (e *engine) pickScope() error {
	if e.q.Unit != "" {
		u, ok := e.tree.version(e.q.Unit)
		if !ok {
			return outreach.Invalid("unit", "no unit %s was in force on %s", e.q.Unit, e.q.AsOf)
		}
		e.scope = u
		return nil
	}
	pr, err := resolvePlan(e.ctx, e.s.db, e.plan.Code)
	if err != nil {
		return err
	}
	for _, c := range pr.provinces {
		if u, ok := e.tree.version(c); ok {
			e.scope = u
			return nil
		}
	}
	return outreach.Invalid("as_of", "the plan's province did not exist on %s", e.q.AsOf)
}

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

// communes lists the communes of the scope in force on AsOf.
func (e *engine) communes() map[int64]bool {
	out := map[int64]bool{}
	for id := range e.tree.current {
		if u := e.tree.units[id]; u.IsCommune() && e.tree.inScope(id, e.scope) {
			out[id] = true
		}
	}
	return out
}

// mapIDs carries a set of recorded versions onto the communes of the
// scope in force on AsOf that inherit any part of them.
func (e *engine) mapIDs(ids []int64) map[int64]bool {
	out := map[int64]bool{}
	for _, id := range ids {
		for _, w := range e.tree.weights(id, false) {
			if w.w > 0 && e.tree.inScope(w.id, e.scope) {
				out[w.id] = true
			}
		}
	}
	return out
}

func (e *engine) ids(query string, args ...any) ([]int64, error) {
	var out []int64
	err := each(e.ctx, e.s.db, query, args, func(r *sql.Rows) error {
		var id int64
		err := r.Scan(&id)
		out = append(out, id)
		return err
	})
	return out, err
}

// materials: communes of the scope that received and deployed a material
// by the end of the year (cumulative from the plan's start).
func (e *engine) materials(ind *outreach.Indicator, set outreach.UnitSet) error {
	ids, err := e.ids(`SELECT DISTINCT du.unit_id FROM distribution_units du JOIN distributions d ON d.id = du.distribution_id
		JOIN materials m ON m.id = d.material_id
		WHERE m.plan_id = $1 AND d.deleted_at IS NULL AND m.deleted_at IS NULL AND m.type <> 'other'
		AND du.received_on IS NOT NULL AND du.received_on <= $2 AND du.deployed_on IS NOT NULL AND du.deployed_on <= $2`, e.planID, e.to)
	if err != nil {
		return err
	}
	denom := e.communes()
	if set == outreach.SetKeyAreaCommunes {
		if denom, err = e.keyAreas(); err != nil {
			return err
		}
	}
	met := e.mapIDs(ids)
	n := 0
	for id := range denom {
		if met[id] {
			n++
		}
	}
	ind.Numerator, ind.Denominator = float64(n), float64(len(denom))
	ind.Value = outreach.Percent(ind.Numerator, ind.Denominator)
	ind.Note = "communes with a material received and deployed by the end of the year, over the communes in force on the tree's date"
	if ind.Value == nil {
		ind.Note = "no commune in the unit"
	}
	return nil
}

// keyAreas: the year's key-area communes, carried onto the tree.
func (e *engine) keyAreas() (map[int64]bool, error) {
	ids, err := e.ids(`SELECT unit_id FROM key_areas WHERE plan_id = $1 AND year = $2`, e.planID, e.q.Year)
	if err != nil {
		return nil, err
	}
	return e.mapIDs(ids), nil
}

// models: key-area communes (of the year) with an in-depth model active at
// the end of the year.
func (e *engine) models(ind *outreach.Indicator, set outreach.UnitSet) error {
	denom := e.communes()
	var err error
	if set == outreach.SetKeyAreaCommunes {
		if denom, err = e.keyAreas(); err != nil {
			return err
		}
	}
	type model struct {
		unit        int64
		established string
		statuses    []outreach.ModelStatus
	}
	ms := map[int64]*model{}
	err = each(e.ctx, e.s.db, `SELECT m.id, m.unit_id, m.established_on FROM prevention_models m WHERE m.plan_id = $1 AND m.deleted_at IS NULL`,
		[]any{e.planID}, func(r *sql.Rows) error {
			var id int64
			m := &model{}
			err := r.Scan(&id, &m.unit, &m.established)
			ms[id] = m
			return err
		})
	if err != nil {
		return err
	}
	err = each(e.ctx, e.s.db, `SELECT s.model_id, s.since, s.status FROM model_statuses s JOIN prevention_models m ON m.id = s.model_id
		WHERE m.plan_id = $1 ORDER BY s.since`, []any{e.planID}, func(r *sql.Rows) error {
		var id int64
		var st outreach.ModelStatus
		if err := r.Scan(&id, &st.Since, &st.Status); err != nil {
			return err
		}
		if m := ms[id]; m != nil {
			m.statuses = append(m.statuses, st)
		}
		return nil
	})
	if err != nil {
		return err
	}
	var active []int64
	for _, m := range ms {
		pm := outreach.PreventionModel{EstablishedOn: m.established, Statuses: m.statuses}
		if pm.StatusOn(e.to) == outreach.ModelActive {
			active = append(active, m.unit)
		}
	}
	with := e.mapIDs(active)
	n := 0
	for id := range denom {
		if with[id] {
			n++
		}
	}
	ind.Numerator, ind.Denominator = float64(n), float64(len(denom))
	ind.Value = outreach.Percent(ind.Numerator, ind.Denominator)
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
		for _, w := range e.tree.weights(id, true) {
			if e.tree.inScope(w.id, e.scope) {
				sum += v * w.w
			}
		}
	}
	return sum
}

// scopeShareOfProvince is the scope's share of the province's 2019
// population, for activities that reached the whole province.
func (e *engine) scopeShareOfProvince() float64 {
	if e.scope.Level == outreach.LevelProvince {
		return 1
	}
	p, _ := e.populationOf("total", e.scope)
	var prov outreach.Unit
	for id := range e.tree.current {
		u := e.tree.units[id]
		if u.Level == outreach.LevelProvince && e.tree.inScope(e.scope.ID, u) {
			prov = u
		}
	}
	total, _ := e.populationOf("total", prov)
	if total == 0 {
		return 0
	}
	return p / total
}

// populationOf is a census group's figure for a unit in force on AsOf:
// the unit's own (carried from its predecessors when it changed), else
// the sum over its children, recursively.
func (e *engine) populationOf(group string, u outreach.Unit) (float64, string) {
	mapped, ok := e.pop[group]
	if !ok {
		figures := map[int64]float64{}
		err := each(e.ctx, e.s.db, `SELECT unit_id, value, source FROM unit_populations WHERE grp = $1`, []any{group}, func(r *sql.Rows) error {
			var id int64
			var v float64
			var src string
			err := r.Scan(&id, &v, &src)
			figures[id] += v
			if e.popSrc[group] == "" || src != "Tổng điều tra dân số và nhà ở 2019 (TCTK)" {
				e.popSrc[group] = src
			}
			return err
		})
		if err != nil {
			return 0, ""
		}
		mapped = map[int64]float64{}
		for id, v := range figures {
			for _, w := range e.tree.weights(id, false) {
				mapped[w.id] += v * w.w
			}
		}
		e.pop[group] = mapped
	}
	var sum func(u outreach.Unit) float64
	sum = func(u outreach.Unit) float64 {
		if v, ok := mapped[u.ID]; ok {
			return v
		}
		total := 0.0
		for id := range e.tree.current {
			if c := e.tree.units[id]; c.ParentCode == u.Code && c.ID != u.ID {
				total += sum(c)
			}
		}
		return total
	}
	return sum(u), e.popSrc[group]
}

var audienceColumn = map[outreach.PopulationGroup]string{
	outreach.PopEveryone:     "aud_total",
	outreach.PopWomen:        "aud_women",
	outreach.PopChildren1416: "aud_children",
}

var populationGroup = map[outreach.PopulationGroup]string{
	outreach.PopEveryone:     "total",
	outreach.PopWomen:        "female",
	outreach.PopChildren1416: "age_14_16",
}

// reach: people reached (people-times) over the census population of the
// group, cumulative from the plan's start to the end of the year.
func (e *engine) reach(ind *outreach.Indicator, g outreach.PopulationGroup) error {
	col := audienceColumn[g]
	per := map[int64]float64{}
	// An activity's reach is split equally between the units it lists.
	err := each(e.ctx, e.s.db, `SELECT au.unit_id, sum(1.0 * a.`+col+` / c.n) FROM activities a
		JOIN activity_units au ON au.activity_id = a.id
		JOIN (SELECT activity_id, count(*) AS n FROM activity_units GROUP BY activity_id) c ON c.activity_id = a.id
		WHERE a.plan_id = $1 AND a.deleted_at IS NULL AND a.`+col+` IS NOT NULL AND a.start_date >= $2 AND a.start_date <= $3
		GROUP BY au.unit_id`, []any{e.planID, e.from, e.to}, func(r *sql.Rows) error {
		var id int64
		var v float64
		err := r.Scan(&id, &v)
		per[id] = v
		return err
	})
	if err != nil {
		return err
	}
	var whole sql.NullFloat64
	if err := e.s.db.QueryRowContext(e.ctx, `SELECT sum(1.0 * `+col+`) FROM activities WHERE plan_id = $1 AND deleted_at IS NULL AND whole_province
		AND start_date >= $2 AND start_date <= $3`, e.planID, e.from, e.to).Scan(&whole); err != nil {
		return err
	}
	ind.Numerator = e.attributed(per) + whole.Float64*e.scopeShareOfProvince()
	var source string
	ind.Denominator, source = e.populationOf(populationGroup[g], e.scope)
	ind.Value = outreach.Percent(ind.Numerator, ind.Denominator)
	ind.Note = "people reached (people-times, so one person reached twice counts twice; values over 100 % are shown as they are) over the 2019 census population"
	if source != "" && source != "Tổng điều tra dân số và nhà ở 2019 (TCTK)" {
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
	cond, args := `a.plan_id = $1 AND a.deleted_at IS NULL AND k.code = $2 AND a.start_date >= $3 AND a.start_date <= $4`, []any{e.planID, kind, e.from, e.to}
	if clause != "" {
		cond += ` AND a.task_id = (SELECT id FROM plan_tasks WHERE plan_id = $1 AND clause = $5)`
		args = append(args, clause)
	}
	inYears := func(d string) bool {
		if len(years) == 0 {
			return true
		}
		y, _ := strconv.Atoi(d[:4])
		return slices.Contains(years, y)
	}
	per := map[int64]float64{}
	whole := 0.0
	err := each(e.ctx, e.s.db, `SELECT a.start_date, a.whole_province, coalesce(au.unit_id, 0), q.value / coalesce(c.n, 1)
		FROM activities a JOIN activity_quantities q ON q.activity_id = a.id JOIN quantity_kinds k ON k.id = q.kind_id
		LEFT JOIN activity_units au ON au.activity_id = a.id
		LEFT JOIN (SELECT activity_id, count(*) AS n FROM activity_units GROUP BY activity_id) c ON c.activity_id = a.id
		WHERE `+cond, args, func(r *sql.Rows) error {
		var d string
		var wp bool
		var id int64
		var v float64
		if err := r.Scan(&d, &wp, &id, &v); err != nil {
			return err
		}
		if !inYears(d) {
			return nil
		}
		if wp || id == 0 {
			whole += v
		} else {
			per[id] += v
		}
		return nil
	})
	if err != nil {
		return 0, err
	}
	// Counts done for the whole province belong to the province only.
	total := e.attributed(per)
	if e.scope.Level == outreach.LevelProvince {
		total += whole
	}
	return total, nil
}

// frequency: the share of periods (months, quarters, years) from the
// plan's first month to the end of the year, or to the tree's date if
// earlier, in which at least one activity of the scope counted the kind.
func (e *engine) frequency(ind *outreach.Indicator, kind, per string) error {
	end := e.to
	first := e.plan.Decision.Date[:7]
	months := map[string]bool{}
	err := each(e.ctx, e.s.db, `SELECT a.start_date, a.whole_province, coalesce(au.unit_id, 0)
		FROM activities a JOIN activity_quantities q ON q.activity_id = a.id JOIN quantity_kinds k ON k.id = q.kind_id
		LEFT JOIN activity_units au ON au.activity_id = a.id
		WHERE a.plan_id = $1 AND a.deleted_at IS NULL AND k.code = $2 AND q.value > 0 AND a.start_date <= $3`,
		[]any{e.planID, kind, end}, func(r *sql.Rows) error {
			var d string
			var wp bool
			var id int64
			if err := r.Scan(&d, &wp, &id); err != nil {
				return err
			}
			in := wp
			if !in {
				for _, w := range e.tree.weights(id, true) {
					in = in || (w.w > 0 && e.tree.inScope(w.id, e.scope))
				}
			}
			if in {
				months[periodOf(d, per)] = true
			}
			return nil
		})
	if err != nil {
		return err
	}
	var periods []string
	for m := first; m <= end[:7]; m = nextMonth(m) {
		p := periodOf(m+"-01", per)
		if len(periods) == 0 || periods[len(periods)-1] != p {
			periods = append(periods, p)
		}
	}
	n := 0
	for _, p := range periods {
		if months[p] {
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
