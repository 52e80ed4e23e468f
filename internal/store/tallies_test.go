package store_test

import (
	"fmt"
	"math/rand/v2"
	"reflect"
	"testing"

	"outreach/internal/outreach"
	"outreach/internal/store"
	"outreach/internal/store/storetest"
)

// TestActivityTalliesEqualRecords writes activities of every channel,
// theme, agency and funding source, edits, deletes, restores and imports
// them, and checks that the dashboard's activity figures read from the
// tally rollup (migration 0010) equal those read from the records: for
// every year of the plan, on the tree of the year's end and on one where
// the province has merged into another.
func TestActivityTalliesEqualRecords(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		co := fixture(t, s)["coord"]
		communes := []string{"02155", "01903", "02143", "01912", "01954", "01834"}
		// One channel, theme, agency and funding source are left for an
		// activity deleted at the end, whose rollup rows are then zero.
		agencies := []string{"bk-ca", "bk-stp", "bk-sgddt"}
		sources := []string{"ngan-sach", "quy-phong-chong-toi-pham"}
		rng := rand.New(rand.NewPCG(13, 2026))
		some := func(from []string) []string {
			var out []string
			for _, i := range rng.Perm(len(from))[:1+rng.IntN(min(3, len(from)))] {
				out = append(out, from[i])
			}
			return out
		}
		newActivity := func() outreach.Activity {
			a := outreach.Activity{Plan: "bk-1368-2017", Agency: agencies[rng.IntN(len(agencies))], Channel: fmt.Sprintf("IV.%d", 1+rng.IntN(5)),
				Themes: some([]string{"III.1", "III.2", "III.3", "III.4"}), Title: "Hoạt động đếm",
				StartDate: fmt.Sprintf("%d-%02d-%02d", 2017+rng.IntN(4), 1+rng.IntN(12), 1+rng.IntN(28))}
			a.EndDate = a.StartDate
			// The communes are those of the 2018–2019 tree.
			if year := a.StartDate[:4]; rng.IntN(5) == 0 || year < "2018" || year > "2019" {
				a.WholeProvince = true
			} else {
				a.Units = some(communes)
			}
			if rng.IntN(2) == 0 {
				a.Cost, a.FundingSource = int64(1+rng.IntN(50))*100_000, sources[rng.IntN(len(sources))]
			}
			return a
		}
		var acts []int64
		deleted := map[int64]bool{}
		for step := range 120 {
			switch op := rng.IntN(6); {
			case op <= 1 || len(acts) == 0:
				id, err := s.CreateActivity(ctx, co, newActivity())
				if err != nil {
					t.Fatal(err)
				}
				acts = append(acts, id)
			case op == 2:
				if id := acts[rng.IntN(len(acts))]; !deleted[id] {
					a := newActivity()
					a.ID = id
					if err := s.UpdateActivity(ctx, co, a); err != nil {
						t.Fatal(err)
					}
				}
			case op == 3:
				id := acts[rng.IntN(len(acts))]
				var err error
				if deleted[id] {
					err = s.RestoreActivity(ctx, co, id)
				} else {
					err = s.DeleteActivity(ctx, co, id)
				}
				if err != nil {
					t.Fatal(err)
				}
				deleted[id] = !deleted[id]
			default:
				var rows []store.ActivityRow
				for i := range 1 + rng.IntN(4) {
					rows = append(rows, store.ActivityRow{Line: i + 2, Activity: newActivity()})
				}
				f := store.ImportFile{Name: fmt.Sprintf("t%d.csv", step), SHA256: fmt.Sprintf("tally-%d", step)}
				if _, err := s.ImportActivities(ctx, co, "bk-1368-2017", f, rows); err != nil {
					t.Fatal(err)
				}
			}
		}
		for _, year := range []string{"2018", "2020"} {
			gone, err := s.CreateActivity(ctx, co, outreach.Activity{Plan: "bk-1368-2017", Agency: "bk-hlhpn", Channel: "IV.6", Themes: []string{"III.5"},
				Title: "Xóa sau", StartDate: year + "-06-01", EndDate: year + "-06-01", WholeProvince: true, Cost: 1_000_000, FundingSource: "vien-tro"})
			if err != nil {
				t.Fatal(err)
			}
			if err := s.DeleteActivity(ctx, co, gone); err != nil {
				t.Fatal(err)
			}
		}
		if drift, err := s.RollupDrift(ctx); err != nil || len(drift) > 0 {
			t.Fatalf("rollups differ from the records: %v %v", drift, err)
		}
		counted := 0
		for year := 2017; year <= 2020; year++ {
			for _, asOf := range []string{"", "2026-12-31"} {
				q := store.IndicatorQuery{Plan: "bk-1368-2017", Year: year, AsOf: asOf}
				rollup, records, fromRollup, err := store.ActivityFiguresBothWays(s, q)
				if err != nil {
					t.Fatal(err)
				}
				if !fromRollup {
					t.Errorf("%+v: the dashboard of the whole plan does not read the tally rollup", q)
				}
				if got, want := tallyFigures(rollup), tallyFigures(records); !reflect.DeepEqual(got, want) {
					t.Errorf("%+v: from the tally rollup\n%+v\nfrom the records\n%+v", q, got, want)
				}
				d, err := s.Dashboard(ctx, q)
				if err != nil {
					t.Fatal(err)
				}
				if got, want := tallyFigures(d), tallyFigures(records); !reflect.DeepEqual(got, want) {
					t.Errorf("%+v: the dashboard shows\n%+v\nthe records say\n%+v", q, got, want)
				}
				counted += records.Activities
			}
		}
		if counted == 0 {
			t.Fatal("no activity counted: the comparison proves nothing")
		}
		// A district is a part of the plan: its figures come from the
		// records of the activities with a place in it.
		if _, _, fromRollup, err := store.ActivityFiguresBothWays(s, store.IndicatorQuery{Plan: "bk-1368-2017", Year: 2019, Unit: "066"}); err != nil || fromRollup {
			t.Errorf("a district's dashboard reads the tally rollup (%v, %v)", fromRollup, err)
		}
	})
}

// tallyFigures are the activity figures of a dashboard.
func tallyFigures(d *store.Dashboard) [6]any {
	return [6]any{d.Activities, d.ByChannel, d.ByTheme, d.ByAgency, d.ByMonth, d.Spending}
}
