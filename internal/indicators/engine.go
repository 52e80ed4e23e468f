package indicators

import (
	"fmt"
	"maps"
	"slices"

	"outreach/internal/outreach"
)

// Source hands the engine the facts of a set of plans' records that a
// computation over a scope needs (the store reads them from its rollups
// and keeps them for the next scope).
type Source interface {
	FactsFor(plans []int64, scope outreach.Unit) (*Facts, error)
}

// An Engine computes a plan's targets and quantified tasks from facts, on
// a unit tree as it stood on a date. It holds no connection: what it
// reads comes from Source and Census. An Engine serves one computation at
// a time.
type Engine struct {
	Plan   *outreach.Plan
	PlanID int64
	// Serving lists, per target code, the plans whose records count
	// toward it (the plan's own and those of the plans serving it); a
	// target missing here counts the plan's own.
	Serving map[string][]int64
	Tree    *Tree
	Census  CensusReader
	Source  Source
	// IsWhole reports whether a unit in force is the plan's whole area,
	// where records made for the whole area count in full.
	IsWhole func(outreach.Unit) bool
	// On a tree where the plan's province has merged into another,
	// AreaOf is the plan's province's paths and Area the versions in
	// force that descend from its units: communes and census figures
	// count there only (Bắc Kạn's part of Thái Nguyên, not the rest).
	AreaOf []string
	Area   map[int64]bool
	// Until, when set, ends the data earlier than the year's end: a
	// six-month or end-of-period report's window.
	Until string
	// AsOf is the tree's date.
	AsOf string
	// Today, when set, ends the periods a frequency target counts in the
	// year in progress: a month not yet over is not yet missed.
	Today string

	// Set by Compute: the year and unit computed, the last day of data,
	// and the facts in use.
	Year  int
	Scope outreach.Unit
	To    string
	Facts *Facts
}

// use makes the facts of the set of plans (nil: the plan's own) over the
// current scope the ones in use.
func (e *Engine) use(plans []int64) error {
	if len(plans) == 0 {
		plans = []int64{e.PlanID}
	}
	f, err := e.Source.FactsFor(plans, e.Scope)
	if err != nil {
		return err
	}
	e.Facts = f
	return nil
}

// Compute computes every target and quantified task for a year over a
// unit in force on the tree's date.
func (e *Engine) Compute(year int, scope outreach.Unit) ([]outreach.Indicator, error) {
	p := e.Plan
	if year < p.Period.From || year > p.Period.To {
		return nil, outreach.Invalid("year", "expected a year of the plan, %d–%d, got %d", p.Period.From, p.Period.To, year)
	}
	e.Year, e.Scope, e.To = year, scope, fmt.Sprintf("%d-12-31", year)
	if e.Until != "" && e.Until < e.To {
		e.To = e.Until
	}
	var out []outreach.Indicator
	for _, t := range p.Targets {
		// A target others serve counts their records with the plan's.
		if err := e.use(e.Serving[t.Code]); err != nil {
			return nil, err
		}
		inds, err := e.target(t)
		if err != nil {
			return nil, fmt.Errorf("target %s: %w", t.Code, err)
		}
		out = append(out, inds...)
	}
	if err := e.use(nil); err != nil {
		return nil, err
	}
	for _, t := range p.Tasks {
		if t.Quantity == nil {
			continue
		}
		out = append(out, e.task(t))
	}
	return out, nil
}

// Whole reports whether the engine computes over the plan's whole area
// (where activities recorded for the whole area count in full).
func (e *Engine) Whole() bool { return e.IsWhole(e.Scope) }

func (e *Engine) base(code string, t outreach.Target) outreach.Indicator {
	return outreach.Indicator{Code: code, Target: t.Code, Text: t.Text, Kind: t.Kind, Measure: t.Measure, Year: e.Year, Unit: e.Scope.Code, AsOf: e.AsOf}
}

