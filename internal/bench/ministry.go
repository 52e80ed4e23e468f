package bench

// Ministry scale (issue 13): the whole country on the real 2025 unit tree,
// as the ministry would run it. The national register is the one every
// fresh store is seeded with (setup.Seed: 34 provinces and 3,321 communes
// in force from 1 July 2025); on it GenerateMinistry writes one national
// plan over the country and one plan per province serving it, each target
// of a province's plan serving the national target of the same code, and
// spreads the activities and distributions over the provincial plans in
// proportion to their communes, all dated 2026, through the same bulk
// imports users call (rollups included). Everything is deterministic for a
// seed.

import (
	"context"
	"fmt"
	"io"
	"math/rand/v2"
	"slices"
	"sort"
	"strings"
	"time"

	"outreach/internal/outreach"
	"outreach/internal/planfile"
	"outreach/internal/setup"
	"outreach/internal/store"
)

// The national plan's code, its country, and the plans' period. The
// records are dated MinistryYear, the first year of the period.
const (
	NationalPlan = "vn-bench-2026"
	Country      = "VN"
	MinistryYear = 2026
	ministryTo   = 2030
	// treeDate is the day the provinces and communes are taken in force:
	// the plans start on it.
	treeDate = "2026-01-01"
)

// ProvincePlan is the code of a province's plan serving the national one.
func ProvincePlan(province string) string { return "p" + province + "-bench-2026" }

// MinistryConfig sizes the records of the ministry benchmark.
type MinistryConfig struct {
	// Activities and Distributions in all, spread over the provinces'
	// plans in proportion to their communes.
	Activities, Distributions int
	// DeliveriesPer is the number of communes each distribution goes to.
	DeliveriesPer int
	Seed          uint64
	Progress      io.Writer
}

// DefaultMinistry is the full size of issue 13.
var DefaultMinistry = MinistryConfig{Activities: 5_000_000, Distributions: 1_000_000, DeliveriesPer: 2, Seed: 1}

// MinistryProvince is a province in force when the plans start, with its
// communes then.
type MinistryProvince struct {
	Code, Name string
	Communes   []string
}

// MinistrySummary reports what GenerateMinistry wrote and how long it took.
type MinistrySummary struct {
	Provinces, Communes                                     int
	Activities, Distributions, Deliveries, KeyAreas, Models int
	// Seeded is set when the national register was loaded by this run
	// (a fresh database): SeedTook is then the first start's seeding.
	Seeded   bool
	SeedTook time.Duration
	Took     time.Duration
}

// MinistryProvinces lists the provinces in force on the plans' first day,
// each with its communes, in code order.
func MinistryProvinces(ctx context.Context, s *store.Store) ([]MinistryProvince, error) {
	us, err := s.UnitsAsOf(ctx, treeDate)
	if err != nil {
		return nil, err
	}
	var out []MinistryProvince
	index := map[string]int{}
	for _, u := range us {
		if u.IsProvince() && u.ParentCode == Country {
			if _, ok := index[u.Code]; !ok {
				index[u.Code] = len(out)
				out = append(out, MinistryProvince{Code: u.Code, Name: u.Name})
			}
		}
	}
	for _, u := range us {
		if !u.IsCommune() {
			continue
		}
		for i := range out {
			if u.Under(Country + "/" + out[i].Code) {
				out[i].Communes = append(out[i].Communes, u.Code)
				break
			}
		}
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Code < out[j].Code })
	for i := range out {
		sort.Strings(out[i].Communes)
	}
	return out, nil
}

