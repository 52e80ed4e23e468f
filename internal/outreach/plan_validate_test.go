package outreach

import (
	"math"
	"strings"
	"testing"
)

// vocabMeasures are the quantity kinds the tests' plans count in.
var vocabMeasures = []string{"news_items", "schools", "sessions"}

func intp(n int) *int { return &n }

// vocabPlan is a valid plan that uses every key of the plan's own
// vocabulary and every new target key.
func vocabPlan() *Plan {
	ms := []Milestone{{Year: 2026, Comparator: ">=", Value: 50}}
	return &Plan{
		Code: "tn-2026", Title: "Kế hoạch", Scope: "19",
		Period:           Period{From: 2026, To: 2030},
		Decision:         Decision{Number: "1/QĐ-UBND", Date: "2026-01-15", Issuer: "UBND tỉnh", Title: "Quyết định"},
		Purposes:         []string{"Mục đích"},
		GeneralObjective: "Mục tiêu chung",
		Populations: []PopulationDef{
			{Code: "youth_16_30", Name: "Thanh niên 16–30", AgeFrom: intp(16), AgeTo: intp(30)},
			{Code: "ethnic-women", Name: "Phụ nữ dân tộc thiểu số", Sex: SexFemale, EthnicMinority: true},
			{Code: "infants", Name: "Trẻ dưới 1 tuổi", AgeFrom: intp(0), AgeTo: intp(0)},
		},
		UnitSets: []UnitSetDef{
			{Code: "border_communes", Name: "Xã biên giới", Units: []string{"05440", "05443"}},
			{Code: "key_towns", Name: "Thị trấn trọng điểm", UnitType: "thi_tran", KeyAreas: true},
		},
		ModelTypes: []ModelType{{Code: "in_depth", Name: "Mô hình chuyên sâu"}, {Code: "integrated", Name: "Mô hình lồng ghép"}},
		Targets: []Target{
			{Code: "II.2.1", Text: "Xã có mô hình", Kind: KindUnitShare, Units: "border_communes", Condition: CondActiveModel,
				ModelTypes: []string{"in_depth"}, Progress: ProgressStep, Milestones: ms},
			{Code: "II.2.2", Text: "Xã có hoạt động", Kind: KindUnitShare, Units: SetKeyAreaCommunes, Condition: CondActivity,
				Filter: &Filter{Themes: []string{"III.1"}, Audience: "youth_16_30"}, Milestones: ms},
			{Code: "II.2.3", Text: "Người dân được tiếp cận", Kind: KindPopulationShare,
				Populations: []PopulationGroup{PopEveryone, "ethnic-women", "infants"}, Milestones: ms},
			{Code: "II.2.4", Text: "Thanh niên vùng biên", Kind: KindPopulationShare, Units: "key_towns",
				Populations: []PopulationGroup{"youth_16_30"}, Progress: ProgressLinear, Milestones: ms},
			{Code: "II.2.5", Text: "Tin bài mỗi tuần", Kind: KindFrequency, Measure: "news_items", Per: PerWeek, AtLeast: 2, From: "2026-03-01",
				Filter: &Filter{Channels: []string{"IV.1"}, Tasks: []string{"V.1"}, Agencies: []string{"press"}, AgencyTypes: []string{AgencyPress},
					MediaLevels: []string{MediaProvincial, MediaLocal}, Audience: PopWomen}, Milestones: ms},
			{Code: "II.2.6", Text: "Buổi tuyên truyền trong năm", Kind: KindCount, Measure: "sessions", Window: WindowYear,
				Filter: &Filter{Agencies: []string{"dept"}}, Milestones: []Milestone{{Year: 2027, Comparator: ">=", Value: 12}}},
			{Code: "II.2.7", Text: "100% tin báo được xử lý", Kind: KindReported, Agency: "dept", Milestones: []Milestone{{Year: 2030, Comparator: "=", Value: 100}}},
		},
		Themes:   []Theme{{Code: "III.1", Name: "Thủ đoạn"}},
		Channels: []Channel{{Code: "IV.1", Name: "Báo chí"}},
		Agencies: []Agency{
			{Code: "dept", Name: "Sở", Type: AgencyDepartment},
			{Code: "press", Name: "Báo tỉnh", Type: AgencyPress, MediaLevel: MediaProvincial},
		},
		Tasks:   []Task{{Clause: "V.1", Text: "Đăng tin", Agency: "press", Quantity: &Quantity{Comparator: ">=", Value: 4, Measure: "schools"}}},
		Funding: Funding{Sources: []FundingSource{{Code: "budget", Name: "Ngân sách"}}},
		Reporting: Reporting{Name: "Báo cáo", Recipient: "dept", Reporters: []string{"dept", "press"}, Methods: []string{MethodPaper},
			Frequency: "yearly", Deadline: "12-20", Cutoff: Cutoff{From: "12-15", To: "12-14"}, Timezone: "Asia/Ho_Chi_Minh"},
	}
}

