package main

import (
	"context"
	"crypto/sha256"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"outreach/internal/outreach"
	"outreach/internal/store"
)

// writerTitle names the activities the concurrent writer adds.
func writerTitle(i int64) string { return fmt.Sprintf("Ghi trong lúc sao lưu %06d", i) }

// writerActivity is a valid activity of the built-in plan.
func writerActivity(i int64) outreach.Activity {
	total := 40 + i%50
	return outreach.Activity{Plan: "bk-1368-2017", Agency: "bk-ca", Task: "V.3.2", Channel: "IV.5", Themes: []string{"III.3"},
		Title: writerTitle(i), StartDate: "2020-11-20", EndDate: "2020-11-20", Units: []string{"02155"},
		Quantities: []outreach.ActivityQuantity{{Kind: "sessions", Value: 1}}, Audience: outreach.Audience{Total: &total},
		Cost: 1_000_000, FundingSource: "ngan-sach"}
}

func sum(s string) string { return fmt.Sprintf("%x", sha256.Sum256([]byte(s)))[:16] }

// fileState is the SHA-256 of every file in dir.
func fileState(t *testing.T, dir string) map[string]string {
	t.Helper()
	out := map[string]string{}
	entries, _ := os.ReadDir(dir)
	for _, e := range entries {
		b, err := os.ReadFile(filepath.Join(dir, e.Name()))
		if err != nil {
			t.Fatal(err)
		}
		out[e.Name()] = sum(string(b))
	}
	return out
}

func sameState(a, b map[string]string) bool {
	if len(a) != len(b) {
		return false
	}
	for k, v := range a {
		if b[k] != v {
			return false
		}
	}
	return true
}

func TestBackupRestoreWhileWriting(t *testing.T) {
	c := cli{t: t, env: map[string]string{}}
	data := t.TempDir()
	if code, _, errs := c.run("", "demo", "--data", data); code != exitOK {
		t.Fatalf("demo: %d %s", code, errs)
	}
	export := func(what, dir string) string {
		t.Helper()
		code, out, errs := c.run("", "export", what, "--plan", "bk-1368-2017", "--format", "csv", "--data", dir)
		if code != exitOK || out == "" {
			t.Fatalf("export %s from %s: %d %s", what, dir, code, errs)
		}
		return out
	}

	// A writer keeps adding activities through the store, as the server
	// would, while the backup runs.
	s, err := store.Open(context.Background(), data, "")
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	var written atomic.Int64
	stop := make(chan struct{})
	var wg sync.WaitGroup
	var werr error
	wg.Go(func() {
		for i := int64(0); ; i++ {
			select {
			case <-stop:
				return
			default:
			}
			if _, err := s.CreateActivity(context.Background(), outreach.SystemActor("test"), writerActivity(i)); err != nil {
				werr = err
				return
			}
			written.Store(i + 1)
		}
	})
	for written.Load() < 20 {
		time.Sleep(time.Millisecond)
	}
	backup := filepath.Join(t.TempDir(), "outreach-backup.db")
	code, out, errs := c.run("", "backup", backup, "--data", data)
	atBackup := written.Load()
	for written.Load() < atBackup+20 && werr == nil {
		time.Sleep(time.Millisecond)
	}
	close(stop)
	wg.Wait()
	if werr != nil {
		t.Fatal(werr)
	}
	if code != exitOK || !strings.HasPrefix(out, "backup written to "+backup) {
		t.Fatalf("backup: %d %q %s", code, out, errs)
	}
	t.Logf("%s(the writer had committed %d activities when the backup returned, %d in all)", out, atBackup, written.Load())

	// Restore into a fresh data directory.
	fresh := filepath.Join(t.TempDir(), "restored")
	code, out, errs = c.run("", "restore", backup, "--data", fresh)
	if code != exitOK || !strings.Contains(out, "restored "+backup) {
		t.Fatalf("restore: %d %q %s", code, out, errs)
	}
	restored := filepath.Join(fresh, store.SQLiteFile)
	if _, err := store.CheckSQLiteFile(context.Background(), restored, false); err != nil {
		t.Fatalf("the restored database: %v", err)
	}

	// The backup file itself, opened as a data directory, exports the same
	// bytes as the restored database.
	asData := t.TempDir()
	if err := os.WriteFile(filepath.Join(asData, store.SQLiteFile), mustReadFile(t, backup), 0o600); err != nil {
		t.Fatal(err)
	}
	restoredActs, restoredDists := export("activities", fresh), export("distributions", fresh)
	if got := export("activities", asData); got != restoredActs {
		t.Errorf("activities: restored %s, backup file %s", sum(restoredActs), sum(got))
	}
	if got := export("distributions", asData); got != restoredDists {
		t.Errorf("distributions: restored %s, backup file %s", sum(restoredDists), sum(got))
	}

	// The source as it stood at one moment during the backup: the writer's
	// activities 0…k-1 (no gap), and everything else as the source has it.
	k := int64(strings.Count(restoredActs, "Ghi trong lúc sao lưu "))
	if k < 20 || k > atBackup {
		t.Errorf("the backup holds %d of the writer's activities; %d were committed before it started and %d when it returned", k, 20, atBackup)
	}
	var kept []string
	for line := range strings.Lines(export("activities", data)) {
		var i int64
		if j := strings.Index(line, "Ghi trong lúc sao lưu "); j >= 0 {
			fmt.Sscanf(line[j+len("Ghi trong lúc sao lưu "):], "%d", &i)
			if i >= k {
				continue
			}
		}
		kept = append(kept, line)
	}
	if source := strings.Join(kept, ""); source != restoredActs {
		t.Errorf("activities: source at backup time %s, restored %s", sum(source), sum(restoredActs))
	}
	if source := export("distributions", data); source != restoredDists {
		t.Errorf("distributions: source %s, restored %s", sum(source), sum(restoredDists))
	}
	t.Logf("activities export %s (%d lines), distributions export %s", sum(restoredActs), strings.Count(restoredActs, "\n"), sum(restoredDists))

	// Restore onto a database with data, without --force: refused, nothing changed.
	before := fileState(t, fresh)
	code, _, errs = c.run("", "restore", backup, "--data", fresh)
	if code != exitInvalid || !strings.Contains(errs, "--force") {
		t.Errorf("restore without --force onto data: %d %s", code, errs)
	}
	if !sameState(before, fileState(t, fresh)) {
		t.Error("a refused restore changed the data directory")
	}
	// A file that is not a database: refused, nothing changed, even with --force.
	junk := filepath.Join(t.TempDir(), "outreach.db")
	os.WriteFile(junk, []byte("Tên hoạt động,Ngày bắt đầu\nHội nghị,01/02/2019\n"), 0o644)
	for _, args := range [][]string{{"restore", junk, "--data", fresh}, {"restore", "--force", junk, "--data", fresh}} {
		code, _, errs = c.run("", args...)
		if code != exitInvalid || !strings.Contains(errs, "not an outreach database") {
			t.Errorf("%v: %d %s", args, code, errs)
		}
	}
	if !sameState(before, fileState(t, fresh)) {
		t.Error("a refused restore changed the data directory")
	}
	// With --force: replaced, the previous database kept beside it.
	code, out, errs = c.run("", "restore", backup, "--data", fresh, "--force")
	if code != exitOK || !strings.Contains(out, "before-restore-") {
		t.Errorf("restore --force: %d %s %s", code, out, errs)
	}
}

