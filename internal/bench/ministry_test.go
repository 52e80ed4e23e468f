package bench_test

import (
	"context"
	"math"
	"testing"

	"outreach/internal/bench"
	"outreach/internal/outreach"
	"outreach/internal/store"
	"outreach/internal/store/storetest"
)

// TestMinistrySmall writes a small ministry dataset on the real 2025 unit
// tree (the national plan and one plan per province, through the bulk
// imports) and checks that the national figures are the sums of the
// provinces' own plans', both for the country and in each province's row of
// the ministry's dashboard, and that the measurement runs.
func TestMinistrySmall(t *testing.T) {
	ctx := context.Background()
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		sum, err := bench.GenerateMinistry(ctx, s, bench.MinistryConfig{Activities: 3000, Distributions: 600, DeliveriesPer: 2, Seed: 7})
		if err != nil {
			t.Fatal(err)
		}
		if sum.Provinces != 34 || sum.Communes != 3321 || sum.Activities != 3000 || sum.Distributions != 600 || sum.KeyAreas == 0 || sum.Models == 0 {
			t.Fatalf("generated %+v", sum)
		}
		drift, err := s.RollupDrift(ctx)
		if err != nil || len(drift) > 0 {
			t.Fatalf("rollups differ from the records: %v %v", drift, err)
		}
		provinces, err := bench.MinistryProvinces(ctx, s)
		if err != nil {
			t.Fatal(err)
		}
		ind := func(q store.IndicatorQuery, code string) outreach.Indicator {
			t.Helper()
			set, err := s.Indicators(ctx, q)
			if err != nil {
				t.Fatal(err)
			}
			for _, ind := range set.Indicators {
				if ind.Code == code {
					return ind
				}
			}
			t.Fatalf("%+v: no %s", q, code)
			return outreach.Indicator{}
		}
		d, err := s.Dashboard(ctx, store.IndicatorQuery{Plan: bench.NationalPlan, Year: bench.MinistryYear})
		if err != nil {
			t.Fatal(err)
		}
		rows := map[string]store.ChildRow{}
		for _, r := range d.Children {
			rows[r.Unit.Code] = r
		}
		if len(rows) != len(provinces) {
			t.Fatalf("the ministry's dashboard has %d rows, want %d", len(rows), len(provinces))
		}
		var num, den, news float64
		for _, p := range provinces {
			own := ind(store.IndicatorQuery{Plan: bench.ProvincePlan(p.Code), Year: bench.MinistryYear}, "II.2.1")
			if own.Denominator != float64(len(p.Communes)) || own.Numerator == 0 || own.Numerator >= own.Denominator {
				t.Errorf("%s's own plan: II.2.1 %v/%v of %d communes", p.Code, own.Numerator, own.Denominator, len(p.Communes))
			}
			if row := rows[p.Code].Indicators["II.2.1"]; row.Numerator != own.Numerator || row.Denominator != own.Denominator {
				t.Errorf("%s's row of the ministry's dashboard: %v/%v, its own plan %v/%v", p.Code, row.Numerator, row.Denominator, own.Numerator, own.Denominator)
			}
			num += own.Numerator
			den += own.Denominator
			if v := ind(store.IndicatorQuery{Plan: bench.ProvincePlan(p.Code), Year: bench.MinistryYear}, "II.2.9").Value; v != nil {
				news += *v
			}
		}
		national := ind(store.IndicatorQuery{Plan: bench.NationalPlan, Year: bench.MinistryYear}, "II.2.1")
		if national.Numerator != num || national.Denominator != den || den != 3321 {
			t.Errorf("national II.2.1 %v/%v, the provinces' own plans sum to %v/%v", national.Numerator, national.Denominator, num, den)
		}
		var dashNational outreach.Indicator
		for _, i := range d.Indicators {
			if i.Code == "II.2.1" {
				dashNational = i
			}
		}
		if dashNational.Numerator != num || dashNational.Denominator != den {
			t.Errorf("the ministry's dashboard: II.2.1 %v/%v, want %v/%v", dashNational.Numerator, dashNational.Denominator, num, den)
		}
		if v := ind(store.IndicatorQuery{Plan: bench.NationalPlan, Year: bench.MinistryYear}, "II.2.9").Value; v == nil || news == 0 || math.Abs(*v-news) > 1e-9 {
			t.Errorf("national news items %v, the provinces' sum %v", v, news)
		}
		m, err := bench.MeasureMinistry(ctx, s, bench.MinistryOptions{Runs: 2, PlainRuns: 1})
		if err != nil {
			t.Fatal(err)
		}
		if m.Provinces != 34 || m.Province == "" || m.ProvinceDash.Runs != 2 || m.PlainRecordsProvince == nil || (s.Engine() == store.SQLite) != (m.MinistryCached != nil) {
			t.Errorf("measure: %+v", m)
		}
		for _, tm := range m.All() {
			if tm.P95 <= 0 {
				t.Errorf("%s: not timed", tm.Name)
			}
		}
	})
}
