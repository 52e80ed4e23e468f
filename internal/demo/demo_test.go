package demo_test

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"testing"
	"time"

	"outreach/internal/demo"
	"outreach/internal/outreach"
	"outreach/internal/setup"
	"outreach/internal/store"
	"outreach/internal/store/storetest"
)

var (
	ctx    = context.Background()
	system = outreach.SystemActor("demo-test")
)

// filled returns a seeded SQLite store filled with the demo history.
func filled(t *testing.T, seed int64) (*store.Store, demo.Summary) {
	t.Helper()
	s := storetest.OpenSQLite(t)
	return s, fillBacKan(t, s, seed)
}

// fillBacKan seeds s and fills it with the Bắc Kạn demo history.
func fillBacKan(t *testing.T, s *store.Store, seed int64) demo.Summary {
	t.Helper()
	if _, _, err := setup.Seed(ctx, s, system); err != nil {
		t.Fatal(err)
	}
	start := time.Now()
	sum, err := demo.Fill(ctx, s, system, seed)
	if err != nil {
		t.Fatal(err)
	}
	t.Logf("Fill(seed %d) took %v: %+v", seed, time.Since(start).Round(time.Millisecond), sum)
	return sum
}

// planActivities returns all of the plan's activities, by date.
func planActivities(t *testing.T, s *store.Store, plan string) []*store.ActivityView {
	t.Helper()
	var out []*store.ActivityView
	for {
		page, err := s.Activities(ctx, system, store.ActivityFilter{Plan: plan, Sort: "date", Limit: 500, Offset: len(out)})
		if err != nil {
			t.Fatal(err)
		}
		out = append(out, page.Items...)
		if len(page.Items) == 0 || len(out) >= page.Total {
			return out
		}
	}
}

func first20(t *testing.T, s *store.Store) []string {
	t.Helper()
	page, err := s.Activities(ctx, system, store.ActivityFilter{Plan: demo.PlanCode, Sort: "date", Limit: 20})
	if err != nil {
		t.Fatal(err)
	}
	var out []string
	for _, a := range page.Items {
		out = append(out, a.StartDate+" "+a.EndDate+" "+a.Agency+" "+a.Title)
	}
	return out
}

func TestFillIsDeterministicAndRefusesTwice(t *testing.T) {
	a, sa := filled(t, 1368)
	b, sb := filled(t, 1368)
	if sa != sb {
		t.Errorf("same seed, different counts:\n%+v\n%+v", sa, sb)
	}
	fa, fb := first20(t, a), first20(t, b)
	if len(fa) != 20 || !slices.Equal(fa, fb) {
		t.Errorf("same seed, different first activities:\n%q\n%q", fa, fb)
	}
	for _, seed := range []int64{1368, 7} {
		if _, err := demo.Fill(ctx, a, system, seed); !errors.Is(err, demo.ErrNotEmpty) {
			t.Errorf("second Fill (seed %d): %v, want ErrNotEmpty", seed, err)
		}
	}
	if page, _ := a.Activities(ctx, system, store.ActivityFilter{Plan: demo.PlanCode}); page.Total != sa.Activities {
		t.Errorf("after the refused Fill: %d activities, want %d", page.Total, sa.Activities)
	}
	c, sc := filled(t, 7)
	if fc := first20(t, c); slices.Equal(fa, fc) {
		t.Errorf("seeds 1368 and 7 gave the same first activities: %+v %+v", sa, sc)
	}
}

func TestFillIsRealistic(t *testing.T) {
	for _, seed := range []int64{1368, 2} {
		t.Run(fmt.Sprint(seed), func(t *testing.T) {
			s, sum := filled(t, seed)
			checkRealism(t, s, sum)
		})
	}
}

