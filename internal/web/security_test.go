package web_test

import (
	"archive/zip"
	"bufio"
	"bytes"
	"fmt"
	"io"
	"log/slog"
	"mime"
	"mime/multipart"
	"net"
	"net/http"
	"net/http/httptest"
	"net/url"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"outreach/internal/outreach"
	"outreach/internal/store"
	"outreach/internal/store/storetest"
	"outreach/internal/web"
)

// secServe serves the world's store again with options (a trusted proxy,
// a clock, TLS) and returns a world that talks to that server.
func secServe(t *testing.T, w *world, o web.Options, tls bool) *world {
	t.Helper()
	o.Logger = slog.New(slog.NewTextHandler(io.Discard, nil))
	h, err := web.New(w.store, o)
	if err != nil {
		t.Fatal(err)
	}
	var srv *httptest.Server
	if tls {
		srv = httptest.NewTLSServer(h)
	} else {
		srv = httptest.NewServer(h)
	}
	t.Cleanup(srv.Close)
	return &world{t: t, store: w.store, srv: srv}
}

// secLogin posts the login form with extra headers and returns the
// response (body read) and the session cookie it sets, if any.
func secLogin(t *testing.T, w *world, client *http.Client, username, pass string, hdr map[string]string) (*http.Response, *http.Cookie) {
	t.Helper()
	form := url.Values{"username": {username}, "password": {pass}}
	req, _ := http.NewRequest("POST", w.srv.URL+"/login", strings.NewReader(form.Encode()))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.Header.Set("Origin", w.srv.URL)
	req.Header.Set("Sec-Fetch-Site", "same-origin")
	for k, v := range hdr {
		req.Header.Set(k, v)
	}
	if client == nil {
		client = w.srv.Client()
		client.CheckRedirect = func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }
	}
	resp, err := client.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	io.Copy(io.Discard, resp.Body)
	resp.Body.Close()
	for _, c := range resp.Cookies() {
		if c.Name == web.SessionCookie {
			return resp, c
		}
	}
	return resp, nil
}

// secGet makes a GET with a session cookie value (or none) and no
// redirects followed.
func secGet(t *testing.T, w *world, path, session string) (*http.Response, string) {
	t.Helper()
	req, _ := http.NewRequest("GET", w.srv.URL+path, nil)
	if session != "" {
		req.AddCookie(&http.Cookie{Name: web.SessionCookie, Value: session})
	}
	c := w.srv.Client()
	c.CheckRedirect = func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }
	resp, err := c.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp, string(b)
}

// TestSecurityCrossOrigin sends every browser write, and every API write
// with the session cookie, as a cross-site form post would arrive: each
// is refused with 403 and changes nothing, although the admin making it
// may make every one of them from the site itself.
func TestSecurityCrossOrigin(t *testing.T) {
	f := newPermFixtures(t, storetest.OpenSQLite(t))
	s := f.s
	done := map[string]bool{}
	variants := []struct {
		name string
		hdr  http.Header
	}{
		{"cross-site", http.Header{"Origin": {"https://evil.example"}, "Sec-Fetch-Site": {"cross-site"}}},
		{"same-site", http.Header{"Origin": {"https://sub.evil.example"}, "Sec-Fetch-Site": {"same-site"}}},
		{"old browser, foreign Origin", http.Header{"Origin": {"https://evil.example"}, "Sec-Fetch-Site": {""}}},
	}
	for _, row := range permRows() {
		if done[row.route] {
			continue
		}
		done[row.route] = true
		api := strings.Contains(row.route, " /api/")
		for i, v := range variants {
			if api && i > 0 {
				continue
			}
			req := row.prep(f, "admin")
			hdr := v.hdr.Clone()
			if api {
				hdr.Set("Cookie", "session") // send the admin's session, not the token
				hdr.Set("Origin", "https://evil.example")
			}
			before := permSnapshot(t, s.DB())
			status, _, body := f.sendWith("admin", api, req, hdr)
			if status != http.StatusForbidden {
				t.Errorf("%s, %s: %d, want 403; %s", row.route, v.name, status, permShort(body))
			}
			if diff := permDiff(before, permSnapshot(t, s.DB())); len(diff) > 0 {
				t.Errorf("%s, %s: changed %v", row.route, v.name, diff)
			}
		}
	}
	// The control: the API takes the session from the site itself.
	if status, _, body := f.sendWith("admin", true, permReq{method: "PUT", path: "/api/v1/agencies/bk-ca/contact", json: `{"name":"Đội PC02"}`},
		http.Header{"Cookie": {"session"}, "Origin": {f.w.srv.URL}, "Sec-Fetch-Site": {"same-origin"}}); status != 200 {
		t.Errorf("same-origin API control with the session: %d %s", status, permShort(body))
	}
	// Login too (a forced login into the attacker's account).
	resp, cookie := secLogin(t, f.w, nil, "viewer", password, map[string]string{"Origin": "https://evil.example", "Sec-Fetch-Site": "cross-site"})
	if resp.StatusCode != http.StatusForbidden || cookie != nil {
		t.Errorf("cross-site login: %d, cookie %v", resp.StatusCode, cookie)
	}
	// Logout: a cross-site post does not end the session.
	if status, _, _ := f.sendWith("viewer", false, permReq{method: "POST", path: "/logout"}, variants[0].hdr); status != http.StatusForbidden {
		t.Errorf("cross-site logout: %d", status)
	}
	if r, _ := secGet(t, f.w, "/account", secSession(t, f, "viewer")); r.StatusCode != http.StatusOK {
		t.Errorf("a cross-site logout ended the session: %d", r.StatusCode)
	}
	// The same request from the site itself goes through.
	req := permRows()[0].prep(f, "admin")
	if status, _, _ := f.send("admin", false, req); status != http.StatusSeeOther {
		t.Errorf("same-origin control: %d", status)
	}
	// An API client with a token sends no browser headers and passes.
	if status := f.w.call(f.tokens["coord"], "PUT", "/api/v1/agencies/bk-ca/contact", `{"name":"Đội PC02"}`, nil); status != 200 {
		t.Errorf("token client: %d", status)
	}
}

