package outreach

import (
	"fmt"
	"strconv"
	"strings"
	"time"
	_ "time/tzdata"
	"unicode" // the deadline's time zone must resolve on Windows and in minimal containers
)

// ReportPeriod is one period of one round of the reporting regime (the
// annual report of 2018, the six-month report of 2019…): the window of
// data the reports cover, the deadline they are due by and who receives
// them.
type ReportPeriod struct {
	Round Round `json:"round"`
	Year  int   `json:"year"`
	// Label names the period in words ("năm 2018", "6 tháng đầu năm
	// 2019", "giai đoạn 2017–2020"); Name is the report's name.
	Label string `json:"label"`
	Name  string `json:"name"`
	// Recipient is the code of the agency the reports go to.
	Recipient string `json:"recipient"`
	// From and To bound the data window (cut-off), both included, as
	// YYYY-MM-DD.
	From string `json:"from"`
	To   string `json:"to"`
	// Due is the deadline's date (YYYY-MM-DD); reports are due by the end
	// of that day in the regime's time zone.
	Due string `json:"due"`
	// DueEnd is the first instant after the deadline: a report submitted
	// before it is on time, at or after it late.
	DueEnd time.Time `json:"due_end"`
}

// Location returns the regime's time zone.
func (r Reporting) Location() (*time.Location, error) {
	tz := r.Timezone
	if tz == "" {
		tz = "Asia/Ho_Chi_Minh"
	}
	l, err := time.LoadLocation(tz)
	if err != nil {
		return nil, fmt.Errorf("reporting.timezone %q: %w", tz, err)
	}
	return l, nil
}

// PeriodFor returns the regime's period for a year. The window runs from
// Cutoff.From to Cutoff.To; when From falls after To in the calendar
// (12-15 to 12-14, Decree 09/2019's annual window) it starts in the
// previous year.
func (r Reporting) PeriodFor(year int) (ReportPeriod, error) {
	return periodOf(r, r.Cutoff.From, r.Cutoff.To, r.Deadline, year)
}

// periodOf builds a period of the regime from a window and a deadline
// (MM-DD) in a year; the window starts in the previous year when from
// falls after to.
func periodOf(r Reporting, from, to, due string, year int) (ReportPeriod, error) {
	loc, err := r.Location()
	if err != nil {
		return ReportPeriod{}, err
	}
	if !ValidMonthDay(from) || !ValidMonthDay(to) || !ValidMonthDay(due) {
		return ReportPeriod{}, fmt.Errorf("reporting regime: cut-off %q–%q or deadline %q is not MM-DD", from, to, due)
	}
	fromYear := year
	if from > to {
		fromYear = year - 1
	}
	p := ReportPeriod{
		Round: RoundAnnual,
		Year:  year,
		From:  fmt.Sprintf("%d-%s", fromYear, from),
		To:    fmt.Sprintf("%d-%s", year, to),
		Due:   fmt.Sprintf("%d-%s", year, due),
	}
	d, err := time.ParseInLocation("2006-01-02", p.Due, loc)
	if err != nil {
		return ReportPeriod{}, fmt.Errorf("reporting deadline %s: %w", p.Due, err)
	}
	p.DueEnd = d.AddDate(0, 0, 1)
	return p, nil
}

// Late reports whether a submission at t misses the deadline.
func (p ReportPeriod) Late(t time.Time) bool { return !t.Before(p.DueEnd) }

// DaysLeft is the number of whole calendar days from now's date to the
// deadline's date in the regime's time zone: 0 on the deadline day,
// negative once it has passed.
func (p ReportPeriod) DaysLeft(now time.Time) int {
	loc := p.DueEnd.Location()
	n := now.In(loc)
	today := time.Date(n.Year(), n.Month(), n.Day(), 0, 0, 0, 0, time.UTC)
	e := p.DueEnd.AddDate(0, 0, -1)
	due := time.Date(e.Year(), e.Month(), e.Day(), 0, 0, 0, 0, time.UTC)
	return int(due.Sub(today).Hours() / 24)
}

// ExpectedReporters lists the codes of the agencies that owe a report for
// the year: those the regime names and those the plan gives tasks to,
// groups replaced by their members, without agencies not in existence
// during the period (a district committee abolished in 2025 owes nothing
// for 2026), in the plan's agency order.
func (p *Plan) ExpectedReporters(rp ReportPeriod) []string {
	want := map[string]bool{}
	var add func(code string)
	add = func(code string) {
		a, ok := p.Agency(code)
		if !ok {
			return
		}
		if a.IsGroup() {
			for _, m := range a.Members {
				add(m)
			}
			return
		}
		// An end-of-period report is owed by the agencies that still
		// exist when it is due: a district committee abolished halfway
		// reported its own years.
		from := rp.From
		if rp.Round == RoundFinal {
			from = rp.To
		}
		if (a.ValidFrom == "" || a.ValidFrom <= rp.To) && (a.ValidTo == "" || a.ValidTo >= from) {
			want[code] = true
		}
	}
	for _, c := range p.Reporting.Reporters {
		add(c)
	}
	for _, t := range p.Tasks {
		if len(t.Years) == 0 || rp.Round == RoundFinal || containsInt(t.Years, rp.Year) {
			add(t.Agency)
		}
	}
	var out []string
	for _, a := range p.Agencies {
		if want[a.Code] {
			out = append(out, a.Code)
		}
	}
	return out
}

