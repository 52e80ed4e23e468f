// Package api is the JSON API, version 1, under /api/v1. Callers
// authenticate with "Authorization: Bearer TOKEN" (outreach token create)
// or the browser's session cookie. Errors are JSON objects with a message
// and, for bad input, the field.
package api

import (
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"strconv"
	"strings"

	"outreach/internal/outreach"
	"outreach/internal/planfile"
	"outreach/internal/reports"
	"outreach/internal/store"
)

// Authenticator says who makes a request.
type Authenticator func(r *http.Request) (outreach.User, outreach.Actor, error)

// API serves /api/v1.
type API struct {
	store   *store.Store
	reports *reports.Service
	auth    Authenticator
	log     *slog.Logger
	mux     *http.ServeMux
}

// New returns the API handler.
func New(s *store.Store, svc *reports.Service, auth Authenticator, log *slog.Logger) *API {
	a := &API{store: s, reports: svc, auth: auth, log: log, mux: http.NewServeMux()}
	a.mux.HandleFunc("GET /api/v1/plans", a.wrap(a.plans))
	a.mux.HandleFunc("POST /api/v1/plans", a.wrap(a.importPlan))
	a.mux.HandleFunc("GET /api/v1/plans/{code}", a.wrap(a.plan))
	a.mux.HandleFunc("GET /api/v1/plans/{code}/key-areas", a.wrap(a.keyAreas))
	a.mux.HandleFunc("POST /api/v1/plans/{code}/key-areas", a.wrap(a.setKeyArea))
	a.mux.HandleFunc("GET /api/v1/units", a.wrap(a.units))
	a.mux.HandleFunc("GET /api/v1/units/{code}/history", a.wrap(a.unitHistory))
	a.mux.HandleFunc("GET /api/v1/agencies", a.wrap(a.agencies))
	// An agency is addressed by owner and code (every province has its
	// own stttt); the code alone is settled in the caller's scope.
	a.mux.HandleFunc("PUT /api/v1/agencies/{owner}/{code}/contact", a.wrap(a.updateContact))
	a.mux.HandleFunc("PUT /api/v1/agencies/{code}/contact", a.wrap(a.updateContact))
	a.recordRoutes()
	a.reportRoutes()
	a.targetValueRoutes()
	a.mux.HandleFunc("/api/v1/", a.wrap(func(w http.ResponseWriter, r *http.Request, _ outreach.Actor) error {
		return errNotFound
	}))
	return a
}

var errNotFound = errors.Join(outreach.ErrNotFound, errors.New("no such endpoint"))

// ServeHTTP serves an API request.
func (a *API) ServeHTTP(w http.ResponseWriter, r *http.Request) { a.mux.ServeHTTP(w, r) }

type handler func(w http.ResponseWriter, r *http.Request, actor outreach.Actor) error

func (a *API) wrap(h handler) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		_, actor, err := a.auth(r)
		if err == nil {
			err = a.planInScope(r, actor)
		}
		if err == nil {
			err = h(w, r, actor)
		}
		if err != nil {
			a.writeError(w, r, err)
		}
	}
}

// Error is the body of every error response.
type Error struct {
	Error struct {
		Message  string             `json:"message"`
		Field    string             `json:"field,omitempty"`
		Problems []outreach.Problem `json:"problems,omitempty"`
	} `json:"error"`
}

// WriteError writes an error body with the status, for refusals made
// before a request reaches the API (the server's body limit).
func WriteError(w http.ResponseWriter, status int, message, field string) {
	var body Error
	body.Error.Message, body.Error.Field = message, field
	writeJSON(w, status, body)
}

