package main

import (
	"bytes"
	"crypto/sha256"
	"database/sql"
	"fmt"
	"io"
	"mime/multipart"
	"net/http"
	"net/textproto"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	_ "modernc.org/sqlite"

	"outreach/internal/store"
	"outreach/internal/tabular/tabulartest"
	"outreach/internal/web"
)

// heapBudget is how much the server's peak resident memory may grow while
// it refuses one hostile request.
const heapBudget = 64 << 20

// TestHostileRequests posts each hostile body of the outside test that
// once took the server down to the real binary, started with a TMPDIR of
// its own: a 100 MB anonymous login (with and without a length), an XLSX
// holding one 300 MB cell, a CSV header of 500,000 columns, an XLSX of
// ten million empty rows (900 MB of sheet XML) and a 10 MB form. Each
// must get a 4xx with a message saying why, leave the temporary directory
// empty and every table unchanged, and raise the server's peak resident
// memory (VmHWM) by less than 64 MB. The time each refusal took is
// logged (go test -v -run TestHostileRequests ./cmd/outreach): it is a
// measurement for docs/benchmarks.md, not an assertion.
func TestHostileRequests(t *testing.T) {
	if runtime.GOOS != "linux" {
		t.Skip("SKIPPED: reads the server's peak memory from /proc")
	}
	bin := filepath.Join(t.TempDir(), "outreach")
	if out, err := exec.Command("go", "build", "-o", bin, ".").CombinedOutput(); err != nil {
		t.Fatalf("go build: %v\n%s", err, out)
	}
	data, tmp := t.TempDir(), t.TempDir()
	const password = "một mật khẩu đủ dài"
	c := cli{t: t, env: map[string]string{}}
	for _, u := range [][]string{{"dieuphoi", "coordinator"}, {"lanhdao", "viewer"}} {
		if code, _, errs := c.run(password+"\n", "user", "add", "--data", data, "--username", u[0], "--name", u[0], "--role", u[1], "--password-stdin"); code != exitOK {
			t.Fatal(errs)
		}
	}
	srv := startServer(t, bin, data, "TMPDIR="+tmp)
	cmd, base := srv.cmd, "http://"+srv.host
	client := &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	login := func(username string) string {
		resp, err := client.PostForm(base+"/login", url.Values{"username": {username}, "password": {password}})
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		for _, ck := range resp.Cookies() {
			if ck.Name == web.SessionCookie {
				return ck.Value
			}
		}
		t.Fatalf("login %s: %d", username, resp.StatusCode)
		return ""
	}
	coord, viewer := login("dieuphoi"), login("lanhdao")
	send := func(session, path, contentType string, body io.Reader, length int64) (int, string) {
		t.Helper()
		req, _ := http.NewRequest("POST", base+path, body)
		req.ContentLength = length
		req.Header.Set("Content-Type", contentType)
		if session != "" {
			req.AddCookie(&http.Cookie{Name: web.SessionCookie, Value: session})
		}
		resp, err := client.Do(req)
		if err != nil {
			t.Fatalf("%s: %v", path, err)
		}
		defer resp.Body.Close()
		page, _ := io.ReadAll(resp.Body)
		return resp.StatusCode, string(page)
	}
	upload := func(session, path, name string, file []byte) (int, string) {
		var b bytes.Buffer
		mw := multipart.NewWriter(&b)
		fw, _ := mw.CreateFormFile("file", name)
		fw.Write(file)
		mw.Close()
		return send(session, path, mw.FormDataContentType(), bytes.NewReader(b.Bytes()), int64(b.Len()))
	}
	// Warm up: a real preview and a page, so that the baseline holds what
	// any working server holds.
	if status, page := upload(coord, "/activities/import?plan=bk-1368-2017", "hoat-dong.csv",
		[]byte(activitiesHeader+"bk-hlhpn,,IV.4,III.5,Hội nghị hưởng ứng Ngày 30/7,30/07/2019,,Toàn tỉnh,1,300,250,,\n")); status != 200 {
		t.Fatalf("a real preview: %d %.300s", status, page)
	}
	db, err := sql.Open("sqlite", "file:"+filepath.Join(data, store.SQLiteFile)+"?mode=ro")
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	before := tableDigests(t, db)

	hugeCell := generated(t, func(w io.Writer) error { return tabulartest.HugeCellXLSX(w, 300<<20) })
	bigCell := generated(t, func(w io.Writer) error { return tabulartest.HugeCellXLSX(w, 100<<20) })
	wide := generated(t, func(w io.Writer) error { return tabulartest.WideCSV(w, 500_000) })
	emptyRows := generated(t, func(w io.Writer) error { return tabulartest.EmptyRowsXLSX(w, 10_000_000) })
	someEmptyRows := generated(t, func(w io.Writer) error { return tabulartest.EmptyRowsXLSX(w, 1_000_000) })
	t.Logf("hostile files: one-cell XLSX %d KB, wide CSV %d KB, empty-rows XLSX %d KB", len(hugeCell)>>10, len(wide)>>10, len(emptyRows)>>10)
	loginBody := func() (io.Reader, string, int64) {
		var head bytes.Buffer
		mw := multipart.NewWriter(&head)
		mw.WriteField("username", "x")
		mw.WriteField("password", "y")
		h := textproto.MIMEHeader{}
		h.Set("Content-Disposition", `form-data; name="file"; filename="big.bin"`)
		mw.CreatePart(h)
		tail := "\r\n--" + mw.Boundary() + "--\r\n"
		const size = 100 << 20
		return io.MultiReader(bytes.NewReader(head.Bytes()), io.LimitReader(zeros{}, size), strings.NewReader(tail)),
			mw.FormDataContentType(), int64(head.Len()) + size + int64(len(tail))
	}
	baseline := peakRSS(t, cmd.Process.Pid)
	for _, c := range []struct {
		name string
		run  func() (int, string)
		want int
		says string
	}{
		{"a 100 MB anonymous login", func() (int, string) {
			body, ct, n := loginBody()
			return send("", "/login", ct, body, n)
		}, 413, "quá lớn"},
		{"a 100 MB anonymous login without a length", func() (int, string) {
			body, ct, _ := loginBody()
			return send("", "/login", ct, body, -1)
		}, 413, "quá lớn"},
		{"a viewer's XLSX with a 300 MB cell", func() (int, string) {
			return upload(viewer, "/activities/import?plan=bk-1368-2017", "o-lon.xlsx", hugeCell)
		}, 403, "không có quyền"},
		{"an XLSX with a 300 MB cell", func() (int, string) {
			return upload(coord, "/activities/import?plan=bk-1368-2017", "o-lon.xlsx", hugeCell)
		}, 422, "lớn quá 256 MB"},
		{"an XLSX with a 100 MB cell (within the unzipped budget)", func() (int, string) {
			return upload(coord, "/activities/import?plan=bk-1368-2017", "o-lon-2.xlsx", bigCell)
		}, 422, "có ô dài quá 32767 ký tự"},
		{"a CSV header of 500,000 columns", func() (int, string) {
			return upload(coord, "/activities/import?plan=bk-1368-2017", "rong.csv", wide)
		}, 422, "dòng 1: có quá 256 cột"},
		{"an XLSX of ten million empty rows", func() (int, string) {
			return upload(coord, "/distributions/import?plan=bk-1368-2017", "dong-trong.xlsx", emptyRows)
		}, 422, "lớn quá 256 MB"},
		{"an XLSX of a million empty rows (within the unzipped budget)", func() (int, string) {
			return upload(coord, "/distributions/import?plan=bk-1368-2017", "dong-trong-2.xlsx", someEmptyRows)
		}, 422, "dòng trống"},
		{"a 10 MB urlencoded form", func() (int, string) {
			form := "title=" + strings.Repeat("x", 10<<20)
			return send(coord, "/activities", "application/x-www-form-urlencoded", strings.NewReader(form), int64(len(form)))
		}, 413, "quá lớn"},
	} {
		start := time.Now()
		status, page := c.run()
		took := time.Since(start)
		peak := peakRSS(t, cmd.Process.Pid)
		t.Logf("%s: %d in %v; peak RSS %d MB (baseline %d MB)", c.name, status, took.Round(time.Millisecond), peak>>20, baseline>>20)
		if status != c.want || !strings.Contains(page, c.says) {
			t.Errorf("%s: %d, want %d saying %q: %.400s", c.name, status, c.want, c.says, problemsOf(page))
		}
		if grew := peak - baseline; grew >= heapBudget {
			t.Errorf("%s: peak resident memory grew by %d MB", c.name, grew>>20)
		}
		if es, _ := os.ReadDir(tmp); len(es) > 0 {
			t.Errorf("%s: left %d files in TMPDIR (%s)", c.name, len(es), es[0].Name())
		}
		if diff := diffDigests(before, tableDigests(t, db)); len(diff) > 0 {
			t.Errorf("%s: changed %v", c.name, diff)
		}
	}
}

