package web

import (
	"errors"
	"fmt"
	"net/http"
	"strconv"
	"strings"

	"outreach/internal/i18n"
	"outreach/internal/outreach"
	"outreach/internal/store"
	"outreach/internal/tabular"
)

type modelsPage struct {
	Page
	Plan     *outreach.Plan
	Models   []*store.ModelView
	Agencies []outreach.Agency
	Groups   []unitGroup
	Statuses []string
	Form     modelForm
	Problems map[string]string
	// Today is the date statuses are shown for.
	Today string
}

// TypeName is the name of one of the plan's model types.
func (p modelsPage) TypeName(code string) string { return modelTypeName(p.Plan.ModelTypes, code) }

// modelTypeName names a model type by the plan's vocabulary: the code
// itself when the plan no longer has it, "" for no type.
func modelTypeName(types []outreach.ModelType, code string) string {
	for _, t := range types {
		if t.Code == code {
			return t.Name
		}
	}
	return code
}

type modelForm struct {
	ID            int64
	Unit          string
	Agency        string
	Name          string
	Type          string
	EstablishedOn string
	Description   string
	Status        string
	StatusSince   string
}

func (s *Server) modelsData(r *http.Request) (modelsPage, error) {
	p, err := s.planFor(r)
	if err != nil {
		return modelsPage{}, err
	}
	pg := modelsPage{Page: s.page(r, "models.title", "models"), Plan: p, Statuses: outreach.ModelStatuses, Today: s.now().Format(outreach.DateLayout)}
	if pg.Models, err = s.store.Models(r.Context(), currentActor(r), p.Code, false); err != nil {
		return pg, err
	}
	for _, a := range p.Agencies {
		if !a.IsGroup() {
			pg.Agencies = append(pg.Agencies, a)
		}
	}
	groups, err := s.communeGroups(r, p)
	for _, g := range groups {
		var opts []unitOption
		for _, o := range g.Options {
			if !strings.HasPrefix(o.Label, "Toàn địa bàn ") {
				opts = append(opts, o)
			}
		}
		pg.Groups = append(pg.Groups, unitGroup{Label: g.Label, Options: opts})
	}
	return pg, err
}

func (s *Server) modelsPage(w http.ResponseWriter, r *http.Request) error {
	pg, err := s.modelsData(r)
	if err != nil {
		return err
	}
	return s.render(w, r, http.StatusOK, "models", pg)
}

// saveModel registers a model, or on /models/{id} changes one: its
// details and, when given, a new status from a date.
func (s *Server) saveModel(w http.ResponseWriter, r *http.Request) error {
	pg, err := s.modelsData(r)
	if err != nil {
		return err
	}
	f := modelForm{Unit: r.PostFormValue("unit"), Agency: r.PostFormValue("agency"), Name: r.PostFormValue("name"), Type: r.PostFormValue("type"),
		EstablishedOn: r.PostFormValue("established_on"), Description: strings.TrimSpace(r.PostFormValue("description")),
		Status: r.PostFormValue("status"), StatusSince: r.PostFormValue("status_since")}
	m := outreach.PreventionModel{Plan: pg.Plan.Code, Unit: f.Unit, Agency: f.Agency, Name: f.Name, Type: f.Type, EstablishedOn: f.EstablishedOn, Description: f.Description}
	actor := currentActor(r)
	if idText := r.PathValue("id"); idText != "" {
		id, perr := strconv.ParseInt(idText, 10, 64)
		if perr != nil {
			return fmt.Errorf("model %q: %w", idText, outreach.ErrNotFound)
		}
		old, err := s.store.Model(r.Context(), actor, id)
		if err != nil {
			return err
		}
		m = old.PreventionModel
		f.ID = id
		if f.Name != "" {
			m.Name = f.Name
		}
		if f.Description != "" {
			m.Description = f.Description
		}
		// The status form sends no type: the model keeps its own.
		if _, ok := r.PostForm["type"]; ok {
			m.Type = f.Type
		}
		if f.Status != "" || f.StatusSince != "" {
			m.Statuses = append(m.Statuses, outreach.ModelStatus{Status: f.Status, Since: f.StatusSince})
		}
		err = s.store.UpdateModel(r.Context(), actor, m)
		if err == nil {
			return seeOther(w, r, fmt.Sprintf("/models/%d", id), langOf(r).T("model.saved"))
		}
		var v *outreach.ValidationError
		if !errors.As(err, &v) {
			return err
		}
		return seeOther(w, r, fmt.Sprintf("/models/%d", id), langOf(r).T("form.fix")+" "+fieldProblemsText(langOf(r), v, modelFieldLabels))
	}
	id, err := s.store.CreateModel(r.Context(), actor, m)
	var v *outreach.ValidationError
	if errors.As(err, &v) {
		pg.Problems, pg.Form = fieldProblems(langOf(r), v), f
		return s.render(w, r, http.StatusUnprocessableEntity, "models", pg)
	}
	if err != nil {
		return err
	}
	return seeOther(w, r, fmt.Sprintf("/models/%d", id), langOf(r).T("model.saved"))
}

