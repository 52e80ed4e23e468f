package main

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"time"

	"outreach/internal/store"
)

// restoreLockWait is how long restore waits for the database's lock
// before it decides that a server holds it.
const restoreLockWait = 500 * time.Millisecond

// postgresBackupHelp is what backup and restore say on PostgreSQL, whose
// own tools do the job (consistent online dumps, roles, large objects).
const postgresBackupHelp = `the database is PostgreSQL (OUTREACH_DATABASE_URL): back it up and restore it with PostgreSQL's tools.
  Back up (online, consistent, while the server runs):
    pg_dump --format=custom --no-owner --file=outreach.dump "$OUTREACH_DATABASE_URL"
  Restore into an empty database (stop the server first), then start the server, which migrates:
    createdb outreach_restored
    pg_restore --no-owner --exit-on-error --dbname="postgres://…/outreach_restored" outreach.dump
  Check a dump without a server: pg_restore --list outreach.dump`

func cmdBackup(ctx context.Context, e env) error {
	fs := newFlags(e, "backup")
	dir := fs.String("data", "./data", "directory of the SQLite database")
	if err := parse(fs, e.args); err != nil {
		return err
	}
	if fs.NArg() != 1 {
		return usagef("expected backup FILE [--data DIR]")
	}
	if e.getenv("OUTREACH_DATABASE_URL") != "" {
		return errors.New(postgresBackupHelp)
	}
	db := filepath.Join(*dir, store.SQLiteFile)
	if fi, err := os.Stat(db); err != nil || fi.Size() == 0 {
		return fmt.Errorf("no database in %s (looked for %s)", *dir, db)
	}
	start := time.Now()
	// Opened as is: no migration, so the copy is the database as it is.
	s, err := store.OpenSQLite(ctx, db)
	if err != nil {
		return err
	}
	defer s.Close()
	info, err := s.Backup(ctx, fs.Arg(0))
	if err != nil {
		return err
	}
	fmt.Fprintf(e.stdout, "backup written to %s (%s, schema %s: %d activities, %d distributions, %d users) in %.1f s\n",
		info.Path, sizeString(info.Size), info.SchemaVersion, info.Activities, info.Distributions, info.Users, time.Since(start).Seconds())
	return nil
}

func cmdRestore(ctx context.Context, e env) error {
	fs := newFlags(e, "restore")
	dir := fs.String("data", "./data", "directory of the SQLite database to replace")
	force := fs.Bool("force", false, "replace a database that holds data (it is kept as outreach.db.before-restore-TIME)")
	if err := parse(fs, e.args); err != nil {
		return err
	}
	if fs.NArg() != 1 {
		return usagef("expected restore FILE [--data DIR] [--force]")
	}
	if e.getenv("OUTREACH_DATABASE_URL") != "" {
		return errors.New(postgresBackupHelp)
	}
	res, err := store.RestoreSQLite(ctx, fs.Arg(0), *dir, *force, restoreLockWait)
	if err != nil {
		return err
	}
	fmt.Fprintf(e.stdout, "restored %s into %s (schema %s: %d activities, %d distributions, %d users)\n",
		fs.Arg(0), res.Path, res.SchemaVersion, res.Activities, res.Distributions, res.Users)
	if res.Previous != "" {
		fmt.Fprintf(e.stdout, "the previous database is kept as %s; remove it when no longer needed\n", res.Previous)
	}
	fmt.Fprintf(e.stdout, "start the server: it brings the schema up to date if the backup is older\n")
	return nil
}

func sizeString(n int64) string {
	switch {
	case n >= 1<<20:
		return fmt.Sprintf("%.1f MiB", float64(n)/(1<<20))
	case n >= 1<<10:
		return fmt.Sprintf("%.1f KiB", float64(n)/(1<<10))
	}
	return fmt.Sprintf("%d bytes", n)
}
