package web_test

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"mime/multipart"
	"net/http"
	"net/url"
	"os"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"outreach/internal/outreach"
	"outreach/internal/store"
	"outreach/internal/store/storetest"
)

// countingReader serves n bytes of filler and counts what was read. With
// hold set, it stops after holdAfter bytes until hold is closed.
type countingReader struct {
	left      int64
	read      atomic.Int64
	hold      chan struct{}
	holdAfter int64
}

func (c *countingReader) Read(p []byte) (int, error) {
	if c.left <= 0 {
		return 0, io.EOF
	}
	if c.hold != nil && c.read.Load() >= c.holdAfter {
		<-c.hold
		return 0, errors.New("held body released")
	}
	n := min(int64(len(p)), c.left)
	for i := range p[:n] {
		p[i] = 'x'
	}
	c.left -= n
	c.read.Add(n)
	return int(n), nil
}

// multipartBody streams a form with the fields and a file part of size
// bytes; chunked leaves the length unknown (Transfer-Encoding: chunked).
func multipartBody(fields map[string]string, file string, size int64) (io.Reader, string, *countingReader) {
	pr, pw := io.Pipe()
	mw := multipart.NewWriter(pw)
	filler := &countingReader{left: size}
	go func() {
		for k, v := range fields {
			mw.WriteField(k, v)
		}
		fw, _ := mw.CreateFormFile("file", file)
		if _, err := io.Copy(fw, filler); err != nil {
			pw.CloseWithError(err)
			return
		}
		pw.CloseWithError(mw.Close())
	}()
	return pr, mw.FormDataContentType(), filler
}

