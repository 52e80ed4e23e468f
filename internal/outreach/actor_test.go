package outreach

import "testing"

func TestActsFor(t *testing.T) {
	for _, c := range []struct {
		name string
		a    Actor
		want map[int64]bool
	}{
		{"admin", Actor{Role: RoleAdmin}, map[int64]bool{1: true, 2: true}},
		{"system", SystemActor("cli"), map[int64]bool{1: true, 2: true}},
		{"coordinator", Actor{Role: RoleCoordinator}, map[int64]bool{1: true, 2: true}},
		{"agency reporter", Actor{Role: RoleAgencyReporter, AgencyID: 1}, map[int64]bool{1: true, 2: false, 0: false}},
		{"agency reporter without agency", Actor{Role: RoleAgencyReporter}, map[int64]bool{0: false, 1: false}},
		{"unit reporter", Actor{Role: RoleUnitReporter, UnitPaths: []string{"06/060"}, UnitAgencies: []int64{2}}, map[int64]bool{1: false, 2: true, 0: false}},
		{"unit reporter of a commune", Actor{Role: RoleUnitReporter, UnitPaths: []string{"06/058/01840"}}, map[int64]bool{1: false, 2: false}},
		{"viewer", Actor{Role: RoleViewer, AgencyID: 1, UnitAgencies: []int64{1}}, map[int64]bool{1: false}},
	} {
		for id, want := range c.want {
			if got := c.a.ActsFor(id); got != want {
				t.Errorf("%s acts for %d: %v, want %v", c.name, id, got, want)
			}
		}
	}
}
