package web

import (
	"errors"
	"fmt"
	"net/http"
	"strconv"
	"time"

	"outreach/internal/i18n"
	"outreach/internal/outreach"
	"outreach/internal/reports"
	"outreach/internal/store"
)

// currentPeriod is the period most worth showing now: the one whose
// deadline is next (or passed less than a month ago), else the last.
func currentPeriod(p *outreach.Plan, now time.Time) outreach.PeriodKey {
	periods, err := p.ReportPeriods()
	if err != nil || len(periods) == 0 {
		return outreach.PeriodKey{Round: outreach.RoundAnnual, Year: p.Period.To}
	}
	for _, rp := range periods {
		if now.Before(rp.DueEnd.AddDate(0, 1, 0)) {
			return rp.Key()
		}
	}
	return periods[len(periods)-1].Key()
}

// periodKey reads the {period} of a path.
func periodKey(r *http.Request) (outreach.PeriodKey, error) {
	return outreach.ParsePeriodKey(r.PathValue("period"))
}

// reportsIndex sends the nav's "Reports" to the first plan's current board.
func (s *Server) reportsIndex(w http.ResponseWriter, r *http.Request) error {
	p, err := s.planFor(r)
	if err != nil {
		return err
	}
	http.Redirect(w, r, fmt.Sprintf("/plans/%s/reports/%s", p.Code, currentPeriod(p, s.now())), http.StatusSeeOther)
	return nil
}

type regimePage struct {
	Page
	Plan      *outreach.Plan
	Periods   []outreach.ReportPeriod
	Recipient outreach.Agency
	Reporters []outreach.Agency
	Current   outreach.PeriodKey
}

// AgencyName names one of the plan's agencies.
func (p regimePage) AgencyName(code string) string {
	a, _ := p.Plan.Agency(code)
	return a.Name
}

// regimePage shows the reporting regime as Decree 09/2019 lists a regime's
// elements, and its periods.
func (s *Server) regimePage(w http.ResponseWriter, r *http.Request) error {
	p, err := s.store.Plan(r.Context(), r.PathValue("code"))
	if err != nil {
		return err
	}
	pg := regimePage{Page: s.page(r, "regime.title", "reports"), Plan: p, Current: currentPeriod(p, s.now())}
	if pg.Periods, err = p.ReportPeriods(); err != nil {
		return err
	}
	pg.Recipient, _ = p.Agency(p.Reporting.Recipient)
	for _, c := range p.Reporting.Reporters {
		if a, ok := p.Agency(c); ok {
			pg.Reporters = append(pg.Reporters, a)
		}
	}
	return s.render(w, r, http.StatusOK, "regime", pg)
}

type boardPage struct {
	Page
	B       *store.Board
	Periods []outreach.ReportPeriod
	Own     string
	// Up is the board of the plans serving this one (the provinces'
	// consolidated reports on the ministry's plan); nil when none does.
	Up *store.Upward
	// Parent is the plan this one's consolidated report goes up to.
	Parent *outreach.Plan
}

// PeriodTab is a period's short name on the board's tabs: "2018",
// "6T/2019", "TK 2020".
func (p boardPage) PeriodTab(rp outreach.ReportPeriod) string {
	return p.T("reports.tab."+string(rp.Round), rp.Year)
}

// Heading names the board's period: the year for the annual round, the
// period in words for the others ("6 tháng đầu năm 2019").
func (p boardPage) Heading() string { return periodHeading(p.B.Period) }

// Heading names the report's period as the board does.
func (p reportPage) Heading() string { return periodHeading(p.Period) }

func periodHeading(rp outreach.ReportPeriod) string {
	if rp.Round == outreach.RoundAnnual {
		return strconv.Itoa(rp.Year)
	}
	return rp.Label
}

// DaysWord says how far the deadline is.
func (p boardPage) DaysWord() string { return daysWord(p.Page, p.B.DaysLeft) }

