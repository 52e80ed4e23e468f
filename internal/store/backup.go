package store

import (
	"bytes"
	"context"
	"database/sql"
	"errors"
	"fmt"
	"io"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"time"

	"modernc.org/sqlite"
	sqlite3 "modernc.org/sqlite/lib"
)

// Errors of backup and restore, for callers that tell them apart.
var (
	// ErrNotBackup: the file is not a sound outreach SQLite database.
	ErrNotBackup = errors.New("not an outreach database")
	// ErrHasData: the data directory already holds a database.
	ErrHasData = errors.New("the data directory already holds a database")
	// ErrInUse: another process (a running server) holds the database.
	ErrInUse = errors.New("the database is in use")
	// ErrPostgresBackup: backup and restore are for SQLite only.
	ErrPostgresBackup = errors.New("backup and restore work on SQLite only")
)

// BackupInfo describes a database file: what Backup wrote or what
// CheckSQLiteFile found.
type BackupInfo struct {
	Path          string
	Size          int64
	SchemaVersion string // the last applied migration
	Activities    int64  // live and deleted
	Distributions int64
	Users         int64
}

// sqliteMagic opens every SQLite 3 database file.
var sqliteMagic = []byte("SQLite format 3\x00")

// Backup writes a consistent copy of the SQLite database to path while
// others keep reading and writing it. VACUUM INTO reads the database in
// one read transaction, so the copy is the database as of one commit
// (WAL included), compacted, as a single file in rollback-journal mode.
// It is written to a temporary file next to path, synced, checked
// (quick_check and schema) and renamed to path, so path is either absent
// or complete. An existing path is refused.
func (s *Store) Backup(ctx context.Context, path string) (info BackupInfo, err error) {
	if s.engine != SQLite {
		return BackupInfo{}, ErrPostgresBackup
	}
	if _, err := os.Lstat(path); err == nil {
		return BackupInfo{}, fmt.Errorf("%s already exists; choose another name or remove it", path)
	} else if !errors.Is(err, os.ErrNotExist) {
		return BackupInfo{}, err
	}
	dir := filepath.Dir(path)
	tmp, err := os.CreateTemp(dir, "."+filepath.Base(path)+".tmp-*")
	if err != nil {
		return BackupInfo{}, err
	}
	tmpName := tmp.Name()
	tmp.Close()
	defer func() {
		if err != nil {
			os.Remove(tmpName)
			os.Remove(tmpName + "-journal")
		}
	}()
	// VACUUM INTO takes an empty file.
	if _, err := s.db.ExecContext(ctx, `VACUUM INTO $1`, tmpName); err != nil {
		return BackupInfo{}, fmt.Errorf("backup: %w", translate(err))
	}
	if err := rollbackMode(ctx, tmpName); err != nil {
		return BackupInfo{}, fmt.Errorf("backup: %w", err)
	}
	if err := syncFile(tmpName); err != nil {
		return BackupInfo{}, fmt.Errorf("backup: %w", err)
	}
	info, err = CheckSQLiteFile(ctx, tmpName, true)
	if err != nil {
		return BackupInfo{}, fmt.Errorf("backup: the copy does not check out: %w", err)
	}
	if err := os.Rename(tmpName, path); err != nil {
		return BackupInfo{}, err
	}
	syncDir(dir)
	info.Path = path
	return info, nil
}

// rollbackMode makes the database file at path a standalone file: the
// copy keeps the source's WAL mark in its header, which would make every
// later reader create -wal and -shm files beside it.
func rollbackMode(ctx context.Context, path string) error {
	db, err := sql.Open("sqlite", "file:"+path+"?"+url.Values{"_pragma": {"busy_timeout(1000)"}}.Encode())
	if err != nil {
		return err
	}
	defer db.Close()
	var mode string
	return db.QueryRowContext(ctx, `PRAGMA journal_mode=DELETE`).Scan(&mode)
}

