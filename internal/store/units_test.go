package store_test

import (
	"math"
	"strings"
	"testing"

	"outreach/internal/outreach"
	"outreach/internal/store"
	"outreach/internal/store/storetest"
	"outreach/internal/unitfile"
)

// versionOf returns the version of code in force on date.
func versionOf(t *testing.T, s *store.Store, code, date string) outreach.Unit {
	t.Helper()
	u, err := s.UnitAsOf(ctx, code, date)
	if err != nil {
		t.Fatal(err)
	}
	return u
}

// The national register carries how each link was found and the changes
// no source resolves, for pages to mark them.
func TestUncertainAndUnresolvedChanges(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		seeded(t, s)
		// Nham Sơn went into Phường Bắc Giang on 2025-07-01 by a match
		// the mapping's authors rated low.
		h, err := s.UnitHistory(ctx, "07732")
		if err != nil {
			t.Fatal(err)
		}
		found := false
		for _, c := range h.Changes {
			if c.Date == "2025-07-01" && c.Old.Code == "07732" && c.New != nil && c.New.Code == "07210" {
				found = c.Confidence == "manual:low" && c.Uncertain
			}
		}
		if !found {
			t.Errorf("07732 → 07210: %+v", h.Changes)
		}
		// Bắc Kạn's links are certain, with the national file's word.
		h, err = s.UnitHistory(ctx, "02155")
		if err != nil {
			t.Fatal(err)
		}
		for _, c := range h.Changes {
			if c.Uncertain || c.Date >= "2020" && c.Confidence == "" && c.New != nil {
				t.Errorf("Bắc Kạn link %s %s → %v: confidence %q, uncertain %v", c.Date, c.Old.Code, c.New, c.Confidence, c.Uncertain)
			}
		}
		// Xã Tân Lợi (05704) was retired on 2024-12-01 to no known
		// successor.
		h, err = s.UnitHistory(ctx, "05704")
		if err != nil {
			t.Fatal(err)
		}
		if len(h.Unresolved) != 1 || h.Unresolved[0].Unknown != outreach.UnknownSuccessor || h.Unresolved[0].Date != "2024-12-01" ||
			h.Unresolved[0].Unit.Code != "05704" || h.Unresolved[0].Reason == "" {
			t.Errorf("unresolved of 05704: %+v", h.Unresolved)
		}
		var n int
		if err := s.DB().QueryRowContext(ctx, `SELECT count(*) FROM unit_unresolved`).Scan(&n); err != nil || n != 379 {
			t.Errorf("%d unresolved changes (%v), want 379", n, err)
		}
		if err := s.DB().QueryRowContext(ctx, `SELECT count(*) FROM unit_changes WHERE uncertain`).Scan(&n); err != nil || n != 1185 {
			t.Errorf("%d uncertain links (%v), want 1,185", n, err)
		}
	})
}

// A commune retired without a known successor still counts in its
// district and province: its records are passed up to its nearest
// ancestor in force (its census figures are not: the ancestor has its
// own).
func TestUnresolvedCommuneCountsInProvince(t *testing.T) {
	s := storetest.OpenSQLite(t)
	seeded(t, s)
	old := versionOf(t, s, "05704", "2024-11-30") // Xã Tân Lợi, retired 2024-12-01
	province := versionOf(t, s, strings.Split(old.Path, "/")[1], "2025-06-30")
	next, err := s.Successors(ctx, province.ID)
	if err != nil || len(next) != 1 {
		t.Fatalf("successors of %s: %v %v", province.Code, next, err)
	}
	for _, c := range []struct{ asOf, into string }{
		{"2025-03-01", province.Path + "/" + old.ParentCode}, // its district
		{"2025-12-31", next[0].New.Path},                     // the province its province became part of
	} {
		ws, err := store.CarriedTo(s, c.asOf, old.ID, true)
		if err != nil {
			t.Fatal(err)
		}
		sum := 0.0
		for id, w := range ws {
			sum += w
			var path string
			if err := s.DB().QueryRowContext(ctx, `SELECT path FROM units WHERE id = $1`, id).Scan(&path); err != nil {
				t.Fatal(err)
			}
			if path != c.into {
				t.Errorf("%s: carried to %s, not to %s", c.asOf, path, c.into)
			}
		}
		if math.Abs(sum-1) > 1e-9 {
			t.Errorf("%s: records of 05704 carried %v, want all of them", c.asOf, ws)
		}
		if ws, _ := store.CarriedTo(s, c.asOf, old.ID, false); len(ws) != 0 {
			t.Errorf("%s: census figures of 05704 carried to %v", c.asOf, ws)
		}
	}
}

