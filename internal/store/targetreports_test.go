package store_test

import (
	"errors"
	"math"
	"strings"
	"testing"
	"time"

	"outreach/internal/outreach"
	"outreach/internal/store"
	"outreach/internal/store/storetest"
)

// addReported adds reported targets to a stored plan and imports it again.
func addReported(t *testing.T, s *store.Store, code string, targets ...outreach.Target) {
	t.Helper()
	p, err := s.Plan(ctx, code)
	if err != nil {
		t.Fatal(err)
	}
	p.Targets = append(p.Targets, targets...)
	if _, err := s.ImportPlan(ctx, system, p); err != nil {
		t.Fatalf("plan %s with reported targets: %v", code, err)
	}
}

// reportedFixture gives the built-in plan two reported targets: the
// share of tip-offs handled, reported by the police, and a count of
// officials trained, reported by the women's union.
func reportedFixture(t *testing.T, s *store.Store) {
	t.Helper()
	seeded(t, s)
	addReported(t, s, plan,
		outreach.Target{Code: "II.2.4", Text: "100 % số tin báo, tố giác được xử lý", Kind: outreach.KindReported, Agency: "bk-ca",
			Milestones: []outreach.Milestone{{Year: 2020, Comparator: "=", Value: 100}}},
		outreach.Target{Code: "II.2.5", Text: "Số cán bộ được tập huấn", Kind: outreach.KindReported, Agency: "bk-hlhpn",
			Milestones: []outreach.Milestone{{Year: 2020, Comparator: ">=", Value: 50}}})
}

func TestReportedTargetRoundTrip(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		reportedFixture(t, s)
		p, err := s.Plan(ctx, plan)
		if err != nil {
			t.Fatal(err)
		}
		if got, _ := p.Target("II.2.4"); got.Agency != "bk-ca" {
			t.Errorf("stored agency %q, want bk-ca", got.Agency)
		}
		if res, err := s.ImportPlan(ctx, system, p); err != nil || res != store.PlanUnchanged {
			t.Errorf("import again: %v %v, want unchanged", res, err)
		}
		p.Targets[len(p.Targets)-1].Agency = "bk-ca"
		if res, err := s.ImportPlan(ctx, system, p); err != nil || res != store.PlanUpdated {
			t.Errorf("import with another agency: %v %v, want updated", res, err)
		}
	})
}