func checkRealism(t *testing.T, s *store.Store, sum demo.Summary) {
	plan, err := s.Plan(ctx, demo.PlanCode)
	if err != nil {
		t.Fatal(err)
	}
	acts := planActivities(t, s, demo.PlanCode)
	if len(acts) != sum.Activities || len(acts) < 1500 || len(acts) > 3000 {
		t.Fatalf("%d activities (summary %d), want 1,500–3,000", len(acts), sum.Activities)
	}
	c17, err := s.PlanCommunes(ctx, demo.PlanCode, "2018-12-31")
	if err != nil {
		t.Fatal(err)
	}
	c20, err := s.PlanCommunes(ctx, demo.PlanCode, "2020-12-31")
	if err != nil {
		t.Fatal(err)
	}
	if len(c17) != 122 || len(c20) != 108 {
		t.Fatalf("%d and %d communes", len(c17), len(c20))
	}
	byCode := func(us []outreach.Unit) map[string]outreach.Unit {
		m := map[string]outreach.Unit{}
		for _, u := range us {
			m[u.Code] = u
		}
		return m
	}
	m17, m20 := byCode(c17), byCode(c20)
	communeOn := func(code, date string) (outreach.Unit, bool) {
		if date < "2020-02-01" {
			u, ok := m17[code]
			return u, ok
		}
		u, ok := m20[code]
		return u, ok
	}

	// Volume: more each year, a July peak, a Tết trough.
	perYear, perMonth := map[string]int{}, map[string]int{}
	withTask, byAgency := 0, map[string]int{}
	funding := map[string]int{}
	press := map[string]bool{}
	for _, a := range acts {
		if !a.Demo {
			t.Fatalf("activity %d is not marked demo", a.ID)
		}
		if a.StartDate < "2017-09-08" || a.EndDate > "2020-12-31" {
			t.Errorf("activity %d runs %s–%s, outside the plan", a.ID, a.StartDate, a.EndDate)
		}
		perYear[a.StartDate[:4]]++
		perMonth[a.StartDate[5:7]]++
		byAgency[a.Agency]++
		if a.Task != "" {
			withTask++
		}
		if a.FundingSource != "" {
			funding[a.FundingSource]++
		}
		for _, qt := range a.Quantities {
			if qt.Kind == "news_items" && qt.Value > 0 {
				press[a.Agency+" "+a.StartDate[:7]] = true
			}
		}
		for _, code := range a.Units {
			u, ok := communeOn(code, a.StartDate)
			if !ok {
				t.Errorf("activity %d (%s) names %s, not a commune on %s", a.ID, a.Title, code, a.StartDate)
				continue
			}
			if ag, _ := plan.Agency(a.Agency); ag.Type == outreach.AgencyDistrictCommittee && u.ParentCode != ag.Unit {
				t.Errorf("%s acted in %s, outside its district", a.Agency, u.Name)
			}
		}
		if a.Audience.Children1416 != nil && a.Task != "V.5.1" && a.Task != "V.5.2" {
			t.Errorf("activity %q counts children 14–16 outside a school", a.Title)
		}
	}
	t.Logf("per year %v; per month %v; funding %v", perYear, perMonth, funding)
	if !(perYear["2017"] > 0 && perYear["2018"] < perYear["2019"] && perYear["2019"] < perYear["2020"]) {
		t.Errorf("activities per year %v, want more each year", perYear)
	}
	for m, n := range perMonth {
		if m != "07" && n >= perMonth["07"] {
			t.Errorf("month %s has %d activities, July %d: want a July peak", m, n, perMonth["07"])
		}
	}
	if perMonth["02"] >= perMonth["01"] || perMonth["02"] >= perMonth["03"] {
		t.Errorf("February (Tết) %d, January %d, March %d", perMonth["02"], perMonth["01"], perMonth["03"])
	}
	if float64(withTask) < 0.7*float64(len(acts)) {
		t.Errorf("%d of %d activities carry a task", withTask, len(acts))
	}
	if funding["ngan-sach"] < 4*funding["quy-phong-chong-toi-pham"] || funding["quy-phong-chong-toi-pham"] == 0 || funding["vien-tro"] > funding["quy-phong-chong-toi-pham"] {
		t.Errorf("funding sources %v: want mostly ngan-sach, some fund, rare aid", funding)
	}
	for _, ag := range []string{"bk-bbk", "bk-dptth"} {
		for y := 2017; y <= 2020; y++ {
			for m := 1; m <= 12; m++ {
				if y == 2017 && m < 9 {
					continue
				}
				if k := fmt.Sprintf("%s %d-%02d", ag, y, m); !press[k] {
					t.Errorf("no news item by %s in %d-%02d", ag, y, m)
				}
			}
		}
	}

	// Every agency with tasks acted: those addressed directly and the
	// members of the groups addressed.
	for _, task := range plan.Tasks {
		ag, _ := plan.Agency(task.Agency)
		who := []string{ag.Code}
		if ag.IsGroup() {
			who = ag.Members
		}
		for _, code := range who {
			if byAgency[code] == 0 {
				t.Errorf("%s (task %s) has no activity", code, task.Clause)
			}
		}
	}

	// V.5.2 in five schools over 2018–2020; V.2.2 in two districts in 2019.
	schools, contests := map[string]bool{}, map[string]bool{}
	for _, a := range acts {
		switch a.Task {
		case "V.5.2":
			if a.StartDate < "2018" || !slices.Contains(a.Quantities, outreach.ActivityQuantity{Kind: "schools", Value: 1}) || a.Audience.Children1416 == nil {
				t.Errorf("V.5.2 activity %+v", a.Activity)
			}
			schools[a.Units[0]] = true
		case "V.2.2":
			if a.StartDate[:4] != "2019" || !slices.Contains(a.Quantities, outreach.ActivityQuantity{Kind: "districts", Value: 1}) {
				t.Errorf("V.2.2 activity %+v", a.Activity)
			}
			u, _ := communeOn(a.Units[0], a.StartDate)
			contests[u.ParentCode] = true
		}
	}
	if len(schools) != 5 || len(contests) != 2 {
		t.Errorf("%d schools with V.5.2 sessions, %d districts with the V.2.2 contest; want 5 and 2", len(schools), len(contests))
	}

	// Materials: about 80 % of the 122 communes received and deployed
	// guidance or behaviour-change materials by the end of 2018, nearly
	// all 108 by the end of 2020.
	mats, err := s.Materials(ctx, demo.PlanCode)
	if err != nil {
		t.Fatal(err)
	}
	if len(mats) != sum.Materials || len(mats) < 6 {
		t.Errorf("%d materials, summary %d", len(mats), sum.Materials)
	}
	keyType := map[int64]bool{}
	for _, m := range mats {
		if !m.Demo {
			t.Errorf("material %q is not marked demo", m.Title)
		}
		keyType[m.ID] = m.Type == "guidance" || m.Type == "behaviour_change"
	}
	page, err := s.Distributions(ctx, system, store.DistributionFilter{Plan: demo.PlanCode, Limit: 500})
	if err != nil {
		t.Fatal(err)
	}
	if page.Total != sum.Distributions || len(page.Items) != page.Total {
		t.Fatalf("%d distributions listed of %d, summary %d", len(page.Items), page.Total, sum.Distributions)
	}
	ok18, ok20 := map[string]bool{}, map[string]bool{}
	deliveries, confirmed := 0, 0
	for _, d := range page.Items {
		if !d.Demo {
			t.Errorf("distribution %d is not marked demo", d.ID)
		}
		for _, x := range d.Deliveries {
			deliveries++
			if x.ReceivedOn != "" {
				confirmed++
				if gap := days(d.Date, x.ReceivedOn); gap < 3 || gap > 20 {
					t.Errorf("received %d days after sending", gap)
				}
			}
			if x.DeployedOn == "" || !keyType[d.Material] {
				continue
			}
			if d.Date < "2020-02-01" && x.DeployedOn <= "2018-12-31" {
				ok18[x.Unit] = true
			}
			if d.Date >= "2020-02-01" && x.DeployedOn <= "2020-12-31" {
				ok20[x.Unit] = true
			}
		}
	}
	if deliveries != sum.Deliveries || confirmed != sum.Confirmed {
		t.Errorf("%d deliveries (%d confirmed), summary %+v", deliveries, confirmed, sum)
	}
	share := func(us []outreach.Unit, ok map[string]bool) float64 {
		n := 0
		for _, u := range us {
			if ok[u.Code] {
				n++
			}
		}
		return 100 * float64(n) / float64(len(us))
	}
	s18, s20 := share(c17, ok18), share(c20, ok20)
	t.Logf("received and deployed: %.1f %% of 122 communes by 2018, %.1f %% of 108 by 2020", s18, s20)
	if s18 < 75 || s18 > 90 {
		t.Errorf("%.1f %% of communes received and deployed by 2018-12-31, want 75–90", s18)
	}
	if s20 < 95 || s20 >= 100 {
		t.Errorf("%.1f %% of communes received and deployed by 2020-12-31, want 95 and not quite all", s20)
	}

	// Key areas and models.
	keys, err := s.KeyAreas(ctx, demo.PlanCode, 0)
	if err != nil {
		t.Fatal(err)
	}
	if len(keys) != sum.KeyAreas {
		t.Errorf("%d key areas, summary %d", len(keys), sum.KeyAreas)
	}
	perKeyYear := map[int]int{}
	key20 := map[string]bool{}
	for _, k := range keys {
		perKeyYear[k.Year]++
		if k.Year == 2020 {
			key20[k.Unit.Code] = true
			if _, ok := m20[k.Unit.Code]; !ok || !k.Unit.ValidAt("2020-12-31") {
				t.Errorf("2020 key area %s is not a 2020 commune", k.Unit.Name)
			}
		}
	}
	for y := 2018; y <= 2020; y++ {
		if n := perKeyYear[y]; n < 12 || n > 18 {
			t.Errorf("%d key areas in %d, want 12–18", n, y)
		}
	}
	models, err := s.Models(ctx, system, demo.PlanCode, false)
	if err != nil {
		t.Fatal(err)
	}
	if len(models) != sum.Models {
		t.Errorf("%d models, summary %d", len(models), sum.Models)
	}
	active, stopped := map[string]bool{}, 0
	for _, m := range models {
		if !m.Demo {
			t.Errorf("model %q is not marked demo", m.Name)
		}
		switch m.StatusOn("2020-12-31") {
		case outreach.ModelActive:
			if key20[m.Unit] {
				active[m.Unit] = true
			}
		default:
			stopped++
		}
	}
	ms := 100 * float64(len(active)) / float64(len(key20))
	t.Logf("%d of %d 2020 key communes (%.0f %%) have an active model; %d models stopped", len(active), len(key20), ms, stopped)
	if ms < 35 || ms > 45 || stopped == 0 {
		t.Errorf("%.0f %% of 2020 key communes have an active model (want 35–45), %d stopped", ms, stopped)
	}

	// Budget estimates within 80–120 % of what was spent.
	for y := 2017; y <= 2020; y++ {
		lines, err := s.Budget(ctx, system, demo.PlanCode, y)
		if err != nil {
			t.Fatal(err)
		}
		for _, l := range lines {
			if l.FundingSource != "ngan-sach" {
				continue
			}
			if r := float64(l.Estimate) / float64(l.Spent); l.Spent == 0 || r < 0.8 || r > 1.2 {
				t.Errorf("%d %s: estimate %d against %d spent", y, l.Agency, l.Estimate, l.Spent)
			}
		}
	}
}

func days(from, to string) int {
	a, _ := time.Parse("2006-01-02", from)
	b, _ := time.Parse("2006-01-02", to)
	return int(b.Sub(a).Hours() / 24)
}

// TestFillOnPostgres checks that PostgreSQL (activities through COPY) gets
// the same history as SQLite. It skips when PostgreSQL is unreachable.
func TestFillOnPostgres(t *testing.T) {
	pg := storetest.OpenPostgres(t)
	sp := fillBacKan(t, pg, 1368)
	lite, sl := filled(t, 1368)
	if sp != sl {
		t.Errorf("PostgreSQL %+v, SQLite %+v", sp, sl)
	}
	if a, b := first20(t, pg), first20(t, lite); !slices.Equal(a, b) {
		t.Errorf("first activities differ:\n%q\n%q", a, b)
	}
	if _, err := demo.Fill(ctx, pg, system, 1368); !errors.Is(err, demo.ErrNotEmpty) {
		t.Errorf("second Fill on PostgreSQL: %v", err)
	}
}
