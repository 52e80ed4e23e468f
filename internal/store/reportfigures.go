package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"sort"

	"outreach/internal/outreach"
)

// ReportFigures computes a report's figures from the records that started
// inside the period's window: one agency's when agency is set, the whole
// plan's (with the rows by agency and by unit and the targets) otherwise.
// Communes and districts are named as the unit tree stood on the window's
// last day; records against older units count toward what they became.
func (s *Store) ReportFigures(ctx context.Context, plan, agency string, key outreach.PeriodKey) (_ *outreach.ReportFigures, err error) {
	defer wrap(&err, "ReportFigures(%s, %s, %s)", plan, agency, key)
	p, _, rp, err := s.planPeriod(ctx, plan, key)
	if err != nil {
		return nil, err
	}
	e, err := s.newEngine(ctx, plan, rp.To)
	if err != nil {
		return nil, err
	}
	if err := e.pickScope(); err != nil {
		return nil, err
	}
	province := e.Scope
	e.lumpWhole = true // the province is the one scope computed
	if rp.Round != outreach.RoundAnnual {
		// Targets and tasks as they stood at the end of the window, not at
		// the year's end. (The annual report still counts to 31 December:
		// its figures are those of the reports already issued.)
		e.Until = rp.To
	}
	f := &outreach.ReportFigures{From: rp.From, To: rp.To, AsOf: rp.To}
	fc := figureCounter{e: e, f: f, agency: agency, from: rp.From, to: rp.To}
	if err := fc.activities(ctx); err != nil {
		return nil, err
	}
	if err := fc.materials(ctx); err != nil {
		return nil, err
	}
	inds, err := e.compute(key.Year, province)
	if err != nil {
		return nil, err
	}
	byCode := map[string]outreach.Indicator{}
	for _, ind := range inds {
		byCode[ind.Code] = ind
	}
	tasks := p.Tasks
	if agency != "" {
		tasks = p.TasksFor(agency)
	}
	for _, t := range tasks {
		tf := outreach.TaskFig{Clause: t.Clause, Text: t.Text, Agency: t.Agency, Activities: fc.taskActs[t.Clause], Progress: outreach.ProgressNone}
		if tf.Activities > 0 {
			tf.Progress = outreach.ProgressUnderway
		}
		if t.Quantity != nil {
			tf.Measure, tf.Goal = t.Quantity.Measure, fmt.Sprintf("%s %s", t.Quantity.Comparator, outreach.FormatFloat(t.Quantity.Value))
			if ind, ok := byCode[t.Clause]; ok && ind.Value != nil {
				tf.Achieved = *ind.Value
				if ind.Milestone != nil && ind.Milestone.Met(*ind.Value) {
					tf.Progress = outreach.ProgressMet
				}
			}
		}
		f.Tasks = append(f.Tasks, tf)
	}
	if agency == "" {
		targets := map[string]bool{}
		for _, t := range p.Targets {
			targets[t.Code] = true
		}
		for _, ind := range inds {
			if targets[ind.Target] { // tasks' indicators are under the tasks
				f.Targets = append(f.Targets, ind)
			}
		}
	}
	return f, nil
}

// planPeriod loads a plan and the regime's period of a key; a period the
// regime does not have is invalid input.
func (s *Store) planPeriod(ctx context.Context, plan string, key outreach.PeriodKey) (*outreach.Plan, int64, outreach.ReportPeriod, error) {
	p, planID, err := loadPlan(ctx, s.db, plan)
	if err != nil {
		return nil, 0, outreach.ReportPeriod{}, err
	}
	rp, err := p.PeriodOf(key)
	if errors.Is(err, outreach.ErrNotFound) {
		return nil, 0, rp, outreach.Invalid("period", "the plan's regime has no report %s (its years are %d–%d)", key, p.Period.From, p.Period.To)
	}
	return p, planID, rp, err
}