// TasksFor returns the tasks an agency answers for: those addressed to it
// and those addressed to a group it belongs to.
func (p *Plan) TasksFor(code string) []Task {
	groups := map[string]bool{code: true}
	for _, a := range p.Agencies {
		if a.IsGroup() {
			for _, m := range a.Members {
				if m == code {
					groups[a.Code] = true
				}
			}
		}
	}
	var out []Task
	for _, t := range p.Tasks {
		if groups[t.Agency] {
			out = append(out, t)
		}
	}
	return out
}

// FormatFloat writes a number as short as it goes ("4", "2.5").
func FormatFloat(v float64) string { return strconv.FormatFloat(v, 'f', -1, 64) }

func containsInt(xs []int, x int) bool {
	for _, v := range xs {
		if v == x {
			return true
		}
	}
	return false
}

// ReportKind tells an agency's report from the consolidating
// department's.
type ReportKind string

// Report kinds.
const (
	ReportAgency       ReportKind = "agency"
	ReportConsolidated ReportKind = "consolidated"
)

// ReportStatus is where a report is in its workflow.
type ReportStatus string

// Report statuses: draft → submitted → accepted, or → returned (with a
// reason) → submitted again; an accepted report can be reopened (returned
// with a reason) by a coordinator.
const (
	ReportDraft     ReportStatus = "draft"
	ReportSubmitted ReportStatus = "submitted"
	ReportAccepted  ReportStatus = "accepted"
	ReportReturned  ReportStatus = "returned"
)

// Editable reports whether the report's text may change in this status.
func (s ReportStatus) Editable() bool { return s == ReportDraft || s == ReportReturned }

// Report steps, as the audit log and the API name them.
const (
	StepSubmit = "submit"
	StepAccept = "accept"
	StepReturn = "return"
	StepReopen = "reopen"
)

// NextStatus applies a workflow step to a status, or says why it cannot
// be taken. Permissions are checked by the store; this is the state
// machine alone.
func NextStatus(from ReportStatus, step string) (ReportStatus, error) {
	switch step {
	case StepSubmit:
		if from.Editable() {
			return ReportSubmitted, nil
		}
	case StepAccept, StepReturn:
		if from == ReportSubmitted {
			if step == StepAccept {
				return ReportAccepted, nil
			}
			return ReportReturned, nil
		}
	case StepReopen:
		if from == ReportAccepted {
			return ReportReturned, nil
		}
	default:
		return "", Invalid("step", "unknown step %q", step)
	}
	return "", fmt.Errorf("%w: a %s report cannot be %s", ErrConflict, from, pastTense(step))
}

func pastTense(step string) string {
	switch step {
	case StepSubmit:
		return "submitted"
	case StepAccept:
		return "accepted"
	case StepReturn:
		return "returned"
	case StepReopen:
		return "reopened"
	}
	return step
}

// Narrative is the text an agency writes around its figures, in the
// sections Vietnamese reports have.
type Narrative struct {
	Results      string `json:"results"`
	Shortcomings string `json:"shortcomings"`
	Causes       string `json:"causes"`
	Proposals    string `json:"proposals"`
}

// NarrativeLimit is the most characters one narrative section may hold.
const NarrativeLimit = 20000

// Validate checks the narrative's sizes.
func (n Narrative) Validate() error {
	v := &ValidationError{}
	for _, f := range []struct{ name, text string }{{"results", n.Results}, {"shortcomings", n.Shortcomings}, {"causes", n.Causes}, {"proposals", n.Proposals}} {
		if len([]rune(f.text)) > NarrativeLimit {
			v.Add(f.name, "is longer than %d characters", NarrativeLimit)
		}
	}
	return v.Err()
}

