package store_test

import (
	"encoding/json"
	"errors"
	"slices"
	"strings"
	"testing"

	"outreach/internal/outreach"
	"outreach/internal/planfile"
	"outreach/internal/store"
	"outreach/internal/store/storetest"
)

// withVocabulary gives the plan every key of issue 14: its own population
// groups, unit sets and model types, targets using them with every new
// key, and a media level on the provincial newspaper.
func withVocabulary(t *testing.T, p *outreach.Plan) {
	t.Helper()
	age := func(n int) *int { return &n }
	p.Populations = []outreach.PopulationDef{
		{Code: "youth", Name: "Thanh niên 16–30", AgeFrom: age(16), AgeTo: age(30)},
		{Code: "ethnic_women", Name: "Phụ nữ dân tộc thiểu số", Sex: outreach.SexFemale, EthnicMinority: true},
		{Code: "infants", Name: "Trẻ dưới 1 tuổi", AgeFrom: age(0), AgeTo: age(0)},
	}
	p.UnitSets = []outreach.UnitSetDef{
		{Code: "na_ri", Name: "Xã của huyện Na Rì", Units: []string{"02155", "02152"}, UnitType: "xa"},
		{Code: "key_towns", Name: "Thị trấn trọng điểm", UnitType: "thi_tran", KeyAreas: true},
	}
	p.ModelTypes = []outreach.ModelType{{Code: "in_depth", Name: "Mô hình chuyên sâu"}, {Code: "integrated", Name: "Mô hình lồng ghép"}}
	found := false
	for i := range p.Agencies {
		if p.Agencies[i].Code == "bk-bbk" {
			p.Agencies[i].MediaLevel = outreach.MediaProvincial
			found = true
		}
	}
	if !found || len(p.Targets) != 3 || len(p.Themes) == 0 || len(p.Channels) == 0 || len(p.Tasks) == 0 {
		t.Fatal("the built-in plan is not the one this test knows")
	}
	p.Targets[1].ModelTypes = []string{"in_depth"}
	p.Targets[1].Progress = outreach.ProgressStep
	p.Targets[2].Units = "na_ri"
	p.Targets[2].Populations = append(p.Targets[2].Populations, "youth", "ethnic_women")
	ms := func(y int, v float64) []outreach.Milestone {
		return []outreach.Milestone{{Year: y, Comparator: ">=", Value: v}}
	}
	p.Targets = append(p.Targets,
		outreach.Target{Code: "II.2.4", Text: "Mỗi tuần ít nhất hai tin, bài", Kind: outreach.KindFrequency, Measure: "news_items",
			Per: outreach.PerWeek, AtLeast: 2, From: "2017-10-01", Progress: outreach.ProgressLinear, Milestones: ms(2018, 80),
			Filter: &outreach.Filter{Channels: []string{p.Channels[0].Code}, Themes: []string{p.Themes[0].Code}, Tasks: []string{p.Tasks[0].Clause},
				Agencies: []string{"bk-bbk"}, AgencyTypes: []string{outreach.AgencyPress}, MediaLevels: []string{outreach.MediaProvincial}, Audience: "youth"}},
		outreach.Target{Code: "II.2.5", Text: "Buổi tuyên truyền trong năm", Kind: outreach.KindCount, Measure: "sessions",
			Window: outreach.WindowYear, Milestones: ms(2019, 12), Filter: &outreach.Filter{Audience: outreach.PopWomen}},
		outreach.Target{Code: "II.2.6", Text: "Thị trấn có hoạt động", Kind: outreach.KindUnitShare, Units: "key_towns",
			Condition: outreach.CondActivity, Milestones: ms(2020, 50), Filter: &outreach.Filter{Themes: []string{p.Themes[1].Code}}},
		outreach.Target{Code: "II.2.7", Text: "100% tin báo được xử lý", Kind: outreach.KindReported, Agency: "bk-ca", Milestones: ms(2020, 100)},
	)
}

