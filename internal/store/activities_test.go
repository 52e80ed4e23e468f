package store_test

import (
	"errors"
	"slices"
	"strings"
	"testing"

	"outreach/internal/outreach"
	"outreach/internal/store"
	"outreach/internal/store/storetest"
)

func n64(n int64) *int64 { return &n }

// actors creates one user per role and returns their actors.
func actors(t *testing.T, s *store.Store) map[string]outreach.Actor {
	t.Helper()
	out := map[string]outreach.Actor{"system": system}
	for _, u := range []store.NewUser{
		{Username: "coord", Role: outreach.RoleCoordinator},
		{Username: "police", Role: outreach.RoleAgencyReporter, AgencyCode: "bk-ca"},
		{Username: "union", Role: outreach.RoleAgencyReporter, AgencyCode: "bk-hlhpn"},
		{Username: "narI", Role: outreach.RoleUnitReporter, UnitCode: "066"},
		{Username: "ducxuan", Role: outreach.RoleUnitReporter, UnitCode: "01840"},
		{Username: "viewer", Role: outreach.RoleViewer},
	} {
		u.Name, u.Password = u.Username, "mật khẩu đủ dài"
		if _, err := s.CreateUser(ctx, system, u); err != nil {
			t.Fatal(err)
		}
		_, a, err := s.Authenticate(ctx, u.Username, u.Password)
		if err != nil {
			t.Fatal(err)
		}
		out[u.Username] = a
	}
	return out
}

func sampleActivity() outreach.Activity {
	return outreach.Activity{
		Plan: "bk-1368-2017", Agency: "bk-ca", Task: "V.3.2", Channel: "IV.5", Themes: []string{"III.3", "III.4"},
		Title: "Tập huấn phòng, chống mua bán người cho cán bộ, chiến sỹ", Description: "Hội trường Công an tỉnh",
		StartDate: "2018-05-10", EndDate: "2018-05-11", Units: []string{"02155", "02152"},
		Quantities: []outreach.ActivityQuantity{{Kind: "sessions", Value: 2}, {Kind: "participants", Value: 120}},
		Audience:   outreach.Audience{Total: n64(120), Women: n64(30), Men: n64(90), EthnicMinority: n64(100)},
		Cost:       15_000_000, FundingSource: "ngan-sach", Links: []string{"https://congan.backan.gov.vn/tin/1"},
	}
}

func TestActivityLifecycle(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		seeded(t, s)
		as := actors(t, s)
		id, err := s.CreateActivity(ctx, as["police"], sampleActivity())
		if err != nil {
			t.Fatal(err)
		}
		a, err := s.Activity(ctx, as["viewer"], id)
		if err != nil {
			t.Fatal(err)
		}
		if a.AgencyName != "Công an tỉnh" || a.TaskText == "" || len(a.Themes) != 2 || len(a.Units) != 2 || a.UnitNames["02155"] != "Xã Lương Hạ" ||
			len(a.Quantities) != 2 || *a.Audience.Women != 30 || a.Audience.Children1416 != nil || a.CreatedBy != "police" || a.Cost != 15_000_000 {
			t.Errorf("stored activity = %+v", a)
		}
		b := a.Activity
		b.Title = "Tập huấn (sửa)"
		b.Units = []string{"02155"}
		if err := s.UpdateActivity(ctx, as["police"], b); err != nil {
			t.Fatal(err)
		}
		if err := s.UpdateActivity(ctx, as["union"], b); !errors.Is(err, outreach.ErrForbidden) {
			t.Errorf("another agency's reporter edits: %v", err)
		}
		if err := s.DeleteActivity(ctx, as["viewer"], id); !errors.Is(err, outreach.ErrForbidden) {
			t.Errorf("viewer deletes: %v", err)
		}
		if err := s.DeleteActivity(ctx, as["police"], id); err != nil {
			t.Fatal(err)
		}
		if _, err := s.Activity(ctx, as["police"], id); !errors.Is(err, outreach.ErrNotFound) {
			t.Errorf("a deleted activity is still visible to its reporter: %v", err)
		}
		if err := s.RestoreActivity(ctx, as["police"], id); !errors.Is(err, outreach.ErrForbidden) {
			t.Errorf("a reporter restores: %v", err)
		}
		if err := s.RestoreActivity(ctx, as["coord"], id); err != nil {
			t.Fatal(err)
		}
		h, err := s.ActivityHistory(ctx, as["viewer"], id)
		if err != nil {
			t.Fatal(err)
		}
		var acts []string
		for _, e := range h {
			acts = append(acts, e.Action+" by "+e.Actor)
		}
		if strings.Join(acts, ", ") != "create by police, update by police, delete by police, restore by coord" {
			t.Errorf("history = %v", acts)
		}
		if !strings.Contains(h[1].Before, "Tập huấn phòng") || !strings.Contains(h[1].After, "Tập huấn (sửa)") {
			t.Errorf("update row lacks before/after: %+v", h[1])
		}
	})
}

