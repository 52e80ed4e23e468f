// Package bench builds a synthetic country for measuring the indicator
// engine at national scale (outreach bench generate): a root unit, 63
// provinces, about 10,000 communes that merge into fewer communes on
// 1 July 2025 (some split by share), census figures, a plan over five
// years, millions of activities and distributions, key areas and models.
// Everything is deterministic for a seed. The units are generic tiers:
// the root is level 1, the "provinces" level 2 and the communes level 3.
package bench

import (
	"context"
	"fmt"
	"io"
	"math/rand/v2"
	"strings"
	"time"

	"outreach/internal/outreach"
	"outreach/internal/planfile"
	"outreach/internal/store"
	"outreach/internal/unitfile"
)

// Config sizes the synthetic country.
type Config struct {
	Provinces           int
	CommunesPerProvince int
	Activities          int
	Distributions       int // each to DeliveriesPer communes
	DeliveriesPer       int
	Seed                uint64
	Progress            io.Writer
}

// PlanCode is the synthetic plan's code; Root is the country's unit code.
const (
	PlanCode = "vn-bench"
	Root     = "00"
)

// Summary reports what Generate wrote and how long it took.
type Summary struct {
	Units, Communes2025, Activities, Distributions, Deliveries, KeyAreas, Models int
	Took                                                                         time.Duration
}

// Province returns the code of the i-th province (1-based).
func Province(i int) string { return fmt.Sprintf("P%02d", i) }

func commune(p, c int) string   { return fmt.Sprintf("P%02dC%04d", p, c) }
func successor(p, c int) string { return fmt.Sprintf("P%02dN%04d", p, c) }