func daysWord(p Page, left int) string {
	switch {
	case left > 0:
		return p.T("reports.days_left", left)
	case left == 0:
		return p.T("reports.due_today")
	case left < -60:
		return p.T("reports.closed")
	}
	return p.T("reports.days_over", -left)
}

func (s *Server) boardPage(w http.ResponseWriter, r *http.Request) error {
	p, err := s.store.Plan(r.Context(), r.PathValue("code"))
	if err != nil {
		return err
	}
	key, err := periodKey(r)
	if err != nil {
		return err
	}
	b, err := s.store.Board(r.Context(), p.Code, key)
	if err != nil {
		return err
	}
	pg := boardPage{Page: s.page(r, "reports.title", "reports"), B: b}
	if pg.Periods, err = p.ReportPeriods(); err != nil {
		return err
	}
	up, err := s.store.UpwardBoard(r.Context(), currentActor(r), p.Code, key)
	if err != nil {
		return err
	}
	if len(up.Rows) > 0 {
		pg.Up = up
	}
	if p.Parent != "" {
		if pg.Parent, err = s.store.Plan(r.Context(), p.Parent); err != nil {
			return err
		}
	}
	if pg.Own, err = s.reporterAgency(r, p.Code); err != nil {
		return err
	}
	// Readers who may not see a draft see it as not sent.
	actor := currentActor(r)
	for i := range b.Rows {
		if rep := b.Rows[i].Report; rep != nil && !actor.CanEditPlans() && b.Rows[i].Agency.Code != pg.Own && rep.FirstSubmittedAt == nil {
			b.Rows[i].Report = nil
		}
	}
	return s.render(w, r, http.StatusOK, "board", pg)
}

// openReport starts (or finds) a report and goes to it.
func (s *Server) openReport(kind outreach.ReportKind) handler {
	return func(w http.ResponseWriter, r *http.Request) error {
		key, err := periodKey(r)
		if err != nil {
			return err
		}
		rep, err := s.store.OpenReport(r.Context(), currentActor(r), r.PathValue("code"), r.PathValue("agency"), key, kind)
		if err != nil {
			return err
		}
		http.Redirect(w, r, fmt.Sprintf("/reports/%d", rep.ID), http.StatusSeeOther)
		return nil
	}
}

// findReport goes to an existing report, or offers to start it.
func (s *Server) findReport(kind outreach.ReportKind) handler {
	return func(w http.ResponseWriter, r *http.Request) error {
		code := r.PathValue("code")
		key, err := periodKey(r)
		if err != nil {
			return err
		}
		list, err := s.store.Reports(r.Context(), currentActor(r), code, key)
		if err != nil {
			return err
		}
		for _, rep := range list {
			if rep.Kind == kind && (kind == outreach.ReportConsolidated || rep.AgencyCode == r.PathValue("agency")) {
				http.Redirect(w, r, fmt.Sprintf("/reports/%d", rep.ID), http.StatusSeeOther)
				return nil
			}
		}
		p, err := s.store.Plan(r.Context(), code)
		if err != nil {
			return err
		}
		rp, err := p.PeriodOf(key)
		if err != nil {
			return err
		}
		agency := r.PathValue("agency")
		if kind == outreach.ReportConsolidated {
			agency = rp.Recipient
		}
		a, ok := p.Agency(agency)
		if !ok {
			return fmt.Errorf("agency %q: %w", agency, outreach.ErrNotFound)
		}
		return s.render(w, r, http.StatusOK, "report_start", reportStartPage{Page: s.page(r, "report.start_title", "reports"), Plan: p, Agency: a, Period: rp, Kind: kind,
			Action: r.URL.Path})
	}
}

type reportStartPage struct {
	Page
	Plan   *outreach.Plan
	Agency outreach.Agency
	Period outreach.ReportPeriod
	Kind   outreach.ReportKind
	Action string
}

type reportPage struct {
	Page
	R    *outreach.Report
	Plan *outreach.Plan
	// Up is the plan a consolidated report goes up to, if any.
	Up       *outreach.Plan
	Period   outreach.ReportPeriod
	Board    string
	CanEdit  bool
	CanSend  bool
	CanRule  bool
	History  []outreach.AuditEntry
	Formats  []string
	DaysLeft int
}

