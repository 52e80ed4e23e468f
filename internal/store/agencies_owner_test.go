package store_test

import (
	"errors"
	"fmt"
	"path/filepath"
	"reflect"
	"slices"
	"strings"
	"testing"

	"outreach/internal/outreach"
	"outreach/internal/store"
	"outreach/internal/store/storetest"
)

// TestAgencyCodesPerOwner: agency codes are unique within their owner. Hà
// Nam's and Thái Nguyên's plans name the codes Bắc Kạn's names, with other
// content, and are imported; each province's agencies are its own: records,
// mailings and contacts attach to the plan's agency, and changing one
// province's leaves the others'. Within one owner the rule stays: a second
// plan naming a stored agency with other content is refused with the
// differences listed. A code alone is settled in the user's scope.
func TestAgencyCodesPerOwner(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		seeded(t, s)
		agency := func(owner, code string) store.AgencyInfo {
			t.Helper()
			a, err := s.Agency(ctx, owner, code)
			if err != nil {
				t.Fatalf("%s/%s: %v", owner, code, err)
			}
			return a
		}
		bkPolice := agency("06", "bk-ca")
		if bkPolice.ValidTo == "" {
			t.Fatal("the fixture's police has no end date: the test would not see it erased")
		}
		// Same codes, other content (derivedPlan drops units and dates):
		// refused before as "belongs to Bắc Kạn", now each its own.
		hnPlan := derivedPlan(t, s, "hn-2019", "35", "", "", 2019, 2020)
		derivedPlan(t, s, "tn-2026", "19", "", "", 2026, 2026)
		hnPolice, tnPolice := agency("35", "bk-ca"), agency("19", "bk-ca")
		if hnPolice.ID == bkPolice.ID || tnPolice.ID == bkPolice.ID || hnPolice.ID == tnPolice.ID {
			t.Fatalf("one agency for several owners: %d %d %d", bkPolice.ID, hnPolice.ID, tnPolice.ID)
		}
		if got := agency("06", "bk-ca"); !reflect.DeepEqual(got, bkPolice) {
			t.Errorf("Bắc Kạn's police changed by another province's plan:\n%+v\n%+v", bkPolice, got)
		}
		for plan, owner := range map[string]string{"bk-1368-2017": "06", "hn-2019": "35", "tn-2026": "19"} {
			as, err := s.PlanAgencies(ctx, plan)
			if err != nil || len(as) == 0 {
				t.Fatalf("%s: %d agencies, %v", plan, len(as), err)
			}
			for _, a := range as {
				if a.Owner != owner {
					t.Errorf("%s names %s of %q", plan, a.Code, a.Owner)
				}
				if a.IsGroup() && len(a.Members) == 0 {
					t.Errorf("%s: group %s without members", plan, a.Code)
				}
			}
			p, err := s.Plan(ctx, plan)
			if err != nil {
				t.Fatal(err)
			}
			if res, err := s.ImportPlan(ctx, system, p); err != nil || res != store.PlanUnchanged {
				t.Errorf("%s read back and imported again: %v %v", plan, res, err)
			}
		}

		// Records attach to the plan's own agency.
		agencyOf := func(table string, id int64) int64 {
			t.Helper()
			var a int64
			if err := s.DB().QueryRowContext(ctx, `SELECT agency_id FROM `+table+` WHERE id = $1`, id).Scan(&a); err != nil {
				t.Fatal(err)
			}
			return a
		}
		record := func(plan, date string) int64 {
			t.Helper()
			id, err := s.CreateActivity(ctx, system, outreach.Activity{Plan: plan, Agency: "bk-ca", Channel: "IV.2", Title: "Tin " + plan,
				StartDate: date, EndDate: date, WholeProvince: true, Quantities: []outreach.ActivityQuantity{{Kind: "news_items", Value: 1}}})
			if err != nil {
				t.Fatalf("%s: %v", plan, err)
			}
			return id
		}
		if got := agencyOf("activities", record("bk-1368-2017", "2019-05-01")); got != bkPolice.ID {
			t.Errorf("Bắc Kạn's activity is the agency %d's, want %d", got, bkPolice.ID)
		}
		if got := agencyOf("activities", record("hn-2019", "2019-05-02")); got != hnPolice.ID {
			t.Errorf("Hà Nam's activity is the agency %d's, want %d", got, hnPolice.ID)
		}
		if page, err := s.Activities(ctx, system, store.ActivityFilter{Plan: "hn-2019", Agency: "bk-ca", Limit: 10}); err != nil || page.Total != 1 {
			t.Errorf("Hà Nam's police activities: %d %v", page.Total, err)
		}
		m := store.Mailing{Plan: "hn-2019", Agency: "bk-ca", Year: 2019, Kind: "reminder", Ref: "t", Recipients: []string{"x@hanam.gov.vn"}, Subject: "Nhắc"}
		if ok, err := s.ClaimMailing(ctx, &m); err != nil || !ok {
			t.Fatalf("mailing: %v %v", ok, err)
		}
		if got := agencyOf("mailings", m.ID); got != hnPolice.ID {
			t.Errorf("Hà Nam's mailing is the agency %d's, want %d", got, hnPolice.ID)
		}

		// Changing one province's agency leaves the others'.
		if err := s.UpdateContact(ctx, system, "35/bk-ca", store.Contact{Name: "Đội PC02", Email: "pc02@hanam.gov.vn"}); err != nil {
			t.Fatal(err)
		}
		if got := agency("06", "bk-ca").Contact; got != bkPolice.Contact {
			t.Errorf("Bắc Kạn's contact changed with Hà Nam's: %+v", got)
		}
		if cc, err := s.FocalEmails(ctx, "hn-2019", "bk-ca"); err != nil || !slices.Equal(cc, []string{"pc02@hanam.gov.vn"}) {
			t.Errorf("Hà Nam's focal points: %v %v", cc, err)
		}
		if cc, err := s.FocalEmails(ctx, "bk-1368-2017", "bk-ca"); err != nil || slices.Contains(cc, "pc02@hanam.gov.vn") {
			t.Errorf("Bắc Kạn's focal points: %v %v", cc, err)
		}
		renamed := *hnPlan
		renamed.Agencies = slices.Clone(hnPlan.Agencies)
		for i := range renamed.Agencies {
			if renamed.Agencies[i].Code == "bk-ca" {
				renamed.Agencies[i].Name = "Công an tỉnh Hà Nam"
			}
		}
		if res, err := s.ImportPlan(ctx, system, &renamed); err != nil || res != store.PlanUpdated {
			t.Fatalf("Hà Nam renaming its own police: %v %v", res, err)
		}
		if a := agency("35", "bk-ca"); a.Name != "Công an tỉnh Hà Nam" || a.ID != hnPolice.ID || a.Contact.Email != "pc02@hanam.gov.vn" {
			t.Errorf("Hà Nam's police after the rename: %+v", a)
		}
		if a := agency("06", "bk-ca"); a.Name != bkPolice.Name || a.ValidTo != bkPolice.ValidTo {
			t.Errorf("Bắc Kạn's police renamed with Hà Nam's: %+v", a)
		}
		if a := agency("19", "bk-ca"); a.Name != tnPolice.Name {
			t.Errorf("Thái Nguyên's police renamed with Hà Nam's: %+v", a)
		}

		// The same owner's second plan shares its agencies, and may not
		// change them: refused with the differences, nothing written.
		second := renamed
		second.Code, second.Title = "hn-2021", "Kế hoạch thứ hai của Hà Nam"
		second.Agencies = slices.Clone(renamed.Agencies)
		for i := range second.Agencies {
			if second.Agencies[i].Code == "bk-ca" {
				second.Agencies[i].Name, second.Agencies[i].Note = "Công an Hà Nam (khác)", "ghi chú mới"
			}
		}
		before := agency("35", "bk-ca")
		_, err := s.ImportPlan(ctx, system, &second)
		var v *outreach.ValidationError
		if !errors.Is(err, outreach.ErrConflict) || !errors.As(err, &v) || len(v.Problems) != 1 {
			t.Fatalf("the same owner's plan changing a shared agency: %v", err)
		}
		msg := v.Problems[0].Message
		for _, want := range []string{"hn-2019", `name "Công an tỉnh Hà Nam" → "Công an Hà Nam (khác)"`, `note "` + before.Note + `" → "ghi chú mới"`} {
			if !strings.Contains(msg, want) {
				t.Errorf("the refusal does not say %s: %s", want, msg)
			}
		}
		if _, err := s.Plan(ctx, "hn-2021"); !errors.Is(err, outreach.ErrNotFound) {
			t.Errorf("the refused plan was stored: %v", err)
		}
		if got := agency("35", "bk-ca"); !reflect.DeepEqual(got, before) {
			t.Errorf("the refused plan changed the agency: %+v", got)
		}
		second.Agencies = renamed.Agencies
		if res, err := s.ImportPlan(ctx, system, &second); err != nil || res != store.PlanCreated {
			t.Fatalf("the same owner's plan with the stored agencies: %v %v", res, err)
		}
		as, err := s.PlanAgencies(ctx, "hn-2021")
		if err != nil {
			t.Fatal(err)
		}
		for _, a := range as {
			if a.Code == "bk-ca" && a.ID != hnPolice.ID {
				t.Errorf("Hà Nam's second plan has its own police %d, want the shared %d", a.ID, hnPolice.ID)
			}
		}

		// A code alone: the user's province's agency, or the only one
		// the user sees; several are listed.
		user := func(username, scope string, role outreach.Role, agency string) outreach.Actor {
			t.Helper()
			if _, err := s.CreateUser(ctx, system, store.NewUser{Username: username, Name: username, Role: role, AgencyCode: agency, Scope: scope, Password: "mat-khau-dai-1"}); err != nil {
				t.Fatalf("%s: %v", username, err)
			}
			_, a, err := s.Authenticate(ctx, username, "mat-khau-dai-1")
			if err != nil {
				t.Fatal(err)
			}
			return a
		}
		_, err = s.FindAgency(ctx, system, "bk-ca")
		var amb *store.AmbiguousAgencyError
		if !errors.As(err, &amb) || !errors.Is(err, outreach.ErrInvalid) || len(amb.Matches) != 3 || !strings.Contains(err.Error(), "06/bk-ca") {
			t.Errorf("a bare code for the whole system: %v", err)
		}
		hn, tn := user("hn-coord", "35", outreach.RoleCoordinator, ""), user("tn-coord", "19", outreach.RoleCoordinator, "")
		for _, c := range []struct {
			actor   outreach.Actor
			address string
			want    int64 // 0: not found
		}{
			{hn, "bk-ca", hnPolice.ID}, {hn, "35/bk-ca", hnPolice.ID}, {hn, "06/bk-ca", 0}, {hn, "19/bk-ca", 0},
			// Thái Nguyên sees Bắc Kạn's (merged into it) and its own first.
			{tn, "bk-ca", tnPolice.ID}, {tn, "06/bk-ca", bkPolice.ID}, {tn, "35/bk-ca", 0},
			{system, "-/bk-ca", 0}, {system, "06/bk-ca", bkPolice.ID},
		} {
			a, err := s.AgencyFor(ctx, c.actor, c.address)
			switch {
			case c.want == 0 && !errors.Is(err, outreach.ErrNotFound):
				t.Errorf("%s asks for %s: %d %v, want not found", c.actor.Username, c.address, a.ID, err)
			case c.want != 0 && (err != nil || a.ID != c.want):
				t.Errorf("%s asks for %s: %d %v, want %d", c.actor.Username, c.address, a.ID, err, c.want)
			}
		}
		if err := s.UpdateContact(ctx, hn, "bk-ca", store.Contact{Name: "Đầu mối Hà Nam"}); err != nil {
			t.Fatal(err)
		}
		if agency("35", "bk-ca").Contact.Name != "Đầu mối Hà Nam" || agency("19", "bk-ca").Contact.Name == "Đầu mối Hà Nam" || agency("06", "bk-ca").Contact.Name == "Đầu mối Hà Nam" {
			t.Error("Hà Nam's coordinator's bare code changed another province's agency")
		}
		if err := s.UpdateContact(ctx, hn, "19/bk-ca", store.Contact{Name: "X"}); !errors.Is(err, outreach.ErrNotFound) {
			t.Errorf("Hà Nam's coordinator changes Thái Nguyên's police: %v", err)
		}
		hnAgencies, err := s.AgenciesFor(ctx, hn)
		if err != nil {
			t.Fatal(err)
		}
		for _, a := range hnAgencies {
			if a.Owner != "35" {
				t.Errorf("Hà Nam's coordinator lists %s", a.Address())
			}
		}

		// An agency reporter's code is settled in the user's scope.
		hnReporter := user("hn-police", "35", outreach.RoleAgencyReporter, "bk-ca")
		if hnReporter.AgencyID != hnPolice.ID {
			t.Errorf("Hà Nam's police reporter reports for %d, want %d", hnReporter.AgencyID, hnPolice.ID)
		}
		if err := s.UpdateContact(ctx, hnReporter, "bk-ca", store.Contact{Name: "Tự cập nhật"}); err != nil {
			t.Errorf("the reporter sets its own agency's contact: %v", err)
		}
		if _, err := s.CreateUser(ctx, system, store.NewUser{Username: "whose-police", Name: "?", Role: outreach.RoleAgencyReporter, AgencyCode: "bk-ca", Password: "mat-khau-dai-1"}); !errors.Is(err, outreach.ErrInvalid) || !strings.Contains(err.Error(), "35/bk-ca") {
			t.Errorf("a reporter of the whole system naming a code three provinces use: %v", err)
		}
		if tnReporter := user("tn-police", "", outreach.RoleAgencyReporter, "19/bk-ca"); tnReporter.AgencyID != tnPolice.ID {
			t.Errorf("a reporter for 19/bk-ca reports for %d, want %d", tnReporter.AgencyID, tnPolice.ID)
		}
	})
}