// activityThemes maps the activities that meet cond (over activities a)
// to their themes' codes.
func activityThemes(ctx context.Context, q querier, cond string, args []any) (map[int64][]string, error) {
	themes := map[int64][]string{}
	err := each(ctx, q, `SELECT x.activity_id, th.code FROM activity_themes x JOIN plan_themes th ON th.id = x.theme_id
		JOIN activities a ON a.id = x.activity_id WHERE `+cond, args, func(r *sql.Rows) error {
		var id int64
		var c string
		err := r.Scan(&id, &c)
		themes[id] = append(themes[id], c)
		return err
	})
	return themes, err
}

// figureCounter adds up the activities and distributions of a window.
type figureCounter struct {
	e        *engine
	f        *outreach.ReportFigures
	agency   string
	from, to string
	taskActs map[string]int
}

type figAct struct {
	channel, agency, task, source string
	whole                         bool
	cost                          int64
	aud                           [5]sql.NullInt64
	units                         []int64
}

func (fc *figureCounter) filter(alias string) (string, []any) {
	args := []any{fc.e.ep.id, fc.from, fc.to}
	cond := fmt.Sprintf("%s.plan_id = $1 AND %s.deleted_at IS NULL AND %s.start_date >= $2 AND %s.start_date <= $3", alias, alias, alias, alias)
	if fc.agency != "" {
		cond += fmt.Sprintf(" AND %s.agency_id = %s", alias, planAgencySQL("$1", "$4"))
		args = append(args, fc.agency)
	}
	return cond, args
}

