package web

import (
	"net/http"
	"slices"

	"outreach/internal/outreach"
	"outreach/internal/store"
)

type agenciesPage struct {
	Page
	Agencies []store.AgencyInfo
	names    map[string]string
}

// AgencyName names an agency by code.
func (p agenciesPage) AgencyName(code string) string {
	if n, ok := p.names[code]; ok {
		return n
	}
	return code
}

func (s *Server) agenciesPage(w http.ResponseWriter, r *http.Request) error {
	as, err := s.store.AgenciesFor(r.Context(), currentActor(r))
	if err != nil {
		return err
	}
	pg := agenciesPage{Page: s.page(r, "agencies.title", "agencies"), Agencies: as, names: map[string]string{}}
	for _, a := range as {
		pg.names[a.Code] = a.ShortName
		if a.ShortName == "" {
			pg.names[a.Code] = a.Name
		}
	}
	return s.render(w, r, http.StatusOK, "agencies", pg)
}

// assignedTask is a task of a plan that falls to an agency, directly or as
// a member of the group it is addressed to.
type assignedTask struct {
	Plan    store.PlanSummary
	Task    outreach.Task
	Via     string // the group's name, when the task is addressed to one
	Partner bool   // the agency cooperates rather than leads
}

type agencyPage struct {
	Page
	Agency   store.AgencyInfo
	Groups   []store.AgencyInfo
	Tasks    []assignedTask
	CanEdit  bool
	Problems map[string]string
	Form     store.Contact
}

func (s *Server) agencyData(r *http.Request, code string) (agencyPage, error) {
	a, err := s.store.AgencyFor(r.Context(), currentActor(r), code)
	if err != nil {
		return agencyPage{}, err
	}
	pg := agencyPage{Page: s.page(r, "agency.title", "agencies"), Agency: a, CanEdit: currentActor(r).CanWriteAgency(a.ID), Form: a.Contact}
	pg.Title = a.Name
	all, err := s.store.AgenciesFor(r.Context(), currentActor(r))
	if err != nil {
		return pg, err
	}
	groupName := map[string]string{}
	for _, g := range all {
		if g.IsGroup() && slices.Contains(g.Members, code) {
			pg.Groups = append(pg.Groups, g)
			groupName[g.Code] = g.Name
		}
	}
	plans, err := s.store.PlansFor(r.Context(), currentActor(r))
	if err != nil {
		return pg, err
	}
	for _, ps := range plans {
		p, err := s.store.Plan(r.Context(), ps.Code)
		if err != nil {
			return pg, err
		}
		for _, t := range p.Tasks {
			switch {
			case t.Agency == code:
				pg.Tasks = append(pg.Tasks, assignedTask{Plan: ps, Task: t})
			case groupName[t.Agency] != "":
				pg.Tasks = append(pg.Tasks, assignedTask{Plan: ps, Task: t, Via: groupName[t.Agency]})
			case slices.Contains(t.Cooperating, code):
				pg.Tasks = append(pg.Tasks, assignedTask{Plan: ps, Task: t, Partner: true})
			}
		}
	}
	return pg, nil
}

func (s *Server) agencyPage(w http.ResponseWriter, r *http.Request) error {
	pg, err := s.agencyData(r, r.PathValue("code"))
	if err != nil {
		return err
	}
	return s.render(w, r, http.StatusOK, "agency", pg)
}

func (s *Server) updateContact(w http.ResponseWriter, r *http.Request) error {
	code := r.PathValue("code")
	c := store.Contact{Name: r.PostFormValue("name"), Email: r.PostFormValue("email"), Phone: r.PostFormValue("phone")}
	err := s.store.UpdateContact(r.Context(), currentActor(r), code, c)
	if probs, ok := problems(langOf(r), "contact", err); ok {
		pg, derr := s.agencyData(r, code)
		if derr != nil {
			return derr
		}
		pg.Problems, pg.Form = probs, c
		return s.render(w, r, http.StatusUnprocessableEntity, "agency", pg)
	}
	if err != nil {
		return err
	}
	return seeOther(w, r, "/agencies/"+code, langOf(r).T("agency.saved"))
}