func TestTargetValueWorkflow(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		reportedFixture(t, s)
		as := actors(t, s)
		clock := time.Date(2019, 12, 10, 3, 0, 0, 0, time.UTC)
		s.Now = func() time.Time { return clock }
		submit := func(who, target, period string, n, d float64, evidence string) (*store.TargetValue, error) {
			return s.SubmitTargetValue(ctx, as[who], plan, target, period, n, d, evidence)
		}

		// Who may report: the agency's reporters and the coordinators.
		for _, who := range []string{"union", "viewer", "narI"} {
			if _, err := submit(who, "II.2.4", "2019", 45, 50, ""); !errors.Is(err, outreach.ErrForbidden) {
				t.Errorf("%s reports the police's value: %v", who, err)
			}
		}
		// What may be reported.
		for _, c := range []struct {
			name, target, period string
			n, d                 float64
			field                string
		}{
			{"a computed target", "II.2.1", "2019", 1, 2, "target"},
			{"an unknown target", "II.9", "2019", 1, 2, "target"},
			{"a year outside the plan", "II.2.4", "2016", 1, 2, "period"},
			{"a round the regime lacks", "II.2.4", "2019-h1", 1, 2, "period"},
			{"not a period", "II.2.4", "năm 2019", 1, 2, "period"},
			{"more than the denominator", "II.2.4", "2019", 51, 50, "numerator"},
			{"a negative numerator", "II.2.4", "2019", -1, 50, "numerator"},
			{"a negative denominator", "II.2.4", "2019", 1, -50, "denominator"},
			{"not a number", "II.2.4", "2019", math.NaN(), 50, "numerator"},
		} {
			_, err := submit("police", c.target, c.period, c.n, c.d, "")
			var v *outreach.ValidationError
			if !errors.As(err, &v) || v.Problems[0].Field != c.field {
				t.Errorf("%s: %v, want a problem with %s", c.name, err, c.field)
			}
		}
		if _, err := submit("police", "II.2.4", "2019", 1, 2, strings.Repeat("x", 2001)); !errors.Is(err, outreach.ErrInvalid) {
			t.Errorf("evidence of 2001 characters: %v", err)
		}

		v, err := submit("police", "II.2.4", "2019", 45, 50, "  Báo cáo số 12/BC-CAT  ")
		if err != nil {
			t.Fatal(err)
		}
		if v.State != store.TargetValueSubmitted || v.Evidence != "Báo cáo số 12/BC-CAT" || v.AgencyName != "Công an tỉnh" || v.Text == "" ||
			v.SubmittedBy != "police" || !v.SubmittedAt.Equal(clock) || !v.MaySubmit || v.MayDecide {
			t.Errorf("submitted %+v", v)
		}
		// A count: no denominator.
		if _, err := submit("union", "II.2.5", "2019", 35, 0, ""); err != nil {
			t.Errorf("a count: %v", err)
		}

		// Everyone who sees the plan reads the sheet; a target without a
		// value for the period is listed as missing.
		sheet, err := s.TargetValues(ctx, as["viewer"], plan, "2020")
		if err != nil {
			t.Fatal(err)
		}
		if len(sheet.Values) != 0 || len(sheet.Missing) != 2 || sheet.Missing[0].Target != "II.2.4" || sheet.Missing[0].AgencyName != "Công an tỉnh" ||
			sheet.Missing[0].MaySubmit || sheet.MayDecide || sheet.Label != "năm 2020" {
			t.Errorf("2020 sheet for a viewer: %+v", sheet)
		}
		sheet, err = s.TargetValues(ctx, as["police"], plan, "2019")
		if err != nil {
			t.Fatal(err)
		}
		if len(sheet.Values) != 2 || sheet.Values[0].Target != "II.2.4" || !sheet.Values[0].MaySubmit || sheet.Values[1].MaySubmit || len(sheet.Missing) != 0 {
			t.Errorf("2019 sheet for the police: %+v", sheet)
		}
		if rows := sheet.Rows(); len(rows) != 2 || rows[0].Value == nil || rows[1].Target != "II.2.5" {
			t.Errorf("rows %+v", rows)
		}
		if _, err := s.TargetValues(ctx, as["viewer"], plan, "2021"); !errors.Is(err, outreach.ErrInvalid) {
			t.Errorf("a period outside the plan: %v", err)
		}

		// Resubmitting replaces the value, under the same id.
		again, err := submit("police", "II.2.4", "2019", 46, 50, "Báo cáo số 12/BC-CAT")
		if err != nil || again.ID != v.ID || again.Numerator != 46 || again.State != store.TargetValueSubmitted {
			t.Fatalf("resubmitted: %+v %v", again, err)
		}

		// Deciding is the coordinators'.
		if _, err := s.DecideTargetValue(ctx, as["police"], v.ID, true, ""); !errors.Is(err, outreach.ErrForbidden) {
			t.Errorf("the police accepts its own value: %v", err)
		}
		if _, err := s.DecideTargetValue(ctx, as["coord"], v.ID, false, "  "); !errors.Is(err, outreach.ErrInvalid) {
			t.Errorf("return without a reason: %v", err)
		}
		if _, err := s.DecideTargetValue(ctx, as["coord"], 999999, true, ""); !errors.Is(err, outreach.ErrNotFound) {
			t.Errorf("an unknown value: %v", err)
		}
		r, err := s.DecideTargetValue(ctx, as["coord"], v.ID, false, "Thiếu số liệu quý IV")
		if err != nil || r.State != store.TargetValueReturned || r.Reason != "Thiếu số liệu quý IV" || r.DecidedBy != "coord" || r.DecidedAt == nil {
			t.Fatalf("returned: %+v %v", r, err)
		}
		if _, err := s.DecideTargetValue(ctx, as["coord"], v.ID, true, ""); !errors.Is(err, outreach.ErrConflict) {
			t.Errorf("accepting a returned value: %v", err)
		}
		if r, err = submit("police", "II.2.4", "2019", 48, 50, "Báo cáo số 15/BC-CAT"); err != nil || r.State != store.TargetValueSubmitted || r.Reason != "" || r.DecidedAt != nil {
			t.Fatalf("resubmitted after return: %+v %v", r, err)
		}
		if r, err = s.DecideTargetValue(ctx, as["coord"], v.ID, true, ""); err != nil || r.State != store.TargetValueAccepted {
			t.Fatalf("accepted: %+v %v", r, err)
		}
		if r.MaySubmit != true || r.MayDecide != true {
			t.Errorf("a coordinator's rights on an accepted value: %+v", r)
		}

		// An accepted value is the coordinators' to change.
		if _, err := submit("police", "II.2.4", "2019", 50, 50, ""); !errors.Is(err, outreach.ErrConflict) || !strings.Contains(err.Error(), "only a coordinator") {
			t.Errorf("the police changes an accepted value: %v", err)
		}
		if sheet, _ = s.TargetValues(ctx, as["police"], plan, "2019"); sheet.Values[0].MaySubmit {
			t.Errorf("the police may still change an accepted value: %+v", sheet.Values[0])
		}
		if _, err := s.DecideTargetValue(ctx, as["coord"], v.ID, true, ""); !errors.Is(err, outreach.ErrConflict) {
			t.Errorf("accepting twice: %v", err)
		}
		if r, err = submit("coord", "II.2.4", "2019", 49, 50, "Báo cáo số 15/BC-CAT (đính chính)"); err != nil || r.State != store.TargetValueSubmitted || r.Numerator != 49 {
			t.Fatalf("a coordinator's correction: %+v %v", r, err)
		}

		// Every change is in the audit log.
		entries, _, err := s.AuditLog(ctx, system, 100, 0)
		if err != nil {
			t.Fatal(err)
		}
		n := map[string]int{}
		for _, e := range entries {
			if e.Entity == "target_value" {
				n[e.Action]++
			}
		}
		if n["submit"] != 5 || n["return"] != 1 || n["accept"] != 1 {
			t.Errorf("audit rows %v, want 5 submit, 1 return, 1 accept", n)
		}
	})
}

