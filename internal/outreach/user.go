package outreach

import "time"

// Role is what a user may do.
type Role string

// Roles.
const (
	// RoleAdmin manages users and everything else.
	RoleAdmin Role = "admin"
	// RoleCoordinator is the consolidating department: reads and edits
	// everything in the plans.
	RoleCoordinator Role = "coordinator"
	// RoleAgencyReporter records for one agency.
	RoleAgencyReporter Role = "agency_reporter"
	// RoleUnitReporter records for one unit and its subtree.
	RoleUnitReporter Role = "unit_reporter"
	// RoleViewer reads and never writes.
	RoleViewer Role = "viewer"
)

// Roles lists every role, most powerful first.
var Roles = []Role{RoleAdmin, RoleCoordinator, RoleAgencyReporter, RoleUnitReporter, RoleViewer}

// Valid reports whether r is a known role.
func (r Role) Valid() bool {
	for _, x := range Roles {
		if r == x {
			return true
		}
	}
	return false
}

// User is a person who logs in.
type User struct {
	ID         int64  `json:"id"`
	Username   string `json:"username"`
	Name       string `json:"name"`
	Role       Role   `json:"role"`
	AgencyCode string `json:"agency,omitempty"`
	AgencyName string `json:"agency_name,omitempty"`
	UnitCode   string `json:"unit,omitempty"`
	UnitName   string `json:"unit_name,omitempty"`
	// Scope is what the user sees: "" the whole system (an installation's
	// operators), CountryCode the ministry (every province), a province's
	// code that province's plans only.
	Scope     string    `json:"scope,omitempty"`
	Disabled  bool      `json:"disabled"`
	CreatedAt time.Time `json:"created_at"`
}

// MinPasswordLength is the shortest password accepted.
const MinPasswordLength = 10

// AuditEntry is one row of the audit log: who changed what, when, and the
// record before and after (as JSON).
type AuditEntry struct {
	ID        int64     `json:"id"`
	At        time.Time `json:"at"`
	Actor     string    `json:"actor"`
	Action    string    `json:"action"`
	Entity    string    `json:"entity"`
	EntityKey string    `json:"entity_key"`
	Before    string    `json:"before,omitempty"`
	After     string    `json:"after,omitempty"`
}
