// Package setup brings a database to a working state on first start:
// migrations, the built-in register of administrative units (loaded once
// per release of it: what the database lacks), the built-in plans when the
// database holds none, and a first admin when there is no user. Running it
// again changes nothing.
package setup

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"io"
	"io/fs"
	"sync"

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

// SeedUnits returns the built-in units, changes, unresolved changes and
// census figures.
func SeedUnits() (*unitfile.Data, error) {
	return unitfile.Seed(readSeed)
}

func readSeed(name string) ([]byte, error) { return fs.ReadFile(seed.Units, "units/"+name) }

// UnitSeedName names the built-in register in the database's record of the
// seeds it holds.
const UnitSeedName = "units"

// UnitSeedDigest is the SHA-256 of the built-in register's files (as
// embedded), which identifies a release of it.
var UnitSeedDigest = sync.OnceValues(func() (string, error) {
	h := sha256.New()
	for _, n := range unitfile.SeedFiles {
		b, err := readSeed(n)
		if err != nil {
			return "", err
		}
		fmt.Fprintf(h, "%s %d\n", n, len(b))
		h.Write(b)
	}
	return hex.EncodeToString(h.Sum(nil)), nil
})

// Seed loads the built-in register of units into a database that does not
// hold this release of it, and the built-in plans into one that has no
// plan. Each is decided on its own, so a start interrupted between the two
// finishes the job the next time.
//
// The register is loaded as the rows the database lacks (store
// LoadUnitSeed): on an empty database all of it; on one seeded by an
// earlier release (Bắc Kạn alone) the rest of the country, the Bắc Kạn
// rows and the records referring to them staying as they are. seededUnits
// reports whether a row was added.
func Seed(ctx context.Context, s *store.Store, actor outreach.Actor) (seededUnits bool, plans []string, err error) {
	sum, err := UnitSeedDigest()
	if err != nil {
		return false, nil, fmt.Errorf("built-in units: %w", err)
	}
	loaded, err := s.UnitSeedLoaded(ctx, UnitSeedName, sum)
	if err != nil {
		return false, nil, err
	}
	if !loaded {
		d, err := SeedUnits()
		if err != nil {
			return false, nil, fmt.Errorf("built-in units: %w", err)
		}
		res, _, err := s.LoadUnitSeed(ctx, actor, UnitSeedName, sum, d)
		if err != nil {
			return false, nil, fmt.Errorf("built-in units: %w", err)
		}
		seededUnits = res.Changed()
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
		fmt.Fprintln(out, "Loaded the built-in administrative units of Vietnam (2015 to 2026).")
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
