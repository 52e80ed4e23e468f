package main

import (
	"bufio"
	"bytes"
	"context"
	"database/sql"
	"errors"
	"fmt"
	"io"
	"mime/multipart"
	"net"
	"net/http"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"runtime"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"outreach/internal/exchange"
	"outreach/internal/outreach"
	"outreach/internal/setup"
	"outreach/internal/store"
	"outreach/internal/web"
)

// TestFaults runs the real binary, built once, through faults an
// installation meets: a killed import, a server stopped while it answers,
// a full disk and a locked database. Each leaves the database sound and
// every write whole or absent.
func TestFaults(t *testing.T) {
	if runtime.GOOS == "windows" {
		t.Skip("SKIPPED: the fault tests send POSIX signals and use ulimit; they run on Linux and macOS")
	}
	bin := filepath.Join(t.TempDir(), "outreach")
	build := exec.Command("go", "build", "-o", bin, ".")
	if out, err := build.CombinedOutput(); err != nil {
		t.Fatalf("go build: %v\n%s", err, out)
	}
	t.Run("KillImport", func(t *testing.T) { t.Parallel(); faultKillImport(t, bin) })
	t.Run("TermServe", func(t *testing.T) { t.Parallel(); faultTermServe(t, bin) })
	t.Run("FullDisk", func(t *testing.T) { t.Parallel(); faultFullDisk(t, bin) })
	t.Run("LockedDatabase", func(t *testing.T) { t.Parallel(); faultLocked(t, bin) })
}

// seededData returns a data directory whose database is migrated and
// seeded, closed (so its WAL is checkpointed and gone), and a file of n
// valid activities of the built-in plan (deterministic for a salt).
func seededData(t *testing.T, n int, salt string) (data, csv string) {
	t.Helper()
	ctx := context.Background()
	data = t.TempDir()
	s, err := store.Open(ctx, data, "")
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	if _, err := s.Migrate(ctx); err != nil {
		t.Fatal(err)
	}
	if _, _, err := setup.Seed(ctx, s, outreach.SystemActor("test")); err != nil {
		t.Fatal(err)
	}
	r, err := exchange.NewResolver(ctx, s, "bk-1368-2017")
	if err != nil {
		t.Fatal(err)
	}
	var communes []string
	for _, u := range r.Units {
		if u.IsCommune() && u.ValidAt("2019-01-01") {
			communes = append(communes, u.Code)
		}
	}
	agencies := []string{"bk-ca", "bk-hlhpn", "bk-stttt", "bk-sgddt", "bk-stp"}
	channels := []string{"IV.1", "IV.2", "IV.3", "IV.4", "IV.5", "IV.6"}
	items := make([]*store.ActivityView, n)
	for i := range items {
		day := fmt.Sprintf("2019-%02d-%02d", i%12+1, i%28+1)
		total, women := int64(30+i%200), int64(10+i%20)
		a := outreach.Activity{Agency: agencies[i%len(agencies)], Channel: channels[i%len(channels)], Themes: []string{"III.3", "III.4"},
			Title: fmt.Sprintf("%s tuyên truyền số %d", salt, i+1), StartDate: day, EndDate: day,
			Units:      []string{communes[i%len(communes)]},
			Quantities: []outreach.ActivityQuantity{{Kind: "sessions", Value: 1}, {Kind: "participants", Value: float64(total)}},
			Audience:   outreach.Audience{Total: &total, Women: &women},
			Cost:       int64(i%10) * 500_000, FundingSource: "ngan-sach"}
		items[i] = &store.ActivityView{Activity: a}
	}
	var buf bytes.Buffer
	if err := exchange.ExportActivities(&buf, "csv", items, r); err != nil {
		t.Fatal(err)
	}
	csv = filepath.Join(t.TempDir(), salt+".csv")
	if err := os.WriteFile(csv, buf.Bytes(), 0o644); err != nil {
		t.Fatal(err)
	}
	return data, csv
}

