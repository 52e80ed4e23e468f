package web

import (
	"errors"
	"net/http"
	"slices"

	"outreach/internal/outreach"
	"outreach/internal/store"
)

// Agencies are addressed by owner and code, /agencies/{owner}/{code}
// (store.AgencyAddress): every province has its own stttt. Inside a plan
// the code alone names the plan's agency, /plans/{code}/agencies/{agency}
// redirects there; an address without owner, /agencies/{code} (links made
// before agencies were per owner), redirects to the agency of the user's
// own province with the code, or to the only one the user sees, and lists
// them when several owners the user sees have one.

type agenciesPage struct {
	Page
	Agencies []store.AgencyInfo
	// SeveralOwners is set when the list spans more than one owner (the
	// ministry's, a merged province's): each agency then says whose.
	SeveralOwners bool
	// Code is set when the page lists the agencies of several owners
	// sharing a code an address named without its owner.
	Code   string
	owners map[string]string
	names  map[string]string
}

// AgencyName names an agency by code (an owner's codes are unique).
func (p agenciesPage) AgencyName(owner, code string) string {
	if n, ok := p.names[store.AgencyAddress(owner, code)]; ok {
		return n
	}
	return code
}

// OwnerName names an owner: the province's (or the country's) name.
func (p agenciesPage) OwnerName(owner string) string {
	if n, ok := p.owners[owner]; ok {
		return n
	}
	return owner
}

func (s *Server) agenciesPage(w http.ResponseWriter, r *http.Request) error {
	as, err := s.store.AgenciesFor(r.Context(), currentActor(r))
	if err != nil {
		return err
	}
	pg, err := s.agencyList(r, as)
	if err != nil {
		return err
	}
	return s.render(w, r, http.StatusOK, "agencies", pg)
}

func (s *Server) agencyList(r *http.Request, as []store.AgencyInfo) (agenciesPage, error) {
	pg := agenciesPage{Page: s.page(r, "agencies.title", "agencies"), Agencies: as, names: map[string]string{}}
	var owners []string
	for _, a := range as {
		pg.names[a.Address()] = a.ShortName
		if a.ShortName == "" {
			pg.names[a.Address()] = a.Name
		}
		if !slices.Contains(owners, a.Owner) {
			owners = append(owners, a.Owner)
		}
	}
	pg.SeveralOwners = len(owners) > 1
	if pg.SeveralOwners {
		var err error
		if pg.owners, err = s.ownerNames(r, owners); err != nil {
			return pg, err
		}
	}
	return pg, nil
}

// ownerNames names owners by their unit's latest name.
func (s *Server) ownerNames(r *http.Request, owners []string) (map[string]string, error) {
	names := map[string]string{}
	for _, o := range owners {
		if o == "" {
			continue
		}
		vs, err := s.store.UnitVersions(r.Context(), o)
		if errors.Is(err, outreach.ErrNotFound) {
			continue
		} else if err != nil {
			return nil, err
		}
		names[o] = vs[len(vs)-1].Name
	}
	return names, nil
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
	Agency    store.AgencyInfo
	OwnerName string
	Groups    []store.AgencyInfo
	Tasks     []assignedTask
	CanEdit   bool
	Problems  map[string]string
	Form      store.Contact
}

// MemberAddress is the address of a member of the group: an agency of the
// group's owner.
func (p agencyPage) MemberAddress(code string) string {
	return store.AgencyAddress(p.Agency.Owner, code)
}

// agencyAddress is the address a request names: /agencies/{owner}/{code},
// or the code alone on the routes without owner.
func agencyAddress(r *http.Request) string {
	if owner := r.PathValue("owner"); owner != "" {
		return owner + "/" + r.PathValue("code")
	}
	return r.PathValue("code")
}