func (w *world) send(c *http.Client, req *http.Request) (int, string) {
	w.t.Helper()
	req.Header.Set("Origin", w.srv.URL)
	req.Header.Set("Sec-Fetch-Site", "same-origin")
	resp, err := c.Do(req)
	if err != nil {
		w.t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, string(b)
}

func emptyDir(t *testing.T, dir string) {
	t.Helper()
	es, err := os.ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	for _, e := range es {
		t.Errorf("left in the temporary directory: %s", e.Name())
	}
}

// TestBudgetLoginBody: an anonymous multipart login of 40 MB, sent with
// and without a length, is refused with 413 and leaves no temporary file
// (it used to read the body in full and leave its file part in $TMPDIR
// for ever).
func TestBudgetLoginBody(t *testing.T) {
	tmp := t.TempDir()
	t.Setenv("TMPDIR", tmp)
	w := newWorld(t, storetest.OpenSQLite(t))
	for _, chunked := range []bool{false, true} {
		body, ct, filler := multipartBody(map[string]string{"username": "x", "password": "y"}, "big.bin", 40<<20)
		req, _ := http.NewRequest("POST", w.srv.URL+"/login", body)
		if !chunked {
			data, _ := io.ReadAll(body)
			filler.read.Store(0)
			req, _ = http.NewRequest("POST", w.srv.URL+"/login", bytes.NewReader(data))
		}
		req.Header.Set("Content-Type", ct)
		status, page := w.send(w.browser(), req)
		if status != http.StatusRequestEntityTooLarge || !strings.Contains(page, "quá lớn") {
			t.Errorf("chunked %v: %d %.300s", chunked, status, page)
		}
		emptyDir(t, tmp)
	}
}

// TestBudgetUploadCheckedFirst: a viewer's upload to the import is refused
// before its body is read (it used to be parsed, and every problem built,
// before the role was checked); an upload over the limit is refused with
// 413 whether or not it announces its length.
func TestBudgetUploadCheckedFirst(t *testing.T) {
	tmp := t.TempDir()
	t.Setenv("TMPDIR", tmp)
	w := newWorld(t, storetest.OpenSQLite(t))
	viewer, coord := w.login("viewer"), w.login("coord")
	for _, kind := range []string{"activities", "distributions"} {
		// The body stops after 1 MB until the answer comes: a server that
		// read the upload before refusing would never answer. (net/http
		// itself reads up to 256 KB of a body the handler left, to keep
		// the connection.)
		body, ct, filler := multipartBody(map[string]string{"plan": "bk-1368-2017"}, "x.csv", 15<<20)
		filler.hold, filler.holdAfter = make(chan struct{}), 1<<20
		timer := time.AfterFunc(20*time.Second, func() { close(filler.hold) })
		req, _ := http.NewRequest("POST", w.srv.URL+"/"+kind+"/import?plan=bk-1368-2017", body)
		req.Header.Set("Content-Type", ct)
		status, _ := w.send(viewer, req)
		if !timer.Stop() {
			t.Errorf("%s: the server read a viewer's upload before refusing it", kind)
		} else {
			close(filler.hold)
		}
		if status != http.StatusForbidden {
			t.Errorf("%s: viewer's upload: %d, want 403", kind, status)
		}
	}
	body, ct, _ := multipartBody(nil, "x.csv", 30<<20)
	req, _ := http.NewRequest("POST", w.srv.URL+"/activities/import?plan=bk-1368-2017", body)
	req.Header.Set("Content-Type", ct)
	if status, page := w.send(coord, req); status != http.StatusRequestEntityTooLarge || !strings.Contains(page, "20 MB") {
		t.Errorf("a 30 MB upload, chunked: %d %.300s", status, page)
	}
	emptyDir(t, tmp)
}

// TestBudgetFormRefusedWhole: a report saved with a form over the limit is
// refused (413) and changes nothing (it used to save every narrative field
// blank and say "saved"); a 10 MB urlencoded form anywhere is refused.
func TestBudgetFormRefusedWhole(t *testing.T) {
	w := newWorld(t, storetest.OpenSQLite(t))
	police := w.login("police")
	rep, err := w.store.OpenReport(ctx, w.actor("police"), "bk-1368-2017", "bk-ca", outreach.Annual(2019), outreach.ReportAgency)
	if err != nil {
		t.Fatal(err)
	}
	path := fmt.Sprintf("/reports/%d", rep.ID)
	if resp := w.post(police, path, url.Values{"results": {"Kết quả đã đạt"}, "number": {"12/BC-CA"}}); resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("a normal save: %d", resp.StatusCode)
	}
	form := url.Values{"results": {strings.Repeat("a", 2<<20)}, "number": {""}}
	req, _ := http.NewRequest("POST", w.srv.URL+path, strings.NewReader(form.Encode()))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.ContentLength = -1 // no length announced: cut off while reading
	if status, page := w.send(police, req); status != http.StatusRequestEntityTooLarge || !strings.Contains(page, "không có gì được lưu") {
		t.Errorf("an oversized save: %d %.300s", status, page)
	}
	got, err := w.store.Report(ctx, w.actor("police"), rep.ID)
	if err != nil {
		t.Fatal(err)
	}
	if got.Narrative.Results != "Kết quả đã đạt" || got.Number != "12/BC-CA" {
		t.Errorf("the oversized save changed the report: %q %q", got.Narrative.Results, got.Number)
	}
	big := strings.NewReader("q=" + strings.Repeat("x", 10<<20))
	req, _ = http.NewRequest("POST", w.srv.URL+"/activities", big)
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	if status, _ := w.send(police, req); status != http.StatusRequestEntityTooLarge {
		t.Errorf("a 10 MB form: %d", status)
	}
	// The API says it in JSON.
	req, _ = http.NewRequest("POST", w.srv.URL+"/api/v1/activities", strings.NewReader(`{"title":"`+strings.Repeat("x", 2<<20)+`"}`))
	req.Header.Set("Authorization", "Bearer "+w.token("police"))
	if status, page := w.send(http.DefaultClient, req); status != http.StatusRequestEntityTooLarge || !strings.Contains(page, `"error"`) {
		t.Errorf("a 2 MB API body: %d %.200s", status, page)
	}
}

// TestBudgetPasswordChange: wrong current passwords are throttled like
// logins (they used to get 422 for ever), and then even the right one is
// refused until the window passes; a change revokes the user's API tokens
// and other sessions.
func TestBudgetPasswordChange(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) { budgetPasswordChange(t, newWorld(t, s)) })
}

