package outreach

import (
	"fmt"
	"maps"
	"slices"
	"strings"
	"unicode/utf8"
)

// QuantityKind is an entry of the vocabulary activities count in
// (sessions, participants, copies distributed…). The vocabulary is data:
// coordinators extend it.
type QuantityKind struct {
	Code string `json:"code"`
	Name string `json:"name"`
	// NameEN is the English label.
	NameEN string `json:"name_en"`
	// Unit is what one counts ("buổi", "người", "bản").
	Unit string `json:"unit"`
}

// Audience is who an activity reached, in people-times. Any figure may be
// unknown (nil); known figures must be consistent with the total.
type Audience struct {
	Total          *int64 `json:"total"`
	Women          *int64 `json:"women"`
	Men            *int64 `json:"men"`
	Children1416   *int64 `json:"children_14_16"`
	EthnicMinority *int64 `json:"ethnic_minority"`
	// Groups holds the people-times of the plan-defined population groups
	// (Plan.AudienceGroups) by code.
	Groups map[string]int64 `json:"groups,omitempty"`
}

// ActivityQuantity is one measured quantity of an activity.
type ActivityQuantity struct {
	Kind  string  `json:"kind"`
	Value float64 `json:"value"`
}

// Activity is what an agency did: a conference, a broadcast, a leaflet
// run, a contest. It is the core record the plan's targets and reports are
// computed from.
type Activity struct {
	ID          int64    `json:"id"`
	Plan        string   `json:"plan"`
	Agency      string   `json:"agency"`
	Task        string   `json:"task,omitempty"`
	Channel     string   `json:"channel"`
	Themes      []string `json:"themes"`
	Title       string   `json:"title"`
	Description string   `json:"description,omitempty"`
	StartDate   string   `json:"start_date"`
	EndDate     string   `json:"end_date"`
	// WholeProvince marks an activity that reached the whole province
	// (a provincial broadcast); Units is then empty.
	WholeProvince bool               `json:"whole_province"`
	Units         []string           `json:"units"`
	Quantities    []ActivityQuantity `json:"quantities"`
	Audience      Audience           `json:"audience"`
	// Cost is in Vietnamese đồng.
	Cost          int64    `json:"cost"`
	FundingSource string   `json:"funding_source,omitempty"`
	Links         []string `json:"links,omitempty"`
	Notes         string   `json:"notes,omitempty"`
	Demo          bool     `json:"demo"`
}

// Problem codes of activity rules; i18n holds their wording.
const (
	ProbRequired     = "required"        // the field is required
	ProbTooLong      = "too_long"        // args: max characters
	ProbBadDate      = "bad_date"        // args: value
	ProbDateOrder    = "date_order"      // args: the earlier date
	ProbPlacesBoth   = "places_both"     // both whole province and units
	ProbPlacesNone   = "places_none"     // neither
	ProbTwice        = "twice"           // args: value
	ProbUnknown      = "unknown"         // args: value
	ProbNegative     = "negative"        // args: value
	ProbExceedsTotal = "exceeds_total"   // args: value, total
	ProbNoSource     = "no_source"       // a cost without a funding source
	ProbBadLink      = "bad_link"        // args: value
	ProbOutOfPlan    = "out_of_plan"     // args: from year, to year
	ProbGroup        = "group"           // args: agency code
	ProbNoUnit       = "no_unit"         // args: code, from, to
	ProbOutside      = "outside"         // args: unit name
	ProbForbidden    = "forbidden"       // the actor may not record this
	ProbOthersSpend  = "others_spending" // spending (cost, funding) of an agency the actor does not act for
	ProbBadText      = "bad_text"        // text that is not valid UTF-8 or holds control characters
	ProbTooLarge     = "too_large"       // args: value, maximum
)

