package store_test

import (
	"errors"
	"testing"
	"time"

	"outreach/internal/outreach"
	"outreach/internal/store"
	"outreach/internal/store/storetest"
)

const plan = "bk-1368-2017"

func TestReportWorkflow(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		seeded(t, s)
		as := actors(t, s)
		hanoi, _ := time.LoadLocation("Asia/Ho_Chi_Minh")
		clock := time.Date(2019, 12, 1, 9, 0, 0, 0, hanoi)
		s.Now = func() time.Time { return clock }

		// Two activities of the police inside the 2019 window (15/12/2018
		// to 14/12/2019), one outside it.
		in := sampleActivity()
		in.StartDate, in.EndDate = "2018-12-15", "2018-12-16"
		in2 := sampleActivity()
		in2.StartDate, in2.EndDate, in2.Cost = "2019-12-14", "2019-12-14", 5_000_000
		out := sampleActivity()
		out.StartDate, out.EndDate = "2019-12-15", "2019-12-15"
		for _, a := range []outreach.Activity{in, in2, out} {
			if _, err := s.CreateActivity(ctx, as["police"], a); err != nil {
				t.Fatal(err)
			}
		}

		if _, err := s.OpenReport(ctx, as["union"], plan, "bk-ca", outreach.Annual(2019), outreach.ReportAgency); !errors.Is(err, outreach.ErrForbidden) {
			t.Errorf("the union starts the police's report: %v", err)
		}
		r, err := s.OpenReport(ctx, as["police"], plan, "bk-ca", outreach.Annual(2019), outreach.ReportAgency)
		if err != nil {
			t.Fatal(err)
		}
		if r.Status != outreach.ReportDraft || r.Figures == nil || r.Figures.Activities != 2 || r.Figures.Audience.Total != 240 {
			t.Fatalf("new report: %+v figures %+v", r, r.Figures)
		}
		if r.Figures.From != "2018-12-15" || r.Figures.To != "2019-12-14" {
			t.Errorf("window %s–%s", r.Figures.From, r.Figures.To)
		}
		var spent float64
		for _, f := range r.Figures.Spending {
			spent += f.Value
		}
		if spent != 20_000_000 {
			t.Errorf("spending %v, want 20,000,000", spent)
		}
		again, err := s.OpenReport(ctx, as["police"], plan, "bk-ca", outreach.Annual(2019), outreach.ReportAgency)
		if err != nil || again.ID != r.ID {
			t.Errorf("opening again gave %v, %v", again, err)
		}
		// Reading a draft is the agency's and the coordinator's business.
		if _, err := s.Report(ctx, as["union"], r.ID); !errors.Is(err, outreach.ErrNotFound) {
			t.Errorf("the union reads the police's draft: %v", err)
		}
		if _, err := s.Report(ctx, as["viewer"], r.ID); !errors.Is(err, outreach.ErrNotFound) {
			t.Errorf("a viewer reads a draft: %v", err)
		}
		edit := store.ReportEdit{Number: "12/BC-CAT", SignerTitle: "KT. GIÁM ĐỐC\nPHÓ GIÁM ĐỐC", SignerName: "Hoàng Văn A",
			Narrative: outreach.Narrative{Results: "Đã tổ chức 2 lớp tập huấn.", Proposals: "Bổ sung kinh phí."}}
		if _, err := s.SaveReport(ctx, as["union"], r.ID, edit); !errors.Is(err, outreach.ErrNotFound) {
			t.Errorf("the union edits the police's draft: %v", err)
		}
		for i := 0; i < 3; i++ { // typing: three saves, one audit entry
			if r, err = s.SaveReport(ctx, as["police"], r.ID, edit); err != nil {
				t.Fatal(err)
			}
		}
		if r.Number != "12/BC-CAT" || r.Narrative.Results != edit.Narrative.Results {
			t.Errorf("saved %+v", r)
		}
		if _, err := s.ReportStep(ctx, as["union"], r.ID, outreach.StepSubmit, ""); !errors.Is(err, outreach.ErrNotFound) && !errors.Is(err, outreach.ErrForbidden) {
			t.Errorf("the union submits the police's report: %v", err)
		}

		// Submitted at 23:59 on 20/12 in Hanoi: on time, locked, figures frozen.
		clock = time.Date(2019, 12, 20, 23, 59, 0, 0, hanoi)
		if r, err = s.ReportStep(ctx, as["police"], r.ID, outreach.StepSubmit, ""); err != nil {
			t.Fatal(err)
		}
		if r.Status != outreach.ReportSubmitted || r.Late || r.SubmittedAt == nil || !r.SubmittedAt.Equal(clock) {
			t.Errorf("submitted: %+v", r)
		}
		if _, err := s.SaveReport(ctx, as["police"], r.ID, edit); !errors.Is(err, outreach.ErrConflict) {
			t.Errorf("edit after submission: %v", err)
		}
		late := sampleActivity()
		late.StartDate, late.EndDate = "2019-06-01", "2019-06-01"
		if _, err := s.CreateActivity(ctx, as["police"], late); err != nil {
			t.Fatal(err)
		}
		if r, _ = s.Report(ctx, as["viewer"], r.ID); r == nil || r.Figures.Activities != 2 {
			t.Errorf("a submitted report's figures moved with later records (or the viewer cannot read it): %+v", r)
		}
		if _, err := s.ReportStep(ctx, as["police"], r.ID, outreach.StepAccept, ""); !errors.Is(err, outreach.ErrForbidden) {
			t.Errorf("the police accepts its own report: %v", err)
		}
		if _, err := s.ReportStep(ctx, as["coord"], r.ID, outreach.StepReturn, "  "); !errors.Is(err, outreach.ErrInvalid) {
			t.Errorf("return without a reason: %v", err)
		}
		clock = clock.Add(24 * time.Hour)
		if r, err = s.ReportStep(ctx, as["coord"], r.ID, outreach.StepReturn, "Thiếu số liệu xã"); err != nil || r.Status != outreach.ReportReturned || r.Reason != "Thiếu số liệu xã" {
			t.Fatalf("return: %+v %v", r, err)
		}
		if live, err := s.Report(ctx, as["police"], r.ID); err != nil || live.Figures.Activities != 3 {
			t.Errorf("a returned report's figures are not live again: %+v %v", live, err)
		}
		if _, err := s.SaveReport(ctx, as["police"], r.ID, edit); err != nil {
			t.Errorf("edit after return: %v", err)
		}
		// Resubmitted after the deadline: still on time, as it first came in before.
		if r, err = s.ReportStep(ctx, as["police"], r.ID, outreach.StepSubmit, ""); err != nil || r.Late {
			t.Errorf("resubmit: %+v %v", r, err)
		}
		if r, err = s.ReportStep(ctx, as["coord"], r.ID, outreach.StepAccept, ""); err != nil || r.Status != outreach.ReportAccepted {
			t.Errorf("accept: %+v %v", r, err)
		}
		if _, err := s.ReportStep(ctx, as["coord"], r.ID, outreach.StepReopen, ""); !errors.Is(err, outreach.ErrInvalid) {
			t.Errorf("reopen without a reason: %v", err)
		}
		if r, err = s.ReportStep(ctx, as["coord"], r.ID, outreach.StepReopen, "Sai số liệu kinh phí"); err != nil || r.Status != outreach.ReportReturned {
			t.Errorf("reopen: %+v %v", r, err)
		}
		if _, err := s.ReportStep(ctx, as["coord"], r.ID, outreach.StepAccept, ""); !errors.Is(err, outreach.ErrConflict) {
			t.Errorf("accept a returned report: %v", err)
		}

		// The union submits one minute after the deadline: late.
		u, err := s.OpenReport(ctx, as["union"], plan, "bk-hlhpn", outreach.Annual(2019), outreach.ReportAgency)
		if err != nil {
			t.Fatal(err)
		}
		clock = time.Date(2019, 12, 21, 0, 0, 0, 0, hanoi)
		if u, err = s.ReportStep(ctx, as["union"], u.ID, outreach.StepSubmit, ""); err != nil || !u.Late {
			t.Errorf("submitted at 00:00 on 21/12: %+v %v", u, err)
		}

		// The audit log has each step, and the typing as one entry.
		entries, err := s.ReportHistory(ctx, as["coord"], r.ID)
		if err != nil {
			t.Fatal(err)
		}
		count := map[string]int{}
		for _, e := range entries {
			count[e.Action]++
		}
		if count["create"] != 1 || count["update"] != 2 || count[outreach.StepSubmit] != 2 || count[outreach.StepReturn] != 1 || count[outreach.StepAccept] != 1 || count[outreach.StepReopen] != 1 {
			t.Errorf("audit actions %v", count)
		}
		notices, err := s.Notices(ctx, as["coord"], 10)
		if err != nil || len(notices) != 3 || notices[0].Kind != store.NoticeSubmitted {
			t.Errorf("notices %+v %v", notices, err)
		}

		b, err := s.Board(ctx, plan, outreach.Annual(2019))
		if err != nil {
			t.Fatal(err)
		}
		if b.Submitted != 2 || b.Late != 1 || b.OnTime != 1 || b.Missing != b.Expected-2 || b.Returned != 1 {
			t.Errorf("board: expected %d submitted %d on time %d late %d missing %d returned %d", b.Expected, b.Submitted, b.OnTime, b.Late, b.Missing, b.Returned)
		}
		if b.Expected < 15 || len(b.MissingNames()) != b.Missing {
			t.Errorf("expected %d, missing names %v", b.Expected, b.MissingNames())
		}
		for _, row := range b.Rows {
			if row.Agency.IsGroup() {
				t.Errorf("a group on the board: %s", row.Agency.Code)
			}
		}
	})
}