type zeros struct{}

func (zeros) Read(p []byte) (int, error) {
	clear(p)
	return len(p), nil
}

func generated(t *testing.T, gen func(io.Writer) error) []byte {
	t.Helper()
	var b bytes.Buffer
	if err := gen(&b); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

// peakRSS is a process's peak resident memory (VmHWM), in bytes.
func peakRSS(t *testing.T, pid int) int64 {
	t.Helper()
	status, err := os.ReadFile(fmt.Sprintf("/proc/%d/status", pid))
	if err != nil {
		t.Fatal(err)
	}
	for _, line := range strings.Split(string(status), "\n") {
		if v, ok := strings.CutPrefix(line, "VmHWM:"); ok {
			kb, err := strconv.ParseInt(strings.TrimSuffix(strings.TrimSpace(v), " kB"), 10, 64)
			if err != nil {
				t.Fatal(err)
			}
			return kb << 10
		}
	}
	t.Fatal("no VmHWM in /proc status")
	return 0
}

// tableDigests hashes every table's rows (sorted, so order does not count).
func tableDigests(t *testing.T, db *sql.DB) map[string]string {
	t.Helper()
	rows, err := db.Query(`SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name`)
	if err != nil {
		t.Fatal(err)
	}
	var tables []string
	for rows.Next() {
		var n string
		rows.Scan(&n)
		tables = append(tables, n)
	}
	rows.Close()
	out := map[string]string{}
	for _, table := range tables {
		rs, err := db.Query(`SELECT * FROM "` + table + `"`)
		if err != nil {
			t.Fatal(err)
		}
		cols, _ := rs.Columns()
		var lines []string
		for rs.Next() {
			vals := make([]any, len(cols))
			ptrs := make([]any, len(cols))
			for i := range vals {
				ptrs[i] = &vals[i]
			}
			if err := rs.Scan(ptrs...); err != nil {
				t.Fatal(err)
			}
			lines = append(lines, fmt.Sprintf("%q", vals))
		}
		rs.Close()
		slices.Sort(lines)
		out[table] = fmt.Sprintf("%d:%x", len(lines), sha256.Sum256([]byte(strings.Join(lines, "\n"))))
	}
	return out
}

func diffDigests(a, b map[string]string) []string {
	var diff []string
	for k, v := range b {
		if a[k] != v {
			diff = append(diff, k)
		}
	}
	slices.Sort(diff)
	return diff
}

// problemsOf cuts a page to its main part, for messages.
func problemsOf(page string) string {
	if i := strings.Index(page, "<main"); i >= 0 {
		return page[i:]
	}
	return page
}