// Upper bounds on figures, far above anything real, so that sums cannot
// overflow and a typo of extra zeros is caught.
const (
	MaxAmount   = 1_000_000_000_000_000 // đồng (10^15)
	MaxQuantity = 1_000_000_000_000     // of any quantity kind (10^12)
	MaxPeople   = 1_000_000_000         // people-times reached (10^9)
)

// CheckText reports text that a database would refuse or mangle: invalid
// UTF-8 or a NUL or other control character (tabs and line breaks are
// fine).
func CheckText(v *ValidationError, field, s string) {
	if !utf8.ValidString(s) || strings.ContainsFunc(s, func(r rune) bool { return r < 0x20 && r != '\t' && r != '\n' && r != '\r' }) {
		v.AddCode(field, ProbBadText, "contains characters that are not text")
	}
}

// Validate checks what an activity can get wrong on its own; the store
// checks references (plan, agency, task, units) against the database.
func (a *Activity) Validate(kinds []QuantityKind) error {
	v := &ValidationError{}
	for _, f := range []struct{ name, value string }{{"plan", a.Plan}, {"agency", a.Agency}, {"channel", a.Channel}} {
		if f.value == "" {
			v.AddCode(f.name, ProbRequired, "is required")
		}
	}
	a.Title = strings.TrimSpace(a.Title)
	switch n := utf8.RuneCountInString(a.Title); {
	case n == 0:
		v.AddCode("title", ProbRequired, "is required")
	case n > 300:
		v.AddCode("title", ProbTooLong, "must be at most %d characters", 300)
	}
	if utf8.RuneCountInString(a.Description) > 10000 {
		v.AddCode("description", ProbTooLong, "must be at most %d characters", 10000)
	}
	if utf8.RuneCountInString(a.Notes) > 10000 {
		v.AddCode("notes", ProbTooLong, "must be at most %d characters", 10000)
	}
	if !ValidDate(a.StartDate) {
		v.AddCode("start_date", ProbBadDate, "expected a date YYYY-MM-DD, got %q", a.StartDate)
	}
	if a.EndDate == "" {
		a.EndDate = a.StartDate
	}
	if !ValidDate(a.EndDate) {
		v.AddCode("end_date", ProbBadDate, "expected a date YYYY-MM-DD, got %q", a.EndDate)
	} else if ValidDate(a.StartDate) && a.EndDate < a.StartDate {
		v.AddCode("end_date", ProbDateOrder, "must not be before the start date %s", a.StartDate)
	}
	if a.WholeProvince && len(a.Units) > 0 {
		v.AddCode("units", ProbPlacesBoth, "either the whole province or a list of units, not both")
	}
	if !a.WholeProvince && len(a.Units) == 0 {
		v.AddCode("units", ProbPlacesNone, "give the units reached, or mark the whole province")
	}
	twice := func(field string, xs []string) {
		seen := map[string]bool{}
		for _, x := range xs {
			if seen[x] {
				v.AddCode(field, ProbTwice, "%s is listed twice", x)
			}
			seen[x] = true
		}
	}
	twice("units", a.Units)
	twice("themes", a.Themes)
	seenKinds := map[string]bool{}
	for i, q := range a.Quantities {
		f := fmt.Sprintf("quantities[%d]", i)
		if !slices.ContainsFunc(kinds, func(k QuantityKind) bool { return k.Code == q.Kind }) {
			v.AddCode(f+".kind", ProbUnknown, "unknown quantity kind %q", q.Kind)
		} else if seenKinds[q.Kind] {
			v.AddCode(f+".kind", ProbTwice, "%s is listed twice", q.Kind)
		}
		seenKinds[q.Kind] = true
		if q.Value < 0 {
			v.AddCode(f+".value", ProbNegative, "must not be negative, got %v", q.Value)
		}
	}
	au := a.Audience
	parts := []struct {
		name string
		n    *int64
	}{{"women", au.Women}, {"men", au.Men}, {"children_14_16", au.Children1416}, {"ethnic_minority", au.EthnicMinority}}
	if au.Total != nil && *au.Total < 0 {
		v.AddCode("audience.total", ProbNegative, "must not be negative, got %v", *au.Total)
	}
	for _, f := range parts {
		if f.n != nil && *f.n < 0 {
			v.AddCode("audience."+f.name, ProbNegative, "must not be negative, got %v", *f.n)
		}
	}
	if au.Total != nil {
		for _, f := range parts {
			if f.n != nil && *f.n > *au.Total {
				v.AddCode("audience."+f.name, ProbExceedsTotal, "%d exceeds the total %d", *f.n, *au.Total)
			}
		}
		if au.Women != nil && au.Men != nil && *au.Women <= *au.Total && *au.Men <= *au.Total && *au.Women+*au.Men > *au.Total {
			v.AddCode("audience.total", ProbExceedsTotal, "women and men together (%d) exceed the total %d", *au.Women+*au.Men, *au.Total)
		}
	}
	a.checkGroups(v)
	if a.Cost < 0 {
		v.AddCode("cost", ProbNegative, "must not be negative, got %v", a.Cost)
	} else if a.Cost > MaxAmount {
		v.AddCode("cost", ProbTooLarge, "%v is larger than %v", a.Cost, int64(MaxAmount))
	}
	for i, q := range a.Quantities {
		if q.Value > MaxQuantity {
			v.AddCode(fmt.Sprintf("quantities[%d].value", i), ProbTooLarge, "%v is larger than %v", q.Value, int64(MaxQuantity))
		}
	}
	for _, f := range append(parts, struct {
		name string
		n    *int64
	}{"total", au.Total}) {
		if f.n != nil && *f.n > MaxPeople {
			v.AddCode("audience."+f.name, ProbTooLarge, "%v is larger than %v", *f.n, int64(MaxPeople))
		}
	}
	for _, f := range []struct{ name, s string }{{"title", a.Title}, {"description", a.Description}, {"notes", a.Notes},
		{"plan", a.Plan}, {"agency", a.Agency}, {"task", a.Task}, {"channel", a.Channel}, {"funding_source", a.FundingSource}} {
		CheckText(v, f.name, f.s)
	}
	for i, l := range a.Links {
		CheckText(v, fmt.Sprintf("links[%d]", i), l)
	}
	for _, s := range append(append([]string{}, a.Units...), a.Themes...) {
		CheckText(v, "units", s)
	}
	if a.Cost > 0 && a.FundingSource == "" {
		v.AddCode("funding_source", ProbNoSource, "say where the money came from when there is a cost")
	}
	for i, l := range a.Links {
		if !strings.HasPrefix(l, "https://") && !strings.HasPrefix(l, "http://") {
			v.AddCode(fmt.Sprintf("links[%d]", i), ProbBadLink, "expected a web address starting with https://, got %q", l)
		}
	}
	return v.Err()
}

// checkGroups checks the figures of the plan-defined groups that need no
// plan: a code that can be one, and a number of people-times within the
// total and the bounds. Whether the plan asks for the group is the
// store's to check (it reads the plan).
func (a *Activity) checkGroups(v *ValidationError) {
	au := a.Audience
	for _, code := range slices.Sorted(maps.Keys(au.Groups)) {
		n := au.Groups[code]
		if !ValidCode(code) {
			v.AddCode("audience.groups", ProbUnknown, "%q is not a population group's code", code)
			continue
		}
		f := "audience.groups." + code
		switch {
		case n < 0:
			v.AddCode(f, ProbNegative, "must not be negative, got %v", n)
		case n > MaxPeople:
			v.AddCode(f, ProbTooLarge, "%v is larger than %v", n, int64(MaxPeople))
		case au.Total != nil && n > *au.Total:
			v.AddCode(f, ProbExceedsTotal, "%d exceeds the total %d", n, *au.Total)
		}
	}
}