// TestSecuritySessionRotation: a login never keeps the session id the
// browser came with, planted or real, and logout ends the session on
// the server, not only in the browser.
func TestSecuritySessionRotation(t *testing.T) {
	w := newWorld(t, storetest.OpenSQLite(t))
	c := w.browser()
	u, _ := url.Parse(w.srv.URL)
	// A planted, unknown id.
	c.Jar.SetCookies(u, []*http.Cookie{{Name: web.SessionCookie, Value: "planted-by-an-attacker"}})
	resp, first := secLogin(t, w, c, "viewer", password, nil)
	if resp.StatusCode != http.StatusSeeOther || first == nil || first.Value == "planted-by-an-attacker" {
		t.Fatalf("login with a planted cookie: %d %v", resp.StatusCode, first)
	}
	if len(first.Value) < 43 {
		t.Errorf("session id %q is shorter than 256 bits in base64", first.Value)
	}
	if _, _, err := w.store.SessionUser(ctx, "planted-by-an-attacker"); err == nil {
		t.Error("the planted id works")
	}
	// A real session (the attacker's own) planted in the victim's browser.
	resp, second := secLogin(t, w, c, "coord", password, nil)
	if resp.StatusCode != http.StatusSeeOther || second == nil || second.Value == first.Value {
		t.Fatalf("second login kept the id: %v", second)
	}
	if _, _, err := w.store.SessionUser(ctx, first.Value); err == nil {
		t.Error("the session the browser came with still works")
	}
	if r, _ := secGet(t, w, "/account", first.Value); r.StatusCode != http.StatusSeeOther {
		t.Errorf("the old id opens a page: %d", r.StatusCode)
	}
	if r, _ := secGet(t, w, "/account", second.Value); r.StatusCode != http.StatusOK {
		t.Fatalf("the new id: %d", r.StatusCode)
	}
	// Logout: the id is dead on the server even if replayed.
	lr := w.post(c, "/logout", nil)
	var cleared *http.Cookie
	for _, ck := range lr.Cookies() {
		if ck.Name == web.SessionCookie {
			cleared = ck
		}
	}
	if lr.StatusCode != http.StatusSeeOther || cleared == nil || cleared.Value != "" || cleared.MaxAge >= 0 || !cleared.HttpOnly {
		t.Errorf("logout: %d, cookie %+v", lr.StatusCode, cleared)
	}
	if r, _ := secGet(t, w, "/account", second.Value); r.StatusCode != http.StatusSeeOther || !strings.HasPrefix(r.Header.Get("Location"), "/login") {
		t.Errorf("the logged-out id replayed: %d", r.StatusCode)
	}
	if r, _ := secGet(t, w, "/api/v1/plans", second.Value); r.StatusCode != http.StatusUnauthorized {
		t.Errorf("the logged-out id on the API: %d", r.StatusCode)
	}
	if _, _, err := w.store.SessionUser(ctx, second.Value); err == nil {
		t.Error("the session survived logout")
	}
}

