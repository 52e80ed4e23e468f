package store_test

import (
	"errors"
	"strings"
	"testing"
	"time"

	"outreach/internal/outreach"
	"outreach/internal/store"
	"outreach/internal/store/storetest"
)

// halfYear is a six-month round due on 25 June, its window from 15
// December to 14 June.
var halfYear = outreach.RoundRule{Round: outreach.RoundHalfYear, Deadline: "06-25", Cutoff: outreach.Cutoff{From: "12-15", To: "06-14"}}

// TestReportingUpward: a province's consolidated report goes up to the
// plan its plan serves. The ministry's coordinators accept or return it
// (the province's cannot, nor can another province see it); the ministry's
// board shows every serving plan's submission, on time or late by the
// ministry's own deadline for that period, with the serving plan's own
// agencies' completeness; rounds other than the annual one work the same
// way; a round with reports cannot be dropped.
func TestReportingUpward(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		rollupFixture(t, s)
		for _, code := range []string{"vn-de-an", "tn-2026"} {
			p, err := s.Plan(ctx, code)
			if err != nil {
				t.Fatal(err)
			}
			p.Reporting.Rounds = []outreach.RoundRule{halfYear}
			if code == "vn-de-an" {
				p.Reporting.Deadline = "12-25" // the ministry collects after the provinces
			}
			if _, err := s.ImportPlan(ctx, system, p); err != nil {
				t.Fatalf("%s with a six-month round: %v", code, err)
			}
		}
		actor := func(username, scope string) outreach.Actor {
			if _, err := s.CreateUser(ctx, system, store.NewUser{Username: username, Name: username, Role: outreach.RoleCoordinator, Scope: scope, Password: "mat-khau-dai-1"}); err != nil {
				t.Fatal(err)
			}
			_, a, err := s.Authenticate(ctx, username, "mat-khau-dai-1")
			if err != nil {
				t.Fatal(err)
			}
			return a
		}
		tn, hn, vn := actor("tn-coord", "19"), actor("hn-coord", "35"), actor("bo-coord", "VN")
		hanoi := time.FixedZone("ICT", 7*3600)
		s.Now = func() time.Time { return time.Date(2026, 12, 22, 10, 0, 0, 0, hanoi) }

		board := func(key outreach.PeriodKey) *store.Upward {
			t.Helper()
			u, err := s.UpwardBoard(ctx, vn, "vn-de-an", key)
			if err != nil {
				t.Fatal(err)
			}
			return u
		}
		states := func(u *store.Upward) map[string]string {
			out := map[string]string{}
			for _, r := range u.Rows {
				out[r.Plan.Code] = r.State()
			}
			return out
		}
		// 2026: Thái Nguyên's plan owes a report, Hà Nam's (2019–2020) none.
		u := board(outreach.Annual(2026))
		if st := states(u); st["tn-2026"] != "missing" || st["hn-2019"] != "none" || u.Expected != 1 || u.Missing != 1 {
			t.Fatalf("2026 board before: %v, expected %d missing %d", st, u.Expected, u.Missing)
		}
		if st := states(board(outreach.Annual(2020))); st["hn-2019"] != "missing" || st["tn-2026"] != "none" {
			t.Errorf("2020 board: %v", st)
		}

		// Thái Nguyên submits its consolidated report on 22 December:
		// after its own agencies' 20 December, before the ministry's 25th.
		c, err := s.OpenReport(ctx, tn, "tn-2026", "", outreach.Annual(2026), outreach.ReportConsolidated)
		if err != nil {
			t.Fatal(err)
		}
		if c.UpTo != "vn-de-an" {
			t.Errorf("the consolidated report goes up to %q", c.UpTo)
		}
		// A draft is the province's own until it is sent: the ministry sees
		// a report not yet started, whoever may edit the province sees it.
		if st := states(board(outreach.Annual(2026))); st["tn-2026"] != "missing" {
			t.Errorf("the ministry sees the province's draft: %v", st)
		}
		if all, err := s.UpwardBoard(ctx, system, "vn-de-an", outreach.Annual(2026)); err != nil || states(all)["tn-2026"] != "draft" {
			t.Errorf("the system does not see the draft: %v %v", err, all)
		}
		if _, err := s.ReportStep(ctx, tn, c.ID, outreach.StepSubmit, ""); err != nil {
			t.Fatal(err)
		}
		u = board(outreach.Annual(2026))
		if st := states(u); st["tn-2026"] != "submitted" || u.Submitted != 1 || u.OnTime != 1 || u.Late != 0 || u.Completeness != 100 {
			t.Errorf("2026 board after: %v, submitted %d on time %d late %d completeness %v", st, u.Submitted, u.OnTime, u.Late, u.Completeness)
		}
		for _, r := range u.Rows {
			if r.Plan.Code == "tn-2026" && (r.Agencies == 0 || r.AgenciesIn != 0) {
				t.Errorf("Thái Nguyên's agencies: %d of %d reported", r.AgenciesIn, r.Agencies)
			}
		}
		// The province cannot decide on its own report; another province
		// does not see it; the ministry is told and decides.
		if _, err := s.ReportStep(ctx, tn, c.ID, outreach.StepAccept, ""); !errors.Is(err, outreach.ErrForbidden) {
			t.Errorf("the province accepts its own report: %v", err)
		}
		if _, err := s.ReportStep(ctx, hn, c.ID, outreach.StepAccept, ""); !errors.Is(err, outreach.ErrNotFound) {
			t.Errorf("another province accepts it: %v", err)
		}
		if ns, err := s.Notices(ctx, vn, 10); err != nil || len(ns) != 1 || ns[0].Args[1] != "năm 2026" {
			t.Errorf("the ministry's notices: %+v %v", ns, err)
		}
		if ns, _ := s.Notices(ctx, tn, 10); len(ns) != 0 {
			t.Errorf("the province reads the ministry's notice: %+v", ns)
		}
		due, err := s.WhatsDue(ctx, vn)
		if err != nil {
			t.Fatal(err)
		}
		waiting := 0
		for _, d := range due {
			if d.Kind == "decide" && d.Plan == "vn-de-an" && d.Period == "2026" {
				waiting = d.Count
			}
		}
		if waiting != 1 {
			t.Errorf("the ministry has %d reports to decide, want 1: %+v", waiting, due)
		}
		for _, d := range due {
			if d.Plan == "tn-2026" {
				t.Errorf("the ministry is asked to act on the province's plan: %+v", d)
			}
		}
		if r, err := s.ReportStep(ctx, vn, c.ID, outreach.StepAccept, ""); err != nil || r.Status != outreach.ReportAccepted {
			t.Fatalf("the ministry accepts: %v", err)
		}
		// Accepted upstairs: no longer on the province's list.
		tnDue, err := s.WhatsDue(ctx, tn)
		if err != nil {
			t.Fatal(err)
		}
		for _, d := range tnDue {
			if d.Kind == "consolidate" && d.Period == "2026" {
				t.Errorf("the province still owes its accepted report: %+v", d)
			}
		}
		if u := board(outreach.Annual(2026)); u.Accepted != 1 {
			t.Errorf("accepted %d", u.Accepted)
		}

		// The six-month round: due 25 June; sent on 1 July it is late; the
		// ministry returns it with a reason and the province sends it again.
		s.Now = func() time.Time { return time.Date(2026, 7, 1, 9, 0, 0, 0, hanoi) }
		h1 := outreach.PeriodKey{Round: outreach.RoundHalfYear, Year: 2026}
		c1, err := s.OpenReport(ctx, tn, "tn-2026", "", h1, outreach.ReportConsolidated)
		if err != nil {
			t.Fatal(err)
		}
		if c1.ID == c.ID || c1.Round != outreach.RoundHalfYear {
			t.Fatalf("six-month report %+v is the annual one", c1)
		}
		if _, err := s.ReportStep(ctx, tn, c1.ID, outreach.StepSubmit, ""); err != nil {
			t.Fatal(err)
		}
		if _, err := s.ReportStep(ctx, vn, c1.ID, outreach.StepReturn, ""); !errors.Is(err, outreach.ErrInvalid) {
			t.Errorf("returned without a reason: %v", err)
		}
		if r, err := s.ReportStep(ctx, vn, c1.ID, outreach.StepReturn, "Thiếu số liệu tháng 6"); err != nil || r.Status != outreach.ReportReturned {
			t.Fatalf("the ministry returns: %v", err)
		}
		u = board(h1)
		if st := states(u); st["tn-2026"] != "returned" || u.Late != 1 || u.Returned != 1 {
			t.Errorf("six-month board: %v late %d returned %d", st, u.Late, u.Returned)
		}
		if _, err := s.ReportStep(ctx, tn, c1.ID, outreach.StepSubmit, ""); err != nil {
			t.Fatalf("sent again: %v", err)
		}
		// The province's own board of the round: its agencies owe the
		// six-month report by its own deadline.
		b, err := s.Board(ctx, "tn-2026", h1)
		if err != nil || b.Period.Due != "2026-06-25" || b.Expected == 0 || b.Consolidated == nil || b.Consolidated.ID != c1.ID {
			t.Errorf("Thái Nguyên's six-month board: %+v %v", b, err)
		}
		// No end-of-period round in this regime; no such period.
		if _, err := s.Board(ctx, "tn-2026", outreach.PeriodKey{Round: outreach.RoundFinal, Year: 2026}); !errors.Is(err, outreach.ErrInvalid) {
			t.Errorf("a round the regime lacks: %v", err)
		}
		// A round the ministry does not ask for: the province's
		// end-of-period report stays its own, issued like one of a plan
		// that serves none.
		p, err := s.Plan(ctx, "tn-2026")
		if err != nil {
			t.Fatal(err)
		}
		p.Reporting.Rounds = append(p.Reporting.Rounds, outreach.RoundRule{Round: outreach.RoundFinal, Deadline: "11-30"})
		if _, err := s.ImportPlan(ctx, system, p); err != nil {
			t.Fatal(err)
		}
		final := outreach.PeriodKey{Round: outreach.RoundFinal, Year: 2026}
		cf, err := s.OpenReport(ctx, tn, "tn-2026", "", final, outreach.ReportConsolidated)
		if err != nil || cf.UpTo != "" {
			t.Fatalf("end-of-period report %+v %v, want one going nowhere", cf, err)
		}
		if _, err := s.ReportStep(ctx, tn, cf.ID, outreach.StepSubmit, ""); err != nil {
			t.Fatal(err)
		}
		if _, err := s.ReportStep(ctx, vn, cf.ID, outreach.StepAccept, ""); !errors.Is(err, outreach.ErrForbidden) {
			t.Errorf("the ministry accepts a report it does not ask for: %v", err)
		}
		if _, err := s.ReportStep(ctx, tn, cf.ID, outreach.StepReopen, "Sửa số liệu"); err != nil {
			t.Errorf("the province reopens its own issued report: %v", err)
		}
		// The rounds have reports now: a re-import cannot drop them, nor
		// move the end-of-period year away from its report.
		p.Reporting.Rounds = []outreach.RoundRule{halfYear}
		if _, err := s.ImportPlan(ctx, system, p); !errors.Is(err, outreach.ErrInvalid) {
			t.Errorf("dropping a round with reports: %v", err)
		}
		p.Period.To = 2027
		p.Reporting.Rounds = []outreach.RoundRule{halfYear, {Round: outreach.RoundFinal, Deadline: "11-30"}}
		if _, err := s.ImportPlan(ctx, system, p); !errors.Is(err, outreach.ErrInvalid) || !strings.Contains(err.Error(), "2026-final") {
			t.Errorf("prolonging the plan moves its end-of-period report from 2026: %v", err)
		}
	})
}
