package store_test

import (
	"context"
	"errors"
	"io"
	"reflect"
	"strings"
	"testing"

	"outreach/internal/outreach"
	"outreach/internal/planfile"
	"outreach/internal/setup"
	"outreach/internal/store"
	"outreach/internal/store/storetest"
	"outreach/internal/unitfile"
)

var (
	ctx    = context.Background()
	system = outreach.SystemActor("test")
)

// seeded returns a store holding the built-in units and plan.
func seeded(t *testing.T, s *store.Store) {
	t.Helper()
	if _, _, err := setup.Seed(ctx, s, system); err != nil {
		t.Fatal(err)
	}
}

func TestPlaceholders(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		var a, b string
		if err := s.DB().QueryRowContext(ctx, `SELECT $2, $1`, "first", "second").Scan(&a, &b); err != nil {
			t.Fatal(err)
		}
		if a != "second" || b != "first" {
			t.Fatalf("$2, $1 = %q, %q", a, b)
		}
	})
}

func countBy(us []outreach.Unit, keep func(outreach.Unit) bool) int {
	n := 0
	for _, u := range us {
		if keep(u) {
			n++
		}
	}
	return n
}

func TestUnitsAsOf(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		seeded(t, s)
		// The country, as the national register's README counts it.
		for _, c := range []struct {
			date                           string
			provinces, districts, communes int
		}{{"2017-09-08", 63, 713, 11162}, {"2020-02-01", 63, 709, 10661}, {"2025-07-01", 34, 0, 3321}} {
			us, err := s.UnitsAsOf(ctx, c.date)
			if err != nil {
				t.Fatal(err)
			}
			p := countBy(us, func(u outreach.Unit) bool { return u.Level == outreach.LevelProvince })
			d := countBy(us, func(u outreach.Unit) bool { return u.Level == outreach.LevelDistrict })
			n := countBy(us, func(u outreach.Unit) bool { return u.Level == outreach.LevelCommune })
			if p != c.provinces || d != c.districts || n != c.communes {
				t.Errorf("%s: %d provinces, %d districts, %d communes; want %d, %d, %d", c.date, p, d, n, c.provinces, c.districts, c.communes)
			}
			for i := 1; i < len(us); i++ {
				if us[i-1].Path > us[i].Path {
					t.Fatalf("%s: not ordered as a tree at %s, %s", c.date, us[i-1].Path, us[i].Path)
				}
			}
		}
		// Bắc Kạn: the province's subtree, and from 2025 the communes of
		// Thái Nguyên formed from its communes.
		cases := []struct {
			date                        string
			communes, districts, xa     int
			province                    string
			communeParentsAreProvincial bool
		}{
			{"2017-09-08", 122, 8, 110, "06", false},
			{"2020-02-01", 108, 8, 96, "06", false},
			{"2025-06-30", 108, 8, 95, "06", false},
			{"2025-07-01", 37, 0, 35, "19", true},
		}
		for _, c := range cases {
			us, err := s.Subtree(ctx, c.province, c.date)
			if err != nil {
				t.Fatal(err)
			}
			if c.communeParentsAreProvincial {
				us = formedFrom(t, s, us, "VN/06/")
			}
			communes := countBy(us, func(u outreach.Unit) bool { return u.Level == outreach.LevelCommune })
			districts := countBy(us, func(u outreach.Unit) bool { return u.Level == outreach.LevelDistrict })
			xa := countBy(us, func(u outreach.Unit) bool { return u.Type == outreach.UnitXa })
			if communes != c.communes || districts != c.districts || xa != c.xa {
				t.Errorf("%s: %d communes (%d xã) under %d districts, want %d (%d) under %d", c.date, communes, xa, districts, c.communes, c.xa, c.districts)
			}
			if us[0].Code != c.province || us[0].Level != outreach.LevelProvince {
				t.Errorf("%s: want the province %s, got %s", c.date, c.province, us[0].Code)
			}
			if c.communeParentsAreProvincial {
				if n := countBy(us, func(u outreach.Unit) bool { return u.IsCommune() && u.ParentCode != "19" }); n != 0 {
					t.Errorf("%s: %d communes not directly under Thái Nguyên", c.date, n)
				}
			}
		}
		if _, err := s.UnitsAsOf(ctx, "2017-13-01"); !errors.Is(err, outreach.ErrInvalid) {
			t.Errorf("bad date: err = %v", err)
		}
	})
}

