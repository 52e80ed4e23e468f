package store_test

import (
	"errors"
	"maps"
	"testing"

	"outreach/internal/outreach"
	"outreach/internal/store"
	"outreach/internal/store/storetest"
)

// ageGroup is the plan-defined population group the tests record.
const ageGroup = "age_14_60"

// withAudienceGroup gives the built-in plan a population group of its own
// and a population-share target counting it, so that activities must
// record it. It skips the test while plans do not keep their groups.
func withAudienceGroup(t *testing.T, s *store.Store) {
	t.Helper()
	p, err := s.Plan(ctx, "bk-1368-2017")
	if err != nil {
		t.Fatal(err)
	}
	from, to := 14, 60
	p.Populations = append(p.Populations, outreach.PopulationDef{Code: ageGroup, Name: "Người từ 14 đến 60 tuổi", AgeFrom: &from, AgeTo: &to})
	p.Targets = append(p.Targets, outreach.Target{Code: "II.2.9", Text: "Người từ 14 đến 60 tuổi được tuyên truyền", Kind: outreach.KindPopulationShare,
		Populations: []outreach.PopulationGroup{ageGroup}, Milestones: []outreach.Milestone{{Year: 2020, Comparator: ">=", Value: 80}}})
	if _, err := s.ImportPlan(ctx, system, p); errors.Is(err, outreach.ErrInvalid) {
		t.Skipf("plans cannot define population groups yet: %v", err)
	} else if err != nil {
		t.Fatal(err)
	}
	if p, err = s.Plan(ctx, "bk-1368-2017"); err != nil {
		t.Fatal(err)
	}
	if len(p.AudienceGroups()) == 0 {
		t.Skip("plans do not keep their population groups yet")
	}
}

// problemOn returns the problem of a validation error on the field.
func problemOn(err error, field string) (outreach.Problem, bool) {
	var v *outreach.ValidationError
	if !errors.As(err, &v) {
		return outreach.Problem{}, false
	}
	for _, p := range v.Problems {
		if p.Field == field {
			return p, true
		}
	}
	return outreach.Problem{}, false
}

func groupActivity(total int64, groups map[string]int64) outreach.Activity {
	a := sampleActivity()
	a.Audience = outreach.Audience{Total: n64(total), Groups: groups}
	return a
}

// TestAudienceGroupRules: a group the plan does not ask for, a figure
// above the total, below zero or beyond reason are refused, on the
// group's field, and nothing is written.
func TestAudienceGroupRules(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		seeded(t, s)
		as := actors(t, s)
		tooLarge := groupActivity(0, map[string]int64{ageGroup: outreach.MaxPeople + 1})
		tooLarge.Audience.Total = nil
		for _, c := range []struct {
			name  string
			a     outreach.Activity
			field string
			code  string
		}{
			{"unknown group", groupActivity(100, map[string]int64{"mystery": 10}), "audience.groups.mystery", outreach.ProbUnknown},
			{"above the total", groupActivity(100, map[string]int64{ageGroup: 101}), "audience.groups." + ageGroup, outreach.ProbExceedsTotal},
			{"negative", groupActivity(100, map[string]int64{ageGroup: -1}), "audience.groups." + ageGroup, outreach.ProbNegative},
			{"too large", tooLarge, "audience.groups." + ageGroup, outreach.ProbTooLarge},
			{"not a code", groupActivity(100, map[string]int64{"Tuổi 14": 1}), "audience.groups", outreach.ProbUnknown},
		} {
			_, err := s.CreateActivity(ctx, as["police"], c.a)
			if p, ok := problemOn(err, c.field); !ok || p.Code != c.code {
				t.Errorf("%s: %v, want %s on %s", c.name, err, c.code, c.field)
			}
		}
		// The built-in plan asks for no group of its own: any is unknown.
		_, err := s.CreateActivity(ctx, as["police"], groupActivity(100, map[string]int64{ageGroup: 10}))
		if p, ok := problemOn(err, "audience.groups."+ageGroup); !ok || p.Code != outreach.ProbUnknown {
			t.Errorf("a group the plan does not define: %v", err)
		}
		var n int
		if err := s.DB().QueryRowContext(ctx, `SELECT count(*) FROM activities`).Scan(&n); err != nil || n != 0 {
			t.Errorf("refused activities were written: %d, %v", n, err)
		}
	})
}