// dbState opens the database as the next server start would, and returns
// its activity and import counts and PRAGMA integrity_check's verdict.
func dbState(t *testing.T, data string) (activities, imports int64, integrity string) {
	t.Helper()
	ctx := context.Background()
	s, err := store.OpenSQLite(ctx, filepath.Join(data, store.SQLiteFile))
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	db := s.DB()
	rows, err := db.QueryContext(ctx, `PRAGMA integrity_check`)
	if err != nil {
		t.Fatal(err)
	}
	var lines []string
	for rows.Next() {
		var l string
		rows.Scan(&l)
		lines = append(lines, l)
	}
	rows.Close()
	if err := db.QueryRowContext(ctx, `SELECT count(*) FROM activities`).Scan(&activities); err != nil {
		t.Fatal(err)
	}
	if err := db.QueryRowContext(ctx, `SELECT count(*) FROM imports`).Scan(&imports); err != nil {
		t.Fatal(err)
	}
	// The rollups must agree with the records: nothing half-counted.
	drift, err := s.RollupDrift(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if len(drift) > 0 {
		lines = append(lines, fmt.Sprintf("rollup drift: %v", drift))
	}
	return activities, imports, strings.Join(lines, "; ")
}

// runBin runs the binary to its end and returns its exit code and output.
func runBin(t *testing.T, bin string, args ...string) (int, string, string) {
	t.Helper()
	cmd := exec.Command(bin, args...)
	cmd.Env = append(os.Environ(), "OUTREACH_DATABASE_URL=")
	var out, errb bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &errb
	err := cmd.Run()
	var ee *exec.ExitError
	if err != nil && !errors.As(err, &ee) {
		t.Fatal(err)
	}
	return cmd.ProcessState.ExitCode(), out.String(), errb.String()
}

// (1) SIGKILL during a 100,000-row import: the import is whole or absent.
func faultKillImport(t *testing.T, bin string) {
	const n = 100_000
	data, csv := seededData(t, n, "Kill")
	wal := filepath.Join(data, store.SQLiteFile+"-wal")
	cmd := exec.Command(bin, "import", "activities", csv, "--plan", "bk-1368-2017", "--data", data)
	cmd.Env = append(os.Environ(), "OUTREACH_DATABASE_URL=")
	var errb bytes.Buffer
	cmd.Stderr = &errb
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	exited := make(chan struct{})
	go func() { cmd.Wait(); close(exited) }()
	// The file is read and checked first, then one transaction writes
	// it; with 100,000 rows it outgrows the page cache and spills into the
	// WAL long before its commit. Kill it there, some megabytes in.
	start := time.Now()
	var size int64
	for size < 4<<20 {
		select {
		case <-exited:
			t.Fatalf("the import ended before it could be killed: %s", errb.String())
		case <-time.After(time.Millisecond):
		}
		if fi, err := os.Stat(wal); err == nil {
			size = fi.Size()
		}
		if time.Since(start) > 5*time.Minute {
			t.Fatal("the import never wrote")
		}
	}
	cmd.Process.Signal(syscall.SIGKILL)
	<-exited
	t.Logf("killed %v after start, with a %d-byte WAL", time.Since(start).Round(time.Millisecond), size)

	acts, imports, integrity := dbState(t, data)
	if integrity != "ok" {
		t.Fatalf("after the kill: integrity %s", integrity)
	}
	switch {
	case acts == 0 && imports == 0:
		t.Logf("the killed import left nothing")
	case acts == n && imports == 1:
		t.Logf("the import had committed before the kill")
	default:
		t.Fatalf("after the kill: %d activities, %d imports: a half import", acts, imports)
	}
	code, out, errs := runBin(t, bin, "import", "activities", csv, "--plan", "bk-1368-2017", "--data", data)
	if acts == 0 {
		if code != exitOK || !strings.HasPrefix(out, "100.000 hoạt động đã nhập") {
			t.Fatalf("import again: %d %s %s", code, out, errs)
		}
	} else if code != exitInvalid || !strings.Contains(errs, "đã được nhập") {
		t.Fatalf("import again after a committed import: %d %s %s", code, out, errs)
	}
	if acts, imports, integrity := dbState(t, data); acts != n || imports != 1 || integrity != "ok" {
		t.Errorf("at the end: %d activities, %d imports, integrity %s", acts, imports, integrity)
	}
}

var listening = regexp.MustCompile(`listening on http://(\S+)`)

// (2) SIGTERM while a request is in flight (a file upload whose body is
// still arriving): it is answered in full, then the server exits 0.
// Meanwhile an online backup of the running server's database works, and
// a restore onto it is refused until the server has stopped.
func faultTermServe(t *testing.T, bin string) {
	data := t.TempDir()
	const password = "một mật khẩu đủ dài"
	c := cli{t: t, env: map[string]string{}}
	if code, _, errs := c.run(password+"\n", "user", "add", "--data", data, "--username", "dieuphoi", "--name", "Điều phối", "--role", "coordinator", "--password-stdin"); code != exitOK {
		t.Fatal(errs)
	}
	srv := startServer(t, bin, data)
	cmd, exited, host, errb := srv.cmd, srv.exited, srv.host, &srv.stderr

	// Backup of the live database from another process; restore refused.
	backup := filepath.Join(t.TempDir(), "live.db")
	if code, out, errs := runBin(t, bin, "backup", backup, "--data", data); code != exitOK {
		t.Fatalf("backup of a running server: %d %s %s", code, out, errs)
	}
	if code, _, errs := runBin(t, bin, "restore", backup, "--data", data, "--force"); code != exitInvalid || !strings.Contains(errs, "in use") {
		t.Errorf("restore under a running server: %d %s", code, errs)
	}

	client := &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	resp, err := client.PostForm("http://"+host+"/login", url.Values{"username": {"dieuphoi"}, "password": {password}})
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	var session string
	for _, ck := range resp.Cookies() {
		if ck.Name == web.SessionCookie {
			session = ck.Value
		}
	}
	if resp.StatusCode != http.StatusSeeOther || session == "" {
		t.Fatalf("login: %d %v", resp.StatusCode, resp.Cookies())
	}

	// The upload: headers and half the body, SIGTERM, then the rest.
	var body bytes.Buffer
	mw := multipart.NewWriter(&body)
	fw, _ := mw.CreateFormFile("file", "cham.csv")
	io.WriteString(fw, activitiesHeader+"bk-hlhpn,,IV.4,III.5,Hội nghị hưởng ứng Ngày 30/7,30/07/2019,,Toàn tỉnh,1,300,250,,\n")
	mw.Close()
	conn, err := net.Dial("tcp", host)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	fmt.Fprintf(conn, "POST /activities/import?plan=bk-1368-2017 HTTP/1.1\r\nHost: %s\r\nCookie: %s=%s\r\nContent-Type: %s\r\nContent-Length: %d\r\n\r\n",
		host, web.SessionCookie, session, mw.FormDataContentType(), body.Len())
	half := body.Len() / 2
	conn.Write(body.Bytes()[:half])
	time.Sleep(300 * time.Millisecond) // the handler is reading the body
	if err := cmd.Process.Signal(syscall.SIGTERM); err != nil {
		t.Fatal(err)
	}
	select {
	case err := <-exited:
		t.Fatalf("the server exited with a request in flight: %v\n%s", err, errb.String())
	case <-time.After(time.Second):
	}
	if !strings.Contains(errb.String(), "shutting down") {
		t.Errorf("no shutdown in the log: %s", errb.String())
	}
	conn.Write(body.Bytes()[half:])
	conn.SetReadDeadline(time.Now().Add(30 * time.Second))
	resp, err = http.ReadResponse(bufio.NewReader(conn), nil)
	if err != nil {
		t.Fatalf("the request in flight: %v\n%s", err, errb.String())
	}
	page, err := io.ReadAll(resp.Body)
	resp.Body.Close()
	if err != nil || resp.StatusCode != http.StatusOK || !strings.Contains(string(page), "cham.csv") {
		t.Errorf("the request in flight: %d %v\n%.500s", resp.StatusCode, err, page)
	}
	select {
	case err := <-exited:
		if err != nil {
			t.Errorf("the server's exit: %v\n%s", err, errb.String())
		}
	case <-time.After(30 * time.Second):
		t.Fatalf("the server did not exit after SIGTERM\n%s", errb.String())
	}
	if c, err := net.DialTimeout("tcp", host, time.Second); err == nil {
		c.Close()
		t.Error("the server still accepts connections")
	}
	// Stopped: now the restore goes through, and the database is sound.
	if code, _, errs := runBin(t, bin, "restore", backup, "--data", data, "--force"); code != exitOK {
		t.Errorf("restore after the server stopped: %d %s", code, errs)
	}
	if _, _, integrity := dbState(t, data); integrity != "ok" {
		t.Errorf("after the restore: %s", integrity)
	}
}

// server is the binary serving on a free loopback port.
type server struct {
	cmd    *exec.Cmd
	host   string
	exited chan error
	stderr syncBuffer
}

// startServer runs `serve` on the data directory, with extra environment
// entries, and waits for it to listen; the test's end kills it.
func startServer(t *testing.T, bin, data string, env ...string) *server {
	t.Helper()
	srv := &server{cmd: exec.Command(bin, "serve", "--addr", "127.0.0.1:0", "--data", data), exited: make(chan error, 1)}
	srv.cmd.Env = append(append(os.Environ(), "OUTREACH_DATABASE_URL=", "OUTREACH_SMTP_HOST="), env...)
	stdout, err := srv.cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	srv.cmd.Stderr = &srv.stderr
	if err := srv.cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { srv.cmd.Process.Kill() })
	addr := make(chan string, 1)
	go func() {
		sc := bufio.NewScanner(stdout)
		for sc.Scan() {
			if m := listening.FindStringSubmatch(sc.Text()); m != nil {
				addr <- m[1]
			}
		}
		srv.exited <- srv.cmd.Wait()
	}()
	select {
	case srv.host = <-addr:
	case <-time.After(60 * time.Second):
		t.Fatalf("the server did not start: %s", srv.stderr.String())
	}
	return srv
}