// target computes a target from its definition: the kind says what is
// measured, the definition's fields (unit set, condition, groups,
// measure, filter, window, period) say over what.
func (e *Engine) target(t outreach.Target) ([]outreach.Indicator, error) {
	var out []outreach.Indicator
	switch t.Kind {
	case outreach.KindUnitShare:
		ind := e.base(t.Code, t)
		if err := e.unitShare(&ind, t); err != nil {
			return nil, err
		}
		out = append(out, ind)
	case outreach.KindPopulationShare:
		set, err := e.UnitSet(t.Units)
		if err != nil {
			return nil, err
		}
		for _, g := range t.Populations {
			ind := e.base(t.Code+"/"+string(g), t)
			ind.Population, ind.Units = g, t.Units
			if err := e.reach(&ind, g, set); err != nil {
				return nil, err
			}
			out = append(out, ind)
		}
	case outreach.KindCount:
		ind := e.base(t.Code, t)
		e.count(&ind, t)
		out = append(out, ind)
	case outreach.KindFrequency:
		ind := e.base(t.Code, t)
		e.frequency(&ind, t)
		out = append(out, ind)
	case outreach.KindReported:
		ind := e.base(t.Code, t)
		e.reported(&ind, t)
		out = append(out, ind)
	default:
		return nil, fmt.Errorf("unknown kind %q", t.Kind)
	}
	for i := range out {
		out[i].Judge(t.Milestones, t.Progress, e.Plan.Period.From)
	}
	return out, nil
}

func (e *Engine) task(t outreach.Task) outreach.Indicator {
	year := e.Plan.Period.To
	if len(t.Years) > 0 {
		year = slices.Max(t.Years)
	}
	q := t.Quantity
	ind := outreach.Indicator{Code: t.Clause, Target: t.Clause, Text: t.Text, Kind: outreach.KindCount, Measure: q.Measure, Year: e.Year,
		Unit: e.Scope.Code, AsOf: e.AsOf}
	n := e.quantity(q.Measure, t.Clause, t.Years, false)
	ind.Numerator, ind.Denominator, ind.Value = n, q.Value, &n
	ind.Note = "sum of the quantity recorded by the task's activities in the unit, against the task's goal"
	if len(t.Years) > 0 {
		ind.StartYear = slices.Min(t.Years)
		ind.Note += "; counted in the years the task names"
	}
	ind.Judge([]outreach.Milestone{{Year: year, Comparator: q.Comparator, Value: q.Value}}, outreach.ProgressLinear, e.Plan.Period.From)
	return ind
}

// reported sets a reported target from the values the responsible
// agencies reported for the year and the coordinators accepted: per plan,
// the annual report's value, else the latest accepted of the year's
// rounds; the numerators and denominators of the plans (one for a
// province's target, every serving plan's for a parent target) are
// summed. A value is reported for a plan's whole area only: a part of it
// has none.
func (e *Engine) reported(ind *outreach.Indicator, t outreach.Target) {
	ind.Note = "reported by the responsible agency and accepted by the coordinator"
	if !e.Whole() {
		ind.Note = "reported for the plan's whole area only: not applicable to a part of it"
		return
	}
	picked := map[int64]outreach.ReportedValue{}
	annual := map[int64]bool{}
	for _, r := range e.Facts.Reported[t.Code] {
		key, err := outreach.ParsePeriodKey(r.Period)
		if err != nil || key.Year != e.Year || annual[r.Plan] {
			continue
		}
		if prev, ok := picked[r.Plan]; !ok || key.Round == outreach.RoundAnnual || r.AcceptedAt > prev.AcceptedAt {
			picked[r.Plan] = r
			annual[r.Plan] = key.Round == outreach.RoundAnnual
		}
	}
	if len(picked) == 0 {
		ind.Note = "no accepted report of this target for the year"
		return
	}
	var n, d float64
	for _, id := range slices.Sorted(maps.Keys(picked)) {
		r := picked[id]
		n += r.Numerator
		d += r.Denominator
		if ind.Reported == nil {
			ind.Reported = &r
		}
	}
	if len(picked) > 1 {
		ind.Reported = nil // many agencies' values: the sum stands
		ind.Note = fmt.Sprintf("the sum of %d plans' accepted reports", len(picked))
	}
	ind.Numerator, ind.Denominator = n, d
	ind.Value = outreach.Percent(n, d)
	if ind.Value == nil {
		ind.Value = &n // a count, not a share
	}
}
