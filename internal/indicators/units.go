package indicators

import (
	"fmt"
	"slices"

	"outreach/internal/outreach"
)

// Communes is the set of communes of the scope in force on the tree's
// date (shared: not to be changed).
func (e *Engine) Communes() map[int64]bool {
	all := e.Tree.CommunesIn(e.Scope)
	if e.Area == nil {
		return all
	}
	in := make(map[int64]bool, len(all))
	for id := range all {
		if e.Area[id] {
			in[id] = true
		}
	}
	return in
}

// MapIDs carries a set of recorded versions onto the communes of the
// scope in force on the tree's date that inherit any part of them.
func (e *Engine) MapIDs(ids []int64) map[int64]bool {
	out := make(map[int64]bool, len(ids))
	for _, id := range ids {
		for _, w := range e.Tree.Weights(id, false) {
			if w.Share > 0 && e.Tree.InScope(w.ID, e.Scope) {
				out[w.ID] = true
			}
		}
	}
	return out
}

// KeyAreas is the year's key-area communes, carried onto the tree.
func (e *Engine) KeyAreas() map[int64]bool {
	return e.MapIDs(e.Facts.KeyAreas[e.Year])
}

// UnitSet is the set of communes of the scope a target ranges over:
//
//   - all_communes (the default): every commune;
//   - key_area_communes: the communes marked as key areas for the year;
//   - a set the plan defines: the communes under its listed units (as
//     they were at any time, carried onto the tree), of its unit type,
//     and key areas of the year when it says so; every condition given
//     holds.
func (e *Engine) UnitSet(code outreach.UnitSet) (map[int64]bool, error) {
	switch code {
	case "", outreach.SetAllCommunes:
		return e.Communes(), nil
	case outreach.SetKeyAreaCommunes:
		return e.KeyAreas(), nil
	}
	def, ok := e.Plan.UnitSetDef(code)
	if !ok {
		return nil, fmt.Errorf("unknown unit set %q", code)
	}
	set := map[int64]bool{}
	for id := range e.Communes() {
		set[id] = true
	}
	if len(def.Units) > 0 {
		var paths []string
		for _, c := range def.Units {
			paths = append(paths, e.Tree.PathsOf(c)...)
		}
		under := e.Tree.AreaOf(paths)
		for id := range set {
			if !under[id] {
				delete(set, id)
			}
		}
	}
	if def.UnitType != "" {
		for id := range set {
			if e.Tree.Unit(id).Type != def.UnitType {
				delete(set, id)
			}
		}
	}
	if def.KeyAreas {
		key := e.KeyAreas()
		for id := range set {
			if !key[id] {
				delete(set, id)
			}
		}
	}
	return set, nil
}

// ActiveModelUnits lists the units of models active at the end of the
// year, of the given types (any when none is given).
func (e *Engine) ActiveModelUnits(types ...string) []int64 {
	var out []int64
	for _, m := range e.Facts.Models {
		if m.Model.StatusOn(e.To) == outreach.ModelActive && (len(types) == 0 || slices.Contains(types, m.Model.Type)) {
			out = append(out, m.Unit)
		}
	}
	return out
}

// deployed lists the units that deployed a material by the end of the
// year (cumulative from the plan's start).
func (e *Engine) deployed() []int64 {
	var ids []int64
	for _, d := range e.Facts.Deliveries {
		if d.Deployed != "" && d.Deployed <= e.To {
			ids = append(ids, d.Unit)
		}
	}
	return ids
}

// unitShare sets a unit-share indicator: of the set's communes, those
// meeting the target's condition by the end of the year.
func (e *Engine) unitShare(ind *outreach.Indicator, t outreach.Target) error {
	set, err := e.UnitSet(t.Units)
	if err != nil {
		return err
	}
	var met map[int64]bool
	switch t.Condition {
	case outreach.CondMaterialsDeployed:
		met = e.MapIDs(e.deployed())
		ind.Note = "communes with a material received and deployed by the end of the year, over the set's communes in force on the tree's date"
	case outreach.CondActiveModel:
		met = e.MapIDs(e.ActiveModelUnits(t.ModelTypes...))
		ind.Note = "communes of the set with a prevention model active at the end of the year"
		if len(t.ModelTypes) > 0 {
			ind.Note += " of the types " + fmt.Sprint(t.ModelTypes)
		}
	case outreach.CondActivity:
		met = e.MapIDs(e.activityUnits(t.Filter))
		ind.Note = "communes of the set where an activity the filter keeps took place, from the plan's start to the end of the year"
	default:
		return fmt.Errorf("unknown condition %q", t.Condition)
	}
	n := 0
	for id := range set {
		if met[id] {
			n++
		}
	}
	ind.Units = t.Units
	ind.Numerator, ind.Denominator = float64(n), float64(len(set))
	ind.Value = outreach.Percent(ind.Numerator, ind.Denominator)
	if ind.Value == nil {
		ind.Note = "no commune of the set in the unit: not applicable"
		if t.Units == outreach.SetKeyAreaCommunes {
			ind.Note = "no key-area commune marked for the year: not applicable"
		}
	}
	return nil
}

// activityUnits lists the unit versions of the activities the filter
// keeps, from the plan's start to the end of the year.
func (e *Engine) activityUnits(f *outreach.Filter) []int64 {
	var ids []int64
	from := fmt.Sprintf("%d-01-01", e.Plan.Period.From)
	for _, ev := range e.Facts.Events {
		if ev.Date >= from && ev.Date <= e.To && keeps(f, ev) {
			ids = append(ids, ev.Units...)
		}
	}
	return ids
}

func sortCodes(codes []string) { slices.Sort(codes) }
