package api

import (
	"net/http"
	"strconv"

	"outreach/internal/outreach"
	"outreach/internal/store"
)

// Records: activities, materials, distributions and their confirmations,
// prevention models, budget estimates. Writes check the same rules as the
// web pages, in the store.

func (a *API) recordRoutes() {
	m := a.mux
	m.HandleFunc("GET /api/v1/activities", a.wrap(a.listActivities))
	m.HandleFunc("POST /api/v1/activities", a.wrap(a.createActivity))
	m.HandleFunc("GET /api/v1/activities/{id}", a.wrap(a.getActivity))
	m.HandleFunc("PUT /api/v1/activities/{id}", a.wrap(a.updateActivity))
	m.HandleFunc("DELETE /api/v1/activities/{id}", a.wrap(a.deleteActivity))
	m.HandleFunc("POST /api/v1/activities/{id}/restore", a.wrap(a.restoreActivity))
	m.HandleFunc("GET /api/v1/activities/{id}/history", a.wrap(a.activityHistory))
	m.HandleFunc("GET /api/v1/quantity-kinds", a.wrap(a.quantityKinds))
	m.HandleFunc("POST /api/v1/quantity-kinds", a.wrap(a.addQuantityKind))

	m.HandleFunc("GET /api/v1/materials", a.wrap(a.listMaterials))
	m.HandleFunc("POST /api/v1/materials", a.wrap(a.saveMaterial))

	m.HandleFunc("GET /api/v1/distributions", a.wrap(a.listDistributions))
	m.HandleFunc("POST /api/v1/distributions", a.wrap(a.createDistribution))
	m.HandleFunc("GET /api/v1/distributions/{id}", a.wrap(a.getDistribution))
	m.HandleFunc("DELETE /api/v1/distributions/{id}", a.wrap(a.deleteDistribution))
	m.HandleFunc("PUT /api/v1/distributions/{id}/confirmations/{unit}", a.wrap(a.confirm))

	m.HandleFunc("GET /api/v1/models", a.wrap(a.listModels))
	m.HandleFunc("POST /api/v1/models", a.wrap(a.createModel))
	m.HandleFunc("GET /api/v1/models/{id}", a.wrap(a.getModel))
	m.HandleFunc("PUT /api/v1/models/{id}", a.wrap(a.updateModel))
	m.HandleFunc("DELETE /api/v1/models/{id}", a.wrap(a.deleteModel))

	m.HandleFunc("GET /api/v1/indicators", a.wrap(a.indicators))
	m.HandleFunc("GET /api/v1/budget", a.wrap(a.budget))
	m.HandleFunc("PUT /api/v1/budget", a.wrap(a.setBudget))
}

func pathID(r *http.Request) (int64, error) {
	id, err := strconv.ParseInt(r.PathValue("id"), 10, 64)
	if err != nil || id <= 0 {
		return 0, outreach.Invalid("id", "expected a record number, got %q", r.PathValue("id"))
	}
	return id, nil
}

func queryInt(r *http.Request, name string) (int, error) {
	v := r.URL.Query().Get(name)
	if v == "" {
		return 0, nil
	}
	n, err := strconv.Atoi(v)
	if err != nil {
		return 0, outreach.Invalid(name, "expected a whole number, got %q", v)
	}
	return n, nil
}

func (a *API) listActivities(w http.ResponseWriter, r *http.Request, actor outreach.Actor) error {
	q := r.URL.Query()
	limit, err := queryInt(r, "limit")
	if err != nil {
		return err
	}
	offset, err := queryInt(r, "offset")
	if err != nil {
		return err
	}
	page, err := a.store.Activities(r.Context(), actor, store.ActivityFilter{
		Plan: q.Get("plan"), Agency: q.Get("agency"), Channel: q.Get("channel"), Theme: q.Get("theme"), Task: q.Get("task"),
		Unit: q.Get("unit"), From: q.Get("from"), To: q.Get("to"), Q: q.Get("q"), Sort: q.Get("sort"),
		Deleted: q.Get("deleted") == "true", Limit: limit, Offset: offset,
	})
	if err != nil {
		return err
	}
	return writeJSON(w, http.StatusOK, page)
}

func (a *API) createActivity(w http.ResponseWriter, r *http.Request, actor outreach.Actor) error {
	var in outreach.Activity
	if err := decode(r, &in); err != nil {
		return err
	}
	in.Demo = false
	id, err := a.store.CreateActivity(r.Context(), actor, in)
	if err != nil {
		return err
	}
	v, err := a.store.Activity(r.Context(), actor, id)
	if err != nil {
		return err
	}
	w.Header().Set("Location", "/api/v1/activities/"+strconv.FormatInt(id, 10))
	return writeJSON(w, http.StatusCreated, v)
}

func (a *API) getActivity(w http.ResponseWriter, r *http.Request, actor outreach.Actor) error {
	id, err := pathID(r)
	if err != nil {
		return err
	}
	v, err := a.store.Activity(r.Context(), actor, id)
	if err != nil {
		return err
	}
	return writeJSON(w, http.StatusOK, v)
}

