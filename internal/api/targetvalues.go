package api

import (
	"fmt"
	"net/http"
	"strconv"

	"outreach/internal/outreach"
)

// The values agencies report for the plan's reported targets, per report
// period, and the coordinators' decisions on them; the store checks who
// may do what, as for the web's page.
func (a *API) targetValueRoutes() {
	a.mux.HandleFunc("GET /api/v1/plans/{code}/target-values", a.wrap(a.targetValues))
	a.mux.HandleFunc("POST /api/v1/plans/{code}/target-values", a.wrap(a.submitTargetValue))
	a.mux.HandleFunc("POST /api/v1/plans/{code}/target-values/{id}/decision", a.wrap(a.decideTargetValue))
}

// targetValues lists a period's values (?period=2019, 2019-h1,
// 2020-final) and the reported targets without one.
func (a *API) targetValues(w http.ResponseWriter, r *http.Request, actor outreach.Actor) error {
	period := r.URL.Query().Get("period")
	if period == "" {
		return outreach.Invalid("period", "is required: ?period=2019 (or 2019-h1, 2020-final)")
	}
	sheet, err := a.store.TargetValues(r.Context(), actor, r.PathValue("code"), period)
	if err != nil {
		return err
	}
	return writeJSON(w, http.StatusOK, sheet)
}

// submitTargetValue takes {"target", "period", "numerator", "denominator"
// (0 or absent for a count), "evidence"}; a value submitted or returned
// before is replaced.
func (a *API) submitTargetValue(w http.ResponseWriter, r *http.Request, actor outreach.Actor) error {
	var in struct {
		Target      string   `json:"target"`
		Period      string   `json:"period"`
		Numerator   *float64 `json:"numerator"`
		Denominator float64  `json:"denominator"`
		Evidence    string   `json:"evidence"`
	}
	if err := decode(r, &in); err != nil {
		return err
	}
	if in.Numerator == nil {
		return outreach.Invalid("numerator", "is required")
	}
	v, err := a.store.SubmitTargetValue(r.Context(), actor, r.PathValue("code"), in.Target, in.Period, *in.Numerator, in.Denominator, in.Evidence)
	if err != nil {
		return err
	}
	return writeJSON(w, http.StatusOK, v)
}

// decideTargetValue takes {"decision": "accept"} or {"decision":
// "return", "reason": "…"}.
func (a *API) decideTargetValue(w http.ResponseWriter, r *http.Request, actor outreach.Actor) error {
	id, err := strconv.ParseInt(r.PathValue("id"), 10, 64)
	if err != nil {
		return errNotFound
	}
	var in struct {
		Decision string `json:"decision"`
		Reason   string `json:"reason"`
	}
	if err := decode(r, &in); err != nil {
		return err
	}
	if in.Decision != "accept" && in.Decision != "return" {
		return outreach.Invalid("decision", "expected accept or return, got %q", in.Decision)
	}
	// The value must be the plan's in the address (whose scope wrap
	// checked).
	v, err := a.store.TargetValue(r.Context(), actor, id)
	if err != nil {
		return err
	}
	if v.Plan != r.PathValue("code") {
		return fmt.Errorf("reported value %d of plan %s: %w", id, r.PathValue("code"), outreach.ErrNotFound)
	}
	if v, err = a.store.DecideTargetValue(r.Context(), actor, id, in.Decision == "accept", in.Reason); err != nil {
		return err
	}
	return writeJSON(w, http.StatusOK, v)
}
