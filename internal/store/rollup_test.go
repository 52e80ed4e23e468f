package store_test

import (
	"errors"
	"fmt"
	"math"
	"testing"
	"time"

	"outreach/internal/outreach"
	"outreach/internal/store"
	"outreach/internal/store/storetest"
)

// derivedPlan is the built-in plan's text under another code, scope,
// period and parent, its agencies under codes with the prefix (agency
// codes belong to one province or the country), with two targets: the
// share of communes that received and deployed materials, and a count of
// news items, each serving the parent's target of the same name when a
// parent is given.
func derivedPlan(t *testing.T, s *store.Store, code, scope, parent, prefix string, from, to int) *outreach.Plan {
	t.Helper()
	p, err := s.Plan(ctx, "bk-1368-2017")
	if err != nil {
		t.Fatal(err)
	}
	p.Code, p.Scope, p.Parent, p.Title = code, scope, parent, "Kế hoạch thử "+code
	p.Period = outreach.Period{From: from, To: to}
	p.Decision.Date = fmt.Sprintf("%d-01-15", from)
	p.RenameAgencies(func(c string) string { return prefix + c })
	for i := range p.Agencies {
		p.Agencies[i].Unit, p.Agencies[i].ValidFrom, p.Agencies[i].ValidTo = "", "", ""
	}
	for i := range p.Tasks {
		p.Tasks[i].Years = nil
	}
	serve := func(c string) string {
		if parent == "" {
			return ""
		}
		return c
	}
	p.Targets = []outreach.Target{
		{Code: "II.2.1", Text: "Tỷ lệ xã tiếp nhận và triển khai tài liệu", Kind: outreach.KindUnitShare, Units: outreach.SetAllCommunes,
			Condition: outreach.CondMaterialsDeployed, Milestones: []outreach.Milestone{{Year: to, Comparator: ">=", Value: 100}}, Parent: serve("II.2.1")},
		{Code: "II.2.9", Text: "Số tin, bài", Kind: outreach.KindCount, Measure: "news_items",
			Milestones: []outreach.Milestone{{Year: to, Comparator: ">=", Value: 10}}, Parent: serve("II.2.9")},
	}
	if _, err := s.ImportPlan(ctx, system, p); err != nil {
		t.Fatalf("plan %s: %v", code, err)
	}
	return p
}

// rollupFixture loads a national plan (the country, 2019–2026) and two
// provincial plans serving it: Hà Nam's (35) of 2019–2020 on the 2020
// tree and Thái Nguyên's (19) of 2026 on the 2025 tree, with records in
// both: Hà Nam's materials deployed in 3 communes in 2020 and 5 news
// items, Thái Nguyên's in 2 communes in 2026 and 7 news items, one of them
// recorded for the whole province.
func rollupFixture(t *testing.T, s *store.Store) {
	t.Helper()
	seeded(t, s)
	derivedPlan(t, s, "vn-de-an", "VN", "", "vn-", 2019, 2026)
	derivedPlan(t, s, "hn-2019", "35", "vn-de-an", "hn-", 2019, 2020)
	derivedPlan(t, s, "tn-2026", "19", "vn-de-an", "tn-", 2026, 2026)
	hn, err := s.UnitsAsOf(ctx, "2020-06-30")
	if err != nil {
		t.Fatal(err)
	}
	var hnCommunes []string
	for _, u := range hn {
		if u.IsCommune() && len(u.Path) > 6 && u.Path[:6] == "VN/35/" && len(hnCommunes) < 3 {
			hnCommunes = append(hnCommunes, u.Code)
		}
	}
	tn, err := s.Subtree(ctx, "19", "2026-06-30")
	if err != nil {
		t.Fatal(err)
	}
	tnCommunes := []string{tn[1].Code, tn[2].Code}
	deliver := func(plan, agency, date string, communes []string) {
		mid, err := s.SaveMaterial(ctx, system, outreach.Material{Plan: plan, Type: "guidance", Title: "Tài liệu", Agency: agency, Year: 2020})
		if err != nil {
			t.Fatal(err)
		}
		var ds []outreach.Delivery
		for _, c := range communes {
			ds = append(ds, outreach.Delivery{Unit: c, Quantity: 10, ReceivedOn: date, DeployedOn: date, How: []string{"village_meeting"}})
		}
		if _, err := s.CreateDistribution(ctx, system, outreach.Distribution{Material: mid, FromAgency: agency, Date: date, Deliveries: ds}); err != nil {
			t.Fatal(err)
		}
	}
	deliver("hn-2019", "hn-bk-stp", "2020-04-01", hnCommunes)
	deliver("tn-2026", "tn-bk-stp", "2026-04-01", tnCommunes)
	news := func(plan, agency, date string, units []string, n float64) {
		a := outreach.Activity{Plan: plan, Agency: agency, Channel: "IV.2", Title: "Tin", StartDate: date, EndDate: date,
			Units: units, WholeProvince: len(units) == 0, Quantities: []outreach.ActivityQuantity{{Kind: "news_items", Value: n}}}
		if _, err := s.CreateActivity(ctx, system, a); err != nil {
			t.Fatal(err)
		}
	}
	news("hn-2019", "hn-bk-bbk", "2020-05-01", hnCommunes[:1], 5)
	news("tn-2026", "tn-bk-bbk", "2026-05-01", tnCommunes[:1], 3)
	news("tn-2026", "tn-bk-bbk", "2026-06-01", nil, 4)
}

