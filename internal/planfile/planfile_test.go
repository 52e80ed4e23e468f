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

func builtinPlan(t *testing.T) *outreach.Plan {
	t.Helper()
	plans, err := planfile.Builtin()
	if err != nil {
		t.Fatal(err)
	}
	if len(plans) != 1 || plans[0].Code != "bk-1368-2017" {
		t.Fatalf("built-in plans = %v, want the Bắc Kạn plan only", plans)
	}
	return plans[0]
}

func TestBuiltinPlanHoldsTheDecision(t *testing.T) {
	p := builtinPlan(t)
	if p.Decision.Number != "1368/QĐ-UBND" || p.Decision.Date != "2017-09-08" {
		t.Errorf("decision = %s of %s", p.Decision.Number, p.Decision.Date)
	}
	if got := len(p.Decision.LegalBases); got != 3 {
		t.Errorf("legal bases = %d, want 3", got)
	}
	if got := len(p.Purposes); got != 4 {
		t.Errorf("purposes = %d, want 4", got)
	}
	if len(p.Targets) != 3 || len(p.Themes) != 5 || len(p.Channels) != 6 {
		t.Errorf("targets/themes/channels = %d/%d/%d, want 3/5/6", len(p.Targets), len(p.Themes), len(p.Channels))
	}
	// Section V: items 1..10 with 6, 3, 5, 2, 2, 3, 2, 1, 3 and 6 tasks.
	perItem := map[string]int{}
	for _, task := range p.Tasks {
		item := strings.Join(strings.Split(task.Clause, ".")[:2], ".")
		perItem[item]++
	}
	want := map[string]int{"V.1": 6, "V.2": 3, "V.3": 5, "V.4": 2, "V.5": 2, "V.6": 3, "V.7": 2, "V.8": 1, "V.9": 3, "V.10": 6}
	if !reflect.DeepEqual(perItem, want) {
		t.Errorf("tasks per item = %v, want %v", perItem, want)
	}
	m := p.Targets[0].Milestones
	if len(m) != 2 || m[0] != (outreach.Milestone{Year: 2018, Comparator: ">=", Value: 75}) || m[1] != (outreach.Milestone{Year: 2020, Comparator: "=", Value: 100}) {
		t.Errorf("II.2.1 milestones = %+v", m)
	}
	if p.Targets[1].Units != outreach.SetKeyAreaCommunes || p.Targets[1].Milestones[0].Value != 30 {
		t.Errorf("II.2.2 = %+v", p.Targets[1])
	}
	var contest *outreach.Task
	for i := range p.Tasks {
		if p.Tasks[i].Clause == "V.2.2" {
			contest = &p.Tasks[i]
		}
	}
	if contest == nil || contest.Quantity == nil || contest.Quantity.Value != 2 || contest.Quantity.Measure != "districts" || !reflect.DeepEqual(contest.Years, []int{2019}) {
		t.Errorf("V.2.2 = %+v", contest)
	}
	r := p.Reporting
	if r.Deadline != "12-20" || r.Cutoff.From != "12-15" || r.Cutoff.To != "12-14" || r.Email != "duonghv.tt@backan.gov.vn" || r.Recipient != "bk-stttt" {
		t.Errorf("reporting = %+v", r)
	}
	if a, ok := p.Agency("bk-stttt"); !ok || a.ValidTo != "2025-03-01" {
		t.Errorf("Sở TT&TT = %+v (valid_to should be 2025-03-01)", a)
	}
}

func TestRoundTrip(t *testing.T) {
	p := builtinPlan(t)
	out, err := planfile.Marshal(p)
	if err != nil {
		t.Fatal(err)
	}
	q, err := planfile.Parse("export.yaml", out)
	if err != nil {
		t.Fatalf("exported plan does not parse: %v", err)
	}
	if !reflect.DeepEqual(p, q) {
		t.Fatal("plan changed in a round trip through Marshal and Parse")
	}
	again, err := planfile.Marshal(q)
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(out, again) {
		t.Fatal("Marshal is not stable")
	}
}

