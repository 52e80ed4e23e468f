package indicators

import (
	"fmt"
	"math"
	"slices"
	"strings"
	"testing"

	"outreach/internal/outreach"
)

// The fixture world: a province (10) of two districts, four communes.
//
//	10 Tỉnh Mẫu          5,000 people
//	├── 100 Huyện A      3,000   (14–60: 1/5·500 + 9·200 + 1/5·100 = 1,920 → 64 %)
//	│   ├── 00001 Xã A1  1,000   → 640 aged 14–60
//	│   └── 00002 Xã A2  2,000   → 1,280
//	└── 101 Huyện B      2,000   (14–60: 1/5·250 + 9·150 + 1/5·50 = 1,410 → 70.5 %)
//	    ├── 00003 Xã B1  1,500   → 1,057.5
//	    └── 00004 Phường B2 500  → 352.5
const (
	idProvince = 1
	idDistA    = 2
	idDistB    = 3
	idA1       = 4
	idA2       = 5
	idB1       = 6
	idB2       = 7
)

func fixtureTree() *Tree {
	units := []outreach.Unit{
		{ID: idProvince, Code: "10", Name: "Tỉnh Mẫu", Type: "tinh", Level: 1, Path: "10"},
		{ID: idDistA, Code: "100", Name: "Huyện A", Type: "huyen", Level: 2, ParentCode: "10", Path: "10/100"},
		{ID: idDistB, Code: "101", Name: "Huyện B", Type: "huyen", Level: 2, ParentCode: "10", Path: "10/101"},
		{ID: idA1, Code: "00001", Name: "Xã A1", Type: "xa", Level: 3, ParentCode: "100", Path: "10/100/00001"},
		{ID: idA2, Code: "00002", Name: "Xã A2", Type: "xa", Level: 3, ParentCode: "100", Path: "10/100/00002"},
		{ID: idB1, Code: "00003", Name: "Xã B1", Type: "xa", Level: 3, ParentCode: "101", Path: "10/101/00003"},
		{ID: idB2, Code: "00004", Name: "Phường B2", Type: "phuong", Level: 3, ParentCode: "101", Path: "10/101/00004"},
	}
	totals := map[int64]float64{idProvince: 5000, idDistA: 3000, idDistB: 2000, idA1: 1000, idA2: 2000, idB1: 1500, idB2: 500}
	return NewTree("2020-12-31", units, nil, totals)
}

func fixtureCensus() CensusReader {
	figures := map[string]map[int64]float64{
		"total":  {idProvince: 5000, idDistA: 3000, idDistB: 2000, idA1: 1000, idA2: 2000, idB1: 1500, idB2: 500},
		"female": {idProvince: 2400},
	}
	bands := map[int64][2]float64{idDistA: {500, 200}, idDistB: {250, 150}} // 10–14, each of 15–19 … 55–59
	last := map[int64]float64{idDistA: 100, idDistB: 50}                    // 60–64
	for _, b := range ageBands {
		figures[b.code] = map[int64]float64{}
		for id, v := range bands {
			switch {
			case b.lo == 10:
				figures[b.code][id] = v[0]
			case b.lo >= 15 && b.lo <= 55:
				figures[b.code][id] = v[1]
			case b.lo == 60:
				figures[b.code][id] = last[id]
			default:
				figures[b.code][id] = 0
			}
		}
	}
	return func(group string) (map[int64]Figure, error) {
		out := map[int64]Figure{}
		for id, v := range figures[group] {
			out[id] = Figure{Value: v, Source: CensusSource}
		}
		return out, nil
	}
}

type fixedSource struct{ f *Facts }

func (s fixedSource) FactsFor([]int64, outreach.Unit) (*Facts, error) { return s.f, nil }

func intp(v int) *int { return &v }