func TestBackupRestoreUsage(t *testing.T) {
	c := cli{t: t, env: map[string]string{}}
	data := t.TempDir()
	file := filepath.Join(t.TempDir(), "b.db")
	if code, _, errs := c.run("", "backup", file, "--data", data); code != exitInvalid || !strings.Contains(errs, "no database in") {
		t.Errorf("backup of nothing: %d %s", code, errs)
	}
	if _, err := os.Stat(filepath.Join(data, store.SQLiteFile)); err == nil {
		t.Error("backup created a database")
	}
	if code, _, _ := c.run("", "migrate", "--data", data); code != exitOK {
		t.Fatal("migrate")
	}
	if code, _, errs := c.run("", "backup", file, "--data", data); code != exitOK {
		t.Fatalf("backup: %d %s", code, errs)
	}
	if code, _, errs := c.run("", "backup", file, "--data", data); code != exitInvalid || !strings.Contains(errs, "already exists") {
		t.Errorf("backup onto a file: %d %s", code, errs)
	}
	for _, args := range [][]string{{"backup"}, {"restore"}, {"backup", "a", "b"}, {"restore", "--frobnicate", file}} {
		if code, _, _ := c.run("", args...); code != exitUsage {
			t.Errorf("%v: exit %d", args, code)
		}
	}
	pg := cli{t: t, env: map[string]string{"OUTREACH_DATABASE_URL": "postgres://nobody@127.0.0.1:1/none"}}
	for _, cmd := range []string{"backup", "restore"} {
		if code, _, errs := pg.run("", cmd, file); code != exitInvalid || !strings.Contains(errs, "pg_dump --format=custom") || !strings.Contains(errs, "pg_restore") {
			t.Errorf("%s on PostgreSQL: %d %s", cmd, code, errs)
		}
	}
}

func mustReadFile(t *testing.T, path string) []byte {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	return b
}
