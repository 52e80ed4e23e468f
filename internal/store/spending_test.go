package store_test

import (
	"errors"
	"fmt"
	"testing"

	"outreach/internal/outreach"
	"outreach/internal/store"
	"outreach/internal/store/storetest"
)

// activityCount counts the activities of the plan, the bin included.
func activityCount(t *testing.T, s *store.Store) int {
	t.Helper()
	var n int
	if err := s.DB().QueryRowContext(ctx, `SELECT count(*) FROM activities`).Scan(&n); err != nil {
		t.Fatal(err)
	}
	return n
}

// TestUnitReporterSpendingEveryPath is the security finding: a unit
// reporter recorded spending in another agency's name through the paths
// that create (CreateActivity, the import) although UpdateActivity
// refused it. The rule must hold on every path that writes: create,
// import (its check and the import itself), update and delete.
func TestUnitReporterSpendingEveryPath(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		seeded(t, s)
		as := actors(t, s)
		// Na Rì's reporter (district 066) acts for UBND huyện Na Rì
		// (bk-ubnd-066), not for the provincial police.
		police := sampleActivity() // in two communes of Na Rì, 15,000,000 đ of the state budget
		free := police
		free.Cost, free.FundingSource = 0, ""
		fundingOnly := free
		fundingOnly.FundingSource = "vien-tro"
		district := police
		district.Agency, district.Task = "bk-ubnd-066", ""
		// What the outside test did: Đức Xuân's reporter recorded 900
		// billion đ of international aid for the police in a ward it absorbed.
		aid := free
		aid.Units, aid.Cost, aid.FundingSource = []string{"01834"}, 900_000_000_000, "vien-tro"

		refused := func(what string, err error) {
			t.Helper()
			if !errors.Is(err, outreach.ErrForbidden) {
				t.Errorf("%s: %v, want forbidden", what, err)
			}
		}
		allowed := func(what string, err error) {
			t.Helper()
			if err != nil {
				t.Errorf("%s: %v", what, err)
			}
		}

		// Create.
		before := activityCount(t, s)
		_, err := s.CreateActivity(ctx, as["narI"], police)
		refused("Na Rì records the police's cost", err)
		_, err = s.CreateActivity(ctx, as["narI"], fundingOnly)
		refused("Na Rì records the police's funding source", err)
		_, err = s.CreateActivity(ctx, as["ducxuan"], aid)
		refused("Đức Xuân records 900 billion đ of aid for the police", err)
		if n := activityCount(t, s); n != before {
			t.Errorf("refused creations wrote %d activities", n-before)
		}
		freeID, err := s.CreateActivity(ctx, as["narI"], free)
		allowed("Na Rì records a police activity without its cost", err)
		districtID, err := s.CreateActivity(ctx, as["narI"], district)
		allowed("Na Rì records its district committee's cost", err)
		_, err = s.CreateActivity(ctx, as["ducxuan"], district)
		refused("Đức Xuân records in Na Rì", err)

		// Import: the check (the preview) and the import refuse the rows
		// naming their lines, and write nothing.
		rows := func(acts ...outreach.Activity) []store.ActivityRow {
			var out []store.ActivityRow
			for i, a := range acts {
				a.Title = fmt.Sprintf("%s (dòng %d)", a.Title, i+2)
				out = append(out, store.ActivityRow{Line: i + 2, Activity: a})
			}
			return out
		}
		before = activityCount(t, s)
		file := store.ImportFile{Name: "hd.csv", SHA256: "spending"}
		bad := rows(free, police, district, fundingOnly)
		for name, err := range map[string]error{
			"CheckActivities":  s.CheckActivities(ctx, as["narI"], "bk-1368-2017", file, rows(free, police, district, fundingOnly)),
			"ImportActivities": func() error { _, err := s.ImportActivities(ctx, as["narI"], "bk-1368-2017", file, bad); return err }(),
		} {
			var v *outreach.ValidationError
			if !errors.As(err, &v) || len(v.Problems) != 2 {
				t.Errorf("%s with the police's cost on lines 3 and 5: %v", name, err)
				continue
			}
			for i, want := range []struct{ pos, field string }{{"hd.csv:3", "cost"}, {"hd.csv:5", "funding_source"}} {
				if p := v.Problems[i]; p.Position != want.pos || p.Field != want.field || p.Code != outreach.ProbForbidden {
					t.Errorf("%s: problem %d = %+v, want %s [%s] forbidden", name, i, p, want.pos, want.field)
				}
			}
		}
		if n := activityCount(t, s); n != before {
			t.Errorf("a refused import wrote %d activities", n-before)
		}
		_, err = s.ImportActivities(ctx, as["ducxuan"], "bk-1368-2017", store.ImportFile{Name: "aid.csv", SHA256: "aid"}, rows(aid))
		if v := (*outreach.ValidationError)(nil); !errors.As(err, &v) || v.Problems[0].Position != "aid.csv:2" || v.Problems[0].Code != outreach.ProbForbidden {
			t.Errorf("Đức Xuân imports 900 billion đ of aid for the police: %v", err)
		}
		if _, err := s.ImportActivities(ctx, as["narI"], "bk-1368-2017", store.ImportFile{Name: "ok.csv", SHA256: "ok"}, rows(free, district)); err != nil {
			t.Errorf("Na Rì imports a police activity without cost and its committee's cost: %v", err)
		}

		// Update: corrections that leave the spending as it is pass; the
		// police's spending may be neither added, changed, moved to
		// another year nor taken away; the committee's may.
		costly, err := s.CreateActivity(ctx, as["police"], police)
		if err != nil {
			t.Fatal(err)
		}
		edit := func(id int64, a outreach.Activity, change func(*outreach.Activity)) outreach.Activity {
			a.ID = id
			change(&a)
			return a
		}
		allowed("Na Rì retitles the police's costly activity", s.UpdateActivity(ctx, as["narI"], edit(costly, police, func(a *outreach.Activity) { a.Title = "Tên đã sửa" })))
		refused("Na Rì changes the police's cost", s.UpdateActivity(ctx, as["narI"], edit(costly, police, func(a *outreach.Activity) { a.Cost = 1 })))
		refused("Na Rì clears the police's cost", s.UpdateActivity(ctx, as["narI"], edit(costly, police, func(a *outreach.Activity) { a.Cost, a.FundingSource = 0, "" })))
		refused("Na Rì moves the police's spending to 2019", s.UpdateActivity(ctx, as["narI"], edit(costly, police, func(a *outreach.Activity) {
			a.StartDate, a.EndDate = "2019-05-10", "2019-05-11"
		})))
		refused("Na Rì adds a cost to the police's activity", s.UpdateActivity(ctx, as["narI"], edit(freeID, free, func(a *outreach.Activity) { a.Cost, a.FundingSource = 5, "ngan-sach" })))
		refused("Na Rì moves the police's activity to its committee", s.UpdateActivity(ctx, as["narI"], edit(freeID, free, func(a *outreach.Activity) { a.Agency, a.Task = "bk-ubnd-066", "" })))
		refused("Na Rì moves its committee's activity to the police", s.UpdateActivity(ctx, as["narI"], edit(districtID, district, func(a *outreach.Activity) { a.Agency = "bk-ca" })))
		allowed("Na Rì changes its committee's cost", s.UpdateActivity(ctx, as["narI"], edit(districtID, district, func(a *outreach.Activity) { a.Cost = 20_000_000 })))
		allowed("the police changes its cost", s.UpdateActivity(ctx, as["police"], edit(costly, police, func(a *outreach.Activity) { a.Cost = 16_000_000 })))

		// Delete: taking the police's spending away is changing it.
		refused("Na Rì deletes the police's costly activity", s.DeleteActivity(ctx, as["narI"], costly))
		allowed("Na Rì deletes a police activity without cost", s.DeleteActivity(ctx, as["narI"], freeID))
		allowed("Na Rì deletes its committee's costly activity", s.DeleteActivity(ctx, as["narI"], districtID))
	})
}