// standardPlan states the four indicators of the ministry's Đề án 1 (QĐ
// 1090/QĐ-BTTTT, 2017) that provincial plans copy.
func standardPlan() *outreach.Plan {
	ms := func(y int, v float64) []outreach.Milestone {
		return []outreach.Milestone{{Year: y, Comparator: ">=", Value: v}}
	}
	return &outreach.Plan{
		Code: "std", Period: outreach.Period{From: 2017, To: 2020}, Decision: outreach.Decision{Date: "2017-09-01"},
		Populations: []outreach.PopulationDef{{Code: "age_14_60", Name: "Người từ 14 đến 60 tuổi", AgeFrom: intp(14), AgeTo: intp(60)}},
		UnitSets:    []outreach.UnitSetDef{{Code: "district_b", Name: "Các xã huyện B", Units: []string{"101"}}, {Code: "rural", Name: "Các xã", UnitType: "xa"}},
		ModelTypes:  []outreach.ModelType{{Code: "in_depth", Name: "Mô hình chuyên sâu"}, {Code: "integrated", Name: "Mô hình lồng ghép"}},
		Targets: []outreach.Target{
			{Code: "T1", Kind: outreach.KindUnitShare, Units: outreach.SetAllCommunes, Condition: outreach.CondMaterialsDeployed,
				Milestones: []outreach.Milestone{{Year: 2018, Comparator: ">=", Value: 75}, {Year: 2020, Comparator: "=", Value: 100}}},
			{Code: "T2a", Kind: outreach.KindUnitShare, Units: outreach.SetKeyAreaCommunes, Condition: outreach.CondActiveModel,
				ModelTypes: []string{"in_depth"}, Milestones: ms(2020, 30)},
			{Code: "T2b", Kind: outreach.KindUnitShare, Units: outreach.SetAllCommunes, Condition: outreach.CondActiveModel,
				ModelTypes: []string{"integrated"}, Milestones: ms(2020, 50)},
			{Code: "T3", Kind: outreach.KindFrequency, Measure: "news_items", Per: outreach.PerMonth,
				Filter: &outreach.Filter{MediaLevels: []string{outreach.MediaProvincial}}, Milestones: ms(2020, 100)},
			{Code: "T4", Kind: outreach.KindPopulationShare, Units: outreach.SetKeyAreaCommunes,
				Populations: []outreach.PopulationGroup{"age_14_60"}, Milestones: ms(2020, 75)},
		},
	}
}

// standardFacts are records worked out by hand for each indicator.
func standardFacts() *Facts {
	f := NewFacts()
	// T1: A1, A2 and B1 deployed by 2018; B2 received only.
	f.Deliveries = []Delivery{{idA1, "2018-03-01", "2018-04-01"}, {idA2, "2018-05-01", "2018-06-01"},
		{idB1, "2018-02-01", "2018-11-30"}, {idB2, "2019-01-10", ""}}
	// Key areas of 2020: A1 and B1.
	f.KeyAreas[2020] = []int64{idA1, idB1}
	// T2: in-depth models in A1 (a key area) and B1 (closed in June 2020);
	// integrated ones in A2 and B2.
	model := func(unit int64, typ string, statuses ...outreach.ModelStatus) Model {
		return Model{Unit: unit, Model: outreach.PreventionModel{Type: typ, EstablishedOn: "2019-05-01", Statuses: statuses}}
	}
	f.Models = []Model{model(idA1, "in_depth"), model(idB1, "in_depth", outreach.ModelStatus{Since: "2020-06-01", Status: "closed"}),
		model(idA2, "integrated"), model(idB2, "integrated")}
	// T3: the provincial radio has news every month of 2020 but March;
	// in March only a commune loudspeaker carried an item.
	for m := 1; m <= 12; m++ {
		if m == 3 {
			f.Events = append(f.Events, Event{ID: 100, Date: "2020-03-10", Units: []int64{idA1}, Agency: "ubnd-a1",
				AgencyType: outreach.AgencyPeoplesCommittee, MediaLevel: outreach.MediaLocal, Channel: "IV.1", Values: map[string]float64{"news_items": 3}})
			continue
		}
		f.Events = append(f.Events, Event{ID: int64(m), Date: fmt.Sprintf("2020-%02d-05", m), Agency: "dptth",
			AgencyType: outreach.AgencyPress, MediaLevel: outreach.MediaProvincial, Channel: "IV.1", Values: map[string]float64{"news_items": 1}})
	}
	// T4: people aged 14–60 reached: A1 600 of 640, B1 2,000 people-times
	// of 1,057.5 (capped), A2 1,000 (not a key area: ignored).
	f.Audience = []AudienceFact{{2019, idA1, "age_14_60", 600}, {2020, idB1, "age_14_60", 1500}, {2020, idB1, "age_14_60", 500},
		{2020, idA2, "age_14_60", 1000}}
	return f
}

