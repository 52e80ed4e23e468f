package outreach

import (
	"fmt"
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

// Validate checks what an activity can get wrong on its own; the store
// checks references (plan, agency, task, units) against the database.
func (a *Activity) Validate(kinds []QuantityKind) error {
	v := &ValidationError{}
	if a.Plan == "" {
		v.Add("plan", "is required")
	}
	if a.Agency == "" {
		v.Add("agency", "is required")
	}
	if a.Channel == "" {
		v.Add("channel", "is required")
	}
	a.Title = strings.TrimSpace(a.Title)
	switch n := utf8.RuneCountInString(a.Title); {
	case n == 0:
		v.Add("title", "is required")
	case n > 300:
		v.Add("title", "must be at most 300 characters")
	}
	if utf8.RuneCountInString(a.Description) > 10000 || utf8.RuneCountInString(a.Notes) > 10000 {
		v.Add("description", "must be at most 10,000 characters")
	}
	if !ValidDate(a.StartDate) {
		v.Add("start_date", "expected a date YYYY-MM-DD, got %q", a.StartDate)
	}
	if a.EndDate == "" {
		a.EndDate = a.StartDate
	}
	if !ValidDate(a.EndDate) {
		v.Add("end_date", "expected a date YYYY-MM-DD, got %q", a.EndDate)
	} else if a.EndDate < a.StartDate {
		v.Add("end_date", "must not be before the start date %s", a.StartDate)
	}
	if a.WholeProvince && len(a.Units) > 0 {
		v.Add("units", "either the whole province or a list of units, not both")
	}
	if !a.WholeProvince && len(a.Units) == 0 {
		v.Add("units", "give the units reached, or mark the whole province")
	}
	seenUnits := map[string]bool{}
	for _, u := range a.Units {
		if seenUnits[u] {
			v.Add("units", "unit %s is listed twice", u)
		}
		seenUnits[u] = true
	}
	seenThemes := map[string]bool{}
	for _, t := range a.Themes {
		if seenThemes[t] {
			v.Add("themes", "theme %s is listed twice", t)
		}
		seenThemes[t] = true
	}
	seenKinds := map[string]bool{}
	for i, q := range a.Quantities {
		f := fmt.Sprintf("quantities[%d]", i)
		if !slices.ContainsFunc(kinds, func(k QuantityKind) bool { return k.Code == q.Kind }) {
			v.Add(f+".kind", "unknown quantity kind %q", q.Kind)
		} else if seenKinds[q.Kind] {
			v.Add(f+".kind", "%q is given twice", q.Kind)
		}
		seenKinds[q.Kind] = true
		if q.Value < 0 {
			v.Add(f+".value", "must not be negative, got %v", q.Value)
		}
	}
	au := a.Audience
	for _, f := range []struct {
		name string
		n    *int64
	}{{"total", au.Total}, {"women", au.Women}, {"men", au.Men}, {"children_14_16", au.Children1416}, {"ethnic_minority", au.EthnicMinority}} {
		if f.n != nil && *f.n < 0 {
			v.Add("audience."+f.name, "must not be negative")
		}
	}
	if au.Total != nil {
		if au.Women != nil && au.Men != nil && *au.Women+*au.Men > *au.Total {
			v.Add("audience.total", "women (%d) and men (%d) together exceed the total (%d)", *au.Women, *au.Men, *au.Total)
		}
		for _, f := range []struct {
			name string
			n    *int64
		}{{"women", au.Women}, {"men", au.Men}, {"children_14_16", au.Children1416}, {"ethnic_minority", au.EthnicMinority}} {
			if f.n != nil && *f.n > *au.Total {
				v.Add("audience."+f.name, "exceeds the total (%d)", *au.Total)
			}
		}
	}
	if a.Cost < 0 {
		v.Add("cost", "must not be negative")
	}
	if a.Cost > 0 && a.FundingSource == "" {
		v.Add("funding_source", "say where the money came from when there is a cost")
	}
	for i, l := range a.Links {
		if !strings.HasPrefix(l, "https://") && !strings.HasPrefix(l, "http://") {
			v.Add(fmt.Sprintf("links[%d]", i), "expected a web address starting with https://, got %q", l)
		}
	}
	return v.Err()
}