func budgetPasswordChange(t *testing.T, w *world) {
	// A user changes their password: tokens and other sessions end.
	police, policeOther := w.login("police"), w.login("police")
	ptok := w.token("police")
	if code := w.call(ptok, "GET", "/api/v1/plans", "", nil); code != 200 {
		t.Fatalf("token before: %d", code)
	}
	if status, page := w.get(police, "/account"); status != 200 || !strings.Contains(page, "Mã truy cập API") || !strings.Contains(page, "mọi mã truy cập API") {
		t.Errorf("account page: %d", status)
	}
	resp := w.post(police, "/account/password", url.Values{"current": {password}, "new": {"mật khẩu mới dài"}, "again": {"mật khẩu mới dài"}})
	if resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("change: %d", resp.StatusCode)
	}
	if code := w.call(ptok, "GET", "/api/v1/plans", "", nil); code != http.StatusUnauthorized {
		t.Errorf("token after the change: %d, want 401", code)
	}
	if status, _ := w.get(policeOther, "/account"); status != http.StatusSeeOther {
		t.Errorf("other session after the change: %d, want a redirect to login", status)
	}
	if status, _ := w.get(police, "/account"); status != 200 {
		t.Errorf("the session that changed it: %d", status)
	}
	// Wrong current passwords of another user.
	viewer := w.login("viewer")
	other := w.login("viewer")
	tok := w.token("viewer")
	for i := range 5 {
		resp := w.post(viewer, "/account/password", url.Values{"current": {"sai mật khẩu"}, "new": {"mật khẩu mới dài"}, "again": {"mật khẩu mới dài"}})
		if resp.StatusCode != http.StatusUnprocessableEntity {
			t.Fatalf("wrong guess %d: %d", i+1, resp.StatusCode)
		}
	}
	resp = w.post(viewer, "/account/password", url.Values{"current": {password}, "new": {"mật khẩu mới dài"}, "again": {"mật khẩu mới dài"}})
	if resp.StatusCode != http.StatusTooManyRequests || resp.Header.Get("Retry-After") == "" {
		t.Fatalf("the sixth try: %d, want 429", resp.StatusCode)
	}
	// The login of the account is throttled too: one budget for guesses.
	if resp, _ := secLogin(t, w, nil, "viewer", password, nil); resp.StatusCode != http.StatusTooManyRequests {
		t.Errorf("login after five wrong current passwords: %d", resp.StatusCode)
	}

	// The viewer's own tokens and sessions stay: no change happened.
	if code := w.call(tok, "GET", "/api/v1/plans", "", nil); code != 200 {
		t.Errorf("viewer's token after refused changes: %d", code)
	}
	if status, _ := w.get(other, "/account"); status != 200 {
		t.Errorf("viewer's other session after refused changes: %d", status)
	}
}

// TestBudgetTokens: owners and admins list and revoke tokens; others
// cannot touch them.
func TestBudgetTokens(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) { budgetTokens(t, newWorld(t, s)) })
}

func budgetTokens(t *testing.T, w *world) {
	tok := w.token("union")
	ts, err := w.store.Tokens(ctx, w.actor("union"), "union")
	if err != nil || len(ts) != 1 {
		t.Fatalf("tokens: %v %v", ts, err)
	}
	id := fmt.Sprint(ts[0].ID)
	if resp := w.post(w.login("police"), "/tokens/"+id+"/revoke", nil); resp.StatusCode != http.StatusNotFound {
		t.Errorf("another user revokes: %d, want 404", resp.StatusCode)
	}
	if code := w.call(tok, "GET", "/api/v1/plans", "", nil); code != 200 {
		t.Errorf("token after a refused revoke: %d", code)
	}
	admin := w.login("admin")
	if status, page := w.get(admin, "/users"); status != 200 || !strings.Contains(page, "/tokens/"+id+"/revoke") {
		t.Errorf("the users page does not list the token: %d", status)
	}
	if resp := w.post(w.login("union"), "/tokens/"+id+"/revoke", nil); resp.StatusCode != http.StatusSeeOther {
		t.Errorf("owner revokes: %d", resp.StatusCode)
	}
	if code := w.call(tok, "GET", "/api/v1/plans", "", nil); code != http.StatusUnauthorized {
		t.Errorf("revoked token: %d", code)
	}
}