func TestVocabPlanValid(t *testing.T) {
	if err := vocabPlan().Validate(); err != nil {
		t.Fatalf("Validate: %v", err)
	}
	if err := vocabPlan().ValidateWith(vocabMeasures); err != nil {
		t.Fatalf("ValidateWith: %v", err)
	}
}

// TestPlanVocabularyValidation: each bad input is one problem, at its
// field path, saying what is wrong.
func TestPlanVocabularyValidation(t *testing.T) {
	type want struct{ field, msg string }
	cases := []struct {
		name string
		edit func(p *Plan)
		want []want
	}{
		// Population groups.
		{"population code pattern", func(p *Plan) { p.Populations[0].Code = "Youth" },
			[]want{{"populations[0].code", "lowercase letters"}, {"targets[1].filter.audience", `unknown population group "youth_16_30"`},
				{"targets[3].populations[0]", `unknown population group "youth_16_30"`}}},
		{"population defined twice", func(p *Plan) { p.Populations[1].Code = "youth_16_30" },
			[]want{{"populations[1].code", `population group "youth_16_30" is defined twice`}, {"targets[2].populations[1]", `"ethnic-women"`}}},
		{"population built in", func(p *Plan) {
			p.Populations[2].Code = "women"
			p.Targets[2].Populations = p.Targets[2].Populations[:2]
		},
			[]want{{"populations[2].code", `"women" is a built-in population group`}}},
		{"population children built in", func(p *Plan) {
			p.Populations[2].Code = "children_14_16"
			p.Targets[2].Populations = p.Targets[2].Populations[:2]
		}, []want{{"populations[2].code", "built-in"}}},
		{"population name", func(p *Plan) { p.Populations[0].Name = " " }, []want{{"populations[0].name", "is required"}}},
		{"age below zero", func(p *Plan) { p.Populations[0].AgeFrom = intp(-1) }, []want{{"populations[0].age_from", "from 0 to 120, got -1"}}},
		{"age above max", func(p *Plan) { p.Populations[0].AgeTo = intp(MaxAge + 1) }, []want{{"populations[0].age_to", "from 0 to 120, got 121"}}},
		{"ages reversed", func(p *Plan) { p.Populations[0].AgeFrom, p.Populations[0].AgeTo = intp(30), intp(16) },
			[]want{{"populations[0].age_to", "not below age_from (30), got 16"}}},
		{"sex", func(p *Plan) { p.Populations[1].Sex = "f" }, []want{{"populations[1].sex", `expected female or male (or nothing for both), got "f"`}}},
		{"population says nothing", func(p *Plan) { p.Populations[1].Sex, p.Populations[1].EthnicMinority = "", false },
			[]want{{"populations[1]", "says nothing about whom it counts"}}},

		// Unit sets.
		{"unit set code pattern", func(p *Plan) { p.UnitSets[1].Code = "key towns"; p.Targets[3].Units = "key towns" },
			[]want{{"unit_sets[1].code", "lowercase letters"}}},
		{"unit set defined twice", func(p *Plan) { p.UnitSets[1].Code = "border_communes"; p.Targets[3].Units = "" },
			[]want{{"unit_sets[1].code", `unit set "border_communes" is defined twice`}}},
		{"unit set built in", func(p *Plan) { p.UnitSets[1].Code = "key_area_communes"; p.Targets[3].Units = "" },
			[]want{{"unit_sets[1].code", `"key_area_communes" is a built-in unit set`}}},
		{"unit set all_communes built in", func(p *Plan) { p.UnitSets[1].Code = "all_communes"; p.Targets[3].Units = "" },
			[]want{{"unit_sets[1].code", "built-in"}}},
		{"unit set name", func(p *Plan) { p.UnitSets[0].Name = "" }, []want{{"unit_sets[0].name", "is required"}}},
		{"unit type", func(p *Plan) { p.UnitSets[1].UnitType = "Huyện" }, []want{{"unit_sets[1].unit_type", `expected one of xa, phuong, thi_tran, dac_khu, got "Huyện"`}}},
		{"unit set says nothing", func(p *Plan) { p.UnitSets[1].UnitType, p.UnitSets[1].KeyAreas = "", false },
			[]want{{"unit_sets[1]", "says nothing about which communes"}}},
		{"unit listed twice", func(p *Plan) { p.UnitSets[0].Units = []string{"05440", "05440"} }, []want{{"unit_sets[0].units[1]", "listed twice"}}},

		// Model types.
		{"model type defined twice", func(p *Plan) { p.ModelTypes[1].Code = "in_depth" }, []want{{"model_types[1].code", `model type "in_depth" is defined twice`}}},
		{"model type name", func(p *Plan) { p.ModelTypes[0].Name = "" }, []want{{"model_types[0].name", "is required"}}},

		// Agencies.
		{"media level", func(p *Plan) { p.Agencies[1].MediaLevel = "national" }, []want{{"agencies[1].media_level", `expected one of central, provincial, local`}}},

		// Targets.
		{"unknown unit set", func(p *Plan) { p.Targets[0].Units = "border" }, []want{{"targets[0].units", `expected all_communes, key_area_communes or a code from unit_sets, got "border"`}}},
		{"unit share without units", func(p *Plan) { p.Targets[0].Units = "" }, []want{{"targets[0].units", `got ""`}}},
		{"unknown unit set on a population share", func(p *Plan) { p.Targets[3].Units = "borders" }, []want{{"targets[3].units", `got "borders"`}}},
		{"units on a count", func(p *Plan) { p.Targets[5].Units = SetAllCommunes }, []want{{"targets[5].units", "unit_share and population_share targets only"}}},
		{"unknown population", func(p *Plan) { p.Targets[2].Populations[1] = "ethnic_women" },
			[]want{{"targets[2].populations[1]", `unknown population group "ethnic_women" (expected everyone, women, children_14_16 or a code from populations)`}}},
		{"no population", func(p *Plan) { p.Targets[2].Populations = nil }, []want{{"targets[2].populations", "expected at least one population group"}}},
		{"condition", func(p *Plan) { p.Targets[1].Condition = "activities"; p.Targets[1].Filter = nil },
			[]want{{"targets[1].condition", `expected materials_received_and_deployed, active_prevention_model or activity, got "activities"`}}},
		{"model types on another condition", func(p *Plan) { p.Targets[0].Condition = CondMaterialsDeployed },
			[]want{{"targets[0].model_types", "active_prevention_model condition of a unit_share target only"}}},
		{"unknown model type", func(p *Plan) { p.Targets[0].ModelTypes = []string{"in_depth", "deep"} },
			[]want{{"targets[0].model_types[1]", `unknown model type "deep" (expected a code from model_types)`}}},
		{"model type twice", func(p *Plan) { p.Targets[0].ModelTypes = []string{"in_depth", "in_depth"} }, []want{{"targets[0].model_types[1]", "listed twice"}}},
		{"filter on a population share", func(p *Plan) { p.Targets[2].Filter = &Filter{Themes: []string{"III.1"}} },
			[]want{{"targets[2].filter", "count and frequency targets and to the activity condition"}}},
		{"filter on a model condition", func(p *Plan) { p.Targets[0].Filter = &Filter{Themes: []string{"III.1"}} }, []want{{"targets[0].filter", "activity condition"}}},
		{"filter channel", func(p *Plan) { p.Targets[4].Filter.Channels = []string{"IV.9"} },
			[]want{{"targets[4].filter.channels[0]", `unknown channel "IV.9" (expected a code from channels)`}}},
		{"filter theme", func(p *Plan) { p.Targets[1].Filter.Themes = []string{"III.1", "III.2"} },
			[]want{{"targets[1].filter.themes[1]", `unknown theme "III.2" (expected a code from themes)`}}},
		{"filter task", func(p *Plan) { p.Targets[4].Filter.Tasks = []string{"V.2"} }, []want{{"targets[4].filter.tasks[0]", `unknown task "V.2"`}}},
		{"filter agency", func(p *Plan) { p.Targets[5].Filter.Agencies = []string{"depot"} }, []want{{"targets[5].filter.agencies[0]", `unknown agency "depot"`}}},
		{"filter agency type", func(p *Plan) { p.Targets[4].Filter.AgencyTypes = []string{"newspaper"} },
			[]want{{"targets[4].filter.agency_types[0]", `unknown agency type "newspaper"`}}},
		{"filter media level", func(p *Plan) { p.Targets[4].Filter.MediaLevels = []string{MediaLocal, "regional"} },
			[]want{{"targets[4].filter.media_levels[1]", `unknown media level "regional" (expected one of central, provincial, local)`}}},
		{"filter listed twice", func(p *Plan) { p.Targets[4].Filter.MediaLevels = []string{MediaLocal, MediaLocal} },
			[]want{{"targets[4].filter.media_levels[1]", "listed twice"}}},
		{"filter audience", func(p *Plan) { p.Targets[4].Filter.Audience = "girls" }, []want{{"targets[4].filter.audience", `unknown population group "girls"`}}},
		{"per", func(p *Plan) { p.Targets[4].Per = "day" }, []want{{"targets[4].per", `expected week, month, quarter or year, got "day"`}}},
		{"at_least below zero", func(p *Plan) { p.Targets[4].AtLeast = -1 }, []want{{"targets[4].at_least", "zero or more"}}},
		{"at_least not a number", func(p *Plan) { p.Targets[4].AtLeast = math.NaN() }, []want{{"targets[4].at_least", "zero or more"}}},
		{"at_least on a count", func(p *Plan) { p.Targets[5].AtLeast = 3 }, []want{{"targets[5].at_least", "frequency targets only"}}},
		{"from", func(p *Plan) { p.Targets[4].From = "2026-02-30" }, []want{{"targets[4].from", `expected a date YYYY-MM-DD, got "2026-02-30"`}}},
		{"from on a count", func(p *Plan) { p.Targets[5].From = "2026-03-01" }, []want{{"targets[5].from", "frequency targets only"}}},
		{"window", func(p *Plan) { p.Targets[5].Window = "yearly" }, []want{{"targets[5].window", `expected cumulative or year, got "yearly"`}}},
		{"window on a frequency", func(p *Plan) { p.Targets[4].Window = WindowYear }, []want{{"targets[4].window", "count targets only"}}},
		{"progress", func(p *Plan) { p.Targets[6].Progress = "steps" }, []want{{"targets[6].progress", `expected linear or step, got "steps"`}}},
		{"kind", func(p *Plan) { p.Targets[6].Kind = "manual" },
			[]want{{"targets[6].kind", `expected unit_share, population_share, count, frequency or reported, got "manual"`}}},
		{"count without measure", func(p *Plan) { p.Targets[5].Measure = "" }, []want{{"targets[5].measure", "is required"}}},
		// The responsible agency of a reported target.
		{"reported without agency", func(p *Plan) { p.Targets[6].Agency = " " }, []want{{"targets[6].agency", "is required"}}},
		{"reported agency unknown", func(p *Plan) { p.Targets[6].Agency = "police" },
			[]want{{"targets[6].agency", `unknown agency "police" (expected a code from agencies)`}}},
		{"reported agency a group", func(p *Plan) {
			p.Agencies = append(p.Agencies, Agency{Code: "all", Name: "Các sở", Type: AgencyGroup, Members: []string{"dept", "press"}})
			p.Targets[6].Agency = "all"
		}, []want{{"targets[6].agency", `"all" is a group`}}},
		{"agency on a count", func(p *Plan) { p.Targets[5].Agency = "dept" }, []want{{"targets[5].agency", "reported targets only"}}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			p := vocabPlan()
			c.edit(p)
			err := p.ValidateWith(vocabMeasures)
			v, ok := err.(*ValidationError)
			if !ok {
				t.Fatalf("err = %v, want a validation error", err)
			}
			if len(v.Problems) != len(c.want) {
				t.Fatalf("%d problems, want %d:\n%v", len(v.Problems), len(c.want), err)
			}
			for i, w := range c.want {
				pr := v.Problems[i]
				if pr.Field != w.field || !strings.Contains(pr.Message, w.msg) {
					t.Errorf("problem %d = %s: %s\nwant %s: …%s…", i, pr.Field, pr.Message, w.field, w.msg)
				}
			}
		})
	}
}

