package web

import (
	"fmt"
	"net/http"
	"strings"

	"outreach/internal/outreach"
)

// datePreset is a date the units pages offer with one click: the plan's
// approval, the 2020 merges, the 2025 reform.
type datePreset struct {
	Date  string
	Label string
}

var presets = []datePreset{
	{"2017-09-08", "units.preset.2017"},
	{"2020-02-01", "units.preset.2020"},
	{"2025-07-01", "units.preset.2025"},
}

type unitsPage struct {
	Page
	AsOf      string
	Presets   []datePreset
	Parent    *outreach.Unit
	Units     []outreach.Unit
	Provinces int
	Districts int
	Communes  int
	ByType    map[string]int
}

func (s *Server) asOf(r *http.Request) string {
	d := r.URL.Query().Get("as_of")
	if d == "" {
		return s.now().Format(outreach.DateLayout)
	}
	return d
}

// unitsPage shows the tree as of a date: the country's provinces (with
// the whole country's counts), or, with ?parent=CODE, one unit's subtree.
// The whole register (16,000 versions, 11,000 communes a date) is never
// one page.
func (s *Server) unitsPage(w http.ResponseWriter, r *http.Request) error {
	pg := unitsPage{Page: s.page(r, "units.title", "units"), AsOf: s.asOf(r), Presets: presets, ByType: map[string]int{}}
	if !outreach.ValidDate(pg.AsOf) {
		return outreach.Invalid("as_of", "expected a date YYYY-MM-DD, got %q", pg.AsOf)
	}
	us, err := s.store.UnitsAsOf(r.Context(), pg.AsOf)
	if err != nil {
		return err
	}
	// The country unless a unit is asked for: its provinces are listed,
	// a province's or a district's whole subtree.
	code := r.URL.Query().Get("parent")
	if code == "" {
		code = outreach.CountryCode
	}
	for i := range us {
		if us[i].Code == code {
			pg.Parent = &us[i]
		}
	}
	if pg.Parent == nil {
		return fmt.Errorf("unit %q on %s: %w", code, pg.AsOf, outreach.ErrNotFound)
	}
	prefix := pg.Parent.Path + "/"
	for _, u := range us {
		if !strings.HasPrefix(u.Path, prefix) {
			continue
		}
		switch {
		case u.IsProvince():
			pg.Provinces++
		case u.IsCommune():
			pg.Communes++
			pg.ByType[u.Type]++
		case u.Level == outreach.LevelDistrict:
			pg.Districts++
		}
		if !pg.Parent.IsCountry() || u.ParentCode == pg.Parent.Code {
			pg.Units = append(pg.Units, u)
		}
	}
	return s.render(w, r, http.StatusOK, "units", pg)
}

type unitPage struct {
	Page
	Code        string
	AsOf        string
	Presets     []datePreset
	Versions    []outreach.Unit
	Current     *outreach.Unit
	Children    []outreach.Unit
	History     *outreach.UnitHistory
	Populations []outreach.Population
}

func (s *Server) unitPage(w http.ResponseWriter, r *http.Request) error {
	code := r.PathValue("code")
	pg := unitPage{Page: s.page(r, "unit.title", "units"), Code: code, AsOf: s.asOf(r), Presets: presets}
	if !outreach.ValidDate(pg.AsOf) {
		return outreach.Invalid("as_of", "expected a date YYYY-MM-DD, got %q", pg.AsOf)
	}
	vs, err := s.store.UnitVersions(r.Context(), code)
	if err != nil {
		return err
	}
	pg.Versions = vs
	pg.Title = vs[len(vs)-1].Name
	for i := range vs {
		if vs[i].ValidAt(pg.AsOf) {
			pg.Current = &vs[i]
			pg.Title = vs[i].Name
		}
		ps, err := s.store.Populations(r.Context(), vs[i].ID)
		if err != nil {
			return err
		}
		pg.Populations = append(pg.Populations, ps...)
	}
	if pg.Current != nil {
		sub, err := s.store.Subtree(r.Context(), code, pg.AsOf)
		if err != nil {
			return err
		}
		for _, u := range sub[1:] {
			if u.ParentCode == code {
				pg.Children = append(pg.Children, u)
			}
		}
	}
	if pg.History, err = s.store.UnitHistory(r.Context(), code); err != nil {
		return err
	}
	return s.render(w, r, http.StatusOK, "unit", pg)
}
