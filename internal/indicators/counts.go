package indicators

import (
	"fmt"
	"slices"
	"strings"
	"time"

	"outreach/internal/outreach"
)

// keeps reports whether a filter keeps an activity: every list the
// filter gives holds the activity's value (one of its themes for themes),
// and the activity recorded people of the audience group when it names
// one.
func keeps(f *outreach.Filter, ev Event) bool {
	if f == nil {
		return true
	}
	in := func(list []string, v string) bool { return len(list) == 0 || slices.Contains(list, v) }
	if !in(f.Channels, ev.Channel) || !in(f.Tasks, ev.Task) || !in(f.Agencies, ev.Agency) ||
		!in(f.AgencyTypes, ev.AgencyType) || !in(f.MediaLevels, ev.MediaLevel) {
		return false
	}
	if len(f.Themes) > 0 && !slices.ContainsFunc(ev.Themes, func(t string) bool { return slices.Contains(f.Themes, t) }) {
		return false
	}
	return f.Audience == "" || slices.Contains(ev.Groups, string(f.Audience))
}

// shareIn is the part of an activity's figures that lands in the scope:
// its places share them equally and each place's part is carried onto
// the tree; what was done for the whole area counts in the whole area
// only.
func (e *Engine) shareIn(ev Event) float64 {
	if len(ev.Units) == 0 {
		if e.Whole() {
			return 1
		}
		return 0
	}
	s := 0.0
	for _, u := range ev.Units {
		for _, w := range e.Tree.Weights(u, true) {
			if e.Tree.InScope(w.ID, e.Scope) {
				s += w.Share
			}
		}
	}
	return s / float64(len(ev.Units))
}

// quantity sums a quantity kind over the plan's activities in the scope
// from the rollups: those of a task when clause is set, in the given
// years when years are, from the plan's start (or, with perYear, within
// the year only) to the end of the year.
func (e *Engine) quantity(kind, clause string, years []int, perYear bool) float64 {
	first := e.Plan.Period.From
	if perYear {
		first = e.Year
	}
	per := map[int64]float64{}
	whole := 0.0
	for _, q := range e.Facts.Quantities {
		if q.Kind != kind || q.Year < first || q.Year > e.Year || (clause != "" && q.Task != clause) ||
			(len(years) > 0 && !slices.Contains(years, q.Year)) {
			continue
		}
		if q.Unit == 0 { // the whole area
			whole += q.Value
		} else {
			per[q.Unit] += q.Value
		}
	}
	// Counts done for the whole area belong to the whole area only.
	total := e.attributed(per)
	if e.Whole() {
		total += whole
	}
	return total
}

// attributed sums figures recorded per unit version onto the scope: each
// version's figure is carried onto the tree (abolished units pass theirs
// up), and what lands in the scope's subtree counts.
func (e *Engine) attributed(perUnit map[int64]float64) float64 {
	sum := 0.0
	for id, v := range perUnit {
		if id == LumpUnit { // lands whole in the scope (the store summed it)
			sum += v
			continue
		}
		for _, w := range e.Tree.Weights(id, true) {
			if e.Tree.InScope(w.ID, e.Scope) {
				sum += v * w.Share
			}
		}
	}
	return sum
}

// filteredCount sums a quantity kind over the activities the filter
// keeps, each counted by its share in the scope, between two days.
func (e *Engine) filteredCount(kind string, f *outreach.Filter, from, to string) float64 {
	sum := 0.0
	for _, ev := range e.Facts.Events {
		if ev.Date < from || ev.Date > to || !keeps(f, ev) {
			continue
		}
		if v := ev.Values[kind]; v != 0 {
			sum += v * e.shareIn(ev)
		}
	}
	return sum
}

// count sets a count target: the measure summed, cumulative from the
// plan's start or within the year (Window), over the activities the
// filter keeps.
func (e *Engine) count(ind *outreach.Indicator, t outreach.Target) {
	perYear := t.Window == outreach.WindowYear
	var n float64
	if t.Filter.Empty() {
		n = e.quantity(t.Measure, "", nil, perYear)
	} else {
		from := fmt.Sprintf("%d-01-01", e.Plan.Period.From)
		if perYear {
			from = fmt.Sprintf("%d-01-01", e.Year)
		}
		n = e.filteredCount(t.Measure, t.Filter, from, e.To)
	}
	ind.Numerator, ind.Value = n, &n
	if m := outreach.MilestoneFor(t.Milestones, e.Year); m != nil {
		ind.Denominator = m.Value
	}
	ind.Note = "sum of the quantity recorded by the activities in the unit"
	if perYear {
		ind.Note += ", within the year"
	} else {
		ind.Note += ", from the plan's start"
	}
	if !t.Filter.Empty() {
		ind.Note += ", of the activities the target's filter keeps"
	}
}

// FromMonths reports whether the month rollup answers a frequency: no
// filter, at least one a period, of months, quarters or years. Others
// read the activities themselves (Facts.Events).
func FromMonths(t outreach.Target) bool {
	return t.Filter.Empty() && t.AtLeast <= 1 && t.Per != outreach.PerWeek
}

// monthsIn lists the months (1–12) of a year in which an activity of
// the scope counted the kind, from the month rollup (Facts.Months).
func (e *Engine) monthsIn(kind string, year int) map[int]bool {
	var mask uint16
	for _, m := range e.Facts.Months[kind] {
		if m.Year != year {
			continue
		}
		in := m.Unit == LumpUnit || m.Unit == 0 && e.Whole()
		if m.Unit > 0 {
			for _, w := range e.Tree.Weights(m.Unit, true) {
				in = in || w.Share > 0 && e.Tree.InScope(w.ID, e.Scope)
			}
		}
		if in {
			mask |= m.Mask
		}
	}
	out := map[int]bool{}
	for m := 1; m <= 12; m++ {
		if mask&(1<<(m-1)) != 0 {
			out[m] = true
		}
	}
	return out
}