func TestConsolidatedReport(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		seeded(t, s)
		as := actors(t, s)
		if _, err := s.OpenReport(ctx, as["police"], plan, "", outreach.Annual(2019), outreach.ReportConsolidated); !errors.Is(err, outreach.ErrForbidden) {
			t.Errorf("an agency reporter starts the consolidated report: %v", err)
		}
		c, err := s.OpenReport(ctx, as["coord"], plan, "", outreach.Annual(2019), outreach.ReportConsolidated)
		if err != nil {
			t.Fatal(err)
		}
		if c.AgencyCode != "bk-stttt" || c.Figures == nil || c.Figures.Targets == nil {
			t.Errorf("consolidated: %+v", c)
		}
		if _, err := s.Report(ctx, as["viewer"], c.ID); !errors.Is(err, outreach.ErrNotFound) {
			t.Errorf("a viewer reads the consolidated draft: %v", err)
		}
		if c, err = s.ReportStep(ctx, as["coord"], c.ID, outreach.StepSubmit, ""); err != nil || c.Late {
			t.Fatalf("issue: %+v %v", c, err)
		}
		if _, err := s.Report(ctx, as["viewer"], c.ID); err != nil {
			t.Errorf("a viewer cannot read the issued consolidated report: %v", err)
		}
		if _, err := s.ReportStep(ctx, as["coord"], c.ID, outreach.StepAccept, ""); !errors.Is(err, outreach.ErrForbidden) {
			t.Errorf("accepting the consolidated report: %v", err)
		}
		if _, err := s.ReportStep(ctx, as["coord"], c.ID, outreach.StepReopen, ""); !errors.Is(err, outreach.ErrInvalid) {
			t.Errorf("reopening without a reason: %v", err)
		}
		if c, err = s.ReportStep(ctx, as["coord"], c.ID, outreach.StepReopen, "Sửa số liệu kinh phí"); err != nil || c.Status != outreach.ReportReturned {
			t.Errorf("reopen the issued consolidated report: %+v %v", c, err)
		}
	})
}

