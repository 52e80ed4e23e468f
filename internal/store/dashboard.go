package store

import (
	"context"
	"database/sql"
	"errors"
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
	Attention []Attention
	// OverReach lists the year's activities whose people reached exceed
	// the population of their places: entries to review.
	OverReach  []OverReachEntry
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
	// OverReached: the people reached recorded there pass the commune's
	// population (a population-share target's, capped there).
	OverReached bool
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
	p := e.Plan
	scope := e.Scope
	if (q.From == "") != (q.To == "") || q.From != "" && (!outreach.ValidDate(q.From) || !outreach.ValidDate(q.To) || q.From > q.To) {
		return nil, outreach.Invalid("from", "expected a window of two dates from ≤ to, got %q–%q", q.From, q.To)
	}
	d := &Dashboard{Plan: p, Year: q.Year, AsOf: q.AsOf, From: q.From, To: q.To, Unit: scope, Whole: e.Whole(), Trend: map[string][]outreach.Indicator{}}
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
	for _, id := range e.Tree.Children(scope.Code) {
		if u := e.Tree.Unit(id); u.ID != scope.ID && (e.Area == nil || e.Area[id]) {
			children = append(children, u)
		}
	}
	sort.Slice(children, func(i, j int) bool { return children[i].Path < children[j].Path })
	serving, err := s.servingRefs(ctx, e.ep.id)
	if err != nil {
		return nil, err
	}
	// A plan's whole area is its scope on the dashboard's tree, or what
	// the scope became once it is gone: on the 2019 tree Bắc Kạn's plan is
	// Bắc Kạn's row, not Thái Nguyên's.
	present := map[string]bool{}
	for _, c := range children {
		present[c.Code] = true
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
			if c.Code == ref.scope || !present[ref.scope] && ref.isWhole(c) {
				row.Plans = append(row.Plans, ref.code)
			}
		}
		e.Scope = c
		row.Communes = len(e.Communes())
		d.Children = append(d.Children, row)
	}
	e.q.Year, e.Scope, e.To = q.Year, scope, fmt.Sprintf("%d-12-31", q.Year)
	// The facts current are the last child's rows: the scope's again.
	if err := e.readFacts(scope); err != nil {
		return nil, err
	}
	over := map[string]bool{}
	for _, ind := range d.Indicators {
		for _, c := range ind.OverReached {
			over[c] = true
		}
	}
	if d.Attention, err = e.attention(over); err != nil {
		return nil, err
	}
	if d.OverReach, err = s.OverReached(ctx, p.Code, q.Year); err != nil {
		return nil, err
	}
	if err := e.activityFigures(d); err != nil {
		return nil, err
	}
	return d, nil
}

// attention finds the scope's communes that received no material, did
// not deploy what they received, or are key areas without an active model.
func (e *engine) attention(overReached map[string]bool) ([]Attention, error) {
	var received, deployed []int64
	for _, d := range e.Facts.Deliveries {
		if d.Received <= e.To {
			received = append(received, d.Unit)
		}
		if d.Deployed != "" && d.Deployed <= e.To {
			deployed = append(deployed, d.Unit)
		}
	}
	key := e.KeyAreas()
	withModel := e.MapIDs(e.ActiveModelUnits())
	rec, dep := e.MapIDs(received), e.MapIDs(deployed)
	var out []Attention
	for id := range e.Communes() {
		a := Attention{Unit: e.Tree.Unit(id), NoMaterials: !rec[id], NotDeployed: rec[id] && !dep[id], KeyWithoutModel: key[id] && !withModel[id]}
		a.OverReached = overReached[a.Unit.Code]
		if a.NoMaterials || a.NotDeployed || a.KeyWithoutModel || a.OverReached {
			if p, ok := e.Tree.Version(a.Unit.ParentCode); ok && p.Level == outreach.LevelDistrict {
				a.District = p.Name
			}
			out = append(out, a)
		}
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Unit.Path < out[j].Unit.Path })
	return out, nil
}

// activityFigures tallies the year's activities in the scope by channel,
// theme, agency and month, and their spending by funding source: from the
// tally rollup when every activity of the plan's year counts
// (tallyFromRollup), else from the records.
func (e *engine) activityFigures(d *Dashboard) error {
	rollup, err := e.tallyFromRollup(d)
	if err != nil {
		return err
	}
	t := newTallies()
	if rollup {
		err = e.rollupTallies(t)
	} else {
		err = e.recordTallies(d, t)
	}
	if err != nil {
		return err
	}
	t.fill(d)
	return nil
}

// tallies are the activity figures by code, before they are named.
type tallies struct {
	activities                                  int
	channels, agencies, sources, months, themes map[string]*Tally
}

func newTallies() *tallies {
	return &tallies{channels: map[string]*Tally{}, agencies: map[string]*Tally{}, sources: map[string]*Tally{},
		months: map[string]*Tally{}, themes: map[string]*Tally{}}
}

// bump adds n activities costing cost to a code's tally.
func bump(m map[string]*Tally, code string, n int, cost int64) {
	t := m[code]
	if t == nil {
		t = &Tally{Code: code}
		m[code] = t
	}
	t.Count += n
	t.Sum += cost
}

// add counts n activities of a channel, agency, month and funding source,
// costed of which had a cost, costing cost in all. Costs are never
// negative (outreach.Activity.Validate), so the spending of the costed
// ones is all of cost.
func (t *tallies) add(channel, agency, month, source string, n, costed int, cost int64) {
	t.activities += n
	bump(t.channels, channel, n, cost)
	bump(t.agencies, agency, n, cost)
	bump(t.months, month, n, cost)
	if costed > 0 {
		bump(t.sources, source, costed, cost)
	}
}

