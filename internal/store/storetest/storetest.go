// Package storetest opens stores for tests: a migrated SQLite file in the
// test's temporary directory always, and a fresh PostgreSQL schema when a
// server is reachable. In CI (CI=true) an unreachable PostgreSQL fails the
// test instead of skipping it.
package storetest

import (
	"context"
	"database/sql"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	_ "github.com/jackc/pgx/v5/stdlib"

	"outreach/internal/store"
)

// DefaultPostgresURL is the server this machine kind runs.
const DefaultPostgresURL = "postgres://postgres@127.0.0.1:5432/test?sslmode=disable"

// PostgresURL is the test server: OUTREACH_TEST_DATABASE_URL or the default.
func PostgresURL() string {
	if u := os.Getenv("OUTREACH_TEST_DATABASE_URL"); u != "" {
		return u
	}
	return DefaultPostgresURL
}

// Each runs fn once per engine, as subtests named "sqlite" and "postgres".
func Each(t *testing.T, fn func(t *testing.T, s *store.Store)) {
	t.Helper()
	t.Run("sqlite", func(t *testing.T) { fn(t, OpenSQLite(t)) })
	t.Run("postgres", func(t *testing.T) { fn(t, OpenPostgres(t)) })
}

// OpenSQLite returns a migrated SQLite store in t.TempDir().
func OpenSQLite(t testing.TB) *store.Store {
	t.Helper()
	s, err := store.OpenSQLite(context.Background(), filepath.Join(t.TempDir(), "test.db"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close() })
	if _, err := s.Migrate(context.Background()); err != nil {
		t.Fatal(err)
	}
	return s
}

// NewPostgresSchema creates an empty schema and returns a URL whose
// connections use it, and a function that drops it. It skips the test
// (fails it in CI) when PostgreSQL is unreachable.
func NewPostgresSchema(t testing.TB) string {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	base := PostgresURL()
	admin, err := sql.Open("pgx", base)
	if err == nil {
		err = admin.PingContext(ctx)
	}
	if err != nil {
		if os.Getenv("CI") == "true" {
			t.Fatalf("PostgreSQL at %s is unreachable in CI: %v", base, err)
		}
		t.Skipf("PostgreSQL at %s is unreachable: %v", base, err)
	}
	schema := fmt.Sprintf("t_%d_%d", time.Now().UnixNano(), os.Getpid())
	if _, err := admin.ExecContext(ctx, `CREATE SCHEMA `+schema); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		admin.Exec(`DROP SCHEMA ` + schema + ` CASCADE`)
		admin.Close()
	})
	sep := "?"
	if strings.Contains(base, "?") {
		sep = "&"
	}
	return base + sep + "search_path=" + schema
}

// OpenPostgres returns a migrated store on a fresh PostgreSQL schema.
func OpenPostgres(t testing.TB) *store.Store {
	t.Helper()
	url := NewPostgresSchema(t)
	s, err := store.OpenPostgres(context.Background(), url)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close() })
	if _, err := s.Migrate(context.Background()); err != nil {
		t.Fatal(err)
	}
	return s
}