// Report is one report of one agency (or the consolidating department's
// consolidated report) for one period.
type Report struct {
	ID         int64        `json:"id"`
	Plan       string       `json:"plan"`
	Kind       ReportKind   `json:"kind"`
	Round      Round        `json:"round"`
	Year       int          `json:"year"`
	AgencyCode string       `json:"agency"`
	AgencyName string       `json:"agency_name"`
	Status     ReportStatus `json:"status"`
	// Number is the document number ("125/BC-STTTT"); empty leaves the
	// number line blank to fill by hand.
	Number      string    `json:"number"`
	SignerTitle string    `json:"signer_title"`
	SignerName  string    `json:"signer_name"`
	Narrative   Narrative `json:"narrative"`
	// FirstSubmittedAt decides timeliness: a report returned and
	// resubmitted after the deadline was still on time if it first came
	// in before it.
	FirstSubmittedAt *time.Time `json:"first_submitted_at"`
	SubmittedAt      *time.Time `json:"submitted_at"`
	SubmittedBy      string     `json:"submitted_by,omitempty"`
	DecidedAt        *time.Time `json:"decided_at,omitempty"`
	DecidedBy        string     `json:"decided_by,omitempty"`
	// Reason is why it was last returned or reopened.
	Reason    string    `json:"reason,omitempty"`
	Late      bool      `json:"late"`
	UpdatedAt time.Time `json:"updated_at"`
	UpdatedBy string    `json:"updated_by"`
	// Figures are frozen at submission; a draft's are computed live.
	Figures *ReportFigures `json:"figures,omitempty"`
	// UpTo is the code of the plan a consolidated report goes up to (the
	// plan its plan serves), whose coordinators accept or return it.
	UpTo string `json:"up_to,omitempty"`
}

// Key is the report's period.
func (r Report) Key() PeriodKey { return PeriodKey{r.Round, r.Year} }

// ShortCode is the agency's abbreviation for a document number: the
// initials of its short name or name ("Sở Thông tin và Truyền thông" →
// "STTTT").
func ShortCode(name string) string {
	var b strings.Builder
	for _, w := range strings.Fields(name) {
		r := []rune(w)
		if w == "và" || w == "các" || w == "tỉnh" {
			continue
		}
		if len(r) > 0 && unicode.IsLetter(r[0]) {
			b.WriteString(strings.ToUpper(string(r[0])))
		}
	}
	return b.String()
}

// ReportFigures are the figures a report carries, computed from the
// records inside the period's window: for one agency, or for the whole
// plan in the consolidated report (which adds the rows by agency and by
// unit, the targets, and who did not report).
type ReportFigures struct {
	From string `json:"from"`
	To   string `json:"to"`
	// AsOf is the date of the unit tree communes and districts are named by.
	AsOf string `json:"as_of"`
	// Activities is the number of activities that started in the window.
	Activities int         `json:"activities"`
	ByChannel  []FigureRow `json:"by_channel"`
	ByTheme    []FigureRow `json:"by_theme"`
	Quantities []FigureRow `json:"quantities"`
	Audience   AudienceSum `json:"audience"`
	// Communes is the number of communes (as the tree stood at AsOf) that
	// an activity reached by name; WholeProvince counts activities
	// addressed to the whole province.
	Communes      int          `json:"communes"`
	WholeProvince int          `json:"whole_province"`
	Materials     MaterialFigs `json:"materials"`
	Spending      []FigureRow  `json:"spending"`
	Tasks         []TaskFig    `json:"tasks,omitempty"`
	// Consolidated report only.
	ByAgency []FigureRow `json:"by_agency,omitempty"`
	ByUnit   []FigureRow `json:"by_unit,omitempty"`
	Targets  []Indicator `json:"targets,omitempty"`
}

// FigureRow is one row of a figures table: a code and name with an
// activity count, an amount (money or a quantity) and an audience.
type FigureRow struct {
	Code       string  `json:"code"`
	Name       string  `json:"name"`
	Unit       string  `json:"unit,omitempty"`
	Activities int     `json:"activities"`
	Value      float64 `json:"value"`
	Audience   int64   `json:"audience"`
	// Communes is the communes reached (rows by unit).
	Communes int `json:"communes,omitempty"`
}

// AudienceSum adds up the audiences of many activities (unknown figures
// count as nothing), in people-times.
type AudienceSum struct {
	Total    int64 `json:"total"`
	Women    int64 `json:"women"`
	Men      int64 `json:"men"`
	Children int64 `json:"children_14_16"`
	Ethnic   int64 `json:"ethnic_minority"`
}

// MaterialFigs are the materials an agency sent to communes in the window
// and what the communes confirmed.
type MaterialFigs struct {
	Distributions int   `json:"distributions"`
	Copies        int64 `json:"copies"`
	Communes      int   `json:"communes"`
	Received      int   `json:"received"`
	Deployed      int   `json:"deployed"`
}

// TaskFig is one task's progress in the window.
type TaskFig struct {
	Clause     string  `json:"clause"`
	Text       string  `json:"text"`
	Agency     string  `json:"agency"`
	Activities int     `json:"activities"`
	Measure    string  `json:"measure,omitempty"`
	Goal       string  `json:"goal,omitempty"`
	Achieved   float64 `json:"achieved,omitempty"`
	// Progress is "not started", "under way" or "met" in words the
	// documents translate.
	Progress string `json:"progress"`
}

// Task progress words.
const (
	ProgressNone     = "none"
	ProgressUnderway = "underway"
	ProgressMet      = "met"
)