// CheckSQLiteFile checks that the file at path is a sound outreach SQLite
// database without changing it or creating anything beside it: the SQLite
// header, PRAGMA integrity_check (quick_check when quick), the
// schema_migrations table starting with this program's first migration
// and holding none it does not know. A database that is not a single
// file (a -wal beside it: a live database, not a backup) is refused.
func CheckSQLiteFile(ctx context.Context, path string, quick bool) (BackupInfo, error) {
	info := BackupInfo{Path: path}
	fi, err := os.Stat(path)
	if err != nil {
		return info, err
	}
	if !fi.Mode().IsRegular() {
		return info, fmt.Errorf("%w: %s is not a regular file", ErrNotBackup, path)
	}
	info.Size = fi.Size()
	f, err := os.Open(path)
	if err != nil {
		return info, err
	}
	head := make([]byte, len(sqliteMagic))
	_, err = io.ReadFull(f, head)
	f.Close()
	if err != nil || !bytes.Equal(head, sqliteMagic) {
		return info, fmt.Errorf("%w: %s is not an SQLite database", ErrNotBackup, path)
	}
	if wal, err := os.Stat(path + "-wal"); err == nil && wal.Size() > 0 {
		return info, fmt.Errorf("%w: %s has a -wal file beside it, so it is a live database, not a backup; copy it with outreach backup", ErrNotBackup, path)
	}
	// immutable: no locks, no -wal or -shm, no change to the file.
	abs, err := filepath.Abs(path)
	if err != nil {
		return info, err
	}
	u := url.URL{Scheme: "file", OmitHost: true, Path: filepath.ToSlash(abs), RawQuery: "mode=ro&immutable=1"}
	if !strings.HasPrefix(u.Path, "/") { // Windows: file:/C:/…
		u.Path = "/" + u.Path
	}
	db, err := sql.Open("sqlite", u.String())
	if err != nil {
		return info, err
	}
	defer db.Close()
	check := "integrity_check"
	if quick {
		check = "quick_check"
	}
	rows, err := db.QueryContext(ctx, `PRAGMA `+check)
	if err != nil {
		return info, fmt.Errorf("%w: %s is damaged or unreadable: %v", ErrNotBackup, path, err)
	}
	var problems []string
	for rows.Next() {
		var line string
		if err := rows.Scan(&line); err != nil {
			rows.Close()
			return info, fmt.Errorf("%w: %s is damaged or unreadable: %v", ErrNotBackup, path, err)
		}
		if line != "ok" && len(problems) < 5 {
			problems = append(problems, line)
		}
	}
	if err := rows.Err(); err != nil {
		rows.Close()
		return info, fmt.Errorf("%w: %s is damaged or unreadable: %v", ErrNotBackup, path, err)
	}
	rows.Close()
	if len(problems) > 0 {
		return info, fmt.Errorf("%w: %s is damaged (%s): %s", ErrNotBackup, path, check, strings.Join(problems, "; "))
	}
	var first, last sql.NullString
	if err := db.QueryRowContext(ctx, `SELECT min(version), max(version) FROM schema_migrations`).Scan(&first, &last); err != nil {
		return info, fmt.Errorf("%w: %s has no schema_migrations table: %v", ErrNotBackup, path, err)
	}
	known := (&Store{engine: SQLite}).knownVersions()
	if !first.Valid || len(known) == 0 || first.String != known[0] {
		return info, fmt.Errorf("%w: %s is an SQLite database of another program (schema %q)", ErrNotBackup, path, first.String)
	}
	if last.String > known[len(known)-1] {
		return info, fmt.Errorf("%w: %s has schema %s, newer than this program's %s; use a newer outreach", ErrNotBackup, path, last.String, known[len(known)-1])
	}
	info.SchemaVersion = last.String
	for _, c := range []struct {
		table string
		n     *int64
	}{{"activities", &info.Activities}, {"distributions", &info.Distributions}, {"users", &info.Users}} {
		if err := db.QueryRowContext(ctx, `SELECT count(*) FROM `+c.table).Scan(c.n); err != nil {
			return info, fmt.Errorf("%w: %s: %v", ErrNotBackup, path, err)
		}
	}
	return info, nil
}

// knownVersions lists the engine's migration versions in order.
func (s *Store) knownVersions() []string {
	names, _ := s.migrationNames()
	vs := make([]string, len(names))
	for i, n := range names {
		vs[i] = strings.TrimSuffix(n[strings.LastIndex(n, "/")+1:], ".sql")
	}
	return vs
}

// RestoreResult tells what RestoreSQLite did.
type RestoreResult struct {
	BackupInfo
	// Previous is where the replaced database was kept ("" when there
	// was none).
	Previous string
}

// RestoreSQLite replaces the SQLite database of dataDir with the backup
// file src. In order, before anything in dataDir changes: src must pass
// CheckSQLiteFile (full integrity_check); an existing database is refused
// unless force, and refused even then while another connection holds it
// (a running server: checked by taking an exclusive lock, waiting at most
// lockWait). Then src is copied to a temporary file in dataDir, synced and
// checked again; the previous database is kept beside it as
// outreach.db.before-restore-TIME (a hard link, else a copy); stale -wal
// and -shm files are removed and the copy is renamed over outreach.db.
func RestoreSQLite(ctx context.Context, src, dataDir string, force bool, lockWait time.Duration) (res RestoreResult, err error) {
	info, err := CheckSQLiteFile(ctx, src, false)
	if err != nil {
		return res, err
	}
	res.BackupInfo = info
	dest := filepath.Join(dataDir, SQLiteFile)
	if a, err1 := filepath.Abs(src); err1 == nil {
		if b, err2 := filepath.Abs(dest); err2 == nil && a == b {
			return res, fmt.Errorf("%s is the database itself", src)
		}
	}
	exists := false
	if fi, err := os.Stat(dest); err == nil && fi.Size() > 0 {
		exists = true
	} else if err != nil && !errors.Is(err, os.ErrNotExist) {
		return res, err
	}
	if exists {
		if err := quiesce(ctx, dest, force, lockWait); err != nil {
			return res, err
		}
	}
	if err := os.MkdirAll(dataDir, 0o750); err != nil {
		return res, fmt.Errorf("create data directory: %w", err)
	}
	tmp, err := os.CreateTemp(dataDir, "."+SQLiteFile+".restore-*")
	if err != nil {
		return res, err
	}
	tmpName := tmp.Name()
	defer func() {
		if err != nil {
			os.Remove(tmpName)
		}
	}()
	if err := copyInto(tmp, src); err != nil {
		return res, err
	}
	if _, err := CheckSQLiteFile(ctx, tmpName, true); err != nil {
		return res, fmt.Errorf("the copy in %s does not check out: %w", dataDir, err)
	}
	if exists {
		res.Previous = dest + ".before-restore-" + time.Now().UTC().Format("20060102T150405Z")
		if err := os.Link(dest, res.Previous); err != nil {
			if err := copyFile(res.Previous, dest); err != nil {
				return res, fmt.Errorf("keep the previous database: %w", err)
			}
		}
	}
	for _, stale := range []string{dest + "-wal", dest + "-shm", dest + "-journal"} {
		if err := os.Remove(stale); err != nil && !errors.Is(err, os.ErrNotExist) {
			return res, err
		}
	}
	if err := os.Rename(tmpName, dest); err != nil {
		return res, err
	}
	syncDir(dataDir)
	res.Path = dest
	return res, nil
}