// Generate writes the synthetic country into an empty store.
func Generate(ctx context.Context, s *store.Store, cfg Config) (Summary, error) {
	start := time.Now()
	var sum Summary
	rng := rand.New(rand.NewPCG(cfg.Seed, cfg.Seed^0x5eed))
	system := outreach.SystemActor("bench")
	say := func(format string, args ...any) {
		if cfg.Progress != nil {
			fmt.Fprintf(cfg.Progress, "%6.1fs  ", time.Since(start).Seconds())
			fmt.Fprintf(cfg.Progress, format+"\n", args...)
		}
	}

	// Units: the root, provinces, communes until 2025, their successors.
	d := &unitfile.Data{}
	unit := func(code, name, typ string, level int, parent, from, to string) {
		d.Units = append(d.Units, unitfile.UnitRow{Unit: outreach.Unit{Code: code, Name: name, Type: typ, Level: level, ParentCode: parent, ValidFrom: from, ValidTo: to}, Ref: code})
	}
	unit(Root, "Toàn quốc (mô phỏng)", outreach.UnitTinh, 1, "", "", "")
	pops := map[string]int64{}
	for p := 1; p <= cfg.Provinces; p++ {
		pc := Province(p)
		unit(pc, fmt.Sprintf("Tỉnh mô phỏng %02d", p), outreach.UnitTinh, 2, Root, "", "")
		var provincePop int64
		n := cfg.CommunesPerProvince
		next := 1
		for c := 1; c <= n; {
			// Groups of 2–4 communes merge into one; every 25th group's
			// last commune is split between this successor and the next.
			size := 2 + rng.IntN(3)
			succ := successor(p, next)
			unit(succ, fmt.Sprintf("Xã mới %s", succ), outreach.UnitXa, 3, pc, "2025-07-01", "")
			for k := 0; k < size && c <= n; k++ {
				code := commune(p, c)
				unit(code, fmt.Sprintf("Xã %s", code), outreach.UnitXa, 3, pc, "", "2025-07-01")
				pop := int64(3000 + rng.IntN(12000))
				pops[code] = pop
				provincePop += pop
				split := next%25 == 0 && k == size-1 && c < n
				if split {
					d.Changes = append(d.Changes, unitfile.Change{Ref: code, Date: "2025-07-01", Kind: "split", OldCode: code, NewCode: succ, Portion: "partial", Share: 0.6},
						unitfile.Change{Ref: code, Date: "2025-07-01", Kind: "split", OldCode: code, NewCode: successor(p, next+1), Portion: "partial", Share: 0.4})
				} else {
					d.Changes = append(d.Changes, unitfile.Change{Ref: code, Date: "2025-07-01", Kind: "merged_into", OldCode: code, NewCode: succ, Portion: "full"})
				}
				c++
			}
			sum.Communes2025++
			next++
		}
		// A split's second successor must exist: make sure the last one does.
		unit(successor(p, next), fmt.Sprintf("Xã mới %s", successor(p, next)), outreach.UnitXa, 3, pc, "2025-07-01", "")
		d.Changes = append(d.Changes, unitfile.Change{Ref: pc, Date: "2025-07-01", Kind: "merged_into", OldCode: commune(p, n), NewCode: successor(p, next), Portion: "full"})
		pops[pc] = provincePop
	}
	var total int64
	for p := 1; p <= cfg.Provinces; p++ {
		total += pops[Province(p)]
	}
	for code, v := range pops {
		d.Populations = append(d.Populations, unitfile.PopulationRow{Population: outreach.Population{UnitCode: code, RefDate: "2019-04-01", Group: "total", Value: v, Source: "mô phỏng"}, Ref: code})
	}
	d.Populations = append(d.Populations,
		unitfile.PopulationRow{Population: outreach.Population{UnitCode: Root, RefDate: "2019-04-01", Group: "total", Value: total, Source: "mô phỏng"}, Ref: Root},
		unitfile.PopulationRow{Population: outreach.Population{UnitCode: Root, RefDate: "2019-04-01", Group: "female", Value: total * 49 / 100, Source: "Ước tính mô phỏng"}, Ref: Root},
		unitfile.PopulationRow{Population: outreach.Population{UnitCode: Root, RefDate: "2019-04-01", Group: "age_14_16", Value: total * 4 / 100, Source: "Ước tính mô phỏng"}, Ref: Root})
	res, err := s.ImportUnits(ctx, system, d)
	if err != nil {
		return sum, fmt.Errorf("units: %w", err)
	}
	sum.Units = res.UnitsAdded
	say("%d units, %d changes", res.UnitsAdded, res.ChangesAdded)

	// The plan: Bắc Kạn's, over the country and five years.
	ps, err := planfile.Builtin()
	if err != nil {
		return sum, err
	}
	p := ps[0]
	p.Code, p.Scope, p.Title = PlanCode, Root, "Kế hoạch mô phỏng toàn quốc (đo hiệu năng)"
	p.Period.To = p.Period.From + 4
	// Its agencies belong to the simulated country: codes are owned.
	p.RenameAgencies(func(c string) string { return "sim-" + strings.TrimPrefix(c, "bk-") })
	for i := range p.Agencies {
		p.Agencies[i].Unit = ""
	}
	// A frequency target as other provinces' plans have, so that it is
	// measured too.
	p.Targets = append(p.Targets, outreach.Target{Code: "II.2.4", Text: "Mỗi tháng ít nhất một tin, bài", Kind: outreach.KindFrequency,
		Measure: "news_items", Per: outreach.PerMonth, Milestones: []outreach.Milestone{{Year: p.Period.To, Comparator: ">=", Value: 100}}})
	if _, err := s.ImportPlan(ctx, system, p); err != nil {
		return sum, fmt.Errorf("plan: %w", err)
	}
	years := p.Period.Years()

	// Activities, in files of 50,000 rows.
	agencies := []string{"sim-ca", "sim-hlhpn", "sim-stp", "sim-sgddt", "sim-svhttdl", "sim-stttt", "sim-bbk", "sim-dptth"}
	channels := []string{"IV.1", "IV.2", "IV.3", "IV.4", "IV.5", "IV.6"}
	randCommune := func() string {
		return commune(1+rng.IntN(cfg.Provinces), 1+rng.IntN(cfg.CommunesPerProvince))
	}
	randDate := func() string {
		y := years[rng.IntN(len(years))]
		return fmt.Sprintf("%d-%02d-%02d", y, 1+rng.IntN(12), 1+rng.IntN(28))
	}
	const chunk = 50_000
	for done := 0; done < cfg.Activities; {
		n := min(chunk, cfg.Activities-done)
		rows := make([]store.ActivityRow, n)
		for i := range rows {
			day := randDate()
			tot := int64(20 + rng.IntN(400))
			women := tot * int64(40+rng.IntN(30)) / 100
			a := outreach.Activity{Agency: agencies[rng.IntN(len(agencies))], Channel: channels[rng.IntN(len(channels))], Themes: []string{"III.3"},
				Title: fmt.Sprintf("Hoạt động mô phỏng %d", done+i+1), StartDate: day, EndDate: day, Units: []string{randCommune()},
				Audience: outreach.Audience{Total: &tot, Women: &women}, Demo: true}
			if rng.IntN(3) == 0 {
				if u := randCommune(); u != a.Units[0] {
					a.Units = append(a.Units, u)
				}
			}
			if rng.IntN(50) == 0 {
				a.Task, a.Agency = "V.5.2", "sim-sgddt"
				a.Quantities = []outreach.ActivityQuantity{{Kind: "schools", Value: 1}}
				ch := int64(tot / 2)
				a.Audience.Children1416 = &ch
			}
			if rng.IntN(20) == 0 {
				a.Channel, a.Quantities = "IV.2", []outreach.ActivityQuantity{{Kind: "news_items", Value: 1}}
			}
			rows[i] = store.ActivityRow{Line: i + 2, Activity: a}
		}
		if _, err := s.ImportActivities(ctx, system, PlanCode, store.ImportFile{Name: fmt.Sprintf("bench-%d", done), SHA256: fmt.Sprintf("bench-%d-%d", cfg.Seed, done)}, rows); err != nil {
			return sum, fmt.Errorf("activities: %w", err)
		}
		done += n
		sum.Activities = done
		say("%d activities", done)
	}

	// Distributions of ten materials, each to a few communes, most
	// received and deployed.
	var materials []int64
	for i := 0; i < 10; i++ {
		id, err := s.SaveMaterial(ctx, system, outreach.Material{Plan: PlanCode, Type: "guidance", Title: fmt.Sprintf("Tài liệu mô phỏng %d", i+1), Agency: "sim-stp", Year: years[0], Demo: true})
		if err != nil {
			return sum, err
		}
		materials = append(materials, id)
	}
	for done := 0; done < cfg.Distributions; {
		n := min(chunk/cfg.DeliveriesPer, cfg.Distributions-done)
		rows := make([]store.DistributionRow, n)
		for i := range rows {
			day := fmt.Sprintf("%d-%02d-%02d", years[rng.IntN(len(years)-1)], 1+rng.IntN(12), 1+rng.IntN(20))
			dd := outreach.Distribution{Material: materials[rng.IntN(len(materials))], FromAgency: "sim-stp", Date: day, Demo: true}
			dd.Deliveries = deliveries(rng, day, cfg.DeliveriesPer, randCommune)
			rows[i] = store.DistributionRow{Lines: []int{i + 2}, Distribution: dd}
			sum.Deliveries += len(dd.Deliveries)
		}
		if _, err := s.ImportDistributions(ctx, system, PlanCode, store.ImportFile{Name: fmt.Sprintf("bench-d-%d", done), SHA256: fmt.Sprintf("bench-d-%d-%d", cfg.Seed, done)}, rows); err != nil {
			return sum, fmt.Errorf("distributions: %w", err)
		}
		done += n
		sum.Distributions = done
		say("%d distributions", done)
	}

	// Key areas (2 % of communes a year) and models in about 40 % of them.
	for _, y := range years {
		for k := 0; k < cfg.Provinces*cfg.CommunesPerProvince/50; k++ {
			u := randCommune()
			if err := s.SetKeyArea(ctx, system, PlanCode, u, y, []string{outreach.ReasonHighRisk}, ""); err != nil {
				return sum, fmt.Errorf("key area: %w", err)
			}
			sum.KeyAreas++
			if rng.IntN(10) < 4 {
				m := outreach.PreventionModel{Plan: PlanCode, Unit: u, Agency: "sim-hlhpn", Name: "Mô hình mô phỏng", EstablishedOn: fmt.Sprintf("%d-03-01", y), Demo: true}
				if _, err := s.CreateModel(ctx, system, m); err != nil {
					return sum, fmt.Errorf("model: %w", err)
				}
				sum.Models++
			}
		}
		say("key areas and models of %d", y)
	}
	// Fresh planner statistics, as autovacuum would gather them in time
	// (where it runs: it is off on some clusters, this machine's among
	// them). Without them PostgreSQL planned the rollup reads of one
	// province as scans of the whole country's rows.
	if s.Engine() == store.Postgres {
		if _, err := s.DB().ExecContext(ctx, `ANALYZE`); err != nil {
			return sum, fmt.Errorf("analyze: %w", err)
		}
		say("statistics gathered (ANALYZE)")
	}
	sum.Took = time.Since(start)
	return sum, nil
}

// deliveries draws a distribution's deliveries on the day: n draws of a
// commune (a commune drawn twice is sent to once), most received on the
// day, most of those deployed.
func deliveries(rng *rand.Rand, day string, n int, commune func() string) []outreach.Delivery {
	var out []outreach.Delivery
	seen := map[string]bool{}
	for range n {
		u := commune()
		if seen[u] {
			continue
		}
		seen[u] = true
		x := outreach.Delivery{Unit: u, Quantity: 10}
		if rng.IntN(10) < 8 {
			x.ReceivedOn = day
			if rng.IntN(10) < 8 {
				x.DeployedOn, x.How = day, []string{"village_meeting"}
			}
		}
		out = append(out, x)
	}
	return out
}