func (a *API) writeError(w http.ResponseWriter, r *http.Request, err error) {
	status := http.StatusInternalServerError
	var tooBig *http.MaxBytesError
	switch {
	case errors.As(err, &tooBig):
		a.log.InfoContext(r.Context(), "api body too large", "path", r.URL.Path, "limit", tooBig.Limit)
		WriteError(w, http.StatusRequestEntityTooLarge, fmt.Sprintf("the request body is larger than the limit of %d MB", max(1, tooBig.Limit>>20)), "body")
		return
	case errors.Is(err, outreach.ErrUnauthorized):
		status = http.StatusUnauthorized
		w.Header().Set("WWW-Authenticate", `Bearer realm="outreach"`)
	case errors.Is(err, outreach.ErrForbidden):
		status = http.StatusForbidden
	case errors.Is(err, outreach.ErrNotFound):
		status = http.StatusNotFound
	case errors.Is(err, outreach.ErrInvalid):
		status = http.StatusBadRequest
	case errors.Is(err, outreach.ErrConflict):
		status = http.StatusConflict
	}
	var body Error
	body.Error.Message = store.PublicMessage(err)
	if status == http.StatusInternalServerError {
		a.log.ErrorContext(r.Context(), "api request failed", "method", r.Method, "path", r.URL.Path, "err", err)
		body.Error.Message = "internal error"
	}
	var v *outreach.ValidationError
	if errors.As(err, &v) {
		body.Error.Problems = v.Problems
		if len(v.Problems) > 0 {
			body.Error.Field = v.Problems[0].Field
			body.Error.Message = v.Problems[0].String()
		}
	}
	writeJSON(w, status, body)
}

func writeJSON(w http.ResponseWriter, status int, v any) error {
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	w.Header().Set("Cache-Control", "no-store")
	w.WriteHeader(status)
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	return enc.Encode(v)
}

func (a *API) plans(w http.ResponseWriter, r *http.Request, actor outreach.Actor) error {
	ps, err := a.store.PlansFor(r.Context(), actor)
	if err != nil {
		return err
	}
	if ps == nil {
		ps = []store.PlanSummary{}
	}
	return writeJSON(w, http.StatusOK, ps)
}

func (a *API) plan(w http.ResponseWriter, r *http.Request, _ outreach.Actor) error {
	p, err := a.store.Plan(r.Context(), r.PathValue("code"))
	if err != nil {
		return err
	}
	return writeJSON(w, http.StatusOK, p)
}

// MaxJSONBody bounds a JSON request body.
const MaxJSONBody = 1 << 20

// MaxPlanFile bounds a plan file sent to the API.
const MaxPlanFile = planfile.MaxSize

// importPlan takes a plan file (YAML) as the body and creates or updates
// the plan, as "outreach plan import" does.
func (a *API) importPlan(w http.ResponseWriter, r *http.Request, actor outreach.Actor) error {
	if !actor.CanEditPlans() {
		return actor.Forbidden("import a plan")
	}
	data, err := io.ReadAll(http.MaxBytesReader(w, r.Body, MaxPlanFile))
	var tooBig *http.MaxBytesError
	if errors.As(err, &tooBig) {
		return err
	}
	if err != nil {
		return outreach.Invalid("body", "the plan file is unreadable or larger than 2 MB: %v", err)
	}
	p, err := planfile.Parse("body", data)
	if err != nil {
		return err
	}
	res, err := a.store.ImportPlan(r.Context(), actor, p)
	if err != nil {
		return planfile.Locate("body", data, err)
	}
	status := http.StatusOK
	if res == store.PlanCreated {
		status = http.StatusCreated
	}
	return writeJSON(w, status, map[string]string{"code": p.Code, "result": string(res)})
}

func (a *API) units(w http.ResponseWriter, r *http.Request, _ outreach.Actor) error {
	asOf := r.URL.Query().Get("as_of")
	if asOf == "" {
		return outreach.Invalid("as_of", "is required: a date YYYY-MM-DD")
	}
	us, err := a.store.UnitsAsOf(r.Context(), asOf)
	if err != nil {
		return err
	}
	us, err = filterUnits(us, r.URL.Query().Get("level"), r.URL.Query().Get("parent"))
	if err != nil {
		return err
	}
	if us == nil {
		us = []outreach.Unit{}
	}
	return writeJSON(w, http.StatusOK, us)
}