func engineFor(p *outreach.Plan, f *Facts) *Engine {
	return &Engine{Plan: p, PlanID: 1, Tree: fixtureTree(), Census: fixtureCensus(), Source: fixedSource{f},
		IsWhole: func(u outreach.Unit) bool { return u.ID == idProvince }, AsOf: "2020-12-31"}
}

func near(a, b float64) bool { return math.Abs(a-b) < 1e-6 }

func TestStandardIndicators(t *testing.T) {
	e := engineFor(standardPlan(), standardFacts())
	scope := e.Tree.Unit(idProvince)
	cases := []struct {
		year   int
		code   string
		num    float64
		den    float64
		value  float64
		status outreach.Status
		missed string
	}{
		// 1. Materials: 3 of 4 communes by 2018 (B2 never deployed).
		{2018, "T1", 3, 4, 75, outreach.StatusAchieved, ""},
		{2017, "T1", 0, 4, 0, outreach.StatusBehind, ""},
		// 2. In-depth models in key-area communes: A1 only (B1's closed in
		// June): 1/2. Integrated over all communes: A2 and B2, and the
		// in-depth ones do not count: 2/4.
		{2020, "T2a", 1, 2, 50, outreach.StatusAchieved, ""},
		{2020, "T2b", 2, 4, 50, outreach.StatusAchieved, ""},
		// 3. Monthly news on provincial mass media: 11 of 12, March missed
		// (a commune loudspeaker does not count).
		{2020, "T3", 11, 12, 100 * 11.0 / 12, outreach.StatusBehind, "2020-03"},
		// 4. 14–60 in key-area communes: (600 + 1,057.5 capped) / (640 +
		// 1,057.5); A2's people are not in the set.
		{2020, "T4/age_14_60", 1657.5, 1697.5, 100 * 1657.5 / 1697.5, outreach.StatusAchieved, ""},
	}
	for _, c := range cases {
		t.Run(fmt.Sprintf("%s-%d", c.code, c.year), func(t *testing.T) {
			inds, err := e.Compute(c.year, scope)
			if err != nil {
				t.Fatal(err)
			}
			i := slices.IndexFunc(inds, func(ind outreach.Indicator) bool { return ind.Code == c.code })
			if i < 0 {
				t.Fatalf("no %s in %v", c.code, inds)
			}
			ind := inds[i]
			if !near(ind.Numerator, c.num) || !near(ind.Denominator, c.den) || ind.Value == nil || !near(*ind.Value, c.value) || ind.Status != c.status {
				t.Errorf("got %s, want %g/%g = %g %s", ind, c.num, c.den, c.value, c.status)
			}
			if got := strings.Join(ind.Missed, " "); got != c.missed {
				t.Errorf("missed %q, want %q", got, c.missed)
			}
		})
	}
}

