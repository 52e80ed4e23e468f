package store_test

import (
	"crypto/sha256"
	"database/sql"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"outreach/internal/store"
	"outreach/internal/store/storetest"
)

// seededDir opens a seeded SQLite store in a fresh data directory.
func seededDir(t *testing.T) (*store.Store, string) {
	t.Helper()
	dir := t.TempDir()
	s, err := store.Open(ctx, dir, "")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close() })
	if _, err := s.Migrate(ctx); err != nil {
		t.Fatal(err)
	}
	seeded(t, s)
	return s, dir
}

// titlesIn returns the titles of the activities in the database file.
func titlesIn(t *testing.T, path string) []string {
	t.Helper()
	db, err := sql.Open("sqlite", "file:"+path+"?mode=ro&immutable=1")
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	rows, err := db.Query(`SELECT title FROM activities ORDER BY id`)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	var out []string
	for rows.Next() {
		var s string
		rows.Scan(&s)
		out = append(out, s)
	}
	return out
}

// dirState is every file of a directory with its SHA-256.
func dirState(t *testing.T, dir string) string {
	t.Helper()
	entries, err := os.ReadDir(dir)
	if err != nil && !errors.Is(err, os.ErrNotExist) {
		t.Fatal(err)
	}
	var lines []string
	for _, e := range entries {
		b, _ := os.ReadFile(filepath.Join(dir, e.Name()))
		lines = append(lines, fmt.Sprintf("%s %x", e.Name(), sha256.Sum256(b)))
	}
	sort.Strings(lines)
	return strings.Join(lines, "\n")
}

// dirNames lists a directory's file names.
func dirNames(t *testing.T, dir string) string {
	t.Helper()
	entries, err := os.ReadDir(dir)
	if err != nil && !errors.Is(err, os.ErrNotExist) {
		t.Fatal(err)
	}
	var names []string
	for _, e := range entries {
		names = append(names, e.Name())
	}
	return strings.Join(names, "\n")
}

func TestBackupWhileWriting(t *testing.T) {
	s, _ := seededDir(t)
	write := func(i int) error {
		a := sampleActivity()
		a.Title = fmt.Sprintf("ghi %05d", i)
		_, err := s.CreateActivity(ctx, system, a)
		return err
	}
	for i := range 20 {
		if err := write(i); err != nil {
			t.Fatal(err)
		}
	}
	// A writer keeps committing activities 20, 21, … while the backup runs.
	var n atomic.Int64
	n.Store(20)
	stop := make(chan struct{})
	var wg sync.WaitGroup
	var werr error
	wg.Go(func() {
		for {
			select {
			case <-stop:
				return
			default:
			}
			if err := write(int(n.Load())); err != nil {
				werr = err
				return
			}
			n.Add(1)
		}
	})
	for n.Load() < 40 {
		time.Sleep(time.Millisecond)
	}
	path := filepath.Join(t.TempDir(), "sao-luu.db")
	info, err := s.Backup(ctx, path)
	before := n.Load()
	for n.Load() < before+20 {
		time.Sleep(time.Millisecond)
	}
	close(stop)
	wg.Wait()
	if err != nil || werr != nil {
		t.Fatal(err, werr)
	}
	if info.Path != path || info.SchemaVersion != s.LatestSchemaVersion() || info.Activities < 40 || info.Size == 0 {
		t.Errorf("info %+v", info)
	}
	// The copy is one file in rollback-journal mode, sound, and holds the
	// writer's activities 0…k-1 without a gap: the state after one commit.
	head := make([]byte, 20)
	f, _ := os.Open(path)
	f.Read(head)
	f.Close()
	if head[18] != 1 || head[19] != 1 {
		t.Errorf("the copy's file format bytes are %d %d, want 1 1 (rollback journal)", head[18], head[19])
	}
	if _, err := store.CheckSQLiteFile(ctx, path, false); err != nil {
		t.Fatal(err)
	}
	titles := titlesIn(t, path)
	for i, title := range titles {
		if title != fmt.Sprintf("ghi %05d", i) {
			t.Fatalf("activity %d of the copy is %q", i, title)
		}
	}
	if int64(len(titles)) != info.Activities || len(titles) < 40 || len(titles) >= int(n.Load()) {
		t.Errorf("the copy holds %d activities (info %d); the writer wrote %d", len(titles), info.Activities, n.Load())
	}
	if entries, _ := os.ReadDir(filepath.Dir(path)); len(entries) != 1 {
		t.Errorf("files beside the copy: %v", entries)
	}

	// An existing file is not overwritten.
	if _, err := s.Backup(ctx, path); err == nil || !strings.Contains(err.Error(), "already exists") {
		t.Errorf("backup onto an existing file: %v", err)
	}
}

func TestBackupPostgres(t *testing.T) {
	s := storetest.OpenPostgres(t)
	if _, err := s.Backup(ctx, filepath.Join(t.TempDir(), "x.db")); !errors.Is(err, store.ErrPostgresBackup) {
		t.Errorf("PostgreSQL backup: %v", err)
	}
}