// quiesce makes sure the existing database at dest may be replaced: it
// takes an exclusive lock (locking_mode=EXCLUSIVE, then BEGIN EXCLUSIVE),
// which fails while any other connection has the database open in WAL
// mode, and refuses a database with tables unless force. Closing the
// connection checkpoints the WAL into the file and removes -wal and -shm,
// so the file left is complete.
func quiesce(ctx context.Context, dest string, force bool, lockWait time.Duration) error {
	q := url.Values{}
	q.Add("_pragma", fmt.Sprintf("busy_timeout(%d)", lockWait.Milliseconds()))
	q.Add("_pragma", "locking_mode(EXCLUSIVE)")
	db, err := sql.Open("sqlite", "file:"+dest+"?"+q.Encode())
	if err != nil {
		return err
	}
	defer db.Close()
	db.SetMaxOpenConns(1)
	conn, err := db.Conn(ctx)
	if err != nil {
		return lockError(err, dest, force)
	}
	defer conn.Close()
	if _, err := conn.ExecContext(ctx, `BEGIN EXCLUSIVE`); err != nil {
		return lockError(err, dest, force)
	}
	defer conn.ExecContext(context.WithoutCancel(ctx), `ROLLBACK`)
	var tables int
	if err := conn.QueryRowContext(ctx, `SELECT count(*) FROM sqlite_master WHERE type = 'table'`).Scan(&tables); err != nil {
		return lockError(err, dest, force)
	}
	if tables > 0 && !force {
		var activities, users int64
		conn.QueryRowContext(ctx, `SELECT count(*) FROM activities`).Scan(&activities)
		conn.QueryRowContext(ctx, `SELECT count(*) FROM users`).Scan(&users)
		return fmt.Errorf("%w (%s: %d activities, %d users); restoring replaces it: add --force (the previous database is kept beside it)", ErrHasData, dest, activities, users)
	}
	return nil
}

// lockError words a failure to open or lock the existing database.
func lockError(err error, dest string, force bool) error {
	var se *sqlite.Error
	if errors.As(err, &se) && (se.Code()&0xff == sqlite3.SQLITE_BUSY || se.Code()&0xff == sqlite3.SQLITE_LOCKED) {
		return fmt.Errorf("%w: another process (a running server?) has %s open; stop it and try again", ErrInUse, dest)
	}
	if force {
		// Not a usable database (damaged, not SQLite): replace it.
		return nil
	}
	return fmt.Errorf("%w (%s cannot be read: %v); restoring replaces it: add --force (the previous database is kept beside it)", ErrHasData, dest, err)
}

// copyInto copies the file src into f, syncs and closes f.
func copyInto(f *os.File, src string) error {
	in, err := os.Open(src)
	if err != nil {
		f.Close()
		return err
	}
	defer in.Close()
	if _, err := io.Copy(f, in); err != nil {
		f.Close()
		return err
	}
	if err := f.Sync(); err != nil {
		f.Close()
		return err
	}
	return f.Close()
}

// copyFile copies src to a new file dst (0600), synced.
func copyFile(dst, src string) error {
	f, err := os.OpenFile(dst, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o600)
	if err != nil {
		return err
	}
	if err := copyInto(f, src); err != nil {
		os.Remove(dst)
		return err
	}
	return nil
}

// syncFile flushes the file at path to disk.
func syncFile(path string) error {
	f, err := os.OpenFile(path, os.O_RDWR, 0)
	if err != nil {
		return err
	}
	if err := f.Sync(); err != nil {
		f.Close()
		return err
	}
	return f.Close()
}

// syncDir flushes a directory's entries (a rename) to disk where the
// system allows it (not on Windows).
func syncDir(dir string) {
	if d, err := os.Open(dir); err == nil {
		d.Sync()
		d.Close()
	}
}