func rollupInd(t *testing.T, s *store.Store, q store.IndicatorQuery, code string) outreach.Indicator {
	t.Helper()
	set, err := s.Indicators(ctx, q)
	if err != nil {
		t.Fatalf("%+v: %v", q, err)
	}
	for _, ind := range set.Indicators {
		if ind.Code == code {
			return ind
		}
	}
	t.Fatalf("%+v: no indicator %s", q, code)
	return outreach.Indicator{}
}

// TestRollup: the national plan's targets count the records of the plans
// serving them, with the same definitions, for the country and per
// province, on the 2020 and the 2025 trees; each province's figures equal
// its own plan's.
func TestRollup(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		rollupFixture(t, s)
		communes := func(date, province string) float64 {
			us, err := s.UnitsAsOf(ctx, date)
			if err != nil {
				t.Fatal(err)
			}
			n := 0
			for _, u := range us {
				if u.IsCommune() && (province == "" || u.Under("VN/"+province)) {
					n++
				}
			}
			return float64(n)
		}
		near := func(what string, got outreach.Indicator, num, den float64) {
			t.Helper()
			want := 100 * num / den
			if got.Numerator != num || got.Denominator != den || got.Value == nil || math.Abs(*got.Value-want) > 1e-9 {
				t.Errorf("%s: %v/%v = %v, want %v/%v = %.4f", what, got.Numerator, got.Denominator, got.Value, num, den, want)
			}
		}
		// 2020, on the 2020 tree: Hà Nam's 3 communes of the country's.
		c2020 := communes("2020-12-31", "")
		if c2020 != 10614 && c2020 < 10000 {
			t.Fatalf("communes on 2020-12-31: %v", c2020)
		}
		near("country 2020", rollupInd(t, s, store.IndicatorQuery{Plan: "vn-de-an", Year: 2020}, "II.2.1"), 3, c2020)
		hn2020 := communes("2020-12-31", "35")
		near("Hà Nam 2020 (national plan)", rollupInd(t, s, store.IndicatorQuery{Plan: "vn-de-an", Year: 2020, Unit: "35"}, "II.2.1"), 3, hn2020)
		near("Hà Nam 2020 (its plan)", rollupInd(t, s, store.IndicatorQuery{Plan: "hn-2019", Year: 2020}, "II.2.1"), 3, hn2020)
		if got := rollupInd(t, s, store.IndicatorQuery{Plan: "vn-de-an", Year: 2020}, "II.2.9"); got.Value == nil || *got.Value != 5 {
			t.Errorf("country news 2020: %v, want 5", got.Value)
		}
		// 2026, on the 2025 tree: Thái Nguyên's 2 communes and what Hà
		// Nam's 3 became, of 3,321; Thái Nguyên's news, 3 in a commune and
		// 4 for the whole province, count in Thái Nguyên, not elsewhere.
		hnOn2025 := rollupInd(t, s, store.IndicatorQuery{Plan: "hn-2019", Year: 2020, AsOf: "2026-12-31"}, "II.2.1")
		if hnOn2025.Numerator < 1 || hnOn2025.Numerator > 3 {
			t.Fatalf("Hà Nam's communes on the 2025 tree: %v", hnOn2025.Numerator)
		}
		near("country 2026", rollupInd(t, s, store.IndicatorQuery{Plan: "vn-de-an", Year: 2026}, "II.2.1"), hnOn2025.Numerator+2, 3321)
		near("Thái Nguyên 2026 (national plan)", rollupInd(t, s, store.IndicatorQuery{Plan: "vn-de-an", Year: 2026, Unit: "19"}, "II.2.1"), 2, 92)
		near("Thái Nguyên 2026 (its plan)", rollupInd(t, s, store.IndicatorQuery{Plan: "tn-2026", Year: 2026}, "II.2.1"), 2, 92)
		// Hà Nam is part of Ninh Bình since 2025-07-01.
		vs, err := s.UnitVersions(ctx, "35")
		if err != nil {
			t.Fatal(err)
		}
		next, err := s.Successors(ctx, vs[len(vs)-1].ID)
		if err != nil || len(next) != 1 || next[0].New == nil {
			t.Fatalf("Hà Nam's successor: %v %v", next, err)
		}
		for _, c := range []struct {
			unit string
			want float64
		}{{"", 5 + 7}, {"19", 7}, {next[0].New.Code, 5}, {"01", 0}} {
			got := rollupInd(t, s, store.IndicatorQuery{Plan: "vn-de-an", Year: 2026, Unit: c.unit}, "II.2.9")
			if got.Value == nil || math.Abs(*got.Value-c.want) > 1e-9 {
				t.Errorf("news by 2026 in %q: %v, want %v", c.unit, got.Value, c.want)
			}
		}
		// The national dashboard has the provinces as rows, each with the
		// plans serving it there (to drill into).
		d, err := s.Dashboard(ctx, store.IndicatorQuery{Plan: "vn-de-an", Year: 2026})
		if err != nil {
			t.Fatal(err)
		}
		rows := map[string]store.ChildRow{}
		for _, r := range d.Children {
			rows[r.Unit.Code] = r
		}
		if len(d.Children) != 34 || fmt.Sprint(rows["19"].Plans) != "[tn-2026]" || len(rows["01"].Plans) != 0 {
			t.Errorf("national dashboard: %d rows, Thái Nguyên's plans %v, Hà Nội's %v", len(d.Children), rows["19"].Plans, rows["01"].Plans)
		}
		if ind := rows["19"].Indicators["II.2.1"]; ind.Numerator != 2 || ind.Denominator != 92 {
			t.Errorf("Thái Nguyên's row: %v/%v", ind.Numerator, ind.Denominator)
		}
		// A province's dashboard is unchanged by the national plan.
		if got := rollupInd(t, s, store.IndicatorQuery{Plan: "tn-2026", Year: 2026}, "II.2.9"); got.Value == nil || *got.Value != 7 {
			t.Errorf("Thái Nguyên's own news: %v, want 7", got.Value)
		}
	})
}