// Days says how far the deadline is.
func (p reportPage) Days() string { return daysWord(p.Page, p.DaysLeft) }

// Editable reports whether the narrative form is open.
func (p reportPage) Editable() bool { return p.CanEdit && p.R.Status.Editable() }

// TaskGoal writes a task's goal in words.
func (p reportPage) TaskGoal(t outreach.TaskFig) string {
	if t.Goal == "" {
		return ""
	}
	return fmt.Sprintf("%s %s", i18n.Comparator(t.Goal), p.T("measure."+t.Measure))
}

// IndValue formats a target's value.
func (p reportPage) IndValue(ind outreach.Indicator) string {
	return dashboardPage{Page: p.Page}.Value(ind)
}

// IndGoal formats a target's milestone.
func (p reportPage) IndGoal(ind outreach.Indicator) string {
	return dashboardPage{Page: p.Page}.Goal(ind)
}

func reportID(r *http.Request) (int64, error) {
	id, err := strconv.ParseInt(r.PathValue("id"), 10, 64)
	if err != nil {
		return 0, fmt.Errorf("report %q: %w", r.PathValue("id"), outreach.ErrNotFound)
	}
	return id, nil
}

func (s *Server) reportPage(w http.ResponseWriter, r *http.Request) error {
	id, err := reportID(r)
	if err != nil {
		return err
	}
	actor := currentActor(r)
	rep, err := s.store.Report(r.Context(), actor, id)
	if err != nil {
		return err
	}
	p, err := s.store.Plan(r.Context(), rep.Plan)
	if err != nil {
		return err
	}
	pg := reportPage{Page: s.page(r, "report.title", "reports"), R: rep, Plan: p, Formats: reports.Formats,
		Board: fmt.Sprintf("/plans/%s/reports/%s", p.Code, rep.Key())}
	if pg.Period, err = p.PeriodOf(rep.Key()); err != nil {
		return err
	}
	pg.Title = fmt.Sprintf("%s · %s · %s", pg.T("report.title"), rep.AgencyName, periodHeading(pg.Period))
	pg.DaysLeft = pg.Period.DaysLeft(s.now())
	// The store decides, by the agency's id and the plans' owners: an
	// agency report is its agency's to write and the coordinators' to
	// decide; a consolidated report is the coordinators' to write, and one
	// going up to the plan its plan serves is decided there.
	var decide bool
	if pg.CanEdit, decide, err = s.store.ReportRights(r.Context(), actor, id); err != nil {
		return err
	}
	pg.CanRule = decide && (rep.Kind == outreach.ReportAgency || rep.UpTo != "")
	if rep.UpTo != "" {
		if pg.Up, err = s.store.Plan(r.Context(), rep.UpTo); err != nil {
			return err
		}
	}
	pg.CanSend = pg.CanEdit && rep.Status.Editable()
	if pg.History, err = s.store.ReportHistory(r.Context(), actor, id); err != nil {
		return err
	}
	return s.render(w, r, http.StatusOK, "report", pg)
}

func editFromForm(r *http.Request) store.ReportEdit {
	return store.ReportEdit{
		Number: r.PostFormValue("number"), SignerTitle: r.PostFormValue("signer_title"), SignerName: r.PostFormValue("signer_name"),
		Narrative: outreach.Narrative{Results: r.PostFormValue("results"), Shortcomings: r.PostFormValue("shortcomings"),
			Causes: r.PostFormValue("causes"), Proposals: r.PostFormValue("proposals")},
	}
}

// saveReport saves the narrative from the form (without script).
func (s *Server) saveReport(w http.ResponseWriter, r *http.Request) error {
	id, err := reportID(r)
	if err != nil {
		return err
	}
	if _, err := s.store.SaveReport(r.Context(), currentActor(r), id, editFromForm(r)); err != nil {
		return err
	}
	return seeOther(w, r, fmt.Sprintf("/reports/%d", id), langOf(r).T("report.saved"))
}

