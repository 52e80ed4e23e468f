package demo_test

import (
	"errors"
	"fmt"
	"maps"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"outreach/internal/demo"
	"outreach/internal/outreach"
	"outreach/internal/setup"
	"outreach/internal/store"
	"outreach/internal/store/storetest"
)

const tnCode = demo.ThaiNguyenPlanCode

// bkFigures is what the Bắc Kạn demo shows: its indicators on the trees
// of 2018, 2020 and 2025 (province and every child row) and its record
// counts.
func bkFigures(t *testing.T, s *store.Store) []string {
	t.Helper()
	var out []string
	for _, q := range []store.IndicatorQuery{
		{Plan: demo.PlanCode, Year: 2018},
		{Plan: demo.PlanCode, Year: 2020},
		{Plan: demo.PlanCode, Year: 2020, AsOf: "2025-12-31"},
		{Plan: demo.PlanCode, Year: 2020, AsOf: "2026-06-30"},
	} {
		set, err := s.Indicators(ctx, q)
		if err != nil {
			t.Fatal(err)
		}
		for _, ind := range set.Indicators {
			out = append(out, q.AsOf+" "+figure(ind))
		}
		d, err := s.Dashboard(ctx, q)
		if err != nil {
			t.Fatal(err)
		}
		for _, row := range d.Children {
			for _, code := range slices.Sorted(maps.Keys(row.Indicators)) {
				out = append(out, q.AsOf+" "+row.Unit.Code+" "+figure(row.Indicators[code]))
			}
		}
	}
	acts, err := s.Activities(ctx, system, store.ActivityFilter{Plan: demo.PlanCode, Limit: 1})
	if err != nil {
		t.Fatal(err)
	}
	mats, err := s.Materials(ctx, demo.PlanCode)
	if err != nil {
		t.Fatal(err)
	}
	keys, err := s.KeyAreas(ctx, demo.PlanCode, 0)
	if err != nil {
		t.Fatal(err)
	}
	models, err := s.Models(ctx, system, demo.PlanCode, false)
	if err != nil {
		t.Fatal(err)
	}
	dists, err := s.Distributions(ctx, system, store.DistributionFilter{Plan: demo.PlanCode, Limit: 1})
	if err != nil {
		t.Fatal(err)
	}
	out = append(out, strings.Join([]string{"activities", strconv.Itoa(acts.Total), "materials", strconv.Itoa(len(mats)), "distributions", strconv.Itoa(dists.Total),
		"key areas", strconv.Itoa(len(keys)), "models", strconv.Itoa(len(models))}, " "))
	return out
}

// figure is an indicator as compared, rounded so that sums taken in
// another order compare equal.
func figure(ind outreach.Indicator) string {
	return fmt.Sprintf("%s %d %s: %.4f/%.4f %s", ind.Code, ind.Year, ind.Unit, ind.Numerator, ind.Denominator, ind.Status)
}