// TestAgencyCodesMigration: migration 0011 makes agency codes unique per
// owner on a database of the schema before it, keeping every agency with
// its id and content, the group memberships (which would cascade away if
// the table were dropped with foreign keys on), the plans' and users'
// references, and foreign key enforcement afterwards; an agency without
// owner takes the owner of the plan whose records name it.
func TestAgencyCodesMigration(t *testing.T) {
	for _, engine := range []string{"sqlite", "postgres"} {
		t.Run(engine, func(t *testing.T) {
			var s *store.Store
			var err error
			if engine == "sqlite" {
				s, err = store.OpenSQLite(ctx, filepath.Join(t.TempDir(), "old.db"))
			} else {
				s, err = store.OpenPostgres(ctx, storetest.NewPostgresSchema(t))
			}
			if err != nil {
				t.Fatal(err)
			}
			t.Cleanup(func() { s.Close() })
			const version = "0011_agency_codes_per_owner"
			if v, err := store.MigrateBefore(s, version); err != nil || v >= version || v < "0009" {
				t.Fatalf("migrate before %s: %s %v", version, v, err)
			}
			db := s.DB()
			insert := func(q string, args ...any) int64 {
				t.Helper()
				var id int64
				if err := db.QueryRowContext(ctx, q+` RETURNING id`, args...).Scan(&id); err != nil {
					t.Fatalf("%s: %v", q, err)
				}
				return id
			}
			plan := func(code, owner string) int64 {
				return insert(`INSERT INTO plans (code, title, scope_code, owner_code, period_from, period_to, decision_number, decision_date, issuer,
					decision_title, general_objective, texts, created_at, updated_at) VALUES ($1, $2, $3, $3, 2019, 2020, '1/QĐ', '2019-01-01', 'UBND', 'QĐ', 'Mục tiêu', '{}', 'x', 'x')`,
					code, "Kế hoạch "+code, owner)
			}
			agency := func(code, typ, owner string) int64 {
				return insert(`INSERT INTO agencies (code, name, short_name, type, unit_code, valid_from, valid_to, note, focal_name, focal_email, focal_phone, owner_code)
					VALUES ($1, $2, $3, $4, '060', '2017-01-01', '2025-07-01', 'ghi chú', 'Đầu mối', 'a@backan.gov.vn', '0209', $5)`,
					code, "Cơ quan "+code, "CQ "+code, typ, owner)
			}
			p06, p19 := plan("bk", "06"), plan("tn", "19")
			stttt, police, press := agency("stttt", "department", "06"), agency("cong-an", "police", "06"), agency("bao-chi", "group", "06")
			orphan := agency("mo-coi", "department", "")
			for i, a := range []int64{stttt, police, press} {
				if _, err := db.ExecContext(ctx, `INSERT INTO plan_agencies (plan_id, agency_id, position) VALUES ($1, $2, $3)`, p06, a, i); err != nil {
					t.Fatal(err)
				}
			}
			for i, a := range []int64{stttt, police} {
				if _, err := db.ExecContext(ctx, `INSERT INTO agency_members (group_id, member_id, position) VALUES ($1, $2, $3)`, press, a, i); err != nil {
					t.Fatal(err)
				}
			}
			insert(`INSERT INTO materials (plan_id, type, title, agency_id, year, search, created_at, created_by, updated_at, updated_by)
				VALUES ($1, 'guidance', 'Tài liệu', $2, 2020, 'tai lieu', 'x', 'x', 'x', 'x')`, p19, orphan)
			reporter := insert(`INSERT INTO users (username, name, role, agency_id, password_hash, created_at, updated_at) VALUES ('ca', 'Công an', 'agency_reporter', $1, 'x', 'x', 'x')`, police)

			dump := func() string {
				t.Helper()
				var b strings.Builder
				err := func() error {
					rows, err := db.QueryContext(ctx, `SELECT id, code, name, short_name, type, unit_code, coalesce(valid_from, ''), coalesce(valid_to, ''), note, focal_name, focal_email, focal_phone, owner_code FROM agencies ORDER BY id`)
					if err != nil {
						return err
					}
					defer rows.Close()
					for rows.Next() {
						var id int64
						var cols [12]string
						if err := rows.Scan(&id, &cols[0], &cols[1], &cols[2], &cols[3], &cols[4], &cols[5], &cols[6], &cols[7], &cols[8], &cols[9], &cols[10], &cols[11]); err != nil {
							return err
						}
						fmt.Fprintf(&b, "%d %q\n", id, cols)
					}
					return rows.Err()
				}()
				if err != nil {
					t.Fatal(err)
				}
				return b.String()
			}
			before := dump()
			if v, err := s.Migrate(ctx); err != nil || v < version {
				t.Fatalf("migrate: %s %v", v, err)
			}
			after := dump()
			want := strings.Replace(before, fmt.Sprintf(`%d ["mo-coi" "Cơ quan mo-coi" "CQ mo-coi" "department" "060" "2017-01-01" "2025-07-01" "ghi chú" "Đầu mối" "a@backan.gov.vn" "0209" ""]`, orphan),
				fmt.Sprintf(`%d ["mo-coi" "Cơ quan mo-coi" "CQ mo-coi" "department" "060" "2017-01-01" "2025-07-01" "ghi chú" "Đầu mối" "a@backan.gov.vn" "0209" "19"]`, orphan), 1)
			if want == before {
				t.Fatalf("the orphan is not in the dump:\n%s", before)
			}
			if after != want {
				t.Errorf("agencies after the migration:\n%s\nwant:\n%s", after, want)
			}
			count := func(q string, args ...any) int {
				t.Helper()
				var n int
				if err := db.QueryRowContext(ctx, q, args...).Scan(&n); err != nil {
					t.Fatal(err)
				}
				return n
			}
			if n := count(`SELECT count(*) FROM agency_members WHERE group_id = $1`, press); n != 2 {
				t.Errorf("the group has %d members after the migration, want 2", n)
			}
			if n := count(`SELECT count(*) FROM plan_agencies WHERE plan_id = $1`, p06); n != 3 {
				t.Errorf("the plan names %d agencies after the migration, want 3", n)
			}
			if n := count(`SELECT count(*) FROM users WHERE id = $1 AND agency_id = $2`, reporter, police); n != 1 {
				t.Error("the reporter lost its agency")
			}
			if engine == "sqlite" {
				if n := count(`SELECT count(*) FROM pragma_foreign_key_check`); n != 0 {
					t.Errorf("%d broken references", n)
				}
			}
			// Codes are unique per owner now.
			if _, err := db.ExecContext(ctx, `INSERT INTO agencies (code, name, type, owner_code) VALUES ('stttt', 'Sở TT&TT Thái Nguyên', 'department', '19')`); err != nil {
				t.Errorf("another owner's stttt: %v", err)
			}
			if _, err := db.ExecContext(ctx, `INSERT INTO agencies (code, name, type, owner_code) VALUES ('stttt', 'Sở TT&TT (2)', 'department', '06')`); err == nil {
				t.Error("the same owner's stttt twice")
			}
			// Foreign keys are enforced again, on the writer connection too.
			if err := s.ExecWriter(ctx, fmt.Sprintf(`DELETE FROM agencies WHERE id = %d`, police)); err == nil {
				t.Error("an agency plans and users refer to was deleted")
			}
			if n := count(`SELECT count(*) FROM agencies WHERE id = $1`, police); n != 1 {
				t.Error("the police is gone")
			}
		})
	}
}
