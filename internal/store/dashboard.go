package store

import (
	"context"
	"database/sql"
	"fmt"
	"sort"

	"outreach/internal/outreach"
)

// Dashboard is everything the plan's dashboard shows for a year, a unit
// and a tree date, computed live.
type Dashboard struct {
	Plan *outreach.Plan
	Year int
	AsOf string
	// From and To bound the activity figures when a window was asked for.
	From, To string
	Unit     outreach.Unit
	// Whole is set when Unit is the plan's whole area (its scope, or what
	// the scope became), not a part of it.
	Whole      bool
	Indicators []outreach.Indicator
	// Trend holds each indicator code's values for every year of the plan.
	Trend    map[string][]outreach.Indicator
	Children []ChildRow
	// Attention lists the scope's communes with something missing.
	Attention  []Attention
	Activities int
	ByChannel  []Tally
	ByTheme    []Tally
	ByAgency   []Tally
	ByMonth    []Tally
	Spending   []Tally
}

// ChildRow is a unit directly under the scope with its indicators.
type ChildRow struct {
	Unit       outreach.Unit
	Indicators map[string]outreach.Indicator
	Communes   int
	// Plans are the plans serving the dashboard's plan that cover this
	// unit whole (a province's own plan, on a national plan's dashboard).
	Plans []string
}

// Attention is a commune that needs attention, and why.
type Attention struct {
	Unit            outreach.Unit
	District        string
	NoMaterials     bool
	NotDeployed     bool
	KeyWithoutModel bool
}

// Tally is a count or an amount under a code and a name.
type Tally struct {
	Code  string
	Name  string
	Count int
	Sum   int64
}

// Dashboard computes the dashboard, or returns the one computed for the
// same query since the data last changed (dashcache.go). The result may
// be shared between callers: it must not be changed.
func (s *Store) Dashboard(ctx context.Context, q IndicatorQuery) (_ *Dashboard, err error) {
	defer wrap(&err, "Dashboard(%s, %d, %s, %s)", q.Plan, q.Year, q.Unit, q.AsOf)
	return s.cachedDashboard(ctx, q, func() (*Dashboard, error) { return s.dashboard(ctx, q) })
}

func (s *Store) dashboard(ctx context.Context, q IndicatorQuery) (_ *Dashboard, err error) {
	e, q, err := s.scopedEngine(ctx, q)
	if err != nil {
		return nil, err
	}
	p := e.plan
	scope := e.scope
	if (q.From == "") != (q.To == "") || q.From != "" && (!outreach.ValidDate(q.From) || !outreach.ValidDate(q.To) || q.From > q.To) {
		return nil, outreach.Invalid("from", "expected a window of two dates from ≤ to, got %q–%q", q.From, q.To)
	}
	d := &Dashboard{Plan: p, Year: q.Year, AsOf: q.AsOf, From: q.From, To: q.To, Unit: scope, Whole: e.whole(), Trend: map[string][]outreach.Indicator{}}
	thisYear := s.now().Year()
	for _, y := range p.Period.Years() {
		if y > thisYear && y != q.Year {
			// A year still to come has no figures yet: its bar stays empty
			// rather than repeat today's figures as if the year were over.
			for _, ind := range d.Trend {
				last := ind[len(ind)-1]
				d.Trend[last.Code] = append(ind, outreach.Indicator{Code: last.Code, Target: last.Target, Kind: last.Kind, Year: y,
					Unit: last.Unit, Status: outreach.StatusNotApplicable, Note: "the year has not come yet"})
			}
			continue
		}
		inds, err := e.compute(y, scope)
		if err != nil {
			return nil, err
		}
		for _, ind := range inds {
			d.Trend[ind.Code] = append(d.Trend[ind.Code], ind)
		}
		if y == q.Year {
			d.Indicators = inds
		}
	}
	var children []outreach.Unit
	for id := range e.tree.current {
		if u := e.tree.units[id]; u.ParentCode == scope.Code && u.ID != scope.ID && (e.area == nil || e.area[id]) {
			children = append(children, u)
		}
	}
	sort.Slice(children, func(i, j int) bool { return children[i].Path < children[j].Path })
	serving, err := s.servingRefs(ctx, e.ep.id)
	if err != nil {
		return nil, err
	}
	for _, c := range children {
		inds, err := e.compute(q.Year, c)
		if err != nil {
			return nil, err
		}
		row := ChildRow{Unit: c, Indicators: map[string]outreach.Indicator{}}
		for _, ind := range inds {
			row.Indicators[ind.Code] = ind
		}
		for _, ref := range serving {
			if ref.isWhole(c) {
				row.Plans = append(row.Plans, ref.code)
			}
		}
		e.scope = c
		row.Communes = len(e.communes())
		d.Children = append(d.Children, row)
	}
	e.q.Year, e.scope, e.to = q.Year, scope, fmt.Sprintf("%d-12-31", q.Year)
	if d.Attention, err = e.attention(); err != nil {
		return nil, err
	}
	if err := e.activityFigures(d); err != nil {
		return nil, err
	}
	return d, nil
}

