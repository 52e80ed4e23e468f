package main

import (
	"context"
	"fmt"
	"os"
	"runtime/pprof"
	"strings"
	"time"

	"outreach/internal/bench"
	"outreach/internal/store"
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
	stop, err := startCPUProfile(*cpuProfile)
	if err != nil {
		return err
	}
	defer stop()
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

func cmdBenchMinistryGenerate(ctx context.Context, e env) error {
	fs := newFlags(e, "bench ministry-generate")
	dir := fs.String("data", "./data", "directory of the SQLite database (ignored when OUTREACH_DATABASE_URL is set); use an empty one")
	def := bench.DefaultMinistry
	activities := fs.Int("activities", def.Activities, "activities in all, spread over the provinces' plans by their communes")
	distributions := fs.Int("distributions", def.Distributions, "distributions in all")
	deliveries := fs.Int("deliveries", def.DeliveriesPer, "communes per distribution")
	seed := fs.Uint64("seed", def.Seed, "random seed")
	if err := parse(fs, e.args); err != nil {
		return err
	}
	if *activities < 0 || *distributions < 0 || *deliveries < 1 {
		return usagef("--activities and --distributions must be at least 0 and --deliveries at least 1")
	}
	// Opened here rather than through dataFlag so that the first start
	// (migrations and the national register) is timed on a fresh database.
	start := time.Now()
	s, err := store.Open(ctx, *dir, e.getenv("OUTREACH_DATABASE_URL"))
	if err != nil {
		return err
	}
	defer s.Close()
	if _, err := s.Migrate(ctx); err != nil {
		return err
	}
	migrated := time.Since(start)
	if _, err := s.Plan(ctx, bench.NationalPlan); err == nil {
		return fmt.Errorf("the database already holds the plan %s: generate into an empty database", bench.NationalPlan)
	}
	sum, err := bench.GenerateMinistry(ctx, s, bench.MinistryConfig{Activities: *activities, Distributions: *distributions, DeliveriesPer: *deliveries, Seed: *seed, Progress: e.stderr})
	if err != nil {
		return err
	}
	fmt.Fprintf(e.stdout, "engine %s\n", s.Engine())
	if sum.Seeded {
		fmt.Fprintf(e.stdout, "first start (migrations %s + national register and built-in plan %s): %s\n",
			migrated.Round(time.Millisecond), sum.SeedTook.Round(time.Millisecond), (migrated + sum.SeedTook).Round(time.Millisecond))
	} else {
		fmt.Fprintln(e.stdout, "the national register was already loaded: no first start timed")
	}
	fmt.Fprintf(e.stdout, "ministry data written in %s: %d provinces' plans and the national plan over %d communes, %d activities, %d distributions (%d deliveries), %d key areas, %d models\n",
		(sum.Took - sum.SeedTook).Round(time.Second), sum.Provinces, sum.Communes, sum.Activities, sum.Distributions, sum.Deliveries, sum.KeyAreas, sum.Models)
	return nil
}

func cmdBenchMinistry(ctx context.Context, e env) error {
	fs := newFlags(e, "bench ministry")
	open := dataFlag(e, fs)
	runs := fs.Int("runs", 20, "runs of each dashboard and of the plain SQL over the rollups")
	plainRuns := fs.Int("plain-runs", 1, "runs of the plain SQL over the records (they scan every record; 0 skips them)")
	province := fs.String("province", "", "the province whose own plan's dashboard is measured (default: the one with the most communes)")
	cpuProfile := fs.String("cpuprofile", "", "write a CPU profile of the measurements to this file")
	if err := parse(fs, e.args); err != nil {
		return err
	}
	if *runs < 1 || *plainRuns < 0 {
		return usagef("--runs must be at least 1 and --plain-runs at least 0 (0 skips the plain SQL over the records)")
	}
	s, err := open(ctx)
	if err != nil {
		return err
	}
	defer s.Close()
	var acts, dists int64
	if err := s.DB().QueryRowContext(ctx, `SELECT count(*) FROM activities`).Scan(&acts); err != nil {
		return err
	}
	if err := s.DB().QueryRowContext(ctx, `SELECT count(*) FROM distributions`).Scan(&dists); err != nil {
		return err
	}
	stop, err := startCPUProfile(*cpuProfile)
	if err != nil {
		return err
	}
	defer stop()
	m, err := bench.MeasureMinistry(ctx, s, bench.MinistryOptions{Runs: *runs, PlainRuns: *plainRuns, Province: *province})
	if err != nil {
		return err
	}
	fmt.Fprintf(e.stdout, "engine %s: %d activities, %d distributions stored; %d provinces\n", m.Engine, acts, dists, m.Provinces)
	for _, t := range m.All() {
		fmt.Fprintln(e.stdout, t)
	}
	met := func(ok bool) string {
		if ok {
			return "met"
		}
		return "NOT MET"
	}
	limit := time.Second
	if m.Engine == store.Postgres {
		limit = 300 * time.Millisecond
	}
	fmt.Fprintf(e.stdout, "goal: ministry dashboard p95 %s < %s: %s\n", m.Ministry.P95.Round(time.Microsecond), limit, met(m.Ministry.P95 < limit))
	fmt.Fprintf(e.stdout, "goal: province dashboard p95 %s < 50ms: %s\n", m.ProvinceDash.P95.Round(time.Microsecond), met(m.ProvinceDash.P95 < 50*time.Millisecond))
	r := bench.Ratio(m.Ministry, m.PlainMinistry)
	fmt.Fprintf(e.stdout, "goal: ratio ministry dashboard / plain SQL over the rollups (p95) %.2f× ≤ 1.5×: %s\n", r, met(r <= 1.5))
	r = bench.Ratio(m.ProvinceDash, m.PlainProvince)
	fmt.Fprintf(e.stdout, "goal: ratio province dashboard / plain SQL over the rollups (p95) %.2f× ≤ 1.5×: %s\n", r, met(r <= 1.5))
	fmt.Fprintf(e.stdout, "  ratio province targets only (API) / plain SQL of its targets over the rollups (p95): %.2f×\n", bench.Ratio(m.ProvinceIndicators, m.PlainProvinceTargets))
	if m.PlainRecordsMinistry != nil {
		fmt.Fprintf(e.stdout, "  ratio ministry dashboard / plain SQL over the records (p95): %.3f×\n", bench.Ratio(m.Ministry, *m.PlainRecordsMinistry))
	}
	if m.PlainRecordsProvince != nil {
		fmt.Fprintf(e.stdout, "  ratio province dashboard / plain SQL over the records (p95): %.3f×\n", bench.Ratio(m.ProvinceDash, *m.PlainRecordsProvince))
	}
	return nil
}

// startCPUProfile starts a CPU profile into the file when one is named;
// stop ends it and closes the file.
func startCPUProfile(path string) (stop func(), err error) {
	if path == "" {
		return func() {}, nil
	}
	f, err := os.Create(path)
	if err != nil {
		return nil, err
	}
	if err := pprof.StartCPUProfile(f); err != nil {
		f.Close()
		return nil, err
	}
	return func() {
		pprof.StopCPUProfile()
		f.Close()
	}, nil
}