// sameJSON compares two plans as their JSON (nil and empty lists alike).
func sameJSON(t *testing.T, what string, got, want *outreach.Plan) {
	t.Helper()
	g, _ := json.MarshalIndent(got, "", " ")
	w, _ := json.MarshalIndent(want, "", " ")
	if string(g) != string(w) {
		gl, wl := strings.Split(string(g), "\n"), strings.Split(string(w), "\n")
		for i := range min(len(gl), len(wl)) {
			if gl[i] != wl[i] {
				t.Fatalf("%s: line %d is %s, want %s", what, i+1, gl[i], wl[i])
			}
		}
		t.Fatalf("%s: %d lines, want %d", what, len(gl), len(wl))
	}
}

// TestPlanVocabularyRoundTrip: every new key survives an import, a load
// and an export; importing it again changes nothing.
func TestPlanVocabularyRoundTrip(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		seeded(t, s)
		p, err := s.Plan(ctx, "bk-1368-2017")
		if err != nil {
			t.Fatal(err)
		}
		withVocabulary(t, p)
		if res, err := s.ImportPlan(ctx, system, p); err != nil || res != store.PlanUpdated {
			t.Fatalf("import: %v %v", res, err)
		}
		got, err := s.Plan(ctx, "bk-1368-2017")
		if err != nil {
			t.Fatal(err)
		}
		sameJSON(t, "loaded plan", got, p)
		if got.Targets[3].Filter == nil || got.Targets[3].AtLeast != 2 || *got.Populations[2].AgeTo != 0 {
			t.Errorf("loaded II.2.4 %+v, populations %+v", got.Targets[3], got.Populations)
		}
		if got.Targets[6].Filter != nil || got.Targets[6].Progress != "" {
			t.Errorf("the reported target gained keys: %+v", got.Targets[6])
		}
		for _, again := range []*outreach.Plan{p, got} {
			if res, err := s.ImportPlan(ctx, system, again); err != nil || res != store.PlanUnchanged {
				t.Errorf("import again: %v %v, want unchanged", res, err)
			}
		}
		// A filter that keeps everything is no filter: still unchanged.
		empty := *got
		empty.Targets = slices.Clone(got.Targets)
		empty.Targets[6].Filter = &outreach.Filter{}
		if res, err := s.ImportPlan(ctx, system, &empty); err != nil || res != store.PlanUnchanged {
			t.Errorf("import with an empty filter: %v %v, want unchanged", res, err)
		}

		// The agency lists carry the media level too.
		as, err := s.PlanAgencies(ctx, "bk-1368-2017")
		if err != nil {
			t.Fatal(err)
		}
		for _, a := range as {
			if a.Code == "bk-bbk" && a.MediaLevel != outreach.MediaProvincial {
				t.Errorf("PlanAgencies: bk-bbk media level %q", a.MediaLevel)
			}
		}
		if a, err := s.Agency(ctx, as[0].Owner, "bk-bbk"); err != nil || a.MediaLevel != outreach.MediaProvincial {
			t.Errorf("Agency: %+v %v", a, err)
		}

		// The exported file holds every key and reads back the same.
		out, err := planfile.Marshal(got)
		if err != nil {
			t.Fatal(err)
		}
		for _, key := range []string{"\npopulations:\n", "\nunit_sets:\n", "\nmodel_types:\n", "    media_level: provincial\n", "    at_least: 2\n",
			"    from: \"2017-10-01\"\n", "    window: year\n", "    progress: step\n", "    filter:\n", "      audience: youth\n", "    age_to: 0\n"} {
			if !strings.Contains(string(out), key) {
				t.Errorf("the exported file lacks %q", key)
			}
		}
		back, err := planfile.ParseWith("export.yaml", out, store.BuiltinQuantityKinds())
		if err != nil {
			t.Fatalf("the exported file does not read back: %v", err)
		}
		sameJSON(t, "exported plan", back, got)
		if res, err := s.ImportPlan(ctx, system, back); err != nil || res != store.PlanUnchanged {
			t.Errorf("import of the export: %v %v, want unchanged", res, err)
		}

		// Taking the vocabulary out again clears it.
		bare, err := s.Plan(ctx, "bk-1368-2017")
		if err != nil {
			t.Fatal(err)
		}
		bare.Populations, bare.UnitSets, bare.ModelTypes = nil, nil, nil
		bare.Targets = bare.Targets[:3]
		bare.Targets[1].ModelTypes, bare.Targets[1].Progress = nil, ""
		bare.Targets[2].Units, bare.Targets[2].Populations = "", bare.Targets[2].Populations[:3]
		if res, err := s.ImportPlan(ctx, system, bare); err != nil || res != store.PlanUpdated {
			t.Fatalf("import without the vocabulary: %v %v", res, err)
		}
		if got, err := s.Plan(ctx, "bk-1368-2017"); err != nil || got.Populations != nil || got.Targets[1].ModelTypes != nil {
			t.Errorf("after removing the vocabulary: %v %+v", err, got)
		}
	})
}