func TestCoverageCappedAndLabelled(t *testing.T) {
	e := engineFor(standardPlan(), standardFacts())
	inds, err := e.Compute(2020, e.Tree.Unit(idProvince))
	if err != nil {
		t.Fatal(err)
	}
	ind := inds[slices.IndexFunc(inds, func(i outreach.Indicator) bool { return i.Code == "T4/age_14_60" })]
	if ind.PeopleTimes == nil || !near(*ind.PeopleTimes, 2600) {
		t.Errorf("people-times %v, want 2,600 (600 + 2,000 in the key areas)", ind.PeopleTimes)
	}
	if strings.Join(ind.OverReached, " ") != "00003" {
		t.Errorf("over-reached %v, want B1 (00003)", ind.OverReached)
	}
	if !ind.Estimate || !strings.Contains(ind.DenominatorSource, "Ước tính") {
		t.Errorf("the 14–60 denominator is not labelled an estimate: %v %q", ind.Estimate, ind.DenominatorSource)
	}
	// A district: only its key area, B1, capped at 1,057.5.
	inds, err = e.Compute(2020, e.Tree.Unit(idDistB))
	if err != nil {
		t.Fatal(err)
	}
	ind = inds[slices.IndexFunc(inds, func(i outreach.Indicator) bool { return i.Code == "T4/age_14_60" })]
	if !near(ind.Numerator, 1057.5) || !near(ind.Denominator, 1057.5) {
		t.Errorf("district B: %s", ind)
	}
}

func TestPopulationEstimates(t *testing.T) {
	tree := fixtureTree()
	p := standardPlan()
	for _, c := range []struct {
		group string
		unit  int64
		want  float64
	}{
		{"age_14_60", idA1, 640}, {"age_14_60", idA2, 1280}, {"age_14_60", idB1, 1057.5}, {"age_14_60", idB2, 352.5},
		{"age_14_60", idDistA, 1920}, {"age_14_60", idProvince, 3330},
		// Children 14–16: 1/5 of 10–14 and 2/5 of 15–19.
		{"children_14_16", idA1, 1000 * (100 + 80) / 3000.0},
		// Women: the province's share by sex (2,400 of 5,000).
		{"women", idA2, 2000 * 0.48}, {"women", idProvince, 2400},
		{"everyone", idDistB, 2000},
	} {
		def, ok := DefOf(p, outreach.PopulationGroup(c.group))
		if !ok {
			t.Fatalf("no group %s", c.group)
		}
		gp, err := tree.Estimate(fixtureCensus(), def, nil)
		if err != nil {
			t.Fatal(err)
		}
		if got := tree.SumOf(gp, c.unit); !near(got, c.want) {
			t.Errorf("%s of %s: %g, want %g", c.group, tree.Unit(c.unit).Code, got, c.want)
		}
	}
	// Without figures by sex anywhere, the national sex ratio stands in;
	// without figures of ethnic minorities, there is no estimate.
	noSex := func(group string) (map[int64]Figure, error) {
		if group == "female" || group == "ethnic_minority" {
			return map[int64]Figure{}, nil
		}
		return fixtureCensus()(group)
	}
	gp, _ := tree.Estimate(noSex, GroupDef{Code: "men", AgeFrom: -1, AgeTo: -1, Sex: outreach.SexMale}, nil)
	if got, want := tree.SumOf(gp, idProvince), 5000*SexRatio2019/(100+SexRatio2019); !near(got, want) {
		t.Errorf("men by the national ratio: %g, want %g", got, want)
	}
	gp, _ = tree.Estimate(noSex, GroupDef{Code: "minority", AgeFrom: -1, AgeTo: -1, EthnicMinority: true}, nil)
	if got := tree.SumOf(gp, idProvince); got != 0 {
		t.Errorf("ethnic minorities without a figure: %g, want none", got)
	}
}

