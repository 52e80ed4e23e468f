// Package demo fills the built-in plan (Bắc Kạn, Decision 1368/QĐ-UBND of
// 2017) with a realistic, deterministic history of 2017–2020: activities
// of every agency with tasks, a catalogue of materials sent to the
// communes and confirmed by them, key-area communes, prevention models and
// budget estimates. Every record it writes is marked Demo.
//
// The same seed always gives the same records: randomness comes from a PCG
// source seeded by it, never from the clock, and maps are never iterated
// for output. Everything is generated in memory first and then written
// through the store's ordinary calls (the bulk import for activities and
// distributions), as the system actor given.
package demo

import (
	"context"
	"errors"
	"fmt"
	"math/rand/v2"
	"slices"

	"outreach/internal/outreach"
	"outreach/internal/store"
)

// PlanCode is the plan the demo history is written for.
const PlanCode = "bk-1368-2017"

// ErrNotEmpty is returned when the plan already holds activities (or demo
// materials), so that filling twice never duplicates records.
var ErrNotEmpty = errors.New("the plan already holds activities; demo data is only written into a plan without any")

// Summary counts what Fill wrote.
type Summary struct {
	Activities    int `json:"activities"`
	Materials     int `json:"materials"`
	Distributions int `json:"distributions"`
	// Deliveries are the (distribution, commune) pairs; Confirmed those a
	// commune confirmed receiving, Deployed those it also deployed.
	Deliveries int `json:"deliveries"`
	Confirmed  int `json:"confirmed"`
	Deployed   int `json:"deployed"`
	Models     int `json:"models"`
	KeyAreas   int `json:"key_areas"`
	// BudgetLines are the (agency, year) estimates set for ngan-sach.
	BudgetLines int `json:"budget_lines"`
	// Reports are the agency and consolidated reports written.
	Reports int `json:"reports"`
}

// HasActivities reports whether the plan holds activities, in the bin or
// not (the bin only when the actor may see it), or materials marked demo.
// A plan that is not stored holds none.
func HasActivities(ctx context.Context, s *store.Store, actor outreach.Actor, plan string) (bool, error) {
	page, err := s.Activities(ctx, actor, store.ActivityFilter{Plan: plan, Limit: 1})
	if err != nil {
		return false, err
	}
	if page.Total > 0 {
		return true, nil
	}
	if actor.CanEditPlans() {
		bin, err := s.Activities(ctx, actor, store.ActivityFilter{Plan: plan, Limit: 1, Deleted: true})
		if err != nil {
			return false, err
		}
		if bin.Total > 0 {
			return true, nil
		}
	}
	ms, err := s.Materials(ctx, plan)
	if err != nil {
		return false, err
	}
	return slices.ContainsFunc(ms, func(m *store.MaterialView) bool { return m.Demo }), nil
}

// Fill writes the demo history into the built-in plan. It refuses (with an
// error wrapping ErrNotEmpty) when the plan already holds activities.
func Fill(ctx context.Context, s *store.Store, actor outreach.Actor, seed int64) (sum Summary, err error) {
	has, err := HasActivities(ctx, s, actor, PlanCode)
	if err != nil {
		return sum, err
	}
	if has {
		return sum, fmt.Errorf("demo: plan %s: %w", PlanCode, ErrNotEmpty)
	}
	w, err := load(ctx, s, seed)
	if err != nil {
		return sum, fmt.Errorf("demo: %w", err)
	}
	// Everything is generated before anything is written, so that a
	// mistake in the generator writes nothing.
	var r records
	r.acts = w.activities()
	r.mats = catalogueMaterials(PlanCode, catalogue, "")
	r.dists = w.distributions(r.mats)
	r.keys = w.keyAreas()
	r.models = w.models(r.keys)
	r.budget = w.budget(r.acts)

	file := store.ImportFile{Name: "demo", SHA256: fmt.Sprintf("demo-%d", seed)}
	if err := r.write(ctx, s, actor, PlanCode, file, &sum); err != nil {
		return sum, fmt.Errorf("demo: %w", err)
	}
	if sum.Reports, err = reports(ctx, s, actor, w.plan, seed); err != nil {
		return sum, fmt.Errorf("demo: reports: %w", err)
	}
	return sum, nil
}

// records are a demo history of a plan, generated in full before any of
// it is written.
type records struct {
	acts   []outreach.Activity
	mats   []catalogued
	dists  []sending
	keys   []keyArea
	models []outreach.PreventionModel
	budget []budgetLine
}