// TestPlanScopeRefusals: an unknown scope, parent plan or parent target,
// a scope outside the parent's, and a target serving one of another kind
// are refused with the field named.
func TestPlanScopeRefusals(t *testing.T) {
	s := storetest.OpenSQLite(t)
	seeded(t, s)
	derivedPlan(t, s, "vn-de-an", "VN", "", "vn-", 2019, 2026)
	derivedPlan(t, s, "hn-2019", "35", "vn-de-an", "hn-", 2019, 2020)
	base, err := s.Plan(ctx, "hn-2019")
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range []struct {
		name, field string
		edit        func(p *outreach.Plan)
	}{
		{"unknown scope", "scope", func(p *outreach.Plan) { p.Scope = "999" }},
		{"unknown parent", "parent", func(p *outreach.Plan) { p.Parent = "khong-co" }},
		{"unknown parent target", "targets[0].parent", func(p *outreach.Plan) { p.Targets[0].Parent = "II.9.9" }},
		{"another kind", "targets[1].parent", func(p *outreach.Plan) { p.Targets[1].Parent = "II.2.1" }},
		{"scope outside the parent's", "scope", func(p *outreach.Plan) { p.Parent = "hn-2019"; p.Code = "hn-child"; p.Scope = "19" }},
		{"a cycle", "parent", func(p *outreach.Plan) { p.Code = "vn-de-an"; p.Scope = "VN"; p.Parent = "hn-2019" }},
	} {
		p := *base
		p.Targets = append([]outreach.Target(nil), base.Targets...)
		p.Code = "hn-x"
		c.edit(&p)
		_, err := s.ImportPlan(ctx, system, &p)
		var v *outreach.ValidationError
		if !errors.As(err, &v) || len(v.Problems) == 0 || v.Problems[0].Field != c.field {
			t.Errorf("%s: %v", c.name, err)
		}
	}
}

