package bench_test

import (
	"context"
	"strings"
	"testing"

	"outreach/internal/bench"
	"outreach/internal/outreach"
	"outreach/internal/setup"
	"outreach/internal/store"
	"outreach/internal/store/storetest"
)

// TestSmallCountry builds a small synthetic country through the import
// paths (COPY on PostgreSQL) and checks that the rollups agree with the
// records and that every target computes, the monthly one included.
func TestSmallCountry(t *testing.T) {
	ctx := context.Background()
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		if _, _, err := setup.Seed(ctx, s, outreach.SystemActor("test")); err != nil {
			t.Fatal(err)
		}
		sum, err := bench.Generate(ctx, s, bench.Config{Provinces: 2, CommunesPerProvince: 12, Activities: 4000, Distributions: 300, DeliveriesPer: 2, Seed: 3})
		if err != nil {
			t.Fatal(err)
		}
		if sum.Activities != 4000 || sum.Distributions != 300 {
			t.Fatalf("generated %+v", sum)
		}
		drift, err := s.RollupDrift(ctx)
		if err != nil || len(drift) > 0 {
			t.Fatalf("rollups differ from the records: %v %v", drift, err)
		}
		p, err := s.Plan(ctx, bench.PlanCode)
		if err != nil {
			t.Fatal(err)
		}
		set, err := s.Indicators(ctx, store.IndicatorQuery{Plan: bench.PlanCode, Year: p.Period.To})
		if err != nil {
			t.Fatal(err)
		}
		var monthly *outreach.Indicator
		for i, ind := range set.Indicators {
			if ind.Code == "II.2.4" {
				monthly = &set.Indicators[i]
			}
		}
		// Judged within the year: the 12 months of 2021. One activity in
		// twenty counts a news item, spread over the five years: nearly
		// every month has one.
		if monthly == nil || monthly.Denominator != 12 || monthly.Numerator < 10 || monthly.Numerator > 12 {
			t.Errorf("monthly news: %+v", monthly)
		}
		timings, err := bench.Measure(ctx, s, 1, 1)
		if err != nil || len(timings) != 7 {
			t.Errorf("measure: %v %v", timings, err)
		}
		// Without the plain SQL over the records: the first request, then
		// the engine and the plain SQL over the rollups per scope.
		if timings, err := bench.Measure(ctx, s, 1, 0); err != nil || len(timings) != 5 || !strings.HasPrefix(timings[0].Name, "first request") {
			t.Errorf("measure without the records: %v %v", timings, err)
		}
	})
}