// TestSecurityCookieFlags: the session cookie is HttpOnly and SameSite
// always; Secure over TLS and when the proxy says the request came over
// HTTPS (X-Forwarded-Proto: https — the code honours the header with or
// without --trust-proxy: it can only add the flag); not Secure over plain
// HTTP, where the browser would drop it.
func TestSecurityCookieFlags(t *testing.T) {
	base := newWorld(t, storetest.OpenSQLite(t))
	proxied := secServe(t, base, web.Options{TrustProxy: true}, false)
	tls := secServe(t, base, web.Options{}, true)
	for _, c := range []struct {
		name   string
		w      *world
		hdr    map[string]string
		secure bool
	}{
		{"plain HTTP", base, nil, false},
		{"plain HTTP, X-Forwarded-Proto: http", proxied, map[string]string{"X-Forwarded-Proto": "http"}, false},
		{"behind a trusted proxy, X-Forwarded-Proto: https", proxied, map[string]string{"X-Forwarded-Proto": "https", "X-Forwarded-For": "203.0.113.7"}, true},
		{"X-Forwarded-Proto: https without --trust-proxy", base, map[string]string{"X-Forwarded-Proto": "https"}, true},
		{"TLS", tls, nil, true},
	} {
		resp, ck := secLogin(t, c.w, nil, "viewer", password, c.hdr)
		if resp.StatusCode != http.StatusSeeOther || ck == nil {
			t.Errorf("%s: login %d", c.name, resp.StatusCode)
			continue
		}
		if !ck.HttpOnly || (ck.SameSite != http.SameSiteLaxMode && ck.SameSite != http.SameSiteStrictMode) || ck.Secure != c.secure || ck.Path != "/" {
			t.Errorf("%s: cookie HttpOnly=%v SameSite=%v Secure=%v Path=%q; want HttpOnly, Lax or Strict, Secure=%v, /", c.name, ck.HttpOnly, ck.SameSite, ck.Secure, ck.Path, c.secure)
		}
		if ck.MaxAge <= 0 || ck.MaxAge > 24*3600 {
			t.Errorf("%s: session lasts %d s", c.name, ck.MaxAge)
		}
		// Logging out sends the clearing cookie with the same flags.
		req, _ := http.NewRequest("POST", c.w.srv.URL+"/logout", nil)
		req.AddCookie(ck)
		for k, v := range c.hdr {
			req.Header.Set(k, v)
		}
		client := c.w.srv.Client()
		client.CheckRedirect = func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }
		lr, err := client.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		lr.Body.Close()
		for _, out := range lr.Cookies() {
			if out.Name == web.SessionCookie && (!out.HttpOnly || out.Secure != c.secure) {
				t.Errorf("%s: logout cookie %+v", c.name, out)
			}
		}
	}
	// The flash cookie (messages after a form) is HttpOnly too.
	police := base.login("police")
	resp := base.post(police, "/agencies/bk-ca/contact", url.Values{"name": {"Đội PC02"}})
	found := false
	for _, ck := range resp.Cookies() {
		if ck.Name == "flash" {
			found = true
			if !ck.HttpOnly {
				t.Errorf("flash cookie %+v", ck)
			}
		}
	}
	if !found {
		t.Error("no flash cookie after a saved form")
	}
}

// secClock is a clock tests move.
type secClock struct {
	mu  sync.Mutex
	now time.Time
}

func (c *secClock) Now() time.Time { c.mu.Lock(); defer c.mu.Unlock(); return c.now }
func (c *secClock) add(d time.Duration) {
	c.mu.Lock()
	c.now = c.now.Add(d)
	c.mu.Unlock()
}

// TestSecurityLoginThrottle: five failed logins block the account from
// every address, and the address for every account; a blocked attempt
// with the right password is refused (429, Retry-After, no session) and
// the block ends with the 15-minute window. Without --trust-proxy a
// forged X-Forwarded-For does not give an attacker new addresses; with
// it, only the address the proxy appended counts.
func TestSecurityLoginThrottle(t *testing.T) {
	base := newWorld(t, storetest.OpenSQLite(t))
	clock := &secClock{now: time.Date(2019, 12, 1, 9, 0, 0, 0, time.UTC)}
	w := secServe(t, base, web.Options{TrustProxy: true, Now: clock.Now}, false)
	from := func(ip string) map[string]string { return map[string]string{"X-Forwarded-For": ip} }
	throttled := func(name string, resp *http.Response, ck *http.Cookie) {
		t.Helper()
		if resp.StatusCode != http.StatusTooManyRequests || resp.Header.Get("Retry-After") == "" || ck != nil {
			t.Errorf("%s: %d, Retry-After %q, cookie %v; want 429 and no session", name, resp.StatusCode, resp.Header.Get("Retry-After"), ck)
		}
	}
	// Per account: five addresses guess the coordinator's password.
	for i := range 5 {
		if resp, _ := secLogin(t, w, nil, "coord", "đoán sai", from(fmt.Sprintf("198.51.100.%d", i+1))); resp.StatusCode != http.StatusUnauthorized {
			t.Fatalf("guess %d: %d", i+1, resp.StatusCode)
		}
	}
	resp, ck := secLogin(t, w, nil, "coord", password, from("198.51.100.99"))
	throttled("the right password for a blocked account from a new address", resp, ck)
	if resp, _ := secLogin(t, w, nil, "police", password, from("198.51.100.99")); resp.StatusCode != http.StatusSeeOther {
		t.Errorf("another account from that address: %d", resp.StatusCode)
	}
	// Per address: one address tries five accounts.
	for i, user := range []string{"viewer", "police", "union", "commune", "admin"} {
		if resp, _ := secLogin(t, w, nil, user, "đoán sai", from("203.0.113.5")); resp.StatusCode != http.StatusUnauthorized {
			t.Fatalf("spray %d: %d", i+1, resp.StatusCode)
		}
	}
	resp, ck = secLogin(t, w, nil, "viewer", password, from("203.0.113.5"))
	throttled("the right password from a blocked address", resp, ck)
	if resp, _ := secLogin(t, w, nil, "viewer", password, from("203.0.113.6")); resp.StatusCode != http.StatusSeeOther {
		t.Errorf("the account from another address: %d", resp.StatusCode)
	}
	// Only the last X-Forwarded-For entry (the proxy's) counts.
	for i := range 5 {
		secLogin(t, w, nil, "nobody", "x", from(fmt.Sprintf("10.9.9.%d, 192.0.2.1", i)))
	}
	resp, ck = secLogin(t, w, nil, "union", password, from("10.9.9.200, 192.0.2.1"))
	throttled("forged first X-Forwarded-For entries", resp, ck)
	// The window passes.
	clock.add(16 * time.Minute)
	if resp, ck := secLogin(t, w, nil, "coord", password, from("198.51.100.99")); resp.StatusCode != http.StatusSeeOther || ck == nil {
		t.Errorf("after the window: %d", resp.StatusCode)
	}

	// Without --trust-proxy the header is ignored: the peer is the address.
	direct := secServe(t, base, web.Options{}, false)
	for i, user := range []string{"viewer", "police", "union", "commune", "admin"} {
		secLogin(t, direct, nil, user, "đoán sai", from(fmt.Sprintf("192.0.2.%d", i+10)))
	}
	resp, ck = secLogin(t, direct, nil, "coord", password, from("192.0.2.99"))
	throttled("forged X-Forwarded-For without --trust-proxy", resp, ck)
	if !strings.Contains(throttledBody(t, direct), "Đăng nhập sai quá nhiều lần") {
		t.Error("the throttled page does not say why")
	}
}

