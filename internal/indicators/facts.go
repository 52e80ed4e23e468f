package indicators

import "outreach/internal/outreach"

// Facts are a plan's records reduced to what indicators need, per unit
// version and year: the store reads them from its rollups once per
// computation, so that computing many years and units costs no further
// query. Unit 0 holds what was recorded for the plan's whole area;
// LumpUnit stands for every version whose figures land whole in the scope
// the facts were read for (the store sums those rows itself).
type Facts struct {
	// Deliveries are the earliest dates each unit received and deployed
	// a material that counts (a slice: a national plan's 10,000 went
	// into two maps at a cost of most of the engine's allocations).
	Deliveries []Delivery
	KeyAreas   map[int][]int64 // year → units
	Models     []Model
	// Reach[year] lists people reached per unit version (total, women,
	// children 14–16), WholeReach[year] for the whole area.
	Reach      map[int][]Reach
	WholeReach map[int][3]float64
	Quantities []Quantity
	// Months[kind] lists, per unit and year, the months in which an
	// activity counted the kind.
	Months map[string][]Month
	// Audience lists the people of the plan-defined population groups
	// reached, per year and unit version (split between an activity's
	// places like Reach).
	Audience []AudienceFact
	// Events are the activities themselves, with what filters select on:
	// read only for plans whose targets filter, count per period or ask
	// for an activity in a commune.
	Events []Event
	// Reported holds, by target code, the accepted values of reported
	// targets, one per period key ("2019", "2019-h1").
	Reported map[string][]outreach.ReportedValue
}

// AudienceFact is the people of a plan-defined group reached in a unit
// version in a year.
type AudienceFact struct {
	Year  int
	Unit  int64
	Group string
	Value float64
}

// Event is one activity as filters see it.
type Event struct {
	ID   int64
	Date string // the start date
	// Units are the unit versions it lists; none for the plan's whole
	// area.
	Units                                         []int64
	Agency, AgencyType, MediaLevel, Channel, Task string
	Themes                                        []string
	// Values are its quantities by kind.
	Values map[string]float64
	// Groups are the population groups it recorded people of (built-in
	// and the plan's own).
	Groups []string
}

// LumpUnit stands, in lumped facts, for every unit version whose figures
// land whole in the scope the facts were read for.
const LumpUnit = -1

// NewFacts returns empty facts, ready to be filled.
func NewFacts() *Facts {
	return &Facts{KeyAreas: map[int][]int64{}, Reach: map[int][]Reach{}, WholeReach: map[int][3]float64{}, Months: map[string][]Month{}}
}

// Delivery is a unit's first receipt and first deployment of a material
// that counts; Deployed is "" when not yet.
type Delivery struct {
	Unit               int64
	Received, Deployed string
}

// Reach is the people reached in a unit version: total, women, children
// aged 14–16.
type Reach struct {
	Unit int64
	V    [3]float64
}

// Model is a prevention model of a unit version.
type Model struct {
	Unit  int64
	Model outreach.PreventionModel
}

// Quantity is a quantity kind's sum over a year, a unit version and a
// task ("" for none).
type Quantity struct {
	Year  int
	Unit  int64
	Kind  string
	Task  string
	Value float64
}

// Month is, for a unit version and a year, the months in which a kind
// was counted: bit m-1 set when month m was.
type Month struct {
	Year int
	Unit int64
	Mask uint16
}

// Only returns the facts of the unit versions in keep. The whole area's
// reach is shared. Lumped facts are never narrowed: they serve their one
// scope.
func (f *Facts) Only(keep map[int64]bool) *Facts {
	n := &Facts{KeyAreas: map[int][]int64{}, Reach: map[int][]Reach{}, WholeReach: f.WholeReach, Months: map[string][]Month{}}
	for _, d := range f.Deliveries {
		if keep[d.Unit] {
			n.Deliveries = append(n.Deliveries, d)
		}
	}
	for y, ids := range f.KeyAreas {
		for _, id := range ids {
			if keep[id] {
				n.KeyAreas[y] = append(n.KeyAreas[y], id)
			}
		}
	}
	for _, m := range f.Models {
		if keep[m.Unit] {
			n.Models = append(n.Models, m)
		}
	}
	for y, rs := range f.Reach {
		for _, r := range rs {
			if keep[r.Unit] {
				n.Reach[y] = append(n.Reach[y], r)
			}
		}
	}
	for _, q := range f.Quantities {
		if keep[q.Unit] {
			n.Quantities = append(n.Quantities, q)
		}
	}
	for _, a := range f.Audience {
		if keep[a.Unit] {
			n.Audience = append(n.Audience, a)
		}
	}
	for _, ev := range f.Events {
		in := len(ev.Units) == 0
		for _, u := range ev.Units {
			in = in || keep[u]
		}
		if in {
			n.Events = append(n.Events, ev)
		}
	}
	n.Reported = f.Reported
	for kind, ms := range f.Months {
		var kept []Month
		for _, m := range ms {
			if keep[m.Unit] {
				kept = append(kept, m)
			}
		}
		n.Months[kind] = kept
	}
	return n
}