func TestActivityValidation(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		seeded(t, s)
		as := actors(t, s)
		cases := map[string]struct {
			edit  func(a *outreach.Activity)
			field string
		}{
			"no title":         {func(a *outreach.Activity) { a.Title = " " }, "title"},
			"end before start": {func(a *outreach.Activity) { a.EndDate = "2018-05-01" }, "end_date"},
			"bad date":         {func(a *outreach.Activity) { a.StartDate = "10/05/2018" }, "start_date"},
			"outside the plan": {func(a *outreach.Activity) { a.StartDate, a.EndDate = "2022-01-01", "2022-01-01" }, "start_date"},
			"unknown channel":  {func(a *outreach.Activity) { a.Channel = "IV.9" }, "channel"},
			"unknown theme":    {func(a *outreach.Activity) { a.Themes = []string{"III.9"} }, "themes"},
			"unknown task":     {func(a *outreach.Activity) { a.Task = "V.11.1" }, "task"},
			"group agency":     {func(a *outreach.Activity) { a.Agency = "bk-bao-chi" }, "agency"},
			"commune merged away": {func(a *outreach.Activity) {
				a.StartDate, a.EndDate = "2020-03-01", "2020-03-01"
				a.Units = []string{"01903"}
			}, "units"},
			"no place":            {func(a *outreach.Activity) { a.Units = nil }, "units"},
			"place and province":  {func(a *outreach.Activity) { a.WholeProvince = true }, "units"},
			"women exceed total":  {func(a *outreach.Activity) { a.Audience.Women = n64(200) }, "audience.women"},
			"negative quantity":   {func(a *outreach.Activity) { a.Quantities[0].Value = -1 }, "quantities[0].value"},
			"unknown quantity":    {func(a *outreach.Activity) { a.Quantities[0].Kind = "hugs" }, "quantities[0].kind"},
			"cost without source": {func(a *outreach.Activity) { a.FundingSource = "" }, "funding_source"},
			"unknown source":      {func(a *outreach.Activity) { a.FundingSource = "bank" }, "funding_source"},
			"bad link":            {func(a *outreach.Activity) { a.Links = []string{"javascript:alert(1)"} }, "links[0]"},
		}
		for name, c := range cases {
			a := sampleActivity()
			c.edit(&a)
			_, err := s.CreateActivity(ctx, as["coord"], a)
			var v *outreach.ValidationError
			if !errors.As(err, &v) {
				t.Errorf("%s: err = %v", name, err)
				continue
			}
			found := false
			for _, p := range v.Problems {
				found = found || p.Field == c.field
			}
			if !found {
				t.Errorf("%s: problems %v, want one on %s", name, v.Problems, c.field)
			}
		}
		page, _ := s.Activities(ctx, as["coord"], store.ActivityFilter{})
		if page.Total != 0 {
			t.Errorf("refused activities were written: %d", page.Total)
		}
	})
}