// ministryTargets are the national plan's targets: the four kinds of the
// national programme and a count, each serving the parent's target of the
// same code when serve is set.
func ministryTargets(serve bool, count float64) []outreach.Target {
	parent := func(c string) string {
		if serve {
			return c
		}
		return ""
	}
	return []outreach.Target{
		{Code: "II.2.1", Text: "Tỷ lệ xã, phường nhận và triển khai tài liệu truyền thông", Kind: outreach.KindUnitShare, Units: outreach.SetAllCommunes,
			Condition: outreach.CondMaterialsDeployed, Milestones: []outreach.Milestone{{Year: ministryTo, Comparator: ">=", Value: 100}}, Parent: parent("II.2.1")},
		{Code: "II.2.2", Text: "Tỷ lệ xã trọng điểm có mô hình chuyên sâu", Kind: outreach.KindUnitShare, Units: outreach.SetKeyAreaCommunes,
			Condition: outreach.CondActiveModel, Milestones: []outreach.Milestone{{Year: ministryTo, Comparator: ">=", Value: 30}}, Parent: parent("II.2.2")},
		{Code: "II.2.3", Text: "Tỷ lệ người dân được tiếp cận thông tin", Kind: outreach.KindPopulationShare,
			Populations: []outreach.PopulationGroup{outreach.PopEveryone, outreach.PopWomen, outreach.PopChildren1416},
			Milestones:  []outreach.Milestone{{Year: ministryTo, Comparator: ">=", Value: 100}}, Parent: parent("II.2.3")},
		{Code: "II.2.4", Text: "Mỗi tháng ít nhất một tin, bài", Kind: outreach.KindFrequency, Measure: "news_items", Per: outreach.PerMonth,
			Milestones: []outreach.Milestone{{Year: ministryTo, Comparator: ">=", Value: 100}}, Parent: parent("II.2.4")},
		{Code: "II.2.9", Text: "Số tin, bài", Kind: outreach.KindCount, Measure: "news_items",
			Milestones: []outreach.Milestone{{Year: ministryTo, Comparator: ">=", Value: count}}, Parent: parent("II.2.9")},
	}
}

// ministryPlan is the built-in plan's text under another code, scope,
// parent and period (2026–2030), its agencies under codes with the prefix
// (agency codes belong to one province or the country), with the
// ministry's targets.
func ministryPlan(code, scope, parent, prefix, title string) (*outreach.Plan, error) {
	ps, err := planfile.Builtin()
	if err != nil {
		return nil, err
	}
	p := ps[0]
	p.Code, p.Scope, p.Parent, p.Title = code, scope, parent, title
	p.Period = outreach.Period{From: MinistryYear, To: ministryTo}
	p.Decision.Date = fmt.Sprintf("%d-01-01", MinistryYear)
	p.RenameAgencies(func(c string) string { return prefix + c })
	for i := range p.Agencies {
		a := &p.Agencies[i]
		a.Unit, a.ValidFrom, a.ValidTo = "", "", ""
	}
	for i := range p.Tasks {
		p.Tasks[i].Years = nil
	}
	count := 100.0
	if parent == "" {
		count = 3400
	}
	p.Targets = ministryTargets(parent != "", count)
	if parent != "" {
		provinceVocabulary(p)
	}
	return p, nil
}

// provinceVocabulary gives a provincial plan the kinds of target the
// national standard asks of provinces beyond the roll-up (issue "Targets
// any plan can state"), so that the benchmark measures them in every
// provincial plan: monthly news on the province's mass media, people
// aged 14–60 reached in key-area communes (capped per commune, an
// estimated denominator), and integrated models in half the communes.
func provinceVocabulary(p *outreach.Plan) {
	from, to := 14, 60
	p.Populations = []outreach.PopulationDef{{Code: "age_14_60", Name: "Người từ 14 đến 60 tuổi", AgeFrom: &from, AgeTo: &to}}
	p.ModelTypes = []outreach.ModelType{{Code: "in_depth", Name: "Mô hình chuyên sâu"}, {Code: "integrated", Name: "Mô hình lồng ghép"}}
	for i := range p.Agencies {
		if a := &p.Agencies[i]; strings.HasSuffix(a.Code, "bk-bbk") || strings.HasSuffix(a.Code, "bk-dptth") {
			a.MediaLevel = outreach.MediaProvincial
		}
	}
	for i := range p.Targets {
		if p.Targets[i].Code == "II.2.2" {
			p.Targets[i].ModelTypes = []string{"in_depth"}
		}
	}
	m := func(v float64) []outreach.Milestone {
		return []outreach.Milestone{{Year: ministryTo, Comparator: ">=", Value: v}}
	}
	p.Targets = append(p.Targets,
		outreach.Target{Code: "II.2.5", Text: "Thông tin trên các phương tiện thông tin đại chúng của tỉnh ít nhất 01 lần/tháng", Kind: outreach.KindFrequency,
			Measure: "news_items", Per: outreach.PerMonth, AtLeast: 1, Filter: &outreach.Filter{MediaLevels: []string{outreach.MediaProvincial}}, Milestones: m(100)},
		outreach.Target{Code: "II.2.6", Text: "Ít nhất 75% người dân từ 14 đến 60 tuổi tại các xã trọng điểm được tiếp cận thông tin", Kind: outreach.KindPopulationShare,
			Units: outreach.SetKeyAreaCommunes, Populations: []outreach.PopulationGroup{"age_14_60"}, Milestones: m(75)},
		outreach.Target{Code: "II.2.7", Text: "50% số xã có mô hình lồng ghép", Kind: outreach.KindUnitShare, Units: outreach.SetAllCommunes,
			Condition: outreach.CondActiveModel, ModelTypes: []string{"integrated"}, Milestones: m(50)})
}