// autosaveReport saves as the user types: the page's script posts the
// form here and shows the answer; 204 means saved.
func (s *Server) autosaveReport(w http.ResponseWriter, r *http.Request) error {
	id, err := reportID(r)
	if err != nil {
		return err
	}
	if _, err := s.store.SaveReport(r.Context(), currentActor(r), id, editFromForm(r)); err != nil {
		status := http.StatusInternalServerError
		msg := langOf(r).T("report.autosave_failed")
		switch {
		case errors.Is(err, outreach.ErrConflict):
			status, msg = http.StatusConflict, langOf(r).T("report.locked")
		case errors.Is(err, outreach.ErrInvalid):
			status, msg = http.StatusUnprocessableEntity, langOf(r).T("err.invalid")+" "+store.PublicMessage(err)
		case errors.Is(err, outreach.ErrForbidden), errors.Is(err, outreach.ErrNotFound):
			status, msg = http.StatusForbidden, langOf(r).T("err.forbidden")
		default:
			s.log.Error("autosave report", "id", id, "err", err)
		}
		http.Error(w, msg, status)
		return nil
	}
	w.Header().Set("X-Saved-At", i18n.DateTime(s.now()))
	w.WriteHeader(http.StatusNoContent)
	return nil
}

// reportStep takes a workflow step from the page's buttons.
func (s *Server) reportStep(w http.ResponseWriter, r *http.Request) error {
	id, err := reportID(r)
	if err != nil {
		return err
	}
	step := r.PostFormValue("step")
	actor := currentActor(r)
	if step == outreach.StepSubmit {
		// The last words typed are saved with the submission.
		if rep, err := s.store.Report(r.Context(), actor, id); err == nil && rep.Status.Editable() && r.PostForm.Has("results") {
			if _, err := s.store.SaveReport(r.Context(), actor, id, editFromForm(r)); err != nil {
				return err
			}
		}
	}
	if _, err := s.reports.Step(r.Context(), actor, id, step, r.PostFormValue("reason")); err != nil {
		return err
	}
	return seeOther(w, r, fmt.Sprintf("/reports/%d", id), langOf(r).T("report.done."+step))
}

func (s *Server) exportReport(w http.ResponseWriter, r *http.Request) error {
	id, err := reportID(r)
	if err != nil {
		return err
	}
	name, data, err := s.reports.Export(r.Context(), currentActor(r), id, r.URL.Query().Get("format"))
	if err != nil {
		return err
	}
	return sendFile(w, name, r.URL.Query().Get("format"), data)
}

func (s *Server) exportConsolidated(w http.ResponseWriter, r *http.Request) error {
	key, err := periodKey(r)
	if err != nil {
		return err
	}
	format := r.URL.Query().Get("format")
	name, data, err := s.reports.ExportConsolidated(r.Context(), currentActor(r), r.PathValue("code"), key, format)
	if err != nil {
		return err
	}
	return sendFile(w, name, format, data)
}

type mailPage struct {
	Page
	Enabled  bool
	Mailings []store.Mailing
	Upcoming []reports.Reminder
}

// mailPage lists what was sent and what failed, and what the next run
// would send.
func (s *Server) mailPage(w http.ResponseWriter, r *http.Request) error {
	actor := currentActor(r)
	list, err := s.store.Mailings(r.Context(), actor, 200)
	if err != nil {
		return err
	}
	pg := mailPage{Page: s.page(r, "mail.title", "reports"), Enabled: s.reports.Mailer != nil, Mailings: list}
	if pg.Upcoming, err = s.reports.Reminders(r.Context(), s.now()); err != nil {
		return err
	}
	return s.render(w, r, http.StatusOK, "mail", pg)
}

func (s *Server) readNotices(w http.ResponseWriter, r *http.Request) error {
	if err := s.store.MarkNoticesRead(r.Context(), currentActor(r)); err != nil {
		return err
	}
	return seeOther(w, r, "/", "")
}
