package planfile_test

import (
	"bytes"
	"errors"
	"fmt"
	"reflect"
	"strings"
	"testing"

	"outreach/internal/outreach"
	"outreach/internal/planfile"
)

// measures are the quantity kinds the tests check measures against.
var measures = []string{"news_items", "schools", "districts"}

// vocabTargets are targets using the new keys, written before themes.
const vocabTargets = `  - code: II.2.4
    text: Mỗi tuần ít nhất hai tin, bài của báo chí tỉnh
    kind: frequency
    measure: news_items
    per: week
    at_least: 2
    from: "2017-10-01"
    filter:
      themes:
        - III.1
        - III.4
      agency_types:
        - press
      media_levels:
        - provincial
      audience: young_women
    progress: step
    milestones:
      - year: 2018
        comparator: ">="
        value: 80
  - code: II.2.5
    text: Số trường học được tuyên truyền trong năm
    kind: count
    measure: schools
    window: year
    milestones:
      - year: 2019
        comparator: ">="
        value: 4
  - code: II.2.6
    text: Xã biên giới có hoạt động tuyên truyền
    kind: unit_share
    units: border
    condition: activity
    filter:
      channels:
        - IV.1
    milestones:
      - year: 2020
        comparator: ">="
        value: 50
  - code: II.2.7
    text: 100% tin báo, tố giác được tiếp nhận, xử lý
    kind: reported
    agency: bk-ca
    milestones:
      - year: 2020
        comparator: "="
        value: 100
populations:
  - code: young_women
    name: Phụ nữ 16–30 tuổi
    age_from: 16
    age_to: 30
    sex: female
  - code: ethnic
    name: Người dân tộc thiểu số
    ethnic_minority: true
unit_sets:
  - code: border
    name: Xã biên giới
    units:
      - "01888"
    unit_type: xa
model_types:
  - code: in_depth
    name: Mô hình chuyên sâu
`

// vocabSource is the built-in plan with the targets above and a media
// level on the provincial newspaper.
func vocabSource(t *testing.T) string {
	t.Helper()
	src, ok := planfile.BuiltinSource("bk-1368-2017")
	if !ok {
		t.Fatal("no built-in source")
	}
	text := strings.Replace(string(src), "themes:\n", vocabTargets+"themes:\n", 1)
	text = strings.Replace(text, "    condition: active_prevention_model\n", "    condition: active_prevention_model\n    model_types:\n      - in_depth\n", 1)
	if i := strings.Index(text, "    type: press\n"); i >= 0 {
		text = text[:i] + "    type: press\n    media_level: provincial\n" + text[i+len("    type: press\n"):]
	}
	if !strings.Contains(text, "media_level: provincial") || !strings.Contains(text, "model_types:\n      - in_depth") {
		t.Fatal("the edits changed nothing")
	}
	return text
}

// TestVocabularyRoundTrip: a file with every new key parses, and writing
// it back gives the same plan and the same text again.
func TestVocabularyRoundTrip(t *testing.T) {
	p, err := planfile.ParseWith("plan.yaml", []byte(vocabSource(t)), measures)
	if err != nil {
		t.Fatal(err)
	}
	if len(p.Populations) != 2 || len(p.UnitSets) != 1 || len(p.ModelTypes) != 1 {
		t.Fatalf("vocabulary = %+v %+v %+v", p.Populations, p.UnitSets, p.ModelTypes)
	}
	freq, _ := p.Target("II.2.4")
	if freq.AtLeast != 2 || freq.From != "2017-10-01" || freq.Filter == nil || freq.Filter.Audience != "young_women" || freq.Progress != outreach.ProgressStep {
		t.Errorf("II.2.4 = %+v", freq)
	}
	out, err := planfile.Marshal(p)
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{"\n    at_least: 2\n", "\n    window: year\n", "\n    media_level: provincial\n", "\npopulations:\n", "\n        - provincial\n"} {
		if !strings.Contains(string(out), want) {
			t.Errorf("the written file lacks %q", want)
		}
	}
	q, err := planfile.ParseWith("export.yaml", out, measures)
	if err != nil {
		t.Fatalf("the written file does not parse: %v", err)
	}
	if !reflect.DeepEqual(p, q) {
		t.Fatal("plan changed in a round trip through Marshal and Parse")
	}
	if again, _ := planfile.Marshal(q); !bytes.Equal(out, again) {
		t.Fatal("Marshal is not stable")
	}
}

// TestVocabularyProblemsLocated: unknown names in the new keys are all
// reported at once, each at the line and column of the value at fault.
func TestVocabularyProblemsLocated(t *testing.T) {
	text := vocabSource(t)
	edits := []struct{ old, new, field, msg string }{
		{"        - III.4\n", "        - III.9\n", "targets[3].filter.themes[1]", `unknown theme "III.9"`},
		{"        - provincial\n", "        - national\n", "targets[3].filter.media_levels[0]", `unknown media level "national"`},
		{"      audience: young_women\n", "      audience: young_men\n", "targets[3].filter.audience", `unknown population group "young_men"`},
		{"      - children_14_16\n", "      - children_14_15\n", "targets[2].populations[2]", `unknown population group "children_14_15"`},
		{"    units: border\n", "    units: borders\n", "targets[5].units", `got "borders"`},
		{"    measure: schools\n    window", "    measure: school\n    window", "targets[4].measure", `unknown measure "school"; known: news_items, schools, districts`},
	}
	for _, e := range edits {
		if !strings.Contains(text, e.old) {
			t.Fatalf("%q not in the source", e.old)
		}
		text = strings.Replace(text, e.old, e.new, 1)
	}
	_, err := planfile.ParseWith("plan.yaml", []byte(text), measures)
	var v *outreach.ValidationError
	if !errors.As(err, &v) {
		t.Fatalf("err = %v, want a validation error", err)
	}
	if len(v.Problems) != len(edits) {
		t.Fatalf("%d problems, want %d:\n%v", len(v.Problems), len(edits), err)
	}
	byField := map[string]outreach.Problem{}
	for _, pr := range v.Problems {
		byField[pr.Field] = pr
	}
	for _, e := range edits {
		pr, ok := byField[e.field]
		if !ok {
			t.Errorf("no problem at %s in:\n%v", e.field, err)
			continue
		}
		if !strings.Contains(pr.Message, e.msg) {
			t.Errorf("%s: %q, want %q", e.field, pr.Message, e.msg)
		}
		// The value's position: its line, and the column where the
		// edited value starts.
		i := strings.Index(text, e.new)
		line := strings.Count(text[:i], "\n") + 1
		value := strings.TrimSpace(strings.SplitN(e.new, "\n", 2)[0])
		value = strings.TrimPrefix(value, "- ")
		if _, v, ok := strings.Cut(value, ": "); ok {
			value = v
		}
		col := strings.Index(strings.SplitN(e.new, "\n", 2)[0], value) + 1
		if want := fmt.Sprintf("plan.yaml:%d:%d", line, col); pr.Position != want {
			t.Errorf("%s at %s, want %s", e.field, pr.Position, want)
		}
	}

	// Parse alone leaves measures to the store.
	if _, err := planfile.Parse("plan.yaml", []byte(strings.Replace(vocabSource(t), "    measure: schools\n    window", "    measure: school\n    window", 1))); err != nil {
		t.Errorf("Parse checks measures: %v", err)
	}
}