// formedFrom keeps the province and the communes with a predecessor under
// the path prefix.
func formedFrom(t *testing.T, s *store.Store, us []outreach.Unit, prefix string) []outreach.Unit {
	t.Helper()
	out := us[:1:1]
	for _, u := range us[1:] {
		cs, err := s.Predecessors(ctx, u.ID)
		if err != nil {
			t.Fatal(err)
		}
		for _, c := range cs {
			if strings.HasPrefix(c.Old.Path, prefix) {
				out = append(out, u)
				break
			}
		}
	}
	return out
}

func TestSubtree(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		seeded(t, s)
		// Huyện Na Rì (066): 22 communes in 2017, 17 after the 2020 merges.
		for date, want := range map[string]int{"2017-09-08": 22, "2020-02-01": 17} {
			us, err := s.Subtree(ctx, "066", date)
			if err != nil {
				t.Fatal(err)
			}
			if us[0].Code != "066" || len(us)-1 != want {
				t.Errorf("Na Rì on %s: root %s and %d below, want %d", date, us[0].Code, len(us)-1, want)
			}
		}
		us, err := s.Subtree(ctx, "19", "2026-01-01")
		if err != nil {
			t.Fatal(err)
		}
		if len(us) != 93 || len(formedFrom(t, s, us, "VN/06/")) != 38 {
			t.Errorf("Thái Nguyên: %d units, want 93 (its 92 communes, 37 of them formed from Bắc Kạn's)", len(us))
		}
		if _, err := s.Subtree(ctx, "066", "2025-07-01"); !errors.Is(err, outreach.ErrNotFound) {
			t.Errorf("district after 2025: err = %v, want not found", err)
		}
	})
}

func TestUnitHistory(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		seeded(t, s)
		// Xã Lương Hạ (02155) was split in 2020: part into the new Thị trấn
		// Yến Lạc, which took its code, part into Xã Cường Lợi; both went
		// into Xã Na Rì (02155) in 2025.
		h, err := s.UnitHistory(ctx, "02155")
		if err != nil {
			t.Fatal(err)
		}
		var names []string
		for _, v := range h.Versions {
			if v.Code == "02155" {
				names = append(names, v.Name)
			}
		}
		if want := []string{"Xã Lương Hạ", "Thị trấn Yến Lạc", "Xã Na Rì"}; !reflect.DeepEqual(names, want) {
			t.Errorf("versions of 02155 = %v, want %v", names, want)
		}
		partial := 0
		for _, c := range h.Changes {
			if c.Date == "2020-02-01" && c.Old.Name == "Xã Lương Hạ" && c.Portion == outreach.PortionPartial {
				partial++
			}
		}
		if partial != 2 {
			t.Errorf("Lương Hạ's partial splits = %d, want 2", partial)
		}
		// The lineage never turns round: Cao Trĩ's history reaches its 2025
		// commune but not the other communes merged into it.
		h, err = s.UnitHistory(ctx, "01903")
		if err != nil {
			t.Fatal(err)
		}
		var last outreach.Unit
		for _, v := range h.Versions {
			if v.ValidFrom >= last.ValidFrom {
				last = v
			}
		}
		if last.ValidFrom != "2025-07-01" || len(h.Versions) != 3 {
			t.Errorf("Cao Trĩ lineage = %+v", h.Versions)
		}
	})
}

func TestImportUnitsAllOrNothing(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		seeded(t, s)
		before, _ := s.UnitsAsOf(ctx, "2030-01-01")
		_, d, err := unitfile.Parse("new.csv", []byte("code,name,type,level,parent_code,valid_from,valid_to\n"+
			"99001,Xã Mới,xa,3,19,2030-01-01,\n"+
			"99002,Xã Lạc,xa,3,77,2030-01-01,\n"))
		if err != nil {
			t.Fatal(err)
		}
		_, err = s.ImportUnits(ctx, system, d)
		if !errors.Is(err, outreach.ErrInvalid) || !strings.Contains(err.Error(), "new.csv:3:parent_code") {
			t.Fatalf("err = %v, want a problem on new.csv:3:parent_code", err)
		}
		after, _ := s.UnitsAsOf(ctx, "2030-01-01")
		if len(after) != len(before) {
			t.Fatalf("a failed import added %d units", len(after)-len(before))
		}
		// The seed imported again changes nothing.
		d2, err := setup.SeedUnits()
		if err != nil {
			t.Fatal(err)
		}
		res, err := s.ImportUnits(ctx, system, d2)
		if err != nil {
			t.Fatal(err)
		}
		if res.UnitsAdded+res.UnitsUpdated+res.ChangesAdded+res.ChangesUpdated != 0 {
			t.Errorf("re-import changed %+v", res)
		}
	})
}