func throttledBody(t *testing.T, w *world) string {
	t.Helper()
	form := url.Values{"username": {"coord"}, "password": {password}}
	req, _ := http.NewRequest("POST", w.srv.URL+"/login", strings.NewReader(form.Encode()))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return string(b)
}

// TestSecurityUploadLimits covers what records_test.go does not: the
// import file limit (20 MB), a body past the reader's bound, evidence on
// models (too big, a program, HTML or SVG renamed as a photo), a path in
// an evidence file name, the API's plan (2 MB) and JSON (1 MB) limits.
// Nothing is written by any of them.
func TestSecurityUploadLimits(t *testing.T) {
	f := newPermFixtures(t, storetest.OpenSQLite(t))
	s := f.s
	unchanged := func(name string, before map[string]string) {
		t.Helper()
		if diff := permDiff(before, permSnapshot(t, s.DB())); len(diff) > 0 {
			t.Errorf("%s changed %v", name, diff)
		}
	}
	header := []byte(permActivityHeader)
	big := append(slices.Clone(header), bytes.Repeat([]byte("V.3.1,IV.3,III.3,Tin bài,05/03/2018,Toàn tỉnh,,\n"), 20<<20/48+1)...)
	for _, kind := range []string{"activities", "distributions"} {
		for _, c := range []struct {
			name string
			data []byte
			want string
		}{
			{"a file over 20 MB", big[:20<<20+1], "lớn hơn 20 MB"},
			{"a body over the reader's bound", append(slices.Clone(big), bytes.Repeat([]byte("x"), 2<<20)...), "lớn hơn 20 MB"},
		} {
			before := permSnapshot(t, s.DB())
			status, _, body := f.send("coord", false, permReq{method: "POST", path: "/" + kind + "/import", fields: map[string]string{"plan": permPlan}, file: &permFile{name: "lon.csv", data: c.data}})
			if status != http.StatusRequestEntityTooLarge || !strings.Contains(body, c.want) || strings.Contains(body, `name="token"`) {
				t.Errorf("%s import, %s: %d, want 413 saying %q; %s", kind, c.name, status, c.want, secProblems(body))
			}
			unchanged(kind+" import, "+c.name, before)
		}
	}
	// The control: a small file is taken for preview.
	if status, _, body := f.send("coord", false, permReq{method: "POST", path: "/activities/import", fields: map[string]string{"plan": permPlan, "agency": "bk-ca"}, file: f.activityFile()}); status != 200 || !strings.Contains(body, `name="token"`) {
		t.Errorf("a small import file: %d", status)
	}

	model := f.model()
	path := fmt.Sprintf("/models/%d/evidence", model)
	for _, c := range []struct {
		name, file string
		data       []byte
		want       string
	}{
		{"over 8 MB", "bien-ban.pdf", append([]byte("%PDF-1.4\n"), bytes.Repeat([]byte{'a'}, 8<<20)...), "8 MB"},
		{"a Windows program named .jpg", "anh.jpg", append([]byte("MZ\x90\x00"), bytes.Repeat([]byte{1}, 1000)...), "là một chương trình"},
		{"a Linux program named .png", "anh.png", append([]byte("\x7fELF\x02\x01\x01"), bytes.Repeat([]byte{0}, 100)...), "là một chương trình"},
		{"HTML named .png", "anh.png", []byte("<!doctype html><script>alert(document.cookie)</script>"), "Không nhận tệp"},
		{"SVG with a script named .jpg", "anh.jpg", []byte(`<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>`), "Không nhận tệp"},
		{"a ZIP named .docx", "bao-cao.docx", zipOf(t, "payload.exe", "MZ"), "Không nhận tệp"},
	} {
		before := permSnapshot(t, s.DB())
		status, _, _ := f.send("police", false, permReq{method: "POST", path: path, file: &permFile{name: c.file, data: c.data}})
		msg := secFlash(f, "police", path, &permFile{name: c.file, data: c.data})
		if status != http.StatusSeeOther || !strings.Contains(msg, c.want) {
			t.Errorf("model evidence, %s: %d %q; want a refusal saying %q", c.name, status, msg, c.want)
		}
		unchanged("model evidence, "+c.name, before)
	}
	// A name with a path and a quote is kept as a bare name.
	status, _, _ := f.send("police", false, permReq{method: "POST", path: path, file: &permFile{name: `..\..\windows\evil".png`, data: f.png().data}})
	m, err := s.Model(ctx, permSystem, model)
	if status != http.StatusSeeOther || err != nil || len(m.Evidence) != 1 {
		t.Fatalf("a photo: %d %v", status, err)
	}
	resp, _ := secGet(t, f.w, fmt.Sprintf("/evidence/%d", m.Evidence[0].ID), secSession(t, f, "police"))
	_, params, err := mime.ParseMediaType(resp.Header.Get("Content-Disposition"))
	if err != nil || params["filename"] != "evil.png" {
		t.Errorf("download name: %q (%v)", resp.Header.Get("Content-Disposition"), err)
	}

	// The API's bounds.
	before := permSnapshot(t, s.DB())
	plan := f.planFile() + "\n# " + strings.Repeat("đệm ", 1<<20)
	var e apiError
	if status := f.w.call(f.tokens["coord"], "POST", "/api/v1/plans", plan, &e); status != http.StatusRequestEntityTooLarge || !strings.Contains(e.Error.Message, "2 MB") {
		t.Errorf("a 5 MB plan: %d %+v", status, e)
	}
	desc := strings.Repeat("a", 2<<20)
	body := strings.Replace(f.activityJSON(), `"title":`, `"description":"`+desc+`","title":`, 1)
	if status := f.w.call(f.tokens["police"], "POST", "/api/v1/activities", body, &e); status != http.StatusRequestEntityTooLarge || e.Error.Field != "body" {
		t.Errorf("a 2 MB JSON body: %d %+v", status, e)
	}
	unchanged("the API's oversized bodies", before)
}