func TestActivityScoping(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		seeded(t, s)
		as := actors(t, s)
		police := sampleActivity() // in Na Rì (066)
		union := sampleActivity()
		union.Agency, union.Task, union.Units = "bk-hlhpn", "V.2.1", []string{"01840"} // Phường Đức Xuân, Bắc Kạn city
		union.Title = "Hội nghị tập huấn Hội phụ nữ phường Đức Xuân"
		province := sampleActivity()
		province.Agency, province.Task, province.Channel, province.Units, province.WholeProvince = "bk-dptth", "", "IV.1", nil, true
		province.Title = "Phóng sự truyền hình về đường dây nóng"

		// Who may write what. A unit reporter records other agencies'
		// activities in their communes without their cost
		// (TestUnitReporterSpendingEveryPath).
		free := func(a outreach.Activity) outreach.Activity {
			a.Cost, a.FundingSource = 0, ""
			return a
		}
		for _, c := range []struct {
			who  string
			a    outreach.Activity
			want bool
		}{
			{"police", police, true}, {"police", union, false}, {"union", union, true}, {"viewer", union, false},
			{"narI", free(police), true}, {"narI", police, false}, {"narI", union, false}, {"ducxuan", free(union), true}, {"ducxuan", province, false},
			{"coord", province, true},
		} {
			_, err := s.CreateActivity(ctx, as[c.who], c.a)
			if (err == nil) != c.want || (!c.want && !errors.Is(err, outreach.ErrForbidden)) {
				t.Errorf("%s creates %q: %v", c.who, c.a.Title, err)
			}
		}
		// Who sees what: police 2 (its own + narI's for the police), union 2,
		// Na Rì 2, Đức Xuân 2, viewer and coordinator all 5.
		for who, want := range map[string]int{"police": 2, "union": 2, "narI": 2, "ducxuan": 2, "viewer": 5, "coord": 5} {
			page, err := s.Activities(ctx, as[who], store.ActivityFilter{Plan: "bk-1368-2017"})
			if err != nil || page.Total != want || len(page.Items) != want {
				t.Errorf("%s sees %d (%d items), want %d: %v", who, page.Total, len(page.Items), want, err)
			}
		}
		if _, err := s.Activities(ctx, as["police"], store.ActivityFilter{Deleted: true}); !errors.Is(err, outreach.ErrForbidden) {
			t.Errorf("a reporter lists the bin: %v", err)
		}
	})
}

