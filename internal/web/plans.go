package web

import (
	"net/http"
	"strconv"
	"strings"

	"outreach/internal/outreach"
	"outreach/internal/store"
)

type homePage struct {
	Page
	Plans   []store.PlanSummary
	Due     []store.Due
	Notices []store.Notice
}

// DueWhen says how far a due item's deadline is.
func (p homePage) DueWhen(d store.Due) string { return daysWord(p.Page, d.DaysLeft) }

// Notice writes a notice in the page's language.
func (p homePage) Notice(n store.Notice) string {
	args := make([]any, len(n.Args))
	for i, a := range n.Args {
		args[i] = a
	}
	return p.T("notice."+n.Kind, args...)
}

func (s *Server) home(w http.ResponseWriter, r *http.Request) error {
	ps, err := s.store.PlansFor(r.Context(), currentActor(r))
	if err != nil {
		return err
	}
	pg := homePage{Page: s.page(r, "home.title", "home"), Plans: ps}
	actor := currentActor(r)
	if pg.Due, err = s.store.WhatsDue(r.Context(), actor); err != nil {
		return err
	}
	if pg.Notices, err = s.store.Notices(r.Context(), actor, 8); err != nil {
		return err
	}
	return s.render(w, r, http.StatusOK, "home", pg)
}

// planItem is one numbered item of section V: the agency (or group) it is
// addressed to and its tasks.
type planItem struct {
	Number string
	Agency outreach.Agency
	Tasks  []outreach.Task
}

type planPage struct {
	Page
	Plan  *outreach.Plan
	Items []planItem
	names map[string]string
}

// AgencyName names an agency of the plan by code.
func (p planPage) AgencyName(code string) string {
	if n, ok := p.names[code]; ok {
		return n
	}
	return code
}

// ChannelName and ThemeName name section IV and III items by code.
func (p planPage) ChannelName(code string) string {
	for _, c := range p.Plan.Channels {
		if c.Code == code {
			return c.Name
		}
	}
	return code
}

// ThemeName names a section III item by code.
func (p planPage) ThemeName(code string) string {
	for _, t := range p.Plan.Themes {
		if t.Code == code {
			return t.Name
		}
	}
	return code
}

// DashOrdinal says which dash of its item a task is, for display
// ("gạch đầu dòng thứ 2"); 0 for an item without dashes.
func DashOrdinal(clause string) int {
	parts := strings.Split(clause, ".")
	if len(parts) < 3 {
		return 0
	}
	n, _ := strconv.Atoi(parts[2])
	return n
}

// ItemOf returns the item part of a clause ("V.2" of "V.2.2").
func ItemOf(clause string) string {
	parts := strings.Split(clause, ".")
	if len(parts) < 2 {
		return clause
	}
	return parts[0] + "." + parts[1]
}

func (s *Server) planPage(w http.ResponseWriter, r *http.Request) error {
	p, err := s.store.Plan(r.Context(), r.PathValue("code"))
	if err != nil {
		return err
	}
	pg := planPage{Page: s.page(r, "plan.title", "plans"), Plan: p, names: map[string]string{}}
	pg.Title = p.Title
	for _, a := range p.Agencies {
		pg.names[a.Code] = a.Name
	}
	for _, t := range p.Tasks {
		item := ItemOf(t.Clause)
		if n := len(pg.Items); n == 0 || pg.Items[n-1].Number != item {
			a, _ := p.Agency(t.Agency)
			pg.Items = append(pg.Items, planItem{Number: item, Agency: a})
		}
		pg.Items[len(pg.Items)-1].Tasks = append(pg.Items[len(pg.Items)-1].Tasks, t)
	}
	return s.render(w, r, http.StatusOK, "plan", pg)
}

type keyAreasPage struct {
	Page
	Plan     *outreach.Plan
	Year     int
	Years    []int
	KeyAreas []outreach.KeyArea
	Communes []outreach.Unit
	Reasons  []string
	Problems map[string]string
	Form     keyAreaForm
}

type keyAreaForm struct {
	Unit    string
	Reasons map[string]bool
	Note    string
}

func (s *Server) keyAreasData(r *http.Request, code string, year int) (keyAreasPage, error) {
	p, err := s.store.Plan(r.Context(), code)
	if err != nil {
		return keyAreasPage{}, err
	}
	if year < p.Period.From || year > p.Period.To {
		year = p.Period.To
	}
	pg := keyAreasPage{Page: s.page(r, "keyareas.title", "plans"), Plan: p, Year: year, Years: p.Period.Years(), Reasons: outreach.KeyAreaReasons}
	if pg.KeyAreas, err = s.store.KeyAreas(r.Context(), code, year); err != nil {
		return pg, err
	}
	pg.Communes, err = s.store.PlanCommunes(r.Context(), code, strconv.Itoa(year)+"-12-31")
	return pg, err
}

func (s *Server) keyAreasPage(w http.ResponseWriter, r *http.Request) error {
	year, _ := strconv.Atoi(r.URL.Query().Get("year"))
	pg, err := s.keyAreasData(r, r.PathValue("code"), year)
	if err != nil {
		return err
	}
	return s.render(w, r, http.StatusOK, "keyareas", pg)
}

func (s *Server) setKeyArea(w http.ResponseWriter, r *http.Request) error {
	code := r.PathValue("code")
	if err := r.ParseForm(); err != nil {
		return outreach.Invalid("form", "%v", err)
	}
	year, _ := strconv.Atoi(r.PostFormValue("year"))
	form := keyAreaForm{Unit: r.PostFormValue("unit"), Note: strings.TrimSpace(r.PostFormValue("note")), Reasons: map[string]bool{}}
	for _, x := range r.PostForm["reasons"] {
		form.Reasons[x] = true
	}
	err := s.store.SetKeyArea(r.Context(), currentActor(r), code, form.Unit, year, r.PostForm["reasons"], form.Note)
	if lang := langOf(r); err != nil {
		if probs, ok := problems(lang, "keyarea", err); ok {
			pg, derr := s.keyAreasData(r, code, year)
			if derr != nil {
				return derr
			}
			pg.Problems, pg.Form = probs, form
			return s.render(w, r, http.StatusUnprocessableEntity, "keyareas", pg)
		}
		return err
	}
	return seeOther(w, r, "/plans/"+code+"/key-areas?year="+strconv.Itoa(year), langOf(r).T("keyareas.saved"))
}

func (s *Server) removeKeyArea(w http.ResponseWriter, r *http.Request) error {
	code := r.PathValue("code")
	year, _ := strconv.Atoi(r.PostFormValue("year"))
	if err := s.store.RemoveKeyArea(r.Context(), currentActor(r), code, r.PostFormValue("unit"), year); err != nil {
		return err
	}
	return seeOther(w, r, "/plans/"+code+"/key-areas?year="+strconv.Itoa(year), langOf(r).T("keyareas.removed"))
}
