package store_test

import (
	"errors"
	"testing"

	"outreach/internal/outreach"
	"outreach/internal/store"
	"outreach/internal/store/storetest"
)

// typedModelsPlan gives the built-in plan two model types and returns
// them; it skips the test while plans do not keep their types.
func typedModelsPlan(t *testing.T, s *store.Store) []outreach.ModelType {
	t.Helper()
	p, err := s.Plan(ctx, "bk-1368-2017")
	if err != nil {
		t.Fatal(err)
	}
	p.ModelTypes = []outreach.ModelType{{Code: "in_depth", Name: "Mô hình chuyên sâu"}, {Code: "integrated", Name: "Mô hình lồng ghép"}}
	if _, err := s.ImportPlan(ctx, system, p); err != nil {
		t.Fatal(err)
	}
	if p, err = s.Plan(ctx, "bk-1368-2017"); err != nil {
		t.Fatal(err)
	}
	if len(p.ModelTypes) == 0 {
		t.Skip("plans do not keep their model types yet")
	}
	return p.ModelTypes
}

// wantTypeProblem fails unless err is a validation error on the field
// "type" with the code.
func wantTypeProblem(t *testing.T, what string, err error, code string) {
	t.Helper()
	var v *outreach.ValidationError
	if !errors.As(err, &v) {
		t.Errorf("%s: %v, want a validation error", what, err)
		return
	}
	for _, p := range v.Problems {
		if p.Field == "type" && p.Code == code {
			return
		}
	}
	t.Errorf("%s: problems %+v, want one on the field type with the code %q", what, v.Problems, code)
}

func TestModelTypeRefusedWhenThePlanHasNone(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		seeded(t, s)
		as := actors(t, s)
		m := outreach.PreventionModel{Plan: "bk-1368-2017", Unit: "02155", Agency: "bk-hlhpn", Name: "Câu lạc bộ", Type: "in_depth", EstablishedOn: "2018-05-01"}
		_, err := s.CreateModel(ctx, as["union"], m)
		wantTypeProblem(t, "a type in a plan without types", err, "model_type_none")
		m.Type = ""
		id, err := s.CreateModel(ctx, as["union"], m)
		if err != nil {
			t.Fatal(err)
		}
		got, err := s.Model(ctx, as["union"], id)
		if err != nil || got.Type != "" {
			t.Fatalf("model without a type: %+v, %v", got, err)
		}
		got.Type = "integrated"
		wantTypeProblem(t, "a type given on update", s.UpdateModel(ctx, as["union"], got.PreventionModel), "model_type_none")
	})
}

func TestModelTypes(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		seeded(t, s)
		as := actors(t, s)
		// A model registered before the plan had types keeps none.
		old, err := s.CreateModel(ctx, as["union"], outreach.PreventionModel{Plan: "bk-1368-2017", Unit: "02152", Agency: "bk-hlhpn", Name: "Tổ tự quản", EstablishedOn: "2018-03-01"})
		if err != nil {
			t.Fatal(err)
		}
		typedModelsPlan(t, s)
		m := outreach.PreventionModel{Plan: "bk-1368-2017", Unit: "02155", Agency: "bk-hlhpn", Name: "Câu lạc bộ", Type: "in_depth", EstablishedOn: "2018-05-01"}
		for _, c := range []struct{ typ, code string }{{"", outreach.ProbRequired}, {"mystery", outreach.ProbUnknown}, {"In_depth", outreach.ProbUnknown}} {
			mm := m
			mm.Type = c.typ
			_, err := s.CreateModel(ctx, as["union"], mm)
			wantTypeProblem(t, "type "+c.typ, err, c.code)
		}
		id, err := s.CreateModel(ctx, as["union"], m)
		if err != nil {
			t.Fatal(err)
		}
		got, err := s.Model(ctx, as["viewer"], id)
		if err != nil || got.Type != "in_depth" {
			t.Fatalf("model read back: %+v, %v", got, err)
		}
		got.Type = "integrated"
		if err := s.UpdateModel(ctx, as["union"], got.PreventionModel); err != nil {
			t.Fatal(err)
		}
		got.Type = "mystery"
		wantTypeProblem(t, "an unknown type on update", s.UpdateModel(ctx, as["union"], got.PreventionModel), outreach.ProbUnknown)
		ms, err := s.Models(ctx, as["viewer"], "bk-1368-2017", false)
		if err != nil {
			t.Fatal(err)
		}
		types := map[int64]string{}
		for _, m := range ms {
			types[m.ID] = m.Type
		}
		if len(types) != 2 || types[id] != "integrated" || types[old] != "" {
			t.Errorf("types listed = %v, want %d integrated and %d none", types, id, old)
		}
		// A model recorded before the plan named its types can still be
		// changed without one (its name corrected, its status closed);
		// once given a type, it keeps needing one.
		o, err := s.Model(ctx, as["union"], old)
		if err != nil {
			t.Fatal(err)
		}
		o.Name = "Tổ tự quản thôn Nà Chang"
		if err := s.UpdateModel(ctx, as["union"], o.PreventionModel); err != nil {
			t.Errorf("an untyped model changed once the plan has types: %v", err)
		}
		o.Type = "integrated"
		if err := s.UpdateModel(ctx, as["union"], o.PreventionModel); err != nil {
			t.Fatal(err)
		}
		o.Type = ""
		wantTypeProblem(t, "a typed model's type taken away", s.UpdateModel(ctx, as["union"], o.PreventionModel), outreach.ProbRequired)
		h, err := s.ModelHistory(ctx, as["union"], id)
		if err != nil || len(h) != 2 {
			t.Errorf("history: %d rows, %v", len(h), err)
		}
	})
}