func TestWhatsDue(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		seeded(t, s)
		as := actors(t, s)
		hanoi, _ := time.LoadLocation("Asia/Ho_Chi_Minh")
		s.Now = func() time.Time { return time.Date(2019, 12, 6, 9, 0, 0, 0, hanoi) }
		due, err := s.WhatsDue(ctx, as["police"])
		if err != nil {
			t.Fatal(err)
		}
		var found bool
		for _, d := range due {
			if d.Kind == "report" && d.Year == 2019 {
				found = d.DaysLeft == 14 && d.Status == "missing"
			}
			if d.Year == 2020 || d.Year == 2017 {
				t.Errorf("due for a period not open now: %+v", d)
			}
		}
		if !found {
			t.Errorf("the police's 2019 report is not due 14 days ahead: %+v", due)
		}
		r, err := s.OpenReport(ctx, as["police"], plan, "bk-ca", outreach.Annual(2019), outreach.ReportAgency)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := s.ReportStep(ctx, as["police"], r.ID, outreach.StepSubmit, ""); err != nil {
			t.Fatal(err)
		}
		due, _ = s.WhatsDue(ctx, as["police"])
		for _, d := range due {
			if d.Kind == "report" && d.Year == 2019 {
				t.Errorf("still due after submission: %+v", d)
			}
		}
		due, _ = s.WhatsDue(ctx, as["coord"])
		kinds := map[string]int{}
		for _, d := range due {
			if d.Year == 2019 {
				kinds[d.Kind] = d.Count
			}
		}
		if kinds["decide"] != 1 {
			t.Errorf("coordinator's due list %+v", due)
		}
		if _, ok := kinds["consolidate"]; !ok {
			t.Errorf("the consolidated report is not on the coordinator's list: %+v", due)
		}
		if due, _ := s.WhatsDue(ctx, as["viewer"]); len(due) != 0 {
			t.Errorf("a viewer owes %+v", due)
		}
	})
}