// syncBuffer is a bytes.Buffer safe for a process writing to it while
// the test reads it.
type syncBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (b *syncBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.Write(p)
}

func (b *syncBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.String()
}

// (3) The disk fills during an import. Without root there is no small
// file system to fill, so two stand-ins: PRAGMA max_page_count on the
// store's write connection (SQLite answers SQLITE_FULL, as on ENOSPC) for
// the store call the command makes, and the binary under a file size
// limit (ulimit -f: writes past it fail with EFBIG, which SQLite reports
// as an I/O error). Each fails with a clear message and writes nothing;
// with room again, the same file imports whole.
func faultFullDisk(t *testing.T, bin string) {
	const n = 20_000
	ctx := context.Background()
	data, csv := seededData(t, n, "Full")
	db := filepath.Join(data, store.SQLiteFile)

	s, err := store.OpenSQLite(ctx, db)
	if err != nil {
		t.Fatal(err)
	}
	var pages int64
	if err := s.DB().QueryRowContext(ctx, `PRAGMA page_count`).Scan(&pages); err != nil {
		t.Fatal(err)
	}
	if err := s.ExecWriter(ctx, fmt.Sprintf(`PRAGMA max_page_count = %d`, pages+50)); err != nil {
		t.Fatal(err)
	}
	r, err := exchange.NewResolver(ctx, s, "bk-1368-2017")
	if err != nil {
		t.Fatal(err)
	}
	tbl, file, err := readTable(context.Background(), csv)
	if err != nil {
		t.Fatal(err)
	}
	rows, problems := exchange.ParseActivities(tbl, file.Name, r, "")
	if len(problems) > 0 {
		t.Fatal(problems[0])
	}
	_, err = s.ImportActivities(ctx, outreach.SystemActor("cli"), "bk-1368-2017", file, rows)
	s.Close()
	if err == nil || !strings.Contains(err.Error(), "the disk is full; nothing was written") {
		t.Errorf("import past max_page_count: %v", err)
	}
	if acts, imports, integrity := dbState(t, data); acts != 0 || imports != 0 || integrity != "ok" {
		t.Fatalf("after SQLITE_FULL: %d activities, %d imports, integrity %s", acts, imports, integrity)
	}

	// The binary under a file size limit: room for 2 MB of WAL and no
	// more (in 512-byte blocks); the database file itself, larger since
	// it holds the national register, is only read (the limit bounds
	// writes, not reads).
	limit := int64(2 << 20 / 512)
	script := fmt.Sprintf(`ulimit -f %d && exec "$0" "$@"`, limit)
	cmd := exec.Command("/bin/sh", "-c", script, bin, "import", "activities", csv, "--plan", "bk-1368-2017", "--data", data)
	cmd.Env = append(os.Environ(), "OUTREACH_DATABASE_URL=")
	var out, errb bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &errb
	cmd.Run()
	code := cmd.ProcessState.ExitCode()
	t.Logf("under ulimit -f %d: exit %d: %s", limit, code, errb.String())
	if code != exitInvalid || !strings.Contains(errb.String(), "could not be written (disk full") || !strings.Contains(errb.String(), "nothing was written") {
		t.Errorf("import past the file size limit: exit %d, %q %q", code, out.String(), errb.String())
	}
	if acts, imports, integrity := dbState(t, data); acts != 0 || imports != 0 || integrity != "ok" {
		t.Fatalf("after the file size limit: %d activities, %d imports, integrity %s", acts, imports, integrity)
	}

	// Room again: the same file imports whole.
	if code, out, errs := runBin(t, bin, "import", "activities", csv, "--plan", "bk-1368-2017", "--data", data); code != exitOK {
		t.Fatalf("import with room: %d %s %s", code, out, errs)
	}
	if acts, imports, integrity := dbState(t, data); acts != n || imports != 1 || integrity != "ok" {
		t.Errorf("at the end: %d activities, %d imports, integrity %s", acts, imports, integrity)
	}
}

