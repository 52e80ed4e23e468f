package store_test

import (
	"errors"
	"reflect"
	"slices"
	"strings"
	"testing"

	"outreach/internal/outreach"
	"outreach/internal/store"
	"outreach/internal/store/storetest"
)

// TestPlanSharedAgency: a second plan that reuses an agency code with
// other content is refused with the differences listed, and neither plan
// nor the agency changes (it used to overwrite the first plan's agency,
// erasing its validity dates and note); with the stored content it is
// accepted and shares the agency.
func TestPlanSharedAgency(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		seeded(t, s)
		first, err := s.Plan(ctx, "bk-1368-2017")
		if err != nil {
			t.Fatal(err)
		}
		var police outreach.Agency
		for _, a := range first.Agencies {
			if a.Code == "bk-ca" {
				police = a
			}
		}
		second, err := s.Plan(ctx, "bk-1368-2017")
		if err != nil {
			t.Fatal(err)
		}
		second.Code, second.Title = "bk-2021", "Kế hoạch thứ hai"
		changed := *second
		changed.Agencies = slices.Clone(second.Agencies)
		for i, a := range changed.Agencies {
			if a.Code == "bk-ca" {
				a.Name, a.ValidTo, a.Note = "Công an tỉnh (mới)", "", ""
				changed.Agencies[i] = a
			}
		}
		before, err := s.Agencies(ctx)
		if err != nil {
			t.Fatal(err)
		}
		_, err = s.ImportPlan(ctx, system, &changed)
		var v *outreach.ValidationError
		if !errors.Is(err, outreach.ErrConflict) || !errors.As(err, &v) || len(v.Problems) != 1 ||
			!strings.Contains(v.Problems[0].Message, "bk-1368-2017") || !strings.Contains(v.Problems[0].Message, `name "`+police.Name+`" → "Công an tỉnh (mới)"`) {
			t.Fatalf("a second plan changing a shared agency: %v", err)
		}
		if police.ValidTo != "" && !strings.Contains(v.Problems[0].Message, "valid_to") {
			t.Errorf("the erased validity is not listed: %s", v.Problems[0].Message)
		}
		if _, err := s.Plan(ctx, "bk-2021"); !errors.Is(err, outreach.ErrNotFound) {
			t.Errorf("the refused plan was stored: %v", err)
		}
		after, err := s.Agencies(ctx)
		if err != nil {
			t.Fatal(err)
		}
		if !reflect.DeepEqual(before, after) {
			t.Error("the refused import changed the agencies")
		}
		if res, err := s.ImportPlan(ctx, system, second); err != nil || res != store.PlanCreated {
			t.Fatalf("a second plan with the stored agencies: %v %v", res, err)
		}
		// Now shared, the first plan cannot change it either.
		first.Agencies = changed.Agencies
		if _, err := s.ImportPlan(ctx, system, first); !errors.Is(err, outreach.ErrConflict) || !strings.Contains(err.Error(), "bk-2021") {
			t.Errorf("the first plan changing the now shared agency: %v", err)
		}
	})
}
