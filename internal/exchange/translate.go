package exchange

import (
	"errors"
	"fmt"
	"regexp"
	"strconv"
	"strings"

	"outreach/internal/i18n"
	"outreach/internal/outreach"
	"outreach/internal/store"
)

// activityFields maps the store's field names of an activity to the
// columns of an activity file. Quantities and links are per row: see
// ActivityColumns.
var activityFields = map[string]string{
	"agency": ColAgency, "task": ColTask, "channel": ColChannel, "themes": ColThemes, "title": ColTitle,
	"description": ColDescription, "start_date": ColStart, "end_date": ColEnd, "units": ColUnits,
	"audience.total": ColTotal, "audience.women": ColWomen, "audience.men": ColMen,
	"audience.children_14_16": ColChildren, "audience.ethnic_minority": ColEthnic,
	"cost": ColCost, "funding_source": ColFunding, "links": ColLinks, "notes": ColNotes,
}

// distributionFields maps the store's field names of a distribution and
// its deliveries to the columns of a distribution file.
var distributionFields = map[string]string{
	"material": ColMaterial, "from_agency": ColSender, "date": ColSentOn, "deliveries": ColCommune, "unit": ColCommune,
	"received_on": ColReceivedOn, "deployed_on": ColDeployedOn, "how": ColHow, "notes": ColNotes,
}

// ActivityColumns maps the store's field names for an activity (including
// "quantities[i].value", "links[i]" and "audience.groups.CODE") to the
// titles of the columns they came from, for Translate.
func (r *Resolver) ActivityColumns(a *outreach.Activity) map[string]string {
	m := make(map[string]string, len(activityFields)+2*len(a.Quantities)+len(r.groups))
	for k, v := range activityFields {
		m[k] = v
	}
	for _, g := range r.groups {
		m["audience.groups."+g.Code] = g.Header
	}
	for i, q := range a.Quantities {
		for _, k := range r.Kinds {
			if k.Code == q.Kind {
				m[fmt.Sprintf("quantities[%d].kind", i)] = k.Name
				m[fmt.Sprintf("quantities[%d].value", i)] = k.Name
			}
		}
	}
	return m
}

// DistributionColumns maps the store's field names of a distribution to
// the distribution file's column titles, for Translate.
func DistributionColumns() map[string]string {
	m := make(map[string]string, len(distributionFields))
	for k, v := range distributionFields {
		m[k] = v
	}
	return m
}

var indexSuffix = regexp.MustCompile(`\[\d+\].*$`)

// Translate words a problem the store (or outreach's Validate) reported
// in Vietnamese: Field becomes the column's title (columns maps the store's
// field names, as from ActivityColumns or DistributionColumns, to titles)
// and Message says, after the column, what is wrong with the value, from
// the problem's Code and Args ("problem."+code in i18n). A problem without
// a code keeps its English message, except the file-level ones the store
// raises (a file imported before, a file without rows).
func Translate(p outreach.Problem, columns map[string]string) outreach.Problem {
	col, ok := columns[p.Field]
	if !ok {
		col = columns[indexSuffix.ReplaceAllString(p.Field, "")]
	}
	reason := reasonVI(p)
	if col != "" {
		p.Field = col
		p.Message = i18n.VI.T("problem.column", col, reason)
	} else {
		p.Message = reason
	}
	return p
}

var importedOn = regexp.MustCompile(`already imported on (.+) by (.+)$`)

// reasonVI is the Vietnamese wording of what a problem says.
func reasonVI(p outreach.Problem) string {
	args := p.Args
	str := func(i int) any {
		if i < len(args) {
			return args[i]
		}
		return ""
	}
	num := func(i int) any {
		switch n := str(i).(type) {
		case int64, float64, int:
			return i18n.Number(n)
		}
		return str(i)
	}
	date := func(i int) any {
		if s, ok := str(i).(string); ok {
			return i18n.Date(s)
		}
		return str(i)
	}
	switch p.Code {
	case "":
		switch {
		case p.Field == "file" && strings.Contains(p.Message, "already imported"):
			if m := importedOn.FindStringSubmatch(p.Message); m != nil {
				return i18n.VI.T("problem.already_imported_on", m[1], m[2])
			}
			return i18n.VI.T("problem.already_imported")
		case p.Field == "file" && strings.Contains(p.Message, "no rows"):
			return i18n.VI.T("problem.no_rows")
		}
		return p.Message
	case outreach.ProbForbidden:
		if p.Field == "cost" || p.Field == "funding_source" {
			return i18n.VI.T("problem." + outreach.ProbOthersSpend)
		}
		return i18n.VI.T("problem." + p.Code)
	case outreach.ProbRequired, outreach.ProbPlacesBoth, outreach.ProbPlacesNone, outreach.ProbNoSource, outreach.ProbOthersSpend:
		return i18n.VI.T("problem." + p.Code)
	case outreach.ProbTooLong:
		return i18n.VI.T("problem.too_long", num(0))
	case outreach.ProbDateOrder:
		return i18n.VI.T("problem.date_order", date(0))
	case outreach.ProbNegative:
		return i18n.VI.T("problem.negative", num(0))
	case outreach.ProbExceedsTotal:
		if p.Field == "audience.total" {
			return i18n.VI.T("problem.exceeds_total_sum", num(0), num(1))
		}
		return i18n.VI.T("problem.exceeds_total", num(0), num(1))
	case outreach.ProbOutOfPlan:
		return i18n.VI.T("problem.out_of_plan", str(0), str(1))
	case outreach.ProbNoUnit:
		return i18n.VI.T("problem.no_unit", str(0), date(1), date(2))
	case outreach.ProbBadDate, outreach.ProbTwice, outreach.ProbUnknown, outreach.ProbBadLink, outreach.ProbGroup, outreach.ProbOutside:
		return i18n.VI.T("problem."+p.Code, fmt.Sprint(str(0)))
	}
	return p.Message
}

// lineOf returns the line number at the end of a "file:LINE" position.
func lineOf(pos string) (int, bool) {
	i := strings.LastIndexByte(pos, ':')
	if i < 0 {
		return 0, false
	}
	n, err := strconv.Atoi(pos[i+1:])
	return n, err == nil
}

// TranslateActivityError words the problems of an error returned by
// store.ImportActivities for rows in Vietnamese with their columns (see
// Translate). Other errors are returned as they are.
func (r *Resolver) TranslateActivityError(err error, rows []store.ActivityRow) error {
	var v *outreach.ValidationError
	if !errors.As(err, &v) {
		return err
	}
	byLine := make(map[int]*store.ActivityRow, len(rows))
	for i := range rows {
		byLine[rows[i].Line] = &rows[i]
	}
	out := &outreach.ValidationError{Problems: make([]outreach.Problem, len(v.Problems))}
	for i, p := range v.Problems {
		var cols map[string]string
		if n, ok := lineOf(p.Position); ok && byLine[n] != nil {
			cols = r.ActivityColumns(&byLine[n].Activity)
		} else {
			cols = r.ActivityColumns(&outreach.Activity{})
		}
		out.Problems[i] = Translate(p, cols)
	}
	return out
}

// TranslateDistributionError words the problems of an error returned by
// store.ImportDistributions in Vietnamese with their columns.
func TranslateDistributionError(err error) error {
	var v *outreach.ValidationError
	if !errors.As(err, &v) {
		return err
	}
	out := &outreach.ValidationError{Problems: make([]outreach.Problem, len(v.Problems))}
	cols := DistributionColumns()
	for i, p := range v.Problems {
		out.Problems[i] = Translate(p, cols)
	}
	return out
}
