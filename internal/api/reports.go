package api

import (
	"net/http"
	"strconv"
	"strings"
	"time"

	"outreach/internal/outreach"
	"outreach/internal/reports"
	"outreach/internal/store"
)

func (a *API) reportRoutes() {
	a.mux.HandleFunc("GET /api/v1/reports", a.wrap(a.listReports))
	a.mux.HandleFunc("POST /api/v1/reports", a.wrap(a.openReport))
	a.mux.HandleFunc("GET /api/v1/reports/board", a.wrap(a.board))
	a.mux.HandleFunc("GET /api/v1/reports/upward", a.wrap(a.upward))
	a.mux.HandleFunc("GET /api/v1/reports/consolidated/export", a.wrap(a.exportConsolidated))
	a.mux.HandleFunc("GET /api/v1/reports/{id}", a.wrap(a.report))
	a.mux.HandleFunc("PUT /api/v1/reports/{id}", a.wrap(a.saveReport))
	a.mux.HandleFunc("GET /api/v1/reports/{id}/export", a.wrap(a.exportReport))
	for _, step := range []string{outreach.StepSubmit, outreach.StepAccept, outreach.StepReturn, outreach.StepReopen} {
		a.mux.HandleFunc("POST /api/v1/reports/{id}/"+step, a.wrap(a.step(step)))
	}
}

// reportItem is a report in a list.
type reportItem struct {
	ID          int64      `json:"id"`
	Kind        string     `json:"kind"`
	Round       string     `json:"round"`
	Year        int        `json:"year"`
	Agency      string     `json:"agency"`
	AgencyName  string     `json:"agency_name"`
	Status      string     `json:"status"`
	SubmittedAt *time.Time `json:"submitted_at"`
	Late        bool       `json:"late"`
}

// planPeriod reads ?plan=CODE&year=YYYY[&round=half_year|final] (the
// annual round when round is absent) or ?plan=CODE&period=2019-h1.
func planPeriod(r *http.Request) (string, outreach.PeriodKey, error) {
	q := r.URL.Query()
	plan := q.Get("plan")
	if plan == "" {
		return "", outreach.PeriodKey{}, outreach.Invalid("plan", "expected ?plan=CODE&year=YYYY[&round=half_year|final] or ?plan=CODE&period=2019-h1")
	}
	if p := q.Get("period"); p != "" {
		key, err := outreach.ParsePeriodKey(p)
		return plan, key, err
	}
	year, err := strconv.Atoi(q.Get("year"))
	if err != nil {
		return "", outreach.PeriodKey{}, outreach.Invalid("year", "expected ?plan=CODE&year=YYYY[&round=half_year|final]")
	}
	round, err := outreach.ParseRound(q.Get("round"))
	return plan, outreach.PeriodKey{Round: round, Year: year}, err
}

func (a *API) listReports(w http.ResponseWriter, r *http.Request, actor outreach.Actor) error {
	plan, key, err := planPeriod(r)
	if err != nil {
		return err
	}
	list, err := a.store.Reports(r.Context(), actor, plan, key)
	if err != nil {
		return err
	}
	out := []reportItem{}
	for _, x := range list {
		out = append(out, reportItem{ID: x.ID, Kind: string(x.Kind), Round: string(x.Round), Year: x.Year, Agency: x.AgencyCode, AgencyName: x.AgencyName,
			Status: string(x.Status), SubmittedAt: x.SubmittedAt, Late: x.Late})
	}
	return writeJSON(w, http.StatusOK, map[string]any{"plan": plan, "year": key.Year, "round": key.Round, "period": key.String(), "total": len(out), "reports": out})
}

// openReport starts an agency's (or the consolidated) report, or returns
// the existing one: {"plan":…, "year":…, "round":… (annual when absent),
// "agency":… | "kind":"consolidated"}.
func (a *API) openReport(w http.ResponseWriter, r *http.Request, actor outreach.Actor) error {
	var in struct {
		Plan   string `json:"plan"`
		Year   int    `json:"year"`
		Round  string `json:"round"`
		Agency string `json:"agency"`
		Kind   string `json:"kind"`
	}
	if err := decode(r, &in); err != nil {
		return err
	}
	kind := outreach.ReportKind(in.Kind)
	if kind == "" {
		kind = outreach.ReportAgency
	}
	round, err := outreach.ParseRound(in.Round)
	if err != nil {
		return err
	}
	rep, err := a.store.OpenReport(r.Context(), actor, in.Plan, in.Agency, outreach.PeriodKey{Round: round, Year: in.Year}, kind)
	if err != nil {
		return err
	}
	return writeJSON(w, http.StatusOK, rep)
}