// TestReportedIndicator: an accepted value is the target's indicator for
// the year of its period, from the moment it is accepted (the dashboard
// too), and not before.
func TestReportedIndicator(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		reportedFixture(t, s)
		as := actors(t, s)
		find := func(inds []outreach.Indicator, code string) outreach.Indicator {
			t.Helper()
			for _, ind := range inds {
				if ind.Code == code {
					return ind
				}
			}
			t.Fatalf("no indicator %s", code)
			return outreach.Indicator{}
		}
		ind := func(year int, code string) outreach.Indicator {
			t.Helper()
			set, err := s.Indicators(ctx, store.IndicatorQuery{Plan: plan, Year: year})
			if err != nil {
				t.Fatal(err)
			}
			return find(set.Indicators, code)
		}
		dash := func(year int, code string) outreach.Indicator {
			t.Helper()
			d, err := s.Dashboard(ctx, store.IndicatorQuery{Plan: plan, Year: year})
			if err != nil {
				t.Fatal(err)
			}
			return find(d.Indicators, code)
		}
		if got := dash(2019, "II.2.4"); got.Value != nil {
			t.Fatalf("before any report: %s", got)
		}
		v, err := s.SubmitTargetValue(ctx, as["police"], plan, "II.2.4", "2019", 45, 50, "Báo cáo số 12/BC-CAT")
		if err != nil {
			t.Fatal(err)
		}
		if got := ind(2019, "II.2.4"); got.Value != nil || !strings.Contains(got.Note, "no accepted report") {
			t.Errorf("submitted, not accepted: %s (%s)", got, got.Note)
		}
		if got := dash(2019, "II.2.4"); got.Value != nil {
			t.Errorf("dashboard, submitted, not accepted: %s", got)
		}
		if _, err := s.DecideTargetValue(ctx, as["coord"], v.ID, true, ""); err != nil {
			t.Fatal(err)
		}
		got := ind(2019, "II.2.4")
		if got.Value == nil || *got.Value != 90 || got.Numerator != 45 || got.Denominator != 50 || got.Reported == nil ||
			got.Reported.Agency != "bk-ca" || got.Reported.Evidence != "Báo cáo số 12/BC-CAT" || got.Reported.AcceptedAt == "" {
			t.Errorf("accepted: %s %+v", got, got.Reported)
		}
		if d := dash(2019, "II.2.4"); d.Value == nil || *d.Value != 90 {
			t.Errorf("the dashboard right after acceptance: %s", d)
		}
		if other := ind(2020, "II.2.4"); other.Value != nil {
			t.Errorf("2020 has no value: %s", other)
		}
		// A district has none: the value is the province's.
		set, err := s.Indicators(ctx, store.IndicatorQuery{Plan: plan, Year: 2019, Unit: "066"})
		if err != nil {
			t.Fatal(err)
		}
		if d := find(set.Indicators, "II.2.4"); d.Value != nil {
			t.Errorf("a district: %s", d)
		}
		// A count: the numerator.
		c, err := s.SubmitTargetValue(ctx, as["union"], plan, "II.2.5", "2019", 35, 0, "")
		if err != nil {
			t.Fatal(err)
		}
		if _, err := s.DecideTargetValue(ctx, as["coord"], c.ID, true, ""); err != nil {
			t.Fatal(err)
		}
		if got := ind(2019, "II.2.5"); got.Value == nil || *got.Value != 35 {
			t.Errorf("a count: %s", got)
		}
		// Returned again, it no longer counts.
		if _, err := s.DecideTargetValue(ctx, as["coord"], v.ID, false, "Số liệu chưa khớp"); err != nil {
			t.Fatal(err)
		}
		if got := dash(2019, "II.2.4"); got.Value != nil {
			t.Errorf("returned after acceptance: %s", got)
		}
	})
}