// TestProvinceUsersSeeOnlyTheirProvince: a province's users see and
// change nothing of another province's plans, records and agencies (not
// found, never forbidden: they are not told it exists); the ministry reads
// every province and changes none of their plans.
func TestProvinceUsersSeeOnlyTheirProvince(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		rollupFixture(t, s)
		actor := func(username, scope string, role outreach.Role) outreach.Actor {
			if _, err := s.CreateUser(ctx, system, store.NewUser{Username: username, Name: username, Role: role, Scope: scope, Password: "mat-khau-dai-1"}); err != nil {
				t.Fatal(err)
			}
			_, a, err := s.Authenticate(ctx, username, "mat-khau-dai-1")
			if err != nil {
				t.Fatal(err)
			}
			return a
		}
		hn, tn, vn := actor("hn-coord", "35", outreach.RoleCoordinator), actor("tn-coord", "19", outreach.RoleCoordinator), actor("bo-coord", "VN", outreach.RoleCoordinator)
		page, err := s.Activities(ctx, system, store.ActivityFilter{Plan: "tn-2026", Limit: 10})
		if err != nil || page.Total != 2 {
			t.Fatalf("Thái Nguyên's activities: %v %v", page.Total, err)
		}
		tnActivity := page.Items[0].ID
		plans := func(a outreach.Actor) (out []string) {
			ps, err := s.PlansFor(ctx, a)
			if err != nil {
				t.Fatal(err)
			}
			for _, p := range ps {
				out = append(out, p.Code)
			}
			return out
		}
		if got := fmt.Sprint(plans(hn)); got != "[hn-2019]" {
			t.Errorf("Hà Nam's coordinator lists %s", got)
		}
		if got := len(plans(vn)); got != 4 {
			t.Errorf("the ministry lists %d plans, want 4", got)
		}
		notFound := func(what string, err error) {
			t.Helper()
			if !errors.Is(err, outreach.ErrNotFound) {
				t.Errorf("%s: %v, want not found", what, err)
			}
		}
		_, err = s.Activity(ctx, hn, tnActivity)
		notFound("read", err)
		notFound("delete", s.DeleteActivity(ctx, hn, tnActivity))
		_, err = s.CreateActivity(ctx, hn, outreach.Activity{Plan: "tn-2026", Agency: "tn-bk-bbk", Channel: "IV.2", Title: "X", StartDate: "2026-07-01", WholeProvince: true})
		notFound("create", err)
		notFound("plan visible", s.PlanVisible(ctx, hn, "tn-2026"))
		tnPlan, err := s.Plan(ctx, "tn-2026")
		if err != nil {
			t.Fatal(err)
		}
		_, err = s.ImportPlan(ctx, hn, tnPlan) // unchanged: not even that is said
		notFound("import another province's plan", err)
		_, err = s.Reports(ctx, hn, "tn-2026", outreach.Annual(2026))
		notFound("reports", err)
		_, err = s.AgencyFor(ctx, hn, "tn-bk-bbk")
		notFound("agency", err)
		notFound("key area", s.SetKeyArea(ctx, hn, "tn-2026", tnCommune(t, s), 2026, []string{outreach.ReasonHighRisk}, ""))
		if page, err := s.Activities(ctx, hn, store.ActivityFilter{Plan: "tn-2026", Limit: 10}); err != nil || page.Total != 0 {
			t.Errorf("Hà Nam's coordinator lists %d of Thái Nguyên's activities (%v)", page.Total, err)
		}
		if as, err := s.AgenciesFor(ctx, hn); err != nil || len(as) == 0 || as[0].Owner != "35" {
			t.Errorf("Hà Nam's agencies: %v %v", len(as), err)
		}
		// Its own province: as before.
		if _, err := s.Activity(ctx, tn, tnActivity); err != nil {
			t.Errorf("Thái Nguyên's coordinator: %v", err)
		}
		// The ministry reads, and may not change a province's records.
		if _, err := s.Activity(ctx, vn, tnActivity); err != nil {
			t.Errorf("the ministry reads: %v", err)
		}
		if err := s.DeleteActivity(ctx, vn, tnActivity); !errors.Is(err, outreach.ErrForbidden) {
			t.Errorf("the ministry deletes a province's activity: %v", err)
		}
		// A province's admin manages its own users only.
		hnAdmin := actor("hn-admin", "35", outreach.RoleAdmin)
		if us, err := s.Users(ctx, hnAdmin); err != nil || len(us) != 2 {
			t.Errorf("Hà Nam's admin lists %d users (%v), want its 2", len(us), err)
		}
		if _, err := s.CreateUser(ctx, hnAdmin, store.NewUser{Username: "x-tn", Name: "X", Role: outreach.RoleViewer, Scope: "19", Password: "mat-khau-dai-1"}); !errors.Is(err, outreach.ErrInvalid) {
			t.Errorf("Hà Nam's admin creates a Thái Nguyên user: %v", err)
		}
		notFound("password", s.ChangePassword(ctx, hnAdmin, "tn-coord", "", "mat-khau-moi-22", ""))

		// Thái Nguyên's users inherit former Bắc Kạn's plan (merged into
		// their province on 2025-07-01); Hà Nam's do not see it.
		if got := fmt.Sprint(plans(tn)); got != "[tn-2026 bk-1368-2017]" {
			t.Errorf("Thái Nguyên's coordinator lists %s", got)
		}
		notFound("Bắc Kạn's plan for Hà Nam", s.PlanVisible(ctx, hn, "bk-1368-2017"))
		if err := s.SetKeyArea(ctx, tn, "bk-1368-2017", "01903", 2019, []string{outreach.ReasonHighRisk}, ""); err != nil {
			t.Errorf("Thái Nguyên's coordinator on Bắc Kạn's plan: %v", err)
		}

		// The audit log, the notices and the mail log stay in the province.
		if err := s.SetKeyArea(ctx, hn, "hn-2019", hnCommune(t, s), 2020, []string{outreach.ReasonHighRisk}, ""); err != nil {
			t.Fatal(err)
		}
		if es, total, err := s.AuditLog(ctx, hnAdmin, 50, 0); err != nil || total != 1 || len(es) != 1 || es[0].Actor != "hn-coord" {
			t.Errorf("Hà Nam's admin reads %d audit entries (%v)", total, err)
		}
		rep, err := s.OpenReport(ctx, system, "tn-2026", "tn-bk-ca", outreach.Annual(2026), outreach.ReportAgency)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := s.ReportStep(ctx, system, rep.ID, outreach.StepSubmit, ""); err != nil {
			t.Fatal(err)
		}
		for _, c := range []struct {
			who  outreach.Actor
			want int
		}{{hn, 0}, {tn, 1}, {vn, 1}} {
			if ns, err := s.Notices(ctx, c.who, 10); err != nil || len(ns) != c.want {
				t.Errorf("%s reads %d notices (%v), want %d", c.who, len(ns), err, c.want)
			}
		}
		if err := s.MarkNoticesRead(ctx, hn); err != nil {
			t.Fatal(err)
		}
		if ns, _ := s.Notices(ctx, tn, 10); len(ns) != 1 || ns[0].Read {
			t.Errorf("Hà Nam's coordinator marked Thái Nguyên's notice read: %+v", ns)
		}
		if _, err := s.ClaimMailing(ctx, &store.Mailing{Plan: "tn-2026", Agency: "tn-bk-ca", Year: 2026, Kind: "due-1", Recipients: []string{"a@x.vn"}, Subject: "Nhắc hạn"}); err != nil {
			t.Fatal(err)
		}
		for _, c := range []struct {
			who  outreach.Actor
			want int
		}{{hn, 0}, {tn, 1}} {
			if ms, err := s.Mailings(ctx, c.who, 10); err != nil || len(ms) != c.want {
				t.Errorf("%s reads %d mailings (%v), want %d", c.who, len(ms), err, c.want)
			}
		}
	})
}