func TestPlanRoundTrip(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		seeded(t, s)
		builtin, err := planfile.Builtin()
		if err != nil {
			t.Fatal(err)
		}
		got, err := s.Plan(ctx, "bk-1368-2017")
		if err != nil {
			t.Fatal(err)
		}
		if !reflect.DeepEqual(got, builtin[0]) {
			a, _ := planfile.Marshal(got)
			b, _ := planfile.Marshal(builtin[0])
			t.Fatalf("stored plan differs from the file:\n%s", firstDiff(string(a), string(b)))
		}
		res, err := s.ImportPlan(ctx, system, got)
		if err != nil || res != store.PlanUnchanged {
			t.Fatalf("re-import = %v, %v; want unchanged", res, err)
		}
		ps, err := s.Plans(ctx)
		if err != nil || len(ps) != 1 || ps[0].Code != "bk-1368-2017" {
			t.Fatalf("plans = %v, %v", ps, err)
		}
	})
}

func firstDiff(a, b string) string {
	al, bl := strings.Split(a, "\n"), strings.Split(b, "\n")
	for i := range min(len(al), len(bl)) {
		if al[i] != bl[i] {
			return "stored: " + al[i] + "\nfile:   " + bl[i]
		}
	}
	return "lengths differ"
}

func TestPlanUpdate(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		seeded(t, s)
		p, err := s.Plan(ctx, "bk-1368-2017")
		if err != nil {
			t.Fatal(err)
		}
		p.Targets[0].Milestones[0].Value = 80
		p.Themes = append(p.Themes, outreach.Theme{Code: "III.6", Name: "Chủ đề mới", Text: "Nội dung mới"})
		if res, err := s.ImportPlan(ctx, system, p); err != nil || res != store.PlanUpdated {
			t.Fatalf("update = %v, %v", res, err)
		}
		q, err := s.Plan(ctx, "bk-1368-2017")
		if err != nil {
			t.Fatal(err)
		}
		if q.Targets[0].Milestones[0].Value != 80 || len(q.Themes) != 6 {
			t.Errorf("update not stored: %+v, %d themes", q.Targets[0].Milestones, len(q.Themes))
		}
		entries, _, err := s.AuditLog(ctx, system, 1, 0)
		if err != nil || len(entries) != 1 || entries[0].Action != "update" || !strings.Contains(entries[0].Before, `"value":75`) || !strings.Contains(entries[0].After, `"value":80`) {
			t.Errorf("audit = %+v, %v", entries, err)
		}

		// A record that refers to task V.2.2 (later issues add activities;
		// a stand-in table plays their part here).
		if _, err := s.DB().ExecContext(ctx, `CREATE TABLE task_refs (task_id BIGINT NOT NULL REFERENCES plan_tasks (id))`); err != nil {
			t.Fatal(err)
		}
		if _, err := s.DB().ExecContext(ctx, `INSERT INTO task_refs (task_id) SELECT id FROM plan_tasks WHERE clause = 'V.2.2'`); err != nil {
			t.Fatal(err)
		}
		var kept []outreach.Task
		for _, task := range q.Tasks {
			if task.Clause != "V.2.2" {
				kept = append(kept, task)
			}
		}
		q.Tasks = kept
		q.Title = "Changed title that must not be saved"
		_, err = s.ImportPlan(ctx, system, q)
		if !errors.Is(err, outreach.ErrConflict) || !strings.Contains(err.Error(), "task V.2.2") {
			t.Fatalf("dropping a referenced task: err = %v, want a conflict naming task V.2.2", err)
		}
		r, err := s.Plan(ctx, "bk-1368-2017")
		if err != nil {
			t.Fatal(err)
		}
		if r.Title == q.Title || len(r.Tasks) != 33 {
			t.Errorf("refused import left changes: title %q, %d tasks", r.Title, len(r.Tasks))
		}
	})
}

