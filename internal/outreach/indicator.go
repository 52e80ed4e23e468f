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
	// Units is the code of the set of communes a share ranges over.
	Units UnitSet `json:"units,omitempty"`
	// PeopleTimes is a population share's uncapped sum of the people
	// reached, in people-times ("lượt người"), beside the capped value.
	PeopleTimes *float64 `json:"people_times,omitempty"`
	// OverReached lists the communes whose recorded reach passes their
	// population of the group: entries to review.
	OverReached []string `json:"over_reached,omitempty"`
	// Estimate marks a denominator estimated from the census (a group's
	// figures derived from the age and sex structure), with its method.
	Estimate          bool   `json:"estimate,omitempty"`
	DenominatorSource string `json:"denominator_source,omitempty"`
	// Missed lists a frequency target's periods of the year that passed
	// without reaching the count asked for ("2020-03", "2020-W07").
	Missed []string `json:"missed,omitempty"`
	// Reported marks a value an agency reported (a reported target), with
	// its evidence.
	Reported *ReportedValue `json:"reported,omitempty"`
}

// ReportedValue is the value an agency reported for a reported target
// and a period, as the coordinator accepted it.
type ReportedValue struct {
	// Plan is the id of the plan whose agency reported it (a parent
	// plan's target sums the values of the plans serving it).
	Plan        int64   `json:"-"`
	Agency      string  `json:"agency"`
	Period      string  `json:"period"`
	Numerator   float64 `json:"numerator"`
	Denominator float64 `json:"denominator"`
	Evidence    string  `json:"evidence,omitempty"`
	AcceptedAt  string  `json:"accepted_at,omitempty"`
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

// ExpectedValue is the value a target's milestones call for by the end
// of year y of a plan whose progress starts in startYear, with the
// milestone it leads to (MilestoneFor):
//
//   - in or after the milestone's year: the milestone's value;
//   - an "at most" milestone: its value from the start (nothing to build
//     up);
//   - otherwise, by the progress rule: linear runs on a straight line
//     from the previous milestone (its value at the end of its year), or
//     from zero at the start of startYear, to the milestone at the end of
//     its year; step keeps the previous milestone's value (zero before
//     the first) until the milestone's year.
func ExpectedValue(ms []Milestone, progress string, startYear, y int) (float64, *Milestone) {
	m := MilestoneFor(ms, y)
	if m == nil {
		return 0, nil
	}
	if y >= m.Year || m.Comparator == "<=" || m.Comparator == "<" {
		return m.Value, m
	}
	prevYear, prevValue := startYear-1, 0.0
	for _, p := range ms {
		if p.Year < m.Year && p.Year >= prevYear {
			prevYear, prevValue = p.Year, p.Value
		}
	}
	if progress == ProgressStep {
		if y >= prevYear && prevYear >= startYear {
			return prevValue, m
		}
		return 0, m
	}
	if y <= prevYear {
		// A year before the plan's start, or no room to run.
		return 0, m
	}
	return prevValue + (m.Value-prevValue)*float64(y-prevYear)/float64(m.Year-prevYear), m
}

// Judge sets the indicator's status for an evaluation at the end of its
// year, against its milestones under the progress rule, in a plan whose
// progress starts in startYear (a task's own first year when it names
// years: StartYear):
//
//   - no value or no milestone: not applicable;
//   - the milestone the year leads to is met: achieved;
//   - the milestone's year has come and it is not met: behind;
//   - otherwise the value is compared with the year's expected value
//     (ExpectedValue): on track at or above it, at risk at or above
//     AtRiskFraction of it, behind below; an "at most" milestone not yet
//     met before its year is at risk.
//
// Expected and Milestone are set whenever there is a milestone, so that
// pages and reports name the value and the milestone compared with.
func (ind *Indicator) Judge(ms []Milestone, progress string, startYear int) {
	if ind.StartYear != 0 {
		startYear = ind.StartYear
	}
	exp, m := ExpectedValue(ms, progress, startYear, ind.Year)
	ind.Milestone = m
	if m != nil {
		ind.Expected = &exp
	}
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