func hnCommune(t *testing.T, s *store.Store) string {
	us, err := s.UnitsAsOf(ctx, "2020-06-30")
	if err != nil {
		t.Fatal(err)
	}
	for _, u := range us {
		if u.IsCommune() && u.Under("VN/35") {
			return u.Code
		}
	}
	t.Fatal("no commune in Hà Nam")
	return ""
}

func tnCommune(t *testing.T, s *store.Store) string {
	us, err := s.Subtree(ctx, "19", "2026-06-30")
	if err != nil {
		t.Fatal(err)
	}
	return us[1].Code
}

// TestDashboardYearsToCome: the years of a plan still to come have no
// figures on the dashboard's trend (they used to repeat today's figures
// and be judged as if the year were over); the years up to this one do.
func TestDashboardYearsToCome(t *testing.T) {
	s := storetest.OpenSQLite(t)
	rollupFixture(t, s)
	s.Now = func() time.Time { return time.Date(2024, 6, 1, 0, 0, 0, 0, time.UTC) }
	d, err := s.Dashboard(ctx, store.IndicatorQuery{Plan: "vn-de-an", Year: 2020})
	if err != nil {
		t.Fatal(err)
	}
	trend := d.Trend["II.2.1"]
	if len(trend) != 8 {
		t.Fatalf("trend of %d years, want 8", len(trend))
	}
	for _, ind := range trend {
		if future := ind.Year > 2024; (ind.Value == nil) != future || future && ind.Status != outreach.StatusNotApplicable {
			t.Errorf("%d: value %v, status %s", ind.Year, ind.Value, ind.Status)
		}
	}
}