// TestReportedRollup: a parent plan's reported target sums the accepted
// values of the plans serving it, through an intermediate plan too: the
// ministry's target counts Hà Nam's and its district's plan's values for
// 2020 and Thái Nguyên's for 2026; Hà Nam's counts its own and its
// district's.
func TestReportedRollup(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		seeded(t, s)
		derivedPlan(t, s, "vn-de-an", "VN", "", "vn-", 2019, 2026)
		derivedPlan(t, s, "hn-2019", "35", "vn-de-an", "hn-", 2019, 2020)
		derivedPlan(t, s, "tn-2026", "19", "vn-de-an", "tn-", 2026, 2026)
		districts, err := s.Subtree(ctx, "35", "2020-06-30")
		if err != nil {
			t.Fatal(err)
		}
		district := ""
		for _, u := range districts {
			if u.Level == 2 {
				district = u.Code
				break
			}
		}
		if district == "" {
			t.Fatal("no district of Hà Nam")
		}
		derivedPlan(t, s, "hn-huyen", district, "hn-2019", "hh-", 2019, 2020)
		target := func(agency, parent string, to int) outreach.Target {
			return outreach.Target{Code: "II.2.8", Text: "Tỷ lệ tin báo, tố giác được xử lý", Kind: outreach.KindReported, Agency: agency, Parent: parent,
				Milestones: []outreach.Milestone{{Year: to, Comparator: "=", Value: 100}}}
		}
		addReported(t, s, "vn-de-an", target("vn-bk-ca", "", 2026))
		addReported(t, s, "hn-2019", target("hn-bk-ca", "II.2.8", 2020))
		addReported(t, s, "tn-2026", target("tn-bk-ca", "II.2.8", 2026))
		addReported(t, s, "hn-huyen", target("hh-bk-ca", "II.2.8", 2020))
		report := func(plan, period string, n, d float64, accept bool) {
			t.Helper()
			v, err := s.SubmitTargetValue(ctx, system, plan, "II.2.8", period, n, d, "")
			if err != nil {
				t.Fatalf("%s %s: %v", plan, period, err)
			}
			if accept {
				if _, err := s.DecideTargetValue(ctx, system, v.ID, true, ""); err != nil {
					t.Fatal(err)
				}
			}
		}
		report("hn-2019", "2020", 8, 10, true)
		report("hn-huyen", "2020", 1, 2, true)
		report("hn-huyen", "2019", 2, 2, true)
		report("tn-2026", "2026", 5, 5, true)
		report("hn-2019", "2019", 0, 40, false) // not accepted: not counted
		for _, c := range []struct {
			plan string
			year int
			n, d float64
		}{
			{"vn-de-an", 2020, 9, 12},
			{"vn-de-an", 2026, 5, 5},
			{"vn-de-an", 2019, 2, 2},
			{"hn-2019", 2020, 9, 12},
			{"hn-huyen", 2020, 1, 2},
			{"tn-2026", 2026, 5, 5},
		} {
			got := rollupInd(t, s, store.IndicatorQuery{Plan: c.plan, Year: c.year}, "II.2.8")
			if got.Numerator != c.n || got.Denominator != c.d || got.Value == nil || math.Abs(*got.Value-100*c.n/c.d) > 1e-9 {
				t.Errorf("%s %d: %s (%v/%v), want %v/%v", c.plan, c.year, got, got.Numerator, got.Denominator, c.n, c.d)
			}
		}
		if got := rollupInd(t, s, store.IndicatorQuery{Plan: "vn-de-an", Year: 2021}, "II.2.8"); got.Value != nil {
			t.Errorf("2021: %s", got)
		}
	})
}