func TestPermissions(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		seeded(t, s)
		mk := func(username string, role outreach.Role, agency, unit string) outreach.Actor {
			t.Helper()
			if _, err := s.CreateUser(ctx, system, store.NewUser{Username: username, Name: username, Role: role, AgencyCode: agency, UnitCode: unit, Password: "mật khẩu đủ dài"}); err != nil {
				t.Fatal(err)
			}
			_, a, err := s.Authenticate(ctx, username, "mật khẩu đủ dài")
			if err != nil {
				t.Fatal(err)
			}
			return a
		}
		viewer := mk("viewer", outreach.RoleViewer, "", "")
		police := mk("police", outreach.RoleAgencyReporter, "bk-ca", "")
		coord := mk("coord", outreach.RoleCoordinator, "", "")
		commune := mk("commune", outreach.RoleUnitReporter, "", "01840")
		p, _ := s.Plan(ctx, "bk-1368-2017")

		cases := []struct {
			name  string
			err   error
			wantF bool
		}{
			{"viewer imports a plan", func() error { _, err := s.ImportPlan(ctx, viewer, p); return err }(), true},
			{"viewer marks a key area", s.SetKeyArea(ctx, viewer, p.Code, "01903", 2019, []string{outreach.ReasonHighRisk}, ""), true},
			{"viewer creates a user", func() error {
				_, err := s.CreateUser(ctx, viewer, store.NewUser{Username: "x", Name: "x", Role: outreach.RoleViewer, Password: "0123456789"})
				return err
			}(), true},
			{"viewer reads the audit log", func() error { _, _, err := s.AuditLog(ctx, viewer, 10, 0); return err }(), true},
			{"police changes the women's union's contact", s.UpdateContact(ctx, police, "bk-hlhpn", store.Contact{Name: "X"}), true},
			{"police changes its own contact", s.UpdateContact(ctx, police, "bk-ca", store.Contact{Name: "Đội tuyên truyền", Email: "ca@backan.gov.vn"}), false},
			{"commune reporter changes an agency's contact", s.UpdateContact(ctx, commune, "bk-ca", store.Contact{Name: "X"}), true},
			{"police imports a plan", func() error { _, err := s.ImportPlan(ctx, police, p); return err }(), true},
			{"coordinator marks a key area", s.SetKeyArea(ctx, coord, p.Code, "01903", 2019, []string{outreach.ReasonHighRisk, outreach.ReasonVictimsReturned}, "Giáp biên"), false},
			{"coordinator changes any contact", s.UpdateContact(ctx, coord, "bk-hlhpn", store.Contact{Phone: "0209 3870 000"}), false},
		}
		for _, c := range cases {
			if got := errors.Is(c.err, outreach.ErrForbidden); got != c.wantF || (!c.wantF && c.err != nil) {
				t.Errorf("%s: err = %v, want forbidden %v", c.name, c.err, c.wantF)
			}
		}
		a, err := s.Agency(ctx, "06", "bk-hlhpn")
		if err != nil || a.Contact.Name != "" || a.Contact.Phone != "0209 3870 000" {
			t.Errorf("women's union contact = %+v, %v", a.Contact, err)
		}
		ks, err := s.KeyAreas(ctx, p.Code, 2019)
		if err != nil || len(ks) != 1 || ks[0].Unit.Name != "Xã Cao Trĩ" || len(ks[0].Reasons) != 2 {
			t.Errorf("key areas = %+v, %v", ks, err)
		}
		// Phường Đức Xuân (2025) was formed from Nguyễn Thị Minh Khai, Đức
		// Xuân and Huyền Tụng: its reporter holds their records too.
		for path, want := range map[string]bool{"VN/19/01840": true, "VN/06/058/01834": true, "VN/06/058/01846": true, "VN/19/01843": false, "VN/06/058/01837": false, "VN/06/058": false} {
			if got := commune.CanWriteUnit(path); got != want {
				t.Errorf("unit reporter of 01840 (paths %v) on %s: %v", commune.UnitPaths, path, got)
			}
		}
	})
}

func TestKeyAreaValidation(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		seeded(t, s)
		for name, err := range map[string]error{
			"a district":       s.SetKeyArea(ctx, system, "bk-1368-2017", "066", 2019, []string{outreach.ReasonHighRisk}, ""),
			"no reason":        s.SetKeyArea(ctx, system, "bk-1368-2017", "02155", 2019, nil, ""),
			"outside the plan": s.SetKeyArea(ctx, system, "bk-1368-2017", "02155", 2024, []string{outreach.ReasonHighRisk}, ""),
			"merged away":      s.SetKeyArea(ctx, system, "bk-1368-2017", "01903", 2020, []string{outreach.ReasonHighRisk}, ""),
		} {
			if !errors.Is(err, outreach.ErrInvalid) {
				t.Errorf("%s: err = %v, want invalid", name, err)
			}
		}
	})
}

