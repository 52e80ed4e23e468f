package outreach

import (
	"fmt"
	"slices"
	"strings"
)

// Actor is whoever asks the store to do something: a logged-in user, an
// API token's user, or the system itself (first start, the CLI run by the
// operator). Store methods take the actor explicitly and check these rules
// themselves, so the web, the API and the CLI enforce the same ones.
type Actor struct {
	UserID   int64
	Username string
	Role     Role
	// AgencyID is the agency of an agency reporter.
	AgencyID int64
	// UnitPaths are the paths of a unit reporter's unit and of every unit
	// it was formed from (its predecessors back through the records): the
	// officials of a merged commune hold the records of the communes it
	// absorbed. The reporter may act on these units and every unit below.
	UnitPaths []string
	// UnitAgencies are the agencies a unit reporter acts for: those whose
	// home unit (Agency.UnitCode) is one of UnitPaths' units or lies below
	// one (the reporter of district Pác Nặm acts for UBND huyện Pác Nặm).
	// The store computes them with UnitPaths when it builds the actor.
	UnitAgencies []int64
	// Scope is the user's (User.Scope): "" the whole system, CountryCode
	// the ministry, a province's code that province.
	Scope string
	// Inherited are the provinces merged into the scope's province (Bắc
	// Kạn for Thái Nguyên since 2025-07-01): their plans and records are
	// the scope's too. The store fills them with Scope.
	Inherited []string
	// System marks the operator acting from the CLI or the server's own
	// start-up work; it may do what an admin may.
	System bool
	// Label names a system actor in the audit log ("cli", "bootstrap").
	Label string
}

// SystemActor returns the actor for work the operator or the server does
// without a user.
func SystemActor(label string) Actor {
	return Actor{Role: RoleAdmin, System: true, Label: label}
}

// Name is how the audit log names the actor.
func (a Actor) Name() string {
	if a.System {
		return "system:" + a.Label
	}
	return a.Username
}

// String describes the actor for error messages.
func (a Actor) String() string {
	if a.System {
		return a.Name()
	}
	return fmt.Sprintf("%s (%s)", a.Username, a.Role)
}

// SeesAll reports whether the actor's scope is the whole system or the
// ministry: every owner's plans, agencies and records are visible to it.
func (a Actor) SeesAll() bool { return a.System || a.Scope == "" || a.Scope == CountryCode }

// SeesOwner reports whether the actor may see the plans, agencies and
// records that belong to the owner (a province's code, or CountryCode):
// the whole system and the ministry see every owner; a province's users
// their province's.
func (a Actor) SeesOwner(owner string) bool {
	return a.SeesAll() || a.Scope == owner || slices.Contains(a.Inherited, owner)
}

// EditsOwner reports whether the actor may change what belongs to the
// owner, as far as its scope goes (its role decides the rest): the whole
// system anything, the ministry the national plans, a province's users
// their province's.
func (a Actor) EditsOwner(owner string) bool {
	return a.System || a.Scope == "" || a.Scope == owner || slices.Contains(a.Inherited, owner)
}

// Owners are the owners a scoped actor sees: its scope and what it
// inherited.
func (a Actor) Owners() []string { return append([]string{a.Scope}, a.Inherited...) }

// CanManageUsers reports whether the actor may create and change users
// other than themself, and read the audit log.
func (a Actor) CanManageUsers() bool { return a.Role == RoleAdmin }

// CanEditPlans reports whether the actor may import or change plans, units,
// agencies and key areas.
func (a Actor) CanEditPlans() bool { return a.Role == RoleAdmin || a.Role == RoleCoordinator }

// CanWriteAgency reports whether the actor may change the data of the
// agency with the id: admins and coordinators may change any; an agency
// reporter only their own; unit reporters and viewers none.
func (a Actor) CanWriteAgency(agencyID int64) bool {
	switch a.Role {
	case RoleAdmin, RoleCoordinator:
		return true
	case RoleAgencyReporter:
		return a.AgencyID != 0 && a.AgencyID == agencyID
	}
	return false
}

// ActsFor reports whether the actor speaks for the agency with the id:
// may record, change or remove what is that agency's alone to say, such
// as the cost and funding source of its activities. Admins and
// coordinators act for every agency; an agency reporter for their agency;
// a unit reporter for the agencies based in their units (UnitAgencies);
// viewers for none.
func (a Actor) ActsFor(agencyID int64) bool {
	switch a.Role {
	case RoleAdmin, RoleCoordinator:
		return true
	case RoleAgencyReporter:
		return a.AgencyID != 0 && a.AgencyID == agencyID
	case RoleUnitReporter:
		return agencyID != 0 && slices.Contains(a.UnitAgencies, agencyID)
	}
	return false
}

// CanWriteUnit reports whether the actor may change data recorded against
// the unit with the path: admins and coordinators anywhere, a unit reporter
// within their subtree.
func (a Actor) CanWriteUnit(unitPath string) bool {
	switch a.Role {
	case RoleAdmin, RoleCoordinator:
		return true
	case RoleUnitReporter:
		for _, p := range a.UnitPaths {
			if p != "" && (unitPath == p || strings.HasPrefix(unitPath, p+"/")) {
				return true
			}
		}
	}
	return false
}

// Forbidden returns an ErrForbidden error naming the actor and the action.
func (a Actor) Forbidden(action string) error {
	return fmt.Errorf("%s may not %s: %w", a, action, ErrForbidden)
}
