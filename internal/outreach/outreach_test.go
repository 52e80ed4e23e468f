package outreach_test

import (
	"errors"
	"testing"

	"outreach/internal/outreach"
)

func TestActorRules(t *testing.T) {
	admin := outreach.Actor{Username: "a", Role: outreach.RoleAdmin}
	coord := outreach.Actor{Username: "c", Role: outreach.RoleCoordinator}
	police := outreach.Actor{Username: "p", Role: outreach.RoleAgencyReporter, AgencyID: 3}
	orphan := outreach.Actor{Username: "o", Role: outreach.RoleAgencyReporter} // no agency
	commune := outreach.Actor{Username: "u", Role: outreach.RoleUnitReporter, UnitPaths: []string{"06/058"}}
	viewer := outreach.Actor{Username: "v", Role: outreach.RoleViewer}
	system := outreach.SystemActor("cli")
	cases := []struct {
		name                       string
		a                          outreach.Actor
		users, plans, agency3, ag4 bool
		unitIn, unitOut, sibling   bool
	}{
		{"admin", admin, true, true, true, true, true, true, true},
		{"system", system, true, true, true, true, true, true, true},
		{"coordinator", coord, false, true, true, true, true, true, true},
		{"agency reporter", police, false, false, true, false, false, false, false},
		{"reporter without agency", orphan, false, false, false, false, false, false, false},
		{"unit reporter", commune, false, false, false, false, true, false, false},
		{"viewer", viewer, false, false, false, false, false, false, false},
	}
	for _, c := range cases {
		got := []bool{c.a.CanManageUsers(), c.a.CanEditPlans(), c.a.CanWriteAgency(3), c.a.CanWriteAgency(4),
			c.a.CanWriteUnit("06/058/01840"), c.a.CanWriteUnit("06/060/01861"), c.a.CanWriteUnit("06/0580")}
		want := []bool{c.users, c.plans, c.agency3, c.ag4, c.unitIn, c.unitOut, c.sibling}
		for i := range got {
			if got[i] != want[i] {
				t.Errorf("%s: rule %d = %v, want %v", c.name, i, got[i], want[i])
			}
		}
	}
	if !commune.CanWriteUnit("06/058") {
		t.Error("a unit reporter may write their own unit")
	}
	if err := viewer.Forbidden("x"); !errors.Is(err, outreach.ErrForbidden) {
		t.Errorf("Forbidden() = %v", err)
	}
}

func TestMilestoneMet(t *testing.T) {
	for _, c := range []struct {
		cmp   string
		goal  float64
		value float64
		met   bool
	}{
		{">=", 75, 75, true}, {">=", 75, 74.9, false}, {"=", 100, 100, true}, {"=", 100, 99, false},
		{">", 0, 0, false}, {"<=", 5, 5, true}, {"<", 5, 5, false}, {"?", 1, 1, false},
	} {
		if got := (outreach.Milestone{Comparator: c.cmp, Value: c.goal}).Met(c.value); got != c.met {
			t.Errorf("%v %s %v = %v", c.value, c.cmp, c.goal, got)
		}
	}
}

func TestValidAt(t *testing.T) {
	for _, c := range []struct {
		from, to, d string
		want        bool
	}{
		{"", "", "2017-09-08", true},
		{"", "2020-02-01", "2020-01-31", true},
		{"", "2020-02-01", "2020-02-01", false}, // valid_to is exclusive
		{"2020-02-01", "", "2020-02-01", true},
		{"2020-02-01", "", "2020-01-31", false},
	} {
		if got := outreach.ValidAt(c.from, c.to, c.d); got != c.want {
			t.Errorf("ValidAt(%q, %q, %q) = %v", c.from, c.to, c.d, got)
		}
	}
	if outreach.DayBefore("2020-03-01") != "2020-02-29" || !outreach.ValidMonthDay("02-29") || outreach.ValidMonthDay("13-01") {
		t.Error("date helpers")
	}
}

func TestValidationError(t *testing.T) {
	v := &outreach.ValidationError{}
	if v.Err() != nil {
		t.Fatal("empty validation error is not nil")
	}
	v.Add("a", "is %s", "required")
	v.Problems = append(v.Problems, outreach.Problem{Field: "b", Message: "bad", Position: "f.yaml:3:4"})
	err := v.Err()
	if !errors.Is(err, outreach.ErrInvalid) || err.Error() != "2 problems:\na: is required\nf.yaml:3:4: b: bad" {
		t.Errorf("err = %q", err)
	}
}
