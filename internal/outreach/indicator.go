package outreach

import "fmt"

// Status says how an indicator stands against its milestone.
type Status string

// Statuses (docs/indicators.md gives the rule).
const (
	StatusAchieved      Status = "achieved"
	StatusOnTrack       Status = "on_track"
	StatusAtRisk        Status = "at_risk"
	StatusBehind        Status = "behind"
	StatusNotApplicable Status = "not_applicable"
)

// AtRiskFraction is how far below the expected progress a value may be
// and still be "at risk" rather than "behind".
const AtRiskFraction = 0.8

// Indicator is a target (or a quantified task) computed for a year, a
// unit and a version of the unit tree.
type Indicator struct {
	// Code is the target's clause ("II.2.1") or the task's ("V.5.2"),
	// with the population group for population targets ("II.2.3/women").
	Code   string     `json:"code"`
	Target string     `json:"target"`
	Text   string     `json:"text"`
	Kind   TargetKind `json:"kind"`
	// Population is the group of a population_share indicator.
	Population PopulationGroup `json:"population,omitempty"`
	Measure    string          `json:"measure,omitempty"`
	Year       int             `json:"year"`
	Unit       string          `json:"unit"`
	AsOf       string          `json:"as_of"`
	// Value is a percentage for share kinds and a count otherwise; nil
	// when the indicator does not apply (no key-area commune, no
	// population figure).
	Value       *float64   `json:"value"`
	Numerator   float64    `json:"numerator"`
	Denominator float64    `json:"denominator"`
	Milestone   *Milestone `json:"milestone"`
	// Expected is the value the milestone calls for by the end of Year on
	// a straight line from the plan's start, when the milestone is later.
	Expected *float64 `json:"expected,omitempty"`
	Status   Status   `json:"status"`
	// StartYear, when set, is the year progress toward the milestone
	// starts (a task the plan schedules for 2019 is not late in 2018).
	StartYear int `json:"-"`
	// Note explains the method or why the indicator does not apply.
	Note string `json:"note,omitempty"`
}

// MilestoneFor picks the milestone an evaluation in year y is judged
// against: the first one in or after y, else the last one.
func MilestoneFor(ms []Milestone, y int) *Milestone {
	if len(ms) == 0 {
		return nil
	}
	for i := range ms {
		if ms[i].Year >= y {
			return &ms[i]
		}
	}
	return &ms[len(ms)-1]
}

// Judge sets the indicator's status against its milestone for an
// evaluation at the end of year y of a plan starting in startYear:
//
//   - no value: not applicable;
//   - the milestone's condition holds: achieved;
//   - the milestone's year has come (y ≥ its year) and it does not hold:
//     behind;
//   - otherwise, for "at least" milestones, progress is expected on a
//     straight line from zero at the start of startYear to the milestone
//     at the end of its year: on track at or above it, at risk at or above
//     AtRiskFraction of it, behind below;
//   - an "at most" milestone not yet met before its year is at risk.
func (ind *Indicator) Judge(startYear int) {
	m := ind.Milestone
	switch {
	case ind.Value == nil:
		ind.Status = StatusNotApplicable
		return
	case m == nil:
		ind.Status = StatusNotApplicable
		if ind.Note == "" {
			ind.Note = "no milestone"
		}
		return
	case m.Met(*ind.Value):
		ind.Status = StatusAchieved
		return
	case ind.Year >= m.Year:
		ind.Status = StatusBehind
		return
	}
	if m.Comparator == "<=" || m.Comparator == "<" {
		ind.Status = StatusAtRisk
		return
	}
	if ind.StartYear != 0 {
		startYear = ind.StartYear
	}
	span := float64(m.Year - startYear + 1)
	done := float64(ind.Year - startYear + 1)
	if span <= 0 || done <= 0 {
		done, span = 0, 1
	}
	exp := m.Value * done / span
	ind.Expected = &exp
	switch v := *ind.Value; {
	case v >= exp:
		ind.Status = StatusOnTrack
	case v >= AtRiskFraction*exp:
		ind.Status = StatusAtRisk
	default:
		ind.Status = StatusBehind
	}
}

// Percent returns 100 × n / d, or nil when d is zero.
func Percent(n, d float64) *float64 {
	if d == 0 {
		return nil
	}
	v := 100 * n / d
	return &v
}

// String shows an indicator for logs and tests.
func (ind Indicator) String() string {
	v := "n/a"
	if ind.Value != nil {
		v = fmt.Sprintf("%.1f", *ind.Value)
	}
	return fmt.Sprintf("%s %d %s: %s (%g/%g) %s", ind.Code, ind.Year, ind.Unit, v, ind.Numerator, ind.Denominator, ind.Status)
}
