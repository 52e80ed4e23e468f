package demo_test

import (
	"fmt"
	"sync"
	"testing"

	"outreach/internal/outreach"
	"outreach/internal/store"
	"outreach/internal/store/storetest"
)

// The engine reads, for a part of the plan's province, only the facts of
// the unit versions the crosswalk carries into that part. Its figures
// must equal those computed from all of the plan's facts (the
// dashboard's rows per district or new commune), on the tree of the
// year and on the 2025 tree, with requests running concurrently on the
// shared unit trees. So must the whole province's, from the facts the
// database sums (lumped).
func TestScopedFactsEqualWholePlan(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		fillBacKan(t, s, 1368)
		for _, q := range []store.IndicatorQuery{
			{Plan: "bk-1368-2017", Year: 2018},
			{Plan: "bk-1368-2017", Year: 2018, AsOf: "2021-12-31"},
			{Plan: "bk-1368-2017", Year: 2020, AsOf: "2025-12-31"},
		} {
			d, err := s.Dashboard(ctx, q)
			if err != nil {
				t.Fatal(err)
			}
			// The whole province, from facts the database summed over
			// every version that lands whole in it (lumped facts), equals
			// the dashboard's figures from every version's own.
			set, err := s.Indicators(ctx, q)
			if err != nil {
				t.Fatal(err)
			}
			if len(set.Indicators) != len(d.Indicators) {
				t.Fatalf("%+v: %d indicators, dashboard %d", q, len(set.Indicators), len(d.Indicators))
			}
			for i, ind := range set.Indicators {
				if whole := d.Indicators[i]; ind.Code != whole.Code || !same(ind, whole) {
					t.Errorf("as of %s, province %s: lumped %s, from every version %s", set.AsOf, ind.Code, ind, whole)
				}
			}
			// Parts where something was recorded (after 2025 the
			// province is Thái Nguyên, most of whose communes have
			// nothing from this plan).
			var rows []store.ChildRow
			for _, row := range d.Children {
				if row.Unit.ValidFrom < "2025" && q.AsOf == "2025-12-31" {
					continue // unchanged in 2025: no crosswalk to cross
				}
				for _, ind := range row.Indicators {
					if ind.Numerator > 0 && len(rows) < 12 {
						rows = append(rows, row)
						break
					}
				}
			}
			if len(rows) < 2 {
				t.Fatalf("%+v: %d children", q, len(rows))
			}
			var wg sync.WaitGroup
			var mu sync.Mutex
			var errs []error
			fail := func(err error) {
				mu.Lock()
				errs = append(errs, err)
				mu.Unlock()
			}
			for _, row := range rows {
				wg.Go(func() {
					sq := q
					sq.Unit = row.Unit.Code
					set, err := s.Indicators(ctx, sq)
					if err != nil {
						fail(err)
						return
					}
					for _, ind := range set.Indicators {
						whole, ok := row.Indicators[ind.Code]
						if !ok || !same(ind, whole) {
							fail(fmt.Errorf("as of %s, %s %s: scoped %s, from the whole plan %s", set.AsOf, row.Unit.Name, ind.Code, ind, whole))
						}
					}
				})
			}
			wg.Wait()
			for _, err := range errs {
				t.Error(err)
			}
		}
	})
}

func same(a, b outreach.Indicator) bool {
	close := func(x, y float64) bool { return x-y < 1e-6 && y-x < 1e-6 }
	return close(a.Numerator, b.Numerator) && close(a.Denominator, b.Denominator) && a.Status == b.Status
}