// (4) Another connection holds the write lock: a write command waits its
// busy timeout (10 s), then fails clearly; nothing is damaged.
func faultLocked(t *testing.T, bin string) {
	data, csv := seededData(t, 50, "Lock")
	ctx := context.Background()
	db, err := sql.Open("sqlite", "file:"+filepath.Join(data, store.SQLiteFile))
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	conn, err := db.Conn(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := conn.ExecContext(ctx, `BEGIN EXCLUSIVE`); err != nil {
		t.Fatal(err)
	}
	start := time.Now()
	code, out, errs := runBin(t, bin, "import", "activities", csv, "--plan", "bk-1368-2017", "--data", data)
	took := time.Since(start)
	t.Logf("exit %d after %v: %s", code, took.Round(time.Millisecond), errs)
	if code != exitInvalid || !strings.Contains(errs, "database is locked") {
		t.Errorf("write under a lock: %d %q %q", code, out, errs)
	}
	if _, err := conn.ExecContext(ctx, `ROLLBACK`); err != nil {
		t.Fatal(err)
	}
	conn.Close()
	db.Close()
	if acts, imports, integrity := dbState(t, data); acts != 0 || imports != 0 || integrity != "ok" {
		t.Fatalf("after the lock: %d activities, %d imports, integrity %s", acts, imports, integrity)
	}
	if code, out, errs := runBin(t, bin, "import", "activities", csv, "--plan", "bk-1368-2017", "--data", data); code != exitOK {
		t.Fatalf("import once the lock is gone: %d %s %s", code, out, errs)
	}
}
