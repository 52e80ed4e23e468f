package store

import (
	"context"
	"database/sql"
	"embed"
	"errors"
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
	return s.migrate(ctx, "")
}

// foreignKeysOff is the line a SQLite migration carries when it rebuilds a
// table other tables refer to. SQLite cannot change a table's constraints
// in place; its documented procedure (new table, copy, drop, rename) needs
// foreign key enforcement off, or dropping the old table would delete the
// rows that cascade from it and fail on every other reference
// (https://sqlite.org/lang_altertable.html#otheralter).
const foreignKeysOff = "-- migrate: foreign_keys off"

// migrate applies the migrations not yet applied whose version sorts
// before until ("" for all of them).
func (s *Store) migrate(ctx context.Context, until string) (string, error) {
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
		if until != "" && version >= until {
			break
		}
		body, err := migrations.ReadFile(name)
		if err != nil {
			return "", err
		}
		apply := s.tx
		if s.engine == SQLite && strings.Contains(string(body), "\n"+foreignKeysOff+"\n") {
			apply = s.txWithoutForeignKeys
		}
		err = apply(ctx, func(tx *sql.Tx) error {
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

// txWithoutForeignKeys is tx for a SQLite migration that rebuilds a
// table: it runs fn on the writer connection with foreign key enforcement
// off (a pragma SQLite ignores inside a transaction, so it is set before
// BEGIN and set back after the end), and refuses to commit while any row
// refers to a row that does not exist (PRAGMA foreign_key_check), as the
// procedure requires.
func (s *Store) txWithoutForeignKeys(ctx context.Context, fn func(tx *sql.Tx) error) (err error) {
	select {
	case s.writer <- struct{}{}:
		defer func() { <-s.writer }()
	case <-ctx.Done():
		return ctx.Err()
	}
	conn := s.wconn
	if _, err := conn.ExecContext(ctx, `PRAGMA foreign_keys = OFF`); err != nil {
		return fmt.Errorf("foreign keys off: %w", err)
	}
	defer func() {
		if _, ferr := conn.ExecContext(context.WithoutCancel(ctx), `PRAGMA foreign_keys = ON`); ferr != nil {
			// Migrate fails, and the store with it: the writer connection
			// must not go on unchecked.
			err = errors.Join(err, fmt.Errorf("foreign keys back on: %w", ferr))
		}
	}()
	tx, err := conn.BeginTx(ctx, nil)
	if err != nil {
		return translate(err)
	}
	defer tx.Rollback()
	if err := fn(tx); err != nil {
		return translate(err)
	}
	var broken []string
	err = each(ctx, tx, `PRAGMA foreign_key_check`, nil, func(r *sql.Rows) error {
		var table, parent string
		var rowid sql.NullInt64
		var fk int
		if err := r.Scan(&table, &rowid, &parent, &fk); err != nil {
			return err
		}
		if len(broken) < 10 {
			broken = append(broken, fmt.Sprintf("%s row %d refers to a missing %s", table, rowid.Int64, parent))
		}
		return nil
	})
	if err != nil {
		return fmt.Errorf("foreign key check: %w", err)
	}
	if len(broken) > 0 {
		return fmt.Errorf("foreign key check: %s", strings.Join(broken, "; "))
	}
	return translate(tx.Commit())
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
