package indicators

import (
	"fmt"

	"outreach/internal/outreach"
)

// Coverage that cannot lie: people reached are recorded in people-times
// (one person at three meetings is three), so their sum can pass the
// population. The share of a group reached is computed per commune,
// capped at the commune's population of the group, and summed over the
// communes of the target's set in the scope:
//
//	value = Σ min(reached_c, population_c) / Σ population_c
//
// What an activity recorded for a unit above the commune (a district, a
// commune abolished into its district) is spread over that unit's
// communes, and what it recorded for the plan's whole area over all of
// its communes, in proportion to their population of the group. The
// uncapped sum is kept beside the value (PeopleTimes, "lượt người"), and
// the communes where it passes the population are named (OverReached).

// builtinAudience is a built-in group's place in Reach.V.
var builtinAudience = map[outreach.PopulationGroup]int{
	outreach.PopEveryone:     0,
	outreach.PopWomen:        1,
	outreach.PopChildren1416: 2,
}

// reachedByVersion sums, from the plan's start to the end of the year,
// the people of a group reached per unit version (0: the whole area).
func (e *Engine) reachedByVersion(g outreach.PopulationGroup) map[int64]float64 {
	per := map[int64]float64{}
	if i, ok := builtinAudience[g]; ok {
		for y := e.Plan.Period.From; y <= e.Year; y++ {
			for _, rf := range e.Facts.Reach[y] {
				per[rf.Unit] += rf.V[i]
			}
			if w := e.Facts.WholeReach[y][i]; w != 0 {
				per[0] += w
			}
		}
		return per
	}
	for _, a := range e.Facts.Audience {
		if a.Group == string(g) && a.Year >= e.Plan.Period.From && a.Year <= e.Year {
			per[a.Unit] += a.Value
		}
	}
	return per
}

// wholeArea is the unit in force that is the plan's whole area, above
// the scope (the scope itself when it is).
func (e *Engine) wholeArea() (outreach.Unit, bool) {
	area := e.Scope
	for !e.IsWhole(area) {
		parent, ok := e.Tree.Version(area.ParentCode)
		if !ok || area.ParentCode == "" {
			return outreach.Unit{}, false
		}
		area = parent
	}
	return area, true
}

// spread carries people recorded per unit version onto the communes in
// force in the scope: a commune takes what lands on it, a unit above
// communes spreads what lands on it over its communes by population.
func (e *Engine) spread(per map[int64]float64, pop *GroupPop) map[int64]float64 {
	out := map[int64]float64{}
	spreadOver := func(u outreach.Unit, v float64) {
		communes := e.Tree.CommunesIn(u)
		total := 0.0
		for c := range communes {
			if e.Area == nil || e.Area[c] {
				total += e.Tree.SumOf(pop, c)
			}
		}
		if total == 0 {
			return
		}
		for c := range communes {
			if (e.Area == nil || e.Area[c]) && e.Tree.InScope(c, e.Scope) {
				out[c] += v * e.Tree.SumOf(pop, c) / total
			}
		}
	}
	for id, v := range per {
		if v == 0 {
			continue
		}
		if id == 0 {
			if area, ok := e.wholeArea(); ok {
				spreadOver(area, v)
			}
			continue
		}
		for _, w := range e.Tree.Weights(id, true) {
			u := e.Tree.Unit(w.ID)
			switch {
			case u.IsCommune():
				if e.Tree.InScope(w.ID, e.Scope) {
					out[w.ID] += v * w.Share
				}
			case e.Tree.InScope(w.ID, e.Scope) || e.Tree.InScope(e.Scope.ID, u):
				// A unit above communes: in the scope, or the scope lies in it.
				spreadOver(u, v*w.Share)
			}
		}
	}
	return out
}

// reach sets a population-share indicator for a group over the
// communes of a set (CappedShare).
func (e *Engine) reach(ind *outreach.Indicator, g outreach.PopulationGroup, set map[int64]bool) error {
	def, ok := DefOf(e.Plan, g)
	if !ok {
		return fmt.Errorf("unknown population group %q", g)
	}
	pop, err := e.Tree.Estimate(e.Census, def, e.AreaOf)
	if err != nil {
		return err
	}
	reached := e.spread(e.reachedByVersion(g), pop)
	var n, d, times float64
	for c := range set {
		p := e.Tree.SumOf(pop, c)
		r := reached[c]
		times += r
		d += p
		if r > p {
			ind.OverReached = append(ind.OverReached, e.Tree.Unit(c).Code)
			r = p
		}
		n += r
	}
	ind.Numerator, ind.Denominator, ind.PeopleTimes = n, d, &times
	ind.Value = outreach.Percent(n, d)
	ind.Estimate = !def.everyone
	ind.DenominatorSource = pop.Source()
	if ind.DenominatorSource == "" {
		ind.DenominatorSource = CensusSource
	}
	ind.Note = "people reached per commune, capped at the commune's population of the group, over that population (2019 census); the people-times recorded are shown beside"
	if ind.Value == nil {
		ind.Note = "no population figure of this group for these communes: not applicable"
	}
	sortCodes(ind.OverReached)
	return nil
}