// TestUnitReporterModelAgency: a unit reporter registers models in its
// communes under any agency of the plan, but moves a model from one
// agency to another only when it acts for both, as with activities.
func TestUnitReporterModelAgency(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		seeded(t, s)
		as := actors(t, s)
		m := outreach.PreventionModel{Plan: "bk-1368-2017", Unit: "02155", Agency: "bk-ca", Name: "Câu lạc bộ phòng, chống mua bán người", EstablishedOn: "2018-05-01"}
		id, err := s.CreateModel(ctx, as["narI"], m)
		if err != nil {
			t.Fatalf("Na Rì registers a police model in its commune: %v", err)
		}
		m.ID = id
		for _, c := range []struct {
			who, agency string
			want        error
		}{
			{"narI", "bk-hlhpn", outreach.ErrForbidden},    // neither is Na Rì's
			{"narI", "bk-ubnd-066", outreach.ErrForbidden}, // the police's is not
			{"police", "bk-hlhpn", outreach.ErrForbidden},
			{"narI", "bk-ca", nil}, // a status, the agency unchanged
			{"coord", "bk-ubnd-066", nil},
			{"narI", "bk-ca", outreach.ErrForbidden}, // its committee's to the police
		} {
			mm := m
			mm.Agency = c.agency
			mm.Statuses = []outreach.ModelStatus{{Since: "2019-09-01", Status: outreach.ModelInactive}}
			err := s.UpdateModel(ctx, as[c.who], mm)
			if !errors.Is(err, c.want) || (c.want == nil && err != nil) {
				t.Errorf("%s moves the model from %s to %s: %v, want %v", c.who, m.Agency, c.agency, err, c.want)
			}
			if err == nil {
				m.Agency = c.agency
			}
		}
		m.Agency = "bk-ubnd-066"
		m.Name = "Tổ tự quản"
		if err := s.UpdateModel(ctx, as["narI"], m); err != nil {
			t.Errorf("Na Rì renames its committee's model: %v", err)
		}
	})
}