func TestAudienceGroupsRoundTrip(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		seeded(t, s)
		withAudienceGroup(t, s)
		as := actors(t, s)
		groupsOf := func(id int64) map[string]int64 {
			t.Helper()
			a, err := s.Activity(ctx, as["viewer"], id)
			if err != nil {
				t.Fatal(err)
			}
			return a.Audience.Groups
		}
		id, err := s.CreateActivity(ctx, as["police"], groupActivity(120, map[string]int64{ageGroup: 80}))
		if err != nil {
			t.Fatal(err)
		}
		if g := groupsOf(id); !maps.Equal(g, map[string]int64{ageGroup: 80}) {
			t.Errorf("stored groups = %v", g)
		}
		page, err := s.Activities(ctx, as["viewer"], store.ActivityFilter{Plan: "bk-1368-2017"})
		if err != nil || len(page.Items) != 1 || page.Items[0].Audience.Groups[ageGroup] != 80 {
			t.Errorf("listed = %+v, %v", page.Items, err)
		}

		// Refused: a group of another plan, and one above the total.
		if _, err := s.CreateActivity(ctx, as["police"], groupActivity(120, map[string]int64{"young_women": 5})); err == nil {
			t.Error("a group the plan does not define was accepted")
		} else if p, ok := problemOn(err, "audience.groups.young_women"); !ok || p.Code != outreach.ProbUnknown {
			t.Errorf("unknown group: %v", err)
		}
		if _, err := s.CreateActivity(ctx, as["police"], groupActivity(120, map[string]int64{ageGroup: 121})); err == nil {
			t.Error("a group above the total was accepted")
		}
		// With the total unknown, any figure within bounds goes.
		unknownTotal := groupActivity(0, map[string]int64{ageGroup: 500})
		unknownTotal.Audience.Total = nil
		if _, err := s.CreateActivity(ctx, as["police"], unknownTotal); err != nil {
			t.Errorf("a group without a total: %v", err)
		}

		// An update replaces the groups; one without them removes them.
		a, err := s.Activity(ctx, as["police"], id)
		if err != nil {
			t.Fatal(err)
		}
		b := a.Activity
		b.Audience.Groups = map[string]int64{ageGroup: 50}
		if err := s.UpdateActivity(ctx, as["police"], b); err != nil {
			t.Fatal(err)
		}
		if g := groupsOf(id); !maps.Equal(g, map[string]int64{ageGroup: 50}) {
			t.Errorf("after update: %v", g)
		}
		b.Audience.Groups = nil
		if err := s.UpdateActivity(ctx, as["police"], b); err != nil {
			t.Fatal(err)
		}
		if g := groupsOf(id); len(g) != 0 {
			t.Errorf("after an update without groups: %v", g)
		}

		// The bin keeps them.
		b.Audience.Groups = map[string]int64{ageGroup: 70}
		if err := s.UpdateActivity(ctx, as["police"], b); err != nil {
			t.Fatal(err)
		}
		if err := s.DeleteActivity(ctx, as["police"], id); err != nil {
			t.Fatal(err)
		}
		if err := s.RestoreActivity(ctx, as["coord"], id); err != nil {
			t.Fatal(err)
		}
		if g := groupsOf(id); !maps.Equal(g, map[string]int64{ageGroup: 70}) {
			t.Errorf("after the bin: %v", g)
		}

		// An import writes them (on PostgreSQL by COPY) and refuses a
		// group the plan does not define, on its line.
		rows := []store.ActivityRow{{Line: 2, Activity: groupActivity(40, map[string]int64{ageGroup: 40})}, {Line: 3, Activity: groupActivity(40, nil)}}
		if _, err := s.ImportActivities(ctx, as["police"], "bk-1368-2017", store.ImportFile{Name: "a.csv", SHA256: "groups-1"}, rows); err != nil {
			t.Fatal(err)
		}
		page, err = s.Activities(ctx, as["viewer"], store.ActivityFilter{Plan: "bk-1368-2017", Sort: "date", Limit: 500})
		if err != nil {
			t.Fatal(err)
		}
		withGroup := 0
		for _, a := range page.Items {
			if a.Audience.Groups[ageGroup] == 40 {
				withGroup++
			}
		}
		if withGroup != 1 {
			t.Errorf("imported activities with the group: %d, want 1", withGroup)
		}
		bad := []store.ActivityRow{{Line: 7, Activity: groupActivity(40, map[string]int64{"mystery": 1})}}
		err = s.CheckActivities(ctx, as["police"], "bk-1368-2017", store.ImportFile{Name: "b.csv", SHA256: "groups-2"}, bad)
		if p, ok := problemOn(err, "audience.groups.mystery"); !ok || p.Position != "b.csv:7" {
			t.Errorf("import of an unknown group: %v", err)
		}
		// After creates, updates, the bin and an import, the groups'
		// rollup (fact_audience) equals a recomputation from the records.
		if drift, err := s.RollupDrift(ctx); err != nil || len(drift) > 0 {
			t.Errorf("rollup drift: %v %v", drift, err)
		}
		var rows2 int
		if err := s.DB().QueryRowContext(ctx, `SELECT count(*) FROM fact_audience WHERE value <> 0`).Scan(&rows2); err != nil || rows2 == 0 {
			t.Errorf("fact_audience rows: %d %v", rows2, err)
		}
	})
}

