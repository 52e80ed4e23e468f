package web

import (
	"errors"
	"fmt"
	"net/http"
	"strconv"
	"strings"

	"outreach/internal/outreach"
	"outreach/internal/store"
	"outreach/internal/tabular"
)

type distributionsPage struct {
	Page
	Plan          *outreach.Plan
	Materials     []*store.MaterialView
	Result        store.DistributionPage
	Agencies      []outreach.Agency
	Groups        []unitGroup
	MaterialTypes []string
	Problems      map[string]string
	DistForm      distForm
	MatForm       outreach.Material
}

type distForm struct {
	Material   string
	FromAgency string
	Date       string
	Units      map[string]bool
	Quantity   string
	Notes      string
}

func (s *Server) distributionsData(r *http.Request) (distributionsPage, error) {
	p, err := s.planFor(r)
	if err != nil {
		return distributionsPage{}, err
	}
	pg := distributionsPage{Page: s.page(r, "distributions.title", "distributions"), Plan: p, MaterialTypes: outreach.MaterialTypes,
		DistForm: distForm{Units: map[string]bool{}}, MatForm: outreach.Material{Year: p.Period.From}}
	if pg.Materials, err = s.store.Materials(r.Context(), p.Code); err != nil {
		return pg, err
	}
	if pg.Result, err = s.store.Distributions(r.Context(), currentActor(r), store.DistributionFilter{Plan: p.Code, Limit: 100}); err != nil {
		return pg, err
	}
	actor := currentActor(r)
	own, err := s.reporterAgency(r, p.Code)
	if err != nil {
		return pg, err
	}
	for _, a := range p.Agencies {
		if a.IsGroup() {
			continue
		}
		if actor.Role == outreach.RoleAgencyReporter && own != a.Code {
			continue
		}
		pg.Agencies = append(pg.Agencies, a)
	}
	groups, err := s.communeGroups(r, p)
	if err != nil {
		return pg, err
	}
	// Materials go to communes, not districts.
	for _, g := range groups {
		var opts []unitOption
		for _, o := range g.Options {
			if !strings.HasPrefix(o.Label, "Toàn địa bàn ") {
				opts = append(opts, o)
			}
		}
		pg.Groups = append(pg.Groups, unitGroup{Label: g.Label, Options: opts})
	}
	return pg, nil
}

// CanRecord reports whether the page offers the forms that add materials
// and distributions (the store decides for real).
func (p distributionsPage) CanRecord() bool {
	return p.User != nil && (p.User.Role == outreach.RoleAdmin || p.User.Role == outreach.RoleCoordinator || p.User.Role == outreach.RoleAgencyReporter)
}

func (s *Server) distributionsPage(w http.ResponseWriter, r *http.Request) error {
	pg, err := s.distributionsData(r)
	if err != nil {
		return err
	}
	return s.render(w, r, http.StatusOK, "distributions", pg)
}

func (s *Server) saveMaterial(w http.ResponseWriter, r *http.Request) error {
	pg, err := s.distributionsData(r)
	if err != nil {
		return err
	}
	year, _ := strconv.Atoi(r.PostFormValue("year"))
	copies, _ := tabular.ParseInt(r.PostFormValue("copies"))
	m := outreach.Material{Plan: pg.Plan.Code, Type: r.PostFormValue("type"), Title: r.PostFormValue("title"), Agency: r.PostFormValue("agency"),
		Year: year, Copies: copies, Notes: strings.TrimSpace(r.PostFormValue("notes"))}
	_, err = s.store.SaveMaterial(r.Context(), currentActor(r), m)
	var v *outreach.ValidationError
	if errors.As(err, &v) {
		pg.Problems, pg.MatForm = fieldProblems(langOf(r), v), m
		return s.render(w, r, http.StatusUnprocessableEntity, "distributions", pg)
	}
	if err != nil {
		return err
	}
	return seeOther(w, r, "/distributions?plan="+pg.Plan.Code, langOf(r).T("material.saved"))
}