// filterUnits keeps the units of one level (?level=1 provinces, …) and
// those below a unit in force that day (?parent=CODE, the unit itself
// excluded); both may be given.
func filterUnits(us []outreach.Unit, level, parent string) ([]outreach.Unit, error) {
	if level == "" && parent == "" {
		return us, nil
	}
	lv := 0
	if level != "" {
		n, err := strconv.Atoi(level)
		if err != nil || n < 1 {
			return nil, outreach.Invalid("level", "expected a level number (1 for provinces), got %q", level)
		}
		lv = n
	}
	prefix := ""
	if parent != "" {
		for _, u := range us {
			if u.Code == parent {
				prefix = u.Path + "/"
			}
		}
		if prefix == "" {
			return nil, outreach.Invalid("parent", "no unit %q was in force that day", parent)
		}
	}
	var out []outreach.Unit
	for _, u := range us {
		if (lv == 0 || u.Level == lv) && strings.HasPrefix(u.Path, prefix) {
			out = append(out, u)
		}
	}
	return out, nil
}

func (a *API) unitHistory(w http.ResponseWriter, r *http.Request, _ outreach.Actor) error {
	h, err := a.store.UnitHistory(r.Context(), r.PathValue("code"))
	if err != nil {
		return err
	}
	return writeJSON(w, http.StatusOK, h)
}

func (a *API) agencies(w http.ResponseWriter, r *http.Request, actor outreach.Actor) error {
	as, err := a.store.AgenciesFor(r.Context(), actor)
	if err != nil {
		return err
	}
	return writeJSON(w, http.StatusOK, as)
}

func decode(r *http.Request, v any) error {
	// The server bounds every body before it gets here; this bound keeps
	// the API safe when mounted on its own.
	dec := json.NewDecoder(http.MaxBytesReader(nil, r.Body, MaxJSONBody))
	dec.DisallowUnknownFields()
	if err := dec.Decode(v); err != nil {
		var tooBig *http.MaxBytesError
		if errors.As(err, &tooBig) {
			return err
		}
		return outreach.Invalid("body", "expected a JSON object: %v", err)
	}
	return nil
}

func (a *API) updateContact(w http.ResponseWriter, r *http.Request, actor outreach.Actor) error {
	var c store.Contact
	if err := decode(r, &c); err != nil {
		return err
	}
	// The agency at /agencies/{owner}/{code} (store.AgencyAddress), or
	// the code settled in the caller's scope; a code several owners the
	// caller sees use is refused with their addresses.
	address := r.PathValue("code")
	if owner := r.PathValue("owner"); owner != "" {
		address = owner + "/" + address
	}
	if err := a.store.UpdateContact(r.Context(), actor, address, c); err != nil {
		return err
	}
	ag, err := a.store.AgencyFor(r.Context(), actor, address)
	if err != nil {
		return err
	}
	return writeJSON(w, http.StatusOK, ag)
}

func (a *API) keyAreas(w http.ResponseWriter, r *http.Request, _ outreach.Actor) error {
	year := 0
	if y := r.URL.Query().Get("year"); y != "" {
		var err error
		if year, err = strconv.Atoi(y); err != nil {
			return outreach.Invalid("year", "expected a year, got %q", y)
		}
	}
	ks, err := a.store.KeyAreas(r.Context(), r.PathValue("code"), year)
	if err != nil {
		return err
	}
	if ks == nil {
		ks = []outreach.KeyArea{}
	}
	return writeJSON(w, http.StatusOK, ks)
}

type keyAreaInput struct {
	Unit    string   `json:"unit"`
	Year    int      `json:"year"`
	Reasons []string `json:"reasons"`
	Note    string   `json:"note"`
}

func (a *API) setKeyArea(w http.ResponseWriter, r *http.Request, actor outreach.Actor) error {
	var in keyAreaInput
	if err := decode(r, &in); err != nil {
		return err
	}
	if err := a.store.SetKeyArea(r.Context(), actor, r.PathValue("code"), in.Unit, in.Year, in.Reasons, in.Note); err != nil {
		return err
	}
	return writeJSON(w, http.StatusOK, in)
}

// planInScope refuses, as not found, a request about a plan outside the
// user's scope named in the address (/plans/{code}) or the query
// (?plan=). Plans named in a body and records addressed by id are the
// store's to refuse.
func (a *API) planInScope(r *http.Request, actor outreach.Actor) error {
	codes := r.URL.Query()["plan"]
	if strings.HasPrefix(r.URL.Path, "/api/v1/plans/") {
		codes = append(codes, r.PathValue("code"))
	}
	return a.store.PlansInScope(r.Context(), actor, codes)
}
