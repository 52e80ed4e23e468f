package main

import (
	"context"
	"fmt"
	"os"
	"runtime/pprof"
	"strings"

	"outreach/internal/bench"
)

func cmdBenchGenerate(ctx context.Context, e env) error {
	fs := newFlags(e, "bench generate")
	open := dataFlag(e, fs)
	provinces := fs.Int("provinces", 63, "provinces")
	communes := fs.Int("communes", 160, "communes per province (until 2025; merged in groups of 2–4 on 2025-07-01)")
	activities := fs.Int("activities", 5_000_000, "activities")
	distributions := fs.Int("distributions", 1_000_000, "distributions")
	deliveries := fs.Int("deliveries", 2, "communes per distribution")
	seed := fs.Uint64("seed", 1, "random seed")
	if err := parse(fs, e.args); err != nil {
		return err
	}
	s, err := open(ctx)
	if err != nil {
		return err
	}
	defer s.Close()
	sum, err := bench.Generate(ctx, s, bench.Config{Provinces: *provinces, CommunesPerProvince: *communes, Activities: *activities,
		Distributions: *distributions, DeliveriesPer: *deliveries, Seed: *seed, Progress: e.stderr})
	if err != nil {
		return err
	}
	fmt.Fprintf(e.stdout, "synthetic country written in %s: %d units, %d communes after 2025, %d activities, %d distributions (%d deliveries), %d key areas, %d models\n",
		sum.Took.Round(1e9), sum.Units, sum.Communes2025, sum.Activities, sum.Distributions, sum.Deliveries, sum.KeyAreas, sum.Models)
	return nil
}

func cmdBenchIndicators(ctx context.Context, e env) error {
	fs := newFlags(e, "bench indicators")
	open := dataFlag(e, fs)
	runs := fs.Int("runs", 20, "runs of each indicator measurement")
	plainRuns := fs.Int("plain-runs", 3, "runs of the plain SQL aggregates over the records (they scan every record: a few runs suffice; 0 skips them)")
	cpuProfile := fs.String("cpuprofile", "", "write a CPU profile of the measurements to this file")
	if err := parse(fs, e.args); err != nil {
		return err
	}
	if *runs < 1 || *plainRuns < 0 {
		return usagef("--runs must be at least 1 and --plain-runs at least 0 (0 skips the plain SQL over the records)")
	}
	if *cpuProfile != "" {
		f, err := os.Create(*cpuProfile)
		if err != nil {
			return err
		}
		defer f.Close()
		if err := pprof.StartCPUProfile(f); err != nil {
			return err
		}
		defer pprof.StopCPUProfile()
	}
	s, err := open(ctx)
	if err != nil {
		return err
	}
	defer s.Close()
	ts, err := bench.Measure(ctx, s, *runs, *plainRuns)
	if err != nil {
		return err
	}
	fmt.Fprintf(e.stdout, "engine %s\n", s.Engine())
	var engine float64
	for _, t := range ts {
		fmt.Fprintln(e.stdout, t)
		switch {
		case strings.HasPrefix(t.Name, "indicators"):
			engine = float64(t.P95)
		case strings.HasPrefix(t.Name, "plain SQL over the records"):
			fmt.Fprintf(e.stdout, "  ratio engine / plain SQL over the records (p95): %.2f×\n", engine/float64(t.P95))
		case strings.HasPrefix(t.Name, "plain SQL over the rollups"):
			fmt.Fprintf(e.stdout, "  ratio engine / plain SQL over the rollups (p95): %.2f×\n", engine/float64(t.P95))
		}
	}
	return nil
}
