package store

import (
	"context"
	"database/sql"
	"embed"
	"fmt"
	"io/fs"
	"sort"
	"strings"
)

//go:embed migrations
var migrations embed.FS

// migrationNames lists the engine's migration files in order.
func (s *Store) migrationNames() ([]string, error) {
	names, err := fs.Glob(migrations, "migrations/"+string(s.engine)+"/*.sql")
	if err != nil {
		return nil, err
	}
	sort.Strings(names)
	return names, nil
}

// Migrate applies every migration not yet applied, each in its own
// transaction, and returns the schema version (the last migration's name).
func (s *Store) Migrate(ctx context.Context) (string, error) {
	if s.engine == Postgres {
		// Two servers starting at once must not both migrate: hold a
		// session-level advisory lock on one connection meanwhile. (SQLite
		// serialises writers by itself.)
		conn, err := s.db.Conn(ctx)
		if err != nil {
			return "", err
		}
		defer conn.Close()
		const key = 0x6f757472 // "outr"
		if _, err := conn.ExecContext(ctx, `SELECT pg_advisory_lock($1)`, key); err != nil {
			return "", fmt.Errorf("migrate: lock: %w", err)
		}
		defer conn.ExecContext(context.WithoutCancel(ctx), `SELECT pg_advisory_unlock($1)`, key)
	}
	if _, err := s.db.ExecContext(ctx, `CREATE TABLE IF NOT EXISTS schema_migrations (
		version TEXT PRIMARY KEY, applied_at TEXT NOT NULL)`); err != nil {
		return "", fmt.Errorf("migrate: %w", err)
	}
	names, err := s.migrationNames()
	if err != nil {
		return "", err
	}
	for _, name := range names {
		version := strings.TrimSuffix(name[strings.LastIndex(name, "/")+1:], ".sql")
		body, err := migrations.ReadFile(name)
		if err != nil {
			return "", err
		}
		err = s.tx(ctx, func(tx *sql.Tx) error {
			var n int
			if err := tx.QueryRowContext(ctx, `SELECT count(*) FROM schema_migrations WHERE version = $1`, version).Scan(&n); err != nil {
				return err
			}
			if n > 0 {
				return nil
			}
			if _, err := tx.ExecContext(ctx, string(body)); err != nil {
				return fmt.Errorf("migration %s: %w", version, err)
			}
			_, err := tx.ExecContext(ctx, `INSERT INTO schema_migrations (version, applied_at) VALUES ($1, $2)`, version, s.stamp())
			return err
		})
		if err != nil {
			return "", err
		}
	}
	return s.SchemaVersion(ctx)
}

// SchemaVersion returns the last applied migration, or "" on an empty
// database.
func (s *Store) SchemaVersion(ctx context.Context) (string, error) {
	var v sql.NullString
	err := s.db.QueryRowContext(ctx, `SELECT max(version) FROM schema_migrations`).Scan(&v)
	if err != nil {
		return "", fmt.Errorf("schema version: %w", err)
	}
	return v.String, nil
}

// LatestSchemaVersion is the version Migrate brings the database to.
func (s *Store) LatestSchemaVersion() string {
	names, _ := s.migrationNames()
	if len(names) == 0 {
		return ""
	}
	n := names[len(names)-1]
	return strings.TrimSuffix(n[strings.LastIndex(n, "/")+1:], ".sql")
}