func TestParseProblems(t *testing.T) {
	src, ok := planfile.BuiltinSource("bk-1368-2017")
	if !ok {
		t.Fatal("no built-in source")
	}
	lineOf := func(text, needle string) int {
		i := strings.Index(text, needle)
		if i < 0 {
			t.Fatalf("%q not in the source", needle)
		}
		return strings.Count(text[:i], "\n") + 1
	}
	text := string(src)
	cases := []struct {
		name      string
		edit      func(string) string
		wantLine  int
		wantField string
		wantMsg   string
		slack     int // lines the reported position may trail the fault by
	}{
		{
			name:      "misspelt field",
			edit:      func(s string) string { return strings.Replace(s, "general_objective:", "general_objectve:", 1) },
			wantLine:  lineOf(text, "general_objective:"),
			wantField: "general_objectve",
			wantMsg:   "unknown field",
		},
		{
			name:      "milestone of 175 %",
			edit:      func(s string) string { return strings.Replace(s, "value: 75\n", "value: 175\n", 1) },
			wantLine:  lineOf(text, "value: 75\n"),
			wantField: "targets[0].milestones[0].value",
			wantMsg:   "between 0 and 100",
		},
		{
			name:      "unknown agency in a task",
			edit:      func(s string) string { return strings.Replace(s, "agency: bk-hlhpn", "agency: bk-hlphn", 1) },
			wantLine:  lineOf(text, "agency: bk-hlhpn"),
			wantField: "tasks[6].agency",
			wantMsg:   `unknown agency "bk-hlphn"`,
		},
		{
			name:     "text where a year belongs",
			edit:     func(s string) string { return strings.Replace(s, "  from: 2017", "  from: năm 2017", 1) },
			wantLine: lineOf(text, "  from: 2017"),
			wantMsg:  "expected a whole number",
		},
		{
			name:     "broken YAML",
			edit:     func(s string) string { return strings.Replace(s, "targets:\n", "targets:\n  - [\n", 1) },
			wantLine: lineOf(text, "targets:\n") + 1,
			slack:    5, // the parser notices the unclosed "[" a few lines on
		},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			edited := c.edit(text)
			if edited == text {
				t.Fatal("edit changed nothing")
			}
			_, err := planfile.Parse("plan.yaml", []byte(edited))
			var verr *outreach.ValidationError
			if !errors.As(err, &verr) || !errors.Is(err, outreach.ErrInvalid) {
				t.Fatalf("err = %v, want a validation error", err)
			}
			pr := verr.Problems[0]
			var line, col int
			if _, err := fmt.Sscanf(pr.Position, "plan.yaml:%d:%d", &line, &col); err != nil {
				t.Fatalf("position = %q, want plan.yaml:LINE:COLUMN", pr.Position)
			}
			if line < c.wantLine || line > c.wantLine+c.slack || col < 1 {
				t.Errorf("position = %q, want line %d", pr.Position, c.wantLine)
			}
			if c.wantField != "" && pr.Field != c.wantField {
				t.Errorf("field = %q, want %q", pr.Field, c.wantField)
			}
			if !strings.Contains(pr.Message, c.wantMsg) {
				t.Errorf("message = %q, want it to contain %q", pr.Message, c.wantMsg)
			}
		})
	}
}

func TestEmptyFile(t *testing.T) {
	if _, err := planfile.Parse("x.yaml", []byte("  \n")); !errors.Is(err, outreach.ErrInvalid) {
		t.Fatalf("err = %v", err)
	}
}

func TestDuplicatesAndOrder(t *testing.T) {
	src, _ := planfile.BuiltinSource("bk-1368-2017")
	text := string(src)
	for name, c := range map[string]struct{ old, new, field string }{
		"cooperating twice": {"cooperating:\n      - bk-btgtu\n", "cooperating:\n      - bk-btgtu\n      - bk-btgtu\n", ".cooperating[1]"},
		"milestones out of order": {"      - year: 2018\n        comparator: \">=\"\n        value: 75\n      - year: 2020\n",
			"      - year: 2020\n        comparator: \">=\"\n        value: 75\n      - year: 2018\n", "milestones[1].year"},
	} {
		edited := strings.Replace(text, c.old, c.new, 1)
		if edited == text {
			t.Fatalf("%s: edit changed nothing", name)
		}
		_, err := planfile.Parse("p.yaml", []byte(edited))
		var v *outreach.ValidationError
		if !errors.As(err, &v) || !strings.HasSuffix(v.Problems[0].Field, c.field) {
			t.Errorf("%s: %v", name, err)
		}
	}
}

// TestEveryMisspeltKey: three misspelt keys at three depths are three
// problems, each at its own line and column, with its field's path.
func TestEveryMisspeltKey(t *testing.T) {
	src, _ := planfile.BuiltinSource("bk-1368-2017")
	text := string(src)
	text = strings.Replace(text, "general_objective:", "general_objectve:", 1)
	text = strings.Replace(text, "  deadline: ", "  dealine: ", 1)
	text = strings.Replace(text, "    comparator: ", "    comparater: ", 1)
	_, err := planfile.Parse("x.yaml", []byte(text))
	var v *outreach.ValidationError
	if !errors.As(err, &v) || len(v.Problems) != 3 {
		t.Fatalf("got %v, want three problems", err)
	}
	want := []string{"general_objectve", "comparater", "reporting.dealine"}
	for i, pr := range v.Problems {
		if !strings.HasSuffix(pr.Field, want[i]) || !strings.Contains(pr.Message, "unknown field") {
			t.Errorf("problem %d: %+v, want field ending %s", i, pr, want[i])
		}
		line := strings.Count(text[:strings.Index(text, strings.TrimPrefix(want[i], "reporting.")+":")], "\n") + 1
		if !strings.HasPrefix(pr.Position, fmt.Sprintf("x.yaml:%d:", line)) {
			t.Errorf("problem %d at %s, want line %d", i, pr.Position, line)
		}
	}
}

// TestTooLarge: a file over the limit is refused before it is decoded.
func TestTooLarge(t *testing.T) {
	big := bytes.Repeat([]byte("# padding line of a plan file that is far too long\n"), planfile.MaxSize/50+10)
	_, err := planfile.Parse("big.yaml", big)
	if err == nil || !strings.Contains(err.Error(), "at most 2 MB") {
		t.Errorf("got %v", err)
	}
}

// TestEqualsQuoted: the "=" comparator is written quoted, so YAML 1.1
// readers load the exported file too.
func TestEqualsQuoted(t *testing.T) {
	p := builtinPlan(t)
	out, err := planfile.Marshal(p)
	if err != nil {
		t.Fatal(err)
	}
	if strings.Contains(string(out), "comparator: =\n") || !strings.Contains(string(out), `comparator: "="`) {
		t.Errorf("comparator not quoted:\n%s", out)
	}
}
