package web

import (
	"fmt"
	"math"
	"net/http"
	"strconv"
	"strings"

	"outreach/internal/i18n"
	"outreach/internal/outreach"
	"outreach/internal/store"
	"outreach/internal/tabular"
)

// The reported targets' page: for a report period, the responsible
// agency's focal point enters the value of each of its reported targets
// (numerator, denominator, evidence), and the coordinators accept or
// return the values. The store decides who may do what.

type targetValuesPage struct {
	Page
	Plan    *outreach.Plan
	Sheet   *store.TargetValueSheet
	Rows    []store.TargetValueRow
	Periods []outreach.ReportPeriod
	Period  outreach.ReportPeriod
	// Form is what was typed for one target, shown again with Problems
	// when it was refused.
	Form     targetValueForm
	Problems map[string]string
	// ReturnFor is the value whose return was refused, with the problem.
	ReturnFor     int64
	ReturnProblem string
}

type targetValueForm struct {
	Target, Numerator, Denominator, Evidence string
}

// PeriodTab is a period's short name on the tabs, as on the board.
func (p targetValuesPage) PeriodTab(rp outreach.ReportPeriod) string {
	return p.T("reports.tab."+string(rp.Round), rp.Year)
}

// Heading names the period.
func (p targetValuesPage) Heading() string { return periodHeading(p.Period) }

// Input is the value of a field of a target's form: what was typed when
// the form was refused, else the stored value.
func (p targetValuesPage) Input(row store.TargetValueRow, field string) string {
	if p.Form.Target == row.Target {
		switch field {
		case "numerator":
			return p.Form.Numerator
		case "denominator":
			return p.Form.Denominator
		case "evidence":
			return p.Form.Evidence
		}
	}
	v := row.Value
	if v == nil {
		return ""
	}
	switch field {
	case "numerator":
		return i18n.Number(v.Numerator)
	case "denominator":
		return i18n.Number(v.Denominator)
	case "evidence":
		return v.Evidence
	}
	return ""
}

// Problem is the problem of a field of a target's refused form.
func (p targetValuesPage) Problem(target, field string) string {
	if p.Form.Target != target {
		return ""
	}
	return p.Problems[field]
}

// Shown writes a value: "45 / 50 = 90 %", or the numerator of a count.
func (p targetValuesPage) Shown(v *store.TargetValue) string {
	if pc := v.Percent(); pc != nil {
		return fmt.Sprintf("%s / %s = %s %%", i18n.Number(v.Numerator), i18n.Number(v.Denominator), i18n.Number(math.Round(*pc*10)/10))
	}
	return fmt.Sprintf("%s (%s)", i18n.Number(v.Numerator), p.T("tv.count"))
}

// targetsIndex sends /plans/{code}/targets to the current period's page.
func (s *Server) targetsIndex(w http.ResponseWriter, r *http.Request) error {
	p, err := s.store.Plan(r.Context(), r.PathValue("code"))
	if err != nil {
		return err
	}
	http.Redirect(w, r, targetValuesPath(p.Code, currentPeriod(p, s.now()).String()), http.StatusSeeOther)
	return nil
}

func targetValuesPath(plan, period string) string {
	return fmt.Sprintf("/plans/%s/reports/%s/targets", plan, period)
}

// targetValues handles GET /plans/{code}/reports/{period}/targets.
func (s *Server) targetValues(w http.ResponseWriter, r *http.Request) error {
	return s.renderTargetValues(w, r, http.StatusOK, targetValuesPage{})
}

// renderTargetValues shows the page, with what a refused form carried.
func (s *Server) renderTargetValues(w http.ResponseWriter, r *http.Request, status int, pg targetValuesPage) error {
	sheet, err := s.store.TargetValues(r.Context(), currentActor(r), r.PathValue("code"), r.PathValue("period"))
	if err != nil {
		return err
	}
	p, err := s.store.Plan(r.Context(), sheet.Plan)
	if err != nil {
		return err
	}
	key, err := outreach.ParsePeriodKey(sheet.Period)
	if err != nil {
		return err
	}
	pg.Page, pg.Plan, pg.Sheet, pg.Rows = s.page(r, "tv.title", "reports"), p, sheet, sheet.Rows()
	if pg.Period, err = p.PeriodOf(key); err != nil {
		return err
	}
	if pg.Periods, err = p.ReportPeriods(); err != nil {
		return err
	}
	pg.Title = pg.T("tv.title") + " · " + periodHeading(pg.Period)
	return s.render(w, r, status, "targetvalues", pg)
}

