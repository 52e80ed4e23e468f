package store

import (
	"context"
	"fmt"
	"strings"
)

// What "outreach doctor" asks the database, without changing it.

// SchemaStatus compares the migrations a database has applied with those
// embedded in the binary.
type SchemaStatus struct {
	Applied  []string // versions in schema_migrations, in order
	Embedded []string // versions this binary carries, in order
	Pending  []string // embedded but not applied: "outreach migrate" applies them
	Unknown  []string // applied but not embedded: a newer binary migrated the database
}

// SchemaStatus reads the applied migrations. A database never migrated
// has every embedded migration pending.
func (s *Store) SchemaStatus(ctx context.Context) (SchemaStatus, error) {
	var st SchemaStatus
	names, err := s.migrationNames()
	if err != nil {
		return st, err
	}
	for _, n := range names {
		st.Embedded = append(st.Embedded, strings.TrimSuffix(n[strings.LastIndex(n, "/")+1:], ".sql"))
	}
	exists := `SELECT count(*) FROM sqlite_master WHERE type = 'table' AND name = 'schema_migrations'`
	if s.engine == Postgres {
		exists = `SELECT count(*) FROM (SELECT to_regclass('schema_migrations') AS t) x WHERE t IS NOT NULL`
	}
	var n int
	if err := s.db.QueryRowContext(ctx, exists).Scan(&n); err != nil {
		return st, fmt.Errorf("schema status: %w", err)
	}
	if n > 0 {
		rows, err := s.db.QueryContext(ctx, `SELECT version FROM schema_migrations ORDER BY version`)
		if err != nil {
			return st, fmt.Errorf("schema status: %w", err)
		}
		defer rows.Close()
		for rows.Next() {
			var v string
			if err := rows.Scan(&v); err != nil {
				return st, err
			}
			st.Applied = append(st.Applied, v)
		}
		if err := rows.Err(); err != nil {
			return st, err
		}
	}
	applied := map[string]bool{}
	for _, v := range st.Applied {
		applied[v] = true
	}
	embedded := map[string]bool{}
	for _, v := range st.Embedded {
		embedded[v] = true
		if !applied[v] {
			st.Pending = append(st.Pending, v)
		}
	}
	for _, v := range st.Applied {
		if !embedded[v] {
			st.Unknown = append(st.Unknown, v)
		}
	}
	return st, nil
}

// EngineVersion is the database server's version: sqlite_version() or
// PostgreSQL's server_version.
func (s *Store) EngineVersion(ctx context.Context) (string, error) {
	q := `SELECT sqlite_version()`
	if s.engine == Postgres {
		q = `SHOW server_version`
	}
	var v string
	if err := s.db.QueryRowContext(ctx, q).Scan(&v); err != nil {
		return "", fmt.Errorf("engine version: %w", err)
	}
	return v, nil
}

// DatabaseSize is the database's size in bytes as the engine counts it
// (SQLite: pages × page size, without the WAL; PostgreSQL:
// pg_database_size).
func (s *Store) DatabaseSize(ctx context.Context) (int64, error) {
	q := `SELECT p.page_count * s.page_size FROM pragma_page_count() p, pragma_page_size() s`
	if s.engine == Postgres {
		q = `SELECT pg_database_size(current_database())`
	}
	var n int64
	if err := s.db.QueryRowContext(ctx, q).Scan(&n); err != nil {
		return 0, fmt.Errorf("database size: %w", err)
	}
	return n, nil
}

// QuickCheck runs SQLite's PRAGMA quick_check and returns the problems it
// reports (none when the file is sound). PostgreSQL has no equivalent:
// it returns nil.
func (s *Store) QuickCheck(ctx context.Context) ([]string, error) {
	if s.engine != SQLite {
		return nil, nil
	}
	rows, err := s.db.QueryContext(ctx, `PRAGMA quick_check(20)`)
	if err != nil {
		return nil, fmt.Errorf("quick_check: %w", err)
	}
	defer rows.Close()
	var problems []string
	for rows.Next() {
		var line string
		if err := rows.Scan(&line); err != nil {
			return nil, err
		}
		if line != "ok" {
			problems = append(problems, line)
		}
	}
	return problems, rows.Err()
}

// RecordCounts are the numbers an operator checks first.
type RecordCounts struct {
	Users, Plans, Activities, ActivitiesInBin int64
}

// RecordCounts counts users, plans and activities (live and in the bin).
func (s *Store) RecordCounts(ctx context.Context) (RecordCounts, error) {
	var c RecordCounts
	err := s.db.QueryRowContext(ctx, `SELECT
		(SELECT count(*) FROM users),
		(SELECT count(*) FROM plans),
		(SELECT count(*) FROM activities WHERE deleted_at IS NULL),
		(SELECT count(*) FROM activities WHERE deleted_at IS NOT NULL)`).Scan(&c.Users, &c.Plans, &c.Activities, &c.ActivitiesInBin)
	if err != nil {
		return c, fmt.Errorf("record counts: %w", err)
	}
	return c, nil
}