func (s *Server) createDistribution(w http.ResponseWriter, r *http.Request) error {
	pg, err := s.distributionsData(r)
	if err != nil {
		return err
	}
	r.ParseForm()
	f := distForm{Material: r.PostFormValue("material"), FromAgency: r.PostFormValue("from_agency"), Date: r.PostFormValue("date"),
		Units: map[string]bool{}, Quantity: r.PostFormValue("quantity"), Notes: strings.TrimSpace(r.PostFormValue("notes"))}
	matID, _ := strconv.ParseInt(f.Material, 10, 64)
	d := outreach.Distribution{Plan: pg.Plan.Code, Material: matID, FromAgency: f.FromAgency, Date: f.Date, Notes: f.Notes}
	v := &outreach.ValidationError{}
	var qty int64
	if strings.TrimSpace(f.Quantity) != "" {
		if qty, err = tabular.ParseInt(f.Quantity); err != nil {
			v.Add("quantity", "%s", err.Error())
		}
	}
	for _, u := range r.PostForm["units"] {
		if !f.Units[u] {
			f.Units[u] = true
			d.Deliveries = append(d.Deliveries, outreach.Delivery{Unit: u, Quantity: qty})
		}
	}
	var id int64
	if len(v.Problems) == 0 {
		id, err = s.store.CreateDistribution(r.Context(), currentActor(r), d)
		if err == nil {
			return seeOther(w, r, fmt.Sprintf("/distributions/%d", id), langOf(r).T("distribution.saved"))
		}
		if !errors.As(err, &v) {
			return err
		}
	}
	pg.Problems, pg.DistForm = fieldProblems(langOf(r), v), f
	return s.render(w, r, http.StatusUnprocessableEntity, "distributions", pg)
}

type distributionPage struct {
	Page
	D             *store.DistributionView
	Methods       []string
	History       []outreach.AuditEntry
	Problems      map[string]string
	ProblemUnit   string
	CanConfirmAll bool
}

func (s *Server) distributionData(r *http.Request) (distributionPage, error) {
	id, err := strconv.ParseInt(r.PathValue("id"), 10, 64)
	if err != nil {
		return distributionPage{}, fmt.Errorf("distribution %q: %w", r.PathValue("id"), outreach.ErrNotFound)
	}
	actor := currentActor(r)
	d, err := s.store.Distribution(r.Context(), actor, id)
	if err != nil {
		return distributionPage{}, err
	}
	pg := distributionPage{Page: s.page(r, "distribution.title", "distributions"), D: d, Methods: outreach.DeployMethods,
		CanConfirmAll: actor.CanEditPlans() || actor.Role == outreach.RoleUnitReporter}
	pg.Title = d.MaterialTitle
	pg.History, err = s.store.DistributionHistory(r.Context(), actor, id)
	return pg, err
}

func (s *Server) distributionPage(w http.ResponseWriter, r *http.Request) error {
	pg, err := s.distributionData(r)
	if err != nil {
		return err
	}
	return s.render(w, r, http.StatusOK, "distribution", pg)
}

func (s *Server) confirmDelivery(w http.ResponseWriter, r *http.Request) error {
	pg, err := s.distributionData(r)
	if err != nil {
		return err
	}
	r.ParseForm()
	unit := r.PostFormValue("unit")
	err = s.store.Confirm(r.Context(), currentActor(r), pg.D.ID, unit, r.PostFormValue("received_on"), r.PostFormValue("deployed_on"), r.PostForm["how"])
	var v *outreach.ValidationError
	if errors.As(err, &v) {
		pg.Problems, pg.ProblemUnit = fieldProblems(langOf(r), v), unit
		return s.render(w, r, http.StatusUnprocessableEntity, "distribution", pg)
	}
	if err != nil {
		return err
	}
	return seeOther(w, r, fmt.Sprintf("/distributions/%d#u%s", pg.D.ID, unit), langOf(r).T("distribution.confirmed"))
}

func (s *Server) deleteDistribution(w http.ResponseWriter, r *http.Request) error {
	id, err := strconv.ParseInt(r.PathValue("id"), 10, 64)
	if err != nil {
		return fmt.Errorf("distribution %q: %w", r.PathValue("id"), outreach.ErrNotFound)
	}
	if err := s.store.DeleteDistribution(r.Context(), currentActor(r), id); err != nil {
		return err
	}
	return seeOther(w, r, "/distributions", langOf(r).T("distribution.deleted"))
}
