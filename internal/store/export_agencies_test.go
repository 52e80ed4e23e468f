package store

import "context"

// MigrateBefore applies the migrations whose version sorts before the
// given one: a database as an older binary left it, to test an upgrade.
func MigrateBefore(s *Store, version string) (string, error) {
	return s.migrate(context.Background(), version)
}