func (fc *figureCounter) activities(ctx context.Context) error {
	e, f := fc.e, fc.f
	cond, args := fc.filter("a")
	acts := map[int64]*figAct{}
	err := each(ctx, e.s.db, `SELECT a.id, ch.code, ag.code, coalesce(t.clause, ''), coalesce(fs.code, ''), a.whole_province, a.cost,
			a.aud_total, a.aud_women, a.aud_men, a.aud_children, a.aud_ethnic
		FROM activities a JOIN plan_channels ch ON ch.id = a.channel_id JOIN agencies ag ON ag.id = a.agency_id
		LEFT JOIN plan_tasks t ON t.id = a.task_id LEFT JOIN funding_sources fs ON fs.id = a.funding_source_id
		WHERE `+cond, args, func(r *sql.Rows) error {
		var id int64
		a := &figAct{}
		if err := r.Scan(&id, &a.channel, &a.agency, &a.task, &a.source, &a.whole, &a.cost, &a.aud[0], &a.aud[1], &a.aud[2], &a.aud[3], &a.aud[4]); err != nil {
			return err
		}
		acts[id] = a
		return nil
	})
	if err != nil {
		return err
	}
	themes, err := activityThemes(ctx, e.s.db, cond, args)
	if err != nil {
		return err
	}
	err = each(ctx, e.s.db, `SELECT x.activity_id, x.unit_id FROM activity_units x JOIN activities a ON a.id = x.activity_id WHERE `+cond, args, func(r *sql.Rows) error {
		var id, u int64
		if err := r.Scan(&id, &u); err != nil {
			return err
		}
		if a := acts[id]; a != nil {
			a.units = append(a.units, u)
		}
		return nil
	})
	if err != nil {
		return err
	}
	quantities := map[string]float64{}
	err = each(ctx, e.s.db, `SELECT k.code, sum(q.value) FROM activity_quantities q JOIN quantity_kinds k ON k.id = q.kind_id
		JOIN activities a ON a.id = q.activity_id WHERE `+cond+` GROUP BY k.code`, args, func(r *sql.Rows) error {
		var c string
		var v float64
		err := r.Scan(&c, &v)
		quantities[c] = v
		return err
	})
	if err != nil {
		return err
	}

	rows := newRowSet()
	rowOf := fc.provinceRows()
	communes := map[int64]bool{}
	fc.taskActs = map[string]int{}
	for id, a := range acts {
		f.Activities++
		rows.add("c", a.channel, 1, float64(a.cost), a.aud[0].Int64)
		rows.add("a", a.agency, 1, float64(a.cost), a.aud[0].Int64)
		if a.cost > 0 {
			rows.add("f", a.source, 1, float64(a.cost), 0)
		}
		for _, t := range themes[id] {
			rows.add("t", t, 1, 0, a.aud[0].Int64)
		}
		if a.task != "" {
			fc.taskActs[a.task]++
		}
		s := &f.Audience
		s.Total += a.aud[0].Int64
		s.Women += a.aud[1].Int64
		s.Men += a.aud[2].Int64
		s.Children += a.aud[3].Int64
		s.Ethnic += a.aud[4].Int64
		if a.whole {
			f.WholeProvince++
			rows.add("u", "", 1, 0, a.aud[0].Int64)
			continue
		}
		// The activity's audience is split equally between its places, and
		// each place's part between what it became.
		share := map[string]float64{}
		reached := map[string]map[int64]bool{}
		for _, u := range a.units {
			for _, w := range e.Tree.Weights(u, true) {
				if w.Share <= 0 {
					continue
				}
				row := rowOf(w.ID)
				share[row] += w.Share / float64(len(a.units))
				if reached[row] == nil {
					reached[row] = map[int64]bool{}
				}
				if e.Tree.Unit(w.ID).IsCommune() {
					communes[w.ID] = true
					reached[row][w.ID] = true
				}
			}
		}
		for row, sh := range share {
			r := rows.add("u", row, 1, 0, 0)
			r.Value += float64(a.aud[0].Int64) * sh
			for c := range reached[row] {
				rows.communes(row)[c] = true
			}
		}
	}
	f.Communes = len(communes)
	p := e.Plan
	for _, c := range p.Channels {
		f.ByChannel = append(f.ByChannel, rows.take("c", c.Code, c.Name))
	}
	for _, t := range p.Themes {
		f.ByTheme = append(f.ByTheme, rows.take("t", t.Code, t.Name))
	}
	for _, s := range p.Funding.Sources {
		if r, ok := rows.m["f:"+s.Code]; ok {
			r.Code, r.Name = s.Code, s.Name
			f.Spending = append(f.Spending, *r)
		}
	}
	if r, ok := rows.m["f:"]; ok {
		r.Name = "Không ghi nguồn"
		f.Spending = append(f.Spending, *r)
	}
	if err := fc.quantityRows(ctx, quantities); err != nil {
		return err
	}
	if fc.agency != "" {
		return nil
	}
	for _, a := range p.Agencies {
		if r, ok := rows.m["a:"+a.Code]; ok {
			r.Code, r.Name = a.Code, agencyLabel(a)
			f.ByAgency = append(f.ByAgency, *r)
		}
	}
	sort.SliceStable(f.ByAgency, func(i, j int) bool { return f.ByAgency[i].Activities > f.ByAgency[j].Activities })
	var units []outreach.Unit
	for _, id := range e.Tree.Children(e.Scope.Code) {
		if u := e.Tree.Unit(id); u.ID != e.Scope.ID {
			units = append(units, u)
		}
	}
	sort.Slice(units, func(i, j int) bool { return units[i].Path < units[j].Path })
	for _, u := range units {
		r := rows.take("u", u.Code, u.Name)
		r.Audience, r.Value = int64(r.Value+0.5), 0
		r.Communes = len(rows.communes(u.Code))
		f.ByUnit = append(f.ByUnit, r)
	}
	if r, ok := rows.m["u:"]; ok {
		r.Name = "Toàn tỉnh (không ghi địa bàn cụ thể)"
		f.ByUnit = append(f.ByUnit, *r)
	}
	return nil
}

