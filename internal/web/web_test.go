package web_test

import (
	"context"
	"encoding/json"
	"io"
	"io/fs"
	"log/slog"
	"net/http"
	"net/http/cookiejar"
	"net/http/httptest"
	"net/url"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"outreach/internal/i18n"
	"outreach/internal/outreach"
	"outreach/internal/setup"
	"outreach/internal/store"
	"outreach/internal/store/storetest"
	"outreach/internal/web"
)

var ctx = context.Background()

const password = "mật khẩu thử nghiệm"

// world is a seeded store with one user per role, served over HTTP.
type world struct {
	t     testing.TB
	store *store.Store
	srv   *httptest.Server
}

func newWorld(t testing.TB, s *store.Store) *world {
	t.Helper()
	if _, _, err := setup.Seed(ctx, s, outreach.SystemActor("test")); err != nil {
		t.Fatal(err)
	}
	for _, u := range []store.NewUser{
		{Username: "admin", Name: "Quản trị", Role: outreach.RoleAdmin},
		{Username: "coord", Name: "Sở TT&TT", Role: outreach.RoleCoordinator},
		{Username: "police", Name: "Công an tỉnh", Role: outreach.RoleAgencyReporter, AgencyCode: "bk-ca"},
		{Username: "union", Name: "Hội LHPN tỉnh", Role: outreach.RoleAgencyReporter, AgencyCode: "bk-hlhpn"},
		{Username: "commune", Name: "UBND phường Đức Xuân", Role: outreach.RoleUnitReporter, UnitCode: "01840"},
		{Username: "viewer", Name: "Lãnh đạo", Role: outreach.RoleViewer},
	} {
		u.Password = password
		if _, err := s.CreateUser(ctx, outreach.SystemActor("test"), u); err != nil {
			t.Fatal(err)
		}
	}
	h, err := web.New(s, web.Options{Version: "test", Logger: slog.New(slog.NewTextHandler(io.Discard, nil))})
	if err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer(h)
	t.Cleanup(srv.Close)
	return &world{t: t, store: s, srv: srv}
}