func TestUnitSets(t *testing.T) {
	p := standardPlan()
	p.Targets = []outreach.Target{
		{Code: "S1", Kind: outreach.KindUnitShare, Units: "district_b", Condition: outreach.CondMaterialsDeployed, Milestones: []outreach.Milestone{{Year: 2020, Comparator: ">=", Value: 100}}},
		{Code: "S2", Kind: outreach.KindUnitShare, Units: "rural", Condition: outreach.CondMaterialsDeployed, Milestones: []outreach.Milestone{{Year: 2020, Comparator: ">=", Value: 100}}},
		{Code: "S3", Kind: outreach.KindUnitShare, Units: outreach.SetAllCommunes, Condition: outreach.CondActivity,
			Filter: &outreach.Filter{AgencyTypes: []string{outreach.AgencyPeoplesCommittee}}, Milestones: []outreach.Milestone{{Year: 2020, Comparator: ">=", Value: 50}}},
	}
	e := engineFor(p, standardFacts())
	inds, err := e.Compute(2020, e.Tree.Unit(idProvince))
	if err != nil {
		t.Fatal(err)
	}
	want := map[string][2]float64{
		"S1": {1, 2}, // district B: B1 deployed, B2 not
		"S2": {3, 3}, // the three "xa" (B2 is a phường)
		"S3": {1, 4}, // only A1 had a commune committee's activity
	}
	for _, ind := range inds {
		if w, ok := want[ind.Code]; ok && (ind.Numerator != w[0] || ind.Denominator != w[1]) {
			t.Errorf("%s: %s, want %g/%g", ind.Code, ind, w[0], w[1])
		}
	}
}

func TestFrequencyPeriods(t *testing.T) {
	f := NewFacts()
	var mask uint16
	for _, d := range []string{"2020-01-06", "2020-01-07", "2020-01-20", "2020-02-03", "2020-02-04", "2020-04-01"} {
		f.Events = append(f.Events, Event{Date: d, Channel: "IV.2", Values: map[string]float64{"news_items": 1}})
		var m int
		fmt.Sscanf(d[5:7], "%d", &m)
		mask |= 1 << (m - 1)
	}
	// The same records in the month rollup, which answers frequencies of
	// at least one a month, quarter or year without a filter.
	f.Months["news_items"] = []Month{{Year: 2020, Unit: 0, Mask: mask}}
	for _, c := range []struct {
		per     string
		atLeast float64
		today   string
		num     float64
		den     float64
		missed  string
		filter  *outreach.Filter
	}{
		// Twice a month: January (3) and February (2); March missed, April
		// has one; to 30 June.
		{outreach.PerMonth, 2, "2020-06-30", 2, 6, "2020-03 2020-04 2020-05 2020-06", nil},
		// Once a quarter: Q1 and Q2 met; Q3 under way on 15 August is not
		// yet missed.
		{outreach.PerQuarter, 1, "2020-08-15", 2, 2, "", nil},
		// Weekly, to 9 February: weeks 2, 4 and 6 met; 1 (from 1 January),
		// 3 and 5 missed.
		{outreach.PerWeek, 1, "2020-02-09", 3, 6, "2020-W01 2020-W03 2020-W05", nil},
		// Once a month from the rollup and from the activities (a filter
		// keeping them all) agree: January, February, April of six.
		{outreach.PerMonth, 1, "2020-06-30", 3, 6, "2020-03 2020-05 2020-06", nil},
		{outreach.PerMonth, 1, "2020-06-30", 3, 6, "2020-03 2020-05 2020-06", &outreach.Filter{Channels: []string{"IV.2"}}},
		// A filter keeping none: every month missed.
		{outreach.PerMonth, 1, "2020-03-31", 0, 3, "2020-01 2020-02 2020-03", &outreach.Filter{Channels: []string{"IV.1"}}},
	} {
		p := &outreach.Plan{Period: outreach.Period{From: 2020, To: 2020}, Decision: outreach.Decision{Date: "2019-12-01"},
			Targets: []outreach.Target{{Code: "F", Kind: outreach.KindFrequency, Measure: "news_items", Per: c.per, AtLeast: c.atLeast, Filter: c.filter,
				Milestones: []outreach.Milestone{{Year: 2020, Comparator: ">=", Value: 100}}}}}
		e := engineFor(p, f)
		e.Today = c.today
		inds, err := e.Compute(2020, e.Tree.Unit(idProvince))
		if err != nil {
			t.Fatal(err)
		}
		ind := inds[0]
		if ind.Numerator != c.num || ind.Denominator != c.den || strings.Join(ind.Missed, " ") != c.missed {
			t.Errorf("%s ≥ %g to %s: %s missed %v, want %g/%g missed %q", c.per, c.atLeast, c.today, ind, ind.Missed, c.num, c.den, c.missed)
		}
	}
}