// censusTotal reads the census population of the versions of the codes
// in force on the date, straight from the table.
func censusTotal(t *testing.T, s *store.Store, date string, codes ...string) float64 {
	t.Helper()
	total := 0.0
	for _, c := range codes {
		var n float64
		err := s.DB().QueryRowContext(ctx, `SELECT p.value FROM unit_populations p JOIN units u ON u.id = p.unit_id
			WHERE u.code = $1 AND p.grp = 'total' AND (u.valid_from IS NULL OR u.valid_from <= $2) AND (u.valid_to IS NULL OR u.valid_to > $2)`, c, date).Scan(&n)
		if err != nil {
			t.Fatalf("population of %s: %v", c, err)
		}
		total += n
	}
	return total
}

func TestOverReach(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		seeded(t, s)
		as := actors(t, s)
		// Lương Hạ and Cường Lợi as they stood in May 2018.
		pop := censusTotal(t, s, "2018-05-10", "02155", "02152")
		province := censusTotal(t, s, "2018-05-10", "06")
		if pop < 1000 || province < 100_000 {
			t.Fatalf("census: communes %v, province %v", pop, province)
		}
		at := func(total int64, whole bool) outreach.Activity {
			a := sampleActivity()
			a.Audience = outreach.Audience{Total: n64(total)}
			if whole {
				a.Units, a.WholeProvince = nil, true
			}
			return a
		}
		for _, c := range []struct {
			name       string
			a          outreach.Activity
			population float64
			over       bool
		}{
			{"within the communes", at(int64(pop), false), pop, false},
			{"above the communes", at(int64(pop)+1, false), pop, true},
			{"within the province", at(int64(pop)+1, true), province, false},
			{"above the province", at(int64(province)+1, true), province, true},
		} {
			people, population, over, err := s.OverReach(ctx, c.a)
			if err != nil || people != float64(*c.a.Audience.Total) || population != c.population || over != c.over {
				t.Errorf("%s: %v %v %v %v, want population %v, over %v", c.name, people, population, over, err, c.population, c.over)
			}
		}
		// A commune listed with its district counts once, in the district.
		a := at(1, false)
		a.Units = []string{"066", "02155"}
		if _, population, _, err := s.OverReach(ctx, a); err != nil || population != censusTotal(t, s, "2018-05-10", "066") {
			t.Errorf("district and commune: %v, %v", population, err)
		}
		// No total: nothing to compare.
		a = at(1, false)
		a.Audience.Total = nil
		if _, _, over, err := s.OverReach(ctx, a); over || err != nil {
			t.Errorf("no total: %v %v", over, err)
		}
		// A commune formed in 2020 has no census figure of its own: it has
		// the people of the communes it was formed from.
		a = at(1, false)
		a.StartDate, a.EndDate, a.Units = "2020-03-02", "2020-03-02", []string{"01960"}
		if _, population, _, err := s.OverReach(ctx, a); err != nil || population < 1000 {
			t.Errorf("commune of 2020: %v, %v", population, err)
		}

		// OverReached lists the year's activities above their places'
		// population, not those within it, of another year or in the bin.
		over1, err := s.CreateActivity(ctx, as["police"], at(int64(pop)+500, false))
		if err != nil {
			t.Fatal(err)
		}
		if _, err := s.CreateActivity(ctx, as["police"], at(int64(pop), false)); err != nil {
			t.Fatal(err)
		}
		over2 := at(int64(province)+1, true)
		over2.StartDate, over2.EndDate = "2018-09-01", "2018-09-01"
		over2ID, err := s.CreateActivity(ctx, as["police"], over2)
		if err != nil {
			t.Fatal(err)
		}
		binned, err := s.CreateActivity(ctx, as["police"], at(int64(pop)+500, false))
		if err != nil {
			t.Fatal(err)
		}
		if err := s.DeleteActivity(ctx, as["police"], binned); err != nil {
			t.Fatal(err)
		}
		other := at(int64(pop)+500, false)
		other.StartDate, other.EndDate = "2019-01-05", "2019-01-05"
		if _, err := s.CreateActivity(ctx, as["police"], other); err != nil {
			t.Fatal(err)
		}
		got, err := s.OverReached(ctx, "bk-1368-2017", 2018)
		if err != nil {
			t.Fatal(err)
		}
		if len(got) != 2 || got[0].ID != over1 || got[1].ID != over2ID {
			t.Fatalf("over-reached = %+v", got)
		}
		if e := got[0]; e.People != pop+500 || e.Population != pop || e.Agency != "bk-ca" || e.AgencyName != "Công an tỉnh" || e.Title == "" {
			t.Errorf("entry = %+v", e)
		}
		if e := got[1]; e.Population != province {
			t.Errorf("whole province entry = %+v", e)
		}
		if got, err := s.OverReached(ctx, "bk-1368-2017", 2017); err != nil || len(got) != 0 {
			t.Errorf("2017: %+v, %v", got, err)
		}
	})
}