func TestRestore(t *testing.T) {
	s, _ := seededDir(t)
	a := sampleActivity()
	if _, err := s.CreateActivity(ctx, system, a); err != nil {
		t.Fatal(err)
	}
	backup := filepath.Join(t.TempDir(), "b.db")
	if _, err := s.Backup(ctx, backup); err != nil {
		t.Fatal(err)
	}

	// Into an empty (even missing) data directory.
	data := filepath.Join(t.TempDir(), "data")
	res, err := store.RestoreSQLite(ctx, backup, data, false, 200*time.Millisecond)
	if err != nil {
		t.Fatal(err)
	}
	if res.Activities != 1 || res.Previous != "" || res.Path != filepath.Join(data, store.SQLiteFile) {
		t.Errorf("result %+v", res)
	}
	if _, err := store.CheckSQLiteFile(ctx, res.Path, false); err != nil {
		t.Fatal(err)
	}

	// A server has it open: refused, even with force, and nothing changes.
	r, err := store.Open(ctx, data, "")
	if err != nil {
		t.Fatal(err)
	}
	if _, err := r.SchemaVersion(ctx); err != nil {
		t.Fatal(err)
	}
	if _, err := r.CreateActivity(ctx, system, a); err != nil {
		t.Fatal(err)
	}
	// The open server checkpoints its WAL every second, which rewrites
	// the database file's pages in place: what the refused restore must
	// leave alone is the directory's files (the same database file, no
	// backup of it, nothing new) and the data the server reads.
	names, dbFile := dirNames(t, data), filepath.Join(data, store.SQLiteFile)
	before, err := os.Stat(dbFile)
	if err != nil {
		t.Fatal(err)
	}
	start := time.Now()
	if _, err := store.RestoreSQLite(ctx, backup, data, true, 200*time.Millisecond); !errors.Is(err, store.ErrInUse) {
		t.Errorf("restore under a running server: %v", err)
	}
	if d := time.Since(start); d > 5*time.Second {
		t.Errorf("the lock check waited %v", d)
	}
	after, err := os.Stat(dbFile)
	if err != nil {
		t.Fatal(err)
	}
	if got := dirNames(t, data); got != names || !os.SameFile(before, after) {
		t.Errorf("a refused restore changed the data directory:\n%s\n%s (same database file: %v)", names, got, os.SameFile(before, after))
	}
	var n int
	if err := r.DB().QueryRowContext(ctx, `SELECT count(*) FROM activities`).Scan(&n); err != nil || n != 2 {
		t.Errorf("after a refused restore the server reads %d activities (%v), want 2", n, err)
	}
	r.Close()

	// A database with data: refused without force.
	state := dirState(t, data)
	if _, err := store.RestoreSQLite(ctx, backup, data, false, 200*time.Millisecond); !errors.Is(err, store.ErrHasData) || !strings.Contains(err.Error(), "2 activities") {
		t.Errorf("restore onto data: %v", err)
	}
	if got := dirState(t, data); got != state {
		t.Errorf("a refused restore changed the data directory:\n%s\n%s", state, got)
	}
	// With force: replaced, the previous database kept.
	res, err = store.RestoreSQLite(ctx, backup, data, true, 200*time.Millisecond)
	if err != nil {
		t.Fatal(err)
	}
	if res.Previous == "" || len(titlesIn(t, res.Previous)) != 2 || len(titlesIn(t, res.Path)) != 1 {
		t.Errorf("forced restore: %+v", res)
	}
	for _, stale := range []string{"-wal", "-shm"} {
		if _, err := os.Stat(res.Path + stale); err == nil {
			t.Errorf("%s left beside the restored database", stale)
		}
	}

	// Files that are not outreach backups: refused before anything changes.
	dir := t.TempDir()
	text := filepath.Join(dir, "notes.txt")
	os.WriteFile(text, []byte("không phải cơ sở dữ liệu\n"), 0o644)
	other := filepath.Join(dir, "other.db")
	db, _ := sql.Open("sqlite", other)
	db.Exec(`CREATE TABLE t (x); INSERT INTO t VALUES (1)`)
	db.Close()
	damaged := filepath.Join(dir, "damaged.db")
	b, _ := os.ReadFile(backup)
	for i := len(b) / 2; i < len(b)/2+4096; i++ {
		b[i] ^= 0x5a
	}
	os.WriteFile(damaged, b, 0o644)
	live := filepath.Join(dir, "live.db")
	os.WriteFile(live, mustRead(t, backup), 0o644)
	os.WriteFile(live+"-wal", []byte("frames"), 0o644)
	state = dirState(t, data)
	for name, path := range map[string]string{"text": text, "other program": other, "damaged": damaged, "live": live, "missing": filepath.Join(dir, "none.db")} {
		for _, force := range []bool{false, true} {
			_, err := store.RestoreSQLite(ctx, path, data, force, 200*time.Millisecond)
			t.Logf("%s (force %v): %v", name, force, err)
			if err == nil || (name != "missing" && !errors.Is(err, store.ErrNotBackup)) {
				t.Errorf("%s (force %v): %v", name, force, err)
			}
		}
		if got := dirState(t, data); got != state {
			t.Errorf("%s: a refused restore changed the data directory", name)
		}
	}
	// Refused into a fresh directory too, which is not created.
	fresh := filepath.Join(t.TempDir(), "fresh")
	if _, err := store.RestoreSQLite(ctx, text, fresh, false, 0); !errors.Is(err, store.ErrNotBackup) {
		t.Error(err)
	}
	if _, err := os.Stat(fresh); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("the data directory was created: %v", err)
	}
}

func mustRead(t *testing.T, path string) []byte {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	return b
}