// TestPlanMeasures: measures are checked only when a vocabulary is given,
// and every problem is reported at once.
func TestPlanMeasures(t *testing.T) {
	p := vocabPlan()
	p.Targets[4].Measure = "newsitems"
	p.Tasks[0].Quantity.Measure = "school"
	if err := p.Validate(); err != nil {
		t.Fatalf("Validate checks measures: %v", err)
	}
	err := p.ValidateWith(vocabMeasures)
	v, ok := err.(*ValidationError)
	if !ok || len(v.Problems) != 2 {
		t.Fatalf("err = %v, want two problems", err)
	}
	if pr := v.Problems[0]; pr.Field != "targets[4].measure" || pr.Message != `unknown measure "newsitems"; known: news_items, schools, sessions` {
		t.Errorf("problem 0 = %+v", pr)
	}
	if pr := v.Problems[1]; pr.Field != "tasks[0].quantity.measure" || !strings.Contains(pr.Message, `unknown measure "school"`) {
		t.Errorf("problem 1 = %+v", pr)
	}

	// Everything wrong at once is reported at once.
	p = vocabPlan()
	p.Populations[0].Sex = "x"
	p.UnitSets[0].UnitType = "y"
	p.Agencies[0].MediaLevel = "z"
	p.Targets[4].Filter.Themes = []string{"nope"}
	p.Targets[5].Measure = "nope"
	err = p.ValidateWith(vocabMeasures)
	if v, ok := err.(*ValidationError); !ok || len(v.Problems) != 5 {
		t.Errorf("err = %v, want five problems", err)
	}
}