// period is one period of a frequency target: its key and its days.
type period struct {
	key      string
	from, to string
}

// periodsOf lists the periods (week, month, quarter, year) that overlap
// the days from..to, in order, each with its whole span.
func periodsOf(per, from, to string) []period {
	start, err1 := time.Parse(time.DateOnly, from)
	end, err2 := time.Parse(time.DateOnly, to)
	if err1 != nil || err2 != nil || end.Before(start) {
		return nil
	}
	var out []period
	var cur time.Time
	switch per {
	case outreach.PerWeek:
		cur = start.AddDate(0, 0, -((int(start.Weekday()) + 6) % 7)) // Monday
	case outreach.PerQuarter:
		cur = time.Date(start.Year(), time.Month((int(start.Month())-1)/3*3+1), 1, 0, 0, 0, 0, time.UTC)
	case outreach.PerYear:
		cur = time.Date(start.Year(), 1, 1, 0, 0, 0, 0, time.UTC)
	default:
		cur = time.Date(start.Year(), start.Month(), 1, 0, 0, 0, 0, time.UTC)
	}
	for !cur.After(end) {
		var next time.Time
		var key string
		switch per {
		case outreach.PerWeek:
			next = cur.AddDate(0, 0, 7)
			y, w := cur.ISOWeek()
			key = fmt.Sprintf("%d-W%02d", y, w)
		case outreach.PerQuarter:
			next = cur.AddDate(0, 3, 0)
			key = fmt.Sprintf("%d-Q%d", cur.Year(), (int(cur.Month())-1)/3+1)
		case outreach.PerYear:
			next = cur.AddDate(1, 0, 0)
			key = fmt.Sprintf("%d", cur.Year())
		default:
			next = cur.AddDate(0, 1, 0)
			key = cur.Format("2006-01")
		}
		out = append(out, period{key: key, from: cur.Format(time.DateOnly), to: next.AddDate(0, 0, -1).Format(time.DateOnly)})
		cur = next
	}
	return out
}

// frequency sets a frequency target: "at least N per period" of a
// filtered count, judged within the year. The periods are those of the
// year from the target's start (its From, else the decision's date) to
// the end of the data (the year's end, a report's window end, or today
// for the year in progress); a period whose end has come counts, met or
// missed, and the period under way counts only once met. The value is
// the share of the periods that met the count; the missed ones are named.
// An activity counts in a unit by its share of places there (shareIn),
// like a count.
func (e *Engine) frequency(ind *outreach.Indicator, t outreach.Target) {
	need := t.AtLeast
	if need <= 0 {
		need = 1
	}
	start := t.From
	if start == "" {
		start = e.Plan.Decision.Date
	}
	yearStart := fmt.Sprintf("%d-01-01", e.Year)
	if start < yearStart {
		start = yearStart
	}
	cut := e.To
	if e.Today != "" && e.Today < cut {
		cut = e.Today
	}
	// The periods of the year, cut at the year's end.
	yearEnd := fmt.Sprintf("%d-12-31", e.Year)
	periods := periodsOf(t.Per, start, min(cut, yearEnd))
	byPeriod := make([]float64, len(periods))
	add := func(date string, v float64) {
		i, _ := slices.BinarySearchFunc(periods, date, func(p period, d string) int {
			switch {
			case p.to < d:
				return -1
			case p.from > d:
				return 1
			}
			return 0
		})
		if i < len(periods) && periods[i].from <= date && date <= periods[i].to {
			byPeriod[i] += v
		}
	}
	if FromMonths(t) {
		// The month rollup: a month counts once an activity of the scope
		// counted the kind in it.
		for m := range e.monthsIn(t.Measure, e.Year) {
			if d := fmt.Sprintf("%d-%02d-01", e.Year, m); d[:7] >= start[:7] && d[:7] <= cut[:7] {
				add(max(d, start), 1)
			}
		}
	}
	for _, ev := range e.Facts.Events {
		if FromMonths(t) {
			break
		}
		if ev.Date < start || ev.Date > cut || !keeps(t.Filter, ev) || ev.Values[t.Measure] == 0 {
			continue
		}
		if share := e.shareIn(ev); share > 0 {
			add(ev.Date, ev.Values[t.Measure]*share)
		}
	}
	met, elapsed := 0, 0
	for i, p := range periods {
		ok := byPeriod[i] >= need-1e-9
		switch {
		case ok:
			met++
			elapsed++
		case p.to <= cut:
			elapsed++
			ind.Missed = append(ind.Missed, p.key)
		}
	}
	ind.Numerator, ind.Denominator = float64(met), float64(elapsed)
	ind.Value = outreach.Percent(ind.Numerator, ind.Denominator)
	ind.Note = fmt.Sprintf("%ss of the year, from %s, with at least %g %s", t.Per, start, need, t.Measure)
	if !t.Filter.Empty() {
		ind.Note += " of the activities the target's filter keeps"
	}
	if len(ind.Missed) > 0 {
		ind.Note += "; missed: " + strings.Join(ind.Missed, ", ")
	}
	if ind.Value == nil {
		ind.Note = "no period of the year has passed since the target's start: not applicable"
	}
}
