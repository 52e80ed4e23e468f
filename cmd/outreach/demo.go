package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"time"

	"outreach/internal/demo"
	"outreach/internal/outreach"
	"outreach/internal/store"
)

// cmdDemo fills the built-in plan with a demo history of 2017–2020, and
// adds the made-up Thái Nguyên plan of 2026–2030 with its 2026.
func cmdDemo(ctx context.Context, e env) error {
	fs := newFlags(e, "demo")
	open := dataFlag(e, fs)
	seed := fs.Int64("seed", 1368, "random seed: the same seed gives the same history")
	if err := parse(fs, e.args); err != nil {
		return err
	}
	if fs.NArg() > 0 {
		return usagef("unexpected arguments %v", fs.Args())
	}
	s, err := open(ctx)
	if err != nil {
		return err
	}
	defer s.Close()
	return fillDemo(ctx, s, e.stdout, *seed)
}

// fillDemo writes the demo records of both plans: Bắc Kạn's 2017–2020
// history and the invented Thái Nguyên plan's 2026. Each plan is filled
// on its own: one that already holds activities is left as it is (and
// said so), the other is still filled; only when both refuse does it
// fail (with an error wrapping demo.ErrNotEmpty).
func fillDemo(ctx context.Context, s *store.Store, out io.Writer, seed int64) error {
	actor := outreach.SystemActor("demo")
	start := time.Now()
	sum, bkErr := demo.Fill(ctx, s, actor, seed)
	switch {
	case bkErr == nil:
		printDemoSummary(out, sum, seed, time.Since(start))
	case errors.Is(bkErr, demo.ErrNotEmpty):
		fmt.Fprintf(out, "Plan %s already holds activities: no demo data written into it.\n", demo.PlanCode)
	default:
		return bkErr
	}
	start = time.Now()
	tn, tnErr := demo.FillThaiNguyen(ctx, s, actor, seed)
	switch {
	case tnErr == nil:
		imported := ""
		if tn.PlanImported {
			imported = ", plan imported"
		}
		fmt.Fprintf(out, "Demo plan %s (Thái Nguyên, 2025 units, invented for the demo%s): 2026 written (seed %d) in %v: "+
			"%d activities, %d materials, %d distributions (%d deliveries: %d confirmed received, %d deployed), %d key areas, %d models, %d budget lines.\n",
			demo.ThaiNguyenPlanCode, imported, seed, time.Since(start).Round(time.Millisecond), tn.Activities, tn.Materials, tn.Distributions,
			tn.Deliveries, tn.Confirmed, tn.Deployed, tn.KeyAreas, tn.Models, tn.BudgetLines)
	case errors.Is(tnErr, demo.ErrNotEmpty):
		fmt.Fprintf(out, "Demo plan %s already holds activities: no demo data written into it.\n", demo.ThaiNguyenPlanCode)
		if bkErr != nil {
			return bkErr
		}
	default:
		return tnErr
	}
	return nil
}

func printDemoSummary(w io.Writer, sum demo.Summary, seed int64, took time.Duration) {
	fmt.Fprintf(w, `Demo data written into plan %s (seed %d) in %v:
  activities     %d
  materials      %d
  distributions  %d (%d deliveries to communes: %d confirmed received, %d deployed)
  key areas      %d (commune-years)
  models         %d
  budget lines   %d
Every record is marked as demo data.
`, demo.PlanCode, seed, took.Round(time.Millisecond), sum.Activities, sum.Materials, sum.Distributions, sum.Deliveries,
		sum.Confirmed, sum.Deployed, sum.KeyAreas, sum.Models, sum.BudgetLines)
}

// serveDemo fills the built-in plan with demo data when it holds no
// activities yet (serve --demo), and only logs when it does.
func serveDemo(ctx context.Context, s *store.Store, log *slog.Logger, out io.Writer) error {
	err := fillDemo(ctx, s, out, 1368)
	if errors.Is(err, demo.ErrNotEmpty) {
		log.Info("demo data not written: the plans already hold activities", "plans", []string{demo.PlanCode, demo.ThaiNguyenPlanCode})
		return nil
	}
	if err != nil {
		return fmt.Errorf("demo data: %w", err)
	}
	return nil
}