// TestBudgetLoginsFromOneOffice: eight colleagues logging in at once from
// one address all get in (logins in progress used to count as failures);
// twenty parallel wrong guesses get at most five answers of 401.
func TestBudgetLoginsFromOneOffice(t *testing.T) {
	w := newWorld(t, storetest.OpenSQLite(t))
	users := []string{"admin", "coord", "police", "union", "commune", "viewer"}
	for i := range 2 {
		u := fmt.Sprintf("office%d", i)
		w.addUser(u)
		users = append(users, u)
	}
	var wg sync.WaitGroup
	codes := make([]int, len(users))
	for i, u := range users {
		wg.Go(func() {
			resp, _ := secLogin(t, w, nil, u, password, nil)
			codes[i] = resp.StatusCode
		})
	}
	wg.Wait()
	for i, c := range codes {
		if c != http.StatusSeeOther {
			t.Errorf("%s logging in with colleagues: %d", users[i], c)
		}
	}
	var unauthorized atomic.Int32
	for range 20 {
		wg.Go(func() {
			resp, _ := secLogin(t, w, nil, "coord", "đoán sai", map[string]string{})
			if resp.StatusCode == http.StatusUnauthorized {
				unauthorized.Add(1)
			}
		})
	}
	wg.Wait()
	if n := unauthorized.Load(); n != 5 {
		t.Errorf("%d parallel guesses were checked, want 5", n)
	}
}

// TestBudgetStaticNoListing: /static/ lists nothing, files still serve.
func TestBudgetStaticNoListing(t *testing.T) {
	w := newWorld(t, storetest.OpenSQLite(t))
	for _, p := range []string{"/static/", "/static/css/", "/static/css"} {
		if status, _ := w.get(w.browser(), p); status != http.StatusNotFound && status != http.StatusMovedPermanently {
			t.Errorf("%s: %d", p, status)
		}
	}
	if status, _ := w.get(w.browser(), "/static/"); status != http.StatusNotFound {
		t.Errorf("/static/: %d", status)
	}
}

// TestBudgetConsolidatedBeforeIssue: the live consolidated figures are
// the coordinators' until the report is submitted.
func TestBudgetConsolidatedBeforeIssue(t *testing.T) {
	w := newWorld(t, storetest.OpenSQLite(t))
	path := "/plans/bk-1368-2017/reports/2019/consolidated/export?format=csv"
	for _, c := range []struct {
		user string
		want int
	}{{"viewer", 403}, {"police", 403}, {"commune", 403}, {"coord", 200}, {"admin", 200}} {
		if status, _ := w.get(w.login(c.user), path); status != c.want {
			t.Errorf("%s: %d, want %d", c.user, status, c.want)
		}
	}
}

// actor is the store's actor for a test user.
func (w *world) actor(username string) outreach.Actor {
	w.t.Helper()
	_, a, err := w.store.Authenticate(ctx, username, password)
	if err != nil {
		w.t.Fatal(err)
	}
	return a
}

// addUser adds a viewer with the test password.
func (w *world) addUser(username string) {
	w.t.Helper()
	if _, err := w.store.CreateUser(ctx, outreach.SystemActor("test"), store.NewUser{Username: username, Name: username, Role: outreach.RoleViewer, Password: password}); err != nil {
		w.t.Fatal(err)
	}
}

// TestBudgetUnitReporterSpendingForm: a commune official recording the
// police's activity with its cost gets the form back with the reason on
// the cost, not an error page; without the cost it is saved.
func TestBudgetUnitReporterSpendingForm(t *testing.T) {
	w := newWorld(t, storetest.OpenSQLite(t))
	commune := w.login("commune")
	form := activityForm()
	form.Set("units", "01840")
	form.Set("title", "Tuyên truyền tại phường Đức Xuân")
	req, _ := http.NewRequest("POST", w.srv.URL+"/activities", strings.NewReader(form.Encode()))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	status, page := w.send(commune, req)
	if status != http.StatusUnprocessableEntity || !strings.Contains(page, "kinh phí và nguồn kinh phí của hoạt động do chính cơ quan thực hiện ghi") || !strings.Contains(page, "Tuyên truyền tại phường Đức Xuân") {
		t.Fatalf("the police's cost from a commune: %d %.300s", status, problemText(page))
	}
	form.Del("cost")
	form.Del("funding_source")
	if resp := w.post(commune, "/activities", form); resp.StatusCode != http.StatusSeeOther {
		t.Errorf("without the cost: %d", resp.StatusCode)
	}
}

func problemText(page string) string {
	if i := strings.Index(page, `class="problem`); i >= 0 {
		return page[i:]
	}
	return page
}