// A later resolution comes as a units file and a changes file: here two
// of Bắc Kạn's 2025 wards merged on 2026-07-01 (made up). The new tree
// has one ward fewer, and what the plan recorded in both counts in the
// new one.
func TestLaterResolution(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		seeded(t, s)
		for _, a := range []struct {
			unit  string
			total int64
		}{{"01834", 100}, {"01837", 200}} { // → 01840 Đức Xuân, 01843 Bắc Kạn in 2025
			act := sampleActivity()
			act.StartDate, act.EndDate, act.Units, act.Audience = "2019-05-10", "2019-05-10", []string{a.unit}, outreach.Audience{Total: n64(a.total)}
			if _, err := s.CreateActivity(ctx, system, act); err != nil {
				t.Fatal(err)
			}
		}
		reach := func(unit, asOf string) outreach.Indicator {
			t.Helper()
			set, err := s.Indicators(ctx, store.IndicatorQuery{Plan: "bk-1368-2017", Year: 2019, Unit: unit, AsOf: asOf})
			if err != nil {
				t.Fatal(err)
			}
			return indicator(t, set, "II.2.3/everyone")
		}
		a, b, province := reach("01840", "2025-12-31"), reach("01843", "2025-12-31"), reach("", "2025-12-31")
		if a.Numerator != 100 || b.Numerator != 200 {
			t.Fatalf("before: %s, %s", a, b)
		}

		_, units, err := unitfile.Parse("units-2026.csv", []byte("code,name,type,level,parent_code,valid_from,valid_to\n"+
			"01840,Phường Đức Xuân,phuong,3,19,2025-07-01,2026-07-01\n"+
			"01843,Phường Bắc Kạn,phuong,3,19,2025-07-01,2026-07-01\n"+
			"01840,Phường Bắc Kạn,phuong,3,19,2026-07-01,\n"))
		if err != nil {
			t.Fatal(err)
		}
		_, changes, err := unitfile.Parse("changes-2026.csv", []byte("date,kind,old_code,new_code,portion,basis,note\n"+
			"2026-07-01,merged_kept_code,01840,01840,full,NQ 9999/NQ-UBTVQH16 (thử),\n"+
			"2026-07-01,merged_into,01843,01840,full,NQ 9999/NQ-UBTVQH16 (thử),\n"))
		if err != nil {
			t.Fatal(err)
		}
		units.Merge(changes)
		res, err := s.ImportUnits(ctx, system, units)
		if err != nil {
			t.Fatal(err)
		}
		if res.UnitsAdded != 1 || res.UnitsUpdated != 2 || res.ChangesAdded != 2 {
			t.Errorf("import: %+v", res)
		}
		if res, err := s.ImportUnits(ctx, system, units); err != nil || res.Changed() {
			t.Errorf("the same files again: %+v %v", res, err)
		}

		for date, want := range map[string]int{"2026-06-30": 3321, "2026-07-01": 3320} {
			us, err := s.UnitsAsOf(ctx, date)
			if err != nil {
				t.Fatal(err)
			}
			if n := countBy(us, func(u outreach.Unit) bool { return u.IsCommune() }); n != want {
				t.Errorf("%s: %d communes, want %d", date, n, want)
			}
		}
		sub, err := s.Subtree(ctx, "19", "2026-07-01")
		if err != nil {
			t.Fatal(err)
		}
		if len(sub) != 92 {
			t.Errorf("Thái Nguyên on 2026-07-01: %d units, want 92", len(sub))
		}
		h, err := s.UnitHistory(ctx, "01843")
		if err != nil {
			t.Fatal(err)
		}
		found := false
		for _, c := range h.Changes {
			found = found || c.Date == "2026-07-01" && c.New != nil && c.New.Name == "Phường Bắc Kạn" && c.New.ValidFrom == "2026-07-01" && !c.Uncertain
		}
		if !found {
			t.Errorf("history of 01843: %+v", h.Changes)
		}

		// On the 2026 tree the new ward holds both wards' records and
		// people; the province's figures do not move.
		merged := reach("01840", "2026-12-31")
		if !near(merged.Numerator, 300) || !near(merged.Denominator, a.Denominator+b.Denominator) {
			t.Errorf("merged ward: %s, want %v over %v", merged, 300.0, a.Denominator+b.Denominator)
		}
		if p := reach("", "2026-12-31"); !near(p.Numerator, province.Numerator) || !near(p.Denominator, province.Denominator) {
			t.Errorf("province on the 2026 tree: %s, on the 2025 tree %s", p, province)
		}
		if _, err := s.Indicators(ctx, store.IndicatorQuery{Plan: "bk-1368-2017", Year: 2019, Unit: "01843", AsOf: "2026-12-31"}); err == nil {
			t.Error("01843 is not in force on 2026-12-31")
		}
	})
}

// A changes file without the confidence columns leaves the links'
// confidence as the register has it; one with them sets it.
func TestImportKeepsConfidence(t *testing.T) {
	s := storetest.OpenSQLite(t)
	seeded(t, s)
	link := func() outreach.UnitChange {
		t.Helper()
		h, err := s.UnitHistory(ctx, "07732")
		if err != nil {
			t.Fatal(err)
		}
		for _, c := range h.Changes {
			if c.Date == "2025-07-01" && c.Old.Code == "07732" {
				return c
			}
		}
		t.Fatal("no link out of 07732")
		return outreach.UnitChange{}
	}
	before := link()
	for _, c := range []struct {
		file       string
		confidence string
		uncertain  bool
	}{
		{"date,kind,old_code,new_code,portion,basis,note\n2025-07-01,merged_into,07732,07210,full,NQ 1679/NQ-UBTVQH15 (16/06/2025),đã kiểm tra\n", before.Confidence, true},
		{"date,kind,old_code,new_code,portion,basis,note,share,confidence,uncertain\n2025-07-01,merged_into,07732,07210,full,NQ 1679/NQ-UBTVQH15 (16/06/2025),đã kiểm tra,,verified,\n", "verified", false},
	} {
		_, d, err := unitfile.Parse("c.csv", []byte(c.file))
		if err != nil {
			t.Fatal(err)
		}
		if _, err := s.ImportUnits(ctx, system, d); err != nil {
			t.Fatal(err)
		}
		if got := link(); got.Note != "đã kiểm tra" || got.Confidence != c.confidence || got.Uncertain != c.uncertain {
			t.Errorf("after %q: %+v", c.file, got)
		}
	}
}
