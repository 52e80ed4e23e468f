// Package setup brings a database to a working state on first start:
// migrations, the built-in administrative units and plans when the database
// holds none, and a first admin when there is no user. Running it again
// changes nothing.
package setup

import (
	"context"
	"fmt"
	"io"
	"io/fs"

	"outreach/internal/outreach"
	"outreach/internal/planfile"
	"outreach/internal/seed"
	"outreach/internal/store"
	"outreach/internal/unitfile"
)

// Result says what a first start did.
type Result struct {
	SchemaVersion string
	SeededUnits   bool
	SeededPlans   []string
	AdminPassword string // set when an admin was created
}

// SeedUnits returns the built-in units, changes and census figures.
func SeedUnits() (*unitfile.Data, error) {
	return unitfile.Seed(func(name string) ([]byte, error) { return fs.ReadFile(seed.Units, "units/"+name) })
}

// Seed loads the built-in units into a database that has none, and the
// built-in plans into one that has no plan. Each is decided on its own, so
// a start interrupted between the two finishes the job the next time.
func Seed(ctx context.Context, s *store.Store, actor outreach.Actor) (seededUnits bool, plans []string, err error) {
	n, err := s.UnitCount(ctx)
	if err != nil {
		return false, nil, err
	}
	if n == 0 {
		d, err := SeedUnits()
		if err != nil {
			return false, nil, fmt.Errorf("built-in units: %w", err)
		}
		if _, err := s.ImportUnits(ctx, actor, d); err != nil {
			return false, nil, err
		}
		seededUnits = true
	}
	existing, err := s.Plans(ctx)
	if err != nil || len(existing) > 0 {
		return seededUnits, nil, err
	}
	ps, err := planfile.Builtin()
	if err != nil {
		return seededUnits, nil, err
	}
	for _, p := range ps {
		if _, err := s.ImportPlan(ctx, actor, p); err != nil {
			return seededUnits, plans, err
		}
		plans = append(plans, p.Code)
	}
	return seededUnits, plans, nil
}

// FirstStart migrates, seeds an empty database and creates the first
// admin when there is no user, printing its password once to out.
func FirstStart(ctx context.Context, s *store.Store, out io.Writer) (Result, error) {
	var r Result
	v, err := s.Migrate(ctx)
	if err != nil {
		return r, err
	}
	r.SchemaVersion = v
	actor := outreach.SystemActor("first-start")
	r.SeededUnits, r.SeededPlans, err = Seed(ctx, s, actor)
	if err != nil {
		return r, err
	}
	if r.SeededUnits {
		fmt.Fprintln(out, "Loaded the built-in administrative units (2015–2025).")
	}
	if len(r.SeededPlans) > 0 {
		fmt.Fprintf(out, "Loaded the built-in plans %v.\n", r.SeededPlans)
	}
	n, err := s.UserCount(ctx)
	if err != nil {
		return r, err
	}
	if n > 0 {
		return r, nil
	}
	pw := store.NewSecret(12)
	if _, err := s.CreateUser(ctx, actor, store.NewUser{Username: "admin", Name: "Quản trị hệ thống", Role: outreach.RoleAdmin, Password: pw}); err != nil {
		return r, err
	}
	r.AdminPassword = pw
	fmt.Fprintf(out, `
================================================================
 First start: created the user "admin" with the password

     %s

 It is shown this once. Log in and change it under
 "Tài khoản" (Account), or run:
     outreach user passwd --username admin --password-stdin
================================================================

`, pw)
	return r, nil
}