// secProblems is the problem list of an import page.
func secProblems(body string) string {
	if i := strings.Index(body, "<tbody"); i >= 0 {
		body = body[i:]
	}
	if i := strings.Index(body, "<main"); i >= 0 {
		body = body[i:]
	}
	return permShort(body)
}

// zipOf is a ZIP archive with one file.
func zipOf(t *testing.T, name, content string) []byte {
	t.Helper()
	var buf bytes.Buffer
	zw := zip.NewWriter(&buf)
	fw, err := zw.Create(name)
	if err != nil {
		t.Fatal(err)
	}
	io.WriteString(fw, content)
	if err := zw.Close(); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

// secFlash uploads again and returns the flash message of the answer.
func secFlash(f *permFixtures, role, path string, file *permFile) string {
	var buf bytes.Buffer
	mw := multipart.NewWriter(&buf)
	fw, _ := mw.CreateFormFile("file", file.name)
	fw.Write(file.data)
	mw.Close()
	req, _ := http.NewRequest("POST", f.w.srv.URL+path, &buf)
	req.Header.Set("Content-Type", mw.FormDataContentType())
	req.Header.Set("Origin", f.w.srv.URL)
	resp, err := f.clients[role].Do(req)
	if err != nil {
		f.t.Fatal(err)
	}
	resp.Body.Close()
	for _, c := range resp.Cookies() {
		if c.Name == "flash" {
			v, _ := url.QueryUnescape(c.Value)
			return v
		}
	}
	return ""
}

// secSession is the role's session id from its client's jar.
func secSession(t *testing.T, f *permFixtures, role string) string {
	t.Helper()
	u, _ := url.Parse(f.w.srv.URL)
	for _, c := range f.clients[role].Jar.Cookies(u) {
		if c.Name == web.SessionCookie {
			return c.Value
		}
	}
	t.Fatalf("%s has no session", role)
	return ""
}

// secRaw sends a request line exactly as written (no client-side path
// cleaning) and follows redirects itself; it returns every status seen
// and the last body.
func secRaw(t *testing.T, w *world, target, session string) ([]int, string) {
	t.Helper()
	u, _ := url.Parse(w.srv.URL)
	var statuses []int
	for range 5 {
		conn, err := net.Dial("tcp", u.Host)
		if err != nil {
			t.Fatal(err)
		}
		fmt.Fprintf(conn, "GET %s HTTP/1.1\r\nHost: %s\r\nCookie: %s=%s\r\nConnection: close\r\n\r\n", target, u.Host, web.SessionCookie, session)
		resp, err := http.ReadResponse(bufio.NewReader(conn), nil)
		if err != nil {
			conn.Close()
			t.Fatalf("%s: %v", target, err)
		}
		b, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		conn.Close()
		statuses = append(statuses, resp.StatusCode)
		loc := resp.Header.Get("Location")
		if resp.StatusCode < 300 || resp.StatusCode > 399 || loc == "" || strings.HasPrefix(loc, "/login") {
			return statuses, string(b)
		}
		target = loc
	}
	return statuses, ""
}

// TestSecurityPathTraversal: no file of the server's disk is reachable
// through the static files or the evidence downloads, however the dots
// are written; evidence of a record the reader may not see is 404.
func TestSecurityPathTraversal(t *testing.T) {
	f := newPermFixtures(t, storetest.OpenSQLite(t))
	session := secSession(t, f, "admin")
	for _, target := range []string{
		"/static/../go.mod", "/static/../../go.mod", "/static/..%2f..%2fgo.mod", "/static/%2e%2e/%2e%2e/go.mod", "/static/%2e%2e%2f%2e%2e%2fgo.mod",
		"/static/..%5c..%5cgo.mod", "/static//etc/passwd", "/static/%2fetc%2fpasswd", "/static/....//....//etc/passwd",
		"/evidence/../../etc/passwd", "/evidence/%2e%2e%2f%2e%2e%2fetc%2fpasswd", "/evidence/..%2f..%2fetc%2fpasswd", "/evidence/%00",
		"/evidence/1%2f..%2f..%2fgo.mod", "/static/../internal/web/routes.go", "/static/%2e%2e/routes.go", "/static/../templates/layout.html",
	} {
		statuses, body := secRaw(t, f.w, target, session)
		last := statuses[len(statuses)-1]
		if (last != http.StatusNotFound && last != http.StatusBadRequest) || strings.Contains(body, "module outreach") || strings.Contains(body, "root:x:0:0") ||
			strings.Contains(body, "package web") || strings.Contains(body, "{{") {
			t.Errorf("%s: statuses %v, body %q", target, statuses, permShort(body))
		}
	}
	// The control: a static file is served.
	if statuses, body := secRaw(t, f.w, "/static/style.css", session); statuses[0] != 200 || len(body) == 0 {
		t.Errorf("static control: %v", statuses)
	}
	// Evidence ids: of records one may not read, malformed, unknown.
	id := f.evidence()
	for role, want := range map[string]int{"police": 200, "coord": 200, "viewer": 200, "union": 404, "commune": 404} {
		if resp, _ := secGet(t, f.w, fmt.Sprintf("/evidence/%d", id), secSession(t, f, role)); resp.StatusCode != want {
			t.Errorf("%s downloads the police's photo: %d, want %d", role, resp.StatusCode, want)
		}
	}
	for _, bad := range []string{"0", "-1", "1e3", "0x1", "99999999999999999999", fmt.Sprint(id + 1000)} {
		if resp, _ := secGet(t, f.w, "/evidence/"+bad, session); resp.StatusCode != http.StatusNotFound {
			t.Errorf("/evidence/%s: %d", bad, resp.StatusCode)
		}
	}
	// A format is a word from a list, never a path.
	rep := f.report(outreach.ReportSubmitted)
	for _, p := range []string{fmt.Sprintf("/reports/%d/export?format=../../go.mod", rep), "/activities/export?format=..%2fgo.mod", "/activities/template?format=/etc/passwd"} {
		if resp, body := secGet(t, f.w, p, session); resp.StatusCode != http.StatusUnprocessableEntity || strings.Contains(body, "module outreach") {
			t.Errorf("%s: %d", p, resp.StatusCode)
		}
	}
}

// TestSecuritySearchInjection: filters and the search are parameters,
// and LIKE's wildcards are searched literally, on both engines.
func TestSecuritySearchInjection(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		w := newWorld(t, s)
		titles := []string{"Phủ sóng 100% thôn bản", "Chiến dịch PC_02 tại Na Rì", `Tập huấn ở Chợ Mới \ Bạch Thông`}
		for _, title := range titles {
			if _, err := s.CreateActivity(ctx, permSystem, outreach.Activity{Plan: permPlan, Agency: "bk-ca", Channel: "IV.5", Title: title,
				StartDate: "2019-04-02", Units: []string{"066"}}); err != nil {
				t.Fatal(err)
			}
		}
		if _, err := s.CreateActivity(ctx, permSystem, outreach.Activity{Plan: permPlan, Agency: "bk-hlhpn", Channel: "IV.5", Title: "Hội nghị của Hội phụ nữ",
			StartDate: "2019-05-02", WholeProvince: true}); err != nil {
			t.Fatal(err)
		}
		viewer, union := w.token("viewer"), w.token("union")
		list := func(tok, query string) (int, []string) {
			t.Helper()
			var page struct {
				Items []struct{ Title string } `json:"items"`
			}
			status := w.call(tok, "GET", "/api/v1/activities?plan="+permPlan+"&"+query, "", &page)
			var out []string
			for _, it := range page.Items {
				out = append(out, it.Title)
			}
			sortStrings(out)
			return status, out
		}
		q := url.QueryEscape
		for _, c := range []struct {
			tok, query string
			status     int
			want       []string
		}{
			{viewer, "q=" + q("na ri"), 200, []string{titles[1]}},
			{viewer, "q=" + q("%"), 200, []string{titles[0]}},
			{viewer, "q=" + q("100%"), 200, []string{titles[0]}},
			{viewer, "q=" + q("_"), 200, []string{titles[1]}},
			{viewer, "q=" + q("c_"), 200, []string{titles[1]}},
			{viewer, "q=" + q(`\`), 200, []string{titles[2]}},
			{viewer, "q=" + q("%%"), 200, nil},
			{viewer, "q=" + q("' OR 1=1 --"), 200, nil},
			{viewer, "q=" + q("' OR '1'='1"), 200, nil},
			{viewer, "q=" + q("%' OR 1=1 --"), 200, nil},
			{viewer, "q=" + q("x') UNION SELECT username FROM users --"), 200, nil},
			{viewer, "agency=" + q("' OR 1=1 --"), 200, nil},
			{viewer, "agency=" + q("bk-ca' OR '1'='1"), 200, nil},
			{viewer, "channel=" + q("IV.5' OR 1=1 --"), 200, nil},
			{viewer, "unit=066", 200, sorted(titles...)},
			{viewer, "unit=" + q("%"), 400, nil},
			{viewer, "unit=" + q("06%"), 400, nil},
			{viewer, "unit=" + q("_66"), 400, nil},
			{viewer, "unit=" + q("066' OR 1=1 --"), 400, nil},
			{viewer, "from=" + q("2019-01-01' OR '1'='1"), 400, nil},
			{viewer, "sort=" + q("title; DROP TABLE activities; --"), 200, sorted(append(slices.Clone(titles), "Hội nghị của Hội phụ nữ")...)},
			{viewer, "limit=" + q("1; DROP TABLE users"), 400, nil},
			{union, "q=" + q("%"), 200, nil},
			{union, "q=" + q("' OR 1=1 --"), 200, nil},
			{union, "agency=bk-ca", 200, nil},
			{union, "q=" + q("hoi"), 200, []string{"Hội nghị của Hội phụ nữ"}},
		} {
			status, got := list(c.tok, c.query)
			if status != c.status || (status == 200 && !slices.Equal(got, c.want)) {
				t.Errorf("%s: %d %q, want %d %q", c.query, status, got, c.status, c.want)
			}
		}
		var n int
		if err := s.DB().QueryRowContext(ctx, `SELECT count(*) FROM activities`).Scan(&n); err != nil || n != 4 {
			t.Errorf("activities after the injections: %d %v", n, err)
		}
		if _, _, err := s.Authenticate(ctx, "viewer", password); err != nil {
			t.Errorf("users after the injections: %v", err)
		}
		// Distributions filter by exact codes.
		f := &permFixtures{t: t, w: w, s: s}
		id, err := s.SaveMaterial(ctx, permSystem, outreach.Material{Plan: permPlan, Type: "leaflet", Title: "Tờ gấp", Agency: "bk-ca", Year: 2018, Copies: 10})
		if err != nil {
			t.Fatal(err)
		}
		f.material = id
		f.distribution()
		for query, want := range map[string]int{"unit=01834": 1, "unit=" + q("%"): 0, "unit=" + q("0183_"): 0, "agency=" + q("' OR 1=1 --"): 0, "agency=bk-ca": 1} {
			var page struct {
				Total int `json:"total"`
			}
			if status := w.call(viewer, "GET", "/api/v1/distributions?plan="+permPlan+"&"+query, "", &page); status != 200 || page.Total != want {
				t.Errorf("distributions %s: %d, total %d, want %d", query, status, page.Total, want)
			}
		}
		// The browser's list and export.
		c := w.login("viewer")
		for query, want := range map[string][]string{
			"q=" + q("' OR 1=1 --"): nil,
			"q=" + q("%"):           {titles[0]},
			"q=" + q("_"):           {titles[1]},
		} {
			status, body := w.get(c, "/activities?"+query)
			if status != 200 {
				t.Errorf("/activities?%s: %d", query, status)
			}
			for _, title := range titles {
				if strings.Contains(body, htmlText(title)) != slices.Contains(want, title) {
					t.Errorf("/activities?%s: listing %q is %v", query, title, !slices.Contains(want, title))
				}
			}
			status, body = w.get(c, "/activities/export?format=csv&"+query)
			for _, title := range titles {
				if status != 200 || strings.Contains(body, title) != slices.Contains(want, title) {
					t.Errorf("/activities/export?%s: %d, %q is %v", query, status, title, !slices.Contains(want, title))
				}
			}
		}
		for _, query := range []string{"unit=" + q("%"), "from=" + q("x' OR 1=1")} {
			if status, _ := w.get(c, "/activities?"+query); status != http.StatusUnprocessableEntity {
				t.Errorf("/activities?%s: %d, want 422", query, status)
			}
		}
	})
}

func sorted(xs ...string) []string { xs = slices.Clone(xs); sortStrings(xs); return xs }

func sortStrings(xs []string) { slices.Sort(xs) }

// htmlText is how html/template writes a text.
func htmlText(s string) string {
	return strings.NewReplacer("&", "&amp;", "'", "&#39;", "<", "&lt;", ">", "&gt;", `"`, "&#34;").Replace(s)
}

// TestSecurityHeaders: every kind of response carries the policy: a CSP
// whose scripts come only from the site (no 'unsafe-inline'), no
// framing (frame-ancestors 'none'), nosniff and a referrer policy.
func TestSecurityHeaders(t *testing.T) {
	f := newPermFixtures(t, storetest.OpenSQLite(t))
	w := f.w
	ev := f.evidence()
	rep := f.report(outreach.ReportSubmitted)
	do := func(role, method, path string, body string, hdr map[string]string) *http.Response {
		t.Helper()
		req, _ := http.NewRequest(method, w.srv.URL+path, strings.NewReader(body))
		if body != "" {
			req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
		}
		req.Header.Set("Origin", w.srv.URL)
		req.Header.Set("Sec-Fetch-Site", "same-origin")
		for k, v := range hdr {
			req.Header.Set(k, v)
		}
		c := f.clients[role]
		if strings.HasPrefix(path, "/api/") && f.tokens[role] != "" {
			req.Header.Set("Authorization", "Bearer "+f.tokens[role])
		}
		resp, err := c.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		io.Copy(io.Discard, resp.Body)
		resp.Body.Close()
		return resp
	}
	cases := []struct {
		name, role, method, path, body string
		hdr                            map[string]string
		status                         int
		ctype                          string
	}{
		{"HTML page", "viewer", "GET", "/activities", "", nil, 200, "text/html"},
		{"login page", "", "GET", "/login", "", nil, 200, "text/html"},
		{"redirect to login", "", "GET", "/plans/" + permPlan, "", nil, 303, ""},
		{"HTML 404", "viewer", "GET", "/activities/999999", "", nil, 404, "text/html"},
		{"HTML 403", "viewer", "POST", "/users", "username=x", nil, 403, "text/html"},
		{"HTML 422", "police", "POST", "/agencies/bk-ca/contact", "email=sai", nil, 422, "text/html"},
		{"failed login", "", "POST", "/login", "username=viewer&password=sai", nil, 401, "text/html"},
		{"router 404", "viewer", "GET", "/khong-co", "", nil, 404, ""},
		{"405", "viewer", "PUT", "/activities", "", nil, 405, ""},
		{"cross-origin 403", "coord", "POST", "/quantity-kinds", "code=x&name=X", map[string]string{"Origin": "https://evil.example", "Sec-Fetch-Site": "cross-site"}, 403, ""},
		{"autosave refusal (plain text)", "police", "POST", fmt.Sprintf("/reports/%d/autosave", rep), "results=x", nil, 403, "text/plain"},
		{"JSON", "viewer", "GET", "/api/v1/plans", "", nil, 200, "application/json"},
		{"JSON 401", "", "GET", "/api/v1/plans", "", nil, 401, "application/json"},
		{"JSON 404", "viewer", "GET", "/api/v1/khong-co", "", nil, 404, "application/json"},
		{"JSON 400", "viewer", "GET", "/api/v1/units", "", nil, 400, "application/json"},
		{"health", "", "GET", "/healthz", "", nil, 200, "application/json"},
		{"CSV export", "viewer", "GET", "/activities/export?format=csv", "", nil, 200, "text/csv"},
		{"XLSX template", "viewer", "GET", "/activities/template?format=xlsx", "", nil, 200, "application/vnd.openxmlformats"},
		{"PDF report", "viewer", "GET", fmt.Sprintf("/reports/%d/export?format=pdf", rep), "", nil, 200, "application/pdf"},
		{"DOCX report from the API", "viewer", "GET", fmt.Sprintf("/api/v1/reports/%d/export?format=docx", rep), "", nil, 200, "application/vnd.openxmlformats"},
		{"evidence download", "police", "GET", fmt.Sprintf("/evidence/%d", ev), "", nil, 200, "image/png"},
		{"stylesheet", "", "GET", "/static/style.css", "", nil, 200, "text/css"},
		{"script", "", "GET", "/static/app.js", "", nil, 200, "javascript"},
		{"static 404", "", "GET", "/static/khong-co.css", "", nil, 404, ""},
	}
	for _, c := range cases {
		resp := do(c.role, c.method, c.path, c.body, c.hdr)
		if resp.StatusCode != c.status || !strings.Contains(resp.Header.Get("Content-Type"), c.ctype) {
			t.Errorf("%s: %d %q, want %d %q", c.name, resp.StatusCode, resp.Header.Get("Content-Type"), c.status, c.ctype)
		}
		secCheckHeaders(t, c.name, resp.Header)
		if strings.Contains(c.name, "export") || strings.Contains(c.name, "download") || strings.Contains(c.name, "report") || strings.Contains(c.name, "template") {
			if !strings.HasPrefix(resp.Header.Get("Content-Disposition"), "attachment") {
				t.Errorf("%s: Content-Disposition %q", c.name, resp.Header.Get("Content-Disposition"))
			}
		}
	}
	// 429, last: it blocks the test's address.
	var resp *http.Response
	for range 6 {
		resp = do("", "POST", "/login", "username=union&password=sai", nil)
	}
	if resp.StatusCode != http.StatusTooManyRequests {
		t.Errorf("throttled login: %d", resp.StatusCode)
	}
	secCheckHeaders(t, "throttled login", resp.Header)
}

// secCheckHeaders checks one response's security headers.
func secCheckHeaders(t *testing.T, name string, h http.Header) {
	t.Helper()
	csp := map[string][]string{}
	for _, d := range strings.Split(h.Get("Content-Security-Policy"), ";") {
		if fs := strings.Fields(d); len(fs) > 0 {
			csp[strings.ToLower(fs[0])] = fs[1:]
		}
	}
	script, ok := csp["script-src"]
	if !ok {
		script, ok = csp["default-src"]
	}
	if !ok || slices.Contains(script, "'unsafe-inline'") || slices.Contains(script, "'unsafe-eval'") || slices.Contains(script, "*") || slices.ContainsFunc(script, func(s string) bool { return strings.HasPrefix(s, "http") }) {
		t.Errorf("%s: scripts allowed from %v (CSP %q)", name, script, h.Get("Content-Security-Policy"))
	}
	if fa := csp["frame-ancestors"]; !slices.Equal(fa, []string{"'none'"}) {
		t.Errorf("%s: frame-ancestors %v (CSP %q)", name, fa, h.Get("Content-Security-Policy"))
	}
	if h.Get("X-Content-Type-Options") != "nosniff" {
		t.Errorf("%s: X-Content-Type-Options %q", name, h.Get("X-Content-Type-Options"))
	}
	if rp := h.Get("Referrer-Policy"); !slices.Contains([]string{"no-referrer", "same-origin", "strict-origin", "strict-origin-when-cross-origin"}, rp) {
		t.Errorf("%s: Referrer-Policy %q", name, rp)
	}
}
