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

// smallPlan is the least a valid plan file holds, so that the fuzzer
// mutates something it can parse quickly; the built-in plan is the other
// seed.
const smallPlan = `code: p-1
title: Kế hoạch thử
province: "06"
period: {from: 2017, to: 2020}
decision:
  number: 1/QĐ-UBND
  date: 2017-09-08
  issuer: UBND tỉnh
  title: Phê duyệt
  legal_bases:
    - {date: 2015-06-19, title: Luật}
purposes: [Mục đích]
general_objective: Nâng cao nhận thức
targets:
  - code: II.2.1
    text: 75% số xã
    kind: unit_share
    units: all_communes
    condition: materials_received_and_deployed
    milestones:
      - {year: 2018, comparator: ">=", value: 75.5}
  - code: II.2.2
    text: 2 huyện
    kind: count
    measure: districts
    milestones: [{year: 2020, comparator: "=", value: 2}]
themes: [{code: III.1, name: Chính sách, text: "Chính sách, pháp luật"}]
channels: [{code: IV.1, name: Báo chí, text: "Báo chí"}]
agencies:
  - {code: a, name: Sở A, type: department, valid_to: 2025-03-01}
  - {code: b, name: Hội B, type: union}
  - {code: g, name: Nhóm, type: group, members: [a, b]}
tasks:
  - clause: V.1.1
    text: |
      Tuyên truyền
      trên báo.
    agency: a
    cooperating: [b]
    channels: [IV.1]
    themes: [III.1]
    quantity: {comparator: ">=", value: 4, measure: schools}
    years: [2019]
funding:
  clause: VI.1
  sources: [{code: ns, name: Ngân sách}]
reporting:
  name: Báo cáo
  reporters: [g]
  recipient: a
  methods: [paper, email]
  email: a@b.vn
  frequency: yearly
  deadline: 12-20
  cutoff: {from: 12-15, to: 12-14}
  timezone: Asia/Ho_Chi_Minh
`

// FuzzParse feeds plan files to Parse. A file is either refused with
// problems positioned in it (name:line:column, the line within the file),
// or gives a plan that validates, that Marshal writes back, and that
// parses again to the same plan, which Marshal writes identically.
func FuzzParse(f *testing.F) {
	src, ok := planfile.BuiltinSource("bk-1368-2017")
	if !ok {
		f.Fatal("no built-in plan")
	}
	if _, err := planfile.Parse("small.yaml", []byte(smallPlan)); err != nil {
		f.Fatalf("the small seed plan does not parse: %v", err)
	}
	f.Add(src)
	f.Add([]byte(smallPlan))
	for _, edit := range [][2]string{
		{"general_objective:", "general_objectve:"},
		{"value: 75.5", "value: 175"},
		{"value: 75.5", "value: .nan"},
		{"value: 2}", "value: .inf}"},
		{"from: 2017", "from: năm 2017"},
		{"targets:\n", "targets:\n  - [\n"},
		{"cooperating: [b]", "cooperating: [b, b]"},
		{"members: [a, b]", "members: [a, g]"},
		{"code: p-1", "code: p-1\ncode: p-2"},
		{"purposes: [Mục đích]", "purposes: &x [Mục đích]\nclosing: *x"},
		{"  timezone: Asia/Ho_Chi_Minh\n", "  timezone: Asia/Ho_Chi_Minh\n\r\n\t"},
	} {
		f.Add([]byte(strings.Replace(smallPlan, edit[0], edit[1], 1)))
	}
	f.Add([]byte(""))
	f.Add([]byte("code: [\n"))
	f.Fuzz(func(t *testing.T, data []byte) {
		p, err := planfile.Parse("f.yaml", data)
		if err != nil {
			checkProblems(t, err, data)
			return
		}
		if err := p.Validate(); err != nil {
			t.Fatalf("Parse returned a plan that does not validate: %v", err)
		}
		out, err := planfile.Marshal(p)
		if err != nil {
			t.Fatalf("Marshal: %v", err)
		}
		q, err := planfile.Parse("out.yaml", out)
		if err != nil {
			t.Fatalf("Marshal's output does not parse: %v\n%s", err, out)
		}
		if diff := planDiff(reflect.ValueOf(p), reflect.ValueOf(q), "plan"); diff != "" {
			t.Fatalf("plan changed through Marshal and Parse: %s\n%s", diff, out)
		}
		again, err := planfile.Marshal(q)
		if err != nil || !bytes.Equal(out, again) {
			t.Fatalf("Marshal is not stable (%v)", err)
		}
	})
}

// planDiff returns the path of the first difference between two plans, ""
// when they are equal. A nil and an empty list are equal: Marshal writes
// both as [], which is what the file said when it left the key out.
func planDiff(a, b reflect.Value, path string) string {
	if a.Kind() != b.Kind() {
		return path
	}
	switch a.Kind() {
	case reflect.Pointer:
		if a.IsNil() || b.IsNil() {
			if a.IsNil() != b.IsNil() {
				return path
			}
			return ""
		}
		return planDiff(a.Elem(), b.Elem(), path)
	case reflect.Struct:
		for i := range a.NumField() {
			if d := planDiff(a.Field(i), b.Field(i), path+"."+a.Type().Field(i).Name); d != "" {
				return d
			}
		}
		return ""
	case reflect.Slice:
		if a.Len() != b.Len() {
			return fmt.Sprintf("%s (%d items, then %d)", path, a.Len(), b.Len())
		}
		for i := range a.Len() {
			if d := planDiff(a.Index(i), b.Index(i), fmt.Sprintf("%s[%d]", path, i)); d != "" {
				return d
			}
		}
		return ""
	case reflect.Float64:
		if a.Float() != b.Float() {
			return fmt.Sprintf("%s (%v, then %v)", path, a.Float(), b.Float())
		}
		return ""
	}
	if !reflect.DeepEqual(a.Interface(), b.Interface()) {
		return fmt.Sprintf("%s (%#v, then %#v)", path, a.Interface(), b.Interface())
	}
	return ""
}

// checkProblems checks a refusal: a validation error whose problems are
// all positioned inside the file.
func checkProblems(t *testing.T, err error, data []byte) {
	t.Helper()
	var verr *outreach.ValidationError
	if !errors.As(err, &verr) || !errors.Is(err, outreach.ErrInvalid) || len(verr.Problems) == 0 {
		t.Fatalf("err = %v (%T), want a validation error with problems", err, err)
	}
	// A line ends at \n, \r\n or a lone \r.
	lines := bytes.Count(data, []byte("\n")) + bytes.Count(data, []byte("\r")) + 1
	for _, pr := range verr.Problems {
		var line, col int
		if _, err := fmt.Sscanf(pr.Position, "f.yaml:%d:%d", &line, &col); err != nil {
			t.Fatalf("position %q, want f.yaml:LINE:COLUMN", pr.Position)
		}
		if line < 1 || line > lines || col < 1 {
			t.Fatalf("position %q outside the file of %d lines (%s)", pr.Position, lines, pr.Message)
		}
		if pr.Message == "" {
			t.Fatalf("problem at %s without a message", pr.Position)
		}
	}
}