func TestMailingsOnce(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		seeded(t, s)
		m := store.Mailing{Plan: plan, Agency: "bk-ca", Year: 2019, Kind: "due-7", Recipients: []string{"a@x.vn"}, Subject: "Nhắc hạn"}
		ok, err := s.ClaimMailing(ctx, &m)
		if err != nil || !ok {
			t.Fatalf("first claim %v %v", ok, err)
		}
		if again := m; true {
			if ok, err := s.ClaimMailing(ctx, &again); ok || err != nil {
				t.Errorf("claimed twice: %v %v", ok, err)
			}
		}
		if err := s.FinishMailing(ctx, m.ID, errors.New("550 no such user")); err != nil {
			t.Fatal(err)
		}
		for i := 2; i <= store.MaxAttempts; i++ {
			if ok, err := s.ClaimMailing(ctx, &m); !ok || err != nil {
				t.Errorf("retry %d: %v %v", i, ok, err)
			}
			s.FinishMailing(ctx, m.ID, errors.New("550 no such user"))
		}
		if ok, _ := s.ClaimMailing(ctx, &m); ok {
			t.Errorf("claimed after %d failures", store.MaxAttempts)
		}
		if sent, _ := s.MailingSent(ctx, plan, "bk-ca", 2019, "due-7", ""); !sent {
			t.Errorf("a given-up mailing would be sent again by a dry run")
		}
		// Eight runs racing for one new mailing: exactly one sends it.
		race := store.Mailing{Plan: plan, Agency: "bk-ca", Year: 2019, Kind: "due-1", Recipients: []string{"a@x.vn"}, Subject: "Nhắc hạn"}
		wins := make(chan bool, 8)
		for i := 0; i < 8; i++ {
			go func() {
				m := race
				ok, err := s.ClaimMailing(ctx, &m)
				if err != nil {
					t.Errorf("racing claim: %v", err)
				}
				wins <- ok
			}()
		}
		won := 0
		for i := 0; i < 8; i++ {
			if <-wins {
				won++
			}
		}
		if won != 1 {
			t.Errorf("%d of 8 racing runs claimed the same mailing", won)
		}
		list, err := s.Mailings(ctx, outreach.SystemActor("test"), 10)
		if err != nil || len(list) != 2 || list[1].Status != store.MailFailed || list[1].Attempts != store.MaxAttempts {
			t.Errorf("mail log %+v %v", list, err)
		}
	})
}