// submitTargetValue handles POST /plans/{code}/reports/{period}/targets:
// one target's numerator, denominator and evidence.
func (s *Server) submitTargetValue(w http.ResponseWriter, r *http.Request) error {
	f := targetValueForm{Target: r.PostFormValue("target"), Numerator: strings.TrimSpace(r.PostFormValue("numerator")),
		Denominator: strings.TrimSpace(r.PostFormValue("denominator")), Evidence: r.PostFormValue("evidence")}
	problems := map[string]string{}
	number := func(field, raw string) float64 {
		n, err := tabular.ParseNumber(raw)
		if err != nil {
			problems[field] = err.Error()
		}
		return n
	}
	n := number("numerator", f.Numerator)
	var d float64 // a count leaves the denominator empty
	if f.Denominator != "" {
		d = number("denominator", f.Denominator)
	}
	refused := func(problems map[string]string) error {
		return s.renderTargetValues(w, r, http.StatusUnprocessableEntity, targetValuesPage{Form: f, Problems: problems})
	}
	if len(problems) > 0 {
		return refused(problems)
	}
	v, err := s.store.SubmitTargetValue(r.Context(), currentActor(r), r.PathValue("code"), f.Target, r.PathValue("period"), n, d, f.Evidence)
	if msgs, ok := valueProblems(langOf(r), err); ok {
		return refused(msgs)
	}
	if err != nil {
		return err
	}
	return seeOther(w, r, targetValuesPath(v.Plan, v.Period)+"#t-"+v.Target, langOf(r).T("tv.saved", v.Target))
}

// valueProblems is problems for the forms of the page, when every
// problem is with a field they show (numerator, denominator, evidence,
// a return's reason); a problem with another field (the target, the
// period) is not the form's and stays an error.
func valueProblems(l i18n.Lang, err error) (map[string]string, bool) {
	msgs, ok := problems(l, "targetvalue", err)
	if !ok {
		return nil, false
	}
	for field := range msgs {
		if field != "numerator" && field != "denominator" && field != "evidence" && field != "reason" {
			return nil, false
		}
	}
	return msgs, true
}

// decideTargetValue handles POST
// /plans/{code}/reports/{period}/targets/{id}/decision: decision=accept,
// or decision=return with a reason.
func (s *Server) decideTargetValue(w http.ResponseWriter, r *http.Request) error {
	id, err := strconv.ParseInt(r.PathValue("id"), 10, 64)
	if err != nil {
		return fmt.Errorf("reported value %q: %w", r.PathValue("id"), outreach.ErrNotFound)
	}
	// The value must be the plan's in the address (whose scope the
	// server checked).
	if v, err := s.store.TargetValue(r.Context(), currentActor(r), id); err != nil {
		return err
	} else if v.Plan != r.PathValue("code") {
		return fmt.Errorf("reported value %d of plan %s: %w", id, r.PathValue("code"), outreach.ErrNotFound)
	}
	var accept bool
	switch r.PostFormValue("decision") {
	case "accept":
		accept = true
	case "return":
	default:
		return outreach.Invalid("decision", "expected accept or return, got %q", r.PostFormValue("decision"))
	}
	v, err := s.store.DecideTargetValue(r.Context(), currentActor(r), id, accept, r.PostFormValue("reason"))
	if msgs, ok := valueProblems(langOf(r), err); ok {
		return s.renderTargetValues(w, r, http.StatusUnprocessableEntity, targetValuesPage{ReturnFor: id, ReturnProblem: msgs["reason"]})
	}
	if err != nil {
		return err
	}
	flash := "tv.accepted"
	if !accept {
		flash = "tv.returned"
	}
	return seeOther(w, r, targetValuesPath(v.Plan, v.Period)+"#t-"+v.Target, langOf(r).T(flash, v.Target))
}