func TestActivityFiltersAndSearch(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		seeded(t, s)
		as := actors(t, s)
		mk := func(title, agency, channel, theme, start string, units ...string) {
			a := sampleActivity()
			a.Title, a.Agency, a.Channel, a.Themes, a.StartDate, a.EndDate, a.Units, a.Task = title, agency, channel, []string{theme}, start, start, units, ""
			if _, err := s.CreateActivity(ctx, as["coord"], a); err != nil {
				t.Fatal(err)
			}
		}
		mk("Hội thi Tuyên truyền viên giỏi ở Đồng Phúc", "bk-hlhpn", "IV.4", "III.2", "2019-06-01", "01933")
		mk("Phát thanh về đường dây nóng", "bk-dptth", "IV.1", "III.4", "2019-07-30", "01840")
		mk("Treo băng rôn ngày 30/7", "bk-ubnd-066", "IV.3", "III.5", "2018-07-28", "02155")
		mk("Tập huấn kỹ năng cho Đoàn Thanh niên", "bk-stp", "IV.5", "III.3", "2020-03-15", "02155")
		for name, c := range map[string]struct {
			f    store.ActivityFilter
			want int
		}{
			"all":                         {store.ActivityFilter{}, 4},
			"agency":                      {store.ActivityFilter{Agency: "bk-hlhpn"}, 1},
			"channel":                     {store.ActivityFilter{Channel: "IV.1"}, 1},
			"theme":                       {store.ActivityFilter{Theme: "III.5"}, 1},
			"district subtree":            {store.ActivityFilter{Unit: "066"}, 2},
			"2020 successor code":         {store.ActivityFilter{Unit: "02155"}, 2},
			"year 2019":                   {store.ActivityFilter{From: "2019-01-01", To: "2019-12-31"}, 2},
			"search without diacritics":   {store.ActivityFilter{Q: "duong day nong"}, 1},
			"search đ as d, mixed case":   {store.ActivityFilter{Q: "DONG phuc"}, 1},
			"search several words":        {store.ActivityFilter{Q: "tap huan doan"}, 1},
			"search with a LIKE wildcard": {store.ActivityFilter{Q: "%"}, 0},
		} {
			page, err := s.Activities(ctx, as["viewer"], c.f)
			if err != nil || page.Total != c.want {
				t.Errorf("%s: %d, want %d (%v)", name, page.Total, c.want, err)
			}
		}
		page, _ := s.Activities(ctx, as["viewer"], store.ActivityFilter{Sort: "date", Limit: 2, Offset: 1})
		if page.Total != 4 || len(page.Items) != 2 || page.Items[0].StartDate != "2019-06-01" {
			t.Errorf("sorted page = total %d, %d items, first %s", page.Total, len(page.Items), page.Items[0].StartDate)
		}
		if _, err := s.Activities(ctx, as["viewer"], store.ActivityFilter{From: "01/01/2019"}); !errors.Is(err, outreach.ErrInvalid) {
			t.Errorf("bad from date: %v", err)
		}
	})
}

// An activity is resolved against the plan before its transaction takes
// the write lock; a plan imported in between must not let a now-invalid
// activity through, and must not stop a valid one.
func TestActivityResolvedAgainAfterPlanChange(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		seeded(t, s)
		p, err := s.Plan(ctx, "bk-1368-2017")
		if err != nil {
			t.Fatal(err)
		}
		// The plan without its channel IV.4 (and the tasks' mentions of it).
		without := *p
		without.Channels = nil
		for _, c := range p.Channels {
			if c.Code != "IV.4" {
				without.Channels = append(without.Channels, c)
			}
		}
		without.Tasks = nil
		for _, task := range p.Tasks {
			task.Channels = slices.DeleteFunc(slices.Clone(task.Channels), func(c string) bool { return c == "IV.4" })
			without.Tasks = append(without.Tasks, task)
		}
		store.SetAfterResolve(s, func() {
			store.SetAfterResolve(s, nil)
			if _, err := s.ImportPlan(ctx, system, &without); err != nil {
				t.Errorf("import the plan without IV.4: %v", err)
			}
		})
		a := outreach.Activity{Plan: "bk-1368-2017", Agency: "bk-hlhpn", Channel: "IV.4", Title: "Hội nghị", StartDate: "2019-05-02", EndDate: "2019-05-02", WholeProvince: true}
		if _, err := s.CreateActivity(ctx, system, a); !errors.Is(err, outreach.ErrInvalid) {
			t.Fatalf("an activity through channel IV.4, removed meanwhile: %v, want it refused", err)
		}
		// IV.4 back; the plan imported again in between (its rows may be
		// written anew): the activity goes in, through IV.4.
		if _, err := s.ImportPlan(ctx, system, p); err != nil {
			t.Fatal(err)
		}
		store.SetAfterResolve(s, func() {
			store.SetAfterResolve(s, nil)
			if _, err := s.ImportPlan(ctx, system, p); err != nil {
				t.Errorf("import the plan again: %v", err)
			}
		})
		id, err := s.CreateActivity(ctx, system, a)
		if err != nil {
			t.Fatal(err)
		}
		if v, err := s.Activity(ctx, system, id); err != nil || v.Channel != "IV.4" {
			t.Fatalf("Activity(%d) = %+v, %v", id, v, err)
		}
	})
}