// attention finds the scope's communes that received no material, did
// not deploy what they received, or are key areas without an active model.
func (e *engine) attention() ([]Attention, error) {
	var received, deployed []int64
	for _, d := range e.facts.deliveries {
		if d.received <= e.to {
			received = append(received, d.unit)
		}
		if d.deployed != "" && d.deployed <= e.to {
			deployed = append(deployed, d.unit)
		}
	}
	key := e.keyAreas()
	withModel := e.mapIDs(e.activeModelUnits())
	rec, dep := e.mapIDs(received), e.mapIDs(deployed)
	var out []Attention
	for id := range e.communes() {
		a := Attention{Unit: e.tree.units[id], NoMaterials: !rec[id], NotDeployed: rec[id] && !dep[id], KeyWithoutModel: key[id] && !withModel[id]}
		if a.NoMaterials || a.NotDeployed || a.KeyWithoutModel {
			if p, ok := e.tree.version(a.Unit.ParentCode); ok && p.Level == outreach.LevelDistrict {
				a.District = p.Name
			}
			out = append(out, a)
		}
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Unit.Path < out[j].Unit.Path })
	return out, nil
}

// activityFigures tallies the year's activities in the scope by channel,
// theme, agency and month, and their spending by funding source.
func (e *engine) activityFigures(d *Dashboard) error {
	from, to := fmt.Sprintf("%d-01-01", e.q.Year), e.to
	if d.From != "" {
		from, to = d.From, d.To
	}
	type act struct {
		channel, agency, source, month string
		whole                          bool
		cost                           int64
		in                             bool
	}
	acts := map[int64]*act{}
	err := each(e.ctx, e.s.db, `SELECT a.id, ch.code, ag.code, coalesce(f.code, ''), a.start_date, a.whole_province, a.cost
		FROM activities a JOIN plan_channels ch ON ch.id = a.channel_id JOIN agencies ag ON ag.id = a.agency_id
		LEFT JOIN funding_sources f ON f.id = a.funding_source_id
		WHERE a.plan_id = $1 AND a.deleted_at IS NULL AND a.start_date >= $2 AND a.start_date <= $3`, []any{e.ep.id, from, to}, func(r *sql.Rows) error {
		var id int64
		a := &act{}
		var start string
		if err := r.Scan(&id, &a.channel, &a.agency, &a.source, &start, &a.whole, &a.cost); err != nil {
			return err
		}
		a.month = start[5:7]
		a.in = a.whole && e.whole()
		acts[id] = a
		return nil
	})
	if err != nil {
		return err
	}
	err = each(e.ctx, e.s.db, `SELECT au.activity_id, au.unit_id FROM activity_units au JOIN activities a ON a.id = au.activity_id
		WHERE a.plan_id = $1 AND a.deleted_at IS NULL AND a.start_date >= $2 AND a.start_date <= $3`, []any{e.ep.id, from, to}, func(r *sql.Rows) error {
		var id, unit int64
		if err := r.Scan(&id, &unit); err != nil {
			return err
		}
		if a := acts[id]; a != nil && !a.in {
			for _, w := range e.tree.weights(unit, true) {
				if w.w > 0 && e.tree.inScope(w.id, e.scope) {
					a.in = true
				}
			}
		}
		return nil
	})
	if err != nil {
		return err
	}
	themes, err := activityThemes(e.ctx, e.s.db, `a.plan_id = $1 AND a.start_date >= $2 AND a.start_date <= $3`, []any{e.ep.id, from, to})
	if err != nil {
		return err
	}
	channels, agencies, sources, months, th := map[string]*Tally{}, map[string]*Tally{}, map[string]*Tally{}, map[string]*Tally{}, map[string]*Tally{}
	bump := func(m map[string]*Tally, code string, cost int64) {
		t := m[code]
		if t == nil {
			t = &Tally{Code: code}
			m[code] = t
		}
		t.Count++
		t.Sum += cost
	}
	for id, a := range acts {
		if !a.in {
			continue
		}
		d.Activities++
		bump(channels, a.channel, a.cost)
		bump(agencies, a.agency, a.cost)
		bump(months, a.month, a.cost)
		if a.cost > 0 {
			bump(sources, a.source, a.cost)
		}
		for _, t := range themes[id] {
			bump(th, t, 0)
		}
	}
	names := map[string]string{}
	for _, c := range d.Plan.Channels {
		names["c:"+c.Code] = c.Name
	}
	for _, t := range d.Plan.Themes {
		names["t:"+t.Code] = t.Name
	}
	for _, a := range d.Plan.Agencies {
		names["a:"+a.Code] = a.ShortName
		if a.ShortName == "" {
			names["a:"+a.Code] = a.Name
		}
	}
	for _, f := range d.Plan.Funding.Sources {
		names["f:"+f.Code] = f.Name
	}
	list := func(m map[string]*Tally, prefix string, byCode bool) []Tally {
		var out []Tally
		for _, t := range m {
			t.Name = names[prefix+t.Code]
			out = append(out, *t)
		}
		sort.Slice(out, func(i, j int) bool {
			if byCode || out[i].Count == out[j].Count {
				return out[i].Code < out[j].Code
			}
			return out[i].Count > out[j].Count
		})
		return out
	}
	d.ByChannel, d.ByTheme, d.ByAgency, d.Spending = list(channels, "c:", true), list(th, "t:", true), list(agencies, "a:", false), list(sources, "f:", true)
	for m := 1; m <= 12; m++ {
		code := fmt.Sprintf("%02d", m)
		t := Tally{Code: code, Name: fmt.Sprintf("%d", m)}
		if x := months[code]; x != nil {
			t.Count, t.Sum = x.Count, x.Sum
		}
		d.ByMonth = append(d.ByMonth, t)
	}
	return nil
}

// servingRefs resolves the plans that serve the plan directly.
func (s *Store) servingRefs(ctx context.Context, planID int64) ([]planRef, error) {
	var codes []string
	err := each(ctx, s.db, `SELECT code FROM plans WHERE parent_plan_id = $1 ORDER BY code`, []any{planID}, func(r *sql.Rows) error {
		var c string
		err := r.Scan(&c)
		codes = append(codes, c)
		return err
	})
	if err != nil {
		return nil, err
	}
	refs := make([]planRef, 0, len(codes))
	for _, c := range codes {
		ref, err := resolvePlan(ctx, s.db, c)
		if err != nil {
			return nil, err
		}
		refs = append(refs, ref)
	}
	return refs, nil
}
