package bench

import (
	"context"
	"fmt"
	"sort"
	"time"

	"outreach/internal/store"
)

// Timing is a measured operation: its 50th and 95th percentiles over runs.
type Timing struct {
	Name     string
	Runs     int
	P50, P95 time.Duration
}

func (t Timing) String() string {
	return fmt.Sprintf("%-44s runs %3d  p50 %9s  p95 %9s", t.Name, t.Runs, t.P50.Round(time.Microsecond), t.P95.Round(time.Microsecond))
}

// warmup is the number of untimed runs before each measurement: the
// first runs on a connection fill its page cache and prepare its
// statements, which every later request finds done.
const warmup = 3

func measure(name string, runs int, f func() error) (Timing, error) {
	for range min(warmup, runs-1) {
		if err := f(); err != nil {
			return Timing{}, fmt.Errorf("%s: %w", name, err)
		}
	}
	var ds []time.Duration
	for range runs {
		start := time.Now()
		if err := f(); err != nil {
			return Timing{}, fmt.Errorf("%s: %w", name, err)
		}
		ds = append(ds, time.Since(start))
	}
	sort.Slice(ds, func(i, j int) bool { return ds[i] < ds[j] })
	return Timing{Name: name, Runs: runs, P50: ds[len(ds)/2], P95: ds[min(len(ds)-1, len(ds)*95/100)]}, nil
}

// Measure times every target of the synthetic plan for its last year, for
// the whole country and for one province, each beside the plain SQL
// aggregates of the same data (the sums and distinct counts the targets
// rest on, without carrying them across unit changes), over the records
// and over the rollups the engine reads. Timings come in threes per
// scope: engine, plain over the records (unless plainRuns is 0), plain
// over the rollups.
func Measure(ctx context.Context, s *store.Store, runs, plainRuns int) ([]Timing, error) {
	year := 0
	p, err := s.Plan(ctx, PlanCode)
	if err != nil {
		return nil, err
	}
	year = p.Period.To
	to := fmt.Sprintf("%d-12-31", year)
	var out []Timing
	// The first request reads and prepares the unit tree of the date,
	// which later requests share (it changes only when units are
	// imported): timed on its own, so that the runs below are the
	// steady state.
	first, err := measure("first request, whole country (reads the unit tree)", 1, func() error {
		_, err := s.Indicators(ctx, store.IndicatorQuery{Plan: PlanCode, Year: year})
		return err
	})
	if err != nil {
		return nil, err
	}
	out = append(out, first)
	for _, scope := range []struct{ name, unit, path string }{{"whole country", "", Root}, {"one province", Province(1), Root + "/" + Province(1)}} {
		t, err := measure("indicators, "+scope.name, runs, func() error {
			_, err := s.Indicators(ctx, store.IndicatorQuery{Plan: PlanCode, Year: year, Unit: scope.unit})
			return err
		})
		if err != nil {
			return nil, err
		}
		out = append(out, t)
		if plainRuns > 0 { // they take minutes at national scale
			t, err = measure("plain SQL over the records, "+scope.name, plainRuns, func() error {
				return s.PlainAggregates(ctx, PlanCode, to, scope.path)
			})
			if err != nil {
				return nil, err
			}
			out = append(out, t)
		}
		t, err = measure("plain SQL over the rollups, "+scope.name, runs, func() error {
			return s.PlainRollupAggregates(ctx, PlanCode, to, scope.path)
		})
		if err != nil {
			return nil, err
		}
		out = append(out, t)
	}
	return out, nil
}