func TestUsersAndSessions(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		seeded(t, s)
		u, err := s.CreateUser(ctx, system, store.NewUser{Username: "Lan.HLHPN", Name: "Nguyễn Thị Lan", Role: outreach.RoleAgencyReporter, AgencyCode: "bk-hlhpn", Password: "một mật khẩu dài"})
		if err != nil {
			t.Fatal(err)
		}
		if u.Username != "lan.hlhpn" || u.AgencyName != "Hội Liên hiệp phụ nữ tỉnh" {
			t.Errorf("user = %+v", u)
		}
		for name, nu := range map[string]store.NewUser{
			"duplicate":           {Username: "lan.hlhpn", Name: "X", Role: outreach.RoleViewer, Password: "0123456789"},
			"short password":      {Username: "b", Name: "X", Role: outreach.RoleViewer, Password: "short"},
			"reporter, no agency": {Username: "bbb", Name: "X", Role: outreach.RoleAgencyReporter, Password: "0123456789"},
			"group agency":        {Username: "ccc", Name: "X", Role: outreach.RoleAgencyReporter, AgencyCode: "bk-bao-chi", Password: "0123456789"},
			"unknown role":        {Username: "ddd", Name: "X", Role: "boss", Password: "0123456789"},
		} {
			if _, err := s.CreateUser(ctx, system, nu); !errors.Is(err, outreach.ErrInvalid) {
				t.Errorf("%s: err = %v, want invalid", name, err)
			}
		}
		if _, _, err := s.Authenticate(ctx, "lan.hlhpn", "sai mật khẩu"); !errors.Is(err, outreach.ErrUnauthorized) {
			t.Errorf("wrong password: %v", err)
		}
		if _, _, err := s.Authenticate(ctx, "nobody", "sai mật khẩu"); !errors.Is(err, outreach.ErrUnauthorized) {
			t.Errorf("unknown user: %v", err)
		}
		_, actor, err := s.Authenticate(ctx, "LAN.hlhpn", "một mật khẩu dài")
		if err != nil {
			t.Fatal(err)
		}
		s1, _ := s.CreateSession(ctx, u.ID)
		s2, _ := s.CreateSession(ctx, u.ID)
		if s1 == s2 {
			t.Fatal("two logins got the same session")
		}
		if got, _, err := s.SessionUser(ctx, s1); err != nil || got.ID != u.ID {
			t.Fatalf("session: %v, %v", got, err)
		}
		if err := s.ChangePassword(ctx, actor, "lan.hlhpn", "sai", "mật khẩu mới dài hơn", s1); !errors.Is(err, outreach.ErrInvalid) {
			t.Errorf("wrong current password: %v", err)
		}
		if err := s.ChangePassword(ctx, actor, "lan.hlhpn", "một mật khẩu dài", "mật khẩu mới dài hơn", s1); err != nil {
			t.Fatal(err)
		}
		if _, _, err := s.SessionUser(ctx, s2); !errors.Is(err, outreach.ErrUnauthorized) {
			t.Errorf("other session survived a password change: %v", err)
		}
		if _, _, err := s.SessionUser(ctx, s1); err != nil {
			t.Errorf("the changing session ended: %v", err)
		}
		s.DeleteSession(ctx, s1)
		if _, _, err := s.SessionUser(ctx, s1); !errors.Is(err, outreach.ErrUnauthorized) {
			t.Errorf("logged-out session lives: %v", err)
		}
		if err := s.ChangePassword(ctx, actor, "admin", "", "0123456789", ""); !errors.Is(err, outreach.ErrForbidden) && !errors.Is(err, outreach.ErrNotFound) {
			t.Errorf("changing another's password: %v", err)
		}
		tok, err := s.CreateToken(ctx, system, "lan.hlhpn", "test")
		if err != nil {
			t.Fatal(err)
		}
		if got, a, err := s.TokenUser(ctx, tok); err != nil || got.ID != u.ID || a.Role != outreach.RoleAgencyReporter {
			t.Errorf("token user = %v, %v", got, err)
		}
		if _, _, err := s.TokenUser(ctx, tok+"x"); !errors.Is(err, outreach.ErrUnauthorized) {
			t.Errorf("bad token: %v", err)
		}
	})
}