// share splits total over weights in proportion, by largest remainder, so
// that the parts sum to total exactly.
func share(total int, weights []int) []int {
	sum := 0
	for _, w := range weights {
		sum += w
	}
	out := make([]int, len(weights))
	if sum == 0 {
		return out
	}
	type rem struct{ i, r int }
	var rems []rem
	given := 0
	for i, w := range weights {
		out[i] = total * w / sum
		given += out[i]
		rems = append(rems, rem{i, total * w % sum})
	}
	sort.SliceStable(rems, func(a, b int) bool { return rems[a].r > rems[b].r })
	for k := 0; given < total; k++ {
		out[rems[k%len(rems)].i]++
		given++
	}
	return out
}

// GenerateMinistry seeds the national register when the store lacks it,
// then writes the national plan, the provinces' plans and their records.
// The store must hold none of them yet.
func GenerateMinistry(ctx context.Context, s *store.Store, cfg MinistryConfig) (MinistrySummary, error) {
	start := time.Now()
	var sum MinistrySummary
	if cfg.DeliveriesPer < 1 {
		cfg.DeliveriesPer = 1
	}
	system := outreach.SystemActor("bench")
	say := func(format string, args ...any) {
		if cfg.Progress != nil {
			fmt.Fprintf(cfg.Progress, "%7.1fs  ", time.Since(start).Seconds())
			fmt.Fprintf(cfg.Progress, format+"\n", args...)
		}
	}
	seeded, _, err := setup.Seed(ctx, s, system)
	if err != nil {
		return sum, err
	}
	sum.Seeded, sum.SeedTook = seeded, time.Since(start)
	if seeded {
		say("national register seeded")
	}
	provinces, err := MinistryProvinces(ctx, s)
	if err != nil {
		return sum, err
	}
	if len(provinces) == 0 {
		return sum, fmt.Errorf("no province is in force on %s: is the national register loaded?", treeDate)
	}
	sum.Provinces = len(provinces)
	weights := make([]int, len(provinces))
	for i, p := range provinces {
		weights[i] = len(p.Communes)
		sum.Communes += len(p.Communes)
	}

	// The plans.
	national, err := ministryPlan(NationalPlan, Country, "", "vn-", "Kế hoạch truyền thông phòng, chống mua bán người toàn quốc 2026–2030 (đo hiệu năng)")
	if err != nil {
		return sum, err
	}
	if _, err := s.ImportPlan(ctx, system, national); err != nil {
		return sum, fmt.Errorf("plan %s: %w", NationalPlan, err)
	}
	for _, p := range provinces {
		pp, err := ministryPlan(ProvincePlan(p.Code), p.Code, NationalPlan, "p"+p.Code+"-", "Kế hoạch truyền thông phòng, chống mua bán người 2026–2030, "+p.Name+" (đo hiệu năng)")
		if err != nil {
			return sum, err
		}
		if _, err := s.ImportPlan(ctx, system, pp); err != nil {
			return sum, fmt.Errorf("plan %s: %w", pp.Code, err)
		}
	}
	say("%d plans: the national plan and one per province (%d communes)", len(provinces)+1, sum.Communes)

	rng := rand.New(rand.NewPCG(cfg.Seed, cfg.Seed^0x13))
	day := func() string { return fmt.Sprintf("%d-%02d-%02d", MinistryYear, 1+rng.IntN(12), 1+rng.IntN(28)) }
	agencies := []string{"bk-ca", "bk-hlhpn", "bk-stp", "bk-sgddt", "bk-svhttdl", "bk-stttt", "bk-bbk", "bk-dptth"}
	channels := []string{"IV.1", "IV.2", "IV.3", "IV.4", "IV.5", "IV.6"}
	themes := []string{"III.1", "III.2", "III.3", "III.4", "III.5"}
	sources := []string{"ngan-sach", "quy-phong-chong-toi-pham", "vien-tro", "nguon-khac"}
	const chunk = 50_000

	// Activities.
	perActivities := share(cfg.Activities, weights)
	for pi, prov := range provinces {
		plan, prefix := ProvincePlan(prov.Code), "p"+prov.Code+"-"
		communes := prov.Communes
		for done := 0; done < perActivities[pi]; {
			n := min(chunk, perActivities[pi]-done)
			rows := make([]store.ActivityRow, n)
			for i := range rows {
				d := day()
				tot := int64(20 + rng.IntN(400))
				women := tot * int64(40+rng.IntN(30)) / 100
				a := outreach.Activity{Agency: prefix + agencies[rng.IntN(len(agencies))], Channel: channels[rng.IntN(len(channels))],
					Themes: []string{themes[rng.IntN(len(themes))]}, Title: fmt.Sprintf("Hoạt động %s số %d", prov.Code, done+i+1),
					StartDate: d, EndDate: d, Audience: outreach.Audience{Total: &tot, Women: &women, Groups: map[string]int64{"age_14_60": tot * 7 / 10}}, Demo: true}
				switch {
				case len(communes) == 0 || rng.IntN(100) == 0:
					a.WholeProvince = true
				default:
					a.Units = []string{communes[rng.IntN(len(communes))]}
					if rng.IntN(3) == 0 {
						if u := communes[rng.IntN(len(communes))]; u != a.Units[0] {
							a.Units = append(a.Units, u)
						}
					}
				}
				if rng.IntN(4) == 0 {
					a.Cost, a.FundingSource = int64(1+rng.IntN(50))*100_000, sources[rng.IntN(len(sources))]
				}
				if rng.IntN(50) == 0 {
					a.Task, a.Agency = "V.5.2", prefix+"bk-sgddt"
					a.Quantities = []outreach.ActivityQuantity{{Kind: "schools", Value: 1}}
					ch := tot / 2
					a.Audience.Children1416 = &ch
				}
				if rng.IntN(20) == 0 {
					a.Channel, a.Quantities = "IV.2", []outreach.ActivityQuantity{{Kind: "news_items", Value: float64(1 + rng.IntN(3))}}
				}
				rows[i] = store.ActivityRow{Line: i + 2, Activity: a}
			}
			f := store.ImportFile{Name: fmt.Sprintf("ministry-%s-%d.csv", prov.Code, done), SHA256: fmt.Sprintf("ministry-a-%d-%s-%d", cfg.Seed, prov.Code, done)}
			if _, err := s.ImportActivities(ctx, system, plan, f, rows); err != nil {
				return sum, fmt.Errorf("activities of %s: %w", plan, err)
			}
			done += n
			sum.Activities += n
		}
		say("activities: %s done, %d in all", prov.Code, sum.Activities)
	}

	// Distributions: three materials per province, each distribution to
	// a few of the nine communes in ten that are reached at all; most
	// received, most of those deployed.
	perDistributions := share(cfg.Distributions, weights)
	for pi, prov := range provinces {
		if perDistributions[pi] == 0 || len(prov.Communes) == 0 {
			continue
		}
		plan, prefix := ProvincePlan(prov.Code), "p"+prov.Code+"-"
		reached := slices.Clone(prov.Communes)
		rng.Shuffle(len(reached), func(i, j int) { reached[i], reached[j] = reached[j], reached[i] })
		reached = reached[:max(1, len(reached)*9/10)]
		var materials []int64
		for i := range 3 {
			id, err := s.SaveMaterial(ctx, system, outreach.Material{Plan: plan, Type: "guidance", Title: fmt.Sprintf("Tài liệu %s số %d", prov.Code, i+1), Agency: prefix + "bk-stp", Year: MinistryYear, Demo: true})
			if err != nil {
				return sum, fmt.Errorf("material of %s: %w", plan, err)
			}
			materials = append(materials, id)
		}
		for done := 0; done < perDistributions[pi]; {
			n := min(chunk/cfg.DeliveriesPer, perDistributions[pi]-done)
			rows := make([]store.DistributionRow, n)
			for i := range rows {
				d := fmt.Sprintf("%d-%02d-%02d", MinistryYear, 1+rng.IntN(12), 1+rng.IntN(20))
				dd := outreach.Distribution{Material: materials[rng.IntN(len(materials))], FromAgency: prefix + "bk-stp", Date: d, Demo: true}
				dd.Deliveries = deliveries(rng, d, cfg.DeliveriesPer, func() string { return reached[rng.IntN(len(reached))] })
				rows[i] = store.DistributionRow{Lines: []int{i + 2}, Distribution: dd}
				sum.Deliveries += len(dd.Deliveries)
			}
			f := store.ImportFile{Name: fmt.Sprintf("ministry-d-%s-%d.csv", prov.Code, done), SHA256: fmt.Sprintf("ministry-d-%d-%s-%d", cfg.Seed, prov.Code, done)}
			if _, err := s.ImportDistributions(ctx, system, plan, f, rows); err != nil {
				return sum, fmt.Errorf("distributions of %s: %w", plan, err)
			}
			done += n
			sum.Distributions += n
		}
		say("distributions: %s done, %d in all", prov.Code, sum.Distributions)
	}

	// Key areas (one commune in twelve) and models in about half of them.
	for _, prov := range provinces {
		plan, prefix := ProvincePlan(prov.Code), "p"+prov.Code+"-"
		for _, c := range prov.Communes {
			if rng.IntN(12) != 0 {
				continue
			}
			if err := s.SetKeyArea(ctx, system, plan, c, MinistryYear, []string{outreach.ReasonHighRisk}, ""); err != nil {
				return sum, fmt.Errorf("key area: %w", err)
			}
			sum.KeyAreas++
			if rng.IntN(2) == 0 {
				m := outreach.PreventionModel{Plan: plan, Unit: c, Agency: prefix + "bk-hlhpn", Name: "Mô hình phòng, chống mua bán người", Type: "in_depth",
					EstablishedOn: fmt.Sprintf("%d-%02d-01", MinistryYear, 1+rng.IntN(9)), Demo: true}
				if _, err := s.CreateModel(ctx, system, m); err != nil {
					return sum, fmt.Errorf("model: %w", err)
				}
				sum.Models++
			}
		}
	}
	// Integrated models in one commune in three.
	for _, prov := range provinces {
		plan, prefix := ProvincePlan(prov.Code), "p"+prov.Code+"-"
		for _, c := range prov.Communes {
			if rng.IntN(3) != 0 {
				continue
			}
			m := outreach.PreventionModel{Plan: plan, Unit: c, Agency: prefix + "bk-hlhpn", Name: "Mô hình lồng ghép", Type: "integrated",
				EstablishedOn: fmt.Sprintf("%d-%02d-01", MinistryYear, 1+rng.IntN(9)), Demo: true}
			if _, err := s.CreateModel(ctx, system, m); err != nil {
				return sum, fmt.Errorf("model: %w", err)
			}
			sum.Models++
		}
	}
	say("%d key areas, %d models", sum.KeyAreas, sum.Models)
	// Fresh planner statistics, as autovacuum would gather them in time.
	if s.Engine() == store.Postgres {
		if _, err := s.DB().ExecContext(ctx, `ANALYZE`); err != nil {
			return sum, fmt.Errorf("analyze: %w", err)
		}
		say("statistics gathered (ANALYZE)")
	}
	sum.Took = time.Since(start)
	return sum, nil
}