func (s *Server) agencyData(r *http.Request, address string) (agencyPage, error) {
	actor := currentActor(r)
	a, err := s.store.AgencyFor(r.Context(), actor, address)
	if err != nil {
		return agencyPage{}, err
	}
	pg := agencyPage{Page: s.page(r, "agency.title", "agencies"), Agency: a, CanEdit: actor.CanWriteAgency(a.ID) && actor.EditsOwner(a.Owner), Form: a.Contact}
	pg.Title = a.Name
	names, err := s.ownerNames(r, []string{a.Owner})
	if err != nil {
		return pg, err
	}
	pg.OwnerName = names[a.Owner]
	all, err := s.store.AgenciesFor(r.Context(), actor)
	if err != nil {
		return pg, err
	}
	groupName := map[string]string{}
	for _, g := range all {
		if g.Owner == a.Owner && g.IsGroup() && slices.Contains(g.Members, a.Code) {
			pg.Groups = append(pg.Groups, g)
			groupName[g.Code] = g.Name
		}
	}
	// The plans that name the agency; in them its code is its own.
	plans, err := s.store.AgencyPlans(r.Context(), actor, a.ID)
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
			case t.Agency == a.Code:
				pg.Tasks = append(pg.Tasks, assignedTask{Plan: ps, Task: t})
			case groupName[t.Agency] != "":
				pg.Tasks = append(pg.Tasks, assignedTask{Plan: ps, Task: t, Via: groupName[t.Agency]})
			case slices.Contains(t.Cooperating, a.Code):
				pg.Tasks = append(pg.Tasks, assignedTask{Plan: ps, Task: t, Partner: true})
			}
		}
	}
	return pg, nil
}

// agencyPage shows the agency at /agencies/{owner}/{code}.
func (s *Server) agencyPage(w http.ResponseWriter, r *http.Request) error {
	pg, err := s.agencyData(r, agencyAddress(r))
	if err != nil {
		return err
	}
	return s.render(w, r, http.StatusOK, "agency", pg)
}

// agencyByCode serves the address without owner, /agencies/{code}:
// a redirect to the agency it settles on in the user's scope, or the list
// of the agencies of the owners sharing the code.
func (s *Server) agencyByCode(w http.ResponseWriter, r *http.Request) error {
	a, err := s.store.FindAgency(r.Context(), currentActor(r), r.PathValue("code"))
	var amb *store.AmbiguousAgencyError
	if errors.As(err, &amb) {
		pg, err := s.agencyList(r, amb.Matches)
		if err != nil {
			return err
		}
		pg.Code = amb.Code
		return s.render(w, r, http.StatusOK, "agencies", pg)
	}
	if err != nil {
		return err
	}
	http.Redirect(w, r, "/agencies/"+a.Address(), http.StatusFound)
	return nil
}

// planAgency redirects /plans/{code}/agencies/{agency}, the agency a plan
// names with the code, to its address.
func (s *Server) planAgency(w http.ResponseWriter, r *http.Request) error {
	as, err := s.store.PlanAgencies(r.Context(), r.PathValue("code"))
	if err != nil {
		return err
	}
	for _, a := range as {
		if a.Code == r.PathValue("agency") {
			http.Redirect(w, r, "/agencies/"+a.Address(), http.StatusFound)
			return nil
		}
	}
	return outreach.ErrNotFound
}

func (s *Server) updateContact(w http.ResponseWriter, r *http.Request) error {
	address := agencyAddress(r)
	c := store.Contact{Name: r.PostFormValue("name"), Email: r.PostFormValue("email"), Phone: r.PostFormValue("phone")}
	err := s.store.UpdateContact(r.Context(), currentActor(r), address, c)
	if probs, ok := problems(langOf(r), "contact", err); ok {
		pg, derr := s.agencyData(r, address)
		if derr != nil {
			return derr
		}
		pg.Problems, pg.Form = probs, c
		return s.render(w, r, http.StatusUnprocessableEntity, "agency", pg)
	}
	if err != nil {
		return err
	}
	a, err := s.store.AgencyFor(r.Context(), currentActor(r), address)
	if err != nil {
		return err
	}
	return seeOther(w, r, "/agencies/"+a.Address(), langOf(r).T("agency.saved"))
}

// reporterAgency is the code by which the plan names the agency
// reporter's agency, "" for other users and when the plan does not name
// it: the same code in a plan of another owner (a province merged into the
// user's) is another agency.
func (s *Server) reporterAgency(r *http.Request, plan string) (string, error) {
	actor := currentActor(r)
	if actor.Role != outreach.RoleAgencyReporter || actor.AgencyID == 0 {
		return "", nil
	}
	as, err := s.store.PlanAgencies(r.Context(), plan)
	if err != nil {
		return "", err
	}
	for _, a := range as {
		if a.ID == actor.AgencyID {
			return a.Code, nil
		}
	}
	return "", nil
}
