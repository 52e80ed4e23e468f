package outreach

import (
	"fmt"
	"slices"
	"strconv"
	"strings"
)

// Round is a kind of periodic report a regime asks for: the annual report
// every regime has, and the six-month and end-of-period (tổng kết) reports
// some add.
type Round string

// Report rounds.
const (
	RoundAnnual   Round = "annual"    // báo cáo năm
	RoundHalfYear Round = "half_year" // báo cáo 6 tháng (sơ kết)
	RoundFinal    Round = "final"     // báo cáo tổng kết giai đoạn
)

// RoundRule is a report round the regime asks for beside the annual one,
// with its own window, deadline and recipient.
type RoundRule struct {
	Round Round `yaml:"round" json:"round"`
	// Name is the report's name as the text gives it; empty uses the
	// round's usual name.
	Name string `yaml:"name,omitempty" json:"name,omitempty"`
	// Deadline is MM-DD of the round's year, the end of that day in the
	// regime's time zone.
	Deadline string `yaml:"deadline" json:"deadline"`
	// Cutoff is the window as MM-DD: a six-month round's From and To (From
	// after To starts in the previous year); an end-of-period round needs
	// only To (empty: the annual To) and starts where the plan's first
	// annual window starts.
	Cutoff Cutoff `yaml:"cutoff" json:"cutoff"`
	// Year is the end-of-period round's year; 0 is the plan's last year.
	Year int `yaml:"year,omitempty" json:"year,omitempty"`
	// Recipient is the agency the round's reports go to; empty is the
	// regime's recipient.
	Recipient string `yaml:"recipient,omitempty" json:"recipient,omitempty"`
}

// PeriodKey names one period of one round: the round and its year.
type PeriodKey struct {
	Round Round
	Year  int
}

// String is the key as URLs and the API write it: "2018" for the annual
// report, "2018-h1" for the six-month one, "2020-final" for the
// end-of-period one.
func (k PeriodKey) String() string {
	switch k.Round {
	case RoundHalfYear:
		return fmt.Sprintf("%d-h1", k.Year)
	case RoundFinal:
		return fmt.Sprintf("%d-final", k.Year)
	}
	return strconv.Itoa(k.Year)
}

// ParsePeriodKey reads a key String wrote.
func ParsePeriodKey(s string) (PeriodKey, error) {
	year, suffix, dash := strings.Cut(s, "-")
	y, err := strconv.Atoi(year)
	if err != nil || y < 1900 || y > 2200 {
		return PeriodKey{}, Invalid("period", "expected a year such as 2018, 2018-h1 or 2020-final, got %q", s)
	}
	switch {
	case !dash:
		return PeriodKey{RoundAnnual, y}, nil
	case suffix == "h1":
		return PeriodKey{RoundHalfYear, y}, nil
	case suffix == "final":
		return PeriodKey{RoundFinal, y}, nil
	}
	return PeriodKey{}, Invalid("period", "expected a year such as 2018, 2018-h1 or 2020-final, got %q", s)
}

// ParseRound reads a round's name; "" is the annual round.
func ParseRound(s string) (Round, error) {
	switch r := Round(s); r {
	case "":
		return RoundAnnual, nil
	case RoundAnnual, RoundHalfYear, RoundFinal:
		return r, nil
	}
	return "", Invalid("round", "expected annual, half_year or final, got %q", s)
}

// Key is the period's key.
func (p ReportPeriod) Key() PeriodKey { return PeriodKey{p.Round, p.Year} }

// roundWords is how documents and pages name a round's period.
func roundWords(r Round, year, firstYear int) string {
	switch r {
	case RoundHalfYear:
		return fmt.Sprintf("6 tháng đầu năm %d", year)
	case RoundFinal:
		return fmt.Sprintf("giai đoạn %d–%d", firstYear, year)
	}
	return fmt.Sprintf("năm %d", year)
}

// roundName is a round's usual report name.
func roundName(r Round) string {
	switch r {
	case RoundHalfYear:
		return "Báo cáo sơ kết 6 tháng"
	case RoundFinal:
		return "Báo cáo tổng kết"
	}
	return "Báo cáo năm"
}