// modelFieldLabels are the keys of the labels of a model's fields, which
// a flash message names before the problems of a field.
var modelFieldLabels = map[string]string{"name": "model.name", "type": "model.type", "unit": "model.unit", "agency": "model.agency",
	"established_on": "model.established", "statuses": "model.statuses"}

// fieldProblemsText words a validation error for a flash message: each
// problem in the user's language when its code has a wording (else in
// English), after its field's label when labels has one.
func fieldProblemsText(l i18n.Lang, v *outreach.ValidationError, labels map[string]string) string {
	var parts []string
	for _, p := range v.Problems {
		msg := p.Message
		if p.Code != "" && i18n.Has("problem."+p.Code) {
			msg = l.T("problem."+p.Code, p.Args...)
		}
		if key, ok := labels[p.Field]; ok {
			msg = l.T(key) + ": " + msg
		}
		parts = append(parts, msg)
	}
	return strings.Join(parts, "; ")
}

type modelPage struct {
	Page
	M *store.ModelView
	// ModelTypes are the types the model's plan distinguishes.
	ModelTypes []outreach.ModelType
	History    []outreach.AuditEntry
	Statuses   []string
	Today      string
	CanEdit    bool
}

// TypeName is the name of one of the plan's model types.
func (p modelPage) TypeName(code string) string { return modelTypeName(p.ModelTypes, code) }

func (s *Server) modelPage(w http.ResponseWriter, r *http.Request) error {
	id, err := strconv.ParseInt(r.PathValue("id"), 10, 64)
	if err != nil {
		return fmt.Errorf("model %q: %w", r.PathValue("id"), outreach.ErrNotFound)
	}
	actor := currentActor(r)
	m, err := s.store.Model(r.Context(), actor, id)
	if err != nil {
		return err
	}
	pg := modelPage{Page: s.page(r, "model.title", "models"), M: m, Statuses: outreach.ModelStatuses, Today: s.now().Format(outreach.DateLayout),
		CanEdit: actor.Role != outreach.RoleViewer}
	pg.Title = m.Name
	p, err := s.store.Plan(r.Context(), m.Plan)
	if err != nil {
		return err
	}
	pg.ModelTypes = p.ModelTypes
	if pg.History, err = s.store.ModelHistory(r.Context(), actor, id); err != nil {
		return err
	}
	return s.render(w, r, http.StatusOK, "model", pg)
}

func (s *Server) deleteModel(w http.ResponseWriter, r *http.Request) error {
	id, err := strconv.ParseInt(r.PathValue("id"), 10, 64)
	if err != nil {
		return fmt.Errorf("model %q: %w", r.PathValue("id"), outreach.ErrNotFound)
	}
	if err := s.store.DeleteModel(r.Context(), currentActor(r), id); err != nil {
		return err
	}
	return seeOther(w, r, "/models", langOf(r).T("model.deleted"))
}

type budgetPage struct {
	Page
	Plan     *outreach.Plan
	Year     int
	Lines    []store.BudgetLine
	Agencies []outreach.Agency
	Total    store.BudgetLine
	Problems map[string]string
}

func (s *Server) budgetPage(w http.ResponseWriter, r *http.Request) error {
	p, err := s.planFor(r)
	if err != nil {
		return err
	}
	year, _ := strconv.Atoi(r.URL.Query().Get("year"))
	if year < p.Period.From || year > p.Period.To {
		year = p.Period.From + 1
	}
	pg := budgetPage{Page: s.page(r, "budget.title", "budget"), Plan: p, Year: year}
	if pg.Lines, err = s.store.Budget(r.Context(), currentActor(r), p.Code, year); err != nil {
		return err
	}
	for _, l := range pg.Lines {
		pg.Total.Estimate += l.Estimate
		pg.Total.Spent += l.Spent
	}
	actor := currentActor(r)
	own, err := s.reporterAgency(r, p.Code)
	if err != nil {
		return err
	}
	for _, a := range p.Agencies {
		if a.IsGroup() || (actor.Role == outreach.RoleAgencyReporter && own != a.Code) {
			continue
		}
		pg.Agencies = append(pg.Agencies, a)
	}
	return s.render(w, r, http.StatusOK, "budget", pg)
}

func (s *Server) setBudget(w http.ResponseWriter, r *http.Request) error {
	p, err := s.planFor(r)
	if err != nil {
		return err
	}
	year, _ := strconv.Atoi(r.PostFormValue("year"))
	amount, perr := tabular.ParseInt(r.PostFormValue("amount"))
	if perr != nil {
		return seeOther(w, r, fmt.Sprintf("/budget?year=%d", year), perr.Error())
	}
	err = s.store.SetBudgetEstimate(r.Context(), currentActor(r), p.Code, r.PostFormValue("agency"), year, r.PostFormValue("funding_source"), amount)
	var v *outreach.ValidationError
	if errors.As(err, &v) {
		return seeOther(w, r, fmt.Sprintf("/budget?year=%d", year), langOf(r).T("form.fix")+" "+fieldProblemsText(langOf(r), v, nil))
	}
	if err != nil {
		return err
	}
	return seeOther(w, r, fmt.Sprintf("/budget?year=%d", year), langOf(r).T("budget.saved"))
}