// provinceRows maps a unit in force to the code of the province's child
// it lies in (a district, or after 2025 the commune itself).
func (fc *figureCounter) provinceRows() func(id int64) string {
	e := fc.e
	memo := map[int64]string{}
	return func(id int64) string {
		if c, ok := memo[id]; ok {
			return c
		}
		u := e.Tree.Unit(id)
		row := u.Code
		for u.ParentCode != "" && u.ParentCode != e.Scope.Code {
			p, ok := e.Tree.Version(u.ParentCode)
			if !ok {
				break
			}
			u, row = p, p.Code
		}
		if u.ID == e.Scope.ID {
			row = ""
		}
		memo[id] = row
		return row
	}
}

func (fc *figureCounter) quantityRows(ctx context.Context, sums map[string]float64) error {
	return each(ctx, fc.e.s.db, `SELECT code, name, unit FROM quantity_kinds ORDER BY position, code`, nil, func(r *sql.Rows) error {
		var q outreach.FigureRow
		if err := r.Scan(&q.Code, &q.Name, &q.Unit); err != nil {
			return err
		}
		if v, ok := sums[q.Code]; ok {
			q.Value = v
			fc.f.Quantities = append(fc.f.Quantities, q)
		}
		return nil
	})
}

// materials counts the distributions made in the window (by the agency).
func (fc *figureCounter) materials(ctx context.Context) error {
	args := []any{fc.e.ep.id, fc.from, fc.to}
	cond := `m.plan_id = $1 AND d.deleted_at IS NULL AND m.deleted_at IS NULL AND d.date >= $2 AND d.date <= $3`
	if fc.agency != "" {
		cond += ` AND d.from_agency_id = ` + planAgencySQL("$1", "$4")
		args = append(args, fc.agency)
	}
	m := &fc.f.Materials
	dists, units := map[int64]bool{}, map[int64]bool{}
	received, deployed := map[int64]bool{}, map[int64]bool{}
	return each(ctx, fc.e.s.db, `SELECT d.id, du.unit_id, du.quantity, du.received_on IS NOT NULL, du.deployed_on IS NOT NULL
		FROM distributions d JOIN materials m ON m.id = d.material_id JOIN distribution_units du ON du.distribution_id = d.id WHERE `+cond, args, func(r *sql.Rows) error {
		var id, unit, n int64
		var rec, dep bool
		if err := r.Scan(&id, &unit, &n, &rec, &dep); err != nil {
			return err
		}
		if !dists[id] {
			dists[id] = true
			m.Distributions++
		}
		m.Copies += n
		for _, w := range fc.e.Tree.Weights(unit, false) {
			if w.Share <= 0 {
				continue
			}
			if !units[w.ID] {
				units[w.ID] = true
				m.Communes++
			}
			if rec && !received[w.ID] {
				received[w.ID] = true
				m.Received++
			}
			if dep && !deployed[w.ID] {
				deployed[w.ID] = true
				m.Deployed++
			}
		}
		return nil
	})
}

func agencyLabel(a outreach.Agency) string {
	if a.ShortName != "" {
		return a.ShortName
	}
	return a.Name
}

// rowSet accumulates figure rows under a prefix and a code.
type rowSet struct {
	m  map[string]*outreach.FigureRow
	cs map[string]map[int64]bool
}

func newRowSet() *rowSet {
	return &rowSet{m: map[string]*outreach.FigureRow{}, cs: map[string]map[int64]bool{}}
}

func (s *rowSet) add(prefix, code string, acts int, value float64, aud int64) *outreach.FigureRow {
	r := s.m[prefix+":"+code]
	if r == nil {
		r = &outreach.FigureRow{Code: code}
		s.m[prefix+":"+code] = r
	}
	r.Activities += acts
	r.Value += value
	r.Audience += aud
	return r
}

func (s *rowSet) communes(code string) map[int64]bool {
	if s.cs[code] == nil {
		s.cs[code] = map[int64]bool{}
	}
	return s.cs[code]
}

// take returns the row (empty when nothing was counted) named.
func (s *rowSet) take(prefix, code, name string) outreach.FigureRow {
	r := outreach.FigureRow{Code: code}
	if x, ok := s.m[prefix+":"+code]; ok {
		r = *x
	}
	r.Name = name
	return r
}