// ReportPeriods lists the regime's periods over the plan's years, every
// round, in the order of their deadlines. A plan prolonged by a re-import
// with a later period.to gets the later periods.
func (p *Plan) ReportPeriods() ([]ReportPeriod, error) {
	var out []ReportPeriod
	for _, y := range p.Period.Years() {
		rp, err := p.Reporting.PeriodFor(y)
		if err != nil {
			return nil, err
		}
		rp.Label = roundWords(RoundAnnual, y, p.Period.From)
		rp.Name = roundName(RoundAnnual)
		rp.Recipient = p.Reporting.Recipient
		out = append(out, rp)
	}
	first := ""
	if len(out) > 0 {
		first = out[0].From
	}
	for i, rule := range p.Reporting.Rounds {
		years := p.Period.Years()
		if rule.Round == RoundFinal {
			y := rule.Year
			if y == 0 {
				y = p.Period.To
			}
			years = []int{y}
		}
		for _, y := range years {
			rp, err := p.roundPeriod(rule, y, first)
			if err != nil {
				return nil, fmt.Errorf("reporting.rounds[%d]: %w", i, err)
			}
			out = append(out, rp)
		}
	}
	slices.SortStableFunc(out, func(a, b ReportPeriod) int { return strings.Compare(a.Due, b.Due) })
	return out, nil
}

func (p *Plan) roundPeriod(rule RoundRule, year int, first string) (ReportPeriod, error) {
	r := p.Reporting
	from, to := rule.Cutoff.From, rule.Cutoff.To
	if rule.Round == RoundFinal {
		from = r.Cutoff.From // a placeholder for the check; the window starts at first
		if to == "" {
			to = r.Cutoff.To
		}
	}
	rp, err := periodOf(r, from, to, rule.Deadline, year)
	if err != nil {
		return ReportPeriod{}, err
	}
	if rule.Round == RoundFinal && first != "" {
		rp.From = first
	}
	rp.Round = rule.Round
	rp.Label = roundWords(rule.Round, year, p.Period.From)
	rp.Name = rule.Name
	if rp.Name == "" {
		rp.Name = roundName(rule.Round)
	}
	rp.Recipient = rule.Recipient
	if rp.Recipient == "" {
		rp.Recipient = r.Recipient
	}
	return rp, nil
}

// PeriodOf returns the plan's period of a key, or says the regime has no
// such period.
func (p *Plan) PeriodOf(k PeriodKey) (ReportPeriod, error) {
	periods, err := p.ReportPeriods()
	if err != nil {
		return ReportPeriod{}, err
	}
	for _, rp := range periods {
		if rp.Key() == k {
			return rp, nil
		}
	}
	return ReportPeriod{}, fmt.Errorf("%w: plan %s has no report period %s", ErrNotFound, p.Code, k)
}

// validateRounds checks the regime's extra rounds.
func validateRounds(v *ValidationError, p *Plan, agencyRef func(field, code string)) {
	seen := map[Round]bool{}
	for i, rule := range p.Reporting.Rounds {
		f := fmt.Sprintf("reporting.rounds[%d]", i)
		switch rule.Round {
		case RoundHalfYear, RoundFinal:
		case RoundAnnual:
			v.Add(f+".round", "the annual round is the regime's own deadline and cut-off; list only half_year or final here")
		default:
			v.Add(f+".round", "expected half_year or final, got %q", rule.Round)
		}
		if seen[rule.Round] {
			v.Add(f+".round", "%q is listed twice", rule.Round)
		}
		seen[rule.Round] = true
		if !ValidMonthDay(rule.Deadline) {
			v.Add(f+".deadline", "expected a month and day MM-DD such as 06-20, got %q", rule.Deadline)
		}
		if rule.Round == RoundHalfYear {
			if !ValidMonthDay(rule.Cutoff.From) {
				v.Add(f+".cutoff.from", "expected MM-DD such as 12-15, got %q", rule.Cutoff.From)
			}
			if !ValidMonthDay(rule.Cutoff.To) {
				v.Add(f+".cutoff.to", "expected MM-DD such as 06-14, got %q", rule.Cutoff.To)
			}
		}
		if rule.Round == RoundFinal {
			if rule.Cutoff.From != "" {
				v.Add(f+".cutoff.from", "an end-of-period report covers the plan from its start; leave from out")
			}
			if rule.Cutoff.To != "" && !ValidMonthDay(rule.Cutoff.To) {
				v.Add(f+".cutoff.to", "expected MM-DD such as 11-30, got %q", rule.Cutoff.To)
			}
			if rule.Year != 0 && (rule.Year < p.Period.From || rule.Year > p.Period.To) {
				v.Add(f+".year", "expected a year of the plan, %d–%d, got %d", p.Period.From, p.Period.To, rule.Year)
			}
		} else if rule.Year != 0 {
			v.Add(f+".year", "only an end-of-period (final) round names a year")
		}
		if rule.Recipient != "" {
			agencyRef(f+".recipient", rule.Recipient)
		}
	}
}

// Annual is the key of a year's annual report.
func Annual(year int) PeriodKey { return PeriodKey{RoundAnnual, year} }