// TestFillThaiNguyen fills the Bắc Kạn demo, then the Thái Nguyên one on
// the 2025 tree, on SQLite and (when reachable) PostgreSQL.
func TestFillThaiNguyen(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		fillBacKan(t, s, 1368)
		before := bkFigures(t, s)

		start := time.Now()
		sum, err := demo.FillThaiNguyen(ctx, s, system, 1368)
		if err != nil {
			t.Fatal(err)
		}
		t.Logf("FillThaiNguyen took %v: %+v", time.Since(start).Round(time.Millisecond), sum)
		if !sum.PlanImported {
			t.Error("the plan was not imported")
		}

		// The plan: labelled as demo data, its agencies its own.
		p, err := s.Plan(ctx, tnCode)
		if err != nil {
			t.Fatal(err)
		}
		if !strings.HasPrefix(p.Title, "[Dữ liệu minh hoạ]") || !strings.Contains(p.Preamble, "DỮ LIỆU MINH HOẠ") {
			t.Errorf("plan title %q and preamble do not say it is demo data", p.Title)
		}
		if p.Period.From != 2026 || p.Period.To != 2030 || len(p.Targets) != 6 || len(p.Populations) != 1 || len(p.ModelTypes) != 2 {
			t.Errorf("plan period %+v, %d targets", p.Period, len(p.Targets))
		}
		for _, a := range p.Agencies {
			if !strings.HasPrefix(a.Code, "tn-") {
				t.Errorf("agency %s is not prefixed tn-", a.Code)
			}
		}

		// The 2025 tree of Thái Nguyên.
		tree, err := s.Subtree(ctx, "19", "2026-06-30")
		if err != nil {
			t.Fatal(err)
		}
		communes := map[string]outreach.Unit{}
		for _, u := range tree {
			if u.IsCommune() {
				communes[u.Code] = u
			}
		}
		if len(communes) != 92 {
			t.Fatalf("%d communes under 19 on 2026-06-30, want 92", len(communes))
		}
		pc, err := s.PlanCommunes(ctx, tnCode, "2026-06-30")
		if err != nil {
			t.Fatal(err)
		}
		if len(pc) != 92 {
			t.Errorf("the plan has %d communes on 2026-06-30, want 92", len(pc))
		}

		// Activities: 2026 only, up to 07/12/2026, by the plan's agencies,
		// in communes of the 2025 tree.
		acts := planActivities(t, s, tnCode)
		if len(acts) != sum.Activities || len(acts) < 200 || len(acts) > 400 {
			t.Fatalf("%d activities (summary %d), want 200–400", len(acts), sum.Activities)
		}
		reached, months, agencies := map[string]bool{}, map[string]bool{}, map[string]int{}
		for _, a := range acts {
			if !a.Demo {
				t.Fatalf("activity %d is not marked demo", a.ID)
			}
			if a.StartDate < "2026-01-09" || a.EndDate > "2026-12-07" || a.EndDate < a.StartDate {
				t.Errorf("activity %d (%s) runs %s–%s", a.ID, a.Title, a.StartDate, a.EndDate)
			}
			agencies[a.Agency]++
			for _, qt := range a.Quantities {
				if qt.Kind == "news_items" && qt.Value > 0 {
					months[a.StartDate[:7]] = true
				}
			}
			for _, code := range a.Units {
				u, ok := communes[code]
				if !ok {
					t.Errorf("activity %d (%s) names %s, not a commune of Thái Nguyên's 2025 tree", a.ID, a.Title, code)
					continue
				}
				reached[u.Code] = true
			}
		}
		t.Logf("%d communes reached; activities by agency %v", len(reached), agencies)
		if len(reached) < 50 {
			t.Errorf("%d communes reached, want at least 50", len(reached))
		}
		if len(months) != 12 {
			t.Errorf("news items in %d months of 2026, want 12", len(months))
		}
		for _, a := range p.Agencies {
			if !a.IsGroup() && agencies[a.Code] == 0 {
				t.Errorf("%s has no activity", a.Code)
			}
		}

		// Materials, distributions and confirmations.
		mats, err := s.Materials(ctx, tnCode)
		if err != nil {
			t.Fatal(err)
		}
		if len(mats) != sum.Materials || len(mats) == 0 {
			t.Errorf("%d materials, summary %d", len(mats), sum.Materials)
		}
		for _, m := range mats {
			if !m.Demo {
				t.Errorf("material %q is not marked demo", m.Title)
			}
		}
		page, err := s.Distributions(ctx, system, store.DistributionFilter{Plan: tnCode, Limit: 500})
		if err != nil {
			t.Fatal(err)
		}
		if page.Total != sum.Distributions || len(page.Items) != page.Total || page.Total == 0 {
			t.Fatalf("%d distributions listed of %d, summary %d", len(page.Items), page.Total, sum.Distributions)
		}
		deliveries, confirmed, deployed := 0, 0, 0
		for _, d := range page.Items {
			if !d.Demo {
				t.Errorf("distribution %d is not marked demo", d.ID)
			}
			if d.Date > "2026-12-07" {
				t.Errorf("distribution %d sent on %s", d.ID, d.Date)
			}
			for _, x := range d.Deliveries {
				deliveries++
				if _, ok := communes[x.Unit]; !ok {
					t.Errorf("distribution %d delivered to %s, not a commune of the 2025 tree", d.ID, x.Unit)
				}
				if x.ReceivedOn != "" {
					confirmed++
				}
				if x.DeployedOn != "" {
					deployed++
				}
				if x.ReceivedOn > "2026-12-07" || x.DeployedOn > "2026-12-07" {
					t.Errorf("delivery to %s confirmed %s / %s", x.Unit, x.ReceivedOn, x.DeployedOn)
				}
			}
		}
		if deliveries != sum.Deliveries || confirmed != sum.Confirmed || deployed != sum.Deployed || deployed == 0 || deployed == deliveries {
			t.Errorf("%d deliveries, %d confirmed, %d deployed; summary %+v", deliveries, confirmed, deployed, sum)
		}

		// Key areas and models.
		keys, err := s.KeyAreas(ctx, tnCode, 2026)
		if err != nil {
			t.Fatal(err)
		}
		if len(keys) != sum.KeyAreas || len(keys) < 10 {
			t.Errorf("%d key areas in 2026, summary %d", len(keys), sum.KeyAreas)
		}
		for _, k := range keys {
			if _, ok := communes[k.Unit.Code]; !ok {
				t.Errorf("key area %s is not a commune of the 2025 tree", k.Unit.Name)
			}
		}
		models, err := s.Models(ctx, system, tnCode, false)
		if err != nil {
			t.Fatal(err)
		}
		if len(models) != sum.Models || len(models) < 3 {
			t.Errorf("%d models, summary %d", len(models), sum.Models)
		}
		for _, m := range models {
			if !m.Demo {
				t.Errorf("model %q is not marked demo", m.Name)
			}
			if _, ok := communes[m.Unit]; !ok {
				t.Errorf("model %q is in %s, not a commune of the 2025 tree", m.Name, m.Unit)
			}
		}

		// The indicators of 2026: every target has a value, none trivial.
		set, err := s.Indicators(ctx, store.IndicatorQuery{Plan: tnCode, Year: 2026})
		if err != nil {
			t.Fatal(err)
		}
		if set.Unit.Code != "19" {
			t.Errorf("indicators computed over %s, want 19", set.Unit.Code)
		}
		byCode := map[string]outreach.Indicator{}
		for _, ind := range set.Indicators {
			t.Logf("%s", ind)
			byCode[ind.Code] = ind
		}
		value := func(code string) float64 {
			ind, ok := byCode[code]
			if !ok || ind.Value == nil {
				t.Errorf("indicator %s: %+v, want a value", code, ind)
				return 0
			}
			return *ind.Value
		}
		if v, ind := value("II.2.1"), byCode["II.2.1"]; v < 50 || v >= 90 || ind.Denominator != 92 || ind.Status != outreach.StatusAchieved {
			t.Errorf("II.2.1 %s: want 50–90 %% of 92 communes, achieved", ind)
		}
		if v, ind := value("II.2.2"), byCode["II.2.2"]; v <= 0 || v >= 50 || ind.Denominator != float64(len(keys)) {
			t.Errorf("II.2.2 %s: want some of the %d key communes", ind, len(keys))
		}
		// News on the province's mass media (the press agency, media
		// level provincial) every month; the Sở's portal and the police's
		// page do not count toward it.
		if v := value("II.2.3"); v != 100 {
			t.Errorf("II.2.3 %s: want every month", byCode["II.2.3"])
		}
		// People aged 14–60 in the key-area communes: an estimated
		// denominator, capped per commune; integrated models only.
		if ind := byCode["II.2.5/age_14_60"]; ind.Value == nil || *ind.Value <= 0.5 || *ind.Value >= 90 || !ind.Estimate || ind.PeopleTimes == nil {
			t.Errorf("II.2.5/age_14_60 %s: want a modest, estimated share with the people-times beside", ind)
		}
		if in, mix := byCode["II.2.6"], byCode["II.2.2"]; in.Numerator < 1 || mix.Numerator < 1 || in.Denominator != 92 {
			t.Errorf("II.2.6 %s and II.2.2 %s: want integrated models among all communes, in-depth ones in key areas", in, mix)
		}
		for _, g := range []string{"everyone", "children_14_16"} {
			if v := value("II.2.4/" + g); v <= 0.5 || v >= 90 {
				t.Errorf("II.2.4/%s %s: want a modest share", g, byCode["II.2.4/"+g])
			}
		}
		// The census by sex ships for former Bắc Kạn only, a fifth of
		// Thái Nguyên's people: every commune's women are estimated (from
		// Bắc Kạn's share where it has one, else the national sex ratio),
		// so the share is over the whole province's women, not a fifth of
		// them (it used to show 45 %), and says it is an estimate.
		ind, all := byCode["II.2.4/women"], byCode["II.2.4/everyone"]
		if ind.Value == nil || *ind.Value > 20 || !ind.Estimate || ind.Denominator < 0.45*all.Denominator || ind.Denominator > 0.52*all.Denominator {
			t.Errorf("II.2.4/women %s (%s): want an estimated share over about half the people", ind, ind.DenominatorSource)
		}
		if v := value("V.5.1"); v < 5 {
			t.Errorf("V.5.1 %s: want some schools", byCode["V.5.1"])
		}
		if _, err := s.Dashboard(ctx, store.IndicatorQuery{Plan: tnCode, Year: 2026}); err != nil {
			t.Errorf("dashboard 2026: %v", err)
		}

		// A second call refuses and writes nothing.
		if _, err := demo.FillThaiNguyen(ctx, s, system, 1368); !errors.Is(err, demo.ErrNotEmpty) {
			t.Errorf("second FillThaiNguyen: %v, want ErrNotEmpty", err)
		}
		if _, err := demo.FillThaiNguyen(ctx, s, system, 7); !errors.Is(err, demo.ErrNotEmpty) {
			t.Errorf("second FillThaiNguyen (seed 7): %v, want ErrNotEmpty", err)
		}
		if n := len(planActivities(t, s, tnCode)); n != sum.Activities {
			t.Errorf("after the refused fill: %d activities, want %d", n, sum.Activities)
		}

		// Bắc Kạn's demo is as it was.
		if after := bkFigures(t, s); !slices.Equal(before, after) {
			for i := range min(len(before), len(after)) {
				if before[i] != after[i] {
					t.Errorf("Bắc Kạn figure changed: %s → %s", before[i], after[i])
				}
			}
			if len(before) != len(after) {
				t.Errorf("Bắc Kạn: %d figures before, %d after", len(before), len(after))
			}
		}
	})
}

// TestFillThaiNguyenIsDeterministic fills two fresh databases (without
// the Bắc Kạn demo) with the same seed, and a third with another.
func TestFillThaiNguyenIsDeterministic(t *testing.T) {
	fill := func(seed int64) (demo.ThaiNguyenSummary, []string) {
		s := storetest.OpenSQLite(t)
		if _, _, err := setup.Seed(ctx, s, system); err != nil {
			t.Fatal(err)
		}
		sum, err := demo.FillThaiNguyen(ctx, s, system, seed)
		if err != nil {
			t.Fatal(err)
		}
		var first []string
		for _, a := range planActivities(t, s, tnCode)[:20] {
			first = append(first, a.StartDate+" "+a.Agency+" "+a.Title)
		}
		return sum, first
	}
	sa, fa := fill(1368)
	sb, fb := fill(1368)
	if sa != sb || !slices.Equal(fa, fb) {
		t.Errorf("same seed, different results:\n%+v %q\n%+v %q", sa, fa, sb, fb)
	}
	if _, fc := fill(7); slices.Equal(fa, fc) {
		t.Errorf("seeds 1368 and 7 gave the same first activities")
	}
}