// write writes the records into the plan through the store's ordinary
// calls (the bulk import, as file, for activities and distributions),
// counting them in sum. It gives each material the id it is saved under.
func (r records) write(ctx context.Context, s *store.Store, actor outreach.Actor, plan string, file store.ImportFile, sum *Summary) (err error) {
	rows := make([]store.ActivityRow, len(r.acts))
	for i, a := range r.acts {
		rows[i] = store.ActivityRow{Line: i + 1, Activity: a}
	}
	if sum.Activities, err = s.ImportActivities(ctx, actor, plan, file, rows); err != nil {
		return fmt.Errorf("activities: %w", err)
	}
	for i := range r.mats {
		id, err := s.SaveMaterial(ctx, actor, r.mats[i].Material)
		if err != nil {
			return fmt.Errorf("material %q: %w", r.mats[i].Title, err)
		}
		r.mats[i].ID = id
		sum.Materials++
	}
	drows := make([]store.DistributionRow, len(r.dists))
	line := 1
	for i, d := range r.dists {
		d.Distribution.Material = r.mats[d.mat].ID
		lines := make([]int, len(d.Deliveries))
		for k, x := range d.Deliveries {
			lines[k] = line
			line++
			sum.Deliveries++
			if x.ReceivedOn != "" {
				sum.Confirmed++
			}
			if x.DeployedOn != "" {
				sum.Deployed++
			}
		}
		drows[i] = store.DistributionRow{Lines: lines, Distribution: d.Distribution}
	}
	if sum.Distributions, err = s.ImportDistributions(ctx, actor, plan, file, drows); err != nil {
		return fmt.Errorf("distributions: %w", err)
	}
	for _, k := range r.keys {
		if err := s.SetKeyArea(ctx, actor, plan, k.unit, k.year, k.reasons, k.note); err != nil {
			return fmt.Errorf("key area: %w", err)
		}
		sum.KeyAreas++
	}
	for _, m := range r.models {
		if _, err := s.CreateModel(ctx, actor, m); err != nil {
			return fmt.Errorf("model %q: %w", m.Name, err)
		}
		sum.Models++
	}
	for _, b := range r.budget {
		if err := s.SetBudgetEstimate(ctx, actor, plan, b.agency, b.year, "ngan-sach", b.amount); err != nil {
			return fmt.Errorf("budget: %w", err)
		}
		sum.BudgetLines++
	}
	return nil
}

// world is what the generator draws from: the plan, the communes of each
// period with their population, and the random source.
type world struct {
	r    *rand.Rand
	plan *outreach.Plan
	// agencies are the plan's bodies (not groups) in plan order.
	agencies []outreach.Agency
	tasks    map[string]outreach.Task
	// c17 are the 122 communes in force until 01/02/2020, c20 the 108
	// after; districts the 8 districts (as of 2019).
	c17, c20  []outreach.Unit
	districts []outreach.Unit
	pop       map[int64]int64
	// succ maps a 2017 commune version that changed in 2020 to the 2020
	// commune it went into (the whole of it, or its first part).
	succ map[int64]outreach.Unit
}

const mergeDate = "2020-02-01"

func load(ctx context.Context, s *store.Store, seed int64) (*world, error) {
	p, err := s.Plan(ctx, PlanCode)
	if err != nil {
		return nil, err
	}
	w := &world{
		r:     rand.New(rand.NewPCG(uint64(seed), uint64(seed)^0x9e3779b97f4a7c15)),
		plan:  p,
		tasks: map[string]outreach.Task{},
		pop:   map[int64]int64{},
		succ:  map[int64]outreach.Unit{},
	}
	for _, a := range p.Agencies {
		if !a.IsGroup() {
			w.agencies = append(w.agencies, a)
		}
	}
	for _, t := range p.Tasks {
		w.tasks[t.Clause] = t
	}
	if w.c17, err = s.PlanCommunes(ctx, PlanCode, "2019-04-01"); err != nil {
		return nil, err
	}
	if w.c20, err = s.PlanCommunes(ctx, PlanCode, "2020-12-31"); err != nil {
		return nil, err
	}
	if len(w.c17) == 0 || len(w.c20) == 0 {
		return nil, fmt.Errorf("plan %s has no communes in 2019 or 2020", PlanCode)
	}
	all, err := s.UnitsAsOf(ctx, "2019-04-01")
	if err != nil {
		return nil, err
	}
	for _, u := range all {
		if u.Level == outreach.LevelDistrict && u.ParentCode == p.Scope {
			w.districts = append(w.districts, u)
		}
	}
	// The 2019 census counts the communes of 2019; a commune formed in 2020
	// counts what it was formed from (a split commune's people shared
	// evenly among the communes that took its parts).
	for _, u := range w.c17 {
		ps, err := s.Populations(ctx, u.ID)
		if err != nil {
			return nil, err
		}
		for _, x := range ps {
			if x.Group == "total" && x.RefDate == "2019-04-01" {
				w.pop[u.ID] = x.Value
			}
		}
	}
	for _, u := range w.c20 {
		cs, err := s.Predecessors(ctx, u.ID)
		if err != nil {
			return nil, err
		}
		_, stable := w.pop[u.ID]
		var n int64
		for _, c := range cs {
			if _, ok := w.succ[c.Old.ID]; !ok || c.Portion == outreach.PortionFull {
				w.succ[c.Old.ID] = u
			}
			share := int64(1)
			if c.Portion == outreach.PortionPartial {
				out, err := s.Successors(ctx, c.Old.ID)
				if err != nil {
					return nil, err
				}
				share = int64(max(len(out), 1))
			}
			n += w.pop[c.Old.ID] / share
		}
		if stable {
			continue
		}
		if n == 0 {
			n = 3000
		}
		w.pop[u.ID] = n
	}
	return w, nil
}

// communes returns the communes in force on the date.
func (w *world) communes(date string) []outreach.Unit {
	if date < mergeDate {
		return w.c17
	}
	return w.c20
}

// districtCommunes returns the district's communes in force on the date.
func (w *world) districtCommunes(district, date string) []outreach.Unit {
	var us []outreach.Unit
	for _, u := range w.communes(date) {
		if u.ParentCode == district {
			us = append(us, u)
		}
	}
	return us
}

func (w *world) population(u outreach.Unit) int64 {
	if n, ok := w.pop[u.ID]; ok && n > 0 {
		return n
	}
	return 3000
}

func (w *world) agency(code string) outreach.Agency {
	for _, a := range w.agencies {
		if a.Code == code {
			return a
		}
	}
	return outreach.Agency{Code: code}
}

// task returns the clause when the plan has it, or "" (so a re-imported
// plan without it still gets valid records).
func (w *world) task(clause string) string {
	if _, ok := w.tasks[clause]; ok {
		return clause
	}
	return ""
}