// TestActorActsFor: a unit reporter acts for the agencies based in their
// units (agencies.unit_code at one of their units or below), whichever
// way they come in: a login, a session or an API token.
func TestActorActsFor(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		seeded(t, s)
		as := actors(t, s)
		if _, err := s.CreateUser(ctx, system, store.NewUser{Username: "pacnam", Name: "UBND huyện Pác Nặm", Role: outreach.RoleUnitReporter, UnitCode: "060", Password: "mật khẩu đủ dài"}); err != nil {
			t.Fatal(err)
		}
		agency := map[string]int64{}
		for _, code := range []string{"bk-ca", "bk-hlhpn", "bk-ubnd-058", "bk-ubnd-060", "bk-ubnd-066"} {
			var id int64
			if err := s.DB().QueryRowContext(ctx, `SELECT id FROM agencies WHERE code = $1`, code).Scan(&id); err != nil {
				t.Fatal(err)
			}
			agency[code] = id
		}
		for who, want := range map[string][]string{
			"narI":    {"bk-ubnd-066"},
			"pacnam":  {"bk-ubnd-060"},
			"ducxuan": nil, // a ward of Bắc Kạn city: the city's committee is above it
			"police":  {"bk-ca"},
			"union":   {"bk-hlhpn"},
			"viewer":  nil,
			"coord":   {"bk-ca", "bk-hlhpn", "bk-ubnd-058", "bk-ubnd-060", "bk-ubnd-066"},
		} {
			_, login, err := s.Authenticate(ctx, who, "mật khẩu đủ dài")
			if err != nil {
				t.Fatal(err)
			}
			session, err := s.CreateSession(ctx, login.UserID)
			if err != nil {
				t.Fatal(err)
			}
			_, bySession, err := s.SessionUser(ctx, session)
			if err != nil {
				t.Fatal(err)
			}
			token, err := s.CreateToken(ctx, system, login.Username, "thử")
			if err != nil {
				t.Fatal(err)
			}
			_, byToken, err := s.TokenUser(ctx, token)
			if err != nil {
				t.Fatal(err)
			}
			for way, a := range map[string]outreach.Actor{"login": login, "session": bySession, "token": byToken, "actors": as[who]} {
				if who == "pacnam" && way == "actors" {
					continue
				}
				var got []string
				for _, code := range []string{"bk-ca", "bk-hlhpn", "bk-ubnd-058", "bk-ubnd-060", "bk-ubnd-066"} {
					if a.ActsFor(agency[code]) {
						got = append(got, code)
					}
				}
				if fmt.Sprint(got) != fmt.Sprint(want) {
					t.Errorf("%s (%s) acts for %v, want %v", who, way, got, want)
				}
			}
		}
	})
}