func TestExpectedValue(t *testing.T) {
	ms := []outreach.Milestone{{Year: 2018, Comparator: ">=", Value: 75}, {Year: 2020, Comparator: "=", Value: 100}}
	for _, c := range []struct {
		progress string
		year     int
		want     float64
		leadsTo  int
	}{
		{outreach.ProgressLinear, 2017, 37.5, 2018}, // 0 at the start of 2017 → 75 at the end of 2018
		{outreach.ProgressLinear, 2018, 75, 2018},
		{outreach.ProgressLinear, 2019, 87.5, 2020}, // halfway from 75 to 100
		{outreach.ProgressLinear, 2020, 100, 2020},
		{outreach.ProgressStep, 2017, 0, 2018},
		{outreach.ProgressStep, 2019, 75, 2020}, // holds 2018's until 2020
		{outreach.ProgressStep, 2020, 100, 2020},
	} {
		got, m := outreach.ExpectedValue(ms, c.progress, 2017, c.year)
		if !near(got, c.want) || m == nil || m.Year != c.leadsTo {
			t.Errorf("%s %d: %g (toward %v), want %g toward %d", c.progress, c.year, got, m, c.want, c.leadsTo)
		}
	}
}

func TestReportedTargets(t *testing.T) {
	p := standardPlan()
	p.Targets = []outreach.Target{{Code: "R", Kind: outreach.KindReported, Milestones: []outreach.Milestone{{Year: 2020, Comparator: "=", Value: 100}}}}
	f := NewFacts()
	f.Reported = map[string][]outreach.ReportedValue{"R": {
		// Plan 1: a six-month value, then the annual one, which stands.
		{Plan: 1, Period: "2020-h1", Numerator: 3, Denominator: 10, AcceptedAt: "2020-07-10"},
		{Plan: 1, Period: "2020", Numerator: 9, Denominator: 10, AcceptedAt: "2020-12-18"},
		// Plan 2 (serving the same target): its only value of the year.
		{Plan: 2, Period: "2020-h1", Numerator: 5, Denominator: 5, AcceptedAt: "2020-07-01"},
		// Another year: not counted.
		{Plan: 2, Period: "2019", Numerator: 0, Denominator: 50, AcceptedAt: "2019-12-01"},
	}}
	e := engineFor(p, f)
	inds, err := e.Compute(2020, e.Tree.Unit(idProvince))
	if err != nil {
		t.Fatal(err)
	}
	if ind := inds[0]; ind.Numerator != 14 || ind.Denominator != 15 || !near(*ind.Value, 100*14.0/15) || ind.Status != outreach.StatusBehind {
		t.Errorf("summed reports: %s", ind)
	}
	// A part of the area has no reported value.
	inds, _ = e.Compute(2020, e.Tree.Unit(idDistA))
	if inds[0].Value != nil || inds[0].Status != outreach.StatusNotApplicable {
		t.Errorf("a district: %s", inds[0])
	}
	// No accepted report for the year.
	inds, _ = e.Compute(2018, e.Tree.Unit(idProvince))
	if inds[0].Value != nil || !strings.Contains(inds[0].Note, "no accepted report") {
		t.Errorf("2018: %s %s", inds[0], inds[0].Note)
	}
}