func TestFirstStartTwice(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		r1, err := setup.FirstStart(ctx, s, io.Discard)
		if err != nil {
			t.Fatal(err)
		}
		if r1.AdminPassword == "" || !r1.SeededUnits || len(r1.SeededPlans) != 1 {
			t.Fatalf("first start = %+v", r1)
		}
		_, total1, _ := s.AuditLog(ctx, system, 1, 0)
		r2, err := setup.FirstStart(ctx, s, io.Discard)
		if err != nil {
			t.Fatal(err)
		}
		_, total2, _ := s.AuditLog(ctx, system, 1, 0)
		if r2.AdminPassword != "" || r2.SeededUnits || total2 != total1 {
			t.Errorf("second start changed things: %+v, audit %d → %d", r2, total1, total2)
		}
		if _, _, err := s.Authenticate(ctx, "admin", r1.AdminPassword); err != nil {
			t.Errorf("admin cannot log in with the printed password: %v", err)
		}
	})
}

func TestUnitCodesAndMoves(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		seeded(t, s)
		// A wildcard or a slash in a code is refused before it reaches a path.
		for _, code := range []string{"0_1", "06/9", "0%"} {
			d := &unitfile.Data{Units: []unitfile.UnitRow{{Unit: outreach.Unit{Code: code, Name: "X", Type: "huyen", Level: 2, ParentCode: "06"}, Ref: "x.csv:2"}}}
			if _, err := s.ImportUnits(ctx, system, d); !errors.Is(err, outreach.ErrInvalid) {
				t.Errorf("code %q: err = %v", code, err)
			}
		}
		// Moving a district under another province moves its communes too.
		_, d, err := unitfile.Parse("move.csv", []byte("code,name,type,level,parent_code,valid_from,valid_to\n"+
			"99,Tỉnh Thử,tinh,1,,,\n"+
			"061,Huyện Ba Bể,huyen,2,99,,2025-07-01\n"))
		if err != nil {
			t.Fatal(err)
		}
		if _, err := s.ImportUnits(ctx, system, d); err != nil {
			t.Fatal(err)
		}
		sub, err := s.Subtree(ctx, "061", "2017-09-08")
		if err != nil {
			t.Fatal(err)
		}
		if len(sub) != 17 || !strings.HasPrefix(sub[1].Path, "VN/99/061/") {
			t.Errorf("after the move: %d units, first below at %q", len(sub), sub[1].Path)
		}
	})
}

func TestKeyAreaAudit(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		seeded(t, s)
		if err := s.SetKeyArea(ctx, system, "bk-1368-2017", "02155", 2019, []string{outreach.ReasonHighRisk}, "một"); err != nil {
			t.Fatal(err)
		}
		if err := s.SetKeyArea(ctx, system, "bk-1368-2017", "02155", 2019, []string{outreach.ReasonCasesOccurred}, "hai"); err != nil {
			t.Fatal(err)
		}
		if err := s.RemoveKeyArea(ctx, system, "bk-1368-2017", "02155", 2019); err != nil {
			t.Fatal(err)
		}
		es, _, err := s.AuditLog(ctx, system, 3, 0)
		if err != nil || len(es) != 3 {
			t.Fatal(es, err)
		}
		if es[0].Action != "remove" || !strings.Contains(es[0].Before, "cases_occurred") ||
			es[1].Action != "update" || !strings.Contains(es[1].Before, `"một"`) || !strings.Contains(es[1].After, `"hai"`) ||
			es[2].Action != "create" || es[2].Before != "" {
			t.Errorf("audit rows = %+v", es)
		}
	})
}

func TestSeedRecoversPlans(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		d, err := setup.SeedUnits()
		if err != nil {
			t.Fatal(err)
		}
		if _, err := s.ImportUnits(ctx, system, d); err != nil {
			t.Fatal(err)
		}
		// Units came in but a start died before the plans: the next start
		// loads the plans.
		units, plans, err := setup.Seed(ctx, s, system)
		if err != nil || units || len(plans) != 1 {
			t.Errorf("seed after a half start: units %v, plans %v, %v", units, plans, err)
		}
	})
}