func (a *API) updateActivity(w http.ResponseWriter, r *http.Request, actor outreach.Actor) error {
	id, err := pathID(r)
	if err != nil {
		return err
	}
	var in outreach.Activity
	if err := decode(r, &in); err != nil {
		return err
	}
	in.ID = id
	if err := a.store.UpdateActivity(r.Context(), actor, in); err != nil {
		return err
	}
	v, err := a.store.Activity(r.Context(), actor, id)
	if err != nil {
		return err
	}
	return writeJSON(w, http.StatusOK, v)
}

func (a *API) deleteActivity(w http.ResponseWriter, r *http.Request, actor outreach.Actor) error {
	id, err := pathID(r)
	if err != nil {
		return err
	}
	if err := a.store.DeleteActivity(r.Context(), actor, id); err != nil {
		return err
	}
	w.WriteHeader(http.StatusNoContent)
	return nil
}

func (a *API) restoreActivity(w http.ResponseWriter, r *http.Request, actor outreach.Actor) error {
	id, err := pathID(r)
	if err != nil {
		return err
	}
	if err := a.store.RestoreActivity(r.Context(), actor, id); err != nil {
		return err
	}
	v, err := a.store.Activity(r.Context(), actor, id)
	if err != nil {
		return err
	}
	return writeJSON(w, http.StatusOK, v)
}

func (a *API) activityHistory(w http.ResponseWriter, r *http.Request, actor outreach.Actor) error {
	id, err := pathID(r)
	if err != nil {
		return err
	}
	h, err := a.store.ActivityHistory(r.Context(), actor, id)
	if err != nil {
		return err
	}
	return writeJSON(w, http.StatusOK, h)
}

func (a *API) quantityKinds(w http.ResponseWriter, r *http.Request, _ outreach.Actor) error {
	ks, err := a.store.QuantityKinds(r.Context())
	if err != nil {
		return err
	}
	return writeJSON(w, http.StatusOK, ks)
}

func (a *API) listMaterials(w http.ResponseWriter, r *http.Request, _ outreach.Actor) error {
	ms, err := a.store.Materials(r.Context(), r.URL.Query().Get("plan"))
	if err != nil {
		return err
	}
	if ms == nil {
		ms = []*store.MaterialView{}
	}
	return writeJSON(w, http.StatusOK, ms)
}

func (a *API) saveMaterial(w http.ResponseWriter, r *http.Request, actor outreach.Actor) error {
	var in outreach.Material
	if err := decode(r, &in); err != nil {
		return err
	}
	in.Demo = false
	id, err := a.store.SaveMaterial(r.Context(), actor, in)
	if err != nil {
		return err
	}
	m, err := a.store.Material(r.Context(), id)
	if err != nil {
		return err
	}
	status := http.StatusOK
	if in.ID == 0 {
		status = http.StatusCreated
	}
	return writeJSON(w, status, m)
}

func (a *API) listDistributions(w http.ResponseWriter, r *http.Request, actor outreach.Actor) error {
	q := r.URL.Query()
	limit, err := queryInt(r, "limit")
	if err != nil {
		return err
	}
	offset, err := queryInt(r, "offset")
	if err != nil {
		return err
	}
	page, err := a.store.Distributions(r.Context(), actor, store.DistributionFilter{Plan: q.Get("plan"), Agency: q.Get("agency"), Unit: q.Get("unit"),
		From: q.Get("from"), To: q.Get("to"), Deleted: q.Get("deleted") == "true", Limit: limit, Offset: offset})
	if err != nil {
		return err
	}
	return writeJSON(w, http.StatusOK, page)
}

func (a *API) createDistribution(w http.ResponseWriter, r *http.Request, actor outreach.Actor) error {
	var in outreach.Distribution
	if err := decode(r, &in); err != nil {
		return err
	}
	in.Demo = false
	id, err := a.store.CreateDistribution(r.Context(), actor, in)
	if err != nil {
		return err
	}
	d, err := a.store.Distribution(r.Context(), actor, id)
	if err != nil {
		return err
	}
	w.Header().Set("Location", "/api/v1/distributions/"+strconv.FormatInt(id, 10))
	return writeJSON(w, http.StatusCreated, d)
}

func (a *API) getDistribution(w http.ResponseWriter, r *http.Request, actor outreach.Actor) error {
	id, err := pathID(r)
	if err != nil {
		return err
	}
	d, err := a.store.Distribution(r.Context(), actor, id)
	if err != nil {
		return err
	}
	return writeJSON(w, http.StatusOK, d)
}

func (a *API) deleteDistribution(w http.ResponseWriter, r *http.Request, actor outreach.Actor) error {
	id, err := pathID(r)
	if err != nil {
		return err
	}
	if err := a.store.DeleteDistribution(r.Context(), actor, id); err != nil {
		return err
	}
	w.WriteHeader(http.StatusNoContent)
	return nil
}

type confirmationInput struct {
	ReceivedOn string   `json:"received_on"`
	DeployedOn string   `json:"deployed_on"`
	How        []string `json:"how"`
}