// tallyFromRollup reports whether the activity figures may be read from
// the tally rollup (fact_activity, fact_activity_theme): it holds whole
// calendar years of whole plans, so the dashboard must show the plan's
// whole area for its year, where every activity of the plan counts.
// Unless one of the year's activities lists a place the tree of the date
// carries nowhere into the area (a stray: a version with no successor or
// ancestor in force there); then the records say whether it counts
// through another of its places.
func (e *engine) tallyFromRollup(d *Dashboard) (bool, error) {
	if d.From != "" || !e.Whole() {
		return false, nil
	}
	var paths []string
	for _, c := range e.ep.ref.codes {
		paths = append(paths, e.ep.ref.paths[c]...)
	}
	strays := e.Tree.Strays(e.Scope, paths)
	if len(strays) == 0 {
		return true, nil
	}
	if len(strays) > maxRelated {
		return false, nil
	}
	// A plan whose province merged into another has the other's units
	// under its paths: on the trees before the merger, hundreds of strays
	// its records cannot name, looked up by the unit index.
	q, args := factSel{pg: e.s.engine == Postgres}.in(`SELECT 1 FROM activity_units au JOIN activities a ON a.id = au.activity_id
		WHERE a.plan_id = $1 AND a.deleted_at IS NULL AND a.start_date >= $2 AND a.start_date <= $3`,
		"au.unit_id", strays, []any{e.ep.id, fmt.Sprintf("%d-01-01", e.q.Year), e.To})
	var one int
	err := e.s.db.QueryRowContext(e.ctx, q+` LIMIT 1`, args...).Scan(&one)
	if errors.Is(err, sql.ErrNoRows) {
		return true, nil
	}
	return false, err
}

// rollupTallies reads the plan's year from the tally rollup. Rows an
// activity's deletion brought to zero are left out, as the records leave
// out the deleted activity.
func (e *engine) rollupTallies(t *tallies) error {
	err := each(e.ctx, e.s.db, `SELECT f.month, ch.code, ag.code, coalesce(fs.code, ''), f.n_activities, f.n_costed, f.cost
		FROM fact_activity f JOIN plan_channels ch ON ch.id = f.channel_id JOIN agencies ag ON ag.id = f.agency_id
		LEFT JOIN funding_sources fs ON fs.id = f.funding_source_id
		WHERE f.plan_id = $1 AND f.year = $2 AND f.n_activities <> 0`, []any{e.ep.id, e.q.Year}, func(r *sql.Rows) error {
		var month, n, costed int
		var channel, agency, source string
		var cost int64
		if err := r.Scan(&month, &channel, &agency, &source, &n, &costed, &cost); err != nil {
			return err
		}
		t.add(channel, agency, fmt.Sprintf("%02d", month), source, n, costed, cost)
		return nil
	})
	if err != nil {
		return err
	}
	return each(e.ctx, e.s.db, `SELECT th.code, f.n_activities FROM fact_activity_theme f JOIN plan_themes th ON th.id = f.theme_id
		WHERE f.plan_id = $1 AND f.year = $2 AND f.n_activities <> 0`, []any{e.ep.id, e.q.Year}, func(r *sql.Rows) error {
		var code string
		var n int
		if err := r.Scan(&code, &n); err != nil {
			return err
		}
		bump(t.themes, code, n, 0)
		return nil
	})
}

// recordTallies reads the activities of the year (or of the dashboard's
// window) from the records, and counts those with a place in the scope.
func (e *engine) recordTallies(d *Dashboard, t *tallies) error {
	from, to := fmt.Sprintf("%d-01-01", e.q.Year), e.To
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
		a.in = a.whole && e.Whole()
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
			for _, w := range e.Tree.Weights(unit, true) {
				if w.Share > 0 && e.Tree.InScope(w.ID, e.Scope) {
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
	for id, a := range acts {
		if !a.in {
			continue
		}
		costed := 0
		if a.cost > 0 {
			costed = 1
		}
		t.add(a.channel, a.agency, a.month, a.source, 1, costed, a.cost)
		for _, th := range themes[id] {
			bump(t.themes, th, 1, 0)
		}
	}
	return nil
}

// fill names the tallies after the plan's channels, themes, agencies and
// funding sources, and sorts them into the dashboard.
func (t *tallies) fill(d *Dashboard) {
	names := map[string]string{}
	for _, c := range d.Plan.Channels {
		names["c:"+c.Code] = c.Name
	}
	for _, th := range d.Plan.Themes {
		names["t:"+th.Code] = th.Name
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
		for _, x := range m {
			x.Name = names[prefix+x.Code]
			out = append(out, *x)
		}
		sort.Slice(out, func(i, j int) bool {
			if byCode || out[i].Count == out[j].Count {
				return out[i].Code < out[j].Code
			}
			return out[i].Count > out[j].Count
		})
		return out
	}
	d.Activities = t.activities
	d.ByChannel, d.ByTheme, d.ByAgency, d.Spending = list(t.channels, "c:", true), list(t.themes, "t:", true), list(t.agencies, "a:", false), list(t.sources, "f:", true)
	for m := 1; m <= 12; m++ {
		code := fmt.Sprintf("%02d", m)
		x := Tally{Code: code, Name: fmt.Sprintf("%d", m)}
		if y := t.months[code]; y != nil {
			x.Count, x.Sum = y.Count, y.Sum
		}
		d.ByMonth = append(d.ByMonth, x)
	}
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