// TestPlanVocabularySharedAgencyMediaLevel: a second plan of the owner
// may not change the media level of an agency another plan names.
func TestPlanVocabularySharedAgencyMediaLevel(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		seeded(t, s)
		second, err := s.Plan(ctx, "bk-1368-2017")
		if err != nil {
			t.Fatal(err)
		}
		second.Code, second.Title = "bk-2021", "Kế hoạch thứ hai"
		for i := range second.Agencies {
			if second.Agencies[i].Code == "bk-bbk" {
				second.Agencies[i].MediaLevel = outreach.MediaLocal
			}
		}
		_, err = s.ImportPlan(ctx, system, second)
		var v *outreach.ValidationError
		if !errors.Is(err, outreach.ErrConflict) || !errors.As(err, &v) || len(v.Problems) != 1 || !strings.Contains(v.Problems[0].Message, `media_level "" → "local"`) {
			t.Fatalf("a second plan changing a shared agency's media level: %v", err)
		}
	})
}

// TestPlanVocabularyImportChecks: measures are checked against the
// database's quantity kinds, which start as the built-in ones and which
// coordinators extend; unit sets name units that exist.
func TestPlanVocabularyImportChecks(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		seeded(t, s)
		kinds, err := s.QuantityKinds(ctx)
		if err != nil {
			t.Fatal(err)
		}
		var codes []string
		for _, k := range kinds {
			codes = append(codes, k.Code)
		}
		if !slices.Equal(codes, store.BuiltinQuantityKinds()) {
			t.Errorf("the database starts with the kinds %v, BuiltinQuantityKinds says %v", codes, store.BuiltinQuantityKinds())
		}

		p, err := s.Plan(ctx, "bk-1368-2017")
		if err != nil {
			t.Fatal(err)
		}
		withVocabulary(t, p)
		p.Targets[4].Measure = "trainings"
		p.UnitSets[0].Units[1] = "99999"
		_, err = s.ImportPlan(ctx, system, p)
		var v *outreach.ValidationError
		if !errors.As(err, &v) || len(v.Problems) != 1 || v.Problems[0].Field != "targets[4].measure" ||
			!strings.HasPrefix(v.Problems[0].Message, `unknown measure "trainings"; known: sessions, participants, news_items`) {
			t.Fatalf("an unknown measure: %v", err)
		}
		if err := s.AddQuantityKind(ctx, system, outreach.QuantityKind{Code: "trainings", Name: "Lớp tập huấn"}); err != nil {
			t.Fatal(err)
		}
		_, err = s.ImportPlan(ctx, system, p)
		if !errors.As(err, &v) || len(v.Problems) != 1 || v.Problems[0].Field != "unit_sets[0].units[1]" || !strings.Contains(v.Problems[0].Message, `"99999"`) {
			t.Fatalf("an unknown unit in a unit set: %v", err)
		}
		p.UnitSets[0].Units[1] = "02152"
		if res, err := s.ImportPlan(ctx, system, p); err != nil || res != store.PlanUpdated {
			t.Fatalf("with the measure added to the vocabulary: %v %v", res, err)
		}
	})
}