func (a *API) confirm(w http.ResponseWriter, r *http.Request, actor outreach.Actor) error {
	id, err := pathID(r)
	if err != nil {
		return err
	}
	var in confirmationInput
	if err := decode(r, &in); err != nil {
		return err
	}
	if err := a.store.Confirm(r.Context(), actor, id, r.PathValue("unit"), in.ReceivedOn, in.DeployedOn, in.How); err != nil {
		return err
	}
	d, err := a.store.Distribution(r.Context(), actor, id)
	if err != nil {
		return err
	}
	return writeJSON(w, http.StatusOK, d)
}

func (a *API) listModels(w http.ResponseWriter, r *http.Request, actor outreach.Actor) error {
	ms, err := a.store.Models(r.Context(), actor, r.URL.Query().Get("plan"), r.URL.Query().Get("deleted") == "true")
	if err != nil {
		return err
	}
	if ms == nil {
		ms = []*store.ModelView{}
	}
	return writeJSON(w, http.StatusOK, ms)
}

func (a *API) createModel(w http.ResponseWriter, r *http.Request, actor outreach.Actor) error {
	var in outreach.PreventionModel
	if err := decode(r, &in); err != nil {
		return err
	}
	in.Demo = false
	id, err := a.store.CreateModel(r.Context(), actor, in)
	if err != nil {
		return err
	}
	m, err := a.store.Model(r.Context(), actor, id)
	if err != nil {
		return err
	}
	w.Header().Set("Location", "/api/v1/models/"+strconv.FormatInt(id, 10))
	return writeJSON(w, http.StatusCreated, m)
}

func (a *API) getModel(w http.ResponseWriter, r *http.Request, actor outreach.Actor) error {
	id, err := pathID(r)
	if err != nil {
		return err
	}
	m, err := a.store.Model(r.Context(), actor, id)
	if err != nil {
		return err
	}
	return writeJSON(w, http.StatusOK, m)
}

func (a *API) updateModel(w http.ResponseWriter, r *http.Request, actor outreach.Actor) error {
	id, err := pathID(r)
	if err != nil {
		return err
	}
	var in outreach.PreventionModel
	if err := decode(r, &in); err != nil {
		return err
	}
	in.ID = id
	if err := a.store.UpdateModel(r.Context(), actor, in); err != nil {
		return err
	}
	m, err := a.store.Model(r.Context(), actor, id)
	if err != nil {
		return err
	}
	return writeJSON(w, http.StatusOK, m)
}

func (a *API) deleteModel(w http.ResponseWriter, r *http.Request, actor outreach.Actor) error {
	id, err := pathID(r)
	if err != nil {
		return err
	}
	if err := a.store.DeleteModel(r.Context(), actor, id); err != nil {
		return err
	}
	w.WriteHeader(http.StatusNoContent)
	return nil
}

func (a *API) budget(w http.ResponseWriter, r *http.Request, actor outreach.Actor) error {
	year, err := queryInt(r, "year")
	if err != nil {
		return err
	}
	ls, err := a.store.Budget(r.Context(), actor, r.URL.Query().Get("plan"), year)
	if err != nil {
		return err
	}
	if ls == nil {
		ls = []store.BudgetLine{}
	}
	return writeJSON(w, http.StatusOK, ls)
}

type budgetInput struct {
	Plan          string `json:"plan"`
	Agency        string `json:"agency"`
	Year          int    `json:"year"`
	FundingSource string `json:"funding_source"`
	Amount        int64  `json:"amount"`
}

func (a *API) setBudget(w http.ResponseWriter, r *http.Request, actor outreach.Actor) error {
	var in budgetInput
	if err := decode(r, &in); err != nil {
		return err
	}
	if err := a.store.SetBudgetEstimate(r.Context(), actor, in.Plan, in.Agency, in.Year, in.FundingSource, in.Amount); err != nil {
		return err
	}
	return writeJSON(w, http.StatusOK, in)
}

func (a *API) addQuantityKind(w http.ResponseWriter, r *http.Request, actor outreach.Actor) error {
	var in outreach.QuantityKind
	if err := decode(r, &in); err != nil {
		return err
	}
	if err := a.store.AddQuantityKind(r.Context(), actor, in); err != nil {
		return err
	}
	return writeJSON(w, http.StatusCreated, in)
}

// indicators computes a plan's targets for a year, a unit and a tree date.
func (a *API) indicators(w http.ResponseWriter, r *http.Request, _ outreach.Actor) error {
	q := r.URL.Query()
	if q.Get("plan") == "" {
		return outreach.Invalid("plan", "is required")
	}
	year, err := queryInt(r, "year")
	if err != nil {
		return err
	}
	set, err := a.store.Indicators(r.Context(), store.IndicatorQuery{Plan: q.Get("plan"), Year: year, Unit: q.Get("unit"), AsOf: q.Get("as_of")})
	if err != nil {
		return err
	}
	return writeJSON(w, http.StatusOK, set)
}