func (a *API) board(w http.ResponseWriter, r *http.Request, actor outreach.Actor) error {
	plan, key, err := planPeriod(r)
	if err != nil {
		return err
	}
	b, err := a.store.Board(r.Context(), plan, key)
	if err != nil {
		return err
	}
	type row struct {
		Agency   string `json:"agency"`
		Name     string `json:"name"`
		Expected bool   `json:"expected"`
		State    string `json:"state"`
		Late     bool   `json:"late"`
	}
	out := map[string]any{"plan": plan, "year": key.Year, "round": key.Round, "period": b.Period, "days_left": b.DaysLeft, "expected": b.Expected, "submitted": b.Submitted,
		"on_time": b.OnTime, "late": b.Late, "missing": b.Missing, "accepted": b.Accepted, "completeness": b.Completeness, "timeliness": b.Timeliness,
		"missing_names": b.MissingNames()}
	rows := []row{}
	for _, x := range b.Rows {
		st := x.State()
		late := false
		if x.Report != nil {
			late = x.Report.Late
			if x.Report.FirstSubmittedAt == nil && !actor.CanEditPlans() {
				st = "missing" // a draft is the agency's business
			}
		}
		rows = append(rows, row{Agency: x.Agency.Code, Name: x.Agency.Name, Expected: x.Expected, State: st, Late: late})
	}
	out["agencies"] = rows
	return writeJSON(w, http.StatusOK, out)
}

func reportIDOf(r *http.Request) (int64, error) {
	id, err := strconv.ParseInt(r.PathValue("id"), 10, 64)
	if err != nil {
		return 0, outreach.ErrNotFound
	}
	return id, nil
}

func (a *API) report(w http.ResponseWriter, r *http.Request, actor outreach.Actor) error {
	id, err := reportIDOf(r)
	if err != nil {
		return err
	}
	rep, err := a.store.Report(r.Context(), actor, id)
	if err != nil {
		return err
	}
	return writeJSON(w, http.StatusOK, rep)
}

func (a *API) saveReport(w http.ResponseWriter, r *http.Request, actor outreach.Actor) error {
	id, err := reportIDOf(r)
	if err != nil {
		return err
	}
	var in store.ReportEdit
	if err := decode(r, &in); err != nil {
		return err
	}
	rep, err := a.store.SaveReport(r.Context(), actor, id, in)
	if err != nil {
		return err
	}
	return writeJSON(w, http.StatusOK, rep)
}

// step takes a workflow step; return and reopen need {"reason": "…"}.
func (a *API) step(step string) handler {
	return func(w http.ResponseWriter, r *http.Request, actor outreach.Actor) error {
		id, err := reportIDOf(r)
		if err != nil {
			return err
		}
		var in struct {
			Reason string `json:"reason"`
		}
		if r.ContentLength != 0 {
			if err := decode(r, &in); err != nil {
				return err
			}
		}
		rep, err := a.reports.Step(r.Context(), actor, id, step, in.Reason)
		if err != nil {
			return err
		}
		return writeJSON(w, http.StatusOK, rep)
	}
}

func (a *API) exportReport(w http.ResponseWriter, r *http.Request, actor outreach.Actor) error {
	id, err := reportIDOf(r)
	if err != nil {
		return err
	}
	format := r.URL.Query().Get("format")
	name, data, err := a.reports.Export(r.Context(), actor, id, format)
	if err != nil {
		return err
	}
	return sendDocument(w, name, format, data)
}

func (a *API) exportConsolidated(w http.ResponseWriter, r *http.Request, actor outreach.Actor) error {
	plan, key, err := planPeriod(r)
	if err != nil {
		return err
	}
	format := r.URL.Query().Get("format")
	name, data, err := a.reports.ExportConsolidated(r.Context(), actor, plan, key, format)
	if err != nil {
		return err
	}
	return sendDocument(w, name, format, data)
}

func sendDocument(w http.ResponseWriter, name, format string, data []byte) error {
	w.Header().Set("Content-Type", reports.ContentType(strings.ToLower(format)))
	w.Header().Set("Content-Disposition", `attachment; filename="`+name+`"`)
	w.Header().Set("Content-Length", strconv.Itoa(len(data)))
	_, err := w.Write(data)
	return err
}

// upward is the board of the plans serving a plan (the provinces' plans
// serving the ministry's) for a period: each one's consolidated report,
// on time or late by this plan's deadline, and its own agencies' reports.
func (a *API) upward(w http.ResponseWriter, r *http.Request, actor outreach.Actor) error {
	plan, key, err := planPeriod(r)
	if err != nil {
		return err
	}
	u, err := a.store.UpwardBoard(r.Context(), actor, plan, key)
	if err != nil {
		return err
	}
	type row struct {
		Plan       string     `json:"plan"`
		Title      string     `json:"title"`
		Scope      string     `json:"scope"`
		State      string     `json:"state"`
		Report     int64      `json:"report,omitempty"`
		Submitted  *time.Time `json:"submitted_at,omitempty"`
		Late       bool       `json:"late"`
		Agencies   int        `json:"agencies_expected"`
		AgenciesIn int        `json:"agencies_submitted"`
	}
	rows := []row{}
	for _, x := range u.Rows {
		out := row{Plan: x.Plan.Code, Title: x.Plan.Title, Scope: x.Plan.Scope, State: x.State(), Agencies: x.Agencies, AgenciesIn: x.AgenciesIn}
		if rep := x.Report; rep != nil {
			out.Report, out.Submitted, out.Late = rep.ID, rep.FirstSubmittedAt, rep.Late
		}
		rows = append(rows, out)
	}
	return writeJSON(w, http.StatusOK, map[string]any{"plan": plan, "period": u.Period, "days_left": u.DaysLeft, "expected": u.Expected,
		"submitted": u.Submitted, "on_time": u.OnTime, "late": u.Late, "missing": u.Missing, "accepted": u.Accepted, "returned": u.Returned,
		"completeness": u.Completeness, "timeliness": u.Timeliness, "plans": rows})
}