// browser is a client with cookies that does not follow redirects.
func (w *world) browser() *http.Client {
	jar, _ := cookiejar.New(nil)
	return &http.Client{Jar: jar, CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
}

func (w *world) post(c *http.Client, path string, form url.Values) *http.Response {
	w.t.Helper()
	req, _ := http.NewRequest("POST", w.srv.URL+path, strings.NewReader(form.Encode()))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.Header.Set("Origin", w.srv.URL)
	req.Header.Set("Sec-Fetch-Site", "same-origin")
	resp, err := c.Do(req)
	if err != nil {
		w.t.Fatal(err)
	}
	resp.Body.Close()
	return resp
}

func (w *world) login(username string) *http.Client {
	w.t.Helper()
	c := w.browser()
	resp := w.post(c, "/login", url.Values{"username": {username}, "password": {password}})
	if resp.StatusCode != http.StatusSeeOther {
		w.t.Fatalf("login %s: %d", username, resp.StatusCode)
	}
	return c
}

func (w *world) get(c *http.Client, path string) (int, string) {
	w.t.Helper()
	resp, err := c.Get(w.srv.URL + path)
	if err != nil {
		w.t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, string(b)
}

func TestPages(t *testing.T) {
	w := newWorld(t, storetest.OpenSQLite(t))
	admin := w.login("admin")
	external := regexp.MustCompile(`(src|href|action)="(https?:)?//`)
	for _, c := range []struct {
		path string
		want []string
	}{
		{"/", []string{"Kế hoạch truyền thông phòng, chống mua bán người đến năm 2020"}},
		{"/plans/bk-1368-2017", []string{"I. Mục đích, yêu cầu", "II. Mục tiêu thực hiện", "III. Nội dung tuyên truyền", "IV. Hình thức tuyên truyền",
			"V. Tổ chức thực hiện", "VI. Kinh phí thực hiện, chế độ báo cáo", "≥ 75 %", "duonghv.tt@backan.gov.vn", "hết ngày 20/12 hằng năm"}},
		{"/units?as_of=2017-09-08", []string{"63 tỉnh, thành phố", "11.162 đơn vị cấp xã, 713 đơn vị cấp huyện", "Tỉnh Bắc Kạn", "parent=06"}},
		{"/units?as_of=2020-02-01", []string{"63 tỉnh, thành phố", "10.661 đơn vị cấp xã, 709 đơn vị cấp huyện"}},
		{"/units?as_of=2025-07-01", []string{"34 tỉnh, thành phố", "3.321 đơn vị cấp xã, 0 đơn vị cấp huyện", "2.621 Xã", "13 Đặc khu", "không còn cấp huyện", "Tỉnh Thái Nguyên"}},
		{"/units/15394?as_of=2019-01-01", []string{"liên kết chưa chắc chắn", "record:name"}},
		{"/units/05704?as_of=2024-01-01", []string{"Thay đổi chưa xác định được", "không rõ đơn vị kế thừa", "GSO change record"}},
		{"/units?as_of=2017-09-08&parent=06", []string{"122 đơn vị cấp xã, 8 đơn vị cấp huyện", "Xã Cao Trĩ", "Cả nước"}},
		{"/units?as_of=2025-07-01&parent=19", []string{"92 đơn vị cấp xã, 0 đơn vị cấp huyện", "Xã Nam Cường"}},
		{"/units/02155?as_of=2020-02-01", []string{"Thị trấn Yến Lạc", "Xã Lương Hạ", "Xã Na Rì", "một phần", "NQ 855/NQ-UBTVQH14"}},
		{"/units/06?as_of=2019-04-01", []string{"Dân số", "313.905", "Dân tộc Tày", "10–14 tuổi"}},
		{"/agencies", []string{"Sở Thông tin và Truyền thông", "01/03/2025", "Các cơ quan báo chí của tỉnh"}},
		{"/agencies/06/bk-bbk", []string{"Báo Bắc Kạn", "V.7.1", "giao cho Các cơ quan báo chí của tỉnh"}},
		{"/plans/bk-1368-2017/key-areas?year=2019", []string{"Địa bàn trọng điểm · 2019", "Đánh dấu xã trọng điểm"}},
		{"/users", []string{"police", "Báo cáo viên của cơ quan"}},
		{"/audit", []string{"Nhật ký thay đổi", "system:test"}},
		{"/account", []string{"Đổi mật khẩu"}},
	} {
		status, body := w.get(admin, c.path)
		if status != http.StatusOK {
			t.Errorf("%s: status %d", c.path, status)
			continue
		}
		for _, s := range c.want {
			if !strings.Contains(body, s) {
				t.Errorf("%s: missing %q", c.path, s)
			}
		}
		if len(body) > 100<<10 {
			t.Errorf("%s: %d bytes, over 100 KB", c.path, len(body))
		}
		if m := external.FindString(body); m != "" {
			t.Errorf("%s: refers outside the server: %s", c.path, m)
		}
	}
}

// TestPlanPageHasEveryTask checks section V shows every task of the plan
// under its agency's item.
func TestPlanPageHasEveryTask(t *testing.T) {
	w := newWorld(t, storetest.OpenSQLite(t))
	p, err := w.store.Plan(ctx, "bk-1368-2017")
	if err != nil {
		t.Fatal(err)
	}
	_, body := w.get(w.login("viewer"), "/plans/bk-1368-2017")
	sec5 := body[strings.Index(body, `id="s5"`):strings.Index(body, `id="s6"`)]
	items := strings.Split(sec5, `class="item"`)[1:]
	if len(items) != 10 {
		t.Fatalf("section V has %d items, want 10", len(items))
	}
	for _, task := range p.Tasks {
		a, _ := p.Agency(task.Agency)
		found := false
		for _, it := range items {
			if strings.Contains(it, ">"+task.Clause+"<") {
				found = true
				if !strings.Contains(it, a.Name) {
					t.Errorf("task %s is not under %s", task.Clause, a.Name)
				}
			}
		}
		if !found {
			t.Errorf("task %s missing from section V", task.Clause)
		}
	}
}

func TestTemplatesUseKnownKeys(t *testing.T) {
	key := regexp.MustCompile(`\.T "([a-z_.0-9]+)"`)
	err := fs.WalkDir(os.DirFS("templates"), ".", func(path string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		b, err := os.ReadFile(filepath.Join("templates", path))
		if err != nil {
			return err
		}
		for _, m := range key.FindAllStringSubmatch(string(b), -1) {
			if !i18n.Has(m[1]) {
				t.Errorf("%s uses the unknown key %q", path, m[1])
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	for _, k := range i18n.Keys() {
		if i18n.VI.T(k) == "" || i18n.EN.T(k) == "" {
			t.Errorf("key %q is empty in a language", k)
		}
	}
}

func TestEnglish(t *testing.T) {
	w := newWorld(t, storetest.OpenSQLite(t))
	c := w.login("viewer")
	resp, err := c.Get(w.srv.URL + "/lang/en?next=/plans/bk-1368-2017")
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusSeeOther || resp.Header.Get("Location") != "/plans/bk-1368-2017" {
		t.Fatalf("lang switch: %d %s", resp.StatusCode, resp.Header.Get("Location"))
	}
	_, body := w.get(c, "/plans/bk-1368-2017")
	for _, s := range []string{`lang="en"`, "Purposes and requirements", "Implementation: agencies and tasks", "Tiếng Việt"} {
		if !strings.Contains(body, s) {
			t.Errorf("English page misses %q", s)
		}
	}
	// An open redirect is not possible through the language switch.
	resp, _ = c.Get(w.srv.URL + "/lang/vi?next=//evil.example/")
	resp.Body.Close()
	if loc := resp.Header.Get("Location"); loc != "/" {
		t.Errorf("lang switch redirects to %q", loc)
	}
}

func TestLoginAndSessions(t *testing.T) {
	w := newWorld(t, storetest.OpenSQLite(t))
	c := w.browser()
	if status, _ := w.get(c, "/plans/bk-1368-2017"); status != http.StatusSeeOther {
		t.Errorf("anonymous plan page: %d, want a redirect to the login", status)
	}
	resp := w.post(c, "/login", url.Values{"username": {"viewer"}, "password": {"sai"}})
	if resp.StatusCode != http.StatusUnauthorized {
		t.Errorf("wrong password: %d", resp.StatusCode)
	}
	resp = w.post(c, "/login", url.Values{"username": {"viewer"}, "password": {password}, "next": {"/units"}})
	if resp.StatusCode != http.StatusSeeOther || resp.Header.Get("Location") != "/units" {
		t.Fatalf("login: %d → %s", resp.StatusCode, resp.Header.Get("Location"))
	}
	var first *http.Cookie
	for _, ck := range resp.Cookies() {
		if ck.Name == web.SessionCookie {
			first = ck
		}
	}
	if first == nil || !first.HttpOnly || first.SameSite != http.SameSiteLaxMode || first.Secure {
		t.Fatalf("session cookie = %+v (want HttpOnly, SameSite=Lax, not Secure over plain HTTP)", first)
	}
	// Logging in again gives a new session id and ends the old one.
	resp = w.post(c, "/login", url.Values{"username": {"viewer"}, "password": {password}})
	var second *http.Cookie
	for _, ck := range resp.Cookies() {
		if ck.Name == web.SessionCookie {
			second = ck
		}
	}
	if second == nil || second.Value == first.Value {
		t.Fatal("a new login kept the session id")
	}
	if _, _, err := w.store.SessionUser(ctx, first.Value); err == nil {
		t.Error("the old session still works")
	}
	if status, _ := w.get(c, "/units"); status != http.StatusOK {
		t.Errorf("logged-in page: %d", status)
	}
	w.post(c, "/logout", nil)
	if status, _ := w.get(c, "/units"); status != http.StatusSeeOther {
		t.Errorf("after logout: %d", status)
	}
	if _, _, err := w.store.SessionUser(ctx, second.Value); err == nil {
		t.Error("the session survived logout")
	}
}

func TestLoginThrottle(t *testing.T) {
	w := newWorld(t, storetest.OpenSQLite(t))
	c := w.browser()
	for i := range 5 {
		if resp := w.post(c, "/login", url.Values{"username": {"coord"}, "password": {"đoán sai"}}); resp.StatusCode != http.StatusUnauthorized {
			t.Fatalf("attempt %d: %d", i+1, resp.StatusCode)
		}
	}
	resp := w.post(c, "/login", url.Values{"username": {"coord"}, "password": {password}})
	if resp.StatusCode != http.StatusTooManyRequests || resp.Header.Get("Retry-After") == "" {
		t.Fatalf("sixth attempt with the right password: %d, want 429 with Retry-After", resp.StatusCode)
	}
}

func TestSecurityHeadersAndCrossOrigin(t *testing.T) {
	w := newWorld(t, storetest.OpenSQLite(t))
	c := w.login("coord")
	resp, err := c.Get(w.srv.URL + "/login")
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	csp := resp.Header.Get("Content-Security-Policy")
	if !strings.Contains(csp, "frame-ancestors 'none'") || strings.Contains(csp, "unsafe-inline") || resp.Header.Get("X-Content-Type-Options") != "nosniff" || resp.Header.Get("Referrer-Policy") == "" {
		t.Errorf("headers: %v", resp.Header)
	}
	req, _ := http.NewRequest("POST", w.srv.URL+"/plans/bk-1368-2017/key-areas", strings.NewReader("unit=01903&year=2019&reasons=high_risk"))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.Header.Set("Origin", "http://evil.example")
	req.Header.Set("Sec-Fetch-Site", "cross-site")
	resp, err = c.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusForbidden {
		t.Errorf("cross-site POST: %d, want 403", resp.StatusCode)
	}
	if ks, _ := w.store.KeyAreas(ctx, "bk-1368-2017", 2019); len(ks) != 0 {
		t.Error("a cross-site POST changed data")
	}
}

func TestWritesByRole(t *testing.T) {
	w := newWorld(t, storetest.OpenSQLite(t))
	keyArea := url.Values{"unit": {"01903"}, "year": {"2019"}, "reasons": {"high_risk", "cases_occurred"}, "note": {"Giáp biên giới"}}
	cases := []struct {
		user, path string
		form       url.Values
		want       int
	}{
		{"viewer", "/plans/bk-1368-2017/key-areas", keyArea, http.StatusForbidden},
		{"viewer", "/agencies/bk-ca/contact", url.Values{"name": {"X"}}, http.StatusForbidden},
		{"viewer", "/users", url.Values{"username": {"newbie"}, "name": {"X"}, "role": {"viewer"}, "password": {"0123456789"}}, http.StatusForbidden},
		{"police", "/agencies/bk-hlhpn/contact", url.Values{"name": {"X"}}, http.StatusForbidden},
		{"commune", "/agencies/bk-ca/contact", url.Values{"name": {"X"}}, http.StatusForbidden},
		{"police", "/plans/bk-1368-2017/key-areas", keyArea, http.StatusForbidden},
		{"police", "/agencies/bk-ca/contact", url.Values{"name": {"Đại úy Hoàng Văn A"}, "email": {"tuyentruyen.ca@backan.gov.vn"}}, http.StatusSeeOther},
		{"police", "/agencies/bk-ca/contact", url.Values{"email": {"không phải email"}}, http.StatusUnprocessableEntity},
		{"coord", "/plans/bk-1368-2017/key-areas", url.Values{"unit": {"01903"}, "year": {"2019"}}, http.StatusUnprocessableEntity},
		{"coord", "/plans/bk-1368-2017/key-areas", keyArea, http.StatusSeeOther},
		{"admin", "/users", url.Values{"username": {"ab"}, "name": {""}, "role": {"viewer"}, "password": {"short"}}, http.StatusUnprocessableEntity},
		{"admin", "/users", url.Values{"username": {"lan.hlhpn"}, "name": {"Nguyễn Thị Lan"}, "role": {"agency_reporter"}, "agency": {"bk-hlhpn"}, "password": {"0123456789"}}, http.StatusSeeOther},
	}
	for _, c := range cases {
		resp := w.post(w.login(c.user), c.path, c.form)
		if resp.StatusCode != c.want {
			t.Errorf("%s POST %s: %d, want %d", c.user, c.path, resp.StatusCode, c.want)
		}
	}
	a, _ := w.store.Agency(ctx, "06", "bk-ca")
	if a.Contact.Name != "Đại úy Hoàng Văn A" {
		t.Errorf("police contact = %+v", a.Contact)
	}
	if hl, _ := w.store.Agency(ctx, "06", "bk-hlhpn"); hl.Contact.Name != "" {
		t.Errorf("refused write changed the women's union: %+v", hl.Contact)
	}
	ks, _ := w.store.KeyAreas(ctx, "bk-1368-2017", 2019)
	if len(ks) != 1 || ks[0].Note != "Giáp biên giới" {
		t.Errorf("key areas = %+v", ks)
	}
	// A 422 shows the problem in Vietnamese next to its field.
	req, _ := http.NewRequest("POST", w.srv.URL+"/agencies/bk-ca/contact", strings.NewReader("email=sai"))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	resp, err := w.login("police").Do(req)
	if err != nil {
		t.Fatal(err)
	}
	body, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if !strings.Contains(string(body), "Địa chỉ thư điện tử không hợp lệ.") {
		t.Errorf("422 page lacks the Vietnamese message")
	}
}

func TestPasswordChange(t *testing.T) {
	w := newWorld(t, storetest.OpenSQLite(t))
	c := w.login("viewer")
	other := w.login("viewer")
	if resp := w.post(c, "/account/password", url.Values{"current": {password}, "new": {"mật khẩu mới rất dài"}, "again": {"khác"}}); resp.StatusCode != http.StatusUnprocessableEntity {
		t.Errorf("mismatched new passwords: %d", resp.StatusCode)
	}
	if resp := w.post(c, "/account/password", url.Values{"current": {"sai"}, "new": {"mật khẩu mới rất dài"}, "again": {"mật khẩu mới rất dài"}}); resp.StatusCode != http.StatusUnprocessableEntity {
		t.Errorf("wrong current password: %d", resp.StatusCode)
	}
	if resp := w.post(c, "/account/password", url.Values{"current": {password}, "new": {"mật khẩu mới rất dài"}, "again": {"mật khẩu mới rất dài"}}); resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("change: %d", resp.StatusCode)
	}
	if status, _ := w.get(c, "/account"); status != http.StatusOK {
		t.Errorf("the changing session ended: %d", status)
	}
	if status, _ := w.get(other, "/account"); status != http.StatusSeeOther {
		t.Errorf("another session survived: %d", status)
	}
	if _, _, err := w.store.Authenticate(ctx, "viewer", "mật khẩu mới rất dài"); err != nil {
		t.Error(err)
	}
}

func TestHealthz(t *testing.T) {
	w := newWorld(t, storetest.OpenSQLite(t))
	resp, err := http.Get(w.srv.URL + "/healthz")
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	var m map[string]string
	if err := json.NewDecoder(resp.Body).Decode(&m); err != nil {
		t.Fatal(err)
	}
	if resp.StatusCode != 200 || m["status"] != "ok" || m["schema_version"] != w.store.LatestSchemaVersion() {
		t.Errorf("healthz: %d %v", resp.StatusCode, m)
	}
}

func TestRedirectsStayOnSite(t *testing.T) {
	w := newWorld(t, storetest.OpenSQLite(t))
	c := w.browser()
	for _, next := range []string{"//evil.example/", "/\t/evil.example", "/\\evil.example", "https://evil.example/", "/%09/evil.example", "javascript:alert(1)", "/\n/evil.example"} {
		resp, err := c.Get(w.srv.URL + "/lang/vi?next=" + url.QueryEscape(next))
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		// "/%09/evil.example" arrives as that literal text: a local path.
		if loc := resp.Header.Get("Location"); loc != "/" && !(next == "/%09/evil.example" && loc == next) {
			t.Errorf("next=%q redirects to %q", next, loc)
		}
	}
	resp := w.post(c, "/login", url.Values{"username": {"viewer"}, "password": {password}, "next": {"/\t/evil.example"}})
	if loc := resp.Header.Get("Location"); loc != "/" {
		t.Errorf("login next with a tab redirects to %q", loc)
	}
}

func TestLoginThrottleUnderParallelGuesses(t *testing.T) {
	w := newWorld(t, storetest.OpenSQLite(t))
	const n = 20
	codes := make(chan int, n)
	for range n {
		go func() {
			resp := w.post(w.browser(), "/login", url.Values{"username": {"admin"}, "password": {"đoán mò"}})
			codes <- resp.StatusCode
		}()
	}
	tried := 0
	for range n {
		switch <-codes {
		case http.StatusUnauthorized:
			tried++
		case http.StatusTooManyRequests:
		default:
			t.Error("unexpected status")
		}
	}
	if tried > 5 {
		t.Errorf("%d parallel guesses were checked; the limit is 5", tried)
	}
}

func TestAdminChangingOwnPasswordNeedsCurrent(t *testing.T) {
	w := newWorld(t, storetest.OpenSQLite(t))
	c := w.login("admin")
	if resp := w.post(c, "/account/password", url.Values{"current": {"sai hoàn toàn"}, "new": {"mật khẩu mới rất dài"}, "again": {"mật khẩu mới rất dài"}}); resp.StatusCode != http.StatusUnprocessableEntity {
		t.Errorf("admin without the current password: %d", resp.StatusCode)
	}
	if _, _, err := w.store.Authenticate(ctx, "admin", password); err != nil {
		t.Error("the password changed")
	}
}
